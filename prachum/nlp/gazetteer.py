"""The agency gazetteer: Thai government bodies with their abbreviations and English names.

The bundled table is ``corpus/gazetteer/agencies.tsv`` (UTF-8, tab-separated, header row
``abbr name name_en aliases kind parent``; aliases are ``|``-separated). A user's file with the
same columns is merged over it: a user row replaces the bundled agency with the same
abbreviation or Thai name, and new rows are added.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from prachum.errors import InvalidInput, choices
from prachum.nlp.alternation import longest_first
from prachum.resources import corpus_path

COLUMNS = ("abbr", "name", "name_en", "aliases", "kind", "parent")
AGENCY_KINDS = (
    "ministry", "department", "office", "provincial", "local", "state_enterprise",
    "independent", "legislature", "committee", "position", "international", "other",
)  # fmt: skip


@dataclass(frozen=True)
class Agency:
    abbr: str | None
    name: str  # canonical Thai name
    name_en: str | None
    aliases: tuple[str, ...]
    kind: str
    parent: str | None  # the parent's abbreviation or name

    def forms(self) -> tuple[str, ...]:
        """Every written form: name, English name, abbreviation, then aliases (no duplicates)."""
        ordered = [self.name, self.name_en, self.abbr, *self.aliases]
        return tuple(dict.fromkeys(f for f in ordered if f))


def surface_key(surface: str) -> str:
    """How surfaces are compared: NFC, single spaces, Latin case folded."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", surface)).strip().casefold()


def _key_variants(surface: str) -> Iterator[str]:
    """The keys a surface is found under: as written, without its final dot, without spaces."""
    key = surface_key(surface)
    compact = key.replace(" ", "")
    for variant in (key, key.rstrip("."), compact, compact.rstrip(".")):
        if variant:
            yield variant


class Gazetteer:
    """Agencies with look-up by any written form, and query expansion for search."""

    def __init__(self, agencies: Sequence[Agency]) -> None:
        self.agencies: tuple[Agency, ...] = tuple(agencies)
        self._by_key: dict[str, Agency] = {}
        # Primary forms first, so that an alias never shadows another agency's own abbreviation.
        for agency in self.agencies:
            for form in (agency.abbr, agency.name, agency.name_en):
                if form:
                    for key in _key_variants(form):
                        self._by_key.setdefault(key, agency)
        for agency in self.agencies:
            for form in agency.aliases:
                for key in _key_variants(form):
                    self._by_key.setdefault(key, agency)
        self._scanner: re.Pattern[str] | None = None

    def __len__(self) -> int:
        return len(self.agencies)

    def lookup(self, surface: str) -> Agency | None:
        """The agency written as ``surface`` (abbreviation with or without its final dot, Thai or
        English name, alias; Latin case-insensitive), or None."""
        for key in _key_variants(surface):
            agency = self._by_key.get(key)
            if agency is not None:
                return agency
        return None

    def parent_of(self, agency: Agency) -> Agency | None:
        return self.lookup(agency.parent) if agency.parent else None

    def surfaces(self) -> list[tuple[str, Agency]]:
        """Every (written form, agency) pair that text may contain, longest first.

        A form shared by two agencies belongs to the one ``lookup`` returns.
        """
        pairs: dict[str, Agency] = {}
        for agency in self.agencies:
            for form in agency.forms():
                owner = self.lookup(form)
                if owner is not None:
                    pairs.setdefault(form, owner)
        return sorted(pairs.items(), key=lambda pair: (-len(pair[0]), pair[0]))

    def find_in(self, text: str) -> list[tuple[int, int, Agency]]:
        """Cheap longest-first scan of ``text`` for known forms (no tokenizer): (start, end, agency).

        Latin forms must stand as whole words; abbreviations must not start inside a Thai word.
        """
        if self._scanner is None:
            forms = [(form, re.escape(form)) for form, _ in self.surfaces()]
            self._scanner = longest_first(forms, re.IGNORECASE) or re.compile(r"(?!)")
        found: list[tuple[int, int, Agency]] = []
        position = 0
        while match := self._scanner.search(text, position):
            start, end = match.span()
            if _standalone(text, start, end):
                agency = self.lookup(match.group())
                if agency is not None:
                    found.append((start, end, agency))
                    position = end
                    continue
            position = start + 1
        return found

    def expand_query(self, text: str) -> list[str]:
        """Other written forms of the agencies named in ``text``, for search.

        "มท." gives ["กระทรวงมหาดไทย", "Ministry of Interior", …]; "Ministry of Interior" gives the
        Thai name and abbreviation first. Forms already in the text are left out.
        """
        whole = self.lookup(text)
        agencies = [whole] if whole is not None else [a for _, _, a in self.find_in(text)]
        present = surface_key(text)
        expanded: list[str] = []
        for agency in dict.fromkeys(agencies):
            for form in agency.forms():
                if surface_key(form) not in present and form not in expanded:
                    expanded.append(form)
        return expanded


