//! Routing a network of publications through the real router (`oneshot`),
//! on SQLite and on PostgreSQL: one instance with an English publication
//! at the root of `localhost:8080`, a German one under its `/de` prefix on
//! the same host, and a Spanish one on a host of its own. Every page of a
//! prefixed publication — home, article, list pagination, search, media,
//! the 404 page, the admin — answers under the prefix and links under it;
//! nothing answers for an address no publication claims, unless a default
//! publication is configured; and a cached page of one publication is never
//! served for another.

use std::sync::Arc;

use axum::body::Body;
use axum::Router;
use chrono::{DateTime, Utc};
use http::{header, Request, StatusCode};
use prensa_core::permissions::Role;
use prensa_core::{
    ImportSet, MediaAsset, NewArticle, NewAuthor, NewHeroImage, NewPublication, NewSection, NewUser,
    PublicationSettings, SocialLinks, Status,
};
use prensa_store::{AnyStore, MediaDir, Newsroom, Store};
use prensa_test_support::{on_every_backend, web, TestDb};
use prensa_web::{AppState, WebConfig};
use tower::ServiceExt;

type TestResult = Result<(), Box<dyn std::error::Error>>;
type Res<T> = Result<T, Box<dyn std::error::Error>>;

const HOST: &str = "localhost:8080";
const OTHER: &str = "other-host";
/// A 700 px wide PNG in the German publication's library.
const IMAGE: &str = "00000000000000dd.png";

fn article(slug: &str, headline: &str, section: &str, day: u32) -> NewArticle {
    NewArticle {
        slug: slug.into(),
        headline: headline.into(),
        standfirst: format!("Standfirst {slug}"),
        body: format!("Body of {slug}: harbour cranes and wages."),
        toc: false,
        authors: vec!["ana".into()],
        section: section.into(),
        tags: vec!["Hafen".into()],
        image: None,
        status: Status::Published,
        published_at: DateTime::parse_from_rfc3339(&format!("2026-01-{day:02}T10:00:00+01:00"))
            .expect("valid test date"),
        updated_at: None,
        translation_group: None,
    }
}

fn publication(
    slug: &str,
    name: &str,
    language: &str,
    base_url: &str,
    section: (&str, &str),
    articles: Vec<NewArticle>,
) -> ImportSet {
    ImportSet {
        publication: NewPublication {
            slug: slug.into(),
            name: name.into(),
            tagline: format!("{name} tagline"),
            language: language.into(),
            base_url: base_url.into(),
            timezone: "UTC".into(),
            social: SocialLinks::default(),
            settings: PublicationSettings { page_size: 2, ..PublicationSettings::default() },
            api_cors_origins: Vec::new(),
        },
        media: vec![],
        authors: vec![NewAuthor {
            slug: "ana".into(),
            name: "Ana Ruiz".into(),
            bio: "Writes about ports.".into(),
            avatar: None,
            social: SocialLinks::default(),
        }],
        sections: vec![NewSection { slug: section.0.into(), name: section.1.into(), description: String::new() }],
        articles,
    }
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([(x % 251) as u8, (y % 241) as u8, 90]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).expect("encode png");
    out.into_inner()
}

/// The three publications. Each has an article at `/shared/` with its own
/// headline, so a page served for the wrong publication shows.
fn network(image_bytes: &[u8]) -> [ImportSet; 3] {
    let en = publication(
        "meridian",
        "The Meridian",
        "en",
        "http://localhost:8080",
        ("labor", "Labor"),
        vec![
            article("shared", "English shared headline", "labor", 1),
            article("only-english", "Only in English", "labor", 2),
        ],
    );
    let mut de_articles: Vec<NewArticle> =
        (1..=5).map(|n| article(&format!("bericht-{n}"), &format!("Bericht Nummer {n}"), "politik", n + 2)).collect();
    de_articles.push(article("shared", "Deutsche geteilte Schlagzeile", "politik", 9));
    de_articles[0].image = Some(NewHeroImage { key: IMAGE.into(), alt: "Kräne".into(), caption: None });
    let mut de = publication(
        "meridian-de",
        "Der Meridian",
        "de",
        "http://localhost:8080/de",
        ("politik", "Politik"),
        de_articles,
    );
    de.media = vec![MediaAsset {
        key: IMAGE.into(),
        content_type: "image/png".into(),
        width: 700,
        height: 100,
        bytes: image_bytes.len() as u64,
    }];
    let es = publication(
        "meridiano",
        "El Meridiano",
        "es",
        "http://other-host",
        ("trabajo", "Trabajo"),
        vec![article("shared", "Titular compartido", "trabajo", 1)],
    );
    [en, de, es]
}

