//! Signing in and out, accepting an invite, resetting and changing a
//! password.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Path, Query, Request, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use http::header::{self, HeaderMap};
use http::StatusCode;
use prensa_auth::{constant_time_eq, hash_password, new_token, token_digest, verify_password};
use prensa_core::{normalize_email, TokenKind, User};
use prensa_store::newsroom::LoginGate;
use prensa_store::Newsroom;
use serde::{Deserialize, Serialize};

use super::form::FormData;
use super::session::{self, cookie, is_https, set_cookie, Posted, Staffer, LOGIN_COOKIE, SESSION_COOKIE};
use super::{AdminError, Chrome, LOGIN_ATTEMPTS, LOGIN_WINDOW};
use crate::state::AppState;

type Shared<S> = State<Arc<AppState<S>>>;

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
    headers: &HeaderMap,
    page: LoginPage<'_>,
) -> Result<Response, AdminError> {
    let mut response = state.admin.page(status, "login.html", &page)?;
    response.headers_mut().append(header::SET_COOKIE, set_cookie(LOGIN_COOKIE, page.csrf, 3600, is_https(headers)));
    Ok(response)
}

/// `GET /admin/login`: the form, with a fresh double-submit token.
pub async fn form<S: Newsroom>(
    State(state): Shared<S>,
    headers: HeaderMap,
    Query(q): Query<NextQuery>,
) -> Result<Response, AdminError> {
    let token = new_token();
    let page = LoginPage { chrome: None, csrf: &token.secret, next: safe_next(&q.next), email: "", error: None, notice: None };
    login_page(&state, StatusCode::OK, &headers, page)
}

/// The address failures are counted against. Behind a proxy every reader
/// shares the proxy's address; the per-account limit still applies.
fn client_addr(req: &Request) -> String {
    req.extensions().get::<ConnectInfo<SocketAddr>>().map_or_else(|| "unknown".to_owned(), |c| c.0.ip().to_string())
}

/// A hash of a random password, verified when the account does not exist
/// (or has no password yet), so a wrong e-mail costs the same time as a
/// wrong password and answers give nothing away.
static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| hash_password(&new_token().secret).unwrap_or_default());

/// `POST /admin/login`.
pub async fn submit<S: Newsroom>(State(state): Shared<S>, req: Request) -> Result<Response, AdminError> {
    let addr = client_addr(&req);
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, 64 * 1024).await.map_err(|_| AdminError::bad_request("The form is too large."))?;
    let form = FormData::parse(&bytes);
    let headers = &parts.headers;
    let expected = cookie(headers, LOGIN_COOKIE).unwrap_or("");
    let submitted = form.get("csrf");
    if expected.is_empty() || !constant_time_eq(expected, submitted) {
        return Err(AdminError::forbidden(
            "The sign-in form expired or did not come from this site. Reload the page and try again.",
        ));
    }
    let next = safe_next(form.get("next")).to_owned();
    let email = normalize_email(form.get("email")).unwrap_or_else(|_| form.get("email").trim().to_lowercase());
    let password = form.get("password").to_owned();
    // The store keeps a digest of the e-mail, not the address itself.
    let account_key = format!("account:{}", token_digest(&email));
    let addr_key = format!("addr:{addr}");
    let keys = [account_key.as_str(), addr_key.as_str()];
    // Counted in the store, shared by every node: the attempt is recorded
    // as a failure here, before the password is checked, and withdrawn
    // below if it was right.
    let attempt = match state.store.begin_login(&keys, LOGIN_ATTEMPTS, LOGIN_WINDOW, Utc::now()).await? {
        LoginGate::Open(attempt) => attempt,
        LoginGate::Throttled { retry_after_secs } => {
            let secs = retry_after_secs.max(1);
            let minutes = secs.div_ceil(60);
            let mut e = AdminError::new(
                StatusCode::TOO_MANY_REQUESTS,
                format!("Too many failed sign-ins. Try again in {minutes} minute{}.", if minutes == 1 { "" } else { "s" }),
            );
            e.retry_after = Some(secs);
            return Err(e);
        }
    };
    let found = state.store.user_for_login(&email).await?;
    let stored = found.as_ref().and_then(|(_, h)| h.clone()).unwrap_or_else(|| DUMMY_HASH.clone());
    // Argon2 takes tens of milliseconds of CPU: off the async workers.
    let matches = tokio::task::spawn_blocking(move || verify_password(&password, &stored).unwrap_or(false))
        .await
        .map_err(|e| AdminError::internal(e.to_string()))?;
    let user = match found {
        Some((user, Some(_))) if matches => user,
        _ => {
            // Already counted by `begin_login`.
            let page = LoginPage {
                chrome: None,
                csrf: submitted,
                next: &next,
                email: &email,
                error: Some("That e-mail address and password do not match an account."),
                notice: None,
            };
            return login_page(&state, StatusCode::UNAUTHORIZED, headers, page);
        }
    };
    state.store.login_succeeded(&attempt, &account_key).await?;
    start_session(&state, headers, &user, &next).await
}

