"""Meeting facts and items (actions, recommendations, resolutions) from the text of minutes.

`extract(text)` normalises the text, segments it (`prachum.nlp.segment`), reads the meeting
facts (`prachum.nlp.meeting`), then walks the blocks: a sentence that introduces a list
("คณะอนุกรรมาธิการฯ ได้ให้ข้อคิดเห็น … อาทิเช่น", "ข้อสั่งการของประธาน", "สาระสำคัญของมติ ครม.")
gives its entries a kind, a speaker (by) and an addressee (to); each entry, มติ line or clause
with a cue of its own becomes an item whose span covers its own words. Every span is mapped
back to the source text, so ``item.text == text[start:end]``.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING

from prachum.models import AgencyMention, Extraction, Item, Meeting, Span
from prachum.nlp import dates
from prachum.nlp.attribution import (
    AgencyHit,
    addressees,
    clean_speaker,
    find_agency_hits,
    last_actor,
    name_at,
    speaker_before,
    split_subjects,
    subject_at,
)
from prachum.nlp.boilerplate import find_boilerplate
from prachum.nlp.cues import Cues, _alternation, _rows, load_cues
from prachum.nlp.meeting import extract_meeting, meeting_day
from prachum.nlp.normalise import normalise
from prachum.nlp.segment import Block, segment

MAX_CORE = 100  # items longer than this lose their trailing purpose/result clauses
MIN_HEAD = 30  # … but never below this many characters
SPEECH_WINDOW = 100  # a "X รายงานว่า" speaker must start the block

if TYPE_CHECKING:  # the colleague's gazetteer, imported lazily at run time
    from prachum.nlp.gazetteer import Gazetteer


@dataclass(frozen=True)
class Intro:
    """What a list-introducing sentence passes on to its entries."""

    kind: str | None
    by: str | None
    to: tuple[str, ...]
    report: bool  # an "X reported/explained as follows" list: entries need their own cue
    para: int


def item_id(doc_key: str, span: Span) -> str:
    """Stable id of an item: the same document and span always give the same id."""
    return hashlib.sha1(f"{doc_key}\x1f{span[0]}:{span[1]}".encode()).hexdigest()[:16]


def _skip_spans(text: str, norm_offsets: Sequence[int], boilerplate: Sequence[Span]) -> tuple[Span, ...]:
    """Boilerplate spans (given ones and those we recognise) mapped into the normalised text."""
    spans = list(boilerplate) + [b.span for b in find_boilerplate(text)]
    out = []
    for s, e in spans:
        ns = bisect.bisect_left(norm_offsets, s, 0, len(norm_offsets) - 1)
        ne = bisect.bisect_left(norm_offsets, e, 0, len(norm_offsets) - 1)
        if ns < ne:
            out.append((ns, ne))
    return tuple(out)


def _intro_kind(cues: Cues, words: str) -> tuple[str | None, bool]:
    """The kind named earliest in the introducing words ("รายงานความก้าวหน้าตามข้อคิดเห็น…" reports)."""
    best: tuple[int, int, str, str] | None = None
    for order, (kind, pattern) in enumerate(cues.intro_kinds):
        m = pattern.search(words)
        if m and (best is None or (m.start(), order) < best[:2]):
            best = (m.start(), order, kind, m.group(0))
    if best is None:
        return None, False
    report = best[2] == "action" and not re.search(r"สั่งการ|มอบหมาย|กำชับ|เน้นย้ำ", best[3])
    return best[2], report


def _make_intro(t: str, block: Block, hits: list[AgencyHit], cues: Cues) -> Intro:
    words = block.text(t)
    # the clause that ends with "ดังนี้" decides what the list is ("… มีมติเห็นชอบแผน … โดยในการออก
    # พันธบัตรมีเงื่อนไข ดังนี้" lists conditions, not resolutions)
    last = max((m.end() for m in re.finditer(r"\sโดย(?!เฉพาะ)", words)), default=0)
    kind, report = _intro_kind(cues, words[last:])
    by = None
    if found := speaker_before(t, block.span, hits):
        by = found[0]
    heading = re.search(r"(?:ของ|จาก)\s?((?:มติ\s?)?\S+(?:\s\S+)?)\s*[:：]?$", words) or re.match(
        r"^(?:ข้อสั่งการ|ข้อเสนอแนะ|ข้อคิดเห็น|ข้อสังเกต)(?!ของ|จาก)\s?(\S+(?:\s\S+)?)\s*[:：]?$", words
    )
    if heading and len(words) <= 60:
        by = re.sub(r"^มติ\s?", "", heading.group(1)).rstrip(":： ")
    to: tuple[str, ...] = ()
    target = re.search(r"(?:ของ|แก่|ต่อ)\s?", words[len(by or "") :]) if by else None
    if target:
        pos = block.span[0] + len(by or "") + target.end()
        got = name_at(t, pos, hits)
        if got and got[0] != by:
            to = (got[0],)
    return Intro(kind, by, to, report, block.para)


def _introduces(t: str, block: Block, cues: Cues, next_block: Block | None) -> bool:
    """Does ``block`` open a list: "… ดังนี้", or a short heading ("ข้อสั่งการของประธาน") over entries?"""
    words = block.text(t)
    if cues.list_introducer.search(words):
        return True
    followed = next_block is not None and next_block.kind in ("numbered", "bullet")
    return (
        block.kind != "resolution"
        and followed
        and len(words) <= 60
        and _intro_kind(cues, words)[0] is not None
    )


def _heading_entry(t: str, block: Block, cues: Cues) -> bool:
    """A short entry that names a group of items ("ข้อเสนอแนะต่อการจัดทำ…", "ข้อสั่งการ:") rather than being one."""
    words = block.text(t)
    return bool(re.match(r"(?:ข้อเสนอแนะ|ข้อคิดเห็น|ข้อสังเกต|ข้อสั่งการ|ผลการดำเนินงาน|ประเด็น)", words)) and not (
        cues.directive_start.match(words) or re.search(r"\s(?:ควร|ให้)", words)
    )


def _status(cues: Cues, words: str) -> str | None:
    for status, pattern in cues.statuses:
        if pattern.search(words):
            return status
    return None


def _core_end(t: str, start: int, end: int, cues: Cues) -> int:
    """End of the item's own words: before trailing purpose/result clauses of long items."""
    if end - start <= MAX_CORE:
        return end
    m = cues.tail.search(t, start + MIN_HEAD, end)
    return m.start() if m else end


