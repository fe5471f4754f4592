//! Media files and the theme's stylesheet: immutable, content-addressed
//! URLs served with a year-long cache lifetime.

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, OnceLock, RwLock};

use axum::body::Body;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::header::{self, HeaderMap, HeaderValue};
use http::StatusCode;
use prensa_core::MediaAsset;
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
    let (content_type, original) = match MediaDir::variant_base(&key) {
        Some(base) => match original_asset(&state.store, base).await {
            Ok(Some(original)) => (variant_type(key.rsplit('.').next().unwrap_or("")).to_owned(), Some(original)),
            Ok(None) => return StatusCode::NOT_FOUND.into_response(),
            Err(e) => return crate::error::AppError::from(e).into_response(),
        },
        None => match state.store.media(&key).await {
            Ok(Some(asset)) => (asset.content_type, None),
            Ok(None) => return StatusCode::NOT_FOUND.into_response(),
            Err(e) => return crate::error::AppError::from(e).into_response(),
        },
    };
    let (bytes, content_type) = match (state.media.read(&key).await, &original) {
        (Ok(bytes), _) => (bytes, content_type),
        (Err(e), Some(original)) if e.kind() == std::io::ErrorKind::NotFound => {
            match make_variant(&state, &key, original).await {
                Some(found) => found,
                None => return StatusCode::NOT_FOUND.into_response(),
            }
        }
        (Err(e), _) => {
            tracing::warn!(%key, error = %e, "media row without file");
            return StatusCode::NOT_FOUND.into_response();
        }
    };
    let content_type =
        HeaderValue::from_str(&content_type).unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    Response::builder()
        .header(header::CONTENT_TYPE, content_type)
        .header(header::CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE))
        .header(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"))
        .body(Body::from(bytes))
        .unwrap_or_default()
}

/// The library's original with this hash, whatever its format (a WebP
/// variant may come from any of the four).
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

/// Originals decoded to make a variant on request, for `/metrics`
/// (`prensa_media_variant_decodes_total`): each costs a full decode, so
/// this should grow with the library, not with traffic.
static VARIANT_DECODES: AtomicU64 = AtomicU64::new(0);

pub fn variant_decodes() -> u64 {
    VARIANT_DECODES.load(Ordering::Relaxed)
}

/// Variant names whose answer turned out to be the original after a decode
/// (an animated image, or one whose stored width was off): remembered so
/// the decode happens once per process, not once per request. Bounded by
/// the library: a name gets here only with an original in it, one of the
/// configured widths and one of four extensions. Process-wide because
/// media names are content hashes: the answer is the same in every state.
static ORIGINAL_ONLY: LazyLock<RwLock<HashSet<Box<str>>>> = LazyLock::new(RwLock::default);

/// Makes a missing variant (`<hash>-<width>.<ext>`) of a library image on
/// its first request: images uploaded through the admin have theirs from
/// the start, imported ones get them here, like Ghost's on-demand sizes.
/// Only the configured widths are made (no arbitrary sizes to fill the
/// disk with). When the original cannot have that variant (an animated
/// image, or one no wider than asked) the original is served instead,
/// which is a valid answer for any `srcset` candidate.
async fn make_variant<S: Store>(state: &AppState<S>, key: &str, original: &MediaAsset) -> Option<(Bytes, String)> {
    let hash = MediaDir::variant_base(key)?;
    let width: u32 = key.split_once('-')?.1.split('.').next()?.parse().ok()?;
    if !crate::views::VARIANT_WIDTHS.contains(&width) {
        return None;
    }
    // Variants are never upscaled, so one as wide as the original or wider
    // is the original: known from its stored width without opening it.
    // (Decoding it to find out cost a full decode per request, ~100 ms
    // for a tall PNG, and nothing was stored to remember the answer.)
    let original_only = |key: &str| ORIGINAL_ONLY.read().unwrap_or_else(|e| e.into_inner()).contains(key);
    if (original.width > 0 && width >= original.width) || original_only(key) {
        return Some((state.media.read(&original.key).await.ok()?, original.content_type.clone()));
    }
    let bytes = state.media.read(&original.key).await.ok()?;
    let _permit = RESIZERS.acquire().await.ok()?;
    // Another request may have made it while this one waited.
    if let Ok(made) = state.media.read(key).await {
        return Some((made, variant_type(key.rsplit('.').next().unwrap_or("")).to_owned()));
    }
    if original_only(key) {
        return Some((bytes, original.content_type.clone()));
    }
    let limits = prensa_media::Limits { widths: vec![width], ..state.media_limits.clone() };
    let wanted = key.to_owned();
    VARIANT_DECODES.fetch_add(1, Ordering::Relaxed);
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
        None => {
            // The same bytes give the same answer next time: remember it.
            ORIGINAL_ONLY.write().unwrap_or_else(|e| e.into_inner()).insert(wanted.into());
            Some((state.media.read(&original.key).await.ok()?, original.content_type.clone()))
        }
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
    // The figures' stylesheet, linked only by articles with figures.
    static FIGURES_CSS: OnceLock<CachedPage> = OnceLock::new();
    let path = format!("/assets/{file}");
    let page = if path == state.theme.css_url() {
        CSS.get_or_init(|| {
            CachedPage::new(
                StatusCode::OK,
                "text/css; charset=utf-8",
                state.theme.stylesheet().to_vec(),
                vec![SurrogateKey::Feed],
            )
        })
    } else if path == prensa_render::theme::figures_css_url() {
        FIGURES_CSS.get_or_init(|| {
            let css = prensa_render::theme::figures_stylesheet().to_vec();
            CachedPage::new(StatusCode::OK, "text/css; charset=utf-8", css, vec![SurrogateKey::Feed])
        })
    } else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mut response = respond(page, &headers, false);
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE));
    response
}
