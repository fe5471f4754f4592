//! The page cache: rendered pages kept in memory, compressed once.
//!
//! An entry is keyed by publication and path and holds the page in every
//! encoding we serve (identity, gzip, brotli) plus its ETag, all made when
//! the entry is filled, so a hit is a hash lookup and a reference-count
//! bump: no rendering, no compression, no hashing per request.
//!
//! Each entry carries surrogate keys naming what it shows (`article:12`,
//! `section:3`, `home` …); a write purges the entries whose keys it touches.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::HeaderValue;
use prensa_core::Id;

/// What a page shows, for purging.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SurrogateKey {
    Home,
    Article(Id),
    Section(Id),
    Author(Id),
    Tag(Id),
    /// Any list of the newest articles ("Most recent" appears on every
    /// article page), so any publish touches it.
    Recent,
    Feed,
    /// The links of article `id`'s page to the other articles of its
    /// translation group ("Also in", hreflang): a visible change to any
    /// article of a group names every other article of it.
    Translations(Id),
}

impl SurrogateKey {
    /// Reads a key as the store's change feed writes it (`article:12`,
    /// `section:3`, `author:5`, `tag:9`, `translations:12`, `home`,
    /// `recent`, `feed`). Keys name rows, not publications: `recent` and
    /// `home` purge those pages in every publication, which is what keeps
    /// "From our sister sites" current. Feed keys that name no page (`all`,
    /// `api_keys`) are `None`; the watcher handles those itself.
    pub fn parse(text: &str) -> Option<SurrogateKey> {
        match text {
            "home" => return Some(SurrogateKey::Home),
            "recent" => return Some(SurrogateKey::Recent),
            "feed" => return Some(SurrogateKey::Feed),
            _ => {}
        }
        let (kind, id) = text.split_once(':')?;
        let id: Id = id.parse().ok()?;
        match kind {
            "article" => Some(SurrogateKey::Article(id)),
            "section" => Some(SurrogateKey::Section(id)),
            "author" => Some(SurrogateKey::Author(id)),
            "tag" => Some(SurrogateKey::Tag(id)),
            "translations" => Some(SurrogateKey::Translations(id)),
            _ => None,
        }
    }
}

/// The response encodings an entry holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Identity,
    Gzip,
    Brotli,
}

impl Encoding {
    /// Picks the best encoding the client accepts. Hand-parsed because the
    /// header is on the hot path and we only need to know which of two
    /// tokens appear without `q=0`.
    pub fn negotiate(accept: Option<&[u8]>) -> Encoding {
        let Some(accept) = accept else { return Encoding::Identity };
        let Ok(accept) = std::str::from_utf8(accept) else { return Encoding::Identity };
        let mut gzip = false;
        let mut br = false;
        for part in accept.split(',') {
            let mut it = part.split(';');
            let coding = it.next().unwrap_or("").trim();
            let refused = it.any(|p| {
                let p = p.trim();
                p.strip_prefix("q=").is_some_and(|q| q.trim().parse::<f32>().is_ok_and(|q| q <= 0.0))
            });
            if refused {
                continue;
            }
            if coding.eq_ignore_ascii_case("br") {
                br = true;
            } else if coding.eq_ignore_ascii_case("gzip") || coding == "*" {
                gzip = true;
            }
        }
        if br {
            Encoding::Brotli
        } else if gzip {
            Encoding::Gzip
        } else {
            Encoding::Identity
        }
    }
}

/// A response body ready to send in every encoding.
#[derive(Debug)]
pub struct CachedPage {
    pub status: http::StatusCode,
    pub content_type: HeaderValue,
    pub etag: HeaderValue,
    pub identity: Bytes,
    pub gzip: Bytes,
    pub brotli: Bytes,
    pub keys: Vec<SurrogateKey>,
    /// When what the entry shows last changed, for `Last-Modified` and
    /// `If-Modified-Since` (feeds: their newest item); see
    /// [`CachedPage::with_last_modified`].
    pub last_modified: Option<LastModified>,
}

