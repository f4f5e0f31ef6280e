"""The search index shared by several workers (issue 12): one catalog read by many
SearchIndex instances (SQLite file, or ``search_*`` tables in PostgreSQL), vectors in a
Chroma server (`chroma run`), and `prachum serve --workers N`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from test_search_helpers import DROUGHT, WASTE, make_minutes, sample_minutes

from prachum.errors import InvalidInput
from prachum.search.catalog import PG_PREFIX, open_catalog
from prachum.search.embed import HashingEmbedder
from prachum.search.index import SearchIndex
from prachum.search.results import SearchFilters
from prachum.search.units import build_units
from prachum.search.vectors import VectorStore

SOLAR = "โครงการโซลาร์เซลล์บนหลังคาอาคารราชการ"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def catalog_url(request: pytest.FixtureRequest, tmp_path: Path) -> str | None:
    """None: the index's own SQLite file; else a PostgreSQL schema of the test database."""
    if request.param == "sqlite":
        return None
    database = request.getfixturevalue("pg_database")
    return database.url_for(tmp_path / "pg-schema")


def two_indexes(tmp_path: Path, url: str | None, **kw: str) -> tuple[SearchIndex, SearchIndex]:
    """Two readers/writers of one catalog. On PostgreSQL they sit in different folders, as on
    two machines (each its own derived files); with SQLite they share the index folder."""
    first = tmp_path / "a"
    second = tmp_path / "b" if url else first
    embedder = HashingEmbedder(128)
    return (
        SearchIndex(first, embedder, database_url=url, **kw),
        SearchIndex(second, embedder, database_url=url, **kw),
    )


def test_a_write_in_one_index_is_seen_by_another(tmp_path: Path, catalog_url: str | None) -> None:
    a, b = two_indexes(tmp_path, catalog_url)
    a.replace_document(make_minutes("drought.txt", [("action", DROUGHT)]))
    assert b.search("ภัยแล้ง", filters=SearchFilters(kind="action"))[0].doc == "drought.txt"
    before = b.catalog.generation()
    a.replace_document(make_minutes("solar.txt", [("action", SOLAR)]))
    assert b.catalog.generation() > before
    # a filtered search is scored exactly from the catalog's cached vectors, on any machine
    hits = b.search("โซลาร์เซลล์ หลังคา", filters=SearchFilters(kind="action"))
    assert hits and hits[0].doc == "solar.txt"
    b.remove_document(hits[0].doc_id)
    assert a.indexed_doc_ids() == b.indexed_doc_ids() and len(a.indexed_doc_ids()) == 1
    assert all(h.doc != "solar.txt" for h in a.search("โซลาร์เซลล์ หลังคา", limit=20))


