//! Which publication a request is for, decided once, before routing.
//!
//! A publication is found by its host, or by host and path prefix when its
//! base URL has a path (`https://example.org/de`): see
//! [`Sites::resolve`](crate::state::Sites::resolve). This middleware wraps
//! the whole router (public site, search, media, assets, share, admin): it
//! resolves the publication, strips its prefix from the request's URI and
//! puts the [`Site`] in the request's extensions, so routes are declared
//! once, without prefixes, and every handler takes its site from there.
//! On the way out a root-relative `Location` (`/admin/`, a canonical 301)
//! gets the prefix back, so handlers never build prefixed redirects.
//!
//! The operations endpoints (`/healthz`, `/readyz`, `/metrics`) belong to
//! the process, not to a publication: they answer at the root for any host.
//! Media and the theme's assets are the same bytes for every publication,
//! so at the root they are served even where no publication is found (an
//! article body may link `/media/…` root-relative).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use http::header::{self, HeaderValue};
use http::uri::PathAndQuery;
use http::{StatusCode, Uri};
use prensa_store::Store;

use crate::ops::RouteLabel;
use crate::state::{AppState, Resolved, Site};

/// What an unknown host or prefix gets: plain text, naming no publication,
/// so one publication's page is never served for another's address.
pub const UNKNOWN: &str = "No publication is served at this address.";

/// The publication of the request, from the extensions the middleware
/// filled. Absent only on the process's own endpoints and on root media
/// and assets that no publication claims.
pub fn site_of(req: &http::Extensions) -> Option<&Arc<Site>> {
    req.get::<Arc<Site>>()
}

/// Paths that are the process's, not a publication's.
fn is_process_path(path: &str) -> bool {
    matches!(path, "/healthz" | "/readyz" | "/metrics")
}

/// Paths served identically for every publication.
fn is_shared_path(path: &str) -> bool {
    path.starts_with("/media/") || path.starts_with("/assets/")
}

/// The layer (see the module's documentation). Hand-written rather than
/// `axum::middleware::from_fn_with_state`, which boxes a future and a
/// service per request (see [`crate::ops::TrackLayer`]): this one adds an
/// `Arc` clone and one extension to a request at a publication's root, and
/// the rewritten URI under a prefix.
#[derive(Clone)]
pub struct NetworkLayer<S: Store> {
    state: Arc<AppState<S>>,
}

impl<S: Store> NetworkLayer<S> {
    pub fn new(state: &Arc<AppState<S>>) -> NetworkLayer<S> {
        NetworkLayer { state: state.clone() }
    }
}

impl<S: Store, Svc> tower::Layer<Svc> for NetworkLayer<S> {
    type Service = Network<S, Svc>;

    fn layer(&self, inner: Svc) -> Network<S, Svc> {
        Network { inner, state: self.state.clone() }
    }
}

/// The service [`NetworkLayer`] wraps the router in.
#[derive(Clone)]
pub struct Network<S: Store, Svc> {
    inner: Svc,
    state: Arc<AppState<S>>,
}

impl<S, Svc> tower::Service<Request> for Network<S, Svc>
where
    S: Store,
    Svc: tower::Service<Request, Response = Response>,
    // axum's router future is `Unpin` (its inner future is boxed), which
    // spares this future any pin projection.
    Svc::Future: Unpin,
{
    type Response = Response;
    type Error = Svc::Error;
    type Future = NetworkFuture<Svc::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request) -> Self::Future {
        let path = req.uri().path();
        if is_process_path(path) {
            return NetworkFuture::Inner { inner: self.inner.call(req), prefixed: None };
        }
        let sites = self.state.sites();
        let host = req.headers().get(header::HOST).and_then(|h| h.to_str().ok());
        let (site, prefix_len) = match sites.resolve(host, path) {
            Resolved::Site { site, prefix_len } => (site.clone(), prefix_len),
            Resolved::AddSlash => return self.answer(add_slash(req.uri())),
            Resolved::Unknown if is_shared_path(path) => {
                return NetworkFuture::Inner { inner: self.inner.call(req), prefixed: None };
            }
            Resolved::Unknown => return self.answer(unknown()),
        };
        drop(sites);
        // Only a request that came in under the prefix has its redirects
        // mapped back under it: the fallback publication may answer an
        // unknown host's root-relative path too.
        let prefixed = (prefix_len > 0).then(|| site.clone());
        if prefix_len > 0 {
            if let Some(uri) = strip(req.uri(), prefix_len) {
                *req.uri_mut() = uri;
            }
        }
        req.extensions_mut().insert(site);
        NetworkFuture::Inner { inner: self.inner.call(req), prefixed }
    }
}

