# ruff: noqa: E402  (sys.path is fixed before the imports on purpose)
"""Extraction speed on a 10-page minutes, one run, printed against the 1 s budget.

    .venv/bin/python bench/extract.py [--pages 10] [--repeat 5]

A page of Thai minutes holds about 2,500 characters; the document is the project's own samples
(corpus/samples/*.txt) stitched together until it reaches the page count. The first call pays
for loading spaCy, the gazetteer and the tokeniser dictionary (reported apart); the figure that
counts is the median of the warm runs. Also prints characters per second and items found.
"""

from __future__ import annotations

import sys

sys.path[:] = [p for p in sys.path if p and not p.rstrip("/").endswith("bench")]

import argparse
import statistics
import time

from prachum.nlp.extract import extract
from prachum.resources import corpus_path

CHARS_PER_PAGE = 2_500
BUDGET_S = 1.0


def build_document(pages: int) -> str:
    samples = [p.read_text(encoding="utf-8") for p in sorted(corpus_path("samples").glob("[0-9][0-9]_*.txt"))]
    if not samples:
        raise SystemExit("no samples in corpus/samples")
    target, parts, i = pages * CHARS_PER_PAGE, [], 0
    while sum(len(p) for p in parts) < target:
        parts.append(samples[i % len(samples)])
        i += 1
    return "\n\n".join(parts)[:target]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    text = build_document(args.pages)

    start = time.perf_counter()
    extract("ประชุม")
    cold = time.perf_counter() - start

    runs = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        result = extract(text, doc_name="bench.txt")
        runs.append(time.perf_counter() - start)
    median = statistics.median(runs)
    print(f"document: {args.pages} pages, {len(text):,} characters, {len(result.items)} items")
    print(f"first call (loading resources): {cold:.2f} s")
    print(f"warm extraction: median {median:.3f} s, min {min(runs):.3f} s over {args.repeat} runs")
    print(f"throughput: {len(text) / median:,.0f} characters/s")
    print(
        f"budget ratio (median / {BUDGET_S:.0f} s): {median / BUDGET_S:.2f}  ({'within' if median <= BUDGET_S else 'OVER'} budget)"
    )


if __name__ == "__main__":
    main()
