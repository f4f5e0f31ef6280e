"""PDF reader: text layers, page ranges, broken Thai layers repaired, bad files refused, OCR."""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

import fontpkg_sarabun
import pytest

from prachum.errors import ReadError, TooLarge
from prachum.ingest.limits import Limits
from prachum.ingest.ocr import char_error_rate
from prachum.ingest.pdf import read_pdf

SARABUN = Path(fontpkg_sarabun.ROOT) / "files" / "Sarabun-Regular.ttf"

PAGE_ONE = ["รายงานการประชุมคณะอนุกรรมการ ครั้งที่ 1/2566", "มติที่ประชุม รับทราบ และมอบหมายให้จังหวัดดำเนินการ"]
PAGE_TWO = ["ข้อเสนอแนะ ควรจัดทำแผนบริหารจัดการน้ำ ภายในเดือนมีนาคม 2566"]


def _font(name: str, aliases: dict[int, int] | None = None):  # type: ignore[no-untyped-def]
    """Sarabun for reportlab; ``aliases`` draws code point K with the glyph of code point V,
    which is how a legacy font puts Private Use Area code points into a text layer."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    # from bytes, not the path: reportlab shares one parsed face per font file path
    font = TTFont(name, io.BytesIO(SARABUN.read_bytes()), shapable=False)
    # reportlab keeps one face per face name: give each test font its own, or its aliases vanish
    font.face.name = name.encode() if isinstance(font.face.name, bytes) else name
    for code, like in (aliases or {}).items():
        font.face.charToGlyph[code] = font.face.charToGlyph[like]
        font.face.charWidths[code] = font.face.charWidths[like]
    pdfmetrics.registerFont(font)
    return name


def make_pdf(pages: list[list[str]], *, font: str | None = None, **canvas_args) -> bytes:  # type: ignore[no-untyped-def]
    from reportlab.pdfgen import canvas

    font = font or _font("SarabunTest")
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, **canvas_args)
    for lines in pages:
        pdf.setFont(font, 16)
        for i, line in enumerate(lines):
            pdf.drawString(72, 760 - 26 * i, line)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def test_text_pdf_pages_and_ranges() -> None:
    data = make_pdf([PAGE_ONE, PAGE_TWO])
    seen: list[tuple[int, int]] = []
    doc = read_pdf(data, file_name="m.pdf", limits=Limits(), progress=lambda d, t: seen.append((d, t)))
    assert doc.format == "pdf" and doc.file_name == "m.pdf"
    assert doc.content_hash == hashlib.sha256(data).hexdigest()
    assert [p.number for p in doc.pages] == [1, 2]
    assert doc.text[doc.pages[0].start : doc.pages[0].end] == "\n".join(PAGE_ONE)
    assert doc.text[doc.pages[1].start : doc.pages[1].end] == PAGE_TWO[0]
    assert doc.text[doc.pages[0].end : doc.pages[1].start] == "\n\n"
    assert not any(p.ocr for p in doc.pages) and doc.pages[0].confidence is None
    assert doc.page_of(doc.text.index("ข้อเสนอแนะ")) == 2
    assert seen == [(1, 2), (2, 2)]
    assert doc.warnings == ()
    assert doc.meta["page_modes"] == ["text", "text"]


def test_split_marks_and_lost_sara_am_are_repaired() -> None:
    broken = ["การดําเนินการ ต ้อง แล ้วเสร็จ", "ค าน า และ น ้ าท่วม"]
    doc = read_pdf(make_pdf([broken]), file_name="old.pdf", limits=Limits())
    assert doc.text == "การดำเนินการ ต้อง แล้วเสร็จ\nคำนำ และ น้ำท่วม"
    assert doc.meta["page_modes"] == ["repaired"]
    assert doc.meta["thai_repairs"]["spaced_mark"] >= 2
    assert any("ซ่อม" in w for w in doc.warnings)


def test_legacy_font_pua_glyphs_are_mapped() -> None:
    # mai tho shifted left (F714), sara i shifted left (F701), yo ying without tail (F70F)
    font = _font("SarabunLegacy", {0xF714: 0x0E49, 0xF701: 0x0E34, 0xF70F: 0x0E0D})
    doc = read_pdf(
        make_pdf([["ป\uf714าย ป\uf701ดประชุม \uf70fาติ"]], font=font), file_name="l.pdf", limits=Limits()
    )
    assert doc.text == "ป้าย ปิดประชุม ญาติ"
    assert doc.meta["thai_repairs"]["pua"] == 3


def test_unrepairable_layer_without_ocr_is_flagged() -> None:
    junk = {0xE000 + i: 0x0E01 + i for i in range(30)}
    font = _font("SarabunJunk", junk)
    line = "".join(chr(code) for code in junk) * 2
    doc = read_pdf(make_pdf([[line]], font=font), file_name="j.pdf", limits=Limits(ocr=False))
    assert doc.meta["page_modes"] == ["unread"]
    assert any("หน้า 1" in w and "OCR" in w for w in doc.warnings)


def test_blank_page_is_empty_without_warning() -> None:
    doc = read_pdf(make_pdf([PAGE_ONE, []]), file_name="b.pdf", limits=Limits(ocr=False))
    assert doc.meta["page_modes"] == ["text", "empty"]
    assert doc.pages[1].start == doc.pages[1].end == len(doc.text)
    assert doc.warnings == ()


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "0 ไบต์"),
        (b"hello, not a pdf at all", "%PDF"),
        (b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage", "เสียหาย"),
    ],
)
def test_bad_files_give_one_line_read_errors(data: bytes, reason: str) -> None:
    with pytest.raises(ReadError) as info:
        read_pdf(data, file_name="bad.pdf", limits=Limits())
    message = str(info.value)
    assert reason in message and "bad.pdf" in message and "\n" not in message


def test_truncated_pdf_is_a_read_error() -> None:
    data = make_pdf([PAGE_ONE])
    with pytest.raises(ReadError):
        read_pdf(data[: len(data) // 3], file_name="cut.pdf", limits=Limits())


def test_encrypted_pdf_needs_a_password() -> None:
    from reportlab.lib.pdfencrypt import StandardEncryption

    data = make_pdf([PAGE_ONE], encrypt=StandardEncryption("secret", ownerPassword="owner"))
    with pytest.raises(ReadError, match="รหัสผ่าน"):
        read_pdf(data, file_name="locked.pdf", limits=Limits())


def test_limits_pages_bytes_and_text() -> None:
    data = make_pdf([PAGE_ONE, PAGE_TWO, PAGE_TWO])
    with pytest.raises(TooLarge, match="3 หน้า.*2 หน้า"):
        read_pdf(data, file_name="long.pdf", limits=Limits(max_pdf_pages=2))
    with pytest.raises(TooLarge):
        read_pdf(data, file_name="big.pdf", limits=Limits(max_bytes=len(data) - 1))
    with pytest.raises(TooLarge):
        read_pdf(data, file_name="wordy.pdf", limits=Limits(max_text_chars=60))


# --- OCR (slow: Tesseract) ------------------------------------------------------------------


def render_lines(lines: list[str], *, dpi: int = 300, angle: float = 0.0):  # type: ignore[no-untyped-def]
    """An A4 page image with Thai lines drawn in Sarabun (Pillow with raqm shapes the marks)."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(SARABUN), int(16 * dpi / 72))
    image = Image.new("L", (int(8.27 * dpi), int(11.69 * dpi)), 255)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((dpi, dpi + i * int(font.size * 1.8)), line, font=font, fill=0)
    return image.rotate(angle, expand=False, fillcolor=255, resample=Image.BICUBIC) if angle else image


