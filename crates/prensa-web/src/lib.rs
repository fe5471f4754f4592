//! Prensa's HTTP layer: the public site of every publication in the store,
//! served from an in-memory page cache, plus media files and the theme's
//! assets.
//!
//! Handlers are thin: parse the request, ask the store, hand the content
//! model to [`views`] and the theme, and cache the result. The router is
//! generic over the [`Store`], so the same code serves SQLite and
//! PostgreSQL.

use std::sync::Arc;

use axum::routing::get;
use axum::Router;
use chrono::Utc;
use prensa_store::Store;

pub mod assets;
pub mod cache;
pub mod error;
pub mod public;
pub mod route;
pub mod share;
pub mod state;
pub mod views;

pub use error::AppError;
pub use state::{AppState, WebConfig};

/// The application's routes.
pub fn router<S: Store>(state: Arc<AppState<S>>) -> Router {
    Router::new()
        .route("/media/{key}", get(assets::media::<S>))
        .route("/assets/{file}", get(assets::stylesheet::<S>))
        .route("/share/mastodon/", get(share::mastodon::<S>))
        .fallback(public::page::<S>)
        .with_state(state)
}

/// Watches the store for changes this process did not make: content
/// written by another process (an import while the server runs) and
/// scheduled articles coming due. Either purges the page cache, so a
/// scheduled article appears at its time without a restart or a request
/// to trigger it. Runs until the state is dropped.
pub fn spawn_watcher<S: Store>(state: &Arc<AppState<S>>) -> tokio::task::JoinHandle<()> {
    let weak = Arc::downgrade(state);
    let interval = state.config.watch_interval;
    tokio::spawn(async move {
        let mut version: Option<i64> = None;
        let mut due: Option<chrono::DateTime<Utc>> = None;
        let mut ticker = tokio::time::interval(interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            let Some(state) = weak.upgrade() else { return };
            let now = Utc::now();
            let current = match state.store.content_version().await {
                Ok(v) => v,
                Err(e) => {
                    tracing::warn!(error = %e, "content version check failed");
                    continue;
                }
            };
            let changed = version.is_some_and(|v| v != current);
            let came_due = due.is_some_and(|d| d <= now);
            if changed || came_due {
                if let Err(e) = state.content_changed().await {
                    tracing::warn!(error = %e, "reloading after a content change failed");
                    continue;
                }
                tracing::info!(changed, came_due, "content changed; page cache purged");
            }
            if version.is_none() || changed || came_due {
                due = state.store.next_scheduled(now).await.unwrap_or_else(|e| {
                    tracing::warn!(error = %e, "scheduled article check failed");
                    None
                });
            }
            version = Some(current);
        }
    })
}

/// Serves `router` on `listener` until ctrl-c / SIGTERM, then lets
/// in-flight requests finish.
pub async fn serve(listener: tokio::net::TcpListener, router: Router) -> std::io::Result<()> {
    use axum::serve::ListenerExt;
    // Pages go out in one write; Nagle's algorithm would only hold the
    // last segment of each back waiting for an ACK.
    let listener = listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(error = %e, "TCP_NODELAY not set");
        }
    });
    axum::serve(listener, router).with_graceful_shutdown(shutdown_signal()).await
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
