"""schemathesis against the app's own OpenAPI schema, in-process (ASGI transport, no network),
as the four kinds of client a server meets: the right token (uploads and changes happen), no
token, a wrong token, and any client of a read-only server (no token configured). Whatever is
sent, the answer is never a 5xx (``not_a_server_error``); the write routes answer 401/403
without the right token.

Bounded: ``EXAMPLES`` cases per operation and mode, random generation only (the coverage phase
enumerates every parameter boundary and takes far longer); /api/brief is left out because it
renders DOCX/PDF through LibreOffice per call (test_api_brief covers it). tests/test_api_fuzz.py
adds the stricter schema-conformance checks with the token. The number of cases run is printed
at the end of the module (-s).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from test_api import AUTH, FIXTURES, TOKEN

from prachum.api import create_app
from prachum.config import Settings
from prachum.services import Services

pytestmark = pytest.mark.slow

# PRACHUM_ST_EXAMPLES=100 runs a longer campaign by hand or in a nightly job.
EXAMPLES = int(os.environ.get("PRACHUM_ST_EXAMPLES", "10"))
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
OPEN_WRITES = {("POST", "/api/sdg")}  # computes an answer, stores nothing

# schemathesis reads the schema when tests are collected; Services opens nothing until used.
DATA_DIRS = {mode: Path(tempfile.mkdtemp(prefix=f"prachum-st-{mode}-")) for mode in ("token", "readonly")}
TOKEN_APP = create_app(Services(Settings(data_dir=DATA_DIRS["token"], embedder="hashing", api_token=TOKEN)))
READONLY_APP = create_app(
    Services(Settings(data_dir=DATA_DIRS["readonly"], embedder="hashing", api_token=None))
)


def _schema(app):  # type: ignore[no-untyped-def]
    loaded = schemathesis.openapi.from_asgi("/api/openapi.json", app).exclude(path="/api/brief")
    loaded.config.phases.update(phases=["examples", "fuzzing"])
    return loaded


TOKEN_SCHEMA = _schema(TOKEN_APP)
READONLY_SCHEMA = _schema(READONLY_APP)
CASES: Counter[str] = Counter()
BOUNDED = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
)


@pytest.fixture(scope="module", autouse=True)
def stored_documents() -> Iterator[None]:
    """One real document in each server, so ids in paths can hit something."""
    from fastapi.testclient import TestClient

    data = (FIXTURES / "minutes_water.txt").read_bytes()
    for app in (TOKEN_APP, READONLY_APP):
        services = app.state.services
        if app is READONLY_APP:  # no writes through a read-only API: ingest with the library
            services.pipeline.ingest_bytes(data, "w.txt")
        else:
            response = TestClient(app).post(
                "/api/documents", files=[("files", ("w.txt", data, "text/plain"))], headers=AUTH
            )
            assert response.status_code == 200
    before = _snapshot(READONLY_APP)
    yield
    assert _snapshot(READONLY_APP) == before, "a read-only server changed its store"
    print(f"\nschemathesis cases per mode: {dict(CASES)} (total {sum(CASES.values())})")
    for folder in DATA_DIRS.values():
        shutil.rmtree(folder, ignore_errors=True)


def _snapshot(app) -> tuple:  # type: ignore[no-untyped-def,type-arg]
    services = app.state.services
    recs = services.register.list()
    return sorted(services.store.doc_ids()), sorted((r["id"], r["version"], r["status"]) for r in recs)


def _is_guarded_write(case) -> bool:  # type: ignore[no-untyped-def]
    method = case.method.upper()
    return method in WRITE_METHODS and (method, case.path) not in OPEN_WRITES


def _refused(case, response, status: int) -> None:  # type: ignore[no-untyped-def]
    """A guarded write without the right token never succeeds: ``status`` (401/403), or an
    earlier refusal of a body FastAPI cannot even decode (400/413/422, before any dependency)."""
    if _is_guarded_write(case):
        assert response.status_code == status or response.status_code in (400, 413, 422), (
            case.method,
            case.path,
            response.status_code,
            response.text[:200],
        )


def _run(case, mode: str, headers: dict[str, str]):  # type: ignore[no-untyped-def]
    CASES[mode] += 1
    response = case.call_and_validate(headers=headers, checks=[not_a_server_error])
    assert b"Traceback" not in response.content
    return response


@TOKEN_SCHEMA.parametrize()
@BOUNDED
def test_with_the_token_never_a_server_error(case) -> None:  # type: ignore[no-untyped-def]
    _run(case, "token", AUTH)


@TOKEN_SCHEMA.parametrize()
@BOUNDED
def test_without_a_token_never_a_server_error_and_writes_refused(case) -> None:  # type: ignore[no-untyped-def]
    _refused(case, _run(case, "no-token", {}), 401)


@TOKEN_SCHEMA.parametrize()
@BOUNDED
def test_with_a_wrong_token_never_a_server_error_and_writes_refused(case) -> None:  # type: ignore[no-untyped-def]
    _refused(case, _run(case, "wrong-token", {"Authorization": f"Bearer {TOKEN}0"}), 401)


@READONLY_SCHEMA.parametrize()
@BOUNDED
def test_a_read_only_server_never_a_server_error_and_refuses_writes(case) -> None:  # type: ignore[no-untyped-def]
    _refused(case, _run(case, "read-only", AUTH), 403)
