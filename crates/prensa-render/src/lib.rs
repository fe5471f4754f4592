//! Turning content into HTML for Prensa: Markdown rendering (with heading
//! anchors, footnotes, a table of contents and safe links), sanitizing any
//! raw HTML authors embed, and localization — every word the theme prints
//! and every date it formats comes from [`i18n`].
//!
//! Theme templates live alongside (`theme` module, `templates/`); the
//! crawlers' files (sitemaps, `robots.txt`) are written by [`sitemap`].

pub mod i18n;
pub mod markdown;
mod nesting;
pub mod sitemap;
pub mod theme;
pub mod view;
