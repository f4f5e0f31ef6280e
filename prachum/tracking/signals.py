"""The signals follow-up linking weighs, each in [0, 1], as (reports × records) matrices or
per value: meaning (embedding cosine above the embedder's floor), shared content words,
agency overlap, same body. `prachum.tracking.linking` combines them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from prachum.models import Embedder

# Unrelated sentences from Thai public administration: their mean pairwise cosine is the
# embedder's "nothing in common" floor.
_FLOOR_SENTENCES = (
    "ที่ประชุมรับรองรายงานการประชุมครั้งที่แล้วโดยไม่มีการแก้ไข",
    "กรมชลประทานรายงานปริมาณน้ำในเขื่อนภูมิพลลดลงจากปีที่แล้ว",
    "ให้โรงเรียนจัดกิจกรรมส่งเสริมการอ่านสำหรับนักเรียนชั้นประถมศึกษา",
    "สำนักงานสาธารณสุขจังหวัดเตรียมวัคซีนป้องกันไข้หวัดใหญ่สำหรับผู้สูงอายุ",
    "กระทรวงการคลังพิจารณามาตรการลดหย่อนภาษีสำหรับผู้ประกอบการรายย่อย",
    "การท่าเรือแห่งประเทศไทยปรับปรุงท่าเทียบเรือเพื่อรองรับเรือสินค้าขนาดใหญ่",
    "The committee noted the tourism statistics for the first quarter.",
    "ควรส่งเสริมการปลูกป่าชายเลนเพื่อป้องกันการกัดเซาะชายฝั่ง",
)
STATUS_WORDS = re.compile(r"ยังไม่(?:ได้)?(?:ดำเนินการ)?|อยู่ระหว่าง(?:ดำเนินการ|การ)?|แล้วเสร็จ|แล้ว|คาดว่าจะ")


@lru_cache(maxsize=16)
def _floor_for(embedder: Embedder) -> float:
    vectors = embedder.embed_passages(list(_FLOOR_SENTENCES))
    sims = vectors @ vectors.T
    n = len(_FLOOR_SENTENCES)
    return float((sims.sum() - np.trace(sims)) / (n * n - n))


def meaning_scores(embedder: Embedder, recs: Sequence[str], reports: Sequence[str]) -> np.ndarray:
    """(reports × recs) cosine rescaled so the embedder's unrelated-text floor maps to 0."""
    if not recs or not reports:
        return np.zeros((len(reports), len(recs)), dtype=np.float32)
    floor = min(_floor_for(embedder), 0.95)  # type: ignore[arg-type]  # mypy: a Protocol is not Hashable
    cleaned = [STATUS_WORDS.sub(" ", t) for t in reports]
    sims = _embed(embedder, cleaned) @ _embed(embedder, list(recs)).T
    return np.clip((sims - floor) / (1.0 - floor), 0.0, 1.0)


# Record texts are embedded again for every later document; a batch ingest reuses them.
_VECTORS: dict[tuple[str, str], np.ndarray] = {}
_VECTORS_MAX = 50_000


def _embed(embedder: Embedder, texts: list[str]) -> np.ndarray:
    missing = list(dict.fromkeys(t for t in texts if (embedder.name, t) not in _VECTORS))
    if missing:
        if len(_VECTORS) + len(missing) > _VECTORS_MAX:
            _VECTORS.clear()
        for text, vector in zip(missing, embedder.embed_passages(missing), strict=True):
            _VECTORS[(embedder.name, text)] = vector
    if not texts:
        return np.zeros((0, embedder.dim), dtype=np.float32)
    return np.stack([_VECTORS[(embedder.name, t)] for t in texts])


@lru_cache(maxsize=50_000)
def _tokens(text: str) -> frozenset[str]:
    """Content tokens of a text, remembered: a record's text meets every later report, and
    each report meets every earlier record."""
    from prachum.search.tokens import search_tokens

    return frozenset(t for t in search_tokens(STATUS_WORDS.sub(" ", text)) if len(t) > 1)


