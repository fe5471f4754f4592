//! The media library's own rules (issue 14): what an image carries besides
//! its file (original name, alt text, caption, credit), what counts as a
//! use of it, and when it may be deleted.
//!
//! The file's content hash stays its storage key and URL; the name is only
//! shown. Alt text, caption and credit are the library's suggestion for
//! each use: an article's hero keeps its own alt and caption (a picture may
//! be described differently in two articles), prefilled from here when
//! empty ([`prefill_hero`]).

use serde::{Deserialize, Serialize};

use crate::{DraftImage, Id, MediaAsset};

/// The longest name, alt text, caption and credit the library keeps, in
/// characters.
pub const MAX_NAME_CHARS: usize = 200;
pub const MAX_ALT_CHARS: usize = 500;
pub const MAX_CAPTION_CHARS: usize = 1000;
pub const MAX_CREDIT_CHARS: usize = 200;

/// What staff may edit of an image (all plain text; empty when unknown).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaMeta {
    /// The file name it was uploaded with (`harbour at dawn.jpg`).
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub alt: String,
    #[serde(default)]
    pub caption: String,
    #[serde(default)]
    pub credit: String,
}

impl MediaMeta {
    /// The fields trimmed, control characters dropped (a name from a
    /// browser may carry a path or a newline), or a message naming the
    /// first field that is too long.
    pub fn cleaned(&self) -> Result<MediaMeta, String> {
        let clean = |s: &str| -> String {
            let s: String = s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
            s.split_whitespace().collect::<Vec<_>>().join(" ")
        };
        // Browsers send a bare name; old ones sent a Windows path.
        let name = self.name.rsplit(['/', '\\']).next().unwrap_or_default();
        let meta = MediaMeta {
            name: clean(name),
            alt: clean(&self.alt),
            caption: clean(&self.caption),
            credit: clean(&self.credit),
        };
        for (value, max, label) in [
            (&meta.name, MAX_NAME_CHARS, "The name"),
            (&meta.alt, MAX_ALT_CHARS, "The alt text"),
            (&meta.caption, MAX_CAPTION_CHARS, "The caption"),
            (&meta.credit, MAX_CREDIT_CHARS, "The credit"),
        ] {
            let n = value.chars().count();
            if n > max {
                return Err(format!("{label} is {n} characters long; at most {max} are kept."));
            }
        }
        Ok(meta)
    }

    /// The caption a hero gets from the library: the caption, then the
    /// credit (`Harbour at dawn. Photo: Ana Ruiz`).
    pub fn hero_caption(&self) -> String {
        match (self.caption.is_empty(), self.credit.is_empty()) {
            (_, true) => self.caption.clone(),
            (true, false) => format!("Photo: {}", self.credit),
            (false, false) => {
                let sep = if self.caption.ends_with(['.', '!', '?']) { " " } else { ". " };
                format!("{}{sep}Photo: {}", self.caption, self.credit)
            }
        }
    }
}

/// A library entry: the file and what is known about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MediaInfo {
    #[serde(flatten)]
    pub asset: MediaAsset,
    #[serde(flatten)]
    pub meta: MediaMeta,
    /// UTC Unix seconds (0 for images from before uploads were dated).
    pub created_at: i64,
}

impl MediaInfo {
    /// The name to show: the original file name, or the key for images
    /// stored before names were kept.
    pub fn label(&self) -> &str {
        if self.meta.name.is_empty() {
            &self.asset.key
        } else {
            &self.meta.name
        }
    }
}

/// How an article uses an image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MediaUseKind {
    /// The article's lead image.
    Hero,
    /// The portrait of one of its authors.
    Portrait,
    /// Its body links `/media/<key>` (or one of its variants).
    Body,
}

/// One article using an image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MediaUse {
    pub article: Id,
    pub publication: Id,
    pub headline: String,
    pub kind: MediaUseKind,
    /// Published or scheduled: readers see it or will.
    pub published: bool,
}

