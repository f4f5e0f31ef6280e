"""SDG tagging (issue 4): which goals and targets a text touches, and why.

Public API (implementation in ``sdg_lexicon`` and ``sdg_tagger``):
- ``SdgTagger(embedder=None, *, cache_dir=None)`` with ``.tag(text)``, ``.tag_many(texts)`` and
  ``.tag_minutes(text, items)``;
- ``load_corpus()``: the 17 goals and 169 targets in English and Thai, the lexicon and the masked
  phrases from ``corpus/sdg/``;
- ``find_evidence(text)``: the explicit references and lexicon terms found in a text.
"""

from __future__ import annotations

from prachum.nlp.sdg_lexicon import Evidence, Goal, SdgCorpus, Target, evidence_finder, load_corpus
from prachum.nlp.sdg_tagger import SdgTagger, TaggerParams


def find_evidence(text: str) -> list[Evidence]:
    """Explicit SDG references and lexicon terms in ``text`` (names and the agenda in general masked)."""
    return evidence_finder().find(text)[0]


__all__ = [
    "Evidence",
    "Goal",
    "SdgCorpus",
    "SdgTagger",
    "TaggerParams",
    "Target",
    "find_evidence",
    "load_corpus",
]
