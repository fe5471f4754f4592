//! The Content API: read-only JSON under `/api/content/v1/` for apps,
//! newsletters and the network's other sites, one per publication (under
//! its prefix too: `/de/api/content/v1/…`; the network layer strips the
//! prefix, so these routes are declared once).
//!
//! A request goes: publication (from the network layer) → route (a small
//! hand-written table, so an unknown path is a JSON 404 and a wrong method
//! a 405 with `Allow`) → CORS preflight, if any → the key
//! ([`crate::api_keys::KeyRing::verify`], a hash and a map lookup) → the
//! query, read strictly ([`params`]) → the page cache, keyed by
//! publication and the canonical path and query → on a miss, the store
//! ([`prensa_store::ContentApi`]) and the JSON ([`model`]), cached with
//! surrogate keys like a page. So a cache hit costs the key check, the
//! query's parse and one lookup. Search is answered from the node's index
//! and never cached (as the search page).
//!
//! Answers say `Cache-Control: private, max-age=60`: every answer depends
//! on a key, and a shared cache that stored one would serve it to callers
//! without a key (and would keep serving a revoked key's caller). `private`
//! keeps the client's own cache useful (with ETag revalidation) and
//! shared caches out, whether the key came in a header or in `?key=`.
//!
//! Errors are JSON with stable codes ([`error::ErrorCode`]); the OpenAPI
//! 3.1 description at `openapi.json` is generated from these handlers and
//! types ([`openapi`]) and needs no key.

pub mod error;
pub mod model;
pub mod openapi;
pub mod params;

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use http::header::{self, HeaderMap, HeaderValue};
use http::request::Parts;
use http::{Method, StatusCode};
use prensa_core::{Article, Id};
use prensa_store::{ArticleFilter, ContentApi, Newsroom};
use serde::Serialize;

use crate::api_keys::KeyVerdict;
use crate::cache::{CachedPage, Encoding, SurrogateKey};
use crate::state::{AppState, Site};
use error::{ApiError, ErrorBody, ErrorCode};
use model::{Compute, Included};
use params::{ArticleField, ArticleListQuery, ArticleQuery, Include, SearchQuery, SearchSort, DEFAULT_LIMIT};

/// Where the API lives on every publication.
pub const ROOT: &str = "/api/content/v1";
pub const ROOT_SLASH: &str = "/api/content/v1/";
pub const JSON: &str = "application/json";
/// The methods every API path answers.
pub const ALLOW: &str = "GET, HEAD, OPTIONS";
const CACHE_CONTROL: &str = "private, max-age=60";
/// Answers are data, never a document: nothing may load or frame them.
const CSP: &str = "default-src 'none'; frame-ancestors 'none'";
/// What a preflight may ask for besides the simple headers.
const ALLOW_HEADERS: &str = "Authorization, If-None-Match";
/// How long a browser may keep a preflight's answer (seconds).
const PREFLIGHT_MAX_AGE: &str = "600";

/// The operations, from the path below [`ROOT`].
#[derive(Debug, Clone, PartialEq, Eq)]
enum Endpoint {
    OpenApi,
    Articles,
    Article(String),
    Authors,
    Sections,
    Tags,
    Publications,
    Search,
}

fn route(rest: &str) -> Option<Endpoint> {
    Some(match rest {
        "/openapi.json" => Endpoint::OpenApi,
        "/articles/" => Endpoint::Articles,
        "/authors/" => Endpoint::Authors,
        "/sections/" => Endpoint::Sections,
        "/tags/" => Endpoint::Tags,
        "/publications/" => Endpoint::Publications,
        "/search/" => Endpoint::Search,
        _ => {
            let slug = rest.strip_prefix("/articles/")?.strip_suffix('/')?;
            if slug.is_empty() || slug.contains('/') {
                return None;
            }
            let slug = percent_encoding::percent_decode_str(slug).decode_utf8().ok()?;
            Endpoint::Article(slug.into_owned())
        }
    })
}

