#!/usr/bin/env bash
# Soak: the release binary serving the demo under saturation for DURATION
# seconds (default 600) with a mix of traffic a real site gets at once:
#   - wrk, 64 connections, over every cached page of the demo, junk
#     variants of them (`?page=abc`, `?xpage=1`, doubled slashes, unknown
#     query strings, unknown slugs) and reader searches;
#   - beside it, one editor saving the demo's long read in a loop (each
#     save a new revision, a change-feed entry, a purge and a re-index).
# Passes only with 0 server errors (5xx), 0 socket errors, 0 failed saves,
# the server alive at the end, and its RSS flat: every sample after the
# first minute within 10 % of the one-minute sample.
#
#   bash bench/soak.sh                      # 10 minutes; needs wrk (Debian)
#   DURATION=60 PRENSA_BIN=target/debug/prensa bash bench/soak.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-600}
CONNECTIONS=${CONNECTIONS:-64}
SAMPLE=${SAMPLE:-10}
command -v wrk >/dev/null || { echo "needs wrk: apt-get install wrk" >&2; exit 1; }
if [ -z "${PRENSA_BIN:-}" ]; then
  cargo build --release --locked -p prensa >/dev/null
  PRENSA_BIN=target/release/prensa
fi

work=$(mktemp -d)
cleanup() { kill "${saver:-}" "${pid:-}" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
"$PRENSA_BIN" demo --dir "$work/demo" --bind 127.0.0.1:0 >"$work/out" 2>"$work/err" &
pid=$!
for _ in $(seq 300); do grep -q "serving at" "$work/out" 2>/dev/null && grep -q "Newsroom admin" "$work/out" && break; sleep 0.1; done
base=$(sed -n 's/^Prensa is serving at \(http:\/\/[^/]*\)\/$/\1/p' "$work/out")
invite=$(sed -n 's/^Newsroom admin: open \(http[^ ]*\) to.*/\1/p' "$work/out")
[ -n "$base" ] && [ -n "$invite" ] || { cat "$work/out" "$work/err" >&2; exit 1; }

# The editor: accept the invite (the login form's token is in its page).
jar="$work/jar"
page() { curl -sf -b "$jar" -c "$jar" "$1" | sed 's|&#x2f;|/|g'; }
token=$(page "$invite" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
curl -sf -b "$jar" -c "$jar" -o /dev/null --data-urlencode "csrf=$token" \
  --data-urlencode "password=a long soak password" --data-urlencode "confirm=a long soak password" "$invite"
# The demo's 1,503-word feature, found by its headline.
headline=$(sed -n 's/^title = "\(.*\)"$/\1/p' demo/articles/long-read-benchmark-feature.md | head -1)
id=$(page "$base/admin/articles/?q=$(echo "$headline" | sed 's/ /+/g')" | grep -o '/admin/articles/[0-9]*/' | head -1 | grep -o '[0-9]*')
form=$(page "$base/admin/articles/$id/")
csrf=$(printf '%s' "$form" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' | head -1)
body=$(printf '%s' "$form" | python3 -c 'import sys,html,re; t=sys.stdin.read(); m=re.search(r"<textarea id=\"body\" name=\"body\"[^>]*>(.*?)</textarea>", t, re.S); print(html.unescape(m.group(1)))')
section=$(printf '%s' "$form" | grep -o '<option value="[0-9]*" selected>' | head -1 | grep -o '[0-9]*')
author=$(printf '%s' "$form" | sed -n '/id="author-1"/p' | grep -o '<option value="[0-9]*" selected>' | head -1 | grep -o '[0-9]*')
slug=$(printf '%s' "$form" | sed -n 's/.*id="slug" name="slug" value="\([^"]*\)".*/\1/p' | head -1)
version=$(printf '%s' "$form" | sed -n 's/.*name="version" value="\([0-9]*\)".*/\1/p' | head -1)
[ -n "$id" ] && [ -n "$csrf" ] && [ -n "$version" ] || { echo "could not open the editor" >&2; exit 1; }

# Every page linked from the home and section pages, their junk variants,
# unknown pages, and searches.
links() { grep -o 'href="/[a-z0-9/-]*/"' | sed 's/href="//; s/"$//'; }
paths=$(curl -sf "$base/" | links | sort -u)
for s in $(echo "$paths" | grep '^/section/'); do paths="$paths"$'\n'$(curl -sf "$base$s" | links); done
paths=$(printf '/\n%s\n' "$paths" | sort -u | grep -v '^$')
{
  echo "$paths"
  echo "$paths" | sed 's|$|?page=abc|; s|^|junk:|'
  echo "$paths" | sed 's|/$|//|; s|^|junk:|'
  echo "$paths" | sed 's|/$|///?xpage=1|; s|^|junk:|'
  echo "$paths" | sed 's|$|?utm_source=soak\&x=1|; s|^|junk:|'
  for w in strike election "river delta" "\"the city\"" archive headline:x 'body:*' '((' zzzz; do
    echo "search:/search/?q=$(python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$w")"
  done
  for i in $(seq 20); do echo "junk:/no-such-article-$i/"; done
} >"$work/targets"
sed 's/^[a-z]*://' "$work/targets" | awk 'BEGIN { printf "paths = {" } { printf "%s\"%s\"", (NR>1?",":""), $0 } END { print "}" }' >"$work/soak.lua"
cat >>"$work/soak.lua" <<'LUA'
counts = {}
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 1000) end
request = function()
  return wrk.format("GET", paths[math.random(#paths)], { ["Accept-Encoding"] = "gzip, br" })
end
response = function(status)
  local class = math.floor(status / 100) .. "xx"
  counts[class] = (counts[class] or 0) + 1
end
done = function()
  local total = {}
  for _, t in ipairs(threads) do
    for _, class in ipairs({ "2xx", "3xx", "4xx", "5xx" }) do
      total[class] = (total[class] or 0) + (t:get("counts")[class] or 0)
    end
  end
  for _, class in ipairs({ "2xx", "3xx", "4xx", "5xx" }) do
    io.write(string.format("status %s %d\n", class, total[class]))
  end
end
LUA
echo "targets: $(grep -vc : "$work/targets") pages, $(grep -c '^junk:' "$work/targets") junk URLs, $(grep -c '^search:' "$work/targets") searches; saving article $id"

: >"$work/saves"
# The editor saves in a loop, each save on the version the last one made.
(
  i=0
  while :; do
    i=$((i + 1))
    code=$(curl -s -b "$jar" -o /dev/null -w '%{http_code}' \
      --data-urlencode "csrf=$csrf" --data-urlencode "version=$version" --data-urlencode "intent=save" \
      --data-urlencode "headline=Long read, soak revision $i" --data-urlencode "standfirst=Soak" \
      --data-urlencode "body=$body" --data-urlencode "slug=$slug" --data-urlencode "section=$section" \
      --data-urlencode "author=$author" "$base/admin/articles/$id/" || echo 000)
    echo "$code" >>"$work/saves"
    [ "$code" = 303 ] && version=$((version + 1))
    sleep 0.05
  done
) &
saver=$!

# RSS every SAMPLE seconds while wrk runs.
rss() { awk '/VmRSS/ {print $2}' /proc/"$pid"/status; }
(
  t=0
  while [ "$t" -lt "$DURATION" ]; do sleep "$SAMPLE"; t=$((t + SAMPLE)); echo "$t $(rss)"; done
) >"$work/rss" &
sampler=$!
echo "RSS at start: $(rss) KiB; wrk -t2 -c$CONNECTIONS -d${DURATION}s"
wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s --latency -s "$work/soak.lua" "$base" >"$work/wrk.log"
wait "$sampler" 2>/dev/null || true
kill "$saver" 2>/dev/null || true
wait "$saver" 2>/dev/null || true
grep -E "requests in|Requests/sec|Latency|99%|Socket errors|^status" "$work/wrk.log"

fail=0
alive=yes; kill -0 "$pid" 2>/dev/null || { alive=no; fail=1; }
s5=$(awk '/^status 5xx/ {print $3}' "$work/wrk.log")
sock=$(grep -c "Socket errors" "$work/wrk.log" || true)
saves_ok=$(grep -c '^303$' "$work/saves" || true)
saves_bad=$(grep -vc '^303$' "$work/saves" || true)
[ "${s5:-1}" = 0 ] || fail=1
[ "$sock" = 0 ] || fail=1
[ "$saves_bad" = 0 ] && [ "$saves_ok" -gt 0 ] || fail=1
# Flat memory: every sample after the first minute within 10 % of the
# sample at one minute.
flat=$(awk -v s="$SAMPLE" '
  $1 == 60 { ref = $2 }
  $1 > 60 && ref { d = ($2 - ref) / ref; if (d < 0) d = -d; if (d > max) max = d; last = $2 }
  END { if (!ref) { print "n/a"; exit } printf "%.1f %d %d", max * 100, ref, last }' "$work/rss")
echo "RSS samples (s KiB): $(tr '\n' ' ' <"$work/rss")"
echo "server alive: $alive; 5xx: ${s5:-?}; socket errors: $sock; saves: $saves_ok acknowledged, $saves_bad failed"
case $flat in
  n/a) echo "RSS: run shorter than a minute, flatness not judged" ;;
  *) set -- $flat
     echo "RSS after the first minute: $2 KiB at 60 s, $3 KiB at the end, largest deviation $1 %"
     awk -v d="$1" 'BEGIN { exit !(d <= 10) }' || fail=1 ;;
esac
grep -E "ERROR|panicked" "$work/err" | head -5 && fail=1
[ "$fail" = 0 ] && echo "soak: PASS" || { echo "soak: FAIL" >&2; exit 1; }
