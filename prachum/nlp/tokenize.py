"""Thai word tokenisation (newmm) with the project's vocabulary in the dictionary.

The dictionary is pythainlp's default word list plus the gazetteer's Thai names and
abbreviations, the position words and the SDG lexicon's terms, so that "สป.มท." or
"สำนักงานพัฒนาชุมชนจังหวัด" come out as one token. Text is first cut into Thai runs (Thai
letters and the dots of abbreviations) and everything else (numbers, Latin words, punctuation,
whitespace); only Thai runs go through newmm. That keeps "(สศช.)" from being glued to its
bracket and "13.00" or "2566" whole. nlpo3 (the Rust newmm) segments the Thai runs when it is
installed: on Thai runs it gives the same tokens as pythainlp's newmm, about three times faster
(bench/tokenize_speed.py); pythainlp is the fallback.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from functools import lru_cache
from pathlib import Path

from prachum.models import Span
from prachum.resources import corpus_path

# A Thai run: Thai letters and marks (not Thai digits) with dots inside or at the end of
# abbreviations, and ฯ. Everything else is split by _OTHER_TOKEN.
_RUNS = re.compile(r"[\u0e01-\u0e4e\u0e5a\u0e5b][\u0e01-\u0e4e\u0e5a\u0e5b.]*|[^\u0e01-\u0e4e\u0e5a\u0e5b]+")
_THAI_START = re.compile(r"[\u0e01-\u0e4e\u0e5a\u0e5b]")
_OTHER_TOKEN = re.compile(
    r"\s+"
    r"|[0-9๐-๙]+(?:[.,:/][0-9๐-๙]+)*"  # numbers, decimals, times, numeric dates
    r"|[A-Za-z]+(?:['’.-][A-Za-z]+)*"  # Latin words (U.N., COVID-19 is split at the digit)
    r"|."
)


def _lexicon_words(path: Path, *, column: int = 0) -> set[str]:
    if not path.is_file():
        return set()
    words: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cell = line.split("\t")[column].strip()
        if cell and cell != "term":
            words.add(cell)
    return words


def _is_dictionary_word(word: str) -> bool:
    """Only single Thai runs can be one token (no spaces, no Latin, no digits)."""
    match = _RUNS.fullmatch(word)
    return bool(match) and bool(_THAI_START.match(word))


@lru_cache(maxsize=1)
def custom_words() -> frozenset[str]:
    """pythainlp's words + gazetteer forms + position words + SDG terms (Thai runs only)."""
    from pythainlp.corpus import thai_words

    from prachum.nlp.gazetteer import load_gazetteer

    words: set[str] = set(thai_words())
    for surface, _agency in load_gazetteer().surfaces():
        words.add(surface)
    words |= _lexicon_words(corpus_path("lexicons", "positions.txt"))
    from prachum.nlp.entities import PERSON_TITLES  # imported here: entities imports this module

    words |= set(PERSON_TITLES)
    words |= _lexicon_words(corpus_path("sdg", "lexicon.tsv"))
    return frozenset(w for w in words if _is_dictionary_word(w))


@lru_cache(maxsize=1)
def _segmenter():
    """A function that segments a list of Thai runs at once: nlpo3 with our dictionary, else
    pythainlp newmm run by run."""
    words = sorted(custom_words())
    try:
        import nlpo3
    except ImportError:
        nlpo3 = None  # type: ignore[assignment]  # optional dependency
    if nlpo3 is not None:
        digest = hashlib.sha1("\n".join(words).encode("utf-8")).hexdigest()[:16]
        path = Path(tempfile.gettempdir()) / f"prachum-words-{digest}.txt"
        if not path.is_file():
            partial = path.with_suffix(f".{id(words)}.tmp")
            partial.write_text("\n".join(words), encoding="utf-8")
            partial.replace(path)  # atomic: concurrent processes never read half a file
        name = f"prachum-{digest}"
        _message, ok = nlpo3.load_dict(str(path), name)
        if ok:
            return lambda runs: _segment_batches(runs, lambda joined: nlpo3.segment(joined, name))
    from pythainlp.tokenize import word_tokenize
    from pythainlp.util import dict_trie

    trie = dict_trie(words)
    return lambda runs: [word_tokenize(run, custom_dict=trie, engine="newmm") for run in runs]


