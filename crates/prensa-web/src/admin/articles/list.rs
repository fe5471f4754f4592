//! `GET /admin/articles/`: the article list, filtered and paginated.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::response::Response;
use axum::Extension;
use chrono::Utc;
use http::StatusCode;
use prensa_core::permissions::{check, Action, Stage};
use prensa_core::AdminQuery;
use prensa_store::Newsroom;
use serde::{Deserialize, Serialize};

use super::{row_view, stage_label, Choice, RowView};
use crate::admin::session::Staffer;
use crate::admin::{AdminError, Chrome, Shared};
use crate::state::Site;

/// Rows per page of the article list.
const LIST_PAGE: u32 = 25;

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    stage: String,
    #[serde(default)]
    section: String,
    #[serde(default)]
    author: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    page: String,
}

/// `GET /admin/articles/`: every article, filtered by stage, section,
/// author and headline, paginated.
pub async fn list<S: Newsroom>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    staffer: Staffer,
    Query(lq): Query<ListQuery>,
) -> Result<Response, AdminError> {
    let staff = staffer.user.staff();
    check(&staff, Action::UseAdmin)?;
    let now = Utc::now();
    let page: u32 = lq.page.parse().unwrap_or(1).max(1);
    let query = AdminQuery {
        stage: Stage::parse(&lq.stage),
        section: lq.section.parse().ok(),
        author: lq.author.parse().ok(),
        search: Some(lq.q.trim().to_owned()).filter(|s| !s.is_empty()),
        limit: LIST_PAGE,
        offset: (page - 1).saturating_mul(LIST_PAGE),
    };
    let result = state.store.admin_articles(site.publication.id, &query, now).await?;
    let authors = state.store.authors(site.publication.id).await?;
    let pages = u32::try_from(result.total.div_ceil(u64::from(LIST_PAGE))).unwrap_or(u32::MAX).max(1);
    let link = |n: u32| {
        format!(
            "/admin/articles/?stage={}&section={}&author={}&q={}&page={n}",
            crate::views::encode_query(&lq.stage),
            crate::views::encode_query(&lq.section),
            crate::views::encode_query(&lq.author),
            crate::views::encode_query(&lq.q)
        )
    };
    let mut stages = vec![Choice { value: String::new(), label: "Any status".into(), selected: query.stage.is_none() }];
    stages.extend(Stage::ALL.into_iter().map(|s| Choice {
        value: s.as_str().into(),
        label: stage_label(s).into(),
        selected: query.stage == Some(s),
    }));
    let mut sections =
        vec![Choice { value: String::new(), label: "Any section".into(), selected: query.section.is_none() }];
    sections.extend(site.sections.iter().map(|s| Choice {
        value: s.id.to_string(),
        label: s.name.clone(),
        selected: query.section == Some(s.id),
    }));
    let mut author_choices =
        vec![Choice { value: String::new(), label: "Any author".into(), selected: query.author.is_none() }];
    author_choices.extend(authors.iter().map(|a| Choice {
        value: a.id.to_string(),
        label: a.name.clone(),
        selected: query.author == Some(a.id),
    }));
    #[derive(Serialize)]
    struct Ctx {
        chrome: Chrome,
        rows: Vec<RowView>,
        total: u64,
        page: u32,
        pages: u32,
        prev: Option<String>,
        next: Option<String>,
        stages: Vec<Choice>,
        sections: Vec<Choice>,
        authors: Vec<Choice>,
        q: String,
    }
    let ctx = Ctx {
        chrome: Chrome::new(&site, &staffer),
        rows: result.items.iter().map(|r| row_view(&site, &staff, r, now)).collect(),
        total: result.total,
        page,
        pages,
        prev: (page > 1).then(|| link(page - 1)),
        next: (page < pages).then(|| link(page + 1)),
        stages,
        sections,
        authors: author_choices,
        q: lq.q.clone(),
    };
    state.admin.page(StatusCode::OK, "articles.html", ctx)
}
