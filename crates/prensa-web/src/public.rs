//! The public site: one handler for every reader-facing page, serving from
//! the page cache and filling it on a miss.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use http::header::{self, HeaderMap, HeaderValue};
use http::{Method, StatusCode};
use prensa_core::{ArticleQuery, Pagination};
use prensa_render::markdown;
use prensa_render::theme::Template;
use prensa_render::view::{
    AlternateView, HomeView, ListView, NetworkView, PageView, PagerView, SectionBlockView, WithNetwork,
};
use prensa_store::{Newsroom, Store};
use serde::Serialize;

use crate::cache::{CachedPage, Encoding, SurrogateKey};
use crate::error::AppError;
use crate::memo;
use crate::route::{self, FeedOf, Route};
use crate::state::{AppState, Site};
use crate::views;

/// Headers every HTML page carries. The policy allows no script at all on
/// the public site; the JSON-LD block is data, which CSP does not govern.
/// Forms submit only to the site itself: the Mastodon share form posts to
/// `/share/mastodon/`, which answers with a page that moves on to the
/// reader's server (a `Refresh`, not a redirect, since browsers apply
/// `form-action` to the redirects after a submission too).
pub(crate) const CSP: &str = "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; \
     frame-ancestors 'self'; form-action 'self'; img-src 'self' data:; style-src 'self'";
const CACHE_CONTROL: &str = "public, max-age=60";
/// Browsers' lifetime of a public page (the `max-age` above), in seconds.
pub(crate) const MAX_AGE: u64 = 60;

/// The headers of every public HTML page (`nosniff` and `Referrer-Policy`
/// come from [`crate::headers`], as on every response).
fn page_response(status: StatusCode) -> http::response::Builder {
    Response::builder()
        .status(status)
        .header(header::VARY, HeaderValue::from_static("accept-encoding"))
        .header(header::CACHE_CONTROL, HeaderValue::from_static(CACHE_CONTROL))
        .header(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP))
}

