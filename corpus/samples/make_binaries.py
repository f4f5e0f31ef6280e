"""Build the binary samples: ``06_ministry_meeting.docx`` and ``07_provincial_meeting.pdf``.

    .venv/bin/python corpus/samples/make_binaries.py

The outputs are committed, so the demo and the tests need neither LibreOffice nor this
script at install time; run it again only after changing the minutes below or
``07_provincial_meeting.source.txt``.

- 06 is written directly with python-docx: heading paragraphs, a Word-numbered list
  ("List Number" style, real ``w:numPr`` numbering), a participants table and มติ paragraphs.
- 07 is the text of ``07_provincial_meeting.source.txt`` laid out as a DOCX and converted
  to a text PDF by LibreOffice headless, with the Sarabun TTFs of fontpkg-sarabun made
  visible to fontconfig through a private ``fonts.conf`` (nothing is installed system-wide).
"""

from __future__ import annotations

import datetime as dt
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

HERE = pathlib.Path(__file__).resolve().parent
FONT = "Sarabun"
# A fixed timestamp keeps the DOCX metadata stable between rebuilds.
BUILT = dt.datetime(2024, 7, 19, 9, 0, 0)

MINISTRY_TITLE = (
    "รายงานการประชุม",
    "คณะทำงานขับเคลื่อนเป้าหมายการพัฒนาที่ยั่งยืน กระทรวงเกษตรและสหกรณ์",
    "ครั้งที่ 2/2567",
    "วันพฤหัสบดีที่ 18 กรกฎาคม 2567 เวลา 09.30 - 12.00 น.",
    "ณ ห้องประชุม 124 อาคารสำนักงานปลัดกระทรวงเกษตรและสหกรณ์ และผ่านระบบ Zoom Meeting",
)
PARTICIPANTS = (
    ("นางสาวปวีณา ธนสาร", "รองปลัดกระทรวงเกษตรและสหกรณ์ ประธานคณะทำงาน", "สำนักงานปลัดกระทรวงเกษตรและสหกรณ์"),
    ("นายวิชัย รุ่งเรืองศรี", "ผู้อำนวยการกองนโยบายเกษตรและสหกรณ์", "สำนักงานเศรษฐกิจการเกษตร"),
    ("นางจันทร์เพ็ญ อุดมผล", "ผู้อำนวยการกองวิจัยและพัฒนาข้าว", "กรมการข้าว"),
    ("นายสุทธิพงษ์ มณีรัตน์", "ผู้อำนวยการสำนักบริหารจัดการน้ำและอุทกวิทยา", "กรมชลประทาน"),
    ("นางสาวนภัสสร ชูศรี", "ผู้อำนวยการกองส่งเสริมเกษตรอินทรีย์", "กรมส่งเสริมการเกษตร"),
    ("นายกฤษดา พงษ์ไพบูลย์", "ผู้อำนวยการกองนโยบายและแผนงาน", "กรมพัฒนาที่ดิน"),
    ("นางรัชนี แก้วกาญจน์", "นักวิเทศสัมพันธ์ชำนาญการพิเศษ", "กองการต่างประเทศ สำนักงานปลัดกระทรวงเกษตรและสหกรณ์"),
    ("นายศุภชัย บุญมาก", "ผู้อำนวยการกองยุทธศาสตร์และแผนงาน เลขานุการ", "สำนักงานปลัดกระทรวงเกษตรและสหกรณ์"),
)
COLUMN_WIDTHS_CM = (1.6, 4.6, 5.4, 4.4)
# (kind, text): "heading" agenda headings, "para" body text, "number" Word-numbered list
# entries, "bullet" bulleted entries.
MINISTRY_BODY = (
    ("para", "เริ่มประชุมเวลา 09.30 น."),
    ("heading", "ระเบียบวาระที่ 1 เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ"),
    (
        "para",
        "ประธานแจ้งว่า สำนักงานสภาพัฒนาการเศรษฐกิจและสังคมแห่งชาติ (สศช.) อยู่ระหว่างรวบรวมข้อมูลเพื่อจัดทำ"
        "รายงานการทบทวนระดับชาติโดยสมัครใจ (Voluntary National Review: VNR) ฉบับถัดไป "
        "ซึ่งกระทรวงเกษตรและสหกรณ์รับผิดชอบข้อมูลเป้าหมายที่ 2 และเป้าหมายที่ 6 เป็นหลัก",
    ),
    ("para", "มติที่ประชุม รับทราบ"),
    ("heading", "ระเบียบวาระที่ 2 ผลการดำเนินงานตามตัวชี้วัด SDG 2 และ SDG 6 ของหน่วยงาน"),
    ("para", "ผู้แทนหน่วยงานรายงานผลการดำเนินงาน สรุปได้ดังนี้"),
    (
        "number",
        "กรมการข้าวได้ส่งเสริมการปลูกข้าวแบบเปียกสลับแห้ง (Alternate Wetting and Drying: AWD) "
        "เพื่อลดการปล่อยก๊าซมีเทนแล้ว 120,000 ไร่ ใน 21 จังหวัด",
    ),
    (
        "number",
        "กรมชลประทานอยู่ระหว่างปรับปรุงระบบส่งน้ำในเขตโครงการชลประทาน 14 โครงการ คาดว่าจะแล้วเสร็จภายในเดือนกันยายน 2567",
    ),
    (
        "number",
        "กรมส่งเสริมการเกษตรได้ตรวจรับรองแปลงเกษตรอินทรีย์เพิ่มขึ้นแล้ว ทำให้มีพื้นที่เกษตรอินทรีย์ที่ได้รับการรับรองรวม 1.6 ล้านไร่",
    ),
    (
        "number",
        "การปรับปรุงฐานข้อมูลความเสื่อมโทรมของที่ดิน (ตัวชี้วัด 15.3.1) ของกรมพัฒนาที่ดิน ยังไม่ได้ดำเนินการ "
        "เนื่องจากรอผลการแปลภาพถ่ายดาวเทียมปี 2566",
    ),
    (
        "para",
        "มติที่ประชุม รับทราบ และให้ทุกหน่วยงานรายงานผลการดำเนินงานรอบ 9 เดือนต่อกองยุทธศาสตร์และแผนงาน "
        "สำนักงานปลัดกระทรวงเกษตรและสหกรณ์ ภายในวันที่ 15 สิงหาคม 2567",
    ),
    ("heading", "ระเบียบวาระที่ 3 ร่างรายงานผลการขับเคลื่อน SDGs ของกระทรวงเกษตรและสหกรณ์ ประจำปี 2567"),
    ("para", "กองยุทธศาสตร์และแผนงานนำเสนอร่างรายงาน ที่ประชุมมีข้อคิดเห็น ดังนี้"),
    ("bullet", "ควรนำเสนอการลดก๊าซเรือนกระจกจากนาข้าวเป็นผลงานเด่นของกระทรวง พร้อมตัวเลขปริมาณที่ลดได้"),
    ("bullet", "ควรแสดงข้อมูลเกษตรกรที่ได้รับประโยชน์จำแนกตามเพศและกลุ่มอายุ"),
    ("bullet", "ควรเชื่อมโยงผลการดำเนินงานกับตัวชี้วัด 2.4.1 สัดส่วนพื้นที่เกษตรที่มีการทำเกษตรอย่างยั่งยืน"),
    (
        "para",
        "มติที่ประชุม เห็นชอบร่างรายงานฯ โดยให้กองยุทธศาสตร์และแผนงานปรับปรุงตามข้อคิดเห็นของที่ประชุม "
        "และเสนอปลัดกระทรวงเกษตรและสหกรณ์ภายในวันที่ 30 สิงหาคม 2567",
    ),
    ("heading", "ระเบียบวาระที่ 4 เรื่องอื่น ๆ"),
    ("para", "ไม่มี"),
    ("para", "เลิกประชุมเวลา 12.00 น."),
    ("sign", "นายศุภชัย บุญมาก"),
    ("sign", "ผู้จดรายงานการประชุม"),
)


