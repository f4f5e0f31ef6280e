"""Extraction never breaks on odd input, and its spans always index the text it was given."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from prachum.nlp.extract import extract

FIXTURES = Path(__file__).parent / "fixtures" / "extract"
MINUTES = (FIXTURES / "district_minutes_thai_digits.txt").read_text(encoding="utf-8")


def _spans_ok(text: str, extraction) -> None:
    for item in extraction.items:
        start, end = item.span
        assert 0 <= start < end <= len(text)
        assert text[start:end] == item.text
        assert item.text == item.text.strip()
        assert not item.text.startswith(("-", "•"))
    for agency in extraction.agencies:
        for start, end in agency.mentions:
            assert 0 <= start < end <= len(text)


def test_empty_and_blank_text():
    for text in ("", " ", "\n\n\t\n", "\ufeff", "\u200b\u200b"):
        ex = extract(text)
        assert ex.items == ()
        assert ex.meeting.title is None and ex.meeting.date is None


def test_only_boilerplate_gives_nothing():
    text = "17582496084746.jpg\n\nพิมพ์\n\nที่มา : https://www.thaigov.go.th/news/contents/details/1047\n"
    ex = extract(text)
    assert ex.items == ()
    assert ex.meeting.title is None


def test_invisible_characters_and_line_endings_do_not_change_the_items():
    clean = extract(MINUTES)
    variants = {
        "bom": "\ufeff" + MINUTES,
        "crlf": MINUTES.replace("\n", "\r\n"),
        "zwsp": MINUTES.replace("ให้", "ให้\u200b").replace("มติ", "\u200bมติ"),
        "nbsp": MINUTES.replace(" ", "\u00a0"),
    }
    for name, text in variants.items():
        ex = extract(text)
        _spans_ok(text, ex)
        assert [i.kind for i in ex.items] == [i.kind for i in clean.items], name
        assert [i.due for i in ex.items] == [i.due for i in clean.items], name
        assert ex.meeting.date == clean.meeting.date == "2024-07-12", name


def test_thai_and_arabic_digits_read_the_same():
    arabic = MINUTES.translate(str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789"))
    a, b = extract(arabic), extract(MINUTES)
    assert [(i.kind, i.due, i.status) for i in a.items] == [(i.kind, i.due, i.status) for i in b.items]
    assert (
        (a.meeting.start_time, a.meeting.end_time)
        == (b.meeting.start_time, b.meeting.end_time)
        == ("09:00", "11:30")
    )


def test_mixed_english_minutes():
    text = (
        "Minutes of the SDG Working Group\n"
        "มติที่ประชุม รับทราบ the progress report on SDG 13 (Climate Action)\n"
        "- ควรจัดทำ dashboard แสดงผล KPI ต่อสาธารณะ\n"
        "The meeting adjourned at 12.00.\n"
    )
    ex = extract(text)
    _spans_ok(text, ex)
    assert [i.kind for i in ex.items] == ["resolution", "recommendation"]


def test_one_megabyte_of_minutes():
    text = (MINUTES + "\n") * (1_000_000 // (len(MINUTES) + 1) + 1)
    text = text[:1_000_000]
    ex = extract(text, doc_name="big.txt")
    _spans_ok(text, ex)
    assert len(ex.items) > 500
    assert len({i.id for i in ex.items}) == len(ex.items)


def test_a_long_single_line_without_structure():
    text = ("ที่ประชุมรับทราบ และให้จังหวัดดำเนินการต่อไป โดยมีนายสมชาย ใจดี เป็นประธาน " * 2500)[:200_000]
    ex = extract(text)
    _spans_ok(text, ex)


_PIECES = st.sampled_from(
    [
        "มติที่ประชุม รับทราบ",
        "ระเบียบวาระที่ ๑",
        "1) ",
        "(2) ",
        "- ",
        "ให้จังหวัดดำเนินการ",
        "ขอให้ มท. รายงาน",
        "ภายในวันที่ ๓๐ เมษายน ๒๕๖๖",
        "ดังนี้",
        "อาทิเช่น",
        "ได้ดำเนินการแล้ว",
        "อยู่ระหว่าง",
        "\n",
        " ",
        "\u200b",
        "\ufeff",
        "\r\n",
        "ำ",
        "\u0e4d\u0e32",
        "ก",
        "ABC",
        ":",
    ]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_PIECES, max_size=40))
@example(["1) ", "- ", "มติที่ประชุม รับทราบ"])  # a bullet after a number: found by this test in CI
def test_any_mixture_of_minutes_pieces(pieces: list[str]):
    text = "".join(pieces)
    _spans_ok(text, extract(text, doc_name="h.txt"))
