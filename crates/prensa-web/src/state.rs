//! Shared state of the web layer: the store, the theme, the page cache and
//! a snapshot of each publication's rarely changing data (settings,
//! sections, the header's view model), rebuilt when content changes.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

use chrono::{Datelike, Utc};
use prensa_core::{Id, Publication, Section};
use prensa_render::i18n::{self, Locale};
use prensa_render::theme::{self, Theme};
use prensa_render::view::{LinkView, SiteView};
use prensa_search::SearchIndex;
use prensa_store::{MediaStore, Newsroom, Store, CHANGE_ALL, CHANGE_API_KEYS};

use crate::admin::Admin;
use crate::api_keys::KeyRing;
use crate::cache::{PageCache, SurrogateKey};
use crate::error::AppError;
use crate::ops::{self, HttpMetrics};
use crate::views;

/// One publication as the web layer needs it on every request.
#[derive(Debug)]
pub struct Site {
    pub publication: Publication,
    pub sections: Vec<Section>,
    pub locale: &'static Locale,
    pub strings: BTreeMap<String, String>,
    pub view: SiteView,
    /// The favicon chosen in the settings (`/favicon.ico` serves it), or
    /// `None` for Prensa's default.
    pub favicon: Option<prensa_core::MediaAsset>,
    /// Whether an import from another platform brought old addresses
    /// (`/?p=12`, `/2019/09/11/slug/`) to this publication. Read with the
    /// publications (on start and every content change), so a site without
    /// them answers unknown URLs without asking the store.
    pub has_legacy_urls: bool,
    /// The path prefix of the base URL, without a trailing slash: `""` for
    /// a publication at the root of its host, `"/de"` for
    /// `https://example.org/de`.
    root: String,
}

impl Site {
    /// A publication's site; its path prefix comes from its base URL.
    pub fn new(
        publication: Publication,
        sections: Vec<Section>,
        locale: &'static Locale,
        strings: BTreeMap<String, String>,
        view: SiteView,
    ) -> Site {
        let (_, root) = host_and_root(&publication.base_url);
        Site { publication, sections, locale, strings, view, favicon: None, has_legacy_urls: false, root }
    }

    /// The path prefix this publication is served under (`""` or `"/de"`).
    /// Requests reach handlers with it stripped ([`crate::network`]), so
    /// every link a page prints is built with [`Site::path`].
    pub fn root(&self) -> &str {
        &self.root
    }

    /// A root-relative path of this site (`"/x/"`) as a link: `root + path`.
    pub fn path(&self, path: &str) -> String {
        let mut out = String::with_capacity(self.root.len() + path.len());
        out.push_str(&self.root);
        out.push_str(path);
        out
    }
}

/// The host (lowercased, port kept) and path prefix of a base URL:
/// `https://Example.org:8443/de/` → (`example.org:8443`, `/de`).
pub fn host_and_root(base_url: &str) -> (String, String) {
    let rest = base_url.split_once("://").map_or(base_url, |(_, r)| r);
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    // Repeated slashes would make a prefix no request path could match
    // at a segment boundary; they mean one.
    let root: String = path.split('/').filter(|s| !s.is_empty()).flat_map(|s| ["/", s]).collect();
    (host.to_ascii_lowercase(), root)
}

/// The publications served on one host: the one at its root, if any, and
/// those under a path prefix, longest prefix first.
#[derive(Debug, Default)]
struct HostEntry {
    root: Option<usize>,
    prefixes: Vec<(String, usize)>,
}

/// What a request's host and path resolve to.
#[derive(Debug)]
pub enum Resolved<'a> {
    /// Served by `site`; the first `prefix_len` bytes of the path are its
    /// prefix (0 at the root).
    Site { site: &'a Arc<Site>, prefix_len: usize },
    /// The path is a publication's prefix without its trailing slash
    /// (`/de`): answered with a 301 to `/de/`.
    AddSlash,
    /// No publication is served here.
    Unknown,
}