/// Every request under [`ROOT`].
pub async fn handle<S: Newsroom + ContentApi>(State(state): State<Arc<AppState<S>>>, req: Request) -> Response {
    // The head only: the body is never read, and it is not `Sync`, so a
    // reference to the whole request could not be held across an await.
    let (req, _body) = req.into_parts();
    let Some(site) = crate::network::site_of(&req.extensions).cloned() else {
        return ApiError::new(ErrorCode::NotFound, crate::network::UNKNOWN).into_response();
    };
    let cors = allowed_origin(&site, &req.headers);
    let rest = req.uri.path().strip_prefix(ROOT).unwrap_or_default();
    let mut response = match route(rest) {
        None => ApiError::new(ErrorCode::NotFound, "No such API path; see openapi.json.").into_response(),
        Some(endpoint) => match req.method {
            Method::GET | Method::HEAD => {
                let head = req.method == Method::HEAD;
                match answer(&state, &site, endpoint, &req, head).await {
                    Ok(r) => r,
                    Err(e) => e.into_response(),
                }
            }
            Method::OPTIONS => preflight(cors.is_some()),
            _ => ApiError::new(ErrorCode::MethodNotAllowed, "The Content API is read-only: GET, HEAD or OPTIONS.")
                .into_response(),
        },
    };
    let h = response.headers_mut();
    // One `Vary` naming everything the answer depends on.
    let vary = match h.get(header::VARY).and_then(|v| v.to_str().ok()) {
        Some(v) => HeaderValue::from_str(&format!("{v}, origin")).unwrap_or(HeaderValue::from_static("origin")),
        None => HeaderValue::from_static("origin"),
    };
    h.insert(header::VARY, vary);
    if let Some(origin) = cors {
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        h.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, HeaderValue::from_static("ETag"));
    }
    response
}

/// The request's `Origin` if the publication lists it (or lists `*`),
/// as the value of `Access-Control-Allow-Origin`. Keys travel in a header
/// or the query, never in cookies, so `*` is safe to send as is.
fn allowed_origin(site: &Site, headers: &HeaderMap) -> Option<HeaderValue> {
    let origin = headers.get(header::ORIGIN)?;
    let allowed = &site.publication.api_cors_origins;
    if allowed.iter().any(|o| o == "*") {
        return Some(HeaderValue::from_static("*"));
    }
    let text = origin.to_str().ok()?;
    allowed.iter().any(|o| o.eq_ignore_ascii_case(text)).then(|| origin.clone())
}

/// A CORS preflight: what may follow, for a listed origin; for any other
/// origin a bare 204, which the browser reads as a refusal.
fn preflight(allowed: bool) -> Response {
    let mut r = StatusCode::NO_CONTENT.into_response();
    let h = r.headers_mut();
    h.insert(header::ALLOW, HeaderValue::from_static(ALLOW));
    if allowed {
        h.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static(ALLOW));
        h.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, HeaderValue::from_static(ALLOW_HEADERS));
        h.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static(PREFLIGHT_MAX_AGE));
    }
    r
}

/// The key presented: `Authorization: Bearer KEY`, else `?key=KEY`.
fn presented_key(req: &Parts) -> Option<String> {
    if let Some(v) = req.headers.get(header::AUTHORIZATION) {
        let v = v.to_str().ok()?.trim();
        let (scheme, key) = v.split_once(' ')?;
        return scheme.eq_ignore_ascii_case("bearer").then(|| key.trim().to_owned());
    }
    form_urlencoded::parse(req.uri.query()?.as_bytes())
        .find(|(k, _)| k == params::KEY_PARAM)
        .map(|(_, v)| v.into_owned())
}

fn check_key<S: Newsroom>(state: &AppState<S>, publication: Id, req: &Parts) -> Result<(), ApiError> {
    let Some(key) = presented_key(req).filter(|k| !k.is_empty()) else {
        if req.headers.contains_key(header::AUTHORIZATION) {
            return Err(ApiError::new(ErrorCode::InvalidKey, "`Authorization` must be `Bearer KEY`."));
        }
        return Err(ApiError::new(
            ErrorCode::MissingKey,
            "A Content API key is required: `Authorization: Bearer KEY` or `?key=KEY`.",
        ));
    };
    match state.api_keys.verify(publication, &key) {
        KeyVerdict::Valid => Ok(()),
        KeyVerdict::Revoked => Err(ApiError::new(ErrorCode::RevokedKey, "This key was revoked.")),
        KeyVerdict::Unknown => Err(ApiError::new(ErrorCode::InvalidKey, "This key is not valid for this publication.")),
    }
}

