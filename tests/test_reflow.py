"""Re-joining wrapped lines (synthetic line boxes and a text PDF with wrapped Thai paragraphs),
page numbers and running titles left out, paragraphs joined over a page break."""

from __future__ import annotations

import io
import re
from pathlib import Path

import fontpkg_sarabun
import pytest

from prachum.ingest.limits import Limits
from prachum.ingest.pdf import read_pdf
from prachum.ingest.reflow import Line, PageLines, flow_pages, glue, page_furniture, page_separator, reflow

SARABUN = Path(fontpkg_sarabun.ROOT) / "files" / "Sarabun-Regular.ttf"
WIDTH = 1000.0  # page width of the synthetic pages; body text from 100 to 900


def line(text: str, row: int, *, left: float = 100, right: float = 895, pitch: float = 40) -> Line:
    return Line(text, (left, 100 + row * pitch, right, 130 + row * pitch))


def test_wrapped_thai_lines_join_without_a_space_and_offsets_point_at_each_line() -> None:
    lines = [
        line("ที่ประชุมมีมติเห็นชอบให้สำนักงานจังหวัดดำเนินการจัดทำแผนปฏิบัติการ", 0),
        line("ด้านการจัดการน้ำและรายงานผลต่อที่ประชุมภายในเดือนมีนาคมทั้งการสำรวจ", 1, right=890),
        line("และการซ่อมแซมแหล่งน้ำในพื้นที่ประสบภัยแล้งของทุกอำเภอในปีงบประมาณ", 2, right=880),
        line("2567 โดยประสานกรมทรัพยากรน้ำ", 3, right=400),
    ]
    flow = reflow(lines, page_width=WIDTH)
    assert flow.text == lines[0].text + lines[1].text + lines[2].text + " " + lines[3].text
    for source, start in zip(lines, flow.starts, strict=True):
        assert flow.text[start : start + len(source.text)] == source.text


@pytest.mark.parametrize(
    "start",
    ["ระเบียบวาระที่ 2 เรื่องเพื่อพิจารณา", "มติที่ประชุม รับทราบ", "๑. ให้จังหวัดรายงาน", "1.1 ผลการดำเนินงาน",
     "(1) เกษตรปลอดภัย", "- ควรประสานกรมชลประทาน", "ก. ด้านเศรษฐกิจ", "3) การเดินทาง"],
)  # fmt: skip
def test_a_line_starting_an_entry_never_continues_the_line_above(start: str) -> None:
    lines = [line("ฝ่ายเลขานุการนำเสนอร่างแผนปฏิบัติการวงเงินรวมแปดสิบหกล้านบาทประกอบด้วยสี่ประเด็น", 0), line(start, 1)]
    assert reflow(lines, page_width=WIDTH).text == lines[0].text + "\n" + start


def test_short_line_colon_indent_and_paragraph_gap_keep_lines_apart() -> None:
    body = "เมื่อกรรมการมาครบองค์ประชุมแล้วประธานกล่าวเปิดการประชุมและดำเนินการประชุมตามระเบียบวาระ"
    short = [line("รายงานการประชุมคณะกรรมการ", 0, right=500), line(body, 1)]
    assert "\n" in reflow(short, page_width=WIDTH).text  # the heading ended far from the margin
    colon = [line(body + ":", 0), line(body, 1)]
    assert "\n" in reflow(colon, page_width=WIDTH).text
    indented = [line(body, 0), line(body, 1, left=160)]  # a new paragraph's first line
    assert "\n" in reflow(indented, page_width=WIDTH).text
    gap = [line(body, 0), line(body, 1), line(body, 3), line(body, 4)]  # a blank line between
    assert reflow(gap, page_width=WIDTH).text == body * 2 + "\n\n" + body * 2


def test_the_first_word_of_the_next_line_decides_whether_a_line_wrapped() -> None:
    # 60 units of room were left: a next line starting with a short word would have fitted
    # there, so the line ended on purpose; a long first word could not have fitted
    body = "ผู้แทนมหาวิทยาลัยขอนแก่นเสนอให้จังหวัดพัฒนาแพลตฟอร์มข้อมูลเปิดด้านคุณภาพอากาศ"
    short_first = Line("ใน " + body, (100, 140, 895, 170), first_word=20)
    long_first = Line("ประชาสัมพันธ์" + body, (100, 140, 895, 170), first_word=90)
    above = [line(body, -2), line(body, -1, right=890)]  # lines that show where the margin is
    previous = line(body, 0, right=840)
    assert reflow([*above, previous, short_first], page_width=WIDTH).text.endswith(body + "\n" + short_first.text)
    assert reflow([*above, previous, long_first], page_width=WIDTH).text.endswith(body + long_first.text)
    # without lines to show where the margin is, no line is taken for wrapped
    assert reflow([previous, long_first], page_width=WIDTH).text == body + "\n" + long_first.text


