//! The admin through the real router (`oneshot`, no sockets), on SQLite in
//! memory: every route × every role and anonymous, sign-in and its
//! throttle, invites, the editor's save / conflict / publish flow, targeted
//! cache purging, revisions, uploads and slug redirects.

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::body::Body;
use axum::Router;
use chrono::{DateTime, Utc};
use http::{header, Request, StatusCode};
use prensa_auth::{new_token, token_digest};
use prensa_core::permissions::Role;
use prensa_core::{
    ArticleDraft, ImportSet, NewArticle, NewAuthor, NewPublication, NewSection, NewUser, PublicationSettings,
    SocialLinks, Status, TokenKind,
};
use prensa_store::newsroom::LoginGate;
use prensa_store::{ApiKeys, ArticleFields, ChangeKind, Editorial, Newsroom, SqliteStore, Staffing, Store};
use prensa_test_support::web;
use prensa_web::admin::session::csrf_for;
use prensa_web::{AppState, WebConfig};
use tower::ServiceExt;

type TestResult = Result<(), Box<dyn std::error::Error>>;
type Res<T> = Result<T, Box<dyn std::error::Error>>;

fn article(slug: &str, section: &str, author: &str, tag: &str) -> NewArticle {
    NewArticle {
        slug: slug.into(),
        headline: format!("Headline {slug}"),
        standfirst: format!("Standfirst {slug}"),
        body: format!("Body of {slug}."),
        toc: false,
        authors: vec![author.into()],
        section: section.into(),
        tags: vec![tag.into()],
        image: None,
        status: Status::Published,
        published_at: DateTime::parse_from_rfc3339("2026-01-02T10:00:00+01:00").expect("valid test date"),
        updated_at: None,
        translation_group: None,
    }
}

fn author(slug: &str) -> NewAuthor {
    NewAuthor {
        slug: slug.into(),
        name: format!("Name {slug}"),
        bio: "Bio".into(),
        avatar: None,
        social: SocialLinks::default(),
    }
}

/// One publication; authors for each role plus an outsider; two sections.
fn fixture() -> ImportSet {
    publication("meridian", "en", "http://localhost:8080")
}

/// The host of the sister publication every world also has (German, the
/// same sections, authors and articles as the first, under its own host).
const SISTER_HOST: &str = "zeitung.example";

/// A publication shaped like [`fixture`]'s (its authors are the same
/// people: author profiles are shared across the network).
fn publication(slug: &str, language: &str, base_url: &str) -> ImportSet {
    ImportSet {
        publication: NewPublication {
            slug: slug.into(),
            name: format!("The {slug}"),
            tagline: "Tag".into(),
            language: language.into(),
            base_url: base_url.into(),
            timezone: "Europe/Berlin".into(),
            social: SocialLinks::default(),
            settings: PublicationSettings::default(),
            api_cors_origins: Vec::new(),
        },
        media: vec![],
        authors: ["con", "aut", "edi", "adm", "out"].into_iter().map(author).collect(),
        sections: vec![
            NewSection { slug: "labor".into(), name: "Labor".into(), description: "Work".into() },
            NewSection { slug: "culture".into(), name: "Culture".into(), description: "Art".into() },
        ],
        articles: vec![article("old-labor", "labor", "out", "Ports"), article("old-culture", "culture", "out", "Film")],
    }
}

/// A signed-in account: its session secret (the cookie) and CSRF token.
#[derive(Clone)]
struct Login {
    user_id: i64,
    secret: String,
}

impl Login {
    fn csrf(&self) -> String {
        csrf_for(&self.secret)
    }
}

struct World {
    state: Arc<AppState<SqliteStore>>,
    router: Router,
    logins: Vec<(Role, Login)>,
    /// An editor of the first publication only (not network-wide), writing
    /// as `edi`.
    a_editor: Login,
    /// The publication the requests are for, and its host.
    pid: i64,
    host: &'static str,
    /// A draft with every role's author profile on the byline.
    own: i64,
    /// A draft by the outsider only.
    other: i64,
    labor: i64,
    culture: i64,
    /// The same on the sister publication (German, [`SISTER_HOST`]).
    sister: Side,
    _media: Arc<tempfile::TempDir>,
}

/// A publication's ids in a [`World`].
#[derive(Clone, Copy)]
struct Side {
    pid: i64,
    own: i64,
    other: i64,
    labor: i64,
    culture: i64,
}

impl World {
    fn login(&self, role: Role) -> &Login {
        &self.logins.iter().find(|(r, _)| *r == role).expect("every role has a login").1
    }
    fn store(&self) -> &SqliteStore {
        &self.state.store
    }
    /// The same world, its requests sent to the sister publication's host
    /// and its ids that publication's (the sister's `sister` is the first).
    fn on_sister(&self) -> World {
        let here = Side { pid: self.pid, own: self.own, other: self.other, labor: self.labor, culture: self.culture };
        let router = prensa_web::router(self.state.clone()).layer(axum::middleware::map_request(
            |mut req: Request<Body>| async move {
                req.headers_mut().insert(header::HOST, http::HeaderValue::from_static(SISTER_HOST));
                req
            },
        ));
        World {
            state: self.state.clone(),
            router,
            logins: self.logins.clone(),
            a_editor: self.a_editor.clone(),
            pid: self.sister.pid,
            host: SISTER_HOST,
            own: self.sister.own,
            other: self.sister.other,
            labor: self.sister.labor,
            culture: self.sister.culture,
            sister: here,
            _media: self._media.clone(),
        }
    }
}

async fn world() -> Res<World> {
    world_with(WebConfig::default()).await
}

async fn world_with(config: WebConfig) -> Res<World> {
    world_on("sqlite::memory:", fixture(), config).await
}

/// The world on the database at `url`, filled with `set` and the sister
/// publication.
async fn world_on(url: &str, set: ImportSet, config: WebConfig) -> Res<World> {
    let store = SqliteStore::open(url).await?;
    store.apply_import(&set, false).await?;
    store.apply_import(&publication("zeitung", "de", &format!("http://{SISTER_HOST}")), false).await?;
    let (state, router, media) = web::serve_with(store.clone(), config).await?;
    let publications = store.publications().await?;
    let publication = publications.iter().find(|p| p.slug == set.publication.slug).ok_or("imported")?.clone();
    let sister = publications.iter().find(|p| p.slug == "zeitung").ok_or("imported")?.clone();
    let authors = store.authors(publication.id).await?;
    let author_id = |slug: &str| authors.iter().find(|a| a.slug == slug).map(|a| a.id).expect("fixture author");
    let mut logins = Vec::new();
    let sign_in = async |role: Role, slug: &str, email: &str, on: Option<i64>| -> Res<Login> {
        let new =
            NewUser { email: email.into(), name: slug.into(), role, author_id: Some(author_id(slug)), publication: on };
        let (user_id, secret) = web::sign_in_with_password(&store, &new, "correct horse battery").await?;
        Ok(Login { user_id, secret })
    };
    for (role, slug) in
        [(Role::Contributor, "con"), (Role::Author, "aut"), (Role::Editor, "edi"), (Role::Administrator, "adm")]
    {
        logins.push((role, sign_in(role, slug, &format!("{slug}@example.org"), None).await?));
    }
    let a_editor = sign_in(Role::Editor, "edi", "edi-a@example.org", Some(publication.id)).await?;
    let admin_id = logins[3].1.user_id;
    let all = ["con", "aut", "edi", "adm"].map(author_id).to_vec();
    let mut sides = Vec::new();
    for p in [&publication, &sister] {
        let sections = store.sections(p.id).await?;
        let (labor, culture) = (sections[0].id, sections[1].id);
        let draft = |slug: &str, authors: Vec<i64>| ArticleDraft {
            slug: slug.into(),
            headline: format!("Draft {slug}"),
            standfirst: "S".into(),
            body: "Body".into(),
            toc: false,
            section_id: labor,
            author_ids: authors,
            tags: vec!["Ports".into()],
            image: None,
        };
        let own = store.create_article(p.id, &draft("own-draft", all.clone()), admin_id, Utc::now()).await?.id;
        let other =
            store.create_article(p.id, &draft("other-draft", vec![author_id("out")]), admin_id, Utc::now()).await?.id;
        sides.push(Side { pid: p.id, own, other, labor, culture });
    }
    state.sync_changes().await;
    let (here, sister) = (sides[0], sides[1]);
    Ok(World {
        router,
        state,
        logins,
        a_editor,
        pid: here.pid,
        host: "localhost:8080",
        own: here.own,
        other: here.other,
        labor: here.labor,
        culture: here.culture,
        sister,
        _media: Arc::new(media),
    })
}

struct Answer {
    status: StatusCode,
    headers: http::HeaderMap,
    text: String,
}

impl Answer {
    fn location(&self) -> &str {
        self.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("")
    }
    fn set_cookies(&self) -> Vec<String> {
        self.headers.get_all(header::SET_COOKIE).iter().filter_map(|v| v.to_str().ok()).map(str::to_owned).collect()
    }
}

async fn send(router: &Router, req: Request<Body>) -> Res<Answer> {
    let res = router.clone().oneshot(req).await?;
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX).await?;
    Ok(Answer { status, headers, text: String::from_utf8_lossy(&bytes).into_owned() })
}

fn builder(method: &str, path: &str, login: Option<&Login>) -> http::request::Builder {
    let b = Request::builder().method(method).uri(path).header(header::HOST, "localhost:8080");
    match login {
        Some(l) => b.header(header::COOKIE, format!("prensa_session={}", l.secret)),
        None => b,
    }
}

async fn get(w: &World, path: &str, login: Option<&Login>) -> Res<Answer> {
    send(&w.router, builder("GET", path, login).body(Body::empty())?).await
}

/// A form post; the session's CSRF token is added unless `fields` has one.
async fn post(w: &World, path: &str, login: Option<&Login>, fields: &[(&str, &str)]) -> Res<Answer> {
    let mut body = form_urlencoded::Serializer::new(String::new());
    if !fields.iter().any(|(k, _)| *k == "csrf") {
        if let Some(l) = login {
            body.append_pair("csrf", &l.csrf());
        }
    }
    for (k, v) in fields {
        body.append_pair(k, v);
    }
    let req = builder("POST", path, login)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body.finish()))?;
    send(&w.router, req).await
}

async fn upload(w: &World, login: Option<&Login>, csrf: &str, name: &str, bytes: &[u8]) -> Res<Answer> {
    let boundary = "XBOUNDARYX";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n").as_bytes(),
    );
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let req = builder("POST", "/admin/media/", login)
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .body(Body::from(body))?;
    send(&w.router, req).await
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([(x % 251) as u8, (y % 241) as u8, 90]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).expect("encode png");
    out.into_inner()
}

fn editor_fields<'a>(
    w: &World,
    headline: &'a str,
    slug: &'a str,
    version: &'a str,
    intent: &'a str,
) -> Vec<(&'a str, String)> {
    let _ = w;
    vec![
        ("headline", headline.to_owned()),
        ("standfirst", "A standfirst".to_owned()),
        ("body", "First paragraph.\n\nSecond.".to_owned()),
        ("slug", slug.to_owned()),
        ("version", version.to_owned()),
        ("intent", intent.to_owned()),
    ]
}

/// Posts the editor form for article `id` (or a new one when `id` is 0).
#[allow(clippy::too_many_arguments)]
async fn save(
    w: &World,
    login: &Login,
    id: i64,
    version: i64,
    headline: &str,
    slug: &str,
    section: i64,
    authors: &[i64],
    intent: &str,
    extra: &[(&str, &str)],
) -> Res<Answer> {
    let version = version.to_string();
    let section = section.to_string();
    let author_ids: Vec<String> = authors.iter().map(i64::to_string).collect();
    let mut fields: Vec<(&str, String)> = editor_fields(w, headline, slug, &version, intent);
    fields.push(("section", section));
    for a in &author_ids {
        fields.push(("author", a.clone()));
    }
    fields.push(("tags", "Ports, New Tag".into()));
    for (k, v) in extra {
        fields.push((k, (*v).to_owned()));
    }
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let path = if id == 0 { "/admin/articles/new".to_owned() } else { format!("/admin/articles/{id}/") };
    post(w, &path, Some(login), &pairs).await
}

async fn author_of(w: &World, role: Role) -> Res<i64> {
    let user = w.store().user(w.login(role).user_id).await?.ok_or("user")?;
    Ok(user.author_id.ok_or("author profile")?)
}

// ---------------------------------------------------------------------------

/// What a request should get: OK (2xx), a redirect elsewhere than the login
/// form (a completed action), forbidden, or sent to log in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Allowed,
    Done,
    Forbidden,
    ToLogin,
    Status(u16),
}

fn classify(a: &Answer) -> Expect {
    match a.status {
        s if s.is_success() => Expect::Allowed,
        StatusCode::SEE_OTHER | StatusCode::FOUND | StatusCode::TEMPORARY_REDIRECT
            if a.location().starts_with("/admin/login") =>
        {
            Expect::ToLogin
        }
        s if s.is_redirection() => Expect::Done,
        StatusCode::FORBIDDEN => Expect::Forbidden,
        s => Expect::Status(s.as_u16()),
    }
}

