"""Builders shared by the register tests: hand-made minutes stored the way the pipeline stores
them (document + items + register sync in one transaction). No tests here."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from prachum.config import Settings
from prachum.models import AgencyMention, Document, Item, Meeting, Minutes, SdgTag
from prachum.search.embed import HashingEmbedder
from prachum.store import Store
from prachum.tracking.register import Register

BODY = "คณะกรรมการขับเคลื่อนเป้าหมายการพัฒนาที่ยั่งยืนจังหวัดขอนแก่น"
AGENCIES = {
    "สำนักงานจังหวัด": "สนจ.",
    "องค์การบริหารส่วนจังหวัด": "อบจ.",
    "สำนักงานทรัพยากรธรรมชาติและสิ่งแวดล้อมจังหวัด": "ทสจ.",
    "สำนักงานพัฒนาชุมชนจังหวัด": "พช.จ.",
}


@dataclass(frozen=True)
class Line:
    kind: str
    text: str
    to: tuple[str, ...] = ()
    by: tuple[str, ...] = ()
    due: str | None = None
    status: str | None = None
    sdg: tuple[int, ...] = ()


def minutes(
    name: str, date: str | None, lines: list[Line], *, body: str | None = BODY, intro: str = ""
) -> Minutes:
    """A document whose text is a heading, an optional intro line and one line per item."""
    text = f"รายงานการประชุม{body or ''} ({name}, {date or 'ไม่ระบุวันที่'})\n{intro}\n"
    items = []
    for n, line in enumerate(lines):
        text += "- "
        start = len(text)
        text += line.text
        items.append(
            Item(
                id=hashlib.sha1(f"{name}:{n}:{line.text}".encode()).hexdigest()[:16],
                kind=line.kind,
                text=line.text,
                span=(start, len(text)),
                by=line.by,
                to=line.to,
                due=line.due,
                status=line.status,
                sdg=tuple(SdgTag(goal=g, score=0.5) for g in line.sdg),
            )
        )
        text += "\n"
    mentions = []
    for full, abbr in AGENCIES.items():
        spans = []
        at = text.find(full)
        while at >= 0:
            spans.append((at, at + len(full)))
            at = text.find(full, at + 1)
        if spans:
            mentions.append(AgencyMention(full, abbr, tuple(spans)))
    document = Document(
        file_name=name, text=text, format="txt", content_hash=hashlib.sha256(text.encode()).hexdigest()
    )
    return Minutes(
        document=document, meeting=Meeting(body=body, date=date), items=tuple(items), agencies=tuple(mentions)
    )


class Desk:
    """A store + register in a temp dir, and the pipeline's write path for hand-made minutes."""

    def __init__(self, folder: Path) -> None:
        self.store = Store(Settings(data_dir=folder, embedder="hashing"))
        self.register = Register(self.store, HashingEmbedder())

    def ingest(self, record: Minutes, source_key: str | None = None) -> str | None:
        with self.store.begin() as conn:
            replaced = self.store.save_minutes(
                conn, record, source_key or record.document.file_name, actor="tester"
            )
            self.register.sync_document(conn, record, replaced_doc_id=replaced, actor="tester")
        return replaced

    def delete(self, doc_id: str) -> None:
        with self.store.begin() as conn:
            self.register.forget_document(conn, doc_id, actor="tester")
            self.store.delete_document(doc_id, actor="tester", conn=conn)

    def record_for(self, text_start: str) -> dict:
        found = [r for r in self.register.list() if r["text"].startswith(text_start)]
        assert len(found) == 1, f"{len(found)} records start with {text_start!r}"
        return found[0]


# -- a small story: advice at one meeting, a progress report at the next ---------------------
ADVICE = [
    Line(
        "recommendation",
        "ให้สำนักงานจังหวัดจัดทำฐานข้อมูลครัวเรือนยากจนให้ครบทุกอำเภอ",
        to=("สำนักงานจังหวัด",),
        due="2023-05-31",
        sdg=(1,),
    ),
    Line(
        "recommendation",
        "ควรส่งเสริมการปลูกป่าชุมชนในพื้นที่ต้นน้ำ",
        to=("สำนักงานทรัพยากรธรรมชาติและสิ่งแวดล้อมจังหวัด",),
        sdg=(15,),
    ),
    Line(
        "action",
        "มอบหมายให้องค์การบริหารส่วนจังหวัดซ่อมแซมถนนสายหลักที่ชำรุด",
        to=("องค์การบริหารส่วนจังหวัด",),
        status="planned",
    ),
    Line(
        "action",
        "สำนักงานพัฒนาชุมชนจังหวัดรายงานผลการจัดงานตลาดนัดชุมชนแล้วเสร็จ",
        by=("สำนักงานพัฒนาชุมชนจังหวัด",),
        status="done",
    ),
    Line("resolution", "มติที่ประชุม รับทราบ"),
]


def first_meeting(intro: str = "") -> Minutes:
    return minutes("m1_advice.txt", "2023-02-03", ADVICE, intro=intro)


def progress_meeting(name: str = "m2_progress.txt", date: str = "2023-06-07") -> Minutes:
    return minutes(
        name,
        date,
        [
            Line(
                "action",
                "สำนักงานจังหวัดได้จัดทำฐานข้อมูลครัวเรือนยากจนครบทุกอำเภอแล้ว",
                by=("สำนักงานจังหวัด",),
                status="done",
            ),
            Line(
                "action",
                "การปลูกป่าชุมชนในพื้นที่ต้นน้ำอยู่ระหว่างดำเนินการ",
                by=("สำนักงานทรัพยากรธรรมชาติและสิ่งแวดล้อมจังหวัด",),
                status="in_progress",
            ),
            Line(
                "action",
                "การซ่อมแซมถนนสายหลักที่ชำรุดยังไม่ได้ดำเนินการ เนื่องจากรองบประมาณ",
                by=("องค์การบริหารส่วนจังหวัด",),
                status="not_started",
            ),
            Line("recommendation", "ควรขยายฐานข้อมูลครัวเรือนยากจนไปถึงระดับตำบล", to=("สำนักงานจังหวัด",)),
        ],
        intro="ผู้แทนหน่วยงานรายงานความก้าวหน้าตามข้อเสนอแนะจากการประชุมเมื่อวันที่ 3 กุมภาพันธ์ 2566 ดังนี้",
    )
