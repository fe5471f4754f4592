//! The content model of Prensa and the rules that govern it.
//!
//! Everything here is plain data and pure functions: no I/O, no async, no
//! database or HTTP types. The store, the importer, the renderer and the web
//! layer all speak in these types, which is what lets each of them be swapped
//! (SQLite for PostgreSQL, files for an admin form) without the others noticing.

pub mod content_api;
pub mod fields;
pub mod foreign;
pub mod front;
pub mod media;
pub mod model;
pub mod newsroom;
pub mod permissions;
pub mod slug;
pub mod social;

pub use content_api::{ApiKeyDigest, ApiKeyInfo, ApiKeyRow, RevokeOutcome};
pub use fields::{ArticleExtras, ArticleSeo, CustomField, CustomFieldDraft, CustomValues, FieldKind};
pub use media::{MediaInfo, MediaMeta, MediaUsage, MediaUse, MediaUseKind};
pub use model::*;
pub use newsroom::*;
pub use social::{SocialKind, SocialLinks};
