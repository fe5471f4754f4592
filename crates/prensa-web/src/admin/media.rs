//! The media library: every uploaded image with its thumbnail, original
//! name, alt text, caption and credit; search; the upload form; an edit
//! form per image; deletion; and the picker the editor and the author
//! form choose images with.
//!
//! An upload goes through `prensa_media::process` (format sniffed from the
//! bytes, size and pixel limits before decoding, EXIF/GPS stripped, full
//! decode, variants) before anything is written; a refused file leaves no
//! trace. Files are written first and the row last, so a crash in between
//! leaves at most an unreferenced file, never a row without its file.
//! Deleting goes the other way: the row first (refused while a published
//! article uses the image, see `prensa_store::MediaLibrary`), then the
//! files, original and variants.

use std::sync::Arc;

use axum::extract::{Multipart, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Json};
use chrono::Utc;
use http::{header, HeaderMap, StatusCode};
use prensa_core::permissions::{check, Action};
use prensa_core::{DraftImage, MediaAsset, MediaInfo, MediaMeta, MediaUseKind};
use prensa_store::{MediaDir, Newsroom, StoreError};
use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_64;

use super::form::FormData;
use super::session::{CsrfForm, Staffer};
use super::{AdminError, Chrome, Shared};
use crate::state::{AppState, Site};

/// The largest request the upload route reads: the file limit plus room
/// for the form's other fields and multipart framing.
pub fn request_limit(max_upload_bytes: u64) -> usize {
    usize::try_from(max_upload_bytes).unwrap_or(usize::MAX).saturating_add(1 << 20)
}
const PAGE: u32 = 48;
/// How many of the newest images a picker inside a form offers before
/// any search (plus the chosen one, wherever it is).
pub(crate) const PICKER_CHOICES: u32 = 24;
/// The width thumbnails are shown at in the library, and in pickers.
const THUMB_WIDTH: u32 = 160;
const CHOICE_WIDTH: u32 = 96;

/// The URL of an image's smallest resized variant (WebP, made on first
/// request if missing), or of the original when it is narrower than every
/// variant width.
pub(crate) fn thumb_url(key: &str, width: u32) -> String {
    let hash = key.split('.').next().unwrap_or(key);
    match crate::views::VARIANT_WIDTHS.iter().copied().filter(|w| *w < width).min() {
        Some(w) => format!("/media/{hash}-{w}.webp"),
        None => format!("/media/{key}"),
    }
}

fn wants_json(headers: &HeaderMap) -> bool {
    headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|a| a.contains("application/json"))
}

/// What the JSON answers say of an image: the upload's (for the rich
/// editor) and the lookup's.
#[derive(Serialize)]
pub struct ImageJson {
    pub key: String,
    pub url: String,
    pub thumb: String,
    pub width: u32,
    pub height: u32,
    pub name: String,
    pub alt: String,
    pub caption: String,
    pub credit: String,
}

impl From<&MediaInfo> for ImageJson {
    fn from(m: &MediaInfo) -> ImageJson {
        ImageJson {
            key: m.asset.key.clone(),
            url: format!("/media/{}", m.asset.key),
            thumb: thumb_url(&m.asset.key, m.asset.width),
            width: m.asset.width,
            height: m.asset.height,
            name: m.label().to_owned(),
            alt: m.meta.alt.clone(),
            caption: m.meta.caption.clone(),
            credit: m.meta.credit.clone(),
        }
    }
}

/// `{"error": {"message": …}}` with `status`: the shape the rich editor
/// reads (and the Content API's errors have).
fn json_error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(serde_json::json!({ "error": { "message": message.into() } }))).into_response()
}

/// One image as the templates show it.
#[derive(Serialize)]
pub struct Item {
    key: String,
    url: String,
    thumb: String,
    thumb_width: u32,
    thumb_height: u32,
    width: u32,
    height: u32,
    kb: u64,
    content_type: String,
    label: String,
    alt: String,
    caption: String,
    credit: String,
    /// The caption a hero gets from the library (caption and credit).
    hero_caption: String,
    selected: bool,
}

