//! Imports from other platforms (`prensa import wordpress`, `prensa import
//! ghost`): what such an import writes besides the content itself.
//!
//! The content goes in as a [`NetworkImport`], exactly as a content
//! directory's does. Two things are particular to a move from elsewhere:
//!
//! - **Source ids.** Each imported article, author and section remembers the
//!   id it had on the old platform ([`SourceLink`]), so importing a newer
//!   export of the same site updates what the first run created instead of
//!   adding copies, even where the old platform changed a slug meanwhile.
//! - **Old addresses.** Every URL the old site answered for an imported
//!   article or list page ([`LegacyUrl`]: `/?p=123`, `/2019/09/11/slug/`,
//!   `/category/news/`…) keeps answering, with a permanent redirect to the
//!   new page.

use serde::{Deserialize, Serialize};

use crate::{Id, NetworkImport};

/// The platform an import comes from; stored as [`Platform::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Platform {
    WordPress,
    Ghost,
}

impl Platform {
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::WordPress => "wordpress",
            Platform::Ghost => "ghost",
        }
    }

    pub fn parse(s: &str) -> Option<Platform> {
        match s {
            "wordpress" => Some(Platform::WordPress),
            "ghost" => Some(Platform::Ghost),
            _ => None,
        }
    }
}

/// What a source id names; stored as [`SourceKind::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum SourceKind {
    Article,
    Author,
    Section,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Article => "article",
            SourceKind::Author => "author",
            SourceKind::Section => "section",
        }
    }

    pub fn parse(s: &str) -> Option<SourceKind> {
        match s {
            "article" => Some(SourceKind::Article),
            "author" => Some(SourceKind::Author),
            "section" => Some(SourceKind::Section),
            _ => None,
        }
    }
}

/// An imported thing's id on the old platform and its slug in Prensa.
/// `publication` is the slug of the publication it was imported into
/// (authors are network-wide in Prensa but remembered per publication, as
/// each import names one).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SourceLink {
    pub publication: String,
    pub kind: SourceKind,
    /// The old platform's id, as text (`123` for WordPress, a hex id for Ghost).
    pub source_id: String,
    pub slug: String,
}

/// Where an old address leads in Prensa.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum LegacyTarget {
    /// An article of the import, by slug; the redirect follows the article
    /// if its slug changes later and disappears with it.
    Article(String),
    Section(String),
    Author(String),
    Tag(String),
}

impl LegacyTarget {
    /// The target's path on the publication's site (articles live at the
    /// root: `/slug/`).
    pub fn path(&self) -> String {
        match self {
            LegacyTarget::Article(slug) => format!("/{slug}/"),
            LegacyTarget::Section(slug) => format!("/section/{slug}/"),
            LegacyTarget::Author(slug) => format!("/author/{slug}/"),
            LegacyTarget::Tag(slug) => format!("/tag/{slug}/"),
        }
    }
}

/// One old address of a publication: its path, with the query where the
/// old site needed one (`/?p=123`), and where it leads now.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LegacyUrl {
    pub publication: String,
    pub path: String,
    pub target: LegacyTarget,
}

/// Longest old path kept, in bytes; longer ones are skipped by importers
/// (no reader types them, and the lookup key stays small).
pub const MAX_LEGACY_PATH: usize = 1024;

/// Whether `path` can be stored as an old address: a local absolute path
/// (`/…`, never `//host`), no fragment, at most [`MAX_LEGACY_PATH`] bytes,
/// no control characters or spaces. Importers normalise what they read
/// with [`legacy_path`] first.
pub fn is_legacy_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && path.len() <= MAX_LEGACY_PATH
        && !path.contains('#')
        && !path.chars().any(|c| c.is_control() || c == ' ')
}

/// The path and query of an old absolute or root-relative URL, as a reader's
/// request for it would arrive (`https://old.example/2019/09/slug/` →
/// `/2019/09/slug/`; `http://old.example/?p=12` → `/?p=12`), or `None` when
/// it is not a URL of a site at all.
pub fn legacy_path(url: &str) -> Option<String> {
    let url = url.trim();
    let rest = if let Some(r) = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")) {
        // Drop the host; a bare host is the home page.
        match r.find(['/', '?']) {
            Some(at) => &r[at..],
            None => "/",
        }
    } else if url.starts_with('/') && !url.starts_with("//") {
        url
    } else {
        return None;
    };
    let rest = rest.split('#').next().unwrap_or_default();
    let path = if rest.starts_with('?') { format!("/{rest}") } else { rest.to_owned() };
    is_legacy_path(&path).then_some(path)
}

/// A whole import from another platform: the content, then the source ids
/// and old addresses of what it holds, written in one transaction by the
/// store's `apply_foreign`.
#[derive(Debug, Clone, PartialEq)]
pub struct ForeignImport {
    pub platform: Platform,
    pub network: NetworkImport,
    pub sources: Vec<SourceLink>,
    pub legacy: Vec<LegacyUrl>,
}

/// A stored source id, as a store snapshot carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceRow {
    pub publication_id: Id,
    pub platform: String,
    pub kind: String,
    pub source_id: String,
    pub slug: String,
}

/// A stored old address, as a store snapshot carries it: `article_id` for
/// an article's (then `target` is its path when imported), else only the
/// target path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegacyRow {
    pub publication_id: Id,
    pub path: String,
    pub article_id: Option<Id>,
    pub target: String,
}

/// The rows of imports from other platforms, as a store snapshot carries
/// them (`prensa migrate-store`, `backup`, `export json`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForeignRows {
    pub sources: Vec<SourceRow>,
    pub legacy_urls: Vec<LegacyRow>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_urls_become_local_paths() {
        assert_eq!(legacy_path("https://old.example/2019/09/11/slug/").as_deref(), Some("/2019/09/11/slug/"));
        assert_eq!(legacy_path("http://old.example/?p=12").as_deref(), Some("/?p=12"));
        assert_eq!(legacy_path("http://old.example").as_deref(), Some("/"));
        assert_eq!(legacy_path("/category/news/#top").as_deref(), Some("/category/news/"));
        assert_eq!(legacy_path("//evil.example/x"), None);
        assert_eq!(legacy_path("javascript:alert(1)"), None);
        assert_eq!(legacy_path("/a b/"), None);
        assert_eq!(legacy_path(&format!("/{}", "x".repeat(MAX_LEGACY_PATH))), None);
    }

    #[test]
    fn targets_are_site_paths() {
        assert_eq!(LegacyTarget::Article("a".into()).path(), "/a/");
        assert_eq!(LegacyTarget::Section("news".into()).path(), "/section/news/");
        assert_eq!(LegacyTarget::Tag("x".into()).path(), "/tag/x/");
        assert_eq!(Platform::parse(Platform::Ghost.as_str()), Some(Platform::Ghost));
        assert_eq!(SourceKind::parse(SourceKind::Section.as_str()), Some(SourceKind::Section));
    }
}
