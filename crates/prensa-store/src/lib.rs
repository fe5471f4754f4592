//! Storage for Prensa: one [`Store`] interface and its backends.
//!
//! All SQL of the project lives in this crate. The interface speaks only in
//! `prensa-core` types, so the web layer, the importer and the CLI are
//! generic over the backend: SQLite (the default, [`sqlite::SqliteStore`])
//! and PostgreSQL ([`postgres::PostgresStore`]), each with its own
//! migrations under `migrations/<backend>/`, run on open. [`AnyStore`]
//! picks the backend from the URL's scheme at run time, which is what the
//! CLI uses. Media files live in a content-addressed directory
//! ([`media::MediaDir`]) that is the same whatever the database.
//!
//! Sister publications: [`Store::apply_network`] writes several content
//! directories and their translation links in one transaction (links are
//! stored as links to the group's original, resolved against what the
//! database holds); `published_article` brings the article's visible
//! translations along, and [`Store::sister_articles`] /
//! [`Store::author_publications`] feed "From our sister sites" and "Also
//! writes for". Their SQL is written once for both backends in
//! `network_sql.rs`.
//!
//! Crawlers: [`SitemapSource`] reads what the sitemaps list (months with
//! visible articles, a month's articles with their translation groups, the
//! list pages with visible articles), written once in `sitemap_sql.rs`.

use std::future::Future;

use chrono::{DateTime, Utc};
use prensa_core::{
    Article, ArticleQuery, ArticleSummary, Author, Id, ImportCounts, ImportSet, MediaAsset, NetworkImport, Page,
    Publication, Section, SisterArticle, Snapshot, Tag,
};

pub mod any;
pub mod api_keys;
mod api_keys_sql;
mod article_write_sql;
pub mod content_api;
mod content_api_sql;
pub mod desk;
mod desk_sql;
pub mod editorial;
mod editorial_sql;
pub mod fields;
mod fields_sql;
pub mod foreign;
mod foreign_sql;
pub mod front;
mod front_sql;
mod import_sql;
pub mod library;
mod library_sql;
pub mod media;
mod migrations;
mod network_sql;
pub mod newsroom;
mod newsroom_sql;
pub mod postgres;
mod reader_sql;
pub mod search_source;
mod search_sql;
mod shared;
pub mod sitemap;
mod sitemap_sql;
mod snapshot_sql;
pub mod sqlite;
pub mod staffing;
mod staffing_sql;

pub use any::{redact_url, AnyStore};
pub use api_keys::{ApiKeys, CHANGE_API_KEYS};
pub use content_api::{ArticleFilter, ContentApi};
pub use desk::{Desk, PreviewLink};
pub use editorial::{Applied, ChangeKind, Editorial, FailedChange, ReviewNote, ScheduledChange, MAX_NOTE_CHARS};
pub use fields::ArticleFields;
pub use foreign::ForeignImports;
pub use front::{Brand, Front, FrontPin, CHANGE_HOME};
pub use library::MediaLibrary;
pub use media::{MediaDir, MediaStore};
pub use newsroom::{Newsroom, CHANGE_ALL};
pub use postgres::PostgresStore;
pub use search_source::{DocScope, SearchSource};
pub use sitemap::{SitemapArticle, SitemapListing, SitemapLists, SitemapMonth, SitemapRange, SitemapSource};
pub use sqlite::SqliteStore;
pub use staffing::{NewProfile, NotesWaiting, Staffing, TrashedArticle, PURGE_EVERY, TRASH_DAYS};

