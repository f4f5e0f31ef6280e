"""Follow-up linking: which earlier record does a later progress report speak about?

A later meeting's progress items ("ได้ลงนามบันทึกความร่วมมือกับมหาวิทยาลัย…แล้ว") are scored
against the register's records of EARLIER meetings on five signals, each in [0, 1]:

- meaning: embedding cosine, rescaled by the embedder's own floor (e5 puts unrelated Thai
  sentences near 0.8, a bag-of-words hash near 0), so one threshold works for every backend;
- words: overlap of content tokens;
- agencies: overlap of the agencies named by, to, or next to each item;
- body: the same committee met;
- reference: the later document names the earlier meeting's date ("จากการประชุมเมื่อวันที่…").

Each report goes to at most one record and each record takes at most one report per
document (best pairs first), because a progress list answers a recommendation list line by
line; a near tie between two records makes the link a suggestion, not an automatic one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from prachum.models import Embedder, Item, Minutes
from prachum.tracking.signals import agency_score, meaning_scores, same_body, shared_tokens
from prachum.tracking.statuses import proposed_status

AUTO_THRESHOLD = 0.60  # at or above: linked and status applied automatically
SUGGEST_THRESHOLD = 0.45  # at or above: proposed, waits for a person
AMBIGUITY_MARGIN = 0.03  # runner-up this close to the best → only a suggestion
# Meeting context (same body, an explicit reference to the earlier meeting) weighs as much as
# wording: a committee's progress list answers that committee's earlier advice even when the
# report words it differently ("ลงนามบันทึกความร่วมมือกับมหาวิทยาลัย" ↔ "หาภาคีเครือข่ายภาควิชาการ").
WEIGHTS = {"meaning": 0.3, "words": 0.15, "agencies": 0.15, "body": 0.15, "reference": 0.25}
# Context alone never links: the texts must share some meaning or some words.
MIN_MEANING = 0.15
MIN_WORDS = 0.25

_BECAUSE = re.compile(r"เนื่องจาก[^\n]{1,150}")


@dataclass(frozen=True)
class RecView:
    """What linking needs to know about one register record."""

    rec_id: str
    text: str
    agencies: frozenset[str]
    owners: frozenset[str]
    body: str | None
    meeting_date: str | None
    doc_id: str | None


@dataclass(frozen=True)
class Evidence:
    """A later item that may report progress on an earlier record."""

    item_id: str
    doc_id: str
    text: str
    context: str  # the whole list entry: "…แล้ว 12 แห่ง เพื่อเป็นภาคีด้านวิชาการ…" says what was done
    agencies: frozenset[str]
    body: str | None
    meeting_date: str | None
    referenced_dates: frozenset[str]
    proposed_status: str | None
    reason: str


@dataclass(frozen=True)
class Proposal:
    rec_id: str
    item_id: str
    doc_id: str
    confidence: float
    proposed_status: str | None
    state: str  # auto | suggested
    reason: str
    signals: dict[str, float] = field(default_factory=dict)


def is_trackable(item: Item) -> bool:
    """Recommendations, and actions/resolutions that give someone work to do: each becomes a
    register record."""
    return item.kind == "recommendation" or bool(item.to) or item.status == "planned"


@lru_cache(maxsize=20_000)
def agency_key(name: str) -> str:
    """Fold an agency surface form so that ``มท.``, ``มท`` and ``ม.ท.`` meet."""
    return re.sub(r"[\s.]", "", name).lower()


def alias_map(minutes: Minutes) -> dict[str, str]:
    """Every name, abbreviation and English name of the agencies in ``minutes`` → one key."""
    out: dict[str, str] = {}
    for agency in minutes.agencies:
        key = agency_key(agency.name)
        for surface in (agency.name, agency.abbr, agency.name_en):
            if surface:
                out[agency_key(surface)] = key
    return out


def context_range(text: str, span: tuple[int, int], limit: int = 160) -> tuple[int, int]:
    """The line (list entry or paragraph) holding ``span``, at most ``limit`` chars either side."""
    start = text.rfind("\n", 0, span[0]) + 1
    end = text.find("\n", span[1])
    end = len(text) if end < 0 else end
    return max(start, span[0] - limit), min(end, span[1] + limit)


def item_owners(minutes: Minutes, item: Item) -> frozenset[str]:
    """The agencies the item gives work to (its ``to``), folded like `item_agencies`."""
    aliases = alias_map(minutes)
    return frozenset(aliases.get(agency_key(name), agency_key(name)) for name in item.to if name.strip())


def item_agencies(minutes: Minutes, item: Item) -> frozenset[str]:
    """Agencies the item names as actor or addressee, or that its line mentions."""
    aliases = alias_map(minutes)
    found = {aliases.get(agency_key(name), agency_key(name)) for name in (*item.by, *item.to) if name.strip()}
    start, end = context_range(minutes.document.text, item.span)
    for agency in minutes.agencies:
        if any(s < end and e > start for s, e in agency.mentions):
            found.add(agency_key(agency.name))
    return frozenset(found)


def evidence_of(minutes: Minutes) -> list[Evidence]:
    """The items of ``minutes`` that report progress (actions/resolutions with progress wording)."""
    from prachum.nlp.dates import find_dates

    text = minutes.document.text
    dates = [(d.span[0], d.date.isoformat()) for d in find_dates(text)]
    out = []
    for item in minutes.items:
        if item.kind == "recommendation" or item.status == "planned":
            continue  # new advice or a new assignment: a record of its own, not a report
        if item.to and item.status not in ("done", "in_progress", "not_started"):
            continue  # gives someone work and reports nothing: an assignment
        status, reason = proposed_status(item.text, item.status)
        if status is None:
            continue
        context = text[slice(*context_range(text, item.span))]
        because = _BECAUSE.search(context)
        if because:
            reason = f"{reason} {because.group(0).strip()}"
        out.append(
            Evidence(
                item_id=item.id,
                doc_id=minutes.id,
                text=item.text,
                context=context,
                agencies=item_agencies(minutes, item),
                body=minutes.meeting.body,
                meeting_date=minutes.meeting.date,
                # dates written before the item: "ตามข้อคิดเห็น…จากการประชุมเมื่อวันที่ 3 กุมภาพันธ์ 2566"
                referenced_dates=frozenset(iso for at, iso in dates if at < item.span[0])
                - {minutes.meeting.date},
                proposed_status=status,
                reason=reason,
            )
        )
    return out


def _per_distinct(
    rep_values: Iterable[Any], rec_values: Iterable[Any], score: Callable[[Any, Any], float]
) -> np.ndarray:
    """(reports × recs) ``score(report value, record value)``, computed once per distinct pair
    of values (a register holds few distinct agency sets, bodies and dates) and broadcast."""
    (reps, rep_at), (recs, rec_at) = _codes(rep_values), _codes(rec_values)
    table = np.array([[score(a, b) for b in recs] for a in reps], dtype=np.float64)
    return table.reshape(len(reps), len(recs))[np.ix_(rep_at, rec_at)]


def _codes(values: Iterable[Hashable]) -> tuple[list[Any], np.ndarray]:
    """The distinct values (first-seen order) and each value's position among them."""
    index: dict[Hashable, int] = {}
    codes = [index.setdefault(v, len(index)) for v in values]
    return list(index), np.array(codes, dtype=np.intp)


