//! Old addresses brought by an import from another platform, through the
//! real router on SQLite and PostgreSQL: `/?p=12` on the home page's path,
//! a date-based permalink, a category page and an address that now looks
//! like an article's all answer 301 to the new page; a renamed article's
//! redirect follows it; unknown URLs stay 404; a publication without old
//! addresses never asks the store for them.

use std::sync::Arc;

use axum::body::Body;
use axum::Router;
use chrono::DateTime;
use http::{header, Request, StatusCode};
use prensa_core::foreign::{ForeignImport, LegacyTarget, LegacyUrl, Platform};
use prensa_core::{
    ImportSet, NetworkImport, NewArticle, NewAuthor, NewPublication, NewSection, PublicationSettings, SocialLinks,
    Status,
};
use prensa_store::{AnyStore, ForeignImports};
use prensa_test_support::{on_every_backend, web};
use prensa_web::AppState;
use tower::ServiceExt;

type TestResult = Result<(), Box<dyn std::error::Error>>;
type Res<T> = Result<T, Box<dyn std::error::Error>>;

fn publication(slug: &str, host: &str) -> NewPublication {
    NewPublication {
        slug: slug.into(),
        name: slug.into(),
        tagline: String::new(),
        language: "en".into(),
        base_url: format!("http://{host}"),
        timezone: "UTC".into(),
        social: SocialLinks::default(),
        settings: PublicationSettings::default(),
        api_cors_origins: Vec::new(),
    }
}

fn article(slug: &str, headline: &str) -> Res<NewArticle> {
    Ok(NewArticle {
        slug: slug.into(),
        headline: headline.into(),
        standfirst: String::new(),
        body: "Body.".into(),
        toc: false,
        authors: vec!["ana".into()],
        section: "news".into(),
        tags: vec!["Strike".into()],
        image: None,
        status: Status::Published,
        published_at: DateTime::parse_from_rfc3339("2019-09-11T08:30:00+00:00")?,
        updated_at: None,
        translation_group: None,
    })
}

fn set(slug: &str, host: &str, articles: Vec<NewArticle>) -> ImportSet {
    ImportSet {
        publication: publication(slug, host),
        media: Vec::new(),
        authors: vec![NewAuthor {
            slug: "ana".into(),
            name: "Ana".into(),
            bio: String::new(),
            avatar: None,
            social: SocialLinks::default(),
        }],
        sections: vec![NewSection { slug: "news".into(), name: "News".into(), description: String::new() }],
        articles,
    }
}

fn old(path: &str, target: LegacyTarget) -> LegacyUrl {
    LegacyUrl { publication: "harbour".into(), path: path.into(), target }
}

async fn world(url: &str) -> Res<(Arc<AppState<AnyStore>>, Router, tempfile::TempDir)> {
    let store = AnyStore::open(url).await?;
    let strike = LegacyTarget::Article("the-strike-begins".into());
    let import = ForeignImport {
        platform: Platform::WordPress,
        network: NetworkImport {
            sets: vec![
                set("harbour", "harbour.example", vec![article("the-strike-begins", "The strike begins")?]),
                set("plain", "plain.example", vec![article("plain-story", "A plain story")?]),
            ],
            translations: Vec::new(),
        },
        sources: Vec::new(),
        legacy: vec![
            old("/?p=20", strike.clone()),
            old("/2019/09/11/the-strike-begins/", strike.clone()),
            old("/strike/", strike),
            old("/category/news/", LegacyTarget::Section("news".into())),
        ],
    };
    store.apply_foreign(&import).await?;
    web::serve(store).await
}

async fn get(router: &Router, host: &str, path: &str) -> Res<(StatusCode, String)> {
    let req = Request::builder().uri(path).header(header::HOST, host).body(Body::empty())?;
    let res = router.clone().oneshot(req).await?;
    let location = res.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    Ok((res.status(), location))
}

async fn old_addresses_answer_301(url: &str) -> TestResult {
    let (state, router, _media) = world(url).await?;
    let h = "harbour.example";
    let moved = |to: &str| (StatusCode::MOVED_PERMANENTLY, to.to_owned());
    assert_eq!(get(&router, h, "/?p=20").await?, moved("/the-strike-begins/"));
    assert_eq!(get(&router, h, "/?utm_source=x&p=20").await?, moved("/the-strike-begins/"));
    assert_eq!(get(&router, h, "/2019/09/11/the-strike-begins/").await?, moved("/the-strike-begins/"));
    assert_eq!(get(&router, h, "/2019/09/11/the-strike-begins/?utm_source=x").await?, moved("/the-strike-begins/"));
    assert_eq!(get(&router, h, "/category/news/").await?, moved("/section/news/"));
    // Looks like an article's address, is an old one.
    assert_eq!(get(&router, h, "/strike/").await?, moved("/the-strike-begins/"));
    // The home page itself, other queries, and unknown paths are untouched.
    assert_eq!(get(&router, h, "/").await?.0, StatusCode::OK);
    assert_eq!(get(&router, h, "/?p=21").await?.0, StatusCode::OK);
    assert_eq!(get(&router, h, "/2019/09/11/nothing/").await?.0, StatusCode::NOT_FOUND);
    assert_eq!(get(&router, h, "/the-strike-begins/").await?.0, StatusCode::OK);
    // Old addresses belong to their publication.
    assert_eq!(get(&router, "plain.example", "/2019/09/11/the-strike-begins/").await?.0, StatusCode::NOT_FOUND);
    assert_eq!(get(&router, "plain.example", "/?p=20").await?.0, StatusCode::OK);
    let sites = state.sites();
    let flag = |slug: &str| sites.list.iter().find(|s| s.publication.slug == slug).map(|s| s.has_legacy_urls);
    assert_eq!((flag("harbour"), flag("plain")), (Some(true), Some(false)), "read with the publications");
    Ok(())
}

on_every_backend!(url: old_addresses_answer_301);
