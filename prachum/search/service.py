"""The search functions the CLI and the API call (they only parse and format around these).

The result shape is the CLI contract's: ``{"query", "hits": [{"doc", "doc_id", "span",
"text", "score", "kind", "item_id", "meeting_date", ...}]}``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from prachum.errors import InvalidInput
from prachum.search.results import SearchFilters

if TYPE_CHECKING:
    from prachum.services import Services

StatusLookup = Mapping[str, str | None] | Callable[[str], str | None]


def parse_date(value: str | None, name: str) -> str | None:
    """ISO dates as they are; Thai or English dates (``1 ม.ค. 2566``) through nlp.dates."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    from datetime import date

    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        pass
    try:
        from prachum.nlp.dates import parse_thai_date

        parsed = parse_thai_date(value)
    except ImportError:
        parsed = None
    if parsed is None:
        raise InvalidInput(f"{name} {value!r} is not a date (YYYY-MM-DD or e.g. 1 มกราคม 2566)")
    return parsed.isoformat()


def make_filters(
    *,
    kind: str | None = None,
    sdg: int | None = None,
    agency: str | None = None,
    body: str | None = None,
    since: str | None = None,
    until: str | None = None,
    status: str | None = None,
    status_of: StatusLookup | None = None,
) -> SearchFilters | None:
    """SearchFilters from user input (None when nothing filters)."""
    filters = SearchFilters(
        kind=kind or None,
        sdg=sdg,
        agency=(agency or "").strip() or None,
        body=(body or "").strip() or None,
        since=parse_date(since, "since"),
        until=parse_date(until, "until"),
        status=(status or "").strip() or None,
        status_of=status_of if status else None,
    )
    if filters.since and filters.until and filters.since > filters.until:
        raise InvalidInput(f"since {filters.since} is after until {filters.until}")
    return filters if filters.active else None


def register_status_lookup(services: Services) -> StatusLookup | None:
    """The tracking register's item → status lookup, when the register offers one."""
    try:
        register = services.register
    except ImportError:
        return None
    lookup = getattr(register, "status_of", None)
    if callable(lookup) or isinstance(lookup, Mapping):
        return lookup
    by_items = getattr(register, "status_of_items", None)  # the register's item id → status table
    return by_items() if callable(by_items) else None


def search_payloads(
    services: Services, queries: Sequence[str], *, limit: int = 10, filters: SearchFilters | None = None
) -> list[dict[str, Any]]:
    """One ``{"query", "hits"}`` object per query, in order (query embeddings batched)."""
    if not queries:
        return []
    results = services.index.search_many(list(queries), limit=limit, filters=filters)
    return [
        {"query": query, "hits": [hit.to_dict() for hit in hits]}
        for query, hits in zip(queries, results, strict=True)
    ]


def search_payload(
    services: Services, query: str, *, limit: int = 10, filters: SearchFilters | None = None
) -> dict[str, Any]:
    return search_payloads(services, [query], limit=limit, filters=filters)[0]


def reindex(services: Services, progress: Callable[[int, int], None] | None = None) -> int:
    """Rebuild the index from the store (after changing the embedder, or to repair it)."""
    return services.pipeline.reindex(progress)
