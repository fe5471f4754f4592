//! The nouns of a magazine: publications, authors, sections, tags, articles.

use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};

use crate::social::SocialLinks;

/// Row identifier in the store. Opaque outside the store.
pub type Id = i64;

/// Per-publication display settings (counts of the article page's lists).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PublicationSettings {
    /// How many articles "More from this section" shows.
    pub more_from_section: u32,
    /// How many articles "Most recent" shows.
    pub most_recent: u32,
    /// Articles per page on section, author and tag pages.
    pub page_size: u32,
    /// How many of the other publications' latest articles the home and
    /// article pages show under "From our sister sites" (0: no block).
    pub from_sister_sites: u32,
    /// What the feeds carry of each article: the whole body (default) or
    /// the standfirst alone.
    pub feed_content: FeedContent,
}

impl Default for PublicationSettings {
    fn default() -> Self {
        PublicationSettings {
            more_from_section: 4,
            most_recent: 4,
            page_size: 12,
            from_sister_sites: 0,
            feed_content: FeedContent::Full,
        }
    }
}

/// The `feed_content` setting: `"full"` or `"summary"`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FeedContent {
    /// Each item carries the article's whole body.
    #[default]
    Full,
    /// Each item carries the standfirst only.
    Summary,
}

impl FeedContent {
    pub fn as_str(self) -> &'static str {
        match self {
            FeedContent::Full => "full",
            FeedContent::Summary => "summary",
        }
    }

    pub fn parse(s: &str) -> Option<FeedContent> {
        match s {
            "full" => Some(FeedContent::Full),
            "summary" => Some(FeedContent::Summary),
            _ => None,
        }
    }
}

impl PublicationSettings {
    /// Largest value accepted for any count; keeps a typo from making a
    /// page render thousands of articles.
    pub const MAX: u32 = 100;

    pub fn validate(&self) -> Result<(), String> {
        for (name, v) in [
            ("more_from_section", self.more_from_section),
            ("most_recent", self.most_recent),
            ("page_size", self.page_size),
            ("from_sister_sites", self.from_sister_sites),
        ] {
            if v > Self::MAX {
                return Err(format!("settings.{name} must be at most {}", Self::MAX));
            }
        }
        if self.page_size == 0 {
            return Err("settings.page_size must be at least 1".into());
        }
        Ok(())
    }
}

/// One magazine: its own host name, language, sections and articles.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Publication {
    pub id: Id,
    pub slug: String,
    pub name: String,
    pub tagline: String,
    /// BCP 47 language tag, e.g. `en`, `de`, `pt-BR`.
    pub language: String,
    /// Absolute base URL without trailing slash, e.g. `https://meridian.example`.
    pub base_url: String,
    /// IANA time zone name used when staff schedule articles.
    pub timezone: String,
    pub social: SocialLinks,
    pub settings: PublicationSettings,
    /// The origins allowed to call the Content API from a browser (CORS):
    /// exact origins as browsers send them (`https://app.example.org`), or
    /// `*`; empty: none. Checked by [`crate::content_api::parse_cors_origins`].
    pub api_cors_origins: Vec<String>,
}

impl Publication {
    /// Host name part of the base URL (`meridian.example`), used to pick the
    /// publication for an incoming request.
    pub fn host(&self) -> &str {
        let rest = self.base_url.split_once("://").map_or(self.base_url.as_str(), |(_, r)| r);
        rest.split(['/', '?', '#']).next().unwrap_or(rest)
    }

    /// Absolute URL of a site path (`/section/labor/`).
    pub fn absolute(&self, path: &str) -> String {
        format!("{}{}", self.base_url.trim_end_matches('/'), path)
    }
}

/// An image stored in the media library.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Image {
    /// Content-addressed file name, e.g. `3f2a…9c.jpg`.
    pub key: String,
    pub width: u32,
    pub height: u32,
}

impl Image {
    pub fn url(&self) -> String {
        format!("/media/{}", self.key)
    }
}

/// An article's lead image with its required alt text and optional caption.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeroImage {
    pub image: Image,
    pub alt: String,
    pub caption: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Author {
    pub id: Id,
    pub slug: String,
    pub name: String,
    /// Markdown.
    pub bio: String,
    pub avatar: Option<Image>,
    pub social: SocialLinks,
}

