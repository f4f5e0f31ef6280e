"""The search index: units in a catalog, vectors in Chroma, BM25 beside them, fused.

Layout of ``index_dir``: ``catalog.sqlite3`` (units, embedding cache, which embedder built
the index, generation), ``chroma/`` (PersistentClient, our own embeddings only — Chroma's
default embedding function would download a model), ``bm25/`` (the bm25s matrix and the
generation it reflects) and ``write.lock`` (fcntl lock held around every write).
With a PostgreSQL ``database_url`` the catalog lives in that database (writers take an
advisory lock instead) and the derived files sit in ``pg-<catalog id>/``; with a
``chroma_url`` the vectors live in a Chroma server (see `prachum.search.catalog`, `.vectors`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path

import numpy as np

from prachum.errors import IndexMismatch, InvalidInput
from prachum.models import Embedder, Minutes, Span
from prachum.search.bm25 import DELTA_MIN, DELTA_SHARE, Bm25Matrix, Bm25Scorer, DeltaBm25
from prachum.search.catalog import open_catalog
from prachum.search.hybrid import (
    RRF_FIRST,
    FusionParams,
    fuse,
    lead_with,
    overlaps_too_much,
    rank_lists,
    snippet_html,
)
from prachum.search.query import lexical_query, untranslated_words
from prachum.search.rerank import rerank
from prachum.search.results import Hit, SearchFilters, item_in_place
from prachum.search.tokens import mark_spans, search_tokens
from prachum.search.translate import (
    WORD_BATCH,
    WORDS_PER_DOCUMENT,
    WordTranslator,
    item_words,
    translation_enabled,
)
from prachum.search.units import build_units
from prachum.search.vectors import VectorStore, load_matrix, save_matrix
from prachum.search.view import UnitView

EMBED_BATCH = 32
# Filtered queries are scored exactly against all unit vectors held in memory (one
# 100k x 384 product is ~6 ms; Chroma's over-fetch of 450 neighbours cost ~57 ms and its
# `where` 60-100 ms, bench/search.py). Past this many units (~3 GB of vectors) they
# over-fetch from the HNSW index instead.
EXACT_MAX_UNITS = 2_000_000


class SearchIndex:
    def __init__(
        self,
        index_dir: Path,
        embedder: Embedder,
        *,
        fusion: FusionParams | None = None,
        database_url: str | None = None,
        chroma_url: str | None = None,
    ) -> None:
        self.index_dir = Path(index_dir)
        self.index_dir.mkdir(parents=True, exist_ok=True)
        self.embedder = embedder
        self.fusion = fusion or FusionParams()
        self.catalog = open_catalog(self.index_dir, database_url)
        self.vectors = VectorStore(self.index_dir / "chroma", url=chroma_url)
        self._thread_lock = threading.RLock()
        self._lock_depth = 0
        self._held: ExitStack | None = None
        self._view: UnitView | None = None
        self._bm25: Bm25Scorer | None = None
        self._own_generation = -1  # the generation this instance's last write produced
        # (view, BM25) of one generation, swapped as a pair; one thread rebuilds, the others wait
        self._current: tuple[UnitView, Bm25Scorer] | None = None
        self._refresh_lock = threading.Lock()
        self._translator: tuple[int, WordTranslator] | None = None  # (word count, translator)

    # -- locking ------------------------------------------------------------------------------
    @contextmanager
    def write_lock(self) -> Iterator[None]:
        """Exclusive across processes (the catalog's lock) and threads; re-entrant within one holder."""
        with self._thread_lock:
            if self._lock_depth == 0:
                self._held = ExitStack()
                self._held.enter_context(self.catalog.lock())
            self._lock_depth += 1
            try:
                yield
            finally:
                self._lock_depth -= 1
                if self._lock_depth == 0 and self._held is not None:
                    self._held.close()
                    self._held = None

    # -- embedder bookkeeping -----------------------------------------------------------------
    def _check_embedder(self, *, claim: bool) -> None:
        built_by = self.catalog.get_meta("embedder")
        if built_by is None:
            if claim:
                self.catalog.set_meta("embedder", self.embedder.name)
                self.catalog.set_meta("dim", str(self.embedder.dim))
            return
        if built_by != self.embedder.name:
            raise IndexMismatch(
                f"the search index was built with embedder {built_by!r}, not {self.embedder.name!r}: "
                "run `prachum reindex` to rebuild it"
            )

    # -- writing ------------------------------------------------------------------------------
    def replace_document(self, minutes: Minutes) -> int:
        """Index one document's items and passages in place of any earlier units of it."""
        units = build_units(minutes)
        tokens = [search_tokens(u.text) for u in units]
        with self.write_lock():
            self._check_embedder(claim=True)
            vectors = self._embed_units([u.content_hash for u in units], [u.text for u in units])
            old = self.catalog.doc_uids(minutes.id)
            self.vectors.delete(old)
            self.catalog.replace_units(minutes.id, units, tokens)
            self.vectors.add([u.uid for u in units], vectors, [u.doc_id for u in units])
            self._embed_words([t for u, t in zip(units, tokens, strict=True) if u.kind is not None])
            self._own_generation = self.catalog.generation()
        return len(units)

    def _embed_words(self, item_tokens: list[list[str]]) -> None:
        """Embed the items' new Thai words for English-query translation (bounded per document)."""
        if not translation_enabled(self.embedder):
            return
        new = self.catalog.unknown_words(item_words(item_tokens))[:WORDS_PER_DOCUMENT]
        for i in range(0, len(new), WORD_BATCH):
            batch = new[i : i + WORD_BATCH]
            self.catalog.add_words(batch, self.embedder.embed_queries(batch))

    def remove_document(self, doc_id: str) -> None:
        with self.write_lock():
            self.vectors.delete(self.catalog.doc_uids(doc_id))
            self.catalog.delete_doc(doc_id)
            self.catalog.prune_vectors()
            self._own_generation = self.catalog.generation()

    def clear(self) -> None:
        """Drop everything, including which embedder built the index (ready for a rebuild)."""
        with self.write_lock():
            self.vectors.reset()
            self.catalog.clear()
            self._own_generation = self.catalog.generation()
        self._view = None
        self._bm25 = None

    def _embed_units(self, hashes: list[str], texts: list[str]) -> np.ndarray:
        dim = self.embedder.dim
        cached = self.catalog.cached_vectors(hashes, dim)
        missing = {h: t for h, t in zip(hashes, texts, strict=True) if h not in cached}
        todo = list(missing.items())
        fresh: dict[str, np.ndarray] = {}
        for i in range(0, len(todo), EMBED_BATCH):
            batch = todo[i : i + EMBED_BATCH]
            for (h, _), vector in zip(
                batch, self.embedder.embed_passages([t for _, t in batch]), strict=True
            ):
                fresh[h] = vector
        if fresh:
            self.catalog.cache_vectors(fresh)
        cached.update(fresh)
        out = np.zeros((len(hashes), dim), dtype=np.float32)
        for row, h in enumerate(hashes):
            out[row] = cached[h]
        return out

    # -- reading ------------------------------------------------------------------------------
    def indexed_doc_ids(self) -> set[str]:
        return self.catalog.doc_ids()

    def _refresh(self) -> tuple[UnitView, Bm25Scorer]:
        """The in-memory view and BM25 matrix, reloaded when another write happened."""
        current = self._current
        if current is not None and current[0].generation == self.catalog.generation():
            return current
        with self._refresh_lock:
            generation = self.catalog.generation()
            current = self._current
            if current is not None and current[0].generation == generation:
                return current  # rebuilt by another thread meanwhile
            self._check_embedder(claim=False)
            if self._view is not None and generation != self._own_generation:
                self.vectors.reopen()  # another process wrote: Chroma's in-memory copy is stale
            view = UnitView(self.catalog.unit_facts(), generation)
            folder = self.catalog.cache_dir / "bm25"
            bm25: Bm25Scorer | None = Bm25Matrix.load(folder, generation)
            if bm25 is None or bm25.n_rows != len(view):
                bm25 = self._delta_bm25(folder, view)
            if bm25 is None:
                bm25 = Bm25Matrix.build(self.catalog.token_lists(), rows=view.rows.copy())
                # saved only if no write happened since the generation was read (then the rows
                # read reflect it); the cache lock only keeps two savers apart, not the writers
                if bm25.n_rows == len(view):  # a rebuild (a delta is not saved: it is cheap)
                    with self.catalog.cache_lock():
                        if self.catalog.generation() == generation:
                            bm25.save(folder, generation)
            self._view, self._bm25 = view, bm25
            self._current = (view, bm25)
            return self._current

    def _delta_bm25(self, folder: Path, view: UnitView) -> DeltaBm25 | None:
        """The saved matrix of an earlier generation plus the units written since, when few
        units changed (see `prachum.search.bm25`); None when a rebuild is due."""
        held = self._bm25.base if isinstance(self._bm25, DeltaBm25) else self._bm25
        # the matrix this process already holds, else the saved one (either generation)
        base = held if held is not None and held.rows is not None else Bm25Matrix.load(folder, None)
        if base is None or base.rows is None:
            return None
        saved = set(base.rows.tolist())
        new_rows = [int(r) for r in view.rows if int(r) not in saved]
        removed = len(saved) - (len(view) - len(new_rows))
        if len(new_rows) + removed > max(DELTA_MIN, DELTA_SHARE * len(saved)):
            return None
        details = self.catalog.units_by_row(new_rows)
        if len(details) != len(new_rows):  # removed by a write since the view was read
            return None
        # the stored tokens are search_tokens(text) (replace_document): recomputed, not read
        return DeltaBm25(base, view.rows, {r: search_tokens(details[r][13]) for r in new_rows})

    def warm_up(self) -> None:
        """Load what the first search needs (unit view, BM25 matrix, the vector client), so that
        a server's first requests do not all wait for it."""
        view, _ = self._refresh()
        self.vectors.open()
        if len(view):  # one real search of each path loads the tokenizer, expansions, the matrix
            self.search("การประชุม meeting", limit=1)
            self.search("การประชุม", limit=1, filters=SearchFilters(kind="passage"))

    def search(self, query: str, *, limit: int = 10, filters: SearchFilters | None = None) -> list[Hit]:
        return self.search_many([query], limit=limit, filters=filters)[0]

    def search_many(
        self, queries: Sequence[str], *, limit: int = 10, filters: SearchFilters | None = None
    ) -> list[list[Hit]]:
        """Hybrid search for several queries at once (their embeddings are computed in one batch)."""
        if limit < 1:
            raise InvalidInput(f"limit {limit} must be at least 1")
        queries = [q.strip() for q in queries]
        if not any(queries):
            raise InvalidInput("empty search query")
        view, bm25 = self._refresh()
        if len(view) == 0:
            return [[] for _ in queries]
        allowed = view.mask(filters) if filters is not None and filters.active else None
        if allowed is not None and not allowed.any():
            return [[] for _ in queries]
        depth = max(self.fusion.candidates, limit * 3)
        q_vectors = self.embedder.embed_queries([q or " " for q in queries])
        dense_lists = self._dense(q_vectors, min(depth, len(view)), view, allowed)
        nearest = self._nearest_words(queries)
        results: list[list[Hit]] = []
        for query, dense in zip(queries, dense_lists, strict=True):
            if not query:
                results.append([])
                continue
            lexical_q = lexical_query(
                query, expand=self.fusion.expand, translate=self.fusion.translate, nearest=nearest
            )
            lexical, dense = rank_lists(lexical_q.scores(bm25), allowed, dense, depth)
            method = self.fusion.method_for(lexical_q.language)
            parts = ("rrf", "score") if method == RRF_FIRST else (method,)
            ranked = {
                m: fuse(
                    lexical,
                    dense,
                    self.fusion,
                    language=lexical_q.language,
                    coverage=lexical_q.coverage,
                    method=m,
                )
                for m in parts
            }
            fetched: dict[int, tuple] = {}
            if self.fusion.rerank_depth and self.fusion.concept_weight:
                # the heads' catalog rows are read once, for the rerank and then for the hits
                head = {
                    int(view.rows[pos]) for f in ranked.values() for pos, _ in f[: self.fusion.rerank_depth]
                }
                fetched = self.catalog.units_by_row(sorted(head))
                concepts = lexical_q.concepts(bm25)
                for m, f in ranked.items():
                    texts = {
                        pos: fetched[int(view.rows[pos])][13]
                        for pos, _ in f
                        if int(view.rows[pos]) in fetched
                    }
                    ranked[m] = rerank(f, texts, concepts, self.fusion.concept_weight)
            if method == RRF_FIRST:  # the answer both rankers agree on first, then by score
                fused = lead_with(ranked["rrf"][0][0] if ranked["rrf"] else None, ranked["score"])
            else:
                fused = ranked[method]
            results.append(self._hits(view, fused, lexical_q.highlight, limit, fetched))
        return results

    def _nearest_words(self, queries: Sequence[str]) -> dict[str, list[str]]:
        """Thai index words nearest to the English content words the lexicon leaves untranslated."""
        if not self.fusion.translate:
            return {}
        wanted = list(dict.fromkeys(w for q in queries if q for w in untranslated_words(q)))
        if not wanted:
            return {}
        return self._word_translator().nearest_words(self.embedder, wanted)

    def _word_translator(self) -> WordTranslator:
        if not translation_enabled(self.embedder):
            return WordTranslator([], np.zeros((0, self.embedder.dim), dtype=np.float32))
        count = self.catalog.word_count()
        if self._translator is None or self._translator[0] != count:
            words, matrix = self.catalog.word_vectors(self.embedder.dim)
            self._translator = (count, WordTranslator(words, matrix))
        return self._translator[1]

    def _dense(
        self, q_vectors: np.ndarray, depth: int, view: UnitView, allowed: np.ndarray | None
    ) -> list[list[tuple[int, float]]]:
        """Nearest units per query as (view position, cosine).

        Unfiltered queries use Chroma's HNSW; filtered ones are scored exactly over the
        allowed units (see EXACT_MAX_UNITS), and the caller keeps only allowed rows."""
        n = len(view)
        kept = n if allowed is None else int(allowed.sum())
        if allowed is None or kept > EXACT_MAX_UNITS:
            k = depth if allowed is None else min(n, int(depth * n / kept * 1.5) + 1)
            found = self.vectors.nearest(q_vectors, k)
            return [[(view.row_of[uid], sim) for uid, sim in hits if uid in view.row_of] for hits in found]
        matrix = view.matrix(lambda: self._matrix(view))
        rows = np.flatnonzero(allowed)
        # for a large share of the units one full product beats gathering their rows
        scores = (matrix @ q_vectors.T)[rows] if len(rows) * 8 > n else matrix[rows] @ q_vectors.T
        out = []
        for column in scores.T:
            k = min(depth, len(rows))
            top = np.argpartition(-column, k - 1)[:k] if k < len(rows) else np.arange(len(rows))
            top = top[np.argsort(-column[top], kind="stable")]
            out.append([(int(rows[t]), float(column[t])) for t in top])
        return out

    def _matrix(self, view: UnitView) -> np.ndarray:
        """Unit vectors in view order: the saved .npy, or rebuilt from the embedding cache and saved."""
        folder, dim = self.catalog.cache_dir / "matrix", self.embedder.dim
        matrix = load_matrix(folder, view.generation, len(view), dim)
        if matrix is None:
            matrix = self.catalog.vectors_in_row_order(dim)
            with self.catalog.cache_lock():
                if self.catalog.generation() == view.generation:
                    save_matrix(folder, view.generation, matrix)
        return matrix

    def _hits(
        self,
        view: UnitView,
        fused: list[tuple[int, float]],
        words: list[str],
        limit: int,
        fetched: dict[int, tuple] | None = None,
    ) -> list[Hit]:
        """Hits of the best rows; ``fetched`` holds catalog rows already read (the reranked head)."""
        hits: list[Hit] = []
        taken: dict[str, list[Span]] = {}
        wanted = set(words)
        details = dict(fetched or {})
        for batch_start in range(0, len(fused), limit * 3):
            batch = fused[batch_start : batch_start + limit * 3]
            missing = [int(view.rows[pos]) for pos, _ in batch if int(view.rows[pos]) not in details]
            if missing:
                details.update(self.catalog.units_by_row(missing))
            for pos, score in batch:
                r = details.get(int(view.rows[pos]))
                if r is None:  # removed by another process since this view was loaded
                    continue
                if r[6] is None:  # a passage: the item it holds, when that is what matched
                    r = item_in_place(
                        r,
                        [details[int(view.rows[p])] for p, _ in batch if int(view.rows[p]) in details],
                        wanted,
                        taken,
                    )
                doc_id, span, text = r[2], (r[4], r[5]), r[13]
                spans = taken.setdefault(doc_id, [])
                if overlaps_too_much(span, spans):
                    continue
                spans.append(span)
                marks = mark_spans(text, wanted)
                hits.append(
                    Hit(
                        doc_id=doc_id,
                        doc=r[3],
                        span=span,
                        text=text,
                        score=score,
                        kind=r[6],
                        item_id=r[7],
                        meeting_date=r[8],
                        snippet_html=snippet_html(text, marks),
                        highlights=tuple(marks),
                        body=r[9],
                    )
                )
                if len(hits) >= limit:
                    return hits
        return hits
