//! Secret preview links: a draft shown to someone without an account (a
//! source checking a quote, a translator), through the site's theme, at
//! `/preview/{token}`. The token is 256 random bits; a new link replaces
//! the old one and revoking clears it, so a leaked link can be cut off.
//!
//! Like sessions and invites, the store keeps only the token's SHA-256: a
//! leaked database or backup opens no draft. So the link can be shown only
//! in the answer to making it (as API keys are); afterwards the editor says
//! when it was made and offers a new one or revoking it.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use chrono::Utc;
use http::header::{self, HeaderValue};
use http::StatusCode;
use prensa_auth::{new_token, token_digest};
use prensa_core::permissions::{check, Action, ArticleFacts};
use prensa_core::Id;
use prensa_store::{Desk, Editorial};

use super::session::CsrfForm;
use super::{AdminError, Shared};
use crate::state::Site;

/// `POST /admin/articles/{id}/preview-link` (`action` = `create` | `revoke`).
/// Making a link answers with the editor page showing it, this once.
pub async fn set<S: Desk + Editorial>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    Path(id): Path<Id>,
    posted: CsrfForm,
) -> Result<Response, AdminError> {
    let CsrfForm { staffer, form } = posted;
    // Not for an article in the trash (`load` refuses it).
    let a = super::articles::load(&state, &site, id).await?;
    check(
        &staffer.user.staff(),
        Action::EditArticle(ArticleFacts { authors: &a.draft.author_ids, stage: a.stage(Utc::now()) }),
    )?;
    if form.get("action") == "revoke" {
        state.store.set_preview_digest(id, None, Utc::now()).await?;
        return Ok(Redirect::to(&format!("/admin/articles/{id}/?saved=preview_revoked")).into_response());
    }
    let token = new_token();
    state.store.set_preview_digest(id, Some(&token.digest), Utc::now()).await?;
    let link = format!("{}/preview/{}", site.publication.base_url.trim_end_matches('/'), token.secret);
    let notice = "Secret preview link ready: anyone with it can read this version, without an account. \
                  Copy it now: it is shown only this once (a new link replaces it)."
        .to_owned();
    super::articles::editor_response(&state, &site, &staffer, &a, Some(notice), Some(link)).await
}

/// `GET /preview/{token}`: the draft through the theme, for whoever holds
/// the link. Never cached anywhere, never indexed, no referrer sent on.
pub async fn show<S: Desk + Editorial>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    Path(token): Path<String>,
) -> Response {
    let valid = token.len() == 43 && token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    let found = async {
        if !valid {
            return Ok(None);
        }
        let Some(id) = state.store.article_by_preview_digest(&token_digest(&token)).await? else { return Ok(None) };
        let Some(a) = state.store.editable_article(id).await? else { return Ok(None) };
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
