//! Start-up in bounded time: a node serves pages and `/readyz` before its
//! search index is built (here a build made slow by the state's test pause
//! stands in for a 100,000-article archive), `/search/` says the index is
//! still being built and `/metrics` shows progress, and a change that
//! rebuilds the index (a section rename) purges the page cache without
//! waiting for the rebuild. On both backends.

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::Router;
use chrono::DateTime;
use http::{header, Request, StatusCode};
use prensa_core::{
    ImportSet, NewArticle, NewAuthor, NewPublication, NewSection, PublicationSettings, SocialLinks, Status,
};
use prensa_store::{AnyStore, Desk, MediaDir, Store};
use prensa_test_support::on_every_backend;
use prensa_web::{AppState, WebConfig};
use tower::ServiceExt;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn magazine() -> ImportSet {
    let articles = (1..=3)
        .map(|n| NewArticle {
            slug: format!("rent-{n}"),
            headline: format!("Rent report number {n}"),
            standfirst: "Tenants organised.".into(),
            body: "Tenants organised against rents.".into(),
            toc: false,
            authors: vec!["lena".into()],
            section: "economy".into(),
            tags: vec![],
            image: None,
            status: Status::Published,
            published_at: DateTime::parse_from_rfc3339("2026-03-02T10:00:00+01:00").expect("valid test date"),
            updated_at: None,
            translation_group: None,
        })
        .collect();
    ImportSet {
        publication: NewPublication {
            slug: "quarterly".into(),
            name: "The Quarterly".into(),
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
            slug: "lena".into(),
            name: "Lena Ortiz".into(),
            bio: String::new(),
            avatar: None,
            social: SocialLinks::default(),
        }],
        sections: vec![NewSection { slug: "economy".into(), name: "Economy".into(), description: String::new() }],
        articles,
    }
}

async fn get(router: &Router, path: &str) -> Result<(StatusCode, String), Box<dyn std::error::Error>> {
    let req = Request::builder().uri(path).header(header::HOST, "localhost:8080").body(Body::empty())?;
    let res = router.clone().oneshot(req).await?;
    let status = res.status();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX).await?;
    Ok((status, String::from_utf8_lossy(&bytes).into_owned()))
}

/// Each batch of the index build waits this long: two batches (the
/// articles, then the empty read that ends the build), so a build takes
/// at least twice this.
const PAUSE: Duration = Duration::from_millis(1_500);

/// A node over `url`'s store (migrated, the magazine imported), and when
/// its start began (after the store was ready).
async fn slow_node(
    url: &str,
) -> Result<(std::sync::Arc<AppState<AnyStore>>, Router, tempfile::TempDir, Instant), Box<dyn std::error::Error>> {
    let store = AnyStore::open(url).await?;
    store.apply_import(&magazine(), false).await?;
    let media = tempfile::tempdir()?;
    let started = Instant::now();
    let config =
        WebConfig { search_build_pause: PAUSE, watch_interval: Duration::from_secs(3600), ..WebConfig::default() };
    let state = AppState::start(store, MediaDir::new(media.path()), config).await?;
    let router = prensa_web::router(state.clone());
    Ok((state, router, media, started))
}

async fn ready_before_the_index(url: &str) -> TestResult {
    let (state, router, _media, started) = slow_node(url).await?;
    let (status, _) = get(&router, "/readyz").await?;
    assert_eq!(status, StatusCode::OK);
    let (status, home) = get(&router, "/").await?;
    assert_eq!(status, StatusCode::OK);
    assert!(home.contains("Rent report number 3"), "{home}");
    assert!(started.elapsed() < PAUSE, "serving took {:?}, the index build is not in the way", started.elapsed());

    // The search page says the index is not ready, rather than "nothing
    // matched"; the empty form still answers normally.
    let (status, building) = get(&router, "/search/?q=tenant").await?;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{building}");
    assert!(building.contains("The search index is still being built"), "{building}");
    assert!(!building.contains("Nothing matched"), "{building}");
    assert_eq!(get(&router, "/search/").await?.0, StatusCode::OK);
    let (_, metrics) = get(&router, "/metrics").await?;
    for line in
        ["prensa_search_index_complete 0", "prensa_search_index_building 1", "prensa_search_index_builds_total 0"]
    {
        assert!(metrics.lines().any(|l| l == line), "missing {line:?} in\n{metrics}");
    }

    tokio::time::timeout(Duration::from_secs(60), state.search_built()).await?;
    assert!(started.elapsed() >= PAUSE * 2, "the build did take its pauses");
    let (status, found) = get(&router, "/search/?q=tenant").await?;
    assert_eq!(status, StatusCode::OK, "{found}");
    assert!(found.contains("3 results for “tenant”"), "{found}");
    let (_, metrics) = get(&router, "/metrics").await?;
    for line in [
        "prensa_search_index_complete 1",
        "prensa_search_index_building 0",
        "prensa_search_index_articles 3",
        "prensa_search_index_build_articles 3",
        "prensa_search_index_builds_total 1",
    ] {
        assert!(metrics.lines().any(|l| l == line), "missing {line:?} in\n{metrics}");
    }
    Ok(())
}

async fn a_rename_purges_without_waiting_for_the_index(url: &str) -> TestResult {
    let (state, router, _media, _) = slow_node(url).await?;
    tokio::time::timeout(Duration::from_secs(60), state.search_built()).await?;
    let (_, home) = get(&router, "/").await?;
    assert!(home.contains("Economy"), "{home}");
    let cached = state.cache.stats().entries;
    assert!(cached > 0, "the home page is cached");

    let publication = state.sites().list[0].publication.id;
    let economy = state.store.section_by_slug(publication, "economy").await?.expect("section");
    let renamed = NewSection { slug: "economy".into(), name: "Money Matters".into(), description: String::new() };
    state.store.save_section(publication, Some(economy.id), &renamed, None).await?;

    // The change feed says "all": the cache is purged and the index
    // rebuild requested, and the feed is done well before the build (at
    // least 2 × PAUSE) could be.
    let before = state.search.progress().builds;
    let synced = Instant::now();
    state.sync_changes().await;
    assert!(synced.elapsed() < Duration::from_secs(1), "the purge waited {:?}", synced.elapsed());
    let (_, home) = get(&router, "/").await?;
    assert!(home.contains("Money Matters") && !home.contains(">Economy<"), "{home}");

    // Meanwhile searches answer from the old index, not "being built".
    let (status, old) = get(&router, "/search/?q=tenant").await?;
    assert_eq!(status, StatusCode::OK, "{old}");
    assert!(old.contains("3 results"), "{old}");
    // The rebuild runs in the background: its task may take a moment to be
    // scheduled on a busy machine, and it runs for at least 2 × PAUSE.
    let asked = Instant::now();
    while !state.search.progress().building {
        assert!(asked.elapsed() < PAUSE, "the rebuild runs in the background");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    // Then the rebuilt index knows the new name (section names are
    // searchable words).
    let deadline = Instant::now() + Duration::from_secs(60);
    while state.search.progress().builds == before {
        assert!(Instant::now() < deadline, "the rebuild never finished");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (status, found) = get(&router, "/search/?q=matters").await?;
    assert_eq!(status, StatusCode::OK);
    assert!(found.contains("3 results for “matters”"), "{found}");
    Ok(())
}

on_every_backend!(url: ready_before_the_index, a_rename_purges_without_waiting_for_the_index);
