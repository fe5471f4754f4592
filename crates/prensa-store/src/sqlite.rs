//! The SQLite backend: one file, WAL mode, migrations run on open.

use std::collections::HashMap;
use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use prensa_core::{
    slug, Article, ArticleAuthorRow, ArticleQuery, ArticleSummary, ArticleTagRow, Author, Id, ImportCounts, ImportSet,
    MediaAsset, MediaRow, NetworkImport, Page, Publication, PublicationAuthorRow, Section, SisterArticle, Snapshot, Status,
    Tag,
};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, SqliteConnection, SqlitePool};

use crate::shared::{
    and_not_in, article_from, article_row, author_from, author_row, backend, i64_of, media_from, media_row, migration,
    publication_from, section_from, section_row, social_to_json, summary_from, tag_from, tag_row, to_parts, u64_of,
    ARTICLE_ROW_COLUMNS, EPHEMERAL_TABLES, MEDIA_ROW_COLUMNS, TABLES,
};
use crate::{migrations, Result, Store, StoreError};

crate::newsroom_sql::newsroom_impl!(
    SqliteStore,
    sqlx::SqliteConnection,
    crate::newsroom_sql::plain,
    // A deferred transaction that reads first may fail to become the
    // writer later (SQLITE_BUSY_SNAPSHOT); a no-op write takes the lock.
    Some("UPDATE content_version SET version = version WHERE id = 1")
);
crate::snapshot_sql::snapshot_impl!(sqlx::SqliteConnection, crate::newsroom_sql::plain);
crate::editorial_sql::editorial_impl!(SqliteStore, sqlx::SqliteConnection, crate::newsroom_sql::plain, "");

crate::search_sql::search_impl!(SqliteStore, crate::newsroom_sql::plain);
crate::content_api_sql::content_api_impl!(SqliteStore, crate::newsroom_sql::plain);
crate::sitemap_sql::sitemap_impl!(SqliteStore, crate::newsroom_sql::plain, "strftime('%Y-%m', a.published_at, 'unixepoch')");
crate::network_sql::network_impl!(sqlx::SqliteConnection, crate::newsroom_sql::plain, "?");
crate::desk_sql::desk_impl!(SqliteStore, sqlx::SqliteConnection, crate::newsroom_sql::plain, "?");
crate::api_keys_sql::api_keys_impl!(SqliteStore, sqlx::SqliteConnection, crate::newsroom_sql::plain);
crate::library_sql::library_impl!(SqliteStore, sqlx::SqliteConnection, crate::newsroom_sql::plain);
crate::staffing_sql::staffing_impl!(SqliteStore, sqlx::SqliteConnection, crate::newsroom_sql::plain, "?");
crate::fields_sql::fields_impl!(SqliteStore, sqlx::SqliteConnection, crate::newsroom_sql::plain);
crate::front_sql::front_impl!(SqliteStore, sqlx::SqliteConnection, crate::newsroom_sql::plain);
crate::foreign_sql::foreign_impl!(SqliteStore, sqlx::SqliteConnection, crate::newsroom_sql::plain);

/// A SQLite database opened as a connection pool.
#[derive(Clone, Debug)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
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
        sqlx::migrate::Migrator::new(migrations::SQLITE).await.map_err(migration)?.run(&pool).await.map_err(migration)?;
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
     FROM (SELECT COALESCE((SELECT t.original_id FROM translations t WHERE t.article_id = a.id), a.id) AS original) g \
     JOIN articles o ON o.id = g.original OR o.id IN (SELECT t2.article_id FROM translations t2 WHERE t2.original_id = g.original) \
     JOIN publications op ON op.id = o.publication_id \
     WHERE o.id <> a.id AND o.status = 'published' AND o.published_at <= ?)";
const ARTICLE_TAGS_JSON: &str = "(SELECT json_group_array(json_object('id', t.id, 'slug', t.slug, 'name', t.name) ORDER BY at.position) \
     FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE at.article_id = a.id)";