struct Net {
    router: Router,
    state: Arc<AppState<AnyStore>>,
    _media: tempfile::TempDir,
}

/// Imports `sets` into a fresh store and serves them.
async fn serve(backend: &TestDb, sets: &[ImportSet], config: WebConfig) -> Res<Net> {
    let media = tempfile::tempdir()?;
    let bytes = png(700, 100);
    std::fs::write(media.path().join(IMAGE), &bytes)?;
    let store = backend.store().await?;
    for set in sets {
        store.apply_import(set, false).await?;
    }
    let (state, router) = web::serve_media(store, MediaDir::new(media.path()), config).await?;
    Ok(Net { router, state, _media: media })
}

async fn three(backend: &TestDb, config: WebConfig) -> Res<Net> {
    serve(backend, &network(&png(700, 100)), config).await
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

/// The answer, its text with `&#x2f;` read as `/` (the admin's templates
/// escape slashes in values, which a browser reads as slashes).
async fn send(router: &Router, req: Request<Body>) -> Res<Answer> {
    let res = router.clone().oneshot(req).await?;
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX).await?;
    let text = String::from_utf8_lossy(&bytes).replace("&#x2f;", "/");
    Ok(Answer { status, headers, text })
}

async fn get(net: &Net, host: &str, path: &str) -> Res<Answer> {
    get_with(net, host, path, &[]).await
}

async fn get_with(net: &Net, host: &str, path: &str, headers: &[(&str, &str)]) -> Res<Answer> {
    let mut b = Request::builder().uri(path).header(header::HOST, host);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    send(&net.router, b.body(Body::empty())?).await
}

/// The `lang` of the page's `<html>`.
fn lang(html: &str) -> Option<&str> {
    let rest = &html[html.find("<html")?..];
    let rest = &rest[rest.find("lang=\"")? + 6..];
    Some(&rest[..rest.find('"')?])
}

/// Every URL the page links to or loads: `href`, `src`, `action`,
/// `formaction` and each candidate of a `srcset`, entities decoded.
fn urls(html: &str) -> Vec<String> {
    let html: &str = &without_language_links(html);
    let mut out = Vec::new();
    for attr in [" href=\"", " src=\"", " action=\"", " formaction=\"", " srcset=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let Some(end) = rest.find('"') else { break };
            let value = rest[..end].replace("&amp;", "&").replace("&#x2f;", "/").replace("&#x2F;", "/");
            if attr == " srcset=\"" {
                out.extend(value.split(',').filter_map(|c| c.split_whitespace().next()).map(str::to_owned));
            } else {
                out.push(value);
            }
            rest = &rest[end..];
        }
    }
    out
}

