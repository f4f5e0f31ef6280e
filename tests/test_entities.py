import pytest

from prachum.nlp.entities import POSITION_WORDS, find_agencies, find_persons, provinces
from prachum.nlp.gazetteer import load_gazetteer


def _agencies(text):
    return [(text[m.span[0] : m.span[1]], m.agency.abbr or m.agency.name) for m in find_agencies(text)]


def test_abbreviations_and_names_in_a_report_sentence():
    text = "ผู้แทน มท. ชี้แจงว่า สป.มท. ได้ประสานกับสำนักงานสภาพัฒนาการเศรษฐกิจและสังคมแห่งชาติ (สศช.) แล้ว"
    assert _agencies(text) == [
        ("มท.", "มท."),
        ("สป.มท.", "สป.มท."),
        ("สำนักงานสภาพัฒนาการเศรษฐกิจและสังคมแห่งชาติ", "สศช."),
        ("สศช.", "สศช."),
    ]


def test_longest_match_wins_without_overlaps():
    text = "ปลัดกระทรวงมหาดไทยมอบหมายให้สำนักงานปลัดกระทรวงมหาดไทยดำเนินการ"
    found = _agencies(text)
    assert found == [("ปลัดกระทรวงมหาดไทย", "ปมท."), ("สำนักงานปลัดกระทรวงมหาดไทย", "สป.มท.")]
    spans = [m.span for m in find_agencies(text)]
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))


def test_province_qualified_offices_and_positions():
    text = (
        "ที่ประชุมมอบหมายให้สำนักงานพัฒนาชุมชนจังหวัดขอนแก่นและท้องถิ่นจังหวัดรวบรวมข้อมูล "
        "เสนอ ผวจ.ขอนแก่น ภายในเดือนนี้ โดยการประปาส่วนภูมิภาคสาขาลำพูนสนับสนุน"
    )
    found = find_agencies(text)
    assert [(m.surface, m.agency.abbr) for m in found] == [
        ("สำนักงานพัฒนาชุมชนจังหวัดขอนแก่น", "พช.จ."),
        ("ท้องถิ่นจังหวัด", "สถจ."),
        ("ผวจ.ขอนแก่น", "ผวจ."),
        ("การประปาส่วนภูมิภาคสาขาลำพูน", "กปภ."),
    ]
    assert all(text[m.span[0] : m.span[1]] == m.surface for m in found)


def test_local_body_with_place_name_before_a_space():
    found = find_agencies("ให้ อบต.บ้านใหม่ และเทศบาลตำบลหนองบัว จัดทำแผน")
    assert [m.surface for m in found] == ["อบต.บ้านใหม่", "เทศบาลตำบลหนองบัว"]
    assert [m.agency.abbr for m in found] == ["อบต.", "ทต."]


def test_month_abbreviation_in_a_date_is_not_the_civil_service_commission():
    text = "ประชุมเมื่อ 3 ก.พ. 66 โดย ก.พ. และสำนักงาน ก.พ. เข้าร่วม"
    assert _agencies(text) == [("ก.พ.", "ก.พ."), ("สำนักงาน ก.พ.", "สำนักงาน ก.พ.")]


def test_english_names_case_insensitive_but_acronyms_exact():
    text = "Representatives of the ministry of interior met UNDP; prices dip and the tat was sat."
    assert _agencies(text) == [("ministry of interior", "มท."), ("UNDP", "UNDP")]


def test_un_bodies_and_legislature():
    text = "คณะอนุกรรมาธิการฯ ภายใต้คณะกรรมาธิการการต่างประเทศ วุฒิสภา หารือกับองค์การยูนิเซฟและ WHO"
    names = [a for _, a in _agencies(text)]
    assert names == ["อนุ กมธ.", "คณะกรรมาธิการการต่างประเทศ วุฒิสภา", "UNICEF", "WHO"]


def test_user_gazetteer_is_used(tmp_path):
    path = tmp_path / "extra.tsv"
    path.write_text(
        "abbr\tname\tname_en\taliases\tkind\tparent\nศขย.\tศูนย์ขับเคลื่อนยั่งยืน\tSustainability Hub\t\toffice\t\n",
        encoding="utf-8",
    )
    found = find_agencies("ให้ ศขย. รายงานผล", load_gazetteer(path))
    assert [m.agency.name for m in found] == ["ศูนย์ขับเคลื่อนยั่งยืน"]


def test_empty_text():
    assert find_agencies("") == [] and find_persons("") == []


@pytest.mark.parametrize(
    ("text", "name", "title", "position"),
    [
        ("โดยมีนายสุวพันธุ์ ตันยุวรรธนะ วุฒิสมาชิก เป็นประธาน", "นายสุวพันธุ์ ตันยุวรรธนะ", "นาย", "วุฒิสมาชิก"),
        ("นางสาวสมใจ รักดี ผู้ว่าราชการจังหวัดขอนแก่น กล่าว", "นางสาวสมใจ รักดี", "นางสาว", "ผู้ว่าราชการจังหวัดขอนแก่น"),
        ("ว่าที่ร.ต. ประเสริฐ มั่นคง ปลัดอำเภอ รายงาน", "ว่าที่ร.ต. ประเสริฐ มั่นคง", "ว่าที่ร.ต.", "ปลัดอำเภอ"),
        ("ร.ต. สมปอง ใจกล้า ผอ.ตท.สป. มอบหมาย", "ร.ต. สมปอง ใจกล้า", "ร.ต.", "ผอ.ตท.สป."),
        ("รศ.ดร.วิชัย ศรีสว่าง อาจารย์", "รศ.ดร.วิชัย ศรีสว่าง", "รศ.ดร.", None),
        ("พล.ต.อ. ชัยยุทธ ทองคำ รองนายกรัฐมนตรี", "พล.ต.อ. ชัยยุทธ ทองคำ", "พล.ต.อ.", "รองนายกรัฐมนตรี"),
        ("นายสมชาย ใจดีรองผู้ว่าราชการจังหวัดลำพูนเป็นประธาน", "นายสมชาย ใจดี", "นาย", "รองผู้ว่าราชการจังหวัดลำพูน"),
        ("ผู้แทน Mr. John Smith กล่าว", "Mr. John Smith", "Mr.", None),
    ],
)
def test_persons_with_title_name_and_position(text, name, title, position):
    (person,) = find_persons(text)
    assert (person.name, person.title, person.position) == (name, title, position)
    assert text[person.span[0] : person.span[1]].startswith(name.split(" ")[0])


def test_positions_starting_with_nai_are_not_people():
    text = "นายอำเภอเมืองลำพูน ประธาน และนายกรัฐมนตรี พลเอก สมหมาย ใจดี กับนายกเทศมนตรี สั่งการ"
    persons = find_persons(text)
    assert [p.name for p in persons] == ["พลเอก สมหมาย ใจดี"]


def test_given_name_alone_before_a_verb():
    (person,) = find_persons("นายคารม กล่าวว่า ที่ประชุมรับทราบ")
    assert person.name == "นายคารม" and person.position is None


def test_lexicons_loaded():
    assert "ผู้ว่าราชการจังหวัด" in POSITION_WORDS and "นายอำเภอ" in POSITION_WORDS
    assert POSITION_WORDS.index("รองผู้ว่าราชการจังหวัด") < POSITION_WORDS.index("ผู้ว่าราชการจังหวัด")
    assert len(provinces()) == 77 and "ขอนแก่น" in provinces()