async fn answer<S: Newsroom + ContentApi>(
    state: &Arc<AppState<S>>,
    site: &Arc<Site>,
    endpoint: Endpoint,
    req: &Parts,
    head: bool,
) -> Result<Response, ApiError> {
    let p = &site.publication;
    let query = req.uri.query();
    let headers = &req.headers;
    if endpoint == Endpoint::OpenApi {
        params::pairs(query, &[])?;
        let path = format!("{ROOT}/openapi.json");
        let make = || async { openapi::document(site).map(|doc| (doc, Vec::new())) };
        return cached(state, site, &path, headers, head, make).await;
    }
    check_key(state, p.id, req)?;
    let rest = req.uri.path().strip_prefix(ROOT).unwrap_or_default();
    match endpoint {
        Endpoint::Search => search(state, site, query, headers, head),
        Endpoint::Articles => {
            let q = ArticleListQuery::parse(query, tz(site))?;
            let path = format!("{ROOT}{rest}?{}", q.canonical());
            cached(state, site, &path, headers, head, || articles(state, site, q)).await
        }
        Endpoint::Article(slug) => {
            let q = ArticleQuery::parse(query)?;
            let path = format!("{ROOT}{rest}?{}", q.canonical());
            cached(state, site, &path, headers, head, || article(state, site, slug, q)).await
        }
        Endpoint::Authors | Endpoint::Sections | Endpoint::Tags | Endpoint::Publications => {
            params::pairs(query, &[])?;
            let path = format!("{ROOT}{rest}");
            cached(state, site, &path, headers, head, || listing(state, site, endpoint)).await
        }
        Endpoint::OpenApi => Err(ApiError::not_found()),
    }
}

fn tz(site: &Site) -> chrono_tz::Tz {
    site.publication.timezone.parse().unwrap_or(chrono_tz::UTC)
}

/// The headers of every cached API answer.
fn api_response(status: StatusCode) -> http::response::Builder {
    Response::builder()
        .status(status)
        .header(header::VARY, HeaderValue::from_static("accept-encoding, authorization"))
        .header(header::CACHE_CONTROL, HeaderValue::from_static(CACHE_CONTROL))
        .header(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP))
}

/// A JSON body and the surrogate keys of what it shows.
type Made = (Vec<u8>, Vec<SurrogateKey>);

/// Serves `path` from the page cache, or makes it with `make` and caches
/// it (unless a purge came in between, as for pages).
async fn cached<S, F, Fut>(
    state: &AppState<S>,
    site: &Site,
    path: &str,
    headers: &HeaderMap,
    head: bool,
    make: F,
) -> Result<Response, ApiError>
where
    S: Newsroom,
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<Made, ApiError>>,
{
    let id = site.publication.id;
    if let Some(hit) = state.cache.get(id, path) {
        state.cache.record_hit();
        let hit = state.cache.note_hit(id, path, hit, Encoding::requested(headers));
        return Ok(crate::public::respond_with(&hit, headers, head, api_response));
    }
    state.cache.record_miss();
    let generation = state.cache.generation();
    let (body, keys) = make().await?;
    let page = Arc::new(CachedPage::fill(StatusCode::OK, JSON, body, keys, Encoding::requested(headers)));
    state.cache.insert(generation, id, path, page.clone());
    Ok(crate::public::respond_with(&page, headers, head, api_response))
}

fn to_json<T: Serialize>(value: &T) -> Result<Vec<u8>, ApiError> {
    serde_json::to_vec(value).map_err(|e| ApiError::from(crate::error::AppError::Internal(e.to_string())))
}

/// The article fields to show: those asked for, else the default (all,
/// or all but the body in lists); `id` and `slug` always.
fn chosen(fields: Option<&[ArticleField]>, list: bool) -> Vec<ArticleField> {
    let mut out: Vec<ArticleField> = match fields {
        Some(f) => f.to_vec(),
        None => ArticleField::ALL.into_iter().filter(|f| !(list && *f == ArticleField::BodyHtml)).collect(),
    };
    out.extend([ArticleField::Id, ArticleField::Slug]);
    out.sort_unstable();
    out.dedup();
    out
}

