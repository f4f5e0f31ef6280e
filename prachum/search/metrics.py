"""Retrieval quality the way ../shared/eval/score_search.py counts it, for the benches.

A hit is relevant when it is in a relevant passage's document and its span overlaps that
passage; each relevant passage counts once (the first hit on it), so a second hit on the same
passage earns nothing. nDCG is normalised by the best order of min(#relevant, k) passages.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

Located = tuple[str, tuple[int, int]]  # (document, (start, end))


def mrr_ndcg(
    ranked: Sequence[Sequence[Located]], relevant: Sequence[Sequence[Located]], k: int = 10
) -> tuple[float, float]:
    """Mean reciprocal rank and nDCG at ``k`` over queries (``ranked[i]`` answers ``relevant[i]``)."""
    if not ranked:
        return 0.0, 0.0
    mrr = ndcg = 0.0
    for hits, rel in zip(ranked, relevant, strict=True):
        seen: set[int] = set()
        first, dcg = None, 0.0
        for rank, (doc, (start, end)) in enumerate(hits[:k]):
            match = next(
                (j for j, (d, (s, e)) in enumerate(rel) if d == doc and min(end, e) > max(start, s)), None
            )
            if match is None or match in seen:
                continue
            seen.add(match)
            dcg += 1 / math.log2(rank + 2)
            first = rank if first is None else first
        ideal = sum(1 / math.log2(r + 2) for r in range(min(len(rel), k)))
        ndcg += dcg / ideal if ideal else 0.0
        mrr += 1 / (first + 1) if first is not None else 0.0
    return mrr / len(ranked), ndcg / len(ranked)
