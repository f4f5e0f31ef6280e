"""A briefing note as Markdown, for pasting into chat or e-mail: short lines and lists rather
than wide tables (only the small SDG table is a table), overdue items marked ⚠️ and bold."""

from __future__ import annotations

import re

from prachum.briefing.content import GENERIC_TITLES, Brief, BriefItem, FollowUp, MeetingFacts, SourceRef
from prachum.briefing.thaifmt import OVERDUE_LABEL, ThaiFormat, kind_label, status_label

_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def esc(text: str) -> str:
    """Text that Markdown shows as written (quoted minutes may hold *, _, | or #)."""
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


def render_markdown(brief: Brief, *, thai_digits: bool = False) -> str:
    f = ThaiFormat(thai_digits)
    out: list[str] = ["# บันทึกสรุป (Briefing note)", ""]
    header = [
        ("ส่วนราชการ", brief.prepared_by),
        ("วันที่", f.date(brief.today)),
        ("เรื่อง", brief.subject),
        ("เรียน", brief.prepared_for),
    ]
    out += [f"**{label}** {esc(value)}  " for label, value in header if value]
    if brief.scope != "doc" and brief.criteria:
        out.append(
            "**ขอบเขต** " + esc(", ".join(f"{k}: {_criterion(f, k, v)}" for k, v in brief.criteria)) + "  "
        )
    out[-1] = out[-1].rstrip()
    out += ["", "## สรุปโดยย่อ", "", *summary_lines(brief, f)]
    out += ["", "## ข้อมูลการประชุม", ""]
    if brief.scope == "doc" and brief.meetings:
        out += _meeting_facts(brief.meetings[0], f)
    elif brief.meetings:
        for n, m in enumerate(brief.meetings, 1):
            line = f"{n}. {f.date(m.date)} — {esc(m.body or m.title or m.file)}"
            extra = "; ".join(
                part
                for part in (f.time_range(m.start_time, m.end_time), m.chair and f"ประธาน {m.chair}")
                if part
            )
            out.append(line + (f" ({esc(extra)})" if extra else "") + f" `{m.file}`")
    else:
        out.append("ไม่พบการประชุมที่ตรงกับเงื่อนไข")
    out += ["", "## ข้อเสนอแนะและการมอบหมายงาน", ""]
    if not brief.items:
        out.append("ไม่พบข้อเสนอแนะหรือการมอบหมายงานที่ตรงกับเงื่อนไข")
    for n, item in enumerate(brief.items, 1):
        out += _item_lines(n, item, f)
    out += ["", "## ความครอบคลุมเป้าหมายการพัฒนาที่ยั่งยืน (SDGs)", ""]
    if brief.sdg:
        out += ["| SDG | เป้าหมาย | รายการ | การประชุม |", "|---:|---|---:|---:|"]
        out += [
            f"| {f.num(c.goal)} | {esc(c.name) or '-'} | {f.num(c.items)} | {f.num(c.meetings)} |"
            for c in brief.sdg
        ]
    else:
        out.append("ไม่พบการเชื่อมโยงกับ SDGs")
    out += ["", "## เอกสารอ้างอิง", ""]
    out += [f"- `{m.file}` (รหัส `{m.doc_id}`) การประชุมวันที่ {f.date(m.date)}" for m in brief.meetings]
    if not brief.meetings:
        out.append("-")
    out += ["", f"_จัดทำโดย prachum เมื่อ {f.date(brief.today)}_", ""]
    return "\n".join(out)


def _criterion(f: ThaiFormat, label: str, value: str) -> str:
    return f.date(value) if label in ("ตั้งแต่วันที่", "ถึงวันที่") else value


