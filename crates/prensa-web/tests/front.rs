//! The curated front page, the logo and the favicon through the real
//! router, on SQLite and PostgreSQL: editors pin a lead and featured
//! articles with forms (CSRF checked, authors refused, nothing written on a
//! refusal), the public home shows the pins first and not again below, in
//! the editors' order, drops an expired pin by itself (the watcher's next
//! change is the expiry, and the cached home is purged then), a lead without
//! an image gets the text-only layout; `/favicon.ico` always answers with an
//! image (Prensa's own, then the chosen one) and every page links it; the
//! logo replaces the name in the header, with the name as its alt text.

use std::sync::Arc;

use axum::body::Body;
use axum::Router;
use chrono::{DateTime, Duration, Utc};
use http::{header, Request, StatusCode};
use prensa_core::front::Slot;
use prensa_core::permissions::Role;
use prensa_core::{ImportSet, MediaAsset, NewArticle, NewHeroImage, Status};
use prensa_store::{AnyStore, Front, Newsroom, Store};
use prensa_test_support::fixture::meridian;
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
    admin: String,
    editor: String,
    author: String,
    media: tempfile::TempDir,
}

struct Answer {
    status: StatusCode,
    location: String,
    content_type: String,
    bytes: Vec<u8>,
    text: String,
}

const IMAGE: &str = "0123456789abcdef.jpg";

/// An article published `hours` ago, with the library image or without.
fn article(slug: &str, hours: i64, image: bool) -> NewArticle {
    NewArticle {
        slug: slug.into(),
        headline: format!("Headline {slug}"),
        standfirst: format!("Standfirst {slug}"),
        body: format!("Body of {slug}."),
        toc: false,
        authors: vec!["ana".into()],
        section: "labor".into(),
        tags: vec![],
        image: image.then(|| NewHeroImage { key: IMAGE.into(), alt: format!("Picture of {slug}"), caption: None }),
        status: Status::Published,
        published_at: (Utc::now() - Duration::hours(hours)).fixed_offset(),
        updated_at: None,
        translation_group: None,
    }
}

async fn world(url: &str) -> Res<World> {
    let mut set = ImportSet {
        media: vec![MediaAsset {
            key: IMAGE.into(),
            content_type: "image/jpeg".into(),
            width: 1200,
            height: 800,
            bytes: 4,
        }],
        // Newest first: "newest" would lead without pins.
        ..meridian(vec![
            article("newest", 1, true),
            article("second", 2, true),
            article("third", 3, false),
            article("fourth", 4, true),
            article("fifth", 5, true),
        ])
    };
    set.sections[0].description = String::new();
    let site = web::site(url, &set).await?;
    let admin = web::sign_in(&site.store, Role::Administrator, "admin@example.org").await?;
    let editor = web::sign_in(&site.store, Role::Editor, "editor@example.org").await?;
    let author = web::sign_in(&site.store, Role::Author, "author@example.org").await?;
    Ok(World { router: site.router, state: site.state, pid: site.pid, admin, editor, author, media: site.media })
}

async fn send(w: &World, req: Request<Body>) -> Res<Answer> {
    let res = w.router.clone().oneshot(req).await?;
    let status = res.status();
    let location = res.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let content_type = res.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX).await?.to_vec();
    let text = String::from_utf8_lossy(&bytes).replace("&#x2f;", "/");
    Ok(Answer { status, location, content_type, bytes, text })
}

