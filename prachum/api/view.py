"""Pure helpers the HTML pages use: the document text cut into highlightable pieces, Thai
dates, and the link from an extracted item to its register record."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from prachum.nlp.dates import BE_OFFSET, THAI_MONTHS, THAI_MONTHS_SHORT


def thai_date(iso: str | None, short: bool = False) -> str:
    """'2024-03-15' → '15 มีนาคม 2567' (Buddhist Era), as Thai official documents write dates."""
    if not iso:
        return "-"
    try:
        day = date.fromisoformat(str(iso)[:10])
    except ValueError:
        return str(iso)
    months = THAI_MONTHS_SHORT if short else THAI_MONTHS
    return f"{day.day} {months[day.month - 1]} {day.year + BE_OFFSET}"


@dataclass(frozen=True)
class Piece:
    """A run of the document text with one combination of marks."""

    text: str
    start: int
    item_id: str | None = None
    kind: str | None = None
    item_start: bool = False  # the first piece of its item (gets the anchor)
    passage: bool = False
    passage_start: bool = False
    boilerplate: bool = False


def text_pieces(
    text: str,
    items: Sequence[Mapping[str, Any]],
    *,
    passage: tuple[int, int] | None = None,
    boilerplate: Iterable[Sequence[int]] = (),
) -> list[Piece]:
    """Cut ``text`` at every span edge so each piece carries at most one item, and whether it
    lies in the searched passage or in boilerplate. Overlapping items keep the earlier one."""
    n = len(text)

    def clip(span: Sequence[int]) -> tuple[int, int] | None:
        s, e = max(0, int(span[0])), min(n, int(span[1]))
        return (s, e) if s < e else None

    item_spans = []
    for item in items:
        span = clip(item.get("span") or (0, 0))
        if span:
            item_spans.append((span, item))
    item_spans.sort(key=lambda si: si[0])
    boiler = [b for b in (clip(s) for s in boilerplate) if b]
    passage = clip(passage) if passage else None
    cuts = {0, n}
    for (s, e), _ in item_spans:
        cuts.update((s, e))
    for s, e in boiler:
        cuts.update((s, e))
    if passage:
        cuts.update(passage)
    edges = sorted(cuts)

    pieces: list[Piece] = []
    seen_items: set[str] = set()
    passage_started = False
    cursor = 0  # index into item_spans of the first item that may still cover
    for start, end in zip(edges, edges[1:], strict=False):
        while cursor < len(item_spans) and item_spans[cursor][0][1] <= start:
            cursor += 1
        owner = next(
            (item for (s, e), item in item_spans[cursor:] if s <= start and end <= e),
            None,
        )
        item_id = str(owner["id"]) if owner else None
        in_passage = bool(passage and passage[0] <= start and end <= passage[1])
        pieces.append(
            Piece(
                text=text[start:end],
                start=start,
                item_id=item_id,
                kind=owner.get("kind") if owner else None,
                item_start=bool(item_id and item_id not in seen_items),
                passage=in_passage,
                passage_start=in_passage and not passage_started,
                boilerplate=any(s <= start and end <= e for s, e in boiler),
            )
        )
        if item_id:
            seen_items.add(item_id)
        passage_started = passage_started or in_passage
    return pieces


def parse_span(value: str | None, length: int) -> tuple[int, int] | None:
    """'120-340' (from a search hit link) → (120, 340) when it fits the text; else None."""
    if not value:
        return None
    head, _, tail = value.partition("-")
    if not (head.isdigit() and tail.isdigit()):
        return None
    start, end = int(head), int(tail)
    return (start, end) if 0 <= start < end <= length else None


def records_by_item(records: Iterable[Mapping[str, Any]], doc_id: str, file_name: str) -> dict[str, str]:
    """item id → register record id for one document's records (matched by item id, or by span
    when a record does not carry its item id)."""
    out: dict[str, str] = {}
    for row in records:
        mine = row.get("doc_id") == doc_id if row.get("doc_id") else row.get("doc") == file_name
        if not mine:
            continue
        for key in (row.get("item_id"), _span_key(row.get("span"))):
            if key:
                out.setdefault(str(key), str(row["id"]))
    return out


def item_record_links(items: Sequence[Mapping[str, Any]], by_key: Mapping[str, str]) -> dict[str, str]:
    """item id → record id, trying the item id, then the item's span."""
    links = {}
    for item in items:
        rec = by_key.get(str(item["id"])) or by_key.get(_span_key(item.get("span")) or "")
        if rec:
            links[str(item["id"])] = rec
    return links


def _span_key(span: Any) -> str | None:
    if isinstance(span, list | tuple) and len(span) == 2:
        return f"span:{span[0]}-{span[1]}"
    return None


def is_overdue(record: Mapping[str, Any], today: date | None = None) -> bool:
    """The register's own flag when present; otherwise due date passed and not closed."""
    if "overdue" in record:
        return bool(record["overdue"])
    due = record.get("due")
    closed = record.get("status") in {
        "implemented",
        "partially_implemented",
        "not_implemented",
        "rejected",
        "superseded",
    }
    return bool(due) and not closed and str(due) < (today or date.today()).isoformat()
