//! An article's SEO and social fields, and the custom fields a
//! publication defines for its articles ("Translated by", "Content
//! warning"), with the rules their values follow. Plain data: the store
//! keeps them, the admin edits them, the theme and the Content API show
//! them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::Id;
use crate::newsroom::FieldError;
use crate::slug;

/// What an article says about itself to search engines and social
/// networks. Every field may be empty: the page then falls back to the
/// headline, the standfirst and the hero image.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleSeo {
    /// `<title>` (without the publication's name).
    pub meta_title: String,
    /// `<meta name="description">`.
    pub meta_description: String,
    /// OpenGraph/Twitter title.
    pub social_title: String,
    /// OpenGraph/Twitter description.
    pub social_description: String,
    /// A media key (`<hash>.<ext>`) for `og:image`; "" for the hero image.
    pub social_image: String,
    /// An absolute http(s) URL for `<link rel="canonical">` (a piece
    /// republished from elsewhere); "" for the article's own URL.
    pub canonical_url: String,
}

impl ArticleSeo {
    pub const MAX_TITLE: usize = 300;
    pub const MAX_DESCRIPTION: usize = 1_000;
    pub const MAX_URL: usize = 2_000;

    pub fn is_empty(&self) -> bool {
        *self == ArticleSeo::default()
    }

    /// Every problem at once; empty means it can be saved.
    pub fn problems(&self) -> Vec<FieldError> {
        let mut out = Vec::new();
        let mut bad = |field, message: String| out.push(FieldError { field, message });
        for (field, name, value) in
            [("meta_title", "meta title", &self.meta_title), ("social_title", "social title", &self.social_title)]
        {
            if value.chars().count() > Self::MAX_TITLE {
                bad(field, format!("the {name} is longer than 300 characters"));
            }
        }
        for (field, name, value) in [
            ("meta_description", "meta description", &self.meta_description),
            ("social_description", "social description", &self.social_description),
        ] {
            if value.chars().count() > Self::MAX_DESCRIPTION {
                bad(field, format!("the {name} is longer than 1,000 characters"));
            }
        }
        if !self.canonical_url.is_empty() {
            if let Err(why) = check_url(&self.canonical_url) {
                bad("canonical_url", format!("the canonical URL {why}"));
            }
        }
        if !self.social_image.is_empty() && !is_media_key(&self.social_image) {
            bad("social_image", "the social image is not a file of the media library".to_owned());
        }
        out
    }
}

/// `<16 hex>.<ext>`-like keys of the media library: letters, digits and
/// one dot, nothing that could leave `/media/`.
fn is_media_key(key: &str) -> bool {
    key.len() <= 100
        && key.split_once('.').is_some_and(|(name, ext)| {
            !name.is_empty()
                && !ext.is_empty()
                && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                && ext.bytes().all(|b| b.is_ascii_alphanumeric())
        })
}

/// Whether `url` is an absolute `http://` or `https://` URL with a host
/// and nothing a browser would read differently (spaces, control
/// characters, quotes, angle brackets); the reason if not.
pub fn check_url(url: &str) -> Result<(), &'static str> {
    if url.len() > ArticleSeo::MAX_URL {
        return Err("is longer than 2,000 characters");
    }
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or("must be an absolute http:// or https:// address")?;
    if url.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '<' | '>' | '\\' | '`')) {
        return Err("must not contain spaces, quotes or angle brackets");
    }
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let name =
        host.rsplit_once(':').filter(|(_, port)| port.bytes().all(|b| b.is_ascii_digit())).map_or(host, |(h, _)| h);
    if name.is_empty() || name.starts_with(['.', '-']) {
        return Err("must name a host (https://example.org/…)");
    }
    Ok(())
}

/// The kinds of value a custom field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldKind {
    Text,
    Url,
    Date,
    Choice,
}

impl FieldKind {
    pub const ALL: [FieldKind; 4] = [FieldKind::Text, FieldKind::Url, FieldKind::Date, FieldKind::Choice];

    pub fn as_str(self) -> &'static str {
        match self {
            FieldKind::Text => "text",
            FieldKind::Url => "url",
            FieldKind::Date => "date",
            FieldKind::Choice => "choice",
        }
    }

    pub fn parse(s: &str) -> Option<FieldKind> {
        FieldKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// For the admin's type picker.
    pub fn label(self) -> &'static str {
        match self {
            FieldKind::Text => "Text",
            FieldKind::Url => "Web address (URL)",
            FieldKind::Date => "Date",
            FieldKind::Choice => "Choice from a list",
        }
    }
}

