"""Briefing notes for executives: one function, three formats.

`build_brief` collects what to say (`content.collect_brief`) and lays it out as Markdown
(chat, e-mail), DOCX (a Thai government memo, บันทึกข้อความ, in Sarabun) or PDF (that DOCX
converted by LibreOffice headless, fonts embedded). The CLI (`prachum brief`) and the API
(`GET /api/brief`) both call it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from prachum.errors import InvalidInput, choices

if TYPE_CHECKING:
    from prachum.services import Services

FORMATS = ("md", "docx", "pdf")
MEDIA_TYPES = {
    "md": "text/markdown; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}

__all__ = ["FORMATS", "MEDIA_TYPES", "build_brief"]


def build_brief(
    services: Services,
    *,
    doc: str | None = None,
    agency: str | None = None,
    query: str | None = None,
    body: str | None = None,
    since: str | dt.date | None = None,
    until: str | dt.date | None = None,
    fmt: str = "md",
    today: str | dt.date | None = None,
    prepared_for: str | None = None,
    prepared_by: str | None = None,
) -> tuple[bytes, str]:
    """A briefing note as ``(content, media type)``.

    ``doc`` (a document id) gives a note on one meeting; ``agency``, ``query`` and ``body``
    choose meetings and items (combinable), optionally within ``since``..``until`` (ISO or
    Thai dates). ``today`` dates the note and decides what is overdue (default: today).
    Digits follow ``services.settings.thai_digits``."""
    from prachum.briefing.content import collect_brief
    from prachum.briefing.thaifmt import parse_user_date

    if fmt not in FORMATS:
        raise InvalidInput(f"format: {choices(fmt, FORMATS)}")
    brief = collect_brief(
        services,
        doc=doc,
        agency=agency,
        query=query,
        body=body,
        since=parse_user_date(since, "since"),
        until=parse_user_date(until, "until"),
        today=parse_user_date(today, "today"),
        prepared_for=prepared_for,
        prepared_by=prepared_by,
    )
    thai_digits = services.settings.thai_digits
    if fmt == "md":
        from prachum.briefing.markdown import render_markdown

        return render_markdown(brief, thai_digits=thai_digits).encode("utf-8"), MEDIA_TYPES[fmt]
    from prachum.briefing.docx_writer import render_docx

    document = render_docx(brief, thai_digits=thai_digits)
    if fmt == "docx":
        return document, MEDIA_TYPES[fmt]
    from prachum.briefing.pdf import docx_to_pdf

    return docx_to_pdf(document), MEDIA_TYPES[fmt]
