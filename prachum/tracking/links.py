"""Follow-up links of the register: writing them, and the manual commands on them (link,
confirm, reject, unlink). A mixin of `Register`, which supplies ``store``, ``get``, ``_row``
and ``_history``.

States: ``auto`` (linked by prachum, status applied), ``suggested`` (waits for a person),
``confirmed`` (a person agreed or linked by hand) and ``rejected`` (kept, so the same wrong
link is not proposed again).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from prachum.errors import Conflict, InvalidInput, NotFound, choices
from prachum.schema import documents, followups, items, rec_history, recs
from prachum.store import now_iso
from prachum.tracking.history import RecordRows
from prachum.tracking.statuses import can_move, proposed_status

MANUAL_STATES = ("confirmed", "suggested")


class LinkBook(RecordRows):
    """Link commands; ``get`` comes from the `Register` it is mixed into."""

    if TYPE_CHECKING:  # supplied by `Register`

        def get(self, rec_id: str, today: dt.date | None = None) -> dict[str, Any]: ...

    # -- writing --------------------------------------------------------------------------
    def _bump(self, conn: Connection, rec_id: str, **values: Any) -> None:
        conn.execute(
            sa.update(recs)
            .where(recs.c.id == rec_id)
            .values(**values, version=recs.c.version + 1, updated_at=now_iso())
        )

    def _insert_link(
        self,
        conn: Connection,
        rec_id: str,
        item_id: str,
        doc_id: str | None,
        proposed: str | None,
        confidence: float,
        state: str,
        reason: str,
        actor: str,
    ) -> None:
        conn.execute(
            sa.insert(followups).values(
                rec_id=rec_id,
                item_id=item_id,
                doc_id=doc_id,
                proposed_status=proposed,
                confidence=confidence,
                state=state,
                reason=reason,
                created_at=now_iso(),
                actor=actor,
            )
        )
        self._history(
            conn,
            rec_id,
            actor,
            "link",
            None,
            state,
            f"หลักฐานติดตามผล: เสนอสถานะ {proposed or '-'} (ความเชื่อมั่น {confidence:.2f})",
            item_id,
        )
        self._bump(conn, rec_id)

    def _apply_evidence(
        self,
        conn: Connection,
        rec_id: str,
        item_id: str,
        proposed: str | None,
        evidence_date: str | None,
        note: str,
        actor: str,
        *,
        by_person: bool = False,
    ) -> bool:
        """Set the status a report implies, unless a person must decide (closed record) or
        newer knowledge (a later report, or a person's change since) already set it. A person
        confirming the evidence overrides the date order."""
        row = self._row(conn, rec_id)
        if proposed is None or not can_move(row.status, proposed):
            return False
        if not by_person and evidence_date and row.status_as_of and evidence_date < row.status_as_of:
            return False
        self._history(conn, rec_id, actor, "status", row.status, proposed, note, item_id)
        self._bump(conn, rec_id, status=proposed, status_as_of=evidence_date)
        return True

    def _status_set_by(self, conn: Connection, rec_id: str, item_id: str) -> Any:
        """The status history entry this evidence wrote, if it is still the latest status change."""
        last = conn.execute(
            sa.select(rec_history)
            .where(rec_history.c.rec_id == rec_id, rec_history.c.field == "status")
            .order_by(rec_history.c.id.desc())
            .limit(1)
        ).first()
        return last if last is not None and last.evidence_item_id == item_id else None

    def _revert_status(self, conn: Connection, rec_id: str, item_id: str, actor: str, why: str) -> None:
        entry = self._status_set_by(conn, rec_id, item_id)
        row = self._row(conn, rec_id)
        if entry is not None and row.status == entry.new and entry.old:
            self._history(conn, rec_id, actor, "status", row.status, entry.old, f"ย้อนสถานะ: {why}", item_id)
            self._bump(conn, rec_id, status=entry.old, status_as_of=None)

    def _drop_links_from(self, conn: Connection, doc_id: str, actor: str, why: str) -> None:
        """Remove the links whose evidence sits in ``doc_id`` (deleted or replaced); statuses
        they set are kept but noted, so a person can review them."""
        for link in conn.execute(sa.select(followups).where(followups.c.doc_id == doc_id)).all():
            note = why
            entry = self._status_set_by(conn, link.rec_id, link.item_id)
            if entry is not None:
                note += f"; สถานะ {entry.new} ที่ตั้งจากหลักฐานนี้ยังคงไว้ โปรดตรวจสอบ"
            self._history(conn, link.rec_id, actor, "link", link.state, "removed", note, link.item_id)
            self._bump(conn, link.rec_id)
        conn.execute(sa.delete(followups).where(followups.c.doc_id == doc_id))

    def _link_row(self, conn: Connection, rec_id: str, item_id: str) -> Any:
        self._row(conn, rec_id)
        link = conn.execute(
            sa.select(followups).where(followups.c.rec_id == rec_id, followups.c.item_id == item_id)
        ).first()
        if link is None:
            raise NotFound(f"record {rec_id!r} has no follow-up link to item {item_id!r}")
        return link

    # -- the manual commands ----------------------------------------------------------------
    def link(self, rec_id: str, item_id: str, actor: str, state: str = "confirmed") -> dict[str, Any]:
        """Link a later item to a record by hand; a confirmed link applies the status it implies."""
        if state not in MANUAL_STATES:
            raise InvalidInput(f"link state: {choices(state, MANUAL_STATES)}")
        with self.store.begin() as conn:
            self.store.serialise_writers(conn)
            rec = self._row(conn, rec_id)
            item = conn.execute(
                sa.select(items.c.id, items.c.doc_id, items.c.text, items.c.status, documents.c.meeting_date)
                .select_from(items.join(documents, documents.c.id == items.c.doc_id))
                .where(items.c.id == item_id)
            ).first()
            if item is None:
                raise NotFound(f"no item with id {item_id!r}")
            if item.doc_id == rec.doc_id:
                raise InvalidInput(
                    f"item {item_id!r} is in the record's own document; a follow-up comes from a later one"
                )
            if rec.meeting_date and item.meeting_date and item.meeting_date <= rec.meeting_date:
                raise InvalidInput(
                    f"item {item_id!r} is from a meeting on {item.meeting_date}, not after the record's ({rec.meeting_date})"
                )
            existing = conn.execute(
                sa.select(followups).where(followups.c.rec_id == rec_id, followups.c.item_id == item_id)
            ).first()
            proposed, reason = proposed_status(item.text, item.status)
            if existing is not None and existing.state != "rejected":
                raise Conflict(f"record {rec_id!r} is already linked to item {item_id!r} ({existing.state})")
            if existing is not None:
                conn.execute(sa.delete(followups).where(followups.c.id == existing.id))
            self._insert_link(
                conn, rec_id, item_id, item.doc_id, proposed, 1.0, state, f"เชื่อมโยงโดยผู้ใช้; {reason}", actor
            )
            if state == "confirmed":
                self._apply_evidence(
                    conn,
                    rec_id,
                    item_id,
                    proposed,
                    item.meeting_date,
                    f"ยืนยันหลักฐานโดยผู้ใช้: {reason}",
                    actor,
                    by_person=True,
                )
            self.store.audit(conn, actor, "rec.link", rec_id, {"item": item_id, "state": state})
        return self.get(rec_id)

    def confirm_link(self, rec_id: str, item_id: str, actor: str) -> dict[str, Any]:
        with self.store.begin() as conn:
            self.store.serialise_writers(conn)
            link = self._link_row(conn, rec_id, item_id)
            if link.state == "confirmed":
                raise Conflict(f"the link {rec_id!r} → {item_id!r} is already confirmed")
            conn.execute(
                sa.update(followups).where(followups.c.id == link.id).values(state="confirmed", actor=actor)
            )
            self._history(conn, rec_id, actor, "link", link.state, "confirmed", "ผู้ใช้ยืนยันหลักฐาน", item_id)
            self._bump(conn, rec_id)
            # also for an automatic link whose status was held back by a person's newer change
            date = conn.execute(
                sa.select(documents.c.meeting_date).where(documents.c.id == link.doc_id)
            ).scalar()
            self._apply_evidence(
                conn,
                rec_id,
                item_id,
                link.proposed_status,
                date,
                f"ยืนยันหลักฐานโดยผู้ใช้: {link.reason or ''}".strip(),
                actor,
                by_person=True,
            )
            self.store.audit(conn, actor, "rec.link.confirm", rec_id, {"item": item_id})
        return self.get(rec_id)

    def reject_link(self, rec_id: str, item_id: str, actor: str) -> dict[str, Any]:
        """Mark a link wrong (kept, so it is not proposed again); a status it set is undone."""
        with self.store.begin() as conn:
            self.store.serialise_writers(conn)
            link = self._link_row(conn, rec_id, item_id)
            if link.state == "rejected":
                raise Conflict(f"the link {rec_id!r} → {item_id!r} is already rejected")
            conn.execute(
                sa.update(followups).where(followups.c.id == link.id).values(state="rejected", actor=actor)
            )
            self._history(conn, rec_id, actor, "link", link.state, "rejected", "ผู้ใช้ปฏิเสธหลักฐาน", item_id)
            self._bump(conn, rec_id)
            self._revert_status(conn, rec_id, item_id, actor, "หลักฐานถูกปฏิเสธ")
            self.store.audit(conn, actor, "rec.link.reject", rec_id, {"item": item_id})
        return self.get(rec_id)

    def unlink(self, rec_id: str, item_id: str, actor: str) -> dict[str, Any]:
        """Remove a link entirely (it may be proposed again later); a status it set is undone."""
        with self.store.begin() as conn:
            self.store.serialise_writers(conn)
            link = self._link_row(conn, rec_id, item_id)
            conn.execute(sa.delete(followups).where(followups.c.id == link.id))
            self._history(conn, rec_id, actor, "link", link.state, "removed", "ผู้ใช้ยกเลิกการเชื่อมโยง", item_id)
            self._bump(conn, rec_id)
            self._revert_status(conn, rec_id, item_id, actor, "ยกเลิกการเชื่อมโยงหลักฐาน")
            self.store.audit(conn, actor, "rec.unlink", rec_id, {"item": item_id})
        return self.get(rec_id)