/// What a byline needs of an author.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuthorRef {
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    pub id: Id,
    pub slug: String,
    pub name: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SectionRef {
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tag {
    pub id: Id,
    pub slug: String,
    pub name: String,
}

/// The stored state of an article. "Scheduled" is not stored: it is a
/// published article whose date has not come yet (see [`Article::status_at`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Draft,
    Published,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Published => "published",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        match s {
            "draft" => Some(Status::Draft),
            "published" => Some(Status::Published),
            _ => None,
        }
    }
}

/// What a reader-facing status is at a given moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EffectiveStatus {
    Draft,
    Scheduled,
    Published,
}

/// Whether an article with this stored status and date is visible to
/// readers at `now`. The one rule behind drafts and scheduling.
pub fn effective_status(status: Status, published_at: DateTime<FixedOffset>, now: DateTime<Utc>) -> EffectiveStatus {
    match status {
        Status::Draft => EffectiveStatus::Draft,
        Status::Published if published_at.with_timezone(&Utc) > now => EffectiveStatus::Scheduled,
        Status::Published => EffectiveStatus::Published,
    }
}

/// A full article, as the article page shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Article {
    pub id: Id,
    pub slug: String,
    pub headline: String,
    pub standfirst: String,
    /// Markdown.
    pub body: String,
    /// Whether the article shows a table of contents.
    pub toc: bool,
    /// In byline order.
    pub authors: Vec<Author>,
    pub section: Section,
    pub tags: Vec<Tag>,
    pub image: Option<HeroImage>,
    pub status: Status,
    pub published_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
    /// Articles that are translations of each other share this id.
    pub translation_group: Option<String>,
    /// The other articles of its translation group that readers can see
    /// (published, date come), in language order; empty when it has none.
    /// The one marked [`TranslationRef::original`] is the group's original;
    /// when none is, this article is the original (or it is not visible).
    pub translations: Vec<TranslationRef>,
}

/// Another language's version of an article, for links between sister
/// publications ("Also in", `hreflang`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TranslationRef {
    pub article: Id,
    pub publication: Id,
    /// The language of its publication.
    pub language: String,
    /// Its publication's base URL, for absolute links.
    pub base_url: String,
    pub slug: String,
    /// Whether it is the group's original (the `x-default` of `hreflang`).
    pub original: bool,
}

/// An article of another publication of the network ("From our sister
/// sites").
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SisterArticle {
    pub publication: Id,
    pub summary: ArticleSummary,
}

impl Article {
    pub fn status_at(&self, now: DateTime<Utc>) -> EffectiveStatus {
        effective_status(self.status, self.published_at, now)
    }
}

/// What lists (home, section, "most recent") show of an article.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArticleSummary {
    pub id: Id,
    pub slug: String,
    pub headline: String,
    pub standfirst: String,
    pub authors: Vec<AuthorRef>,
    pub section: SectionRef,
    pub image: Option<HeroImage>,
    pub published_at: DateTime<FixedOffset>,
}

/// Which published articles a list wants. All filters combine with AND.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArticleQuery {
    pub section: Option<Id>,
    pub author: Option<Id>,
    pub tag: Option<Id>,
    /// Leave this article out (the one being read).
    pub exclude: Option<Id>,
    pub limit: u32,
    pub offset: u32,
    /// Also count every match (for pagination). Without it, `Page::total`
    /// is just the number of items returned, which saves the store from
    /// looking at rows past the page.
    pub with_total: bool,
}

/// One page of a list plus the size of the whole list.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
}

/// Page-number arithmetic shared by every paginated list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Pagination {
    /// 1-based.
    pub page: u32,
    pub pages: u32,
    pub per_page: u32,
}

impl Pagination {
    /// `None` when `page` is past the end (a 404), except that page 1 of an
    /// empty list exists.
    pub fn new(page: u32, per_page: u32, total: u64) -> Option<Pagination> {
        let per_page = per_page.max(1);
        let pages = u32::try_from(total.div_ceil(u64::from(per_page))).unwrap_or(u32::MAX).max(1);
        (page >= 1 && page <= pages).then_some(Pagination { page, pages, per_page })
    }

