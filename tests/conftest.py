"""Shared fixtures. Every test runs with the network blocked (only loopback is allowed),
which proves prachum never reaches out at run time, and with its own temp data dir."""
from __future__ import annotations

import ipaddress
import os
import socket
from pathlib import Path

import pytest

import prachum  # noqa: F401  (sets the offline environment switches first)

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _is_local(address: object) -> bool:
    if isinstance(address, str):  # AF_UNIX path
        return True
    if isinstance(address, tuple) and address:
        host = str(address[0])
        if host in ("localhost", ""):
            return True
        try:
            return ipaddress.ip_address(host.split("%")[0]).is_loopback
        except ValueError:
            return False
    return False


PG_DATABASE = pytest.StashKey[object]()


class NetworkBlocked(RuntimeError):
    pass


def _guarded_connect(self, address):  # type: ignore[no-untyped-def]
    if not _is_local(address):
        raise NetworkBlocked(f"test tried to reach the network: {address!r}")
    return _real_connect(self, address)


def _guarded_connect_ex(self, address):  # type: ignore[no-untyped-def]
    if not _is_local(address):
        raise NetworkBlocked(f"test tried to reach the network: {address!r}")
    return _real_connect_ex(self, address)


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", _guarded_connect_ex)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "data"
    monkeypatch.setenv("PRACHUM_DATA_DIR", str(path))
    return path


@pytest.fixture
def settings(data_dir: Path):  # type: ignore[no-untyped-def]
    from prachum.config import Settings

    return Settings.from_env(data_dir)


@pytest.fixture
def services(settings):  # type: ignore[no-untyped-def]
    from prachum.services import Services

    return Services(settings)


SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared beside the repository (dev set, thaigov corpus); tests skip when absent."""
    if not SHARED.exists():
        pytest.skip("../shared is not present beside the repository")
    return SHARED


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite golden output files from the current code instead of comparing (review the diff!)",
    )
    parser.addoption(
        "--pg-url",
        default=os.environ.get("PRACHUM_TEST_DATABASE_URL") or None,
        help="run every store on PostgreSQL: a superuser URL (postgresql+psycopg://…); one database "
        "is created for the session and a schema per data dir (default: $PRACHUM_TEST_DATABASE_URL)",
    )


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("--update-golden"):
        os.environ["PRACHUM_UPDATE_GOLDEN"] = "1"  # golden tests read this (also settable by hand)
    if config.getoption("--pg-url"):
        from pg_harness import PgTestDatabase

        database = PgTestDatabase(config.getoption("--pg-url"))
        database.install()
        config.stash[PG_DATABASE] = database


def pytest_unconfigure(config: pytest.Config) -> None:
    database = config.stash.get(PG_DATABASE, None)
    if database is not None:
        database.drop()


def pytest_report_header(config: pytest.Config) -> str:
    database = config.stash.get(PG_DATABASE, None)
    return f"store: PostgreSQL, database {database.name}" if database else "store: SQLite (per test data dir)"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    on_pg = config.stash.get(PG_DATABASE, None) is not None
    for item in items:
        if on_pg and "sqlite_only" in item.keywords:
            item.add_marker(pytest.mark.skip(reason="exercises the SQLite file itself; this run is on PostgreSQL"))
        if not on_pg and "postgres" in item.keywords:
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL: set PRACHUM_TEST_DATABASE_URL"))


@pytest.fixture(scope="session")
def pg_database(pytestconfig: pytest.Config):  # type: ignore[no-untyped-def]
    """The session's PostgreSQL test database (tests using it are marked ``postgres``)."""
    database = pytestconfig.stash.get(PG_DATABASE, None)
    if database is None:
        pytest.skip("needs PostgreSQL: set PRACHUM_TEST_DATABASE_URL")
    return database


@pytest.fixture
def update_golden() -> bool:
    return os.environ.get("PRACHUM_UPDATE_GOLDEN") == "1"
