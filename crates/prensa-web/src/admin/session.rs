//! Who is asking: the session cookie, the signed-in staff member, and the
//! CSRF check every state-changing admin request passes.
//!
//! The session cookie holds a 256-bit secret; the store keeps only its
//! SHA-256, so reading the database opens no session. The CSRF token of a
//! session is derived from that secret (SHA-256 of a fixed label and the
//! secret): a page on another site can neither read the cookie nor compute
//! the token, and nothing more needs storing. Before login there is no
//! session, so the sign-in, invite and reset forms use a signed
//! double-submit cookie instead (see `login.rs`).
//!
//! Over https the cookies are `__Host-prensa_session` and
//! `__Host-prensa_login`: the prefix makes browsers refuse them unless set
//! by this very origin over https, with `Secure`, `Path=/` and no `Domain`,
//! so neither a sibling subdomain nor a man in the middle on plain http
//! can plant or overwrite one (the login-CSRF and session-fixation
//! routes). The prefix requires `Path=/`, so over https the cookies also
//! reach public pages; those never read cookies (the page cache keys on
//! publication and path only) and answer the same with or without them.
//! Over plain http (development, a private network, the demo) the prefix
//! cannot be had; the cookies still have `Path=/`, because publications
//! served under a path prefix on one host (`/de/admin/`) share the
//! network's one sign-in, and a cookie limited to `/admin` would not
//! reach their admins.

use std::sync::Arc;

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Duration, Utc};
use http::header::{self, HeaderMap, HeaderValue};
use http::request::Parts;
use prensa_auth::{constant_time_eq, token_digest};
use prensa_core::permissions::role_on;
use prensa_core::User;
use prensa_store::Newsroom;

use super::form::FormData;
use super::AdminError;
use crate::client::ClientInfo;
use crate::state::{AppState, Site};

pub const SESSION_COOKIE: &str = "prensa_session";
pub const LOGIN_COOKIE: &str = "prensa_login";
/// How long a session lasts after login.
pub const SESSION_DAYS: i64 = 14;
/// Largest admin form body (the Markdown body is limited to 500 KB).
const MAX_FORM_BYTES: usize = 2 * 1024 * 1024;

/// The value of cookie `name` in the request, if any.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(|pair| {
        let (k, v) = pair.trim().split_once('=')?;
        (k == name).then_some(v)
    })
}

/// The name cookie `name` goes by: `__Host-` prefixed over https (see the
/// module's comment).
pub fn cookie_name(name: &str, https: bool) -> std::borrow::Cow<'_, str> {
    if https {
        format!("__Host-{name}").into()
    } else {
        name.into()
    }
}

/// The admin's cookie `name` in the request, under the name it has over
/// https or http: over https only the `__Host-` one counts, since a cookie
/// without the prefix may have been planted.
pub fn read_cookie<'a>(headers: &'a HeaderMap, name: &str, https: bool) -> Option<&'a str> {
    cookie(headers, &cookie_name(name, https))
}

/// A `Set-Cookie` value for the admin: HttpOnly, SameSite=Lax; over https
/// `__Host-` with Secure, else without; `Path=/` either way (see the
/// module's comment). `max_age` 0
/// deletes the cookie.
pub fn set_cookie(name: &str, value: &str, max_age: i64, https: bool) -> HeaderValue {
    let (path, secure) = ("/", if https { "; Secure" } else { "" });
    let name = cookie_name(name, https);
    let text = format!("{name}={value}; Path={path}; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}");
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static("invalid=1; Max-Age=0"))
}

pub fn session_cookie(secret: &str, https: bool) -> HeaderValue {
    set_cookie(SESSION_COOKIE, secret, SESSION_DAYS * 24 * 3600, https)
}

/// The CSRF token belonging to a session secret.
pub fn csrf_for(session_secret: &str) -> String {
    token_digest(&format!("prensa-csrf\0{session_secret}"))
}

