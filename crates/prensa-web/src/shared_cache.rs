//! A shared HTTP cache in front of the nodes (Varnish, a CDN): what public
//! pages tell it, and the purges writes send it.
//!
//! Prensa already knows which pages a write touches (the surrogate keys of
//! the change feed, see [`crate::cache`]); a shared cache that purges by
//! tag can know it too. Every cached public page goes out with its keys in
//! a header (`xkey` for Varnish's xkey vmod, or the `Surrogate-Key` /
//! `Cache-Tag` spellings CDNs read) and `Cache-Control: s-maxage` so the
//! shared cache keeps it long; pages made for one request (search with a
//! query), the admin, previews and the Content API never get either.
//!
//! On every change the node sends `PURGE` requests naming the keys to each
//! `--purge-url`. **Every node purges**, not exactly one: each applies the
//! change feed to its own page cache anyway, so each sends the same purges
//! for it. A purge by key is idempotent, so duplicates cost a request each
//! and nothing else, whereas electing one purger would need a claim in the
//! database per change and would lose purges when that node dies between
//! its claim and its requests. A scheduled article coming due is noticed
//! by every node's watcher independently, which is the same shape.
//!
//! Purges run on a background task: a write never waits for them. A failed
//! request (no answer, or not 2xx) is retried with growing pauses and
//! logged; one that still fails after the last try is logged as an error
//! and counted at `/metrics`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use http::header::{HeaderName, HeaderValue};

/// How a page's surrogate keys are spelled for the shared cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KeyHeader {
    /// `xkey: article:12 section:3 …` (Varnish's vmod xkey).
    #[default]
    Xkey,
    /// `Surrogate-Key: …`, space separated (Fastly and others).
    SurrogateKey,
    /// `Cache-Tag: …`, comma separated (Cloudflare and others).
    CacheTag,
}

impl KeyHeader {
    /// Reads the setting: `xkey`, `surrogate-key` or `cache-tag` (any case).
    pub fn parse(text: &str) -> Option<KeyHeader> {
        match text.trim().to_ascii_lowercase().as_str() {
            "xkey" => Some(KeyHeader::Xkey),
            "surrogate-key" => Some(KeyHeader::SurrogateKey),
            "cache-tag" => Some(KeyHeader::CacheTag),
            _ => None,
        }
    }

    pub fn name(self) -> HeaderName {
        match self {
            KeyHeader::Xkey => HeaderName::from_static("xkey"),
            KeyHeader::SurrogateKey => HeaderName::from_static("surrogate-key"),
            KeyHeader::CacheTag => HeaderName::from_static("cache-tag"),
        }
    }

    /// The separator between keys in this spelling.
    fn separator(self) -> &'static str {
        match self {
            KeyHeader::CacheTag => ",",
            _ => " ",
        }
    }
}

/// How long a shared cache may keep a public page by default: a day. Every
/// write purges what it touches, so the lifetime only bounds how long a
/// page could stay stale if purges were lost (every purge failed).
pub const DEFAULT_SHARED_MAX_AGE: u64 = 86_400;

/// The shared cache settings (`--purge-url`, `purge_urls`,
/// `surrogate_key_header`, `shared_max_age`).
#[derive(Debug, Clone)]
pub struct SharedCacheConfig {
    pub header: KeyHeader,
    /// `s-maxage` on public pages, in seconds; 0 sends none (and no key
    /// header either: nothing for a shared cache to keep).
    pub max_age: u64,
    /// Where purges go (`http://varnish:6081/`, …); none: no purges.
    pub purge_urls: Vec<String>,
}

impl Default for SharedCacheConfig {
    fn default() -> Self {
        SharedCacheConfig { header: KeyHeader::default(), max_age: DEFAULT_SHARED_MAX_AGE, purge_urls: Vec::new() }
    }
}

/// The headers a cached public page gets for the shared cache, made once.
#[derive(Debug, Clone)]
pub struct SharedHeaders {
    /// `None` when `s-maxage` is off.
    pub key_header: Option<KeyHeader>,
    pub cache_control: HeaderValue,
}

