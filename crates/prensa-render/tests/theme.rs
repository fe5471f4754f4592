//! The default theme: snapshots of every template rendered from a fixed view
//! model, plus the properties every page must keep — one h1, the article's
//! reading order, escaping, no scripts or inline styles, every word from the
//! locale, and the size budget.

use std::collections::BTreeMap;
use std::io::Write as _;

use prensa_render::i18n;
use prensa_render::markdown;
use prensa_render::theme::{strings_map, Template, Theme};
use prensa_render::view::*;

/// Builds every text (and URL) field of the fixtures: the identity for the
/// snapshots, a constant attack string for the escaping tests, …
type Text<'a> = &'a dyn Fn(&str) -> String;

fn plain(text: &str) -> String {
    text.to_owned()
}

const HOSTILE: &str = r#"<script>alert(1)</script>"><img src=x onerror=alert(1)>'&"#;

fn hostile(_: &str) -> String {
    HOSTILE.to_owned()
}

/// Already serialized by the web layer with `<` escaped; printed verbatim.
const JSON_LD: &str = r#"{"@context":"https://schema.org","@type":"NewsArticle","headline":"Coffee \u003cand\u003e cooperatives","author":[{"@type":"Person","name":"Ana Ribeiro"}]}"#;

/// What the web layer will really emit for an article.
const FULL_JSON_LD: &str = r#"{"@context":"https://schema.org","@type":"NewsArticle","headline":"The cooperatives of the coffee coast","description":"Growers who once sold to a single buyer now set their own price.","image":["https://labrecha.example/media/coffee.jpg"],"datePublished":"2025-06-26T07:30:00+01:00","dateModified":"2025-06-27T10:00:00+01:00","author":[{"@type":"Person","name":"Ana Ribeiro","url":"https://labrecha.example/authors/ana-ribeiro/"},{"@type":"Person","name":"Ben Okafor","url":"https://labrecha.example/authors/ben-okafor/"},{"@type":"Person","name":"Cleo Marín","url":"https://labrecha.example/authors/cleo-marin/"}],"publisher":{"@type":"Organization","name":"La Brecha","url":"https://labrecha.example"},"mainEntityOfPage":"https://labrecha.example/2025/06/coffee-coast/","articleSection":"Labor","keywords":["Coffee","Unions"],"inLanguage":"en","wordCount":1400}"#;

/// Stands in for `markdown::render` output (kept literal so these snapshots
/// only change when the theme does).
const BODY_HTML: &str = r##"<p>On the hillsides above the port, the harvest starts before dawn.<sup class="fn-ref" id="fnref-1"><a href="#fn-1">1</a></sup></p>
<h2 id="the-first-assembly">The first assembly <a class="anchor" href="#the-first-assembly" aria-label="Link to this section">#</a></h2>
<figure class="quote">
<blockquote>
<p>We were told the price was the weather. It was never the weather.</p>
</blockquote>
<figcaption>— Marta Quispe</figcaption>
</figure>
<div class="table-wrap"><table><thead><tr><th>Year</th><th>Members</th></tr></thead><tbody><tr><td>2019</td><td>40</td></tr></tbody></table></div>
<section class="footnotes" aria-label="Footnotes">
<ol>
<li id="fn-1">
<p>Interview with the author, March 2025. <a href="#fnref-1" class="fn-back" aria-label="Back to reference 1">↩︎</a></p>
</li>
</ol>
</section>
"##;

const TOC_HTML: &str = r##"<nav class="toc" aria-label="Contents">
<ol>
<li><a href="#the-first-assembly">The first assembly</a></li>
</ol>
</nav>
"##;

const BASE: &str = "https://labrecha.example";

fn link(s: Text, name: &str, path: &str) -> LinkView {
    LinkView { name: s(name), url: s(&format!("{BASE}{path}")) }
}

fn site(s: Text) -> SiteView {
    SiteView {
        name: s("La Brecha"),
        tagline: s("Reporting on work and power in the Americas"),
        language: s("en"),
        base_url: s(BASE),
        root: s(""),
        sections: vec![
            link(s, "Labor", "/labor/"),
            link(s, "Latin America", "/latin-america/"),
            link(s, "Culture", "/culture/"),
        ],
        social: vec![
            SocialView { kind: "mastodon", label: "Mastodon", url: s("https://social.example/@labrecha") },
            SocialView { kind: "x", label: "X", url: s("https://x.com/labrecha") },
        ],
        // Fixed, so that the snapshots do not change with every CSS edit.
        css_url: s("/assets/style.0123456789.css"),
        year: 2025,
        logo: None,
        favicon: s("/favicon.ico"),
    }
}

fn meta(s: Text, title: &str, path: &str, og_type: &'static str) -> MetaView {
    MetaView {
        title: s(title),
        description: s("Independent reporting on work and power."),
        og_title: None,
        og_description: None,
        canonical: s(&format!("{BASE}{path}")),
        og_type,
        og_image: None,
        og_image_alt: None,
        json_ld: None,
        alternates: Vec::new(),
        prev: None,
        next: None,
        published_iso: None,
        modified_iso: None,
        section: None,
        tags: Vec::new(),
        noindex: false,
        feeds: Vec::new(),
    }
}

/// A `srcset` as the web layer writes one for a library image `width`
/// pixels wide: WebP variants at `widths` below it, then the original.
fn srcset_for(url: &str, width: u32, widths: &[u32]) -> String {
    let hash = url.trim_start_matches("/media/").split('.').next().unwrap_or("");
    let mut out: String =
        widths.iter().filter(|w| **w < width).map(|w| format!("/media/{hash}-{w}.webp {w}w,")).collect();
    out.push_str(&format!("{url} {width}w"));
    out
}

fn image(s: Text, name: &str, alt: &str, caption: Option<&str>) -> ImageView {
    ImageView {
        url: s(&format!("/media/{name}.jpg")),
        width: 1200,
        height: 800,
        srcset: s(&format!("/media/{name}-320.webp 320w,/media/{name}-640.webp 640w,/media/{name}.jpg 1200w")),
        alt: s(alt),
        caption: caption.map(s),
    }
}

