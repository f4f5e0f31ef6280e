"""Tokenisation speed: pythainlp newmm vs nlpo3 (Rust newmm) vs prachum.nlp.tokenize, on the
project's samples and the real thaigov texts. Prints chars/s and ratios, and token agreement.

    .venv/bin/python bench/tokenize_speed.py (not tokenize.py: that would shadow the standard library for scripts run from bench/)
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def corpus() -> list[str]:
    paths = sorted((ROOT / "corpus" / "samples").glob("*.txt"))
    paths += sorted((ROOT.parent / "shared" / "corpus" / "thaigov").glob("*.txt"))
    return [p.read_text(encoding="utf-8") for p in paths]


def timed(fn, texts: list[str], repeat: int = 3) -> tuple[float, list[list[str]]]:  # type: ignore[no-untyped-def]
    fn(texts[0])  # warm-up: dictionaries and tries are built lazily
    best = float("inf")
    out: list[list[str]] = []
    for _ in range(repeat):
        t = time.perf_counter()
        out = [fn(text) for text in texts]
        best = min(best, time.perf_counter() - t)
    return best, out


def main() -> None:
    from pythainlp.tokenize import word_tokenize

    import prachum  # noqa: F401
    from prachum.nlp.tokenize import tokenize

    texts = corpus()
    chars = sum(map(len, texts))
    engines = {"pythainlp newmm": lambda t: word_tokenize(t, engine="newmm", keep_whitespace=False)}
    try:
        import nlpo3  # noqa: F401

        engines["pythainlp nlpo3"] = lambda t: word_tokenize(t, engine="nlpo3", keep_whitespace=False)
    except ImportError:
        print("nlpo3 not installed; skipped")
    engines["prachum tokenize"] = tokenize
    results = {}
    for name, fn in engines.items():
        try:
            results[name] = timed(fn, texts)
        except Exception as exc:  # an engine that needs a download must not stop the bench
            print(f"{name}: unavailable ({type(exc).__name__}: {exc})")
    base = results["pythainlp newmm"][0]
    print(f"corpus: {len(texts)} texts, {chars:,} characters")
    for name, (seconds, tokens) in results.items():
        ref = results["pythainlp newmm"][1]
        same = sum(a == b for a, b in zip(tokens, ref, strict=True))
        print(f"  {name:<18} {chars / seconds:>12,.0f} chars/s  {base / seconds:5.2f}x newmm   identical texts {same}/{len(texts)}")


if __name__ == "__main__":
    main()
