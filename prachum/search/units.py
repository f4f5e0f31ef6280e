"""Index units: what search returns. Every extracted item, plus overlapping passages.

Passages are windows of whole segments (lines, or space-separated phrases of long lines)
of about `PASSAGE_MIN`–`PASSAGE_MAX` characters that overlap their neighbour by about
`PASSAGE_OVERLAP` characters, so any sentence of a document (not only the extracted items)
can be found and the found words are never cut in half at a window edge. Windows never
cross a document. Each unit carries the facts search filters on.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from prachum.models import Minutes, Span

PASSAGE_MIN = 300
PASSAGE_MAX = 500
PASSAGE_OVERLAP = 120
# A piece longer than this is cut at spaces (Thai writes a space between phrases/sentences).
_SEGMENT_MAX = 250
_SEGMENT = re.compile(r"[^\n]+")
_SPACE_RUN = re.compile(r"[ \t\u00a0]+")


@dataclass(frozen=True)
class IndexUnit:
    uid: str
    doc_id: str
    doc: str  # file name
    span: Span
    text: str  # exactly document.text[span[0]:span[1]]
    kind: str | None  # action | recommendation | resolution; None for a passage
    item_id: str | None
    meeting_date: str | None
    body: str | None
    agencies: tuple[str, ...] = ()  # Thai names, abbreviations and English names, as filter keys
    sdg: tuple[int, ...] = ()
    status: str | None = None

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:32]


def _pieces(text: str) -> list[Span]:
    """Lines of ``text`` as spans, long lines cut at spaces into pieces of ≤ ~_SEGMENT_MAX chars."""
    pieces: list[Span] = []
    for line in _SEGMENT.finditer(text):
        start, end = line.start(), line.end()
        if not text[start:end].strip():
            continue
        while end - start > _SEGMENT_MAX:
            cut = None
            for gap in _SPACE_RUN.finditer(text, start + _SEGMENT_MAX // 3, start + _SEGMENT_MAX):
                cut = gap
            if cut is None:  # no space to cut at: a hard cut is better than an unbounded unit
                pieces.append((start, start + _SEGMENT_MAX))
                start += _SEGMENT_MAX
                continue
            pieces.append((start, cut.start()))
            start = cut.end()
        pieces.append((start, end))
    return [_trim(text, span) for span in pieces if text[span[0] : span[1]].strip()]


def _trim(text: str, span: Span) -> Span:
    start, end = span
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end)


def passage_spans(text: str, skip: tuple[Span, ...] = ()) -> list[Span]:
    """Overlapping windows of whole pieces over ``text``; pieces inside a ``skip`` span are left out."""
    pieces = [p for p in _pieces(text) if not any(s <= p[0] and p[1] <= e for s, e in skip)]
    windows: list[Span] = []
    i = 0
    while i < len(pieces):
        j = i
        while j + 1 < len(pieces) and pieces[j][1] - pieces[i][0] < PASSAGE_MIN:
            if pieces[j + 1][1] - pieces[i][0] > PASSAGE_MAX:
                break
            j += 1
        windows.append((pieces[i][0], pieces[j][1]))
        if j + 1 >= len(pieces):
            break
        # the next window starts with this one's last pieces that fit in the overlap
        nxt = j + 1
        while nxt - 1 > i and pieces[j][1] - pieces[nxt - 1][0] <= PASSAGE_OVERLAP:
            nxt -= 1
        i = nxt
    return windows


def _agency_keys(minutes: Minutes, span: Span, extra: tuple[str, ...] = ()) -> tuple[str, ...]:
    keys: list[str] = list(extra)
    for agency in minutes.agencies:
        if any(span[0] <= s and e <= span[1] for s, e in agency.mentions):
            keys.extend(k for k in (agency.name, agency.abbr, agency.name_en) if k)
    return tuple(dict.fromkeys(keys))


def build_units(minutes: Minutes) -> list[IndexUnit]:
    """The items and passages of one document, ready to index."""
    doc = minutes.document
    text = doc.text
    common: dict[str, Any] = {
        "doc_id": doc.id,
        "doc": doc.file_name,
        "meeting_date": minutes.meeting.date,
        "body": minutes.meeting.body,
    }
    units: list[IndexUnit] = []
    for item in minutes.items:
        start, end = item.span
        if not (0 <= start < end <= len(text)):
            continue
        units.append(
            IndexUnit(
                uid=f"{doc.id}:i:{item.id}",
                span=(start, end),
                text=text[start:end],
                kind=item.kind,
                item_id=item.id,
                agencies=_agency_keys(minutes, item.span, item.to + item.by),
                sdg=tuple(sorted({tag.goal for tag in item.sdg})),
                status=item.status,
                **common,
            )
        )
    skip = tuple(b.span for b in doc.boilerplate)
    for start, end in passage_spans(text, skip):
        overlapping = [it for it in minutes.items if it.span[0] < end and start < it.span[1]]
        units.append(
            IndexUnit(
                uid=f"{doc.id}:p:{start}-{end}",
                span=(start, end),
                text=text[start:end],
                kind=None,
                item_id=None,
                agencies=_agency_keys(minutes, (start, end)),
                sdg=tuple(sorted({tag.goal for it in overlapping for tag in it.sdg})),
                **common,
            )
        )
    # two items with the same id would collide in the index: keep the first
    unique: dict[str, IndexUnit] = {}
    for unit in units:
        unique.setdefault(unit.uid, unit)
    return list(unique.values())