@dataclass(frozen=True)
class Candidate:
    kind: str
    span: Span  # the item's own words
    full: Span  # the whole clause (for due and status)
    by: str | None
    directive: bool = False  # assigns work: an action's status is "planned"


@lru_cache(maxsize=1)
def _not_item_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    rows = _rows("not_items.tsv")
    attendance = "|".join(f"(?:{r[1]})" for r in rows if r[0] == "attendance") or "(?!)"
    others = "|".join(f"(?:{r[1]})" for r in rows if r[0] != "attendance") or "(?!)"
    return re.compile(attendance), re.compile(others)


def _not_item(words: str, upto: int | None = None) -> bool:
    """Attendance lines, delegations and agenda proposals look like items but are not
    (not_items.tsv). Attendance only counts before the item's cue ("… ขอให้ทุกหน่วยงาน …
    และเชิญหน่วยงานเข้าร่วมประชุม" is still a request)."""
    attendance, others = _not_item_patterns()
    return bool(others.search(words) or attendance.search(words, 0, len(words) if upto is None else upto))


_DECISION = re.compile(r"\s?(?:ได้|จึง|ยัง|ก็)?(?:มีมติ|เห็นชอบ|รับทราบ|อนุมัติ|เห็นควร)")
REPORTED = ("done", "in_progress", "not_started")
_CONNECTORS = None


def _skip_connectors(t: str, start: int, end: int) -> int:
    """Start of the clause's own words, after discourse connectors (ขณะนี้, ส่วน, ทั้งนี้, และ …)."""
    global _CONNECTORS
    if _CONNECTORS is None:
        _CONNECTORS = re.compile(rf"(?:(?:{_alternation('speaker_prefixes.txt')})\s?)+")
    m = _CONNECTORS.match(t, start, end)
    return m.end() if m and m.end() < end else start


