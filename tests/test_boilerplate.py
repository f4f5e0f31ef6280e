from __future__ import annotations

from prachum.nlp.boilerplate import find_boilerplate, is_boilerplate

WEB_COPY = """\ufeffรัฐบาลไทย-ข่าวทำเนียบรัฐบาล-กระทรวงมหาดไทยประชุมติดตามการขับเคลื่อนเป้าหมายการพัฒนาที่ยั่งยืน


วันพุธที่ 8 กุมภาพันธ์ 2566
08/02/2566
พิมพ์
กระทรวงมหาดไทยประชุมติดตามการขับเคลื่อนเป้าหมายการพัฒนาที่ยั่งยืน
กระทรวงมหาดไทยประชุมติดตามการขับเคลื่อนเป้าหมายการพัฒ
วันนี้ (8 ก.พ. 66) เวลา 09.30 น. ที่ประชุมมีมติเห็นชอบแนวทางการดำเนินงาน
17582496084746.jpg
ที่มา : https://www.thaigov.go.th/news/contents/details/64672
"""


def test_web_copy_marks_navigation_repeats_print_images_and_source() -> None:
    marks = find_boilerplate(WEB_COPY)
    labels = [m.label for m in marks]
    assert labels.count("repeated_title") == 2
    for label in ("navigation", "print", "attachment", "source_url"):
        assert label in labels
    texts = {m.label: WEB_COPY[m.span[0] : m.span[1]] for m in marks}
    assert texts["navigation"] == "รัฐบาลไทย-ข่าวทำเนียบรัฐบาล-"
    assert texts["attachment"] == "17582496084746.jpg"
    content = WEB_COPY.index("วันนี้")
    assert not is_boilerplate((content, content + 10), marks)


def test_plain_minutes_have_no_boilerplate() -> None:
    minutes = "รายงานการประชุม\nคณะกรรมการขับเคลื่อน\nระเบียบวาระที่ 1\nมติที่ประชุม รับทราบ\n"
    assert find_boilerplate(minutes) == ()


def test_empty_text() -> None:
    assert find_boilerplate("") == ()
