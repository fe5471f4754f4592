//! Feeds: one [`FeedView`] written as RSS 2.0, Atom 1.0 or JSON Feed 1.1.
//!
//! Like the theme, this takes plain values the web layer has already
//! prepared (absolute URLs, dates in the article's own offset, bodies
//! rendered, sanitized and with absolute links by
//! [`crate::markdown::absolute_links`]) and only writes them out.
//!
//! The XML is written by hand, with [`escape_xml_into`] for every piece of
//! text and every attribute value: the two formats are a few fixed
//! elements, element and attribute names are constants here (never data),
//! and what the data needs — escaping `&<>"'` and dropping the characters
//! XML 1.0 forbids (C0 controls, U+FFFE, U+FFFF), which would make a whole
//! feed unreadable — is more than quick-xml's writer does (it escapes but
//! passes forbidden characters through), so a crate would add a dependency
//! to `prensa-render` and still need this function. Text is escaped, never
//! put in CDATA, so a `]]>` in a headline is just text. JSON Feed is
//! serde_json's.

use chrono::{DateTime, FixedOffset, SecondsFormat};
use serde::Serialize;

/// The three formats, each at its own URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FeedFormat {
    Rss,
    Atom,
    Json,
}

impl FeedFormat {
    pub const ALL: [FeedFormat; 3] = [FeedFormat::Rss, FeedFormat::Atom, FeedFormat::Json];

    /// The `Content-Type` the feed is served with.
    pub fn content_type(self) -> &'static str {
        match self {
            FeedFormat::Rss => "application/rss+xml; charset=utf-8",
            FeedFormat::Atom => "application/atom+xml; charset=utf-8",
            FeedFormat::Json => "application/feed+json; charset=utf-8",
        }
    }

    /// The media type a page's `<link rel="alternate" type="…">` names.
    pub fn media_type(self) -> &'static str {
        match self {
            FeedFormat::Rss => "application/rss+xml",
            FeedFormat::Atom => "application/atom+xml",
            FeedFormat::Json => "application/feed+json",
        }
    }

    /// What follows `…/feed/` in the feed's URL: nothing for RSS (the
    /// directory itself), `atom.xml`, `feed.json`.
    pub fn file(self) -> &'static str {
        match self {
            FeedFormat::Rss => "",
            FeedFormat::Atom => "atom.xml",
            FeedFormat::Json => "feed.json",
        }
    }

    /// The format served at `…/feed/{file}`.
    pub fn from_file(file: &str) -> Option<FeedFormat> {
        FeedFormat::ALL.into_iter().find(|f| f.file() == file)
    }

    /// The locale message naming a feed of this format (`feed_rss` …).
    pub fn message(self) -> &'static str {
        match self {
            FeedFormat::Rss => "feed_rss",
            FeedFormat::Atom => "feed_atom",
            FeedFormat::Json => "feed_json",
        }
    }
}

/// A feed, whatever its format. Every URL is absolute; every string is
/// plain text except `content_html`.
#[derive(Debug, Clone)]
pub struct FeedView {
    pub title: String,
    /// The publication's tagline, or the list's description.
    pub description: String,
    /// BCP 47.
    pub language: String,
    /// The HTML page the feed follows (home, section, author, tag page).
    pub page_url: String,
    /// This feed's own URL, in this format.
    pub self_url: String,
    /// The newest item's change (its update, else its publication); `None`
    /// for a feed with no items.
    pub updated: Option<DateTime<FixedOffset>>,
    /// `Prensa`, and its version.
    pub generator: &'static str,
    pub generator_version: &'static str,
    pub items: Vec<FeedItem>,
}

