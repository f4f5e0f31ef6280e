"""The store: documents, their extraction records and an audit trail, in SQLite (WAL) by
default or PostgreSQL (``PRACHUM_DATABASE_URL=postgresql+psycopg://…``).

SQLAlchemy Core keeps the SQL portable while staying close to the tables (all defined in
`prachum.schema`, the register's too); Alembic revisions (`prachum.migrations`) bring a
database to that schema when the store opens. Writes happen in one transaction per document, so a crash leaves a
document either fully stored or absent; `index_state` says whether the search index has
caught up with it (the pipeline indexes after commit; `prachum reindex` repairs).
"""
from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from prachum.config import Settings
from prachum.errors import InvalidInput, NotFound
from prachum.models import (
    AgencyMention,
    Boilerplate,
    Document,
    Item,
    Meeting,
    Minutes,
    Page,
    Participant,
    SdgTag,
    SdgTarget,
)
from prachum.schema import audit, documents, items, meta

# PostgreSQL advisory lock keys (any 64-bit numbers, the same in every prachum process)
MIGRATION_LOCK = 0x70726163_68756D01  # one process at a time brings the schema up to date
WRITERS_LOCK = 0x70726163_68756D02  # document/register writers, as BEGIN IMMEDIATE does on SQLite


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


SQLITE_BUSY_SECONDS = 30.0  # how long a SQLite connection waits for another process's lock


def sqlite_engine(url: str, write_option: str) -> Engine:
    """A SQLAlchemy engine on the SQLite database ``url`` set up for several processes: WAL, a
    busy timeout, and BEGIN IMMEDIATE for connections carrying the execution option
    ``write_option`` (the store's and the search catalog's writers)."""
    engine = sa.create_engine(url, connect_args={"timeout": SQLITE_BUSY_SECONDS})
    sa.event.listen(engine, "connect", _sqlite_pragmas)

    def begin(conn: Connection) -> None:
        # Write transactions take the write lock up front: two processes that both read then
        # write would otherwise fail with SQLITE_BUSY (the snapshot is stale) instead of waiting.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(write_option) else "BEGIN")

    sa.event.listen(engine, "begin", begin)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # Let SQLAlchemy's "begin" event emit BEGIN itself (the driver's implicit BEGIN cannot be IMMEDIATE).
    dbapi_connection.isolation_level = None
    _enable_wal(dbapi_connection)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_SECONDS * 1000)}")
    cursor.close()


def _enable_wal(dbapi_connection) -> None:  # type: ignore[no-untyped-def]
    """Switch a new database file to WAL (it stays so). Two processes opening a new data dir at
    the same moment can collide on the switch with a "database is locked" the busy timeout does
    not cover (seen in CI: two `prachum ingest` at once), so that collision is retried for as
    long as the timeout would have waited. An existing WAL file needs no lock at all."""
    deadline = time.monotonic() + SQLITE_BUSY_SECONDS
    while True:
        try:
            if dbapi_connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                dbapi_connection.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _refuse_nul(_conn, _cursor, _statement, parameters, _context, executemany) -> None:  # type: ignore[no-untyped-def]
    """PostgreSQL cannot hold NUL characters in text (SQLite can, and exports then choke on
    them): refuse them the same way on both engines, as bad input rather than a crash."""
    for row in parameters if executemany else (parameters,):
        for value in row.values() if isinstance(row, dict) else row or ():
            if isinstance(value, str) and "\x00" in value:
                raise InvalidInput(f"text with a NUL character (\\x00) cannot be stored or looked up: {value[:40]!r}")


