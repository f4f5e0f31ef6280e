"""Register exports: CSV round-trips to the same rows; XLSX is readable by people."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook
from test_tracking_support import Desk, first_meeting, progress_meeting

from prachum.errors import InvalidInput
from prachum.tracking.export import COLUMNS, from_csv, to_csv, to_xlsx


@pytest.fixture
def rows(tmp_path):
    desk = Desk(tmp_path / "data")
    desk.ingest(first_meeting())
    desk.ingest(progress_meeting())
    road = desk.record_for("มอบหมายให้องค์การ")
    desk.register.update(road["id"], due="2023-09-30", reason="รองบประมาณ; รอบที่ 2", actor="ผู้ตรวจ")
    desk.register.update(
        road["id"], priority=True, note='หมายเหตุมี "อัญประกาศ", จุลภาค\nและขึ้นบรรทัดใหม่', actor="ผู้ตรวจ"
    )
    return desk.register.list(today=dt.date(2023, 10, 1))


def test_csv_round_trip_gives_the_same_rows(rows, tmp_path):
    path = tmp_path / "register.csv"
    assert to_csv(rows, path) == len(rows) == 4
    assert from_csv(path) == rows
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel needs the BOM to show Thai


def test_csv_keeps_names_with_separators(rows, tmp_path):
    odd = [dict(rows[0], to=["กรม ก; กอง ข", "[สำนักงาน]"], by=[], sdg=[3, 11])]
    path = tmp_path / "odd.csv"
    to_csv(odd, path)
    assert from_csv(path) == odd


def test_csv_lists_are_readable_in_a_spreadsheet(rows, tmp_path):
    path = tmp_path / "register.csv"
    to_csv([dict(rows[0], to=["กระทรวงมหาดไทย", "สศช."])], path)
    assert "กระทรวงมหาดไทย; สศช." in path.read_text(encoding="utf-8-sig")


def test_a_file_that_is_not_an_export_is_refused(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="missing columns"):
        from_csv(path)
    with pytest.raises(InvalidInput, match="cannot read"):
        from_csv(tmp_path / "absent.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text(
        ",".join(k for k, _t, _h in COLUMNS) + "\n" + ",".join("x" for _ in COLUMNS) + "\n", encoding="utf-8"
    )
    with pytest.raises(InvalidInput, match="column 'priority'"):
        from_csv(bad)


def test_xlsx_has_thai_headers_one_row_per_record_and_marks_overdue(rows, tmp_path):
    path = tmp_path / "register.xlsx"
    assert to_xlsx(rows, path) == len(rows)
    sheet = load_workbook(path).active
    headers = [c.value for c in sheet[1]]
    assert headers[:3] == ["รหัส", "ประเภท", "สถานะ"]
    assert sheet.max_row == len(rows) + 1
    ids = [sheet.cell(row=n, column=1).value for n in range(2, sheet.max_row + 1)]
    assert ids == [r["id"] for r in rows]
    road = next(n for n in range(2, sheet.max_row + 1) if sheet.cell(row=n, column=1).value == rows[0]["id"])
    assert rows[0]["overdue"]  # due 2023-09-30, still open on 2023-10-01
    assert sheet.cell(row=road, column=1).fill.fgColor.rgb.endswith("FDE2E1")
    status = sheet.cell(row=road, column=headers.index("สถานะ") + 1).value
    assert "(open)" in status
