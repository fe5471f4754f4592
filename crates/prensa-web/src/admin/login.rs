//! Signing in and out, accepting an invite, resetting and changing a
//! password.
//!
//! The three forms shown before anyone is signed in — sign-in, invite and
//! reset — have no session to tie a CSRF token to. Each carries a token
//! twice, in the `prensa_login` cookie and a hidden field, signed with the
//! server's key ([`prensa_auth::FormKey`]): a post passes only with an
//! equal pair that this server issued within the hour, so a planted cookie
//! with a made-up value is useless. A browser's own word on where the post
//! comes from is checked too: a present `Origin` must be this site's, and
//! `Sec-Fetch-Site` must not be `cross-site` or `same-site` (a sibling
//! subdomain is exactly who could plant cookies). Clients that send
//! neither header (scripts, old browsers) are still held to the token.
//!
//! Invite and reset posts are throttled like sign-in (an unknown link
//! counts as a failure against the client's address) and look the link up
//! before any password is hashed; every argon2 run, sign-in's included,
//! goes through [`super::passwords::PasswordWork`]'s few permits.

use std::sync::Arc;

use axum::extract::{Path, Query, Request, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use chrono::Utc;
use http::header::{self, HeaderMap};
use http::StatusCode;
use prensa_auth::{constant_time_eq, token_digest, verify_password};
use prensa_core::{normalize_email, TokenKind, User};
use prensa_store::newsroom::{LoginAttempt, LoginGate};
use prensa_store::Newsroom;
use serde::{Deserialize, Serialize};

use super::form::FormData;
use super::session::{self, read_cookie, set_cookie, AccountCsrfForm, CsrfForm, Staffer, LOGIN_COOKIE, SESSION_COOKIE};
use super::{AdminError, Chrome, Shared, LOGIN_ATTEMPTS, LOGIN_WINDOW};
use crate::client::ClientInfo;
use crate::state::{AppState, Site};

/// How long a sign-in, invite or reset form stays usable (its token's
/// life, and its cookie's).
const FORM_MAX_AGE: i64 = 3600;

#[derive(Debug, Deserialize)]
pub struct NextQuery {
    #[serde(default)]
    next: String,
}

/// Only admin paths of this site are places to return to after login.
fn safe_next(next: &str) -> &str {
    let ok = next.starts_with("/admin") && !next.starts_with("//") && !next.contains(['\\', '\r', '\n']);
    if ok && next != "/admin/login" {
        next
    } else {
        "/admin/"
    }
}

#[derive(Serialize)]
struct LoginPage<'a> {
    /// The publication's path prefix (no chrome before sign-in to carry it).
    root: &'a str,
    chrome: Option<Chrome>,
    csrf: &'a str,
    next: &'a str,
    email: &'a str,
    error: Option<&'a str>,
    notice: Option<&'a str>,
}

fn login_page<S: Newsroom>(
    state: &AppState<S>,
    status: StatusCode,
    https: bool,
    page: LoginPage<'_>,
) -> Result<Response, AdminError> {
    let mut response = state.admin.page(status, "login.html", &page)?;
    response.headers_mut().append(header::SET_COOKIE, set_cookie(LOGIN_COOKIE, page.csrf, FORM_MAX_AGE, https));
    Ok(response)
}

/// `GET /admin/login`: the form, with a fresh signed double-submit token.
pub async fn form<S: Newsroom>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    client: ClientInfo,
    Query(q): Query<NextQuery>,
) -> Result<Response, AdminError> {
    let token = state.form_key.issue(Utc::now().timestamp());
    let page = LoginPage {
        root: site.root(),
        chrome: None,
        csrf: &token,
        next: safe_next(&q.next),
        email: "",
        error: None,
        notice: None,
    };
    login_page(&state, StatusCode::OK, client.https, page)
}

/// The origin (`scheme://host[:port]`) of a base URL.
fn origin_of(url: &str) -> Option<&str> {
    let (scheme, rest) = url.split_once("://")?;
    Some(&url[..scheme.len() + 3 + rest.find('/').unwrap_or(rest.len())])
}

/// Whether the browser, if it says, posted from a page of this site: a
/// present `Origin` names the host the request was sent to, or the
/// publication's base URL (a proxy may have rewritten `Host`); `null`, an
/// opaque origin, is refused. Absent headers pass: the token still applies.
fn from_this_site(site: &Site, headers: &HeaderMap) -> bool {
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()).unwrap_or("");
    if fetch_site.eq_ignore_ascii_case("cross-site") || fetch_site.eq_ignore_ascii_case("same-site") {
        return false;
    }
    let Some(origin) = headers.get(header::ORIGIN) else { return true };
    let Some((_, origin_host)) = origin.to_str().ok().and_then(|o| o.split_once("://")) else { return false };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    if host.is_some_and(|h| h.eq_ignore_ascii_case(origin_host)) {
        return true;
    }
    let origin = origin.to_str().unwrap_or("");
    origin_of(&site.publication.base_url).is_some_and(|o| o.eq_ignore_ascii_case(origin))
}