/// All publications, with a host-name index.
#[derive(Debug, Default)]
pub struct Sites {
    pub list: Vec<Arc<Site>>,
    by_host: HashMap<String, HostEntry>,
    /// What an unknown host or prefix gets: the only publication, or the
    /// instance's `default_publication`; with several and none named,
    /// nothing (a 404).
    fallback: Option<usize>,
}

impl Sites {
    /// Indexes `list` by host and prefix. `default_publication` (a slug)
    /// answers unknown hosts and prefixes when there are several
    /// publications; with one, that one answers everything, as an
    /// instance with a single publication always did.
    pub fn new(list: Vec<Arc<Site>>, default_publication: Option<&str>) -> Sites {
        let mut by_host: HashMap<String, HostEntry> = HashMap::new();
        for (i, site) in list.iter().enumerate() {
            let (host, root) = host_and_root(&site.publication.base_url);
            let entry = by_host.entry(host).or_default();
            if root.is_empty() {
                // Two publications claiming one address: the first keeps it
                // (as before), so which one answers does not flip per load.
                entry.root.get_or_insert(i);
            } else if !entry.prefixes.iter().any(|(p, _)| *p == root) {
                entry.prefixes.push((root, i));
            }
        }
        for entry in by_host.values_mut() {
            entry.prefixes.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        }
        let fallback = match list.len() {
            1 => Some(0),
            _ => default_publication.and_then(|slug| list.iter().position(|s| s.publication.slug == slug)),
        };
        Sites { list, by_host, fallback }
    }

    /// The publications under a path prefix of the host `site` is served
    /// on (`https://example.org/de` for `https://example.org`), longest
    /// prefix first; `site` itself is never among them.
    pub fn under_prefixes_of<'a>(&'a self, site: &Site) -> impl Iterator<Item = &'a Arc<Site>> + 'a {
        let (host, _) = host_and_root(&site.publication.base_url);
        let id = site.publication.id;
        self.by_host
            .get(&host)
            .into_iter()
            .flat_map(|entry| entry.prefixes.iter().map(|(_, i)| &self.list[*i]))
            .filter(move |s| s.publication.id != id)
    }

    /// The publication serving `host` (a `Host` header value) and `path`:
    /// the host's entry (exact host:port first, then the host without
    /// port), then the longest of its prefixes that the path starts with at
    /// a segment boundary (`/de` matches `/de/…`, not `/design/`), else its
    /// root publication; an unknown host or prefix gets the fallback (see
    /// [`Sites::new`]), whose own prefix is still stripped when present.
    /// One hash lookup and a scan of that host's few prefixes.
    pub fn resolve(&self, host: Option<&str>, path: &str) -> Resolved<'_> {
        if let Some(entry) = host.and_then(|h| self.entry(h)) {
            for (prefix, i) in &entry.prefixes {
                match prefix_match(path, prefix) {
                    Some(true) => return Resolved::AddSlash,
                    Some(false) => return Resolved::Site { site: &self.list[*i], prefix_len: prefix.len() },
                    None => {}
                }
            }
            if let Some(i) = entry.root {
                return Resolved::Site { site: &self.list[i], prefix_len: 0 };
            }
        }
        let Some(site) = self.fallback.map(|i| &self.list[i]) else { return Resolved::Unknown };
        match prefix_match(path, site.root()) {
            Some(true) if !site.root.is_empty() => Resolved::AddSlash,
            Some(_) => Resolved::Site { site, prefix_len: site.root.len() },
            None => Resolved::Site { site, prefix_len: 0 },
        }
    }

    fn entry(&self, host: &str) -> Option<&HostEntry> {
        let host = host.trim();
        // Host names are case-insensitive; a lowercase header (what
        // browsers send) needs no copy.
        let lowered;
        let host = if host.bytes().any(|b| b.is_ascii_uppercase()) {
            lowered = host.to_ascii_lowercase();
            lowered.as_str()
        } else {
            host
        };
        if let Some(entry) = self.by_host.get(host) {
            return Some(entry);
        }
        let bare = host.rsplit_once(':').map_or(host, |(h, _)| h);
        self.by_host.get(bare)
    }

    pub fn by_id(&self, id: Id) -> Option<&Arc<Site>> {
        self.list.iter().find(|s| s.publication.id == id)
    }

    /// Gives translation links the base URL their publication has here
    /// rather than the one the store joined in: they differ when
    /// [`WebConfig::base_urls`] moves a publication (a static export).
    pub fn rebase(&self, refs: &mut [prensa_core::TranslationRef]) {
        for t in refs {
            if let Some(site) = self.by_id(t.publication) {
                if site.publication.base_url != t.base_url {
                    t.base_url.clone_from(&site.publication.base_url);
                }
            }
        }
    }
}

