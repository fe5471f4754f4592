//! An article's revisions: the list, one revision with its diff against
//! another or the current text, restoring one, and the line diff of two
//! drafts that the conflict view and the translation panel show too.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use chrono::Utc;
use http::StatusCode;
use prensa_core::permissions::{check, Action, ArticleFacts};
use prensa_core::{ArticleDraft, Id, SaveOutcome};
use prensa_store::Newsroom;
use serde::{Deserialize, Serialize};

use super::{load, local_text, ReadableArticle};
use crate::admin::session::CsrfForm;
use crate::admin::{AdminError, Chrome, Shared};
use crate::state::{AppState, Site};

#[derive(Debug, Serialize)]
pub struct DiffLine {
    tag: &'static str,
    text: String,
}

/// A line diff of two drafts as the revision pages and the conflict view
/// show it: each field as labelled lines, then the body.
pub fn diff_drafts(old: &ArticleDraft, new: &ArticleDraft) -> Vec<DiffLine> {
    fn text(d: &ArticleDraft) -> String {
        let image = d.image.as_ref().map_or(String::new(), |i| format!("{} ({})", i.key, i.alt));
        format!(
            "Headline: {}\nStandfirst: {}\nSlug: {}\nTags: {}\nImage: {image}\n\n{}\n",
            d.headline,
            d.standfirst,
            d.slug,
            d.tags.join(", "),
            d.body.trim_end()
        )
    }
    let (a, b) = (text(old), text(new));
    let diff = similar::TextDiff::from_lines(&a, &b);
    diff.iter_all_changes()
        .map(|c| DiffLine {
            tag: match c.tag() {
                similar::ChangeTag::Delete => "del",
                similar::ChangeTag::Insert => "ins",
                similar::ChangeTag::Equal => "same",
            },
            text: c.value().trim_end_matches('\n').to_owned(),
        })
        .collect()
}

#[derive(Serialize)]
struct RevisionRow {
    number: usize,
    who: String,
    when: String,
    url: String,
}

/// An article's revisions with their numbers, newest first. Revisions are
/// numbered per article from the oldest, 1, 2, 3 …, and "Revision 3" lives
/// at `/revisions/3`: the store's row ids run across every article and its
/// versions also count stage changes, so neither reads as a sequence.
async fn numbered_revisions<S: Newsroom>(
    state: &AppState<S>,
    id: Id,
) -> Result<Vec<(usize, prensa_core::Revision)>, AdminError> {
    let list = state.store.revisions(id).await?;
    let count = list.len();
    Ok(list.into_iter().enumerate().map(|(i, r)| (count - i, r)).collect())
}

/// Revision `number` of the article (see [`numbered_revisions`]), or 404.
fn nth_revision(list: &[(usize, prensa_core::Revision)], number: usize) -> Result<&prensa_core::Revision, AdminError> {
    list.iter().find(|(n, _)| *n == number).map(|(_, r)| r).ok_or_else(AdminError::not_found)
}

/// `GET /admin/articles/{id}/revisions/`.
pub async fn revisions<S: Newsroom>(
    State(state): Shared<S>,
    ReadableArticle { site, staffer, params: Path(id), article: a }: ReadableArticle,
) -> Result<Response, AdminError> {
    let rows = numbered_revisions(&state, id)
        .await?
        .iter()
        .map(|(number, r)| RevisionRow {
            number: *number,
            who: if r.user_name.is_empty() { "(import)".into() } else { r.user_name.clone() },
            when: local_text(&site, r.saved_at),
            url: format!("/admin/articles/{id}/revisions/{number}"),
        })
        .collect::<Vec<_>>();
    #[derive(Serialize)]
    struct Ctx {
        chrome: Chrome,
        id: Id,
        headline: String,
        rows: Vec<RevisionRow>,
    }
    let ctx = Ctx { chrome: Chrome::new(&site, &staffer), id, headline: a.draft.headline.clone(), rows };
    state.admin.page(StatusCode::OK, "revisions.html", ctx)
}

#[derive(Debug, Default, Deserialize)]
pub struct AgainstQuery {
    #[serde(default)]
    against: String,
}

/// What [`revision`] reads of its request: the article and the revision's
/// number, and which one to compare it against.
type RevisionParams = (Path<(Id, usize)>, Query<AgainstQuery>);

/// `GET /admin/articles/{id}/revisions/{n}?against=M`: revision `n` and its
/// diff against revision `m` (default: the current text).
pub async fn revision<S: Newsroom>(
    State(state): Shared<S>,
    open: ReadableArticle<RevisionParams>,
) -> Result<Response, AdminError> {
    let ReadableArticle { site, staffer, params: (Path((id, number)), Query(q)), article: a } = open;
    let list = numbered_revisions(&state, id).await?;
    let r = nth_revision(&list, number)?;
    let (base, base_label) = match q.against.parse::<usize>() {
        Ok(other) => (nth_revision(&list, other)?.draft.clone(), format!("revision {other}")),
        Err(_) => (a.draft.clone(), "the current text".to_owned()),
    };
    #[derive(Serialize)]
    struct Ctx {
        chrome: Chrome,
        id: Id,
        number: usize,
        current_version: i64,
        who: String,
        when: String,
        base_label: String,
        diff: Vec<DiffLine>,
        others: Vec<usize>,
    }
    let others = list.iter().map(|(n, _)| *n).filter(|n| *n != number).collect();
    let ctx = Ctx {
        chrome: Chrome::new(&site, &staffer),
        id,
        number,
        current_version: a.version,
        who: r.user_name.clone(),
        when: local_text(&site, r.saved_at),
        base_label,
        diff: diff_drafts(&base, &r.draft),
        others,
    };
    state.admin.page(StatusCode::OK, "revision.html", ctx)
}

/// `POST /admin/articles/{id}/revisions/{n}/restore`: saves revision `n`'s
/// text as a new revision (same rules as a save), once the form's
/// `confirm` box says so — the current text is replaced (and kept as the
/// revision before).
pub async fn restore<S: Newsroom>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    Path((id, number)): Path<(Id, usize)>,
    posted: CsrfForm,
) -> Result<Response, AdminError> {
    let CsrfForm { staffer, form } = posted;
    let a = load(&state, &site, id).await?;
    let stage = a.stage(Utc::now());
    check(&staffer.user.staff(), Action::EditArticle(ArticleFacts { authors: &a.draft.author_ids, stage }))?;
    let list = numbered_revisions(&state, id).await?;
    let r = nth_revision(&list, number)?;
    if form.get("confirm") != "yes" {
        return Err(AdminError::new(
            StatusCode::BAD_REQUEST,
            "Nothing was restored: tick “Replace the current text with this revision” to confirm.",
        ));
    }
    let expected: i64 = form.get("version").parse().unwrap_or(-1);
    match state.store.save_article(id, expected, &r.draft, staffer.user.id, Utc::now()).await? {
        SaveOutcome::Saved(_) => {
            state.sync_changes().await;
            Ok(Redirect::to(&format!("/admin/articles/{id}/?saved=restored")).into_response())
        }
        SaveOutcome::Conflict(_) => Err(AdminError::new(
            StatusCode::CONFLICT,
            "The article was saved by someone else since you opened this page; reload and try again.",
        )),
    }
}
