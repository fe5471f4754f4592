//! The media library through the real router (issue 14): uploads keep
//! their names (and answer JSON for the rich editor), the edit form
//! (CSRF, roles, bad input), search, the pickers of the editor and the
//! author form, the hero prefilled from the library, and deletion (the
//! confirmation names the articles, refused while one is published, the
//! files removed from the media directory afterwards).

use std::sync::Arc;

use axum::body::Body;
use axum::Router;
use chrono::Utc;
use http::{header, Request, StatusCode};
use prensa_core::permissions::Role;
use prensa_core::{
    ArticleDraft, DraftImage, ImportSet, NewAuthor, NewPublication, NewSection, NewUser, PublicationSettings,
    SaveOutcome, SocialLinks, Transition,
};
use prensa_store::{MediaDir, MediaLibrary, Newsroom, SqliteStore, Store};
use prensa_test_support::web;
use prensa_web::admin::session::csrf_for;
use prensa_web::{AppState, WebConfig};
use tower::ServiceExt;

type TestResult = Result<(), Box<dyn std::error::Error>>;
type Res<T> = Result<T, Box<dyn std::error::Error>>;

fn fixture() -> ImportSet {
    let author = |slug: &str| NewAuthor {
        slug: slug.into(),
        name: format!("Name {slug}"),
        bio: "Bio".into(),
        avatar: None,
        social: SocialLinks::default(),
    };
    ImportSet {
        publication: NewPublication {
            slug: "meridian".into(),
            name: "The Meridian".into(),
            tagline: "Tag".into(),
            language: "en".into(),
            base_url: "http://localhost:8080".into(),
            timezone: "Europe/Berlin".into(),
            social: SocialLinks::default(),
            settings: PublicationSettings::default(),
            api_cors_origins: Vec::new(),
        },
        media: vec![],
        authors: vec![author("con"), author("aut"), author("edi")],
        sections: vec![NewSection { slug: "labor".into(), name: "Labor".into(), description: "Work".into() }],
        articles: vec![],
    }
}

struct World {
    state: Arc<AppState<SqliteStore>>,
    router: Router,
    media: tempfile::TempDir,
    /// Session secrets: contributor, author, editor.
    con: String,
    aut: String,
    edi: String,
    aut_id: i64,
    edi_user: i64,
    pid: i64,
    labor: i64,
}

async fn world() -> Res<World> {
    let site = web::site_on(SqliteStore::open("sqlite::memory:").await?, &fixture(), WebConfig::default()).await?;
    let web::Site { store, state, router, pid, media } = site;
    let authors = store.authors(pid).await?;
    let author_id = |slug: &str| authors.iter().find(|a| a.slug == slug).map(|a| a.id).expect("fixture author");
    let mut secrets = Vec::new();
    let mut users = Vec::new();
    for (role, slug) in [(Role::Contributor, "con"), (Role::Author, "aut"), (Role::Editor, "edi")] {
        let new = NewUser {
            email: format!("{slug}@example.org"),
            name: slug.into(),
            role,
            author_id: Some(author_id(slug)),
            publication: None,
        };
        let (user, secret) = web::sign_in_as(&store, &new).await?;
        secrets.push(secret);
        users.push(user);
    }
    let labor = store.sections(pid).await?[0].id;
    state.sync_changes().await;
    Ok(World {
        router,
        state,
        media,
        edi: secrets.pop().ok_or("edi")?,
        aut: secrets.pop().ok_or("aut")?,
        con: secrets.pop().ok_or("con")?,
        aut_id: author_id("aut"),
        edi_user: users[2],
        pid,
        labor,
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
    fn json(&self) -> Res<serde_json::Value> {
        Ok(serde_json::from_str(&self.text)?)
    }
}

async fn send(w: &World, req: Request<Body>) -> Res<Answer> {
    let res = w.router.clone().oneshot(req).await?;
    let (status, headers) = (res.status(), res.headers().clone());
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX).await?;
    // Autoescaping writes `/` as `&#x2f;`; the assertions read plain slashes.
    Ok(Answer { status, headers, text: String::from_utf8_lossy(&bytes).replace("&#x2f;", "/") })
}

fn builder(method: &str, path: &str, secret: &str) -> http::request::Builder {
    Request::builder()
        .method(method)
        .uri(path)
        .header(header::HOST, "localhost:8080")
        .header(header::COOKIE, format!("prensa_session={secret}"))
}

async fn get(w: &World, path: &str, secret: &str) -> Res<Answer> {
    send(w, builder("GET", path, secret).body(Body::empty())?).await
}

async fn get_json(w: &World, path: &str, secret: &str) -> Res<Answer> {
    send(w, builder("GET", path, secret).header(header::ACCEPT, "application/json").body(Body::empty())?).await
}

/// A form post with the session's CSRF token unless `fields` has one.
async fn post(w: &World, path: &str, secret: &str, fields: &[(&str, &str)]) -> Res<Answer> {
    let mut body = form_urlencoded::Serializer::new(String::new());
    if !fields.iter().any(|(k, _)| *k == "csrf") {
        body.append_pair("csrf", &csrf_for(secret));
    }
    for (k, v) in fields {
        body.append_pair(k, v);
    }
    let req = builder("POST", path, secret)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body.finish()))?;
    send(w, req).await
}

