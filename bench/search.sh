#!/usr/bin/env bash
# Reader search over HTTP: /search/ result pages (rendered per request from
# the node's in-memory index, never cached) against a cached article page,
# side by side in one run of the release binary serving the demo. Also
# prints how long the demo's index took to build at start.
#
#   bash bench/search.sh          # needs wrk and curl
#   ROUNDS=5 DURATION=15s bash bench/search.sh
#   BIN=target/debug/prensa bash bench/search.sh   # skip the release build
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
SLUG=${SLUG:-long-read-benchmark-feature}

for tool in wrk curl; do
  command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install wrk curl)" >&2; exit 1; }
done
if [ -n "${BIN:-}" ]; then
  bin=$BIN
else
  cargo build --release --locked -p prensa >/dev/null
  bin=target/release/prensa
fi

work=$(mktemp -d)
cleanup() { kill "${pid:-}" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
PRENSA_LOG=info "$bin" demo --dir "$work/demo" --bind 127.0.0.1:0 >"$work/out" 2>"$work/err" &
pid=$!
for _ in $(seq 200); do grep -q "serving at" "$work/out" 2>/dev/null && break; sleep 0.1; done
base=$(sed -n 's/^Prensa is serving at \(http:\/\/[^/]*\)\/$/\1/p' "$work/out")
grep -o 'search index built.*' "$work/err" | sed 's/\x1b\[[0-9;]*m//g' | head -1

# Queries: a common word, two words, a phrase, newest first.
queries=("q=workers" "q=city+council" "q=%22the+city%22" "q=workers&sort=newest")
for q in "${queries[@]}"; do
  n=$(curl -sf "$base/search/?$q" | grep -o '[0-9]* results\? for' | head -1 || true)
  echo "/search/?$q: ${n:-no results}"
done
curl -sf "$base/$SLUG/" >/dev/null   # fill the cache

run() { # url -> "req/s p50 p99"
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -H 'Accept-Encoding: br' "$1" |
    awk '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} END {print rps, p50, p99}'
}
printf '%-6s %-32s %12s %10s %10s\n' round page req/s p50 p99
for r in $(seq "$ROUNDS"); do
  read -r a50 a_p50 a_p99 <<<"$(run "$base/$SLUG/")"
  printf '%-6s %-32s %12s %10s %10s\n' "$r" "article (cached)" "$a50" "$a_p50" "$a_p99"
  for q in "q=workers" "q=city+council"; do
    read -r s50 s_p50 s_p99 <<<"$(run "$base/search/?$q")"
    printf '%-6s %-32s %12s %10s %10s   (%.2f× the cached page)\n' "$r" "search $q" "$s50" "$s_p50" "$s_p99" "$(echo "$s50 / $a50" | bc -l)"
  done
done
echo "memory: $(grep VmHWM /proc/$pid/status 2>/dev/null || echo n/a)"
