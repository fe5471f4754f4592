//! Staff accounts (administrators only): the list, invitations (with the
//! author profile the invitee writes as, new or existing), roles, the
//! profile an account writes as, deactivation and password-reset links.
//!
//! Roles are per publication: an administrator of this publication sees
//! and manages the accounts with a role on it and invites accounts for it;
//! a network-wide administrator also sees every account, makes
//! network-wide ones and gives roles on the other publications.
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
use prensa_core::permissions::{check, role_on, Action, Role};
use prensa_core::{normalize_email, slug, Id, NewUser, TokenKind, User};
use prensa_store::{NewProfile, Newsroom, StoreError};
use serde::Serialize;

use super::session::{CsrfForm, Staffer};
use super::{AdminError, Chrome, Shared};
use crate::state::{AppState, Site};

/// How long an invite or reset link works.
pub const LINK_HOURS: i64 = 72;

/// Makes a single-use link for `user` and returns its absolute URL.
pub async fn issue_link<S: Newsroom>(
    store: &S,
    base_url: &str,
    kind: TokenKind,
    user: Id,
) -> Result<String, StoreError> {
    let token = new_token();
    store.create_token(kind, &token.digest, user, Utc::now() + Duration::hours(LINK_HOURS)).await?;
    Ok(format!("{}/admin/{}/{}", base_url.trim_end_matches('/'), kind.as_str(), token.secret))
}

#[derive(Serialize)]
struct Row {
    id: Id,
    email: String,
    name: String,
    /// The role on this publication ("" for none).
    role: &'static str,
    network_wide: bool,
    /// Roles on the other publications, for a network-wide administrator.
    elsewhere: Vec<Elsewhere>,
    active: bool,
    /// Deactivated (it cannot sign in; its address stays taken).
    deactivated: bool,
    /// The author profile it writes as ("" for none).
    author: String,
    is_me: bool,
}

#[derive(Serialize)]
struct Elsewhere {
    publication: String,
    role: &'static str,
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

impl Notice {
    fn ok(notice: String, link: Option<String>) -> Notice {
        Notice { status: StatusCode::OK, error: None, notice: Some(notice), link }
    }
    fn refused(error: String) -> Notice {
        Notice { status: StatusCode::UNPROCESSABLE_ENTITY, error: Some(error), notice: None, link: None }
    }
}

async fn page<S: Newsroom>(
    state: &AppState<S>,
    site: &Site,
    staffer: &Staffer,
    n: Notice,
) -> Result<Response, AdminError> {
    let users = state.store.users().await?;
    let given = state.store.publication_roles().await?;
    let authors = state.store.authors(site.publication.id).await?;
    let network_admin = check(&staffer.user.staff(), Action::ManageNetwork).is_ok();
    let sites = state.sites();
    let here = site.publication.id;
    #[derive(Serialize)]
    struct Ctx {
        chrome: Chrome,
        users: Vec<Row>,
        roles: Vec<&'static str>,
        authors: Vec<Choice>,
        network_admin: bool,
        publications: Vec<Choice>,
        error: Option<String>,
        notice: Option<String>,
        link: Option<String>,
        link_hours: i64,
    }
    let mut rows = Vec::new();
    for u in &users {
        let role_here = given.iter().find(|(who, p, _)| *who == u.id && *p == here).map(|(_, _, r)| *r);
        let role = role_on(u.role, u.network_wide, role_here);
        // An administrator of this publication sees the accounts that
        // work on it; a network-wide one sees every account.
        if role.is_none() && !network_admin {
            continue;
        }
        let elsewhere = if network_admin && !u.network_wide {
            given
                .iter()
                .filter(|(who, p, _)| *who == u.id && *p != here)
                .map(|(_, p, r)| Elsewhere {
                    publication: sites.by_id(*p).map_or_else(|| p.to_string(), |s| s.publication.name.clone()),
                    role: r.as_str(),
                })
                .collect()
        } else {
            Vec::new()
        };
        rows.push(Row {
            id: u.id,
            email: u.email.clone(),
            name: u.name.clone(),
            role: role.map_or("", Role::as_str),
            network_wide: u.network_wide,
            elsewhere,
            active: u.has_password,
            deactivated: !u.is_active(),
            author: u.author_id.map(|a| a.to_string()).unwrap_or_default(),
            is_me: u.id == staffer.user.id,
        });
    }
    let ctx = Ctx {
        chrome: Chrome::new(site, staffer),
        users: rows,
        roles: Role::ALL.iter().map(|r| r.as_str()).collect(),
        authors: authors.iter().map(|a| Choice { value: a.id.to_string(), label: a.name.clone() }).collect(),
        network_admin,
        publications: sites
            .list
            .iter()
            .map(|s| Choice { value: s.publication.id.to_string(), label: s.publication.name.clone() })
            .collect(),
        error: n.error,
        notice: n.notice,
        link: n.link,
        link_hours: LINK_HOURS,
    };
    state.admin.page(n.status, "users.html", ctx)
}

/// `GET /admin/users/`.
pub async fn list<S: Newsroom>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    staffer: Staffer,
) -> Result<Response, AdminError> {
    check(&staffer.user.staff(), Action::ManageUsers)?;
    page(&state, &site, &staffer, Notice { status: StatusCode::OK, error: None, notice: None, link: None }).await
}