/// A multipart upload: the file, then the other fields (CSRF added).
async fn upload(w: &World, secret: &str, name: &str, bytes: &[u8], fields: &[(&str, &str)], json: bool) -> Res<Answer> {
    let boundary = "XBOUNDARYX";
    let mut body = Vec::new();
    let mut part = |k: &str, v: &str| {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes(),
        );
    };
    part("csrf", &csrf_for(secret));
    for (k, v) in fields {
        part(k, v);
    }
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: image/png\r\n\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let mut req = builder("POST", "/admin/media/", secret)
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"));
    if json {
        req = req.header(header::ACCEPT, "application/json");
    }
    send(w, req.body(Body::from(body))?).await
}

fn png(width: u32, height: u32, seed: u8) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([(x % 251) as u8, (y % 241) as u8, seed]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).expect("encode png");
    out.into_inner()
}

/// Uploads a picture named `name`; its key.
async fn uploaded(w: &World, name: &str, seed: u8) -> Res<String> {
    let done = upload(w, &w.aut, name, &png(700, 350, seed), &[], false).await?;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text);
    let key = done.location().strip_prefix("/admin/media/?uploaded=").ok_or("redirect to the library")?.to_owned();
    Ok(key)
}

fn files_of(w: &World, key: &str) -> Res<Vec<String>> {
    let hash = key.split('.').next().ok_or("hash")?;
    let mut found: Vec<String> = std::fs::read_dir(w.media.path())?
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|n| n.starts_with(hash))
        .collect();
    found.sort();
    Ok(found)
}

