#!/usr/bin/env bash
# Issue 12: `prensa import ghost` on a generated 10,000-post Ghost 5 export
# (about 900 words of HTML per post with headings, links, emphasis, a list
# and a kg-image-card figure; 20 authors, up to 3 co-authors a post; 30
# tags, 3 a post; every tenth post a draft; every 50th body Lexical-only),
# beside the anchor: `prensa import dir` of the same 10,000 articles written
# as a content directory, in the same run, on fresh SQLite files. Peak RSS
# and wall time from `/usr/bin/time -v`; the ratio is ghost / dir.
#
#   bash bench/ghost-import.sh                               # release binary (built if missing)
#   PRENSA_BIN=target/debug/prensa bash bench/ghost-import.sh
#   POSTS=2000 bash bench/ghost-import.sh
set -euo pipefail
cd "$(dirname "$0")/.."
POSTS=${POSTS:-10000}
BIN=${PRENSA_BIN:-target/release/prensa}
if [ -z "${PRENSA_BIN:-}" ]; then cargo build --release --locked -p prensa >/dev/null; fi

work=$(mktemp -d /tmp/ghost-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

python3 - "$work" "$POSTS" <<'PY'
import json, os, random, sys
work, posts_n = sys.argv[1], int(sys.argv[2])
random.seed(12)
words = ("council budget harbour market night city vote mayor street archive report school water port "
         "workers union festival museum river bridge housing rent transport election police court "
         "fishermen ferry square library hospital teachers strike summer winter storm coast").split()
def sentence(n):
    w = [random.choice(words) for _ in range(n)]
    return " ".join(w).capitalize() + "."
def para():
    return " ".join(sentence(random.randint(8, 20)) for _ in range(random.randint(3, 6)))
users = [{"id": f"u{i:04d}", "name": f"Reporter {i}", "slug": f"reporter-{i}", "bio": sentence(12),
          "profile_image": None, "email": f"r{i}@example.org", "status": "active"} for i in range(20)]
tags = [{"id": f"t{i:04d}", "name": f"Topic {i}", "slug": f"topic-{i}", "description": sentence(8),
         "visibility": "public"} for i in range(30)]
posts, posts_tags, posts_authors = [], [], []
os.makedirs(f"{work}/dir/authors"); os.makedirs(f"{work}/dir/sections"); os.makedirs(f"{work}/dir/articles")
for u in users:
    open(f"{work}/dir/authors/{u['slug']}.md", "w").write(f"+++\nname = \"{u['name']}\"\n+++\n{u['bio']}\n")
for t in tags:
    open(f"{work}/dir/sections/{t['slug']}.toml", "w").write(f"name = \"{t['name']}\"\ndescription = \"{t['description']}\"\n")
open(f"{work}/dir/publication.toml", "w").write('slug = "bench"\nname = "Bench"\ntagline = "t"\nlanguage = "en"\nbase_url = "http://bench.example"\n')
for i in range(posts_n):
    pid = f"p{i:06d}"
    slug = f"story-{i}"
    blocks = []
    md = []
    for k in range(8):
        p = para()
        blocks.append(f"<p>{p} <a href=\"__GHOST_URL__/story-{max(i-1,0)}/\">Earlier</a> and <strong>more</strong>.</p>")
        md.append(f"{p} [Earlier](/story-{max(i-1,0)}/) and **more**.")
        if k == 3:
            blocks.append(f"<h2>{sentence(5)}</h2><ul><li>{sentence(6)}</li><li>{sentence(6)}</li></ul>")
            md.append(f"## {sentence(5)}")
        if k == 5:
            blocks.append('<figure class="kg-card kg-image-card kg-card-hascaption"><img src="https://images.example.org/x.jpg" class="kg-image" alt="A scene"><figcaption>The scene. Photo: Staff</figcaption></figure>')
    html = "".join(blocks)
    status = "draft" if i % 10 == 9 else "published"
    date = f"20{10 + i % 14:02d}-{1 + i % 12:02d}-{1 + i % 28:02d}T10:00:00.000Z"
    post = {"id": pid, "uuid": pid, "title": sentence(7)[:-1], "slug": slug, "html": html, "lexical": None,
            "mobiledoc": None, "plaintext": None, "feature_image": None, "type": "post", "status": status,
            "visibility": "public", "published_at": date if status == "published" else None,
            "created_at": date, "updated_at": date, "custom_excerpt": sentence(15)}
    if i % 50 == 0:
        post["html"] = None
        post["lexical"] = json.dumps({"root": {"children": [{"type": "paragraph", "children": [{"type": "text", "text": para(), "format": 0}]} for _ in range(8)]}})
    posts.append(post)
    ts = random.sample(tags, 3)
    for n, t in enumerate(ts):
        posts_tags.append({"id": f"pt{i}-{n}", "post_id": pid, "tag_id": t["id"], "sort_order": n})
    us = random.sample(users, random.randint(1, 3))
    for n, u in enumerate(us):
        posts_authors.append({"id": f"pa{i}-{n}", "post_id": pid, "author_id": u["id"], "sort_order": n})
    fm = "+++\n" + f"title = {json.dumps(post['title'])}\nstandfirst = {json.dumps(post['custom_excerpt'])}\n" \
        f"date = {date.replace('.000Z', 'Z')}\nstatus = \"{status}\"\nsection = \"{ts[0]['slug']}\"\n" \
        f"authors = {json.dumps([u['slug'] for u in us])}\ntags = {json.dumps([t['name'] for t in ts])}\n+++\n"
    open(f"{work}/dir/articles/{slug}.md", "w").write(fm + "\n\n".join(md) + "\n")
doc = {"db": [{"meta": {"exported_on": 1733500000000, "version": "5.80.0"},
               "data": {"posts": posts, "tags": tags, "users": users, "posts_tags": posts_tags,
                        "posts_authors": posts_authors, "posts_meta": [],
                        "settings": [{"key": "title", "value": "Bench"}]}}]}
json.dump(doc, open(f"{work}/ghost.json", "w"))
PY
echo "export: $(du -h "$work/ghost.json" | cut -f1), $POSTS posts; binary: $BIN"

measure() { # NAME ARGS...
  local name=$1; shift
  /usr/bin/time -v "$BIN" "$@" >"$work/$name.out" 2>"$work/$name.time" || { cat "$work/$name.out" "$work/$name.time"; exit 1; }
  local wall rss
  wall=$(grep 'Elapsed (wall clock)' "$work/$name.time" | awk '{print $NF}')
  rss=$(grep 'Maximum resident set size' "$work/$name.time" | awk '{print $NF}')
  echo "$name: wall $wall, peak RSS $((rss / 1024)) MB"
  grep -E '^(Imported|Would)' "$work/$name.out" || true
  echo "$wall $rss" >"$work/$name.num"
}
# Reading and converting only (a dry run against a database that does not exist compares with an empty one in memory).
measure ghost-dry-run import ghost "$work/ghost.json" --publication bench --dry-run --database "sqlite://$work/none.db"
measure ghost import ghost "$work/ghost.json" --publication bench --database "sqlite://$work/ghost.db"
measure dir import dir "$work/dir" --database "sqlite://$work/dir.db"
measure ghost-rerun import ghost "$work/ghost.json" --publication bench --database "sqlite://$work/ghost.db"
python3 - "$work" <<'PY'
import sys
def secs(w):
    parts = [float(p) for p in w.split(":")]
    s = 0
    for p in parts: s = s * 60 + p
    return s
w = sys.argv[1]
g = open(f"{w}/ghost.num").read().split(); d = open(f"{w}/dir.num").read().split()
print(f"ratio ghost/dir: wall {secs(g[0]) / secs(d[0]):.2f}x, peak RSS {int(g[1]) / int(d[1]):.2f}x")
PY
