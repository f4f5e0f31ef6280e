"""SDG tagger: explicit references + lexicon evidence + embedding similarity to the 169 targets.

Scoring, per text and goal (parameters in `TaggerParams`, calibrated with bench/sdg.py):
- explicit references (SDG 5, ตัวชี้วัดที่ 5.5.2) tag their goal, score 1.0;
- otherwise the lexical score ``L`` is the noisy-OR of the weights of the distinct evidence strings
  for the goal. A lone weak word (< ``min_single``) never tags; a goal with only weak words in a
  text that strongly names another goal is that goal's setting (``setting_penalty``);
- with an embedder, the text is compared with the target descriptions (English and Thai) and with
  sentences of meeting procedure (corpus/sdg/procedural.txt, the "no SDG content" class), all
  embedded as e5 passages (text against text; bench/sdg.py scores the same or better than with
  the text as a ``query:``, and the index and the register then reuse the item vectors). A text
  closer to procedure than to any target (venue, attendance, documents) loses score, so an
  incidental word is dropped; a goal that stands out among the 17 gains a little (z-score);
- the goal is tagged when the score reaches ``threshold``. Embeddings alone never tag a goal:
  every tag carries the words that triggered it. Targets are ranked by evidence naming them and
  by similarity to their descriptions.
Documents (`tag_minutes`): every item and every other passage is tagged on its own; the
document's goals are the union, so a single substantive recommendation counts but an office's
name in the attendance list does not.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import overload

import numpy as np

from prachum.models import Embedder, Item, SdgTag, SdgTarget
from prachum.nlp.gazetteer import Gazetteer
from prachum.nlp.sdg_lexicon import GOALS, Evidence, EvidenceFinder, SdgCorpus, evidence_finder

log = logging.getLogger(__name__)

_TARGET_VECTORS: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}  # (embedder, digest) -> vectors
_MAX_EMBED_CHARS = 1500  # e5-small reads ~512 tokens; the head of a long text carries its topic
_RECENT_TEXTS = 4096  # evidence kept for this many texts (a document has a few hundred)
_Z_CLIP = 2.0  # a goal's z-score among the 17 counts up to this many standard deviations


@dataclass(frozen=True)
class TaggerParams:
    """Calibration (measured on bench/sdg_labelled.jsonl and the dev minutes, see bench/sdg.py)."""

    threshold: float = 0.65  # score that tags a goal (lexical score, adjusted by meaning when embedded)
    procedural_weight: float = 10.0  # score change per unit of procedural margin above/below its centre
    procedural_centre: float = -0.02  # margin (best target sim - best procedure sim) that is neutral
    procedural_clip: tuple[float, float] = (-0.08, 0.01)  # penalise procedure; barely reward
    goal_weight: float = 0.03  # score change per z-score unit of the goal among the 17
    setting_penalty: float = (
        0.2  # a goal with only weak words, beside a goal with strong ones, is the setting
    )
    min_single: float = 0.55  # a lone word weaker than this never tags a goal, whatever the meaning says
    max_targets: int = 3


@dataclass
class _GoalEvidence:
    goal: int
    weights: dict[str, float]  # distinct evidence key -> weight
    surfaces: list[str]
    targets: dict[str, float]
    explicit: bool = False

    @property
    def lexical(self) -> float:
        rest = 1.0
        for weight in self.weights.values():
            rest *= 1.0 - min(weight, 1.0)
        return 1.0 - rest


def group_evidence(evidence: Sequence[Evidence]) -> dict[int, _GoalEvidence]:
    """Evidence per goal; the same words found twice count once."""
    groups: dict[int, _GoalEvidence] = {}
    for ev in evidence:
        group = groups.setdefault(ev.goal, _GoalEvidence(ev.goal, {}, [], {}))
        key = "".join(ev.surface.split()).lower()
        group.weights[key] = max(group.weights.get(key, 0.0), ev.weight)
        if ev.surface not in group.surfaces:
            group.surfaces.append(ev.surface)
        if ev.target:
            group.targets[ev.target] = max(group.targets.get(ev.target, 0.0), ev.weight)
        group.explicit = group.explicit or ev.explicit
    return groups


class SdgTagger:
    """Tags texts with SDG goals and targets, with the evidence that triggered each tag.

    ``SdgTagger(None)`` uses explicit references and the lexicon only; with an ``Embedder``
    (``prachum.search.embed.get_embedder(settings)``) the text's similarity to the target
    descriptions vetoes incidental words, confirms weak hints and ranks the targets.
    ``cache_dir`` (optional) persists the target-description vectors as .npy; ``gazetteer``
    (default: the bundled one) names the agencies whose names are not evidence.
    """

    def __init__(
        self,
        embedder: Embedder | None = None,
        *,
        cache_dir: str | Path | None = None,
        params: TaggerParams | None = None,
        corpus_dir: str | Path | None = None,
        gazetteer: Gazetteer | None = None,
    ) -> None:
        self.embedder = embedder
        self.cache_dir = Path(cache_dir) if cache_dir else None
        self.params = params or TaggerParams()
        self.finder: EvidenceFinder = evidence_finder(Path(corpus_dir) if corpus_dir else None, gazetteer)
        self.corpus: SdgCorpus = self.finder.corpus
        self._target_goal = np.array([t.goal for t in self.corpus.targets])
        self._target_ids = [t.id for t in self.corpus.targets]
        self._recent: dict[str, list[Evidence]] = {}

    # -- public API -------------------------------------------------------------------------
    def tag(self, text: str) -> tuple[SdgTag, ...]:
        return self.tag_many([text])[0]

    def tag_many(self, texts: Sequence[str]) -> list[tuple[SdgTag, ...]]:
        """Tag many texts; embeddings are computed in one batch (only for texts whose tags the
        lexicon alone does not decide)."""
        found = [self._evidence(t if isinstance(t, str) else "") for t in texts]
        needs = [self._needs_meaning(ev) for ev in found]
        meaning = self._meaning([t for t, need in zip(texts, needs, strict=True) if need])
        out = []
        for text_evidence, need in zip(found, needs, strict=True):
            view = next(meaning) if meaning is not None and need else None
            out.append(self._decide(text_evidence, view))
        return out

    def embedding_texts(self, text: str, items: Sequence[Item]) -> list[str]:
        """The texts `tag_minutes` will embed (as passages), so that a caller can embed them in
        one batch with others beforehand (through a `CachingEmbedder`)."""
        if self.embedder is None:
            return []
        texts = document_texts(text, items)
        return [_embedding_text(t) for t in texts if self._needs_meaning(self._evidence(t))]

    def _evidence(self, text: str) -> list[Evidence]:
        """The lexicon's evidence in ``text``; the last texts' are kept, because `embedding_texts`
        and `tag_minutes` read the same document's texts one after the other."""
        found = self._recent.get(text)
        if found is None:
            found = self.finder.find(text)[0]
            if len(self._recent) >= _RECENT_TEXTS:
                self._recent.clear()
            self._recent[text] = found
        return found

    def tag_minutes(self, text: str, items: Sequence[Item]) -> tuple[tuple[Item, ...], tuple[SdgTag, ...]]:
        """Tag each item, and the document with the goals it substantively addresses.

        The document's goals are those of its items and of its other passages (introductions,
        reports, headings that are not items), each judged on its own, so an office's name in
        the attendance list or a word in the venue line does not tag the document.
        """
        tags = self.tag_many(document_texts(text, items))
        item_tags = tags[: len(items)]
        tagged_items = tuple(
            dataclasses.replace(item, sdg=t) for item, t in zip(items, item_tags, strict=True)
        )
        merged: dict[int, list[SdgTag]] = {}
        for found in tags:
            for tag in found:
                merged.setdefault(tag.goal, []).append(tag)
        result = [_merge(goal, found, self.params.max_targets) for goal, found in merged.items()]
        result.sort(key=lambda t: (-t.score, t.goal))
        return tagged_items, tuple(result)

    # -- scoring ------------------------------------------------------------------------------
    def _needs_meaning(self, evidence: list[Evidence]) -> bool:
        """Whether the embedding can change this text's tags. Not without evidence; always with
        an explicit reference (it ranks the targets); otherwise only when some goal could reach
        the threshold with the largest boost meaning can give (else nothing is tagged anyway)."""
        if self.embedder is None or not evidence:
            return False
        p = self.params
        boost = p.procedural_weight * p.procedural_clip[1] + p.goal_weight * _Z_CLIP
        return any(
            base is None or base + boost >= p.threshold
            for base in self._lexical_scores(group_evidence(evidence)).values()
        )

    def _lexical_scores(self, groups: dict[int, _GoalEvidence]) -> dict[int, float | None]:
        """Per goal that may be tagged: its score before meaning (None: explicit, tagged at 1.0).
        A lone weak word is left out; weak words beside another goal's strong ones are its setting."""
        p = self.params
        has_strong = any(g.explicit or max(g.weights.values()) >= 0.9 for g in groups.values())
        scores: dict[int, float | None] = {}
        for goal, group in groups.items():
            if group.explicit:
                scores[goal] = None
            elif len(group.weights) > 1 or group.lexical >= p.min_single:
                weak = has_strong and max(group.weights.values()) < 0.7
                scores[goal] = group.lexical - (p.setting_penalty if weak else 0.0)
        return scores

    def _decide(self, evidence: list[Evidence], view: _Meaning | None) -> tuple[SdgTag, ...]:
        p = self.params
        tags = []
        groups = group_evidence(evidence)
        for goal, base in self._lexical_scores(groups).items():
            if base is None:
                score = 1.0
            else:
                score = base
                if view is not None:
                    lo, hi = p.procedural_clip
                    margin = min(max(view.procedural_margin - p.procedural_centre, lo), hi)
                    z = min(max(float(view.goal_z[goal - 1]), -_Z_CLIP), _Z_CLIP)
                    score += p.procedural_weight * margin + p.goal_weight * z
                if score < p.threshold:
                    continue
            sims = None if view is None else view.target_sims
            group = groups[goal]
            tags.append(
                SdgTag(
                    goal,
                    round(min(score, 1.0), 4),
                    tuple(group.surfaces),
                    self._targets(goal, group.targets, sims),
                )
            )
        tags.sort(key=lambda t: (-t.score, t.goal))
        return tuple(tags)

    def _meaning(self, texts: Sequence[str]) -> Iterator[_Meaning] | None:
        """Per text (in order): similarity to the targets, goal z-scores, procedural margin."""
        if self.embedder is None:
            return None
        if not texts:
            return iter(())
        targets, procedural = self.target_vectors()
        queries = np.asarray(
            self.embedder.embed_passages([_embedding_text(t) for t in texts]), dtype=np.float32
        )
        target_sims = np.einsum("qd,tld->qtl", queries, targets).max(axis=2)
        procedure_sims = (
            (queries @ procedural.T).max(axis=1) if len(procedural) else np.full(len(texts), -1.0)
        )
        return (
            _Meaning(
                target_sims[i], self._goal_z(target_sims[i]), float(target_sims[i].max() - procedure_sims[i])
            )
            for i in range(len(texts))
        )

    @overload
    def _goal_z(self, sims: np.ndarray) -> np.ndarray: ...
    @overload
    def _goal_z(self, sims: None) -> None: ...
    def _goal_z(self, sims: np.ndarray | None) -> np.ndarray | None:
        """Per goal: its best target's similarity as a z-score over the 17 goals."""
        if sims is None:
            return None
        best = np.array([sims[self._target_goal == g].max() for g in GOALS])
        spread = best.std()
        return (best - best.mean()) / (spread if spread > 1e-6 else 1.0)

    def _targets(
        self, goal: int, lexical: dict[str, float], sims: np.ndarray | None
    ) -> tuple[SdgTarget, ...]:
        """Targets of ``goal``: named by evidence, then ranked by similarity (or by evidence alone)."""
        idx = np.flatnonzero(self._target_goal == goal)
        scores: dict[str, float] = {}
        if sims is not None:
            local = sims[idx]
            lo, hi = float(local.min()), float(local.max())
            for i, s in zip(idx, local, strict=True):
                scores[self._target_ids[i]] = 0.5 * ((float(s) - lo) / (hi - lo) if hi > lo else 0.0)
        for target, weight in lexical.items():
            if target in scores or sims is None:
                scores[target] = scores.get(target, 0.0) + 0.5 * weight
        ranked = sorted(scores.items(), key=lambda kv: -kv[1])[: self.params.max_targets]
        return tuple(SdgTarget(t, round(s, 4)) for t, s in ranked if s > 0)

    # -- embeddings ---------------------------------------------------------------------------
    def target_vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """(169, 2, dim) vectors of the English and Thai target descriptions and (n, dim) vectors
        of the procedural sentences, computed once per process (and cached in ``cache_dir``)."""
        assert self.embedder is not None
        key = (self.embedder.name, self.corpus.vector_digest)
        n_targets, n_proc = len(self.corpus.targets), len(self.corpus.procedural)
        path = None
        if self.cache_dir is not None:
            safe = "".join(c if c.isalnum() else "_" for c in self.embedder.name)
            path = self.cache_dir / f"sdg_vectors_{safe}_{self.corpus.vector_digest[:16]}.npy"
        if key in _TARGET_VECTORS:
            if path is not None and not path.exists():  # another data dir of this process computed them
                targets, procedural = _TARGET_VECTORS[key]
                _save_cache(path, np.concatenate([targets.reshape(2 * n_targets, -1), procedural]))
            return _TARGET_VECTORS[key]
        flat = _load_cache(path, 2 * n_targets + n_proc)
        if flat is None:
            passages = []
            for target in self.corpus.targets:
                goal = self.corpus.goal(target.goal)
                passages += [f"{goal.short_en}: {target.title_en}", f"{goal.short_th}: {target.title_th}"]
            flat = np.asarray(
                self.embedder.embed_passages(passages + list(self.corpus.procedural)), dtype=np.float32
            )
            _save_cache(path, flat)
        vectors = (flat[: 2 * n_targets].reshape(n_targets, 2, -1), flat[2 * n_targets :])
        _TARGET_VECTORS[key] = vectors
        return vectors


