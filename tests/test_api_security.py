"""Security proofs for the API, on a real temp store through TestClient:

- every write route (POST/PUT/PATCH/DELETE found in the app's own route table) needs the bearer
  token: 401 without it or with a wrong one, 403 read_only when the server has no token, and
  nothing stored changes either way;
- the token is compared with ``hmac.compare_digest`` (constant time);
- uploaded file names cannot reach outside the data dir; oversize uploads are 413, unknown
  types 415; no error body carries a traceback;
- concurrent status updates with the same version: exactly one wins, the others get 409, and
  the history holds exactly the accepted change.
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from test_api import AUTH, FIXTURES, TOKEN, make_client

from prachum.api import common
from prachum.api.common import require_writer

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# POST routes that compute an answer and store nothing: open to readers on purpose.
NO_TOKEN_NEEDED = {("POST", "/api/sdg")}
WRONG_TOKENS = [
    {},
    {"Authorization": "Bearer wrong"},
    {"Authorization": f"Bearer {TOKEN[:-1]}"},  # a prefix of the real token
    {"Authorization": f"Bearer {TOKEN}x"},
    {"Authorization": f"Bearer {TOKEN.upper()}"},
    {"Authorization": f"Basic {TOKEN}"},
    {"Authorization": TOKEN},
]
TRACE_MARKERS = ("Traceback", 'File "', "site-packages", "/work/", '.py", line')


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir with one minutes file ingested; each test works on its own copy."""
    folder = tmp_path_factory.mktemp("sec") / "data"
    api = make_client(folder)
    data = (FIXTURES / "minutes_water.txt").read_bytes()
    response = api.post("/api/documents", files=[("files", ("water.txt", data, "text/plain"))], headers=AUTH)
    assert response.status_code == 200, response.text
    api.app.state.services.store.engine.dispose()
    return folder


def _copy(stored: Path, tmp_path: Path, **settings: object) -> tuple[TestClient, Path]:
    copy = tmp_path / "data"
    shutil.copytree(stored, copy)
    return make_client(copy, **settings), copy


def _no_trace(response: Any) -> None:
    for marker in TRACE_MARKERS:
        assert marker not in response.text, (response.status_code, response.text[:300])


def _snapshot(client: TestClient) -> tuple[Any, ...]:
    """Everything a write could change, read through the API."""
    docs = client.get("/api/documents").json()["data"]
    recs = client.get("/api/recs").json()["data"]
    full = [client.get(f"/api/recs/{r['id']}").json() for r in recs]
    return (
        sorted(d["id"] for d in docs),
        sorted((r["id"], r["version"], r["status"]) for r in full),
        sum(len(r["history"]) for r in full),
    )


def _depends_on_writer(route: APIRoute) -> bool:
    stack = list(route.dependant.dependencies)
    while stack:
        dep = stack.pop()
        if dep.call is require_writer:
            return True
        stack.extend(dep.dependencies)
    return False


def _api_routes(routes: list[Any]) -> list[APIRoute]:
    """Every APIRoute, also inside included routers and mounts (FastAPI nests them)."""
    found: list[APIRoute] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        inner = getattr(route, "original_router", None)
        nested = inner.routes if inner is not None else getattr(route, "routes", None)
        if nested:
            found += _api_routes(list(nested))
    return found


def _write_routes(client: TestClient) -> list[tuple[str, str]]:
    """The write operations the app publishes (method, full path), from its OpenAPI schema."""
    spec = client.get("/api/openapi.json").json()
    return sorted(
        (method.upper(), path)
        for path, operations in spec["paths"].items()
        for method in operations
        if method.upper() in WRITE_METHODS
    )