/// Serves a page made for this request alone (search results),
/// compressed at a fast level.
pub(crate) fn respond_uncached(status: StatusCode, html: String, headers: &HeaderMap, head: bool) -> Response {
    let encoding = Encoding::requested(headers);
    let mut builder =
        page_response(status).header(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    match encoding {
        Encoding::Gzip => builder = builder.header(header::CONTENT_ENCODING, HeaderValue::from_static("gzip")),
        Encoding::Brotli => builder = builder.header(header::CONTENT_ENCODING, HeaderValue::from_static("br")),
        Encoding::Identity => {}
    }
    let body = crate::cache::compress_fast(encoding, html.into_bytes());
    if head {
        return builder.header(header::CONTENT_LENGTH, body.len()).body(Body::empty()).unwrap_or_default();
    }
    builder.body(Body::from(body)).unwrap_or_default()
}

/// Serves a cached page, answering conditional requests with 304:
/// `If-None-Match` against the ETag, or, when the request has none (RFC
/// 9110 §13.2.2) and the entry has a `Last-Modified`, `If-Modified-Since`.
pub(crate) fn respond(page: &CachedPage, headers: &HeaderMap, head: bool) -> Response {
    respond_with(page, headers, head, page_response)
}

/// [`respond`] for a page every reader gets alike (the public site's
/// cached pages): with `s-maxage` and its surrogate keys for a shared
/// cache in front ([`crate::shared_cache`]).
pub(crate) fn respond_public<S: Store>(
    state: &AppState<S>,
    page: &CachedPage,
    headers: &HeaderMap,
    head: bool,
) -> Response {
    let mut response = respond(page, headers, head);
    state.shared.apply(response.headers_mut(), page);
    response
}

/// [`respond`] with the headers `base` starts every response with (the
/// Content API's differ from a page's).
pub(crate) fn respond_with(
    page: &CachedPage,
    headers: &HeaderMap,
    head: bool,
    base: fn(StatusCode) -> http::response::Builder,
) -> Response {
    let not_modified = page.status == StatusCode::OK
        && match headers.get(header::IF_NONE_MATCH) {
            Some(v) => etag_matches(v.as_bytes(), page.etag.as_bytes()),
            None => page
                .last_modified
                .as_ref()
                .zip(headers.get(header::IF_MODIFIED_SINCE))
                .is_some_and(|(lm, since)| lm.unchanged_since(since.as_bytes())),
        };
    let encoding = Encoding::requested(headers);
    let mut builder = base(if not_modified { StatusCode::NOT_MODIFIED } else { page.status })
        .header(header::CONTENT_TYPE, page.content_type.clone())
        .header(header::ETAG, page.etag.clone());
    if let Some(lm) = &page.last_modified {
        builder = builder.header(header::LAST_MODIFIED, lm.header.clone());
    }
    if not_modified {
        return builder.body(Body::empty()).unwrap_or_default();
    }
    match encoding {
        Encoding::Gzip => builder = builder.header(header::CONTENT_ENCODING, HeaderValue::from_static("gzip")),
        Encoding::Brotli => builder = builder.header(header::CONTENT_ENCODING, HeaderValue::from_static("br")),
        Encoding::Identity => {}
    }
    let body = page.body_in(encoding);
    if head {
        return builder.header(header::CONTENT_LENGTH, body.len()).body(Body::empty()).unwrap_or_default();
    }
    builder.body(Body::from(body)).unwrap_or_default()
}

/// `If-None-Match` may list several tags or `*`; weak comparison applies.
pub(crate) fn etag_matches(header: &[u8], etag: &[u8]) -> bool {
    let strip = |t: &[u8]| -> Vec<u8> { t.strip_prefix(b"W/").unwrap_or(t).to_vec() };
    let ours = strip(etag);
    header.split(|b| *b == b',').any(|t| {
        let t = t.trim_ascii();
        t == b"*" || strip(t) == ours
    })
}

/// The catch-all handler of the public site.
pub async fn page<S: Newsroom>(State(state): State<Arc<AppState<S>>>, req: Request) -> Response {
    let head = match *req.method() {
        Method::GET => false,
        Method::HEAD => true,
        _ => return (StatusCode::METHOD_NOT_ALLOWED, [(header::ALLOW, "GET, HEAD")]).into_response(),
    };
    let Some(site) = crate::network::site_of(req.extensions()).cloned() else {
        return (StatusCode::NOT_FOUND, crate::network::UNKNOWN).into_response();
    };
    let site = &site;
    let encoding = Encoding::requested(req.headers());
    let uri = req.uri();
    let path = uri.path();
    match path {
        "/search/" => return crate::search::page(&state, site, uri.query(), req.headers(), head).await,
        "/search" => return redirect(&uri.query().map_or_else(|| "/search/".to_owned(), |q| format!("/search/?{q}"))),
        _ => {}
    }
    if path == "/favicon.ico" {
        return favicon(&state, site, head).await;
    }
    // robots.txt and the sitemaps: files of their own (see `sitemap.rs`).
    if let Some(crawl) = route::parse_crawl(path) {
        return crate::sitemap::serve(&state, site, crawl, req.headers(), head).await;
    }
    // Only canonical paths are ever stored (see below), so a hit on the
    // request path is the right page, whatever else the query holds: only
    // a valid `page` number may change the answer (a redirect, on a list),
    // and only then is the lookup left to after parsing.
    // A WordPress address of the form `/?p=12` (the home page's path, so
    // it would be answered from the home page's cache entry below).
    if path == "/" {
        if let Some(old) = uri.query().and_then(legacy_query) {
            if site.has_legacy_urls {
                if let Some(response) = legacy_redirect(&state, site, &old).await {
                    return response;
                }
            }
            // WordPress answers `/?p=12` at its host's root whatever the
            // post's language (Polylang too), so a sister publication under
            // a prefix of this host (`/de`) may hold the address.
            if site.root().is_empty() {
                if let Some(response) = sister_short_link(&state, site, &old).await {
                    return response;
                }
            }
        }
    }
    let query_page = uri.query().and_then(route::page_from_query);
    if query_page.is_none() {
        if let Some(hit) = state.cache.get(site.publication.id, path) {
            state.cache.record_hit();
            let hit = state.cache.note_hit(site.publication.id, path, hit, encoding);
            return respond_public(&state, &hit, req.headers(), head);
        }
    }

    // Every other spelling of a page is redirected before anything is
    // rendered or stored, so junk variants of a URL (`//`, a missing
    // slash, `?page=1`) cost a parse, never a render or a cache entry.
    let route = route::parse(path, uri.query());
    if let Route::Redirect(to) = &route {
        return redirect(to);
    }
    if query_page.is_some() && route != Route::NotFound {
        // A `page` the route ignores (an article, a later list page).
        if let Some(hit) = state.cache.get(site.publication.id, path) {
            state.cache.record_hit();
            let hit = state.cache.note_hit(site.publication.id, path, hit, encoding);
            return respond_public(&state, &hit, req.headers(), head);
        }
    }
    // An old address an import brought (`/2019/09/11/slug/`,
    // `/category/news/`): one indexed lookup, only on a site that has any.
    if route == Route::NotFound && site.has_legacy_urls {
        if let Some(response) = legacy_redirect(&state, site, &legacy_key(path, uri.query())).await {
            return response;
        }
        // An old address with a query it never had (`?utm_source=…`).
        if uri.query().is_some_and(|q| !q.is_empty()) {
            if let Some(response) = legacy_redirect(&state, site, path).await {
                return response;
            }
        }
    }
    // Unknown URLs are answered from the one shared 404 entry, so a scan of
    // junk paths costs a lookup each, not a render and two compressions.
    if route == Route::NotFound {
        if let Some(hit) = state.cache.get(site.publication.id, NOT_FOUND_KEY) {
            state.cache.record_hit();
            let hit = state.cache.note_hit(site.publication.id, NOT_FOUND_KEY, hit, encoding);
            return respond_public(&state, &hit, req.headers(), head);
        }
    }
    state.cache.record_miss();
    let generation = state.cache.generation();
    let article_slug = match &route {
        Route::Article(slug) => Some(slug.clone()),
        _ => None,
    };
    // `parse` returned a page route, so `path` is that page's canonical
    // path: the cache key.
    let (cache_path, result) = match route {
        Route::NotFound => (NOT_FOUND_KEY, not_found(&state, site).await),
        route => (path, render(&state, site, route).await),
    };
    let page = match result {
        Ok(page) => Arc::new(page.into_cached(encoding)),
        Err(AppError::NotFound) => {
            // A published article whose slug was changed keeps its old
            // address as a permanent redirect.
            if let Some(slug) = article_slug {
                match state.store.slug_redirect(site.publication.id, &slug).await {
                    Ok(Some(current)) if current != slug => return redirect(&views::article_path(&current)),
                    Ok(_) => {}
                    Err(e) => return AppError::from(e).into_response(),
                }
                // An old address that looks like an article's (`/about/`)
                // but whose article took another slug here.
                if site.has_legacy_urls {
                    if let Some(response) = legacy_redirect(&state, site, &legacy_key(path, uri.query())).await {
                        return response;
                    }
                }
            }
            // Already counted as a miss: the store was asked.
            if let Some(hit) = state.cache.get(site.publication.id, NOT_FOUND_KEY) {
                let hit = state.cache.note_hit(site.publication.id, NOT_FOUND_KEY, hit, encoding);
                return respond_public(&state, &hit, req.headers(), head);
            }
            match not_found(&state, site).await {
                Ok(p) => {
                    let p = Arc::new(p.into_cached(encoding));
                    state.cache.insert(generation, site.publication.id, NOT_FOUND_KEY, p.clone());
                    return respond_public(&state, &p, req.headers(), head);
                }
                Err(e) => return e.into_response(),
            }
        }
        Err(e) => return e.into_response(),
    };
    state.cache.insert(generation, site.publication.id, cache_path, page.clone());
    respond_public(&state, &page, req.headers(), head)
}

/// `/favicon.ico`, which browsers ask for whatever the page links: the
/// favicon chosen in the settings, else Prensa's default (never a 404).
/// Cached for a day, as it has no fingerprint in its URL.
async fn favicon<S: Store>(state: &AppState<S>, site: &Site, head: bool) -> Response {
    let chosen = match &site.favicon {
        Some(f) => match state.media.read(&f.key).await {
            Ok(bytes) => HeaderValue::from_str(&f.content_type).ok().map(|t| (t, Body::from(bytes))),
            Err(e) => {
                tracing::warn!(key = %f.key, error = %e, "favicon without file; serving the default");
                None
            }
        },
        None => None,
    };
    let (content_type, body) = chosen.unwrap_or_else(|| {
        (HeaderValue::from_static("image/x-icon"), Body::from(prensa_render::theme::DEFAULT_FAVICON))
    });
    Response::builder()
        .header(header::CONTENT_TYPE, content_type)
        .header(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=86400"))
        .body(if head { Body::empty() } else { body })
        .unwrap_or_default()
}

/// `p=12` or `page_id=12` in a home page query → the old address as
/// imports store it (`/?p=12`), other parameters (tracking) ignored.
fn legacy_query(query: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        let numeric = !value.is_empty() && value.len() <= 20 && value.bytes().all(|b| b.is_ascii_digit());
        (numeric && matches!(key, "p" | "page_id")).then(|| format!("/?{key}={value}"))
    })
}

