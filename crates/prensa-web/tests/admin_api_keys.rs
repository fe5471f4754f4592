//! The settings page's Content API part through the real router, on SQLite
//! and PostgreSQL, for a publication under a path prefix (`/de/`): a key
//! is shown once, in the answer to making it, and works at once on this
//! node; revoking asks first; editors are refused and a forged CSRF token
//! writes nothing; the CORS origins are checked and reach the publication.

use std::sync::Arc;

use axum::body::Body;
use axum::Router;
use http::{header, Request, StatusCode};
use prensa_core::permissions::Role;
use prensa_core::{ImportSet, NewPublication, NewSection, PublicationSettings, SocialLinks};
use prensa_store::{AnyStore, ApiKeys, Store};
use prensa_test_support::{on_every_backend, web};
use prensa_web::admin::session::csrf_for;
use prensa_web::{AppState, KeyVerdict};
use tower::ServiceExt;

type TestResult = Result<(), Box<dyn std::error::Error>>;
type Res<T> = Result<T, Box<dyn std::error::Error>>;

struct World {
    state: Arc<AppState<AnyStore>>,
    router: Router,
    pid: i64,
    admin: String,
    editor: String,
    _media: tempfile::TempDir,
}

struct Answer {
    status: StatusCode,
    location: String,
    text: String,
}

async fn world(url: &str) -> Res<World> {
    let set = ImportSet {
        publication: NewPublication {
            slug: "zeitung".into(),
            name: "Die Zeitung".into(),
            tagline: String::new(),
            language: "de".into(),
            base_url: "http://localhost:8080/de".into(),
            timezone: "UTC".into(),
            social: SocialLinks::default(),
            settings: PublicationSettings::default(),
            api_cors_origins: Vec::new(),
        },
        media: vec![],
        authors: vec![],
        sections: vec![NewSection { slug: "politik".into(), name: "Politik".into(), description: String::new() }],
        articles: vec![],
    };
    let site = web::site(url, &set).await?;
    let admin = web::sign_in(&site.store, Role::Administrator, "admin@example.org").await?;
    let editor = web::sign_in(&site.store, Role::Editor, "editor@example.org").await?;
    Ok(World { router: site.router, state: site.state, pid: site.pid, admin, editor, _media: site.media })
}

async fn send(w: &World, req: Request<Body>) -> Res<Answer> {
    let res = w.router.clone().oneshot(req).await?;
    let status = res.status();
    let location = res.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX).await?;
    // The templates' escaper writes `/` as `&#x2f;`; read it back as typed.
    Ok(Answer { status, location, text: String::from_utf8_lossy(&bytes).replace("&#x2f;", "/") })
}

async fn get(w: &World, path: &str, session: &str) -> Res<Answer> {
    let req = Request::builder()
        .uri(path)
        .header(header::HOST, "localhost:8080")
        .header(header::COOKIE, format!("prensa_session={session}"))
        .body(Body::empty())?;
    send(w, req).await
}

