//! [`crate::Newsroom`] for both backends, written once.
//!
//! The newsroom's statements use only SQL that SQLite and PostgreSQL read
//! the same way (`RETURNING`, `ON CONFLICT`, window counts, `true`/`false`,
//! `lower(…) LIKE … ESCAPE`), and no JSON aggregates: bylines come from a
//! second indexed query. They are written with `?` placeholders; the
//! PostgreSQL expansion numbers them (`$1`, `$2` …) with [`numbered`]. The
//! statements themselves live in [`newsroom_impl`], expanded once in each
//! backend's module with that backend's connection type, so the two cannot
//! drift apart. Writing an article (the checks, create, lock, save, status
//! changes) is in `article_write_sql.rs`, re-exported from here; this file
//! keeps the change feed, accounts, roles, sessions, single-use links, the
//! sign-in throttle, the admin's lists and the [`crate::Newsroom`] methods.

use std::collections::HashSet;

use prensa_core::permissions::Stage;
use prensa_core::{EditableArticle, Id};

/// How many rows the change feed keeps.
pub(crate) const KEEP_CHANGES: i64 = 10_000;

/// A session's last use is written again only once it is this many
/// seconds old: the idle limit is counted in minutes, and a write per
/// request would turn every page an editor opens into one.
pub(crate) const SESSION_TOUCH_SECS: i64 = 60;

/// SQLite reads `?` placeholders as they are.
pub(crate) fn plain(sql: &str) -> String {
    sql.to_owned()
}

/// `?` placeholders as PostgreSQL's `$1`, `$2` … (the newsroom's SQL has
/// no `?` anywhere else).
pub(crate) fn numbered(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut n = 0;
    for c in sql.chars() {
        if c == '?' {
            n += 1;
            out.push('$');
            out.push_str(&n.to_string());
        } else {
            out.push(c);
        }
    }
    out
}

/// A parameter of a statement assembled at run time.
pub(crate) enum Arg {
    Int(i64),
    Text(String),
}

