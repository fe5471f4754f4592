//! Sign-in hardening through the real router (`oneshot`, no sockets), on
//! SQLite in memory: the forms shown before sign-in (signed tokens, the
//! `Origin` / `Sec-Fetch-Site` check), invite and reset links (looked up
//! before hashing, throttled), the bound on password hashing, the client
//! address and https behind trusted proxies, and the cookies and HSTS of a
//! publication served over https.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::Router;
use chrono::Utc;
use http::{header, Request, StatusCode};
use prensa_core::permissions::Role;
use prensa_core::{ImportSet, NewArticle, NewUser, TokenKind};
use prensa_store::{Newsroom, SqliteStore};
use prensa_test_support::fixture::{article, meridian};
use prensa_test_support::web;
use prensa_web::{AppState, WebConfig};
use tower::ServiceExt;

type TestResult = Result<(), Box<dyn std::error::Error>>;
type Res<T> = Result<T, Box<dyn std::error::Error>>;

const PASSWORD: &str = "correct horse battery";

fn fixture(base_url: &str) -> Res<ImportSet> {
    let old_news =
        NewArticle { headline: "Old news".into(), standfirst: "S".into(), body: "Body.".into(), ..article("old-news") };
    let mut set = meridian(vec![old_news]);
    set.publication.base_url = base_url.into();
    set.publication.timezone = "Europe/Berlin".into();
    Ok(set)
}

struct World {
    state: Arc<AppState<SqliteStore>>,
    router: Router,
    _media: tempfile::TempDir,
}

/// A publication at `base_url` with accounts `adm@`, `edi@` and `aut@`
/// (password [`PASSWORD`]).
async fn world(base_url: &str, config: WebConfig) -> Res<World> {
    let site = web::site_on(SqliteStore::open("sqlite::memory:").await?, &fixture(base_url)?, config).await?;
    let web::Site { store, state, router, media, .. } = site;
    let hash = prensa_auth::hash_password(PASSWORD)?;
    for (name, role) in [("adm", Role::Administrator), ("edi", Role::Editor), ("aut", Role::Author)] {
        let new = NewUser {
            email: format!("{name}@example.org"),
            name: name.into(),
            role,
            author_id: None,
            publication: None,
        };
        let user = store.create_user(&new, Utc::now()).await?;
        store.set_password(user.id, &hash).await?;
    }
    Ok(World { router, state, _media: media })
}

async fn plain_world() -> Res<World> {
    world("http://localhost:8080", WebConfig::default()).await
}

fn behind(proxies: &[&str]) -> Res<WebConfig> {
    let mut config = WebConfig::default();
    for p in proxies {
        config.trusted_proxies.push(p.parse()?);
    }
    Ok(config)
}

struct Answer {
    status: StatusCode,
    headers: http::HeaderMap,
    text: String,
}

impl Answer {
    fn set_cookies(&self) -> Vec<String> {
        self.headers.get_all(header::SET_COOKIE).iter().filter_map(|v| v.to_str().ok()).map(str::to_owned).collect()
    }
    /// The `Set-Cookie` line whose cookie name is `name`.
    fn cookie(&self, name: &str) -> Option<String> {
        self.set_cookies().into_iter().find(|c| c.starts_with(&format!("{name}=")))
    }
    fn header(&self, name: header::HeaderName) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// A request from `peer` (the TCP peer address; 203.0.113.9 unless
/// told), with a form body if it has fields.
struct Req {
    method: &'static str,
    path: String,
    peer: [u8; 4],
    headers: Vec<(String, String)>,
    form: Vec<(String, String)>,
}

impl Req {
    fn get(path: impl Into<String>) -> Req {
        Req { method: "GET", path: path.into(), peer: [203, 0, 113, 9], headers: vec![], form: vec![] }
    }
    fn post(path: impl Into<String>) -> Req {
        Req { method: "POST", ..Req::get(path) }
    }
    fn from(mut self, peer: [u8; 4]) -> Self {
        self.peer = peer;
        self
    }
    /// Adds a header (`host` replaces the default `localhost:8080`).
    fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_owned(), value.into()));
        self
    }
    fn field(mut self, name: &str, value: impl Into<String>) -> Self {
        self.form.push((name.to_owned(), value.into()));
        self
    }
    async fn send(self, w: &World) -> Res<Answer> {
        let mut b = Request::builder().method(self.method).uri(&self.path);
        if !self.headers.iter().any(|(k, _)| k == "host") {
            b = b.header(header::HOST, "localhost:8080");
        }
        for (k, v) in &self.headers {
            b = b.header(k.as_str(), v);
        }
        let body = if self.form.is_empty() {
            Body::empty()
        } else {
            let mut s = form_urlencoded::Serializer::new(String::new());
            for (k, v) in &self.form {
                s.append_pair(k, v);
            }
            b = b.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
            Body::from(s.finish())
        };
        let mut req = b.body(body)?;
        req.extensions_mut().insert(ConnectInfo(SocketAddr::from((self.peer, 40000))));
        let res = w.router.clone().oneshot(req).await?;
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = axum::body::to_bytes(res.into_body(), usize::MAX).await?;
        Ok(Answer { status, headers, text: String::from_utf8_lossy(&bytes).into_owned() })
    }
}

