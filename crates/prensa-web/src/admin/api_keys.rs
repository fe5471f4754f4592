//! The settings page's "Content API" part, for administrators
//! (`Action::ManageSettings`): the publication's API keys — made here (the
//! key shown once, in the answer to making it), listed by name and prefix,
//! revoked after a confirmation — and the origins allowed to call the API
//! from a browser (CORS).
//!
//! Keys are made by [`crate::api_keys::issue_key`], as the command line
//! makes them; after each write the handler applies the change feed, so
//! this node's key ring (and, on a CORS change, its publications) is
//! current before the answer, and every other node's within its watcher's
//! poll.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use chrono::{DateTime, Utc};
use prensa_core::content_api::parse_cors_origins;
use prensa_core::permissions::{check, Action};
use prensa_core::{Id, RevokeOutcome};
use prensa_store::{Desk, StoreError};
use serde::Serialize;

use super::desk::{settings_form, settings_page_with, Feedback};
use super::session::CsrfForm;
use super::{AdminError, Chrome, Shared};
use crate::state::{AppState, Site};

/// One key in the list: never the key, its prefix.
#[derive(Debug, Serialize)]
struct KeyRow {
    id: Id,
    name: String,
    prefix: String,
    created: String,
    created_by: Option<String>,
    revoked: Option<String>,
}

/// A key just made, shown this once.
#[derive(Debug, Serialize)]
struct NewKey {
    name: String,
    key: String,
}

/// What the settings page shows of the Content API.
#[derive(Debug, Serialize)]
pub(crate) struct ApiPart {
    keys: Vec<KeyRow>,
    /// One origin a line.
    cors_origins: String,
    new_key: Option<NewKey>,
}

fn when(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

impl ApiPart {
    /// The publication's keys and its CORS origins (or `typed`, the
    /// origins as a refused form held them).
    pub(crate) async fn load<S: Desk>(
        state: &AppState<S>,
        site: &Site,
        typed: Option<String>,
    ) -> Result<ApiPart, AdminError> {
        let keys = state
            .store
            .api_keys(site.publication.id)
            .await?
            .into_iter()
            .map(|k| KeyRow {
                id: k.id,
                name: k.name,
                prefix: k.prefix,
                created: when(k.created_at),
                created_by: k.created_by,
                revoked: k.revoked_at.map(when),
            })
            .collect();
        let cors_origins = typed.unwrap_or_else(|| site.publication.api_cors_origins.join("\n"));
        Ok(ApiPart { keys, cors_origins, new_key: None })
    }
}

/// `POST /admin/settings/api-keys`: makes a key named `name` and answers
/// with the settings page showing it (the only time it can be shown).
pub async fn create<S: Desk>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    posted: CsrfForm,
) -> Result<Response, AdminError> {
    let CsrfForm { staffer, form } = posted;
    check(&staffer.user.staff(), Action::ManageSettings)?;
    let made =
        crate::api_keys::issue_key(&state.store, site.publication.id, form.get("name"), Some(staffer.user.id)).await;
    let (said, new_key) = match made {
        Ok((_, key)) => {
            state.sync_changes().await;
            let name = prensa_core::content_api::api_key_name(form.get("name")).unwrap_or_default();
            let notice = "Key made. Copy it now: it is shown this once, and Prensa keeps only its digest.".to_owned();
            (Feedback::ok(Some(notice)), Some(NewKey { name, key: key.key }))
        }
        Err(StoreError::Invalid(why)) => (Feedback::refused(format!("No key made: {why}.")), None),
        Err(StoreError::NotFound) => return Err(AdminError::not_found()),
        Err(other) => return Err(other.into()),
    };
    let mut api = ApiPart::load(&state, &site, None).await?;
    api.new_key = new_key;
    settings_page_with(&state, &site, &staffer, settings_form(&site.publication), said, api)
}

/// `POST /admin/settings/api-keys/{id}/revoke`: without `confirm=yes`,
/// a page asking to confirm (whose form posts here again with it); with
/// it, revokes the key and goes back to the settings.
pub async fn revoke<S: Desk>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    Path(id): Path<Id>,
    posted: CsrfForm,
) -> Result<Response, AdminError> {
    let CsrfForm { staffer, form } = posted;
    check(&staffer.user.staff(), Action::ManageSettings)?;
    let key = state
        .store
        .api_keys(site.publication.id)
        .await?
        .into_iter()
        .find(|k| k.id == id)
        .ok_or_else(AdminError::not_found)?;
    if form.get("confirm") != "yes" {
        #[derive(Serialize)]
        struct Ctx {
            chrome: Chrome,
            id: Id,
            name: String,
            prefix: String,
            revoked: bool,
        }
        let ctx = Ctx {
            chrome: Chrome::new(&site, &staffer),
            id,
            name: key.name,
            prefix: key.prefix,
            revoked: key.revoked_at.is_some(),
        };
        return state.admin.page(http::StatusCode::OK, "api_key_revoke.html", ctx);
    }
    match state.store.revoke_api_key(site.publication.id, id, Utc::now()).await? {
        RevokeOutcome::Revoked | RevokeOutcome::AlreadyRevoked => {
            state.sync_changes().await;
            Ok(Redirect::to("/admin/settings?revoked=1").into_response())
        }
        RevokeOutcome::NotFound => Err(AdminError::not_found()),
    }
}

/// `POST /admin/settings/api-cors`: the allowed origins, one a line (or
/// separated by spaces or commas); each must be an origin or `*`.
pub async fn save_cors<S: Desk>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    posted: CsrfForm,
) -> Result<Response, AdminError> {
    let CsrfForm { staffer, form } = posted;
    check(&staffer.user.staff(), Action::ManageSettings)?;
    let typed = form.get("cors_origins");
    let items: Vec<&str> = typed.split(|c: char| c.is_whitespace() || c == ',').filter(|s| !s.is_empty()).collect();
    let origins = match parse_cors_origins(&items) {
        Ok(o) => o,
        Err(why) => {
            let api = ApiPart::load(&state, &site, Some(typed.to_owned())).await?;
            let said = Feedback::refused(format!("CORS origins not saved: {why}."));
            return settings_page_with(&state, &site, &staffer, settings_form(&site.publication), said, api);
        }
    };
    match state.store.set_api_cors_origins(site.publication.id, &origins).await {
        Ok(()) => {
            state.sync_changes().await;
            Ok(Redirect::to("/admin/settings?saved=1").into_response())
        }
        Err(StoreError::NotFound) => Err(AdminError::not_found()),
        Err(e) => Err(e.into()),
    }
}
