//! `prensa serve`: the public site.

use std::process::ExitCode;

use anyhow::Context;
use prensa_store::{redact_url, AnyStore, MediaStore};
use prensa_web::{AppState, WebConfig};

use crate::config::{FileConfig, StoreArgs, DEFAULT_BIND};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub store: StoreArgs,
    /// Address and port to listen on [default: 127.0.0.1:8080]
    #[arg(long, env = "PRENSA_BIND")]
    pub bind: Option<String>,
    #[command(flatten)]
    pub web: WebArgs,
}

/// Settings of the running server (also `prensa demo`'s).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct WebArgs {
    /// Largest media upload, in megabytes [default: 20]
    #[arg(long, env = "PRENSA_MAX_UPLOAD_MB")]
    pub max_upload_mb: Option<u64>,
    /// Seconds to keep serving after SIGTERM while /readyz answers 503, so a load balancer can drain this node [default: 0]
    #[arg(long, env = "PRENSA_DRAIN_DELAY")]
    pub drain_delay: Option<f64>,
    /// Minutes a staff session may go unused before it is signed out, whatever its 14-day limit [default: 720]
    #[arg(long, env = "PRENSA_SESSION_IDLE_MINUTES")]
    pub session_idle_minutes: Option<u64>,
}

/// Sessions end after 14 days anyway: a longer idle limit would mean none.
const MAX_SESSION_IDLE_MINUTES: u64 = 14 * 24 * 60;

impl WebArgs {
    /// Flags (and `PRENSA_*`) over `prensa.toml` over defaults.
    pub fn resolve(&self, file: &FileConfig) -> anyhow::Result<(WebConfig, std::time::Duration)> {
        let mut config = WebConfig::default();
        if let Some(mb) = self.max_upload_mb.or(file.max_upload_mb) {
            anyhow::ensure!((1..=1000).contains(&mb), "max_upload_mb must be between 1 and 1000 (got {mb})");
            config.max_upload_bytes = mb * 1_000_000;
        }
        if let Some(minutes) = self.session_idle_minutes.or(file.session_idle_minutes) {
            // Below a few minutes the once-a-minute record of a session's
            // last use would sign people out between two clicks.
            anyhow::ensure!(
                (5..=MAX_SESSION_IDLE_MINUTES).contains(&minutes),
                "session_idle_minutes must be between 5 and {MAX_SESSION_IDLE_MINUTES} (14 days) (got {minutes})"
            );
            config.session_idle = std::time::Duration::from_secs(minutes * 60);
        }
        let seconds = self.drain_delay.or(file.drain_delay).unwrap_or(0.0);
        let drain = std::time::Duration::try_from_secs_f64(seconds)
            .map_err(|_| anyhow::anyhow!("drain_delay must be a number of seconds, 0 or more (got {seconds})"))?;
        Ok((config, drain))
    }
}

pub async fn run(args: Args, file: &FileConfig) -> anyhow::Result<ExitCode> {
    let database = args.store.database(file);
    let store = AnyStore::open(&database).await.with_context(|| format!("opening {}", redact_url(&database)))?;
    let media = args.store.media(file)?;
    // One request now rather than a broken image on every page later.
    media.check().await?;
    let bind = args.bind.or_else(|| file.bind.clone()).unwrap_or_else(|| DEFAULT_BIND.to_owned());
    let listener = tokio::net::TcpListener::bind(&bind).await.with_context(|| format!("listening on {bind}"))?;
    let settings = args.web.resolve(file)?;
    serve_on(listener, store, media, settings).await?;
    Ok(ExitCode::SUCCESS)
}

/// Serves `store` on an already bound listener (shared with `prensa demo`).
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    store: AnyStore,
    media: MediaStore,
    (config, drain_delay): (WebConfig, std::time::Duration),
) -> anyhow::Result<()> {
    let addr = listener.local_addr()?;
    tracing::info!(backend = store.backend(), %media, "store opened");
    let state = AppState::new(store, media, config).await?;
    if state.sites().list.is_empty() {
        tracing::warn!("the database holds no publication yet: run `prensa import dir PATH` first");
    }
    let _watcher = prensa_web::spawn_watcher(&state);
    // Machine-readable first line: tests and scripts read the URL from it.
    println!("Prensa is serving at http://{addr}/");
    prensa_web::serve(listener, prensa_web::router(state), drain_delay).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_idle_minutes_flag_over_file_over_default() -> anyhow::Result<()> {
        let minutes = |c: &WebConfig| c.session_idle.as_secs() / 60;
        let (config, _) = WebArgs::default().resolve(&FileConfig::default())?;
        assert_eq!(minutes(&config), prensa_web::DEFAULT_SESSION_IDLE_MINUTES);
        let file = FileConfig { session_idle_minutes: Some(60), ..Default::default() };
        assert_eq!(minutes(&WebArgs::default().resolve(&file)?.0), 60);
        let flag = WebArgs { session_idle_minutes: Some(30), ..Default::default() };
        assert_eq!(minutes(&flag.resolve(&file)?.0), 30, "the flag wins");
        for bad in [0, 4, 14 * 24 * 60 + 1] {
            let args = WebArgs { session_idle_minutes: Some(bad), ..Default::default() };
            let err = args.resolve(&FileConfig::default()).expect_err("out of range").to_string();
            assert!(err.contains("session_idle_minutes must be between 5 and 20160"), "{err}");
        }
        Ok(())
    }
}
