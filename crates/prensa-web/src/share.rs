//! Sharing to Mastodon without a third-party service or JavaScript.
//!
//! Mastodon has no central share URL: each reader is on their own server.
//! The article's share link points here; this page asks for the reader's
//! server (a plain GET form) and then redirects to that server's own
//! `/share` page with the text filled in.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use http::header::{self, HeaderMap, HeaderValue};
use http::StatusCode;
use prensa_render::theme::Template;
use prensa_render::view::{MastodonShareView, PageView};
use prensa_store::Store;
use serde::Deserialize;

use crate::public::CSP;
use crate::state::AppState;
use crate::views;

#[derive(Debug, Deserialize)]
pub struct ShareQuery {
    #[serde(default)]
    text: String,
    instance: Option<String>,
}

/// A plausible Mastodon server host name: letters, digits, dots and
/// hyphens, with at least one dot. Anything else could turn the redirect
/// into an open redirect to an arbitrary URL.
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

pub async fn mastodon<S: Store>(
    State(state): State<Arc<AppState<S>>>,
    headers: HeaderMap,
    Query(q): Query<ShareQuery>,
) -> Response {
    let text: String = q.text.chars().take(1000).collect();
    let error = match q.instance.as_deref().map(valid_instance) {
        Some(Some(host)) => {
            let url = format!("https://{host}/share?text={}", views::encode_query(&text));
            return match HeaderValue::from_str(&url) {
                Ok(location) => (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response(),
                Err(_) => StatusCode::BAD_REQUEST.into_response(),
            };
        }
        Some(None) => true,
        None => false,
    };
    let sites = state.sites();
    let Some(site) = sites.for_host(headers.get(header::HOST).and_then(|h| h.to_str().ok())) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mut meta = views::meta(site, site.locale.t("mastodon_share_title"), "", "/share/mastodon/");
    meta.noindex = true;
    let view = PageView { site: &site.view, meta, t: &site.strings, page: MastodonShareView { text, error } };
    match state.theme.render(Template::MastodonShare, &view) {
        Ok(html) => (
            if error { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK },
            [
                (header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8")),
                (header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP)),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            ],
            html,
        )
            .into_response(),
        Err(e) => crate::AppError::Template(e.to_string()).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instances() {
        assert_eq!(valid_instance("mastodon.social").as_deref(), Some("mastodon.social"));
        assert_eq!(valid_instance(" https://Social.Example/ ").as_deref(), Some("social.example"));
        assert_eq!(valid_instance("@ana@mastodon.example").as_deref(), Some("mastodon.example"));
        for bad in ["localhost", "evil.example/path", "javascript:alert(1)", "a b.example", "", ".example", "x.example:8080"] {
            assert_eq!(valid_instance(bad), None, "{bad}");
        }
    }
}
