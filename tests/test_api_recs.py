"""The register through the API: list/filter, one record with history, status/due/notes
changes with optimistic locking, evidence links, CSV/XLSX export."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from test_api import AUTH, FIXTURES, make_client


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir with the water-committee minutes ingested once; each test gets a copy."""
    folder = tmp_path_factory.mktemp("recs") / "data"
    api = make_client(folder)
    data = (FIXTURES / "minutes_water.txt").read_bytes()
    response = api.post("/api/documents", files=[("files", ("water.txt", data, "text/plain"))], headers=AUTH)
    assert response.status_code == 200, response.text
    api.app.state.services.store.engine.dispose()  # checkpoint-free copy: no open connections
    return folder


@pytest.fixture
def client(stored: Path, tmp_path: Path) -> TestClient:
    copy = tmp_path / "data"
    shutil.copytree(stored, copy)
    return make_client(copy)


def first_record(client: TestClient, **filters: str) -> dict:
    rows = client.get("/api/recs", params=filters).json()["data"]
    assert rows, f"no register records for {filters}"
    return rows[0]


def test_list_envelope_and_filters(client: TestClient) -> None:
    body = client.get("/api/recs").json()
    assert body["count"] == len(body["data"]) > 0
    paged = client.get("/api/recs", params={"limit": 1, "offset": 1}).json()
    assert paged["count"] == body["count"] and paged["data"] == body["data"][1:2]
    kinds = {r["kind"] for r in client.get("/api/recs", params={"kind": "recommendation"}).json()["data"]}
    assert kinds == {"recommendation"}
    assert client.get("/api/recs", params={"status": "implemented"}).json()["count"] == 0
    bad = client.get("/api/recs", params={"status": "finished"})
    assert bad.status_code == 422 and "finished" in bad.json()["detail"]
    assert client.get("/api/recs", params={"sort": "colour"}).status_code == 422


def test_status_change_is_recorded_with_actor_and_version(client: TestClient) -> None:
    rec = first_record(client)
    headers = {**AUTH, "X-Prachum-User": quote("สมศรี")}
    response = client.patch(
        f"/api/recs/{rec['id']}",
        json={"status": "in_progress", "note": "เริ่มสำรวจแล้ว", "expected_version": rec["version"]},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    changed = response.json()
    assert changed["status"] == "in_progress" and changed["version"] > rec["version"]
    last = changed["history"][-1]
    assert (last["field"], last["from"], last["to"], last["actor"]) == (
        "status",
        "open",
        "in_progress",
        "api:สมศรี",
    )
    assert client.get(f"/api/recs/{rec['id']}").json() == changed


def test_stale_version_is_a_conflict(client: TestClient) -> None:
    rec = first_record(client)
    client.patch(f"/api/recs/{rec['id']}", json={"note": "หนึ่ง"}, headers=AUTH)
    stale = client.patch(
        f"/api/recs/{rec['id']}", json={"note": "สอง", "expected_version": rec["version"]}, headers=AUTH
    )
    assert stale.status_code == 409 and stale.json()["error"] == "conflict"
    by_header = client.patch(
        f"/api/recs/{rec['id']}", json={"note": "สาม"}, headers={**AUTH, "If-Match": '"1"'}
    )
    assert by_header.status_code == 409


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"status": "finished"}, "finished"),
        ({"due": "2025-01-31"}, "reason"),
        ({}, "nothing to change"),
        ({"evidence_item_id": "nope"}, "nope"),
    ],
)
def test_bad_updates_are_refused_and_change_nothing(client: TestClient, change: dict, needle: str) -> None:
    rec = first_record(client)
    response = client.patch(f"/api/recs/{rec['id']}", json=change, headers=AUTH)
    assert 400 <= response.status_code < 500 and needle in response.json()["detail"]
    assert client.get(f"/api/recs/{rec['id']}").json()["version"] == rec["version"]


