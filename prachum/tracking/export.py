"""Register exports: CSV (lossless: `from_csv(to_csv(rows))` gives the same rows back) and
XLSX for people (Thai headers, one line per history entry, overdue rows highlighted).

CSV cells stay readable in a spreadsheet: agency lists are joined with ``; `` (JSON only when
a name itself holds ``;``), nested history and follow-ups are JSON. The file is UTF-8 with a
byte-order mark because Excel otherwise shows Thai as mojibake.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from prachum.errors import InvalidInput
from prachum.tracking.statuses import LABELS_TH

# (key, type, Thai header for XLSX). Types: str (nullable), int, bool, names, goals, json.
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("id", "str", "รหัส"),
    ("kind", "str", "ประเภท"),
    ("status", "str", "สถานะ"),
    ("priority", "bool", "เร่งด่วน"),
    ("overdue", "bool", "เกินกำหนด"),
    ("due", "str", "กำหนดเสร็จ"),
    ("text", "str", "ข้อความ"),
    ("by", "names", "ผู้เสนอ/ผู้สั่งการ"),
    ("to", "names", "หน่วยงานรับผิดชอบ"),
    ("doc", "str", "เอกสาร"),
    ("doc_id", "str", "รหัสเอกสาร"),
    ("item_id", "str", "รหัสรายการ"),
    ("span", "json", "ตำแหน่งในเอกสาร"),
    ("body", "str", "คณะ/ที่ประชุม"),
    ("meeting_date", "str", "วันที่ประชุม"),
    ("sdg", "goals", "SDGs"),
    ("notes", "str", "หมายเหตุ"),
    ("version", "int", "ฉบับที่"),
    ("created_at", "str", "สร้างเมื่อ"),
    ("updated_at", "str", "แก้ไขล่าสุด"),
    ("orphaned", "bool", "เอกสารต้นทางไม่อยู่แล้ว"),
    ("due_revisions", "json", "การเลื่อนกำหนด"),
    ("followups", "json", "หลักฐานติดตามผล"),
    ("history", "json", "ประวัติ"),
)
SEPARATOR = "; "


def _cell(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == "bool":
        return "true" if value else "false"
    if kind == "names":
        names = [str(v) for v in value]
        if any(";" in n or n.startswith("[") for n in names):
            return json.dumps(names, ensure_ascii=False)
        return SEPARATOR.join(names)
    if kind == "goals":
        return SEPARATOR.join(str(g) for g in value)
    if kind == "json":
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _value(cell: str, kind: str, key: str) -> Any:
    try:
        if kind == "bool":
            if cell not in ("true", "false"):
                raise ValueError(cell)
            return cell == "true"
        if kind == "int":
            return int(cell)
        if kind == "names":
            if not cell:
                return []
            return json.loads(cell) if cell.startswith("[") else cell.split(SEPARATOR)
        if kind == "goals":
            return [int(g) for g in cell.split(SEPARATOR)] if cell else []
        if kind == "json":
            return json.loads(cell) if cell else None
    except (ValueError, json.JSONDecodeError):
        raise InvalidInput(f"column {key!r}: cannot read {cell[:60]!r} as {kind}") from None
    return cell if cell != "" else None


def to_csv(rows: Iterable[dict[str, Any]], path: str | Path) -> int:
    """Write register rows (the `Register.list` shape) to ``path``; returns the row count."""
    count = 0
    with Path(path).open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([key for key, _t, _h in COLUMNS])
        for row in rows:
            writer.writerow([_cell(row.get(key), kind) for key, kind, _h in COLUMNS])
            count += 1
    return count


def from_csv(path: str | Path) -> list[dict[str, Any]]:
    """Read a `to_csv` file back into rows of the same shape."""
    types = {key: kind for key, kind, _h in COLUMNS}
    try:
        with Path(path).open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            lines = list(reader)
            fieldnames = reader.fieldnames or []
    except OSError as exc:
        raise InvalidInput(f"cannot read {str(path)!r}: {exc.strerror}") from None
    missing = [key for key in types if key not in fieldnames]
    if missing:
        raise InvalidInput(f"{str(path)!r} is not a register export: missing columns {', '.join(missing)}")
    return [{key: _value(line[key], kind, key) for key, kind in types.items()} for line in lines]


def _readable(row: dict[str, Any], key: str, kind: str) -> Any:
    value: Any = row.get(key)
    if key == "status":
        return f"{LABELS_TH.get(value, value)} ({value})"
    if key == "followups":
        return "\n".join(
            f"{f['doc']}: {f['text']} [{f['state']}, {f['proposed_status'] or '-'}, {f['confidence']:.2f}]"
            for f in value or ()
        )
    if key == "history":
        return "\n".join(
            f"{h['at']} {h['actor']} {h['field']}: {h['from'] or ''} → {h['to'] or ''}"
            + (f" ({h['note']})" if h["note"] else "")
            for h in value or ()
        )
    if key == "due_revisions":
        return "\n".join(f"{d['from'] or '-'} → {d['to'] or '-'}: {d['reason']}" for d in value or ())
    if kind in ("names", "goals"):
        return ", ".join(str(v) for v in value or ())
    if kind == "bool":
        return "ใช่" if value else ""
    if kind == "json":
        return json.dumps(value, ensure_ascii=False) if value is not None else ""
    return value


def to_xlsx(rows: Iterable[dict[str, Any]], path: str | Path) -> int:
    """Write register rows as a spreadsheet for people; returns the row count."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    book = Workbook()
    sheet = book.active
    sheet.title = "ทะเบียนติดตาม"
    sheet.append([header for _k, _t, header in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    overdue_fill = PatternFill("solid", fgColor="FDE2E1")
    count = 0
    for row in rows:
        sheet.append([_readable(row, key, kind) for key, kind, _h in COLUMNS])
        count += 1
        if row.get("overdue"):
            for cell in sheet[sheet.max_row]:
                cell.fill = overdue_fill
    widths = {"text": 60, "followups": 60, "history": 70, "to": 30, "by": 30, "body": 40, "due_revisions": 40}
    for index, (key, _kind, _header) in enumerate(COLUMNS, 1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = widths.get(key, 14)
        for cell in sheet[letter][1:]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = sheet.dimensions
    book.save(str(path))
    return count