/// The page without its tags that carry `hreflang`: those link to the
/// sister publications' counterparts on purpose ("Also in", `<link rel=
/// "alternate">`), on their own base URLs.
fn without_language_links(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('>').map_or(rest.len(), |e| start + e + 1);
        let tag = &rest[start..end];
        if !tag.contains(" hreflang=") {
            out.push_str(tag);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Every link of a page of the `/de` publication that stays on this
/// instance carries the prefix: root-relative ones start with `/de/`,
/// absolute ones on the shared host with `http://localhost:8080/de/`.
/// Anchors and other sites (share links) are left alone.
fn assert_links_under_de(page: &str, html: &str) {
    let links = urls(html);
    assert!(links.len() > 5, "{page}: too few links found: {links:?}");
    for url in links {
        let other_site = url
            .split_once("://")
            .map(|(_, rest)| rest.split('/').next().unwrap_or(""))
            .is_some_and(|host| !host.is_empty() && !host.starts_with("localhost"));
        let ok = url.starts_with('#')
            || url.starts_with("/de/")
            || url.starts_with("http://localhost:8080/de/")
            || url.starts_with("mailto:")
            || other_site;
        assert!(ok, "{page}: link `{url}` leaves the /de publication");
    }
}

async fn prefixed_publication_serves_every_page_under_its_prefix(backend: TestDb) -> TestResult {
    let net = three(&backend, WebConfig::default()).await?;

    let home = get(&net, HOST, "/de/").await?;
    assert_eq!(home.status, StatusCode::OK);
    assert_eq!(lang(&home.text), Some("de"));
    assert!(home.text.contains("Der Meridian") && home.text.contains("Bericht Nummer 5"));
    assert!(home.text.contains("href=\"/de/bericht-5/\""), "cards link under the prefix");

    let article = get(&net, HOST, "/de/bericht-1/").await?;
    assert_eq!(article.status, StatusCode::OK);
    assert!(article.text.contains("<link rel=\"canonical\" href=\"http://localhost:8080/de/bericht-1/\">"));
    assert!(article.text.contains("content=\"http://localhost:8080/de/bericht-1/\""), "og:url");
    assert!(article.text.contains("\"url\":\"http://localhost:8080/de/bericht-1/\""), "JSON-LD");

    // Six articles, two a page: page 2 of the section, with its neighbours.
    let list = get(&net, HOST, "/de/section/politik/page/2/").await?;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.text.contains("href=\"/de/section/politik/\""), "previous page");
    assert!(list.text.contains("href=\"/de/section/politik/page/3/\""), "next page");
    assert!(list.text.contains("<link rel=\"next\" href=\"http://localhost:8080/de/section/politik/page/3/\">"));
    // Non-canonical spellings redirect under the prefix.
    let r = get(&net, HOST, "/de/section/politik/?page=2").await?;
    assert_eq!((r.status, r.location()), (StatusCode::MOVED_PERMANENTLY, "/de/section/politik/page/2/"));
    let r = get(&net, HOST, "/de/bericht-1").await?;
    assert_eq!((r.status, r.location()), (StatusCode::MOVED_PERMANENTLY, "/de/bericht-1/"));

    // Search is the publication's own index.
    let search = get(&net, HOST, "/de/search/?q=Bericht").await?;
    assert_eq!(search.status, StatusCode::OK);
    assert!(search.text.contains("href=\"/de/bericht-"), "results link under the prefix");
    assert!(search.text.contains("action=\"/de/search/\""));
    assert!(!search.text.contains("English shared headline"));
    let r = get(&net, HOST, "/de/search?q=x").await?;
    assert_eq!((r.status, r.location()), (StatusCode::MOVED_PERMANENTLY, "/de/search/?q=x"));

    // Media and the stylesheet under the prefix.
    let hero = get(&net, HOST, &format!("/de/media/{IMAGE}")).await?;
    assert_eq!(hero.status, StatusCode::OK);
    assert_eq!(hero.headers[header::CONTENT_TYPE], "image/png");
    let css = net.state.theme.css_url().to_owned();
    assert!(article.text.contains(&format!("href=\"/de{css}\"")));
    assert_eq!(get(&net, HOST, &format!("/de{css}")).await?.status, StatusCode::OK);
    assert!(article.text.contains(&format!("/de/media/{IMAGE}")));

    // The 404 page under the prefix is the German publication's.
    let missing = get(&net, HOST, "/de/no-such-article/").await?;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(lang(&missing.text), Some("de"));
    assert!(missing.text.contains("Der Meridian"));

    // `/de` is the prefix without its slash.
    let r = get(&net, HOST, "/de").await?;
    assert_eq!((r.status, r.location()), (StatusCode::MOVED_PERMANENTLY, "/de/"));
    let r = get(&net, HOST, "/de?utm_source=x").await?;
    assert_eq!((r.status, r.location()), (StatusCode::MOVED_PERMANENTLY, "/de/?utm_source=x"));

    // Without the prefix the German article is not there: the English
    // publication's 404, in English.
    let bare = get(&net, HOST, "/bericht-1/").await?;
    assert_eq!(bare.status, StatusCode::NOT_FOUND);
    assert_eq!(lang(&bare.text), Some("en"));
    assert!(!bare.text.contains("Bericht Nummer 1"));
    // A prefix matches whole segments only.
    let design = get(&net, HOST, "/design/").await?;
    assert_eq!(design.status, StatusCode::NOT_FOUND);
    assert_eq!(lang(&design.text), Some("en"));

    // The root publication and the one on its own host.
    let en = get(&net, HOST, "/only-english/").await?;
    assert_eq!(en.status, StatusCode::OK);
    assert_eq!(lang(&en.text), Some("en"));
    let es = get(&net, OTHER, "/").await?;
    assert_eq!(es.status, StatusCode::OK);
    assert_eq!(lang(&es.text), Some("es"));
    assert!(es.text.contains("El Meridiano"));
    assert_eq!(get(&net, OTHER, "/only-english/").await?.status, StatusCode::NOT_FOUND);
    assert_eq!(get(&net, OTHER, "/de/bericht-1/").await?.status, StatusCode::NOT_FOUND);
    Ok(())
}

async fn every_link_of_a_prefixed_page_carries_the_prefix(backend: TestDb) -> TestResult {
    let net = three(&backend, WebConfig::default()).await?;
    for path in [
        "/de/",
        "/de/bericht-1/",
        "/de/section/politik/page/2/",
        "/de/author/ana/",
        "/de/tag/hafen/",
        "/de/search/?q=Bericht",
        "/de/no-such-page/",
        "/de/share/mastodon/?text=x",
    ] {
        let page = get(&net, HOST, path).await?;
        assert!(page.status == StatusCode::OK || page.status == StatusCode::NOT_FOUND, "{path}: {}", page.status);
        assert_links_under_de(path, &page.text);
    }
    // And the links found actually answer (each page once).
    let article = get(&net, HOST, "/de/bericht-1/").await?;
    for url in urls(&article.text) {
        let Some(path) =
            url.strip_prefix("http://localhost:8080").or(Some(url.as_str())).filter(|u| u.starts_with("/de/"))
        else {
            continue;
        };
        let r = get(&net, HOST, path).await?;
        assert_eq!(r.status, StatusCode::OK, "{path} linked from /de/bericht-1/");
    }
    Ok(())
}

async fn unknown_addresses_get_a_404_or_the_default_publication(backend: TestDb) -> TestResult {
    let net = three(&backend, WebConfig::default()).await?;
    for (host, path) in [("unknown.example", "/"), ("unknown.example", "/shared/"), ("unknown.example", "/de/")] {
        let r = get(&net, host, path).await?;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{host}{path}");
        for name in ["Meridian", "Meridiano", "shared headline", "Schlagzeile", "Titular"] {
            assert!(!r.text.contains(name), "{host}{path} shows a publication: {}", r.text);
        }
    }
    // The process's own endpoints answer for any host.
    assert_eq!(get(&net, "unknown.example", "/healthz").await?.status, StatusCode::OK);
    let metrics = get(&net, "unknown.example", "/metrics").await?;
    assert_eq!(metrics.status, StatusCode::OK);
    // Answered before routing, yet counted as the public site's 404s are.
    assert!(metrics.text.contains("prensa_http_requests_total{route=\"page\",status=\"404\"} 3\n"), "{}", metrics.text);

    let config = WebConfig { default_publication: Some("meridiano".into()), ..WebConfig::default() };
    let net = three(&backend, config).await?;
    let r = get(&net, "unknown.example", "/shared/").await?;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains("Titular compartido"));
    // Known hosts keep their own publications.
    assert!(get(&net, HOST, "/shared/").await?.text.contains("English shared headline"));
    assert!(get(&net, HOST, "/de/shared/").await?.text.contains("Deutsche geteilte Schlagzeile"));
    Ok(())
}

