"""SDG tagging: corpus integrity, explicit references, lexicon calibration, masking, minutes,
embedding batching and the vector cache. Fast: lexicon-only or small deterministic embedders."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from prachum.models import Item, SdgTag
from prachum.nlp import sdg_tagger
from prachum.nlp.sdg import SdgTagger, find_evidence, load_corpus

SHARED_SDG = Path("/work/shared/data/sdg")


@pytest.fixture(scope="module")
def lexical() -> SdgTagger:
    return SdgTagger(None)


def goals(tags: tuple[SdgTag, ...]) -> set[int]:
    return {t.goal for t in tags}


# -- corpus -----------------------------------------------------------------------------------


def test_corpus_has_17_goals_and_169_targets_in_english_and_thai():
    corpus = load_corpus()
    assert [g.number for g in corpus.goals] == list(range(1, 18))
    assert len(corpus.targets) == 169
    thai = re.compile(r"[\u0e00-\u0e7f]")
    for item in (*corpus.goals, *corpus.targets):
        assert item.title_en.strip() and thai.search(item.title_th), item
    assert {t.goal for t in corpus.targets} == set(range(1, 18))


@pytest.mark.skipif(not SHARED_SDG.exists(), reason="shared UN texts not on this machine")
def test_english_targets_match_the_official_un_wording():
    yaml = pytest.importorskip("yaml")
    official = yaml.safe_load((SHARED_SDG / "global_targets.en.yml").read_text(encoding="utf-8"))
    official = {k[: -len("-title")].replace("-", "."): " ".join(v.split()) for k, v in official.items()}
    ours = {t.id: t.title_en for t in load_corpus().targets}
    assert ours == official


def test_lexicon_entries_point_at_real_targets_with_sane_weights():
    corpus = load_corpus()
    ids = {t.id for t in corpus.targets}
    seen = set()
    for term in corpus.terms:
        assert 0 < term.weight <= 1.0, term
        assert term.target is None or (term.target in ids and term.target.split(".")[0] == str(term.goal)), (
            term
        )
        assert (term.text.lower(), term.goal) not in seen, f"duplicate lexicon entry {term}"
        seen.add((term.text.lower(), term.goal))
    assert len({t.goal for t in corpus.terms}) == 17


# -- explicit references ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "goal", "target"),
    [
        ("สอดคล้องกับ SDG 5 (Gender Equality)", 5, None),
        ("โครงการนี้ตอบเป้าหมายที่ ๘ ของ SDGs", 8, None),
        ("ควรติดตามตัวชี้วัดที่ 5.5.2 สัดส่วนสตรีในตำแหน่งผู้บริหาร", 5, "5.5"),
        ("This supports Goal 13 and target 13.2.", 13, "13.2"),
        ("ผลักดัน SDG17", 17, None),
    ],
)
def test_explicit_references_name_their_goal(text, goal, target):
    explicit = [e for e in find_evidence(text) if e.explicit]
    assert goal in {e.goal for e in explicit}
    if target:
        assert target in {e.target for e in explicit}


def test_general_mentions_of_the_agenda_tag_no_goal(lexical):
    for text in (
        "ที่ประชุมรับทราบความก้าวหน้าการขับเคลื่อน SDGs ทั้ง 17 เป้าหมาย",
        "คณะอนุกรรมการติดตามเป้าหมายการพัฒนาที่ยั่งยืนของสหประชาชาติ",
        "The Sustainable Development Goals 2030 agenda was discussed.",
        "แผนปฏิบัติการขับเคลื่อน SDGs ปี 2566",
    ):
        assert lexical.tag(text) == (), text


# -- lexicon evidence and calibration --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ควรบูรณาการข้อมูลจากระบบ TPMAP เพื่อระบุครัวเรือนยากจนและขจัดความยากจน", {1}),
        ("โครงการถังขยะเปียกลดโลกร้อนในทุกครัวเรือน", {12, 13}),
        ("ปัญหาน้ำเสียและน้ำประปาไม่เพียงพอในช่วงภัยแล้ง", {6}),
        ("ประสานภาคีเครือข่ายและลงนาม MOU กับ UN", {17}),
        ("The plan cuts greenhouse gas emissions from transport.", {13}),
        ("Women's leadership and gender equality in the civil service", {5}),
    ],
)
def test_staff_vocabulary_tags_the_right_goal(lexical, text, expected):
    assert goals(lexical.tag(text)) == expected


def test_a_weak_word_alone_does_not_tag(lexical):
    assert lexical.tag("ขอให้ภาคเอกชนส่งความเห็นภายในวันศุกร์") == ()
    assert lexical.tag("การวิจัยครั้งนี้ใช้แบบสอบถาม") == ()


def test_agency_and_office_names_are_not_evidence(lexical):
    text = "ผู้อำนวยการสำนักงานทรัพยากรธรรมชาติและสิ่งแวดล้อมจังหวัดขอนแก่น และผู้แทนสำนักงานแรงงานจังหวัด (ติดราชการ)"
    assert lexical.tag(text) == ()


def test_every_tag_explains_itself_with_words_from_the_text(lexical):
    text = "ขอให้ อปท. จัดทำระบบบำบัดน้ำเสียชุมชน และส่งเสริมการใช้พลังงานแสงอาทิตย์ในโรงเรียน"
    tags = lexical.tag(text)
    assert {6, 7} <= goals(tags)
    for tag in tags:
        assert tag.evidence and all(e in text for e in tag.evidence), tag
        assert tag.targets and all(t.target.split(".")[0] == str(tag.goal) for t in tag.targets)
        assert 0 < tag.score <= 1


def test_thai_digits_and_empty_texts(lexical):
    assert goals(lexical.tag("สอดคล้องกับ SDG ๑๓")) == {13}
    assert lexical.tag("") == ()
    assert lexical.tag_many([]) == []


def test_tag_many_equals_tag_one_by_one(lexical):
    texts = ["ลดความเหลื่อมล้ำ", "ที่ประชุมรับทราบ", "ป้องกันการทุจริตและประพฤติมิชอบ", "SDG 4 education"]
    assert lexical.tag_many(texts) == [lexical.tag(t) for t in texts]


# -- minutes ----------------------------------------------------------------------------------

MINUTES = """รายงานการประชุมคณะกรรมการจังหวัด
ผู้มาประชุม
1. ผู้อำนวยการสำนักงานทรัพยากรธรรมชาติและสิ่งแวดล้อมจังหวัด กรรมการ