/// The value of the hidden `csrf` field of a form page.
fn hidden_csrf(html: &str) -> Option<String> {
    let at = html.find("name=\"csrf\" value=\"")? + "name=\"csrf\" value=\"".len();
    Some(html[at..].split('"').next()?.to_owned())
}

/// A fresh form from `path` (the sign-in page, an invite or reset link),
/// as `peer` sees it: the `Cookie` header to send back (`name=value`, the
/// name `__Host-` prefixed or not) and the hidden field's value.
async fn form_from(w: &World, path: &str, peer: [u8; 4], name: &str) -> Res<(String, String)> {
    let page = Req::get(path).from(peer).send(w).await?;
    assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.text);
    let set = page
        .cookie(name)
        .or_else(|| page.cookie(&format!("__Host-{name}")))
        .ok_or_else(|| format!("{name} cookie from {path}: {:?}", page.set_cookies()))?;
    let pair = set.split(';').next().ok_or("cookie")?.to_owned();
    let csrf = hidden_csrf(&page.text).ok_or("csrf field")?;
    Ok((pair, csrf))
}

/// A sign-in through the form, from `peer`, with `extra` headers.
async fn sign_in(w: &World, email: &str, password: &str, peer: [u8; 4], extra: &[(&str, &str)]) -> Res<Answer> {
    let (cookie, csrf) = form_from(w, "/admin/login", peer, "prensa_login").await?;
    let mut req = Req::post("/admin/login")
        .from(peer)
        .header("cookie", cookie)
        .field("csrf", csrf)
        .field("email", email)
        .field("password", password)
        .field("next", "/admin/");
    for (k, v) in extra {
        req = req.header(k, *v);
    }
    req.send(w).await
}

/// A new invite link's path for a new account.
async fn invite_path(w: &World, email: &str) -> Res<String> {
    let new =
        NewUser { email: email.into(), name: "New".into(), role: Role::Author, author_id: None, publication: None };
    let user = w.state.store.create_user(&new, Utc::now()).await?;
    let link =
        prensa_web::admin::users::issue_link(&w.state.store, "http://localhost:8080", TokenKind::Invite, user.id)
            .await?;
    Ok(link.trim_start_matches("http://localhost:8080").to_owned())
}

// --- item 3: invite and reset links -------------------------------------

/// An unknown link is answered 404 before any password is hashed: the
/// bound's job counter does not move.
#[tokio::test]
async fn unknown_links_answer_404_without_hashing() -> TestResult {
    let w = plain_world().await?;
    let (cookie, csrf) = form_from(&w, "/admin/login", [198, 51, 100, 1], "prensa_login").await?;
    let before = w.state.passwords.jobs();
    for path in ["/admin/reset/not-a-token", "/admin/invite/not-a-token"] {
        let res = Req::post(path)
            .from([198, 51, 100, 1])
            .header("cookie", cookie.clone())
            .field("csrf", csrf.clone())
            .field("password", "a long enough secret")
            .field("confirm", "a long enough secret")
            .send(&w)
            .await?;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{path}: {}", res.text);
        assert!(res.text.contains("not valid"), "{}", res.text);
    }
    assert_eq!(w.state.passwords.jobs(), before, "nothing hashed for unknown links");
    // A live link is hashed once, and works.
    let path = invite_path(&w, "new@example.org").await?;
    let (cookie, csrf) = form_from(&w, &path, [198, 51, 100, 1], "prensa_login").await?;
    let done = Req::post(path.as_str())
        .from([198, 51, 100, 1])
        .header("cookie", cookie)
        .field("csrf", csrf)
        .field("password", "a long enough secret")
        .field("confirm", "a long enough secret")
        .send(&w)
        .await?;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text);
    assert_eq!(w.state.passwords.jobs(), before + 1);
    Ok(())
}

