"""The follow-up scorer on its own, with a topic embedder whose similarities are known."""

from __future__ import annotations

import hashlib

import numpy as np

from prachum.tracking.linking import Evidence, RecView, propose_links
from prachum.tracking.signals import agency_overlap, same_body

TOPICS = ("ฐานข้อมูล", "ป่า", "ถนน")


class TopicEmbedder:
    """One axis per topic word in the text plus a small text-specific component, so texts on the
    same topic are close, others near-orthogonal, and the floor sentences unrelated."""

    name = "topics"
    dim = 64

    def _one(self, text: str) -> np.ndarray:
        seed = int.from_bytes(hashlib.blake2b(text.encode(), digest_size=4).digest(), "little")
        vector = np.random.default_rng(seed).normal(size=self.dim) * 0.05
        for n, topic in enumerate(TOPICS):
            if topic in text:
                vector[n] += 1.0
        return vector / np.linalg.norm(vector)

    def embed_passages(self, texts):
        return np.array([self._one(t) for t in texts], dtype=np.float32)

    embed_queries = embed_passages


BODY = "คณะกรรมการขับเคลื่อน SDGs จังหวัด"


def rec(rec_id: str, text: str, *, date: str = "2023-02-03", agencies=("สนจ",), body: str = BODY) -> RecView:
    return RecView(rec_id, text, frozenset(agencies), frozenset(agencies[:1]), body, date, "d1")


def report(
    item_id: str, text: str, *, date: str = "2023-06-07", agencies=("สนจ",), refs=("2023-02-03",)
) -> Evidence:
    return Evidence(
        item_id,
        "d2",
        text,
        text,
        frozenset(agencies),
        BODY,
        date,
        frozenset(refs),
        "implemented",
        "ดำเนินการแล้ว",
    )


def test_a_clear_match_is_automatic_and_explains_itself():
    found = propose_links(
        TopicEmbedder(),
        [rec("r1", "จัดทำฐานข้อมูลครัวเรือนยากจน"), rec("r2", "ส่งเสริมการปลูกป่าต้นน้ำ")],
        [report("i1", "จัดทำฐานข้อมูลครัวเรือนยากจนครบแล้ว")],
    )
    assert [(p.rec_id, p.item_id, p.state) for p in found] == [("r1", "i1", "auto")]
    assert set(found[0].signals) == {"meaning", "words", "agencies", "body", "reference"}
    assert found[0].proposed_status == "implemented"


def test_only_reports_of_later_meetings_count():
    recs = [rec("r1", "จัดทำฐานข้อมูลครัวเรือนยากจน")]
    assert (
        propose_links(TopicEmbedder(), recs, [report("i1", "จัดทำฐานข้อมูลครัวเรือนแล้ว", date="2023-02-03")]) == []
    )
    assert (
        propose_links(TopicEmbedder(), recs, [report("i1", "จัดทำฐานข้อมูลครัวเรือนแล้ว", date="2022-01-01")]) == []
    )


def test_each_report_takes_one_record_and_each_record_one_report_per_document():
    found = propose_links(
        TopicEmbedder(),
        [rec("r1", "จัดทำฐานข้อมูลครัวเรือนยากจน")],
        [report("i1", "จัดทำฐานข้อมูลครัวเรือนยากจนครบแล้ว"), report("i2", "ปรับปรุงฐานข้อมูลแล้ว")],
    )
    assert [(p.rec_id, p.item_id) for p in found] == [("r1", "i1")]


def test_a_near_tie_between_two_records_is_only_a_suggestion():
    found = propose_links(
        TopicEmbedder(),
        [rec("r1", "จัดทำฐานข้อมูลครัวเรือน"), rec("r2", "จัดทำฐานข้อมูลครัวเรือน")],
        [report("i1", "จัดทำฐานข้อมูลครัวเรือนแล้ว")],
    )
    assert [p.state for p in found] == ["suggested"]


def test_context_alone_never_links():
    found = propose_links(
        TopicEmbedder(), [rec("r1", "ส่งเสริมการปลูกป่าต้นน้ำ")], [report("i1", "ซ่อมถนนสายหลักแล้ว")]
    )
    assert found == []


def test_decided_pairs_are_not_proposed_again():
    args = (TopicEmbedder(), [rec("r1", "จัดทำฐานข้อมูลครัวเรือน")], [report("i1", "จัดทำฐานข้อมูลครัวเรือนแล้ว")])
    assert propose_links(*args)
    assert propose_links(*args, taken={("r1", "i1")}) == []


def test_agency_and_body_signals():
    assert agency_overlap(frozenset({"กระทรวงมหาดไทย"}), frozenset({"สำนักงานปลัดกระทรวงมหาดไทย"})) == 1.0
    assert agency_overlap(frozenset({"มท"}), frozenset({"สศช"})) == 0.0
    assert agency_overlap(frozenset(), frozenset({"สศช"})) == 0.5
    assert same_body("คณะกรรมการ ก", "คณะกรรมการ  ก") == 1.0
    assert same_body("คณะรัฐมนตรี", "คณะกรรมการน้ำอำเภอ") == 0.0
    assert same_body(None, "คณะรัฐมนตรี") == 0.5