/// One article in a feed.
#[derive(Debug, Clone)]
pub struct FeedItem {
    /// The article's canonical URL, also its id.
    pub url: String,
    pub title: String,
    /// The standfirst, plain text.
    pub summary: String,
    /// The body: sanitized HTML with absolute links; `None` when the
    /// publication's feeds carry summaries only.
    pub content_html: Option<String>,
    pub published: DateTime<FixedOffset>,
    /// Equal to `published` when the article was never updated.
    pub updated: DateTime<FixedOffset>,
    pub authors: Vec<FeedPerson>,
    /// The section first, then the tags.
    pub categories: Vec<FeedCategory>,
    pub image: Option<FeedImage>,
}

#[derive(Debug, Clone)]
pub struct FeedPerson {
    pub name: String,
    pub url: String,
}

#[derive(Debug, Clone)]
pub struct FeedCategory {
    pub name: String,
    /// The section's or tag's page.
    pub url: String,
}

/// The hero image, as an enclosure.
#[derive(Debug, Clone)]
pub struct FeedImage {
    pub url: String,
    pub media_type: String,
    pub bytes: u64,
    pub width: u32,
    pub height: u32,
    pub alt: String,
}

/// Writes `feed` in `format`.
pub fn render(format: FeedFormat, feed: &FeedView) -> String {
    match format {
        FeedFormat::Rss => rss(feed),
        FeedFormat::Atom => atom(feed),
        FeedFormat::Json => json(feed),
    }
}

/// RFC 3339 with the date's own offset (`Z` for UTC).
fn rfc3339(at: &DateTime<FixedOffset>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Appends `text` escaped for XML text or a quoted attribute value, with
/// the characters XML 1.0 does not allow left out.
pub fn escape_xml_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
}

/// `text` escaped for XML (see [`escape_xml_into`]).
pub fn escape_xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    escape_xml_into(&mut out, text);
    out
}

/// A tiny XML writer: names are this module's constants, values escaped.
struct Xml {
    out: String,
}

impl Xml {
    fn new(capacity: usize) -> Xml {
        let mut out = String::with_capacity(capacity);
        out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
        Xml { out }
    }

    fn tag(&mut self, name: &'static str, attrs: &[(&'static str, &str)]) {
        self.out.push('<');
        self.out.push_str(name);
        for (key, value) in attrs {
            self.out.push(' ');
            self.out.push_str(key);
            self.out.push_str("=\"");
            escape_xml_into(&mut self.out, value);
            self.out.push('"');
        }
    }

    fn open(&mut self, name: &'static str, attrs: &[(&'static str, &str)]) {
        self.tag(name, attrs);
        self.out.push_str(">\n");
    }

    fn close(&mut self, name: &'static str) {
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }

    fn empty(&mut self, name: &'static str, attrs: &[(&'static str, &str)]) {
        self.tag(name, attrs);
        self.out.push_str("/>\n");
    }

    fn text(&mut self, name: &'static str, attrs: &[(&'static str, &str)], text: &str) {
        self.tag(name, attrs);
        self.out.push('>');
        escape_xml_into(&mut self.out, text);
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }
}

fn capacity(feed: &FeedView) -> usize {
    1024 + feed.items.iter().map(|i| 1024 + i.content_html.as_ref().map_or(0, String::len) * 5 / 4).sum::<usize>()
}

