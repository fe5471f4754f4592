//! `GET /admin/`: the dashboard, the newsroom at a glance.

use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;
use axum::Extension;
use chrono::Utc;
use http::StatusCode;
use prensa_core::permissions::{check, Action, Stage};
use prensa_core::{AdminQuery, Id};
use prensa_store::Editorial;
use serde::Serialize;

use super::{change_what, failure_reason, local_text, row_view, RowView};
use crate::admin::session::Staffer;
use crate::admin::{sees_everything, AdminError, Chrome, Shared};
use crate::state::Site;

#[derive(Serialize)]
struct Block {
    title: &'static str,
    rows: Vec<RowView>,
    more: String,
}

/// A scheduled change that could not apply, as the dashboard lists it.
#[derive(Debug, Serialize)]
struct FailedRow {
    headline: String,
    what: &'static str,
    when: String,
    why: String,
    url: String,
}

/// `GET /admin/`: my drafts, in review, scheduled, recently published, and
/// any scheduled change that could not apply.
pub async fn dashboard<S: Editorial>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    staffer: Staffer,
) -> Result<Response, AdminError> {
    let staff = staffer.user.staff();
    check(&staff, Action::UseAdmin)?;
    let now = Utc::now();
    let mine = staff.author_id;
    let everyone = sees_everything(staff.role);
    let specs: [(&'static str, Stage, Option<Id>); 4] = [
        ("My drafts", Stage::Draft, mine.or(Some(-1))),
        ("In review", Stage::InReview, if everyone { None } else { mine.or(Some(-1)) }),
        ("Scheduled", Stage::Scheduled, None),
        ("Recently published", Stage::Published, None),
    ];
    let mut blocks = Vec::new();
    for (title, stage, author) in specs {
        let q = AdminQuery { stage: Some(stage), author, limit: 5, ..Default::default() };
        let page = state.store.admin_articles(site.publication.id, &q, now).await?;
        let mut more = format!("/admin/articles/?stage={}", stage.as_str());
        if let Some(a) = author.filter(|a| *a > 0) {
            more.push_str(&format!("&author={a}"));
        }
        blocks.push(Block { title, rows: page.items.iter().map(|r| row_view(&site, &staff, r, now)).collect(), more });
    }
    let failed = state
        .store
        .failed_changes_in(site.publication.id, 10)
        .await?
        .into_iter()
        .map(|f| FailedRow {
            what: change_what(&f.change.kind),
            when: local_text(&site, f.change.run_at),
            why: failure_reason(f.change.outcome.as_deref()),
            url: format!("/admin/articles/{}/#failed", f.change.article_id),
            headline: f.headline,
        })
        .collect();
    // The open review notes on this account's own articles.
    let notes: Vec<NotesRow> = match mine {
        Some(author) => state
            .store
            .notes_waiting(site.publication.id, author)
            .await?
            .into_iter()
            .map(|w| NotesRow {
                url: format!("/admin/articles/{}/#notes", w.article_id),
                headline: w.headline,
                open: w.open,
            })
            .collect(),
        None => Vec::new(),
    };
    let open_notes: u64 = notes.iter().map(|n| n.open).sum();
    #[derive(Serialize)]
    struct NotesRow {
        url: String,
        headline: String,
        open: u64,
    }
    #[derive(Serialize)]
    struct Ctx {
        chrome: Chrome,
        blocks: Vec<Block>,
        failed: Vec<FailedRow>,
        timezone: String,
        notes: Vec<NotesRow>,
        open_notes: u64,
    }
    let timezone = site.publication.timezone.clone();
    let ctx = Ctx { chrome: Chrome::new(&site, &staffer), blocks, failed, timezone, notes, open_notes };
    state.admin.page(StatusCode::OK, "dashboard.html", ctx)
}
