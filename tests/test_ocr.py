"""Image reader and the OCR helpers: preparation, skew, error rate, Tesseract round trips."""

from __future__ import annotations

import io
import random
import re
from pathlib import Path

import fontpkg_sarabun
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from prachum.errors import ReadError, TooLarge
from prachum.ingest.image import estimate_skew, ink_share, otsu_threshold, prepare_image, read_image, to_gray
from prachum.ingest.limits import Limits
from prachum.ingest.ocr import char_error_rate

SARABUN = Path(fontpkg_sarabun.ROOT) / "files" / "Sarabun-Regular.ttf"
LINES = [
    "ระเบียบวาระที่ 3 เรื่องเพื่อพิจารณา",
    "ที่ประชุมมีมติเห็นชอบ ให้สำนักงานจังหวัดรายงานผลภายใน 30 เมษายน 2566",
    "ข้อสังเกต ควรประสานกรมทรัพยากรน้ำเพื่อฟื้นฟูแหล่งน้ำที่ตื้นเขิน",
]


def render(
    lines: list[str], *, dpi: int = 300, angle: float = 0.0, noise: float = 0.0, seed: int = 3
) -> Image.Image:
    font = ImageFont.truetype(str(SARABUN), int(16 * dpi / 72))
    image = Image.new("L", (int(8.27 * dpi), int(5 * dpi)), 255)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((int(0.8 * dpi), int(0.8 * dpi) + i * int(font.size * 1.8)), line, font=font, fill=0)
    if angle:
        image = image.rotate(angle, resample=Image.BICUBIC, fillcolor=255)
    if noise:
        rng = random.Random(seed)
        pixels = image.load()
        for _ in range(int(image.width * image.height * noise)):
            x, y = rng.randrange(image.width), rng.randrange(image.height)
            pixels[x, y] = 0 if pixels[x, y] > 128 else 255
    return image


def encode(image: Image.Image, fmt: str, **kwargs) -> bytes:  # type: ignore[no-untyped-def]
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **kwargs)
    return buffer.getvalue()


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_char_error_rate() -> None:
    assert char_error_rate("kitten", "sitting") == pytest.approx(3 / 6)
    assert char_error_rate("น้ำ", "น้ำ") == 0.0
    assert char_error_rate("ต้อง", "ตอง") == pytest.approx(1 / 4)
    assert char_error_rate("", "") == 0.0
    assert char_error_rate("", "x") == 1.0


def test_otsu_threshold_splits_ink_from_paper() -> None:
    image = Image.new("L", (100, 100), 230)
    ImageDraw.Draw(image).rectangle((10, 10, 40, 40), fill=30)
    # pixels above the threshold are paper, the rest ink
    assert 30 <= otsu_threshold(image) < 230


def test_skew_is_estimated_and_removed() -> None:
    page = render(LINES * 3, dpi=150, angle=2.0)
    assert estimate_skew(page.convert("L")) == pytest.approx(-2.0, abs=0.3)
    assert estimate_skew(render(LINES * 3, dpi=150).convert("L")) == pytest.approx(0.0, abs=0.2)
    prepared, angle = prepare_image(page)
    assert angle == pytest.approx(-2.0, abs=0.3)
    assert set(np.unique(np.asarray(prepared)).tolist()) <= {0, 255}  # binarised


def test_transparent_background_counts_as_paper() -> None:
    image = Image.new("RGBA", (50, 50), (0, 0, 0, 0))
    assert to_gray(image).getpixel((5, 5)) == 255
    assert ink_share(image) == 0.0


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"", "0 ไบต์"), (b"\x89PNG\r\n\x1a\n broken", "เสียหาย"), (b"just text", "เสียหาย")],
)
def test_bad_images_give_read_errors(data: bytes, reason: str) -> None:
    with pytest.raises(ReadError, match=reason):
        read_image(data, file_name="x.png", limits=Limits())