fn authors(s: Text, count: usize) -> Vec<LinkView> {
    [
        ("Ana Ribeiro", "/authors/ana-ribeiro/"),
        ("Ben Okafor", "/authors/ben-okafor/"),
        ("Cleo Marín", "/authors/cleo-marin/"),
    ]
    .iter()
    .take(count)
    .map(|(name, path)| link(s, name, path))
    .collect()
}

fn card(s: Text, n: usize) -> CardView {
    let section = if n.is_multiple_of(2) { link(s, "Labor", "/labor/") } else { link(s, "Culture", "/culture/") };
    let authors = authors(s, n % 3 + 1);
    CardView {
        url: s(&format!("{BASE}/2025/06/story-{n}/")),
        headline: s(&format!("Story number {n} from the coast")),
        standfirst: s("A short summary of what happened and why it matters."),
        byline_text: authors.iter().map(|a| a.name.clone()).collect::<Vec<_>>().join(", "),
        authors,
        section,
        date_iso: s(&format!("2025-06-{:02}T09:00:00Z", 20 - n)),
        date_text: s(&format!("June {}, 2025", 20 - n)),
        image: (n != 2).then(|| image(s, &format!("story-{n}"), "Workers sorting coffee beans", None)),
    }
}

fn author_box(s: Text, name: &str, path: &str, avatar: bool) -> AuthorBoxView {
    AuthorBoxView {
        name: s(name),
        url: s(&format!("{BASE}{path}")),
        avatar: avatar.then(|| ImageView {
            url: s("/media/avatar.jpg"),
            width: 128,
            height: 128,
            srcset: String::new(),
            alt: s(name),
            caption: None,
        }),
        bio_html: "<p>Reports on labor from São Paulo.</p>\n".to_owned(),
        social: vec![SocialView { kind: "mastodon", label: "Mastodon", url: s("https://social.example/@ana") }],
    }
}

fn article_meta(s: Text) -> MetaView {
    MetaView {
        og_image: Some(s("https://labrecha.example/media/coffee.jpg")),
        og_image_alt: Some(s("Coffee pickers on a steep hillside at dawn")),
        json_ld: Some(JSON_LD.to_owned()),
        alternates: vec![
            AlternateView { lang: s("en"), url: s("https://labrecha.example/2025/06/coffee-coast/") },
            AlternateView { lang: s("es"), url: s("https://labrecha.example/es/2025/06/costa-del-cafe/") },
        ],
        published_iso: Some(s("2025-06-26T07:30:00+01:00")),
        modified_iso: Some(s("2025-06-27T10:00:00+01:00")),
        section: Some(s("Labor")),
        tags: vec![s("Coffee"), s("Unions")],
        ..meta(s, "The cooperatives of the coffee coast — La Brecha", "/2025/06/coffee-coast/", "article")
    }
}

fn article(s: Text) -> ArticleView {
    let canonical = "https://labrecha.example/2025/06/coffee-coast/";
    ArticleView {
        headline: s("The cooperatives of the coffee coast"),
        standfirst: s("Growers who once sold to a single buyer now set their own price."),
        authors: authors(s, 3),
        date_iso: s("2025-06-26T07:30:00+01:00"),
        date_text: s("June 26, 2025"),
        updated_iso: Some(s("2025-06-27T10:00:00+01:00")),
        updated_text: Some(s("June 27, 2025")),
        section: link(s, "Labor", "/labor/"),
        tags: vec![link(s, "Coffee", "/tags/coffee/"), link(s, "Unions", "/tags/unions/")],
        image: Some(image(
            s,
            "coffee",
            "Coffee pickers on a steep hillside at dawn",
            Some("Pickers start before sunrise. Photo: Marta Quispe"),
        )),
        body_html: BODY_HTML.to_owned(),
        figures_css: None,
        toc_html: Some(TOC_HTML.to_owned()),
        reading_time: "7 min read".to_owned(),
        share: ShareView {
            facebook: s(&format!("https://www.facebook.com/sharer/sharer.php?u={canonical}")),
            x: s(&format!("https://x.com/intent/post?url={canonical}&text=Coffee")),
            mastodon: s(&format!("https://mastodonshare.com/?url={canonical}")),
            email: s(&format!("mailto:?subject=Coffee&body={canonical}")),
            link: s(canonical),
        },
        author_boxes: vec![
            author_box(s, "Ana Ribeiro", "/authors/ana-ribeiro/", true),
            author_box(s, "Ben Okafor", "/authors/ben-okafor/", false),
        ],
        more_from_section_title: s("More from Labor"),
        more_from_section: vec![card(s, 1), card(s, 2)],
        most_recent: vec![card(s, 3), card(s, 4)],
        custom_fields: Vec::new(),
    }
}

fn home(s: Text) -> HomeView {
    HomeView {
        lead: Some(card(s, 0)),
        featured: vec![card(s, 6)],
        most_recent: vec![card(s, 1), card(s, 2), card(s, 3)],
        sections: vec![
            SectionBlockView {
                name: s("Labor"),
                url: s("https://labrecha.example/labor/"),
                cards: vec![card(s, 4), card(s, 5)],
            },
            SectionBlockView { name: s("Empty"), url: s("https://labrecha.example/empty/"), cards: Vec::new() },
        ],
    }
}

fn author_list(s: Text) -> ListView {
    ListView {
        kind: "author",
        heading: s("Ana Ribeiro"),
        kicker: s("Author"),
        description: None,
        author: Some(author_box(s, "Ana Ribeiro", "/authors/ana-ribeiro/", true)),
        cards: vec![card(s, 1), card(s, 2)],
        pager: Some(PagerView {
            page: 2,
            pages: 3,
            prev_url: Some(s("https://labrecha.example/authors/ana-ribeiro/")),
            next_url: Some(s("https://labrecha.example/authors/ana-ribeiro/page/3/")),
            label: s("Page 2 of 3"),
        }),
    }
}

fn section_list(s: Text) -> ListView {
    ListView {
        kind: "section",
        heading: s("Latin America"),
        kicker: s("Section"),
        description: Some(s("Reporting from Mexico to Patagonia.")),
        author: None,
        cards: vec![card(s, 3)],
        pager: None,
    }
}

