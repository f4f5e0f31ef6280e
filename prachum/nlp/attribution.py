"""Who made an item (by) and who must act on it (to).

Agencies come from the colleague's gazetteer matcher (`prachum.nlp.entities.find_agencies`)
when it is available; names it does not know are found from the lexicons in
``corpus/lexicons/`` (agency_heads, addressees, name_breaks), which is also the fallback when
the gazetteer is not installed. Speakers are the words before a speaker verb, without
discourse words in front (ในการนี้, อนึ่ง, โดย …) and with "ผู้แทน X" read as X.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING, cast

from prachum.models import Span
from prachum.nlp.cues import _alternation, _rows, load_cues
from prachum.nlp.dates import THAI_MONTHS_SHORT
from prachum.nlp.segment import Block

_ABBR_STOP = {
    "พ.ศ.",
    "ค.ศ.",
    "น.",
    "ร.ต.",
    "ดร.",
    "ผอ.",
    "ฯลฯ",
    "จ.",
    "อ.",
    "ต.",
    "ม.",
    "ถ.",
    "ร.ศ.",
    "พ.ต.ท.",
    "พ.ต.อ.",
}
_MONTH_ABBR = set(THAI_MONTHS_SHORT)
_ABBR_AFTER = re.compile(r"\s(?:[ก-ฮ]{1,4}\.){1,3}(?![ก-๙])")  # "สำนักงาน ก.พ."
_DIGIT_AFTER = re.compile(r"\s?[0-9๐-๙]")
_THAI_RUN = re.compile(r"[ก-๙]+")
_ADDRESSEE_LEAD = re.compile(r"\s*(?:ทุก\s?|แก่\s?|ไปยัง\s?)?")
_PARTNER = re.compile(r"\s?(?:ร่วมกับ|และ|กับ)\s?")
_ABBR = re.compile(r"(?<![ก-๙A-Za-z.])(?:[ก-ฮ][ก-๙]{0,4}\.){1,4}(?![ก-๙])")

if TYPE_CHECKING:  # the colleague's gazetteer, imported lazily at run time
    from prachum.nlp.gazetteer import Gazetteer


@dataclass(frozen=True)
class AgencyHit:
    span: Span
    name: str  # canonical Thai name (or the surface when unknown)
    abbr: str | None
    surface: str
    name_en: str | None = None
    kind: str | None = None  # the gazetteer's kind (ministry, provincial, position, …)


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    heads = sorted((r[0] for r in _rows("agency_heads.txt")), key=len, reverse=True)
    addressees = sorted((r[0] for r in _rows("addressees.txt")), key=len, reverse=True)
    prefixes = _alternation("speaker_prefixes.txt")
    return (
        re.compile(r"(?:" + "|".join(map(re.escape, heads)) + r")[ก-๙]+"),
        re.compile(r"(?:ทุก\s?)?(" + "|".join(map(re.escape, addressees)) + r")"),
        # a break never starts right after a leading vowel (เที่ยว is not ที่); "และ" ends a name only
        # when another body's name follows ("เทศบาล X และองค์กรปกครอง…")
        re.compile(
            r"(?<![เแโใไ])(?:"
            + _alternation("name_breaks.txt")
            + r"|\s?และ\s?(?=(?:"
            + "|".join(map(re.escape, heads + addressees))
            + r")))"
        ),
        re.compile(rf"^(?:(?:{prefixes})\s?)+"),
        re.compile(rf"(?:{_alternation('speaker_verbs.txt')}|{load_cues().speech_verb.pattern})"),
    )


def cut_name(run: str, min_len: int = 4) -> str:
    """A name written flush against its verb: keep the name (at least its first ``min_len`` characters)."""
    breaks = _patterns()[2]
    m = breaks.search(run, min_len)
    return run[: m.start()] if m else run


def _fallback_agencies(text: str) -> list[AgencyHit]:
    full = _patterns()[0]
    hits = []
    pos = 0
    while m := full.search(text, pos):
        name = cut_name(m.group(0))
        if len(name) < len(m.group(0)) and _patterns()[0].fullmatch(name) is None:
            pos = m.start() + max(1, len(name))
            continue  # only the head word is left ("กระทรวงได้…"): not a name
        abbr = _ABBR_AFTER.match(text, m.end()) if name == m.group(0) else None
        if abbr:  # "สำนักงาน ก.พ."
            name += abbr.group(0)
        hits.append(AgencyHit((m.start(), m.start() + len(name)), name, None, name))
        pos = m.start() + len(name)
    for m in _ABBR.finditer(text):
        surface = m.group(0)
        if surface in _ABBR_STOP or (surface in _MONTH_ABBR and _DIGIT_AFTER.match(text, m.end())):
            continue
        hits.append(AgencyHit(m.span(), surface, surface, surface))
    return hits


def find_agency_hits(text: str, gazetteer: Gazetteer | None = None) -> list[AgencyHit]:
    """Agency mentions in ``text``: the gazetteer's first, then fallback names that do not overlap them."""
    hits: list[AgencyHit] = []
    try:
        from prachum.nlp.entities import find_agencies
        from prachum.nlp.gazetteer import load_gazetteer
    except ImportError:  # the colleague's matcher has not landed: lexicon fallback only
        find_agencies = None  # type: ignore[assignment]
    if find_agencies is not None:
        gaz = gazetteer if gazetteer is not None else load_gazetteer()
        for m in find_agencies(text, gaz):
            a = m.agency
            hits.append(AgencyHit(cast(Span, tuple(m.span)), a.name, a.abbr, m.surface, a.name_en, a.kind))
    covered = bytearray(len(text) + 1)  # characters already inside a gazetteer mention
    for h in hits:
        covered[h.span[0] : h.span[1]] = b"\x01" * (h.span[1] - h.span[0])
    for h in _fallback_agencies(text):
        if not any(covered[h.span[0] : h.span[1]]):
            hits.append(h)
            covered[h.span[0] : h.span[1]] = b"\x01" * (h.span[1] - h.span[0])
    return sorted(hits, key=lambda h: h.span)


