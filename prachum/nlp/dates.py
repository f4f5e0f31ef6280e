"""Thai (Buddhist-Era) and English dates, clock times and deadlines, as ISO Gregorian values.

Everything runs on ``fold_thai_digits(text)``, which maps ๐-๙ to 0-9 one character for one,
so every span found there is also a span of the caller's text. pythainlp's ``thai_strptime``
cannot read Thai digits, two-digit years or dates embedded in prose, hence these rules.

Year rules: 4 digits ≥ 2400 are Buddhist Era (BE − 543); 2 digits are BE 25yy, except after
ค.ศ. or in an English date where they are 20yy; 4 digits 1800–2100 are Gregorian.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

from prachum.models import Span
from prachum.nlp.normalise import fold_thai_digits

BE_OFFSET = 543

THAI_MONTHS = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)  # fmt: skip
# Abbreviations as (first part, second part): ม.ค. is written ม.ค., มค., ม.ค or ม. ค.
THAI_MONTH_ABBRS = (
    ("ม", "ค"), ("ก", "พ"), ("มี", "ค"), ("เม", "ย"), ("พ", "ค"), ("มิ", "ย"),
    ("ก", "ค"), ("ส", "ค"), ("ก", "ย"), ("ต", "ค"), ("พ", "ย"), ("ธ", "ค"),
)  # fmt: skip
THAI_MONTHS_SHORT = tuple(f"{a}.{b}." for a, b in THAI_MONTH_ABBRS)  # ม.ค. … ธ.ค., as written in print
ENGLISH_MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
THAI_WEEKDAYS = ("จันทร์", "อังคาร", "พุธ", "พฤหัสบดี", "ศุกร์", "เสาร์", "อาทิตย์")
ENGLISH_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

_THAI_CHAR = "\u0e00-\u0e7f"


def _month_lookup() -> dict[str, int]:
    table: dict[str, int] = {}
    for number, name in enumerate(THAI_MONTHS, start=1):
        table[name] = number
    for number, (first, second) in enumerate(THAI_MONTH_ABBRS, start=1):
        table[first + second] = number
    for number, name in enumerate(ENGLISH_MONTHS, start=1):
        table[name] = number
        table[name[:3]] = number
    table["sept"] = 9
    return table


_MONTH_NUMBER = _month_lookup()


def _thai_month_pattern() -> str:
    full = "|".join(sorted(THAI_MONTHS, key=len, reverse=True))
    # An abbreviation needs its final dot or a non-Thai character after it, so that the
    # dotless form (มค) never matches the start of an ordinary word.
    abbrs = "|".join(
        rf"{a}(?:\.\s?)?{b}(?:\.|(?![{_THAI_CHAR}]))"
        for a, b in sorted(set(THAI_MONTH_ABBRS), key=lambda p: -len(p[0] + p[1]))
    )
    return rf"(?:{full}|{abbrs})"


THAI_MONTH_RE = _thai_month_pattern()
ENGLISH_MONTH_RE = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december"
    r"|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?"
)
ERA_RE = r"(?:(?P<be>พ\.?\s?ศ\.?|พุทธศักราช)|(?P<ce>ค\.?\s?ศ\.?|คริสต์ศักราช))"
_WEEKDAY_RE = r"(?:" + "|".join(sorted(THAI_WEEKDAYS, key=len, reverse=True)) + r"|พฤหัส)"

_THAI_DATE = re.compile(
    r"(?=[0-9ว])"
    rf"(?:(?:วัน(?P<weekday>{_WEEKDAY_RE})\s*(?:ที่)?|วันที่)\s*)?"
    rf"(?<!\d)(?P<day>[0-3]?\d)\s*(?:เดือน\s*)?(?P<month>{THAI_MONTH_RE})"
    rf"(?:\s*(?:{ERA_RE}\s*)?(?P<year>\d{{4}}|\d{{2}})(?!\d))?"
)
_NUMERIC_DATE = re.compile(
    r"(?=[0-9ว])"
    r"(?:(?:วัน(?P<weekday>" + _WEEKDAY_RE + r")\s*(?:ที่)?|วันที่)\s*)?"
    r"(?<![\d./-])(?P<day>[0-3]?\d)(?P<sep>[/-])(?P<month>[01]?\d)(?P=sep)(?P<year>\d{4}|\d{2})(?![\d/-])"
    r"|(?<![\d./])(?P<dday>[0-3]?\d)\.(?P<dmonth>[01]?\d)\.(?P<dyear>\d{4})(?![\d.])"
)
_ISO_DATE = re.compile(r"(?<![\d-])(?P<year>\d{4})-(?P<month>[01]\d)-(?P<day>[0-3]\d)(?![\d-])")
_ENGLISH_WEEKDAY = (
    r"(?:(?P<weekday>" + "|".join(ENGLISH_WEEKDAYS) + r"|mon|tue|wed|thu|fri|sat|sun)\.?,?\s+)?"
)
_ENGLISH_DATE = re.compile(
    r"(?=[0-9A-Za-z])"  # fail fast everywhere else (the pattern is tried at every position)
    + _ENGLISH_WEEKDAY
    + r"(?:(?<!\d)(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>"
    + ENGLISH_MONTH_RE
    + r")(?![a-z])\s*,?\s*(?P<year>\d{4})"
    + r"|(?P<month2>"
    + ENGLISH_MONTH_RE
    + r")\s+(?P<day2>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<year2>\d{4}))(?!\d)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DateMatch:
    """A date found in text. The span includes a weekday/วันที่ prefix when one is written."""

    span: Span
    date: datetime.date
    text: str
    weekday: str | None  # the weekday as written (Thai name without วัน, or English), if any


@dataclass(frozen=True)
class TimeMatch:
    span: Span
    start: str  # HH:MM
    end: str | None


@dataclass(frozen=True)
class DueMatch:
    span: Span
    due: datetime.date
    text: str


def gregorian_year(raw: str, *, era: str | None = None, english: bool = False) -> int | None:
    """The Gregorian year of a written year, or None when it cannot be one.

    ``era`` is "be" or "ce" when พ.ศ./ค.ศ. precedes the number; ``english`` marks an English date.
    """
    value = int(raw)
    if len(raw) <= 2:
        if era == "ce" or english:
            return 2000 + value
        return 2500 + value - BE_OFFSET
    if value >= 2400:
        return value - BE_OFFSET if value <= 2800 else None
    if 1800 <= value <= 2100:
        return value
    return None


def _default_gregorian(default_year: int | None) -> int | None:
    """Accept the meeting's year in either era (a caller may pass 2566 or 2023)."""
    if default_year is None:
        return None
    return default_year - BE_OFFSET if default_year >= 2400 else default_year