@dataclass(frozen=True)
class _Meaning:
    target_sims: np.ndarray  # (169,) best of EN/TH description
    goal_z: np.ndarray  # (17,)
    procedural_margin: float  # best target similarity minus best procedural-sentence similarity


def document_texts(text: str, items: Sequence[Item]) -> list[str]:
    """What `SdgTagger.tag_minutes` tags: the items, then the passages outside them."""
    passages = [p for p in _passages(text) if not any(_covers(item.span, p[0]) for item in items)]
    return [item.text for item in items] + [p[1] for p in passages]


def _embedding_text(text: str) -> str:
    return text[:_MAX_EMBED_CHARS]


def _load_cache(path: Path | None, rows: int) -> np.ndarray | None:
    if path is None or not path.exists():
        return None
    try:
        flat = np.load(path)
    except (OSError, ValueError):
        log.warning("ignoring unreadable SDG vector cache %s", path)
        return None
    return flat if flat.ndim == 2 and flat.shape[0] == rows else None


def _save_cache(path: Path | None, flat: np.ndarray) -> None:
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
        with open(tmp, "wb") as handle:
            np.save(handle, flat)
        tmp.replace(path)  # atomic: concurrent processes never read half a file
    except OSError:
        log.warning("could not write SDG vector cache %s", path)