    pub fn offset(&self) -> u32 {
        (self.page - 1).saturating_mul(self.per_page)
    }

    pub fn prev(&self) -> Option<u32> {
        (self.page > 1).then(|| self.page - 1)
    }

    pub fn next(&self) -> Option<u32> {
        (self.page < self.pages).then(|| self.page + 1)
    }
}

// ---------------------------------------------------------------------------
// Writes. The importer (and later the admin) builds these; the store applies
// them in one transaction.

/// A publication as written by an import, identified by slug.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPublication {
    pub slug: String,
    pub name: String,
    pub tagline: String,
    pub language: String,
    pub base_url: String,
    pub timezone: String,
    pub social: SocialLinks,
    pub settings: PublicationSettings,
    /// See [`Publication::api_cors_origins`].
    pub api_cors_origins: Vec<String>,
}

/// A media file already placed in the media store under `key`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaAsset {
    pub key: String,
    pub content_type: String,
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewAuthor {
    pub slug: String,
    pub name: String,
    pub bio: String,
    /// Media key.
    pub avatar: Option<String>,
    pub social: SocialLinks,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewSection {
    pub slug: String,
    pub name: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewHeroImage {
    /// Media key.
    pub key: String,
    pub alt: String,
    pub caption: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewArticle {
    pub slug: String,
    pub headline: String,
    pub standfirst: String,
    pub body: String,
    pub toc: bool,
    /// Author slugs, in byline order.
    pub authors: Vec<String>,
    /// Section slug.
    pub section: String,
    /// Tag names as written; slugs are derived.
    pub tags: Vec<String>,
    pub image: Option<NewHeroImage>,
    pub status: Status,
    pub published_at: DateTime<FixedOffset>,
    pub updated_at: Option<DateTime<FixedOffset>>,
    pub translation_group: Option<String>,
}

/// Everything one content directory holds, validated and ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportSet {
    pub publication: NewPublication,
    pub media: Vec<MediaAsset>,
    pub authors: Vec<NewAuthor>,
    pub sections: Vec<NewSection>,
    pub articles: Vec<NewArticle>,
}

/// Where the store reads the bodies of an import's articles while it
/// writes them, a batch at a time: from the articles themselves
/// ([`InMemory`], `NewArticle::body`), or from a spool on disk that an
/// import too large to hold every body in memory wrote them to
/// (`prensa_import::Spool`), leaving `body` empty.
pub trait BodySource: Sync {
    /// The body of `article`, of the `set`-th set of the import (0 for an
    /// import of one set).
    fn body<'a>(&'a self, set: usize, article: &'a NewArticle) -> std::io::Result<std::borrow::Cow<'a, str>>;
}

/// Bodies as the articles hold them.
#[derive(Debug, Clone, Copy, Default)]
pub struct InMemory;

impl BodySource for InMemory {
    fn body<'a>(&'a self, _set: usize, article: &'a NewArticle) -> std::io::Result<std::borrow::Cow<'a, str>> {
        Ok(std::borrow::Cow::Borrowed(&article.body))
    }
}

/// A translation's link to its original, as a content directory declares
/// it (`translation_of = "LANG:SLUG"` in an article's front matter).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTranslation {
    /// The translation: the slug of its publication and its own slug.
    pub publication: String,
    pub article: String,
    /// The original: the language of its publication and its slug. The
    /// importer has already followed links to translations of the same run
    /// back to their original; the store does the same for articles it
    /// already holds.
    pub original_language: String,
    pub original_slug: String,
    /// Where the link is written (`de/articles/x.md:4`), for problems only
    /// the store can find (a target in no directory of the run).
    pub source: String,
}

/// Several content directories imported together, in one transaction:
/// sister publications and the translation links between their articles.
/// Every article of `sets` not named in `translations` is no translation
/// (a link removed from its front matter is removed from the store).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NetworkImport {
    pub sets: Vec<ImportSet>,
    pub translations: Vec<NewTranslation>,
}

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ImportCounts {
    pub authors: u64,
    pub sections: u64,
    pub tags: u64,
    pub articles: u64,
    pub media: u64,
    /// Articles, sections and tags removed by `--prune`.
    pub pruned: u64,
}

