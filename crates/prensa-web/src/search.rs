//! `/search/`: the reader's search form and its results, answered from this
//! node's in-memory index ([`prensa_search`]). Result pages bypass the page
//! cache — one entry per query would let anyone fill it — and are cheap
//! to make: no store query, one template.

use std::sync::Arc;

use axum::response::{IntoResponse, Response};
use chrono::Utc;
use http::{HeaderMap, StatusCode};
use prensa_core::{ArticleSummary, Pagination};
use prensa_render::markdown::highlight_html;
use prensa_render::theme::Template;
use prensa_render::view::{PagerView, SearchResultView, SearchView};
use prensa_search::{SearchError, SearchQuery, SearchResults, Sort};
use prensa_store::Store;

use crate::error::AppError;
use crate::public::{html, respond_uncached};
use crate::state::{AppState, Site};
use crate::views;

/// The deepest result page offered; past it, readers refine the query.
const MAX_PAGES: u32 = 50;

/// What the query string asks for.
#[derive(Debug, Default, PartialEq, Eq)]
struct Asked {
    text: String,
    sort: Sort,
    page: u32,
}

fn parse(query: Option<&str>) -> Asked {
    let mut asked = Asked { page: 1, ..Asked::default() };
    for (key, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        match &*key {
            "q" => asked.text = prensa_search::clip_query(&value).to_owned(),
            "sort" if value == "newest" => asked.sort = Sort::Newest,
            "page" => asked.page = value.parse::<u32>().unwrap_or(1).clamp(1, MAX_PAGES),
            _ => {}
        }
    }
    asked
}

/// The address of a result page (the first page carries no `page`).
fn url(text: &str, sort: Sort, page: u32) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    q.append_pair("q", text);
    if sort == Sort::Newest {
        q.append_pair("sort", "newest");
    }
    if page > 1 {
        q.append_pair("page", &page.to_string());
    }
    format!("/search/?{}", q.finish())
}

pub async fn page<S: Store>(
    state: &Arc<AppState<S>>,
    site: &Site,
    query: Option<&str>,
    headers: &HeaderMap,
    head: bool,
) -> Response {
    let asked = parse(query);
    // Until this node's first index build ends, a search would wrongly
    // find nothing: the page says the index is being built instead, as a
    // 503 (a retry later will do).
    let status = if !asked.text.is_empty() && !state.search.is_built(site.publication.id) {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::OK
    };
    match render(state, site, &asked, status == StatusCode::SERVICE_UNAVAILABLE) {
        Ok(html) => respond_uncached(status, html, headers, head),
        Err(e) => e.into_response(),
    }
}

fn render<S: Store>(state: &AppState<S>, site: &Site, asked: &Asked, building: bool) -> Result<String, AppError> {
    let p = &site.publication;
    let per_page = p.settings.page_size.max(1);
    let results = if asked.text.is_empty() || building {
        SearchResults { total: 0, hits: Vec::new() }
    } else {
        let query = SearchQuery {
            text: &asked.text,
            sort: asked.sort,
            limit: per_page as usize,
            offset: (asked.page - 1).saturating_mul(per_page) as usize,
        };
        match state.search.search(p.id, &query, Utc::now()) {
            Ok(r) => r,
            // A publication that appeared since this node last read the
            // store has no index until the watcher's next full reload.
            Err(SearchError::NotFound(_)) => SearchResults { total: 0, hits: Vec::new() },
            Err(e) => return Err(AppError::Internal(e.to_string())),
        }
    };
    let total = results.total as u64;
    let pages = Pagination::new(1, per_page, total).map_or(1, |p| p.pages).min(MAX_PAGES);
    let summary = (!asked.text.is_empty()).then(|| {
        if building {
            return site.locale.t("search_building").to_owned();
        }
        // The message picks the plural and groups the digits (1,234).
        let key = if total == 0 { "search_no_results" } else { "search_results" };
        site.locale.t_with(key, &[("n", &total.to_string()), ("query", &asked.text)])
    });
    let pager = (pages > 1 && asked.page <= pages).then(|| PagerView {
        page: asked.page,
        pages,
        label: site.locale.t_with("page_n_of_total", &[("n", &asked.page.to_string()), ("total", &pages.to_string())]),
        prev_url: (asked.page > 1).then(|| site.path(&url(&asked.text, asked.sort, asked.page - 1))),
        next_url: (asked.page < pages).then(|| site.path(&url(&asked.text, asked.sort, asked.page + 1))),
    });
    let results = results
        .hits
        .into_iter()
        .map(|hit| {
            let snippet_html =
                (!hit.snippet.text.is_empty()).then(|| highlight_html(&hit.snippet.text, &hit.snippet.marks));
            let (cut_before, cut_after) = (hit.snippet.cut_before, hit.snippet.cut_after);
            let summary = ArticleSummary {
                id: hit.id,
                slug: hit.slug,
                headline: hit.headline,
                standfirst: hit.standfirst,
                authors: hit.authors,
                section: hit.section,
                image: None,
                published_at: hit.published_at,
            };
            SearchResultView { card: views::card(site, &summary), snippet_html, cut_before, cut_after }
        })
        .collect();
    let view = SearchView {
        query: asked.text.clone(),
        sort: match asked.sort {
            Sort::Relevance => "relevance",
            Sort::Newest => "newest",
        },
        summary: summary.clone(),
        results,
        pager,
        relevance_url: site.path(&url(&asked.text, Sort::Relevance, 1)),
        newest_url: site.path(&url(&asked.text, Sort::Newest, 1)),
    };
    let title = match &asked.text {
        t if t.is_empty() => site.locale.t("search").to_owned(),
        t => format!("{t} — {}", site.locale.t("search")),
    };
    let mut meta =
        views::meta(site, &title, &summary.unwrap_or_else(|| site.locale.t("search_label").to_owned()), "/search/");
    // Result pages are not content: kept out of search engines' indexes.
    meta.noindex = true;
    Ok(html(state, site, Template::Search, StatusCode::OK, meta, view, Vec::new())?.html)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_strings_are_read_leniently() {
        assert_eq!(parse(None), Asked { text: String::new(), sort: Sort::Relevance, page: 1 });
        let a = parse(Some("q=+wage%20strike+&sort=newest&page=3"));
        assert_eq!(a, Asked { text: "wage strike".into(), sort: Sort::Newest, page: 3 });
        assert_eq!(parse(Some("q=x&page=0")).page, 1);
        assert_eq!(parse(Some("q=x&page=-4")).page, 1);
        assert_eq!(parse(Some("q=x&page=99999")).page, MAX_PAGES);
        assert_eq!(parse(Some("q=x&sort=oldest")).sort, Sort::Relevance);
        assert_eq!(parse(Some(&format!("q={}", "a".repeat(1000)))).text.len(), prensa_search::MAX_QUERY_CHARS);
    }

    #[test]
    fn result_urls_round_trip() {
        let u = url("a&b \"c\"", Sort::Newest, 2);
        assert_eq!(u, "/search/?q=a%26b+%22c%22&sort=newest&page=2");
        assert_eq!(parse(u.strip_prefix("/search/?")), Asked { text: "a&b \"c\"".into(), sort: Sort::Newest, page: 2 });
    }
}