_BATCH_CHARS = 5000  # nlpo3 is fastest on a few thousand characters per call (bench/tokenize_speed.py)


def _segment_batches(runs: list[str], segment) -> list[list[str]]:
    """Segment runs newline-joined in batches: one call per batch instead of per run."""
    out: list[list[str]] = []
    batch: list[str] = []
    size = 0
    for run in runs:
        batch.append(run)
        size += len(run) + 1
        if size >= _BATCH_CHARS:
            out.extend(_split_joined(segment("\n".join(batch)), len(batch)))
            batch, size = [], 0
    if batch:
        out.extend(_split_joined(segment("\n".join(batch)), len(batch)))
    return out


def _split_joined(tokens: list[str], count: int) -> list[list[str]]:
    """Undo the newline-joining of runs (one call into nlpo3 per text instead of per run)."""
    runs: list[list[str]] = [[]]
    for token in tokens:
        for index, part in enumerate(token.split("\n")):
            if index:
                runs.append([])
            if part:
                runs[-1].append(part)
    if len(runs) != count:
        raise RuntimeError(f"nlpo3 returned {len(runs)} runs for {count}")
    return runs


# Runs made only of short dotted chunks (ผอ.ตท.สป., นบ.ยส., ร.ต.) are abbreviations; newmm
# cuts them at random places, so they are split at dots and known abbreviations kept whole.
_ABBR_CHAIN = re.compile(r"(?:[\u0e01-\u0e2e][\u0e01-\u0e4e]{0,4}\.){2,}")
_ABBR_CHUNK = re.compile(r"[\u0e01-\u0e2e][\u0e01-\u0e4e]{0,4}\.")


def _abbreviation_tokens(run: str) -> list[str]:
    words = custom_words()
    chunks = _ABBR_CHUNK.findall(run)
    tokens: list[str] = []
    unknown = False  # the last token is a run of chunks that no dictionary entry covers
    i = 0
    while i < len(chunks):
        for j in range(len(chunks), i, -1):
            candidate = "".join(chunks[i:j])
            if candidate in words:
                tokens.append(candidate)
                unknown, i = False, j
                break
        else:
            if unknown:
                tokens[-1] += chunks[i]
            else:
                tokens.append(chunks[i])
            unknown, i = True, i + 1
    return tokens


def token_spans(text: str) -> list[Span]:
    """Offsets of every token of ``text``, whitespace runs included, covering the whole text."""
    pieces: list[tuple[int, str | None]] = []  # (start, Thai run or None for other text)
    thai_runs: list[str] = []
    for run in _RUNS.finditer(text):
        value = run.group()
        if _THAI_START.match(value) and not _ABBR_CHAIN.fullmatch(value):
            thai_runs.append(value)
            pieces.append((run.start(), value))
        else:
            pieces.append((run.start(), None))
    segmented = iter(_segmenter()(thai_runs) if thai_runs else [])
    spans: list[Span] = []
    for (start, thai), run in zip(pieces, _RUNS.finditer(text), strict=True):
        if thai is not None or _THAI_START.match(run.group()):
            tokens = next(segmented) if thai is not None else _abbreviation_tokens(run.group())
            for token in tokens:
                spans.append((start, start + len(token)))
                start += len(token)
        else:
            spans.extend(m.span() for m in _OTHER_TOKEN.finditer(text, run.start(), run.end()))
    return spans


def word_spans(text: str) -> list[Span]:
    """Offsets of the words of ``text`` (whitespace dropped), in order."""
    return [(s, e) for s, e in token_spans(text) if not text[s:e].isspace()]


def tokenize(text: str) -> list[str]:
    """The words of ``text`` (newmm with the project's dictionary), whitespace dropped."""
    return [text[s:e] for s, e in word_spans(text)]


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from pythainlp.corpus import thai_stopwords  # bundled with pythainlp, never downloaded

    return frozenset(thai_stopwords())


def __getattr__(name: str) -> frozenset[str]:
    # THAI_STOPWORDS is loaded on first use, so importing this module stays cheap.
    if name == "THAI_STOPWORDS":
        return _stopwords()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
