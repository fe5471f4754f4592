//! The PostgreSQL backend: a connection pool, migrations run on open.
//!
//! Semantics are those of [`crate::sqlite`] statement for statement (the
//! shared row decoders in `shared.rs` make the two hand back identical
//! values); only the SQL dialect differs: numbered parameters, `json_agg`
//! instead of `json_group_array`, JSONB social links, identity columns.
//!
//! TLS is libpq's, read from the URL by sqlx: `sslmode` = `disable`,
//! `prefer` (the default: TLS when the server offers it, unverified),
//! `require` (TLS, unverified), `verify-ca` (the certificate must chain to
//! a trusted CA) or `verify-full` (and name the host); `sslrootcert=PATH`
//! adds a CA (PEM) to the system's trusted ones. rustls on ring does it
//! (sqlx's `tls-rustls-ring-native-roots`); `tests/tls.rs` checks each
//! refusal against a TLS-only server.
//!
//! A schema other than `public` is chosen in the URL with
//! `?options[search_path]=NAME` (the tests give each test its own schema
//! this way).

use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use prensa_core::{
    Article, ArticleQuery, ArticleSummary, Author, Id, ImportCounts, ImportSet, MediaAsset, NetworkImport, Page,
    Publication, Section, SisterArticle, Snapshot, Tag,
};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgConnection, PgPool};

use crate::shared::{article_from, backend, media_from, migration};
use crate::{migrations, Result, Store, StoreError};

crate::newsroom_sql::newsroom_impl!(
    PostgresStore,
    sqlx::PgConnection,
    crate::newsroom_sql::numbered,
    // Row locks (`UPDATE … WHERE id = ?` first) are enough here.
    None
);
crate::article_write_sql::article_write_impl!(sqlx::PgConnection, crate::newsroom_sql::numbered);
crate::snapshot_sql::snapshot_impl!(sqlx::PgConnection, crate::newsroom_sql::numbered, "?::jsonb", "social::text");
crate::editorial_sql::editorial_impl!(
    PostgresStore,
    sqlx::PgConnection,
    crate::newsroom_sql::numbered,
    " FOR UPDATE SKIP LOCKED"
);

crate::search_sql::search_impl!(PostgresStore, crate::newsroom_sql::numbered);
crate::content_api_sql::content_api_impl!(PostgresStore, crate::newsroom_sql::numbered);
crate::sitemap_sql::sitemap_impl!(
    PostgresStore,
    crate::newsroom_sql::numbered,
    "to_char(to_timestamp(a.published_at) AT TIME ZONE 'UTC', 'YYYY-MM')"
);
crate::network_sql::network_impl!(sqlx::PgConnection, crate::newsroom_sql::numbered, "?::jsonb");
crate::desk_sql::desk_impl!(PostgresStore, sqlx::PgConnection, crate::newsroom_sql::numbered, "?::jsonb");
crate::api_keys_sql::api_keys_impl!(PostgresStore, sqlx::PgConnection, crate::newsroom_sql::numbered);
crate::library_sql::library_impl!(PostgresStore, sqlx::PgConnection, crate::newsroom_sql::numbered);
crate::staffing_sql::staffing_impl!(PostgresStore, sqlx::PgConnection, crate::newsroom_sql::numbered, "?::jsonb");
crate::fields_sql::fields_impl!(PostgresStore, sqlx::PgConnection, crate::newsroom_sql::numbered);
crate::front_sql::front_impl!(PostgresStore, sqlx::PgConnection, crate::newsroom_sql::numbered);
crate::reader_sql::reader_impl!(PostgresStore, crate::newsroom_sql::numbered);
crate::import_sql::import_impl!(sqlx::PgConnection, crate::newsroom_sql::numbered, "?::jsonb");
crate::foreign_sql::foreign_impl!(PostgresStore, sqlx::PgConnection, crate::newsroom_sql::numbered);

