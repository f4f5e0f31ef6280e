"""The index's own SQLite file: units (facts for filters and hits, BM25 tokens), the
embedding cache (by content hash and embedder) and index metadata (embedder, generation).

The generation number goes up with every write, so a reader can tell cheaply whether its
in-memory view (and the saved BM25 matrix) is still current.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from prachum.search.units import IndexUnit

_SEP = "\x1f"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS units (
    row INTEGER PRIMARY KEY AUTOINCREMENT,
    uid TEXT NOT NULL UNIQUE,
    doc_id TEXT NOT NULL,
    doc TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    kind TEXT,
    item_id TEXT,
    meeting_date TEXT,
    body TEXT,
    agencies TEXT NOT NULL DEFAULT '',
    sdg TEXT NOT NULL DEFAULT '',
    status TEXT,
    text TEXT NOT NULL,
    hash TEXT NOT NULL,
    tokens TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS units_doc ON units (doc_id);
CREATE TABLE IF NOT EXISTS vectors (hash TEXT PRIMARY KEY, vector BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS words (word TEXT PRIMARY KEY, vector BLOB NOT NULL);
"""
UNIT_COLUMNS = 'row, uid, doc_id, doc, start, "end", kind, item_id, meeting_date, body, agencies, sdg, status, text, hash'
# what the in-memory view needs for every unit (no text: hits fetch theirs by row)
FACT_COLUMNS = "row, uid, doc_id, kind, item_id, meeting_date, body, agencies, sdg, status"


