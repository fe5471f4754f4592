//! The admin's editing of what surrounds articles: sections, tags, author
//! profiles and the publication's own settings.
//!
//! Each of these shows on many pages (the navigation lists every section,
//! an author box sits under every article of its author, a tag name on
//! every tagged article), so each write records [`crate::CHANGE_ALL`] in
//! the change feed: they are rare, and a full purge is always right.

use std::future::Future;

use chrono::{DateTime, Utc};
use prensa_core::{Author, Id, NewAuthor, NewSection, PublicationEdit, Section, Tag};

use crate::{Newsroom, Result};

pub trait Desk: Newsroom + crate::Front {
    /// Creates (`id` `None`, placed last) or updates a section of the
    /// publication. `position` moves it to that 1-based place in the
    /// navigation (the others keep their order around it).
    /// [`crate::StoreError::Invalid`] for a slug another section has.
    fn save_section(
        &self,
        publication: Id,
        id: Option<Id>,
        section: &NewSection,
        position: Option<i64>,
    ) -> impl Future<Output = Result<Section>> + Send;

    /// Removes an empty section; [`crate::StoreError::Invalid`] while
    /// articles are in it.
    fn delete_section(&self, publication: Id, id: Id) -> impl Future<Output = Result<()>> + Send;

    /// Renames a tag (and its slug, hence its URL).
    fn rename_tag(&self, publication: Id, id: Id, name: &str, slug: &str) -> impl Future<Output = Result<Tag>> + Send;

    /// Removes a tag from every article and deletes it.
    fn delete_tag(&self, publication: Id, id: Id) -> impl Future<Output = Result<()>> + Send;

    /// Creates (`id` `None`) or updates an author profile; a new one also
    /// writes for `publication`. [`crate::StoreError::Invalid`] for a taken
    /// slug or an unknown avatar.
    fn save_author(
        &self,
        publication: Id,
        id: Option<Id>,
        author: &NewAuthor,
    ) -> impl Future<Output = Result<Author>> + Send;

    /// Updates the publication's name, tagline, social links and counts.
    fn update_publication(&self, id: Id, edit: &PublicationEdit) -> impl Future<Output = Result<()>> + Send;

    /// Stores the SHA-256 (hex, as `prensa_auth::token_digest` makes it)
    /// of an article's new secret preview token, made at `now`, replacing
    /// any earlier link; `None` revokes. The token itself never reaches the
    /// store: the admin shows it once, when it is made.
    fn set_preview_digest(
        &self,
        article: Id,
        digest: Option<&str>,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<()>> + Send;

    /// The article's preview link, if it has one (not the token: only
    /// when it was made). [`crate::StoreError::NotFound`] for an unknown
    /// article.
    fn preview_link(&self, article: Id) -> impl Future<Output = Result<Option<PreviewLink>>> + Send;

    /// The article whose preview token has this digest.
    fn article_by_preview_digest(&self, digest: &str) -> impl Future<Output = Result<Option<Id>>> + Send;
}

/// An article's secret preview link, as far as the store knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PreviewLink {
    /// When it was made; `None` for links made before this was recorded.
    pub created_at: Option<DateTime<Utc>>,
}
