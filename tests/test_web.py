"""The server-rendered Thai pages (TestClient, real temp store) and the text-highlighting helper."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from test_api import AUTH, FIXTURES, make_client

from prachum.api.view import parse_span, text_pieces, thai_date

HTML = {"Accept": "text/html"}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    api = make_client(tmp_path_factory.mktemp("web"))
    files = [("files", (p.name, p.read_bytes(), "text/plain")) for p in sorted(FIXTURES.glob("*.txt"))]
    assert api.post("/api/documents", files=files, headers=AUTH).status_code == 200
    return api


def page(client: TestClient, url: str, **params: str) -> str:
    response = client.get(url, params=params, headers=HTML)
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    return response.text


def test_every_page_uses_only_local_assets(client: TestClient) -> None:
    doc_id = client.get("/api/documents").json()["data"][0]["id"]
    rec_id = client.get("/api/recs").json()["data"][0]["id"]
    for url in ("/", "/documents", f"/documents/{doc_id}", "/recs", f"/recs/{rec_id}", "/upload"):
        text = page(client, url)
        assert '<html lang="th">' in text
        assert not re.search(r'(src|href)="(https?:)?//', text), url
    css = client.get("/static/app.css").text
    assert 'url("/fonts/Sarabun-Regular.ttf")' in css
    font = client.get("/fonts/Sarabun-Regular.ttf")
    assert font.status_code == 200 and font.content[:4] == b"\x00\x01\x00\x00"


def test_search_page_shows_hits_that_open_the_passage(client: TestClient) -> None:
    text = page(client, "/", q="แหล่งน้ำประปาหมู่บ้าน")
    hits = re.findall(r'href="/documents/([0-9a-f]+)\?at=(\d+)-(\d+)#passage"', text)
    assert hits
    assert "<mark>" in text and 'class="badge kind-' in text
    doc_id, start, end = hits[0]
    doc = client.get(f"/api/documents/{doc_id}").json()
    shown = page(client, f"/documents/{doc_id}", at=f"{start}-{end}")
    assert shown.count('id="passage"') == 1
    body = shown[shown.index('<div class="text">') :]
    marked = re.findall(r'<(a|span) class="[^"]*\bpassage\b[^"]*"[^>]*>(.*?)</\1>', body, re.S)
    assert "".join(html.unescape(part) for _, part in marked) == doc["text"][int(start) : int(end)]


def test_search_page_shows_filter_errors_inline(client: TestClient) -> None:
    text = page(client, "/", q="น้ำ", since="2025-01-01", until="2024-01-01")
    assert 'class="error card"' in text and "2025-01-01" in text


def test_agency_box_suggests_gazetteer_agencies(client: TestClient) -> None:
    text = page(client, "/")
    options = re.findall(r'<datalist id="agencies">(.*?)</datalist>', text, re.S)[0]
    assert options.count("<option") > 10
    assert '<datalist id="agencies">' in page(client, "/recs")


def test_search_page_without_query_lists_recent_documents(client: TestClient) -> None:
    text = page(client, "/")
    assert "เอกสารล่าสุด" in text and text.count('href="/documents/') >= 2


def test_document_page_keeps_the_text_and_marks_items_by_kind(client: TestClient) -> None:
    doc_id = client.get("/api/documents").json()["data"][0]["id"]
    doc = client.get(f"/api/documents/{doc_id}").json()
    text = page(client, f"/documents/{doc_id}")
    body = re.search(r'<div class="text">(.*?)</div>\s*</article>', text, re.S).group(1)
    assert html.unescape(re.sub(r"<[^>]+>", "", body)) == doc["text"]
    for item in doc["items"]:
        assert f'data-item="{item["id"]}"' in body and f'id="item-{item["id"]}"' in text
    assert {f"kind-{i['kind']}" for i in doc["items"]} <= set(re.findall(r"hl (kind-\w+)", body))
    assert doc["meeting"]["body"] in text and "SDG" in text


def test_items_link_to_their_register_record(client: TestClient) -> None:
    rec = client.get("/api/recs").json()["data"][0]
    text = page(client, f"/documents/{rec['doc_id']}")
    assert f'href="/recs/{rec["id"]}" data-item="{rec["item_id"]}"' in text


def test_register_page_filters_and_export_links(client: TestClient) -> None:
    text = page(client, "/recs", kind="recommendation")
    assert "/api/recs/export?format=csv&amp;kind=recommendation" in text
    assert "/api/recs/export?format=xlsx&amp;kind=recommendation" in text
    ids = re.findall(r'href="/recs/([0-9a-f]+)"', text)
    expected = [r["id"] for r in client.get("/api/recs", params={"kind": "recommendation"}).json()["data"]]
    assert ids == expected
    assert 'class="error card"' in page(client, "/recs", status="finished")


def test_record_page_has_history_and_status_form(client: TestClient) -> None:
    rec = client.get("/api/recs").json()["data"][0]
    text = page(client, f"/recs/{rec['id']}")
    assert "ประวัติการเปลี่ยนแปลง" in text and 'class="timeline"' in text
    assert f'data-rec="{rec["id"]}" data-version="{rec["version"]}"' in text
    assert rec["text"][:20] in html.unescape(text)


def test_read_only_server_hides_write_forms(tmp_path: Path) -> None:
    readonly = make_client(tmp_path, api_token=None)
    for url in ("/upload", "/"):
        text = page(readonly, url)
        assert "read-only" in text
    assert "js-upload" not in page(readonly, "/upload")


def test_missing_pages_are_thai_html_errors(client: TestClient) -> None:
    response = client.get("/documents/0000000000000000", headers=HTML)
    assert response.status_code == 404
    assert "ไม่พบข้อมูลที่ต้องการ" in response.text and "0000000000000000" in response.text
    assert client.get("/recs/nope", headers=HTML).status_code == 404


# -- the highlighting helper -------------------------------------------------------------------
def test_pieces_cover_the_text_and_keep_the_earlier_of_overlapping_items() -> None:
    text = "มติที่ประชุม เห็นชอบ และมอบหมายให้ สนง. ดำเนินการ"
    items = [
        {"id": "a", "kind": "resolution", "span": [0, 20]},
        {"id": "b", "kind": "action", "span": [13, 35]},
    ]
    pieces = text_pieces(text, items, passage=(5, 25), boilerplate=[[40, 44]])
    assert "".join(p.text for p in pieces) == text
    owner = {p.start: p.item_id for p in pieces}
    assert owner[13] == "a" and owner[20] == "b"
    assert [p.item_id for p in pieces if p.item_start] == ["a", "b"]
    assert sum(p.passage_start for p in pieces) == 1
    assert any(p.boilerplate for p in pieces)


@given(
    text=st.text(alphabet="กขค \n", max_size=40),
    spans=st.lists(st.tuples(st.integers(-5, 50), st.integers(-5, 50)), max_size=5),
)
def test_pieces_always_rebuild_the_text(text: str, spans: list[tuple[int, int]]) -> None:
    items = [{"id": str(i), "kind": "action", "span": list(s)} for i, s in enumerate(spans)]
    pieces = text_pieces(text, items, passage=spans[0] if spans else None)
    assert "".join(p.text for p in pieces) == text


def test_span_parameter_and_thai_dates() -> None:
    assert parse_span("3-9", 10) == (3, 9)
    assert parse_span("9-3", 10) is None and parse_span("3-99", 10) is None and parse_span("x", 10) is None
    assert thai_date("2024-06-12") == "12 มิถุนายน 2567"
    assert thai_date("2024-06-12", short=True) == "12 มิ.ย. 2567"
    assert thai_date(None) == "-"


def test_markup_in_documents_and_names_is_shown_as_text(tmp_path: Path) -> None:
    api = make_client(tmp_path)
    hostile = "รายงานการประชุม <script>alert(1)</script>\nมติที่ประชุม <img src=x onerror=alert(2)> เห็นชอบ\n"
    name = "<b>bad</b>.txt"
    upload = api.post(
        "/api/documents", files=[("files", (name, hostile.encode(), "text/plain"))], headers=AUTH
    )
    doc_id = upload.json()["data"][0]["doc_id"]
    for text in (
        page(api, f"/documents/{doc_id}"),
        page(api, "/", q="script alert"),
        page(api, "/documents"),
    ):
        assert "<script>alert" not in text and "<img src=x" not in text and "<b>bad" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page(api, f"/documents/{doc_id}")
