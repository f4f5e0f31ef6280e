"""The ingest job queue (prachum.jobs) on a real store: claims are exclusive across threads
and processes, a silent worker's job is taken over, failures and progress are recorded, and
`prachum enqueue` / `prachum worker` / `prachum jobs` drive it from the command line."""
from __future__ import annotations

import json
import multiprocessing
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from prachum.config import Settings
from prachum.jobs import MAX_ATTEMPTS, JobQueue, Worker
from prachum.pipeline import STEPS
from prachum.schema import jobs
from prachum.services import Services
from prachum.store import Store

FIXTURES = Path(__file__).parent / "fixtures_api"


@pytest.fixture
def svc(settings: Settings) -> Services:
    return Services(settings.with_(embedder="hashing"))


def _fill(queue: JobQueue, n: int) -> list[str]:
    return [queue.enqueue_upload(f"เอกสาร {i}".encode(), f"f{i}.txt", actor="t").id for i in range(n)]


def _age_heartbeat(store: Store, job_id: str, seconds: float) -> None:
    with store.begin() as conn:
        conn.execute(sa.update(jobs).where(jobs.c.id == job_id).values(heartbeat=jobs.c.heartbeat - seconds))


def test_enqueue_claim_and_finish(svc: Services) -> None:
    queue = svc.jobs
    job = queue.enqueue_upload(b"hello", "a.txt", actor="somchai")
    assert (job.state, job.steps_done, job.steps_total, job.attempts) == ("queued", 0, len(STEPS), 0)
    assert queue.payload(job.id) == b"hello"
    claimed = queue.claim("w1")
    assert claimed is not None and claimed.id == job.id
    assert (claimed.state, claimed.claimed_by, claimed.attempts) == ("running", "w1", 1)
    assert queue.claim("w2") is None  # nothing else to take
    assert queue.progress(job.id, "w1", "analysing", pages=3)
    assert queue.get(job.id).to_dict()["progress"] == {
        "step": "analysing", "steps_done": 1, "steps_total": 4, "pages": 3,
    }
    assert not queue.finish(job.id, "w2", {"status": "ok"})  # not w2's job
    assert queue.finish(job.id, "w1", {"status": "ok"})
    done = queue.get(job.id)
    assert (done.state, done.result, done.steps_done) == ("done", {"status": "ok"}, len(STEPS))
    assert queue.payload(job.id) is None  # the upload's bytes are not kept twice
    assert [j.id for j in queue.list(state="done")] == [job.id] and queue.count("queued") == 0


def test_bad_requests_name_the_value(svc: Services, tmp_path: Path) -> None:
    from prachum.errors import InvalidInput, NotFound

    with pytest.raises(InvalidInput, match="empty"):
        svc.jobs.enqueue_upload(b"", "a.txt", actor="t")
    with pytest.raises(NotFound, match="nope.txt"):
        svc.jobs.enqueue_path(tmp_path / "nope.txt", actor="t")
    with pytest.raises(InvalidInput, match="'later' is not one of: queued, running, done, failed"):
        svc.jobs.list(state="done,later")
    with pytest.raises(NotFound, match="no job with id 'x'"):
        svc.jobs.get("x")