def test_glue_puts_a_space_before_latin_digits_and_thai_clause_starters() -> None:
    assert glue("ประชุม", "คณะกรรมการ") == ""
    assert glue("สำนักงานการท่องเที่ยว", "และกีฬาจังหวัด") == ""  # a name, not a clause
    assert glue("ประชุม", "2567") == " "
    assert glue("SDG", "Localization") == " "
    assert glue("ครอบคลุม 12 อำเภอ", "ส่วนการติดตั้งเครื่องวัด") == " "


def test_page_numbers_and_running_titles_are_furniture() -> None:
    title = "รายงานการประชุมคณะกรรมการ ครั้งที่ 1/2567"
    pages = []
    for n, number in enumerate(["- ๑ -", "- ๒ -", "- ๓ -"]):
        pages.append(
            (
                Line(title + f" หน้า {n + 1}", (300, 20, 700, 40)),
                line(f"เนื้อหาหน้าที่ {n + 1} ไม่ซ้ำกัน", 2),
                Line(number, (480, 960, 520, 980)),
            )
        )
    marks = page_furniture(pages, page_height=[1000.0] * 3)
    assert marks == [{0, 2}, {0, 2}, {0, 2}]
    # a line near the edge of one page only, not a number: content
    assert page_furniture([(Line("ลงชื่อ ประธานกรรมการ", (300, 960, 700, 980)),)], page_height=[1000.0]) == [set()]


def test_a_paragraph_running_over_the_page_break_joins_up() -> None:
    full = "ที่ประชุมมีมติเห็นชอบให้สำนักงานจังหวัดดำเนินการจัดทำแผนปฏิบัติการด้านการจัดการน้ำ"
    first = PageLines((line(full, 0), line(full, 1), line(full, 2), Line("- ๑ -", (480, 960, 520, 980))), WIDTH, 1000)
    second = PageLines((line("ทั้งนี้ ให้รายงานผลภายในเดือนมีนาคม", 0, right=500), line("มติที่ประชุม รับทราบ", 1)), WIDTH, 1000)
    one, two = flow_pages([first, second])
    assert one is not None and two is not None
    assert [x.text for x in one.furniture] == ["- ๑ -"]
    assert page_separator(one.flow, two.flow, "\n\n") == " "  # before ทั้งนี้, a clause starter
    closed = PageLines((line("มติที่ประชุม รับทราบ", 0, right=500),), WIDTH, 1000)
    assert page_separator(flow_pages([closed])[0].flow, two.flow, "\n\n") == "\n\n"  # type: ignore[union-attr]


# --- a text PDF with wrapped Thai paragraphs, a running title and page numbers --------------

PARAGRAPHS = [
    "ระเบียบวาระที่ 3 เรื่องเพื่อพิจารณา",
    "สำนักงานทรัพยากรธรรมชาติและสิ่งแวดล้อมจังหวัดรายงานว่าได้ก่อสร้างธนาคารน้ำใต้ดินระบบเปิดแล้วเสร็จ"
    "หนึ่งร้อยสี่สิบแปดจุดครอบคลุมสิบสองอำเภอ ส่วนการติดตั้งเครื่องตรวจวัดระดับน้ำใต้ดินอยู่ระหว่างการจัดซื้อจัดจ้าง",
    "ที่ประชุมมีข้อคิดเห็นดังนี้",
    "- ควรประสานโรงงานน้ำตาลในพื้นที่ส่งเสริมการไถกลบตอซังแทนการเผาโดยเฉพาะในพื้นที่ปลูกอ้อยของอำเภอน้ำพองและอำเภอกระนวน",
    "- ควรเผยแพร่ค่าฝุ่นละอองรายวันผ่านช่องทางออนไลน์ของจังหวัดเพื่อแจ้งเตือนประชาชนได้ทันสถานการณ์",
    "มติที่ประชุม เห็นชอบร่างแผนปฏิบัติการ โดยให้สำนักงานจังหวัดปรับปรุงตามข้อคิดเห็นของที่ประชุม"
    "และนำเสนอผู้ว่าราชการจังหวัดลงนามภายในวันที่ 15 กุมภาพันธ์ 2567",
]
TITLE = "รายงานการประชุมคณะกรรมการขับเคลื่อนการพัฒนาที่ยั่งยืนจังหวัด ครั้งที่ 1/2567"


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    from pythainlp.tokenize import word_tokenize
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines, current = [], ""
    for token in word_tokenize(text, engine="newmm", keep_whitespace=True):
        if current and stringWidth(current + token, font, size) > width:
            lines.append(current.rstrip())
            current = token.lstrip()
        else:
            current += token
    return [*lines, current.rstrip()]