def _month_number(written: str) -> int | None:
    key = re.sub(r"[.\s]", "", written).lower()
    return _MONTH_NUMBER.get(key)


def _make_date(year: int | None, month: int | None, day: int) -> datetime.date | None:
    if year is None or month is None:
        return None
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _weekday(written: str | None) -> str | None:
    if not written:
        return None
    if written == "พฤหัส":
        return "พฤหัสบดี"
    return written.lower() if written.isascii() else written


def _candidates(folded: str, default_year: int | None) -> list[tuple[int, int, datetime.date, str | None]]:
    """All date readings (start, end, date, weekday) in the digit-folded text, overlaps included."""
    fallback = _default_gregorian(default_year)
    found: list[tuple[int, int, datetime.date, str | None]] = []

    def add(match: re.Match[str], date: datetime.date | None, weekday: str | None) -> None:
        if date is not None:
            found.append((match.start(), match.end(), date, _weekday(weekday)))

    for m in _THAI_DATE.finditer(folded):
        era = "ce" if m.group("ce") else "be" if m.group("be") else None
        year = gregorian_year(m.group("year"), era=era) if m.group("year") else fallback
        add(m, _make_date(year, _month_number(m.group("month")), int(m.group("day"))), m.group("weekday"))
    for m in _NUMERIC_DATE.finditer(folded):
        if m.group("day"):
            year = gregorian_year(m.group("year"))
            add(m, _make_date(year, int(m.group("month")), int(m.group("day"))), m.group("weekday"))
        else:
            year = gregorian_year(m.group("dyear"))
            add(m, _make_date(year, int(m.group("dmonth")), int(m.group("dday"))), None)
    for m in _ISO_DATE.finditer(folded):
        year = gregorian_year(m.group("year"))
        add(m, _make_date(year, int(m.group("month")), int(m.group("day"))), None)
    for m in _ENGLISH_DATE.finditer(folded):
        day, month, year_raw = (
            (m.group("day"), m.group("month"), m.group("year"))
            if m.group("day")
            else (m.group("day2"), m.group("month2"), m.group("year2"))
        )
        year = gregorian_year(year_raw, english=True)
        add(m, _make_date(year, _month_number(month), int(day)), m.group("weekday"))
    return found


