#!/usr/bin/env python3
"""Writes the same N articles twice: as a Prensa content directory (what
`prensa import dir` reads, see demo/) and as a Hugo site using the theme in
bench/hugo-theme/. Deterministic (seeded), so every run compares the same
content. Usage: gen.py OUT [N]  ->  OUT/prensa/ and OUT/hugo/
"""
import os
import random
import shutil
import sys
from datetime import datetime, timedelta, timezone

WORDS = (
    "the council housing strike union wages port harbour workers rent market public transport river coast "
    "election assembly budget school hospital nurses climate water energy cooperative archive reporting "
    "evidence policy minister village city street factory contract ledger season harvest community radio "
    "which would could because although meanwhile however across between through against under within"
).split()

SECTIONS = [
    ("labor", "Labour"), ("climate", "Climate"), ("culture", "Culture"), ("europe", "Europe"),
    ("ideas", "Ideas"), ("latin-america", "Latin America"), ("cities", "Cities"), ("science", "Science"),
]


def sentence(rng, n):
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def paragraph(rng):
    return " ".join(sentence(rng, rng.randint(8, 22)) for _ in range(rng.randint(3, 6)))


def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    rng = random.Random(12)
    authors = [(f"author-{i:02d}", f"Writer {chr(65 + i % 26)}. Number {i}") for i in range(20)]
    tags = [(f"topic-{i:03d}", f"Topic {i}") for i in range(200)]
    start = datetime(2024, 1, 1, 7, 0, tzinfo=timezone.utc)
    articles = []
    for i in range(n):
        body = []
        for p in range(rng.randint(5, 9)):
            if p == 3:
                body.append("## " + sentence(rng, 5)[:-1])
            body.append(paragraph(rng))
        articles.append({
            "slug": f"story-{i:05d}",
            "title": sentence(rng, rng.randint(5, 10))[:-1],
            "standfirst": sentence(rng, rng.randint(15, 30)),
            "authors": [a[0] for a in rng.sample(authors, rng.choice([1, 1, 1, 2]))],
            "section": rng.choice(SECTIONS)[0],
            "tags": [t for t in rng.sample(tags, 3)],
            "date": start + timedelta(minutes=97 * i),
            "body": "\n\n".join(body),
        })

    # Prensa content directory.
    p = os.path.join(out, "prensa")
    shutil.rmtree(p, ignore_errors=True)
    for d in ("articles", "authors", "sections"):
        os.makedirs(os.path.join(p, d))
    with open(os.path.join(p, "publication.toml"), "w") as f:
        f.write('slug = "bench"\nname = "The Bench Review"\ntagline = "Ten thousand articles"\n'
                'language = "en"\nbase_url = "https://bench.example"\ntimezone = "UTC"\n\n'
                '[settings]\npage_size = 12\n')
    for i, (slug, name) in enumerate(SECTIONS):
        with open(os.path.join(p, "sections", slug + ".toml"), "w") as f:
            f.write(f'name = "{name}"\ndescription = "Everything about {name.lower()}."\norder = {i + 1}\n')
    for slug, name in authors:
        with open(os.path.join(p, "authors", slug + ".md"), "w") as f:
            f.write(f'+++\nname = "{name}"\n+++\n{name} writes for the bench.\n')
    for a in articles:
        tag_list = ", ".join(f'"{t[1]}"' for t in a["tags"])
        author_list = ", ".join(f'"{x}"' for x in a["authors"])
        with open(os.path.join(p, "articles", a["slug"] + ".md"), "w") as f:
            f.write(f'+++\ntitle = "{a["title"]}"\nstandfirst = "{a["standfirst"]}"\nauthors = [{author_list}]\n'
                    f'section = "{a["section"]}"\ntags = [{tag_list}]\ndate = "{a["date"].isoformat()}"\n'
                    f'status = "published"\n+++\n{a["body"]}\n')

    # Hugo site: the same articles under content/<section>/, the theme
    # from bench/hugo-theme (copied next to it as themes/bench).
    h = os.path.join(out, "hugo")
    shutil.rmtree(h, ignore_errors=True)
    os.makedirs(os.path.join(h, "themes"))
    theme = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "hugo-theme")
    shutil.copytree(theme, os.path.join(h, "themes", "bench"))
    with open(os.path.join(h, "config.toml"), "w") as f:
        f.write('baseURL = "https://bench.example/"\ntitle = "The Bench Review"\ntheme = "bench"\n'
                'languageCode = "en"\npaginate = 12\ndisableKinds = []\n\n'
                '[taxonomies]\n  tag = "tags"\n  author = "authors"\n\n'
                '[outputs]\n  home = ["HTML", "RSS"]\n  section = ["HTML", "RSS"]\n'
                '  taxonomy = ["HTML"]\n  term = ["HTML", "RSS"]\n')
    for slug, name in SECTIONS:
        d = os.path.join(h, "content", slug)
        os.makedirs(d)
        with open(os.path.join(d, "_index.md"), "w") as f:
            f.write(f'+++\ntitle = "{name}"\ndescription = "Everything about {name.lower()}."\n+++\n')
    for slug, name in authors:
        d = os.path.join(h, "content", "authors", slug)
        os.makedirs(d)
        with open(os.path.join(d, "_index.md"), "w") as f:
            f.write(f'+++\ntitle = "{name}"\ndescription = "{name} writes for the bench."\n+++\n')
    for a in articles:
        tag_list = ", ".join(f'"{t[1]}"' for t in a["tags"])
        author_list = ", ".join(f'"{x}"' for x in a["authors"])
        with open(os.path.join(h, "content", a["section"], a["slug"] + ".md"), "w") as f:
            f.write(f'+++\ntitle = "{a["title"]}"\ndescription = "{a["standfirst"]}"\nauthors = [{author_list}]\n'
                    f'tags = [{tag_list}]\ndate = "{a["date"].isoformat()}"\n+++\n{a["body"]}\n')
    print(f"wrote {n} articles to {p} and {h}")


if __name__ == "__main__":
    main()
