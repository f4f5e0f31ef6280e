"""/api/brief: the briefing note as a download, through the same build_brief as the CLI."""

from __future__ import annotations

import io
import zipfile

import pytest
from fastapi.testclient import TestClient
from test_api import AUTH, FIXTURES, make_client

pytest.importorskip("prachum.briefing")


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    api = make_client(tmp_path_factory.mktemp("brief"))
    data = (FIXTURES / "minutes_water.txt").read_bytes()
    assert (
        api.post("/api/documents", files=[("files", ("w.txt", data, "text/plain"))], headers=AUTH).status_code
        == 200
    )
    return api


def test_markdown_brief_of_a_document(client: TestClient) -> None:
    doc = client.get("/api/documents").json()["data"][0]
    response = client.get("/api/brief", params={"doc": doc["id"], "format": "md"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/markdown")
    assert response.headers["content-disposition"].endswith('.md"')
    assert doc["body"] in response.content.decode("utf-8")


def test_docx_brief_is_a_word_file(client: TestClient) -> None:
    response = client.get("/api/brief", params={"query": "แหล่งน้ำ", "format": "docx"})
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as docx:
        assert "word/document.xml" in docx.namelist()


@pytest.mark.parametrize(
    "params",
    [{"format": "md"}, {"doc": "0000000000000000", "format": "md"}, {"agency": "มท.", "format": "odt"}],
)
def test_bad_brief_requests_are_4xx_json(client: TestClient, params: dict) -> None:
    response = client.get("/api/brief", params=params)
    assert 400 <= response.status_code < 500
    assert response.json()["error"] in ("invalid_input", "not_found")


def test_upload_page_offers_the_brief_buttons(client: TestClient) -> None:
    page = client.get("/upload", headers={"Accept": "text/html"}).text
    assert 'action="/api/brief"' in page and 'value="docx"' in page and 'value="pdf"' in page


def test_document_page_links_its_brief(client: TestClient) -> None:
    doc_id = client.get("/api/documents").json()["data"][0]["id"]
    page = client.get(f"/documents/{doc_id}", headers={"Accept": "text/html"}).text
    assert f'href="/api/brief?doc={doc_id}&amp;format=docx"' in page
