//! Running Prensa behind a load balancer: liveness (`/healthz`), readiness
//! (`/readyz`), Prometheus metrics (`/metrics`), the middleware that counts
//! and times every request, and the drain flag raised at shutdown.
//!
//! The exposition is written by hand rather than with `prometheus-client`:
//! that crate's `Histogram::observe` takes a lock on every observation and
//! its `Family::get_or_create` a read lock plus a label hash per lookup,
//! while a cache hit here must stay a hash lookup and a few relaxed atomic
//! adds. The label sets are fixed and small, so every series is a plain
//! `AtomicU64` at a known index and the text format takes ~100 lines.

use std::fmt::{self, Write as _};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use http::header::{self, HeaderValue};
use http::StatusCode;
use prensa_store::Store;

use crate::cache::CacheStats;
use crate::state::AppState;

/// The `route` label: which handler answered. A small fixed set, never the
/// request path, so junk URLs cannot create series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteLabel {
    /// The public site's catch-all handler, unknown paths included.
    Page,
    Media,
    Asset,
    Share,
    Healthz,
    Readyz,
    Metrics,
    /// Every page and action under `/admin/`.
    Admin,
    /// The Content API, `/api/content/v1/…`.
    Api,
}

impl RouteLabel {
    pub const ALL: [RouteLabel; 9] = [
        RouteLabel::Page,
        RouteLabel::Media,
        RouteLabel::Asset,
        RouteLabel::Share,
        RouteLabel::Healthz,
        RouteLabel::Readyz,
        RouteLabel::Metrics,
        RouteLabel::Admin,
        RouteLabel::Api,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RouteLabel::Page => "page",
            RouteLabel::Media => "media",
            RouteLabel::Asset => "asset",
            RouteLabel::Share => "share",
            RouteLabel::Healthz => "healthz",
            RouteLabel::Readyz => "readyz",
            RouteLabel::Metrics => "metrics",
            RouteLabel::Admin => "admin",
            RouteLabel::Api => "api",
        }
    }
}

/// `http::StatusCode` is always 100..=999, so one counter per possible
/// code is exact and still bounded (series appear only once non-zero).
const STATUS_BASE: u16 = 100;
const STATUS_SLOTS: usize = 900;

/// Upper bounds of the latency histogram in nanoseconds, with the `le`
/// text. A cache hit takes ~10–30 µs of handler time and an uncached
/// article render ~0.7 ms, so the low end is fine-grained.
const BUCKETS: [(u64, &str); 19] = [
    (10_000, "0.00001"),
    (25_000, "0.000025"),
    (50_000, "0.00005"),
    (100_000, "0.0001"),
    (250_000, "0.00025"),
    (500_000, "0.0005"),
    (1_000_000, "0.001"),
    (2_500_000, "0.0025"),
    (5_000_000, "0.005"),
    (10_000_000, "0.01"),
    (25_000_000, "0.025"),
    (50_000_000, "0.05"),
    (100_000_000, "0.1"),
    (250_000_000, "0.25"),
    (500_000_000, "0.5"),
    (1_000_000_000, "1"),
    (2_500_000_000, "2.5"),
    (5_000_000_000, "5"),
    (10_000_000_000, "10"),
];

struct RouteMetrics {
    by_status: [AtomicU64; STATUS_SLOTS],
    /// Non-cumulative: one add per request; the scrape sums them up. The
    /// last slot is `+Inf`.
    buckets: [AtomicU64; BUCKETS.len() + 1],
    sum_ns: AtomicU64,
}

impl RouteMetrics {
    const fn new() -> RouteMetrics {
        RouteMetrics {
            by_status: [const { AtomicU64::new(0) }; STATUS_SLOTS],
            buckets: [const { AtomicU64::new(0) }; BUCKETS.len() + 1],
            sum_ns: AtomicU64::new(0),
        }
    }
}

