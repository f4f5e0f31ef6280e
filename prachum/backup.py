"""Backups of a data dir: the SQLite store through its online backup API (consistent while
other processes write) and the search index files copied under the index write lock.

A backup is a folder: ``prachum.sqlite3``, ``index/`` and ``backup.json`` (what, when,
schema version, document count). Restore checks the backup first (integrity, schema) and
then swaps it in, keeping the replaced data as ``<data_dir>.before-restore-<time>`` so a
mistaken restore loses nothing either.
"""
from __future__ import annotations

import json
import shutil
import sqlite3
from contextlib import nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prachum.errors import InvalidInput

if TYPE_CHECKING:
    from prachum.services import Services

DB_NAME = "prachum.sqlite3"
MANIFEST = "backup.json"


def require_sqlite(services: Services) -> Path:
    """The SQLite file of the store; InvalidInput (naming pg_dump) for a database server."""
    return _sqlite_path(services)


def _sqlite_path(services: Services) -> Path:
    url = services.settings.db_url
    if not url.startswith("sqlite:///"):
        raise InvalidInput(
            f"backup supports the embedded SQLite store only (database is {url.split(':')[0]}); "
            "back up PostgreSQL with pg_dump and copy the index folder"
        )
    return Path(url[len("sqlite:///") :])


def backup(services: Services, target: Path) -> dict[str, Any]:
    """Write a consistent backup of the store and index into the new folder ``target``."""
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise InvalidInput(f"{target}: backup folder exists and is not empty")
    target.mkdir(parents=True, exist_ok=True)
    services.store  # noqa: B018  (creates the schema if the data dir is new)
    source_db = _sqlite_path(services)
    index = services.index
    lock = index.write_lock() if hasattr(index, "write_lock") else nullcontext()
    with lock:  # no index writer while we copy; the SQLite copy is consistent by itself
        with sqlite3.connect(source_db) as src, sqlite3.connect(target / DB_NAME) as dst:
            src.backup(dst)
        index_dir = services.settings.index_dir
        if index_dir.exists():
            shutil.copytree(index_dir, target / "index")
    with sqlite3.connect(target / DB_NAME) as conn:
        documents = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        version = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0]
    manifest = {
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "source": str(services.settings.data_dir),
        "schema_version": int(version),
        "documents": documents,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return manifest


def check_backup(source: Path) -> dict[str, Any]:
    source = Path(source)
    manifest_path = source / MANIFEST
    if not manifest_path.exists() or not (source / DB_NAME).exists():
        raise InvalidInput(f"{source}: not a prachum backup (no {MANIFEST} or {DB_NAME})")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    with sqlite3.connect(source / DB_NAME) as conn:
        status = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if status != "ok":
            raise InvalidInput(f"{source}: the backup database is damaged ({status})")
    from prachum.schema import SCHEMA_VERSION

    if int(manifest.get("schema_version", 0)) > SCHEMA_VERSION:
        raise InvalidInput(
            f"{source}: backup schema {manifest['schema_version']} is newer than this prachum ({SCHEMA_VERSION})"
        )
    return manifest


def restore(data_dir: Path, source: Path) -> dict[str, Any]:
    """Replace ``data_dir`` with the backup in ``source``; the old data is kept beside it."""
    manifest = check_backup(source)
    data_dir = Path(data_dir)
    staging = data_dir.with_name(data_dir.name + ".restoring")
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    shutil.copy2(Path(source) / DB_NAME, staging / DB_NAME)
    if (Path(source) / "index").exists():
        shutil.copytree(Path(source) / "index", staging / "index")
    for extra in ("agencies.tsv",):  # user files that live in the data dir
        if (data_dir / extra).exists():
            shutil.copy2(data_dir / extra, staging / extra)
    kept = None
    if data_dir.exists():
        kept = data_dir.with_name(f"{data_dir.name}.before-restore-{datetime.now(UTC):%Y%m%dT%H%M%S}")
        data_dir.rename(kept)
    staging.rename(data_dir)
    manifest["previous_data_kept_at"] = str(kept) if kept else None
    return manifest
