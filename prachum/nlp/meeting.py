"""Meeting facts: title, body, date, times, chair, location or platform, participants.

Works on the normalised text (Thai digits are folded only where dates and times are read).
People come from `prachum.nlp.entities.find_persons`. The cue words live in
``corpus/lexicons/`` (body_heads, body_stops,
meeting_roles, platforms).
"""

from __future__ import annotations

import datetime
import re
from functools import lru_cache

from prachum.models import Meeting, Participant, Span
from prachum.nlp import dates
from prachum.nlp.attribution import AgencyHit, _hits_within, display_name
from prachum.nlp.cues import _alternation, _rows, load_cues
from prachum.nlp.segment import lines

_NOT_TITLE = re.compile(
    r"^(?:มติ|ระเบียบวาระ|วาระที่|[0-9๐-๙]+\s?[.)]|[-•]|\(|อนึ่ง|ในการนี้|โดย|ทั้งนี้|และ|นอกจากนี้|ผู้มาประชุม)"
)
# a body's name may be written flush after these words ("การประชุมคณะ…", "ร่วมกับคณะ…")
_AFTER_WORDS = "|".join(f"(?<={w})" for w in ("ประชุม", "กับ", "ของ", "ต่อ", "และ", "โดย", "ระหว่าง"))
_FLUSH_STOPS = r"เป็นประธาน|มีมติ|ครั้งที่|เห็นชอบ|ได้จัด|ได้มี"


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    roles = sorted((r[0] for r in _rows("meeting_roles.txt")), key=len, reverse=True)
    heads = _alternation("body_heads.txt")
    return {
        "role": re.compile(r"\s(" + "|".join(map(re.escape, roles)) + r")\s*$"),
        "body": re.compile(rf"(?:(?<![ก-๙])|{_AFTER_WORDS})(?:{heads})[ก-๙]"),
        "body_stop": re.compile(rf"\s(?:{_alternation('body_stops.txt')})|(?:{_FLUSH_STOPS})|\n"),
        # one pattern per row: the lexicon lists specific platforms before generic wording
        **{f"platform{i}": re.compile(row[0]) for i, row in enumerate(_rows("platforms.txt"))},
    }


def persons_in(text: str) -> list[tuple[int, str]]:
    """(offset, name with title) of the people named in ``text``, by the colleague's finder."""
    from prachum.nlp.entities import find_persons

    return [(m.span[0], m.name) for m in find_persons(text)]


def _split_person(text: str) -> tuple[str | None, str]:
    """A participant or delegate phrase: (name with title, the words after the name)."""
    people = persons_in(text)
    if not people or people[0][0] > 2:
        return None, text.strip()
    offset, name = people[0]
    rest = text[offset + len(name) :] if text[offset : offset + len(name)] == name else ""
    return name, rest.strip()


def _clean_line(text: str, span: Span, skip: tuple[Span, ...]) -> str:
    start, end = span
    for s, e in skip:
        if s <= start < e:
            start = e
    return text[start:end].strip()


def find_title(text: str, skip: tuple[Span, ...]) -> str | None:
    """The first content line that reads as a heading (not a date line, not a long paragraph)."""
    for span in lines(text)[:8]:
        if any(s <= span[0] and span[1] <= e for s, e in skip):
            continue
        line = _clean_line(text, span, skip)
        if not line or re.fullmatch(r"[\w\-. ()]+\.(?:jpe?g|png|gif)", line, re.I):
            continue
        found = dates.find_dates(line)
        if found and found[0].span[0] <= 3 and len(line) < 60:
            continue  # the news date line
        if _NOT_TITLE.match(line) or load_cues().list_introducer.search(line):
            return None  # the text starts with content, not with a heading
        return line if len(line) <= 250 else None
    return None


def find_body(text: str) -> str | None:
    p = _patterns()
    candidates = []
    for m in p["body"].finditer(text):
        stop = p["body_stop"].search(text, m.start() + 4, m.start() + 260)
        end = stop.start() if stop else min(len(text), m.start() + 250)
        name = text[m.start() : end].strip(" ,")
        before = text[max(0, m.start() - 8) : m.start()]
        line_start = m.start() == 0 or text[m.start() - 1] == "\n" or "บันทึกการประชุม" in before
        after = text[end : end + 30]
        rank = (
            0
            if re.search(r"(?<!ห้อง)ประชุม\s?$", before)
            else 1
            if re.match(r"\s?(?:ได้)?(?:จัด)?(?:การ)?ประชุม", after) or line_start
            else 2
        )
        if rank < 2 or name.startswith("คณะ"):  # a centre or council named in passing did not meet
            candidates.append((rank, m.start(), name))
        if m.start() > 3000:
            break
    best = min(candidates) if candidates else None
    if (best is None or best[0] == 2) and re.search(r"ครม\.\)?\s?(?:มี)?มติ|ครม\.\s?เห็นชอบ", text):
        return "คณะรัฐมนตรี"  # a cabinet decision reported in the news: the cabinet met
    return best[2] if best else None


def find_date_times(text: str) -> tuple[str | None, str | None, str | None]:
    found = dates.find_dates(text[:4000])
    date = found[0].date.isoformat() if found else None
    times = dates.find_times(text[:6000])
    start = times[0].start if times else None
    end = times[0].end if times else None
    closing = re.search(r"(?:เลิก|(?<!เ)ปิด)(?:การ)?ประชุม(?:เวลา|\s)?\s*", text)
    if closing and not end:
        after = dates.find_times(text[closing.end() : closing.end() + 30])
        if after:
            end = after[0].start
    return date, start, end


