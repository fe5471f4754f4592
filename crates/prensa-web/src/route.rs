//! Reader-facing URLs, parsed by hand: the public site has one catch-all
//! handler so that a cache hit costs a single hash lookup, and the URL
//! grammar is small enough that a parser beats a router table.

use prensa_core::slug::{is_reserved_article_slug, is_valid_slug};
use prensa_render::feed::FeedFormat;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Home,
    Article(String),
    Section(String, u32),
    Author(String, u32),
    Tag(String, u32),
    /// A feed: `/feed/` (RSS), `/feed/atom.xml`, `/feed/feed.json`, and
    /// the same under `/section/SLUG/`, `/author/SLUG/`, `/tag/SLUG/`.
    Feed(FeedOf, FeedFormat),
    /// The canonical form of a URL that was asked for another way.
    Redirect(String),
    NotFound,
}

/// Whose articles a feed lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedOf {
    Publication,
    Section(String),
    Author(String),
    Tag(String),
}

impl FeedOf {
    /// The feed of a list page (`section`, `author` or `tag` and its slug).
    pub fn list(kind: &str, slug: &str) -> Option<FeedOf> {
        if !is_valid_slug(slug) {
            return None;
        }
        match kind {
            "section" => Some(FeedOf::Section(slug.to_owned())),
            "author" => Some(FeedOf::Author(slug.to_owned())),
            "tag" => Some(FeedOf::Tag(slug.to_owned())),
            _ => None,
        }
    }
}

/// Parses a request path and query into a route.
///
/// A page route (home, article, list) comes back only for the one
/// canonical spelling of its URL, so the request path is then the page's
/// cache key: every other spelling of a real page — a missing trailing
/// slash, repeated slashes, `page/1/`, a valid `?page=N` on a list — is a
/// [`Route::Redirect`] to the canonical path, answered before anything is
/// rendered or cached. The target is built from the parsed route, never
/// copied from the request, so it is always a local path.
///
/// The query string matters only on a list's first page: a valid
/// `page=N` (exact key, a number from 1) redirects to that page's path;
/// anything else in a query (`?page=abc`, `?xpage=1`, `?utm_source=…`) is
/// ignored and the page is served as if it were absent (from the cache).
pub fn parse(path: &str, query: Option<&str>) -> Route {
    let Some(rest) = path.strip_prefix('/') else { return Route::NotFound };
    if rest.is_empty() {
        return Route::Home;
    }
    // Empty segments (repeated slashes) are skipped here; the comparison
    // with the canonical path below turns them into a redirect.
    let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let route = match segments.as_slice() {
        [] => Route::Home,
        ["feed"] => Route::Feed(FeedOf::Publication, FeedFormat::Rss),
        ["feed", file] => feed(Some(FeedOf::Publication), file),
        [kind, slug, "feed"] => feed(FeedOf::list(kind, slug), ""),
        [kind, slug, "feed", file] => feed(FeedOf::list(kind, slug), file),
        [slug] if is_valid_slug(slug) && !is_reserved_article_slug(slug) => Route::Article((*slug).to_owned()),
        [kind, slug] => list(kind, slug, 1),
        // Only the canonical spelling of a number ("2", not "02").
        [kind, slug, "page", n] => match n.parse::<u32>() {
            Ok(page) if page >= 1 && page.to_string() == *n => list(kind, slug, page),
            _ => Route::NotFound,
        },
        _ => Route::NotFound,
    };
    // `?page=N` on a list's first page is accepted and redirected to the
    // page's own path (even `?page=1`: the query form is not canonical).
    let route = match (route, query.and_then(page_from_query)) {
        (Route::NotFound, _) => return Route::NotFound,
        (Route::Section(s, 1), Some(n)) => return Route::Redirect(crate::views::section_path(&s, n)),
        (Route::Author(s, 1), Some(n)) => return Route::Redirect(crate::views::author_path(&s, n)),
        (Route::Tag(s, 1), Some(n)) => return Route::Redirect(crate::views::tag_path(&s, n)),
        (route, _) => route,
    };
    match canonical_path(&route) {
        Some(canonical) if canonical != path => Route::Redirect(canonical),
        _ => route,
    }
}

