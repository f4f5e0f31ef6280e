from hypothesis import given, settings
from hypothesis import strategies as st

from prachum.nlp.tokenize import THAI_STOPWORDS, custom_words, token_spans, tokenize, word_spans


def test_gazetteer_abbreviations_and_names_are_single_tokens():
    tokens = tokenize("ผู้แทน มท. ร่วมกับ สศช. และ สป.มท. หารือกับสำนักงานพัฒนาชุมชนจังหวัดขอนแก่น")
    for word in ("มท.", "สศช.", "สป.มท.", "สำนักงานพัฒนาชุมชนจังหวัด"):
        assert word in tokens
    assert "ขอนแก่น" in tokens


def test_brackets_numbers_and_latin_are_separate_tokens():
    tokens = tokenize("(สศช.) เวลา 13.00 น. วันที่ ๑๔/๑๑/๒๕๖๖ UNDP (United Nations) ครม.มีมติ")
    assert tokens[:3] == ["(", "สศช.", ")"]
    for word in ("13.00", "๑๔/๑๑/๒๕๖๖", "UNDP", "United", "Nations", "ครม."):
        assert word in tokens


def test_dotted_abbreviation_chains():
    assert tokenize("นวท.ปก.") == ["นวท.ปก."]
    assert tokenize("ร.ต. สมชาย")[0] == "ร.ต."
    # unknown chains stay whole instead of being cut at random letters
    assert tokenize("นบ.ยส.") == ["นบ.ยส."]
    assert tokenize("รมว.พม.") == ["รมว.", "พม."]


def test_word_spans_point_into_text_and_drop_whitespace():
    text = "ที่ประชุม\u00a0มีมติ  เห็นชอบ\nให้ สถจ. ดำเนินการ"
    spans = word_spans(text)
    assert [text[s:e] for s, e in spans] == tokenize(text)
    assert all(not text[s:e].isspace() and text[s:e].strip() == text[s:e] for s, e in spans)
    assert "สถจ." in tokenize(text)


def test_empty_and_whitespace_only():
    assert tokenize("") == []
    assert tokenize(" \n\t") == []


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("กขคมทสนปอาิีเแ่้ั์.ๆฯ ๑2aB(),\n")), max_size=60))
def test_token_spans_cover_the_text_exactly(text):
    spans = token_spans(text)
    assert "".join(text[s:e] for s, e in spans) == text
    assert all(s < e for s, e in spans)
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:], strict=False))


def test_dictionary_and_stopwords():
    words = custom_words()
    assert "สป.มท." in words and "กระทรวงมหาดไทย" in words and "ผู้ว่าราชการจังหวัด" in words
    assert not any(" " in w for w in words)
    assert "และ" in THAI_STOPWORDS and "กระทรวง" not in THAI_STOPWORDS
