import datetime

import pytest

from prachum.nlp.dates import find_dates, find_due, find_times, gregorian_year, parse_due, parse_thai_date

D = datetime.date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("วันศุกร์ที่ 3 กุมภาพันธ์ 2566", D(2023, 2, 3)),
        ("3 ก.พ. 66", D(2023, 2, 3)),
        ("3 กพ. 66", D(2023, 2, 3)),
        ("3 ก. พ. 2566", D(2023, 2, 3)),
        ("๑๔ พฤศจิกายน ๒๕๖๖", D(2023, 11, 14)),
        ("วันนี้ (18 ส.ค. 68) ที่ประชุม", D(2025, 8, 18)),
        ("18/08/2568", D(2025, 8, 18)),
        ("๑๘/๐๘/๒๕๖๘", D(2025, 8, 18)),
        ("18-08-68", D(2025, 8, 18)),
        ("12 มกราคม 2566", D(2023, 1, 12)),
        ("เมื่อวันที่ 25 กรกฎาคม 2566 เวลา 10.00 น.", D(2023, 7, 25)),
        ("วันที่ 3 กุมภาพันธ์ พ.ศ. 2566", D(2023, 2, 3)),
        ("วันที่ 3 กุมภาพันธ์ ค.ศ. 2023", D(2023, 2, 3)),
        ("on 25 July 2023 the", D(2023, 7, 25)),
        ("Friday, 3rd of February 2023", D(2023, 2, 3)),
        ("July 25, 2023", D(2023, 7, 25)),
        ("5 มี.ค.2567", D(2024, 3, 5)),
        ("16 ธ.ค.59", D(2016, 12, 16)),
        ("วันพฤหัสบดีที่ 9 มีนาคม 2566", D(2023, 3, 9)),
        ("ครบกำหนด 2024-01-31", D(2024, 1, 31)),
        ("1 ต.ค. 2566", D(2023, 10, 1)),
        ("29 กุมภาพันธ์ 2567", D(2024, 2, 29)),
    ],
)
def test_parse_thai_date_forms(text, expected):
    assert parse_thai_date(text) == expected


@pytest.mark.parametrize(
    "text", ["31 ก.พ. 2566", "29 กุมภาพันธ์ 2566", "31/04/2566", "32 มกราคม 2566", "ไม่มีวันที่", ""]
)
def test_invalid_or_missing_dates_are_none(text):
    assert parse_thai_date(text) is None


def test_missing_year_needs_default_year_in_either_era():
    assert parse_thai_date("3 ก.พ.") is None
    assert parse_thai_date("3 ก.พ.", default_year=2566) == D(2023, 2, 3)
    assert parse_thai_date("3 ก.พ.", default_year=2023) == D(2023, 2, 3)


def test_find_dates_spans_weekday_and_order():
    text = "ประชุมวันศุกร์ที่ ๓ กุมภาพันธ์ ๒๕๖๖ ติดตามผลเมื่อวันที่ 12 มกราคม 2566 และ 18/08/2568"
    matches = find_dates(text)
    assert [m.date for m in matches] == [D(2023, 2, 3), D(2023, 1, 12), D(2025, 8, 18)]
    first = matches[0]
    assert text[first.span[0] : first.span[1]] == first.text == "วันศุกร์ที่ ๓ กุมภาพันธ์ ๒๕๖๖"
    assert first.weekday == "ศุกร์"
    assert matches[1].text == "วันที่ 12 มกราคม 2566" and matches[1].weekday is None


def test_find_dates_skips_invalid_but_keeps_later_valid():
    matches = find_dates("31 ก.พ. 2566 และ 1 มี.ค. 2566")
    assert [m.date for m in matches] == [D(2023, 3, 1)]


def test_month_abbreviation_does_not_match_inside_words():
    # "มค" without dots must not be read inside ordinary words, numbers are not days of words
    assert find_dates("มีผู้เข้าร่วม 3 คน มคอ. ระดับ") == []


@pytest.mark.parametrize(
    ("raw", "era", "english", "year"),
    [("2566", None, False, 2023), ("66", None, False, 2023), ("23", "ce", False, 2023),
     ("23", None, True, 2023), ("2023", None, False, 2023), ("2566", "ce", False, 2023), ("2300", None, False, None)],
)  # fmt: skip
def test_year_heuristics(raw, era, english, year):
    assert gregorian_year(raw, era=era, english=english) == year


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("เวลา 13.00 - 15.30 น.", "13:00", "15:30"),
        ("09.30 น.", "09:30", None),
        ("เวลา ๑๓.๓๐ - ๑๖.๐๐ น.", "13:30", "16:00"),
        ("เริ่ม 13:00", "13:00", None),
        ("เวลา 9.00 น. ถึง 12.00 น.", "09:00", "12:00"),
        ("เวลา 04.00 นาฬิกา", "04:00", None),
        ("13.00–16.30น.", "13:00", "16:30"),
    ],
)
def test_find_times(text, start, end):
    matches = find_times(text)
    assert len(matches) == 1
    assert (matches[0].start, matches[0].end) == (start, end)