async fn one_publication_answers_any_host(backend: TestDb) -> TestResult {
    let [en, _, _] = network(&png(700, 100));
    let net = serve(&backend, &[en], WebConfig::default()).await?;
    for host in [HOST, "127.0.0.1:9999", "anything.example"] {
        let r = get(&net, host, "/shared/").await?;
        assert_eq!(r.status, StatusCode::OK, "{host}");
        assert!(r.text.contains("English shared headline"));
    }
    Ok(())
}

/// Issue 14: `/admin/media` without its slash showed the public 404.
async fn admin_paths_without_their_slash_are_sent_to_it(backend: TestDb) -> TestResult {
    let net = three(&backend, WebConfig::default()).await?;
    for (path, to) in [
        ("/admin/media", "/admin/media/"),
        ("/admin/translations", "/admin/translations/"),
        ("/de/admin/media", "/de/admin/media/"),
    ] {
        let r = get(&net, HOST, path).await?;
        assert_eq!((r.status, r.location()), (StatusCode::MOVED_PERMANENTLY, to), "{path}");
    }
    // The target answers as the admin (the sign-in page for a stranger).
    let r = get(&net, HOST, "/admin/media/").await?;
    assert!(r.status.is_redirection() && r.location().contains("/admin/login"), "{:?}", r.headers);
    // Nothing else under /admin/ is rewritten into a redirect.
    for path in ["/admin/a.php", "/admin/x//y", "/admin/%2e%2e", "/admin/no-such-page", "/de/admin/no-such-page"] {
        assert_eq!(get(&net, HOST, path).await?.status, StatusCode::NOT_FOUND, "{path}");
    }
    Ok(())
}