/// A signed-in staff member with a role on the request's publication, and
/// the CSRF token their forms carry.
#[derive(Debug, Clone)]
pub struct Staffer {
    /// The account, with `role` set to its role on the request's
    /// publication (`prensa_core::permissions::role_on`), so that every
    /// `check(&staffer.user.staff(), …)` decides for this publication.
    pub user: User,
    pub csrf: String,
    /// Digest of the session secret (for logging out).
    pub session_digest: String,
}

impl Staffer {
    /// Checks a submitted CSRF token (form field or `X-CSRF-Token`).
    pub fn check_csrf(&self, submitted: &str) -> Result<(), AdminError> {
        if !submitted.is_empty() && constant_time_eq(submitted, &self.csrf) {
            Ok(())
        } else {
            Err(AdminError::forbidden(
                "This form has expired or did not come from this site. Reload the page and try again.",
            ))
        }
    }
}

/// Where a refused anonymous request is sent: the login form, coming back
/// here afterwards.
fn to_login(parts: &Parts) -> Response {
    let back = parts.uri.path_and_query().map_or("/admin/", |p| p.as_str());
    let next = crate::views::encode_query(back);
    Redirect::to(&format!("/admin/login?next={next}")).into_response()
}

/// The session's account, whatever its roles (`user.role` is the
/// account's own).
async fn signed_in<S: Newsroom>(parts: &Parts, state: &AppState<S>) -> Result<Staffer, Response> {
    let https = ClientInfo::of(&parts.extensions).https;
    let Some(secret) = read_cookie(&parts.headers, SESSION_COOKIE, https).filter(|s| !s.is_empty()) else {
        return Err(to_login(parts));
    };
    let digest = token_digest(secret);
    // Refused when expired or idle past the server's limit.
    match state.store.session_user(&digest, Utc::now(), state.config.session_idle).await {
        Ok(Some(user)) => Ok(Staffer { csrf: csrf_for(secret), user, session_digest: digest }),
        Ok(None) => Err(to_login(parts)),
        Err(e) => Err(AdminError::from(e).into_response()),
    }
}

/// The publication the request is for, as the network layer resolved it.
pub fn request_site(parts: &Parts) -> Result<Arc<Site>, AdminError> {
    crate::network::site_of(&parts.extensions)
        .cloned()
        .ok_or_else(|| AdminError::new(http::StatusCode::NOT_FOUND, "No publication is served at this address."))
}

/// Sets `staffer.user.role` to the account's role on the request's
/// publication; 403 when it has none there (signing in and out still work:
/// sessions belong to the account, not to a publication).
async fn on_this_publication<S: Newsroom>(
    parts: &Parts,
    state: &AppState<S>,
    mut staffer: Staffer,
) -> Result<Staffer, Response> {
    let site = request_site(parts).map_err(IntoResponse::into_response)?;
    let user = &staffer.user;
    // A network-wide account's rows do not count: no lookup needed.
    let given = if user.network_wide {
        None
    } else {
        state
            .store
            .publication_role(user.id, site.publication.id)
            .await
            .map_err(|e| AdminError::from(e).into_response())?
    };
    match role_on(user.role, user.network_wide, given) {
        Some(role) => {
            staffer.user.role = role;
            Ok(staffer)
        }
        None => Err(AdminError::forbidden("You have no role on this publication.").into_response()),
    }
}

impl<S: Newsroom> FromRequestParts<Arc<AppState<S>>> for Staffer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState<S>>) -> Result<Self, Self::Rejection> {
        let staffer = signed_in(parts, state).await?;
        on_this_publication(parts, state, staffer).await
    }
}

/// A state-changing request: a signed-in staff member with a role on the
/// request's publication whose form passed the CSRF check, with the form.
pub struct CsrfForm {
    pub staffer: Staffer,
    pub form: FormData,
}

