"""Normalisation keeps an offset map: every span of the normalised text maps back into the source."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from prachum.nlp.normalise import fold_thai_digits, normalise

THAI_CHARS = st.characters(min_codepoint=0x0E01, max_codepoint=0x0E5B)
NOISE = st.sampled_from(["\u200b", "\ufeff", "\u00a0", "\u0e4d", "\u0e32", "\u0e48", " ", "\n", "e\u0301", "A"])
TEXTS = st.lists(st.one_of(THAI_CHARS, NOISE, st.characters()), max_size=80).map("".join)


def test_zero_width_removed_and_sara_am_composed() -> None:
    source = "\ufeffค\u200bน น\u0e4d\u0e32 ค่\u0e4d\u0e32"
    result = normalise(source)
    assert result.text == "คน นำ ค่ำ"
    start = result.text.index("นำ")
    assert source[slice(*result.to_source((start, start + 2)))] == "น\u0e4d\u0e32"


def test_no_break_space_becomes_space_and_nfc_applies() -> None:
    assert normalise("a\u00a0e\u0301").text == "a é"


@given(TEXTS)
def test_spans_always_map_back_in_order(source: str) -> None:
    result = normalise(source)
    assert len(result.offsets) == len(result.text) + 1
    assert list(result.offsets) == sorted(result.offsets)
    n = len(result.text)
    for start in range(0, n + 1, max(1, n // 7)):
        for end in range(start, n + 1, max(1, n // 5)):
            s, e = result.to_source((start, end))
            assert 0 <= s <= e <= len(source)


@given(TEXTS)
def test_normalising_twice_changes_nothing(source: str) -> None:
    once = normalise(source).text
    assert normalise(once).text == once


def test_thai_digits_fold_one_for_one() -> None:
    assert fold_thai_digits("๑๔ พ.ย. ๒๕๖๖") == "14 พ.ย. 2566"