/// The lookup key of an old address: the path under the site's prefix
/// (requests arrive with it stripped; imports store what the old site
/// answered), with the query where there is one.
fn legacy_key(path: &str, query: Option<&str>) -> String {
    match query {
        Some(q) if !q.is_empty() => format!("{path}?{q}"),
        _ => path.to_owned(),
    }
}

/// A 301 to where an old address leads now, or `None` (also on a store
/// error, logged: the reader then gets the 404 the address had anyway).
async fn legacy_redirect<S: Store>(state: &AppState<S>, site: &Site, key: &str) -> Option<Response> {
    if !prensa_core::foreign::is_legacy_path(key) {
        return None;
    }
    let full = site.path(key);
    match state.store.legacy_url(site.publication.id, &full).await {
        // Never to itself: a loop, not a redirect. Root-relative to the
        // site: the network layer puts a prefixed site's prefix in front.
        Ok(Some(target)) if target != key => Some(redirect(&target)),
        Ok(Some(_)) => None,
        Ok(None) => None,
        Err(e) => {
            tracing::warn!(error = %e, "old address lookup failed");
            None
        }
    }
}

/// A 301 to the article of a publication under a prefix of `site`'s host
/// whose import brought the host-root address `old` (`/?p=12`), or `None`.
/// `site` is at the host's root, so nothing adds the sister's prefix to
/// the `Location` but this.
async fn sister_short_link<S: Store>(state: &AppState<S>, site: &Site, old: &str) -> Option<Response> {
    let sites = state.sites();
    for sister in sites.under_prefixes_of(site).filter(|s| s.has_legacy_urls) {
        match state.store.legacy_url(sister.publication.id, old).await {
            Ok(Some(target)) => return Some(redirect(&sister.path(&target))),
            Ok(None) => {}
            Err(e) => {
                tracing::warn!(error = %e, "old address lookup failed");
                return None;
            }
        }
    }
    None
}

