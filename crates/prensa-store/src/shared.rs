//! What both backends decode the same way: timestamps as seconds plus
//! offset, social links and aggregates as JSON text, driver errors.
//! Keeping these in one place is what makes the backends agree byte for
//! byte on what they hand back.

use chrono::{DateTime, FixedOffset, Utc};
use prensa_core::permissions::Role;
use prensa_core::{
    AdminArticleRow, Article, ArticleDraft, ArticleRow, ArticleSummary, Author, AuthorRef, AuthorRow, DraftImage,
    EditableArticle, FeedContent, HeroImage, Id, Image, MediaAsset, MediaRow, Publication, PublicationSettings,
    Revision, Section, SectionRef, SectionRow, SocialLinks, Status, Tag, TagRow, TranslationRef, User,
};
use prensa_core::{PublicationRoleRow, ReviewNoteRow, RevisionRow, ScheduledChangeRow, SlugRedirectRow, UserRow};
use sqlx::Row;

use crate::{Result, StoreError};

/// Typed column access, the same for a SQLite and a PostgreSQL row, so
/// that every decoder below is written once. Both schemas store the same
/// Rust types: 64-bit integers, 32-bit UTC offsets, text, booleans.
pub(crate) trait Cols {
    fn int(&self, idx: usize) -> Result<i64>;
    fn opt_int(&self, idx: usize) -> Result<Option<i64>>;
    fn int32(&self, idx: usize) -> Result<i32>;
    fn text(&self, idx: usize) -> Result<String>;
    fn opt_text(&self, idx: usize) -> Result<Option<String>>;
    fn boolean(&self, idx: usize) -> Result<bool>;
}

macro_rules! impl_cols {
    ($row:ty) => {
        impl Cols for $row {
            fn int(&self, idx: usize) -> Result<i64> {
                self.try_get(idx).map_err(backend)
            }
            fn opt_int(&self, idx: usize) -> Result<Option<i64>> {
                self.try_get(idx).map_err(backend)
            }
            fn int32(&self, idx: usize) -> Result<i32> {
                self.try_get(idx).map_err(backend)
            }
            fn text(&self, idx: usize) -> Result<String> {
                self.try_get(idx).map_err(backend)
            }
            fn opt_text(&self, idx: usize) -> Result<Option<String>> {
                self.try_get(idx).map_err(backend)
            }
            fn boolean(&self, idx: usize) -> Result<bool> {
                self.try_get(idx).map_err(backend)
            }
        }
    };
}

impl_cols!(sqlx::sqlite::SqliteRow);
impl_cols!(sqlx::postgres::PgRow);

/// An article slug another article of the publication already has.
pub(crate) fn slug_taken(slug: &str) -> StoreError {
    StoreError::Invalid(format!("the slug `{slug}` is already used by another article"))
}

/// A failed article write: the slug's unique index refusing it (a writer
/// that took the slug after `check_draft` looked) is the same refusal as
/// [`slug_taken`]; anything else is the backend's error.
pub(crate) fn slug_or_backend(e: sqlx::Error, slug: &str) -> StoreError {
    match e.as_database_error() {
        Some(d) if d.is_unique_violation() => slug_taken(slug),
        _ => backend(e),
    }
}

pub(crate) fn backend(e: sqlx::Error) -> StoreError {
    match e {
        sqlx::Error::RowNotFound => StoreError::NotFound,
        other => StoreError::Backend(Box::new(other)),
    }
}

pub(crate) fn migration(e: sqlx::migrate::MigrateError) -> StoreError {
    StoreError::Migration(Box::new(e))
}

pub(crate) fn to_parts(dt: &DateTime<FixedOffset>) -> (i64, i32) {
    (dt.timestamp(), dt.offset().local_minus_utc())
}

pub(crate) fn from_parts(secs: i64, offset: i32) -> Result<DateTime<FixedOffset>> {
    let offset =
        FixedOffset::east_opt(offset).ok_or_else(|| StoreError::Invalid(format!("bad UTC offset {offset}")))?;
    let utc = DateTime::from_timestamp(secs, 0).ok_or_else(|| StoreError::Invalid(format!("bad timestamp {secs}")))?;
    Ok(utc.with_timezone(&offset))
}

