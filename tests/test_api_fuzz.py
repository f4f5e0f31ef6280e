"""Property-based checks of the whole API against its own OpenAPI schema (schemathesis):
whatever a client sends, the server answers with a declared status and body and never a 500."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from test_api import AUTH, FIXTURES

from prachum.api import create_app
from prachum.config import Settings
from prachum.services import Services

pytestmark = pytest.mark.slow


# schemathesis needs the app when the tests are collected; Services opens nothing until used,
# so building it here costs nothing, and the fixture below fills and removes its data dir.
DATA_DIR = Path(tempfile.mkdtemp(prefix="prachum-fuzz-"))
APP = create_app(
    Services(Settings(data_dir=DATA_DIR, embedder="hashing", api_token=AUTH["Authorization"][7:]))
)
# /api/brief renders DOCX/PDF (LibreOffice) per call: too slow to fuzz here; test_api_brief covers it.
schema = schemathesis.openapi.from_asgi("/api/openapi.json", APP).exclude(path="/api/brief")
# Random generation only: the coverage phase enumerates every boundary of every parameter,
# which is thorough but takes far longer than this suite's budget.
schema.config.phases.update(phases=["examples", "fuzzing"])


@pytest.fixture(scope="module", autouse=True)
def stored_document() -> Iterator[None]:
    from fastapi.testclient import TestClient

    data = (FIXTURES / "minutes_water.txt").read_bytes()
    response = TestClient(APP).post(
        "/api/documents", files=[("files", ("w.txt", data, "text/plain"))], headers=AUTH
    )
    assert response.status_code == 200
    yield
    shutil.rmtree(DATA_DIR, ignore_errors=True)


@schema.parametrize()
@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_every_answer_is_declared_and_never_a_crash(case) -> None:  # type: ignore[no-untyped-def]
    case.call_and_validate(
        headers=AUTH,
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )


def test_schema_promises_the_error_shape() -> None:
    from fastapi.testclient import TestClient

    spec = TestClient(APP).get("/api/openapi.json").json()
    assert "HTTPValidationError" not in spec.get("components", {}).get("schemas", {})
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            assert "4XX" in operation["responses"], f"{method.upper()} {path}"
