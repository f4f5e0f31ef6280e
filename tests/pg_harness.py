"""The PostgreSQL run of the suite (``PRACHUM_TEST_DATABASE_URL`` or ``--pg-url``): one
database per session, and a fresh schema for every data dir a test uses, selected through
the connection's search_path. `install` makes every Settings without an explicit database
URL point at the schema of its data dir, so tests written for the SQLite default (a store
per temp data dir) run unchanged against PostgreSQL; subprocesses get the URL through
``PRACHUM_DATABASE_URL`` (see `database_url_for`)."""
from __future__ import annotations

import hashlib
import secrets
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool


class PgTestDatabase:
    def __init__(self, admin_url: str) -> None:
        admin = make_url(admin_url)
        if not admin.drivername.startswith("postgresql"):
            raise ValueError(f"PRACHUM_TEST_DATABASE_URL must be a postgresql+psycopg:// URL, not {admin_url!r}")
        self.admin = sa.create_engine(admin, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        self.name = f"prachum_test_{secrets.token_hex(4)}"
        with self.admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{self.name}"'))
        self.url: URL = admin.set(database=self.name)
        self.engine = sa.create_engine(self.url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        self.schemas: set[str] = set()

    def url_for(self, data_dir: Path) -> str:
        """The database URL of ``data_dir``'s own schema (created on first use)."""
        schema = "t_" + hashlib.sha1(str(Path(data_dir).resolve()).encode()).hexdigest()[:24]
        if schema not in self.schemas:
            with self.engine.connect() as conn:
                conn.execute(sa.text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
            self.schemas.add(schema)
        url = self.url.update_query_dict({"options": f"-csearch_path={schema}"})
        return url.render_as_string(hide_password=False)

    def install(self) -> None:
        from prachum.config import Settings
        from prachum.store import Store

        database = self

        def db_url(settings: Settings) -> str:
            return settings.database_url or database.url_for(settings.data_dir)

        Settings.db_url = property(db_url)  # type: ignore[method-assign,assignment]
        # hundreds of short-lived stores: no idle pooled connections left behind by each
        Store.server_engine_options = {"poolclass": NullPool}

    def drop(self) -> None:
        self.engine.dispose()
        with self.admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        self.admin.dispose()