def _request(client: TestClient, method: str, path: str, ids: dict[str, str], headers: dict) -> Any:
    """A well-formed request for the route, so only the token decides the answer."""
    url = path.format(**ids)
    if path == "/api/documents":
        data = (FIXTURES / "minutes_water_followup.txt").read_bytes()
        return client.post(url, files=[("files", ("new.txt", data, "text/plain"))], headers=headers)
    bodies = {
        "/api/recs/{rec_id}": {"status": "in_progress", "note": "ลอง"},
        "/api/recs/{rec_id}/links": {"item_id": ids["item_id"]},
    }
    kwargs: dict[str, Any] = {"headers": headers}
    if method != "DELETE":
        kwargs["json"] = bodies.get(path, {})
    return client.request(method, url, **kwargs)


def _ids(client: TestClient) -> dict[str, str]:
    doc = client.get("/api/documents").json()["data"][0]
    rec = client.get("/api/recs").json()["data"][0]
    item = client.get(f"/api/documents/{doc['id']}").json()["items"][-1]
    return {"doc_id": doc["id"], "rec_id": rec["id"], "item_id": item["id"]}


def test_every_write_route_is_guarded_by_the_token(stored: Path, tmp_path: Path) -> None:
    client, _ = _copy(stored, tmp_path)
    published = _write_routes(client)
    assert ("POST", "/api/documents") in published and ("PATCH", "/api/recs/{rec_id}") in published
    spec = client.get("/api/openapi.json").json()
    unsecured = {(m, p) for m, p in published if not spec["paths"][p][m.lower()].get("security")}
    assert unsecured == NO_TOKEN_NEEDED
    # the route objects themselves: no write route hides from the schema, each needs the writer
    routes = [(m, r) for r in _api_routes(client.app.routes) for m in sorted(r.methods & WRITE_METHODS)]
    assert len(routes) == len(published)
    open_routes = {(m, r.endpoint.__name__) for m, r in routes if not _depends_on_writer(r)}
    assert open_routes == {("POST", "sdg")}


def test_writes_without_the_right_token_are_401_and_change_nothing(stored: Path, tmp_path: Path) -> None:
    client, _ = _copy(stored, tmp_path)
    ids, before = _ids(client), _snapshot(client)
    tried = 0
    for method, path in _write_routes(client):
        if (method, path) in NO_TOKEN_NEEDED:
            continue
        for headers in WRONG_TOKENS:
            response = _request(client, method, path, ids, headers)
            assert response.status_code == 401, (method, path, headers, response.text)
            assert response.json()["error"] == "unauthorized"
            assert response.headers["www-authenticate"] == "Bearer"
            _no_trace(response)
            tried += 1
    assert tried >= 6 * len(WRONG_TOKENS)
    assert _snapshot(client) == before


def test_a_server_without_a_token_is_read_only(stored: Path, tmp_path: Path) -> None:
    client, _ = _copy(stored, tmp_path, api_token=None)
    ids, before = _ids(client), _snapshot(client)
    for method, path in _write_routes(client):
        if (method, path) in NO_TOKEN_NEEDED:
            continue
        for headers in (AUTH, {}, {"Authorization": "Bearer "}):
            response = _request(client, method, path, ids, headers)
            assert response.status_code == 403, (method, path, response.text)
            assert response.json()["error"] == "read_only"
            _no_trace(response)
    assert _snapshot(client) == before
    # an empty configured token is no token: it must not let an empty bearer through
    empty, _ = make_client(tmp_path / "empty", api_token=""), None
    assert empty.delete("/api/documents/x", headers={"Authorization": "Bearer "}).status_code == 403


