"""Bytes → str for Thai text files: UTF-8 (with or without BOM), UTF-16, TIS-620 / cp874.

Thai legacy files are single-byte cp874 (a superset of TIS-620); a generic detector often
mistakes them for Latin-1 or cp1250, so Thai is tested for first: a cp874 decoding that
yields mostly Thai letters wins. Newlines are normalised to ``\\n`` as Python's text mode
does, so offsets match what ``open(path).read()`` gives.
"""
from __future__ import annotations

import codecs

from prachum.errors import ReadError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _thai_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    return sum("\u0e00" <= c <= "\u0e7f" for c in letters) / len(letters)


def _looks_binary(text: str) -> bool:
    """Control characters (other than tab/newline/form feed) in quantity mean this is not text."""
    if not text:
        return False
    sample = text[:100_000]
    controls = sum(1 for c in sample if (ord(c) < 32 and c not in "\t\n\r\f\v") or c == "\ufffd")
    return controls / len(sample) > 0.01


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 saved without a BOM: every other byte is NUL for ASCII, 0x0E for Thai."""
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2], data[1::2]
    for high, encoding in ((odd, "utf-16-le"), (even, "utf-16-be")):
        share = sum(1 for b in high[:4000] if b in (0x00, 0x0E)) / min(len(high), 4000)
        if share > 0.9:
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                return None
    return None


def decode_text(data: bytes, *, file_name: str) -> tuple[str, str]:
    """Decode ``data`` and return ``(text, encoding)``; raise ReadError for binary content."""
    text: str | None = None
    encoding = ""
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                text, encoding = data.decode(name), name
            except UnicodeDecodeError as exc:
                raise ReadError(f"{file_name}: starts with a {name} BOM but is not valid {name} ({exc.reason})") from None
            break
    if text is None and b"\x00" in data[:4000]:
        # UTF-16 without a BOM; checked before UTF-8 because UTF-16-LE Thai is all bytes < 0x80
        utf16 = _utf16_without_bom(data)
        if utf16 is not None:
            text, encoding = utf16, "utf-16"
    if text is None:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text = None
    if text is None:
        candidate = data.decode("cp874", errors="replace")
        if _thai_share(candidate) > 0.3 and candidate.count("\ufffd") < max(3, len(candidate) // 1000):
            text, encoding = candidate, "cp874"
    if text is None:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is None:
            raise ReadError(f"{file_name}: not a text file (no encoding decodes it)")
        text, encoding = str(best), best.encoding
    if "\x00" in text:
        if text.count("\x00") > len(text) // 100:
            raise ReadError(f"{file_name}: binary content (NUL bytes); not a text file")
        text = text.replace("\x00", "")
    if _looks_binary(text):
        raise ReadError(f"{file_name}: binary content (control characters); not a text file")
    return text.replace("\r\n", "\n").replace("\r", "\n"), encoding
