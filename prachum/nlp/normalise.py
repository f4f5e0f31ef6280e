"""Text normalisation with an offset map back to the source.

NLP runs on the normalised text (NFC, sara am composed, zero-width characters removed,
no-break spaces as spaces), but every span a user sees must point at the text as the file
holds it. `normalise` therefore returns the new text together with, for every normalised
character, the index of the source character it came from; `to_source` maps spans back.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from prachum.models import Span

# Zero-width and invisible format characters that Thai web text is full of (ZWSP is used
# as a word-break hint by Thai editors), plus the soft hyphen and the BOM.
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
SPACES = "\u00a0\u2007\u202f\u3000"
NIKHAHIT, SARA_AA, SARA_AM = "\u0e4d", "\u0e32", "\u0e33"
TONE_MARKS = "\u0e48\u0e49\u0e4a\u0e4b"
_SARA_AM_SPLIT = re.compile(f"{NIKHAHIT}([{TONE_MARKS}]?){SARA_AA}|([{TONE_MARKS}]){NIKHAHIT}{SARA_AA}")


@dataclass(frozen=True)
class NormalisedText:
    text: str
    # source index of each character of `text`, plus one sentinel: len(source) at the end
    offsets: tuple[int, ...]

    def to_source(self, span: Span) -> Span:
        """Map a span of the normalised text to the source text (end exclusive)."""
        start, end = span
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"span {span} outside 0..{len(self.text)}")
        if start == end:
            return (self.offsets[start], self.offsets[start])
        # end: one past the source index of the last character in the span
        return (self.offsets[start], self.offsets[end - 1] + 1)

    def to_source_offset(self, offset: int) -> int:
        return self.offsets[offset]


def _nfc_clusters(text: str) -> tuple[str, list[int]]:
    """NFC per base+combining cluster, so that each output character maps to its cluster."""
    out: list[str] = []
    offsets: list[int] = []
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        while j < n and unicodedata.combining(text[j]) and not ("\u0e00" <= text[j] <= "\u0e7f"):
            j += 1
        cluster = unicodedata.normalize("NFC", text[i:j])
        out.append(cluster)
        offsets.extend([i] * len(cluster))
        i = j
    return "".join(out), offsets


def normalise(source: str) -> NormalisedText:
    """Normalise ``source`` and keep the offset map. Never raises on any str input."""
    chars: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(source):
        if char in ZERO_WIDTH:
            continue
        chars.append(" " if char in SPACES else char)
        offsets.append(index)
    text = "".join(chars)

    # Compose sara am written as nikhahit + (tone) + sara aa, the classic broken form.
    if NIKHAHIT in text:
        pieces: list[str] = []
        new_offsets: list[int] = []
        last = 0
        for match in _SARA_AM_SPLIT.finditer(text):
            pieces.append(text[last : match.start()])
            new_offsets.extend(offsets[last : match.start()])
            tone = match.group(1) or match.group(2) or ""
            if tone:
                pieces.append(tone)
                new_offsets.append(offsets[match.start()])
            pieces.append(SARA_AM)
            new_offsets.append(offsets[match.end() - 1])
            last = match.end()
        pieces.append(text[last:])
        new_offsets.extend(offsets[last:])
        text, offsets = "".join(pieces), new_offsets

    if not unicodedata.is_normalized("NFC", text):
        nfc, local = _nfc_clusters(text)
        offsets = [offsets[k] for k in local]
        text = nfc

    return NormalisedText(text=text, offsets=tuple(offsets) + (len(source),))


def fold_thai_digits(text: str) -> str:
    """Thai digits ๐-๙ to ASCII 0-9, one character for one (offsets unchanged)."""
    return text.translate(_THAI_DIGITS)


_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
