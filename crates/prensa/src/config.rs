//! Settings from `prensa.toml`. Command-line flags win over `PRENSA_*`
//! environment variables (both handled by clap), which win over the file.

use std::path::{Path, PathBuf};

use anyhow::Context;
use prensa_store::MediaStore;
use serde::Deserialize;

/// The file's contents; every field optional.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub database: Option<String>,
    pub bind: Option<String>,
    pub media_dir: Option<PathBuf>,
    /// `s3://BUCKET[/PREFIX]`: media in S3-compatible object storage
    /// instead of `media_dir` (endpoint and credentials from `AWS_*`).
    pub media_url: Option<String>,
    /// Largest media upload, in megabytes (10^6 bytes).
    pub max_upload_mb: Option<u64>,
    /// Seconds `serve` keeps serving after SIGTERM while `/readyz` says 503.
    pub drain_delay: Option<f64>,
    /// Seconds a client may take to send a request's headers (default 10).
    pub header_timeout: Option<f64>,
    /// Seconds a connection may stay open with nothing moving (default 60).
    pub idle_timeout: Option<f64>,
    /// Most connections open at once (default 10000).
    pub max_connections: Option<u64>,
    /// Reverse proxies (CIDR ranges) whose forwarding headers are believed.
    pub trusted_proxies: Option<Vec<String>>,
    /// `Strict-Transport-Security` max-age over https; 0 sends none.
    pub hsts_max_age: Option<u64>,
    /// Minutes a staff session may go unused before it is signed out.
    pub session_idle_minutes: Option<u64>,
    /// The slug of the publication that answers unknown hosts and path
    /// prefixes when there are several (else they get a 404).
    pub default_publication: Option<String>,
    /// The page cache's budget, in MiB (default 128).
    pub page_cache_mb: Option<u64>,
    /// Shared HTTP caches to purge by surrogate key on every write.
    pub purge_urls: Option<Vec<String>>,
    /// How public pages name their surrogate keys: `xkey` (default),
    /// `surrogate-key` or `cache-tag`.
    pub surrogate_key_header: Option<String>,
    /// `s-maxage` of public pages, in seconds (default 86400; 0 sends none).
    pub shared_max_age: Option<u64>,
}

// Hand-written so that a database URL carrying a password (PostgreSQL)
// never reaches a log line.
impl std::fmt::Debug for FileConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileConfig")
            .field("database", &self.database.as_ref().map(|_| "<redacted>"))
            .field("bind", &self.bind)
            .field("media_dir", &self.media_dir)
            .field("media_url", &self.media_url)
            .field("max_upload_mb", &self.max_upload_mb)
            .field("drain_delay", &self.drain_delay)
            .field("header_timeout", &self.header_timeout)
            .field("idle_timeout", &self.idle_timeout)
            .field("max_connections", &self.max_connections)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("hsts_max_age", &self.hsts_max_age)
            .field("session_idle_minutes", &self.session_idle_minutes)
            .field("default_publication", &self.default_publication)
            .field("page_cache_mb", &self.page_cache_mb)
            .field("purge_urls", &self.purge_urls)
            .field("surrogate_key_header", &self.surrogate_key_header)
            .field("shared_max_age", &self.shared_max_age)
            .finish()
    }
}

impl FileConfig {
    /// Reads `path`, or `./prensa.toml` if it exists, or nothing.
    pub fn load(path: Option<&Path>) -> anyhow::Result<FileConfig> {
        let path = match path {
            Some(p) => p.to_path_buf(),
            None if Path::new("prensa.toml").exists() => PathBuf::from("prensa.toml"),
            None => return Ok(FileConfig::default()),
        };
        let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("in {}", path.display()))
    }
}

pub const DEFAULT_DATABASE: &str = "sqlite://prensa.db";
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";