#[tokio::test]
async fn uploads_keep_their_names_and_answer_json() -> TestResult {
    let w = world().await?;
    let key = uploaded(&w, "Harbour at dawn.png", 1).await?;
    let info = w.state.store.media_info(&key).await?.ok_or("row")?;
    assert_eq!(info.meta.name, "Harbour at dawn.png", "the name kept; the hash stays the key");
    assert!(MediaDir::is_valid_key(&key));
    let hash = key.split('.').next().ok_or("hash")?;

    // The library shows the name and a thumbnail (the smallest variant).
    let library = get(&w, &format!("/admin/media/?uploaded={key}"), &w.aut).await?;
    assert_eq!(library.status, StatusCode::OK);
    assert!(library.text.contains("Uploaded Harbour at dawn.png."), "{}", library.text);
    assert!(library.text.contains(&format!("src=\"/media/{hash}-320.webp\"")), "thumbnail");
    assert!(library.text.contains("<span class=\"media-name\">Harbour at dawn.png</span>"));
    assert!(library.text.contains("700×350"));

    // JSON for the rich editor: the same shape from the upload and the lookup.
    let json =
        upload(&w, &w.aut, "gull.png", &png(400, 200, 2), &[("alt", "A gull on a post"), ("credit", "Ana Ruiz")], true)
            .await?;
    assert_eq!(json.status, StatusCode::OK, "{}", json.text);
    let v = json.json()?;
    let gull = v["key"].as_str().ok_or("key")?.to_owned();
    assert_eq!(v["url"], format!("/media/{gull}"));
    assert_eq!((v["width"].as_u64(), v["height"].as_u64()), (Some(400), Some(200)));
    assert_eq!(
        (v["name"].as_str(), v["alt"].as_str(), v["credit"].as_str()),
        (Some("gull.png"), Some("A gull on a post"), Some("Ana Ruiz"))
    );
    let looked_up = get_json(&w, &format!("/admin/media/{gull}"), &w.con).await?;
    assert_eq!(looked_up.json()?, v);
    // A refused file answers JSON too, and stores nothing.
    let broken = upload(&w, &w.aut, "broken.png", b"not an image", &[], true).await?;
    assert_eq!(broken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        broken.json()?["error"]["message"].as_str().is_some_and(|e| e.starts_with("broken.png was not stored")),
        "{}",
        broken.text
    );
    assert_eq!(w.state.store.search_media("", 10, 0).await?.total, 2);

    // Search: by name, alt text; wildcards literal; the picker's JSON.
    let found = get(&w, "/admin/media/?q=harbour", &w.con).await?;
    assert!(found.text.contains("Harbour at dawn.png") && !found.text.contains("gull.png"), "{}", found.text);
    let by_alt = get(&w, "/admin/media/?q=GULL+ON", &w.con).await?;
    assert!(by_alt.text.contains("gull.png") && !by_alt.text.contains("Harbour at dawn.png"));
    let none = get(&w, "/admin/media/?q=%25", &w.con).await?;
    assert!(none.text.contains("No image matches “%”."), "{}", none.text);
    let picker = get_json(&w, "/admin/media/picker?q=gull", &w.con).await?.json()?;
    assert_eq!(picker["total"], 1);
    assert_eq!(picker["items"][0]["alt"], "A gull on a post");
    let page = get(&w, "/admin/media/picker?q=gull", &w.con).await?;
    assert!(page.text.contains(&format!("![A gull on a post](/media/{gull})")), "Markdown to copy");
    Ok(())
}

#[tokio::test]
async fn the_edit_form_needs_csrf_and_the_right_role() -> TestResult {
    let w = world().await?;
    let key = uploaded(&w, "quay.png", 3).await?;
    let path = format!("/admin/media/{key}");
    let form = get(&w, &path, &w.aut).await?;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text.contains("name=\"csrf\"") && form.text.contains("id=\"alt\""));
    assert!(!form.text.contains("/delete\""), "authors are not offered deletion");

    let fields = [
        ("name", "Quay at night.png"),
        ("alt", "Cranes <b>lit</b>"),
        ("caption", "The night shift"),
        ("credit", "Ana"),
    ];
    let forged = post(&w, &path, &w.aut, &[("csrf", "forged"), ("alt", "Forged")]).await?;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let contributor = post(&w, &path, &w.con, &fields).await?;
    assert_eq!(contributor.status, StatusCode::FORBIDDEN);
    assert_eq!(w.state.store.media_info(&key).await?.ok_or("row")?.meta.alt, "", "nothing written");

    let saved = post(&w, &path, &w.aut, &fields).await?;
    assert_eq!(
        (saved.status, saved.location()),
        (StatusCode::SEE_OTHER, format!("/admin/media/{key}?saved=1").as_str())
    );
    let meta = w.state.store.media_info(&key).await?.ok_or("row")?.meta;
    assert_eq!(
        (meta.name.as_str(), meta.alt.as_str(), meta.credit.as_str()),
        ("Quay at night.png", "Cranes <b>lit</b>", "Ana")
    );
    let shown = get(&w, &path, &w.con).await?;
    assert!(
        shown.text.contains("Cranes &lt;b&gt;lit&lt;&#x2f;b&gt;")
            || shown.text.contains("Cranes &lt;b&gt;lit&lt;/b&gt;"),
        "escaped"
    );
    assert!(!shown.text.contains("<b>lit"));

    let long = "x".repeat(501);
    let refused = post(&w, &path, &w.aut, &[("name", "n"), ("alt", &long)]).await?;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text.contains("Not saved: The alt text is 501 characters long"), "{}", refused.text);
    assert_eq!(w.state.store.media_info(&key).await?.ok_or("row")?.meta.alt, "Cranes <b>lit</b>", "unchanged");
    assert_eq!(get(&w, "/admin/media/0123456789abcdef.png", &w.aut).await?.status, StatusCode::NOT_FOUND);
    assert_eq!(
        get(&w, &format!("/admin/media/{}", key.replace('.', "-320.")), &w.aut).await?.status,
        StatusCode::NOT_FOUND,
        "variants have no page"
    );
    Ok(())
}

