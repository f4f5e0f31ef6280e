"""What a briefing note says, collected once from the services; the Markdown, DOCX and PDF
writers only lay it out.

A note is about one document (its meeting facts and what it recommended or assigned) or
about a set of meetings chosen by agency, search query and/or body, optionally within a
date range. Its items are the tracking register's records, so the status, the deadline and
the last follow-up are the register's current ones, and every item names its source
(document, page, paragraph).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

from prachum.briefing.entries import brief_item, meeting_facts, sdg_coverage
from prachum.briefing.model import Brief, BriefItem, FollowUp, MeetingFacts, SdgCoverage, SourceRef
from prachum.errors import InvalidInput, NotFound

if TYPE_CHECKING:
    from prachum.models import Minutes
    from prachum.services import Services

log = logging.getLogger(__name__)

SCOPES = ("doc", "agency", "query", "body")
QUERY_HITS = 60  # search hits looked at for a query brief; only tracked items among them are kept
QUERY_ITEMS = 15  # at most this many items in a query brief: a note, not a search result page
# Fused scores are reciprocal-rank sums: a unit ranked high by both the words (BM25) and the
# meaning (vectors) scores about twice one ranked by only one of them. Half the best score
# keeps the units both agree on and drops the long tail every query has.
QUERY_SCORE_RATIO = 0.5
DEFAULT_FOR = "ผู้บริหาร"
GENERIC_TITLES = ("รายงานการประชุม", "บันทึกการประชุม", "สรุปผลการประชุม")


__all__ = ["Brief", "BriefItem", "FollowUp", "MeetingFacts", "SdgCoverage", "SourceRef", "collect_brief"]


def collect_brief(
    services: Services,
    *,
    doc: str | None = None,
    agency: str | None = None,
    query: str | None = None,
    body: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    today: dt.date | None = None,
    prepared_for: str | None = None,
    prepared_by: str | None = None,
) -> Brief:
    """Gather everything the note says. ``doc`` stands alone; ``agency``, ``query`` and
    ``body`` narrow each other (all must match) within ``since``..``until``."""
    doc, agency, query, body = (_clean(v) for v in (doc, agency, query, body))
    today = today or dt.date.today()
    if since and until and since > until:
        raise InvalidInput(f"since {since.isoformat()} is after until {until.isoformat()}")
    if doc and (agency or query or body):
        raise InvalidInput("a document brief (doc) cannot be combined with agency, query or body")
    if not (doc or agency or query or body):
        raise InvalidInput("say what to brief on: doc, agency, query or body")
    records = services.register.list(today=today, sort="date")
    minutes_of = _MinutesCache(services)
    if doc:
        minutes = minutes_of.get(doc)  # NotFound names the id
        chosen = [r for r in records if r["doc_id"] == minutes.id]
        chosen.sort(key=lambda r: (r["span"] or [0])[0])
        meetings = [minutes]
        scope, subject = "doc", _doc_subject(minutes)
    else:
        chosen = _filter_records(
            services, records, agency=agency, query=query, body=body, since=since, until=until
        )
        chosen.sort(key=lambda r: (r["meeting_date"] or "9999", r["doc"] or "", (r["span"] or [0])[0]))
        meetings = _meetings_for(services, minutes_of, chosen, body=body, since=since, until=until)
        scope = "agency" if agency else "query" if query else "body"
        bodies = {m.meeting.body for m in meetings if m.meeting.body}
        full_body = bodies.pop() if body and len(bodies) == 1 else body
        subject = _set_subject(services, agency=agency, query=query, body=full_body)
    items = tuple(brief_item(r, minutes_of.find(r["doc_id"]), today) for r in chosen)
    facts = tuple(meeting_facts(m) for m in meetings)
    criteria = tuple(
        (label, value)
        for label, value in (
            ("เอกสาร", doc),
            ("หน่วยงาน", agency),
            ("คำค้น", query),
            ("คณะ", body),
            ("ตั้งแต่วันที่", since.isoformat() if since else None),
            ("ถึงวันที่", until.isoformat() if until else None),
        )
        if value
    )
    return Brief(
        scope=scope,
        subject=subject,
        criteria=criteria,
        today=today,
        prepared_for=_clean(prepared_for) or DEFAULT_FOR,
        prepared_by=_clean(prepared_by),
        since=since,
        until=until,
        meetings=facts,
        items=items,
        sdg=sdg_coverage(items, meetings),
    )


def _clean(value: str | None) -> str | None:
    return value.strip() or None if isinstance(value, str) else value


class _MinutesCache:
    """Stored documents by id, read once per note (records of deleted documents have none)."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.cache: dict[str, Minutes | None] = {}

    def get(self, doc_id: str) -> Minutes:
        minutes = self.find(doc_id)
        if minutes is None:
            raise NotFound(f"no document with id {doc_id!r}")
        return minutes

    def find(self, doc_id: str | None) -> Minutes | None:
        if not doc_id:
            return None
        if doc_id not in self.cache:
            try:
                self.cache[doc_id] = self.services.store.get_minutes(doc_id)
            except NotFound:
                self.cache[doc_id] = None
        return self.cache[doc_id]


