//! Reads a publication written as a directory of files and turns it into a
//! validated [`prensa_core::ImportSet`], or reports every problem at once as
//! `file:line: what is wrong`.
//!
//! The directory holds:
//!
//! ```text
//! publication.toml        slug, name, tagline, language, base_url, timezone, [social], [settings]
//! authors/<slug>.md       +++ TOML front matter +++ then the bio in Markdown
//! sections/<slug>.toml    name, description
//! articles/<slug>.md      +++ TOML front matter +++ then the body in Markdown
//! media/                  the images the files above point to
//! ```
//!
//! An article that translates one of a sister publication says so with
//! `translation_of = "LANG:SLUG"`: the language of the sister publication
//! and the original's slug there. [`load_dirs`] reads several directories
//! as one run and resolves those links across them (any order), leaving
//! links to languages none of them has for the store to resolve against
//! the publications it holds.
//!
//! Nothing is written: [`load_dir`] returns the [`ImportSet`] plus the list of
//! image files the caller copies into the media store (under their
//! content-addressed keys) before applying the set.
//!
//! [`ImportSet`]: prensa_core::ImportSet

mod fields;
pub mod ghost;
pub mod html;
mod load;
mod media;
mod network;
mod problem;
mod spool;
mod text;
pub mod wordpress;

use std::path::{Path, PathBuf};

pub use media::Media;
pub use network::{load_dirs, load_dirs_spooled, Network};
pub use problem::{Problem, Problems};
pub use spool::{Spool, Spooled};

/// A content directory, validated and ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    pub set: prensa_core::ImportSet,
    /// One per distinct media key in `set.media`, sorted by key.
    pub files: Vec<MediaFile>,
    /// The `translation_of` links of its articles, as written (resolved
    /// across directories by [`load_dirs`]).
    pub links: Vec<TranslationLink>,
}

/// An article's `translation_of = "LANG:SLUG"`, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TranslationLink {
    /// The slug of the article that is a translation.
    pub article: String,
    /// The language of the publication holding the original, and its slug.
    pub language: String,
    pub slug: String,
    /// The article file (relative to the content directory) and the line of
    /// the `translation_of` key.
    pub file: PathBuf,
    pub line: usize,
}

/// A file the caller must copy into the media store under `key` before
/// applying the import set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaFile {
    /// `{xxh3_64 hex}.{jpg|png|webp|gif}`. 64 bits keep URLs short (every
    /// card on a page carries one); a collision would take billions of files.
    pub key: String,
    /// Absolute path of the file on disk.
    pub source: PathBuf,
}

/// Progress of [`load_dir_with_progress`]: one step per content file read
/// (publication.toml, authors, sections, articles, with the images they
/// reference).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// Files read so far, `1..=total`.
    pub done: usize,
    /// Content files to read in all.
    pub total: usize,
    /// The file just read, relative to the content directory.
    pub file: PathBuf,
}

/// Reads and validates the content directory at `path`.
pub fn load_dir(path: &Path) -> Result<Prepared, Problems> {
    load_dir_with_progress(path, &|_| {})
}

/// [`load_dir`], calling `progress` after each content file is read.
pub fn load_dir_with_progress(path: &Path, progress: &dyn Fn(Step)) -> Result<Prepared, Problems> {
    load::load(path, progress, None)
}
