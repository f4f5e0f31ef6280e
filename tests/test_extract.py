"""Extraction rules: kinds, spans, by/to inheritance, due dates, statuses and meeting facts."""

from __future__ import annotations

import pytest

from prachum.nlp.extract import extract, item_id

MOI = ("มท.", "กระทรวงมหาดไทย")
NESDC = ("สศช.", "สำนักงานสภาพัฒนาการเศรษฐกิจและสังคมแห่งชาติ")


def _one(items, fragment: str):
    found = [i for i in items if fragment in i.text]
    assert len(found) == 1, [i.text for i in items]
    return found[0]


def _names(values) -> set[str]:
    return set(values)


def test_item_id_is_stable_and_depends_on_document_and_span():
    assert item_id("a.txt", (3, 9)) == item_id("a.txt", (3, 9))
    assert item_id("a.txt", (3, 9)) != item_id("a.txt", (3, 10))
    assert item_id("a.txt", (3, 9)) != item_id("b.txt", (3, 9))
    assert len(item_id("a.txt", (0, 1))) == 16


def test_bullets_inherit_speaker_and_addressee_from_the_introducing_sentence():
    text = (
        "อนึ่ง คณะอนุกรรมาธิการฯ ได้ให้ข้อคิดเห็นในการปรับปรุงการขับเคลื่อนงานของ มท. อาทิเช่น\n"
        "- การหาภาคีเครือข่ายภาควิชาการมาช่วยวิจัย\n"
        "- อย่ายึดติดกับตัวชี้วัดระดับโลกมากเกินไป\n"
    )
    items = extract(text).items
    assert [i.kind for i in items] == ["recommendation", "recommendation"]
    for item in items:
        assert item.by == ("คณะอนุกรรมาธิการฯ",)
        assert item.to and item.to[0] in MOI
    assert items[0].text == "การหาภาคีเครือข่ายภาควิชาการมาช่วยวิจัย"  # no list marker in the span


def test_observation_by_a_representative_addressed_to_another_agency():
    text = "โดยผู้แทน มท. ให้ข้อสังเกตถึงการปรับปรุงตัวชี้วัด โดยให้ สศช. เป็นหน่วยงานกลางในการเป็นพี่เลี้ยง"
    item = _one(extract(text).items, "ให้ข้อสังเกต")
    assert item.kind == "recommendation"
    assert item.by[0] in MOI
    assert item.to[0] in NESDC


def test_directive_with_a_partner_names_both_addressees():
    text = "ข้อสั่งการของประธาน\n- ให้องค์การบริหารส่วนตำบลเหมืองง่ามร่วมกับสำนักงานทรัพยากรธรรมชาติและสิ่งแวดล้อมจังหวัด ศึกษาระบบบำบัดน้ำเสีย\n"
    item = extract(text).items[0]
    assert (item.kind, item.status) == ("action", "planned")
    assert item.by == ("ประธาน",)
    assert len(item.to) == 2
    assert "เหมืองง่าม" in item.to[0]
    assert "ทรัพยากรธรรมชาติ" in item.to[1]


def test_cabinet_resolution_list_entries_that_assign_work_are_actions():
    text = (
        "สาระสำคัญของมติ ครม.\n"
        "1. ให้ทุกส่วนราชการจัดเก็บข้อมูลบุคลากรจำแนกตามเพศ\n"
        "2. มอบหมายให้กระทรวงการคลังพิจารณามาตรการภาษี\n"
    )
    items = extract(text).items
    assert [(i.kind, i.status) for i in items] == [("action", "planned"), ("action", "planned")]
    assert all(i.by == ("ครม.",) for i in items)
    assert items[0].to == ("ส่วนราชการ",)
    assert items[1].to == ("กระทรวงการคลัง",)


def test_resolution_lines_and_bare_acknowledgements():
    text = "ระเบียบวาระที่ 1 เรื่องแจ้งเพื่อทราบ\nมติที่ประชุม รับทราบ\nระเบียบวาระที่ 2 เรื่องรับรองรายงาน\nมติที่ประชุม รับรองรายงานการประชุมโดยไม่มีการแก้ไข"
    items = extract(text).items
    assert [(i.kind, i.text) for i in items] == [
        ("resolution", "มติที่ประชุม รับทราบ"),
        ("resolution", "มติที่ประชุม รับรองรายงานการประชุมโดยไม่มีการแก้ไข"),
    ]
    assert items[1].section == "ระเบียบวาระที่ 2 เรื่องรับรองรายงาน"


