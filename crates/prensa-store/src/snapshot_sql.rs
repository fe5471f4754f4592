//! The newsroom's part of [`crate::Store::export_all`] and
//! [`crate::Store::import_snapshot`] for both backends, written once:
//! staff accounts and their roles per publication, revisions, former slugs, review notes and scheduled
//! changes, ids kept. As in `newsroom_sql.rs`, the statements use `?`
//! placeholders that the PostgreSQL expansion numbers.
//!
//! Sessions, single-use links and the change feed are not copied: people
//! sign in again, and the new store starts its own feed.

/// Defines `snapshot_gen::{newsroom_out, newsroom_in}` for connections of
/// type `$conn`, with `$q` turning `?` into the backend's placeholders.
macro_rules! snapshot_impl {
    ($conn:ty, $q:path) => {
        /// The newsroom half of a snapshot (see `snapshot_sql.rs`).
        mod snapshot_gen {
            use prensa_core::Snapshot;

            use crate::shared::{
                backend, note_row, publication_role_row, redirect_row, revision_row, scheduled_row, user_row,
                NOTE_ROW_COLUMNS, PUBLICATION_ROLE_ROW_COLUMNS, REDIRECT_ROW_COLUMNS, REVISION_ROW_COLUMNS,
                SCHEDULED_ROW_COLUMNS, USER_ROW_COLUMNS,
            };
            use crate::Result;

            type Conn = $conn;

            fn q(sql: &str) -> String {
                $q(sql)
            }

            /// Reads the newsroom's tables into `s`, each in key order.
            pub(crate) async fn newsroom_out(conn: &mut Conn, s: &mut Snapshot) -> Result<()> {
                let rows = sqlx::query(&format!("SELECT {USER_ROW_COLUMNS} FROM users ORDER BY id"))
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(backend)?;
                s.users = rows.iter().map(user_row).collect::<Result<_>>()?;
                let rows = sqlx::query(&format!(
                    "SELECT {PUBLICATION_ROLE_ROW_COLUMNS} FROM publication_roles ORDER BY user_id, publication_id"
                ))
                .fetch_all(&mut *conn)
                .await
                .map_err(backend)?;
                s.publication_roles = rows.iter().map(publication_role_row).collect::<Result<_>>()?;
                let rows = sqlx::query(&format!("SELECT {REVISION_ROW_COLUMNS} FROM article_revisions ORDER BY id"))
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(backend)?;
                s.article_revisions = rows.iter().map(revision_row).collect::<Result<_>>()?;
                let rows = sqlx::query(&format!(
                    "SELECT {REDIRECT_ROW_COLUMNS} FROM slug_redirects ORDER BY publication_id, old_slug"
                ))
                .fetch_all(&mut *conn)
                .await
                .map_err(backend)?;
                s.slug_redirects = rows.iter().map(redirect_row).collect::<Result<_>>()?;
                let rows = sqlx::query(&format!("SELECT {NOTE_ROW_COLUMNS} FROM review_notes ORDER BY id"))
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(backend)?;
                s.review_notes = rows.iter().map(note_row).collect::<Result<_>>()?;
                let rows = sqlx::query(&format!("SELECT {SCHEDULED_ROW_COLUMNS} FROM scheduled_changes ORDER BY id"))
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(backend)?;
                s.scheduled_changes = rows.iter().map(scheduled_row).collect::<Result<_>>()?;
                Ok(())
            }

            /// Writes the newsroom's rows of `s` with their ids, after the
            /// content tables they reference (authors, articles).
            pub(crate) async fn newsroom_in(conn: &mut Conn, s: &Snapshot) -> Result<()> {
                let sql = q(&format!("INSERT INTO users ({USER_ROW_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
                for u in &s.users {
                    sqlx::query(&sql)
                        .bind(u.id)
                        .bind(&u.email)
                        .bind(&u.name)
                        .bind(u.role.as_str())
                        .bind(u.author_id)
                        .bind(&u.password_hash)
                        .bind(u.created_at)
                        .bind(u.network_wide)
                        .bind(u.deactivated_at)
                        .execute(&mut *conn)
                        .await
                        .map_err(backend)?;
                }
                let sql = q(&format!("INSERT INTO publication_roles ({PUBLICATION_ROLE_ROW_COLUMNS}) VALUES (?, ?, ?)"));
                for r in &s.publication_roles {
                    sqlx::query(&sql)
                        .bind(r.user_id)
                        .bind(r.publication_id)
                        .bind(r.role.as_str())
                        .execute(&mut *conn)
                        .await
                        .map_err(backend)?;
                }
                let sql = q(&format!("INSERT INTO article_revisions ({REVISION_ROW_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)"));
                for r in &s.article_revisions {
                    sqlx::query(&sql)
                        .bind(r.id)
                        .bind(r.article_id)
                        .bind(r.version)
                        .bind(r.user_id)
                        .bind(r.saved_at)
                        .bind(&r.draft)
                        .execute(&mut *conn)
                        .await
                        .map_err(backend)?;
                }
                let sql = q(&format!("INSERT INTO slug_redirects ({REDIRECT_ROW_COLUMNS}) VALUES (?, ?, ?)"));
                for r in &s.slug_redirects {
                    sqlx::query(&sql)
                        .bind(r.publication_id)
                        .bind(&r.old_slug)
                        .bind(r.article_id)
                        .execute(&mut *conn)
                        .await
                        .map_err(backend)?;
                }
                let sql = q(&format!("INSERT INTO review_notes ({NOTE_ROW_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
                for n in &s.review_notes {
                    sqlx::query(&sql)
                        .bind(n.id)
                        .bind(n.article_id)
                        .bind(n.user_id)
                        .bind(&n.body)
                        .bind(n.created_at)
                        .bind(n.resolved_at)
                        .bind(n.resolved_by)
                        .bind(n.reply_to)
                        .execute(&mut *conn)
                        .await
                        .map_err(backend)?;
                }
                let sql =
                    q(&format!("INSERT INTO scheduled_changes ({SCHEDULED_ROW_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
                for c in &s.scheduled_changes {
                    sqlx::query(&sql)
                        .bind(c.id)
                        .bind(c.article_id)
                        .bind(&c.kind)
                        .bind(&c.draft)
                        .bind(c.run_at)
                        .bind(c.created_by)
                        .bind(c.created_at)
                        .bind(c.done_at)
                        .bind(&c.outcome)
                        .bind(c.base_version)
                        .execute(&mut *conn)
                        .await
                        .map_err(backend)?;
                }
                Ok(())
            }
        }
    };
}

pub(crate) use snapshot_impl;