/// Request counts by route and status, and latency histograms by route.
pub struct HttpMetrics {
    routes: [RouteMetrics; RouteLabel::ALL.len()],
}

impl Default for HttpMetrics {
    fn default() -> Self {
        HttpMetrics { routes: [const { RouteMetrics::new() }; RouteLabel::ALL.len()] }
    }
}

impl fmt::Debug for HttpMetrics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpMetrics").finish_non_exhaustive()
    }
}

impl HttpMetrics {
    /// Three relaxed adds: no lock, no allocation. Relaxed because the
    /// counters order nothing; a scrape may see one request's count before
    /// its latency, which Prometheus tolerates.
    pub fn record(&self, route: RouteLabel, status: StatusCode, elapsed: Duration) {
        let m = &self.routes[route as usize];
        if let Some(c) = m.by_status.get(usize::from(status.as_u16().saturating_sub(STATUS_BASE))) {
            c.fetch_add(1, Ordering::Relaxed);
        }
        let ns = u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX);
        let bucket = BUCKETS.partition_point(|&(bound, _)| bound < ns);
        if let Some(b) = m.buckets.get(bucket) {
            b.fetch_add(1, Ordering::Relaxed);
        }
        m.sum_ns.fetch_add(ns, Ordering::Relaxed);
    }
}

/// Set when the process is told to stop (see [`crate::serve`]): a signal
/// concerns the whole process, whichever states it serves.
static PROCESS_DRAINING: AtomicBool = AtomicBool::new(false);

pub fn begin_process_drain() {
    PROCESS_DRAINING.store(true, Ordering::Relaxed);
}

pub fn process_draining() -> bool {
    PROCESS_DRAINING.load(Ordering::Relaxed)
}

/// Counts and times every request under its route's label (see
/// [`Track`]). While the process drains it also asks clients to close the
/// connection, so a load balancer's pooled keep-alive connections leave
/// this node after their current request instead of being cut when the
/// listener closes.
///
/// A tower layer rather than `axum::middleware::from_fn_with_state`:
/// `from_fn` boxes its future and a `BoxCloneSyncService` for `Next` on
/// every request. `cargo bench -p prensa-web --bench hit` (one cache hit
/// through the router, in process): ~1.2 µs without middleware, +0.1–0.2 µs
/// with this layer (an `Instant` pair is 0.04 µs of it), +0.27 µs with the
/// same code in `from_fn`. This layer allocates nothing.
#[derive(Clone)]
pub struct TrackLayer<S: Store> {
    state: Arc<AppState<S>>,
    route: RouteLabel,
}

impl<S: Store> TrackLayer<S> {
    pub fn new(state: &Arc<AppState<S>>, route: RouteLabel) -> TrackLayer<S> {
        TrackLayer { state: state.clone(), route }
    }
}

impl<S: Store, Svc> tower::Layer<Svc> for TrackLayer<S> {
    type Service = Track<S, Svc>;

    fn layer(&self, inner: Svc) -> Track<S, Svc> {
        Track { inner, state: self.state.clone(), route: self.route }
    }
}

/// The service [`TrackLayer`] wraps a route in.
#[derive(Clone)]
pub struct Track<S: Store, Svc> {
    inner: Svc,
    state: Arc<AppState<S>>,
    route: RouteLabel,
}

impl<S, Svc> tower::Service<Request> for Track<S, Svc>
where
    S: Store,
    Svc: tower::Service<Request, Response = Response>,
    // axum's route and handler futures are boxed, hence `Unpin`, which
    // spares this future any pin projection.
    Svc::Future: Unpin,
{
    type Response = Response;
    type Error = Svc::Error;
    type Future = TrackFuture<S, Svc::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        TrackFuture { start: Instant::now(), inner: self.inner.call(req), state: self.state.clone(), route: self.route }
    }
}

pub struct TrackFuture<S: Store, F> {
    start: Instant,
    inner: F,
    state: Arc<AppState<S>>,
    route: RouteLabel,
}

