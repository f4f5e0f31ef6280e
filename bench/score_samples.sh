#!/usr/bin/env bash
# Scores `prachum extract` on the project's own samples (corpus/samples/*.txt) against the
# hand annotations in corpus/samples/expected/ — a second dev set beside ../shared/eval/dev.
# Run from anywhere:  bench/score_samples.sh [--json]
# Uses .venv/bin/prachum when present, else `prachum` on PATH (override with PRACHUM=...);
# the scorer is ../shared/eval/score.py beside the project (override with SCORE=...).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
samples="$root/corpus/samples"
cmd=${PRACHUM:-}
if [ -z "$cmd" ]; then
  if [ -x "$root/.venv/bin/prachum" ]; then cmd="$root/.venv/bin/prachum"; else cmd=prachum; fi
fi
score=${SCORE:-"$root/../shared/eval/score.py"}
if [ ! -f "$score" ]; then
  echo "score_samples: scorer not found at $score (set SCORE=...)" >&2
  exit 2
fi
python=python3
if [ -x "$root/.venv/bin/python" ]; then python="$root/.venv/bin/python"; fi
gold=$(mktemp -d)
pred=$(mktemp -d)
trap 'rm -rf "$gold" "$pred"' EXIT
export PRACHUM_DATA_DIR="$pred/data"   # extract stores nothing, but never touch the user's data
failed=0
for g in "$samples"/expected/*.gold.json; do
  n=$(basename "$g" .gold.json)
  src="$samples/$n.txt"
  if [ ! -f "$src" ]; then echo "no sample for $n" >&2; failed=1; continue; fi
  cp "$g" "$src" "$gold/"
  if ! $cmd extract "$src" --format json >"$pred/$n.json" 2>"$pred/$n.err"; then
    echo "extract failed on $n:" >&2
    tail -3 "$pred/$n.err" >&2
    failed=1
  fi
done
"$python" "$score" "$gold" "$pred" "$@"
status=$?
[ "$status" -ne 0 ] && exit "$status"
exit "$failed"