/// `POST /admin/users/`: creates an account and shows its invite link. The
/// account has its role on this publication only, unless a network-wide
/// administrator asks for a network-wide one (`scope=network`).
pub async fn invite<S: Newsroom>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    posted: CsrfForm,
) -> Result<Response, AdminError> {
    let CsrfForm { staffer, form } = posted;
    let staff = staffer.user.staff();
    check(&staff, Action::ManageUsers)?;
    let publication = match form.get("scope") {
        "network" => {
            check(&staff, Action::ManageNetwork)?;
            None
        }
        "" | "publication" => Some(site.publication.id),
        _ => {
            return page(&state, &site, &staffer, Notice::refused("Not invited: choose where the role holds.".into()))
                .await
        }
    };
    let email = match normalize_email(form.get("email")) {
        Ok(e) => e,
        Err(why) => return page(&state, &site, &staffer, Notice::refused(format!("Not invited: {why}."))).await,
    };
    let Some(role) = Role::parse(form.get("role")) else {
        return page(&state, &site, &staffer, Notice::refused("Not invited: choose a role.".into())).await;
    };
    let name = form.get("name").trim();
    let name = if name.is_empty() { email.split('@').next().unwrap_or("").to_owned() } else { name.to_owned() };
    let (author_id, mut profile, defaulted) = match writes_as(&form, &name, &email) {
        Ok(w) => w,
        Err(why) => return page(&state, &site, &staffer, Notice::refused(format!("Not invited: {why}."))).await,
    };
    let new = NewUser { email: email.clone(), name, role, author_id, publication };
    let base_slug = profile.as_ref().map(|p| p.slug.clone()).unwrap_or_default();
    let mut attempt = 1;
    let user = loop {
        match state.store.invite_user(&new, profile.as_ref(), site.publication.id, Utc::now()).await {
            Ok(u) => break u,
            // A slug made from the name that another profile has: the
            // next free one (`ana-ruiz-2` …), as the name only suggested it.
            Err(StoreError::Invalid(why)) if defaulted && attempt < 10 && why.contains("already has the slug") => {
                attempt += 1;
                if let Some(p) = profile.as_mut() {
                    p.slug = format!("{base_slug}-{attempt}");
                }
            }
            Err(StoreError::Invalid(why)) => {
                return page(&state, &site, &staffer, Notice::refused(format!("Not invited: {why}."))).await
            }
            Err(e) => return Err(e.into()),
        }
    };
    tracing::info!(by = staffer.user.id, user = user.id, role = role.as_str(), author = ?user.author_id, "account invited");
    let link = issue_link(&state.store, &site.publication.base_url, TokenKind::Invite, user.id).await?;
    let reach = if publication.is_some() { format!("on {}", site.publication.name) } else { "network-wide".to_owned() };
    let notice = format!(
        "Invited {email} as {} {reach}. Send them this link; it works once, for {LINK_HOURS} hours:",
        role.as_str()
    );
    page(&state, &site, &staffer, Notice::ok(notice, Some(link))).await
}

/// The invite form's "writes as": a new profile (`writes_as=new`, the
/// form's default: `profile_name` and `profile_slug`, defaulting to the
/// invitee's name and its slug), an existing one (`existing`: `author`), or
/// none (`none`). A form without `writes_as` (older clients) is read as
/// `existing` when it names an `author`, else `none`.
/// The third value says whether the new profile's slug was made from the
/// name (and may be moved on to the next free one) rather than typed.
fn writes_as(
    form: &super::form::FormData,
    name: &str,
    email: &str,
) -> Result<(Option<Id>, Option<NewProfile>, bool), String> {
    let existing =
        || form.get("author").parse::<Id>().map_err(|_| "choose the author profile they write as".to_owned());
    match form.get("writes_as") {
        "new" => {
            let profile_name = match form.get("profile_name").trim() {
                "" => name.trim(),
                typed => typed,
            };
            match form.get("profile_slug").trim() {
                "" => {
                    let local = email.split('@').next().unwrap_or("");
                    let slug = [profile_name, local]
                        .into_iter()
                        .map(default_slug)
                        .find(|s| !s.is_empty())
                        .unwrap_or_else(|| "author".into());
                    Ok((None, Some(NewProfile { name: profile_name.to_owned(), slug }), true))
                }
                typed => Ok((None, Some(NewProfile { name: profile_name.to_owned(), slug: typed.to_owned() }), false)),
            }
        }
        "existing" => Ok((Some(existing()?), None, false)),
        "none" => Ok((None, None, false)),
        "" if !form.get("author").is_empty() => Ok((Some(existing()?), None, false)),
        "" => Ok((None, None, false)),
        _ => Err("choose what they write as".into()),
    }
}