def _without_overlaps(spans: list[tuple[int, int, datetime.date, str | None]]):
    """Keep the longest of overlapping readings, earliest first."""
    kept: list[tuple[int, int, datetime.date, str | None]] = []
    for cand in sorted(spans, key=lambda c: (c[0], -(c[1] - c[0]))):
        if kept and cand[0] < kept[-1][1]:
            if cand[1] - cand[0] > kept[-1][1] - kept[-1][0]:
                kept[-1] = cand
            continue
        kept.append(cand)
    return kept


def find_dates(text: str, *, default_year: int | None = None) -> list[DateMatch]:
    """Every complete calendar date in ``text`` (Thai, numeric, ISO or English), in order.

    A date written without a year takes ``default_year`` (Gregorian or BE); without one it is
    skipped. Impossible dates (31 ก.พ.) are skipped.
    """
    folded = fold_thai_digits(text)
    return [
        DateMatch(span=(start, end), date=date, text=text[start:end], weekday=weekday)
        for start, end, date, weekday in _without_overlaps(_candidates(folded, default_year))
    ]


def parse_thai_date(text: str, *, default_year: int | None = None) -> datetime.date | None:
    """The first valid date in ``text``, or None."""
    matches = find_dates(text, default_year=default_year)
    return matches[0].date if matches else None


# ---------------------------------------------------------------- times

_CLOCK = r"(?P<{h}>[01]?\d|2[0-3])(?P<{s}>[.:])(?P<{m}>[0-5]\d)(?![\d])(?![.:]\d)"
_OCLOCK = rf"(?:\s*(?:นาฬิกา|น\.|น(?![{_THAI_CHAR}])))"
_TIME = re.compile(
    r"(?<![\d.:/])"
    + _CLOCK.format(h="h1", s="s1", m="m1")
    + rf"(?P<u1>{_OCLOCK})?"
    + r"(?:\s*(?:-|–|—|ถึง(?:เวลา)?)\s*"
    + _CLOCK.format(h="h2", s="s2", m="m2")
    + rf"(?P<u2>{_OCLOCK})?)?"
)
_TIME_CONTEXT = re.compile(r"(?:เวลา|ตั้งแต่|ระหว่าง)\s*(?:ประมาณ\s*)?$")


def find_times(text: str) -> list[TimeMatch]:
    """Clock times and ranges: 13.00 - 15.30 น., 09.30 น., เวลา ๑๓.๓๐ - ๑๖.๐๐ น., 13:00.

    A dotted number counts as a time only with น./นาฬิกา after it or เวลา before it, so that
    amounts such as 12.50 ล้านบาท are not read as times.
    """
    folded = fold_thai_digits(text)
    found: list[TimeMatch] = []
    for m in _TIME.finditer(folded):
        colon = m.group("s1") == ":" and (m.group("s2") in (None, ":"))
        marked = bool(m.group("u1") or m.group("u2"))
        context = bool(_TIME_CONTEXT.search(folded[max(0, m.start() - 16) : m.start()]))
        if not (colon or marked or context):
            continue
        start = f"{int(m.group('h1')):02d}:{m.group('m1')}"
        end = f"{int(m.group('h2')):02d}:{m.group('m2')}" if m.group("h2") else None
        found.append(TimeMatch(span=(m.start(), m.end()), start=start, end=end))
    return found


