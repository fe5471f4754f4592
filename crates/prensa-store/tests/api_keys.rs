//! The Content API keys and the CORS setting in the store, on every
//! backend (SQLite in memory, PostgreSQL in a schema of its own; see
//! `newsroom.rs` for the environment the PostgreSQL half needs): keys are
//! kept as digests, listed per publication, revoked within their
//! publication only, every write names `api_keys` in the change feed, and
//! the key itself never reaches the database.

use prensa_core::permissions::Role;
use prensa_core::{ApiKeyDigest, NewUser, RevokeOutcome};
use prensa_store::{AnyStore, ApiKeys, Newsroom, Store, StoreError, CHANGE_ALL, CHANGE_API_KEYS};

#[macro_use]
mod common;
use common::*;

on_every_backend!(
    keys_are_made_listed_and_revoked,
    bad_key_writes_change_nothing,
    cors_origins_are_stored_and_imported
);

/// Every change-feed key written since `version`.
async fn feed_keys(store: &AnyStore, version: i64) -> Result<Vec<String>, StoreError> {
    Ok(store.changes_since(version).await?.into_iter().flat_map(|c| c.keys).collect())
}

/// A second publication beside the fixture's (`sister`).
async fn sister(store: &AnyStore) -> Result<prensa_core::Id, Box<dyn std::error::Error>> {
    let mut set = fixture();
    set.publication.slug = "sister".into();
    set.publication.base_url = "http://localhost:8080/sister".into();
    set.authors.clear();
    set.articles.clear();
    set.media.clear();
    store.apply_import(&set, false).await?;
    let id = store.publications().await?.into_iter().find(|p| p.slug == "sister").ok_or("sister")?.id;
    Ok(id)
}

async fn keys_are_made_listed_and_revoked(store: AnyStore) -> TestResult {
    let fx = setup(&store).await?;
    let other = sister(&store).await?;
    let ana = store
        .create_user(
            &NewUser {
                email: "admin@example.org".into(),
                name: "Ada Admin".into(),
                role: Role::Administrator,
                author_id: None,
                publication: None,
            },
            now(),
        )
        .await?;

    let v0 = store.content_version().await?;
    let cli = prensa_auth::new_api_key();
    let admin = prensa_auth::new_api_key();
    let foreign = prensa_auth::new_api_key();
    let k1 = store.create_api_key(fx.publication, "Newsletter", &cli.digest, &cli.prefix, None, mins(1)).await?;
    let k2 = store.create_api_key(fx.publication, "App", &admin.digest, &admin.prefix, Some(ana.id), mins(2)).await?;
    let k3 = store.create_api_key(other, "Sister app", &foreign.digest, &foreign.prefix, None, mins(3)).await?;
    assert!(store.content_version().await? >= v0 + 3, "each write bumps the content version");
    let keys = feed_keys(&store, v0).await?;
    assert_eq!(keys.iter().filter(|k| *k == CHANGE_API_KEYS).count(), 3, "{keys:?}");
    assert!(!keys.iter().any(|k| k == CHANGE_ALL), "a key purges no page: {keys:?}");

    let list = store.api_keys(fx.publication).await?;
    assert_eq!(list.iter().map(|k| k.id).collect::<Vec<_>>(), [k2, k1], "newest first, own publication only");
    assert_eq!((list[0].name.as_str(), list[0].prefix.as_str()), ("App", admin.prefix.as_str()));
    assert_eq!(list[0].created_by.as_deref(), Some("Ada Admin"));
    assert_eq!((list[0].created_at, list[0].revoked_at, list[0].publication), (mins(2), None, fx.publication));
    assert_eq!(
        (list[1].name.as_str(), list[1].created_by.as_deref(), list[1].created_at),
        ("Newsletter", None, mins(1))
    );
    assert_eq!(store.api_keys(other).await?.iter().map(|k| k.id).collect::<Vec<_>>(), [k3]);

    let digest =
        |d: &prensa_auth::ApiKey, publication, revoked| ApiKeyDigest { digest: d.digest.clone(), publication, revoked };
    let mut all = store.api_key_digests().await?;
    all.sort_by(|a, b| a.digest.cmp(&b.digest));
    let mut want = vec![
        digest(&cli, fx.publication, false),
        digest(&admin, fx.publication, false),
        digest(&foreign, other, false),
    ];
    want.sort_by(|a, b| a.digest.cmp(&b.digest));
    assert_eq!(all, want);

    // Revoking: within the publication only, once.
    let v1 = store.content_version().await?;
    assert_eq!(store.revoke_api_key(other, k1, mins(4)).await?, RevokeOutcome::NotFound, "another publication's key");
    assert_eq!(store.revoke_api_key(fx.publication, 9999, mins(4)).await?, RevokeOutcome::NotFound);
    assert_eq!(store.content_version().await?, v1, "nothing revoked, nothing recorded");
    assert_eq!(store.revoke_api_key(fx.publication, k1, mins(5)).await?, RevokeOutcome::Revoked);
    assert_eq!(feed_keys(&store, v1).await?, [CHANGE_API_KEYS]);
    let v2 = store.content_version().await?;
    assert_eq!(store.revoke_api_key(fx.publication, k1, mins(6)).await?, RevokeOutcome::AlreadyRevoked);
    assert_eq!(store.content_version().await?, v2);
    let list = store.api_keys(fx.publication).await?;
    assert_eq!(list[1].revoked_at, Some(mins(5)), "the first revocation's time stays");
    assert_eq!(list[0].revoked_at, None);
    let revoked: Vec<bool> = {
        let all = store.api_key_digests().await?;
        [&cli, &admin, &foreign].iter().map(|k| all.iter().any(|d| d.digest == k.digest && d.revoked)).collect()
    };
    assert_eq!(revoked, [true, false, false], "revoked keys stay listed, as revoked");

    // Nothing in the store is the key itself.
    let stored = stored_text(&store).await?;
    for key in [&cli, &admin, &foreign] {
        assert!(!stored.contains(&key.key), "the key is not stored");
        assert!(stored.contains(&key.digest), "its digest is (so the search above reads the right rows)");
    }
    Ok(())
}

