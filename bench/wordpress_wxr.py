#!/usr/bin/env python3
"""Writes a generated WordPress export (WXR 1.2) for `bench/wordpress.sh`.

usage: wordpress_wxr.py OUT.xml [POSTS]

Shaped like a news magazine's archive: 20 authors, 30 categories (some
nested), 2,000 tags; posts of 150 to about 2,000 words (most 300-800,
mean about 560), in paragraphs, with headings, links, emphasis, lists and
quotes; one in four written in the block editor (Gutenberg comments), the
rest classic (wpautop newlines); one in eight with a captioned image, one in
forty with a gallery or an embed; a featured image on every third post
(attachments precede their posts, as WordPress writes them); 3 % drafts, 1 %
pending, 0.5 % scheduled; Yoast primary categories on a fifth of the posts.
Deterministic (seeded), so runs compare.
"""

import random
import sys

WORDS = (
    "the harbour port workers union strike council city night morning crane ship dock wage shift safety "
    "people said told minister report week year market price rent housing school water road bridge river "
    "festival music film book street neighbourhood election vote mayor budget court police health hospital "
    "climate storm summer winter fishing boat cargo container train station energy power plant factory "
    "teachers nurses students families history archive museum photograph interview letter reader editor "
    "and of to in on for with at by from about after before during between against under over into than"
).split()


def sentence(rng):
    n = rng.randint(8, 24)
    words = [rng.choice(WORDS) for _ in range(n)]
    words[0] = words[0].capitalize()
    if rng.random() < 0.15:
        i = rng.randrange(n)
        words[i] = f"<em>{words[i]}</em>"
    if rng.random() < 0.08:
        i = rng.randrange(n)
        words[i] = f'<a href="https://example.org/{words[i]}/{rng.randint(1, 9999)}">{words[i]}</a>'
    text = " ".join(words)
    return text + rng.choice([".", ".", ".", "?", "!"])


def paragraph(rng):
    return " ".join(sentence(rng) for _ in range(rng.randint(2, 6)))


def word_count(rng):
    # Log-normal-ish: mostly 300-800 words, a long tail of long reads.
    n = int(rng.lognormvariate(6.2, 0.45))
    return max(150, min(n, 2200))


def body(rng, post_id, image_url, gutenberg, galleries):
    target = word_count(rng)
    parts = []
    words = 0
    while words < target:
        r = rng.random()
        if r < 0.06 and parts:
            h = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 6))).capitalize()
            parts.append(("heading", h))
        elif r < 0.09:
            items = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 9))) for _ in range(rng.randint(2, 5))]
            parts.append(("list", items))
        elif r < 0.11:
            parts.append(("quote", sentence(rng)))
        else:
            p = paragraph(rng)
            words += p.count(" ") + 1
            parts.append(("p", p))
    if image_url and rng.random() < 0.125:
        parts.insert(min(2, len(parts)), ("image", image_url))
    if rng.random() < 0.0125 and galleries:
        parts.insert(min(4, len(parts)), ("gallery", rng.sample(galleries, 3)))
    if rng.random() < 0.0125:
        parts.append(("embed", f"https://www.youtube.com/watch?v=v{post_id:09d}"))
    out = []
    for kind, value in parts:
        if gutenberg:
            if kind == "p":
                out.append(f"<!-- wp:paragraph -->\n<p>{value}</p>\n<!-- /wp:paragraph -->")
            elif kind == "heading":
                out.append(f'<!-- wp:heading -->\n<h2 class="wp-block-heading">{value}</h2>\n<!-- /wp:heading -->')
            elif kind == "list":
                lis = "".join(f"<li>{i}</li>" for i in value)
                out.append(f"<!-- wp:list -->\n<ul>{lis}</ul>\n<!-- /wp:list -->")
            elif kind == "quote":
                out.append(f'<!-- wp:quote -->\n<blockquote class="wp-block-quote"><p>{value}</p></blockquote>\n<!-- /wp:quote -->')
            elif kind == "image":
                out.append(
                    f'<!-- wp:image {{"sizeSlug":"large"}} -->\n<figure class="wp-block-image size-large"><img src="{value}" alt="A photograph"/>'
                    f'<figcaption class="wp-element-caption">{sentence(rng)} Photo: Staff</figcaption></figure>\n<!-- /wp:image -->'
                )
            elif kind == "gallery":
                ids = ",".join(str(i) for i, _ in value)
                out.append(f"<!-- wp:shortcode -->\n[gallery ids=\"{ids}\"]\n<!-- /wp:shortcode -->")
            elif kind == "embed":
                out.append(
                    f'<!-- wp:embed {{"url":"{value}","type":"video","providerNameSlug":"youtube"}} -->\n'
                    f'<figure class="wp-block-embed"><div class="wp-block-embed__wrapper">\n{value}\n</div></figure>\n<!-- /wp:embed -->'
                )
        else:
            if kind == "p":
                # Classic editor: line breaks inside some paragraphs.
                out.append(value.replace(". ", ".\n", 1) if rng.random() < 0.1 else value)
            elif kind == "heading":
                out.append(f"<h2>{value}</h2>")
            elif kind == "list":
                out.append("<ul>\n" + "\n".join(f"\t<li>{i}</li>" for i in value) + "\n</ul>")
            elif kind == "quote":
                out.append(f"<blockquote>{value}</blockquote>")
            elif kind == "image":
                out.append(
                    f'[caption id="" align="aligncenter" width="1024"]<img src="{value}" alt="A photograph" width="1024" height="683" /> '
                    f"{sentence(rng)} Photo: Staff[/caption]"
                )
            elif kind == "gallery":
                out.append(f'[gallery ids="{",".join(str(i) for i, _ in value)}"]')
            elif kind == "embed":
                out.append(value)
    sep = "\n\n"
    return sep.join(out)