/// Unknown URLs share one cached 404 page instead of one entry each, so
/// probing random URLs cannot grow the cache.
const NOT_FOUND_KEY: &str = "\u{0}404";

fn redirect(to: &str) -> Response {
    match HeaderValue::from_str(to) {
        Ok(location) => (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, location)]).into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

/// A page rendered from the store, before compression.
#[derive(Debug)]
pub struct RenderedPage {
    pub status: StatusCode,
    pub html: String,
    pub keys: Vec<SurrogateKey>,
    /// `text/html; charset=utf-8`, except for feeds.
    pub content_type: &'static str,
    /// For `Last-Modified` (feeds: their newest item); `None` for pages.
    pub last_modified: Option<std::time::SystemTime>,
}

impl RenderedPage {
    /// Makes the page a cache entry, compressed in `encoding` (the one the
    /// request that rendered it asked for; see [`CachedPage::fill`]).
    pub fn into_cached(self, encoding: Encoding) -> CachedPage {
        CachedPage::fill(self.status, self.content_type, self.html.into_bytes(), self.keys, encoding)
            .with_last_modified(self.last_modified)
    }
}

pub(crate) fn html<T: Serialize>(
    state: &AppState<impl Store>,
    site: &Site,
    template: Template,
    status: StatusCode,
    meta: prensa_render::view::MetaView,
    body: T,
    keys: Vec<SurrogateKey>,
) -> Result<RenderedPage, AppError> {
    let view = PageView { site: &site.view, meta, t: &site.strings, page: body };
    let html = state.theme.render(template, &view).map_err(|e| AppError::Template(e.to_string()))?;
    Ok(RenderedPage { status, html, keys, content_type: "text/html; charset=utf-8", last_modified: None })
}

