#!/usr/bin/env bash
# Issue 11's API speed target: a cached Content API list answers within
# 20 % of a cached article page. One server (the demo, release build), one
# key made with `prensa key add`; wrk alternates between
#   page  the demo's feature article (`/long-read-benchmark-feature/`),
#   api   `/api/content/v1/articles/?limit=20` with `Authorization: Bearer KEY`
# both answered from the page cache (the API after checking the key and
# reading the query). Prints each round and the median ratio api/page of
# requests per second (1.0 = as fast; the target is >= 0.8).
#
#   bash bench/api.sh                       # needs wrk; builds the release binary
#   PRENSA_BIN=target/debug/prensa bash bench/api.sh    # check the script quickly
#   ROUNDS=5 DURATION=15s bash bench/api.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
SLUG=${SLUG:-long-read-benchmark-feature}
LIST=${LIST:-/api/content/v1/articles/?limit=20}
BIN=${PRENSA_BIN:-target/release/prensa}

command -v wrk >/dev/null || { echo "needs wrk: apt-get install wrk" >&2; exit 1; }
if [ -z "${PRENSA_BIN:-}" ]; then cargo build --release --locked -p prensa >/dev/null; fi

work=$(mktemp -d)
cleanup() { kill "${pid:-}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

PRENSA_LOG=warn "$BIN" demo --dir "$work" --bind 127.0.0.1:0 >"$work/out" 2>"$work/err" &
pid=$!
for _ in $(seq 300); do grep -q "serving at" "$work/out" 2>/dev/null && break; sleep 0.1; done
base=$(sed -n 's/^Prensa is serving at \(http:\/\/[^/]*\)\/$/\1/p' "$work/out")
[ -n "$base" ] || { cat "$work/err" >&2; echo "the server did not start" >&2; exit 1; }
key=$("$BIN" key add bench --publication meridian --database "sqlite://$work/demo.db" | tail -n 1)
auth="Authorization: Bearer $key"
# The key reaches the server through the change feed (every 0.5 s).
for _ in $(seq 50); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' -H "$auth" "$base$LIST")" = 200 ] && break
  sleep 0.2
done
curl -sf -H "$auth" "$base$LIST" | grep -q '"next_cursor"' || { echo "the API does not answer the list" >&2; exit 1; }
curl -sf "$base/$SLUG/" | grep -q '<html lang="en"' || { echo "the article page does not answer" >&2; exit 1; }

# Requests/sec of one run; fails the script on any non-2xx answer or socket error.
rps() { # URL [HEADER]
  local args=(-t2 -c"$CONNECTIONS" -d"$DURATION" --latency)
  [ -n "${2:-}" ] && args+=(-H "$2")
  wrk "${args[@]}" "$1" >"$work/run.log"
  if grep -qE "Non-2xx|Socket errors" "$work/run.log"; then cat "$work/run.log" >&2; exit 1; fi
  awk '/Requests\/sec/ {print $2}' "$work/run.log"
}
wrk -t2 -c"$CONNECTIONS" -d2s "$base/$SLUG/" >/dev/null   # warm up (and fill the cache)
wrk -t2 -c"$CONNECTIONS" -d2s -H "$auth" "$base$LIST" >/dev/null
echo "round  page_rps  api_list_rps  ratio"
ratios=()
for r in $(seq "$ROUNDS"); do
  # Alternate which goes first, so a trend in the machine's load cancels.
  if [ $((r % 2)) -eq 1 ]; then
    page=$(rps "$base/$SLUG/"); api=$(rps "$base$LIST" "$auth")
  else
    api=$(rps "$base$LIST" "$auth"); page=$(rps "$base/$SLUG/")
  fi
  ratio=$(awk -v a="$api" -v p="$page" 'BEGIN { printf "%.3f", a / p }')
  ratios+=("$ratio")
  echo "$r      $page      $api      $ratio"
done
median=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
echo "median ratio (cached API list / cached article page, requests per second): $median"