def find_chair(text: str, skip: tuple[Span, ...] = ()) -> str | None:
    """Who chaired: "… X เป็นประธานการประชุม", "X ทำหน้าที่ประธาน", or the ประธาน line of the list."""
    fallback = None
    for m in re.finditer(r"(?:เป็น|ทำหน้าที่)ประธาน(?:การประชุม|ในการประชุม|ในที่ประชุม|กรรมการ)?", text):
        if any(s <= m.start() < e for s, e in skip):
            continue
        line_start = text.rfind("\n", 0, m.start()) + 1
        having = text.rfind("โดยมี", line_start, m.start())
        chunk = text[max(line_start, having + len("โดยมี") if having >= 0 else 0) : m.start()]
        persons = persons_in(chunk)
        if persons:
            return persons[-1][1]
        words = chunk.strip().split()
        if words and fallback is None and len(words[-1]) <= 40:
            fallback = words[-1]
    for line_span in lines(text):
        line = text[line_span[0] : line_span[1]]
        r = re.search(r"\s(?:ประธานกรรมการ|ประธานในที่ประชุม|ประธานการประชุม|ประธาน$)(?:\s|$)", line)
        if r:
            persons = persons_in(line[: r.start()])
            if persons:
                return persons[0][1]
            head = re.sub(r"^[0-9๐-๙]+[.)]\s*", "", line[: r.start()]).strip()
            return head.split(" ")[0] if head else fallback
    return fallback


def find_location(text: str) -> str | None:
    p = _patterns()
    m = re.search(r"(?:^|\s)ณ\s?", text[:6000])
    if m:
        stop = re.compile(r"\s(?:โดย|เวลา|และผ่าน|ผ่าน|รูปแบบ)|\n")
        s = stop.search(text, m.end(), m.end() + 200)
        loc = text[m.end() : s.start() if s else m.end() + 200]
        people = persons_in(loc)
        loc = (loc[: people[0][0]] if people else loc).strip()
        if loc:
            return loc
    for key, pattern in p.items():
        if key.startswith("platform") and (found := pattern.search(text[:6000])):
            return found.group(0)
    return None


def _participant_line(line: str, role: str | None, agency: str | None = None) -> Participant:
    p = _patterns()
    line = re.sub(r"^[0-9๐-๙]+\s?[.)]\s*", "", line).strip()
    line = re.sub(r"\s?\((?:ติดราชการ|ลาป่วย|ลากิจ|ไปราชการ)[^)]*\)$", "", line)
    r = p["role"].search(line)
    if r:
        role = role or r.group(1)
        line = line[: r.start()]
    name, position = _split_person(line)
    return Participant(name=name, position=position or None, agency=agency, role=role)


def find_participants(text: str, hits: list[AgencyHit]) -> tuple[Participant, ...]:
    out: list[Participant] = []
    role_of_section = {"ผู้มาประชุม": None, "ผู้เข้าร่วมประชุม": "ผู้เข้าร่วม", "ผู้ไม่มาประชุม": "ผู้ไม่มาประชุม"}
    section: str | None = None
    for span in lines(text):
        line = text[span[0] : span[1]]
        head = line.rstrip(" :")
        if head in role_of_section:
            section = head
            continue
        if section and re.match(r"^[0-9๐-๙]+\s?[.)]", line):
            # the body the member comes from: the first organisation named on the line
            orgs = [h for h in _hits_within(hits, span[0], span[1]) if h.kind != "position"]
            agency = display_name(orgs[0]) if orgs else None
            out.append(_participant_line(line, role_of_section[section], agency))
        else:
            section = None
    delegate = re.compile(r"มอบหมายให้\s?(?P<who>.+?)\s?เป็นผู้แทน\s?(?P<agency>\S+)")
    represent = re.compile(
        r"(?P<who>[^\s]+\s[^\s]+\s[^\s]+)\s(?:ในฐานะ)?ผู้แทน(?P<agency>กระทรวง\S+|\s\S+)\s?เข้าร่วม"
    )
    matches = list(delegate.finditer(text))
    for anchor in re.finditer(r"ผู้แทน(?:กระทรวง\S+|\s\S+)\s?เข้าร่วม", text):
        window_start = max(0, anchor.start() - 120)  # the person and position just before
        m = represent.search(text, window_start, anchor.end())
        if m:
            matches.append(m)
    for m in matches:
        who = m.group("who")
        name, position = _split_person(who)
        surface = m.group("agency").strip()
        agency = next((h.name for h in hits if h.surface == surface or h.name == surface), surface)
        out.append(Participant(name=name, position=position or None, agency=agency, role="ผู้แทน"))
    return tuple(out)


def extract_meeting(text: str, skip: tuple[Span, ...], hits: list[AgencyHit]) -> Meeting:
    date, start, end = find_date_times(text)
    return Meeting(
        title=find_title(text, skip),
        body=find_body(text),
        date=date,
        start_time=start,
        end_time=end,
        chair=find_chair(text, skip),
        location=find_location(text),
        participants=find_participants(text, hits),
    )


def meeting_day(meeting: Meeting) -> datetime.date | None:
    return datetime.date.fromisoformat(meeting.date) if meeting.date else None