async fn the_page_cache_keeps_publications_apart(backend: TestDb) -> TestResult {
    let net = three(&backend, WebConfig::default()).await?;
    // The same paths on three publications, each asked twice (the second
    // time from the cache), in an order that would expose a shared key.
    for _ in 0..2 {
        for (host, path, expected, not) in [
            (HOST, "/shared/", "English shared headline", "Schlagzeile"),
            (HOST, "/de/shared/", "Deutsche geteilte Schlagzeile", "English shared"),
            (OTHER, "/shared/", "Titular compartido", "English shared"),
            (HOST, "/", "The Meridian", "Der Meridian"),
            (HOST, "/de/", "Der Meridian", "El Meridiano"),
            (OTHER, "/", "El Meridiano", "Der Meridian"),
            (HOST, "/nothing-here/", "lang=\"en\"", "lang=\"de\""),
            (HOST, "/de/nothing-here/", "lang=\"de\"", "lang=\"en\""),
        ] {
            let r = get(&net, host, path).await?;
            assert!(r.text.contains(expected), "{host}{path}: expected {expected}");
            assert!(!r.text.contains(not), "{host}{path}: shows {not}");
        }
    }
    // The six pages cached in the first round are hits in the second (an
    // unknown slug asks the store each time, then serves the shared 404
    // entry).
    let stats = net.state.cache.stats();
    assert!(stats.hits >= 6, "the second round came from the cache: {stats:?}");
    Ok(())
}

