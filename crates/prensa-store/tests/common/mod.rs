//! What the newsroom and editorial contract tests share: the fixture
//! (one publication, two sections, two authors, an image, one published
//! article), a fresh SQLite or PostgreSQL store per test, and the macro
//! that runs each test on both backends.
#![allow(dead_code)]

use chrono::{DateTime, Duration, FixedOffset, TimeZone, Utc};
use prensa_core::permissions::Role;
use prensa_core::{
    AdminQuery, ArticleDraft, EditableArticle, Id, ImportSet, MediaAsset, NewArticle, NewAuthor,
    NewPublication, NewSection, NewUser, PublicationSettings, SaveOutcome, SocialLinks, Status,
    User,
};
use prensa_store::{AnyStore, Newsroom, Store, StoreError};
use sqlx::Connection;

pub type TestResult = Result<(), Box<dyn std::error::Error>>;

pub fn date(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).expect("valid test date")
}

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0)
        .single()
        .expect("valid")
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
            NewSection {
                slug: "labor".into(),
                name: "Labor".into(),
                description: "Work".into(),
            },
            NewSection {
                slug: "culture".into(),
                name: "Culture".into(),
                description: "Art".into(),
            },
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

/// The ids the tests need.
pub struct Fx {
    pub publication: Id,
    pub labor: Id,
    pub culture: Id,
    pub ana: Id,
    pub ben: Id,
    pub old_news: Id,
    pub labor_tag: Id,
}

pub async fn setup(store: &AnyStore) -> Result<Fx, Box<dyn std::error::Error>> {
    store.apply_import(&fixture(), false).await?;
    let p = store.publications().await?.remove(0);
    let section = |slug: &'static str| async move {
        store
            .section_by_slug(p.id, slug)
            .await
            .map(|s| s.expect("section").id)
    };
    let author = |slug: &'static str| async move {
        store
            .author_by_slug(p.id, slug)
            .await
            .map(|a| a.expect("author").id)
    };
    let all = AdminQuery {
        limit: 10,
        ..Default::default()
    };
    let old_news = store.admin_articles(p.id, &all, now()).await?.items[0].id;
    Ok(Fx {
        publication: p.id,
        labor: section("labor").await?,
        culture: section("culture").await?,
        ana: author("ana").await?,
        ben: author("ben").await?,
        old_news,
        labor_tag: store.tag_by_slug(p.id, "labor").await?.expect("tag").id,
    })
}

pub fn draft(fx: &Fx, slug: &str) -> ArticleDraft {
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

pub async fn staff(store: &AnyStore, fx: &Fx) -> Result<User, StoreError> {
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

pub async fn sqlite() -> Result<AnyStore, StoreError> {
    AnyStore::open("sqlite::memory:").await
}

/// A PostgreSQL schema created for one test and dropped when it ends, even
/// when the test fails.
pub struct PgSchema {
    base: String,
    name: String,
}

impl PgSchema {
    pub async fn create() -> Result<Option<PgSchema>, Box<dyn std::error::Error>> {
        let Some(base) = prensa_store::testing::server_url(prensa_store::testing::Server::Postgres)
        else {
            return Ok(None);
        };
        let name = unique_schema_name();
        let mut admin = sqlx::PgConnection::connect(&base).await.map_err(|e| {
            format!(
                "the test PostgreSQL (PRENSA_TEST_POSTGRES_URL={}) is unreachable: {e}",
                prensa_store::redact_url(&base)
            )
        })?;
        sqlx::query(&format!("CREATE SCHEMA {name}"))
            .execute(&mut admin)
            .await?;
        admin.close().await?;
        Ok(Some(PgSchema { base, name }))
    }

    pub fn url(&self) -> String {
        let sep = if self.base.contains('?') { '&' } else { '?' };
        format!("{}{sep}options[search_path]={}", self.base, self.name)
    }

    pub async fn store(&self) -> Result<AnyStore, StoreError> {
        AnyStore::open(&self.url()).await
    }
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        let (base, name) = (self.base.clone(), self.name.clone());
        let dropped = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            rt.block_on(async {
                let mut admin = sqlx::PgConnection::connect(&base).await?;
                sqlx::query(&format!("DROP SCHEMA IF EXISTS {name} CASCADE"))
                    .execute(&mut admin)
                    .await?;
                admin.close().await
            })
            .map_err(std::io::Error::other)
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("warning: could not drop test schema {}", self.name);
        }
    }
}

pub fn unique_schema_name() -> String {
    static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("n_{}_{n}_{nanos}", std::process::id())
}

/// Runs each named `async fn(AnyStore) -> TestResult` as two tests,
/// `NAME::sqlite` and `NAME::postgres`.
macro_rules! on_every_backend {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn sqlite() -> super::TestResult {
                super::$name(super::sqlite().await?).await
            }

            #[tokio::test]
            async fn postgres() -> super::TestResult {
                let Some(schema) = super::PgSchema::create().await? else { return Ok(()) };
                // Closed before the schema is dropped: a connection still
                // open in the pool would hold locks the DROP waits for.
                let store = schema.store().await?;
                let result = super::$name(store.clone()).await;
                store.close().await;
                result
            }
        }
    )*};
}