impl SharedHeaders {
    pub fn new(config: &SharedCacheConfig, max_age: u64) -> SharedHeaders {
        let (key_header, value) = if config.max_age == 0 {
            (None, format!("public, max-age={max_age}"))
        } else {
            (Some(config.header), format!("public, max-age={max_age}, s-maxage={}", config.max_age))
        };
        // Digits, letters, commas and spaces: always a valid header value.
        let cache_control =
            HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static("public, max-age=60"));
        SharedHeaders { key_header, cache_control }
    }

    /// Adds them to a response carrying `page` (replacing the page's own
    /// `Cache-Control`).
    pub fn apply(&self, headers: &mut http::HeaderMap, page: &crate::cache::CachedPage) {
        let Some(kind) = self.key_header else { return };
        headers.insert(http::header::CACHE_CONTROL, self.cache_control.clone());
        let value = if kind == KeyHeader::CacheTag {
            // Keys are `[a-z0-9:]`, so replacing the spaces is safe.
            let text = page.surrogate.to_str().unwrap_or(crate::cache::ALL_KEY).replace(' ', ",");
            HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(crate::cache::ALL_KEY))
        } else {
            page.surrogate.clone()
        };
        headers.insert(kind.name(), value);
    }
}

/// Most keys in one purge request (headers stay well under any proxy's
/// limit; a longer list is split).
const KEYS_PER_REQUEST: usize = 100;

/// Pauses before the retries of a failed purge request.
const RETRY_PAUSES: [Duration; 4] =
    [Duration::from_millis(200), Duration::from_secs(1), Duration::from_secs(5), Duration::from_secs(20)];

/// Purges waiting to be sent before new ones are merged into a purge of
/// everything (a burst of writes while the shared cache is unreachable).
const QUEUE: usize = 1024;

/// Counters for `/metrics`.
#[derive(Debug, Default)]
pub struct PurgeStats {
    /// Purge requests answered 2xx.
    pub sent: AtomicU64,
    /// Attempts that failed and were retried.
    pub retried: AtomicU64,
    /// Requests given up after the last retry.
    pub failed: AtomicU64,
}

/// Sends purges by key to the configured shared caches, in the background.
#[derive(Debug)]
pub struct Purger {
    queue: Option<tokio::sync::mpsc::Sender<Vec<String>>>,
    header: HeaderName,
    separator: &'static str,
    pub stats: std::sync::Arc<PurgeStats>,
}

impl Purger {
    /// Starts the sending task (when there are URLs; it needs a tokio
    /// runtime then). Purges of this node's page cache stay as they are
    /// whatever happens here.
    pub fn new(config: &SharedCacheConfig) -> Purger {
        let stats = std::sync::Arc::new(PurgeStats::default());
        let header = config.header.name();
        let separator = config.header.separator();
        if config.purge_urls.is_empty() {
            return Purger { queue: None, header, separator, stats };
        }
        let (tx, rx) = tokio::sync::mpsc::channel(QUEUE);
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap_or_else(|_| reqwest::Client::new());
        tokio::spawn(send_loop(rx, client, config.purge_urls.clone(), header.clone(), separator, stats.clone()));
        Purger { queue: Some(tx), header, separator, stats }
    }

    pub fn enabled(&self) -> bool {
        self.queue.is_some()
    }

    /// Queues a purge of the pages carrying any of `keys` (as the change
    /// feed spells them; [`crate::cache::ALL_KEY`] for everything). Never
    /// waits: if the queue is full the purge is widened to everything.
    pub fn purge(&self, mut keys: Vec<String>) {
        let Some(queue) = &self.queue else { return };
        keys.sort_unstable();
        keys.dedup();
        if keys.is_empty() {
            return;
        }
        if let Err(tokio::sync::mpsc::error::TrySendError::Full(_)) = queue.try_send(keys) {
            tracing::warn!("shared cache purge queue full; purging everything instead");
            // The queue may still be full: then an `all` purge is already
            // waiting in it or will be, and the warning above is the trace.
            let _ = queue.try_send(vec![crate::cache::ALL_KEY.to_owned()]);
        }
    }

    /// The header purge requests carry their keys in.
    pub fn header(&self) -> (&HeaderName, &'static str) {
        (&self.header, self.separator)
    }
}

