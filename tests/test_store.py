"""The SQLite store: round trip of a Minutes record, replacement in one transaction, audit, schema version."""
from __future__ import annotations

import sqlalchemy as sa

from prachum.models import (
    AgencyMention,
    Document,
    Item,
    Meeting,
    Minutes,
    Page,
    Participant,
    SdgTag,
    SdgTarget,
)
from prachum.store import Store

TEXT = "รายงานการประชุม\nมติที่ประชุม รับทราบ\n- ควรกำหนดตัวชี้วัดให้ชัดเจน\n"


def _minutes(text: str = TEXT, name: str = "a.txt") -> Minutes:
    import hashlib

    doc = Document(
        file_name=name,
        text=text,
        format="txt",
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
        pages=(Page(1, 0, len(text)),),
        meta={"k": "v"},
    )
    start = text.index("ควร")
    item = Item(
        id="i" + doc.id[:10],
        kind="recommendation",
        text=text[start : len(text) - 1],
        span=(start, len(text) - 1),
        by=("ที่ประชุม",),
        to=("มท.",),
        due="2023-04-30",
        sdg=(SdgTag(1, 0.8, ("ความยากจน",), (SdgTarget("1.2", 0.7),)),),
    )
    return Minutes(
        document=doc,
        meeting=Meeting(title="รายงานการประชุม", body="คณะกรรมการ", date="2023-03-16", chair="นายสมชาย ใจดี",
                        participants=(Participant("นายสมชาย ใจดี", "ผู้ว่าราชการจังหวัด", None, "ประธาน"),)),
        items=(item,),
        sdg=(SdgTag(1, 0.9, ("ครัวเรือนยากจน",)),),
        agencies=(AgencyMention("กระทรวงมหาดไทย", "มท.", ((0, 3),), "Ministry of Interior"),),
    )


def test_round_trip_keeps_every_field(settings) -> None:  # type: ignore[no-untyped-def]
    store = Store(settings)
    minutes = _minutes()
    with store.begin() as conn:
        assert store.save_minutes(conn, minutes, "/x/a.txt") is None
    assert store.get_minutes(minutes.id) == minutes
    rows = store.list_documents()
    assert rows[0]["file"] == "a.txt" and rows[0]["items"] == 1 and rows[0]["sdg"] == [1]
    assert rows[0]["meeting_date"] == "2023-03-16" and rows[0]["index_state"] == "pending"


def test_replacing_a_source_swaps_the_version_and_audits(settings) -> None:  # type: ignore[no-untyped-def]
    store = Store(settings)
    first, second = _minutes(), _minutes(TEXT + "มติที่ประชุม เห็นชอบ\n")
    with store.begin() as conn:
        store.save_minutes(conn, first, "/x/a.txt")
    with store.begin() as conn:
        assert store.save_minutes(conn, second, "/x/a.txt") == first.id
    assert store.doc_ids() == [second.id]
    actions = [row["action"] for row in store.audit_log()]
    assert actions[:2] == ["document.replace", "document.add"]


def test_failed_transaction_leaves_the_old_version(settings) -> None:  # type: ignore[no-untyped-def]
    store = Store(settings)
    first = _minutes()
    with store.begin() as conn:
        store.save_minutes(conn, first, "/x/a.txt")
    try:
        with store.begin() as conn:
            store.save_minutes(conn, _minutes(TEXT + "x\n"), "/x/a.txt")
            raise RuntimeError("crash in the middle")
    except RuntimeError:
        pass
    assert store.doc_ids() == [first.id]
    assert store.get_minutes(first.id).items == first.items


def test_schema_version_and_wal(settings) -> None:  # type: ignore[no-untyped-def]
    from prachum.schema import SCHEMA_VERSION

    store = Store(settings)
    assert store.get_meta("schema_version") == str(SCHEMA_VERSION)
    if store.dialect == "sqlite":
        with store.engine.connect() as conn:
            assert conn.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
    Store(settings)  # opening again is harmless


def test_delete_document_and_not_found(settings) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from prachum.errors import NotFound

    store = Store(settings)
    minutes = _minutes()
    with store.begin() as conn:
        store.save_minutes(conn, minutes, "/x/a.txt")
    store.delete_document(minutes.id)
    assert store.doc_ids() == []
    with pytest.raises(NotFound):
        store.get_minutes(minutes.id)
    with pytest.raises(NotFound):
        store.delete_document(minutes.id)
