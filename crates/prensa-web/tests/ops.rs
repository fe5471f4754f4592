//! Operations endpoints through the real router (`tower::ServiceExt::oneshot`,
//! no sockets): liveness, readiness and its drain flag, and the Prometheus
//! metrics the middleware and the page cache feed.

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::body::Body;
use axum::Router;
use http::{header, Request, StatusCode};
use prensa_core::ImportSet;
use prensa_store::SqliteStore;
use prensa_test_support::fixture::{article, meridian};
use prensa_test_support::web;
use prensa_web::{AppState, WebConfig};
use tower::ServiceExt;

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// One publication, one author, one section, two articles.
fn fixture() -> ImportSet {
    meridian(vec![article("a01"), article("a02")])
}

struct App {
    state: Arc<AppState<SqliteStore>>,
    router: Router,
    _media: tempfile::TempDir,
}

async fn app() -> Result<App, Box<dyn std::error::Error>> {
    app_with(&fixture(), WebConfig::default()).await
}

/// `set` on SQLite in memory, served with `config`.
async fn app_with(set: &ImportSet, config: WebConfig) -> Result<App, Box<dyn std::error::Error>> {
    let site = web::site_on(SqliteStore::open("sqlite::memory:").await?, set, config).await?;
    Ok(App { router: site.router, state: site.state, _media: site.media })
}

struct Answer {
    status: StatusCode,
    headers: http::HeaderMap,
    text: String,
}

async fn request(app: &App, method: &str, path: &str) -> Result<Answer, Box<dyn std::error::Error>> {
    let req = Request::builder().method(method).uri(path).header(header::HOST, "localhost:8080").body(Body::empty())?;
    let res = app.router.clone().oneshot(req).await?;
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX).await?;
    Ok(Answer { status, headers, text: String::from_utf8_lossy(&bytes).into_owned() })
}

async fn get(app: &App, path: &str) -> Result<Answer, Box<dyn std::error::Error>> {
    request(app, "GET", path).await
}

async fn metrics(app: &App) -> Result<String, Box<dyn std::error::Error>> {
    let m = get(app, "/metrics").await?;
    assert_eq!(m.status, StatusCode::OK);
    let content_type = m.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
    assert_eq!(content_type, Some("text/plain; version=0.0.4; charset=utf-8"));
    Ok(m.text)
}

/// The value of the sample named exactly `series` (name plus labels).
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines().find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

/// Every series (name and labels) in an exposition.
fn series(text: &str) -> BTreeSet<String> {
    text.lines().filter(|l| !l.starts_with('#')).filter_map(|l| l.rsplit_once(' ').map(|(s, _)| s.to_owned())).collect()
}

#[tokio::test]
async fn healthz_answers_ok() -> TestResult {
    let app = app().await?;
    let r = get(&app, "/healthz").await?;
    assert_eq!((r.status, r.text.as_str()), (StatusCode::OK, "ok"));
    assert_eq!(r.headers.get(header::CACHE_CONTROL).and_then(|v| v.to_str().ok()), Some("no-store"));
    // Liveness is not readiness: a draining process is still alive.
    app.state.start_draining();
    assert_eq!(get(&app, "/healthz").await?.status, StatusCode::OK);
    Ok(())
}

