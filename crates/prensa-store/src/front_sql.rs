//! [`crate::Front`] and the front page's reads of [`crate::Store`] for both
//! backends, written once like `api_keys_sql.rs`: `?` placeholders,
//! numbered for PostgreSQL by the backend's `$q`; `super::BYLINE_JSON` is
//! the backend's byline aggregate.

macro_rules! front_impl {
    ($store:ident, $conn:ty, $q:path) => {
        /// The front page's statements (see `front_sql.rs`).
        mod front_gen {
            use chrono::{DateTime, Utc};
            use prensa_core::front::{Slot, MAX_PINS};
            use prensa_core::{ArticleSummary, Id};

            use super::desk_gen::finish;
            use super::newsroom_gen::{record_change, record_change_all, write_lock};
            use super::{$store, BYLINE_JSON};
            use crate::front::{Brand, FrontPin, CHANGE_HOME};
            use crate::shared::{backend, image_at, media_from, summary_from, utc_of, Cols};
            use crate::{Front, Result, StoreError};

            use super::snapshot_gen::insert_rows;

            type Conn = $conn;

            fn q(sql: &str) -> String {
                $q(sql)
            }

            /// Whether an article (`a`) is visible at the bound time.
            const VISIBLE: &str = "a.status = 'published' AND a.published_at <= ?";

            /// Every pin and brand row, for a snapshot.
            pub(crate) async fn front_out(conn: &mut Conn, s: &mut prensa_core::Snapshot) -> Result<()> {
                let rows = sqlx::query(
                    "SELECT article_id, publication_id, position, expires_at, pinned_at FROM front_pins ORDER BY article_id",
                )
                .fetch_all(&mut *conn)
                .await
                .map_err(backend)?;
                for r in &rows {
                    s.front.pins.push(prensa_core::front::FrontPinRow {
                        article_id: r.int(0)?,
                        publication_id: r.int(1)?,
                        position: r.int(2)?,
                        expires_at: r.opt_int(3)?,
                        pinned_at: r.int(4)?,
                    });
                }
                let rows = sqlx::query(
                    "SELECT publication_id, logo_key, favicon_key FROM publication_brand ORDER BY publication_id",
                )
                .fetch_all(&mut *conn)
                .await
                .map_err(backend)?;
                for r in &rows {
                    s.front.brands.push(prensa_core::front::BrandRow {
                        publication_id: r.int(0)?,
                        logo_key: r.opt_text(1)?,
                        favicon_key: r.opt_text(2)?,
                    });
                }
                Ok(())
            }

            /// Writes a snapshot's pins and brands, after the articles,
            /// publications and media they name.
            pub(crate) async fn front_snapshot_in(conn: &mut Conn, s: &prensa_core::Snapshot) -> Result<()> {
                let columns = "article_id, publication_id, position, expires_at, pinned_at";
                insert_rows(&mut *conn, "front_pins", columns, "(?, ?, ?, ?, ?)", "", &s.front.pins, |q, p| {
                    q.bind(p.article_id).bind(p.publication_id).bind(p.position).bind(p.expires_at).bind(p.pinned_at)
                })
                .await?;
                let columns = "publication_id, logo_key, favicon_key";
                insert_rows(&mut *conn, "publication_brand", columns, "(?, ?, ?)", "", &s.front.brands, |q, b| {
                    q.bind(b.publication_id).bind(&b.logo_key).bind(&b.favicon_key)
                })
                .await?;
                Ok(())
            }

            /// The live pins of `publication`, in order, as cards.
            pub(crate) async fn home_pins(conn: &mut Conn, publication: Id, now: DateTime<Utc>) -> Result<Vec<ArticleSummary>> {
                let sql = q(&format!(
                    "SELECT a.id, a.slug, a.headline, a.standfirst, a.image_key, m.width, m.height, a.image_alt, \
                            a.image_caption, a.published_at, a.published_offset, s.slug, s.name, {BYLINE_JSON} \
                     FROM front_pins p JOIN articles a ON a.id = p.article_id JOIN sections s ON s.id = a.section_id \
                     LEFT JOIN media m ON m.key = a.image_key \
                     WHERE p.publication_id = ? AND a.publication_id = p.publication_id AND {VISIBLE} \
                       AND (p.expires_at IS NULL OR p.expires_at > ?) \
                     ORDER BY p.position, p.article_id LIMIT ?"
                ));
                let rows = sqlx::query(&sql)
                    .bind(publication)
                    .bind(now.timestamp())
                    .bind(now.timestamp())
                    .bind(i64::try_from(MAX_PINS).unwrap_or(i64::MAX))
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(backend)?;
                rows.iter().map(summary_from).collect()
            }

            /// The earliest pin expiry after `now`: when a home page next
            /// changes by itself.
            pub(crate) async fn next_expiry(conn: &mut Conn, now: DateTime<Utc>) -> Result<Option<i64>> {
                sqlx::query_scalar(&q("SELECT MIN(expires_at) FROM front_pins WHERE expires_at > ?"))
                    .bind(now.timestamp())
                    .fetch_one(&mut *conn)
                    .await
                    .map_err(backend)
            }

            /// Every publication's logo and favicon that has one.
            pub(crate) async fn brands(conn: &mut Conn) -> Result<Vec<Brand>> {
                let rows = sqlx::query(
                    "SELECT f.key, f.content_type, f.width, f.height, f.bytes, b.publication_id, l.key, l.width, l.height \
                     FROM publication_brand b LEFT JOIN media l ON l.key = b.logo_key \
                     LEFT JOIN media f ON f.key = b.favicon_key ORDER BY b.publication_id",
                )
                .fetch_all(&mut *conn)
                .await
                .map_err(backend)?;
                rows.iter()
                    .map(|r| {
                        Ok(Brand {
                            publication: r.int(5)?,
                            logo: image_at(r, 6)?,
                            favicon: if r.opt_text(0)?.is_some() { Some(media_from(r)?) } else { None },
                        })
                    })
                    .collect()
            }

            /// The publication's pinned articles in order.
            async fn pinned(conn: &mut Conn, publication: Id) -> Result<Vec<Id>> {
                sqlx::query_scalar(&q("SELECT article_id FROM front_pins WHERE publication_id = ? ORDER BY position, article_id"))
                    .bind(publication)
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(backend)
            }

            /// Stores `ids` as the publication's order, 0 first.
            async fn renumber(conn: &mut Conn, ids: &[Id]) -> Result<()> {
                for (n, id) in ids.iter().enumerate() {
                    sqlx::query(&q("UPDATE front_pins SET position = ? WHERE article_id = ?"))
                        .bind(i64::try_from(n).unwrap_or(i64::MAX))
                        .bind(id)
                        .execute(&mut *conn)
                        .await
                        .map_err(backend)?;
                }
                Ok(())
            }

            impl Front for $store {
                async fn front_pins(&self, publication: Id, now: DateTime<Utc>) -> Result<Vec<FrontPin>> {
                    let sql = q(&format!(
                        "SELECT p.article_id, a.slug, a.headline, p.position, p.expires_at, \
                                CASE WHEN {VISIBLE} AND (p.expires_at IS NULL OR p.expires_at > ?) THEN 1 ELSE 0 END, \
                                CASE WHEN a.image_key IS NULL THEN 0 ELSE 1 END \
                         FROM front_pins p JOIN articles a ON a.id = p.article_id \
                         WHERE p.publication_id = ? ORDER BY p.position, p.article_id"
                    ));
                    let rows = sqlx::query(&sql)
                        .bind(now.timestamp())
                        .bind(now.timestamp())
                        .bind(publication)
                        .fetch_all(&self.pool)
                        .await
                        .map_err(backend)?;
                    rows.iter()
                        .map(|r| {
                            Ok(FrontPin {
                                article: r.int(0)?,
                                slug: r.text(1)?,
                                headline: r.text(2)?,
                                position: r.int(3)?,
                                expires_at: r.opt_int(4)?.map(utc_of).transpose()?,
                                live: r.int32(5)? == 1,
                                has_image: r.int32(6)? == 1,
                            })
                        })
                        .collect()
                }

                async fn pin_article(
                    &self,
                    publication: Id,
                    article: Id,
                    slot: Slot,
                    expires_at: Option<DateTime<Utc>>,
                    now: DateTime<Utc>,
                ) -> Result<()> {
                    if expires_at.is_some_and(|e| e <= now) {
                        return Err(StoreError::Invalid("the expiry time has already passed; choose a later one".into()));
                    }
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    let result = async {
                        let tx = &mut tx;
                        write_lock(&mut *tx).await?;
                        let visible: Option<i32> = sqlx::query_scalar(&q(&format!(
                            "SELECT CASE WHEN {VISIBLE} THEN 1 ELSE 0 END FROM articles a WHERE a.id = ? AND a.publication_id = ?"
                        )))
                        .bind(now.timestamp())
                        .bind(article)
                        .bind(publication)
                        .fetch_optional(&mut **tx)
                        .await
                        .map_err(backend)?;
                        match visible {
                            None => return Err(StoreError::Invalid("there is no such article in this publication".into())),
                            Some(0) => {
                                return Err(StoreError::Invalid(
                                    "only published articles can be pinned to the front page".into(),
                                ))
                            }
                            Some(_) => {}
                        }
                        // Pins readers no longer see make room first.
                        sqlx::query(&q(
                            "DELETE FROM front_pins WHERE publication_id = ? AND ((expires_at IS NOT NULL AND expires_at <= ?) \
                             OR article_id IN (SELECT a.id FROM articles a WHERE a.publication_id = ? AND NOT (a.status = 'published')))",
                        ))
                        .bind(publication)
                        .bind(now.timestamp())
                        .bind(publication)
                        .execute(&mut **tx)
                        .await
                        .map_err(backend)?;
                        let mut order = pinned(&mut *tx, publication).await?;
                        let already = order.contains(&article);
                        if !already && order.len() >= MAX_PINS {
                            return Err(StoreError::Invalid(format!(
                                "the front page holds {MAX_PINS} pinned articles (the lead and {} featured); unpin one first",
                                MAX_PINS - 1
                            )));
                        }
                        if already {
                            sqlx::query(&q("UPDATE front_pins SET expires_at = ?, pinned_at = ? WHERE article_id = ?"))
                                .bind(expires_at.map(|e| e.timestamp()))
                                .bind(now.timestamp())
                                .bind(article)
                                .execute(&mut **tx)
                                .await
                                .map_err(backend)?;
                        } else {
                            sqlx::query(&q(
                                "INSERT INTO front_pins (article_id, publication_id, position, expires_at, pinned_at) \
                                 VALUES (?, ?, ?, ?, ?)",
                            ))
                            .bind(article)
                            .bind(publication)
                            .bind(i64::try_from(order.len()).unwrap_or(i64::MAX))
                            .bind(expires_at.map(|e| e.timestamp()))
                            .bind(now.timestamp())
                            .execute(&mut **tx)
                            .await
                            .map_err(backend)?;
                            order.push(article);
                        }
                        if slot == Slot::Lead {
                            order.retain(|x| *x != article);
                            order.insert(0, article);
                        }
                        renumber(&mut *tx, &order).await?;
                        record_change(&mut *tx, &[CHANGE_HOME.to_owned()]).await?;
                        Ok(())
                    }
                    .await;
                    finish(tx, result).await
                }

                async fn unpin_article(&self, publication: Id, article: Id) -> Result<()> {
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    let result = async {
                        let tx = &mut tx;
                        let done = sqlx::query(&q("DELETE FROM front_pins WHERE article_id = ? AND publication_id = ?"))
                            .bind(article)
                            .bind(publication)
                            .execute(&mut **tx)
                            .await
                            .map_err(backend)?;
                        if done.rows_affected() == 0 {
                            return Err(StoreError::NotFound);
                        }
                        let order = pinned(&mut *tx, publication).await?;
                        renumber(&mut *tx, &order).await?;
                        record_change(&mut *tx, &[CHANGE_HOME.to_owned()]).await?;
                        Ok(())
                    }
                    .await;
                    finish(tx, result).await
                }

                async fn move_pin(&self, publication: Id, article: Id, up: bool) -> Result<()> {
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    let result = async {
                        let tx = &mut tx;
                        write_lock(&mut *tx).await?;
                        let mut order = pinned(&mut *tx, publication).await?;
                        let at = order.iter().position(|x| *x == article).ok_or(StoreError::NotFound)?;
                        let to = if up { at.checked_sub(1) } else { Some(at + 1).filter(|t| *t < order.len()) };
                        if let Some(to) = to {
                            order.swap(at, to);
                            renumber(&mut *tx, &order).await?;
                            record_change(&mut *tx, &[CHANGE_HOME.to_owned()]).await?;
                        }
                        Ok(())
                    }
                    .await;
                    finish(tx, result).await
                }

                async fn set_brand(&self, publication: Id, logo: Option<&str>, favicon: Option<&str>) -> Result<()> {
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    let result = async {
                        let tx = &mut tx;
                        write_lock(&mut *tx).await?;
                        for key in [logo, favicon].into_iter().flatten() {
                            let found: Option<String> = sqlx::query_scalar(&q("SELECT key FROM media WHERE key = ?"))
                                .bind(key)
                                .fetch_optional(&mut **tx)
                                .await
                                .map_err(backend)?;
                            if found.is_none() {
                                return Err(StoreError::Invalid(format!("the media library holds no image {key}")));
                            }
                        }
                        sqlx::query(&q("DELETE FROM publication_brand WHERE publication_id = ?"))
                            .bind(publication)
                            .execute(&mut **tx)
                            .await
                            .map_err(backend)?;
                        sqlx::query(&q("INSERT INTO publication_brand (publication_id, logo_key, favicon_key) VALUES (?, ?, ?)"))
                            .bind(publication)
                            .bind(logo)
                            .bind(favicon)
                            .execute(&mut **tx)
                            .await
                            .map_err(|e| match e.as_database_error() {
                                Some(d) if d.is_foreign_key_violation() => StoreError::NotFound,
                                _ => backend(e),
                            })?;
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

pub(crate) use front_impl;
