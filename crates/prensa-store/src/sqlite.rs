//! The SQLite backend: one file, WAL mode, migrations run on open.

use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use prensa_core::{
    Article, ArticleQuery, ArticleSummary, Author, Id, ImportCounts, ImportSet, MediaAsset, NetworkImport, Page,
    Publication, Section, SisterArticle, Snapshot, Tag,
};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{SqliteConnection, SqlitePool};

use crate::shared::{article_from, backend, media_from, migration};
use crate::{migrations, Result, Store, StoreError};

crate::newsroom_sql::newsroom_impl!(
    SqliteStore,
    sqlx::SqliteConnection,
    crate::newsroom_sql::plain,
    // A deferred transaction that reads first may fail to become the
    // writer later (SQLITE_BUSY_SNAPSHOT); a no-op write takes the lock.
    Some("UPDATE content_version SET version = version WHERE id = 1")
);
crate::article_write_sql::article_write_impl!(sqlx::SqliteConnection, crate::newsroom_sql::plain);
crate::snapshot_sql::snapshot_impl!(sqlx::SqliteConnection, crate::newsroom_sql::plain, "?", "social");
crate::editorial_sql::editorial_impl!(SqliteStore, sqlx::SqliteConnection, crate::newsroom_sql::plain, "");

crate::search_sql::search_impl!(SqliteStore, crate::newsroom_sql::plain);
crate::content_api_sql::content_api_impl!(SqliteStore, crate::newsroom_sql::plain);
crate::sitemap_sql::sitemap_impl!(
    SqliteStore,
    crate::newsroom_sql::plain,
    "strftime('%Y-%m', a.published_at, 'unixepoch')"
);
crate::network_sql::network_impl!(sqlx::SqliteConnection, crate::newsroom_sql::plain, "?");
crate::desk_sql::desk_impl!(SqliteStore, sqlx::SqliteConnection, crate::newsroom_sql::plain, "?");
crate::api_keys_sql::api_keys_impl!(SqliteStore, sqlx::SqliteConnection, crate::newsroom_sql::plain);
crate::library_sql::library_impl!(SqliteStore, sqlx::SqliteConnection, crate::newsroom_sql::plain);
crate::staffing_sql::staffing_impl!(SqliteStore, sqlx::SqliteConnection, crate::newsroom_sql::plain, "?");
crate::fields_sql::fields_impl!(SqliteStore, sqlx::SqliteConnection, crate::newsroom_sql::plain);
crate::front_sql::front_impl!(SqliteStore, sqlx::SqliteConnection, crate::newsroom_sql::plain);
crate::reader_sql::reader_impl!(SqliteStore, crate::newsroom_sql::plain);
crate::import_sql::import_impl!(sqlx::SqliteConnection, crate::newsroom_sql::plain, "?");
crate::foreign_sql::foreign_impl!(SqliteStore, sqlx::SqliteConnection, crate::newsroom_sql::plain);

