"""Bad input: every hostile or broken file gives one line naming it and the reason, a non-zero
exit for that file only, no traceback, and the store is unchanged for it."""
from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from prachum.cli import app

GOOD = "รายงานการประชุมคณะกรรมการทดสอบ\nวันที่ 3 กุมภาพันธ์ 2566\nมติที่ประชุม รับทราบ\n- ควรจัดทำแผนรับมือภัยแล้ง\n"


def _pdf_bytes(pages: int = 1, *, encrypt: str | None = None) -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, encrypt=encrypt)
    for n in range(pages):
        pdf.drawString(72, 720, f"Meeting minutes page {n + 1}")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (300 * 1024 * 1024))
    return buffer.getvalue()


BAD: dict[str, bytes | None] = {
    "empty.txt": b"",
    "zero.pdf": b"",
    "not_really.pdf": b"%PDF-1.7\n" + b"garbage " * 100,
    "bomb.docx": None,  # built lazily (300 MB inflated, 300 kB on disk)
    "not_a_zip.docx": b"PK\x03\x04 but not really a zip file",
    "binary.txt": bytes(range(256)) * 64,
    "huge.txt": None,  # 50 MB of Thai text: over the per-document text limit
    "notes.xyz": b"unsupported type",
}


@pytest.fixture
def runner(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("PRACHUM_EMBEDDER", "hashing")
    return CliRunner()


def _write_bad_files(folder: Path) -> list[Path]:
    paths = []
    for name, data in BAD.items():
        path = folder / name
        if name == "bomb.docx":
            data = _bomb()
        elif name == "huge.txt":
            data = ("การประชุมคณะกรรมการ " * 900_000).encode("utf-8")[: 50 * 1000 * 1000]
        path.write_bytes(data or b"")
        paths.append(path)
    full = _pdf_bytes(3)
    (folder / "truncated.pdf").write_bytes(full[: len(full) // 2])
    (folder / "encrypted.pdf").write_bytes(_pdf_bytes(1, encrypt="secret"))
    (folder / "many_pages.pdf").write_bytes(_pdf_bytes(2000))
    paths += [folder / "truncated.pdf", folder / "encrypted.pdf", folder / "many_pages.pdf"]
    return paths


def test_each_bad_file_fails_alone_and_cleanly(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "in ที่ มี space"
    folder.mkdir()
    bad = _write_bad_files(folder)
    good = folder / "ok รายงาน.txt"
    good.write_text(GOOD, encoding="utf-8")
    result = runner.invoke(app, ["ingest", *map(str, bad), str(good)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    failed_lines = [line for line in result.output.splitlines() if line.startswith("failed")]
    assert len(failed_lines) == len(bad), result.output
    for path in bad:
        line = next(line for line in failed_lines if str(path) in line)
        reason = line.split(str(path), 1)[1].strip()
        assert len(reason) > 10, line  # a reason, not just the name
    assert any(line.startswith("ok") and "ok รายงาน.txt" in line for line in result.output.splitlines())
    docs = json.loads(runner.invoke(app, ["docs", "--format", "json"]).stdout)
    assert [d["file"] for d in docs["data"]] == ["ok รายงาน.txt"]


@pytest.mark.parametrize(
    "name, data",
    [
        ("tis620.txt", GOOD.encode("tis-620")),
        ("utf16.txt", GOOD.encode("utf-16")),
        ("nul.txt", GOOD.encode("utf-8").replace(b"\n", b"\n\x00", 1)),
        ("long_line.txt", ("ที่ประชุมมีมติเห็นชอบ " * 20_000).encode("utf-8")),
        ("script.html", b"<html><body><script>" + b"var a=1;" * 400_000 + b"</script><p>" + GOOD.encode() + b"</p></body></html>"),
    ],
)
def test_awkward_but_valid_files_are_stored(runner: CliRunner, tmp_path: Path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    result = runner.invoke(app, ["ingest", str(path)])
    assert result.exit_code == 0, result.output
    assert json.loads(runner.invoke(app, ["docs", "--format", "json"]).stdout)["count"] == 1


def test_dot_dot_and_thai_path_names(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "ก").mkdir()
    path = tmp_path / "ก" / ".." / "รายงาน การประชุม.txt"
    (tmp_path / "รายงาน การประชุม.txt").write_text(GOOD, encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(path)])
    assert result.exit_code == 0, result.output


def _store_snapshot(data_dir: Path) -> tuple:  # type: ignore[type-arg]
    """Documents with their items, and register records with their versions and history size."""
    from prachum.config import Settings
    from prachum.services import Services

    services = Services(Settings.from_env(data_dir).with_(embedder="hashing"))
    docs = {
        doc_id: [(i.id, i.span, i.text) for i in services.store.get_minutes(doc_id).items]
        for doc_id in services.store.doc_ids()
    }
    recs = sorted((r["id"], r["version"], r["status"]) for r in services.register.list())
    indexed = services.index.indexed_doc_ids()
    services.store.engine.dispose()
    return docs, recs, indexed


def test_bad_files_leave_what_is_stored_untouched(runner: CliRunner, data_dir: Path, tmp_path: Path) -> None:
    """A bad batch after a good one changes nothing; a stored file that later turns bad (same
    path, now corrupt or empty) keeps its stored version instead of losing it."""
    folder = tmp_path / "docs"
    folder.mkdir()
    kept = folder / "minutes.txt"
    kept.write_text(GOOD + "- ควรสำรวจแหล่งน้ำสาธารณะ\n", encoding="utf-8")
    assert runner.invoke(app, ["ingest", str(kept)]).exit_code == 0
    before = _store_snapshot(data_dir)
    assert before[0] and before[1], "the good file gave no items or records to protect"
    bad = _write_bad_files(tmp_path)
    result = runner.invoke(app, ["ingest", *map(str, bad)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert _store_snapshot(data_dir) == before
    for damaged in (b"", b"\x00\x01\x02\x03" * 500, b"\xff\xfe" + b"\x00\xd8" * 3):
        kept.write_bytes(damaged)
        result = runner.invoke(app, ["ingest", str(kept)])
        assert result.exit_code == 1 and "Traceback" not in result.output, result.output
        assert str(kept) in result.output
        assert _store_snapshot(data_dir) == before
