//! The public edge through the real router (`oneshot`, no sockets): junk
//! variants of URLs cannot fill the page cache or force renders, wide
//! media variants are not decoded, every response carries `nosniff` and a
//! referrer policy, and the Mastodon share page is no open redirect.

use std::sync::Arc;

use axum::body::Body;
use axum::Router;
use http::{header, Request, StatusCode};
use prensa_core::{ImportSet, MediaAsset};
use prensa_store::{MediaDir, SqliteStore, Store};
use prensa_test_support::fixture::{article, meridian};
use prensa_test_support::web;
use prensa_web::{AppState, WebConfig};
use tower::ServiceExt;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

const HOST: &str = "localhost:8080";
/// A tall PNG, 200 × 1600: every variant width (320 and up) is wider.
const TALL: &str = "00000000000000aa.png";
/// A 700 px wide PNG: the 320 and 640 variants exist, wider ones do not.
const WIDE: &str = "00000000000000bb.png";
/// A 400 px wide animated GIF: no variant at any width.
const ANIMATED: &str = "00000000000000cc.gif";

fn png(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([(x % 251) as u8, (y % 241) as u8, 90]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).expect("encode png");
    out.into_inner()
}

fn animated_gif(width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = image::codecs::gif::GifEncoder::new(&mut out);
        encoder.set_repeat(image::codecs::gif::Repeat::Infinite).expect("repeat");
        let frames = (0..2u8).map(|n| {
            let img = image::RgbaImage::from_fn(width, height, |x, _| image::Rgba([n * 100, (x % 251) as u8, 40, 255]));
            image::Frame::new(img)
        });
        encoder.encode_frames(frames).expect("encode gif");
    }
    out
}

fn asset(key: &str, content_type: &str, width: u32, height: u32, bytes: &[u8]) -> MediaAsset {
    MediaAsset { key: key.into(), content_type: content_type.into(), width, height, bytes: bytes.len() as u64 }
}

struct App {
    router: Router,
    media: tempfile::TempDir,
    _state: Arc<AppState<SqliteStore>>,
}

async fn app() -> Res<App> {
    let media = tempfile::tempdir()?;
    let files = [(TALL, png(200, 1600)), (WIDE, png(700, 100)), (ANIMATED, animated_gif(400, 60))];
    for (key, bytes) in &files {
        std::fs::write(media.path().join(key), bytes)?;
    }
    let set = ImportSet {
        media: vec![
            asset(TALL, "image/png", 200, 1600, &files[0].1),
            asset(WIDE, "image/png", 700, 100, &files[1].1),
            asset(ANIMATED, "image/gif", 400, 60, &files[2].1),
        ],
        ..meridian(vec![article("a01"), article("a02")])
    };
    let store = SqliteStore::open("sqlite::memory:").await?;
    store.apply_import(&set, false).await?;
    let (state, router) = web::serve_media(store, MediaDir::new(media.path()), WebConfig::default()).await?;
    Ok(App { router, media, _state: state })
}

struct Answer {
    status: StatusCode,
    headers: http::HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: impl header::AsHeaderName) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

async fn send(app: &App, req: Request<Body>) -> Res<Answer> {
    let res = app.router.clone().oneshot(req).await?;
    let status = res.status();
    let headers = res.headers().clone();
    let body = axum::body::to_bytes(res.into_body(), usize::MAX).await?.to_vec();
    Ok(Answer { status, headers, body })
}

async fn get(app: &App, path: &str) -> Res<Answer> {
    send(app, Request::get(path).header(header::HOST, HOST).body(Body::empty())?).await
}

/// A form post to the share page with the given extra headers.
async fn share_post(app: &App, fields: &[(&str, &str)], headers: &[(&str, &str)]) -> Res<Answer> {
    let mut body = form_urlencoded::Serializer::new(String::new());
    for (k, v) in fields {
        body.append_pair(k, v);
    }
    let mut req = Request::post("/share/mastodon/")
        .header(header::HOST, HOST)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    send(app, req.body(Body::from(body.finish()))?).await
}

async fn metrics(app: &App) -> Res<String> {
    Ok(get(app, "/metrics").await?.text())
}

fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines().find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

/// The cache's two numbers that a render or a new entry would move.
fn cache_numbers(text: &str) -> (Option<f64>, Option<f64>) {
    (sample(text, "prensa_page_cache_misses_total"), sample(text, "prensa_page_cache_entries"))
}

