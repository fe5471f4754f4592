//! The admin's editing of what surrounds articles: sections, tags, author
//! profiles and the publication's own settings.
//!
//! Each of these shows on many pages (the navigation lists every section,
//! an author box sits under every article of its author, a tag name on
//! every tagged article), so each write records [`crate::CHANGE_ALL`] in
//! the change feed: they are rare, and a full purge is always right.

use std::future::Future;

use prensa_core::{Author, Id, NewAuthor, NewSection, PublicationEdit, Section, Tag};

use crate::{Newsroom, Result};

pub trait Desk: Newsroom {
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

    /// Sets (or with `None` revokes) an article's secret preview token.
    fn set_preview_token(&self, article: Id, token: Option<&str>) -> impl Future<Output = Result<()>> + Send;

    /// The article and the token it has now, if any.
    fn preview_token(&self, article: Id) -> impl Future<Output = Result<Option<String>>> + Send;

    /// The article a secret preview token opens.
    fn article_by_preview_token(&self, token: &str) -> impl Future<Output = Result<Option<Id>>> + Send;
}

/// Forwards to whichever backend is inside (kept here rather than in
/// `any.rs` so each trait's forwarding sits with the trait).
impl Desk for crate::AnyStore {
    async fn save_section(&self, publication: Id, id: Option<Id>, section: &NewSection, position: Option<i64>) -> Result<Section> {
        match self {
            crate::AnyStore::Sqlite(s) => s.save_section(publication, id, section, position).await,
            crate::AnyStore::Postgres(s) => s.save_section(publication, id, section, position).await,
        }
    }

    async fn delete_section(&self, publication: Id, id: Id) -> Result<()> {
        match self {
            crate::AnyStore::Sqlite(s) => s.delete_section(publication, id).await,
            crate::AnyStore::Postgres(s) => s.delete_section(publication, id).await,
        }
    }

    async fn rename_tag(&self, publication: Id, id: Id, name: &str, slug: &str) -> Result<Tag> {
        match self {
            crate::AnyStore::Sqlite(s) => s.rename_tag(publication, id, name, slug).await,
            crate::AnyStore::Postgres(s) => s.rename_tag(publication, id, name, slug).await,
        }
    }

    async fn delete_tag(&self, publication: Id, id: Id) -> Result<()> {
        match self {
            crate::AnyStore::Sqlite(s) => s.delete_tag(publication, id).await,
            crate::AnyStore::Postgres(s) => s.delete_tag(publication, id).await,
        }
    }

    async fn save_author(&self, publication: Id, id: Option<Id>, author: &NewAuthor) -> Result<Author> {
        match self {
            crate::AnyStore::Sqlite(s) => s.save_author(publication, id, author).await,
            crate::AnyStore::Postgres(s) => s.save_author(publication, id, author).await,
        }
    }

    async fn update_publication(&self, id: Id, edit: &PublicationEdit) -> Result<()> {
        match self {
            crate::AnyStore::Sqlite(s) => s.update_publication(id, edit).await,
            crate::AnyStore::Postgres(s) => s.update_publication(id, edit).await,
        }
    }

    async fn set_preview_token(&self, article: Id, token: Option<&str>) -> Result<()> {
        match self {
            crate::AnyStore::Sqlite(s) => s.set_preview_token(article, token).await,
            crate::AnyStore::Postgres(s) => s.set_preview_token(article, token).await,
        }
    }

    async fn preview_token(&self, article: Id) -> Result<Option<String>> {
        match self {
            crate::AnyStore::Sqlite(s) => s.preview_token(article).await,
            crate::AnyStore::Postgres(s) => s.preview_token(article).await,
        }
    }

    async fn article_by_preview_token(&self, token: &str) -> Result<Option<Id>> {
        match self {
            crate::AnyStore::Sqlite(s) => s.article_by_preview_token(token).await,
            crate::AnyStore::Postgres(s) => s.article_by_preview_token(token).await,
        }
    }
}