impl<S, F, E> Future for TrackFuture<S, F>
where
    S: Store,
    F: Future<Output = Result<Response, E>> + Unpin,
{
    type Output = Result<Response, E>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let mut response = match Pin::new(&mut this.inner).poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
            Poll::Ready(Ok(response)) => response,
        };
        this.state.metrics.record(this.route, response.status(), this.start.elapsed());
        if this.state.is_draining() {
            response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        Poll::Ready(Ok(response))
    }
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8")),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        text,
    )
        .into_response()
}

/// Liveness: the process answers. Touches nothing else, and stays 200
/// while draining: the process is alive and finishing its work, and an
/// orchestrator must not restart it for that.
pub async fn healthz() -> Response {
    plain(StatusCode::OK, "ok")
}

/// How long the readiness query may take before the node counts as not
/// ready: well under a load balancer's usual health-check timeout, so it
/// gets a 503 with a reason rather than a timeout.
const READY_TIMEOUT: Duration = Duration::from_secs(1);

/// Readiness: the store answers a cheap query and the process is not
/// draining. Migrations run before the server starts listening, so a
/// reachable server has them done.
pub async fn readyz<S: Store>(State(state): State<Arc<AppState<S>>>) -> Response {
    if state.is_draining() {
        return plain(StatusCode::SERVICE_UNAVAILABLE, "draining");
    }
    match tokio::time::timeout(READY_TIMEOUT, state.store.content_version()).await {
        Ok(Ok(_)) => plain(StatusCode::OK, "ready"),
        Ok(Err(e)) => {
            // The detail goes to the log only: /readyz is public.
            tracing::warn!(error = %e, "readiness check: store query failed");
            plain(StatusCode::SERVICE_UNAVAILABLE, "store unavailable")
        }
        Err(_) => {
            tracing::warn!(timeout = ?READY_TIMEOUT, "readiness check: store query timed out");
            plain(StatusCode::SERVICE_UNAVAILABLE, "store timeout")
        }
    }
}

/// Prometheus text exposition (format 0.0.4).
pub async fn metrics<S: Store>(State(state): State<Arc<AppState<S>>>) -> Response {
    let mut body = exposition(&state.metrics, &state.cache.stats(), state.is_draining());
    pool_exposition(&mut body, state.store.pool_stats());
    search_exposition(&mut body, state.search.progress());
    family(
        &mut body,
        "prensa_media_variant_decodes_total",
        "counter",
        "Originals decoded to make a resized variant on request.",
    );
    let _ = writeln!(body, "prensa_media_variant_decodes_total {}", crate::assets::variant_decodes());
    let purges = &state.purger.stats;
    family(
        &mut body,
        "prensa_shared_cache_purge_requests_total",
        "counter",
        "Purge requests to the shared caches (--purge-url), by outcome.",
    );
    for (outcome, n) in [("sent", &purges.sent), ("retried", &purges.retried), ("failed", &purges.failed)] {
        let _ = writeln!(
            body,
            "prensa_shared_cache_purge_requests_total{{outcome=\"{outcome}\"}} {}",
            n.load(Ordering::Relaxed)
        );
    }
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8")),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        body,
    )
        .into_response()
}

