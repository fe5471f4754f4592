//! The store's contract, exercised against SQLite (PostgreSQL joins later).

use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use prensa_core::{
    ArticleQuery, ImportSet, MediaAsset, NewArticle, NewAuthor, NewHeroImage, NewPublication, NewSection,
    PublicationSettings, SocialKind, SocialLinks, Status,
};
use prensa_store::{SqliteStore, Store, StoreError};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn date(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).expect("valid test date")
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).single().expect("valid")
}

fn article(slug: &str, section: &str, authors: &[&str], day: u32) -> NewArticle {
    NewArticle {
        slug: slug.into(),
        headline: format!("Headline {slug}"),
        standfirst: format!("Standfirst {slug}"),
        body: format!("Body of {slug}"),
        toc: false,
        authors: authors.iter().map(|s| s.to_string()).collect(),
        section: section.into(),
        tags: vec!["Labor".into(), "Ports & Docks".into()],
        image: None,
        status: Status::Published,
        published_at: date(&format!("2026-01-{day:02}T10:00:00+01:00")),
        updated_at: None,
        translation_group: None,
    }
}

fn fixture() -> ImportSet {
    let mut social = SocialLinks::default();
    social.set(SocialKind::Mastodon, "https://mastodon.example/@m".into());
    let mut articles: Vec<NewArticle> =
        (1..=20).map(|i| article(&format!("a{i:02}"), if i % 2 == 0 { "labor" } else { "culture" }, &["ana"], i)).collect();
    articles[0].authors = vec!["ben".into(), "ana".into()];
    articles[0].image = Some(NewHeroImage { key: "abc.jpg".into(), alt: "A quay".into(), caption: Some("Cap".into()) });
    articles.push(NewArticle { status: Status::Draft, ..article("draft-one", "labor", &["ana"], 21) });
    articles.push(NewArticle { published_at: date("2026-07-01T08:00:00+00:00"), ..article("future", "labor", &["ana"], 22) });
    ImportSet {
        publication: NewPublication {
            slug: "meridian".into(),
            name: "The Meridian".into(),
            tagline: "Tag".into(),
            language: "en".into(),
            base_url: "http://localhost:8080".into(),
            timezone: "UTC".into(),
            social: social.clone(),
            settings: PublicationSettings::default(),
        },
        media: vec![MediaAsset { key: "abc.jpg".into(), content_type: "image/jpeg".into(), width: 1200, height: 675, bytes: 1000 }],
        authors: vec![
            NewAuthor { slug: "ana".into(), name: "Ana".into(), bio: "Bio".into(), avatar: Some("abc.jpg".into()), social },
            NewAuthor { slug: "ben".into(), name: "Ben".into(), bio: "Bio".into(), avatar: None, social: SocialLinks::default() },
        ],
        sections: vec![
            NewSection { slug: "labor".into(), name: "Labor".into(), description: "Work".into() },
            NewSection { slug: "culture".into(), name: "Culture".into(), description: "Art".into() },
        ],
        articles,
    }
}

async fn store() -> Result<SqliteStore, StoreError> {
    SqliteStore::open("sqlite::memory:").await
}

#[tokio::test]
async fn import_then_read_back() -> TestResult {
    let store = store().await?;
    let counts = store.apply_import(&fixture(), false).await?;
    assert_eq!((counts.articles, counts.authors, counts.sections, counts.tags, counts.media), (22, 2, 2, 2, 1));

    let pubs = store.publications().await?;
    assert_eq!(pubs.len(), 1);
    let p = &pubs[0];
    assert_eq!(p.social.len(), 1);
    assert_eq!(p.settings.page_size, 12);

    let a = store.published_article(p.id, "a01", now()).await?.expect("a01 visible");
    assert_eq!(a.authors.iter().map(|a| a.slug.as_str()).collect::<Vec<_>>(), ["ben", "ana"]);
    assert_eq!(a.authors[1].avatar.as_ref().map(|i| i.width), Some(1200));
    assert_eq!(a.section.slug, "culture");
    assert_eq!(a.tags.iter().map(|t| t.slug.as_str()).collect::<Vec<_>>(), ["labor", "ports-docks"]);
    assert_eq!(a.published_at, date("2026-01-01T10:00:00+01:00"));
    assert_eq!(a.published_at.offset().local_minus_utc(), 3600, "offset kept");
    let hero = a.image.expect("hero");
    assert_eq!((hero.alt.as_str(), hero.caption.as_deref(), hero.image.url()), ("A quay", Some("Cap"), "/media/abc.jpg".into()));
    Ok(())
}

#[tokio::test]
async fn drafts_and_scheduled_stay_hidden_until_due() -> TestResult {
    let store = store().await?;
    store.apply_import(&fixture(), false).await?;
    let p = store.publications().await?.remove(0);
    assert!(store.published_article(p.id, "draft-one", now()).await?.is_none());
    assert!(store.published_article(p.id, "future", now()).await?.is_none());
    let all = store.published_articles(p.id, &ArticleQuery { limit: 100, ..Default::default() }, now()).await?;
    assert_eq!(all.total, 20);
    assert!(all.items.iter().all(|a| a.slug != "draft-one" && a.slug != "future"));

    let due = store.next_scheduled(now()).await?.expect("one scheduled");
    assert_eq!(due, date("2026-07-01T08:00:00+00:00").with_timezone(&Utc));
    assert!(store.published_article(p.id, "future", due).await?.is_some());
    assert!(store.next_scheduled(due).await?.is_none());
    assert!(store.published_article(p.id, "draft-one", due).await?.is_none());
    Ok(())
}

