//! Writing an article for [`crate::Newsroom`] and [`crate::Editorial`],
//! for both backends, written once like `newsroom_sql.rs` (whose module
//! re-exports what the rest of the store calls): reading an article to
//! edit, the checks a draft must pass, creating, locking (with [`Locked`]
//! naming whether someone saved it meanwhile), saving with its links and
//! revision, status changes, and the cached pages each write touches
//! ([`ArticleFootprint`]) for the change feed.
//!
//! [`Locked`]: crate::newsroom_sql::Locked
//! [`ArticleFootprint`]: crate::newsroom_sql::ArticleFootprint

/// Defines `article_write_gen` for connections of type `$conn`, with `$q`
/// turning `?` into the backend's placeholders.
macro_rules! article_write_impl {
    ($conn:ty, $q:path) => {
        /// Writing articles (see `article_write_sql.rs`).
        mod article_write_gen {
            use chrono::{DateTime, Utc};
            use prensa_core::{slug, ArticleDraft, EditableArticle, Id, Transition};

            use super::newsroom_gen::{record_change, with_group};
            use crate::newsroom_sql::{change_keys, ArticleFootprint, Locked};
            use crate::shared::{
                backend, editable_from, i64_of, slug_or_backend, slug_taken, to_json, to_parts, EDITABLE_COLUMNS,
            };
            use crate::{Result, StoreError};

            type Conn = $conn;

            fn q(sql: &str) -> String {
                $q(sql)
            }

            pub(super) async fn editable_in(conn: &mut Conn, id: Id) -> Result<Option<EditableArticle>> {
                let sql = format!("SELECT {EDITABLE_COLUMNS} FROM articles a WHERE a.id = ?");
                let Some(row) = sqlx::query(&q(&sql)).bind(id).fetch_optional(&mut *conn).await.map_err(backend)?
                else {
                    return Ok(None);
                };
                let authors: Vec<i64> = sqlx::query_scalar(&q(
                    "SELECT author_id FROM article_authors WHERE article_id = ? ORDER BY position, author_id",
                ))
                .bind(id)
                .fetch_all(&mut *conn)
                .await
                .map_err(backend)?;
                let tags: Vec<String> = sqlx::query_scalar(&q(
                    "SELECT t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE at.article_id = ? \
                     ORDER BY at.position, t.id",
                ))
                .bind(id)
                .fetch_all(&mut *conn)
                .await
                .map_err(backend)?;
                Ok(Some(editable_from(&row, authors, tags)?))
            }

            pub(super) async fn footprint_in(conn: &mut Conn, id: Id) -> Result<ArticleFootprint> {
                let (status, published_at, section): (String, i64, i64) =
                    sqlx::query_as(&q("SELECT status, published_at, section_id FROM articles WHERE id = ?"))
                        .bind(id)
                        .fetch_one(&mut *conn)
                        .await
                        .map_err(backend)?;
                let authors: Vec<i64> = sqlx::query_scalar(&q(
                    "SELECT author_id FROM article_authors WHERE article_id = ? ORDER BY position, author_id",
                ))
                .bind(id)
                .fetch_all(&mut *conn)
                .await
                .map_err(backend)?;
                let tags: Vec<i64> =
                    sqlx::query_scalar(&q("SELECT tag_id FROM article_tags WHERE article_id = ? ORDER BY position, tag_id"))
                        .bind(id)
                        .fetch_all(&mut *conn)
                        .await
                        .map_err(backend)?;
                Ok(ArticleFootprint { published: status == "published", published_at, section, authors, tags })
            }

            /// The checks a write of `draft` must pass, each refused with a
            /// sentence for the editor. `id` is the article's own (for the
            /// slug check), `None` when creating.
            async fn check_draft(conn: &mut Conn, publication: Id, id: Option<Id>, draft: &ArticleDraft) -> Result<()> {
                let taken: Option<i64> =
                    sqlx::query_scalar(&q("SELECT id FROM articles WHERE publication_id = ? AND slug = ? AND id <> ?"))
                        .bind(publication)
                        .bind(&draft.slug)
                        .bind(id.unwrap_or(0))
                        .fetch_optional(&mut *conn)
                        .await
                        .map_err(backend)?;
                if taken.is_some() {
                    return Err(slug_taken(&draft.slug));
                }
                let section: Option<i64> =
                    sqlx::query_scalar(&q("SELECT id FROM sections WHERE id = ? AND publication_id = ?"))
                        .bind(draft.section_id)
                        .bind(publication)
                        .fetch_optional(&mut *conn)
                        .await
                        .map_err(backend)?;
                if section.is_none() {
                    return Err(StoreError::Invalid(format!(
                        "there is no section {} in this publication",
                        draft.section_id
                    )));
                }
                for (i, author) in draft.author_ids.iter().enumerate() {
                    if draft.author_ids[..i].contains(author) {
                        return Err(StoreError::Invalid("an author is listed twice".into()));
                    }
                    let found: Option<i64> = sqlx::query_scalar(&q("SELECT id FROM authors WHERE id = ?"))
                        .bind(*author)
                        .fetch_optional(&mut *conn)
                        .await
                        .map_err(backend)?;
                    if found.is_none() {
                        return Err(StoreError::Invalid(format!("there is no author profile {author}")));
                    }
                }
                for name in &draft.tags {
                    if slug::slugify(name).is_empty() {
                        return Err(StoreError::Invalid(format!("the tag `{name}` needs at least one letter or digit")));
                    }
                }
                if let Some(image) = &draft.image {
                    let found: Option<String> = sqlx::query_scalar(&q("SELECT key FROM media WHERE key = ?"))
                        .bind(&image.key)
                        .fetch_optional(&mut *conn)
                        .await
                        .map_err(backend)?;
                    if found.is_none() {
                        return Err(StoreError::Invalid(format!(
                            "the image `{}` is not in the media library",
                            image.key
                        )));
                    }
                }
                Ok(())
            }

            /// Replaces the article's byline and tags with the draft's,
            /// creating unknown tags.
            async fn write_links(conn: &mut Conn, publication: Id, id: Id, draft: &ArticleDraft) -> Result<()> {
                sqlx::query(&q("DELETE FROM article_authors WHERE article_id = ?"))
                    .bind(id)
                    .execute(&mut *conn)
                    .await
                    .map_err(backend)?;
                for (position, author) in draft.author_ids.iter().enumerate() {
                    sqlx::query(&q("INSERT INTO article_authors (article_id, author_id, position) VALUES (?, ?, ?)"))
                        .bind(id)
                        .bind(*author)
                        .bind(i64_of(position))
                        .execute(&mut *conn)
                        .await
                        .map_err(backend)?;
                    // The author's page lists what they write here.
                    sqlx::query(&q(
                        "INSERT INTO publication_authors (publication_id, author_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                    ))
                    .bind(publication)
                    .bind(*author)
                    .execute(&mut *conn)
                    .await
                    .map_err(backend)?;
                }
                sqlx::query(&q("DELETE FROM article_tags WHERE article_id = ?"))
                    .bind(id)
                    .execute(&mut *conn)
                    .await
                    .map_err(backend)?;
                let mut seen: Vec<i64> = Vec::new();
                for name in &draft.tags {
                    let tag_slug = slug::slugify(name);
                    sqlx::query(&q(
                        "INSERT INTO tags (publication_id, slug, name) VALUES (?, ?, ?) \
                         ON CONFLICT (publication_id, slug) DO NOTHING",
                    ))
                    .bind(publication)
                    .bind(&tag_slug)
                    .bind(name.trim())
                    .execute(&mut *conn)
                    .await
                    .map_err(backend)?;
                    let tag: i64 = sqlx::query_scalar(&q("SELECT id FROM tags WHERE publication_id = ? AND slug = ?"))
                        .bind(publication)
                        .bind(&tag_slug)
                        .fetch_one(&mut *conn)
                        .await
                        .map_err(backend)?;
                    if seen.contains(&tag) {
                        continue;
                    }
                    sqlx::query(&q("INSERT INTO article_tags (article_id, tag_id, position) VALUES (?, ?, ?)"))
                        .bind(id)
                        .bind(tag)
                        .bind(i64_of(seen.len()))
                        .execute(&mut *conn)
                        .await
                        .map_err(backend)?;
                    seen.push(tag);
                }
                Ok(())
            }

            async fn add_revision(
                conn: &mut Conn,
                id: Id,
                version: i64,
                user: Id,
                now: DateTime<Utc>,
                draft: &ArticleDraft,
            ) -> Result<()> {
                sqlx::query(&q(
                    "INSERT INTO article_revisions (article_id, version, user_id, saved_at, draft) VALUES (?, ?, ?, ?, ?)",
                ))
                .bind(id)
                .bind(version)
                .bind(user)
                .bind(now.timestamp())
                .bind(to_json(draft)?)
                .execute(&mut *conn)
                .await
                .map_err(backend)?;
                Ok(())
            }

            type Db = <Conn as sqlx::Connection>::Database;
            /// A statement being bound.
            type Q<'q> = sqlx::query::Query<'q, Db, <Db as sqlx::Database>::Arguments<'q>>;

            /// The article columns a draft sets, in the order [`bind_draft`]
            /// binds them (creating an article and saving one share them).
            const DRAFT_COLUMNS: [&str; 9] =
                ["slug", "headline", "standfirst", "body", "toc", "section_id", "image_key", "image_alt", "image_caption"];

            /// Binds the values of [`DRAFT_COLUMNS`] from `draft`.
            fn bind_draft<'q>(query: Q<'q>, draft: &'q ArticleDraft) -> Q<'q> {
                query
                    .bind(&draft.slug)
                    .bind(&draft.headline)
                    .bind(&draft.standfirst)
                    .bind(&draft.body)
                    .bind(draft.toc)
                    .bind(draft.section_id)
                    .bind(draft.image.as_ref().map(|i| i.key.as_str()))
                    .bind(draft.image.as_ref().map(|i| i.alt.as_str()))
                    .bind(draft.image.as_ref().and_then(|i| i.caption.as_deref()))
            }

            /// Locks the article's row (and, in SQLite, the database) and
            /// reads it: `Err(NotFound)` if it does not exist, else whether
            /// it is still at `expected_version` ([`Locked`]).
            pub(super) async fn lock_article(conn: &mut Conn, id: Id, expected_version: i64) -> Result<Locked> {
                let locked = sqlx::query(&q("UPDATE articles SET version = version WHERE id = ?"))
                    .bind(id)
                    .execute(&mut *conn)
                    .await
                    .map_err(backend)?;
                if locked.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                let current = editable_in(conn, id).await?.ok_or(StoreError::NotFound)?;
                Ok(if current.version == expected_version { Locked::Current(current) } else { Locked::Stale(current) })
            }

            /// Saves `draft` over `current` (already locked): the row, its
            /// links, a revision, a redirect for a published article's old
            /// slug and the change feed. The caller commits.
            pub(super) async fn save_in(
                conn: &mut Conn,
                current: &EditableArticle,
                draft: &ArticleDraft,
                user: Id,
                now: DateTime<Utc>,
            ) -> Result<EditableArticle> {
                let id = current.id;
                let publication = current.publication_id;
                check_draft(&mut *conn, publication, Some(id), draft).await?;
                let before = footprint_in(&mut *conn, id).await?;
                let version = current.version + 1;
                let set_draft = DRAFT_COLUMNS.map(|c| format!("{c} = ?")).join(", ");
                let sql = q(&format!(
                    "UPDATE articles SET {set_draft}, version = ?, updated_at = ?, updated_offset = 0, updated_by = ? \
                     WHERE id = ?"
                ));
                bind_draft(sqlx::query(&sql), draft)
                    .bind(version)
                    .bind(now.timestamp())
                    .bind(user)
                    .bind(id)
                    .execute(&mut *conn)
                    .await
                    .map_err(|e| slug_or_backend(e, &draft.slug))?;
                write_links(&mut *conn, publication, id, draft).await?;
                add_revision(&mut *conn, id, version, user, now, draft).await?;
                if current.ever_published && current.draft.slug != draft.slug {
                    sqlx::query(&q(
                        "INSERT INTO slug_redirects (publication_id, old_slug, article_id) VALUES (?, ?, ?) \
                         ON CONFLICT (publication_id, old_slug) DO UPDATE SET article_id = excluded.article_id",
                    ))
                    .bind(publication)
                    .bind(&current.draft.slug)
                    .bind(id)
                    .execute(&mut *conn)
                    .await
                    .map_err(backend)?;
                }
                sqlx::query(&q("DELETE FROM slug_redirects WHERE publication_id = ? AND old_slug = ?"))
                    .bind(publication)
                    .bind(&draft.slug)
                    .execute(&mut *conn)
                    .await
                    .map_err(backend)?;
                announce(conn, id, Some(&before), now).await
            }

            /// Applies `transition` to article `id` (already locked) and
            /// tells the change feed. The caller commits.
            pub(super) async fn transition_in(
                conn: &mut Conn,
                id: Id,
                transition: Transition,
                user: Id,
                now: DateTime<Utc>,
            ) -> Result<EditableArticle> {
                let before = footprint_in(&mut *conn, id).await?;
                let mut date = None;
                let set = match transition {
                    Transition::SubmitForReview => "in_review = true",
                    Transition::ReturnToDraft | Transition::Unpublish => "status = 'draft', in_review = false",
                    Transition::Publish { at } => {
                        date = Some(to_parts(&at));
                        "status = 'published', published_at = ?, published_offset = ?, in_review = false, \
                         ever_published = true"
                    }
                };
                let sql = q(&format!(
                    "UPDATE articles SET {set}, version = version + 1, updated_at = ?, updated_offset = 0, \
                     updated_by = ? WHERE id = ?"
                ));
                let mut update = sqlx::query(&sql);
                if let Some((secs, offset)) = date {
                    update = update.bind(secs).bind(offset);
                }
                update
                    .bind(now.timestamp())
                    .bind(user)
                    .bind(id)
                    .execute(&mut *conn)
                    .await
                    .map_err(backend)?;
                // An article taken off the site leaves the front page for
                // good (its page keys below purge the home pages).
                if matches!(transition, Transition::ReturnToDraft | Transition::Unpublish) {
                    sqlx::query(&q("DELETE FROM front_pins WHERE article_id = ?")).bind(id).execute(&mut *conn).await.map_err(backend)?;
                }
                announce(conn, id, Some(&before), now).await
            }

            /// Creates a draft (version 1) of `draft` in `publication` with
            /// its first revision and tells the change feed; the caller
            /// holds the write lock and commits.
            pub(super) async fn create_in(
                tx: &mut Conn,
                publication: Id,
                draft: &ArticleDraft,
                user: Id,
                now: DateTime<Utc>,
            ) -> Result<EditableArticle> {
                check_draft(&mut *tx, publication, None, draft).await?;
                let (published_at, published_offset) = to_parts(&now.fixed_offset());
                let sql = q(&format!(
                    "INSERT INTO articles (publication_id, {}, status, published_at, published_offset, updated_at, \
                       updated_offset, version, in_review, ever_published, updated_by) \
                     VALUES (?, {}, 'draft', ?, ?, ?, 0, 1, false, false, ?) RETURNING id",
                    DRAFT_COLUMNS.join(", "),
                    vec!["?"; DRAFT_COLUMNS.len()].join(", ")
                ));
                let row = bind_draft(sqlx::query(&sql).bind(publication), draft)
                    .bind(published_at)
                    .bind(published_offset)
                    .bind(now.timestamp())
                    .bind(user)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(|e| slug_or_backend(e, &draft.slug))?;
                let id: i64 = sqlx::Row::try_get(&row, 0).map_err(backend)?;
                write_links(&mut *tx, publication, id, draft).await?;
                add_revision(&mut *tx, id, 1, user, now, draft).await?;
                // The slug is an article's own now, no longer a redirect.
                sqlx::query(&q("DELETE FROM slug_redirects WHERE publication_id = ? AND old_slug = ?"))
                    .bind(publication)
                    .bind(&draft.slug)
                    .execute(&mut *tx)
                    .await
                    .map_err(backend)?;
                announce(tx, id, None, now).await
            }

            /// Tells the change feed which pages a write to article `id`
            /// touched (those of its footprint `before`, `None` for a new
            /// article, and after), then reads the article as it is now.
            async fn announce(
                conn: &mut Conn,
                id: Id,
                before: Option<&ArticleFootprint>,
                now: DateTime<Utc>,
            ) -> Result<EditableArticle> {
                let after = footprint_in(&mut *conn, id).await?;
                let keys = with_group(&mut *conn, id, change_keys(id, before, &after, now.timestamp())).await?;
                record_change(&mut *conn, &keys).await?;
                editable_in(conn, id).await?.ok_or(StoreError::NotFound)
            }
        }
    };
}

pub(crate) use article_write_impl;
