"""The typed records that flow through the pipeline.

ingest produces a `Document` (decoded text + pages + boilerplate marks); nlp turns its text
into an `Extraction` (meeting facts, items, agency mentions); SDG tagging adds `SdgTag`s;
the pipeline bundles everything into one `Minutes` record that search, tracking and
briefing consume. All records are frozen: a stage returns a new record instead of
mutating the one it was given.

Spans are always ``(start, end)`` Python ``str`` offsets into ``Document.text`` (end
exclusive): the text as the file holds it after decoding, so a UI can highlight it.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol, runtime_checkable

import numpy as np

Span = tuple[int, int]

KINDS = ("action", "recommendation", "resolution")
ACTION_STATUSES = ("done", "in_progress", "not_started", "planned")


@dataclass(frozen=True)
class Page:
    """One page of a paged source (PDF, scanned image): its number and its text range."""

    number: int  # 1-based
    start: int
    end: int
    ocr: bool = False
    confidence: float | None = None  # mean OCR word confidence (0-100), None for a text layer


@dataclass(frozen=True)
class Boilerplate:
    """A range of the text that is not meeting content (repeated title, print line, URL, image name)."""

    span: Span
    label: str  # repeated_title | print | source_url | attachment | navigation


@dataclass(frozen=True)
class Document:
    """What a reader returns: the decoded text of one file and how it was read."""

    file_name: str
    text: str
    format: str  # txt | md | html | docx | pdf | image
    content_hash: str  # sha256 of the file's bytes
    source_path: str | None = None
    encoding: str | None = None
    pages: tuple[Page, ...] = ()
    boilerplate: tuple[Boilerplate, ...] = ()
    warnings: tuple[str, ...] = ()
    meta: Mapping[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        """Stable id of this version of the document (changes when the content changes)."""
        return self.content_hash[:16]

    def page_of(self, offset: int) -> int | None:
        """The 1-based page holding ``offset``, or None for unpaged documents."""
        for page in self.pages:
            if page.start <= offset < page.end or (offset == page.end == len(self.text)):
                return page.number
        return None


@dataclass(frozen=True)
class Participant:
    name: str | None
    position: str | None = None
    agency: str | None = None
    role: str | None = None  # ประธาน | กรรมการ | ผู้แทน | เลขานุการ | ผู้เข้าร่วม | ผู้ไม่มาประชุม ...


@dataclass(frozen=True)
class Meeting:
    title: str | None = None
    body: str | None = None
    date: str | None = None  # ISO Gregorian yyyy-mm-dd
    start_time: str | None = None  # HH:MM
    end_time: str | None = None
    chair: str | None = None
    location: str | None = None
    participants: tuple[Participant, ...] = ()


@dataclass(frozen=True)
class SdgTarget:
    target: str  # "13.3", "17.17"
    score: float


@dataclass(frozen=True)
class SdgTag:
    """One goal a text touches, why (evidence strings found in the text) and its best targets."""

    goal: int
    score: float
    evidence: tuple[str, ...] = ()
    targets: tuple[SdgTarget, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "goal": self.goal,
            "score": round(self.score, 4),
            "evidence": list(self.evidence),
            "targets": [{"target": t.target, "score": round(t.score, 4)} for t in self.targets],
        }

    def to_item_dict(self) -> dict[str, Any]:
        """The item-level shape of the extraction contract (one target, one evidence string)."""
        return {
            "goal": self.goal,
            "target": self.targets[0].target if self.targets else None,
            "score": round(self.score, 4),
            "evidence": ", ".join(self.evidence),
            "targets": [{"target": t.target, "score": round(t.score, 4)} for t in self.targets],
        }


@dataclass(frozen=True)
class Item:
    """An action, recommendation or resolution found in the minutes."""

    id: str
    kind: str  # one of KINDS
    text: str  # exactly Document.text[span[0]:span[1]]
    span: Span
    by: tuple[str, ...] = ()
    to: tuple[str, ...] = ()
    due: str | None = None  # ISO date
    status: str | None = None  # one of ACTION_STATUSES, or None
    sdg: tuple[SdgTag, ...] = ()
    section: str | None = None  # the agenda heading the item sits under, if any

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "text": self.text,
            "span": list(self.span),
            "by": list(self.by),
            "to": list(self.to),
            "due": self.due,
            "status": self.status,
            "sdg": [tag.to_item_dict() for tag in self.sdg],
            "section": self.section,
        }


@dataclass(frozen=True)
class AgencyMention:
    name: str  # canonical Thai name
    abbr: str | None
    mentions: tuple[Span, ...] = ()
    name_en: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "abbr": self.abbr,
            "name_en": self.name_en,
            "mentions": [list(m) for m in self.mentions],
        }


@dataclass(frozen=True)
class Extraction:
    """What the pure nlp extractor returns for one text."""

    meeting: Meeting
    items: tuple[Item, ...] = ()
    agencies: tuple[AgencyMention, ...] = ()


@dataclass(frozen=True)
class Minutes:
    """One document with everything prachum knows about it: the record the pipeline passes on."""

    document: Document
    meeting: Meeting
    items: tuple[Item, ...] = ()
    sdg: tuple[SdgTag, ...] = ()
    agencies: tuple[AgencyMention, ...] = ()

    @property
    def id(self) -> str:
        return self.document.id

    def to_contract(self) -> dict[str, Any]:
        """The JSON object of ``shared/spec/extraction.md`` (plus a few extra keys)."""
        meeting = asdict(self.meeting)
        meeting["participants"] = [asdict(p) for p in self.meeting.participants]
        return {
            "doc": self.document.file_name,
            "doc_id": self.id,
            "format": self.document.format,
            "meeting": meeting,
            "items": [item.to_dict() for item in self.items],
            "sdg": [tag.to_dict() for tag in self.sdg],
            "agencies": [a.to_dict() for a in self.agencies],
            "pages": len(self.document.pages) or None,
            "warnings": list(self.document.warnings),
        }


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised vectors. Queries and passages may be encoded differently
    (e5 models use ``query:`` / ``passage:`` prefixes)."""

    name: str  # identifies backend + model, recorded by the index so it never mixes vectors
    dim: int

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...