/// Whether `path` lies under `prefix` at a segment boundary: `Some(false)`
/// for `/de/…`, `Some(true)` for exactly `/de` (no trailing slash), `None`
/// for anything else (`/design/`). The empty prefix holds every path.
fn prefix_match(path: &str, prefix: &str) -> Option<bool> {
    let rest = path.strip_prefix(prefix)?;
    if rest.is_empty() {
        Some(!prefix.is_empty())
    } else {
        rest.starts_with('/').then_some(false)
    }
}

/// How long a staff session may go unused: 12 hours, a working day with
/// room to spare, so nobody is signed out mid-shift but a browser left
/// signed in overnight is not.
pub const DEFAULT_SESSION_IDLE_MINUTES: u64 = 720;

/// Tunables of the web layer.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// How often the background watcher checks for content written by other
    /// processes and for scheduled articles coming due.
    pub watch_interval: std::time::Duration,
    /// The largest media upload, in bytes.
    pub max_upload_bytes: u64,
    /// Reverse proxies whose `X-Forwarded-For` / `Forwarded` /
    /// `X-Forwarded-Proto` are believed (see [`crate::client`]).
    pub trusted_proxies: Vec<crate::client::Cidr>,
    /// `Strict-Transport-Security: max-age=` on responses that went out
    /// over https; 0 sends none.
    pub hsts_max_age: u64,
    /// How many password hashes may run at once
    /// ([`crate::admin::passwords::PasswordWork`]).
    pub password_hashers: usize,
    /// A staff session unused for this long is signed out (beside its
    /// 14-day limit).
    pub session_idle: std::time::Duration,
    /// The slug of the publication that answers a host or path prefix no
    /// publication claims, when there are several (`prensa serve
    /// --default-publication`); `None`: such requests get a 404.
    pub default_publication: Option<String>,
    /// Base URLs that replace the stored ones, by publication slug, in
    /// every link this state prints (canonical, feeds, sitemaps): what
    /// `prensa export static --base-url` uses to host an archive elsewhere.
    /// Empty when serving.
    pub base_urls: Vec<(String, String)>,
    /// Whether this state builds a search index at all. A static export
    /// serves no searches, and building the index of a large archive costs
    /// seconds and memory it would never use.
    pub search_index: bool,
    /// The page cache's byte budget, in MiB (`--page-cache-mb`,
    /// `page_cache_mb`; [`crate::cache::DEFAULT_BUDGET_MB`]).
    pub page_cache_mb: u64,
    /// A shared HTTP cache in front (Varnish, a CDN): how public pages tell
    /// it their surrogate keys and lifetime, and where writes purge it.
    pub shared_cache: crate::shared_cache::SharedCacheConfig,
    /// A pause before each batch of articles a search index build reads:
    /// zero in production; tests set it to stand in for a large archive.
    #[doc(hidden)]
    pub search_build_pause: std::time::Duration,
}

/// HSTS's default: one year, what browsers' preload rules and Mozilla's
/// Observatory ask for; sent only over https.
pub const DEFAULT_HSTS_MAX_AGE: u64 = 365 * 24 * 3600;

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            watch_interval: std::time::Duration::from_millis(500),
            max_upload_bytes: prensa_media::Limits::default().max_bytes,
            trusted_proxies: Vec::new(),
            hsts_max_age: DEFAULT_HSTS_MAX_AGE,
            password_hashers: crate::admin::passwords::default_permits(),
            session_idle: std::time::Duration::from_secs(DEFAULT_SESSION_IDLE_MINUTES * 60),
            default_publication: None,
            base_urls: Vec::new(),
            search_index: true,
            page_cache_mb: crate::cache::DEFAULT_BUDGET_MB,
            shared_cache: crate::shared_cache::SharedCacheConfig::default(),
            search_build_pause: std::time::Duration::ZERO,
        }
    }
}

