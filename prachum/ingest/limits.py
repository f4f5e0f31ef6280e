"""Resource limits every reader honours, so one hostile file cannot exhaust the machine."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 50 * 1024 * 1024  # raw file size
    max_pdf_pages: int = 1000
    max_text_chars: int = 60_000_000  # decoded text
    ocr: bool = True  # allow OCR of scanned pages and images
    max_unzipped_bytes: int = 200 * 1024 * 1024  # DOCX zip-bomb guard
