"""Writers that meet: concurrent changes to one register record all land (row lock on
PostgreSQL, BEGIN IMMEDIATE on SQLite), and the PostgreSQL-only machinery — SKIP LOCKED
claims, the writers' advisory lock — does what the store relies on."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from prachum.config import Settings
from prachum.schema import jobs
from prachum.services import Services
from prachum.store import WRITERS_LOCK

FIXTURES = Path(__file__).parent / "fixtures_api"


@pytest.fixture
def svc(settings: Settings) -> Services:
    services = Services(settings.with_(embedder="hashing"))
    result = services.pipeline.ingest_file(FIXTURES / "minutes_water.txt")
    assert result.status == "ok", result.message
    return services


def test_concurrent_changes_to_one_record_all_land(svc: Services) -> None:
    rec = svc.register.list()[0]
    start = threading.Barrier(6)
    errors: list[Exception] = []

    def add_note(n: int) -> None:
        start.wait()
        try:
            svc.register.update(rec["id"], note=f"บันทึก {n}", actor=f"user{n}")
        except Exception as exc:  # collected: the assertion below names them
            errors.append(exc)

    threads = [threading.Thread(target=add_note, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    after = svc.register.get(rec["id"])
    assert after["version"] == rec["version"] + 6
    assert sorted(h["note"] for h in after["history"] if h["field"] == "note") == [f"บันทึก {n}" for n in range(6)]
    assert sorted(after["notes"].splitlines()) == [f"บันทึก {n}" for n in range(6)]


def test_each_concurrent_update_answers_with_its_own_version(svc: Services) -> None:
    """The answer to an update is read in its own transaction: two writers are never shown
    the same version (a client would send it back and get a false 409, or worse, none)."""
    rec = svc.register.list()[0]
    start = threading.Barrier(5)
    versions: list[int] = []

    def add_note(n: int) -> None:
        start.wait()
        versions.append(svc.register.update(rec["id"], note=f"รอบ {n}", actor=f"user{n}")["version"])

    threads = [threading.Thread(target=add_note, args=(n,)) for n in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(versions) == [rec["version"] + k for k in range(1, 6)]


def test_a_stale_expected_version_is_a_conflict(svc: Services) -> None:
    from prachum.errors import Conflict

    rec = svc.register.list()[0]
    svc.register.update(rec["id"], status="in_progress", actor="a", expected_version=rec["version"])
    with pytest.raises(Conflict, match=f"version {rec['version'] + 1}, not {rec['version']}"):
        svc.register.update(rec["id"], status="implemented", actor="b", expected_version=rec["version"])


@pytest.mark.postgres
def test_claims_skip_a_job_another_worker_holds(svc: Services) -> None:
    """A worker inside its claim transaction holds the oldest job's row: another worker
    takes the next job at once instead of waiting (FOR UPDATE SKIP LOCKED)."""
    queue = svc.jobs
    first = queue.enqueue_upload(b"one", "1.txt", actor="t")
    second = queue.enqueue_upload(b"two", "2.txt", actor="t")
    with svc.store.engine.connect() as holder, holder.begin():
        held = holder.execute(sa.select(jobs.c.id).where(jobs.c.id == first.id).with_for_update()).scalar()
        assert held == first.id
        claimed = queue.claim("other")
        assert claimed is not None and claimed.id == second.id
    assert queue.claim("third").id == first.id  # type: ignore[union-attr]


@pytest.mark.postgres
def test_document_writers_hold_the_advisory_lock(svc: Services) -> None:
    assert svc.store.dialect == "postgresql"
    query = sa.text(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
        "AND ((classid::bigint << 32) | objid::bigint) = :key"
    )
    with svc.store.engine.connect() as probe:
        assert probe.execute(query, {"key": WRITERS_LOCK}).scalar() == 0
        with svc.store.begin() as conn:
            svc.store.serialise_writers(conn)
            assert probe.execute(query, {"key": WRITERS_LOCK}).scalar() == 1
        assert probe.execute(query, {"key": WRITERS_LOCK}).scalar() == 0  # released at commit


@pytest.mark.postgres
def test_thai_text_json_and_autoincrement_round_trip_on_postgres(svc: Services) -> None:
    doc_id = svc.store.doc_ids()[0]
    minutes = svc.store.get_minutes(doc_id)
    assert "ประชุม" in minutes.document.text and minutes.items
    audit = svc.store.audit_log(10)
    ids = [row["id"] for row in audit]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == len(ids)
    assert isinstance(audit[0]["detail"], dict)


def test_wal_switch_waits_for_another_connections_lock(tmp_path: Path) -> None:
    """A new SQLite file's switch to WAL needs a lock another process may hold for a moment
    (two processes opening one new data dir): it waits instead of failing "database is locked",
    even on a connection whose own busy timeout is zero."""
    import sqlite3
    import time

    from prachum.store import _enable_wal

    path = tmp_path / "new.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("CREATE TABLE t (a)")
    other = sqlite3.connect(path, isolation_level=None, timeout=0)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        other.execute("PRAGMA journal_mode=WAL")  # what the connection did on its own before

    releaser = threading.Timer(0.3, lambda: holder.execute("COMMIT"))
    releaser.start()
    started = time.monotonic()
    _enable_wal(other)
    assert time.monotonic() - started >= 0.2
    assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    releaser.join()
    holder.close()
    other.close()


@pytest.mark.slow
def test_processes_opening_one_new_data_dir_at_once(tmp_path: Path) -> None:
    """Six processes open the same new data dir at the same instant (store, migrations, search
    catalog): all of them get a working store; none dies on the first connection's locks."""
    import os
    import subprocess
    import sys
    import time

    data_dir = tmp_path / "data"
    script = (
        "import sys, time\n"
        "from prachum.config import Settings\n"
        "from prachum.services import Services\n"
        "start = float(sys.argv[1])\n"
        "while time.time() < start: pass\n"
        "svc = Services(Settings.from_env().with_(embedder='hashing'))\n"
        "svc.index.catalog.count(); print(len(svc.store.doc_ids()))\n"
    )
    env = dict(os.environ, PRACHUM_DATA_DIR=str(data_dir))
    env.pop("PRACHUM_DATABASE_URL", None)
    for _round in range(2):
        start = time.time() + 3
        procs = [
            subprocess.Popen([sys.executable, "-c", script, str(start)], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
            for _ in range(6)
        ]
        for proc in procs:
            out, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err[-2000:]
            assert out.strip() == "0"
        data_dir = tmp_path / "data2"  # the second round: another new dir
        env["PRACHUM_DATA_DIR"] = str(data_dir)