async fn get(w: &World, path: &str, session: Option<&str>) -> Res<Answer> {
    let mut req = Request::builder().uri(path).header(header::HOST, "localhost:8080");
    if let Some(s) = session {
        req = req.header(header::COOKIE, format!("prensa_session={s}"));
    }
    send(w, req.body(Body::empty())?).await
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

async fn id_of(w: &World, slug: &str) -> Res<i64> {
    let q = prensa_core::ArticleQuery { limit: 20, ..Default::default() };
    let list = w.state.store.published_articles(w.pid, &q, Utc::now()).await?;
    Ok(list.items.iter().find(|a| a.slug == slug).ok_or("no such article")?.id)
}

/// The home page's article links in order (each card links its article
/// once, from its headline).
fn home_order(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in html.split("<a href=\"/").skip(1) {
        let path: String = part.chars().take_while(|c| *c != '"').collect();
        let slug = path.trim_end_matches('/');
        if ["newest", "second", "third", "fourth", "fifth"].contains(&slug) && !out.iter().any(|s| s == slug) {
            out.push(slug.to_owned());
        }
    }
    out
}

/// The class of the home page's lead block.
fn lead_class(html: &str) -> Option<String> {
    let at = html.find("<div class=\"lead")? + "<div class=\"".len();
    Some(html[at..].chars().take_while(|c| *c != '"').collect())
}

async fn editors_pin_and_the_home_follows(url: &str) -> TestResult {
    let w = world(url).await?;
    let home = get(&w, "/", None).await?;
    assert_eq!(home_order(&home.text), ["newest", "second", "third", "fourth", "fifth"], "by date without pins");
    assert_eq!(lead_class(&home.text).as_deref(), Some("lead"));

    // The page: editors only; authors are refused, as is a forged token.
    let page = get(&w, "/admin/front/", Some(&w.editor)).await?;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("Nothing is pinned") && page.text.contains("Headline fourth"), "{}", page.text);
    assert_eq!(get(&w, "/admin/front/", Some(&w.author)).await?.status, StatusCode::FORBIDDEN);
    assert_eq!(get(&w, "/admin/front/", None).await?.status, StatusCode::SEE_OTHER, "to the sign-in");
    let fourth = id_of(&w, "fourth").await?.to_string();
    let third = id_of(&w, "third").await?.to_string();
    let fifth = id_of(&w, "fifth").await?.to_string();
    let v0 = w.state.store.content_version().await?;
    let refused = post(&w, "/admin/front/pin", &w.author, &[("article", &fourth), ("slot", "lead")]).await?;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let forged =
        post(&w, "/admin/front/pin", &w.editor, &[("csrf", "forged"), ("article", &fourth), ("slot", "lead")]).await?;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let bad =
        post(&w, "/admin/front/pin", &w.editor, &[("article", &fourth), ("slot", "lead"), ("expires", "yesterday")])
            .await?;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text.contains("Not saved: the expiry must be a date and a time."), "{}", bad.text);
    assert_eq!(w.state.store.content_version().await?, v0, "nothing written");

    // Pin "fourth" as lead and "fifth" as featured; the cached home follows.
    let done =
        post(&w, "/admin/front/pin", &w.editor, &[("article", &fourth), ("slot", "lead"), ("expires", "")]).await?;
    assert_eq!((done.status, done.location.as_str()), (StatusCode::SEE_OTHER, "/admin/front/"), "{}", done.text);
    post(&w, "/admin/front/pin", &w.editor, &[("article", &fifth), ("slot", "featured")]).await?;
    let home = get(&w, "/", None).await?;
    assert_eq!(home_order(&home.text), ["fourth", "fifth", "newest", "second", "third"], "pins first, not repeated");
    assert!(home.text.contains("<div class=\"featured\">"), "{}", home.text);

    // Reorder with the buttons: "fifth" up leads.
    let up = post(&w, &format!("/admin/front/{fifth}/up"), &w.editor, &[]).await?;
    assert_eq!(up.status, StatusCode::SEE_OTHER);
    assert_eq!(home_order(&get(&w, "/", None).await?.text)[..2], ["fifth", "fourth"]);
    let page = get(&w, "/admin/front/", Some(&w.editor)).await?;
    assert!(page.text.find("Headline fifth") < page.text.find("Headline fourth"), "the admin lists the order");

    // An image-less lead is laid out as text only.
    post(&w, "/admin/front/pin", &w.editor, &[("article", &third), ("slot", "lead")]).await?;
    let home = get(&w, "/", None).await?;
    assert_eq!(home_order(&home.text)[..3], ["third", "fifth", "fourth"]);
    assert_eq!(lead_class(&home.text).as_deref(), Some("lead text-only"));

    // Unpin; moving a pin that is not there is refused on the page.
    assert_eq!(post(&w, &format!("/admin/front/{third}/unpin"), &w.editor, &[]).await?.status, StatusCode::SEE_OTHER);
    let gone = post(&w, &format!("/admin/front/{third}/unpin"), &w.editor, &[]).await?;
    assert_eq!(gone.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(home_order(&get(&w, "/", None).await?.text)[..2], ["fifth", "fourth"]);

    // What is left pinned: "fifth" and "fourth".
    let left = w.state.store.front_pins(w.pid, Utc::now()).await?.len();
    assert_eq!(left, 2);
    Ok(())
}