def _context_signals(
    recs: Sequence[RecView], reports: Sequence[Evidence], taken: set[tuple[str, str]]
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """(reports × recs): which pairs may link at all (an earlier record, not decided yet) and
    the agencies/body/reference signals."""
    dates = sorted({d for d in (*(r.meeting_date for r in recs), *(e.meeting_date for e in reports)) if d})
    rank = {d: k for k, d in enumerate(dates)}
    rec_rank = np.array([rank[r.meeting_date] if r.meeting_date else -1 for r in recs], dtype=np.intp)
    rep_rank = np.array([rank[e.meeting_date] if e.meeting_date else -1 for e in reports], dtype=np.intp)
    # a report can only follow up a record from a strictly earlier meeting
    free = (rec_rank[None, :] >= 0) & (rec_rank[None, :] < rep_rank[:, None])
    rows_of: dict[str, list[int]] = {}
    cols_of: dict[str, list[int]] = {}
    for i, report in enumerate(reports):
        rows_of.setdefault(report.item_id, []).append(i)
    for j, rec in enumerate(recs):
        cols_of.setdefault(rec.rec_id, []).append(j)
    for rec_id, item_id in taken:
        if rec_id in cols_of and item_id in rows_of:
            free[np.ix_(rows_of[item_id], cols_of[rec_id])] = False
    return free, {
        "agencies": _per_distinct(
            (e.agencies for e in reports),
            ((r.agencies, r.owners) for r in recs),
            lambda reported, rec: agency_score(rec[0], rec[1], reported),
        ),
        "body": _per_distinct(
            (e.body for e in reports), (r.body for r in recs), lambda a, b: same_body(b, a)
        ),
        "reference": _per_distinct(
            (e.referenced_dates for e in reports),
            (r.meeting_date for r in recs),
            lambda refs, date: 1.0 if date in refs else 0.0,
        ),
    }


def _weighted(signals: dict[str, np.ndarray]) -> np.ndarray:
    """Σ WEIGHTS[k]·signal in the dict's order, as Python's ``sum`` adds them (same float)."""
    total: np.ndarray | None = None
    for k, v in signals.items():
        term = WEIGHTS[k] * v
        total = term if total is None else total + term
    assert total is not None
    return total


Scored = tuple[float, int, int, dict[str, float]]  # (confidence, report index, record index, signals)


def propose_links(
    embedder: Embedder,
    recs: Sequence[RecView],
    reports: Sequence[Evidence],
    *,
    taken: Iterable[tuple[str, str]] = (),
) -> list[Proposal]:
    """Links worth keeping between ``reports`` and the records of earlier meetings.

    ``taken`` lists (rec_id, item_id) pairs already decided (any state): they are neither
    proposed again nor counted as free."""
    if not recs or not reports:
        return []
    # Context signals first (cheap); only pairs that could still reach a suggestion with
    # perfect wording are embedded and tokenised. Every pair is scored at once over
    # (reports × records) arrays: a register of thousands of records meets every report.
    free, known = _context_signals(recs, reports, set(taken))
    best_case = (WEIGHTS["meaning"] + WEIGHTS["words"]) + _weighted(known)
    rows, cols = np.nonzero(free & (best_case > SUGGEST_THRESHOLD))  # row-major: (i, j) order
    if not len(rows):
        return []
    rec_rows, rec_at = np.unique(cols, return_inverse=True)
    report_rows, report_at = np.unique(rows, return_inverse=True)
    rec_texts = [recs[j].text for j in rec_rows]
    report_texts = [reports[i].context for i in report_rows]
    matrix = meaning_scores(embedder, rec_texts, report_texts)
    shared, smaller = shared_tokens(rec_texts, report_texts)
    shared, smaller = shared[report_at, rec_at], smaller[report_at, rec_at]
    words = np.zeros(len(rows), dtype=np.float64)
    np.divide(shared, smaller, out=words, where=smaller > 0)  # no tokens on a side: 0
    columns = {
        "meaning": matrix[report_at, rec_at].astype(np.float64),
        "words": words,
        **{k: v[rows, cols] for k, v in known.items()},
    }
    total = _weighted(columns)
    keep = ~((columns["meaning"] < MIN_MEANING) & (columns["words"] < MIN_WORDS)) & (
        total >= SUGGEST_THRESHOLD
    )
    scored: list[Scored] = [
        (float(total[k]), int(rows[k]), int(cols[k]), {name: float(v[k]) for name, v in columns.items()})
        for k in np.flatnonzero(keep)
    ]
    return assign(scored, recs, reports)


def assign(scored: list[Scored], recs: Sequence[RecView], reports: Sequence[Evidence]) -> list[Proposal]:
    """Proposals from the scored pairs, best first: each report to at most one record, each
    record to at most one report per document; a link is automatic only when it is clearly
    ahead of every rival still free."""
    scored = sorted(scored, key=lambda row: -row[0])
    options: dict[int, list[tuple[float, int]]] = {}
    for confidence, i, j, _s in scored:
        options.setdefault(i, []).append((confidence, j))
    chosen: dict[int, tuple[float, int, dict[str, float]]] = {}
    holder: dict[tuple[int, str], int] = {}  # (record, document) → the report that took it
    for confidence, i, j, signals in scored:
        key = (j, reports[i].doc_id)
        if i in chosen or key in holder:
            continue
        chosen[i] = (confidence, j, signals)
        holder[key] = i
    out = []
    for i, (confidence, j, signals) in chosen.items():
        report, rec = reports[i], recs[j]
        # a rival only counts if it is still free: a record a better report took is no rival
        rivals = [c for c, j2 in options[i] if j2 != j and holder.get((j2, report.doc_id), i) == i]
        clear = confidence - max(rivals, default=0.0) >= AMBIGUITY_MARGIN
        state = "auto" if confidence >= AUTO_THRESHOLD and clear else "suggested"
        out.append(
            Proposal(
                rec_id=rec.rec_id,
                item_id=report.item_id,
                doc_id=report.doc_id,
                confidence=round(confidence, 4),
                proposed_status=report.proposed_status,
                state=state,
                reason=report.reason,
                signals={k: round(v, 3) for k, v in signals.items()},
            )
        )
    return out