/// A PostgreSQL database opened as a connection pool.
#[derive(Clone, Debug)]
pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    /// Connects to the database at `url` (`postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE`,
    /// or `postgresql://…`) and brings its schema up to date. The database
    /// itself must exist; the tables are created in the first schema of the
    /// connection's search path.
    pub async fn open(url: &str) -> Result<PostgresStore> {
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(StoreError::UnsupportedUrl(crate::redact_url(url)));
        }
        check_root_cert(url)?;
        let options = PgConnectOptions::from_str(url)
            .map_err(backend)?
            // The migrator's `CREATE TABLE IF NOT EXISTS` raises a NOTICE on
            // every open, which sqlx would log at INFO; notices carry nothing
            // a site operator needs.
            .options([("client_min_messages", "warning")]);
        // One plain connection first: it reports a refused connection or a
        // bad password right away (a pool would retry until its acquire
        // timeout and then report only the timeout), and it runs the
        // migrations before the pool opens more.
        let mut first = PgConnection::connect_with(&options).await.map_err(connect_error)?;
        sqlx::migrate::Migrator::new(migrations::POSTGRES)
            .await
            .map_err(migration)?
            .run(&mut first)
            .await
            .map_err(migration)?;
        desk_gen::digest_legacy_preview_tokens(&mut first).await?;
        first.close().await.map_err(backend)?;
        let pool = PgPoolOptions::new()
            // Pages are served from the cache; the pool only feeds misses,
            // the watcher and imports, so a few connections are plenty and
            // leave the server's connection slots to other clients.
            .max_connections(8)
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .map_err(backend)?;
        Ok(PostgresStore { pool })
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// An `sslrootcert` that cannot be read, named before connecting: sqlx
/// would report only "No such file or directory".
fn check_root_cert(url: &str) -> Result<()> {
    let query = url.split_once('?').map_or("", |(_, q)| q);
    let path =
        query.split('&').find_map(|p| p.strip_prefix("sslrootcert=").or_else(|| p.strip_prefix("ssl-root-cert=")));
    match path {
        // Percent-encoded paths are left to sqlx, which decodes them.
        Some(path) if !path.contains('%') => std::fs::metadata(path)
            .map(drop)
            .map_err(|e| StoreError::Backend(format!("sslrootcert {path}: {e}").into())),
        _ => Ok(()),
    }
}

/// A connection refused in the TLS handshake says so, and what to check:
/// sqlx's own message is only "invalid peer certificate: UnknownIssuer".
fn connect_error(e: sqlx::Error) -> StoreError {
    let message = e.to_string();
    if message.contains("peer certificate") {
        StoreError::Backend(
            format!(
                "{message}: the server's TLS certificate was refused (sslmode=verify-ca and verify-full accept \
                 only a certificate signed by a CA the system trusts or the one in sslrootcert, and \
                 verify-full only for the host name in the URL)"
            )
            .into(),
        )
    } else {
        backend(e)
    }
}

// JSONB comes back as text so that both backends decode social links from
// the same JSON string.
const PUBLICATION_COLUMNS: &str =
    "id, slug, name, tagline, language, base_url, timezone, social::text, more_from_section, most_recent, page_size, from_sister_sites, \
     feed_content, api_cors_origins";

const AUTHOR_COLUMNS: &str = "au.id, au.slug, au.name, au.bio, au.avatar, m.width, m.height, au.social::text";

/// The visibility rule of `prensa_core::effective_status`, in SQL, with
/// `now` as parameter `$n`.
fn visible(n: usize) -> String {
    format!("a.status = 'published' AND a.published_at <= ${n}")
}

// One statement per page element, as in the SQLite backend: the article
// with its authors and tags aggregated as JSON, each list with its bylines.
// `json_agg` over no rows is NULL, hence the `coalesce` to `[]`; the result
// goes out as text, which the shared decoders parse.
const ARTICLE_AUTHORS_JSON: &str = "(SELECT coalesce(json_agg(json_build_object('id', au.id, 'slug', au.slug, \
     'name', au.name, 'bio', coalesce((SELECT ab.bio FROM author_bios ab JOIN publications bp ON bp.language = ab.language \
                      WHERE ab.author_id = au.id AND bp.id = a.publication_id), au.bio), 'avatar', au.avatar, 'width', am.width, 'height', am.height, 'social', au.social) \
     ORDER BY aa.position), '[]'::json)::text \
     FROM article_authors aa JOIN authors au ON au.id = aa.author_id LEFT JOIN media am ON am.key = au.avatar \
     WHERE aa.article_id = a.id)";
// The other visible articles of the article's translation group, as in the
// SQLite backend; `now` is parameter `$3` of the statement.
const ARTICLE_TRANSLATIONS_JSON: &str = "(SELECT coalesce(json_agg(json_build_object('article', o.id, \
     'publication', op.id, 'language', op.language, 'base_url', op.base_url, 'slug', o.slug, \
     'original', o.id = g.original) ORDER BY op.language, op.id), '[]'::json)::text \
     FROM (SELECT coalesce((SELECT t.original_id FROM translations t WHERE t.article_id = a.id), a.id) AS member, coalesce((SELECT t.original_id FROM translations t WHERE t.article_id = a.id), a.id) AS original \
           UNION SELECT t2.article_id, t2.original_id FROM translations t2 \
           WHERE t2.original_id = coalesce((SELECT t.original_id FROM translations t WHERE t.article_id = a.id), a.id)) g \
     JOIN articles o ON o.id = g.member \
     JOIN publications op ON op.id = o.publication_id \
     WHERE o.id <> a.id AND o.status = 'published' AND o.published_at <= $3)";