async fn an_expired_pin_leaves_the_cached_home(url: &str) -> TestResult {
    let w = world(url).await?;
    let fourth = id_of(&w, "fourth").await?;
    let until = Utc::now() + Duration::seconds(2);
    w.state.store.pin_article(w.pid, fourth, Slot::Lead, Some(until), Utc::now()).await?;
    w.state.sync_changes().await;
    assert_eq!(home_order(&get(&w, "/", None).await?.text)[0], "fourth");
    // The home is cached now; the watcher knows the expiry is the next
    // change by itself, and purges when it comes.
    assert_eq!(
        w.state.store.next_scheduled(Utc::now()).await?,
        Some(DateTime::from_timestamp(until.timestamp(), 0).ok_or("time")?)
    );
    let watcher = prensa_web::spawn_watcher(&w.state);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let order = home_order(&get(&w, "/", None).await?.text);
        if order[0] == "newest" {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the expired pin still leads: {order:?}");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    watcher.abort();
    Ok(())
}

async fn favicon_and_logo(url: &str) -> TestResult {
    let w = world(url).await?;
    // Prensa's own favicon, linked from every page.
    let icon = get(&w, "/favicon.ico", None).await?;
    assert_eq!((icon.status, icon.content_type.as_str()), (StatusCode::OK, "image/x-icon"));
    assert_eq!(&icon.bytes[..4], [0, 0, 1, 0], "an ICO file");
    for path in ["/", "/newest/", "/section/labor/", "/no-such-page/"] {
        let page = get(&w, path, None).await?;
        assert!(page.text.contains(r#"<link rel="icon" href="/favicon.ico">"#), "{path}: {}", page.text);
        assert!(
            page.text.contains(r#"<p class="masthead"><a href="http://localhost:8080/">The Meridian</a></p>"#)
                || path == "/",
            "{path}"
        );
    }

    // The settings page for the logo and favicon: administrators only.
    assert_eq!(get(&w, "/admin/settings/brand", Some(&w.editor)).await?.status, StatusCode::FORBIDDEN);
    assert_eq!(post(&w, "/admin/settings/brand", &w.editor, &[("logo", IMAGE)]).await?.status, StatusCode::FORBIDDEN);
    let page = get(&w, "/admin/settings/brand", Some(&w.admin)).await?;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text.contains(&format!(r#"name="logo" value="{IMAGE}""#)),
        "the logo picker offers the image: {}",
        page.text
    );
    assert!(page.text.contains(&format!(r#"name="favicon" value="{IMAGE}""#)), "so does the favicon picker");
    let png = [0x89, b'P', b'N', b'G', 13, 10, 26, 10];
    let icon_key = "fedcba9876543210.png";
    std::fs::write(w.media.path().join(icon_key), png)?;
    w.state
        .store
        .add_media(&MediaAsset {
            key: icon_key.into(),
            content_type: "image/png".into(),
            width: 64,
            height: 64,
            bytes: 8,
        })
        .await?;
    let unknown = post(&w, "/admin/settings/brand", &w.admin, &[("logo", "abcdef.jpg")]).await?;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    let saved = post(&w, "/admin/settings/brand", &w.admin, &[("logo", IMAGE), ("favicon", icon_key)]).await?;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);

    let home = get(&w, "/", None).await?;
    assert!(
        home.text.contains(&format!(r#"<h1 class="masthead"><a href="http://localhost:8080/"><img src="/media/{IMAGE}" alt="The Meridian" width="1200" height="800"></a></h1>"#)),
        "{}",
        home.text
    );
    assert!(home.text.contains(&format!(r#"<link rel="icon" href="/media/{icon_key}">"#)), "{}", home.text);
    let icon = get(&w, "/favicon.ico", None).await?;
    assert_eq!(
        (icon.status, icon.content_type.as_str(), icon.bytes.as_slice()),
        (StatusCode::OK, "image/png", &png[..])
    );
    Ok(())
}

on_every_backend!(url: editors_pin_and_the_home_follows, an_expired_pin_leaves_the_cached_home, favicon_and_logo);
