"""Alembic migrations of the store, run by `prachum.store.Store` when it opens (see `upgrade`).

`prachum.schema` is the current shape of every table; the revisions in ``versions/`` are the
history that leads to it, and `tests/test_migrations.py` checks that upgrading an empty
database to the head gives exactly `prachum.schema.METADATA`, on SQLite and on PostgreSQL.
New revision: edit schema.py, then from the repository root
``.venv/bin/python -m prachum.migrations revision "what changed"`` and review the file.
"""
