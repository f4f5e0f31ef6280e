"""Crash safety and concurrency with real processes: SIGKILL `prachum ingest` mid-batch at
several points, then check that the store and the index agree (every stored document fully
indexed or not at all, after the automatic reconcile), and that nothing stored is lost; two
ingest processes writing the same data dir at once store every document exactly once."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

TEMPLATE = """รายงานการประชุมคณะกรรมการทดสอบที่ {n}
วันจันทร์ที่ {d} มกราคม 2567 เวลา 09.30 น.
ระเบียบวาระที่ 1 เรื่องเพื่อพิจารณา
ที่ประชุมมีข้อคิดเห็นดังนี้
- ควรจัดทำแผนรับมือภัยแล้งครั้งที่ {n} ให้ครอบคลุมทุกตำบล
- ควรสำรวจแหล่งน้ำสาธารณะในพื้นที่ {n} แห่ง
มติที่ประชุม เห็นชอบ และมอบหมายให้สำนักงานจังหวัดรายงานผลภายในวันที่ 31 มีนาคม 2567
""" + "รายละเอียดประกอบการประชุม " * 200


def _make_docs(folder: Path, count: int, offset: int = 0) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(offset, offset + count):
        path = folder / f"m{n:03d}.txt"
        path.write_text(TEMPLATE.format(n=n, d=1 + n % 28), encoding="utf-8")
        paths.append(path)
    return paths


def _env(data_dir: Path) -> dict[str, str]:
    env = dict(os.environ, PRACHUM_DATA_DIR=str(data_dir), PRACHUM_EMBEDDER="hashing")
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
    process = subprocess.Popen(_ingest_cmd(*docs), env=_env(data_dir), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
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
        subprocess.Popen(_ingest_cmd(*first), env=_env(data_dir), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True),
        subprocess.Popen(_ingest_cmd(*second, *shared), env=_env(data_dir), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True),
    ]
    outputs = [p.communicate(timeout=300) for p in procs]
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
        assert "Traceback" not in err
    assert _check_consistent(data_dir) == 16