/// Posts to made-up links count as failures against the address, like
/// wrong passwords: the sixth within the window is refused with 429 (and
/// so is a sign-in from that address); another address is not affected,
/// and a live link tried from it does not count.
#[tokio::test]
async fn link_guessing_is_throttled_per_address() -> TestResult {
    let w = plain_world().await?;
    let guesser = [198, 51, 100, 66];
    let (cookie, csrf) = form_from(&w, "/admin/login", guesser, "prensa_login").await?;
    let post_confirmed = |path: String, peer: [u8; 4], confirm: &str| {
        Req::post(path)
            .from(peer)
            .header("cookie", cookie.clone())
            .field("csrf", csrf.clone())
            .field("password", "a long enough secret")
            .field("confirm", confirm)
    };
    let post = |path: String, peer: [u8; 4]| post_confirmed(path, peer, "a long enough secret");
    for i in 0..5 {
        let kind = if i % 2 == 0 { "reset" } else { "invite" };
        let res = post(format!("/admin/{kind}/guess-{i}"), guesser).send(&w).await?;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "guess {i}");
    }
    let refused = post("/admin/reset/guess-5".into(), guesser).send(&w).await?;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS, "{}", refused.text);
    let retry: u64 = refused.header(header::RETRY_AFTER).ok_or("Retry-After")?.parse()?;
    assert!(retry > 0 && retry <= 15 * 60, "{retry}");
    assert!(refused.text.contains("Too many invalid links tried"), "{}", refused.text);
    // The same address is paused for sign-in too (one budget per address).
    assert_eq!(sign_in(&w, "adm@example.org", PASSWORD, guesser, &[]).await?.status, StatusCode::TOO_MANY_REQUESTS);
    // Another address is not.
    let other = [198, 51, 100, 67];
    assert_eq!(post("/admin/reset/guess-6".into(), other).send(&w).await?.status, StatusCode::NOT_FOUND);
    // Live links, even with a mistake in the form, are no guesses.
    let path = invite_path(&w, "new@example.org").await?;
    for _ in 0..5 {
        let differ = post_confirmed(path.clone(), other, "something else entirely").send(&w).await?;
        assert_eq!(differ.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", differ.text);
    }
    assert_eq!(post(path, other).send(&w).await?.status, StatusCode::SEE_OTHER);
    Ok(())
}

