//! The files crawlers read, per publication under its base URL (prefix
//! included): `/robots.txt`, the sitemap index `/sitemap.xml`, its parts
//! `/sitemap/pages.xml` (home, sections, authors, tags) and
//! `/sitemap/articles-YYYY-MM.xml` (the articles published in a month,
//! UTC; `…-YYYY-MM-2.xml` and on when a month needs more than one file),
//! and the Google News sitemap `/sitemap/news.xml` (the last 48 hours).
//!
//! Caching: the index and the parts go through the page cache like pages,
//! keyed by publication and path, with the surrogate key `recent`, which
//! the change feed writes for every write that shows or hides a visible
//! article or changes one (a publish, an edit of a live article, an
//! unpublish, a translation going live); a scheduled article coming due
//! purges everything, and imports and settings changes write `all`. So a
//! purge drops every part at once rather than the one month it touched —
//! the feed names articles, not months, and re-rendering a part is one
//! indexed read of that month. `robots.txt` changes only with the
//! publications (`all`). The news sitemap is *not* cached: its entries
//! leave it by the clock, 48 hours after publication, which no write
//! announces; it is one indexed read of at most 1,000 rows, compressed at
//! a fast level per request, with an ETag for conditional requests.
//!
//! A part holds at most 50,000 URLs and 50 MiB ([`sitemap::url_entry_bound`]
//! bounds an entry from the longest base URL and language tag of the
//! network and its number of publications), so a month that would exceed
//! either is split into numbered pieces, oldest articles first.

use std::sync::Arc;

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use http::header::{self, HeaderMap, HeaderValue};
use http::StatusCode;
use prensa_core::{Id, TranslationRef};
use prensa_render::sitemap::{self, NewsView, SitemapRefView, UrlView};
use prensa_render::view::AlternateView;
use prensa_store::{SitemapArticle, SitemapMonth, SitemapRange, SitemapSource};

use crate::cache::{CachedPage, Encoding, SurrogateKey};
use crate::error::AppError;
use crate::public::{etag_matches, respond_public};
use crate::route::{crawl_path, Crawl};
use crate::state::{host_and_root, AppState, Site, Sites};
use crate::views;

const XML: &str = "application/xml; charset=utf-8";
const TEXT: &str = "text/plain; charset=utf-8";
/// How long an article stays in the news sitemap (Google News's rule).
const NEWS_WINDOW_HOURS: i64 = 48;
/// What the site's crawlers may not read, under each publication's prefix.
const DISALLOW: [&str; 3] = ["/admin/", "/search/", "/preview/"];