/// A form post with the session's CSRF token unless `fields` has one.
async fn post(w: &World, path: &str, session: &str, fields: &[(&str, &str)]) -> Res<Answer> {
    let mut body = form_urlencoded::Serializer::new(String::new());
    if !fields.iter().any(|(k, _)| *k == "csrf") {
        body.append_pair("csrf", &csrf_for(session));
    }
    for (k, v) in fields {
        body.append_pair(k, v);
    }
    let req = Request::builder()
        .method("POST")
        .uri(path)
        .header(header::HOST, "localhost:8080")
        .header(header::COOKIE, format!("prensa_session={session}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body.finish()))?;
    send(w, req).await
}

/// The key in the page's copy field.
fn shown_key(html: &str) -> Option<String> {
    let at = html.find(r#"id="new-key" value=""#)? + r#"id="new-key" value=""#.len();
    Some(html[at..].chars().take_while(|c| *c != '"').collect())
}

async fn keys_are_made_once_revoked_after_asking_and_admin_only(url: &str) -> TestResult {
    let w = world(url).await?;
    let page = get(&w, "/de/admin/settings", &w.admin).await?;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(page.text.contains("Content API keys") && page.text.contains("No keys yet."), "{}", page.text);
    assert!(page.text.contains(r#"action="/de/admin/settings/api-keys""#), "forms post under the prefix");

    // Made: shown once, working at once on this node.
    let made = post(&w, "/de/admin/settings/api-keys", &w.admin, &[("name", "  Newsletter  ")]).await?;
    assert_eq!(made.status, StatusCode::OK, "{}", made.text);
    let key = shown_key(&made.text).ok_or("the key is shown")?;
    assert!(key.starts_with("prensa_") && key.len() == 50, "{key}");
    assert!(made.text.contains("shown this once"));
    assert_eq!(w.state.api_keys.verify(w.pid, &key), KeyVerdict::Valid);
    let info = w.state.store.api_keys(w.pid).await?;
    assert_eq!(info.len(), 1);
    assert_eq!((info[0].name.as_str(), info[0].created_by.as_deref()), ("Newsletter", Some("admin@example.org")));
    let again = get(&w, "/de/admin/settings", &w.admin).await?;
    assert!(!again.text.contains(&key), "never shown again");
    assert!(again.text.contains(&format!("{}…", info[0].prefix)), "its prefix is listed");
    assert!(again.text.contains("Newsletter"));

    // Refused: a bad name, an editor, a forged CSRF token. Nothing made.
    let version = w.state.store.content_version().await?;
    let unnamed = post(&w, "/de/admin/settings/api-keys", &w.admin, &[("name", " ")]).await?;
    assert_eq!(unnamed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unnamed.text.contains("needs a name") && shown_key(&unnamed.text).is_none());
    assert_eq!(get(&w, "/de/admin/settings", &w.editor).await?.status, StatusCode::FORBIDDEN);
    let by_editor = post(&w, "/de/admin/settings/api-keys", &w.editor, &[("name", "Mine")]).await?;
    assert_eq!(by_editor.status, StatusCode::FORBIDDEN);
    assert!(shown_key(&by_editor.text).is_none());
    let forged = post(&w, "/de/admin/settings/api-keys", &w.admin, &[("csrf", "forged"), ("name", "Forged")]).await?;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let revoke_path = format!("/de/admin/settings/api-keys/{}/revoke", info[0].id);
    let editor_revokes = post(&w, &revoke_path, &w.editor, &[("confirm", "yes")]).await?;
    assert_eq!(editor_revokes.status, StatusCode::FORBIDDEN);
    let forged = post(&w, &revoke_path, &w.admin, &[("csrf", "forged"), ("confirm", "yes")]).await?;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(w.state.store.content_version().await?, version, "nothing written");
    assert_eq!(w.state.store.api_keys(w.pid).await?.len(), 1);
    assert_eq!(w.state.api_keys.verify(w.pid, &key), KeyVerdict::Valid);

    // Revoking asks first, then revokes.
    let ask = post(&w, &revoke_path, &w.admin, &[]).await?;
    assert_eq!(ask.status, StatusCode::OK, "{}", ask.text);
    assert!(ask.text.contains("Revoke the key") && ask.text.contains(r#"name="confirm" value="yes""#), "{}", ask.text);
    assert_eq!(w.state.api_keys.verify(w.pid, &key), KeyVerdict::Valid, "asking revokes nothing");
    let done = post(&w, &revoke_path, &w.admin, &[("confirm", "yes")]).await?;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text);
    assert_eq!(done.location, "/de/admin/settings?revoked=1");
    assert_eq!(w.state.api_keys.verify(w.pid, &key), KeyVerdict::Revoked, "at once on this node");
    let after = get(&w, &done.location, &w.admin).await?;
    assert!(after.text.contains("Key revoked"), "{}", after.text);
    assert!(!after.text.contains(&revoke_path), "a revoked key has no Revoke button");
    assert_eq!(
        post(&w, "/de/admin/settings/api-keys/999999/revoke", &w.admin, &[]).await?.status,
        StatusCode::NOT_FOUND
    );
    Ok(())
}

async fn cors_origins_are_checked_and_saved(url: &str) -> TestResult {
    let w = world(url).await?;
    let origins = |w: &World| w.state.sites().list[0].publication.api_cors_origins.clone();
    let bad = post(
        &w,
        "/de/admin/settings/api-cors",
        &w.admin,
        &[("cors_origins", "https://ok.example\nhttps://app.example.org/path")],
    )
    .await?;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.text.contains("not an origin") && bad.text.contains("https://app.example.org/path"),
        "typed text kept: {}",
        bad.text
    );
    assert!(origins(&w).is_empty(), "nothing saved");
    let by_editor = post(&w, "/de/admin/settings/api-cors", &w.editor, &[("cors_origins", "*")]).await?;
    assert_eq!(by_editor.status, StatusCode::FORBIDDEN);
    let forged = post(&w, "/de/admin/settings/api-cors", &w.admin, &[("csrf", "x"), ("cors_origins", "*")]).await?;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(origins(&w).is_empty());

    let good = post(
        &w,
        "/de/admin/settings/api-cors",
        &w.admin,
        &[("cors_origins", "https://App.example.org:443\r\nhttp://localhost:3000, https://app.example.org")],
    )
    .await?;
    assert_eq!(good.status, StatusCode::SEE_OTHER, "{}", good.text);
    assert_eq!(good.location, "/de/admin/settings?saved=1");
    assert_eq!(origins(&w), ["https://app.example.org", "http://localhost:3000"], "normalized, once each, at once");
    let page = get(&w, "/de/admin/settings", &w.admin).await?;
    assert!(page.text.contains("https://app.example.org\nhttp://localhost:3000</textarea>"), "{}", page.text);
    assert_eq!(
        post(&w, "/de/admin/settings/api-cors", &w.admin, &[("cors_origins", "")]).await?.status,
        StatusCode::SEE_OTHER
    );
    assert!(origins(&w).is_empty(), "empty: none");
    Ok(())
}

on_every_backend!(url: keys_are_made_once_revoked_after_asking_and_admin_only, cors_origins_are_checked_and_saved);