def summary_lines(brief: Brief, f: ThaiFormat) -> list[str]:
    """The note's opening figures, shared by every format."""
    counts = brief.status_counts()
    by_status = ", ".join(
        f"{status_label(s)} {f.num(n)}" for s, n in sorted(counts.items(), key=lambda p: -p[1])
    )
    lines = [
        f"- การประชุม {f.num(len(brief.meetings))} ครั้ง"
        + (
            f" ({f.date(brief.meetings[0].date, short=True)} – {f.date(brief.meetings[-1].date, short=True)})"
            if len(brief.meetings) > 1
            else ""
        ),
        f"- ข้อเสนอแนะและการมอบหมายงาน {f.num(len(brief.items))} รายการ"
        + (f": {by_status}" if by_status else ""),
    ]
    overdue = brief.overdue
    if overdue:
        numbers = ", ".join(f.num(brief.items.index(i) + 1) for i in overdue)
        lines.append(f"- ⚠️ **{OVERDUE_LABEL} {f.num(len(overdue))} รายการ** (ลำดับที่ {numbers})")
    else:
        lines.append(f"- ไม่มีรายการ{OVERDUE_LABEL}")
    if brief.sdg:
        lines.append("- SDGs ที่เกี่ยวข้อง: " + ", ".join(f"SDG {f.num(c.goal)}" for c in brief.sdg))
    return lines


def fact_rows(m: MeetingFacts, f: ThaiFormat) -> list[tuple[str, str | None]]:
    """The meeting's facts as (label, value) rows, shared by the Markdown and DOCX notes."""
    return [
        ("เรื่อง", None if (m.title or "").strip() in GENERIC_TITLES else m.title),
        ("คณะ", m.body),
        ("วันที่", f.date(m.date) if m.date else None),
        ("เวลา", f.time_range(m.start_time, m.end_time)),
        ("ประธาน", m.chair),
        ("สถานที่", m.location),
    ]


def _meeting_facts(m: MeetingFacts, f: ThaiFormat) -> list[str]:
    lines = [f"- **{label}** {esc(value)}" for label, value in fact_rows(m, f) if value]
    if m.participants:
        lines.append(f"- **ผู้มาประชุม** ({f.num(len(m.participants))} คน) " + esc(", ".join(m.participants)))
    if m.absent:
        lines.append(f"- **ผู้ไม่มาประชุม** ({f.num(len(m.absent))} คน) " + esc(", ".join(m.absent)))
    lines.append(f"- **เอกสาร** `{m.file}`")
    return lines


def source_text(s: SourceRef, f: ThaiFormat) -> str:
    """``01_x.txt หน้า 2 ย่อหน้า 14`` (file name unchanged, numbers formatted)."""
    where = " ".join(
        part
        for part in (s.page and f"หน้า {f.num(s.page)}", s.paragraph and f"ย่อหน้า {f.num(s.paragraph)}")
        if part
    )
    return f"{s.doc} {where}".strip()


def followup_text(u: FollowUp, f: ThaiFormat) -> str:
    when = f.date(u.date, short=True) if u.date else ""
    origin = "รายงานในการประชุม" if u.doc else "ปรับปรุงโดยเจ้าหน้าที่"
    head = " ".join(part for part in (when, origin) if part)
    tail = [] if u.confirmed else ["รอยืนยัน"]
    if u.status:
        tail.insert(0, status_label(u.status))
    return f"{head}: {' '.join(u.text.split())}" + (f" ({', '.join(tail)})" if tail else "")


def _item_lines(n: int, item: BriefItem, f: ThaiFormat) -> list[str]:
    flag = f" ⚠️ **{OVERDUE_LABEL}**" if item.overdue else ""
    text = f"**{esc(item.text)}**" if item.overdue else esc(item.text)
    # list markers stay ASCII digits: Markdown only knows those as an ordered list
    lines = [f"{n}. [{kind_label(item.kind, short=True)}] {text}{flag}"]
    facts = [
        f"ผู้รับผิดชอบ: {esc(', '.join(item.owners)) or '-'}",
        f"กำหนด: {f.date(item.due, short=True)}",
        f"สถานะ: {status_label(item.status)}",
    ]
    if item.by:
        facts.insert(0, f"เสนอ/สั่งการโดย: {esc(', '.join(item.by))}")
    lines.append("   - " + " · ".join(facts))
    if item.last_followup:
        lines.append("   - ความคืบหน้าล่าสุด: " + esc(followup_text(item.last_followup, f)))
    where = source_text(item.source, f)[len(item.source.doc) :]
    lines.append(f"   - ที่มา: `{item.source.doc}`" + (f" {esc(where.strip())}" if where.strip() else ""))
    return lines