/// Errors of any backend. Backend-specific errors are boxed so that no
/// driver type leaks through the interface.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// The write refers to something that does not exist or breaks a rule
    /// (unknown author, duplicate slug …). Nothing was written.
    #[error("invalid write: {0}")]
    Invalid(String),
    /// A section cannot be deleted while articles (this many, any status,
    /// the trash included) are still in it. The admin words the message.
    #[error("{articles} article(s) still in the section")]
    SectionNotEmpty { articles: u64 },
    /// The URL names no backend this build has. Holds the URL with any
    /// password masked.
    #[error("unsupported database URL `{0}` (expected sqlite://PATH or postgres://USER@HOST[:PORT]/DATABASE)")]
    UnsupportedUrl(String),
    /// [`Store::import_snapshot`] was asked to fill a store that already
    /// holds content, without permission to replace it.
    #[error("the target database is not empty ({0}); nothing was written")]
    NotEmpty(String),
    // The driver's message goes into our own rather than being a `source`
    // too: error reports walk the chain, and would print it twice.
    #[error("database error: {0}")]
    Backend(Box<dyn std::error::Error + Send + Sync>),
    #[error("migration failed: {0}")]
    Migration(Box<dyn std::error::Error + Send + Sync>),
    #[error("media storage: {0}")]
    Media(#[from] std::io::Error),
    /// An import's article bodies could not be read back from where the
    /// importer spooled them ([`prensa_core::BodySource`]). Nothing was
    /// written.
    #[error("reading the import's article bodies: {0}")]
    Bodies(std::io::Error),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// What the rest of Prensa needs from a database.
///
/// "Published" below always means: status published and publish date not
/// after `now`; drafts and scheduled articles never come out of the
/// reader-facing methods.
/// Every backend also keeps articles' SEO and custom fields
/// ([`ArticleFields`]), which the article page reads.
pub trait Store: Clone + Send + Sync + 'static + ArticleFields + ForeignImports {
    /// All publications, in slug order.
    fn publications(&self) -> impl Future<Output = Result<Vec<Publication>>> + Send;

    /// The publication's sections in display order.
    fn sections(&self, publication: Id) -> impl Future<Output = Result<Vec<Section>>> + Send;

    fn section_by_slug(&self, publication: Id, slug: &str) -> impl Future<Output = Result<Option<Section>>> + Send;

    fn tag_by_slug(&self, publication: Id, slug: &str) -> impl Future<Output = Result<Option<Tag>>> + Send;

    /// An author who writes for this publication, with the bio in the
    /// publication's language when they have one (else `authors.bio`).
    fn author_by_slug(&self, publication: Id, slug: &str) -> impl Future<Output = Result<Option<Author>>> + Send;

    /// A published article, complete with authors, section and tags.
    fn published_article(
        &self,
        publication: Id,
        slug: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<Option<Article>>> + Send;

    /// Published articles matching `query`, newest first.
    fn published_articles(
        &self,
        publication: Id,
        query: &ArticleQuery,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<Page<ArticleSummary>>> + Send;

    /// The earliest moment after `now` the site changes by itself: a
    /// scheduled article's publish date or a front-page pin's expiry.
    fn next_scheduled(&self, now: DateTime<Utc>) -> impl Future<Output = Result<Option<DateTime<Utc>>>> + Send;

    /// A number that changes whenever content changes (in any process).
    fn content_version(&self) -> impl Future<Output = Result<i64>> + Send;

    fn media(&self, key: &str) -> impl Future<Output = Result<Option<MediaAsset>>> + Send;

    /// The media rows of `keys` that exist, in one query (an article body's
    /// images: their sizes for `width`, `height` and `srcset`), in no
    /// particular order.
    fn media_many(&self, keys: &[String]) -> impl Future<Output = Result<Vec<MediaAsset>>> + Send;

    /// Writes a whole content directory in one transaction: upserts by slug,
    /// and with `prune` removes the publication's articles, sections and tags
    /// that `set` does not contain. On any error nothing is written.
    /// Translation links are left as they are: see [`Store::apply_network`].
    fn apply_import(&self, set: &ImportSet, prune: bool) -> impl Future<Output = Result<ImportCounts>> + Send;

    /// Writes several content directories and the translation links
    /// between their articles in one transaction (`prensa import dir ./en
    /// ./de`): each set as [`Store::apply_import`] does, in order, then the
    /// links. Every article of the sets keeps only the link `import` gives
    /// it; a link to an article of the database that is a translation is
    /// stored as a link to its original. A link that cannot be written (no
    /// publication in that language, no such article, one language twice in
    /// a group) is [`StoreError::Invalid`] starting with the link's
    /// `file:line`, and nothing is written. Counts are per set.
    fn apply_network(
        &self,
        import: &NetworkImport,
        prune: bool,
    ) -> impl Future<Output = Result<Vec<ImportCounts>>> + Send {
        self.apply_network_from(import, prune, &prensa_core::InMemory)
    }

    /// [`Store::apply_network`] reading the articles' bodies from `bodies`
    /// a batch at a time (`prensa import dir` spools them to disk, so a
    /// 100,000-article archive is not held in memory).
    fn apply_network_from(
        &self,
        import: &NetworkImport,
        prune: bool,
        bodies: &dyn prensa_core::BodySource,
    ) -> impl Future<Output = Result<Vec<ImportCounts>>> + Send;

    /// The latest `limit` published articles of every other publication,
    /// newest first ("From our sister sites").
    fn sister_articles(
        &self,
        publication: Id,
        limit: u32,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<Vec<SisterArticle>>> + Send;

    /// The publications an author writes for, by id.
    fn author_publications(&self, author: Id) -> impl Future<Output = Result<Vec<Id>>> + Send;

    /// Every row of the store in one consistent read, for copying the whole
    /// database elsewhere (`prensa migrate-store`): content and newsroom
    /// alike, but not sessions, single-use links, sign-in failures or the
    /// change feed.
    fn export_all(&self) -> impl Future<Output = Result<Snapshot>> + Send;

    /// Writes `snapshot` as the store's entire content, ids included, in one
    /// transaction, and bumps the content version. A store that already
    /// holds a publication, author, media row or staff account is refused
    /// ([`StoreError::NotEmpty`]) unless `replace`, which deletes all of it
    /// (sessions and links too) first. On PostgreSQL each identity moves
    /// past the largest id written. On any error nothing is written.
    fn import_snapshot(&self, snapshot: &Snapshot, replace: bool) -> impl Future<Output = Result<()>> + Send;

    /// The home page's live pins in order (the first is the lead):
    /// published, already out and not expired (see [`Front`]).
    fn home_pins(
        &self,
        publication: Id,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<Vec<ArticleSummary>>> + Send;

    /// Every publication's logo and favicon, for those that chose one.
    fn brands(&self) -> impl Future<Output = Result<Vec<Brand>>> + Send;

    /// The connection pool right now, for `/metrics`.
    fn pool_stats(&self) -> PoolStats;
}

/// A snapshot of a store's connection pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStats {
    /// Connections open (idle or in use).
    pub open: u32,
    /// Of those, waiting in the pool for a caller.
    pub idle: u32,
    /// The most the pool will open.
    pub max: u32,
}
