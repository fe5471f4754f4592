//! Media files: content-addressed images, in a directory beside the
//! database ([`MediaDir`], the default) or in an S3-compatible bucket
//! ([`MediaStore::open`] with `s3://BUCKET/PREFIX`). [`MediaStore`] is the
//! one the server and the commands hold; both keep the same keys.
//!
//! A file's key is the hash of its bytes plus its extension, so writing the
//! same image twice is a no-op, a key never points at different bytes, and
//! URLs built from keys can be cached forever. Files are written before the
//! database transaction that refers to them; if that transaction fails, an
//! unreferenced file is left behind, which is harmless.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use object_store::aws::{AmazonS3, AmazonS3Builder, AmazonS3ConfigKey};
use object_store::path::Path as ObjectPath;
use object_store::{Attribute, Attributes, ObjectStore, ObjectStoreExt, PutOptions, RetryConfig};

#[derive(Debug, Clone)]
pub struct MediaDir {
    root: PathBuf,
}

impl MediaDir {
    pub fn new(root: impl Into<PathBuf>) -> MediaDir {
        MediaDir { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Whether `key` is a well-formed media key (`<hex>.<ext>`, or a
    /// resized variant `<hex>-<width>.<ext>`); anything else is refused
    /// before touching the file system, so a request path can never walk
    /// out of the directory.
    pub fn is_valid_key(key: &str) -> bool {
        let Some((name, ext)) = key.split_once('.') else { return false };
        let (hash, width) = match name.split_once('-') {
            Some((h, w)) => (h, Some(w)),
            None => (name, None),
        };
        !hash.is_empty()
            && hash.len() <= 64
            && hash.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
            && width.is_none_or(|w| !w.is_empty() && w.len() <= 5 && w.bytes().all(|b| b.is_ascii_digit()))
            && matches!(ext, "jpg" | "png" | "webp" | "gif")
    }

    /// The original a variant key was made from (`ab12-640.webp` →
    /// `ab12`), or `None` for an original's key.
    pub fn variant_base(key: &str) -> Option<&str> {
        let (name, _) = key.split_once('.')?;
        name.split_once('-').map(|(hash, _)| hash)
    }

    /// Writes `bytes` under `key` unless it is already there (temporary
    /// name, then rename, like [`MediaDir::put_file`]).
    pub fn put_bytes(&self, key: &str, bytes: &[u8]) -> io::Result<bool> {
        let target = self.path(key)?;
        if target.exists() {
            return Ok(false);
        }
        std::fs::create_dir_all(&self.root)?;
        let tmp = self.root.join(format!(".{key}.{}.tmp", std::process::id()));
        std::fs::write(&tmp, bytes)?;
        std::fs::rename(&tmp, &target)?;
        Ok(true)
    }

    pub fn path(&self, key: &str) -> io::Result<PathBuf> {
        if !Self::is_valid_key(key) {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("invalid media key `{key}`")));
        }
        Ok(self.root.join(key))
    }

    /// Copies `source` into the directory under `key` unless it is already
    /// there. Writes to a temporary name and renames, so a crash never
    /// leaves a half-written file under a real key.
    pub fn put_file(&self, key: &str, source: &Path) -> io::Result<bool> {
        let target = self.path(key)?;
        if target.exists() {
            return Ok(false);
        }
        std::fs::create_dir_all(&self.root)?;
        let tmp = self.root.join(format!(".{key}.{}.tmp", std::process::id()));
        std::fs::copy(source, &tmp)?;
        std::fs::rename(&tmp, &target)?;
        Ok(true)
    }

    pub async fn read(&self, key: &str) -> io::Result<Vec<u8>> {
        tokio::fs::read(self.path(key)?).await
    }
}

/// Where media files live: a local directory or an S3-compatible bucket.
/// Cheap to clone. Keys, and what a key holds, are the same in both; a
/// write of a key that is already there is skipped (same key, same bytes).
#[derive(Clone)]
pub struct MediaStore {
    backend: Backend,
}

#[derive(Clone)]
enum Backend {
    Dir(MediaDir),
    Bucket(Arc<Bucket>),
}

struct Bucket {
    store: AmazonS3,
    /// `s3://bucket/prefix`, for messages (holds no secret).
    url: String,
    /// Where requests go (AWS_ENDPOINT_URL), for messages; `None` for AWS.
    endpoint: Option<String>,
    prefix: Option<ObjectPath>,
}

impl From<MediaDir> for MediaStore {
    fn from(dir: MediaDir) -> MediaStore {
        MediaStore { backend: Backend::Dir(dir) }
    }
}

impl MediaStore {
    pub fn dir(root: impl Into<PathBuf>) -> MediaStore {
        MediaDir::new(root).into()
    }

