"""For developers: write the next revision from what `prachum.schema` has and the head does not.

    .venv/bin/python -m prachum.migrations revision "what changed"

The head is built in a throw-away SQLite file and compared with the schema module (Alembic
autogenerate); review the new file in versions/ (and anything autogenerate cannot see, such
as renames) before committing it.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import sqlalchemy as sa

from prachum.migrations.runner import alembic_config, head


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] != "revision" or not argv[1].strip():
        print(__doc__, file=sys.stderr)
        return 2
    from alembic import command

    with tempfile.TemporaryDirectory() as tmp:
        engine = sa.create_engine(f"sqlite:///{Path(tmp) / 'head.sqlite3'}")
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "head")
            command.revision(alembic_config(conn), message=argv[1], autogenerate=True, rev_id=f"{int(head()) + 1:04d}")
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
