#!/usr/bin/env bash
# P1 and memory: warm page throughput of the release binary against nginx
# serving the very same bytes as a static file, side by side in one run,
# then the server's memory after 10,000 requests spread over every page.
#
#   bash bench/http.sh            # needs wrk and nginx-light (Debian)
#   ROUNDS=5 DURATION=15s bash bench/http.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
SLUG=${SLUG:-long-read-benchmark-feature}

command -v wrk >/dev/null && command -v nginx >/dev/null || {
  echo "needs wrk and nginx: apt-get install wrk nginx-light" >&2; exit 1; }
# BIN: a release binary already built (else it is built here).
BIN=${BIN:-target/release/prensa}
[ "$BIN" != target/release/prensa ] || cargo build --release --locked -p prensa >/dev/null

work=$(mktemp -d)
chmod 755 "$work"   # nginx workers run unprivileged and must read the files
cleanup() { kill "${prensa_pid:-}" 2>/dev/null || true; nginx -c "$work/nginx.conf" -s stop 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

# Prensa, under /usr/bin/time so its peak memory is reported at exit.
/usr/bin/time -v -o "$work/time.txt" "$BIN" demo --dir "$work/demo" --bind 127.0.0.1:0 \
  >"$work/prensa.out" 2>"$work/prensa.err" &
prensa_pid=$!
for _ in $(seq 100); do grep -q "serving at" "$work/prensa.out" 2>/dev/null && break; sleep 0.1; done
base=$(sed -n 's/^Prensa is serving at \(http:\/\/[^/]*\)\/$/\1/p' "$work/prensa.out")
server_pid=$(pgrep -P "$prensa_pid" prensa || echo "$prensa_pid")

# Page weight: the feature's HTML plus the stylesheet, as a browser gets them.
css=$(curl -sf "$base/$SLUG/" | grep -o '/assets/style\.[0-9a-f]*\.css' | head -1)
words=$(curl -sf "$base/$SLUG/" | sed -n '/<div class="body">/,/<\/div>/p' | sed 's/<[^>]*>/ /g' | wc -w)
for enc in br gzip identity; do
  h=$(curl -sf -H "Accept-Encoding: $enc" "$base/$SLUG/" | wc -c)
  c=$(curl -sf -H "Accept-Encoding: $enc" "$base$css" | wc -c)
  echo "weight ($enc): HTML $h + CSS $c = $((h + c)) bytes  (article body ~$words words)"
done

# nginx serves the identical HTML as a static file.
mkdir -p "$work/www/$SLUG"
curl -sf "$base/$SLUG/" -o "$work/www/$SLUG/index.html"
bytes=$(stat -c %s "$work/www/$SLUG/index.html")
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
  server { listen 127.0.0.1:18089; root $work/www; index index.html; }
}
CONF
mkdir -p "$work/tmp"
nginx -c "$work/nginx.conf"
for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:18089/$SLUG/" && break; sleep 0.1; done
cmp <(curl -sf "$base/$SLUG/") <(curl -sf "http://127.0.0.1:18089/$SLUG/") || { echo "nginx and prensa differ" >&2; exit 1; }
echo "same $bytes bytes from both"

# Requests/sec of one run; fails the script on any non-2xx answer or socket error.
rps() {
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$1" >"$work/run.log"
  cat "$work/run.log" >>"$work/wrk.log"
  if grep -qE "Non-2xx|Socket errors" "$work/run.log"; then cat "$work/run.log" >&2; exit 1; fi
  awk '/Requests\/sec/ {print $2}' "$work/run.log"
}
wrk -t2 -c"$CONNECTIONS" -d2s "$base/$SLUG/" >/dev/null   # warm up
wrk -t2 -c"$CONNECTIONS" -d2s "http://127.0.0.1:18089/$SLUG/" >/dev/null
echo "round  prensa_rps  nginx_rps  ratio"
ratios=()
for r in $(seq "$ROUNDS"); do
  p=$(rps "$base/$SLUG/"); n=$(rps "http://127.0.0.1:18089/$SLUG/")
  ratio=$(awk -v p="$p" -v n="$n" 'BEGIN { printf "%.3f", p / n }')
  ratios+=("$ratio")
  echo "$r      $p   $n   $ratio"
done
median=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "P1 median ratio prensa/nginx: $median   (wrk -t2 -c$CONNECTIONS -d$DURATION, $bytes-byte page, identity encoding)"
grep -E "Latency|99%" "$work/wrk.log" | tail -4 || true

# Memory: 10,000 requests over every page of the demo (cache filled with all of them).
paths=$(curl -sf "$base/" | grep -o 'href="/[a-z0-9/-]*/"' | sed 's/href="//; s/"$//' | sort -u)
for s in $(curl -sf "$base/" | grep -o 'href="/section/[a-z0-9-]*/"' | sed 's/href="//; s/"$//' | sort -u); do
  paths="$paths"$'\n'$(curl -sf "$base$s" | grep -o 'href="/[a-z0-9/-]*/"' | sed 's/href="//; s/"$//')
done
paths=$(printf '%s\n' "$paths" | sort -u | grep -v '^$')
echo "$paths" | awk 'BEGIN { printf "paths = {" } { printf "%s\"%s\"", (NR>1?",":""), $0 } END { print "}" }' >"$work/paths.lua"
cat "$work/paths.lua" - >"$work/count.lua" <<'LUA'
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n % #paths) + 1], { ["Accept-Encoding"] = "gzip, br" })
end
local done = 0
response = function()
  done = done + 1
  if done >= 5000 then wrk.thread:stop() end
end
LUA
rss_before=$(awk '/VmRSS/ {print $2}' /proc/"$server_pid"/status)
wrk -t2 -c8 -d60s -s "$work/count.lua" "$base/" >"$work/count.log"
rss_after=$(awk '/VmRSS/ {print $2}' /proc/"$server_pid"/status)
echo "distinct pages requested: $(echo "$paths" | wc -l)"
grep -E "requests in|Non-2xx|Socket errors" "$work/count.log"
echo "RSS of the demo server: ${rss_before} KiB after the throughput runs, ${rss_after} KiB after 10,000 more requests over every page"
kill -TERM "$server_pid"; wait "$prensa_pid" 2>/dev/null || true
grep -E "Maximum resident set size" "$work/time.txt" | sed 's/^\s*/peak (time -v): /'