// ---------------------------------------------------------------------------
// Whole-store copies (`prensa migrate-store`).

/// Every row a store needs to carry on elsewhere, exactly as stored: ids
/// included, drafts and scheduled articles included, the newsroom's staff
/// accounts (with their password hashes), revisions, former slugs, review
/// notes and scheduled changes too; each list in id (or key) order. Copying
/// a store means exporting one of these and importing it into another; two
/// stores with the same content produce snapshots that serialize to the same
/// bytes, which is how a copy is verified.
///
/// Not included, on purpose: sessions and single-use links (people sign in
/// again, pending invites and resets are sent again) and the change feed
/// (the new store starts its own).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub publications: Vec<Publication>,
    pub media: Vec<MediaRow>,
    pub authors: Vec<AuthorRow>,
    pub publication_authors: Vec<PublicationAuthorRow>,
    pub sections: Vec<SectionRow>,
    pub tags: Vec<TagRow>,
    pub articles: Vec<ArticleRow>,
    pub article_authors: Vec<ArticleAuthorRow>,
    pub article_tags: Vec<ArticleTagRow>,
    pub users: Vec<UserRow>,
    pub publication_roles: Vec<PublicationRoleRow>,
    pub article_revisions: Vec<RevisionRow>,
    pub slug_redirects: Vec<SlugRedirectRow>,
    pub review_notes: Vec<ReviewNoteRow>,
    pub scheduled_changes: Vec<ScheduledChangeRow>,
    pub translations: Vec<TranslationRow>,
    pub author_bios: Vec<AuthorBioRow>,
    /// Content API keys (digests only).
    pub api_keys: Vec<crate::ApiKeyRow>,
    /// Articles' SEO fields, custom field definitions and values.
    pub fields: crate::fields::FieldRows,
    /// The front page's pins and each publication's logo and favicon.
    pub front: crate::front::FrontRows,
    /// Imports from other platforms: source ids and old addresses.
    #[serde(default)]
    pub foreign: crate::foreign::ForeignRows,
}

impl Snapshot {
    /// Rows per table, in the order the tables are written.
    pub fn counts(&self) -> [(&'static str, usize); 25] {
        [
            ("publications", self.publications.len()),
            ("media", self.media.len()),
            ("authors", self.authors.len()),
            ("publication_authors", self.publication_authors.len()),
            ("sections", self.sections.len()),
            ("tags", self.tags.len()),
            ("articles", self.articles.len()),
            ("article_authors", self.article_authors.len()),
            ("article_tags", self.article_tags.len()),
            ("users", self.users.len()),
            ("publication_roles", self.publication_roles.len()),
            ("article_revisions", self.article_revisions.len()),
            ("slug_redirects", self.slug_redirects.len()),
            ("review_notes", self.review_notes.len()),
            ("scheduled_changes", self.scheduled_changes.len()),
            ("translations", self.translations.len()),
            ("author_bios", self.author_bios.len()),
            ("api_keys", self.api_keys.len()),
            ("article_seo", self.fields.article_seo.len()),
            ("custom_fields", self.fields.custom_fields.len()),
            ("article_field_values", self.fields.values.len()),
            ("front_pins", self.front.pins.len()),
            ("publication_brand", self.front.brands.len()),
            ("import_sources", self.foreign.sources.len()),
            ("legacy_urls", self.foreign.legacy_urls.len()),
        ]
    }

    /// Whether there is nothing to copy (staff accounts count).
    pub fn is_empty(&self) -> bool {
        self.counts().iter().all(|(_, n)| *n == 0)
    }
}

/// A translation's link to its group's original, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TranslationRow {
    pub article_id: Id,
    pub original_id: Id,
    pub language: String,
    pub original_version: i64,
}

/// An author's bio in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorBioRow {
    pub author_id: Id,
    pub language: String,
    pub bio: String,
}

/// A media row: the asset and when it was uploaded (UTC Unix seconds).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaRow {
    #[serde(flatten)]
    pub asset: MediaAsset,
    pub created_at: i64,
    /// Name, alt text, caption and credit (issue 14).
    #[serde(flatten)]
    pub meta: crate::MediaMeta,
}

