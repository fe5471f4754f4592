//! The page cache: rendered pages kept in memory, compressed once.
//!
//! An entry is keyed by publication and path and holds the page as HTML
//! plus its ETag, and compressed in each encoding readers have asked for
//! (gzip, brotli). A fill compresses only the encoding its own request
//! asked for (none for a client that sends no `Accept-Encoding`, as
//! crawlers and exports do); the first hit asking for another compresses
//! it once and stores it in the entry. From then on a hit is a hash lookup
//! and a reference-count bump: no rendering, no compression, no hashing.
//!
//! Each entry carries surrogate keys naming what it shows (`article:12`,
//! `section:3`, `home` …); a write purges the entries whose keys it touches.

use std::collections::HashSet;
use std::io::Write;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
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

    /// Appends the key as [`SurrogateKey::parse`] reads it.
    pub fn write_to(&self, out: &mut String) {
        use std::fmt::Write as _;
        let _ = match self {
            SurrogateKey::Home => write!(out, "home"),
            SurrogateKey::Recent => write!(out, "recent"),
            SurrogateKey::Feed => write!(out, "feed"),
            SurrogateKey::Article(id) => write!(out, "article:{id}"),
            SurrogateKey::Section(id) => write!(out, "section:{id}"),
            SurrogateKey::Author(id) => write!(out, "author:{id}"),
            SurrogateKey::Tag(id) => write!(out, "tag:{id}"),
            SurrogateKey::Translations(id) => write!(out, "translations:{id}"),
        };
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
    /// The encoding a request's `Accept-Encoding` header asks for.
    pub fn requested(headers: &http::HeaderMap) -> Encoding {
        Encoding::negotiate(headers.get(http::header::ACCEPT_ENCODING).map(HeaderValue::as_bytes))
    }

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

/// A response body ready to send, compressed in the encodings asked for
/// so far.
#[derive(Debug)]
pub struct CachedPage {
    pub status: http::StatusCode,
    pub content_type: HeaderValue,
    pub etag: HeaderValue,
    pub identity: Bytes,
    /// `None` until a request asks for it (see [`PageCache::note_hit`]).
    gzip: Option<Bytes>,
    brotli: Option<Bytes>,
    pub keys: Vec<SurrogateKey>,
    /// `keys` as a shared cache's purge header spells them (space
    /// separated, plus `all` so that a purge of everything reaches every
    /// page), made once per fill.
    pub surrogate: HeaderValue,
    /// When what the entry shows last changed, for `Last-Modified` and
    /// `If-Modified-Since` (feeds: their newest item); see
    /// [`CachedPage::with_last_modified`].
    pub last_modified: Option<LastModified>,
    /// Bytes held (the bodies plus an estimate of the rest), for the
    /// cache's budget.
    weight: u64,
    /// Every compressed body it holds is at the best level (true of a page
    /// held only as HTML: there is nothing to recompress).
    best: bool,
    /// Hits seen while compressed at fast levels (see [`PageCache::note_hit`]).
    hits: AtomicU32,
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
        let header =
            HeaderValue::from_str(&httpdate::fmt_http_date(at)).unwrap_or_else(|_| HeaderValue::from_static(""));
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
    /// Compresses `body` both ways at the best levels and computes its
    /// ETag: for bodies made once (the stylesheet, the editor's script).
    pub fn new(
        status: http::StatusCode,
        content_type: &'static str,
        body: Vec<u8>,
        keys: Vec<SurrogateKey>,
    ) -> CachedPage {
        let (gzip, brotli) = (gzip(&body), brotli(&body));
        CachedPage::with_bodies(
            status,
            HeaderValue::from_static(content_type),
            body,
            Some(gzip.into()),
            Some(brotli.into()),
            keys,
            true,
        )
    }

    /// What a cache fill stores: the page, compressed only in `encoding`
    /// (the one its request asked for) and at a fast level (a fraction of
    /// a millisecond for an article instead of ~10 ms), so that a cold
    /// request costs little more than its render. Other encodings are
    /// added when first asked for, and pages that stay hot get the best
    /// levels later, in the background ([`PageCache::note_hit`]).
    pub fn fill(
        status: http::StatusCode,
        content_type: &'static str,
        body: Vec<u8>,
        keys: Vec<SurrogateKey>,
        encoding: Encoding,
    ) -> CachedPage {
        let (gzip, brotli) = match encoding {
            Encoding::Identity => (None, None),
            Encoding::Gzip => (Some(gzip_at(&body, FAST_GZIP).into()), None),
            Encoding::Brotli => (None, Some(brotli_at(&body, FAST_BROTLI, FAST_BROTLI_WINDOW).into())),
        };
        let best = encoding == Encoding::Identity;
        CachedPage::with_bodies(status, HeaderValue::from_static(content_type), body, gzip, brotli, keys, best)
    }

    fn with_bodies(
        status: http::StatusCode,
        content_type: HeaderValue,
        body: Vec<u8>,
        gzip: Option<Bytes>,
        brotli: Option<Bytes>,
        keys: Vec<SurrogateKey>,
        best: bool,
    ) -> CachedPage {
        let etag = format!("W/\"{:016x}\"", xxhash_rust::xxh3::xxh3_64(&body));
        let mut surrogate = String::with_capacity(keys.len() * 12 + 3);
        for key in &keys {
            key.write_to(&mut surrogate);
            surrogate.push(' ');
        }
        surrogate.push_str(ALL_KEY);
        CachedPage {
            status,
            content_type,
            // Hex digits and quotes are always a valid header value.
            etag: HeaderValue::from_str(&etag).unwrap_or_else(|_| HeaderValue::from_static("W/\"0\"")),
            identity: Bytes::from(body),
            gzip,
            brotli,
            keys,
            // Key names are ASCII letters, digits, `:` and spaces.
            surrogate: HeaderValue::from_str(&surrogate).unwrap_or_else(|_| HeaderValue::from_static(ALL_KEY)),
            last_modified: None,
            weight: 0,
            best,
            hits: AtomicU32::new(0),
        }
        .reweighed()
    }

    /// The same page with other compressed bodies (the rest shared).
    fn with_compressed(&self, gzip: Option<Bytes>, brotli: Option<Bytes>, best: bool) -> CachedPage {
        CachedPage {
            status: self.status,
            content_type: self.content_type.clone(),
            etag: self.etag.clone(),
            gzip,
            brotli,
            identity: self.identity.clone(),
            keys: self.keys.clone(),
            surrogate: self.surrogate.clone(),
            last_modified: self.last_modified.clone(),
            weight: 0,
            best,
            // A page that gained an encoding keeps counting towards its
            // recompression; a recompressed one has nothing more to do.
            hits: AtomicU32::new(if best { 0 } else { self.hits.load(Ordering::Relaxed) }),
        }
        .reweighed()
    }

    /// The same page with each compressed body it holds made again at the
    /// best level (only the encodings readers asked for: a page only
    /// crawlers without `Accept-Encoding` read is never compressed).
    fn recompressed(&self) -> CachedPage {
        let gzip = self.gzip.as_ref().map(|_| gzip(&self.identity).into());
        let brotli = self.brotli.as_ref().map(|_| brotli(&self.identity).into());
        self.with_compressed(gzip, brotli, true)
    }

    /// The same page also compressed in `encoding` (at the fast level).
    fn with_encoding(&self, encoding: Encoding) -> CachedPage {
        match encoding {
            Encoding::Identity => self.with_compressed(self.gzip.clone(), self.brotli.clone(), self.best),
            Encoding::Gzip => {
                self.with_compressed(Some(gzip_at(&self.identity, FAST_GZIP).into()), self.brotli.clone(), false)
            }
            Encoding::Brotli => self.with_compressed(
                self.gzip.clone(),
                Some(brotli_at(&self.identity, FAST_BROTLI, FAST_BROTLI_WINDOW).into()),
                false,
            ),
        }
    }

    fn reweighed(mut self) -> CachedPage {
        let compressed = self.gzip.as_ref().map_or(0, Bytes::len) + self.brotli.as_ref().map_or(0, Bytes::len);
        self.weight = (self.identity.len() + compressed + self.surrogate.len()) as u64 + ENTRY_OVERHEAD;
        self
    }

    /// Bytes this entry counts against the cache's budget.
    pub fn weight(&self) -> u64 {
        self.weight
    }

    /// Whether the bodies are compressed at the best levels.
    pub fn is_best(&self) -> bool {
        self.best
    }

    /// Gives the entry a `Last-Modified` time, so that it also answers
    /// `If-Modified-Since` (when the request has no `If-None-Match`).
    pub fn with_last_modified(mut self, at: Option<SystemTime>) -> CachedPage {
        self.last_modified = at.map(LastModified::new);
        self
    }

    /// The body in `encoding`, if the entry holds it yet.
    pub fn body(&self, encoding: Encoding) -> Option<&Bytes> {
        match encoding {
            Encoding::Identity => Some(&self.identity),
            Encoding::Gzip => self.gzip.as_ref(),
            Encoding::Brotli => self.brotli.as_ref(),
        }
    }

    /// The body in `encoding`: the entry's, else compressed now (at the
    /// fast level) for this response alone. Pages served from the cache
    /// went through [`PageCache::note_hit`] or were filled for this
    /// encoding, so this compresses only for pages made outside it.
    pub fn body_in(&self, encoding: Encoding) -> Bytes {
        match self.body(encoding) {
            Some(body) => body.clone(),
            None => compress_fast(encoding, self.identity.to_vec()).into(),
        }
    }
}

/// Fill-time levels: gzip 3 and brotli 4 with a 1 MiB window (measured in
/// BENCHMARKS.md against the best levels below).
const FAST_GZIP: u32 = 3;
const FAST_BROTLI: i32 = 3;
const FAST_BROTLI_WINDOW: i32 = 20;
/// Brotli's smallest window (`BROTLI_MIN_WINDOW_BITS`).
const BROTLI_MIN_WINDOW: i32 = 10;

/// The surrogate key every page carries in its purge header, so that a
/// change of unknown reach (`all` in the change feed) can purge a shared
/// cache entirely.
pub const ALL_KEY: &str = "all";

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
    // A window no larger than the body: the encoder allocates and zeroes
    // its ring buffer at the window's size, which for a 30 KB page in a
    // 1 MiB window cost more than the compression itself (callgrind:
    // 70 % of a fill's instructions were that memset). Matches further
    // back than the body's start cannot exist, so the output is the same.
    let fits = (usize::BITS - body.len().max(1).leading_zeros()) as i32;
    let lgwin = lgwin.min(fits.max(BROTLI_MIN_WINDOW));
    let params = brotli::enc::BrotliEncoderParams { quality, lgwin, size_hint: body.len(), ..Default::default() };
    let _ = brotli::BrotliCompress(&mut &body[..], &mut out, &params);
    out
}

