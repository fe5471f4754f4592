//! The network of sister publications, for both backends, written once like
//! `newsroom_sql.rs` (`?` placeholders, numbered for PostgreSQL by `$q`):
//! an author's bio per language and translation links, as an import writes
//! them; the reads behind "From our sister sites" and the author page's
//! "Also writes for"; and the network's rows of a store snapshot.
//!
//! The article page's own translations come with the article, as one more
//! JSON subquery of `published_article` (each backend's file), so that page
//! stays one round trip.

/// Defines `network_gen` for connections of type `$conn`, with `$q` turning
/// `?` into the backend's placeholders and `{json}` spelled `$json` (a JSON
/// parameter: `?::jsonb` on PostgreSQL). `super::BYLINE_JSON` is the
/// backend's byline aggregate.
macro_rules! network_impl {
    ($conn:ty, $q:path, $json:expr) => {
        /// The network's statements (see `network_sql.rs`).
        mod network_gen {
            use std::collections::HashSet;

            use chrono::{DateTime, Utc};
            use prensa_core::{
                AuthorBioRow, Id, NetworkImport, NewAuthor, SisterArticle, Snapshot, SocialLinks, TranslationRow,
            };

            use super::BYLINE_JSON;
            use crate::shared::{backend, social_to_json, summary_from};
            use crate::{Result, StoreError};

            use super::snapshot_gen::insert_rows;

            type Conn = $conn;

            fn q(sql: &str) -> String {
                $q(&sql.replace("{json}", $json))
            }

            /// Writes an author file of a publication in `language`. An
            /// author is one person across the network: the first file
            /// imported creates them, its bio becoming `authors.bio` (the
            /// bio of that first language, and of any language without its
            /// own). A file from a publication of another language adds or
            /// replaces the bio in that language in `author_bios` and only
            /// changes the name, and the avatar and social links where it
            /// gives them. A file in the first language (or any language
            /// whose publications the author already writes for without a
            /// bio row) replaces everything, as a single publication's
            /// import always did.
            pub(crate) async fn upsert_author(conn: &mut Conn, language: &str, a: &NewAuthor) -> Result<Id> {
                let social = social_to_json(&a.social)?;
                let existing: Option<(Id, bool, bool)> = sqlx::query_as(&q(
                    "SELECT au.id, \
                       EXISTS (SELECT 1 FROM author_bios ab WHERE ab.author_id = au.id AND ab.language = ?), \
                       EXISTS (SELECT 1 FROM publication_authors pa JOIN publications p ON p.id = pa.publication_id \
                               WHERE pa.author_id = au.id AND p.language = ?) \
                     FROM authors au WHERE au.slug = ?",
                ))
                .bind(language)
                .bind(language)
                .bind(&a.slug)
                .fetch_optional(&mut *conn)
                .await
                .map_err(backend)?;
                let Some((id, has_bio, writes_in_language)) = existing else {
                    return sqlx::query_scalar(&q(
                        "INSERT INTO authors (slug, name, bio, avatar, social) VALUES (?, ?, ?, ?, {json}) RETURNING id",
                    ))
                    .bind(&a.slug)
                    .bind(&a.name)
                    .bind(&a.bio)
                    .bind(&a.avatar)
                    .bind(&social)
                    .fetch_one(&mut *conn)
                    .await
                    .map_err(backend);
                };
                let writes_anywhere: bool =
                    sqlx::query_scalar(&q("SELECT EXISTS (SELECT 1 FROM publication_authors WHERE author_id = ?)"))
                        .bind(id)
                        .fetch_one(&mut *conn)
                        .await
                        .map_err(backend)?;
                if (writes_in_language && !has_bio) || !writes_anywhere {
                    sqlx::query(&q("UPDATE authors SET name = ?, bio = ?, avatar = ?, social = {json} WHERE id = ?"))
                    .bind(&a.name)
                    .bind(&a.bio)
                    .bind(&a.avatar)
                    .bind(&social)
                    .bind(id)
                    .execute(&mut *conn)
                    .await
                    .map_err(backend)?;
                    return Ok(id);
                }
                sqlx::query(&q("UPDATE authors SET name = ?, avatar = COALESCE(?, avatar) WHERE id = ?"))
                    .bind(&a.name)
                    .bind(&a.avatar)
                    .bind(id)
                    .execute(&mut *conn)
                    .await
                    .map_err(backend)?;
                if a.social != SocialLinks::default() {
                    sqlx::query(&q("UPDATE authors SET social = {json} WHERE id = ?"))
                        .bind(&social)
                        .bind(id)
                        .execute(&mut *conn)
                        .await
                        .map_err(backend)?;
                }
                sqlx::query(&q(
                    "INSERT INTO author_bios (author_id, language, bio) VALUES (?, ?, ?) \
                     ON CONFLICT (author_id, language) DO UPDATE SET bio = excluded.bio",
                ))
                .bind(id)
                .bind(language)
                .bind(&a.bio)
                .execute(&mut *conn)
                .await
                .map_err(backend)?;
                Ok(id)
            }

            /// An article by publication slug and slug: id, its
            /// publication's language, version.
            async fn article_in(conn: &mut Conn, publication: &str, slug: &str) -> Result<Option<(Id, String)>> {
                sqlx::query_as(&q(
                    "SELECT a.id, p.language FROM articles a JOIN publications p ON p.id = a.publication_id \
                     WHERE p.slug = ? AND a.slug = ?",
                ))
                .bind(publication)
                .bind(slug)
                .fetch_optional(&mut *conn)
                .await
                .map_err(backend)
            }

            /// Writes the translation links of an import whose sets are
            /// already written: every article of the sets loses the link it
            /// had, then each link of `import` is resolved (to the group's
            /// original, following a stored translation to its original)
            /// and written. Errors name the `file:line` of the link.
            pub(crate) async fn link(conn: &mut Conn, import: &NetworkImport) -> Result<()> {
                let mut in_run: Vec<Id> = Vec::new();
                for set in &import.sets {
                    for a in &set.articles {
                        if let Some((id, _)) = article_in(conn, &set.publication.slug, &a.slug).await? {
                            in_run.push(id);
                        }
                    }
                }
                for id in &in_run {
                    sqlx::query(&q("DELETE FROM translations WHERE article_id = ?"))
                        .bind(*id)
                        .execute(&mut *conn)
                        .await
                        .map_err(backend)?;
                }
                let mut linked = HashSet::new();
                for t in &import.translations {
                    let invalid = |why: String| StoreError::Invalid(format!("{}: {why}", t.source));
                    let target = format!("{}:{}", t.original_language, t.original_slug);
                    let Some((id, language)) = article_in(conn, &t.publication, &t.article).await? else {
                        return Err(invalid(format!("article `{}` is not in publication `{}`", t.article, t.publication)));
                    };
                    let publications: Vec<(Id, String)> =
                        sqlx::query_as(&q("SELECT id, slug FROM publications WHERE lower(language) = lower(?) ORDER BY slug"))
                            .bind(&t.original_language)
                            .fetch_all(&mut *conn)
                            .await
                            .map_err(backend)?;
                    let publication = match publications.as_slice() {
                        [] => {
                            return Err(invalid(format!(
                                "`translation_of` names `{target}`, but no publication is in `{}` (in this run or in the \
                                 database)",
                                t.original_language
                            )))
                        }
                        [(id, _)] => *id,
                        several => {
                            let names: Vec<&str> = several.iter().map(|(_, slug)| slug.as_str()).collect();
                            return Err(invalid(format!(
                                "`translation_of` names `{target}`, but several publications are in `{}` ({}): a \
                                 language must name one publication",
                                t.original_language,
                                names.join(", ")
                            )));
                        }
                    };
                    let found: Option<Id> = sqlx::query_scalar(&q("SELECT id FROM articles WHERE publication_id = ? AND slug = ?"))
                        .bind(publication)
                        .bind(&t.original_slug)
                        .fetch_optional(&mut *conn)
                        .await
                        .map_err(backend)?;
                    let Some(mut original) = found else {
                        return Err(invalid(format!("`translation_of` names `{target}`, but there is no such article")));
                    };
                    // A link to a translation is a link to its original.
                    let further: Option<Id> = sqlx::query_scalar(&q("SELECT original_id FROM translations WHERE article_id = ?"))
                        .bind(original)
                        .fetch_optional(&mut *conn)
                        .await
                        .map_err(backend)?;
                    if let Some(further) = further {
                        original = further;
                    }
                    if original == id {
                        return Err(invalid(format!("`translation_of` names `{target}`, which leads back to this article")));
                    }
                    let original_language: String = sqlx::query_scalar(&q(
                        "SELECT p.language FROM articles a JOIN publications p ON p.id = a.publication_id WHERE a.id = ?",
                    ))
                    .bind(original)
                    .fetch_one(&mut *conn)
                    .await
                    .map_err(backend)?;
                    if original_language.eq_ignore_ascii_case(&language) {
                        return Err(invalid(format!(
                            "`translation_of` leads to an original in the article's own language (`{language}`): a \
                             group has one article per language"
                        )));
                    }
                    let taken: Option<String> = sqlx::query_scalar(&q(
                        "SELECT a.slug FROM translations t JOIN articles a ON a.id = t.article_id \
                         WHERE t.original_id = ? AND t.language = ? AND t.article_id <> ?",
                    ))
                    .bind(original)
                    .bind(&language)
                    .bind(id)
                    .fetch_optional(&mut *conn)
                    .await
                    .map_err(backend)?;
                    if let Some(other) = taken {
                        return Err(invalid(format!(
                            "the translation group of `{target}` already has an article in `{language}` (`{other}`): a \
                             group has one article per language"
                        )));
                    }
                    sqlx::query(&q(
                        "INSERT INTO translations (article_id, original_id, language, original_version) \
                         VALUES (?, ?, ?, (SELECT version FROM articles WHERE id = ?))",
                    ))
                    .bind(id)
                    .bind(original)
                    .bind(&language)
                    .bind(original)
                    .execute(&mut *conn)
                    .await
                    .map_err(|e| invalid(format!("cannot link to `{target}`: {e}")))?;
                    linked.insert(id);
                }
                // Articles that became translations hand the translations
                // that pointed at them on to their own original, so that
                // every row keeps naming a group's original.
                for id in &linked {
                    let original: Id = sqlx::query_scalar(&q("SELECT original_id FROM translations WHERE article_id = ?"))
                        .bind(*id)
                        .fetch_one(&mut *conn)
                        .await
                        .map_err(backend)?;
                    sqlx::query(&q("UPDATE translations SET original_id = ? WHERE original_id = ? AND article_id <> ?"))
                        .bind(original)
                        .bind(*id)
                        .bind(original)
                        .execute(&mut *conn)
                        .await
                        .map_err(|e| {
                            StoreError::Invalid(format!(
                                "an article that became a translation had translations of its own in a language its new \
                                 group already has: {e}"
                            ))
                        })?;
                    sqlx::query(&q("DELETE FROM translations WHERE article_id = ? AND original_id = ?"))
                        .bind(original)
                        .bind(*id)
                        .execute(&mut *conn)
                        .await
                        .map_err(backend)?;
                }
                Ok(())
            }

            /// The latest published articles of every publication but
            /// `publication`, newest first.
            pub(crate) async fn sister_articles(
                conn: &mut Conn,
                publication: Id,
                limit: u32,
                now: DateTime<Utc>,
            ) -> Result<Vec<SisterArticle>> {
                let sql = q(&format!(
                    "SELECT a.id, a.slug, a.headline, a.standfirst, a.image_key, m.width, m.height, a.image_alt, \
                            a.image_caption, a.published_at, a.published_offset, s.slug, s.name, {BYLINE_JSON}, a.publication_id \
                     FROM articles a JOIN sections s ON s.id = a.section_id LEFT JOIN media m ON m.key = a.image_key \
                     WHERE a.publication_id <> ? AND a.status = 'published' AND a.published_at <= ? \
                     ORDER BY a.published_at DESC, a.id DESC LIMIT ?"
                ));
                let rows = sqlx::query(&sql)
                    .bind(publication)
                    .bind(now.timestamp())
                    .bind(i64::from(limit))
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(backend)?;
                rows.iter()
                    .map(|r| {
                        Ok(SisterArticle { publication: crate::shared::Cols::int(r, 14)?, summary: summary_from(r)? })
                    })
                    .collect()
            }

            /// The publications an author writes for.
            pub(crate) async fn author_publications(conn: &mut Conn, author: Id) -> Result<Vec<Id>> {
                sqlx::query_scalar(&q("SELECT publication_id FROM publication_authors WHERE author_id = ? ORDER BY publication_id"))
                    .bind(author)
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(backend)
            }

            /// The network's rows of a snapshot, in key order.
            pub(crate) async fn network_out(conn: &mut Conn, s: &mut Snapshot) -> Result<()> {
                let rows: Vec<(Id, Id, String, i64)> = sqlx::query_as(
                    "SELECT article_id, original_id, language, original_version FROM translations ORDER BY article_id",
                )
                .fetch_all(&mut *conn)
                .await
                .map_err(backend)?;
                s.translations = rows
                    .into_iter()
                    .map(|(article_id, original_id, language, original_version)| TranslationRow {
                        article_id,
                        original_id,
                        language,
                        original_version,
                    })
                    .collect();
                let rows: Vec<(Id, String, String)> =
                    sqlx::query_as("SELECT author_id, language, bio FROM author_bios ORDER BY author_id, language")
                        .fetch_all(&mut *conn)
                        .await
                        .map_err(backend)?;
                s.author_bios =
                    rows.into_iter().map(|(author_id, language, bio)| AuthorBioRow { author_id, language, bio }).collect();
                Ok(())
            }

            /// Writes the network's rows of `s`, after the articles and
            /// authors they name.
            pub(crate) async fn network_in(conn: &mut Conn, s: &Snapshot) -> Result<()> {
                let columns = "article_id, original_id, language, original_version";
                insert_rows(&mut *conn, "translations", columns, "(?, ?, ?, ?)", "", &s.translations, |q, t| {
                    q.bind(t.article_id).bind(t.original_id).bind(&t.language).bind(t.original_version)
                })
                .await?;
                insert_rows(&mut *conn, "author_bios", "author_id, language, bio", "(?, ?, ?)", "", &s.author_bios, |q, b| {
                    q.bind(b.author_id).bind(&b.language).bind(&b.bio)
                })
                .await?;
                Ok(())
            }
        }
    };
}

pub(crate) use network_impl;
