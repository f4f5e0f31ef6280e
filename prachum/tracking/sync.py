"""Keeping the register in step with the stored documents: records for new trackable items,
carry-over when a document is revised, orphaning when it is deleted, and follow-up linking in
both time directions. A mixin of `Register` (which supplies ``store``, ``embedder``,
``_history`` and the link writers); the pipeline calls these inside its store transaction.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from prachum.models import Item, Minutes
from prachum.schema import documents, followups, rec_history, recs
from prachum.store import now_iso
from prachum.tracking.linking import (
    Evidence,
    Proposal,
    RecView,
    agency_key,
    evidence_of,
    is_trackable,
    item_agencies,
    item_owners,
    propose_links,
)
from prachum.tracking.links import LinkBook
from prachum.tracking.signals import same_agency, same_body
from prachum.tracking.statuses import ITEM_STATUS_TO_REC, OPEN

CARRY_OVER_RATIO = 0.6  # text similarity for "the same item" in a revised version of a document
# Memos of what linking reads from the store again for every new document (bounds: memory)
STORED_MEMO_DOCS = 2_000
VIEW_MEMO_ROWS = 50_000


@dataclass
class _Stored:
    """What linking derives from one stored document version."""

    agency_keys: tuple[str, ...]
    evidence: list[Evidence] | None = None  # read and analysed when first needed


def _json_set(stored: str | None) -> frozenset[str]:
    return frozenset((json.loads(stored) if stored else None) or ())


class DocumentSync(LinkBook):
    embedder: Any

    def __init__(self) -> None:
        # memos of what linking reads from the store again for every new document
        self._view_memo: dict[tuple[Any, ...], RecView] = {}
        self._stored_memo: dict[tuple[str, str, str], _Stored] = {}

    # -- called by the pipeline, inside its transaction ----------------------------------
    def sync_document(
        self, conn: Connection, minutes: Minutes, *, replaced_doc_id: str | None, actor: str
    ) -> None:
        """Create records for the document's trackable items, carry records of the version it
        replaces over to the matching new items, and link follow-ups in both time directions."""
        trackable = [item for item in minutes.items if is_trackable(item)]
        carried = self._carry_over(conn, minutes, trackable, replaced_doc_id, actor)
        created = self._create(conn, minutes, [item for item in trackable if item.id not in carried], actor)
        if replaced_doc_id:
            self._drop_links_from(conn, replaced_doc_id, actor, "เอกสารฉบับเดิมถูกแทนที่ด้วยฉบับใหม่")
        links = self._link_forward(conn, minutes, actor) + self._link_backward(conn, minutes, actor)
        self.store.audit(
            conn,
            actor,
            "register.sync",
            minutes.id,
            {
                "created": len(created),
                "carried": len(carried),
                "links": [f"{p.rec_id}<-{p.item_id}:{p.state}" for p in links],
            },
        )

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

    def _create(self, conn: Connection, minutes: Minutes, new: list[Item], actor: str) -> list[str]:
        """One record per item, written in one statement (a document brings dozens)."""
        wanted = [hashlib.sha1(f"rec:{item.id}".encode()).hexdigest()[:12] for item in new]
        used = (
            {r.id for r in conn.execute(sa.select(recs.c.id).where(recs.c.id.in_(wanted)))} if new else set()
        )
        now = now_iso()
        rows = []
        for rec_id, item in zip(wanted, new, strict=True):
            if rec_id in used:
                rec_id = uuid.uuid4().hex[:12]  # the same item text was tracked before and orphaned
            used.add(rec_id)
            rows.append(
                {
                    "id": rec_id,
                    **self._source_values(minutes, item),
                    "due": item.due,
                    "status": ITEM_STATUS_TO_REC.get(item.status or "", OPEN),
                    "priority": False,
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        if rows:
            conn.execute(sa.insert(recs), rows)
        for row, item in zip(rows, new, strict=True):
            note = f"สร้างจาก {minutes.document.file_name} ({item.kind})"
            self._history(conn, row["id"], actor, "created", None, row["status"], note, item.id, at=now)
        return [row["id"] for row in rows]

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
        """Views of the matching records. Every new document reads the whole register: only the
        columns linking needs are read, JSON as stored text, and a row read before (the same
        values) maps to the view built then instead of being decoded again."""
        columns = (
            recs.c.id,
            recs.c.text,
            sa.cast(recs.c.agencies, sa.Text),
            sa.cast(recs.c.owners, sa.Text),
            recs.c.body,
            recs.c.meeting_date,
            recs.c.doc_id,
        )
        memo = self._view_memo
        if len(memo) > VIEW_MEMO_ROWS:
            memo.clear()
        views = []
        for row in conn.execute(sa.select(*columns).where(where)):
            key = tuple(row)
            view = memo.get(key)
            if view is None:
                rec_id, text, agencies, owners, body, meeting_date, doc_id = key
                view = memo[key] = RecView(
                    rec_id, text, _json_set(agencies), _json_set(owners), body, meeting_date, doc_id
                )
            views.append(view)
        return views

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

    def _link_forward(self, conn: Connection, minutes: Minutes, actor: str) -> list[Proposal]:
        """This document's progress reports → records of earlier meetings."""
        if not minutes.meeting.date:
            return []  # without a date nothing can be placed after an earlier meeting
        reports = evidence_of(minutes)
        if not reports:
            return []
        earlier = self._rec_views(conn, recs.c.meeting_date < minutes.meeting.date)
        return self._write_proposals(conn, earlier, reports, {minutes.id: minutes.meeting.date}, actor)

    def _link_backward(self, conn: Connection, minutes: Minutes, actor: str) -> list[Proposal]:
        """Records of this document ← progress reports of LATER meetings already stored
        (documents arrive in any order)."""
        if not minutes.meeting.date:
            return []
        mine = self._rec_views(conn, sa.and_(recs.c.doc_id == minutes.id, recs.c.item_id.is_not(None)))
        if not mine:
            return []
        # Only documents that could report on these records are read in full: the same body,
        # or an agency in common (a register can hold years of unrelated minutes).
        keys = {key for view in mine for key in view.agencies}
        later = [
            (doc, stored)
            for doc, stored in self._later_documents(conn, minutes.meeting.date)
            if same_body(doc.body, minutes.meeting.body) > 0
            or any(same_agency(named, key) for named in stored.agency_keys for key in keys)
        ]
        _pairs, linked_items = self._taken(conn)
        reports: list[Evidence] = []
        for doc, stored in later:
            if stored.evidence is None:
                stored.evidence = evidence_of(self.store.get_minutes(doc.id, conn))
            reports += [e for e in stored.evidence if e.item_id not in linked_items]
        return self._write_proposals(conn, mine, reports, {d.id: d.meeting_date for d, _s in later}, actor)

    def _later_documents(self, conn: Connection, date: str) -> list[tuple[Any, _Stored]]:
        """Stored documents of meetings after ``date``, with what linking derives from them,
        remembered per stored version (id = content hash, stored at; a version never changes):
        every new document looks back at all later ones, and decoding their agency lists and
        re-analysing them each time made an ingest quadratic."""
        rows = conn.execute(
            sa.select(
                documents.c.id,
                documents.c.content_hash,
                documents.c.ingested_at,
                documents.c.meeting_date,
                documents.c.body,
                sa.cast(documents.c.agencies, sa.Text).label("agencies"),
            ).where(documents.c.meeting_date > date)
        ).all()
        memo = self._stored_memo
        if len(memo) > STORED_MEMO_DOCS:
            memo.clear()
        out = []
        for row in rows:
            version = (row.id, row.content_hash, row.ingested_at)
            stored = memo.get(version)
            if stored is None:
                named = (json.loads(row.agencies) if row.agencies else None) or ()
                stored = memo[version] = _Stored(tuple(agency_key(a["name"]) for a in named))
            out.append((row, stored))
        return out

    def _write_proposals(
        self,
        conn: Connection,
        candidates: list[RecView],
        reports: list[Evidence],
        dates: dict[str, str],
        actor: str,
    ) -> list[Proposal]:
        pairs, _linked = self._taken(conn)
        proposals = propose_links(self.embedder, candidates, reports, taken=pairs)
        for p in proposals:
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
        return proposals
