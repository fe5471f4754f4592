//! `prensa serve`: the public site.

use std::process::ExitCode;

use anyhow::Context;
use prensa_store::{redact_url, AnyStore, MediaStore};
use prensa_web::{AppState, ServerSettings, WebConfig};

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
    /// Seconds a client may take to send a request's headers before its connection is closed (slow clients cannot hold connections) [default: 10]
    #[arg(long, value_name = "SECONDS", env = "PRENSA_HEADER_TIMEOUT")]
    pub header_timeout: Option<f64>,
    /// Seconds a connection may stay open with no bytes moving either way, between keep-alive requests included [default: 60]
    #[arg(long, value_name = "SECONDS", env = "PRENSA_IDLE_TIMEOUT")]
    pub idle_timeout: Option<f64>,
    /// Most connections open at once; past it new ones wait until one closes [default: 10000]
    #[arg(long, env = "PRENSA_MAX_CONNECTIONS")]
    pub max_connections: Option<u64>,
    /// A reverse proxy (an address or CIDR range, e.g. 10.0.0.0/8 or ::1) whose X-Forwarded-For / Forwarded and X-Forwarded-Proto are believed: the client's address (which the sign-in throttle counts against) and https come from them. Repeatable; PRENSA_TRUSTED_PROXIES takes a comma-separated list [default: none, the peer's address is the client's]
    #[arg(long = "trusted-proxy", value_name = "CIDR", env = "PRENSA_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<String>,
    /// Strict-Transport-Security max-age, in seconds, sent over https (a publication whose base URL is https, or a trusted proxy's X-Forwarded-Proto); 0 sends none [default: 31536000, one year]
    #[arg(long, value_name = "SECONDS", env = "PRENSA_HSTS_MAX_AGE")]
    pub hsts_max_age: Option<u64>,
    /// Minutes a staff session may go unused before it is signed out, whatever its 14-day limit [default: 720]
    #[arg(long, env = "PRENSA_SESSION_IDLE_MINUTES")]
    pub session_idle_minutes: Option<u64>,
    /// With several publications: the slug of the one that answers a host or path prefix none of them claims [default: none, such requests get a 404]
    #[arg(long, value_name = "SLUG", env = "PRENSA_DEFAULT_PUBLICATION")]
    pub default_publication: Option<String>,
    /// The page cache's byte budget, in MiB: rendered pages (in all three encodings) beyond it are evicted, the least asked-for first [default: 128]
    #[arg(long, value_name = "MB", env = "PRENSA_PAGE_CACHE_MB")]
    pub page_cache_mb: Option<u64>,
    /// A shared HTTP cache (Varnish with vmod xkey, a CDN) to send PURGE requests naming the surrogate keys a write touches, e.g. http://127.0.0.1:6081/. Repeatable; PRENSA_PURGE_URLS takes a comma-separated list [default: none]
    #[arg(long = "purge-url", value_name = "URL", env = "PRENSA_PURGE_URLS", value_delimiter = ',')]
    pub purge_urls: Vec<String>,
    /// The header naming a public page's surrogate keys (and a purge's): xkey, surrogate-key or cache-tag [default: xkey]
    #[arg(long, value_name = "NAME", env = "PRENSA_SURROGATE_KEY_HEADER")]
    pub surrogate_key_header: Option<String>,
    /// How long a shared cache may keep a public page (Cache-Control s-maxage), in seconds; 0 sends no s-maxage and no key header [default: 86400]
    #[arg(long, value_name = "SECONDS", env = "PRENSA_SHARED_MAX_AGE")]
    pub shared_max_age: Option<u64>,
}

/// Sessions end after 14 days anyway: a longer idle limit would mean none.
const MAX_SESSION_IDLE_MINUTES: u64 = 14 * 24 * 60;

