"""Incremental BM25: units written after the saved matrix are scored with its statistics,
removed ones score nothing, and a search after a small write does not rebuild the matrix."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from test_search_helpers import DROUGHT, WASTE, WATER_LOSS, make_minutes, sample_minutes

from prachum.search import bm25 as bm25_module
from prachum.search.bm25 import Bm25Matrix, DeltaBm25
from prachum.search.embed import HashingEmbedder
from prachum.search.index import SearchIndex

DOCS = [["น้ำ", "ท่วม", "น้ำ"], ["ขยะ", "ชุมชน"], ["ภัยแล้ง", "น้ำ", "แผน", "ชุมชน"], ["แผน"]]


def test_a_new_unit_scores_as_the_same_text_already_in_the_matrix() -> None:
    base = Bm25Matrix.build(DOCS, rows=np.array([10, 11, 12, 13]))
    # catalog row 11 was removed; 14 and 15 were written since (15 repeats row 12's tokens)
    view_rows = np.array([10, 12, 13, 14, 15])
    delta = DeltaBm25(base, view_rows, {14: ["ขยะ", "ใหม่"], 15: DOCS[2]})
    assert (delta.added, delta.removed, delta.n_rows) == (2, 1, 5)
    for query in (["น้ำ"], ["ชุมชน", "แผน"], ["น้ำ", "น้ำ"]):
        full = base.scores(query)
        got = delta.scores(query)
        assert got[1] == pytest.approx(full[2]) and got[4] == pytest.approx(full[2])
        assert got[0] == pytest.approx(full[0]) and got[2] == pytest.approx(full[3])
    assert delta.scores(["ขยะ"])[3] > 0 and delta.scores(["ใหม่"])[3] > 0  # a word the matrix never saw
    assert delta.known(["ใหม่", "ไม่มี"]) == ["ใหม่"]


def test_saved_matrix_keeps_rows_and_statistics(tmp_path: Path) -> None:
    base = Bm25Matrix.build(DOCS, rows=np.array([1, 2, 3, 4]))
    base.save(tmp_path / "bm25", generation=7)
    assert Bm25Matrix.load(tmp_path / "bm25", 8) is None  # another generation: not as is …
    loaded = Bm25Matrix.load(tmp_path / "bm25", None)  # … but as the base of a delta
    assert loaded is not None and loaded.rows is not None
    assert loaded.rows.tolist() == [1, 2, 3, 4] and loaded.avgdl == pytest.approx(base.avgdl)
    assert np.allclose(loaded.scores(["แผน"]), base.scores(["แผน"]))
    assert loaded.idf("แผน") == pytest.approx(base.idf("แผน"))


def test_search_after_a_small_write_uses_a_delta_and_a_large_one_rebuilds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = SearchIndex(tmp_path / "ix", HashingEmbedder(64))
    index.replace_document(sample_minutes())
    index.search("ภัยแล้ง")  # builds and saves the matrix
    builds = []
    real_build = Bm25Matrix.build
    monkeypatch.setattr(Bm25Matrix, "build", lambda *a, **k: builds.append(1) or real_build(*a, **k))
    flood = "ให้เทศบาลจัดทำแผนเผชิญเหตุอุทกภัยระดับชุมชน"
    index.replace_document(make_minutes("f.txt", [("action", flood), ("action", WASTE)]))
    hits = index.search("แผนเผชิญเหตุอุทกภัย", limit=3)
    assert hits and hits[0].text == flood and not builds
    assert isinstance(index._refresh()[1], DeltaBm25)
    index.remove_document(sample_minutes().id)  # most units gone: past the delta's share
    monkeypatch.setattr(bm25_module, "DELTA_MIN", 0)
    monkeypatch.setattr("prachum.search.index.DELTA_MIN", 0)
    hits = index.search("น้ำสูญเสีย ภัยแล้ง", limit=5)
    assert builds and all(h.text not in (DROUGHT, WATER_LOSS) for h in hits)