/// A small deterministic generator for junk query strings.
fn junk_query(seed: u64) -> String {
    const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789=&_-.";
    let mut x = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    (0..(5 + seed % 20))
        .map(|_| {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            CHARS[((x >> 33) % CHARS.len() as u64) as usize] as char
        })
        .collect()
}

#[tokio::test]
async fn junk_variants_of_a_url_render_nothing_and_store_nothing() -> Res<()> {
    let app = app().await?;
    let pages = ["/", "/a01/", "/section/labor/", "/author/ana/", "/tag/ports/"];
    for page in pages {
        assert_eq!(get(&app, page).await?.status, StatusCode::OK, "{page}");
    }
    assert_eq!(get(&app, "/no/such/page/at/all/").await?.status, StatusCode::NOT_FOUND);
    let before = metrics(&app).await?;
    assert_eq!(cache_numbers(&before), (Some(6.0), Some(6.0)), "five pages and the shared 404");

    let mut requests = 0;
    for (i, page) in pages.iter().enumerate() {
        let bare = page.trim_end_matches('/');
        let mut variants = vec![
            format!("{page}?page=abc"),
            format!("{page}?xpage=1"),
            format!("{page}?page="),
            format!("{page}?page=0"),
            format!("{page}?page=-3"),
            format!("{page}?page=2x"),
            format!("{page}?utm_source=feed&page=abc"),
            format!("{page}?pagex=2&apage=3"),
        ];
        if !bare.is_empty() {
            variants.extend([
                format!("{bare}//"),
                format!("{bare}///"),
                format!("{bare}////?page=abc"),
                format!("/{bare}/"),
                bare.to_owned(),
                format!("{bare}?page=abc"),
                bare.replacen('/', "//", 2),
            ]);
        }
        for n in 0..40 {
            variants.push(format!("{page}?{}", junk_query((i * 100 + n) as u64)));
        }
        for path in variants {
            let r = get(&app, &path).await?;
            requests += 1;
            match r.status {
                StatusCode::OK => {}
                StatusCode::MOVED_PERMANENTLY => {
                    let to = r.header(header::LOCATION).unwrap_or("");
                    assert!(to.starts_with('/') && !to.starts_with("//"), "{path} → {to}");
                    // One hop to the page itself, or to a later page of a
                    // list (a valid `page` in a junk query string).
                    assert!(to == *page || to.starts_with(&format!("{page}page/")), "{path} → {to}");
                }
                other => panic!("{path}: {other}"),
            }
        }
    }
    let after = metrics(&app).await?;
    assert_eq!(cache_numbers(&after), cache_numbers(&before), "after {requests} junk requests");
    assert!(sample(&after, "prensa_page_cache_hits_total").unwrap_or(0.0) > 0.0);
    Ok(())
}

#[tokio::test]
async fn a_page_named_in_a_query_still_redirects_only_for_lists() -> Res<()> {
    let app = app().await?;
    let r = get(&app, "/section/labor/?page=2").await?;
    assert_eq!((r.status, r.header(header::LOCATION)), (StatusCode::MOVED_PERMANENTLY, Some("/section/labor/page/2/")));
    let r = get(&app, "/section/labor/?page=1&utm_source=x").await?;
    assert_eq!((r.status, r.header(header::LOCATION)), (StatusCode::MOVED_PERMANENTLY, Some("/section/labor/")));
    // An article ignores `page`: the page itself, from the cache after the first.
    assert_eq!(get(&app, "/a01/?page=2").await?.status, StatusCode::OK);
    let before = metrics(&app).await?;
    assert_eq!(get(&app, "/a01/?page=3").await?.status, StatusCode::OK);
    assert_eq!(cache_numbers(&metrics(&app).await?), cache_numbers(&before));
    Ok(())
}

