"""Readers: one module per format behind one table. Readers only read — they return a
`Document` and raise `ReadError` with a one-line reason; they never touch the store."""
from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Protocol

from prachum.errors import ReadError, TooLarge, UnsupportedFormat
from prachum.ingest.limits import Limits
from prachum.models import Document


class Reader(Protocol):
    def __call__(
        self, data: bytes, *, file_name: str, limits: Limits, progress: Callable[[int, int], None] | None = None
    ) -> Document: ...


def _lazy(module: str, name: str) -> Reader:
    """Import a reader on first use: PDF and OCR stacks are heavy and most runs never need them."""

    def reader(data: bytes, **kwargs):  # type: ignore[no-untyped-def]
        return getattr(importlib.import_module(module), name)(data, **kwargs)

    reader.__name__ = name
    return reader  # type: ignore[return-value]


READERS: dict[str, Reader] = {
    ".txt": _lazy("prachum.ingest.text", "read_text"),
    ".md": _lazy("prachum.ingest.text", "read_text"),
    ".markdown": _lazy("prachum.ingest.text", "read_text"),
    ".html": _lazy("prachum.ingest.html", "read_html"),
    ".htm": _lazy("prachum.ingest.html", "read_html"),
    ".docx": _lazy("prachum.ingest.docx", "read_docx"),
    ".pdf": _lazy("prachum.ingest.pdf", "read_pdf"),
    ".png": _lazy("prachum.ingest.image", "read_image"),
    ".jpg": _lazy("prachum.ingest.image", "read_image"),
    ".jpeg": _lazy("prachum.ingest.image", "read_image"),
    ".tif": _lazy("prachum.ingest.image", "read_image"),
    ".tiff": _lazy("prachum.ingest.image", "read_image"),
}


def supported(path: Path | str) -> bool:
    return Path(path).suffix.lower() in READERS


def reader_for(file_name: str) -> Reader:
    suffix = Path(file_name).suffix.lower()
    try:
        return READERS[suffix]
    except KeyError:
        raise UnsupportedFormat(
            f"{file_name}: unsupported file type {suffix or '(none)'!r}; supported: {', '.join(sorted(READERS))}"
        ) from None


def read_bytes(
    data: bytes,
    file_name: str,
    *,
    limits: Limits | None = None,
    source_path: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Document:
    """Read one file's bytes with the reader for its suffix and mark boilerplate."""
    from prachum.nlp.boilerplate import find_boilerplate

    limits = limits or Limits()
    reader = reader_for(file_name)
    if len(data) > limits.max_bytes:
        raise TooLarge(f"{file_name}: {len(data):,} bytes is over the limit of {limits.max_bytes:,}")
    document = reader(data, file_name=file_name, limits=limits, progress=progress)
    return replace(document, source_path=source_path, boilerplate=find_boilerplate(document.text))


def status_note(document: Document) -> str:
    """What an ingest status line should say about how the file was read: the pages whose
    OCR confidence is low (to be proofread), '' when there is nothing to say."""
    from prachum.ingest.ocr import LOW_CONFIDENCE

    low = [p.number for p in document.pages if p.confidence is not None and p.confidence < LOW_CONFIDENCE]
    if not low:
        return ""
    return f"OCR ความเชื่อมั่นต่ำ หน้า {', '.join(map(str, low))} (low OCR confidence: proofread)"


def read_path(path: Path | str, *, limits: Limits | None = None, progress=None) -> Document:  # type: ignore[no-untyped-def]
    path = Path(path)
    reader_for(path.name)  # refuse unknown types before reading the bytes
    limits = limits or Limits()
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise TooLarge(f"{path.name}: {size:,} bytes is over the limit of {limits.max_bytes:,}")
        data = path.read_bytes()
    except FileNotFoundError:
        raise ReadError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ReadError(f"{path}: is a folder (use --recursive or name the files)") from None
    except PermissionError:
        raise ReadError(f"{path}: permission denied") from None
    return read_bytes(data, path.name, limits=limits, source_path=str(path.resolve()), progress=progress)
