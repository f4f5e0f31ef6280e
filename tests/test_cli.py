"""The CLI end to end, in-process (typer CliRunner) on a real temp store and index."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from prachum.cli import app

MINUTES = """รายงานการประชุม
คณะกรรมการขับเคลื่อนงานพัฒนาจังหวัดทดสอบ
ครั้งที่ 1/2567
วันจันทร์ที่ 15 มกราคม 2567 เวลา 09.30 - 12.00 น.
ณ ห้องประชุมศาลากลางจังหวัด

ระเบียบวาระที่ 1 เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ
มติที่ประชุม รับทราบ

ระเบียบวาระที่ 2 เรื่องเพื่อพิจารณา
ที่ประชุมมีข้อคิดเห็นดังนี้
- ควรจัดทำฐานข้อมูลครัวเรือนยากจนให้เป็นปัจจุบัน
- ควรส่งเสริมการคัดแยกขยะในชุมชน
มติที่ประชุม เห็นชอบ และมอบหมายให้สำนักงานจังหวัดรายงานผลภายในวันที่ 31 มีนาคม 2567
"""


@pytest.fixture
def runner(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("PRACHUM_EMBEDDER", "hashing")
    return CliRunner()


def _commands() -> list[list[str]]:
    names = [[c.name or c.callback.__name__] for c in app.registered_commands]  # type: ignore[union-attr]
    for group in app.registered_groups:
        names.append([group.name])  # type: ignore[list-item]
        for command in group.typer_instance.registered_commands:  # type: ignore[union-attr]
            names.append([group.name, command.name or command.callback.__name__])  # type: ignore[list-item, union-attr]
    return names


def test_every_command_has_help(runner: CliRunner) -> None:
    commands = _commands()
    assert {"ingest", "extract", "text", "docs"} <= {c[0] for c in commands}
    for command in commands:
        result = runner.invoke(app, [*command, "--help"])
        assert result.exit_code == 0, (command, result.output)
        assert len(result.output.strip()) > 40, command


def test_ingest_is_idempotent_replaces_changes_and_reports_failures(runner: CliRunner, tmp_path: Path) -> None:
    good = tmp_path / "minutes.txt"
    good.write_text(MINUTES, encoding="utf-8")
    bad = tmp_path / "broken.docx"
    bad.write_bytes(b"not a zip")
    result = runner.invoke(app, ["ingest", str(good), str(bad)])
    assert result.exit_code == 1
    assert "ok" in result.stdout and "minutes.txt" in result.stdout
    assert "failed" in result.output and "broken.docx" in result.output and "Traceback" not in result.output

    again = runner.invoke(app, ["ingest", str(good)])
    assert again.exit_code == 0 and again.stdout.startswith("unchanged")

    good.write_text(MINUTES + "มติที่ประชุม รับรองรายงานการประชุม\n", encoding="utf-8")
    changed = runner.invoke(app, ["ingest", str(good)])
    assert changed.exit_code == 0 and changed.stdout.startswith("replaced")

    listing = json.loads(runner.invoke(app, ["docs", "--format", "json"]).stdout)
    assert listing["count"] == 1
    assert listing["data"][0]["file"] == "minutes.txt"
    assert listing["data"][0]["meeting_date"] == "2024-01-15"


def test_extract_prints_the_contract_and_stores_nothing(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "m.txt"
    path.write_text(MINUTES, encoding="utf-8")
    result = runner.invoke(app, ["extract", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"doc", "meeting", "items", "sdg", "agencies"} <= set(data)
    assert data["doc"] == "m.txt"
    for item in data["items"]:
        assert MINUTES[item["span"][0] : item["span"][1]] == item["text"]
        assert item["kind"] in ("action", "recommendation", "resolution")
    assert json.loads(runner.invoke(app, ["docs", "--format", "json"]).stdout)["count"] == 0


def test_text_prints_decoded_legacy_thai(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "legacy.txt"
    path.write_bytes(MINUTES.encode("cp874"))
    result = runner.invoke(app, ["text", str(path)])
    assert result.exit_code == 0 and result.stdout == MINUTES


def test_bad_input_is_one_line_and_non_zero(runner: CliRunner, tmp_path: Path) -> None:
    for args in (["extract", str(tmp_path / "missing.txt")], ["extract", str(tmp_path / "x.xyz")]):
        result = runner.invoke(app, args)
        assert result.exit_code != 0
        assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output


@pytest.mark.postgres
def test_backup_on_postgresql_points_to_pg_dump(runner: CliRunner, tmp_path: Path, data_dir: Path) -> None:
    result = runner.invoke(app, ["backup", str(tmp_path / "backup")])
    assert result.exit_code == 2 and "pg_dump" in result.output and "Traceback" not in result.output
    (tmp_path / "old").mkdir()
    refused = runner.invoke(app, ["restore", str(tmp_path / "old")])
    assert refused.exit_code == 2 and "pg_dump" in refused.output


@pytest.mark.sqlite_only
def test_backup_and_restore_round_trip(runner: CliRunner, tmp_path: Path, data_dir: Path) -> None:
    path = tmp_path / "m.txt"
    path.write_text(MINUTES, encoding="utf-8")
    assert runner.invoke(app, ["ingest", str(path)]).exit_code == 0
    backup_dir = tmp_path / "backup"
    assert runner.invoke(app, ["backup", str(backup_dir)]).exit_code == 0
    doc_id = json.loads(runner.invoke(app, ["docs", "--format", "json"]).stdout)["data"][0]["id"]
    assert runner.invoke(app, ["delete", doc_id]).exit_code == 0
    assert json.loads(runner.invoke(app, ["docs", "--format", "json"]).stdout)["count"] == 0
    restored = runner.invoke(app, ["restore", str(backup_dir)])
    assert restored.exit_code == 0, restored.output
    assert json.loads(runner.invoke(app, ["docs", "--format", "json"]).stdout)["count"] == 1
    assert runner.invoke(app, ["restore", str(tmp_path)]).exit_code != 0  # not a backup