fn list_meta(s: Text) -> MetaView {
    MetaView {
        prev: Some(s("https://labrecha.example/authors/ana-ribeiro/")),
        next: Some(s("https://labrecha.example/authors/ana-ribeiro/page/3/")),
        ..meta(s, "Ana Ribeiro — page 2 — La Brecha", "/authors/ana-ribeiro/page/2/", "website")
    }
}

fn mastodon_share(s: Text, error: bool) -> MastodonShareView {
    MastodonShareView {
        text: s("The cooperatives of the coffee coast https://labrecha.example/2025/06/coffee-coast/"),
        error,
        confirm: None,
    }
}

fn share_meta(s: Text) -> MetaView {
    MetaView { noindex: true, ..meta(s, "Share on Mastodon — La Brecha", "/share/mastodon/", "website") }
}

fn theme() -> Theme {
    Theme::new().expect("the embedded templates parse")
}

fn english() -> BTreeMap<String, String> {
    strings_map(i18n::locale("en"))
}

fn render<T: serde::Serialize>(
    theme: &Theme,
    template: Template,
    site: &SiteView,
    meta: MetaView,
    t: &BTreeMap<String, String>,
    page: T,
) -> String {
    theme.render(template, &PageView { site, meta, t, page }).expect("renders")
}

/// Renders every page of the fixture with `s` building its text and `t`
/// as the locale's strings: (name, html).
fn render_all(theme: &Theme, s: Text, t: &BTreeMap<String, String>) -> Vec<(&'static str, String)> {
    let site = &site(s);
    let not_found_meta = MetaView { noindex: true, ..meta(s, "Not found — La Brecha", "/nope", "website") };
    let section_meta = meta(s, "Latin America — La Brecha", "/latin-america/", "website");
    vec![
        ("home", render(theme, Template::Home, site, meta(s, "La Brecha", "/", "website"), t, home(s))),
        ("article", render(theme, Template::Article, site, article_meta(s), t, article(s))),
        ("author_list", render(theme, Template::List, site, list_meta(s), t, author_list(s))),
        ("section_list", render(theme, Template::List, site, section_meta, t, section_list(s))),
        ("not_found", render(theme, Template::NotFound, site, not_found_meta, t, ())),
        ("mastodon_share", render(theme, Template::MastodonShare, site, share_meta(s), t, mastodon_share(s, true))),
    ]
}

/// Same pages with every optional field empty.
fn render_minimal(theme: &Theme, t: &BTreeMap<String, String>) -> Vec<(&'static str, String)> {
    let s: Text = &plain;
    let site = SiteView { tagline: String::new(), sections: Vec::new(), social: Vec::new(), ..site(s) };
    let bare_card = CardView {
        authors: Vec::new(),
        byline_text: String::new(),
        standfirst: String::new(),
        image: None,
        ..card(s, 1)
    };
    let article = ArticleView {
        standfirst: String::new(),
        authors: Vec::new(),
        updated_iso: None,
        updated_text: None,
        tags: Vec::new(),
        image: None,
        toc_html: None,
        author_boxes: Vec::new(),
        more_from_section: Vec::new(),
        most_recent: vec![bare_card.clone()],
        ..article(s)
    };
    let list = ListView {
        kicker: String::new(),
        description: None,
        author: None,
        cards: Vec::new(),
        pager: Some(PagerView { page: 1, pages: 1, prev_url: None, next_url: None, label: "Page 1 of 1".to_owned() }),
        ..author_list(s)
    };
    let home = HomeView { lead: None, featured: Vec::new(), most_recent: vec![bare_card], sections: Vec::new() };
    let m = || meta(s, "La Brecha", "/", "website");
    vec![
        ("home", render(theme, Template::Home, &site, m(), t, home)),
        ("article", render(theme, Template::Article, &site, m(), t, article)),
        ("list", render(theme, Template::List, &site, m(), t, list)),
        ("not_found", render(theme, Template::NotFound, &site, m(), t, ())),
        ("mastodon_share", render(theme, Template::MastodonShare, &site, m(), t, mastodon_share(s, false))),
    ]
}

#[test]
fn snapshots() {
    let theme = theme();
    let t = english();
    for (name, html) in render_all(&theme, &plain, &t) {
        insta::assert_snapshot!(name, html);
    }
}

#[test]
fn every_page_has_exactly_one_h1() {
    let theme = theme();
    let t = english();
    let pages = render_all(&theme, &plain, &t)
        .into_iter()
        .chain(render_all(&theme, &hostile, &t))
        .chain(render_minimal(&theme, &t));
    for (name, html) in pages {
        assert_eq!(html.matches("<h1").count(), 1, "{name}: {html}");
    }
}

#[test]
fn article_parts_come_in_reading_order() {
    let theme = theme();
    let t = english();
    let pages = render_all(&theme, &plain, &t);
    let html = &pages[1].1;
    let first_share = html.find("class=\"share\"").expect("share links");
    let second_share = html[first_share + 1..].find("class=\"share\"").expect("share links again") + first_share + 1;
    let at = |needle: &str| html.find(needle).unwrap_or_else(|| panic!("{needle} missing"));
    let positions = [
        ("<main", at("<main")),
        ("headline", at("class=\"headline\"")),
        ("standfirst", at("class=\"standfirst\"")),
        ("byline", at("class=\"byline\"")),
        ("published", at("<time class=\"published\"")),
        ("updated", at("<time class=\"updated\"")),
        ("share", first_share),
        ("hero", at("class=\"hero\"")),
        ("caption", at("<figcaption>Pickers")),
        ("toc", at("class=\"toc\"")),
        ("body", at("class=\"body\"")),
        ("share again", second_share),
        ("author-box", at("class=\"author-box\"")),
        ("tags", at("class=\"tags\"")),
        ("more-from-section", at("class=\"more-from-section\"")),
        ("most-recent", at("class=\"most-recent\"")),
        ("</main>", at("</main>")),
        ("<footer", at("<footer")),
    ];
    for pair in positions.windows(2) {
        assert!(pair[0].1 < pair[1].1, "{} must come before {}", pair[0].0, pair[1].0);
    }
    assert_eq!(html.matches("class=\"share\"").count(), 2);
    assert_eq!(html.matches("class=\"author-box\"").count(), 2);
}

