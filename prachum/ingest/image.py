"""Image reader (.png .jpg .jpeg .tif .tiff): scanned or photographed minutes, read by OCR.

Each frame of a multi-page TIFF is a page. Pages are OCRed in the same pool as scanned PDF
pages and assembled the same way (`pdf.build_document`): text per page joined by a blank
line, page ranges, word boxes in ``meta["ocr_words"]``, low-confidence pages in warnings.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from prachum.errors import ReadError, TooLarge
from prachum.ingest.limits import Limits
from prachum.ingest.ocr import check_ocr_available, ink_share, ocr_many
from prachum.ingest.pdf import PageResult, Progress, apply_ocr, build_document, check_size
from prachum.models import Document

if TYPE_CHECKING:
    from PIL import Image

# Pillow's decompression-bomb guard, stated here so that it does not depend on Pillow's default
MAX_IMAGE_PIXELS = 180_000_000


def read_image(data: bytes, *, file_name: str, limits: Limits, progress: Progress | None = None) -> Document:
    """OCR an image file (every frame of a TIFF) into a paged Document."""
    check_size(data, file_name=file_name, limits=limits)
    image = _open(data, file_name)
    frames = getattr(image, "n_frames", 1)
    if frames > limits.max_pdf_pages:
        raise TooLarge(f"{file_name}: ภาพมี {frames} หน้า เกินขีดจำกัด {limits.max_pdf_pages} หน้า")
    if not limits.ocr:
        raise ReadError(f"{file_name}: ไฟล์ภาพอ่านได้ด้วย OCR เท่านั้น แต่ OCR ถูกปิดอยู่ (limits.ocr)")
    check_ocr_available()
    results = [PageResult(number=n + 1, mode="ocr") for n in range(frames)]
    for index, page in enumerate(ocr_many(_frames(image, results, file_name))):
        if page is not None:
            apply_ocr(results[index], page)
        if progress:
            progress(index + 1, frames)
    return build_document(data, file_name=file_name, format="image", results=results, limits=limits)


def _open(data: bytes, file_name: str) -> Any:
    from PIL import Image, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except Image.DecompressionBombError as exc:
        raise TooLarge(f"{file_name}: ภาพใหญ่เกินไป (เกิน {MAX_IMAGE_PIXELS:,} พิกเซล)") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ReadError(f"{file_name}: ไฟล์ภาพเสียหายหรือไม่รู้จักรูปแบบ ({str(exc)[:120]})") from exc
    return image


def _frames(image: Any, results: list[PageResult], file_name: str) -> Iterator[Image.Image | None]:
    """Each frame as its own image; blank frames are skipped (yield None)."""
    for index in range(len(results)):
        try:
            image.seek(index)
            frame = image.copy()
        except (OSError, EOFError, ValueError) as exc:
            raise ReadError(f"{file_name}: อ่านหน้า {index + 1} ของภาพไม่ได้ ({str(exc)[:120]})") from exc
        if ink_share(frame) < 0.0005:
            results[index].mode = "empty"
            yield None
            continue
        yield frame