/// With two permits, eight concurrent sign-ins never run more than two
/// argon2 verifications at once — yet all eight are verified.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn password_hashing_is_bounded() -> TestResult {
    let config = WebConfig { password_hashers: 2, ..WebConfig::default() };
    let w = Arc::new(world("http://localhost:8080", config).await?);
    assert_eq!(w.state.passwords.permits(), 2);
    let before = w.state.passwords.jobs();
    let mut tasks = Vec::new();
    for i in 0..8u8 {
        let w = w.clone();
        tasks.push(tokio::spawn(async move {
            let email = if i % 2 == 0 { format!("nobody{i}@example.org") } else { "aut@example.org".to_owned() };
            sign_in(&w, &email, "not the password", [192, 0, 2, i], &[])
                .await
                .map(|a| a.status)
                .map_err(|e| e.to_string())
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await??);
    }
    // Four wrong passwords for `aut@` stay under its limit of five.
    assert!(statuses.iter().all(|s| *s == StatusCode::UNAUTHORIZED), "{statuses:?}");
    assert_eq!(w.state.passwords.jobs() - before, 8, "every attempt verified");
    let most = w.state.passwords.most_concurrent();
    assert!((1..=2).contains(&most), "at most two at once, saw {most}");
    Ok(())
}

// --- item 7: behind a reverse proxy ---------------------------------------

/// Behind a trusted proxy each client is counted on its own: one client's
/// five failures (over five accounts, so no account limit is reached)
/// pause that client only.
#[tokio::test]
async fn behind_a_trusted_proxy_one_client_does_not_lock_out_another() -> TestResult {
    let w = world("http://localhost:8080", behind(&["10.0.0.0/8"])?).await?;
    let proxy = [10, 0, 0, 2];
    let xff = |client: &str| [("x-forwarded-for", format!("{client}, 10.0.0.7"))];
    for i in 0..5 {
        let h = xff("198.51.100.1");
        let failed =
            sign_in(&w, &format!("guess{i}@example.org"), "wrong", proxy, &[(h[0].0, h[0].1.as_str())]).await?;
        assert_eq!(failed.status, StatusCode::UNAUTHORIZED);
    }
    let h = xff("198.51.100.1");
    let paused = sign_in(&w, "adm@example.org", PASSWORD, proxy, &[(h[0].0, h[0].1.as_str())]).await?;
    assert_eq!(paused.status, StatusCode::TOO_MANY_REQUESTS, "the guessing client is paused");
    let h = xff("198.51.100.2");
    let other = sign_in(&w, "adm@example.org", PASSWORD, proxy, &[(h[0].0, h[0].1.as_str())]).await?;
    assert_eq!(other.status, StatusCode::SEE_OTHER, "another client behind the same proxy signs in: {}", other.text);
    // RFC 7239 `Forwarded` works the same way.
    let fwd = [("forwarded", "for=\"[2001:db8::7]:4711\";proto=http")];
    assert_eq!(sign_in(&w, "edi@example.org", PASSWORD, proxy, &fwd).await?.status, StatusCode::SEE_OTHER);
    Ok(())
}

/// From a peer that is not a trusted proxy, forwarding headers change
/// nothing: failures are counted against the peer whatever address it
/// claims — with no proxy configured, and with one that is not this peer.
#[tokio::test]
async fn spoofed_forwarding_headers_are_ignored() -> TestResult {
    for config in [WebConfig::default(), behind(&["10.0.0.0/8"])?] {
        let w = world("http://localhost:8080", config).await?;
        let peer = [192, 0, 2, 50];
        for i in 0..5u8 {
            let spoof = format!("198.51.100.{i}");
            let failed = sign_in(
                &w,
                &format!("guess{i}@example.org"),
                "wrong",
                peer,
                &[("x-forwarded-for", &spoof), ("forwarded", &format!("for={spoof}"))],
            )
            .await?;
            assert_eq!(failed.status, StatusCode::UNAUTHORIZED);
        }
        let still = sign_in(&w, "adm@example.org", PASSWORD, peer, &[("x-forwarded-for", "198.51.100.99")]).await?;
        assert_eq!(still.status, StatusCode::TOO_MANY_REQUESTS, "counted against the peer");
    }
    Ok(())
}

/// `X-Forwarded-Proto: https` from anyone but a trusted proxy is not
/// believed: no `Secure`, no `__Host-` cookie, no HSTS. From the trusted
/// proxy it is.
#[tokio::test]
async fn forwarded_proto_is_believed_from_trusted_proxies_only() -> TestResult {
    let w = world("http://localhost:8080", behind(&["10.0.0.0/8"])?).await?;
    let spoofed = Req::get("/admin/login").from([192, 0, 2, 50]).header("x-forwarded-proto", "https").send(&w).await?;
    let cookie = spoofed.cookie("prensa_login").ok_or("plain login cookie")?;
    assert!(!cookie.contains("Secure"), "{cookie}");
    assert!(spoofed.cookie("__Host-prensa_login").is_none());
    assert_eq!(spoofed.header(header::STRICT_TRANSPORT_SECURITY), None);

    let proxied = Req::get("/admin/login").from([10, 0, 0, 2]).header("x-forwarded-proto", "https").send(&w).await?;
    let cookie = proxied.cookie("__Host-prensa_login").ok_or("prefixed login cookie")?;
    assert!(cookie.contains("Secure") && cookie.contains("Path=/;"), "{cookie}");
    assert_eq!(proxied.header(header::STRICT_TRANSPORT_SECURITY), Some("max-age=31536000"));
    Ok(())
}

/// The same when no proxy is configured at all (the default).
#[tokio::test]
async fn forwarded_proto_from_an_unconfigured_peer_is_ignored() -> TestResult {
    let w = plain_world().await?;
    let res = Req::get("/admin/login").from([10, 0, 0, 2]).header("x-forwarded-proto", "https").send(&w).await?;
    let cookie = res.cookie("prensa_login").ok_or("plain login cookie")?;
    assert!(!cookie.contains("Secure"), "{cookie}");
    Ok(())
}

// --- item 8: a publication served over https ------------------------------

/// An https base URL: every admin cookie is `__Host-` with `Secure` and
/// `Path=/`, whatever the proxy says; responses carry HSTS; only the
/// prefixed session cookie opens the admin; public pages are the same
/// (and cached alike) with or without the cookie.
#[tokio::test]
async fn an_https_site_gets_secure_prefixed_cookies_and_hsts() -> TestResult {
    let w = world("https://news.example", WebConfig::default()).await?;
    let peer = [198, 51, 100, 5];
    let form = Req::get("/admin/login").from(peer).send(&w).await?;
    assert_eq!(form.header(header::STRICT_TRANSPORT_SECURITY), Some("max-age=31536000"));
    let login = form.cookie("__Host-prensa_login").ok_or_else(|| format!("{:?}", form.set_cookies()))?;
    for flag in ["Secure", "HttpOnly", "SameSite=Lax", "Path=/;"] {
        assert!(login.contains(flag), "{login}");
    }
    assert!(!login.contains("Domain"), "{login}");
    assert!(form.cookie("prensa_login").is_none());

    let ok = sign_in(&w, "edi@example.org", PASSWORD, peer, &[("origin", "https://news.example")]).await?;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.text);
    let session = ok.cookie("__Host-prensa_session").ok_or_else(|| format!("{:?}", ok.set_cookies()))?;
    for flag in ["Secure", "HttpOnly", "SameSite=Lax", "Path=/;"] {
        assert!(session.contains(flag), "{session}");
    }
    let secret = session.trim_start_matches("__Host-prensa_session=").split(';').next().ok_or("value")?.to_owned();
    let dashboard =
        Req::get("/admin/").from(peer).header("cookie", format!("__Host-prensa_session={secret}")).send(&w).await?;
    assert_eq!(dashboard.status, StatusCode::OK);
    // Without the prefix the same secret is not a session over https: an
    // unprefixed cookie could have been planted.
    let unprefixed =
        Req::get("/admin/").from(peer).header("cookie", format!("prensa_session={secret}")).send(&w).await?;
    assert_eq!(unprefixed.status, StatusCode::SEE_OTHER);
    assert!(unprefixed.header(header::LOCATION).is_some_and(|l| l.starts_with("/admin/login")));

    // Public pages: HSTS too; the cookie (now sent to every path) changes
    // nothing, and the second request is served from the cache.
    let anonymous = Req::get("/old-news/").from(peer).send(&w).await?;
    assert_eq!(anonymous.status, StatusCode::OK);
    assert_eq!(anonymous.header(header::STRICT_TRANSPORT_SECURITY), Some("max-age=31536000"));
    let hits = w.state.cache.stats().hits;
    let staff =
        Req::get("/old-news/").from(peer).header("cookie", format!("__Host-prensa_session={secret}")).send(&w).await?;
    assert_eq!((staff.status, &staff.text), (anonymous.status, &anonymous.text));
    assert!(staff.set_cookies().is_empty());
    assert_eq!(w.state.cache.stats().hits, hits + 1, "a cache hit, cookie or not");
    Ok(())
}