/// Every admin route × anonymous and each role. Each role gets a fresh
/// world, so the state-changing requests of one row cannot affect another.
#[tokio::test]
async fn every_route_for_every_role() -> TestResult {
    use Expect::*;
    // (who, then expectations for: anonymous, contributor, author, editor, administrator)
    type Row = (&'static str, &'static str, [Expect; 5]);
    let everyone = [ToLogin, Allowed, Allowed, Allowed, Allowed];
    let editors = [ToLogin, Forbidden, Forbidden, Allowed, Allowed];
    let admins = [ToLogin, Forbidden, Forbidden, Forbidden, Allowed];
    let public = [Allowed; 5];
    let rows: Vec<Row> = vec![
        ("GET", "/admin", [Done; 5]), // to /admin/
        ("GET", "/admin/assets/admin.css", public),
        ("GET", "/admin/assets/admin.js", public),
        ("GET", "/admin/assets/editor.js", public),
        ("GET", "/admin/login", public),
        ("GET", "/admin/invite/{invite}", public),
        ("GET", "/admin/reset/{reset}", public),
        // Whoever holds the link; the link is made just before.
        ("GET", "/preview/{preview}", public),
        ("GET", "/admin/", everyone),
        ("GET", "/admin/articles/", everyone),
        ("GET", "/admin/articles/?stage=review&q=draft", everyone),
        ("GET", "/admin/articles/new", everyone),
        ("GET", "/admin/articles/{own}/", everyone),
        ("GET", "/admin/articles/{other}/", editors),
        ("GET", "/admin/articles/{own}/preview", everyone),
        ("GET", "/admin/articles/{other}/preview", editors),
        ("GET", "/admin/articles/{own}/revisions/", everyone),
        ("GET", "/admin/articles/{other}/revisions/", editors),
        ("GET", "/admin/articles/{own}/revisions/{own_rev}", everyone),
        ("GET", "/admin/articles/{other}/revisions/{other_rev}", editors),
        ("GET", "/admin/media/", everyone),
        ("GET", "/admin/users/", admins),
        ("GET", "/admin/account", everyone),
        ("POST", "/admin/articles/preview", everyone),
        ("POST", "/admin/articles/new", [ToLogin, Done, Done, Done, Done]),
        ("POST", "/admin/articles/{own}/autosave", everyone),
        // Making a link answers with the editor showing it (the only time
        // it can be shown), not a redirect.
        ("POST", "/admin/articles/{own}/preview-link", everyone),
        ("POST", "/admin/articles/{other}/preview-link", editors),
        ("POST", "/admin/articles/{other}/autosave", editors),
        ("POST", "/admin/articles/{own}/", [ToLogin, Done, Done, Done, Done]),
        ("POST", "/admin/articles/{other}/", [ToLogin, Forbidden, Forbidden, Done, Done]),
        ("POST intent=publish", "/admin/articles/{own}/", [ToLogin, Forbidden, Done, Done, Done]),
        ("POST intent=publish", "/admin/articles/{other}/", [ToLogin, Forbidden, Forbidden, Done, Done]),
        ("POST", "/admin/articles/{own}/revisions/{own_rev}/restore", [ToLogin, Done, Done, Done, Done]),
        ("POST", "/admin/articles/{other}/revisions/{other_rev}/restore", [ToLogin, Forbidden, Forbidden, Done, Done]),
        ("POST", "/admin/articles/{own}/notes", [ToLogin, Forbidden, Forbidden, Done, Done]),
        ("POST", "/admin/articles/{other}/notes", [ToLogin, Forbidden, Forbidden, Done, Done]),
        ("POST", "/admin/articles/{own}/notes/{own_note}/resolve", [ToLogin, Forbidden, Forbidden, Done, Done]),
        ("POST", "/admin/articles/{other}/notes/{other_note}/resolve", [ToLogin, Forbidden, Forbidden, Done, Done]),
        ("POST", "/admin/articles/{own}/scheduled/{own_change}/cancel", [ToLogin, Forbidden, Done, Done, Done]),
        (
            "POST",
            "/admin/articles/{other}/scheduled/{other_change}/cancel",
            [ToLogin, Forbidden, Forbidden, Done, Done],
        ),
        // Into the sister publication: whoever may edit the article here
        // and start a draft there; then to the draft's editor there.
        ("POST", "/admin/articles/{own}/translate", [ToLogin, Done, Done, Done, Done]),
        ("POST", "/admin/articles/{other}/translate", [ToLogin, Forbidden, Forbidden, Done, Done]),
        // Not a translation: refused after the role check.
        (
            "POST",
            "/admin/articles/{own}/translation/current",
            [ToLogin, Status(422), Status(422), Status(422), Status(422)],
        ),
        (
            "POST",
            "/admin/articles/{other}/translation/current",
            [ToLogin, Forbidden, Forbidden, Status(422), Status(422)],
        ),
        ("GET", "/admin/translations/", everyone),
        ("GET", "/admin/translations/?lang=en&page=2", everyone),
        ("POST", "/admin/media/", [ToLogin, Forbidden, Done, Done, Done]),
        // The media library (issue 14): look and pick, describe, delete.
        ("GET", "/admin/media/picker", everyone),
        ("GET", "/admin/media/picker?fragment=1&field=avatar&q=a", everyone),
        ("GET", "/admin/media/{image}", everyone),
        ("POST", "/admin/media/{image}", [ToLogin, Forbidden, Done, Done, Done]),
        ("GET", "/admin/media/{image}/delete", editors),
        ("POST", "/admin/media/{image}/delete", [ToLogin, Forbidden, Forbidden, Done, Done]),
        ("POST", "/admin/users/", [ToLogin, Forbidden, Forbidden, Forbidden, Status(422)]),
        ("POST", "/admin/users/{outsider}/role", admins_ok(admins)),
        // Roles on the other publication: network-wide administrators only
        // (every account here but `a_editor` is network-wide).
        ("POST", "/admin/users/{outsider}/publications", admins_ok(admins)),
        ("POST", "/admin/users/{outsider}/reset", admins_ok(admins)),
        ("POST", "/admin/account", [ToLogin, Status(422), Status(422), Status(422), Status(422)]),
        ("GET", "/admin/sections/", editors),
        ("POST", "/admin/sections/", editors),
        ("POST", "/admin/sections/{labor}", editors),
        ("POST", "/admin/sections/{culture}/delete", [ToLogin, Forbidden, Forbidden, Status(422), Status(422)]),
        ("GET", "/admin/tags/", editors),
        ("POST", "/admin/tags/{ports}", editors),
        ("POST", "/admin/tags/{film}/delete", editors),
        ("GET", "/admin/authors/", [ToLogin, Done, Done, Allowed, Allowed]),
        ("GET", "/admin/authors/new", editors),
        ("POST", "/admin/authors/new", [ToLogin, Forbidden, Forbidden, Done, Done]),
        ("GET", "/admin/authors/{mine}", everyone),
        ("GET", "/admin/authors/{out}", editors),
        ("POST", "/admin/authors/{mine}", [ToLogin, Done, Done, Done, Done]),
        ("POST", "/admin/authors/{out}", [ToLogin, Forbidden, Forbidden, Done, Done]),
        ("GET", "/admin/settings", admins),
        ("POST", "/admin/settings", [ToLogin, Forbidden, Forbidden, Forbidden, Done]),
        // Making a key answers with the settings page showing it (once).
        ("POST", "/admin/settings/api-keys", [ToLogin, Forbidden, Forbidden, Forbidden, Allowed]),
        // Revoking asks first (a page), then revokes with `confirm=yes`.
        ("POST", "/admin/settings/api-keys/{api_key}/revoke", [ToLogin, Forbidden, Forbidden, Forbidden, Allowed]),
        ("POST confirm", "/admin/settings/api-keys/{api_key}/revoke", [ToLogin, Forbidden, Forbidden, Forbidden, Done]),
        ("POST", "/admin/settings/api-cors", [ToLogin, Forbidden, Forbidden, Forbidden, Done]),
        // Staff from invite to departure, the trash, note replies (issue
        // 14). The notes are resolved, so a reply is refused (422) once the
        // role check has passed. `own` was published by the author's and
        // editors' rows above: only editors trash it then; the
        // contributor's is still a never-published draft, theirs to trash.
        (
            "POST",
            "/admin/articles/{own}/notes/{own_note}/reply",
            [ToLogin, Status(422), Status(422), Status(422), Status(422)],
        ),
        (
            "POST",
            "/admin/articles/{other}/notes/{other_note}/reply",
            [ToLogin, Forbidden, Forbidden, Status(422), Status(422)],
        ),
        ("GET", "/admin/trash/", everyone),
        // Without the confirmation box nothing is deleted (422).
        ("POST", "/admin/trash/{trashed}/delete", [ToLogin, Forbidden, Forbidden, Status(422), Status(422)]),
        ("POST", "/admin/trash/{trashed}/restore", [ToLogin, Forbidden, Forbidden, Done, Done]),
        ("POST", "/admin/articles/{own}/trash", [ToLogin, Done, Forbidden, Done, Done]),
        ("POST", "/admin/articles/{other}/trash", [ToLogin, Forbidden, Forbidden, Done, Done]),
        ("POST", "/admin/users/{outsider}/author", admins_ok(admins)),
        ("POST", "/admin/users/{outsider}/active", admins_ok(admins)),
        // Custom fields: administrators only; deleting asks first.
        ("GET", "/admin/settings/fields/", admins),
        ("POST", "/admin/settings/fields/", [ToLogin, Forbidden, Forbidden, Forbidden, Done]),
        ("POST", "/admin/settings/fields/{field}", [ToLogin, Forbidden, Forbidden, Forbidden, Done]),
        ("POST", "/admin/settings/fields/{field}/delete", [ToLogin, Forbidden, Forbidden, Forbidden, Allowed]),
        ("POST confirm", "/admin/settings/fields/{field}/delete", [ToLogin, Forbidden, Forbidden, Forbidden, Done]),
        ("GET", "/admin/settings/brand", admins),
        // Empty choices: no logo, the default favicon.
        ("POST", "/admin/settings/brand", [ToLogin, Forbidden, Forbidden, Forbidden, Done]),
        // The front page: editors. A pin without an article, and unpinning
        // what is not pinned, are refused after the role check.
        ("GET", "/admin/front/", editors),
        ("POST", "/admin/front/pin", [ToLogin, Forbidden, Forbidden, Status(422), Status(422)]),
        ("POST", "/admin/front/{own}/unpin", [ToLogin, Forbidden, Forbidden, Status(422), Status(422)]),
        // Anyone may sign in, and set a password through a valid link;
        // each starts a new session and ends the one the request came
        // with, hence last.
        ("POST", "/admin/login", [Done; 5]),
        ("POST", "/admin/invite/{invite}", [Done; 5]),
        ("POST", "/admin/reset/{reset}", [Done; 5]),
        // Signing out ends at the login form too; the login test checks
        // the session is gone.
        ("POST", "/admin/logout", [ToLogin, ToLogin, ToLogin, ToLogin, ToLogin]),
    ];
    // Every route the admin router has needs a row, and every row must
    // reach a route of it (not the public pages' fallback).
    let routes = admin_routes(&world().await?).await?;
    let mut covered = BTreeSet::new();
    let mut strays = Vec::new();
    for (method, template, _) in &rows {
        let method = (*method).split(' ').next().unwrap_or(method);
        let path = template.split('?').next().unwrap_or(template);
        match route_of(&routes, path) {
            Some((pattern, methods)) if methods.contains(method) => {
                covered.insert((method.to_owned(), pattern));
            }
            _ => strays.push(format!("{method} {template}")),
        }
    }
    let missing: Vec<String> = routes
        .iter()
        .flat_map(|(pattern, methods)| methods.iter().map(move |m| (m.clone(), *pattern)))
        .filter(|route| !covered.contains(route))
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    assert!(
        missing.is_empty() && strays.is_empty(),
        "admin routes without a row in the matrix: {missing:?}; matrix rows that name no admin route: {strays:?}"
    );

    fn admins_ok(a: [Expect; 5]) -> [Expect; 5] {
        a
    }
    // Each run: who asks, on which publication, and what it should get
    // of a row's five expectations. The roles' accounts are network-wide;
    // `a_editor` is an editor of the first publication only.
    #[derive(Clone, Copy, Debug, PartialEq)]
    enum Who {
        Anonymous,
        Everywhere(Role),
        FirstOnly,
    }
    type Pick = fn(&str, &str, &[Expect; 5]) -> Expect;
    let runs: Vec<(Who, bool, Pick)> = vec![
        (Who::Anonymous, false, |_, _, e| e[0]),
        (Who::Everywhere(Role::Contributor), false, |_, _, e| e[1]),
        (Who::Everywhere(Role::Author), false, |_, _, e| e[2]),
        (Who::Everywhere(Role::Editor), false, |_, _, e| e[3]),
        (Who::Everywhere(Role::Administrator), false, |_, _, e| e[4]),
        // On the sister publication a network-wide administrator is one.
        (Who::Everywhere(Role::Administrator), true, |_, _, e| e[4]),
        // An editor of the first publication is one there, but has no
        // role on the sister to translate into.
        (Who::FirstOnly, false, |_, path, e| if path.ends_with("/translate") { Forbidden } else { e[3] }),
        // And on the sister none at all: every signed-in route refused
        // (nothing written, checked below); signing out still works.
        (Who::FirstOnly, true, |method, path, e| {
            if e[0] == ToLogin && !(method == "POST" && path == "/admin/logout") {
                Forbidden
            } else {
                e[0]
            }
        }),
    ];
    let mut failures = Vec::new();
    let mut checked = 0;
    for (column, (who, on_sister, pick)) in runs.iter().enumerate() {
        let first = world().await?;
        let w = if *on_sister { first.on_sister() } else { first };
        // An account working on the first publication only.
        let first_pid = if *on_sister { w.sister.pid } else { w.pid };
        let outsider = w
            .store()
            .create_user(
                &NewUser {
                    email: "x@example.org".into(),
                    name: "X".into(),
                    role: Role::Author,
                    author_id: None,
                    publication: Some(first_pid),
                },
                Utc::now(),
            )
            .await?;
        // Revisions are numbered per article from 1; the newest has the highest.
        let own_rev = w.store().revisions(w.own).await?.len();
        let other_rev = w.store().revisions(w.other).await?.len();
        let admin_id = w.login(Role::Administrator).user_id;
        let own_note = w.store().add_note(w.own, admin_id, "Own note", Utc::now()).await?.id;
        let other_note = w.store().add_note(w.other, admin_id, "Other note", Utc::now()).await?.id;
        // Resolved at once, so that they do not hold back the publish rows
        // (resolving again is allowed and harmless).
        for note in [own_note, other_note] {
            w.store().resolve_note(note, admin_id, Utc::now()).await?;
        }
        let invite = link_for(&w, TokenKind::Invite, "invited@example.org", false).await?;
        let reset = link_for(&w, TokenKind::Reset, "forgot@example.org", true).await?;
        let later = Utc::now() + chrono::Duration::hours(1);
        let own_change =
            w.store().schedule_change(w.own, &ChangeKind::Unpublish, 1, later, admin_id, Utc::now()).await?.id;
        let other_change =
            w.store().schedule_change(w.other, &ChangeKind::Unpublish, 1, later, admin_id, Utc::now()).await?.id;
        let login = match who {
            Who::Anonymous => None,
            Who::Everywhere(r) => Some(w.login(*r).clone()),
            Who::FirstOnly => Some(w.a_editor.clone()),
        };
        let mine = match who {
            Who::Anonymous => 0,
            Who::Everywhere(r) => author_of(&w, *r).await?,
            Who::FirstOnly => author_of(&w, Role::Editor).await?,
        };
        // Without the CSRF token every state-changing request is refused,
        // for every role, and changes nothing.
        if let Some(l) = login.as_ref() {
            let before = w.store().editable_article(w.own).await?.ok_or("article")?;
            let forged = post(
                &w,
                &format!("/admin/articles/{}/", w.own),
                Some(l),
                &[("csrf", "forged"), ("headline", "Forged")],
            )
            .await?;
            assert_eq!(forged.status, StatusCode::FORBIDDEN, "{who:?}");
            let _ = column;
            let forged = upload(&w, Some(l), "forged", "a.png", &png(4, 4)).await?;
            assert_eq!(forged.status, StatusCode::FORBIDDEN, "{who:?} upload");
            assert_eq!(w.store().editable_article(w.own).await?.ok_or("article")?.version, before.version);
        }
        // An image of the library, for the media rows.
        let image = "00aa11bb22cc33dd.png";
        w.state.media.put(image, png(8, 8).into()).await?;
        w.store()
            .add_media(&prensa_core::MediaAsset {
                key: image.into(),
                content_type: "image/png".into(),
                width: 8,
                height: 8,
                bytes: 9,
            })
            .await?;
        // Looked up once: rows below rename them.
        let pid = w.pid;
        let out_author = w.store().author_by_slug(pid, "out").await?.ok_or("out")?.id;
        let ports = w.store().tag_by_slug(pid, "ports").await?.map_or(0, |t| t.id);
        let made = prensa_auth::new_api_key();
        let api_key = w.store().create_api_key(pid, "Matrix", &made.digest, &made.prefix, None, Utc::now()).await?;
        let film = w.store().tag_by_slug(pid, "film").await?.map_or(0, |t| t.id);
        // A draft by the outsider, in the trash.
        let trashed_draft = ArticleDraft {
            slug: "trashed-draft".into(),
            headline: "Trashed".into(),
            standfirst: String::new(),
            body: "Body".into(),
            toc: false,
            section_id: w.labor,
            author_ids: vec![out_author],
            tags: vec![],
            image: None,
        };
        let trashed = w.store().create_article(pid, &trashed_draft, admin_id, Utc::now()).await?.id;
        w.store().trash_article(trashed, admin_id, Utc::now()).await?;
        let field_def = prensa_core::CustomFieldDraft {
            key: "matrix".into(),
            label: "Matrix".into(),
            kind: prensa_core::FieldKind::Text,
            options: vec![],
            help: String::new(),
            position: 0,
        };
        let field = w.store().create_custom_field(pid, &field_def).await?.id;
        for (method, template, expected) in &rows {
            let (method, variant) = (*method).split_once(' ').unwrap_or((*method, ""));
            let preview = if template.contains("{preview}") { preview_link(&w, w.own).await? } else { String::new() };
            let path = template
                .replace("{invite}", &invite)
                .replace("{reset}", &reset)
                .replace("{preview}", &preview)
                .replace("{labor}", &w.labor.to_string())
                .replace("{culture}", &w.culture.to_string())
                .replace("{ports}", &ports.to_string())
                .replace("{film}", &film.to_string())
                .replace("{mine}", &mine.to_string())
                .replace("{out}", &out_author.to_string())
                .replace("{own}", &w.own.to_string())
                .replace("{other}", &w.other.to_string())
                .replace("{own_rev}", &own_rev.to_string())
                .replace("{other_rev}", &other_rev.to_string())
                .replace("{outsider}", &outsider.id.to_string())
                .replace("{own_note}", &own_note.to_string())
                .replace("{other_note}", &other_note.to_string())
                .replace("{own_change}", &own_change.to_string())
                .replace("{other_change}", &other_change.to_string())
                .replace("{api_key}", &api_key.to_string())
                .replace("{image}", image)
                .replace("{trashed}", &trashed.to_string())
                .replace("{field}", &field.to_string());
            let written_before = content_written(&w).await?;
            let answer = match (method, path.as_str()) {
                ("GET", p) => get(&w, p, login.as_ref()).await?,
                ("POST", p)
                    if p == "/admin/login" || p.starts_with("/admin/invite/") || p.starts_with("/admin/reset/") =>
                {
                    sign_in_form(&w, p, login.as_ref()).await?
                }
                ("POST", "/admin/media/") => {
                    let csrf = login.as_ref().map(Login::csrf).unwrap_or_default();
                    upload(&w, login.as_ref(), &csrf, "a.png", &png(4, 4)).await?
                }
                ("POST", p) if variant == "intent=publish" => {
                    let id: i64 = p.split('/').nth(3).ok_or("id")?.parse()?;
                    let a = w.store().editable_article(id).await?.ok_or("article")?;
                    let l = login.clone().unwrap_or(Login { user_id: 0, secret: String::new() });
                    let ids = a.draft.author_ids.clone();
                    let slug = a.draft.slug.clone();
                    if login.is_none() {
                        post(&w, p, None, &[]).await?
                    } else {
                        save(&w, &l, id, a.version, "Published headline", &slug, w.labor, &ids, "publish", &[]).await?
                    }
                }
                ("POST", p)
                    if p.starts_with("/admin/articles/")
                        && (p.ends_with("/")
                            || p.ends_with("/autosave")
                            || p.ends_with("/new")
                            || p.ends_with("/preview")
                            || p.ends_with("/restore")) =>
                {
                    let id: i64 = p.split('/').nth(3).and_then(|s| s.parse().ok()).unwrap_or(0);
                    let (version, ids, slug) = match w.store().editable_article(id).await? {
                        Some(a) => (a.version, a.draft.author_ids.clone(), a.draft.slug.clone()),
                        None => (0, vec![mine], format!("new-{column}")),
                    };
                    let version_text = version.to_string();
                    if p.ends_with("/restore") {
                        post(&w, p, login.as_ref(), &[("version", &version_text), ("confirm", "yes")]).await?
                    } else if let Some(l) = login.as_ref() {
                        let body = [("id", version_text.as_str())];
                        if p.ends_with("/preview") {
                            save_to(&w, l, p, version, "Preview", &slug, w.labor, &ids, &body).await?
                        } else {
                            save_to(&w, l, p, version, "Saved headline", &slug, w.labor, &ids, &[]).await?
                        }
                    } else {
                        post(&w, p, None, &[]).await?
                    }
                }
                ("POST", p) if p.ends_with("/notes") => {
                    post(&w, p, login.as_ref(), &[("note", "Please check the figures.")]).await?
                }
                ("POST", "/admin/users/") => {
                    post(&w, &path, login.as_ref(), &[("email", "not-an-email"), ("role", "author")]).await?
                }
                ("POST", p) if p.starts_with("/admin/sections/") && !p.ends_with("/delete") => {
                    post(&w, p, login.as_ref(), &[("name", &format!("Section {column} {p}")), ("description", "D")])
                        .await?
                }
                ("POST", p) if p.starts_with("/admin/tags/") && !p.ends_with("/delete") => {
                    post(&w, p, login.as_ref(), &[("name", &format!("Tag {column}"))]).await?
                }
                ("POST", p) if p.starts_with("/admin/authors/") => {
                    post(&w, p, login.as_ref(), &[("name", &format!("Profile {column} {p}")), ("bio", "Bio")]).await?
                }
                ("POST", "/admin/settings/api-keys") => {
                    post(&w, &path, login.as_ref(), &[("name", "Matrix app")]).await?
                }
                ("POST", "/admin/settings/fields/") => {
                    post(
                        &w,
                        &path,
                        login.as_ref(),
                        &[("label", "Translated by"), ("key", "translated-by"), ("kind", "text")],
                    )
                    .await?
                }
                ("POST", p) if p.starts_with("/admin/settings/fields/") && !p.ends_with("/delete") => {
                    post(&w, p, login.as_ref(), &[("label", "Renamed field")]).await?
                }
                ("POST", p) if variant == "confirm" => post(&w, p, login.as_ref(), &[("confirm", "yes")]).await?,
                ("POST", "/admin/settings/api-cors") => {
                    post(&w, &path, login.as_ref(), &[("cors_origins", "https://app.example.org")]).await?
                }
                ("POST", "/admin/settings") => {
                    let fields = [
                        ("name", "Renamed"),
                        ("tagline", "T"),
                        ("more_from_section", "3"),
                        ("most_recent", "3"),
                        ("page_size", "10"),
                    ];
                    post(&w, &path, login.as_ref(), &fields).await?
                }
                ("POST", p) if p.ends_with("/role") => post(&w, p, login.as_ref(), &[("role", "editor")]).await?,
                ("POST", p) if p.ends_with("/active") => post(&w, p, login.as_ref(), &[("active", "0")]).await?,
                ("POST", p) if p.ends_with("/publications") => {
                    let there = w.sister.pid.to_string();
                    post(&w, p, login.as_ref(), &[("publication", &there), ("role", "author")]).await?
                }
                ("POST", p) if p.ends_with("/translate") => {
                    let there = w.sister.pid.to_string();
                    post(&w, p, login.as_ref(), &[("publication", &there)]).await?
                }
                ("POST", "/admin/account") => {
                    post(&w, &path, login.as_ref(), &[("current", "wrong"), ("password", "a"), ("confirm", "b")])
                        .await?
                }
                ("POST", p) => post(&w, p, login.as_ref(), &[]).await?,
                _ => unreachable!(),
            };
            checked += 1;
            let got = classify(&answer);
            let want = pick(method, template.split('?').next().unwrap_or(template), expected);
            let place = if *on_sister { "on the sister" } else { "on the first" };
            if got != want {
                failures.push(format!(
                    "{who:?} {place} {method} {variant} {path}: expected {want:?}, got {got:?} ({})",
                    answer.status
                ));
            }
            // A refused request writes nothing: no content, no role.
            if got == Forbidden && content_written(&w).await? != written_before {
                failures.push(format!("{who:?} {place} {method} {variant} {path}: refused, yet something was written"));
            }
        }
    }
    assert!(failures.is_empty(), "{} of {checked} checks failed:\n{}", failures.len(), failures.join("\n"));
    Ok(())
}

