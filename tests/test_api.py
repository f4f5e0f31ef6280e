"""The JSON API on a real temp store (SQLite + index in tmp dirs), through TestClient."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from prachum.api import create_app
from prachum.config import Settings
from prachum.services import Services

FIXTURES = Path(__file__).parent / "fixtures_api"
TOKEN = "test-token-8f3a"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def make_client(tmp: Path, **settings: object) -> TestClient:
    values = {"data_dir": tmp, "embedder": "hashing", "api_token": TOKEN, **settings}
    return TestClient(create_app(Services(Settings(**values))), raise_server_exceptions=False)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    """A server with the water-committee minutes already uploaded."""
    api = make_client(tmp_path_factory.mktemp("api"))
    data = (FIXTURES / "minutes_water.txt").read_bytes()
    response = api.post(
        "/api/documents", files=[("files", ("minutes_water.txt", data, "text/plain"))], headers=AUTH
    )
    assert response.status_code == 200, response.text
    return api


@pytest.fixture(scope="module")
def doc_id(client: TestClient) -> str:
    return client.get("/api/documents").json()["data"][0]["id"]


@pytest.fixture
def fresh(tmp_path: Path) -> TestClient:
    return make_client(tmp_path / "fresh")


def test_health_says_whether_the_server_is_read_only(client: TestClient, tmp_path: Path) -> None:
    body = client.get("/api/health").json()
    assert body["status"] == "ok" and body["read_only"] is False and body["documents"] == 1
    readonly = make_client(tmp_path, api_token=None)
    assert readonly.get("/api/health").json()["read_only"] is True


def test_openapi_schema_and_offline_docs(client: TestClient) -> None:
    schema = client.get("/api/openapi.json").json()
    for path in (
        "/api/search",
        "/api/documents",
        "/api/recs",
        "/api/recs/{rec_id}",
        "/api/sdg",
        "/api/health",
    ):
        assert path in schema["paths"]
    assert "HTTPBearer" in schema["components"]["securitySchemes"]
    page = client.get("/api/docs").text
    assert "/api/docs/assets/swagger-ui-bundle.js" in page and "cdn" not in page.lower()
    asset = client.get("/api/docs/assets/swagger-ui-bundle.js")
    assert asset.status_code == 200 and len(asset.content) > 100_000


def test_upload_reports_a_status_per_file_and_refuses_bad_files(fresh: TestClient) -> None:
    good = (FIXTURES / "minutes_water.txt").read_bytes()
    files = [
        ("files", ("../../etc/ประชุม.txt", good, "text/plain")),  # traversal attempt in the name
        ("files", ("virus.exe", b"MZ\x90\x00", "application/octet-stream")),
        ("files", ("fake.pdf", b"not a pdf at all", "application/pdf")),
        ("files", ("empty.txt", b"", "text/plain")),
    ]
    response = fresh.post("/api/documents", files=files, headers=AUTH)
    assert response.status_code == 207
    rows = response.json()["data"]
    assert [r["status"] for r in rows] == ["ok", "failed", "failed", "failed"]
    assert rows[0]["file"] == "ประชุม.txt" and rows[0]["items"] > 0
    assert [r["error"] for r in rows[1:]] == ["unsupported_format", "unsupported_format", "invalid_input"]
    stored = fresh.get(f"/api/documents/{rows[0]['doc_id']}").json()
    assert stored["doc"] == "ประชุม.txt"
    # The same bytes again are recognised, not stored twice.
    again = fresh.post("/api/documents", files=[files[0]], headers=AUTH).json()["data"][0]
    assert again["status"] == "unchanged" and again["doc_id"] == rows[0]["doc_id"]


def test_upload_where_every_file_fails_gets_the_failure_code(fresh: TestClient) -> None:
    response = fresh.post("/api/documents", files=[("files", ("a.exe", b"MZ", "x/y"))], headers=AUTH)
    assert response.status_code == 415
    body = response.json()
    assert body["error"] == "unsupported_format" and "a.exe" in body["detail"] and body["count"] == 1


def test_upload_size_limit(tmp_path: Path) -> None:
    small = make_client(tmp_path, max_upload_mb=1)
    big = b"\xe0\xb8\x81" * 400_000  # 1.2 MB of Thai text
    response = small.post("/api/documents", files=[("files", ("big.txt", big, "text/plain"))], headers=AUTH)
    assert response.status_code == 413 and response.json()["error"] == "too_large"


def test_json_bodies_over_the_limit_are_refused_before_parsing(client: TestClient) -> None:
    response = client.post("/api/sdg", content=b'{"text": "' + b"a" * 2_000_000 + b'"}', headers=AUTH)
    assert response.status_code == 413 and response.json()["error"] == "too_large"


@pytest.mark.parametrize(
    ("headers", "status", "code"),
    [
        ({}, 401, "unauthorized"),
        ({"Authorization": "Bearer wrong"}, 401, "unauthorized"),
        ({"Authorization": f"Basic {TOKEN}"}, 401, "unauthorized"),
    ],
)
def test_writes_need_the_token(
    client: TestClient, doc_id: str, headers: dict, status: int, code: str
) -> None:
    response = client.delete(f"/api/documents/{doc_id}", headers=headers)
    assert response.status_code == status and response.json()["error"] == code
    assert response.headers["www-authenticate"] == "Bearer"
    assert client.get(f"/api/documents/{doc_id}").status_code == 200  # nothing was deleted


def test_read_only_server_refuses_writes_and_says_why(tmp_path: Path) -> None:
    readonly = make_client(tmp_path, api_token=None)
    response = readonly.post("/api/documents", files=[("files", ("a.txt", b"x", "text/plain"))], headers=AUTH)
    assert response.status_code == 403
    assert response.json()["error"] == "read_only" and "PRACHUM_API_TOKEN" in response.json()["detail"]


def test_documents_list_and_get(client: TestClient, doc_id: str) -> None:
    listing = client.get("/api/documents", params={"limit": 1}).json()
    assert listing["count"] == 1 and len(listing["data"]) == 1
    doc = client.get(f"/api/documents/{doc_id}").json()
    assert doc["meeting"]["date"] == "2024-06-12"
    for item in doc["items"]:
        start, end = item["span"]
        assert doc["text"][start:end] == item["text"]
    missing = client.get("/api/documents/0000000000000000")
    assert missing.status_code == 404 and missing.json() == {
        "error": "not_found",
        "detail": "no document with id '0000000000000000'",
    }


def test_search_with_filters(client: TestClient, doc_id: str) -> None:
    body = client.get("/api/search", params={"q": "แหล่งน้ำประปาหมู่บ้าน"}).json()
    assert body["count"] == len(body["data"]) > 0
    hit = body["data"][0]
    assert hit["doc_id"] == doc_id and "<mark>" in hit["snippet_html"]
    text = client.get(f"/api/documents/{doc_id}").json()["text"]
    assert text[hit["span"][0] : hit["span"][1]] == hit["text"]
    recs = client.get("/api/search", params={"q": "แหล่งน้ำ", "kind": "recommendation"}).json()["data"]
    assert recs and {h["kind"] for h in recs} == {"recommendation"}
    assert client.get("/api/search", params={"q": "แหล่งน้ำ", "since": "2025-01-01"}).json()["count"] == 0
    assert client.get("/api/search", params={"q": "แหล่งน้ำ", "body": "ไม่มีคณะนี้"}).json()["count"] == 0
    open_recs = client.get("/api/search", params={"q": "แหล่งน้ำ", "status": "open"}).json()["data"]
    assert open_recs and all(h["item_id"] for h in open_recs)


@pytest.mark.parametrize(
    "params",
    [
        {"q": "x", "kind": "poem"},
        {"q": "x", "since": "เมื่อวาน"},
        {"q": "x", "sdg": 18},
        {"q": ""},
        {"q": "x", "since": "2024-05-01", "until": "2024-01-01"},
        {"q": "x", "limit": 0},
        {"q": "x", "status": "xyz"},
    ],
)
def test_search_rejects_bad_filters_with_422(client: TestClient, params: dict) -> None:
    response = client.get("/api/search", params=params)
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_input" and response.json()["detail"]


def test_sdg_of_posted_text(client: TestClient) -> None:
    goals = client.post("/api/sdg", json={"text": "โครงการน้ำประปาหมู่บ้านและบำบัดน้ำเสีย"}).json()["goals"]
    assert goals and all({"goal", "score", "evidence", "targets"} <= g.keys() for g in goals)
    assert client.post("/api/sdg", json={"text": ""}).status_code == 422


def test_unexpected_errors_are_json_without_traceback(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = client.app.state.services

    def broken() -> list:
        raise RuntimeError("secret internals at /srv/prachum")

    monkeypatch.setattr(services, "documents", broken)
    response = client.get("/api/documents")
    assert response.status_code == 500
    assert response.json() == {"error": "internal_error", "detail": "internal error (RuntimeError)"}


def test_no_cors_and_security_headers(client: TestClient) -> None:
    response = client.get("/api/health", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in response.headers
    assert "default-src 'self'" in response.headers["content-security-policy"]
    preflight = client.options(
        "/api/documents", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
    )
    assert "access-control-allow-origin" not in preflight.headers


def test_unknown_routes_and_methods_are_json_errors(client: TestClient) -> None:
    assert client.get("/api/nothing-here").json()["error"] == "not_found"
    response = client.put("/api/health")
    assert response.status_code == 405 and response.json()["error"] == "method_not_allowed"


def test_delete_document(fresh: TestClient) -> None:
    data = (FIXTURES / "minutes_water.txt").read_bytes()
    doc = fresh.post("/api/documents", files=[("files", ("w.txt", data, "text/plain"))], headers=AUTH).json()
    doc_id = doc["data"][0]["doc_id"]
    assert fresh.delete(f"/api/documents/{doc_id}", headers=AUTH).status_code == 204
    assert fresh.get(f"/api/documents/{doc_id}").status_code == 404
    assert fresh.delete(f"/api/documents/{doc_id}", headers=AUTH).status_code == 404
    assert fresh.get("/api/search", params={"q": "แหล่งน้ำ"}).json()["count"] == 0
    # Register records outlive their document (orphaned), so the history is never lost.
    assert all(r["orphaned"] for r in fresh.get("/api/recs").json()["data"])


def test_upload_stream_without_multipart_is_a_clean_422(client: TestClient) -> None:
    response = client.post("/api/documents", content=io.BytesIO(b"hello").read(), headers=AUTH)
    assert response.status_code == 422 and response.json()["error"] == "invalid_input"


def test_streamed_bodies_without_length_are_cut_off_too(client: TestClient) -> None:
    def chunks():  # no Content-Length: the limit must count the bytes as they arrive
        yield b'{"text": "'
        for _ in range(40):
            yield b"a" * 65536
        yield b'"}'

    response = client.post("/api/sdg", content=chunks(), headers={"Content-Type": "application/json"})
    assert response.status_code == 413 and response.json()["error"] == "too_large"
