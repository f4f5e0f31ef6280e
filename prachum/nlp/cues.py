"""The cue lexicons that drive segmentation and extraction, loaded from ``corpus/lexicons/``.

Rules live in data so that a reader of Thai minutes can extend them without touching code:
one pattern per line (``*.txt``) or tab-separated rows (``*.tsv``); ``#`` starts a comment.
Patterns are regular expressions over the normalised text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from prachum.errors import InvalidInput
from prachum.models import ACTION_STATUSES, KINDS
from prachum.resources import corpus_path


def _rows(name: str) -> list[list[str]]:
    path = corpus_path("lexicons", name)
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidInput(f"lexicon {str(path)!r} is missing") from None
    rows = []
    for line in raw.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        rows.append([cell.strip() for cell in line.split("\t")] if "\t" in line else [line.strip()])
    return rows


def _compile(pattern: str, name: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise InvalidInput(f"bad pattern {pattern!r} in lexicon {name}: {exc}") from None


def _alternation(name: str) -> str:
    return "|".join(f"(?:{row[0]})" for row in _rows(name))


@dataclass(frozen=True)
class KindCue:
    kind: str
    anywhere: bool
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class Cues:
    list_introducer: re.Pattern[str]  # end of a sentence that introduces a list
    clause_break: re.Pattern[str]  # whitespace + discourse starter inside a long paragraph
    speech_verb: re.Pattern[str]
    directive: re.Pattern[str]  # cue before the addressee of a directive
    tail: re.Pattern[str]  # whitespace + trailing subordinate clause
    directive_start: re.Pattern[str]  # an item that assigns work ("ให้ X …", "ประธานมอบหมายให้ X …")
    kinds: tuple[KindCue, ...]
    intro_kinds: tuple[tuple[str, re.Pattern[str]], ...]
    statuses: tuple[tuple[str, re.Pattern[str]], ...]


def _kind_rows(name: str) -> list[list[str]]:
    rows = _rows(name)
    for row in rows:
        if row[0] not in KINDS:
            raise InvalidInput(f"kind {row[0]!r} in lexicon {name} is not one of: {', '.join(KINDS)}")
    return rows


@lru_cache(maxsize=1)
def load_cues() -> Cues:
    """Compile every lexicon once per process."""
    kinds = tuple(
        KindCue(
            kind, where == "any", _compile(f"^(?:{pattern})" if where == "start" else pattern, "kind_cues")
        )
        for kind, where, pattern in _kind_rows("kind_cues.tsv")
    )
    statuses = []
    for status, pattern in _rows("status_cues.tsv"):
        if status not in ACTION_STATUSES:
            raise InvalidInput(
                f"status {status!r} in status_cues.tsv is not one of: {', '.join(ACTION_STATUSES)}"
            )
        statuses.append((status, _compile(pattern, "status_cues")))
    return Cues(
        list_introducer=_compile(
            rf"(?:{_alternation('list_introducers.txt')})\s*[:：]?\s*$", "list_introducers"
        ),
        clause_break=_compile(rf"\s+(?=(?:{_alternation('clause_breaks.txt')}))", "clause_breaks"),
        speech_verb=_compile(_alternation("speech_verbs.txt"), "speech_verbs"),
        directive=_compile(rf"(?:{_alternation('directive_cues.txt')})\s?", "directive_cues"),
        directive_start=_compile(rf"^(?:{_alternation('directive_starts.txt')})", "directive_starts"),
        tail=_compile(rf"\s+(?=(?:{_alternation('tail_markers.txt')}))", "tail_markers"),
        kinds=kinds,
        intro_kinds=tuple((k, _compile(p, "intro_kinds")) for k, p in _kind_rows("intro_kinds.tsv")),
        statuses=tuple(statuses),
    )