/// What a refused request must not have changed: the content version (every
/// content write bumps it), the roles given per publication and each
/// account's role.
async fn content_written(w: &World) -> Res<(i64, Vec<(i64, i64, Role)>, Vec<(i64, Role, bool)>)> {
    let users = w.store().users().await?.iter().map(|u| (u.id, u.role, u.network_wide)).collect();
    Ok((w.store().content_version().await?, w.store().publication_roles().await?, users))
}

/// Each admin route's path pattern with the methods it answers, which the
/// router's `405 Method Not Allowed` lists in `Allow` (HEAD aside: it
/// comes with GET).
async fn admin_routes(w: &World) -> Res<Vec<(&'static str, BTreeSet<String>)>> {
    let mut routes = Vec::new();
    for pattern in prensa_web::admin::route_paths(&w.state) {
        let probe = send(&w.router, builder("PATCH", &sample_path(pattern), None).body(Body::empty())?).await?;
        assert_eq!(
            probe.status,
            StatusCode::METHOD_NOT_ALLOWED,
            "{pattern} answers PATCH: the matrix cannot tell its methods"
        );
        let allow = probe.headers.get(header::ALLOW).and_then(|v| v.to_str().ok()).ok_or("Allow header")?;
        let methods = allow.split(',').map(str::trim).filter(|m| *m != "HEAD").map(str::to_owned).collect();
        routes.push((pattern, methods));
    }
    Ok(routes)
}

/// `pattern` with each `{parameter}` segment filled in.
fn sample_path(pattern: &str) -> String {
    pattern.split('/').map(|seg| if seg.starts_with('{') { "1" } else { seg }).collect::<Vec<_>>().join("/")
}

/// The route a path (with `{name}` placeholders, a row's) reaches: of the
/// patterns it fits segment by segment, the one with the fewest
/// parameters, as the router prefers `/admin/authors/new` to
/// `/admin/authors/{id}`.
fn route_of<'a>(
    routes: &'a [(&'static str, BTreeSet<String>)],
    path: &str,
) -> Option<(&'static str, &'a BTreeSet<String>)> {
    let path = sample_path(path);
    let fits = |pattern: &str| {
        let (a, b): (Vec<&str>, Vec<&str>) = (pattern.split('/').collect(), path.split('/').collect());
        a.len() == b.len() && a.iter().zip(&b).all(|(p, s)| if p.starts_with('{') { !s.is_empty() } else { p == s })
    };
    routes
        .iter()
        .filter(|(pattern, _)| fits(pattern))
        .min_by_key(|(pattern, _)| pattern.matches('{').count())
        .map(|(pattern, methods)| (*pattern, methods))
}

/// A new account's single-use link of `kind` (with a password already for
/// `has_password`): the token in its URL.
async fn link_for(w: &World, kind: TokenKind, email: &str, has_password: bool) -> Res<String> {
    let user = w
        .store()
        .create_user(
            &NewUser {
                email: email.into(),
                name: email.into(),
                role: Role::Author,
                author_id: None,
                publication: None,
            },
            Utc::now(),
        )
        .await?;
    if has_password {
        w.store().set_password(user.id, &prensa_auth::hash_password("an old forgotten secret")?).await?;
    }
    let token = new_token();
    w.store().create_token(kind, &token.digest, user.id, Utc::now() + chrono::Duration::days(1)).await?;
    Ok(token.secret)
}

/// A fresh secret preview link of article `id`, made by an administrator
/// through the editor: the token in its URL.
async fn preview_link(w: &World, id: i64) -> Res<String> {
    let admin = w.login(Role::Administrator);
    let made = post(w, &format!("/admin/articles/{id}/preview-link"), Some(admin), &[("action", "create")]).await?;
    // The link is shown once, in the answer to making it.
    assert_eq!(made.status, StatusCode::OK);
    // The template escapes `/` inside attributes; browsers read it back.
    let text = made.text.replace("&#x2f;", "/");
    let shown = format!("{}/preview/", w.host);
    let at = text.find(&shown).ok_or("preview link shown")? + shown.len();
    Ok(text[at..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect())
}

/// Fills in and posts a sign-in form (`/admin/login`, an invite or a reset
/// link) as a browser would: the form is fetched first, with the session
/// cookie `login` has, and posted back with its hidden token and every
/// cookie it set. The same fields suit all three: an existing account's
/// e-mail and password, the password twice.
async fn sign_in_form(w: &World, path: &str, login: Option<&Login>) -> Res<Answer> {
    let form = get(w, path, login).await?;
    assert_eq!(form.status, StatusCode::OK, "{path}: {}", form.text);
    let at = form.text.find("name=\"csrf\" value=\"").ok_or("hidden token")? + "name=\"csrf\" value=\"".len();
    let csrf = &form.text[at..at + form.text[at..].find('"').ok_or("end of token")?];
    let mut cookies: Vec<String> =
        form.set_cookies().iter().filter_map(|c| c.split(';').next()).map(str::to_owned).collect();
    if let Some(l) = login {
        cookies.push(format!("prensa_session={}", l.secret));
    }
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("csrf", csrf)
        .append_pair("email", "con@example.org")
        .append_pair("password", "correct horse battery")
        .append_pair("confirm", "correct horse battery")
        .finish();
    let req = Request::builder()
        .method("POST")
        .uri(path)
        .header(header::HOST, "localhost:8080")
        .header(header::COOKIE, cookies.join("; "))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(body))?;
    send(&w.router, req).await
}

#[allow(clippy::too_many_arguments)]
async fn save_to(
    w: &World,
    login: &Login,
    path: &str,
    version: i64,
    headline: &str,
    slug: &str,
    section: i64,
    authors: &[i64],
    extra: &[(&str, &str)],
) -> Res<Answer> {
    let version = version.to_string();
    let section = section.to_string();
    let mut fields: Vec<(&str, String)> = editor_fields(w, headline, slug, &version, "save");
    fields.push(("section", section));
    let ids: Vec<String> = authors.iter().map(i64::to_string).collect();
    for a in &ids {
        fields.push(("author", a.clone()));
    }
    for (k, v) in extra {
        fields.push((k, (*v).to_owned()));
    }
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    post(w, path, Some(login), &pairs).await
}

#[tokio::test]
async fn assets_and_login_pages_are_public() -> TestResult {
    let w = world().await?;
    for path in ["/admin/assets/admin.css", "/admin/assets/admin.js", "/admin/assets/editor.js", "/admin/login"] {
        assert_eq!(get(&w, path, None).await?.status, StatusCode::OK, "{path}");
    }
    let bad = get(&w, "/admin/invite/not-a-token", None).await?;
    assert_eq!(bad.status, StatusCode::NOT_FOUND);
    assert!(bad.text.contains("not valid"));
    let page = get(&w, "/admin/login", None).await?;
    let csp = page.headers.get(header::CONTENT_SECURITY_POLICY).and_then(|v| v.to_str().ok()).unwrap_or("");
    assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors"), "{csp}");
    assert_eq!(page.headers.get(header::CACHE_CONTROL).and_then(|v| v.to_str().ok()), Some("no-store"));
    Ok(())
}

/// The rich editor's bundle is embedded, sent compressed, revalidated with
/// its ETag (304), and loaded by the article editor only.
#[tokio::test]
async fn editor_bundle_is_compressed_and_revalidated() -> TestResult {
    let w = world().await?;
    let plain = get(&w, "/admin/assets/editor.js", None).await?;
    assert_eq!(plain.status, StatusCode::OK);
    let header_of =
        |a: &Answer, h: header::HeaderName| a.headers.get(h).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    assert_eq!(header_of(&plain, header::CONTENT_TYPE), "text/javascript; charset=utf-8");
    assert_eq!(header_of(&plain, header::CACHE_CONTROL), "no-cache");
    assert!(plain.text.starts_with("/* Prensa's rich Markdown editor"), "the committed bundle");
    let req = builder("GET", "/admin/assets/editor.js", None)
        .header(header::ACCEPT_ENCODING, "br, gzip")
        .body(Body::empty())?;
    let br = send(&w.router, req).await?;
    assert_eq!(header_of(&br, header::CONTENT_ENCODING), "br");
    let etag = header_of(&br, header::ETAG);
    assert!(!etag.is_empty());
    let req =
        builder("GET", "/admin/assets/editor.js", None).header(header::IF_NONE_MATCH, &etag).body(Body::empty())?;
    assert_eq!(send(&w.router, req).await?.status, StatusCode::NOT_MODIFIED);

    let login = w.login(Role::Contributor);
    let editor = get(&w, "/admin/articles/new", Some(login)).await?;
    assert!(editor.text.contains("src=\"/admin/assets/editor.js\" defer"), "the editor page loads it");
    let list = get(&w, "/admin/articles/", Some(login)).await?;
    assert!(!list.text.contains("editor.js"), "other pages do not");
    Ok(())
}

