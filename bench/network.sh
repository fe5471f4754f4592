#!/usr/bin/env bash
# Issue 10's speed promise: a cached page of any publication of a
# 3-publication instance is served as fast as one of a 1-publication
# instance. Two servers of the same binary, interleaved in one run:
#   A  one publication (the demo content);
#   B  three publications imported from the same content: two on hosts of
#      their own and the third under a path prefix of the first one's host
#      (`http://en.example/de`), the page asked for is the third's.
# Both answer the demo's feature article from the page cache; the ratio
# B/A of requests per second should be ~1 (noise on a shared machine is a
# few per cent either way).
#
#   bash bench/network.sh                     # needs wrk; builds the release binary
#   PRENSA_BIN=target/debug/prensa bash bench/network.sh    # check the script quickly
#   ROUNDS=5 DURATION=15s bash bench/network.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
SLUG=${SLUG:-long-read-benchmark-feature}
BIN=${PRENSA_BIN:-target/release/prensa}

command -v wrk >/dev/null || { echo "needs wrk: apt-get install wrk" >&2; exit 1; }
if [ -z "${PRENSA_BIN:-}" ]; then cargo build --release --locked -p prensa >/dev/null; fi

work=$(mktemp -d)
cleanup() { kill "${a_pid:-}" "${b_pid:-}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

# A content directory: the demo with another slug, language and base URL.
content() { # DIR SLUG LANGUAGE BASE_URL
  cp -r demo "$1"
  sed -i -e "s|^slug = .*|slug = \"$2\"|" -e "s|^language = .*|language = \"$3\"|" \
    -e "s|^base_url = .*|base_url = \"$4\"|" "$1/publication.toml"
}
content "$work/one" meridian en "http://localhost"
content "$work/en" meridian en "http://en.example"
content "$work/es" meridiano es "http://es.example"
content "$work/de" meridian-de de "http://en.example/de"

"$BIN" import dir "$work/one" --database "sqlite://$work/a.db" >/dev/null
for dir in en es de; do   # the prefixed one is imported third
  "$BIN" import dir "$work/$dir" --database "sqlite://$work/b.db" >/dev/null
done

"$BIN" serve --database "sqlite://$work/a.db" --media-dir "$work/media" --bind 127.0.0.1:0 >"$work/a.out" 2>"$work/a.err" &
a_pid=$!
"$BIN" serve --database "sqlite://$work/b.db" --media-dir "$work/media" --bind 127.0.0.1:0 >"$work/b.out" 2>"$work/b.err" &
b_pid=$!
base_of() { # LOG: the address the server printed
  for _ in $(seq 100); do grep -q "serving at" "$work/$1.out" 2>/dev/null && break; sleep 0.1; done
  sed -n 's/^Prensa is serving at \(http:\/\/[^/]*\)\/$/\1/p' "$work/$1.out"
}
a=$(base_of a)
b=$(base_of b)
[ -n "$a" ] && [ -n "$b" ] || { cat "$work"/*.err >&2; echo "a server did not start" >&2; exit 1; }

url_a="$a/$SLUG/"
url_b="$b/de/$SLUG/"
host_b="en.example"
# The right pages: the one publication's, and the German one under /de.
curl -sf "$url_a" | grep -q '<html lang="en"' || { echo "A does not serve the article" >&2; exit 1; }
page_b=$(curl -sf -H "Host: $host_b" "$url_b")
grep -q '<html lang="de"' <<<"$page_b" || { echo "B does not serve the /de article" >&2; exit 1; }
grep -q "href=\"/de/" <<<"$page_b" || { echo "B's page does not link under /de" >&2; exit 1; }

# Requests/sec of one run; fails the script on any non-2xx answer or socket error.
rps() { # URL [HOST]
  local args=(-t2 -c"$CONNECTIONS" -d"$DURATION" --latency)
  [ -n "${2:-}" ] && args+=(-H "Host: $2")
  wrk "${args[@]}" "$1" >"$work/run.log"
  if grep -qE "Non-2xx|Socket errors" "$work/run.log"; then cat "$work/run.log" >&2; exit 1; fi
  awk '/Requests\/sec/ {print $2}' "$work/run.log"
}
wrk -t2 -c"$CONNECTIONS" -d2s "$url_a" >/dev/null   # warm up (and fill both caches)
wrk -t2 -c"$CONNECTIONS" -d2s -H "Host: $host_b" "$url_b" >/dev/null
echo "round  one_publication_rps  third_of_three_rps  ratio"
ratios=()
for r in $(seq "$ROUNDS"); do
  # Alternate which goes first, so a trend in the machine's load cancels.
  if [ $((r % 2)) -eq 1 ]; then
    one=$(rps "$url_a"); three=$(rps "$url_b" "$host_b")
  else
    three=$(rps "$url_b" "$host_b"); one=$(rps "$url_a")
  fi
  ratio=$(awk -v t="$three" -v o="$one" 'BEGIN { printf "%.3f", t / o }')
  ratios+=("$ratio")
  echo "$r      $one      $three      $ratio"
done
median=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
echo "median ratio (three-publication instance, prefixed third / one-publication instance): $median"