#[tokio::test]
async fn readyz_turns_503_when_draining() -> TestResult {
    let app = app().await?;
    let r = get(&app, "/readyz").await?;
    assert_eq!((r.status, r.text.as_str()), (StatusCode::OK, "ready"));
    assert!(r.headers.get(header::CONNECTION).is_none(), "keep-alive while serving normally");

    app.state.start_draining();
    let r = get(&app, "/readyz").await?;
    assert_eq!((r.status, r.text.as_str()), (StatusCode::SERVICE_UNAVAILABLE, "draining"));
    // Pages are still served while draining, but every response asks the
    // client to reconnect, which a load balancer does to another node.
    let page = get(&app, "/a01/").await?;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.headers.get(header::CONNECTION).and_then(|v| v.to_str().ok()), Some("close"));
    let m = metrics(&app).await?;
    assert_eq!(sample(&m, "prensa_draining"), Some(1.0));
    assert_eq!(sample(&m, r#"prensa_http_requests_total{route="readyz",status="503"}"#), Some(1.0));
    Ok(())
}

#[tokio::test]
async fn readyz_turns_503_when_the_store_is_gone() -> TestResult {
    let app = app().await?;
    assert_eq!(get(&app, "/readyz").await?.status, StatusCode::OK);
    app.state.store.close().await;
    let r = get(&app, "/readyz").await?;
    assert_eq!((r.status, r.text.as_str()), (StatusCode::SERVICE_UNAVAILABLE, "store unavailable"));
    // Liveness does not touch the store.
    assert_eq!(get(&app, "/healthz").await?.status, StatusCode::OK);
    Ok(())
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_status_and_cache_hits() -> TestResult {
    let app = app().await?;
    let m = metrics(&app).await?;
    assert_eq!(sample(&m, "prensa_page_cache_hits_total"), Some(0.0));
    assert_eq!(sample(&m, "prensa_page_cache_misses_total"), Some(0.0));
    assert_eq!(sample(&m, "prensa_draining"), Some(0.0));
    // An in-memory SQLite store keeps exactly one connection open.
    assert_eq!(sample(&m, "prensa_store_pool_max_connections"), Some(1.0));
    let idle = sample(&m, "prensa_store_pool_connections{state=\"idle\"}").ok_or("idle")?;
    let in_use = sample(&m, "prensa_store_pool_connections{state=\"in_use\"}").ok_or("in use")?;
    assert_eq!(idle + in_use, 1.0, "one connection, idle or in use");

    assert_eq!(get(&app, "/a01/").await?.status, StatusCode::OK);
    let m = metrics(&app).await?;
    assert_eq!(sample(&m, "prensa_page_cache_misses_total"), Some(1.0), "first request renders");
    assert_eq!(sample(&m, "prensa_page_cache_hits_total"), Some(0.0));
    assert_eq!(sample(&m, "prensa_page_cache_entries"), Some(1.0));

    assert_eq!(get(&app, "/a01/").await?.status, StatusCode::OK);
    let head = request(&app, "HEAD", "/a01/").await?;
    assert_eq!(head.status, StatusCode::OK);
    assert_eq!(get(&app, "/healthz").await?.status, StatusCode::OK);
    assert_eq!(get(&app, "/readyz").await?.status, StatusCode::OK);
    assert_eq!(get(&app, "/a01").await?.status, StatusCode::MOVED_PERMANENTLY);
    assert_eq!(get(&app, "/media/0123456789abcdef.jpg").await?.status, StatusCode::NOT_FOUND);
    assert_eq!(get(&app, "/assets/nope.css").await?.status, StatusCode::NOT_FOUND);
    assert_eq!(get(&app, "/share/mastodon/?text=hi").await?.status, StatusCode::OK);
    assert_eq!(request(&app, "POST", "/healthz").await?.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(request(&app, "POST", "/a01/").await?.status, StatusCode::METHOD_NOT_ALLOWED);

    let m = metrics(&app).await?;
    for (series, value) in [
        (r#"prensa_http_requests_total{route="page",status="200"}"#, 3.0),
        (r#"prensa_http_requests_total{route="page",status="301"}"#, 1.0),
        (r#"prensa_http_requests_total{route="page",status="405"}"#, 1.0),
        (r#"prensa_http_requests_total{route="healthz",status="200"}"#, 1.0),
        (r#"prensa_http_requests_total{route="healthz",status="405"}"#, 1.0),
        (r#"prensa_http_requests_total{route="readyz",status="200"}"#, 1.0),
        (r#"prensa_http_requests_total{route="media",status="404"}"#, 1.0),
        (r#"prensa_http_requests_total{route="asset",status="404"}"#, 1.0),
        (r#"prensa_http_requests_total{route="share",status="200"}"#, 1.0),
        // The two earlier scrapes; this one is counted once it is answered.
        (r#"prensa_http_requests_total{route="metrics",status="200"}"#, 2.0),
        (r#"prensa_http_request_duration_seconds_count{route="page"}"#, 5.0),
        (r#"prensa_http_request_duration_seconds_bucket{route="page",le="+Inf"}"#, 5.0),
        (r#"prensa_http_request_duration_seconds_count{route="healthz"}"#, 2.0),
        ("prensa_page_cache_hits_total", 2.0),
        ("prensa_page_cache_misses_total", 1.0),
        ("prensa_page_cache_entries", 1.0),
    ] {
        assert_eq!(sample(&m, series), Some(value), "{series} in\n{m}");
    }
    let sum = sample(&m, r#"prensa_http_request_duration_seconds_sum{route="page"}"#).expect("page latency sum");
    assert!(sum > 0.0, "latency is measured");

    // A purge empties the cache and is counted; the next request misses.
    app.state.content_changed().await?;
    assert_eq!(get(&app, "/a01/").await?.status, StatusCode::OK);
    let m = metrics(&app).await?;
    assert_eq!(sample(&m, "prensa_page_cache_purges_total"), Some(1.0));
    assert_eq!(sample(&m, "prensa_page_cache_purged_entries_total"), Some(1.0));
    assert_eq!(sample(&m, "prensa_page_cache_misses_total"), Some(2.0));
    assert_eq!(sample(&m, "prensa_page_cache_entries"), Some(1.0));
    Ok(())
}

#[tokio::test]
async fn junk_paths_count_as_page_404_without_new_series() -> TestResult {
    let app = app().await?;
    assert_eq!(get(&app, "/junk-0/x/").await?.status, StatusCode::NOT_FOUND);
    let before = metrics(&app).await?;
    for i in 1..100 {
        let path = match i % 4 {
            0 => format!("/junk-{i}/x/"),
            1 => format!("/wp-admin/{i}.php"),
            2 => format!("/media/{i}/deeper"),
            _ => format!("/no-such-article-{i}/"),
        };
        assert_eq!(get(&app, &path).await?.status, StatusCode::NOT_FOUND, "{path}");
    }
    let after = metrics(&app).await?;
    assert_eq!(sample(&after, r#"prensa_http_requests_total{route="page",status="404"}"#), Some(100.0));
    // Only the scrape's own counter appears between the two scrapes.
    let new: Vec<String> = series(&after).difference(&series(&before)).cloned().collect();
    assert_eq!(new, [r#"prensa_http_requests_total{route="metrics",status="200"}"#]);
    assert!(!after.contains("junk") && !after.contains("wp-admin"), "no path reaches a label");
    // One shared 404 entry: rendered for the first junk path, then a hit for
    // every path the URL grammar rejects (74). The 25 article-shaped paths
    // are misses: only the store can say the article does not exist.
    assert_eq!(sample(&after, "prensa_page_cache_entries"), Some(1.0));
    assert_eq!(sample(&after, "prensa_page_cache_misses_total"), Some(26.0));
    assert_eq!(sample(&after, "prensa_page_cache_hits_total"), Some(74.0));
    Ok(())
}

#[tokio::test]
async fn exposition_is_well_formed() -> TestResult {
    let app = app().await?;
    for path in ["/", "/a01/", "/a01/", "/nope/x/", "/healthz"] {
        get(&app, path).await?;
    }
    let text = metrics(&app).await?;
    let mut typed = BTreeSet::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let name = rest.split(' ').next().unwrap_or_default();
            assert!(typed.insert(name.to_owned()), "{name} typed twice");
            continue;
        }
        if line.starts_with("# HELP ") {
            continue;
        }
        let (series, value) = line.rsplit_once(' ').expect("series and value");
        assert!(value.parse::<f64>().is_ok(), "value of {line:?}");
        let name = series.split('{').next().unwrap_or_default();
        let family = ["_bucket", "_sum", "_count"].iter().fold(name, |n, s| n.strip_suffix(s).unwrap_or(n));
        assert!(typed.contains(name) || typed.contains(family), "{name} has no TYPE line before it");
        assert!(name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{name}");
    }
    // Buckets are cumulative and end at the count.
    for route in ["page", "media", "asset", "share", "healthz", "readyz", "metrics"] {
        let prefix = format!(r#"prensa_http_request_duration_seconds_bucket{{route="{route}",le="#);
        let counts: Vec<f64> = text
            .lines()
            .filter_map(|l| l.strip_prefix(&prefix))
            .filter_map(|l| l.rsplit_once(' ')?.1.parse().ok())
            .collect();
        assert_eq!(counts.len(), 20, "{route}: 19 bounds and +Inf");
        assert!(counts.windows(2).all(|w| w[0] <= w[1]), "{route} cumulative");
        let count = sample(&text, &format!(r#"prensa_http_request_duration_seconds_count{{route="{route}"}}"#));
        assert_eq!(counts.last().copied(), count, "{route}");
    }
    Ok(())
}

/// The page cache through the router with a 1 MiB budget: 60 long
/// articles do not fit, so pages are evicted and the bytes held stay
/// within the budget, all of it visible at `/metrics`; public pages carry
/// their surrogate keys and `s-maxage` for a shared cache, search results
/// neither.
#[tokio::test]
async fn the_page_cache_stays_within_its_budget_and_says_so() -> TestResult {
    let mut set = fixture();
    set.articles = (0..60)
        .map(|i| {
            let mut a = article(&format!("long-{i:02}"));
            // ~30 KB of text that does not compress to nothing.
            a.body = (0..1500).map(|w| format!("word{} ", (w * 7919 + i * 104_729) % 10_007)).collect();
            a
        })
        .collect();
    let app = app_with(&set, WebConfig { page_cache_mb: 1, ..WebConfig::default() }).await?;

    let first = get(&app, "/long-00/").await?;
    assert_eq!(first.status, StatusCode::OK);
    let keys = first.headers.get("xkey").and_then(|v| v.to_str().ok()).ok_or("xkey")?.to_owned();
    assert!(keys.split(' ').any(|k| k.starts_with("article:")) && keys.ends_with(" all"), "{keys}");
    let cc = first.headers.get(header::CACHE_CONTROL).and_then(|v| v.to_str().ok()).ok_or("cache-control")?;
    assert_eq!(cc, "public, max-age=60, s-maxage=86400");
    let search = get(&app, "/search/?q=word1").await?;
    assert!(search.headers.get("xkey").is_none());
    let cc = search.headers.get(header::CACHE_CONTROL).and_then(|v| v.to_str().ok()).unwrap_or("");
    assert!(!cc.contains("s-maxage"), "{cc}");

    for i in 1..60 {
        assert_eq!(get(&app, &format!("/long-{i:02}/")).await?.status, StatusCode::OK);
    }
    let m = metrics(&app).await?;
    let budget = 1024.0 * 1024.0;
    assert_eq!(sample(&m, "prensa_page_cache_budget_bytes"), Some(budget));
    let bytes = sample(&m, "prensa_page_cache_bytes").ok_or("bytes")?;
    let entries = sample(&m, "prensa_page_cache_entries").ok_or("entries")?;
    let evictions = sample(&m, "prensa_page_cache_evictions_total").ok_or("evictions")?;
    assert!(bytes <= budget && bytes > budget / 3.0, "{bytes} bytes held");
    assert!((5.0..60.0).contains(&entries), "{entries} entries");
    assert_eq!(entries + evictions, 60.0, "every page rendered is held or was evicted\n{m}");
    assert_eq!(sample(&m, "prensa_page_cache_misses_total"), Some(60.0));
    assert_eq!(sample(&m, "prensa_page_cache_hit_ratio"), Some(0.0));

    // The last page is still there: a hit, and the ratio moves.
    assert_eq!(get(&app, "/long-59/").await?.status, StatusCode::OK);
    let m = metrics(&app).await?;
    assert_eq!(sample(&m, "prensa_page_cache_hits_total"), Some(1.0));
    assert_eq!(sample(&m, "prensa_page_cache_hit_ratio"), Some(1.0 / 61.0));
    Ok(())
}