/// Pulls the hidden CSRF value and the login cookie out of the login page.
async fn login_form(w: &World) -> Res<(String, String)> {
    let page = get(w, "/admin/login", None).await?;
    let cookie = page.set_cookies().into_iter().find(|c| c.starts_with("prensa_login=")).ok_or("login cookie")?;
    let value = cookie.split(';').next().ok_or("cookie")?.to_owned();
    let csrf = value.trim_start_matches("prensa_login=").to_owned();
    assert!(page.text.contains(&csrf), "the form carries the token");
    Ok((csrf, value))
}

async fn try_login(w: &World, email: &str, password: &str) -> Res<Answer> {
    try_login_from(w, email, password, [203, 0, 113, 9]).await
}

async fn try_login_from(w: &World, email: &str, password: &str, ip: [u8; 4]) -> Res<Answer> {
    let (csrf, cookie) = login_form(w).await?;
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("csrf", &csrf)
        .append_pair("email", email)
        .append_pair("password", password)
        .append_pair("next", "/admin/articles/")
        .finish();
    let mut req = builder("POST", "/admin/login", None)
        .header(header::COOKIE, format!("{cookie}; prensa_session=planted"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))?;
    req.extensions_mut().insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((ip, 40000))));
    send(&w.router, req).await
}

#[tokio::test]
async fn login_sets_a_fresh_session_and_throttles_failures() -> TestResult {
    let w = world().await?;
    let ok = try_login(&w, "EDI@example.org ", "correct horse battery").await?;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    assert_eq!(ok.location(), "/admin/articles/");
    let session = ok.set_cookies().into_iter().find(|c| c.starts_with("prensa_session=")).ok_or("session cookie")?;
    // `Path=/`: publications under a path prefix on this host share it.
    for flag in ["HttpOnly", "SameSite=Lax", "Path=/;"] {
        assert!(session.contains(flag), "{session}");
    }
    let secret = session.trim_start_matches("prensa_session=").split(';').next().ok_or("value")?.to_owned();
    assert_ne!(secret, "planted", "the session id is new at login");
    let me = Login { user_id: 0, secret };
    assert_eq!(get(&w, "/admin/", Some(&me)).await?.status, StatusCode::OK);

    // Unknown account and wrong password read the same.
    let unknown = try_login(&w, "nobody@example.org", "whatever it is").await?;
    let wrong = try_login(&w, "aut@example.org", "not the password").await?;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let message = "That e-mail address and password do not match an account.";
    assert!(unknown.text.contains(message) && wrong.text.contains(message));

    // With the wrong password above, five failures for one account from
    // five addresses: the next try is refused even with the right password.
    for i in 0..4 {
        assert_eq!(
            try_login_from(&w, "aut@example.org", "still wrong!", [198, 51, 100, i]).await?.status,
            StatusCode::UNAUTHORIZED
        );
    }
    let throttled = try_login_from(&w, "aut@example.org", "correct horse battery", [198, 51, 100, 77]).await?;
    assert_eq!(throttled.status, StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = throttled.headers.get(header::RETRY_AFTER).ok_or("Retry-After")?.to_str()?.parse()?;
    assert!(retry > 0 && retry <= 15 * 60, "{retry}");
    assert!(throttled.text.contains("Too many failed sign-ins"));
    // Five failures from one address over five accounts: that address is
    // paused for every account, others are not.
    for i in 0..5 {
        let email = format!("guess{i}@example.org");
        assert_eq!(try_login_from(&w, &email, "wrong again", [192, 0, 2, 1]).await?.status, StatusCode::UNAUTHORIZED);
    }
    let blocked = try_login_from(&w, "adm@example.org", "correct horse battery", [192, 0, 2, 1]).await?;
    assert_eq!(blocked.status, StatusCode::TOO_MANY_REQUESTS);
    let elsewhere = try_login_from(&w, "adm@example.org", "correct horse battery", [192, 0, 2, 2]).await?;
    assert_eq!(elsewhere.status, StatusCode::SEE_OTHER);

    // Without the double-submit cookie the form is refused.
    let body = "csrf=abc&email=edi%40example.org&password=correct+horse+battery";
    let req = builder("POST", "/admin/login", None)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))?;
    assert_eq!(send(&w.router, req).await?.status, StatusCode::FORBIDDEN);

    // Logging out ends the session in the store.
    let out = post(&w, "/admin/logout", Some(&me), &[]).await?;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(classify(&get(&w, "/admin/", Some(&me)).await?), Expect::ToLogin);
    Ok(())
}

/// A second node on the same database as `w`: its own `AppState` (page
/// cache, templates, everything per process) and router.
async fn second_node(w: &World) -> Res<World> {
    let (state, router, media) = web::serve(w.store().clone()).await?;
    Ok(World {
        router,
        state,
        logins: w.logins.clone(),
        a_editor: w.a_editor.clone(),
        pid: w.pid,
        host: w.host,
        own: w.own,
        other: w.other,
        labor: w.labor,
        culture: w.culture,
        sister: w.sister,
        _media: Arc::new(media),
    })
}

/// Behind a load balancer every node counts the same failures: five on
/// node A and the sixth try, on node B, is refused — per account and per
/// address alike. The store holds a digest of the e-mail, not the address.
#[tokio::test]
async fn sign_in_throttle_is_shared_by_every_node() -> TestResult {
    let a = world().await?;
    let b = second_node(&a).await?;
    for i in 0..5 {
        let failed = try_login_from(&a, "aut@example.org", "not the password", [198, 51, 100, i]).await?;
        assert_eq!(failed.status, StatusCode::UNAUTHORIZED);
    }
    let refused = try_login_from(&b, "aut@example.org", "correct horse battery", [198, 51, 100, 200]).await?;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = refused.headers.get(header::RETRY_AFTER).ok_or("Retry-After")?.to_str()?.parse()?;
    assert!(retry > 0 && retry <= 15 * 60, "{retry}");
    assert!(refused.text.contains("Too many failed sign-ins. Try again in 15 minutes."), "{}", refused.text);
    // Another account from another address signs in on either node.
    assert_eq!(
        try_login_from(&b, "edi@example.org", "correct horse battery", [198, 51, 100, 201]).await?.status,
        StatusCode::SEE_OTHER
    );

    // One address guessing at accounts, alternating nodes.
    for i in 0..5 {
        let node = if i % 2 == 0 { &a } else { &b };
        let email = format!("guess{i}@example.org");
        assert_eq!(try_login_from(node, &email, "wrong again", [192, 0, 2, 1]).await?.status, StatusCode::UNAUTHORIZED);
    }
    for node in [&a, &b] {
        let blocked = try_login_from(node, "adm@example.org", "correct horse battery", [192, 0, 2, 1]).await?;
        assert_eq!(blocked.status, StatusCode::TOO_MANY_REQUESTS);
    }

    // Counted under the e-mail's digest (a throttled check writes nothing).
    let digest_key = format!("account:{}", token_digest("aut@example.org"));
    let gate =
        a.store().begin_login(&[digest_key.as_str()], 5, std::time::Duration::from_secs(900), Utc::now()).await?;
    assert!(matches!(gate, LoginGate::Throttled { .. }), "{gate:?}");
    let plain =
        a.store().begin_login(&["account:aut@example.org"], 1, std::time::Duration::from_secs(900), Utc::now()).await?;
    assert!(matches!(plain, LoginGate::Open(_)), "no failures under the plain address");
    Ok(())
}

#[tokio::test]
async fn invite_links_work_once() -> TestResult {
    let w = world().await?;
    let admin = w.login(Role::Administrator).clone();
    let invited = post(
        &w,
        "/admin/users/",
        Some(&admin),
        &[("email", "New.Person@Example.org"), ("role", "contributor"), ("name", "New <b>Person</b>")],
    )
    .await?;
    assert_eq!(invited.status, StatusCode::OK);
    assert!(invited.text.contains("New &lt;b&gt;Person") && !invited.text.contains("<b>Person"), "names are escaped");
    // The template escapes `/` inside attributes; browsers read it back.
    let text = invited.text.replace("&#x2f;", "/");
    let start = text.find("http://localhost:8080/admin/invite/").ok_or("invite link shown")?;
    let link = &text[start..];
    let link = &link[..link.find('"').ok_or("end of link")?];
    let path = link.trim_start_matches("http://localhost:8080");
    let form = get(&w, path, None).await?;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text.contains("new.person@example.org"));
    let cookie = form.set_cookies().into_iter().find(|c| c.starts_with("prensa_login=")).ok_or("cookie")?;
    let cookie = cookie.split(';').next().ok_or("cookie")?.to_owned();
    let csrf = cookie.trim_start_matches("prensa_login=").to_owned();
    let submit = |password: &'static str, confirm: &'static str| {
        let body = form_urlencoded::Serializer::new(String::new())
            .append_pair("csrf", &csrf)
            .append_pair("password", password)
            .append_pair("confirm", confirm)
            .finish();
        builder("POST", path, None)
            .header(header::COOKIE, cookie.clone())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
    };
    let short = send(&w.router, submit("short", "short")?).await?;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(short.text.contains("at least 10 characters"));
    let done = send(&w.router, submit("a long enough secret", "a long enough secret")?).await?;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text);
    assert!(done.set_cookies().iter().any(|c| c.starts_with("prensa_session=")));
    let again = send(&w.router, submit("another long secret", "another long secret")?).await?;
    assert_eq!(again.status, StatusCode::NOT_FOUND, "the link works once");
    assert_eq!(try_login(&w, "new.person@example.org", "a long enough secret").await?.status, StatusCode::SEE_OTHER);
    // The token was stored only as a digest.
    let secret = path.rsplit('/').next().ok_or("secret")?;
    assert!(w.store().token_user(TokenKind::Invite, secret, Utc::now()).await?.is_none());
    assert!(w.store().token_user(TokenKind::Invite, &token_digest(secret), Utc::now()).await?.is_none(), "used");
    Ok(())
}

#[tokio::test]
async fn writing_saving_conflicting_and_publishing() -> TestResult {
    let w = world().await?;
    let writer = w.login(Role::Author).clone();
    let me = author_of(&w, Role::Author).await?;
    let created =
        save(&w, &writer, 0, 0, "Dockers <script>alert(1)</script> vote", "", w.culture, &[me], "save", &[]).await?;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.text);
    let id: i64 = created.location().split('/').nth(3).ok_or("id")?.parse()?;
    let a = w.store().editable_article(id).await?.ok_or("created")?;
    assert_eq!(a.draft.slug, "dockers-script-alert-1-script-vote", "slug suggested from the headline");
    assert_eq!(a.draft.tags, ["Ports", "New Tag"]);
    let page = get(&w, &format!("/admin/articles/{id}/"), Some(&writer)).await?;
    assert!(page.text.contains("Dockers &lt;script&gt;"), "headline escaped in the editor");
    assert!(!page.text.contains("<script>alert"), "no payload survives");

    // Two editors open version 1; the first save wins, the second is
    // refused with a diff and nothing of it is written.
    let editor = w.login(Role::Editor).clone();
    let first =
        save(&w, &editor, id, a.version, "Editor's headline", &a.draft.slug, w.culture, &[me], "save", &[]).await?;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    let stale =
        save(&w, &writer, id, a.version, "Writer's headline", &a.draft.slug, w.culture, &[me], "save", &[]).await?;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.text.contains("Someone else saved this article"));
    assert!(
        stale.text.contains("− Headline: Editor&#x27;s headline")
            || stale.text.contains("− Headline: Editor&#39;s headline"),
        "{}",
        stale.text
    );
    assert!(
        stale.text.contains("Writer&#x27;s headline") || stale.text.contains("Writer&#39;s headline"),
        "the writer's text is kept in the form"
    );
    let now = w.store().editable_article(id).await?.ok_or("article")?;
    assert_eq!(now.draft.headline, "Editor's headline");
    assert_eq!(now.version, a.version + 1);

    // Fill the cache with pages, publish, and see only affected ones go.
    for path in ["/", "/old-labor/", "/section/labor/", "/section/culture/", "/tag/film/", "/tag/ports/"] {
        assert_eq!(get(&w, path, None).await?.status, StatusCode::OK, "{path}");
    }
    let pid = w.state.sites().list[0].publication.id;
    assert!(w.state.cache.get(pid, "/section/labor/").is_some());
    let published =
        save(&w, &writer, id, now.version, "Editor's headline", &now.draft.slug, w.culture, &[me], "publish", &[])
            .await?;
    assert_eq!(published.status, StatusCode::SEE_OTHER, "{}", published.text);
    let cached = |path: &str| w.state.cache.get(pid, path).is_some();
    assert!(!cached("/"), "home shows the new article");
    assert!(!cached("/section/culture/"), "its section");
    assert!(!cached("/tag/ports/"), "its tag");
    assert!(!cached("/old-labor/"), "article pages show Most recent");
    assert!(cached("/section/labor/"), "another section's page stays cached");
    assert!(cached("/tag/film/"), "another tag's page stays cached");
    let public = get(&w, &format!("/{}/", now.draft.slug), None).await?;
    assert_eq!(public.status, StatusCode::OK);
    assert!(public.text.contains("Editor&#39;s headline") || public.text.contains("Editor&#x27;s headline"));
    let home = get(&w, "/", None).await?;
    assert!(home.text.contains(&format!("/{}/", now.draft.slug)), "on the home page");

    // A contributor cannot publish, even their own article.
    let contributor = w.login(Role::Contributor).clone();
    let con = author_of(&w, Role::Contributor).await?;
    let theirs = save(&w, &contributor, 0, 0, "Contributor piece", "", w.labor, &[con], "save", &[]).await?;
    let cid: i64 = theirs.location().split('/').nth(3).ok_or("id")?.parse()?;
    let c = w.store().editable_article(cid).await?.ok_or("article")?;
    let refused =
        save(&w, &contributor, cid, c.version, "Contributor piece", &c.draft.slug, w.labor, &[con], "publish", &[])
            .await?;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.text.contains("contributors cannot publish"));
    assert_eq!(w.store().editable_article(cid).await?.ok_or("article")?.version, c.version, "nothing saved");
    let submitted =
        save(&w, &contributor, cid, c.version, "Contributor piece", &c.draft.slug, w.labor, &[con], "submit", &[])
            .await?;
    assert_eq!(submitted.status, StatusCode::SEE_OTHER);
    let review = get(&w, "/admin/articles/?stage=review", Some(&editor)).await?;
    assert!(review.text.contains("Contributor piece"));

    // Scheduling takes the publication's time zone and refuses the past.
    let c = w.store().editable_article(cid).await?.ok_or("article")?;
    let past = save(
        &w,
        &editor,
        cid,
        c.version,
        "Contributor piece",
        &c.draft.slug,
        w.labor,
        &[con],
        "schedule",
        &[("publish_at", "2020-01-01T10:00")],
    )
    .await?;
    assert_eq!(past.status, StatusCode::UNPROCESSABLE_ENTITY);
    let c = w.store().editable_article(cid).await?.ok_or("article")?;
    let later = save(
        &w,
        &editor,
        cid,
        c.version,
        "Contributor piece",
        &c.draft.slug,
        w.labor,
        &[con],
        "schedule",
        &[("publish_at", "2099-07-01T10:00")],
    )
    .await?;
    assert_eq!(later.status, StatusCode::SEE_OTHER, "{}", later.text);
    let c = w.store().editable_article(cid).await?.ok_or("article")?;
    assert_eq!(c.published_at.to_rfc3339(), "2099-07-01T10:00:00+02:00", "Berlin summer time");
    assert_eq!(
        get(&w, &format!("/{}/", c.draft.slug), None).await?.status,
        StatusCode::NOT_FOUND,
        "not before its time"
    );
    Ok(())
}

