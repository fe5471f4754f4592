//! [`crate::ArticleFields`] for both backends, written once like
//! `desk_sql.rs`: `?` placeholders, numbered for PostgreSQL by the
//! backend's `$q`.

macro_rules! fields_impl {
    ($store:ident, $conn:ty, $q:path) => {
        /// The [`crate::ArticleFields`] statements (see `fields_sql.rs`).
        mod fields_gen {
            use prensa_core::fields::{check_values, parse_options};
            use prensa_core::{ArticleExtras, ArticleSeo, CustomField, CustomFieldDraft, CustomValues, FieldKind, Id};

            use super::$store;
            use super::desk_gen::finish;
            use super::newsroom_gen::{record_change, record_change_all, write_lock};
            use crate::shared::{backend, Cols};
            use crate::{ArticleFields, Result, StoreError};

            use super::snapshot_gen::insert_rows;

            type Conn = $conn;

            fn q(sql: &str) -> String {
                $q(sql)
            }

            const FIELD_COLUMNS: &str = "id, publication_id, key, label, kind, options, help, position";

            fn field_from(row: &impl Cols) -> Result<CustomField> {
                let kind = row.text(4)?;
                Ok(CustomField {
                    id: row.int(0)?,
                    publication_id: row.int(1)?,
                    key: row.text(2)?,
                    label: row.text(3)?,
                    kind: FieldKind::parse(&kind)
                        .ok_or_else(|| StoreError::Invalid(format!("unknown custom field kind `{kind}`")))?,
                    options: parse_options(&row.text(5)?),
                    help: row.text(6)?,
                    position: row.int(7)?,
                })
            }

            fn refused(problems: Vec<prensa_core::FieldError>) -> StoreError {
                StoreError::Invalid(problems.into_iter().map(|p| p.message).collect::<Vec<_>>().join("; "))
            }

            async fn fields_in(conn: &mut Conn, publication: Id) -> Result<Vec<CustomField>> {
                let rows = sqlx::query(&q(&format!(
                    "SELECT {FIELD_COLUMNS} FROM custom_fields WHERE publication_id = ? ORDER BY position, id"
                )))
                .bind(publication)
                .fetch_all(&mut *conn)
                .await
                .map_err(backend)?;
                rows.iter().map(field_from).collect()
            }

            async fn field_in(conn: &mut Conn, publication: Id, id: Id) -> Result<CustomField> {
                let row = sqlx::query(&q(&format!(
                    "SELECT {FIELD_COLUMNS} FROM custom_fields WHERE publication_id = ? AND id = ?"
                )))
                .bind(publication)
                .bind(id)
                .fetch_optional(&mut *conn)
                .await
                .map_err(backend)?;
                row.as_ref().map(field_from).transpose()?.ok_or(StoreError::NotFound)
            }

            async fn extras_in(conn: &mut Conn, article: Id) -> Result<ArticleExtras> {
                let seo = sqlx::query(&q(
                    "SELECT meta_title, meta_description, social_title, social_description, social_image, canonical_url \
                     FROM article_seo WHERE article_id = ?",
                ))
                .bind(article)
                .fetch_optional(&mut *conn)
                .await
                .map_err(backend)?;
                let seo = match seo {
                    Some(r) => ArticleSeo {
                        meta_title: r.text(0)?,
                        meta_description: r.text(1)?,
                        social_title: r.text(2)?,
                        social_description: r.text(3)?,
                        social_image: r.text(4)?,
                        canonical_url: r.text(5)?,
                    },
                    None => ArticleSeo::default(),
                };
                let values: Vec<(String, String)> = sqlx::query_as(&q(
                    "SELECT f.key, v.value FROM article_field_values v JOIN custom_fields f ON f.id = v.field_id \
                     WHERE v.article_id = ?",
                ))
                .bind(article)
                .fetch_all(&mut *conn)
                .await
                .map_err(backend)?;
                Ok(ArticleExtras { seo, custom: values.into_iter().collect() })
            }

            /// Every SEO, definition and value row, for a snapshot.
            pub(crate) async fn fields_out(conn: &mut Conn, s: &mut prensa_core::Snapshot) -> Result<()> {
                let rows = sqlx::query(
                    "SELECT article_id, meta_title, meta_description, social_title, social_description, social_image, \
                     canonical_url FROM article_seo ORDER BY article_id",
                )
                .fetch_all(&mut *conn)
                .await
                .map_err(backend)?;
                for r in &rows {
                    s.fields.article_seo.push((
                        r.int(0)?,
                        ArticleSeo {
                            meta_title: r.text(1)?,
                            meta_description: r.text(2)?,
                            social_title: r.text(3)?,
                            social_description: r.text(4)?,
                            social_image: r.text(5)?,
                            canonical_url: r.text(6)?,
                        },
                    ));
                }
                let rows = sqlx::query(&format!("SELECT {FIELD_COLUMNS} FROM custom_fields ORDER BY id"))
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(backend)?;
                s.fields.custom_fields = rows.iter().map(field_from).collect::<Result<_>>()?;
                s.fields.values = sqlx::query_as("SELECT article_id, field_id, value FROM article_field_values ORDER BY article_id, field_id")
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(backend)?;
                Ok(())
            }

            /// Writes a snapshot's rows, ids included, after the articles
            /// and publications they name.
            pub(crate) async fn fields_snapshot_in(conn: &mut Conn, s: &prensa_core::Snapshot) -> Result<()> {
                let columns = "article_id, meta_title, meta_description, social_title, social_description, social_image, \
                               canonical_url";
                insert_rows(&mut *conn, "article_seo", columns, "(?, ?, ?, ?, ?, ?, ?)", "", &s.fields.article_seo, |q, (article, seo)| {
                    q.bind(*article)
                        .bind(&seo.meta_title)
                        .bind(&seo.meta_description)
                        .bind(&seo.social_title)
                        .bind(&seo.social_description)
                        .bind(&seo.social_image)
                        .bind(&seo.canonical_url)
                })
                .await?;
                let columns = "id, publication_id, key, label, kind, options, help, position";
                insert_rows(&mut *conn, "custom_fields", columns, "(?, ?, ?, ?, ?, ?, ?, ?)", "", &s.fields.custom_fields, |q, f| {
                    q.bind(f.id)
                        .bind(f.publication_id)
                        .bind(&f.key)
                        .bind(&f.label)
                        .bind(f.kind.as_str())
                        .bind(f.options.join("\n"))
                        .bind(&f.help)
                        .bind(f.position)
                })
                .await?;
                let columns = "article_id, field_id, value";
                insert_rows(&mut *conn, "article_field_values", columns, "(?, ?, ?)", "", &s.fields.values, |q, (article, field, value)| {
                    q.bind(*article).bind(*field).bind(value)
                })
                .await?;
                Ok(())
            }

            impl ArticleFields for $store {
                async fn custom_fields(&self, publication: Id) -> Result<Vec<CustomField>> {
                    let mut conn = self.pool.acquire().await.map_err(backend)?;
                    fields_in(&mut conn, publication).await
                }

                async fn create_custom_field(&self, publication: Id, draft: &CustomFieldDraft) -> Result<CustomField> {
                    let problems = draft.problems();
                    if !problems.is_empty() {
                        return Err(refused(problems));
                    }
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    let result = async {
                        let tx = &mut tx;
                        write_lock(&mut *tx).await?;
                        let id: Id = sqlx::query_scalar(&q(
                            "INSERT INTO custom_fields (publication_id, key, label, kind, options, help, position) \
                             VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                        ))
                        .bind(publication)
                        .bind(&draft.key)
                        .bind(draft.label.trim())
                        .bind(draft.kind.as_str())
                        .bind(draft.options.join("\n"))
                        .bind(draft.help.trim())
                        .bind(draft.position)
                        .fetch_one(&mut **tx)
                        .await
                        .map_err(|e| match e.as_database_error() {
                            Some(d) if d.is_unique_violation() => {
                                StoreError::Invalid(format!("the key `{}` is already used by another field", draft.key))
                            }
                            Some(d) if d.is_foreign_key_violation() => StoreError::NotFound,
                            _ => backend(e),
                        })?;
                        record_change_all(&mut *tx).await?;
                        field_in(&mut *tx, publication, id).await
                    }
                    .await;
                    finish(tx, result).await
                }

                async fn update_custom_field(&self, publication: Id, id: Id, draft: &CustomFieldDraft) -> Result<CustomField> {
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    let result = async {
                        let tx = &mut tx;
                        write_lock(&mut *tx).await?;
                        let current = field_in(&mut *tx, publication, id).await?;
                        // Key and kind stay as created.
                        let draft = CustomFieldDraft { key: current.key.clone(), kind: current.kind, ..draft.clone() };
                        let problems = draft.problems();
                        if !problems.is_empty() {
                            return Err(refused(problems));
                        }
                        if current.kind == FieldKind::Choice {
                            let used: Vec<String> = sqlx::query_scalar(&q(
                                "SELECT DISTINCT value FROM article_field_values WHERE field_id = ? ORDER BY value",
                            ))
                            .bind(id)
                            .fetch_all(&mut **tx)
                            .await
                            .map_err(backend)?;
                            let lost: Vec<String> = used.into_iter().filter(|v| !draft.options.contains(v)).collect();
                            if !lost.is_empty() {
                                return Err(StoreError::Invalid(format!(
                                    "articles still use the option(s) {}; change them first",
                                    lost.iter().map(|o| format!("\"{o}\"")).collect::<Vec<_>>().join(", ")
                                )));
                            }
                        }
                        sqlx::query(&q(
                            "UPDATE custom_fields SET label = ?, options = ?, help = ?, position = ? \
                             WHERE id = ? AND publication_id = ?",
                        ))
                        .bind(draft.label.trim())
                        .bind(draft.options.join("\n"))
                        .bind(draft.help.trim())
                        .bind(draft.position)
                        .bind(id)
                        .bind(publication)
                        .execute(&mut **tx)
                        .await
                        .map_err(backend)?;
                        record_change_all(&mut *tx).await?;
                        field_in(&mut *tx, publication, id).await
                    }
                    .await;
                    finish(tx, result).await
                }

                async fn delete_custom_field(&self, publication: Id, id: Id) -> Result<u64> {
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    let result = async {
                        let tx = &mut tx;
                        write_lock(&mut *tx).await?;
                        field_in(&mut *tx, publication, id).await?;
                        let values = sqlx::query(&q("DELETE FROM article_field_values WHERE field_id = ?"))
                            .bind(id)
                            .execute(&mut **tx)
                            .await
                            .map_err(backend)?
                            .rows_affected();
                        sqlx::query(&q("DELETE FROM custom_fields WHERE id = ? AND publication_id = ?"))
                            .bind(id)
                            .bind(publication)
                            .execute(&mut **tx)
                            .await
                            .map_err(backend)?;
                        record_change_all(&mut *tx).await?;
                        Ok(values)
                    }
                    .await;
                    finish(tx, result).await
                }

                async fn custom_field_usage(&self, publication: Id) -> Result<Vec<(Id, u64)>> {
                    let rows: Vec<(Id, i64)> = sqlx::query_as(&q(
                        "SELECT f.id, COUNT(v.article_id) FROM custom_fields f \
                         LEFT JOIN article_field_values v ON v.field_id = f.id \
                         WHERE f.publication_id = ? GROUP BY f.id ORDER BY f.id",
                    ))
                    .bind(publication)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(backend)?;
                    Ok(rows.into_iter().map(|(id, n)| (id, u64::try_from(n).unwrap_or(0))).collect())
                }

                async fn article_extras(&self, article: Id) -> Result<ArticleExtras> {
                    let mut conn = self.pool.acquire().await.map_err(backend)?;
                    extras_in(&mut conn, article).await
                }

                async fn articles_extras(&self, articles: &[Id]) -> Result<std::collections::BTreeMap<Id, ArticleExtras>> {
                    let mut out = std::collections::BTreeMap::<Id, ArticleExtras>::new();
                    // At most 100 a page (the API's limit); chunked anyway.
                    for chunk in articles.chunks(500) {
                        let marks = vec!["?"; chunk.len()].join(", ");
                        let sql = q(&format!(
                            "SELECT article_id, meta_title, meta_description, social_title, social_description, social_image, \
                             canonical_url FROM article_seo WHERE article_id IN ({marks})"
                        ));
                        let mut query = sqlx::query(&sql);
                        for id in chunk {
                            query = query.bind(*id);
                        }
                        for r in query.fetch_all(&self.pool).await.map_err(backend)? {
                            out.entry(r.int(0)?).or_default().seo = ArticleSeo {
                                meta_title: r.text(1)?,
                                meta_description: r.text(2)?,
                                social_title: r.text(3)?,
                                social_description: r.text(4)?,
                                social_image: r.text(5)?,
                                canonical_url: r.text(6)?,
                            };
                        }
                        let sql = q(&format!(
                            "SELECT v.article_id, f.key, v.value FROM article_field_values v \
                             JOIN custom_fields f ON f.id = v.field_id WHERE v.article_id IN ({marks})"
                        ));
                        let mut query = sqlx::query_as::<_, (Id, String, String)>(&sql);
                        for id in chunk {
                            query = query.bind(*id);
                        }
                        for (id, key, value) in query.fetch_all(&self.pool).await.map_err(backend)? {
                            out.entry(id).or_default().custom.insert(key, value);
                        }
                    }
                    Ok(out)
                }

                async fn save_article_extras(&self, article: Id, extras: &ArticleExtras) -> Result<()> {
                    let problems = extras.seo.problems();
                    if !problems.is_empty() {
                        return Err(refused(problems));
                    }
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    let result = async {
                        let tx = &mut tx;
                        write_lock(&mut *tx).await?;
                        let publication: Id = sqlx::query_scalar(&q("SELECT publication_id FROM articles WHERE id = ?"))
                            .bind(article)
                            .fetch_optional(&mut **tx)
                            .await
                            .map_err(backend)?
                            .ok_or(StoreError::NotFound)?;
                        let fields = fields_in(&mut *tx, publication).await?;
                        let values: CustomValues = check_values(&fields, &extras.custom).map_err(refused)?;
                        let seo = &extras.seo;
                        if !seo.social_image.is_empty() {
                            let found: Option<String> = sqlx::query_scalar(&q("SELECT key FROM media WHERE key = ?"))
                                .bind(&seo.social_image)
                                .fetch_optional(&mut **tx)
                                .await
                                .map_err(backend)?;
                            if found.is_none() {
                                return Err(StoreError::Invalid("the social image is not in the media library".into()));
                            }
                        }
                        if *extras == extras_in(&mut *tx, article).await? {
                            return Ok(());
                        }
                        sqlx::query(&q("DELETE FROM article_seo WHERE article_id = ?"))
                            .bind(article)
                            .execute(&mut **tx)
                            .await
                            .map_err(backend)?;
                        if !seo.is_empty() {
                            sqlx::query(&q(
                                "INSERT INTO article_seo (article_id, meta_title, meta_description, social_title, \
                                 social_description, social_image, canonical_url) VALUES (?, ?, ?, ?, ?, ?, ?)",
                            ))
                            .bind(article)
                            .bind(&seo.meta_title)
                            .bind(&seo.meta_description)
                            .bind(&seo.social_title)
                            .bind(&seo.social_description)
                            .bind(&seo.social_image)
                            .bind(&seo.canonical_url)
                            .execute(&mut **tx)
                            .await
                            .map_err(backend)?;
                        }
                        sqlx::query(&q("DELETE FROM article_field_values WHERE article_id = ?"))
                            .bind(article)
                            .execute(&mut **tx)
                            .await
                            .map_err(backend)?;
                        for field in &fields {
                            if let Some(value) = values.get(&field.key) {
                                sqlx::query(&q("INSERT INTO article_field_values (article_id, field_id, value) VALUES (?, ?, ?)"))
                                    .bind(article)
                                    .bind(field.id)
                                    .bind(value)
                                    .execute(&mut **tx)
                                    .await
                                    .map_err(backend)?;
                            }
                        }
                        record_change(&mut *tx, &[format!("article:{article}")]).await?;
                        Ok(())
                    }
                    .await;
                    finish(tx, result).await
                }
            }
        }
    };
}

pub(crate) use fields_impl;
