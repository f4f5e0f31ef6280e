"""Agencies and people named in Thai meeting text.

Agencies: a spaCy ``blank("th")`` pipeline whose tokenizer is ``prachum.nlp.tokenize`` (so
nothing is downloaded and tokens agree with search), with a PhraseMatcher over every written
form in the gazetteer. The longest match wins, matches never overlap, month abbreviations
inside dates (ก.พ. in "3 ก.พ. 66") are not agencies, and a province after a provincial office
or position is part of the mention ("สำนักงานพัฒนาชุมชนจังหวัดขอนแก่น", "ผวจ.ขอนแก่น").

People: a title (นาย, นางสาว, ร.ต., รศ.ดร., Mr. …), a given name and a surname separated by a
space, then optionally a position (``POSITION_WORDS``, from corpus/lexicons/positions.txt).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from prachum.models import Span
from prachum.nlp.gazetteer import Agency, Gazetteer, load_gazetteer
from prachum.nlp.tokenize import word_spans
from prachum.resources import corpus_path


@dataclass(frozen=True)
class AgencyMatch:
    span: Span
    agency: Agency
    surface: str  # the text as written, including a province qualifier


@dataclass(frozen=True)
class PersonMatch:
    span: Span  # title + name, and the position when one follows
    name: str  # title + given name + surname, as written (single spaces)
    title: str | None
    position: str | None


def _read_positions() -> tuple[str, ...]:
    path = corpus_path("lexicons", "positions.txt")
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    words = {line.strip() for line in lines if line.strip() and not line.startswith("#")}
    return tuple(sorted(words, key=lambda w: (-len(w), w)))


POSITION_WORDS: tuple[str, ...] = _read_positions()

# Longest first. Military/police ranks, academic titles and royal titles combine (รศ.ดร.).
PERSON_TITLES: tuple[str, ...] = tuple(
    sorted(
        {
            "นาย", "นาง", "นางสาว", "น.ส.", "ดร.", "ศ.", "รศ.", "ผศ.", "ศาสตราจารย์", "รองศาสตราจารย์",
            "ผู้ช่วยศาสตราจารย์", "นพ.", "พญ.", "ทพ.", "ทพญ.", "ภก.", "ภญ.", "นายแพทย์", "แพทย์หญิง",
            "ว่าที่ร.ต.", "ว่าที่ ร.ต.", "ว่าที่ร้อยตรี", "ร.ต.", "ร.ท.", "ร.อ.", "พ.ต.", "พ.ท.", "พ.อ.",
            "พล.ต.", "พล.ท.", "พล.อ.", "พ.ต.ต.", "พ.ต.ท.", "พ.ต.อ.", "พล.ต.ต.", "พล.ต.ท.", "พล.ต.อ.",
            "ร.ต.ต.", "ร.ต.ท.", "ร.ต.อ.", "จ.ส.อ.", "ด.ต.", "น.อ.", "น.ท.", "น.ต.", "พล.ร.อ.", "พล.อ.อ.",
            "พลเอก", "พลโท", "พลตรี", "พันเอก", "พันโท", "พันตรี", "ร้อยเอก", "ร้อยโท", "ร้อยตรี",
            "พลตำรวจเอก", "พลตำรวจโท", "พลตำรวจตรี", "พันตำรวจเอก", "พันตำรวจโท", "พันตำรวจตรี",
            "ม.ร.ว.", "ม.ล.", "ม.จ.", "หม่อมราชวงศ์", "หม่อมหลวง", "คุณหญิง",
        },
        key=lambda t: (-len(t), t),
    )
)  # fmt: skip
_ENGLISH_TITLES = ("Mr.", "Mrs.", "Ms.", "Miss", "Dr.", "Prof.", "H.E.")
# Words that start with นาย/นาง but are not a title followed by a name.
# (Positions such as นายอำเภอ and นายกรัฐมนตรี are caught through POSITION_WORDS.)
_NOT_NAMES = re.compile(r"(?:ก(?:ฯ|สมาคม|องค์การ)|ทหาร|ตำรวจ|ทะเบียน|จ้าง|หน้า|งาน|พยาบาล|ช่าง|ด่าน|ท่า)")

_THAI = "\u0e01-\u0e4e"
_TITLE_RE = "|".join(re.escape(t) for t in PERSON_TITLES)
_PERSON = re.compile(
    rf"(?<![.])(?P<title>(?:(?:{_TITLE_RE})\s?)+)"
    rf"(?P<given>[{_THAI}]{{2,25}})[ \u00a0]+(?P<surname>[{_THAI}]{{2,30}}(?:\s?ณ\s?[{_THAI}]{{2,20}})?)"
)
_ENGLISH_PERSON = re.compile(
    r"(?<![A-Za-z])(?P<title>(?:Mr|Mrs|Ms|Dr|Prof)\.|Miss|H\.E\.)\s+"
    r"(?P<given>[A-Z][a-z'-]+(?:\s[A-Z]\.)?)\s+(?P<surname>[A-Z][A-Za-z'-]+)"
)


@lru_cache(maxsize=1)
def provinces() -> tuple[str, ...]:
    """Thai names of the 77 provinces (pythainlp's bundled list), longest first."""
    from pythainlp.corpus import get_corpus

    names = {line.split(",")[0].strip() for line in get_corpus("thailand_provinces_th.csv")}
    names.discard("")
    return tuple(sorted(names, key=lambda n: (-len(n), n)))


@lru_cache(maxsize=1)
def _province_suffix() -> re.Pattern[str]:
    names = "|".join(re.escape(n) for n in provinces())
    return re.compile(rf"(?:\s?(?:จังหวัด|จ\.|สาขา|อำเภอ|อ\.)?\s?(?:เมือง)?)(?:{names})")


# ---------------------------------------------------------------- spaCy frame


@lru_cache(maxsize=1)
def _nlp():
    import spacy

    return spacy.blank("th")


def _make_doc(text: str):
    """A spaCy Doc of the words of ``text`` (whitespace dropped) and their character spans."""
    from spacy.tokens import Doc

    spans = word_spans(text)
    doc = Doc(_nlp().vocab, words=[text[s:e] for s, e in spans], spaces=[False] * len(spans))
    return doc, spans


class _AgencyMatcher:
    """PhraseMatchers over one gazetteer's forms: exact for Thai and acronyms, lower-case for
    English names (so "ministry of interior" is found but "dip" is not DIP)."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        from spacy.matcher import PhraseMatcher

        vocab = _nlp().vocab
        self.exact = PhraseMatcher(vocab, attr="ORTH")
        self.lower = PhraseMatcher(vocab, attr="LOWER")
        exact, lower = [], []
        for surface, _agency in gazetteer.surfaces():
            doc, _ = _make_doc(surface)
            if not len(doc):
                continue
            exact.append(doc)
            if re.search(r"[a-z]", surface) and len(surface) > 6:
                lower.append(doc)
        self.exact.add("AGENCY", exact)
        if lower:
            self.lower.add("AGENCY", lower)

    def spans(self, doc) -> list[tuple[int, int]]:
        found = {(s, e) for _, s, e in self.exact(doc)}
        found |= {(s, e) for _, s, e in self.lower(doc)}
        return sorted(found)


_MATCHERS: dict[int, tuple[Gazetteer, _AgencyMatcher]] = {}


def _matcher_for(gazetteer: Gazetteer) -> _AgencyMatcher:
    cached = _MATCHERS.get(id(gazetteer))
    if cached is None or cached[0] is not gazetteer:
        if len(_MATCHERS) >= 4:
            _MATCHERS.clear()
        cached = (gazetteer, _AgencyMatcher(gazetteer))
        _MATCHERS[id(gazetteer)] = cached
    return cached[1]


# ---------------------------------------------------------------- agencies

_MONTH_ABBR = re.compile(r"(?:ม\.ค|ก\.พ|มี\.ค|เม\.ย|พ\.ค|มิ\.ย|ก\.ค|ส\.ค|ก\.ย|ต\.ค|พ\.ย|ธ\.ค)\.?")
_DATE_BEFORE = re.compile(r"[0-9๐-๙]\s*$")
_QUALIFIED_KINDS = {"provincial", "position", "local", "state_enterprise"}


def _is_month(text: str, start: int, end: int) -> bool:
    """ก.พ. (the Civil Service Commission) is also February: after a day number it is the month."""
    return bool(_MONTH_ABBR.fullmatch(text[start:end])) and bool(
        _DATE_BEFORE.search(text[max(0, start - 4) : start])
    )


_PLACE_LOCALS = ("ตำบล", "เทศบาล", "อบต.", "ทต.", "ทม.", "ทน.")
# A place name after อบต./เทศบาล…: a short Thai run that ends at a space, bracket or comma.
_PLACE_NAME = re.compile(r"[\u0e01-\u0e4e]{2,20}(?=[\s(),]|$)")


def _qualified_end(text: str, agency: Agency, surface: str, end: int) -> int:
    """Extend a provincial office, position or branch by the province written after it, and a
    subdistrict body by its place name when that ends at a space (อบต.เหมืองง่าม)."""
    if agency.kind not in _QUALIFIED_KINDS and not surface.endswith(("จังหวัด", "อำเภอ")):
        return end
    match = _province_suffix().match(text, end)
    if match:
        return match.end()
    if agency.kind == "local" and surface.endswith(_PLACE_LOCALS) and (place := _PLACE_NAME.match(text, end)):
        return place.end()
    return end


def find_agencies(text: str, gazetteer: Gazetteer | None = None) -> list[AgencyMatch]:
    """Agency mentions in ``text`` in order: longest match wins, no overlaps."""
    if not text.strip():
        return []
    gazetteer = gazetteer if gazetteer is not None else load_gazetteer()
    doc, spans = _make_doc(text)
    candidates: list[tuple[int, int]] = []
    for first, last in _matcher_for(gazetteer).spans(doc):
        start, end = spans[first][0], spans[last - 1][1]
        if not _is_month(text, start, end):
            candidates.append((start, end))
    chosen: list[tuple[int, int]] = []
    taken = bytearray(len(text))  # characters already inside a longer match
    for start, end in sorted(candidates, key=lambda c: (c[0] - c[1], c[0])):
        if not any(taken[start:end]):
            chosen.append((start, end))
            taken[start:end] = b"\x01" * (end - start)
    found: list[AgencyMatch] = []
    for start, end in sorted(chosen):
        agency = gazetteer.lookup(text[start:end])
        if agency is None:
            continue
        end = _qualified_end(text, agency, text[start:end], end)
        if found and start < found[-1].span[1]:
            continue  # the previous mention's province qualifier already covers this one
        found.append(AgencyMatch(span=(start, end), agency=agency, surface=text[start:end]))
    return found


# ---------------------------------------------------------------- people


@lru_cache(maxsize=1)
def _position_pattern() -> re.Pattern[str]:
    return re.compile("|".join(re.escape(w) for w in POSITION_WORDS))


# Words that follow a bare given name (นายคารม กล่าวว่า): what comes after is not a surname.
_NOT_SURNAME = re.compile(
    r"(?:กล่าว|ได้|ให้|ในฐานะ|เป็น|ชี้แจง|รายงาน|เน้นย้ำ|ย้ำ|แจ้ง|ตอบ|มอบ|เสนอ|ประธาน|และ|พร้อม|ซึ่ง|จึง"
    r"|ยืนยัน|เปิดเผย|ระบุ|เห็นว่า|ขอบคุณ|มีความเห็น|ทำหน้าที่|เดินทาง|ร่วม|ตั้งข้อสังเกต|สอบถาม|ยัง|ก็|ที่)"
)


def _split_surname(surname: str) -> tuple[str, int]:
    """Cut a surname glued to a following position (ใจดีรองผู้ว่าราชการจังหวัด): (surname, cut)."""
    for match in _position_pattern().finditer(surname):
        if match.start() >= 2:
            return surname[: match.start()], match.start()
    return surname, len(surname)


def _position_at(text: str, start: int) -> tuple[str, int] | None:
    """The position written at ``start`` (after optional spaces), with a province or agency name."""
    skip = re.match(r"[ \u00a0]*", text[start:])
    at = start + (skip.end() if skip else 0)
    match = _position_pattern().match(text, at)
    if match is None:
        return None
    end = match.end()
    tail = re.match(rf"[{_THAI}.]*", text[end:])
    rest = tail.group() if tail else ""
    province = _province_suffix().match(text, end)
    if province:
        end = province.end()
    elif rest and len(rest) <= 30:
        # the rest of the run names the unit (รองปลัดกระทรวงมหาดไทย, ผอ.ตท.สป.) when it ends there
        after = text[end + len(rest) : end + len(rest) + 1]
        if not after or not re.match(rf"[{_THAI}0-9]", after):
            end += len(rest)
    return text[at:end], end


def _starts_a_name(text: str, m: re.Match[str], title: str) -> bool:
    start = m.start()
    # an abbreviated title glued to a Thai letter is the tail of another abbreviation (รศ. → ศ.)
    if "." in title.split(" ")[0] and start and re.match(rf"[{_THAI}]", text[start - 1]):
        return False
    position = _position_pattern().match(text, start)
    if position and position.end() > start + len(title.split(" ")[0]):
        return False  # นายอำเภอ, นายกรัฐมนตรี, นายแพทย์สาธารณสุขจังหวัด: a position, not a title
    return not (title in ("นาย", "นาง") and _NOT_NAMES.match(m.group("given")))


def find_persons(text: str) -> list[PersonMatch]:
    """People named with a title, in order; the position after the name when one is written."""
    found: list[PersonMatch] = []
    for pattern in (_PERSON, _ENGLISH_PERSON):
        position_in_text = 0
        while m := pattern.search(text, position_in_text):
            title = re.sub(r"\s+", " ", m.group("title")).strip()
            if pattern is _PERSON and not _starts_a_name(text, m, title):
                position_in_text = m.start() + 1  # นายกรัฐมนตรี พลเอก ประยุทธ์: retry inside
                continue
            position_in_text = m.end()
            surname, cut = m.group("surname"), len(m.group("surname"))
            if pattern is _PERSON:
                surname, cut = _split_surname(surname)
            name_end = m.start("surname") + cut
            if pattern is _PERSON and _NOT_SURNAME.match(surname):
                name_end = m.end("given")  # a given name alone: "นายคารม กล่าวว่า"
                position_in_text = name_end
            name = re.sub(r"\s+", " ", text[m.start() : name_end])
            position = _position_at(text, name_end)
            end = position[1] if position else name_end
            found.append(
                PersonMatch(
                    span=(m.start(), end),
                    name=name,
                    title=title,
                    position=position[0] if position else None,
                )
            )
    found.sort(key=lambda p: p.span)
    return [p for i, p in enumerate(found) if i == 0 or p.span[0] >= found[i - 1].span[1]]
