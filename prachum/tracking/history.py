"""The two primitives every part of the register writes through: read a record row, and
append a history entry (who, when, field, from → to, why, on what evidence)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from prachum.errors import NotFound
from prachum.schema import rec_history, recs
from prachum.store import now_iso


class RecordRows:
    store: Any

    def _row(self, conn: Connection, rec_id: str, *, lock: bool = False) -> Any:
        """The record's row; ``lock`` holds it (SELECT … FOR UPDATE) until the transaction ends."""
        query = sa.select(recs).where(recs.c.id == rec_id)
        row = conn.execute(query.with_for_update() if lock else query).first()
        if row is None:
            raise NotFound(f"no register record with id {rec_id!r}")
        return row

    def _history(
        self,
        conn: Connection,
        rec_id: str,
        actor: str,
        field: str,
        old: Any,
        new: Any,
        note: str | None,
        evidence_item_id: str | None = None,
        *,
        at: str | None = None,
    ) -> None:
        conn.execute(
            sa.insert(rec_history).values(
                rec_id=rec_id,
                at=at or now_iso(),
                actor=actor,
                field=field,
                old=None if old is None else str(old),
                new=None if new is None else str(new),
                note=note,
                evidence_item_id=evidence_item_id,
            )
        )