#[test]
fn byline_links_every_author() {
    let theme = theme();
    let t = english();
    let html = &render_all(&theme, &plain, &t)[1].1;
    assert!(html.contains(
        "<p class=\"byline\">By <a href=\"https://labrecha.example/authors/ana-ribeiro/\">Ana Ribeiro</a>, \
         <a href=\"https://labrecha.example/authors/ben-okafor/\">Ben Okafor</a> and \
         <a href=\"https://labrecha.example/authors/cleo-marin/\">Cleo Marín</a></p>"
    ));
    assert!(html.contains("<time class=\"published\" datetime=\"2025-06-26T07:30:00+01:00\">June 26, 2025</time>"));
    assert!(html.contains("7 min read"));
    // "Copy link" is a plain link to the canonical URL.
    assert!(html.contains("<a href=\"https://labrecha.example/2025/06/coffee-coast/\">Copy link</a>"));
}

/// The theme's words follow the locale's strings: a German page has German
/// words (byline separators included) and none of the English ones.
#[test]
fn a_german_site_speaks_german() {
    let theme = theme();
    let t = strings_map(i18n::locale("de"));
    let html = &render_all(&theme, &plain, &t)[1].1;
    assert!(html.contains(
        "<p class=\"byline\">Von <a href=\"https://labrecha.example/authors/ana-ribeiro/\">Ana Ribeiro</a>, \
         <a href=\"https://labrecha.example/authors/ben-okafor/\">Ben Okafor</a> und \
         <a href=\"https://labrecha.example/authors/cleo-marin/\">Cleo Marín</a></p>"
    ));
    for german in ["Zum Inhalt springen", "Link kopieren", "Auf Mastodon teilen", "Ressorts"] {
        assert!(html.contains(german), "{german}");
    }
    for english in ["Skip to content", "Copy link", "Share on Mastodon", "Sections"] {
        assert!(!html.contains(english), "{english}");
    }
}

#[test]
fn text_fields_are_escaped() {
    let theme = theme();
    let t = english();
    for (name, html) in render_all(&theme, &hostile, &t) {
        assert!(!html.contains("<script>alert"), "{name}");
        assert!(!html.contains("<img src=x"), "{name}");
        assert!(
            html.contains(
                "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&#39;&amp;"
            ),
            "{name}"
        );
        assert_eq!(html.matches("<script").count(), usize::from(name == "article"), "{name}");
        assert_eq!(html.matches("<h1").count(), 1, "{name}");
    }
}

#[test]
fn json_ld_is_emitted_verbatim_and_is_the_only_script() {
    let theme = theme();
    let t = english();
    for (name, html) in render_all(&theme, &plain, &t) {
        let scripts = html.matches("<script").count();
        if name == "article" {
            assert_eq!(scripts, 1);
            assert!(html.contains(&format!("<script type=\"application/ld+json\">{JSON_LD}</script>")));
        } else {
            assert_eq!(scripts, 0, "{name}");
        }
    }
}

/// Every start tag of `html`, as the text between `<` and `>`.
fn tags(html: &str) -> impl Iterator<Item = &str> {
    html.split('<').skip(1).filter_map(|rest| rest.split_once('>').map(|(tag, _)| tag))
}

#[test]
fn no_inline_styles_event_handlers_or_unsized_images() {
    let theme = theme();
    let t = english();
    let pages = render_all(&theme, &plain, &t).into_iter().chain(render_minimal(&theme, &t));
    for (name, html) in pages {
        assert!(!html.contains("style="), "{name}");
        assert!(!html.contains("<style"), "{name}");
        assert!(!html.contains("javascript:"), "{name}");
        for tag in tags(&html) {
            for attr in tag.split_whitespace().skip(1) {
                let attr_name = attr.split_once('=').map_or("", |(attr_name, _)| attr_name);
                assert!(!attr_name.starts_with("on"), "{name}: <{tag}>");
            }
            if tag.starts_with("img ") {
                for needed in [" alt=\"", " width=\"", " height=\"", " src=\""] {
                    assert!(tag.contains(needed), "{name}: <{tag}> lacks{needed}");
                }
            }
        }
    }
}

#[test]
fn card_images_load_lazily_and_the_hero_does_not() {
    let theme = theme();
    let t = english();
    let html = &render_all(&theme, &plain, &t)[1].1;
    for tag in tags(html).filter(|tag| tag.starts_with("img ")) {
        let lazy = tag.contains("loading=\"lazy\" decoding=\"async\"");
        assert_eq!(lazy, !tag.contains("/media/coffee.jpg"), "<{tag}>");
    }
    // The avatar sits next to the author's name: its alt is empty so the
    // name is not announced twice.
    assert!(html.contains("<img src=\"/media/avatar.jpg\" alt=\"\""));
}

