"""Recognise the parts of web-copied reports that are not meeting content.

News reports copied from government sites carry the site's breadcrumb ("รัฐบาลไทย-ข่าวทำเนียบ
รัฐบาล-<title>"), the title repeated two or three times, a "พิมพ์" (print) line, the names
of attached images (``17582496084746.jpg``) and a "ที่มา : URL" source line. They are marked,
not removed, so offsets keep pointing at the file; extraction and search skip marked spans.
"""
from __future__ import annotations

import re

from prachum.models import Boilerplate, Span

_ZW = "\u200b\u200c\u200d\u2060\ufeff"
_IMAGE_LINE = re.compile(r"^[\w\-. ()]{1,120}\.(?:jpe?g|png|gif|webp|bmp|tiff?)$", re.I)
_PRINT_LINE = re.compile(r"^(?:พิมพ์|print|พิมพ์หน้านี้|แชร์|share|กลับหน้าหลัก)$", re.I)
_SOURCE_LINE = re.compile(r"^(?:ที่มา|แหล่งที่มา|source|อ้างอิง)\s*[:：]?\s*(?:https?://|www\.)\S+$", re.I)
_URL_LINE = re.compile(r"^(?:https?://|www\.)\S+$", re.I)
_BREADCRUMB = re.compile(r"^([^\s\-–]{2,40}(?:\s?[-–]\s?[^\s\-–]{2,40}){1,3}\s?[-–]\s?)(\S.*)$")
_HEAD_LINES = 15  # the repeated title lives at the top


def _clean(line: str) -> str:
    return " ".join(line.translate({ord(c): None for c in _ZW}).split())


def _lines(text: str) -> list[tuple[int, int, str]]:
    """(start, end, cleaned text) of every line; end excludes the newline."""
    out, start = [], 0
    for raw in text.split("\n"):
        out.append((start, start + len(raw), _clean(raw)))
        start += len(raw) + 1
    return out


def _content_span(text: str, start: int, end: int) -> Span:
    """Trim whitespace and zero-width characters from both ends of a line span."""
    strip = " \t\r\f\v" + _ZW
    while start < end and text[start] in strip:
        start += 1
    while end > start and text[end - 1] in strip:
        end -= 1
    return (start, end)


def _same_title(a: str, b: str) -> bool:
    """Equal, or one a truncation of the other (sites cut long titles)."""
    if len(a) < 15 or len(b) < 15:
        return a == b and len(a) >= 8
    shorter, longer = sorted((a, b), key=len)
    return longer.startswith(shorter[: max(15, len(shorter) - 2)])


def find_boilerplate(text: str) -> tuple[Boilerplate, ...]:
    marks: list[Boilerplate] = []
    lines = _lines(text)
    for start, end, line in lines:
        if not line:
            continue
        label = None
        if _PRINT_LINE.match(line):
            label = "print"
        elif _SOURCE_LINE.match(line) or _URL_LINE.match(line):
            label = "source_url"
        elif _IMAGE_LINE.match(line):
            label = "attachment"
        if label:
            marks.append(Boilerplate(_content_span(text, start, end), label))

    head = [(s, e, line) for s, e, line in lines[:_HEAD_LINES] if line]
    titles: list[str] = []
    for index, (start, end, line) in enumerate(head):
        crumb = _BREADCRUMB.match(line)
        title = crumb.group(2) if crumb else line
        later = [other for _, _, other in head[index + 1 :]]
        if crumb and any(_same_title(title, other) for other in later):
            # "site-section-TITLE" whose TITLE repeats below: the prefix is navigation.
            cs, _ = _content_span(text, start, end)
            prefix_len = _raw_prefix_length(text, cs, crumb.group(1))
            marks.append(Boilerplate((cs, cs + prefix_len), "navigation"))
            titles.append(title)
            continue
        if any(_same_title(title, seen) for seen in titles):
            marks.append(Boilerplate(_content_span(text, start, end), "repeated_title"))
        elif len(title) >= 15:
            titles.append(title)
    marks.sort(key=lambda m: m.span)
    return tuple(marks)


def _raw_prefix_length(text: str, start: int, cleaned_prefix: str) -> int:
    """Length in the raw text of a prefix given in cleaned form (zero-width chars may sit inside)."""
    wanted = len(cleaned_prefix.replace(" ", ""))
    seen = 0
    position = start
    while position < len(text) and seen < wanted:
        char = text[position]
        if char not in _ZW and not char.isspace():
            seen += 1
        position += 1
    return position - start


def is_boilerplate(span: Span, marks: tuple[Boilerplate, ...]) -> bool:
    """True when ``span`` lies entirely inside marked boilerplate."""
    return any(m.span[0] <= span[0] and span[1] <= m.span[1] for m in marks)