def _set_thai_font(style, size: float) -> None:
    """Word picks the complex-script font (w:cs) and size (w:szCs) for Thai runs."""
    style.font.name = FONT
    style.font.size = Pt(size)
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    # Heading styles name theme fonts, which win over the explicit ones above.
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(attr), None)
    size_cs = rpr.find(qn("w:szCs"))
    if size_cs is None:
        size_cs = rpr.makeelement(qn("w:szCs"), {})
        rpr.append(size_cs)
    size_cs.set(qn("w:val"), str(int(size * 2)))


def _new_document() -> docx.document.Document:
    document = docx.Document()
    for name in ("Normal", "List Number", "List Bullet", "Heading 2"):
        _set_thai_font(document.styles[name], 14)
    # Sarabun's tall ascent/descent makes LibreOffice's automatic line height loose; a fixed
    # 1.0 multiple and no paragraph gaps keep the pages close to a typed government memo.
    normal = document.styles["Normal"].paragraph_format
    normal.line_spacing, normal.space_after = 1.0, Pt(0)
    heading = document.styles["Heading 2"]
    heading.font.bold = True
    heading.font.color.rgb = None
    for section in document.sections:
        section.page_height, section.page_width = Cm(29.7), Cm(21.0)
        section.top_margin = section.bottom_margin = Cm(2.5)
        section.left_margin, section.right_margin = Cm(3.0), Cm(2.0)
    props = document.core_properties
    props.author = props.last_modified_by = "prachum samples"
    props.created = props.modified = BUILT
    props.revision = 1
    return document


def _centered(document, text: str, bold: bool) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run(text).bold = bold
    paragraph.paragraph_format.space_after = Pt(0)