pub(crate) fn social_to_json(links: &SocialLinks) -> Result<String> {
    serde_json::to_string(links).map_err(|e| StoreError::Backend(Box::new(e)))
}

pub(crate) fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| StoreError::Backend(Box::new(e)))
}

pub(crate) fn u32_of(v: i64) -> u32 {
    u32::try_from(v).unwrap_or(0)
}

pub(crate) fn u64_of(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

/// A list position or byte count as the integer column stores it.
pub(crate) fn i64_of<T: TryInto<i64>>(v: T) -> i64 {
    v.try_into().unwrap_or(i64::MAX)
}

/// An author as the article query aggregates it into JSON.
#[derive(serde::Deserialize)]
pub(crate) struct AuthorJson {
    id: Id,
    slug: String,
    name: String,
    bio: String,
    avatar: Option<String>,
    width: Option<i64>,
    height: Option<i64>,
    social: SocialLinks,
}

impl From<AuthorJson> for Author {
    fn from(a: AuthorJson) -> Author {
        Author {
            id: a.id,
            avatar: a.avatar.map(|key| Image {
                key,
                width: u32_of(a.width.unwrap_or(0)),
                height: u32_of(a.height.unwrap_or(0)),
            }),
            slug: a.slug,
            name: a.name,
            bio: a.bio,
            social: a.social,
        }
    }
}

/// A member of an article's translation group as the article query
/// aggregates it into JSON.
#[derive(serde::Deserialize)]
pub(crate) struct TranslationJson {
    article: Id,
    publication: Id,
    language: String,
    base_url: String,
    slug: String,
    original: bool,
}

impl From<TranslationJson> for TranslationRef {
    fn from(t: TranslationJson) -> TranslationRef {
        TranslationRef {
            article: t.article,
            publication: t.publication,
            language: t.language,
            base_url: t.base_url,
            slug: t.slug,
            original: t.original,
        }
    }
}

#[derive(serde::Deserialize)]
pub(crate) struct TagJson {
    pub id: Id,
    pub slug: String,
    pub name: String,
}

pub(crate) fn status_of(text: &str) -> Result<Status> {
    Status::parse(text).ok_or_else(|| StoreError::Invalid(format!("unknown status {text}")))
}

/// Decodes an optional image from (key, width, height) columns at `idx`.
pub(crate) fn image_at(row: &impl Cols, idx: usize) -> Result<Option<Image>> {
    Ok(match row.opt_text(idx)? {
        Some(key) => Some(Image {
            key,
            width: u32_of(row.opt_int(idx + 1)?.unwrap_or(0)),
            height: u32_of(row.opt_int(idx + 2)?.unwrap_or(0)),
        }),
        None => None,
    })
}

/// A hero image: (key, width, height, alt, caption) at `idx`.
pub(crate) fn hero_at(row: &impl Cols, idx: usize) -> Result<Option<HeroImage>> {
    Ok(match image_at(row, idx)? {
        Some(image) => Some(HeroImage {
            image,
            alt: row.opt_text(idx + 3)?.unwrap_or_default(),
            caption: row.opt_text(idx + 4)?.filter(|c| !c.is_empty()),
        }),
        None => None,
    })
}

/// Columns: id, slug, name, tagline, language, base_url, timezone, social
/// (JSON text), more_from_section, most_recent, page_size, from_sister_sites,
/// feed_content, api_cors_origins (space-separated).
pub(crate) fn publication_from(row: &impl Cols) -> Result<Publication> {
    Ok(Publication {
        id: row.int(0)?,
        slug: row.text(1)?,
        name: row.text(2)?,
        tagline: row.text(3)?,
        language: row.text(4)?,
        base_url: row.text(5)?,
        timezone: row.text(6)?,
        social: from_json(&row.text(7)?)?,
        settings: PublicationSettings {
            more_from_section: u32_of(row.int(8)?),
            most_recent: u32_of(row.int(9)?),
            page_size: u32_of(row.int(10)?),
            from_sister_sites: u32_of(row.int(11)?),
            // The column's CHECK admits only the two words.
            feed_content: FeedContent::parse(&row.text(12)?).unwrap_or_default(),
        },
        api_cors_origins: prensa_core::content_api::cors_origins_from_text(&row.text(13)?),
    })
}

/// Columns: id, slug, name, bio, avatar key, avatar width, height, social.
pub(crate) fn author_from(row: &impl Cols) -> Result<Author> {
    Ok(Author {
        id: row.int(0)?,
        slug: row.text(1)?,
        name: row.text(2)?,
        bio: row.text(3)?,
        avatar: image_at(row, 4)?,
        social: from_json(&row.text(7)?)?,
    })
}

/// Columns from `idx`: id, slug, name, description.
pub(crate) fn section_from(row: &impl Cols, idx: usize) -> Result<Section> {
    Ok(Section {
        id: row.int(idx)?,
        slug: row.text(idx + 1)?,
        name: row.text(idx + 2)?,
        description: row.text(idx + 3)?,
    })
}

pub(crate) fn tag_from(row: &impl Cols) -> Result<Tag> {
    Ok(Tag { id: row.int(0)?, slug: row.text(1)?, name: row.text(2)? })
}

/// Columns: key, content_type, width, height, bytes.
pub(crate) fn media_from(row: &impl Cols) -> Result<MediaAsset> {
    Ok(MediaAsset {
        key: row.text(0)?,
        content_type: row.text(1)?,
        width: u32_of(row.int(2)?),
        height: u32_of(row.int(3)?),
        bytes: u64_of(row.int(4)?),
    })
}

/// The columns of `Store::published_article`'s statement, in both backends:
/// id, slug, headline, standfirst, body, toc, hero (5 columns), status,
/// published at/offset, updated at/offset, translation group, section (4),
/// authors JSON, tags JSON, translations JSON.
pub(crate) fn article_from(row: &impl Cols) -> Result<Article> {
    let authors: Vec<AuthorJson> = from_json(&row.text(21)?)?;
    let tags: Vec<TagJson> = from_json(&row.text(22)?)?;
    Ok(Article {
        id: row.int(0)?,
        slug: row.text(1)?,
        headline: row.text(2)?,
        standfirst: row.text(3)?,
        body: row.text(4)?,
        toc: row.boolean(5)?,
        image: hero_at(row, 6)?,
        status: status_of(&row.text(11)?)?,
        published_at: from_parts(row.int(12)?, row.int32(13)?)?,
        updated_at: from_parts(row.int(14)?, row.int32(15)?)?,
        translation_group: row.opt_text(16)?,
        section: section_from(row, 17)?,
        authors: authors.into_iter().map(Author::from).collect(),
        tags: tags.into_iter().map(|t| Tag { id: t.id, slug: t.slug, name: t.name }).collect(),
        translations: from_json::<Vec<TranslationJson>>(&row.text(23)?)?
            .into_iter()
            .map(TranslationRef::from)
            .collect(),
    })
}

/// The columns of `Store::published_articles`' statement: id, slug,
/// headline, standfirst, hero (5), published at/offset, section slug and
/// name, byline JSON (`[[slug, name], …]`), then the window total.
pub(crate) fn summary_from(row: &impl Cols) -> Result<ArticleSummary> {
    let byline: Vec<(String, String)> = from_json(&row.text(13)?)?;
    Ok(ArticleSummary {
        id: row.int(0)?,
        slug: row.text(1)?,
        headline: row.text(2)?,
        standfirst: row.text(3)?,
        image: hero_at(row, 4)?,
        published_at: from_parts(row.int(9)?, row.int32(10)?)?,
        section: SectionRef { slug: row.text(11)?, name: row.text(12)? },
        authors: byline.into_iter().map(|(slug, name)| AuthorRef { slug, name }).collect(),
    })
}

// Snapshot rows: the backends select these columns in this order.

/// id, slug, name, bio, avatar, social (JSON text).
pub(crate) fn author_row(row: &impl Cols) -> Result<AuthorRow> {
    Ok(AuthorRow {
        id: row.int(0)?,
        slug: row.text(1)?,
        name: row.text(2)?,
        bio: row.text(3)?,
        avatar: row.opt_text(4)?,
        social: from_json(&row.text(5)?)?,
    })
}

/// id, publication_id, slug, name, description, position.
pub(crate) fn section_row(row: &impl Cols) -> Result<SectionRow> {
    Ok(SectionRow {
        id: row.int(0)?,
        publication_id: row.int(1)?,
        slug: row.text(2)?,
        name: row.text(3)?,
        description: row.text(4)?,
        position: row.int(5)?,
    })
}

/// id, publication_id, slug, name.
pub(crate) fn tag_row(row: &impl Cols) -> Result<TagRow> {
    Ok(TagRow { id: row.int(0)?, publication_id: row.int(1)?, slug: row.text(2)?, name: row.text(3)? })
}

/// The columns of [`ARTICLE_ROW_COLUMNS`].
pub(crate) fn article_row(row: &impl Cols) -> Result<ArticleRow> {
    Ok(ArticleRow {
        id: row.int(0)?,
        publication_id: row.int(1)?,
        slug: row.text(2)?,
        headline: row.text(3)?,
        standfirst: row.text(4)?,
        body: row.text(5)?,
        toc: row.boolean(6)?,
        section_id: row.int(7)?,
        image_key: row.opt_text(8)?,
        image_alt: row.opt_text(9)?,
        image_caption: row.opt_text(10)?,
        status: status_of(&row.text(11)?)?,
        published_at: from_parts(row.int(12)?, row.int32(13)?)?,
        updated_at: from_parts(row.int(14)?, row.int32(15)?)?,
        translation_group: row.opt_text(16)?,
        version: row.int(17)?,
        in_review: row.boolean(18)?,
        ever_published: row.boolean(19)?,
        updated_by: row.opt_int(20)?,
        trashed_at: row.opt_int(21)?,
        trashed_by: row.opt_int(22)?,
    })
}

/// Every column of `articles`, in the order [`article_row`] reads and the
/// snapshot import writes them.
pub(crate) const ARTICLE_ROW_COLUMNS: &str = "id, publication_id, slug, headline, standfirst, body, toc, section_id, \
     image_key, image_alt, image_caption, status, published_at, published_offset, updated_at, updated_offset, translation_group, \
     version, in_review, ever_published, updated_by, trashed_at, trashed_by";

/// `AND column NOT IN (ids)`, or nothing when `ids` is empty (then every
/// row goes). The ids are integers this store produced, so formatting them
/// into the SQL is safe.
pub(crate) fn and_not_in(column: &str, ids: &[Id]) -> String {
    if ids.is_empty() {
        return String::new();
    }
    let list = ids.iter().map(Id::to_string).collect::<Vec<_>>().join(",");
    format!(" AND {column} NOT IN ({list})")
}

/// Tables in the order a snapshot is written (parents before children);
/// deleting goes in reverse. Nothing references `users` but sessions and
/// links (see [`EPHEMERAL_TABLES`]): editorial columns naming a user are
/// plain integers.
pub(crate) const TABLES: [&str; 18] = [
    "publications",
    "media",
    "authors",
    "publication_authors",
    "sections",
    "tags",
    "articles",
    "article_authors",
    "article_tags",
    "users",
    "publication_roles",
    "article_revisions",
    "slug_redirects",
    "review_notes",
    "scheduled_changes",
    "translations",
    "author_bios",
    "api_keys",
];

/// What a snapshot leaves behind but a replacing import must clear, so
/// that nothing of the old store (sessions, links, now-unknown users)
/// survives: deleted before [`TABLES`].
pub(crate) const EPHEMERAL_TABLES: [&str; 2] = ["sessions", "user_tokens"];

/// The media columns a snapshot copies, in the order [`media_row`] reads them.
pub(crate) const MEDIA_ROW_COLUMNS: &str =
    "key, content_type, width, height, bytes, created_at, name, alt, caption, credit";

/// The columns of [`MEDIA_ROW_COLUMNS`].
pub(crate) fn media_row(row: &impl Cols) -> Result<MediaRow> {
    Ok(MediaRow {
        asset: media_from(row)?,
        created_at: row.int(5)?,
        meta: prensa_core::MediaMeta {
            name: row.text(6)?,
            alt: row.text(7)?,
            caption: row.text(8)?,
            credit: row.text(9)?,
        },
    })
}

/// Every column of `users`, in the order [`user_row`] reads them.
pub(crate) const USER_ROW_COLUMNS: &str =
    "id, email, name, role, author_id, password_hash, created_at, network_wide, deactivated_at";

/// The columns of [`USER_ROW_COLUMNS`], password hash included.
pub(crate) fn user_row(row: &impl Cols) -> Result<UserRow> {
    let role = row.text(3)?;
    Ok(UserRow {
        id: row.int(0)?,
        email: row.text(1)?,
        name: row.text(2)?,
        role: Role::parse(&role).ok_or_else(|| StoreError::Invalid(format!("unknown role {role}")))?,
        author_id: row.opt_int(4)?,
        password_hash: row.opt_text(5)?,
        created_at: row.int(6)?,
        network_wide: row.boolean(7)?,
        deactivated_at: row.opt_int(8)?,
    })
}

/// Every column of `publication_roles`, in the order [`publication_role_row`] reads them.
pub(crate) const PUBLICATION_ROLE_ROW_COLUMNS: &str = "user_id, publication_id, role";

pub(crate) fn publication_role_row(row: &impl Cols) -> Result<PublicationRoleRow> {
    let role = row.text(2)?;
    Ok(PublicationRoleRow {
        user_id: row.int(0)?,
        publication_id: row.int(1)?,
        role: Role::parse(&role).ok_or_else(|| StoreError::Invalid(format!("unknown role {role}")))?,
    })
}

/// Every column of `article_revisions`, in the order [`revision_row`] reads them.
pub(crate) const REVISION_ROW_COLUMNS: &str = "id, article_id, version, user_id, saved_at, draft";

pub(crate) fn revision_row(row: &impl Cols) -> Result<RevisionRow> {
    Ok(RevisionRow {
        id: row.int(0)?,
        article_id: row.int(1)?,
        version: row.int(2)?,
        user_id: row.opt_int(3)?,
        saved_at: row.int(4)?,
        draft: row.text(5)?,
    })
}

/// Every column of `slug_redirects`, in the order [`redirect_row`] reads them.
pub(crate) const REDIRECT_ROW_COLUMNS: &str = "publication_id, old_slug, article_id";

pub(crate) fn redirect_row(row: &impl Cols) -> Result<SlugRedirectRow> {
    Ok(SlugRedirectRow { publication_id: row.int(0)?, old_slug: row.text(1)?, article_id: row.int(2)? })
}

/// Every column of `review_notes`, in the order [`note_row`] reads them.
pub(crate) const NOTE_ROW_COLUMNS: &str =
    "id, article_id, user_id, body, created_at, resolved_at, resolved_by, reply_to";

pub(crate) fn note_row(row: &impl Cols) -> Result<ReviewNoteRow> {
    Ok(ReviewNoteRow {
        id: row.int(0)?,
        article_id: row.int(1)?,
        user_id: row.opt_int(2)?,
        body: row.text(3)?,
        created_at: row.int(4)?,
        resolved_at: row.opt_int(5)?,
        resolved_by: row.opt_int(6)?,
        reply_to: row.opt_int(7)?,
    })
}

/// Every column of `scheduled_changes`, in the order [`scheduled_row`] reads them.
pub(crate) const SCHEDULED_ROW_COLUMNS: &str =
    "id, article_id, kind, draft, run_at, created_by, created_at, done_at, outcome, base_version";

pub(crate) fn scheduled_row(row: &impl Cols) -> Result<ScheduledChangeRow> {
    Ok(ScheduledChangeRow {
        id: row.int(0)?,
        article_id: row.int(1)?,
        kind: row.text(2)?,
        draft: row.opt_text(3)?,
        run_at: row.int(4)?,
        created_by: row.opt_int(5)?,
        created_at: row.int(6)?,
        done_at: row.opt_int(7)?,
        outcome: row.opt_text(8)?,
        base_version: row.opt_int(9)?,
    })
}

// --- the newsroom ---------------------------------------------------------

/// SHA-256 of `text`, lower-case hex: the same digest as
/// `prensa_auth::token_digest` (a store test checks they agree), for the
/// one place the store hashes a secret itself, the legacy preview tokens.
pub(crate) fn sha256_hex(text: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn utc_of(secs: i64) -> Result<DateTime<Utc>> {
    DateTime::from_timestamp(secs, 0).ok_or_else(|| StoreError::Invalid(format!("bad timestamp {secs}")))
}

pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Backend(Box::new(e)))
}

