"""Turning stored records into the note's entries: a register record into a `BriefItem`
(with its source page/paragraph and its latest follow-up), minutes into `MeetingFacts`, and
the SDG coverage of the whole note."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from prachum.briefing.model import BriefItem, FollowUp, MeetingFacts, SdgCoverage, SourceRef
from prachum.resources import corpus_path

if TYPE_CHECKING:
    from prachum.models import Minutes


def source_of(record: dict[str, Any], minutes: Minutes | None) -> SourceRef:
    page = paragraph = None
    span = record.get("span")
    if minutes is not None and span:
        text = minutes.document.text
        start = min(span[0], len(text))
        page = minutes.document.page_of(start)
        origin = 0
        if page is not None:
            origin = minutes.document.pages[page - 1].start if page <= len(minutes.document.pages) else 0
        lines = text[origin:start].split("\n")
        paragraph = sum(1 for line in lines[:-1] if line.strip()) + 1
    return SourceRef(
        doc=record["doc"] or record["doc_id"] or "-",
        doc_id=record["doc_id"] or "",
        page=page,
        paragraph=paragraph,
        meeting_date=record["meeting_date"],
    )


def last_followup(record: dict[str, Any], today: dt.date) -> FollowUp | None:
    """The newest, up to ``today``, of: a linked later report (not rejected) and a staff status
    change or note. Automatic status changes are the links themselves, so they are not repeated."""
    limit = today.isoformat()
    candidates: list[FollowUp] = []
    linked = set()
    for link in record["followups"]:
        linked.add(link["item_id"])
        if link["state"] == "rejected" or not link.get("text") or (link["meeting_date"] or "") > limit:
            continue
        candidates.append(
            FollowUp(
                date=link["meeting_date"],
                text=link["text"],
                doc=link["doc"],
                status=link["proposed_status"],
                confirmed=link["state"] != "suggested",
            )
        )
    for entry in record["history"]:
        when = (entry["at"] or "")[:10]
        if (
            entry["field"] not in ("status", "note")
            or not entry.get("note")
            or str(entry["actor"]).startswith("auto")
            or (entry.get("evidence_item_id") and entry["evidence_item_id"] in linked)
            or when > limit
        ):
            continue
        candidates.append(FollowUp(date=when or None, text=entry["note"], status=entry["to"] or None))
    if not candidates:
        return None
    # on equal dates the later entry (staff history after links) wins
    return max(enumerate(candidates), key=lambda pair: (pair[1].date or "", pair[0]))[1]


def brief_item(record: dict[str, Any], minutes: Minutes | None, today: dt.date) -> BriefItem:
    """A register record as an entry of the note."""
    return BriefItem(
        rec_id=record["id"],
        kind=record["kind"],
        text=record["text"],
        owners=tuple(record["to"]),
        by=tuple(record["by"]),
        due=record["due"],
        status=record["status"],
        overdue=bool(record["overdue"]),
        source=source_of(record, minutes),
        sdg=tuple(record["sdg"]),
        last_followup=last_followup(record, today),
    )


def meeting_facts(minutes: Minutes) -> MeetingFacts:
    m = minutes.meeting
    present: list[str] = []
    absent: list[str] = []
    for p in m.participants:
        label = " ".join(part for part in (p.name, p.position and f"({p.position})") if part) or p.agency
        if not label:
            continue
        (absent if p.role and "ไม่มา" in p.role else present).append(label)
    return MeetingFacts(
        doc_id=minutes.id,
        file=minutes.document.file_name,
        title=m.title,
        body=m.body,
        date=m.date,
        start_time=m.start_time,
        end_time=m.end_time,
        chair=m.chair,
        location=m.location,
        participants=tuple(present),
        absent=tuple(absent),
    )


def sdg_coverage(items: tuple[BriefItem, ...], meetings: list[Minutes]) -> tuple[SdgCoverage, ...]:
    """Goals with the number of items and of meetings touching each, most items first."""
    item_counts = Counter(goal for item in items for goal in item.sdg)
    meeting_counts = Counter(goal for m in meetings for goal in {tag.goal for tag in m.sdg})
    goals = sorted(set(item_counts) | set(meeting_counts))
    names = sdg_goal_names()
    rows = [SdgCoverage(g, names.get(g, ""), item_counts[g], meeting_counts[g]) for g in goals]
    return tuple(sorted(rows, key=lambda r: (-r.items, -r.meetings, r.goal)))


@lru_cache(maxsize=1)
def sdg_goal_names() -> dict[int, str]:
    """Short Thai goal names from ``corpus/sdg/goals.tsv`` (empty when the file is absent)."""
    path = corpus_path("sdg", "goals.tsv")
    if not path.exists():
        return {}
    names = {}
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        cols = line.split("\t")
        if len(cols) >= 4 and cols[0].strip().isdigit():
            names[int(cols[0])] = cols[3].strip()
    return names
