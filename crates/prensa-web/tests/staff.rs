//! Staff from invite to departure (issue 14) through the real router
//! (`oneshot`), on SQLite in memory: inviting with a new author profile,
//! linking a profile, deactivating and reactivating, the trash and its
//! public URLs, review-note replies, and the CSRF token on every new form.
//! (The role × route matrix in `admin.rs` covers each new route's roles.)

use std::sync::Arc;

use axum::body::Body;
use axum::Router;
use chrono::{DateTime, Utc};
use http::{header, Request, StatusCode};
use prensa_auth::new_token;
use prensa_core::permissions::Role;
use prensa_core::{
    ImportSet, NewArticle, NewAuthor, NewPublication, NewSection, NewUser, PublicationSettings, SocialLinks, Status,
};
use prensa_store::{Editorial, Newsroom, SqliteStore, Staffing, Store};
use prensa_test_support::web;
use prensa_web::admin::session::csrf_for;
use prensa_web::{AppState, WebConfig};
use tower::ServiceExt;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

const PASSWORD: &str = "correct horse battery";

fn fixture() -> Res<ImportSet> {
    let author = |slug: &str| NewAuthor {
        slug: slug.into(),
        name: format!("Name {slug}"),
        bio: "Bio".into(),
        avatar: None,
        social: SocialLinks::default(),
    };
    Ok(ImportSet {
        publication: NewPublication {
            slug: "meridian".into(),
            name: "The Meridian".into(),
            tagline: "Tag".into(),
            language: "en".into(),
            base_url: "http://localhost:8080".into(),
            timezone: "UTC".into(),
            social: SocialLinks::default(),
            settings: PublicationSettings::default(),
            api_cors_origins: Vec::new(),
        },
        media: vec![],
        authors: ["con", "edi", "adm"].into_iter().map(author).collect(),
        sections: vec![NewSection { slug: "labor".into(), name: "Labor".into(), description: "Work".into() }],
        articles: vec![NewArticle {
            slug: "live-piece".into(),
            headline: "A live piece".into(),
            standfirst: "S".into(),
            body: "Body.".into(),
            toc: false,
            authors: vec!["con".into()],
            section: "labor".into(),
            tags: vec![],
            image: None,
            status: Status::Published,
            published_at: DateTime::parse_from_rfc3339("2026-01-02T10:00:00+01:00")?,
            updated_at: None,
            translation_group: None,
        }],
    })
}

#[derive(Clone)]
struct Login {
    user_id: i64,
    secret: String,
}

struct World {
    state: Arc<AppState<SqliteStore>>,
    router: Router,
    con: Login,
    edi: Login,
    adm: Login,
    pid: i64,
    labor: i64,
    live: i64,
    _media: tempfile::TempDir,
}

impl World {
    fn store(&self) -> &SqliteStore {
        &self.state.store
    }
}

async fn world() -> Res<World> {
    let site = web::site_on(SqliteStore::open("sqlite::memory:").await?, &fixture()?, WebConfig::default()).await?;
    let web::Site { store, state, router, pid, media } = site;
    let author = |slug: &'static str| {
        let store = store.clone();
        async move { Ok::<_, Box<dyn std::error::Error>>(store.author_by_slug(pid, slug).await?.ok_or("author")?.id) }
    };
    let mut logins = Vec::new();
    for (role, slug) in [(Role::Contributor, "con"), (Role::Editor, "edi"), (Role::Administrator, "adm")] {
        let new = NewUser {
            email: format!("{slug}@example.org"),
            name: format!("Name {slug}"),
            role,
            author_id: Some(author(slug).await?),
            publication: Some(pid),
        };
        let (user_id, secret) = web::sign_in_with_password(&store, &new, PASSWORD).await?;
        logins.push(Login { user_id, secret });
    }
    let labor = store.sections(pid).await?[0].id;
    let live = store
        .admin_articles(pid, &prensa_core::AdminQuery { limit: 10, ..Default::default() }, Utc::now())
        .await?
        .items[0]
        .id;
    state.sync_changes().await;
    let [con, edi, adm]: [Login; 3] = logins.try_into().map_err(|_| "three logins")?;
    Ok(World { router, state, con, edi, adm, pid, labor, live, _media: media })
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
}

