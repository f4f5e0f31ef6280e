"""/api/health and /api/documents: list, read, upload (several files, a status per file), delete."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Query, Request, Response, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

import prachum
from prachum.api.common import ERROR_RESPONSES, MAX_FILES_PER_UPLOAD, MB, ServicesDep, Writer
from prachum.errors import InvalidInput, PrachumError, TooLarge, UnsupportedFormat
from prachum.ingest import READERS
from prachum.services import Services

router = APIRouter(responses=ERROR_RESPONSES)
TAGS: list[str | Enum] = ["documents"]

# First bytes a binary format must start with; text formats are checked by their readers.
MAGIC: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF",),
    ".docx": (b"PK\x03\x04",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".tif": (b"II*\x00", b"MM\x00*"),
    ".tiff": (b"II*\x00", b"MM\x00*"),
}


def page(rows: list[Any], limit: int, offset: int) -> dict[str, Any]:
    """The pagination envelope: one page of ``rows`` and the total count."""
    return {"data": rows[offset : offset + limit], "count": len(rows)}


Limit = Annotated[int, Query(ge=1, le=1000, description="Page size")]
Offset = Annotated[int, Query(ge=0, description="Rows to skip")]


@router.get("/health", tags=["meta"])
def health(services: ServicesDep) -> dict[str, Any]:
    """Liveness and the server's configuration facts a client needs (read-only or not)."""
    settings = services.settings
    return {
        "status": "ok",
        "version": prachum.__version__,
        "documents": len(services.store.doc_ids()),
        "read_only": not settings.api_token,
        "embedder": settings.embedder,
        "max_upload_mb": settings.max_upload_mb,
        "formats": sorted(READERS),
    }


@router.get("/documents", tags=TAGS)
def list_documents(services: ServicesDep, limit: Limit = 100, offset: Offset = 0) -> dict[str, Any]:
    """Stored documents, latest meeting first."""
    return page(services.documents(), limit, offset)


@router.get("/documents/{doc_id}", tags=TAGS)
def get_document(doc_id: str, services: ServicesDep) -> dict[str, Any]:
    """One document: the extraction contract's object plus its text and boilerplate marks."""
    return services.document(doc_id)


@router.delete("/documents/{doc_id}", status_code=204, tags=TAGS)
def delete_document(doc_id: str, services: ServicesDep, actor: Writer, request: Request) -> Response:
    """Delete a document, its items and index entries (its register records stay, orphaned)."""
    with request.app.state.ingest_lock:
        services.pipeline.delete(doc_id, actor=actor)
    return Response(status_code=204)


@router.post(
    "/documents", tags=TAGS, responses={207: {"description": "Some files failed; see each file's status"}}
)
async def upload_documents(
    request: Request,
    services: ServicesDep,
    actor: Writer,
    files: Annotated[
        list[UploadFile], File(description="Minutes files (.txt .md .html .docx .pdf .png .jpg .tif)")
    ],
) -> JSONResponse:
    """Ingest uploaded files. Each file gets its own status (ok | replaced | unchanged | failed);
    one bad file never stops the others. 200 when all succeeded, 207 when some failed, and the
    first failure's 4xx when all did."""
    if not files:
        raise InvalidInput("no files in the upload (send multipart field 'files')")
    if len(files) > MAX_FILES_PER_UPLOAD:
        raise InvalidInput(f"{len(files)} files in one upload; at most {MAX_FILES_PER_UPLOAD}")
    max_bytes = services.settings.max_upload_mb * MB
    results = []
    for upload in files:
        name = upload.filename or "upload"
        try:
            data = await _read_checked(upload, name, max_bytes)
        except PrachumError as exc:
            results.append(_failed(name, exc))
            continue
        finally:
            await upload.close()
        results.append(await run_in_threadpool(_ingest_one, request, services, data, name, actor))
    statuses = [r.pop("http_status") for r in results]
    failed = [(r, s) for r, s in zip(results, statuses, strict=True) if r["status"] == "failed"]
    body: dict[str, Any] = {"data": results, "count": len(results)}
    if failed and len(failed) == len(results):
        first, status = failed[0]
        body = {"error": first["error"], "detail": first["message"], **body}
        return JSONResponse(body, status_code=status)
    return JSONResponse(body, status_code=207 if failed else 200)


async def _read_checked(upload: UploadFile, name: str, max_bytes: int) -> bytes:
    """The upload's bytes, refusing unknown types, oversize files and content that is not
    what its suffix says."""
    suffix = Path(name.replace("\\", "/")).suffix.lower()
    if suffix not in READERS:
        raise UnsupportedFormat(
            f"{Path(name).name}: unsupported file type {suffix or '(none)'!r}; supported: {', '.join(sorted(READERS))}"
        )
    data = await upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise TooLarge(f"{Path(name).name}: over the upload limit of {max_bytes // MB} MB")
    if not data:
        raise InvalidInput(f"{Path(name).name}: the file is empty")
    magic = MAGIC.get(suffix)
    if magic and not data.startswith(magic):
        raise UnsupportedFormat(f"{Path(name).name}: the content is not a {suffix[1:].upper()} file")
    return data


def _ingest_one(request: Request, services: Services, data: bytes, name: str, actor: str) -> dict[str, Any]:
    with request.app.state.ingest_lock:
        result = services.pipeline.ingest_bytes(data, name, actor=actor)
    row = result.to_dict()
    row["file"] = row.pop("path")
    row["error"] = "unreadable_file" if result.failed else None
    row["http_status"] = 422 if result.failed else 200
    return row


def _failed(name: str, exc: PrachumError) -> dict[str, Any]:
    return {
        "file": Path(name.replace("\\", "/")).name,
        "status": "failed",
        "doc_id": None,
        "message": str(exc),
        "items": 0,
        "meeting_date": None,
        "error": exc.code,
        "http_status": exc.http_status,
    }
