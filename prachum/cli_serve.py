"""`prachum serve`: the JSON API under /api and the Thai web UI at /, with uvicorn.

With ``--workers N`` (N > 1) uvicorn starts N processes, each building its own app from the
environment (`create_app` as a factory). They stay consistent through what they share: the
store (row versions on register records: a stale update is 409), and the search index's
catalog, whose generation number every reader checks before answering.
"""

from __future__ import annotations

import os
from typing import Annotated

import typer

from prachum.cli_common import DataDir, handle_errors, services, stdout

APP_FACTORY = "prachum.api.app:create_app"


def register(app: typer.Typer) -> None:
    @app.command()
    @handle_errors
    def serve(
        host: Annotated[
            str, typer.Option("--host", help="Address to listen on (0.0.0.0 for the network).")
        ] = "127.0.0.1",
        port: Annotated[int, typer.Option("--port", "-p", min=1, max=65535, help="TCP port.")] = 8000,
        workers: Annotated[
            int,
            typer.Option(
                "--workers",
                "-w",
                min=1,
                max=64,
                help="Worker processes (several share the store and the index; see README, Deployment).",
            ),
        ] = 1,
        data_dir: DataDir = None,
    ) -> None:
        """Serve the web UI at / and the JSON API under /api (docs at /api/docs)."""
        import uvicorn

        svc = services(data_dir)
        # workers read their settings from the environment: pin the data dir chosen here
        os.environ["PRACHUM_DATA_DIR"] = str(svc.settings.data_dir)
        shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        url = f"http://{shown}:{port}/"
        stdout.print(f"prachum: {url}  (API docs: {url}api/docs)", highlight=False)
        if not svc.settings.api_token:
            stdout.print(
                "read-only: set PRACHUM_API_TOKEN to allow uploads and register changes", highlight=False
            )
        if workers > 1:
            stdout.print(f"{workers} worker processes", highlight=False)
            # open the store and the catalog once here so the workers do not all create them at once
            from prachum.search.catalog import open_catalog

            svc.store  # noqa: B018
            open_catalog(svc.settings.index_dir, svc.settings.db_url).close()
            uvicorn.run(
                APP_FACTORY,
                factory=True,
                workers=workers,
                host=host,
                port=port,
                log_level="info",
                server_header=False,
            )
            return
        from prachum.api import create_app

        uvicorn.run(create_app(svc), host=host, port=port, log_level="info", server_header=False)
