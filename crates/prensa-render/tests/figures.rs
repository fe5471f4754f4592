//! Figures, galleries and embeds in article bodies: their markup, the
//! media library's sizes and `srcset`, and what hostile input makes of them.

use prensa_render::markdown::{
    absolute_links, media_key, media_keys, render, render_with_media, MediaInfo, MediaMap, Options, MAX_MEDIA_KEYS,
};

fn html(markdown: &str) -> String {
    render(markdown, &Options::default()).html
}

fn library() -> MediaMap {
    MediaMap::from([
        (
            "ab12.jpg".to_owned(),
            MediaInfo {
                width: 1600,
                height: 900,
                srcset: "/media/ab12-640.webp 640w,/media/ab12-1024.webp 1024w,/media/ab12.jpg 1600w".to_owned(),
            },
        ),
        ("cd34.png".to_owned(), MediaInfo { width: 300, height: 200, srcset: String::new() }),
    ])
}

fn with_library(markdown: &str) -> String {
    render_with_media(markdown, &Options::default(), &library()).html
}

#[test]
fn an_image_alone_in_its_paragraph_is_a_figure_with_caption_and_credit() {
    let out = with_library(
        "Before.\n\n![A crowd *fills* the plaza](/media/ab12.jpg)\nThe plaza on the *morning* of the strike.\n— Photo: [Ana Ribeiro](/author/ana/)\n\nAfter.\n",
    );
    assert_eq!(
        out,
        "<p>Before.</p>\n<figure>\n\
         <img src=\"/media/ab12.jpg\" srcset=\"/media/ab12-640.webp 640w,/media/ab12-1024.webp 1024w,/media/ab12.jpg 1600w\" sizes=\"(min-width:44rem) 42rem,100vw\" alt=\"A crowd fills the plaza\" width=\"1600\" height=\"900\" loading=\"lazy\">\n\
         <figcaption>The plaza on the <em>morning</em> of the strike. <small class=\"credit\">Photo: <a href=\"/author/ana/\">Ana Ribeiro</a></small></figcaption>\n\
         </figure>\n<p>After.</p>\n"
    );
    let rendered =
        render_with_media("![a](/media/ab12.jpg)\nCaption words here\n— Credit name", &Options::default(), &library());
    assert!(rendered.figures);
    // Caption and credit are read; the alt text is not counted, as before.
    assert_eq!(rendered.words, 5);
}

#[test]
fn figure_shapes() {
    // No caption: a bare figure.
    assert_eq!(html("![a](/x.png)"), "<figure>\n<img src=\"/x.png\" alt=\"a\" loading=\"lazy\">\n</figure>\n");
    // Only a credit.
    assert_eq!(
        html("![a](/x.png \"T\")\n-- AP"),
        "<figure>\n<img src=\"/x.png\" alt=\"a\" title=\"T\" loading=\"lazy\">\n<figcaption><small class=\"credit\">AP</small></figcaption>\n</figure>\n"
    );
    // A caption of several lines, no credit.
    assert_eq!(
        html("![a](/x.png)\nOne\ntwo"),
        "<figure>\n<img src=\"/x.png\" alt=\"a\" loading=\"lazy\">\n<figcaption>One\ntwo</figcaption>\n</figure>\n"
    );
    // An image after text stays inline, as before.
    assert_eq!(html("Text ![a](/x.png)"), "<p>Text <img src=\"/x.png\" alt=\"a\" loading=\"lazy\"></p>\n");
    // An image in the caption lines makes it no figure.
    assert!(html("![a](/x.png)\ntext\n![b](/y.png)").starts_with("<p><img"));
    // A linked image is no figure either.
    assert!(html("[![a](/x.png)](/big.png)").starts_with("<p><a href"));
    // A dash alone is caption text, not an empty credit.
    assert!(html("![a](/x.png)\n—").contains("<figcaption>—</figcaption>"));
    assert!(!render("Plain text.", &Options::default()).figures);
}

