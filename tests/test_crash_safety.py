"""Crash safety and concurrency with real processes: SIGKILL `prachum ingest` mid-batch at
several points, then check that the store and the index agree (every stored document fully
indexed or not at all, after the automatic reconcile), and that nothing stored is lost; two
ingest processes writing the same data dir at once store every document exactly once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

TEMPLATE = (
    """รายงานการประชุมคณะกรรมการทดสอบที่ {n}
วันจันทร์ที่ {d} มกราคม 2567 เวลา 09.30 น.
ระเบียบวาระที่ 1 เรื่องเพื่อพิจารณา
ที่ประชุมมีข้อคิดเห็นดังนี้
- ควรจัดทำแผนรับมือภัยแล้งครั้งที่ {n} ให้ครอบคลุมทุกตำบล
- ควรสำรวจแหล่งน้ำสาธารณะในพื้นที่ {n} แห่ง
มติที่ประชุม เห็นชอบ และมอบหมายให้สำนักงานจังหวัดรายงานผลภายในวันที่ 31 มีนาคม 2567
"""
    + "รายละเอียดประกอบการประชุม " * 200
)


def _make_docs(folder: Path, count: int, offset: int = 0) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(offset, offset + count):
        path = folder / f"m{n:03d}.txt"
        path.write_text(TEMPLATE.format(n=n, d=1 + n % 28), encoding="utf-8")
        paths.append(path)
    return paths


def _env(data_dir: Path) -> dict[str, str]:
    from prachum.config import Settings

    # the same store as this process's Settings for data_dir (its PostgreSQL schema on the PG run)
    database = Settings.from_env(data_dir).db_url
    env = dict(os.environ, PRACHUM_DATA_DIR=str(data_dir), PRACHUM_EMBEDDER="hashing", PRACHUM_DATABASE_URL=database)
    env.pop("PRACHUM_DEBUG", None)
    return env


def _ingest_cmd(*paths: Path) -> list[str]:
    return [sys.executable, "-m", "prachum.cli", "ingest", *map(str, paths)]


def _check_consistent(data_dir: Path) -> int:
    """Store ⇔ index agreement after the reconcile every batch starts with."""
    from prachum.config import Settings
    from prachum.search.units import build_units
    from prachum.services import Services

    services = Services(Settings.from_env(data_dir).with_(embedder="hashing"))
    services.pipeline.reconcile()
    stored = set(services.store.doc_ids())
    index = services.index
    assert index.indexed_doc_ids() == stored
    assert services.store.doc_ids(state="pending") == []
    vector_ids = set(index.vectors.collection.get(include=[])["ids"])
    for doc_id in stored:
        minutes = services.store.get_minutes(doc_id)
        uids = index.catalog.doc_uids(doc_id)
        assert len(uids) == len(build_units(minutes)), doc_id
        assert set(uids) <= vector_ids, doc_id
        assert len(minutes.items) >= 1
    return len(stored)


@pytest.mark.parametrize("kill_after", [0.2, 1.5, 3.0, 5.0])
def test_sigkill_mid_batch_loses_nothing(tmp_path: Path, kill_after: float) -> None:
    data_dir = tmp_path / "data"
    docs = _make_docs(tmp_path / "in", 12)
    process = subprocess.Popen(
        _ingest_cmd(*docs), env=_env(data_dir), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    time.sleep(kill_after)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    if (data_dir / "prachum.sqlite3").exists():
        _check_consistent(data_dir)
    # a second run completes the batch: every document exactly once
    done = subprocess.run(_ingest_cmd(*docs), env=_env(data_dir), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert _check_consistent(data_dir) == len(docs)


def test_two_ingest_processes_at_once(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    first = _make_docs(tmp_path / "a", 8, 0)
    second = _make_docs(tmp_path / "b", 8, 8)
    shared = first[:3]  # both processes also ingest these: each must be stored once
    procs = [
        subprocess.Popen(
            _ingest_cmd(*first), env=_env(data_dir), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        ),
        subprocess.Popen(
            _ingest_cmd(*second, *shared),
            env=_env(data_dir),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        ),
    ]
    outputs = [p.communicate(timeout=300) for p in procs]
    for proc, (_out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
        assert "Traceback" not in err
    assert _check_consistent(data_dir) == 16


def _check_indexed_flag_is_true(data_dir: Path) -> tuple[int, int]:
    """Straight after a crash, before any repair: a document the store marks as indexed is
    fully in the index (catalog units and vectors); only pending ones may be partial."""
    from prachum.config import Settings
    from prachum.search.units import build_units
    from prachum.services import Services

    services = Services(Settings.from_env(data_dir).with_(embedder="hashing"))
    index = services.index
    vector_ids = set(index.vectors.collection.get(include=[])["ids"])
    indexed = services.store.doc_ids(state="indexed")
    for doc_id in indexed:
        uids = index.catalog.doc_uids(doc_id)
        assert len(uids) == len(build_units(services.store.get_minutes(doc_id))), doc_id
        assert set(uids) <= vector_ids, doc_id
    stored = len(services.store.doc_ids())
    services.store.engine.dispose()
    return len(indexed), stored


# Kill points tied to progress, not to the clock alone: after the n-th file is reported, then
# a short delay lands inside the next file (reading, extracting, committing or indexing it).
@pytest.mark.parametrize(("after_files", "delay"), [(1, 0.0), (3, 0.05), (6, 0.2), (9, 0.6)])
def test_sigkill_after_reported_files_loses_none_of_them(
    tmp_path: Path, after_files: int, delay: float
) -> None:
    data_dir = tmp_path / "data"
    docs = _make_docs(tmp_path / "in", 40)  # enough that the batch cannot finish within the delay
    process = subprocess.Popen(
        _ingest_cmd(*docs), env=_env(data_dir), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    assert process.stdout is not None
    reported = []
    for line in process.stdout:
        reported.append(line)
        if len(reported) >= after_files:
            break
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert len(reported) == after_files and all(line.startswith("ok") for line in reported), reported
    indexed, stored = _check_indexed_flag_is_true(data_dir)
    assert indexed >= after_files and stored >= after_files  # every reported file survived the kill
    assert stored < len(docs)  # the kill really came mid-batch
    # `prachum reindex` rebuilds the index from SQLite alone
    rebuilt = subprocess.run(
        [sys.executable, "-m", "prachum.cli", "reindex"],
        env=_env(data_dir),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert rebuilt.returncode == 0 and "Traceback" not in rebuilt.stderr, rebuilt.stderr
    assert _check_consistent(data_dir) == stored
    done = subprocess.run(_ingest_cmd(*docs), env=_env(data_dir), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert _check_consistent(data_dir) == len(docs)


def test_two_ingest_processes_and_the_server_at_once(tmp_path: Path) -> None:
    """Two CLI writers and the API (uploads and versioned status changes) on one data dir."""
    from fastapi.testclient import TestClient

    from prachum.api import create_app
    from prachum.config import Settings
    from prachum.services import Services

    data_dir = tmp_path / "data"
    token = {"Authorization": "Bearer crash-test-token"}
    api = TestClient(
        create_app(
            Services(Settings.from_env(data_dir).with_(embedder="hashing", api_token="crash-test-token"))
        ),
        raise_server_exceptions=False,
    )
    seed = tmp_path / "seed.txt"
    seed.write_text(TEMPLATE.format(n=99, d=5), encoding="utf-8")
    first = api.post(
        "/api/documents", files=[("files", ("seed.txt", seed.read_bytes(), "text/plain"))], headers=token
    )
    assert first.status_code == 200, first.text
    procs = [
        subprocess.Popen(
            _ingest_cmd(*_make_docs(tmp_path / f"p{k}", 6, 10 * k)),
            env=_env(data_dir),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for k in (1, 2)
    ]
    accepted = []
    uploads = 0
    while any(p.poll() is None for p in procs) or uploads < 3:
        if uploads < 3:
            body = TEMPLATE.format(n=200 + uploads, d=uploads + 1).encode()
            up = api.post(
                "/api/documents", files=[("files", (f"api{uploads}.txt", body, "text/plain"))], headers=token
            )
            assert up.status_code == 200, up.text
            uploads += 1
        rec = api.get("/api/recs", params={"status": "open"}).json()["data"]
        if rec:
            changed = api.patch(
                f"/api/recs/{rec[0]['id']}",
                headers=token,
                json={"status": "in_progress", "note": "กำลังดำเนินการ", "expected_version": rec[0]["version"]},
            )
            assert changed.status_code in (200, 409), changed.text
            if changed.status_code == 200:
                accepted.append(rec[0]["id"])
        time.sleep(0.1)
    for proc in procs:
        _out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0 and "Traceback" not in err, err
    assert _check_consistent(data_dir) == 1 + 12 + 3
    for rec_id in accepted:  # every accepted change is still there, recorded once
        record = api.get(f"/api/recs/{rec_id}").json()
        assert record["status"] == "in_progress"
        assert [e["to"] for e in record["history"] if e["field"] == "status"].count("in_progress") == 1
    assert accepted


@pytest.mark.sqlite_only
def test_backup_while_an_ingest_writes_restores_a_consistent_store(tmp_path: Path) -> None:
    """`prachum backup` during a batch (SQLite online backup + index copy under the index lock),
    then `prachum restore`: the restored store is consistent and holds what the backup counted."""
    data_dir = tmp_path / "data"
    docs = _make_docs(tmp_path / "in", 10)
    process = subprocess.Popen(
        _ingest_cmd(*docs), env=_env(data_dir), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    assert process.stdout is not None
    for _ in range(2):
        assert process.stdout.readline().startswith("ok")
    backup_dir = tmp_path / "backup ชุดที่ 1"
    taken = subprocess.run(
        [sys.executable, "-m", "prachum.cli", "backup", str(backup_dir)],
        env=_env(data_dir),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert taken.returncode == 0, taken.stderr
    process.communicate(timeout=300)
    assert process.returncode == 0
    counted = json.loads((backup_dir / "backup.json").read_text(encoding="utf-8"))["documents"]
    assert 2 <= counted <= len(docs)
    restored = subprocess.run(
        [sys.executable, "-m", "prachum.cli", "restore", str(backup_dir)],
        env=_env(data_dir),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert restored.returncode == 0 and "Traceback" not in restored.stderr, restored.stderr
    indexed, stored = _check_indexed_flag_is_true(data_dir)
    assert stored == counted and indexed <= stored
    assert _check_consistent(data_dir) == counted
    # the data replaced by the restore is kept beside it: a mistaken restore loses nothing
    kept = [p for p in tmp_path.iterdir() if p.name.startswith("data.before-restore-")]
    assert len(kept) == 1 and (kept[0] / "prachum.sqlite3").exists()
