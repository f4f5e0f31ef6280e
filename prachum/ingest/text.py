"""Plain text and Markdown minutes."""
from __future__ import annotations

import hashlib

from prachum.errors import ReadError, TooLarge
from prachum.ingest.decode import decode_text
from prachum.ingest.limits import Limits
from prachum.models import Document


def read_text(data: bytes, *, file_name: str, limits: Limits, progress: object = None) -> Document:
    if not data.strip():
        raise ReadError(f"{file_name}: empty file")
    text, encoding = decode_text(data, file_name=file_name)
    if len(text) > limits.max_text_chars:
        raise TooLarge(f"{file_name}: {len(text):,} characters is over the limit of {limits.max_text_chars:,}")
    if not text.strip():
        raise ReadError(f"{file_name}: no text in the file")
    fmt = "md" if file_name.lower().endswith((".md", ".markdown")) else "txt"
    return Document(
        file_name=file_name,
        text=text,
        format=fmt,
        content_hash=hashlib.sha256(data).hexdigest(),
        encoding=encoding,
    )