def build_ministry_docx(path: pathlib.Path) -> None:
    """06: a ministry working-group meeting with a participants table and Word numbering."""
    document = _new_document()
    for n, line in enumerate(MINISTRY_TITLE):
        _centered(document, line, bold=n < 2)
    document.add_paragraph("ผู้เข้าร่วมประชุม", style="Heading 2")
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, label in zip(table.rows[0].cells, ("ลำดับ", "ชื่อ-สกุล", "ตำแหน่ง", "หน่วยงาน"), strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(label).bold = True
    for n, (name, position, agency) in enumerate(PARTICIPANTS, start=1):
        cells = table.add_row().cells
        for cell, value in zip(cells, (str(n), name, position, agency), strict=True):
            cell.text = value
    # Word and LibreOffice read the width of each cell, not of the column.
    table.autofit = False
    for column, width in zip(table.columns, COLUMN_WIDTHS_CM, strict=True):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, COLUMN_WIDTHS_CM, strict=True):
            cell.width = Cm(width)
    for kind, text in MINISTRY_BODY:
        if kind == "heading":
            document.add_paragraph(text, style="Heading 2")
        elif kind == "number":
            document.add_paragraph(text, style="List Number")
        elif kind == "bullet":
            document.add_paragraph(text, style="List Bullet")
        elif kind == "sign":
            paragraph = document.add_paragraph(text)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        else:
            document.add_paragraph(text)
    document.save(str(path))


def build_source_docx(source: pathlib.Path, path: pathlib.Path) -> None:
    """07's intermediate DOCX: the first four lines centred as the heading, one paragraph per line."""
    document = _new_document()
    lines = source.read_text(encoding="utf-8").rstrip("\n").split("\n")
    heading_lines = 5
    for n, line in enumerate(lines):
        if n < heading_lines:
            _centered(document, line, bold=n < 2)
            continue
        paragraph = document.add_paragraph(line)
        paragraph.paragraph_format.space_after = Pt(0)
        if line.startswith("ระเบียบวาระที่"):
            paragraph.runs[0].bold = True
    document.save(str(path))


def _fontconfig_file(workdir: pathlib.Path) -> pathlib.Path:
    """A fonts.conf that adds the packaged Sarabun TTFs to the system fonts, cache in workdir."""
    import fontpkg_sarabun

    conf = workdir / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        f"  <dir>{fontpkg_sarabun.ROOT / 'files'}</dir>\n"
        f"  <cachedir>{workdir / 'fc-cache'}</cachedir>\n</fontconfig>\n",
        encoding="utf-8",
    )
    return conf


def convert_to_pdf(docx_path: pathlib.Path, out_dir: pathlib.Path, workdir: pathlib.Path) -> pathlib.Path:
    """LibreOffice headless with a private profile (so a running office is not disturbed)."""
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        raise SystemExit("libreoffice not found: install libreoffice-writer-nogui to rebuild the PDF sample")
    env = dict(os.environ, FONTCONFIG_FILE=str(_fontconfig_file(workdir)), HOME=str(workdir))
    profile = (workdir / "lo-profile").as_uri()
    command = [office, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf"]
    subprocess.run(
        [*command, "--outdir", str(out_dir), str(docx_path)],
        check=True,
        env=env,
        capture_output=True,
        timeout=180,
    )
    pdf = out_dir / (docx_path.stem + ".pdf")
    if not pdf.exists():
        raise SystemExit(f"LibreOffice did not write {pdf.name}")
    return pdf


def _pdf_facts(pdf: pathlib.Path) -> tuple[int, list[str]]:
    """Page count and embedded font names, to confirm the PDF really uses Sarabun."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    pages = len(document)
    document.close()
    fonts = sorted({line.split()[0] for line in _pdffonts(pdf)})
    return pages, fonts


def _pdffonts(pdf: pathlib.Path) -> list[str]:
    if shutil.which("pdffonts") is None:
        return []
    listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    return listing.splitlines()[2:]


def main() -> int:
    ministry = HERE / "06_ministry_meeting.docx"
    build_ministry_docx(ministry)
    print(f"wrote {ministry.name} ({ministry.stat().st_size} bytes)")
    target = HERE / "07_provincial_meeting.pdf"
    with tempfile.TemporaryDirectory(prefix="prachum-samples-") as tmp:
        workdir = pathlib.Path(tmp)
        intermediate = workdir / "07_provincial_meeting.docx"
        build_source_docx(HERE / "07_provincial_meeting.source.txt", intermediate)
        pdf = convert_to_pdf(intermediate, workdir, workdir)
        shutil.copyfile(pdf, target)
    pages, fonts = _pdf_facts(target)
    print(f"wrote {target.name} ({target.stat().st_size} bytes, {pages} pages, fonts {', '.join(fonts)})")
    if not any(FONT in font for font in fonts) and fonts:
        print("warning: Sarabun is not embedded in the PDF", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