#[test]
fn head_metadata() {
    let theme = theme();
    let t = english();
    let pages = render_all(&theme, &plain, &t);
    let article = &pages[1].1;
    for needed in [
        "<html lang=\"en\">",
        "<meta charset=\"utf-8\">",
        "<meta name=\"viewport\"",
        "<title>The cooperatives of the coffee coast — La Brecha</title>",
        "<link rel=\"canonical\" href=\"https://labrecha.example/2025/06/coffee-coast/\">",
        "<link rel=\"alternate\" hreflang=\"en\" href=\"https://labrecha.example/2025/06/coffee-coast/\">",
        "<link rel=\"alternate\" hreflang=\"es\" href=\"https://labrecha.example/es/2025/06/costa-del-cafe/\">",
        "<link rel=\"alternate\" hreflang=\"x-default\" href=\"https://labrecha.example/2025/06/coffee-coast/\">",
        "<link rel=\"stylesheet\" href=\"/assets/style.0123456789.css\">",
        "<meta property=\"og:type\" content=\"article\">",
        "<meta property=\"og:url\" content=\"https://labrecha.example/2025/06/coffee-coast/\">",
        "<meta property=\"og:image\" content=\"https://labrecha.example/media/coffee.jpg\">",
        "<meta property=\"og:image:alt\"",
        "<meta property=\"og:site_name\" content=\"La Brecha\">",
        "<meta property=\"og:locale\" content=\"en\">",
        "<meta name=\"twitter:card\" content=\"summary_large_image\">",
        "<meta property=\"article:published_time\" content=\"2025-06-26T07:30:00+01:00\">",
        "<meta property=\"article:modified_time\"",
        "<meta property=\"article:section\" content=\"Labor\">",
        "<meta property=\"article:tag\" content=\"Unions\">",
        "<a class=\"skip\" href=\"#content\">Skip to content</a>",
        "<main id=\"content\">",
    ] {
        assert!(article.contains(needed), "{needed}");
    }
    assert_eq!(article.matches("hreflang=\"x-default\"").count(), 1);
    let list = &pages[2].1;
    assert!(list.contains("<link rel=\"prev\" href=\"https://labrecha.example/authors/ana-ribeiro/\">"));
    assert!(list.contains("<link rel=\"next\" href=\"https://labrecha.example/authors/ana-ribeiro/page/3/\">"));
    assert!(list.contains("rel=\"prev\">Previous page</a>"));
    assert!(list.contains("<span>Page 2 of 3</span>"));
    for (name, html) in &pages {
        assert_eq!(
            html.contains("<meta name=\"robots\" content=\"noindex\">"),
            matches!(*name, "not_found" | "mastodon_share"),
            "{name}"
        );
        assert_eq!(
            html.contains("<link rel=\"canonical\""),
            !matches!(*name, "not_found" | "mastodon_share"),
            "{name}"
        );
        assert!(!html.contains(" dir=\""), "{name}: English is left to right");
        if *name != "article" {
            assert!(!html.contains("hreflang"), "{name}");
            assert!(html.contains("<meta name=\"twitter:card\" content=\"summary\">"), "{name}");
        }
    }
    // The home page's masthead is its h1; elsewhere it is a paragraph.
    assert!(pages[0].1.contains("<h1 class=\"masthead\">"));
    assert!(pages[1].1.contains("<p class=\"masthead\"><a href=\"https://labrecha.example/\">La Brecha</a></p>"));
}

#[test]
fn feed_links_in_the_head() {
    let theme = theme();
    let t = english();
    let site = site(&plain);
    let feeds = vec![
        FeedLinkView {
            media_type: "application/rss+xml",
            title: "RSS feed: Labor \"&\" <b>".to_owned(),
            url: "https://labrecha.example/section/labor/feed/".to_owned(),
        },
        FeedLinkView {
            media_type: "application/feed+json",
            title: "JSON Feed: Labor".to_owned(),
            url: "https://labrecha.example/section/labor/feed/feed.json".to_owned(),
        },
    ];
    let html = render(&theme, Template::List, &site, MetaView { feeds, ..list_meta(&plain) }, &t, section_list(&plain));
    let head = &html[..html.find("</head>").expect("head")];
    assert!(head.contains(
        "<link rel=\"alternate\" type=\"application/rss+xml\" title=\"RSS feed: Labor &quot;&amp;&quot; &lt;b&gt;\" \
         href=\"https://labrecha.example/section/labor/feed/\">"
    ), "{head}");
    assert!(
        head.contains(
            "<link rel=\"alternate\" type=\"application/feed+json\" title=\"JSON Feed: Labor\" \
         href=\"https://labrecha.example/section/labor/feed/feed.json\">"
        ),
        "{head}"
    );
    let without = render(&theme, Template::List, &site, list_meta(&plain), &t, section_list(&plain));
    assert!(!without.contains("application/rss+xml"));
}

/// Text outside tags, with entities left as they are.
fn text_content(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

fn strings_of(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(items) => items.iter().for_each(|v| strings_of(v, out)),
        serde_json::Value::Object(map) => map.values().for_each(|v| strings_of(v, out)),
        _ => {}
    }
}

/// With every locale string replaced by a marker, no letter may remain on a
/// page once the view's own data is taken away: every word the theme prints
/// comes from `t`.
#[test]
fn every_word_comes_from_the_locale() {
    let theme = theme();
    let t: BTreeMap<String, String> = english().into_keys().map(|key| (key.clone(), format!("⟦{key}⟧"))).collect();
    let s: Text = &plain;
    let site = site(s);
    let pages: Vec<(&str, String, serde_json::Value)> = {
        let mut pages = Vec::new();
        let mut add = |name, template, meta: MetaView, page: serde_json::Value| {
            let view = PageView { site: &site, meta, t: &t, page };
            let html = theme.render(template, &view).expect("renders");
            pages.push((name, html, serde_json::to_value(&view).expect("serializes")));
        };
        add("home", Template::Home, meta(s, "La Brecha", "/", "website"), json(home(s)));
        add("article", Template::Article, article_meta(s), json(article(s)));
        add("author_list", Template::List, list_meta(s), json(author_list(s)));
        add("section_list", Template::List, list_meta(s), json(section_list(s)));
        add("mastodon_share", Template::MastodonShare, share_meta(s), json(mastodon_share(s, true)));
        add("not_found", Template::NotFound, meta(s, "Not found", "/x", "website"), serde_json::Value::Null);
        pages
    };
    for (name, html, view) in pages {
        let mut data = Vec::new();
        strings_of(&view, &mut data);
        // The text of every data string, as printed (escaped) or, for the
        // `_html` fields, as it reads once tags are gone; longest first so
        // that no short piece breaks up a longer one.
        let mut pieces: Vec<String> = data
            .iter()
            .flat_map(|item| [escape(item), text_content(item)])
            .flat_map(|form| form.split("  ").map(|p| p.trim().to_owned()).collect::<Vec<_>>())
            .filter(|p| !p.is_empty())
            .collect();
        pieces.sort_by_key(|p| std::cmp::Reverse(p.len()));
        let mut rest = text_content(&html);
        for piece in &pieces {
            rest = rest.replace(piece.as_str(), " ");
        }
        // Labels read out by screen readers come from the locale (or name
        // a piece of data, like an author's social links).
        for label in html.split(" aria-label=\"").skip(1).filter_map(|rest| rest.split_once('"')) {
            let label = label.0;
            let is_marker = label.starts_with('⟦') && label.ends_with('⟧');
            let from_data = data.iter().any(|d| escape(d) == label || d.contains(&format!("aria-label=\"{label}\"")));
            assert!(is_marker || from_data, "{name}: aria-label {label:?}");
        }
        // The markers themselves, then entities and punctuation may stay.
        let rest: String = rest.split('⟦').map(|part| part.split_once('⟧').map_or(part, |(_, after)| after)).collect();
        let letters: String = rest.chars().filter(|c| c.is_alphabetic()).collect();
        let letters = letters.replace("amp", "").replace("quot", "").replace("lt", "").replace("gt", "");
        assert!(letters.is_empty(), "{name}: hard-coded text {letters:?} in {rest:?}");
    }
}