/// A rendered crawler file: its content type, body and surrogate keys.
type Rendered = (&'static str, String, Vec<SurrogateKey>);

/// Answers a crawler file of `site` (cached but for the news sitemap).
pub(crate) async fn serve<S: SitemapSource>(
    state: &AppState<S>,
    site: &Site,
    crawl: Crawl,
    headers: &HeaderMap,
    head: bool,
) -> Response {
    if crawl == Crawl::News {
        return match news(state, site).await {
            Ok(xml) => respond_fresh(XML, xml, headers, head),
            Err(e) => e.into_response(),
        };
    }
    // `parse_crawl` accepts only the canonical spelling: the path is the key.
    let path = crawl_path(crawl);
    if let Some(hit) = state.cache.get(site.publication.id, &path) {
        state.cache.record_hit();
        let hit = state.cache.note_hit(site.publication.id, &path, hit, Encoding::requested(headers));
        return respond_public(state, &hit, headers, head);
    }
    state.cache.record_miss();
    let generation = state.cache.generation();
    let rendered = match crawl {
        Crawl::Robots => Ok(robots(&state.sites(), site)),
        Crawl::Index => index(state, site).await,
        Crawl::Pages => pages(state, site).await,
        Crawl::Articles { year, month, piece } => articles(state, site, year, month, piece).await,
        Crawl::News => Err(AppError::NotFound),
    };
    match rendered {
        Ok((content_type, body, keys)) => {
            let page = Arc::new(CachedPage::fill(
                StatusCode::OK,
                content_type,
                body.into_bytes(),
                keys,
                Encoding::requested(headers),
            ));
            state.cache.insert(generation, site.publication.id, &path, page.clone());
            respond_public(state, &page, headers, head)
        }
        Err(e) => e.into_response(),
    }
}

/// `robots.txt` is read only at the root of a host, so it speaks for every
/// publication served on the host of `site`'s base URL: each one's admin,
/// search and previews disallowed under its prefix, each one's sitemap
/// index and news sitemap named. A prefixed publication answers
/// `/de/robots.txt` with the same file (crawlers never ask for it; the
/// copy keeps one answer per host).
fn robots(sites: &Sites, site: &Site) -> Rendered {
    let (host, _) = host_and_root(&site.publication.base_url);
    let mut on_host: Vec<&Site> =
        sites.list.iter().map(|s| &**s).filter(|s| host_and_root(&s.publication.base_url).0 == host).collect();
    if on_host.is_empty() {
        on_host.push(site);
    }
    on_host.sort_by(|a, b| a.root().cmp(b.root()));
    let disallow: Vec<String> = on_host.iter().flat_map(|s| DISALLOW.map(|p| s.path(p))).collect();
    let maps: Vec<String> = on_host
        .iter()
        .flat_map(|s| [Crawl::Index, Crawl::News].map(|c| s.publication.absolute(&crawl_path(c))))
        .collect();
    (TEXT, sitemap::robots(&disallow, &maps), Vec::new())
}

/// How many URLs a piece of an articles part holds on this network.
fn per_piece(sites: &Sites, max_urls: usize, max_bytes: usize) -> usize {
    let publications = sites.list.iter().map(|s| &s.publication);
    // `/{slug}/`, slugs being at most 200 safe bytes.
    let loc = publications.clone().map(|p| sitemap::escape_xml(&p.base_url).len()).max().unwrap_or(0) + 202;
    let lang = publications.clone().map(|p| sitemap::escape_xml(&p.language).len()).max().unwrap_or(0);
    // One version per publication at most (a group has one per language).
    let alternates = if sites.list.len() > 1 { sites.list.len() } else { 0 };
    sitemap::urls_per_piece(sitemap::url_entry_bound(loc, lang, alternates), max_urls, max_bytes)
}

/// The parts of the articles' months, newest month first, each month's
/// pieces in order, with the month's lastmod.
fn article_parts(months: &[SitemapMonth], per_piece: usize) -> Vec<(Crawl, DateTime<Utc>)> {
    let mut parts = Vec::new();
    for m in months {
        for piece in 1..=sitemap::piece_count(m.articles, per_piece) {
            let piece = u32::try_from(piece).unwrap_or(u32::MAX);
            parts.push((Crawl::Articles { year: m.year, month: m.month, piece }, m.lastmod));
        }
    }
    parts
}

async fn index<S: SitemapSource>(state: &AppState<S>, site: &Site) -> Result<Rendered, AppError> {
    let p = &site.publication;
    let months = state.store.sitemap_months(p.id, Utc::now()).await?;
    let per = per_piece(&state.sites(), sitemap::MAX_URLS, sitemap::MAX_BYTES);
    let newest = months.iter().map(|m| m.lastmod).max();
    let mut parts = vec![SitemapRefView {
        loc: p.absolute(&crawl_path(Crawl::Pages)),
        lastmod: newest.as_ref().map(sitemap::w3c_datetime),
    }];
    parts.extend(article_parts(&months, per).into_iter().map(|(crawl, lastmod)| SitemapRefView {
        loc: p.absolute(&crawl_path(crawl)),
        lastmod: Some(sitemap::w3c_datetime(&lastmod)),
    }));
    Ok((XML, sitemap::index(&parts), vec![SurrogateKey::Recent]))
}

/// Home, then sections, authors and tags with visible articles, each with
/// its lastmod; home and sections with their sister publications'
/// counterparts as on the HTML pages.
async fn pages<S: SitemapSource>(state: &AppState<S>, site: &Site) -> Result<Rendered, AppError> {
    let p = &site.publication;
    let lists = state.store.sitemap_lists(p.id, Utc::now()).await?;
    let sites = state.sites();
    let others = || sites.list.iter().map(|s| &**s);
    let alternates = |path: &str, with: Vec<&Site>| {
        if with.iter().any(|o| o.publication.id != p.id) {
            views::counterpart_alternates(site, path, with)
        } else {
            Vec::new()
        }
    };
    let lastmod = |d: &DateTime<Utc>| Some(sitemap::w3c_datetime(d));
    let home_lastmod = lists.sections.iter().map(|l| l.lastmod).max();
    let mut urls = vec![UrlView {
        loc: p.absolute("/"),
        lastmod: home_lastmod.as_ref().and_then(lastmod),
        alternates: alternates("/", others().collect()),
    }];
    for s in &lists.sections {
        let path = views::section_path(&s.slug, 1);
        let sisters: Vec<&Site> = others().filter(|o| o.sections.iter().any(|x| x.slug == s.slug)).collect();
        urls.push(UrlView {
            loc: p.absolute(&path),
            lastmod: lastmod(&s.lastmod),
            alternates: alternates(&path, sisters),
        });
    }
    for a in &lists.authors {
        urls.push(UrlView {
            loc: p.absolute(&views::author_path(&a.slug, 1)),
            lastmod: lastmod(&a.lastmod),
            alternates: Vec::new(),
        });
    }
    for t in &lists.tags {
        urls.push(UrlView {
            loc: p.absolute(&views::tag_path(&t.slug, 1)),
            lastmod: lastmod(&t.lastmod),
            alternates: Vec::new(),
        });
    }
    Ok((XML, sitemap::urlset(&urls), vec![SurrogateKey::Recent]))
}

/// The first instant of a month (UTC) and of the next one.
fn month_range(year: i32, month: u32) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let start = NaiveDate::from_ymd_opt(year, month, 1)?;
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)?
    };
    Some((start.and_hms_opt(0, 0, 0)?.and_utc(), next.and_hms_opt(0, 0, 0)?.and_utc()))
}