async fn send(w: &World, req: Request<Body>) -> Res<Answer> {
    let res = w.router.clone().oneshot(req).await?;
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX).await?;
    Ok(Answer { status, headers, text: String::from_utf8_lossy(&bytes).into_owned() })
}

fn builder(method: &str, path: &str, cookie: Option<String>) -> http::request::Builder {
    let b = Request::builder().method(method).uri(path).header(header::HOST, "localhost:8080");
    match cookie {
        Some(c) => b.header(header::COOKIE, c),
        None => b,
    }
}

async fn get(w: &World, path: &str, login: Option<&Login>) -> Res<Answer> {
    send(w, builder("GET", path, login.map(|l| format!("prensa_session={}", l.secret))).body(Body::empty())?).await
}

/// A form post with the session's CSRF token (unless `fields` has one).
async fn post(w: &World, path: &str, login: &Login, fields: &[(&str, &str)]) -> Res<Answer> {
    let mut body = form_urlencoded::Serializer::new(String::new());
    if !fields.iter().any(|(k, _)| *k == "csrf") {
        body.append_pair("csrf", &csrf_for(&login.secret));
    }
    for (k, v) in fields {
        body.append_pair(k, v);
    }
    let req = builder("POST", path, Some(format!("prensa_session={}", login.secret)))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body.finish()))?;
    send(w, req).await
}

/// Signs in through the login form, as a browser does.
async fn sign_in(w: &World, email: &str, password: &str) -> Res<Answer> {
    let page = get(w, "/admin/login", None).await?;
    let cookie = page
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("prensa_login="))
        .ok_or("login cookie")?
        .split(';')
        .next()
        .ok_or("cookie")?
        .to_owned();
    let csrf = cookie.trim_start_matches("prensa_login=").to_owned();
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("csrf", &csrf)
        .append_pair("email", email)
        .append_pair("password", password)
        .append_pair("next", "/admin/")
        .finish();
    let mut req = builder("POST", "/admin/login", Some(cookie))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))?;
    req.extensions_mut().insert(axum::extract::ConnectInfo(std::net::SocketAddr::from(([203, 0, 113, 9], 40000))));
    send(w, req).await
}

/// A new draft by `login` under `author`'s byline, through the editor.
async fn write_draft(w: &World, login: &Login, author: i64, slug: &str) -> Res<Answer> {
    let (section, author) = (w.labor.to_string(), author.to_string());
    let fields = [
        ("headline", "A first piece"),
        ("standfirst", "S"),
        ("body", "Words."),
        ("slug", slug),
        ("version", "0"),
        ("intent", "save"),
        ("section", section.as_str()),
        ("author", author.as_str()),
    ];
    post(w, "/admin/articles/new", login, &fields).await
}

