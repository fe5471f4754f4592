//! What the newsroom and editorial contract tests share: the fixture
//! (one publication, two sections, two authors, an image, one published
//! article); the fresh SQLite or PostgreSQL store per test and the macro
//! that runs each test on both backends come from `prensa-test-support`.
#![allow(dead_code)]

use chrono::{DateTime, Duration, FixedOffset, TimeZone, Utc};
use prensa_core::permissions::Role;
use prensa_core::{
    AdminQuery, ArticleDraft, EditableArticle, Id, ImportSet, MediaAsset, NewArticle, NewAuthor, NewPublication,
    NewSection, NewUser, PublicationSettings, SaveOutcome, SocialLinks, Status, User,
};
use prensa_store::{AnyStore, Newsroom, Store, StoreError};

pub type TestResult = Result<(), Box<dyn std::error::Error>>;

pub fn date(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).expect("valid test date")
}

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).single().expect("valid")
}

/// A session's idle limit long enough never to matter (12 hours).
pub const IDLE: std::time::Duration = std::time::Duration::from_secs(12 * 3600);

pub fn mins(n: i64) -> DateTime<Utc> {
    now() + Duration::minutes(n)
}

/// One publication with two sections, two authors, an image and one
/// published article (`old-news`, tagged `Labor`).
pub fn fixture() -> ImportSet {
    ImportSet {
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
        media: vec![MediaAsset {
            key: "abc.jpg".into(),
            content_type: "image/jpeg".into(),
            width: 1200,
            height: 675,
            bytes: 1000,
        }],
        authors: vec![
            NewAuthor {
                slug: "ana".into(),
                name: "Ana".into(),
                bio: "Bio".into(),
                avatar: None,
                social: SocialLinks::default(),
            },
            NewAuthor {
                slug: "ben".into(),
                name: "Ben".into(),
                bio: "Bio".into(),
                avatar: None,
                social: SocialLinks::default(),
            },
        ],
        sections: vec![
            NewSection { slug: "labor".into(), name: "Labor".into(), description: "Work".into() },
            NewSection { slug: "culture".into(), name: "Culture".into(), description: "Art".into() },
        ],
        articles: vec![NewArticle {
            slug: "old-news".into(),
            headline: "Old news".into(),
            standfirst: String::new(),
            body: "Body".into(),
            toc: false,
            authors: vec!["ana".into()],
            section: "labor".into(),
            tags: vec!["Labor".into()],
            image: None,
            status: Status::Published,
            published_at: date("2026-01-01T10:00:00+01:00"),
            updated_at: None,
            translation_group: None,
        }],
    }
}

/// What [`setup`] wrote: the ids of the seeded publication, sections,
/// authors, article and tag that the tests refer to.
pub struct Seeded {
    pub publication: Id,
    pub labor: Id,
    pub culture: Id,
    pub ana: Id,
    pub ben: Id,
    pub old_news: Id,
    pub labor_tag: Id,
}

pub async fn setup(store: &AnyStore) -> Result<Seeded, Box<dyn std::error::Error>> {
    store.apply_import(&fixture(), false).await?;
    let p = store.publications().await?.remove(0);
    let section =
        |slug: &'static str| async move { store.section_by_slug(p.id, slug).await.map(|s| s.expect("section").id) };
    let author =
        |slug: &'static str| async move { store.author_by_slug(p.id, slug).await.map(|a| a.expect("author").id) };
    let all = AdminQuery { limit: 10, ..Default::default() };
    let old_news = store.admin_articles(p.id, &all, now()).await?.items[0].id;
    Ok(Seeded {
        publication: p.id,
        labor: section("labor").await?,
        culture: section("culture").await?,
        ana: author("ana").await?,
        ben: author("ben").await?,
        old_news,
        labor_tag: store.tag_by_slug(p.id, "labor").await?.expect("tag").id,
    })
}

pub fn draft(fx: &Seeded, slug: &str) -> ArticleDraft {
    ArticleDraft {
        slug: slug.into(),
        headline: format!("Headline {slug}"),
        standfirst: "Standfirst".into(),
        body: "Body".into(),
        toc: true,
        section_id: fx.labor,
        author_ids: vec![fx.ana],
        tags: vec![],
        image: None,
    }
}

pub async fn staff(store: &AnyStore, fx: &Seeded) -> Result<User, StoreError> {
    let new = NewUser {
        email: "ana@example.org".into(),
        name: "Ana A.".into(),
        role: Role::Editor,
        author_id: Some(fx.ana),
        publication: None,
    };
    store.create_user(&new, now()).await
}

pub fn saved(outcome: SaveOutcome) -> EditableArticle {
    match outcome {
        SaveOutcome::Saved(a) => a,
        SaveOutcome::Conflict(a) => panic!("unexpected conflict at version {}", a.version),
    }
}

// The store per backend and the macro that runs a test on each are shared
// with the other crates' tests. Not every test file uses each (as with the
// `dead_code` above).
#[allow(unused_imports)]
pub use prensa_test_support::{on_every_backend, sqlite, PgSchema};