class Store:
    # extra create_engine arguments for a database server (e.g. ``poolclass=NullPool`` behind
    # pgbouncer, or when many short-lived stores share one server, as the test suite does)
    server_engine_options: dict[str, Any] = {}

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        url = settings.db_url
        if url.startswith("sqlite"):
            settings.data_dir.mkdir(parents=True, exist_ok=True)
            self.engine: Engine = sqlite_engine(url, "prachum_write")
        else:
            options = {"pool_pre_ping": True, **self.server_engine_options}
            self.engine = sa.create_engine(url, **options)
        self.dialect = self.engine.dialect.name
        sa.event.listen(self.engine, "before_cursor_execute", _refuse_nul)
        self._migrate()

    # -- schema -------------------------------------------------------------------------
    def _migrate(self) -> None:
        """Bring the database to the schema's head revision. Processes opening a new data dir
        at once wait for each other instead of failing: the upgrade runs in a write
        transaction (BEGIN IMMEDIATE on SQLite) holding an advisory lock on PostgreSQL."""
        from prachum.migrations import runner

        with self.engine.connect() as conn:  # the usual case: already there, no lock taken
            if runner.current_revision(conn) == runner.head():
                return
        with self.begin() as conn:
            if self.dialect == "postgresql":
                conn.execute(sa.select(sa.func.pg_advisory_xact_lock(MIGRATION_LOCK)))
            runner.upgrade(conn)

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """One write transaction; everything written inside commits or rolls back together."""
        with self.engine.connect().execution_options(prachum_write=True) as conn, conn.begin():
            yield conn

    def serialise_writers(self, conn: Connection) -> None:
        """Make ``conn``'s transaction the only document/register writer until it ends.

        Ingest, delete and the link commands read the register, decide, then write: on SQLite
        BEGIN IMMEDIATE already serialises them; on PostgreSQL this transaction-level advisory
        lock does, while readers and single-record updates (row locks) carry on."""
        if self.dialect == "postgresql":
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(WRITERS_LOCK)))

    def get_meta(self, key: str) -> str | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(meta.c.value).where(meta.c.key == key)).first()
        return row[0] if row else None

    def set_meta(self, key: str, value: str, conn: Connection | None = None) -> None:
        def write(c: Connection) -> None:
            # one statement, so two processes setting the same new key never collide
            if self.dialect == "postgresql":
                from sqlalchemy.dialects.postgresql import insert
            else:
                from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
            upsert = insert(meta).values(key=key, value=value)
            c.execute(upsert.on_conflict_do_update(index_elements=[meta.c.key], set_={"value": value}))

        if conn is not None:
            write(conn)
        else:
            with self.begin() as c:
                write(c)

    # -- documents ----------------------------------------------------------------------
    def document_for_source(self, source_key: str, conn: Connection | None = None) -> dict[str, Any] | None:
        query = sa.select(documents.c.id, documents.c.content_hash, documents.c.file_name).where(
            documents.c.source_key == source_key
        )
        return self._first(query, conn)

    def document_with_hash(self, content_hash: str, conn: Connection | None = None) -> dict[str, Any] | None:
        query = sa.select(documents.c.id, documents.c.source_key, documents.c.file_name).where(
            documents.c.content_hash == content_hash
        )
        return self._first(query, conn)

    def _first(self, query: sa.Select, conn: Connection | None) -> dict[str, Any] | None:
        if conn is not None:
            row = conn.execute(query).mappings().first()
        else:
            with self.engine.connect() as c:
                row = c.execute(query).mappings().first()
        return dict(row) if row else None

    def save_minutes(self, conn: Connection, minutes: Minutes, source_key: str, actor: str = "system") -> str | None:
        """Store ``minutes`` under ``source_key`` inside ``conn``'s transaction, replacing the
        version stored under the same key. Returns the replaced document id, if any."""
        old = self.document_for_source(source_key, conn)
        if old:
            conn.execute(sa.delete(items).where(items.c.doc_id == old["id"]))
            conn.execute(sa.delete(documents).where(documents.c.id == old["id"]))
        doc = minutes.document
        conn.execute(sa.insert(documents).values(**_document_row(minutes, source_key)))
        if minutes.items:
            conn.execute(sa.insert(items), [_item_row(doc.id, seq, item) for seq, item in enumerate(minutes.items)])
        self.audit(
            conn,
            actor,
            "document.replace" if old else "document.add",
            doc.id,
            {"file": doc.file_name, "replaced": old["id"] if old else None, "items": len(minutes.items)},
        )
        return old["id"] if old else None

    def set_index_state(self, doc_id: str, state: str, conn: Connection | None = None) -> None:
        statement = sa.update(documents).where(documents.c.id == doc_id).values(index_state=state)
        if conn is not None:
            conn.execute(statement)
        else:
            with self.begin() as c:
                c.execute(statement)

    def delete_document(self, doc_id: str, actor: str = "system", conn: Connection | None = None) -> None:
        def run(c: Connection) -> None:
            found = c.execute(sa.select(documents.c.file_name).where(documents.c.id == doc_id)).first()
            if not found:
                raise NotFound(f"no document with id {doc_id!r}")
            c.execute(sa.delete(items).where(items.c.doc_id == doc_id))
            c.execute(sa.delete(documents).where(documents.c.id == doc_id))
            self.audit(c, actor, "document.delete", doc_id, {"file": found[0]})

        if conn is not None:
            run(conn)
        else:
            with self.begin() as c:
                run(c)

    def list_documents(self) -> list[dict[str, Any]]:
        cols = documents.c
        query = sa.select(
            cols.id, cols.file_name, cols.format, cols.meeting_date, cols.body, cols.title, cols.n_items,
            cols.ingested_at, cols.source_path, cols.index_state, cols.sdg, cols.pages, cols.warnings,
        )
        with self.engine.connect() as conn:
            rows = list(conn.execute(query).mappings().all())
        # latest meeting first, then by name in code-point order: the same on every engine
        # (PostgreSQL would otherwise sort Thai names by the database's collation)
        rows.sort(key=lambda r: r["file_name"])
        rows.sort(key=lambda r: r["meeting_date"] or "", reverse=True)
        rows.sort(key=lambda r: r["meeting_date"] is None)
        out = []
        for row in rows:
            record = dict(row)
            record["file"] = record.pop("file_name")
            record["items"] = record.pop("n_items")
            record["sdg"] = [tag["goal"] for tag in record["sdg"]]
            record["pages"] = len(record["pages"]) or None
            out.append(record)
        return out

    def doc_ids(self, state: str | None = None) -> list[str]:
        query = sa.select(documents.c.id)
        if state:
            query = query.where(documents.c.index_state == state)
        with self.engine.connect() as conn:
            return [row[0] for row in conn.execute(query)]

    def get_minutes(self, doc_id: str, conn: Connection | None = None) -> Minutes:
        def run(c: Connection) -> Minutes:
            row = c.execute(sa.select(documents).where(documents.c.id == doc_id)).mappings().first()
            if row is None:
                raise NotFound(f"no document with id {doc_id!r}")
            item_rows = c.execute(sa.select(items).where(items.c.doc_id == doc_id).order_by(items.c.seq)).mappings()
            return _minutes_from_rows(row, list(item_rows))

        if conn is not None:
            return run(conn)
        with self.engine.connect() as c:
            return run(c)

    def iter_minutes(self) -> Iterator[Minutes]:
        for doc_id in self.doc_ids():
            yield self.get_minutes(doc_id)

    def get_item(self, item_id: str) -> tuple[Item, str]:
        """An item and its document id."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(items).where(items.c.id == item_id)).mappings().first()
        if row is None:
            raise NotFound(f"no item with id {item_id!r}")
        return _item_from_row(row), row["doc_id"]

    # -- audit --------------------------------------------------------------------------
    def audit(self, conn: Connection, actor: str, action: str, target: str | None, detail: dict[str, Any]) -> None:
        conn.execute(sa.insert(audit).values(at=now_iso(), actor=actor, action=action, target=target, detail=detail))

    def audit_log(self, limit: int = 100) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(audit).order_by(audit.c.id.desc()).limit(limit)).mappings().all()
        return [dict(r) for r in rows]


# -- row <-> record -------------------------------------------------------------------------
def _document_row(minutes: Minutes, source_key: str) -> dict[str, Any]:
    doc = minutes.document
    meeting = asdict(minutes.meeting)
    return {
        "id": doc.id,
        "source_key": source_key,
        "file_name": doc.file_name,
        "source_path": doc.source_path,
        "format": doc.format,
        "content_hash": doc.content_hash,
        "encoding": doc.encoding,
        "text": doc.text,
        "pages": [asdict(p) for p in doc.pages],
        "boilerplate": [{"span": list(b.span), "label": b.label} for b in doc.boilerplate],
        "warnings": list(doc.warnings),
        "meta": json.loads(json.dumps(dict(doc.meta), default=str)),
        "meeting": meeting,
        "title": minutes.meeting.title,
        "body": minutes.meeting.body,
        "meeting_date": minutes.meeting.date,
        "sdg": [tag.to_dict() for tag in minutes.sdg],
        "agencies": [a.to_dict() for a in minutes.agencies],
        "n_items": len(minutes.items),
        "ingested_at": now_iso(),
        "index_state": "pending",
    }


def _item_row(doc_id: str, seq: int, item: Item) -> dict[str, Any]:
    return {
        "id": item.id,
        "doc_id": doc_id,
        "seq": seq,
        "kind": item.kind,
        "text": item.text,
        "start": item.span[0],
        "end": item.span[1],
        "by": list(item.by),
        "to": list(item.to),
        "due": item.due,
        "status": item.status,
        "sdg": [tag.to_dict() for tag in item.sdg],
        "section": item.section,
    }


def sdg_from_dict(data: dict[str, Any]) -> SdgTag:
    return SdgTag(
        goal=int(data["goal"]),
        score=float(data["score"]),
        evidence=tuple(data.get("evidence") or ()),
        targets=tuple(SdgTarget(t["target"], float(t["score"])) for t in data.get("targets") or ()),
    )


def _item_from_row(row: Any) -> Item:
    return Item(
        id=row["id"],
        kind=row["kind"],
        text=row["text"],
        span=(row["start"], row["end"]),
        by=tuple(row["by"]),
        to=tuple(row["to"]),
        due=row["due"],
        status=row["status"],
        sdg=tuple(sdg_from_dict(s) for s in row["sdg"]),
        section=row["section"],
    )


def _minutes_from_rows(row: Any, item_rows: list[Any]) -> Minutes:
    meeting_data = dict(row["meeting"])
    participants = tuple(Participant(**p) for p in meeting_data.pop("participants", []))
    document = Document(
        file_name=row["file_name"],
        text=row["text"],
        format=row["format"],
        content_hash=row["content_hash"],
        source_path=row["source_path"],
        encoding=row["encoding"],
        pages=tuple(Page(**p) for p in row["pages"]),
        boilerplate=tuple(Boilerplate((b["span"][0], b["span"][1]), b["label"]) for b in row["boilerplate"]),
        warnings=tuple(row["warnings"]),
        meta=row["meta"],
    )
    return Minutes(
        document=document,
        meeting=Meeting(**meeting_data, participants=participants),
        items=tuple(_item_from_row(r) for r in item_rows),
        sdg=tuple(sdg_from_dict(s) for s in row["sdg"]),
        agencies=tuple(
            AgencyMention(a["name"], a.get("abbr"), tuple(tuple(m) for m in a.get("mentions", [])), a.get("name_en"))  # type: ignore[misc]
            for a in row["agencies"]
        ),
    )
