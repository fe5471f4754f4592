//! [`crate::Store::export_all`] and [`crate::Store::import_snapshot`] for
//! both backends, written once: every table a snapshot carries (content,
//! staff accounts and their roles per publication, revisions, former slugs,
//! review notes, scheduled changes, and through the other `*_gen` modules
//! the network's, the API's, the custom fields', the front page's and the
//! imports' rows), ids kept. As in `newsroom_sql.rs`, the statements use
//! `?` placeholders that the PostgreSQL expansion numbers; `$json_in` is
//! the backend's placeholder for a JSON column and `$json_out` how it reads
//! one back as text. Each table is copied by `insert_rows` from a column
//! list and a function binding one row, many rows a statement.
//!
//! Sessions, single-use links and the change feed are not copied: people
//! sign in again, and the new store starts its own feed.

/// Defines `snapshot_gen::{snapshot_out, snapshot_in}` for connections of
/// type `$conn`, with `$q` turning `?` into the backend's placeholders.
macro_rules! snapshot_impl {
    ($conn:ty, $q:path, $json_in:literal, $json_out:literal) => {
        /// Every table of a snapshot (see `snapshot_sql.rs`).
        mod snapshot_gen {
            use prensa_core::{
                ArticleAuthorRow, ArticleTagRow, MediaRow, PublicationAuthorRow, Snapshot,
            };

            use super::{api_keys_gen, fields_gen, foreign_gen, front_gen, network_gen};
            use crate::shared::{
                article_row, author_row, backend, i64_of, media_row, note_row, publication_from, publication_role_row,
                redirect_row, revision_row, scheduled_row, section_row, social_to_json, tag_row, to_parts, user_row,
                ARTICLE_ROW_COLUMNS, EPHEMERAL_TABLES, MEDIA_ROW_COLUMNS, NOTE_ROW_COLUMNS,
                PUBLICATION_ROLE_ROW_COLUMNS, REDIRECT_ROW_COLUMNS, REVISION_ROW_COLUMNS, SCHEDULED_ROW_COLUMNS,
                TABLES, USER_ROW_COLUMNS,
            };
            use crate::{Result, StoreError};

            type Conn = $conn;
            type Db = <Conn as sqlx::Connection>::Database;
            /// A statement being bound.
            type Q<'q> = sqlx::query::Query<'q, Db, <Db as sqlx::Database>::Arguments<'q>>;

            fn q(sql: &str) -> String {
                $q(sql)
            }

            /// Bound values per multi-row INSERT: far below either
            /// backend's limit (SQLite 32,766, PostgreSQL 65,535), and
            /// enough that each statement carries hundreds of rows (2,000
            /// rows of three values, 260 articles of 23).
            const VALUES_PER_STATEMENT: usize = 6_000;

            /// `INSERT INTO {table} ({columns}) VALUES {row}, {row}, … {tail}`
            /// for every one of `rows`, as many a statement as
            /// [`VALUES_PER_STATEMENT`] allows: the store's one
            /// multi-row insert (snapshots, content imports, imports' source
            /// ids and old addresses). `row` is one row's placeholders (with
            /// the backend's casts), `tail` an `ON CONFLICT …` clause or
            /// nothing, `bind` binds one row's values in column order.
            pub(super) async fn insert_rows<T: Sync>(
                conn: &mut Conn,
                table: &str,
                columns: &str,
                row: &str,
                tail: &str,
                rows: &[T],
                bind: impl for<'q> Fn(Q<'q>, &'q T) -> Q<'q>,
            ) -> Result<()> {
                if rows.is_empty() {
                    return Ok(());
                }
                let statement =
                    |n: usize| q(&format!("INSERT INTO {table} ({columns}) VALUES {} {tail}", vec![row; n].join(", ")));
                let per_statement = VALUES_PER_STATEMENT / row.matches('?').count().max(1);
                let full = statement(per_statement.min(rows.len()));
                for chunk in rows.chunks(per_statement) {
                    let rest;
                    let sql = if chunk.len() == per_statement.min(rows.len()) {
                        &full
                    } else {
                        rest = statement(chunk.len());
                        &rest
                    };
                    let mut query = sqlx::query(sql);
                    for r in chunk {
                        query = bind(query, r);
                    }
                    query.execute(&mut *conn).await.map_err(backend)?;
                }
                Ok(())
            }

            /// Every table's rows, each in key order, read in the caller's
            /// transaction (which gives them one consistent state).
            pub(crate) async fn snapshot_out(conn: &mut Conn) -> Result<Snapshot> {
                let mut s = Snapshot::default();
                let columns = concat!(
                    "id, slug, name, tagline, language, base_url, timezone, ",
                    $json_out,
                    ", more_from_section, most_recent, page_size, from_sister_sites, feed_content, api_cors_origins"
                );
                let rows = sqlx::query(&format!("SELECT {columns} FROM publications ORDER BY id"))
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(backend)?;
                s.publications = rows.iter().map(publication_from).collect::<Result<_>>()?;
                let rows = sqlx::query(&format!("SELECT {MEDIA_ROW_COLUMNS} FROM media ORDER BY key"))
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(backend)?;
                s.media = rows.iter().map(media_row).collect::<Result<_>>()?;
                let rows = sqlx::query(concat!("SELECT id, slug, name, bio, avatar, ", $json_out, " FROM authors ORDER BY id"))
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(backend)?;
                s.authors = rows.iter().map(author_row).collect::<Result<_>>()?;
                s.publication_authors = sqlx::query_as::<_, (i64, i64)>(
                    "SELECT publication_id, author_id FROM publication_authors ORDER BY publication_id, author_id",
                )
                .fetch_all(&mut *conn)
                .await
                .map_err(backend)?
                .into_iter()
                .map(|(publication_id, author_id)| PublicationAuthorRow { publication_id, author_id })
                .collect();
                let rows = sqlx::query("SELECT id, publication_id, slug, name, description, position FROM sections ORDER BY id")
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(backend)?;
                s.sections = rows.iter().map(section_row).collect::<Result<_>>()?;
                let rows = sqlx::query("SELECT id, publication_id, slug, name FROM tags ORDER BY id")
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(backend)?;
                s.tags = rows.iter().map(tag_row).collect::<Result<_>>()?;
                let rows = sqlx::query(&format!("SELECT {ARTICLE_ROW_COLUMNS} FROM articles ORDER BY id"))
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(backend)?;
                s.articles = rows.iter().map(article_row).collect::<Result<_>>()?;
                s.article_authors = sqlx::query_as::<_, (i64, i64, i64)>(
                    "SELECT article_id, author_id, position FROM article_authors ORDER BY article_id, position, author_id",
                )
                .fetch_all(&mut *conn)
                .await
                .map_err(backend)?
                .into_iter()
                .map(|(article_id, author_id, position)| ArticleAuthorRow { article_id, author_id, position })
                .collect();
                s.article_tags = sqlx::query_as::<_, (i64, i64, i64)>(
                    "SELECT article_id, tag_id, position FROM article_tags ORDER BY article_id, position, tag_id",
                )
                .fetch_all(&mut *conn)
                .await
                .map_err(backend)?
                .into_iter()
                .map(|(article_id, tag_id, position)| ArticleTagRow { article_id, tag_id, position })
                .collect();
                newsroom_out(&mut *conn, &mut s).await?;
                network_gen::network_out(&mut *conn, &mut s).await?;
                api_keys_gen::api_keys_out(&mut *conn, &mut s).await?;
                fields_gen::fields_out(&mut *conn, &mut s).await?;
                front_gen::front_out(&mut *conn, &mut s).await?;
                foreign_gen::foreign_out(&mut *conn, &mut s).await?;
                Ok(s)
            }

            /// Writes every row of `s` with its ids into a store that holds
            /// no content (with `replace`, after emptying it; else a store
            /// with content is [`StoreError::NotEmpty`]). Any `?` rolls the
            /// caller's transaction back.
            pub(crate) async fn snapshot_in(conn: &mut Conn, s: &Snapshot, replace: bool) -> Result<()> {
                let (publications, authors, media, users): (i64, i64, i64, i64) = sqlx::query_as(
                    "SELECT (SELECT COUNT(*) FROM publications), (SELECT COUNT(*) FROM authors), \
                       (SELECT COUNT(*) FROM media), (SELECT COUNT(*) FROM users)",
                )
                .fetch_one(&mut *conn)
                .await
                .map_err(backend)?;
                if publications + authors + media + users > 0 {
                    if !replace {
                        return Err(StoreError::NotEmpty(format!(
                            "{publications} publications, {authors} authors, {media} media rows, {users} staff accounts"
                        )));
                    }
                    for table in EPHEMERAL_TABLES.iter().chain(TABLES.iter().rev()) {
                        sqlx::query(&format!("DELETE FROM {table}")).execute(&mut *conn).await.map_err(backend)?;
                    }
                }
                // Social links go in as JSON text; the whole row is checked
                // first, so a bad row fails before anything is bound.
                let socials = s.publications.iter().map(|p| social_to_json(&p.social)).collect::<Result<Vec<_>>>()?;
                let publications: Vec<_> = s.publications.iter().zip(&socials).collect();
                insert_rows(
                    &mut *conn,
                    "publications",
                    "id, slug, name, tagline, language, base_url, timezone, social, more_from_section, most_recent, \
                     page_size, from_sister_sites, feed_content, api_cors_origins",
                    concat!("(?, ?, ?, ?, ?, ?, ?, ", $json_in, ", ?, ?, ?, ?, ?, ?)"), "",
                    &publications,
                    |q, (p, social)| {
                        q.bind(p.id)
                            .bind(&p.slug)
                            .bind(&p.name)
                            .bind(&p.tagline)
                            .bind(&p.language)
                            .bind(&p.base_url)
                            .bind(&p.timezone)
                            .bind(social.as_str())
                            .bind(i64::from(p.settings.more_from_section))
                            .bind(i64::from(p.settings.most_recent))
                            .bind(i64::from(p.settings.page_size))
                            .bind(i64::from(p.settings.from_sister_sites))
                            .bind(p.settings.feed_content.as_str())
                            .bind(prensa_core::content_api::cors_origins_to_text(&p.api_cors_origins))
                    },
                )
                .await?;
                insert_rows(&mut *conn, "media", MEDIA_ROW_COLUMNS, "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", "", &s.media, |q, r: &MediaRow| {
                    let (m, meta) = (&r.asset, &r.meta);
                    q.bind(&m.key)
                        .bind(&m.content_type)
                        .bind(i64::from(m.width))
                        .bind(i64::from(m.height))
                        .bind(i64_of(m.bytes))
                        .bind(r.created_at)
                        .bind(&meta.name)
                        .bind(&meta.alt)
                        .bind(&meta.caption)
                        .bind(&meta.credit)
                })
                .await?;
                let socials = s.authors.iter().map(|a| social_to_json(&a.social)).collect::<Result<Vec<_>>>()?;
                let authors: Vec<_> = s.authors.iter().zip(&socials).collect();
                insert_rows(
                    &mut *conn,
                    "authors",
                    "id, slug, name, bio, avatar, social",
                    concat!("(?, ?, ?, ?, ?, ", $json_in, ")"), "",
                    &authors,
                    |q, (a, social)| {
                        q.bind(a.id).bind(&a.slug).bind(&a.name).bind(&a.bio).bind(&a.avatar).bind(social.as_str())
                    },
                )
                .await?;
                insert_rows(&mut *conn, "publication_authors", "publication_id, author_id", "(?, ?)", "", &s.publication_authors, |q, r| {
                    q.bind(r.publication_id).bind(r.author_id)
                })
                .await?;
                insert_rows(
                    &mut *conn,
                    "sections",
                    "id, publication_id, slug, name, description, position",
                    "(?, ?, ?, ?, ?, ?)", "",
                    &s.sections,
                    |q, x| q.bind(x.id).bind(x.publication_id).bind(&x.slug).bind(&x.name).bind(&x.description).bind(x.position),
                )
                .await?;
                insert_rows(&mut *conn, "tags", "id, publication_id, slug, name", "(?, ?, ?, ?)", "", &s.tags, |q, t| {
                    q.bind(t.id).bind(t.publication_id).bind(&t.slug).bind(&t.name)
                })
                .await?;
                insert_rows(
                    &mut *conn,
                    "articles",
                    ARTICLE_ROW_COLUMNS,
                    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", "",
                    &s.articles,
                    |q, a| {
                        let (published_at, published_offset) = to_parts(&a.published_at);
                        let (updated_at, updated_offset) = to_parts(&a.updated_at);
                        q.bind(a.id)
                            .bind(a.publication_id)
                            .bind(&a.slug)
                            .bind(&a.headline)
                            .bind(&a.standfirst)
                            .bind(&a.body)
                            .bind(a.toc)
                            .bind(a.section_id)
                            .bind(&a.image_key)
                            .bind(&a.image_alt)
                            .bind(&a.image_caption)
                            .bind(a.status.as_str())
                            .bind(published_at)
                            .bind(published_offset)
                            .bind(updated_at)
                            .bind(updated_offset)
                            .bind(&a.translation_group)
                            .bind(a.version)
                            .bind(a.in_review)
                            .bind(a.ever_published)
                            .bind(a.updated_by)
                            .bind(a.trashed_at)
                            .bind(a.trashed_by)
                    },
                )
                .await?;
                insert_rows(&mut *conn, "article_authors", "article_id, author_id, position", "(?, ?, ?)", "", &s.article_authors, |q, r| {
                    q.bind(r.article_id).bind(r.author_id).bind(r.position)
                })
                .await?;
                insert_rows(&mut *conn, "article_tags", "article_id, tag_id, position", "(?, ?, ?)", "", &s.article_tags, |q, r| {
                    q.bind(r.article_id).bind(r.tag_id).bind(r.position)
                })
                .await?;
                newsroom_in(&mut *conn, s).await?;
                network_gen::network_in(&mut *conn, s).await?;
                api_keys_gen::api_keys_in(&mut *conn, s).await?;
                fields_gen::fields_snapshot_in(&mut *conn, s).await?;
                front_gen::front_snapshot_in(&mut *conn, s).await?;
                foreign_gen::foreign_snapshot_in(&mut *conn, s).await?;
                Ok(())
            }

            /// Reads the newsroom's tables into `s`, each in key order.
            async fn newsroom_out(conn: &mut Conn, s: &mut Snapshot) -> Result<()> {
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
            async fn newsroom_in(conn: &mut Conn, s: &Snapshot) -> Result<()> {
                insert_rows(&mut *conn, "users", USER_ROW_COLUMNS, "(?, ?, ?, ?, ?, ?, ?, ?, ?)", "", &s.users, |q, u| {
                    q.bind(u.id)
                        .bind(&u.email)
                        .bind(&u.name)
                        .bind(u.role.as_str())
                        .bind(u.author_id)
                        .bind(&u.password_hash)
                        .bind(u.created_at)
                        .bind(u.network_wide)
                        .bind(u.deactivated_at)
                })
                .await?;
                insert_rows(&mut *conn, "publication_roles", PUBLICATION_ROLE_ROW_COLUMNS, "(?, ?, ?)", "", &s.publication_roles, |q, r| {
                    q.bind(r.user_id).bind(r.publication_id).bind(r.role.as_str())
                })
                .await?;
                insert_rows(
                    &mut *conn,
                    "article_revisions",
                    REVISION_ROW_COLUMNS,
                    "(?, ?, ?, ?, ?, ?)", "",
                    &s.article_revisions,
                    |q, r| q.bind(r.id).bind(r.article_id).bind(r.version).bind(r.user_id).bind(r.saved_at).bind(&r.draft),
                )
                .await?;
                insert_rows(&mut *conn, "slug_redirects", REDIRECT_ROW_COLUMNS, "(?, ?, ?)", "", &s.slug_redirects, |q, r| {
                    q.bind(r.publication_id).bind(&r.old_slug).bind(r.article_id)
                })
                .await?;
                insert_rows(&mut *conn, "review_notes", NOTE_ROW_COLUMNS, "(?, ?, ?, ?, ?, ?, ?, ?)", "", &s.review_notes, |q, n| {
                    q.bind(n.id)
                        .bind(n.article_id)
                        .bind(n.user_id)
                        .bind(&n.body)
                        .bind(n.created_at)
                        .bind(n.resolved_at)
                        .bind(n.resolved_by)
                        .bind(n.reply_to)
                })
                .await?;
                insert_rows(
                    &mut *conn,
                    "scheduled_changes",
                    SCHEDULED_ROW_COLUMNS,
                    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", "",
                    &s.scheduled_changes,
                    |q, c| {
                        q.bind(c.id)
                            .bind(c.article_id)
                            .bind(&c.kind)
                            .bind(&c.draft)
                            .bind(c.run_at)
                            .bind(c.created_by)
                            .bind(c.created_at)
                            .bind(c.done_at)
                            .bind(&c.outcome)
                            .bind(c.base_version)
                    },
                )
                .await?;
                Ok(())
            }
        }
    };
}

pub(crate) use snapshot_impl;