async fn send_loop(
    mut rx: tokio::sync::mpsc::Receiver<Vec<String>>,
    client: reqwest::Client,
    urls: Vec<String>,
    header: HeaderName,
    separator: &'static str,
    stats: std::sync::Arc<PurgeStats>,
) {
    let method = reqwest::Method::from_bytes(b"PURGE").unwrap_or(reqwest::Method::POST);
    while let Some(mut keys) = rx.recv().await {
        // Merge whatever else is waiting: one request for a burst.
        while let Ok(more) = rx.try_recv() {
            keys.extend(more);
        }
        keys.sort_unstable();
        keys.dedup();
        if keys.iter().any(|k| k == crate::cache::ALL_KEY) {
            keys = vec![crate::cache::ALL_KEY.to_owned()];
        }
        for chunk in keys.chunks(KEYS_PER_REQUEST) {
            let value = chunk.join(separator);
            // Every URL at once, each with its own retries in its own task,
            // so a cache that is down delays no other; the next batch waits
            // for this one (writes made meanwhile merge into it).
            let sends: Vec<_> = urls
                .iter()
                .map(|url| {
                    let request = client.request(method.clone(), url).header(header.clone(), value.clone());
                    tokio::spawn(send_one(request, url.clone(), value.clone(), stats.clone()))
                })
                .collect();
            for send in sends {
                let _ = send.await;
            }
        }
    }
}

async fn send_one(request: reqwest::RequestBuilder, url: String, keys: String, stats: std::sync::Arc<PurgeStats>) {
    let mut pauses = RETRY_PAUSES.iter();
    loop {
        let outcome = match request.try_clone() {
            Some(r) => r.send().await.map_err(|e| e.to_string()).and_then(|resp| {
                if resp.status().is_success() {
                    Ok(())
                } else {
                    Err(format!("answered {}", resp.status()))
                }
            }),
            None => Err("request cannot be repeated".to_owned()),
        };
        match outcome {
            Ok(()) => {
                stats.sent.fetch_add(1, Ordering::Relaxed);
                tracing::debug!(%url, %keys, "shared cache purged");
                return;
            }
            Err(error) => match pauses.next() {
                Some(pause) => {
                    stats.retried.fetch_add(1, Ordering::Relaxed);
                    tracing::warn!(%url, %keys, %error, retry_in = ?pause, "shared cache purge failed; retrying");
                    tokio::time::sleep(*pause).await;
                }
                None => {
                    stats.failed.fetch_add(1, Ordering::Relaxed);
                    tracing::error!(%url, %keys, %error, "shared cache purge failed; giving up (pages stay until s-maxage)");
                    return;
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_spellings() {
        assert_eq!(KeyHeader::parse("xkey"), Some(KeyHeader::Xkey));
        assert_eq!(KeyHeader::parse("Surrogate-Key"), Some(KeyHeader::SurrogateKey));
        assert_eq!(KeyHeader::parse(" cache-tag "), Some(KeyHeader::CacheTag));
        assert_eq!(KeyHeader::parse("tags"), None);
    }

    #[test]
    fn shared_headers_carry_the_keys() {
        use crate::cache::{CachedPage, SurrogateKey};
        let page = CachedPage::fill(
            http::StatusCode::OK,
            "text/html",
            b"<p>x</p>".to_vec(),
            vec![SurrogateKey::Article(12), SurrogateKey::Recent],
            crate::cache::Encoding::Identity,
        );
        let mut h = http::HeaderMap::new();
        SharedHeaders::new(&SharedCacheConfig::default(), 60).apply(&mut h, &page);
        assert_eq!(h.get("xkey").and_then(|v| v.to_str().ok()), Some("article:12 recent all"));
        assert_eq!(h.get("cache-control").and_then(|v| v.to_str().ok()), Some("public, max-age=60, s-maxage=86400"));
        let tags = SharedCacheConfig { header: KeyHeader::CacheTag, ..SharedCacheConfig::default() };
        let mut h = http::HeaderMap::new();
        SharedHeaders::new(&tags, 60).apply(&mut h, &page);
        assert_eq!(h.get("cache-tag").and_then(|v| v.to_str().ok()), Some("article:12,recent,all"));
        let off = SharedCacheConfig { max_age: 0, ..SharedCacheConfig::default() };
        let mut h = http::HeaderMap::new();
        SharedHeaders::new(&off, 60).apply(&mut h, &page);
        assert!(h.is_empty(), "no s-maxage: nothing for a shared cache");
    }
}
