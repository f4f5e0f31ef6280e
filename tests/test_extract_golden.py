"""Golden extractions of the project's sample minutes and of the extraction fixtures, plus a
quality check against the samples' hand annotations (corpus/samples/expected/).

Regenerate the golden files after an intended change with either
    PRACHUM_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_extract_golden.py
    .venv/bin/pytest --update-golden tests/test_extract_golden.py
and review the diff before committing it.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import pytest

from prachum.nlp.extract import extract
from prachum.resources import corpus_path

HERE = Path(__file__).parent
GOLDEN = HERE / "fixtures" / "extract" / "golden"
SAMPLES = corpus_path("samples")
INPUTS = sorted(SAMPLES.glob("[0-9][0-9]_*.txt")) + sorted((HERE / "fixtures" / "extract").glob("*.txt"))


def _snapshot(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    ex = extract(text, doc_name=path.name)
    meeting = asdict(ex.meeting)
    meeting["participants"] = [asdict(p) for p in ex.meeting.participants]
    items = [{k: v for k, v in item.to_dict().items() if k != "sdg"} for item in ex.items]
    return {
        "doc": path.name,
        "meeting": meeting,
        "items": items,
        "agencies": sorted({a.name for a in ex.agencies}),
    }


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.name)
def test_golden_extraction(path: Path, update_golden: bool):
    golden = GOLDEN / f"{path.stem}.json"
    got = _snapshot(path)
    if update_golden:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        return
    assert golden.exists(), f"no golden file for {path.name}: run with PRACHUM_UPDATE_GOLDEN=1"
    want = json.loads(golden.read_text(encoding="utf-8"))
    assert got["meeting"] == want["meeting"]
    assert [(i["kind"], i["span"]) for i in got["items"]] == [(i["kind"], i["span"]) for i in want["items"]]
    assert got == want


def _dice(a: list[int], b: list[int]) -> float:
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    return 2 * inter / ((a[1] - a[0]) + (b[1] - b[0]))


def _alias_hit(pred: list[str], aliases: list[str]) -> bool:
    def norm(s: str) -> str:
        return "".join(s.split()).replace("ฯ", "").rstrip(".")

    return any(
        norm(p) == norm(a) or (len(norm(a)) >= 3 and (norm(a) in norm(p) or norm(p) in norm(a)))
        for p in pred
        for a in aliases
    )


ANNOTATED = sorted(corpus_path("samples", "expected").glob("*.gold.json"))


@pytest.mark.skipif(not ANNOTATED, reason="no hand annotations in corpus/samples/expected")
def test_quality_against_the_samples_hand_annotations():
    """Items (kind + span overlap), attribution, due and status on the annotated samples."""
    tp = fp = fn = 0
    attr_hits = attr_total = due_ok = due_n = status_ok = status_n = 0
    for gold_path in ANNOTATED:
        name = gold_path.name[: -len(".gold.json")]
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        items = [i.to_dict() for i in extract((SAMPLES / f"{name}.txt").read_text(encoding="utf-8")).items]
        used: set[int] = set()
        for g in gold["items"]:
            match = max(
                (
                    (d, k)
                    for k, p in enumerate(items)
                    if k not in used and (d := _dice(g["span"], p["span"])) >= 0.5
                ),
                default=None,
            )
            if match is None or items[match[1]]["kind"] != g["kind"]:
                fn += 1
                continue
            p = items[match[1]]
            used.add(match[1])
            tp += 1
            for field in ("by", "to"):
                for aliases in g.get(field) or []:
                    attr_total += 1
                    attr_hits += _alias_hit(p[field], aliases)
            if g.get("due"):
                due_n += 1
                due_ok += p["due"] == g["due"]
            if g.get("status"):
                status_n += 1
                status_ok += p["status"] == g["status"]
        fp += len(items) - len(used)
    f1 = 2 * tp / (2 * tp + fp + fn)
    assert f1 >= 0.9, (tp, fp, fn)
    assert attr_hits / attr_total >= 0.85
    assert due_ok / due_n >= 0.9
    assert status_ok / status_n >= 0.9