pub struct AppState<S: Store> {
    pub store: S,
    pub media: MediaStore,
    pub theme: Theme,
    pub cache: Arc<PageCache>,
    /// The `Cache-Control` and surrogate key header cached public pages
    /// get for a shared cache in front.
    pub shared: crate::shared_cache::SharedHeaders,
    /// Sends this node's purges to the shared caches (`--purge-url`).
    pub purger: crate::shared_cache::Purger,
    pub config: WebConfig,
    /// Requests by route and status, and their latency, for `/metrics`.
    pub metrics: HttpMetrics,
    /// The admin's templates.
    pub admin: Admin,
    /// This node's full-text index of every publication, following the
    /// change feed alongside the page cache.
    pub search: SearchIndex,
    /// What an upload may be.
    pub media_limits: prensa_media::Limits,
    /// The bound on concurrent password hashing.
    pub passwords: crate::admin::passwords::PasswordWork,
    /// Signs the sign-in, invite and reset forms' tokens; the same on every
    /// node (its secret lives in the database).
    pub form_key: prensa_auth::FormKey,
    /// The Content API's keys (digests), reloaded when the change feed
    /// names `api_keys`.
    pub api_keys: KeyRing,
    /// Set by [`AppState::start_draining`]; see [`AppState::is_draining`].
    draining: AtomicBool,
    /// Wakes the background task that rebuilds the search index (see
    /// [`AppState::request_search_rebuild`]); requests made while a build
    /// runs fold into one more build after it.
    search_wake: Arc<tokio::sync::Notify>,
    /// One rebuild at a time (they swap whole indexes in).
    search_build: tokio::sync::Mutex<()>,
    /// Bumped after every build, finished or failed, for
    /// [`AppState::search_built`].
    search_builds: tokio::sync::watch::Sender<u64>,
    /// The content version up to which this process has applied the
    /// store's change feed to its page cache.
    seen_version: tokio::sync::Mutex<Option<i64>>,
    sites: RwLock<Arc<Sites>>,
    /// Reads shared between pages, kept once set (the static export
    /// only: see [`AppState::keep_shared_reads`]).
    memo: std::sync::OnceLock<crate::memo::RenderMemo>,
    /// Reads every article page shares, until the page cache's next purge
    /// (see [`crate::memo::FreshReads`]).
    pub(crate) fresh: crate::memo::FreshReads,
}

/// The name of the form-signing secret in the store's `server_secrets`.
const FORM_KEY_NAME: &str = "form-signing";

impl<S: Newsroom> AppState<S> {
    /// [`AppState::start`], then waits for the search index to be built,
    /// so searches answer completely from the first request (tests and
    /// embedders with small stores; `prensa serve` uses `start`).
    pub async fn new(store: S, media: impl Into<MediaStore>, config: WebConfig) -> Result<Arc<AppState<S>>, AppError> {
        let state = Self::init(store, media, config).await?;
        if state.config.search_index {
            state.rebuild_search().await?;
        }
        Ok(state)
    }

    /// Reads the publications and the form-signing secret (made on the
    /// first start) and returns, ready to serve; the search index is built
    /// in the background (`/search/` says so meanwhile, `/metrics` shows
    /// how far it got), so a node starts in the same time whatever the
    /// size of its archive.
    pub async fn start(
        store: S,
        media: impl Into<MediaStore>,
        config: WebConfig,
    ) -> Result<Arc<AppState<S>>, AppError> {
        let state = Self::init(store, media, config).await?;
        state.request_search_rebuild();
        Ok(state)
    }

