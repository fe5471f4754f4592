//! SEO and social fields and custom fields through the real router, on
//! SQLite and PostgreSQL: administrators alone define fields (editors are
//! refused, a forged CSRF token writes nothing); an editor's save carries
//! the SEO fields and values, a bad one (a `javascript:` canonical, a
//! value outside a choice) saves nothing at all; the article page's
//! `<head>` falls back to the headline, standfirst and own URL, then
//! takes the overrides; custom field values appear escaped; the Content
//! API carries `seo` and `custom_fields`; deleting a field takes its
//! values with it.

use std::sync::Arc;

use axum::body::Body;
use axum::Router;
use chrono::{DateTime, Utc};
use http::{header, Request, StatusCode};
use prensa_core::permissions::Role;
use prensa_core::{
    ImportSet, MediaAsset, NewArticle, NewAuthor, NewPublication, NewSection, PublicationSettings, SocialLinks, Status,
};
use prensa_store::{AnyStore, ApiKeys, ArticleFields, Newsroom, Store};
use prensa_test_support::{on_every_backend, web};
use prensa_web::admin::session::csrf_for;
use prensa_web::AppState;
use tower::ServiceExt;

type TestResult = Result<(), Box<dyn std::error::Error>>;
type Res<T> = Result<T, Box<dyn std::error::Error>>;

struct World {
    state: Arc<AppState<AnyStore>>,
    router: Router,
    pid: i64,
    article: i64,
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
            slug: "meridian".into(),
            name: "The Meridian".into(),
            tagline: String::new(),
            language: "en".into(),
            base_url: "http://localhost:8080".into(),
            timezone: "UTC".into(),
            social: SocialLinks::default(),
            settings: PublicationSettings::default(),
            api_cors_origins: Vec::new(),
        },
        media: vec![MediaAsset {
            key: "abc.jpg".into(),
            content_type: "image/jpeg".into(),
            width: 1200,
            height: 675,
            bytes: 1000,
        }],
        authors: vec![NewAuthor {
            slug: "ana".into(),
            name: "Ana".into(),
            bio: String::new(),
            avatar: None,
            social: SocialLinks::default(),
        }],
        sections: vec![NewSection { slug: "labor".into(), name: "Labor".into(), description: String::new() }],
        articles: vec![NewArticle {
            slug: "harbour".into(),
            headline: "The harbour strike".into(),
            standfirst: "Dockers stop work for a week.".into(),
            body: "Body text.".into(),
            toc: false,
            authors: vec!["ana".into()],
            section: "labor".into(),
            tags: vec![],
            image: None,
            status: Status::Published,
            published_at: DateTime::parse_from_rfc3339("2026-01-01T10:00:00+01:00")?,
            updated_at: None,
            translation_group: None,
        }],
    };
    let site = web::site(url, &set).await?;
    let (store, pid) = (&site.store, site.pid);
    let article = store.published_article(pid, "harbour", Utc::now()).await?.ok_or("article")?.id;
    let admin = web::sign_in(store, Role::Administrator, "admin@example.org").await?;
    let editor = web::sign_in(store, Role::Editor, "editor@example.org").await?;
    Ok(World { router: site.router, state: site.state, pid, article, admin, editor, _media: site.media })
}

async fn send(w: &World, req: Request<Body>) -> Res<Answer> {
    let res = w.router.clone().oneshot(req).await?;
    let status = res.status();
    let location = res.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX).await?;
    Ok(Answer { status, location, text: String::from_utf8_lossy(&bytes).replace("&#x2f;", "/") })
}

async fn get(w: &World, path: &str, session: Option<&str>) -> Res<Answer> {
    let mut req = Request::builder().uri(path).header(header::HOST, "localhost:8080");
    if let Some(s) = session {
        req = req.header(header::COOKIE, format!("prensa_session={s}"));
    }
    send(w, req.body(Body::empty())?).await
}