/// A custom field of a publication's articles, as an administrator
/// defined it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomField {
    pub id: Id,
    pub publication_id: Id,
    /// A slug, unique in the publication: the Content API's key.
    pub key: String,
    /// Shown in the editor and, on the article page, to readers (in the
    /// publication's language, as the administrator wrote it).
    pub label: String,
    pub kind: FieldKind,
    /// The choices of a [`FieldKind::Choice`] field, in order.
    pub options: Vec<String>,
    /// Shown under the field in the editor.
    pub help: String,
    /// Order in the editor and on the page (lower first).
    pub position: i64,
}

/// What an administrator submits to define or change a custom field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomFieldDraft {
    pub key: String,
    pub label: String,
    pub kind: FieldKind,
    pub options: Vec<String>,
    pub help: String,
    pub position: i64,
}

impl CustomFieldDraft {
    pub const MAX_LABEL: usize = 100;
    pub const MAX_HELP: usize = 500;
    pub const MAX_OPTIONS: usize = 50;
    pub const MAX_OPTION: usize = 100;

    /// Every problem at once; empty means it can be saved.
    pub fn problems(&self) -> Vec<FieldError> {
        let mut out = Vec::new();
        let mut bad = |field, message: &str| out.push(FieldError { field, message: message.to_owned() });
        if self.label.trim().is_empty() {
            bad("label", "a label is required");
        } else if self.label.chars().count() > Self::MAX_LABEL {
            bad("label", "the label is longer than 100 characters");
        }
        if self.key.is_empty() {
            bad("key", "a key is required (lowercase letters, digits and hyphens)");
        } else if slug::slugify(&self.key) != self.key || self.key.len() > 60 {
            bad("key", "the key may hold only lowercase letters, digits and single hyphens (at most 60)");
        }
        if self.help.chars().count() > Self::MAX_HELP {
            bad("help", "the help text is longer than 500 characters");
        }
        match self.kind {
            FieldKind::Choice if self.options.is_empty() => bad("options", "a choice needs at least one option"),
            FieldKind::Choice if self.options.len() > Self::MAX_OPTIONS => {
                bad("options", "a choice may have at most 50 options")
            }
            FieldKind::Choice if self.options.iter().any(|o| o.chars().count() > Self::MAX_OPTION) => {
                bad("options", "an option is longer than 100 characters")
            }
            FieldKind::Choice => {
                let mut seen = std::collections::HashSet::new();
                if !self.options.iter().all(|o| seen.insert(o.as_str())) {
                    bad("options", "an option is listed twice");
                }
            }
            _ if !self.options.is_empty() => bad("options", "only a choice field has options"),
            _ => {}
        }
        out
    }
}

/// Options as typed in the admin: one per line, trimmed, blank lines
/// dropped.
pub fn parse_options(text: &str) -> Vec<String> {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect()
}

impl CustomField {
    pub const MAX_TEXT: usize = 1_000;

    /// The value as stored ("" for none: the field is left out), or why
    /// it cannot be: a URL must be absolute http(s), a date `YYYY-MM-DD`
    /// (a real day), a choice one of the options.
    pub fn normalize(&self, value: &str) -> Result<String, FieldError> {
        let value = value.trim();
        let bad =
            |message: String| FieldError { field: "custom_fields", message: format!("{}: {message}", self.label) };
        if value.is_empty() {
            return Ok(String::new());
        }
        match self.kind {
            FieldKind::Text if value.chars().count() > Self::MAX_TEXT => {
                Err(bad("longer than 1,000 characters".into()))
            }
            FieldKind::Text => Ok(value.replace("\r\n", "\n")),
            FieldKind::Url => {
                check_url(value).map(|_| value.to_owned()).map_err(|why| bad(format!("the address {why}")))
            }
            FieldKind::Date => chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d")
                .ok()
                .filter(|d| d.format("%Y-%m-%d").to_string() == value)
                .map(|_| value.to_owned())
                .ok_or_else(|| bad("give the date as YYYY-MM-DD (e.g. 2026-12-07)".into())),
            FieldKind::Choice if self.options.iter().any(|o| o == value) => Ok(value.to_owned()),
            FieldKind::Choice => Err(bad(format!("choose one of: {}", self.options.join(", ")))),
        }
    }
}