def classify(
    t: str, block: Block, hint: Intro | None, entry: bool, hits: list[AgencyHit]
) -> Candidate | None:
    """Decide whether ``block`` is an item, of which kind, where its own words are and who spoke."""
    cues = load_cues()
    start, end = block.span
    speaker = None
    verb = cues.speech_verb.search(t, start, min(end, start + SPEECH_WINDOW))
    if verb and verb.start() > start and verb.end() < end:
        speaker = clean_speaker(t, (start, verb.start()), hits)
        start = verb.end()
        while start < end and t[start].isspace():
            start += 1
    start = _skip_connectors(t, start, end)
    words = t[start:end]
    status = _status(cues, words)
    directive = cues.directive_start.match(words)
    kind = next((c.kind for c in cues.kinds if not c.anywhere and c.pattern.match(words)), None)
    if kind == "resolution" and speaker is None:  # "ที่ประชุม กพย. เห็นชอบ…", "คณะรัฐมนตรีมีมติ…"
        decided = _DECISION.search(words, 0, 40)
        lead = re.match(r"มติ\s?", words)  # "มติที่ประชุม รับทราบ": the meeting decided
        if decided and decided.start() > (lead.end() if lead else 0):
            speaker = clean_speaker(t, (start + (lead.end() if lead else 0), start + decided.start()), hits)
    if kind and _not_item(words) and kind != "resolution":
        return None
    if kind is None and entry and hint and hint.kind and (not hint.report or status is not None):
        kind = hint.kind
        for cue in cues.kinds:  # "1. ด้านการเชื่อมโยง… กลุ่มจังหวัด… ที่ประชุมเห็นชอบ…": topic, then the item
            m = cue.pattern.search(words) if cue.anywhere and cue.kind != "recommendation" else None
            decides = m and (
                cue.kind == "resolution" or re.match(r"(?:ได้)?(?:มอบหมาย|สั่งการ|กำชับ)", m.group(0))
            )
            if decides and m is not None and m.start() > 30:  # decides implies m
                kind, start = cue.kind, start + m.start()
                words = t[start:end]
                directive = cues.directive_start.match(words)
                break
    if kind is None:
        first_cue = min(
            (m.start() for c in cues.kinds if c.anywhere and (m := c.pattern.search(words))), default=None
        )
        if _not_item(words, first_cue):
            return None
    informing = verb is not None and "แจ้ง" in t[verb.start() : verb.end()]  # "ประธานแจ้งว่า …": for information
    if kind is None:
        for cue in cues.kinds:
            m = cue.pattern.search(words) if cue.anywhere else None
            if m and informing and cue.kind == "recommendation":
                return None  # a request buried in an announcement is not minuted as advice
            if m:
                kind = cue.kind
                prefix = words[: m.start()]
                digits = re.search(r"[0-9๐-๙]", prefix)
                assigns = kind != "action" or re.match(r"(?:ได้)?(?:มอบหมาย|สั่งการ|กำชับ)", m.group(0))
                opens_with_agency = subject_at(t, start, start + m.start() + 1, hits) or name_at(
                    t, start, hits
                )
                if prefix.strip() and len(prefix) <= 60 and not digits and (assigns or opens_with_agency):
                    speaker = speaker or clean_speaker(t, (start, start + m.start()), hits)
                elif assigns and prefix.strip():
                    speaker = speaker or last_actor(t, (start, start + m.start()), hits)
                if assigns and (len(prefix) > (30 if kind != "action" else 60) or digits):
                    start += m.start()
                    directive = cues.directive_start.match(t[start:end])
                break
    if kind is None:
        subject = subject_at(t, start, end, hits)
        opens_report = bool(subject) and status is not None  # "สป.มท. อยู่ระหว่าง…", "ทส. จะนำ…"
        reported = bool(speaker) and status in REPORTED  # "X รายงานว่า ได้ … แล้ว"
        unfinished = status in ("in_progress", "not_started") and not entry
        if opens_report or reported or unfinished:
            kind = "action"
    if kind is None:
        return None
    if directive and entry and hint and hint.kind in ("resolution", "action"):
        kind = "action"
    core = (start, _core_end(t, start, end, cues))
    return Candidate(kind, core, (start, end), speaker, bool(directive))