/// A `Last-Modified` time, whole seconds as HTTP dates have, with its
/// header value made once.
#[derive(Debug, Clone)]
pub struct LastModified {
    pub at: SystemTime,
    pub header: HeaderValue,
}

impl LastModified {
    /// `at` truncated to the second (before the epoch: the epoch).
    pub fn new(at: SystemTime) -> LastModified {
        let secs = at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let at = UNIX_EPOCH + Duration::from_secs(secs);
        // An HTTP date is ASCII: always a valid header value.
        let header = HeaderValue::from_str(&httpdate::fmt_http_date(at)).unwrap_or_else(|_| HeaderValue::from_static(""));
        LastModified { at, header }
    }

    /// Whether an `If-Modified-Since` value means the client's copy is
    /// current: a valid HTTP date (any of the three formats) not before
    /// this time. A date that does not parse is ignored (RFC 9110 §13.1.3).
    pub fn unchanged_since(&self, if_modified_since: &[u8]) -> bool {
        std::str::from_utf8(if_modified_since)
            .ok()
            .and_then(|v| httpdate::parse_http_date(v.trim()).ok())
            .is_some_and(|since| since >= self.at)
    }
}

impl CachedPage {
    /// Compresses `body` both ways and computes its ETag.
    pub fn new(status: http::StatusCode, content_type: &'static str, body: Vec<u8>, keys: Vec<SurrogateKey>) -> CachedPage {
        let etag = format!("W/\"{:016x}\"", xxhash_rust::xxh3::xxh3_64(&body));
        let gzip = gzip(&body);
        let brotli = brotli(&body);
        CachedPage {
            status,
            content_type: HeaderValue::from_static(content_type),
            // Hex digits and quotes are always a valid header value.
            etag: HeaderValue::from_str(&etag).unwrap_or_else(|_| HeaderValue::from_static("W/\"0\"")),
            identity: Bytes::from(body),
            gzip: Bytes::from(gzip),
            brotli: Bytes::from(brotli),
            keys,
            last_modified: None,
        }
    }

    /// Gives the entry a `Last-Modified` time, so that it also answers
    /// `If-Modified-Since` (when the request has no `If-None-Match`).
    pub fn with_last_modified(mut self, at: Option<SystemTime>) -> CachedPage {
        self.last_modified = at.map(LastModified::new);
        self
    }

    pub fn body(&self, encoding: Encoding) -> &Bytes {
        match encoding {
            Encoding::Identity => &self.identity,
            Encoding::Gzip => &self.gzip,
            Encoding::Brotli => &self.brotli,
        }
    }
}

/// The cache's gzip: best compression, paid once per fill.
pub fn gzip(body: &[u8]) -> Vec<u8> {
    gzip_at(body, 9)
}

/// The cache's brotli: quality 10, paid once per fill.
pub fn brotli(body: &[u8]) -> Vec<u8> {
    brotli_at(body, 10, 22)
}

fn gzip_at(body: &[u8], level: u32) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::with_capacity(body.len() / 3), flate2::Compression::new(level));
    // Writing into a Vec cannot fail.
    let _ = enc.write_all(body);
    enc.finish().unwrap_or_default()
}

fn brotli_at(body: &[u8], quality: i32, lgwin: i32) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() / 3);
    let params = brotli::enc::BrotliEncoderParams { quality, lgwin, ..Default::default() };
    let _ = brotli::BrotliCompress(&mut &body[..], &mut out, &params);
    out
}

/// Compresses a page made for one request only (search results) at fast
/// levels: a few hundred microseconds instead of the cache's best-effort
/// milliseconds, for a slightly larger body.
pub fn compress_fast(encoding: Encoding, body: Vec<u8>) -> Vec<u8> {
    match encoding {
        Encoding::Identity => body,
        Encoding::Gzip => gzip_at(&body, 3),
        Encoding::Brotli => brotli_at(&body, 4, 20),
    }
}

type PathMap = HashMap<Box<str>, Arc<CachedPage>>;

