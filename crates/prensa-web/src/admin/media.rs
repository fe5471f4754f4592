//! The media library: every uploaded image, and the upload form.
//!
//! An upload goes through `prensa_media::process` (format sniffed from the
//! bytes, size and pixel limits before decoding, EXIF/GPS stripped, full
//! decode, variants) before anything is written; a refused file leaves no
//! trace. Files are written first and the row last, so a crash in between
//! leaves at most an unreferenced file, never a row without its file.

use std::sync::Arc;

use axum::extract::{Multipart, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use chrono::Utc;
use http::StatusCode;
use prensa_core::permissions::{check, Action};
use prensa_core::MediaAsset;
use prensa_store::Newsroom;
use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_64;

use super::session::Staffer;
use super::{AdminError, Chrome};
use crate::state::{AppState, Site};

type Shared<S> = State<Arc<AppState<S>>>;

/// The largest request the upload route reads: the file limit plus room
/// for the form's other fields and multipart framing.
pub fn request_limit(max_upload_bytes: u64) -> usize {
    usize::try_from(max_upload_bytes).unwrap_or(usize::MAX).saturating_add(1 << 20)
}
const PAGE: u32 = 48;

#[derive(Debug, Default, Deserialize)]
pub struct LibraryQuery {
    #[serde(default)]
    page: String,
    #[serde(default)]
    uploaded: String,
}

#[derive(Serialize)]
struct Item {
    key: String,
    url: String,
    width: u32,
    height: u32,
    kb: u64,
    content_type: String,
}

async fn library_page<S: Newsroom>(
    state: &AppState<S>,
    site: &Site,
    staffer: &Staffer,
    page: u32,
    status: StatusCode,
    error: Option<String>,
    notice: Option<String>,
) -> Result<Response, AdminError> {
    let result = state.store.media_list(PAGE, (page - 1).saturating_mul(PAGE)).await?;
    let pages = u32::try_from(result.total.div_ceil(u64::from(PAGE))).unwrap_or(1).max(1);
    #[derive(Serialize)]
    struct Ctx {
        chrome: Chrome,
        items: Vec<Item>,
        total: u64,
        page: u32,
        pages: u32,
        error: Option<String>,
        notice: Option<String>,
        max_mb: u64,
    }
    let ctx = Ctx {
        chrome: Chrome::new(site, staffer),
        items: result
            .items
            .into_iter()
            .map(|m| Item {
                url: format!("/media/{}", m.key),
                width: m.width,
                height: m.height,
                kb: m.bytes.div_ceil(1024),
                content_type: m.content_type,
                key: m.key,
            })
            .collect(),
        total: result.total,
        page,
        pages,
        error,
        notice,
        max_mb: state.media_limits.max_bytes / 1_000_000,
    };
    state.admin.page(status, "media.html", ctx)
}

/// `GET /admin/media/`.
pub async fn library<S: Newsroom>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    staffer: Staffer,
    Query(q): Query<LibraryQuery>,
) -> Result<Response, AdminError> {
    check(&staffer.user.staff(), Action::UseAdmin)?;
    let page = q.page.parse().unwrap_or(1).max(1);
    let notice = (!q.uploaded.is_empty()).then(|| format!("Uploaded {}.", q.uploaded));
    library_page(&state, &site, &staffer, page, StatusCode::OK, None, notice).await
}

/// `POST /admin/media/` (multipart: `csrf`, then `file`).
pub async fn upload<S: Newsroom>(
    state: Shared<S>,
    site: Extension<Arc<Site>>,
    headers: http::HeaderMap,
    staffer: Staffer,
    multipart: Multipart,
) -> Result<Response, AdminError> {
    // The editor uploads with `Accept: application/json` and gets JSON back,
    // errors included (same status, `{"error": {"message"}}`); the form
    // without JavaScript gets pages as before.
    let json = headers.get(http::header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("application/json"));
    match upload_file(state, site, staffer, multipart, json).await {
        Err(e) if json => Ok(json_error(e.status, &e.message)),
        other => other,
    }
}

