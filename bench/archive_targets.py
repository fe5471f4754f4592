#!/usr/bin/env python3
"""Writes the wrk Lua scripts and URL lists of bench/archive-serve.sh from
an imported archive (issue 15): every published article's path, the
deepest pages of every section, and search queries of one to four words
taken from the archive's own headlines. Reads SQLite with the sqlite3
module, PostgreSQL with psql.

    archive_targets.py DATABASE_URL OUT_DIR
"""
import os
import random
import subprocess
import sys
import sqlite3

ARTICLES = """SELECT p.base_url, a.slug FROM articles a JOIN publications p ON p.id = a.publication_id
WHERE a.status = 'published' ORDER BY a.id"""
SECTIONS = """SELECT p.base_url, s.slug, COUNT(*), p.page_size FROM articles a
JOIN sections s ON s.id = a.section_id JOIN publications p ON p.id = a.publication_id
WHERE a.status = 'published' GROUP BY p.base_url, s.slug, p.page_size ORDER BY 1, 2"""
HEADLINES = "SELECT headline FROM articles ORDER BY id"


def rows(url, sql):
    if url.startswith("sqlite://"):
        con = sqlite3.connect(url[len("sqlite://"):].split("?")[0])
        return [tuple(r) for r in con.execute(sql)]
    out = subprocess.run(["psql", "-qAtX", "-F", "\t", url, "-c", sql], check=True, capture_output=True, text=True)
    return [tuple(line.split("\t")) for line in out.stdout.splitlines() if line]


def prefix(base_url):
    # http://localhost:8080/de -> /de ; the Host header is set by the Lua script.
    rest = base_url.split("://", 1)[1]
    return rest[rest.find("/"):].rstrip("/") if "/" in rest else ""


def lua_list(name, items):
    return name + " = {\n" + ",\n".join('"%s"' % i.replace("\\", "\\\\").replace('"', '\\"') for i in items) + "\n}\n"


RANDOM = """
wrk.headers["Host"] = "localhost:8080"
local n = #paths
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
request = function()
  return wrk.format("GET", paths[math.random(n)])
end
"""


def main():
    url, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    articles = [prefix(b) + "/" + s + "/" for b, s in rows(url, ARTICLES)]
    with open(os.path.join(out, "articles.lua"), "w") as f:
        f.write(lua_list("paths", articles) + RANDOM)
    deep = []
    for base, section, count, page_size in rows(url, SECTIONS):
        last = max(1, -(-int(count) // int(page_size)))
        deep.append((int(last), f"{prefix(base)}/section/{section}/page/{last}/"))
    with open(os.path.join(out, "deep.txt"), "w") as f:
        f.write("".join(p + "\n" for _, p in deep))
    rng = random.Random(15)
    words = [w for (h,) in rows(url, HEADLINES)[:5000] for w in h.split() if w.isalpha() and len(w) > 3]
    queries = []
    for i in range(2000):
        k = 1 + i % 4
        queries.append("/search/?q=" + "+".join(rng.choice(words) for _ in range(k)))
    with open(os.path.join(out, "search.lua"), "w") as f:
        f.write(lua_list("paths", queries) + RANDOM)
    print(f"{len(articles)} article paths, {len(deep)} sections (deepest page {max(d for d, _ in deep)}), "
          f"{len(queries)} search queries")


if __name__ == "__main__":
    main()
