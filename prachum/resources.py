"""Where the project's own data lives (``corpus/`` at the repository root)."""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def corpus_dir() -> Path:
    """The project's data folder: ``PRACHUM_CORPUS_DIR`` or ``corpus/`` beside the package."""
    override = os.environ.get("PRACHUM_CORPUS_DIR")
    if override:
        return Path(override)
    return Path(__file__).resolve().parent.parent / "corpus"


def corpus_path(*parts: str) -> Path:
    return corpus_dir().joinpath(*parts)