/// An article's custom field values, by field key ("" values are not
/// kept).
pub type CustomValues = BTreeMap<String, String>;

/// Checks `values` (by key) against the publication's `fields` and gives
/// them back normalized, with empty ones dropped; every problem at once.
/// A key no field has is a problem too (a stale form after a field was
/// deleted).
pub fn check_values(fields: &[CustomField], values: &CustomValues) -> Result<CustomValues, Vec<FieldError>> {
    let mut out = CustomValues::new();
    let mut problems = Vec::new();
    for (key, value) in values {
        match fields.iter().find(|f| &f.key == key) {
            Some(field) => match field.normalize(value) {
                Ok(v) if v.is_empty() => {}
                Ok(v) => {
                    out.insert(key.clone(), v);
                }
                Err(e) => problems.push(e),
            },
            None if value.trim().is_empty() => {}
            None => problems.push(FieldError {
                field: "custom_fields",
                message: format!("there is no custom field \"{key}\" (any more); reload the editor"),
            }),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// An article's SEO fields and custom field values, saved with it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ArticleExtras {
    pub seo: ArticleSeo,
    pub custom: CustomValues,
}

/// The SEO and custom field rows of a whole store, ids included, for
/// `prensa migrate-store` ([`crate::Snapshot`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldRows {
    /// (article id, its SEO fields), by article id.
    pub article_seo: Vec<(Id, ArticleSeo)>,
    /// Every publication's definitions, by id.
    pub custom_fields: Vec<CustomField>,
    /// (article id, field id, value), by article then field.
    pub values: Vec<(Id, Id, String)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(kind: FieldKind, options: &[&str]) -> CustomField {
        CustomField {
            id: 1,
            publication_id: 1,
            key: "k".into(),
            label: "Label".into(),
            kind,
            options: options.iter().map(|s| s.to_string()).collect(),
            help: String::new(),
            position: 0,
        }
    }

    #[test]
    fn urls_must_be_absolute_http() {
        assert!(check_url("https://example.org/a?b#c").is_ok());
        assert!(check_url("http://example.org:8080").is_ok());
        for bad in [
            "javascript:alert(1)",
            "JAVASCRIPT:alert(1)",
            "//example.org",
            "/relative",
            "ftp://x.org",
            "https://",
            "https://a b.org",
            "https://x.org/\"><script>",
            "data:text/html,x",
            " https://x.org",
        ] {
            assert!(check_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn values_are_checked_by_kind() {
        assert_eq!(field(FieldKind::Date, &[]).normalize(" 2026-02-28 ").expect("a date"), "2026-02-28");
        assert!(field(FieldKind::Date, &[]).normalize("2026-02-30").is_err());
        assert!(field(FieldKind::Date, &[]).normalize("28/02/2026").is_err());
        assert!(field(FieldKind::Url, &[]).normalize("javascript:alert(1)").is_err());
        assert!(field(FieldKind::Choice, &["Violence", "Grief"]).normalize("Grief").is_ok());
        assert!(field(FieldKind::Choice, &["Violence", "Grief"]).normalize("grief").is_err());
        assert_eq!(field(FieldKind::Text, &[]).normalize("  ").expect("empty is allowed"), "");
        let fields = vec![field(FieldKind::Text, &[])];
        let mut values = CustomValues::new();
        values.insert("k".into(), "<script>".into());
        values.insert("gone".into(), "x".into());
        assert_eq!(check_values(&fields, &values).expect_err("an unknown key").len(), 1);
    }

    #[test]
    fn definitions_are_checked() {
        let d = CustomFieldDraft {
            key: "translated-by".into(),
            label: "Translated by".into(),
            kind: FieldKind::Text,
            options: vec![],
            help: String::new(),
            position: 0,
        };
        assert!(d.problems().is_empty());
        assert!(!CustomFieldDraft { key: "Bad Key".into(), ..d.clone() }.problems().is_empty());
        assert!(!CustomFieldDraft { kind: FieldKind::Choice, ..d.clone() }.problems().is_empty());
        assert!(!CustomFieldDraft { label: " ".into(), ..d.clone() }.problems().is_empty());
        let seo = ArticleSeo { canonical_url: "javascript:alert(1)".into(), ..Default::default() };
        assert_eq!(seo.problems()[0].field, "canonical_url");
        assert!(ArticleSeo { social_image: "../etc/passwd".into(), ..Default::default() }.problems().len() == 1);
    }
}
