//! The readers' article lists ([`crate::Store::published_articles`]: the
//! home page, a section, an author, a tag, "more from this section"), for
//! both backends, written once like `foreign_sql.rs`: `?` placeholders,
//! numbered for PostgreSQL by the backend's `$q`; each backend supplies its
//! `BYLINE_JSON` (the one fragment its SQL dialect spells differently).
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
            use prensa_core::{ArticleQuery, ArticleSummary, Id, Page};

            use super::{$store, BYLINE_JSON};
            use crate::shared::{backend, summary_from, u64_of};
            use crate::Result;

            fn q(sql: &str) -> String {
                $q(sql)
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
                let list_sql = q(&format!(
                    "SELECT a.id, a.slug, a.headline, a.standfirst, a.image_key, m.width, m.height, a.image_alt, \
                            a.image_caption, a.published_at, a.published_offset, s.slug, s.name, {BYLINE_JSON} \
                     FROM articles a JOIN sections s ON s.id = a.section_id LEFT JOIN media m ON m.key = a.image_key \
                     WHERE {filter} ORDER BY a.published_at DESC, a.id DESC LIMIT ? OFFSET ?"
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
