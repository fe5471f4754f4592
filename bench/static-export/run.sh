#!/usr/bin/env bash
# Static export vs Hugo, side by side in one run (BENCHMARKS.md, issue 12).
# Generates N articles (default 10,000) as a Prensa content directory and as
# a Hugo site with bench/hugo-theme, imports the first into a SQLite store,
# then alternates `prensa export static` and `hugo` RUNS times (default 3),
# each timed by /usr/bin/time -v (wall time, peak RSS), output folders
# deleted between runs. Needs a release build: cargo build --release -p prensa
# Usage: bench/static-export/run.sh [N] [RUNS]   (PRENSA_BIN=path: another build;
# REUSE=1: keep the content and the imported store of an earlier run of the
# same N in PRENSA_BENCH_DIR instead of generating and importing them again)
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-10000}
runs=${2:-3}
work=${PRENSA_BENCH_DIR:-${TMPDIR:-/tmp}/prensa-static-bench}
bin=${PRENSA_BIN:-$PWD/target/release/prensa}
mkdir -p "$work"
if [ "${REUSE:-0}" = 1 ] && [ -f "$work/bench.db" ] && [ "$(cat "$work/articles" 2>/dev/null)" = "$n" ]; then
  echo "reusing the content and store in $work"
else
  rm -f "$work/articles"
  python3 bench/static-export/gen.py "$work" "$n"
  rm -rf "$work/bench.db" "$work/bench.db-wal" "$work/bench.db-shm" "$work/media"
  "$bin" import dir "$work/prensa" --database "sqlite://$work/bench.db" >/dev/null
  echo "$n" >"$work/articles"
fi

measure() { # label, command...
  local label=$1; shift
  /usr/bin/time -v "$@" >"$work/$label.out" 2>"$work/$label.time"
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/$label.time")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/$label.time")
  printf '%-8s wall %-10s peak RSS %8d kB\n' "$label" "$wall" "$rss"
}

for i in $(seq "$runs"); do
  rm -rf "$work/out-prensa" "$work/out-hugo"
  measure prensa "$bin" export static "$work/out-prensa" --database "sqlite://$work/bench.db"
  (cd "$work/hugo" && measure hugo hugo --quiet -d "$work/out-hugo")
done
tail -1 "$work/prensa.out"
echo "files: prensa $(find "$work/out-prensa" -type f | wc -l), hugo $(find "$work/out-hugo" -type f | wc -l)"
echo "html pages: prensa $(find "$work/out-prensa" -name index.html | wc -l), hugo $(find "$work/out-hugo" -name index.html | wc -l)"
echo "(delete $work when done)"
