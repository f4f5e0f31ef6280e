"""Reading the register: rows → the cli.md record shape, filters, sort orders and group views.

Kept apart from `register.py` (which writes) so that the read side stays simple: one query
per table, joined in Python, since a register holds thousands of records, not millions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from prachum.errors import InvalidInput, choices
from prachum.schema import documents, followups, items, rec_history, recs
from prachum.tracking.linking import agency_key
from prachum.tracking.statuses import CLOSED, check_status

SORTS = ("overdue", "due", "date", "status", "priority")
GROUPS = ("agency", "body", "sdg", "status")
NO_VALUE = "(ไม่ระบุ)"


def is_overdue(rec: dict[str, Any], today: dt.date) -> bool:
    """Due date passed and not closed."""
    return bool(rec.get("due")) and rec["status"] not in CLOSED and rec["due"] < today.isoformat()


def sdg_goals(sdg: Iterable[Any]) -> list[int]:
    return sorted({int(tag["goal"]) if isinstance(tag, dict) else int(tag) for tag in sdg or ()})


def load_records(conn: Connection, rec_ids: list[str] | None, today: dt.date) -> list[dict[str, Any]]:
    """Records (all, or those in ``rec_ids``) with their history and follow-ups, cli.md shape."""
    query = sa.select(recs)
    if rec_ids is not None:
        query = query.where(recs.c.id.in_(rec_ids))
    rows = [dict(r) for r in conn.execute(query).mappings()]
    ids = [r["id"] for r in rows]
    history: dict[str, list[dict[str, Any]]] = {i: [] for i in ids}
    links: dict[str, list[dict[str, Any]]] = {i: [] for i in ids}
    if ids:
        for h in conn.execute(
            sa.select(rec_history).where(rec_history.c.rec_id.in_(ids)).order_by(rec_history.c.id)
        ).mappings():
            history[h["rec_id"]].append(
                {
                    "at": h["at"],
                    "actor": h["actor"],
                    "field": h["field"],
                    "from": h["old"],
                    "to": h["new"],
                    "note": h["note"],
                    "evidence_item_id": h["evidence_item_id"],
                }
            )
        query = (
            sa.select(
                followups,
                items.c.text.label("item_text"),
                items.c.start,
                items.c.end,
                documents.c.file_name,
                documents.c.meeting_date.label("item_meeting_date"),
            )
            .select_from(
                followups.outerjoin(items, items.c.id == followups.c.item_id).outerjoin(
                    documents, documents.c.id == followups.c.doc_id
                )
            )
            .where(followups.c.rec_id.in_(ids))
            .order_by(documents.c.meeting_date, followups.c.id)
        )
        for f in conn.execute(query).mappings():
            links[f["rec_id"]].append(
                {
                    "item_id": f["item_id"],
                    "doc": f["file_name"],
                    "doc_id": f["doc_id"],
                    "meeting_date": f["item_meeting_date"],
                    "span": [f["start"], f["end"]] if f["start"] is not None else None,
                    "text": f["item_text"],
                    "proposed_status": f["proposed_status"],
                    "confidence": f["confidence"],
                    "state": f["state"],
                    "reason": f["reason"],
                }
            )
    return [_shape(row, history[row["id"]], links[row["id"]], today) for row in rows]


def _shape(
    row: dict[str, Any], history: list[dict[str, Any]], links: list[dict[str, Any]], today: dt.date
) -> dict[str, Any]:
    record = {
        "id": row["id"],
        "kind": row["kind"],
        "text": row["text"],
        "doc": row["file_name"],
        "doc_id": row["doc_id"],
        "item_id": row["item_id"],
        "span": [row["start"], row["end"]] if row["start"] is not None else None,
        "by": list(row["by"]),
        "to": list(row["to"]),
        "due": row["due"],
        "status": row["status"],
        "priority": bool(row["priority"]),
        "sdg": sdg_goals(row["sdg"]),
        "body": row["body"],
        "meeting_date": row["meeting_date"],
        "notes": row["notes"],
        "version": row["version"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "orphaned": row["item_id"] is None,
        "due_revisions": [
            {"at": h["at"], "actor": h["actor"], "from": h["from"], "to": h["to"], "reason": h["note"]}
            for h in history
            if h["field"] == "due"
        ],
        "history": history,
        "followups": links,
    }
    record["overdue"] = is_overdue(record, today)
    return record


def _matches_agency(record: dict[str, Any], forms: list[str], extra: Iterable[str]) -> bool:
    names = [agency_key(name) for name in (*record["by"], *record["to"], *extra) if name]
    return any(agency_key(form) in name for form in forms if agency_key(form) for name in names)


def filter_records(
    records: list[dict[str, Any]],
    agencies_of: dict[str, list[str]],
    *,
    status: str | None = None,
    agency: str | None = None,
    body: str | None = None,
    sdg: int | None = None,
    overdue: bool | None = None,
    kind: str | None = None,
    agency_forms: list[str] | None = None,
) -> list[dict[str, Any]]:
    """``status`` may list several values separated by commas; ``agency``/``body`` match a part
    of the name; ``agency_forms`` are other names of the same agency (from the gazetteer)."""
    wanted_status = None
    if status:
        wanted_status = {check_status(s.strip()) for s in status.split(",") if s.strip()}
    if kind and kind not in ("action", "recommendation", "resolution"):
        raise InvalidInput(f"kind: {choices(kind, ('action', 'recommendation', 'resolution'))}")
    out = []
    for r in records:
        if wanted_status and r["status"] not in wanted_status:
            continue
        if kind and r["kind"] != kind:
            continue
        if agency and not _matches_agency(r, [agency, *(agency_forms or ())], agencies_of.get(r["id"], ())):
            continue
        if body and body.replace(" ", "") not in (r["body"] or "").replace(" ", ""):
            continue
        if sdg is not None and sdg not in r["sdg"]:
            continue
        if overdue is not None and r["overdue"] != overdue:
            continue
        out.append(r)
    return out


def sort_records(records: list[dict[str, Any]], sort: str = "overdue") -> list[dict[str, Any]]:
    if sort not in SORTS:
        raise InvalidInput(f"sort: {choices(sort, SORTS)}")
    far = "9999-12-31"

    def by_due(r: dict[str, Any]) -> tuple[str, str]:
        return (r["due"] or far, r["id"])

    keys = {
        "overdue": lambda r: (not r["overdue"], r["status"] in CLOSED, not r["priority"], *by_due(r)),
        "due": by_due,
        "date": lambda r: (-(int((r["meeting_date"] or "0000-00-00").replace("-", ""))), r["id"]),
        "status": lambda r: (r["status"], *by_due(r)),
        "priority": lambda r: (not r["priority"], not r["overdue"], *by_due(r)),
    }
    return sorted(records, key=keys[sort])


def group_counts(records: list[dict[str, Any]], by: str) -> list[dict[str, Any]]:
    """Counts per agency / body / SDG goal / status: total, open, in progress, closed, overdue."""
    if by not in GROUPS:
        raise InvalidInput(f"group by: {choices(by, GROUPS)}")
    groups: dict[str, dict[str, Any]] = {}
    for r in records:
        if by == "agency":
            keys = r["to"] or [NO_VALUE]
        elif by == "sdg":
            keys = [str(g) for g in r["sdg"]] or [NO_VALUE]
        else:
            keys = [r[by] or NO_VALUE]
        for key in dict.fromkeys(keys):
            g = groups.setdefault(
                key, {by: key, "total": 0, "open": 0, "in_progress": 0, "closed": 0, "overdue": 0}
            )
            g["total"] += 1
            g["overdue"] += r["overdue"]
            if r["status"] in CLOSED:
                g["closed"] += 1
            else:
                g[r["status"]] += 1
    return sorted(groups.values(), key=lambda g: (-g["overdue"], -g["total"], str(g[by])))