/// Compresses a page made for one request only (search results) at fast
/// levels: a few hundred microseconds instead of the cache's best-effort
/// milliseconds, for a slightly larger body.
pub fn compress_fast(encoding: Encoding, body: Vec<u8>) -> Vec<u8> {
    match encoding {
        Encoding::Identity => body,
        Encoding::Gzip => gzip_at(&body, FAST_GZIP),
        Encoding::Brotli => brotli_at(&body, FAST_BROTLI, FAST_BROTLI_WINDOW),
    }
}

/// The page cache's byte budget unless `--page-cache-mb` / `page_cache_mb`
/// says otherwise: 128 MiB holds the whole demo many times over and, at
/// 30–60 KB a page (as HTML, plus compressed in the encodings asked for),
/// 2,000–4,000 article pages of a big archive, the hot share of it, while
/// keeping a node far under its memory target whatever a crawler walks.
pub const DEFAULT_BUDGET_MB: u64 = 128;

/// What an entry costs besides its bodies: the map slot, the key, the
/// `CachedPage` and its header values. An estimate; it only has to keep a
/// cache of tiny entries (JSON, 404s) from growing without bound.
const ENTRY_OVERHEAD: u64 = 256;

/// Hits after which a page filled at fast compression levels is
/// recompressed at the best ones (in the background).
const HOT_AFTER: u32 = 2;

