"""An in-memory, read-only view of the catalog's units for one generation: hit facts and
fast filter masks (numpy arrays plus small inverted lists for agencies and SDG goals)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from prachum.search.catalog import split_goals, split_keys
from prachum.search.units import IndexUnit

if TYPE_CHECKING:
    from prachum.search.index import SearchFilters


def _key(text: str) -> str:
    return text.strip().lower().rstrip(".").strip()


class UnitView:
    def __init__(self, rows: list[tuple], generation: int) -> None:
        self.generation = generation
        self._rows = rows
        n = len(rows)
        self.uids = [r[1] for r in rows]
        self.row_of = {uid: i for i, uid in enumerate(self.uids)}
        self.hashes = [r[14] for r in rows]
        self.kinds = np.array([r[6] or "passage" for r in rows], dtype=object)
        self.dates = np.array([r[8] or "" for r in rows], dtype="U10")
        self.statuses = [r[12] for r in rows]
        self.item_ids = [r[7] for r in rows]
        self._bodies: dict[str, list[int]] = defaultdict(list)
        self._agencies: dict[str, list[int]] = defaultdict(list)
        self._goals: dict[int, list[int]] = defaultdict(list)
        for i, r in enumerate(rows):
            if r[9]:
                self._bodies[r[9].lower()].append(i)
            for key in split_keys(r[10]):
                self._agencies[_key(key)].append(i)
            for goal in split_goals(r[11]):
                self._goals[goal].append(i)
        self._n = n
        self._matrix: np.ndarray | None = None

    def __len__(self) -> int:
        return self._n

    def unit(self, i: int) -> IndexUnit:
        r = self._rows[i]
        return IndexUnit(
            uid=r[1],
            doc_id=r[2],
            doc=r[3],
            span=(r[4], r[5]),
            kind=r[6],
            item_id=r[7],
            meeting_date=r[8],
            body=r[9],
            agencies=split_keys(r[10]),
            sdg=split_goals(r[11]),
            status=r[12],
            text=r[13],
        )

    def matrix(self, load: Callable[[list[str]], np.ndarray]) -> np.ndarray:
        """All unit vectors in row order (loaded once per view, for exact filtered scoring)."""
        if self._matrix is None:
            self._matrix = load(self.hashes)
        return self._matrix

    def _rows_mask(self, rows: list[int]) -> np.ndarray:
        mask = np.zeros(self._n, dtype=bool)
        if rows:
            mask[np.asarray(rows, dtype=np.int64)] = True
        return mask

    def mask(self, filters: SearchFilters) -> np.ndarray:
        """True for the units every given filter keeps."""
        keep = np.ones(self._n, dtype=bool)
        if filters.kind is not None:
            keep &= self.kinds == filters.kind
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
