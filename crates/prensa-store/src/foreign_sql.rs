//! [`crate::ForeignImports`] and the snapshot rows of imports from other
//! platforms, for both backends, written once like `front_sql.rs`: `?`
//! placeholders, numbered for PostgreSQL by the backend's `$q`. The content
//! of an import is written by `import_gen::import_in` (`import_sql.rs`) and
//! `network_gen::link`, the same code as `prensa import dir`.

macro_rules! foreign_impl {
    ($store:ident, $conn:ty, $q:path) => {
        /// The statements of imports from other platforms (see `foreign_sql.rs`).
        mod foreign_gen {
            use prensa_core::foreign::{is_legacy_path, ForeignImport, LegacyRow, LegacyTarget, Platform, SourceKind, SourceLink, SourceRow};
            use prensa_core::{Id, ImportCounts};

            use super::$store;
            use super::desk_gen::finish;
            use super::newsroom_gen::write_lock;
            use crate::shared::{backend, Cols};
            use crate::{ForeignImports, Result, StoreError};

            use super::snapshot_gen::insert_rows;

            type Conn = $conn;

            fn q(sql: &str) -> String {
                $q(sql)
            }

            /// Every source id and old address, for a snapshot.
            pub(crate) async fn foreign_out(conn: &mut Conn, s: &mut prensa_core::Snapshot) -> Result<()> {
                let rows = sqlx::query(
                    "SELECT publication_id, platform, kind, source_id, slug FROM import_sources \
                     ORDER BY publication_id, platform, kind, source_id",
                )
                .fetch_all(&mut *conn)
                .await
                .map_err(backend)?;
                for r in &rows {
                    s.foreign.sources.push(SourceRow {
                        publication_id: r.int(0)?,
                        platform: r.text(1)?,
                        kind: r.text(2)?,
                        source_id: r.text(3)?,
                        slug: r.text(4)?,
                    });
                }
                let rows = sqlx::query(
                    "SELECT publication_id, path, article_id, target FROM legacy_urls ORDER BY publication_id, path",
                )
                .fetch_all(&mut *conn)
                .await
                .map_err(backend)?;
                for r in &rows {
                    s.foreign.legacy_urls.push(LegacyRow {
                        publication_id: r.int(0)?,
                        path: r.text(1)?,
                        article_id: r.opt_int(2)?,
                        target: r.text(3)?,
                    });
                }
                Ok(())
            }

            /// Writes a snapshot's source ids and old addresses, after the
            /// publications and articles they name.
            pub(crate) async fn foreign_snapshot_in(conn: &mut Conn, s: &prensa_core::Snapshot) -> Result<()> {
                let columns = "publication_id, platform, kind, source_id, slug";
                insert_rows(&mut *conn, "import_sources", columns, "(?, ?, ?, ?, ?)", "", &s.foreign.sources, |q, r| {
                    q.bind(r.publication_id).bind(&r.platform).bind(&r.kind).bind(&r.source_id).bind(&r.slug)
                })
                .await?;
                let columns = "publication_id, path, article_id, target";
                insert_rows(&mut *conn, "legacy_urls", columns, "(?, ?, ?, ?)", "", &s.foreign.legacy_urls, |q, r| {
                    q.bind(r.publication_id).bind(&r.path).bind(r.article_id).bind(&r.target)
                })
                .await?;
                Ok(())
            }

            /// The id of publication `slug`, read once per import (`known`).
            async fn publication_id(
                conn: &mut Conn,
                known: &mut std::collections::HashMap<String, Id>,
                slug: &str,
            ) -> Result<Id> {
                if let Some(id) = known.get(slug) {
                    return Ok(*id);
                }
                let id = sqlx::query_scalar(&q("SELECT id FROM publications WHERE slug = ?"))
                    .bind(slug)
                    .fetch_optional(&mut *conn)
                    .await
                    .map_err(backend)?
                    .ok_or_else(|| StoreError::Invalid(format!("the import names no publication {slug}")))?;
                known.insert(slug.to_owned(), id);
                Ok(id)
            }

            /// The source ids and old addresses of an import whose content
            /// is already written in this transaction. Written many rows a
            /// statement ([`insert_rows`]; see `import_sql.rs` for why); a key met twice keeps
            /// its last row, as writing them one by one would.
            async fn remember(conn: &mut Conn, import: &ForeignImport) -> Result<()> {
                let platform = import.platform.as_str();
                let mut ids: std::collections::HashMap<String, Id> = std::collections::HashMap::new();
                let mut sources: Vec<(Id, &str, &str, &str)> = Vec::with_capacity(import.sources.len());
                let mut at: std::collections::HashMap<(Id, &str, &str), usize> = std::collections::HashMap::new();
                for s in &import.sources {
                    let publication = publication_id(&mut *conn, &mut ids, &s.publication).await?;
                    let row = (publication, s.kind.as_str(), s.source_id.as_str(), s.slug.as_str());
                    match at.get(&(publication, row.1, row.2)) {
                        Some(i) => sources[*i] = row,
                        None => {
                            at.insert((publication, row.1, row.2), sources.len());
                            sources.push(row);
                        }
                    }
                }
                let columns = "publication_id, platform, kind, source_id, slug";
                let tail = "ON CONFLICT (publication_id, platform, kind, source_id) DO UPDATE SET slug = excluded.slug";
                insert_rows(&mut *conn, "import_sources", columns, "(?, ?, ?, ?, ?)", tail, &sources, |q, r| {
                    q.bind(r.0).bind(platform).bind(r.1).bind(r.2).bind(r.3)
                })
                .await?;

                // Each publication's article ids by slug, read once.
                let mut articles: std::collections::HashMap<Id, std::collections::HashMap<String, Id>> =
                    std::collections::HashMap::new();
                let mut urls: Vec<(Id, &str, Option<Id>, String)> = Vec::with_capacity(import.legacy.len());
                let mut url_at: std::collections::HashMap<(Id, &str), usize> = std::collections::HashMap::new();
                for u in &import.legacy {
                    if !is_legacy_path(&u.path) {
                        return Err(StoreError::Invalid(format!("{:?} is not a path an old address can have", u.path)));
                    }
                    let publication = publication_id(&mut *conn, &mut ids, &u.publication).await?;
                    let article_id: Option<Id> = match &u.target {
                        LegacyTarget::Article(slug) => {
                            if !articles.contains_key(&publication) {
                                let rows: Vec<(String, Id)> =
                                    sqlx::query_as(&q("SELECT slug, id FROM articles WHERE publication_id = ?"))
                                        .bind(publication)
                                        .fetch_all(&mut *conn)
                                        .await
                                        .map_err(backend)?;
                                articles.insert(publication, rows.into_iter().collect());
                            }
                            Some(articles.get(&publication).and_then(|by_slug| by_slug.get(slug)).copied().ok_or_else(
                                || StoreError::Invalid(format!("old address {} leads to no article {slug}", u.path)),
                            )?)
                        }
                        _ => None,
                    };
                    let row = (publication, u.path.as_str(), article_id, u.target.path());
                    match url_at.get(&(publication, row.1)) {
                        Some(i) => urls[*i] = row,
                        None => {
                            url_at.insert((publication, row.1), urls.len());
                            urls.push(row);
                        }
                    }
                }
                let tail = "ON CONFLICT (publication_id, path) DO UPDATE SET article_id = excluded.article_id, \
                            target = excluded.target";
                insert_rows(&mut *conn, "legacy_urls", "publication_id, path, article_id, target", "(?, ?, ?, ?)", tail, &urls, |q, r| {
                    q.bind(r.0).bind(r.1).bind(r.2).bind(r.3.as_str())
                })
                .await?;
                Ok(())
            }

            impl ForeignImports for $store {
                async fn import_sources(&self, publication: &str, platform: Platform) -> Result<Vec<SourceLink>> {
                    let mut conn = self.pool.acquire().await.map_err(backend)?;
                    let rows = sqlx::query(&q(
                        "SELECT s.kind, s.source_id, COALESCE(ra.slug, s.slug) FROM import_sources s \
                         JOIN publications p ON p.id = s.publication_id \
                         LEFT JOIN slug_redirects r ON s.kind = 'article' AND r.publication_id = s.publication_id \
                              AND r.old_slug = s.slug \
                         LEFT JOIN articles ra ON ra.id = r.article_id \
                         WHERE p.slug = ? AND s.platform = ? ORDER BY s.kind, s.source_id",
                    ))
                    .bind(publication)
                    .bind(platform.as_str())
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(backend)?;
                    let mut links = Vec::with_capacity(rows.len());
                    for r in &rows {
                        let kind = r.text(0)?;
                        // Kinds a later version may add are not ours to match.
                        let Some(kind) = SourceKind::parse(&kind) else { continue };
                        links.push(SourceLink {
                            publication: publication.to_owned(),
                            kind,
                            source_id: r.text(1)?,
                            slug: r.text(2)?,
                        });
                    }
                    Ok(links)
                }

                async fn article_slugs(&self, publication: &str) -> Result<Vec<String>> {
                    let mut conn = self.pool.acquire().await.map_err(backend)?;
                    sqlx::query_scalar(&q(
                        "SELECT a.slug FROM articles a JOIN publications p ON p.id = a.publication_id WHERE p.slug = ? \
                         UNION SELECT r.old_slug FROM slug_redirects r JOIN publications p ON p.id = r.publication_id \
                         WHERE p.slug = ?",
                    ))
                    .bind(publication)
                    .bind(publication)
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(backend)
                }

                async fn apply_foreign_from(
                    &self,
                    import: &ForeignImport,
                    bodies: &dyn prensa_core::BodySource,
                ) -> Result<Vec<ImportCounts>> {
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    let result = async {
                        let tx = &mut tx;
                        write_lock(&mut *tx).await?;
                        let mut counts = Vec::with_capacity(import.network.sets.len());
                        for (i, set) in import.network.sets.iter().enumerate() {
                            counts.push(super::import_gen::import_in(&mut *tx, set, false, (bodies, i)).await?);
                        }
                        super::network_gen::link(&mut *tx, &import.network).await?;
                        remember(&mut *tx, import).await?;
                        Ok(counts)
                    }
                    .await;
                    finish(tx, result).await
                }

                async fn legacy_url(&self, publication: Id, path: &str) -> Result<Option<String>> {
                    let mut conn = self.pool.acquire().await.map_err(backend)?;
                    let row = sqlx::query(&q(
                        "SELECT a.slug, u.target FROM legacy_urls u LEFT JOIN articles a ON a.id = u.article_id \
                         WHERE u.publication_id = ? AND u.path = ?",
                    ))
                    .bind(publication)
                    .bind(path)
                    .fetch_optional(&mut *conn)
                    .await
                    .map_err(backend)?;
                    Ok(match row {
                        Some(r) => Some(match r.opt_text(0)? {
                            Some(slug) => LegacyTarget::Article(slug).path(),
                            None => r.text(1)?,
                        }),
                        None => None,
                    })
                }

                async fn has_legacy_urls(&self, publication: Id) -> Result<bool> {
                    let mut conn = self.pool.acquire().await.map_err(backend)?;
                    let found: Option<i64> = sqlx::query_scalar(&q("SELECT publication_id FROM legacy_urls WHERE publication_id = ? LIMIT 1"))
                        .bind(publication)
                        .fetch_optional(&mut *conn)
                        .await
                        .map_err(backend)?;
                    Ok(found.is_some())
                }
            }
        }
    };
}

pub(crate) use foreign_impl;
