"""What a search is asked (`SearchFilters`) and what it answers (`Hit`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

from prachum.errors import InvalidInput, choices
from prachum.models import ACTION_STATUSES, KINDS, Span
from prachum.search.hybrid import overlaps_too_much
from prachum.search.tokens import mark_spans

FILTER_KINDS = (*KINDS, "passage")


@dataclass(frozen=True)
class SearchFilters:
    """What to keep. ``status`` applies to items: their action status, or the tracking
    register's status when ``status_of`` (item id → status, a dict or a function) is given."""

    kind: str | None = None  # action | recommendation | resolution | passage
    sdg: int | None = None
    agency: str | None = None  # Thai name, abbreviation or English name
    body: str | None = None  # part of the meeting body's name
    since: str | None = None  # ISO date, inclusive
    until: str | None = None
    status: str | None = None
    status_of: Mapping[str, str | None] | Callable[[str], str | None] | None = field(
        default=None, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        if self.kind is not None and self.kind not in FILTER_KINDS:
            raise InvalidInput(f"kind: {choices(self.kind, FILTER_KINDS)}")
        if self.sdg is not None and not (isinstance(self.sdg, int) and 1 <= self.sdg <= 17):
            raise InvalidInput(f"sdg {self.sdg!r} is not a goal number 1–17")
        for name in ("since", "until"):
            value = getattr(self, name)
            if value is not None:
                try:
                    date.fromisoformat(value)
                except (TypeError, ValueError):
                    raise InvalidInput(f"{name} {value!r} is not a date (YYYY-MM-DD)") from None
        if self.status is not None and self.status_of is None and self.status not in ACTION_STATUSES:
            raise InvalidInput(f"status: {choices(self.status, ACTION_STATUSES)}")

    @property
    def active(self) -> bool:
        return any(
            v is not None
            for v in (self.kind, self.sdg, self.agency, self.body, self.since, self.until, self.status)
        )

    def status_for(self, item_id: str, own: str | None) -> str | None:
        if self.status_of is None:
            return own
        if callable(self.status_of):
            return self.status_of(item_id)
        return self.status_of.get(item_id, own)


@dataclass(frozen=True)
class Hit:
    doc_id: str
    doc: str  # file name
    span: Span
    text: str
    score: float
    kind: str | None
    item_id: str | None
    meeting_date: str | None
    snippet_html: str = ""
    highlights: tuple[Span, ...] = ()  # relative to ``text``
    body: str | None = None

    def to_dict(self) -> dict:
        return {
            "doc": self.doc,
            "doc_id": self.doc_id,
            "span": list(self.span),
            "text": self.text,
            "score": round(self.score, 6),
            "kind": self.kind,
            "item_id": self.item_id,
            "meeting_date": self.meeting_date,
            "body": self.body,
            "highlights": [list(h) for h in self.highlights],
            "snippet_html": self.snippet_html,
        }


def item_in_place(passage: tuple, rows: list[tuple], words: set[str], taken: dict[str, list[Span]]) -> tuple:
    """The item to show instead of ``passage`` when every query word the passage matched lies
    inside items it holds that are also candidates and not shown yet: the best ranked of them
    (``rows`` are in rank order). Staff look for the recommendation itself, and the passage
    would otherwise hide every item in it. Otherwise the passage (it says more than its items)."""
    doc_id, start, end = passage[2], passage[4], passage[5]
    shown = taken.get(doc_id, [])
    inside = [
        r
        for r in rows
        if r[6] is not None
        and r[2] == doc_id
        and start <= r[4]
        and r[5] <= end
        and not overlaps_too_much((r[4], r[5]), shown)
    ]
    marks = mark_spans(passage[13], words)
    if not inside or not marks:
        return passage
    covered = all(any(r[4] <= start + s and start + e <= r[5] for r in inside) for s, e in marks)
    return inside[0] if covered else passage
