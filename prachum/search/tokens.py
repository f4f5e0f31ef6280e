"""Search tokens: the words BM25 indexes and queries are matched on.

Uses the project's tokenizer (`prachum.nlp.tokenize`, newmm with the gazetteer's names)
when it is installed, else pythainlp's newmm directly. Tokens are folded so that surface
variants meet: lower case, Thai digits as Arabic digits, punctuation-only tokens and Thai
stop words dropped, trailing dots of abbreviations removed (``มท.`` and ``มท`` match).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_WORDISH = re.compile(r"[0-9A-Za-z\u0e01-\u0e4e\u0e50-\u0e59]")
_LATIN_WORDS = re.compile(r"[A-Za-z0-9]+(?:[-'][A-Za-z0-9]+)*")
_THAI = re.compile(r"[\u0e01-\u0e4e]")
COMPOUND_MIN = 10_000  # off: splitting compounds lowered BM25 MRR (bench/embed.py: 0.842 -> 0.810)
# Few English stop words: queries are often English questions over Thai text, where only
# content words (names, acronyms) can match.
_EN_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "how",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "their",
        "this",
        "to",
        "was",
        "were",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
    ]
)


@lru_cache(maxsize=1)
def _word_tokenizer():
    try:
        from prachum.nlp.tokenize import tokenize  # the colleague's newmm + gazetteer tokenizer

        return tokenize
    except ImportError:
        from pythainlp.tokenize import word_tokenize

        def tokenize(text: str) -> list[str]:
            return word_tokenize(text, engine="newmm", keep_whitespace=False)

        return tokenize


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    try:
        from prachum.nlp.tokenize import THAI_STOPWORDS

        thai = frozenset(THAI_STOPWORDS)
    except ImportError:
        from pythainlp.corpus import thai_stopwords

        thai = frozenset(thai_stopwords())
    return thai | _EN_STOPWORDS


def english_stopwords() -> frozenset[str]:
    return _EN_STOPWORDS


def has_thai(text: str) -> bool:
    return _THAI.search(text) is not None


def fold_text(text: str) -> str:
    """``text`` as tokens are folded, same length: lower case, Thai digits as Arabic digits."""
    return text.translate(_THAI_DIGITS).lower()


def fold(token: str) -> str:
    """The matching form of one token ('' when it carries no word)."""
    token = token.strip().translate(_THAI_DIGITS).lower().rstrip(".")
    if not token or not _WORDISH.search(token):
        return ""
    return token


def _raw_tokens(text: str) -> Iterable[str]:
    # Latin runs are split on their own (newmm glues "SDGs)" or "e-mail" oddly); Thai runs go
    # through the word tokenizer.
    tokenize = _word_tokenizer()
    position = 0
    for match in _LATIN_WORDS.finditer(text):
        if match.start() > position:
            yield from tokenize(text[position : match.start()])
        yield match.group()
        position = match.end()
    if position < len(text):
        yield from tokenize(text[position:])


@lru_cache(maxsize=200_000)
def _parts(token: str) -> tuple[str, ...]:
    """The words of a long Thai compound by pythainlp's plain dictionary (the project's
    tokenizer keeps names like อุบัติเหตุทางถนน whole, which would then never match
    อุบัติเหตุ alone)."""
    from pythainlp.tokenize import word_tokenize

    parts = tuple(word_tokenize(token, engine="newmm", keep_whitespace=False))
    return parts if len(parts) > 1 else ()


def search_tokens(text: str, *, keep_stopwords: bool = False) -> list[str]:
    """Folded word tokens of ``text`` for BM25: stop words (unless kept) and single Thai
    letters dropped, long Thai compounds followed by their component words."""
    stop = frozenset() if keep_stopwords else stopwords()
    out = []
    for raw in _raw_tokens(text):
        token = fold(raw)
        if not token or token in stop:
            continue
        thai = has_thai(token)
        if thai and len(token) < 2:
            continue
        out.append(token)
        if thai and len(token) >= COMPOUND_MIN:
            out.extend(p for p in map(fold, _parts(token)) if len(p) >= 2 and p not in stop)
    return out


def mark_spans(text: str, words: Iterable[str]) -> list[tuple[int, int]]:
    """Spans of ``text`` where the folded query ``words`` occur (for highlighting hits).

    Occurrences are found by substring search on the folded text (same length as ``text``:
    lower case, Thai digits as Arabic) rather than by re-tokenising every hit, which costs
    milliseconds per hit; Latin words must stand alone, Thai words may sit inside longer ones
    (Thai has no spaces between words, and a user searching น้ำ wants น้ำประปา marked too)."""
    folded = fold_text(text)
    spans: list[tuple[int, int]] = []
    for word in {w for w in words if len(w) >= 2}:
        latin = not has_thai(word)
        start = folded.find(word)
        while start >= 0:
            end = start + len(word)
            if not latin and end < len(folded) and folded[end] == ".":
                end += 1  # the abbreviation's dot (folding dropped it from the word)
            if not latin or (
                (start == 0 or not folded[start - 1].isalnum())
                and (end == len(folded) or not folded[end].isalnum())
            ):
                spans.append((start, end))
            start = folded.find(word, start + 1)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1] + 1 and not text[merged[-1][1] : start].strip():
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
