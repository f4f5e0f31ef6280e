"""Image reader (.png .jpg .jpeg .tif .tiff) and page-image preparation for OCR.

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
from prachum.ingest.ocr import check_ocr_available, ocr_many
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


# --- page images: preparation for OCR ---------------------------------------------------


def otsu_threshold(gray: Image.Image) -> int:
    """Otsu's threshold of an 8-bit grayscale image (the level that best splits ink from paper)."""
    import numpy as np

    hist = np.asarray(gray.histogram()[:256], dtype=np.float64)
    total = hist.sum()
    if total == 0:
        return 128
    levels = np.arange(256)
    weight_bg = np.cumsum(hist)
    weight_fg = total - weight_bg
    mean_cum = np.cumsum(hist * levels)
    mean_bg = mean_cum / np.maximum(weight_bg, 1)
    mean_fg = (mean_cum[-1] - mean_cum) / np.maximum(weight_fg, 1)
    between = weight_bg * weight_fg * (mean_bg - mean_fg) ** 2
    return int(np.argmax(between))


def estimate_skew(gray: Image.Image, max_angle: float = 5.0) -> float:
    """The rotation (degrees, counter-clockwise) that makes text lines horizontal.

    Projection profiles: on a downscaled ink mask, the angle whose row sums vary the most is
    the one where lines of text line up with pixel rows. Coarse 1° search, then 0.1°.
    """
    import numpy as np
    from PIL import Image

    scale = 800 / max(gray.size)
    small = gray.resize((max(1, int(gray.width * scale)), max(1, int(gray.height * scale))), Image.BILINEAR)  # type: ignore[attr-defined]
    threshold = otsu_threshold(small)
    ink = small.point(lambda v: 255 if v < threshold else 0)

    def score(angle: float) -> float:
        rows = np.asarray(ink.rotate(angle, resample=Image.NEAREST, fillcolor=0), dtype=np.float64).sum(  # type: ignore[attr-defined]
            axis=1
        )
        return float(np.var(np.diff(rows)))

    best = max(range(-round(max_angle), round(max_angle) + 1), key=score)
    fine = max((best + a / 10 for a in range(-6, 7)), key=score)
    # Tesseract copes with a few tenths of a degree; rotating costs time and blurs strokes
    return round(fine, 2) if abs(fine) >= 0.3 else 0.0


def to_gray(image: Image.Image) -> Image.Image:
    """8-bit grayscale; transparent areas become paper white (not black, as plain convert does)."""
    from PIL import Image

    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(paper, rgba).convert("L")
    return image.convert("L")


def prepare_image(image: Image.Image) -> tuple[Image.Image, float]:
    """Grayscale, upscale small photos, deskew and binarise a page image for Tesseract."""
    from PIL import Image, ImageOps

    gray = to_gray(ImageOps.exif_transpose(image))
    if max(gray.size) < 1800:  # a phone snapshot or a low-dpi scan: Thai marks need pixels
        factor = 2
        gray = gray.resize((gray.width * factor, gray.height * factor), Image.LANCZOS)  # type: ignore[attr-defined]
    angle = estimate_skew(gray)
    if angle:
        gray = gray.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=255)  # type: ignore[attr-defined]
    threshold = otsu_threshold(gray)
    return gray.point(lambda v: 255 if v > threshold else 0), angle


def ink_share(image: Image.Image) -> float:
    """Share of dark pixels on a small copy of the page: 0 for a blank page."""
    import numpy as np

    small = to_gray(image)
    small.thumbnail((400, 400))
    pixels = np.asarray(small)
    return float((pixels < 128).mean()) if pixels.size else 0.0