/// A SQLite database opened as a connection pool.
#[derive(Clone, Debug)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Statistics for the planner after an import, as PostgreSQL's
    /// `VACUUM (ANALYZE)`: without them SQLite guesses that an equality on
    /// an index's first two columns is the most selective, and the
    /// newsroom's list filtered by section counted a publication's whole
    /// list through `articles_by_updated` (108 ms at 20,000 articles)
    /// instead of the section's 2,000 through `articles_by_section`.
    /// ~0.1 s at 100,000 articles. Best effort: the data is committed.
    async fn analyze(&self) {
        if let Err(e) = sqlx::query("ANALYZE").execute(&self.pool).await {
            tracing::warn!(error = %e, "ANALYZE after import failed");
        }
    }

    /// Opens (creating if missing) the database at `url` (`sqlite://PATH`,
    /// `sqlite::memory:`) and brings its schema up to date.
    pub async fn open(url: &str) -> Result<SqliteStore> {
        if !url.starts_with("sqlite:") {
            return Err(StoreError::UnsupportedUrl(crate::redact_url(url)));
        }
        let memory = url.contains(":memory:");
        let options = SqliteConnectOptions::from_str(url)
            .map_err(backend)?
            .create_if_missing(true)
            // WAL lets readers go on while a write commits; NORMAL sync is
            // durable across process crashes (the WAL is in the OS before
            // COMMIT returns), which is the failure a web server sees.
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        if !memory {
            // Create the file, switch it to WAL and migrate it on one
            // connection before any pool exists: with several connections
            // opening at once on a fresh file, one switching the journal
            // mode while another migrates gets SQLITE_BUSY at once (no busy
            // wait applies to that), which made a first open fail now and
            // then.
            let mut conn = <SqliteConnection as sqlx::Connection>::connect_with(&options).await.map_err(backend)?;
            sqlx::migrate::Migrator::new(migrations::SQLITE)
                .await
                .map_err(migration)?
                .run(&mut conn)
                .await
                .map_err(migration)?;
            sqlx::Connection::close(conn).await.map_err(backend)?;
        }
        let pool = SqlitePoolOptions::new()
            // An in-memory database exists once per connection: keep one.
            .max_connections(if memory { 1 } else { 8 })
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options)
            .await
            .map_err(backend)?;
        sqlx::migrate::Migrator::new(migrations::SQLITE)
            .await
            .map_err(migration)?
            .run(&pool)
            .await
            .map_err(migration)?;
        let mut conn = pool.acquire().await.map_err(backend)?;
        desk_gen::digest_legacy_preview_tokens(&mut conn).await?;
        drop(conn);
        Ok(SqliteStore { pool })
    }

    /// Runs SQLite's own consistency check; `Ok(())` when it says "ok".
    pub async fn integrity_check(&self) -> Result<()> {
        let rows: Vec<String> =
            sqlx::query_scalar("PRAGMA integrity_check").fetch_all(&self.pool).await.map_err(backend)?;
        if rows.len() == 1 && rows[0] == "ok" {
            Ok(())
        } else {
            Err(StoreError::Invalid(rows.join("; ")))
        }
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

const PUBLICATION_COLUMNS: &str =
    "id, slug, name, tagline, language, base_url, timezone, social, more_from_section, most_recent, page_size, from_sister_sites, \
     feed_content, api_cors_origins";

const AUTHOR_COLUMNS: &str = "au.id, au.slug, au.name, au.bio, au.avatar, m.width, m.height, au.social";

/// The visibility rule of `prensa_core::effective_status`, in SQL.
const VISIBLE: &str = "a.status = 'published' AND a.published_at <= ?";

// One statement per page element: the article with its authors and tags
// aggregated as JSON, and each list with its bylines and total count. A
// round trip through the SQLite worker costs tens of microseconds, so
// these aggregates are what keep an uncached render well under a
// millisecond. (`json_group_array(… ORDER BY …)` needs SQLite 3.44; the
// bundled library is newer.)
const ARTICLE_AUTHORS_JSON: &str = "(SELECT json_group_array(json_object('id', au.id, 'slug', au.slug, 'name', au.name, \
     'bio', COALESCE((SELECT ab.bio FROM author_bios ab JOIN publications bp ON bp.language = ab.language \
                      WHERE ab.author_id = au.id AND bp.id = a.publication_id), au.bio), 'avatar', au.avatar, 'width', am.width, 'height', am.height, 'social', json(au.social)) ORDER BY aa.position) \
     FROM article_authors aa JOIN authors au ON au.id = aa.author_id LEFT JOIN media am ON am.key = au.avatar \
     WHERE aa.article_id = a.id)";
// The other visible articles of the article's translation group: its
// original (itself, or the one its `translations` row names) and every
// translation of that original. `now` is the statement's first parameter.
const ARTICLE_TRANSLATIONS_JSON: &str = "(SELECT json_group_array(json_object('article', o.id, 'publication', op.id, \
     'language', op.language, 'base_url', op.base_url, 'slug', o.slug, \
     'original', CASE WHEN o.id = g.original THEN json('true') ELSE json('false') END) ORDER BY op.language, op.id) \
     FROM (SELECT COALESCE((SELECT t.original_id FROM translations t WHERE t.article_id = a.id), a.id) AS member, COALESCE((SELECT t.original_id FROM translations t WHERE t.article_id = a.id), a.id) AS original \
           UNION SELECT t2.article_id, t2.original_id FROM translations t2 \
           WHERE t2.original_id = COALESCE((SELECT t.original_id FROM translations t WHERE t.article_id = a.id), a.id)) g \
     JOIN articles o ON o.id = g.member \
     JOIN publications op ON op.id = o.publication_id \
     WHERE o.id <> a.id AND o.status = 'published' AND o.published_at <= ?)";
const ARTICLE_TAGS_JSON: &str =
    "(SELECT json_group_array(json_object('id', t.id, 'slug', t.slug, 'name', t.name) ORDER BY at.position) \
     FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE at.article_id = a.id)";
const BYLINE_JSON: &str = "(SELECT json_group_array(json_array(au.slug, au.name) ORDER BY aa.position) \
     FROM article_authors aa JOIN authors au ON au.id = aa.author_id WHERE aa.article_id = a.id)";

impl Store for SqliteStore {
    async fn publications(&self) -> Result<Vec<Publication>> {
        reader_gen::publications(self).await
    }

    async fn sections(&self, publication: Id) -> Result<Vec<Section>> {
        reader_gen::sections(self, publication).await
    }

    async fn section_by_slug(&self, publication: Id, slug: &str) -> Result<Option<Section>> {
        reader_gen::section_by_slug(self, publication, slug).await
    }

    async fn tag_by_slug(&self, publication: Id, slug: &str) -> Result<Option<Tag>> {
        reader_gen::tag_by_slug(self, publication, slug).await
    }

    async fn author_by_slug(&self, publication: Id, slug: &str) -> Result<Option<Author>> {
        reader_gen::author_by_slug(self, publication, slug).await
    }

    async fn published_article(&self, publication: Id, slug: &str, now: DateTime<Utc>) -> Result<Option<Article>> {
        let sql = format!(
            "SELECT a.id, a.slug, a.headline, a.standfirst, a.body, a.toc, \
                    a.image_key, m.width, m.height, a.image_alt, a.image_caption, \
                    a.status, a.published_at, a.published_offset, a.updated_at, a.updated_offset, a.translation_group, \
                    s.id, s.slug, s.name, s.description, {ARTICLE_AUTHORS_JSON}, {ARTICLE_TAGS_JSON}, \
                    {ARTICLE_TRANSLATIONS_JSON} \
             FROM articles a JOIN sections s ON s.id = a.section_id LEFT JOIN media m ON m.key = a.image_key \
             WHERE a.publication_id = ? AND a.slug = ? AND {VISIBLE}"
        );
        let Some(row) = sqlx::query(&sql)
            .bind(now.timestamp())
            .bind(publication)
            .bind(slug)
            .bind(now.timestamp())
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?
        else {
            return Ok(None);
        };
        Ok(Some(article_from(&row)?))
    }

    async fn published_articles(
        &self,
        publication: Id,
        query: &ArticleQuery,
        now: DateTime<Utc>,
    ) -> Result<Page<ArticleSummary>> {
        reader_gen::published_articles(self, publication, query, now).await
    }

    async fn next_scheduled(&self, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>> {
        reader_gen::next_scheduled(self, now).await
    }

    async fn content_version(&self) -> Result<i64> {
        reader_gen::content_version(self).await
    }

    async fn media(&self, key: &str) -> Result<Option<MediaAsset>> {
        reader_gen::media(self, key).await
    }

    async fn media_many(&self, keys: &[String]) -> Result<Vec<MediaAsset>> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        // One statement whatever the count: the keys as a JSON array.
        let keys = serde_json::to_string(keys).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let rows = sqlx::query(
            "SELECT key, content_type, width, height, bytes FROM media WHERE key IN (SELECT value FROM json_each(?))",
        )
        .bind(keys)
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        rows.iter().map(media_from).collect()
    }

    async fn apply_import(&self, set: &ImportSet, prune: bool) -> Result<ImportCounts> {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        // Writer from the start: a deferred transaction that reads first
        // fails outright (SQLITE_BUSY_SNAPSHOT, no busy wait) if another
        // process commits before its first write, e.g. a server saving an
        // article or running a scheduled change while the import runs.
        sqlx::query("UPDATE content_version SET version = version WHERE id = 1")
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        let counts = import_gen::import_in(&mut tx, set, prune, (&prensa_core::InMemory, 0)).await?;
        tx.commit().await.map_err(backend)?;
        self.analyze().await;
        Ok(counts)
    }

    async fn apply_network_from(
        &self,
        import: &NetworkImport,
        prune: bool,
        bodies: &dyn prensa_core::BodySource,
    ) -> Result<Vec<ImportCounts>> {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        // Writer from the start, as in `apply_import`.
        sqlx::query("UPDATE content_version SET version = version WHERE id = 1")
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        let mut counts = Vec::with_capacity(import.sets.len());
        for (i, set) in import.sets.iter().enumerate() {
            counts.push(import_gen::import_in(&mut tx, set, prune, (bodies, i)).await?);
        }
        network_gen::link(&mut tx, import).await?;
        tx.commit().await.map_err(backend)?;
        self.analyze().await;
        Ok(counts)
    }

    async fn sister_articles(&self, publication: Id, limit: u32, now: DateTime<Utc>) -> Result<Vec<SisterArticle>> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let mut conn = self.pool.acquire().await.map_err(backend)?;
        network_gen::sister_articles(&mut conn, publication, limit, now).await
    }

    async fn home_pins(&self, publication: Id, now: DateTime<Utc>) -> Result<Vec<ArticleSummary>> {
        let mut conn = self.pool.acquire().await.map_err(backend)?;
        front_gen::home_pins(&mut conn, publication, now).await
    }

    async fn brands(&self) -> Result<Vec<crate::Brand>> {
        let mut conn = self.pool.acquire().await.map_err(backend)?;
        front_gen::brands(&mut conn).await
    }

    async fn author_publications(&self, author: Id) -> Result<Vec<Id>> {
        let mut conn = self.pool.acquire().await.map_err(backend)?;
        network_gen::author_publications(&mut conn, author).await
    }

    async fn export_all(&self) -> Result<Snapshot> {
        // One transaction: in WAL mode its first read pins a snapshot, so
        // an import committing meanwhile cannot tear the copy.
        let mut tx = self.pool.begin().await.map_err(backend)?;
        let conn = &mut *tx;
        let snapshot = snapshot_gen::snapshot_out(&mut *conn).await?;
        tx.rollback().await.map_err(backend)?;
        Ok(snapshot)
    }

    fn pool_stats(&self) -> crate::PoolStats {
        crate::PoolStats {
            open: self.pool.size(),
            idle: u32::try_from(self.pool.num_idle()).unwrap_or(u32::MAX),
            max: self.pool.options().get_max_connections(),
        }
    }

    async fn import_snapshot(&self, snapshot: &Snapshot, replace: bool) -> Result<()> {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        // Write first: a deferred SQLite transaction that starts with a read
        // cannot always upgrade to a writer (SQLITE_BUSY_SNAPSHOT when
        // another connection committed in between); starting with the
        // version bump makes it a writer from its first statement.
        newsroom_gen::record_change_all(&mut tx).await?;
        snapshot_gen::snapshot_in(&mut tx, snapshot, replace).await?;
        tx.commit().await.map_err(backend)?;
        Ok(())
    }
}
