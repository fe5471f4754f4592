//! Prensa's HTTP layer: the public site of every publication in the store,
//! served from an in-memory page cache, plus media files and the theme's
//! assets.
//!
//! Publications share one router: each request's publication is found once,
//! by host or by host and path prefix, before routing ([`network`]), and
//! handlers read it from the request's extensions; every link a page prints
//! carries the publication's prefix ([`state::Site::path`]).
//!
//! Handlers are thin: parse the request, ask the store, hand the content
//! model to [`views`] and the theme, and cache the result. The router is
//! generic over the [`Store`], so the same code serves SQLite and
//! PostgreSQL.

use std::future::Future;
use std::sync::Arc;

use axum::handler::Handler;
use axum::routing::{any, get};
use axum::Router;
use chrono::Utc;
use prensa_store::{ContentApi, Desk, Editorial};

pub mod admin;
pub mod api;
pub mod api_keys;
pub mod assets;
pub mod cache;
pub mod client;
pub mod error;
pub mod feeds;
pub mod headers;
pub mod memo;
pub mod memory;
pub mod network;
pub mod ops;
pub mod public;
pub mod route;
pub mod search;
pub mod server;
pub mod share;
pub mod shared_cache;
pub mod sitemap;
pub mod state;
pub mod views;

pub use api_keys::{KeyRing, KeyVerdict};
pub use error::AppError;
pub use server::ServerSettings;
pub use state::{AppState, WebConfig, DEFAULT_SESSION_IDLE_MINUTES};

/// The application's routes. Each one is wrapped in [`ops::TrackLayer`]
/// with its own fixed route label, so the label costs nothing to find per
/// request; all of them in [`network::NetworkLayer`], which finds the
/// publication, and [`headers::SecurityHeadersLayer`].
pub fn router<S: Desk + Editorial + ContentApi>(state: Arc<AppState<S>>) -> Router {
    use ops::RouteLabel as L;
    let track = |label: L| ops::TrackLayer::new(&state, label);
    let routes = admin::routes(&state)
        .route("/media/{key}", get(assets::media::<S>).layer(track(L::Media)))
        .route("/assets/{file}", get(assets::stylesheet::<S>).layer(track(L::Asset)))
        .route("/share/mastodon/", get(share::mastodon::<S>).post(share::mastodon_form::<S>).layer(track(L::Share)))
        // The Content API answers every method itself (405 with `Allow`,
        // CORS preflights) and its own 404s, in JSON.
        .route(api::ROOT, any(api::handle::<S>).layer(track(L::Api)))
        .route(api::ROOT_SLASH, any(api::handle::<S>).layer(track(L::Api)))
        .route("/api/content/v1/{*rest}", any(api::handle::<S>).layer(track(L::Api)))
        .route("/healthz", get(ops::healthz).layer(track(L::Healthz)))
        .route("/readyz", get(ops::readyz::<S>).layer(track(L::Readyz)))
        .route("/metrics", get(ops::metrics::<S>).layer(track(L::Metrics)))
        .fallback(public::page::<S>.layer(track(L::Page)))
        .layer(axum::middleware::from_fn_with_state(state.clone(), client::resolve::<S>))
        .with_state(state.clone());
    // The publication is resolved (and its path prefix stripped) before
    // routing, so the routes above are written once, without prefixes; a
    // router's own layers run after its routing, hence the wrapping.
    let resolved = tower::Layer::layer(&network::NetworkLayer::new(&state), routes);
    Router::new().fallback_service(resolved).layer(headers::SecurityHeadersLayer)
}

