//! An article's SEO and social fields and the publication's custom fields
//! (definitions and each article's values), as the store keeps them
//! (migration 0012). The rules for what may be saved live in
//! `prensa_core::fields`; the store applies them again inside its write
//! transaction, so nothing invalid is ever written, whoever calls.
//! The SQL is written once for both backends in `fields_sql.rs`.

use std::future::Future;

use prensa_core::{ArticleExtras, CustomField, CustomFieldDraft, Id};

use crate::Result;

pub trait ArticleFields {
    /// The publication's custom fields, in their order (position, then id).
    fn custom_fields(&self, publication: Id) -> impl Future<Output = Result<Vec<CustomField>>> + Send;

    /// Defines a custom field. [`crate::StoreError::Invalid`] (nothing
    /// written) for a definition with problems or a key the publication
    /// already has. Records `all` in the change feed (every editor and
    /// API answer may change).
    fn create_custom_field(
        &self,
        publication: Id,
        draft: &CustomFieldDraft,
    ) -> impl Future<Output = Result<CustomField>> + Send;

    /// Changes field `id` of `publication`: label, help, options and
    /// position (key and kind stay as created, since values and API
    /// clients depend on them). A choice may not lose an option articles
    /// still use ([`crate::StoreError::Invalid`], nothing written);
    /// [`crate::StoreError::NotFound`] for a field of another publication.
    fn update_custom_field(
        &self,
        publication: Id,
        id: Id,
        draft: &CustomFieldDraft,
    ) -> impl Future<Output = Result<CustomField>> + Send;

    /// Deletes field `id` of `publication` and every article's value of
    /// it, in one transaction; the number of values deleted.
    fn delete_custom_field(&self, publication: Id, id: Id) -> impl Future<Output = Result<u64>> + Send;

    /// How many articles have a value for each of the publication's
    /// fields, by field id (the admin warns before a delete).
    fn custom_field_usage(&self, publication: Id) -> impl Future<Output = Result<Vec<(Id, u64)>>> + Send;

    /// The article's SEO fields and custom field values (empty ones when
    /// it has none; an unknown article has none too).
    fn article_extras(&self, article: Id) -> impl Future<Output = Result<ArticleExtras>> + Send;

    /// [`ArticleFields::article_extras`] of several articles in two
    /// statements (the Content API's lists), by id; articles without any
    /// are left out.
    fn articles_extras(
        &self,
        articles: &[Id],
    ) -> impl Future<Output = Result<std::collections::BTreeMap<Id, ArticleExtras>>> + Send;

    /// Replaces the article's SEO fields and custom field values, in one
    /// transaction, after checking them (SEO rules, the social image in
    /// the media library, each value against its field): any problem is
    /// [`crate::StoreError::Invalid`] and nothing is written. Records
    /// `article:ID` in the change feed, so its page and API answers are
    /// purged. [`crate::StoreError::NotFound`] for an unknown article.
    fn save_article_extras(&self, article: Id, extras: &ArticleExtras) -> impl Future<Output = Result<()>> + Send;
}