#[tokio::test]
async fn variants_as_wide_as_the_original_are_served_without_decoding_it() -> Res<()> {
    let app = app().await?;
    let decodes = |text: &str| sample(text, "prensa_media_variant_decodes_total");
    let start = decodes(&metrics(&app).await?).ok_or("no decode counter")?;
    let tall = std::fs::read(app.media.path().join(TALL))?;
    let gif = std::fs::read(app.media.path().join(ANIMATED))?;
    let files_before = std::fs::read_dir(app.media.path())?.count();
    for round in 0..3 {
        for width in [320, 640, 1024, 1600] {
            for ext in ["png", "webp"] {
                let r = get(&app, &format!("/media/00000000000000aa-{width}.{ext}")).await?;
                assert_eq!(r.status, StatusCode::OK, "{width}.{ext}");
                assert_eq!(r.header(header::CONTENT_TYPE), Some("image/png"), "the original's type");
                assert!(r.body == tall, "round {round}: {width}.{ext} is the original");
            }
        }
        for key in ["00000000000000bb-1024.webp", "00000000000000bb-1600.png"] {
            assert_eq!(get(&app, &format!("/media/{key}")).await?.status, StatusCode::OK, "{key}");
        }
    }
    let m = metrics(&app).await?;
    assert_eq!(decodes(&m), Some(start), "no decode for a variant at least as wide as its original");
    assert_eq!(std::fs::read_dir(app.media.path())?.count(), files_before, "nothing stored for them");

    // A narrower one is made once (one decode), stored, then read back.
    for _ in 0..3 {
        let r = get(&app, "/media/00000000000000bb-320.webp").await?;
        assert_eq!((r.status, r.header(header::CONTENT_TYPE)), (StatusCode::OK, Some("image/webp")));
    }
    assert_eq!(decodes(&metrics(&app).await?), Some(start + 1.0));
    // An animated image has no variant at any width: found out by one
    // decode, then remembered.
    for _ in 0..3 {
        let r = get(&app, "/media/00000000000000cc-320.webp").await?;
        assert_eq!((r.status, r.header(header::CONTENT_TYPE)), (StatusCode::OK, Some("image/gif")));
        assert!(r.body == gif, "the animation itself");
    }
    assert_eq!(decodes(&metrics(&app).await?), Some(start + 2.0));
    Ok(())
}

#[tokio::test]
async fn every_response_carries_nosniff_and_a_referrer_policy() -> Res<()> {
    let app = app().await?;
    let css = {
        let home = get(&app, "/").await?.text();
        let at = home.find("/assets/").ok_or("stylesheet link")?;
        home[at..].split('"').next().ok_or("href")?.to_owned()
    };
    let mut answers = Vec::new();
    for path in [
        "/",
        "/a01/",
        "/a01",
        "/section/labor/",
        "/author/ana/",
        "/tag/ports/",
        "/no-such-article/",
        "/no/such/page/at/all/",
        "/search/?q=body",
        "/search",
        "/share/mastodon/?text=Hello",
        "/share/mastodon/?instance=mastodon.social&text=Hello",
        "/share/mastodon/?instance=not%20a%20server",
        &format!("/media/{TALL}"),
        "/media/00000000000000aa-640.webp",
        "/media/0000000000000000.png",
        "/media/not-a-key",
        &css,
        "/assets/nope.css",
        "/healthz",
        "/readyz",
        "/metrics",
        "/admin/login",
        "/admin/",
        "/admin",
        "/admin/assets/admin.css",
        "/preview/no-such-token",
    ] {
        answers.push((format!("GET {path}"), get(&app, path).await?));
    }
    answers.push((
        "POST /share/mastodon/".into(),
        share_post(&app, &[("instance", "mastodon.social"), ("text", "x")], &[]).await?,
    ));
    for (method, path) in [("POST", "/"), ("DELETE", "/healthz"), ("PUT", "/media/x.png")] {
        let req = Request::builder().method(method).uri(path).header(header::HOST, HOST).body(Body::empty())?;
        answers.push((format!("{method} {path}"), send(&app, req).await?));
    }
    let mut statuses = std::collections::BTreeSet::new();
    for (what, r) in &answers {
        statuses.insert(r.status.as_u16());
        assert_eq!(r.header(header::X_CONTENT_TYPE_OPTIONS), Some("nosniff"), "{what} ({})", r.status);
        let policy = r.header(header::REFERRER_POLICY).unwrap_or("");
        assert!(
            ["strict-origin-when-cross-origin", "same-origin", "no-referrer"].contains(&policy),
            "{what} ({}): referrer policy {policy:?}",
            r.status
        );
    }
    assert!(
        statuses.is_superset(&[200, 301, 303, 404, 405, 422].into()),
        "every kind of answer was seen: {statuses:?}"
    );
    // The public site's own policy; the admin keeps its stricter one.
    let home = &answers[0].1;
    assert_eq!(home.header(header::REFERRER_POLICY), Some("strict-origin-when-cross-origin"));
    let login = answers.iter().find(|(w, _)| w == "GET /admin/login").ok_or("login")?;
    assert_eq!(login.1.header(header::REFERRER_POLICY), Some("same-origin"));
    // Public pages submit forms only to the site itself.
    for (what, r) in &answers {
        if let Some(csp) = r.header(header::CONTENT_SECURITY_POLICY) {
            let form_action = csp.split(';').map(str::trim).find(|d| d.starts_with("form-action")).unwrap_or("");
            assert_eq!(form_action, "form-action 'self'", "{what}: {csp}");
        }
    }
    Ok(())
}

