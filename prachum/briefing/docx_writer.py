"""A briefing note as a Word file laid out like a Thai government memo (บันทึกข้อความ):
ส่วนราชการ / ที่ / วันที่ / เรื่อง / เรียน, then numbered sections, the register as a table,
Sarabun 16 pt (tables 12 pt), A4 with the memo margins (left 3 cm, right 2 cm).

Every run names Sarabun in all four font slots and sets the complex-script size: Word and
LibreOffice draw Thai with the ``w:cs`` font, and without it Thai falls back to another face.
"""

from __future__ import annotations

import io

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph

from prachum.briefing.content import Brief, BriefItem, MeetingFacts
from prachum.briefing.markdown import fact_rows, followup_text, summary_lines
from prachum.briefing.thaifmt import OVERDUE_LABEL, ThaiFormat, kind_label, status_label

FONT = "Sarabun"
BODY_PT = 16
TABLE_PT = 12  # Sarabun is large for its size: 12 pt reads like the usual 16 pt TH Sarabun in tables
LABEL_PT = 20  # the memo's head labels (ส่วนราชการ, ที่, วันที่, เรื่อง) are larger and bold
TITLE_PT = 29
RED = RGBColor(0xB0, 0x00, 0x20)
OVERDUE_FILL = "FDE2E1"
HEADER_FILL = "E7ECF3"
GREY = RGBColor(0x55, 0x55, 0x55)
FOLLOWUP_CHARS = 160  # a table cell is no place for a whole progress report; Markdown has it all
TEXT_WIDTH_CM = 16.0  # A4 21 cm minus the 3 cm and 2 cm margins


def render_docx(brief: Brief, *, thai_digits: bool = False) -> bytes:
    f = ThaiFormat(thai_digits)
    doc = _new_document(thai_digits=thai_digits)
    doc.core_properties.title = brief.subject[:255]  # the OOXML core property holds 255 characters at most
    doc.core_properties.author = "prachum"
    doc.core_properties.language = "th-TH"

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(title, "บันทึกข้อความ", size=TITLE_PT, bold=True)
    _head_line(doc, [("ส่วนราชการ", brief.prepared_by or "." * 60)])
    _head_line(doc, [("ที่", "." * 30), ("วันที่", f.date(brief.today))], tab_cm=8.0)
    _rule(_head_line(doc, [("เรื่อง", brief.subject)]))
    greeting = doc.add_paragraph()
    _run(greeting, "เรียน  ", bold=False)
    _run(greeting, brief.prepared_for)
    _indented(doc, _opening(brief, f))

    n = 0

    def section(heading: str) -> None:
        nonlocal n
        n += 1
        p = doc.add_paragraph()
        p.paragraph_format.space_before = Pt(6)
        p.paragraph_format.keep_with_next = True  # never a heading alone at the foot of a page
        _run(p, f"{f.num(n)}. {heading}", bold=True)

    section("สรุปโดยย่อ")
    for line in summary_lines(brief, f):
        text = line.removeprefix("- ").replace("**", "").replace("⚠️ ", "")
        p = _indented(doc, "• " + text, first_line=False)
        if OVERDUE_LABEL in text and not text.startswith("ไม่มี"):
            for run in p.runs:
                run.font.bold, run.font.color.rgb = True, RED

    section("ข้อมูลการประชุม")
    if brief.scope == "doc" and brief.meetings:
        _meeting_facts(doc, brief.meetings[0], f)
    elif brief.meetings:
        _meetings_table(doc, brief, f)
    else:
        _indented(doc, "ไม่พบการประชุมที่ตรงกับเงื่อนไข")

    section("ข้อเสนอแนะและการมอบหมายงาน")
    if brief.items:
        _items_table(doc, brief, f)
    else:
        _indented(doc, "ไม่พบข้อเสนอแนะหรือการมอบหมายงานที่ตรงกับเงื่อนไข")

    section("ความครอบคลุมเป้าหมายการพัฒนาที่ยั่งยืน (SDGs)")
    if brief.sdg:
        rows = [[f"SDG {f.num(c.goal)}", c.name or "-", f.num(c.items), f.num(c.meetings)] for c in brief.sdg]
        _table(doc, ["เป้าหมาย", "ชื่อเป้าหมาย", "จำนวนรายการ", "จำนวนการประชุม"], rows, [2.4, 8.0, 2.8, 2.8])
    else:
        _indented(doc, "ไม่พบการเชื่อมโยงกับ SDGs")

    section("เอกสารอ้างอิง")
    for i, m in enumerate(brief.meetings, 1):
        _indented(
            doc, f"[{f.num(i)}] {m.file} (รหัส {m.doc_id}) การประชุมวันที่ {f.date(m.date)}", first_line=False
        )

    _indented(doc, "จึงเรียนมาเพื่อโปรดทราบ").paragraph_format.space_before = Pt(12)
    for text in ("", "(" + "." * 40 + ")", "ผู้จัดทำ"):
        p = doc.add_paragraph()
        p.paragraph_format.left_indent = Cm(8.5)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(p, text)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _opening(brief: Brief, f: ThaiFormat) -> str:
    scope = {
        "doc": "ผลการประชุม",
        "agency": "ข้อเสนอแนะและการมอบหมายงานของหน่วยงาน",
        "query": "ข้อเสนอแนะและการมอบหมายงานตามประเด็นที่กำหนด",
        "body": "ผลการประชุมและการติดตามข้อเสนอแนะของคณะ",
    }[brief.scope]
    limits = ", ".join(
        f"{label} {f.date(value) if 'วันที่' in label else value}"
        for label, value in brief.criteria
        if label != "เอกสาร"
    )
    return (
        f"ขอสรุป{scope}จากรายงานการประชุมที่จัดเก็บในระบบ"
        + (f" (เงื่อนไข: {limits})" if limits else "")
        + f" ข้อมูล ณ วันที่ {f.date(brief.today)} รายละเอียดดังนี้"
    )


