#!/usr/bin/env bash
# Rolling restart of two `prensa serve` nodes (A, B) on one SQLite database,
# without a load balancer: what SIGTERM does to the traffic a node carries.
#
#   bash bench/rolling-restart.sh          # needs wrk and curl
#   DRAIN=5 TERM_AT=4 bash bench/rolling-restart.sh
#
# For each node in turn, while wrk loads it (and the other node):
#   1. send SIGTERM at TERM_AT seconds;
#   2. poll its /readyz every 0.1 s: 200, then 503 from the signal on, then
#      "refused" once the drain delay (PRENSA_DRAIN_DELAY=DRAIN) is over and
#      the listener has closed;
#   3. two wrk runs on the node, with fixed keep-alive connections:
#      - "balancer": stops 1 s before the drain delay ends, standing in for a
#        load balancer that polls /readyz and takes the node out of rotation
#        (its health-check interval × unhealthy threshold must be below the
#        drain delay). It must see no socket error and no non-2xx answer.
#      - "ignores readiness": keeps sending through the listener's close.
#        Reported, not failed on: without a balancer nothing can re-route
#        these. Its "write" errors are connection attempts refused after the
#        close (wrk's connect is non-blocking, so it learns of the refusal
#        when it writes); "read" errors, a handful at most, are connections
#        opened just before the close whose request the server had not read
#        yet (still in the kernel's accept queue, or accepted but idle):
#        they are closed with that request unanswered and unprocessed.
#   4. wrk on the other node for the whole time: no error, no non-2xx;
#   5. the node exits with status 0 and is started again on the same port.
#
# What this does NOT show:
#   - a real balancer's behaviour (re-routing, retries): none is involved;
#   - a request held in flight across the listener's close: on loopback a
#     whole page fits in the socket buffers, so a slow client cannot keep a
#     response in flight. crates/prensa-web/tests/drain.rs shows that one,
#     with a slow handler: it is answered in full after the listener closes,
#     and the server returns only then.
# The script fails if the "balancer" or other-node runs see any error, if
# /readyz never answered 503, or if a node exits with a non-zero status.
set -euo pipefail
cd "$(dirname "$0")/.."
DRAIN=${DRAIN:-3}             # seconds; PRENSA_DRAIN_DELAY of both nodes
TERM_AT=${TERM_AT:-3}         # seconds into the load when SIGTERM is sent
CONNECTIONS=${CONNECTIONS:-16}
PORT_A=${PORT_A:-18181}
PORT_B=${PORT_B:-18182}
SLUG=${SLUG:-long-read-benchmark-feature}
((DRAIN >= 2)) || { echo "DRAIN must be at least 2 seconds" >&2; exit 1; }

command -v wrk >/dev/null && command -v curl >/dev/null || {
  echo "needs wrk and curl: apt-get install wrk curl" >&2; exit 1; }
cargo build --release --locked -p prensa >/dev/null
bin=$PWD/target/release/prensa

