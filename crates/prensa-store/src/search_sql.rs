//! [`crate::SearchSource`] for both backends, written once like
//! `newsroom_sql.rs`: `?` placeholders, numbered for PostgreSQL by `$q`.

macro_rules! search_impl {
    ($store:ident, $q:path) => {
        /// The [`crate::SearchSource`] statements (see `search_sql.rs`).
        mod search_gen {
            use std::collections::HashMap;

            use prensa_core::{AuthorRef, Id, SearchDocument, SectionRef};

            use super::$store;
            use crate::shared::{backend, from_parts, Cols};
            use crate::{DocScope, Result, SearchSource};

            fn q(sql: &str) -> String {
                $q(sql)
            }

            /// `sql` with its `{ids}` replaced by `n` placeholders.
            fn with_ids(sql: &str, n: usize) -> String {
                q(&sql.replace("{ids}", &vec!["?"; n].join(", ")))
            }

            impl SearchSource for $store {
                async fn search_documents(&self, scope: &DocScope) -> Result<Vec<SearchDocument>> {
                    let mut conn = self.pool.acquire().await.map_err(backend)?;
                    let columns = "a.id, a.publication_id, a.slug, a.headline, a.standfirst, a.body, \
                                   a.published_at, a.published_offset, s.slug, s.name";
                    let from = "FROM articles a JOIN sections s ON s.id = a.section_id WHERE a.status = 'published'";
                    let rows = match scope {
                        DocScope::After { after, limit } => {
                            sqlx::query(&q(&format!("SELECT {columns} {from} AND a.id > ? ORDER BY a.id LIMIT ?")))
                                .bind(*after)
                                .bind(i64::from(*limit))
                                .fetch_all(&mut *conn)
                                .await
                        }
                        DocScope::Ids(ids) if ids.is_empty() => return Ok(Vec::new()),
                        DocScope::Ids(ids) => {
                            let sql = with_ids(&format!("SELECT {columns} {from} AND a.id IN ({{ids}}) ORDER BY a.id"), ids.len());
                            ids.iter().fold(sqlx::query(&sql), |query, id| query.bind(*id)).fetch_all(&mut *conn).await
                        }
                    }
                    .map_err(backend)?;
                    let mut docs = Vec::with_capacity(rows.len());
                    for row in &rows {
                        docs.push(SearchDocument {
                            id: row.int(0)?,
                            publication: row.int(1)?,
                            slug: row.text(2)?,
                            headline: row.text(3)?,
                            standfirst: row.text(4)?,
                            body: row.text(5)?,
                            published_at: from_parts(row.int(6)?, row.int32(7)?)?,
                            section: SectionRef { slug: row.text(8)?, name: row.text(9)? },
                            authors: Vec::new(),
                            tags: Vec::new(),
                        });
                    }
                    if docs.is_empty() {
                        return Ok(docs);
                    }
                    // Bylines and tags of exactly these articles, two
                    // queries for the whole batch.
                    let ids: Vec<Id> = docs.iter().map(|d| d.id).collect();
                    let index: HashMap<Id, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
                    let sql = with_ids(
                        "SELECT f.article_id, au.slug, au.name FROM article_authors f JOIN authors au ON au.id = f.author_id \
                         WHERE f.article_id IN ({ids}) ORDER BY f.article_id, f.position",
                        ids.len(),
                    );
                    let rows = ids.iter().fold(sqlx::query(&sql), |query, id| query.bind(*id)).fetch_all(&mut *conn).await;
                    for row in rows.map_err(backend)? {
                        if let Some(&i) = index.get(&row.int(0)?) {
                            docs[i].authors.push(AuthorRef { slug: row.text(1)?, name: row.text(2)? });
                        }
                    }
                    let sql = with_ids(
                        "SELECT f.article_id, t.name FROM article_tags f JOIN tags t ON t.id = f.tag_id \
                         WHERE f.article_id IN ({ids}) ORDER BY f.article_id, f.position",
                        ids.len(),
                    );
                    let rows = ids.iter().fold(sqlx::query(&sql), |query, id| query.bind(*id)).fetch_all(&mut *conn).await;
                    for row in rows.map_err(backend)? {
                        if let Some(&i) = index.get(&row.int(0)?) {
                            docs[i].tags.push(row.text(1)?);
                        }
                    }
                    Ok(docs)
                }
            }
        }
    };
}

pub(crate) use search_impl;
