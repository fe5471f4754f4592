#!/usr/bin/env bash
# Serving the imported 100,000-article archive (issue 15), release binary:
# start-up (/readyz 200, search index complete), RSS, uniformly random
# article URLs with wrk (throughput, latency, cache hit ratio, evictions),
# the deepest page of every section rendered cold (curl, one request
# each: render + compression, nothing cached), and search queries of one
# to four words with wrk.
#
#   DB=sqlite:///tmp/prensa-archive-bench/archive.db MEDIA=/tmp/prensa-archive-bench/media bash bench/archive-serve.sh
#   DB=postgres://postgres@127.0.0.1:5432/archive_bench MEDIA=… bash bench/archive-serve.sh
#
# Variables: BIN (default target/release/prensa), DURATION (seconds per
# wrk run, default 30), CONNECTIONS (default 16), PAGE_CACHE_MB (unset:
# the default budget), ACCEPT_ENCODING (unset: wrk sends none, as crawlers
# of old archives often do not; "gzip, deflate, br" asks as browsers do,
# so every cold page is also compressed).
set -euo pipefail
cd "$(dirname "$0")/.."
DB=${DB:?set DB to the archive database URL}
MEDIA=${MEDIA:?set MEDIA to the archive media directory}
BIN=${BIN:-target/release/prensa}
DURATION=${DURATION:-30}
CONNECTIONS=${CONNECTIONS:-16}
work=$(mktemp -d /tmp/prensa-archive-serve.XXXXXX)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
# Resident memory in all, and how much of it is heap (anonymous) and mapped
# files (the search index's pages, which the kernel can drop).
rss() {
  awk '/^VmRSS/ { t = $2 } /^RssAnon/ { a = $2 } /^RssFile/ { f = $2 }
    END { printf "RSS %d MB (heap %d MB, mapped files %d MB)", t / 1024, a / 1024, f / 1024 }' "/proc/$pid/status"
}

python3 bench/archive_targets.py "$DB" "$work"
extra=()
[ -n "${PAGE_CACHE_MB:-}" ] && extra=(--page-cache-mb "$PAGE_CACHE_MB")
accept=()
[ -n "${ACCEPT_ENCODING:-}" ] && accept=(-H "Accept-Encoding: $ACCEPT_ENCODING")
echo "Accept-Encoding: ${ACCEPT_ENCODING:-(none)}"

start=$(date +%s.%N)
PRENSA_LOG=warn "$BIN" serve --database "$DB" --media-dir "$MEDIA" --bind 127.0.0.1:0 "${extra[@]}" \
  >"$work/out" 2>"$work/err" &
pid=$!
until url=$(grep -o 'http://[0-9.:]*/' "$work/out" 2>/dev/null); do sleep 0.01; done
until [ "$(curl -s -o /dev/null -w '%{http_code}' "${url}readyz")" = 200 ]; do sleep 0.01; done
echo "readyz 200 after $(echo "$(date +%s.%N) - $start" | bc) s; RSS $(rss)"
until curl -s "${url}metrics" | grep -q '^prensa_search_index_complete 1'; do sleep 0.2; done
echo "search complete after $(echo "$(date +%s.%N) - $start" | bc) s; RSS $(rss)"

metrics() {
  curl -s "${url}metrics" | grep -E '^prensa_page_cache_(hit_ratio|bytes|entries|evictions_total|recompressions_total|encodings_added_total) ' | tr '\n' ' '
  echo
}
for round in 1 2; do
  wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency "${accept[@]}" -s "$work/articles.lua" "$url" >"$work/wrk.txt"
  echo "random articles, round $round: $(grep 'Requests/sec' "$work/wrk.txt" | awk '{print $2}') req/s," \
    "p50 $(grep -E '^ +50%' "$work/wrk.txt" | awk '{print $2}'), p99 $(grep -E '^ +99%' "$work/wrk.txt" | awk '{print $2}')," \
    "non-2xx: $(grep -c 'Non-2xx' "$work/wrk.txt" || true); RSS $(rss)"
  metrics
done

# The deepest page of each section, each asked once: nothing is cached.
while read -r path; do
  curl -s -o /dev/null -H 'Host: localhost:8080' "${accept[@]}" -w '%{http_code} %{time_total}\n' "${url%/}$path"
done <"$work/deep.txt" >"$work/deep.times"
awk '$1 != 200 { bad++ } { print $2 }  END { if (bad) print "non-200: " bad > "/dev/stderr" }' "$work/deep.times" |
  sort -n | awk '{ t[NR] = $1 } END { printf "deepest section pages, cold (%d): p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
    NR, t[int(NR * 0.5 + 0.5)] * 1000, t[int(NR * 0.99 + 0.5)] * 1000, t[NR] * 1000 }'
head -1 "$work/deep.txt" | sed 's/^/  e.g. /'

wrk -t1 -c4 -d"${DURATION}s" --latency -s "$work/search.lua" "$url" >"$work/wrk.txt"
echo "search, 1-4 words: $(grep 'Requests/sec' "$work/wrk.txt" | awk '{print $2}') req/s," \
  "p50 $(grep -E '^ +50%' "$work/wrk.txt" | awk '{print $2}'), p99 $(grep -E '^ +99%' "$work/wrk.txt" | awk '{print $2}')"
echo "RSS at the end $(rss)"
