"""PDF reader: text layers via pypdfium2, Thai repair, OCR of scanned or broken pages.

One page at a time. For each page the text layer is read with pdfium (which keeps Thai
intact where pdfplumber's own text loses marks), checked for the symptoms of a broken Thai
layer (`pdf_repair.check_text_layer`), repaired when repair suffices, and otherwise the page
is rendered at 300 dpi and OCRed (`ocr.ocr_many`, a pool bounded by the cores). The lines
of each page (from pdfium's character boxes, `pdf_layout`, or from OCR) are re-joined into
paragraphs and page numbers and running titles left out (`reflow`; they are listed in
``meta["page_furniture"]``). Pages are joined with a blank line, or with nothing (a space)
where a paragraph runs over the page break; each page's (start, end) in the text is kept,
and OCR word boxes are stored in ``Document.meta["ocr_words"]`` with offsets into
``Document.text``.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from prachum.errors import ReadError, TooLarge
from prachum.ingest.limits import Limits
from prachum.ingest.ocr import LOW_CONFIDENCE, OCR_DPI, OcrPage, check_ocr_available, ocr_many
from prachum.ingest.pdf_layout import Plumber, page_text
from prachum.ingest.pdf_repair import check_text_layer, repair_thai_text
from prachum.ingest.reflow import PageFlow, PageLines, flow_pages, page_separator
from prachum.models import Document, Page

if TYPE_CHECKING:
    from PIL import Image

Progress = Callable[[int, int], None]

PAGE_SEPARATOR = "\n\n"
# A page mostly covered by images with fewer visible characters than this per square inch
# is a scan (maybe with a stamped header or a page number as real text): OCR it.
_SCAN_CHARS_PER_SQ_INCH = 3.0
_SCAN_IMAGE_COVERAGE = 0.5
_BLANK_INK = 0.0005


@dataclass
class PageResult:
    """What was read from one page, before the pages are joined."""

    number: int
    text: str = ""
    mode: str = "text"  # text | repaired | ocr | empty | unread
    ocr: OcrPage | None = None
    fixes: Counter[str] = field(default_factory=Counter)
    warning: str | None = None
    lines: PageLines | None = None  # the lines with their boxes, when the reader knows them


def read_pdf(data: bytes, *, file_name: str, limits: Limits, progress: Progress | None = None) -> Document:
    """Read a PDF: text per page (repaired or OCRed where needed), page ranges, warnings."""
    import pypdfium2 as pdfium

    check_size(data, file_name=file_name, limits=limits)
    if b"%PDF" not in data[:1024]:
        raise ReadError(f"{file_name}: ไม่ใช่ไฟล์ PDF (ไม่พบส่วนหัว %PDF)")
    pdf = _open(data, file_name)
    plumber: Plumber | None = None
    try:
        count = len(pdf)
        if count == 0:
            raise ReadError(f"{file_name}: PDF ไม่มีหน้าใดเลย")
        if count > limits.max_pdf_pages:
            raise TooLarge(
                f"{file_name}: PDF มี {count} หน้า เกินขีดจำกัด {limits.max_pdf_pages} หน้า (limits.max_pdf_pages)"
            )
        results: list[PageResult] = []
        warnings: list[str] = []
        ocr_ready = limits.ocr and _ocr_ready(warnings)
        plumber = Plumber(data)
        pages = _analyse_pages(pdf, count, results, ocr_allowed=limits.ocr, ocr_ready=ocr_ready, plumber=plumber)
        try:
            for index, ocr_page in enumerate(ocr_many(pages)):
                if ocr_page is not None:
                    apply_ocr(results[index], ocr_page)
                if progress:
                    progress(index + 1, count)
        except pdfium.PdfiumError as exc:  # a damaged page object (found by tests/test_reader_fuzz.py)
            reason = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
            raise ReadError(f"{file_name}: ไฟล์ PDF เสียหาย อ่านบางหน้าไม่ได้ ({reason})") from None
    finally:
        pdf.close()
        if plumber is not None:
            plumber.close()
    return build_document(
        data, file_name=file_name, format="pdf", results=results, limits=limits, warnings=warnings
    )


def check_size(data: bytes, *, file_name: str, limits: Limits) -> None:
    if not data:
        raise ReadError(f"{file_name}: ไฟล์ว่างเปล่า (0 ไบต์)")
    if len(data) > limits.max_bytes:
        raise TooLarge(f"{file_name}: ไฟล์ขนาด {len(data):,} ไบต์ เกินขีดจำกัด {limits.max_bytes:,} ไบต์")


def _open(data: bytes, file_name: str) -> Any:
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        reason = str(exc)
        if "password" in reason.lower():
            raise ReadError(f"{file_name}: PDF ถูกเข้ารหัส ต้องใช้รหัสผ่านจึงจะเปิดได้") from exc
        raise ReadError(f"{file_name}: ไฟล์ PDF เสียหาย อ่านไม่ได้ ({reason.splitlines()[0][:120]})") from exc


def _ocr_ready(warnings: list[str]) -> bool:
    try:
        check_ocr_available()
    except ReadError as exc:
        warnings.append(f"ไม่ได้ทำ OCR: {exc}")
        return False
    return True


def _image_coverage(page: Any, width: float, height: float) -> float:
    """Share of the page area covered by image objects (0..1)."""
    import pypdfium2.raw as pdfium_c

    covered = 0.0
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=3):
        bounds = getattr(obj, "get_bounds", None) or obj.get_pos  # pypdfium2 5 renamed get_pos
        left, bottom, right, top = bounds()
        w = max(0.0, min(right, width) - max(left, 0.0))
        h = max(0.0, min(top, height) - max(bottom, 0.0))
        covered += w * h
    return min(1.0, covered / (width * height)) if width and height else 0.0


def _analyse_pages(
    pdf: Any,
    count: int,
    results: list[PageResult],
    *,
    ocr_allowed: bool,
    ocr_ready: bool,
    plumber: Plumber | None = None,
) -> Iterator[Image.Image | None]:
    """Read each page's text layer; yield the rendered page where OCR must read it instead."""
    from prachum.ingest.image import ink_share  # image.py imports this module

    for index in range(count):
        page = pdf[index]
        try:
            result = PageResult(number=index + 1)
            results.append(result)
            width, height = page.get_size()
            raw, lines = page_text(page, height, plumber=plumber, index=index)
            check = check_text_layer(raw, area_sq_inch=width * height / 72 / 72 or None)
            scanned = check.visible == 0 or (
                (check.chars_per_sq_inch or 0) < _SCAN_CHARS_PER_SQ_INCH
                and _image_coverage(page, width, height) >= _SCAN_IMAGE_COVERAGE
            )
            text = raw
            if check.symptoms:
                repaired = repair_thai_text(raw)
                text, result.fixes = repaired.text, repaired.fixes
                check = check_text_layer(text)
                lines = [replace(line, text=repair_thai_text(line.text).text) for line in lines]
            result.text = _tidy(text)
            if lines and not scanned:
                result.lines = PageLines(tuple(line for line in lines if line.text.strip()), width, height)
            result.mode = "repaired" if result.fixes else "text"
            broken = not scanned and not check.is_usable()
            if not (scanned or broken):
                yield None
                continue
            if ink_share(page.render(scale=0.5, grayscale=True).to_pil()) < _BLANK_INK:
                result.mode, result.text = "empty", ""
                yield None
                continue
            if not ocr_allowed or not ocr_ready:
                result.mode = "unread" if broken or not result.text else result.mode
                why = "ชั้นข้อความภาษาไทยเสียหาย" if broken else "เป็นภาพสแกน"
                result.warning = f"หน้า {result.number}: {why} แต่ไม่ได้ทำ OCR (ปิด OCR หรือไม่มี tesseract)"
                yield None
                continue
            # copy: the PIL image must not borrow the pdfium bitmap once the page is closed
            image = page.render(scale=OCR_DPI / 72, grayscale=True).to_pil().copy()
            result.mode, result.lines = "ocr", None
            if broken:
                result.warning = f"หน้า {result.number}: ชั้นข้อความภาษาไทยเสียหายเกินซ่อม จึงอ่านด้วย OCR แทน"
            yield image
        finally:
            page.close()


