"""Second look at the best fused candidates: how many of the query's concepts their text holds.

Thai has no spaces, so a unit and a query are often cut into words differently (the query's
หนี้ระยะสั้น against the text's หนี้เงินกู้ระยะสั้น, ความผิด against ผิดที่) and BM25 then misses
a word that is plainly in the text. Looking for each concept as a substring of the unit's
folded text (Latin words as whole words) sees past the cut. A concept is one query word the
index knows, or one translated group (any of its alternatives, all of its words present).
The share of concepts found is added to the fused score of the top candidates.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from prachum.search.tokens import fold_text, has_thai

Concept = tuple[tuple[str, ...], ...]  # alternatives, each a tuple of tokens that must all appear


def _present(folded: str, token: str) -> bool:
    if has_thai(token):
        return token in folded
    return re.search(rf"(?<![0-9a-z]){re.escape(token)}(?![0-9a-z])", folded) is not None


def concept_share(text: str, concepts: Sequence[Concept]) -> float:
    """Share of ``concepts`` found in ``text`` (0.0 when there are none)."""
    if not concepts:
        return 0.0
    folded = fold_text(text)
    found = sum(
        1 for alternatives in concepts if any(all(_present(folded, t) for t in alt) for alt in alternatives)
    )
    return found / len(concepts)


def rerank(
    fused: list[tuple[int, float]], texts: dict[int, str], concepts: Sequence[Concept], weight: float
) -> list[tuple[int, float]]:
    """``fused`` with ``weight × concept share`` added to the rows whose text is given
    (the top candidates), re-sorted; the other rows keep their order after them."""
    if not concepts or weight == 0 or not texts:
        return fused
    head = [
        (row, score + weight * concept_share(texts[row], concepts)) for row, score in fused if row in texts
    ]
    tail = [(row, score) for row, score in fused if row not in texts]
    head.sort(key=lambda kv: (-kv[1], kv[0]))
    return head + tail
