#!/usr/bin/env python3
"""Sanity checks for the demo content directory (stdlib + Pillow only).

    python3 demo/tools/validate.py

Parses every front matter with tomllib, checks cross references, images,
counts and word counts, and prints a summary. Exits non-zero on any error.
"""

from __future__ import annotations

import re
import sys
import tomllib
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

DEMO = Path(__file__).resolve().parent.parent
SCHEDULED = datetime.fromisoformat("2027-06-01T08:00:00+00:00")
RANGE = (datetime.fromisoformat("2024-11-01T00:00:00+00:00"), datetime.fromisoformat("2026-11-20T23:59:59+00:00"))
SOCIAL_KEYS = {"website", "facebook", "instagram", "x", "twitter", "youtube", "mastodon", "bluesky", "tiktok", "telegram", "rss"}

errors: list[str] = []


def err(msg: str) -> None:
    errors.append(msg)


def read_text(p: Path) -> str:
    raw = p.read_bytes()
    if b"\r" in raw:
        err(f"{p.relative_to(DEMO)}: contains CR characters (LF line endings only)")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        err(f"{p.relative_to(DEMO)}: not UTF-8")
        return raw.decode("utf-8", "replace")


def split_front_matter(p: Path) -> tuple[dict, str]:
    text = read_text(p)
    if not text.startswith("+++\n"):
        err(f"{p.relative_to(DEMO)}: does not start with +++")
        return {}, text
    end = text.find("\n+++\n", 3)
    if end < 0:
        err(f"{p.relative_to(DEMO)}: no closing +++")
        return {}, text
    try:
        fm = tomllib.loads(text[4:end + 1])
    except tomllib.TOMLDecodeError as e:
        err(f"{p.relative_to(DEMO)}: bad TOML: {e}")
        fm = {}
    return fm, text[end + 5:]


def words(md: str) -> int:
    """Words of a Markdown body: whitespace-separated tokens with a letter or digit."""
    return sum(1 for w in md.split() if re.search(r"\w", w))


def check_url(where: str, url: object) -> None:
    if not isinstance(url, str) or not re.match(r"^https?://[^\s\"<>]+$", url):
        err(f"{where}: not a URL: {url!r}")


