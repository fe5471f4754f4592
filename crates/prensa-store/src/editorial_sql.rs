//! [`crate::Editorial`] for both backends, written once (like
//! `newsroom_sql.rs`, whose helpers it uses for the article writes).
//!
//! Exactly-once for scheduled changes: each change is claimed, applied and
//! marked done in one transaction. On PostgreSQL the claim is
//! `SELECT … FOR UPDATE SKIP LOCKED` on the change's row: a second process
//! skips a change being applied, and one that looks after the first commits
//! sees it done (the locked row is re-read under READ COMMITTED). On SQLite
//! the transaction takes the database's write lock before it reads, so the
//! processes take turns and each finds the changes of the one before done.

use prensa_core::ArticleDraft;

use crate::editorial::{ChangeKind, ReviewNote, ScheduledChange};
use crate::shared::{from_json, utc_of, Cols};
use crate::{Result, StoreError};

/// Columns of a note, as [`note_from`] reads them.
pub(crate) const NOTE_COLUMNS: &str =
    "n.id, n.article_id, n.user_id, coalesce(u.name, ''), n.body, n.created_at, n.resolved_at, n.resolved_by, n.reply_to";

pub(crate) fn note_from(row: &impl Cols) -> Result<ReviewNote> {
    Ok(ReviewNote {
        id: row.int(0)?,
        article_id: row.int(1)?,
        user_id: row.opt_int(2)?,
        user_name: row.text(3)?,
        body: row.text(4)?,
        created_at: utc_of(row.int(5)?)?,
        resolved_at: row.opt_int(6)?.map(utc_of).transpose()?,
        resolved_by: row.opt_int(7)?,
        reply_to: row.opt_int(8)?,
    })
}

/// Columns of a scheduled change, as [`change_from`] reads them.
pub(crate) const CHANGE_COLUMNS: &str =
    "id, article_id, kind, draft, run_at, created_by, created_at, base_version, done_at, outcome";

pub(crate) fn change_from(row: &impl Cols) -> Result<ScheduledChange> {
    let kind = match (row.text(2)?.as_str(), row.opt_text(3)?) {
        ("update", Some(draft)) => ChangeKind::Update(from_json::<ArticleDraft>(&draft)?),
        ("unpublish", _) => ChangeKind::Unpublish,
        (other, _) => return Err(StoreError::Invalid(format!("unknown scheduled change `{other}`"))),
    };
    Ok(ScheduledChange {
        id: row.int(0)?,
        article_id: row.int(1)?,
        kind,
        run_at: utc_of(row.int(4)?)?,
        created_by: row.opt_int(5)?,
        created_at: utc_of(row.int(6)?)?,
        base_version: row.opt_int(7)?,
        done_at: row.opt_int(8)?.map(utc_of).transpose()?,
        outcome: row.opt_text(9)?,
    })
}

/// The outcome of an update scheduled on `base` whose article is at
/// `current` when it comes due (`None`: go ahead). Applying it would
/// silently undo every save since it was scheduled, so it is not applied:
/// the change keeps its draft, for the editor to merge by hand.
pub(crate) fn stale_update(base: Option<i64>, current: i64) -> Option<String> {
    let base = base?;
    (base != current).then(|| {
        format!(
            "failed: the article was edited after this update was scheduled (version {base} then, {current} now), \
             so it was not applied; the scheduled text is kept here to merge by hand"
        )
    })
}

/// The note's text as stored, or why it is refused.
pub(crate) fn checked_note(body: &str) -> Result<String> {
    let body = body.trim().replace("\r\n", "\n");
    if body.is_empty() {
        return Err(StoreError::Invalid("the note is empty".into()));
    }
    let chars = body.chars().count();
    if chars > crate::editorial::MAX_NOTE_CHARS {
        return Err(StoreError::Invalid(format!(
            "the note is {chars} characters long; notes are limited to {} characters",
            crate::editorial::MAX_NOTE_CHARS
        )));
    }
    Ok(body)
}

