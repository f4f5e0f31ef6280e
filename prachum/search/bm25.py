"""BM25 over search tokens (bm25s), persisted beside the vector store.

bm25s builds a static matrix, so "incremental" here means: each unit's tokens are computed
once when its document is indexed and kept in the catalog; after a change the matrix is
rebuilt from those stored tokens (no re-tokenising, about a second per 100k units) by the
first search that notices, and saved with the generation it reflects so other processes
reuse it.
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

_STATE = "state.json"


class Bm25Matrix:
    """Scores a query's tokens against every unit (row order = the catalog's row order)."""

    def __init__(self, retriever, n_rows: int) -> None:
        self._retriever = retriever
        self.n_rows = n_rows
        self._vocab: dict[str, int] = retriever.vocab_dict if retriever is not None else {}

    @classmethod
    def build(cls, token_lists: list[list[str]], *, k1: float = 1.2, b: float = 0.75) -> Bm25Matrix:
        if not token_lists:
            return cls(None, 0)
        import bm25s

        retriever = bm25s.BM25(k1=k1, b=b, method="lucene")
        # bm25s drops empty documents' rows unless every row has a token: keep rows aligned
        rows = [tokens if tokens else ["\x00empty"] for tokens in token_lists]
        retriever.index(rows, show_progress=False)
        return cls(retriever, len(rows))

    def known(self, tokens: list[str]) -> list[str]:
        return [t for t in tokens if t in self._vocab]

    def scores(self, tokens: list[str]) -> np.ndarray:
        """BM25 score of every row for ``tokens`` (zeros when none of them is in the vocabulary)."""
        known = self.known(tokens)
        if not known or self._retriever is None:
            return np.zeros(self.n_rows, dtype=np.float32)
        return np.asarray(self._retriever.get_scores(known), dtype=np.float32)

    def save(self, folder: Path, generation: int) -> None:
        """Write atomically enough: into a sibling folder, then swap it in."""
        tmp = folder.with_name(folder.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if self._retriever is not None:
            self._retriever.save(str(tmp), show_progress=False)
        (tmp / _STATE).write_text(json.dumps({"generation": generation, "rows": self.n_rows}))
        old = folder.with_name(folder.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if folder.exists():
            folder.rename(old)
        tmp.rename(folder)
        shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, folder: Path, generation: int) -> Bm25Matrix | None:
        """The saved matrix if it reflects ``generation``, else None."""
        try:
            state = json.loads((folder / _STATE).read_text())
        except (OSError, ValueError):
            return None
        if state.get("generation") != generation:
            return None
        if state.get("rows", 0) == 0:
            return cls(None, 0)
        import bm25s

        try:
            retriever = bm25s.BM25.load(str(folder), mmap=False, show_progress=False)
        except (OSError, ValueError) as exc:
            log.warning("BM25 index in %s unreadable (%s); rebuilding", folder, exc)
            return None
        return cls(retriever, int(state["rows"]))
