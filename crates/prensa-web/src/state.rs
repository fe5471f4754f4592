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
use prensa_store::{MediaStore, Newsroom, Store, CHANGE_ALL};

use crate::admin::Admin;
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
}

/// All publications, with a host-name index.
#[derive(Debug, Default)]
pub struct Sites {
    pub list: Vec<Arc<Site>>,
    by_host: HashMap<String, usize>,
}

impl Sites {
    /// The publication serving `host` (a `Host` header value): exact
    /// host:port first, then the host without port, then — when the
    /// database holds a single publication — that one.
    pub fn for_host(&self, host: Option<&str>) -> Option<&Arc<Site>> {
        if let Some(host) = host {
            let host = host.trim().to_ascii_lowercase();
            if let Some(&i) = self.by_host.get(&host) {
                return self.list.get(i);
            }
            let bare = host.rsplit_once(':').map_or(host.as_str(), |(h, _)| h);
            if let Some(&i) = self.by_host.get(bare) {
                return self.list.get(i);
            }
        }
        match self.list.as_slice() {
            [only] => Some(only),
            _ => None,
        }
    }

    pub fn by_id(&self, id: Id) -> Option<&Arc<Site>> {
        self.list.iter().find(|s| s.publication.id == id)
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
        }
    }
}

pub struct AppState<S: Store> {
    pub store: S,
    pub media: MediaStore,
    pub theme: Theme,
    pub cache: PageCache,
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
    /// Set by [`AppState::start_draining`]; see [`AppState::is_draining`].
    draining: AtomicBool,
    /// The content version up to which this process has applied the
    /// store's change feed to its page cache.
    seen_version: tokio::sync::Mutex<Option<i64>>,
    sites: RwLock<Arc<Sites>>,
}

/// The name of the form-signing secret in the store's `server_secrets`.
const FORM_KEY_NAME: &str = "form-signing";

impl<S: Newsroom> AppState<S> {
    /// Reads the publications, the form-signing secret (made on the first
    /// start) and builds the search index from the store (before the first
    /// request, so every node answers searches alike from its start).
    pub async fn new(store: S, media: impl Into<MediaStore>, config: WebConfig) -> Result<Arc<AppState<S>>, AppError> {
        let theme = Theme::new().map_err(|e| AppError::Internal(e.to_string()))?;
        let media_limits = prensa_media::Limits { max_bytes: config.max_upload_bytes, ..prensa_media::Limits::default() };
        let admin = Admin::new().map_err(|e| AppError::Internal(format!("admin templates: {e:#}")))?;
        let secret = store.server_secret(FORM_KEY_NAME, &prensa_auth::new_token().secret).await?;
        let passwords = crate::admin::passwords::PasswordWork::new(config.password_hashers);
        let state = Arc::new(AppState {
            store,
            media: media.into(),
            theme,
            cache: PageCache::default(),
            config,
            metrics: HttpMetrics::default(),
            admin,
            search: SearchIndex::new(),
            media_limits,
            passwords,
            form_key: prensa_auth::FormKey::new(&secret),
            draining: AtomicBool::new(false),
            seen_version: tokio::sync::Mutex::new(None),
            sites: RwLock::new(Arc::new(Sites::default())),
        });
        state.reload_sites().await?;
        state.rebuild_search().await?;
        Ok(state)
    }

    /// Builds the search index anew from the store.
    pub async fn rebuild_search(&self) -> Result<(), AppError> {
        let started = std::time::Instant::now();
        let done = self.search.rebuild(&self.store, |_| {}).await.map_err(|e| AppError::Internal(e.to_string()))?;
        tracing::info!(articles = done.added, ms = started.elapsed().as_millis() as u64, "search index built");
        Ok(())
    }
}

impl<S: Store> AppState<S> {
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
        let mut sites = Sites::default();
        for publication in self.store.publications().await? {
            let sections = self.store.sections(publication.id).await?;
            let locale = i18n::locale(&publication.language);
            let view = SiteView {
                name: publication.name.clone(),
                tagline: publication.tagline.clone(),
                language: publication.language.clone(),
                base_url: publication.base_url.trim_end_matches('/').to_owned(),
                sections: sections
                    .iter()
                    .map(|s| LinkView { name: s.name.clone(), url: views::section_path(&s.slug, 1) })
                    .collect(),
                social: views::social(&publication.social),
                css_url: self.theme.css_url().to_owned(),
                year: Utc::now().year(),
            };
            let index = sites.list.len();
            sites.by_host.entry(publication.host().to_ascii_lowercase()).or_insert(index);
            sites.list.push(Arc::new(Site { strings: theme::strings_map(locale), publication, sections, locale, view }));
        }
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
        Ok(())
    }
}

impl<S: Newsroom> AppState<S> {
    /// Applies the store's change feed to the page cache: every write since
    /// the last call (made by this process or any other) purges the pages
    /// showing what it touched; a write of unknown reach (an import) purges
    /// everything. Called after this process's own writes, so the writer
    /// sees the result at once, and by the watcher for everyone else's. The
    /// first call only notes where the feed stands.
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
        for change in &changes {
            for key in &change.keys {
                if key == CHANGE_ALL {
                    everything = true;
                } else if let Some(k) = SurrogateKey::parse(key) {
                    if let SurrogateKey::Article(id) = k {
                        articles.push(id);
                    }
                    keys.push(k);
                }
            }
        }
        *seen = Some(last.version);
        if everything {
            if let Err(e) = self.content_changed().await {
                tracing::warn!(error = %e, "reloading after a content change failed");
            }
            // Renames of sections, authors and tags come this way too
            // (they show in many articles' index entries).
            if let Err(e) = self.rebuild_search().await {
                tracing::warn!(error = %e, "rebuilding the search index failed");
            }
        } else if !keys.is_empty() {
            let purged = self.cache.purge(&keys);
            tracing::debug!(purged, keys = keys.len(), "page cache purged by key");
            articles.sort_unstable();
            articles.dedup();
            match self.search.refresh(&self.store, &articles).await {
                Ok(done) => tracing::debug!(added = done.added, removed = done.removed, "search index refreshed"),
                Err(e) => tracing::warn!(error = %e, "refreshing the search index failed"),
            }
        }
    }
}
