//! [`crate::ApiKeys`] for both backends, written once like `desk_sql.rs`:
//! `?` placeholders, numbered for PostgreSQL by the backend's `$q`.

macro_rules! api_keys_impl {
    ($store:ident, $conn:ty, $q:path) => {
        /// The [`crate::ApiKeys`] statements (see `api_keys_sql.rs`).
        mod api_keys_gen {
            use chrono::{DateTime, Utc};
            use prensa_core::content_api::cors_origins_to_text;
            use prensa_core::{ApiKeyDigest, ApiKeyInfo, Id, RevokeOutcome};

            use super::$store;
            use super::desk_gen::finish;
            use super::newsroom_gen::{record_change, record_change_all, write_lock};
            use crate::shared::{backend, utc_of, Cols};
            use crate::{ApiKeys, Result, StoreError, CHANGE_API_KEYS};

            use super::snapshot_gen::insert_rows;

            type Conn = $conn;

            fn q(sql: &str) -> String {
                $q(sql)
            }

            async fn publication_exists(conn: &mut Conn, publication: Id) -> Result<()> {
                let found: Option<i64> = sqlx::query_scalar(&q("SELECT id FROM publications WHERE id = ?"))
                    .bind(publication)
                    .fetch_optional(&mut *conn)
                    .await
                    .map_err(backend)?;
                found.map(|_| ()).ok_or(StoreError::NotFound)
            }

            /// Columns: id, publication_id, name, prefix, created_at,
            /// creator's name, revoked_at.
            fn info_from(row: &impl Cols) -> Result<ApiKeyInfo> {
                Ok(ApiKeyInfo {
                    id: row.int(0)?,
                    publication: row.int(1)?,
                    name: row.text(2)?,
                    prefix: row.text(3)?,
                    created_at: utc_of(row.int(4)?)?,
                    created_by: row.opt_text(5)?,
                    revoked_at: row.opt_int(6)?.map(utc_of).transpose()?,
                })
            }

            /// Every key's row, in id order, for a snapshot.
            pub(crate) async fn api_keys_out(conn: &mut Conn, s: &mut prensa_core::Snapshot) -> Result<()> {
                #[allow(clippy::type_complexity)]
                let rows: Vec<(Id, Id, String, String, String, i64, Option<Id>, Option<i64>)> = sqlx::query_as(
                    "SELECT id, publication_id, name, digest, prefix, created_at, created_by, revoked_at FROM api_keys ORDER BY id",
                )
                .fetch_all(&mut *conn)
                .await
                .map_err(backend)?;
                s.api_keys = rows
                    .into_iter()
                    .map(|(id, publication_id, name, digest, prefix, created_at, created_by, revoked_at)| prensa_core::ApiKeyRow {
                        id,
                        publication_id,
                        name,
                        digest,
                        prefix,
                        created_at,
                        created_by,
                        revoked_at,
                    })
                    .collect();
                Ok(())
            }

            /// Writes a snapshot's keys, ids included, after the
            /// publications and accounts they name.
            pub(crate) async fn api_keys_in(conn: &mut Conn, s: &prensa_core::Snapshot) -> Result<()> {
                let columns = "id, publication_id, name, digest, prefix, created_at, created_by, revoked_at";
                insert_rows(&mut *conn, "api_keys", columns, "(?, ?, ?, ?, ?, ?, ?, ?)", "", &s.api_keys, |q, k| {
                    q.bind(k.id)
                        .bind(k.publication_id)
                        .bind(&k.name)
                        .bind(&k.digest)
                        .bind(&k.prefix)
                        .bind(k.created_at)
                        .bind(k.created_by)
                        .bind(k.revoked_at)
                })
                .await?;
                Ok(())
            }

            impl ApiKeys for $store {
                async fn create_api_key(
                    &self,
                    publication: Id,
                    name: &str,
                    digest: &str,
                    prefix: &str,
                    created_by: Option<Id>,
                    now: DateTime<Utc>,
                ) -> Result<Id> {
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    let result = async {
                        let tx = &mut tx;
                        write_lock(&mut *tx).await?;
                        publication_exists(&mut *tx, publication).await?;
                        let id: Id = sqlx::query_scalar(&q(
                            "INSERT INTO api_keys (publication_id, name, digest, prefix, created_at, created_by) \
                             VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                        ))
                        .bind(publication)
                        .bind(name)
                        .bind(digest)
                        .bind(prefix)
                        .bind(now.timestamp())
                        .bind(created_by)
                        .fetch_one(&mut **tx)
                        .await
                        .map_err(|e| match e.as_database_error() {
                            Some(d) if d.is_unique_violation() => StoreError::Invalid("that key is already stored".into()),
                            Some(d) if d.is_foreign_key_violation() => {
                                StoreError::Invalid("the account making the key does not exist".into())
                            }
                            _ => backend(e),
                        })?;
                        record_change(&mut *tx, &[CHANGE_API_KEYS.to_owned()]).await?;
                        Ok(id)
                    }
                    .await;
                    finish(tx, result).await
                }

                async fn api_keys(&self, publication: Id) -> Result<Vec<ApiKeyInfo>> {
                    let rows = sqlx::query(&q(
                        "SELECT k.id, k.publication_id, k.name, k.prefix, k.created_at, u.name, k.revoked_at \
                         FROM api_keys k LEFT JOIN users u ON u.id = k.created_by \
                         WHERE k.publication_id = ? ORDER BY k.created_at DESC, k.id DESC",
                    ))
                    .bind(publication)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(backend)?;
                    rows.iter().map(info_from).collect()
                }

                async fn revoke_api_key(&self, publication: Id, id: Id, now: DateTime<Utc>) -> Result<RevokeOutcome> {
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    let result = async {
                        let tx = &mut tx;
                        // The write comes first, so it holds the write lock
                        // before anything is read; two revocations racing
                        // find one row to update between them.
                        let done = sqlx::query(&q(
                            "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND publication_id = ? AND revoked_at IS NULL",
                        ))
                        .bind(now.timestamp())
                        .bind(id)
                        .bind(publication)
                        .execute(&mut **tx)
                        .await
                        .map_err(backend)?;
                        if done.rows_affected() > 0 {
                            record_change(&mut *tx, &[CHANGE_API_KEYS.to_owned()]).await?;
                            return Ok(RevokeOutcome::Revoked);
                        }
                        let exists: Option<i64> = sqlx::query_scalar(&q("SELECT id FROM api_keys WHERE id = ? AND publication_id = ?"))
                            .bind(id)
                            .bind(publication)
                            .fetch_optional(&mut **tx)
                            .await
                            .map_err(backend)?;
                        Ok(if exists.is_some() { RevokeOutcome::AlreadyRevoked } else { RevokeOutcome::NotFound })
                    }
                    .await;
                    finish(tx, result).await
                }

                async fn api_key_digests(&self) -> Result<Vec<ApiKeyDigest>> {
                    let rows: Vec<(String, Id, Option<i64>)> =
                        sqlx::query_as("SELECT digest, publication_id, revoked_at FROM api_keys ORDER BY id")
                            .fetch_all(&self.pool)
                            .await
                            .map_err(backend)?;
                    Ok(rows
                        .into_iter()
                        .map(|(digest, publication, revoked_at)| ApiKeyDigest { digest, publication, revoked: revoked_at.is_some() })
                        .collect())
                }

                async fn set_api_cors_origins(&self, publication: Id, origins: &[String]) -> Result<()> {
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    let result = async {
                        let tx = &mut tx;
                        let done = sqlx::query(&q("UPDATE publications SET api_cors_origins = ? WHERE id = ?"))
                            .bind(cors_origins_to_text(origins))
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
            }
        }
    };
}

pub(crate) use api_keys_impl;