/// Writes every metric. Histograms are written for every route label, even
/// unused ones, so rates start from zero; request counters only for the
/// statuses seen.
pub fn exposition(http: &HttpMetrics, cache: &CacheStats, draining: bool) -> String {
    let mut out = String::with_capacity(16 * 1024);
    // Writing to a String cannot fail; the `fmt::Result` is ignored below.
    let w = &mut out;

    family(w, "prensa_http_requests_total", "counter", "HTTP requests answered, by route and status code.");
    for route in RouteLabel::ALL {
        let m = &http.routes[route as usize];
        for (i, c) in m.by_status.iter().enumerate() {
            let n = c.load(Ordering::Relaxed);
            if n > 0 {
                let status = usize::from(STATUS_BASE) + i;
                let _ =
                    writeln!(w, "prensa_http_requests_total{{route=\"{}\",status=\"{status}\"}} {n}", route.as_str());
            }
        }
    }

    family(
        w,
        "prensa_http_request_duration_seconds",
        "histogram",
        "Time to produce a response (handler time, not sending the body), by route.",
    );
    for route in RouteLabel::ALL {
        let m = &http.routes[route as usize];
        let name = route.as_str();
        let mut cumulative = 0u64;
        for (i, b) in m.buckets.iter().enumerate() {
            cumulative += b.load(Ordering::Relaxed);
            let le = BUCKETS.get(i).map_or("+Inf", |&(_, le)| le);
            let _ =
                writeln!(w, "prensa_http_request_duration_seconds_bucket{{route=\"{name}\",le=\"{le}\"}} {cumulative}");
        }
        let sum = m.sum_ns.load(Ordering::Relaxed) as f64 / 1e9;
        let _ = writeln!(w, "prensa_http_request_duration_seconds_sum{{route=\"{name}\"}} {sum}");
        let _ = writeln!(w, "prensa_http_request_duration_seconds_count{{route=\"{name}\"}} {cumulative}");
    }

    let counters = [
        ("prensa_page_cache_hits_total", "Page requests answered from the page cache.", cache.hits),
        ("prensa_page_cache_misses_total", "Page requests that rendered their page from the store.", cache.misses),
        ("prensa_page_cache_purges_total", "Page cache purges (by surrogate key or of everything).", cache.purges),
        ("prensa_page_cache_purged_entries_total", "Page cache entries dropped by purges.", cache.purged_entries),
        (
            "prensa_page_cache_evictions_total",
            "Page cache entries dropped (or refused) to stay within the byte budget.",
            cache.evictions,
        ),
        (
            "prensa_page_cache_recompressions_total",
            "Hot pages recompressed at the best levels after a fast fill.",
            cache.upgrades,
        ),
        (
            "prensa_page_cache_encodings_added_total",
            "Encodings compressed into a cached page on the first hit asking for them.",
            cache.encodings_added,
        ),
    ];
    for (name, help, value) in counters {
        family(w, name, "counter", help);
        let _ = writeln!(w, "{name} {value}");
    }
    family(w, "prensa_page_cache_entries", "gauge", "Pages held in the page cache.");
    let _ = writeln!(w, "prensa_page_cache_entries {}", cache.entries);
    family(
        w,
        "prensa_page_cache_bytes",
        "gauge",
        "Bytes held by the page cache (every encoding), as weighed against its budget.",
    );
    let _ = writeln!(w, "prensa_page_cache_bytes {}", cache.bytes);
    family(w, "prensa_page_cache_budget_bytes", "gauge", "The page cache's byte budget (--page-cache-mb).");
    let _ = writeln!(w, "prensa_page_cache_budget_bytes {}", cache.budget);
    family(w, "prensa_page_cache_hit_ratio", "gauge", "Hits over hits and misses since start (0 before any request).");
    let looked = cache.hits + cache.misses;
    let ratio = if looked == 0 { 0.0 } else { cache.hits as f64 / looked as f64 };
    let _ = writeln!(w, "prensa_page_cache_hit_ratio {ratio}");
    family(w, "prensa_draining", "gauge", "1 while shutting down (/readyz answers 503), else 0.");
    let _ = writeln!(w, "prensa_draining {}", u8::from(draining));
    family(w, "prensa_build_info", "gauge", "Always 1; the version is in the label.");
    let _ = writeln!(w, "prensa_build_info{{version=\"{}\"}} 1", env!("CARGO_PKG_VERSION"));
    out
}

