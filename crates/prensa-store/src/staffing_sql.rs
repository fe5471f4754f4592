//! [`crate::Staffing`] for both backends, written once like `desk_sql.rs`:
//! `?` placeholders, numbered for PostgreSQL by the backend's `$q`, and the
//! `$json` spelling of a JSON parameter (`?::jsonb` on PostgreSQL).

macro_rules! staffing_impl {
    ($store:ident, $conn:ty, $q:path, $json:expr) => {
        /// The [`crate::Staffing`] statements (see `staffing_sql.rs`).
        mod staffing_gen {
            use chrono::{DateTime, Duration, Utc};
            use prensa_core::{slug, EditableArticle, Id, NewUser, SocialLinks, User};

            use super::$store;
            use super::desk_gen::finish;
            use super::newsroom_gen::{create_user_in, editable_in, footprint_in, record_change, user_in, with_group, write_lock};
            use crate::editorial_sql::{checked_note, note_from, NOTE_COLUMNS};
            use crate::newsroom_sql::change_keys;
            use crate::shared::{backend, social_to_json, u64_of, utc_of, Cols};
            use crate::staffing::{NewProfile, NotesWaiting, TrashedArticle, PURGE_JOB, TRASH_DAYS};
            use crate::{ReviewNote, Result, Staffing, StoreError};

            type Conn = $conn;

            fn q(sql: &str) -> String {
                $q(&sql.replace("{json}", $json))
            }

            /// Creates the invitee's author profile, writing for
            /// `publication`; its id. The caller holds the write lock.
            async fn create_profile_in(conn: &mut Conn, profile: &NewProfile, publication: Id) -> Result<Id> {
                let name = profile.name.trim();
                if name.is_empty() {
                    return Err(StoreError::Invalid("the new author profile needs a name".into()));
                }
                if !slug::is_valid_slug(&profile.slug) {
                    return Err(StoreError::Invalid(format!(
                        "`{}` cannot be a profile's slug: use lower-case letters, digits and single dashes",
                        profile.slug
                    )));
                }
                let taken: Option<i64> = sqlx::query_scalar(&q("SELECT id FROM authors WHERE slug = ?"))
                    .bind(&profile.slug)
                    .fetch_optional(&mut *conn)
                    .await
                    .map_err(backend)?;
                if taken.is_some() {
                    return Err(StoreError::Invalid(format!("another author profile already has the slug `{}`", profile.slug)));
                }
                let found: Option<i64> = sqlx::query_scalar(&q("SELECT id FROM publications WHERE id = ?"))
                    .bind(publication)
                    .fetch_optional(&mut *conn)
                    .await
                    .map_err(backend)?;
                if found.is_none() {
                    return Err(StoreError::Invalid(format!("there is no publication {publication}")));
                }
                let id: Id = sqlx::query_scalar(&q(
                    "INSERT INTO authors (slug, name, bio, avatar, social) VALUES (?, ?, '', NULL, {json}) RETURNING id",
                ))
                .bind(&profile.slug)
                .bind(name)
                .bind(social_to_json(&SocialLinks::default())?)
                .fetch_one(&mut *conn)
                .await
                .map_err(backend)?;
                sqlx::query(&q("INSERT INTO publication_authors (publication_id, author_id) VALUES (?, ?)"))
                    .bind(publication)
                    .bind(id)
                    .execute(&mut *conn)
                    .await
                    .map_err(backend)?;
                // The new profile is listed on the desk's authors page (and
                // nowhere public until it has an article).
                record_change(&mut *conn, &[format!("author:{id}")]).await?;
                Ok(id)
            }

            /// Whether deactivating `user` would leave no active
            /// administrator where it is one: the reason, if so.
            async fn last_admin_in(conn: &mut Conn, user: &User) -> Result<Option<String>> {
                if user.network_wide {
                    if user.role != prensa_core::permissions::Role::Administrator {
                        return Ok(None);
                    }
                    let others: i64 = sqlx::query_scalar(&q(
                        "SELECT COUNT(*) FROM users WHERE network_wide = true AND role = 'administrator' \
                         AND deactivated_at IS NULL AND id <> ?",
                    ))
                    .bind(user.id)
                    .fetch_one(&mut *conn)
                    .await
                    .map_err(backend)?;
                    return Ok((others == 0).then(|| {
                        format!("{} is the last active network-wide administrator; make another account one first", user.email)
                    }));
                }
                let administered: Vec<(Id, String)> = sqlx::query_as(&q(
                    "SELECT p.id, p.name FROM publication_roles r JOIN publications p ON p.id = r.publication_id \
                     WHERE r.user_id = ? AND r.role = 'administrator' ORDER BY p.id",
                ))
                .bind(user.id)
                .fetch_all(&mut *conn)
                .await
                .map_err(backend)?;
                for (publication, name) in administered {
                    let others: i64 = sqlx::query_scalar(&q(
                        "SELECT COUNT(*) FROM users x WHERE x.id <> ? AND x.deactivated_at IS NULL \
                         AND ((x.network_wide = true AND x.role = 'administrator') OR EXISTS \
                           (SELECT 1 FROM publication_roles r WHERE r.user_id = x.id AND r.publication_id = ? \
                            AND r.role = 'administrator'))",
                    ))
                    .bind(user.id)
                    .bind(publication)
                    .fetch_one(&mut *conn)
                    .await
                    .map_err(backend)?;
                    if others == 0 {
                        return Ok(Some(format!(
                            "{} is the last active administrator of {name}; make another account its administrator first",
                            user.email
                        )));
                    }
                }
                Ok(None)
            }

            async fn note_in(conn: &mut Conn, id: Id) -> Result<Option<ReviewNote>> {
                let sql = format!("SELECT {NOTE_COLUMNS} FROM review_notes n LEFT JOIN users u ON u.id = n.user_id WHERE n.id = ?");
                let row = sqlx::query(&q(&sql)).bind(id).fetch_optional(&mut *conn).await.map_err(backend)?;
                row.map(|r| note_from(&r)).transpose()
            }

            /// Deletes article `id` (in the trash) and everything of it the
            /// schema cascades to. If it is the original of a translation
            /// group, the oldest translation becomes the group's original
            /// first, following its own current version. The caller holds
            /// the write lock and commits.
            async fn delete_in(conn: &mut Conn, id: Id) -> Result<()> {
                let members: Vec<Id> =
                    sqlx::query_scalar(&q("SELECT article_id FROM translations WHERE original_id = ? ORDER BY article_id"))
                        .bind(id)
                        .fetch_all(&mut *conn)
                        .await
                        .map_err(backend)?;
                if let Some(&first) = members.first() {
                    sqlx::query(&q("DELETE FROM translations WHERE article_id = ?"))
                        .bind(first)
                        .execute(&mut *conn)
                        .await
                        .map_err(backend)?;
                    sqlx::query(&q(
                        "UPDATE translations SET original_id = ?, \
                           original_version = (SELECT version FROM articles WHERE id = ?) WHERE original_id = ?",
                    ))
                    .bind(first)
                    .bind(first)
                    .bind(id)
                    .execute(&mut *conn)
                    .await
                    .map_err(backend)?;
                }
                sqlx::query(&q("DELETE FROM articles WHERE id = ?")).bind(id).execute(&mut *conn).await.map_err(backend)?;
                let mut keys = vec![format!("article:{id}")];
                keys.extend(members.iter().map(|m| format!("translations:{m}")));
                record_change(&mut *conn, &keys).await?;
                Ok(())
            }

            impl Staffing for $store {
                async fn invite_user(
                    &self,
                    user: &NewUser,
                    profile: Option<&NewProfile>,
                    profile_publication: Id,
                    now: DateTime<Utc>,
                ) -> Result<User> {
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    let result = async {
                        let tx = &mut tx;
                        write_lock(&mut *tx).await?;
                        let mut user = user.clone();
                        if let Some(profile) = profile {
                            user.author_id = Some(create_profile_in(&mut *tx, profile, profile_publication).await?);
                        }
                        create_user_in(&mut *tx, &user, now).await
                    }
                    .await;
                    finish(tx, result).await
                }

                async fn set_user_author(&self, user: Id, author: Option<Id>) -> Result<User> {
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    let result = async {
                        let tx = &mut tx;
                        write_lock(&mut *tx).await?;
                        if let Some(author) = author {
                            let found: Option<i64> = sqlx::query_scalar(&q("SELECT id FROM authors WHERE id = ?"))
                                .bind(author)
                                .fetch_optional(&mut **tx)
                                .await
                                .map_err(backend)?;
                            if found.is_none() {
                                return Err(StoreError::Invalid(format!("there is no author profile {author}")));
                            }
                        }
                        let done = sqlx::query(&q("UPDATE users SET author_id = ? WHERE id = ?"))
                            .bind(author)
                            .bind(user)
                            .execute(&mut **tx)
                            .await
                            .map_err(backend)?;
                        if done.rows_affected() == 0 {
                            return Err(StoreError::NotFound);
                        }
                        user_in(&mut *tx, user).await?.ok_or(StoreError::NotFound)
                    }
                    .await;
                    finish(tx, result).await
                }

                async fn set_user_active(&self, user: Id, active: bool, now: DateTime<Utc>) -> Result<User> {
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    let result = async {
                        let tx = &mut tx;
                        // One row every deactivation writes first, on both
                        // backends (SQLite's write lock, PostgreSQL's row
                        // lock): two administrators deactivating each other
                        // take turns, and the second finds itself the last.
                        sqlx::query("UPDATE content_version SET version = version WHERE id = 1")
                            .execute(&mut **tx)
                            .await
                            .map_err(backend)?;
                        let account = user_in(&mut *tx, user).await?.ok_or(StoreError::NotFound)?;
                        if active {
                            sqlx::query(&q("UPDATE users SET deactivated_at = NULL WHERE id = ?"))
                                .bind(user)
                                .execute(&mut **tx)
                                .await
                                .map_err(backend)?;
                        } else if account.is_active() {
                            if let Some(why) = last_admin_in(&mut *tx, &account).await? {
                                return Err(StoreError::Invalid(why));
                            }
                            sqlx::query(&q("UPDATE users SET deactivated_at = ? WHERE id = ?"))
                                .bind(now.timestamp())
                                .bind(user)
                                .execute(&mut **tx)
                                .await
                                .map_err(backend)?;
                        }
                        if !active {
                            sqlx::query(&q("DELETE FROM sessions WHERE user_id = ?"))
                                .bind(user)
                                .execute(&mut **tx)
                                .await
                                .map_err(backend)?;
                            sqlx::query(&q("DELETE FROM user_tokens WHERE user_id = ? AND used_at IS NULL"))
                                .bind(user)
                                .execute(&mut **tx)
                                .await
                                .map_err(backend)?;
                        }
                        user_in(&mut *tx, user).await?.ok_or(StoreError::NotFound)
                    }
                    .await;
                    finish(tx, result).await
                }

                async fn reply_to_note(&self, article: Id, note: Id, user: Id, body: &str, now: DateTime<Utc>) -> Result<ReviewNote> {
                    let body = checked_note(body)?;
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    let result = async {
                        let tx = &mut tx;
                        write_lock(&mut *tx).await?;
                        let found: Option<(Id, Option<Id>)> =
                            sqlx::query_as(&q("SELECT article_id, reply_to FROM review_notes WHERE id = ?"))
                                .bind(note)
                                .fetch_optional(&mut **tx)
                                .await
                                .map_err(backend)?;
                        let root = match found {
                            Some((on, reply_to)) if on == article => reply_to.unwrap_or(note),
                            _ => return Err(StoreError::NotFound),
                        };
                        // Locks the thread's first note while it is open, so
                        // a reply and a resolution do not cross.
                        let open = sqlx::query(&q("UPDATE review_notes SET id = id WHERE id = ? AND resolved_at IS NULL"))
                            .bind(root)
                            .execute(&mut **tx)
                            .await
                            .map_err(backend)?;
                        if open.rows_affected() == 0 {
                            return Err(StoreError::Invalid("that review note is resolved; its thread takes no more replies".into()));
                        }
                        let id: i64 = sqlx::query_scalar(&q(
                            "INSERT INTO review_notes (article_id, user_id, body, created_at, reply_to) \
                             VALUES (?, ?, ?, ?, ?) RETURNING id",
                        ))
                        .bind(article)
                        .bind(user)
                        .bind(&body)
                        .bind(now.timestamp())
                        .bind(root)
                        .fetch_one(&mut **tx)
                        .await
                        .map_err(backend)?;
                        note_in(&mut *tx, id).await?.ok_or(StoreError::NotFound)
                    }
                    .await;
                    finish(tx, result).await
                }

                async fn notes_waiting(&self, publication: Id, author: Id) -> Result<Vec<NotesWaiting>> {
                    let rows: Vec<(Id, String, i64, i64)> = sqlx::query_as(&q(
                        "SELECT a.id, a.headline, COUNT(*), MAX(n.created_at) FROM review_notes n \
                         JOIN articles a ON a.id = n.article_id \
                         WHERE a.publication_id = ? AND a.trashed_at IS NULL AND n.resolved_at IS NULL \
                           AND n.reply_to IS NULL \
                           AND EXISTS (SELECT 1 FROM article_authors w WHERE w.article_id = a.id AND w.author_id = ?) \
                         GROUP BY a.id, a.headline ORDER BY MAX(n.created_at) DESC, a.id DESC",
                    ))
                    .bind(publication)
                    .bind(author)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(backend)?;
                    Ok(rows
                        .into_iter()
                        .map(|(article_id, headline, open, _)| NotesWaiting { article_id, headline, open: u64_of(open) })
                        .collect())
                }

                async fn trashed_at(&self, article: Id) -> Result<Option<DateTime<Utc>>> {
                    let at: Option<Option<i64>> = sqlx::query_scalar(&q("SELECT trashed_at FROM articles WHERE id = ?"))
                        .bind(article)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(backend)?;
                    at.flatten().map(utc_of).transpose()
                }

                async fn trash_article(&self, article: Id, user: Id, now: DateTime<Utc>) -> Result<EditableArticle> {
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    let result = async {
                        let tx = &mut tx;
                        // The write first: it takes the lock (SQLite) and the
                        // row (PostgreSQL) before anything is read.
                        let locked = sqlx::query(&q("UPDATE articles SET version = version WHERE id = ? AND trashed_at IS NULL"))
                            .bind(article)
                            .execute(&mut **tx)
                            .await
                            .map_err(backend)?;
                        if locked.rows_affected() == 0 {
                            return Err(match editable_in(&mut *tx, article).await? {
                                Some(_) => StoreError::Invalid("the article is already in the trash".into()),
                                None => StoreError::NotFound,
                            });
                        }
                        let before = footprint_in(&mut *tx, article).await?;
                        sqlx::query(&q(
                            "UPDATE articles SET status = 'draft', in_review = false, trashed_at = ?, trashed_by = ?, \
                               preview_digest = NULL, preview_created_at = NULL, version = version + 1, updated_at = ?, \
                               updated_offset = 0, updated_by = ? WHERE id = ?",
                        ))
                        .bind(now.timestamp())
                        .bind(user)
                        .bind(now.timestamp())
                        .bind(user)
                        .bind(article)
                        .execute(&mut **tx)
                        .await
                        .map_err(backend)?;
                        sqlx::query(&q("DELETE FROM scheduled_changes WHERE article_id = ? AND done_at IS NULL"))
                            .bind(article)
                            .execute(&mut **tx)
                            .await
                            .map_err(backend)?;
                        let after = footprint_in(&mut *tx, article).await?;
                        let keys = with_group(&mut *tx, article, change_keys(article, Some(&before), &after, now.timestamp())).await?;
                        record_change(&mut *tx, &keys).await?;
                        editable_in(&mut *tx, article).await?.ok_or(StoreError::NotFound)
                    }
                    .await;
                    finish(tx, result).await
                }

                async fn restore_article(&self, article: Id, user: Id, now: DateTime<Utc>) -> Result<EditableArticle> {
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    let result = async {
                        let tx = &mut tx;
                        let done = sqlx::query(&q(
                            "UPDATE articles SET trashed_at = NULL, trashed_by = NULL, version = version + 1, updated_at = ?, \
                               updated_offset = 0, updated_by = ? WHERE id = ? AND trashed_at IS NOT NULL",
                        ))
                        .bind(now.timestamp())
                        .bind(user)
                        .bind(article)
                        .execute(&mut **tx)
                        .await
                        .map_err(backend)?;
                        if done.rows_affected() == 0 {
                            return Err(StoreError::NotFound);
                        }
                        record_change(&mut *tx, &[format!("article:{article}")]).await?;
                        editable_in(&mut *tx, article).await?.ok_or(StoreError::NotFound)
                    }
                    .await;
                    finish(tx, result).await
                }

                async fn trashed_articles(&self, publication: Id) -> Result<Vec<TrashedArticle>> {
                    let mut conn = self.pool.acquire().await.map_err(backend)?;
                    let rows = sqlx::query(&q(
                        "SELECT a.id, a.slug, a.headline, a.ever_published, a.trashed_at, coalesce(u.name, '') \
                         FROM articles a LEFT JOIN users u ON u.id = a.trashed_by \
                         WHERE a.publication_id = ? AND a.trashed_at IS NOT NULL ORDER BY a.trashed_at DESC, a.id DESC",
                    ))
                    .bind(publication)
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(backend)?;
                    let mut out = Vec::with_capacity(rows.len());
                    for row in &rows {
                        let id = row.int(0)?;
                        let author_ids: Vec<Id> = sqlx::query_scalar(&q(
                            "SELECT author_id FROM article_authors WHERE article_id = ? ORDER BY position, author_id",
                        ))
                        .bind(id)
                        .fetch_all(&mut *conn)
                        .await
                        .map_err(backend)?;
                        out.push(TrashedArticle {
                            id,
                            slug: row.text(1)?,
                            headline: row.text(2)?,
                            author_ids,
                            ever_published: row.boolean(3)?,
                            trashed_at: utc_of(row.int(4)?)?,
                            trashed_by: row.text(5)?,
                        });
                    }
                    Ok(out)
                }

                async fn delete_forever(&self, article: Id) -> Result<bool> {
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    let result = async {
                        let tx = &mut tx;
                        let locked = sqlx::query(&q("UPDATE articles SET version = version WHERE id = ? AND trashed_at IS NOT NULL"))
                            .bind(article)
                            .execute(&mut **tx)
                            .await
                            .map_err(backend)?;
                        if locked.rows_affected() == 0 {
                            return Ok(false);
                        }
                        delete_in(&mut *tx, article).await?;
                        Ok(true)
                    }
                    .await;
                    finish(tx, result).await
                }

                async fn purge_trash(&self, now: DateTime<Utc>, every: Duration) -> Result<Option<Vec<Id>>> {
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    let result = async {
                        let tx = &mut tx;
                        // The claim (see the module docs of `staffing.rs`).
                        let claimed = sqlx::query(&q("UPDATE job_claims SET next_run_at = ? WHERE name = ? AND next_run_at <= ?"))
                            .bind((now + every).timestamp())
                            .bind(PURGE_JOB)
                            .bind(now.timestamp())
                            .execute(&mut **tx)
                            .await
                            .map_err(backend)?;
                        if claimed.rows_affected() == 0 {
                            return Ok(None);
                        }
                        let due: Vec<Id> = sqlx::query_scalar(&q(
                            "SELECT id FROM articles WHERE trashed_at IS NOT NULL AND trashed_at <= ? ORDER BY id",
                        ))
                        .bind((now - Duration::days(TRASH_DAYS)).timestamp())
                        .fetch_all(&mut **tx)
                        .await
                        .map_err(backend)?;
                        for id in &due {
                            delete_in(&mut *tx, *id).await?;
                        }
                        Ok(Some(due))
                    }
                    .await;
                    finish(tx, result).await
                }
            }
        }
    };
}

pub(crate) use staffing_impl;
