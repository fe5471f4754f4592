//! [`crate::MediaLibrary`] for both backends, written once like
//! `api_keys_sql.rs`: `?` placeholders, numbered for PostgreSQL by the
//! backend's `$q`; `lower(…) LIKE … ESCAPE '\'` for search, which both read
//! the same way.

macro_rules! library_impl {
    ($store:ident, $conn:ty, $q:path) => {
        /// The [`crate::MediaLibrary`] statements (see `library_sql.rs`).
        mod library_gen {
            use chrono::{DateTime, Utc};
            use prensa_core::{Id, MediaAsset, MediaInfo, MediaMeta, MediaUsage, MediaUse, MediaUseKind, Page};
            use sqlx::Row;

            use super::$store;
            use super::desk_gen::finish;
            use super::newsroom_gen::{record_change, write_lock};
            use crate::newsroom_sql::like_pattern;
            use crate::shared::{backend, i64_of, media_from, u64_of, Cols};
            use crate::{MediaLibrary, Result, StoreError};

            type Conn = $conn;

            fn q(sql: &str) -> String {
                $q(sql)
            }

            /// The columns [`info_from`] reads, on `media`.
            const INFO_COLUMNS: &str = "key, content_type, width, height, bytes, name, alt, caption, credit, created_at";

            fn info_from(row: &impl Cols) -> Result<MediaInfo> {
                Ok(MediaInfo {
                    asset: media_from(row)?,
                    meta: MediaMeta { name: row.text(5)?, alt: row.text(6)?, caption: row.text(7)?, credit: row.text(8)? },
                    created_at: row.int(9)?,
                })
            }

            fn cleaned(meta: &MediaMeta) -> Result<MediaMeta> {
                meta.cleaned().map_err(StoreError::Invalid)
            }

            async fn info_in(conn: &mut Conn, key: &str) -> Result<Option<MediaInfo>> {
                let row = sqlx::query(&q(&format!("SELECT {INFO_COLUMNS} FROM media WHERE key = ?")))
                    .bind(key)
                    .fetch_optional(&mut *conn)
                    .await
                    .map_err(backend)?;
                row.map(|r| info_from(&r)).transpose()
            }

            async fn usage_in(conn: &mut Conn, key: &str) -> Result<MediaUsage> {
                // A body links the original or any of its variants
                // (`/media/<hash>-640.webp`); a key's hash is hex, so the
                // pattern holds no wildcard of the user's.
                let hash = key.split('.').next().unwrap_or(key);
                let body = format!("%/media/{hash}%");
                let rows = sqlx::query(&q(
                    "SELECT a.id, a.publication_id, a.headline, a.status, 'hero' FROM articles a WHERE a.image_key = ? \
                     UNION ALL \
                     SELECT DISTINCT a.id, a.publication_id, a.headline, a.status, 'portrait' FROM articles a \
                       JOIN article_authors aa ON aa.article_id = a.id JOIN authors au ON au.id = aa.author_id \
                       WHERE au.avatar = ? \
                     UNION ALL \
                     SELECT a.id, a.publication_id, a.headline, a.status, 'body' FROM articles a WHERE a.body LIKE ? \
                     ORDER BY 1, 5",
                ))
                .bind(key)
                .bind(key)
                .bind(&body)
                .fetch_all(&mut *conn)
                .await
                .map_err(backend)?;
                let mut articles = Vec::with_capacity(rows.len());
                for r in &rows {
                    let kind = match r.text(4)?.as_str() {
                        "hero" => MediaUseKind::Hero,
                        "portrait" => MediaUseKind::Portrait,
                        _ => MediaUseKind::Body,
                    };
                    articles.push(MediaUse {
                        article: r.int(0)?,
                        publication: r.int(1)?,
                        headline: r.text(2)?,
                        kind,
                        published: r.text(3)? == "published",
                    });
                }
                let authors: Vec<(Id, String)> = sqlx::query_as(&q("SELECT id, name FROM authors WHERE avatar = ? ORDER BY name, id"))
                    .bind(key)
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(backend)?;
                Ok(MediaUsage { articles, authors })
            }

            impl MediaLibrary for $store {
                async fn add_upload(&self, asset: &MediaAsset, meta: &MediaMeta, now: DateTime<Utc>) -> Result<MediaInfo> {
                    let meta = cleaned(meta)?;
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    let result = async {
                        let tx = &mut tx;
                        sqlx::query(&q(
                            "INSERT INTO media (key, content_type, width, height, bytes, created_at, name, alt, caption, credit) \
                             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
                             ON CONFLICT (key) DO UPDATE SET name = CASE WHEN media.name = '' THEN excluded.name ELSE media.name END",
                        ))
                        .bind(&asset.key)
                        .bind(&asset.content_type)
                        .bind(i64::from(asset.width))
                        .bind(i64::from(asset.height))
                        .bind(i64_of(asset.bytes))
                        .bind(now.timestamp())
                        .bind(&meta.name)
                        .bind(&meta.alt)
                        .bind(&meta.caption)
                        .bind(&meta.credit)
                        .execute(&mut **tx)
                        .await
                        .map_err(backend)?;
                        info_in(&mut *tx, &asset.key).await?.ok_or(StoreError::NotFound)
                    }
                    .await;
                    finish(tx, result).await
                }

                async fn media_info(&self, key: &str) -> Result<Option<MediaInfo>> {
                    let mut conn = self.pool.acquire().await.map_err(backend)?;
                    info_in(&mut conn, key).await
                }

                async fn search_media(&self, search: &str, limit: u32, offset: u32) -> Result<Page<MediaInfo>> {
                    let search = search.trim();
                    let (filter, pattern) = if search.is_empty() {
                        ("", None)
                    } else {
                        (
                            " WHERE lower(name) LIKE ? ESCAPE '\\' OR lower(alt) LIKE ? ESCAPE '\\' \
                              OR lower(caption) LIKE ? ESCAPE '\\' OR lower(credit) LIKE ? ESCAPE '\\' OR key LIKE ? ESCAPE '\\'",
                            Some(like_pattern(search)),
                        )
                    };
                    let sql = format!(
                        "SELECT {INFO_COLUMNS}, COUNT(*) OVER () FROM media{filter} ORDER BY created_at DESC, key LIMIT ? OFFSET ?"
                    );
                    let sql = q(&sql);
                    let mut query = sqlx::query(&sql);
                    if let Some(p) = &pattern {
                        for _ in 0..5 {
                            query = query.bind(p.clone());
                        }
                    }
                    let rows = query.bind(i64::from(limit)).bind(i64::from(offset)).fetch_all(&self.pool).await.map_err(backend)?;
                    let total = match rows.first() {
                        Some(r) => u64_of(r.try_get(10).map_err(backend)?),
                        None if offset == 0 => 0,
                        None => {
                            let count_sql = q(&format!("SELECT COUNT(*) FROM media{filter}"));
                            let mut count = sqlx::query_scalar::<_, i64>(&count_sql);
                            if let Some(p) = &pattern {
                                for _ in 0..5 {
                                    count = count.bind(p.clone());
                                }
                            }
                            u64_of(count.fetch_one(&self.pool).await.map_err(backend)?)
                        }
                    };
                    let items = rows.iter().map(info_from).collect::<Result<Vec<_>>>()?;
                    Ok(Page { items, total })
                }

                async fn update_media(&self, key: &str, meta: &MediaMeta) -> Result<()> {
                    let meta = cleaned(meta)?;
                    let done = sqlx::query(&q("UPDATE media SET name = ?, alt = ?, caption = ?, credit = ? WHERE key = ?"))
                        .bind(&meta.name)
                        .bind(&meta.alt)
                        .bind(&meta.caption)
                        .bind(&meta.credit)
                        .bind(key)
                        .execute(&self.pool)
                        .await
                        .map_err(backend)?;
                    if done.rows_affected() == 0 {
                        return Err(StoreError::NotFound);
                    }
                    Ok(())
                }

                async fn media_usage(&self, key: &str) -> Result<MediaUsage> {
                    let mut conn = self.pool.acquire().await.map_err(backend)?;
                    usage_in(&mut conn, key).await
                }

                async fn delete_media(&self, key: &str) -> Result<MediaUsage> {
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    let result = async {
                        let tx = &mut tx;
                        // The write lock before the reads: a publish racing
                        // this deletion waits, then finds no image.
                        write_lock(&mut *tx).await?;
                        if info_in(&mut *tx, key).await?.is_none() {
                            return Err(StoreError::NotFound);
                        }
                        let usage = usage_in(&mut *tx, key).await?;
                        if let Some(why) = usage.refusal() {
                            return Err(StoreError::Invalid(why));
                        }
                        let mut keys = Vec::new();
                        for u in usage.articles.iter().filter(|u| u.kind == MediaUseKind::Hero) {
                            keys.push(format!("article:{}", u.article));
                        }
                        for (id, _) in &usage.authors {
                            keys.push(format!("author:{id}"));
                        }
                        sqlx::query(&q("UPDATE articles SET image_key = NULL, image_alt = NULL, image_caption = NULL WHERE image_key = ?"))
                            .bind(key)
                            .execute(&mut **tx)
                            .await
                            .map_err(backend)?;
                        sqlx::query(&q("UPDATE authors SET avatar = NULL WHERE avatar = ?"))
                            .bind(key)
                            .execute(&mut **tx)
                            .await
                            .map_err(backend)?;
                        sqlx::query(&q("DELETE FROM media WHERE key = ?"))
                            .bind(key)
                            .execute(&mut **tx)
                            .await
                            .map_err(backend)?;
                        if !keys.is_empty() {
                            record_change(&mut *tx, &keys).await?;
                        }
                        Ok(usage)
                    }
                    .await;
                    finish(tx, result).await
                }
            }
        }
    };
}

pub(crate) use library_impl;