#[tokio::test]
async fn pickers_offer_thumbnails_and_the_library_fills_the_hero() -> TestResult {
    let w = world().await?;
    let key = uploaded(&w, "dock.png", 4).await?;
    let hash = key.split('.').next().ok_or("hash")?;
    post(
        &w,
        &format!("/admin/media/{key}"),
        &w.aut,
        &[("name", "dock.png"), ("alt", "Dockers at the gate"), ("caption", "Monday"), ("credit", "Ana")],
    )
    .await?;
    let editor = get(&w, "/admin/articles/new", &w.aut).await?;
    assert!(
        editor.text.contains(&format!("type=\"radio\" id=\"image_key-1\" name=\"image_key\" value=\"{key}\"")),
        "{}",
        editor.text
    );
    assert!(editor.text.contains(&format!("src=\"/media/{hash}-320.webp\"")), "with its thumbnail");
    assert!(editor.text.contains("data-alt=\"Dockers at the gate\" data-caption=\"Monday. Photo: Ana\""));
    assert!(!editor.text.contains("<select id=\"image_key\""), "no more select of hashes");
    let profile = get(&w, &format!("/admin/authors/{}", w.aut_id), &w.aut).await?;
    assert!(profile.text.contains(&format!("name=\"avatar\" value=\"{key}\"")), "{}", profile.text);
    let fragment =
        get(&w, &format!("/admin/media/picker?fragment=1&field=avatar&q=dock&current={key}"), &w.aut).await?;
    assert!(fragment.text.contains(&format!("name=\"avatar\" value=\"{key}\" checked")), "{}", fragment.text);
    assert!(!fragment.text.contains("<html"), "a fragment");
    let nothing = get(&w, "/admin/media/picker?fragment=1&field=image_key&q=zzz", &w.aut).await?;
    assert!(nothing.text.contains("No image matches “zzz”.") && nothing.text.contains("value=\"\" checked"));

    // Without JavaScript: the hero is chosen with empty alt text; the
    // library's alt text and caption (with the credit) are used.
    let fields = [
        ("headline", "Dock strike"),
        ("standfirst", "S"),
        ("body", "Text."),
        ("slug", "dock-strike"),
        ("version", "0"),
        ("intent", "save"),
        ("section", &w.labor.to_string()),
        ("author", &w.aut_id.to_string()),
        ("image_key", &key),
        ("image_alt", ""),
        ("image_caption", ""),
    ];
    let created = post(&w, "/admin/articles/new", &w.aut, &fields).await?;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.text);
    let id: i64 = created.location().split('/').nth(3).ok_or("id")?.parse()?;
    let image = w.state.store.editable_article(id).await?.ok_or("article")?.draft.image.ok_or("image")?;
    assert_eq!(
        image,
        DraftImage { key: key.clone(), alt: "Dockers at the gate".into(), caption: Some("Monday. Photo: Ana".into()) }
    );
    Ok(())
}

