//! The curated front page (`/admin/front/`, editors and above) and the
//! publication's logo and favicon (`/admin/settings/brand`,
//! administrators, beside the other settings).
//!
//! Pins are plain forms — pin as lead or as featured with an optional
//! expiry, up/down buttons, unpin — so curating works without JavaScript.
//! The rules (only published articles, at most
//! [`prensa_core::front::MAX_PINS`], expiry in the future) are the store's
//! and the domain's; a refusal is shown on the page and nothing is
//! written. Every write goes through the change feed, which purges the
//! home pages (pins) or every page (the logo is in every header).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use http::StatusCode;
use prensa_core::front::{Slot, MAX_PINS};
use prensa_core::permissions::{check, Action};
use prensa_core::{ArticleQuery, Id};
use prensa_store::{Desk, StoreError};
use serde::Serialize;

use super::form::FormData;
use super::session::{CsrfForm, Staffer};
use super::{AdminError, Chrome, Shared};
use crate::state::{AppState, Site};

/// How many recent published articles the pin form offers.
const CANDIDATES: u32 = 50;

#[derive(Serialize)]
struct PinRow {
    id: Id,
    headline: String,
    url: String,
    /// "Lead" or "Featured".
    place: &'static str,
    expires: Option<String>,
    live: bool,
    has_image: bool,
    first: bool,
    last: bool,
}

#[derive(Serialize)]
struct Candidate {
    id: Id,
    headline: String,
    selected: bool,
}

/// What the pin form was given, to show it again after a refusal.
#[derive(Serialize, Default)]
struct Typed {
    article: Option<Id>,
    slot: String,
    expires: String,
}

fn zone(site: &Site) -> chrono_tz::Tz {
    site.publication.timezone.parse().unwrap_or(chrono_tz::UTC)
}

async fn front_page<S: Desk>(
    state: &AppState<S>,
    site: &Site,
    staffer: &Staffer,
    status: StatusCode,
    error: Option<String>,
    typed: Typed,
) -> Result<Response, AdminError> {
    #[derive(Serialize)]
    struct Ctx {
        chrome: Chrome,
        pins: Vec<PinRow>,
        candidates: Vec<Candidate>,
        typed: Typed,
        full: bool,
        max: usize,
        zone: String,
        error: Option<String>,
    }
    let now = Utc::now();
    let p = &site.publication;
    let recent = ArticleQuery { limit: CANDIDATES, ..Default::default() };
    let (pins, recent) =
        tokio::try_join!(state.store.front_pins(p.id, now), state.store.published_articles(p.id, &recent, now))?;
    let tz = zone(site);
    let count = pins.len();
    let rows = pins
        .iter()
        .enumerate()
        .map(|(i, pin)| PinRow {
            id: pin.article,
            headline: pin.headline.clone(),
            url: site.path(&crate::views::article_path(&pin.slug)),
            place: if i == 0 { "Lead" } else { "Featured" },
            expires: pin.expires_at.map(|e| e.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string()),
            live: pin.live,
            has_image: pin.has_image,
            first: i == 0,
            last: i + 1 == count,
        })
        .collect();
    let candidates = recent
        .items
        .into_iter()
        .filter(|a| !pins.iter().any(|pin| pin.article == a.id))
        .map(|a| Candidate { selected: typed.article == Some(a.id), id: a.id, headline: a.headline })
        .collect();
    let ctx = Ctx {
        chrome: Chrome::new(site, staffer),
        pins: rows,
        candidates,
        typed,
        full: count >= MAX_PINS,
        max: MAX_PINS,
        zone: p.timezone.clone(),
        error,
    };
    state.admin.page(status, "front.html", ctx)
}

/// `GET /admin/front/`.
pub async fn page<S: Desk>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    staffer: Staffer,
) -> Result<Response, AdminError> {
    check(&staffer.user.staff(), Action::CurateFrontPage)?;
    front_page(&state, &site, &staffer, StatusCode::OK, None, Typed { slot: "lead".into(), ..Typed::default() }).await
}

/// Reads `datetime-local` text in the publication's zone; empty is no
/// expiry.
fn expiry_of(site: &Site, text: &str) -> Result<Option<DateTime<Utc>>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S"))
        .map_err(|_| "the expiry must be a date and a time".to_owned())?;
    let at = zone(site).from_local_datetime(&naive).earliest().ok_or_else(|| {
        format!(
            "there is no {} in {}: the clocks skip it",
            naive.format("%H:%M on %Y-%m-%d"),
            site.publication.timezone
        )
    })?;
    Ok(Some(at.with_timezone(&Utc)))
}

fn pin_of(site: &Site, form: &FormData) -> Result<(Id, Slot, Option<DateTime<Utc>>), String> {
    let article = form.get("article").trim().parse::<Id>().map_err(|_| "choose an article to pin".to_owned())?;
    let slot = Slot::parse(form.get("slot").trim()).ok_or("choose lead or featured")?;
    Ok((article, slot, expiry_of(site, form.get("expires"))?))
}

