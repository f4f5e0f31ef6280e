"""`prachum brief`: a briefing note (DOCX, PDF or Markdown) from `prachum.briefing.build_brief`."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from prachum.cli_common import DataDir, handle_errors, services, stderr
from prachum.errors import InvalidInput


class BriefFormat(StrEnum):
    docx = "docx"
    pdf = "pdf"
    md = "md"


def register(app: typer.Typer) -> None:
    @app.command()
    @handle_errors
    def brief(
        doc: Annotated[str | None, typer.Option("--doc", help="A document id (see `prachum docs`).")] = None,
        agency: Annotated[
            str | None, typer.Option("--agency", help="Agency: Thai name, abbreviation or English name.")
        ] = None,
        query: Annotated[
            str | None, typer.Option("--query", help="Items found by this search (Thai or English).")
        ] = None,
        body: Annotated[str | None, typer.Option("--body", help="Part of the meeting body's name.")] = None,
        since: Annotated[
            str | None, typer.Option(help="Meetings on or after this date (YYYY-MM-DD or Thai).")
        ] = None,
        until: Annotated[str | None, typer.Option(help="Meetings on or before this date.")] = None,
        format: Annotated[
            BriefFormat, typer.Option("--format", "-f", help="docx | pdf | md")
        ] = BriefFormat.docx,
        output: Annotated[
            Path | None,
            typer.Option("--output", "-o", help="The file to write (Markdown: stdout when omitted)."),
        ] = None,
        prepared_for: Annotated[
            str | None, typer.Option("--for", help="เรียน: who the note is for (default: ผู้บริหาร).")
        ] = None,
        prepared_by: Annotated[
            str | None, typer.Option("--from", help="ส่วนราชการ: the unit preparing it.")
        ] = None,
        today: Annotated[
            str | None, typer.Option(help="Date the note as of this day (overdue is judged against it).")
        ] = None,
        data_dir: DataDir = None,
    ) -> None:
        """Write a briefing note: one document (--doc), or the meetings and items of an agency,
        a search query and/or a body, in the memo style of Thai government offices."""
        from prachum.briefing import build_brief

        if output is None and format is not BriefFormat.md:
            raise InvalidInput(f"--format {format.value} writes a file: give -o FILE")
        content, _media_type = build_brief(
            services(data_dir),
            doc=doc,
            agency=agency,
            query=query,
            body=body,
            since=since,
            until=until,
            fmt=format.value,
            today=today,
            prepared_for=prepared_for,
            prepared_by=prepared_by,
        )
        if output is None:
            sys.stdout.write(content.decode("utf-8"))
            sys.stdout.flush()
            return
        try:
            output.write_bytes(content)
        except OSError as exc:
            raise InvalidInput(f"-o {output}: {exc.strerror or exc}") from None
        stderr.print(f"wrote {output} ({len(content):,} bytes)", highlight=False, markup=False)