def test_image_needs_ocr_and_respects_limits() -> None:
    data = encode(render(LINES[:1], dpi=100), "PNG")
    with pytest.raises(ReadError, match="OCR"):
        read_image(data, file_name="x.png", limits=Limits(ocr=False))
    with pytest.raises(TooLarge):
        read_image(data, file_name="x.png", limits=Limits(max_bytes=10))
    frames = [render([], dpi=50)] * 3
    tiff = encode(frames[0], "TIFF", save_all=True, append_images=frames[1:])
    with pytest.raises(TooLarge, match="3 หน้า"):
        read_image(tiff, file_name="x.tif", limits=Limits(max_pdf_pages=2))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("fmt", "angle", "noise", "max_cer"), [("PNG", 0.0, 0.0, 0.03), ("JPEG", 1.5, 0.002, 0.06)]
)
def test_image_round_trip(fmt: str, angle: float, noise: float, max_cer: float) -> None:
    data = encode(render(LINES, angle=angle, noise=noise), fmt)
    doc = read_image(data, file_name=f"scan.{fmt.lower()}", limits=Limits())
    assert doc.format == "image" and len(doc.pages) == 1 and doc.pages[0].ocr
    assert char_error_rate(squash("".join(LINES)), squash(doc.text)) <= max_cer
    assert doc.text.count("\n") >= 2  # one line of text per drawn line
    # every word box holds a non-blank piece of the text, in reading order
    words = doc.meta["ocr_words"][0]
    assert [w[0] for w in words] == sorted(w[0] for w in words)
    assert all(doc.text[s:e].strip() for s, e, *_ in words)
    # the word boxes on the line holding "มติ" lie below those of the first line
    first_line_end = doc.text.index("\n")
    y_first = max(w[5] for w in words if w[1] <= first_line_end)
    y_mati = min(w[3] for w in words if w[0] >= doc.text.index("มติ") - 3 and w[1] <= doc.text.index("มติ") + 5)
    assert y_mati > y_first - 5


@pytest.mark.slow
def test_multi_page_tiff_with_a_blank_page() -> None:
    pages = [render(LINES[:2]), Image.new("L", (800, 600), 255)]
    data = encode(pages[0], "TIFF", save_all=True, append_images=pages[1:], compression="tiff_lzw")
    seen: list[tuple[int, int]] = []
    doc = read_image(data, file_name="scan.tif", limits=Limits(), progress=lambda d, t: seen.append((d, t)))
    assert seen == [(1, 2), (2, 2)]
    assert doc.meta["page_modes"] == ["ocr", "empty"]
    assert doc.pages[1].start == doc.pages[1].end == len(doc.text)
    assert doc.page_of(doc.text.index("ที่ประชุม")) == 1
    assert char_error_rate(squash("".join(LINES[:2])), squash(doc.text)) <= 0.03


@pytest.mark.slow
def test_noise_page_is_flagged_low_confidence() -> None:
    # speckles and scribbles only: whatever Tesseract makes of it must not pass as reliable text
    rng = random.Random(11)
    image = Image.new("L", (1600, 1200), 255)
    draw = ImageDraw.Draw(image)
    for _ in range(300):
        x, y = rng.randrange(1600), rng.randrange(1200)
        draw.line(
            (x, y, x + rng.randrange(-60, 60), y + rng.randrange(-60, 60)), fill=0, width=rng.randrange(1, 6)
        )
    doc = read_image(encode(image, "PNG"), file_name="noise.png", limits=Limits())
    page = doc.pages[0]
    assert page.confidence is None or page.confidence < 70 or len(squash(doc.text)) < 20
    if page.confidence is not None and page.confidence < 70:
        assert any("OCR" in w for w in doc.warnings)


def test_stray_punctuation_far_out_at_a_line_end_is_not_part_of_the_line() -> None:
    # the margins are read from the lines' boxes: a speck read as "|" by the page edge or a
    # "." of dirt far to the right must not widen the line (nor reach its text)
    from prachum.ingest.ocr import _assemble, _Word

    words = [
        _Word("|", (40, 100, 46, 160), 80.0),
        _Word("มติ", (300, 100, 380, 160), 95.0),
        _Word("ที่ประชุม", (382, 100, 600, 160), 95.0),
        _Word("รับทราบ", (630, 100, 800, 160), 95.0),
        _Word(".", (2300, 150, 2306, 158), 70.0),
    ]
    lines, lost = _assemble({(1, 1, 1): words}, "| มติที่ประชุม รับทราบ .", 2480)
    assert lost == 0 and len(lines) == 1
    assert lines[0].text.replace(" ", "") == "มติที่ประชุมรับทราบ"
    assert lines[0].box == (300, 100, 800, 160)
    assert [lines[0].text[s:e] for s, e, *_ in lines[0].words] == ["มติ", "ที่ประชุม", "รับทราบ"]


def test_ingest_status_names_the_low_confidence_pages() -> None:
    from prachum.ingest import status_note
    from prachum.models import Document, Page

    def doc(*pages: Page) -> Document:
        return Document(file_name="scan.pdf", text="x" * 30, format="pdf", content_hash="0" * 64, pages=pages)

    assert status_note(doc(Page(1, 0, 10), Page(2, 12, 30, ocr=True, confidence=91.5))) == ""
    note = status_note(doc(Page(1, 0, 10, ocr=True, confidence=52.0), Page(2, 12, 20), Page(3, 22, 30, ocr=True, confidence=64.9)))
    assert "หน้า 1, 3" in note and "proofread" in note
