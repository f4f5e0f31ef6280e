"""Minutes records built in code for the search tests (no extraction needed)."""

from __future__ import annotations

import hashlib

from prachum.models import AgencyMention, Document, Item, Meeting, Minutes, SdgTag


def make_minutes(
    name: str,
    paragraphs: list[tuple[str | None, str]],
    *,
    date: str | None = "2023-02-03",
    body: str | None = "คณะอนุกรรมาธิการติดตามการพัฒนาที่ยั่งยืน",
    filler: int = 0,
    agencies: dict[str, tuple[str, str]] | None = None,
    sdg: dict[int, int] | None = None,
    status: dict[int, str] | None = None,
    salt: str = "",
) -> Minutes:
    """A document from ``(kind or None, text)`` paragraphs; kinds become items.

    ``agencies`` maps a surface in the text to (Thai name, English name); ``sdg`` maps a
    paragraph index to a goal; ``status`` a paragraph index to an action status. ``filler``
    appends that many neutral lines so the document has several passages."""
    lines = [text for _, text in paragraphs]
    lines += [f"บรรทัดที่ {i} ที่ประชุมรับฟังการนำเสนอข้อมูลทั่วไปเกี่ยวกับงานประจำ" for i in range(filler)]
    text = "\n".join(lines) + "\n"
    document = Document(
        file_name=name,
        text=text,
        format="txt",
        content_hash=hashlib.sha256((text + salt).encode()).hexdigest(),
    )
    items = []
    position = 0
    for index, (kind, para) in enumerate(paragraphs):
        start = text.index(para, position)
        position = start + len(para)
        if kind is None:
            continue
        goal = (sdg or {}).get(index)
        items.append(
            Item(
                id=f"{document.id}-{index}",
                kind=kind,
                text=para,
                span=(start, start + len(para)),
                status=(status or {}).get(index),
                sdg=(SdgTag(goal=goal, score=0.8),) if goal else (),
            )
        )
    mentions = []
    for surface, (thai, english) in (agencies or {}).items():
        spans = []
        offset = text.find(surface)
        while offset >= 0:
            spans.append((offset, offset + len(surface)))
            offset = text.find(surface, offset + 1)
        mentions.append(AgencyMention(name=thai, abbr=surface, mentions=tuple(spans), name_en=english))
    return Minutes(
        document=document,
        meeting=Meeting(title=name, body=body, date=date),
        items=tuple(items),
        agencies=tuple(mentions),
    )


UNIVERSITY = "ขอให้จังหวัดสร้างความร่วมมือกับมหาวิทยาลัยในพื้นที่เพื่อการวิจัยและพัฒนาตัวชี้วัด"
DROUGHT = "ให้สำนักงานเขตเตรียมแผนรับมือภัยแล้งและจัดหาแหล่งน้ำสำรองภายในเดือนเมษายน"
WASTE = "ที่ประชุมมีมติเห็นชอบโครงการคัดแยกขยะอินทรีย์ในครัวเรือน"
WATER_LOSS = "การประปาส่วนภูมิภาคได้ดำเนินการลดน้ำสูญเสียในระบบประปาแล้วเสร็จ"
INTERIOR = "มท. รายงานความคืบหน้าการจัดทำแผนพัฒนาจังหวัดแบบมีส่วนร่วม"


def sample_minutes(**kwargs) -> Minutes:
    return make_minutes(
        "m1.txt",
        [
            ("recommendation", UNIVERSITY),
            ("action", DROUGHT),
            ("resolution", WASTE),
            ("action", WATER_LOSS),
            ("action", INTERIOR),
        ],
        agencies={"มท.": ("กระทรวงมหาดไทย", "Ministry of Interior")},
        sdg={0: 17, 1: 6, 2: 12, 3: 6},
        status={1: "planned", 3: "done", 4: "in_progress"},
        filler=12,
        **kwargs,
    )