@pytest.mark.parametrize(
    ("sentence", "due"),
    [
        ("ให้จังหวัดรายงานผลภายในวันที่ 30 เมษายน 2566", "2023-04-30"),
        ("ให้จังหวัดรายงานผลภายในเดือนกุมภาพันธ์ 2567", "2024-02-29"),
        ("ให้จังหวัดรายงานผลภายในปีงบประมาณ พ.ศ. 2566", "2023-09-30"),
        ("ให้จังหวัดรายงานผลภายในปี พ.ศ. 2570", "2027-12-31"),
        ("ให้จังหวัดรายงานผลภายใน ๓๐ วัน", "2023-03-05"),
    ],
)
def test_due_dates_in_every_form(sentence: str, due: str):
    text = f"วันจันทร์ที่ 3 กุมภาพันธ์ 2566\nข้อสั่งการของประธาน\n- {sentence}\n"
    (item,) = extract(text).items
    assert item.due == due


@pytest.mark.parametrize(
    ("report", "status"),
    [
        ("กรมชลประทานได้ขุดลอกคลองแล้วเสร็จ 8 แห่ง", "done"),
        ("กรมชลประทานอยู่ระหว่างการขุดลอกคลอง", "in_progress"),
        ("การขุดลอกคลองสายหลัก ยังไม่ได้ดำเนินการ เนื่องจากรองบประมาณ", "not_started"),
        ("กรมชลประทานจะดำเนินการขุดลอกคลองในปีหน้า", "planned"),
    ],
)
def test_progress_report_statuses(report: str, status: str):
    text = f"ผู้แทนกรมชลประทานรายงานความก้าวหน้า ดังนี้\n1) {report}\n"
    (item,) = extract(text).items
    assert (item.kind, item.status) == ("action", status)


def test_reported_speech_span_starts_after_the_speaker():
    text = "สำนักงานโยธาธิการและผังเมืองจังหวัดรายงานว่า ได้ดำเนินการขุดลอกแหล่งน้ำสาธารณะแล้วเสร็จ ๘ แห่ง"
    (item,) = extract(text).items
    assert item.text.startswith("ได้ดำเนินการขุดลอก")
    assert item.by == ("สำนักงานโยธาธิการและผังเมืองจังหวัด",)
    assert item.status == "done"


def test_run_in_news_paragraph_splits_into_one_item_per_report():
    text = (
        "ในการนี้ ผู้แทน ทส. รายงานว่า ทส. ได้ยกเลิกการใช้ถุงพลาสติกแล้ว ลดปริมาณได้มาก "
        "และกรมทรัพยากรทางทะเลและชายฝั่งได้ติดตั้งทุ่นกักขยะแล้ว 34 จุด "
        "ขณะนี้ ทส. อยู่ระหว่างยกร่างพระราชบัญญัติ ส่วนการจัดตั้งศูนย์คัดแยกขยะ ยังไม่ได้ดำเนินการ"
    )
    items = extract(text).items
    assert [i.status for i in items] == ["done", "done", "in_progress", "not_started"]
    assert items[1].text.startswith("กรมทรัพยากรทางทะเลและชายฝั่ง")
    assert items[3].text.startswith("การจัดตั้งศูนย์")


def test_attendance_sentence_is_not_an_assignment():
    text = "ผอ.ตท.สป. มอบหมายให้ นายณัฐพล อุดมเมฆ นวท.ปก. เป็นผู้แทน มท. เข้าร่วมการประชุมคณะอนุกรรมการติดตามผล"
    ex = extract(text)
    assert ex.items == ()
    (person,) = ex.meeting.participants
    assert (person.name, person.position, person.role) == ("นายณัฐพล อุดมเมฆ", "นวท.ปก.", "ผู้แทน")
    assert person.agency in MOI


def test_meeting_facts_from_a_minutes_header():
    text = (
        "บันทึกการประชุมคณะกรรมการบริหารจัดการน้ำอำเภอเมืองลำพูน\n"
        "ครั้งที่ ๓/๒๕๖๖ วันอังคารที่ ๑๔ พฤศจิกายน ๒๕๖๖ เวลา ๑๓.๓๐ - ๑๖.๐๐ น.\n"
        "ณ ห้องประชุมที่ว่าการอำเภอเมืองลำพูน\n"
        "นายอำเภอเมืองลำพูน ประธานในที่ประชุม กล่าวเปิดการประชุม\n"
    )
    m = extract(text).meeting
    assert m.body == "คณะกรรมการบริหารจัดการน้ำอำเภอเมืองลำพูน"
    assert (m.date, m.start_time, m.end_time) == ("2023-11-14", "13:30", "16:00")
    assert m.location == "ห้องประชุมที่ว่าการอำเภอเมืองลำพูน"
    assert m.chair == "นายอำเภอเมืองลำพูน"


