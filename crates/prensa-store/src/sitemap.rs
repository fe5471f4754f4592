//! What the crawlers' files (`sitemap.xml` and its parts) read from the
//! store: the months that have visible articles, with how many and when
//! they last changed; the visible articles of a stretch of time with their
//! visible translations (for `hreflang`); and the sections, authors and
//! tags that have visible articles. "Visible" as everywhere on the public
//! site: published and not dated after `now`.

use std::future::Future;

use chrono::{DateTime, FixedOffset, Utc};
use prensa_core::{Id, TranslationRef};

use crate::{Result, Store};

/// A calendar month (UTC) with visible articles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitemapMonth {
    pub year: i32,
    /// 1–12.
    pub month: u32,
    /// Its visible articles.
    pub articles: u64,
    /// The latest publish or update time of any of them.
    pub lastmod: DateTime<Utc>,
}

/// Which visible articles [`SitemapSource::sitemap_articles`] returns:
/// those published in `[from, to)`, `offset` rows on, at most `limit`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitemapRange {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub offset: u64,
    pub limit: u32,
    /// Newest first (the news sitemap) instead of oldest first (the
    /// monthly parts, whose pieces must not shift as a month fills up).
    pub newest_first: bool,
}

/// A visible article as a sitemap lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitemapArticle {
    pub id: Id,
    pub slug: String,
    pub headline: String,
    pub published_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
    /// Every visible member of its translation group, itself included
    /// (its original marked), in language order; empty when no other
    /// member is visible.
    pub alternates: Vec<TranslationRef>,
}

/// A section, author or tag page with visible articles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitemapListing {
    pub slug: String,
    /// The latest publish or update time of its visible articles.
    pub lastmod: DateTime<Utc>,
}

/// The list pages of a publication that have visible articles, each kind
/// in slug order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SitemapLists {
    pub sections: Vec<SitemapListing>,
    pub authors: Vec<SitemapListing>,
    pub tags: Vec<SitemapListing>,
}

pub trait SitemapSource: Store {
    /// The months (UTC) with visible articles of `publication`, newest
    /// first.
    fn sitemap_months(
        &self,
        publication: Id,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<Vec<SitemapMonth>>> + Send;

    /// Visible articles of `publication` published within `range`, in
    /// publish order (then id), with their translation groups' visible
    /// members.
    fn sitemap_articles(
        &self,
        publication: Id,
        range: &SitemapRange,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<Vec<SitemapArticle>>> + Send;

    /// The sections, authors and tags of `publication` with visible
    /// articles.
    fn sitemap_lists(&self, publication: Id, now: DateTime<Utc>) -> impl Future<Output = Result<SitemapLists>> + Send;
}

/// The statement behind [`SitemapSource::sitemap_articles`] with `?`
/// placeholders (publication, now, from, to, limit, offset): the visible
/// articles of a publish-time range, with each one's translation group
/// (the original its `translations` row names, else itself) and whether it
/// has one. The same for both backends; public for the test that checks
/// its plan uses `articles_by_date`.
#[doc(hidden)]
pub fn articles_statement(newest_first: bool) -> String {
    let order = if newest_first { "DESC" } else { "ASC" };
    format!(
        "SELECT a.id, a.slug, a.headline, a.published_at, a.published_offset, a.updated_at, a.updated_offset, \
                COALESCE((SELECT t.original_id FROM translations t WHERE t.article_id = a.id), a.id), \
                (SELECT COUNT(*) FROM translations t WHERE t.original_id = a.id) \
                + (SELECT COUNT(*) FROM translations t WHERE t.article_id = a.id) \
         FROM articles a \
         WHERE a.publication_id = ? AND a.status = 'published' AND a.published_at <= ? \
           AND a.published_at >= ? AND a.published_at < ? \
         ORDER BY a.published_at {order}, a.id {order} LIMIT ? OFFSET ?"
    )
}