def test_generation_bumps_are_not_lost_between_writers(tmp_path: Path, catalog_url: str | None) -> None:
    a, b = two_indexes(tmp_path, catalog_url)
    start = a.catalog.generation()
    docs = [make_minutes(name, [("action", text)]) for name, text in (("a.txt", DROUGHT), ("b.txt", SOLAR))]

    def write(index: SearchIndex, minutes) -> None:  # type: ignore[no-untyped-def]
        units = build_units(minutes)
        tokens = [u.text.split() for u in units]
        for _ in range(10):  # without the write lock: the bump itself must not lose an increment
            index.catalog.replace_units(minutes.id, units, tokens)

    threads = [threading.Thread(target=write, args=pair) for pair in zip((a, b), docs, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert b.catalog.generation() == a.catalog.generation() == start + 20
    assert a.catalog.doc_ids() == {d.id for d in docs}


@pytest.mark.postgres
def test_shared_catalog_lives_in_prefixed_tables(tmp_path: Path, pg_database) -> None:  # type: ignore[no-untyped-def]
    url = pg_database.url_for(tmp_path / "pg-schema")
    index = SearchIndex(tmp_path / "ix", HashingEmbedder(128), database_url=url)
    index.replace_document(sample_minutes())
    assert not (tmp_path / "ix" / "catalog.sqlite3").exists()
    with sa.create_engine(url).connect() as conn:
        count = conn.execute(sa.text(f"SELECT count(*) FROM {PG_PREFIX}units")).scalar()
    assert count == index.catalog.count() > 0
    # derived files are kept per catalog: another catalog's BM25 cache is never read
    assert index.catalog.cache_dir.name.startswith("pg-") and index.search("ขยะอินทรีย์")
    assert (index.catalog.cache_dir / "bm25").is_dir()
    again = SearchIndex(tmp_path / "ix", HashingEmbedder(128), database_url=url)
    assert [h.span for h in again.search("ขยะอินทรีย์")] == [h.span for h in index.search("ขยะอินทรีย์")]


def test_a_sqlite_url_keeps_the_catalog_file(tmp_path: Path) -> None:
    catalog = open_catalog(tmp_path / "ix", f"sqlite:///{tmp_path / 'store.sqlite3'}")
    assert not catalog.postgres and (tmp_path / "ix" / "catalog.sqlite3").exists()
    assert catalog.cache_dir == tmp_path / "ix"


@pytest.mark.parametrize(
    "url", ["localhost:8000", "ftp://host:1", "http://", "http://host:port", "http://h:1/x"]
)
def test_a_bad_chroma_url_is_refused(tmp_path: Path, url: str) -> None:
    with pytest.raises(InvalidInput, match="PRACHUM_CHROMA_URL"):
        VectorStore(tmp_path / "chroma", url=url)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(url: str, proc: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"{proc.args} exited with {proc.returncode}"
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"no answer from {url}")


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[str]:
    """`chroma run` (the CLI shipped with chromadb) on a free loopback port, data in tmp_path."""
    port = free_port()
    command = [str(Path(sys.executable).parent / "chroma"), "run", "--path", str(tmp_path / "chroma-server")]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/api/v2/heartbeat", proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.mark.slow
def test_vectors_in_a_chroma_server_are_shared(tmp_path: Path, chroma_server: str) -> None:
    a = SearchIndex(tmp_path / "a", HashingEmbedder(128), chroma_url=chroma_server)
    b = SearchIndex(tmp_path / "a", HashingEmbedder(128), chroma_url=chroma_server)
    assert a.vectors.url == chroma_server
    waste = make_minutes("waste.txt", [("action", DROUGHT), ("resolution", WASTE)])
    solar = make_minutes("solar.txt", [("action", SOLAR)])
    a.replace_document(waste)
    assert b.vectors.count() == a.catalog.count()
    assert not (tmp_path / "a" / "chroma").exists()  # nothing embedded
    # the unfiltered dense list comes from the server's HNSW index
    view, _ = b._refresh()
    ranked = b._dense(b.embedder.embed_queries([WASTE]), 3, view, None)[0]
    assert ranked and view.uids[ranked[0][0]] in set(b.catalog.doc_uids(waste.id))
    assert b.search("ขยะอินทรีย์ในครัวเรือน")[0].text == WASTE
    a.replace_document(solar)
    assert b.search("โซลาร์เซลล์ หลังคา")[0].doc == "solar.txt"  # no reopen needed: one copy on the server
    a.remove_document(solar.id)
    assert b.vectors.count() == b.catalog.count()
    a.clear()
    assert b.search("ขยะ") == [] and b.vectors.count() == 0  # the search noticed the new generation


@pytest.mark.slow
def test_serve_with_workers_stays_consistent(tmp_path: Path) -> None:
    """Two uvicorn workers: a stale version is refused (409) whichever worker answers, and a
    document indexed by another process is found by every worker."""
    from test_api import FIXTURES

    token = "workers-token"
    env = {**os.environ, "PRACHUM_EMBEDDER": "hashing", "PRACHUM_API_TOKEN": token}
    env["PRACHUM_DATA_DIR"] = str(tmp_path / "data")
    env.pop("PRACHUM_INLINE_WORKER", None)
    cli = [sys.executable, "-m", "prachum.cli"]
    subprocess.run(
        [*cli, "ingest", str(FIXTURES / "minutes_water.txt")], env=env, check=True, capture_output=True
    )
    port = free_port()
    server = subprocess.Popen(
        [*cli, "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"

    def call(method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(base + path, data=data, method=method)
        request.add_header("Authorization", f"Bearer {token}")
        request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.load(response)
        except urllib.error.HTTPError as exc:
            return exc.code, json.load(exc)

    try:
        wait_until_up(f"{base}/api/health", server)
        status, recs = call("GET", "/api/recs")
        rec = next(r for r in recs["data"] if r["status"] == "open")
        change = {"status": "in_progress", "expected_version": rec["version"]}
        assert call("PATCH", f"/api/recs/{rec['id']}", change)[0] == 200
        for _ in range(4):  # whichever worker takes it
            assert call("PATCH", f"/api/recs/{rec['id']}", change)[0] == 409
        solar = tmp_path / "solar.txt"
        solar.write_text(f"รายงานการประชุมคณะกรรมการ\nมติที่ประชุม {SOLAR}\n", encoding="utf-8")
        subprocess.run([*cli, "ingest", str(solar)], env=env, check=True, capture_output=True)
        for _ in range(8):
            status, found = call("GET", "/api/search?q=" + urllib.parse.quote("โซลาร์เซลล์ หลังคา"))
            assert status == 200 and found["data"][0]["doc"] == "solar.txt", found
    finally:
        server.terminate()
        server.communicate(timeout=30)