/// A profile slug made from `text`, at most 60 characters, cut at a dash.
fn default_slug(text: &str) -> String {
    let mut slug = slug::slugify(text);
    if slug.len() > 60 {
        let cut = slug[..60].rfind('-').unwrap_or(60);
        slug.truncate(cut);
    }
    slug.trim_end_matches('-').to_owned()
}

/// Whether this administrator may touch account `user`: one with a role on
/// this publication only (else a network-wide administrator's).
async fn may_manage<S: Newsroom>(
    state: &AppState<S>,
    site: &Site,
    staffer: &Staffer,
    user: &User,
) -> Result<(), AdminError> {
    let staff = staffer.user.staff();
    check(&staff, Action::ManageUsers)?;
    if user.network_wide || state.store.publication_role(user.id, site.publication.id).await?.is_none() {
        check(&staff, Action::ManageNetwork)?;
    }
    Ok(())
}

/// `POST /admin/users/{id}/author`: the author profile the account writes
/// as (`author`, empty for none).
pub async fn set_author<S: Newsroom>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    Path(id): Path<Id>,
    posted: CsrfForm,
) -> Result<Response, AdminError> {
    let CsrfForm { staffer, form } = posted;
    let user = state.store.user(id).await?.ok_or_else(AdminError::not_found)?;
    may_manage(&state, &site, &staffer, &user).await?;
    let author = match form.get("author") {
        "" => None,
        typed => Some(typed.parse::<Id>().map_err(|_| AdminError::bad_request("Choose an author profile."))?),
    };
    if let Err(StoreError::Invalid(why)) = state.store.set_user_author(id, author).await {
        return page(&state, &site, &staffer, Notice::refused(format!("Not changed: {why}."))).await;
    }
    tracing::info!(by = staffer.user.id, user = id, author = ?author, "account's author profile set");
    let what = match author {
        Some(_) => format!("{} now writes as the chosen author profile.", user.email),
        None => format!("{} no longer writes as an author profile.", user.email),
    };
    page(&state, &site, &staffer, Notice::ok(what, None)).await
}

/// `POST /admin/users/{id}/active`: deactivates (`active=0`) or
/// reactivates (`active=1`) the account. Deactivating signs it out on
/// every node at once (its sessions are deleted from the store).
pub async fn set_active<S: Newsroom>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    Path(id): Path<Id>,
    posted: CsrfForm,
) -> Result<Response, AdminError> {
    let CsrfForm { staffer, form } = posted;
    check(&staffer.user.staff(), Action::DeactivateAccount(id))?;
    let active = match form.get("active") {
        "1" => true,
        "0" => false,
        _ => return Err(AdminError::bad_request("Say whether the account is to be active.")),
    };
    let user = state.store.user(id).await?.ok_or_else(AdminError::not_found)?;
    may_manage(&state, &site, &staffer, &user).await?;
    match state.store.set_user_active(id, active, Utc::now()).await {
        Ok(_) => {}
        Err(StoreError::Invalid(why)) => {
            return page(&state, &site, &staffer, Notice::refused(format!("Not deactivated: {why}."))).await
        }
        Err(e) => return Err(e.into()),
    }
    let what = if active {
        tracing::info!(by = staffer.user.id, user = id, "account reactivated");
        format!("{} is active again; their password is unchanged.", user.email)
    } else {
        tracing::info!(by = staffer.user.id, user = id, "account deactivated");
        format!(
            "{} is deactivated and signed out everywhere. Their articles stay; their address stays taken \
             (reactivate the account rather than inviting it again).",
            user.email
        )
    };
    page(&state, &site, &staffer, Notice::ok(what, None)).await
}

/// A role from the form, `none` meaning no role (taken away).
fn role_field(value: &str) -> Result<Option<Role>, AdminError> {
    if value.trim() == "none" {
        return Ok(None);
    }
    Role::parse(value).map(Some).ok_or_else(|| AdminError::bad_request("Choose a role."))
}