#[test]
fn several_images_are_a_gallery_with_one_caption() {
    let out = with_library(
        "![One](/media/ab12.jpg)\n![Two](/media/cd34.png) ![Three](https://elsewhere.example/3.jpg)\nThree views.\n— Photo: X",
    );
    assert_eq!(
        out,
        "<figure class=\"gallery\">\n\
         <img src=\"/media/ab12.jpg\" srcset=\"/media/ab12-640.webp 640w,/media/ab12-1024.webp 1024w,/media/ab12.jpg 1600w\" sizes=\"(min-width:44rem) 21rem,50vw\" alt=\"One\" width=\"1600\" height=\"900\" loading=\"lazy\">\n\
         <img src=\"/media/cd34.png\" alt=\"Two\" width=\"300\" height=\"200\" loading=\"lazy\">\n\
         <img src=\"https://elsewhere.example/3.jpg\" alt=\"Three\" loading=\"lazy\">\n\
         <figcaption>Three views. <small class=\"credit\">Photo: X</small></figcaption>\n</figure>\n"
    );
}

#[test]
fn media_keys_are_found_once_each_and_bounded() {
    assert_eq!(media_key("/media/ab12.jpg"), Some("ab12.jpg"));
    assert_eq!(media_key("/de/media/ab12.jpg"), Some("ab12.jpg"));
    for other in [
        "https://x.example/media/ab12.jpg",
        "//x/media/ab12.jpg",
        "/media/ab12.jpg?x",
        "/media/zz.jpg",
        "/media/ab12",
        "/medias/ab12.jpg",
        "media/ab12.jpg",
        "/media/ab12.j\"g",
    ] {
        assert_eq!(media_key(other), None, "{other}");
    }
    assert_eq!(
        media_keys(
            "![a](/media/ab12.jpg) [not](/media/ee.jpg)\n\n![b](/media/cd34.png)\n![c](/media/ab12.jpg)\n![d](/x.png)"
        ),
        ["ab12.jpg", "cd34.png"]
    );
    let many: String = (0..MAX_MEDIA_KEYS + 50).map(|n| format!("![x](/media/{n:x}a.png)\n")).collect();
    assert_eq!(media_keys(&many).len(), MAX_MEDIA_KEYS);
    // A key the library does not know renders as any image.
    assert_eq!(
        with_library("![a](/media/ffff.jpg)"),
        "<figure>\n<img src=\"/media/ffff.jpg\" alt=\"a\" loading=\"lazy\">\n</figure>\n"
    );
}

#[test]
fn a_provider_url_alone_is_an_embed_card_linking_out() {
    let out = html("Watch:\n\nhttps://youtu.be/dQw4w9WgXcQ?si=tracking\n\nMore.");
    assert_eq!(
        out,
        "<p>Watch:</p>\n<figure class=\"embed\">\n<a href=\"https://www.youtube.com/watch?v=dQw4w9WgXcQ\"><strong>YouTube</strong> https://www.youtube.com/watch?v=dQw4w9WgXcQ</a>\n</figure>\n<p>More.</p>\n"
    );
    assert!(render("https://vimeo.com/76979871", &Options::default()).figures);
    // The autolink spelling too.
    assert!(
        html("<https://x.com/jack/status/20>").contains("<a href=\"https://x.com/jack/status/20\"><strong>X</strong>")
    );
    // In running text, or of an unknown site, a URL stays what it was.
    assert_eq!(html("See https://youtu.be/dQw4w9WgXcQ"), "<p>See https://youtu.be/dQw4w9WgXcQ</p>\n");
    assert_eq!(html("https://example.org/video"), "<p>https://example.org/video</p>\n");
    // No element that loads anything from the provider.
    for url in [
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://vimeo.com/1",
        "https://framatube.org/w/9c9de5e8Rjg2kbNhBqWeHs",
        "https://mastodon.social/@Gargron/1",
        "https://bsky.app/profile/jay.bsky.team/post/3kfdpoyfbvb2a",
        "https://soundcloud.com/a/b",
        "https://open.spotify.com/track/4cOdK2wGLETKBW3PvgPWqT",
        "https://artist.bandcamp.com/track/x",
    ] {
        let out = html(url);
        assert!(out.starts_with("<figure class=\"embed\">"), "{url}: {out}");
        assert!(!out.contains("<img") && !out.contains("<iframe") && !out.contains("src="), "{url}: {out}");
    }
}

