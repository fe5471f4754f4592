//! The cost of a warm page (a cache hit) through the router, in process and
//! without sockets, so that differences of 0.1 µs show above the noise:
//!
//! - `untracked_router`: the routes of `prensa_web::router`, no middleware
//!   (the publication, which handlers read from the request's extensions,
//!   put there by axum's `Extension` layer without a lookup);
//! - `instrumented_router`: `prensa_web::router` itself (`ops::TrackLayer`
//!   on every route, `network::NetworkLayer` resolving the publication);
//! - `from_fn_router`: the same middleware written with
//!   `axum::middleware::from_fn_with_state`, kept to show why `TrackLayer`
//!   is a hand-written tower layer.
//!
//! Uncontended, one thread; `bench/http.sh` measures under load.
//!
//! Run: cargo bench -p prensa-web --bench hit

use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::handler::Handler;
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use criterion::{criterion_group, Criterion};
use http::{header, HeaderValue, Request, StatusCode};
use prensa_store::{MediaDir, SqliteStore, Store};
use prensa_web::ops::{self, RouteLabel};
use prensa_web::{assets, public, share, AppState, WebConfig};
use tower::ServiceExt;

type St = Arc<AppState<SqliteStore>>;

const PATH: &str = "/long-read-benchmark-feature/";

fn setup(rt: &tokio::runtime::Runtime, dir: &std::path::Path) -> St {
    rt.block_on(async {
        let demo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../demo");
        let prepared = prensa_import::load_dir(&demo).expect("demo content is valid");
        let media = MediaDir::new(dir.join("media"));
        let store = SqliteStore::open(&format!("sqlite://{}", dir.join("bench.db").display())).await.expect("open");
        store.apply_import(&prepared.set, false).await.expect("import");
        AppState::new(store, media, WebConfig::default()).await.expect("state")
    })
}

async fn hit(router: &Router) -> StatusCode {
    let req = Request::get(PATH).header(header::HOST, "localhost:8080").body(Body::empty()).expect("request");
    let res = router.clone().oneshot(req).await.expect("infallible");
    res.status()
}

fn untracked(state: &St) -> Router {
    Router::new()
        .route("/media/{key}", get(assets::media::<SqliteStore>))
        .route("/assets/{file}", get(assets::stylesheet::<SqliteStore>))
        .route("/share/mastodon/", get(share::mastodon::<SqliteStore>))
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz::<SqliteStore>))
        .route("/metrics", get(ops::metrics::<SqliteStore>))
        .fallback(public::page::<SqliteStore>)
        .layer(axum::Extension(state.sites().list[0].clone()))
        .with_state(state.clone())
}

async fn from_fn_track(
    State((state, route)): State<(St, RouteLabel)>,
    req: axum::extract::Request,
    next: Next,
) -> Response {
    let start = std::time::Instant::now();
    let mut response = next.run(req).await;
    state.metrics.record(route, response.status(), start.elapsed());
    if state.is_draining() {
        response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

fn from_fn_router(state: &St) -> Router {
    let track = |route: RouteLabel| axum::middleware::from_fn_with_state((state.clone(), route), from_fn_track);
    Router::new()
        .route("/media/{key}", get(assets::media::<SqliteStore>).layer(track(RouteLabel::Media)))
        .route("/assets/{file}", get(assets::stylesheet::<SqliteStore>).layer(track(RouteLabel::Asset)))
        .route("/share/mastodon/", get(share::mastodon::<SqliteStore>).layer(track(RouteLabel::Share)))
        .route("/healthz", get(ops::healthz).layer(track(RouteLabel::Healthz)))
        .route("/readyz", get(ops::readyz::<SqliteStore>).layer(track(RouteLabel::Readyz)))
        .route("/metrics", get(ops::metrics::<SqliteStore>).layer(track(RouteLabel::Metrics)))
        .fallback(public::page::<SqliteStore>.layer(track(RouteLabel::Page)))
        .layer(axum::Extension(state.sites().list[0].clone()))
        .with_state(state.clone())
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let dir = tempfile::tempdir().expect("tempdir");
    let state = setup(&rt, dir.path());
    let routers = [
        ("untracked_router", untracked(&state)),
        ("instrumented_router", prensa_web::router(state.clone())),
        ("from_fn_router", from_fn_router(&state)),
    ];
    for (_, router) in &routers {
        assert_eq!(rt.block_on(hit(router)), StatusCode::OK); // the first fills the cache
    }
    let mut group = c.benchmark_group("cache_hit");
    for (name, router) in &routers {
        group.bench_function(*name, |b| b.iter(|| rt.block_on(hit(router))));
    }
    group.finish();
    assert!(state.cache.stats().hits > 0, "measured hits, not renders");
}

criterion_group!(benches, bench);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
