# ruff: noqa: E402  (sys.path is fixed before the imports on purpose)
"""Lexical search for several API workers: PostgreSQL full text over pre-tokenised Thai, or
our in-memory BM25 (bm25s) rebuilt from the shared catalog when its generation moves?

Both engines get the very same tokens (`prachum.search.tokens.search_tokens`, nlpo3 newmm):
PostgreSQL stores ``to_tsvector('simple', <tokens joined by spaces>)`` under a GIN index and
ranks with ``ts_rank`` (plain, and normalised by document length) over an OR of the query's
tokens; bm25s scores every unit (Lucene BM25, k1=1.2, b=0.75) and keeps the top 10.

Units: the dev set's and the thaigov corpus's documents (as `build_units` makes them) plus
synthetic Thai units (Zipf-drawn dictionary words) up to N. Quality: MRR@10 / nDCG@10 of the
lexical ranking alone on the 12 dev queries (as ../shared/eval/score_search.py scores them).
Latency: p50/p95 per query of the dev queries plus 200 synthetic ones. Also: what a write
costs each side (bm25s: fetch tokens from the catalog + rebuild, once per reader and
generation; PostgreSQL: insert 100 units with their tsvector, GIN maintained).

    .venv/bin/python bench/pg_fulltext.py --database-url postgresql+psycopg://USER:PW@127.0.0.1/DB \
        [--units 20000 100000] [--queries 200]

The database is used for the table ``bench_fulltext`` only (dropped and rebuilt per size).
"""

from __future__ import annotations

import sys

sys.path[:] = [p for p in sys.path if p and not p.rstrip("/").endswith("bench")]

import argparse
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

import prachum  # noqa: F401  (offline switches first)

SHARED = Path(__file__).resolve().parents[2] / "shared"
TOP = 10


def real_units() -> list[tuple[str, tuple[int, int], str]]:
    """(file name, span, text) of every unit of the dev and thaigov documents."""
    from prachum.config import Settings
    from prachum.search.units import build_units
    from prachum.services import Services

    services = Services(Settings(data_dir=Path(tempfile.mkdtemp()), embedder="hashing"))
    files = sorted((SHARED / "eval/dev").glob("*.txt")) + sorted((SHARED / "corpus/thaigov").glob("*.txt"))
    out = []
    for path in files:
        for unit in build_units(services.extract_file(path)):
            out.append((path.name, unit.span, unit.text))
    return out


def synthetic_texts(n: int, rng: random.Random) -> list[str]:
    from pythainlp.corpus import thai_words

    vocab = sorted(w for w in thai_words() if 2 <= len(w) <= 8 and " " not in w)
    rng.shuffle(vocab)
    vocab = vocab[:20000]

    def word() -> str:
        return vocab[min(int(rng.paretovariate(0.8)), len(vocab) - 1)]

    return [" ".join(word() for _ in range(rng.randint(8, 40))) for _ in range(n)]


def score(
    ranked: list[list[int]], queries: list[dict], where: list[tuple[str, tuple[int, int]]]
) -> tuple[float, float]:
    """MRR@10 and nDCG@10 as ../shared/eval/score_search.py computes them."""
    from prachum.search.metrics import mrr_ndcg

    return mrr_ndcg(
        [[where[row] for row in rows] for rows in ranked],
        [[(r["doc"], tuple(r["span"])) for r in q["relevant"]] for q in queries],
        k=TOP,
    )


def percentiles(times: list[float]) -> str:
    times = sorted(times)
    return f"p50={statistics.median(times):7.2f} ms  p95={times[int(0.95 * (len(times) - 1))]:7.2f} ms"


def tsquery(tokens: list[str]) -> str:
    return " | ".join("'" + t.replace("\\", "\\\\").replace("'", "''") + "'" for t in dict.fromkeys(tokens))


def load_pg(conn, token_lists: list[list[str]]) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    conn.execute("DROP TABLE IF EXISTS bench_fulltext")
    conn.execute("CREATE TABLE bench_fulltext (row integer PRIMARY KEY, tokens text NOT NULL, tsv tsvector)")
    with conn.cursor().copy("COPY bench_fulltext (row, tokens) FROM STDIN") as copy:
        for row, tokens in enumerate(token_lists):
            copy.write_row((row, " ".join(tokens)))
    conn.execute("UPDATE bench_fulltext SET tsv = to_tsvector('simple', tokens)")
    conn.execute("CREATE INDEX bench_fulltext_tsv ON bench_fulltext USING gin (tsv)")
    conn.execute("ANALYZE bench_fulltext")
    return time.perf_counter() - started


def pg_rank(conn, tokens: list[str], norm: int) -> list[int]:  # type: ignore[no-untyped-def]
    if not tokens:
        return []
    found = conn.execute(
        "SELECT row FROM bench_fulltext, to_tsquery('simple', %s) q WHERE tsv @@ q "
        "ORDER BY ts_rank(tsv, q, %s) DESC, row LIMIT %s",
        (tsquery(tokens), norm, TOP),
    ).fetchall()
    return [r[0] for r in found]