/// The checks of a post of a form shown before sign-in: from this site
/// (as far as the browser says) and with an equal cookie and field that
/// this server signed less than [`FORM_MAX_AGE`] ago. `refusal` is the
/// message otherwise.
fn check_form<S: Newsroom>(
    state: &AppState<S>,
    site: &Site,
    headers: &HeaderMap,
    https: bool,
    submitted: &str,
    refusal: &str,
) -> Result<(), AdminError> {
    let expected = read_cookie(headers, LOGIN_COOKIE, https).unwrap_or("");
    let signed = state.form_key.verify(submitted, Utc::now().timestamp(), FORM_MAX_AGE);
    if !from_this_site(site, headers) || expected.is_empty() || !constant_time_eq(expected, submitted) || !signed {
        return Err(AdminError::forbidden(refusal));
    }
    Ok(())
}

/// Counts an attempt against `keys` in the store, shared by every node:
/// recorded as a failure now, before anything is checked, and withdrawn by
/// the caller if it turns out right. A 429 with `Retry-After` and
/// `what` ("failed sign-ins") in its message when throttled.
async fn throttle<S: Newsroom>(state: &AppState<S>, keys: &[&str], what: &str) -> Result<LoginAttempt, AdminError> {
    match state.store.begin_login(keys, LOGIN_ATTEMPTS, LOGIN_WINDOW, Utc::now()).await? {
        LoginGate::Open(attempt) => Ok(attempt),
        LoginGate::Throttled { retry_after_secs } => {
            let secs = retry_after_secs.max(1);
            let minutes = secs.div_ceil(60);
            let mut e = AdminError::new(
                StatusCode::TOO_MANY_REQUESTS,
                format!("Too many {what}. Try again in {minutes} minute{}.", if minutes == 1 { "" } else { "s" }),
            );
            e.retry_after = Some(secs);
            Err(e)
        }
    }
}

/// `POST /admin/login`.
pub async fn submit<S: Newsroom>(State(state): Shared<S>, req: Request) -> Result<Response, AdminError> {
    // The address failures are counted against: the peer's, or behind a
    // trusted proxy the client's it reports (see `crate::client`).
    let client = ClientInfo::of(req.extensions());
    let site = crate::network::site_of(req.extensions()).cloned().ok_or_else(AdminError::not_found)?;
    let (parts, body) = req.into_parts();
    let bytes =
        axum::body::to_bytes(body, 64 * 1024).await.map_err(|_| AdminError::bad_request("The form is too large."))?;
    let form = FormData::parse(&bytes);
    let headers = &parts.headers;
    let submitted = form.get("csrf");
    check_form(
        &state,
        &site,
        headers,
        client.https,
        submitted,
        "The sign-in form expired or did not come from this site. Reload the page and try again.",
    )?;
    let next = safe_next(form.get("next")).to_owned();
    let email = normalize_email(form.get("email")).unwrap_or_else(|_| form.get("email").trim().to_lowercase());
    let password = form.get("password").to_owned();
    // The store keeps a digest of the e-mail, not the address itself.
    let account_key = format!("account:{}", token_digest(&email));
    let addr_key = client.throttle_key();
    let attempt = throttle(&state, &[account_key.as_str(), addr_key.as_str()], "failed sign-ins").await?;
    let found = state.store.user_for_login(&email).await?;
    let stored = found.as_ref().and_then(|(_, h)| h.clone());
    let matches = state.passwords.verify(password, stored).await?;
    let user = match found {
        Some((user, Some(_))) if matches => user,
        _ => {
            // Already counted by `begin_login`.
            let page = LoginPage {
                root: site.root(),
                chrome: None,
                csrf: submitted,
                next: &next,
                email: &email,
                error: Some("That e-mail address and password do not match an account."),
                notice: None,
            };
            return login_page(&state, StatusCode::UNAUTHORIZED, client.https, page);
        }
    };
    if !user.is_active() {
        // Said only to someone who knows the password, so it tells a
        // guesser nothing; the attempt stays counted.
        tracing::info!(user = user.id, "sign-in refused: account deactivated");
        let page = LoginPage {
            root: site.root(),
            chrome: None,
            csrf: submitted,
            next: &next,
            email: &email,
            error: Some(
                "This account has been deactivated. Ask an administrator of this publication to reactivate it.",
            ),
            notice: None,
        };
        return login_page(&state, StatusCode::FORBIDDEN, client.https, page);
    }
    state.store.login_succeeded(&attempt, &account_key).await?;
    start_session(&state, headers, client.https, &user, &next).await
}