fn json<T: serde::Serialize>(value: T) -> serde_json::Value {
    serde_json::to_value(value).expect("serializes")
}

/// Compressed as the web layer's page cache does it.
fn brotli(bytes: &[u8]) -> usize {
    let params = brotli::enc::BrotliEncoderParams { quality: 10, lgwin: 22, ..Default::default() };
    let mut out = Vec::new();
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).expect("in memory");
    out.len()
}

fn gzip(bytes: &[u8]) -> usize {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).expect("in memory");
    encoder.finish().expect("in memory").len()
}

/// Common words for a pseudo-random article body …
const WORDS: &str = "the of and to in a is that for it as was with be by on not he this are or his from at which but have an they you were her she there been one all we their has would when if so no will more out up into do any your what some can them other than then now only its time could these two may first new very my also after most made over did such our where even back years through much before must still well should because each just those people how too little state good very make world still own see men work long here get both between life being under never day same another know while last might great since against come right states three take himself few house use during without again place around however home small found thought went say part once general high upon school every does got united left number course war until always away something fact though water less public put think almost hand enough far took head yet government system better set told nothing night end why called didn find going look asked later point knew city next program business give group toward young days let room president side social given present several order national possible rather second face per among form important often things looked early white case become large big need four within felt along children saw best church ever least power development light thing seemed family interest want members mind country area others done turned although open problem sense began help certain brought";

/// … and syllables for the rarer words, names and places of real prose.
const SYLLABLES: &str = "ba be bi bo bu ca co cu da de di do du fa fe fi fo ga ge go la le li lo lu ma me mi mo mu na ne ni no nu pa pe pi po pu ra re ri ro ru sa se si so su ta te ti to tu va ve vi vo al el il ol an en in on ar er or as es is os ent ion ter";

/// Pseudo-random prose. Seven in ten words are common ones, the rest made
/// of 2–4 random syllables (the rarer words, names and places): calibrated
/// to compress slightly worse than real English (≈2.8 bytes per word
/// gzipped, against 2.74 for the demo long read).
struct Prose {
    state: u64,
    common: Vec<&'static str>,
    syllables: Vec<&'static str>,
}

impl Prose {
    fn new() -> Self {
        Self {
            state: 0x2545_f491_4f6c_dd1d,
            common: WORDS.split_whitespace().collect(),
            syllables: SYLLABLES.split_whitespace().collect(),
        }
    }

    fn next(&mut self, n: usize) -> usize {
        self.state ^= self.state << 13;
        self.state ^= self.state >> 7;
        self.state ^= self.state << 17;
        (self.state % n as u64) as usize
    }

    fn word(&mut self, out: &mut String) {
        if self.next(100) < 28 {
            for _ in 0..2 + self.next(3) {
                let pick = self.next(self.syllables.len());
                out.push_str(self.syllables[pick]);
            }
        } else {
            let pick = self.next(self.common.len());
            out.push_str(self.common[pick]);
        }
    }

    fn sentence(&mut self, words: usize) -> String {
        let mut out = String::new();
        for index in 0..words {
            if index > 0 {
                out.push(' ');
            }
            self.word(&mut out);
        }
        out
    }

    /// Markdown of `words` words in paragraphs of 60 and sections of 200,
    /// with three footnotes — the shape of the demo long reads.
    fn article(&mut self, words: usize) -> String {
        let mut out = String::new();
        for index in 0..words {
            if index % 200 == 0 && index > 0 {
                out.push_str(&format!(".\n\n# Part {}\n\n", index / 200));
            } else if index % 60 == 0 && index > 0 {
                out.push_str(".\n\n");
            } else if index > 0 {
                out.push_str(if self.next(14) == 0 { ". " } else { " " });
            }
            self.word(&mut out);
            if index % 400 == 399 {
                out.push_str(&format!("[^{index}]"));
            }
        }
        out.push_str(".\n\n[^399]: A note on sources.\n\n[^799]: Another note.\n\n[^1199]: A last note.\n");
        out
    }

    /// A content-addressed media URL, as the web layer makes them.
    fn media_url(&mut self) -> String {
        // The importer's and the uploader's keys: 64-bit xxh3, in hex.
        let hash: String = (0..16).map(|_| char::from(b"0123456789abcdef"[self.next(16)])).collect();
        format!("/media/{hash}.jpg")
    }

    /// A card as the web layer builds one: its own headline (8 words),
    /// standfirst (25 words) and image, relative links.
    fn card(&mut self, n: usize) -> CardView {
        let headline = self.sentence(8);
        let authors = authors(&plain, n % 2 + 1)
            .into_iter()
            .map(|a| LinkView { url: a.url.replace(BASE, "").replace("/authors/", "/author/"), ..a })
            .collect();
        CardView {
            url: format!("/{}/", headline.replace(' ', "-")),
            standfirst: self.sentence(25),
            image: Some({
                let url = self.media_url();
                ImageView {
                    srcset: srcset_for(&url, 1200, &[640]),
                    url,
                    alt: self.sentence(9),
                    ..image(&plain, "x", "x", None)
                }
            }),
            headline,
            authors,
            section: LinkView { name: "Labor".to_owned(), url: "/section/labor/".to_owned() },
            ..card(&plain, n)
        }
    }
}

#[test]
fn stylesheet_is_fingerprinted_and_small() {
    let theme = theme();
    let css = theme.stylesheet();
    let hex = format!("{:016x}", xxhash_rust::xxh3::xxh3_64(css));
    assert_eq!(theme.css_url(), format!("/assets/style.{}.css", &hex[..10]));
    let gz = gzip(css);
    assert!(gz <= 2_000, "style.css is {gz} bytes gzipped; the budget is 2,000");
}