#[tokio::test]
async fn lists_filter_sort_and_page() -> TestResult {
    let store = store().await?;
    store.apply_import(&fixture(), false).await?;
    let p = store.publications().await?.remove(0);
    let labor = store.section_by_slug(p.id, "labor").await?.expect("labor");
    let q = ArticleQuery { section: Some(labor.id), limit: 4, offset: 0, with_total: true, ..Default::default() };
    let page = store.published_articles(p.id, &q, now()).await?;
    assert_eq!(page.total, 10);
    assert_eq!(page.items.iter().map(|a| a.slug.as_str()).collect::<Vec<_>>(), ["a20", "a18", "a16", "a14"]);
    let page3 = store.published_articles(p.id, &ArticleQuery { offset: 8, ..q.clone() }, now()).await?;
    assert_eq!(page3.total, 10, "the total comes with any page");
    let past_end = store.published_articles(p.id, &ArticleQuery { offset: 12, ..q.clone() }, now()).await?;
    assert_eq!((past_end.items.len(), past_end.total), (0, 0));
    let uncounted = store.published_articles(p.id, &ArticleQuery { with_total: false, ..q.clone() }, now()).await?;
    assert_eq!((uncounted.items.len(), uncounted.total), (4, 4), "without with_total only the page is looked at");
    assert_eq!(page3.items.iter().map(|a| a.slug.as_str()).collect::<Vec<_>>(), ["a04", "a02"]);

    let excl = store.published_articles(p.id, &ArticleQuery { exclude: Some(page.items[0].id), ..q.clone() }, now()).await?;
    assert_eq!(excl.total, 9);
    assert_eq!(excl.items[0].slug, "a18");

    let ben = store.author_by_slug(p.id, "ben").await?.expect("ben");
    let by_ben = store.published_articles(p.id, &ArticleQuery { author: Some(ben.id), limit: 10, ..Default::default() }, now()).await?;
    assert_eq!(by_ben.items.len(), 1);
    assert_eq!(by_ben.items[0].authors.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(), ["Ben", "Ana"]);

    let tag = store.tag_by_slug(p.id, "ports-docks").await?.expect("tag");
    assert_eq!(tag.name, "Ports & Docks");
    let tagged =
        store.published_articles(p.id, &ArticleQuery { tag: Some(tag.id), limit: 1, with_total: true, ..Default::default() }, now()).await?;
    assert_eq!((tagged.total, tagged.items.len()), (20, 1));
    assert!(store.author_by_slug(p.id, "nobody").await?.is_none());
    Ok(())
}

#[tokio::test]
async fn reimport_is_idempotent_and_prune_removes() -> TestResult {
    let store = store().await?;
    let v0 = store.content_version().await?;
    store.apply_import(&fixture(), false).await?;
    store.apply_import(&fixture(), false).await?;
    assert_eq!(store.content_version().await?, v0 + 2);
    let p = store.publications().await?.remove(0);
    let all = ArticleQuery { limit: 100, ..Default::default() };
    assert_eq!(store.published_articles(p.id, &all, now()).await?.total, 20);

    let mut smaller = fixture();
    smaller.articles.retain(|a| a.slug != "a05");
    smaller.articles[0].headline = "Changed".into();
    store.apply_import(&smaller, false).await?;
    assert_eq!(store.published_articles(p.id, &all, now()).await?.total, 20, "no prune: a05 stays");
    assert_eq!(store.published_article(p.id, "a01", now()).await?.map(|a| a.headline), Some("Changed".into()));

    let counts = store.apply_import(&smaller, true).await?;
    assert_eq!(counts.pruned, 1);
    assert_eq!(store.published_articles(p.id, &all, now()).await?.total, 19);
    Ok(())
}

#[tokio::test]
async fn failed_import_writes_nothing() -> TestResult {
    let store = store().await?;
    store.apply_import(&fixture(), false).await?;
    let v = store.content_version().await?;
    let mut bad = fixture();
    bad.articles[0].headline = "Should not land".into();
    bad.articles.last_mut().expect("articles").authors = vec!["ghost".into()];
    let err = store.apply_import(&bad, false).await.expect_err("unknown author");
    assert!(matches!(err, StoreError::Invalid(ref m) if m.contains("ghost")), "{err}");
    let p = store.publications().await?.remove(0);
    assert_eq!(store.published_article(p.id, "a01", now()).await?.map(|a| a.headline), Some("Headline a01".into()));
    assert_eq!(store.content_version().await?, v);
    Ok(())
}

#[tokio::test]
async fn file_database_survives_reopen_and_passes_integrity_check() -> TestResult {
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}", dir.path().join("p.db").display());
    let store = SqliteStore::open(&url).await?;
    store.apply_import(&fixture(), false).await?;
    store.close().await;
    let again = SqliteStore::open(&url).await?;
    again.integrity_check().await?;
    assert_eq!(again.publications().await?.len(), 1);
    assert!(matches!(SqliteStore::open("mysql://x").await, Err(StoreError::UnsupportedUrl(_))));
    Ok(())
}
