//! [`crate::ContentApi`] for both backends, written once like
//! `search_sql.rs`: `?` placeholders, numbered for PostgreSQL by `$q`. The
//! article columns and their JSON aggregates are the backend's own
//! (`super::ARTICLE_*_JSON`, the ones `published_article` uses), so an
//! article of the API is decoded by the same `shared::article_from`.

macro_rules! content_api_impl {
    ($store:ident, $q:path) => {
        /// The [`crate::ContentApi`] statements (see `content_api_sql.rs`).
        mod content_api_gen {
            use chrono::{DateTime, Utc};
            use prensa_core::{Article, Author, Id, Tag};

            use super::{$store, ARTICLE_AUTHORS_JSON, ARTICLE_TAGS_JSON, ARTICLE_TRANSLATIONS_JSON, AUTHOR_COLUMNS};
            use crate::shared::{article_from, author_from, backend, tag_from, u64_of, Cols};
            use crate::{ArticleFilter, ContentApi, Result};

            fn q(sql: &str) -> String {
                $q(sql)
            }

            /// One bound value of a filter.
            enum Arg {
                Int(i64),
                Text(String),
            }

            /// The article's translation group's original (itself when it
            /// is no translation), as in `ARTICLE_TRANSLATIONS_JSON`.
            const ORIGINAL: &str = "COALESCE((SELECT t.original_id FROM translations t WHERE t.article_id = a.id), a.id)";

            impl ContentApi for $store {
                async fn api_articles(&self, publication: Id, filter: &ArticleFilter, now: DateTime<Utc>) -> Result<Vec<Article>> {
                    if filter.limit == 0 {
                        return Ok(Vec::new());
                    }
                    let now = now.timestamp();
                    // The translations' aggregate takes `now` first (the
                    // PostgreSQL one spells it `$3` for its own statement).
                    let translations = ARTICLE_TRANSLATIONS_JSON.replace("$3", "?");
                    let mut args = vec![Arg::Int(now), Arg::Int(publication), Arg::Int(now)];
                    let mut filters = String::new();
                    if let Some(section) = filter.section {
                        filters.push_str(" AND a.section_id = ?");
                        args.push(Arg::Int(section));
                    }
                    if let Some(author) = filter.author {
                        filters.push_str(" AND EXISTS (SELECT 1 FROM article_authors f WHERE f.article_id = a.id AND f.author_id = ?)");
                        args.push(Arg::Int(author));
                    }
                    if let Some(tag) = filter.tag {
                        filters.push_str(" AND EXISTS (SELECT 1 FROM article_tags f WHERE f.article_id = a.id AND f.tag_id = ?)");
                        args.push(Arg::Int(tag));
                    }
                    if let Some(language) = &filter.language {
                        // Written in it, or a visible member of its group is.
                        filters.push_str(&format!(
                            " AND (LOWER((SELECT p.language FROM publications p WHERE p.id = a.publication_id)) = ? \
                               OR EXISTS (SELECT 1 FROM (SELECT {ORIGINAL} AS member UNION \
                                                         SELECT t2.article_id FROM translations t2 \
                                                         WHERE t2.original_id = {ORIGINAL}) g \
                                          JOIN articles o ON o.id = g.member \
                                          JOIN publications op ON op.id = o.publication_id \
                                          WHERE LOWER(op.language) = ? AND o.status = 'published' AND o.published_at <= ?))"
                        ));
                        args.push(Arg::Text(language.clone()));
                        args.push(Arg::Text(language.clone()));
                        args.push(Arg::Int(now));
                    }
                    if let Some(after) = filter.published_after {
                        filters.push_str(" AND a.published_at >= ?");
                        args.push(Arg::Int(after));
                    }
                    if let Some(before) = filter.published_before {
                        filters.push_str(" AND a.published_at < ?");
                        args.push(Arg::Int(before));
                    }
                    if let Some((at, id)) = filter.after {
                        filters.push_str(" AND (a.published_at < ? OR (a.published_at = ? AND a.id < ?))");
                        args.extend([Arg::Int(at), Arg::Int(at), Arg::Int(id)]);
                    }
                    args.push(Arg::Int(i64::from(filter.limit)));
                    let sql = q(&format!(
                        "SELECT a.id, a.slug, a.headline, a.standfirst, a.body, a.toc, \
                                a.image_key, m.width, m.height, a.image_alt, a.image_caption, \
                                a.status, a.published_at, a.published_offset, a.updated_at, a.updated_offset, a.translation_group, \
                                s.id, s.slug, s.name, s.description, {ARTICLE_AUTHORS_JSON}, {ARTICLE_TAGS_JSON}, {translations} \
                         FROM articles a JOIN sections s ON s.id = a.section_id LEFT JOIN media m ON m.key = a.image_key \
                         WHERE a.publication_id = ? AND a.status = 'published' AND a.published_at <= ?{filters} \
                         ORDER BY a.published_at DESC, a.id DESC LIMIT ?"
                    ));
                    let mut query = sqlx::query(&sql);
                    for arg in args {
                        query = match arg {
                            Arg::Int(v) => query.bind(v),
                            Arg::Text(v) => query.bind(v),
                        };
                    }
                    let rows = query.fetch_all(&self.pool).await.map_err(backend)?;
                    rows.iter().map(article_from).collect()
                }

                async fn api_authors(&self, publication: Id) -> Result<Vec<Author>> {
                    // The bio in the publication's language where there is
                    // one, as `author_by_slug` reads it.
                    let columns = AUTHOR_COLUMNS.replace(
                        "au.bio",
                        "COALESCE((SELECT ab.bio FROM author_bios ab JOIN publications bp ON bp.language = ab.language \
                                   WHERE ab.author_id = au.id AND bp.id = pa.publication_id), au.bio)",
                    );
                    let sql = q(&format!(
                        "SELECT {columns} FROM authors au JOIN publication_authors pa ON pa.author_id = au.id \
                         LEFT JOIN media m ON m.key = au.avatar WHERE pa.publication_id = ? ORDER BY au.name, au.id"
                    ));
                    let rows = sqlx::query(&sql).bind(publication).fetch_all(&self.pool).await.map_err(backend)?;
                    rows.iter().map(author_from).collect()
                }

                async fn api_tags(&self, publication: Id, now: DateTime<Utc>) -> Result<Vec<(Tag, u64)>> {
                    let sql = q("SELECT t.id, t.slug, t.name, COUNT(*) FROM tags t \
                                 JOIN article_tags f ON f.tag_id = t.id JOIN articles a ON a.id = f.article_id \
                                 WHERE t.publication_id = ? AND a.status = 'published' AND a.published_at <= ? \
                                 GROUP BY t.id, t.slug, t.name ORDER BY t.name, t.id");
                    let rows = sqlx::query(&sql)
                        .bind(publication)
                        .bind(now.timestamp())
                        .fetch_all(&self.pool)
                        .await
                        .map_err(backend)?;
                    rows.iter().map(|r| Ok((tag_from(r)?, u64_of(r.int(3)?)))).collect()
                }
            }
        }
    };
}

pub(crate) use content_api_impl;