class Catalog:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(str(path), timeout=30, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    # -- metadata ---------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def generation(self) -> int:
        return int(self.get_meta("generation") or 0)

    # -- units --------------------------------------------------------------------------------
    def doc_uids(self, doc_id: str) -> list[str]:
        return [r[0] for r in self._db.execute("SELECT uid FROM units WHERE doc_id = ?", (doc_id,))]

    def replace_units(self, doc_id: str, units: Sequence[IndexUnit], tokens: Sequence[list[str]]) -> None:
        """Swap the units of one document in one transaction, and bump the generation."""
        with self._transaction():
            self._db.execute("DELETE FROM units WHERE doc_id = ?", (doc_id,))
            self._db.executemany(
                'INSERT INTO units (uid, doc_id, doc, start, "end", kind, item_id, meeting_date, body, '
                "agencies, sdg, status, text, hash, tokens) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [
                    (
                        u.uid,
                        u.doc_id,
                        u.doc,
                        u.span[0],
                        u.span[1],
                        u.kind,
                        u.item_id,
                        u.meeting_date,
                        u.body,
                        _SEP.join(u.agencies),
                        ",".join(str(g) for g in u.sdg),
                        u.status,
                        u.text,
                        u.content_hash,
                        _SEP.join(toks),
                    )
                    for u, toks in zip(units, tokens, strict=True)
                ],
            )
            self._bump()

    def delete_doc(self, doc_id: str) -> None:
        with self._transaction():
            self._db.execute("DELETE FROM units WHERE doc_id = ?", (doc_id,))
            self._bump()

    def clear(self) -> None:
        with self._transaction():
            self._db.execute("DELETE FROM units")
            self._db.execute("DELETE FROM vectors")
            self._db.execute("DELETE FROM words")
            self._db.execute("DELETE FROM meta WHERE key != 'generation'")
            self._bump()

    def doc_ids(self) -> set[str]:
        return {r[0] for r in self._db.execute("SELECT DISTINCT doc_id FROM units")}

    def unit_facts(self) -> list[tuple]:
        return self._db.execute(f"SELECT {FACT_COLUMNS} FROM units ORDER BY row").fetchall()

    def units_by_row(self, rows: Sequence[int]) -> dict[int, tuple]:
        marks = ",".join("?" * len(rows))
        found = self._db.execute(f"SELECT {UNIT_COLUMNS} FROM units WHERE row IN ({marks})", list(rows))
        return {r[0]: r for r in found}

    def vectors_in_row_order(self, dim: int) -> np.ndarray:
        """Every unit's cached vector, in the view's row order (zeros where one is missing)."""
        found = self._db.execute(
            "SELECT v.vector FROM units u LEFT JOIN vectors v ON v.hash = u.hash ORDER BY u.row"
        ).fetchall()
        zero = bytes(4 * dim)
        blobs = [b if b is not None and len(b) == 4 * dim else zero for (b,) in found]
        return np.frombuffer(b"".join(blobs), dtype=np.float32).reshape(len(blobs), dim)

    def token_lists(self) -> list[list[str]]:
        return [
            t.split(_SEP) if t else [] for (t,) in self._db.execute("SELECT tokens FROM units ORDER BY row")
        ]

    def count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM units").fetchone()[0])

    # -- embedding cache ----------------------------------------------------------------------
    def cached_vectors(self, hashes: Iterable[str], dim: int) -> dict[str, np.ndarray]:
        wanted = list(dict.fromkeys(hashes))
        found: dict[str, np.ndarray] = {}
        for i in range(0, len(wanted), 500):
            chunk = wanted[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for h, blob in self._db.execute(
                f"SELECT hash, vector FROM vectors WHERE hash IN ({marks})", chunk
            ):
                vector = np.frombuffer(blob, dtype=np.float32)
                if vector.shape[0] == dim:
                    found[h] = vector
        return found

    def cache_vectors(self, vectors: dict[str, np.ndarray]) -> None:
        with self._transaction():
            self._db.executemany(
                "INSERT OR REPLACE INTO vectors (hash, vector) VALUES (?, ?)",
                [(h, np.asarray(v, dtype=np.float32).tobytes()) for h, v in vectors.items()],
            )

    def prune_vectors(self) -> None:
        """Forget cached vectors no unit uses any more."""
        with self._transaction():
            self._db.execute("DELETE FROM vectors WHERE hash NOT IN (SELECT hash FROM units)")

    # -- word vectors (English → Thai query translation) -------------------------------------
    def unknown_words(self, words: Sequence[str]) -> list[str]:
        known: set[str] = set()
        for i in range(0, len(words), 500):
            chunk = list(words[i : i + 500])
            marks = ",".join("?" * len(chunk))
            known.update(
                r[0] for r in self._db.execute(f"SELECT word FROM words WHERE word IN ({marks})", chunk)
            )
        return [w for w in words if w not in known]

    def add_words(self, words: Sequence[str], vectors: np.ndarray) -> None:
        with self._transaction():
            self._db.executemany(
                "INSERT OR REPLACE INTO words (word, vector) VALUES (?, ?)",
                [(w, np.asarray(v, dtype=np.float32).tobytes()) for w, v in zip(words, vectors, strict=True)],
            )

    def word_vectors(self, dim: int) -> tuple[list[str], np.ndarray]:
        rows = [(w, b) for w, b in self._db.execute("SELECT word, vector FROM words") if len(b) == 4 * dim]
        if not rows:
            return [], np.zeros((0, dim), dtype=np.float32)
        matrix = np.frombuffer(b"".join(b for _, b in rows), dtype=np.float32).reshape(len(rows), dim)
        return [w for w, _ in rows], matrix

    def word_count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM words").fetchone()[0])

    # -- helpers ------------------------------------------------------------------------------
    def _bump(self) -> None:
        self.set_meta("generation", str(self.generation() + 1))

    def _transaction(self):
        return _Transaction(self._db)


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type, exc, tb) -> None:
        self._db.execute("ROLLBACK" if exc_type else "COMMIT")


def split_keys(value: str) -> tuple[str, ...]:
    return tuple(v for v in value.split(_SEP) if v) if value else ()


def split_goals(value: str) -> tuple[int, ...]:
    return tuple(int(v) for v in value.split(",") if v) if value else ()