def _items(t: str, blocks: list[Block], hits: list[AgencyHit], meeting: Meeting, title_para: int | None):
    cues = load_cues()
    blocks = split_subjects(t, blocks, hits)
    day = meeting_day(meeting)
    intro: Intro | None = None
    top_style: tuple[str, str] | None = None
    parent: Candidate | None = None
    section: str | None = None
    reporter: str | None = None
    prev_para = -1  # the agency whose report the advice that follows answers
    out: list[tuple[Candidate, tuple[str, ...], str | None, str | None, str | None, str | None]] = []
    for index, block in enumerate(blocks):
        if block.kind == "agenda":
            section, intro, top_style, parent, reporter = block.text(t), None, None, None, None
            continue
        entry = block.kind in ("numbered", "bullet")
        hint = intro
        if entry:
            style = (block.kind, re.sub(r"[0-9๐-๙ก-ฮ]+", "9", block.marker) + str(block.depth))
            if top_style is None:
                top_style = style
            elif style != top_style and parent is not None:
                hint = None  # a sub-entry: details of its parent, an item only with a cue of its own
        if entry and len(block.text(t)) <= 100 and _heading_entry(t, block, cues):
            intro, parent = _make_intro(t, block, hits, cues), None  # "1. ข้อเสนอแนะต่อ…" heads its sub-list
            continue
        cand = classify(t, block, hint, entry, hits)
        if not entry and block.para == title_para:  # a headline: never an item, may head a list
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            intro = _make_intro(t, block, hits, cues) if _introduces(t, block, cues, following) else None
            continue
        if not entry:
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            intro = _make_intro(t, block, hits, cues) if _introduces(t, block, cues, following) else None
            top_style, parent = None, None
            if (
                cand
                and block.kind != "resolution"
                and intro
                and not cues.kinds[0].pattern.match(block.text(t))
            ):
                cand = None  # the sentence only announces the list that follows
        if cand is None:
            continue
        if entry and hint is not None:
            parent = cand
        words = t[cand.full[0] : cand.full[1]]
        by = cand.by
        if by is None and cand.kind == "action":
            by = subject_at(t, cand.span[0], cand.full[1], hits)
        if by is None and hint is not None and entry:
            by = hint.by
        if by is None and cand.kind == "action" and not cand.directive and out:
            prev = out[-1]  # "… รายงานว่า X ได้ … แล้ว" then "ส่วนการ … อยู่ระหว่าง …": same reporter
            if (
                prev[0].kind == "action"
                and prev[2]
                and prev[5] == section
                and cand.full[0] - prev[0].full[1] <= 12
            ):
                by = prev[2]
        if by is None and cand.kind == "action" and cand.directive and out:
            prev = out[-1]  # "ที่ประชุม กพย. เห็นชอบ … รวมทั้งมอบ สศช. …": the deciding body assigns
            if prev[0].kind == "resolution" and prev[2] and prev_para == block.para:
                by = prev[2]
        if cand.kind == "action" and by and not cand.directive:
            reporter = by
        to = tuple(addressees(t, cand.full, hits))
        if not to and hint is not None and entry and cand.kind == "recommendation":
            to = hint.to or ((reporter,) if reporter and reporter != by else ())
        due_match = dates.find_due(words, meeting_date=day)
        due = due_match.due.isoformat() if due_match else None
        status = None
        if cand.kind == "action":
            status = "planned" if cand.directive else _status(cues, t[cand.span[0] : cand.full[1]])
        out.append((cand, to, by, due, status, section))
        prev_para = block.para
    return out


def _agency_mentions(hits: list[AgencyHit], to_source) -> tuple[AgencyMention, ...]:
    grouped: dict[str, list[AgencyHit]] = {}
    for h in hits:
        grouped.setdefault(h.name, []).append(h)
    return tuple(
        AgencyMention(
            name=name,
            abbr=next((h.abbr for h in group if h.abbr), None),
            mentions=tuple(to_source(h.span) for h in group),
            name_en=next((h.name_en for h in group if h.name_en), None),
        )
        for name, group in grouped.items()
    )


def extract(
    text: str,
    *,
    doc_name: str = "",
    boilerplate: Sequence[Span] = (),
    gazetteer: Gazetteer | None = None,
) -> Extraction:
    """Meeting facts, items with exact spans, by/to, due and status, and agency mentions of ``text``."""
    norm = normalise(text)
    t = norm.text
    skip = _skip_spans(text, norm.offsets, boilerplate)
    hits = [h for h in find_agency_hits(t, gazetteer) if not any(s <= h.span[0] < e for s, e in skip)]
    meeting = extract_meeting(t, skip, hits)
    blocks = segment(t, skip=skip)
    title_para = None
    if meeting.title and blocks and blocks[0].text(t).endswith(meeting.title) and len(blocks) > 1:
        title_para = blocks[0].para
    items: list[Item] = []
    seen: set[Span] = set()
    for cand, to, by, due, status, section in _items(t, blocks, hits, meeting, title_para):
        span = norm.to_source(cand.span)
        if span in seen or span[0] >= span[1]:
            continue
        seen.add(span)
        items.append(
            Item(
                id=item_id(doc_name, span),
                kind=cand.kind,
                text=text[span[0] : span[1]],
                span=span,
                by=(by,) if by else (),
                to=to,
                due=due,
                status=status,
                section=section,
            )
        )
    if meeting.title is not None:
        meeting = replace(meeting, title=meeting.title.strip())
    return Extraction(meeting=meeting, items=tuple(items), agencies=_agency_mentions(hits, norm.to_source))
