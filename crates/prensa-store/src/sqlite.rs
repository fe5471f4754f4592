//! The SQLite backend: one file, WAL mode, migrations run on open.

use std::collections::HashMap;
use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, FixedOffset, Utc};
use prensa_core::{
    slug, Article, ArticleQuery, ArticleSummary, Author, AuthorRef, HeroImage, Id, Image, ImportCounts, ImportSet,
    MediaAsset, Page, Publication, PublicationSettings, Section, SectionRef, SocialLinks, Status, Tag,
};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow, SqliteSynchronous};
use sqlx::{Row, SqliteConnection, SqlitePool};

use crate::{migrations, Result, Store, StoreError};

fn backend(e: sqlx::Error) -> StoreError {
    match e {
        sqlx::Error::RowNotFound => StoreError::NotFound,
        other => StoreError::Backend(Box::new(other)),
    }
}

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
            return Err(StoreError::UnsupportedUrl(url.to_owned()));
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
            .map_err(|e| StoreError::Migration(Box::new(e)))?
            .run(&pool)
            .await
            .map_err(|e| StoreError::Migration(Box::new(e)))?;
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

fn to_parts(dt: &DateTime<FixedOffset>) -> (i64, i32) {
    (dt.timestamp(), dt.offset().local_minus_utc())
}

fn from_parts(secs: i64, offset: i32) -> Result<DateTime<FixedOffset>> {
    let offset = FixedOffset::east_opt(offset).ok_or_else(|| StoreError::Invalid(format!("bad UTC offset {offset}")))?;
    let utc = DateTime::from_timestamp(secs, 0).ok_or_else(|| StoreError::Invalid(format!("bad timestamp {secs}")))?;
    Ok(utc.with_timezone(&offset))
}

fn social_from_json(text: &str) -> Result<SocialLinks> {
    serde_json::from_str(text).map_err(|e| StoreError::Backend(Box::new(e)))
}

fn social_to_json(links: &SocialLinks) -> Result<String> {
    serde_json::to_string(links).map_err(|e| StoreError::Backend(Box::new(e)))
}

fn get<'r, T>(row: &'r SqliteRow, idx: usize) -> Result<T>
where
    T: sqlx::Decode<'r, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite>,
{
    row.try_get(idx).map_err(backend)
}

fn u32_of(v: i64) -> u32 {
    u32::try_from(v).unwrap_or(0)
}

/// Decodes an optional image from (key, width, height) columns at `idx`.
fn image_at(row: &SqliteRow, idx: usize) -> Result<Option<Image>> {
    let key: Option<String> = get(row, idx)?;
    Ok(match key {
        Some(key) => Some(Image { key, width: u32_of(get(row, idx + 1)?), height: u32_of(get(row, idx + 2)?) }),
        None => None,
    })
}

fn hero_at(row: &SqliteRow, idx: usize) -> Result<Option<HeroImage>> {
    Ok(match image_at(row, idx)? {
        Some(image) => Some(HeroImage {
            image,
            alt: get::<Option<String>>(row, idx + 3)?.unwrap_or_default(),
            caption: get::<Option<String>>(row, idx + 4)?.filter(|c| !c.is_empty()),
        }),
        None => None,
    })
}

const PUBLICATION_COLUMNS: &str =
    "id, slug, name, tagline, language, base_url, timezone, social, more_from_section, most_recent, page_size";

fn publication_from(row: &SqliteRow) -> Result<Publication> {
    Ok(Publication {
        id: get(row, 0)?,
        slug: get(row, 1)?,
        name: get(row, 2)?,
        tagline: get(row, 3)?,
        language: get(row, 4)?,
        base_url: get(row, 5)?,
        timezone: get(row, 6)?,
        social: social_from_json(&get::<String>(row, 7)?)?,
        settings: PublicationSettings {
            more_from_section: u32_of(get(row, 8)?),
            most_recent: u32_of(get(row, 9)?),
            page_size: u32_of(get(row, 10)?),
        },
    })
}

const AUTHOR_COLUMNS: &str = "au.id, au.slug, au.name, au.bio, au.avatar, m.width, m.height, au.social";

fn author_from(row: &SqliteRow) -> Result<Author> {
    Ok(Author {
        id: get(row, 0)?,
        slug: get(row, 1)?,
        name: get(row, 2)?,
        bio: get(row, 3)?,
        avatar: image_at(row, 4)?,
        social: social_from_json(&get::<String>(row, 7)?)?,
    })
}