/// An article's JSON with only the `fields` chosen.
fn shaped(
    site: &Site,
    sites: &crate::state::Sites,
    a: &Article,
    fields: &[ArticleField],
    extras: Option<&prensa_core::ArticleExtras>,
) -> Result<serde_json::Value, ApiError> {
    let compute = Compute {
        body_html: fields.contains(&ArticleField::BodyHtml),
        reading_time: fields.contains(&ArticleField::ReadingTimeMinutes),
    };
    let json = model::article(site, sites, a, compute, extras);
    let mut value =
        serde_json::to_value(&json).map_err(|e| ApiError::from(crate::error::AppError::Internal(e.to_string())))?;
    if let serde_json::Value::Object(map) = &mut value {
        map.retain(|k, _| fields.iter().any(|f| f.as_str() == k));
    }
    Ok(value)
}

/// `included`: each author, tag and section of `articles` once, in order
/// of first appearance.
fn included(site: &Site, articles: &[Article], include: &[Include], keys: &mut Vec<SurrogateKey>) -> Included {
    let mut out = Included::default();
    for what in include {
        match what {
            Include::Authors => {
                let mut seen = std::collections::HashSet::new();
                let list = articles.iter().flat_map(|a| &a.authors).filter(|x| seen.insert(x.id));
                out.authors = Some(
                    list.map(|x| {
                        keys.push(SurrogateKey::Author(x.id));
                        model::author(site, x)
                    })
                    .collect(),
                );
            }
            Include::Tags => {
                let mut seen = std::collections::HashSet::new();
                let list = articles.iter().flat_map(|a| &a.tags).filter(|t| seen.insert(t.id));
                out.tags = Some(list.map(|t| model::tag(site, t, None)).collect());
            }
            Include::Section => {
                let mut seen = std::collections::HashSet::new();
                let list = articles.iter().map(|a| &a.section).filter(|s| seen.insert(s.id));
                out.sections = Some(list.map(|s| model::section(site, s)).collect());
            }
        }
    }
    out
}

#[derive(Serialize)]
struct ListOut {
    data: Vec<serde_json::Value>,
    next_cursor: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    included: Option<Included>,
}

#[derive(Serialize)]
struct OneOut {
    data: serde_json::Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    included: Option<Included>,
}

/// List the publication's published articles, newest first.
#[utoipa::path(
    get,
    path = "/articles/",
    tag = "articles",
    operation_id = "listArticles",
    params(ArticleListQuery),
    security(("bearer" = []), ("key" = [])),
    responses(
        (status = 200, description = "A page of articles; `next_cursor` leads to the next.", body = model::ArticleList, content_type = "application/json"),
        (status = 400, description = "An unknown parameter or a bad value.", body = ErrorBody, content_type = "application/json"),
        (status = 401, description = "No key, or a bad or revoked one.", body = ErrorBody, content_type = "application/json"),
    )
)]
async fn articles<S: Newsroom + ContentApi>(
    state: &AppState<S>,
    site: &Site,
    q: ArticleListQuery,
) -> Result<Made, ApiError> {
    let p = &site.publication;
    let now = Utc::now();
    // Any publish, unpublish or visible edit records `recent`; the
    // articles' own keys are named too for precision.
    let mut keys = vec![SurrogateKey::Recent];
    let limit = q.limit.unwrap_or(DEFAULT_LIMIT);
    let empty = || {
        to_json(&ListOut {
            data: Vec::new(),
            next_cursor: None,
            included: q.include.as_ref().map(|_| Included::default()),
        })
    };
    // A filter naming nothing this publication has matches nothing (a
    // section, tag or author made later purges everything: `all`).
    let section = match &q.section {
        None => None,
        Some(slug) => match site.sections.iter().find(|s| &s.slug == slug) {
            Some(s) => Some(s.id),
            None => return Ok((empty()?, keys)),
        },
    };
    // Text that cannot be a slug (a NUL byte, which PostgreSQL refuses in
    // a parameter, or any other character slugs never hold) matches
    // nothing without asking the store.
    let tag = match &q.tag {
        None => None,
        Some(slug) if !prensa_core::slug::is_valid_slug(slug) => return Ok((empty()?, keys)),
        Some(slug) => match state.store.tag_by_slug(p.id, slug).await? {
            Some(t) => Some(t.id),
            None => return Ok((empty()?, keys)),
        },
    };
    let author = match &q.author {
        None => None,
        Some(slug) if !prensa_core::slug::is_valid_slug(slug) => return Ok((empty()?, keys)),
        Some(slug) => match state.store.author_by_slug(p.id, slug).await? {
            Some(a) => Some(a.id),
            None => return Ok((empty()?, keys)),
        },
    };
    let filter = ArticleFilter {
        section,
        tag,
        author,
        language: q.language.clone(),
        published_after: q.published_after,
        published_before: q.published_before,
        after: q.cursor,
        limit: limit + 1,
    };
    let mut list = state.store.api_articles(p.id, &filter, now).await?;
    let next_cursor = if list.len() > limit as usize {
        list.truncate(limit as usize);
        list.last().map(|a| params::cursor_of(a.published_at.timestamp(), a.id))
    } else {
        None
    };
    let fields = chosen(q.fields.as_deref(), true);
    let sites = state.sites();
    // SEO fields and custom field values of the whole page, in two reads,
    // only when asked for. Definitions change through `all`.
    let extras = if fields.iter().any(|f| matches!(f, ArticleField::Seo | ArticleField::CustomFields)) {
        state.store.articles_extras(&list.iter().map(|a| a.id).collect::<Vec<_>>()).await?
    } else {
        Default::default()
    };
    let none = prensa_core::ArticleExtras::default();
    let mut data = Vec::with_capacity(list.len());
    for a in &list {
        keys.push(SurrogateKey::Article(a.id));
        keys.push(SurrogateKey::Translations(a.id));
        data.push(shaped(site, &sites, a, &fields, Some(extras.get(&a.id).unwrap_or(&none)))?);
    }
    let included = q.include.as_deref().map(|inc| included(site, &list, inc, &mut keys));
    Ok((to_json(&ListOut { data, next_cursor, included })?, keys))
}

