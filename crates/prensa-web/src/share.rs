//! Sharing to Mastodon without a third-party service or JavaScript.
//!
//! Mastodon has no central share URL: each reader is on their own server.
//! The article's share link points here (`GET /share/mastodon/?text=…`);
//! this page asks for the reader's server in a form that posts back here,
//! and the answer sends the browser on to that server's own `/share` page
//! with the text filled in.
//!
//! Only the site's own form goes on by itself. Anything else naming a
//! server — a link from another site (`?instance=evil.example&text=…`), a
//! cross-site form post, an old link — gets a page that names the server
//! and shows the text, with a link to follow or not: this endpoint is
//! never a redirect an outsider can point anywhere with words of their
//! choosing. "The site's own form" means a POST the browser marks
//! `Sec-Fetch-Site: same-origin`, or, from a browser too old to send that
//! header, whose `Origin` is this host. A link cannot make a POST, and the
//! sanitizer keeps forms out of articles, so content on the site cannot
//! make one either.
//!
//! The way on is a `Refresh: 0` header on that page rather than a 303:
//! browsers apply the page's CSP `form-action` (only `'self'`) to the
//! redirects that follow a form submission, but not to a refresh.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Form};
use http::header::{self, HeaderMap, HeaderValue};
use http::StatusCode;
use prensa_render::theme::Template;
use prensa_render::view::{MastodonConfirmView, MastodonShareView, PageView};
use prensa_store::Store;
use serde::Deserialize;

use crate::public::CSP;
use crate::state::{AppState, Site};
use crate::views;

#[derive(Debug, Deserialize)]
pub struct ShareQuery {
    #[serde(default)]
    text: String,
    instance: Option<String>,
}

/// A plausible Mastodon server host name: letters, digits, dots and
/// hyphens, with at least one dot. Anything else could turn the link into
/// one to an arbitrary URL.
pub fn valid_instance(host: &str) -> Option<String> {
    let host = host.trim().trim_start_matches("https://").trim_end_matches('/').trim_start_matches('@');
    let host = host.rsplit('@').next().unwrap_or(host).to_ascii_lowercase();
    let ok = host.len() <= 253
        && host.contains('.')
        && !host.starts_with(['.', '-'])
        && !host.ends_with(['.', '-'])
        && host.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
    ok.then_some(host)
}

/// Whether a request comes from a page of this site (see the module docs):
/// `Sec-Fetch-Site` when the browser sends it (it cannot be set by a page),
/// else `Origin` against `Host`. Neither header: not from the form.
pub fn from_own_page(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        return site.as_bytes() == b"same-origin";
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let origin = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok());
    match (host, origin) {
        // The scheme is left out: behind a TLS-terminating proxy the
        // browser says https while this server hears plain http.
        (Some(host), Some(origin)) => origin
            .split_once("://")
            .is_some_and(|(_, authority)| !host.is_empty() && authority.eq_ignore_ascii_case(host)),
        _ => false,
    }
}

/// `GET /share/mastodon/`: the form, with the text to share. A server
/// named in the query (a link from anywhere) only gets the confirmation
/// page, never an automatic redirect.
pub async fn mastodon<S: Store>(
    State(state): State<Arc<AppState<S>>>,
    Extension(site): Extension<Arc<Site>>,
    Query(q): Query<ShareQuery>,
) -> Response {
    answer(&state, &site, q, false)
}

/// `POST /share/mastodon/`: the form's submission. Sent on to the server
/// when it comes from the site's own page; confirmed otherwise.
pub async fn mastodon_form<S: Store>(
    State(state): State<Arc<AppState<S>>>,
    Extension(site): Extension<Arc<Site>>,
    headers: HeaderMap,
    Form(q): Form<ShareQuery>,
) -> Response {
    let own = from_own_page(&headers);
    answer(&state, &site, q, own)
}

fn answer<S: Store>(state: &AppState<S>, site: &Site, q: ShareQuery, go_on: bool) -> Response {
    let text: String = q.text.chars().take(1000).collect();
    let (error, confirm) = match q.instance.as_deref().map(valid_instance) {
        Some(Some(host)) => {
            let confirm = MastodonConfirmView {
                question: site.locale.t_with("mastodon_confirm", &[("instance", &host)]),
                continue_label: site.locale.t_with("mastodon_continue", &[("instance", &host)]),
                share_url: format!("https://{host}/share?text={}", views::encode_query(&text)),
                back_url: site.path(&format!("/share/mastodon/?text={}", views::encode_query(&text))),
            };
            (false, Some(confirm))
        }
        Some(None) => (true, None),
        None => (false, None),
    };
    // Percent-encoded, so always a valid header value.
    let refresh =
        confirm.as_ref().filter(|_| go_on).and_then(|c| HeaderValue::from_str(&format!("0; url={}", c.share_url)).ok());
    let mut meta = views::meta(site, site.locale.t("mastodon_share_title"), "", "/share/mastodon/");
    meta.noindex = true;
    let view = PageView { site: &site.view, meta, t: &site.strings, page: MastodonShareView { text, error, confirm } };
    let html = match state.theme.render(Template::MastodonShare, &view) {
        Ok(html) => html,
        Err(e) => return crate::AppError::Template(e.to_string()).into_response(),
    };
    let mut response = (
        if error { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK },
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8")),
            (header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP)),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        html,
    )
        .into_response();
    if let Some(refresh) = refresh {
        response.headers_mut().insert(header::REFRESH, refresh);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instances() {
        assert_eq!(valid_instance("mastodon.social").as_deref(), Some("mastodon.social"));
        assert_eq!(valid_instance(" https://Social.Example/ ").as_deref(), Some("social.example"));
        assert_eq!(valid_instance("@ana@mastodon.example").as_deref(), Some("mastodon.example"));
        for bad in
            ["localhost", "evil.example/path", "javascript:alert(1)", "a b.example", "", ".example", "x.example:8080"]
        {
            assert_eq!(valid_instance(bad), None, "{bad}");
        }
    }

    #[test]
    fn own_page_means_same_origin() {
        let headers = |pairs: &[(&'static str, &'static str)]| {
            let mut h = HeaderMap::new();
            for (k, v) in pairs {
                h.insert(*k, HeaderValue::from_static(v));
            }
            h
        };
        assert!(from_own_page(&headers(&[("host", "mag.example"), ("sec-fetch-site", "same-origin")])));
        assert!(from_own_page(&headers(&[("host", "mag.example"), ("origin", "https://mag.example")])));
        assert!(from_own_page(&headers(&[("host", "localhost:8080"), ("origin", "http://LOCALHOST:8080")])));
        for refused in [
            headers(&[("host", "mag.example"), ("sec-fetch-site", "cross-site"), ("origin", "https://mag.example")]),
            headers(&[("host", "mag.example"), ("sec-fetch-site", "same-site")]),
            headers(&[("host", "mag.example"), ("sec-fetch-site", "none")]),
            headers(&[("host", "mag.example"), ("origin", "https://evil.example")]),
            headers(&[("host", "mag.example"), ("origin", "https://mag.example.evil.example")]),
            headers(&[("host", "mag.example"), ("origin", "null")]),
            headers(&[("host", "mag.example")]),
            headers(&[("origin", "https://mag.example")]),
        ] {
            assert!(!from_own_page(&refused), "{refused:?}");
        }
    }
}