    /// A bucket named by `s3://BUCKET[/PREFIX]`, reached with the usual
    /// `AWS_*` environment variables (`AWS_ENDPOINT_URL` for a server other
    /// than AWS, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
    /// `AWS_REGION`, `AWS_ALLOW_HTTP=true` for a plain-http endpoint).
    /// Nothing is requested yet: [`MediaStore::check`] does that.
    pub fn open(url: &str) -> io::Result<MediaStore> {
        MediaStore::open_with(url, std::iter::empty::<(&str, &str)>())
    }

    /// [`MediaStore::open`] with settings that win over the environment,
    /// named like `object_store`'s S3 keys (`aws_endpoint`,
    /// `aws_access_key_id`, `aws_allow_http`…) — for tests.
    pub fn open_with<'a>(url: &str, settings: impl IntoIterator<Item = (&'a str, &'a str)>) -> io::Result<MediaStore> {
        let invalid = |msg: String| io::Error::new(io::ErrorKind::InvalidInput, msg);
        let rest = url
            .strip_prefix("s3://")
            .ok_or_else(|| invalid(format!("media URL `{url}` is not s3://BUCKET[/PREFIX]")))?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(invalid(format!("media URL `{url}` names no bucket")));
        }
        let prefix = prefix.trim_matches('/');
        let prefix = match prefix {
            "" => None,
            p => Some(ObjectPath::parse(p).map_err(|e| invalid(format!("media URL `{url}`: {e}")))?),
        };
        let mut builder = AmazonS3Builder::from_env().with_bucket_name(bucket);
        for (key, value) in settings {
            let key = AmazonS3ConfigKey::from_str(key).map_err(|e| invalid(e.to_string()))?;
            builder = builder.with_config(key, value);
        }
        // Fail in seconds, not after object_store's default three minutes
        // of retries, when the endpoint is down.
        for (key, value) in [("connect_timeout", "5s"), ("timeout", "60s")] {
            let key = AmazonS3ConfigKey::from_str(key).map_err(|e| invalid(e.to_string()))?;
            if builder.get_config_value(&key).is_none() {
                builder = builder.with_config(key, value);
            }
        }
        let retry = RetryConfig { max_retries: 2, retry_timeout: Duration::from_secs(20), ..RetryConfig::default() };
        let endpoint = builder.get_config_value(&AmazonS3ConfigKey::Endpoint).map(|e| without_userinfo(&e));
        let store =
            builder.with_retry(retry).build().map_err(|e| invalid(format!("media URL `{url}`: {}", chain(&e))))?;
        let url = match &prefix {
            Some(p) => format!("s3://{bucket}/{p}"),
            None => format!("s3://{bucket}"),
        };
        Ok(MediaStore { backend: Backend::Bucket(Arc::new(Bucket { store, url, endpoint, prefix })) })
    }

    /// The local directory, if that is where media live.
    pub fn local_dir(&self) -> Option<&MediaDir> {
        match &self.backend {
            Backend::Dir(d) => Some(d),
            Backend::Bucket(_) => None,
        }
    }

    /// Whether the store answers: nothing to do for a directory (it is
    /// made on the first write); for a bucket, one listing request under a
    /// prefix that holds nothing, which fails if the endpoint is
    /// unreachable, the credentials are refused or the bucket is missing.
    pub async fn check(&self) -> io::Result<()> {
        let Backend::Bucket(b) = &self.backend else { return Ok(()) };
        let probe = b.location(".prensa-check");
        match b.store.list_with_delimiter(Some(&probe)).await {
            Ok(_) => Ok(()),
            Err(e) => Err(io::Error::other(format!("{self}: the check request failed: {}", chain(&e)))),
        }
    }

    /// Whether `key` is stored.
    pub async fn exists(&self, key: &str) -> io::Result<bool> {
        match &self.backend {
            Backend::Dir(d) => Ok(tokio::fs::try_exists(d.path(key)?).await?),
            Backend::Bucket(b) => b.exists(&b.key(key)?).await,
        }
    }

    /// The bytes stored under `key`; an error of kind `NotFound` if none.
    pub async fn read(&self, key: &str) -> io::Result<Bytes> {
        match &self.backend {
            Backend::Dir(d) => Ok(d.read(key).await?.into()),
            Backend::Bucket(b) => {
                let found = b.store.get(&b.key(key)?).await.map_err(|e| b.error(key, e))?;
                found.bytes().await.map_err(|e| b.error(key, e))
            }
        }
    }

    /// Stores `bytes` under `key` unless it is already there; `true` if
    /// written.
    pub async fn put(&self, key: &str, bytes: Bytes) -> io::Result<bool> {
        match &self.backend {
            Backend::Dir(d) => {
                let (d, key) = (d.clone(), key.to_owned());
                tokio::task::spawn_blocking(move || d.put_bytes(&key, &bytes)).await.map_err(io::Error::other)?
            }
            Backend::Bucket(b) => b.put(key, || async { Ok(bytes) }).await,
        }
    }

    /// Removes `key` if it is stored (a missing key is not an error).
    /// Keys name content, so only the media library's deletion calls this,
    /// after the database row is gone.
    pub async fn delete(&self, key: &str) -> io::Result<()> {
        match &self.backend {
            Backend::Dir(d) => match tokio::fs::remove_file(d.path(key)?).await {
                Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
                other => other,
            },
            Backend::Bucket(b) => match b.store.delete(&b.key(key)?).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
                Err(e) => Err(b.error(key, e)),
            },
        }
    }

    /// Copies the file at `source` under `key` unless it is already there;
    /// `true` if written.
    pub async fn put_file(&self, key: &str, source: &Path) -> io::Result<bool> {
        match &self.backend {
            Backend::Dir(d) => {
                let (d, key, source) = (d.clone(), key.to_owned(), source.to_path_buf());
                tokio::task::spawn_blocking(move || d.put_file(&key, &source)).await.map_err(io::Error::other)?
            }
            Backend::Bucket(b) => b.put(key, || async { Ok(tokio::fs::read(source).await?.into()) }).await,
        }
    }
}

