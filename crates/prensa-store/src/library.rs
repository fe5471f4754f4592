//! The media library's rows beyond the file (issue 14): the original file
//! name, alt text, caption and credit (columns of `media`, migration
//! 0011), search over them, what uses an image, and deleting one.
//!
//! The files themselves are [`crate::MediaStore`]'s; a deletion removes the
//! row here first (refused while a published article uses the image) and
//! the web layer then removes the files. The SQL is written once for both
//! backends in `library_sql.rs`.

use std::future::Future;

use chrono::{DateTime, Utc};
use prensa_core::{MediaAsset, MediaInfo, MediaMeta, MediaUsage, Page};

use crate::Result;

pub trait MediaLibrary {
    /// Records an uploaded file (already in the media store) with what is
    /// known of it (its original name). Uploading the same bytes again
    /// keeps the row and its metadata (a row without a name gets this
    /// one). The row as stored. [`crate::StoreError::Invalid`] for
    /// metadata [`MediaMeta::cleaned`] refuses.
    fn add_upload(
        &self,
        asset: &MediaAsset,
        meta: &MediaMeta,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<MediaInfo>> + Send;

    /// One library entry.
    fn media_info(&self, key: &str) -> impl Future<Output = Result<Option<MediaInfo>>> + Send;

    /// Library entries whose name, alt text, caption, credit or key
    /// contains `search` (case-insensitive for ASCII letters; `%` and `_`
    /// taken literally); every entry when it is empty. Newest first.
    fn search_media(
        &self,
        search: &str,
        limit: u32,
        offset: u32,
    ) -> impl Future<Output = Result<Page<MediaInfo>>> + Send;

    /// Replaces an image's name, alt text, caption and credit (cleaned
    /// first). [`crate::StoreError::NotFound`] for an unknown key,
    /// [`crate::StoreError::Invalid`] for metadata that is too long.
    fn update_media(&self, key: &str, meta: &MediaMeta) -> impl Future<Output = Result<()>> + Send;

    /// The articles (of every publication) using the image as hero,
    /// through an author's portrait, or in their body (`/media/<hash>`),
    /// and the author profiles with it as portrait.
    fn media_usage(&self, key: &str) -> impl Future<Output = Result<MediaUsage>> + Send;

    /// Deletes the image's row in one transaction: refused
    /// ([`crate::StoreError::Invalid`], nothing written) while a published
    /// or scheduled article uses it; otherwise drafts lose it as hero,
    /// profiles as portrait, and the change feed names their pages. What
    /// used it. [`crate::StoreError::NotFound`] for an unknown key.
    fn delete_media(&self, key: &str) -> impl Future<Output = Result<MediaUsage>> + Send;
}