# ---------------------------------------------------------------- deadlines

# A plain ใน counts only before a fiscal year (ในปีงบประมาณ พ.ศ. 2566 is how plans state their
# deadline) and only when that year has not ended by the meeting.
_TRIGGER = re.compile(
    r"(?:(?:ให้)?แล้วเสร็จ\s*)?(?:ภายใน|ก่อน|ไม่เกิน(?:กว่า)?|ไม่ช้ากว่า|(?P<plain>ใน)(?=\s*(?:สิ้น)?ปีงบ))\s*"
)
_YEAR_TAIL = rf"(?:\s*(?:{ERA_RE}\s*)?(?P<year>\d{{4}}|\d{{2}})(?!\d))?"
_DUE_MONTH = re.compile(rf"(?:สิ้น)?(?:เดือน)?\s*(?P<month>{THAI_MONTH_RE}){_YEAR_TAIL}")
_DUE_FISCAL = re.compile(
    rf"(?:สิ้น)?ปีงบ(?:ประมา[ณน])?\s*(?:(?P<rel>นี้|ถัดไป|หน้า)|(?:{ERA_RE}\s*)?(?P<year>\d{{4}}|\d{{2}})(?!\d))?"
)
_DUE_YEAR = re.compile(rf"(?:สิ้น)?ปี\s*(?:(?P<rel>นี้|ถัดไป|หน้า)|(?:{ERA_RE}\s*)?(?P<year>\d{{4}}|\d{{2}})(?!\d))")
_DUE_END_OF_YEAR = re.compile(r"สิ้นปี(?!งบ)")
_DUE_END_OF_MONTH = re.compile(rf"สิ้นเดือน(?!\s*{THAI_MONTH_RE})(?:\s*(?P<rel>นี้|ถัดไป|หน้า))?")
_DUE_QUARTER = re.compile(
    rf"(?:สิ้น)?ไตรมาส(?:ที่)?\s*(?P<q>[1-4])(?:\s*(?:ของ)?\s*(?P<kind>ปีงบ(?:ประมา[ณน])?|ปี)\s*(?:{ERA_RE}\s*)?(?P<year>\d{{4}}|\d{{2}})(?!\d))?"
)
_DUE_RELATIVE = re.compile(
    r"(?:(?:ระยะ)?เวลา\s*)?(?P<n>\d{1,3})\s*(?P<unit>วันทำการ|วัน|สัปดาห์|อาทิตย์|เดือน|ปี)(?!ที่)"
)
_DUE_DATE_PREFIX = re.compile(r"(?:สิ้น)?(?:วันที่|วัน)?\s*")


def _year_of(match: re.Match[str]) -> int | None:
    raw = match.group("year")
    if not raw:
        return None
    return gregorian_year(raw, era="ce" if match.group("ce") else "be" if match.group("be") else None)


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _add_months(start: datetime.date, months: int) -> datetime.date:
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def _add_business_days(start: datetime.date, days: int) -> datetime.date:
    current = start
    while days > 0:
        current += datetime.timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


def _fiscal_year_of(day: datetime.date) -> int:
    """The Gregorian year in which the Thai fiscal year holding ``day`` ends (1 Oct – 30 Sep)."""
    return day.year + 1 if day.month >= 10 else day.year


def _relative(rel: str | None) -> int:
    return 1 if rel in ("ถัดไป", "หน้า") else 0


