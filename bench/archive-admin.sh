#!/usr/bin/env bash
# Issue 15, "admin over the archive": the newsroom's article list filtered
# by status, section, author and headline words, and the dashboard, each
# asked N times over one kept-alive connection (curl's time to first
# byte), on the archive loaded by bench/archive.sh; a cached public page
# is measured the same way as the anchor. A staff account is added to the
# archive for it (bench-admin@example.org, administrator).
#
#   DB=sqlite:///tmp/prensa-archive-bench/archive.db MEDIA=/tmp/prensa-archive-bench/media bash bench/archive-admin.sh
#
# Variables: BIN (default target/release/prensa), N (requests per page, 200).
set -euo pipefail
cd "$(dirname "$0")/.."
DB=${DB:?set DB to the archive database URL}
MEDIA=${MEDIA:?set MEDIA to the archive media directory}
BIN=${BIN:-target/release/prensa}
N=${N:-200}
work=$(mktemp -d /tmp/prensa-archive-admin.XXXXXX)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
host='Host: localhost:8080'

# One section, one author and one headline word of the first publication.
read -r section author word slug < <(python3 - "$DB" <<'PY'
import sys
sys.path.insert(0, "bench")
from archive_targets import rows
url = sys.argv[1]
section = rows(url, "SELECT MIN(id) FROM sections WHERE publication_id = 1")[0][0]
author = rows(url, "SELECT MIN(author_id) FROM article_authors aa JOIN articles a ON a.id = aa.article_id WHERE a.publication_id = 1")[0][0]
headline = rows(url, "SELECT headline FROM articles WHERE publication_id = 1 ORDER BY id LIMIT 1")[0][0]
word = max(headline.split(), key=len)
slug = rows(url, "SELECT slug FROM articles WHERE publication_id = 1 AND status = 'published' ORDER BY id LIMIT 1")[0][0]
print(section, author, word, slug)
PY
)
invite=$("$BIN" user add bench-admin-$$@example.org --role administrator --database "$DB" --media-dir "$MEDIA" |
  grep -o 'http[^ ]*invite[^ ]*' | head -1)
[ -n "$invite" ] || { echo "no invite link printed" >&2; exit 1; }
PRENSA_LOG=warn "$BIN" serve --database "$DB" --media-dir "$MEDIA" --bind 127.0.0.1:0 >"$work/out" 2>"$work/err" &
pid=$!
until url=$(grep -o 'http://[0-9.:]*/' "$work/out" 2>/dev/null); do sleep 0.01; done
base=${url%/}
until curl -s "$base/metrics" | grep -q '^prensa_search_index_complete 1'; do sleep 0.5; done
invite="$base/${invite#http*://*/}"

# Accept the invite: the login cookie is the form's CSRF token.
jar="$work/jar"
curl -sf -H "$host" -c "$jar" -o /dev/null "$invite"
login=$(awk '$6 == "prensa_login" {print $7}' "$jar")
curl -sf -H "$host" -b "$jar" -c "$jar" -o /dev/null --data-urlencode "csrf=$login" \
  --data-urlencode "password=a long bench password" --data-urlencode "confirm=a long bench password" "$invite"
curl -sf -H "$host" -b "$jar" -o /dev/null "$base/admin/articles/" || { echo "not signed in" >&2; exit 1; }
article="/$slug/"

stats() { sort -n | awk '{a[NR]=$1*1000} END {printf "p50 %6.2f ms  p99 %6.2f ms  max %6.2f ms  (n=%d)\n", a[int(NR*0.5)], a[int(NR*0.99)], a[NR], NR}'; }
time_get() {
  local args=()
  for _ in $(seq "$N"); do args+=(-o /dev/null "$base$1"); done
  curl -s -H "$host" -b "$jar" -w '%{time_starttransfer}\n' "${args[@]}" | stats
}
echo "archive: $(python3 -c "import sys; sys.path.insert(0,'bench'); from archive_targets import rows; print(rows(sys.argv[1], 'SELECT COUNT(*) FROM articles')[0][0])" "$DB") articles"
printf '%-44s ' "public article $article (cached, anchor)"; time_get "$article"
for p in /admin/ /admin/articles/ "/admin/articles/?stage=published" "/admin/articles/?stage=draft" \
  "/admin/articles/?section=$section" "/admin/articles/?author=$author" "/admin/articles/?q=$word" \
  "/admin/articles/?stage=published&section=$section&q=$word" "/admin/articles/?page=400"; do
  printf '%-44s ' "GET $p"; time_get "$p"
done