/// A 1,400-word article page, with four cards "more from" its section and
/// four "most recent" (the publication defaults), and the stylesheet stay
/// under 8 KB compressed — as served, with brotli. (With gzip the same page
/// is about 1,200 bytes bigger: the body text alone is 4.3 KB gzipped.)
/// The theme's share of the budget, from views built here; the page the
/// router really serves is measured in `prensa-web/tests/page_weight.rs`.
#[test]
fn article_page_fits_the_budget() {
    let theme = theme();
    let t = english();
    let mut prose = Prose::new();
    let hero_url = prose.media_url();
    let rendered = markdown::render(
        // With six headings of two words and three footnotes: 1,400 in all.
        &prose.article(1_379),
        &markdown::Options { toc: true, heading_offset: 1, ..markdown::Options::default() },
    );
    assert_eq!(rendered.words, 1_400);
    let s: Text = &plain;
    let site = SiteView { css_url: theme.css_url().to_owned(), ..site(s) };
    // Shaped like what the web layer builds: relative links, hashed media
    // URLs, percent-encoded share links, one hreflang, real bios.
    let canonical = "https://labrecha.example/the-cooperatives-of-the-coffee-coast/";
    let encoded = "https%3A%2F%2Flabrecha.example%2Fthe-cooperatives-of-the-coffee-coast%2F";
    let headline = "The%20cooperatives%20of%20the%20coffee%20coast";
    let relative = |links: Vec<LinkView>| -> Vec<LinkView> {
        links
            .into_iter()
            .map(|l| LinkView { url: l.url.replace(BASE, "").replace("/authors/", "/author/"), ..l })
            .collect()
    };
    let mut boxes = Vec::new();
    for (name, slug) in [("Ana Ribeiro", "ana-ribeiro"), ("Ben Okafor", "ben-okafor")] {
        boxes.push(AuthorBoxView {
            url: format!("/author/{slug}/"),
            avatar: Some(ImageView {
                url: prose.media_url(),
                width: 256,
                height: 256,
                srcset: String::new(),
                alt: name.to_owned(),
                caption: None,
            }),
            bio_html: format!("<p>{}</p>\n", prose.sentence(30)),
            ..author_box(s, name, "", false)
        });
    }
    let page = PageView {
        site: &site,
        meta: MetaView {
            canonical: canonical.to_owned(),
            json_ld: Some(FULL_JSON_LD.to_owned()),
            alternates: vec![AlternateView { lang: "en".to_owned(), url: canonical.to_owned() }],
            ..article_meta(s)
        },
        t: &t,
        page: ArticleView {
            authors: relative(authors(s, 2)),
            tags: relative(article(s).tags),
            image: Some(ImageView {
                srcset: srcset_for(&hero_url, 1200, &[640, 1024, 1600]),
                url: hero_url,
                ..image(
                    s,
                    "x",
                    "Coffee pickers on a steep hillside at dawn",
                    Some("Pickers start before sunrise. Photo: Marta Quispe"),
                )
            }),
            body_html: rendered.html,
            figures_css: None,
            toc_html: Some(markdown::toc_html(&rendered.toc)),
            share: ShareView {
                facebook: format!("https://www.facebook.com/sharer/sharer.php?u={encoded}"),
                x: format!("https://x.com/intent/post?url={encoded}&text={headline}"),
                mastodon: format!("/share/mastodon/?text={headline}%20{encoded}"),
                email: format!("mailto:?subject={headline}&body={encoded}"),
                link: canonical.to_owned(),
            },
            author_boxes: boxes,
            more_from_section: (1..5).map(|n| prose.card(n)).collect(),
            most_recent: (5..9).map(|n| prose.card(n)).collect(),
            ..article(s)
        },
    };
    let html = theme.render(Template::Article, &page).expect("renders");
    assert!(html.contains(" srcset=\"/media/"), "images offer their variants");
    // Browsers get brotli (the web layer's `CachedPage` holds both).
    let (html_br, css_br) = (brotli(html.as_bytes()), brotli(theme.stylesheet()));
    let (html_gz, css_gz) = (gzip(html.as_bytes()), gzip(theme.stylesheet()));
    assert!(
        html_br + css_br < 8 * 1024,
        "article page {html_br} + stylesheet {css_br} bytes brotli ({html_gz} + {css_gz} gzip); \
         the budget is 8 KiB"
    );
}

#[test]
fn mastodon_share_form() {
    let theme = theme();
    let t = english();
    let pages = render_all(&theme, &plain, &t);
    let (name, html) = &pages[5];
    assert_eq!(*name, "mastodon_share");
    for needed in [
        "<h1>Share on Mastodon</h1>",
        // Posted back to the site, which sends the reader on (CSP
        // `form-action 'self'`).
        "<form method=\"post\" action=\"/share/mastodon/\" class=\"share-form\">",
        "<input type=\"hidden\" name=\"text\" value=\"The cooperatives of the coffee coast https://labrecha.example/2025/06/coffee-coast/\">",
        "<label for=\"instance\">Your Mastodon server</label>",
        "<p id=\"instance-error\" class=\"error\">That does not look like the name of a server.</p>",
        "aria-describedby=\"instance-hint instance-error\" aria-invalid=\"true\">",
        "<button>Continue to your server</button>",
    ] {
        assert!(html.contains(needed), "{needed}\n{html}");
    }
    let minimal = render_minimal(&theme, &t);
    let (_, fresh) = &minimal[4];
    assert!(!fresh.contains("instance-error"));
    assert!(!fresh.contains("aria-invalid"));
    assert!(fresh.contains("aria-describedby=\"instance-hint\">"));
}

#[test]
fn mastodon_share_confirmation_names_the_server_and_escapes_everything() {
    let theme = theme();
    let t = english();
    let s: Text = &hostile;
    let confirm = MastodonConfirmView {
        question: s("question"),
        continue_label: s("continue"),
        share_url: "https://mastodon.example/share?text=a%20b&x=1".into(),
        back_url: "/share/mastodon/?text=a%20b".into(),
    };
    let page = MastodonShareView { text: s("text"), error: false, confirm: Some(confirm) };
    let html = render(&theme, Template::MastodonShare, &site(s), share_meta(s), &t, page);
    assert!(!html.contains("<form"), "the confirmation has no form");
    assert!(!html.contains(HOSTILE), "hostile text escaped");
    let escaped = "&lt;script&gt;alert(1)&lt;/script&gt;";
    assert!(html.contains(&format!("<p>{escaped}")), "{html}");
    assert!(html.contains(&format!("<blockquote><p>{escaped}")), "{html}");
    assert!(html.contains("<a href=\"https://mastodon.example/share?text=a%20b&amp;x=1\">"), "{html}");
    assert!(html.contains("<a href=\"/share/mastodon/?text=a%20b\">Use another server</a>"), "{html}");
    assert!(!html.contains("http-equiv"), "no refresh in the page: the web layer decides");
}

