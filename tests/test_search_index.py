"""SearchIndex with the hashing embedder: real Chroma, BM25 and SQLite in a temp dir."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from test_search_helpers import DROUGHT, UNIVERSITY, WASTE, WATER_LOSS, make_minutes, sample_minutes

from prachum.errors import IndexMismatch, InvalidInput
from prachum.search.embed import HashingEmbedder
from prachum.search.index import SearchIndex
from prachum.search.results import SearchFilters


class CountingEmbedder(HashingEmbedder):
    def __init__(self) -> None:
        super().__init__(128)
        self.passages_embedded = 0

    def embed_passages(self, texts):
        self.passages_embedded += len(texts)
        return super().embed_passages(texts)


@pytest.fixture
def index(tmp_path: Path) -> SearchIndex:
    return SearchIndex(tmp_path / "index", HashingEmbedder(128))


def test_item_found_with_exact_span_and_marked_words(index: SearchIndex) -> None:
    minutes = sample_minutes()
    written = index.replace_document(minutes)
    assert written > len(minutes.items)  # items plus passages
    hits = index.search("ภัยแล้ง แหล่งน้ำสำรอง", limit=5)
    assert hits, "no hit for words that are in the document"
    top = hits[0]
    assert top.text == minutes.document.text[top.span[0] : top.span[1]]
    assert "ภัยแล้ง" in top.text
    marked = [top.text[s:e] for s, e in top.highlights]
    assert any("แล้ง" in m for m in marked)
    assert "<mark>" in top.snippet_html
    assert top.doc == "m1.txt" and top.doc_id == minutes.id and top.meeting_date == "2023-02-03"


def test_text_outside_items_is_findable(index: SearchIndex) -> None:
    minutes = sample_minutes()
    index.replace_document(minutes)
    hits = index.search("บรรทัดที่ 7 งานประจำ")
    assert hits and hits[0].kind is None and hits[0].item_id is None
    assert "บรรทัดที่ 7" in hits[0].text


@pytest.mark.parametrize(
    ("filters", "expected_texts"),
    [
        (SearchFilters(kind="resolution"), {WASTE}),
        (SearchFilters(sdg=6, kind="action"), {DROUGHT, WATER_LOSS}),
        (SearchFilters(status="done"), {WATER_LOSS}),
    ],
)
def test_filters_keep_only_matching_items(index: SearchIndex, filters, expected_texts) -> None:
    index.replace_document(sample_minutes())
    hits = index.search("ภัยแล้ง ขยะ น้ำ มหาวิทยาลัย", limit=20, filters=filters)
    assert {h.text for h in hits} == expected_texts


def test_agency_filter_accepts_abbreviation_thai_and_english_names(index: SearchIndex) -> None:
    index.replace_document(sample_minutes())
    for agency in ("มท.", "กระทรวงมหาดไทย", "ministry of interior"):
        hits = index.search("แผนพัฒนาจังหวัด", limit=20, filters=SearchFilters(agency=agency))
        assert hits and all("มท." in h.text for h in hits), agency
    assert index.search("แผน", filters=SearchFilters(agency="กระทรวงการคลัง")) == []


def test_date_and_body_filters(index: SearchIndex) -> None:
    index.replace_document(sample_minutes())
    other = make_minutes("m2.txt", [("action", DROUGHT)], date="2024-06-01", body="คณะกรรมการจังหวัดเชียงใหม่")
    index.replace_document(other)
    since = index.search("ภัยแล้ง", limit=20, filters=SearchFilters(since="2024-01-01"))
    assert since and {h.doc for h in since} == {"m2.txt"}
    until = index.search("ภัยแล้ง", limit=20, filters=SearchFilters(until="2023-12-31"))
    assert until and {h.doc for h in until} == {"m1.txt"}
    body = index.search("ภัยแล้ง", limit=20, filters=SearchFilters(body="เชียงใหม่"))
    assert body and {h.doc for h in body} == {"m2.txt"}


def test_status_from_the_register_overrides_the_items_own(index: SearchIndex) -> None:
    minutes = sample_minutes()
    index.replace_document(minutes)
    university = next(i for i in minutes.items if i.text == UNIVERSITY)
    register = {university.id: "closed"}
    hits = index.search("มหาวิทยาลัย", filters=SearchFilters(status="closed", status_of=register))
    assert [h.item_id for h in hits] == [university.id]
    hits = index.search("มหาวิทยาลัย", filters=SearchFilters(status="closed", status_of=register.get))
    assert [h.item_id for h in hits] == [university.id]


def test_bad_filters_name_the_value() -> None:
    with pytest.raises(InvalidInput, match="'opinion'"):
        SearchFilters(kind="opinion")
    with pytest.raises(InvalidInput, match="18"):
        SearchFilters(sdg=18)
    with pytest.raises(InvalidInput, match="3/2/2566"):
        SearchFilters(since="3/2/2566")


def test_replacing_and_removing_documents(index: SearchIndex) -> None:
    first = sample_minutes()
    index.replace_document(first)
    second = make_minutes("m1.txt", [("action", "โครงการโซลาร์เซลล์บนหลังคาอาคารราชการ")], salt="v2")
    index.remove_document(first.id)
    index.replace_document(second)
    assert index.indexed_doc_ids() == {second.id}
    assert all(h.doc_id == second.id for h in index.search("ภัยแล้ง มหาวิทยาลัย", limit=50))
    assert index.vectors.count() == index.catalog.count()
    index.remove_document(second.id)
    assert index.indexed_doc_ids() == set()
    assert index.search("โซลาร์เซลล์") == []


def test_reopened_index_answers_the_same(tmp_path: Path) -> None:
    first = SearchIndex(tmp_path / "ix", HashingEmbedder(128))
    first.replace_document(sample_minutes())
    before = [(h.span, h.doc) for h in first.search("ขยะอินทรีย์")]
    assert before
    again = SearchIndex(tmp_path / "ix", HashingEmbedder(128))
    assert [(h.span, h.doc) for h in again.search("ขยะอินทรีย์")] == before


def test_index_refuses_another_embedder_until_cleared(tmp_path: Path) -> None:
    SearchIndex(tmp_path / "ix", HashingEmbedder(128)).replace_document(sample_minutes())
    other = SearchIndex(tmp_path / "ix", HashingEmbedder(64))
    with pytest.raises(IndexMismatch, match="prachum reindex"):
        other.search("ขยะ")
    with pytest.raises(IndexMismatch):
        other.replace_document(sample_minutes())
    other.clear()
    other.replace_document(sample_minutes())
    assert other.search("ขยะอินทรีย์")


def test_embeddings_are_cached_by_content(tmp_path: Path) -> None:
    embedder = CountingEmbedder()
    index = SearchIndex(tmp_path / "ix", embedder)
    minutes = sample_minutes()
    index.replace_document(minutes)
    first = embedder.passages_embedded
    assert first > 0
    index.replace_document(minutes)
    assert embedder.passages_embedded == first


def test_search_many_matches_single_searches(index: SearchIndex) -> None:
    index.replace_document(sample_minutes())
    queries = ["ภัยแล้ง", "มหาวิทยาลัย วิจัย", "water loss"]
    batch = index.search_many(queries, limit=5)
    assert [[h.span for h in hits] for hits in batch] == [
        [h.span for h in index.search(q, limit=5)] for q in queries
    ]


def test_hits_do_not_repeat_the_same_passage(index: SearchIndex) -> None:
    index.replace_document(sample_minutes())
    hits = index.search("ขยะอินทรีย์ในครัวเรือน", limit=20)
    for i, a in enumerate(hits):
        for b in hits[i + 1 :]:
            if a.doc_id == b.doc_id:
                inter = min(a.span[1], b.span[1]) - max(a.span[0], b.span[0])
                assert inter < 0.6 * min(a.span[1] - a.span[0], b.span[1] - b.span[0])


def test_empty_query_and_bad_limit_are_refused(index: SearchIndex) -> None:
    with pytest.raises(InvalidInput):
        index.search("   ")
    with pytest.raises(InvalidInput):
        index.search("ขยะ", limit=0)


def test_write_lock_excludes_other_processes(index: SearchIndex) -> None:
    probe = textwrap.dedent(
        f"""
        import fcntl, sys
        with open({str(index.index_dir / "write.lock")!r}, "a+") as f:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                sys.exit(7)
        """
    )
    with index.write_lock(), index.write_lock():  # re-entrant in one process
        assert subprocess.run([sys.executable, "-c", probe]).returncode == 7
    assert subprocess.run([sys.executable, "-c", probe]).returncode == 0


def test_filtered_search_ranks_the_allowed_units_like_unfiltered(index: SearchIndex) -> None:
    index.replace_document(sample_minutes())
    plain = [h for h in index.search("ลดน้ำสูญเสียในระบบประปา", limit=30) if h.kind == "action"]
    filtered = index.search("ลดน้ำสูญเสียในระบบประปา", limit=3, filters=SearchFilters(kind="action"))
    assert filtered[0].text == WATER_LOSS == plain[0].text


def test_broad_filters_over_fetch_from_the_ann_index(
    index: SearchIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    import prachum.search.index as index_module

    index.replace_document(sample_minutes())
    exact = index.search("ลดน้ำสูญเสียในระบบประปา", limit=3, filters=SearchFilters(kind="action"))
    monkeypatch.setattr(index_module, "EXACT_MAX_UNITS", 0)  # every filter now goes through Chroma
    via_ann = index.search("ลดน้ำสูญเสียในระบบประปา", limit=3, filters=SearchFilters(kind="action"))
    assert [h.span for h in via_ann] == [h.span for h in exact]
    assert all(h.kind == "action" for h in via_ann)


def test_a_reader_sees_what_another_process_indexed(tmp_path: Path) -> None:
    reader = SearchIndex(tmp_path / "ix", HashingEmbedder(128))
    reader.replace_document(make_minutes("a.txt", [("action", DROUGHT)]))
    assert reader.search("ภัยแล้ง")
    writer = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from pathlib import Path
        from prachum.search.embed import HashingEmbedder
        from prachum.search.index import SearchIndex
        from test_search_helpers import make_minutes
        index = SearchIndex(Path({str(tmp_path / "ix")!r}), HashingEmbedder(128))
        index.replace_document(make_minutes("b.txt", [("action", "โครงการโซลาร์เซลล์บนหลังคาอาคารราชการ")]))
        """
    )
    subprocess.run([sys.executable, "-c", writer], check=True)
    hits = reader.search("โซลาร์เซลล์ หลังคา", filters=None)
    assert hits and hits[0].doc == "b.txt"
    ranked = reader._dense(reader.embedder.embed_queries(["โซลาร์เซลล์ หลังคา"]), 5, reader._view, None)[0]
    assert any(reader._view.uids[pos].startswith(hits[0].doc_id) for pos, _ in ranked)


