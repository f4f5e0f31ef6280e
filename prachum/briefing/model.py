"""The records a briefing note is made of: what the writers (Markdown, DOCX) lay out."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True)
class SourceRef:
    """Where an item was said: the file, its page (paged sources) and paragraph (non-blank line)."""

    doc: str
    doc_id: str
    page: int | None
    paragraph: int | None
    meeting_date: str | None


@dataclass(frozen=True)
class FollowUp:
    """The latest news on an item: a later meeting's report or a staff update."""

    date: str | None
    text: str
    doc: str | None = None  # the reporting meeting's file, None for a staff update
    status: str | None = None  # the status that report implies (register value)
    confirmed: bool = True  # False for a suggested, unconfirmed link


@dataclass(frozen=True)
class BriefItem:
    rec_id: str
    kind: str  # action | recommendation | resolution
    text: str  # quoted from the minutes, unchanged
    owners: tuple[str, ...]
    by: tuple[str, ...]
    due: str | None
    status: str  # register status
    overdue: bool
    source: SourceRef
    sdg: tuple[int, ...] = ()
    last_followup: FollowUp | None = None


@dataclass(frozen=True)
class MeetingFacts:
    doc_id: str
    file: str
    title: str | None
    body: str | None
    date: str | None
    start_time: str | None
    end_time: str | None
    chair: str | None
    location: str | None
    participants: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()


@dataclass(frozen=True)
class SdgCoverage:
    goal: int
    name: str
    items: int  # items of the note tagged with the goal
    meetings: int  # meetings of the note whose document touches the goal


@dataclass(frozen=True)
class Brief:
    scope: str  # one of SCOPES
    subject: str  # เรื่อง
    criteria: tuple[tuple[str, str], ...]  # what was asked, as (Thai label, value)
    today: dt.date
    prepared_for: str
    prepared_by: str | None
    since: dt.date | None
    until: dt.date | None
    meetings: tuple[MeetingFacts, ...]
    items: tuple[BriefItem, ...]
    sdg: tuple[SdgCoverage, ...]

    @property
    def overdue(self) -> tuple[BriefItem, ...]:
        return tuple(i for i in self.items if i.overdue)

    def status_counts(self) -> Counter[str]:
        return Counter(i.status for i in self.items)