def _in_range(meeting_date: str | None, since: dt.date | None, until: dt.date | None) -> bool:
    if not (since or until):
        return True
    if not meeting_date:
        return False  # a record without a meeting date cannot be placed in the range
    return (not since or meeting_date >= since.isoformat()) and (
        not until or meeting_date <= until.isoformat()
    )


def _filter_records(
    services: Services,
    records: list[dict[str, Any]],
    *,
    agency: str | None,
    query: str | None,
    body: str | None,
    since: dt.date | None,
    until: dt.date | None,
) -> list[dict[str, Any]]:
    if agency or body:
        # the register's own matching, so a note lists what `prachum recs list --agency` lists
        wanted = {r["id"] for r in services.register.list(agency=agency, body=body)}
        records = [r for r in records if r["id"] in wanted]
    records = [r for r in records if _in_range(r["meeting_date"], since, until)]
    if query:
        records = _search_records(services, records, query, body=body, since=since, until=until)
    return records


def _search_records(
    services: Services,
    records: list[dict[str, Any]],
    query: str,
    *,
    body: str | None,
    since: dt.date | None,
    until: dt.date | None,
) -> list[dict[str, Any]]:
    """The tracked items among the query's best search hits, best first."""
    from prachum.search.results import SearchFilters

    filters = SearchFilters(
        body=body, since=since.isoformat() if since else None, until=until.isoformat() if until else None
    )
    by_item = {r["item_id"]: r for r in records if r["item_id"]}
    out: dict[str, dict[str, Any]] = {}
    hits = services.index.search(query, limit=QUERY_HITS, filters=filters)
    floor = hits[0].score * QUERY_SCORE_RATIO if hits else 0.0
    for hit in hits:
        if hit.score < floor:
            break
        record = by_item.get(hit.item_id or "")
        if record is not None:
            out.setdefault(record["id"], record)
        if len(out) >= QUERY_ITEMS:
            break
    return list(out.values())


def _meetings_for(
    services: Services,
    minutes_of: _MinutesCache,
    records: list[dict[str, Any]],
    *,
    body: str | None,
    since: dt.date | None,
    until: dt.date | None,
) -> list[Minutes]:
    """The meetings the items come from; for a body brief also the body's meetings without items."""
    doc_ids = dict.fromkeys(r["doc_id"] for r in records if r["doc_id"])
    if body:
        wanted = body.replace(" ", "")
        for row in services.store.list_documents():
            if wanted in (row["body"] or "").replace(" ", "") and _in_range(
                row["meeting_date"], since, until
            ):
                doc_ids.setdefault(row["id"], None)
    found = [m for m in (minutes_of.find(d) for d in doc_ids) if m is not None]
    return sorted(found, key=lambda m: (m.meeting.date or "9999", m.document.file_name))


def _doc_subject(minutes: Minutes) -> str:
    m = minutes.meeting
    title = m.title if m.title and m.title.strip() not in GENERIC_TITLES else None
    name = title or m.body or minutes.document.file_name
    return f"สรุปผลการประชุม{name}"


def _set_subject(services: Services, *, agency: str | None, query: str | None, body: str | None) -> str:
    parts = []
    if agency:
        parts.append(f"ของ{_agency_name(services, agency)}")
    if query:
        parts.append(f"เรื่อง “{query}”")
    if body:
        parts.append(f"ในการประชุม{body}")
    return "สรุปข้อเสนอแนะและการมอบหมายงาน" + " ".join(parts)


def _agency_name(services: Services, agency: str) -> str:
    """``มท.`` → ``กระทรวงมหาดไทย (มท.)`` when the gazetteer knows the name."""
    try:
        found = services.gazetteer.lookup(agency)
    except Exception:  # a broken user gazetteer must not stop the note; the typed name is fine
        log.warning("gazetteer lookup failed for %r", agency, exc_info=True)
        return agency
    if found is None:
        return agency
    return f"{found.name} ({found.abbr})" if found.abbr and found.abbr != found.name else found.name
