"""ingest → extract → tag → store + register → index, for one document at a time.

`analyse` is pure (a Document in, a Minutes record out). `Pipeline.ingest_one` stores the
record and its register entries in ONE transaction, then indexes it; a crash after the
commit leaves the document marked ``index_state='pending'`` and `reconcile` (run at the
start of every batch and by `prachum reindex`) brings the index back in line.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from prachum.errors import PrachumError, ReadError
from prachum.ingest import read_bytes, read_path, status_note, supported
from prachum.ingest.limits import Limits, limits_from
from prachum.models import Document, Minutes

if TYPE_CHECKING:
    from prachum.services import Services
    from prachum.store import Store

# Files that describe a folder rather than minutes: skipped when a folder is walked
# (name them explicitly to ingest them).
FOLDER_METADATA = {"readme", "license", "licence", "changelog", "sources", "notice", "authors"}

# The steps of one document, in order, as reported to a `Progress` callback (the job queue
# shows them in the web UI); the second argument is the number of pages once the file is read.
STEPS = ("reading", "analysing", "storing", "indexing")
Progress = Callable[[str, int | None], None]


@dataclass(frozen=True)
class IngestResult:
    path: str
    status: str  # ok | replaced | unchanged | failed
    doc_id: str | None = None
    message: str = ""
    items: int = 0
    meeting_date: str | None = None

    @property
    def failed(self) -> bool:
        return self.status == "failed"

    def to_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "status": self.status,
            "doc_id": self.doc_id,
            "message": self.message,
            "items": self.items,
            "meeting_date": self.meeting_date,
        }


def collect_paths(paths: Iterable[str | Path], recursive: bool = False) -> list[Path]:
    """Expand folders into the supported files inside them (sorted, hidden files skipped)."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            walker = path.rglob("*") if recursive else path.glob("*")
            for child in sorted(walker):
                if (
                    child.is_file()
                    and supported(child)
                    and not any(part.startswith(".") for part in child.relative_to(path).parts)
                    and child.stem.lower() not in FOLDER_METADATA
                ):
                    out.append(child)
        else:
            out.append(path)
    return out


def analyse(document: Document, services: Services, *, for_index: bool = False) -> Minutes:
    """Extraction and SDG tagging of one document; touches neither the store nor the index.

    ``for_index``: the document will be indexed next, so the texts the index will embed are
    embedded now together with the SDG tagger's, in one batch (see `embed_ahead`)."""
    from prachum.nlp.extract import extract

    extraction = extract(
        document.text,
        doc_name=document.file_name,
        boilerplate=tuple(b.span for b in document.boilerplate),
        gazetteer=services.gazetteer,
    )
    draft = Minutes(document=document, meeting=extraction.meeting, items=tuple(extraction.items))
    embed_ahead(services, draft if for_index else None, services.tagger.embedding_texts(document.text, draft.items))
    items, doc_sdg = services.tagger.tag_minutes(document.text, extraction.items)
    return Minutes(
        document=document,
        meeting=extraction.meeting,
        items=tuple(items),
        sdg=tuple(doc_sdg),
        agencies=extraction.agencies,
    )


def embed_ahead(services: Services, to_index: Minutes | None, texts: Sequence[str] = ()) -> int:
    """Embed ``texts`` and the index units of ``to_index`` that the index has no vector for, in
    ONE call into the services' `CachingEmbedder`; returns how many texts that call was given.

    The SDG tagger, the register and the index then find their vectors in the cache. One call
    per document instead of one per consumer (and the index's batches of 32) lets a batching
    embedder (e5-dense) sort the whole document's texts by length, so little goes to padding.
    Unit texts do not depend on SDG tags, so they can be cut before tagging."""
    from prachum.search.units import build_units

    wanted = list(texts)
    if to_index is not None:
        units = build_units(to_index)
        known = services.index.catalog.cached_vectors([u.content_hash for u in units], services.embedder.dim)
        wanted += [u.text for u in units if u.content_hash not in known]
    if wanted:
        services.embedder.embed_passages(wanted)
    return len(wanted)


def _no_progress(_step: str, _pages: int | None) -> None:
    return None