/// Signs `user` in: a brand-new session id (never one the browser brought,
/// so a planted cookie is useless), the old session ended, and a redirect.
async fn start_session<S: Newsroom>(
    state: &AppState<S>,
    headers: &HeaderMap,
    https: bool,
    user: &User,
    next: &str,
) -> Result<Response, AdminError> {
    if let Some(old) = read_cookie(headers, SESSION_COOKIE, https) {
        state.store.delete_session(&token_digest(old)).await?;
    }
    let token = prensa_auth::new_token();
    state.store.create_session(&token.digest, user.id, Utc::now(), session::session_expiry()).await?;
    let mut response = Redirect::to(next).into_response();
    let h = response.headers_mut();
    h.append(header::SET_COOKIE, session::session_cookie(&token.secret, https));
    h.append(header::SET_COOKIE, set_cookie(LOGIN_COOKIE, "", 0, https));
    tracing::info!(user = user.id, "signed in");
    Ok(super::with_admin_headers(response))
}

/// `POST /admin/logout`: works without a role on the request's
/// publication (the session is the account's).
pub async fn logout<S: Newsroom>(
    State(state): Shared<S>,
    client: ClientInfo,
    posted: AccountCsrfForm,
) -> Result<Response, AdminError> {
    state.store.delete_session(&posted.staffer.session_digest).await?;
    let mut response = Redirect::to("/admin/login").into_response();
    response.headers_mut().append(header::SET_COOKIE, set_cookie(SESSION_COOKIE, "", 0, client.https));
    Ok(super::with_admin_headers(response))
}

#[derive(Serialize)]
struct PasswordPage<'a> {
    /// The publication's path prefix (`chrome` is absent before sign-in).
    root: &'a str,
    heading: &'a str,
    intro: String,
    action: String,
    csrf: &'a str,
    error: Option<String>,
    needs_current: bool,
    chrome: Option<Chrome>,
    notice: Option<&'a str>,
}

/// The answer to a link that is unknown, used, expired or replaced.
fn invalid_link() -> AdminError {
    AdminError::new(
        StatusCode::NOT_FOUND,
        "This link is not valid: it was used already, has expired, or was replaced by a newer one. Ask an administrator for a new link.",
    )
}

