"""The recommendation/assignment register: every recommendation and every assigned piece of
work found in the minutes becomes a tracked record with an owner, a deadline, a status and a
history of every change (who, when, from → to, why, on what evidence).

The pipeline calls `sync_document` / `forget_document` inside its store transaction, so a
document and its register entries are written together. Everything else (`update`, the link
commands) runs its own transaction and is what the CLI and the API call.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from prachum.errors import Conflict, InvalidInput, NotFound
from prachum.models import Embedder, Item, Minutes
from prachum.schema import documents, followups, items, rec_history, recs
from prachum.store import Store, now_iso
from prachum.tracking import records as views
from prachum.tracking.linking import Evidence, RecView, evidence_of, item_agencies, item_owners, propose_links
from prachum.tracking.links import LinkBook
from prachum.tracking.statuses import ITEM_STATUS_TO_REC, OPEN, check_transition

CARRY_OVER_RATIO = 0.6  # text similarity for "the same item" in a revised version of a document


def is_trackable(item: Item) -> bool:
    """Recommendations, and actions/resolutions that give someone work to do."""
    return item.kind == "recommendation" or bool(item.to) or item.status == "planned"


def _parse_due(value: str) -> str:
    try:
        return dt.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise InvalidInput(f"due date {value!r} is not an ISO date (yyyy-mm-dd)") from None


class Register(LinkBook):
    def __init__(self, store: Store, embedder: Embedder) -> None:
        self.store = store
        self.embedder = embedder
        self._add_missing_columns()

    def _add_missing_columns(self) -> None:
        """Data dirs created before a register column existed get it added (SQLite's
        create_all never alters an existing table)."""
        present = {c["name"] for c in sa.inspect(self.store.engine).get_columns("recs")}
        missing = [c for c in recs.columns if c.name not in present]
        if not missing:
            return
        with self.store.begin() as conn:
            for column in missing:
                kind = column.type.compile(dialect=conn.dialect)
                default = getattr(column.server_default, "arg", None)
                clause = f" NOT NULL DEFAULT '{default}'" if isinstance(default, str) else ""
                conn.execute(sa.text(f'ALTER TABLE recs ADD COLUMN "{column.name}" {kind}{clause}'))

    # -- called by the pipeline, inside its transaction ----------------------------------
    def sync_document(
        self, conn: Connection, minutes: Minutes, *, replaced_doc_id: str | None, actor: str
    ) -> None:
        """Create records for the document's trackable items, carry records of the version it
        replaces over to the matching new items, and link follow-ups in both time directions."""
        trackable = [item for item in minutes.items if is_trackable(item)]
        carried = self._carry_over(conn, minutes, trackable, replaced_doc_id, actor)
        for item in trackable:
            if item.id not in carried:
                self._create(conn, minutes, item, actor)
        if replaced_doc_id:
            self._drop_links_from(conn, replaced_doc_id, actor, "เอกสารฉบับเดิมถูกแทนที่ด้วยฉบับใหม่")
        self._link_forward(conn, minutes, actor)
        self._link_backward(conn, minutes, actor)

    def forget_document(self, conn: Connection, doc_id: str, actor: str) -> None:
        """The document is being deleted: its records stay (orphaned), links from its items go."""
        now = now_iso()
        for row in conn.execute(
            sa.select(recs.c.id).where(recs.c.doc_id == doc_id, recs.c.item_id.is_not(None))
        ):
            self._history(
                conn, row.id, actor, "source", doc_id, None, "เอกสารต้นทางถูกลบ บันทึกนี้ยังคงอยู่ (orphaned)", at=now
            )
            conn.execute(
                sa.update(recs)
                .where(recs.c.id == row.id)
                .values(item_id=None, version=recs.c.version + 1, updated_at=now)
            )
        self._drop_links_from(conn, doc_id, actor, "เอกสารที่เป็นหลักฐานถูกลบ")

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

    def _agency_forms(self, agency: str) -> list[str]:
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

    def summary(self, by: str, today: dt.date | None = None, **filters: Any) -> list[dict[str, Any]]:
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
            row = self._row(conn, rec_id)
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
                changes.update(status=status, status_as_of=None)
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
        return self.get(rec_id)

    # -- internals -----------------------------------------------------------------------
    def _row(self, conn: Connection, rec_id: str) -> Any:
        row = conn.execute(sa.select(recs).where(recs.c.id == rec_id)).first()
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

    def _source_values(self, minutes: Minutes, item: Item) -> dict[str, Any]:
        return {
            "item_id": item.id,
            "doc_id": minutes.id,
            "file_name": minutes.document.file_name,
            "kind": item.kind,
            "text": item.text,
            "start": item.span[0],
            "end": item.span[1],
            "by": list(item.by),
            "to": list(item.to),
            "sdg": [tag.to_dict() for tag in item.sdg],
            "body": minutes.meeting.body,
            "meeting_date": minutes.meeting.date,
            "agencies": sorted(item_agencies(minutes, item)),
            "owners": sorted(item_owners(minutes, item)),
        }

    def _create(self, conn: Connection, minutes: Minutes, item: Item, actor: str) -> str:
        rec_id = hashlib.sha1(f"rec:{item.id}".encode()).hexdigest()[:12]
        if conn.execute(sa.select(recs.c.id).where(recs.c.id == rec_id)).first():
            rec_id = uuid.uuid4().hex[:12]  # the same item text was tracked before and orphaned
        status = ITEM_STATUS_TO_REC.get(item.status or "", OPEN)
        now = now_iso()
        conn.execute(
            sa.insert(recs).values(
                id=rec_id,
                **self._source_values(minutes, item),
                due=item.due,
                status=status,
                priority=False,
                version=1,
                created_at=now,
                updated_at=now,
            )
        )
        note = f"สร้างจาก {minutes.document.file_name} ({item.kind})"
        self._history(conn, rec_id, actor, "created", None, status, note, item.id, at=now)
        return rec_id

    def _carry_over(
        self, conn: Connection, minutes: Minutes, trackable: list[Item], replaced: str | None, actor: str
    ) -> set[str]:
        """Move records of the replaced version (or orphans of this same document) onto the new
        items they match by text; unmatched ones stay, orphaned. Returns the item ids taken."""
        sources = [minutes.id] + ([replaced] if replaced else [])
        old = conn.execute(sa.select(recs).where(recs.c.doc_id.in_(sources))).all()
        old = [r for r in old if r.doc_id == replaced or r.item_id is None]
        pairs = []
        for rec in old:
            for item in trackable:
                ratio = difflib.SequenceMatcher(None, rec.text, item.text, autojunk=False).ratio()
                if ratio >= CARRY_OVER_RATIO:
                    pairs.append((ratio, rec, item))
        pairs.sort(key=lambda p: -p[0])
        taken_recs: set[str] = set()
        taken_items: set[str] = set()
        now = now_iso()
        for _ratio, rec, item in pairs:
            if rec.id in taken_recs or item.id in taken_items:
                continue
            taken_recs.add(rec.id)
            taken_items.add(item.id)
            values = self._source_values(minutes, item)
            manual_due = conn.execute(
                sa.select(rec_history.c.id).where(
                    rec_history.c.rec_id == rec.id, rec_history.c.field == "due"
                )
            ).first()
            if item.due != rec.due and item.due and not manual_due:
                values["due"] = item.due
                self._history(
                    conn,
                    rec.id,
                    actor,
                    "due",
                    rec.due,
                    item.due,
                    "กำหนดเวลาในเอกสารฉบับปรับปรุง",
                    item.id,
                    at=now,
                )
            conn.execute(
                sa.update(recs)
                .where(recs.c.id == rec.id)
                .values(**values, version=rec.version + 1, updated_at=now)
            )
            self._history(
                conn,
                rec.id,
                actor,
                "source",
                f"{rec.doc_id}:{rec.start}-{rec.end}",
                f"{minutes.id}:{item.span[0]}-{item.span[1]}",
                "ย้ายไปยังเอกสารฉบับปรับปรุง (ประวัติและสถานะคงเดิม)",
                item.id,
                at=now,
            )
        for rec in old:
            if rec.id not in taken_recs and rec.item_id is not None:
                self._history(
                    conn,
                    rec.id,
                    actor,
                    "source",
                    rec.doc_id,
                    None,
                    "ไม่พบข้อความนี้ในเอกสารฉบับปรับปรุง บันทึกนี้ยังคงอยู่ (orphaned)",
                    at=now,
                )
                conn.execute(
                    sa.update(recs)
                    .where(recs.c.id == rec.id)
                    .values(item_id=None, version=rec.version + 1, updated_at=now)
                )
        return taken_items

    def _rec_views(self, conn: Connection, where: Any) -> list[RecView]:
        rows = conn.execute(sa.select(recs).where(where)).all()
        return [
            RecView(
                r.id,
                r.text,
                frozenset(r.agencies or ()),
                frozenset(r.owners or ()),
                r.body,
                r.meeting_date,
                r.doc_id,
            )
            for r in rows
        ]

    def _taken(self, conn: Connection) -> tuple[set[tuple[str, str]], set[str]]:
        pairs = {
            (f.rec_id, f.item_id)
            for f in conn.execute(sa.select(followups.c.rec_id, followups.c.item_id, followups.c.state))
        }
        linked_items = {
            f.item_id
            for f in conn.execute(sa.select(followups.c.item_id).where(followups.c.state != "rejected"))
        }
        return pairs, linked_items

    def _link_forward(self, conn: Connection, minutes: Minutes, actor: str) -> None:
        """This document's progress reports → records of earlier meetings."""
        if not minutes.meeting.date:
            return  # without a date nothing can be placed after an earlier meeting
        reports = evidence_of(minutes)
        if not reports:
            return
        earlier = self._rec_views(conn, recs.c.meeting_date < minutes.meeting.date)
        self._write_proposals(conn, earlier, reports, {minutes.id: minutes.meeting.date}, actor)

    def _link_backward(self, conn: Connection, minutes: Minutes, actor: str) -> None:
        """Records of this document ← progress reports of LATER meetings already stored
        (documents arrive in any order)."""
        if not minutes.meeting.date:
            return
        mine = self._rec_views(conn, sa.and_(recs.c.doc_id == minutes.id, recs.c.item_id.is_not(None)))
        if not mine:
            return
        later = conn.execute(
            sa.select(documents.c.id, documents.c.meeting_date).where(
                documents.c.meeting_date > minutes.meeting.date
            )
        ).all()
        _pairs, linked_items = self._taken(conn)
        reports: list[Evidence] = []
        for doc in later:
            reports += [
                e for e in evidence_of(self.store.get_minutes(doc.id, conn)) if e.item_id not in linked_items
            ]
        self._write_proposals(conn, mine, reports, {d.id: d.meeting_date for d in later}, actor)

    def _write_proposals(
        self,
        conn: Connection,
        candidates: list[RecView],
        reports: list[Evidence],
        dates: dict[str, str],
        actor: str,
    ) -> None:
        pairs, _linked = self._taken(conn)
        for p in propose_links(self.embedder, candidates, reports, taken=pairs):
            self._insert_link(
                conn,
                p.rec_id,
                p.item_id,
                p.doc_id,
                p.proposed_status,
                p.confidence,
                p.state,
                f"{p.reason}; signals {p.signals}",
                actor,
            )
            if p.state == "auto":
                self._apply_evidence(
                    conn,
                    p.rec_id,
                    p.item_id,
                    p.proposed_status,
                    dates.get(p.doc_id),
                    f"อัตโนมัติจากรายงานติดตามผล: {p.reason} (ความเชื่อมั่น {p.confidence:.2f})",
                    f"auto ({actor})",
                )
