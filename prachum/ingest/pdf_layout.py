"""The lines of a PDF page's text layer with their boxes, and its ruled tables as rows.

pdfium gives the text and every character's box (it keeps Thai marks that pdfplumber's own
text loses); lines become `reflow.Line`s in top-down page points. Where the page draws
ruling lines, pdfplumber finds the tables (its geometry only): the lines inside a table are
replaced by one line per row, the cells' text (pdfium's characters inside each cell) joined
by tabs, in reading order, as the DOCX reader writes tables. Table rows never re-join.
"""

from __future__ import annotations

import contextlib
import io
import re
from dataclasses import dataclass
from typing import Any

from prachum.ingest.reflow import Box, Line, glue

_MIN_RULES = 4  # path objects a page needs before it is worth looking for a ruled table


@dataclass(frozen=True)
class _Char:
    text: str
    box: Box  # top-down
    line: int  # index of the pdfium line it is on


class Plumber:
    """pdfplumber's view of the same PDF, opened on first use (it parses the file again)."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self._pdf: Any = None

    def page(self, index: int) -> Any:
        if self._pdf is None:
            import pdfplumber

            self._pdf = pdfplumber.open(io.BytesIO(self.data))
        return self._pdf.pages[index]

    def close(self) -> None:
        if self._pdf is not None:
            self._pdf.close()


def page_text(page: Any, height: float, *, plumber: Plumber | None = None, index: int = 0) -> tuple[str, list[Line]]:
    """The page's text layer (newlines normalised), and its lines with their boxes."""
    textpage = page.get_textpage()
    try:
        text = textpage.get_text_range()
        chars = _chars(textpage, text, height) if len(text) == textpage.count_chars() else []
    finally:
        textpage.close()
    lines = _lines(chars)
    if chars and plumber is not None and _has_rules(page):
        # pdfminer raises many kinds of error on odd files: the page then keeps its plain lines
        with contextlib.suppress(Exception):
            lines = _with_tables(lines, chars, plumber.page(index))
    return text.replace("\r\n", "\n").replace("\r", "\n"), lines


def _chars(textpage: Any, text: str, height: float) -> list[_Char]:
    """Every character but line breaks, with its box; pdfium's char index is the text index
    (its line breaks are characters of their own)."""
    chars: list[_Char] = []
    line = 0
    for index, char in enumerate(text):
        if char in "\r\n":
            line += char == "\n" or not text.startswith("\n", index + 1)
            continue
        left, bottom, right, top = textpage.get_charbox(index)
        chars.append(_Char(char, (left, height - top, right, height - bottom), line))
    return chars


def _line_of(chars: list[_Char], *, fixed: bool = False) -> Line | None:
    text = "".join(c.text for c in chars).strip()
    boxes = [c.box for c in chars if not c.text.isspace()]
    if not text or not boxes:
        return None
    box = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
    return Line(text, box, fixed=fixed)


def _lines(chars: list[_Char]) -> list[Line]:
    groups: dict[int, list[_Char]] = {}
    for char in chars:
        groups.setdefault(char.line, []).append(char)
    return [line for group in groups.values() if (line := _line_of(group)) is not None]


def _has_rules(page: Any) -> bool:
    import pypdfium2.raw as pdfium_c

    objects = page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=2)
    return sum(1 for _ in zip(range(_MIN_RULES), objects, strict=False)) >= _MIN_RULES


def _inside(box: Box, area: tuple[float, float, float, float]) -> bool:
    x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return area[0] <= x <= area[2] and area[1] <= y <= area[3]


def _cell_text(chars: list[_Char], cell: tuple[float, float, float, float]) -> str:
    """The characters inside a cell, its lines joined as wrapped lines are."""
    pieces: dict[int, str] = {}
    for char in chars:
        if _inside(char.box, cell):
            pieces[char.line] = pieces.get(char.line, "") + char.text
    text = ""
    for piece in (p.strip() for p in pieces.values()):
        if piece:
            text = text + glue(text, piece) + piece if text else piece
    return re.sub(r"[\t ]+", " ", text)


def _with_tables(lines: list[Line], chars: list[_Char], plumber_page: Any) -> list[Line]:
    """Replace the lines inside each ruled table by one fixed line per table row."""
    tables = plumber_page.find_tables()
    if not tables:
        return lines
    rows_at: dict[int, list[Line]] = {}
    inside: set[int] = set()
    for table in tables:
        first = next((i for i, line in enumerate(lines) if _inside(line.box, table.bbox)), None)
        if first is None:
            continue
        inside.update(i for i, line in enumerate(lines) if _inside(line.box, table.bbox))
        rows: list[Line] = []
        for row in table.rows:
            cells: list[str] = []
            for cell in row.cells:
                value = _cell_text(chars, cell) if cell is not None else ""
                if cell is not None and (not cells or value != cells[-1]):  # merged cells repeat
                    cells.append(value)
            if any(cells):
                x0, top, x1, bottom = row.bbox
                rows.append(Line("\t".join(cells), (x0, top, x1, bottom), fixed=True))
        rows_at[first] = rows
    out: list[Line] = []
    for i, line in enumerate(lines):
        out.extend(rows_at.get(i, ()))
        if i not in inside:
            out.append(line)
    return out
