#!/usr/bin/env bash
# A cached article page through Varnish (deploy/varnish/prensa.vcl, a hit
# every time) against the same page from Prensa directly, side by side in
# one run, alternating each round; release binary, `prensa demo`.
#
#   bash bench/varnish.sh            # needs wrk, varnish and varnish-modules
#   ROUNDS=5 DURATION=15s bash bench/varnish.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
SLUG=${SLUG:-long-read-benchmark-feature}
VARNISH_PORT=${VARNISH_PORT:-16081}
VARNISHD=${VARNISHD:-$(command -v varnishd || echo /usr/sbin/varnishd)}

command -v wrk >/dev/null && [ -x "$VARNISHD" ] || {
  echo "needs wrk and varnishd: apt-get install wrk varnish varnish-modules" >&2; exit 1; }
# BIN: a release binary already built (else it is built here).
BIN=${BIN:-target/release/prensa}
[ "$BIN" != target/release/prensa ] || cargo build --release --locked -p prensa >/dev/null

work=$(mktemp -d)
cleanup() { kill "${prensa_pid:-}" "${varnish_pid:-}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

"$BIN" demo --dir "$work/demo" --bind 127.0.0.1:0 --purge-url "http://127.0.0.1:$VARNISH_PORT/" \
  >"$work/prensa.out" 2>"$work/prensa.err" &
prensa_pid=$!
for _ in $(seq 100); do grep -q "serving at" "$work/prensa.out" 2>/dev/null && break; sleep 0.1; done
base=$(sed -n 's/^Prensa is serving at \(http:\/\/[^/]*\)\/$/\1/p' "$work/prensa.out")
port=${base##*:}

sed "s/\.port = \"8080\";/.port = \"$port\";/" deploy/varnish/prensa.vcl >"$work/prensa.vcl"
mkdir -p "$work/varnish"
"$VARNISHD" -F -j none -n "$work/varnish" -a "127.0.0.1:$VARNISH_PORT" -f "$work/prensa.vcl" -T 127.0.0.1:0 \
  -s malloc,256m >"$work/varnish.log" 2>&1 &
varnish_pid=$!
via="http://127.0.0.1:$VARNISH_PORT"
# The demo's publications answer at the address Prensa bound, so requests
# through Varnish name that host (as a CDN forwards the site's own).
host="Host: ${base#http://}"
for _ in $(seq 100); do curl -sf -H "$host" -o /dev/null "$via/$SLUG/" && break; sleep 0.2; done
cmp <(curl -sf "$base/$SLUG/") <(curl -sf -H "$host" "$via/$SLUG/") || { echo "varnish and prensa differ" >&2; exit 1; }
hit=$(curl -sfI -H "$host" "$via/$SLUG/" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-varnish" {print $2}')
echo "same $(curl -sf "$base/$SLUG/" | wc -c) bytes from both; X-Varnish on a repeat: $hit"

rps() {
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -H "$host" "$1" >"$work/run.log"
  if grep -qE "Non-2xx|Socket errors" "$work/run.log"; then cat "$work/run.log" >&2; exit 1; fi
  echo "$(awk '/Requests\/sec/ {print $2}' "$work/run.log") $(awk '$1=="99%" {print $2}' "$work/run.log")"
}
wrk -t2 -c"$CONNECTIONS" -d2s "$base/$SLUG/" >/dev/null   # warm up
wrk -t2 -c"$CONNECTIONS" -d2s -H "$host" "$via/$SLUG/" >/dev/null
echo "round  prensa_rps  prensa_p99  varnish_rps  varnish_p99  varnish/prensa"
for r in $(seq "$ROUNDS"); do
  read -r p pl < <(rps "$base/$SLUG/"); read -r v vl < <(rps "$via/$SLUG/")
  echo "$r  $p  $pl  $v  $vl  $(awk -v p="$p" -v v="$v" 'BEGIN { printf "%.3f", v / p }')"
done
