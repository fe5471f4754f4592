//! The Content API's key ring across nodes: two `AppState`s over one
//! database (a SQLite file; a PostgreSQL schema), each with its watcher. A
//! key made or revoked through one node's store is known to the other
//! within its watcher's poll, and a key of another publication is unknown.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use prensa_core::{ImportSet, NewPublication, NewSection, PublicationSettings, RevokeOutcome, SocialLinks};
use prensa_store::{AnyStore, ApiKeys, MediaDir, Store};
use prensa_test_support::{sqlite_file_url, PgSchema};
use prensa_web::{AppState, KeyVerdict, WebConfig};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn publication(slug: &str, base_url: &str) -> ImportSet {
    ImportSet {
        publication: NewPublication {
            slug: slug.into(),
            name: slug.into(),
            tagline: String::new(),
            language: "en".into(),
            base_url: base_url.into(),
            timezone: "UTC".into(),
            social: SocialLinks::default(),
            settings: PublicationSettings::default(),
            api_cors_origins: vec!["https://app.example.org".into()],
        },
        media: vec![],
        authors: vec![],
        sections: vec![NewSection { slug: "news".into(), name: "News".into(), description: String::new() }],
        articles: vec![],
    }
}

/// Waits up to `within` for `node` to give `want` for `key`.
async fn until(
    node: &AppState<AnyStore>,
    publication: i64,
    key: &str,
    want: KeyVerdict,
    within: Duration,
) -> TestResult {
    let started = Instant::now();
    loop {
        let got = node.api_keys.verify(publication, key);
        if got == want {
            return Ok(());
        }
        if started.elapsed() > within {
            return Err(format!("still {got:?} after {within:?}, wanted {want:?}").into());
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

async fn two_nodes_share_keys(url: &str) -> TestResult {
    let store_a = AnyStore::open(url).await?;
    store_a.apply_import(&publication("en", "http://localhost:8080"), false).await?;
    store_a.apply_import(&publication("de", "http://localhost:8080/de"), false).await?;
    let ids: Vec<(String, i64)> = store_a.publications().await?.into_iter().map(|p| (p.slug, p.id)).collect();
    let en = ids.iter().find(|(s, _)| s == "en").ok_or("en")?.1;
    let de = ids.iter().find(|(s, _)| s == "de").ok_or("de")?.1;
    // A key made before either node starts is loaded with it.
    let early = prensa_auth::new_api_key();
    store_a.create_api_key(en, "Early", &early.digest, &early.prefix, None, Utc::now()).await?;

    let media = tempfile::tempdir()?;
    let config = WebConfig { watch_interval: Duration::from_millis(100), ..WebConfig::default() };
    let a: Arc<AppState<AnyStore>> =
        AppState::new(store_a.clone(), MediaDir::new(media.path()), config.clone()).await?;
    let b: Arc<AppState<AnyStore>> =
        AppState::new(AnyStore::open(url).await?, MediaDir::new(media.path()), config).await?;
    let _watch_a = prensa_web::spawn_watcher(&a);
    let _watch_b = prensa_web::spawn_watcher(&b);
    for node in [&a, &b] {
        assert_eq!(node.api_keys.verify(en, &early.key), KeyVerdict::Valid);
        assert_eq!(node.api_keys.verify(de, &early.key), KeyVerdict::Unknown, "a key of another publication");
        let site = node.sites().by_id(en).cloned().ok_or("site")?;
        assert_eq!(site.publication.api_cors_origins, ["https://app.example.org"]);
    }

    // Made through A's store: B knows it within its poll.
    let key = prensa_auth::new_api_key();
    let id = a.store.create_api_key(en, "Newsletter", &key.digest, &key.prefix, None, Utc::now()).await?;
    a.sync_changes().await;
    assert_eq!(a.api_keys.verify(en, &key.key), KeyVerdict::Valid, "the writer at once");
    until(&b, en, &key.key, KeyVerdict::Valid, Duration::from_secs(2)).await?;

    // Revoked through A: B says Revoked (not Unknown) within its poll.
    assert_eq!(a.store.revoke_api_key(en, id, Utc::now()).await?, RevokeOutcome::Revoked);
    let revoked_at = Instant::now();
    until(&b, en, &key.key, KeyVerdict::Revoked, Duration::from_secs(2)).await?;
    let took = revoked_at.elapsed();
    assert!(took < Duration::from_secs(1), "revocation reached node B in {took:?}");
    until(&a, en, &key.key, KeyVerdict::Revoked, Duration::from_secs(2)).await?;
    assert_eq!(b.api_keys.verify(en, &early.key), KeyVerdict::Valid, "the other key stays valid");
    assert_eq!(b.api_keys.verify(de, &key.key), KeyVerdict::Unknown);
    assert_eq!(b.api_keys.verify(en, "prensa_made-up"), KeyVerdict::Unknown);

    // The CORS setting reaches B's publications the same way.
    a.store.set_api_cors_origins(en, &["*".to_owned()]).await?;
    let started = Instant::now();
    loop {
        let site = b.sites().by_id(en).cloned().ok_or("site")?;
        if site.publication.api_cors_origins == ["*"] {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(2), "node B still has {:?}", site.publication.api_cors_origins);
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    Ok(())
}

#[tokio::test]
async fn keys_reach_every_node_sqlite() -> TestResult {
    let dir = tempfile::tempdir()?;
    two_nodes_share_keys(&sqlite_file_url(dir.path())).await
}

#[tokio::test]
async fn keys_reach_every_node_postgres() -> TestResult {
    let Some(schema) = PgSchema::create().await? else { return Ok(()) };
    // The nodes' pools are gone with the states when the schema is dropped.
    two_nodes_share_keys(&schema.url()).await
}