fn item(m: &MediaInfo, shown_width: u32) -> Item {
    let thumb_height = if m.asset.width == 0 {
        shown_width
    } else {
        u32::try_from(u64::from(shown_width) * u64::from(m.asset.height) / u64::from(m.asset.width))
            .unwrap_or(shown_width)
            .max(1)
    };
    Item {
        key: m.asset.key.clone(),
        url: format!("/media/{}", m.asset.key),
        thumb: thumb_url(&m.asset.key, m.asset.width),
        thumb_width: shown_width,
        thumb_height,
        width: m.asset.width,
        height: m.asset.height,
        kb: m.asset.bytes.div_ceil(1024),
        content_type: m.asset.content_type.clone(),
        label: m.label().to_owned(),
        alt: m.meta.alt.clone(),
        caption: m.meta.caption.clone(),
        credit: m.meta.credit.clone(),
        hero_caption: m.meta.hero_caption(),
        selected: false,
    }
}

/// A picker's choices inside a form: "none" first, the chosen image, then
/// the newest (or those matching `search`).
#[derive(Serialize)]
pub struct Picker {
    /// The form field (`image_key`, `avatar`).
    field: String,
    none_label: String,
    none_selected: bool,
    items: Vec<Item>,
    /// More images match than are shown.
    more: bool,
    search: String,
}

/// The picker for form field `field` with `current` chosen, offering the
/// newest images (or those matching `search`) and the chosen one.
pub(crate) async fn picker<S: Newsroom>(
    store: &S,
    field: &str,
    none_label: &str,
    current: Option<&str>,
    search: &str,
) -> Result<Picker, AdminError> {
    let found = store.search_media(search, PICKER_CHOICES, 0).await?;
    let mut offered = Vec::with_capacity(found.items.len() + 1);
    let current = current.filter(|k| !k.is_empty());
    if let Some(key) = current.filter(|k| !found.items.iter().any(|m| m.asset.key == *k)) {
        offered.extend(store.media_info(key).await?);
    }
    offered.extend(found.items);
    let mut p = picker_of(field, none_label, &offered, current);
    p.more = found.total > u64::from(PICKER_CHOICES);
    p.search = search.to_owned();
    Ok(p)
}

/// The newest images a form's picker offers (see [`picker_of`]), and
/// whether there are more.
pub(crate) async fn newest<S: Newsroom>(store: &S) -> Result<(Vec<MediaInfo>, bool), AdminError> {
    let found = store.search_media("", PICKER_CHOICES, 0).await?;
    Ok((found.items, found.total > u64::from(PICKER_CHOICES)))
}

/// A picker offering `offered` (in that order) with `current` chosen; a
/// current key not among them is offered first, named by its key.
pub(crate) fn picker_of(field: &str, none_label: &str, offered: &[MediaInfo], current: Option<&str>) -> Picker {
    let current = current.filter(|k| !k.is_empty());
    let mut items: Vec<Item> = Vec::with_capacity(offered.len() + 1);
    if let Some(key) = current.filter(|k| !offered.iter().any(|m| m.asset.key == *k)) {
        let unknown = MediaInfo {
            asset: MediaAsset { key: key.to_owned(), content_type: String::new(), width: 0, height: 0, bytes: 0 },
            meta: MediaMeta::default(),
            created_at: 0,
        };
        items.push(Item { thumb: format!("/media/{key}"), ..item(&unknown, CHOICE_WIDTH) });
    }
    items.extend(offered.iter().map(|m| item(m, CHOICE_WIDTH)));
    for i in &mut items {
        i.selected = current == Some(i.key.as_str());
    }
    Picker {
        field: field.to_owned(),
        none_label: none_label.to_owned(),
        none_selected: current.is_none(),
        more: false,
        items,
        search: String::new(),
    }
}

impl Picker {
    /// Says that more images exist than are offered.
    pub(crate) fn with_more(mut self, more: bool) -> Picker {
        self.more = more;
        self
    }
}

/// A hero chosen without alt text (or caption) gets the library's: what
/// the picker's script fills in, done on the server for forms sent
/// without it. Drops the "needs alt text" problem it answers.
pub(crate) async fn prefill_hero<S: Newsroom>(
    store: &S,
    image: Option<&mut DraftImage>,
    problems: &mut Vec<prensa_core::FieldError>,
) -> Result<(), AdminError> {
    let Some(image) = image else { return Ok(()) };
    if !image.alt.trim().is_empty() && image.caption.is_some() {
        return Ok(());
    }
    if let Some(m) = store.media_info(&image.key).await? {
        prensa_core::media::prefill_hero(image, &m.meta);
        if !image.alt.trim().is_empty() {
            problems.retain(|p| p.field != "image_alt");
        }
    }
    Ok(())
}