def _tidy(text: str) -> str:
    """Trailing spaces off each line and blank edges off the page (pdfium pads both)."""
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


def apply_ocr(result: PageResult, page: OcrPage) -> None:
    result.ocr = page
    result.text = page.text
    result.lines = PageLines(page.lines, *page.size) if page.lines else None
    if page.confidence is not None and page.confidence < LOW_CONFIDENCE:
        note = f"หน้า {result.number}: ความเชื่อมั่นของ OCR ต่ำ ({page.confidence:.0f}%) ควรตรวจทานข้อความ"
        result.warning = f"{result.warning}; {note}" if result.warning else note


def build_document(
    data: bytes,
    *,
    file_name: str,
    format: str,
    results: list[PageResult],
    limits: Limits,
    warnings: list[str] | None = None,
) -> Document:
    """Join page texts with a blank line, keep each page's range and its OCR word boxes."""
    parts: list[str] = []
    pages: list[Page] = []
    ocr_words: list[list[list[int]]] = []
    furniture: list[list[Any]] = []
    fixes: Counter[str] = Counter()
    all_warnings = list(warnings or [])
    offset = 0
    flows = flow_pages([r.lines for r in results])
    previous: PageFlow | None = None
    for result, laid in zip(results, flows, strict=True):
        if parts:
            separator = page_separator(
                previous.flow if previous else None, laid.flow if laid else None, PAGE_SEPARATOR
            )
            parts.append(separator)
            offset += len(separator)
        text = laid.flow.text if laid else result.text
        parts.append(text)
        start, offset = offset, offset + len(text)
        if offset > limits.max_text_chars:
            raise TooLarge(f"{file_name}: ข้อความยาวเกินขีดจำกัด {limits.max_text_chars:,} ตัวอักษร")
        ocr = result.ocr
        pages.append(
            Page(
                result.number,
                start,
                offset,
                ocr=ocr is not None,
                confidence=ocr.confidence if ocr is not None else None,
            )
        )
        words: list[list[int]] = []
        if ocr is not None and laid is not None:
            for line, at in zip(laid.lines, laid.flow.starts, strict=True):
                words.extend([start + at + s, start + at + e, *box] for s, e, *box, _ in line.words)
        ocr_words.append(words)
        furniture.extend([result.number, line.text] for line in (laid.furniture if laid else ()))
        fixes.update(result.fixes)
        if result.warning:
            all_warnings.append(result.warning)
        previous = laid
    repaired = sum(1 for r in results if r.mode == "repaired")
    if repaired:
        all_warnings.append(f"ซ่อมข้อความภาษาไทยที่เสียหายจากชั้นข้อความของ PDF แล้ว {repaired} หน้า")
    meta: dict[str, Any] = {
        "page_modes": [r.mode for r in results],
        "ocr_words": ocr_words,
        "ocr_image_sizes": [list(r.ocr.size) if r.ocr else None for r in results],
        "ocr_dpi": OCR_DPI,
    }
    if furniture:
        meta["page_furniture"] = furniture  # [page, text]: page numbers, running titles
    if fixes:
        meta["thai_repairs"] = dict(fixes)
    return Document(
        file_name=file_name,
        text="".join(parts),
        format=format,
        content_hash=hashlib.sha256(data).hexdigest(),
        pages=tuple(pages),
        warnings=tuple(all_warnings),
        meta=meta,
    )