/// The database URL and media store every store-touching command uses.
#[derive(Debug, Clone, clap::Args)]
pub struct StoreArgs {
    /// Database URL: sqlite://PATH or postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE [default: sqlite://prensa.db]
    #[arg(long, env = "PRENSA_DATABASE")]
    pub database: Option<String>,
    /// Where media files live [default: a `media` folder beside the SQLite file; ./media with PostgreSQL]
    #[arg(long, env = "PRENSA_MEDIA_DIR")]
    pub media_dir: Option<PathBuf>,
    /// Keep media in S3-compatible object storage instead: s3://BUCKET[/PREFIX], reached with AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION (AWS_ALLOW_HTTP=true for a plain-http endpoint)
    #[arg(long, env = "PRENSA_MEDIA_URL", conflicts_with = "media_dir")]
    pub media_url: Option<String>,
}

impl StoreArgs {
    pub fn database(&self, file: &FileConfig) -> String {
        self.database.clone().or_else(|| file.database.clone()).unwrap_or_else(|| DEFAULT_DATABASE.to_owned())
    }

    pub fn media_dir(&self, file: &FileConfig) -> PathBuf {
        if let Some(dir) = self.media_dir.clone().or_else(|| file.media_dir.clone()) {
            return dir;
        }
        media_beside(&self.database(file))
    }

    /// The media store: the bucket of `media_url` if one is set, else the
    /// directory of [`StoreArgs::media_dir`]. Makes no request.
    pub fn media(&self, file: &FileConfig) -> anyhow::Result<MediaStore> {
        media_store(self.media_dir.as_ref(), self.media_url.as_ref(), file, || self.media_dir(file))
    }
}

/// `media_url` (flag or file) over `media_dir`; both set is a mistake worth
/// saying rather than guessing which one is meant.
pub fn media_store(
    dir: Option<&PathBuf>,
    url: Option<&String>,
    file: &FileConfig,
    default_dir: impl FnOnce() -> PathBuf,
) -> anyhow::Result<MediaStore> {
    let dir = dir.or(file.media_dir.as_ref());
    match url.or(file.media_url.as_ref()) {
        Some(url) => {
            anyhow::ensure!(dir.is_none(), "set either media_dir or media_url, not both (media_url is {url})");
            Ok(MediaStore::open(url).with_context(|| format!("media_url {url}"))?)
        }
        None => Ok(MediaStore::dir(dir.cloned().unwrap_or_else(default_dir))),
    }
}

/// `sqlite:///srv/prensa/site.db` → `/srv/prensa/media`; `./media` for
/// anything that is not a SQLite file (PostgreSQL has no folder to sit
/// beside).
pub fn media_beside(database: &str) -> PathBuf {
    match sqlite_file(database).and_then(Path::parent) {
        Some(parent) => parent.join("media"),
        None => PathBuf::from("media"),
    }
}

/// The file a `sqlite://PATH[?options]` URL names; `None` for any other URL
/// and for an in-memory database.
pub fn sqlite_file(url: &str) -> Option<&Path> {
    let path = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = path.split('?').next().unwrap_or(path);
    (!path.is_empty() && !path.contains(":memory:")).then(|| Path::new(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_sits_beside_the_database() {
        assert_eq!(media_beside("sqlite:///srv/p/site.db"), PathBuf::from("/srv/p/media"));
        assert_eq!(media_beside("sqlite://site.db?mode=rwc"), PathBuf::from("media"));
        assert_eq!(media_beside("sqlite::memory:"), PathBuf::from("media"));
    }

    #[test]
    fn debug_hides_the_database_url() {
        let c = FileConfig { database: Some("postgres://u:secret@h/db".into()), ..Default::default() };
        assert!(!format!("{c:?}").contains("secret"));
    }

    #[test]
    fn media_url_or_dir() -> anyhow::Result<()> {
        let file = FileConfig { media_url: Some("s3://bucket/site".into()), ..Default::default() };
        let media = media_store(None, None, &file, || PathBuf::from("media"))?;
        assert!(media.to_string().starts_with("bucket s3://bucket/site"), "{media}");
        let dir = PathBuf::from("/srv/media");
        assert!(media_store(Some(&dir), None, &file, || PathBuf::from("media")).is_err(), "both set");
        let media = media_store(None, None, &FileConfig::default(), || PathBuf::from("media"))?;
        assert_eq!(media.to_string(), "media directory media");
        Ok(())
    }
}
