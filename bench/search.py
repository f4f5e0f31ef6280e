# ruff: noqa: E402  (sys.path is fixed before the imports on purpose)
"""Search latency at scale: hybrid top-10 over N synthetic units (default 100k), with and
without filters, using the hashing embedder (so the time measured is the index's, not the
model's; bench/embed.py measures query embedding separately).

    .venv/bin/python bench/search.py [--units 100000] [--queries 200] [--keep DIR]

Prints p50/p95 latencies in ms and their ratio to the 50 ms budget (≤ 1.0 passes).
The built index is kept in --keep (default /tmp/prachum-bench-search-N) and reused.
"""

from __future__ import annotations

import sys

# bench/ holds scripts named like stdlib modules (tokenize.py): do not let them shadow it
sys.path[:] = [p for p in sys.path if p and not p.rstrip("/").endswith("bench")]

import argparse
import hashlib
import random
import statistics
import time
from pathlib import Path

import prachum  # noqa: F401  (offline switches first)
from prachum.models import Document, Item, Meeting, Minutes, SdgTag
from prachum.search.embed import HashingEmbedder
from prachum.search.index import SearchIndex
from prachum.search.results import SearchFilters

BUDGET_MS = 50.0
UNITS_PER_DOC = 100  # about 60 items + 40 passages per synthetic document


def _vocabulary(rng: random.Random) -> list[str]:
    from pythainlp.corpus import thai_words

    words = sorted(w for w in thai_words() if 2 <= len(w) <= 8 and " " not in w)
    rng.shuffle(words)
    return words[:20000]


def _document(n: int, rng: random.Random, vocab: list[str]) -> Minutes:
    def sentence() -> str:
        # Zipf-like word choice: a few words are frequent, most are rare, as in real text
        return " ".join(
            vocab[min(int(rng.paretovariate(0.8)), len(vocab) - 1)] for _ in range(rng.randint(8, 16))
        )

    paragraphs = [sentence() for _ in range(60)]
    text = "\n".join(paragraphs) + "\n"
    items, position = [], 0
    for i, para in enumerate(paragraphs):
        start = text.index(para, position)
        position = start + len(para)
        items.append(
            Item(
                id=f"d{n}-{i}",
                kind=("action", "recommendation", "resolution")[i % 3],
                text=para,
                span=(start, position),
                status=("done", "in_progress", "planned", None)[i % 4],
                sdg=(SdgTag(goal=1 + (n + i) % 17, score=0.7),),
            )
        )
    document = Document(f"synthetic-{n}.txt", text, "txt", hashlib.sha256(text.encode()).hexdigest())
    year = 2019 + n % 6
    return Minutes(
        document=document,
        meeting=Meeting(body=f"คณะกรรมการจังหวัดที่ {n % 50}", date=f"{year}-{1 + n % 12:02d}-15"),
        items=tuple(items),
    )


def build(index: SearchIndex, units: int, rng: random.Random) -> float:
    vocab = _vocabulary(rng)
    started = time.perf_counter()
    written, n = 0, 0
    while written < units:
        written += index.replace_document(_document(n, rng, vocab))
        n += 1
        if n % 100 == 0:
            print(f"  built {written} units", file=sys.stderr)
    return time.perf_counter() - started


def _timed(index: SearchIndex, queries: list[str], filters: SearchFilters | None) -> list[float]:
    times = []
    for query in queries:
        started = time.perf_counter()
        index.search(query, limit=10, filters=filters)
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--keep", type=Path, default=None)
    args = parser.parse_args()
    folder = args.keep or Path(f"/tmp/prachum-bench-search-{args.units}")
    rng = random.Random(5)
    index = SearchIndex(folder, HashingEmbedder(384))
    if index.catalog.count() < args.units:
        index.clear()
        seconds = build(index, args.units, rng)
        print(f"build: {index.catalog.count()} units in {seconds:.1f} s")
    total = index.catalog.count()

    started = time.perf_counter()
    index.search("เริ่มต้น")  # loads the unit view and the BM25 matrix
    print(f"units={total} first search (load view + BM25): {(time.perf_counter() - started) * 1000:.0f} ms")
    started = time.perf_counter()
    index.search("เริ่มต้น", filters=SearchFilters(kind="action"))
    print(
        f"first filtered search (loads vectors for exact scoring): {(time.perf_counter() - started) * 1000:.0f} ms"
    )

    vocab = _vocabulary(random.Random(9))
    queries = [
        " ".join(rng.choice(vocab[:3000]) for _ in range(rng.randint(2, 5))) for _ in range(args.queries)
    ]
    cases = {
        "hybrid, no filter": None,
        "hybrid, kind filter": SearchFilters(kind="recommendation"),
        "hybrid, sdg + since": SearchFilters(sdg=6, since="2022-01-01"),
        "hybrid, body filter": SearchFilters(body="จังหวัดที่ 7"),
    }
    for label, filters in cases.items():
        times = sorted(_timed(index, queries, filters))
        p50 = statistics.median(times)
        p95 = times[int(0.95 * (len(times) - 1))]
        print(f"{label:24s} p50={p50:6.1f} ms  p95={p95:6.1f} ms  p95/budget={p95 / BUDGET_MS:.2f}")


if __name__ == "__main__":
    main()