# Token → a number, so token sets become sorted int arrays that numpy can intersect in bulk.
_TOKEN_IDS: dict[str, int] = {}
_TOKEN_IDS_MAX = 1_000_000


@lru_cache(maxsize=50_000)
def _token_ids(text: str) -> np.ndarray:
    """`_tokens` of ``text`` as sorted ids in ``_TOKEN_IDS``."""
    ids = [_TOKEN_IDS.setdefault(t, len(_TOKEN_IDS)) for t in _tokens(text)]
    return np.array(sorted(ids), dtype=np.int64)


def shared_tokens(recs: Sequence[str], reports: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(reports × recs) count of content tokens each pair shares, and the smaller side's count.

    The texts become 0/1 rows over the tokens both sides use and one matrix product counts
    the intersections (exact: float32 holds integers far beyond any text's token count)."""
    if len(_TOKEN_IDS) > _TOKEN_IDS_MAX:  # between calls: one call's ids must share one numbering
        _TOKEN_IDS.clear()
        _token_ids.cache_clear()
    rep_ids = [_token_ids(t) for t in reports]
    rec_ids = [_token_ids(t) for t in recs]
    rep_sizes = np.array([len(ids) for ids in rep_ids], dtype=np.int64)
    rec_sizes = np.array([len(ids) for ids in rec_ids], dtype=np.int64)
    smaller = np.minimum(rep_sizes[:, None], rec_sizes[None, :])
    shared = np.zeros((len(reports), len(recs)), dtype=np.int64)
    if not reports or not recs:
        return shared, smaller
    vocab = np.intersect1d(np.concatenate(rep_ids), np.concatenate(rec_ids))
    if not len(vocab):
        return shared, smaller
    rep_rows = _incidence(rep_ids, vocab)
    block = max(1, 4_000_000 // len(vocab))  # bounds the record side's matrix to ~16 MB
    for start in range(0, len(recs), block):
        rec_rows = _incidence(rec_ids[start : start + block], vocab)
        shared[:, start : start + block] = np.rint(rep_rows @ rec_rows.T).astype(np.int64)
    return shared, smaller


def _incidence(rows: list[np.ndarray], vocab: np.ndarray) -> np.ndarray:
    out = np.zeros((len(rows), len(vocab)), dtype=np.float32)
    flat = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    row_of = np.repeat(np.arange(len(rows)), [len(r) for r in rows])
    at = np.minimum(np.searchsorted(vocab, flat), len(vocab) - 1)
    known = vocab[at] == flat
    out[row_of[known], at[known]] = 1.0
    return out


def same_agency(a: str, b: str) -> bool:
    # Thai unit names carry their parent's name: สป.มท. ⊃ มท., สำนักงานปลัดกระทรวงมหาดไทย ⊃ กระทรวงมหาดไทย.
    return a == b or (min(len(a), len(b)) >= 2 and (a in b or b in a))


def agency_overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Matched share of the two agency sets (0.5 when either side names none)."""
    if not a or not b:
        return 0.5  # unknown: neither for nor against
    matched_a = sum(any(same_agency(x, y) for y in b) for x in a)
    matched_b = sum(any(same_agency(x, y) for x in a) for y in b)
    return (matched_a + matched_b) / (len(a) + len(b))


@lru_cache(maxsize=50_000)
def agency_score(agencies: frozenset[str], owners: frozenset[str], reported: frozenset[str]) -> float:
    """How much a record's agencies and a report's overlap, halved when the report names
    agencies but none of the record's owners: progress on a task is reported by (or about)
    its owner. Remembered: few distinct agency sets meet many times over."""
    overall = agency_overlap(agencies, reported)
    if owners and reported and not any(same_agency(o, a) for o in owners for a in reported):
        return overall * 0.5
    return overall


@lru_cache(maxsize=20_000)
def same_body(a: str | None, b: str | None) -> float:
    if not a or not b:
        return 0.5
    fa, fb = re.sub(r"\s+", "", a), re.sub(r"\s+", "", b)
    return 1.0 if fa == fb or (min(len(fa), len(fb)) >= 12 and (fa in fb or fb in fa)) else 0.0