async fn token_page<S: Newsroom>(
    state: &AppState<S>,
    site: &Site,
    https: bool,
    kind: TokenKind,
    token: &str,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, AdminError> {
    let Some(user) = state.store.token_user(kind, &token_digest(token), Utc::now()).await? else {
        return Err(invalid_link());
    };
    let csrf = state.form_key.issue(Utc::now().timestamp());
    let (heading, intro) = match kind {
        TokenKind::Invite => ("Welcome to the newsroom", format!("Choose a password for {}.", user.email)),
        TokenKind::Reset => ("Choose a new password", format!("Choose a new password for {}.", user.email)),
    };
    let page = PasswordPage {
        root: site.root(),
        heading,
        intro,
        action: format!("/admin/{}/{}", kind.as_str(), token),
        csrf: &csrf,
        error,
        needs_current: false,
        chrome: None,
        notice: None,
    };
    let mut response = state.admin.page(status, "password.html", &page)?;
    response.headers_mut().append(header::SET_COOKIE, set_cookie(LOGIN_COOKIE, &csrf, FORM_MAX_AGE, https));
    Ok(response)
}

/// An invite or reset post. In order: the form's own checks, the throttle
/// (against the client's address, shared with sign-in), the link itself —
/// an unknown one is a 404 that still counts as a failure, and nothing is
/// hashed for it — and only then the password, hashed within the bound.
async fn token_submit<S: Newsroom>(
    state: &AppState<S>,
    site: &Site,
    headers: &HeaderMap,
    client: ClientInfo,
    kind: TokenKind,
    token: &str,
    body: &[u8],
) -> Result<Response, AdminError> {
    let form = FormData::parse(body);
    check_form(
        state,
        site,
        headers,
        client.https,
        form.get("csrf"),
        "The form expired or did not come from this site. Reload the page and try again.",
    )?;
    let addr_key = client.throttle_key();
    let attempt = throttle(state, &[addr_key.as_str()], "invalid links tried").await?;
    let digest = token_digest(token);
    if state.store.token_user(kind, &digest, Utc::now()).await?.is_none() {
        return Err(invalid_link());
    }
    // A live link is no guess: the attempt is withdrawn (`link:` names no
    // failures, so nothing else is cleared; the address keeps its own).
    state.store.login_succeeded(&attempt, &format!("link:{digest}")).await?;
    let password = form.get("password").to_owned();
    if password != form.get("confirm") {
        let e = Some("The two passwords differ.".to_owned());
        return token_page(state, site, client.https, kind, token, e, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let hash = match state.passwords.hash(password).await? {
        Ok(hash) => hash,
        Err(e) => {
            let e = Some(format!("Not saved: {e}."));
            return token_page(state, site, client.https, kind, token, e, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    match state.store.redeem_token(kind, &digest, &hash, Utc::now()).await? {
        Some(user) => start_session(state, headers, client.https, &user, "/admin/").await,
        None => Err(AdminError::new(StatusCode::NOT_FOUND, "This link is not valid any more; nothing was changed.")),
    }
}

/// `GET /admin/invite/{token}`.
pub async fn invite_form<S: Newsroom>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    client: ClientInfo,
    Path(token): Path<String>,
) -> Result<Response, AdminError> {
    token_page(&state, &site, client.https, TokenKind::Invite, &token, None, StatusCode::OK).await
}

/// `POST /admin/invite/{token}`: sets the first password and signs in.
pub async fn invite_submit<S: Newsroom>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    client: ClientInfo,
    headers: HeaderMap,
    Path(token): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, AdminError> {
    token_submit(&state, &site, &headers, client, TokenKind::Invite, &token, &body).await
}

/// `GET /admin/reset/{token}`.
pub async fn reset_form<S: Newsroom>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    client: ClientInfo,
    Path(token): Path<String>,
) -> Result<Response, AdminError> {
    token_page(&state, &site, client.https, TokenKind::Reset, &token, None, StatusCode::OK).await
}

/// `POST /admin/reset/{token}`.
pub async fn reset_submit<S: Newsroom>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    client: ClientInfo,
    headers: HeaderMap,
    Path(token): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, AdminError> {
    token_submit(&state, &site, &headers, client, TokenKind::Reset, &token, &body).await
}

fn account_page<S: Newsroom>(
    state: &AppState<S>,
    site: &Site,
    staffer: &Staffer,
    status: StatusCode,
    error: Option<String>,
    notice: Option<&str>,
) -> Result<Response, AdminError> {
    let page = PasswordPage {
        root: site.root(),
        heading: "Your account",
        intro: format!("Signed in as {} ({}).", staffer.user.email, staffer.user.role.as_str()),
        action: "/admin/account".into(),
        csrf: &staffer.csrf,
        error,
        needs_current: true,
        chrome: Some(Chrome::new(site, staffer)),
        notice,
    };
    state.admin.page(status, "password.html", &page)
}

/// `GET /admin/account`: the password change form.
pub async fn account<S: Newsroom>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    staffer: Staffer,
) -> Result<Response, AdminError> {
    account_page(&state, &site, &staffer, StatusCode::OK, None, None)
}

/// `POST /admin/account`: changes the password (current one required) and
/// signs out every other browser.
pub async fn change_password<S: Newsroom>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    client: ClientInfo,
    headers: HeaderMap,
    posted: CsrfForm,
) -> Result<Response, AdminError> {
    let CsrfForm { staffer, form } = posted;
    let refuse =
        |msg: &str| account_page(&state, &site, &staffer, StatusCode::UNPROCESSABLE_ENTITY, Some(msg.to_owned()), None);
    if form.get("password") != form.get("confirm") {
        return refuse("The two new passwords differ.");
    }
    let stored = state.store.user_for_login(&staffer.user.email).await?.and_then(|(_, h)| h).unwrap_or_default();
    let current = form.get("current").to_owned();
    let new = form.get("password").to_owned();
    // One bounded job for both argon2 runs.
    let result = state
        .passwords
        .run(move || {
            if !verify_password(&current, &stored).unwrap_or(false) {
                return Err("Your current password is not right.".to_owned());
            }
            prensa_auth::hash_password(&new).map_err(|e| format!("Not saved: {e}."))
        })
        .await?;
    let hash = match result {
        Ok(h) => h,
        Err(msg) => return refuse(&msg),
    };
    // Ends every session, this one included; a fresh one keeps this
    // browser signed in.
    state.store.set_password(staffer.user.id, &hash).await?;
    start_session(&state, &headers, client.https, &staffer.user, "/admin/account").await
}
