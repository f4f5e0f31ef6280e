"""The structure of Thai minutes: agenda sections, numbered and bulleted entries, มติ lines,
run-in lists and the clauses of long paragraphs.

`segment(text)` returns `Block`s in reading order, each with the span of its own words (list
markers and surrounding whitespace excluded). It knows nothing about kinds or speakers; the
extractor reads the blocks together with the lexicon cues. Spans index the text given, which
the extractor has normalised (so Thai digits, ZWSP and sara am are already dealt with).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from prachum.models import Span
from prachum.nlp.cues import load_cues

DIGIT = r"[0-9๐-๙]"
_AGENDA = re.compile(rf"^(?:ระเบียบ)?วาระ(?:ที่)?\s*{DIGIT}{{1,2}}(?:\.{DIGIT}{{1,2}})*\s*")
_RESOLUTION = re.compile(r"^มติ(?:ที่ประชุม|คณะรัฐมนตรี|ครม\.?|คณะกรรมการ\S*)?(?=\s|[:：]|$)")
# 1. / 1) / (1) / ๑. / 3.1 / 3.1.2 / ก. / (ก) at the start of a line
_NUMBERED = re.compile(
    rf"^(?:\(({DIGIT}{{1,2}})\)|({DIGIT}{{1,2}}(?:\s?\.\s?{DIGIT}{{1,2}})*)\s?[.)](?!{DIGIT})"
    rf"|({DIGIT}{{1,2}}(?:\.{DIGIT}{{1,2}})+)(?=\s)|\(([ก-ฮ])\)|([ก-ฮ])[.)](?=\s))\s*"
)
_BULLET = re.compile(r"^[-–—•●▪◦○*➢➤✓]\s*")
_INLINE_NUMBER = re.compile(rf"(?<=\s)(?:\(({DIGIT}{{1,2}})\)|({DIGIT}{{1,2}})\))\s?")
_INLINE_DASH = re.compile(r"(?:(?<=[^\d๐-๙\s]\s)|(?<=^))[-–•]\s(?![\d๐-๙])")
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


@dataclass(frozen=True)
class Block:
    """One unit of the minutes' structure.

    kind: agenda | heading | numbered | bullet | resolution | paragraph
    depth: 0 for paragraphs and headings, 1 for top-level entries, more for sub-entries.
    para: index of the source line (clauses and run-in entries of one line share it).
    """

    kind: str
    span: Span
    marker: str = ""
    depth: int = 0
    para: int = 0
    inline: bool = False  # a run-in entry or a clause cut from a longer line

    def text(self, source: str) -> str:
        return source[self.span[0] : self.span[1]]


def _trim(text: str, start: int, end: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end)


def lines(text: str) -> list[Span]:
    """Spans of the non-blank lines, trimmed."""
    out, pos = [], 0
    for raw in text.split("\n"):
        span = _trim(text, pos, pos + len(raw))
        if span[0] < span[1]:
            out.append(span)
        pos += len(raw) + 1
    return out


def _number_depth(marker: str) -> int:
    digits = marker.strip().strip("().")
    return 1 + digits.count(".")


def _past_bullets(line: str, pos: int) -> int:
    """``pos`` moved past any further bullet marks ("- - ข้อความ"), never to the line's end."""
    while (b := _BULLET.match(line[pos:])) and pos + b.end() < len(line):
        pos += b.end()
    return pos


def _classify(text: str, span: Span, para: int) -> Block:
    line = text[span[0] : span[1]]
    if m := _AGENDA.match(line):
        return Block("agenda", span, m.group(0).strip(), 0, para)
    if _RESOLUTION.match(line):
        return Block("resolution", span, "", 0, para)
    if (m := _NUMBERED.match(line)) and m.end() < len(line):
        marker = m.group(0).strip()
        depth = _number_depth(marker) if m.group(2) or m.group(3) else 1
        # "1) - ข้อความ": a bullet right after the number is part of the marker, not the text
        body = _past_bullets(line, m.end())
        return Block("numbered", (span[0] + body, span[1]), marker, depth, para)
    if (m := _BULLET.match(line)) and m.end() < len(line):
        return Block("bullet", (span[0] + _past_bullets(line, m.end()), span[1]), m.group(0).strip(), 1, para)
    kind = "heading" if len(line) <= 60 and not line.endswith((".", "ฯ")) else "paragraph"
    return Block(kind, span, "", 0, para)


