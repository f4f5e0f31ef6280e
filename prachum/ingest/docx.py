"""Word documents: paragraphs, numbered lists and tables in reading order.

Word keeps list numbers out of the text (they live in numbering.xml), so they are rebuilt
here from each paragraph's numPr — minutes lean on "1." / "3.1" / bullets for structure.
Tables become one line per row with tab-separated cells. The ZIP is checked before
python-docx opens it: a file that is not a ZIP or that would inflate past the limit is
refused with a one-line reason (zip bombs).
"""
from __future__ import annotations

import hashlib
import io
import zipfile

from prachum.errors import ReadError, TooLarge
from prachum.ingest.limits import Limits
from prachum.models import Document

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"


def _check_zip(data: bytes, file_name: str, limits: Limits) -> None:
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ReadError(f"{file_name}: not a DOCX file (not a ZIP archive)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            total = sum(info.file_size for info in infos)
            if "word/document.xml" not in names:
                raise ReadError(f"{file_name}: a ZIP file but not a Word document (no word/document.xml)")
            if total > limits.max_unzipped_bytes:
                raise TooLarge(
                    f"{file_name}: unpacks to {total:,} bytes, over the limit of {limits.max_unzipped_bytes:,} (zip bomb?)"
                )
    except zipfile.BadZipFile as exc:
        raise ReadError(f"{file_name}: corrupt DOCX ({exc})") from None


def _numbering_formats(document) -> dict[tuple[str, int], str]:  # type: ignore[no-untyped-def]
    """(numId, level) → numFmt (decimal, bullet, thaiNumbers, ...)."""
    formats: dict[tuple[str, int], str] = {}
    try:
        numbering = document.part.numbering_part.element
    except (KeyError, NotImplementedError, AttributeError):
        return formats
    abstract: dict[str, dict[int, str]] = {}
    for abs_num in numbering.findall(f"{W}abstractNum"):
        levels: dict[int, str] = {}
        for lvl in abs_num.findall(f"{W}lvl"):
            fmt = lvl.find(f"{W}numFmt")
            levels[int(lvl.get(f"{W}ilvl", "0"))] = fmt.get(f"{W}val") if fmt is not None else "decimal"
        abstract[abs_num.get(f"{W}abstractNumId", "")] = levels
    for num in numbering.findall(f"{W}num"):
        ref = num.find(f"{W}abstractNumId")
        if ref is None:
            continue
        for level, fmt in abstract.get(ref.get(f"{W}val", ""), {}).items():
            formats[(num.get(f"{W}numId", ""), level)] = fmt
    return formats


def _num_pr(paragraph):  # type: ignore[no-untyped-def]
    """The paragraph's numbering properties, set directly or inherited from its style chain
    (Word's "List Number" / "List Bullet" styles carry numPr in the style)."""
    p_pr = paragraph._p.pPr
    if p_pr is not None and p_pr.numPr is not None and p_pr.numPr.numId is not None:
        return p_pr.numPr
    style = paragraph.style
    while style is not None:
        style_ppr = style.element.pPr
        if style_ppr is not None and style_ppr.numPr is not None and style_ppr.numPr.numId is not None:
            return style_ppr.numPr
        style = style.base_style
    return None


def _list_marker(paragraph, formats, counters) -> str:  # type: ignore[no-untyped-def]
    num_pr = _num_pr(paragraph)
    if num_pr is None:
        return ""
    num_id = str(num_pr.numId.val)
    level = int(num_pr.ilvl.val) if num_pr.ilvl is not None else 0
    fmt = formats.get((num_id, level), "decimal")
    if fmt == "bullet":
        return "- "
    key = (num_id, level)
    counters[key] = counters.get(key, 0) + 1
    for (other_id, other_level) in list(counters):  # a new parent entry restarts its children
        if other_id == num_id and other_level > level:
            del counters[(other_id, other_level)]
    parents = [str(counters.get((num_id, lv), 1)) for lv in range(level)]
    number = ".".join(parents + [str(counters[key])])
    if fmt == "thaiNumbers":
        number = number.translate(str.maketrans("0123456789", THAI_DIGITS))
    return f"{number}. " if level == 0 else f"{number} "


def read_docx(data: bytes, *, file_name: str, limits: Limits, progress: object = None) -> Document:
    if not data:
        raise ReadError(f"{file_name}: empty file")
    _check_zip(data, file_name, limits)
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds on damaged parts
        raise ReadError(f"{file_name}: unreadable DOCX ({type(exc).__name__}: {exc})") from None
    formats = _numbering_formats(document)
    counters: dict[tuple[str, int], int] = {}
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            text = block.text.strip()
            if text:
                lines.append(_list_marker(block, formats, counters) + text)
            elif lines and lines[-1]:
                lines.append("")
        elif isinstance(block, Table):
            for row in block.rows:
                cells: list[str] = []
                for cell in row.cells:
                    value = " ".join(cell.text.split())
                    if not cells or value != cells[-1]:  # merged cells repeat their text
                        cells.append(value)
                if any(cells):
                    lines.append("\t".join(cells))
            lines.append("")
    text = "\n".join(lines).strip() + "\n"
    if len(text) > limits.max_text_chars:
        raise TooLarge(f"{file_name}: {len(text):,} characters is over the limit of {limits.max_text_chars:,}")
    if not text.strip():
        raise ReadError(f"{file_name}: the document has no text")
    core = document.core_properties
    meta = {"docx_title": core.title} if core.title else {}
    return Document(
        file_name=file_name,
        text=text,
        format="docx",
        content_hash=hashlib.sha256(data).hexdigest(),
        meta=meta,
    )