/// Renders a page from the store, bypassing the cache: store reads,
/// Markdown, template. (Also what the render benchmark measures.)
pub async fn render<S: Store>(state: &AppState<S>, site: &Site, route: Route) -> Result<RenderedPage, AppError> {
    match route {
        Route::Home => home(state, site).await,
        Route::Article(slug) => article(state, site, &slug).await,
        Route::Section(slug, page) => section(state, site, &slug, page).await,
        Route::Author(slug, page) => author(state, site, &slug, page).await,
        Route::Tag(slug, page) => tag(state, site, &slug, page).await,
        Route::Feed(of, format) => crate::feeds::render(state, site, &of, format).await,
        Route::Redirect(_) | Route::NotFound => Err(AppError::NotFound),
    }
}

async fn not_found<S: Store>(state: &AppState<S>, site: &Site) -> Result<RenderedPage, AppError> {
    let title = site.locale.t("not_found");
    let mut meta = views::meta(site, title, site.locale.t("not_found_message"), "/");
    meta.noindex = true;
    html(state, site, Template::NotFound, StatusCode::NOT_FOUND, meta, (), vec![SurrogateKey::Home])
}

async fn article<S: Store>(state: &AppState<S>, site: &Site, slug: &str) -> Result<RenderedPage, AppError> {
    let now = Utc::now();
    let p = &site.publication;
    // "Most recent" does not depend on the article, so it is read while the
    // article is; one extra row stands in for the article itself.
    let recent = ArticleQuery { limit: p.settings.most_recent + 1, ..Default::default() };
    let (a, recent, sister, fields) = tokio::try_join!(
        state.store.published_article(p.id, slug, now),
        memo::published_articles(state, p.id, &recent, now),
        memo::sister_articles(state, p.id, p.settings.from_sister_sites, now),
        memo::custom_fields(state, p.id),
    )?;
    let mut a = a.ok_or(AppError::NotFound)?;
    state.sites().rebase(&mut a.translations);
    let more = ArticleQuery {
        section: Some(a.section.id),
        exclude: Some(a.id),
        limit: p.settings.more_from_section,
        ..Default::default()
    };
    // The body's media library images (one read, whatever their number),
    // and the SEO fields and custom field values, read beside the list.
    let media_keys = markdown::media_keys(&a.body);
    let (more, media, extras) = tokio::try_join!(
        memo::published_articles(state, p.id, &more, now),
        state.store.media_many(&media_keys),
        memo::article_extras(state, a.id)
    )?;
    let lists = views::ArticleLists {
        more_from_section: more.items,
        most_recent: recent.items.into_iter().filter(|x| x.id != a.id).take(p.settings.most_recent as usize).collect(),
        body_media: views::body_media(site, &media),
    };
    let mut keys = vec![SurrogateKey::Article(a.id), SurrogateKey::Recent, SurrogateKey::Section(a.section.id)];
    keys.extend(a.authors.iter().map(|x| SurrogateKey::Author(x.id)));
    keys.extend(a.tags.iter().map(|t| SurrogateKey::Tag(t.id)));
    // "Also in" and hreflang change when another article of its group is
    // published, edited or unpublished.
    keys.push(SurrogateKey::Translations(a.id));
    let (meta, view) = views::article_with(site, &a, &lists, &extras, &fields);
    let network = NetworkView {
        also_in: views::also_in(&a),
        sister: views::sister_cards(&state.sites(), &sister),
        ..Default::default()
    };
    html(state, site, Template::Article, StatusCode::OK, meta, WithNetwork { page: view, network }, keys)
}