/// One published article, by its slug.
#[utoipa::path(
    get,
    path = "/articles/{slug}/",
    tag = "articles",
    operation_id = "getArticle",
    params(("slug" = String, Path, description = "The article's slug."), ArticleQuery),
    security(("bearer" = []), ("key" = [])),
    responses(
        (status = 200, description = "The article.", body = model::ArticleOne, content_type = "application/json"),
        (status = 400, description = "An unknown parameter or a bad value.", body = ErrorBody, content_type = "application/json"),
        (status = 401, description = "No key, or a bad or revoked one.", body = ErrorBody, content_type = "application/json"),
        (status = 404, description = "No published article has this slug.", body = ErrorBody, content_type = "application/json"),
    )
)]
async fn article<S: Newsroom + ContentApi>(
    state: &AppState<S>,
    site: &Site,
    slug: String,
    q: ArticleQuery,
) -> Result<Made, ApiError> {
    let p = &site.publication;
    if !prensa_core::slug::is_valid_slug(&slug) {
        return Err(ApiError::not_found());
    }
    let a = state.store.published_article(p.id, &slug, Utc::now()).await?.ok_or_else(ApiError::not_found)?;
    let mut keys =
        vec![SurrogateKey::Article(a.id), SurrogateKey::Section(a.section.id), SurrogateKey::Translations(a.id)];
    keys.extend(a.authors.iter().map(|x| SurrogateKey::Author(x.id)));
    keys.extend(a.tags.iter().map(|t| SurrogateKey::Tag(t.id)));
    let fields = chosen(q.fields.as_deref(), false);
    let extras = if fields.iter().any(|f| matches!(f, ArticleField::Seo | ArticleField::CustomFields)) {
        Some(state.store.article_extras(a.id).await?)
    } else {
        None
    };
    let data = shaped(site, &state.sites(), &a, &fields, extras.as_ref())?;
    let list = std::slice::from_ref(&a);
    let included = q.include.as_deref().map(|inc| included(site, list, inc, &mut keys));
    Ok((to_json(&OneOut { data, included })?, keys))
}

