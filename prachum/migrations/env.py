"""Alembic's environment: always run in-process by `prachum.migrations.runner` with an open
connection (``config.attributes["connection"]``), whose transaction the caller owns."""
from __future__ import annotations

from alembic import context

from prachum.schema import METADATA

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=METADATA,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