/// Everything that uses an image: articles (by kind) and author profiles
/// (portraits).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MediaUsage {
    pub articles: Vec<MediaUse>,
    /// Author profiles with it as portrait: id and name.
    pub authors: Vec<(Id, String)>,
}

impl MediaUsage {
    /// Why the image may not be deleted, if a published (or scheduled)
    /// article uses it.
    pub fn refusal(&self) -> Option<String> {
        let live: Vec<&str> = self.articles.iter().filter(|u| u.published).map(|u| u.headline.as_str()).collect();
        if live.is_empty() {
            return None;
        }
        let mut names: Vec<&str> = Vec::new();
        for h in live {
            if !names.contains(&h) {
                names.push(h);
            }
        }
        Some(format!(
            "This image is used by {} published article{} ({}); unpublish {} or choose another image first. Nothing was deleted.",
            names.len(),
            if names.len() == 1 { "" } else { "s" },
            names.iter().map(|h| format!("“{h}”")).collect::<Vec<_>>().join(", "),
            if names.len() == 1 { "it" } else { "them" },
        ))
    }
}

/// Fills a hero's empty alt text and caption from the library's.
pub fn prefill_hero(image: &mut DraftImage, meta: &MediaMeta) {
    if image.alt.trim().is_empty() && !meta.alt.is_empty() {
        image.alt = meta.alt.clone();
    }
    if image.caption.as_deref().is_none_or(|c| c.trim().is_empty()) {
        let caption = meta.hero_caption();
        image.caption = (!caption.is_empty()).then_some(caption);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(name: &str, alt: &str, caption: &str, credit: &str) -> MediaMeta {
        MediaMeta { name: name.into(), alt: alt.into(), caption: caption.into(), credit: credit.into() }
    }

    #[test]
    fn cleaning() {
        let m = meta("C:\\photos\\harbour\nat dawn.jpg", "  a  boat ", "x", "").cleaned().expect("valid");
        assert_eq!(m, meta("harbour at dawn.jpg", "a boat", "x", ""));
        let long = "a".repeat(MAX_ALT_CHARS + 1);
        let err = meta("n", &long, "", "").cleaned().expect_err("too long");
        assert!(err.starts_with("The alt text is 501 characters"), "{err}");
    }

    #[test]
    fn hero_prefill_keeps_what_is_there() {
        let lib = meta("a.jpg", "A boat", "Harbour at dawn", "Ana Ruiz");
        let mut empty = DraftImage { key: "k.jpg".into(), alt: " ".into(), caption: None };
        prefill_hero(&mut empty, &lib);
        assert_eq!(empty.alt, "A boat");
        assert_eq!(empty.caption.as_deref(), Some("Harbour at dawn. Photo: Ana Ruiz"));
        let mut own = DraftImage { key: "k.jpg".into(), alt: "Mine".into(), caption: Some("Own".into()) };
        prefill_hero(&mut own, &lib);
        assert_eq!((own.alt.as_str(), own.caption.as_deref()), ("Mine", Some("Own")));
        let mut none = DraftImage { key: "k.jpg".into(), alt: String::new(), caption: None };
        prefill_hero(&mut none, &MediaMeta::default());
        assert_eq!((none.alt.as_str(), none.caption), ("", None));
    }

    #[test]
    fn refused_only_while_published() {
        let used = |published| MediaUse {
            article: 1,
            publication: 1,
            headline: "Dock strike".into(),
            kind: MediaUseKind::Hero,
            published,
        };
        assert_eq!(MediaUsage { articles: vec![used(false)], authors: vec![] }.refusal(), None);
        let both = MediaUsage {
            articles: vec![used(true), MediaUse { kind: MediaUseKind::Body, ..used(true) }],
            authors: vec![],
        };
        let why = both.refusal().expect("refused");
        assert!(why.contains("1 published article (“Dock strike”)"), "{why}");
    }
}