def test_meeting_facts_from_a_news_sentence_and_platform():
    text = (
        "วันศุกร์ที่ 3 กุมภาพันธ์ 2566 เวลา 13.00 - 15.30 น.\n"
        "ผู้แทน มท. เข้าร่วมการประชุมคณะอนุกรรมการพิจารณาและติดตามความคืบหน้าของการดำเนินการ ภายใต้คณะกรรมาธิการการต่างประเทศ "
        "วุฒิสภา รูปแบบการประชุมผ่านสื่ออิเล็กทรอนิกส์ (โปรแกรม Cisco Webex Meeting) โดยมีนายสุวพันธุ์ ตันยุวรรธนะ วุฒิสมาชิก เป็นประธานการประชุม"
    )
    m = extract(text).meeting
    assert m.body.startswith("คณะอนุกรรมการพิจารณาและติดตามความคืบหน้าของการดำเนินการ")
    assert m.chair == "นายสุวพันธุ์ ตันยุวรรธนะ"
    assert m.location == "Cisco Webex Meeting"
    assert m.date == "2023-02-03"


def test_participants_list_with_roles():
    text = (
        "ผู้มาประชุม\n"
        "1. นายสมศักดิ์ จังตระกุล ผู้ว่าราชการจังหวัดขอนแก่น ประธานกรรมการ\n"
        "2. นางกมลวรรณ ทองดี หัวหน้าสำนักงานจังหวัดขอนแก่น กรรมการและเลขานุการ\n"
        "ผู้ไม่มาประชุม\n"
        "1. ผู้อำนวยการสำนักงานทรัพยากรธรรมชาติและสิ่งแวดล้อมจังหวัดขอนแก่น (ติดราชการ)\n"
    )
    m = extract(text).meeting
    assert [(p.name, p.position, p.role) for p in m.participants] == [
        ("นายสมศักดิ์ จังตระกุล", "ผู้ว่าราชการจังหวัดขอนแก่น", "ประธานกรรมการ"),
        ("นางกมลวรรณ ทองดี", "หัวหน้าสำนักงานจังหวัดขอนแก่น", "กรรมการและเลขานุการ"),
        (None, "ผู้อำนวยการสำนักงานทรัพยากรธรรมชาติและสิ่งแวดล้อมจังหวัดขอนแก่น", "ผู้ไม่มาประชุม"),
    ]
    assert m.chair == "นายสมศักดิ์ จังตระกุล"


def test_boilerplate_spans_give_no_items_and_no_title():
    text = "ครม. เห็นชอบแนวทางการจ้างงาน\nมติที่ประชุม รับทราบ\nพิมพ์\nครม. เห็นชอบแนวทางการจ้างงาน"
    second_title = (text.rindex("ครม."), len(text))
    ex = extract(text, boilerplate=[(0, 28), second_title])
    assert [i.text for i in ex.items] == ["มติที่ประชุม รับทราบ"]
    assert ex.meeting.title is None  # a มติ line is content, not a heading


def test_agencies_carry_mentions_in_source_offsets():
    text = "\ufeffขอให้ มท. จัดทำฐานข้อมูล และขอให้ สศช. ติดตาม"
    ex = extract(text)
    by_abbr = {a.abbr: a for a in ex.agencies}
    assert by_abbr["มท."].name == "กระทรวงมหาดไทย"
    for agency in ex.agencies:
        for start, end in agency.mentions:
            assert text[start:end] in (agency.abbr, agency.name)


def test_directive_heading_without_ของ_names_the_speaker():
    text = "ข้อสั่งการนายกรัฐมนตรี\n1. ให้กระทรวงมหาดไทยเร่งรัดการเบิกจ่ายงบประมาณ\n"
    (item,) = extract(text).items
    assert item.by == ("นายกรัฐมนตรี",)
    assert item.to[0] in MOI


def test_addressee_stops_before_the_verb():
    (item,) = extract("มติ: เห็นชอบ และมอบหมายให้สำนักงานจังหวัดดำเนินการต่อไป").items
    assert item.kind == "resolution"
    assert item.to == ("สำนักงานจังหวัด",)


def test_observation_reported_with_ว่า():
    (item,) = extract("ที่ประชุมได้มีข้อสังเกตว่า โครงการควรมีตัวชี้วัดที่ชัดเจน").items
    assert (item.kind, item.by, item.text) == ("recommendation", ("ที่ประชุม",), "โครงการควรมีตัวชี้วัดที่ชัดเจน")


def test_legal_wording_ควรเชื่อ_and_สมควร_is_not_advice():
    text = "คณะรัฐมนตรีพิจารณาแล้วเห็นว่ามีเหตุอันควรเชื่อได้ว่ามีการกระทำที่กระทบความมั่นคง และสมควรระบุไว้ในกฎหมาย"
    assert not any(i.kind == "recommendation" for i in extract(text).items)