/// Rendered pages by publication, then path. Two levels so a lookup can
/// borrow the request path as `&str` instead of allocating a key.
#[derive(Debug, Default)]
pub struct PageCache {
    entries: RwLock<HashMap<Id, PathMap>>,
    /// Bumped by every purge. A page rendered from data read before a purge
    /// must not be stored after it: fills take the generation before they
    /// read and [`PageCache::insert`] drops them if it has moved on.
    generation: AtomicU64,
    /// Counters for `/metrics`: relaxed atomic adds, because they order
    /// nothing and a hit must stay a lookup without any further locking.
    hits: AtomicU64,
    misses: AtomicU64,
    purges: AtomicU64,
    purged: AtomicU64,
}

/// The cache's counters at one moment, for `/metrics`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheStats {
    /// Requests answered from a cached page.
    pub hits: u64,
    /// Requests for which a page was rendered (store, Markdown, template).
    pub misses: u64,
    /// Purge operations (by surrogate key or of everything).
    pub purges: u64,
    /// Entries those purges dropped.
    pub purged_entries: u64,
    /// Entries held now.
    pub entries: usize,
}

impl PageCache {
    pub fn get(&self, publication: Id, path: &str) -> Option<Arc<CachedPage>> {
        let entries = self.entries.read().unwrap_or_else(|e| e.into_inner());
        entries.get(&publication)?.get(path).cloned()
    }

    /// Counts a request answered from the cache. The handler counts, not
    /// [`PageCache::get`]: one request may look up twice (its path, then
    /// the shared 404 page) and must count once.
    pub fn record_hit(&self) {
        self.hits.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a request that had to render its page.
    pub fn record_miss(&self) {
        self.misses.fetch_add(1, Ordering::Relaxed);
    }

    pub fn stats(&self) -> CacheStats {
        CacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            purges: self.purges.load(Ordering::Relaxed),
            purged_entries: self.purged.load(Ordering::Relaxed),
            entries: self.len(),
        }
    }

    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Stores a page rendered at `generation`; returns whether it was kept.
    pub fn insert(&self, generation: u64, publication: Id, path: &str, page: Arc<CachedPage>) -> bool {
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        // Purges bump the generation while holding the write lock, so this
        // check cannot race with one.
        if self.generation.load(Ordering::Acquire) != generation {
            return false;
        }
        entries.entry(publication).or_default().insert(path.into(), page);
        true
    }

    /// Drops every entry showing any of `keys`; returns how many went.
    pub fn purge(&self, keys: &[SurrogateKey]) -> usize {
        let keys: HashSet<&SurrogateKey> = keys.iter().collect();
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        self.generation.fetch_add(1, Ordering::AcqRel);
        let mut purged = 0;
        for pages in entries.values_mut() {
            let before = pages.len();
            pages.retain(|_, page| !page.keys.iter().any(|k| keys.contains(k)));
            purged += before - pages.len();
        }
        self.count_purge(purged);
        purged
    }

    pub fn purge_all(&self) -> usize {
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        self.generation.fetch_add(1, Ordering::AcqRel);
        let n = entries.values().map(HashMap::len).sum();
        entries.clear();
        self.count_purge(n);
        n
    }

    fn count_purge(&self, entries: usize) {
        self.purges.fetch_add(1, Ordering::Relaxed);
        self.purged.fetch_add(entries as u64, Ordering::Relaxed);
    }

