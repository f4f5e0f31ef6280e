"""The ingest job queue from the command line: `prachum worker` runs queued jobs (uploads
sent to POST /api/jobs, files queued by `prachum enqueue`), `prachum jobs` lists them."""
from __future__ import annotations

import signal
import threading
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from prachum.cli_common import DataDir, handle_errors, print_json, services, stderr, stdout


class JobsFormat(StrEnum):
    table = "table"
    json = "json"


def _line(job) -> str:  # type: ignore[no-untyped-def]
    result = job.result or {}
    message = job.error if job.state == "failed" else result.get("message", "")
    status = result.get("status", job.state)
    return f"{job.state:<7} {job.id}  {status:<9} {job.file_name}  {message}"


def register(app: typer.Typer) -> None:
    @app.command()
    @handle_errors
    def worker(
        forever: Annotated[bool, typer.Option("--forever", help="Keep waiting for new jobs (stop with Ctrl-C or SIGTERM).")] = False,
        poll: Annotated[float, typer.Option("--poll", min=0.05, help="Seconds between looks at an empty queue.")] = 1.0,
        stale_after: Annotated[
            float, typer.Option("--stale-after", min=1.0, help="Take over a running job after this many seconds without a heartbeat.")
        ] = 120.0,
        data_dir: DataDir = None,
    ) -> None:
        """Run queued ingest jobs until none is left (or forever). Workers on any number of
        machines sharing one database never take the same job. One line per job; exit 1 if
        any job failed (without --forever)."""
        from prachum.jobs import Worker

        runner = Worker(services(data_dir), stale_after=stale_after)
        stop = threading.Event()
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, lambda *_: stop.set())
        failed = 0

        def show(job) -> None:  # type: ignore[no-untyped-def]
            nonlocal failed
            failed += job.state == "failed"
            print(_line(job), flush=True)

        try:
            done = runner.run(forever=forever, poll=poll, stop=stop, on_job=show)
        except KeyboardInterrupt:
            stderr.print("worker stopped", highlight=False)
            raise typer.Exit(130) from None
        if not done and not forever:
            stderr.print("no queued jobs", highlight=False)
        if failed and not forever:
            raise typer.Exit(1)

    @app.command()
    @handle_errors
    def enqueue(
        paths: Annotated[list[Path], typer.Argument(help="Files or folders to queue for the workers.")],
        recursive: Annotated[bool, typer.Option("--recursive", "-r", help="Walk sub-folders too.")] = False,
        actor: Annotated[str, typer.Option("--actor", envvar="PRACHUM_ACTOR", help="Who queued them (audit trail).")] = "cli",
        data_dir: DataDir = None,
    ) -> None:
        """Queue files for `prachum worker` (the workers must be able to read these paths)."""
        from prachum.pipeline import collect_paths

        files = collect_paths(paths, recursive)
        if not files:
            stderr.print("error: no supported files found in the given paths", highlight=False)
            raise typer.Exit(1)
        queue = services(data_dir).jobs
        for path in files:
            job = queue.enqueue_path(path, actor=actor)
            print(f"queued  {job.id}  {job.source_path}", flush=True)

    @app.command("jobs")
    @handle_errors
    def list_jobs(
        state: Annotated[str | None, typer.Option("--state", help="queued, running, done, failed (comma-separated).")] = None,
        limit: Annotated[int, typer.Option("--limit", "-n", min=1)] = 50,
        fmt: Annotated[JobsFormat, typer.Option("--format", "-f")] = JobsFormat.table,
        data_dir: DataDir = None,
    ) -> None:
        """Ingest jobs, newest first, with their step and result."""
        queue = services(data_dir).jobs
        rows = queue.list(state, limit)
        if fmt == JobsFormat.json:
            print_json({"data": [j.to_dict() for j in rows], "count": queue.count(state)})
            return
        table = Table("id", "file", "state", "step", "pages", "result", "queued at")
        for job in rows:
            data = job.to_dict()
            result = job.error if job.state == "failed" else (job.result or {}).get("message", "")
            table.add_row(
                job.id[:12], job.file_name, job.state, job.step or "", str(job.pages or ""), result or "", data["queued_at"]
            )
        stdout.print(table)
