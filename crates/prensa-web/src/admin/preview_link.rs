//! Secret preview links: a draft shown to someone without an account (a
//! source checking a quote, a translator), through the site's theme, at
//! `/preview/{token}`. The token is 256 random bits; a new link replaces
//! the old one and revoking clears it, so a leaked link can be cut off.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use http::header::{self, HeaderMap, HeaderValue};
use http::StatusCode;
use prensa_auth::new_token;
use prensa_core::permissions::{check, Action, ArticleFacts};
use prensa_core::Id;
use prensa_store::{Desk, Editorial};

use super::session::Posted;
use super::{site_of, AdminError};
use crate::state::AppState;

type Shared<S> = State<Arc<AppState<S>>>;

/// `POST /admin/articles/{id}/preview-link` (`action` = `create` | `revoke`).
pub async fn set<S: Desk + Editorial>(
    State(state): Shared<S>,
    headers: HeaderMap,
    Path(id): Path<Id>,
    posted: Posted,
) -> Result<Response, AdminError> {
    let Posted { staffer, form } = posted;
    let site = site_of(&state, &headers)?;
    let a = state
        .store
        .editable_article(id)
        .await?
        .filter(|a| a.publication_id == site.publication.id)
        .ok_or_else(AdminError::not_found)?;
    check(&staffer.user.staff(), Action::EditArticle(ArticleFacts { authors: &a.draft.author_ids, stage: a.stage(Utc::now()) }))?;
    let (token, word) = match form.get("action") {
        "revoke" => (None, "preview_revoked"),
        _ => (Some(new_token().secret), "preview_link"),
    };
    state.store.set_preview_token(id, token.as_deref()).await?;
    Ok(Redirect::to(&format!("/admin/articles/{id}/?saved={word}")).into_response())
}

/// `GET /preview/{token}`: the draft through the theme, for whoever holds
/// the link. Never cached anywhere, never indexed, no referrer sent on.
pub async fn show<S: Desk + Editorial>(State(state): Shared<S>, headers: HeaderMap, Path(token): Path<String>) -> Response {
    let valid = token.len() == 43 && token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    let found = async {
        if !valid {
            return Ok(None);
        }
        let Some(id) = state.store.article_by_preview_token(&token).await? else { return Ok(None) };
        let Some(a) = state.store.editable_article(id).await? else { return Ok(None) };
        let site = site_of(&state, &headers)?;
        if a.publication_id != site.publication.id {
            return Ok(None);
        }
        let authors = state.store.authors(site.publication.id).await?;
        let article = super::articles::preview_article(&state, &site, id, &a.draft, &authors).await?;
        crate::public::preview(&state, &site, &article).await.map(Some).map_err(|e| AdminError::internal(e.to_string()))
    };
    match found.await {
        Ok(Some(html)) => {
            let mut r = super::articles::preview_response(html);
            r.headers_mut().insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
            r
        }
        Ok(None) => (StatusCode::NOT_FOUND, "This preview link does not exist or was revoked.").into_response(),
        Err(e) => e.into_response(),
    }
}
