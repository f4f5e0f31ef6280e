"""Vectors in a Chroma collection (cosine space), always with our embeddings: an embedded
PersistentClient in the index folder, or a Chroma server (`chroma run`) through HttpClient when
``PRACHUM_CHROMA_URL`` is set, so that API workers on several machines share one collection.

Chroma's HNSW answers an unfiltered top-k in a few milliseconds at 100k units, but its
``where`` filters cost 60–100 ms there (bench/search.py). Filtered queries therefore do not
go through Chroma: the index scores the allowed rows exactly with numpy, against the matrix
saved here by `save_matrix` (rebuilt from the catalog's embedding cache after each write).
That matrix is a per-machine cache: with a shared catalog each machine rebuilds its own from
the vectors cached by content hash, which stay the source of truth.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np

from prachum.errors import InvalidInput, PrachumError

COLLECTION = "prachum_units"


class _SharedExclusive:
    """Many users at once, or one alone (writer first): an embedded client is dropped
    (`VectorStore.reopen`) only while no thread of this process is using one."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._users = 0
        self._exclusive = False
        self._waiting = 0

    @contextmanager
    def shared(self) -> Iterator[None]:
        with self._cond:
            self._cond.wait_for(lambda: not self._exclusive and not self._waiting)
            self._users += 1
        try:
            yield
        finally:
            with self._cond:
                self._users -= 1
                self._cond.notify_all()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        with self._cond:
            self._waiting += 1
            self._cond.wait_for(lambda: not self._exclusive and not self._users)
            self._waiting -= 1
            self._exclusive = True
        try:
            yield
        finally:
            with self._cond:
                self._exclusive = False
                self._cond.notify_all()


# Chroma keeps one embedded system per process (all folders): dropping it (reopen) must not
# pull it from under a query running in another thread, and must make every VectorStore of
# the process fetch its collection again (the epoch).
_EMBEDDED = _SharedExclusive()
_epoch = 0
_OPENING = threading.Lock()  # Chroma's client constructor is not safe to run in two threads at once


@lru_cache(maxsize=16)
def _persistent_client(path: str):
    import chromadb

    # one client per folder and process: Chroma refuses a second one with other settings
    return chromadb.PersistentClient(
        path=path, settings=chromadb.Settings(anonymized_telemetry=False, allow_reset=True)
    )


def check_chroma_url(url: str) -> tuple[str, int, bool]:
    """(host, port, ssl) of a Chroma server URL such as ``http://127.0.0.1:8001``."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/"):
        raise InvalidInput(f"PRACHUM_CHROMA_URL {url!r} is not a server address like http://host:port")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 8000)
    except ValueError:
        raise InvalidInput(f"PRACHUM_CHROMA_URL {url!r} has a bad port") from None
    return parts.hostname, port, parts.scheme == "https"


@lru_cache(maxsize=16)
def _http_client(url: str):
    import chromadb

    host, port, ssl = check_chroma_url(url)
    try:
        return chromadb.HttpClient(
            host=host, port=port, ssl=ssl, settings=chromadb.Settings(anonymized_telemetry=False)
        )
    except Exception as exc:  # chromadb raises ValueError/ConnectError/... depending on the failure
        raise PrachumError(f"cannot reach the Chroma server at {url} ({type(exc).__name__}: {exc})") from None


class VectorStore:
    """``url`` None: embedded Chroma in ``folder``; else the Chroma server at ``url``."""

    def __init__(self, folder: Path, url: str | None = None) -> None:
        self.folder = folder
        self.url = url
        if url is not None:
            check_chroma_url(url)
        self._collection = None
        self._epoch = _epoch

    def _use(self) -> AbstractContextManager[None]:
        return _EMBEDDED.shared() if self.url is None else nullcontext()

    def _client(self):
        with _OPENING:
            return _http_client(self.url) if self.url is not None else _persistent_client(str(self.folder))

    @property
    def collection(self):
        if self._epoch != _epoch:
            self._collection, self._epoch = None, _epoch
        if self._collection is None:
            if self.url is None:
                self.folder.mkdir(parents=True, exist_ok=True)
            client = self._client()
            with _OPENING:
                self._collection = client.get_or_create_collection(
                    COLLECTION, metadata={"hnsw:space": "cosine"}, embedding_function=None
                )
        return self._collection

    def open(self) -> None:
        """Connect now (importing chromadb and opening the collection take seconds)."""
        with self._use():
            self.collection  # noqa: B018

    def add(self, uids: Sequence[str], vectors: np.ndarray, doc_ids: Sequence[str]) -> None:
        if not uids:
            return
        with self._use():
            step = max(1, min(5000, self._client().get_max_batch_size()))
            for i in range(0, len(uids), step):
                self.collection.upsert(
                    ids=list(uids[i : i + step]),
                    embeddings=vectors[i : i + step],
                    metadatas=[{"doc_id": d} for d in doc_ids[i : i + step]],
                )

    def delete(self, uids: Sequence[str]) -> None:
        with self._use():
            for i in range(0, len(uids), 5000):
                self.collection.delete(ids=list(uids[i : i + 5000]))

    def reopen(self) -> None:
        """Drop this process's Chroma client: it keeps its own HNSW copy in memory and does
        not see what another process wrote since (measured: a new vector stays invisible).
        A Chroma server holds the one copy every client reads: only the collection handle is
        looked up again (another client may have reset the collection since)."""
        if self.url is not None:
            self._collection = None
            return
        global _epoch
        from chromadb.api.client import SharedSystemClient

        with _EMBEDDED.exclusive():
            SharedSystemClient.clear_system_cache()
            _persistent_client.cache_clear()
            _epoch += 1
            self._collection = None

    def reset(self) -> None:
        with self._use():
            client = self._client()
            if COLLECTION in {getattr(c, "name", c) for c in client.list_collections()}:
                client.delete_collection(COLLECTION)
            self._collection = None

    def count(self) -> int:
        with self._use():
            return int(self.collection.count())

    def nearest(self, q_vectors: np.ndarray, k: int) -> list[list[tuple[str, float]]]:
        """For each query: (uid, cosine similarity) of its ``k`` nearest units, best first
        (``k`` at most the number of units: Chroma's count() alone costs 150 ms at 100k)."""
        if k < 1 or len(q_vectors) == 0:
            return [[] for _ in range(len(q_vectors))]
        with self._use():
            result = self.collection.query(
                query_embeddings=np.asarray(q_vectors, dtype=np.float32),
                n_results=k,
                include=["distances"],
            )
        return [
            [(uid, 1.0 - float(dist)) for uid, dist in zip(ids, dists, strict=True)]
            for ids, dists in zip(result["ids"], result["distances"], strict=True)
        ]


def load_matrix(folder: Path, generation: int, rows: int, dim: int) -> np.ndarray | None:
    """The saved unit-vector matrix (read into memory) if it reflects ``generation``, else None."""
    try:
        state = json.loads((folder / "state.json").read_text())
        if state.get("generation") != generation or state.get("rows") != rows or state.get("dim") != dim:
            return None
        return np.load(folder / "vectors.npy")
    except (OSError, ValueError):
        return None


def save_matrix(folder: Path, generation: int, matrix: np.ndarray) -> None:
    """Write the matrix, then the state naming its generation (a reader never sees a half file)."""
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f"vectors.{os.getpid()}.npy"
    np.save(tmp, np.ascontiguousarray(matrix, dtype=np.float32))
    os.replace(tmp, folder / "vectors.npy")
    state = {"generation": generation, "rows": int(matrix.shape[0]), "dim": int(matrix.shape[1])}
    (folder / "state.json").write_text(json.dumps(state))