impl<S: Store, Svc> Network<S, Svc> {
    /// An answer of this layer's own, counted like the public site's pages
    /// (under the `page` label, as unknown URLs are) and closing the
    /// connection while draining, as [`crate::ops::TrackLayer`] does for
    /// the routes.
    fn answer<F>(&self, mut response: Response) -> NetworkFuture<F> {
        self.state.metrics.record(RouteLabel::Page, response.status(), std::time::Duration::ZERO);
        if self.state.is_draining() {
            response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        NetworkFuture::Answer(Some(response))
    }
}

/// The future of [`Network`]: the router's, with the prefix to put back on
/// its answer, or an answer of its own.
pub enum NetworkFuture<F> {
    Inner { inner: F, prefixed: Option<Arc<Site>> },
    Answer(Option<Response>),
}

impl<F, E> Future for NetworkFuture<F>
where
    F: Future<Output = Result<Response, E>> + Unpin,
{
    type Output = Result<Response, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // Every field is `Unpin` (`F` by the bound), so the enum is too.
        match self.get_mut() {
            NetworkFuture::Inner { inner, prefixed } => {
                let mut response = match Pin::new(inner).poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                    Poll::Ready(Ok(response)) => response,
                };
                if let Some(site) = prefixed {
                    add_prefix(&mut response, site.root());
                }
                Poll::Ready(Ok(response))
            }
            NetworkFuture::Answer(answer) => Poll::Ready(Ok(answer.take().unwrap_or_default())),
        }
    }
}

/// `/de` → 301 `/de/`, query kept.
fn add_slash(uri: &Uri) -> Response {
    let to = match uri.query() {
        Some(q) => format!("{}/?{q}", uri.path()),
        None => format!("{}/", uri.path()),
    };
    match HeaderValue::from_str(&to) {
        Ok(location) => (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, location)]).into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

fn unknown() -> Response {
    (StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"))], UNKNOWN)
        .into_response()
}

/// The URI without its first `len` path bytes (the prefix, which
/// [`Sites::resolve`](crate::state::Sites::resolve) found to end at a
/// segment boundary followed by `/`), query kept.
fn strip(uri: &Uri, len: usize) -> Option<Uri> {
    let rest = uri.path().get(len..)?;
    let pq = match uri.query() {
        Some(q) => format!("{rest}?{q}"),
        None => rest.to_owned(),
    };
    let mut parts = uri.clone().into_parts();
    parts.path_and_query = Some(PathAndQuery::try_from(pq).ok()?);
    Uri::from_parts(parts).ok()
}

/// Puts the prefix in front of a root-relative `Location` (not `//host`,
/// which is another site) and of a cookie's `Path` narrower than `/` (the
/// admin's cookies over plain http, `Path=/admin`, which a browser would
/// not send to `/de/admin/`). `Path=/` stays: the `__Host-` cookies
/// require it, and it covers the prefix anyway.
fn add_prefix(response: &mut Response, prefix: &str) {
    let headers = response.headers_mut();
    if let Some(location) = headers.get(header::LOCATION).and_then(|v| v.to_str().ok()) {
        if location.starts_with('/') && !location.starts_with("//") {
            if let Ok(v) = HeaderValue::from_str(&format!("{prefix}{location}")) {
                headers.insert(header::LOCATION, v);
            }
        }
    }
    if !headers.contains_key(header::SET_COOKIE) {
        return;
    }
    let cookies: Vec<HeaderValue> = headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().ok().and_then(|c| cookie_under(c, prefix)).unwrap_or_else(|| v.clone()))
        .collect();
    headers.remove(header::SET_COOKIE);
    for c in cookies {
        headers.append(header::SET_COOKIE, c);
    }
}

/// A `Set-Cookie` value with its `Path` (if narrower than `/`) under
/// `prefix`; `None` when it needs no change.
fn cookie_under(cookie: &str, prefix: &str) -> Option<HeaderValue> {
    let mut changed = false;
    let parts: Vec<String> = cookie
        .split(';')
        .map(|attr| {
            let trimmed = attr.trim_start();
            match trimmed.get(..5) {
                Some(name)
                    if name.eq_ignore_ascii_case("path=") && trimmed.len() > 6 && trimmed[5..].starts_with('/') =>
                {
                    changed = true;
                    format!(" Path={prefix}{}", &trimmed[5..])
                }
                _ => attr.to_owned(),
            }
        })
        .collect();
    if !changed {
        return None;
    }
    HeaderValue::from_str(&parts.join(";")).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stripping_keeps_the_query() {
        let uri: Uri = "/de/search/?q=x".parse().expect("uri");
        assert_eq!(strip(&uri, 3).expect("stripped").to_string(), "/search/?q=x");
        let uri: Uri = "/de/".parse().expect("uri");
        assert_eq!(strip(&uri, 3).expect("stripped").to_string(), "/");
    }

    #[test]
    fn only_root_relative_locations_get_the_prefix() {
        for (given, expected) in [
            ("/admin/", "/de/admin/"),
            ("//evil.example/", "//evil.example/"),
            ("https://x.example/", "https://x.example/"),
        ] {
            let mut r = (StatusCode::SEE_OTHER, [(header::LOCATION, given)]).into_response();
            add_prefix(&mut r, "/de");
            assert_eq!(r.headers()[header::LOCATION], expected);
        }
    }

    #[test]
    fn narrow_cookie_paths_get_the_prefix() {
        let mut r = StatusCode::OK.into_response();
        r.headers_mut().append(header::SET_COOKIE, HeaderValue::from_static("a=1; Path=/admin; HttpOnly"));
        r.headers_mut().append(header::SET_COOKIE, HeaderValue::from_static("__Host-b=2; Path=/; Secure"));
        add_prefix(&mut r, "/de");
        let got: Vec<&str> = r.headers().get_all(header::SET_COOKIE).iter().filter_map(|v| v.to_str().ok()).collect();
        assert_eq!(got, ["a=1; Path=/de/admin; HttpOnly", "__Host-b=2; Path=/; Secure"]);
    }
}