impl Bucket {
    fn location(&self, name: &str) -> ObjectPath {
        match &self.prefix {
            Some(p) => p.clone().join(name),
            None => ObjectPath::from(name),
        }
    }

    fn key(&self, key: &str) -> io::Result<ObjectPath> {
        if !MediaDir::is_valid_key(key) {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("invalid media key `{key}`")));
        }
        Ok(self.location(key))
    }

    fn error(&self, key: &str, e: object_store::Error) -> io::Error {
        match e {
            object_store::Error::NotFound { .. } => {
                io::Error::new(io::ErrorKind::NotFound, format!("{key} is not in {}", self.url))
            }
            e => io::Error::other(format!("{key} in {}: {}", self.url, chain(&e))),
        }
    }

    async fn exists(&self, location: &ObjectPath) -> io::Result<bool> {
        match self.store.head(location).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(self.error(location.filename().unwrap_or_default(), e)),
        }
    }

    /// A HEAD, then a PUT only if the key is missing. Two nodes writing the
    /// same key at once write the same bytes, so the race is harmless; a
    /// PUT replaces atomically, so no reader sees half an object.
    async fn put<F, Fut>(&self, key: &str, bytes: F) -> io::Result<bool>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = io::Result<Bytes>>,
    {
        let location = self.key(key)?;
        if self.exists(&location).await? {
            return Ok(false);
        }
        let bytes = bytes().await?;
        let mut attributes = Attributes::new();
        attributes.insert(Attribute::ContentType, content_type(key).into());
        attributes.insert(Attribute::CacheControl, "public, max-age=31536000, immutable".into());
        let options = PutOptions { attributes, ..PutOptions::default() };
        self.store.put_opts(&location, bytes.into(), options).await.map_err(|e| self.error(key, e))?;
        Ok(true)
    }
}

/// The type a key's extension stands for.
fn content_type(key: &str) -> &'static str {
    match key.rsplit('.').next() {
        Some("jpg") => "image/jpeg",
        Some("png") => "image/png",
        Some("webp") => "image/webp",
        Some("gif") => "image/gif",
        _ => "application/octet-stream",
    }
}

/// An error with its causes (`object_store` puts the useful part, such as
/// "connection refused" or the server's message, in the sources).
fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let next = s.to_string();
        if !text.contains(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        source = s.source();
    }
    text
}

