"""English → Thai query translation through a curated lexicon, and query language detection.

An English question over Thai minutes meets BM25 only on the few Latin words the text holds
(names, acronyms). The lexicon (``corpus/lexicons/en_th_search.tsv``: government, meeting,
law, budget, social, environment and SDG vocabulary, plus the SDG goals' short names from
``corpus/sdg/goals.tsv``) turns the question's words and phrases into the Thai words staff
write, so BM25 can score an English question like a Thai one. Phrases are matched longest
first on whole words, with plurals folded; each matched phrase is one *concept* whose Thai
alternatives are scored as alternatives (the best one counts), not as extra topics.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from prachum.resources import corpus_path
from prachum.search.tokens import english_stopwords

_THAI_LETTER = re.compile(r"[\u0e01-\u0e4e]")
_LATIN_LETTER = re.compile(r"[A-Za-z]")
_WORD = re.compile(r"[a-z0-9]+(?:[-'.][a-z0-9]+)*")
THAI_SHARE = 0.25  # a query is Thai when at least this share of its letters are Thai
MAX_PHRASE = 12  # longest lexicon phrase, in words (agency names are long)


def query_language(text: str) -> str:
    """``"th"`` when Thai letters make up at least THAI_SHARE of the letters, else ``"en"``
    (a text with no letters at all, e.g. a number, counts as Thai: BM25 handles it alone)."""
    thai = len(_THAI_LETTER.findall(text))
    latin = len(_LATIN_LETTER.findall(text))
    if thai + latin == 0:
        return "th"
    return "th" if thai / (thai + latin) >= THAI_SHARE else "en"


def fold_word(word: str) -> str:
    """An English word's matching form: lower case, possessive and plural endings folded
    (``policies`` → ``policy``, ``taxes`` → ``tax``, ``drones`` → ``drone``)."""
    word = word.lower().removesuffix("'s").removesuffix("'")
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "xes", "sses", "zes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _stems(word: str) -> list[str]:
    """Candidate dictionary forms of an inflected English word, most likely first
    (``developing`` → develop, ``revised`` → revise, ``purchases`` → purchase)."""
    out = [fold_word(word)]
    for suffix in ("ing", "ed"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            stem = word[: -len(suffix)]
            out += [stem, stem + "e"]
            if len(stem) > 2 and stem[-1] == stem[-2]:  # planned → plan, running → run
                out.append(stem[:-1])
    if len(word) > 3 and word.endswith("es"):
        out.append(word[:-1])  # purchases → purchase (fold_word left "purchas" out of reach)
    return out


def english_words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


@dataclass(frozen=True)
class Concept:
    english: str  # the words of the query it stands for
    thai: tuple[str, ...]  # alternatives, most usual first


@dataclass(frozen=True)
class LexiconTranslation:
    concepts: tuple[Concept, ...]
    content_words: int  # the query's words that are not English stop words
    covered: int  # how many of them a concept translated
    uncovered: tuple[str, ...] = ()  # content words left for the embedding translator

    @property
    def coverage(self) -> float:
        return self.covered / self.content_words if self.content_words else 0.0


class Lexicon:
    def __init__(self, entries: dict[tuple[str, ...], tuple[str, ...]]) -> None:
        self.entries = entries
        self.longest = max((len(k) for k in entries), default=0)
        self._known = {w for key in entries for w in key}

    def _canonical(self, word: str) -> str:
        """The form of ``word`` the lexicon's keys use (its first stem the lexicon knows)."""
        stems = _stems(word)
        return next((s for s in stems if s in self._known), stems[0])

    def __len__(self) -> int:
        return len(self.entries)

    @classmethod
    def from_rows(cls, rows: list[tuple[str, str]]) -> Lexicon:
        """``(english, "thai|thai…")`` rows; repeated English keys merge their alternatives."""
        entries: dict[tuple[str, ...], list[str]] = {}
        for english, thai in rows:
            key = tuple(fold_word(w) for w in english_words(english))
            forms = [t.strip() for t in thai.split("|") if t.strip()]
            if not key or not forms:
                continue
            if len(key) > MAX_PHRASE:
                raise ValueError(f"lexicon phrase {english!r} is longer than {MAX_PHRASE} words")
            merged = entries.setdefault(key, [])
            merged.extend(f for f in forms if f not in merged)
        return cls({k: tuple(v) for k, v in entries.items()})

    def translate(self, query: str) -> LexiconTranslation:
        """The concepts of ``query`` the lexicon knows, longest phrase first, left to right."""
        words = english_words(query)
        folded = [self._canonical(w) for w in words]
        stop = english_stopwords() | function_words()
        # numbers match the text as they are (Thai digits are folded in both): not to translate
        content = [i for i, w in enumerate(words) if w not in stop and not w[0].isdigit()]
        concepts: list[Concept] = []
        covered: set[int] = set()
        i = 0
        while i < len(words):
            for n in range(min(self.longest, len(words) - i), 0, -1):
                thai = self.entries.get(tuple(folded[i : i + n]))
                if thai is not None and not (n == 1 and words[i] in stop):
                    concepts.append(Concept(" ".join(words[i : i + n]), thai))
                    covered.update(range(i, i + n))
                    i += n
                    break
            else:
                i += 1
        uncovered = tuple(words[i] for i in content if i not in covered)
        return LexiconTranslation(
            tuple(concepts), len(content), sum(1 for i in content if i in covered), uncovered
        )


def _read_tsv(path: Path, columns: tuple[int, int]) -> list[tuple[str, str]]:
    rows = []
    with path.open(encoding="utf-8") as handle:
        for row in csv.reader((ln for ln in handle if ln.strip() and not ln.startswith("#")), delimiter="\t"):
            if len(row) > max(columns):
                rows.append((row[columns[0]], row[columns[1]]))
    return rows


@lru_cache(maxsize=1)
def function_words() -> frozenset[str]:
    """English words that carry no topic (``corpus/lexicons/en_function_words.txt``); the
    tokenizer's shorter English stop list is kept apart, since BM25 may still match them."""
    path = corpus_path("lexicons", "en_function_words.txt")
    if not path.exists():
        return frozenset()
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip().lower() for w in lines if w.strip() and not w.startswith("#"))


def _agency_rows() -> list[tuple[str, str]]:
    """English names and Latin aliases of the gazetteer's agencies → their Thai forms."""
    try:
        from prachum.nlp.gazetteer import load_gazetteer

        agencies = load_gazetteer().agencies
    except (ImportError, OSError):
        return []
    rows = []
    for agency in agencies:
        thai = [f for f in (agency.name, agency.abbr, *agency.aliases) if f and _THAI_LETTER.search(f)]
        latin = [f for f in (agency.name_en, *agency.aliases) if f and not _THAI_LETTER.search(f)]
        if thai:
            rows += [(form, "|".join(thai)) for form in latin if len(english_words(form)) <= MAX_PHRASE]
    return rows


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """The bundled lexicon, the SDG goals' English → Thai short names and the gazetteer's
    agencies' English names (each part empty when its file is missing)."""
    rows: list[tuple[str, str]] = _agency_rows()
    path = corpus_path("lexicons", "en_th_search.tsv")
    if path.exists():
        rows += _read_tsv(path, (0, 1))
    goals = corpus_path("sdg", "goals.tsv")
    if goals.exists():
        rows += [(en, th) for en, th in _read_tsv(goals, (1, 3)) if en != "short_en"]
    return Lexicon.from_rows(rows)