    /// Everything but the first search index build.
    async fn init(store: S, media: impl Into<MediaStore>, config: WebConfig) -> Result<Arc<AppState<S>>, AppError> {
        let theme = Theme::new().map_err(|e| AppError::Internal(e.to_string()))?;
        let media_limits =
            prensa_media::Limits { max_bytes: config.max_upload_bytes, ..prensa_media::Limits::default() };
        let admin = Admin::new().map_err(|e| AppError::Internal(format!("admin templates: {e:#}")))?;
        let secret = store.server_secret(FORM_KEY_NAME, &prensa_auth::new_token().secret).await?;
        let passwords = crate::admin::passwords::PasswordWork::new(config.password_hashers);
        // Where the change feed stands, noted before anything is read from
        // the store: a key revoked (or anything written) while this state
        // loads is then applied by the first sync instead of being missed.
        let version = store.content_version().await?;
        let api_keys = KeyRing::new(&store.api_key_digests().await?);
        let state = Arc::new(AppState {
            store,
            media: media.into(),
            theme,
            cache: Arc::new(PageCache::new(config.page_cache_mb.saturating_mul(1024 * 1024))),
            shared: crate::shared_cache::SharedHeaders::new(&config.shared_cache, crate::public::MAX_AGE),
            purger: crate::shared_cache::Purger::new(&config.shared_cache),
            config,
            metrics: HttpMetrics::default(),
            admin,
            search: SearchIndex::new(),
            media_limits,
            passwords,
            form_key: prensa_auth::FormKey::new(&secret),
            api_keys,
            draining: AtomicBool::new(false),
            search_wake: Arc::new(tokio::sync::Notify::new()),
            search_build: tokio::sync::Mutex::new(()),
            search_builds: tokio::sync::watch::Sender::new(0),
            seen_version: tokio::sync::Mutex::new(Some(version)),
            sites: RwLock::new(Arc::new(Sites::default())),
            memo: std::sync::OnceLock::new(),
            fresh: crate::memo::FreshReads::default(),
        });
        state.reload_sites().await?;
        if state.config.search_index {
            Self::spawn_search_builder(&state);
        }
        Ok(state)
    }

    /// The background task behind [`AppState::request_search_rebuild`]. It
    /// holds the state weakly, so a state dropped (a test's) is not kept
    /// alive by it; it then ends at its next wake-up.
    fn spawn_search_builder(state: &Arc<Self>) {
        let weak = Arc::downgrade(state);
        let wake = state.search_wake.clone();
        tokio::spawn(async move {
            loop {
                wake.notified().await;
                let Some(state) = weak.upgrade() else { return };
                if let Err(e) = state.rebuild_search().await {
                    tracing::warn!(error = %e, "building the search index failed");
                }
            }
        });
    }

    /// Asks for the search index to be rebuilt in the background; returns
    /// at once. Searches keep the old index until the new one is complete.
    pub fn request_search_rebuild(&self) {
        self.search_wake.notify_one();
    }

    /// Waits until every publication's search index has been built (or a
    /// build has failed: then the error is in the log and this returns
    /// after the next build).
    pub async fn search_built(&self) {
        let mut builds = self.search_builds.subscribe();
        while !self.search.is_complete() {
            if builds.changed().await.is_err() {
                return;
            }
        }
    }

    /// Re-reads every API key's digest into [`AppState::api_keys`].
    pub async fn reload_api_keys(&self) -> Result<(), AppError> {
        let digests = self.store.api_key_digests().await?;
        self.api_keys.replace(&digests);
        tracing::debug!(keys = digests.len(), "API keys reloaded");
        Ok(())
    }

    /// Builds the search index anew from the store and waits for it (one
    /// build at a time). Searches answer from the old index meanwhile.
    pub async fn rebuild_search(&self) -> Result<(), AppError> {
        let _one = self.search_build.lock().await;
        let started = std::time::Instant::now();
        let done = self.search.rebuild_paced(&self.store, self.config.search_build_pause, |_| {}).await;
        self.search_builds.send_modify(|n| *n += 1);
        // The build freed what it held (documents, the writers' buffers):
        // give it back rather than keep it resident (see `memory`).
        crate::memory::release();
        let done = done.map_err(|e| AppError::Internal(e.to_string()))?;
        tracing::info!(articles = done.added, ms = started.elapsed().as_millis() as u64, "search index built");
        Ok(())
    }
}