/// Watches the store for changes this process did not make (a write on
/// another node, an import while the server runs) and for scheduled
/// articles coming due. The first come through the store's change feed and
/// purge only the pages they touch; a scheduled article coming due purges
/// everything, so it appears at its time without a restart or a request to
/// trigger it. Each tick first applies the scheduled changes to published
/// articles that are due ([`Editorial::run_due_changes`]). Runs until the
/// state is dropped.
pub fn spawn_watcher<S: Editorial>(state: &Arc<AppState<S>>) -> tokio::task::JoinHandle<()> {
    let weak = Arc::downgrade(state);
    let interval = state.config.watch_interval;
    tokio::spawn(async move {
        let mut due: Option<chrono::DateTime<Utc>> = None;
        // Purges made since the last tick, by this task or by a handler
        // after its own write: either may have scheduled something.
        let mut last_purges = None;
        let mut ticker = tokio::time::interval(interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            let Some(state) = weak.upgrade() else { return };
            let now = Utc::now();
            // Any node may run the scheduled changes; the store makes sure
            // exactly one applies each, and the change feed below brings
            // the result to this node's cache (and the others').
            match state.store.run_due_changes(now).await {
                Ok(applied) => {
                    for a in &applied {
                        if a.ok {
                            tracing::info!(
                                change = a.change,
                                article = a.article,
                                kind = a.kind,
                                "scheduled change applied"
                            );
                        } else {
                            tracing::warn!(change = a.change, article = a.article, kind = a.kind, outcome = %a.outcome, "scheduled change not applied");
                        }
                    }
                }
                Err(e) => tracing::warn!(error = %e, "running scheduled changes failed"),
            }
            // The trash's 30-day purge: every node asks, at most one per
            // hour wins the claim in the database and purges.
            match state.store.purge_trash(now, prensa_store::PURGE_EVERY).await {
                Ok(Some(purged)) if !purged.is_empty() => {
                    tracing::info!(articles = ?purged, "trash purged: articles 30 days in the trash deleted for good");
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "purging the trash failed"),
            }
            state.sync_changes().await;
            let purges = state.cache.stats().purges;
            let changed = last_purges != Some(purges);
            let came_due = due.is_some_and(|d| d <= now);
            if came_due {
                if let Err(e) = state.content_changed().await {
                    tracing::warn!(error = %e, "reloading after a scheduled article came due failed");
                    continue;
                }
                tracing::info!("a scheduled article came due; page cache purged");
            }
            if changed || came_due {
                last_purges = Some(state.cache.stats().purges);
                due = state.store.next_scheduled(now).await.unwrap_or_else(|e| {
                    tracing::warn!(error = %e, "scheduled article check failed");
                    None
                });
            }
        }
    })
}

/// Serves `router` on `listener` until ctrl-c / SIGTERM, then drains:
/// `/readyz` turns 503 at once (and responses ask for `Connection: close`);
/// the server keeps accepting for `settings.drain_delay` (`prensa serve
/// --drain-delay`, 0 keeps a ctrl-c instant) so a load balancer polling
/// `/readyz` can take the node out of rotation; then it stops accepting,
/// closes idle connections and lets in-flight requests finish before
/// returning. The other settings bound slow and idle clients and the
/// number of connections ([`server`]).
pub async fn serve(listener: tokio::net::TcpListener, router: Router, settings: ServerSettings) -> std::io::Result<()> {
    serve_until(listener, router, shutdown_signal(), settings).await
}

/// [`serve`] with the stop trigger given by the caller (tests, embedders):
/// when `stop` completes the process starts draining as described there.
pub async fn serve_until<F>(
    listener: tokio::net::TcpListener,
    router: Router,
    stop: F,
    settings: ServerSettings,
) -> std::io::Result<()>
where
    F: Future<Output = ()> + Send + 'static,
{
    let drain_delay = settings.drain_delay;
    let shutdown = async move {
        stop.await;
        ops::begin_process_drain();
        if !drain_delay.is_zero() {
            tracing::info!(seconds = drain_delay.as_secs_f64(), "draining: /readyz answers 503; still serving");
            tokio::time::sleep(drain_delay).await;
        }
        // From here the server stops accepting, closes idle keep-alive
        // connections and waits for the requests in flight.
        tracing::info!("no longer accepting connections; finishing in-flight requests");
    };
    server::run(listener, router, shutdown, settings).await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}