/// The article page for an article that is not (or not yet in this form)
/// published: the admin's preview. The real theme and the real lists
/// around it; marked `noindex`, never cached.
pub async fn preview<S: Store>(state: &AppState<S>, site: &Site, a: &prensa_core::Article) -> Result<String, AppError> {
    let now = Utc::now();
    let p = &site.publication;
    let recent = ArticleQuery { limit: p.settings.most_recent + 1, ..Default::default() };
    let more = ArticleQuery {
        section: Some(a.section.id),
        exclude: Some(a.id),
        limit: p.settings.more_from_section,
        ..Default::default()
    };
    let media_keys = markdown::media_keys(&a.body);
    let (recent, more, media) = tokio::try_join!(
        state.store.published_articles(p.id, &recent, now),
        state.store.published_articles(p.id, &more, now),
        state.store.media_many(&media_keys),
    )?;
    let lists = views::ArticleLists {
        more_from_section: more.items,
        most_recent: recent.items.into_iter().filter(|x| x.id != a.id).take(p.settings.most_recent as usize).collect(),
        body_media: views::body_media(site, &media),
    };
    let (mut meta, view) = views::article(site, a, &lists);
    meta.noindex = true;
    Ok(html(state, site, Template::Article, StatusCode::OK, meta, view, Vec::new())?.html)
}

async fn home<S: Store>(state: &AppState<S>, site: &Site) -> Result<RenderedPage, AppError> {
    let now = Utc::now();
    let p = &site.publication;
    // The pins first (the first is the lead), then the newest articles
    // without them; enough are read to fill the list whatever is pinned.
    let wanted = 1 + p.settings.most_recent * 2;
    let latest = ArticleQuery { limit: wanted + prensa_core::front::MAX_PINS as u32, ..Default::default() };
    let (pins, latest, sister) = tokio::try_join!(
        state.store.home_pins(p.id, now),
        memo::published_articles(state, p.id, &latest, now),
        memo::sister_articles(state, p.id, p.settings.from_sister_sites, now),
    )?;
    let pinned = pins.len();
    let order = prensa_core::front::front_order(pins, latest.items, |a| a.id);
    let mut cards = order.iter().map(|a| views::card(site, a));
    let lead = cards.next();
    let featured = cards.by_ref().take(pinned.saturating_sub(1)).collect();
    let most_recent = cards.take(wanted as usize - 1).collect();
    let mut sections = Vec::with_capacity(site.sections.len());
    let mut keys = vec![SurrogateKey::Home, SurrogateKey::Recent];
    for s in &site.sections {
        let q = ArticleQuery { section: Some(s.id), limit: 4, ..Default::default() };
        let items = memo::published_articles(state, p.id, &q, now).await?.items;
        keys.push(SurrogateKey::Section(s.id));
        if items.is_empty() {
            continue;
        }
        sections.push(SectionBlockView {
            name: s.name.clone(),
            url: site.path(&views::section_path(&s.slug, 1)),
            cards: items.iter().map(|a| views::card(site, a)).collect(),
        });
    }
    let sites = state.sites();
    let mut meta = views::meta(site, "", &p.tagline, "/");
    // Every other publication's home is this page's counterpart.
    meta.alternates = views::counterpart_alternates(site, "/", sites.list.iter().map(|s| &**s));
    meta.json_ld = Some(views::json_ld(&serde_json::json!({
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": p.name,
        "description": p.tagline,
        "url": p.absolute("/"),
        "inLanguage": p.language,
    })));
    meta.feeds = views::feed_links(site, &FeedOf::Publication, &p.name);
    let network = NetworkView { sister: views::sister_cards(&sites, &sister), ..Default::default() };
    let page = WithNetwork { page: HomeView { lead, featured, most_recent, sections }, network };
    html(state, site, Template::Home, StatusCode::OK, meta, page, keys)
}