/// An entry's key: publication and canonical path.
#[derive(Debug, Clone, PartialEq, Eq)]
struct PageKey {
    publication: Id,
    path: Box<str>,
}

impl std::hash::Hash for PageKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        PageRef(self.publication, &self.path).hash(state)
    }
}

/// The borrowed form of [`PageKey`] a lookup hashes, so a hit allocates no
/// key. Must hash exactly as `PageKey` does.
#[derive(Hash)]
struct PageRef<'a>(Id, &'a str);

impl quick_cache::Equivalent<PageKey> for PageRef<'_> {
    fn equivalent(&self, key: &PageKey) -> bool {
        self.0 == key.publication && self.1 == &*key.path
    }
}

/// Weighs an entry by the bytes it holds.
#[derive(Debug, Clone, Copy)]
struct ByBytes;

impl quick_cache::Weighter<PageKey, Arc<CachedPage>> for ByBytes {
    fn weight(&self, key: &PageKey, page: &Arc<CachedPage>) -> u64 {
        // Never 0: quick_cache would never evict a weightless entry.
        page.weight.max(1) + key.path.len() as u64
    }
}

/// Counts evictions for `/metrics`; evicted pages are dropped after the
/// shard lock is released (they go into the request state).
#[derive(Debug, Clone, Default)]
struct Evictions(Arc<AtomicU64>);

