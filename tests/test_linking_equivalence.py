"""`propose_links` scores every (report, record) pair at once over numpy arrays; this file keeps
the straightforward per-pair scorer it replaced and checks, on randomized registers (empty
agency sets, missing bodies and dates, nested agency names, ties, pairs already decided), that
both propose exactly the same links: same pairs, order, confidence, state and signals."""

from __future__ import annotations

import random

import pytest

from prachum.search.embed import HashingEmbedder
from prachum.search.tokens import search_tokens
from prachum.tracking.linking import (
    MIN_MEANING,
    MIN_WORDS,
    SUGGEST_THRESHOLD,
    WEIGHTS,
    Evidence,
    Proposal,
    RecView,
    assign,
    propose_links,
)
from prachum.tracking.signals import (
    STATUS_WORDS,
    agency_overlap,
    meaning_scores,
    same_agency,
    same_body,
    shared_tokens,
)

EMBEDDER = HashingEmbedder(64)


# -- the per-pair reference ------------------------------------------------------------------
def tokens(text: str) -> frozenset[str]:
    return frozenset(t for t in search_tokens(STATUS_WORDS.sub(" ", text)) if len(t) > 1)


def word_overlap(a: str, b: str) -> float:
    ta, tb = tokens(a), tokens(b)
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / min(len(ta), len(tb))


def agency_score(rec: RecView, report: Evidence) -> float:
    overall = agency_overlap(rec.agencies, report.agencies)
    if (
        rec.owners
        and report.agencies
        and not any(same_agency(o, a) for o in rec.owners for a in report.agencies)
    ):
        return overall * 0.5
    return overall


def reference_links(
    recs: list[RecView], reports: list[Evidence], taken: set[tuple[str, str]]
) -> list[Proposal]:
    context: dict[tuple[int, int], dict[str, float]] = {}
    for i, report in enumerate(reports):
        for j, rec in enumerate(recs):
            earlier = bool(
                rec.meeting_date and report.meeting_date and rec.meeting_date < report.meeting_date
            )
            if (rec.rec_id, report.item_id) in taken or not earlier:
                continue
            signals = {
                "agencies": agency_score(rec, report),
                "body": same_body(rec.body, report.body),
                "reference": 1.0 if rec.meeting_date in report.referenced_dates else 0.0,
            }
            best_case = (
                WEIGHTS["meaning"] + WEIGHTS["words"] + sum(WEIGHTS[k] * v for k, v in signals.items())
            )
            if best_case > SUGGEST_THRESHOLD:
                context[(i, j)] = signals
    if not context:
        return []
    rec_rows = sorted({j for _i, j in context})
    report_rows = sorted({i for i, _j in context})
    matrix = meaning_scores(
        EMBEDDER, [recs[j].text for j in rec_rows], [reports[i].context for i in report_rows]
    )
    meaning = {
        (i, j): float(matrix[a, b])
        for a, i in enumerate(report_rows)
        for b, j in enumerate(rec_rows)
        if (i, j) in context
    }
    scored = []
    for (i, j), known in context.items():
        signals = {
            "meaning": meaning[(i, j)],
            "words": word_overlap(recs[j].text, reports[i].context),
            **known,
        }
        if signals["meaning"] < MIN_MEANING and signals["words"] < MIN_WORDS:
            continue
        confidence = sum(WEIGHTS[k] * v for k, v in signals.items())
        if confidence >= SUGGEST_THRESHOLD:
            scored.append((confidence, i, j, signals))
    return assign(scored, recs, reports)  # the pairing itself is shared: scoring is under test


# -- randomized registers ---------------------------------------------------------------------
WORDS = [
    "ลงนาม",
    "บันทึกความร่วมมือ",
    "มหาวิทยาลัย",
    "ฐานข้อมูล",
    "ป่าชายเลน",
    "ถนน",
    "งบประมาณ",
    "โรงเรียน",
    "น้ำประปา",
    "ภาคีเครือข่าย",
    "ขยะ",
    "ชุมชน",
    "จังหวัด",
    "อบรม",
    "แล้ว",
    "อยู่ระหว่างดำเนินการ",
    "ยังไม่ได้ดำเนินการ",
    "SDGs",
    "report",
    "12",
]
AGENCIES = (
    "มท",
    "สปมท",
    "สำนักงานจังหวัด",
    "สนจ",
    "อบจ",
    "ทสจ",
    "กระทรวงมหาดไทย",
    "สำนักงานปลัดกระทรวงมหาดไทย",
    "x",
)
BODIES = (
    None,
    "",
    "คณะกรรมการขับเคลื่อน SDGs จังหวัด",
    "คณะกรรมการขับเคลื่อนSDGsจังหวัด",
    "คณะกรรมการขับเคลื่อน SDGs จังหวัดขอนแก่น",
    "คณะอนุกรรมาธิการ",
)
DATES = (None, "", "2023-01-10", "2023-02-03", "2023-02-03", "2023-06-07", "2023-09-01", "2024-01-15")