impl<S: Store> AppState<S> {
    /// From now on, what many pages read alike (lists, "most recent", feed
    /// items; see [`crate::memo`]) is read once and kept for this state's
    /// life, never purged: for a process that renders every page of a
    /// store nobody writes to meanwhile (`prensa export static`), never for
    /// a server, whose pages must follow the store.
    pub fn keep_shared_reads(&self) {
        let _ = self.memo.set(crate::memo::RenderMemo::default());
    }

    /// The reads kept, when [`AppState::keep_shared_reads`] was called.
    pub(crate) fn memo(&self) -> Option<&crate::memo::RenderMemo> {
        self.memo.get()
    }

    /// Marks this state as going away: `/readyz` answers 503 and every
    /// response closes its connection, so a load balancer moves traffic
    /// elsewhere while requests already here finish.
    pub fn start_draining(&self) {
        self.draining.store(true, Ordering::Relaxed);
    }

    /// Whether this state, or the whole process (a SIGTERM or ctrl-c seen
    /// by [`crate::serve`]), is shutting down. Two flags because the signal
    /// belongs to the process while tests and embedders hold several states.
    pub fn is_draining(&self) -> bool {
        self.draining.load(Ordering::Relaxed) || ops::process_draining()
    }

    pub fn sites(&self) -> Arc<Sites> {
        self.sites.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Re-reads publications and sections from the store.
    pub async fn reload_sites(&self) -> Result<(), AppError> {
        let mut list = Vec::new();
        let brands = self.store.brands().await?;
        for mut publication in self.store.publications().await? {
            if let Some((_, url)) = self.config.base_urls.iter().find(|(slug, _)| *slug == publication.slug) {
                publication.base_url = url.clone();
            }
            let brand = brands.iter().find(|b| b.publication == publication.id);
            let sections = self.store.sections(publication.id).await?;
            let has_legacy_urls = self.store.has_legacy_urls(publication.id).await?;
            let locale = i18n::locale(&publication.language);
            let (_, root) = host_and_root(&publication.base_url);
            let view = SiteView {
                name: publication.name.clone(),
                tagline: publication.tagline.clone(),
                language: publication.language.clone(),
                base_url: publication.base_url.trim_end_matches('/').to_owned(),
                root: root.clone(),
                sections: sections
                    .iter()
                    .map(|s| LinkView {
                        name: s.name.clone(),
                        url: format!("{root}{}", views::section_path(&s.slug, 1)),
                    })
                    .collect(),
                social: views::social(&publication.social),
                css_url: format!("{root}{}", self.theme.css_url()),
                year: Utc::now().year(),
                logo: brand.and_then(|b| b.logo.as_ref()).map(|logo| prensa_render::view::ImageView {
                    url: format!("{root}{}", logo.url()),
                    width: logo.width,
                    height: logo.height,
                    srcset: String::new(),
                    alt: publication.name.clone(),
                    caption: None,
                }),
                favicon: match brand.and_then(|b| b.favicon.as_ref()) {
                    Some(f) => format!("{root}/media/{}", f.key),
                    None => format!("{root}/favicon.ico"),
                },
            };
            let mut site = Site::new(publication, sections, locale, theme::strings_map(locale), view);
            site.favicon = brand.and_then(|b| b.favicon.clone());
            site.has_legacy_urls = has_legacy_urls;
            list.push(Arc::new(site));
        }
        let sites = Sites::new(list, self.config.default_publication.as_deref());
        let languages: Vec<(Id, &str)> =
            sites.list.iter().map(|s| (s.publication.id, s.publication.language.as_str())).collect();
        // A publication new to this node (or with a new language) gets an
        // empty index here; the rebuild that follows every full reload
        // fills it.
        self.search.set_publications(&languages).map_err(|e| AppError::Internal(e.to_string()))?;
        *self.sites.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(sites);
        Ok(())
    }

    /// Content changed somewhere: drop every cached page and re-read the
    /// publications. (Writes made in this process can purge by surrogate
    /// key instead; a change seen only as a new content version cannot
    /// say what it touched.)
    pub async fn content_changed(&self) -> Result<(), AppError> {
        self.reload_sites().await?;
        let purged = self.cache.purge_all();
        tracing::debug!(purged, "page cache purged");
        self.purger.purge(vec![crate::cache::ALL_KEY.to_owned()]);
        Ok(())
    }
}

impl<S: Newsroom> AppState<S> {
    /// Applies the store's change feed to the page cache: every write since
    /// the last call (made by this process or any other) purges the pages
    /// showing what it touched; a write of unknown reach (an import) purges
    /// everything. Called after this process's own writes, so the writer
    /// sees the result at once, and by the watcher for everyone else's. It
    /// starts from where the feed stood when [`AppState::new`] began
    /// reading the store. A change naming `api_keys` reloads
    /// [`AppState::api_keys`].
    pub async fn sync_changes(&self) {
        let mut seen = self.seen_version.lock().await;
        let Some(from) = *seen else {
            match self.store.content_version().await {
                Ok(v) => *seen = Some(v),
                Err(e) => tracing::warn!(error = %e, "content version check failed"),
            }
            return;
        };
        let changes = match self.store.changes_since(from).await {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, "reading the change feed failed");
                return;
            }
        };
        let Some(last) = changes.last() else { return };
        let mut keys = Vec::new();
        let mut articles = Vec::new();
        let mut everything = false;
        let mut api_keys = false;
        for change in &changes {
            for key in &change.keys {
                if key == CHANGE_ALL {
                    everything = true;
                } else if key == CHANGE_API_KEYS {
                    api_keys = true;
                } else if let Some(k) = SurrogateKey::parse(key) {
                    if let SurrogateKey::Article(id) = k {
                        articles.push(id);
                    }
                    keys.push(k);
                }
            }
        }
        // Before the page cache: a revocation should bite as soon as
        // possible. `all` (an import, a copied database) may have replaced
        // keys too. If the reload fails, the feed is not marked read, so
        // the next tick tries again rather than leaving a revoked key
        // valid here.
        if api_keys || everything {
            if let Err(e) = self.reload_api_keys().await {
                tracing::warn!(error = %e, "reloading the API keys failed");
                return;
            }
        }
        *seen = Some(last.version);
        if everything {
            if let Err(e) = self.content_changed().await {
                tracing::warn!(error = %e, "reloading after a content change failed");
            }
            // Renames of sections, authors and tags come this way too
            // (they show in many articles' index entries). Rebuilt in the
            // background: at 100,000 articles a build takes tens of
            // seconds, and this feed (every node's cache purges) must not
            // wait for it.
            self.request_search_rebuild();
        } else if !keys.is_empty() {
            let purged = self.cache.purge(&keys);
            tracing::debug!(purged, keys = keys.len(), "page cache purged by key");
            if self.purger.enabled() {
                let names = keys
                    .iter()
                    .map(|k| {
                        let mut name = String::new();
                        k.write_to(&mut name);
                        name
                    })
                    .collect();
                self.purger.purge(names);
            }
            articles.sort_unstable();
            articles.dedup();
            match self.search.refresh(&self.store, &articles).await {
                Ok(done) => tracing::debug!(added = done.added, removed = done.removed, "search index refreshed"),
                Err(e) => tracing::warn!(error = %e, "refreshing the search index failed"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use prensa_core::{PublicationSettings, SocialLinks};

    use super::*;

    fn site(id: Id, slug: &str, base_url: &str) -> Arc<Site> {
        let publication = Publication {
            id,
            slug: slug.into(),
            name: slug.into(),
            tagline: String::new(),
            language: "en".into(),
            base_url: base_url.into(),
            timezone: "UTC".into(),
            social: SocialLinks::default(),
            settings: PublicationSettings::default(),
            api_cors_origins: Vec::new(),
        };
        let view = SiteView {
            name: slug.into(),
            tagline: String::new(),
            language: "en".into(),
            base_url: base_url.into(),
            root: String::new(),
            sections: Vec::new(),
            social: Vec::new(),
            css_url: String::new(),
            year: 2026,
            logo: None,
            favicon: "/favicon.ico".into(),
        };
        Arc::new(Site::new(publication, Vec::new(), i18n::locale("en"), BTreeMap::new(), view))
    }

    /// The slug and the stripped path `host` + `path` resolve to, or what
    /// else it is.
    fn at(sites: &Sites, host: &str, path: &str) -> String {
        match sites.resolve(Some(host), path) {
            Resolved::Site { site, prefix_len } => format!("{} {}", site.publication.slug, &path[prefix_len..]),
            Resolved::AddSlash => "add slash".into(),
            Resolved::Unknown => "unknown".into(),
        }
    }

    fn network(default: Option<&str>) -> Sites {
        Sites::new(
            vec![
                site(1, "en", "https://example.org"),
                site(2, "de", "https://example.org/de/"),
                site(3, "de-at", "https://example.org/de/at"),
                site(4, "es", "https://Example.NET:8443"),
                site(5, "fr", "https://only-prefixes.example/fr"),
            ],
            default,
        )
    }

    #[test]
    fn base_urls_give_host_and_prefix() {
        assert_eq!(host_and_root("https://Example.org:8443/de/"), ("example.org:8443".into(), "/de".into()));
        assert_eq!(host_and_root("https://example.org"), ("example.org".into(), String::new()));
        assert_eq!(host_and_root("https://example.org//a//b/"), ("example.org".into(), "/a/b".into()));
        assert_eq!(host_and_root("localhost"), ("localhost".into(), String::new()));
    }

    #[test]
    fn prefixes_match_whole_segments_longest_first() {
        let sites = network(None);
        assert_eq!(at(&sites, "example.org", "/"), "en /");
        assert_eq!(at(&sites, "example.org", "/de/"), "de /");
        assert_eq!(at(&sites, "example.org", "/de/x/"), "de /x/");
        assert_eq!(at(&sites, "example.org", "/de/at/x/"), "de-at /x/");
        assert_eq!(at(&sites, "example.org", "/de/atlas/"), "de /atlas/");
        assert_eq!(at(&sites, "example.org", "/design/"), "en /design/");
        assert_eq!(at(&sites, "example.org", "/de"), "add slash");
        assert_eq!(at(&sites, "example.org", "/de/at"), "add slash");
        assert_eq!(at(&sites, "EXAMPLE.org:443", "/de/"), "de /");
        assert_eq!(at(&sites, "example.net:8443", "/x/"), "es /x/");
        assert_eq!(at(&sites, "example.net", "/x/"), "unknown", "the port is part of this host's address");
    }

    #[test]
    fn unknown_addresses_get_the_default_or_nothing() {
        let sites = network(None);
        assert_eq!(at(&sites, "elsewhere.example", "/"), "unknown");
        assert_eq!(at(&sites, "only-prefixes.example", "/x/"), "unknown");
        assert_eq!(at(&sites, "only-prefixes.example", "/fr/x/"), "fr /x/");
        assert!(matches!(sites.resolve(None, "/"), Resolved::Unknown));
        let sites = network(Some("fr"));
        assert_eq!(at(&sites, "elsewhere.example", "/x/"), "fr /x/");
        assert_eq!(at(&sites, "elsewhere.example", "/fr/x/"), "fr /x/");
        assert_eq!(at(&sites, "only-prefixes.example", "/x/"), "fr /x/");
        assert_eq!(at(&sites, "example.org", "/x/"), "en /x/", "a known address keeps its publication");
        let sites = network(Some("no-such-slug"));
        assert_eq!(at(&sites, "elsewhere.example", "/"), "unknown");
    }

    #[test]
    fn one_publication_answers_everywhere() {
        let sites = Sites::new(vec![site(1, "de", "https://example.org/de")], None);
        assert_eq!(at(&sites, "anything.example", "/de/x/"), "de /x/");
        assert_eq!(at(&sites, "anything.example", "/x/"), "de /x/");
        assert_eq!(at(&sites, "example.org", "/de"), "add slash");
        assert_eq!(sites.list[0].root(), "/de");
        assert_eq!(sites.list[0].path("/search/"), "/de/search/");
    }
}
