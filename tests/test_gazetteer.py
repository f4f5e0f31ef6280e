import os
from pathlib import Path

import pytest

from prachum.errors import InvalidInput
from prachum.nlp.gazetteer import AGENCY_KINDS, Agency, Gazetteer, load_gazetteer, parse_agencies

HEADER = "abbr\tname\tname_en\taliases\tkind\tparent\n"


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return load_gazetteer()


def test_bundled_gazetteer_is_large_and_well_formed(gaz):
    assert len(gaz) >= 250
    assert all(a.kind in AGENCY_KINDS for a in gaz.agencies)
    assert all(a.parent is None or gaz.lookup(a.parent) is not None for a in gaz.agencies)
    ministries = [a for a in gaz.agencies if a.kind == "ministry"]
    assert len(ministries) >= 20
    names = [a.name for a in gaz.agencies]
    assert len(names) == len(set(names))


@pytest.mark.parametrize(
    ("surface", "name"),
    [
        ("มท.", "กระทรวงมหาดไทย"),
        ("มท", "กระทรวงมหาดไทย"),
        ("Ministry of Interior", "กระทรวงมหาดไทย"),
        ("MINISTRY OF INTERIOR", "กระทรวงมหาดไทย"),
        ("  กระทรวงมหาดไทย ", "กระทรวงมหาดไทย"),
        ("สป.มท.", "สำนักงานปลัดกระทรวงมหาดไทย"),
        ("สป. มท.", "สำนักงานปลัดกระทรวงมหาดไทย"),
        ("สภาพัฒน์", "สำนักงานสภาพัฒนาการเศรษฐกิจและสังคมแห่งชาติ"),
        ("NESDC", "สำนักงานสภาพัฒนาการเศรษฐกิจและสังคมแห่งชาติ"),
        ("สงป.", "สำนักงบประมาณ"),
        ("Bureau of the Budget", "สำนักงบประมาณ"),
        ("สำนักงาน ก.พ.", "สำนักงานคณะกรรมการข้าราชการพลเรือน"),
        ("ครม.", "คณะรัฐมนตรี"),
        ("ผวจ.", "ผู้ว่าราชการจังหวัด"),
        ("ท้องถิ่นจังหวัด", "สำนักงานส่งเสริมการปกครองท้องถิ่นจังหวัด"),
        ("พช.จ.", "สำนักงานพัฒนาชุมชนจังหวัด"),
        ("กปภ.", "การประปาส่วนภูมิภาค"),
        ("undp", "โครงการพัฒนาแห่งสหประชาชาติ"),
        ("UN", "องค์การสหประชาชาติ"),
        ("วุฒิสมาชิก", "สมาชิกวุฒิสภา"),
    ],
)
def test_lookup_any_written_form(gaz, surface, name):
    agency = gaz.lookup(surface)
    assert agency is not None and agency.name == name


def test_lookup_unknown_is_none(gaz):
    assert gaz.lookup("กระทรวงเวทมนตร์") is None
    assert gaz.lookup("") is None


def test_kinds_of_key_rows(gaz):
    assert gaz.lookup("ผวจ.").kind == "position"
    assert gaz.lookup("มท.").kind == "ministry"
    assert gaz.lookup("อบต.").kind == "local"
    assert gaz.lookup("UNICEF").kind == "international"
    assert gaz.lookup("วุฒิสภา").kind == "legislature"
    assert gaz.parent_of(gaz.lookup("สถจ.")).abbr == "สถ."


def test_expand_query_both_ways(gaz):
    forms = gaz.expand_query("มท.")
    assert forms[:2] == ["กระทรวงมหาดไทย", "Ministry of Interior"]
    thai = gaz.expand_query("Ministry of Interior")
    assert "กระทรวงมหาดไทย" in thai and "มท." in thai
    assert "Ministry of Interior" not in thai
    inside = gaz.expand_query("ข้อเสนอแนะของ สศช. เรื่องน้ำ")
    assert "สำนักงานสภาพัฒนาการเศรษฐกิจและสังคมแห่งชาติ" in inside
    assert gaz.expand_query("น้ำท่วม") == []


def test_surfaces_longest_first_and_owned_by_lookup(gaz):
    surfaces = gaz.surfaces()
    assert [len(s) for s, _ in surfaces] == sorted((len(s) for s, _ in surfaces), reverse=True)
    assert all(gaz.lookup(s) is a for s, a in surfaces)


def test_find_in_respects_word_edges(gaz):
    assert [a.abbr for _, _, a in gaz.find_in("อสค. และ มท.")] == ["อ.ส.ค.", "มท."]
    assert gaz.find_in("THE UNION") == []


def _write(path: Path, body: str) -> Path:
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_user_file_overrides_and_adds(tmp_path):
    user = _write(
        tmp_path / "mine.tsv",
        "มท.\tกระทรวงมหาดไทย\tMinistry of the Interior (ours)\tมหาดไทยของเรา\tministry\t\n"
        "ศกพ.\tศูนย์ขับเคลื่อนเป้าหมายการพัฒนาที่ยั่งยืนจังหวัด\tProvincial SDG Centre\t\toffice\tมท.\n",
    )
    gaz = load_gazetteer(user)
    assert gaz.lookup("มท.").name_en == "Ministry of the Interior (ours)"
    assert gaz.lookup("มหาดไทยของเรา").abbr == "มท."
    assert gaz.lookup("ศกพ").name == "ศูนย์ขับเคลื่อนเป้าหมายการพัฒนาที่ยั่งยืนจังหวัด"
    assert gaz.lookup("สศช.") is not None  # bundled rows are kept
    assert sum(a.name == "กระทรวงมหาดไทย" for a in gaz.agencies) == 1
    assert load_gazetteer(user) is gaz  # cached while the file is unchanged


def test_user_file_change_is_picked_up(tmp_path):
    user = _write(tmp_path / "mine.tsv", "ทดส.\tหน่วยทดสอบ\tTest Unit\t\toffice\t\n")
    first = load_gazetteer(user)
    _write(user, "ทดส.\tหน่วยทดสอบใหม่\tNew Test Unit\t\toffice\t\n")
    stat = user.stat()
    os.utime(user, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    second = load_gazetteer(user)
    assert second is not first and second.lookup("ทดส.").name == "หน่วยทดสอบใหม่"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("ทดส.\t\tNo name\t\toffice\t\n", ":2: the name column is empty"),
        ("ทดส.\tหน่วยทดสอบ\tTest\t\tplanet\t\n", ":2: kind 'planet' is not one of"),
        ("ทดส.\tหน่วย\tTest\t\toffice\t\textra\n", ":2: 7 columns"),
    ],
)
def test_bad_user_rows_name_file_and_line(tmp_path, body, message):
    user = _write(tmp_path / "bad.tsv", body)
    with pytest.raises(InvalidInput) as error:
        load_gazetteer(user)
    assert str(user.resolve()) in str(error.value) and message in str(error.value)


def test_bad_header_and_missing_file(tmp_path):
    user = tmp_path / "noheader.tsv"
    user.write_text("มท.\tกระทรวงมหาดไทย\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="header"):
        load_gazetteer(user)
    with pytest.raises(InvalidInput, match="not found"):
        load_gazetteer(tmp_path / "missing.tsv")


def test_parse_agencies_defaults():
    (agency,) = parse_agencies([HEADER, "# comment\n", "\n", "\tหน่วยงานหนึ่ง\n"], source="x")
    assert agency == Agency(abbr=None, name="หน่วยงานหนึ่ง", name_en=None, aliases=(), kind="other", parent=None)