impl quick_cache::Lifecycle<PageKey, Arc<CachedPage>> for Evictions {
    type RequestState = Vec<Arc<CachedPage>>;

    fn on_evict(&self, state: &mut Self::RequestState, _key: PageKey, page: Arc<CachedPage>) {
        self.0.fetch_add(1, Ordering::Relaxed);
        state.push(page);
    }
}

type Entries = quick_cache::sync::Cache<PageKey, Arc<CachedPage>, ByBytes, quick_cache::DefaultHashBuilder, Evictions>;

/// Rendered pages by publication and canonical path, bounded by a byte
/// budget. Admission and eviction are quick_cache's (CLOCK-Pro-like: a
/// page seen once sits in a small cold queue and must be asked for again
/// to be kept among the hot ones, so a crawler walking the archive once
/// cannot flush the pages readers keep asking for).
pub struct PageCache {
    entries: Entries,
    /// Held for reading by fills and upgrades while they check the
    /// generation and store, for writing by purges while they bump it and
    /// drop entries: a fill that read the store before a purge can then
    /// never store its page after that purge. Hits do not take it.
    fill: RwLock<()>,
    /// Bumped by every purge. A page rendered from data read before a purge
    /// must not be stored after it: fills take the generation before they
    /// read and [`PageCache::insert`] drops them if it has moved on.
    generation: AtomicU64,
    budget: u64,
    evictions: Arc<AtomicU64>,
    /// Background recompressions running (at most one at a time, so they
    /// never take more than one core from requests).
    upgrading: std::sync::atomic::AtomicBool,
    /// Counters for `/metrics`: relaxed atomic adds, because they order
    /// nothing and a hit must stay a lookup without any further locking.
    hits: AtomicU64,
    misses: AtomicU64,
    purges: AtomicU64,
    purged: AtomicU64,
    upgrades: AtomicU64,
    encoded: AtomicU64,
}

impl std::fmt::Debug for PageCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageCache").field("budget", &self.budget).field("stats", &self.stats()).finish()
    }
}

impl Default for PageCache {
    fn default() -> Self {
        PageCache::new(DEFAULT_BUDGET_MB * 1024 * 1024)
    }
}

/// The cache's counters at one moment, for `/metrics`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
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
    /// Bytes held now (bodies in every encoding plus an estimate of each
    /// entry's overhead), as weighed against the budget.
    pub bytes: u64,
    /// The byte budget.
    pub budget: u64,
    /// Entries dropped (or never admitted) to stay within the budget.
    pub evictions: u64,
    /// Hot pages recompressed at the best levels in the background.
    pub upgrades: u64,
    /// Encodings compressed into an entry on the first hit asking for
    /// them (its fill was for another encoding).
    pub encodings_added: u64,
}