def _no_space(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.slow
def test_scanned_pdf_is_ocred_with_word_boxes() -> None:
    lines = PAGE_ONE + PAGE_TWO
    buffer = io.BytesIO()
    render_lines(lines).save(buffer, format="PDF", resolution=300)
    doc = read_pdf(buffer.getvalue(), file_name="scan.pdf", limits=Limits())
    assert doc.meta["page_modes"] == ["ocr"]
    page = doc.pages[0]
    assert page.ocr and page.confidence is not None and page.confidence > 70
    assert char_error_rate(_no_space("".join(lines)), _no_space(doc.text)) < 0.05
    words = doc.meta["ocr_words"][0]
    width, height = doc.meta["ocr_image_sizes"][0]
    assert len(words) > 10
    for start, end, x0, y0, x1, y1 in words:
        assert page.start <= start < end <= page.end
        assert 0 <= x0 < x1 <= width and 0 <= y0 < y1 <= height
    # the first line is drawn above the second: its words' boxes sit higher on the page
    first = [w for w in words if w[1] <= doc.text.index("\n")]
    later = [w for w in words if w[0] > doc.text.index("มติ")]
    assert max(w[5] for w in first) < min(w[3] for w in later) + 5


@pytest.mark.slow
def test_unrepairable_layer_is_ocred_instead() -> None:
    # glyphs say Thai, the text layer says Private Use junk: only OCR can read this page
    text = "การประชุมคณะกรรมการ"
    aliases = {0xE000 + i: ord(c) for i, c in enumerate(text)}
    font = _font("SarabunJunk2", aliases)
    junk = "".join(chr(0xE000 + i) for i in range(len(text)))
    doc = read_pdf(make_pdf([[junk, junk]], font=font), file_name="junk.pdf", limits=Limits())
    assert doc.meta["page_modes"] == ["ocr"]
    assert any("OCR" in w for w in doc.warnings)
    assert char_error_rate(text * 2, _no_space(doc.text)) < 0.1


@pytest.mark.slow
def test_scan_with_a_stamped_text_line_is_still_ocred() -> None:
    # a scanner's page image with a real-text page number on top: too little text for the
    # page's area, image over most of it, so the page is a scan and OCR reads all of it
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    lines = PAGE_ONE + PAGE_TWO
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    width, height = pdf._pagesize
    pdf.drawImage(ImageReader(render_lines(lines, dpi=150)), 0, 0, width=width, height=height)
    pdf.setFont(_font("SarabunStamp"), 10)
    pdf.drawString(500, 20, "หน้า 1")
    pdf.showPage()
    pdf.save()
    doc = read_pdf(buffer.getvalue(), file_name="stamped.pdf", limits=Limits())
    assert doc.meta["page_modes"] == ["ocr"]
    assert char_error_rate(_no_space("".join(lines)), _no_space(doc.text)) < 0.1


def test_ingest_reports_each_page_as_it_is_read(tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    """A long PDF or scan takes seconds a page: the pipeline's progress callback (the job
    queue's and the CLI's) hears the pages one by one before the later steps."""
    from prachum.services import Services

    pdf = tmp_path / "three.pdf"
    pdf.write_bytes(make_pdf([[f"รายงานการประชุม หน้า {n}", "มติที่ประชุม รับทราบ"] for n in (1, 2, 3)]))
    services = Services(settings.with_(embedder="hashing"))
    heard: list[tuple[str, int | None]] = []
    result = services.pipeline.ingest_file(pdf, progress=lambda step, pages: heard.append((step, pages)))
    assert result.status == "ok", result.message
    reading = [pages for step, pages in heard if step == "reading"]
    assert reading == [None, 1, 2, 3]
    assert [step for step, _ in heard if step != "reading"] == ["analysing", "storing", "indexing"]
