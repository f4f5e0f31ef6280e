"""Run the migrations in-process: no alembic.ini, the scripts ship inside the package.

`upgrade` works inside the caller's transaction, so `Store` decides how concurrent openers
wait for each other (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory lock) and a failed
migration leaves nothing half-done (both engines have transactional DDL).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

from prachum.errors import PrachumError

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from sqlalchemy.engine import Connection

HERE = Path(__file__).resolve().parent
# meta.schema_version written by prachum before Alembic → the revision that schema is
LEGACY_REVISIONS = {1: "0001"}


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.attributes["connection"] = connection
    return config


@lru_cache(maxsize=1)
def script_directory() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def head() -> str:
    revision = script_directory().get_current_head()
    assert revision is not None, "prachum/migrations/versions holds no revision"
    return revision


def current_revision(conn: Connection) -> str | None:
    from alembic.migration import MigrationContext

    return MigrationContext.configure(conn).get_current_revision()


def _legacy_version(conn: Connection) -> int | None:
    """meta.schema_version of a store made before Alembic, or None for an empty database."""
    if not sa.inspect(conn).has_table("meta"):
        return None
    row = conn.execute(sa.text("SELECT value FROM meta WHERE key = 'schema_version'")).first()
    return int(row[0]) if row else None


def upgrade(conn: Connection) -> str | None:
    """Bring the database on ``conn`` to the head revision; returns the revision it was at
    (None when empty). A store made before Alembic is first stamped at the revision that
    matches its ``meta.schema_version``, keeping every row."""
    from alembic import command

    target = head()
    before = current_revision(conn)
    if before == target:
        return before
    config = alembic_config(conn)
    if before is None:
        legacy = _legacy_version(conn)
        if legacy is not None:
            if legacy not in LEGACY_REVISIONS:
                raise PrachumError(
                    f"the store has schema_version {legacy}, which this prachum does not know "
                    f"(known: {', '.join(map(str, LEGACY_REVISIONS))}); use the prachum that made it"
                )
            command.stamp(config, LEGACY_REVISIONS[legacy])
    try:
        command.upgrade(config, "head")
    except Exception as exc:
        from alembic.util import CommandError

        if isinstance(exc, CommandError) and "Can't locate revision" in str(exc):
            raise PrachumError(
                f"the store is at revision {before!r}, unknown to this prachum (head {target}): "
                "it was made by a newer prachum"
            ) from None
        raise
    conn.execute(sa.text("DELETE FROM meta WHERE key = 'schema_version'"))
    conn.execute(
        sa.text("INSERT INTO meta (key, value) VALUES ('schema_version', :v)"), {"v": str(int(target))}
    )
    return before
