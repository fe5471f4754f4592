#!/usr/bin/env python3
"""Writes a magazine network's archive as content directories for
`prensa import dir`: by default 5 sister publications x 20,000 articles
(600-3,000 words each), 200 authors, 10 sections and 2,000 tags per
publication, hero images (a few demo images, shared), and translation links
(every 50th article of each sister translates the English one of the same
number).

Why a script writing content directories, not a hidden `prensa` command:
the import path is then measured exactly as a newsroom migrating its
archive would use it (`prensa import dir ./en ./de ...`), on either backend,
and the generator needs no build. Deterministic: the same arguments give
the same bytes (a fixed seed), so numbers taken on two machines compare.

    python3 bench/archive.py /tmp/archive                # 5 x 20,000
    python3 bench/archive.py /tmp/small --articles 2000  # 5 x 2,000
    prensa import dir /tmp/archive/* --database sqlite:///tmp/archive.db

Words are made up from syllables (a Zipf-like vocabulary of 20,000 words
per language), so the search index sees realistic term statistics without
any copied text; headlines draw from the same vocabulary.
"""

import argparse
import os
import random
import shutil
import sys

LANGS = [("en", "Europe/London"), ("de", "Europe/Berlin"), ("es", "Europe/Madrid"),
         ("fr", "Europe/Paris"), ("it", "Europe/Rome")]
SYLLABLES = {
    "en": "ba be bi bo bu ca co cu da de di do fa fe fi fo ga go ha he hi ho la le li lo lu ma me mi mo "
          "na ne ni no pa pe pi po ra re ri ro sa se si so ta te ti to va ve wa we ya th st er an in on".split(),
    "de": "ba be bi bo da de di do fa fe ga ge ha he ka ke ko la le li ma me mi na ne ni ra re ri sa "
          "sche schu ta te ti wa we wi zu ung ein auf ber ster lich keit".split(),
    "es": "ba be bi bo ca ce ci co da de di do fa fe ga go ja je la le li lo ma me mi mo na ne ni no "
          "pa pe pi po ra re ri ro sa se si so ta te ti to va ve ción dad mien".split(),
    "fr": "ba be bi bo ca ce ci co da de di do fa fe ga ge la le li lo ma me mi mo na ne ni no pa pe "
          "pi po ra re ri ro sa se si so ta te ti to va ve eau oir ment tion".split(),
    "it": "ba be bi bo ca ce ci co da de di do fa fe ga ge la le li lo ma me mi mo na ne ni no pa pe "
          "pi po ra re ri ro sa se si so ta te ti to va ve zio mento etto".split(),
}
SECTIONS = ["politics", "labour", "culture", "ideas", "climate", "cities", "science", "europe", "americas",
            "books"]
VOCAB = 20_000
# Slugs are ASCII: the accented syllables lose their accents there.
ASCII = str.maketrans("óéàè", "oeae")
PARAGRAPHS = 4_000


def vocabulary(rng, lang):
    syl = SYLLABLES[lang]
    words, seen = [], set()
    while len(words) < VOCAB:
        w = "".join(rng.choice(syl) for _ in range(rng.choice((1, 2, 2, 3, 3, 4))))
        if w not in seen:
            seen.add(w)
            words.append(w)
    # Zipf-like: weight 1/rank, given cumulative to random.choices (which
    # would otherwise add them up on every call).
    cum, acc = [], 0.0
    for r in range(VOCAB):
        acc += 1.0 / (r + 1)
        cum.append(acc)
    return words, cum


def sentence(rng, words, weights):
    n = rng.randint(8, 22)
    ws = rng.choices(words, cum_weights=weights, k=n)
    return ws[0].capitalize() + " " + " ".join(ws[1:]) + "."


def paragraph(rng, words, weights):
    # 40-110 words: 3-6 sentences.
    return " ".join(sentence(rng, words, weights) for _ in range(rng.randint(3, 6)))