async fn articles<S: SitemapSource>(
    state: &AppState<S>,
    site: &Site,
    year: i32,
    month: u32,
    piece: u32,
) -> Result<Rendered, AppError> {
    let (from, to) = month_range(year, month).ok_or(AppError::NotFound)?;
    let per = per_piece(&state.sites(), sitemap::MAX_URLS, sitemap::MAX_BYTES);
    let range = SitemapRange {
        from,
        to,
        offset: u64::from(piece - 1) * per as u64,
        limit: u32::try_from(per).unwrap_or(u32::MAX),
        newest_first: false,
    };
    let mut list = state.store.sitemap_articles(site.publication.id, &range, Utc::now()).await?;
    let sites = state.sites();
    for a in &mut list {
        sites.rebase(&mut a.alternates);
    }
    // A month without articles, or a piece past its last one.
    if list.is_empty() {
        return Err(AppError::NotFound);
    }
    let urls: Vec<UrlView> = list.iter().map(|a| article_url(site, a)).collect();
    Ok((XML, sitemap::urlset(&urls), vec![SurrogateKey::Recent]))
}

fn article_url(site: &Site, a: &SitemapArticle) -> UrlView {
    UrlView {
        loc: site.publication.absolute(&views::article_path(&a.slug)),
        lastmod: Some(sitemap::w3c_datetime(&sitemap::later(a.published_at, a.updated_at))),
        alternates: article_alternates(a.id, &a.alternates),
    }
}

/// An article's language versions, the `x-default` first: the group's
/// original when readers can see it, else the article itself (as the
/// article page's `hreflang` links do).
fn article_alternates(own: Id, group: &[TranslationRef]) -> Vec<AlternateView> {
    let view = |t: &TranslationRef| AlternateView {
        lang: t.language.clone(),
        url: format!("{}{}", t.base_url.trim_end_matches('/'), views::article_path(&t.slug)),
    };
    let first = group.iter().find(|t| t.original).or_else(|| group.iter().find(|t| t.article == own));
    let Some(first) = first else { return Vec::new() };
    std::iter::once(view(first)).chain(group.iter().filter(|t| t.article != first.article).map(view)).collect()
}

async fn news<S: SitemapSource>(state: &AppState<S>, site: &Site) -> Result<String, AppError> {
    let p = &site.publication;
    let now = Utc::now();
    let range = SitemapRange {
        from: now - Duration::hours(NEWS_WINDOW_HOURS),
        // Inclusive of `now`: the store also stops at `now`.
        to: now + Duration::seconds(1),
        offset: 0,
        limit: sitemap::MAX_NEWS as u32,
        newest_first: true,
    };
    let list = state.store.sitemap_articles(p.id, &range, now).await?;
    let language = sitemap::news_language(&p.language);
    let items: Vec<NewsView> = list
        .iter()
        .map(|a| NewsView {
            loc: p.absolute(&views::article_path(&a.slug)),
            publication: p.name.clone(),
            language: language.clone(),
            publication_date: sitemap::w3c_datetime(&a.published_at),
            title: a.headline.clone(),
        })
        .collect();
    Ok(sitemap::news(&items))
}

