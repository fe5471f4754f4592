//! An import's article bodies read from a `BodySource` (what `prensa
//! import dir` and `prensa import wordpress` spool to disk) rather than from
//! the articles, on every backend: each article gets its own body across
//! several write batches and sets, and a source that fails to read writes
//! nothing at all.

use std::borrow::Cow;

use prensa_core::foreign::{ForeignImport, Platform};
use prensa_core::{BodySource, NetworkImport, NewArticle};
use prensa_store::{AnyStore, ForeignImports, Store, StoreError};
use prensa_test_support::{fixture, on_every_backend, TestResult};

on_every_backend!(bodies_come_from_the_source, a_failing_source_writes_nothing);

/// Each body names its run, set and slug; the articles' own bodies are empty.
struct Named(&'static str);

impl BodySource for Named {
    fn body<'a>(&'a self, set: usize, article: &'a NewArticle) -> std::io::Result<Cow<'a, str>> {
        assert!(article.body.is_empty(), "the store asks the source, not the article");
        Ok(Cow::Owned(format!("{} body of {} from set {set}.", self.0, article.slug)))
    }
}

/// Fails on one article, as a spool whose disk went away would.
struct Failing;

impl BodySource for Failing {
    fn body<'a>(&'a self, _set: usize, article: &'a NewArticle) -> std::io::Result<Cow<'a, str>> {
        if article.slug == "a-300" {
            return Err(std::io::Error::other("the spool's disk is gone"));
        }
        Ok(Cow::Borrowed("body"))
    }
}

/// 450 articles: more than two of the import's write batches.
fn emptied(slug_prefix: &str) -> prensa_core::ImportSet {
    let mut set = fixture::meridian((0..450).map(|i| fixture::article(&format!("{slug_prefix}-{i}"))).collect());
    for a in &mut set.articles {
        a.body.clear();
    }
    set
}

async fn bodies_come_from_the_source(store: AnyStore) -> TestResult {
    let mut sister = emptied("b");
    sister.publication.slug = "meridian-de".into();
    sister.publication.language = "de".into();
    sister.publication.base_url = "http://localhost:8080/de".into();
    let network = NetworkImport { sets: vec![emptied("a"), sister], translations: vec![] };
    let counts = store.apply_network_from(&network, false, &Named("First")).await?;
    assert_eq!(counts.iter().map(|c| c.articles).collect::<Vec<_>>(), vec![450, 450]);
    let snapshot = store.export_all().await?;
    let body = |slug: &str| snapshot.articles.iter().find(|a| a.slug == slug).map(|a| a.body.clone());
    assert_eq!(body("a-0").as_deref(), Some("First body of a-0 from set 0."));
    assert_eq!(body("a-449").as_deref(), Some("First body of a-449 from set 0."));
    assert_eq!(body("b-201").as_deref(), Some("First body of b-201 from set 1."));

    // The foreign imports' path reads from the source too.
    let mut set = emptied("a");
    set.articles.truncate(3);
    let import = ForeignImport {
        platform: Platform::WordPress,
        network: NetworkImport { sets: vec![set], translations: vec![] },
        sources: vec![],
        legacy: vec![],
    };
    store.apply_foreign_from(&import, &Named("Second")).await?;
    let snapshot = store.export_all().await?;
    let second: Vec<&str> =
        snapshot.articles.iter().filter(|a| a.body.starts_with("Second")).map(|a| a.slug.as_str()).collect();
    assert_eq!(second, ["a-0", "a-1", "a-2"], "updated in place, bodies from the source");
    Ok(())
}

async fn a_failing_source_writes_nothing(store: AnyStore) -> TestResult {
    let network = NetworkImport { sets: vec![emptied("a")], translations: vec![] };
    match store.apply_network_from(&network, false, &Failing).await {
        Err(StoreError::Bodies(e)) => assert!(e.to_string().contains("disk is gone"), "{e}"),
        other => panic!("expected the source's error, got {other:?}"),
    }
    let snapshot = store.export_all().await?;
    assert!(snapshot.articles.is_empty(), "nothing of the import is written");
    assert!(snapshot.publications.is_empty(), "not even its publication");
    Ok(())
}

/// PostgreSQL stores long bodies and revisions compressed with lz4, not
/// its default pglz (migration 18; the import of a 100,000-article archive
/// went from 98 s to 58 s). The server here is built with lz4, as every
/// packaged PostgreSQL 14 or later is.
#[tokio::test]
async fn postgres_compresses_bodies_with_lz4() -> TestResult {
    use sqlx::Connection;
    let Some(schema) = prensa_test_support::PgSchema::create().await? else { return Ok(()) };
    let store = schema.store().await?;
    store.close().await;
    let mut conn = sqlx::PgConnection::connect(&schema.url()).await?;
    let columns: Vec<(String, String)> = sqlx::query_as(
        "SELECT attname::text, attcompression::text FROM pg_attribute
         WHERE (attrelid = 'articles'::regclass AND attname = 'body')
            OR (attrelid = 'article_revisions'::regclass AND attname = 'draft')
         ORDER BY attname",
    )
    .fetch_all(&mut conn)
    .await?;
    assert_eq!(columns, [("body".to_owned(), "l".to_owned()), ("draft".to_owned(), "l".to_owned())]);
    conn.close().await?;
    Ok(())
}
