"""How numbers and dates are written in a briefing note: Buddhist-Era dates with Thai month
names, and Arabic or Thai digits (``Settings.thai_digits``) for everything the note itself
writes. Quoted text from the minutes is never changed: it is evidence."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from prachum.nlp.dates import BE_OFFSET
from prachum.nlp.dates import THAI_MONTHS as MONTHS
from prachum.nlp.dates import THAI_MONTHS_SHORT as MONTHS_SHORT

_TO_THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


@dataclass(frozen=True)
class ThaiFormat:
    """Formats the note's own numbers and dates; ``thai_digits`` switches ๐–๙ on."""

    thai_digits: bool = False

    def digits(self, text: str) -> str:
        return text.translate(_TO_THAI) if self.thai_digits else text

    def num(self, value: int | float) -> str:
        return self.digits(f"{value:,}")

    def date(self, value: str | dt.date | None, *, short: bool = False, missing: str = "-") -> str:
        """``2024-01-24`` → ``24 มกราคม 2567`` (``24 ม.ค. 2567`` when short)."""
        day = _as_date(value)
        if day is None:
            return missing if value in (None, "") else str(value)
        month = (MONTHS_SHORT if short else MONTHS)[day.month - 1]
        return self.digits(f"{day.day} {month} {day.year + BE_OFFSET}")

    def time_range(self, start: str | None, end: str | None) -> str | None:
        """``13:30``–``16:00`` → ``13.30–16.00 น.`` (the way Thai minutes write times)."""
        parts = [t.replace(":", ".") for t in (start, end) if t]
        return self.digits("–".join(parts) + " น.") if parts else None


def _as_date(value: str | dt.date | None) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def parse_user_date(value: str | dt.date | None, name: str) -> dt.date | None:
    """A date the user typed: ISO (``2024-01-31``) or Thai (``31 ม.ค. 2567``, ``๓๑ มกราคม ๒๕๖๗``)."""
    from prachum.errors import InvalidInput

    if value is None or isinstance(value, dt.date):
        return value
    text = value.strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    from prachum.nlp.dates import parse_thai_date

    found = parse_thai_date(text)
    if found is None:
        raise InvalidInput(f"{name} {value!r} is not a date (YYYY-MM-DD or a Thai date such as 31 ม.ค. 2567)")
    return found


KIND_LABELS = {"action": "การมอบหมาย/การดำเนินการ", "recommendation": "ข้อเสนอแนะ", "resolution": "มติ"}
KIND_SHORT = {"action": "งาน", "recommendation": "ข้อเสนอแนะ", "resolution": "มติ"}
OVERDUE_LABEL = "เกินกำหนด"


def kind_label(kind: str, *, short: bool = False) -> str:
    return (KIND_SHORT if short else KIND_LABELS).get(kind, kind)


def status_label(status: str | None) -> str:
    """The register's Thai status label (the stored value when unknown)."""
    from prachum.tracking.statuses import LABELS_TH

    if not status:
        return "-"
    return LABELS_TH.get(status, status)