def text(rng: random.Random) -> str:
    return " ".join(rng.choices(WORDS, k=rng.randint(0, 7)))


def agencies(rng: random.Random) -> frozenset[str]:
    return frozenset(rng.sample(AGENCIES, rng.randint(0, 3)))


def register(seed: int) -> tuple[list[RecView], list[Evidence], set[tuple[str, str]]]:
    rng = random.Random(seed)
    texts = [text(rng) for _ in range(12)]  # shared texts make ties
    recs = [
        RecView(
            f"r{j % 37}",  # a few repeated ids, as a caller could pass
            rng.choice(texts) if rng.random() < 0.5 else text(rng),
            agencies(rng),
            agencies(rng) if rng.random() < 0.6 else frozenset(),
            rng.choice(BODIES),
            rng.choice(DATES),
            f"d{rng.randint(0, 3)}",
        )
        for j in range(rng.randint(0, 45))
    ]
    reports = []
    for i in range(rng.randint(0, 25)):
        said = rng.choice(texts) if rng.random() < 0.5 else text(rng)
        reports.append(
            Evidence(
                f"i{i}",
                f"d{rng.randint(3, 6)}",
                said,
                said + (" " + text(rng) if rng.random() < 0.5 else ""),
                agencies(rng),
                rng.choice(BODIES),
                rng.choice(DATES),
                frozenset(d for d in rng.sample(DATES, rng.randint(0, 3)) if d is not None),
                rng.choice(("implemented", "in_progress", None)),
                "เหตุผล",
            )
        )
    taken = {(r.rec_id, e.item_id) for r in recs for e in reports if rng.random() < 0.05}
    return recs, reports, taken


@pytest.mark.parametrize("seed", range(60))
def test_array_scoring_proposes_what_the_per_pair_scorer_proposed(seed: int) -> None:
    recs, reports, taken = register(seed)
    assert propose_links(EMBEDDER, recs, reports, taken=taken) == reference_links(recs, reports, taken)


def test_the_randomized_registers_reach_every_outcome() -> None:
    # the comparison above means something only if links, both states and ties do occur
    found = [p for seed in range(60) for p in reference_links(*register(seed))]
    assert {p.state for p in found} == {"auto", "suggested"}
    assert len(found) > 100
    assert any(p.signals["reference"] == 1.0 for p in found)


def test_shared_tokens_counts_set_intersections() -> None:
    rng = random.Random(5)
    recs = [text(rng) for _ in range(30)] + ["", "แล้ว"]
    reports = [text(rng) for _ in range(20)] + [""]
    shared, smaller = shared_tokens(recs, reports)
    for i, b in enumerate(reports):
        for j, a in enumerate(recs):
            assert shared[i, j] == len(tokens(a) & tokens(b))
            assert smaller[i, j] == min(len(tokens(a)), len(tokens(b)))


def test_remembered_register_rows_follow_the_store(tmp_path) -> None:
    # _rec_views keeps the views it built keyed by the row's values: a changed row is read anew
    import sqlalchemy as sa
    from test_tracking_support import Desk, first_meeting

    from prachum.schema import recs as rec_table

    desk = Desk(tmp_path)
    desk.ingest(first_meeting())
    mine = rec_table.c.doc_id == first_meeting().id
    with desk.store.begin() as conn:
        before = desk.register._rec_views(conn, mine)
        conn.execute(sa.update(rec_table).where(rec_table.c.id == before[0].rec_id).values(agencies=["ทสจ"]))
        after = desk.register._rec_views(conn, mine)
    assert before[0].agencies != frozenset({"ทสจ"})
    assert after[0].agencies == frozenset({"ทสจ"})
    assert after[1:] == before[1:] and after[1] is before[1]
