#!/usr/bin/env bash
# Serving /media/KEY from the local media folder against from an
# S3-compatible bucket (moto's server, from PyPI): the demo imported twice,
# one server each, every original image fetched once per round with curl
# (nothing caches media in the server, so every fetch reads the file or
# the object). Prints the median and p90 of curl's time_total.
#
#   bash bench/media-s3.sh                 # ROUNDS=5, release binary
#   PRENSA_BIN=target/debug/prensa bash bench/media-s3.sh
#
# moto is a Python stand-in, slower than a real object store on a LAN:
# read the S3 column as "a round trip to a store", not as S3's latency.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-5}
if [ -z "${PRENSA_BIN:-}" ]; then
  cargo build --release --locked -p prensa >/dev/null
  PRENSA_BIN=target/release/prensa
fi
bin=$PRENSA_BIN
venv=${PRENSA_MOTO_VENV:-$HOME/.cache/prensa-moto}
[ -x "$venv/bin/moto_server" ] || { python3 -m venv "$venv"; "$venv/bin/pip" install -q --no-compile 'moto[server]==5.2.5'; }

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

"$venv/bin/moto_server" -H 127.0.0.1 -p 18150 >"$work/moto.log" 2>&1 &
pids+=($!)
for _ in $(seq 150); do curl -s -o /dev/null http://127.0.0.1:18150/ && break; sleep 0.2; done
curl -sf -o /dev/null -X PUT http://127.0.0.1:18150/bench-media
export AWS_ENDPOINT_URL=http://127.0.0.1:18150 AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_REGION=us-east-1 AWS_ALLOW_HTTP=true
export PRENSA_LOG=warn

"$bin" import dir demo --database "sqlite://$work/local.db" >/dev/null
"$bin" import dir demo --database "sqlite://$work/s3.db" --media-url s3://bench-media/demo >/dev/null
"$bin" serve --database "sqlite://$work/local.db" --bind 127.0.0.1:18151 >/dev/null 2>&1 &
pids+=($!)
"$bin" serve --database "sqlite://$work/s3.db" --media-url s3://bench-media/demo --bind 127.0.0.1:18152 >/dev/null 2>&1 &
pids+=($!)
for port in 18151 18152; do
  for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.1; done
done

keys=$(ls "$work/media" | grep -v -- '-')
measure() { # port
  for _ in $(seq "$ROUNDS"); do
    for k in $keys; do curl -sf -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$1/media/$k"; done
  done | sort -n | awk '{a[NR]=$1} END {printf "%d fetches, median %.2f ms, p90 %.2f ms\n", NR, a[int(NR/2)]*1000, a[int(NR*0.9)]*1000}'
}
echo "local folder: $(measure 18151)"
echo "bucket (moto): $(measure 18152)"
