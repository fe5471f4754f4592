//! [`crate::Desk`] for both backends, written once like `newsroom_sql.rs`:
//! `?` placeholders (numbered for PostgreSQL by the backend's `$q`) and a
//! `$json` spelling for a JSON parameter (`?::jsonb` on PostgreSQL, `?` on
//! SQLite, whose JSON is text).

macro_rules! desk_impl {
    ($store:ident, $conn:ty, $q:path, $json:expr) => {
        /// The [`crate::Desk`] statements (see `desk_sql.rs`).
        mod desk_gen {
            use chrono::{DateTime, Utc};
            use prensa_core::{Author, Id, NewAuthor, NewSection, PublicationEdit, Section, Tag};

            use super::newsroom_gen::{record_change_all, write_lock};
            use super::{$store, AUTHOR_COLUMNS};
            use crate::desk::PreviewLink;
            use crate::shared::{author_from, backend, section_from, sha256_hex, social_to_json, tag_from, utc_of};
            use crate::{Desk, Result, StoreError};

            type Conn = $conn;

            fn q(sql: &str) -> String {
                $q(&sql.replace("{json}", $json))
            }

            /// Commits on success; on any error rolls back at once, so a
            /// refused write holds no lock while the connection idles in the
            /// pool (a dropped transaction is only rolled back on reuse).
            pub(super) async fn finish<T, DB: sqlx::Database>(tx: sqlx::Transaction<'_, DB>, result: Result<T>) -> Result<T> {
                match result {
                    Ok(value) => {
                        tx.commit().await.map_err(backend)?;
                        Ok(value)
                    }
                    Err(e) => {
                        let _ = tx.rollback().await;
                        Err(e)
                    }
                }
            }

            fn taken(e: sqlx::Error, what: String) -> StoreError {
                match e.as_database_error() {
                    Some(d) if d.is_unique_violation() => StoreError::Invalid(what),
                    Some(d) if d.is_foreign_key_violation() => {
                        StoreError::Invalid("it refers to something that does not exist (an image?)".into())
                    }
                    _ => backend(e),
                }
            }

            async fn section_in(conn: &mut Conn, publication: Id, id: Id) -> Result<Section> {
                let row = sqlx::query(&q("SELECT id, slug, name, description FROM sections WHERE id = ? AND publication_id = ?"))
                    .bind(id)
                    .bind(publication)
                    .fetch_optional(&mut *conn)
                    .await
                    .map_err(backend)?
                    .ok_or(StoreError::NotFound)?;
                section_from(&row, 0)
            }

            /// Moves section `id` to the 1-based place `place` in the
            /// navigation (clamped to the list) and renumbers every section
            /// 0, 1, 2 … so the stored order is exactly the shown one.
            async fn place_section(conn: &mut Conn, publication: Id, id: Id, place: i64) -> Result<()> {
                let mut ids: Vec<Id> =
                    sqlx::query_scalar(&q("SELECT id FROM sections WHERE publication_id = ? AND id <> ? ORDER BY position, slug"))
                        .bind(publication)
                        .bind(id)
                        .fetch_all(&mut *conn)
                        .await
                        .map_err(backend)?;
                let at = usize::try_from(place.saturating_sub(1).max(0)).unwrap_or(0).min(ids.len());
                ids.insert(at, id);
                for (n, section) in ids.iter().enumerate() {
                    sqlx::query(&q("UPDATE sections SET position = ? WHERE id = ?"))
                        .bind(i64::try_from(n).unwrap_or(i64::MAX))
                        .bind(section)
                        .execute(&mut *conn)
                        .await
                        .map_err(backend)?;
                }
                Ok(())
            }

            async fn author_in(conn: &mut Conn, id: Id) -> Result<Author> {
                let sql = format!("SELECT {AUTHOR_COLUMNS} FROM authors au LEFT JOIN media m ON m.key = au.avatar WHERE au.id = ?");
                let row = sqlx::query(&q(&sql)).bind(id).fetch_optional(&mut *conn).await.map_err(backend)?;
                author_from(&row.ok_or(StoreError::NotFound)?)
            }

            /// Hashes preview tokens stored in plain text by versions before
            /// migration 0006 (a 43-character token where a digest has 64
            /// hex characters), so their links keep working and the
            /// database holds no usable token. Run when the store opens:
            /// SQLite has no SHA-256 to do it in the migration. Idempotent,
            /// so nodes opening the same database at once do no harm.
            pub(crate) async fn digest_legacy_preview_tokens(conn: &mut Conn) -> Result<u64> {
                let legacy: Vec<(Id, String)> = sqlx::query_as(
                    "SELECT id, preview_digest FROM articles WHERE preview_digest IS NOT NULL AND length(preview_digest) <> 64",
                )
                .fetch_all(&mut *conn)
                .await
                .map_err(backend)?;
                let mut done = 0;
                for (id, token) in legacy {
                    done += sqlx::query(&q("UPDATE articles SET preview_digest = ? WHERE id = ? AND preview_digest = ?"))
                        .bind(sha256_hex(&token))
                        .bind(id)
                        .bind(&token)
                        .execute(&mut *conn)
                        .await
                        .map_err(backend)?
                        .rows_affected();
                }
                Ok(done)
            }

            impl Desk for $store {
                async fn save_section(
                    &self,
                    publication: Id,
                    id: Option<Id>,
                    section: &NewSection,
                    position: Option<i64>,
                ) -> Result<Section> {
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    let result = async {
                        let tx = &mut tx;
                        write_lock(&mut *tx).await?;
                        let taken_msg = || format!("another section already has the slug `{}`", section.slug);
                        let id = match id {
                            Some(id) => {
                                section_in(&mut *tx, publication, id).await?;
                                sqlx::query(&q(
                                    "UPDATE sections SET slug = ?, name = ?, description = ? WHERE id = ?",
                                ))
                                .bind(&section.slug)
                                .bind(&section.name)
                                .bind(&section.description)
                                .bind(id)
                                .execute(&mut **tx)
                                .await
                                .map_err(|e| taken(e, taken_msg()))?;
                                id
                            }
                            None => sqlx::query_scalar(&q(
                                "INSERT INTO sections (publication_id, slug, name, description, position) \
                                 VALUES (?, ?, ?, ?, (SELECT COALESCE(MAX(position), 0) + 1 FROM sections WHERE publication_id = ?)) \
                                 RETURNING id",
                            ))
                            .bind(publication)
                            .bind(&section.slug)
                            .bind(&section.name)
                            .bind(&section.description)
                            .bind(publication)
                            .fetch_one(&mut **tx)
                            .await
                            .map_err(|e| taken(e, taken_msg()))?,
                        };
                        if let Some(place) = position {
                            place_section(&mut *tx, publication, id, place).await?;
                        }
                        record_change_all(&mut *tx).await?;
                        let saved = section_in(&mut *tx, publication, id).await?;
                        Ok(saved)
                    }
                    .await;
                    finish(tx, result).await
                }

                async fn delete_section(&self, publication: Id, id: Id) -> Result<()> {
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    let result = async {
                        let tx = &mut tx;
                        write_lock(&mut *tx).await?;
                        section_in(&mut *tx, publication, id).await?;
                        let articles: i64 = sqlx::query_scalar(&q("SELECT COUNT(*) FROM articles WHERE section_id = ?"))
                            .bind(id)
                            .fetch_one(&mut **tx)
                            .await
                            .map_err(backend)?;
                        if articles > 0 {
                            return Err(StoreError::SectionNotEmpty { articles: articles.unsigned_abs() });
                        }
                        sqlx::query(&q("DELETE FROM sections WHERE id = ?")).bind(id).execute(&mut **tx).await.map_err(backend)?;
                        record_change_all(&mut *tx).await?;
                        Ok(())
                    }
                    .await;
                    finish(tx, result).await
                }

                async fn rename_tag(&self, publication: Id, id: Id, name: &str, slug: &str) -> Result<Tag> {
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    let result = async {
                        let tx = &mut tx;
                        write_lock(&mut *tx).await?;
                        let done = sqlx::query(&q("UPDATE tags SET name = ?, slug = ? WHERE id = ? AND publication_id = ?"))
                            .bind(name)
                            .bind(slug)
                            .bind(id)
                            .bind(publication)
                            .execute(&mut **tx)
                            .await
                            .map_err(|e| taken(e, format!("another tag already has the slug `{slug}`")))?;
                        if done.rows_affected() == 0 {
                            return Err(StoreError::NotFound);
                        }
                        record_change_all(&mut *tx).await?;
                        let row = sqlx::query(&q("SELECT id, slug, name FROM tags WHERE id = ?"))
                            .bind(id)
                            .fetch_one(&mut **tx)
                            .await
                            .map_err(backend)?;
                        let tag = tag_from(&row)?;
                        Ok(tag)
                    }
                    .await;
                    finish(tx, result).await
                }

                async fn delete_tag(&self, publication: Id, id: Id) -> Result<()> {
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    let result = async {
                        let tx = &mut tx;
                        write_lock(&mut *tx).await?;
                        // Links go with it (ON DELETE CASCADE).
                        let done = sqlx::query(&q("DELETE FROM tags WHERE id = ? AND publication_id = ?"))
                            .bind(id)
                            .bind(publication)
                            .execute(&mut **tx)
                            .await
                            .map_err(backend)?;
                        if done.rows_affected() == 0 {
                            return Err(StoreError::NotFound);
                        }
                        record_change_all(&mut *tx).await?;
                        Ok(())
                    }
                    .await;
                    finish(tx, result).await
                }

                async fn save_author(&self, publication: Id, id: Option<Id>, author: &NewAuthor) -> Result<Author> {
                    let social = social_to_json(&author.social)?;
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    let result = async {
                        let tx = &mut tx;
                        write_lock(&mut *tx).await?;
                        let taken_msg = || format!("another author profile already has the slug `{}`", author.slug);
                        let id = match id {
                            Some(id) => {
                                let done = sqlx::query(&q(
                                    "UPDATE authors SET slug = ?, name = ?, bio = ?, avatar = ?, social = {json} WHERE id = ?",
                                ))
                                .bind(&author.slug)
                                .bind(&author.name)
                                .bind(&author.bio)
                                .bind(author.avatar.as_deref())
                                .bind(&social)
                                .bind(id)
                                .execute(&mut **tx)
                                .await
                                .map_err(|e| taken(e, taken_msg()))?;
                                if done.rows_affected() == 0 {
                                    return Err(StoreError::NotFound);
                                }
                                id
                            }
                            None => {
                                let id: Id = sqlx::query_scalar(&q(
                                    "INSERT INTO authors (slug, name, bio, avatar, social) VALUES (?, ?, ?, ?, {json}) RETURNING id",
                                ))
                                .bind(&author.slug)
                                .bind(&author.name)
                                .bind(&author.bio)
                                .bind(author.avatar.as_deref())
                                .bind(&social)
                                .fetch_one(&mut **tx)
                                .await
                                .map_err(|e| taken(e, taken_msg()))?;
                                sqlx::query(&q("INSERT INTO publication_authors (publication_id, author_id) VALUES (?, ?)"))
                                    .bind(publication)
                                    .bind(id)
                                    .execute(&mut **tx)
                                    .await
                                    .map_err(backend)?;
                                id
                            }
                        };
                        record_change_all(&mut *tx).await?;
                        let saved = author_in(&mut *tx, id).await?;
                        Ok(saved)
                    }
                    .await;
                    finish(tx, result).await
                }

                async fn update_publication(&self, id: Id, edit: &PublicationEdit) -> Result<()> {
                    let social = social_to_json(&edit.social)?;
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    let result = async {
                        let tx = &mut tx;
                        write_lock(&mut *tx).await?;
                        let done = sqlx::query(&q(
                            "UPDATE publications SET name = ?, tagline = ?, social = {json}, more_from_section = ?, \
                             most_recent = ?, page_size = ?, from_sister_sites = ?, feed_content = ? WHERE id = ?",
                        ))
                        .bind(&edit.name)
                        .bind(&edit.tagline)
                        .bind(&social)
                        .bind(i64::from(edit.settings.more_from_section))
                        .bind(i64::from(edit.settings.most_recent))
                        .bind(i64::from(edit.settings.page_size))
                        .bind(i64::from(edit.settings.from_sister_sites))
                        .bind(edit.settings.feed_content.as_str())
                        .bind(id)
                        .execute(&mut **tx)
                        .await
                        .map_err(backend)?;
                        if done.rows_affected() == 0 {
                            return Err(StoreError::NotFound);
                        }
                        record_change_all(&mut *tx).await?;
                        Ok(())
                    }
                    .await;
                    finish(tx, result).await
                }

                async fn set_preview_digest(&self, article: Id, digest: Option<&str>, now: DateTime<Utc>) -> Result<()> {
                    // Not content: readers' pages do not change, so no
                    // change-feed entry.
                    let done = sqlx::query(&q("UPDATE articles SET preview_digest = ?, preview_created_at = ? WHERE id = ?"))
                        .bind(digest)
                        .bind(digest.map(|_| now.timestamp()))
                        .bind(article)
                        .execute(&self.pool)
                        .await
                        .map_err(backend)?;
                    if done.rows_affected() == 0 {
                        return Err(StoreError::NotFound);
                    }
                    Ok(())
                }

                async fn preview_link(&self, article: Id) -> Result<Option<PreviewLink>> {
                    let row: Option<(Option<String>, Option<i64>)> =
                        sqlx::query_as(&q("SELECT preview_digest, preview_created_at FROM articles WHERE id = ?"))
                            .bind(article)
                            .fetch_optional(&self.pool)
                            .await
                            .map_err(backend)?;
                    let (digest, created_at) = row.ok_or(StoreError::NotFound)?;
                    Ok(match digest {
                        Some(_) => Some(PreviewLink { created_at: created_at.map(utc_of).transpose()? }),
                        None => None,
                    })
                }

                async fn article_by_preview_digest(&self, digest: &str) -> Result<Option<Id>> {
                    sqlx::query_scalar(&q("SELECT id FROM articles WHERE preview_digest = ?"))
                        .bind(digest)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(backend)
                }
            }
        }
    };
}

pub(crate) use desk_impl;
