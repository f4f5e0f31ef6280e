"""Thai text-layer checks and repairs on synthetic broken layers (no PDF needed)."""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prachum.ingest.pdf_repair import check_text_layer, repair_thai_text
from prachum.ingest.thai_pua import PUA_TO_THAI, map_thai_pua

CLEAN_LINES = [
    "มติที่ประชุม รับทราบ และมอบหมายให้กระทรวงมหาดไทยดำเนินการต่อไป",
    "ข้อเสนอแนะ ควรเร่งรัดการจัดทำแผนบริหารจัดการน้ำในพื้นที่ลุ่มน้ำ",
    "นายณัฐพล อุดมเมฆ ผู้แทนสำนักงานปลัดกระทรวง เข้าร่วมประชุมผ่าน Cisco Webex",
    "ศักดิ์สิทธิ์ พันธุ์ไม้ ยั่งยืน กี่ครั้ง ป้ำ ฟื้นฟู ญาติ ฐานข้อมูล กตัญญู",
    "วันที่ ๑๕ มีนาคม พ.ศ. ๒๕๖๖ เวลา 13.30 น. ณ ห้องประชุม 1 ชั้น 2",
]

TONES = "\u0e48\u0e49\u0e4a\u0e4b"
MARKS = "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d"
WIN_PUA = {thai: code for code, thai in PUA_TO_THAI.items() if code < 0xF800}


def spaced_marks(text: str) -> str:
    """How old PDF writers split marks from their consonant: 'ต้อง' -> 'ต ้อง'."""
    return re.sub(f"(?<=[\u0e01-\u0e2e])([{MARKS}])", r" \1", text)


def lost_sara_am(text: str) -> str:
    """Sara am whose nikhahit glyph had no Unicode: 'คำนำ' -> 'ค าน า'."""
    return text.replace("\u0e33", " \u0e32")


def decomposed_sara_am(text: str) -> str:
    """Sara am drawn as nikhahit + sara aa, in visual order before the tone: 'น้ำ' -> 'นํ้า'."""
    return re.sub(f"([{TONES}]?)\u0e33", "\u0e4d\\1\u0e32", text)


def legacy_pua(text: str) -> str:
    """Every mark that has a Windows PUA variant written as that variant."""
    return "".join(chr(WIN_PUA[c]) if c in WIN_PUA else c for c in text)


def mojibake(text: str) -> str:
    """Thai TIS-620 bytes decoded as Latin-1."""
    return text.encode("cp874").decode("latin-1")


@pytest.mark.parametrize("line", CLEAN_LINES)
def test_clean_thai_has_no_symptoms_and_is_left_alone(line: str) -> None:
    check = check_text_layer(line)
    assert check.symptoms == 0 and check.is_clean() and check.thai > 0
    repaired = repair_thai_text(line)
    assert repaired.text == line
    assert repaired.offsets == tuple(range(len(line)))
    assert not repaired.fixes


BREAKERS = (spaced_marks, lost_sara_am, decomposed_sara_am, legacy_pua)


@pytest.mark.parametrize(
    ("line", "breaker"),
    [(line, breaker) for line in CLEAN_LINES for breaker in BREAKERS if breaker(line) != line],
)
def test_each_breakage_is_detected_and_repaired(line: str, breaker) -> None:  # type: ignore[no-untyped-def]
    broken = breaker(line)
    assert check_text_layer(broken).symptoms > 0
    repaired = repair_thai_text(broken)
    assert repaired.text == line
    assert check_text_layer(repaired.text).is_clean()


def test_breakages_combined() -> None:
    line = "การดำเนินการตามข้อสั่งการ ต้องแล้วเสร็จภายในเดือนนี้ น้ำท่วมซ้ำซาก"
    broken = legacy_pua(spaced_marks(decomposed_sara_am(line)))
    assert repair_thai_text(broken).text == line


def test_marks_in_visual_order_and_doubled_marks_are_put_right() -> None:
    assert repair_thai_text("ก\u0e48\u0e35").text == "กี่"  # tone typed before the vowel
    assert repair_thai_text("ต\u0e49\u0e49อง").text == "ต้อง"
    check = check_text_layer("ก\u0e48\u0e35 ต\u0e49\u0e49อง")
    assert check.bad_order == 2


def test_mojibake_page_is_decoded_back_to_thai() -> None:
    line = CLEAN_LINES[0]
    broken = mojibake(line)
    assert not any("\u0e00" <= c <= "\u0e7f" for c in broken)
    check = check_text_layer(broken)
    assert check.mojibake > 0 and not check.is_usable()
    repaired = repair_thai_text(broken)
    assert repaired.text == line
    assert repaired.fixes["mojibake"] > 0


