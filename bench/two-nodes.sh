#!/usr/bin/env bash
# Scaling out: one `prensa serve` node pinned to one core, against two
# nodes on one database each pinned to its own core, serving the same warm
# article page under wrk. Prints requests/s per round and the ratio.
#
#   bash bench/two-nodes.sh            # ROUNDS=3 DURATION=8s
#
# Caveat on a 2-core machine: wrk needs CPU too and is not pinned, so it
# competes with the nodes; the ratio is a lower bound of what two nodes on
# two otherwise idle cores give. So the script also reads each node's CPU
# time (/proc/PID/stat) and prints requests served per CPU-second: if two
# nodes serve as many requests per CPU-second as one, nothing is shared
# between them and a node with a core of its own adds one node's
# throughput — that is the scaling, measured without needing a third core.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-8s}
SLUG=${SLUG:-long-read-benchmark-feature}
command -v wrk >/dev/null && command -v taskset >/dev/null || { echo "needs wrk and taskset" >&2; exit 1; }
cargo build --release --locked -p prensa >/dev/null
bin=target/release/prensa

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

# The demo's database, made once by `prensa demo`.
"$bin" demo --dir "$work" --bind 127.0.0.1:0 >"$work/demo.out" 2>/dev/null &
demo=$!
for _ in $(seq 100); do grep -q "serving at" "$work/demo.out" 2>/dev/null && break; sleep 0.1; done
kill "$demo"; wait "$demo" 2>/dev/null || true

start_node() { # core port
  PRENSA_LOG=warn taskset -c "$1" "$bin" serve --database "sqlite://$work/demo.db" --bind "127.0.0.1:$2" >/dev/null 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$2/$SLUG/" && break; sleep 0.1; done
}
rps() { awk '/Requests\/sec/ {print $2}' "$1"; }
requests() { awk '/requests in/ {print $1}' "$1"; }
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }   # user + system, in clock ticks
tck=$(getconf CLK_TCK)
start_node 0 18101
start_node 1 18102
a=http://127.0.0.1:18101/$SLUG/
b=http://127.0.0.1:18102/$SLUG/
wrk -t2 -c64 -d2s "$a" >/dev/null; wrk -t2 -c64 -d2s "$b" >/dev/null   # warm both caches

echo "round  one_node_rps  two_nodes_rps  ratio  one_node_req/cpu_s  two_nodes_req/cpu_s  efficiency"
ratios=()
effs=()
for r in $(seq "$ROUNDS"); do
  c0=$(cpu "${pids[0]}")
  wrk -t2 -c64 -d"$DURATION" "$a" >"$work/one.log"
  c1=$(cpu "${pids[0]}")
  one=$(rps "$work/one.log")
  one_eff=$(awk -v n="$(requests "$work/one.log")" -v t="$((c1 - c0))" -v k="$tck" 'BEGIN { printf "%.0f", n / (t / k) }')
  a0=$(cpu "${pids[0]}"); b0=$(cpu "${pids[1]}")
  wrk -t1 -c32 -d"$DURATION" "$a" >"$work/a.log" & wa=$!
  wrk -t1 -c32 -d"$DURATION" "$b" >"$work/b.log" & wb=$!
  wait "$wa" "$wb"
  a1=$(cpu "${pids[0]}"); b1=$(cpu "${pids[1]}")
  two=$(awk -v x="$(rps "$work/a.log")" -v y="$(rps "$work/b.log")" 'BEGIN { printf "%.2f", x + y }')
  two_eff=$(awk -v x="$(requests "$work/a.log")" -v y="$(requests "$work/b.log")" -v t="$((a1 - a0 + b1 - b0))" -v k="$tck" \
    'BEGIN { printf "%.0f", (x + y) / (t / k) }')
  ratio=$(awk -v o="$one" -v t="$two" 'BEGIN { printf "%.3f", t / o }')
  eff=$(awk -v o="$one_eff" -v t="$two_eff" 'BEGIN { printf "%.3f", t / o }')
  ratios+=("$ratio")
  effs+=("$eff")
  echo "$r      $one     $two     $ratio  $one_eff  $two_eff  $eff"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "two nodes / one node, median: $(median "${ratios[@]}")   (each node pinned to one core; wrk unpinned on the same 2 cores)"
echo "requests per CPU-second, two nodes / one node, median: $(median "${effs[@]}")   (1.0 = two nodes with a core each serve 2x)"
