"""The ingest job queue, kept in the store's database so every API process and every
`prachum worker` on any machine shares it.

An upload (its bytes) or a file path becomes a ``queued`` job; a worker claims the oldest
one — ``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL, so two workers never take the same
job and never wait for each other; on SQLite the claim's BEGIN IMMEDIATE serialises them —
runs it through the pipeline, reporting each step (reading → analysing → storing →
indexing) and the page count, and records the result or the error. A running job whose
worker stopped sending heartbeats for ``stale_after`` seconds is claimed again; after
`MAX_ATTEMPTS` claims it is marked failed, so one poisonous file cannot stop the queue.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from prachum.errors import InvalidInput, NotFound, choices
from prachum.pipeline import STEPS
from prachum.schema import jobs

if TYPE_CHECKING:
    from prachum.services import Services
    from prachum.store import Store

_log = logging.getLogger(__name__)
STATES = ("queued", "running", "done", "failed")
KINDS = ("ingest",)
STALE_AFTER = 120.0  # seconds without a heartbeat before another worker takes a running job over
MAX_ATTEMPTS = 3


def _iso(epoch: float | None) -> str | None:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds") if epoch is not None else None


def worker_name() -> str:
    """host:pid:thread — unique among live workers, and says where a job ran."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident() % 100000}"


@dataclass(frozen=True)
class Job:
    id: str
    kind: str
    file_name: str
    source_path: str | None
    actor: str
    state: str
    step: str | None
    steps_done: int
    steps_total: int
    pages: int | None
    result: dict[str, Any] | None
    error: str | None
    attempts: int
    claimed_by: str | None
    heartbeat: float | None
    queued_at: float
    started_at: float | None
    finished_at: float | None

    @classmethod
    def from_row(cls, row: Any) -> Job:
        return cls(**{name: row[name] for name in cls.__dataclass_fields__})

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed")

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "file": self.file_name,
            "source_path": self.source_path,
            "actor": self.actor,
            "state": self.state,
            "progress": {
                "step": self.step,
                "steps_done": self.steps_done,
                "steps_total": self.steps_total,
                "pages": self.pages,
            },
            "result": self.result,
            "error": self.error,
            "attempts": self.attempts,
            "claimed_by": self.claimed_by,
            "queued_at": _iso(self.queued_at),
            "started_at": _iso(self.started_at),
            "heartbeat_at": _iso(self.heartbeat),
            "finished_at": _iso(self.finished_at),
        }


# every column but the payload: listing jobs never reads uploaded bytes
_COLUMNS = [c for c in jobs.c if c.name != "payload"]


def _in_states(query: sa.Select, state: str | None) -> sa.Select:
    if not state:
        return query
    wanted = [s.strip() for s in state.split(",") if s.strip()]
    for value in wanted:
        if value not in STATES:
            raise InvalidInput(f"job state: {choices(value, STATES)}")
    return query.where(jobs.c.state.in_(wanted))