const ARTICLE_TAGS_JSON: &str =
    "(SELECT coalesce(json_agg(json_build_object('id', t.id, 'slug', t.slug, 'name', t.name) \
     ORDER BY at.position), '[]'::json)::text \
     FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE at.article_id = a.id)";
const BYLINE_JSON: &str =
    "(SELECT coalesce(json_agg(json_build_array(au.slug, au.name) ORDER BY aa.position), '[]'::json)::text \
     FROM article_authors aa JOIN authors au ON au.id = aa.author_id WHERE aa.article_id = a.id)";

impl Store for PostgresStore {
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
             WHERE a.publication_id = $1 AND a.slug = $2 AND {}",
            visible(3)
        );
        let row = sqlx::query(&sql)
            .bind(publication)
            .bind(slug)
            .bind(now.timestamp())
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?;
        row.map(|r| article_from(&r)).transpose()
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
        let rows = sqlx::query("SELECT key, content_type, width, height, bytes FROM media WHERE key = ANY($1)")
            .bind(keys)
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?;
        rows.iter().map(media_from).collect()
    }

    async fn apply_import(&self, set: &ImportSet, prune: bool) -> Result<ImportCounts> {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        let counts = import_gen::import_in(&mut tx, set, prune, (&prensa_core::InMemory, 0)).await?;
        tx.commit().await.map_err(backend)?;
        // An import can change a table's size by orders of magnitude (an
        // empty site gets its whole archive); fresh statistics keep the
        // planner on the indexed, LIMIT-ordered plans for page queries
        // instead of waiting for autovacuum, and the vacuum marks the new
        // pages all-visible, so a deep list page skips its rows in the
        // index alone (index-only scans). Best effort: the data is
        // already committed.
        if let Err(e) = sqlx::query(
            "VACUUM (ANALYZE) publications, media, authors, sections, tags, articles, article_authors, article_tags",
        )
        .execute(&self.pool)
        .await
        {
            tracing::warn!(error = %e, "VACUUM (ANALYZE) after import failed");
        }
        Ok(counts)
    }

    async fn apply_network_from(
        &self,
        import: &NetworkImport,
        prune: bool,
        bodies: &dyn prensa_core::BodySource,
    ) -> Result<Vec<ImportCounts>> {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        let mut counts = Vec::with_capacity(import.sets.len());
        for (i, set) in import.sets.iter().enumerate() {
            counts.push(import_gen::import_in(&mut tx, set, prune, (bodies, i)).await?);
        }
        network_gen::link(&mut tx, import).await?;
        tx.commit().await.map_err(backend)?;
        // Fresh statistics, as after `apply_import`; best effort.
        if let Err(e) = sqlx::query(
            "VACUUM (ANALYZE) publications, media, authors, sections, tags, articles, article_authors, article_tags, translations, author_bios",
        )
        .execute(&self.pool)
        .await
        {
            tracing::warn!(error = %e, "VACUUM (ANALYZE) after import failed");
        }
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
        let mut tx = self.pool.begin().await.map_err(backend)?;
        // Every SELECT below sees the same committed state, even if an
        // import commits halfway through the copy.
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
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
        snapshot_in(&mut tx, snapshot, replace).await?;
        tx.commit().await.map_err(backend)?;
        Ok(())
    }
}

/// The body of [`Store::import_snapshot`]; any `?` rolls back.
async fn snapshot_in(conn: &mut PgConnection, s: &Snapshot, replace: bool) -> Result<()> {
    snapshot_gen::snapshot_in(&mut *conn, s, replace).await?;
    // Rows came in with their ids; move each identity past the largest so
    // the next import's new rows do not collide with them.
    for table in [
        "publications",
        "authors",
        "sections",
        "tags",
        "articles",
        "users",
        "article_revisions",
        "review_notes",
        "scheduled_changes",
        "api_keys",
        "custom_fields",
    ] {
        sqlx::query(&format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
        ))
        .execute(&mut *conn)
        .await
        .map_err(backend)?;
    }
    newsroom_gen::record_change_all(&mut *conn).await?;
    Ok(())
}
