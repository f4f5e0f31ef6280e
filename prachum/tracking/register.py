"""The recommendation/assignment register: every recommendation and every assigned piece of
work found in the minutes becomes a tracked record with an owner, a deadline, a status and a
history of every change (who, when, from → to, why, on what evidence).

The pipeline calls `sync_document` / `forget_document` inside its store transaction, so a
document and its register entries are written together. Everything else (`update`, the link
commands) runs its own transaction and is what the CLI and the API call.
"""

from __future__ import annotations

import builtins
import datetime as dt
from typing import Any

import sqlalchemy as sa

from prachum.errors import Conflict, InvalidInput, NotFound
from prachum.models import Embedder
from prachum.schema import items, recs
from prachum.store import Store, now_iso
from prachum.tracking import records as views
from prachum.tracking.linking import is_trackable
from prachum.tracking.statuses import check_transition
from prachum.tracking.sync import DocumentSync

__all__ = ["Register", "is_trackable"]


def _parse_due(value: str) -> str:
    try:
        return dt.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise InvalidInput(f"due date {value!r} is not an ISO date (yyyy-mm-dd)") from None


class Register(DocumentSync):
    def __init__(self, store: Store, embedder: Embedder) -> None:
        super().__init__()
        self.store = store
        self.embedder = embedder

    # -- reading -------------------------------------------------------------------------
    def list(
        self,
        *,
        status: str | None = None,
        agency: str | None = None,
        body: str | None = None,
        sdg: int | None = None,
        overdue: bool | None = None,
        kind: str | None = None,
        sort: str = "overdue",
        today: dt.date | None = None,
    ) -> list[dict[str, Any]]:
        with self.store.engine.connect() as conn:
            rows = views.load_records(conn, None, today or dt.date.today())
            agencies_of = {
                r.id: list(r.agencies or ()) for r in conn.execute(sa.select(recs.c.id, recs.c.agencies))
            }
        chosen = views.filter_records(
            rows,
            agencies_of,
            status=status,
            agency=agency,
            body=body,
            sdg=sdg,
            overdue=overdue,
            kind=kind,
            agency_forms=self._agency_forms(agency) if agency else None,
        )
        return views.sort_records(chosen, sort)

    def _agency_forms(self, agency: str) -> builtins.list[str]:
        """Other written forms of ``agency`` (มท. → กระทรวงมหาดไทย, Ministry of Interior)."""
        from prachum.nlp.gazetteer import load_gazetteer

        extra = self.store.settings.user_gazetteer
        return load_gazetteer(extra if extra.exists() else None).expand_query(agency)

    def get(self, rec_id: str, today: dt.date | None = None) -> dict[str, Any]:
        with self.store.engine.connect() as conn:
            found = views.load_records(conn, [rec_id], today or dt.date.today())
        if not found:
            raise NotFound(f"no register record with id {rec_id!r}")
        return found[0]

    def summary(self, by: str, today: dt.date | None = None, **filters: Any) -> builtins.list[dict[str, Any]]:
        """Counts by agency / body / SDG / status (overdue groups first)."""
        return views.group_counts(self.list(today=today, **filters), by)

    def status_of_items(self) -> dict[str, str]:
        """Register status of every extracted item that has a record (for search filters)."""
        with self.store.engine.connect() as conn:
            rows = conn.execute(sa.select(recs.c.item_id, recs.c.status).where(recs.c.item_id.is_not(None)))
            return {r.item_id: r.status for r in rows}

    # -- changing a record ---------------------------------------------------------------
    def update(
        self,
        rec_id: str,
        *,
        status: str | None = None,
        due: str | None = None,
        reason: str | None = None,
        note: str | None = None,
        evidence_item_id: str | None = None,
        priority: bool | None = None,
        actor: str,
        expected_version: int | None = None,
    ) -> dict[str, Any]:
        """Change a record; every change is one history entry. Raises InvalidInput for a
        forbidden transition or a deadline change without a reason, Conflict when
        ``expected_version`` is not the stored version."""
        with self.store.begin() as conn:
            # the row lock makes a concurrent update wait and then read this one's result
            # (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises writers)
            row = self._row(conn, rec_id, lock=True)
            if expected_version is not None and row.version != expected_version:
                raise Conflict(
                    f"record {rec_id!r} is at version {row.version}, not {expected_version}: reload and retry"
                )
            if (
                evidence_item_id is not None
                and conn.execute(sa.select(items.c.id).where(items.c.id == evidence_item_id)).first() is None
            ):
                raise NotFound(f"no item with id {evidence_item_id!r} (evidence)")
            why = note or reason
            changes: dict[str, Any] = {}
            entries: list[tuple[str, Any, Any, str | None]] = []
            if status is not None and status != row.status:
                check_transition(row.status, status, why)
                # what a person knows today outranks reports of meetings held before today
                changes.update(status=status, status_as_of=dt.date.today().isoformat())
                entries.append(("status", row.status, status, why))
            if due is not None:
                new_due = _parse_due(due) if due.strip() else None
                if new_due != row.due:
                    if not (reason and reason.strip()):
                        raise InvalidInput(f"changing the due date of {rec_id!r} needs a reason (--reason)")
                    changes["due"] = new_due
                    entries.append(("due", row.due, new_due, reason))
            if priority is not None and bool(priority) != bool(row.priority):
                changes["priority"] = bool(priority)
                entries.append(
                    ("priority", str(bool(row.priority)).lower(), str(bool(priority)).lower(), note)
                )
            if note and not any(e[0] in ("status", "priority") for e in entries):
                notes = f"{row.notes}\n{note}" if row.notes else note
                changes["notes"] = notes
                entries.append(("note", None, None, note))
            elif note:
                changes["notes"] = f"{row.notes}\n{note}" if row.notes else note
            if evidence_item_id and not entries:
                entries.append(("evidence", None, evidence_item_id, note))
            if not entries:
                raise InvalidInput(
                    f"nothing to change in record {rec_id!r} (give --status, --due, --note or --priority)"
                )
            now = now_iso()
            result = conn.execute(
                sa.update(recs)
                .where(recs.c.id == rec_id, recs.c.version == row.version)
                .values(**changes, version=row.version + 1, updated_at=now)
            )
            if result.rowcount != 1:
                raise Conflict(f"record {rec_id!r} changed while updating: reload and retry")
            for field, old, new, why_this in entries:
                self._history(conn, rec_id, actor, field, old, new, why_this, evidence_item_id, at=now)
            self.store.audit(conn, actor, "rec.update", rec_id, {f: str(n) for f, _o, n, _w in entries})
            # read inside the transaction: the answer shows this update's version, not a later writer's
            return views.load_records(conn, [rec_id], dt.date.today())[0]
