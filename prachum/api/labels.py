"""What the web UI shows for codes: Thai labels (English where staff expect it) and SDG colours.

Codes stay English in the API; only the HTML pages translate them. An unknown code is
shown as it is, so a new status from the register never breaks a page.
"""

from __future__ import annotations

from prachum.api.view import thai_date

KIND_LABELS = {
    "recommendation": "ข้อเสนอแนะ",
    "action": "การมอบหมายงาน",
    "resolution": "มติที่ประชุม",
}

# Register statuses (tracking) and the action statuses the extractor reads from the minutes.
STATUS_LABELS = {
    "open": "รอดำเนินการ",
    "in_progress": "อยู่ระหว่างดำเนินการ",
    "implemented": "ดำเนินการแล้ว",
    "partially_implemented": "ดำเนินการบางส่วน",
    "not_implemented": "ไม่ได้ดำเนินการ",
    "rejected": "ไม่รับข้อเสนอ",
    "superseded": "ถูกแทนที่",
    "done": "เสร็จแล้ว",
    "not_started": "ยังไม่เริ่ม",
    "planned": "อยู่ในแผน",
}

# Fallback when the register does not publish its status list.
REGISTER_STATUSES = (
    "open",
    "in_progress",
    "implemented",
    "partially_implemented",
    "not_implemented",
    "rejected",
    "superseded",
)

FOLLOWUP_STATES = {
    "auto": "เชื่อมอัตโนมัติ",
    "confirmed": "ยืนยันแล้ว",
    "rejected": "ปฏิเสธแล้ว",
    "suggested": "รอการยืนยัน",
}

HISTORY_FIELDS = {
    "created": "สร้างรายการ",
    "status": "สถานะ",
    "due": "กำหนดเสร็จ",
    "note": "บันทึก",
    "notes": "บันทึก",
    "priority": "ความสำคัญ",
    "link": "เชื่อมหลักฐาน",
    "unlink": "ยกเลิกการเชื่อม",
    "source": "เอกสารต้นทาง",
}

# The UN's published SDG colours, and short goal names (Thai, English).
SDG_GOALS: dict[int, tuple[str, str, str]] = {
    1: ("#E5243B", "ขจัดความยากจน", "No poverty"),
    2: ("#DDA63A", "ขจัดความหิวโหย", "Zero hunger"),
    3: ("#4C9F38", "สุขภาพและความเป็นอยู่ที่ดี", "Good health and well-being"),
    4: ("#C5192D", "การศึกษาที่มีคุณภาพ", "Quality education"),
    5: ("#FF3A21", "ความเท่าเทียมทางเพศ", "Gender equality"),
    6: ("#26BDE2", "น้ำสะอาดและการสุขาภิบาล", "Clean water and sanitation"),
    7: ("#FCC30B", "พลังงานสะอาดที่เข้าถึงได้", "Affordable and clean energy"),
    8: ("#A21942", "งานที่มีคุณค่าและการเติบโตทางเศรษฐกิจ", "Decent work and economic growth"),
    9: ("#FD6925", "อุตสาหกรรม นวัตกรรม และโครงสร้างพื้นฐาน", "Industry, innovation and infrastructure"),
    10: ("#DD1367", "ลดความเหลื่อมล้ำ", "Reduced inequalities"),
    11: ("#FD9D24", "เมืองและชุมชนที่ยั่งยืน", "Sustainable cities and communities"),
    12: ("#BF8B2E", "แผนการผลิตและการบริโภคที่ยั่งยืน", "Responsible consumption and production"),
    13: ("#3F7E44", "การรับมือการเปลี่ยนแปลงสภาพภูมิอากาศ", "Climate action"),
    14: ("#0A97D9", "ทรัพยากรทางทะเล", "Life below water"),
    15: ("#56C02B", "ระบบนิเวศบนบก", "Life on land"),
    16: ("#00689D", "สังคมสงบสุข ยุติธรรม และสถาบันเข้มแข็ง", "Peace, justice and strong institutions"),
    17: ("#19486A", "หุ้นส่วนเพื่อการพัฒนาที่ยั่งยืน", "Partnerships for the goals"),
}


def history_value(field: str, value: str | None) -> str:
    """A history entry's old/new value in words: statuses and link states in Thai."""
    if not value:
        return "-"
    if field in ("status", "created"):
        return status_label(value)
    if field == "link":
        return FOLLOWUP_STATES.get(value, "ยกเลิกแล้ว" if value == "removed" else value)
    return value


def kind_label(kind: str | None) -> str:
    return KIND_LABELS.get(kind or "", kind or "ข้อความ")


def status_label(status: str | None) -> str:
    return _status_labels().get(status or "", status or "-")


def _status_labels() -> dict[str, str]:
    """Our labels, overridden by the register's own Thai labels when it publishes them, so the
    web UI and the register's exports use the same words."""
    try:
        from prachum.tracking.statuses import LABELS_TH
    except ImportError:
        return STATUS_LABELS
    return {**STATUS_LABELS, **LABELS_TH}


def sdg_colour(goal: int | str) -> str:
    try:
        return SDG_GOALS[int(goal)][0]
    except (KeyError, ValueError, TypeError):
        return "#777777"


def sdg_name(goal: int | str) -> str:
    try:
        colour, thai, english = SDG_GOALS[int(goal)]
    except (KeyError, ValueError, TypeError):
        return f"SDG {goal}"
    return f"SDG {int(goal)}: {thai} ({english})"


def register_statuses() -> tuple[str, ...]:
    """The register's statuses, from the tracking package when it publishes them."""
    try:
        from prachum.tracking import statuses
    except ImportError:
        return REGISTER_STATUSES
    for name in ("STATUSES", "REGISTER_STATUSES", "ALL_STATUSES"):
        found = getattr(statuses, name, None)
        if found:
            return tuple(found)
    return REGISTER_STATUSES


def install(env) -> None:  # type: ignore[no-untyped-def]
    """Add the label helpers to a Jinja2 environment as filters and globals."""
    env.filters["kind_label"] = kind_label
    env.filters["status_label"] = status_label
    env.filters["sdg_colour"] = sdg_colour
    env.filters["sdg_name"] = sdg_name
    env.filters["thai_date"] = thai_date
    env.globals["SDG_GOALS"] = SDG_GOALS
    env.globals["KIND_LABELS"] = KIND_LABELS
    env.globals["FOLLOWUP_STATES"] = FOLLOWUP_STATES
    env.globals["HISTORY_FIELDS"] = HISTORY_FIELDS
    env.globals["history_value"] = history_value
