"""Query expansion: other names of the agencies a query mentions (มท. ↔ กระทรวงมหาดไทย ↔
Ministry of Interior), through the project's gazetteer once it is installed."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def _expander():
    try:
        from prachum.nlp.gazetteer import load_gazetteer

        gazetteer = load_gazetteer()
    except (ImportError, OSError):
        return None
    return getattr(gazetteer, "expand_query", None)


@lru_cache(maxsize=1024)
def _expand(query: str) -> tuple[str, ...]:
    expander = _expander()
    if expander is None:
        return ()
    return tuple(e for e in expander(query) if e and e != query)


def expand_query(query: str) -> list[str]:
    """Extra texts to match for ``query`` (not including the query itself)."""
    return list(_expand(query.strip()))
