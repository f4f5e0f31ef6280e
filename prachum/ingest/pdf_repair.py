"""Thai-aware checks and repairs for the text layers of PDFs (and for OCR output).

Thai PDFs written by old tools carry text layers that look like Thai but are not: tone
marks split from their consonants by a space ("ต ้อง"), sara am lost or decomposed
("ค าน า", "ดํา"), marks in visual instead of logical order ("ก่ี"), glyph variants from
the Private Use Area of legacy fonts, or a whole page of Thai decoded as Latin-1
("¡ÒÃ»ÃÐªØÁ"). `check_text_layer` measures these symptoms so the PDF reader can decide per
page whether the layer is usable, repairable or must be OCRed; `repair_thai_text` fixes
what can be fixed and keeps, for every output character, the index of the source
character it came from (OCR word boxes rely on that).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from prachum.ingest.thai_pua import PUA_TRANSLATION, is_private_use

CONSONANTS = "".join(chr(c) for c in range(0x0E01, 0x0E2F))
ABOVE_VOWELS = "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e47"
BELOW_VOWELS = "\u0e38\u0e39\u0e3a"
TONE_MARKS = "\u0e48\u0e49\u0e4a\u0e4b"
OTHER_MARKS = "\u0e4c\u0e4d\u0e4e"  # thanthakhat, nikhahit, yamakkan
MARKS = ABOVE_VOWELS + BELOW_VOWELS + TONE_MARKS + OTHER_MARKS
NIKHAHIT, SARA_AA, SARA_AM = "\u0e4d", "\u0e32", "\u0e33"

# Logical (Unicode) order of the marks on one consonant: vowel, then tone, then the rest.
_MARK_RANK = {**dict.fromkeys(ABOVE_VOWELS + BELOW_VOWELS, 0), **dict.fromkeys(TONE_MARKS, 1)}
_MARK_RANK.update(dict.fromkeys(OTHER_MARKS, 2))

_M = re.escape(MARKS)
_T = re.escape(TONE_MARKS)
_SPACED_MARK = re.compile(f"(?<=[{CONSONANTS}{_M}])[ \u00a0]+(?=[{_M}])")
_LOST_SARA_AM = re.compile(f"([{CONSONANTS}][{_T}]?) {SARA_AA}")
_SPLIT_SARA_AM = re.compile(f"{NIKHAHIT}([{_T}]?){SARA_AA}|([{_T}]){NIKHAHIT}{SARA_AA}")
_MARK_RUN = re.compile(f"(?<=[{CONSONANTS}])[{_M}]{{2,}}")
_BAD_ORDER = re.compile(f"[{_T}{OTHER_MARKS}][{ABOVE_VOWELS}{BELOW_VOWELS}]|([{_M}])\\1")
_ORPHAN_MARK = re.compile(f"(?:^|(?<=[^{CONSONANTS}{_M}]))[{_M}]+")
# OCR reads the tone mark of "นี้" (this) stacked over sara ii too faintly and drops it: after
# the words "นี้" follows in set phrases, a bare "นี" is that word ("ธานี", "มณี" are not)
_LOST_NII_TONE = re.compile("(ดัง|วัน|การ|ขณะ|เช่น|บัด|ตรง|ทั้ง|ครั้ง|ปี|เดือน|ต่อไป|ใน)นี(?![\u0e31-\u0e4e])")
# ... and the mai ek of "ที่" where no other reading exists: before a number (ครั้งที่ 3,
# วันที่ 15, วาระที่ 2) and in "ที่ประชุม"
_LOST_THI_TONE = re.compile("ที(?=\\s?[0-9๐-๙]|ประชุม)")
_GARBAGE = re.compile("[\ufffd\ufffe\uffff\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Thai bytes of TIS-620/cp874 decoded as Latin-1 or cp1252: a run of these letters
_MOJIBAKE_CHARS = "".join(chr(b) for b in range(0xA1, 0xFC) if bytes([b]).decode("cp874", errors="ignore"))
_MOJIBAKE_RUN = re.compile(f"[{re.escape(_MOJIBAKE_CHARS)}]{{3,}}")
_MOJIBAKE_TABLE = str.maketrans({c: bytes([ord(c)]).decode("cp874") for c in _MOJIBAKE_CHARS})


@dataclass(frozen=True)
class LayerCheck:
    """Symptoms of a broken Thai text layer, counted over one page's text."""

    visible: int  # non-whitespace characters
    thai: int
    pua: int  # Private Use Area characters
    orphan_marks: int  # combining marks with no consonant to sit on
    spaced_marks: int  # "ต ้อง": a space between a consonant and its mark
    split_sara_am: int  # "ดํา" or "ค าน า"
    bad_order: int  # tone before vowel, doubled marks
    garbage: int  # replacement and control characters
    mojibake: int  # Thai read as Latin-1 ("¡ÒÃ»ÃÐªØÁ")
    chars_per_sq_inch: float | None = None

    @property
    def symptoms(self) -> int:
        return (
            self.pua
            + self.orphan_marks
            + self.spaced_marks
            + self.split_sara_am
            + self.bad_order
            + self.garbage
            + self.mojibake
        )

    @property
    def unrepairable_share(self) -> float:
        """Share of visible characters that repair cannot turn back into Thai text."""
        bad = self.pua + self.orphan_marks + self.garbage + self.mojibake
        return bad / self.visible if self.visible else 0.0

    def is_clean(self) -> bool:
        return self.visible > 0 and self.symptoms == 0

    def is_usable(self, max_bad_share: float = 0.01) -> bool:
        """True when the text can be used as it is (a handful of stray marks is tolerated)."""
        return self.visible > 0 and self.unrepairable_share <= max_bad_share