/// Implements [`crate::Editorial`] for `$store`, expanded next to
/// `newsroom_impl!` (whose `newsroom_gen` helpers it calls) with the same
/// `$conn` and `$q`, and `$claim` appended to the statement that picks the
/// next due change (PostgreSQL's `FOR UPDATE SKIP LOCKED`; empty for
/// SQLite, where the write lock taken first does the claiming).
macro_rules! editorial_impl {
    ($store:ident, $conn:ty, $q:path, $claim:expr) => {
        /// The [`crate::Editorial`] statements (see `editorial_sql.rs`).
        mod editorial_gen {
            use chrono::{DateTime, Utc};
            use prensa_core::{
                slug, EditableArticle, GroupMember, Id, Page, Transition, TranslationState, UntranslatedRow,
            };
            use sqlx::{Connection, Row};

            use super::newsroom_gen::{create_in, editable_in, lock_article, record_change, save_in, transition_in, write_lock};
            use super::$store;
            use crate::editorial::{Applied, ChangeKind, FailedChange, ReviewNote, ScheduledChange};
            use crate::editorial_sql::{change_from, checked_note, note_from, stale_update, CHANGE_COLUMNS, NOTE_COLUMNS};
            use crate::shared::{backend, from_parts, to_json, u64_of, Cols};
            use crate::{Editorial, Result, StoreError};

            type Conn = $conn;

            fn q(sql: &str) -> String {
                $q(sql)
            }

            const CLAIM: &str = $claim;

            async fn note_in(conn: &mut Conn, id: Id) -> Result<Option<ReviewNote>> {
                let sql = format!("SELECT {NOTE_COLUMNS} FROM review_notes n LEFT JOIN users u ON u.id = n.user_id WHERE n.id = ?");
                let row = sqlx::query(&q(&sql)).bind(id).fetch_optional(&mut *conn).await.map_err(backend)?;
                row.map(|r| note_from(&r)).transpose()
            }

            /// Applies one claimed change inside the caller's transaction:
            /// `Ok(Ok(()))` applied, `Ok(Err(why))` refused (nothing of it
            /// written, thanks to the savepoint).
            async fn apply(
                conn: &mut Conn,
                change: &ScheduledChange,
                now: DateTime<Utc>,
            ) -> Result<std::result::Result<(), String>> {
                let mut sp = conn.begin().await.map_err(backend)?;
                let user = change.created_by.unwrap_or(0);
                let result: Result<std::result::Result<(), String>> = async {
                    // Locked at whatever version it is; the update checks it
                    // against the one it was scheduled on.
                    let current = lock_article(&mut sp, change.article_id, 0).await?.into_current();
                    match &change.kind {
                        ChangeKind::Update(draft) => {
                            if let Some(why) = stale_update(change.base_version, current.version) {
                                return Ok(Err(why));
                            }
                            save_in(&mut sp, &current, draft, user, now).await?;
                        }
                        ChangeKind::Unpublish => {
                            if current.status != prensa_core::Status::Published {
                                return Ok(Err("skipped: the article is not published".to_owned()));
                            }
                            transition_in(&mut sp, change.article_id, Transition::Unpublish, user, now).await?;
                        }
                    }
                    Ok(Ok(()))
                }
                .await;
                match result {
                    Ok(Ok(())) => {
                        sp.commit().await.map_err(backend)?;
                        Ok(Ok(()))
                    }
                    Ok(Err(why)) => {
                        sp.rollback().await.map_err(backend)?;
                        Ok(Err(why))
                    }
                    Err(StoreError::Invalid(why)) => {
                        sp.rollback().await.map_err(backend)?;
                        Ok(Err(format!("failed: {why}")))
                    }
                    Err(StoreError::NotFound) => {
                        sp.rollback().await.map_err(backend)?;
                        Ok(Err("failed: the article no longer exists".to_owned()))
                    }
                    Err(e) => {
                        sp.rollback().await.map_err(backend)?;
                        Ok(Err(format!("failed: {e}")))
                    }
                }
            }

            /// The original of the group `article` is in: the one its
            /// `translations` row names, else the article itself.
            async fn original_of(conn: &mut Conn, article: Id) -> Result<Id> {
                let original: Option<i64> = sqlx::query_scalar(&q("SELECT original_id FROM translations WHERE article_id = ?"))
                    .bind(article)
                    .fetch_optional(&mut *conn)
                    .await
                    .map_err(backend)?;
                Ok(original.unwrap_or(article))
            }

            /// The group whose original is `original`: the original first,
            /// then its translations by language (only the original when it
            /// has none).
            async fn group_in(conn: &mut Conn, original: Id) -> Result<Vec<GroupMember>> {
                let rows = sqlx::query(&q(
                    "SELECT a.id, a.publication_id, p.language, CAST(0 AS BIGINT) AS k FROM articles a \
                       JOIN publications p ON p.id = a.publication_id WHERE a.id = ? \
                     UNION ALL \
                     SELECT a.id, a.publication_id, t.language, CAST(1 AS BIGINT) AS k FROM translations t \
                       JOIN articles a ON a.id = t.article_id WHERE t.original_id = ? \
                     ORDER BY 4, 3",
                ))
                .bind(original)
                .bind(original)
                .fetch_all(&mut *conn)
                .await
                .map_err(backend)?;
                rows.iter()
                    .map(|r| {
                        Ok(GroupMember {
                            article_id: r.int(0)?,
                            publication_id: r.int(1)?,
                            language: r.text(2)?,
                            original: r.int(3)? == 0,
                        })
                    })
                    .collect()
            }

            async fn translation_state_in(conn: &mut Conn, article: Id) -> Result<Option<TranslationState>> {
                let row = sqlx::query(&q(
                    "SELECT t.article_id, t.original_id, o.publication_id, t.language, t.original_version, o.version \
                     FROM translations t JOIN articles o ON o.id = t.original_id WHERE t.article_id = ?",
                ))
                .bind(article)
                .fetch_optional(&mut *conn)
                .await
                .map_err(backend)?;
                row.map(|r| {
                    Ok(TranslationState {
                        article_id: r.int(0)?,
                        original_id: r.int(1)?,
                        original_publication: r.int(2)?,
                        language: r.text(3)?,
                        original_version: r.int(4)?,
                        original_current_version: r.int(5)?,
                    })
                })
                .transpose()
            }

            /// A slug for the translation in `publication`: the original's
            /// if free there, else suffixed with the language (and a number
            /// if need be).
            async fn free_slug(conn: &mut Conn, publication: Id, wanted: &str, language: &str) -> Result<String> {
                let lang = slug::slugify(language);
                let mut candidate = wanted.to_owned();
                for n in 1.. {
                    let taken: Option<i64> =
                        sqlx::query_scalar(&q("SELECT id FROM articles WHERE publication_id = ? AND slug = ?"))
                            .bind(publication)
                            .bind(&candidate)
                            .fetch_optional(&mut *conn)
                            .await
                            .map_err(backend)?;
                    if taken.is_none() {
                        break;
                    }
                    candidate = if n == 1 { format!("{wanted}-{lang}") } else { format!("{wanted}-{lang}-{n}") };
                }
                Ok(candidate)
            }

            impl Editorial for $store {
                async fn add_note(&self, article: Id, user: Id, body: &str, now: DateTime<Utc>) -> Result<ReviewNote> {
                    let body = checked_note(body)?;
                    let mut conn = self.pool.acquire().await.map_err(backend)?;
                    let id: i64 = sqlx::query_scalar(&q(
                        "INSERT INTO review_notes (article_id, user_id, body, created_at) VALUES (?, ?, ?, ?) RETURNING id",
                    ))
                    .bind(article)
                    .bind(user)
                    .bind(&body)
                    .bind(now.timestamp())
                    .fetch_one(&mut *conn)
                    .await
                    .map_err(|e| match e.as_database_error() {
                        Some(d) if d.is_foreign_key_violation() => StoreError::NotFound,
                        _ => backend(e),
                    })?;
                    note_in(&mut conn, id).await?.ok_or(StoreError::NotFound)
                }

                async fn notes(&self, article: Id) -> Result<Vec<ReviewNote>> {
                    let sql = format!(
                        "SELECT {NOTE_COLUMNS} FROM review_notes n LEFT JOIN users u ON u.id = n.user_id \
                         WHERE n.article_id = ? ORDER BY n.created_at, n.id"
                    );
                    let rows = sqlx::query(&q(&sql)).bind(article).fetch_all(&self.pool).await.map_err(backend)?;
                    rows.iter().map(note_from).collect()
                }

                async fn resolve_note(&self, note: Id, user: Id, now: DateTime<Utc>) -> Result<ReviewNote> {
                    let mut conn = self.pool.acquire().await.map_err(backend)?;
                    sqlx::query(&q(
                        "UPDATE review_notes SET resolved_at = ?, resolved_by = ? \
                         WHERE (id = ? OR reply_to = ?) AND resolved_at IS NULL",
                    ))
                    .bind(now.timestamp())
                    .bind(user)
                    .bind(note)
                    .bind(note)
                    .execute(&mut *conn)
                    .await
                    .map_err(backend)?;
                    note_in(&mut conn, note).await?.ok_or(StoreError::NotFound)
                }

                async fn open_note_count(&self, article: Id) -> Result<u64> {
                    let n: i64 = sqlx::query_scalar(&q(
                        "SELECT COUNT(*) FROM review_notes WHERE article_id = ? AND resolved_at IS NULL AND reply_to IS NULL",
                    ))
                    .bind(article)
                    .fetch_one(&self.pool)
                    .await
                    .map_err(backend)?;
                    Ok(u64_of(n))
                }

                async fn schedule_change(
                    &self,
                    article: Id,
                    kind: &ChangeKind,
                    base_version: i64,
                    run_at: DateTime<Utc>,
                    user: Id,
                    now: DateTime<Utc>,
                ) -> Result<ScheduledChange> {
                    let draft = match kind {
                        ChangeKind::Update(d) => Some(to_json(d)?),
                        ChangeKind::Unpublish => None,
                    };
                    let sql = q(&format!(
                        "INSERT INTO scheduled_changes (article_id, kind, draft, run_at, created_by, created_at, base_version) \
                         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING {CHANGE_COLUMNS}"
                    ));
                    let row = sqlx::query(&sql)
                        .bind(article)
                        .bind(kind.as_str())
                        .bind(draft)
                        .bind(run_at.timestamp())
                        .bind(user)
                        .bind(now.timestamp())
                        .bind(base_version)
                        .fetch_one(&self.pool)
                        .await
                        .map_err(|e| match e.as_database_error() {
                            Some(d) if d.is_foreign_key_violation() => StoreError::NotFound,
                            _ => backend(e),
                        })?;
                    change_from(&row)
                }

                async fn pending_changes(&self, article: Id) -> Result<Vec<ScheduledChange>> {
                    let sql = q(&format!(
                        "SELECT {CHANGE_COLUMNS} FROM scheduled_changes WHERE article_id = ? AND done_at IS NULL \
                         ORDER BY run_at, id"
                    ));
                    let rows = sqlx::query(&sql).bind(article).fetch_all(&self.pool).await.map_err(backend)?;
                    rows.iter().map(change_from).collect()
                }

                async fn cancel_change(&self, id: Id) -> Result<bool> {
                    let done = sqlx::query(&q("DELETE FROM scheduled_changes WHERE id = ? AND done_at IS NULL"))
                        .bind(id)
                        .execute(&self.pool)
                        .await
                        .map_err(backend)?;
                    Ok(done.rows_affected() > 0)
                }

                async fn failed_changes(&self, article: Id) -> Result<Vec<ScheduledChange>> {
                    let sql = q(&format!(
                        "SELECT {CHANGE_COLUMNS} FROM scheduled_changes WHERE article_id = ? AND done_at IS NOT NULL \
                         AND outcome LIKE 'failed:%' ORDER BY done_at DESC, id DESC"
                    ));
                    let rows = sqlx::query(&sql).bind(article).fetch_all(&self.pool).await.map_err(backend)?;
                    rows.iter().map(change_from).collect()
                }

                async fn failed_changes_in(&self, publication: Id, limit: u32) -> Result<Vec<FailedChange>> {
                    let columns = CHANGE_COLUMNS.split(", ").map(|c| format!("c.{c}")).collect::<Vec<_>>().join(", ");
                    let sql = q(&format!(
                        "SELECT {columns}, a.headline FROM scheduled_changes c JOIN articles a ON a.id = c.article_id \
                         WHERE a.publication_id = ? AND c.done_at IS NOT NULL AND c.outcome LIKE 'failed:%' \
                         ORDER BY c.done_at DESC, c.id DESC LIMIT ?"
                    ));
                    let rows = sqlx::query(&sql)
                        .bind(publication)
                        .bind(i64::from(limit))
                        .fetch_all(&self.pool)
                        .await
                        .map_err(backend)?;
                    rows.iter()
                        .map(|r| Ok(FailedChange { change: change_from(r)?, headline: r.try_get(10).map_err(backend)? }))
                        .collect()
                }

                async fn discard_change(&self, id: Id) -> Result<bool> {
                    let done = sqlx::query(&q(
                        "DELETE FROM scheduled_changes WHERE id = ? AND done_at IS NOT NULL AND outcome LIKE 'failed:%'",
                    ))
                    .bind(id)
                    .execute(&self.pool)
                    .await
                    .map_err(backend)?;
                    Ok(done.rows_affected() > 0)
                }

                async fn run_due_changes(&self, now: DateTime<Utc>) -> Result<Vec<Applied>> {
                    let due_sql = q(&format!(
                        "SELECT {CHANGE_COLUMNS} FROM scheduled_changes WHERE done_at IS NULL AND run_at <= ? \
                         ORDER BY run_at, id LIMIT 1"
                    ));
                    let claim_sql = format!("{due_sql}{CLAIM}");
                    let mut applied = Vec::new();
                    loop {
                        // A plain read first: most ticks find nothing due,
                        // and take no lock for it.
                        let due: Option<i64> = sqlx::query_scalar(&q(
                            "SELECT id FROM scheduled_changes WHERE done_at IS NULL AND run_at <= ? LIMIT 1",
                        ))
                        .bind(now.timestamp())
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(backend)?;
                        if due.is_none() {
                            break;
                        }
                        let mut tx = self.pool.begin().await.map_err(backend)?;
                        write_lock(&mut tx).await?;
                        let Some(row) =
                            sqlx::query(&claim_sql).bind(now.timestamp()).fetch_optional(&mut *tx).await.map_err(backend)?
                        else {
                            // Another process has it (or just did it).
                            tx.rollback().await.map_err(backend)?;
                            break;
                        };
                        let change = change_from(&row)?;
                        let (ok, outcome) = match apply(&mut tx, &change, now).await? {
                            Ok(()) => (true, "applied".to_owned()),
                            Err(why) => (false, why),
                        };
                        sqlx::query(&q("UPDATE scheduled_changes SET done_at = ?, outcome = ? WHERE id = ?"))
                            .bind(now.timestamp())
                            .bind(&outcome)
                            .bind(change.id)
                            .execute(&mut *tx)
                            .await
                            .map_err(backend)?;
                        tx.commit().await.map_err(backend)?;
                        applied.push(Applied {
                            change: change.id,
                            article: change.article_id,
                            kind: change.kind.as_str(),
                            ok,
                            outcome,
                        });
                    }
                    Ok(applied)
                }

                async fn translate_into(&self, article: Id, target: Id, user: Id, now: DateTime<Utc>) -> Result<EditableArticle> {
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    write_lock(&mut tx).await?;
                    let source = editable_in(&mut tx, article).await?.ok_or(StoreError::NotFound)?;
                    let language: Option<String> = sqlx::query_scalar(&q("SELECT language FROM publications WHERE id = ?"))
                        .bind(target)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(backend)?;
                    let language = language.ok_or(StoreError::NotFound)?;
                    let original = original_of(&mut tx, article).await?;
                    let group = group_in(&mut tx, original).await?;
                    if let Some(there) = group.iter().find(|m| m.language == language || m.publication_id == target) {
                        return Err(StoreError::Invalid(format!(
                            "this article already has a version in `{language}` (article {})",
                            there.article_id
                        )));
                    }
                    // Section by slug, else the target's first.
                    let section: Option<i64> = sqlx::query_scalar(&q(
                        "SELECT t.id FROM sections s JOIN sections t ON t.slug = s.slug AND t.publication_id = ? \
                         WHERE s.id = ?",
                    ))
                    .bind(target)
                    .bind(source.draft.section_id)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(backend)?;
                    let section = match section {
                        Some(s) => s,
                        None => sqlx::query_scalar(&q(
                            "SELECT id FROM sections WHERE publication_id = ? ORDER BY position, id LIMIT 1",
                        ))
                        .bind(target)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(backend)?
                        .ok_or_else(|| StoreError::Invalid("the publication has no section to put the translation in".into()))?,
                    };
                    // Tags the target has under the same slug, by its name.
                    let mut tags = Vec::new();
                    for name in &source.draft.tags {
                        let there: Option<String> =
                            sqlx::query_scalar(&q("SELECT name FROM tags WHERE publication_id = ? AND slug = ?"))
                                .bind(target)
                                .bind(slug::slugify(name))
                                .fetch_optional(&mut *tx)
                                .await
                                .map_err(backend)?;
                        tags.extend(there);
                    }
                    let mut draft = source.draft.clone();
                    draft.section_id = section;
                    draft.tags = tags;
                    draft.slug = free_slug(&mut tx, target, &source.draft.slug, &language).await?;
                    let created = create_in(&mut tx, target, &draft, user, now).await?;
                    let original_version: i64 = sqlx::query_scalar(&q("SELECT version FROM articles WHERE id = ?"))
                        .bind(original)
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(backend)?;
                    sqlx::query(&q(
                        "INSERT INTO translations (article_id, original_id, language, original_version) VALUES (?, ?, ?, ?)",
                    ))
                    .bind(created.id)
                    .bind(original)
                    .bind(&language)
                    .bind(original_version)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| match e.as_database_error() {
                        Some(d) if d.is_unique_violation() => {
                            StoreError::Invalid(format!("this article already has a version in `{language}`"))
                        }
                        _ => backend(e),
                    })?;
                    // Pages of the group that list its languages.
                    let keys: Vec<String> = group.iter().map(|m| format!("article:{}", m.article_id)).collect();
                    record_change(&mut tx, &keys).await?;
                    tx.commit().await.map_err(backend)?;
                    Ok(created)
                }

                async fn translation_group(&self, article: Id) -> Result<Vec<GroupMember>> {
                    let mut conn = self.pool.acquire().await.map_err(backend)?;
                    let original = original_of(&mut conn, article).await?;
                    let group = group_in(&mut conn, original).await?;
                    // An article alone is in no group.
                    Ok(if group.len() > 1 { group } else { Vec::new() })
                }

                async fn translation_state(&self, article: Id) -> Result<Option<TranslationState>> {
                    let mut conn = self.pool.acquire().await.map_err(backend)?;
                    translation_state_in(&mut conn, article).await
                }

                async fn mark_translation_current(&self, article: Id) -> Result<Option<TranslationState>> {
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    write_lock(&mut tx).await?;
                    let done = sqlx::query(&q(
                        "UPDATE translations SET original_version = \
                           (SELECT version FROM articles WHERE id = translations.original_id) WHERE article_id = ?",
                    ))
                    .bind(article)
                    .execute(&mut *tx)
                    .await
                    .map_err(backend)?;
                    if done.rows_affected() == 0 {
                        return Ok(None);
                    }
                    let state = translation_state_in(&mut tx, article).await?;
                    // Nothing a reader sees depends on the followed version
                    // today; the group's pages are named all the same, so
                    // that a page showing "updated since" later is purged.
                    if let Some(st) = &state {
                        let keys: Vec<String> = group_in(&mut tx, st.original_id)
                            .await?
                            .iter()
                            .map(|m| format!("article:{}", m.article_id))
                            .collect();
                        record_change(&mut tx, &keys).await?;
                    }
                    tx.commit().await.map_err(backend)?;
                    Ok(state)
                }

                async fn untranslated(
                    &self,
                    publication: Id,
                    language: &str,
                    only_language: Option<&str>,
                    limit: u32,
                    offset: u32,
                    now: DateTime<Utc>,
                ) -> Result<Page<UntranslatedRow>> {
                    let filter = if only_language.is_some() { " AND p.language = ?" } else { "" };
                    let from = format!(
                        "FROM articles a JOIN publications p ON p.id = a.publication_id \
                         WHERE a.publication_id <> ? AND p.language <> ? AND a.status = 'published' AND a.published_at <= ? \
                           AND NOT EXISTS (SELECT 1 FROM translations x WHERE x.article_id = a.id) \
                           AND NOT EXISTS (SELECT 1 FROM translations y WHERE y.original_id = a.id AND y.language = ?){filter}"
                    );
                    let sql = format!(
                        "SELECT a.id, a.publication_id, p.language, a.slug, a.headline, a.standfirst, a.published_at, \
                           a.published_offset, count(*) OVER () {from} ORDER BY a.published_at DESC, a.id DESC LIMIT ? OFFSET ?"
                    );
                    let sql = q(&sql);
                    let mut query = sqlx::query(&sql).bind(publication).bind(language).bind(now.timestamp()).bind(language);
                    if let Some(l) = only_language {
                        query = query.bind(l);
                    }
                    let rows = query.bind(i64::from(limit)).bind(i64::from(offset)).fetch_all(&self.pool).await.map_err(backend)?;
                    let total = match rows.first() {
                        Some(r) => u64_of(r.int(8)?),
                        None if offset > 0 => {
                            let sql = q(&format!("SELECT count(*) {from}"));
                            let mut count = sqlx::query_scalar::<_, i64>(&sql)
                                .bind(publication)
                                .bind(language)
                                .bind(now.timestamp())
                                .bind(language);
                            if let Some(l) = only_language {
                                count = count.bind(l);
                            }
                            u64_of(count.fetch_one(&self.pool).await.map_err(backend)?)
                        }
                        None => 0,
                    };
                    let items = rows
                        .iter()
                        .map(|r| {
                            Ok(UntranslatedRow {
                                id: r.int(0)?,
                                publication_id: r.int(1)?,
                                language: r.text(2)?,
                                slug: r.text(3)?,
                                headline: r.text(4)?,
                                standfirst: r.text(5)?,
                                published_at: from_parts(r.int(6)?, r.int32(7)?)?,
                            })
                        })
                        .collect::<Result<Vec<_>>>()?;
                    Ok(Page { items, total })
                }
            }
        }
    };
}

pub(crate) use editorial_impl;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_are_trimmed_and_limited() {
        assert_eq!(checked_note("  a\r\nb ").ok().as_deref(), Some("a\nb"));
        assert!(matches!(checked_note("  "), Err(StoreError::Invalid(_))));
        let long = "x".repeat(crate::editorial::MAX_NOTE_CHARS + 1);
        assert!(matches!(checked_note(&long), Err(StoreError::Invalid(m)) if m.contains("5000")));
        assert!(checked_note(&"é".repeat(crate::editorial::MAX_NOTE_CHARS)).is_ok());
    }
}
