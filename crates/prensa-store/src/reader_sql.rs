//! What the readers' pages ask of [`crate::Store`], for both backends,
//! written once like `foreign_sql.rs`: the publications, a section, tag or
//! author by slug, when the pages next change by themselves, the content
//! version, one media row, and the article lists
//! ([`crate::Store::published_articles`]: the home page, a section, an
//! author, a tag, "more from this section"). `?` placeholders, numbered for
//! PostgreSQL by the backend's `$q`; each backend supplies the fragments its
//! dialect spells differently (`BYLINE_JSON`, and `PUBLICATION_COLUMNS` and
//! `AUTHOR_COLUMNS`, which read JSON back as text). What stays in each
//! backend's file differs by more than that: one article with its JSON
//! aggregates, and many media rows at once (`json_each` vs `= ANY`).
//!
//! Why two statements and not one: a window `COUNT(*) OVER ()` beside the
//! page's rows makes the database read and sort every matching row for each
//! page (4–8 ms per list page at 10,000 articles, BENCHMARKS.md), while the
//! page alone is an index walk that stops at `LIMIT`. The total is counted
//! separately, and only when the page cannot tell it: a page with fewer
//! rows than asked for is the last one, so its total is its offset plus its
//! rows.

macro_rules! reader_impl {
    ($store:ident, $q:path) => {
        /// The readers' article lists (see `reader_sql.rs`).
        mod reader_gen {
            use chrono::{DateTime, Utc};
            use prensa_core::{ArticleQuery, ArticleSummary, Author, Id, MediaAsset, Page, Publication, Section, Tag};

            use super::{front_gen, $store, AUTHOR_COLUMNS, BYLINE_JSON, PUBLICATION_COLUMNS};
            use crate::shared::{
                author_from, backend, media_from, publication_from, section_from, summary_from, tag_from, u64_of,
            };
            use crate::Result;

            fn q(sql: &str) -> String {
                $q(sql)
            }

            pub(crate) async fn publications(store: &$store) -> Result<Vec<Publication>> {
                let sql = format!("SELECT {PUBLICATION_COLUMNS} FROM publications ORDER BY slug");
                let rows = sqlx::query(&sql).fetch_all(&store.pool).await.map_err(backend)?;
                rows.iter().map(publication_from).collect()
            }

            pub(crate) async fn sections(store: &$store, publication: Id) -> Result<Vec<Section>> {
                let sql = q("SELECT id, slug, name, description FROM sections WHERE publication_id = ? \
                             ORDER BY position, slug");
                let rows = sqlx::query(&sql).bind(publication).fetch_all(&store.pool).await.map_err(backend)?;
                rows.iter().map(|r| section_from(r, 0)).collect()
            }

            pub(crate) async fn section_by_slug(store: &$store, publication: Id, slug: &str) -> Result<Option<Section>> {
                let sql = q("SELECT id, slug, name, description FROM sections WHERE publication_id = ? AND slug = ?");
                let row =
                    sqlx::query(&sql).bind(publication).bind(slug).fetch_optional(&store.pool).await.map_err(backend)?;
                row.map(|r| section_from(&r, 0)).transpose()
            }

            pub(crate) async fn tag_by_slug(store: &$store, publication: Id, slug: &str) -> Result<Option<Tag>> {
                let sql = q("SELECT id, slug, name FROM tags WHERE publication_id = ? AND slug = ?");
                let row =
                    sqlx::query(&sql).bind(publication).bind(slug).fetch_optional(&store.pool).await.map_err(backend)?;
                row.map(|r| tag_from(&r)).transpose()
            }

            pub(crate) async fn author_by_slug(store: &$store, publication: Id, slug: &str) -> Result<Option<Author>> {
                // The bio in the publication's language where there is one.
                let columns = AUTHOR_COLUMNS.replace(
                    "au.bio",
                    "COALESCE((SELECT ab.bio FROM author_bios ab JOIN publications bp ON bp.language = ab.language \
                               WHERE ab.author_id = au.id AND bp.id = pa.publication_id), au.bio)",
                );
                let sql = q(&format!(
                    "SELECT {columns} FROM authors au JOIN publication_authors pa ON pa.author_id = au.id \
                     LEFT JOIN media m ON m.key = au.avatar WHERE pa.publication_id = ? AND au.slug = ?"
                ));
                let row =
                    sqlx::query(&sql).bind(publication).bind(slug).fetch_optional(&store.pool).await.map_err(backend)?;
                row.map(|r| author_from(&r)).transpose()
            }

            /// The next time the public pages change by themselves: an
            /// article's publish time or a front-page pin's expiry.
            pub(crate) async fn next_scheduled(store: &$store, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>> {
                let sql = q("SELECT MIN(published_at) FROM articles WHERE status = 'published' AND published_at > ?");
                let next: Option<i64> =
                    sqlx::query_scalar(&sql).bind(now.timestamp()).fetch_one(&store.pool).await.map_err(backend)?;
                // A pin that expires changes the home page by itself too.
                let mut conn = store.pool.acquire().await.map_err(backend)?;
                let expiry = front_gen::next_expiry(&mut conn, now).await?;
                let next = match (next, expiry) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
                Ok(next.and_then(|s| DateTime::from_timestamp(s, 0)))
            }

            pub(crate) async fn content_version(store: &$store) -> Result<i64> {
                sqlx::query_scalar("SELECT version FROM content_version WHERE id = 1")
                    .fetch_one(&store.pool)
                    .await
                    .map_err(backend)
            }

            pub(crate) async fn media(store: &$store, key: &str) -> Result<Option<MediaAsset>> {
                let sql = q("SELECT key, content_type, width, height, bytes FROM media WHERE key = ?");
                let row = sqlx::query(&sql).bind(key).fetch_optional(&store.pool).await.map_err(backend)?;
                row.map(|r| media_from(&r)).transpose()
            }

            pub(crate) async fn published_articles(
                store: &$store,
                publication: Id,
                query: &ArticleQuery,
                now: DateTime<Utc>,
            ) -> Result<Page<ArticleSummary>> {
                // Only the filters in use go into the SQL, so every statement
                // is a plain indexed lookup (and needs no typed NULL tricks
                // that differ between SQLite and PostgreSQL).
                let mut filter = String::from("a.publication_id = ? AND a.status = 'published' AND a.published_at <= ?");
                let mut binds: Vec<i64> = vec![publication, now.timestamp()];
                if let Some(section) = query.section {
                    filter.push_str(" AND a.section_id = ?");
                    binds.push(section);
                }
                // An author's or a tag's articles are found through the link
                // table's index, not by testing every article for a link.
                if let Some(author) = query.author {
                    filter.push_str(" AND a.id IN (SELECT f.article_id FROM article_authors f WHERE f.author_id = ?)");
                    binds.push(author);
                }
                if let Some(tag) = query.tag {
                    filter.push_str(" AND a.id IN (SELECT f.article_id FROM article_tags f WHERE f.tag_id = ?)");
                    binds.push(tag);
                }
                if let Some(exclude) = query.exclude {
                    filter.push_str(" AND a.id <> ?");
                    binds.push(exclude);
                }
                if query.limit == 0 {
                    let total = count(store, &filter, &binds).await?;
                    return Ok(Page { items: Vec::new(), total });
                }
                // The page's ids first, from the list index alone, then the
                // page's rows: a deep page's skipped rows are index entries,
                // not articles read and bylines built only to be dropped.
                let list_sql = q(&format!(
                    "SELECT a.id, a.slug, a.headline, a.standfirst, a.image_key, m.width, m.height, a.image_alt, \
                            a.image_caption, a.published_at, a.published_offset, s.slug, s.name, {BYLINE_JSON} \
                     FROM articles a JOIN sections s ON s.id = a.section_id LEFT JOIN media m ON m.key = a.image_key \
                     WHERE a.id IN (SELECT a.id FROM articles a WHERE {filter} \
                       ORDER BY a.published_at DESC, a.id DESC LIMIT ? OFFSET ?) \
                     ORDER BY a.published_at DESC, a.id DESC"
                ));
                let mut list = sqlx::query(&list_sql);
                for b in &binds {
                    list = list.bind(*b);
                }
                let rows = list
                    .bind(i64::from(query.limit))
                    .bind(i64::from(query.offset))
                    .fetch_all(&store.pool)
                    .await
                    .map_err(backend)?;
                let items = rows.iter().map(summary_from).collect::<Result<Vec<_>>>()?;
                let total = if !query.with_total || items.is_empty() {
                    // A page past the end has no rows and so a total of 0,
                    // which callers treat as "no such page" anyway.
                    items.len() as u64
                } else if items.len() < query.limit as usize {
                    u64::from(query.offset) + items.len() as u64
                } else {
                    count(store, &filter, &binds).await?
                };
                Ok(Page { items, total })
            }

            async fn count(store: &$store, filter: &str, binds: &[i64]) -> Result<u64> {
                let sql = q(&format!("SELECT COUNT(*) FROM articles a WHERE {filter}"));
                let mut count = sqlx::query_scalar::<_, i64>(&sql);
                for b in binds {
                    count = count.bind(*b);
                }
                Ok(u64_of(count.fetch_one(&store.pool).await.map_err(backend)?))
            }
        }
    };
}

pub(crate) use reader_impl;