/// Signs `user` in: a brand-new session id (never one the browser brought,
/// so a planted cookie is useless), the old session ended, and a redirect.
async fn start_session<S: Newsroom>(
    state: &AppState<S>,
    headers: &HeaderMap,
    user: &User,
    next: &str,
) -> Result<Response, AdminError> {
    if let Some(old) = cookie(headers, SESSION_COOKIE) {
        state.store.delete_session(&token_digest(old)).await?;
    }
    let token = new_token();
    state.store.create_session(&token.digest, user.id, Utc::now(), session::session_expiry()).await?;
    let https = is_https(headers);
    let mut response = Redirect::to(next).into_response();
    let h = response.headers_mut();
    h.append(header::SET_COOKIE, session::session_cookie(&token.secret, https));
    h.append(header::SET_COOKIE, set_cookie(LOGIN_COOKIE, "", 0, https));
    tracing::info!(user = user.id, "signed in");
    Ok(super::with_admin_headers(response))
}

/// `POST /admin/logout`.
pub async fn logout<S: Newsroom>(State(state): Shared<S>, headers: HeaderMap, posted: Posted) -> Result<Response, AdminError> {
    state.store.delete_session(&posted.staffer.session_digest).await?;
    let mut response = Redirect::to("/admin/login").into_response();
    response.headers_mut().append(header::SET_COOKIE, set_cookie(SESSION_COOKIE, "", 0, is_https(&headers)));
    Ok(super::with_admin_headers(response))
}

#[derive(Serialize)]
struct PasswordPage<'a> {
    heading: &'a str,
    intro: String,
    action: String,
    csrf: &'a str,
    error: Option<String>,
    needs_current: bool,
    chrome: Option<Chrome>,
    notice: Option<&'a str>,
}

