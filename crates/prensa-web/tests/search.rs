//! Reader search through the real router: the page, its safety, and the
//! index following writes — on this node right after its own write, and on
//! another node (a second state over the same store) through the change
//! feed its watcher reads.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::Router;
use chrono::{DateTime, Utc};
use http::{header, Request, StatusCode};
use prensa_core::permissions::Role;
use prensa_core::{
    AdminQuery, ArticleDraft, ImportSet, NewArticle, NewAuthor, NewPublication, NewSection, NewUser,
    PublicationSettings, SaveOutcome, SocialLinks, Status, Transition,
};
use prensa_store::{MediaDir, Newsroom, SqliteStore, Store};
use prensa_test_support::web;
use prensa_web::{AppState, WebConfig};
use tower::ServiceExt;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn story(slug: &str, headline: &str, body: &str) -> NewArticle {
    NewArticle {
        slug: slug.into(),
        headline: headline.into(),
        standfirst: format!("Standfirst of {slug}"),
        body: body.into(),
        toc: false,
        authors: vec!["lena".into()],
        section: "economy".into(),
        tags: vec!["Housing".into()],
        image: None,
        status: Status::Published,
        published_at: DateTime::parse_from_rfc3339("2026-03-02T10:00:00+01:00").expect("valid test date"),
        updated_at: None,
        translation_group: None,
    }
}

