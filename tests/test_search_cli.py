"""`prachum search` and `prachum reindex` in-process on a real temp index (hashing embedder).

Documents are indexed through the library (Services.index), so these tests depend only on
the search area, not on extraction."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_search_helpers import DROUGHT, WASTE, sample_minutes
from typer.testing import CliRunner

from prachum.cli import app


@pytest.fixture
def indexed(data_dir: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PRACHUM_EMBEDDER", "hashing")
    from prachum.config import Settings
    from prachum.services import Services

    minutes = sample_minutes()
    Services(Settings.from_env()).index.replace_document(minutes)
    return minutes


def test_search_json_follows_the_contract(indexed) -> None:
    result = CliRunner().invoke(app, ["search", "ภัยแล้ง", "--format", "json", "--limit", "3"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["query"] == "ภัยแล้ง"
    assert 1 <= len(payload["hits"]) <= 3
    hit = payload["hits"][0]
    for key in ("doc", "doc_id", "span", "text", "score", "kind", "item_id", "meeting_date"):
        assert key in hit
    assert hit["doc"] == "m1.txt" and hit["text"] == DROUGHT
    assert indexed.document.text[hit["span"][0] : hit["span"][1]] == hit["text"]


def test_search_batch_prints_one_line_per_query_in_order(indexed, tmp_path: Path) -> None:
    batch = tmp_path / "q.txt"
    batch.write_text("ขยะอินทรีย์\n\nภัยแล้ง\n", encoding="utf-8")
    result = CliRunner().invoke(
        app, ["search", "--batch", str(batch), "--format", "jsonl", "--kind", "resolution"]
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [p["query"] for p in lines] == ["ขยะอินทรีย์", "ภัยแล้ง"]
    assert [h["text"] for h in lines[0]["hits"]] == [WASTE]
    assert all(h["kind"] == "resolution" for p in lines for h in p["hits"])


def test_search_table_and_filters(indexed) -> None:
    result = CliRunner().invoke(app, ["search", "ภัยแล้ง", "--sdg", "6", "--since", "2023-01-01"])
    assert result.exit_code == 0, result.output
    assert "m1.txt" in result.stdout
    result = CliRunner().invoke(app, ["search", "ภัยแล้ง", "--since", "2030-01-01"])
    assert result.exit_code == 0 and "ไม่พบผลลัพธ์" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["search", "ขยะ", "--kind", "opinion"], "'opinion'"),
        (["search", "ขยะ", "--since", "yesterday-ish"], "yesterday-ish"),
        (["search"], "QUERY"),
        (["search", "--batch", "/nonexistent/q.txt"], "/nonexistent/q.txt"),
    ],
)
def test_search_errors_are_one_line(indexed, args, message) -> None:
    result = CliRunner().invoke(app, args)
    assert result.exit_code != 0
    assert message in result.stderr and "Traceback" not in result.stderr


def test_changed_embedder_asks_for_reindex(indexed, monkeypatch: pytest.MonkeyPatch) -> None:
    from prachum.search import embed

    monkeypatch.setattr(embed, "_cached_embedder", lambda backend, model: embed.HashingEmbedder(32))
    result = CliRunner().invoke(app, ["search", "ขยะ"])
    assert result.exit_code != 0 and "reindex" in result.stderr


MINUTES = """รายงานการประชุมคณะกรรมการพัฒนาจังหวัดทดสอบ
วันจันทร์ที่ 15 มกราคม 2567
ระเบียบวาระที่ 2 เรื่องเพื่อพิจารณา
ที่ประชุมมีข้อคิดเห็นดังนี้
- ควรจัดทำฐานข้อมูลครัวเรือนยากจนให้เป็นปัจจุบัน
- ควรส่งเสริมการคัดแยกขยะในชุมชน
มติที่ประชุม เห็นชอบ
"""


def test_ingest_search_then_reindex_after_changing_the_embedder(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRACHUM_EMBEDDER", "hashing")
    source = tmp_path / "minutes.txt"
    source.write_text(MINUTES, encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(app, ["ingest", str(source)])
    assert result.exit_code == 0, result.output
    found = json.loads(runner.invoke(app, ["search", "คัดแยกขยะ", "--format", "json"]).stdout)
    assert found["hits"] and "คัดแยกขยะ" in found["hits"][0]["text"]

    monkeypatch.setenv("PRACHUM_EMBED_MODEL", "64")  # another hashing width: another embedder name
    refused = runner.invoke(app, ["search", "คัดแยกขยะ"])
    assert refused.exit_code != 0 and "reindex" in refused.stderr
    rebuilt = runner.invoke(app, ["reindex"])
    assert rebuilt.exit_code == 0, rebuilt.output
    again = json.loads(runner.invoke(app, ["search", "คัดแยกขยะ", "--format", "json"]).stdout)
    assert [h["span"] for h in again["hits"]][:1] == [h["span"] for h in found["hits"]][:1]
