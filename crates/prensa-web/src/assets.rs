//! Media files and the theme's stylesheet: immutable, content-addressed
//! URLs served with a year-long cache lifetime.

use std::sync::{Arc, OnceLock};

use axum::body::Body;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use http::header::{self, HeaderMap, HeaderValue};
use http::StatusCode;
use prensa_store::{MediaDir, Store};

use crate::cache::{CachedPage, SurrogateKey};
use crate::public::respond;
use crate::state::AppState;

const IMMUTABLE: &str = "public, max-age=31536000, immutable";

pub async fn media<S: Store>(State(state): State<Arc<AppState<S>>>, Path(key): Path<String>) -> Response {
    if !MediaDir::is_valid_key(&key) {
        return StatusCode::NOT_FOUND.into_response();
    }
    // A resized variant (`<hash>-640.webp`) exists only if its original
    // is in the library; its type follows from its extension.
    let lookup = match MediaDir::variant_base(&key) {
        Some(base) => {
            let ext = key.rsplit('.').next().unwrap_or("");
            original_of(&state.store, base).await.map(|found| found.then(|| variant_type(ext).to_owned()))
        }
        None => state.store.media(&key).await.map(|found| found.map(|a| a.content_type)),
    };
    let content_type = match lookup {
        Ok(Some(content_type)) => content_type,
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(e) => return crate::error::AppError::from(e).into_response(),
    };
    let bytes = match state.media.read(&key).await {
        Ok(bytes) => bytes,
        Err(e) => {
            tracing::warn!(%key, error = %e, "media row without file");
            return StatusCode::NOT_FOUND.into_response();
        }
    };
    let content_type = HeaderValue::from_str(&content_type)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    Response::builder()
        .header(header::CONTENT_TYPE, content_type)
        .header(header::CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE))
        .header(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"))
        .body(Body::from(bytes))
        .unwrap_or_default()
}

/// Whether the library holds an original with this hash, whatever its
/// format (a WebP variant may come from any of the four).
async fn original_of<S: Store>(store: &S, hash: &str) -> prensa_store::Result<bool> {
    for ext in ["jpg", "png", "webp", "gif"] {
        if store.media(&format!("{hash}.{ext}")).await?.is_some() {
            return Ok(true);
        }
    }
    Ok(false)
}

fn variant_type(ext: &str) -> &'static str {
    match ext {
        "jpg" => "image/jpeg",
        "png" => "image/png",
        "webp" => "image/webp",
        "gif" => "image/gif",
        _ => "application/octet-stream",
    }
}

/// The stylesheet, compressed once per process.
pub async fn stylesheet<S: Store>(
    State(state): State<Arc<AppState<S>>>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Response {
    static CSS: OnceLock<CachedPage> = OnceLock::new();
    if format!("/assets/{file}") != state.theme.css_url() {
        return StatusCode::NOT_FOUND.into_response();
    }
    let page = CSS.get_or_init(|| {
        CachedPage::new(StatusCode::OK, "text/css; charset=utf-8", state.theme.stylesheet().to_vec(), vec![SurrogateKey::Feed])
    });
    let mut response = respond(page, &headers, false);
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE));
    response
}
