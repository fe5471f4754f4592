//! The curated front page and the publication's logo and favicon, as the
//! store keeps them (see `prensa_core::front` for the rules).
//!
//! Readers' pages read the live pins through [`crate::Store::home_pins`]
//! (published, already out, not expired: an expired or unpublished pin
//! simply stops showing) and the brands through [`crate::Store::brands`];
//! the admin's writes are [`Front`]'s. A pin write records `home` in the
//! change feed (only home pages show pins); a brand write records `all`
//! (the header of every page shows the logo). Unpublishing an article
//! deletes its pin in the same transaction. The SQL is written once for
//! both backends in `front_sql.rs`.

use std::future::Future;

use chrono::{DateTime, Utc};
use prensa_core::front::Slot;
use prensa_core::{Id, Image, MediaAsset};

use crate::{Newsroom, Result};

/// The change-feed key of a pin write: the home pages.
pub const CHANGE_HOME: &str = "home";

pub trait Front: Newsroom {
    /// Every pin of the publication in order, live or not, for the admin.
    fn front_pins(&self, publication: Id, now: DateTime<Utc>) -> impl Future<Output = Result<Vec<FrontPin>>> + Send;

    /// Pins `article` as the lead (first) or as featured (last), until
    /// `expires_at` if given; pinning an article already pinned moves it
    /// (as lead) or changes only its expiry (as featured). Pins that have
    /// expired or whose article is no longer published are dropped first.
    /// [`crate::StoreError::Invalid`], nothing written, for an article of
    /// another publication or not published (or scheduled), an expiry not
    /// after `now`, or a front page already holding
    /// [`prensa_core::front::MAX_PINS`].
    fn pin_article(
        &self,
        publication: Id,
        article: Id,
        slot: Slot,
        expires_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<()>> + Send;

    /// Removes the article's pin; [`crate::StoreError::NotFound`] if it has
    /// none on this publication.
    fn unpin_article(&self, publication: Id, article: Id) -> impl Future<Output = Result<()>> + Send;

    /// Moves the article's pin one place up (towards the lead) or down;
    /// at an end it stays. [`crate::StoreError::NotFound`] if not pinned.
    fn move_pin(&self, publication: Id, article: Id, up: bool) -> impl Future<Output = Result<()>> + Send;

    /// Sets the publication's logo and favicon (media keys; `None` clears).
    /// [`crate::StoreError::Invalid`] for a key the library does not hold.
    fn set_brand(
        &self,
        publication: Id,
        logo: Option<&str>,
        favicon: Option<&str>,
    ) -> impl Future<Output = Result<()>> + Send;
}

/// A pin as the admin lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontPin {
    pub article: Id,
    pub slug: String,
    pub headline: String,
    /// 0 is the lead.
    pub position: i64,
    pub expires_at: Option<DateTime<Utc>>,
    /// Whether readers see it now: published, out, not expired.
    pub live: bool,
    /// Whether the article has a lead image.
    pub has_image: bool,
}

/// A publication's logo and favicon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Brand {
    pub publication: Id,
    pub logo: Option<Image>,
    pub favicon: Option<MediaAsset>,
}
