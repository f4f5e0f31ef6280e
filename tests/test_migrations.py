"""Alembic migrations run by Store on open: a fresh store is at the head and matches
prachum.schema exactly; a store made before Alembic is adopted with every row; opening is
idempotent; processes opening a fresh store at once all succeed. On SQLite and, on the
PostgreSQL run, against PostgreSQL (the ``settings`` fixture points at a fresh schema)."""
from __future__ import annotations

import multiprocessing
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from prachum.config import Settings
from prachum.errors import PrachumError
from prachum.migrations import runner
from prachum.schema import METADATA, SCHEMA_VERSION
from prachum.store import Store

V1_STORE = Path(__file__).parent / "fixtures" / "store_v1" / "prachum.sqlite3"


def _schema_diffs(store: Store) -> list[object]:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return [d for d in compare_metadata(context, METADATA)]


def _counts(store: Store) -> dict[str, int]:
    with store.engine.connect() as conn:
        return {
            name: conn.execute(sa.select(sa.func.count()).select_from(METADATA.tables[name])).scalar_one()
            for name in ("documents", "items", "recs", "rec_history", "followups", "audit")
        }


def test_fresh_store_is_at_the_head_and_matches_the_schema_module(settings: Settings) -> None:
    store = Store(settings)
    with store.engine.connect() as conn:
        assert runner.current_revision(conn) == runner.head()
    assert _schema_diffs(store) == []
    assert store.get_meta("schema_version") == str(SCHEMA_VERSION) == str(int(runner.head()))


def test_opening_again_changes_nothing(settings: Settings) -> None:
    store = Store(settings)
    store.set_meta("probe", "kept")
    before = _counts(store)
    again = Store(settings)
    with again.begin() as conn:  # an explicit upgrade at the head is a no-op too
        assert runner.upgrade(conn) == runner.head()
    assert _counts(again) == before
    assert again.get_meta("probe") == "kept"


def test_every_revision_upgrades_and_downgrades(settings: Settings) -> None:
    """The chain is walkable both ways (0001 ⇄ head) on this engine."""
    from alembic import command

    store = Store(settings)
    with store.begin() as conn:
        command.downgrade(runner.alembic_config(conn), "0001")
        assert runner.current_revision(conn) == "0001"
        assert not sa.inspect(conn).has_table("jobs")
        command.upgrade(runner.alembic_config(conn), "head")
    assert _schema_diffs(store) == []


@pytest.mark.sqlite_only
def test_store_made_before_alembic_is_adopted_without_losing_a_row(tmp_path: Path) -> None:
    import sqlite3

    data_dir = tmp_path / "data"
    data_dir.mkdir()
    shutil.copy2(V1_STORE, data_dir / "prachum.sqlite3")
    with sqlite3.connect(data_dir / "prachum.sqlite3") as raw:
        assert raw.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == ("1",)
        tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert "alembic_version" not in tables and "jobs" not in tables
        old = {t: raw.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("documents", "items", "recs", "rec_history")}
    assert old["documents"] == 2 and old["recs"] > 0

    settings = Settings(data_dir=data_dir, embedder="hashing")
    store = Store(settings)
    with store.engine.connect() as conn:
        assert runner.current_revision(conn) == runner.head()
    assert _schema_diffs(store) == []
    assert store.get_meta("schema_version") == str(SCHEMA_VERSION)
    counts = _counts(store)
    assert {t: counts[t] for t in old} == old
    # the data still works: documents load, the register keeps its history and takes changes
    from prachum.services import Services

    services = Services(settings)
    assert all(len(services.store.get_minutes(d).items) > 0 for d in services.store.doc_ids())
    moved = [r for r in services.register.list() if r["status"] == "in_progress"]
    assert moved and moved[0]["history"][-1]["note"] == "ก่อนย้ายไป Alembic"
    updated = services.register.update(moved[0]["id"], status="implemented", note="เสร็จ", actor="ทดสอบ")
    assert updated["version"] == moved[0]["version"] + 1
    assert services.jobs.list() == []  # the new table is there, empty
    Store(settings)  # and opening it again is a no-op
    assert _counts(Store(settings))["recs"] == old["recs"]


@pytest.mark.sqlite_only
def test_an_unknown_old_schema_version_is_refused_by_name(tmp_path: Path) -> None:
    import sqlite3

    data_dir = tmp_path / "data"
    data_dir.mkdir()
    shutil.copy2(V1_STORE, data_dir / "prachum.sqlite3")
    with sqlite3.connect(data_dir / "prachum.sqlite3") as raw:
        raw.execute("UPDATE meta SET value='7' WHERE key='schema_version'")
    with pytest.raises(PrachumError, match="schema_version 7"):
        Store(Settings(data_dir=data_dir))


def test_a_store_from_a_newer_prachum_is_refused(settings: Settings) -> None:
    store = Store(settings)
    with store.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(PrachumError, match="9999"):
        Store(settings)


def _open_store(data_dir: str, url: str, start: object) -> None:
    start.wait()  # type: ignore[attr-defined]
    store = Store(Settings(data_dir=Path(data_dir), database_url=url))
    store.set_meta(f"opened-{multiprocessing.current_process().name}", "yes")


def test_processes_opening_a_fresh_store_at_once_all_succeed(settings: Settings) -> None:
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    url = settings.db_url  # the children get it explicitly (on the PostgreSQL run: this test's schema)
    procs = [
        context.Process(target=_open_store, args=(str(settings.data_dir), url, start), name=f"p{n}")
        for n in range(4)
    ]
    for proc in procs:
        proc.start()
    start.set()
    for proc in procs:
        proc.join(timeout=120)
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]
    store = Store(settings)
    assert all(store.get_meta(f"opened-p{n}") == "yes" for n in range(4))
    with store.engine.connect() as conn:
        assert runner.current_revision(conn) == runner.head()


def test_a_store_created_by_create_all_before_alembic_is_adopted(settings: Settings) -> None:
    """What the pre-Alembic code did on any engine (PostgreSQL too): create_all of the 0001
    tables and meta.schema_version=1. Opening it stamps 0001, adds the jobs table, keeps rows."""
    engine = sa.create_engine(settings.db_url)
    if engine.dialect.name == "sqlite":
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    v1_tables = [t for t in METADATA.sorted_tables if t.name != "jobs"]
    with engine.begin() as conn:
        METADATA.create_all(conn, tables=v1_tables)
        conn.execute(sa.insert(METADATA.tables["meta"]).values(key="schema_version", value="1"))
        conn.execute(
            sa.insert(METADATA.tables["audit"]).values(at="2024-01-01T00:00:00+00:00", actor="old", action="x", detail={})
        )
    engine.dispose()
    store = Store(settings)
    with store.engine.connect() as conn:
        assert runner.current_revision(conn) == runner.head()
    assert [r["actor"] for r in store.audit_log()] == ["old"]
    assert _schema_diffs(store) == []