fn rss(feed: &FeedView) -> String {
    let mut x = Xml::new(capacity(feed));
    x.open(
        "rss",
        &[
            ("version", "2.0"),
            ("xmlns:atom", "http://www.w3.org/2005/Atom"),
            ("xmlns:content", "http://purl.org/rss/1.0/modules/content/"),
            ("xmlns:dc", "http://purl.org/dc/elements/1.1/"),
            ("xmlns:media", "http://search.yahoo.com/mrss/"),
        ],
    );
    x.open("channel", &[]);
    x.text("title", &[], &feed.title);
    x.text("link", &[], &feed.page_url);
    x.text("description", &[], &feed.description);
    x.text("language", &[], &feed.language);
    x.empty("atom:link", &[("href", &feed.self_url), ("rel", "self"), ("type", FeedFormat::Rss.media_type())]);
    if let Some(updated) = &feed.updated {
        x.text("lastBuildDate", &[], &updated.to_rfc2822());
    }
    x.text("generator", &[], &format!("{} {}", feed.generator, feed.generator_version));
    for item in &feed.items {
        x.open("item", &[]);
        x.text("title", &[], &item.title);
        x.text("link", &[], &item.url);
        x.text("guid", &[("isPermaLink", "true")], &item.url);
        x.text("pubDate", &[], &item.published.to_rfc2822());
        x.text("atom:updated", &[], &rfc3339(&item.updated));
        for author in &item.authors {
            x.text("dc:creator", &[], &author.name);
        }
        for category in &item.categories {
            x.text("category", &[("domain", &category.url)], &category.name);
        }
        // RSS descriptions are HTML: the plain standfirst is escaped as
        // HTML first, then as XML.
        x.text("description", &[], &crate::markdown::escape_html(&item.summary));
        if let Some(html) = &item.content_html {
            x.text("content:encoded", &[], html);
        }
        if let Some(image) = &item.image {
            x.empty(
                "enclosure",
                &[("url", &image.url), ("length", &image.bytes.to_string()), ("type", &image.media_type)],
            );
            x.tag(
                "media:content",
                &[
                    ("url", &image.url),
                    ("medium", "image"),
                    ("type", &image.media_type),
                    ("fileSize", &image.bytes.to_string()),
                    ("width", &image.width.to_string()),
                    ("height", &image.height.to_string()),
                ],
            );
            x.out.push_str(">\n");
            if !image.alt.is_empty() {
                x.text("media:description", &[("type", "plain")], &image.alt);
            }
            x.close("media:content");
        }
        x.close("item");
    }
    x.close("channel");
    x.close("rss");
    x.out
}

/// Atom requires a feed's `updated`; a feed with no items gives the epoch
/// rather than the time of rendering, so that its ETag stays put.
fn atom_updated(feed: &FeedView) -> String {
    feed.updated.as_ref().map_or_else(|| "1970-01-01T00:00:00Z".to_owned(), rfc3339)
}

fn atom(feed: &FeedView) -> String {
    let mut x = Xml::new(capacity(feed));
    x.open("feed", &[("xmlns", "http://www.w3.org/2005/Atom"), ("xml:lang", &feed.language)]);
    x.text("title", &[("type", "text")], &feed.title);
    if !feed.description.is_empty() {
        x.text("subtitle", &[("type", "text")], &feed.description);
    }
    x.text("id", &[], &feed.self_url);
    x.empty("link", &[("rel", "self"), ("type", FeedFormat::Atom.media_type()), ("href", &feed.self_url)]);
    x.empty("link", &[("rel", "alternate"), ("type", "text/html"), ("href", &feed.page_url)]);
    x.text("updated", &[], &atom_updated(feed));
    x.text("generator", &[("version", feed.generator_version)], feed.generator);
    for item in &feed.items {
        x.open("entry", &[]);
        x.text("title", &[("type", "text")], &item.title);
        x.empty("link", &[("rel", "alternate"), ("type", "text/html"), ("href", &item.url)]);
        x.text("id", &[], &item.url);
        x.text("published", &[], &rfc3339(&item.published));
        x.text("updated", &[], &rfc3339(&item.updated));
        for author in &item.authors {
            x.open("author", &[]);
            x.text("name", &[], &author.name);
            x.text("uri", &[], &author.url);
            x.close("author");
        }
        for category in &item.categories {
            x.empty("category", &[("term", &category.name), ("label", &category.name), ("scheme", &category.url)]);
        }
        x.text("summary", &[("type", "text")], &item.summary);
        if let Some(html) = &item.content_html {
            x.text("content", &[("type", "html")], html);
        }
        if let Some(image) = &item.image {
            x.empty(
                "link",
                &[
                    ("rel", "enclosure"),
                    ("type", &image.media_type),
                    ("length", &image.bytes.to_string()),
                    ("href", &image.url),
                ],
            );
        }
        x.close("entry");
    }
    x.close("feed");
    x.out
}

