"""/api/jobs: uploads queued (202) and followed to their result; refusals at the door; the
API process's own worker thread (lifespan) ingests what is queued with no other process."""
from __future__ import annotations

import time
from pathlib import Path

from fastapi.testclient import TestClient
from test_api import AUTH, FIXTURES, make_client

from prachum.jobs import Worker

WATER = (FIXTURES / "minutes_water.txt").read_bytes()


def _upload(client: TestClient, *files: tuple[str, bytes], headers: dict | None = None):  # type: ignore[no-untyped-def]
    parts = [("files", (name, data, "application/octet-stream")) for name, data in files]
    return client.post("/api/jobs", files=parts, headers=AUTH if headers is None else headers)


def test_upload_is_queued_then_a_worker_finishes_it(tmp_path: Path) -> None:
    client = make_client(tmp_path / "data", inline_worker=False)
    response = _upload(client, ("water.txt", WATER))
    assert response.status_code == 202, response.text
    job = response.json()["data"][0]
    assert response.headers["location"] == f"/api/jobs/{job['id']}"
    assert job["state"] == "queued" and job["file"] == "water.txt" and job["progress"]["steps_total"] == 4
    assert client.get(f"/api/jobs/{job['id']}").json()["state"] == "queued"
    assert client.get("/api/documents").json()["count"] == 0  # nothing ingested at upload time

    Worker(client.app.state.services).run()
    done = client.get(f"/api/jobs/{job['id']}").json()
    assert done["state"] == "done" and done["finished_at"] and done["heartbeat_at"]
    assert done["result"]["status"] == "ok" and done["result"]["items"] > 0
    assert client.get(f"/api/documents/{done['result']['doc_id']}").status_code == 200
    listed = client.get("/api/jobs", params={"state": "done"}).json()
    assert listed["count"] == 1 and listed["data"][0]["id"] == job["id"]
    assert client.get("/api/jobs", params={"state": "queued,running"}).json()["count"] == 0


def test_refusals_and_errors_are_json_4xx(tmp_path: Path) -> None:
    client = make_client(tmp_path / "data", inline_worker=False, max_upload_mb=1)
    assert _upload(client, ("water.txt", WATER), headers={}).status_code == 401
    only_bad = _upload(client, ("tool.exe", b"MZ\x90"))
    assert only_bad.status_code == 415 and only_bad.json()["error"] == "unsupported_format"
    too_big = _upload(client, ("big.txt", b"x" * (1024 * 1024 + 10)))
    assert too_big.status_code == 413
    mixed = _upload(client, ("fake.pdf", b"not a pdf"), ("water.txt", WATER))
    assert mixed.status_code == 202
    first, second = mixed.json()["data"]
    assert first["state"] == "refused" and first["error"] == "unsupported_format" and first["id"] is None
    assert second["state"] == "queued"
    assert "location" not in mixed.headers or mixed.headers["location"].endswith(second["id"])
    assert client.get("/api/jobs").json()["count"] == 1  # refused files never become jobs
    assert client.get("/api/jobs/nope").status_code == 404
    bad_state = client.get("/api/jobs", params={"state": "later"})
    assert bad_state.status_code == 422 and "later" in bad_state.json()["detail"]


def test_read_only_server_refuses_to_queue(tmp_path: Path) -> None:
    client = make_client(tmp_path / "data", inline_worker=False, api_token=None)
    assert _upload(client, ("water.txt", WATER), headers={}).status_code == 403


def test_the_api_process_runs_queued_jobs_itself(tmp_path: Path) -> None:
    """PRACHUM_INLINE_WORKER (on by default): `prachum serve` alone ingests uploads."""
    app_client = make_client(tmp_path / "data")
    with app_client as client:  # runs the lifespan: the worker thread starts and, at exit, stops
        job_id = _upload(client, ("water.txt", WATER)).json()["data"][0]["id"]
        deadline = time.monotonic() + 120
        job = client.get(f"/api/jobs/{job_id}").json()
        while job["state"] in ("queued", "running") and time.monotonic() < deadline:
            time.sleep(0.1)
            job = client.get(f"/api/jobs/{job_id}").json()
        assert job["state"] == "done", job
        assert job["claimed_by"] and job["result"]["status"] == "ok"
    threads = [t.name for t in __import__("threading").enumerate()]
    assert "prachum-inline-worker" not in threads