work=$(mktemp -d)
declare -A pid port
cleanup() {
  for n in "${!pid[@]}"; do kill "${pid[$n]}" 2>/dev/null || true; done
  jobs -p | xargs -r kill 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

db="sqlite://$work/site.db"
"$bin" import dir demo --database "$db" >"$work/import.log" 2>&1
port[A]=$PORT_A
port[B]=$PORT_B

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

start_node() { # name
  local n=$1 t0
  t0=$(now)
  PRENSA_DRAIN_DELAY=$DRAIN PRENSA_LOG=info "$bin" serve --database "$db" --bind "127.0.0.1:${port[$n]}" \
    >"$work/$n.out" 2>>"$work/$n.err" &
  pid[$n]=$!
  for _ in $(seq 100); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${port[$n]}/readyz") == 200 ]] && break
    sleep 0.1
  done
  [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${port[$n]}/readyz") == 200 ]] ||
    { echo "node $n did not become ready" >&2; cat "$work/$n.err" >&2; exit 1; }
  curl -sf -o /dev/null "http://127.0.0.1:${port[$n]}/$SLUG/"   # warm the page cache
  echo "node $n (pid ${pid[$n]}, :${port[$n]}) ready after $(since "$t0") s"
}

# "N requests, N non-2xx, connect N read N write N timeout N" from a wrk log.
summary() {
  awk '
    /requests in/ { req = $1 }
    /Non-2xx/ { non2xx = $NF }
    /Socket errors/ { gsub(",", ""); c = $4; r = $6; w = $8; t = $10 }
    END { printf "%d requests, %d non-2xx, socket errors: connect %d read %d write %d timeout %d\n",
                 req, non2xx, c, r, w, t }' "$1"
}
clean() { # wrk log: no socket error and no non-2xx
  ! grep -qE "Non-2xx|Socket errors" "$1"
}

failed=0
restart() { # node, other node
  local n=$1 o=$2 url="http://127.0.0.1:${port[$1]}" t0 term_t exit_code first_503="" refused=""
  echo
  echo "--- rolling node $n: SIGTERM after ${TERM_AT} s of load, drain delay ${DRAIN} s"
  t0=$(now)
  wrk -t1 -c"$CONNECTIONS" -d$((TERM_AT + DRAIN - 1))s "$url/$SLUG/" >"$work/balancer.log" 2>&1 &
  local w1=$!
  wrk -t1 -c4 -d$((TERM_AT + DRAIN + 2))s "$url/$SLUG/" >"$work/naive.log" 2>&1 &
  local w2=$!
  wrk -t1 -c"$CONNECTIONS" -d$((TERM_AT + DRAIN + 2))s "http://127.0.0.1:${port[$o]}/$SLUG/" >"$work/other.log" 2>&1 &
  local w3=$!
  ( while :; do
      code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$url/readyz" || true)
      echo "$(since "$t0") $code"
      sleep 0.1
    done ) >"$work/readyz.log" &
  local poller=$!

  sleep "$TERM_AT"
  term_t=$(since "$t0")
  kill -TERM "${pid[$n]}"
  set +e; wait "${pid[$n]}"; exit_code=$?; set -e
  local exit_t; exit_t=$(since "$t0")
  unset "pid[$n]"
  wait "$w1" "$w2" "$w3" || true
  kill "$poller" 2>/dev/null || true; wait "$poller" 2>/dev/null || true

  first_503=$(awk '$2 == 503 { print $1; exit }' "$work/readyz.log")
  refused=$(awk '$2 == "000" { print $1; exit }' "$work/readyz.log")
  last_200=$(awk '$2 == 200 { t = $1 } END { print t }' "$work/readyz.log")
  echo "SIGTERM at +${term_t} s; exited at +${exit_t} s with status $exit_code"
  echo "/readyz on $n: last 200 at +${last_200:-?} s, first 503 at +${first_503:-never} s, refused from +${refused:-never} s"
  echo "wrk on $n, balancer (stops $((TERM_AT + DRAIN - 1)) s in): $(summary "$work/balancer.log")"
  echo "wrk on $n, ignores readiness (runs through the close):  $(summary "$work/naive.log")"
  echo "wrk on $o meanwhile:                                   $(summary "$work/other.log")"
  clean "$work/balancer.log" || { echo "FAIL: balancer traffic to $n saw errors"; failed=1; }
  clean "$work/other.log" || { echo "FAIL: traffic to $o saw errors"; failed=1; }
  [[ -n $first_503 ]] || { echo "FAIL: /readyz on $n never answered 503"; failed=1; }
  ((exit_code == 0)) || { echo "FAIL: node $n exited with status $exit_code"; failed=1; }
  grep -E "draining|no longer accepting" "$work/$n.err" | sed 's/\x1b\[[0-9;]*m//g; s/^/  log: /' | tail -2
  start_node "$n"
}

start_node A
start_node B
restart A B
restart B A
echo
if ((failed)); then echo "rolling restart: FAILED"; exit 1; fi
echo "rolling restart: no error for traffic that honors /readyz, none on the other node, both nodes exited 0"
