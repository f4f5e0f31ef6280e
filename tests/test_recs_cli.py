"""`prachum recs …` in-process (CliRunner) over a real temp store filled with hand-made minutes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from test_tracking_support import Desk, first_meeting, progress_meeting
from typer.testing import CliRunner

from prachum.cli import app
from prachum.tracking.export import from_csv


@pytest.fixture
def cli(data_dir: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PRACHUM_EMBEDDER", "hashing")
    monkeypatch.setenv("PRACHUM_ACTOR", "ผู้ทดสอบ")
    desk = Desk(data_dir)
    desk.ingest(first_meeting())
    desk.ingest(progress_meeting())
    runner = CliRunner()

    def run(*args: str, code: int = 0):  # type: ignore[no-untyped-def]
        result = runner.invoke(app, ["recs", *args])
        assert result.exit_code == code, result.output
        return result

    run.desk = desk  # type: ignore[attr-defined]
    return run


def _data(cli, *args: str) -> list[dict]:
    payload = json.loads(cli("list", "--format", "json", *args).stdout)
    assert payload["count"] == len(payload["data"])
    return payload["data"]


def test_list_in_the_cli_md_shape_with_filters(cli):
    rows = _data(cli)
    assert len(rows) == 4
    for key in ("id", "kind", "text", "doc", "span", "by", "to", "due", "status", "history", "followups"):
        assert key in rows[0]
    followup = next(r for r in rows if r["followups"])["followups"][0]
    assert set(followup) >= {"item_id", "doc", "span", "text", "proposed_status", "confidence", "state"}
    assert {r["status"] for r in _data(cli, "--status", "implemented")} == {"implemented"}
    assert [r["to"] for r in _data(cli, "--agency", "อบจ.")] == [["องค์การบริหารส่วนจังหวัด"]]
    assert len(_data(cli, "--sdg", "15")) == 1
    assert _data(cli, "--body", "ลำพูน") == []
    assert len(_data(cli, "--overdue")) == 0  # the only dated record is implemented
    table = cli("list").stdout
    assert "4 รายการ" in table


def test_show_update_and_history(cli):
    rec = next(r for r in _data(cli) if r["text"].startswith("ควรขยาย"))
    assert json.loads(cli("show", rec["id"], "--format", "json").stdout)["id"] == rec["id"]
    cli("update", rec["id"], "--status", "in_progress", "--note", "เริ่มเก็บข้อมูลตำบลนำร่อง")
    cli("update", rec["id"], "--due", "2024-03-31", "--reason", "ตามแผนงบประมาณ", "--priority")
    shown = json.loads(cli("show", rec["id"], "--format", "json").stdout)
    assert shown["status"] == "in_progress" and shown["due"] == "2024-03-31" and shown["priority"]
    assert [h["field"] for h in shown["history"]] == ["created", "status", "due", "priority"]
    assert {h["actor"] for h in shown["history"][1:]} == {"ผู้ทดสอบ"}
    text = cli("show", rec["id"]).stdout
    assert "ตามแผนงบประมาณ" in text and "อยู่ระหว่างดำเนินการ" in text


def test_errors_are_one_line_with_a_non_zero_exit(cli):
    rec = _data(cli)[0]
    bad = cli("update", rec["id"], "--status", "finished", code=2)
    assert "finished" in bad.output and "Traceback" not in bad.output
    assert "reason" in cli("update", rec["id"], "--due", "2024-01-01", code=2).output
    assert "no register record" in cli("show", "nope", code=2).output
    assert "version" in cli("update", rec["id"], "--note", "x", "--expected-version", "99", code=2).output


def test_link_confirm_reject_unlink(cli):
    rows = _data(cli)
    road = next(r for r in rows if r["text"].startswith("มอบหมายให้องค์การ"))
    item_id = road["followups"][0]["item_id"]
    assert "rejected" in cli("reject", road["id"], item_id).stdout
    assert "confirmed" in cli("confirm", road["id"], item_id).stdout
    assert "removed" in cli("unlink", road["id"], item_id).stdout
    cli("link", road["id"], item_id, "--suggested")
    after = json.loads(cli("show", road["id"], "--format", "json").stdout)
    assert [f["state"] for f in after["followups"]] == ["suggested"]
    assert cli("link", road["id"], item_id, code=2).output.count("\n") == 1  # already linked: one line


def test_csv_and_xlsx_exports(cli, tmp_path):
    rows = _data(cli)
    csv_path = tmp_path / "recs.csv"
    cli("list", "--format", "csv", "-o", str(csv_path))
    assert from_csv(csv_path) == rows
    piped = cli("list", "--format", "csv").stdout
    assert piped.splitlines()[0].startswith("id,kind,status")
    xlsx_path = tmp_path / "recs.xlsx"
    cli("list", "--format", "xlsx", "-o", str(xlsx_path))
    assert load_workbook(xlsx_path).active.max_row == len(rows) + 1
    assert "-o" in cli("list", "--format", "xlsx", code=2).output


def test_summary_views(cli):
    groups = json.loads(cli("summary", "--by", "status", "--format", "json").stdout)["data"]
    assert sum(g["total"] for g in groups) == 4
    assert "สำนักงานจังหวัด" in cli("summary", "--by", "agency").stdout
