//! Media files and the theme's stylesheet: immutable, content-addressed
//! URLs served with a year-long cache lifetime.

use std::sync::{Arc, OnceLock};

use axum::body::Body;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
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
    let (bytes, content_type) = match state.media.read(&key).await {
        Ok(bytes) => (bytes, content_type),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && MediaDir::variant_base(&key).is_some() => {
            match make_variant(&state, &key).await {
                Some(found) => found,
                None => return StatusCode::NOT_FOUND.into_response(),
            }
        }
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
    Ok(original_asset(store, hash).await?.is_some())
}

async fn original_asset<S: Store>(store: &S, hash: &str) -> prensa_store::Result<Option<prensa_core::MediaAsset>> {
    for ext in ["jpg", "png", "webp", "gif"] {
        if let Some(asset) = store.media(&format!("{hash}.{ext}")).await? {
            return Ok(Some(asset));
        }
    }
    Ok(None)
}

/// Resizing is CPU-bound; at most this many run at once, so a page full of
/// never-seen images cannot starve the server.
static RESIZERS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// Makes a missing variant (`<hash>-<width>.<ext>`) of a library image on
/// its first request: images uploaded through the admin have theirs from
/// the start, imported ones get them here, like Ghost's on-demand sizes.
/// Only the configured widths are made (no arbitrary sizes to fill the
/// disk with). When the original cannot have that variant (an animated
/// image, or one no wider than asked) the original is served instead,
/// which is a valid answer for any `srcset` candidate.
async fn make_variant<S: Store>(state: &AppState<S>, key: &str) -> Option<(Bytes, String)> {
    let hash = MediaDir::variant_base(key)?;
    let width: u32 = key.split_once('-')?.1.split('.').next()?.parse().ok()?;
    if !crate::views::VARIANT_WIDTHS.contains(&width) {
        return None;
    }
    let original = original_asset(&state.store, hash).await.ok()??;
    let bytes = state.media.read(&original.key).await.ok()?;
    let _permit = RESIZERS.acquire().await.ok()?;
    // Another request may have made it while this one waited.
    if let Ok(made) = state.media.read(key).await {
        return Some((made, variant_type(key.rsplit('.').next().unwrap_or("")).to_owned()));
    }
    let limits = prensa_media::Limits { widths: vec![width], ..state.media_limits.clone() };
    let wanted = key.to_owned();
    let processed = tokio::task::spawn_blocking(move || prensa_media::process(&bytes, &limits)).await.ok()?;
    let processed = match processed {
        Ok(p) => Some(p),
        Err(e) => {
            tracing::warn!(key = %wanted, error = %e, "cannot make a variant");
            None
        }
    };
    let mut made = None;
    for v in processed.map(|p| p.variants).unwrap_or_default() {
        let name = format!("{hash}-{}.{}", v.width, v.format.extension());
        let bytes = Bytes::from(v.bytes);
        if let Err(e) = state.media.put(&name, bytes.clone()).await {
            tracing::warn!(key = %name, error = %e, "cannot store a variant");
        }
        if name == wanted {
            made = Some(bytes);
        }
    }
    match made {
        Some(bytes) => Some((bytes, variant_type(key.rsplit('.').next().unwrap_or("")).to_owned())),
        None => Some((state.media.read(&original.key).await.ok()?, original.content_type)),
    }
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