fn magazine() -> ImportSet {
    let mut articles: Vec<NewArticle> = (1..=12)
        .map(|n| story(&format!("rent-{n:02}"), &format!("Rent report number {n}"), "Tenants organised against rents."))
        .collect();
    articles.push(story("docks", "The docks at night", "Cranes <b>swing</b> over the harbour & the river."));
    ImportSet {
        publication: NewPublication {
            slug: "quarterly".into(),
            name: "The Quarterly".into(),
            tagline: String::new(),
            language: "en".into(),
            base_url: "http://localhost:8080".into(),
            timezone: "UTC".into(),
            social: SocialLinks::default(),
            settings: PublicationSettings { page_size: 10, ..PublicationSettings::default() },
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

struct Node {
    state: Arc<AppState<SqliteStore>>,
    router: Router,
}

async fn node(
    store: SqliteStore,
    media: &tempfile::TempDir,
    watch: Duration,
) -> Result<Node, Box<dyn std::error::Error>> {
    let config = WebConfig { watch_interval: watch, ..WebConfig::default() };
    let (state, router) = web::serve_media(store, MediaDir::new(media.path()), config).await?;
    Ok(Node { router, state })
}

/// The magazine on SQLite in memory, served by one node whose watcher
/// would wait an hour; with the node's media directory, to keep.
async fn magazine_node() -> Result<(Node, tempfile::TempDir), Box<dyn std::error::Error>> {
    let config = WebConfig { watch_interval: Duration::from_secs(3600), ..WebConfig::default() };
    let site = web::site_on(SqliteStore::open("sqlite::memory:").await?, &magazine(), config).await?;
    Ok((Node { router: site.router, state: site.state }, site.media))
}

async fn get(
    node: &Node,
    path: &str,
    accept: Option<&str>,
) -> Result<(StatusCode, http::HeaderMap, String), Box<dyn std::error::Error>> {
    let mut req = Request::builder().uri(path).header(header::HOST, "localhost:8080");
    if let Some(a) = accept {
        req = req.header(header::ACCEPT_ENCODING, a);
    }
    let res = node.router.clone().oneshot(req.body(Body::empty())?).await?;
    let (status, headers) = (res.status(), res.headers().clone());
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX).await?;
    Ok((status, headers, String::from_utf8_lossy(&bytes).into_owned()))
}

async fn page(node: &Node, path: &str) -> Result<String, Box<dyn std::error::Error>> {
    let (status, _, text) = get(node, path, None).await?;
    assert_eq!(status, StatusCode::OK, "{path}: {text}");
    Ok(text)
}

#[tokio::test]
async fn readers_search_from_any_page() -> TestResult {
    let (n, _media) = magazine_node().await?;

    // Every page has the search form; the empty search page asks.
    let home = page(&n, "/").await?;
    assert!(home.contains(r#"<li><a href="/search/">Search</a></li>"#), "{home}");
    let empty = page(&n, "/search/").await?;
    assert!(empty.contains(r#"id="search-q""#) && empty.contains("autofocus"), "{empty}");
    assert!(empty.contains(r#"<meta name="robots" content="noindex">"#));

    // Stemmed ("tenant" finds "Tenants"), counted, paged by the
    // publication's page size, marked.
    let first = page(&n, "/search/?q=tenant").await?;
    assert!(first.contains("12 results for “tenant”"), "{first}");
    assert_eq!(first.matches("<article class=\"card\">").count(), 10);
    assert!(first.contains("<mark>Tenants</mark>"));
    assert!(first.contains(r#"href="/search/?q=tenant&amp;page=2" rel="next""#), "{first}");
    let second = page(&n, "/search/?q=tenant&page=2").await?;
    assert_eq!(second.matches("<article class=\"card\">").count(), 2);
    // Byline, section and link to the article.
    let docks = page(&n, "/search/?q=harbour").await?;
    assert!(docks.contains(r#"<a href="/docks/">The docks at night</a>"#), "{docks}");
    assert!(docks.contains("Lena Ortiz") && docks.contains("Economy"));
    // Markup in the body is text, escaped in the snippet.
    assert!(docks.contains("Cranes swing over the <mark>harbour</mark> &amp; the river."), "{docks}");
    let newest = page(&n, "/search/?q=tenant&sort=newest").await?;
    assert!(newest.contains(r#"<strong aria-current="true">Newest</strong>"#));

    // Nothing found: a sentence, not an error.
    let none = page(&n, "/search/?q=zeppelin").await?;
    assert!(none.contains("Nothing matched “zeppelin”"));

    // A hostile query is shown as text and never runs.
    let evil = "\"><script>alert(1)</script><img src=x onerror=alert(2)>";
    let q: String = form_urlencoded::byte_serialize(evil.as_bytes()).collect();
    let answer = page(&n, &format!("/search/?q={q}")).await?;
    assert!(!answer.contains("<script>alert") && !answer.contains("<img src=x"), "{answer}");
    assert!(answer.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));

    // Old spelling redirects; results are compressed when asked, and never
    // enter the page cache.
    let (status, headers, _) = get(&n, "/search?q=docks", None).await?;
    assert_eq!(status, StatusCode::MOVED_PERMANENTLY);
    assert_eq!(headers.get(header::LOCATION).and_then(|v| v.to_str().ok()), Some("/search/?q=docks"));
    let before = n.state.cache.stats();
    let (status, headers, _) = get(&n, "/search/?q=docks", Some("gzip, br")).await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers.get(header::CONTENT_ENCODING).and_then(|v| v.to_str().ok()), Some("br"));
    assert!(headers
        .get(header::CONTENT_SECURITY_POLICY)
        .is_some_and(|v| v.to_str().is_ok_and(|v| v.contains("script-src 'none'"))));
    assert_eq!(n.state.cache.stats().entries, before.entries, "search pages are not cached");
    Ok(())
}

#[tokio::test]
async fn field_syntax_is_searched_as_words_never_a_500() -> TestResult {
    let (n, _media) = magazine_node().await?;
    for q in ["headline:*", "body:*", "x:*", "*:*", "headline:tenant", "published:[0 TO 9]", "names:(lena OR x)"] {
        let encoded: String = form_urlencoded::byte_serialize(q.as_bytes()).collect();
        let (status, _, text) = get(&n, &format!("/search/?q={encoded}"), None).await?;
        assert_eq!(status, StatusCode::OK, "{q}: {text}");
        assert!(text.contains("Nothing matched"), "{q} is words no article holds all of");
    }
    // What follows a colon is still a word.
    let (status, _, text) = get(&n, "/search/?q=docks:harbour", None).await?;
    assert_eq!(status, StatusCode::OK);
    assert!(text.contains("<mark>harbour</mark>") || text.contains("1 result"), "{text}");
    Ok(())
}

async fn editor(store: &SqliteStore) -> Result<i64, Box<dyn std::error::Error>> {
    let lena = store.publications().await?;
    let author = store.author_by_slug(lena[0].id, "lena").await?.expect("author");
    let user = NewUser {
        email: "ed@example.org".into(),
        name: "Ed".into(),
        role: Role::Editor,
        author_id: Some(author.id),
        publication: None,
    };
    Ok(store.create_user(&user, Utc::now()).await?.id)
}

fn saved(outcome: SaveOutcome) -> prensa_core::EditableArticle {
    match outcome {
        SaveOutcome::Saved(a) => a,
        SaveOutcome::Conflict(a) => panic!("conflict at version {}", a.version),
    }
}

/// Publishing on node A makes the article findable on node B within a
/// second (B's watcher reads the change feed), unpublishing removes it,
/// and the writing node itself sees it at once.
#[tokio::test]
async fn the_index_follows_writes_on_every_node() -> TestResult {
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}", dir.path().join("prensa.db").display());
    let store_a = SqliteStore::open(&url).await?;
    store_a.apply_import(&magazine(), false).await?;
    let store_b = SqliteStore::open(&url).await?;
    let media = tempfile::tempdir()?;
    let a = node(store_a.clone(), &media, Duration::from_secs(3600)).await?;
    let b = node(store_b, &media, Duration::from_millis(100)).await?;
    let _watch_b = prensa_web::spawn_watcher(&b.state);
    // The first sync only notes where the feed stands.
    a.state.sync_changes().await;

    let publication = store_a.publications().await?[0].id;
    let section = store_a.section_by_slug(publication, "economy").await?.expect("section").id;
    let user = editor(&store_a).await?;
    let author = store_a.author_by_slug(publication, "lena").await?.expect("author").id;
    let draft = ArticleDraft {
        slug: "zeppelin-factory".into(),
        headline: "Inside the zeppelin factory".into(),
        standfirst: "Airships return.".into(),
        body: "Workers stitch the envelopes by hand.".into(),
        toc: false,
        section_id: section,
        author_ids: vec![author],
        tags: vec![],
        image: None,
    };
    let created = store_a.create_article(publication, &draft, user, Utc::now()).await?;
    a.state.sync_changes().await;
    assert!(page(&a, "/search/?q=zeppelin").await?.contains("Nothing matched"), "a draft is not found");

    let at = (Utc::now() - chrono::Duration::minutes(1)).fixed_offset();
    let live =
        saved(store_a.transition(created.id, created.version, Transition::Publish { at }, user, Utc::now()).await?);
    a.state.sync_changes().await;
    assert!(page(&a, "/search/?q=zeppelin").await?.contains("1 result for “zeppelin”"), "the writer at once");

    let started = Instant::now();
    loop {
        if page(&b, "/search/?q=zeppelins").await?.contains("1 result") {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(1), "node B did not find the new article within 1 s");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    saved(store_a.transition(live.id, live.version, Transition::Unpublish, user, Utc::now()).await?);
    let started = Instant::now();
    loop {
        if page(&b, "/search/?q=zeppelin").await?.contains("Nothing matched") {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(1), "node B still finds the unpublished article");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let all = AdminQuery { limit: 50, ..Default::default() };
    assert_eq!(store_a.admin_articles(publication, &all, Utc::now()).await?.items.len(), 14);
    Ok(())
}