#[tokio::test]
async fn an_invited_contributor_writes_as_a_new_profile_at_once() -> Res<()> {
    let w = world().await?;
    let invite = [
        ("email", "cora@example.org"),
        ("name", "Cora Ames"),
        ("role", "contributor"),
        ("writes_as", "new"),
        ("profile_name", ""),
        ("profile_slug", ""),
    ];
    let page = post(&w, "/admin/users/", &w.adm, &invite).await?;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(page.text.contains("Invited cora@example.org as contributor"), "{}", page.text);
    let (cora, _) = w.store().user_for_login("cora@example.org").await?.ok_or("account")?;
    let profile = w.store().author_by_slug(w.pid, "cora-ames").await?.ok_or("profile from the name")?;
    assert_eq!((cora.author_id, profile.name.as_str()), (Some(profile.id), "Cora Ames"));

    // Her first request, right after accepting: a draft saves.
    let token = new_token();
    w.store().set_password(cora.id, "hash").await?;
    w.store().create_session(&token.digest, cora.id, Utc::now(), Utc::now() + chrono::Duration::hours(1)).await?;
    let cora_login = Login { user_id: cora.id, secret: token.secret };
    let saved = write_draft(&w, &cora_login, profile.id, "coras-first").await?;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    assert!(saved.location().starts_with("/admin/articles/"), "{}", saved.location());
    assert_eq!(cora_login.user_id, cora.id);

    // A bad slug, or a taken one: refused with the reason, nothing written.
    for (slug, why) in [("Not A Slug", "cannot be a profile"), ("con", "already has the slug `con`")] {
        let bad = [
            ("email", "dan@example.org"),
            ("role", "contributor"),
            ("writes_as", "new"),
            ("profile_name", "Dan"),
            ("profile_slug", slug),
        ];
        let refused = post(&w, "/admin/users/", &w.adm, &bad).await?;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.text.contains(why), "{}", refused.text);
        assert_eq!(w.store().user_for_login("dan@example.org").await?, None);
    }
    // An existing profile, chosen.
    let con_profile = w.store().author_by_slug(w.pid, "con").await?.ok_or("con")?.id.to_string();
    let existing =
        [("email", "eve@example.org"), ("role", "author"), ("writes_as", "existing"), ("author", con_profile.as_str())];
    assert_eq!(post(&w, "/admin/users/", &w.adm, &existing).await?.status, StatusCode::OK);
    let (eve, _) = w.store().user_for_login("eve@example.org").await?.ok_or("eve")?;
    assert_eq!(eve.author_id.map(|a| a.to_string()), Some(con_profile.clone()));

    // Linked later: an account without a profile gets one.
    let none = [("email", "fay@example.org"), ("role", "contributor"), ("writes_as", "none")];
    assert_eq!(post(&w, "/admin/users/", &w.adm, &none).await?.status, StatusCode::OK);
    let (fay, _) = w.store().user_for_login("fay@example.org").await?.ok_or("fay")?;
    assert_eq!(fay.author_id, None);
    let linked = post(&w, &format!("/admin/users/{}/author", fay.id), &w.adm, &[("author", &con_profile)]).await?;
    assert_eq!(linked.status, StatusCode::OK, "{}", linked.text);
    assert_eq!(w.store().user(fay.id).await?.and_then(|u| u.author_id).map(|a| a.to_string()), Some(con_profile));
    let editors_may_not = post(&w, &format!("/admin/users/{}/author", fay.id), &w.edi, &[("author", "")]).await?;
    assert_eq!(editors_may_not.status, StatusCode::FORBIDDEN);
    Ok(())
}

#[tokio::test]
async fn a_deactivated_account_is_signed_out_and_refused() -> Res<()> {
    let w = world().await?;
    assert_eq!(get(&w, "/admin/", Some(&w.edi)).await?.status, StatusCode::OK);
    let path = format!("/admin/users/{}/active", w.edi.user_id);
    let page = post(&w, &path, &w.adm, &[("active", "0")]).await?;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(page.text.contains("signed out everywhere") && page.text.contains("address stays taken"), "{}", page.text);
    // The open session is gone at its next request.
    let next = get(&w, "/admin/", Some(&w.edi)).await?;
    assert!(
        next.status.is_redirection() && next.location().starts_with("/admin/login"),
        "{} {}",
        next.status,
        next.location()
    );
    // The right password is refused, saying why.
    let refused = sign_in(&w, "edi@example.org", PASSWORD).await?;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.text.contains("This account has been deactivated"), "{}", refused.text);
    // A wrong one says nothing of the kind.
    let wrong = sign_in(&w, "edi@example.org", "not the password").await?;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(!wrong.text.contains("deactivated"));
    let users = get(&w, "/admin/users/", Some(&w.adm)).await?;
    assert!(users.text.contains("deactivated") && users.text.contains("Reactivate"), "{}", users.text);

    // Nobody deactivates themself; nor the last administrator.
    let own = post(&w, &format!("/admin/users/{}/active", w.adm.user_id), &w.adm, &[("active", "0")]).await?;
    assert_eq!(own.status, StatusCode::FORBIDDEN);
    assert!(own.text.contains("cannot deactivate your own account"), "{}", own.text);
    // Editors may not deactivate anyone.
    let by_editor = post(&w, &format!("/admin/users/{}/active", w.con.user_id), &w.edi, &[("active", "0")]).await?;
    assert!(by_editor.status == StatusCode::FORBIDDEN || by_editor.status.is_redirection(), "{}", by_editor.status);
    assert!(w.store().user(w.con.user_id).await?.ok_or("con")?.is_active());

    // Reactivated: the same password works again.
    assert_eq!(post(&w, &path, &w.adm, &[("active", "1")]).await?.status, StatusCode::OK);
    let back = sign_in(&w, "edi@example.org", PASSWORD).await?;
    assert_eq!(back.status, StatusCode::SEE_OTHER, "{}", back.text);
    Ok(())
}