/// `POST /admin/users/{id}/role`: the account's role on this publication
/// (for a network-wide account, its role everywhere, which only a
/// network-wide administrator may change). Signs the account out
/// everywhere, so the new role applies at once.
pub async fn set_role<S: Newsroom>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    Path(id): Path<Id>,
    posted: CsrfForm,
) -> Result<Response, AdminError> {
    let CsrfForm { staffer, form } = posted;
    let staff = staffer.user.staff();
    check(&staff, Action::ManageUsers)?;
    let role = role_field(form.get("role"))?;
    if id == staffer.user.id && role != Some(Role::Administrator) {
        let why = "You cannot take away your own administrator role; ask another administrator.";
        return page(&state, &site, &staffer, Notice::refused(why.into())).await;
    }
    let user = state.store.user(id).await?.ok_or_else(AdminError::not_found)?;
    if user.network_wide {
        check(&staff, Action::ManageNetwork)?;
        let Some(role) = role else {
            return page(&state, &site, &staffer, Notice::refused("A network-wide account always has a role.".into()))
                .await;
        };
        state.store.set_role(id, role).await?;
    } else {
        // An administrator of this publication may touch only the
        // accounts that work on it.
        let here = state.store.publication_role(id, site.publication.id).await?;
        if here.is_none() {
            check(&staff, Action::ManageNetwork)?;
        }
        state.store.set_publication_role(id, site.publication.id, role).await?;
    }
    state.store.delete_sessions_of(id).await?;
    let what = match role {
        Some(r) if user.network_wide => format!("{} is now {} on every publication.", user.email, r.as_str()),
        Some(r) => format!("{} is now {} on {}.", user.email, r.as_str(), site.publication.name),
        None => format!("{} no longer has a role on {}.", user.email, site.publication.name),
    };
    page(&state, &site, &staffer, Notice::ok(what, None)).await
}

/// `POST /admin/users/{id}/publications`: a network-wide administrator
/// gives an account a role on any publication of the network (or takes it
/// away), without leaving this one's admin.
pub async fn set_publication_role<S: Newsroom>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    Path(id): Path<Id>,
    posted: CsrfForm,
) -> Result<Response, AdminError> {
    let CsrfForm { staffer, form } = posted;
    check(&staffer.user.staff(), Action::ManageNetwork)?;
    let role = role_field(form.get("role"))?;
    let sites = state.sites();
    let Some(target) = form.get("publication").parse::<Id>().ok().and_then(|p| sites.by_id(p)) else {
        return Err(AdminError::bad_request("Choose a publication."));
    };
    let user = state.store.user(id).await?.ok_or_else(AdminError::not_found)?;
    if let Err(StoreError::Invalid(why)) = state.store.set_publication_role(id, target.publication.id, role).await {
        return page(&state, &site, &staffer, Notice::refused(format!("Not changed: {why}."))).await;
    }
    state.store.delete_sessions_of(id).await?;
    let what = match role {
        Some(r) => format!("{} is now {} on {}.", user.email, r.as_str(), target.publication.name),
        None => format!("{} no longer has a role on {}.", user.email, target.publication.name),
    };
    page(&state, &site, &staffer, Notice::ok(what, None)).await
}

/// `POST /admin/users/{id}/reset`: a password-reset link for the account.
pub async fn reset_link<S: Newsroom>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    Path(id): Path<Id>,
    posted: CsrfForm,
) -> Result<Response, AdminError> {
    let CsrfForm { staffer, .. } = posted;
    let staff = staffer.user.staff();
    check(&staff, Action::ManageUsers)?;
    let user = state.store.user(id).await?.ok_or_else(AdminError::not_found)?;
    // A new password opens every publication the account works on: an
    // administrator of this one may hand it out only for an account that
    // works here and nowhere else.
    let given = state.store.publication_roles().await?;
    let mut theirs = given.iter().filter(|(who, _, _)| *who == id);
    let only_here =
        !user.network_wide && theirs.clone().next().is_some() && theirs.all(|(_, p, _)| *p == site.publication.id);
    if !only_here {
        check(&staff, Action::ManageNetwork)?;
    }
    let kind = if user.has_password { TokenKind::Reset } else { TokenKind::Invite };
    let link = issue_link(&state.store, &site.publication.base_url, kind, user.id).await?;
    let notice = format!("A new link for {}; it works once, for {LINK_HOURS} hours:", user.email);
    page(&state, &site, &staffer, Notice::ok(notice, Some(link))).await
}
