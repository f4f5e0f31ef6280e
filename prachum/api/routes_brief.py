"""/api/brief: a briefing note (DOCX, PDF or Markdown) for a document, an agency, a query or a
body, built by `prachum.briefing.build_brief` — the same function as `prachum brief`."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel, Field

from prachum.api.common import ERROR_RESPONSES, ServicesDep
from prachum.errors import InvalidInput

router = APIRouter(tags=["briefing"], responses=ERROR_RESPONSES)


class BriefFormat(StrEnum):
    docx = "docx"
    pdf = "pdf"
    md = "md"


MEDIA_TYPES = {
    BriefFormat.docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    BriefFormat.pdf: "application/pdf",
    BriefFormat.md: "text/markdown; charset=utf-8",
}


class BriefParams(BaseModel):
    doc: str | None = Field(None, max_length=64, description="A document id")
    agency: str | None = Field(
        None, max_length=200, description="An agency (Thai name, abbreviation or English)"
    )
    query: str | None = Field(None, max_length=500, description="A search query")
    body: str | None = Field(None, max_length=200, description="A meeting body")
    since: str | None = Field(None, description="From this meeting date (YYYY-MM-DD)")
    until: str | None = Field(None, description="Up to this meeting date")
    format: BriefFormat = BriefFormat.docx
    prepared_for: str | None = Field(None, max_length=200, description="เรียน: who the note is for")
    prepared_by: str | None = Field(None, max_length=200, description="ส่วนราชการ: the unit preparing it")


@router.get(
    "/brief",
    response_class=Response,
    responses={200: {"content": {v: {} for v in MEDIA_TYPES.values()}, "description": "The briefing note"}},
)
async def brief(services: ServicesDep, params: Annotated[BriefParams, Query()]) -> Response:
    """A briefing note in Thai government style (Sarabun), as a file download."""
    from prachum.briefing import build_brief

    subject = {
        k: v.strip() for k in ("doc", "agency", "query", "body") if (v := getattr(params, k)) and v.strip()
    }
    if not subject:
        raise InvalidInput("say what to brief on: doc, agency, query or body")
    extra = {k: v for k in ("since", "until", "prepared_for", "prepared_by") if (v := getattr(params, k))}
    data, media_type = await run_in_threadpool(
        build_brief, services, **subject, **extra, fmt=params.format.value
    )
    name = f"prachum-brief-{date.today().isoformat()}.{params.format.value}"
    return Response(
        data,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
