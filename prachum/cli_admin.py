"""Administration commands: backup, restore, audit log."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from prachum.cli_common import DataDir, handle_errors, print_json, services, stdout


def register(app: typer.Typer) -> None:
    @app.command()
    @handle_errors
    def backup(
        path: Annotated[Path, typer.Argument(help="A new (or empty) folder to write the backup into.")],
        data_dir: DataDir = None,
    ) -> None:
        """Back up the store (SQLite online backup) and the search index into PATH."""
        from prachum.backup import backup as run_backup

        manifest = run_backup(services(data_dir), path)
        stdout.print(f"backup written to {path}: {manifest['documents']} documents", highlight=False)

    @app.command()
    @handle_errors
    def restore(
        path: Annotated[Path, typer.Argument(help="A folder made by `prachum backup`.")],
        data_dir: DataDir = None,
    ) -> None:
        """Restore a backup into the data dir; the replaced data is kept beside it."""
        from prachum.backup import require_sqlite
        from prachum.backup import restore as run_restore

        svc = services(data_dir)
        require_sqlite(svc)  # a PostgreSQL store is restored with pg_restore, not by swapping files
        manifest = run_restore(svc.settings.data_dir, path)
        stdout.print(
            f"restored {manifest['documents']} documents from {path}"
            + (f"; previous data kept at {manifest['previous_data_kept_at']}" if manifest["previous_data_kept_at"] else ""),
            highlight=False,
        )

    @app.command("audit")
    @handle_errors
    def audit_log(
        limit: Annotated[int, typer.Option("--limit", "-n", min=1)] = 50,
        data_dir: DataDir = None,
    ) -> None:
        """Show the audit trail (who changed what, when), newest first."""
        rows = services(data_dir).store.audit_log(limit)
        print_json({"data": rows, "count": len(rows)})