impl WebArgs {
    /// Flags (and `PRENSA_*`) over `prensa.toml` over defaults.
    pub fn resolve(&self, file: &FileConfig) -> anyhow::Result<(WebConfig, ServerSettings)> {
        let mut config = WebConfig::default();
        if let Some(mb) = self.max_upload_mb.or(file.max_upload_mb) {
            anyhow::ensure!((1..=1000).contains(&mb), "max_upload_mb must be between 1 and 1000 (got {mb})");
            config.max_upload_bytes = mb * 1_000_000;
        }
        // Flags (or the variable) replace the file's list rather than add to it.
        let proxies = if self.trusted_proxies.is_empty() {
            file.trusted_proxies.clone().unwrap_or_default()
        } else {
            self.trusted_proxies.clone()
        };
        for text in proxies.iter().filter(|t| !t.trim().is_empty()) {
            let cidr = text.parse().map_err(|e| anyhow::anyhow!("trusted_proxies: {e}"))?;
            config.trusted_proxies.push(cidr);
        }
        if let Some(max_age) = self.hsts_max_age.or(file.hsts_max_age) {
            config.hsts_max_age = max_age;
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
        if let Some(slug) =
            self.default_publication.clone().or_else(|| file.default_publication.clone()).filter(|s| !s.is_empty())
        {
            anyhow::ensure!(
                prensa_core::slug::is_valid_slug(&slug),
                "default_publication must be a publication's slug, like `meridian` (got `{slug}`)"
            );
            config.default_publication = Some(slug);
        }
        if let Some(mb) = self.page_cache_mb.or(file.page_cache_mb) {
            // 1 MiB holds a few pages; past 64 GiB is surely a typo.
            anyhow::ensure!((1..=65_536).contains(&mb), "page_cache_mb must be between 1 and 65536 (got {mb})");
            config.page_cache_mb = mb;
        }
        let purge_urls = if self.purge_urls.is_empty() {
            file.purge_urls.clone().unwrap_or_default()
        } else {
            self.purge_urls.clone()
        };
        for url in purge_urls.iter().map(|u| u.trim()).filter(|u| !u.is_empty()) {
            anyhow::ensure!(
                url.starts_with("http://") || url.starts_with("https://"),
                "purge_urls must be http:// or https:// URLs (got `{url}`)"
            );
            config.shared_cache.purge_urls.push(url.to_owned());
        }
        if let Some(name) = self.surrogate_key_header.clone().or_else(|| file.surrogate_key_header.clone()) {
            config.shared_cache.header = prensa_web::shared_cache::KeyHeader::parse(&name).ok_or_else(|| {
                anyhow::anyhow!("surrogate_key_header must be xkey, surrogate-key or cache-tag (got `{name}`)")
            })?;
        }
        if let Some(seconds) = self.shared_max_age.or(file.shared_max_age) {
            anyhow::ensure!(seconds <= 31_536_000, "shared_max_age must be at most 31536000 (a year) (got {seconds})");
            config.shared_cache.max_age = seconds;
        }
        let seconds = self.drain_delay.or(file.drain_delay).unwrap_or(0.0);
        let drain = std::time::Duration::try_from_secs_f64(seconds)
            .map_err(|_| anyhow::anyhow!("drain_delay must be a number of seconds, 0 or more (got {seconds})"))?;
        let mut server = ServerSettings { drain_delay: drain, ..ServerSettings::default() };
        if let Some(s) = self.header_timeout.or(file.header_timeout) {
            server.header_timeout = timeout("header_timeout", s)?;
        }
        if let Some(s) = self.idle_timeout.or(file.idle_timeout) {
            server.idle_timeout = timeout("idle_timeout", s)?;
        }
        if let Some(n) = self.max_connections.or(file.max_connections) {
            let max = ServerSettings::MAX_MAX_CONNECTIONS;
            anyhow::ensure!(n >= 1 && n <= max as u64, "max_connections must be between 1 and {max} (got {n})");
            server.max_connections = n as usize;
        }
        Ok((config, server))
    }
}

/// A timeout setting: more than 0 (a zero timeout would close every
/// connection at once), at most a day.
fn timeout(name: &str, seconds: f64) -> anyhow::Result<std::time::Duration> {
    std::time::Duration::try_from_secs_f64(seconds).ok().filter(|d| !d.is_zero() && d.as_secs() <= 86_400).ok_or_else(
        || anyhow::anyhow!("{name} must be a number of seconds, more than 0 and at most 86400 (got {seconds})"),
    )
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
    (config, server): (WebConfig, ServerSettings),
) -> anyhow::Result<()> {
    let addr = listener.local_addr()?;
    tracing::info!(backend = store.backend(), %media, "store opened");
    if !config.trusted_proxies.is_empty() {
        let proxies: Vec<String> = config.trusted_proxies.iter().map(ToString::to_string).collect();
        tracing::info!(proxies = %proxies.join(", "), "forwarding headers believed from these proxies");
    }
    let default_publication = config.default_publication.clone();
    // Serving starts now; the search index is built in the background
    // (`/search/` says so until it is complete), so start-up takes the
    // same time whatever the archive's size.
    let state = AppState::start(store, media, config).await?;
    let sites = state.sites();
    if sites.list.is_empty() {
        tracing::warn!("the database holds no publication yet: run `prensa import dir PATH` first");
    }
    // Not an error: the publication may be imported while this runs.
    if let Some(slug) = default_publication.filter(|s| !sites.list.iter().any(|p| p.publication.slug == *s)) {
        tracing::warn!(%slug, "default_publication names no publication in the database (yet); unknown hosts get a 404 until it exists");
    }
    drop(sites);
    let _watcher = prensa_web::spawn_watcher(&state);
    // Machine-readable first line: tests and scripts read the URL from it.
    println!("Prensa is serving at http://{addr}/");
    prensa_web::serve(listener, prensa_web::router(state), server).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_settings_come_from_flags_then_the_file() -> anyhow::Result<()> {
        let (_, defaults) = WebArgs::default().resolve(&FileConfig::default())?;
        assert_eq!(defaults, ServerSettings::default());
        assert_eq!(defaults.header_timeout, std::time::Duration::from_secs(10));
        assert_eq!(defaults.idle_timeout, std::time::Duration::from_secs(60));
        let file = FileConfig {
            header_timeout: Some(5.0),
            idle_timeout: Some(30.0),
            max_connections: Some(200),
            ..Default::default()
        };
        let (_, s) = WebArgs::default().resolve(&file)?;
        assert_eq!((s.header_timeout.as_secs(), s.idle_timeout.as_secs(), s.max_connections), (5, 30, 200));
        let flags = WebArgs { header_timeout: Some(0.5), max_connections: Some(7), ..Default::default() };
        let (_, s) = flags.resolve(&file)?;
        assert_eq!((s.header_timeout.as_millis(), s.idle_timeout.as_secs(), s.max_connections), (500, 30, 7));
        for bad in [
            WebArgs { header_timeout: Some(0.0), ..Default::default() },
            WebArgs { idle_timeout: Some(-1.0), ..Default::default() },
            WebArgs { idle_timeout: Some(f64::NAN), ..Default::default() },
            WebArgs { max_connections: Some(0), ..Default::default() },
        ] {
            let e = bad.resolve(&FileConfig::default()).err().ok_or_else(|| anyhow::anyhow!("{bad:?} accepted"))?;
            assert!(e.to_string().contains("must be"), "{e}");
        }
        Ok(())
    }

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
        let c = resolve(
            &["--trusted-proxy", "10.0.0.0/8", "--trusted-proxy", "::1", "--hsts-max-age", "0"],
            &FileConfig::default(),
        )?;
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
    fn cache_settings_from_flags_and_file() -> anyhow::Result<()> {
        let none = resolve(&[], &FileConfig::default())?;
        assert_eq!(none.page_cache_mb, prensa_web::cache::DEFAULT_BUDGET_MB);
        assert!(none.shared_cache.purge_urls.is_empty());
        assert_eq!(none.shared_cache.header, prensa_web::shared_cache::KeyHeader::Xkey);
        let file: FileConfig = toml::from_str(
            "page_cache_mb = 64\npurge_urls = [\"http://a:6081/\", \"http://b:6081/\"]\nsurrogate_key_header = \"cache-tag\"\nshared_max_age = 600\n",
        )?;
        let c = resolve(&[], &file)?;
        assert_eq!(c.page_cache_mb, 64);
        assert_eq!(c.shared_cache.purge_urls, ["http://a:6081/", "http://b:6081/"]);
        assert_eq!(c.shared_cache.header, prensa_web::shared_cache::KeyHeader::CacheTag);
        assert_eq!(c.shared_cache.max_age, 600);
        let c = resolve(&["--page-cache-mb", "8", "--purge-url", "http://c/", "--purge-url", "https://d/"], &file)?;
        assert_eq!(c.page_cache_mb, 8, "the flag wins");
        assert_eq!(c.shared_cache.purge_urls, ["http://c/", "https://d/"], "flags replace the file's list");
        assert!(resolve(&["--page-cache-mb", "0"], &FileConfig::default()).is_err());
        assert!(resolve(&["--purge-url", "varnish:6081"], &FileConfig::default()).is_err());
        assert!(resolve(&["--surrogate-key-header", "tags"], &FileConfig::default()).is_err());
        Ok(())
    }

    #[test]
    fn the_file_names_them_too() -> anyhow::Result<()> {
        let file: FileConfig = toml::from_str("trusted_proxies = [\"10.0.0.0/8\"]\nhsts_max_age = 0\n")?;
        assert_eq!(file.trusted_proxies, Some(vec!["10.0.0.0/8".to_owned()]));
        assert_eq!(file.hsts_max_age, Some(0));
        Ok(())
    }

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

    #[test]
    fn default_publication_from_flag_then_file() -> anyhow::Result<()> {
        assert_eq!(resolve(&[], &FileConfig::default())?.default_publication, None);
        let file: FileConfig = toml::from_str("default_publication = \"meridian\"\n")?;
        assert_eq!(resolve(&[], &file)?.default_publication.as_deref(), Some("meridian"));
        let flag = resolve(&["--default-publication", "meridiano"], &file)?;
        assert_eq!(flag.default_publication.as_deref(), Some("meridiano"), "the flag wins");
        let err = resolve(&["--default-publication", "Not A Slug"], &FileConfig::default()).expect_err("not a slug");
        assert!(err.to_string().contains("default_publication must be a publication's slug"), "{err}");
        Ok(())
    }
}
