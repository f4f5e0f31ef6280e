"""Re-join the visual lines of a page into paragraphs, from their boxes on the page.

Scans (OCR) and text PDFs hand over the text line by line as it was laid out: a sentence,
an agenda entry or a resolution wrapped over three lines comes out as three lines, and the
extractor, which reads entries and sentences line by line, loses what was cut. `reflow`
puts a wrapped line back after the one it continues and keeps a line break where the page
has one: before an entry marker (ระเบียบวาระที่, มติที่ประชุม, ๑., 1.1, (1), -), after a
line that stops short of the right margin or ends with a colon, before an indented first
line and across a paragraph gap. Thai joins Thai without a space (Thai wraps between
words, not at spaces); anything else joins with one space.

Every line's text is copied whole, so a position inside line ``i`` is at
``Flow.starts[i]`` plus its position in the line: word boxes and spans keep pointing at the
page. `page_furniture` finds the page numbers and running titles that repeat at the top or
bottom of the pages, so the readers can leave them out of the flowing text.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

Box = tuple[float, float, float, float]  # x0, top, x1, bottom; y grows down the page

# a line that starts a list entry, an agenda item or a resolution never continues the line above
ENTRY_START = re.compile(
    r"^\s*(?:ระเบียบวาระ|วาระที|มติ\S{0,16}(?=\s|[:：]|$)"
    r"|\(?[0-9๐-๙]{1,3}(?:\.[0-9๐-๙]{1,3})*[.)](?![0-9๐-๙])|[0-9๐-๙]{1,3}(?:\.[0-9๐-๙]{1,3})+(?=\s)"
    r"|\(?[ก-ฮ][.)]\s|[-–—•●○▪◦*➢➤✓](?=\s|[ก-๛A-Za-z]))"
)
# a page number alone on its line: "- ๒ -", "หน้า 3", "3/12", "(๔)", "Page 2 of 5"; between
# dashes anything short goes, since OCR reads a lone Thai digit as Latin letters ("- lo -")
PAGE_NUMBER = re.compile(
    r"^\s*(?:[-–—]\s*[^\s\-–—]{1,4}\s*[-–—]|[-–—]?\s*[0-9๐-๙]{1,4}\s*[-–—]|\(?\s*(?:หน้า|หน้าที่|page)?\s*[0-9๐-๙]{1,4}\s*\)?"
    r"(?:\s*(?:/|จาก|of)\s*[0-9๐-๙]{1,4})?)\s*$",
    re.IGNORECASE,
)
_ENDS_CLOSED = (":", "：", "ฯลฯ")
_THAI = ("\u0e01", "\u0e5b")
_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


@dataclass(frozen=True)
class Line:
    """One visual line: its text and box; ``first_word`` is the width its first word takes
    (None when unknown), used to tell a line that wrapped from one that ended early;
    ``words`` are OCR words as (start, end) in ``text``, box x0, y0, x1, y1 and confidence."""

    text: str
    box: Box
    first_word: float | None = None
    words: tuple[tuple[int, int, int, int, int, int, int], ...] = ()
    fixed: bool = False  # a table row: never joined to a neighbour

    @property
    def left(self) -> float:
        return self.box[0]

    @property
    def right(self) -> float:
        return self.box[2]

    @property
    def top(self) -> float:
        return self.box[1]


@dataclass(frozen=True)
class Flow:
    """The page text with wrapped lines joined; ``starts[i]`` is where line i's text begins.

    ``open_end``: the last line runs to the margin (the paragraph may go on over the page);
    ``open_start``: the first line could continue a paragraph from the page before.
    """

    text: str
    starts: tuple[int, ...]
    open_end: bool = False
    open_start: bool = False


@dataclass(frozen=True)
class _Geometry:
    left: float  # the body text's left margin
    right: float  # the body text's right margin
    pitch: float  # the usual distance between the tops of two lines
    width: float  # the page width
    confirmed: bool = True  # three or more lines end at the right margin (else it is a guess)


def _median(values: list[float], default: float) -> float:
    values = sorted(values)
    return values[len(values) // 2] if values else default


def _geometry(lines: Sequence[Line], page_width: float) -> _Geometry:
    lefts = [round(line.left / page_width * 100) for line in lines]
    rights = [round(line.right / page_width * 100) for line in lines]
    # the margins are where most lines start and where the full ones end
    left = min((v for v, n in Counter(lefts).items() if n >= max(2, len(lines) // 5)), default=min(lefts))
    full = sorted(rights)[-max(1, len(rights) // 4) :]
    right = _median([float(v) for v in full], max(rights))
    confirmed = sum(1 for v in rights if v >= right - 6) >= 3  # ragged lines end a word short
    if not confirmed:
        # too few lines run to one edge to show the margin: take it as wide as the left one
        right = max(right, 100 - left)
    steps = [b.top - a.top for a, b in zip(lines, lines[1:], strict=False) if b.top > a.top]
    height = _median([line.box[3] - line.box[1] for line in lines], page_width / 40)
    # one or two steps may all span a paragraph gap: a pitch is at most 2.5 line heights
    pitch = min(_median(steps, height * 1.5), height * 2.5)
    return _Geometry(left * page_width / 100, right * page_width / 100, max(pitch, height), page_width, confirmed)


def first_word_width(line: Line) -> float:
    """How wide the line's first word is: measured when the reader knows, else its share of
    the line's letters (marks take no width) times the line's width, the word cut by newmm."""
    if line.first_word is not None:
        return line.first_word
    from pythainlp.tokenize import word_tokenize

    head = line.text.lstrip()
    tokens = [t for t in word_tokenize(head[:40], engine="newmm", keep_whitespace=False) if t.strip()]
    if not tokens:
        return 0.0
    letters = sum(1 for c in head if not unicodedata.combining(c) and not c.isspace()) or 1
    word = sum(1 for c in tokens[0] if not unicodedata.combining(c))
    return word / letters * (line.right - line.left)


def _reaches_margin(line: Line, following: Line | None, geo: _Geometry) -> bool:
    """Did ``line`` stop because the margin came (it wrapped), not because its text ended?"""
    slack = geo.right - line.right
    if slack > geo.width * 0.15:
        return False
    if not geo.confirmed:  # no margin shows (a few loose lines): nothing to tell a wrap by
        return False
    if following is not None:
        # the next line's first word would have fitted in the room left: this line ended early
        return first_word_width(following) > slack - geo.width * 0.01
    return slack <= geo.width * 0.08


def _starts_anew(line: Line, previous: Line, geo: _Geometry) -> bool:
    """Does ``line`` begin something of its own (entry, indented paragraph, heading)?"""
    if ENTRY_START.match(line.text):
        return True
    indent = geo.width * 0.025
    hanging = geo.width * 0.10 if ENTRY_START.match(previous.text) else indent
    return line.left > max(previous.left + hanging, geo.left + indent) and line.left > previous.left + indent


def _gap(previous: Line, line: Line, geo: _Geometry) -> bool:
    """A paragraph gap (more than a line's pitch) between two lines."""
    return line.top - previous.top > geo.pitch * 1.35


def joins(previous: Line, line: Line, geo: _Geometry) -> bool:
    return (
        not (previous.fixed or line.fixed)
        and bool(previous.text.strip() and line.text.strip())
        and not _gap(previous, line, geo)
        and line.top > previous.top  # next line down, not a column or a block moved back
        and not previous.text.rstrip().endswith(_ENDS_CLOSED)
        and _reaches_margin(previous, line, geo)
        and not _starts_anew(line, previous, geo)
    )


def glue(before: str, after: str) -> str:
    """'' between Thai letters (Thai wraps between words), else one space; a space also
    before a clause starter (ทั้งนี้, นอกจากนี้, ส่วนการ…), which Thai writing sets off with
    one and the extractor cuts clauses at (the same lexicon, `nlp.cues`)."""
    from prachum.nlp.cues import load_cues

    thai = before and after and _THAI[0] <= before[-1] <= _THAI[1] and _THAI[0] <= after[0] <= _THAI[1]
    return "" if thai and not load_cues().clause_break.match(" " + after) else " "


def reflow(lines: Sequence[Line], *, page_width: float) -> Flow:
    """Join wrapped lines; a newline between lines that stay apart, a blank line at a gap.
    ``starts`` has one entry per line given (give lines with text)."""
    if not lines:
        return Flow("", ())
    geo = _geometry(lines, page_width)
    parts: list[str] = []
    starts: list[int] = []
    offset = 0
    for index, line in enumerate(lines):
        if index:
            previous = lines[index - 1]
            if joins(previous, line, geo):
                separator = glue(previous.text, line.text)
            elif _gap(previous, line, geo):
                separator = "\n\n"
            else:
                separator = "\n"
            parts.append(separator)
            offset += len(separator)
        starts.append(offset)
        parts.append(line.text)
        offset += len(line.text)
    last = lines[-1]
    open_end = (
        geo.confirmed
        and not last.text.rstrip().endswith(_ENDS_CLOSED)
        and geo.right - last.right <= geo.width * 0.08
    )
    first = lines[0]
    open_start = not ENTRY_START.match(first.text) and first.left <= geo.left + geo.width * 0.025
    return Flow("".join(parts), tuple(starts), open_end, open_start)


def _furniture_key(text: str) -> str:
    """A line with its numbers masked: running titles differ only in their page number."""
    return re.sub(r"[0-9]+", "#", " ".join(text.translate(_DIGITS).split()))


def page_furniture(pages: Sequence[Sequence[Line]], *, page_height: Sequence[float]) -> list[set[int]]:
    """Per page, the indexes of lines that are page furniture: a page number alone on its
    line, or a line repeated (numbers aside) at the same edge of at least half of the pages
    (and of two or more), within the top or bottom tenth of the page."""
    edges: list[dict[int, str]] = []
    counts: Counter[tuple[str, str]] = Counter()
    for lines, height in zip(pages, page_height, strict=True):
        found: dict[int, str] = {}
        for index, line in enumerate(lines):
            if line.top < height * 0.1:
                found[index] = "top"
            elif line.box[3] > height * 0.9:
                found[index] = "bottom"
        edges.append(found)
        counts.update({(edge, _furniture_key(lines[i].text)) for i, edge in found.items()})
    repeated = {key for key, n in counts.items() if n >= 2 and n >= len(pages) / 2}
    out: list[set[int]] = []
    for lines, found in zip(pages, edges, strict=True):
        out.append(
            {
                i
                for i, edge in found.items()
                if PAGE_NUMBER.match(lines[i].text) or (edge, _furniture_key(lines[i].text)) in repeated
            }
        )
    return out


@dataclass(frozen=True)
class PageLines:
    """The lines read on one page, in reading order, and the page's size (same units)."""

    lines: tuple[Line, ...]
    width: float
    height: float


@dataclass(frozen=True)
class PageFlow:
    """One page laid out: its flow, the lines in it (``flow.starts`` is aligned to them) and
    the page furniture left out of it."""

    flow: Flow
    lines: tuple[Line, ...]
    furniture: tuple[Line, ...] = ()


def flow_pages(pages: Sequence[PageLines | None]) -> list[PageFlow | None]:
    """Lay out each page's lines (None for pages read without boxes), page numbers and
    running titles left out; `page_separator` says how consecutive pages join."""
    present = [(i, page) for i, page in enumerate(pages) if page is not None]
    marks = page_furniture([page.lines for _, page in present], page_height=[page.height for _, page in present])
    out: list[PageFlow | None] = [None] * len(pages)
    for (index, page), furniture in zip(present, marks, strict=True):
        body = tuple(line for i, line in enumerate(page.lines) if i not in furniture)
        extra = tuple(line for i, line in enumerate(page.lines) if i in furniture)
        out[index] = PageFlow(reflow(body, page_width=page.width), body, extra)
    return out


def page_separator(before: Flow | None, after: Flow | None, default: str) -> str:
    """What goes between two pages' texts: a paragraph running over the page break joins up
    (its last line ran to the margin, the next page starts at the margin with no entry
    marker); anything else keeps ``default``."""
    if before is None or after is None or not (before.open_end and after.open_start):
        return default
    return glue(before.text, after.text)