class Pipeline:
    def __init__(self, services: Services) -> None:
        self.services = services

    @property
    def store(self) -> Store:
        return self.services.store

    @property
    def limits(self) -> Limits:
        return limits_from(self.services.settings)

    def ingest_paths(
        self,
        paths: Iterable[str | Path],
        *,
        recursive: bool = False,
        on_result: Callable[[IngestResult], None] | None = None,
        actor: str = "cli",
        progress: Callable[[Path], Progress] | None = None,
    ) -> list[IngestResult]:
        """Ingest files one by one; ``progress(path)`` gives each file's step/page callback."""
        files = collect_paths(paths, recursive)
        self.reconcile()
        results = []
        for path in files:
            result = self._guarded(
                str(path),
                lambda pages, p=path: read_path(p, limits=self.limits, progress=pages),  # type: ignore[misc]  # mypy cannot type a lambda's default argument
                _source_key(path),
                actor,
                progress(path) if progress else None,
            )
            results.append(result)
            if on_result:
                on_result(result)
        return results

    def ingest_bytes(
        self, data: bytes, file_name: str, *, actor: str = "api", progress: Progress | None = None
    ) -> IngestResult:
        """Ingest an upload. The file name is used for its suffix and display only (never as a path)."""
        safe_name = _safe_file_name(file_name)
        return self._guarded(
            safe_name,
            lambda pages: read_bytes(data, safe_name, limits=self.limits, progress=pages),
            f"upload:{safe_name}",
            actor,
            progress,
        )

    def ingest_file(self, path: str | Path, *, actor: str = "cli", progress: Progress | None = None) -> IngestResult:
        """Ingest one file, stored under its resolved path like `ingest_paths` does."""
        path = Path(path)
        return self._guarded(str(path), lambda pages: read_path(path, limits=self.limits, progress=pages),
            _source_key(path),
            actor,
            progress,
        )

    def _guarded(
        self,
        label: str,
        read: Callable[[Callable[[int, int], None]], Document],
        source_key: str,
        actor: str,
        progress: Progress | None = None,
    ) -> IngestResult:
        """One file: a failure becomes a result line, never an exception that stops the batch."""
        report = progress or _no_progress
        try:
            report("reading", None)
            # page by page while a PDF or image is read (OCR takes seconds a page): pages done so far
            document = read(lambda done, _total: report("reading", done))
            return self._ingest_document(document, source_key, label, actor, report)
        except PrachumError as exc:
            return IngestResult(label, "failed", message=str(exc))
        except MemoryError:
            return IngestResult(label, "failed", message=f"{Path(label).name}: out of memory while reading")
        except Exception as exc:  # a bug must not stop the batch, and must not print a traceback
            if os.environ.get("PRACHUM_DEBUG"):
                raise
            return IngestResult(label, "failed", message=f"{Path(label).name}: internal error ({type(exc).__name__}: {exc})")

    def _ingest_document(
        self, document: Document, source_key: str, label: str, actor: str, report: Progress = _no_progress
    ) -> IngestResult:
        report("analysing", len(document.pages) or None)
        same = self.store.document_with_hash(document.content_hash)
        if same:
            note = "" if same["source_key"] == source_key else f" (same content as {same['file_name']})"
            return IngestResult(label, "unchanged", same["id"], f"already stored{note}")
        if not document.text.strip():
            raise ReadError(f"{document.file_name}: no text could be read")
        minutes = analyse(document, self.services, for_index=True)
        register = self.services.register
        report("storing", len(document.pages) or None)
        with self.store.begin() as conn:
            self.store.serialise_writers(conn)
            # another process may have stored the same content while we were analysing
            same = self.store.document_with_hash(document.content_hash, conn)
            if same:
                return IngestResult(label, "unchanged", same["id"], f"already stored (by another process as {same['file_name']})")
            replaced = self.store.save_minutes(conn, minutes, source_key, actor=actor)
            register.sync_document(conn, minutes, replaced_doc_id=replaced, actor=actor)
        report("indexing", len(document.pages) or None)
        self._index(minutes, replaced)
        return IngestResult(
            label,
            "replaced" if replaced else "ok",
            minutes.id,
            f"{len(minutes.items)} items" + (f", replaced {replaced}" if replaced else "")
            + (f"; {note}" if (note := status_note(document)) else ""),
            len(minutes.items),
            minutes.meeting.date,
        )

    def _index(self, minutes: Minutes, replaced: str | None) -> None:
        index = self.services.index
        with index.write_lock():
            if replaced:
                index.remove_document(replaced)
            index.replace_document(minutes)
        self.store.set_index_state(minutes.id, "indexed")

    def delete(self, doc_id: str, actor: str = "cli") -> None:
        with self.store.begin() as conn:
            self.store.serialise_writers(conn)
            self.services.register.forget_document(conn, doc_id, actor=actor)
            self.store.delete_document(doc_id, actor=actor, conn=conn)
        index = self.services.index
        with index.write_lock():
            index.remove_document(doc_id)

    def reconcile(self) -> dict[str, int]:
        """Make the index agree with the store: drop units of deleted documents, index pending ones."""
        index = self.services.index
        removed = 0
        with index.write_lock():
            # read the store under the lock: a document another process commits and indexes
            # between the two reads would otherwise look deleted and lose its units
            stored = set(self.store.doc_ids())
            for doc_id in index.indexed_doc_ids() - stored:
                index.remove_document(doc_id)
                removed += 1
        pending = self.store.doc_ids(state="pending")
        for doc_id in pending:
            minutes = self.store.get_minutes(doc_id)
            embed_ahead(self.services, minutes)
            self._index(minutes, None)
        return {"removed": removed, "indexed": len(pending)}

    def reindex(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Rebuild the whole index from the store (after changing the embedder, or to repair)."""
        index = self.services.index
        doc_ids = self.store.doc_ids()
        with index.write_lock():
            index.clear()
        for n, doc_id in enumerate(doc_ids, 1):
            minutes = self.store.get_minutes(doc_id)
            embed_ahead(self.services, minutes)
            self._index(minutes, None)
            if progress:
                progress(n, len(doc_ids))
        return len(doc_ids)


def _source_key(path: Path) -> str:
    return str(path.resolve())


def _safe_file_name(name: str) -> str:
    """Keep only the last path component of an uploaded name: no traversal, no folders."""
    base = name.replace("\\", "/").split("/")[-1].strip().lstrip(".")
    base = "".join(c for c in base if c.isprintable() and c not in '<>:"|?*')
    return base[:200] or "upload.txt"