def test_english_agency_name_finds_the_thai_abbreviation(index: SearchIndex) -> None:
    from prachum.search.query import expand_query

    if "มท." not in expand_query("Ministry of Interior"):
        pytest.skip("the gazetteer does not know the Ministry of Interior")
    index.replace_document(sample_minutes())
    hits = index.search("Ministry of Interior", limit=3)
    assert hits and "มท." in hits[0].text
    assert any(hits[0].text[s:e] == "มท." for s, e in hits[0].highlights)


TPMAP_ONE = "ควรบูรณาการข้อมูลจากระบบ TPMAP เพื่อระบุกลุ่มเป้าหมายคนจนให้ตรงจุด"
TPMAP_TWO = "ควรใช้ข้อมูล TPMAP ติดตามครัวเรือนยากจนเป็นรายจังหวัดทุกไตรมาส"
TPMAP_MORE = (
    "ควรเผยแพร่ข้อมูล TPMAP ระดับตำบลให้องค์กรปกครองส่วนท้องถิ่น",
    "ควรเชื่อมข้อมูล TPMAP กับข้อมูลสวัสดิการแห่งรัฐ",
)


def _tpmap_minutes():
    return make_minutes(
        "m2.txt",
        [
            (None, "ระเบียบวาระที่ 3 ที่ประชุมมีข้อเสนอแนะดังนี้"),
            ("recommendation", TPMAP_ONE),
            ("recommendation", TPMAP_TWO),
            *(("recommendation", text) for text in TPMAP_MORE),
        ],
    )


