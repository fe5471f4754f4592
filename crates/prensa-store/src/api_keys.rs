//! Content API keys and the API's CORS setting, as the store keeps them.
//!
//! A key arrives here already hashed (`prensa_auth::new_api_key` makes the
//! key, its SHA-256 and its display prefix): the store never sees a key a
//! client holds, so a copy of the database reads nothing through the API.
//! Every write records [`CHANGE_API_KEYS`] in the change feed in its
//! transaction, so each node's key ring reloads within one watcher tick —
//! which is what makes a revocation reach every node at once.
//! The SQL is written once for both backends in `api_keys_sql.rs`.

use std::future::Future;

use chrono::{DateTime, Utc};
use prensa_core::{ApiKeyDigest, ApiKeyInfo, Id, RevokeOutcome};

use crate::Result;

/// The change-feed key of any write to `api_keys`. Not a page's surrogate
/// key: the web layer reloads its key ring when it sees it.
pub const CHANGE_API_KEYS: &str = "api_keys";

pub trait ApiKeys {
    /// Stores a new key of `publication`: its name, its SHA-256 `digest`
    /// (64 hex characters), its display `prefix`, and the account that made
    /// it (`None` from the command line). The key's id.
    /// [`crate::StoreError::NotFound`] for an unknown publication,
    /// [`crate::StoreError::Invalid`] for a digest already stored.
    fn create_api_key(
        &self,
        publication: Id,
        name: &str,
        digest: &str,
        prefix: &str,
        created_by: Option<Id>,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<Id>> + Send;

    /// The publication's keys, revoked ones included, newest first.
    fn api_keys(&self, publication: Id) -> impl Future<Output = Result<Vec<ApiKeyInfo>>> + Send;

    /// Revokes key `id` of `publication` at `now`. A key of another
    /// publication is [`RevokeOutcome::NotFound`].
    fn revoke_api_key(
        &self,
        publication: Id,
        id: Id,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<RevokeOutcome>> + Send;

    /// Every key's digest with its publication and whether it is revoked
    /// (for the web layer's key ring, which tells revoked from unknown).
    fn api_key_digests(&self) -> impl Future<Output = Result<Vec<ApiKeyDigest>>> + Send;

    /// Sets the publication's allowed CORS origins (already checked by
    /// `prensa_core::content_api::parse_cors_origins`). Records a full
    /// change, as the admin's other settings do, so every node re-reads
    /// its publications. [`crate::StoreError::NotFound`] for an unknown
    /// publication.
    fn set_api_cors_origins(&self, publication: Id, origins: &[String]) -> impl Future<Output = Result<()>> + Send;
}
