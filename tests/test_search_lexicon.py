"""English queries over Thai text: language detection, the English→Thai lexicon, concept
scoring and the concept rerank."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_search_helpers import DROUGHT, WASTE, WATER_LOSS, make_minutes

from prachum.search.bm25 import Bm25Matrix
from prachum.search.embed import HashingEmbedder
from prachum.search.hybrid import FusionParams
from prachum.search.index import SearchIndex
from prachum.search.lexicon import Lexicon, fold_word, load_lexicon, query_language
from prachum.search.query import lexical_query, untranslated_words
from prachum.search.rerank import concept_share, rerank


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("ความร่วมมือกับมหาวิทยาลัย", "th"),
        ("public participation in provincial planning", "en"),
        ("ปรับตัวชี้วัด SDGs ให้เหมาะกับท้องถิ่น", "th"),  # a Latin acronym inside a Thai query
        ("SDG ของ มท.", "th"),
        ("drought plan of อบต.", "en"),  # mostly English, one Thai abbreviation
        ("2567", "th"),  # no letters: BM25 takes it as it is
    ],
)
def test_query_language(text: str, language: str) -> None:
    assert query_language(text) == language


def test_plural_and_possessive_endings_are_folded() -> None:
    assert [fold_word(w) for w in ("policies", "taxes", "drones", "women's", "bus", "process")] == [
        "policy",
        "tax",
        "drone",
        "women",
        "bus",
        "process",
    ]


LEXICON = Lexicon.from_rows(
    [
        ("flood", "อุทกภัย|น้ำท่วม"),
        ("response plan", "แผนเผชิญเหตุ"),
        ("plan", "แผน"),
        ("develop", "พัฒนา"),
        ("revise", "ปรับปรุง"),
        ("community", "ชุมชน"),
        ("flood", "น้ำหลาก"),  # a repeated key adds alternatives
    ]
)


def test_longest_phrase_wins_and_inflections_meet_their_entry() -> None:
    t = LEXICON.translate("Communities revised their flood response plans while developing")
    assert [(c.english, c.thai) for c in t.concepts] == [
        ("communities", ("ชุมชน",)),
        ("revised", ("ปรับปรุง",)),
        ("flood", ("อุทกภัย", "น้ำท่วม", "น้ำหลาก")),
        ("response plans", ("แผนเผชิญเหตุ",)),
        ("developing", ("พัฒนา",)),
    ]
    # "their" is a stop word and "while" a function word: neither counts against coverage
    assert t.coverage == 1.0 and t.uncovered == ()


def test_coverage_counts_content_words_only_and_numbers_are_left_as_they_are() -> None:
    t = LEXICON.translate("flood budget for 2024")
    assert t.content_words == 2 and t.covered == 1
    assert t.uncovered == ("budget",)


def test_bundled_lexicon_holds_curated_words_agency_names_and_sdg_goals() -> None:
    lexicon = load_lexicon()
    assert len(lexicon) > 800
    names = {c.english: c.thai for c in lexicon.translate("Ministry of Interior drought").concepts}
    assert "กระทรวงมหาดไทย" in names["ministry of interior"] and "มท." in names["ministry of interior"]
    assert "ภัยแล้ง" in names["drought"]
    goals = {c.english: c.thai for c in lexicon.translate("gender equality").concepts}
    assert goals and any("เพศ" in t for t in goals["gender equality"])


def test_english_query_gets_one_group_per_concept_and_thai_query_none() -> None:
    english = lexical_query("drought preparedness plan")
    assert english.language == "en" and english.coverage == 1.0
    assert len(english.groups) == 3 and all(g.kind == "lexicon" for g in english.groups)
    thai = lexical_query("เตรียมรับมือภัยแล้ง")
    assert thai.language == "th" and all(g.kind != "lexicon" for g in thai.groups)
    assert untranslated_words("flood xylophone") == ["xylophone"]
    assert untranslated_words("น้ำท่วม xylophone") == []


def test_a_group_scores_its_best_alternative_not_their_sum() -> None:
    bm25 = Bm25Matrix.build([["น้ำท่วม", "อุทกภัย"], ["น้ำท่วม"], ["ขยะ"]])
    query = lexical_query("flood", expand=False)
    scores = query.scores(bm25)
    one = bm25.scores(["น้ำท่วม"])
    both = bm25.scores(["น้ำท่วม", "อุทกภัย"])
    assert scores[0] < both[0]  # a text with two names of one concept is not counted twice
    assert scores[1] == pytest.approx(one[1]) and scores[2] == 0


def test_fusion_gives_bm25_more_say_the_more_of_an_english_query_is_translated() -> None:
    params = FusionParams(bm25_weight=1.0, bm25_weight_latin=0.2, bm25_weight_translated=1.0)
    assert params.bm25_weight_for("th", 0.0) == 1.0
    assert params.bm25_weight_for("en", 0.0) == pytest.approx(0.2)
    assert params.bm25_weight_for("en", 0.5) == pytest.approx(0.6)
    assert params.bm25_weight_for("en", 1.0) == pytest.approx(1.0)


def test_concepts_are_found_across_different_word_cuts() -> None:
    text = "วัตถุประสงค์ เพื่อปรับโครงสร้างหนี้เงินกู้ระยะสั้นของ สพพ. ด้วยพันธบัตรเพื่อสังคม"
    concepts = [(("ปรับโครงสร้าง",),), (("ระยะสั้น",),), (("พันธบัตร",),), (("ภาษี",),)]
    assert concept_share(text, concepts) == pytest.approx(0.75)
    assert concept_share("Social Bond issued", [(("bond",),), (("bon",),)]) == pytest.approx(
        0.5
    )  # Latin: whole words
    fused = [(1, 1.0), (2, 0.95), (3, 0.5)]
    texts = {1: "ขยะ", 2: "ปรับโครงสร้างหนี้ระยะสั้น"}  # row 3 is beyond the reranked head
    assert [r for r, _ in rerank(fused, texts, concepts, 0.3)] == [2, 1, 3]
    assert rerank(fused, texts, [], 0.3) == fused


def test_english_question_finds_the_thai_item_through_the_lexicon(tmp_path: Path) -> None:
    # the hashing embedder only matches shared words: the Thai item can be found only
    # through the lexicon's translation (no embedding translation for non-e5 models)
    index = SearchIndex(tmp_path / "ix", HashingEmbedder(128))
    flood = "ให้เทศบาลจัดทำแผนเผชิญเหตุอุทกภัยระดับชุมชนส่งอำเภอภายในวันที่ 30 กันยายน"
    index.replace_document(
        make_minutes(
            "f.txt", [("action", flood), ("action", DROUGHT), ("resolution", WASTE), ("action", WATER_LOSS)]
        )
    )
    hits = index.search("community flood response plans", limit=3)
    assert hits and hits[0].text == flood
    assert any(hits[0].text[s:e] == "อุทกภัย" for s, e in hits[0].highlights)
    assert lexical_query("community flood response plans", translate=False).groups == ()


def test_fusion_method_follows_the_query_language() -> None:
    from prachum.search.hybrid import fuse

    lexical = [(1, 9.0), (2, 2.0), (3, 1.0)]
    dense = [(2, 0.80), (3, 0.797), (1, 0.795), (4, 0.2)]
    params = FusionParams(method="score", method_thai="rrf", concept_weight=0.0)
    assert params.method_for("th") == "rrf" and params.method_for("en") == "score"
    # rank fusion sees row 2 high in both lists; the score sum sees row 1's large BM25 lead
    # and its near-best cosine
    assert fuse(lexical, dense, params, language="th")[0][0] == 2
    assert fuse(lexical, dense, params, language="en", coverage=1.0)[0][0] == 1


def test_thai_default_takes_the_first_answer_by_rank_and_the_rest_by_score() -> None:
    from prachum.search.hybrid import RRF_FIRST, fuse, lead_with

    lexical = [(1, 9.0), (2, 2.0), (3, 1.0)]
    dense = [(2, 0.80), (3, 0.797), (1, 0.795), (4, 0.2)]
    params = FusionParams(concept_weight=0.0)
    assert params.method_for("th") == RRF_FIRST
    by_rank = fuse(lexical, dense, params, language="th", method="rrf")
    by_score = fuse(lexical, dense, params, language="th", method="score")
    assert by_rank[0][0] == 2 and by_score[0][0] == 1
    fused = fuse(lexical, dense, params, language="th")
    assert [row for row, _ in fused] == [2] + [row for row, _ in by_score if row != 2]
    assert [s for _, s in fused] == sorted((s for _, s in fused), reverse=True)
    assert lead_with(None, by_score) == by_score and lead_with(7, []) == [(7, 0.0)]
    with pytest.raises(ValueError, match="rrf-first"):
        fuse(lexical, dense, params, language="th", method="bogus")