/// The store's connection pool: open, idle and in use, and its ceiling.
pub fn pool_exposition(w: &mut String, pool: prensa_store::PoolStats) {
    family(w, "prensa_store_pool_connections", "gauge", "Database connections held by the pool, by state.");
    let _ = writeln!(w, "prensa_store_pool_connections{{state=\"idle\"}} {}", pool.idle);
    let _ = writeln!(w, "prensa_store_pool_connections{{state=\"in_use\"}} {}", pool.open.saturating_sub(pool.idle));
    family(w, "prensa_store_pool_max_connections", "gauge", "The most connections the pool will open.");
    let _ = writeln!(w, "prensa_store_pool_max_connections {}", pool.max);
}

/// The search index: whether it is complete, and how far a build got.
pub fn search_exposition(w: &mut String, p: prensa_search::BuildProgress) {
    family(
        w,
        "prensa_search_index_complete",
        "gauge",
        "1 once every publication's search index is built, else 0 (searches say so).",
    );
    let _ = writeln!(w, "prensa_search_index_complete {}", u8::from(p.complete));
    family(w, "prensa_search_index_building", "gauge", "1 while a search index build runs in the background.");
    let _ = writeln!(w, "prensa_search_index_building {}", u8::from(p.building));
    family(w, "prensa_search_index_build_articles", "gauge", "Articles indexed so far by the running (or last) build.");
    let _ = writeln!(w, "prensa_search_index_build_articles {}", p.indexed);
    family(w, "prensa_search_index_articles", "gauge", "Articles in the search indexes answering queries.");
    let _ = writeln!(w, "prensa_search_index_articles {}", p.live);
    family(w, "prensa_search_index_builds_total", "counter", "Search index builds finished since start.");
    let _ = writeln!(w, "prensa_search_index_builds_total {}", p.builds);
}

fn family(w: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(w, "# HELP {name} {help}");
    let _ = writeln!(w, "# TYPE {name} {kind}");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats() -> CacheStats {
        CacheStats::default()
    }

    #[test]
    fn buckets_are_upper_bounds_inclusive() {
        let m = HttpMetrics::default();
        m.record(RouteLabel::Page, StatusCode::OK, Duration::from_micros(10)); // le 0.00001
        m.record(RouteLabel::Page, StatusCode::OK, Duration::from_micros(11)); // le 0.000025
        m.record(RouteLabel::Page, StatusCode::NOT_FOUND, Duration::from_secs(60)); // +Inf only
        let text = exposition(&m, &stats(), false);
        for line in [
            "prensa_http_requests_total{route=\"page\",status=\"200\"} 2",
            "prensa_http_requests_total{route=\"page\",status=\"404\"} 1",
            "prensa_http_request_duration_seconds_bucket{route=\"page\",le=\"0.00001\"} 1",
            "prensa_http_request_duration_seconds_bucket{route=\"page\",le=\"0.000025\"} 2",
            "prensa_http_request_duration_seconds_bucket{route=\"page\",le=\"10\"} 2",
            "prensa_http_request_duration_seconds_bucket{route=\"page\",le=\"+Inf\"} 3",
            "prensa_http_request_duration_seconds_count{route=\"page\"} 3",
            "prensa_http_request_duration_seconds_count{route=\"media\"} 0",
            "prensa_draining 0",
        ] {
            assert!(text.lines().any(|l| l == line), "missing {line:?} in\n{text}");
        }
        assert!(!text.contains("route=\"media\",status="), "no counter line for statuses never seen");
        let sum: f64 = text
            .lines()
            .find_map(|l| l.strip_prefix("prensa_http_request_duration_seconds_sum{route=\"page\"} "))
            .and_then(|v| v.parse().ok())
            .expect("page sum");
        assert!((sum - 60.000_021).abs() < 1e-9, "{sum}");
    }

    #[test]
    fn bucket_bounds_ascend_and_match_their_text() {
        for pair in BUCKETS.windows(2) {
            assert!(pair[0].0 < pair[1].0);
        }
        for (ns, le) in BUCKETS {
            let secs: f64 = le.parse().expect("le is a number");
            assert!((secs * 1e9 - ns as f64).abs() < 1.0, "{le} vs {ns}");
        }
    }
}
