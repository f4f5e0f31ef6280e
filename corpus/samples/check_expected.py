"""Check (or recompute) the spans of the hand annotations in ``expected/``.

Each ``expected/NAME.gold.json`` annotates ``NAME.txt`` in this folder, in the shape of
``shared/eval/dev/*.gold.json``. The annotator writes each item's ``text``; the spans are
Python ``str`` offsets that must satisfy ``source[start:end] == text``.

    python corpus/samples/check_expected.py          # verify, exit 1 on any problem
    python corpus/samples/check_expected.py --fix    # recompute spans after a sample was edited

``--fix`` finds each item's text in document order (searching after the previous item), so a
phrase such as "มติที่ประชุม รับทราบ" that occurs several times lands on the right occurrence
as long as the items are listed in reading order.
"""

from __future__ import annotations

import datetime as dt
import json
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
EXPECTED = HERE / "expected"
KINDS = ("action", "recommendation", "resolution")
STATUSES = ("done", "in_progress", "not_started", "planned")
# List markers and whitespace must stay outside a span (extraction.md: "not its list marker").
FORBIDDEN_EDGES = ("-", " ", "\n", "\t", "•")


def doc_key(name: str) -> str:
    """The short document key used by ``follows_up`` rows ("02" for 02_khonkaen_...)."""
    return name.split("_", 1)[0]


def fix_spans(gold: dict, text: str) -> None:
    """Recompute every item's span from its text, searching in reading order."""
    cursor = 0
    for item in gold["items"]:
        start = text.find(item["text"], cursor)
        if start < 0:
            raise SystemExit(
                f"{gold['doc']}: item text not found after offset {cursor}: {item['text'][:60]!r}"
            )
        item["span"] = [start, start + len(item["text"])]
        cursor = start + len(item["text"])


def _check_alias_groups(where: str, value: object) -> list[str]:
    if not isinstance(value, list) or not all(
        isinstance(group, list) and group and all(isinstance(a, str) and a for a in group) for group in value
    ):
        return [f"{where}: must be a list of non-empty alias lists"]
    return []


def check_item(where: str, item: dict, text: str) -> list[str]:
    problems: list[str] = []
    if item.get("kind") not in KINDS:
        problems.append(f"{where}: kind {item.get('kind')!r} is not one of {KINDS}")
    span = item.get("span")
    if not (isinstance(span, list) and len(span) == 2 and all(isinstance(x, int) for x in span)):
        return problems + [f"{where}: span {span!r} is not [start, end]"]
    start, end = span
    if not 0 <= start < end <= len(text):
        return problems + [f"{where}: span {span} outside the text (length {len(text)})"]
    if text[start:end] != item.get("text"):
        problems.append(f"{where}: text[{start}:{end}] = {text[start:end][:50]!r} differs from the item text")
    if item["text"].startswith(FORBIDDEN_EDGES) or item["text"].endswith(FORBIDDEN_EDGES):
        problems.append(f"{where}: text starts or ends with a list marker or whitespace")
    if "\n" in item["text"]:
        problems.append(f"{where}: text crosses a line break")
    status = item.get("status")
    if status is not None and status not in STATUSES:
        problems.append(f"{where}: status {status!r} is not one of {STATUSES}")
    if status is not None and item.get("kind") != "action":
        problems.append(f"{where}: only actions carry a status")
    due = item.get("due")
    if due is not None:
        try:
            dt.date.fromisoformat(due)
        except (TypeError, ValueError):
            problems.append(f"{where}: due {due!r} is not an ISO date")
    for field in ("by", "to"):
        if field in item:
            problems += _check_alias_groups(f"{where}.{field}", item[field])
    return problems


def check_follows_up(gold: dict, golds: dict[str, dict]) -> list[str]:
    """Every follows_up row names an item prefix in this document and one in an earlier one."""
    problems = []
    for n, row in enumerate(gold.get("follows_up", [])):
        if not (isinstance(row, list) and len(row) == 4):
            problems.append(f"{gold['doc']} follows_up[{n}]: expected [doc, prefix, doc, prefix]")
            continue
        for key, prefix in (row[0:2], row[2:4]):
            target = golds.get(key)
            if target is None:
                problems.append(f"{gold['doc']} follows_up[{n}]: unknown document key {key!r}")
            elif not any(item["text"].startswith(prefix) for item in target["items"]):
                problems.append(f"{gold['doc']} follows_up[{n}]: no item of {key} starts with {prefix!r}")
    return problems


def check_gold(gold: dict, text: str) -> list[str]:
    problems: list[str] = []
    previous_end = 0
    for n, item in enumerate(gold["items"]):
        where = f"{gold['doc']} item {n}"
        problems += check_item(where, item, text)
        span = item.get("span") or [0, 0]
        if span[0] < previous_end:
            problems.append(f"{where}: overlaps or precedes the previous item")
        previous_end = span[1]
    sdg = gold.get("sdg", {})
    if not sdg.get("required") or set(sdg["required"]) & set(sdg.get("acceptable", [])):
        problems.append(f"{gold['doc']}: sdg needs required goals, disjoint from acceptable ones")
    if not all(
        isinstance(g, int) and 1 <= g <= 17 for g in sdg.get("required", []) + sdg.get("acceptable", [])
    ):
        problems.append(f"{gold['doc']}: sdg goals must be integers 1-17")
    return problems


def main(argv: list[str]) -> int:
    fix = "--fix" in argv
    golds: dict[str, dict] = {}
    paths: dict[str, pathlib.Path] = {}
    problems: list[str] = []
    for path in sorted(EXPECTED.glob("*.gold.json")):
        name = path.name[: -len(".gold.json")]
        source = HERE / f"{name}.txt"
        if not source.exists():
            problems.append(f"{path.name}: no sample {source.name} beside expected/")
            continue
        gold = json.loads(path.read_text(encoding="utf-8"))
        text = source.read_text(encoding="utf-8")
        if gold.get("doc") != source.name:
            problems.append(f"{path.name}: doc is {gold.get('doc')!r}, expected {source.name!r}")
        if fix:
            fix_spans(gold, text)
            path.write_text(json.dumps(gold, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        problems += check_gold(gold, text)
        golds[doc_key(name)] = gold
        paths[doc_key(name)] = path
    for gold in golds.values():
        problems += check_follows_up(gold, golds)
    for problem in problems:
        print(problem, file=sys.stderr)
    count = sum(len(g["items"]) for g in golds.values())
    print(f"{len(golds)} annotation files, {count} items, {len(problems)} problems")
    return 1 if problems or not golds else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
