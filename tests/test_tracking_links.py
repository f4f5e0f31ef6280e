"""Follow-up links: automatic linking of later progress reports, date order, any ingest order,
manual link/confirm/reject/unlink, document replacement and deletion."""

from __future__ import annotations

import pytest
from test_tracking_support import Desk, Line, first_meeting, minutes, progress_meeting

from prachum.errors import Conflict, InvalidInput, NotFound
from prachum.tracking import linking


@pytest.fixture
def desk(tmp_path):
    return Desk(tmp_path / "data")


def _links(desk):
    """(record text start, report text start, state, proposed status, record status) for every link."""
    return sorted(
        (r["text"][:12], f["text"][:12], f["state"], f["proposed_status"], r["status"])
        for r in desk.register.list()
        for f in r["followups"]
    )


EXPECTED = sorted(
    (record[:12], report[:12], state, proposed, status)
    for record, report, state, proposed, status in [
        ("ควรส่งเสริมการปลูกป่าชุมชน", "การปลูกป่าชุมชนในพื้นที่ต้นน้ำ", "auto", "in_progress", "in_progress"),
        ("ให้สำนักงานจังหวัดจัดทำฐานข้อมูล", "สำนักงานจังหวัดได้จัดทำฐานข้อมูล", "auto", "implemented", "implemented"),
        ("มอบหมายให้องค์การบริหารส่วนจังหวัด", "การซ่อมแซมถนนสายหลักที่ชำรุด", "auto", "open", "open"),
    ]
)


def test_a_progress_report_links_to_the_earlier_records_and_sets_their_status(desk):
    desk.ingest(first_meeting())
    desk.ingest(progress_meeting())
    assert _links(desk) == EXPECTED
    done = desk.record_for("ให้สำนักงานจังหวัดจัดทำ")
    change = [h for h in done["history"] if h["field"] == "status"][-1]
    assert (change["from"], change["to"]) == ("open", "implemented")
    assert change["evidence_item_id"] == done["followups"][0]["item_id"]
    assert change["actor"].startswith("auto")
    road = desk.record_for("มอบหมายให้องค์การ")
    assert "เนื่องจากรองบประมาณ" in road["followups"][0]["reason"]  # the stated cause travels with the link
    # the later meeting's own recommendation is a new record, not a follow-up
    new = desk.record_for("ควรขยายฐานข้อมูล")
    assert new["status"] == "open" and not new["followups"]


def test_documents_can_arrive_in_any_order(desk):
    desk.ingest(progress_meeting())
    desk.ingest(first_meeting())
    assert _links(desk) == EXPECTED


def test_a_report_never_follows_up_a_later_or_same_day_meeting(desk):
    desk.ingest(first_meeting())
    desk.ingest(progress_meeting("before.txt", "2022-12-01"))
    desk.ingest(progress_meeting("same_day.txt", "2023-02-03"))
    advice = [r for r in desk.register.list() if r["doc"] == "m1_advice.txt"]
    assert len(advice) == 3 and not any(r["followups"] for r in advice)


def test_undated_documents_are_not_linked(desk):
    desk.ingest(first_meeting())
    desk.ingest(progress_meeting("undated.txt", None))  # type: ignore[arg-type]
    assert _links(desk) == []


def test_unrelated_reports_of_another_body_are_not_linked(desk):
    desk.ingest(first_meeting())
    desk.ingest(
        minutes(
            "water.txt",
            "2023-11-14",
            [
                Line("action", "ได้ดำเนินการขุดลอกแหล่งน้ำสาธารณะแล้วเสร็จ ๘ แห่ง", status="done"),
                Line("action", "อยู่ระหว่างเปลี่ยนท่อประปาเก่าในเขตเทศบาล", status="in_progress"),
            ],
            body="คณะกรรมการบริหารจัดการน้ำอำเภอเมืองลำพูน",
        )
    )
    assert _links(desk) == []


def test_an_older_report_never_overwrites_a_newer_reports_status(desk):
    desk.ingest(first_meeting())
    desk.ingest(progress_meeting("late.txt", "2023-09-01"))  # says: done
    middle = minutes(
        "middle.txt",
        "2023-04-01",
        [
            Line(
                "action",
                "สำนักงานจังหวัดอยู่ระหว่างจัดทำฐานข้อมูลครัวเรือนยากจนให้ครบทุกอำเภอ",
                by=("สำนักงานจังหวัด",),
                status="in_progress",
            )
        ],
        intro="รายงานความก้าวหน้าตามข้อเสนอแนะจากการประชุมเมื่อวันที่ 3 กุมภาพันธ์ 2566",
    )
    desk.ingest(middle)
    rec = desk.record_for("ให้สำนักงานจังหวัดจัดทำ")
    assert rec["status"] == "implemented"
    assert {f["doc"] for f in rec["followups"]} == {"late.txt", "middle.txt"}