/// A `LIKE` pattern matching `search` anywhere, lower-cased, with the
/// user's `%`, `_` and `\` taken literally (`ESCAPE '\'`).
pub(crate) fn like_pattern(search: &str) -> String {
    let mut out = String::with_capacity(search.len() + 2);
    out.push('%');
    for c in search.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// `prensa_core::stage_of` as a filter on `articles a`, and whether it
/// takes `now` (seconds) as its one parameter.
pub(crate) fn stage_filter(stage: Stage) -> (&'static str, bool) {
    match stage {
        Stage::Draft => (" AND a.status = 'draft' AND a.in_review = false AND a.ever_published = false", false),
        Stage::InReview => (" AND a.status = 'draft' AND a.in_review = true", false),
        Stage::Unpublished => (" AND a.status = 'draft' AND a.in_review = false AND a.ever_published = true", false),
        Stage::Scheduled => (" AND a.status = 'published' AND a.published_at > ?", true),
        Stage::Published => (" AND a.status = 'published' AND a.published_at <= ?", true),
    }
}

/// What of an article decides which cached pages a write to it touches.
#[derive(Debug, Clone)]
pub(crate) struct ArticleFootprint {
    pub published: bool,
    pub published_at: i64,
    pub section: Id,
    pub authors: Vec<Id>,
    pub tags: Vec<Id>,
}

/// What `lock_article` found once it held the article's row lock.
pub(crate) enum Locked {
    /// The article at the version the caller read: safe to write over.
    Current(EditableArticle),
    /// Someone saved it since: its version moved past the one expected.
    Stale(EditableArticle),
}

impl Locked {
    /// The article as it is now, whichever it was.
    pub(crate) fn into_current(self) -> EditableArticle {
        match self {
            Locked::Current(a) | Locked::Stale(a) => a,
        }
    }
}

/// The change feed's keys for a write to article `id`: only its own page
/// for a draft nobody could see before or after; otherwise also its
/// sections, authors and tags (before and after) and the lists.
pub(crate) fn change_keys(
    id: Id,
    before: Option<&ArticleFootprint>,
    after: &ArticleFootprint,
    now: i64,
) -> Vec<String> {
    let was_visible = before.is_some_and(|b| b.published && b.published_at <= now);
    let mut keys = vec![format!("article:{id}")];
    if !was_visible && !after.published {
        return keys;
    }
    let both: Vec<&ArticleFootprint> = before.into_iter().chain([after]).collect();
    for r in &both {
        keys.push(format!("section:{}", r.section));
    }
    for r in &both {
        keys.extend(r.authors.iter().map(|a| format!("author:{a}")));
    }
    for r in &both {
        keys.extend(r.tags.iter().map(|t| format!("tag:{t}")));
    }
    keys.push("home".into());
    keys.push("recent".into());
    let mut seen = HashSet::new();
    keys.retain(|k| seen.insert(k.clone()));
    keys
}

/// Implements [`crate::Newsroom`] for `$store` (a struct with a `pool`),
/// whose connections are `$conn`, with `$q` turning the `?` placeholders
/// into the backend's and `$lock` (if any) run first in every writing
/// transaction that does not start with a write, so that it holds the
/// database's write lock before it reads (SQLite).
macro_rules! newsroom_impl {
    ($store:ident, $conn:ty, $q:path, $lock:expr) => {
        /// The [`crate::Newsroom`] statements (see `newsroom_sql.rs`).
        mod newsroom_gen {
            use chrono::{DateTime, Utc};
            use prensa_core::permissions::Role;
            use prensa_core::{
                AdminArticleRow, AdminQuery, ArticleDraft, Author, Change, EditableArticle, Id, MediaAsset, NewUser,
                Page, Revision, SaveOutcome, Tag, TokenKind, Transition, User,
            };

            use super::{$store, AUTHOR_COLUMNS};
            use crate::newsroom_sql::{like_pattern, stage_filter, Arg, Locked, KEEP_CHANGES, SESSION_TOUCH_SECS};
            use crate::shared::{
                admin_row_from, author_from, backend, i64_of, media_from, revision_from, tag_from, u64_of, user_from,
                USER_COLUMNS,
            };
            use crate::newsroom::{LoginAttempt, LoginGate};
            use crate::{Newsroom, Result, StoreError, CHANGE_ALL};
            use sqlx::Row;

            type Conn = $conn;

            fn q(sql: &str) -> String {
                $q(sql)
            }

            const WRITE_LOCK: Option<&str> = $lock;

            // Writing articles lives in `article_write_sql.rs`; callers
            // across the store find it here, with the other newsroom writes.
            pub(super) use super::article_write_gen::{
                create_in, editable_in, footprint_in, lock_article, save_in, transition_in,
            };

            pub(super) async fn write_lock(conn: &mut Conn) -> Result<()> {
                if let Some(sql) = WRITE_LOCK {
                    sqlx::query(sql).execute(&mut *conn).await.map_err(backend)?;
                }
                Ok(())
            }

            /// Bumps the content version and records the write's keys in
            /// the change feed (dropping what falls off its end).
            pub(crate) async fn record_change(conn: &mut Conn, keys: &[String]) -> Result<i64> {
                let version: i64 =
                    sqlx::query_scalar("UPDATE content_version SET version = version + 1 WHERE id = 1 RETURNING version")
                        .fetch_one(&mut *conn)
                        .await
                        .map_err(backend)?;
                sqlx::query(&q("INSERT INTO content_changes (version, keys) VALUES (?, ?)"))
                    .bind(version)
                    .bind(keys.join(" "))
                    .execute(&mut *conn)
                    .await
                    .map_err(backend)?;
                sqlx::query(&q("DELETE FROM content_changes WHERE version <= ?"))
                    .bind(version - KEEP_CHANGES)
                    .execute(&mut *conn)
                    .await
                    .map_err(backend)?;
                Ok(version)
            }

            /// `keys` (an article write's, from [`change_keys`]) plus, when
            /// readers could see the change, `translations:N` for every
            /// other article of its translation group: their pages link to
            /// it ("Also in", hreflang).
            pub(super) async fn with_group(conn: &mut Conn, id: Id, mut keys: Vec<String>) -> Result<Vec<String>> {
                if keys.len() <= 1 {
                    return Ok(keys);
                }
                let members: Vec<Id> = sqlx::query_scalar(&q(
                    "SELECT o.id FROM articles o, \
                       (SELECT COALESCE((SELECT original_id FROM translations WHERE article_id = ?), ?) AS original) g \
                     WHERE (o.id = g.original OR o.id IN (SELECT article_id FROM translations WHERE original_id = g.original)) \
                       AND o.id <> ? ORDER BY o.id",
                ))
                .bind(id)
                .bind(id)
                .bind(id)
                .fetch_all(&mut *conn)
                .await
                .map_err(backend)?;
                keys.extend(members.into_iter().map(|m| format!("translations:{m}")));
                Ok(keys)
            }

            /// [`record_change`] for a write whose reach is unknown.
            pub(crate) async fn record_change_all(conn: &mut Conn) -> Result<i64> {
                record_change(conn, &[CHANGE_ALL.to_owned()]).await
            }

            pub(super) async fn user_in(conn: &mut Conn, id: Id) -> Result<Option<User>> {
                let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.id = ?");
                let row = sqlx::query(&q(&sql)).bind(id).fetch_optional(&mut *conn).await.map_err(backend)?;
                row.map(|r| user_from(&r)).transpose()
            }


            async fn count_in(conn: &mut Conn, sql: &str, args: &[Arg]) -> Result<u64> {
                let mut count = sqlx::query_scalar::<_, i64>(sql);
                for arg in args {
                    count = match arg {
                        Arg::Int(v) => count.bind(*v),
                        Arg::Text(s) => count.bind(s.as_str()),
                    };
                }
                Ok(u64_of(count.fetch_one(&mut *conn).await.map_err(backend)?))
            }

            async fn bylines_of(conn: &mut Conn, rows: &mut [AdminArticleRow]) -> Result<()> {
                if rows.is_empty() {
                    return Ok(());
                }
                // Ids this store produced: safe to format into the SQL.
                let ids = rows.iter().map(|r| r.id.to_string()).collect::<Vec<_>>().join(",");
                let sql = format!(
                    "SELECT aa.article_id, au.id, au.name FROM article_authors aa JOIN authors au ON au.id = aa.author_id \
                     WHERE aa.article_id IN ({ids}) ORDER BY aa.article_id, aa.position, au.id"
                );
                let bylines: Vec<(i64, i64, String)> =
                    sqlx::query_as(&sql).fetch_all(&mut *conn).await.map_err(backend)?;
                for (article, author, name) in bylines {
                    if let Some(row) = rows.iter_mut().find(|r| r.id == article) {
                        row.author_ids.push(author);
                        row.authors.push(name);
                    }
                }
                Ok(())
            }

            /// How long (seconds, at most `window`) until another sign-in
            /// attempt is allowed for every one of `keys`, if it is not now:
            /// a key is throttled while its `limit`-th most recent failure
            /// is less than `window` seconds old (as prensa-auth's
            /// in-memory throttle counted before).
            async fn login_wait_in(conn: &mut Conn, keys: &[&str], limit: u32, window: i64, now: i64) -> Result<Option<u64>> {
                let mut wait = 0;
                for key in keys {
                    let oldest_that_counts: Option<i64> = sqlx::query_scalar(&q(
                        "SELECT failed_at FROM login_failures WHERE scope = ? AND failed_at > ? \
                         ORDER BY failed_at DESC LIMIT 1 OFFSET ?",
                    ))
                    .bind(*key)
                    .bind(now - window)
                    .bind(i64::from(limit.max(1) - 1))
                    .fetch_optional(&mut *conn)
                    .await
                    .map_err(backend)?;
                    if let Some(at) = oldest_that_counts {
                        // Capped: a node whose clock runs ahead must not
                        // lock anyone out for longer than the window.
                        wait = wait.max((at + window - now).min(window));
                    }
                }
                Ok((wait > 0).then(|| u64::try_from(wait).unwrap_or(1)))
            }

            /// [`Newsroom::begin_login`]'s transaction (the caller commits).
            ///
            /// Why a lock row rather than per-key row locks: counting and
            /// recording must be one step, or two nodes could both count 4
            /// and both let a fifth try through. Under PostgreSQL's READ
            /// COMMITTED that needs a lock; one row taken first by every
            /// such transaction makes them take turns (on SQLite the no-op
            /// update takes the database's write lock, the same effect).
            /// One lock rather than one per key also lets the transaction
            /// prune expired rows of any key without risking a deadlock,
            /// and costs little: it is held for a few indexed statements,
            /// only by attempts that will go on to run argon2 (refusals
            /// are answered by the plain read before it), which bounds
            /// their rate far below what the lock could serve.
            async fn record_login_in(conn: &mut Conn, keys: &[&str], limit: u32, window: i64, now: i64) -> Result<LoginGate> {
                sqlx::query("UPDATE login_throttle_lock SET id = id WHERE id = 1")
                    .execute(&mut *conn)
                    .await
                    .map_err(backend)?;
                if let Some(retry_after_secs) = login_wait_in(conn, keys, limit, window, now).await? {
                    return Ok(LoginGate::Throttled { retry_after_secs });
                }
                sqlx::query(&q("DELETE FROM login_failures WHERE failed_at <= ?"))
                    .bind(now - window)
                    .execute(&mut *conn)
                    .await
                    .map_err(backend)?;
                let mut rows = Vec::with_capacity(keys.len());
                for key in keys {
                    let id: Id = sqlx::query_scalar(&q("INSERT INTO login_failures (scope, failed_at) VALUES (?, ?) RETURNING id"))
                        .bind(*key)
                        .bind(now)
                        .fetch_one(&mut *conn)
                        .await
                        .map_err(backend)?;
                    rows.push(id);
                }
                Ok(LoginGate::Open(LoginAttempt { rows }))
            }


            /// [`Newsroom::create_user`] inside the caller's transaction
            /// (which holds the write lock); the caller commits.
            pub(crate) async fn create_user_in(tx: &mut Conn, user: &NewUser, now: DateTime<Utc>) -> Result<User> {
                let taken: Option<i64> = sqlx::query_scalar(&q("SELECT id FROM users WHERE email = ?"))
                    .bind(&user.email)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(backend)?;
                if taken.is_some() {
                    return Err(StoreError::Invalid("an account with that e-mail already exists".into()));
                }
                if let Some(author) = user.author_id {
                    let found: Option<i64> = sqlx::query_scalar(&q("SELECT id FROM authors WHERE id = ?"))
                        .bind(author)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(backend)?;
                    if found.is_none() {
                        return Err(StoreError::Invalid(format!("there is no author profile {author}")));
                    }
                }
                if let Some(publication) = user.publication {
                    let found: Option<i64> = sqlx::query_scalar(&q("SELECT id FROM publications WHERE id = ?"))
                        .bind(publication)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(backend)?;
                    if found.is_none() {
                        return Err(StoreError::Invalid(format!("there is no publication {publication}")));
                    }
                }
                let id: i64 = sqlx::query_scalar(&q(
                    "INSERT INTO users (email, name, role, author_id, created_at, network_wide) \
                     VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                ))
                .bind(&user.email)
                .bind(&user.name)
                .bind(user.role.as_str())
                .bind(user.author_id)
                .bind(now.timestamp())
                .bind(user.publication.is_none())
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| match e.as_database_error() {
                    Some(d) if d.is_unique_violation() => {
                        StoreError::Invalid("an account with that e-mail already exists".into())
                    }
                    _ => backend(e),
                })?;
                if let Some(publication) = user.publication {
                    sqlx::query(&q("INSERT INTO publication_roles (user_id, publication_id, role) VALUES (?, ?, ?)"))
                        .bind(id)
                        .bind(publication)
                        .bind(user.role.as_str())
                        .execute(&mut *tx)
                        .await
                        .map_err(backend)?;
                }
                user_in(&mut *tx, id).await?.ok_or(StoreError::NotFound)
            }

            impl Newsroom for $store {
                async fn create_user(&self, user: &NewUser, now: DateTime<Utc>) -> Result<User> {
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    write_lock(&mut tx).await?;
                    let created = create_user_in(&mut tx, user, now).await?;
                    tx.commit().await.map_err(backend)?;
                    Ok(created)
                }

                async fn publication_role(&self, user: Id, publication: Id) -> Result<Option<Role>> {
                    let role: Option<String> =
                        sqlx::query_scalar(&q("SELECT role FROM publication_roles WHERE user_id = ? AND publication_id = ?"))
                            .bind(user)
                            .bind(publication)
                            .fetch_optional(&self.pool)
                            .await
                            .map_err(backend)?;
                    role.map(|r| Role::parse(&r).ok_or_else(|| StoreError::Invalid(format!("unknown role {r}")))).transpose()
                }

                async fn publication_roles(&self) -> Result<Vec<(Id, Id, Role)>> {
                    let rows: Vec<(i64, i64, String)> = sqlx::query_as(
                        "SELECT user_id, publication_id, role FROM publication_roles ORDER BY user_id, publication_id",
                    )
                    .fetch_all(&self.pool)
                    .await
                    .map_err(backend)?;
                    rows.into_iter()
                        .map(|(u, p, r)| {
                            let role = Role::parse(&r).ok_or_else(|| StoreError::Invalid(format!("unknown role {r}")))?;
                            Ok((u, p, role))
                        })
                        .collect()
                }

                async fn set_publication_role(&self, user: Id, publication: Id, role: Option<Role>) -> Result<()> {
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    write_lock(&mut tx).await?;
                    let network_wide: Option<bool> = sqlx::query_scalar(&q("SELECT network_wide FROM users WHERE id = ?"))
                        .bind(user)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(backend)?;
                    match network_wide {
                        None => return Err(StoreError::NotFound),
                        Some(true) => {
                            return Err(StoreError::Invalid(
                                "the account is network-wide: its one role holds on every publication".into(),
                            ))
                        }
                        Some(false) => {}
                    }
                    let found: Option<i64> = sqlx::query_scalar(&q("SELECT id FROM publications WHERE id = ?"))
                        .bind(publication)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(backend)?;
                    if found.is_none() {
                        return Err(StoreError::Invalid(format!("there is no publication {publication}")));
                    }
                    match role {
                        Some(role) => {
                            sqlx::query(&q(
                                "INSERT INTO publication_roles (user_id, publication_id, role) VALUES (?, ?, ?) \
                                 ON CONFLICT (user_id, publication_id) DO UPDATE SET role = excluded.role",
                            ))
                            .bind(user)
                            .bind(publication)
                            .bind(role.as_str())
                            .execute(&mut *tx)
                            .await
                            .map_err(backend)?;
                        }
                        None => {
                            sqlx::query(&q("DELETE FROM publication_roles WHERE user_id = ? AND publication_id = ?"))
                                .bind(user)
                                .bind(publication)
                                .execute(&mut *tx)
                                .await
                                .map_err(backend)?;
                        }
                    }
                    tx.commit().await.map_err(backend)?;
                    Ok(())
                }

                async fn user(&self, id: Id) -> Result<Option<User>> {
                    let mut conn = self.pool.acquire().await.map_err(backend)?;
                    user_in(&mut conn, id).await
                }

                async fn user_for_login(&self, email: &str) -> Result<Option<(User, Option<String>)>> {
                    let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.email = ?");
                    let row = sqlx::query(&q(&sql)).bind(email).fetch_optional(&self.pool).await.map_err(backend)?;
                    match row {
                        Some(r) => Ok(Some((user_from(&r)?, r.try_get::<Option<String>, _>(5).map_err(backend)?))),
                        None => Ok(None),
                    }
                }

                async fn users(&self) -> Result<Vec<User>> {
                    let sql = format!("SELECT {USER_COLUMNS} FROM users u ORDER BY u.email");
                    let rows = sqlx::query(&sql).fetch_all(&self.pool).await.map_err(backend)?;
                    rows.iter().map(user_from).collect()
                }

                async fn set_password(&self, user: Id, hash: &str) -> Result<()> {
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    let done = sqlx::query(&q("UPDATE users SET password_hash = ? WHERE id = ?"))
                        .bind(hash)
                        .bind(user)
                        .execute(&mut *tx)
                        .await
                        .map_err(backend)?;
                    if done.rows_affected() == 0 {
                        return Err(StoreError::NotFound);
                    }
                    sqlx::query(&q("DELETE FROM sessions WHERE user_id = ?"))
                        .bind(user)
                        .execute(&mut *tx)
                        .await
                        .map_err(backend)?;
                    tx.commit().await.map_err(backend)?;
                    Ok(())
                }

                async fn set_role(&self, user: Id, role: Role) -> Result<()> {
                    let done = sqlx::query(&q("UPDATE users SET role = ? WHERE id = ?"))
                        .bind(role.as_str())
                        .bind(user)
                        .execute(&self.pool)
                        .await
                        .map_err(backend)?;
                    if done.rows_affected() == 0 {
                        return Err(StoreError::NotFound);
                    }
                    Ok(())
                }

                async fn create_token(
                    &self,
                    kind: TokenKind,
                    digest: &str,
                    user: Id,
                    expires_at: DateTime<Utc>,
                ) -> Result<()> {
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    sqlx::query(&q("DELETE FROM user_tokens WHERE user_id = ? AND kind = ? AND used_at IS NULL"))
                        .bind(user)
                        .bind(kind.as_str())
                        .execute(&mut *tx)
                        .await
                        .map_err(backend)?;
                    sqlx::query(&q(
                        "INSERT INTO user_tokens (token_digest, kind, user_id, expires_at) VALUES (?, ?, ?, ?)",
                    ))
                    .bind(digest)
                    .bind(kind.as_str())
                    .bind(user)
                    .bind(expires_at.timestamp())
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| match e.as_database_error() {
                        Some(d) if d.is_foreign_key_violation() => StoreError::NotFound,
                        _ => backend(e),
                    })?;
                    tx.commit().await.map_err(backend)?;
                    Ok(())
                }

                async fn token_user(&self, kind: TokenKind, digest: &str, now: DateTime<Utc>) -> Result<Option<User>> {
                    let sql = format!(
                        "SELECT {USER_COLUMNS} FROM user_tokens t JOIN users u ON u.id = t.user_id \
                         WHERE t.token_digest = ? AND t.kind = ? AND t.used_at IS NULL AND t.expires_at > ? \
                           AND u.deactivated_at IS NULL"
                    );
                    let row = sqlx::query(&q(&sql))
                        .bind(digest)
                        .bind(kind.as_str())
                        .bind(now.timestamp())
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(backend)?;
                    row.map(|r| user_from(&r)).transpose()
                }

                async fn redeem_token(
                    &self,
                    kind: TokenKind,
                    digest: &str,
                    password_hash: &str,
                    now: DateTime<Utc>,
                ) -> Result<Option<User>> {
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    // The conditional UPDATE is the check: of two redeems at
                    // once, the second waits for the first's row lock and
                    // then finds the link used.
                    let user: Option<i64> = sqlx::query_scalar(&q(
                        "UPDATE user_tokens SET used_at = ? \
                         WHERE token_digest = ? AND kind = ? AND used_at IS NULL AND expires_at > ? \
                           AND user_id IN (SELECT id FROM users WHERE deactivated_at IS NULL) RETURNING user_id",
                    ))
                    .bind(now.timestamp())
                    .bind(digest)
                    .bind(kind.as_str())
                    .bind(now.timestamp())
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(backend)?;
                    let Some(user) = user else {
                        tx.rollback().await.map_err(backend)?;
                        return Ok(None);
                    };
                    sqlx::query(&q("UPDATE users SET password_hash = ? WHERE id = ?"))
                        .bind(password_hash)
                        .bind(user)
                        .execute(&mut *tx)
                        .await
                        .map_err(backend)?;
                    sqlx::query(&q("DELETE FROM sessions WHERE user_id = ?"))
                        .bind(user)
                        .execute(&mut *tx)
                        .await
                        .map_err(backend)?;
                    let found = user_in(&mut tx, user).await?;
                    tx.commit().await.map_err(backend)?;
                    Ok(found)
                }

                async fn create_session(
                    &self,
                    digest: &str,
                    user: Id,
                    now: DateTime<Utc>,
                    expires_at: DateTime<Utc>,
                ) -> Result<()> {
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    sqlx::query(&q("DELETE FROM sessions WHERE expires_at <= ?"))
                        .bind(now.timestamp())
                        .execute(&mut *tx)
                        .await
                        .map_err(backend)?;
                    sqlx::query(&q(
                        "INSERT INTO sessions (token_digest, user_id, created_at, expires_at, last_seen_at) VALUES (?, ?, ?, ?, ?)",
                    ))
                        .bind(digest)
                        .bind(user)
                        .bind(now.timestamp())
                        .bind(expires_at.timestamp())
                        .bind(now.timestamp())
                        .execute(&mut *tx)
                        .await
                        .map_err(|e| match e.as_database_error() {
                            Some(d) if d.is_foreign_key_violation() => StoreError::NotFound,
                            _ => backend(e),
                        })?;
                    tx.commit().await.map_err(backend)?;
                    Ok(())
                }

                async fn session_user(
                    &self,
                    digest: &str,
                    now: DateTime<Utc>,
                    idle: std::time::Duration,
                ) -> Result<Option<User>> {
                    let now = now.timestamp();
                    let idle = i64::try_from(idle.as_secs()).unwrap_or(i64::MAX / 4);
                    let sql = format!(
                        "SELECT {USER_COLUMNS}, s.last_seen_at FROM sessions s JOIN users u ON u.id = s.user_id \
                         WHERE s.token_digest = ? AND s.expires_at > ? AND u.deactivated_at IS NULL"
                    );
                    let Some(row) = sqlx::query(&q(&sql))
                        .bind(digest)
                        .bind(now)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(backend)?
                    else {
                        return Ok(None);
                    };
                    let last_seen: i64 = row.try_get(9).map_err(backend)?;
                    if now - last_seen > idle {
                        // Idle too long: gone, so a stolen cookie found
                        // later opens nothing either.
                        sqlx::query(&q("DELETE FROM sessions WHERE token_digest = ?"))
                            .bind(digest)
                            .execute(&self.pool)
                            .await
                            .map_err(backend)?;
                        return Ok(None);
                    }
                    if now - last_seen >= SESSION_TOUCH_SECS {
                        // Conditional, so of several requests in the same
                        // second at most one writes.
                        sqlx::query(&q("UPDATE sessions SET last_seen_at = ? WHERE token_digest = ? AND last_seen_at <= ?"))
                            .bind(now)
                            .bind(digest)
                            .bind(now - SESSION_TOUCH_SECS)
                            .execute(&self.pool)
                            .await
                            .map_err(backend)?;
                    }
                    user_from(&row).map(Some)
                }

                async fn delete_session(&self, digest: &str) -> Result<()> {
                    sqlx::query(&q("DELETE FROM sessions WHERE token_digest = ?"))
                        .bind(digest)
                        .execute(&self.pool)
                        .await
                        .map_err(backend)?;
                    Ok(())
                }

                async fn delete_sessions_of(&self, user: Id) -> Result<u64> {
                    let done = sqlx::query(&q("DELETE FROM sessions WHERE user_id = ?"))
                        .bind(user)
                        .execute(&self.pool)
                        .await
                        .map_err(backend)?;
                    Ok(done.rows_affected())
                }

                async fn begin_login(
                    &self,
                    keys: &[&str],
                    limit: u32,
                    window: std::time::Duration,
                    now: DateTime<Utc>,
                ) -> Result<LoginGate> {
                    let window = i64::try_from(window.as_secs()).unwrap_or(i64::MAX / 4).max(1);
                    let now = now.timestamp();
                    // A plain read first: a refusal (what a guesser mostly
                    // gets) writes nothing and waits for no lock.
                    let mut conn = self.pool.acquire().await.map_err(backend)?;
                    if let Some(retry_after_secs) = login_wait_in(&mut conn, keys, limit, window, now).await? {
                        return Ok(LoginGate::Throttled { retry_after_secs });
                    }
                    drop(conn);
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    match record_login_in(&mut tx, keys, limit, window, now).await {
                        Ok(gate) => {
                            tx.commit().await.map_err(backend)?;
                            Ok(gate)
                        }
                        Err(e) => {
                            // Release the lock now, not when the pool next
                            // hands this connection out.
                            let _ = tx.rollback().await;
                            Err(e)
                        }
                    }
                }

                async fn login_succeeded(&self, attempt: &LoginAttempt, account_key: &str) -> Result<()> {
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    sqlx::query(&q("DELETE FROM login_failures WHERE scope = ?"))
                        .bind(account_key)
                        .execute(&mut *tx)
                        .await
                        .map_err(backend)?;
                    for id in &attempt.rows {
                        sqlx::query(&q("DELETE FROM login_failures WHERE id = ?"))
                            .bind(*id)
                            .execute(&mut *tx)
                            .await
                            .map_err(backend)?;
                    }
                    tx.commit().await.map_err(backend)?;
                    Ok(())
                }

                async fn server_secret(&self, name: &str, fresh: &str) -> Result<String> {
                    // Two nodes starting at once both insert; the loser's
                    // row is dropped and it reads the winner's value.
                    sqlx::query(&q("INSERT INTO server_secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING"))
                        .bind(name)
                        .bind(fresh)
                        .execute(&self.pool)
                        .await
                        .map_err(backend)?;
                    sqlx::query_scalar(&q("SELECT value FROM server_secrets WHERE name = ?"))
                        .bind(name)
                        .fetch_one(&self.pool)
                        .await
                        .map_err(backend)
                }

                async fn admin_articles(
                    &self,
                    publication: Id,
                    query: &AdminQuery,
                    now: DateTime<Utc>,
                ) -> Result<Page<AdminArticleRow>> {
                    // Only the filters in use go into the SQL, as in
                    // `published_articles`.
                    // Trashed articles are listed by the trash page only.
                    let mut filter = String::from("a.publication_id = ? AND a.trashed_at IS NULL");
                    let mut args = vec![Arg::Int(publication)];
                    if let Some(stage) = query.stage {
                        let (sql, takes_now) = stage_filter(stage);
                        filter.push_str(sql);
                        if takes_now {
                            args.push(Arg::Int(now.timestamp()));
                        }
                    }
                    if let Some(section) = query.section {
                        filter.push_str(" AND a.section_id = ?");
                        args.push(Arg::Int(section));
                    }
                    if let Some(author) = query.author {
                        filter.push_str(
                            " AND EXISTS (SELECT 1 FROM article_authors f WHERE f.article_id = a.id AND f.author_id = ?)",
                        );
                        args.push(Arg::Int(author));
                    }
                    if let Some(search) = query.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                        // Headline, standfirst and body, drafts included:
                        // the search index holds published articles only,
                        // and staff look for their drafts by a phrase in
                        // them. One pass over each text, no backtracking.
                        filter.push_str(
                            " AND (lower(a.headline) LIKE ? ESCAPE '\\' OR lower(a.standfirst) LIKE ? ESCAPE '\\' \
                             OR lower(a.body) LIKE ? ESCAPE '\\')",
                        );
                        let pattern = like_pattern(search);
                        args.extend([Arg::Text(pattern.clone()), Arg::Text(pattern.clone()), Arg::Text(pattern)]);
                    }
                    let mut conn = self.pool.acquire().await.map_err(backend)?;
                    let count_sql = q(&format!("SELECT COUNT(*) FROM articles a WHERE {filter}"));
                    if query.limit == 0 {
                        let total = count_in(&mut conn, &count_sql, &args).await?;
                        return Ok(Page { items: Vec::new(), total });
                    }
                    // The page walks `articles_by_updated` newest first and
                    // stops at the page; the total is a second, index-only
                    // count, asked only when the page is full (a window
                    // count over the rows made every page read and sort a
                    // publication's whole list: 240 ms at 20,000 articles).
                    let sql = q(&format!(
                        "SELECT a.id, a.slug, a.headline, s.name, a.status, a.in_review, a.ever_published, \
                                a.published_at, a.published_offset, a.updated_at \
                         FROM articles a JOIN sections s ON s.id = a.section_id WHERE {filter} \
                         ORDER BY a.updated_at DESC, a.id DESC LIMIT ? OFFSET ?"
                    ));
                    let mut list = sqlx::query(&sql);
                    for arg in &args {
                        list = match arg {
                            Arg::Int(v) => list.bind(*v),
                            Arg::Text(s) => list.bind(s.as_str()),
                        };
                    }
                    let rows = list
                        .bind(i64::from(query.limit))
                        .bind(i64::from(query.offset))
                        .fetch_all(&mut *conn)
                        .await
                        .map_err(backend)?;
                    let total = if rows.len() == query.limit as usize || (rows.is_empty() && query.offset > 0) {
                        // A full page, or one past the end (the pager still
                        // needs the total): count.
                        count_in(&mut conn, &count_sql, &args).await?
                    } else {
                        u64::from(query.offset) + rows.len() as u64
                    };
                    let mut items = rows.iter().map(admin_row_from).collect::<Result<Vec<_>>>()?;
                    bylines_of(&mut conn, &mut items).await?;
                    Ok(Page { items, total })
                }

                async fn editable_article(&self, id: Id) -> Result<Option<EditableArticle>> {
                    let mut conn = self.pool.acquire().await.map_err(backend)?;
                    editable_in(&mut conn, id).await
                }

                async fn create_article(
                    &self,
                    publication: Id,
                    draft: &ArticleDraft,
                    user: Id,
                    now: DateTime<Utc>,
                ) -> Result<EditableArticle> {
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    write_lock(&mut tx).await?;
                    let created = create_in(&mut tx, publication, draft, user, now).await?;
                    tx.commit().await.map_err(backend)?;
                    Ok(created)
                }

                async fn save_article(
                    &self,
                    id: Id,
                    expected_version: i64,
                    draft: &ArticleDraft,
                    user: Id,
                    now: DateTime<Utc>,
                ) -> Result<SaveOutcome> {
                    // A save without a status change: the same transaction.
                    self.save_and_transition(id, expected_version, draft, None, user, now).await
                }

                async fn transition(
                    &self,
                    id: Id,
                    expected_version: i64,
                    transition: Transition,
                    user: Id,
                    now: DateTime<Utc>,
                ) -> Result<SaveOutcome> {
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    match lock_article(&mut tx, id, expected_version).await {
                        Ok(Locked::Current(_)) => {}
                        Ok(Locked::Stale(moved_on)) => {
                            tx.rollback().await.map_err(backend)?;
                            return Ok(SaveOutcome::Conflict(moved_on));
                        }
                        Err(e) => {
                            tx.rollback().await.map_err(backend)?;
                            return Err(e);
                        }
                    }
                    let saved = transition_in(&mut tx, id, transition, user, now).await?;
                    tx.commit().await.map_err(backend)?;
                    Ok(SaveOutcome::Saved(saved))
                }

                async fn save_and_transition(
                    &self,
                    id: Id,
                    expected_version: i64,
                    draft: &ArticleDraft,
                    transition: Option<Transition>,
                    user: Id,
                    now: DateTime<Utc>,
                ) -> Result<SaveOutcome> {
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    let current = match lock_article(&mut tx, id, expected_version).await {
                        Ok(Locked::Current(current)) => current,
                        Ok(Locked::Stale(moved_on)) => {
                            tx.rollback().await.map_err(backend)?;
                            return Ok(SaveOutcome::Conflict(moved_on));
                        }
                        Err(e) => {
                            tx.rollback().await.map_err(backend)?;
                            return Err(e);
                        }
                    };
                    let written = async {
                        let mut article = current;
                        if transition.is_none() || *draft != article.draft {
                            article = save_in(&mut tx, &article, draft, user, now).await?;
                        }
                        if let Some(t) = transition {
                            article = transition_in(&mut tx, id, t, user, now).await?;
                        }
                        Ok::<_, StoreError>(article)
                    }
                    .await;
                    match written {
                        Ok(article) => {
                            tx.commit().await.map_err(backend)?;
                            Ok(SaveOutcome::Saved(article))
                        }
                        Err(e) => {
                            // Neither the save nor the status change.
                            tx.rollback().await.map_err(backend)?;
                            Err(e)
                        }
                    }
                }

                async fn slug_redirect(&self, publication: Id, old_slug: &str) -> Result<Option<String>> {
                    sqlx::query_scalar(&q(
                        "SELECT a.slug FROM slug_redirects r JOIN articles a ON a.id = r.article_id \
                         WHERE r.publication_id = ? AND r.old_slug = ?",
                    ))
                    .bind(publication)
                    .bind(old_slug)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(backend)
                }

                async fn revisions(&self, article: Id) -> Result<Vec<Revision>> {
                    let rows = sqlx::query(&q(
                        "SELECT r.id, r.article_id, r.version, r.user_id, coalesce(u.name, ''), r.saved_at, r.draft \
                         FROM article_revisions r LEFT JOIN users u ON u.id = r.user_id \
                         WHERE r.article_id = ? ORDER BY r.id DESC",
                    ))
                    .bind(article)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(backend)?;
                    rows.iter().map(revision_from).collect()
                }

                async fn revision(&self, id: Id) -> Result<Option<Revision>> {
                    let row = sqlx::query(&q(
                        "SELECT r.id, r.article_id, r.version, r.user_id, coalesce(u.name, ''), r.saved_at, r.draft \
                         FROM article_revisions r LEFT JOIN users u ON u.id = r.user_id WHERE r.id = ?",
                    ))
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(backend)?;
                    row.map(|r| revision_from(&r)).transpose()
                }

                async fn authors(&self, publication: Id) -> Result<Vec<Author>> {
                    let sql = q(&format!(
                        "SELECT {AUTHOR_COLUMNS} FROM authors au JOIN publication_authors pa ON pa.author_id = au.id \
                         LEFT JOIN media m ON m.key = au.avatar WHERE pa.publication_id = ? ORDER BY au.name, au.id"
                    ));
                    let rows = sqlx::query(&sql).bind(publication).fetch_all(&self.pool).await.map_err(backend)?;
                    rows.iter().map(author_from).collect()
                }

                async fn tags(&self, publication: Id) -> Result<Vec<Tag>> {
                    let rows = sqlx::query(&q("SELECT id, slug, name FROM tags WHERE publication_id = ? ORDER BY name, id"))
                        .bind(publication)
                        .fetch_all(&self.pool)
                        .await
                        .map_err(backend)?;
                    rows.iter().map(tag_from).collect()
                }

                async fn add_media(&self, asset: &MediaAsset) -> Result<()> {
                    sqlx::query(&q(
                        "INSERT INTO media (key, content_type, width, height, bytes, created_at) VALUES (?, ?, ?, ?, ?, ?) \
                         ON CONFLICT (key) DO NOTHING",
                    ))
                    .bind(&asset.key)
                    .bind(&asset.content_type)
                    .bind(i64::from(asset.width))
                    .bind(i64::from(asset.height))
                    .bind(i64_of(asset.bytes))
                    .bind(Utc::now().timestamp())
                    .execute(&self.pool)
                    .await
                    .map_err(backend)?;
                    Ok(())
                }

                async fn media_list(&self, limit: u32, offset: u32) -> Result<Page<MediaAsset>> {
                    let rows = sqlx::query(&q(
                        "SELECT key, content_type, width, height, bytes, COUNT(*) OVER () FROM media \
                         ORDER BY created_at DESC, key LIMIT ? OFFSET ?",
                    ))
                    .bind(i64::from(limit))
                    .bind(i64::from(offset))
                    .fetch_all(&self.pool)
                    .await
                    .map_err(backend)?;
                    let total = match rows.first() {
                        Some(r) => u64_of(r.try_get(5).map_err(backend)?),
                        None => u64_of(
                            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM media")
                                .fetch_one(&self.pool)
                                .await
                                .map_err(backend)?,
                        ),
                    };
                    let items = rows.iter().map(media_from).collect::<Result<Vec<_>>>()?;
                    Ok(Page { items, total })
                }

                async fn changes_since(&self, version: i64) -> Result<Vec<Change>> {
                    // One transaction: the version and the feed from the
                    // same moment.
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    let current: i64 = sqlx::query_scalar("SELECT version FROM content_version WHERE id = 1")
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(backend)?;
                    let rows: Vec<(i64, String)> =
                        sqlx::query_as(&q("SELECT version, keys FROM content_changes WHERE version > ? ORDER BY version"))
                            .bind(version)
                            .fetch_all(&mut *tx)
                            .await
                            .map_err(backend)?;
                    let oldest: Option<i64> = sqlx::query_scalar("SELECT MIN(version) FROM content_changes")
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(backend)?;
                    tx.rollback().await.map_err(backend)?;
                    let mut out = Vec::with_capacity(rows.len() + 1);
                    let reaches_back = oldest.is_some_and(|o| o <= version + 1);
                    if current > version && !reaches_back {
                        let gap_end = oldest.map_or(current, |o| o - 1);
                        out.push(Change { version: gap_end, keys: vec![CHANGE_ALL.to_owned()] });
                    }
                    out.extend(rows.into_iter().map(|(version, keys)| Change {
                        version,
                        keys: keys.split(' ').filter(|k| !k.is_empty()).map(str::to_owned).collect(),
                    }));
                    Ok(out)
                }
            }
        }
    };
}

pub(crate) use newsroom_impl;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_for_postgres() {
        assert_eq!(numbered("a = ? AND b IN (?, ?)"), "a = $1 AND b IN ($2, $3)");
        assert_eq!(plain("a = ?"), "a = ?");
    }

    #[test]
    fn search_wildcards_are_literal() {
        assert_eq!(like_pattern("50% Off_X\\"), "%50\\% off\\_x\\\\%");
    }

    #[test]
    fn drafts_touch_only_their_page() {
        let draft = ArticleFootprint { published: false, published_at: 0, section: 3, authors: vec![5], tags: vec![9] };
        assert_eq!(change_keys(1, Some(&draft), &draft, 10), ["article:1"]);
        let published = ArticleFootprint { published: true, section: 4, ..draft.clone() };
        assert_eq!(
            change_keys(1, Some(&draft), &published, 10),
            ["article:1", "section:3", "section:4", "author:5", "tag:9", "home", "recent"]
        );
    }
}
