//! The store's contract, exercised against every backend: each test runs
//! once on SQLite (in memory) and once on PostgreSQL, in a schema of its own
//! so the tests run in parallel. The PostgreSQL half needs
//! `PRENSA_TEST_POSTGRES_URL` (e.g. `postgres://postgres@127.0.0.1:5432/test`);
//! without it, it says so on stderr and passes, or fails when
//! `PRENSA_TEST_REQUIRE` names `postgres` (`prensa_test_support::gate`).

use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use prensa_core::{
    ArticleQuery, ImportSet, MediaAsset, NewArticle, NewAuthor, NewHeroImage, NewSection, SocialKind, SocialLinks,
    Status,
};
use prensa_store::{AnyStore, ApiKeys, ArticleFields, Front, PostgresStore, SqliteStore, Store, StoreError};
use prensa_test_support::fixture::meridian;
use prensa_test_support::{on_every_backend, sqlite, PgSchema};

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
    let mut articles: Vec<NewArticle> = (1..=20)
        .map(|i| article(&format!("a{i:02}"), if i % 2 == 0 { "labor" } else { "culture" }, &["ana"], i))
        .collect();
    articles[0].authors = vec!["ben".into(), "ana".into()];
    articles[0].image = Some(NewHeroImage { key: "abc.jpg".into(), alt: "A quay".into(), caption: Some("Cap".into()) });
    articles.push(NewArticle { status: Status::Draft, ..article("draft-one", "labor", &["ana"], 21) });
    articles.push(NewArticle {
        published_at: date("2026-07-01T08:00:00+00:00"),
        ..article("future", "labor", &["ana"], 22)
    });
    // The Meridian with what these tests read back besides: a profile link
    // (the publication's and Ana's), Ana's avatar, the image, a second
    // author and a second section.
    let mut set = meridian(articles);
    set.publication.social = social.clone();
    set.media = vec![MediaAsset {
        key: "abc.jpg".into(),
        content_type: "image/jpeg".into(),
        width: 1200,
        height: 675,
        bytes: 1000,
    }];
    set.authors[0].avatar = Some("abc.jpg".into());
    set.authors[0].social = social;
    set.authors.push(NewAuthor {
        slug: "ben".into(),
        name: "Ben".into(),
        bio: "Bio".into(),
        avatar: None,
        social: SocialLinks::default(),
    });
    set.sections.push(NewSection { slug: "culture".into(), name: "Culture".into(), description: "Art".into() });
    set
}

on_every_backend!(
    import_then_read_back,
    drafts_and_scheduled_stay_hidden_until_due,
    lists_filter_sort_and_page,
    reimport_is_idempotent_and_prune_removes,
    failed_import_writes_nothing,
    snapshot_copies_everything_and_refuses_a_full_target,
);

async fn import_then_read_back(store: AnyStore) -> TestResult {
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
    assert_eq!(
        (hero.alt.as_str(), hero.caption.as_deref(), hero.image.url()),
        ("A quay", Some("Cap"), "/media/abc.jpg".into())
    );
    Ok(())
}