def test_a_closed_record_is_not_reopened_by_a_report(desk):
    desk.ingest(first_meeting())
    road = desk.record_for("มอบหมายให้องค์การ")
    desk.register.update(road["id"], status="rejected", note="ไม่อยู่ในอำนาจหน้าที่", actor="a")
    desk.ingest(progress_meeting())
    road = desk.register.get(road["id"])
    assert road["status"] == "rejected" and road["followups"][0]["state"] == "auto"


def _weak_setup(desk, monkeypatch):
    """The story, with the automatic threshold out of reach: every link is only a suggestion."""
    monkeypatch.setattr(linking, "AUTO_THRESHOLD", 1.01)
    desk.ingest(first_meeting())
    desk.ingest(progress_meeting())
    rec = desk.record_for("ให้สำนักงานจังหวัดจัดทำ")
    return rec, rec["followups"][0]["item_id"]


def test_a_weak_match_waits_for_confirmation_and_confirming_applies_it(desk, monkeypatch):
    rec, _ = _weak_setup(desk, monkeypatch)
    rec = desk.register.get(rec["id"])
    assert [f["state"] for f in rec["followups"]] == ["suggested"]
    assert rec["status"] == "open"
    item_id = rec["followups"][0]["item_id"]
    confirmed = desk.register.confirm_link(rec["id"], item_id, actor="ผู้ตรวจ")
    assert confirmed["status"] == "implemented" and confirmed["followups"][0]["state"] == "confirmed"
    assert confirmed["history"][-1]["actor"] == "ผู้ตรวจ"
    with pytest.raises(Conflict):
        desk.register.confirm_link(rec["id"], item_id, actor="ผู้ตรวจ")


def test_rejecting_an_automatic_link_undoes_its_status_and_keeps_the_rejection(desk):
    desk.ingest(first_meeting())
    desk.ingest(progress_meeting())
    rec = desk.record_for("ให้สำนักงานจังหวัดจัดทำ")
    item_id = rec["followups"][0]["item_id"]
    after = desk.register.reject_link(rec["id"], item_id, actor="ผู้ตรวจ")
    assert after["status"] == "open"
    assert after["followups"][0]["state"] == "rejected"
    assert [(h["field"], h["from"], h["to"]) for h in after["history"][-2:]] == [
        ("link", "auto", "rejected"),
        ("status", "implemented", "open"),
    ]
    # linking runs again when the earlier document is revised: the rejected pair is not proposed again
    revised = first_meeting(intro="ฉบับแก้ไขคำผิด")
    desk.ingest(revised, source_key="m1_advice.txt")
    again = desk.register.get(rec["id"])
    assert again["doc_id"] == revised.id
    assert [f["state"] for f in again["followups"]] == ["rejected"] and again["status"] == "open"


def test_manual_link_and_unlink(desk, monkeypatch):
    rec, item_id = _weak_setup(desk, monkeypatch)
    desk.register.unlink(rec["id"], item_id, actor="a")
    assert desk.register.get(rec["id"])["followups"] == []
    with pytest.raises(NotFound):
        desk.register.unlink(rec["id"], item_id, actor="a")
    linked = desk.register.link(rec["id"], item_id, actor="ผู้ตรวจ")
    assert linked["followups"][0]["state"] == "confirmed" and linked["status"] == "implemented"
    with pytest.raises(Conflict, match="already linked"):
        desk.register.link(rec["id"], item_id, actor="ผู้ตรวจ")
    unlinked = desk.register.unlink(rec["id"], item_id, actor="ผู้ตรวจ")
    assert unlinked["followups"] == [] and unlinked["status"] == "open"  # the status it set is undone
    assert [h["to"] for h in unlinked["history"] if h["field"] == "link"] == [
        "suggested",
        "removed",
        "confirmed",
        "removed",
    ]