/// The columns [`user_from`] reads, for a `users u`.
pub(crate) const USER_COLUMNS: &str =
    "u.id, u.email, u.name, u.role, u.author_id, u.password_hash, u.created_at, u.network_wide, u.deactivated_at";

/// Columns of [`USER_COLUMNS`]; the password hash (column 5) only tells
/// whether there is one.
pub(crate) fn user_from(row: &impl Cols) -> Result<User> {
    let role = row.text(3)?;
    Ok(User {
        id: row.int(0)?,
        email: row.text(1)?,
        name: row.text(2)?,
        role: Role::parse(&role).ok_or_else(|| StoreError::Invalid(format!("unknown role {role}")))?,
        author_id: row.opt_int(4)?,
        has_password: row.opt_text(5)?.is_some(),
        created_at: utc_of(row.int(6)?)?,
        network_wide: row.boolean(7)?,
        deactivated_at: row.opt_int(8)?.map(utc_of).transpose()?,
    })
}

/// The columns [`editable_from`] reads, for an `articles a`.
pub(crate) const EDITABLE_COLUMNS: &str =
    "a.id, a.publication_id, a.version, a.slug, a.headline, a.standfirst, a.body, \
     a.toc, a.section_id, a.image_key, a.image_alt, a.image_caption, a.status, a.in_review, a.ever_published, \
     a.published_at, a.published_offset, a.updated_at, a.updated_by";

