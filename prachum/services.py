"""The library's front door: one `Services` object per process (CLI run or API server)
holding the settings and, created on first use, the store, the embedder, the SDG tagger,
the search index and the register. CLI commands and API routes call these and only format.
"""
from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prachum.config import Settings

if TYPE_CHECKING:
    from prachum.jobs import JobQueue
    from prachum.models import Minutes
    from prachum.nlp.gazetteer import Gazetteer
    from prachum.nlp.sdg import SdgTagger
    from prachum.pipeline import Pipeline
    from prachum.search.embed import CachingEmbedder
    from prachum.search.index import SearchIndex
    from prachum.store import Store
    from prachum.tracking.register import Register


class Services:
    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings.from_env()

    @cached_property
    def store(self) -> Store:
        from prachum.store import Store

        return Store(self.settings)

    @cached_property
    def gazetteer(self) -> Gazetteer:
        from prachum.nlp.gazetteer import load_gazetteer

        user = self.settings.user_gazetteer
        return load_gazetteer(user if user.exists() else None)

    @cached_property
    def embedder(self) -> CachingEmbedder:
        """The settings' model behind one embedding cache that the SDG tagger, the register and
        the index share, so a text they all need (an item's) is embedded once per ingest."""
        from prachum.search.embed import CachingEmbedder, get_embedder

        return CachingEmbedder(get_embedder(self.settings))

    @cached_property
    def tagger(self) -> SdgTagger:
        from prachum.nlp.sdg import SdgTagger

        # target-description vectors are computed once per data dir, then read from the cache
        return SdgTagger(self.embedder, cache_dir=self.settings.data_dir / "cache", gazetteer=self.gazetteer)

    @cached_property
    def index(self) -> SearchIndex:
        from prachum.search.index import SearchIndex

        # a PostgreSQL store holds the index catalog too; a chroma_url moves the vectors to a server
        return SearchIndex(
            self.settings.index_dir,
            self.embedder,
            database_url=self.settings.db_url,
            chroma_url=self.settings.chroma_url,
        )

    @cached_property
    def register(self) -> Register:
        from prachum.tracking.register import Register

        return Register(self.store, self.embedder)

    @cached_property
    def jobs(self) -> JobQueue:
        from prachum.jobs import JobQueue

        return JobQueue(self.store)

    @cached_property
    def pipeline(self) -> Pipeline:
        from prachum.pipeline import Pipeline

        return Pipeline(self)

    # -- read-only helpers shared by CLI and API ----------------------------------------
    def extract_file(self, path: str | Path) -> Minutes:
        """Read and analyse one file without storing anything."""
        from prachum.ingest import read_path
        from prachum.ingest.limits import limits_from
        from prachum.pipeline import analyse

        return analyse(read_path(path, limits=limits_from(self.settings)), self)

    def read_text(self, path: str | Path) -> str:
        from prachum.ingest import read_path
        from prachum.ingest.limits import limits_from

        return read_path(path, limits=limits_from(self.settings)).text

    def documents(self) -> list[dict[str, Any]]:
        return self.store.list_documents()

    def document(self, doc_id: str) -> dict[str, Any]:
        """A stored document as the extraction contract's JSON object, with its text."""
        minutes = self.store.get_minutes(doc_id)
        data = minutes.to_contract()
        data["text"] = minutes.document.text
        data["boilerplate"] = [{"span": list(b.span), "label": b.label} for b in minutes.document.boilerplate]
        return data
