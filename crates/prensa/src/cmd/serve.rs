//! `prensa serve`: the public site.

use std::process::ExitCode;

use anyhow::Context;
use prensa_store::{redact_url, AnyStore, MediaDir};
use prensa_web::{AppState, WebConfig};

use crate::config::{FileConfig, StoreArgs, DEFAULT_BIND};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub store: StoreArgs,
    /// Address and port to listen on [default: 127.0.0.1:8080]
    #[arg(long, env = "PRENSA_BIND")]
    pub bind: Option<String>,
}

pub async fn run(args: Args, file: &FileConfig) -> anyhow::Result<ExitCode> {
    let database = args.store.database(file);
    let store = AnyStore::open(&database).await.with_context(|| format!("opening {}", redact_url(&database)))?;
    let media = MediaDir::new(args.store.media_dir(file));
    let bind = args.bind.or_else(|| file.bind.clone()).unwrap_or_else(|| DEFAULT_BIND.to_owned());
    let listener = tokio::net::TcpListener::bind(&bind).await.with_context(|| format!("listening on {bind}"))?;
    serve_on(listener, store, media).await?;
    Ok(ExitCode::SUCCESS)
}

/// Serves `store` on an already bound listener (shared with `prensa demo`).
pub async fn serve_on(listener: tokio::net::TcpListener, store: AnyStore, media: MediaDir) -> anyhow::Result<()> {
    let addr = listener.local_addr()?;
    tracing::info!(backend = store.backend(), media = %media.root().display(), "store opened");
    let state = AppState::new(store, media, WebConfig::default()).await?;
    if state.sites().list.is_empty() {
        tracing::warn!("the database holds no publication yet: run `prensa import dir PATH` first");
    }
    let _watcher = prensa_web::spawn_watcher(&state);
    // Machine-readable first line: tests and scripts read the URL from it.
    println!("Prensa is serving at http://{addr}/");
    prensa_web::serve(listener, prensa_web::router(state)).await?;
    Ok(())
}
