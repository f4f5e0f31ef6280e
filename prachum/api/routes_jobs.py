"""/api/jobs: queue uploads for the ingest workers (202 at once) and follow their progress.

The synchronous POST /api/documents stays for scripts that want the result in the reply;
the web UI queues, then polls GET /api/jobs/{id} for the step and page count."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any

from fastapi import APIRouter, File, Query, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from prachum.api.common import ERROR_RESPONSES, MAX_FILES_PER_UPLOAD, MB, ServicesDep, Writer
from prachum.api.routes_docs import Limit, _read_checked
from prachum.errors import InvalidInput, PrachumError

router = APIRouter(responses=ERROR_RESPONSES)
TAGS: list[str | Enum] = ["jobs"]
# the offset goes into SQL here: bounded to what every engine's integer holds
Offset = Annotated[int, Query(ge=0, le=2**31 - 1, description="Rows to skip")]


@router.post(
    "/jobs",
    status_code=202,
    tags=TAGS,
    responses={202: {"description": "Queued; follow each job at /api/jobs/{id}"}},
)
async def enqueue_uploads(
    services: ServicesDep,
    actor: Writer,
    files: Annotated[
        list[UploadFile], File(description="Minutes files (.txt .md .html .docx .pdf .png .jpg .tif)")
    ],
) -> JSONResponse:
    """Queue uploaded files for ingest. Each file becomes a job (state ``queued``), or, when
    refused at the door (type, size, content), an entry with ``error`` and ``detail`` and no
    job. 202 when at least one file was queued; the first refusal's 4xx when none was."""
    if not files:
        raise InvalidInput("no files in the upload (send multipart field 'files')")
    if len(files) > MAX_FILES_PER_UPLOAD:
        raise InvalidInput(f"{len(files)} files in one upload; at most {MAX_FILES_PER_UPLOAD}")
    max_bytes = services.settings.max_upload_mb * MB
    entries: list[dict[str, Any]] = []
    refused: list[PrachumError] = []
    for upload in files:
        name = upload.filename or "upload"
        try:
            data = await _read_checked(upload, name, max_bytes)
            job = await run_in_threadpool(services.jobs.enqueue_upload, data, name, actor=actor)
            entries.append(job.to_dict())
        except PrachumError as exc:
            refused.append(exc)
            entries.append({"id": None, "file": name, "state": "refused", "error": exc.code, "detail": str(exc)})
        finally:
            await upload.close()
    body: dict[str, Any] = {"data": entries, "count": len(entries)}
    if len(refused) == len(entries):
        first = refused[0]
        return JSONResponse({"error": first.code, "detail": str(first), **body}, status_code=first.http_status)
    queued = [e["id"] for e in entries if e["id"]]
    headers = {"Location": f"/api/jobs/{queued[0]}"} if len(queued) == 1 else None
    return JSONResponse(body, status_code=202, headers=headers)


@router.get("/jobs", tags=TAGS)
def list_jobs(
    services: ServicesDep,
    state: Annotated[str | None, Query(description="queued, running, done or failed (comma-separated)")] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Ingest jobs, newest first."""
    queue = services.jobs
    rows = queue.list(state, limit, offset)
    return {"data": [job.to_dict() for job in rows], "count": queue.count(state)}


@router.get("/jobs/{job_id}", tags=TAGS)
def get_job(job_id: str, services: ServicesDep) -> dict[str, Any]:
    """One job: state, step (reading → analysing → storing → indexing), pages, result or error."""
    return services.jobs.get(job_id).to_dict()