#[derive(Debug, Default, Deserialize)]
pub struct LibraryQuery {
    #[serde(default)]
    page: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    uploaded: String,
    #[serde(default)]
    deleted: String,
    /// The picker: the form field its choices are for, the chosen key,
    /// and `fragment=1` for the choices alone (the editor's script).
    #[serde(default)]
    field: String,
    #[serde(default)]
    current: String,
    #[serde(default)]
    fragment: String,
}

impl LibraryQuery {
    fn page(&self) -> u32 {
        self.page.parse().unwrap_or(1).max(1)
    }
}

struct Listed {
    items: Vec<Item>,
    total: u64,
    page: u32,
    pages: u32,
}

async fn listed<S: Newsroom>(
    state: &AppState<S>,
    search: &str,
    page: u32,
) -> Result<(Listed, Vec<MediaInfo>), AdminError> {
    let result = state.store.search_media(search, PAGE, (page - 1).saturating_mul(PAGE)).await?;
    let pages = u32::try_from(result.total.div_ceil(u64::from(PAGE))).unwrap_or(1).max(1);
    let items = result.items.iter().map(|m| item(m, THUMB_WIDTH)).collect();
    Ok((Listed { items, total: result.total, page, pages }, result.items))
}

#[allow(clippy::too_many_arguments)]
async fn library_page<S: Newsroom>(
    state: &AppState<S>,
    site: &Site,
    staffer: &Staffer,
    search: &str,
    page: u32,
    status: StatusCode,
    error: Option<String>,
    notice: Option<String>,
    uploaded: Option<String>,
) -> Result<Response, AdminError> {
    let (list, _) = listed(state, search, page).await?;
    #[derive(Serialize)]
    struct Ctx {
        chrome: Chrome,
        items: Vec<Item>,
        total: u64,
        page: u32,
        pages: u32,
        q: String,
        q_encoded: String,
        error: Option<String>,
        notice: Option<String>,
        /// The key just uploaded, for a link to describe it.
        uploaded: Option<String>,
        max_mb: u64,
    }
    let ctx = Ctx {
        chrome: Chrome::new(site, staffer),
        items: list.items,
        total: list.total,
        page: list.page,
        pages: list.pages,
        q: search.to_owned(),
        q_encoded: crate::views::encode_query(search),
        error,
        notice,
        uploaded,
        max_mb: state.media_limits.max_bytes / 1_000_000,
    };
    state.admin.page(status, "media.html", ctx)
}

/// `GET /admin/media/` (`?q=` searches names, alt text, captions, credits).
pub async fn library<S: Newsroom>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    staffer: Staffer,
    Query(q): Query<LibraryQuery>,
) -> Result<Response, AdminError> {
    check(&staffer.user.staff(), Action::UseAdmin)?;
    // `uploaded` names the new key (the browser tests read it from the
    // address); the notice names the file.
    let uploaded = match original_key(&q.uploaded) {
        Ok(key) => state.store.media_info(key).await?,
        Err(_) => None,
    };
    let notice = if !q.deleted.is_empty() {
        Some(format!("Deleted {}.", q.deleted))
    } else if let Some(m) = &uploaded {
        Some(format!("Uploaded {}.", m.label()))
    } else {
        (!q.uploaded.is_empty()).then(|| format!("Uploaded {}.", q.uploaded))
    };
    let uploaded = uploaded.map(|m| m.asset.key);
    library_page(&state, &site, &staffer, q.q.trim(), q.page(), StatusCode::OK, None, notice, uploaded).await
}

/// `GET /admin/media/picker`: the library to choose from. JSON (`Accept:
/// application/json`) for the rich editor: `{items, total, page, pages}`;
/// `fragment=1&field=…&current=…`: a form picker's choices, which the
/// editor's script swaps in as staff search; otherwise a page to search
/// and copy an image's Markdown from.
pub async fn picker_page<S: Newsroom>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    staffer: Staffer,
    headers: HeaderMap,
    Query(q): Query<LibraryQuery>,
) -> Result<Response, AdminError> {
    check(&staffer.user.staff(), Action::UseAdmin)?;
    let search = q.q.trim();
    if wants_json(&headers) {
        let (list, infos) = listed(&state, search, q.page()).await?;
        let items: Vec<ImageJson> = infos.iter().map(ImageJson::from).collect();
        return Ok(Json(
            serde_json::json!({ "items": items, "total": list.total, "page": list.page, "pages": list.pages }),
        )
        .into_response());
    }
    if q.fragment == "1" {
        let field = match q.field.as_str() {
            "avatar" => "avatar",
            _ => "image_key",
        };
        let none_label = if field == "avatar" { "No portrait" } else { "No image" };
        let picker = picker(&state.store, field, none_label, Some(q.current.as_str()), search).await?;
        #[derive(Serialize)]
        struct Ctx {
            root: String,
            picker: Picker,
        }
        return state.admin.page(StatusCode::OK, "media_choices.html", Ctx { root: site.root().to_owned(), picker });
    }
    let (list, _) = listed(&state, search, q.page()).await?;
    #[derive(Serialize)]
    struct Ctx {
        chrome: Chrome,
        items: Vec<Item>,
        total: u64,
        page: u32,
        pages: u32,
        q: String,
        q_encoded: String,
    }
    let ctx = Ctx {
        chrome: Chrome::new(&site, &staffer),
        items: list.items,
        total: list.total,
        page: list.page,
        pages: list.pages,
        q: search.to_owned(),
        q_encoded: crate::views::encode_query(search),
    };
    state.admin.page(StatusCode::OK, "media_picker.html", ctx)
}

