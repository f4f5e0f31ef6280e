"""The lexical side of a query: its own words, plus alternatives scored as alternatives.

- Other names of the agencies a query mentions (มท. ↔ กระทรวงมหาดไทย ↔ Ministry of Interior),
  through the project's gazetteer once it is installed.
- For a query written in English: the Thai words of the lexicon's concepts
  (`prachum.search.lexicon`), and for content words the lexicon does not know, their nearest
  Thai index words through the embedder (`prachum.search.translate`).

Each group of alternatives adds ``weight × the best alternative's BM25 score`` to a unit,
so a concept with three Thai spellings counts once, like a concept with one.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from prachum.search.bm25 import Bm25Scorer
from prachum.search.lexicon import load_lexicon, query_language
from prachum.search.tokens import search_tokens

EXPANSION_WEIGHT = 0.5  # another name of an agency the query names
LEXICON_WEIGHT = 1.0  # a curated translation scores like the Thai word itself
EMBEDDED_WEIGHT = 0.5  # a nearest-word translation is a guess: damped


@lru_cache(maxsize=1)
def _expander():
    try:
        from prachum.nlp.gazetteer import load_gazetteer

        gazetteer = load_gazetteer()
    except (ImportError, OSError):
        return None
    return getattr(gazetteer, "expand_query", None)


@lru_cache(maxsize=1024)
def _expand(query: str) -> tuple[str, ...]:
    expander = _expander()
    if expander is None:
        return ()
    return tuple(e for e in expander(query) if e and e != query)


def expand_query(query: str) -> list[str]:
    """Extra texts to match for ``query`` (not including the query itself)."""
    return list(_expand(query.strip()))


@dataclass(frozen=True)
class Group:
    weight: float
    alternatives: tuple[tuple[str, ...], ...]  # each a token list
    kind: str = "lexicon"  # expansion (another name of an agency) | lexicon | embedded


@dataclass(frozen=True)
class LexicalQuery:
    words: tuple[str, ...]  # the query's own search tokens
    groups: tuple[Group, ...]
    language: str  # "th" | "en"
    coverage: float  # English: share of content words the lexicon translated (Thai: 1.0)

    @property
    def highlight(self) -> list[str]:
        """Every token worth marking in a hit's text."""
        extra = (t for g in self.groups for alt in g.alternatives for t in alt)
        return list(dict.fromkeys([*self.words, *extra]))

    def concepts(self, bm25: Bm25Scorer) -> list[tuple[tuple[str, ...], ...]]:
        """What the query asks for, for `prachum.search.rerank`: each own word the index
        knows, and each translated group (an agency's other names stand for a word already
        counted, so they are not concepts of their own)."""
        own = [((t,),) for t in dict.fromkeys(bm25.known(list(self.words)))]
        return own + [g.alternatives for g in self.groups if g.kind != "expansion"]

    def scores(self, bm25: Bm25Scorer) -> np.ndarray:
        total = bm25.scores(list(self.words))
        for group in self.groups:
            best = None
            for tokens in group.alternatives:
                s = bm25.scores(list(tokens))
                best = s if best is None else np.maximum(best, s)
            if best is not None:
                total = total + group.weight * best
        return total


def _group(weight: float, texts: list[str] | tuple[str, ...], own: set[str], kind: str) -> Group | None:
    alternatives = []
    for text in texts:
        tokens = tuple(t for t in dict.fromkeys(search_tokens(text)) if t not in own)
        if tokens and tokens not in alternatives:
            alternatives.append(tokens)
    return Group(weight, tuple(alternatives), kind) if alternatives else None


def lexical_query(
    query: str,
    *,
    expand: bool = True,
    translate: bool = True,
    nearest: dict[str, list[str]] | None = None,
) -> LexicalQuery:
    """The BM25 side of ``query``. ``nearest`` maps English words to Thai index words found
    by the embedder (used for the content words the lexicon leaves untranslated)."""
    words = tuple(search_tokens(query))
    own = set(words)
    language = query_language(query)
    groups: list[Group] = []
    # an English query's agency names are translated by the lexicon (it holds the gazetteer)
    if expand and not (translate and language == "en"):
        expansions = expand_query(query)
        if expansions:
            # other names of a mentioned agency are alternatives, not extra topics
            group = _group(EXPANSION_WEIGHT, expansions, own, "expansion")
            groups += [group] if group else []
    coverage = 1.0
    if translate and language == "en":
        translation = load_lexicon().translate(query)
        coverage = translation.coverage
        for concept in translation.concepts:
            group = _group(LEXICON_WEIGHT, concept.thai, own, "lexicon")
            groups += [group] if group else []
        for word in translation.uncovered:
            thai = (nearest or {}).get(word)
            if thai:
                group = _group(EMBEDDED_WEIGHT, thai, own, "embedded")
                groups += [group] if group else []
    return LexicalQuery(words, tuple(groups), language, coverage)


def untranslated_words(query: str) -> list[str]:
    """The content words of an English ``query`` that the lexicon does not translate."""
    if query_language(query) != "en":
        return []
    return list(load_lexicon().translate(query).uncovered)