async fn api(w: &World, path: &str, key: &str) -> Res<serde_json::Value> {
    let req = Request::builder()
        .uri(path)
        .header(header::HOST, "localhost:8080")
        .header(header::AUTHORIZATION, format!("Bearer {key}"))
        .body(Body::empty())?;
    let answer = send(w, req).await?;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    Ok(serde_json::from_str(&answer.text)?)
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

/// The editor's form for the article as stored, plus `extra` fields.
async fn save(w: &World, extra: &[(&str, &str)]) -> Res<Answer> {
    let a = w.state.store.editable_article(w.article).await?.ok_or("article")?;
    let version = a.version.to_string();
    let section = a.draft.section_id.to_string();
    let author = a.draft.author_ids[0].to_string();
    let mut fields = vec![
        ("version", version.as_str()),
        ("headline", a.draft.headline.as_str()),
        ("standfirst", a.draft.standfirst.as_str()),
        ("body", a.draft.body.as_str()),
        ("slug", a.draft.slug.as_str()),
        ("section", section.as_str()),
        ("author", author.as_str()),
        ("intent", "save"),
    ];
    fields.extend_from_slice(extra);
    post(w, &format!("/admin/articles/{}/", w.article), &w.editor, &fields).await
}

const HOSTILE: &str = "\"><script>alert(1)</script>";

async fn fields_are_defined_saved_rendered_and_served(url: &str) -> TestResult {
    let w = world(url).await?;

    // Before anything is set: the page falls back to the article itself.
    let page = get(&w, "/harbour/", None).await?;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("<title>The harbour strike — The Meridian</title>"), "{}", page.text);
    assert!(page.text.contains(r#"<meta name="description" content="Dockers stop work for a week.">"#));
    assert!(page.text.contains(r#"<link rel="canonical" href="http://localhost:8080/harbour/">"#));
    assert!(page.text.contains(r#"<meta property="og:title" content="The harbour strike — The Meridian">"#));
    assert!(!page.text.contains("<dl class=\"fields\">"));

    // Definitions: administrators only, with the CSRF token.
    let fields_page = get(&w, "/admin/settings/fields/", Some(&w.editor)).await?;
    assert_eq!(fields_page.status, StatusCode::FORBIDDEN);
    let by_editor =
        post(&w, "/admin/settings/fields/", &w.editor, &[("label", "X"), ("key", "x"), ("kind", "text")]).await?;
    assert_eq!(by_editor.status, StatusCode::FORBIDDEN);
    let forged = post(
        &w,
        "/admin/settings/fields/",
        &w.admin,
        &[("csrf", "forged"), ("label", "X"), ("key", "x"), ("kind", "text")],
    )
    .await?;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(w.state.store.custom_fields(w.pid).await?.is_empty(), "nothing written");
    let settings = get(&w, "/admin/settings", Some(&w.admin)).await?;
    assert!(settings.text.contains(r#"href="/admin/settings/fields/""#), "linked from Settings");

    let made = post(
        &w,
        "/admin/settings/fields/",
        &w.admin,
        &[("label", "Translated by"), ("key", "translated-by"), ("kind", "text")],
    )
    .await?;
    assert_eq!(
        (made.status, made.location.as_str()),
        (StatusCode::SEE_OTHER, "/admin/settings/fields/?saved=created"),
        "{}",
        made.text
    );
    let choice = [
        ("label", "Content warning"),
        ("key", "content-warning"),
        ("kind", "choice"),
        ("options", "Violence\r\nGrief\r\n"),
        ("position", "1"),
    ];
    assert_eq!(post(&w, "/admin/settings/fields/", &w.admin, &choice).await?.status, StatusCode::SEE_OTHER);
    let source = [("label", "Originally published in"), ("key", "source"), ("kind", "url"), ("position", "2")];
    assert_eq!(post(&w, "/admin/settings/fields/", &w.admin, &source).await?.status, StatusCode::SEE_OTHER);
    let bad_key =
        post(&w, "/admin/settings/fields/", &w.admin, &[("label", "Bad"), ("key", "Bad Key"), ("kind", "text")])
            .await?;
    assert_eq!(bad_key.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad_key.text.contains("the key may hold only lowercase letters"), "{}", bad_key.text);
    let list = get(&w, "/admin/settings/fields/", Some(&w.admin)).await?;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.text.contains("Translated by") && list.text.contains("Violence\nGrief"), "{}", list.text);

    // The editor shows the panel with the fields.
    let editor = get(&w, &format!("/admin/articles/{}/", w.article), Some(&w.editor)).await?;
    assert_eq!(editor.status, StatusCode::OK);
    for needle in [
        r#"name="seo_meta_title""#,
        r#"name="seo_canonical_url""#,
        r#"name="field_translated-by""#,
        r#"<option value="Grief">Grief</option>"#,
        r#"id="serp-title">The harbour strike — The Meridian<"#,
    ] {
        assert!(editor.text.contains(needle), "{needle}");
    }

    // A bad canonical URL or choice: refused with a sentence, nothing saved.
    let version = w.state.store.editable_article(w.article).await?.ok_or("article")?.version;
    for (extra, says) in [
        (
            vec![("seo_canonical_url", "javascript:alert(1)"), ("headline", "Changed")],
            "canonical URL must be an absolute http",
        ),
        (vec![("field_content-warning", "Joy")], "choose one of: Violence, Grief"),
        (vec![("field_source", "javascript:alert(1)")], "Originally published in: the address must be an absolute"),
    ] {
        let refused = save(&w, &extra).await?;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{extra:?}");
        assert!(refused.text.contains(says), "{says}: {}", refused.text);
        assert!(
            refused.text.contains("javascript:alert(1)") || !says.contains("address"),
            "the form keeps what was typed"
        );
    }
    let a = w.state.store.editable_article(w.article).await?.ok_or("article")?;
    assert_eq!((a.version, a.draft.headline.as_str()), (version, "The harbour strike"), "nothing saved");
    assert_eq!(w.state.store.article_extras(w.article).await?, Default::default());

    // A good save: SEO fields and values (one hostile) with the article.
    let saved = save(
        &w,
        &[
            ("seo_meta_title", "Meta: the strike"),
            ("seo_meta_description", "What the dockers want"),
            ("seo_social_title", "Social: the strike"),
            ("seo_social_description", HOSTILE),
            ("seo_social_image", "abc.jpg"),
            ("seo_canonical_url", "https://elsewhere.example/original?a=1&b=2"),
            ("field_translated-by", HOSTILE),
            ("field_content-warning", "Grief"),
            ("field_source", "https://elsewhere.example/x"),
        ],
    )
    .await?;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    let extras = w.state.store.article_extras(w.article).await?;
    assert_eq!(extras.seo.meta_title, "Meta: the strike");
    assert_eq!(extras.custom.get("translated-by").map(String::as_str), Some(HOSTILE));

    // The page was purged and shows the overrides and the fields, escaped.
    let page = get(&w, "/harbour/", None).await?;
    let t = &page.text;
    assert!(t.contains("<title>Meta: the strike</title>"), "{t}");
    assert!(t.contains(r#"<meta name="description" content="What the dockers want">"#));
    assert!(t.contains(r#"<link rel="canonical" href="https://elsewhere.example/original?a=1&amp;b=2">"#), "{t}");
    assert!(t.contains(r#"<meta property="og:title" content="Social: the strike">"#));
    assert!(
        t.contains(r#"<meta property="og:description" content="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">"#),
        "{t}"
    );
    assert!(t.contains(r#"<meta property="og:image" content="http://localhost:8080/media/abc.jpg">"#));
    assert!(
        t.contains(r#""url":"https://elsewhere.example/original?a=1\u0026b=2""#),
        "JSON-LD takes the canonical: {t}"
    );
    assert!(t.contains("<dt>Translated by</dt><dd>&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;</dd>"), "{t}");
    assert!(t.contains("<dt>Content warning</dt><dd>Grief</dd>"));
    assert!(
        t.contains(r#"<dd><a href="https://elsewhere.example/x" rel="nofollow">https://elsewhere.example/x</a></dd>"#)
    );
    assert!(!t.contains("<script>alert(1)"), "never unescaped");
    // Sharing still shares this page.
    assert!(t.contains("localhost%3A8080%2Fharbour%2F") || t.contains("localhost:8080/harbour/"));

    // The editor shows the saved values and their preview (no JavaScript).
    let editor = get(&w, &format!("/admin/articles/{}/", w.article), Some(&w.editor)).await?;
    assert!(editor.text.contains(r#"id="serp-title">Meta: the strike<"#), "{}", editor.text);
    assert!(editor.text.contains(r#"id="serp-url">https://elsewhere.example/original?a=1&amp;b=2<"#));
    assert!(editor.text.contains(r#"<option value="Grief" selected>Grief</option>"#));
    assert!(!editor.text.contains("<script>alert(1)"));

    // The Content API carries both.
    let key = prensa_auth::new_api_key();
    w.state.store.create_api_key(w.pid, "Test", &key.digest, &key.prefix, None, Utc::now()).await?;
    w.state.sync_changes().await;
    let one = api(&w, "/api/content/v1/articles/harbour/", &key.key).await?;
    assert_eq!(one["data"]["custom_fields"]["content-warning"], "Grief");
    assert_eq!(one["data"]["custom_fields"]["translated-by"], HOSTILE);
    assert_eq!(one["data"]["seo"]["canonical_url"], "https://elsewhere.example/original?a=1&b=2");
    assert_eq!(one["data"]["seo"]["social_image"], "http://localhost:8080/media/abc.jpg");
    let list = api(&w, "/api/content/v1/articles/", &key.key).await?;
    assert_eq!(list["data"][0]["seo"]["meta_title"], "Meta: the strike");
    assert_eq!(list["data"][0]["custom_fields"]["source"], "https://elsewhere.example/x");
    let narrow = api(&w, "/api/content/v1/articles/?fields=headline", &key.key).await?;
    assert!(narrow["data"][0].get("custom_fields").is_none(), "only when asked for");

    // Deleting a field asks first, naming what goes, then takes its values.
    let field =
        w.state.store.custom_fields(w.pid).await?.into_iter().find(|f| f.key == "content-warning").ok_or("field")?;
    let ask = post(&w, &format!("/admin/settings/fields/{}/delete", field.id), &w.admin, &[]).await?;
    assert_eq!(ask.status, StatusCode::OK);
    assert!(ask.text.contains("1 article has a value for it"), "{}", ask.text);
    assert_eq!(w.state.store.custom_fields(w.pid).await?.len(), 3, "not yet");
    let gone =
        post(&w, &format!("/admin/settings/fields/{}/delete", field.id), &w.admin, &[("confirm", "yes")]).await?;
    assert_eq!(gone.status, StatusCode::SEE_OTHER);
    assert!(!w.state.store.article_extras(w.article).await?.custom.contains_key("content-warning"));
    let page = get(&w, "/harbour/", None).await?;
    assert!(!page.text.contains("Content warning"), "purged");
    Ok(())
}

on_every_backend!(url: fields_are_defined_saved_rendered_and_served);