def _meeting_facts(doc: DocxDocument, m: MeetingFacts, f: ThaiFormat) -> None:
    rows = [
        *fact_rows(m, f),
        (
            "ผู้มาประชุม",
            f"{f.num(len(m.participants))} คน: " + ", ".join(m.participants) if m.participants else None,
        ),
        ("ผู้ไม่มาประชุม", f"{f.num(len(m.absent))} คน: " + ", ".join(m.absent) if m.absent else None),
        ("เอกสาร", f"[{f.num(1)}] {m.file}"),
    ]
    for label, value in rows:
        if value:
            p = _indented(doc, "", first_line=False)
            _run(p, f"{label}  ", bold=True)
            _run(p, value)


def _meetings_table(doc: DocxDocument, brief: Brief, f: ThaiFormat) -> None:
    rows = []
    for i, m in enumerate(brief.meetings, 1):
        time = f.time_range(m.start_time, m.end_time)
        rows.append(
            [
                f.num(i),
                f.date(m.date, short=True) + (f"\n{time}" if time else ""),
                m.body or m.title or m.file,
                m.chair or "-",
                f"[{f.num(i)}]",
            ]
        )
    _table(doc, ["ที่", "วันที่", "คณะ", "ประธาน", "เอกสาร"], rows, [1.0, 3.4, 6.2, 3.5, 1.9])


def _items_table(doc: DocxDocument, brief: Brief, f: ThaiFormat) -> None:
    doc_number = {m.doc_id: i for i, m in enumerate(brief.meetings, 1)}
    headers = ["ที่", "ข้อเสนอแนะ / การมอบหมาย (ที่มา)", "ผู้รับผิดชอบ", "กำหนด", "สถานะ / ความคืบหน้าล่าสุด"]
    widths = [1.0, 6.0, 2.8, 2.0, 4.2]
    table = _table(doc, headers, [], widths)
    for i, item in enumerate(brief.items, 1):
        row = table.add_row()
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # an item stays on one page
        cells = row.cells
        _cell(cells[0], f.num(i), align=WD_ALIGN_PARAGRAPH.CENTER)
        _cell(cells[1], f"[{kind_label(item.kind, short=True)}] ", bold=True)
        _run(cells[1].paragraphs[0], item.text, size=TABLE_PT)
        # the source under the text: a column of its own is too narrow for "ย่อหน้า 42"
        _run(
            cells[1].paragraphs[0],
            f"\n(ที่มา {_source_cell(item, doc_number, f)})",
            size=TABLE_PT - 1,
            color=GREY,
        )
        _cell(cells[2], ", ".join(item.owners) or "-")
        _cell(cells[3], f.date(item.due, short=True))
        _status_cell(cells[4], item, f)
        if item.overdue:
            for cell in cells:
                _shade(cell, OVERDUE_FILL)
    set_widths(table, widths)


def _status_cell(cell, item: BriefItem, f: ThaiFormat) -> None:  # type: ignore[no-untyped-def]
    _cell(cell, status_label(item.status), bold=item.overdue)
    p = cell.paragraphs[0]
    if item.overdue:
        _run(p, f"\n{OVERDUE_LABEL}", size=TABLE_PT, bold=True, color=RED)
    if item.last_followup:
        text = followup_text(item.last_followup, f)
        if len(text) > FOLLOWUP_CHARS:
            text = text[: FOLLOWUP_CHARS - 1].rstrip() + "…"
        _run(p, "\n" + text, size=TABLE_PT - 1)


