//! Graceful shutdown over real sockets: once the stop trigger fires,
//! `/readyz` answers 503 while the server keeps serving for the drain
//! delay; then the listener closes and a request already in flight still
//! gets its full answer before `serve_until` returns.
//!
//! Its own test binary: draining sets a process-wide flag (a signal
//! concerns the whole process), which would turn other tests' `/readyz`
//! to 503.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use axum::routing::get;
use prensa_core::{ImportSet, NewArticle};
use prensa_store::SqliteStore;
use prensa_test_support::fixture::{article, meridian};
use prensa_test_support::web;
use prensa_web::WebConfig;

type TestResult = Result<(), Box<dyn std::error::Error>>;

const DRAIN_DELAY: Duration = Duration::from_millis(500);
/// Longer than the drain delay, so the request is still in flight when
/// the listener closes.
const SLOW: Duration = Duration::from_millis(1200);

fn fixture() -> ImportSet {
    meridian(vec![NewArticle {
        headline: "Headline".into(),
        standfirst: "Standfirst".into(),
        body: "Body.".into(),
        tags: vec![],
        ..article("a01")
    }])
}

/// One blocking HTTP/1.1 request on a fresh connection: status and body.
fn http(addr: SocketAddr, path: &str) -> std::io::Result<(u16, String)> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(s, "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")?;
    let mut text = String::new();
    s.read_to_string(&mut text)?;
    let status = text.get(9..12).and_then(|c| c.parse().ok()).unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    Ok((status, body))
}

async fn http_async(addr: SocketAddr, path: &'static str) -> std::io::Result<(u16, String)> {
    tokio::task::spawn_blocking(move || http(addr, path)).await.map_err(std::io::Error::other)?
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stop_drains_then_finishes_in_flight_requests() -> TestResult {
    let site = web::site_on(SqliteStore::open("sqlite::memory:").await?, &fixture(), WebConfig::default()).await?;
    let router = site.router.route(
        "/slow",
        get(|| async {
            tokio::time::sleep(SLOW).await;
            "slow done"
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(prensa_web::serve_until(
        listener,
        router,
        async move {
            let _ = stopped.await;
        },
        prensa_web::ServerSettings { drain_delay: DRAIN_DELAY, ..Default::default() },
    ));

    assert_eq!(http_async(addr, "/readyz").await?, (200, "ready".to_owned()));
    let slow = tokio::spawn(http_async(addr, "/slow"));
    tokio::time::sleep(Duration::from_millis(100)).await; // the slow request is in its handler
    let _ = stop.send(());
    let stopped_at = Instant::now();
    tokio::time::sleep(Duration::from_millis(50)).await;

    // During the drain delay: not ready, but still serving.
    assert_eq!(http_async(addr, "/readyz").await?, (503, "draining".to_owned()));
    assert_eq!(http_async(addr, "/a01/").await?.0, 200);
    assert_eq!(http_async(addr, "/healthz").await?, (200, "ok".to_owned()));

    // After it: new connections are refused…
    let refused_after = loop {
        if tokio::task::spawn_blocking(move || TcpStream::connect(addr)).await?.is_err() {
            break stopped_at.elapsed();
        }
        assert!(stopped_at.elapsed() < Duration::from_secs(5), "the listener never closed");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(refused_after >= DRAIN_DELAY, "listener closed {refused_after:?} after the stop, before the drain delay");
    assert!(!slow.is_finished(), "the slow request is still in flight when the listener closes");

    // …while the request in flight is answered in full, and only then does
    // the server return.
    assert_eq!(slow.await??, (200, "slow done".to_owned()));
    tokio::time::timeout(Duration::from_secs(5), server).await???;
    Ok(())
}