/// What differs between the three kinds of list page.
struct ListSpec {
    kind: &'static str,
    heading: String,
    kicker: String,
    description: Option<String>,
    author: Option<prensa_render::view::AuthorBoxView>,
    query: ArticleQuery,
    key: SurrogateKey,
    path: fn(&str, u32) -> String,
    slug: String,
    /// hreflang of the first page: its counterparts in the sister
    /// publications (none: just this page).
    alternates: Vec<AlternateView>,
    network: NetworkView,
}

async fn list<S: Store>(state: &AppState<S>, site: &Site, spec: ListSpec, page: u32) -> Result<RenderedPage, AppError> {
    let now = Utc::now();
    let p = &site.publication;
    let per_page = p.settings.page_size;
    // One query: the page asked for, with the list's total alongside. A
    // page past the end comes back empty with no total: a 404.
    let offset = page.saturating_sub(1).saturating_mul(per_page);
    let q = ArticleQuery { limit: per_page, offset, with_total: true, ..spec.query.clone() };
    let result = memo::published_articles(state, p.id, &q, now).await?;
    let pagination = Pagination::new(page, per_page, result.total).ok_or(AppError::NotFound)?;
    let path_of = |n: u32| (spec.path)(&spec.slug, n);
    let prev_url = pagination.prev().map(path_of);
    let next_url = pagination.next().map(path_of);
    let description = spec.description.clone().unwrap_or_else(|| spec.heading.clone());
    let mut meta = views::meta(site, &spec.heading, &description, &path_of(pagination.page));
    // Later pages hold other articles than a sister's same page would.
    if pagination.page == 1 && !spec.alternates.is_empty() {
        meta.alternates = spec.alternates.clone();
    }
    // Every page of a list links to the list's feeds.
    if let Some(of) = FeedOf::list(spec.kind, &spec.slug) {
        meta.feeds = views::feed_links(site, &of, &format!("{} — {}", spec.heading, p.name));
    }
    meta.prev = prev_url.as_deref().map(|u| p.absolute(u));
    meta.next = next_url.as_deref().map(|u| p.absolute(u));
    if pagination.page > 1 {
        let label = site.locale.t_with(
            "page_n_of_total",
            &[("n", &pagination.page.to_string()), ("total", &pagination.pages.to_string())],
        );
        meta.title = format!("{} ({label}) — {}", spec.heading, p.name);
    }
    let pager = (pagination.pages > 1).then(|| PagerView {
        page: pagination.page,
        pages: pagination.pages,
        label: site.locale.t_with(
            "page_n_of_total",
            &[("n", &pagination.page.to_string()), ("total", &pagination.pages.to_string())],
        ),
        prev_url: prev_url.as_deref().map(|u| site.path(u)),
        next_url: next_url.as_deref().map(|u| site.path(u)),
    });
    let view = ListView {
        kind: spec.kind,
        heading: spec.heading,
        kicker: spec.kicker,
        // An author's page shows the bio in full in the author box; its
        // summary stays the page's meta description, not a second copy.
        description: if spec.author.is_some() { None } else { spec.description },
        author: spec.author,
        cards: result.items.iter().map(|a| views::card(site, a)).collect(),
        pager,
    };
    let view = WithNetwork { page: view, network: spec.network };
    // A list shows only its own section's, author's or tag's articles:
    // publishing elsewhere leaves it cached.
    html(state, site, Template::List, StatusCode::OK, meta, view, vec![spec.key])
}

