#!/usr/bin/env bash
# Issue 15, "hot pages keep today's speed": one cached article page of the
# archive against nginx serving the same bytes, side by side in one run
# (alternating rounds), while a second wrk keeps requesting uniformly
# random article URLs of the archive on its own connections (cold renders,
# evictions). Release binary; the archive loaded by bench/archive.sh.
#
#   DB=sqlite:///tmp/prensa-archive-bench/archive.db MEDIA=/tmp/prensa-archive-bench/media bash bench/archive-hot.sh
#
# Variables: BIN (default target/release/prensa), ROUNDS (3), DURATION
# (seconds per hot run, 10), CONNECTIONS (hot page, 32), BACKGROUND
# (connections of the random load, 8).
set -euo pipefail
cd "$(dirname "$0")/.."
DB=${DB:?set DB to the archive database URL}
MEDIA=${MEDIA:?set MEDIA to the archive media directory}
BIN=${BIN:-target/release/prensa}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-32}
BACKGROUND=${BACKGROUND:-8}
work=$(mktemp -d /tmp/prensa-archive-hot.XXXXXX)
pid=
bg=
cleanup() {
  [ -n "$bg" ] && kill "$bg" 2>/dev/null
  [ -n "$pid" ] && kill "$pid" 2>/dev/null
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

python3 bench/archive_targets.py "$DB" "$work" >/dev/null
PRENSA_LOG=warn "$BIN" serve --database "$DB" --media-dir "$MEDIA" --bind 127.0.0.1:0 >"$work/out" 2>"$work/err" &
pid=$!
until url=$(grep -o 'http://[0-9.:]*/' "$work/out" 2>/dev/null); do sleep 0.01; done
# The index build takes both cores for a while: measure after it.
until curl -s "${url}metrics" | grep -q '^prensa_search_index_complete 1'; do sleep 0.5; done

# The hot page: the first article of the random list, served by Prensa
# (cached after the first request) and, byte for byte, by nginx.
hot=$(grep -o '"/[^"]*"' "$work/articles.lua" | sed -n '1s/"//gp')
mkdir -p "$work/www$hot" "$work/tmp"
chmod -R a+rX "$work"  # nginx's workers run as another user
curl -sf -H 'Host: localhost:8080' "${url%/}$hot" -o "$work/www$hot/index.html"
cat >"$work/nginx.conf" <<CONF
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on; tcp_nopush on; tcp_nodelay on;
  keepalive_requests 1000000;
  default_type text/html;
  client_body_temp_path $work/tmp; proxy_temp_path $work/tmp; fastcgi_temp_path $work/tmp;
  uwsgi_temp_path $work/tmp; scgi_temp_path $work/tmp;
  server { listen 127.0.0.1:18090; root $work/www; index index.html; }
}
CONF
nginx -c "$work/nginx.conf"
for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:18090$hot" && break; sleep 0.1; done
cmp <(curl -sf -H 'Host: localhost:8080' "${url%/}$hot") <(curl -sf "http://127.0.0.1:18090$hot") ||
  { echo "nginx and prensa differ" >&2; exit 1; }
echo "hot page $hot: $(stat -c %s "$work/www$hot/index.html") bytes, the same from both"

# The random archive load, on its own connections, for the whole run.
wrk -t1 -c"$BACKGROUND" -d"$((ROUNDS * DURATION * 2 + 10))s" --latency -s "$work/articles.lua" "$url" >"$work/bg.txt" &
bg=$!
sleep 2
hot_lua="$work/hot.lua"
echo 'wrk.headers["Host"] = "localhost:8080"' >"$hot_lua"
rps() {
  wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$hot_lua" "$1" >"$work/run.txt"
  if grep -qE "Non-2xx|Socket errors" "$work/run.txt"; then cat "$work/run.txt" >&2; exit 1; fi
  echo "$(awk '/Requests\/sec/ {print $2}' "$work/run.txt") $(awk '$1 == "99%" {print $2}' "$work/run.txt")"
}
echo "round  prensa_rps (p99)  nginx_rps (p99)  ratio"
ratios=()
for r in $(seq "$ROUNDS"); do
  read -r p pl < <(rps "${url%/}$hot")
  read -r n nl < <(rps "http://127.0.0.1:18090$hot")
  ratio=$(echo "scale=3; $p / $n" | bc)
  ratios+=("$ratio")
  echo "$r  $p ($pl)  $n ($nl)  $ratio"
done
wait "$bg"; bg=
echo "random articles meanwhile: $(awk '/Requests\/sec/ {print $2}' "$work/bg.txt") req/s," \
  "p99 $(awk '$1 == "99%" {print $2}' "$work/bg.txt")"
printf '%s\n' "${ratios[@]}" | sort -n | awk '{ r[NR] = $1 } END { print "median ratio prensa/nginx: " r[int((NR + 1) / 2)] }'