/// The one URL path of a page route (`None` for the others).
pub fn canonical_path(route: &Route) -> Option<String> {
    Some(match route {
        Route::Home => "/".to_owned(),
        Route::Article(slug) => crate::views::article_path(slug),
        Route::Section(slug, page) => crate::views::section_path(slug, *page),
        Route::Author(slug, page) => crate::views::author_path(slug, *page),
        Route::Tag(slug, page) => crate::views::tag_path(slug, *page),
        Route::Feed(of, format) => crate::views::feed_path(of, *format),
        Route::Redirect(_) | Route::NotFound => return None,
    })
}

/// The feed at `…/feed/{file}` of `of` (`""`: the RSS feed, which is the
/// directory itself).
fn feed(of: Option<FeedOf>, file: &str) -> Route {
    match (of, FeedFormat::from_file(file)) {
        (Some(of), Some(format)) => Route::Feed(of, format),
        _ => Route::NotFound,
    }
}

fn list(kind: &str, slug: &str, page: u32) -> Route {
    if !is_valid_slug(slug) {
        return Route::NotFound;
    }
    match kind {
        "section" => Route::Section(slug.to_owned(), page),
        "author" => Route::Author(slug.to_owned(), page),
        "tag" => Route::Tag(slug.to_owned(), page),
        _ => Route::NotFound,
    }
}

/// The `page` parameter of a query string, if it is a valid page number:
/// the exact key `page` (percent-decoded, as browsers send form fields),
/// ASCII digits only, from 1. Anything else is no page at all.
pub(crate) fn page_from_query(query: &str) -> Option<u32> {
    let (_, value) = form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == "page")?;
    if value.is_empty() || value.len() > 10 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    value.parse::<u32>().ok().filter(|n| *n >= 1)
}

/// The files for crawlers, each at one fixed path of a publication (under
/// its prefix): see [`crate::sitemap`]. Their paths contain dots, which no
/// slug does, so none of them can shadow a page of [`parse`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Crawl {
    /// `/robots.txt`
    Robots,
    /// `/sitemap.xml`: the sitemap index.
    Index,
    /// `/sitemap/pages.xml`: home, sections, authors, tags.
    Pages,
    /// `/sitemap/news.xml`: the Google News sitemap (last 48 hours).
    News,
    /// `/sitemap/articles-YYYY-MM.xml`, and `…-YYYY-MM-N.xml` for the
    /// month's N-th piece (N ≥ 2) when it needs more than one.
    Articles { year: i32, month: u32, piece: u32 },
}