def test_amounts_and_dates_are_not_times():
    assert find_times("งบประมาณ 12.50 ล้านบาท ร้อยละ 22.30 วันที่ 18.08.2568") == []


def test_time_span_points_into_source():
    text = "ประชุมเวลา ๑๓.๓๐ - ๑๖.๐๐ น. ณ ห้องประชุม"
    (match,) = find_times(text)
    assert text[match.span[0] : match.span[1]] == "๑๓.๓๐ - ๑๖.๐๐ น."


MEETING = D(2023, 2, 3)


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("ให้รายงานผลภายในวันที่ 30 เมษายน 2566", D(2023, 4, 30)),
        ("ส่งอำเภอภายในวันที่ ๑๕ ธันวาคม ๒๕๖๖", D(2023, 12, 15)),
        ("ภายในเดือนกันยายน 2566", D(2023, 9, 30)),
        ("ภายในเดือนกุมภาพันธ์ 2567", D(2024, 2, 29)),
        ("ให้แล้วเสร็จภายในปีงบประมาณ พ.ศ. 2566", D(2023, 9, 30)),
        ("ภายในปี พ.ศ. 2570", D(2027, 12, 31)),
        ("ภายใน 30 วัน นับแต่วันที่ได้รับแจ้ง", D(2023, 3, 5)),
        ("ภายใน ๒ สัปดาห์", D(2023, 2, 17)),
        ("ให้แล้วเสร็จภายในเวลา 4 เดือน", D(2023, 6, 3)),
        ("ภายใน 5 วันทำการ", D(2023, 2, 10)),
        ("ภายในสิ้นเดือนนี้", D(2023, 2, 28)),
        ("ภายในสิ้นเดือนมีนาคม", D(2023, 3, 31)),
        ("ก่อนวันที่ 15 มีนาคม", D(2023, 3, 15)),
        ("ก่อนวันที่ 15 มกราคม", D(2024, 1, 15)),  # already past at the meeting: next year
        ("ภายในสิ้นปีงบประมาณ", D(2023, 9, 30)),
        ("ภายในปีงบประมาณถัดไป", D(2024, 9, 30)),
        ("ภายในไตรมาสที่ 1 ของปีงบประมาณ 2567", D(2023, 12, 31)),
        ("ภายในสิ้นปีนี้", D(2023, 12, 31)),
        ("ไม่เกิน 31/03/2566", D(2023, 3, 31)),
    ],
)
def test_find_due_forms(text, due):
    match = find_due(text, meeting_date=MEETING)
    assert match is not None
    assert match.due == due
    assert text[match.span[0] : match.span[1]] == match.text


def test_due_span_covers_trigger_and_date():
    text = "ให้ สถจ. ดำเนินการให้แล้วเสร็จภายในเดือนกันยายน 2566 ต่อไป"
    match = find_due(text)
    assert match is not None and match.text == "ให้แล้วเสร็จภายในเดือนกันยายน 2566"


def test_due_ignores_non_deadline_uses_of_trigger_words():
    text = "ภายในประเทศ ก่อนกำหนด ภายใน 3.การพัฒนา ภายในกลุ่ม"
    assert find_due(text, meeting_date=MEETING) is None


def test_relative_due_needs_meeting_date():
    assert find_due("ภายใน 30 วัน") is None
    assert find_due("ภายในสิ้นเดือนนี้") is None
    assert parse_due("ภายใน 30 วัน", MEETING) == "2023-03-05"


def test_due_skips_unreadable_trigger_and_finds_later_one():
    assert parse_due("ภายในหน่วยงาน ให้ส่งภายในวันที่ 31 มีนาคม 2566") == "2023-03-31"


def test_plain_in_before_fiscal_year_is_a_deadline_unless_past():
    assert parse_due("แผนปฏิบัติการในปีงบประมาน พ.ศ. 2566 โดย", MEETING) == "2023-09-30"  # common misspelling
    assert parse_due("ผลการดำเนินงานในปีงบประมาณ พ.ศ. 2565", MEETING) is None
    assert parse_due("ดำเนินการในปี พ.ศ. 2570", MEETING) is None


def test_formal_forms_with_month_word_and_era_in_full():
    assert parse_thai_date("วันที่ ๓ เดือนกุมภาพันธ์ พุทธศักราช ๒๕๖๖") == D(2023, 2, 3)
    assert parse_thai_date("3 กุมภาพันธ์ คริสต์ศักราช 2023") == D(2023, 2, 3)
    assert parse_due("ภายในวันศุกร์ที่ 30 มิถุนายน 2566") == "2023-06-30"


def test_iso_deadline_after_trigger():
    due = find_due("ให้รายงานผลภายในวันที่ 2023-04-30", meeting_date=datetime.date(2023, 3, 1))
    assert due is not None and due.due == datetime.date(2023, 4, 30)