def test_an_item_takes_the_place_of_the_passage_holding_it(index: SearchIndex) -> None:
    """Every recommendation comes back itself, not the passage around them."""
    index.replace_document(_tpmap_minutes())
    hits = index.search("ข้อมูล TPMAP", limit=5)
    assert {h.text for h in hits} == {TPMAP_ONE, TPMAP_TWO, *TPMAP_MORE}
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def _row(kind: str | None, start: int, text: str, doc: str = "d1") -> tuple:
    # the catalog's unit row layout as `_hits` reads it: [2] doc id, [4:6] span, [6] kind, [13] text
    return (0, "uid", doc, "f.txt", start, start + len(text), kind, None, None, None, None, None, None, text)


def test_item_in_place_only_when_the_items_hold_every_matched_word() -> None:
    from prachum.search.results import item_in_place

    head, first, second = "วาระที่ 3 ข้อเสนอแนะ\n", TPMAP_ONE + "\n", TPMAP_TWO
    passage = _row(None, 0, head + first + second)
    items = [
        _row("recommendation", len(head) + len(first), TPMAP_TWO),
        _row("recommendation", len(head), TPMAP_ONE),
    ]
    rows = [passage, *items]
    # the best ranked item inside the passage takes its place
    assert item_in_place(passage, rows, {"tpmap"}, {}) == items[0]
    # a matched word outside the items keeps the passage
    assert item_in_place(passage, rows, {"tpmap", "วาระ"}, {}) == passage
    # items of another document, items already shown, no items, no matched word: the passage
    assert (
        item_in_place(passage, [passage, _row("recommendation", len(head), TPMAP_ONE, "d2")], {"tpmap"}, {})
        == passage
    )
    # an item already shown explains nothing: the other one alone does not hold every match
    assert item_in_place(passage, rows, {"tpmap"}, {"d1": [(items[0][4], items[0][5])]}) == passage
    assert item_in_place(passage, rows, {"บูรณาการ"}, {"d1": [(items[0][4], items[0][5])]}) == items[1]
    assert item_in_place(passage, [passage], {"tpmap"}, {}) == passage
    assert item_in_place(passage, rows, {"ไม่มีคำนี้"}, {}) == passage