ประธานแจ้งว่า จังหวัดมีนโยบายลดการปล่อยก๊าซเรือนกระจกจากภาคขนส่ง

มติที่ประชุม มอบหมายให้ท้องถิ่นจังหวัดขยายระบบประปาหมู่บ้านให้ครบทุกตำบล
"""


def _item(text: str, kind: str = "resolution") -> Item:
    start = MINUTES.index(text)
    return Item(id=f"i{start}", kind=kind, text=text, span=(start, start + len(text)))


def test_tag_minutes_fills_items_and_lists_the_documents_goals(lexical):
    item = _item("มอบหมายให้ท้องถิ่นจังหวัดขยายระบบประปาหมู่บ้านให้ครบทุกตำบล")
    items, doc = lexical.tag_minutes(MINUTES, [item])
    assert goals(items[0].sdg) == {6}
    assert items[0].text == item.text and items[0].span == item.span  # only sdg changes
    assert goals(doc) == {6, 13}  # 13 from the chair's announcement, not an item; no 15 from the office
    assert all(tag.evidence for tag in doc)


def test_tag_minutes_without_items_uses_the_passages(lexical):
    _, doc = lexical.tag_minutes(MINUTES, [])
    assert goals(doc) == {6, 13}


# -- embeddings -------------------------------------------------------------------------------


class CountingEmbedder:
    """Deterministic character-trigram vectors; counts calls so tests can check batching."""

    name = "counting-trigram"
    dim = 512

    def __init__(self) -> None:
        self.passage_calls = 0
        self.query_calls = 0

    def _vectors(self, texts):
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for i in range(max(len(text) - 2, 1)):
                out[row, hash(text[i : i + 3]) % self.dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return out / norms

    def embed_passages(self, texts):
        self.passage_calls += 1
        return self._vectors(list(texts))

    def embed_queries(self, texts):
        self.query_calls += 1
        return self._vectors(list(texts))


@pytest.fixture()
def fresh_vectors(monkeypatch):
    monkeypatch.setattr(sdg_tagger, "_TARGET_VECTORS", {})


def test_batch_embeds_in_one_call_and_targets_once(fresh_vectors):
    embedder = CountingEmbedder()
    tagger = SdgTagger(embedder)
    texts = ["ลดการปล่อยก๊าซเรือนกระจก", "ขจัดความยากจน", "ไม่มีหลักฐานใด ๆ", "น้ำเสียจากชุมชน", "SDG 5"]
    tagged = tagger.tag_many(texts)
    # texts are embedded as passages, like the target descriptions: one call each
    assert embedder.query_calls == 0 and embedder.passage_calls == 2
    tagger.tag_many(texts)
    assert embedder.passage_calls == 3  # target descriptions are embedded once per process
    assert goals(tagged[4]) == {5} and tagged[2] == ()
    for tags in tagged:
        for tag in tags:
            assert all(t.target.startswith(f"{tag.goal}.") for t in tag.targets)


def test_vector_cache_is_written_and_reused(tmp_path, fresh_vectors, monkeypatch):
    first = CountingEmbedder()
    SdgTagger(first, cache_dir=tmp_path).tag("ขจัดความยากจน")
    files = list(tmp_path.glob("sdg_vectors_*.npy"))
    assert len(files) == 1 and first.passage_calls == 2  # the descriptions, then the text
    monkeypatch.setattr(sdg_tagger, "_TARGET_VECTORS", {})  # as in a new process
    second = CountingEmbedder()
    tags = SdgTagger(second, cache_dir=tmp_path).tag("ขจัดความยากจน")
    assert second.passage_calls == 1 and goals(tags) == {1}  # the text only


def test_a_corrupt_cache_is_recomputed(tmp_path, fresh_vectors):
    embedder = CountingEmbedder()
    SdgTagger(embedder, cache_dir=tmp_path).target_vectors()
    cache = next(tmp_path.glob("sdg_vectors_*.npy"))
    cache.write_bytes(b"not a numpy file")
    sdg_tagger._TARGET_VECTORS.clear()
    again = CountingEmbedder()
    targets, procedural = SdgTagger(again, cache_dir=tmp_path).target_vectors()
    assert again.passage_calls == 1 and targets.shape[:2] == (169, 2) and len(procedural) > 0


def test_explicit_references_survive_any_embedding(fresh_vectors):
    tagger = SdgTagger(CountingEmbedder())
    assert goals(tagger.tag("ที่ประชุมรับทราบ ตามเป้าหมายการพัฒนาที่ยั่งยืนเป้าหมายที่ 16")) == {16}


def test_words_inside_law_titles_count_half(lexical):
    text = (
        "นำพระราชบัญญัติแรงงานทางทะเล พ.ศ. 2558 และพระราชบัญญัติคุ้มครองแรงงานในงานประมง พ.ศ. 2562 "
        "มาปรับปรุงเพื่อคุ้มครองสิทธิแรงงานและความปลอดภัยในการทำงาน"
    )
    in_title = [e for e in find_evidence(text) if e.surface in ("ทางทะเล", "ประมง")]
    assert in_title and all(e.weight <= 0.5 for e in in_title)
    assert goals(lexical.tag(text)) == {8}  # the labour law's subject, not the sea
