#!/usr/bin/env bash
# SQLite vs PostgreSQL: the demo imported into each, served by the release
# binary side by side, compared on
#   1. cold pages: every distinct page of the site fetched once from a fresh
#      server (each one a cache miss, so this is the store's cost), and
#   2. warm throughput of one article page (wrk), which should not depend
#      on the database at all: hits never reach the store.
#
#   bash bench/postgres.sh        # needs wrk, curl, psql and a PostgreSQL server
#   PG=postgres://user@host/db ROUNDS=5 DURATION=15s bash bench/postgres.sh
#   BIN=target/debug/prensa bash bench/postgres.sh   # skip the release build
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
SLUG=${SLUG:-long-read-benchmark-feature}
PG=${PG:-${PRENSA_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}}

for tool in wrk curl psql; do
  command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install wrk curl postgresql-client)" >&2; exit 1; }
done
if [ -n "${BIN:-}" ]; then
  bin=$BIN
else
  cargo build --release --locked -p prensa >/dev/null
  bin=target/release/prensa
fi

work=$(mktemp -d)
schema="bench_$$"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  psql -q "$PG" -c "DROP SCHEMA IF EXISTS $schema CASCADE" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
psql -q "$PG" -c "CREATE SCHEMA $schema"
sep='?'; [[ $PG == *\?* ]] && sep='&'
pg_url="$PG${sep}options[search_path]=$schema"
lite_url="sqlite://$work/site.db"

# The same content in both; media files in one shared folder.
"$bin" import dir demo --database "$lite_url" --media-dir "$work/media" >/dev/null
"$bin" import dir demo --database "$pg_url" --media-dir "$work/media" >/dev/null

# Starts `prensa serve` on DATABASE; sets $base and appends to $pids.
serve() {
  local out="$work/serve.$RANDOM.out"
  PRENSA_LOG=warn "$bin" serve --database "$1" --media-dir "$work/media" --bind 127.0.0.1:0 >"$out" 2>&1 &
  pids+=("$!")
  for _ in $(seq 100); do grep -q "serving at" "$out" 2>/dev/null && break; sleep 0.1; done
  base=$(sed -n 's/^Prensa is serving at \(http:\/\/[^/]*\)\/$/\1/p' "$out")
  [ -n "$base" ] || { cat "$out" >&2; exit 1; }
}

# Every page linked from the home page and the section pages, from a
# throwaway server so the measured ones start cold.
serve "$lite_url"
links() { grep -o 'href="/[a-z0-9/-]*/"' | sed 's/href="//; s/"$//'; }
paths=$(curl -sf "$base/" | links | sort -u)
for s in $(echo "$paths" | grep '^/section/'); do paths="$paths"$'\n'$(curl -sf "$base$s" | links); done
paths=$(printf '/\n%s\n' "$paths" | sort -u | grep -v '^$')
kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true
echo "site: $(echo "$paths" | wc -l) distinct pages"

serve "$lite_url"; lite=$base
serve "$pg_url"; pg=$base

# Cold: each page once, sequentially; the sum of curl's total times.
cold() {
  local total=0 t
  for p in $paths; do
    t=$(curl -sf -o /dev/null -w '%{time_total}' "$1$p")
    total=$(awk -v a="$total" -v b="$t" 'BEGIN { printf "%.6f", a + b }')
  done
  echo "$total"
}
cold_lite=$(cold "$lite"); cold_pg=$(cold "$pg")
n=$(echo "$paths" | wc -l)
awk -v l="$cold_lite" -v p="$cold_pg" -v n="$n" 'BEGIN {
  printf "cold pages (all cache misses): SQLite %.2f ms/page, PostgreSQL %.2f ms/page, ratio pg/sqlite %.2f\n",
    1000 * l / n, 1000 * p / n, p / l }'

# Identical output, or the comparison means nothing.
for p in $paths; do
  cmp -s <(curl -sf "$lite$p") <(curl -sf "$pg$p") || { echo "pages differ: $p" >&2; exit 1; }
done
echo "all pages byte-identical from both"

rps() {
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" "$1" >"$work/run.log"
  if grep -qE "Non-2xx|Socket errors" "$work/run.log"; then cat "$work/run.log" >&2; exit 1; fi
  awk '/Requests\/sec/ {print $2}' "$work/run.log"
}
wrk -t2 -c"$CONNECTIONS" -d2s "$lite/$SLUG/" >/dev/null   # warm up
wrk -t2 -c"$CONNECTIONS" -d2s "$pg/$SLUG/" >/dev/null
echo "round  sqlite_rps  postgres_rps  ratio"
ratios=()
for r in $(seq "$ROUNDS"); do
  l=$(rps "$lite/$SLUG/"); p=$(rps "$pg/$SLUG/")
  ratio=$(awk -v p="$p" -v l="$l" 'BEGIN { printf "%.3f", p / l }')
  ratios+=("$ratio")
  echo "$r      $l   $p   $ratio"
done
median=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "warm median ratio postgres/sqlite: $median   (wrk -t2 -c$CONNECTIONS -d$DURATION, /$SLUG/, identity encoding)"