def test_latin_text_with_accents_is_not_taken_for_mojibake() -> None:
    text = "Réunion du comité: café, Müller, São Paulo"
    assert check_text_layer(text).mojibake == 0
    assert repair_thai_text(text).text == text


def test_mac_pua_variants_map_too() -> None:
    assert map_thai_pua("ต\uf88eอง \uf89aาติ") == "ต้อง ญาติ"
    assert all(len(thai) == 1 and "\u0e00" <= thai <= "\u0e7f" for thai in PUA_TO_THAI.values())


def test_unknown_private_use_characters_make_a_layer_unusable() -> None:
    junk = "".join(chr(0xE000 + random.Random(7).randrange(200)) for _ in range(40))
    check = check_text_layer("หัวเรื่อง " + junk)
    assert check.pua == 40
    assert not check.is_usable()
    assert not check_text_layer(repair_thai_text(junk).text).is_usable()


def test_orphan_marks_and_control_characters_are_counted() -> None:
    check = check_text_layer("\u0e48\u0e49 abc\x00\ufffd")
    assert check.orphan_marks == 1 and check.garbage == 2
    repaired = repair_thai_text("ก\x02ข\ufffd", drop_orphan_marks=True)
    assert repaired.text == "กข"
    assert repair_thai_text("\u0e48 abc", drop_orphan_marks=True).text == " abc"


def test_offsets_point_back_at_the_source_characters() -> None:
    source = "ผู้แทน ต ้อง ค าน า สำนักงาน"
    repaired = repair_thai_text(source)
    assert repaired.text == "ผู้แทน ต้อง คำนำ สำนักงาน"
    assert len(repaired.offsets) == len(repaired.text)
    for index, char in enumerate(repaired.text):
        if char != "\u0e33":  # composed sara am has no single source character
            assert source[repaired.offsets[index]] == char
    start = repaired.text.index("สำนักงาน")
    assert repaired.to_source(start, start + 8) == (source.index("สำนักงาน"), len(source))
    assert repaired.from_source(source.index("สำนักงาน"), len(source)) == (start, len(repaired.text))


def test_chars_per_area_is_measured() -> None:
    assert check_text_layer("ก" * 100, area_sq_inch=50).chars_per_sq_inch == 2.0
    empty = check_text_layer(" \n ")
    assert empty.visible == 0 and not empty.is_usable()


thai_word = st.sampled_from(
    ["ประชุม", "น้ำ", "ต้อง", "คำ", "ที่", "กี่", "ศักดิ์", "พันธุ์", "ยั่งยืน", "จังหวัด", "ป้ำ", "ญาติ", "2566", "SDGs"]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(thai_word, min_size=1, max_size=12), st.sampled_from([" ", "", "\n"]))
def test_repair_undoes_every_breakage_and_is_idempotent(words: list[str], sep: str) -> None:
    line = sep.join(words)
    for breaker in BREAKERS:
        broken = breaker(line)
        # a space before a mark after a line break is what "ต\n ้อง" would look like: fine
        repaired = repair_thai_text(broken).text
        assert repaired == line, (breaker.__name__, broken)
        assert repair_thai_text(repaired).text == repaired


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.characters(min_codepoint=0x0020, max_codepoint=0x0E7F) | st.sampled_from("\uf70a\uf713\n")
    )
)
def test_repair_never_raises_and_offsets_stay_in_range(text: str) -> None:
    repaired = repair_thai_text(text, drop_orphan_marks=True)
    assert len(repaired.offsets) == len(repaired.text)
    assert all(0 <= o < len(text) for o in repaired.offsets)
    check_text_layer(text)


def test_ocr_repair_puts_back_the_tone_marks_ocr_drops_where_no_other_word_fits() -> None:
    ocr = "มติทีประชุม รับทราบ ในการนี ผู้แทนรายงานว่า ขณะนี อยู่ระหว่าง ดังนี ครั้งที 3 วันที 15"
    fixed = repair_thai_text(ocr, drop_orphan_marks=True)
    assert fixed.text == "มติที่ประชุม รับทราบ ในการนี้ ผู้แทนรายงานว่า ขณะนี้ อยู่ระหว่าง ดังนี้ ครั้งที่ 3 วันที่ 15"
    assert fixed.fixes["lost_tone"] == 6
    # real words that end in a bare นี or start with ที stay as they are; text layers are not guessed at
    for word in ("จังหวัดอุดรธานี", "ทีมงาน", "ทีละขั้น", "มณี"):
        assert repair_thai_text(word, drop_orphan_marks=True).text == word
    assert repair_thai_text("ในการนี ผู้แทน").text == "ในการนี ผู้แทน"
    # offsets still point back at the OCR characters
    start = fixed.text.index("ผู้แทน")
    assert ocr[slice(*fixed.to_source(start, start + 6))] == "ผู้แทน"