#[tokio::test]
async fn deletion_names_the_articles_and_is_refused_while_published() -> TestResult {
    let w = world().await?;
    let key = uploaded(&w, "strike.png", 5).await?;
    let other = uploaded(&w, "unused.png", 6).await?;
    assert!(files_of(&w, &key)?.len() >= 3, "original and variants: {:?}", files_of(&w, &key)?);
    let store = &w.state.store;
    let draft = |slug: &str, body: String, image: Option<DraftImage>| ArticleDraft {
        slug: slug.into(),
        headline: format!("Headline {slug}"),
        standfirst: "S".into(),
        body,
        toc: false,
        section_id: w.labor,
        author_ids: vec![w.aut_id],
        tags: vec![],
        image,
    };
    let hero = DraftImage { key: key.clone(), alt: "Alt".into(), caption: None };
    let live =
        store.create_article(w.pid, &draft("live-story", "Text.".into(), Some(hero)), w.edi_user, Utc::now()).await?;
    let SaveOutcome::Saved(live) = store
        .transition(
            live.id,
            live.version,
            Transition::Publish { at: Utc::now().fixed_offset() },
            w.edi_user,
            Utc::now(),
        )
        .await?
    else {
        return Err("conflict".into());
    };
    let body = format!("Before.\n\n![x](/media/{})\n", key.replace('.', "-640.").replace(".png", ".webp"));
    store.create_article(w.pid, &draft("draft-story", body, None), w.edi_user, Utc::now()).await?;
    w.state.sync_changes().await;

    let path = format!("/admin/media/{key}/delete");
    assert_eq!(get(&w, &path, &w.aut).await?.status, StatusCode::FORBIDDEN, "authors may not delete");
    assert_eq!(post(&w, &path, &w.aut, &[]).await?.status, StatusCode::FORBIDDEN);
    let confirm = get(&w, &path, &w.edi).await?;
    assert_eq!(confirm.status, StatusCode::OK);
    for named in ["Headline live-story", "lead image, published", "Headline draft-story", "in the text"] {
        assert!(confirm.text.contains(named), "{named}: {}", confirm.text);
    }
    assert!(confirm.text.contains("used by 1 published article"), "the refusal said before asking");
    assert!(!confirm.text.contains("Delete the image</button>"), "no button while refused");

    let forged = post(&w, &path, &w.edi, &[("csrf", "forged")]).await?;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let version = store.content_version().await?;
    let refused = post(&w, &path, &w.edi, &[]).await?;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(refused.text.contains("unpublish it or choose another image first"), "{}", refused.text);
    assert!(store.media_info(&key).await?.is_some() && files_of(&w, &key)?.len() >= 3, "nothing deleted");
    assert_eq!(store.content_version().await?, version);

    // Unpublished: allowed; the row, the original and every variant go.
    let SaveOutcome::Saved(_) =
        store.transition(live.id, live.version, Transition::Unpublish, w.edi_user, Utc::now()).await?
    else {
        return Err("conflict".into());
    };
    w.state.sync_changes().await;
    // A variant made on request (not at upload) goes too.
    let made = get(&w, &format!("/media/{}", key.replace(".png", "-1024.webp")), &w.edi).await?;
    assert_eq!(made.status, StatusCode::OK);
    let done = post(&w, &path, &w.edi, &[]).await?;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text);
    assert_eq!(done.location(), "/admin/media/?deleted=strike.png");
    assert_eq!(store.media_info(&key).await?, None);
    assert_eq!(files_of(&w, &key)?, Vec::<String>::new(), "every file removed");
    assert!(!files_of(&w, &other)?.is_empty(), "other images untouched");
    assert_eq!(store.editable_article(live.id).await?.ok_or("article")?.draft.image, None, "the draft lost its hero");
    let gone =
        send(&w, Request::get(format!("/media/{key}")).header(header::HOST, "localhost:8080").body(Body::empty())?)
            .await?;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    let library = get(&w, "/admin/media/?deleted=strike.png", &w.edi).await?;
    assert!(library.text.contains("Deleted strike.png.") && !library.text.contains(&key));
    Ok(())
}