def test_manual_link_refuses_the_same_document_an_earlier_meeting_and_unknown_ids(desk):
    desk.ingest(first_meeting())
    desk.ingest(progress_meeting("before.txt", "2022-12-01"))
    rec = desk.record_for("ให้สำนักงานจังหวัดจัดทำ")
    own = desk.record_for("มอบหมายให้องค์การ")["item_id"]
    with pytest.raises(InvalidInput, match="own document"):
        desk.register.link(rec["id"], own, actor="a")
    earlier = desk.store.get_minutes(next(d for d in desk.store.doc_ids() if d != rec["doc_id"])).items[0].id
    with pytest.raises(InvalidInput, match="not after"):
        desk.register.link(rec["id"], earlier, actor="a")
    with pytest.raises(NotFound):
        desk.register.link(rec["id"], "missing", actor="a")
    with pytest.raises(InvalidInput, match="link state"):
        desk.register.link(rec["id"], earlier, actor="a", state="auto")


def test_a_revised_document_carries_records_over_with_status_and_history(desk):
    first = first_meeting()
    desk.ingest(first, source_key="m1")
    keep = desk.record_for("ให้สำนักงานจังหวัดจัดทำ")
    desk.register.update(keep["id"], status="in_progress", actor="a")
    desk.register.update(keep["id"], due="2023-07-31", reason="ขยายเวลา", actor="a")
    gone = desk.record_for("ควรส่งเสริมการปลูกป่า")
    revised = minutes(
        "m1_advice.txt",
        "2023-02-03",
        [
            Line(
                "recommendation",
                "ให้สำนักงานจังหวัดจัดทำฐานข้อมูลครัวเรือนยากจนให้ครบทุกอำเภอโดยเร็ว",
                to=("สำนักงานจังหวัด",),
                due="2023-05-31",
            ),
            Line(
                "action",
                "มอบหมายให้องค์การบริหารส่วนจังหวัดซ่อมแซมถนนสายหลักที่ชำรุด",
                to=("องค์การบริหารส่วนจังหวัด",),
                status="planned",
            ),
            Line("recommendation", "ควรจัดอบรมอาสาสมัครเก็บข้อมูล", to=("สำนักงานพัฒนาชุมชนจังหวัด",)),
        ],
    )
    assert desk.ingest(revised, source_key="m1") == first.id
    carried = desk.register.get(keep["id"])
    assert carried["text"].endswith("โดยเร็ว") and carried["doc_id"] == revised.id
    assert (
        carried["status"] == "in_progress" and carried["due"] == "2023-07-31"
    )  # the person's deadline stays
    assert carried["history"][-1]["field"] == "source"
    orphan = desk.register.get(gone["id"])
    assert orphan["orphaned"] and orphan["status"] == "open"
    assert "orphaned" in orphan["history"][-1]["note"]
    assert len(desk.register.list()) == 4  # 2 carried, 1 orphaned, 1 new


def test_deleting_documents_keeps_records_and_removes_their_evidence(desk):
    desk.ingest(first_meeting())
    report = progress_meeting()
    desk.ingest(report)
    desk.delete(report.id)
    rec = desk.record_for("ให้สำนักงานจังหวัดจัดทำ")
    assert rec["followups"] == [] and rec["status"] == "implemented"
    note = rec["history"][-1]
    assert (note["field"], note["to"]) == ("link", "removed") and "implemented" in note["note"]
    assert desk.record_for("ควรขยายฐานข้อมูล")["orphaned"]
    desk.delete(first_meeting().id)
    assert all(r["orphaned"] for r in desk.register.list())
    # the same document again: orphans are re-attached, not duplicated
    desk.ingest(first_meeting())
    assert len(desk.register.list()) == 4
    assert not desk.record_for("ให้สำนักงานจังหวัดจัดทำ")["orphaned"]


def test_a_persons_change_outranks_reports_of_earlier_meetings_until_they_confirm_one(desk):
    desk.ingest(first_meeting())
    rec = desk.record_for("ให้สำนักงานจังหวัดจัดทำ")
    desk.register.update(rec["id"], status="in_progress", note="โทรสอบถามแล้ว", actor="ผู้ตรวจ")
    desk.ingest(progress_meeting())  # a 2023 report saying "done", read after the person's change
    rec = desk.register.get(rec["id"])
    assert rec["status"] == "in_progress" and rec["followups"][0]["state"] == "auto"
    confirmed = desk.register.confirm_link(rec["id"], rec["followups"][0]["item_id"], actor="ผู้ตรวจ")
    assert confirmed["status"] == "implemented"