#[tokio::test]
async fn changing_a_published_slug_keeps_a_redirect() -> TestResult {
    let w = world().await?;
    let editor = w.login(Role::Editor).clone();
    let a = w.store().editable_article(w.own).await?.ok_or("article")?;
    let ids = a.draft.author_ids.clone();
    save(&w, &editor, w.own, a.version, "Own", "own-draft", w.labor, &ids, "publish", &[]).await?;
    let a = w.store().editable_article(w.own).await?.ok_or("article")?;
    let renamed = save(&w, &editor, w.own, a.version, "Own", "a-better-address", w.labor, &ids, "save", &[]).await?;
    assert_eq!(renamed.status, StatusCode::SEE_OTHER, "{}", renamed.text);
    let old = get(&w, "/own-draft/", None).await?;
    assert_eq!(old.status, StatusCode::MOVED_PERMANENTLY);
    assert_eq!(old.location(), "/a-better-address/");
    assert_eq!(get(&w, "/a-better-address/", None).await?.status, StatusCode::OK);
    Ok(())
}

#[tokio::test]
async fn revisions_can_be_compared_and_restored() -> TestResult {
    let w = world().await?;
    let editor = w.login(Role::Editor).clone();
    let a = w.store().editable_article(w.own).await?.ok_or("article")?;
    let ids = a.draft.author_ids.clone();
    save(&w, &editor, w.own, a.version, "Second headline", "own-draft", w.labor, &ids, "save", &[]).await?;
    let revisions = w.store().revisions(w.own).await?;
    assert_eq!(revisions.len(), 2);
    // Numbered per article from the oldest, and each number opens its own
    // page (issue 14: "Version 4" opened `/revisions/3`).
    let list = get(&w, &format!("/admin/articles/{}/revisions/", w.own), Some(&editor)).await?;
    for n in [1, 2] {
        assert!(list.text.contains(&format!("<td>{n}</td>")), "{}", list.text);
        assert!(
            list.text.contains(&format!(
                "href=\"&#x2f;admin&#x2f;articles&#x2f;{}&#x2f;revisions&#x2f;{n}\">View and compare revision {n}</a>",
                w.own
            )),
            "{}",
            list.text
        );
    }
    let page = get(&w, &format!("/admin/articles/{}/revisions/1", w.own), Some(&editor)).await?;
    assert!(page.text.contains("<h1>Revision 1</h1>"), "{}", page.text);
    assert!(
        page.text.contains("− Headline: Second headline") && page.text.contains("+ Headline: Draft own-draft"),
        "{}",
        page.text
    );
    let against = get(&w, &format!("/admin/articles/{}/revisions/1?against=2", w.own), Some(&editor)).await?;
    assert!(against.text.contains("Changes from revision 2 (−) to revision 1 (+)"), "{}", against.text);
    for missing in ["0", "3", "x"] {
        let r = get(&w, &format!("/admin/articles/{}/revisions/{missing}", w.own), Some(&editor)).await?;
        assert!(r.status.is_client_error(), "{missing}: {}", r.status);
    }
    let current = w.store().editable_article(w.own).await?.ok_or("article")?;
    let restore = format!("/admin/articles/{}/revisions/1/restore", w.own);
    // Restoring replaces the text: without the confirmation nothing happens.
    let unconfirmed = post(&w, &restore, Some(&editor), &[("version", &current.version.to_string())]).await?;
    assert_eq!(unconfirmed.status, StatusCode::BAD_REQUEST);
    assert!(unconfirmed.text.contains("Nothing was restored"), "{}", unconfirmed.text);
    assert_eq!(w.store().editable_article(w.own).await?.ok_or("article")?.draft.headline, "Second headline");
    assert_eq!(w.store().revisions(w.own).await?.len(), 2);
    let restored =
        post(&w, &restore, Some(&editor), &[("version", &current.version.to_string()), ("confirm", "yes")]).await?;
    assert_eq!(restored.status, StatusCode::SEE_OTHER);
    let after = w.store().editable_article(w.own).await?.ok_or("article")?;
    assert_eq!(after.draft.headline, "Draft own-draft");
    assert_eq!(w.store().revisions(w.own).await?.len(), 3, "restoring is a new revision");
    Ok(())
}

/// The read-only article pages (the editor, the saved preview, revisions,
/// one revision) refuse in one order: to sign in first, then a request
/// whose path or query does not parse (400), then an article that is not
/// there (404, even to staff who could not read it), then one they may not
/// read (403).
#[tokio::test]
async fn read_only_article_pages_refuse_in_order() -> TestResult {
    let w = world().await?;
    let contributor = w.login(Role::Contributor).clone();
    for page in ["/", "/preview", "/revisions/", "/revisions/1"] {
        let anonymous = get(&w, &format!("/admin/articles/x{page}"), None).await?;
        assert_eq!(classify(&anonymous), Expect::ToLogin, "{page}");
        let malformed = get(&w, &format!("/admin/articles/x{page}"), Some(&contributor)).await?;
        assert_eq!(malformed.status, StatusCode::BAD_REQUEST, "{page}");
        let missing = get(&w, &format!("/admin/articles/999999{page}"), Some(&contributor)).await?;
        assert_eq!(missing.status, StatusCode::NOT_FOUND, "{page}");
        let forbidden = get(&w, &format!("/admin/articles/{}{page}", w.other), Some(&contributor)).await?;
        assert_eq!(forbidden.status, StatusCode::FORBIDDEN, "{page}");
    }
    // The query is read with the path, before the article is looked up.
    for page in ["/?saved=a&saved=b", "/revisions/1?against=1&against=2"] {
        let anonymous = get(&w, &format!("/admin/articles/999999{page}"), None).await?;
        assert_eq!(classify(&anonymous), Expect::ToLogin, "{page}");
        let r = get(&w, &format!("/admin/articles/999999{page}"), Some(&contributor)).await?;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{page}");
    }
    Ok(())
}

#[tokio::test]
async fn uploads_are_checked_and_stored_with_variants() -> TestResult {
    let w = world().await?;
    let author = w.login(Role::Author).clone();
    let csrf = author.csrf();
    let before = w.store().media_list(100, 0).await?.total;
    for (name, bytes) in [("notes.txt", b"just text".to_vec()), ("cut.png", png(50, 50)[..40].to_vec())] {
        let refused = upload(&w, Some(&author), &csrf, name, &bytes).await?;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        assert!(refused.text.contains("was not stored"), "{name}: {}", refused.text);
    }
    assert_eq!(w.store().media_list(100, 0).await?.total, before, "nothing stored");
    let ok = upload(&w, Some(&author), &csrf, "wide.png", &png(700, 100)).await?;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.text);
    let list = w.store().media_list(100, 0).await?;
    assert_eq!(list.total, before + 1);
    let asset = &list.items[0];
    assert_eq!((asset.width, asset.height), (700, 100));
    let original = get(&w, &format!("/media/{}", asset.key), None).await?;
    assert_eq!(original.status, StatusCode::OK);
    assert_eq!(original.headers.get(header::X_CONTENT_TYPE_OPTIONS).and_then(|v| v.to_str().ok()), Some("nosniff"));
    let hash = asset.key.split('.').next().ok_or("hash")?;
    for (variant, content_type) in
        [(format!("{hash}-320.png"), "image/png"), (format!("{hash}-640.webp"), "image/webp")]
    {
        let v = get(&w, &format!("/media/{variant}"), None).await?;
        assert_eq!(v.status, StatusCode::OK, "{variant}");
        assert_eq!(v.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()), Some(content_type));
    }
    // Never upscaled: a wider candidate answers with the original.
    let wide = get(&w, &format!("/media/{hash}-1024.webp"), None).await?;
    assert_eq!(wide.status, StatusCode::OK);
    assert_eq!(wide.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()), Some("image/png"));
    assert_eq!(wide.text.len(), original.text.len());
    // Only the pipeline's widths exist, so nobody can fill the disk with sizes.
    assert_eq!(get(&w, &format!("/media/{hash}-500.webp"), None).await?.status, StatusCode::NOT_FOUND);
    assert_eq!(
        get(&w, "/media/0123456789abcdef-640.webp", None).await?.status,
        StatusCode::NOT_FOUND,
        "no such original"
    );
    Ok(())
}

/// Images that arrived by import have no variants until a page asks for
/// one: then it is made once, stored, and served from disk afterwards.
#[tokio::test]
async fn imported_images_get_their_variants_on_first_request() -> TestResult {
    let w = world().await?;
    let bytes = png(900, 300);
    let key = "00aa11bb22cc33dd.png";
    w.state.media.put(key, bytes.clone().into()).await?;
    w.store()
        .add_media(&prensa_core::MediaAsset {
            key: key.into(),
            content_type: "image/png".into(),
            width: 900,
            height: 300,
            bytes: bytes.len() as u64,
        })
        .await?;
    let variant = "00aa11bb22cc33dd-640.webp";
    assert!(!w.state.media.exists(variant).await?);
    let first = get(&w, &format!("/media/{variant}"), None).await?;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()), Some("image/webp"));
    assert!(w.state.media.exists(variant).await?, "stored for next time");
    assert!(w.state.media.exists("00aa11bb22cc33dd-640.png").await?, "with its original-format sibling");
    Ok(())
}