def test_threads_never_claim_the_same_job(svc: Services) -> None:
    queue = svc.jobs
    ids = _fill(queue, 24)
    taken: dict[str, list[str]] = {}
    start = threading.Barrier(4)

    def claim_all(name: str) -> None:
        start.wait()
        mine = taken.setdefault(name, [])
        while (job := queue.claim(name)) is not None:
            mine.append(job.id)

    threads = [threading.Thread(target=claim_all, args=(f"w{n}",)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    claimed = [i for mine in taken.values() for i in mine]
    assert sorted(claimed) == sorted(ids)  # every job once, none twice
    assert all(queue.get(i).claimed_by in taken for i in ids)


def _claim_in_process(data_dir: str, url: str, name: str, start: object, out: object) -> None:
    queue = JobQueue(Store(Settings(data_dir=Path(data_dir), database_url=url)))
    start.wait()  # type: ignore[attr-defined]
    mine = []
    while (job := queue.claim(name)) is not None:
        mine.append(job.id)
    out.put((name, mine))  # type: ignore[attr-defined]


def test_processes_never_claim_the_same_job(svc: Services) -> None:
    ids = _fill(svc.jobs, 30)
    context = multiprocessing.get_context("spawn")
    start, out = context.Event(), context.Queue()
    args = (str(svc.settings.data_dir), svc.settings.db_url)
    procs = [context.Process(target=_claim_in_process, args=(*args, f"p{n}", start, out)) for n in range(3)]
    for p in procs:
        p.start()
    start.set()
    results = dict(out.get(timeout=120) for _ in procs)
    for p in procs:
        p.join(timeout=60)
    assert [p.exitcode for p in procs] == [0, 0, 0]
    claimed = [i for mine in results.values() for i in mine]
    assert sorted(claimed) == sorted(ids)


def test_a_silent_workers_job_is_taken_over(svc: Services) -> None:
    queue = svc.jobs
    (job_id,) = _fill(queue, 1)
    assert queue.claim("dead", stale_after=60) is not None
    assert queue.claim("alive", stale_after=60) is None  # its heartbeat is fresh
    _age_heartbeat(svc.store, job_id, 61)
    again = queue.claim("alive", stale_after=60)
    assert again is not None and (again.id, again.claimed_by, again.attempts) == (job_id, "alive", 2)
    assert not queue.heartbeat(job_id, "dead")  # the old worker learns it lost the job
    assert not queue.finish(job_id, "dead", {"status": "ok"})
    assert queue.finish(job_id, "alive", {"status": "ok"})
    assert queue.get(job_id).state == "done"


def test_a_job_that_keeps_killing_workers_is_failed_not_retried_forever(svc: Services) -> None:
    queue = svc.jobs
    (job_id,) = _fill(queue, 1)
    for attempt in range(MAX_ATTEMPTS):
        assert queue.claim(f"w{attempt}", stale_after=60) is not None
        _age_heartbeat(svc.store, job_id, 61)
    assert queue.claim("last", stale_after=60) is None
    failed = queue.get(job_id)
    assert failed.state == "failed" and f"{MAX_ATTEMPTS} times" in (failed.error or "")
    assert queue.payload(job_id) is None


def test_worker_ingests_an_upload_reporting_each_step(svc: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    queue = svc.jobs
    job = queue.enqueue_upload((FIXTURES / "minutes_water.txt").read_bytes(), "../../water.txt", actor="สมศรี")
    seen: list[tuple[str, str, int | None]] = []
    real_progress = queue.progress

    def spy(job_id: str, worker: str, step: str, pages: int | None = None) -> bool:
        seen.append((job_id, step, pages))
        return real_progress(job_id, worker, step, pages)

    monkeypatch.setattr(queue, "progress", spy)
    ran = Worker(svc, name="w-test").run()
    assert [j.id for j in ran] == [job.id]
    done = queue.get(job.id)
    assert done.state == "done" and done.error is None and done.claimed_by == "w-test"
    assert [s for _i, s, _p in seen] == list(STEPS)
    result = done.result or {}
    assert result["status"] == "ok" and result["file"] == "water.txt" and result["items"] > 0
    assert svc.store.doc_ids() == [result["doc_id"]]
    assert svc.store.audit_log(50)[-1]["action"] == "job.enqueue"
    # the same bytes again: done, and the pipeline says unchanged
    again = queue.enqueue_upload((FIXTURES / "minutes_water.txt").read_bytes(), "water.txt", actor="สมศรี")
    Worker(svc).run()
    assert (queue.get(again.id).result or {})["status"] == "unchanged"


def test_worker_records_a_failure_and_goes_on(svc: Services) -> None:
    queue = svc.jobs
    bad = queue.enqueue_upload(b"%PDF-1.4 this is not a pdf at all", "broken.pdf", actor="t")
    good = queue.enqueue_upload((FIXTURES / "minutes_water.txt").read_bytes(), "water.txt", actor="t")
    ran = Worker(svc).run()
    assert [j.id for j in ran] == [bad.id, good.id]
    failed = queue.get(bad.id)
    assert failed.state == "failed" and "broken.pdf" in (failed.error or "")
    assert (failed.result or {})["status"] == "failed"
    assert queue.payload(bad.id) is None
    assert queue.get(good.id).state == "done"


def test_worker_survives_an_unexpected_error_in_a_job(svc: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    job = svc.jobs.enqueue_upload(b"text", "a.txt", actor="t")

    def boom(*_a: object, **_k: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(svc.pipeline, "ingest_bytes", boom)
    monkeypatch.delenv("PRACHUM_DEBUG", raising=False)
    Worker(svc).run()
    failed = svc.jobs.get(job.id)
    assert failed.state == "failed" and "RuntimeError: disk on fire" in (failed.error or "")


def test_cli_enqueue_worker_and_jobs(data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from prachum.cli import app

    monkeypatch.setenv("PRACHUM_EMBEDDER", "hashing")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "water.txt").write_bytes((FIXTURES / "minutes_water.txt").read_bytes())
    (folder / "empty.txt").write_text("   ", encoding="utf-8")
    runner = CliRunner()
    queued = runner.invoke(app, ["enqueue", str(folder)])
    assert queued.exit_code == 0, queued.output
    assert queued.output.count("queued") == 2
    ran = runner.invoke(app, ["worker"])
    assert ran.exit_code == 1, ran.output  # one of the two files failed
    lines = [line for line in ran.output.splitlines() if line.startswith(("done", "failed"))]
    assert len(lines) == 2 and any(line.startswith("done") and "water.txt" in line for line in lines)
    listed = runner.invoke(app, ["jobs", "--format", "json"])
    body = json.loads(listed.output)
    assert body["count"] == 2 and {j["state"] for j in body["data"]} == {"done", "failed"}
    idle = runner.invoke(app, ["worker"])
    assert idle.exit_code == 0 and "no queued jobs" in idle.output
    table = runner.invoke(app, ["jobs", "--state", "failed"])
    assert table.exit_code == 0 and "empty.txt" in table.output


def test_a_running_job_keeps_its_claim_alive(svc: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    """While the pipeline works (OCR can take minutes) a side thread refreshes the heartbeat,
    so other workers do not take the job over."""
    import time

    from prachum.pipeline import IngestResult

    job = svc.jobs.enqueue_upload(b"text", "slow.txt", actor="t")
    beats: list[float] = []

    def slow_ingest(*_a: object, **_k: object) -> IngestResult:
        deadline = time.monotonic() + 60
        while len(set(beats)) < 3 and time.monotonic() < deadline:
            beats.append(svc.jobs.get(job.id).heartbeat or 0.0)
            assert svc.jobs.claim("thief", stale_after=30) is None
            time.sleep(0.02)
        return IngestResult("slow.txt", "ok", "d1", "0 items")

    monkeypatch.setattr(svc.pipeline, "ingest_bytes", slow_ingest)
    Worker(svc, stale_after=0.2).run()  # a beat every 0.05 s
    assert len(set(beats)) >= 3  # the heartbeat moved while the job ran
    assert svc.jobs.get(job.id).state == "done"
