"""The demo corpus in corpus/samples: its hand annotations stay exact and its binaries stay real.

These guard the data other tests and benches score against: a span that drifts after a sample
is edited, a follow-up row that names a vanished item, or a PDF that no longer carries its source
text would silently corrupt every score built on them.
"""

from __future__ import annotations

import importlib.util
import json
import pathlib
import re
import unicodedata

import pytest

SAMPLES = pathlib.Path(__file__).resolve().parents[1] / "corpus" / "samples"
GOLD_FILES = sorted((SAMPLES / "expected").glob("*.gold.json"))
TEXT_SAMPLES = sorted(SAMPLES.glob("*.txt"))


def _checker():
    spec = importlib.util.spec_from_file_location("check_expected", SAMPLES / "check_expected.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _gold(path: pathlib.Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _sample_for(gold_path: pathlib.Path) -> str:
    name = gold_path.name[: -len(".gold.json")]
    return (SAMPLES / f"{name}.txt").read_text(encoding="utf-8")


def test_every_text_sample_is_annotated():
    annotated = {p.name[: -len(".gold.json")] for p in GOLD_FILES}
    assert annotated == {p.stem for p in TEXT_SAMPLES}


@pytest.mark.parametrize("gold_path", GOLD_FILES, ids=lambda p: p.name)
def test_annotation_spans_match_the_sample_text(gold_path):
    gold = _gold(gold_path)
    text = _sample_for(gold_path)
    assert _checker().check_gold(gold, text) == []
    for item in gold["items"]:
        start, end = item["span"]
        assert text[start:end] == item["text"]


@pytest.mark.parametrize("gold_path", GOLD_FILES, ids=lambda p: p.name)
def test_recomputing_spans_changes_nothing(gold_path):
    """The committed spans are the reading-order occurrences that ``--fix`` would write."""
    gold = _gold(gold_path)
    recomputed = json.loads(json.dumps(gold))
    _checker().fix_spans(recomputed, _sample_for(gold_path))
    assert [i["span"] for i in recomputed["items"]] == [i["span"] for i in gold["items"]]


@pytest.mark.parametrize("sample", TEXT_SAMPLES, ids=lambda p: p.name)
def test_samples_are_clean_utf8_nfc(sample):
    raw = sample.read_bytes()
    text = raw.decode("utf-8")
    assert not raw.startswith(b"\xef\xbb\xbf") and "\r" not in text
    assert unicodedata.normalize("NFC", text) == text
    assert not re.search("[\u200b-\u200d\ufeff]", text)


def test_followups_link_the_second_meeting_to_the_first():
    checker = _checker()
    golds = {checker.doc_key(p.name[: -len(".gold.json")]): _gold(p) for p in GOLD_FILES}
    assert checker.check_follows_up(golds["02"], golds) == []
    rows = golds["02"]["follows_up"]
    assert {(row[0], row[2]) for row in rows} == {("02", "01")}
    statuses = set()
    for row in rows:
        item = next(i for i in golds["02"]["items"] if i["text"].startswith(row[1]))
        statuses.add(item.get("status"))
    assert {"done", "in_progress", "not_started"} <= statuses


def test_district_sample_uses_only_thai_digits():
    text = (SAMPLES / "04_district_flood_thai_digits.txt").read_text(encoding="utf-8")
    assert not re.search("[0-9]", text)
    assert re.search("[๐-๙]{4}", text)


def test_ministry_docx_has_table_word_numbering_and_resolutions():
    import docx
    from docx.oxml.ns import qn

    document = docx.Document(str(SAMPLES / "06_ministry_meeting.docx"))
    (table,) = document.tables
    header = [cell.text for cell in table.rows[0].cells]
    assert header == ["ลำดับ", "ชื่อ-สกุล", "ตำแหน่ง", "หน่วยงาน"]
    assert len(table.rows) >= 6
    numbered = [p for p in document.paragraphs if p.style.name == "List Number"]
    assert len(numbered) >= 3
    # Word numbering: the numbers live in the style's numPr, never in the paragraph text.
    assert document.styles["List Number"].element.find(f".//{qn('w:numPr')}") is not None
    assert not any(re.match(r"\s*\d+[.)]", p.text) for p in numbered)
    assert sum(p.text.startswith("มติที่ประชุม") for p in document.paragraphs) >= 3


def test_provincial_pdf_is_a_two_page_text_pdf_of_its_source():
    import pypdfium2

    source = (SAMPLES / "07_provincial_meeting.source.txt").read_text(encoding="utf-8")
    pdf = pypdfium2.PdfDocument(str(SAMPLES / "07_provincial_meeting.pdf"))
    try:
        assert len(pdf) == 2
        text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()

    def squash(s: str) -> str:
        return re.sub(r"\s+", "", unicodedata.normalize("NFC", s))

    # Line wrapping only adds whitespace: without it, the PDF's text layer is the source.
    assert squash(text) == squash(source)
