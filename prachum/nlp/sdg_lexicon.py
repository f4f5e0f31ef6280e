"""SDG corpus (17 goals, 169 targets in English and Thai) and the evidence matcher.

The matcher finds, in a text, (1) explicit references ("SDG 5", "เป้าหมายที่ 8", "ตัวชี้วัดที่ 5.5.2"),
(2) lexicon terms staff would recognise (ขจัดความยากจน, TPMAP, ก๊าซเรือนกระจก, MOU, ...), after masking
names that merely contain a topic word (สำนักงานทรัพยากรธรรมชาติและสิ่งแวดล้อมจังหวัด is an office, not a
forest policy) and general mentions of the SDG agenda ("SDGs", "เป้าหมายการพัฒนาที่ยั่งยืน"), which
name no particular goal. Everything is read from ``corpus/sdg/`` once per process.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from prachum.errors import InvalidInput
from prachum.nlp.alternation import longest_first
from prachum.nlp.gazetteer import Gazetteer, load_gazetteer
from prachum.resources import corpus_path

GOALS = tuple(range(1, 18))
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_ASCII_WORD = re.compile(r"^[A-Za-z0-9 .,'&/+-]+$")


@dataclass(frozen=True)
class Goal:
    number: int
    short_en: str
    title_en: str
    short_th: str
    title_th: str


@dataclass(frozen=True)
class Target:
    id: str  # "13.3", "17.a"
    goal: int
    title_en: str
    title_th: str


@dataclass(frozen=True)
class Term:
    text: str
    goal: int
    target: str | None
    weight: float


@dataclass(frozen=True)
class Evidence:
    """One piece of evidence for a goal: the words as written, where, and how much it counts."""

    goal: int
    surface: str
    span: tuple[int, int]
    weight: float
    target: str | None = None
    explicit: bool = False  # an explicit reference (SDG 5, ตัวชี้วัดที่ 5.5.2) rather than a topic word


@dataclass(frozen=True)
class SdgCorpus:
    goals: tuple[Goal, ...]
    targets: tuple[Target, ...]
    terms: tuple[Term, ...]
    masked: tuple[tuple[str, str], ...]  # (phrase, kind)
    procedural: tuple[str, ...]  # meeting-procedure sentences: the "no SDG content" class
    digest: str  # sha256 of all corpus files
    vector_digest: str  # sha256 of the texts that get embedded (goals, targets, procedural): keys caches

    def goal(self, number: int) -> Goal:
        if number not in GOALS:
            raise InvalidInput(f"SDG goal {number!r} is not one of: 1-17")
        return self.goals[number - 1]

    def targets_of(self, goal: int) -> tuple[Target, ...]:
        return tuple(t for t in self.targets if t.goal == goal)


def _rows(path: Path) -> Iterator[list[str]]:
    if not path.exists():
        raise InvalidInput(f"SDG corpus file missing: {path}")
    lines = path.read_text(encoding="utf-8").splitlines()
    for line in lines[1:]:  # header
        if line.strip() and not line.startswith("#"):
            yield line.split("\t")


@lru_cache(maxsize=2)
def load_corpus(folder: Path | None = None) -> SdgCorpus:
    """Read goals, targets (EN + TH), lexicon and masked phrases from ``corpus/sdg`` (cached)."""
    base = Path(folder) if folder else corpus_path("sdg")
    embedded = ("goals.tsv", "targets.en.tsv", "targets.th.tsv", "procedural.txt")
    digest, vector_digest = hashlib.sha256(), hashlib.sha256()
    for name in (*embedded, "lexicon.tsv", "masked_phrases.tsv"):
        data = (base / name).read_bytes() if (base / name).exists() else b""
        digest.update(data)
        if name in embedded:
            vector_digest.update(data)
    goals = tuple(Goal(int(r[0]), r[1], r[2], r[3], r[4]) for r in _rows(base / "goals.tsv"))
    thai = {r[0]: r[1] for r in _rows(base / "targets.th.tsv")}
    targets = []
    for target_id, title_en in _rows(base / "targets.en.tsv"):
        if target_id not in thai:
            raise InvalidInput(f"target {target_id} has no Thai wording in targets.th.tsv")
        targets.append(Target(target_id, int(target_id.split(".")[0]), title_en, thai[target_id]))
    terms = []
    for row in _rows(base / "lexicon.tsv"):
        try:
            text, goal, target, weight = row
            term = Term(text, int(goal), target or None, float(weight))
        except ValueError:
            raise InvalidInput(
                f"lexicon.tsv: bad row {chr(9).join(row)!r} (term, goal, target, weight)"
            ) from None
        if term.goal not in GOALS:
            raise InvalidInput(f"lexicon term {text!r}: goal {goal!r} is not one of: 1-17")
        terms.append(term)
    masked = tuple((r[0], r[1]) for r in _rows(base / "masked_phrases.tsv"))
    procedural_file = base / "procedural.txt"
    procedural = tuple(
        line.strip()
        for line in (
            procedural_file.read_text(encoding="utf-8").splitlines() if procedural_file.exists() else []
        )
        if line.strip() and not line.startswith("#")
    )
    return SdgCorpus(
        tuple(goals),
        tuple(targets),
        tuple(terms),
        masked,
        procedural,
        digest.hexdigest(),
        vector_digest.hexdigest(),
    )


def _pattern_for(phrase: str) -> str:
    """Thai phrases match anywhere (no spaces between Thai words); Latin ones as whole words."""
    escaped = re.escape(phrase).replace(r"\ ", r"\s*")
    if _ASCII_WORD.match(phrase):
        return rf"(?<![A-Za-z0-9]){escaped}(?![A-Za-z0-9])"
    return escaped


def _alternation(phrases: list[str], flags: int) -> re.Pattern[str] | None:
    # At each position the longest phrase wins (leftmost-longest scanning).
    return longest_first(((p, _pattern_for(p)) for p in phrases), flags)


class EvidenceFinder:
    """Finds explicit SDG references and lexicon terms in a text."""

    _GOAL = r"(1[0-7]|[1-9])"
    _TARGET = r"(1[0-7]|[1-9])\.([1-9][0-9]?|[a-c])"
    EXPLICIT = (
        # (regex, weight); group 1 = goal, group 2 = target suffix (optional)
        (
            re.compile(rf"(?<![A-Za-z])(?:SDGs?|Goal)\s*(?:#|no\.?|ที่)?\s*{_TARGET}(?:\.\d+)?(?![0-9])", re.I),
            1.0,
        ),
        # "SDGs 2) จ.เชียงใหม่" numbers a list, it does not name goal 2
        (re.compile(rf"(?<![A-Za-z])(?:SDGs?|Goal)\s*(?:#|no\.?|ที่)?\s*{_GOAL}(?![0-9)]|\.[0-9])", re.I), 1.0),
        (
            re.compile(
                rf"(?:ตัวชี้วัด|indicator|เป้าประสงค์|เป้าหมายย่อย|target)\s*(?:ที่)?\s*{_TARGET}(?:\.\d+)?", re.I
            ),
            1.0,
        ),
        (re.compile(rf"(?:เป้าหมายการพัฒนาที่ยั่งยืน|ยั่งยืน\)?)\s*(?:เป้าหมาย)?ที่\s*{_GOAL}(?![0-9)]|\.[0-9])"), 1.0),
        # bare "เป้าหมายที่ 8": a goal only next to an SDG mention (plans number their own goals too)
        (re.compile(rf"เป้าหมายที่\s*{_GOAL}(?![0-9)]|\.[0-9])"), None),
    )
    _SDG_CONTEXT = re.compile(r"SDG|ยั่งยืน|Sustainable Development", re.I)
    _LAW_TITLE = re.compile(r"(?:พระราชบัญญ\S|พระราชกำหนด|พ\.ร\.[บก]\.|ประมวลกฎหมาย)\S{1,80}")

    # Agencies whose names are masked: an office's name says nothing about the text's topic. Kept:
    # international bodies (UN, UNDP are partnership evidence) and committees/legislatures (their
    # names state what the meeting is about).
    MASKED_AGENCY_KINDS = frozenset(
        {
            "ministry",
            "department",
            "office",
            "provincial",
            "local",
            "state_enterprise",
            "independent",
            "position",
        }
    )

    def __init__(self, corpus: SdgCorpus, gazetteer: Gazetteer | None = None) -> None:
        self.corpus = corpus
        self.gazetteer = gazetteer
        self.by_term: dict[str, list[Term]] = {}
        for term in corpus.terms:
            self.by_term.setdefault(self._key(term.text), []).append(term)
        acronyms = [t.text for t in corpus.terms if t.text.isupper() or any(c.isdigit() for c in t.text)]
        others = [t.text for t in corpus.terms if t.text not in set(acronyms)]
        # Acronyms are case-sensitive ("UN" is not "un", "WHO" is not "who").
        self.acronym_re = _alternation(acronyms, 0)
        self.term_re = _alternation(others, re.I)
        from prachum.nlp.entities import provinces

        # Place names hide topic words too (สุราษฎร์ธานี is not สุรา, alcohol).
        self.mask_re = _alternation([p for p, _ in corpus.masked] + list(provinces()), re.I)
        self.agenda = {self._key(p) for p, kind in corpus.masked if kind == "agenda"}

    @staticmethod
    def _key(text: str) -> str:
        return re.sub(r"\s+", "", text).lower()

    def find(self, text: str) -> tuple[list[Evidence], bool]:
        """All evidence in ``text`` and whether it mentions the SDG agenda in general."""
        work = text.translate(_THAI_DIGITS)  # same length: offsets stay valid
        found: list[Evidence] = []
        regex: re.Pattern[str] | None
        for regex, weight in self.EXPLICIT:
            for m in regex.finditer(work):
                if weight is None and not self._SDG_CONTEXT.search(
                    text, max(0, m.start() - 100), m.end() + 60
                ):
                    continue
                goal = int(m.group(1))
                target = f"{goal}.{m.group(2)}" if m.lastindex and m.lastindex >= 2 else None
                found.append(
                    Evidence(goal, text[m.start() : m.end()].strip(), m.span(), weight or 1.0, target, True)
                )
                work = work[: m.start()] + " " * (m.end() - m.start()) + work[m.end() :]
        general = False
        if self.mask_re is not None:
            masked = list(self.mask_re.finditer(work))
            general = any(self._key(m.group(0)) in self.agenda for m in masked)
            work = _blank(work, masked)
        if self.gazetteer is not None:
            for start, end, agency in self.gazetteer.find_in(work):
                if agency.kind in self.MASKED_AGENCY_KINDS:
                    work = work[:start] + " " * (end - start) + work[end:]
        titles = [m.span() for m in self._LAW_TITLE.finditer(work)]
        for regex in (self.acronym_re, self.term_re):
            if regex is None:
                continue
            matches = list(regex.finditer(work))
            for m in matches:
                # A word inside a law's title ("พระราชบัญญัติแรงงานทางทะเล") says less about the text.
                damp = 0.5 if any(a <= m.start() < b for a, b in titles) else 1.0
                for term in self.by_term.get(self._key(m.group(0)), ()):
                    found.append(
                        Evidence(
                            term.goal, text[m.start() : m.end()], m.span(), term.weight * damp, term.target
                        )
                    )
            work = _blank(work, matches)
        found.sort(key=lambda e: e.span)
        return found, general


def _blank(text: str, matches: list[re.Match[str]]) -> str:
    """``text`` with the matched stretches turned to spaces (same length: offsets stay valid);
    what ``regex.sub`` would give for these matches, without scanning the text again."""
    if not matches:
        return text
    parts, position = [], 0
    for m in matches:
        parts += [text[position : m.start()], " " * (m.end() - m.start())]
        position = m.end()
    parts.append(text[position:])
    return "".join(parts)


@lru_cache(maxsize=4)
def evidence_finder(folder: Path | None = None, gazetteer: Gazetteer | None = None) -> EvidenceFinder:
    """The cached matcher over the project's corpus (or another folder), masking the bundled
    gazetteer's agency names unless another gazetteer is given."""
    return EvidenceFinder(load_corpus(folder), gazetteer if gazetteer is not None else load_gazetteer())