def test_the_token_is_compared_in_constant_time(
    stored: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, _ = _copy(stored, tmp_path)
    calls: list[tuple[bytes, bytes]] = []
    real = common.hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(common.hmac, "compare_digest", spy)
    assert client.delete("/api/documents/nope", headers={"Authorization": "Bearer guess"}).status_code == 401
    assert client.delete("/api/documents/nope", headers=AUTH).status_code == 404  # past the token check
    assert calls == [(b"guess", TOKEN.encode()), (TOKEN.encode(), TOKEN.encode())]


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd.txt",
        "..\\..\\..\\windows\\evil.txt",
        "/tmp/absolute ชื่อ.txt",
        "sub/../../../escape.txt",
        "....//....//x.txt",
        "%2e%2e%2fencoded.txt",
        ".hidden.txt",
        "รายงาน การประชุม ครั้งที่ ๑.txt",
    ],
)
def test_upload_names_cannot_escape_the_data_dir(stored: Path, tmp_path: Path, name: str) -> None:
    client, data_dir = _copy(stored, tmp_path)
    outside_before = sorted(p for p in tmp_path.rglob("*") if data_dir not in p.parents and p != data_dir)
    text = (FIXTURES / "minutes_water_followup.txt").read_text(encoding="utf-8") + f"\n{name}\n"
    response = client.post(
        "/api/documents", files=[("files", (name, text.encode(), "text/plain"))], headers=AUTH
    )
    assert response.status_code == 200, response.text
    row = response.json()["data"][0]
    assert "/" not in row["file"] and "\\" not in row["file"] and not row["file"].startswith(".")
    stored_doc = client.get(f"/api/documents/{row['doc_id']}").json()
    shown = stored_doc["doc"]
    assert shown == row["file"] and shown.endswith(".txt")
    assert "/" not in shown and "\\" not in shown and ".." not in shown.replace("....", "")
    outside_after = sorted(p for p in tmp_path.rglob("*") if data_dir not in p.parents and p != data_dir)
    assert outside_after == outside_before
    for path in data_dir.rglob("*"):
        assert path.resolve().is_relative_to(data_dir.resolve())
    assert not Path("/etc/passwd.txt").exists() and not Path("/tmp/absolute ชื่อ.txt").exists()


def test_ids_in_paths_cannot_traverse(stored: Path, tmp_path: Path) -> None:
    client, _ = _copy(stored, tmp_path)
    for bad in ("..%2F..%2Fetc%2Fpasswd", "%2e%2e", "..", "x%00y"):
        for url in (f"/api/documents/{bad}", f"/api/recs/{bad}"):
            response = client.get(url)
            assert response.status_code in (404, 422), (url, response.status_code)
            assert "root:" not in response.text
            _no_trace(response)


def test_oversize_and_unknown_uploads_are_refused_and_store_nothing(stored: Path, tmp_path: Path) -> None:
    client, _ = _copy(stored, tmp_path, max_upload_mb=1)
    before = _snapshot(client)
    big = "การประชุม ".encode() * 120_000  # about 3.6 MB of Thai text
    cases = [
        ([("files", ("big.txt", big, "text/plain"))], 413, "too_large"),
        ([("files", ("tool.exe", b"MZ\x90\x00", "application/octet-stream"))], 415, "unsupported_format"),
        ([("files", ("archive.zip", b"PK\x03\x04", "application/zip"))], 415, "unsupported_format"),
        ([("files", ("noext", b"hello", "text/plain"))], 415, "unsupported_format"),
        ([("files", ("fake.pdf", b"not a pdf at all", "application/pdf"))], 415, "unsupported_format"),
        ([("files", ("fake.docx", b"plain text", "application/octet-stream"))], 415, "unsupported_format"),
    ]
    for files, status, code in cases:
        response = client.post("/api/documents", files=files, headers=AUTH)
        assert response.status_code == status, (files[0][1][0], response.status_code, response.text[:200])
        assert response.json()["error"] == code
        assert files[0][1][0] in response.json()["detail"] or status == 413
        _no_trace(response)
    assert _snapshot(client) == before