def check_text_layer(text: str, *, area_sq_inch: float | None = None) -> LayerCheck:
    """Count the symptoms of a broken Thai text layer in ``text`` (one page)."""
    visible = sum(1 for c in text if not c.isspace())
    thai = sum(1 for c in text if "\u0e00" <= c <= "\u0e7f")
    pua = sum(1 for c in text if is_private_use(c))
    mojibake = sum(len(m.group()) for m in _MOJIBAKE_RUN.finditer(text)) if thai == 0 else 0
    spaced = len(_SPACED_MARK.findall(text))
    # a mark after a space that repair will re-attach is counted once, as spaced
    orphans = len(_ORPHAN_MARK.findall(text)) - spaced
    return LayerCheck(
        visible=visible,
        thai=thai,
        pua=pua,
        orphan_marks=max(orphans, 0),
        spaced_marks=spaced,
        split_sara_am=len(_SPLIT_SARA_AM.findall(text)) + len(_LOST_SARA_AM.findall(text)),
        bad_order=len(_BAD_ORDER.findall(text)),
        garbage=len(_GARBAGE.findall(text)),
        mojibake=mojibake,
        chars_per_sq_inch=visible / area_sq_inch if area_sq_inch else None,
    )


@dataclass(frozen=True)
class RepairedText:
    text: str
    # for each character of `text`, the index of the source character it came from
    offsets: tuple[int, ...]
    fixes: Counter[str] = field(default_factory=Counter)

    def to_source(self, start: int, end: int) -> tuple[int, int]:
        """Map ``text[start:end]`` back to a (start, end) range of the source."""
        if start >= end:
            pos = (
                self.offsets[start]
                if start < len(self.offsets)
                else (self.offsets[-1] + 1 if self.offsets else 0)
            )
            return (pos, pos)
        return (self.offsets[start], self.offsets[end - 1] + 1)

    def from_source(self, start: int, end: int) -> tuple[int, int]:
        """Map a source range to the range of ``text`` built from it (offsets are monotonic
        except inside a re-ordered mark run, which never straddles a word boundary)."""
        import bisect

        return (bisect.bisect_left(self.offsets, start), bisect.bisect_left(self.offsets, end))