async fn section<S: Store>(state: &AppState<S>, site: &Site, slug: &str, page: u32) -> Result<RenderedPage, AppError> {
    let s = site.sections.iter().find(|s| s.slug == slug).ok_or(AppError::NotFound)?;
    let spec = ListSpec {
        kind: "section",
        heading: s.name.clone(),
        kicker: site.locale.t("section").to_owned(),
        description: (!s.description.is_empty()).then(|| s.description.clone()),
        author: None,
        query: ArticleQuery { section: Some(s.id), ..Default::default() },
        key: SurrogateKey::Section(s.id),
        path: views::section_path,
        slug: s.slug.clone(),
        // A sister publication's section of the same slug is this one in
        // its language (sections are in the snapshot: no store read).
        alternates: views::counterpart_alternates(
            site,
            &views::section_path(&s.slug, 1),
            state.sites().list.iter().filter(|o| o.sections.iter().any(|x| x.slug == s.slug)).map(|o| &**o),
        ),
        network: NetworkView::default(),
    };
    list(state, site, spec, page).await
}

async fn author<S: Store>(state: &AppState<S>, site: &Site, slug: &str, page: u32) -> Result<RenderedPage, AppError> {
    let a = memo::author_by_slug(state, site.publication.id, slug).await?.ok_or(AppError::NotFound)?;
    // The same person's pages in the other publications they write for.
    let writes_for = memo::author_publications(state, a.id).await?;
    let sites = state.sites();
    let others: Vec<&Site> = writes_for.iter().filter_map(|id| sites.by_id(*id)).map(|s| &**s).collect();
    let spec = ListSpec {
        kind: "author",
        heading: a.name.clone(),
        kicker: site.locale.t("author").to_owned(),
        description: Some(plain_summary(&a.bio)),
        author: Some(views::author_box(site, &a)),
        query: ArticleQuery { author: Some(a.id), ..Default::default() },
        key: SurrogateKey::Author(a.id),
        path: views::author_path,
        slug: a.slug.clone(),
        alternates: views::counterpart_alternates(site, &views::author_path(&a.slug, 1), others.iter().copied()),
        network: NetworkView {
            also_writes_for: views::also_writes_for(site, &a.slug, others.iter().copied()),
            ..Default::default()
        },
    };
    list(state, site, spec, page).await
}

async fn tag<S: Store>(state: &AppState<S>, site: &Site, slug: &str, page: u32) -> Result<RenderedPage, AppError> {
    let t = memo::tag_by_slug(state, site.publication.id, slug).await?.ok_or(AppError::NotFound)?;
    let spec = ListSpec {
        kind: "tag",
        description: Some(site.locale.t_with("articles_tagged", &[("tag", &t.name)])),
        heading: t.name.clone(),
        kicker: site.locale.t("tag").to_owned(),
        author: None,
        query: ArticleQuery { tag: Some(t.id), ..Default::default() },
        key: SurrogateKey::Tag(t.id),
        path: views::tag_path,
        slug: t.slug.clone(),
        alternates: Vec::new(),
        network: NetworkView::default(),
    };
    list(state, site, spec, page).await
}

/// A Markdown bio as one line of plain text for `<meta name=description>`:
/// rendered and sanitized first, then stripped of tags, so no markup (or
/// raw HTML an author typed) leaks into the attribute.
pub(crate) fn plain_summary(markdown: &str) -> String {
    let html = prensa_render::markdown::render(markdown, &prensa_render::markdown::Options::default()).html;
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for ch in html.chars() {
        match ch {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    // The renderer escapes these five in text; the template escapes again.
    let text = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&");
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ").replace(" .", ".").replace(" ,", ",");
    if text.chars().count() > 200 {
        let cut: String = text.chars().take(197).collect();
        format!("{}…", cut.trim_end())
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etags_compare_weakly() {
        assert!(etag_matches(b"W/\"abc\"", b"W/\"abc\""));
        assert!(etag_matches(b"\"abc\"", b"W/\"abc\""));
        assert!(etag_matches(b"\"x\", W/\"abc\"", b"W/\"abc\""));
        assert!(etag_matches(b"*", b"W/\"abc\""));
        assert!(!etag_matches(b"W/\"abd\"", b"W/\"abc\""));
    }

    #[test]
    fn summaries_are_plain() {
        assert_eq!(plain_summary("**Ana** writes [here](https://x.example).\n\nMore."), "Ana writes here. More.");
        assert_eq!(plain_summary("Fish &amp; chips <script>x</script> [a](javascript:alert(1))"), "Fish & chips a");
    }
}