fn section_from(row: &SqliteRow, idx: usize) -> Result<Section> {
    Ok(Section { id: get(row, idx)?, slug: get(row, idx + 1)?, name: get(row, idx + 2)?, description: get(row, idx + 3)? })
}

/// The visibility rule of `prensa_core::effective_status`, in SQL.
const VISIBLE: &str = "a.status = 'published' AND a.published_at <= ?";

/// An author as the article query aggregates it into JSON.
#[derive(serde::Deserialize)]
struct AuthorJson {
    id: Id,
    slug: String,
    name: String,
    bio: String,
    avatar: Option<String>,
    width: Option<i64>,
    height: Option<i64>,
    social: SocialLinks,
}

impl From<AuthorJson> for Author {
    fn from(a: AuthorJson) -> Author {
        Author {
            id: a.id,
            avatar: a.avatar.map(|key| Image { key, width: u32_of(a.width.unwrap_or(0)), height: u32_of(a.height.unwrap_or(0)) }),
            slug: a.slug,
            name: a.name,
            bio: a.bio,
            social: a.social,
        }
    }
}

#[derive(serde::Deserialize)]
struct TagJson {
    id: Id,
    slug: String,
    name: String,
}

fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| StoreError::Backend(Box::new(e)))
}

// One statement per page element: the article with its authors and tags
// aggregated as JSON, and each list with its bylines and total count. A
// round trip through the SQLite worker costs tens of microseconds, so
// these aggregates are what keep an uncached render well under a
// millisecond. (`json_group_array(… ORDER BY …)` needs SQLite 3.44; the
// bundled library is newer.)
const ARTICLE_AUTHORS_JSON: &str = "(SELECT json_group_array(json_object('id', au.id, 'slug', au.slug, 'name', au.name, \
     'bio', au.bio, 'avatar', au.avatar, 'width', am.width, 'height', am.height, 'social', json(au.social)) ORDER BY aa.position) \
     FROM article_authors aa JOIN authors au ON au.id = aa.author_id LEFT JOIN media am ON am.key = au.avatar \
     WHERE aa.article_id = a.id)";
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
        row.map(|r| Ok(Tag { id: get(&r, 0)?, slug: get(&r, 1)?, name: get(&r, 2)? })).transpose()
    }

    async fn author_by_slug(&self, publication: Id, slug: &str) -> Result<Option<Author>> {
        let sql = format!(
            "SELECT {AUTHOR_COLUMNS} FROM authors au JOIN publication_authors pa ON pa.author_id = au.id \
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
                    s.id, s.slug, s.name, s.description, {ARTICLE_AUTHORS_JSON}, {ARTICLE_TAGS_JSON} \
             FROM articles a JOIN sections s ON s.id = a.section_id LEFT JOIN media m ON m.key = a.image_key \
             WHERE a.publication_id = ? AND a.slug = ? AND {VISIBLE}"
        );
        let Some(row) = sqlx::query(&sql)
            .bind(publication)
            .bind(slug)
            .bind(now.timestamp())
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?
        else {
            return Ok(None);
        };
        let status: String = get(&row, 11)?;
        let authors: Vec<AuthorJson> = from_json(&get::<String>(&row, 21)?)?;
        let tags: Vec<TagJson> = from_json(&get::<String>(&row, 22)?)?;
        let article = Article {
            id: get(&row, 0)?,
            slug: get(&row, 1)?,
            headline: get(&row, 2)?,
            standfirst: get(&row, 3)?,
            body: get(&row, 4)?,
            toc: get(&row, 5)?,
            image: hero_at(&row, 6)?,
            status: Status::parse(&status).ok_or_else(|| StoreError::Invalid(format!("unknown status {status}")))?,
            published_at: from_parts(get(&row, 12)?, get(&row, 13)?)?,
            updated_at: from_parts(get(&row, 14)?, get(&row, 15)?)?,
            translation_group: get(&row, 16)?,
            section: section_from(&row, 17)?,
            authors: authors.into_iter().map(Author::from).collect(),
            tags: tags.into_iter().map(|t| Tag { id: t.id, slug: t.slug, name: t.name }).collect(),
        };
        Ok(Some(article))
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
            let total = u64::try_from(count.fetch_one(&self.pool).await.map_err(backend)?).unwrap_or(0);
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
            Some(r) if query.with_total => u64::try_from(get::<i64>(r, 14)?).unwrap_or(0),
            _ => rows.len() as u64,
        };
        let items = rows
            .iter()
            .map(|r| {
                let byline: Vec<(String, String)> = from_json(&get::<String>(r, 13)?)?;
                Ok(ArticleSummary {
                    id: get(r, 0)?,
                    slug: get(r, 1)?,
                    headline: get(r, 2)?,
                    standfirst: get(r, 3)?,
                    image: hero_at(r, 4)?,
                    published_at: from_parts(get(r, 9)?, get(r, 10)?)?,
                    section: SectionRef { slug: get(r, 11)?, name: get(r, 12)? },
                    authors: byline.into_iter().map(|(slug, name)| AuthorRef { slug, name }).collect(),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Page { items, total })
    }

    async fn next_scheduled(&self, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>> {
        let next: Option<i64> =
            sqlx::query_scalar("SELECT MIN(published_at) FROM articles WHERE status = 'published' AND published_at > ?")
                .bind(now.timestamp())
                .fetch_one(&self.pool)
                .await
                .map_err(backend)?;
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
        row.map(|r| {
            Ok(MediaAsset {
                key: get(&r, 0)?,
                content_type: get(&r, 1)?,
                width: u32_of(get(&r, 2)?),
                height: u32_of(get(&r, 3)?),
                bytes: u64::try_from(get::<i64>(&r, 4)?).unwrap_or(0),
            })
        })
        .transpose()
    }

    async fn apply_import(&self, set: &ImportSet, prune: bool) -> Result<ImportCounts> {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        let counts = import_in(&mut tx, set, prune).await?;
        tx.commit().await.map_err(backend)?;
        Ok(counts)
    }
}

/// The body of [`Store::apply_import`]; any `?` here drops the transaction,
/// which rolls it back.
async fn import_in(conn: &mut SqliteConnection, set: &ImportSet, prune: bool) -> Result<ImportCounts> {
    let mut counts = ImportCounts::default();
    let p = &set.publication;
    let publication: Id = sqlx::query_scalar(
        "INSERT INTO publications (slug, name, tagline, language, base_url, timezone, social, more_from_section, most_recent, page_size) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT (slug) DO UPDATE SET name = excluded.name, tagline = excluded.tagline, language = excluded.language, \
           base_url = excluded.base_url, timezone = excluded.timezone, social = excluded.social, \
           more_from_section = excluded.more_from_section, most_recent = excluded.most_recent, page_size = excluded.page_size \
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
        .bind(i64::try_from(m.bytes).unwrap_or(i64::MAX))
        .execute(&mut *conn)
        .await
        .map_err(backend)?;
        counts.media += 1;
    }

    let mut authors: HashMap<&str, Id> = HashMap::new();
    for a in &set.authors {
        let id: Id = sqlx::query_scalar(
            "INSERT INTO authors (slug, name, bio, avatar, social) VALUES (?, ?, ?, ?, ?) \
             ON CONFLICT (slug) DO UPDATE SET name = excluded.name, bio = excluded.bio, avatar = excluded.avatar, social = excluded.social \
             RETURNING id",
        )
        .bind(&a.slug)
        .bind(&a.name)
        .bind(&a.bio)
        .bind(&a.avatar)
        .bind(social_to_json(&a.social)?)
        .fetch_one(&mut *conn)
        .await
        .map_err(backend)?;
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
        .bind(i64::try_from(position).unwrap_or(i64::MAX))
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
               image_caption, status, published_at, published_offset, updated_at, updated_offset, translation_group) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
             ON CONFLICT (publication_id, slug) DO UPDATE SET headline = excluded.headline, standfirst = excluded.standfirst, \
               body = excluded.body, toc = excluded.toc, section_id = excluded.section_id, image_key = excluded.image_key, \
               image_alt = excluded.image_alt, image_caption = excluded.image_caption, status = excluded.status, \
               published_at = excluded.published_at, published_offset = excluded.published_offset, \
               updated_at = excluded.updated_at, updated_offset = excluded.updated_offset, \
               translation_group = excluded.translation_group \
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
                .bind(i64::try_from(position).unwrap_or(i64::MAX))
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
                .bind(i64::try_from(seen.len()).unwrap_or(i64::MAX))
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

    sqlx::query("UPDATE content_version SET version = version + 1 WHERE id = 1")
        .execute(&mut *conn)
        .await
        .map_err(backend)?;
    Ok(counts)
}

/// `AND column NOT IN (ids)`, or nothing when `ids` is empty (then every
/// row goes). The ids are integers this store produced, so formatting them
/// into the SQL is safe.
fn and_not_in(column: &str, ids: &[Id]) -> String {
    if ids.is_empty() {
        return String::new();
    }
    let list = ids.iter().map(Id::to_string).collect::<Vec<_>>().join(",");
    format!(" AND {column} NOT IN ({list})")
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