fn without_userinfo(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://") {
        let authority = rest.split('/').next().unwrap_or("");
        if let Some(at) = authority.rfind('@') {
            return format!("{scheme}://{}", &rest[at + 1..]);
        }
    }
    url.to_owned()
}

/// `media directory /srv/media` or `bucket s3://b/p at http://host:9000`.
impl fmt::Display for MediaStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.backend {
            Backend::Dir(d) => write!(f, "media directory {}", d.root().display()),
            Backend::Bucket(b) => match &b.endpoint {
                Some(endpoint) => write!(f, "bucket {} at {endpoint}", b.url),
                None => write!(f, "bucket {}", b.url),
            },
        }
    }
}

// Hand-written: the S3 client holds the credentials, which must never
// reach a log line.
impl fmt::Debug for MediaStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.backend {
            Backend::Dir(d) => f.debug_tuple("MediaStore::Dir").field(&d.root()).finish(),
            Backend::Bucket(b) => f
                .debug_struct("MediaStore::Bucket")
                .field("url", &b.url)
                .field("endpoint", &b.endpoint)
                .finish_non_exhaustive(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        assert!(MediaDir::is_valid_key("0a1b2c.jpg"));
        assert!(MediaDir::is_valid_key("0a1b2c-640.webp"));
        assert_eq!(MediaDir::variant_base("0a1b2c-640.webp"), Some("0a1b2c"));
        assert_eq!(MediaDir::variant_base("0a1b2c.webp"), None);
        for bad in [
            "../etc/passwd",
            "0a1b.exe",
            "0A1B.jpg",
            ".jpg",
            "ab",
            "ab.jpg/x",
            "ab.jpg.png",
            "ab-.jpg",
            "ab-x1.jpg",
            "ab-1-2.jpg",
        ] {
            assert!(!MediaDir::is_valid_key(bad), "{bad}");
        }
    }

    #[test]
    fn put_is_idempotent() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let src = dir.path().join("in.jpg");
        std::fs::write(&src, b"bytes")?;
        let media = MediaDir::new(dir.path().join("media"));
        assert!(media.put_file("abc.jpg", &src)?);
        assert!(!media.put_file("abc.jpg", &src)?);
        assert_eq!(std::fs::read(media.path("abc.jpg")?)?, b"bytes");
        assert!(media.put_file("../x.jpg", &src).is_err());
        Ok(())
    }

    #[tokio::test]
    async fn store_over_a_directory() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let media = MediaStore::dir(dir.path().join("media"));
        assert!(!media.exists("abc.png").await?);
        assert_eq!(media.read("abc.png").await.map_err(|e| e.kind()).err(), Some(io::ErrorKind::NotFound));
        assert!(media.put("abc.png", Bytes::from_static(b"one")).await?);
        assert!(!media.put("abc.png", Bytes::from_static(b"two")).await?, "a key never changes content");
        assert_eq!(media.read("abc.png").await?, Bytes::from_static(b"one"));
        assert!(media.exists("abc.png").await?);
        // Same layout on disk as before the abstraction.
        assert_eq!(std::fs::read(dir.path().join("media/abc.png"))?, b"one");
        let src = dir.path().join("in.jpg");
        std::fs::write(&src, b"file")?;
        assert!(media.put_file("def.jpg", &src).await?);
        assert_eq!(media.read("def.jpg").await?, Bytes::from_static(b"file"));
        assert!(media.put("../x.png", Bytes::new()).await.is_err());
        media.delete("abc.png").await?;
        assert!(!media.exists("abc.png").await?);
        assert!(!dir.path().join("media/abc.png").exists());
        media.delete("abc.png").await?; // gone already: fine
        assert!(media.delete("../x.png").await.is_err());
        media.check().await?;
        Ok(())
    }

    #[test]
    fn bucket_urls() -> io::Result<()> {
        let settings = [
            ("aws_endpoint", "http://user:pw@127.0.0.1:1"),
            ("aws_secret_access_key", "s3cr3t"),
            ("aws_access_key_id", "id"),
        ];
        let media = MediaStore::open_with("s3://b/some/prefix/", settings)?;
        assert_eq!(media.to_string(), "bucket s3://b/some/prefix at http://127.0.0.1:1");
        let debug = format!("{media:?}");
        assert!(!debug.contains("s3cr3t") && !debug.contains("pw"), "{debug}");
        assert!(MediaStore::open("http://b").is_err());
        assert!(MediaStore::open("s3://").is_err());
        Ok(())
    }
}