/// `POST /admin/media/` (multipart: `csrf`, then `file`; optionally `alt`,
/// `caption`, `credit`). Redirects to the library naming the upload, or, for
/// `Accept: application/json` (the rich editor), answers [`ImageJson`]
/// (errors as `{"error": {"message": …}}`).
pub async fn upload<S: Newsroom>(
    state: Shared<S>,
    site: Extension<Arc<Site>>,
    staffer: Staffer,
    headers: HeaderMap,
    multipart: Multipart,
) -> Result<Response, AdminError> {
    // Refusals raised as errors (a forged CSRF token, a role that may not
    // upload, an unreadable form) reach the editor as JSON too.
    let json = wants_json(&headers);
    match upload_file(state, site, staffer, headers, multipart).await {
        Err(e) if json => Ok(json_error(e.status, e.message)),
        other => other,
    }
}

async fn upload_file<S: Newsroom>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    staffer: Staffer,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Result<Response, AdminError> {
    let json = wants_json(&headers);
    let mut csrf = headers.get("x-csrf-token").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut meta = MediaMeta::default();
    let too_large = || {
        let msg = format!(
            "The file is larger than the {} MB limit; nothing was stored.",
            state.media_limits.max_bytes / 1_000_000
        );
        if json {
            Ok(json_error(StatusCode::PAYLOAD_TOO_LARGE, msg))
        } else {
            Err(AdminError::new(StatusCode::PAYLOAD_TOO_LARGE, msg))
        }
    };
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return too_large(),
            Err(e) => return Err(AdminError::bad_request(format!("The upload could not be read: {}.", e.body_text()))),
        };
        let name = field.name().map(str::to_owned);
        match name.as_deref() {
            Some(text @ ("csrf" | "alt" | "caption" | "credit")) => {
                let value = field.text().await.map_err(|_| AdminError::bad_request("The form could not be read."))?;
                match text {
                    "csrf" => csrf = value,
                    "alt" => meta.alt = value,
                    "caption" => meta.caption = value,
                    _ => meta.credit = value,
                }
            }
            Some("file") => {
                let name = field.file_name().unwrap_or("upload").to_owned();
                let bytes = match field.bytes().await {
                    Ok(b) => b,
                    Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return too_large(),
                    Err(e) => {
                        return Err(AdminError::bad_request(format!(
                            "The upload could not be read: {}.",
                            e.body_text()
                        )))
                    }
                };
                file = Some((name, bytes.to_vec()));
            }
            _ => {}
        }
    }
    // CSRF first: a forged upload is refused before its bytes are looked at.
    staffer.check_csrf(&csrf)?;
    check(&staffer.user.staff(), Action::UploadMedia)?;
    let (st, si, sf) = (&*state, &*site, &staffer);
    let refuse = |status: StatusCode, msg: String| async move {
        if json {
            Ok(json_error(status, msg))
        } else {
            library_page(st, si, sf, "", 1, status, Some(msg), None, None).await
        }
    };
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, "Choose a file to upload.".into()).await;
    };
    meta.name = name.clone();
    let meta = match meta.cleaned() {
        Ok(m) => m,
        Err(why) => return refuse(StatusCode::UNPROCESSABLE_ENTITY, format!("{name} was not stored: {why}")).await,
    };
    let limits = state.media_limits.clone();
    let processed = tokio::task::spawn_blocking(move || prensa_media::process(&bytes, &limits))
        .await
        .map_err(|e| AdminError::internal(e.to_string()))?;
    let processed = match processed {
        Ok(p) => p,
        Err(e) => {
            let msg = format!("{} was not stored: {e}.", meta.name);
            let status = if matches!(e, prensa_media::MediaError::TooLarge { .. }) {
                StatusCode::PAYLOAD_TOO_LARGE
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            return refuse(status, msg).await;
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
    let info = state.store.add_upload(&asset, &meta, Utc::now()).await?;
    tracing::info!(%key, variants = processed.variants.len(), user = staffer.user.id, at = %Utc::now(), "media uploaded");
    if json {
        return Ok(Json(ImageJson::from(&info)).into_response());
    }
    Ok(Redirect::to(&format!("/admin/media/?uploaded={}", crate::views::encode_query(&key))).into_response())
}

/// An original's key from a path (`0a1b….png`), or 404.
fn original_key(key: &str) -> Result<&str, AdminError> {
    if MediaDir::is_valid_key(key) && MediaDir::variant_base(key).is_none() {
        Ok(key)
    } else {
        Err(AdminError::not_found())
    }
}

#[derive(Serialize)]
struct UseView {
    headline: String,
    url: String,
    how: &'static str,
    published: bool,
}

fn use_views(site: &Site, usage: &prensa_core::MediaUsage) -> Vec<UseView> {
    usage
        .articles
        .iter()
        .map(|u| UseView {
            headline: u.headline.clone(),
            // Articles of another publication are edited from its admin;
            // the link goes there when this one is not it.
            url: if u.publication == site.publication.id {
                format!("{}/admin/articles/{}/", site.root(), u.article)
            } else {
                String::new()
            },
            how: match u.kind {
                MediaUseKind::Hero => "lead image",
                MediaUseKind::Portrait => "author portrait",
                MediaUseKind::Body => "in the text",
            },
            published: u.published,
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
async fn edit_page<S: Newsroom>(
    state: &AppState<S>,
    site: &Site,
    staffer: &Staffer,
    info: &MediaInfo,
    meta: &MediaMeta,
    status: StatusCode,
    error: Option<String>,
    notice: Option<String>,
) -> Result<Response, AdminError> {
    let usage = state.store.media_usage(&info.asset.key).await?;
    #[derive(Serialize)]
    struct Ctx<'a> {
        chrome: Chrome,
        m: Item,
        meta: &'a MediaMeta,
        uses: Vec<UseView>,
        portraits: Vec<String>,
        markdown: String,
        can_edit: bool,
        can_delete: bool,
        error: Option<String>,
        notice: Option<String>,
    }
    let staff = staffer.user.staff();
    let ctx = Ctx {
        chrome: Chrome::new(site, staffer),
        m: item(info, 480.min(info.asset.width.max(1))),
        meta,
        uses: use_views(site, &usage),
        portraits: usage.authors.iter().map(|(_, n)| n.clone()).collect(),
        markdown: format!("![{}](/media/{})", meta.alt.replace(['[', ']'], ""), info.asset.key),
        can_edit: check(&staff, Action::UploadMedia).is_ok(),
        can_delete: check(&staff, Action::DeleteMedia).is_ok(),
        error,
        notice,
    };
    state.admin.page(status, "media_edit.html", ctx)
}

#[derive(Debug, Default, Deserialize)]
pub struct EditQuery {
    #[serde(default)]
    saved: String,
}

/// `GET /admin/media/{key}`: the image, what uses it and its edit form;
/// with `Accept: application/json`, [`ImageJson`] (the rich editor's
/// lookup, to prefill alt text and credit when an image is reused).
pub async fn edit<S: Newsroom>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    staffer: Staffer,
    headers: HeaderMap,
    Path(key): Path<String>,
    Query(q): Query<EditQuery>,
) -> Result<Response, AdminError> {
    check(&staffer.user.staff(), Action::UseAdmin)?;
    let key = original_key(&key)?;
    let info = state.store.media_info(key).await?.ok_or_else(AdminError::not_found)?;
    if wants_json(&headers) {
        return Ok(Json(ImageJson::from(&info)).into_response());
    }
    let notice = (!q.saved.is_empty()).then(|| "Saved.".to_owned());
    edit_page(&state, &site, &staffer, &info, &info.meta.clone(), StatusCode::OK, None, notice).await
}

fn meta_of(form: &FormData) -> MediaMeta {
    MediaMeta {
        name: form.get("name").to_owned(),
        alt: form.get("alt").to_owned(),
        caption: form.get("caption").to_owned(),
        credit: form.get("credit").to_owned(),
    }
}

/// `POST /admin/media/{key}`: name, alt text, caption, credit.
pub async fn save<S: Newsroom>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    Path(key): Path<String>,
    posted: CsrfForm,
) -> Result<Response, AdminError> {
    let CsrfForm { staffer, form } = posted;
    check(&staffer.user.staff(), Action::UploadMedia)?;
    let key = original_key(&key)?;
    let info = state.store.media_info(key).await?.ok_or_else(AdminError::not_found)?;
    let typed = meta_of(&form);
    match state.store.update_media(key, &typed).await {
        Ok(()) => {
            Ok(Redirect::to(&format!("/admin/media/{}?saved=1", crate::views::encode_query(key))).into_response())
        }
        Err(StoreError::Invalid(why)) => {
            edit_page(
                &state,
                &site,
                &staffer,
                &info,
                &typed,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(format!("Not saved: {why}")),
                None,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

async fn delete_page<S: Newsroom>(
    state: &AppState<S>,
    site: &Site,
    staffer: &Staffer,
    info: &MediaInfo,
    status: StatusCode,
) -> Result<Response, AdminError> {
    let usage = state.store.media_usage(&info.asset.key).await?;
    #[derive(Serialize)]
    struct Ctx {
        chrome: Chrome,
        m: Item,
        uses: Vec<UseView>,
        portraits: Vec<String>,
        refusal: Option<String>,
    }
    let ctx = Ctx {
        chrome: Chrome::new(site, staffer),
        m: item(info, THUMB_WIDTH),
        uses: use_views(site, &usage),
        portraits: usage.authors.iter().map(|(_, n)| n.clone()).collect(),
        refusal: usage.refusal(),
    };
    state.admin.page(status, "media_delete.html", ctx)
}

/// `GET /admin/media/{key}/delete`: what deleting would touch, and the
/// button — or why it is refused.
pub async fn delete_form<S: Newsroom>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    staffer: Staffer,
    Path(key): Path<String>,
) -> Result<Response, AdminError> {
    check(&staffer.user.staff(), Action::DeleteMedia)?;
    let key = original_key(&key)?;
    let info = state.store.media_info(key).await?.ok_or_else(AdminError::not_found)?;
    delete_page(&state, &site, &staffer, &info, StatusCode::OK).await
}

/// `POST /admin/media/{key}/delete`: removes the row (refused while a
/// published article uses the image: the confirmation page again, 409),
/// then the files, then purges the pages that showed it.
pub async fn delete<S: Newsroom>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    Path(key): Path<String>,
    posted: CsrfForm,
) -> Result<Response, AdminError> {
    let CsrfForm { staffer, .. } = posted;
    check(&staffer.user.staff(), Action::DeleteMedia)?;
    let key = original_key(&key)?;
    let info = state.store.media_info(key).await?.ok_or_else(AdminError::not_found)?;
    match state.store.delete_media(key).await {
        Ok(_) => {}
        Err(StoreError::Invalid(_)) => return delete_page(&state, &site, &staffer, &info, StatusCode::CONFLICT).await,
        Err(e) => return Err(e.into()),
    }
    state.sync_changes().await;
    let failed = remove_files(&state, key).await;
    tracing::info!(%key, user = staffer.user.id, failed, "media deleted");
    Ok(Redirect::to(&format!("/admin/media/?deleted={}", crate::views::encode_query(info.label()))).into_response())
}

/// Removes the original and every variant it may have (each width the
/// pipeline or a request can make, in each format): missing ones are no
/// error. How many removals failed (logged; an orphan file is harmless,
/// its key answers 404 without its row).
async fn remove_files<S: Newsroom>(state: &AppState<S>, key: &str) -> usize {
    let hash = key.split('.').next().unwrap_or(key).to_owned();
    let mut widths: Vec<u32> = crate::views::VARIANT_WIDTHS.iter().chain(&state.media_limits.widths).copied().collect();
    widths.sort_unstable();
    widths.dedup();
    let mut keys = vec![key.to_owned()];
    for w in widths {
        for ext in ["jpg", "png", "webp"] {
            keys.push(format!("{hash}-{w}.{ext}"));
        }
    }
    let mut removals = tokio::task::JoinSet::new();
    for k in keys {
        let media = state.media.clone();
        removals.spawn(async move { media.delete(&k).await.map_err(|e| (k, e)) });
    }
    let mut failed = 0;
    while let Some(done) = removals.join_next().await {
        if let Ok(Err((k, e))) = done {
            tracing::warn!(key = %k, error = %e, "cannot remove a media file");
            failed += 1;
        }
    }
    failed
}