def _hits_within(hits: list[AgencyHit], start: int, end: int) -> list[AgencyHit]:
    """Mentions lying inside ``start``..``end`` (``hits`` sorted by span)."""
    i = bisect.bisect_left(hits, start, key=lambda h: h.span[0])
    out = []
    while i < len(hits) and hits[i].span[0] < end:
        if hits[i].span[1] <= end:
            out.append(hits[i])
        i += 1
    return out


def _hit_at(hits: list[AgencyHit], pos: int, slack: int = 0) -> AgencyHit | None:
    """The first mention starting within ``slack`` characters of ``pos`` (``hits`` sorted by span)."""
    i = bisect.bisect_left(hits, pos, key=lambda h: h.span[0])
    return hits[i] if i < len(hits) and hits[i].span[0] <= pos + slack else None


def display_name(hit: AgencyHit) -> str:
    """Canonical name, unless the text qualifies it (สำนักงานจังหวัดขอนแก่น, อบต.เหมืองง่าม)."""
    if hit.abbr is None or (hit.surface != hit.name and hit.surface.startswith(hit.name)):
        return hit.surface
    return hit.name


def _with_place(text: str, name: str, end: int) -> tuple[str, int]:
    """ "จังหวัดภูเก็ต ดำเนินการ", "องค์การบริหารส่วนตำบลเหมืองง่ามร่วมกับ": add the place written flush."""
    if not name.endswith(("จังหวัด", "อำเภอ", "ตำบล", "เทศบาลเมือง", "เทศบาลนคร")):
        return name, end
    run = _THAI_RUN.match(text, end)
    if run is None or _patterns()[2].match(run.group(0)):  # "สำนักงานจังหวัดดำเนินการ…": no place
        return name, end
    place = cut_name(run.group(0), 2)
    flush_end = text[end + len(place) : end + len(place) + 1] in " \n"
    if place and len(place) <= 20 and not place.startswith("ทุก") and (place != run.group(0) or flush_end):
        return name + place, end + len(place)
    return name, end


def name_at(text: str, pos: int, hits: list[AgencyHit]) -> tuple[str, int] | None:
    """The agency, position or group named at ``pos`` (after an optional ทุก), and where it ends."""
    lead = _ADDRESSEE_LEAD.match(text, pos)
    assert lead is not None  # every part of the pattern is optional: it always matches
    start = lead.end()
    hit = _hit_at(hits, start, 1)
    addr = _patterns()[1].match(text, start)
    if hit and (addr is None or hit.span[1] >= addr.end()):
        return _with_place(text, display_name(hit), hit.span[1])
    if addr:
        return _with_place(text, addr.group(1), addr.end())
    return None