/// Every column of every `api_keys` row, as text.
async fn stored_text(store: &AnyStore) -> Result<String, Box<dyn std::error::Error>> {
    let mut out = String::new();
    for p in store.publications().await? {
        for k in store.api_keys(p.id).await? {
            out.push_str(&format!("{k:?}\n"));
        }
    }
    for d in store.api_key_digests().await? {
        out.push_str(&format!("{d:?}\n"));
    }
    Ok(out)
}

async fn bad_key_writes_change_nothing(store: AnyStore) -> TestResult {
    let fx = setup(&store).await?;
    let key = prensa_auth::new_api_key();
    let v0 = store.content_version().await?;
    assert!(matches!(
        store.create_api_key(9999, "Nowhere", &key.digest, &key.prefix, None, now()).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.create_api_key(fx.publication, "Ghost", &key.digest, &key.prefix, Some(9999), now()).await,
        Err(StoreError::Invalid(_))
    ));
    store.create_api_key(fx.publication, "Once", &key.digest, &key.prefix, None, now()).await?;
    let v1 = store.content_version().await?;
    assert_eq!(v1, v0 + 1, "the refused writes recorded nothing");
    assert!(matches!(
        store.create_api_key(fx.publication, "Twice", &key.digest, &key.prefix, None, now()).await,
        Err(StoreError::Invalid(_))
    ));
    assert_eq!(store.content_version().await?, v1);
    assert_eq!(store.api_keys(fx.publication).await?.len(), 1);
    Ok(())
}

async fn cors_origins_are_stored_and_imported(store: AnyStore) -> TestResult {
    let mut set = fixture();
    set.publication.api_cors_origins = vec!["https://app.example.org".into(), "http://localhost:3000".into()];
    store.apply_import(&set, false).await?;
    let p = store.publications().await?.remove(0);
    assert_eq!(p.api_cors_origins, ["https://app.example.org", "http://localhost:3000"]);

    let v0 = store.content_version().await?;
    store.set_api_cors_origins(p.id, &["*".to_owned()]).await?;
    assert_eq!(store.publications().await?[0].api_cors_origins, ["*"]);
    assert_eq!(feed_keys(&store, v0).await?, [CHANGE_ALL], "every node re-reads its publications");
    store.set_api_cors_origins(p.id, &[]).await?;
    assert!(store.publications().await?[0].api_cors_origins.is_empty(), "empty: none");
    assert!(matches!(store.set_api_cors_origins(9999, &[]).await, Err(StoreError::NotFound)));

    // A re-import writes what publication.toml says, like the other settings.
    store.apply_import(&set, false).await?;
    assert_eq!(store.publications().await?[0].api_cors_origins.len(), 2);
    // And a copy of the database keeps it.
    let snapshot = store.export_all().await?;
    assert_eq!(snapshot.publications[0].api_cors_origins.len(), 2);
    let copy = sqlite().await?;
    copy.import_snapshot(&snapshot, false).await?;
    assert_eq!(copy.publications().await?[0].api_cors_origins, ["https://app.example.org", "http://localhost:3000"]);
    Ok(())
}

/// The database file of a SQLite store (WAL included) never holds a key,
/// only its digest: what a leaked backup would hold.
#[tokio::test]
async fn sqlite_file_holds_digests_only() -> TestResult {
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}", dir.path().join("site.db").display());
    let store = AnyStore::open(&url).await?;
    let fx = setup(&store).await?;
    let key = prensa_auth::new_api_key();
    store.create_api_key(fx.publication, "Newsletter", &key.digest, &key.prefix, None, now()).await?;
    store.close().await;
    let mut stored = Vec::new();
    for entry in std::fs::read_dir(dir.path())? {
        let path = entry?.path();
        if path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("site.db")) {
            stored.extend(std::fs::read(&path)?);
        }
    }
    let holds = |needle: &str| stored.windows(needle.len()).any(|w| w == needle.as_bytes());
    assert!(!holds(&key.key), "the key itself is not in the database");
    assert!(!holds(&key.key[key.prefix.len()..]), "nor its secret part");
    assert!(holds(&key.digest), "the digest is (so the search above reads the right files)");
    Ok(())
}
