"""An in-memory, read-only view of the catalog's units for one generation: hit facts and
fast filter masks (numpy arrays plus small inverted lists for agencies and SDG goals)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from prachum.search.catalog import split_goals, split_keys

if TYPE_CHECKING:
    from prachum.search.results import SearchFilters


def _key(text: str) -> str:
    return text.strip().lower().rstrip(".").strip()


class UnitView:
    """Built from `Catalog.unit_facts` rows: (row, uid, doc_id, kind, item_id, meeting_date,
    body, agencies, sdg, status)."""

    def __init__(self, facts: list[tuple], generation: int) -> None:
        self.generation = generation
        n = len(facts)
        self.rows = np.fromiter((f[0] for f in facts), dtype=np.int64, count=n)  # catalog row ids
        self.uids = [f[1] for f in facts]
        self.row_of = {uid: i for i, uid in enumerate(self.uids)}
        kinds = [f[3] or "passage" for f in facts]
        self._kind_codes = {k: c for c, k in enumerate(sorted(set(kinds)))}
        self.kinds = np.fromiter((self._kind_codes[k] for k in kinds), dtype=np.int16, count=n)
        self.dates = np.array([f[5] or "" for f in facts], dtype="U10")
        self.statuses = [f[9] for f in facts]
        self.item_ids = [f[4] for f in facts]
        self._bodies: dict[str, list[int]] = defaultdict(list)
        self._agencies: dict[str, list[int]] = defaultdict(list)
        self._goals: dict[int, list[int]] = defaultdict(list)
        for i, f in enumerate(facts):
            if f[6]:
                self._bodies[f[6].lower()].append(i)
            for key in split_keys(f[7]):
                self._agencies[_key(key)].append(i)
            for goal in split_goals(f[8]):
                self._goals[goal].append(i)
        self._n = n
        self._matrix: np.ndarray | None = None

    def __len__(self) -> int:
        return self._n

    def matrix(self, load: Callable[[], np.ndarray]) -> np.ndarray:
        """All unit vectors in view order (loaded once per view, for exact filtered scoring)."""
        if self._matrix is None:
            self._matrix = load()
        return self._matrix

    def _rows_mask(self, rows: list[int]) -> np.ndarray:
        mask = np.zeros(self._n, dtype=bool)
        if rows:
            mask[np.asarray(rows, dtype=np.int64)] = True
        return mask

    def mask(self, filters: SearchFilters) -> np.ndarray:
        """True for the units every given filter keeps."""
        keep = np.ones(self._n, dtype=bool)
        rows: list[int] | list[np.intp]
        if filters.kind is not None:
            keep &= self.kinds == self._kind_codes.get(filters.kind, -1)
        if filters.sdg is not None:
            keep &= self._rows_mask(self._goals.get(filters.sdg, []))
        if filters.since is not None:
            keep &= (self.dates != "") & (self.dates >= filters.since)
        if filters.until is not None:
            keep &= (self.dates != "") & (self.dates <= filters.until)
        if filters.body is not None:
            wanted = filters.body.strip().lower()
            rows = [i for body, ids in self._bodies.items() if wanted in body for i in ids]
            keep &= self._rows_mask(rows)
        if filters.agency is not None:
            names = _agency_names(filters.agency)
            rows = [
                i
                for key, ids in self._agencies.items()
                if any(n == key or n in key for n in names)
                for i in ids
            ]
            keep &= self._rows_mask(rows)
        if filters.status is not None:
            rows = [
                i
                for i in np.flatnonzero(keep)
                if self.item_ids[i]
                and filters.status_for(self.item_ids[i], self.statuses[i]) == filters.status
            ]
            keep &= self._rows_mask([int(i) for i in rows])
        return keep


def _agency_names(agency: str) -> set[str]:
    """The agency as given plus its other names from the gazetteer (มท. → กระทรวงมหาดไทย, Ministry of Interior)."""
    names = {_key(agency)}
    try:
        from prachum.nlp.gazetteer import load_gazetteer

        found = load_gazetteer().lookup(agency.strip())
    except (ImportError, OSError):
        found = None
    if found is not None:
        for attr in ("name", "abbr", "name_en"):
            value = getattr(found, attr, None)
            if value:
                names.add(_key(value))
    return {n for n in names if n}
