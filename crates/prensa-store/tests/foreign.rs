//! Imports from other platforms in the store, on every backend (see
//! `newsroom.rs` for the environment the PostgreSQL half needs): content,
//! source ids and old addresses are written in one transaction, a second
//! run updates through the remembered source ids, an old address follows
//! its article's later change of slug, a bad address writes nothing, and the
//! rows travel in a snapshot.

use prensa_core::foreign::{ForeignImport, LegacyTarget, LegacyUrl, Platform, SourceKind, SourceLink};
use prensa_core::NetworkImport;
use prensa_store::{AnyStore, ForeignImports, Newsroom, Store, StoreError};

#[macro_use]
mod common;
use common::*;

on_every_backend!(imports_remember_sources_and_old_addresses, a_bad_old_address_writes_nothing);

fn foreign(title: &str) -> ForeignImport {
    let mut set = fixture();
    set.articles[0].headline = title.to_owned();
    let source = |kind, id: &str, slug: &str| SourceLink {
        publication: "meridian".into(),
        kind,
        source_id: id.into(),
        slug: slug.into(),
    };
    let old = |path: &str, target| LegacyUrl { publication: "meridian".into(), path: path.into(), target };
    ForeignImport {
        platform: Platform::WordPress,
        network: NetworkImport { sets: vec![set], translations: vec![] },
        sources: vec![
            source(SourceKind::Article, "123", "old-news"),
            source(SourceKind::Author, "7", "ana"),
            source(SourceKind::Section, "3", "labor"),
        ],
        legacy: vec![
            old("/?p=123", LegacyTarget::Article("old-news".into())),
            old("/2026/01/01/old-news/", LegacyTarget::Article("old-news".into())),
            old("/category/labor/", LegacyTarget::Section("labor".into())),
        ],
    }
}

async fn imports_remember_sources_and_old_addresses(store: AnyStore) -> TestResult {
    // The fixture imported as a content directory first: the import then
    // updates it by slug, as `prensa import dir` would.
    let fx = setup(&store).await?;
    let counts = store.apply_foreign(&foreign("Old news")).await?;
    assert_eq!(counts[0].articles, 1);
    let pid = fx.publication;
    assert!(store.has_legacy_urls(pid).await?);
    assert_eq!(store.legacy_url(pid, "/?p=123").await?.as_deref(), Some("/old-news/"));
    assert_eq!(store.legacy_url(pid, "/category/labor/").await?.as_deref(), Some("/section/labor/"));
    assert_eq!(store.legacy_url(pid, "/?p=124").await?, None, "only what an import brought");
    let links = store.import_sources("meridian", Platform::WordPress).await?;
    assert_eq!(links.len(), 3);
    assert!(links.contains(&SourceLink {
        publication: "meridian".into(),
        kind: SourceKind::Article,
        source_id: "123".into(),
        slug: "old-news".into()
    }));
    assert!(store.import_sources("meridian", Platform::Ghost).await?.is_empty(), "per platform");
    assert!(store.import_sources("nowhere", Platform::WordPress).await?.is_empty());

    // A second run of the same export updates, adding nothing.
    let before = store.export_all().await?;
    store.apply_foreign(&foreign("Old news, revised")).await?;
    let after = store.export_all().await?;
    assert_eq!(after.articles.len(), before.articles.len());
    assert_eq!(after.foreign, before.foreign, "same sources and addresses, not copies");
    assert!(after.articles.iter().any(|a| a.headline == "Old news, revised"));

    // The old address names the article, not its slug of the day.
    let id = after.articles.iter().find(|a| a.slug == "old-news").ok_or("old-news")?.id;
    let ana = staff(&store, &fx).await?;
    let version = store.editable_article(id).await?.ok_or("editable")?.version;
    saved(store.save_article(id, version, &draft(&fx, "news-renamed"), ana.id, now()).await?);
    assert_eq!(store.legacy_url(pid, "/?p=123").await?.as_deref(), Some("/news-renamed/"));
    // A re-run finds the renamed article under its new slug, through the
    // redirect the rename left, so it updates it instead of writing a copy
    // at the old slug; the old slug stays out of a new article's reach.
    let links = store.import_sources("meridian", Platform::WordPress).await?;
    let article = links.iter().find(|l| l.kind == SourceKind::Article).ok_or("article link")?;
    assert_eq!(article.slug, "news-renamed");
    let author = links.iter().find(|l| l.kind == SourceKind::Author).ok_or("author link")?;
    assert_eq!(author.slug, "ana", "only articles follow redirects");
    let slugs = store.article_slugs("meridian").await?;
    assert!(slugs.iter().any(|s| s == "news-renamed") && slugs.iter().any(|s| s == "old-news"), "{slugs:?}");
    assert!(store.article_slugs("nowhere").await?.is_empty());

    // The rows travel with a snapshot.
    let snap = store.export_all().await?;
    assert_eq!(snap.foreign.sources.len(), 3);
    assert_eq!(snap.foreign.legacy_urls.len(), 3);
    assert_eq!(snap.foreign.legacy_urls.iter().filter(|l| l.article_id == Some(id)).count(), 2);
    store.import_snapshot(&snap, true).await?;
    assert_eq!(store.export_all().await?, snap);
    Ok(())
}

async fn a_bad_old_address_writes_nothing(store: AnyStore) -> TestResult {
    let mut import = foreign("Old news");
    import.legacy.push(LegacyUrl {
        publication: "meridian".into(),
        path: "/gone/".into(),
        target: LegacyTarget::Article("no-such-article".into()),
    });
    let err = store.apply_foreign(&import).await.expect_err("an address to nowhere");
    assert!(matches!(&err, StoreError::Invalid(why) if why.contains("no-such-article")), "{err}");
    assert!(store.publications().await?.is_empty(), "the content was rolled back too");

    let mut import = foreign("Old news");
    import.legacy[0].path = "//evil.example/".into();
    assert!(matches!(store.apply_foreign(&import).await, Err(StoreError::Invalid(_))));
    assert!(store.export_all().await?.is_empty());
    Ok(())
}
