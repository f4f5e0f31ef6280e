"""The Thai web UI: server-rendered pages that call the same functions as the JSON API.

Pages only read. Changes (upload, status updates, links) are made by the pages' small
script through the JSON API with the user's token, so there is one write path to secure.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError

from prachum.api import labels, view
from prachum.api.common import ServicesDep
from prachum.api.routes_recs import RecFilters, list_records
from prachum.api.routes_search import SearchParams, run_search, status_lookup
from prachum.errors import PrachumError
from prachum.models import ACTION_STATUSES, KINDS
from prachum.services import Services

router = APIRouter(include_in_schema=False)

SEARCH_FIELDS = ("q", "kind", "sdg", "agency", "body", "since", "until", "status")
REC_FIELDS = ("status", "agency", "body", "sdg", "kind", "overdue", "sort")
REC_SORTS = {
    "overdue": "เกินกำหนดก่อน (overdue first)",
    "due": "กำหนดเสร็จ (due)",
    "date": "วันที่ประชุม (meeting date)",
    "status": "สถานะ (status)",
    "priority": "รายการสำคัญก่อน (priority)",
}


def render(request: Request, template: str, **context: Any) -> HTMLResponse:
    services: Services = request.app.state.services
    context.setdefault("read_only", not services.settings.api_token)
    context.setdefault("has_briefing", request.app.state.has_briefing)
    return request.app.state.templates.TemplateResponse(request, template, context)


def _clean(request: Request, fields: tuple[str, ...]) -> dict[str, str]:
    """The non-empty query parameters among ``fields`` (form submits send empty ones)."""
    return {k: v.strip() for k in fields if (v := request.query_params.get(k, "")) and v.strip()}


def _facets(services: Services) -> dict[str, Any]:
    docs = services.documents()
    bodies = sorted({d["body"] for d in docs if d.get("body")})
    return {"bodies": bodies, "documents": docs, "agencies": _agency_choices(services)}


def _agency_choices(services: Services) -> list[tuple[str, str]]:
    """(value, label) for the agency box's suggestions: abbreviation or Thai name, and the
    English name staff may know it by. Empty when the gazetteer cannot be loaded."""
    try:
        agencies = services.gazetteer.agencies
    except (ImportError, PrachumError):
        return []
    out = []
    for agency in agencies:
        value = agency.abbr or agency.name
        label = " · ".join(x for x in (agency.name if agency.abbr else None, agency.name_en) if x)
        out.append((value, label))
    return sorted(set(out))


@router.get("/", response_class=HTMLResponse)
def search_page(request: Request, services: ServicesDep) -> HTMLResponse:
    """One search box with filters; recent documents when nothing is asked yet."""
    form = _clean(request, SEARCH_FIELDS)
    results, error = None, None
    if form.get("q"):
        try:
            params = SearchParams.model_validate({**form, "limit": 20})
            results = run_search(services, params)
            _add_item_facts(services, results["data"])
        except ValidationError as exc:
            error = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()[:3])
        except PrachumError as exc:
            error = str(exc)
    facets = _facets(services)
    return render(
        request,
        "search.html",
        form=form,
        results=results,
        error=error,
        kinds=(*KINDS, "passage"),
        statuses=tuple(dict.fromkeys((*labels.register_statuses(), *ACTION_STATUSES))),
        recent=facets["documents"][:8],
        bodies=facets["bodies"],
        agencies=facets["agencies"],
        n_documents=len(facets["documents"]),
    )


def _add_item_facts(services: Services, hits: list[dict[str, Any]]) -> None:
    """Give item hits their status (the register's when tracked) and SDG goals for the badges."""
    lookup = status_lookup(services) if any(h.get("item_id") for h in hits) else None
    for hit in hits:
        if not hit.get("item_id"):
            continue
        try:
            item, _ = services.store.get_item(hit["item_id"])
        except PrachumError:
            continue
        tracked = (
            (lookup(item.id) if callable(lookup) else lookup.get(item.id)) if lookup is not None else None
        )
        hit["status"] = tracked or item.status
        hit["sdg"] = [tag.goal for tag in item.sdg]


@router.get("/documents", response_class=HTMLResponse)
def documents_page(request: Request, services: ServicesDep) -> HTMLResponse:
    return render(request, "documents.html", documents=services.documents())


@router.get("/documents/{doc_id}", response_class=HTMLResponse)
def document_page(request: Request, doc_id: str, services: ServicesDep) -> HTMLResponse:
    """The minutes text with items highlighted by kind, the searched passage marked, and the
    meeting facts, SDG and item panels."""
    doc = services.document(doc_id)
    passage = view.parse_span(request.query_params.get("at"), len(doc["text"]))
    pieces = view.text_pieces(
        doc["text"],
        doc["items"],
        passage=passage,
        boilerplate=[b["span"] for b in doc.get("boilerplate", [])],
    )
    records = _records_or_empty(services)
    links = view.item_record_links(doc["items"], view.records_by_item(records, doc_id, doc["doc"]))
    return render(request, "document.html", doc=doc, pieces=pieces, rec_links=links, passage=passage)


def _records_or_empty(services: Services) -> list[dict[str, Any]]:
    try:
        return services.register.list()
    except ImportError:  # the register is not installed: the document still shows
        return []


@router.get("/recs", response_class=HTMLResponse)
def register_page(request: Request, services: ServicesDep) -> HTMLResponse:
    """The register table: overdue first, filters, sort, CSV/XLSX download of the same rows."""
    form = _clean(request, REC_FIELDS)
    error, rows = None, []
    try:
        filters = RecFilters.model_validate({**form, "overdue": form.get("overdue") in ("1", "on", "true")})
        rows = list_records(services, filters)
    except ValidationError as exc:
        error = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()[:3])
    except PrachumError as exc:
        error = str(exc)
    export_query = urlencode({k: v for k, v in form.items()})
    facets = _facets(services)
    return render(
        request,
        "recs.html",
        rows=rows,
        form=form,
        error=error,
        statuses=labels.register_statuses(),
        kinds=KINDS,
        sorts=REC_SORTS,
        bodies=facets["bodies"],
        agencies=facets["agencies"],
        export_query=export_query,
        is_overdue=view.is_overdue,
    )


@router.get("/recs/{rec_id}", response_class=HTMLResponse)
def record_page(request: Request, rec_id: str, services: ServicesDep) -> HTMLResponse:
    """One record: its facts, history timeline, follow-up links and the status form."""
    record = services.register.get(rec_id)
    return render(
        request,
        "record.html",
        rec=record,
        statuses=labels.register_statuses(),
        overdue=view.is_overdue(record),
    )


@router.get("/upload", response_class=HTMLResponse)
def upload_page(request: Request, services: ServicesDep) -> HTMLResponse:
    """Upload files (one request per file, so each shows its own progress) and export briefs."""
    facets = _facets(services)
    settings = services.settings
    from prachum.ingest import READERS

    return render(
        request,
        "upload.html",
        documents=facets["documents"],
        bodies=facets["bodies"],
        accept=",".join(sorted(READERS)),
        max_upload_mb=settings.max_upload_mb,
    )


@router.get("/search")
def search_redirect(request: Request) -> RedirectResponse:
    """Old-style /search?q=… links land on the search page."""
    return RedirectResponse("/?" + str(request.query_params), status_code=307)