def _source_cell(item: BriefItem, doc_number: dict[str, int], f: ThaiFormat) -> str:
    s = item.source
    number = doc_number.get(s.doc_id)
    parts = [f"[{f.num(number)}]" if number else s.doc]
    if s.page:
        parts.append(f"หน้า {f.num(s.page)}")
    if s.paragraph:
        parts.append(f"ย่อหน้า {f.num(s.paragraph)}")
    return " ".join(parts)


# -- low-level layout ----------------------------------------------------------------------
def _new_document(*, thai_digits: bool) -> DocxDocument:
    doc = Document()
    section = doc.sections[0]
    if thai_digits:  # the page number field in ๑ ๒ ๓ too
        numbering = OxmlElement("w:pgNumType")
        numbering.set(qn("w:fmt"), "thaiNumbers")
        section._sectPr.insert_element_before(numbering, "w:cols", "w:formProt", "w:vAlign", "w:noEndnote",
                                              "w:titlePg", "w:textDirection", "w:bidi", "w:rtlGutter",
                                              "w:docGrid", "w:printerSettings", "w:sectPrChange")  # fmt: skip
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
    section.left_margin, section.right_margin = Cm(3.0), Cm(2.0)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    _font_slots(normal.element.get_or_add_rPr(), BODY_PT)
    # Sarabun's tall ascent and descent make "single" spacing loose already; no gaps between
    # paragraphs keeps the page close to a typed memo
    normal.paragraph_format.line_spacing = 1.0
    normal.paragraph_format.space_after = Pt(0)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(footer)
    return doc


def _font_slots(rpr, size_pt: float) -> None:  # type: ignore[no-untyped-def]
    """Sarabun in the ascii, hAnsi, cs and eastAsia slots, complex-script size, Thai language."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(slot), FONT)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(theme), None)
    size_cs = rpr.find(qn("w:szCs"))
    if size_cs is None:  # the schema wants szCs right after sz
        size_cs = OxmlElement("w:szCs")
        rpr.get_or_add_sz().addnext(size_cs)
    size_cs.set(qn("w:val"), str(int(size_pt * 2)))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:bidi"), "th-TH")


def _run(paragraph, text: str, *, size: float = BODY_PT, bold: bool = False, color: RGBColor | None = None):  # type: ignore[no-untyped-def]
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.font.bold = bold
    if bold:  # Word bolds Thai only with the complex-script bold flag
        run._r.get_or_add_rPr().get_or_add_bCs()
    if color is not None:
        run.font.color.rgb = color
    _font_slots(run._r.get_or_add_rPr(), size)
    return run


def _head_line(doc: DocxDocument, parts: list[tuple[str, str]], tab_cm: float | None = None) -> Paragraph:
    p = doc.add_paragraph()
    if tab_cm is not None:
        p.paragraph_format.tab_stops.add_tab_stop(Cm(tab_cm), WD_TAB_ALIGNMENT.LEFT)
    for i, (label, value) in enumerate(parts):
        if i:
            _run(p, "\t")
        _run(p, label, size=LABEL_PT, bold=True)
        _run(p, f"  {value}")
    return p


def _rule(p) -> None:  # type: ignore[no-untyped-def]
    """A thin line under the head (below เรื่อง), as on printed memo forms."""
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    border.append(bottom)
    p._p.get_or_add_pPr().append(border)
    p.paragraph_format.space_after = Pt(8)


def _indented(doc: DocxDocument, text: str, *, first_line: bool = True) -> Paragraph:
    p = doc.add_paragraph()
    if first_line:
        p.paragraph_format.first_line_indent = Cm(2.5)
    else:
        p.paragraph_format.left_indent = Cm(1.0)
    if text:
        _run(p, text)
    return p


def _cell(cell, text: str, *, bold: bool = False, align=None):  # type: ignore[no-untyped-def]
    p = cell.paragraphs[0]
    if align is not None:
        p.alignment = align
    _run(p, text, size=TABLE_PT, bold=bold)
    return p


def _shade(cell, fill: str) -> None:  # type: ignore[no-untyped-def]
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _table(doc: DocxDocument, headers: list[str], rows: list[list[str]], widths_cm: list[float]) -> Table:
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        _cell(cell, header, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        _shade(cell, HEADER_FILL)
    _repeat_header(table.rows[0])
    for row in rows:
        for cell, value in zip(table.add_row().cells, row, strict=True):
            _cell(cell, value)
    set_widths(table, widths_cm)
    return table


def set_widths(table, widths_cm: list[float]) -> None:  # type: ignore[no-untyped-def]
    """Fixed column widths on every cell (Word reads the cells, LibreOffice the grid)."""
    for column, width in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(width)
        for cell in column.cells:
            cell.width = Cm(width)


def _repeat_header(row) -> None:  # type: ignore[no-untyped-def]
    """The header row repeats on every page the table spans."""
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(marker)


def _page_field(paragraph) -> None:  # type: ignore[no-untyped-def]
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)
