//! Deleting articles: the editor's "Move to trash", the trash at
//! `/admin/trash/` with "Restore" and "Delete forever", and the 30-day
//! purge that the watcher runs ([`prensa_store::Staffing::purge_trash`],
//! once across nodes).
//!
//! Who may: editors and above any article; contributors and authors their
//! own drafts that were never published, scheduled or submitted for review
//! ([`Action::TrashArticle`]), and they restore what they may trash.
//! Deleting forever before the 30 days is for editors
//! ([`Action::DeleteForever`]). A published article is unpublished in the
//! same transaction, so its public URL answers 404 at once, as a trashed
//! post does in WordPress and Ghost (the page cache is purged through the
//! change feed); restoring brings it back as an unpublished draft.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use chrono::Utc;
use http::StatusCode;
use prensa_core::permissions::{check, Action, ArticleFacts, Stage};
use prensa_core::Id;
use prensa_store::{Newsroom, StoreError, TrashedArticle, TRASH_DAYS};
use serde::{Deserialize, Serialize};

use super::articles::{load, local_text};
use super::session::{CsrfForm, Staffer};
use super::{AdminError, Chrome, Shared};
use crate::state::{AppState, Site};

/// The stage a trashed article would be restored to, for the permission
/// check: a draft that was never published, else unpublished.
fn facts(t: &TrashedArticle) -> ArticleFacts<'_> {
    ArticleFacts { authors: &t.author_ids, stage: if t.ever_published { Stage::Unpublished } else { Stage::Draft } }
}

#[derive(Debug, Default, Deserialize)]
pub struct TrashQuery {
    #[serde(default)]
    done: String,
}

#[derive(Serialize)]
struct Row {
    id: Id,
    headline: String,
    slug: String,
    trashed: String,
    trashed_by: String,
    purge: String,
    was_published: bool,
}

/// `GET /admin/trash/`: what this account may restore (everything, for an
/// editor), most recently trashed first.
pub async fn list<S: Newsroom>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    Query(query): Query<TrashQuery>,
    staffer: Staffer,
) -> Result<Response, AdminError> {
    let staff = staffer.user.staff();
    check(&staff, Action::UseAdmin)?;
    let rows = state
        .store
        .trashed_articles(site.publication.id)
        .await?
        .iter()
        .filter(|t| check(&staff, Action::TrashArticle(facts(t))).is_ok())
        .map(|t| Row {
            id: t.id,
            headline: t.headline.clone(),
            slug: t.slug.clone(),
            trashed: local_text(&site, t.trashed_at),
            trashed_by: if t.trashed_by.is_empty() { "(former staff)".into() } else { t.trashed_by.clone() },
            purge: local_text(&site, t.purge_at()),
            was_published: t.ever_published,
        })
        .collect();
    let notice = match query.done.as_str() {
        "trashed" => Some("Moved to the trash. Restore it from here within 30 days."),
        "deleted" => Some("Deleted for good."),
        _ => None,
    };
    #[derive(Serialize)]
    struct Ctx {
        chrome: Chrome,
        rows: Vec<Row>,
        can_delete_forever: bool,
        days: i64,
        timezone: String,
        notice: Option<&'static str>,
    }
    let ctx = Ctx {
        chrome: Chrome::new(&site, &staffer),
        rows,
        can_delete_forever: check(&staff, Action::DeleteForever).is_ok(),
        days: TRASH_DAYS,
        timezone: site.publication.timezone.clone(),
        notice,
    };
    state.admin.page(StatusCode::OK, "trash.html", ctx)
}

/// `POST /admin/articles/{id}/trash`: unpublishes the article if it is live
/// and moves it to the trash, in one transaction.
pub async fn trash<S: Newsroom>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    Path(id): Path<Id>,
    posted: CsrfForm,
) -> Result<Response, AdminError> {
    let CsrfForm { staffer, .. } = posted;
    let article = load(&state, &site, id).await?;
    let stage = article.stage(Utc::now());
    check(&staffer.user.staff(), Action::TrashArticle(ArticleFacts { authors: &article.draft.author_ids, stage }))?;
    state.store.trash_article(id, staffer.user.id, Utc::now()).await?;
    tracing::info!(by = staffer.user.id, article = id, stage = stage.as_str(), "article moved to the trash");
    state.sync_changes().await;
    Ok(Redirect::to("/admin/trash/?done=trashed").into_response())
}

/// The trashed article `id` of this publication, or 404.
async fn trashed<S: Newsroom>(state: &AppState<S>, site: &Site, id: Id) -> Result<TrashedArticle, AdminError> {
    state
        .store
        .trashed_articles(site.publication.id)
        .await?
        .into_iter()
        .find(|t| t.id == id)
        .ok_or_else(|| AdminError::new(StatusCode::NOT_FOUND, "That article is not in the trash."))
}

/// `POST /admin/trash/{id}/restore`: back as a draft (unpublished, if it
/// had been published), with its revisions; opens it in the editor.
pub async fn restore<S: Newsroom>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    Path(id): Path<Id>,
    posted: CsrfForm,
) -> Result<Response, AdminError> {
    let CsrfForm { staffer, .. } = posted;
    let t = trashed(&state, &site, id).await?;
    check(&staffer.user.staff(), Action::TrashArticle(facts(&t)))?;
    match state.store.restore_article(id, staffer.user.id, Utc::now()).await {
        Ok(_) => {}
        Err(StoreError::NotFound) => {
            return Err(AdminError::new(StatusCode::NOT_FOUND, "That article is not in the trash."))
        }
        Err(e) => return Err(e.into()),
    }
    tracing::info!(by = staffer.user.id, article = id, "article restored from the trash");
    state.sync_changes().await;
    Ok(Redirect::to(&format!("/admin/articles/{id}/?saved=untrashed")).into_response())
}

/// `POST /admin/trash/{id}/delete`: deletes a trashed article for good
/// (editors), once the form's `confirm` box is ticked.
pub async fn delete_forever<S: Newsroom>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    Path(id): Path<Id>,
    posted: CsrfForm,
) -> Result<Response, AdminError> {
    let CsrfForm { staffer, form } = posted;
    check(&staffer.user.staff(), Action::DeleteForever)?;
    trashed(&state, &site, id).await?;
    if form.get("confirm") != "1" {
        return Err(AdminError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Tick \"for good, no restoring\" to delete the article forever. Nothing was deleted.",
        ));
    }
    if !state.store.delete_forever(id).await? {
        return Err(AdminError::new(StatusCode::NOT_FOUND, "That article is not in the trash."));
    }
    tracing::info!(by = staffer.user.id, article = id, "article deleted forever");
    state.sync_changes().await;
    Ok(Redirect::to("/admin/trash/?done=deleted").into_response())
}
