"""The index catalog: units (facts for filters and hits, BM25 tokens), the embedding cache
(by content hash) and index metadata (embedder, generation), through SQLAlchemy Core.

Two homes, one code path (`open_catalog`):
- embedded (default): its own SQLite file ``index_dir/catalog.sqlite3`` (tables ``units``,
  ``vectors``, ``words``, ``meta``), writers serialised by an fcntl lock on ``write.lock``;
- shared: with a PostgreSQL ``PRACHUM_DATABASE_URL``, the same tables prefixed ``search_`` in
  that database, writers serialised by a PostgreSQL advisory lock, so every API worker on
  every machine reads one catalog.

The generation number goes up (atomically, in the writing transaction) with every write, so
a reader can tell cheaply whether its in-memory view and BM25 matrix are still current. The
cached vectors are the source of truth for exact (filtered) scoring: each reader builds its
matrix from them, wherever it runs.
"""

from __future__ import annotations

import fcntl
import uuid
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from prachum.search.units import IndexUnit
from prachum.store import sqlite_engine

_SEP = "\x1f"
PG_PREFIX = "search_"
_CHUNK = 500


def is_postgres(url: str | None) -> bool:
    return bool(url) and sa.engine.make_url(str(url)).get_backend_name() == "postgresql"


def open_catalog(index_dir: Path, database_url: str | None = None) -> Catalog:
    """The shared catalog in PostgreSQL when ``database_url`` names one, else the index's own file."""
    if database_url and is_postgres(database_url):
        options = {"pool_pre_ping": True, **Catalog.server_engine_options}
        return Catalog(sa.create_engine(database_url, **options), PG_PREFIX, index_dir)
    path = Path(index_dir) / "catalog.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    return Catalog(sqlite_engine(f"sqlite:///{path}", "catalog_write"), "", index_dir)


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """An exclusive fcntl lock on ``path`` (made, with its folder, when missing) for the block."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def catalog_tables(prefix: str) -> tuple[sa.MetaData, sa.Table, sa.Table, sa.Table, sa.Table]:
    md = sa.MetaData()
    meta = sa.Table(
        f"{prefix}meta",
        md,
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    units = sa.Table(
        f"{prefix}units",
        md,
        sa.Column("row", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("uid", sa.Text, nullable=False, unique=True),
        sa.Column("doc_id", sa.Text, nullable=False, index=True),
        sa.Column("doc", sa.Text, nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("kind", sa.Text),
        sa.Column("item_id", sa.Text),
        sa.Column("meeting_date", sa.Text),
        sa.Column("body", sa.Text),
        sa.Column("agencies", sa.Text, nullable=False, server_default=""),
        sa.Column("sdg", sa.Text, nullable=False, server_default=""),
        sa.Column("status", sa.Text),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("hash", sa.Text, nullable=False),
        sa.Column("tokens", sa.Text, nullable=False, server_default=""),
        sqlite_autoincrement=True,  # row ids are never reused: a reader's stale row finds nothing
    )
    vectors = sa.Table(
        f"{prefix}vectors",
        md,
        sa.Column("hash", sa.Text, primary_key=True),
        sa.Column("vector", sa.LargeBinary, nullable=False),
    )
    words = sa.Table(
        f"{prefix}words",
        md,
        sa.Column("word", sa.Text, primary_key=True),
        sa.Column("vector", sa.LargeBinary, nullable=False),
    )
    return md, meta, units, vectors, words


class Catalog:
    # extra create_engine arguments for a database server (e.g. ``poolclass=NullPool`` when
    # many short-lived catalogs share one server, as the test suite's PostgreSQL run does)
    server_engine_options: dict[str, Any] = {}

    def __init__(self, engine: Engine, prefix: str, index_dir: Path) -> None:
        self.engine = engine
        self.postgres = engine.dialect.name == "postgresql"
        self.index_dir = Path(index_dir)
        self._md, self.meta, self.units, self.vectors, self.words = catalog_tables(prefix)
        u = self.units
        # what the in-memory view needs for every unit (no text: hits fetch theirs by row)
        self._facts = [
            u.c.row,
            u.c.uid,
            u.c.doc_id,
            u.c.kind,
            u.c.item_id,
            u.c.meeting_date,
            u.c.body,
            u.c.agencies,
            u.c.sdg,
            u.c.status,
        ]
        self._unit_cols = [
            u.c.row,
            u.c.uid,
            u.c.doc_id,
            u.c.doc,
            u.c.start,
            u.c.end,
            u.c.kind,
            u.c.item_id,
            u.c.meeting_date,
            u.c.body,
            u.c.agencies,
            u.c.sdg,
            u.c.status,
            u.c.text,
            u.c.hash,
        ]
        scope = ""
        if self.postgres:  # one lock per schema: deployments sharing a database do not wait on each other
            with engine.connect() as conn:
                scope = str(conn.execute(sa.text("SELECT current_schema()")).scalar() or "")
        self._lock_key = zlib.crc32(f"prachum:{scope}.{prefix}catalog".encode())
        with self._write() as conn:
            if self.postgres:  # workers starting together would race to create the tables
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": self._lock_key + 1})
            self._md.create_all(conn)
            self._insert_missing(conn, "generation", "0")
            self._insert_missing(conn, "catalog_id", uuid.uuid4().hex)
        self.catalog_id = self.get_meta("catalog_id") or ""

    @property
    def cache_dir(self) -> Path:
        """Where this machine keeps its derived files (BM25 matrix, vector matrix): the index
        folder itself for the embedded catalog, a folder named after a shared catalog's id
        otherwise (a cache written for one catalog is never read for another)."""
        return self.index_dir / f"pg-{self.catalog_id[:12]}" if self.postgres else self.index_dir

    def close(self) -> None:
        self.engine.dispose()

    # -- locking and transactions -------------------------------------------------------------
    @contextmanager
    def lock(self) -> Iterator[None]:
        """Exclusive across writers: an fcntl lock beside the SQLite file, or a PostgreSQL
        advisory lock (held on its own connection) for a shared catalog. Not re-entrant."""
        if self.postgres:
            with self.engine.connect() as conn:
                conn.execute(sa.text("SELECT pg_advisory_lock(:k)"), {"k": self._lock_key})
                conn.commit()
                try:
                    yield
                finally:
                    conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": self._lock_key})
                    conn.commit()
            return
        with _file_lock(self.index_dir / "write.lock"):
            yield

    @contextmanager
    def cache_lock(self) -> Iterator[None]:
        """Exclusive between the processes and threads of this machine saving derived files
        into `cache_dir` (short; never held by the catalog's writers)."""
        with _file_lock(self.cache_dir / "cache.lock"):
            yield

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self.engine.connect().execution_options(catalog_write=True) as conn, conn.begin():
            yield conn

    def _read(self, query: sa.Executable) -> list[sa.Row]:
        with self.engine.connect() as conn:
            return list(conn.execute(query).all())

    def _insert_missing(self, conn: Connection, key: str, value: str) -> None:
        if conn.execute(sa.select(self.meta.c.key).where(self.meta.c.key == key)).first() is None:
            conn.execute(sa.insert(self.meta).values(key=key, value=value))

    def _upsert(self, conn: Connection, table: sa.Table, rows: list[dict], key: str) -> None:
        if not rows:
            return
        if self.postgres:
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
        statement = insert(table)
        others = {c.name: statement.excluded[c.name] for c in table.columns if c.name != key}
        conn.execute(statement.on_conflict_do_update(index_elements=[key], set_=others), rows)

    def _bump(self, conn: Connection) -> None:
        """Generation + 1 in the writer's transaction (one UPDATE: no lost increment)."""
        m = self.meta
        new = sa.cast(sa.cast(m.c.value, sa.Integer) + 1, sa.Text)
        conn.execute(sa.update(m).where(m.c.key == "generation").values(value=new))

    # -- metadata ---------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        rows = self._read(sa.select(self.meta.c.value).where(self.meta.c.key == key))
        return rows[0][0] if rows else None

    def set_meta(self, key: str, value: str) -> None:
        with self._write() as conn:
            self._upsert(conn, self.meta, [{"key": key, "value": value}], "key")

    def generation(self) -> int:
        return int(self.get_meta("generation") or 0)

    # -- units --------------------------------------------------------------------------------
    def doc_uids(self, doc_id: str) -> list[str]:
        return [r[0] for r in self._read(sa.select(self.units.c.uid).where(self.units.c.doc_id == doc_id))]

    def replace_units(self, doc_id: str, units: Sequence[IndexUnit], tokens: Sequence[list[str]]) -> None:
        """Swap the units of one document in one transaction, and bump the generation."""
        rows = [
            {
                "uid": u.uid,
                "doc_id": u.doc_id,
                "doc": u.doc,
                "start": u.span[0],
                "end": u.span[1],
                "kind": u.kind,
                "item_id": u.item_id,
                "meeting_date": u.meeting_date,
                "body": u.body,
                "agencies": _SEP.join(u.agencies),
                "sdg": ",".join(str(g) for g in u.sdg),
                "status": u.status,
                "text": u.text,
                "hash": u.content_hash,
                "tokens": _SEP.join(toks),
            }
            for u, toks in zip(units, tokens, strict=True)
        ]
        with self._write() as conn:
            conn.execute(sa.delete(self.units).where(self.units.c.doc_id == doc_id))
            if rows:
                conn.execute(sa.insert(self.units), rows)
            self._bump(conn)

    def delete_doc(self, doc_id: str) -> None:
        with self._write() as conn:
            conn.execute(sa.delete(self.units).where(self.units.c.doc_id == doc_id))
            self._bump(conn)

    def clear(self) -> None:
        with self._write() as conn:
            for table in (self.units, self.vectors, self.words):
                conn.execute(sa.delete(table))
            conn.execute(sa.delete(self.meta).where(self.meta.c.key.not_in(("generation", "catalog_id"))))
            self._bump(conn)

    def doc_ids(self) -> set[str]:
        return {r[0] for r in self._read(sa.select(self.units.c.doc_id).distinct())}

    def unit_facts(self) -> list[tuple]:
        return [tuple(r) for r in self._read(sa.select(*self._facts).order_by(self.units.c.row))]

    def units_by_row(self, rows: Sequence[int]) -> dict[int, tuple]:
        if not rows:
            return {}
        found = self._read(sa.select(*self._unit_cols).where(self.units.c.row.in_(list(rows))))
        return {r[0]: tuple(r) for r in found}

    def vectors_in_row_order(self, dim: int) -> np.ndarray:
        """Every unit's cached vector, in the view's row order (zeros where one is missing)."""
        u, v = self.units, self.vectors
        found = self._read(
            sa.select(v.c.vector).select_from(u.outerjoin(v, v.c.hash == u.c.hash)).order_by(u.c.row)
        )
        zero = bytes(4 * dim)
        blobs = [bytes(b) if b is not None and len(b) == 4 * dim else zero for (b,) in found]
        return np.frombuffer(b"".join(blobs), dtype=np.float32).reshape(len(blobs), dim)

    def token_lists(self) -> list[list[str]]:
        found = self._read(sa.select(self.units.c.tokens).order_by(self.units.c.row))
        return [t.split(_SEP) if t else [] for (t,) in found]

    def count(self) -> int:
        return int(self._read(sa.select(sa.func.count()).select_from(self.units))[0][0])

    # -- embedding cache ----------------------------------------------------------------------
    def cached_vectors(self, hashes: Iterable[str], dim: int) -> dict[str, np.ndarray]:
        wanted = list(dict.fromkeys(hashes))
        found: dict[str, np.ndarray] = {}
        v = self.vectors
        with self.engine.connect() as conn:
            for i in range(0, len(wanted), _CHUNK):
                chunk = wanted[i : i + _CHUNK]
                for h, blob in conn.execute(sa.select(v.c.hash, v.c.vector).where(v.c.hash.in_(chunk))):
                    vector = np.frombuffer(bytes(blob), dtype=np.float32)
                    if vector.shape[0] == dim:
                        found[h] = vector
        return found

    def cache_vectors(self, vectors: dict[str, np.ndarray]) -> None:
        rows = [{"hash": h, "vector": np.asarray(x, dtype=np.float32).tobytes()} for h, x in vectors.items()]
        with self._write() as conn:
            self._upsert(conn, self.vectors, rows, "hash")

    def prune_vectors(self) -> None:
        """Forget cached vectors no unit uses any more."""
        with self._write() as conn:
            conn.execute(
                sa.delete(self.vectors).where(self.vectors.c.hash.not_in(sa.select(self.units.c.hash)))
            )

    # -- word vectors (English → Thai query translation) -------------------------------------
    def unknown_words(self, words: Sequence[str]) -> list[str]:
        known: set[str] = set()
        w = self.words
        with self.engine.connect() as conn:
            for i in range(0, len(words), _CHUNK):
                chunk = list(words[i : i + _CHUNK])
                known.update(r[0] for r in conn.execute(sa.select(w.c.word).where(w.c.word.in_(chunk))))
        return [x for x in words if x not in known]

    def add_words(self, words: Sequence[str], vectors: np.ndarray) -> None:
        rows = [
            {"word": w, "vector": np.asarray(v, dtype=np.float32).tobytes()}
            for w, v in zip(words, vectors, strict=True)
        ]
        with self._write() as conn:
            self._upsert(conn, self.words, rows, "word")

    def word_vectors(self, dim: int) -> tuple[list[str], np.ndarray]:
        rows = [(w, bytes(b)) for w, b in self._read(sa.select(self.words.c.word, self.words.c.vector))]
        rows = [(w, b) for w, b in rows if len(b) == 4 * dim]
        if not rows:
            return [], np.zeros((0, dim), dtype=np.float32)
        matrix = np.frombuffer(b"".join(b for _, b in rows), dtype=np.float32).reshape(len(rows), dim)
        return [w for w, _ in rows], matrix

    def word_count(self) -> int:
        return int(self._read(sa.select(sa.func.count()).select_from(self.words))[0][0])


def split_keys(value: str) -> tuple[str, ...]:
    return tuple(v for v in value.split(_SEP) if v) if value else ()


def split_goals(value: str) -> tuple[int, ...]:
    return tuple(int(v) for v in value.split(",") if v) if value else ()