impl PageCache {
    /// A cache holding at most `budget` bytes (see [`CacheStats::bytes`]).
    pub fn new(budget: u64) -> PageCache {
        let budget = budget.max(1);
        let evictions = Evictions::default();
        // The shard count only spreads lock contention; small budgets (the
        // tests') get few shards so that no shard is smaller than a page.
        let shards = (budget / (4 * 1024 * 1024)).clamp(1, 16) as usize;
        let options = quick_cache::OptionsBuilder::new()
            .estimated_items_capacity((budget / 32_768).max(16) as usize)
            .weight_capacity(budget)
            .shards(shards)
            .build();
        let entries = match options {
            Ok(options) => Entries::with_options(options, ByBytes, Default::default(), evictions.clone()),
            // Only invalid when no capacity is given, which the lines
            // above always give; fall back to quick_cache's defaults.
            Err(_) => Entries::with(
                (budget / 32_768).max(16) as usize,
                budget,
                ByBytes,
                Default::default(),
                evictions.clone(),
            ),
        };
        PageCache {
            entries,
            fill: RwLock::new(()),
            generation: AtomicU64::new(0),
            budget,
            evictions: evictions.0,
            upgrading: std::sync::atomic::AtomicBool::new(false),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            purges: AtomicU64::new(0),
            purged: AtomicU64::new(0),
            upgrades: AtomicU64::new(0),
            encoded: AtomicU64::new(0),
        }
    }