/// A staff account as stored, password hash included so that people can
/// still sign in after a copy. Its `Debug` leaves the hash out; never log
/// or print one of these through anything else.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    pub id: Id,
    pub email: String,
    pub name: String,
    pub role: crate::permissions::Role,
    pub author_id: Option<Id>,
    pub password_hash: Option<String>,
    /// UTC Unix seconds.
    pub created_at: i64,
    /// Whether `role` holds on every publication (else see
    /// [`PublicationRoleRow`]).
    pub network_wide: bool,
    /// UTC Unix seconds; set while the account is deactivated.
    pub deactivated_at: Option<i64>,
}

/// A staff account's role on one publication (accounts that are not
/// network-wide).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicationRoleRow {
    pub user_id: Id,
    pub publication_id: Id,
    pub role: crate::permissions::Role,
}

impl std::fmt::Debug for UserRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRow")
            .field("id", &self.id)
            .field("email", &self.email)
            .field("name", &self.name)
            .field("role", &self.role)
            .field("author_id", &self.author_id)
            .field("password_hash", &self.password_hash.as_ref().map(|_| "<redacted>"))
            .field("created_at", &self.created_at)
            .field("network_wide", &self.network_wide)
            .field("deactivated_at", &self.deactivated_at)
            .finish()
    }
}

/// A saved version of an article; `draft` is the stored
/// [`crate::ArticleDraft`] JSON, copied verbatim. Times are UTC Unix seconds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisionRow {
    pub id: Id,
    pub article_id: Id,
    pub version: i64,
    pub user_id: Option<Id>,
    pub saved_at: i64,
    pub draft: String,
}

/// A former slug of a published article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlugRedirectRow {
    pub publication_id: Id,
    pub old_slug: String,
    pub article_id: Id,
}

/// A review note as stored (times are UTC Unix seconds).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewNoteRow {
    pub id: Id,
    pub article_id: Id,
    pub user_id: Option<Id>,
    pub body: String,
    pub created_at: i64,
    pub resolved_at: Option<i64>,
    pub resolved_by: Option<Id>,
    /// The thread's first note, for a reply.
    pub reply_to: Option<Id>,
}

/// A scheduled change as stored, pending or done: `kind` is `update` (with
/// its draft JSON) or `unpublish`; times are UTC Unix seconds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduledChangeRow {
    pub id: Id,
    pub article_id: Id,
    pub kind: String,
    pub draft: Option<String>,
    pub run_at: i64,
    pub created_by: Option<Id>,
    pub created_at: i64,
    pub done_at: Option<i64>,
    pub outcome: Option<String>,
    /// The article version the change was scheduled on.
    pub base_version: Option<i64>,
}

/// An author row: unlike [`Author`], the avatar is just its media key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuthorRow {
    pub id: Id,
    pub slug: String,
    pub name: String,
    pub bio: String,
    pub avatar: Option<String>,
    pub social: SocialLinks,
}

/// An author writes for a publication.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicationAuthorRow {
    pub publication_id: Id,
    pub author_id: Id,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionRow {
    pub id: Id,
    pub publication_id: Id,
    pub slug: String,
    pub name: String,
    pub description: String,
    /// Display order within the publication.
    pub position: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagRow {
    pub id: Id,
    pub publication_id: Id,
    pub slug: String,
    pub name: String,
}

/// An article row with foreign keys instead of the joined records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleRow {
    pub id: Id,
    pub publication_id: Id,
    pub slug: String,
    pub headline: String,
    pub standfirst: String,
    pub body: String,
    pub toc: bool,
    pub section_id: Id,
    pub image_key: Option<String>,
    pub image_alt: Option<String>,
    pub image_caption: Option<String>,
    pub status: Status,
    pub published_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
    pub translation_group: Option<String>,
    /// Editorial state: the version a save must name, whether it awaits
    /// review, whether it was ever live, and who saved it last.
    pub version: i64,
    pub in_review: bool,
    pub ever_published: bool,
    pub updated_by: Option<Id>,
    /// In the trash since (UTC Unix seconds), and by whom.
    pub trashed_at: Option<i64>,
    pub trashed_by: Option<Id>,
}