async fn drafts_and_scheduled_stay_hidden_until_due(store: AnyStore) -> TestResult {
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

async fn lists_filter_sort_and_page(store: AnyStore) -> TestResult {
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

    let excl =
        store.published_articles(p.id, &ArticleQuery { exclude: Some(page.items[0].id), ..q.clone() }, now()).await?;
    assert_eq!(excl.total, 9);
    assert_eq!(excl.items[0].slug, "a18");

    let ben = store.author_by_slug(p.id, "ben").await?.expect("ben");
    let by_ben = store
        .published_articles(p.id, &ArticleQuery { author: Some(ben.id), limit: 10, ..Default::default() }, now())
        .await?;
    assert_eq!(by_ben.items.len(), 1);
    assert_eq!(by_ben.items[0].authors.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(), ["Ben", "Ana"]);

    let tag = store.tag_by_slug(p.id, "ports-docks").await?.expect("tag");
    assert_eq!(tag.name, "Ports & Docks");
    let tagged = store
        .published_articles(
            p.id,
            &ArticleQuery { tag: Some(tag.id), limit: 1, with_total: true, ..Default::default() },
            now(),
        )
        .await?;
    assert_eq!((tagged.total, tagged.items.len()), (20, 1));
    assert!(store.author_by_slug(p.id, "nobody").await?.is_none());
    Ok(())
}

async fn reimport_is_idempotent_and_prune_removes(store: AnyStore) -> TestResult {
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

async fn failed_import_writes_nothing(store: AnyStore) -> TestResult {
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

/// The fixture plus what it lacks for copying: an article without tags, a
/// second publication sharing an author, a translation group, an edit date.
fn rich_fixture() -> Vec<ImportSet> {
    let mut first = fixture();
    first.articles.push(NewArticle { tags: vec![], ..article("untagged", "culture", &["ben"], 23) });
    first.articles[1].translation_group = Some("tg-1".into());
    first.articles[1].updated_at = Some(date("2026-02-03T04:05:06-07:00"));
    let mut second = fixture();
    second.publication.slug = "meridiano".into();
    second.publication.language = "es".into();
    second.authors.retain(|a| a.slug == "ana");
    second.authors[0].bio = "Bio en español".into();
    second.articles.truncate(3);
    for a in &mut second.articles {
        a.authors = vec!["ana".into()];
        a.slug = format!("{}-es", a.slug);
    }
    second.articles[0].translation_group = Some("tg-1".into());
    vec![first, second]
}

/// The sets in one network run, the second publication's first article
/// linked as the translation of the first publication's first article (and
/// its author file giving a Spanish bio).
async fn load(store: &AnyStore, sets: &[ImportSet]) -> TestResult {
    let translations = match sets {
        [first, second, ..] => vec![prensa_core::NewTranslation {
            publication: second.publication.slug.clone(),
            article: second.articles[0].slug.clone(),
            original_language: first.publication.language.clone(),
            original_slug: first.articles[0].slug.clone(),
            source: "es/articles/x.md:8".into(),
        }],
        _ => vec![],
    };
    store.apply_network(&prensa_core::NetworkImport { sets: sets.to_vec(), translations }, false).await?;
    Ok(())
}

async fn snapshot_copies_everything_and_refuses_a_full_target(store: AnyStore) -> TestResult {
    let mut sets = rich_fixture();
    sets[0].publication.api_cors_origins = vec!["https://app.example.org".into()];
    load(&store, &sets).await?;
    let first = store.publications().await?.into_iter().find(|p| p.slug == "meridian").ok_or("meridian")?.id;
    let key = prensa_auth::new_api_key();
    let key_id = store.create_api_key(first, "App", &key.digest, &key.prefix, None, now()).await?;
    store.revoke_api_key(first, key_id, now()).await?;
    // A custom field with a value, and SEO fields (issue 14).
    let def = prensa_core::CustomFieldDraft {
        key: "warning".into(),
        label: "Warning".into(),
        kind: prensa_core::FieldKind::Choice,
        options: vec!["Grief".into(), "War".into()],
        help: "Help".into(),
        position: 3,
    };
    store.create_custom_field(first, &def).await?;
    let seo_article = store.published_article(first, "a01", now()).await?.ok_or("a01")?.id;
    let extras = prensa_core::ArticleExtras {
        seo: prensa_core::ArticleSeo {
            meta_title: "Meta".into(),
            canonical_url: "https://x.example/a".into(),
            ..Default::default()
        },
        custom: [("warning".to_owned(), "War".to_owned())].into(),
    };
    store.save_article_extras(seo_article, &extras).await?;
    // A front-page pin and a logo (issue 14).
    store.pin_article(first, seo_article, prensa_core::front::Slot::Lead, None, now()).await?;
    let logo = store.export_all().await?.media[0].asset.key.clone();
    store.set_brand(first, Some(&logo), None).await?;
    let snap = store.export_all().await?;
    let counts: Vec<usize> = snap.counts().iter().map(|(_, n)| *n).collect();
    // publications, media, authors, publication_authors, sections, tags,
    // articles, article_authors, article_tags, then the newsroom's users,
    // publication_roles, article_revisions, slug_redirects, review_notes,
    // scheduled_changes, then the network's translations and author_bios,
    // then the Content API's keys, then SEO fields, custom fields and
    // values, then the front page's pins and brands, then imports' source
    // ids and old addresses
    assert_eq!(counts, [2, 1, 2, 3, 4, 4, 26, 27, 50, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0]);
    assert_eq!(snap.front.brands[0].logo_key.as_deref(), Some(logo.as_str()));
    assert_eq!(snap.fields.values[0].2, "War");
    assert_eq!(snap.api_keys[0].digest, key.digest, "keys are copied as digests, revoked ones too");
    assert!(snap.api_keys[0].revoked_at.is_some());
    assert!(
        snap.publications.iter().any(|p| p.api_cors_origins == ["https://app.example.org"]),
        "with the CORS setting"
    );
    assert!(snap.articles.iter().any(|a| a.slug == "draft-one" && a.status == Status::Draft), "drafts are copied");
    assert!(snap.articles.iter().any(|a| a.slug == "future"), "scheduled articles are copied");
    let a02 = snap.articles.iter().find(|a| a.slug == "a02").expect("a02");
    assert_eq!(a02.updated_at, date("2026-02-03T04:05:06-07:00"));
    assert_eq!(a02.updated_at.offset().local_minus_utc(), -7 * 3600);
    let a01 =
        snap.articles.iter().find(|a| a.slug == "a01" && a.publication_id == snap.publications[0].id).expect("a01");
    let byline: Vec<_> = snap.article_authors.iter().filter(|r| r.article_id == a01.id).map(|r| r.author_id).collect();
    let ben = snap.authors.iter().find(|a| a.slug == "ben").expect("ben").id;
    assert_eq!(byline[0], ben, "byline order kept");

    let v = store.content_version().await?;
    let err = store.import_snapshot(&snap, false).await.expect_err("target holds content");
    assert!(matches!(err, StoreError::NotEmpty(_)), "{err}");
    assert_eq!(store.content_version().await?, v, "refusal writes nothing");

    store.import_snapshot(&snap, true).await?;
    assert_eq!(store.export_all().await?, snap, "replacing with the same rows is a no-op");
    assert_eq!(store.article_extras(seo_article).await?, extras, "SEO fields and values copied");
    assert!(store.content_version().await? > v, "running servers learn of the copy");

    let empty = prensa_core::Snapshot::default();
    store.import_snapshot(&empty, true).await?;
    assert!(store.export_all().await?.is_empty());
    assert!(store.publications().await?.is_empty());
    Ok(())
}

/// Two stores show exactly the same reader-facing content.
async fn assert_same_content(a: &AnyStore, b: &AnyStore) -> TestResult {
    let pubs = a.publications().await?;
    assert_eq!(pubs, b.publications().await?);
    let snap = a.export_all().await?;
    for p in &pubs {
        assert_eq!(a.sections(p.id).await?, b.sections(p.id).await?);
        for article in snap.articles.iter().filter(|x| x.publication_id == p.id) {
            for at in [now(), date("2030-01-01T00:00:00Z").with_timezone(&Utc)] {
                assert_eq!(
                    a.published_article(p.id, &article.slug, at).await?,
                    b.published_article(p.id, &article.slug, at).await?,
                    "{}",
                    article.slug
                );
            }
        }
        for author in &snap.authors {
            let (x, y) = (a.author_by_slug(p.id, &author.slug).await?, b.author_by_slug(p.id, &author.slug).await?);
            assert_eq!(x, y);
            if let Some(author) = x {
                let q = ArticleQuery { author: Some(author.id), limit: 5, with_total: true, ..Default::default() };
                assert_eq!(a.published_articles(p.id, &q, now()).await?, b.published_articles(p.id, &q, now()).await?);
            }
        }
        for tag in snap.tags.iter().filter(|t| t.publication_id == p.id) {
            assert_eq!(a.tag_by_slug(p.id, &tag.slug).await?, b.tag_by_slug(p.id, &tag.slug).await?);
            let q = ArticleQuery { tag: Some(tag.id), limit: 3, offset: 1, with_total: true, ..Default::default() };
            assert_eq!(a.published_articles(p.id, &q, now()).await?, b.published_articles(p.id, &q, now()).await?);
        }
        let q = ArticleQuery { limit: 100, ..Default::default() };
        assert_eq!(a.published_articles(p.id, &q, now()).await?, b.published_articles(p.id, &q, now()).await?);
        let count = ArticleQuery { limit: 0, ..Default::default() };
        assert_eq!(a.published_articles(p.id, &count, now()).await?, b.published_articles(p.id, &count, now()).await?);
    }
    assert_eq!(a.next_scheduled(now()).await?, b.next_scheduled(now()).await?);
    assert_eq!(a.media("abc.jpg").await?, b.media("abc.jpg").await?);
    Ok(())
}

#[tokio::test]
async fn both_backends_answer_identically_and_snapshots_cross_over() -> TestResult {
    let Some(schema) = PgSchema::create().await? else { return Ok(()) };
    let lite = sqlite().await?;
    let pg = schema.store().await?;
    // Loaded independently, the two backends agree on every read.
    load(&lite, &rich_fixture()).await?;
    load(&pg, &rich_fixture()).await?;
    assert_eq!(lite.export_all().await?, pg.export_all().await?);
    assert_same_content(&lite, &pg).await?;

    // SQLite → a fresh PostgreSQL schema → a fresh SQLite: the same rows
    // (a Content API key among them).
    let first = lite.publications().await?.remove(0).id;
    let key = prensa_auth::new_api_key();
    let key_id = lite.create_api_key(first, "App", &key.digest, &key.prefix, None, now()).await?;
    let snap = lite.export_all().await?;
    let schema2 = PgSchema::create().await?.expect("configured");
    let pg2 = schema2.store().await?;
    pg2.import_snapshot(&snap, false).await?;
    assert_eq!(pg2.export_all().await?, snap);
    assert_same_content(&lite, &pg2).await?;
    let lite2 = sqlite().await?;
    lite2.import_snapshot(&pg2.export_all().await?, false).await?;
    assert_eq!(lite2.export_all().await?, snap);

    // Rows arrived with explicit ids; new ones must not collide with them.
    let mut more = rich_fixture().remove(0);
    more.articles.push(article("brand-new", "labor", &["ana"], 24));
    pg2.apply_import(&more, false).await?;
    let p = pg2.publications().await?.remove(0);
    let fresh = pg2.published_article(p.id, "brand-new", now()).await?.expect("new article");
    assert!(snap.articles.iter().all(|a| a.id < fresh.id));
    let other = prensa_auth::new_api_key();
    assert!(pg2.create_api_key(p.id, "New", &other.digest, &other.prefix, None, now()).await? > key_id);
    Ok(())
}

#[tokio::test]
async fn postgres_reopens_without_migrating_twice() -> TestResult {
    assert!(matches!(PostgresStore::open("sqlite::memory:").await, Err(StoreError::UnsupportedUrl(_))));
    let Some(schema) = PgSchema::create().await? else { return Ok(()) };
    let store = PostgresStore::open(&schema.url()).await?;
    store.apply_import(&fixture(), false).await?;
    store.close().await;
    let again = PostgresStore::open(&schema.url()).await?;
    assert_eq!(again.publications().await?.len(), 1);
    assert_eq!(again.content_version().await?, 1);
    Ok(())
}
