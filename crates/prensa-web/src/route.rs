//! Reader-facing URLs, parsed by hand: the public site has one catch-all
//! handler so that a cache hit costs a single hash lookup, and the URL
//! grammar is small enough that a parser beats a router table.

use prensa_core::slug::{is_reserved_article_slug, is_valid_slug};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Home,
    Article(String),
    Section(String, u32),
    Author(String, u32),
    Tag(String, u32),
    /// The canonical form of a URL that was asked for another way.
    Redirect(String),
    NotFound,
}

/// Parses a request path and query into a route.
pub fn parse(path: &str, query: Option<&str>) -> Route {
    let Some(rest) = path.strip_prefix('/') else { return Route::NotFound };
    if rest.is_empty() {
        return Route::Home;
    }
    let page_param = query.and_then(page_from_query);
    let trailing = rest.ends_with('/');
    let segments: Vec<&str> = rest.trim_end_matches('/').split('/').collect();
    if segments.iter().any(|s| s.is_empty()) {
        return Route::NotFound;
    }
    let route = match segments.as_slice() {
        [slug] if is_valid_slug(slug) && !is_reserved_article_slug(slug) => Route::Article((*slug).to_owned()),
        [kind, slug] => list(kind, slug, 1),
        // Only the canonical spelling of a number ("2", not "02").
        [kind, slug, "page", n] => match n.parse::<u32>() {
            Ok(page) if page >= 1 && page.to_string() == *n => list(kind, slug, page),
            _ => Route::NotFound,
        },
        _ => Route::NotFound,
    };
    // `?page=N` and a missing trailing slash are accepted and redirected to
    // the one canonical URL of the page.
    match (route, page_param) {
        (Route::NotFound, _) => Route::NotFound,
        (Route::Section(s, 1), Some(n)) => Route::Redirect(crate::views::section_path(&s, n)),
        (Route::Author(s, 1), Some(n)) => Route::Redirect(crate::views::author_path(&s, n)),
        (Route::Tag(s, 1), Some(n)) => Route::Redirect(crate::views::tag_path(&s, n)),
        (Route::Section(s, 1), None) if segments.len() == 4 => Route::Redirect(crate::views::section_path(&s, 1)),
        (Route::Author(s, 1), None) if segments.len() == 4 => Route::Redirect(crate::views::author_path(&s, 1)),
        (Route::Tag(s, 1), None) if segments.len() == 4 => Route::Redirect(crate::views::tag_path(&s, 1)),
        (_, _) if !trailing => Route::Redirect(format!("{path}/")),
        (route, _) => route,
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

fn page_from_query(query: &str) -> Option<u32> {
    query
        .split('&')
        .find_map(|kv| kv.strip_prefix("page="))
        .and_then(|v| v.parse::<u32>().ok())
        .filter(|n| *n >= 1)
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
            "/Upper/", "/a//b/", "/section/", "/section/labor/page/0/", "/section/labor/page/x/",
            "/section/labor/page/02/", "/sections/labor/", "/a/b/c/", "/../etc/passwd", "/wp-admin/x.php",
            "/section/Labor/", "no-slash",
        ] {
            assert_eq!(r(p), Route::NotFound, "{p}");
        }
    }
}
