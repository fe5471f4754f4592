//! A contributor's hostile text through the real router: an author bio and
//! an article body nested 10,000 levels deep (block quotes, lists, raw
//! `<div>`s) render the author page, the article with its author box and
//! the home page, instead of overflowing the stack and aborting every node
//! on every uncached render. The admin preview renders through the same
//! `views::article`.

use axum::body::Body;
use chrono::DateTime;
use http::{header, Request, StatusCode};
use prensa_core::{
    ImportSet, NewArticle, NewAuthor, NewPublication, NewSection, PublicationSettings, SocialLinks, Status,
};
use prensa_store::SqliteStore;
use prensa_test_support::web;
use prensa_web::WebConfig;
use tower::ServiceExt;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn hostile() -> String {
    format!(
        "{} quote\n\n{} item\n\n{}div{}\n",
        ">".repeat(10_000),
        "- ".repeat(10_000),
        "<div>".repeat(50_000),
        "</div>".repeat(50_000)
    )
}

fn fixture() -> ImportSet {
    ImportSet {
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
        media: vec![],
        authors: vec![NewAuthor {
            slug: "mallory".into(),
            name: "Mallory".into(),
            bio: hostile(),
            avatar: None,
            social: SocialLinks::default(),
        }],
        sections: vec![NewSection { slug: "labor".into(), name: "Labor".into(), description: String::new() }],
        articles: vec![NewArticle {
            slug: "deep".into(),
            headline: "Deep".into(),
            standfirst: "Nested".into(),
            body: hostile(),
            toc: true,
            authors: vec!["mallory".into()],
            section: "labor".into(),
            tags: vec![],
            image: None,
            status: Status::Published,
            published_at: DateTime::parse_from_rfc3339("2026-01-02T10:00:00+01:00").expect("valid test date"),
            updated_at: None,
            translation_group: None,
        }],
    }
}

#[tokio::test]
async fn deeply_nested_bios_and_bodies_render() -> TestResult {
    let store = SqliteStore::open("sqlite::memory:").await?;
    let web::Site { router, media: _media, .. } = web::site_on(store, &fixture(), WebConfig::default()).await?;
    for path in ["/author/mallory/", "/deep/", "/"] {
        let req = Request::builder().uri(path).header(header::HOST, "localhost:8080").body(Body::empty())?;
        let res = router.clone().oneshot(req).await?;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        let body = axum::body::to_bytes(res.into_body(), usize::MAX).await?;
        let html = String::from_utf8_lossy(&body);
        if path != "/" {
            assert!(html.contains("quote") && html.contains("item"), "{path}");
        }
    }
    Ok(())
}