_THAI_LETTER = re.compile(r"[\u0e01-\u0e4e]")
_LATIN_WORD = re.compile(r"[A-Za-z0-9]")


def _standalone(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    first, last = text[start], text[end - 1]
    if _LATIN_WORD.match(first) and before and _LATIN_WORD.match(before):
        return False
    if _LATIN_WORD.match(last) and after and _LATIN_WORD.match(after):
        return False
    # An abbreviation (ends with a dot, short) glued to a Thai letter before it is part of
    # another word or abbreviation (อสค. must not yield สค.).
    return not (last == "." and end - start <= 8 and before and _THAI_LETTER.match(before))


def parse_agencies(lines: Iterable[str], *, source: str) -> list[Agency]:
    """Rows of a gazetteer file; the first non-comment line is the header."""
    agencies: list[Agency] = []
    header_seen = False
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = [cell.strip() for cell in line.split("\t")]
        if not header_seen:
            header_seen = True
            if [c.lower() for c in cells[: len(COLUMNS)]] != list(COLUMNS):
                raise InvalidInput(
                    f"{source}:{number}: header must be the tab-separated columns {' '.join(COLUMNS)}"
                )
            continue
        agencies.append(_agency_row(cells, source=source, number=number))
    return agencies


def _agency_row(cells: list[str], *, source: str, number: int) -> Agency:
    if len(cells) > len(COLUMNS):
        raise InvalidInput(f"{source}:{number}: {len(cells)} columns, expected at most {len(COLUMNS)}")
    abbr, name, name_en, aliases, kind, parent = cells + [""] * (len(COLUMNS) - len(cells))
    if not name:
        raise InvalidInput(f"{source}:{number}: the name column is empty")
    kind = kind or "other"
    if kind not in AGENCY_KINDS:
        raise InvalidInput(f"{source}:{number}: kind {choices(kind, AGENCY_KINDS)}")
    return Agency(
        abbr=abbr or None,
        name=unicodedata.normalize("NFC", name),
        name_en=name_en or None,
        aliases=tuple(a.strip() for a in aliases.split("|") if a.strip()),
        kind=kind,
        parent=parent or None,
    )


def _read_rows(path: Path) -> list[Agency]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InvalidInput(f"gazetteer file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(f"cannot read gazetteer file {path}: {error}") from None
    return parse_agencies(text.splitlines(), source=str(path))


def merge_agencies(bundled: Sequence[Agency], user: Sequence[Agency]) -> list[Agency]:
    """User rows first (they win look-ups); bundled rows with the same abbr or name are dropped."""
    replaced = {surface_key(a.name) for a in user} | {surface_key(a.abbr) for a in user if a.abbr}
    kept = [
        a
        for a in bundled
        if surface_key(a.name) not in replaced and not (a.abbr and surface_key(a.abbr) in replaced)
    ]
    return [*user, *kept]


def bundled_path() -> Path:
    return corpus_path("gazetteer", "agencies.tsv")


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return -1


def load_gazetteer(extra: Path | str | None = None) -> Gazetteer:
    """The bundled gazetteer, with the user's file ``extra`` merged over it (cached per file version)."""
    bundled = bundled_path()
    extra_path = Path(extra).expanduser().resolve() if extra else None
    extra_key = (str(extra_path), _mtime(extra_path)) if extra_path else None
    return _load((str(bundled), _mtime(bundled)), extra_key)


@lru_cache(maxsize=8)
def _load(bundled: tuple[str, int], extra: tuple[str, int] | None) -> Gazetteer:
    agencies = _read_rows(Path(bundled[0]))
    if extra is not None:
        agencies = merge_agencies(agencies, _read_rows(Path(extra[0])))
    return Gazetteer(agencies)