def test_due_change_with_reason(client: TestClient) -> None:
    rec = first_record(client)
    response = client.patch(
        f"/api/recs/{rec['id']}", json={"due": "2024-12-31", "reason": "รองบประมาณเพิ่มเติม"}, headers=AUTH
    )
    assert response.status_code == 200
    assert response.json()["due"] == "2024-12-31"
    assert response.json()["due_revisions"][-1]["reason"] == "รองบประมาณเพิ่มเติม"


def test_writes_need_the_token(client: TestClient) -> None:
    rec = first_record(client)
    assert client.patch(f"/api/recs/{rec['id']}", json={"status": "in_progress"}).status_code == 401
    assert client.post(f"/api/recs/{rec['id']}/links", json={"item_id": "x"}).status_code == 401
    assert client.get(f"/api/recs/{rec['id']}").json()["status"] == rec["status"]


def test_link_confirm_reject_and_unlink_evidence(client: TestClient) -> None:
    later = (FIXTURES / "minutes_water_followup.txt").read_bytes()
    upload = client.post(
        "/api/documents", files=[("files", ("later.txt", later, "text/plain"))], headers=AUTH
    )
    later_id = upload.json()["data"][0]["doc_id"]
    later_items = [i["id"] for i in client.get(f"/api/documents/{later_id}").json()["items"]]
    first_id = client.get("/api/documents").json()["data"][-1]["id"]
    rec = next(r for r in client.get("/api/recs").json()["data"] if r["doc_id"] == first_id)
    free = next(i for i in later_items if i not in {f["item_id"] for f in rec["followups"]})

    same_doc = next(
        i["id"] for i in client.get(f"/api/documents/{first_id}").json()["items"] if i["id"] != rec["item_id"]
    )
    refused = client.post(f"/api/recs/{rec['id']}/links", json={"item_id": same_doc}, headers=AUTH)
    assert refused.status_code == 422  # a follow-up must come from a later meeting

    linked = client.post(
        f"/api/recs/{rec['id']}/links", json={"item_id": free, "state": "suggested"}, headers=AUTH
    )
    assert linked.status_code == 201, linked.text
    assert {"item_id": free, "state": "suggested"}.items() <= next(
        f for f in linked.json()["followups"] if f["item_id"] == free
    ).items()
    again = client.post(f"/api/recs/{rec['id']}/links", json={"item_id": free}, headers=AUTH)
    assert again.status_code == 409

    confirmed = client.post(f"/api/recs/{rec['id']}/links/{free}/confirm", headers=AUTH).json()
    assert next(f for f in confirmed["followups"] if f["item_id"] == free)["state"] == "confirmed"
    rejected = client.post(f"/api/recs/{rec['id']}/links/{free}/reject", headers=AUTH).json()
    assert next(f for f in rejected["followups"] if f["item_id"] == free)["state"] == "rejected"
    unlinked = client.delete(f"/api/recs/{rec['id']}/links/{free}", headers=AUTH)
    assert unlinked.status_code == 200 and free not in {f["item_id"] for f in unlinked.json()["followups"]}
    assert client.delete(f"/api/recs/{rec['id']}/links/{free}", headers=AUTH).status_code == 404
    assert [h["field"] for h in unlinked.json()["history"]].count("link") >= 3


def test_unknown_record_is_404(client: TestClient) -> None:
    response = client.get("/api/recs/doesnotexist")
    assert response.status_code == 404 and "doesnotexist" in response.json()["detail"]


def test_csv_export_has_the_listed_rows(client: TestClient) -> None:
    listed = client.get("/api/recs", params={"kind": "recommendation"}).json()["data"]
    response = client.get("/api/recs/export", params={"format": "csv", "kind": "recommendation"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert sorted(r["id"] for r in rows) == sorted(r["id"] for r in listed)


def test_xlsx_export_opens(client: TestClient) -> None:
    from openpyxl import load_workbook

    response = client.get("/api/recs/export", params={"format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row - 1 == client.get("/api/recs").json()["count"]
    assert client.get("/api/recs/export", params={"format": "doc"}).status_code == 422