    pub fn get(&self, publication: Id, path: &str) -> Option<Arc<CachedPage>> {
        self.entries.get(&PageRef(publication, path))
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
            entries: self.entries.len(),
            bytes: self.entries.weight(),
            budget: self.budget,
            evictions: self.evictions.load(Ordering::Relaxed),
            upgrades: self.upgrades.load(Ordering::Relaxed),
            encodings_added: self.encoded.load(Ordering::Relaxed),
        }
    }

    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Stores a page rendered at `generation`; returns whether it was kept
    /// (false also when the page alone is over a shard's share of the
    /// budget: quick_cache refuses it, and that counts as an eviction).
    pub fn insert(&self, generation: u64, publication: Id, path: &str, page: Arc<CachedPage>) -> bool {
        let _fill = self.fill.read().unwrap_or_else(|e| e.into_inner());
        // Purges bump the generation while holding the write lock, so this
        // check cannot race with one.
        if self.generation.load(Ordering::Acquire) != generation {
            return false;
        }
        self.entries.insert(PageKey { publication, path: path.into() }, page);
        self.entries.contains_key(&PageRef(publication, path))
    }

    /// Notes a hit on `page` (got from `publication`, `path`) by a request
    /// that wants `encoding`, and returns the page to answer it with.
    ///
    /// - If the entry does not hold the page in that encoding yet, it is
    ///   compressed now (fast level), stored in the entry (if that still
    ///   holds `page`) and returned: each encoding is compressed once per
    ///   fill, and only if somebody asks for it.
    /// - Once a page holding bodies compressed at the fast level has been
    ///   asked for [`HOT_AFTER`] times, they are compressed again at the
    ///   best levels on tokio's blocking pool (one page at a time) and the
    ///   result replaces the entry if that is still the same page. Outside
    ///   a runtime, it is done inline.
    pub fn note_hit(
        self: &Arc<Self>,
        publication: Id,
        path: &str,
        page: Arc<CachedPage>,
        encoding: Encoding,
    ) -> Arc<CachedPage> {
        let page = if page.body(encoding).is_some() {
            page
        } else {
            let fuller = Arc::new(page.with_encoding(encoding));
            if self.replace_if_current(publication, path, &page, fuller.clone()) {
                self.encoded.fetch_add(1, Ordering::Relaxed);
            }
            fuller
        };
        if page.best || page.hits.fetch_add(1, Ordering::Relaxed) + 1 < HOT_AFTER {
            return page;
        }
        if self.upgrading.swap(true, Ordering::AcqRel) {
            return page; // another upgrade runs; a later hit will ask again
        }
        let cache = Arc::clone(self);
        let hot = Arc::clone(&page);
        let path: Box<str> = path.into();
        let work = move || {
            let better = Arc::new(hot.recompressed());
            if cache.replace_if_current(publication, &path, &hot, better) {
                cache.upgrades.fetch_add(1, Ordering::Relaxed);
            }
            cache.upgrading.store(false, Ordering::Release);
        };
        match tokio::runtime::Handle::try_current() {
            Ok(rt) => {
                rt.spawn_blocking(work);
            }
            Err(_) => work(),
        }
        page
    }

    /// Swaps `old` for `new` if the entry still holds `old` (no purge or
    /// refill came in between).
    fn replace_if_current(&self, publication: Id, path: &str, old: &Arc<CachedPage>, new: Arc<CachedPage>) -> bool {
        let _fill = self.fill.read().unwrap_or_else(|e| e.into_inner());
        match self.entries.peek(&PageRef(publication, path)) {
            Some(current) if Arc::ptr_eq(&current, old) => {
                self.entries.insert(PageKey { publication, path: path.into() }, new);
                true
            }
            _ => false,
        }
    }

    /// Drops every entry showing any of `keys`; returns how many went.
    pub fn purge(&self, keys: &[SurrogateKey]) -> usize {
        let keys: HashSet<&SurrogateKey> = keys.iter().collect();
        let _fill = self.fill.write().unwrap_or_else(|e| e.into_inner());
        self.generation.fetch_add(1, Ordering::AcqRel);
        let purged = std::cell::Cell::new(0usize);
        self.entries.retain(|_, page| {
            let keep = !page.keys.iter().any(|k| keys.contains(k));
            if !keep {
                purged.set(purged.get() + 1);
            }
            keep
        });
        let purged = purged.get();
        self.count_purge(purged);
        purged
    }

    pub fn purge_all(&self) -> usize {
        let _fill = self.fill.write().unwrap_or_else(|e| e.into_inner());
        self.generation.fetch_add(1, Ordering::AcqRel);
        let n = self.entries.len();
        self.entries.clear();
        self.count_purge(n);
        n
    }

    fn count_purge(&self, entries: usize) {
        self.purges.fetch_add(1, Ordering::Relaxed);
        self.purged.fetch_add(entries as u64, Ordering::Relaxed);
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
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
        flate2::read::GzDecoder::new(&p.body(Encoding::Gzip).expect("made")[..])
            .read_to_string(&mut out)
            .expect("gzip");
        assert_eq!(out.as_bytes(), &p.identity[..]);
        let mut out = Vec::new();
        brotli::BrotliDecompress(&mut &p.body(Encoding::Brotli).expect("made")[..], &mut out).expect("brotli");
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

    /// A page of `n` bytes of text that compresses about as badly as HTML
    /// does not (so its weight is dominated by the identity body).
    fn sized(n: usize, keys: Vec<SurrogateKey>) -> Arc<CachedPage> {
        let mut x: u64 = n as u64 | 1;
        let body: Vec<u8> = (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                b'a' + (x % 26) as u8
            })
            .collect();
        Arc::new(CachedPage::fill(http::StatusCode::OK, "text/html", body, keys, Encoding::Brotli))
    }

    #[test]
    fn stays_within_its_byte_budget() {
        let budget = 1024 * 1024;
        let cache = PageCache::new(budget);
        let g = cache.generation();
        let weight = sized(20_000, vec![]).weight();
        assert!(weight > 20_000 && weight < 60_000, "identity and brotli: {weight}");
        for i in 0..500u64 {
            cache.insert(g, 1, &format!("/story-{i}/"), sized(20_000, vec![SurrogateKey::Article(i as Id)]));
            assert!(cache.stats().bytes <= budget, "over budget after {i} inserts: {:?}", cache.stats());
        }
        let stats = cache.stats();
        let fits = budget / weight;
        assert!(stats.entries as u64 <= fits, "{} entries, {fits} fit", stats.entries);
        assert!(stats.entries as u64 >= fits / 2, "the budget is used: {} entries of {fits}", stats.entries);
        assert!(stats.bytes > budget / 2, "{:?}", stats);
        assert_eq!(stats.evictions, 500 - stats.entries as u64, "every page not held was evicted");
        assert_eq!(stats.budget, budget);
        // A page bigger than the whole budget is refused, not stored.
        assert!(!cache.insert(g, 1, "/huge/", sized(2 * budget as usize, vec![])));
        assert!(cache.get(1, "/huge/").is_none());
        assert!(cache.stats().bytes <= budget);
    }

    #[test]
    fn a_page_asked_for_again_outlives_a_crawl() {
        let cache = PageCache::new(1024 * 1024);
        let g = cache.generation();
        cache.insert(g, 1, "/hot/", sized(20_000, vec![]));
        for i in 0..400 {
            // Readers keep asking for the hot page while a crawler walks
            // pages nobody asks for twice.
            assert!(cache.get(1, "/hot/").is_some(), "hot page evicted after {i} crawled pages");
            cache.insert(g, 1, &format!("/old-{i}/"), sized(20_000, vec![]));
        }
        assert!(cache.stats().evictions > 300);
    }

    #[test]
    fn purge_by_key_removes_exactly_the_tagged_entries_under_pressure() {
        let cache = PageCache::new(4 * 1024 * 1024);
        let g = cache.generation();
        for i in 0..60u64 {
            let mut keys = vec![SurrogateKey::Article(i as Id)];
            if i % 3 == 0 {
                keys.push(SurrogateKey::Section(7));
            }
            cache.insert(g, 1 + (i % 2) as Id, &format!("/p{i}/"), sized(10_000, keys));
        }
        let held: Vec<u64> = (0..60).filter(|i| cache.get(1 + (i % 2) as Id, &format!("/p{i}/")).is_some()).collect();
        assert_eq!(held.len(), 60, "all fit");
        let bytes = cache.stats().bytes;
        assert_eq!(cache.purge(&[SurrogateKey::Section(7), SurrogateKey::Article(1)]), 21);
        for i in 0..60u64 {
            let present = cache.get(1 + (i % 2) as Id, &format!("/p{i}/")).is_some();
            assert_eq!(present, i % 3 != 0 && i != 1, "/p{i}/");
        }
        let stats = cache.stats();
        assert_eq!((stats.entries, stats.purged_entries, stats.evictions), (39, 21, 0));
        assert!(stats.bytes < bytes);
    }

    /// Paragraphs of HTML-like text that compress as pages do.
    fn html() -> Vec<u8> {
        let words = ["harbour", "council", "strike", "festival", "budget", "river", "school", "market"];
        (0..400)
            .map(|i| {
                format!(
                    "<p>Paragraph {i}: the {} and the {} met on day {}.</p>\n",
                    words[i % 8],
                    words[i * 7 % 8],
                    i * 37 % 101
                )
            })
            .collect::<String>()
            .into_bytes()
    }

    #[test]
    fn a_fill_compresses_only_what_its_request_asked_for_and_hits_add_the_rest() {
        let cache = Arc::new(PageCache::default());
        let plain = Arc::new(CachedPage::fill(
            http::StatusCode::OK,
            "text/html",
            html(),
            vec![SurrogateKey::Home],
            Encoding::Identity,
        ));
        assert!(plain.body(Encoding::Gzip).is_none() && plain.body(Encoding::Brotli).is_none());
        assert!(plain.is_best(), "nothing to recompress");
        assert_eq!(plain.weight(), (plain.identity.len() + plain.surrogate.len()) as u64 + ENTRY_OVERHEAD);
        cache.insert(cache.generation(), 1, "/", plain.clone());
        let bytes = cache.stats().bytes;

        // A browser's hit: brotli is made once, stored, and weighed.
        let hit = cache.get(1, "/").expect("cached");
        let served = cache.note_hit(1, "/", hit, Encoding::Brotli);
        let br = served.body(Encoding::Brotli).expect("compressed for this hit").clone();
        let mut out = Vec::new();
        brotli::BrotliDecompress(&mut &br[..], &mut out).expect("brotli");
        assert_eq!(out, plain.identity);
        let held = cache.get(1, "/").expect("still cached");
        assert!(Arc::ptr_eq(&held, &served), "the entry now holds the brotli body");
        assert_eq!(cache.stats().bytes, bytes + br.len() as u64);
        assert_eq!((cache.stats().encodings_added, served.etag.clone()), (1, plain.etag.clone()));

        // A second browser gets the stored bytes: nothing compressed again.
        assert!(!served.is_best(), "brotli at the fast level, for now");
        let again = cache.note_hit(1, "/", held, Encoding::Brotli);
        assert!(again.body(Encoding::Brotli).is_some_and(|b| b.as_ptr() == br.as_ptr()));
        assert!(again.body(Encoding::Gzip).is_none());
        assert_eq!(cache.stats().encodings_added, 1);

        // A page made outside the cache still answers any encoding.
        let mut out = String::new();
        flate2::read::GzDecoder::new(&plain.body_in(Encoding::Gzip)[..]).read_to_string(&mut out).expect("gzip");
        assert_eq!(out.as_bytes(), &plain.identity[..]);
        // A purged page is not brought back by a hit that held it.
        cache.purge(&[SurrogateKey::Home]);
        let late = cache.note_hit(1, "/", again, Encoding::Gzip);
        assert!(late.body(Encoding::Gzip).is_some() && cache.get(1, "/").is_none());
    }

    #[test]
    fn hot_pages_are_recompressed_at_the_best_levels() {
        let cache = Arc::new(PageCache::default());
        let g = cache.generation();
        let html = html();
        let fast = Arc::new(CachedPage::fill(
            http::StatusCode::OK,
            "text/html",
            html.clone(),
            vec![SurrogateKey::Home],
            Encoding::Brotli,
        ));
        assert!(!fast.is_best());
        cache.insert(g, 1, "/", fast.clone());
        for _ in 0..HOT_AFTER {
            let hit = cache.get(1, "/").expect("cached");
            cache.note_hit(1, "/", hit, Encoding::Brotli); // no runtime here: done inline
        }
        let best = cache.get(1, "/").expect("still cached");
        assert!(best.is_best() && !Arc::ptr_eq(&best, &fast));
        let (best_br, fast_br) =
            (best.body(Encoding::Brotli).expect("best"), fast.body(Encoding::Brotli).expect("fill"));
        assert!(best_br.len() < fast_br.len(), "best {} vs fast {}", best_br.len(), fast_br.len());
        assert!(best.body(Encoding::Gzip).is_none(), "only the encodings asked for are made");
        assert_eq!((best.etag.clone(), best.identity.clone()), (fast.etag.clone(), fast.identity.clone()));
        let mut out = Vec::new();
        brotli::BrotliDecompress(&mut &best_br[..], &mut out).expect("brotli");
        assert_eq!(out, html);
        assert_eq!(cache.stats().upgrades, 1);
        // A page purged meanwhile is not brought back by its upgrade.
        let other = Arc::new(CachedPage::fill(
            http::StatusCode::OK,
            "text/html",
            html,
            vec![SurrogateKey::Feed],
            Encoding::Identity,
        ));
        cache.insert(cache.generation(), 1, "/feed/", other.clone());
        cache.purge(&[SurrogateKey::Feed]);
        assert!(!cache.replace_if_current(1, "/feed/", &other, Arc::new(other.recompressed())));
        assert!(cache.get(1, "/feed/").is_none());
    }

    #[test]
    fn a_small_body_gets_a_small_brotli_window_and_the_same_bytes_back() {
        for len in [0usize, 1, 700, 30_000, 3_000_000] {
            let body: Vec<u8> = html().into_iter().cycle().take(len).collect();
            for (quality, lgwin) in [(FAST_BROTLI, FAST_BROTLI_WINDOW), (10, 22)] {
                let packed = brotli_at(&body, quality, lgwin);
                let mut out = Vec::new();
                brotli::BrotliDecompress(&mut &packed[..], &mut out).expect("brotli");
                assert_eq!(out, body, "{len} bytes at quality {quality}");
            }
        }
    }
}