#[tokio::test]
async fn editors_shape_sections_tags_profiles_and_settings() -> TestResult {
    let w = world().await?;
    let editor = w.login(Role::Editor).clone();
    let admin = w.login(Role::Administrator).clone();
    // A new section shows in the public navigation at once.
    let made =
        post(&w, "/admin/sections/", Some(&editor), &[("name", "World <em>news</em>"), ("description", "Abroad")])
            .await?;
    assert_eq!(made.status, StatusCode::OK, "{}", made.text);
    assert!(made.text.contains("World &lt;em&gt;news"), "escaped in the admin");
    let home = get(&w, "/", None).await?;
    assert!(
        home.text.contains("/section/world-em-news-em/") && home.text.contains("World &lt;em&gt;news"),
        "in the navigation, escaped"
    );
    // Bad input is refused with a reason and changes nothing.
    let sections = w.store().sections(w.state.sites().list[0].publication.id).await?.len();
    let bad = post(&w, "/admin/sections/", Some(&editor), &[("name", "X"), ("slug", "Not A Slug")]).await?;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text.contains("slug may hold only"));
    let taken = post(&w, "/admin/sections/", Some(&editor), &[("name", "Labor again"), ("slug", "labor")]).await?;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(w.store().sections(w.state.sites().list[0].publication.id).await?.len(), sections);
    // A profile with a hostile link is refused; a good one shows publicly.
    let me = author_of(&w, Role::Editor).await?;
    let hostile = post(
        &w,
        &format!("/admin/authors/{me}"),
        Some(&editor),
        &[("name", "Edi"), ("social_website", "javascript:alert(1)")],
    )
    .await?;
    assert_eq!(hostile.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(hostile.text.contains("must be a web address"));
    let good = post(
        &w,
        &format!("/admin/authors/{me}"),
        Some(&editor),
        &[("name", "Edith Ortega"), ("slug", "edith"), ("bio", "Writes *about* ports.")],
    )
    .await?;
    assert_eq!(good.status, StatusCode::SEE_OTHER, "{}", good.text);
    let page = get(&w, "/author/edith/", None).await?;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("Edith Ortega") && page.text.contains("<em>about</em>"));
    // Settings change the public site at once.
    let fields = [
        ("name", "The Other Meridian"),
        ("tagline", "New tagline"),
        ("more_from_section", "2"),
        ("most_recent", "2"),
        ("page_size", "0"),
    ];
    let zero = post(&w, "/admin/settings", Some(&admin), &fields).await?;
    assert_eq!(zero.status, StatusCode::UNPROCESSABLE_ENTITY, "page size 0 refused");
    let fields = [
        ("name", "The Other Meridian"),
        ("tagline", "New tagline"),
        ("more_from_section", "2"),
        ("most_recent", "2"),
        ("page_size", "5"),
    ];
    assert_eq!(post(&w, "/admin/settings", Some(&admin), &fields).await?.status, StatusCode::SEE_OTHER);
    let home = get(&w, "/", None).await?;
    assert!(home.text.contains("The Other Meridian") && home.text.contains("New tagline"));
    // The feeds' content setting: one of its two words, else refused.
    let form = get(&w, "/admin/settings", Some(&admin)).await?;
    assert!(form.text.contains(r#"<option value="full" selected>"#), "full text by default");
    let bad =
        [("name", "M"), ("more_from_section", "2"), ("most_recent", "2"), ("page_size", "5"), ("feed_content", "all")];
    assert_eq!(post(&w, "/admin/settings", Some(&admin), &bad).await?.status, StatusCode::UNPROCESSABLE_ENTITY);
    let summary = [
        ("name", "M"),
        ("more_from_section", "2"),
        ("most_recent", "2"),
        ("page_size", "5"),
        ("feed_content", "summary"),
    ];
    assert_eq!(post(&w, "/admin/settings", Some(&admin), &summary).await?.status, StatusCode::SEE_OTHER);
    let stored = w.store().publications().await?.remove(0);
    assert_eq!(stored.settings.feed_content, prensa_core::FeedContent::Summary);
    assert!(get(&w, "/admin/settings", Some(&admin)).await?.text.contains(r#"<option value="summary" selected>"#));
    Ok(())
}

// --- review notes and scheduled changes -------------------------------------

async fn add_note(w: &World, login: &Login, id: i64, text: &str) -> Res<Answer> {
    post(w, &format!("/admin/articles/{id}/notes"), Some(login), &[("note", text)]).await
}

#[tokio::test]
async fn open_review_notes_hold_back_publishing() -> TestResult {
    let w = world().await?;
    let editor = w.login(Role::Editor).clone();
    let author = w.login(Role::Author).clone();
    let a = w.store().editable_article(w.own).await?.ok_or("article")?;
    let ids = a.draft.author_ids.clone();

    // Only editors write notes; the article's author may read them.
    let refused = add_note(&w, &author, w.own, "Mine").await?;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.text.contains("only editors leave review notes"), "{}", refused.text);
    let added = add_note(&w, &editor, w.own, "Source for the <script>alert(1)</script> figure?").await?;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.text);
    let notes = w.store().notes(w.own).await?;
    assert_eq!(notes.len(), 1);
    let note = notes[0].id;
    let resolve_path = format!("/admin/articles/{}/notes/{note}/resolve", w.own);
    assert_eq!(post(&w, &resolve_path, Some(&author), &[]).await?.status, StatusCode::FORBIDDEN);
    let too_long = "x".repeat(5_001);
    let long = add_note(&w, &editor, w.own, &too_long).await?;
    assert_eq!(long.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(long.text.contains("limited to 5000 characters"), "{}", long.text);
    assert_eq!(w.store().notes(w.own).await?.len(), 1);

    let page = get(&w, &format!("/admin/articles/{}/", w.own), Some(&author)).await?;
    assert!(page.text.contains("Source for the &lt;script&gt;"), "notes shown, escaped");
    assert!(!page.text.contains("<script>alert"));
    assert!(page.text.contains("(1 open; staff only)"));
    assert!(!page.text.contains("override_notes"), "the author may not override");
    assert!(!page.text.contains(&resolve_path), "nor resolve");
    let page = get(&w, &format!("/admin/articles/{}/", w.own), Some(&editor)).await?;
    assert!(page.text.contains("override_notes") && page.text.contains(&resolve_path));
    assert!(page.text.contains("Name edi") || page.text.contains("edi"), "the note's author is named");
    // Never on the public site, not even once published (checked below).

    // Publishing (now or scheduled) is refused with the count; nothing saved.
    let blocked =
        save(&w, &author, w.own, a.version, "Changed headline", "own-draft", w.labor, &ids, "publish", &[]).await?;
    assert_eq!(blocked.status, StatusCode::CONFLICT);
    assert!(blocked.text.contains("1 open review note"), "{}", blocked.text);
    let scheduled = save(
        &w,
        &editor,
        w.own,
        a.version,
        "Changed",
        "own-draft",
        w.labor,
        &ids,
        "schedule",
        &[("publish_at", "2099-01-01T10:00")],
    )
    .await?;
    assert_eq!(scheduled.status, StatusCode::CONFLICT);
    assert!(scheduled.text.contains("Publish over open review notes"), "editors are told they may override");
    // An author cannot override.
    let overridden = save(
        &w,
        &author,
        w.own,
        a.version,
        "Changed",
        "own-draft",
        w.labor,
        &ids,
        "publish",
        &[("override_notes", "1")],
    )
    .await?;
    assert_eq!(overridden.status, StatusCode::FORBIDDEN);
    let unchanged = w.store().editable_article(w.own).await?.ok_or("article")?;
    assert_eq!((unchanged.version, unchanged.draft.headline.as_str()), (a.version, a.draft.headline.as_str()));
    assert_eq!(get(&w, "/own-draft/", None).await?.status, StatusCode::NOT_FOUND);

    // Resolved, the author may publish.
    assert_eq!(post(&w, &resolve_path, Some(&editor), &[]).await?.status, StatusCode::SEE_OTHER);
    assert_eq!(post(&w, &resolve_path, Some(&editor), &[]).await?.status, StatusCode::SEE_OTHER, "twice is harmless");
    assert_eq!(w.store().open_note_count(w.own).await?, 0);
    let published =
        save(&w, &author, w.own, a.version, "Own headline", "own-draft", w.labor, &ids, "publish", &[]).await?;
    assert_eq!(published.status, StatusCode::SEE_OTHER, "{}", published.text);
    let public = get(&w, "/own-draft/", None).await?;
    assert_eq!(public.status, StatusCode::OK);
    assert!(!public.text.contains("Source for the"), "notes are for staff only");

    // An editor may publish over an open note.
    add_note(&w, &editor, w.other, "Still open").await?;
    let o = w.store().editable_article(w.other).await?.ok_or("article")?;
    let oids = o.draft.author_ids.clone();
    let refused = save(&w, &editor, w.other, o.version, "Other", "other-draft", w.labor, &oids, "publish", &[]).await?;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    let forced = save(
        &w,
        &editor,
        w.other,
        o.version,
        "Other",
        "other-draft",
        w.labor,
        &oids,
        "publish",
        &[("override_notes", "1")],
    )
    .await?;
    assert_eq!(forced.status, StatusCode::SEE_OTHER, "{}", forced.text);
    assert_eq!(get(&w, "/other-draft/", None).await?.status, StatusCode::OK);
    Ok(())
}

/// `datetime-local` text in the publication's zone (Berlin) for `at`.
fn berlin(at: DateTime<Utc>) -> String {
    at.with_timezone(&chrono_tz::Europe::Berlin).format("%Y-%m-%dT%H:%M").to_string()
}

#[tokio::test]
async fn scheduled_update_and_unpublish_reach_the_public_page() -> TestResult {
    let w = world().await?;
    let editor = w.login(Role::Editor).clone();
    let contributor = w.login(Role::Contributor).clone();
    let a = w.store().editable_article(w.own).await?.ok_or("article")?;
    let ids = a.draft.author_ids.clone();
    save(&w, &editor, w.own, a.version, "Live headline", "own-draft", w.labor, &ids, "publish", &[]).await?;
    let a = w.store().editable_article(w.own).await?.ok_or("article")?;
    let page = get(&w, "/own-draft/", None).await?;
    assert!(page.text.contains("Live headline"));
    let pid = w.state.sites().list[0].publication.id;
    assert!(w.state.cache.get(pid, "/own-draft/").is_some(), "cached");

    let editor_page = get(&w, &format!("/admin/articles/{}/", w.own), Some(&editor)).await?;
    assert!(editor_page.text.contains("Schedule this update") && editor_page.text.contains("unpublish_at"));

    // Past times are refused; nothing is stored.
    let past = save(
        &w,
        &editor,
        w.own,
        a.version,
        "Later headline",
        "own-draft",
        w.labor,
        &ids,
        "schedule_update",
        &[("update_at", "2020-01-01T10:00")],
    )
    .await?;
    assert_eq!(past.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(past.text.contains("That time has passed"), "{}", past.text);
    // Contributors may not touch a live article.
    let at = Utc::now() + chrono::Duration::hours(1);
    let refused = save(
        &w,
        &contributor,
        w.own,
        a.version,
        "Later headline",
        "own-draft",
        w.labor,
        &ids,
        "schedule_update",
        &[("update_at", &berlin(at))],
    )
    .await?;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(w.store().pending_changes(w.own).await?, []);
    // But they may open it (the dashboard and list link to it): read-only,
    // saying why, with nothing to press.
    let read_only = get(&w, &format!("/admin/articles/{}/", w.own), Some(&contributor)).await?;
    assert_eq!(read_only.status, StatusCode::OK);
    assert!(
        read_only.text.contains(
            "You can read this article but not change it: contributors cannot change a published or scheduled article."
        ),
        "{}",
        read_only.text
    );
    assert!(!read_only.text.contains("value=\"save\"") && !read_only.text.contains("value=\"schedule_update\""));

    let scheduled = save(
        &w,
        &editor,
        w.own,
        a.version,
        "Later headline",
        "own-draft",
        w.labor,
        &ids,
        "schedule_update",
        &[("update_at", &berlin(at))],
    )
    .await?;
    assert_eq!(scheduled.status, StatusCode::SEE_OTHER, "{}", scheduled.text);
    assert!(scheduled.location().contains("saved=schedule_update"));
    let still = w.store().editable_article(w.own).await?.ok_or("article")?;
    assert_eq!((still.version, still.draft.headline.as_str()), (a.version, "Live headline"), "nothing saved now");
    let pending = w.store().pending_changes(w.own).await?;
    assert_eq!(pending.len(), 1);
    assert!(matches!(&pending[0].kind, ChangeKind::Update(d) if d.headline == "Later headline"));
    assert_eq!(pending[0].run_at.timestamp() / 60, at.timestamp() / 60, "the minute given, in Berlin time");
    let editor_page = get(&w, &format!("/admin/articles/{}/", w.own), Some(&editor)).await?;
    assert!(editor_page.text.contains("Update goes live at"));
    assert!(editor_page.text.contains(&format!("/admin/articles/{}/scheduled/{}/cancel", w.own, pending[0].id)));

    // Not before its time; at its time once, then the cache is purged.
    assert_eq!(w.store().run_due_changes(Utc::now()).await?, []);
    let applied = w.store().run_due_changes(at + chrono::Duration::minutes(1)).await?;
    assert_eq!(applied.len(), 1);
    assert!(applied[0].ok, "{}", applied[0].outcome);
    w.state.sync_changes().await;
    assert!(w.state.cache.get(pid, "/own-draft/").is_none(), "purged");
    let page = get(&w, "/own-draft/", None).await?;
    assert!(page.text.contains("Later headline"), "the update is live");
    let revs = w.store().revisions(w.own).await?;
    assert_eq!(revs[0].user_id, Some(editor.user_id), "a revision by the scheduling editor");
    assert_eq!(w.store().run_due_changes(at + chrono::Duration::minutes(2)).await?, []);

    // Unpublishing at a set time; a second one is cancelled.
    let a = w.store().editable_article(w.own).await?.ok_or("article")?;
    let at = Utc::now() + chrono::Duration::hours(2);
    for _ in 0..2 {
        let s = save(
            &w,
            &editor,
            w.own,
            a.version,
            "ignored",
            "own-draft",
            w.labor,
            &ids,
            "schedule_unpublish",
            &[("unpublish_at", &berlin(at))],
        )
        .await?;
        assert_eq!(s.status, StatusCode::SEE_OTHER, "{}", s.text);
    }
    let pending = w.store().pending_changes(w.own).await?;
    assert_eq!(pending.len(), 2);
    let cancel = format!("/admin/articles/{}/scheduled/{}/cancel", w.own, pending[1].id);
    assert_eq!(post(&w, &cancel, Some(&contributor), &[]).await?.status, StatusCode::FORBIDDEN);
    assert_eq!(post(&w, &cancel, Some(&editor), &[]).await?.status, StatusCode::SEE_OTHER);
    assert_eq!(post(&w, &cancel, Some(&editor), &[]).await?.status, StatusCode::NOT_FOUND, "gone");
    assert_eq!(w.store().pending_changes(w.own).await?.len(), 1);
    assert_eq!(get(&w, "/own-draft/", None).await?.status, StatusCode::OK);
    let applied = w.store().run_due_changes(at + chrono::Duration::minutes(1)).await?;
    assert_eq!(applied.iter().map(|a| (a.kind, a.ok)).collect::<Vec<_>>(), [("unpublish", true)]);
    w.state.sync_changes().await;
    assert_eq!(get(&w, "/own-draft/", None).await?.status, StatusCode::NOT_FOUND, "unpublished");
    let editor_page = get(&w, &format!("/admin/articles/{}/", w.own), Some(&editor)).await?;
    assert!(!editor_page.text.contains("Schedule this update"), "only live articles get scheduled changes");
    Ok(())
}

/// The upload limit is a setting: above it, a clear refusal and nothing stored.
#[tokio::test]
async fn uploads_above_the_configured_limit_are_refused() -> TestResult {
    let w = world_with(WebConfig { max_upload_bytes: 2_000, ..WebConfig::default() }).await?;
    let author = w.login(Role::Author).clone();
    let big = png(300, 300);
    assert!(big.len() > 2_000);
    let refused = upload(&w, Some(&author), &author.csrf(), "big.png", &big).await?;
    assert_eq!(refused.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", refused.text);
    assert!(refused.text.contains("was not stored") || refused.text.contains("nothing was stored"), "{}", refused.text);
    assert_eq!(w.store().media_list(10, 0).await?.total, 0);
    let small = upload(&w, Some(&author), &author.csrf(), "small.png", &png(8, 8)).await?;
    assert_eq!(small.status, StatusCode::SEE_OTHER, "{}", small.text);
    Ok(())
}

/// A secret link shows the saved draft to someone without an account,
/// through the theme, unindexed and uncached, until it is revoked.
#[tokio::test]
async fn secret_preview_links_open_a_draft_until_revoked() -> TestResult {
    let w = world().await?;
    let author = w.login(Role::Author).clone();
    let made =
        post(&w, &format!("/admin/articles/{}/preview-link", w.own), Some(&author), &[("action", "create")]).await?;
    // The link is shown in the answer to making it, and only there.
    assert_eq!(made.status, StatusCode::OK);
    // The template escapes `/` inside attributes; browsers read it back.
    let text = made.text.replace("&#x2f;", "/");
    let at = text.find("localhost:8080/preview/").ok_or("link shown")?;
    let token: String =
        text[at + 23..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect();
    assert_eq!(token.len(), 43);
    let page = get(&w, &format!("/admin/articles/{}/", w.own), Some(&author)).await?;
    assert!(!page.text.contains(&token), "not shown again");
    assert!(page.text.contains("A secret preview link exists (made "), "{}", page.text);
    let draft = get(&w, &format!("/preview/{token}"), None).await?;
    assert_eq!(draft.status, StatusCode::OK);
    assert!(draft.text.contains("Draft own-draft"), "the saved headline");
    assert_eq!(draft.headers.get("x-robots-tag").and_then(|v| v.to_str().ok()), Some("noindex"));
    assert_eq!(draft.headers.get(header::CACHE_CONTROL).and_then(|v| v.to_str().ok()), Some("no-store"));
    assert!(draft
        .headers
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .contains("script-src 'none'"));
    assert_eq!(get(&w, "/own-draft/", None).await?.status, StatusCode::NOT_FOUND, "still a draft for everyone else");
    assert_eq!(get(&w, "/preview/not-a-token", None).await?.status, StatusCode::NOT_FOUND);
    post(&w, &format!("/admin/articles/{}/preview-link", w.own), Some(&author), &[("action", "revoke")]).await?;
    assert_eq!(get(&w, &format!("/preview/{token}"), None).await?.status, StatusCode::NOT_FOUND, "revoked");
    Ok(())
}

// --- issue 9: digests, idle sessions, scheduled updates, dates, stages -----

/// Every file of the SQLite database at `dir/site.db` (WAL included), as
/// one byte string: what a leaked backup would hold.
fn database_bytes(dir: &std::path::Path) -> Res<Vec<u8>> {
    let mut all = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("site.db")) {
            all.extend(std::fs::read(&path)?);
        }
    }
    Ok(all)
}

/// A preview link's token is stored as its digest only, as session and
/// invite tokens are: the database files never hold it, and the link
/// still opens the draft.
#[tokio::test]
async fn preview_tokens_are_stored_as_digests() -> TestResult {
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}", dir.path().join("site.db").display());
    let w = world_on(&url, fixture(), WebConfig::default()).await?;
    let author = w.login(Role::Author).clone();
    let made =
        post(&w, &format!("/admin/articles/{}/preview-link", w.own), Some(&author), &[("action", "create")]).await?;
    assert_eq!(made.status, StatusCode::OK, "{}", made.text);
    let text = made.text.replace("&#x2f;", "/");
    let at = text.find("localhost:8080/preview/").ok_or("link shown")?;
    let token: String =
        text[at + 23..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect();
    assert_eq!(token.len(), 43);
    let stored = database_bytes(dir.path())?;
    let holds = |needle: &str| stored.windows(needle.len()).any(|w| w == needle.as_bytes());
    assert!(!holds(&token), "the token itself is not in the database");
    assert!(holds(&token_digest(&token)), "the digest is (so the search above reads the right files)");
    assert_eq!(get(&w, &format!("/preview/{token}"), None).await?.status, StatusCode::OK);
    assert_eq!(
        get(&w, &format!("/preview/{}", token_digest(&token)), None).await?.status,
        StatusCode::NOT_FOUND,
        "the digest is no link"
    );
    Ok(())
}

/// A session unused for longer than `session_idle` is signed out, however
/// far its 14-day limit is; one in use stays signed in.
#[tokio::test]
async fn sessions_idle_past_the_limit_are_signed_out() -> TestResult {
    let config = WebConfig { session_idle: std::time::Duration::from_secs(30 * 60), ..WebConfig::default() };
    let w = world_with(config).await?;
    let editor = w.login(Role::Editor).clone();
    assert_eq!(get(&w, "/admin/", Some(&editor)).await?.status, StatusCode::OK, "in use: signed in");
    // Last used 31 minutes ago, 13 days still to go.
    let token = new_token();
    let then = Utc::now() - chrono::Duration::minutes(31);
    w.store().create_session(&token.digest, editor.user_id, then, Utc::now() + chrono::Duration::days(13)).await?;
    let idle = Login { user_id: editor.user_id, secret: token.secret };
    let answer = get(&w, "/admin/", Some(&idle)).await?;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert!(answer.location().starts_with("/admin/login"), "{}", answer.location());
    let posted = post(&w, &format!("/admin/articles/{}/notes", w.own), Some(&idle), &[("note", "Idle")]).await?;
    assert!(posted.location().starts_with("/admin/login"), "writes are refused too");
    assert!(w.store().notes(w.own).await?.is_empty());
    // Within the limit: fine.
    let token = new_token();
    let recent = Utc::now() - chrono::Duration::minutes(20);
    w.store().create_session(&token.digest, editor.user_id, recent, Utc::now() + chrono::Duration::days(13)).await?;
    let fresh = Login { user_id: editor.user_id, secret: token.secret };
    assert_eq!(get(&w, "/admin/", Some(&fresh)).await?.status, StatusCode::OK);
    Ok(())
}

/// An "Update at" scheduled before someone else edits the live article is
/// not applied over the edit: the editor sees why on the dashboard and the
/// article's page, with the scheduled text, and can discard it.
#[tokio::test]
async fn a_scheduled_update_does_not_overwrite_a_later_edit() -> TestResult {
    let w = world().await?;
    let editor = w.login(Role::Editor).clone();
    let admin = w.login(Role::Administrator).clone();
    let a = w.store().editable_article(w.own).await?.ok_or("article")?;
    let ids = a.draft.author_ids.clone();
    save(&w, &editor, w.own, a.version, "Live headline", "own-draft", w.labor, &ids, "publish", &[]).await?;
    let a = w.store().editable_article(w.own).await?.ok_or("article")?;
    let at = Utc::now() + chrono::Duration::hours(1);
    let scheduled = save(
        &w,
        &editor,
        w.own,
        a.version,
        "Scheduled headline",
        "own-draft",
        w.labor,
        &ids,
        "schedule_update",
        &[("update_at", &berlin(at))],
    )
    .await?;
    assert_eq!(scheduled.status, StatusCode::SEE_OTHER, "{}", scheduled.text);
    // Meanwhile the administrator corrects the live article.
    let fixed =
        save(&w, &admin, w.own, a.version, "Corrected headline", "own-draft", w.labor, &ids, "save", &[]).await?;
    assert_eq!(fixed.status, StatusCode::SEE_OTHER, "{}", fixed.text);
    let corrected = w.store().editable_article(w.own).await?.ok_or("article")?;

    let applied = w.store().run_due_changes(at + chrono::Duration::minutes(1)).await?;
    assert_eq!(applied.len(), 1);
    assert!(!applied[0].ok, "not applied over the correction: {}", applied[0].outcome);
    w.state.sync_changes().await;
    let public = get(&w, "/own-draft/", None).await?;
    assert!(
        public.text.contains("Corrected headline") && !public.text.contains("Scheduled headline"),
        "the correction stands"
    );
    assert_eq!(w.store().editable_article(w.own).await?.ok_or("article")?, corrected);

    let dashboard = get(&w, "/admin/", Some(&editor)).await?;
    assert!(dashboard.text.contains("Scheduled changes that did not apply"), "{}", dashboard.text);
    assert!(dashboard.text.contains("The article was edited after this update was scheduled"));
    let page = get(&w, &format!("/admin/articles/{}/", w.own), Some(&editor)).await?;
    assert!(page.text.contains("did not apply") && page.text.contains("edited after this update was scheduled"));
    assert!(
        page.text.contains("+ Headline: Scheduled headline"),
        "the scheduled text is kept, against the current one"
    );
    let change = w.store().failed_changes(w.own).await?.first().ok_or("failed change")?.id;
    let discard = format!("/admin/articles/{}/scheduled/{change}/cancel", w.own);
    assert!(page.text.contains(&discard));
    let contributor = w.login(Role::Contributor).clone();
    assert_eq!(post(&w, &discard, Some(&contributor), &[]).await?.status, StatusCode::FORBIDDEN);
    let discarded = post(&w, &discard, Some(&editor), &[]).await?;
    assert_eq!((discarded.status, discarded.location().contains("saved=discarded")), (StatusCode::SEE_OTHER, true));
    assert_eq!(w.store().failed_changes(w.own).await?, []);
    assert!(!get(&w, "/admin/", Some(&editor)).await?.text.contains("did not apply"));
    Ok(())
}

/// "Updated" dates are printed in the publication's time zone, like
/// publish dates, though admin saves are stored in UTC.
#[tokio::test]
async fn updated_dates_print_in_the_publications_zone() -> TestResult {
    let mut set = fixture();
    set.publication.timezone = "America/Santiago".into();
    let w = world_on("sqlite::memory:", set, WebConfig::default()).await?;
    let editor = w.login(Role::Editor).clone();
    let a = w.store().editable_article(w.own).await?.ok_or("article")?;
    let published = DateTime::parse_from_rfc3339("2026-03-01T10:00:00-03:00")?;
    let a = match w
        .store()
        .transition(w.own, a.version, prensa_core::Transition::Publish { at: published }, editor.user_id, Utc::now())
        .await?
    {
        prensa_core::SaveOutcome::Saved(a) => a,
        prensa_core::SaveOutcome::Conflict(_) => return Err("conflict".into()),
    };
    // Saved at 22:30 in Santiago, which is already 2 March in UTC.
    let saved_at = DateTime::parse_from_rfc3339("2026-03-02T01:30:00Z")?.with_timezone(&Utc);
    let text = ArticleDraft { headline: "Corrected".into(), ..a.draft.clone() };
    w.store().save_article(w.own, a.version, &text, editor.user_id, saved_at).await?;
    w.state.sync_changes().await;
    let page = get(&w, "/own-draft/", None).await?;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("datetime=\"2026-03-01T22:30:00-03:00\">March 1, 2026</time>"), "{}", page.text);
    assert!(page.text.contains("\"dateModified\":\"2026-03-01T22:30:00-03:00\""), "JSON-LD too");
    Ok(())
}

/// Every stage change goes through the domain's rule: a forged "publish"
/// on a live article keeps its publish date, a forged "schedule" of a live
/// article and an unknown intent are refused with nothing written.
#[tokio::test]
async fn forged_stage_changes_are_checked() -> TestResult {
    let w = world().await?;
    let editor = w.login(Role::Editor).clone();
    let pid = w.state.sites().list[0].publication.id;
    let live =
        w.store().admin_articles(pid, &prensa_core::AdminQuery { limit: 50, ..Default::default() }, Utc::now()).await?;
    let old = live.items.iter().find(|r| r.slug == "old-labor").ok_or("old-labor")?.id;
    let a = w.store().editable_article(old).await?.ok_or("article")?;
    let ids = a.draft.author_ids.clone();
    let date = a.published_at;

    let again = save(&w, &editor, old, a.version, "Headline again", "old-labor", w.labor, &ids, "publish", &[]).await?;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.text);
    let after = w.store().editable_article(old).await?.ok_or("article")?;
    assert_eq!(after.published_at, date, "the publish date is not moved");
    assert!(again.location().contains("saved=already_published"), "{}", again.location());
    assert_eq!(after.draft.headline, "Headline again", "the text is saved, as by Update");

    let later = berlin(Utc::now() + chrono::Duration::days(2));
    let hidden = save(
        &w,
        &editor,
        old,
        after.version,
        "Hidden",
        "old-labor",
        w.labor,
        &ids,
        "schedule",
        &[("publish_at", &later)],
    )
    .await?;
    assert_eq!(hidden.status, StatusCode::CONFLICT, "{}", hidden.text);
    assert!(hidden.text.contains("already published") && hidden.text.contains("Nothing was saved"), "{}", hidden.text);
    let submit = save(&w, &editor, old, after.version, "Submitted", "old-labor", w.labor, &ids, "submit", &[]).await?;
    assert_eq!(submit.status, StatusCode::CONFLICT);
    let unknown = save(&w, &editor, old, after.version, "Unknown", "old-labor", w.labor, &ids, "promote", &[]).await?;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST, "{}", unknown.text);
    let unchanged = w.store().editable_article(old).await?.ok_or("article")?;
    assert_eq!(unchanged, after, "nothing written");
    assert_eq!(get(&w, "/old-labor/", None).await?.status, StatusCode::OK, "still live");
    // Unpublishing a draft is refused too.
    let d = w.store().editable_article(w.own).await?.ok_or("article")?;
    let refused =
        save(&w, &editor, w.own, d.version, "X", "own-draft", w.labor, &d.draft.author_ids, "unpublish", &[]).await?;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert_eq!(w.store().editable_article(w.own).await?.ok_or("article")?, d);
    Ok(())
}