#[derive(Serialize)]
struct JsonFeed<'a> {
    version: &'static str,
    title: &'a str,
    home_page_url: &'a str,
    feed_url: &'a str,
    #[serde(skip_serializing_if = "is_empty")]
    description: &'a str,
    language: &'a str,
    items: Vec<JsonItem<'a>>,
}

fn is_empty(s: &&str) -> bool {
    s.is_empty()
}

#[derive(Serialize)]
struct JsonItem<'a> {
    id: &'a str,
    url: &'a str,
    title: &'a str,
    /// JSON Feed wants `content_html` or `content_text`: the body, or in a
    /// summary feed the standfirst as text.
    #[serde(skip_serializing_if = "Option::is_none")]
    content_html: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    content_text: Option<&'a str>,
    summary: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<&'a str>,
    date_published: String,
    date_modified: String,
    authors: Vec<JsonAuthor<'a>>,
    tags: Vec<&'a str>,
}

#[derive(Serialize)]
struct JsonAuthor<'a> {
    name: &'a str,
    url: &'a str,
}

fn json(feed: &FeedView) -> String {
    let doc = JsonFeed {
        version: "https://jsonfeed.org/version/1.1",
        title: &feed.title,
        home_page_url: &feed.page_url,
        feed_url: &feed.self_url,
        description: &feed.description,
        language: &feed.language,
        items: feed
            .items
            .iter()
            .map(|item| JsonItem {
                id: &item.url,
                url: &item.url,
                title: &item.title,
                content_html: item.content_html.as_deref(),
                content_text: item.content_html.is_none().then_some(item.summary.as_str()),
                summary: &item.summary,
                image: item.image.as_ref().map(|i| i.url.as_str()),
                date_published: rfc3339(&item.published),
                date_modified: rfc3339(&item.updated),
                authors: item.authors.iter().map(|a| JsonAuthor { name: &a.name, url: &a.url }).collect(),
                tags: item.categories.iter().map(|c| c.name.as_str()).collect(),
            })
            .collect(),
    };
    // Serializing plain strings into a String cannot fail.
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).expect("date")
    }

    fn feed(content: bool) -> FeedView {
        FeedView {
            title: "Labor — M & Co".into(),
            description: "Work <and> ports".into(),
            language: "de".into(),
            page_url: "https://m.example/de/section/labor/".into(),
            self_url: "https://m.example/de/section/labor/feed/".into(),
            updated: Some(at("2026-03-02T10:00:00+01:00")),
            generator: "Prensa",
            generator_version: "0.1.0",
            items: vec![FeedItem {
                url: "https://m.example/de/a/".into(),
                title: "]]> <script>alert(1)</script> \u{1}bell".into(),
                summary: "Fish & <chips>".into(),
                content_html: content.then(|| "<p>Body &amp; <a href=\"https://m.example/x\">x</a></p>".into()),
                published: at("2026-03-01T09:30:00+01:00"),
                updated: at("2026-03-02T10:00:00+01:00"),
                authors: vec![FeedPerson { name: "Ana".into(), url: "https://m.example/de/author/ana/".into() }],
                categories: vec![FeedCategory {
                    name: "Labor".into(),
                    url: "https://m.example/de/section/labor/".into(),
                }],
                image: Some(FeedImage {
                    url: "https://m.example/de/media/k.png".into(),
                    media_type: "image/png".into(),
                    bytes: 1234,
                    width: 800,
                    height: 600,
                    alt: "A \"port\"".into(),
                }),
            }],
        }
    }

    #[test]
    fn xml_escaping_drops_forbidden_characters() {
        assert_eq!(escape_xml("a&b<c>d\"e'f"), "a&amp;b&lt;c&gt;d&quot;e&apos;f");
        assert_eq!(
            escape_xml("x\u{0}\u{1}\u{8}\u{b}\u{c}\u{1f}y\t\n\r\u{FFFE}\u{FFFF}z\u{10000}"),
            "xy\t\n\rz\u{10000}"
        );
        assert_eq!(escape_xml("]]>"), "]]&gt;");
    }

    #[test]
    fn rss_has_the_required_fields_in_rfc_822() {
        let out = render(FeedFormat::Rss, &feed(true));
        assert!(out.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\""));
        assert!(out.contains("<title>Labor — M &amp; Co</title>"), "{out}");
        assert!(out.contains("<pubDate>Sun, 1 Mar 2026 09:30:00 +0100</pubDate>"), "{out}");
        assert!(out.contains("<lastBuildDate>Mon, 2 Mar 2026 10:00:00 +0100</lastBuildDate>"), "{out}");
        assert!(out.contains(
            r#"<atom:link href="https://m.example/de/section/labor/feed/" rel="self" type="application/rss+xml"/>"#
        ));
        assert!(out.contains("<title>]]&gt; &lt;script&gt;alert(1)&lt;/script&gt; bell</title>"), "{out}");
        assert!(out.contains("<description>Fish &amp;amp; &amp;lt;chips&amp;gt;</description>"), "{out}");
        assert!(out.contains("<content:encoded>&lt;p&gt;Body &amp;amp; &lt;a href="), "{out}");
        assert!(out.contains(r#"<enclosure url="https://m.example/de/media/k.png" length="1234" type="image/png"/>"#));
        assert!(out.contains("<dc:creator>Ana</dc:creator>"));
        assert!(out.contains(r#"<category domain="https://m.example/de/section/labor/">Labor</category>"#));
        assert!(!out.contains("<script") && !out.contains('\u{1}'));
        assert!(!render(FeedFormat::Rss, &feed(false)).contains("content:encoded>"));
    }

    #[test]
    fn atom_dates_keep_their_offset() {
        let out = render(FeedFormat::Atom, &feed(true));
        assert!(out.contains("<published>2026-03-01T09:30:00+01:00</published>"), "{out}");
        assert!(out.contains("<updated>2026-03-02T10:00:00+01:00</updated>"), "{out}");
        assert!(out.contains(r#"<content type="html">&lt;p&gt;"#), "{out}");
        assert!(out.contains(
            r#"<link rel="enclosure" type="image/png" length="1234" href="https://m.example/de/media/k.png"/>"#
        ));
        let empty = FeedView { items: vec![], updated: None, ..feed(true) };
        assert!(render(FeedFormat::Atom, &empty).contains("<updated>1970-01-01T00:00:00Z</updated>"));
    }

    #[test]
    fn json_feed_is_version_1_1() {
        let v: serde_json::Value = serde_json::from_str(&render(FeedFormat::Json, &feed(true))).expect("json");
        assert_eq!(v["version"], "https://jsonfeed.org/version/1.1");
        assert_eq!(v["items"][0]["date_published"], "2026-03-01T09:30:00+01:00");
        assert_eq!(v["items"][0]["image"], "https://m.example/de/media/k.png");
        assert_eq!(v["items"][0]["authors"][0]["name"], "Ana");
        assert!(v["items"][0]["content_html"].is_string() && v["items"][0].get("content_text").is_none());
        let v: serde_json::Value = serde_json::from_str(&render(FeedFormat::Json, &feed(false))).expect("json");
        assert!(v["items"][0].get("content_html").is_none());
        assert_eq!(v["items"][0]["content_text"], "Fish & <chips>");
    }

    #[test]
    fn formats_round_trip_their_file_names() {
        for f in FeedFormat::ALL {
            assert_eq!(FeedFormat::from_file(f.file()), Some(f));
            assert!(f.content_type().starts_with(f.media_type()));
        }
        assert_eq!(FeedFormat::from_file("rss.xml"), None);
    }
}