/// Serves a body made for this request: ETag and 304 as for cached pages,
/// compressed at a fast level.
fn respond_fresh(content_type: &'static str, body: String, headers: &HeaderMap, head: bool) -> Response {
    let etag = format!("W/\"{:016x}\"", xxhash_rust::xxh3::xxh3_64(body.as_bytes()));
    let etag = HeaderValue::from_str(&etag).unwrap_or_else(|_| HeaderValue::from_static("W/\"0\""));
    let builder = Response::builder()
        .header(header::VARY, HeaderValue::from_static("accept-encoding"))
        .header(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=60"))
        .header(header::ETAG, etag.clone());
    if headers.get(header::IF_NONE_MATCH).is_some_and(|v| etag_matches(v.as_bytes(), etag.as_bytes())) {
        return builder.status(StatusCode::NOT_MODIFIED).body(Body::empty()).unwrap_or_default();
    }
    let encoding = Encoding::negotiate(headers.get(header::ACCEPT_ENCODING).map(HeaderValue::as_bytes));
    let mut builder =
        builder.status(StatusCode::OK).header(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    match encoding {
        Encoding::Gzip => builder = builder.header(header::CONTENT_ENCODING, HeaderValue::from_static("gzip")),
        Encoding::Brotli => builder = builder.header(header::CONTENT_ENCODING, HeaderValue::from_static("br")),
        Encoding::Identity => {}
    }
    let body = crate::cache::compress_fast(encoding, body.into_bytes());
    if head {
        return builder.header(header::CONTENT_LENGTH, body.len()).body(Body::empty()).unwrap_or_default();
    }
    builder.body(Body::from(body)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use chrono::Datelike;

    use super::*;

    fn tref(article: Id, language: &str, original: bool) -> TranslationRef {
        TranslationRef {
            article,
            publication: article,
            language: language.into(),
            base_url: format!("https://{language}.example/"),
            slug: format!("a-{article}"),
            original,
        }
    }

    #[test]
    fn months_split_into_pieces() {
        let at = |d: &str| DateTime::parse_from_rfc3339(d).expect("date").with_timezone(&Utc);
        let months = [
            SitemapMonth { year: 2026, month: 11, articles: 7, lastmod: at("2026-11-30T10:00:00Z") },
            SitemapMonth { year: 2026, month: 10, articles: 3, lastmod: at("2026-11-02T10:00:00Z") },
        ];
        let parts: Vec<String> = article_parts(&months, 3).into_iter().map(|(c, _)| crawl_path(c)).collect();
        assert_eq!(
            parts,
            [
                "/sitemap/articles-2026-11.xml",
                "/sitemap/articles-2026-11-2.xml",
                "/sitemap/articles-2026-11-3.xml",
                "/sitemap/articles-2026-10.xml",
            ]
        );
        assert_eq!(article_parts(&months, 50_000).len(), 2);
    }

    #[test]
    fn month_ranges() {
        let (from, to) = month_range(2026, 12).expect("december");
        assert_eq!(
            (from.to_rfc3339(), to.to_rfc3339()),
            ("2026-12-01T00:00:00+00:00".into(), "2027-01-01T00:00:00+00:00".into())
        );
        assert_eq!(month_range(2026, 2).map(|(_, t)| t.day()), Some(1));
        assert!(month_range(2026, 13).is_none());
    }

    #[test]
    fn x_default_is_the_visible_original_else_the_article() {
        let group = [tref(1, "de", false), tref(2, "en", true), tref(3, "es", false)];
        let alts = article_alternates(3, &group);
        let langs: Vec<&str> = alts.iter().map(|a| a.lang.as_str()).collect();
        assert_eq!(langs, ["en", "de", "es"]);
        assert_eq!(alts[0].url, "https://en.example/a-2/");
        // The original not visible: the article itself comes first.
        let alts = article_alternates(3, &[tref(1, "de", false), tref(3, "es", false)]);
        assert_eq!(alts[0].lang, "es");
        assert_eq!(alts.len(), 2);
        assert!(article_alternates(3, &[]).is_empty());
    }
}
