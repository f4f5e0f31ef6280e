"""Register statuses, which changes between them are allowed, and the status a progress
report's wording implies.

The life cycle follows the public recommendation trackers (GAO, OHCHR NRTD, UK Treasury
Minutes): a record is ``open`` until someone works on it (``in_progress``) and is closed by
one of the outcomes. A closed record can be reopened, but only with a stated reason, so the
register never silently forgets why something was closed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from prachum.errors import InvalidInput, choices

OPEN = "open"
IN_PROGRESS = "in_progress"
IMPLEMENTED = "implemented"
PARTIALLY_IMPLEMENTED = "partially_implemented"
NOT_IMPLEMENTED = "not_implemented"
REJECTED = "rejected"
SUPERSEDED = "superseded"

STATUSES = (OPEN, IN_PROGRESS, IMPLEMENTED, PARTIALLY_IMPLEMENTED, NOT_IMPLEMENTED, REJECTED, SUPERSEDED)
CLOSED = frozenset({IMPLEMENTED, PARTIALLY_IMPLEMENTED, NOT_IMPLEMENTED, REJECTED, SUPERSEDED})
OUTCOMES = (IMPLEMENTED, PARTIALLY_IMPLEMENTED, NOT_IMPLEMENTED, REJECTED, SUPERSEDED)

# Allowed moves. Work can fall back from in_progress to open (a later report says nothing was
# done after all); a partial implementation can still be completed; any closed record can be
# reopened (with a reason, checked by `check_transition`).
TRANSITIONS: dict[str, frozenset[str]] = {
    OPEN: frozenset({IN_PROGRESS, *OUTCOMES}),
    IN_PROGRESS: frozenset({OPEN, *OUTCOMES}),
    PARTIALLY_IMPLEMENTED: frozenset({OPEN, IN_PROGRESS, IMPLEMENTED}),
    IMPLEMENTED: frozenset({OPEN, IN_PROGRESS}),
    NOT_IMPLEMENTED: frozenset({OPEN, IN_PROGRESS}),
    REJECTED: frozenset({OPEN, IN_PROGRESS}),
    SUPERSEDED: frozenset({OPEN, IN_PROGRESS}),
}

# Thai labels for tables and exports (staff read these; the stored values stay English).
LABELS_TH = {
    OPEN: "ยังไม่ดำเนินการ",
    IN_PROGRESS: "อยู่ระหว่างดำเนินการ",
    IMPLEMENTED: "ดำเนินการแล้ว",
    PARTIALLY_IMPLEMENTED: "ดำเนินการแล้วบางส่วน",
    NOT_IMPLEMENTED: "ไม่ได้ดำเนินการ",
    REJECTED: "ไม่รับข้อเสนอ",
    SUPERSEDED: "มีข้อเสนอใหม่แทน",
}


def check_status(value: str) -> str:
    if value not in STATUSES:
        raise InvalidInput(f"status: {choices(value, STATUSES)}")
    return value


def check_transition(old: str, new: str, reason: str | None) -> None:
    """Raise InvalidInput unless ``old → new`` is allowed (reopening needs a reason)."""
    check_status(new)
    if new not in TRANSITIONS[old]:
        allowed = sorted(TRANSITIONS[old])
        raise InvalidInput(f"status cannot go from {old!r} to {new!r}; from {old!r}: {choices(new, allowed)}")
    if old in CLOSED and not (reason and reason.strip()):
        raise InvalidInput(f"reopening a {old!r} record needs a reason (--note)")


def can_move(old: str, new: str) -> bool:
    """Whether an automatic (evidence-driven) change may move ``old`` to ``new``: never out of a
    closed state, which only a person may reopen."""
    return old != new and new in TRANSITIONS[old] and old not in CLOSED


# -- the status a progress report's wording implies -------------------------------------------
@dataclass(frozen=True)
class StatusCue:
    status: str
    pattern: re.Pattern[str]
    reason: str


# Checked in order: negations and "still under way" first, because a report such as
# "อยู่ระหว่าง… คาดว่าจะแล้วเสร็จ…" also contains the completion word แล้วเสร็จ.
_CUES = (
    StatusCue(OPEN, re.compile(r"ยังไม่(?:ได้)?(?:มีการ)?(?:ดำเนินการ|เริ่ม|จัดทำ)|ยังไม่ได้"), "ยังไม่ได้ดำเนินการ"),
    StatusCue(
        NOT_IMPLEMENTED, re.compile(r"ไม่สามารถดำเนินการ|ยกเลิกการดำเนินการ|ยุติการดำเนินการ"), "ไม่สามารถดำเนินการได้"
    ),
    StatusCue(IN_PROGRESS, re.compile(r"อยู่ระหว่าง|กำลังดำเนินการ|จะ(?:แล้ว)?เสร็จ"), "อยู่ระหว่างดำเนินการ"),
    # Part done is still work under way: closing a record as partially implemented is a
    # judgement for a person, not for a keyword.
    StatusCue(IN_PROGRESS, re.compile(r"บางส่วน"), "ดำเนินการแล้วบางส่วน"),
    StatusCue(IMPLEMENTED, re.compile(r"แล้วเสร็จ|เสร็จสิ้น|เสร็จเรียบร้อย|ครบถ้วน|แล้ว"), "ดำเนินการแล้ว"),
)
# "ให้แล้วเสร็จภายใน…" sets a deadline; it reports nothing done.
_DEADLINE = re.compile(r"ให้(?:แล้ว)?เสร็จ(?:สิ้น)?")
_PERCENT = re.compile(r"ร้อยละ\s*([0-9๐-๙]+(?:\.[0-9๐-๙]+)?)")
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")

# The extractor's item status, used when the wording itself says nothing we recognise.
ITEM_STATUS_TO_REC = {"done": IMPLEMENTED, "in_progress": IN_PROGRESS, "not_started": OPEN}


def proposed_status(text: str, item_status: str | None = None) -> tuple[str | None, str]:
    """The register status a progress report implies, and the words that imply it.

    Returns ``(None, "")`` when the text reports no progress (e.g. a new assignment)."""
    text = _DEADLINE.sub(" ", text)
    for cue in _CUES:
        match = cue.pattern.search(text)
        if not match:
            continue
        if cue.status == IMPLEMENTED:
            percent = _PERCENT.search(text)
            if percent and float(percent.group(1).translate(_THAI_DIGITS)) < 100:
                return IN_PROGRESS, f"ดำเนินการแล้ว{percent.group(0)}"
        return cue.status, f"{cue.reason} («{match.group(0)}»)"
    mapped = ITEM_STATUS_TO_REC.get(item_status or "")
    if mapped:
        return mapped, f"สถานะที่สกัดได้: {item_status}"
    return None, ""