def addressees(text: str, span: Span, hits: list[AgencyHit]) -> list[str]:
    """Who a directive inside ``text[span]`` is addressed to: "ให้ X", "มอบหมายให้ X ร่วมกับ Y", "ขอให้ X"."""
    cues = load_cues()
    out: list[str] = []
    for m in cues.directive.finditer(text, span[0], span[1]):
        found = name_at(text, m.end(), hits)
        if not found:
            continue
        name, end = found
        out.append(name)
        while partner := _PARTNER.match(text, end, span[1]):
            more = name_at(text, partner.end(), hits)
            if not more:
                break
            out.append(more[0])
            end = more[1]
        break  # the first directive names the addressees; later ones are sub-steps
    return list(dict.fromkeys(out))


def clean_speaker(text: str, span: Span, hits: list[AgencyHit]) -> str | None:
    """The speaker named in ``text[span]`` (the words before a speaker verb)."""
    start, end = span
    raw = text[start:end]
    m = _patterns()[3].match(raw)
    if m:
        start += m.end()
    raw = text[start:end].strip()
    raw = re.sub(r"\s?(?:ได้|จึง|ยัง|ก็)$", "", raw).strip()
    if not raw or len(raw) > 160:
        return None
    inside = _hits_within(hits, start, end)
    rep = re.match(r"(?:ผู้แทน(?:จาก)?|ที่ประชุม)\s?", raw)  # "ผู้แทน มท.", "ที่ประชุม กพย.": the body
    if inside and (rep or inside[0].span[0] - start <= 2):
        return display_name(inside[0])
    from prachum.nlp.meeting import persons_in

    persons = persons_in(raw)
    if persons:  # "วันนี้ (21 พ.ค. 67) นายคารม พลพรกลาง รองโฆษก…": the person
        return persons[0][1]
    if len(raw) > 40 or re.search(r"[0-9๐-๙]", raw):
        return display_name(inside[-1]) if inside else None
    return raw[rep.end() :] if rep and len(raw) > rep.end() else raw


def speaker_before(text: str, span: Span, hits: list[AgencyHit]) -> tuple[str | None, int] | None:
    """Speaker of a sentence like "X ได้ให้ข้อคิดเห็น …": (speaker, offset of the verb)."""
    verb = _patterns()[4].search(text, span[0], span[1])
    if not verb or verb.start() == span[0]:
        return None
    return clean_speaker(text, (span[0], verb.start()), hits), verb.start()


_SUBJECT_VERB = re.compile(r"\s?(?:\([^)]{1,15}\)\s?)?(?:ได้|อยู่ระหว่าง|ยัง|มี|กำลัง|จะ)")


def subject_at(t: str, start: int, end: int, hits: list[AgencyHit]) -> str | None:
    """The agency that opens a progress report ("สป.มท. อยู่ระหว่าง…", "จังหวัดได้จัด…")."""
    found = name_at(t, start, hits)
    if found and _SUBJECT_VERB.match(t, found[1], end):
        return found[0]
    return None


def last_actor(t: str, span: Span, hits: list[AgencyHit]) -> str | None:
    """The person (or else the agency) named last in a long run-in preamble before a directive."""
    from prachum.nlp.meeting import persons_in

    persons = persons_in(t[span[0] : span[1]])
    if persons:
        return persons[-1][1]
    inside = _hits_within(hits, span[0], span[1])
    return display_name(inside[-1]) if inside else None


_NEXT_SUBJECT = re.compile(r"\s(?:และ|รวมทั้ง|โดย)\s?")
_REPORT_VERB = re.compile(r"\s?(?:\([^)]{1,15}\)\s?)?(?:ได้|อยู่ระหว่าง|ยังไม่|จะ|กำลัง)")


def split_subjects(t: str, blocks: list[Block], hits: list[AgencyHit]) -> list[Block]:
    """Cut paragraphs where a new agency starts its own report: "… แล้ว และกรม X ได้ติดตั้ง …"."""
    starts = {h.span[0]: h for h in hits}
    out: list[Block] = []
    for block in blocks:
        if block.kind != "paragraph":
            out.append(block)
            continue
        cuts = []
        for m in _NEXT_SUBJECT.finditer(t, block.span[0], block.span[1]):
            hit = starts.get(m.end())
            # a new organisation with its own report; an official acting on the same matter
            # ("… แล้วเสร็จ และผู้ว่าราชการจังหวัดได้ลงนามประกาศใช้แผนแล้ว") stays in the item
            if (
                hit
                and hit.kind != "position"
                and m.start() - block.span[0] >= 20
                and _REPORT_VERB.match(t, hit.span[1])
            ):
                cuts.append(m.start())
        last = block.span[0]
        for cut in [*cuts, block.span[1]]:
            out.append(replace(block, span=(last, cut), inline=block.inline or last != block.span[0]))
            last = cut + 1
    return out