/// Shows the page again with the refusal, or goes back to it.
async fn after<S: Desk>(
    state: &AppState<S>,
    site: &Site,
    staffer: &Staffer,
    result: Result<(), String>,
    typed: Typed,
) -> Result<Response, AdminError> {
    match result {
        Ok(()) => {
            state.sync_changes().await;
            Ok(Redirect::to("/admin/front/").into_response())
        }
        Err(why) => {
            front_page(
                state,
                site,
                staffer,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(format!("Not saved: {why}.")),
                typed,
            )
            .await
        }
    }
}

fn refusal(e: StoreError) -> Result<String, AdminError> {
    match e {
        StoreError::Invalid(why) => Ok(why),
        StoreError::NotFound => Ok("that article is not pinned".into()),
        other => Err(other.into()),
    }
}

/// `POST /admin/front/pin`.
pub async fn pin<S: Desk>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    posted: CsrfForm,
) -> Result<Response, AdminError> {
    let CsrfForm { staffer, form } = posted;
    check(&staffer.user.staff(), Action::CurateFrontPage)?;
    let typed = Typed {
        article: form.get("article").trim().parse().ok(),
        slot: form.get("slot").to_owned(),
        expires: form.get("expires").to_owned(),
    };
    let result = match pin_of(&site, &form) {
        Err(why) => Err(why),
        Ok((article, slot, expires)) => {
            match state.store.pin_article(site.publication.id, article, slot, expires, Utc::now()).await {
                Ok(()) => Ok(()),
                Err(e) => Err(refusal(e)?),
            }
        }
    };
    after(&state, &site, &staffer, result, typed).await
}

/// `POST /admin/front/{id}/up`, `…/down`, `…/unpin`.
pub async fn change<S: Desk>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    Path((id, what)): Path<(Id, String)>,
    posted: CsrfForm,
) -> Result<Response, AdminError> {
    let staffer = posted.staffer;
    check(&staffer.user.staff(), Action::CurateFrontPage)?;
    let publication = site.publication.id;
    let done = match what.as_str() {
        "up" => state.store.move_pin(publication, id, true).await,
        "down" => state.store.move_pin(publication, id, false).await,
        "unpin" => state.store.unpin_article(publication, id).await,
        _ => return Err(AdminError::not_found()),
    };
    let result = match done {
        Ok(()) => Ok(()),
        Err(e) => Err(refusal(e)?),
    };
    after(&state, &site, &staffer, result, Typed { slot: "lead".into(), ..Typed::default() }).await
}

// --- logo and favicon ---------------------------------------------------

async fn brand_page<S: Desk>(
    state: &AppState<S>,
    site: &Site,
    staffer: &Staffer,
    status: StatusCode,
    error: Option<String>,
    notice: Option<String>,
) -> Result<Response, AdminError> {
    #[derive(Serialize)]
    struct Ctx {
        chrome: Chrome,
        logo_picker: super::media::Picker,
        favicon_picker: super::media::Picker,
        logo: Option<String>,
        favicon: String,
        error: Option<String>,
        notice: Option<String>,
    }
    let logo = site.view.logo.as_ref().map(|l| l.url.clone());
    // The logo's key is the last part of its media URL.
    let logo_key = logo.as_deref().and_then(|l| l.rsplit_once("/media/")).map(|(_, k)| k.to_owned());
    let favicon_key = site.favicon.as_ref().map(|f| f.key.clone());
    let (images, more) = super::media::newest(&state.store).await?;
    let logo_picker =
        super::media::picker_of("logo", "None: the publication's name", &images, logo_key.as_deref()).with_more(more);
    let favicon_picker =
        super::media::picker_of("favicon", "Prensa's default", &images, favicon_key.as_deref()).with_more(more);
    let ctx = Ctx {
        chrome: Chrome::new(site, staffer),
        logo_picker,
        favicon_picker,
        logo,
        favicon: site.view.favicon.clone(),
        error,
        notice,
    };
    state.admin.page(status, "brand.html", ctx)
}

/// `GET /admin/settings/brand`.
pub async fn brand<S: Desk>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    staffer: Staffer,
) -> Result<Response, AdminError> {
    check(&staffer.user.staff(), Action::ManageSettings)?;
    brand_page(&state, &site, &staffer, StatusCode::OK, None, None).await
}

/// `POST /admin/settings/brand`.
pub async fn save_brand<S: Desk>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    posted: CsrfForm,
) -> Result<Response, AdminError> {
    let CsrfForm { staffer, form } = posted;
    check(&staffer.user.staff(), Action::ManageSettings)?;
    let key = |field: &str| Some(form.get(field).trim()).filter(|k| !k.is_empty());
    match state.store.set_brand(site.publication.id, key("logo"), key("favicon")).await {
        Ok(()) => {
            state.sync_changes().await;
            Ok(Redirect::to("/admin/settings/brand").into_response())
        }
        Err(StoreError::Invalid(why)) => {
            brand_page(
                &state,
                &site,
                &staffer,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(format!("Not saved: {why}.")),
                None,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