/// Over plain http: no HSTS anywhere; `--hsts-max-age 0` turns it off over
/// https, another value is sent as it is.
#[tokio::test]
async fn hsts_only_over_https_and_as_configured() -> TestResult {
    let w = plain_world().await?;
    for path in ["/admin/login", "/old-news/", "/"] {
        assert_eq!(Req::get(path).send(&w).await?.header(header::STRICT_TRANSPORT_SECURITY), None, "{path}");
    }
    let off = world("https://news.example", WebConfig { hsts_max_age: 0, ..WebConfig::default() }).await?;
    assert_eq!(Req::get("/admin/login").send(&off).await?.header(header::STRICT_TRANSPORT_SECURITY), None);
    let short = world("https://news.example", WebConfig { hsts_max_age: 600, ..WebConfig::default() }).await?;
    assert_eq!(Req::get("/").send(&short).await?.header(header::STRICT_TRANSPORT_SECURITY), Some("max-age=600"));
    Ok(())
}

// --- item 9: login CSRF ----------------------------------------------------

/// A planted cookie and a forged field with the same made-up value no
/// longer sign anyone in (or set anyone's password); nor does a pair signed
/// by another server's key.
#[tokio::test]
async fn planted_equal_cookie_and_field_are_refused() -> TestResult {
    let w = plain_world().await?;
    let planted = Req::post("/admin/login")
        .header("cookie", "prensa_login=planted")
        .field("csrf", "planted")
        .field("email", "edi@example.org")
        .field("password", PASSWORD)
        .send(&w)
        .await?;
    assert_eq!(planted.status, StatusCode::FORBIDDEN, "{}", planted.text);
    assert!(planted.set_cookies().iter().all(|c| !c.starts_with("prensa_session=")));

    // A token this server never signed, shaped like a real one.
    let elsewhere = plain_world().await?;
    let (cookie, csrf) = form_from(&elsewhere, "/admin/login", [203, 0, 113, 9], "prensa_login").await?;
    let foreign = Req::post("/admin/login")
        .header("cookie", cookie)
        .field("csrf", csrf)
        .field("email", "edi@example.org")
        .field("password", PASSWORD)
        .send(&w)
        .await?;
    assert_eq!(foreign.status, StatusCode::FORBIDDEN, "{}", foreign.text);

    let path = invite_path(&w, "new@example.org").await?;
    let planted = Req::post(path.clone())
        .header("cookie", "prensa_login=planted")
        .field("csrf", "planted")
        .field("password", "an attacker's password")
        .field("confirm", "an attacker's password")
        .send(&w)
        .await?;
    assert_eq!(planted.status, StatusCode::FORBIDDEN);
    // The link is still unused: its owner's own form works.
    let (cookie, csrf) = form_from(&w, &path, [203, 0, 113, 9], "prensa_login").await?;
    let done = Req::post(path)
        .header("cookie", cookie)
        .field("csrf", csrf)
        .field("password", "a long enough secret")
        .field("confirm", "a long enough secret")
        .send(&w)
        .await?;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text);
    Ok(())
}