def main() -> int:
    # publication
    pub = tomllib.loads(read_text(DEMO / "publication.toml"))
    for k in ("slug", "name", "tagline", "language", "base_url", "timezone"):
        if not isinstance(pub.get(k), str) or not pub[k]:
            err(f"publication.toml: missing {k}")
    for k, v in pub.get("social", {}).items():
        if k not in SOCIAL_KEYS:
            err(f"publication.toml: unknown social key {k}")
        check_url(f"publication.toml social.{k}", v)

    # sections
    sections = {}
    for p in sorted((DEMO / "sections").glob("*.toml")):
        s = tomllib.loads(read_text(p))
        if not s.get("name") or not s.get("description"):
            err(f"{p.name}: name/description missing")
        sections[p.stem] = s

    # authors
    authors = {}
    for p in sorted((DEMO / "authors").glob("*.md")):
        fm, body = split_front_matter(p)
        authors[p.stem] = fm
        if not fm.get("name"):
            err(f"authors/{p.name}: no name")
        av = fm.get("avatar")
        if not av or not (DEMO / av).is_file():
            err(f"authors/{p.name}: avatar missing: {av}")
        social = fm.get("social", {})
        if not 2 <= len(social) <= 4:
            err(f"authors/{p.name}: {len(social)} social links")
        for k, v in social.items():
            if k not in SOCIAL_KEYS:
                err(f"authors/{p.name}: unknown social key {k}")
            check_url(f"authors/{p.name} social.{k}", v)
        n = words(body)
        if not 60 <= n <= 120:
            err(f"authors/{p.name}: bio has {n} words")

    # articles
    arts = {}
    used_images: Counter = Counter()
    tags: Counter = Counter()
    stats = Counter()
    wc = {}
    for p in sorted((DEMO / "articles").glob("*.md")):
        fm, body = split_front_matter(p)
        arts[p.stem] = fm
        where = f"articles/{p.name}"
        for k in ("title", "standfirst", "authors", "section", "tags", "date", "status"):
            if k not in fm:
                err(f"{where}: missing {k}")
        for a in fm.get("authors", []):
            if a not in authors:
                err(f"{where}: unknown author {a}")
        if fm.get("section") not in sections:
            err(f"{where}: unknown section {fm.get('section')}")
        t = fm.get("tags", [])
        if not 3 <= len(t) <= 8:
            err(f"{where}: {len(t)} tags")
        tags.update(t)
        try:
            d = datetime.fromisoformat(fm.get("date", ""))
            if d.tzinfo is None:
                err(f"{where}: date without offset")
            fm["_date"] = d
        except ValueError:
            err(f"{where}: bad date {fm.get('date')!r}")
            continue
        if fm.get("status") not in ("published", "draft"):
            err(f"{where}: bad status")
        if fm.get("image"):
            used_images[fm["image"]] += 1
            if not (DEMO / fm["image"]).is_file():
                err(f"{where}: image missing {fm['image']}")
            if not fm.get("image_alt"):
                err(f"{where}: image without alt text")
            stats["with_image"] += 1
            stats["with_caption"] += bool(fm.get("image_caption"))
        stats["toc"] += bool(fm.get("toc"))
        refs = set(re.findall(r"\[\^([^\]]+)\](?!:)", body))
        defs = set(re.findall(r"^\[\^([^\]]+)\]:", body, re.M))
        if refs or defs:
            stats["footnotes"] += 1
            if refs != defs:
                err(f"{where}: footnote refs {sorted(refs)} != defs {sorted(defs)}")
        stats["tables"] += bool(re.search(r"^\|[-: |]+\|$", body, re.M))
        stats["attributed_quotes"] += bool(re.search(r"^> — ", body, re.M))
        stats["two_authors"] += len(fm.get("authors", [])) == 2
        stats["h2"] += bool(re.search(r"^## ", body, re.M))
        wc[p.stem] = words(body)

    drafts = [s for s, a in arts.items() if a.get("status") == "draft"]
    future = [s for s, a in arts.items() if a.get("status") == "published" and a["_date"] > datetime.now(timezone.utc)]
    if len(drafts) != 1:
        err(f"{len(drafts)} drafts")
    if len(future) != 1 or arts[future[0]]["_date"] != SCHEDULED:
        err(f"future-dated published articles: {future}")
    for s, a in arts.items():
        if s not in future and not RANGE[0] <= a["_date"] <= RANGE[1]:
            err(f"articles/{s}.md: date {a['date']} outside range")
    long = sorted(s for s, n in wc.items() if n >= 1000)
    for s in long:
        if not 1400 <= wc[s] <= 1600:
            err(f"articles/{s}.md: long feature with {wc[s]} words")
    bench = wc.get("long-read-benchmark-feature")
    if bench is None or not 1450 <= bench <= 1550:
        err(f"benchmark feature has {bench} words")
    normal = [n for s, n in wc.items() if s not in long]
    in_range = sum(250 <= n <= 600 for n in normal)
    unused_sections = set(sections) - {a.get("section") for a in arts.values()}
    unused_authors = set(authors) - {x for a in arts.values() for x in a.get("authors", [])}
    if unused_sections:
        err(f"sections without articles: {unused_sections}")
    if unused_authors:
        err(f"authors without articles: {unused_authors}")

    # media
    from PIL import Image

    media = [p for p in (DEMO / "media").rglob("*") if p.is_file()]
    total = sum(p.stat().st_size for p in media)
    referenced = set(used_images) | {a.get("avatar") for a in authors.values()}
    for p in media:
        rel = str(p.relative_to(DEMO))
        if rel not in referenced:
            err(f"{rel}: not referenced")
        with Image.open(p) as im:
            want = (160, 160) if rel.startswith("media/avatars/") else (1200, 675)
            if im.size != want or im.format != "JPEG":
                err(f"{rel}: {im.format} {im.size}")
    hero_sizes = sorted(p.stat().st_size for p in media if "avatars" not in p.parts)
    avatar_sizes = sorted(p.stat().st_size for p in media if "avatars" in p.parts)
    if total >= 2 * 1024 * 1024:
        err(f"media is {total} bytes")

    print(f"sections: {len(sections)}  {', '.join(sorted(sections))}")
    print(f"authors: {len(authors)}")
    print(f"articles: {len(arts)}  drafts: {drafts}  scheduled: {future}")
    print(f"articles per section: {dict(Counter(a['section'] for a in arts.values()))}")
    print(f"articles per author: {dict(Counter(x for a in arts.values() for x in a['authors']))}")
    print(f"dates: {min(a['date'] for a in arts.values())} .. {max(a['date'] for a in arts.values())}")
    print(f"with image: {stats['with_image']}  with caption: {stats['with_caption']}  toc: {stats['toc']}  "
          f"footnotes: {stats['footnotes']}  tables: {stats['tables']}  two authors: {stats['two_authors']}  "
          f"attributed quotes: {stats['attributed_quotes']}  with ## headings: {stats['h2']}")
    print(f"long features: {[(s, wc[s]) for s in long]}")
    print(f"other articles: {in_range}/{len(normal)} within 250-600 words (min {min(normal)}, max {max(normal)})")
    print(f"tags ({len(tags)}): " + ", ".join(f"{t} ({n})" for t, n in sorted(tags.items())))
    print(f"media: {len(media)} files, {total} bytes ({total / 1024:.0f} KiB); heroes {hero_sizes[0] / 1024:.1f}-{hero_sizes[-1] / 1024:.1f} KiB, "
          f"avatars {avatar_sizes[0] / 1024:.1f}-{avatar_sizes[-1] / 1024:.1f} KiB")
    for e in errors:
        print("ERROR:", e)
    print("OK" if not errors else f"{len(errors)} error(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
