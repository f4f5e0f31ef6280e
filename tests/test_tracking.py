"""The register: which items become records, status transitions, deadline revisions, optimistic
locking, filters and views. Real SQLite in a temp dir, hand-made minutes."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from test_tracking_support import BODY, Desk, Line, first_meeting, minutes

from prachum.errors import Conflict, InvalidInput, NotFound
from prachum.tracking.statuses import CLOSED, STATUSES, TRANSITIONS, proposed_status


@pytest.fixture
def desk(tmp_path):
    return Desk(tmp_path / "data")


def test_trackable_items_become_records_with_their_facts(desk):
    desk.ingest(first_meeting())
    rows = desk.register.list()
    # 2 recommendations + 1 planned assignment; the done report and the bare resolution are not tracked
    assert sorted(r["kind"] for r in rows) == ["action", "recommendation", "recommendation"]
    rec = desk.record_for("ให้สำนักงานจังหวัดจัดทำ")
    assert rec["to"] == ["สำนักงานจังหวัด"]
    assert rec["due"] == "2023-05-31"
    assert rec["sdg"] == [1]
    assert rec["status"] == "open"
    assert rec["body"] == BODY and rec["meeting_date"] == "2023-02-03"
    assert rec["doc"] == "m1_advice.txt"
    text = desk.store.get_minutes(rec["doc_id"]).document.text
    assert text[rec["span"][0] : rec["span"][1]] == rec["text"]
    assert [h["field"] for h in rec["history"]] == ["created"]
    assert rec["version"] == 1 and not rec["orphaned"]


def test_an_assignment_with_an_owner_is_tracked_even_without_planned_status(desk):
    desk.ingest(
        minutes(
            "r.txt",
            "2023-01-10",
            [Line("resolution", "มติที่ประชุม เห็นชอบ และมอบหมายให้สำนักงานจังหวัดดำเนินการ", to=("สำนักงานจังหวัด",))],
        )
    )
    assert [r["kind"] for r in desk.register.list()] == ["resolution"]


def _fresh_records(desk, count):
    lines = [
        Line("recommendation", f"ควรดำเนินการเรื่องที่ {n} ให้แล้วเสร็จ", to=("สำนักงานจังหวัด",)) for n in range(count)
    ]
    desk.ingest(minutes("many.txt", "2023-01-05", lines))
    return [r["id"] for r in desk.register.list()]


def test_every_allowed_transition_is_applied_and_recorded_and_every_other_refused(desk):
    pairs = list(itertools.product(STATUSES, STATUSES))
    ids = iter(_fresh_records(desk, len(pairs)))
    for old, new in pairs:
        rec_id = next(ids)
        if old != "open":
            desk.register.update(rec_id, status=old, actor="setup")
        before = desk.register.get(rec_id)
        if old == new:
            with pytest.raises(InvalidInput, match="nothing to change"):
                desk.register.update(rec_id, status=new, actor="tester")
            continue
        if new in TRANSITIONS[old]:
            after = desk.register.update(rec_id, status=new, note="เหตุผลการเปลี่ยน", actor="tester")
            assert after["status"] == new
            last = after["history"][-1]
            assert (last["field"], last["from"], last["to"], last["actor"]) == ("status", old, new, "tester")
            assert after["version"] == before["version"] + 1
        else:
            with pytest.raises(InvalidInput, match="is not one of"):
                desk.register.update(rec_id, status=new, note="x", actor="tester")
            assert desk.register.get(rec_id) == before


def test_reopening_a_closed_record_needs_a_reason(desk):
    rec_id = _fresh_records(desk, 1)[0]
    desk.register.update(rec_id, status="implemented", actor="tester")
    with pytest.raises(InvalidInput, match="reason"):
        desk.register.update(rec_id, status="open", actor="tester")
    reopened = desk.register.update(rec_id, status="open", note="ตรวจพบว่ายังไม่ครบ", actor="tester")
    assert reopened["status"] == "open" and reopened["history"][-1]["note"] == "ตรวจพบว่ายังไม่ครบ"


def test_unknown_status_names_the_choices(desk):
    rec_id = _fresh_records(desk, 1)[0]
    with pytest.raises(InvalidInput) as error:
        desk.register.update(rec_id, status="finished", actor="tester")
    assert "'finished'" in str(error.value) and "partially_implemented" in str(error.value)


def test_deadline_changes_need_a_reason_and_every_revision_is_kept(desk):
    desk.ingest(first_meeting())
    rec = desk.record_for("ให้สำนักงานจังหวัดจัดทำ")
    with pytest.raises(InvalidInput, match="reason"):
        desk.register.update(rec["id"], due="2023-08-31", actor="tester")
    with pytest.raises(InvalidInput, match="ISO date"):
        desk.register.update(rec["id"], due="31/08/2023", reason="x", actor="tester")
    desk.register.update(rec["id"], due="2023-08-31", reason="รองบประมาณกลางปี", actor="a")
    after = desk.register.update(rec["id"], due="2023-12-31", reason="ผู้รับผิดชอบย้าย", actor="b")
    assert after["due"] == "2023-12-31"
    assert [(d["from"], d["to"], d["reason"], d["actor"]) for d in after["due_revisions"]] == [
        ("2023-05-31", "2023-08-31", "รองบประมาณกลางปี", "a"),
        ("2023-08-31", "2023-12-31", "ผู้รับผิดชอบย้าย", "b"),
    ]


def test_a_stale_version_is_a_conflict_and_changes_nothing(desk):
    rec_id = _fresh_records(desk, 1)[0]
    desk.register.update(rec_id, note="ครั้งแรก", actor="a", expected_version=1)
    with pytest.raises(Conflict, match="version 2"):
        desk.register.update(rec_id, status="in_progress", actor="b", expected_version=1)
    rec = desk.register.get(rec_id)
    assert rec["status"] == "open" and rec["version"] == 2 and rec["notes"] == "ครั้งแรก"


def test_priority_notes_and_evidence_are_history_entries(desk):
    desk.ingest(first_meeting())
    rec = desk.record_for("ควรส่งเสริมการปลูกป่า")
    other_item = desk.record_for("มอบหมายให้องค์การ")["item_id"]
    desk.register.update(rec["id"], priority=True, actor="a")
    desk.register.update(rec["id"], note="ประสานป่าไม้จังหวัดแล้ว", actor="a")
    after = desk.register.update(rec["id"], evidence_item_id=other_item, actor="a")
    assert after["priority"] is True
    assert [h["field"] for h in after["history"]] == ["created", "priority", "note", "evidence"]
    assert after["history"][-1]["evidence_item_id"] == other_item
    with pytest.raises(NotFound):
        desk.register.update(rec["id"], evidence_item_id="nope", actor="a")
    with pytest.raises(NotFound):
        desk.register.get("nope")


def test_overdue_means_due_passed_and_not_closed_and_sorts_first(desk):
    desk.ingest(first_meeting())
    late = desk.record_for("ให้สำนักงานจังหวัดจัดทำ")
    today = dt.date(2023, 7, 1)
    rows = desk.register.list(today=today)
    assert rows[0]["id"] == late["id"] and rows[0]["overdue"]
    assert [r["id"] for r in desk.register.list(overdue=True, today=today)] == [late["id"]]
    assert not desk.register.list(overdue=True, today=dt.date(2023, 5, 1))
    desk.register.update(late["id"], status="implemented", actor="a")
    assert not desk.register.list(overdue=True, today=today)


def test_filters_by_status_agency_body_sdg_and_kind(desk):
    desk.ingest(first_meeting())
    forest = desk.record_for("ควรส่งเสริมการปลูกป่า")
    desk.register.update(forest["id"], status="in_progress", actor="a")
    assert [r["id"] for r in desk.register.list(status="in_progress")] == [forest["id"]]
    assert len(desk.register.list(status="open,in_progress")) == 3
    assert [r["id"] for r in desk.register.list(agency="ทสจ.")] == [forest["id"]]  # abbreviation
    assert [r["id"] for r in desk.register.list(agency="ทรัพยากรธรรมชาติ")] == [forest["id"]]
    assert len(desk.register.list(body="ขอนแก่น")) == 3 and not desk.register.list(body="ลำพูน")
    assert [r["id"] for r in desk.register.list(sdg=15)] == [forest["id"]]
    assert [r["kind"] for r in desk.register.list(kind="action")] == ["action"]
    with pytest.raises(InvalidInput, match="kind"):
        desk.register.list(kind="wish")
    with pytest.raises(InvalidInput, match="sort"):
        desk.register.list(sort="colour")


def test_views_count_by_agency_body_sdg_and_status(desk):
    desk.ingest(first_meeting())
    today = dt.date(2023, 7, 1)
    by_agency = {g["agency"]: g for g in desk.register.summary("agency", today=today)}
    assert by_agency["สำนักงานจังหวัด"]["overdue"] == 1
    assert set(by_agency) == {"สำนักงานจังหวัด", "สำนักงานทรัพยากรธรรมชาติและสิ่งแวดล้อมจังหวัด", "องค์การบริหารส่วนจังหวัด"}
    assert desk.register.summary("body")[0]["total"] == 3
    assert {g["sdg"] for g in desk.register.summary("sdg")} == {"1", "15", "(ไม่ระบุ)"}
    assert desk.register.summary("status", today=dt.date(2023, 3, 1)) == [
        {"status": "open", "total": 3, "open": 3, "in_progress": 0, "closed": 0, "overdue": 0}
    ]
    with pytest.raises(InvalidInput, match="group by"):
        desk.register.summary("colour")


def test_status_of_items_maps_source_items_to_register_status(desk):
    desk.ingest(first_meeting())
    forest = desk.record_for("ควรส่งเสริมการปลูกป่า")
    desk.register.update(forest["id"], status="rejected", actor="a")
    statuses = desk.register.status_of_items()
    assert statuses[forest["item_id"]] == "rejected" and len(statuses) == 3


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("ได้ลงนามบันทึกความร่วมมือกับมหาวิทยาลัยในพื้นที่แล้ว 12 แห่ง", "implemented"),
        ("ขุดลอกแหล่งน้ำสาธารณะแล้วเสร็จ ๘ แห่ง", "implemented"),
        ("อยู่ระหว่างการวิเคราะห์ คาดว่าจะแล้วเสร็จภายในเดือนกันยายน 2566", "in_progress"),
        ("ดำเนินการจัดทำถังขยะเปียกแล้ว คิดเป็นร้อยละ ๙๒ ของครัวเรือน", "in_progress"),
        ("การปรับตัวชี้วัดระดับโลก ยังไม่ได้ดำเนินการ", "open"),
        ("ไม่สามารถดำเนินการได้เนื่องจากขาดงบประมาณ", "not_implemented"),
        ("ให้ทุกอำเภอสำรวจแหล่งน้ำ", None),
    ],
)
def test_status_a_report_implies(text, status):
    found, reason = proposed_status(text)
    assert found == status
    assert bool(reason) == (status is not None)


def test_closed_statuses_are_the_outcomes():
    assert set(STATUSES) - {"open", "in_progress"} == CLOSED


@pytest.mark.parametrize(
    "text",
    ["ขอให้ สศช. เร่งจัดทำแนวทางให้แล้วเสร็จภายในปีงบประมาณ พ.ศ. 2566", "ให้ทุกอำเภอดำเนินการให้เสร็จสิ้นภายในเดือนมีนาคม"],
)
def test_a_deadline_is_not_a_report_of_completion(text):
    assert proposed_status(text)[0] is None
