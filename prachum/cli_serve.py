"""`prachum serve`: the JSON API under /api and the Thai web UI at /, with uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer

from prachum.cli_common import DataDir, handle_errors, services, stdout


def register(app: typer.Typer) -> None:
    @app.command()
    @handle_errors
    def serve(
        host: Annotated[
            str, typer.Option("--host", help="Address to listen on (0.0.0.0 for the network).")
        ] = "127.0.0.1",
        port: Annotated[int, typer.Option("--port", "-p", min=1, max=65535, help="TCP port.")] = 8000,
        data_dir: DataDir = None,
    ) -> None:
        """Serve the web UI at / and the JSON API under /api (docs at /api/docs)."""
        import uvicorn

        from prachum.api import create_app

        svc = services(data_dir)
        application = create_app(svc)
        shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        url = f"http://{shown}:{port}/"
        stdout.print(f"prachum: {url}  (API docs: {url}api/docs)", highlight=False)
        if not svc.settings.api_token:
            stdout.print(
                "read-only: set PRACHUM_API_TOKEN to allow uploads and register changes", highlight=False
            )
        uvicorn.run(application, host=host, port=port, log_level="info", server_header=False)