/// The signed-in account and its checked form, before any role is looked
/// at.
async fn posted_form<S: Newsroom>(req: Request, state: &AppState<S>) -> Result<(Parts, Staffer, FormData), Response> {
    let (parts, body) = req.into_parts();
    let staffer = signed_in(&parts, state).await?;
    let header_token = parts.headers.get("x-csrf-token").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let bytes = axum::body::to_bytes(body, MAX_FORM_BYTES)
        .await
        .map_err(|_| AdminError::bad_request("The form is too large.").into_response())?;
    let form = FormData::parse(&bytes);
    let submitted = header_token.as_deref().unwrap_or_else(|| form.get("csrf"));
    staffer.check_csrf(submitted).map_err(IntoResponse::into_response)?;
    Ok((parts, staffer, form))
}

impl<S: Newsroom> FromRequest<Arc<AppState<S>>> for CsrfForm {
    type Rejection = Response;

    async fn from_request(req: Request, state: &Arc<AppState<S>>) -> Result<Self, Self::Rejection> {
        let (parts, staffer, form) = posted_form(req, state).await?;
        let staffer = on_this_publication(&parts, state, staffer).await?;
        Ok(CsrfForm { staffer, form })
    }
}

/// A state-changing request about the account itself (signing out), which
/// needs no role on the request's publication.
pub struct AccountCsrfForm {
    pub staffer: Staffer,
    pub form: FormData,
}

impl<S: Newsroom> FromRequest<Arc<AppState<S>>> for AccountCsrfForm {
    type Rejection = Response;

    async fn from_request(req: Request, state: &Arc<AppState<S>>) -> Result<Self, Self::Rejection> {
        let (_, staffer, form) = posted_form(req, state).await?;
        Ok(AccountCsrfForm { staffer, form })
    }
}

/// Expiry of a new session.
pub fn session_expiry() -> chrono::DateTime<Utc> {
    Utc::now() + Duration::days(SESSION_DAYS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_among_others() {
        let mut h = HeaderMap::new();
        h.append(header::COOKIE, HeaderValue::from_static("a=1; prensa_session=abc"));
        h.append(header::COOKIE, HeaderValue::from_static("b=2"));
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(&h, "b"), Some("2"));
        assert_eq!(cookie(&h, "prensa"), None);
    }

    #[test]
    fn session_cookies_carry_the_flags() {
        let c = session_cookie("s3cret", true);
        let c = c.to_str().expect("ascii");
        // Over https: the `__Host-` prefix, which requires Path=/.
        assert!(c.starts_with("__Host-prensa_session=s3cret;"), "{c}");
        for flag in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/;"] {
            assert!(c.contains(flag), "{c}");
        }
        assert!(!c.contains("Domain"), "{c}");
        let plain = session_cookie("s3cret", false);
        let plain = plain.to_str().expect("ascii");
        assert!(plain.starts_with("prensa_session=s3cret;") && plain.contains("Path=/;"), "{plain}");
        assert!(!set_cookie("x", "y", 0, false).to_str().expect("ascii").contains("Secure"));
    }

    #[test]
    fn over_https_only_prefixed_cookies_count() {
        let mut h = HeaderMap::new();
        h.append(header::COOKIE, HeaderValue::from_static("prensa_session=planted; __Host-prensa_session=real"));
        assert_eq!(read_cookie(&h, SESSION_COOKIE, true), Some("real"));
        assert_eq!(read_cookie(&h, SESSION_COOKIE, false), Some("planted"));
        let mut h = HeaderMap::new();
        h.append(header::COOKIE, HeaderValue::from_static("prensa_session=planted"));
        assert_eq!(read_cookie(&h, SESSION_COOKIE, true), None);
    }

    #[test]
    fn csrf_tokens_depend_on_the_session() {
        assert_ne!(csrf_for("a"), csrf_for("b"));
        assert_eq!(csrf_for("a"), csrf_for("a"));
        assert_ne!(csrf_for("a"), token_digest("a"), "not the session's own digest");
    }
}
