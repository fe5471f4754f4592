//! Staff accounts (administrators only): the list, invitations, roles and
//! password-reset links.
//!
//! Links are shown to the administrator to pass on (mail arrives in a
//! later issue). Only the link's digest is stored, so the page that shows a
//! link is the only place it ever appears.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::Response;
use axum::Extension;
use chrono::{Duration, Utc};
use http::StatusCode;
use prensa_auth::new_token;
use prensa_core::permissions::{check, Action, Role};
use prensa_core::{normalize_email, Id, NewUser, TokenKind};
use prensa_store::{Newsroom, StoreError};
use serde::Serialize;

use super::session::{Posted, Staffer};
use super::{AdminError, Chrome};
use crate::state::{AppState, Site};

type Shared<S> = State<Arc<AppState<S>>>;

/// How long an invite or reset link works.
pub const LINK_HOURS: i64 = 72;

/// Makes a single-use link for `user` and returns its absolute URL.
pub async fn issue_link<S: Newsroom>(store: &S, base_url: &str, kind: TokenKind, user: Id) -> Result<String, StoreError> {
    let token = new_token();
    store.create_token(kind, &token.digest, user, Utc::now() + Duration::hours(LINK_HOURS)).await?;
    Ok(format!("{}/admin/{}/{}", base_url.trim_end_matches('/'), kind.as_str(), token.secret))
}

#[derive(Serialize)]
struct Row {
    id: Id,
    email: String,
    name: String,
    role: &'static str,
    active: bool,
    is_me: bool,
}

#[derive(Serialize)]
struct Choice {
    value: String,
    label: String,
}

struct Notice {
    status: StatusCode,
    error: Option<String>,
    notice: Option<String>,
    link: Option<String>,
}

async fn page<S: Newsroom>(
    state: &AppState<S>,
    site: &Site,
    staffer: &Staffer,
    n: Notice,
) -> Result<Response, AdminError> {
    let users = state.store.users().await?;
    let authors = state.store.authors(site.publication.id).await?;
    #[derive(Serialize)]
    struct Ctx {
        chrome: Chrome,
        users: Vec<Row>,
        roles: Vec<&'static str>,
        authors: Vec<Choice>,
        error: Option<String>,
        notice: Option<String>,
        link: Option<String>,
        link_hours: i64,
    }
    let ctx = Ctx {
        chrome: Chrome::new(site, staffer),
        users: users
            .iter()
            .map(|u| Row {
                id: u.id,
                email: u.email.clone(),
                name: u.name.clone(),
                role: u.role.as_str(),
                active: u.has_password,
                is_me: u.id == staffer.user.id,
            })
            .collect(),
        roles: Role::ALL.iter().map(|r| r.as_str()).collect(),
        authors: authors.iter().map(|a| Choice { value: a.id.to_string(), label: a.name.clone() }).collect(),
        error: n.error,
        notice: n.notice,
        link: n.link,
        link_hours: LINK_HOURS,
    };
    state.admin.page(n.status, "users.html", ctx)
}

/// `GET /admin/users/`.
pub async fn list<S: Newsroom>(State(state): Shared<S>, Extension(site): Extension<Arc<Site>>, staffer: Staffer) -> Result<Response, AdminError> {
    check(&staffer.user.staff(), Action::ManageUsers)?;
    page(&state, &site, &staffer, Notice { status: StatusCode::OK, error: None, notice: None, link: None }).await
}

/// `POST /admin/users/`: creates an account and shows its invite link.
pub async fn invite<S: Newsroom>(State(state): Shared<S>, Extension(site): Extension<Arc<Site>>, posted: Posted) -> Result<Response, AdminError> {
    let Posted { staffer, form } = posted;
    check(&staffer.user.staff(), Action::ManageUsers)?;
    let refuse = |msg: String| Notice { status: StatusCode::UNPROCESSABLE_ENTITY, error: Some(msg), notice: None, link: None };
    let email = match normalize_email(form.get("email")) {
        Ok(e) => e,
        Err(why) => return page(&state, &site, &staffer, refuse(format!("Not invited: {why}."))).await,
    };
    let Some(role) = Role::parse(form.get("role")) else {
        return page(&state, &site, &staffer, refuse("Not invited: choose a role.".into())).await;
    };
    let name = form.get("name").trim();
    let name = if name.is_empty() { email.split('@').next().unwrap_or("").to_owned() } else { name.to_owned() };
    let author_id = form.get("author").parse::<Id>().ok();
    let new = NewUser { email: email.clone(), name, role, author_id };
    let user = match state.store.create_user(&new, Utc::now()).await {
        Ok(u) => u,
        Err(StoreError::Invalid(why)) => return page(&state, &site, &staffer, refuse(format!("Not invited: {why}."))).await,
        Err(e) => return Err(e.into()),
    };
    let link = issue_link(&state.store, &site.publication.base_url, TokenKind::Invite, user.id).await?;
    let notice = Some(format!("Invited {email} as {}. Send them this link; it works once, for {LINK_HOURS} hours:", role.as_str()));
    page(&state, &site, &staffer, Notice { status: StatusCode::OK, error: None, notice, link: Some(link) }).await
}

/// `POST /admin/users/{id}/role`: changes a role and signs the account out
/// everywhere, so the new role applies at once.
pub async fn set_role<S: Newsroom>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    Path(id): Path<Id>,
    posted: Posted,
) -> Result<Response, AdminError> {
    let Posted { staffer, form } = posted;
    check(&staffer.user.staff(), Action::ManageUsers)?;
    let Some(role) = Role::parse(form.get("role")) else {
        return Err(AdminError::bad_request("Choose a role."));
    };
    if id == staffer.user.id && role != Role::Administrator {
        let n = Notice {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            error: Some("You cannot take away your own administrator role; ask another administrator.".into()),
            notice: None,
            link: None,
        };
        return page(&state, &site, &staffer, n).await;
    }
    state.store.set_role(id, role).await?;
    state.store.delete_sessions_of(id).await?;
    let user = state.store.user(id).await?.ok_or_else(AdminError::not_found)?;
    let n = Notice {
        status: StatusCode::OK,
        error: None,
        notice: Some(format!("{} is now {}.", user.email, role.as_str())),
        link: None,
    };
    page(&state, &site, &staffer, n).await
}

/// `POST /admin/users/{id}/reset`: a password-reset link for the account.
pub async fn reset_link<S: Newsroom>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    Path(id): Path<Id>,
    posted: Posted,
) -> Result<Response, AdminError> {
    let Posted { staffer, .. } = posted;
    check(&staffer.user.staff(), Action::ManageUsers)?;
    let user = state.store.user(id).await?.ok_or_else(AdminError::not_found)?;
    let kind = if user.has_password { TokenKind::Reset } else { TokenKind::Invite };
    let link = issue_link(&state.store, &site.publication.base_url, kind, user.id).await?;
    let notice = Some(format!("A new link for {}; it works once, for {LINK_HOURS} hours:", user.email));
    page(&state, &site, &staffer, Notice { status: StatusCode::OK, error: None, notice, link: Some(link) }).await
}