/// Columns of [`EDITABLE_COLUMNS`]; the byline and tag names are read
/// separately.
pub(crate) fn editable_from(row: &impl Cols, author_ids: Vec<Id>, tags: Vec<String>) -> Result<EditableArticle> {
    let image = match row.opt_text(9)? {
        Some(key) => Some(DraftImage { key, alt: row.opt_text(10)?.unwrap_or_default(), caption: row.opt_text(11)? }),
        None => None,
    };
    Ok(EditableArticle {
        id: row.int(0)?,
        publication_id: row.int(1)?,
        version: row.int(2)?,
        draft: ArticleDraft {
            slug: row.text(3)?,
            headline: row.text(4)?,
            standfirst: row.text(5)?,
            body: row.text(6)?,
            toc: row.boolean(7)?,
            section_id: row.int(8)?,
            author_ids,
            tags,
            image,
        },
        status: status_of(&row.text(12)?)?,
        in_review: row.boolean(13)?,
        ever_published: row.boolean(14)?,
        published_at: from_parts(row.int(15)?, row.int32(16)?)?,
        updated_at: utc_of(row.int(17)?)?,
        updated_by: row.opt_int(18)?,
    })
}

/// The admin list's columns: id, slug, headline, section name, status,
/// in_review, ever_published, published at/offset, updated at (then the
/// window total, read by the caller). Bylines are filled in afterwards.
pub(crate) fn admin_row_from(row: &impl Cols) -> Result<AdminArticleRow> {
    Ok(AdminArticleRow {
        id: row.int(0)?,
        slug: row.text(1)?,
        headline: row.text(2)?,
        section: row.text(3)?,
        authors: Vec::new(),
        author_ids: Vec::new(),
        status: status_of(&row.text(4)?)?,
        in_review: row.boolean(5)?,
        ever_published: row.boolean(6)?,
        published_at: from_parts(row.int(7)?, row.int32(8)?)?,
        updated_at: utc_of(row.int(9)?)?,
    })
}

/// Columns: id, article_id, version, user_id, user name ('' if none),
/// saved_at, draft JSON.
pub(crate) fn revision_from(row: &impl Cols) -> Result<Revision> {
    Ok(Revision {
        id: row.int(0)?,
        article_id: row.int(1)?,
        version: row.int(2)?,
        user_id: row.opt_int(3)?,
        user_name: row.text(4)?,
        saved_at: utc_of(row.int(5)?)?,
        draft: from_json(&row.text(6)?)?,
    })
}
