"""Briefing notes (issue 8) from the project's sample minutes, ingested once into a temp data
dir with the hashing embedder: Markdown (golden file), DOCX read back with python-docx, PDF
through LibreOffice (slow: text, embedded Sarabun, page 1 rendered for review), the CLI and
the API route.

Expected values come from the store and the register of the same run, never from the
samples' wording; the golden file pins the Markdown layout (``PRACHUM_UPDATE_GOLDEN=1``
rewrites it after a reviewed change).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from prachum.briefing import MEDIA_TYPES, build_brief
from prachum.briefing.thaifmt import ThaiFormat
from prachum.config import Settings
from prachum.errors import InvalidInput, NotFound
from prachum.services import Services

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "corpus" / "samples"
GOLDEN = ROOT / "tests" / "golden" / "brief_body_khonkaen.md"
ARTIFACTS = ROOT / "tests" / "artifacts"
TODAY = "2024-06-15"  # fixed, so overdue items and the note's date are stable in the golden file
THAI_DIGITS = re.compile("[๐-๙]")


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Services:
    data = tmp_path_factory.mktemp("brief-data")
    svc = Services(Settings(data_dir=data, embedder="hashing"))
    paths = sorted(p for p in SAMPLES.glob("*.txt") if not p.name.endswith(".source.txt"))
    results = svc.pipeline.ingest_paths(paths)
    assert not any(r.failed for r in results), [r.message for r in results if r.failed]
    return svc


@pytest.fixture(scope="module")
def khonkaen(services: Services) -> str:
    """The body with two meetings (the second reports on the first): the richest set brief."""
    bodies = [d["body"] for d in services.documents() if d["body"]]
    body = max(set(bodies), key=bodies.count)
    assert bodies.count(body) >= 2
    return body


def md(services: Services, **kwargs: object) -> str:
    content, media_type = build_brief(services, fmt="md", today=TODAY, **kwargs)
    assert media_type == MEDIA_TYPES["md"]
    return content.decode("utf-8")


def squash(text: str) -> str:
    """Whitespace-free text: line wrapping in a table cell or a PDF must not matter."""
    return re.sub(r"\s+", "", text)


# -- Markdown ----------------------------------------------------------------------------
def test_markdown_matches_the_golden_file(services: Services, khonkaen: str) -> None:
    text = md(services, body=khonkaen)
    if os.environ.get("PRACHUM_UPDATE_GOLDEN") == "1":
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(text, encoding="utf-8")
    if not GOLDEN.exists():
        pytest.fail(f"{GOLDEN.name} is missing: run with PRACHUM_UPDATE_GOLDEN=1 and review it")
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_body_brief_lists_every_register_item_of_the_body_with_overdue_marked(
    services: Services, khonkaen: str
) -> None:
    records = services.register.list(body=khonkaen, today=_date(TODAY))
    assert records, "the sample body has tracked items"
    text = md(services, body=khonkaen)
    items = text.split("## ข้อเสนอแนะและการมอบหมายงาน")[1].split("## ความครอบคลุม")[0]
    entries = re.split(r"\n(?=\d+\. \[)", items.strip())
    assert len(entries) == len(records)
    by_text = {squash(r["text"]): r for r in records}
    for entry in entries:
        quoted = squash(re.sub(r"\\(.)", r"\1", entry.split("\n")[0].split("] ", 1)[1])).replace("**", "")
        quoted = quoted.removesuffix("⚠️เกินกำหนด")
        record = by_text[quoted]
        assert ("⚠️ **เกินกำหนด**" in entry) == record["overdue"]
        assert record["doc"] in entry  # the source reference names the file
    assert any(r["overdue"] for r in records), "the fixed date makes at least one item overdue"
    # meetings in date order, each with its document
    meetings = text.split("## ข้อมูลการประชุม")[1].split("##")[0]
    docs = sorted((d for d in services.documents() if d["body"] == khonkaen), key=lambda d: d["meeting_date"])
    positions = [meetings.index(d["file"]) for d in docs]
    assert positions == sorted(positions)


def test_document_brief_gives_the_meeting_facts(services: Services) -> None:
    doc = next(d for d in services.documents() if d["items"])
    minutes = services.store.get_minutes(doc["id"])
    text = md(services, doc=doc["id"])
    f = ThaiFormat()
    facts = text.split("## ข้อมูลการประชุม")[1].split("##")[0]
    assert f"**วันที่** {f.date(minutes.meeting.date)}" in facts
    if minutes.meeting.chair:
        assert f"**ประธาน** {minutes.meeting.chair}" in facts
    if minutes.meeting.participants:
        assert "**ผู้มาประชุม**" in facts
    tracked = [r for r in services.register.list() if r["doc_id"] == doc["id"]]
    for record in tracked:
        assert squash(record["text"])[:40] in squash(text.replace("\\", ""))
    assert "**เรื่อง**" in text and "**เรียน** ผู้บริหาร" in text


def test_query_brief_holds_the_item_searched_for(services: Services) -> None:
    record = next(r for r in services.register.list() if len(r["text"]) > 40)
    text = md(services, query=record["text"][:60])
    assert squash(record["text"])[:40] in squash(text.replace("\\", ""))
    assert "คำค้น" in text


def test_agency_brief_lists_what_the_register_lists_for_the_agency(services: Services) -> None:
    owners = [name for r in services.register.list() for name in r["to"]]
    agency = max(set(owners), key=owners.count)
    expected = services.register.list(agency=agency)
    text = md(services, agency=agency)
    flat = squash(text.replace("\\", ""))
    for record in expected:
        assert squash(record["text"]) in flat
    items = text.split("## ข้อเสนอแนะและการมอบหมายงาน")[1].split("## ความครอบคลุม")[0]
    assert len(re.findall(r"^\d+\. \[", items, flags=re.M)) == len(expected)
    assert "**ขอบเขต** หน่วยงาน: " + agency in text
    # narrowed further by a body: only the records of both
    body = expected[0]["body"]
    both = [r for r in expected if r["body"] == body]
    text = md(services, agency=agency, body=body)
    items = text.split("## ข้อเสนอแนะและการมอบหมายงาน")[1].split("## ความครอบคลุม")[0]
    assert len(re.findall(r"^\d+\. \[", items, flags=re.M)) == len(both)


def test_date_range_keeps_only_meetings_inside_it(services: Services, khonkaen: str) -> None:
    docs = sorted((d for d in services.documents() if d["body"] == khonkaen), key=lambda d: d["meeting_date"])
    later = docs[-1]
    text = md(services, body=khonkaen, since=later["meeting_date"])
    assert later["file"] in text
    assert docs[0]["file"] not in text


def test_thai_digits_setting_writes_the_notes_own_numbers_in_thai(services: Services, khonkaen: str) -> None:
    thai = Services(services.settings.with_(thai_digits=True))  # the same data dir
    text = build_brief(thai, body=khonkaen, fmt="md", today=TODAY)[0].decode("utf-8")
    date_line = next(line for line in text.splitlines() if line.startswith("**วันที่**"))
    assert THAI_DIGITS.search(date_line) and not re.search("[0-9]", date_line)
    summary = text.split("## สรุปโดยย่อ")[1].split("##")[0]
    assert not re.search("[0-9]", summary.replace("SDG", ""))
    paragraphs, _cells = docx_text(build_brief(thai, body=khonkaen, fmt="docx", today=TODAY)[0])
    date_line = next(p for p in paragraphs if "วันที่" in p)
    assert THAI_DIGITS.search(date_line) and not re.search("[0-9]", date_line)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({}, InvalidInput, "doc, agency, query or body"),
        ({"doc": "abc", "body": "x"}, InvalidInput, "cannot be combined"),
        ({"doc": "0000000000000000"}, NotFound, "0000000000000000"),
        ({"body": "x", "since": "2024-13-01"}, InvalidInput, "2024-13-01"),
        ({"body": "x", "since": "2024-06-01", "until": "2024-01-01"}, InvalidInput, "after"),
        ({"body": "x", "fmt": "odt"}, InvalidInput, "odt"),
    ],
)
def test_bad_requests_name_the_bad_value(services: Services, kwargs: dict, error: type, message: str) -> None:
    with pytest.raises(error, match=re.escape(message)):
        build_brief(services, **{"fmt": "md", **kwargs})


def test_nothing_found_says_so(services: Services) -> None:
    text = md(services, body="ไม่มีคณะนี้แน่นอน")
    assert "ไม่พบข้อเสนอแนะหรือการมอบหมายงานที่ตรงกับเงื่อนไข" in text


# -- DOCX --------------------------------------------------------------------------------
def docx_text(content: bytes) -> tuple[list[str], list[str]]:
    import docx

    document = docx.Document(io.BytesIO(content))
    paragraphs = [p.text for p in document.paragraphs]
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return paragraphs, cells


def test_docx_is_a_thai_memo_with_the_register_as_a_table(services: Services, khonkaen: str) -> None:
    import docx
    from docx.oxml.ns import qn

    content, media_type = build_brief(services, body=khonkaen, fmt="docx", today=TODAY)
    assert media_type == MEDIA_TYPES["docx"]
    paragraphs, cells = docx_text(content)
    assert paragraphs[0] == "บันทึกข้อความ"
    heads = [p.split()[0] for p in paragraphs[1:6] if p.strip()]
    assert heads[:3] == ["ส่วนราชการ", "ที่", "เรื่อง"] and "วันที่" in paragraphs[2]
    assert any(p.startswith("เรียน") for p in paragraphs[:8])
    joined = squash(" ".join(cells))
    records = services.register.list(body=khonkaen)
    for record in records:
        assert squash(record["text"]) in joined
    # Thai is drawn with the complex-script font slot, which must name Sarabun on every run
    document = docx.Document(io.BytesIO(content))
    runs = [r for p in document.paragraphs for r in p.runs if r.text.strip()]
    runs += [
        r for t in document.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs
    ]
    assert runs and all(r._r.rPr.rFonts.get(qn("w:cs")) == "Sarabun" for r in runs)
    assert document.styles["Normal"].font.size.pt == 16
    # overdue rows are shaded
    overdue = sum(r["overdue"] for r in services.register.list(body=khonkaen, today=_date(TODAY)))
    xml = document.tables[1]._tbl.xml
    assert xml.count('w:fill="FDE2E1"') == overdue * len(document.tables[1].columns)


def _date(iso: str):  # type: ignore[no-untyped-def]
    import datetime as dt

    return dt.date.fromisoformat(iso)


def test_docx_for_one_document_lists_its_meeting_facts(services: Services) -> None:
    doc = next(d for d in services.documents() if d["items"])
    minutes = services.store.get_minutes(doc["id"])
    paragraphs, _cells = docx_text(build_brief(services, doc=doc["id"], fmt="docx", today=TODAY)[0])
    text = "\n".join(paragraphs)
    assert f"วันที่  {ThaiFormat().date(minutes.meeting.date)}" in text
    if minutes.meeting.chair:
        assert minutes.meeting.chair in text
    assert doc["file"] in text


def test_pdf_without_libreoffice_is_a_clear_error(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prachum.briefing import pdf

    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    with pytest.raises(pdf.PdfUnavailable, match="libreoffice-writer-nogui"):
        build_brief(services, body="ขอนแก่น", fmt="pdf", today=TODAY)


# -- CLI and API -------------------------------------------------------------------------
def test_cli_writes_markdown_to_stdout_and_files(
    services: Services, khonkaen: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from prachum.cli import app

    monkeypatch.setenv("PRACHUM_EMBEDDER", "hashing")
    runner = CliRunner()
    base = ["brief", "--data-dir", str(services.settings.data_dir), "--body", khonkaen, "--today", TODAY]
    result = runner.invoke(app, [*base, "-f", "md"])
    assert result.exit_code == 0, result.output
    assert result.stdout == md(services, body=khonkaen)
    target = tmp_path / "note.docx"
    result = runner.invoke(app, [*base, "-f", "docx", "-o", str(target), "--for", "ผู้ว่าราชการจังหวัด"])
    assert result.exit_code == 0, result.output
    paragraphs, _ = docx_text(target.read_bytes())
    assert any(p.startswith("เรียน") and "ผู้ว่าราชการจังหวัด" in p for p in paragraphs)
    result = runner.invoke(app, [*base, "-f", "docx"])
    assert result.exit_code != 0 and "-o FILE" in result.output
    result = runner.invoke(
        app, ["brief", "--data-dir", str(services.settings.data_dir), "--doc", "nope", "-f", "md"]
    )
    assert result.exit_code != 0 and "nope" in result.output


def test_api_route_returns_the_file(services: Services, khonkaen: str) -> None:
    from fastapi.testclient import TestClient

    from prachum.api import create_app

    client = TestClient(create_app(services), raise_server_exceptions=False)
    response = client.get("/api/brief", params={"body": khonkaen, "format": "md"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/markdown")
    assert "attachment" in response.headers["content-disposition"]
    assert response.text.startswith("# บันทึกสรุป")
    response = client.get(
        "/api/brief", params={"body": khonkaen, "format": "docx", "prepared_for": "ผู้ว่าราชการจังหวัด"}
    )
    assert response.status_code == 200 and response.content[:2] == b"PK"
    paragraphs, _ = docx_text(response.content)
    assert any(p.startswith("เรียน") and "ผู้ว่าราชการจังหวัด" in p for p in paragraphs)
    # the web form sends every field, the unused ones empty
    form = {"doc": "", "agency": "", "query": "", "body": khonkaen, "since": "", "until": "", "format": "md"}
    response = client.get("/api/brief", params=form)
    assert response.status_code == 200 and squash(khonkaen) in squash(response.text)
    assert client.get("/api/brief", params={"format": "md"}).status_code == 422
    assert client.get("/api/brief", params={"doc": "nope", "format": "md"}).status_code == 404


# -- PDF (LibreOffice) -------------------------------------------------------------------
@pytest.mark.slow
def test_pdf_keeps_the_thai_text_embeds_sarabun_and_renders_page_one(
    services: Services, khonkaen: str
) -> None:
    if shutil.which("soffice") is None or shutil.which("pdffonts") is None:
        pytest.skip("LibreOffice and poppler-utils are needed for the PDF test")
    import pypdfium2

    content, media_type = build_brief(services, body=khonkaen, fmt="pdf", today=TODAY)
    assert media_type == MEDIA_TYPES["pdf"] and content.startswith(b"%PDF")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf_path = ARTIFACTS / "brief.pdf"
    pdf_path.write_bytes(content)

    # text round trip (pypdfium2 keeps Thai marks in logical order; pdftotext may reorder them)
    document = pypdfium2.PdfDocument(content)
    text = "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    flat = squash(text)
    for heading in ("บันทึกข้อความ", "ส่วนราชการ", "เรื่อง", "เรียน", "ข้อเสนอแนะและการมอบหมายงาน", "เอกสารอ้างอิง"):
        assert heading in flat
    for record in services.register.list(body=khonkaen):
        assert squash(record["text"])[:30] in flat

    fonts = subprocess.run(["pdffonts", str(pdf_path)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
    assert rows and all("Sarabun" in row[0] for row in rows)
    assert all(row[-5] == "yes" for row in rows)  # the emb column

    png = ARTIFACTS / "brief_page1"
    subprocess.run(["pdftoppm", "-r", "110", "-f", "1", "-l", "1", "-png", "-singlefile", str(pdf_path), str(png)],
                   check=True, capture_output=True)  # fmt: skip
    assert (ARTIFACTS / "brief_page1.png").stat().st_size > 10_000


def test_source_reference_gives_page_and_paragraph_within_the_page() -> None:
    from prachum.briefing.entries import source_of
    from prachum.models import Document, Meeting, Minutes, Page

    text = "หัวเรื่อง\n\nย่อหน้าแรก\nย่อหน้าสอง\fหน้าใหม่\nข้อเสนอ ควรทำ\n"
    second = text.index("หน้าใหม่")
    pages = (Page(1, 0, second), Page(2, second, len(text)))
    minutes = Minutes(Document("x.pdf", text, "pdf", "ab" * 32, pages=pages), Meeting(date="2024-01-02"))
    start = text.index("ข้อเสนอ")
    record = {"doc": "x.pdf", "doc_id": minutes.id, "span": [start, start + 5], "meeting_date": "2024-01-02"}
    ref = source_of(record, minutes)
    assert (ref.page, ref.paragraph) == (2, 2)
    start = text.index("ย่อหน้าสอง")
    ref = source_of({**record, "span": [start, start + 3]}, minutes)
    assert (ref.page, ref.paragraph) == (1, 3)  # blank lines are not paragraphs
    assert source_of({**record, "doc_id": "gone"}, None).paragraph is None  # deleted source