def bm25_rank(bm25, tokens: list[str]) -> list[int]:  # type: ignore[no-untyped-def]
    scores = bm25.scores(tokens)
    top = np.argpartition(-scores, TOP)[:TOP]
    top = top[np.argsort(-scores[top], kind="stable")]
    return [int(i) for i in top if scores[i] > 0]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url", required=True, help="postgresql+psycopg://… (psycopg[binary] installed)"
    )
    parser.add_argument("--units", type=int, nargs="+", default=[20_000, 100_000])
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()

    import psycopg

    from prachum.search.bm25 import Bm25Matrix
    from prachum.search.tokens import search_tokens

    url = args.database_url.replace("postgresql+psycopg://", "postgresql://")
    conn = psycopg.connect(url, autocommit=True)
    rng = random.Random(12)
    real = real_units()
    where = [(doc, span) for doc, span, _ in real]
    real_tokens = [search_tokens(text) for _, _, text in real]
    dev_queries = [
        json.loads(line)
        for line in (SHARED / "eval/dev/queries.jsonl").read_text().splitlines()
        if line.strip()
    ]
    dev_tokens = [search_tokens(q["query"]) for q in dev_queries]
    synth_all = synthetic_texts(max(args.units) - len(real), rng)
    started = time.perf_counter()
    synth_tokens = [search_tokens(text) for text in synth_all]
    per_unit = (time.perf_counter() - started) / max(1, len(synth_all)) * 1000
    vocab = sorted({t for tokens in synth_tokens[:5000] for t in tokens})
    extra_queries = [[rng.choice(vocab) for _ in range(rng.randint(2, 5))] for _ in range(args.queries)]
    print(
        f"{len(real)} real units (dev + thaigov), synthetic up to {max(args.units)}; tokenising {per_unit:.3f} ms/unit"
    )
    print(
        f"{'units':>7} {'engine':22} {'MRR@10':>7} {'nDCG@10':>8}  latency over {len(dev_tokens) + len(extra_queries)} queries"
    )
    for n in args.units:
        token_lists = real_tokens + synth_tokens[: n - len(real)]
        build_pg = load_pg(conn, token_lists)
        started = time.perf_counter()
        bm25 = Bm25Matrix.build(token_lists)
        build_bm25 = time.perf_counter() - started
        rows: dict[str, list[float]] = {}
        ranked: dict[str, list[list[int]]] = {}
        engines = {
            "bm25s (in memory)": lambda tokens, bm25=bm25: bm25_rank(bm25, tokens),
            "pg ts_rank": lambda tokens: pg_rank(conn, tokens, 0),
            "pg ts_rank /log(len)": lambda tokens: pg_rank(conn, tokens, 1),
        }
        for _round in range(2):  # interleaved rounds; the second one's times are kept
            for name, rank in engines.items():
                ranked[name] = [rank(tokens) for tokens in dev_tokens]
                times = []
                for tokens in dev_tokens + extra_queries:
                    t0 = time.perf_counter()
                    rank(tokens)
                    times.append((time.perf_counter() - t0) * 1000)
                rows[name] = times
        for name in engines:
            mrr, ndcg = score(ranked[name], dev_queries, where + [("", (0, 0))] * (n - len(real)))
            print(f"{n:7d} {name:22} {mrr:7.3f} {ndcg:8.3f}  {percentiles(rows[name])}")
        ratio = statistics.median(rows["pg ts_rank"]) / statistics.median(rows["bm25s (in memory)"])
        # the write side: a reader's rebuild after a generation change vs PostgreSQL's insert
        started = time.perf_counter()
        conn.execute("SELECT tokens FROM bench_fulltext ORDER BY row").fetchall()
        fetch = time.perf_counter() - started
        doc = token_lists[:100]
        started = time.perf_counter()
        with conn.transaction():
            conn.cursor().executemany(
                "INSERT INTO bench_fulltext (row, tokens, tsv) VALUES (%s, %s, to_tsvector('simple', %s))",
                [(n + i, " ".join(t), " ".join(t)) for i, t in enumerate(doc)],
            )
        insert = time.perf_counter() - started
        print(
            f"{n:7d} pg/bm25s p50 ratio {ratio:.1f}; load: pg {build_pg:.1f} s (COPY+tsvector+GIN), bm25s build "
            f"{build_bm25:.2f} s; after a write: bm25s reader refresh {fetch + build_bm25:.2f} s "
            f"(fetch tokens {fetch:.2f} s + build), pg insert of 100 units {insert * 1000:.0f} ms"
        )
    conn.execute("DROP TABLE IF EXISTS bench_fulltext")


if __name__ == "__main__":
    main()