#[test]
fn the_sanitizer_keeps_exactly_this_markup() {
    // A raw HTML comment sends the document through ammonia.
    let source = "![a](/media/ab12.jpg)\nCaption\n— Credit\n\n![b](/media/ab12.jpg)\n![c](/media/cd34.png)\n\nhttps://youtu.be/dQw4w9WgXcQ\n\n<!-- raw -->\n";
    let fast = with_library(&source.replace("\n\n<!-- raw -->\n", "\n"));
    let sanitized = with_library(source);
    // ammonia adds `rel` to every link, and the dropped comment leaves its line.
    assert_eq!(
        sanitized.replace(" rel=\"noopener noreferrer\"", "").trim_end(),
        fast.trim_end(),
        "the sanitizer changed our own markup"
    );
    // And no more: hostile raw attributes on the same elements go.
    let hostile = with_library(
        "<figure class=\"gallery evil\" onclick=\"x()\"><img src=\"/a.png\" srcset=\"javascript:alert(1) 1x, /b.png 2x\" sizes=\"calc(1px);x\" alt=\"a\"><figcaption><small class=\"credit spy\" style=\"color:red\">c</small></figcaption></figure>\n\n\
         <img src=\"/a.png\" srcset=\"/a-640.webp 640w,/a.png 1600w\" sizes=\"(min-width:44rem) 42rem,100vw\">",
    );
    assert!(hostile.contains("<figure class=\"gallery\">"), "{hostile}");
    assert!(hostile.contains("<small class=\"credit\">c</small>"), "{hostile}");
    assert!(
        !hostile.contains("javascript")
            && !hostile.contains("onclick")
            && !hostile.contains("calc")
            && !hostile.contains("style"),
        "{hostile}"
    );
    assert!(
        hostile.contains("srcset=\"/a-640.webp 640w,/a.png 1600w\" sizes=\"(min-width:44rem) 42rem,100vw\""),
        "{hostile}"
    );
}

#[test]
fn hostile_alt_caption_credit_and_urls_stay_text() {
    let out = with_library(
        "![\" onerror=\"alert(1)](/media/ab12.jpg \"\\\" onload=\\\"x\")\nCaption <script>alert(1)</script> *cap*\n— <img src=x onerror=alert(1)>[c](javascript:alert(1))",
    );
    assert!(
        !out.contains("<script")
            && !out.contains("onerror=a")
            && !out.contains("onload=\"")
            && !out.contains("javascript:"),
        "{out}"
    );
    assert!(out.contains("alt=\"&quot; onerror=&quot;alert(1)\""), "{out}");
    assert!(out.contains("title=\"&quot; onload=&quot;x\""), "{out}");
    assert!(out.contains("<figcaption>Caption"), "{out}");
    assert!(out.contains("<small class=\"credit\"><img src=\"x\""), "{out}");
    // Unsafe sources are dropped; a figure of only those is none.
    assert_eq!(html("![x](javascript:alert(1))\nCaption"), "<p>\nCaption</p>\n");
    assert!(!html("![x](javascript:alert(1))\n![y](/ok.png)").contains("javascript"));
    // An embed URL carrying markup is no embed, and stays escaped text.
    let out = html("https://www.youtube.com/watch?v=dQw4w9WgXcQ\"><script>alert(1)</script>");
    assert!(!out.contains("<figure") && !out.contains("<script"), "{out}");
}

#[test]
fn feeds_get_absolute_sources_without_srcset() {
    let out = absolute_links(&with_library("![a](/media/ab12.jpg)\nCaption"), "https://m.example/de/story/");
    assert!(out.contains("src=\"https://m.example/media/ab12.jpg\""), "{out}");
    assert!(out.contains("width=\"1600\" height=\"900\""), "{out}");
    assert!(!out.contains("srcset") && !out.contains("sizes"), "{out}");
    assert!(out.contains("<figcaption>Caption</figcaption>"), "{out}");
    let embed = absolute_links(&html("https://youtu.be/dQw4w9WgXcQ"), "https://m.example/s/");
    assert!(embed.contains("<a href=\"https://www.youtube.com/watch?v=dQw4w9WgXcQ\" rel=\"noopener noreferrer\"><strong>YouTube</strong>"), "{embed}");
}

#[test]
fn long_figures_render_in_linear_time() {
    // 20,000 images in one gallery and a 20,000-line caption.
    let gallery = "![a](/media/ab12.jpg)\n".repeat(20_000);
    let caption = format!("![a](/x.png)\n{}", "line *x*\n".repeat(20_000));
    let start = std::time::Instant::now();
    for doc in [gallery, caption] {
        let out = with_library(&doc);
        assert!(out.starts_with("<figure"));
    }
    assert!(start.elapsed() < std::time::Duration::from_secs(5), "{:?}", start.elapsed());
}