class _Tracked:
    """A string being edited together with the source index of each of its characters."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.offsets = list(range(len(text)))
        self.fixes: Counter[str] = Counter()

    def sub(self, name: str, pattern: re.Pattern[str], repl: Callable[[re.Match[str]], str]) -> None:
        pieces: list[str] = []
        offsets: list[int] = []
        last = 0
        for match in pattern.finditer(self.text):
            new = repl(match)
            if new == match.group():
                continue
            start, end = match.span()
            pieces.append(self.text[last:start])
            offsets.extend(self.offsets[last:start])
            pieces.append(new)
            # replacement characters inherit the source index of the matched character in
            # the same position (or of the match's last character when the text grew)
            for k in range(len(new)):
                offsets.append(self.offsets[min(start + k, end - 1)])
            last = end
            self.fixes[name] += 1
        if last:
            pieces.append(self.text[last:])
            offsets.extend(self.offsets[last:])
            self.text, self.offsets = "".join(pieces), offsets

    def translate(self, name: str, table: dict[int, str]) -> None:
        """A one-to-one character translation (offsets unchanged)."""
        new = self.text.translate(table)
        if new != self.text:
            self.fixes[name] += sum(1 for a, b in zip(self.text, new, strict=True) if a != b)
            self.text = new


def _compose_sara_am(match: re.Match[str]) -> str:
    return (match.group(1) or match.group(2) or "") + SARA_AM


def _reorder_marks(match: re.Match[str]) -> str:
    marks: list[str] = []
    for mark in sorted(match.group(), key=lambda m: _MARK_RANK[m]):
        if mark not in marks:  # a doubled tone mark is a rendering artefact, never Thai
            marks.append(mark)
    return "".join(marks)


def repair_thai_text(text: str, *, drop_orphan_marks: bool = False) -> RepairedText:
    """Fix the common breakages of Thai text layers; never raises on any str input.

    Steps (each counted in ``fixes``): Latin-1 mojibake of TIS-620 back to Thai (pages without
    Thai only), legacy-font PUA glyphs to Thai, control characters removed, spaces between a
    consonant and its marks removed, sara am composed (also where its nikhahit was lost and
    left a space), marks put in logical order with duplicates dropped, NFC.
    ``drop_orphan_marks`` (for OCR text) also deletes marks left with no consonant (noise)
    and puts back the tone marks OCR drops from "นี้" and "ที่" where the bare form is no word.
    """
    edit = _Tracked(text)
    if not any("\u0e00" <= c <= "\u0e7f" for c in text) and _MOJIBAKE_RUN.search(text):
        edit.sub("mojibake", _MOJIBAKE_RUN, lambda m: m.group().translate(_MOJIBAKE_TABLE))
    edit.translate("pua", PUA_TRANSLATION)
    edit.sub("control", _GARBAGE, lambda m: "")
    edit.sub("spaced_mark", _SPACED_MARK, lambda m: "")
    edit.sub("sara_am", _SPLIT_SARA_AM, _compose_sara_am)
    edit.sub("lost_sara_am", _LOST_SARA_AM, lambda m: m.group(1) + SARA_AM)
    edit.sub("mark_order", _MARK_RUN, _reorder_marks)
    if drop_orphan_marks:
        edit.sub("orphan_mark", _ORPHAN_MARK, lambda m: "")
        edit.sub("lost_tone", _LOST_NII_TONE, lambda m: m.group(1) + "นี\u0e49")
        edit.sub("lost_tone", _LOST_THI_TONE, lambda m: "ที\u0e48")
    if not unicodedata.is_normalized("NFC", edit.text):
        # Thai has no canonical compositions: NFC only touches Latin clusters; re-map by
        # clusters so offsets stay aligned
        edit.sub("nfc", re.compile(r".[\u0300-\u036f]+"), lambda m: unicodedata.normalize("NFC", m.group()))
    return RepairedText(text=edit.text, offsets=tuple(edit.offsets), fixes=edit.fixes)