class JobQueue:
    def __init__(self, store: Store) -> None:
        self.store = store

    # -- adding and reading ---------------------------------------------------------------
    def enqueue_upload(self, data: bytes, file_name: str, *, actor: str) -> Job:
        """Queue uploaded bytes; the pipeline reads them when a worker runs the job."""
        if not data:
            raise InvalidInput(f"{file_name}: the file is empty")
        return self._enqueue(file_name=file_name, source_path=None, payload=data, actor=actor)

    def enqueue_path(self, path: str | Path, *, actor: str) -> Job:
        """Queue a file the workers can read at ``path`` (an absolute path is stored)."""
        resolved = Path(path).resolve()
        if not resolved.is_file():
            raise NotFound(f"{path}: no such file")
        return self._enqueue(file_name=resolved.name, source_path=str(resolved), payload=None, actor=actor)

    def _enqueue(self, **values: Any) -> Job:
        job_id = uuid.uuid4().hex
        with self.store.begin() as conn:
            conn.execute(
                sa.insert(jobs).values(
                    id=job_id,
                    kind="ingest",
                    state="queued",
                    steps_done=0,
                    steps_total=len(STEPS),
                    attempts=0,
                    queued_at=time.time(),
                    **values,
                )
            )
            self.store.audit(conn, values["actor"], "job.enqueue", job_id, {"file": values["file_name"]})
        return self.get(job_id)

    def get(self, job_id: str) -> Job:
        with self.store.engine.connect() as conn:
            row = conn.execute(sa.select(*_COLUMNS).where(jobs.c.id == job_id)).mappings().first()
        if row is None:
            raise NotFound(f"no job with id {job_id!r}")
        return Job.from_row(row)

    def list(self, state: str | None = None, limit: int = 100, offset: int = 0) -> list[Job]:
        """Jobs, newest first; ``state`` may list several, separated by commas."""
        if not (0 < limit <= 10_000 and 0 <= offset < 2**31):
            raise InvalidInput(f"limit {limit} / offset {offset}: limit is 1-10000, offset 0-{2**31 - 1}")
        query = _in_states(sa.select(*_COLUMNS), state).order_by(jobs.c.queued_at.desc(), jobs.c.id)
        with self.store.engine.connect() as conn:
            rows = conn.execute(query.limit(limit).offset(offset)).mappings().all()
        return [Job.from_row(r) for r in rows]

    def count(self, state: str | None = None) -> int:
        query = _in_states(sa.select(sa.func.count()).select_from(jobs), state)
        with self.store.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def payload(self, job_id: str) -> bytes | None:
        with self.store.engine.connect() as conn:
            return conn.execute(sa.select(jobs.c.payload).where(jobs.c.id == job_id)).scalar()

    # -- the worker's side ----------------------------------------------------------------
    def claim(self, worker: str, *, stale_after: float = STALE_AFTER) -> Job | None:
        """Take the oldest queued job, or a running one whose worker went silent; None when
        there is nothing to do."""
        while True:
            now = time.time()
            claimable = sa.or_(
                jobs.c.state == "queued",
                sa.and_(
                    jobs.c.state == "running",
                    sa.or_(jobs.c.heartbeat.is_(None), jobs.c.heartbeat < now - stale_after),
                ),
            )
            query = (
                sa.select(jobs.c.id, jobs.c.state, jobs.c.attempts, jobs.c.claimed_by)
                .where(claimable)
                .order_by(jobs.c.queued_at, jobs.c.id)
                .limit(1)
                .with_for_update(skip_locked=True)  # not rendered on SQLite, which has BEGIN IMMEDIATE
            )
            with self.store.begin() as conn:
                row = conn.execute(query).first()
                if row is None:
                    return None
                if row.state == "running" and row.attempts >= MAX_ATTEMPTS:
                    # its workers keep dying on it (out of memory, killed): stop retrying
                    conn.execute(
                        sa.update(jobs)
                        .where(jobs.c.id == row.id)
                        .values(
                            state="failed",
                            error=f"worker stopped while running this job {row.attempts} times "
                            f"(last: {row.claimed_by}); not retried",
                            finished_at=now,
                            payload=None,
                        )
                    )
                    continue
                conn.execute(
                    sa.update(jobs)
                    .where(jobs.c.id == row.id)
                    .values(
                        state="running",
                        claimed_by=worker,
                        heartbeat=now,
                        started_at=now,
                        attempts=jobs.c.attempts + 1,
                        step=None,
                        steps_done=0,
                    )
                )
            return self.get(row.id)

    def _update_mine(self, job_id: str, worker: str, **values: Any) -> bool:
        """Change a job this worker still holds; False when another worker took it over."""
        with self.store.begin() as conn:
            result = conn.execute(
                sa.update(jobs)
                .where(jobs.c.id == job_id, jobs.c.claimed_by == worker, jobs.c.state == "running")
                .values(heartbeat=time.time(), **values)
            )
        return result.rowcount == 1

    def heartbeat(self, job_id: str, worker: str) -> bool:
        return self._update_mine(job_id, worker)

    def progress(self, job_id: str, worker: str, step: str, pages: int | None = None) -> bool:
        if step not in STEPS:
            raise InvalidInput(f"job step: {choices(step, STEPS)}")
        values: dict[str, Any] = {"step": step, "steps_done": STEPS.index(step)}
        if pages is not None:
            values["pages"] = pages
        return self._update_mine(job_id, worker, **values)

    def finish(self, job_id: str, worker: str, result: dict[str, Any]) -> bool:
        return self._update_mine(
            job_id, worker, state="done", result=result, step=None, steps_done=len(STEPS),
            finished_at=time.time(), payload=None,
        )

    def fail(self, job_id: str, worker: str, error: str, result: dict[str, Any] | None = None) -> bool:
        return self._update_mine(
            job_id, worker, state="failed", error=error, result=result, finished_at=time.time(), payload=None
        )