async fn token_page<S: Newsroom>(
    state: &AppState<S>,
    headers: &HeaderMap,
    kind: TokenKind,
    token: &str,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, AdminError> {
    let Some(user) = state.store.token_user(kind, &token_digest(token), Utc::now()).await? else {
        return Err(AdminError::new(
            StatusCode::NOT_FOUND,
            "This link is not valid: it was used already, has expired, or was replaced by a newer one. Ask an administrator for a new link.",
        ));
    };
    let csrf = new_token();
    let (heading, intro) = match kind {
        TokenKind::Invite => ("Welcome to the newsroom", format!("Choose a password for {}.", user.email)),
        TokenKind::Reset => ("Choose a new password", format!("Choose a new password for {}.", user.email)),
    };
    let page = PasswordPage {
        heading,
        intro,
        action: format!("/admin/{}/{}", kind.as_str(), token),
        csrf: &csrf.secret,
        error,
        needs_current: false,
        chrome: None,
        notice: None,
    };
    let mut response = state.admin.page(status, "password.html", &page)?;
    response.headers_mut().append(header::SET_COOKIE, set_cookie(LOGIN_COOKIE, &csrf.secret, 3600, is_https(headers)));
    Ok(response)
}

async fn token_submit<S: Newsroom>(
    state: &AppState<S>,
    headers: &HeaderMap,
    kind: TokenKind,
    token: &str,
    body: &[u8],
) -> Result<Response, AdminError> {
    let form = FormData::parse(body);
    let expected = cookie(headers, LOGIN_COOKIE).unwrap_or("");
    if expected.is_empty() || !constant_time_eq(expected, form.get("csrf")) {
        return Err(AdminError::forbidden("The form expired or did not come from this site. Reload the page and try again."));
    }
    let password = form.get("password").to_owned();
    if password != form.get("confirm") {
        let e = Some("The two passwords differ.".to_owned());
        return token_page(state, headers, kind, token, e, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let hash = match tokio::task::spawn_blocking(move || hash_password(&password)).await {
        Ok(Ok(hash)) => hash,
        Ok(Err(e)) => {
            let e = Some(format!("Not saved: {e}."));
            return token_page(state, headers, kind, token, e, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
        Err(e) => return Err(AdminError::internal(e.to_string())),
    };
    match state.store.redeem_token(kind, &token_digest(token), &hash, Utc::now()).await? {
        Some(user) => start_session(state, headers, &user, "/admin/").await,
        None => Err(AdminError::new(StatusCode::NOT_FOUND, "This link is not valid any more; nothing was changed.")),
    }
}

/// `GET /admin/invite/{token}`.
pub async fn invite_form<S: Newsroom>(State(state): Shared<S>, headers: HeaderMap, Path(token): Path<String>) -> Result<Response, AdminError> {
    token_page(&state, &headers, TokenKind::Invite, &token, None, StatusCode::OK).await
}

/// `POST /admin/invite/{token}`: sets the first password and signs in.
pub async fn invite_submit<S: Newsroom>(
    State(state): Shared<S>,
    headers: HeaderMap,
    Path(token): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, AdminError> {
    token_submit(&state, &headers, TokenKind::Invite, &token, &body).await
}

/// `GET /admin/reset/{token}`.
pub async fn reset_form<S: Newsroom>(State(state): Shared<S>, headers: HeaderMap, Path(token): Path<String>) -> Result<Response, AdminError> {
    token_page(&state, &headers, TokenKind::Reset, &token, None, StatusCode::OK).await
}

/// `POST /admin/reset/{token}`.
pub async fn reset_submit<S: Newsroom>(
    State(state): Shared<S>,
    headers: HeaderMap,
    Path(token): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, AdminError> {
    token_submit(&state, &headers, TokenKind::Reset, &token, &body).await
}

fn account_page<S: Newsroom>(
    state: &AppState<S>,
    headers: &HeaderMap,
    staffer: &Staffer,
    status: StatusCode,
    error: Option<String>,
    notice: Option<&str>,
) -> Result<Response, AdminError> {
    let site = super::site_of(state, headers)?;
    let page = PasswordPage {
        heading: "Your account",
        intro: format!("Signed in as {} ({}).", staffer.user.email, staffer.user.role.as_str()),
        action: "/admin/account".into(),
        csrf: &staffer.csrf,
        error,
        needs_current: true,
        chrome: Some(Chrome::new(&site, staffer)),
        notice,
    };
    state.admin.page(status, "password.html", &page)
}

/// `GET /admin/account`: the password change form.
pub async fn account<S: Newsroom>(State(state): Shared<S>, headers: HeaderMap, staffer: Staffer) -> Result<Response, AdminError> {
    account_page(&state, &headers, &staffer, StatusCode::OK, None, None)
}

/// `POST /admin/account`: changes the password (current one required) and
/// signs out every other browser.
pub async fn change_password<S: Newsroom>(State(state): Shared<S>, headers: HeaderMap, posted: Posted) -> Result<Response, AdminError> {
    let Posted { staffer, form } = posted;
    let refuse = |msg: &str| account_page(&state, &headers, &staffer, StatusCode::UNPROCESSABLE_ENTITY, Some(msg.to_owned()), None);
    if form.get("password") != form.get("confirm") {
        return refuse("The two new passwords differ.");
    }
    let stored = state.store.user_for_login(&staffer.user.email).await?.and_then(|(_, h)| h).unwrap_or_default();
    let current = form.get("current").to_owned();
    let new = form.get("password").to_owned();
    let result = tokio::task::spawn_blocking(move || {
        if !verify_password(&current, &stored).unwrap_or(false) {
            return Err("Your current password is not right.".to_owned());
        }
        hash_password(&new).map_err(|e| format!("Not saved: {e}."))
    })
    .await
    .map_err(|e| AdminError::internal(e.to_string()))?;
    let hash = match result {
        Ok(h) => h,
        Err(msg) => return refuse(&msg),
    };
    // Ends every session, this one included; a fresh one keeps this
    // browser signed in.
    state.store.set_password(staffer.user.id, &hash).await?;
    start_session(&state, &headers, &staffer.user, "/admin/account").await
}
