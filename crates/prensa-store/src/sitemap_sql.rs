//! [`crate::SitemapSource`] for both backends, written once like
//! `search_sql.rs`: `?` placeholders, numbered for PostgreSQL by `$q`;
//! `$month` is the backend's spelling of an article's publish month in UTC
//! as `YYYY-MM` text (the one thing the two dialects say differently).
//!
//! Every statement starts from the `articles_by_date` index
//! (`publication_id, status, published_at`): a month's part reads that
//! month's index range only, however large the archive (the store test
//! checks the plan). The index and the list pages' lastmod look at every
//! visible article once (a grouped scan of the same index range); they are
//! cached and purged only when a visible article changes.

/// Defines `sitemap_gen`, implementing [`crate::SitemapSource`] for `$store`.
macro_rules! sitemap_impl {
    ($store:ident, $q:path, $month:expr) => {
        /// The [`crate::SitemapSource`] statements (see `sitemap_sql.rs`).
        mod sitemap_gen {
            use std::collections::HashMap;

            use chrono::{DateTime, Utc};
            use prensa_core::{Id, TranslationRef};

            use super::$store;
            use crate::shared::{backend, from_parts, i64_of, u64_of, utc_of, Cols};
            use crate::sitemap::{SitemapArticle, SitemapListing, SitemapLists, SitemapMonth, SitemapRange};
            use crate::{Result, SitemapSource, StoreError};

            /// `max(published_at, updated_at)`: an article scheduled after
            /// its last save changes when it goes live.
            const LASTMOD: &str = "CASE WHEN a.updated_at > a.published_at THEN a.updated_at ELSE a.published_at END";
            /// Visible articles of one publication; binds publication, now.
            const VISIBLE: &str = "a.publication_id = ? AND a.status = 'published' AND a.published_at <= ?";
            /// Bind lists are cut to this many ids per statement (SQLite
            /// and PostgreSQL both take far more, but a month may hold tens
            /// of thousands of groups).
            const CHUNK: usize = 500;

            fn q(sql: &str) -> String {
                $q(&sql.replace("{month}", $month))
            }

            /// `sql` with its `{ids}` replaced by `n` placeholders.
            fn with_ids(sql: &str, n: usize) -> String {
                q(&sql.replace("{ids}", &vec!["?"; n].join(", ")))
            }

            fn month_of(text: &str) -> Result<(i32, u32)> {
                let bad = || StoreError::Invalid(format!("bad month `{text}`"));
                let (y, m) = text.split_once('-').ok_or_else(bad)?;
                let (y, m) = (y.parse::<i32>().map_err(|_| bad())?, m.parse::<u32>().map_err(|_| bad())?);
                if (1..=12).contains(&m) {
                    Ok((y, m))
                } else {
                    Err(bad())
                }
            }

            async fn listings(
                store: &$store,
                sql: &str,
                publication: Id,
                now: DateTime<Utc>,
            ) -> Result<Vec<SitemapListing>> {
                let rows = sqlx::query(&q(sql))
                    .bind(publication)
                    .bind(now.timestamp())
                    .fetch_all(&store.pool)
                    .await
                    .map_err(backend)?;
                rows.iter().map(|r| Ok(SitemapListing { slug: r.text(0)?, lastmod: utc_of(r.int(1)?)? })).collect()
            }

            impl SitemapSource for $store {
                async fn sitemap_months(&self, publication: Id, now: DateTime<Utc>) -> Result<Vec<SitemapMonth>> {
                    let sql = format!(
                        "SELECT m.month, COUNT(*), MAX(m.lastmod) FROM \
                         (SELECT {{month}} AS month, {LASTMOD} AS lastmod FROM articles a WHERE {VISIBLE}) m \
                         GROUP BY m.month ORDER BY m.month DESC"
                    );
                    let rows = sqlx::query(&q(&sql))
                        .bind(publication)
                        .bind(now.timestamp())
                        .fetch_all(&self.pool)
                        .await
                        .map_err(backend)?;
                    rows.iter()
                        .map(|r| {
                            let (year, month) = month_of(&r.text(0)?)?;
                            Ok(SitemapMonth { year, month, articles: u64_of(r.int(1)?), lastmod: utc_of(r.int(2)?)? })
                        })
                        .collect()
                }

                async fn sitemap_articles(
                    &self,
                    publication: Id,
                    range: &SitemapRange,
                    now: DateTime<Utc>,
                ) -> Result<Vec<SitemapArticle>> {
                    let sql = crate::sitemap::articles_statement(range.newest_first);
                    let rows = sqlx::query(&q(&sql))
                        .bind(publication)
                        .bind(now.timestamp())
                        .bind(range.from.timestamp())
                        .bind(range.to.timestamp())
                        .bind(i64::from(range.limit))
                        .bind(i64_of(range.offset))
                        .fetch_all(&self.pool)
                        .await
                        .map_err(backend)?;
                    let mut out = Vec::with_capacity(rows.len());
                    let mut groups: Vec<Id> = Vec::new();
                    let mut group_of: Vec<Option<Id>> = Vec::with_capacity(rows.len());
                    for r in &rows {
                        out.push(SitemapArticle {
                            id: r.int(0)?,
                            slug: r.text(1)?,
                            headline: r.text(2)?,
                            published_at: from_parts(r.int(3)?, r.int32(4)?)?,
                            updated_at: from_parts(r.int(5)?, r.int32(6)?)?,
                            alternates: Vec::new(),
                        });
                        let grouped = r.int(8)? > 0;
                        let original = r.int(7)?;
                        group_of.push(grouped.then_some(original));
                        if grouped {
                            groups.push(original);
                        }
                    }
                    groups.sort_unstable();
                    groups.dedup();
                    // Each group's visible members, a chunk of groups per
                    // statement: the original itself, then its translations.
                    let mut members: HashMap<Id, Vec<TranslationRef>> = HashMap::new();
                    for chunk in groups.chunks(CHUNK) {
                        let sql = with_ids(
                            "SELECT g.original, o.id, op.id, op.language, op.base_url, o.slug FROM \
                             (SELECT x.id AS original, x.id AS member FROM articles x WHERE x.id IN ({ids}) \
                              UNION ALL \
                              SELECT t.original_id, t.article_id FROM translations t WHERE t.original_id IN ({ids})) g \
                             JOIN articles o ON o.id = g.member JOIN publications op ON op.id = o.publication_id \
                             WHERE o.status = 'published' AND o.published_at <= ? \
                             ORDER BY g.original, op.language, op.id",
                            chunk.len(),
                        );
                        let query = chunk.iter().fold(sqlx::query(&sql), |query, id| query.bind(*id));
                        let query = chunk.iter().fold(query, |query, id| query.bind(*id));
                        let rows = query.bind(now.timestamp()).fetch_all(&self.pool).await.map_err(backend)?;
                        for r in &rows {
                            let original = r.int(0)?;
                            let article = r.int(1)?;
                            members.entry(original).or_default().push(TranslationRef {
                                article,
                                publication: r.int(2)?,
                                language: r.text(3)?,
                                base_url: r.text(4)?,
                                slug: r.text(5)?,
                                original: article == original,
                            });
                        }
                    }
                    for (a, group) in out.iter_mut().zip(group_of) {
                        // A group of one visible article has no alternates.
                        if let Some(list) = group.and_then(|g| members.get(&g)).filter(|l| l.len() > 1) {
                            a.alternates = list.clone();
                        }
                    }
                    Ok(out)
                }

                async fn sitemap_lists(&self, publication: Id, now: DateTime<Utc>) -> Result<SitemapLists> {
                    let sections = format!(
                        "SELECT s.slug, MAX({LASTMOD}) FROM articles a JOIN sections s ON s.id = a.section_id \
                         WHERE {VISIBLE} GROUP BY s.slug ORDER BY s.slug"
                    );
                    // Only the authors whose page this publication serves.
                    let authors = format!(
                        "SELECT au.slug, MAX({LASTMOD}) FROM articles a \
                         JOIN article_authors aa ON aa.article_id = a.id JOIN authors au ON au.id = aa.author_id \
                         JOIN publication_authors pa ON pa.author_id = au.id AND pa.publication_id = a.publication_id \
                         WHERE {VISIBLE} GROUP BY au.slug ORDER BY au.slug"
                    );
                    let tags = format!(
                        "SELECT tg.slug, MAX({LASTMOD}) FROM articles a \
                         JOIN article_tags ft ON ft.article_id = a.id JOIN tags tg ON tg.id = ft.tag_id \
                         WHERE {VISIBLE} GROUP BY tg.slug ORDER BY tg.slug"
                    );
                    let (sections, authors, tags) = tokio::try_join!(
                        listings(self, &sections, publication, now),
                        listings(self, &authors, publication, now),
                        listings(self, &tags, publication, now),
                    )?;
                    Ok(SitemapLists { sections, authors, tags })
                }
            }
        }
    };
}

pub(crate) use sitemap_impl;
