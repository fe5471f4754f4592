//! Imports from other platforms, as the store keeps them (see
//! `prensa_core::foreign`): [`ForeignImports::apply_foreign`] writes an
//! import's content exactly as [`crate::Store::apply_network`] does, then its
//! source ids and old addresses, all in one transaction; readers' requests
//! for an old address find their redirect with
//! [`ForeignImports::legacy_url`]. The SQL is written once for both backends
//! in `foreign_sql.rs`.

use std::future::Future;

use prensa_core::foreign::{ForeignImport, Platform, SourceLink};
use prensa_core::{Id, ImportCounts};

use crate::Result;

pub trait ForeignImports {
    /// Every source id of `platform` remembered for the publication with
    /// slug `publication` (none for a publication not in the store), so an
    /// importer can give what it imported before the slug it has now. An
    /// article renamed here since (in the admin) comes with its current
    /// slug, found through the redirect the rename left.
    fn import_sources(
        &self,
        publication: &str,
        platform: Platform,
    ) -> impl Future<Output = Result<Vec<SourceLink>>> + Send;

    /// Every slug of the publication with slug `publication` that an
    /// import must not give a new article: the slugs of its articles (any
    /// status, the trash included) and the old slugs its redirects still
    /// answer for. An importer leaves out the ones its own source ids
    /// already own ([`Self::import_sources`]) and gives a clashing new
    /// article `slug-2`, so a hand-written article is never overwritten.
    fn article_slugs(&self, publication: &str) -> impl Future<Output = Result<Vec<String>>> + Send;

    /// Writes the import in one transaction: each set of
    /// `import.network` as [`crate::Store::apply_import`] does without
    /// pruning, the translation links as [`crate::Store::apply_network`]
    /// does, then the source ids and old addresses (replacing those with the
    /// same key). An old address naming an article that is not in its
    /// publication after the content is written, or a path that
    /// [`prensa_core::foreign::is_legacy_path`] refuses, is
    /// [`crate::StoreError::Invalid`] and nothing is written. Counts are per
    /// set.
    fn apply_foreign(&self, import: &ForeignImport) -> impl Future<Output = Result<Vec<ImportCounts>>> + Send {
        self.apply_foreign_from(import, &prensa_core::InMemory)
    }

    /// [`Self::apply_foreign`] reading the articles' bodies from `bodies`
    /// a batch at a time (`prensa import wordpress` spools them to disk).
    fn apply_foreign_from(
        &self,
        import: &ForeignImport,
        bodies: &dyn prensa_core::BodySource,
    ) -> impl Future<Output = Result<Vec<ImportCounts>>> + Send;

    /// Where an old address of the publication leads now: the current path
    /// of the article it names (following later slug changes), or the
    /// list page's path; `None` for an address no import brought.
    /// `path` is the request's path with its query, if any (`/?p=12`).
    fn legacy_url(&self, publication: Id, path: &str) -> impl Future<Output = Result<Option<String>>> + Send;

    /// Whether any import brought old addresses to the publication: a
    /// site without them answers unknown URLs without asking the store.
    fn has_legacy_urls(&self, publication: Id) -> impl Future<Output = Result<bool>> + Send;
}
