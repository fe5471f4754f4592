#!/usr/bin/env bash
# The network archive (issue 15): load 5 x 20,000 generated articles with
# `prensa import dir` into SQLite and/or PostgreSQL under /usr/bin/time -v
# (wall time, peak RSS), then start `prensa serve` on it and time /readyz
# 200 and a complete search index (/metrics prensa_search_index_complete 1).
# The generated folder and databases live under $WORK and are deleted at
# the end unless KEEP=1.
#
#   bash bench/archive.sh                          # SQLite, 5 x 20,000
#   BACKENDS="sqlite postgres" bash bench/archive.sh
#   ARTICLES=2000 BIN=target/debug/prensa bash bench/archive.sh
#   PG=postgres://postgres@127.0.0.1:5432/postgres (a database archive_bench is made there)
set -euo pipefail
cd "$(dirname "$0")/.."
ARTICLES=${ARTICLES:-20000}
BACKENDS=${BACKENDS:-sqlite}
PG=${PG:-postgres://postgres@127.0.0.1:5432/postgres}
WORK=${WORK:-/tmp/prensa-archive-bench}
if [ -n "${BIN:-}" ]; then
  bin=$BIN
else
  cargo build --release --locked -p prensa >/dev/null
  bin=target/release/prensa
fi
mkdir -p "$WORK"
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  if [ "${KEEP:-0}" != 1 ]; then
    rm -rf "$WORK"
    case " $BACKENDS " in *" postgres "*) psql -q "$PG" -c "DROP DATABASE IF EXISTS archive_bench" 2>/dev/null || true ;; esac
  fi
}
trap cleanup EXIT

if [ ! -d "$WORK/content" ]; then
  python3 bench/archive.py "$WORK/content" --articles "$ARTICLES"
fi

for backend in $BACKENDS; do
  case $backend in
    sqlite) db="sqlite://$WORK/archive.db"; rm -f "$WORK"/archive.db* ;;
    postgres)
      psql -q "$PG" -c "DROP DATABASE IF EXISTS archive_bench" -c "CREATE DATABASE archive_bench"
      db="${PG%/*}/archive_bench" ;;
    *) echo "unknown backend $backend" >&2; exit 1 ;;
  esac
  echo "== $backend: import of $((ARTICLES * 5)) articles"
  /usr/bin/time -v "$bin" import dir "$WORK"/content/* --database "$db" --media-dir "$WORK/media" \
    2> "$WORK/time.txt" | tail -n 2
  grep -E "Elapsed \(wall|Maximum resident" "$WORK/time.txt"

  echo "== $backend: start"
  start=$(date +%s.%N)
  PRENSA_LOG=info "$bin" serve --database "$db" --media-dir "$WORK/media" --bind 127.0.0.1:0 \
    > "$WORK/out" 2> "$WORK/err" &
  pid=$!
  until url=$(grep -o 'http://[0-9.:]*/' "$WORK/out" 2>/dev/null); do sleep 0.01; done
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "${url}readyz")" = 200 ]; do sleep 0.01; done
  ready=$(date +%s.%N)
  echo "readyz 200 after $(echo "$ready - $start" | bc) s; RSS $(ps -o rss= -p $pid) KB"
  curl -s -o /dev/null -w "search while building: %{http_code}\n" "${url}search/?q=test"
  until curl -s "${url}metrics" | grep -q '^prensa_search_index_complete 1'; do sleep 0.2; done
  done_at=$(date +%s.%N)
  echo "search complete after $(echo "$done_at - $start" | bc) s; RSS $(ps -o rss= -p $pid) KB"
  curl -s "${url}metrics" | grep -E '^prensa_search_index_(articles|build_articles) '
  grep "search index built" "$WORK/err" | tail -n 1
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
done
