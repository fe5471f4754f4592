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
    /// A reverse proxy (an address or CIDR range, e.g. 10.0.0.0/8 or ::1) whose X-Forwarded-For / Forwarded and X-Forwarded-Proto are believed: the client's address (which the sign-in throttle counts against) and https come from them. Repeatable; PRENSA_TRUSTED_PROXIES takes a comma-separated list [default: none, the peer's address is the client's]
    #[arg(long = "trusted-proxy", value_name = "CIDR", env = "PRENSA_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<String>,
    /// Strict-Transport-Security max-age, in seconds, sent over https (a publication whose base URL is https, or a trusted proxy's X-Forwarded-Proto); 0 sends none [default: 31536000, one year]
    #[arg(long, value_name = "SECONDS", env = "PRENSA_HSTS_MAX_AGE")]
    pub hsts_max_age: Option<u64>,
}

impl WebArgs {
    /// Flags (and `PRENSA_*`) over `prensa.toml` over defaults.
    pub fn resolve(&self, file: &FileConfig) -> anyhow::Result<(WebConfig, std::time::Duration)> {
        let mut config = WebConfig::default();
        if let Some(mb) = self.max_upload_mb.or(file.max_upload_mb) {
            anyhow::ensure!((1..=1000).contains(&mb), "max_upload_mb must be between 1 and 1000 (got {mb})");
            config.max_upload_bytes = mb * 1_000_000;
        }
        // Flags (or the variable) replace the file's list rather than add to it.
        let proxies = if self.trusted_proxies.is_empty() { file.trusted_proxies.clone().unwrap_or_default() } else { self.trusted_proxies.clone() };
        for text in proxies.iter().filter(|t| !t.trim().is_empty()) {
            let cidr = text.parse().map_err(|e| anyhow::anyhow!("trusted_proxies: {e}"))?;
            config.trusted_proxies.push(cidr);
        }
        if let Some(max_age) = self.hsts_max_age.or(file.hsts_max_age) {
            config.hsts_max_age = max_age;
        }
        let seconds = self.drain_delay.or(file.drain_delay).unwrap_or(0.0);
        let drain = std::time::Duration::try_from_secs_f64(seconds)
            .map_err(|_| anyhow::anyhow!("drain_delay must be a number of seconds, 0 or more (got {seconds})"))?;
        Ok((config, drain))
    }
}

pub async fn run(args: Args, file: &FileConfig) -> anyhow::Result<ExitCode> {
    // Settings first: a mistake in them stops before any database is
    // created or migrated.
    let settings = args.web.resolve(file)?;
    let database = args.store.database(file);
    let store = AnyStore::open(&database).await.with_context(|| format!("opening {}", redact_url(&database)))?;
    let media = args.store.media(file)?;
    // One request now rather than a broken image on every page later.
    media.check().await?;
    let bind = args.bind.or_else(|| file.bind.clone()).unwrap_or_else(|| DEFAULT_BIND.to_owned());
    let listener = tokio::net::TcpListener::bind(&bind).await.with_context(|| format!("listening on {bind}"))?;
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
    if !config.trusted_proxies.is_empty() {
        let proxies: Vec<String> = config.trusted_proxies.iter().map(ToString::to_string).collect();
        tracing::info!(proxies = %proxies.join(", "), "forwarding headers believed from these proxies");
    }
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
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        web: WebArgs,
    }

    fn resolve(args: &[&str], file: &FileConfig) -> anyhow::Result<WebConfig> {
        let cli = Cli::try_parse_from(std::iter::once("prensa").chain(args.iter().copied()))?;
        Ok(cli.web.resolve(file)?.0)
    }

    #[test]
    fn trusted_proxies_and_hsts_from_flags_env_and_file() -> anyhow::Result<()> {
        let shown = |c: &WebConfig| c.trusted_proxies.iter().map(ToString::to_string).collect::<Vec<_>>();
        let none = resolve(&[], &FileConfig::default())?;
        assert!(none.trusted_proxies.is_empty());
        assert_eq!(none.hsts_max_age, prensa_web::state::DEFAULT_HSTS_MAX_AGE);
        let c = resolve(&["--trusted-proxy", "10.0.0.0/8", "--trusted-proxy", "::1", "--hsts-max-age", "0"], &FileConfig::default())?;
        assert_eq!(shown(&c), ["10.0.0.0/8", "::1/128"]);
        assert_eq!(c.hsts_max_age, 0);
        let file = FileConfig {
            trusted_proxies: Some(vec!["192.0.2.0/24".into(), "2001:db8::/32".into()]),
            hsts_max_age: Some(600),
            ..FileConfig::default()
        };
        let c = resolve(&[], &file)?;
        assert_eq!(shown(&c), ["192.0.2.0/24", "2001:db8::/32"]);
        assert_eq!(c.hsts_max_age, 600);
        // Flags replace the file's list.
        assert_eq!(shown(&resolve(&["--trusted-proxy", "10.1.0.0/16"], &file)?), ["10.1.0.0/16"]);
        let err = resolve(&["--trusted-proxy", "10.0.0.1/8"], &FileConfig::default()).expect_err("host bits");
        assert!(err.to_string().contains("trusted_proxies") && err.to_string().contains("10.0.0.0/8"), "{err}");
        assert!(resolve(&["--trusted-proxy", "proxy.internal"], &FileConfig::default()).is_err());
        // The variable is a comma-separated list (only this test reads it).
        std::env::set_var("PRENSA_TRUSTED_PROXIES", "10.0.0.0/8, 172.16.0.0/12");
        let from_env = resolve(&[], &FileConfig::default());
        std::env::remove_var("PRENSA_TRUSTED_PROXIES");
        assert_eq!(shown(&from_env?), ["10.0.0.0/8", "172.16.0.0/12"]);
        Ok(())
    }

    #[test]
    fn the_file_names_them_too() -> anyhow::Result<()> {
        let file: FileConfig = toml::from_str("trusted_proxies = [\"10.0.0.0/8\"]\nhsts_max_age = 0\n")?;
        assert_eq!(file.trusted_proxies, Some(vec!["10.0.0.0/8".to_owned()]));
        assert_eq!(file.hsts_max_age, Some(0));
        Ok(())
    }
}
