"""/api/search (hybrid search with every filter) and /api/sdg (SDG tags of posted text)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from prachum.api.common import ERROR_RESPONSES, ServicesDep
from prachum.api.schemas import SearchKind, SearchStatus
from prachum.services import Services

router = APIRouter(tags=["search"], responses=ERROR_RESPONSES)

MAX_SDG_TEXT = 200_000


class SearchParams(BaseModel):
    """The filters a search accepts (the same as `prachum search`)."""

    q: str = Field(min_length=1, max_length=2000, description="Query in Thai or English")
    limit: int = Field(10, ge=1, le=100)
    offset: int = Field(0, ge=0, le=1000)
    kind: SearchKind | None = None  # type: ignore[valid-type]
    sdg: int | None = Field(None, ge=1, le=17)
    agency: str | None = Field(None, max_length=200, description="Thai name, abbreviation or English name")
    body: str | None = Field(None, max_length=200, description="Part of the meeting body's name")
    since: str | None = Field(None, description="From this meeting date (YYYY-MM-DD or a Thai date)")
    until: str | None = Field(None, description="Up to this meeting date")
    status: SearchStatus | None = Field(None, description="Register status, or the item's own")  # type: ignore[valid-type]


def status_lookup(services: Services) -> Any:
    """item id → register status (a mapping or a function), or None without a register."""
    from prachum.search.service import register_status_lookup

    found = register_status_lookup(services)
    if found is None:
        by_items = getattr(services.register, "status_of_items", None)
        found = by_items() if callable(by_items) else None
    return found


def run_search(services: Services, params: SearchParams) -> dict[str, Any]:
    """Search with the search package's own service functions: the CLI does the same."""
    from prachum.search.service import make_filters, search_payload

    filters = make_filters(
        kind=params.kind.value if params.kind else None,
        sdg=params.sdg,
        agency=params.agency,
        body=params.body,
        since=params.since,
        until=params.until,
        status=params.status.value if params.status else None,
        status_of=status_lookup(services) if params.status else None,
    )
    payload = search_payload(services, params.q.strip(), limit=params.limit + params.offset, filters=filters)
    hits = payload["hits"][params.offset :]
    return {"query": payload["query"], "data": hits, "count": len(hits)}


@router.get("/search")
def search(services: ServicesDep, params: Annotated[SearchParams, Query()]) -> dict[str, Any]:
    """Hybrid (BM25 + embeddings) search over extracted items and passages.

    Each hit: doc, doc_id, span (offsets into the document text), text, score, kind (None for a
    passage), item_id, meeting_date, body, highlights (spans within text) and snippet_html."""
    return run_search(services, params)


class SdgRequest(BaseModel):
    text: str = Field(min_length=1, max_length=MAX_SDG_TEXT, description="Any Thai or English text")


@router.post("/sdg", tags=["sdg"])
def sdg(request: SdgRequest, services: ServicesDep) -> dict[str, Any]:
    """The SDG goals (with evidence and best targets) that a text touches."""
    return {"goals": [tag.to_dict() for tag in services.tagger.tag(request.text)]}
