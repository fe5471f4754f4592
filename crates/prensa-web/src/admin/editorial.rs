//! Review notes and scheduled changes on the editor page: adding notes,
//! replying in a note's thread (the article's writers and editors),
//! resolving a thread (editors), cancelling a scheduled change. (Scheduling itself is a
//! button of the editor's form, handled in [`super::articles::save()`].)

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use chrono::Utc;
use http::StatusCode;
use prensa_core::permissions::{check, Action, ArticleFacts};
use prensa_core::Id;
use prensa_store::{ChangeKind, Editorial, StoreError, MAX_NOTE_CHARS};

use super::articles::load;
use super::session::CsrfForm;
use super::{AdminError, Shared};
use crate::state::Site;

/// `POST /admin/articles/{id}/notes`: adds an open review note (editors).
pub async fn add_note<S: Editorial>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    Path(id): Path<Id>,
    posted: CsrfForm,
) -> Result<Response, AdminError> {
    let CsrfForm { staffer, form } = posted;
    check(&staffer.user.staff(), Action::WriteReviewNote)?;
    load(&state, &site, id).await?;
    let body = form.get("note");
    if body.trim().is_empty() {
        return Err(AdminError::new(StatusCode::UNPROCESSABLE_ENTITY, "The note is empty; nothing was saved."));
    }
    let chars = body.trim().chars().count();
    if chars > MAX_NOTE_CHARS {
        return Err(AdminError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!(
                "The note is {chars} characters long; notes are limited to {MAX_NOTE_CHARS} characters. \
                 Nothing was saved."
            ),
        ));
    }
    state.store.add_note(id, staffer.user.id, body, Utc::now()).await?;
    Ok(Redirect::to(&format!("/admin/articles/{id}/?saved=note#notes")).into_response())
}

/// `POST /admin/articles/{id}/notes/{note}/reply`: a reply (`reply`) in the
/// note's thread, by the article's writers or an editor. Refused, nothing
/// written, when the thread is resolved.
pub async fn reply_note<S: Editorial>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    Path((id, note)): Path<(Id, Id)>,
    posted: CsrfForm,
) -> Result<Response, AdminError> {
    let CsrfForm { staffer, form } = posted;
    let article = load(&state, &site, id).await?;
    let facts = ArticleFacts { authors: &article.draft.author_ids, stage: article.stage(Utc::now()) };
    check(&staffer.user.staff(), Action::ReplyToNote(facts))?;
    let reply = match state.store.reply_to_note(id, note, staffer.user.id, form.get("reply"), Utc::now()).await {
        Ok(r) => r,
        Err(StoreError::Invalid(why)) => {
            return Err(AdminError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("Not sent: {why}. Nothing was saved."),
            ))
        }
        Err(e) => return Err(e.into()),
    };
    tracing::info!(by = staffer.user.id, article = id, note = reply.id, "review note reply");
    let thread = reply.reply_to.unwrap_or(reply.id);
    Ok(Redirect::to(&format!("/admin/articles/{id}/?saved=reply#note-{thread}")).into_response())
}

/// `POST /admin/articles/{id}/notes/{note}/resolve` (editors); resolving a
/// resolved note changes nothing.
pub async fn resolve_note<S: Editorial>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    Path((id, note)): Path<(Id, Id)>,
    posted: CsrfForm,
) -> Result<Response, AdminError> {
    let CsrfForm { staffer, .. } = posted;
    check(&staffer.user.staff(), Action::WriteReviewNote)?;
    load(&state, &site, id).await?;
    if !state.store.notes(id).await?.iter().any(|n| n.id == note) {
        return Err(AdminError::not_found());
    }
    state.store.resolve_note(note, staffer.user.id, Utc::now()).await?;
    tracing::info!(by = staffer.user.id, article = id, note, "review note thread resolved");
    Ok(Redirect::to(&format!("/admin/articles/{id}/?saved=resolved#notes")).into_response())
}

/// `POST /admin/articles/{id}/scheduled/{change}/cancel`: cancels a
/// pending change, or discards one that ran and failed (with its text,
/// once the editor has taken what they need). Needs the right the change
/// needed when it was scheduled (publish for an update, unpublish for
/// unpublishing).
pub async fn cancel_change<S: Editorial>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    Path((id, change)): Path<(Id, Id)>,
    posted: CsrfForm,
) -> Result<Response, AdminError> {
    let CsrfForm { staffer, .. } = posted;
    let article = load(&state, &site, id).await?;
    let pending = state.store.pending_changes(id).await?;
    let failed = state.store.failed_changes(id).await?;
    let (found, is_pending) = match pending.iter().find(|c| c.id == change) {
        Some(c) => (c, true),
        None => match failed.iter().find(|c| c.id == change) {
            Some(c) => (c, false),
            None => {
                return Err(AdminError::new(
                    StatusCode::NOT_FOUND,
                    "That scheduled change has already run or was cancelled.",
                ))
            }
        },
    };
    let staff = staffer.user.staff();
    let facts = ArticleFacts { authors: &article.draft.author_ids, stage: article.stage(Utc::now()) };
    match &found.kind {
        ChangeKind::Update(_) => check(&staff, Action::Publish(facts))?,
        ChangeKind::Unpublish => check(&staff, Action::Unpublish(facts))?,
    }
    if !is_pending {
        if !state.store.discard_change(change).await? {
            return Err(AdminError::new(StatusCode::NOT_FOUND, "That change was already discarded."));
        }
        return Ok(Redirect::to(&format!("/admin/articles/{id}/?saved=discarded")).into_response());
    }
    if !state.store.cancel_change(change).await? {
        return Err(AdminError::new(
            StatusCode::CONFLICT,
            "That scheduled change has just run; nothing was cancelled.",
        ));
    }
    Ok(Redirect::to(&format!("/admin/articles/{id}/?saved=cancelled")).into_response())
}
