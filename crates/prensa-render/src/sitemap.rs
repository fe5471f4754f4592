//! The files crawlers read: sitemaps (sitemaps.org 0.9: an index, parts
//! of page URLs with `xhtml:link` hreflang alternates, a Google News
//! sitemap) and `robots.txt`, written from plain view structs.
//!
//! Written as strings rather than through a template: the grammar is a
//! handful of fixed elements, and the size of a part must be bounded in
//! advance (sitemaps.org: at most 50,000 URLs and 52,428,800 bytes per
//! file), which [`url_entry_bound`] can only promise for output whose every
//! byte it knows. Text goes through quick-xml's escaper after the
//! characters XML 1.0 forbids are dropped ([`escape_xml`]).

use std::fmt::Write as _;

use chrono::{DateTime, FixedOffset, SecondsFormat, TimeZone};

use crate::view::AlternateView;

/// What sitemaps.org allows one file: URLs …
pub const MAX_URLS: usize = 50_000;
/// … and uncompressed bytes (50 MiB).
pub const MAX_BYTES: usize = 52_428_800;
/// Google News reads at most this many `news:news` entries per sitemap.
pub const MAX_NEWS: usize = 1_000;

const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
const XHTML_NS: &str = "http://www.w3.org/1999/xhtml";
const NEWS_NS: &str = "http://www.google.com/schemas/sitemap-news/0.9";
const XML_DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

/// An entry of the sitemap index: a part and when it last changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitemapRefView {
    pub loc: String,
    pub lastmod: Option<String>,
}

/// A page of a part: its absolute URL, when it last changed, and its
/// language versions (`hreflang`; the first is also the `x-default`, as
/// on the HTML pages), or none.
#[derive(Debug, Clone)]
pub struct UrlView {
    pub loc: String,
    pub lastmod: Option<String>,
    pub alternates: Vec<AlternateView>,
}

/// An article of the Google News sitemap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewsView {
    pub loc: String,
    pub publication: String,
    /// As Google News wants it: see [`news_language`].
    pub language: String,
    pub publication_date: String,
    pub title: String,
}