def toml_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", help="folder to write (one subfolder per publication); must not exist")
    ap.add_argument("--publications", type=int, default=5, choices=range(1, 6))
    ap.add_argument("--articles", type=int, default=20_000, help="articles per publication")
    ap.add_argument("--authors", type=int, default=200)
    ap.add_argument("--tags", type=int, default=2_000, help="tags per publication")
    ap.add_argument("--seed", type=int, default=15)
    args = ap.parse_args()
    if os.path.exists(args.out):
        sys.exit(f"{args.out} exists; give a new folder")
    demo_media = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "demo", "media")
    images = sorted(f for f in os.listdir(demo_media) if f.endswith(".jpg"))[:12]
    if not images:
        sys.exit("no images in demo/media")
    rng = random.Random(args.seed)
    en_slugs = []
    total_words = 0
    for p, (lang, tz) in enumerate(LANGS[: args.publications]):
        d = os.path.join(args.out, lang)
        for sub in ("authors", "sections", "articles", "media"):
            os.makedirs(os.path.join(d, sub))
        for img in images:
            shutil.copyfile(os.path.join(demo_media, img), os.path.join(d, "media", img))
        words, weights = vocabulary(rng, lang)
        cum = weights
        pool = [paragraph(rng, words, weights) for _ in range(PARAGRAPHS)]
        pool_words = [len(x.split()) for x in pool]
        base = "http://localhost:8080" + ("" if p == 0 else f"/{lang}")
        with open(os.path.join(d, "publication.toml"), "w") as f:
            f.write(f'slug = "archive-{lang}"\nname = "Archive {lang.upper()}"\ntagline = "A generated archive."\n'
                    f'language = "{lang}"\nbase_url = "{base}"\ntimezone = "{tz}"\n'
                    # The deep-pagination figure is for 20 a page.
                    '\n[settings]\npage_size = 20\n')
        for a in range(args.authors):
            with open(os.path.join(d, "authors", f"author-{a:03}.md"), "w") as f:
                name = " ".join(w.capitalize() for w in rng.choices(words[:3000], k=2))
                f.write(f"+++\nname = {toml_str(name)}\n+++\n{sentence(rng, words, weights)}\n")
        for i, s in enumerate(SECTIONS):
            with open(os.path.join(d, "sections", f"{s}.toml"), "w") as f:
                f.write(f'name = "{s.capitalize()}"\ndescription = "The {s} desk."\norder = {i + 1}\n')
        tags = []
        seen = set()
        while len(tags) < args.tags:
            t = " ".join(w.capitalize() for w in rng.choices(words[100:4000], k=rng.choice((1, 2))))
            if t.lower() not in seen:
                seen.add(t.lower())
                tags.append(t)
        for n in range(args.articles):
            head = rng.choices(words, cum_weights=cum, k=rng.randint(4, 9))
            title = " ".join(head).capitalize()
            slug = f"{'-'.join(head[:5])}-{n}".translate(ASCII)
            if p == 0:
                en_slugs.append(slug)
            target = rng.randint(600, 3000)
            body, count = [], 0
            while count < target:
                k = rng.randrange(PARAGRAPHS)
                body.append(pool[k])
                count += pool_words[k]
                if rng.random() < 0.08:
                    body.append("## " + " ".join(rng.choices(words[:2000], k=3)).capitalize())
            total_words += count
            # Ten years back, evenly, newest last.
            day = int(n * 3650 / args.articles)
            y, rem = 2016 + day // 365, day % 365
            date = f"{y}-{1 + rem // 31 % 12:02}-{1 + rem % 28:02}T{8 + n % 10:02}:{n % 60:02}:00Z"
            status = "draft" if n % 37 == 0 else "published"
            authors = sorted({f"author-{rng.randrange(args.authors):03}" for _ in range(rng.choice((1, 1, 1, 2)))})
            art_tags = sorted(set(rng.choices(tags, k=rng.randint(1, 5))))
            img = images[n % len(images)]
            fm = [
                f"title = {toml_str(title)}",
                f"standfirst = {toml_str(sentence(rng, words, weights))}",
                "authors = [" + ", ".join(toml_str(a) for a in authors) + "]",
                f'section = "{SECTIONS[n % len(SECTIONS)]}"',
                "tags = [" + ", ".join(toml_str(t) for t in art_tags) + "]",
                f'date = "{date}"',
                f'status = "{status}"',
                f'image = "media/{img}"',
                f'image_alt = "Illustration {n}"',
            ]
            if p > 0 and n % 50 == 0 and n < len(en_slugs) and status == "published" and n % 37 != 0:
                fm.append(f'translation_of = "en:{en_slugs[n]}"')
            with open(os.path.join(d, "articles", f"{slug}.md"), "w") as f:
                f.write("+++\n" + "\n".join(fm) + "\n+++\n" + "\n\n".join(body) + "\n")
        print(f"{lang}: {args.articles} articles written", file=sys.stderr)
    print(f"{args.publications * args.articles} articles, {total_words} words in {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
