"""Segmentation of Thai minutes: list markers, agenda, มติ lines, run-in lists, clauses."""

from __future__ import annotations

from prachum.nlp.normalise import normalise
from prachum.nlp.segment import segment, split_clauses


def _blocks(text: str):
    t = normalise(text).text
    return t, segment(t)


def test_list_markers_are_outside_the_spans():
    text = "ดังนี้\n1) รายงานผล\n๒. ให้จังหวัดดำเนินการ\n3.1 ความก้าวหน้าโครงการ\n(4) ควรเร่งรัด\n- ข้อเสนอ\n• อีกข้อ"
    t, blocks = _blocks(text)
    entries = [(b.kind, b.marker, b.text(t)) for b in blocks[1:]]
    assert entries == [
        ("numbered", "1)", "รายงานผล"),
        ("numbered", "๒.", "ให้จังหวัดดำเนินการ"),
        ("numbered", "3.1", "ความก้าวหน้าโครงการ"),
        ("numbered", "(4)", "ควรเร่งรัด"),
        ("bullet", "-", "ข้อเสนอ"),
        ("bullet", "•", "อีกข้อ"),
    ]
    assert blocks[3].depth == 2  # 3.1 sits under 3


def test_agenda_and_resolution_lines():
    t, blocks = _blocks("ระเบียบวาระที่ ๑ เรื่องแจ้งเพื่อทราบ\nมติที่ประชุม รับทราบ\nวาระที่ 2 เรื่องอื่น ๆ")
    assert [b.kind for b in blocks] == ["agenda", "resolution", "agenda"]
    assert blocks[1].text(t) == "มติที่ประชุม รับทราบ"


def test_a_year_or_time_range_is_not_a_list_marker():
    t, blocks = _blocks("2566 เป็นปีที่ดี\nเวลา 09.30 - 12.00 น. และช่วง 2566 - 2570 ประชุมต่อ")
    assert [b.kind for b in blocks] == ["heading", "heading"]  # short lines, no entries
    assert [b.marker for b in blocks] == ["", ""]


def test_run_in_dash_list_after_an_introducer():
    t, blocks = _blocks("คณะอนุกรรมาธิการฯ ได้ให้ข้อคิดเห็น อาทิเช่น - เร่งเชื่อมโยงข้อมูล - ส่งเสริมการจ้างงาน")
    assert [(b.kind, b.text(t)) for b in blocks] == [
        ("paragraph", "คณะอนุกรรมาธิการฯ ได้ให้ข้อคิดเห็น อาทิเช่น"),
        ("bullet", "เร่งเชื่อมโยงข้อมูล"),
        ("bullet", "ส่งเสริมการจ้างงาน"),
    ]
    assert all(b.inline for b in blocks[1:])


def test_run_in_numbered_list_needs_a_sequence_from_one():
    t, blocks = _blocks("ที่ประชุมมีมติ ดังนี้ (1) เห็นชอบแผน (2) มอบหมายให้จังหวัดดำเนินการ")
    assert [b.text(t) for b in blocks] == ["ที่ประชุมมีมติ ดังนี้", "เห็นชอบแผน", "มอบหมายให้จังหวัดดำเนินการ"]
    t, blocks = _blocks("มาตรา 5 (10) แห่งประมวลกฎหมาย (3) ไม่ใช่รายการ")
    assert len(blocks) == 1


def test_long_paragraph_is_cut_at_discourse_starters():
    text = "ที่ประชุมเห็นชอบแผนงานประจำปี นอกจากนี้ ให้จังหวัดภูเก็ตดำเนินการเพิ่มเติม รวมทั้งมอบ สศช. ติดตามผล"
    t, blocks = _blocks(text)
    assert [b.text(t) for b in blocks] == [
        "ที่ประชุมเห็นชอบแผนงานประจำปี",
        "นอกจากนี้ ให้จังหวัดภูเก็ตดำเนินการเพิ่มเติม",
        "รวมทั้งมอบ สศช. ติดตามผล",
    ]
    assert [b.para for b in blocks] == [0, 0, 0]


def test_two_reported_speakers_in_one_sentence_become_two_clauses():
    text = "ทั้งนี้ สำนักงบประมาณมีความเห็นว่า หน่วยงานควรใช้งบประมาณเดิม และสำนักงาน ก.พ. เสนอว่า ควรติดตามผลทุกปี"
    t = normalise(text).text
    clauses = [t[s:e] for s, e in split_clauses(t, (0, len(t)))]
    assert clauses == [
        "ทั้งนี้ สำนักงบประมาณมีความเห็นว่า หน่วยงานควรใช้งบประมาณเดิม",
        "และสำนักงาน ก.พ. เสนอว่า ควรติดตามผลทุกปี",
    ]


def test_skip_spans_drop_boilerplate_lines():
    text = "17582496084746.jpg\nมติที่ประชุม รับทราบ"
    t = normalise(text).text
    assert [b.kind for b in segment(t, skip=((0, 18),))] == ["resolution"]