class _Heartbeat:
    """Refreshes a claim from a side thread while the job runs (OCR can take minutes)."""

    def __init__(self, queue: JobQueue, job_id: str, worker: str, interval: float) -> None:
        self.stop = threading.Event()
        self.thread = threading.Thread(
            target=self._beat, args=(queue, job_id, worker, interval), name=f"heartbeat-{job_id[:8]}", daemon=True
        )

    def _beat(self, queue: JobQueue, job_id: str, worker: str, interval: float) -> None:
        while not self.stop.wait(interval):
            try:
                if not queue.heartbeat(job_id, worker):
                    return
            except Exception:  # a busy or restarting database: try again at the next beat
                _log.warning("heartbeat of job %s failed; retrying", job_id, exc_info=True)

    def __enter__(self) -> _Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop.set()
        self.thread.join()


class Worker:
    """Runs queued jobs through ``services``' pipeline, one at a time."""

    def __init__(
        self,
        services: Services,
        *,
        name: str | None = None,
        stale_after: float = STALE_AFTER,
        lock: AbstractContextManager[Any] | None = None,
    ) -> None:
        self.services = services
        self.queue = services.jobs
        self.name = name or worker_name()
        self.stale_after = stale_after
        self.lock = lock or nullcontext()  # e.g. the API's ingest lock, shared with direct uploads

    def run_one(self) -> Job | None:
        """Claim and run one job; None when the queue has nothing to do."""
        job = self.queue.claim(self.name, stale_after=self.stale_after)
        if job is None:
            return None
        with _Heartbeat(self.queue, job.id, self.name, max(self.stale_after / 4, 0.05)), self.lock:
            self._run(job)
        return self.queue.get(job.id)

    def _run(self, job: Job) -> None:
        def report(step: str, pages: int | None) -> None:
            try:
                self.queue.progress(job.id, self.name, step, pages)
            except Exception:  # progress is for people watching; it never fails the ingest
                _log.warning("progress of job %s not recorded", job.id, exc_info=True)

        pipeline = self.services.pipeline
        try:
            if job.source_path is not None:
                result = pipeline.ingest_file(job.source_path, actor=job.actor, progress=report)
            else:
                data = self.queue.payload(job.id)
                if data is None:
                    raise InvalidInput(f"job {job.id} has no uploaded file left to read")
                result = pipeline.ingest_bytes(data, job.file_name, actor=job.actor, progress=report)
        except Exception as exc:  # a bug or a lost database: recorded on the job, the worker goes on
            if os.environ.get("PRACHUM_DEBUG"):
                raise
            self.queue.fail(job.id, self.name, f"{job.file_name}: {type(exc).__name__}: {exc}")
            return
        row = result.to_dict()
        row["file"] = row.pop("path")
        if result.failed:
            self.queue.fail(job.id, self.name, result.message, row)
        else:
            self.queue.finish(job.id, self.name, row)

    def run(
        self,
        *,
        forever: bool = False,
        poll: float = 1.0,
        stop: threading.Event | None = None,
        on_job: Callable[[Job], None] | None = None,
    ) -> list[Job]:
        """Run jobs until the queue is empty (or, with ``forever``, until ``stop`` is set,
        looking for new jobs every ``poll`` seconds). Returns the jobs run."""
        stop = stop or threading.Event()
        done: list[Job] = []
        while not stop.is_set():
            try:
                job = self.run_one()
            except Exception:
                if not forever:
                    raise
                # the database went away (restart, network): a long-lived worker waits and retries
                _log.exception("worker %s: could not run a job; retrying", self.name)
                stop.wait(poll)
                continue
            if job is not None:
                done.append(job)
                if on_job:
                    on_job(job)
                continue
            if not forever:
                break
            stop.wait(poll)
        return done