/// The publication's authors.
#[utoipa::path(
    get, path = "/authors/", tag = "publication", operation_id = "listAuthors",
    security(("bearer" = []), ("key" = [])),
    responses(
        (status = 200, description = "Everyone who writes for the publication, by name.", body = model::AuthorList, content_type = "application/json"),
        (status = 400, description = "An unknown parameter.", body = ErrorBody, content_type = "application/json"),
        (status = 401, description = "No key, or a bad or revoked one.", body = ErrorBody, content_type = "application/json"),
    )
)]
async fn authors<S: Newsroom + ContentApi>(state: &AppState<S>, site: &Site) -> Result<Made, ApiError> {
    let list = state.store.api_authors(site.publication.id).await?;
    let data: Vec<_> = list.iter().map(|a| model::author(site, a)).collect();
    // Authors change through the desk and imports, which purge everything
    // (`all`); publishing leaves this list as it is.
    Ok((to_json(&model::AuthorList { data })?, Vec::new()))
}

/// The publication's sections, in their order.
#[utoipa::path(
    get, path = "/sections/", tag = "publication", operation_id = "listSections",
    security(("bearer" = []), ("key" = [])),
    responses(
        (status = 200, description = "The sections in display order.", body = model::SectionList, content_type = "application/json"),
        (status = 400, description = "An unknown parameter.", body = ErrorBody, content_type = "application/json"),
        (status = 401, description = "No key, or a bad or revoked one.", body = ErrorBody, content_type = "application/json"),
    )
)]
fn sections(site: &Site) -> Result<Made, ApiError> {
    // From the publication's snapshot, which every section write reloads
    // (and purges everything with): no store read.
    let data = site.sections.iter().map(|s| model::section(site, s)).collect();
    Ok((to_json(&model::SectionList { data })?, Vec::new()))
}

/// The publication's tags in use.
#[utoipa::path(
    get, path = "/tags/", tag = "publication", operation_id = "listTags",
    security(("bearer" = []), ("key" = [])),
    responses(
        (status = 200, description = "Tags that published articles carry, by name, with their counts.", body = model::TagList, content_type = "application/json"),
        (status = 400, description = "An unknown parameter.", body = ErrorBody, content_type = "application/json"),
        (status = 401, description = "No key, or a bad or revoked one.", body = ErrorBody, content_type = "application/json"),
    )
)]
async fn tags<S: Newsroom + ContentApi>(state: &AppState<S>, site: &Site) -> Result<Made, ApiError> {
    let list = state.store.api_tags(site.publication.id, Utc::now()).await?;
    let data = list.iter().map(|(t, n)| model::tag(site, t, Some(*n))).collect();
    // Counts change with any publish or unpublish, which records `recent`.
    Ok((to_json(&model::TagList { data })?, vec![SurrogateKey::Recent]))
}

/// The network's publications.
#[utoipa::path(
    get, path = "/publications/", tag = "publication", operation_id = "listPublications",
    security(("bearer" = []), ("key" = [])),
    responses(
        (status = 200, description = "Every publication this instance serves, with its language and addresses.", body = model::PublicationList, content_type = "application/json"),
        (status = 400, description = "An unknown parameter.", body = ErrorBody, content_type = "application/json"),
        (status = 401, description = "No key, or a bad or revoked one.", body = ErrorBody, content_type = "application/json"),
    )
)]
fn publications<S: Newsroom>(state: &AppState<S>) -> Result<Made, ApiError> {
    let sites = state.sites();
    let data = sites.list.iter().map(|s| model::publication(s)).collect();
    // Publications change only through imports and settings (`all`).
    Ok((to_json(&model::PublicationList { data })?, Vec::new()))
}

async fn listing<S: Newsroom + ContentApi>(
    state: &AppState<S>,
    site: &Site,
    endpoint: Endpoint,
) -> Result<Made, ApiError> {
    match endpoint {
        Endpoint::Authors => authors(state, site).await,
        Endpoint::Sections => sections(site),
        Endpoint::Tags => tags(state, site).await,
        Endpoint::Publications => publications(state),
        _ => Err(ApiError::not_found()),
    }
}