const BYLINE_JSON: &str = "(SELECT json_group_array(json_array(au.slug, au.name) ORDER BY aa.position) \
     FROM article_authors aa JOIN authors au ON au.id = aa.author_id WHERE aa.article_id = a.id)";

impl Store for SqliteStore {
    async fn publications(&self) -> Result<Vec<Publication>> {
        let sql = format!("SELECT {PUBLICATION_COLUMNS} FROM publications ORDER BY slug");
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await.map_err(backend)?;
        rows.iter().map(publication_from).collect()
    }

    async fn sections(&self, publication: Id) -> Result<Vec<Section>> {
        let rows = sqlx::query(
            "SELECT id, slug, name, description FROM sections WHERE publication_id = ? ORDER BY position, slug",
        )
        .bind(publication)
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        rows.iter().map(|r| section_from(r, 0)).collect()
    }

    async fn section_by_slug(&self, publication: Id, slug: &str) -> Result<Option<Section>> {
        let row = sqlx::query("SELECT id, slug, name, description FROM sections WHERE publication_id = ? AND slug = ?")
            .bind(publication)
            .bind(slug)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?;
        row.map(|r| section_from(&r, 0)).transpose()
    }

    async fn tag_by_slug(&self, publication: Id, slug: &str) -> Result<Option<Tag>> {
        let row = sqlx::query("SELECT id, slug, name FROM tags WHERE publication_id = ? AND slug = ?")
            .bind(publication)
            .bind(slug)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?;
        row.map(|r| tag_from(&r)).transpose()
    }

    async fn author_by_slug(&self, publication: Id, slug: &str) -> Result<Option<Author>> {
        // The bio in the publication's language where there is one.
        let columns = AUTHOR_COLUMNS.replace(
            "au.bio",
            "COALESCE((SELECT ab.bio FROM author_bios ab JOIN publications bp ON bp.language = ab.language \
                       WHERE ab.author_id = au.id AND bp.id = pa.publication_id), au.bio)",
        );
        let sql = format!(
            "SELECT {columns} FROM authors au JOIN publication_authors pa ON pa.author_id = au.id \
             LEFT JOIN media m ON m.key = au.avatar WHERE pa.publication_id = ? AND au.slug = ?"
        );
        let row = sqlx::query(&sql).bind(publication).bind(slug).fetch_optional(&self.pool).await.map_err(backend)?;
        row.map(|r| author_from(&r)).transpose()
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
        // Only the filters in use go into the SQL, so every statement is a
        // plain indexed lookup (and needs no typed NULL tricks that differ
        // between SQLite and PostgreSQL).
        let mut filter = format!("a.publication_id = ? AND {VISIBLE}");
        let mut binds: Vec<i64> = vec![publication, now.timestamp()];
        if let Some(section) = query.section {
            filter.push_str(" AND a.section_id = ?");
            binds.push(section);
        }
        if let Some(author) = query.author {
            filter.push_str(" AND EXISTS (SELECT 1 FROM article_authors f WHERE f.article_id = a.id AND f.author_id = ?)");
            binds.push(author);
        }
        if let Some(tag) = query.tag {
            filter.push_str(" AND EXISTS (SELECT 1 FROM article_tags f WHERE f.article_id = a.id AND f.tag_id = ?)");
            binds.push(tag);
        }
        if let Some(exclude) = query.exclude {
            filter.push_str(" AND a.id <> ?");
            binds.push(exclude);
        }
        if query.limit == 0 {
            let count_sql = format!("SELECT COUNT(*) FROM articles a WHERE {filter}");
            let mut count = sqlx::query_scalar::<_, i64>(&count_sql);
            for b in &binds {
                count = count.bind(*b);
            }
            let total = u64_of(count.fetch_one(&self.pool).await.map_err(backend)?);
            return Ok(Page { items: Vec::new(), total });
        }
        // The window count rides along with every row. A page past the end
        // has no rows and so reports a total of 0, which callers treat as
        // "no such page" anyway.
        let list_sql = if query.with_total {
            // The window count rides along with every row; bylines are
            // aggregated in the outer query, so only for the page's rows.
            // A page past the end has no rows and so a total of 0, which
            // callers treat as "no such page" anyway.
            format!(
                "SELECT a.id, a.slug, a.headline, a.standfirst, a.image_key, m.width, m.height, a.image_alt, a.image_caption, \
                        a.published_at, a.published_offset, s.slug, s.name, {BYLINE_JSON}, a.total \
                 FROM (SELECT a.id, a.slug, a.headline, a.standfirst, a.image_key, a.image_alt, a.image_caption, \
                              a.published_at, a.published_offset, a.section_id, COUNT(*) OVER () AS total \
                       FROM articles a WHERE {filter} \
                       ORDER BY a.published_at DESC, a.id DESC LIMIT ? OFFSET ?) a \
                 JOIN sections s ON s.id = a.section_id LEFT JOIN media m ON m.key = a.image_key \
                 ORDER BY a.published_at DESC, a.id DESC"
            )
        } else {
            format!(
                "SELECT a.id, a.slug, a.headline, a.standfirst, a.image_key, m.width, m.height, a.image_alt, a.image_caption, \
                        a.published_at, a.published_offset, s.slug, s.name, {BYLINE_JSON}, 0 \
                 FROM articles a JOIN sections s ON s.id = a.section_id LEFT JOIN media m ON m.key = a.image_key \
                 WHERE {filter} ORDER BY a.published_at DESC, a.id DESC LIMIT ? OFFSET ?"
            )
        };
        let mut list = sqlx::query(&list_sql);
        for b in &binds {
            list = list.bind(*b);
        }
        let rows = list
            .bind(i64::from(query.limit))
            .bind(i64::from(query.offset))
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?;
        let total = match rows.first() {
            Some(r) if query.with_total => u64_of(r.try_get(14).map_err(backend)?),
            _ => rows.len() as u64,
        };
        let items = rows.iter().map(summary_from).collect::<Result<Vec<_>>>()?;
        Ok(Page { items, total })
    }