#[tokio::test]
async fn the_share_page_sends_readers_on_only_from_its_own_form() -> Res<()> {
    let app = app().await?;
    let text = "Headline a01 http://localhost:8080/a01/";
    let encoded = "Headline%20a01%20http%3A%2F%2Flocalhost%3A8080%2Fa01%2F";

    // Anything else names the server and waits for the reader: no
    // redirect, no refresh, whatever the text.
    let spam = "Your account is locked, sign in at evil.example";
    let evil = [("instance", "evil.example"), ("text", spam)];
    let link =
        "/share/mastodon/?instance=evil.example&text=Your%20account%20is%20locked%2C%20sign%20in%20at%20evil.example";
    let cross_site = [
        ("GET from another site", get(&app, link).await?),
        (
            "POST from another site",
            share_post(&app, &evil, &[("sec-fetch-site", "cross-site"), ("origin", "https://evil.example")]).await?,
        ),
        ("POST with a foreign Origin", share_post(&app, &evil, &[("origin", "https://evil.example")]).await?),
        (
            "POST with this Origin but cross-site",
            share_post(&app, &evil, &[("sec-fetch-site", "cross-site"), ("origin", "http://localhost:8080")]).await?,
        ),
        ("POST without Origin or Fetch Metadata", share_post(&app, &evil, &[]).await?),
    ];
    for (what, r) in &cross_site {
        assert!(!r.status.is_redirection(), "{what}: {}", r.status);
        assert_eq!(r.header(header::LOCATION), None, "{what}");
        assert_eq!(r.header(header::REFRESH), None, "{what}");
        assert_eq!(r.status, StatusCode::OK, "{what}");
        let html = r.text();
        assert!(!html.contains("http-equiv"), "{what}: no refresh in the page either");
        assert!(html.contains("<p>Share this on evil.example:</p>"), "{what}: names the server\n{html}");
        assert!(html.contains("<a href=\"https://evil.example/share?text="), "{what}: a link the reader may follow");
        assert!(html.contains(&format!("<blockquote><p>{spam}</p></blockquote>")), "{what}: shows the text\n{html}");
    }

    // The page itself: a form that posts back here, carrying the text.
    let form = get(&app, &format!("/share/mastodon/?text={encoded}")).await?;
    assert_eq!(form.status, StatusCode::OK);
    let html = form.text();
    assert!(html.contains(r#"<form method="post" action="/share/mastodon/" class="share-form">"#), "{html}");
    assert!(html.contains(&format!(r#"<input type="hidden" name="text" value="{text}">"#)), "{html}");

    // Submitted from that page: sent on to the reader's server.
    for from_form in [
        vec![("sec-fetch-site", "same-origin"), ("origin", "http://localhost:8080")],
        // A browser without Fetch Metadata: its Origin is this host.
        vec![("origin", "http://localhost:8080")],
    ] {
        let r = share_post(&app, &[("text", text), ("instance", "@ana@Mastodon.Social")], &from_form).await?;
        assert_eq!(r.status, StatusCode::OK, "{from_form:?}");
        let target = format!("https://mastodon.social/share?text={encoded}");
        assert_eq!(r.header(header::REFRESH), Some(format!("0; url={target}").as_str()), "{from_form:?}");
        assert!(r
            .text()
            .contains(&format!(r#"<a href="{}">Continue to mastodon.social</a>"#, target.replace('&', "&amp;"))));
    }

    // Not a server name: the form again, saying so; never a way on.
    let bad =
        share_post(&app, &[("instance", "evil.example/path"), ("text", "x")], &[("sec-fetch-site", "same-origin")])
            .await?;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.header(header::REFRESH), None);
    assert!(bad.text().contains("instance-error"));
    Ok(())
}
