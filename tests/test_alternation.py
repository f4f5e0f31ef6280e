"""`longest_first` finds exactly what a flat longest-first alternation finds, only faster."""

from __future__ import annotations

import random
import re

import pytest

from prachum.nlp.alternation import longest_first

THAI_WORDS = ["น้ำ", "น้ำบาดาล", "น้ำเสีย", "ป่า", "ป่าไม้", "ป่าชายเลน", "ความยากจน", "ความ", "ขยะ", "ขยะมูลฝอย"]
LATIN_WORDS = ["UN", "UNDP", "water", "Water supply", "SDG", "SDGs", "poverty", "WHO"]


def _flat(phrases: list[tuple[str, str]], flags: int) -> re.Pattern[str]:
    ordered = sorted(dict(phrases).items(), key=lambda pair: len(pair[0]), reverse=True)
    return re.compile("|".join(f"(?:{p})" for _, p in ordered), flags)


def _latin(word: str) -> str:
    return rf"(?<![A-Za-z0-9]){re.escape(word).replace(chr(92) + ' ', chr(92) + 's*')}(?![A-Za-z0-9])"


@pytest.mark.parametrize("flags", [0, re.IGNORECASE])
@pytest.mark.parametrize("seed", range(5))
def test_same_matches_as_the_flat_alternation(flags: int, seed: int) -> None:
    rng = random.Random(seed)
    phrases = [(w, re.escape(w)) for w in rng.sample(THAI_WORDS, 7)]
    phrases += [(w, _latin(w)) for w in rng.sample(LATIN_WORDS, 5)]
    pieces = THAI_WORDS + LATIN_WORDS + ["water", "un", "Who", " ", "  ", "xUNDP", "UNDPx", "มี", "ๆ", "1", "-"]
    text = "".join(rng.choice(pieces) + rng.choice(["", "", " "]) for _ in range(400))
    fast, flat = longest_first(phrases, flags), _flat(phrases, flags)
    assert fast is not None
    assert [m.span() for m in fast.finditer(text)] == [m.span() for m in flat.finditer(text)]
    assert fast.sub("#", text) == flat.sub("#", text)


def test_longest_phrase_wins_and_case_follows_the_flags() -> None:
    pattern = longest_first([(w, re.escape(w)) for w in ("ป่า", "ป่าชายเลน", "un", "UNDP")], re.IGNORECASE)
    assert pattern is not None
    found = [m.group() for m in pattern.finditer("ฟื้นฟูป่าชายเลนและป่า โดย undp")]
    assert found == ["ป่าชายเลน", "ป่า", "undp"]
    strict = longest_first([("UN", "UN")])
    assert strict is not None and strict.search("un") is None


def test_no_phrases_and_bad_phrases() -> None:
    assert longest_first([]) is None
    with pytest.raises(ValueError, match="visible character"):
        longest_first([(" น้ำ", r"\s*น้ำ")])