def _due_at(folded: str, pos: int, meeting: datetime.date | None) -> tuple[int, datetime.date] | None:
    """Read the deadline that starts at ``pos`` (just after a trigger word): (end, date)."""
    prefix = _DUE_DATE_PREFIX.match(folded, pos)
    after_prefix = prefix.end() if prefix else pos
    default_year = meeting.year if meeting else None
    month: int | None
    for pattern, at in (
        (_THAI_DATE, pos),  # its own prefix reads วันศุกร์ที่ …
        (_THAI_DATE, after_prefix),
        (_NUMERIC_DATE, after_prefix),
        (_ISO_DATE, after_prefix),
        (_ENGLISH_DATE, after_prefix),
    ):
        m = pattern.match(folded, at)
        if m:
            dates = _candidates(folded[m.start() : m.end()], default_year)
            if dates:
                date = dates[0][2]
                written_year = m.groupdict().get("year") or m.groupdict().get("year2")
                if meeting and not written_year and date < meeting:
                    date = _make_date(date.year + 1, date.month, date.day) or date
                return m.end(), date
    if m := _DUE_FISCAL.match(folded, pos):
        year = _year_of(m)
        if year is None and meeting:
            year = _fiscal_year_of(meeting) + _relative(m.group("rel"))
        return (m.end(), datetime.date(year, 9, 30)) if year else None
    if m := _DUE_QUARTER.match(folded, pos):
        quarter, year = int(m.group("q")), _year_of(m)
        fiscal = (m.group("kind") or "ปีงบ").startswith("ปีงบ")
        if year is None and meeting:
            year = _fiscal_year_of(meeting) if fiscal else meeting.year
        if year is None:
            return None
        if fiscal:  # Q1 of fiscal year Y is October–December of Y-1
            month = (9 + 3 * quarter) % 12 or 12
            return m.end(), _month_end(year - 1 if quarter == 1 else year, month)
        return m.end(), _month_end(year, 3 * quarter)
    if m := _DUE_YEAR.match(folded, pos):
        year = _year_of(m)
        if year is None and meeting:
            year = meeting.year + _relative(m.group("rel"))
        return (m.end(), datetime.date(year, 12, 31)) if year else None
    if (m := _DUE_END_OF_YEAR.match(folded, pos)) and meeting:
        return m.end(), datetime.date(meeting.year, 12, 31)
    if m := _DUE_END_OF_MONTH.match(folded, pos):
        if meeting is None:
            return None
        target = _add_months(meeting.replace(day=1), _relative(m.group("rel")))
        return m.end(), _month_end(target.year, target.month)
    if m := _DUE_MONTH.match(folded, pos):
        month = _month_number(m.group("month"))
        year = _year_of(m)
        if year is None and meeting:
            year = meeting.year + (1 if month is not None and month < meeting.month else 0)
        return (m.end(), _month_end(year, month)) if year and month else None
    if (m := _DUE_RELATIVE.match(folded, pos)) and meeting:
        n, unit = int(m.group("n")), m.group("unit")
        if unit == "วันทำการ":
            return m.end(), _add_business_days(meeting, n)
        if unit == "วัน":
            return m.end(), meeting + datetime.timedelta(days=n)
        if unit in ("สัปดาห์", "อาทิตย์"):
            return m.end(), meeting + datetime.timedelta(weeks=n)
        return m.end(), _add_months(meeting, n if unit == "เดือน" else 12 * n)
    return None


def find_due(text: str, *, meeting_date: datetime.date | None = None) -> DueMatch | None:
    """The first deadline in ``text`` (ภายในวันที่…, ภายในเดือน…, ภายในปีงบประมาณ…, ภายใน 30 วัน, ก่อน…).

    Month deadlines give the month's last day, fiscal years 30 September, calendar years
    31 December; relative ones (ภายใน 30 วัน, สิ้นเดือนนี้) count from ``meeting_date`` and are
    skipped without it. A missing year is the meeting's (the next one if that date has passed).
    """
    folded = fold_thai_digits(text)
    for trigger in _TRIGGER.finditer(folded):
        found = _due_at(folded, trigger.end(), meeting_date)
        if found:
            end, due = found
            if trigger.group("plain") and meeting_date and due < meeting_date:
                continue
            return DueMatch(span=(trigger.start(), end), due=due, text=text[trigger.start() : end])
    return None


def parse_due(text: str, meeting_date: datetime.date | None = None) -> str | None:
    """The ISO date of the first deadline in ``text``, or None."""
    match = find_due(text, meeting_date=meeting_date)
    return match.due.isoformat() if match else None
