"""All tables, in one place: the current shape of the schema (SQLAlchemy Core).

The database gets there through the Alembic revisions in `prachum.migrations` (run by
`Store` on open); `SCHEMA_VERSION` is the head revision's number, also kept in ``meta``."""
from __future__ import annotations

import sqlalchemy as sa

SCHEMA_VERSION = 2
METADATA = sa.MetaData()

documents = sa.Table(
    "documents",
    METADATA,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("source_key", sa.Text, nullable=False, unique=True),
    sa.Column("file_name", sa.Text, nullable=False),
    sa.Column("source_path", sa.Text),
    sa.Column("format", sa.String(16), nullable=False),
    sa.Column("content_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("encoding", sa.String(32)),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("pages", sa.JSON, nullable=False),
    sa.Column("boilerplate", sa.JSON, nullable=False),
    sa.Column("warnings", sa.JSON, nullable=False),
    sa.Column("meta", sa.JSON, nullable=False),
    sa.Column("meeting", sa.JSON, nullable=False),
    sa.Column("title", sa.Text),
    sa.Column("body", sa.Text),
    sa.Column("meeting_date", sa.String(10), index=True),
    sa.Column("sdg", sa.JSON, nullable=False),
    sa.Column("agencies", sa.JSON, nullable=False),
    sa.Column("n_items", sa.Integer, nullable=False),
    sa.Column("ingested_at", sa.String(32), nullable=False),
    sa.Column("index_state", sa.String(16), nullable=False, server_default="pending"),
)

items = sa.Table(
    "items",
    METADATA,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("doc_id", sa.String(32), sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False, index=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("start", sa.Integer, nullable=False),
    sa.Column("end", sa.Integer, nullable=False),
    sa.Column("by", sa.JSON, nullable=False),
    sa.Column("to", sa.JSON, nullable=False),
    sa.Column("due", sa.String(10)),
    sa.Column("status", sa.String(16)),
    sa.Column("sdg", sa.JSON, nullable=False),
    sa.Column("section", sa.Text),
)

audit = sa.Table(
    "audit",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.String(32), nullable=False),
    sa.Column("actor", sa.Text, nullable=False),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("target", sa.Text),
    sa.Column("detail", sa.JSON, nullable=False),
)

meta = sa.Table(
    "meta",
    METADATA,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)


# -- the recommendation/assignment register (prachum.tracking) ------------------------------
recs = sa.Table(
    "recs",
    METADATA,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("item_id", sa.String(32), index=True),  # the extracted item it came from (None once orphaned)
    sa.Column("doc_id", sa.String(32), index=True),
    sa.Column("file_name", sa.Text),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("start", sa.Integer),
    sa.Column("end", sa.Integer),
    sa.Column("by", sa.JSON, nullable=False),
    sa.Column("to", sa.JSON, nullable=False),
    sa.Column("due", sa.String(10)),
    sa.Column("sdg", sa.JSON, nullable=False),
    sa.Column("body", sa.Text),
    sa.Column("meeting_date", sa.String(10), index=True),
    sa.Column("status", sa.String(32), nullable=False, index=True),
    sa.Column("priority", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("notes", sa.Text),
    # agencies named by/to/next to the item (folded keys), for follow-up linking
    sa.Column("agencies", sa.JSON, nullable=False, server_default="[]"),
    sa.Column("owners", sa.JSON, nullable=False, server_default="[]"),  # the `to` agencies, folded the same way
    # meeting date of the report that last set the status automatically: older reports never
    # overwrite a newer one's status, whatever order documents are ingested in
    sa.Column("status_as_of", sa.String(10)),
    sa.Column("version", sa.Integer, nullable=False, server_default="1"),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("updated_at", sa.String(32), nullable=False),
)

rec_history = sa.Table(
    "rec_history",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("rec_id", sa.String(32), sa.ForeignKey("recs.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("at", sa.String(32), nullable=False),
    sa.Column("actor", sa.Text, nullable=False),
    sa.Column("field", sa.String(32), nullable=False),  # status | due | notes | priority | link | created
    sa.Column("old", sa.Text),
    sa.Column("new", sa.Text),
    sa.Column("note", sa.Text),  # why (required for due changes)
    sa.Column("evidence_item_id", sa.String(32)),
)

followups = sa.Table(
    "followups",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("rec_id", sa.String(32), sa.ForeignKey("recs.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("item_id", sa.String(32), nullable=False, index=True),  # the later item reporting on it
    sa.Column("doc_id", sa.String(32), index=True),
    sa.Column("proposed_status", sa.String(32)),
    sa.Column("confidence", sa.Float, nullable=False),
    sa.Column("state", sa.String(16), nullable=False),  # auto | confirmed | rejected | suggested
    sa.Column("reason", sa.Text),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("actor", sa.Text, nullable=False),
    sa.UniqueConstraint("rec_id", "item_id", name="uq_followup_pair"),
)


# -- the ingest job queue (prachum.jobs) ----------------------------------------------------
jobs = sa.Table(
    "jobs",
    METADATA,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),  # ingest
    sa.Column("file_name", sa.Text, nullable=False),
    sa.Column("source_path", sa.Text),  # a file the workers can read, or None for an upload
    sa.Column("payload", sa.LargeBinary),  # the uploaded bytes; dropped once the job is finished
    sa.Column("actor", sa.Text, nullable=False),
    sa.Column("state", sa.String(16), nullable=False),  # queued | running | done | failed
    sa.Column("step", sa.String(16)),  # reading | analysing | storing | indexing
    sa.Column("steps_done", sa.Integer, nullable=False, server_default="0"),
    sa.Column("steps_total", sa.Integer, nullable=False, server_default="0"),
    sa.Column("pages", sa.Integer),  # pages read, once known
    sa.Column("result", sa.JSON),
    sa.Column("error", sa.Text),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("claimed_by", sa.Text),
    # times are epoch seconds: a stale claim is found by comparing numbers, the same on every engine
    sa.Column("heartbeat", sa.Float),
    sa.Column("queued_at", sa.Float, nullable=False),
    sa.Column("started_at", sa.Float),
    sa.Column("finished_at", sa.Float),
    sa.Index("ix_jobs_state_queued_at", "state", "queued_at"),
)