/// A browser's word that the post comes from another site is believed:
/// a foreign or opaque `Origin`, or `Sec-Fetch-Site: cross-site` /
/// `same-site`, is refused even with a good token pair. This site's origin
/// (by `Host` or by base URL) and absent headers pass.
#[tokio::test]
async fn cross_site_posts_are_refused() -> TestResult {
    let w = plain_world().await?;
    let peer = [203, 0, 113, 9];
    for bad in [
        [("origin", "https://evil.example")].as_slice(),
        &[("origin", "null")],
        &[("origin", "http://localhost:8080.evil.example")],
        &[("sec-fetch-site", "cross-site")],
        &[("sec-fetch-site", "same-site")],
        &[("origin", "http://localhost:8080"), ("sec-fetch-site", "cross-site")],
    ] {
        let res = sign_in(&w, "edi@example.org", PASSWORD, peer, bad).await?;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{bad:?}: {}", res.text);
    }
    for good in [
        [("origin", "http://localhost:8080"), ("sec-fetch-site", "same-origin")].as_slice(),
        &[("origin", "HTTP://LOCALHOST:8080")],
        &[("sec-fetch-site", "same-origin")],
        &[],
    ] {
        let res = sign_in(&w, "edi@example.org", PASSWORD, peer, good).await?;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{good:?}: {}", res.text);
    }
    // A proxy that rewrites `Host`: the base URL's origin still matches.
    let (cookie, csrf) = form_from(&w, "/admin/login", peer, "prensa_login").await?;
    let rewritten = Req::post("/admin/login")
        .header("host", "127.0.0.1:8080")
        .header("origin", "http://localhost:8080")
        .header("cookie", cookie)
        .field("csrf", csrf)
        .field("email", "edi@example.org")
        .field("password", PASSWORD)
        .send(&w)
        .await?;
    assert_eq!(rewritten.status, StatusCode::SEE_OTHER, "{}", rewritten.text);

    // Invite and reset posts too.
    let path = invite_path(&w, "new@example.org").await?;
    let (cookie, csrf) = form_from(&w, &path, peer, "prensa_login").await?;
    let cross = Req::post(path.clone())
        .header("origin", "https://evil.example")
        .header("cookie", cookie.clone())
        .field("csrf", csrf.clone())
        .field("password", "an attacker's password")
        .field("confirm", "an attacker's password")
        .send(&w)
        .await?;
    assert_eq!(cross.status, StatusCode::FORBIDDEN);
    let user = w.state.store.user_for_login("new@example.org").await?.ok_or("account")?;
    assert!(user.1.is_none(), "no password was set");
    Ok(())
}

/// The form-signing key is the database's, so a form from one node is
/// accepted by another on the same database.
#[tokio::test]
async fn a_form_from_one_node_is_good_on_another() -> TestResult {
    let a = plain_world().await?;
    let (state, router, media) = web::serve(a.state.store.clone()).await?;
    let b = World { router, state, _media: media };
    let (cookie, csrf) = form_from(&a, "/admin/login", [203, 0, 113, 9], "prensa_login").await?;
    let res = Req::post("/admin/login")
        .header("cookie", cookie)
        .field("csrf", csrf)
        .field("email", "edi@example.org")
        .field("password", PASSWORD)
        .send(&b)
        .await?;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    Ok(())
}
