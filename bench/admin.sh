#!/usr/bin/env bash
# Admin speed: server time of admin pages and of saves on the demo data,
# against the release binary. "Server time" is curl's time to first byte
# on loopback with a kept-alive connection, so it is the handler plus one
# loopback round trip (~0.05 ms). A cached public page is measured the same
# way in the same run as the anchor.
#
#   bash bench/admin.sh            # N=200 requests per page
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-200}
# The demo's 1,503-word feature (the P2 page), found by its headline.
HEADLINE=${HEADLINE:-$(sed -n 's/^title = "\(.*\)"$/\1/p' demo/articles/long-read-benchmark-feature.md | head -1)}
# BIN: a release binary already built (else it is built here).
BIN=${BIN:-target/release/prensa}
[ "$BIN" != target/release/prensa ] || cargo build --release --locked -p prensa >/dev/null

work=$(mktemp -d)
cleanup() { kill "${pid:-}" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
"$BIN" demo --dir "$work/demo" --bind 127.0.0.1:0 >"$work/out" 2>"$work/err" &
pid=$!
for _ in $(seq 100); do grep -q "Newsroom admin" "$work/out" 2>/dev/null && break; sleep 0.1; done
base=$(sed -n 's/^Prensa is serving at \(http:\/\/[^/]*\)\/$/\1/p' "$work/out")
invite=$(sed -n 's/^Newsroom admin: open \(http[^ ]*\) to.*/\1/p' "$work/out")

# Accept the invite: the login cookie is the form's CSRF token.
jar="$work/jar"
curl -sf -c "$jar" -o /dev/null "$invite"
login=$(awk '$6 == "prensa_login" {print $7}' "$jar")
curl -sf -b "$jar" -c "$jar" -o /dev/null --data-urlencode "csrf=$login" \
  --data-urlencode "password=a long bench password" --data-urlencode "confirm=a long bench password" "$invite"
# Admin templates escape `/` as `&#x2f;`; undo it for the greps below.
page() { curl -sf -b "$jar" "$base$1" | sed 's|&#x2f;|/|g'; }
csrf=$(page /admin/articles/new | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' | head -1)
id=$(page "/admin/articles/?q=$(echo "$HEADLINE" | sed 's/ /+/g')" | grep -o '/admin/articles/[0-9]*/' | head -1 | grep -o '[0-9]*' || true)
[ -n "$id" ] || { echo "no article found for: $HEADLINE" >&2; exit 1; }

# p50 / p99 / max of N requests' time to first byte, in ms.
stats() { sort -n | awk '{a[NR]=$1*1000} END {printf "p50 %6.2f ms  p99 %6.2f ms  max %6.2f ms  (n=%d)\n", a[int(NR*0.5)], a[int(NR*0.99)], a[NR], NR}'; }
time_get() {
  # One curl, one kept-alive connection; each URL needs its own -o.
  local args=()
  for _ in $(seq "$N"); do args+=(-o /dev/null "$base$1"); done
  curl -s -b "$jar" -w '%{time_starttransfer}\n' "${args[@]}" | stats
}
printf '%-40s ' "public article (cached, anchor)"; time_get /long-read-benchmark-feature/
for p in /admin/ "/admin/articles/" "/admin/articles/?stage=published&q=the" "/admin/articles/$id/" "/admin/articles/$id/revisions/" /admin/media/; do
  printf '%-40s ' "GET $p"; time_get "$p"
done

# Saves: the editor form of the long read, saved N times in a row (each a
# new revision and a cache purge of the pages it shows).
form=$(curl -sf -b "$jar" "$base/admin/articles/$id/")
field() { printf '%s' "$form" | sed -n "s/.*id=\"$1\" name=\"$1\" value=\"\([^\"]*\)\".*/\1/p" | head -1; }
body=$(printf '%s' "$form" | python3 -c 'import sys,html,re; t=sys.stdin.read(); m=re.search(r"<textarea id=\"body\" name=\"body\"[^>]*>(.*?)</textarea>", t, re.S); print(html.unescape(m.group(1)))')
section=$(printf '%s' "$form" | grep -o '<option value="[0-9]*" selected>' | head -1 | grep -o '[0-9]*')
author=$(printf '%s' "$form" | sed -n '/id="author-1"/p' | grep -o '<option value="[0-9]*" selected>' | head -1 | grep -o '[0-9]*')
slug=$(printf '%s' "$form" | sed -n 's/.*id="slug" name="slug" value="\([^"]*\)".*/\1/p' | head -1)
version=$(printf '%s' "$form" | sed -n 's/.*name="version" value="\([0-9]*\)".*/\1/p' | head -1)
: > "$work/saves"
for i in $(seq "$N"); do
  curl -s -b "$jar" -o /dev/null -w '%{time_starttransfer} %{http_code}\n' \
    --data-urlencode "csrf=$csrf" --data-urlencode "version=$version" --data-urlencode "intent=save" \
    --data-urlencode "headline=Long read, revision $i" --data-urlencode "standfirst=Bench" \
    --data-urlencode "body=$body" --data-urlencode "slug=$slug" --data-urlencode "section=$section" \
    --data-urlencode "author=$author" "$base/admin/articles/$id/" >>"$work/saves"
  version=$((version + 1))
done
if awk '$2 != 303' "$work/saves" | grep -q .; then echo "a save failed:" >&2; awk '$2 != 303' "$work/saves" | head -3 >&2; exit 1; fi
printf '%-40s ' "POST save (published long read)"; awk '{print $1}' "$work/saves" | stats