/// A schedule time in the hour the clocks skip gets a sentence saying so
/// (nothing written); one in the hour they repeat takes the earlier and
/// says so.
#[tokio::test]
async fn schedule_times_around_clock_changes_are_explained() -> TestResult {
    let w = world().await?;
    let editor = w.login(Role::Editor).clone();
    let d = w.store().editable_article(w.own).await?.ok_or("article")?;
    let ids = d.draft.author_ids.clone();
    // Berlin skips 02:00–03:00 on 29 March 2026 (and on 28 March 2027: a
    // time in the past is still told what is wrong with it first).
    for day in ["2026-03-29", "2027-03-28"] {
        let at = format!("{day}T02:30");
        let gap =
            save(&w, &editor, w.own, d.version, "Gap", "own-draft", w.labor, &ids, "schedule", &[("publish_at", &at)])
                .await?;
        assert_eq!(gap.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", gap.text);
        let said = format!("There is no 02:30 on {day} in Europe/Berlin: the clocks go forward that night");
        assert!(gap.text.contains(&said), "{}", gap.text);
        assert!(gap.text.contains("such as 03:30"), "{}", gap.text);
    }
    assert_eq!(w.store().editable_article(w.own).await?.ok_or("article")?, d, "nothing saved");
    // 02:30 on 31 October 2027 happens twice: the first (summer time) is taken.
    let twice = save(
        &w,
        &editor,
        w.own,
        d.version,
        "Twice",
        "own-draft",
        w.labor,
        &ids,
        "schedule",
        &[("publish_at", "2027-10-31T02:30")],
    )
    .await?;
    assert_eq!(twice.status, StatusCode::SEE_OTHER, "{}", twice.text);
    assert!(twice.location().contains("dst=earlier"), "{}", twice.location());
    let a = w.store().editable_article(w.own).await?.ok_or("article")?;
    assert_eq!(a.published_at.to_rfc3339(), "2027-10-31T02:30:00+02:00");
    let page = get(&w, twice.location(), Some(&editor)).await?;
    let text = page.text.replace("&#x2f;", "/");
    assert!(
        text.contains("happens twice in Europe/Berlin") && text.contains("the earlier of the two was taken"),
        "{text}"
    );
    Ok(())
}

/// The save and the status change are one write. Another editor's save
/// landing after this request's save and before its status change must not
/// leave a saved text behind a page saying "nothing of yours was saved".
/// A trigger stands in for that editor: when the article's row is locked
/// again (the no-op `version = version` update every write starts with)
/// after a revision with this request's text was stored, it bumps the
/// version, as a save committed in between would. With one transaction
/// there is no "again": the lock comes before the save.
#[tokio::test]
async fn a_save_with_a_status_change_is_all_or_nothing() -> TestResult {
    use sqlx::Connection;
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}", dir.path().join("site.db").display());
    let w = world_on(&url, fixture(), WebConfig::default()).await?;
    let editor = w.login(Role::Editor).clone();
    let d = w.store().editable_article(w.own).await?.ok_or("article")?;
    let mut conn = sqlx::SqliteConnection::connect(&url).await?;
    let trigger = format!(
        "CREATE TRIGGER interloper AFTER UPDATE OF version ON articles \
         WHEN NEW.id = {} AND NEW.version = OLD.version AND EXISTS (SELECT 1 FROM article_revisions r \
           WHERE r.article_id = NEW.id AND r.version = NEW.version AND r.draft LIKE '%Saved with the publish%') \
         BEGIN UPDATE articles SET version = version + 1 WHERE id = NEW.id; END",
        w.own
    );
    sqlx::query(&trigger).execute(&mut conn).await?;
    conn.close().await?;
    let answer = save(
        &w,
        &editor,
        w.own,
        d.version,
        "Saved with the publish",
        "own-draft",
        w.labor,
        &d.draft.author_ids,
        "publish",
        &[],
    )
    .await?;
    let after = w.store().editable_article(w.own).await?.ok_or("article")?;
    let text_saved = after.draft.headline == "Saved with the publish";
    match answer.status {
        StatusCode::CONFLICT => {
            assert!(answer.text.contains("nothing of yours was saved"), "{}", answer.text);
            assert!(!text_saved, "the page says nothing was saved, but the text was");
        }
        StatusCode::SEE_OTHER => {
            assert!(text_saved, "saved");
            assert_eq!(after.stage(Utc::now()), prensa_core::permissions::Stage::Published, "and published");
        }
        other => return Err(format!("unexpected {other}: {}", answer.text).into()),
    }
    Ok(())
}

// --- the network: roles per publication and translations -------------------

/// How the admin names German: in itself once a German locale is shipped,
/// else by its tag.
fn german() -> String {
    let de = prensa_render::i18n::locale("de");
    if de.lang() == "de" {
        de.name().to_owned()
    } else {
        "de".to_owned()
    }
}