    pub fn len(&self) -> usize {
        self.entries.read().unwrap_or_else(|e| e.into_inner()).values().map(HashMap::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn page(keys: Vec<SurrogateKey>) -> Arc<CachedPage> {
        Arc::new(CachedPage::new(http::StatusCode::OK, "text/html", b"<p>hello hello hello</p>".to_vec(), keys))
    }

    #[test]
    fn negotiates_encodings() {
        assert_eq!(Encoding::negotiate(None), Encoding::Identity);
        assert_eq!(Encoding::negotiate(Some(b"gzip, deflate, br")), Encoding::Brotli);
        assert_eq!(Encoding::negotiate(Some(b"gzip")), Encoding::Gzip);
        assert_eq!(Encoding::negotiate(Some(b"br;q=0, gzip;q=0.5")), Encoding::Gzip);
        assert_eq!(Encoding::negotiate(Some(b"identity")), Encoding::Identity);
        assert_eq!(Encoding::negotiate(Some(b"*")), Encoding::Gzip);
    }

    #[test]
    fn bodies_decompress_to_the_same_bytes() {
        let p = page(vec![]);
        let mut out = String::new();
        flate2::read::GzDecoder::new(&p.gzip[..]).read_to_string(&mut out).expect("gzip");
        assert_eq!(out.as_bytes(), &p.identity[..]);
        let mut out = Vec::new();
        brotli::BrotliDecompress(&mut &p.brotli[..], &mut out).expect("brotli");
        assert_eq!(out, &p.identity[..]);
        assert!(p.etag.to_str().expect("ascii").starts_with("W/\""));
    }

    #[test]
    fn last_modified_compares_whole_seconds() {
        let at = UNIX_EPOCH + Duration::from_millis(1_772_443_800_750);
        let p = CachedPage::new(http::StatusCode::OK, "text/xml", b"x".to_vec(), vec![]).with_last_modified(Some(at));
        let lm = p.last_modified.as_ref().expect("set");
        assert_eq!(lm.header.to_str().expect("ascii"), "Mon, 02 Mar 2026 09:30:00 GMT");
        assert!(lm.unchanged_since(b"Mon, 02 Mar 2026 09:30:00 GMT"));
        assert!(lm.unchanged_since(b"Tue, 03 Mar 2026 00:00:00 GMT"));
        assert!(lm.unchanged_since(b"Monday, 02-Mar-26 09:30:00 GMT"), "RFC 850 form");
        assert!(!lm.unchanged_since(b"Mon, 02 Mar 2026 09:29:59 GMT"));
        assert!(!lm.unchanged_since(b"yesterday"));
        assert!(!lm.unchanged_since(b"\xff"));
        assert!(page(vec![]).last_modified.is_none());
    }

    #[test]
    fn keys_parse_from_the_change_feed() {
        assert_eq!(SurrogateKey::parse("article:12"), Some(SurrogateKey::Article(12)));
        assert_eq!(SurrogateKey::parse("tag:3"), Some(SurrogateKey::Tag(3)));
        assert_eq!(SurrogateKey::parse("home"), Some(SurrogateKey::Home));
        assert_eq!(SurrogateKey::parse("translations:5"), Some(SurrogateKey::Translations(5)));
        // `all` and `api_keys` name no page: the watcher acts on them
        // before parsing (a full purge; reloading the API key ring).
        for bad in ["", "article:", "article:x", "page:1", "all", "api_keys"] {
            assert_eq!(SurrogateKey::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn purges_by_surrogate_key() {
        let cache = PageCache::default();
        let g = cache.generation();
        cache.insert(g, 1, "/a/", page(vec![SurrogateKey::Article(1), SurrogateKey::Recent]));
        cache.insert(g, 1, "/b/", page(vec![SurrogateKey::Article(2), SurrogateKey::Recent]));
        cache.insert(g, 1, "/section/x/", page(vec![SurrogateKey::Section(7)]));
        cache.insert(g, 2, "/a/", page(vec![SurrogateKey::Home]));
        assert_eq!(cache.len(), 4);
        assert_eq!(cache.purge(&[SurrogateKey::Article(1)]), 1);
        assert!(cache.get(1, "/a/").is_none());
        assert!(cache.get(1, "/b/").is_some());
        assert!(cache.get(2, "/a/").is_some(), "other publication untouched");
        assert_eq!(cache.purge(&[SurrogateKey::Recent, SurrogateKey::Section(7)]), 2);
        assert_eq!(cache.purge_all(), 1);
        assert!(cache.is_empty());
        assert!(!cache.insert(g, 1, "/late/", page(vec![])), "a fill that started before a purge is dropped");
        assert!(cache.insert(cache.generation(), 1, "/fresh/", page(vec![])));
        let stats = cache.stats();
        assert_eq!((stats.purges, stats.purged_entries, stats.entries), (3, 4, 1));
    }
}