    async fn next_scheduled(&self, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>> {
        let next: Option<i64> =
            sqlx::query_scalar("SELECT MIN(published_at) FROM articles WHERE status = 'published' AND published_at > ?")
                .bind(now.timestamp())
                .fetch_one(&self.pool)
                .await
                .map_err(backend)?;
        // A pin that expires changes the home page by itself too.
        let mut conn = self.pool.acquire().await.map_err(backend)?;
        let expiry = front_gen::next_expiry(&mut conn, now).await?;
        let next = match (next, expiry) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        Ok(next.and_then(|s| DateTime::from_timestamp(s, 0)))
    }

    async fn content_version(&self) -> Result<i64> {
        sqlx::query_scalar("SELECT version FROM content_version WHERE id = 1")
            .fetch_one(&self.pool)
            .await
            .map_err(backend)
    }

    async fn media(&self, key: &str) -> Result<Option<MediaAsset>> {
        let row = sqlx::query("SELECT key, content_type, width, height, bytes FROM media WHERE key = ?")
            .bind(key)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?;
        row.map(|r| media_from(&r))
        .transpose()
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
        let counts = import_in(&mut tx, set, prune).await?;
        tx.commit().await.map_err(backend)?;
        Ok(counts)
    }

    async fn apply_network(&self, import: &NetworkImport, prune: bool) -> Result<Vec<ImportCounts>> {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        // Writer from the start, as in `apply_import`.
        sqlx::query("UPDATE content_version SET version = version WHERE id = 1")
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        let mut counts = Vec::with_capacity(import.sets.len());
        for set in &import.sets {
            counts.push(import_in(&mut tx, set, prune).await?);
        }
        network_gen::link(&mut tx, import).await?;
        tx.commit().await.map_err(backend)?;
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
        let mut snapshot = Snapshot {
            publications: sqlx::query(concat!("SELECT id, slug, name, tagline, language, base_url, timezone, social, ",
                "more_from_section, most_recent, page_size, from_sister_sites, feed_content, api_cors_origins FROM publications ORDER BY id"))
            .fetch_all(&mut *conn)
            .await
            .map_err(backend)?
            .iter()
            .map(publication_from)
            .collect::<Result<_>>()?,
            media: sqlx::query(&format!("SELECT {MEDIA_ROW_COLUMNS} FROM media ORDER BY key"))
                .fetch_all(&mut *conn)
                .await
                .map_err(backend)?
                .iter()
                .map(media_row)
                .collect::<Result<_>>()?,
            authors: sqlx::query("SELECT id, slug, name, bio, avatar, social FROM authors ORDER BY id")
                .fetch_all(&mut *conn)
                .await
                .map_err(backend)?
                .iter()
                .map(author_row)
                .collect::<Result<_>>()?,
            publication_authors: sqlx::query_as::<_, (i64, i64)>(
                "SELECT publication_id, author_id FROM publication_authors ORDER BY publication_id, author_id",
            )
            .fetch_all(&mut *conn)
            .await
            .map_err(backend)?
            .into_iter()
            .map(|(publication_id, author_id)| PublicationAuthorRow { publication_id, author_id })
            .collect(),
            sections: sqlx::query("SELECT id, publication_id, slug, name, description, position FROM sections ORDER BY id")
                .fetch_all(&mut *conn)
                .await
                .map_err(backend)?
                .iter()
                .map(section_row)
                .collect::<Result<_>>()?,
            tags: sqlx::query("SELECT id, publication_id, slug, name FROM tags ORDER BY id")
                .fetch_all(&mut *conn)
                .await
                .map_err(backend)?
                .iter()
                .map(tag_row)
                .collect::<Result<_>>()?,
            articles: sqlx::query(&format!("SELECT {ARTICLE_ROW_COLUMNS} FROM articles ORDER BY id"))
                .fetch_all(&mut *conn)
                .await
                .map_err(backend)?
                .iter()
                .map(article_row)
                .collect::<Result<_>>()?,
            article_authors: sqlx::query_as::<_, (i64, i64, i64)>(
                "SELECT article_id, author_id, position FROM article_authors ORDER BY article_id, position, author_id",
            )
            .fetch_all(&mut *conn)
            .await
            .map_err(backend)?
            .into_iter()
            .map(|(article_id, author_id, position)| ArticleAuthorRow { article_id, author_id, position })
            .collect(),
            article_tags: sqlx::query_as::<_, (i64, i64, i64)>(
                "SELECT article_id, tag_id, position FROM article_tags ORDER BY article_id, position, tag_id",
            )
            .fetch_all(&mut *conn)
            .await
            .map_err(backend)?
            .into_iter()
            .map(|(article_id, tag_id, position)| ArticleTagRow { article_id, tag_id, position })
            .collect(),
            ..Snapshot::default()
        };
        snapshot_gen::newsroom_out(&mut *conn, &mut snapshot).await?;
        network_gen::network_out(&mut *conn, &mut snapshot).await?;
        api_keys_gen::api_keys_out(&mut *conn, &mut snapshot).await?;
        fields_gen::fields_out(&mut *conn, &mut snapshot).await?;
        front_gen::front_out(&mut *conn, &mut snapshot).await?;
        foreign_gen::foreign_out(&mut *conn, &mut snapshot).await?;
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
        snapshot_in(&mut tx, snapshot, replace).await?;
        tx.commit().await.map_err(backend)?;
        Ok(())
    }
}

/// The body of [`Store::import_snapshot`]; any `?` rolls back.
async fn snapshot_in(conn: &mut SqliteConnection, s: &Snapshot, replace: bool) -> Result<()> {
    let (publications, authors, media, users): (i64, i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM publications), (SELECT COUNT(*) FROM authors), (SELECT COUNT(*) FROM media), \
           (SELECT COUNT(*) FROM users)",
    )
    .fetch_one(&mut *conn)
    .await
    .map_err(backend)?;
    if publications + authors + media + users > 0 {
        if !replace {
            return Err(StoreError::NotEmpty(format!(
                "{publications} publications, {authors} authors, {media} media rows, {users} staff accounts"
            )));
        }
        for table in EPHEMERAL_TABLES.iter().chain(TABLES.iter().rev()) {
            sqlx::query(&format!("DELETE FROM {table}")).execute(&mut *conn).await.map_err(backend)?;
        }
    }
    for p in &s.publications {
        sqlx::query(
            "INSERT INTO publications (id, slug, name, tagline, language, base_url, timezone, social, more_from_section, \
               most_recent, page_size, from_sister_sites, feed_content, api_cors_origins) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(p.id)
        .bind(&p.slug)
        .bind(&p.name)
        .bind(&p.tagline)
        .bind(&p.language)
        .bind(&p.base_url)
        .bind(&p.timezone)
        .bind(social_to_json(&p.social)?)
        .bind(i64::from(p.settings.more_from_section))
        .bind(i64::from(p.settings.most_recent))
        .bind(i64::from(p.settings.page_size))
        .bind(i64::from(p.settings.from_sister_sites))
        .bind(p.settings.feed_content.as_str())
        .bind(prensa_core::content_api::cors_origins_to_text(&p.api_cors_origins))
        .execute(&mut *conn)
        .await
        .map_err(backend)?;
    }
    for MediaRow { asset: m, created_at, meta } in &s.media {
        sqlx::query(&format!("INSERT INTO media ({MEDIA_ROW_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"))
            .bind(&m.key)
            .bind(&m.content_type)
            .bind(i64::from(m.width))
            .bind(i64::from(m.height))
            .bind(i64_of(m.bytes))
            .bind(created_at)
            .bind(&meta.name)
            .bind(&meta.alt)
            .bind(&meta.caption)
            .bind(&meta.credit)
            .execute(&mut *conn)
            .await
            .map_err(backend)?;
    }
    for a in &s.authors {
        sqlx::query("INSERT INTO authors (id, slug, name, bio, avatar, social) VALUES (?, ?, ?, ?, ?, ?)")
            .bind(a.id)
            .bind(&a.slug)
            .bind(&a.name)
            .bind(&a.bio)
            .bind(&a.avatar)
            .bind(social_to_json(&a.social)?)
            .execute(&mut *conn)
            .await
            .map_err(backend)?;
    }
    for pa in &s.publication_authors {
        sqlx::query("INSERT INTO publication_authors (publication_id, author_id) VALUES (?, ?)")
            .bind(pa.publication_id)
            .bind(pa.author_id)
            .execute(&mut *conn)
            .await
            .map_err(backend)?;
    }
    for x in &s.sections {
        sqlx::query("INSERT INTO sections (id, publication_id, slug, name, description, position) VALUES (?, ?, ?, ?, ?, ?)")
            .bind(x.id)
            .bind(x.publication_id)
            .bind(&x.slug)
            .bind(&x.name)
            .bind(&x.description)
            .bind(x.position)
            .execute(&mut *conn)
            .await
            .map_err(backend)?;
    }
    for t in &s.tags {
        sqlx::query("INSERT INTO tags (id, publication_id, slug, name) VALUES (?, ?, ?, ?)")
            .bind(t.id)
            .bind(t.publication_id)
            .bind(&t.slug)
            .bind(&t.name)
            .execute(&mut *conn)
            .await
            .map_err(backend)?;
    }
    let article_sql =
        format!("INSERT INTO articles ({ARTICLE_ROW_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for a in &s.articles {
        let (published_at, published_offset) = to_parts(&a.published_at);
        let (updated_at, updated_offset) = to_parts(&a.updated_at);
        sqlx::query(&article_sql)
            .bind(a.id)
            .bind(a.publication_id)
            .bind(&a.slug)
            .bind(&a.headline)
            .bind(&a.standfirst)
            .bind(&a.body)
            .bind(a.toc)
            .bind(a.section_id)
            .bind(&a.image_key)
            .bind(&a.image_alt)
            .bind(&a.image_caption)
            .bind(a.status.as_str())
            .bind(published_at)
            .bind(published_offset)
            .bind(updated_at)
            .bind(updated_offset)
            .bind(&a.translation_group)
            .bind(a.version)
            .bind(a.in_review)
            .bind(a.ever_published)
            .bind(a.updated_by)
            .bind(a.trashed_at)
            .bind(a.trashed_by)
            .execute(&mut *conn)
            .await
            .map_err(backend)?;
    }
    for aa in &s.article_authors {
        sqlx::query("INSERT INTO article_authors (article_id, author_id, position) VALUES (?, ?, ?)")
            .bind(aa.article_id)
            .bind(aa.author_id)
            .bind(aa.position)
            .execute(&mut *conn)
            .await
            .map_err(backend)?;
    }
    for at in &s.article_tags {
        sqlx::query("INSERT INTO article_tags (article_id, tag_id, position) VALUES (?, ?, ?)")
            .bind(at.article_id)
            .bind(at.tag_id)
            .bind(at.position)
            .execute(&mut *conn)
            .await
            .map_err(backend)?;
    }
    snapshot_gen::newsroom_in(&mut *conn, s).await?;
    network_gen::network_in(&mut *conn, s).await?;
    api_keys_gen::api_keys_in(&mut *conn, s).await?;
    fields_gen::fields_snapshot_in(&mut *conn, s).await?;
    front_gen::front_snapshot_in(&mut *conn, s).await?;
    foreign_gen::foreign_snapshot_in(&mut *conn, s).await?;
    Ok(())
}

/// The body of [`Store::apply_import`]; any `?` here drops the transaction,
/// which rolls it back.
async fn import_in(conn: &mut SqliteConnection, set: &ImportSet, prune: bool) -> Result<ImportCounts> {
    let mut counts = ImportCounts::default();
    let p = &set.publication;
    let publication: Id = sqlx::query_scalar(
        "INSERT INTO publications (slug, name, tagline, language, base_url, timezone, social, more_from_section, most_recent, page_size, from_sister_sites, feed_content, api_cors_origins) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT (slug) DO UPDATE SET name = excluded.name, tagline = excluded.tagline, language = excluded.language, \
           base_url = excluded.base_url, timezone = excluded.timezone, social = excluded.social, \
           more_from_section = excluded.more_from_section, most_recent = excluded.most_recent, page_size = excluded.page_size, \
           from_sister_sites = excluded.from_sister_sites, feed_content = excluded.feed_content, api_cors_origins = excluded.api_cors_origins \
         RETURNING id",
    )
    .bind(&p.slug)
    .bind(&p.name)
    .bind(&p.tagline)
    .bind(&p.language)
    .bind(&p.base_url)
    .bind(&p.timezone)
    .bind(social_to_json(&p.social)?)
    .bind(i64::from(p.settings.more_from_section))
    .bind(i64::from(p.settings.most_recent))
    .bind(i64::from(p.settings.page_size))
    .bind(i64::from(p.settings.from_sister_sites))
    .bind(p.settings.feed_content.as_str())
    .bind(prensa_core::content_api::cors_origins_to_text(&p.api_cors_origins))
    .fetch_one(&mut *conn)
    .await
    .map_err(backend)?;

    for m in &set.media {
        sqlx::query(
            "INSERT INTO media (key, content_type, width, height, bytes) VALUES (?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING",
        )
        .bind(&m.key)
        .bind(&m.content_type)
        .bind(i64::from(m.width))
        .bind(i64::from(m.height))
        .bind(i64_of(m.bytes))
        .execute(&mut *conn)
        .await
        .map_err(backend)?;
        counts.media += 1;
    }

    let mut authors: HashMap<&str, Id> = HashMap::new();
    for a in &set.authors {
        let id = network_gen::upsert_author(&mut *conn, &p.language, a).await?;
        sqlx::query("INSERT INTO publication_authors (publication_id, author_id) VALUES (?, ?) ON CONFLICT DO NOTHING")
            .bind(publication)
            .bind(id)
            .execute(&mut *conn)
            .await
            .map_err(backend)?;
        authors.insert(a.slug.as_str(), id);
        counts.authors += 1;
    }

    let mut sections: HashMap<&str, Id> = HashMap::new();
    for (position, s) in set.sections.iter().enumerate() {
        let id: Id = sqlx::query_scalar(
            "INSERT INTO sections (publication_id, slug, name, description, position) VALUES (?, ?, ?, ?, ?) \
             ON CONFLICT (publication_id, slug) DO UPDATE SET name = excluded.name, description = excluded.description, \
               position = excluded.position RETURNING id",
        )
        .bind(publication)
        .bind(&s.slug)
        .bind(&s.name)
        .bind(&s.description)
        .bind(i64_of(position))
        .fetch_one(&mut *conn)
        .await
        .map_err(backend)?;
        sections.insert(s.slug.as_str(), id);
        counts.sections += 1;
    }

    // Tags come from the articles; the first spelling of a name wins.
    let mut tags: HashMap<String, Id> = HashMap::new();
    for name in set.articles.iter().flat_map(|a| &a.tags) {
        let tag_slug = slug::slugify(name);
        if tag_slug.is_empty() {
            return Err(StoreError::Invalid(format!("tag `{name}` has no usable characters")));
        }
        if tags.contains_key(&tag_slug) {
            continue;
        }
        let id: Id = sqlx::query_scalar(
            "INSERT INTO tags (publication_id, slug, name) VALUES (?, ?, ?) \
             ON CONFLICT (publication_id, slug) DO UPDATE SET name = excluded.name RETURNING id",
        )
        .bind(publication)
        .bind(&tag_slug)
        .bind(name.trim())
        .fetch_one(&mut *conn)
        .await
        .map_err(backend)?;
        tags.insert(tag_slug, id);
        counts.tags += 1;
    }

    let mut article_ids = Vec::with_capacity(set.articles.len());
    for a in &set.articles {
        let section = *sections
            .get(a.section.as_str())
            .ok_or_else(|| StoreError::Invalid(format!("article `{}`: unknown section `{}`", a.slug, a.section)))?;
        let (published_at, published_offset) = to_parts(&a.published_at);
        let (updated_at, updated_offset) = to_parts(a.updated_at.as_ref().unwrap_or(&a.published_at));
        let id: Id = sqlx::query_scalar(
            "INSERT INTO articles (publication_id, slug, headline, standfirst, body, toc, section_id, image_key, image_alt, \
               image_caption, status, published_at, published_offset, updated_at, updated_offset, translation_group, \
               ever_published) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
             ON CONFLICT (publication_id, slug) DO UPDATE SET headline = excluded.headline, standfirst = excluded.standfirst, \
               body = excluded.body, toc = excluded.toc, section_id = excluded.section_id, image_key = excluded.image_key, \
               image_alt = excluded.image_alt, image_caption = excluded.image_caption, status = excluded.status, \
               published_at = excluded.published_at, published_offset = excluded.published_offset, \
               updated_at = excluded.updated_at, updated_offset = excluded.updated_offset, \
               translation_group = excluded.translation_group, \
               version = articles.version + 1, \
               ever_published = articles.ever_published OR excluded.ever_published, \
               trashed_at = NULL, trashed_by = NULL \
             RETURNING id",
        )
        .bind(publication)
        .bind(&a.slug)
        .bind(&a.headline)
        .bind(&a.standfirst)
        .bind(&a.body)
        .bind(a.toc)
        .bind(section)
        .bind(a.image.as_ref().map(|i| &i.key))
        .bind(a.image.as_ref().map(|i| &i.alt))
        .bind(a.image.as_ref().and_then(|i| i.caption.as_ref()))
        .bind(a.status.as_str())
        .bind(published_at)
        .bind(published_offset)
        .bind(updated_at)
        .bind(updated_offset)
        .bind(&a.translation_group)
        .bind(a.status == Status::Published)
        .fetch_one(&mut *conn)
        .await
        .map_err(backend)?;

        sqlx::query("DELETE FROM article_authors WHERE article_id = ?").bind(id).execute(&mut *conn).await.map_err(backend)?;
        for (position, author) in a.authors.iter().enumerate() {
            let author_id = match authors.get(author.as_str()) {
                Some(id) => *id,
                // An author imported with another publication may write here too.
                None => sqlx::query_scalar("SELECT id FROM authors WHERE slug = ?")
                    .bind(author)
                    .fetch_optional(&mut *conn)
                    .await
                    .map_err(backend)?
                    .ok_or_else(|| StoreError::Invalid(format!("article `{}`: unknown author `{author}`", a.slug)))?,
            };
            sqlx::query("INSERT INTO article_authors (article_id, author_id, position) VALUES (?, ?, ?)")
                .bind(id)
                .bind(author_id)
                .bind(i64_of(position))
                .execute(&mut *conn)
                .await
                .map_err(|e| StoreError::Invalid(format!("article `{}`: author `{author}`: {e}", a.slug)))?;
            sqlx::query("INSERT INTO publication_authors (publication_id, author_id) VALUES (?, ?) ON CONFLICT DO NOTHING")
                .bind(publication)
                .bind(author_id)
                .execute(&mut *conn)
                .await
                .map_err(backend)?;
        }

        sqlx::query("DELETE FROM article_tags WHERE article_id = ?").bind(id).execute(&mut *conn).await.map_err(backend)?;
        let mut seen = Vec::new();
        for name in &a.tags {
            let tag_slug = slug::slugify(name);
            let Some(tag) = tags.get(&tag_slug) else { continue };
            if seen.contains(tag) {
                continue;
            }
            seen.push(*tag);
            sqlx::query("INSERT INTO article_tags (article_id, tag_id, position) VALUES (?, ?, ?)")
                .bind(id)
                .bind(*tag)
                .bind(i64_of(seen.len()))
                .execute(&mut *conn)
                .await
                .map_err(backend)?;
        }
        article_ids.push(id);
        counts.articles += 1;
    }

    if prune {
        counts.pruned += prune_missing(&mut *conn, "articles", publication, &article_ids).await?;
        let section_ids: Vec<Id> = sections.values().copied().collect();
        counts.pruned += prune_missing(&mut *conn, "sections", publication, &section_ids).await?;
        let tag_ids: Vec<Id> = tags.values().copied().collect();
        counts.pruned += prune_missing(&mut *conn, "tags", publication, &tag_ids).await?;
        let author_ids: Vec<Id> = authors.values().copied().collect();
        let keep = and_not_in("author_id", &author_ids);
        sqlx::query(&format!(
            "DELETE FROM publication_authors WHERE publication_id = ?{keep} \
             AND author_id NOT IN (SELECT aa.author_id FROM article_authors aa JOIN articles a ON a.id = aa.article_id \
                                   WHERE a.publication_id = ?)"
        ))
        .bind(publication)
        .bind(publication)
        .execute(&mut *conn)
        .await
        .map_err(backend)?;
    }

    newsroom_gen::record_change_all(&mut *conn).await?;
    Ok(counts)
}

async fn prune_missing(conn: &mut SqliteConnection, table: &'static str, publication: Id, keep: &[Id]) -> Result<u64> {
    let keep = and_not_in("id", keep);
    let done = sqlx::query(&format!("DELETE FROM {table} WHERE publication_id = ?{keep}"))
        .bind(publication)
        .execute(&mut *conn)
        .await
        .map_err(|e| StoreError::Invalid(format!("pruning {table}: {e}")))?;
    Ok(done.rows_affected())
}