/// Search the publication's published articles.
#[utoipa::path(
    get, path = "/search/", tag = "articles", operation_id = "search",
    params(SearchQuery),
    security(("bearer" = []), ("key" = [])),
    responses(
        (status = 200, description = "The best matches (or the newest), with the passage that matched.", body = model::SearchResults, content_type = "application/json"),
        (status = 400, description = "No `q`, an unknown parameter or a bad value.", body = ErrorBody, content_type = "application/json"),
        (status = 401, description = "No key, or a bad or revoked one.", body = ErrorBody, content_type = "application/json"),
        (status = 503, description = "This node's search index is still being built (after its start); retry shortly.", body = ErrorBody, content_type = "application/json"),
    )
)]
fn search<S: Newsroom>(
    state: &AppState<S>,
    site: &Site,
    query: Option<&str>,
    headers: &HeaderMap,
    head: bool,
) -> Result<Response, ApiError> {
    let q = SearchQuery::parse(query)?;
    let p = &site.publication;
    let results = if q.q.trim().is_empty() {
        prensa_search::SearchResults { total: 0, hits: Vec::new() }
    } else if !state.search.is_built(p.id) {
        // Not "nothing found": this node's index is still being built.
        return Err(ApiError::new(
            ErrorCode::IndexBuilding,
            "The search index is still being built; try again shortly.",
        ));
    } else {
        let sq = prensa_search::SearchQuery {
            text: &q.q,
            sort: match q.sort.unwrap_or_default() {
                SearchSort::Relevance => prensa_search::Sort::Relevance,
                SearchSort::Newest => prensa_search::Sort::Newest,
            },
            limit: q.limit.unwrap_or(DEFAULT_LIMIT) as usize,
            offset: 0,
        };
        match state.search.search(p.id, &sq, Utc::now()) {
            Ok(r) => r,
            // A publication this node has not indexed yet (see search.rs).
            Err(prensa_search::SearchError::NotFound(_)) => prensa_search::SearchResults { total: 0, hits: Vec::new() },
            Err(e) => return Err(ApiError::from(crate::error::AppError::Internal(e.to_string()))),
        }
    };
    let data = results
        .hits
        .into_iter()
        .map(|h| model::SearchHitJson {
            id: h.id,
            url: p.absolute(&crate::views::article_path(&h.slug)),
            slug: h.slug,
            headline: h.headline,
            standfirst: h.standfirst,
            published_at: model::rfc3339(&h.published_at),
            section: h.section.slug,
            authors: h.authors.into_iter().map(|a| a.slug).collect(),
            snippet: h.snippet.text,
        })
        .collect();
    let body = to_json(&model::SearchResults { data, total: results.total as u64 })?;
    // Made for this request alone, like the search page: not cached,
    // compressed fast.
    let encoding = Encoding::negotiate(headers.get(header::ACCEPT_ENCODING).map(HeaderValue::as_bytes));
    let mut builder = Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, HeaderValue::from_static(JSON))
        .header(header::VARY, HeaderValue::from_static("accept-encoding, authorization"))
        .header(header::CACHE_CONTROL, HeaderValue::from_static("private, no-cache"))
        .header(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    match encoding {
        Encoding::Gzip => builder = builder.header(header::CONTENT_ENCODING, HeaderValue::from_static("gzip")),
        Encoding::Brotli => builder = builder.header(header::CONTENT_ENCODING, HeaderValue::from_static("br")),
        Encoding::Identity => {}
    }
    let body = crate::cache::compress_fast(encoding, body);
    if head {
        return Ok(builder.header(header::CONTENT_LENGTH, body.len()).body(Body::empty()).unwrap_or_default());
    }
    Ok(builder.body(Body::from(body)).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_route_to_operations() {
        assert_eq!(route("/articles/"), Some(Endpoint::Articles));
        assert_eq!(route("/articles/a%20b/"), Some(Endpoint::Article("a b".into())));
        assert_eq!(route("/openapi.json"), Some(Endpoint::OpenApi));
        for none in ["", "/", "/articles", "/articles//", "/articles/a/b/", "/articles/x", "/nope/", "/articles/%FF/"] {
            assert_eq!(route(none), None, "{none}");
        }
    }

    #[test]
    fn fields_always_carry_the_identity() {
        let f = chosen(Some(&[ArticleField::Headline]), true);
        assert_eq!(f, [ArticleField::Id, ArticleField::Slug, ArticleField::Headline]);
        assert!(!chosen(None, true).contains(&ArticleField::BodyHtml));
        assert!(chosen(None, false).contains(&ArticleField::BodyHtml));
    }
}