_PASSAGE_BREAK = re.compile(r"\n\s*\n|\n(?=\s*(?:[-•*]|\(?[0-9๐-๙]+[.)]|ระเบียบวาระ|มติ))")


def _passages(text: str) -> list[tuple[tuple[int, int], str]]:
    """Paragraph-sized passages of ``text`` with their spans (blank lines and list entries split)."""
    out, start = [], 0
    for m in list(_PASSAGE_BREAK.finditer(text)) + [None]:
        end = m.start() if m else len(text)
        chunk = text[start:end]
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            out.append(((start + lead, start + len(chunk.rstrip())), chunk.strip()))
        start = m.end() if m else len(text)
    return out


def _covers(item_span: tuple[int, int], span: tuple[int, int]) -> bool:
    """True when the passage lies mostly inside the item (it was tagged as the item already)."""
    inside = max(0, min(item_span[1], span[1]) - max(item_span[0], span[0]))
    return inside >= 0.8 * (span[1] - span[0])


def _merge(goal: int, tags: list[SdgTag], max_targets: int) -> SdgTag:
    """One document-level tag from the tags of its passages and items."""
    evidence: list[str] = []
    targets: dict[str, float] = {}
    for tag in tags:
        evidence += [e for e in tag.evidence if e not in evidence]
        for t in tag.targets:
            targets[t.target] = max(targets.get(t.target, 0.0), t.score)
    # Several passages agreeing make the goal more certain than the best single one.
    rest = 1.0
    for tag in tags:
        rest *= 1.0 - 0.5 * tag.score
    score = max(max(t.score for t in tags), 1.0 - rest)
    ranked = sorted(targets.items(), key=lambda kv: -kv[1])[:max_targets]
    return SdgTag(goal, round(min(score, 1.0), 4), tuple(evidence), tuple(SdgTarget(t, s) for t, s in ranked))