/// The crawler file at exactly `path`, if any (only the canonical
/// spelling: `articles-2026-1.xml` or `…-01-1.xml` are nothing).
pub fn parse_crawl(path: &str) -> Option<Crawl> {
    match path {
        "/robots.txt" => return Some(Crawl::Robots),
        "/sitemap.xml" => return Some(Crawl::Index),
        "/sitemap/pages.xml" => return Some(Crawl::Pages),
        "/sitemap/news.xml" => return Some(Crawl::News),
        _ => {}
    }
    let name = path.strip_prefix("/sitemap/articles-")?.strip_suffix(".xml")?;
    let mut parts = name.split('-');
    let (year, month) = (parts.next()?, parts.next()?);
    let piece = match parts.next() {
        None => 1,
        Some(n) => n.parse::<u32>().ok().filter(|p| *p >= 2 && p.to_string() == n)?,
    };
    if parts.next().is_some() || year.len() != 4 || month.len() != 2 {
        return None;
    }
    if !year.bytes().chain(month.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (year, month) = (year.parse::<i32>().ok()?, month.parse::<u32>().ok()?);
    (1..=12).contains(&month).then_some(Crawl::Articles { year, month, piece })
}

/// The path of a crawler file (without the publication's prefix).
pub fn crawl_path(crawl: Crawl) -> String {
    match crawl {
        Crawl::Robots => "/robots.txt".to_owned(),
        Crawl::Index => "/sitemap.xml".to_owned(),
        Crawl::Pages => "/sitemap/pages.xml".to_owned(),
        Crawl::News => "/sitemap/news.xml".to_owned(),
        Crawl::Articles { year, month, piece: 1 } => format!("/sitemap/articles-{year:04}-{month:02}.xml"),
        Crawl::Articles { year, month, piece } => format!("/sitemap/articles-{year:04}-{month:02}-{piece}.xml"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(path: &str) -> Route {
        parse(path, None)
    }

    #[test]
    fn canonical_urls() {
        assert_eq!(r("/"), Route::Home);
        assert_eq!(r("/the-harbour/"), Route::Article("the-harbour".into()));
        assert_eq!(r("/section/labor/"), Route::Section("labor".into(), 1));
        assert_eq!(r("/author/ana/page/2/"), Route::Author("ana".into(), 2));
        assert_eq!(r("/tag/ports/page/3/"), Route::Tag("ports".into(), 3));
    }

    #[test]
    fn feeds() {
        use FeedFormat::{Atom, Json, Rss};
        assert_eq!(r("/feed/"), Route::Feed(FeedOf::Publication, Rss));
        assert_eq!(r("/feed/atom.xml"), Route::Feed(FeedOf::Publication, Atom));
        assert_eq!(r("/feed/feed.json"), Route::Feed(FeedOf::Publication, Json));
        assert_eq!(r("/section/latin-america/feed/"), Route::Feed(FeedOf::Section("latin-america".into()), Rss));
        assert_eq!(r("/author/ana/feed/atom.xml"), Route::Feed(FeedOf::Author("ana".into()), Atom));
        assert_eq!(r("/tag/ports/feed/feed.json"), Route::Feed(FeedOf::Tag("ports".into()), Json));
        // Other spellings redirect to the one URL; a query changes nothing.
        assert_eq!(r("/feed"), Route::Redirect("/feed/".into()));
        assert_eq!(r("/section/labor/feed"), Route::Redirect("/section/labor/feed/".into()));
        assert_eq!(r("/feed/atom.xml/"), Route::Redirect("/feed/atom.xml".into()));
        assert_eq!(r("//feed//feed.json"), Route::Redirect("/feed/feed.json".into()));
        assert_eq!(parse("/tag/ports/feed/", Some("page=2")), Route::Feed(FeedOf::Tag("ports".into()), Rss));
        for p in [
            "/feed/rss.xml",
            "/feed/atom.xml/x",
            "/feed/feed/",
            "/section/Labor/feed/",
            "/sections/labor/feed/",
            "/section/labor/feed/index.xml",
            "/section/labor/page/2/feed/",
            "/feed/ATOM.XML",
            "/x/feed/",
        ] {
            assert_eq!(r(p), Route::NotFound, "{p}");
        }
    }

    #[test]
    fn repeated_slashes_redirect_to_the_canonical_path() {
        assert_eq!(r("/the-harbour//"), Route::Redirect("/the-harbour/".into()));
        assert_eq!(r("/the-harbour///"), Route::Redirect("/the-harbour/".into()));
        assert_eq!(r("//the-harbour/"), Route::Redirect("/the-harbour/".into()));
        assert_eq!(r("/section//labor/"), Route::Redirect("/section/labor/".into()));
        assert_eq!(r("/tag/ports/page/3//"), Route::Redirect("/tag/ports/page/3/".into()));
        assert_eq!(r("//"), Route::Redirect("/".into()));
    }

    #[test]
    fn only_lists_read_a_valid_page() {
        for junk in
            ["page=abc", "xpage=1", "page=", "page=0", "page=-1", "page=1.5", "page=99999999999", "pagex=2", "a=page=2"]
        {
            assert_eq!(parse("/section/labor/", Some(junk)), Route::Section("labor".into(), 1), "{junk}");
            assert_eq!(parse("/the-harbour/", Some(junk)), Route::Article("the-harbour".into()), "{junk}");
        }
        assert_eq!(parse("/the-harbour/", Some("page=2")), Route::Article("the-harbour".into()));
        assert_eq!(parse("/", Some("page=2")), Route::Home);
        assert_eq!(parse("/author/ana/page/3/", Some("page=2")), Route::Author("ana".into(), 3));
        assert_eq!(parse("/author/ana/", Some("pag%65=2")), Route::Redirect("/author/ana/page/2/".into()));
        assert_eq!(page_from_query("x=1&page=7&page=8"), Some(7));
    }

    #[test]
    fn other_spellings_redirect() {
        assert_eq!(r("/the-harbour"), Route::Redirect("/the-harbour/".into()));
        assert_eq!(r("/section/labor"), Route::Redirect("/section/labor/".into()));
        assert_eq!(r("/section/labor/page/1/"), Route::Redirect("/section/labor/".into()));
        assert_eq!(parse("/section/labor/", Some("page=2")), Route::Redirect("/section/labor/page/2/".into()));
        assert_eq!(parse("/tag/x/", Some("utm_source=a&page=1")), Route::Redirect("/tag/x/".into()));
        assert_eq!(parse("/section/labor/", Some("utm_source=news")), Route::Section("labor".into(), 1));
    }

    #[test]
    fn everything_else_is_not_found() {
        for p in [
            "/Upper/",
            "/a//b/",
            "/section/",
            "/section/labor/page/0/",
            "/section/labor/page/x/",
            "/section/labor/page/02/",
            "/sections/labor/",
            "/a/b/c/",
            "/../etc/passwd",
            "/wp-admin/x.php",
            "/section/Labor/",
            "no-slash",
        ] {
            assert_eq!(r(p), Route::NotFound, "{p}");
        }
    }

    #[test]
    fn crawler_files() {
        assert_eq!(parse_crawl("/robots.txt"), Some(Crawl::Robots));
        assert_eq!(parse_crawl("/sitemap.xml"), Some(Crawl::Index));
        assert_eq!(parse_crawl("/sitemap/pages.xml"), Some(Crawl::Pages));
        assert_eq!(parse_crawl("/sitemap/news.xml"), Some(Crawl::News));
        let nov = Crawl::Articles { year: 2026, month: 11, piece: 1 };
        assert_eq!(parse_crawl("/sitemap/articles-2026-11.xml"), Some(nov));
        assert_eq!(
            parse_crawl("/sitemap/articles-2026-11-3.xml"),
            Some(Crawl::Articles { year: 2026, month: 11, piece: 3 })
        );
        for c in [
            Crawl::Robots,
            Crawl::Index,
            Crawl::Pages,
            Crawl::News,
            nov,
            Crawl::Articles { year: 2026, month: 1, piece: 12 },
        ] {
            assert_eq!(parse_crawl(&crawl_path(c)), Some(c), "{c:?}");
        }
        for junk in [
            "/sitemap/articles-2026-11-1.xml",
            "/sitemap/articles-2026-11-02.xml",
            "/sitemap/articles-2026-1.xml",
            "/sitemap/articles-2026-13.xml",
            "/sitemap/articles-2026-00.xml",
            "/sitemap/articles-26-11.xml",
            "/sitemap/articles-+026-11.xml",
            "/sitemap/articles-2026-11-x.xml",
            "/sitemap/articles-2026-11-2-2.xml",
            "/sitemap/articles-2026-11",
            "/sitemap.xml/",
            "/sitemap/",
            "/robots.txt/",
            "/sitemap/articles-2026-11-99999999999.xml",
        ] {
            assert_eq!(parse_crawl(junk), None, "{junk}");
        }
        // None of them is a page either.
        assert_eq!(parse("/robots.txt", None), Route::NotFound);
        assert_eq!(parse("/sitemap/pages.xml", None), Route::NotFound);
    }
}