#[test]
fn theme_can_be_shared_between_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<Theme>();
}

#[test]
fn strings_map_has_every_key_of_the_locale() {
    let en = i18n::locale("en");
    let map = strings_map(en);
    assert!(map.len() > 40);
    for (key, value) in &map {
        assert_eq!(value, en.t(key));
    }
    assert_eq!(map.get("most_recent").map(String::as_str), Some("Most recent"));
    assert_eq!(map.get("pagination").map(String::as_str), Some("Pagination"));
    // Other locales get the same keys (falling back to English).
    assert_eq!(strings_map(i18n::locale("xx-unknown")).len(), map.len());
}

#[test]
fn optional_parts_disappear_cleanly() {
    let theme = theme();
    let t = english();
    for (name, html) in render_minimal(&theme, &t) {
        for absent in [
            "none",
            "<figure class=\"hero\"",
            "class=\"byline\"",
            "<ul class=\"social\"",
            "class=\"pager\"",
            "class=\"tagline\"",
            "<ul>\n</ul>",
            "class=\"kicker\"></p>",
        ] {
            assert!(!html.contains(absent), "{name}: {absent}\n{html}");
        }
        assert!(!html.contains("By  ·") && !html.contains("By ·"), "{name}");
        // Without sections the navigation still offers search.
        assert!(
            html.contains("<nav aria-label=\"Sections\"><ul>\n<li><a href=\"/search/\">Search</a></li>\n</ul></nav>"),
            "{name}\n{html}"
        );
    }
}

#[test]
fn custom_fields_and_social_overrides_are_escaped_and_fall_back() {
    let theme = theme();
    let t = english();
    let s: Text = &plain;
    let evil = "\"><script>alert(1)</script>";
    // Without overrides: OpenGraph repeats the title and description, and
    // no field list is written.
    let meta = article_meta(s);
    let html = render(&theme, Template::Article, &site(s), meta.clone(), &t, article(s)).replace("&#x2f;", "/");
    assert!(html.contains(&format!(r#"<meta property="og:title" content="{}">"#, meta.title)), "{html}");
    assert!(html.contains(&format!(r#"<meta property="og:description" content="{}">"#, meta.description)));
    assert!(!html.contains("<dl class=\"fields\">"));
    // With them, everything escaped.
    let field = |label: &str, kind: &'static str, value: &str, url: Option<&str>, date: Option<&str>| CustomFieldView {
        label: label.into(),
        kind,
        value: value.into(),
        url: url.map(Into::into),
        date_iso: date.map(Into::into),
    };
    let article = ArticleView {
        custom_fields: vec![
            field(evil, "text", evil, None, None),
            field("Source", "url", "https://x.example/?a=1&b=2", Some("https://x.example/?a=1&b=2"), None),
            field("First published", "date", "7 December 2026", None, Some("2026-12-07")),
        ],
        ..article(s)
    };
    let meta =
        MetaView { og_title: Some(evil.into()), og_description: Some("Social 'text'".into()), ..article_meta(s) };
    let html = render(&theme, Template::Article, &site(s), meta, &t, article).replace("&#x2f;", "/");
    assert!(!html.contains("<script>alert"), "{html}");
    assert!(
        html.contains(r#"<meta property="og:title" content="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">"#),
        "{html}"
    );
    assert!(html.contains(r#"<meta property="og:description" content="Social &#39;text&#39;">"#), "{html}");
    assert!(html.contains("<dt>&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;</dt><dd>&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;</dd>"));
    assert!(html.contains(r#"<dt>Source</dt><dd><a href="https://x.example/?a=1&amp;b=2" rel="nofollow">https://x.example/?a=1&amp;b=2</a></dd>"#), "{html}");
    assert!(html.contains(r#"<dt>First published</dt><dd><time datetime="2026-12-07">7 December 2026</time></dd>"#));
    // Under the date line, before the text.
    assert!(html.find("<dl class=\"fields\">") < html.find("<div class=\"body\">"));
}

/// Issue 14: a lead without an image gets the text-only layout (not an
/// empty picture column), featured pins follow it, and a logo replaces the
/// publication's name in the header with the name as its alt text.
#[test]
fn text_only_lead_featured_cards_and_the_logo() {
    let theme = theme();
    let t = english();
    let s: Text = &plain;
    let m = || meta(s, "La Brecha", "/", "website");
    let with_image = render(&theme, Template::Home, &site(s), m(), &t, home(s));
    assert!(with_image.contains("<div class=\"lead\">"), "{with_image}");
    assert!(with_image.contains("<div class=\"featured\">\n<div class=\"cards\">"), "{with_image}");
    assert!(with_image.contains("<link rel=\"icon\" href=\"/favicon.ico\">"), "{with_image}");
    // Card 2 has no image.
    let text_only = HomeView { lead: Some(card(s, 2)), featured: Vec::new(), ..home(s) };
    let html = render(&theme, Template::Home, &site(s), m(), &t, text_only);
    assert!(html.contains("<div class=\"lead text-only\">"), "{html}");
    assert!(!html.contains("class=\"featured\""), "no featured block without featured pins");

    let branded = SiteView { logo: Some(image(s, "logo", "not this alt", None)), ..site(s) };
    for (template, tag) in [(Template::Home, "h1"), (Template::NotFound, "p")] {
        let html = match template {
            Template::Home => render(&theme, template, &branded, m(), &t, home(s)),
            _ => render(&theme, template, &branded, m(), &t, ()),
        };
        let want = format!(
            "<{tag} class=\"masthead\"><a href=\"https://labrecha.example/\"><img src=\"/media/logo.jpg\" alt=\"La Brecha\" width=\"1200\" height=\"800\"></a></{tag}>"
        );
        assert!(html.replace("&#x2f;", "/").contains(&want), "{template:?}: {html}");
    }
}
