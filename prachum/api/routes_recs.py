"""/api/recs: the recommendation/assignment register — list and filter, one record with its
history, status/due/notes changes, evidence links, and CSV/XLSX export."""

from __future__ import annotations

import tempfile
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from prachum.api.common import ERROR_RESPONSES, ServicesDep, Writer
from prachum.api.routes_docs import Limit, Offset, page
from prachum.api.schemas import ItemKind, LinkState, RegisterStatus
from prachum.errors import InvalidInput
from prachum.services import Services

router = APIRouter(tags=["register"], responses=ERROR_RESPONSES)


class RecFilters(BaseModel):
    status: RegisterStatus | None = None  # type: ignore[valid-type]
    agency: str | None = Field(None, max_length=200)
    body: str | None = Field(None, max_length=200)
    sdg: int | None = Field(None, ge=1, le=17)
    kind: ItemKind | None = None  # type: ignore[valid-type]
    overdue: bool = False
    sort: str | None = Field(
        None, max_length=40, description="Sort key the register accepts (default: overdue first)"
    )


def list_records(services: Services, filters: RecFilters) -> list[dict[str, Any]]:
    """The register's rows for these filters (the CLI's `recs list` calls the same)."""
    args = {k: v for k, v in filters.model_dump(mode="json").items() if v not in (None, False)}
    return services.register.list(**args)


@router.get("/recs")
def list_recs(
    services: ServicesDep, filters: Annotated[RecFilters, Query()], limit: Limit = 100, offset: Offset = 0
) -> dict[str, Any]:
    """Tracked recommendations and assignments, overdue first unless sorted otherwise."""
    return page(list_records(services, filters), limit, offset)


class ExportFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"


EXPORT_TYPES = {
    ExportFormat.csv: "text/csv; charset=utf-8",
    ExportFormat.xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def export_bytes(services: Services, rows: list[dict[str, Any]], fmt: ExportFormat) -> bytes:
    """The register's own CSV/XLSX writer, through a temporary file."""
    writer = _exporter(services, fmt)
    with tempfile.TemporaryDirectory(prefix="prachum-export-") as folder:
        path = Path(folder) / f"register.{fmt.value}"
        writer(rows, path)
        return path.read_bytes()


def _exporter(services: Services, fmt: ExportFormat):  # type: ignore[no-untyped-def]
    name = f"to_{fmt.value}"
    found = getattr(services.register, name, None)
    if found is None:
        from prachum.tracking import export

        found = getattr(export, name)
    return found


@router.get(
    "/recs/export",
    response_class=Response,
    responses={200: {"content": {v: {} for v in EXPORT_TYPES.values()}, "description": "The register file"}},
)
def export_recs(
    services: ServicesDep, filters: Annotated[RecFilters, Query()], format: ExportFormat = ExportFormat.csv
) -> Response:
    """The filtered register as a CSV (UTF-8, opens in Excel) or XLSX file."""
    data = export_bytes(services, list_records(services, filters), format)
    name = f"prachum-register-{date.today().isoformat()}.{format.value}"
    return Response(
        data,
        media_type=EXPORT_TYPES[format],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/recs/{rec_id}")
def get_rec(rec_id: str, services: ServicesDep) -> dict[str, Any]:
    """One record with its history (who, when, from → to, why) and its follow-up links."""
    return services.register.get(rec_id)


class RecUpdate(BaseModel):
    """Fields to change; every change is recorded in the history with its actor."""

    status: RegisterStatus | None = None  # type: ignore[valid-type]
    due: str | None = Field(None, description="New due date YYYY-MM-DD (needs a reason)")
    reason: str | None = Field(None, max_length=2000, description="Why the due date changed")
    note: str | None = Field(None, max_length=4000)
    evidence_item_id: str | None = Field(None, max_length=64, description="An item that shows the progress")
    priority: bool | None = None
    expected_version: int | None = Field(None, ge=1, description="Refuse (409) if the record changed since")


@router.patch("/recs/{rec_id}")
def update_rec(
    rec_id: str,
    change: RecUpdate,
    services: ServicesDep,
    actor: Writer,
    if_match: Annotated[
        str | None, Header(description="The record's version (alternative to expected_version)")
    ] = None,
) -> dict[str, Any]:
    """Change status, due date (with a reason), notes or priority. Invalid status moves are 422;
    a stale ``expected_version`` (or If-Match) is 409."""
    fields = change.model_dump(mode="json", exclude_none=True)
    if if_match and "expected_version" not in fields:
        fields["expected_version"] = _version_from_header(if_match)
    if not fields.keys() - {"expected_version"}:
        raise InvalidInput(
            "nothing to change: give status, due (+reason), note, evidence_item_id or priority"
        )
    services.register.update(rec_id, actor=actor, **fields)
    return services.register.get(rec_id)


def _version_from_header(value: str) -> int:
    cleaned = value.strip().removeprefix("W/").strip('"')
    if not cleaned.isdigit():
        raise InvalidInput(f"If-Match {value!r} is not a record version number")
    return int(cleaned)


class LinkRequest(BaseModel):
    item_id: str = Field(
        min_length=1, max_length=64, description="The later item that reports on this record"
    )
    state: LinkState = Field(  # type: ignore[valid-type]
        "confirmed", description="confirmed (applies the status it implies) or suggested"
    )


@router.post("/recs/{rec_id}/links", status_code=201)
def link_rec(rec_id: str, link: LinkRequest, services: ServicesDep, actor: Writer) -> dict[str, Any]:
    """Link an item as evidence for the record (a confirmed, hand-made link)."""
    services.register.link(rec_id, link.item_id, actor=actor, state=str(link.state))
    return services.register.get(rec_id)


@router.delete("/recs/{rec_id}/links/{item_id}")
def unlink_rec(rec_id: str, item_id: str, services: ServicesDep, actor: Writer) -> dict[str, Any]:
    """Remove a link (the history keeps that it existed)."""
    services.register.unlink(rec_id, item_id, actor=actor)
    return services.register.get(rec_id)


@router.post("/recs/{rec_id}/links/{item_id}/confirm")
def confirm_link(rec_id: str, item_id: str, services: ServicesDep, actor: Writer) -> dict[str, Any]:
    """Confirm a suggested or automatic link."""
    services.register.confirm_link(rec_id, item_id, actor=actor)
    return services.register.get(rec_id)


@router.post("/recs/{rec_id}/links/{item_id}/reject")
def reject_link(rec_id: str, item_id: str, services: ServicesDep, actor: Writer) -> dict[str, Any]:
    """Reject a suggested or automatic link."""
    services.register.reject_link(rec_id, item_id, actor=actor)
    return services.register.get(rec_id)