/// An account of one publication works there only: the sister's admin
/// refuses it (signing in and out still work), and an administrator of one
/// publication manages that publication's staff only, while a network-wide
/// one manages everyone's.
#[tokio::test]
async fn roles_hold_per_publication() -> TestResult {
    let w = world().await?;
    let sister = w.on_sister();
    let editor_a = w.a_editor.clone();
    assert_eq!(get(&w, "/admin/", Some(&editor_a)).await?.status, StatusCode::OK);
    let refused = get(&sister, "/admin/", Some(&editor_a)).await?;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.text.contains("You have no role on this publication."), "{}", refused.text);
    let page = get(&w, "/admin/", Some(&editor_a)).await?;
    assert!(page.text.contains("editor"), "the role shown is the one here");
    // Sign-in works on the sister's host too (sessions are the account's).
    assert_eq!(try_login(&sister, "edi-a@example.org", "correct horse battery").await?.status, StatusCode::SEE_OTHER);

    // An administrator of the first publication only.
    let adm = w.store().user(w.login(Role::Administrator).user_id).await?.ok_or("adm")?;
    let local = w
        .store()
        .create_user(
            &NewUser {
                email: "local@example.org".into(),
                name: "Local".into(),
                role: Role::Administrator,
                author_id: adm.author_id,
                publication: Some(w.pid),
            },
            Utc::now(),
        )
        .await?;
    let token = new_token();
    w.store().create_session(&token.digest, local.id, Utc::now(), Utc::now() + chrono::Duration::days(1)).await?;
    let local = Login { user_id: local.id, secret: token.secret };
    let staff = get(&w, "/admin/users/", Some(&local)).await?;
    assert_eq!(staff.status, StatusCode::OK);
    assert!(staff.text.contains("edi-a@example.org") && staff.text.contains("con@example.org"), "who works here");
    assert!(!staff.text.contains("Other publications"), "the network's view is not theirs");
    // Someone of the sister only is not listed here.
    let sister_only = w
        .store()
        .create_user(
            &NewUser {
                email: "zeit@example.org".into(),
                name: "Zeit".into(),
                role: Role::Editor,
                author_id: None,
                publication: Some(w.sister.pid),
            },
            Utc::now(),
        )
        .await?;
    assert!(!get(&w, "/admin/users/", Some(&local)).await?.text.contains("zeit@example.org"));
    // Invites are for this publication only.
    let invited = post(&w, "/admin/users/", Some(&local), &[("email", "new@example.org"), ("role", "author")]).await?;
    assert_eq!(invited.status, StatusCode::OK, "{}", invited.text);
    let new = w.store().user_for_login("new@example.org").await?.ok_or("created")?.0;
    assert!(!new.network_wide);
    assert_eq!(w.store().publication_role(new.id, w.pid).await?, Some(Role::Author));
    let before = content_written(&w).await?;
    let network = post(
        &w,
        "/admin/users/",
        Some(&local),
        &[("email", "wide@example.org"), ("role", "author"), ("scope", "network")],
    )
    .await?;
    assert_eq!(network.status, StatusCode::FORBIDDEN);
    assert!(w.store().user_for_login("wide@example.org").await?.is_none(), "nothing written");
    // Nor may they touch a network-wide account, nor the sister's staff.
    let con = w.login(Role::Contributor).user_id;
    assert_eq!(
        post(&w, &format!("/admin/users/{con}/role"), Some(&local), &[("role", "editor")]).await?.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(post(&w, &format!("/admin/users/{con}/reset"), Some(&local), &[]).await?.status, StatusCode::FORBIDDEN);
    let sid = sister_only.id;
    assert_eq!(
        post(&w, &format!("/admin/users/{sid}/role"), Some(&local), &[("role", "author")]).await?.status,
        StatusCode::FORBIDDEN
    );
    let there = w.sister.pid.to_string();
    let elsewhere = post(
        &w,
        &format!("/admin/users/{}/publications", new.id),
        Some(&local),
        &[("publication", &there), ("role", "author")],
    )
    .await?;
    assert_eq!(elsewhere.status, StatusCode::FORBIDDEN);
    assert_eq!(content_written(&w).await?, before, "refusals write nothing");
    // Their own staff: roles here, and taking one away.
    let changed = post(&w, &format!("/admin/users/{}/role", new.id), Some(&local), &[("role", "editor")]).await?;
    assert_eq!(changed.status, StatusCode::OK);
    assert_eq!(w.store().publication_role(new.id, w.pid).await?, Some(Role::Editor));
    let removed = post(&w, &format!("/admin/users/{}/role", new.id), Some(&local), &[("role", "none")]).await?;
    assert!(removed.text.contains("no longer has a role"), "{}", removed.text);
    assert_eq!(w.store().publication_role(new.id, w.pid).await?, None);

    // A network-wide administrator sees every account with its roles
    // elsewhere, and gives the first publication's editor a role on the
    // sister, which opens the sister's admin to them.
    let adm = w.login(Role::Administrator).clone();
    let all = get(&w, "/admin/users/", Some(&adm)).await?;
    assert!(all.text.contains("Other publications") && all.text.contains("zeit@example.org"));
    let given = post(
        &w,
        &format!("/admin/users/{}/publications", editor_a.user_id),
        Some(&adm),
        &[("publication", &there), ("role", "author")],
    )
    .await?;
    assert_eq!(given.status, StatusCode::OK, "{}", given.text);
    assert!(given.text.contains("is now author on The zeitung"), "{}", given.text);
    assert_eq!(w.store().publication_role(editor_a.user_id, w.sister.pid).await?, Some(Role::Author));
    assert!(get(&w, "/admin/users/", Some(&adm)).await?.text.contains("The zeitung: author"));
    // The role change signed them out; signed in again, the sister's admin
    // is theirs, as an author.
    let token = new_token();
    w.store()
        .create_session(&token.digest, editor_a.user_id, Utc::now(), Utc::now() + chrono::Duration::days(1))
        .await?;
    let editor_a = Login { user_id: editor_a.user_id, secret: token.secret };
    assert_eq!(get(&sister, "/admin/", Some(&editor_a)).await?.status, StatusCode::OK);
    assert_eq!(
        get(&sister, "/admin/sections/", Some(&editor_a)).await?.status,
        StatusCode::FORBIDDEN,
        "an author there"
    );
    assert_eq!(get(&w, "/admin/sections/", Some(&editor_a)).await?.status, StatusCode::OK, "still an editor here");
    let wide = post(
        &w,
        "/admin/users/",
        Some(&adm),
        &[("email", "wide@example.org"), ("role", "editor"), ("scope", "network")],
    )
    .await?;
    assert_eq!(wide.status, StatusCode::OK);
    assert!(w.store().user_for_login("wide@example.org").await?.ok_or("created")?.0.network_wide);
    Ok(())
}

/// "Translate into…" on the editor: a linked draft in the sister, whose
/// editor (on the sister's own address) names the original.
#[tokio::test]
async fn translate_into_makes_a_linked_draft_in_the_sister() -> TestResult {
    let w = world().await?;
    let sister = w.on_sister();
    let editor = w.login(Role::Editor).clone();
    let page = get(&w, &format!("/admin/articles/{}/", w.own), Some(&editor)).await?;
    let german = german();
    assert!(
        page.text.contains("Translate into…") && page.text.contains(&format!("{german} · The zeitung")),
        "{}",
        page.text
    );
    // An editor of this publication only has no role there: no button,
    // and the request is refused with nothing written.
    let local = w.a_editor.clone();
    let theirs = get(&w, &format!("/admin/articles/{}/", w.own), Some(&local)).await?;
    assert_eq!(theirs.status, StatusCode::OK);
    assert!(!theirs.text.contains("Translate into…"));
    let there = w.sister.pid.to_string();
    let path = format!("/admin/articles/{}/translate", w.own);
    let before = content_written(&w).await?;
    let refused = post(&w, &path, Some(&local), &[("publication", &there)]).await?;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.text.contains("you have no role on that publication"), "{}", refused.text);
    assert_eq!(content_written(&w).await?, before);
    assert_eq!(
        post(&w, &path, Some(&editor), &[("publication", &there), ("csrf", "forged")]).await?.status,
        StatusCode::FORBIDDEN
    );

    let made = post(&w, &path, Some(&editor), &[("publication", &there)]).await?;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.text);
    let prefix = format!("http://{SISTER_HOST}/admin/articles/");
    assert!(made.location().starts_with(&prefix), "to the draft's editor on the sister: {}", made.location());
    let id: i64 = made.location()[prefix.len()..].split('/').next().ok_or("id")?.parse()?;
    let draft = w.store().editable_article(id).await?.ok_or("made")?;
    assert_eq!(draft.publication_id, w.sister.pid);
    assert_eq!(draft.draft.headline, "Draft own-draft");
    assert_eq!(draft.draft.slug, "own-draft-de", "the sister has an own-draft already");
    let editor_there = get(&sister, &format!("/admin/articles/{id}/?saved=translation"), Some(&editor)).await?;
    assert_eq!(editor_there.status, StatusCode::OK);
    assert!(editor_there.text.contains("Translation started"), "{}", editor_there.text);
    assert!(editor_there.text.contains("Translated from English"), "{}", editor_there.text);
    let original_link = format!("http:&#x2f;&#x2f;localhost:8080&#x2f;admin&#x2f;articles&#x2f;{}&#x2f;", w.own);
    assert!(
        editor_there.text.contains(&original_link)
            || editor_there.text.contains(&format!("http://localhost:8080/admin/articles/{}/", w.own)),
        "links to the original's editor"
    );
    // No second German version; and the original lists it.
    let again = post(&w, &path, Some(&editor), &[("publication", &there)]).await?;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.text.contains("already has a version"));
    let page = get(&w, &format!("/admin/articles/{}/", w.own), Some(&editor)).await?;
    assert!(
        page.text.contains(&format!("{german}</a> · The zeitung")) && !page.text.contains("Translate into…"),
        "{}",
        page.text
    );
    Ok(())
}

/// Each publication's queue: its sisters' published articles with no
/// version in its language, newest first, by language, with "Translate".
#[tokio::test]
async fn the_translation_queue_lists_and_translates() -> TestResult {
    let w = world().await?;
    let sister = w.on_sister();
    let editor = w.login(Role::Editor).clone();
    let queue = get(&sister, "/admin/translations/", Some(&editor)).await?;
    assert_eq!(queue.status, StatusCode::OK);
    assert!(queue.text.contains("From our sister sites, not yet translated"));
    // The first publication's published articles, not its drafts.
    let (older, newer) = (queue.text.find("Headline old-labor"), queue.text.find("Headline old-culture"));
    assert!(older.is_some() && newer.is_some(), "{}", queue.text);
    assert!(!queue.text.contains("Draft own-draft"), "drafts are not offered");
    assert!(queue.text.contains("English") && queue.text.contains("The meridian"));
    assert!(get(&sister, "/admin/translations/?lang=en", Some(&editor)).await?.text.contains("Headline old-labor"));
    assert!(
        get(&w, "/admin/", Some(&editor)).await?.text.contains("/admin/translations/"),
        "linked from the dashboard"
    );
    // Nothing from the sister's own articles on its queue; the first
    // publication's queue has the sister's.
    assert!(!queue.text.contains("own-draft"));
    let first = get(&w, "/admin/translations/", Some(&editor)).await?;
    assert!(
        first.text.contains(&format!(">{}</td>", german())) && first.text.contains("Headline old-labor"),
        "{}",
        first.text
    );

    // "Translate" from the queue: into the sister, from its admin.
    let pid = w.pid;
    let a =
        w.store().admin_articles(pid, &prensa_core::AdminQuery { limit: 50, ..Default::default() }, Utc::now()).await?;
    let labor = a.items.iter().find(|r| r.slug == "old-labor").ok_or("old-labor")?.id;
    let here = w.sister.pid.to_string();
    let made =
        post(&sister, &format!("/admin/articles/{labor}/translate"), Some(&editor), &[("publication", &here)]).await?;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.text);
    assert!(made.location().starts_with(&format!("http://{SISTER_HOST}/admin/articles/")));
    let queue = get(&sister, "/admin/translations/", Some(&editor)).await?;
    assert!(
        !queue.text.contains("Headline old-labor") && queue.text.contains("Headline old-culture"),
        "translated: gone"
    );
    // A draft of a sister is not translatable from elsewhere: not found.
    let own = w.own;
    assert_eq!(
        post(&sister, &format!("/admin/articles/{own}/translate"), Some(&editor), &[("publication", &here)])
            .await?
            .status,
        StatusCode::NOT_FOUND
    );
    Ok(())
}

/// A translation's editor says when its original changed, with the diff,
/// until it is marked up to date.
#[tokio::test]
async fn a_changed_original_is_shown_until_marked_up_to_date() -> TestResult {
    let w = world().await?;
    let sister = w.on_sister();
    let editor = w.login(Role::Editor).clone();
    let there = w.sister.pid.to_string();
    let made =
        post(&w, &format!("/admin/articles/{}/translate", w.own), Some(&editor), &[("publication", &there)]).await?;
    let id: i64 = made.location().rsplit("/articles/").next().and_then(|s| s.split('/').next()).ok_or("id")?.parse()?;
    let path = format!("/admin/articles/{id}/");
    assert!(!get(&sister, &path, Some(&editor)).await?.text.contains("The original changed"));
    // The original is edited (the old body against a new one, with markup
    // that must stay text).
    let original = w.store().editable_article(w.own).await?.ok_or("original")?;
    let mut changed = original.draft.clone();
    changed.body = "A <script>alert(1)</script> paragraph.".into();
    w.store().save_article(w.own, original.version, &changed, editor.user_id, Utc::now()).await?;
    let page = get(&sister, &path, Some(&editor)).await?;
    assert!(page.text.contains("The original changed since this translation"), "{}", page.text);
    assert!(page.text.contains("<span class=\"del\">− Body</span>"), "{}", page.text);
    assert!(page.text.contains("+ A &lt;script&gt;alert(1)&lt;&#x2f;script&gt; paragraph."), "{}", page.text);
    assert!(!page.text.contains("<script>alert"));
    assert!(page.text.contains("Mark as up to date"));
    let mark = format!("/admin/articles/{id}/translation/current");
    assert_eq!(post(&sister, &mark, Some(&editor), &[("csrf", "forged")]).await?.status, StatusCode::FORBIDDEN);
    assert!(w.store().translation_state(id).await?.ok_or("state")?.original_changed(), "a forged form changes nothing");
    // Only from the translation's own publication.
    assert_eq!(post(&w, &mark, Some(&editor), &[]).await?.status, StatusCode::NOT_FOUND);
    let done = post(&sister, &mark, Some(&editor), &[]).await?;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert!(done.location().contains("saved=up-to-date"));
    let page = get(&sister, &path, Some(&editor)).await?;
    assert!(
        !page.text.contains("The original changed") && page.text.contains("up to date with the original"),
        "{}",
        page.text
    );
    Ok(())
}

/// Issue 14: the section silently defaulted to the first one, and an
/// article went live in the wrong section. A new article has none until
/// one is chosen; saving without one is refused and writes nothing.
#[tokio::test]
async fn a_new_article_has_no_section_until_one_is_chosen() -> TestResult {
    let w = world().await?;
    let editor = w.login(Role::Editor).clone();
    let page = get(&w, "/admin/articles/new", Some(&editor)).await?;
    assert!(page.text.contains("<select id=\"section\" name=\"section\" required>"), "{}", page.text);
    assert!(page.text.contains("<option value=\"\" selected>Choose a section…</option>"), "{}", page.text);
    let pid = w.state.sites().list[0].publication.id;
    let count = |w: &World| {
        let store = w.store().clone();
        async move {
            Ok::<_, Box<dyn std::error::Error>>(
                store
                    .admin_articles(pid, &prensa_core::AdminQuery { limit: 0, ..Default::default() }, Utc::now())
                    .await?
                    .total,
            )
        }
    };
    let before = count(&w).await?;
    let ids = w.store().editable_article(w.own).await?.ok_or("article")?.draft.author_ids;
    let refused = save_to(&w, &editor, "/admin/articles/new", 0, "No section", "no-section", 0, &ids, &[]).await?;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.text);
    assert!(refused.text.contains("choose a section"), "{}", refused.text);
    assert!(
        refused.text.contains("<option value=\"\" selected>Choose a section…</option>"),
        "sent back still unchosen"
    );
    assert_eq!(count(&w).await?, before, "nothing was created");
    let made =
        save_to(&w, &editor, "/admin/articles/new", 0, "With section", "with-section", w.labor, &ids, &[]).await?;
    assert!(made.status.is_redirection() || made.status == StatusCode::OK, "{}", made.status);
    assert_eq!(count(&w).await?, before + 1);
    Ok(())
}

/// The rich editor uploads with `Accept: application/json` (issue 14,
/// images in the text): the same checks as the form, answered as JSON —
/// the stored image's key, URL and size, or the refusal's message with
/// the same status.
#[tokio::test]
async fn editor_uploads_are_answered_in_json() -> TestResult {
    let w = world().await?;
    let author = w.login(Role::Author).clone();
    let json_upload = |csrf: String, name: &'static str, bytes: Vec<u8>| {
        let boundary = "XBOUNDARYX";
        let mut body = Vec::new();
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n").as_bytes(),
        );
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: image/png\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(&bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        builder("POST", "/admin/media/", Some(&author))
            .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
            .header(header::ACCEPT, "application/json")
            .body(Body::from(body))
    };
    let before = w.store().media_list(100, 0).await?.total;

    let ok = send(&w.router, json_upload(author.csrf(), "quay.png", png(700, 300))?).await?;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    assert_eq!(ok.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()), Some("application/json"));
    let reply: serde_json::Value = serde_json::from_str(&ok.text)?;
    let key = reply["key"].as_str().ok_or("key")?;
    assert_eq!(reply["url"], format!("/media/{key}"));
    assert_eq!(
        (reply["width"].as_u64(), reply["height"].as_u64(), reply["name"].as_str()),
        (Some(700), Some(300), Some("quay.png"))
    );
    assert_eq!(w.store().media_list(100, 0).await?.total, before + 1);

    for (csrf, name, bytes, status, message) in [
        ("forged".to_owned(), "a.png", png(4, 4), StatusCode::FORBIDDEN, "did not come from this site"),
        (
            author.csrf(),
            "notes.png",
            b"just text".to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "notes.png was not stored",
        ),
        (author.csrf(), "empty.png", Vec::new(), StatusCode::UNPROCESSABLE_ENTITY, "Choose a file"),
    ] {
        let refused = send(&w.router, json_upload(csrf, name, bytes)?).await?;
        assert_eq!(refused.status, status, "{name}: {}", refused.text);
        let reply: serde_json::Value = serde_json::from_str(&refused.text)?;
        let text = reply["error"]["message"].as_str().ok_or("message")?;
        assert!(text.contains(message), "{name}: {text}");
    }
    assert_eq!(w.store().media_list(100, 0).await?.total, before + 1, "nothing else stored");
    Ok(())
}