/// `{"error": {"message": …}}` with `status`, for the editor's uploads.
fn json_error(status: StatusCode, message: &str) -> Response {
    (status, axum::Json(serde_json::json!({ "error": { "message": message } }))).into_response()
}

async fn upload_file<S: Newsroom>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    staffer: Staffer,
    mut multipart: Multipart,
    json: bool,
) -> Result<Response, AdminError> {
    let mut csrf = String::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    let too_large = || {
        AdminError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("The file is larger than the {} MB limit; nothing was stored.", state.media_limits.max_bytes / 1_000_000),
        )
    };
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large()),
            Err(e) => return Err(AdminError::bad_request(format!("The upload could not be read: {}.", e.body_text()))),
        };
        match field.name() {
            Some("csrf") => csrf = field.text().await.map_err(|_| AdminError::bad_request("The form could not be read."))?,
            Some("file") => {
                let name = field.file_name().unwrap_or("upload").to_owned();
                let bytes = match field.bytes().await {
                    Ok(b) => b,
                    Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large()),
                    Err(e) => return Err(AdminError::bad_request(format!("The upload could not be read: {}.", e.body_text()))),
                };
                file = Some((name, bytes.to_vec()));
            }
            _ => {}
        }
    }
    // CSRF first: a forged upload is refused before its bytes are looked at.
    staffer.check_csrf(&csrf)?;
    check(&staffer.user.staff(), Action::UploadMedia)?;
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        if json {
            return Ok(json_error(StatusCode::UNPROCESSABLE_ENTITY, "Choose a file to upload."));
        }
        return library_page(&state, &site, &staffer, 1, StatusCode::UNPROCESSABLE_ENTITY, Some("Choose a file to upload.".into()), None).await;
    };
    let limits = state.media_limits.clone();
    let processed = tokio::task::spawn_blocking(move || prensa_media::process(&bytes, &limits))
        .await
        .map_err(|e| AdminError::internal(e.to_string()))?;
    let processed = match processed {
        Ok(p) => p,
        Err(e) => {
            let msg = format!("{name} was not stored: {e}.");
            let status = if matches!(e, prensa_media::MediaError::TooLarge { .. }) {
                StatusCode::PAYLOAD_TOO_LARGE
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            if json {
                return Ok(json_error(status, &msg));
            }
            return library_page(&state, &site, &staffer, 1, status, Some(msg), None).await;
        }
    };
    let original = &processed.original;
    let hash = format!("{:016x}", xxh3_64(&original.bytes));
    let key = format!("{hash}.{}", original.format.extension());
    let files = std::iter::once((key.clone(), &original.bytes))
        .chain(processed.variants.iter().map(|v| (format!("{hash}-{}.{}", v.width, v.format.extension()), &v.bytes)));
    // Concurrently: on object storage each write is a round trip or two.
    let mut writes = tokio::task::JoinSet::new();
    for (k, b) in files {
        let (media, bytes) = (state.media.clone(), bytes::Bytes::from(b.clone()));
        writes.spawn(async move { media.put(&k, bytes).await });
    }
    while let Some(written) = writes.join_next().await {
        written
            .map_err(|e| AdminError::internal(e.to_string()))?
            .map_err(|e| AdminError::internal(format!("writing media: {e}")))?;
    }
    let asset = MediaAsset {
        key: key.clone(),
        content_type: original.format.content_type().to_owned(),
        width: original.width,
        height: original.height,
        bytes: original.bytes.len() as u64,
    };
    state.store.add_media(&asset).await?;
    tracing::info!(%key, variants = processed.variants.len(), user = staffer.user.id, at = %Utc::now(), "media uploaded");
    if json {
        let url = site.path(&format!("/media/{key}"));
        let body = serde_json::json!({ "key": key, "url": url, "width": asset.width, "height": asset.height, "name": name });
        return Ok(axum::Json(body).into_response());
    }
    Ok(Redirect::to(&format!("/admin/media/?uploaded={}", crate::views::encode_query(&key))).into_response())
}