async fn admin_under_a_prefix_signs_in_and_stays_there(backend: TestDb) -> TestResult {
    let net = three(&backend, WebConfig::default()).await?;
    let user = net
        .state
        .store
        .create_user(
            &NewUser {
                email: "ed@example.org".into(),
                name: "Ed".into(),
                role: Role::Administrator,
                author_id: None,
                publication: None,
            },
            Utc::now(),
        )
        .await?;
    net.state.store.set_password(user.id, &prensa_auth::hash_password("correct horse battery")?).await?;

    // Anonymous: sent to the sign-in form under the prefix.
    let r = get(&net, HOST, "/de/admin/articles/").await?;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().starts_with("/de/admin/login?next="), "{}", r.location());

    let form = get(&net, HOST, "/de/admin/login").await?;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text.contains("action=\"/de/admin/login\""));
    assert!(form.text.contains("href=\"/de/admin/assets/admin.css\""));
    let cookie = form
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("prensa_login="))
        .ok_or("login cookie")?
        .to_owned();
    // `Path=/`: one sign-in serves every publication's admin on this host.
    assert!(cookie.contains("Path=/;"), "{cookie}");
    let pair = cookie.split(';').next().ok_or("cookie")?.to_owned();
    let csrf = pair.trim_start_matches("prensa_login=").to_owned();

    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("csrf", &csrf)
        .append_pair("email", "ed@example.org")
        .append_pair("password", "correct horse battery")
        .append_pair("next", "/admin/articles/")
        .finish();
    let req = Request::builder()
        .method("POST")
        .uri("/de/admin/login")
        .header(header::HOST, HOST)
        .header(header::ORIGIN, "http://localhost:8080")
        .header(header::COOKIE, &pair)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))?;
    let signed_in = send(&net.router, req).await?;
    assert_eq!(signed_in.status, StatusCode::SEE_OTHER, "{}", signed_in.text);
    assert_eq!(signed_in.location(), "/de/admin/articles/");
    let session = signed_in
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("prensa_session="))
        .ok_or("session cookie")?
        .to_owned();
    assert!(session.contains("Path=/;"), "{session}");
    let session = session.split(';').next().ok_or("cookie")?.to_owned();

    // Signed in: the German publication's admin, every link under /de.
    for path in ["/de/admin/", "/de/admin/articles/", "/de/admin/settings", "/de/admin/no-such-page"] {
        let page = get_with(&net, HOST, path, &[("cookie", &session)]).await?;
        if path.ends_with("no-such-page") {
            assert_eq!(page.status, StatusCode::NOT_FOUND);
            continue;
        }
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(page.text.contains("Der Meridian"), "{path}: the admin of the /de publication");
        for url in urls(&page.text) {
            let ok = url.starts_with('#') || url.starts_with("/de/") || url.starts_with("http://localhost:8080/de");
            assert!(ok, "{path}: admin link `{url}` leaves /de");
        }
    }
    // The same session opens the root publication's admin on this host:
    // one sign-in serves every publication of the network on one host.
    let root_admin = get_with(&net, HOST, "/admin/articles/", &[("cookie", &session)]).await?;
    assert_eq!(root_admin.status, StatusCode::OK, "{}", root_admin.text);
    assert!(
        root_admin.text.contains("The Meridian") && !root_admin.text.contains("Der Meridian"),
        "the root publication's admin, signed in"
    );
    // An error page of the admin links under the prefix too.
    let missing = get_with(&net, HOST, "/de/admin/articles/999999/", &[("cookie", &session)]).await?;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.text.contains("href=\"/de/admin/\""), "{}", missing.text);
    // `/de/admin` gains its slash under the prefix.
    let r = get(&net, HOST, "/de/admin").await?;
    assert_eq!(r.location(), "/de/admin/");
    Ok(())
}

on_every_backend!(db:
    prefixed_publication_serves_every_page_under_its_prefix,
    every_link_of_a_prefixed_page_carries_the_prefix,
    unknown_addresses_get_a_404_or_the_default_publication,
    one_publication_answers_any_host,
    the_page_cache_keeps_publications_apart,
    admin_under_a_prefix_signs_in_and_stays_there,
    admin_paths_without_their_slash_are_sent_to_it,
);