def test_error_bodies_never_carry_a_traceback(stored: Path, tmp_path: Path) -> None:
    client, _ = _copy(stored, tmp_path)
    rec = client.get("/api/recs").json()["data"][0]["id"]
    odd = [
        client.post("/api/sdg", content=b"{not json", headers={**AUTH, "Content-Type": "application/json"}),
        client.post("/api/sdg", content=b"\xff\xfe\x00", headers={"Content-Type": "application/json"}),
        client.post("/api/sdg", json={"text": 12}),
        client.patch(f"/api/recs/{rec}", json={"expected_version": 10**30}, headers=AUTH),
        client.patch(f"/api/recs/{rec}", json={"due": "31/02/2567", "reason": "x"}, headers=AUTH),
        client.patch(f"/api/recs/{rec}", content=b"[]", headers={**AUTH, "Content-Type": "application/json"}),
        client.patch(f"/api/recs/{rec}", json={"note": "x"}, headers={**AUTH, "If-Match": 'W/"abc"'}),
        client.get("/api/search", params={"q": "น้ำ", "limit": -1}),
        client.get("/api/recs", params={"status": "finished", "limit": "many"}),
        client.post(
            "/api/documents",
            content=b"--x\r\n",
            headers={**AUTH, "Content-Type": "multipart/form-data; boundary=x"},
        ),
        client.post(
            "/api/documents", files=[("files", ("a.txt", b"\x00\x01\x02" * 100, "text/plain"))], headers=AUTH
        ),
        client.request("PUT", "/api/documents", headers=AUTH),
    ]
    for response in odd:
        assert 400 <= response.status_code < 500, (
            response.request.url,
            response.status_code,
            response.text[:300],
        )
        body = response.json()
        assert set(body) >= {"error", "detail"} and "\n" not in body["detail"]
        _no_trace(response)


def test_concurrent_updates_with_one_version_only_one_wins(stored: Path, tmp_path: Path) -> None:
    # two apps on one data dir behave like two server processes: the check must hold in SQLite
    first, data_dir = _copy(stored, tmp_path)
    second = make_client(data_dir)
    rec = first.get("/api/recs").json()["data"][0]
    before = first.get(f"/api/recs/{rec['id']}").json()
    contenders = [
        (first, {"status": "in_progress", "note": "เริ่มแล้ว"}),
        (second, {"status": "implemented", "note": "เสร็จแล้ว"}),
        (first, {"status": "rejected", "note": "ไม่รับ"}),
        (second, {"note": "บันทึกเพิ่ม"}),
        (first, {"priority": True, "note": "เร่งด่วน"}),
        (second, {"status": "in_progress", "note": "อีกคน"}),
    ]
    barrier = threading.Barrier(len(contenders))
    results: list[tuple[dict, Any]] = [None] * len(contenders)  # type: ignore[list-item]

    def attempt(index: int, client: TestClient, change: dict) -> None:
        barrier.wait()
        response = client.patch(
            f"/api/recs/{rec['id']}", json={**change, "expected_version": before["version"]}, headers=AUTH
        )
        results[index] = (change, response)

    threads = [threading.Thread(target=attempt, args=(i, c, ch)) for i, (c, ch) in enumerate(contenders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    statuses = sorted(r.status_code for _, r in results)
    winners = [(change, r) for change, r in results if r.status_code == 200]
    assert len(winners) == 1, [(c, r.status_code, r.text[:120]) for c, r in results]
    assert all(s in (200, 409) for s in statuses), statuses
    change, response = winners[0]
    after = first.get(f"/api/recs/{rec['id']}").json()
    assert after == second.get(f"/api/recs/{rec['id']}").json() == response.json()
    assert after["version"] == before["version"] + 1
    new_entries = after["history"][len(before["history"]) :]
    assert new_entries and all(e["actor"] == "api" for e in new_entries)
    if "status" in change:
        assert after["status"] == change["status"]
        assert [(e["field"], e["to"]) for e in new_entries if e["field"] == "status"] == [
            ("status", change["status"])
        ]
    else:
        assert after["status"] == before["status"]
        assert all(e["field"] != "status" for e in new_entries)
    notes = [e.get("why") or e.get("reason") or e.get("note") for e in new_entries]
    assert change["note"] in str(notes) or change["note"] in str(after.get("notes"))
    for _, r in results:
        if r.status_code == 409:
            assert r.json()["error"] == "conflict"
            _no_trace(r)
