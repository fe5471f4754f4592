//! Talking to the admin as a browser does: forms, cookies, CSRF tokens.
#![allow(dead_code)]

use std::io::Read;
use std::time::Duration;

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into()
}

pub struct Reply {
    pub status: u16,
    pub location: String,
    pub cookies: Vec<String>,
    pub text: String,
}

pub fn send(req: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Option<Reply> {
    let mut resp = req.ok()?;
    let status = resp.status().as_u16();
    let header = |name: &str| {
        resp.headers().get_all(name).iter().filter_map(|v| v.to_str().ok()).map(str::to_owned).collect::<Vec<_>>()
    };
    let location = header("location").into_iter().next().unwrap_or_default();
    let cookies = header("set-cookie");
    let mut body = Vec::new();
    resp.body_mut().as_reader().read_to_end(&mut body).ok()?;
    Some(Reply { status, location, cookies, text: String::from_utf8_lossy(&body).into_owned() })
}

pub fn get(url: &str, cookie: &str) -> Option<Reply> {
    send(agent().get(url).header("cookie", cookie).call())
}

pub fn post(url: &str, cookie: &str, fields: &[(&str, &str)]) -> Option<Reply> {
    send(agent().post(url).header("cookie", cookie).send_form(fields.iter().copied()))
}

pub fn cookie_value(cookies: &[String], name: &str) -> Option<String> {
    cookies.iter().find_map(|c| c.strip_prefix(&format!("{name}="))?.split(';').next().map(str::to_owned))
}

/// The value of the hidden input `name` in an admin page.
pub fn hidden(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\" value=\""))?;
    let rest = &html[at + name.len() + 15..];
    Some(rest[..rest.find('"')?].to_owned())
}

#[derive(Clone)]
pub struct Editor {
    pub base: String,
    pub cookie: String,
    pub csrf: String,
}

/// Accepts an invite link: sets a password, keeps the session cookie.
pub fn accept_invite(link: &str) -> Editor {
    let base = &link[..link.find("/admin/").expect("admin link")];
    let form = get(link, "").expect("invite page");
    assert_eq!(form.status, 200, "{}", form.text);
    let login = cookie_value(&form.cookies, "prensa_login").expect("login cookie");
    let cookie = format!("prensa_login={login}");
    let done = post(
        link,
        &cookie,
        &[("csrf", &login), ("password", "a long test password"), ("confirm", "a long test password")],
    )
    .expect("invite answered");
    assert_eq!(done.status, 303, "{}", done.text);
    let session = cookie_value(&done.cookies, "prensa_session").expect("session cookie");
    let cookie = format!("prensa_session={session}");
    let page = get(&format!("{base}/admin/articles/new"), &cookie).expect("editor");
    let csrf = hidden(&page.text, "csrf").expect("csrf in the editor");
    Editor { base: base.to_owned(), cookie, csrf }
}

/// Submits the sign-in form of the site at `base` as a new browser; the
/// answer's status.
pub fn sign_in(base: &str, email: &str, password: &str) -> u16 {
    let form = get(&format!("{base}/admin/login"), "").expect("login page");
    let login = cookie_value(&form.cookies, "prensa_login").expect("login cookie");
    let fields = [("csrf", login.as_str()), ("email", email), ("password", password), ("next", "/admin/")];
    post(&format!("{base}/admin/login"), &format!("prensa_login={login}"), &fields).expect("sign-in answered").status
}

/// The article's version as the editor shows it.
pub fn version_of(e: &Editor, id: i64) -> i64 {
    let page = get(&format!("{}/admin/articles/{id}/", e.base), &e.cookie).expect("editor page");
    assert_eq!(page.status, 200, "the session survived the restart: {}", page.text);
    hidden(&page.text, "version").expect("version").parse().expect("number")
}

/// Whether article `id` is live now (its editor page says "published").
pub fn is_live(e: &Editor, id: i64) -> bool {
    let page = get(&format!("{}/admin/articles/{id}/", e.base), &e.cookie).expect("editor page");
    assert_eq!(page.status, 200, "{}", page.text);
    page.text.contains("class=\"stage stage-published\"")
}

pub fn save(
    e: &Editor,
    id: i64,
    version: i64,
    headline: &str,
    section: &str,
    author: &str,
    intent: &str,
) -> Option<Reply> {
    save_as(e, id, version, headline, "crash-test", section, author, intent)
}

/// Posts the editor form of article `id` (0: a new one) with `intent`.
#[allow(clippy::too_many_arguments)]
pub fn save_as(
    e: &Editor,
    id: i64,
    version: i64,
    headline: &str,
    slug: &str,
    section: &str,
    author: &str,
    intent: &str,
) -> Option<Reply> {
    let path = if id == 0 { "/admin/articles/new".to_owned() } else { format!("/admin/articles/{id}/") };
    let version = version.to_string();
    post(
        &format!("{}{path}", e.base),
        &e.cookie,
        &[
            ("csrf", &e.csrf),
            ("version", &version),
            ("headline", headline),
            ("standfirst", "Standfirst"),
            ("body", "A body that is saved again and again."),
            ("slug", slug),
            ("section", section),
            ("author", author),
            ("intent", intent),
        ],
    )
}

pub fn between(text: &str, start: &str, end: &str) -> Option<String> {
    let at = text.find(start)? + start.len();
    let rest = &text[at..];
    Some(rest[..rest.find(end)?].to_owned())
}

/// `prensa user add EMAIL --role ROLE` on a database; returns the invite link.
pub fn invite(db_args: &[String], email: &str, role: &str) -> String {
    let mut args = vec!["user", "add", email, "--role", role];
    args.extend(db_args.iter().map(String::as_str));
    let out = super::run(&args);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8").trim().to_owned()
}

/// The invite link's path on another server's address.
pub fn at(base: &str, link: &str) -> String {
    format!("{base}{}", &link[link.find("/admin/").expect("an admin link")..])
}

/// A section id and an author id the editor offers (the first of each).
pub fn first_choices(e: &Editor) -> (String, String) {
    let form = get(&format!("{}/admin/articles/new", e.base), &e.cookie).expect("editor");
    // A new article's section starts unchosen: skip the empty "Choose a
    // section…" entry.
    let section =
        between(&form.text, "<select id=\"section\" name=\"section\" required><option value=\"\"", "</select>")
            .and_then(|s| between(&s, "<option value=\"", "\""))
            .expect("a section");
    let author = between(&form.text, "<select id=\"author-1\" name=\"author\"><option value=\"\"", "</select>")
        .and_then(|s| between(&s, "<option value=\"", "\""))
        .expect("an author");
    (section, author)
}
