//! The articles of the admin: the dashboard, the article list, the editor
//! (create, save, status changes, scheduled changes, autosave), previews and
//! revisions, one module per concern. This module holds what they share:
//! the stage labels and the publication's clock, loading an article
//! (`load`) and the extractor of the handlers that only read one
//! ([`ReadableArticle`]), the list rows and the `<select>` options.

use std::sync::Arc;

use axum::extract::{FromRequestParts, Path};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use chrono::{DateTime, Utc};
use http::request::Parts;
use http::StatusCode;
use prensa_core::permissions::{check, Action, ArticleFacts, Staff, Stage};
use prensa_core::{AdminArticleRow, EditableArticle, Id};
use prensa_store::{ChangeKind, Newsroom};
use serde::Serialize;

use super::session::Staffer;
use super::AdminError;
use crate::state::{AppState, Site};

mod dashboard;
mod editor;
mod list;
mod preview;
mod revisions;
mod save;

pub use dashboard::dashboard;
pub(crate) use editor::editor_response;
pub use editor::{create, edit, new_form, EditQuery};
pub use list::{list, ListQuery};
pub(crate) use preview::{preview_article, preview_response};
pub use preview::{preview_form, preview_saved};
pub use revisions::{diff_drafts, restore, revision, revisions, AgainstQuery, DiffLine};
pub use save::{autosave, save, AutosaveReply};

pub fn stage_label(stage: Stage) -> &'static str {
    match stage {
        Stage::Draft => "Draft",
        Stage::InReview => "In review",
        Stage::Scheduled => "Scheduled",
        Stage::Published => "Published",
        Stage::Unpublished => "Unpublished",
    }
}

/// The publication's time zone (UTC when the stored name is unknown).
fn zone(site: &Site) -> chrono_tz::Tz {
    site.publication.timezone.parse().unwrap_or(chrono_tz::UTC)
}

pub(crate) fn local_text(site: &Site, at: DateTime<Utc>) -> String {
    at.with_timezone(&zone(site)).format("%Y-%m-%d %H:%M").to_string()
}

pub(crate) async fn load<S: Newsroom>(state: &AppState<S>, site: &Site, id: Id) -> Result<EditableArticle, AdminError> {
    let article = state
        .store
        .editable_article(id)
        .await?
        .filter(|a| a.publication_id == site.publication.id)
        .ok_or_else(AdminError::not_found)?;
    // A trashed article is edited nowhere until it is restored.
    if state.store.trashed_at(id).await?.is_some() {
        return Err(AdminError::new(
            StatusCode::NOT_FOUND,
            "This article is in the trash. Restore it from the trash (Trash, in the menu) to edit it again.",
        ));
    }
    Ok(article)
}

/// The article a read-only page is about (`GET /admin/articles/{id}/…`),
/// loaded with `load` and readable by the signed-in staff member: its
/// authors may open it whatever its stage (the page then offers only what
/// they may do); others need to be editors.
///
/// It extracts what those handlers took one by one, in the same order, so
/// every refusal stays as it was: the publication, the [`Staffer`] (sent
/// to sign in, or 403 without a role on this publication), then `P` (the
/// handler's path, and its query if it has one: `(Path<Id>, Query<…>)`),
/// then the article (404, also for one in the trash) and only then the
/// permission (403).
pub struct ReadableArticle<P = Path<Id>> {
    pub site: Arc<Site>,
    pub staffer: Staffer,
    /// What `P` extracted (the article's id comes from it).
    pub params: P,
    pub article: EditableArticle,
}

/// Request parts that name an article: the `{id}` of its path.
pub trait NamesArticle {
    fn article_id(&self) -> Id;
}

impl NamesArticle for Path<Id> {
    fn article_id(&self) -> Id {
        self.0
    }
}

/// `/admin/articles/{id}/revisions/{number}`.
impl NamesArticle for Path<(Id, usize)> {
    fn article_id(&self) -> Id {
        self.0 .0
    }
}

/// A path followed by more, such as the query.
impl<P: NamesArticle, Q> NamesArticle for (P, Q) {
    fn article_id(&self) -> Id {
        self.0.article_id()
    }
}

impl<S: Newsroom, P> FromRequestParts<Arc<AppState<S>>> for ReadableArticle<P>
where
    P: FromRequestParts<Arc<AppState<S>>> + NamesArticle + Send,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState<S>>) -> Result<Self, Self::Rejection> {
        let Extension(site) =
            Extension::<Arc<Site>>::from_request_parts(parts, state).await.map_err(IntoResponse::into_response)?;
        let staffer = Staffer::from_request_parts(parts, state).await?;
        let params = P::from_request_parts(parts, state).await.map_err(IntoResponse::into_response)?;
        let article = load(state, &site, params.article_id()).await.map_err(IntoResponse::into_response)?;
        let facts = ArticleFacts { authors: &article.draft.author_ids, stage: article.stage(Utc::now()) };
        check(&staffer.user.staff(), Action::ReadArticle(facts)).map_err(|d| AdminError::from(d).into_response())?;
        Ok(ReadableArticle { site, staffer, params, article })
    }
}

#[derive(Debug, Serialize)]
struct RowView {
    id: Id,
    headline: String,
    section: String,
    authors: String,
    stage: &'static str,
    stage_label: &'static str,
    when: String,
    url: String,
}

/// `staff` decides whether the headline links to the editor: lists show
/// contributors everyone's scheduled and published pieces, but only their
/// own open.
fn row_view(site: &Site, staff: &Staff, r: &AdminArticleRow, now: DateTime<Utc>) -> RowView {
    let stage = r.stage(now);
    let readable = check(staff, Action::ReadArticle(ArticleFacts { authors: &r.author_ids, stage })).is_ok();
    let when = match stage {
        Stage::Scheduled | Stage::Published => local_text(site, r.published_at.with_timezone(&Utc)),
        _ => local_text(site, r.updated_at),
    };
    RowView {
        id: r.id,
        headline: r.headline.clone(),
        section: r.section.clone(),
        authors: r.authors.join(", "),
        stage: stage.as_str(),
        stage_label: stage_label(stage),
        when,
        url: if readable { format!("/admin/articles/{}/", r.id) } else { String::new() },
    }
}

/// The outcome of a failed change without its `failed: ` prefix.
fn failure_reason(outcome: Option<&str>) -> String {
    let outcome = outcome.unwrap_or_default();
    let why = outcome.strip_prefix("failed: ").unwrap_or(outcome);
    let mut chars = why.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

fn change_what(kind: &ChangeKind) -> &'static str {
    match kind {
        ChangeKind::Update(_) => "Update",
        ChangeKind::Unpublish => "Unpublish",
    }
}

/// One option of a filter's `<select>` (the article list's, the
/// translation queue's).
#[derive(Serialize)]
pub(super) struct Choice {
    pub(super) value: String,
    pub(super) label: String,
    pub(super) selected: bool,
}
