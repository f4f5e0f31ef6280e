"""Closed sets of values the API accepts, as enums so the OpenAPI schema (and Swagger UI)
lists the choices and a wrong value is a 422 naming them."""

from __future__ import annotations

from enum import StrEnum

from prachum.api.labels import register_statuses
from prachum.models import ACTION_STATUSES, KINDS


def _enum(name: str, values: tuple[str, ...]) -> type[StrEnum]:
    return StrEnum(name, [(v, v) for v in dict.fromkeys(values)])  # type: ignore[return-value]


RegisterStatus = _enum("RegisterStatus", register_statuses())
# Search filters items by the register's status when tracked, else by the extractor's status.
SearchStatus = _enum("SearchStatus", (*register_statuses(), *ACTION_STATUSES))
ItemKind = _enum("ItemKind", KINDS)
SearchKind = _enum("SearchKind", (*KINDS, "passage"))
LinkState = _enum("LinkState", ("confirmed", "suggested"))
