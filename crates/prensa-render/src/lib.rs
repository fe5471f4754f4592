//! Turning content into HTML for Prensa: Markdown rendering (with heading
//! anchors, footnotes, a table of contents and safe links), sanitizing any
//! raw HTML authors embed, and localization — every word the theme prints
//! and every date it formats comes from [`i18n`].
//!
//! Theme templates live alongside (`theme` module, `templates/`); feeds
//! (RSS, Atom, JSON Feed) are written by [`feed`], the crawlers' files
//! (sitemaps, `robots.txt`) by [`sitemap`].

pub mod embed;
pub mod feed;
pub mod i18n;
pub mod markdown;
pub mod nesting;
pub mod sitemap;
pub mod theme;
pub mod view;