def cdata(s):
    return "<![CDATA[" + s.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def main():
    out_path = sys.argv[1]
    posts = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    rng = random.Random(12)
    site = "https://magazine.example"
    authors = [(i + 2, f"writer{i:02d}", f"Writer {i:02d}") for i in range(20)]
    cats = []
    for i in range(30):
        parent = cats[i % 5][1] if i >= 5 and i % 3 == 0 else ""
        cats.append((100 + i, f"section-{i:02d}", f"Section {i:02d}", parent))
    tags = [(1000 + i, f"topic-{i:04d}", f"Topic {i:04d}") for i in range(2000)]
    f = open(out_path, "w", encoding="utf-8")
    w = f.write
    w('<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
      'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wfw="http://wellformedweb.org/CommentAPI/" '
      'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n')
    w(f"<title>Bench Magazine</title>\n<link>{site}</link>\n<description>A generated archive</description>\n"
      "<language>en-US</language>\n<wp:wxr_version>1.2</wp:wxr_version>\n"
      f"<wp:base_site_url>{site}</wp:base_site_url>\n<wp:base_blog_url>{site}</wp:base_blog_url>\n")
    for aid, login, name in authors:
        w(f"<wp:author><wp:author_id>{aid}</wp:author_id><wp:author_login>{cdata(login)}</wp:author_login>"
          f"<wp:author_email>{cdata(login + '@magazine.example')}</wp:author_email>"
          f"<wp:author_display_name>{cdata(name)}</wp:author_display_name></wp:author>\n")
    for tid, slug, name, parent in cats:
        w(f"<wp:category><wp:term_id>{tid}</wp:term_id><wp:category_nicename>{cdata(slug)}</wp:category_nicename>"
          f"<wp:category_parent>{cdata(parent)}</wp:category_parent><wp:cat_name>{cdata(name)}</wp:cat_name></wp:category>\n")
    for tid, slug, name in tags:
        w(f"<wp:tag><wp:term_id>{tid}</wp:term_id><wp:tag_slug>{cdata(slug)}</wp:tag_slug><wp:tag_name>{cdata(name)}</wp:tag_name></wp:tag>\n")
    next_id = 200_000
    galleries = []
    for n in range(posts):
        pid = n + 10
        year = 2010 + n * 15 // posts
        month = 1 + (n * 180 // posts) % 12
        day = 1 + n % 28
        date = f"{year}-{month:02d}-{day:02d} {8 + n % 12:02d}:{n % 60:02d}:00"
        slug = f"story-{pid}-" + "-".join(rng.choice(WORDS[:60]) for _ in range(3))
        thumb = None
        image_url = None
        if n % 3 == 0:
            next_id += 1
            thumb = next_id
            image_url = f"{site}/wp-content/uploads/{year}/{month:02d}/photo-{thumb}-1024x683.jpg"
            galleries.append((thumb, image_url))
            if len(galleries) > 50:
                galleries.pop(0)
            w(f"<item><title>{cdata('photo-' + str(thumb))}</title><wp:post_id>{thumb}</wp:post_id>"
              f"<wp:post_date>{cdata(date)}</wp:post_date><wp:status>inherit</wp:status><wp:post_parent>{pid}</wp:post_parent>"
              f"<wp:post_type>attachment</wp:post_type><excerpt:encoded>{cdata(sentence(rng))}</excerpt:encoded>"
              f"<wp:attachment_url>{cdata(image_url.replace('-1024x683', ''))}</wp:attachment_url>"
              f"<wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key><wp:meta_value>{cdata('A photograph')}</wp:meta_value></wp:postmeta></item>\n")
        r = rng.random()
        status = "draft" if r < 0.03 else "pending" if r < 0.04 else "future" if r < 0.045 else "publish"
        gmt = "0000-00-00 00:00:00" if status in ("draft", "pending") else date
        author = rng.choice(authors)
        post_cats = rng.sample(cats, rng.choice([1, 1, 1, 2, 3]))
        post_tags = rng.sample(tags, rng.randint(0, 6))
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 11))).capitalize()
        content = body(rng, pid, image_url, n % 4 == 0, galleries)
        w("<item>\n")
        w(f"<title>{cdata(title)}</title>\n<link>{site}/{date[:4]}/{date[5:7]}/{date[8:10]}/{slug}/</link>\n")
        w(f"<dc:creator>{cdata(author[1])}</dc:creator>\n<guid isPermaLink=\"false\">{site}/?p={pid}</guid>\n<description></description>\n")
        w(f"<content:encoded>{cdata(content)}</content:encoded>\n<excerpt:encoded>{cdata(sentence(rng) if n % 2 else '')}</excerpt:encoded>\n")
        w(f"<wp:post_id>{pid}</wp:post_id>\n<wp:post_date>{cdata(date)}</wp:post_date>\n<wp:post_date_gmt>{cdata(gmt)}</wp:post_date_gmt>\n")
        w(f"<wp:post_modified_gmt>{cdata(date)}</wp:post_modified_gmt>\n<wp:comment_status>open</wp:comment_status>\n")
        w(f"<wp:post_name>{cdata(slug if status != 'draft' else '')}</wp:post_name>\n<wp:status>{cdata(status)}</wp:status>\n")
        w("<wp:post_parent>0</wp:post_parent>\n<wp:menu_order>0</wp:menu_order>\n<wp:post_type>post</wp:post_type>\n<wp:post_password></wp:post_password>\n")
        for tid, cslug, cname, _ in post_cats:
            w(f'<category domain="category" nicename="{cslug}">{cdata(cname)}</category>\n')
        for tid, tslug, tname in post_tags:
            w(f'<category domain="post_tag" nicename="{tslug}">{cdata(tname)}</category>\n')
        if thumb:
            w(f"<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>{thumb}</wp:meta_value></wp:postmeta>\n")
        if n % 5 == 0 and len(post_cats) > 1:
            w(f"<wp:postmeta><wp:meta_key>_yoast_wp_primary_category</wp:meta_key><wp:meta_value>{post_cats[-1][0]}</wp:meta_value></wp:postmeta>\n")
        w("<wp:postmeta><wp:meta_key>_edit_last</wp:meta_key><wp:meta_value>1</wp:meta_value></wp:postmeta>\n")
        w("</item>\n")
    w("</channel>\n</rss>\n")
    f.close()


if __name__ == "__main__":
    main()