/// One byline entry; `position` orders an article's authors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleAuthorRow {
    pub article_id: Id,
    pub author_id: Id,
    pub position: i64,
}

/// One tag of an article; `position` orders an article's tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleTagRow {
    pub article_id: Id,
    pub tag_id: Id,
    pub position: i64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).expect("valid date")
    }

    #[test]
    fn scheduled_is_published_in_the_future() {
        let now = Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0).single().expect("valid");
        assert_eq!(
            effective_status(Status::Published, at("2026-01-01T12:00:00+00:00"), now),
            EffectiveStatus::Published
        );
        // 12:30 in Berlin is 11:30 UTC: already out.
        assert_eq!(
            effective_status(Status::Published, at("2026-01-01T12:30:00+01:00"), now),
            EffectiveStatus::Published
        );
        assert_eq!(
            effective_status(Status::Published, at("2026-01-01T12:00:01+00:00"), now),
            EffectiveStatus::Scheduled
        );
        assert_eq!(effective_status(Status::Draft, at("2020-01-01T00:00:00+00:00"), now), EffectiveStatus::Draft);
    }

    #[test]
    fn feed_content_reads_its_two_words() {
        assert_eq!(FeedContent::parse("full"), Some(FeedContent::Full));
        assert_eq!(FeedContent::parse("summary"), Some(FeedContent::Summary));
        assert_eq!(FeedContent::parse("Summary"), None);
        assert_eq!(PublicationSettings::default().feed_content, FeedContent::Full);
        for c in [FeedContent::Full, FeedContent::Summary] {
            assert_eq!(FeedContent::parse(c.as_str()), Some(c));
        }
    }

    #[test]
    fn pagination() {
        let p = Pagination::new(1, 12, 30).expect("page 1");
        assert_eq!((p.pages, p.prev(), p.next(), p.offset()), (3, None, Some(2), 0));
        let p = Pagination::new(3, 12, 30).expect("page 3");
        assert_eq!((p.prev(), p.next(), p.offset()), (Some(2), None, 24));
        assert!(Pagination::new(4, 12, 30).is_none());
        assert!(Pagination::new(0, 12, 30).is_none());
        assert!(Pagination::new(1, 12, 0).is_some());
        assert!(Pagination::new(2, 12, 0).is_none());
    }

    #[test]
    fn host_of_base_url() {
        let mut p = Publication {
            id: 1,
            slug: "m".into(),
            name: "M".into(),
            tagline: String::new(),
            language: "en".into(),
            base_url: "https://meridian.example:8443/".into(),
            timezone: "UTC".into(),
            social: SocialLinks::default(),
            settings: PublicationSettings::default(),
            api_cors_origins: Vec::new(),
        };
        assert_eq!(p.host(), "meridian.example:8443");
        assert_eq!(p.absolute("/labor/"), "https://meridian.example:8443/labor/");
        p.base_url = "localhost".into();
        assert_eq!(p.host(), "localhost");
    }

    #[test]
    fn settings_validation() {
        assert!(PublicationSettings::default().validate().is_ok());
        assert!(PublicationSettings { page_size: 0, ..Default::default() }.validate().is_err());
        assert!(PublicationSettings { most_recent: 1000, ..Default::default() }.validate().is_err());
        assert!(PublicationSettings { from_sister_sites: 101, ..Default::default() }.validate().is_err());
        assert!(PublicationSettings { from_sister_sites: 0, ..Default::default() }.validate().is_ok());
    }
}

/// An article as the search index takes it: status published (its publish
/// date may still be ahead — the index filters by date when it answers, so
/// a scheduled article turns up at its time without anyone telling the
/// index), with the names readers search for alongside the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchDocument {
    pub id: Id,
    pub publication: Id,
    pub slug: String,
    pub headline: String,
    pub standfirst: String,
    /// Markdown, as written.
    pub body: String,
    pub authors: Vec<AuthorRef>,
    pub section: SectionRef,
    pub tags: Vec<String>,
    pub published_at: DateTime<FixedOffset>,
}