/// A W3C datetime (RFC 3339, to the second) in the offset it was written
/// with: `2026-11-05T10:00:00+01:00`, or `…Z` in UTC.
pub fn w3c_datetime<Tz: TimeZone>(dt: &DateTime<Tz>) -> String
where
    Tz::Offset: std::fmt::Display,
{
    dt.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The later of two instants, with the offset it was written in.
pub fn later(a: DateTime<FixedOffset>, b: DateTime<FixedOffset>) -> DateTime<FixedOffset> {
    if b > a {
        b
    } else {
        a
    }
}

/// `text` escaped for XML character data or a quoted attribute (`&<>"'`),
/// without the characters XML 1.0 does not allow at all (C0 controls but
/// tab, newline and carriage return; lone surrogates cannot occur in a
/// `str`; U+FFFE and U+FFFF). quick-xml escapes; it does not filter, since
/// a parser's input may be XML 1.1, so that part is ours.
pub fn escape_xml(text: &str) -> String {
    if text.chars().all(xml_char) {
        return quick_xml::escape::escape(text).into_owned();
    }
    let kept: String = text.chars().filter(|c| xml_char(*c)).collect();
    quick_xml::escape::escape(kept.as_str()).into_owned()
}

fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

/// The sitemap index: one `<sitemap>` per part.
pub fn index(parts: &[SitemapRefView]) -> String {
    let mut out = String::with_capacity(128 + parts.len() * 128);
    out.push_str(XML_DECLARATION);
    let _ = writeln!(out, "<sitemapindex xmlns=\"{SITEMAP_NS}\">");
    for part in parts {
        out.push_str("<sitemap><loc>");
        out.push_str(&escape_xml(&part.loc));
        out.push_str("</loc>");
        if let Some(lastmod) = &part.lastmod {
            out.push_str("<lastmod>");
            out.push_str(&escape_xml(lastmod));
            out.push_str("</lastmod>");
        }
        out.push_str("</sitemap>\n");
    }
    out.push_str("</sitemapindex>\n");
    out
}

/// A part: one `<url>` per page, with `xhtml:link` alternates (each
/// language version, then `x-default`: the first of them).
pub fn urlset(urls: &[UrlView]) -> String {
    let mut out = String::with_capacity(URLSET_ENVELOPE + urls.len() * 160);
    out.push_str(XML_DECLARATION);
    let _ = writeln!(out, "<urlset xmlns=\"{SITEMAP_NS}\" xmlns:xhtml=\"{XHTML_NS}\">");
    for url in urls {
        out.push_str("<url><loc>");
        out.push_str(&escape_xml(&url.loc));
        out.push_str("</loc>");
        if let Some(lastmod) = &url.lastmod {
            out.push_str("<lastmod>");
            out.push_str(&escape_xml(lastmod));
            out.push_str("</lastmod>");
        }
        let default =
            url.alternates.first().map(|a| AlternateView { lang: "x-default".to_owned(), url: a.url.clone() });
        for a in url.alternates.iter().chain(default.as_ref()) {
            out.push_str("<xhtml:link rel=\"alternate\" hreflang=\"");
            out.push_str(&escape_xml(&a.lang));
            out.push_str("\" href=\"");
            out.push_str(&escape_xml(&a.url));
            out.push_str("\"/>");
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

/// The Google News sitemap (at most [`MAX_NEWS`] of `items` are written).
pub fn news(items: &[NewsView]) -> String {
    let mut out = String::with_capacity(256 + items.len() * 400);
    out.push_str(XML_DECLARATION);
    let _ = writeln!(out, "<urlset xmlns=\"{SITEMAP_NS}\" xmlns:news=\"{NEWS_NS}\">");
    for item in items.iter().take(MAX_NEWS) {
        let _ = writeln!(
            out,
            "<url><loc>{}</loc><news:news><news:publication><news:name>{}</news:name><news:language>{}</news:language>\
             </news:publication><news:publication_date>{}</news:publication_date><news:title>{}</news:title>\
             </news:news></url>",
            escape_xml(&item.loc),
            escape_xml(&item.publication),
            escape_xml(&item.language),
            escape_xml(&item.publication_date),
            escape_xml(&item.title),
        );
    }
    out.push_str("</urlset>\n");
    out
}

/// A publication's language as Google News wants it: the ISO 639 code in
/// lower case (`de-AT` → `de`), except Chinese, which is `zh-cn`
/// (Simplified) or `zh-tw` (Traditional: `zh-Hant`, `zh-TW`, `zh-HK`,
/// `zh-MO`).
pub fn news_language(tag: &str) -> String {
    let lower = tag.to_ascii_lowercase().replace('_', "-");
    let mut parts = lower.split('-');
    let primary = parts.next().unwrap_or_default();
    if primary == "zh" {
        let traditional = parts.any(|p| matches!(p, "hant" | "tw" | "hk" | "mo"));
        return if traditional { "zh-tw" } else { "zh-cn" }.to_owned();
    }
    primary.to_owned()
}

/// `robots.txt`: every crawler may read everything but the paths in
/// `disallow`; `sitemaps` are absolute URLs. Values are single lines (a
/// line break in one would start a rule of its own), so control
/// characters and spaces are dropped.
pub fn robots(disallow: &[String], sitemaps: &[String]) -> String {
    let line = |v: &str| -> String { v.chars().filter(|c| !c.is_control() && !c.is_whitespace()).collect() };
    let mut out = String::from("User-agent: *\n");
    for path in disallow {
        let _ = writeln!(out, "Disallow: {}", line(path));
    }
    out.push('\n');
    for url in sitemaps {
        let _ = writeln!(out, "Sitemap: {}", line(url));
    }
    out
}

/// At most this many bytes of a part are not `<url>` entries (the XML
/// declaration and the `<urlset>` tags).
pub const URLSET_ENVELOPE: usize = 256;

/// The most bytes one `<url>` entry of [`urlset`] can take: its `<loc>`
/// at most `loc` bytes once escaped, its lastmod a [`w3c_datetime`], and
/// up to `alternates` language versions (plus the `x-default`), each with
/// a language tag of at most `lang` bytes and a URL of at most `loc`
/// bytes, escaped.
pub fn url_entry_bound(loc: usize, lang: usize, alternates: usize) -> usize {
    // `<url><loc></loc><lastmod></lastmod></url>\n`, and a lastmod of a
    // year up to ±99999 with an offset.
    const FIXED: usize = 42 + 32;
    // `<xhtml:link rel="alternate" hreflang="" href=""/>`
    const LINK: usize = 49;
    let links = if alternates == 0 { 0 } else { alternates + 1 };
    FIXED + loc + links * (LINK + lang.max("x-default".len()) + loc)
}

/// How many URLs one piece of a part may hold so that it stays within
/// both `max_urls` and `max_bytes`, every entry taking at most
/// `entry_bound` bytes (at least one per piece).
pub fn urls_per_piece(entry_bound: usize, max_urls: usize, max_bytes: usize) -> usize {
    let by_bytes = max_bytes.saturating_sub(URLSET_ENVELOPE) / entry_bound.max(1);
    by_bytes.min(max_urls).max(1)
}

/// How many pieces `urls` URLs take at `per_piece` a piece (none for
/// none).
pub fn piece_count(urls: u64, per_piece: usize) -> u64 {
    let per_piece = per_piece.max(1) as u64;
    urls.div_ceil(per_piece)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(loc: &str, alternates: &[(&str, &str)]) -> UrlView {
        UrlView {
            loc: loc.to_owned(),
            lastmod: Some("2026-11-05T10:00:00+01:00".to_owned()),
            alternates: alternates.iter().map(|(l, u)| AlternateView { lang: (*l).into(), url: (*u).into() }).collect(),
        }
    }

    #[test]
    fn escapes_and_drops_what_xml_forbids() {
        assert_eq!(escape_xml("a&b<c>d\"e'f"), "a&amp;b&lt;c&gt;d&quot;e&apos;f");
        assert_eq!(escape_xml("bell\u{7}tab\tform\u{c}\u{FFFE}ok"), "belltab\tformok");
        assert_eq!(escape_xml("Zürich — 東京"), "Zürich — 東京");
    }

    #[test]
    fn urlset_has_alternates_and_x_default() {
        let xml = urlset(&[
            url("https://ex.org/a/", &[("en", "https://ex.org/a/"), ("de", "https://ex.org/de/a?x=1&y=2")]),
            url("https://ex.org/b/", &[]),
        ]);
        assert!(xml.starts_with(XML_DECLARATION));
        assert!(xml.contains(r#"<xhtml:link rel="alternate" hreflang="de" href="https://ex.org/de/a?x=1&amp;y=2"/>"#));
        assert!(xml.contains(r#"<xhtml:link rel="alternate" hreflang="x-default" href="https://ex.org/a/"/></url>"#));
        assert!(xml.contains("<url><loc>https://ex.org/b/</loc><lastmod>2026-11-05T10:00:00+01:00</lastmod></url>"));
        assert_eq!(xml.matches("<url>").count(), 2);
    }

    #[test]
    fn entries_stay_within_their_bound() {
        let long = format!("https://ex.org/de/{}/", "a".repeat(200));
        let links: Vec<(&str, &str)> = vec![("en", &long), ("de-AT", &long), ("pt-BR", &long)];
        let one = urlset(&[UrlView {
            loc: long.clone(),
            lastmod: Some(w3c_datetime(&DateTime::parse_from_rfc3339("2026-11-05T10:00:00-09:30").expect("date"))),
            alternates: links.iter().map(|(l, u)| AlternateView { lang: (*l).into(), url: (*u).into() }).collect(),
        }]);
        let empty = urlset(&[]);
        assert!(empty.len() <= URLSET_ENVELOPE);
        let entry = one.len() - empty.len();
        let bound = url_entry_bound(long.len(), 5, 3);
        assert!(entry <= bound, "{entry} > {bound}");
        assert!(bound - entry < 200, "the bound is not wildly loose: {entry} vs {bound}");
        assert_eq!(url_entry_bound(30, 2, 0), 74 + 30);
    }

    #[test]
    fn parts_split_by_count_and_by_bytes() {
        // By count: a limit of 3 URLs.
        let per = urls_per_piece(100, 3, MAX_BYTES);
        assert_eq!(per, 3);
        assert_eq!(piece_count(0, per), 0);
        assert_eq!(piece_count(3, per), 1);
        assert_eq!(piece_count(4, per), 2);
        assert_eq!(piece_count(7, per), 3);
        // By bytes: entries of up to 1,000 bytes in files of 5,256 bytes.
        assert_eq!(urls_per_piece(1_000, MAX_URLS, 5_000 + URLSET_ENVELOPE), 5);
        // Never zero, even if one entry alone would not fit.
        assert_eq!(urls_per_piece(10_000, MAX_URLS, 1_000), 1);
        // The real limits: short entries are capped by count …
        assert_eq!(urls_per_piece(url_entry_bound(250, 2, 0), MAX_URLS, MAX_BYTES), MAX_URLS);
        // … and six languages of long URLs by size.
        let per = urls_per_piece(url_entry_bound(250, 5, 6), MAX_URLS, MAX_BYTES);
        assert!(per < MAX_URLS && per * url_entry_bound(250, 5, 6) + URLSET_ENVELOPE <= MAX_BYTES, "{per}");
        // 100,000 articles in a month of such entries.
        assert_eq!(piece_count(100_000, per), 100_000u64.div_ceil(per as u64));
    }

    #[test]
    fn pieces_written_at_the_split_stay_under_the_byte_limit() {
        // A small byte limit; fill pieces with the largest entries the
        // bound allows for and check each file's real size.
        let loc = format!("https://ex.org/{}/", "s".repeat(60));
        let max_bytes = 4_096;
        let bound = url_entry_bound(loc.len(), 2, 2);
        let per = urls_per_piece(bound, MAX_URLS, max_bytes);
        let urls: Vec<UrlView> = (0..per).map(|_| url(&loc, &[("en", &loc), ("de", &loc)])).collect();
        let xml = urlset(&urls);
        assert!(xml.len() <= max_bytes, "{} > {max_bytes}", xml.len());
        assert!(per >= 2);
    }

    #[test]
    fn index_and_news() {
        let xml = index(&[
            SitemapRefView { loc: "https://ex.org/sitemap/pages.xml".into(), lastmod: None },
            SitemapRefView {
                loc: "https://ex.org/sitemap/articles-2026-11.xml".into(),
                lastmod: Some("2026-11-30T10:00:00Z".into()),
            },
        ]);
        assert!(xml.contains("<sitemap><loc>https://ex.org/sitemap/pages.xml</loc></sitemap>"));
        assert!(xml.contains("<lastmod>2026-11-30T10:00:00Z</lastmod>"));
        let item = NewsView {
            loc: "https://ex.org/a/".into(),
            publication: "Fish & Chips".into(),
            language: news_language("en-GB"),
            publication_date: "2026-11-05T10:00:00+01:00".into(),
            title: "<b>Ports</b>".into(),
        };
        let xml = news(&vec![item; MAX_NEWS + 5]);
        assert_eq!(xml.matches("<news:news>").count(), MAX_NEWS);
        assert!(xml.contains("<news:name>Fish &amp; Chips</news:name><news:language>en</news:language>"));
        assert!(xml.contains("<news:title>&lt;b&gt;Ports&lt;/b&gt;</news:title>"));
    }

    #[test]
    fn news_languages() {
        for (tag, want) in [
            ("de", "de"),
            ("de-AT", "de"),
            ("PT_br", "pt"),
            ("zh", "zh-cn"),
            ("zh-Hant-TW", "zh-tw"),
            ("zh-HK", "zh-tw"),
            ("fil", "fil"),
        ] {
            assert_eq!(news_language(tag), want, "{tag}");
        }
    }

    #[test]
    fn robots_lines_cannot_be_split() {
        let txt =
            robots(&["/admin/".into(), "/de/search/".into()], &["https://ex.org/sitemap.xml\nDisallow: /".into()]);
        assert_eq!(
            txt,
            "User-agent: *\nDisallow: /admin/\nDisallow: /de/search/\n\nSitemap: https://ex.org/sitemap.xmlDisallow:/\n"
        );
    }

    #[test]
    fn datetimes() {
        let dt = DateTime::parse_from_rfc3339("2026-11-05T10:00:00+01:00").expect("date");
        assert_eq!(w3c_datetime(&dt), "2026-11-05T10:00:00+01:00");
        assert_eq!(w3c_datetime(&dt.with_timezone(&chrono::Utc)), "2026-11-05T09:00:00Z");
        let later_one = DateTime::parse_from_rfc3339("2026-11-05T09:30:00+00:00").expect("date");
        assert_eq!(later(dt, later_one), later_one);
        assert_eq!(later(later_one, dt), later_one);
    }
}