#[tokio::test]
async fn a_trashed_article_leaves_the_site_and_comes_back_from_the_trash() -> Res<()> {
    let w = world().await?;
    let public = get(&w, "/live-piece/", None).await?;
    assert_eq!(public.status, StatusCode::OK, "cached now");
    // Its contributor may not delete a published article.
    let by_contributor = post(&w, &format!("/admin/articles/{}/trash", w.live), &w.con, &[]).await?;
    assert_eq!(by_contributor.status, StatusCode::FORBIDDEN);
    assert_eq!(w.store().trashed_at(w.live).await?, None);

    let revisions = w.store().revisions(w.live).await?.len();
    let trashed = post(&w, &format!("/admin/articles/{}/trash", w.live), &w.edi, &[]).await?;
    assert_eq!((trashed.status, trashed.location()), (StatusCode::SEE_OTHER, "/admin/trash/?done=trashed"));
    assert_eq!(get(&w, "/live-piece/", None).await?.status, StatusCode::NOT_FOUND, "gone at once (cache purged)");
    assert!(!get(&w, "/", None).await?.text.contains("A live piece"), "and from the home page");
    let list = get(&w, "/admin/articles/", Some(&w.edi)).await?;
    assert!(!list.text.contains("A live piece"), "not among the articles");
    let trash = get(&w, "/admin/trash/?done=trashed", Some(&w.edi)).await?;
    assert!(trash.text.contains("A live piece") && trash.text.contains("Moved to the trash"), "{}", trash.text);
    assert!(
        !get(&w, "/admin/trash/", Some(&w.con)).await?.text.contains("A live piece"),
        "had been published: editors restore it"
    );
    let editor_page = get(&w, &format!("/admin/articles/{}/", w.live), Some(&w.edi)).await?;
    assert_eq!(editor_page.status, StatusCode::NOT_FOUND);
    assert!(editor_page.text.contains("in the trash"), "{}", editor_page.text);

    let restored = post(&w, &format!("/admin/trash/{}/restore", w.live), &w.edi, &[]).await?;
    assert_eq!(restored.status, StatusCode::SEE_OTHER);
    assert_eq!(restored.location(), format!("/admin/articles/{}/?saved=untrashed", w.live));
    let back = get(&w, restored.location(), Some(&w.edi)).await?;
    assert!(back.text.contains("Restored from the trash"), "{}", back.text);
    assert_eq!(w.store().revisions(w.live).await?.len(), revisions, "with its revisions");
    assert_eq!(get(&w, "/live-piece/", None).await?.status, StatusCode::NOT_FOUND, "back as unpublished, not live");

    // A contributor's own never-published draft: hers to trash and restore,
    // not to delete forever.
    let con_author = w.store().user(w.con.user_id).await?.and_then(|u| u.author_id).ok_or("profile")?;
    let made = write_draft(&w, &w.con, con_author, "mine-to-drop").await?;
    let id: i64 = made.location().split('/').nth(3).ok_or("id")?.parse()?;
    assert_eq!(post(&w, &format!("/admin/articles/{id}/trash"), &w.con, &[]).await?.status, StatusCode::SEE_OTHER);
    assert!(get(&w, "/admin/trash/", Some(&w.con)).await?.text.contains("A first piece"));
    let forever = post(&w, &format!("/admin/trash/{id}/delete"), &w.con, &[("confirm", "1")]).await?;
    assert_eq!(forever.status, StatusCode::FORBIDDEN);
    let unconfirmed = post(&w, &format!("/admin/trash/{id}/delete"), &w.edi, &[]).await?;
    assert_eq!(unconfirmed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(w.store().trashed_at(id).await?.is_some(), "nothing deleted");
    let deleted = post(&w, &format!("/admin/trash/{id}/delete"), &w.edi, &[("confirm", "1")]).await?;
    assert_eq!((deleted.status, deleted.location()), (StatusCode::SEE_OTHER, "/admin/trash/?done=deleted"));
    assert_eq!(w.store().editable_article(id).await?, None);
    Ok(())
}

#[tokio::test]
async fn contributors_reply_to_review_notes_and_editors_resolve_them() -> Res<()> {
    let w = world().await?;
    let con_author = w.store().user(w.con.user_id).await?.and_then(|u| u.author_id).ok_or("profile")?;
    let made = write_draft(&w, &w.con, con_author, "noted-draft").await?;
    let id: i64 = made.location().split('/').nth(3).ok_or("id")?.parse()?;
    assert_eq!(
        post(&w, &format!("/admin/articles/{id}/notes"), &w.edi, &[("note", "Source for <b>this</b>?")]).await?.status,
        StatusCode::SEE_OTHER
    );
    let note = w.store().notes(id).await?[0].id;

    let dashboard = get(&w, "/admin/", Some(&w.con)).await?;
    assert!(dashboard.text.contains("You have 1 open review note"), "{}", dashboard.text);
    // The template escapes `/` inside attributes; browsers read it back.
    assert!(
        dashboard.text.replace("&#x2f;", "/").contains(&format!("/admin/articles/{id}/#notes")),
        "{}",
        dashboard.text
    );
    assert!(!get(&w, "/admin/", Some(&w.adm)).await?.text.contains("open review note"), "not on others' dashboards");

    let reply_path = format!("/admin/articles/{id}/notes/{note}/reply");
    let replied = post(&w, &reply_path, &w.con, &[("reply", "The <i>census</i>, 2024.")]).await?;
    assert_eq!(replied.status, StatusCode::SEE_OTHER, "{}", replied.text);
    assert_eq!(replied.location(), format!("/admin/articles/{id}/?saved=reply#note-{note}"));
    let page = get(&w, &format!("/admin/articles/{id}/"), Some(&w.edi)).await?;
    assert!(
        page.text.contains("The &lt;i&gt;census&lt;&#x2f;i&gt;, 2024.")
            || page.text.contains("The &lt;i&gt;census&lt;/i&gt;, 2024."),
        "escaped reply shown"
    );
    assert!(!page.text.contains("<i>census"));
    let empty = post(&w, &reply_path, &w.con, &[("reply", "  ")]).await?;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Someone else's article: no.
    let other = post(&w, &format!("/admin/articles/{}/notes/{note}/reply", w.live), &w.edi, &[("reply", "x")]).await?;
    assert_eq!(other.status, StatusCode::NOT_FOUND);

    let resolve = format!("/admin/articles/{id}/notes/{note}/resolve");
    assert_eq!(post(&w, &resolve, &w.con, &[]).await?.status, StatusCode::FORBIDDEN, "editors resolve");
    assert_eq!(post(&w, &resolve, &w.edi, &[]).await?.status, StatusCode::SEE_OTHER);
    assert!(w.store().notes(id).await?.iter().all(|n| !n.is_open()), "the whole thread");
    assert!(!get(&w, "/admin/", Some(&w.con)).await?.text.contains("open review note"));
    let late = post(&w, &reply_path, &w.con, &[("reply", "One more")]).await?;
    assert_eq!(late.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(late.text.contains("resolved"), "{}", late.text);
    Ok(())
}

/// Every new form refuses a request without the session's CSRF token, and
/// writes nothing.
#[tokio::test]
async fn every_new_form_needs_the_csrf_token() -> Res<()> {
    let w = world().await?;
    let note = w.store().add_note(w.live, w.edi.user_id, "Note", Utc::now()).await?.id;
    let forms: Vec<(String, Vec<(&str, &str)>)> = vec![
        ("/admin/users/".into(), vec![("email", "x@example.org"), ("role", "author"), ("writes_as", "none")]),
        (format!("/admin/users/{}/author", w.con.user_id), vec![("author", "")]),
        (format!("/admin/users/{}/active", w.con.user_id), vec![("active", "0")]),
        (format!("/admin/articles/{}/notes/{note}/reply", w.live), vec![("reply", "Forged")]),
        (format!("/admin/articles/{}/trash", w.live), vec![]),
        (format!("/admin/trash/{}/restore", w.live), vec![]),
        (format!("/admin/trash/{}/delete", w.live), vec![("confirm", "1")]),
    ];
    let before = (w.store().content_version().await?, w.store().users().await?, w.store().notes(w.live).await?.len());
    for (path, fields) in &forms {
        for csrf in ["forged", ""] {
            let mut f = fields.clone();
            f.push(("csrf", csrf));
            let answer = post(&w, path, &w.adm, &f).await?;
            assert_eq!(answer.status, StatusCode::FORBIDDEN, "{path} with csrf={csrf:?}");
        }
    }
    let after = (w.store().content_version().await?, w.store().users().await?, w.store().notes(w.live).await?.len());
    assert_eq!(before, after, "nothing written");
    assert_eq!(w.store().trashed_at(w.live).await?, None);
    Ok(())
}