def minutes_pdf(paragraphs: list[str], *, lines_per_page: int) -> bytes:
    """A4 pages: a running title and "- n -" on each, paragraphs wrapped at 16 pt Sarabun."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("SarabunReflow", io.BytesIO(SARABUN.read_bytes()), shapable=False))
    width, height = A4
    drawn = [ln for p in paragraphs for ln in _wrap(p, "SarabunReflow", 16, width - 144)]
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    for page, first in enumerate(range(0, len(drawn), lines_per_page), start=1):
        pdf.setFont("SarabunReflow", 12)
        pdf.drawCentredString(width / 2, height - 40, TITLE)
        pdf.drawCentredString(width / 2, 30, f"- {str(page).translate(str.maketrans('0123456789', '๐๑๒๓๔๕๖๗๘๙'))} -")
        pdf.setFont("SarabunReflow", 16)
        for row, text in enumerate(drawn[first : first + lines_per_page]):
            pdf.drawString(72, height - 90 - 24 * row, text)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_text_pdf_paragraphs_are_rejoined_and_page_furniture_left_out() -> None:
    data = minutes_pdf(PARAGRAPHS, lines_per_page=7)  # the second bullet runs over the page break
    doc = read_pdf(data, file_name="wrapped.pdf", limits=Limits())
    assert len(doc.pages) == 2
    text_lines = [ln for ln in doc.text.split("\n") if ln.strip()]
    assert [_squash(ln) for ln in text_lines] == [_squash(p) for p in PARAGRAPHS]
    assert "ส่วนการติดตั้ง" in doc.text and "อำเภอ ส่วน" in doc.text  # the clause keeps its space
    assert TITLE not in doc.text and "- ๑ -" not in doc.text
    assert sorted(doc.meta["page_furniture"]) == [[1, "- ๑ -"], [1, TITLE], [2, "- ๒ -"], [2, TITLE]]
    # the pages still own their text: page 2 starts inside the paragraph that crossed over
    one, two = doc.pages
    assert one.end <= two.start and doc.text[one.end : two.start] in ("", " ")
    assert doc.page_of(doc.text.index("มติที่ประชุม")) == 2
    assert doc.page_of(doc.text.index("ระเบียบวาระที่ 3")) == 1


def test_extraction_reads_a_wrapped_resolution_whole() -> None:
    from prachum.nlp.extract import extract

    doc = read_pdf(minutes_pdf(PARAGRAPHS, lines_per_page=40), file_name="one.pdf", limits=Limits())
    resolutions = [item for item in extract(doc.text).items if item.kind == "resolution"]
    assert any(item.text.endswith("15 กุมภาพันธ์ 2567") for item in resolutions), resolutions


def test_ruled_table_rows_come_out_as_tab_separated_lines_in_reading_order() -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("SarabunTable", io.BytesIO(SARABUN.read_bytes()), shapable=False))
    rows = [
        ["ลำดับ", "ข้อสั่งการ", "หน่วยงานรับผิดชอบ"],
        ["1", ["จัดทำแผนลดการเผาอ้อย", "เสนอที่ประชุม"], "ที่ทำการปกครองจังหวัด"],
        ["2", "อบรมแกนนำชุมชนต้นแบบ", "ท้องถิ่นจังหวัด"],
    ]
    widths, height = [60, 220, 200], 50
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setFont("SarabunTable", 14)
    pdf.drawString(72, 780, "ติดตามผลการดำเนินงานตามข้อสั่งการ ดังนี้")
    top = 760
    for r, row in enumerate(rows):
        x = 72
        for width, cell in zip(widths, row, strict=True):
            pdf.rect(x, top - (r + 1) * height, width, height)
            for k, text in enumerate(cell if isinstance(cell, list) else [cell]):
                pdf.drawString(x + 4, top - r * height - 18 - 16 * k, text)
            x += width
    pdf.drawString(72, top - len(rows) * height - 30, "มติที่ประชุม รับทราบ")
    pdf.showPage()
    pdf.save()
    doc = read_pdf(buffer.getvalue(), file_name="table.pdf", limits=Limits())
    assert doc.text.split("\n") == [
        "ติดตามผลการดำเนินงานตามข้อสั่งการ ดังนี้",
        "ลำดับ\tข้อสั่งการ\tหน่วยงานรับผิดชอบ",
        "1\tจัดทำแผนลดการเผาอ้อยเสนอที่ประชุม\tที่ทำการปกครองจังหวัด",
        "2\tอบรมแกนนำชุมชนต้นแบบ\tท้องถิ่นจังหวัด",
        "มติที่ประชุม รับทราบ",
    ]
