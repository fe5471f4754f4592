//! `import_in`: one content set (`prensa import dir`, `import wordpress`,
//! `import ghost`) written into an open transaction, for both backends,
//! written once like `foreign_sql.rs`: `?` placeholders, numbered for
//! PostgreSQL by the backend's `$q`; `$json` is the backend's spelling of
//! a JSON parameter.
//!
//! Rows go in multi-row statements: every statement is a round trip to the
//! database (for SQLite, to sqlx's worker thread and back), and writing
//! 100,000 articles one row at a time spent more than half of the import's
//! time waking threads (`perf`, BENCHMARKS.md). The outcome is the one of
//! writing the rows one by one in order: a slug met twice in a set ends a
//! batch first, so the later article still updates the earlier one.

macro_rules! import_impl {
    ($conn:ty, $q:path, $json:literal) => {
        /// The statements of a content import (see `import_sql.rs`).
        mod import_gen {
            use std::collections::{HashMap, HashSet};

            use prensa_core::{slug, BodySource, Id, ImportCounts, ImportSet, NewArticle, Status};
            use sqlx::Row;

            use super::snapshot_gen::insert_rows;
            use super::{network_gen, newsroom_gen};
            use crate::shared::{and_not_in, backend, i64_of, social_to_json, to_parts};
            use crate::{Result, StoreError};

            type Conn = $conn;
            type Db = <Conn as sqlx::Connection>::Database;
            /// A statement being bound.
            type Q<'q> = sqlx::query::Query<'q, Db, <Db as sqlx::Database>::Arguments<'q>>;

            fn q(sql: &str) -> String {
                $q(sql)
            }

            /// Articles per INSERT: 17 values each, far below both
            /// backends' limits on bound parameters (32,766 and 65,535).
            const ARTICLE_ROWS: usize = 200;

            /// `(?, ?), (?, ?)`: `rows` rows of `cols` placeholders.
            fn rows(rows: usize, cols: usize) -> String {
                let one = format!("({})", vec!["?"; cols].join(", "));
                vec![one; rows].join(", ")
            }

            /// `?, ?, ?`: a list of `n` placeholders for `IN (…)`.
            fn list(n: usize) -> String {
                vec!["?"; n].join(", ")
            }

            /// Writes `set` (its publication, media, authors, sections, tags
            /// and articles with their bylines and tags; with `prune`, deletes
            /// what the set no longer has) and records a change of everything.
            /// Writes `set`, the `bodies.1`-th set of its import, reading its
            /// articles' bodies from `bodies.0` one batch at a time.
            pub(crate) async fn import_in(
                conn: &mut Conn,
                set: &ImportSet,
                prune: bool,
                bodies: (&dyn BodySource, usize),
            ) -> Result<ImportCounts> {
                let mut counts = ImportCounts::default();
                let p = &set.publication;
                let publication: Id = sqlx::query_scalar(&q(concat!(
                    "INSERT INTO publications (slug, name, tagline, language, base_url, timezone, social, more_from_section, \
                       most_recent, page_size, from_sister_sites, feed_content, api_cors_origins) \
                     VALUES (?, ?, ?, ?, ?, ?, ",
                    $json,
                    ", ?, ?, ?, ?, ?, ?) \
                     ON CONFLICT (slug) DO UPDATE SET name = excluded.name, tagline = excluded.tagline, \
                       language = excluded.language, base_url = excluded.base_url, timezone = excluded.timezone, \
                       social = excluded.social, more_from_section = excluded.more_from_section, \
                       most_recent = excluded.most_recent, page_size = excluded.page_size, \
                       from_sister_sites = excluded.from_sister_sites, feed_content = excluded.feed_content, \
                       api_cors_origins = excluded.api_cors_origins \
                     RETURNING id"
                )))
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

                let mut keys = HashSet::new();
                let media: Vec<_> = set.media.iter().filter(|m| keys.insert(m.key.as_str())).collect();
                let columns = "key, content_type, width, height, bytes";
                insert_rows(&mut *conn, "media", columns, "(?, ?, ?, ?, ?)", "ON CONFLICT (key) DO NOTHING", &media, |q, m| {
                    q.bind(&m.key)
                        .bind(&m.content_type)
                        .bind(i64::from(m.width))
                        .bind(i64::from(m.height))
                        .bind(i64_of(m.bytes))
                })
                .await?;
                counts.media += set.media.len() as u64;

                // Authors linked to the publication by this run.
                let mut linked: HashSet<Id> = HashSet::new();
                let mut authors: HashMap<&str, Id> = HashMap::new();
                for a in &set.authors {
                    let id = network_gen::upsert_author(&mut *conn, &p.language, a).await?;
                    link_authors(&mut *conn, publication, &[id], &mut linked).await?;
                    authors.insert(a.slug.as_str(), id);
                    counts.authors += 1;
                }

                let mut sections: HashMap<&str, Id> = HashMap::new();
                for (position, s) in set.sections.iter().enumerate() {
                    let id: Id = sqlx::query_scalar(&q(
                        "INSERT INTO sections (publication_id, slug, name, description, position) VALUES (?, ?, ?, ?, ?) \
                         ON CONFLICT (publication_id, slug) DO UPDATE SET name = excluded.name, \
                           description = excluded.description, position = excluded.position RETURNING id",
                    ))
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
                    let id: Id = sqlx::query_scalar(&q("INSERT INTO tags (publication_id, slug, name) VALUES (?, ?, ?) \
                         ON CONFLICT (publication_id, slug) DO UPDATE SET name = excluded.name RETURNING id"))
                    .bind(publication)
                    .bind(&tag_slug)
                    .bind(name.trim())
                    .fetch_one(&mut *conn)
                    .await
                    .map_err(backend)?;
                    tags.insert(tag_slug, id);
                    counts.tags += 1;
                }

                // Authors of other publications the articles name, looked up once.
                let mut elsewhere: HashMap<String, Id> = HashMap::new();
                let mut article_ids = Vec::with_capacity(set.articles.len());
                let mut batch: Vec<Ready<'_>> = Vec::with_capacity(ARTICLE_ROWS);
                let mut slugs_in_batch: HashSet<&str> = HashSet::new();
                for a in &set.articles {
                    if batch.len() == ARTICLE_ROWS || slugs_in_batch.contains(a.slug.as_str()) {
                        write_articles(&mut *conn, publication, &batch, bodies, &mut linked, &mut article_ids).await?;
                        batch.clear();
                        slugs_in_batch.clear();
                    }
                    batch.push(ready(&mut *conn, a, &sections, &authors, &mut elsewhere, &tags).await?);
                    slugs_in_batch.insert(a.slug.as_str());
                }
                write_articles(&mut *conn, publication, &batch, bodies, &mut linked, &mut article_ids).await?;
                counts.articles += article_ids.len() as u64;

                if prune {
                    counts.pruned += prune_missing(&mut *conn, "articles", publication, &article_ids).await?;
                    let section_ids: Vec<Id> = sections.values().copied().collect();
                    counts.pruned += prune_missing(&mut *conn, "sections", publication, &section_ids).await?;
                    let tag_ids: Vec<Id> = tags.values().copied().collect();
                    counts.pruned += prune_missing(&mut *conn, "tags", publication, &tag_ids).await?;
                    let author_ids: Vec<Id> = authors.values().copied().collect();
                    let keep = and_not_in("author_id", &author_ids);
                    sqlx::query(&q(&format!(
                        "DELETE FROM publication_authors WHERE publication_id = ?{keep} \
                         AND author_id NOT IN (SELECT aa.author_id FROM article_authors aa \
                           JOIN articles a ON a.id = aa.article_id WHERE a.publication_id = ?)"
                    )))
                    .bind(publication)
                    .bind(publication)
                    .execute(&mut *conn)
                    .await
                    .map_err(backend)?;
                }

                newsroom_gen::record_change_all(&mut *conn).await?;
                Ok(counts)
            }

            /// An article with its section, bylines and tags resolved to ids.
            struct Ready<'a> {
                article: &'a NewArticle,
                section: Id,
                authors: Vec<Id>,
                tags: Vec<Id>,
            }

            /// Resolves an article's references, with the errors writing it
            /// row by row gave: an unknown section or author, an author twice.
            async fn ready<'a>(
                conn: &mut Conn,
                a: &'a NewArticle,
                sections: &HashMap<&str, Id>,
                authors: &HashMap<&str, Id>,
                elsewhere: &mut HashMap<String, Id>,
                tags: &HashMap<String, Id>,
            ) -> Result<Ready<'a>> {
                let section = *sections
                    .get(a.section.as_str())
                    .ok_or_else(|| StoreError::Invalid(format!("article `{}`: unknown section `{}`", a.slug, a.section)))?;
                let mut author_ids = Vec::with_capacity(a.authors.len());
                for author in &a.authors {
                    let id = match authors.get(author.as_str()).or_else(|| elsewhere.get(author)) {
                        Some(id) => *id,
                        // An author imported with another publication may write here too.
                        None => {
                            let id: Id = sqlx::query_scalar(&q("SELECT id FROM authors WHERE slug = ?"))
                                .bind(author)
                                .fetch_optional(&mut *conn)
                                .await
                                .map_err(backend)?
                                .ok_or_else(|| {
                                    StoreError::Invalid(format!("article `{}`: unknown author `{author}`", a.slug))
                                })?;
                            elsewhere.insert(author.clone(), id);
                            id
                        }
                    };
                    if author_ids.contains(&id) {
                        return Err(StoreError::Invalid(format!("article `{}`: author `{author}` is listed twice", a.slug)));
                    }
                    author_ids.push(id);
                }
                let mut tag_ids = Vec::with_capacity(a.tags.len());
                for name in &a.tags {
                    if let Some(tag) = tags.get(&slug::slugify(name)) {
                        if !tag_ids.contains(tag) {
                            tag_ids.push(*tag);
                        }
                    }
                }
                Ok(Ready { article: a, section, authors: author_ids, tags: tag_ids })
            }

            /// Inserts or updates a batch of articles (no slug twice), then
            /// replaces their bylines and tags; their ids go to `ids` in order.
            async fn write_articles(
                conn: &mut Conn,
                publication: Id,
                batch: &[Ready<'_>],
                (bodies, set): (&dyn BodySource, usize),
                linked: &mut HashSet<Id>,
                ids: &mut Vec<Id>,
            ) -> Result<()> {
                if batch.is_empty() {
                    return Ok(());
                }
                let sql = format!(
                    "INSERT INTO articles (publication_id, slug, headline, standfirst, body, toc, section_id, image_key, \
                       image_alt, image_caption, status, published_at, published_offset, updated_at, updated_offset, \
                       translation_group, ever_published) \
                     VALUES {} \
                     ON CONFLICT (publication_id, slug) DO UPDATE SET headline = excluded.headline, \
                       standfirst = excluded.standfirst, body = excluded.body, toc = excluded.toc, \
                       section_id = excluded.section_id, image_key = excluded.image_key, image_alt = excluded.image_alt, \
                       image_caption = excluded.image_caption, status = excluded.status, \
                       published_at = excluded.published_at, published_offset = excluded.published_offset, \
                       updated_at = excluded.updated_at, updated_offset = excluded.updated_offset, \
                       translation_group = excluded.translation_group, version = articles.version + 1, \
                       ever_published = articles.ever_published OR excluded.ever_published, \
                       trashed_at = NULL, trashed_by = NULL \
                     RETURNING id, slug",
                    rows(batch.len(), 17)
                );
                let sql = q(&sql);
                // Only this batch's bodies are in memory at once (a spool
                // reads them from disk here).
                let texts = batch
                    .iter()
                    .map(|r| bodies.body(set, r.article))
                    .collect::<std::io::Result<Vec<_>>>()
                    .map_err(StoreError::Bodies)?;
                let mut query = sqlx::query(&sql);
                for (r, text) in batch.iter().zip(&texts) {
                    let a = r.article;
                    let (published_at, published_offset) = to_parts(&a.published_at);
                    let (updated_at, updated_offset) = to_parts(a.updated_at.as_ref().unwrap_or(&a.published_at));
                    query = query
                        .bind(publication)
                        .bind(&a.slug)
                        .bind(&a.headline)
                        .bind(&a.standfirst)
                        .bind(text.as_ref())
                        .bind(a.toc)
                        .bind(r.section)
                        .bind(a.image.as_ref().map(|i| &i.key))
                        .bind(a.image.as_ref().map(|i| &i.alt))
                        .bind(a.image.as_ref().and_then(|i| i.caption.as_ref()))
                        .bind(a.status.as_str())
                        .bind(published_at)
                        .bind(published_offset)
                        .bind(updated_at)
                        .bind(updated_offset)
                        .bind(&a.translation_group)
                        .bind(a.status == Status::Published);
                }
                // RETURNING promises no order: match the rows by slug.
                let mut by_slug: HashMap<String, Id> = HashMap::with_capacity(batch.len());
                for row in query.fetch_all(&mut *conn).await.map_err(backend)? {
                    let id: Id = row.try_get(0).map_err(backend)?;
                    let slug: String = row.try_get(1).map_err(backend)?;
                    by_slug.insert(slug, id);
                }
                let mut batch_ids = Vec::with_capacity(batch.len());
                for r in batch {
                    let id = by_slug.get(&r.article.slug).copied().ok_or_else(|| {
                        StoreError::Invalid(format!("article `{}`: the database returned no id", r.article.slug))
                    })?;
                    batch_ids.push(id);
                }

                for table in ["article_authors", "article_tags"] {
                    let sql = format!("DELETE FROM {table} WHERE article_id IN ({})", list(batch_ids.len()));
                    let sql = q(&sql);
                    let mut query = sqlx::query(&sql);
                    for id in &batch_ids {
                        query = query.bind(*id);
                    }
                    query.execute(&mut *conn).await.map_err(backend)?;
                }

                let mut bylines: Vec<(Id, Id, i64)> = Vec::new();
                let mut tag_rows: Vec<(Id, Id, i64)> = Vec::new();
                let mut writers: Vec<Id> = Vec::new();
                for (r, id) in batch.iter().zip(&batch_ids) {
                    for (position, author) in r.authors.iter().enumerate() {
                        bylines.push((*id, *author, i64_of(position)));
                        if !linked.contains(author) && !writers.contains(author) {
                            writers.push(*author);
                        }
                    }
                    // Tag positions count from 1, as they always have.
                    for (position, tag) in r.tags.iter().enumerate() {
                        tag_rows.push((*id, *tag, i64_of(position + 1)));
                    }
                }
                let columns = "article_id, author_id, position";
                insert_rows(&mut *conn, "article_authors", columns, "(?, ?, ?)", "", &bylines, bind_link).await?;
                let columns = "article_id, tag_id, position";
                insert_rows(&mut *conn, "article_tags", columns, "(?, ?, ?)", "", &tag_rows, bind_link).await?;
                link_authors(&mut *conn, publication, &writers, linked).await?;
                ids.extend(batch_ids);
                Ok(())
            }

            /// Binds a byline or tag row: the article, the author or tag, the position.
            fn bind_link<'q>(q: Q<'q>, row: &'q (Id, Id, i64)) -> Q<'q> {
                q.bind(row.0).bind(row.1).bind(row.2)
            }

            /// Lists `authors` among the publication's authors (once per run).
            async fn link_authors(conn: &mut Conn, publication: Id, authors: &[Id], linked: &mut HashSet<Id>) -> Result<()> {
                let new: Vec<Id> = authors.iter().copied().filter(|a| !linked.contains(a)).collect();
                let columns = "publication_id, author_id";
                insert_rows(&mut *conn, "publication_authors", columns, "(?, ?)", "ON CONFLICT DO NOTHING", &new, |q, author| {
                    q.bind(publication).bind(*author)
                })
                .await?;
                linked.extend(new);
                Ok(())
            }

            async fn prune_missing(conn: &mut Conn, table: &'static str, publication: Id, keep: &[Id]) -> Result<u64> {
                let keep = and_not_in("id", keep);
                let done = sqlx::query(&q(&format!("DELETE FROM {table} WHERE publication_id = ?{keep}")))
                    .bind(publication)
                    .execute(&mut *conn)
                    .await
                    .map_err(|e| StoreError::Invalid(format!("pruning {table}: {e}")))?;
                Ok(done.rows_affected())
            }
        }
    };
}

pub(crate) use import_impl;
