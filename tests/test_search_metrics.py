"""The benches' retrieval metric (prachum.search.metrics) on hand-counted cases."""
from __future__ import annotations

import math

import pytest

from prachum.search.metrics import mrr_ndcg


def test_first_relevant_hit_sets_mrr_and_repeat_hits_earn_nothing() -> None:
    relevant = [[("a.txt", (100, 200)), ("b.txt", (0, 50))]]
    ranked = [[("c.txt", (0, 10)), ("a.txt", (150, 160)), ("a.txt", (120, 130)), ("b.txt", (40, 60))]]
    mrr, ndcg = mrr_ndcg(ranked, relevant)
    assert mrr == pytest.approx(0.5)
    ideal = 1 + 1 / math.log2(3)
    assert ndcg == pytest.approx((1 / math.log2(3) + 1 / math.log2(5)) / ideal)


def test_touching_spans_and_other_documents_do_not_count() -> None:
    relevant = [[("a.txt", (100, 200))]]
    assert mrr_ndcg([[("a.txt", (200, 220)), ("b.txt", (100, 200))]], relevant) == (0.0, 0.0)


def test_beyond_k_is_not_counted_and_no_queries_is_zero() -> None:
    relevant = [[("a.txt", (0, 10))]]
    ranked = [[("x.txt", (0, 1))] * 10 + [("a.txt", (0, 10))]]
    assert mrr_ndcg(ranked, relevant) == (0.0, 0.0)
    assert mrr_ndcg([], []) == (0.0, 0.0)
