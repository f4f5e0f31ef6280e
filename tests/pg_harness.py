"""The PostgreSQL run of the suite (``PRACHUM_TEST_DATABASE_URL`` or ``--pg-url``): one
database per session, and a fresh schema for every data dir a test uses, selected through
the connection's search_path. `install` makes every Settings without an explicit database
URL point at the schema of its data dir, so tests written for the SQLite default (a store
per temp data dir) run unchanged against PostgreSQL; subprocesses get the URL through
``PRACHUM_DATABASE_URL`` set from ``Settings.db_url`` (see tests/test_crash_safety.py)."""
from __future__ import annotations

import hashlib
import secrets
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

MARKER = ".pg-test-schema"  # in a data dir: the schema that holds its store on this run


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
        """The database URL of ``data_dir``'s own schema (created on first use). A data dir
        copied from another (tests copy a prepared one) has the other's marker file: its
        schema starts as a copy of the other's, as the SQLite file would have been copied."""
        data_dir = Path(data_dir).resolve()
        schema = "t_" + hashlib.sha1(str(data_dir).encode()).hexdigest()[:24]
        if schema not in self.schemas:
            with self.engine.connect() as conn:
                conn.execute(sa.text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
            self.schemas.add(schema)
            marker = data_dir / MARKER
            source = marker.read_text().strip() if marker.exists() else None
            if source and source != schema and source in self.schemas:
                self._copy_schema(source, schema)
            data_dir.mkdir(parents=True, exist_ok=True)
            marker.write_text(schema)
        return self._url(schema)

    def _url(self, schema: str) -> str:
        url = self.url.update_query_dict({"options": f"-csearch_path={schema}"})
        return url.render_as_string(hide_password=False)

    def _copy_schema(self, source: str, target: str) -> None:
        from prachum.migrations import runner
        from prachum.schema import METADATA

        engine = sa.create_engine(self._url(target), poolclass=NullPool)
        with engine.begin() as conn:
            runner.upgrade(conn)
            conn.execute(sa.text("DELETE FROM meta"))
            for table in METADATA.sorted_tables:  # parents before children
                conn.execute(sa.text(f'INSERT INTO "{table.name}" SELECT * FROM "{source}"."{table.name}"'))
                for column in table.primary_key.columns:
                    if column.autoincrement is True:
                        conn.execute(
                            sa.text(
                                f"SELECT setval(pg_get_serial_sequence('\"{target}\".\"{table.name}\"', '{column.name}'), "
                                f'(SELECT coalesce(max("{column.name}"), 0) + 1 FROM "{table.name}"), false)'
                            )
                        )
        _copy_search_catalog(engine, source, target)
        engine.dispose()

    def install(self) -> None:
        from prachum.config import Settings
        from prachum.store import Store

        database = self

        def db_url(settings: Settings) -> str:
            return settings.database_url or database.url_for(settings.data_dir)

        Settings.db_url = property(db_url)  # type: ignore[method-assign,assignment]
        # hundreds of short-lived stores: no idle pooled connections left behind by each
        Store.server_engine_options = {"poolclass": NullPool}
        from prachum.search.catalog import Catalog

        Catalog.server_engine_options = {"poolclass": NullPool}  # the index catalog too (issue 12)

    def drop(self) -> None:
        self.engine.dispose()
        with self.admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        self.admin.dispose()


def _copy_search_catalog(engine: sa.Engine, source: str, target: str) -> None:
    """The search index's catalog (``search_*`` tables, issue 12) follows its store into the
    copy, as ``index/catalog.sqlite3`` would have been copied with the data dir."""
    from prachum.search.catalog import PG_PREFIX, catalog_tables

    metadata, *tables = catalog_tables(PG_PREFIX)
    with engine.begin() as conn:
        present = {
            r[0]
            for r in conn.execute(
                sa.text("SELECT table_name FROM information_schema.tables WHERE table_schema = :s"), {"s": source}
            )
        }
        if not {t.name for t in tables} <= present:
            return
        metadata.create_all(conn)
        for table in tables:
            conn.execute(sa.text(f'DELETE FROM "{table.name}"'))
            conn.execute(sa.text(f'INSERT INTO "{table.name}" SELECT * FROM "{source}"."{table.name}"'))
        units = f'"{target}"."{PG_PREFIX}units"'
        conn.execute(
            sa.text(
                f"SELECT setval(pg_get_serial_sequence('{units}', 'row'), "
                f'(SELECT coalesce(max("row"), 0) + 1 FROM "{PG_PREFIX}units"), false)'
            )
        )
