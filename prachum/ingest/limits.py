"""Resource limits every reader honours, so one hostile file cannot exhaust the machine."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from prachum.config import Settings


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 50 * 1024 * 1024  # raw file size
    max_pdf_pages: int = 1000
    max_text_chars: int = 60_000_000  # decoded text
    ocr: bool = True  # allow OCR of scanned pages and images
    max_unzipped_bytes: int = 200 * 1024 * 1024  # DOCX zip-bomb guard


def limits_from(settings: Settings) -> Limits:
    """The limits a user configured (PRACHUM_MAX_* settings)."""
    return Limits(
        max_bytes=settings.max_upload_mb * 1024 * 1024,
        max_pdf_pages=settings.max_pdf_pages,
        max_text_chars=settings.max_text_mb * 1024 * 1024,
    )
