#!/usr/bin/env bash
# `prensa import wordpress` on a generated 100,000-post export (issue 12):
# wall time and peak RSS from /usr/bin/time -v, release binary, SQLite.
#
# Side by side in the same run: reading the file once (`cat > /dev/null`,
# the I/O floor), the dry run (read and convert, no writes) and the import
# (read, convert, one transaction). Targets: import < 60 s, peak RSS < 500 MB.
#
#   POSTS=100000 bash bench/wordpress.sh
#
# Everything generated goes under a temporary folder, deleted at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
POSTS=${POSTS:-100000}
BIN=${BIN:-target/release/prensa}
[ -x "$BIN" ] || cargo build --release -p prensa
WORK=$(mktemp -d /tmp/prensa-wp-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
XML=${XML:-$WORK/export.xml}
if [ ! -f "$XML" ]; then
  python3 bench/wordpress_wxr.py "$XML" "$POSTS"
fi
echo "file: $(du -h "$XML" | cut -f1), $(grep -c '<wp:post_type>post</wp:post_type>' "$XML") posts"

measure() { # label, command…
  local label=$1; shift
  /usr/bin/time -v "$@" > "$WORK/out.txt" 2> "$WORK/time.txt" || { cat "$WORK/out.txt" "$WORK/time.txt"; exit 1; }
  local wall rss
  wall=$(grep 'Elapsed (wall clock)' "$WORK/time.txt" | awk '{print $NF}')
  rss=$(grep 'Maximum resident set size' "$WORK/time.txt" | awk '{print $NF}')
  printf '%-10s wall %s  peak RSS %d MB\n' "$label" "$wall" $((rss / 1024))
}

measure cat sh -c "cat '$XML' > /dev/null"
measure dry-run "$BIN" import wordpress "$XML" --dry-run --database "sqlite://$WORK/dry.db"
measure import "$BIN" import wordpress "$XML" --database "sqlite://$WORK/site.db"
head -3 "$WORK/out.txt"