def _inline_numbered(line: str) -> list[re.Match[str]]:
    """The chain of inline markers (1) (2) … or 1) 2) … starting at 1, if there are two or more."""
    chain: list[re.Match[str]] = []
    for m in _INLINE_NUMBER.finditer(line):
        value = int((m.group(1) or m.group(2)).translate(_THAI_DIGITS))
        if value == len(chain) + 1:
            chain.append(m)
    return chain if len(chain) >= 2 else []


def _split_run_in(text: str, block: Block) -> list[Block]:
    """Split "intro ดังนี้ (1) … (2) …" or "intro อาทิเช่น - … - …" written on one line."""
    start, end = block.span
    line = text[start:end]
    cues = load_cues()
    markers = _inline_numbered(line)
    kind = "numbered"
    if not markers:
        dashes = list(_INLINE_DASH.finditer(line))
        intro_ok = bool(dashes) and cues.list_introducer.search(line[: dashes[0].start()].rstrip())
        pieces = [b.start() - a.end() for a, b in zip(dashes, dashes[1:], strict=False)]
        listed = len(dashes) >= 2 and min(pieces) >= 20  # not "หลวงพระบาง – อินโดจีน – เมาะลำไย"
        if listed or (dashes and intro_ok):
            markers, kind = dashes, "bullet"
    if not markers or markers[0].start() == 0:
        return [block]
    out = []
    head = _trim(text, start, start + markers[0].start())
    if head[0] < head[1]:
        out.append(Block(block.kind, head, block.marker, block.depth, block.para, block.inline))
    for i, m in enumerate(markers):
        seg_end = start + (markers[i + 1].start() if i + 1 < len(markers) else len(line))
        span = _trim(text, start + m.end(), seg_end)
        if span[0] < span[1]:
            out.append(Block(kind, span, m.group(0).strip(), block.depth + 1, block.para, True))
    return out


def _split_speakers(text: str, span: Span) -> list[int]:
    """Offsets where a second reported speaker starts: "X เห็นว่า … และ Y เสนอว่า …"."""
    cues = load_cues()
    part = text[span[0] : span[1]]
    verbs = list(cues.speech_verb.finditer(part))
    cuts = []
    for prev, nxt in zip(verbs, verbs[1:], strict=False):
        window = part[prev.end() : nxt.start()]
        joint = max(window.rfind(" และ"), window.rfind(" ส่วน"))
        if joint >= 0 and nxt.start() - (prev.end() + joint) <= 120:
            cuts.append(span[0] + prev.end() + joint + 1)
    return cuts


def split_clauses(text: str, span: Span) -> list[Span]:
    """Cut a paragraph before discourse starters (นอกจากนี้, ทั้งนี้, รวมทั้งมอบ…) and between
    the words of two reported speakers, so that each clause can carry its own item."""
    cues = load_cues()
    part = text[span[0] : span[1]]
    cuts = {span[0] + m.end() for m in cues.clause_break.finditer(part) if m.start() > 0}
    cuts.update(_split_speakers(text, span))
    out, last = [], span[0]
    for cut in sorted(cuts):
        piece = _trim(text, last, cut)
        if piece[1] - piece[0] >= 8:  # never leave a fragment of a word or two on its own
            out.append(piece)
            last = cut
    tail = _trim(text, last, span[1])
    if tail[0] < tail[1]:
        if out and tail[1] - tail[0] < 8:
            out[-1] = (out[-1][0], tail[1])
        else:
            out.append(tail)
    return out or [span]


def segment(text: str, *, skip: tuple[Span, ...] = ()) -> list[Block]:
    """Blocks of ``text`` in reading order. Lines overlapping a ``skip`` span (boilerplate) are left out."""
    blocks: list[Block] = []
    for para, span in enumerate(lines(text)):
        if any(s < span[1] and span[0] < e for s, e in skip):
            continue
        block = _classify(text, span, para)
        for piece in _split_run_in(text, block):
            if piece.kind == "paragraph":
                clauses = split_clauses(text, piece.span)
                for i, clause in enumerate(clauses):
                    blocks.append(
                        Block(piece.kind, clause, piece.marker, piece.depth, para, piece.inline or i > 0)
                    )
            else:
                blocks.append(piece)
    return blocks
