//! Typed reads from a parsed TOML table that report every problem (missing,
//! wrong type, unknown key) instead of stopping at the first, each at the
//! line of the key.
//!
//! Deserializing into `#[serde(deny_unknown_fields)]` structs would stop at
//! the first error of a file; walking toml's span-carrying `DeTable` (its keys
//! and values are `toml::Spanned`) lets one pass report them all.

use chrono::{DateTime, FixedOffset};
use prensa_core::social::{is_safe_profile_url, SocialKind, SocialLinks};
use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::problem::FileCx;

type Key<'i> = Spanned<std::borrow::Cow<'i, str>>;
type Val<'i> = Spanned<DeValue<'i>>;

/// Parses TOML, reporting every syntax error at its line.
pub(crate) fn parse<'i>(cx: &mut FileCx<'_>, toml: &'i str) -> Option<DeTable<'i>> {
    let (table, errors) = DeTable::parse_recoverable(toml);
    if errors.is_empty() {
        return Some(table.into_inner());
    }
    for e in errors {
        let message = e.message().lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("; ");
        let span = e.span().unwrap_or(0..0);
        // Name the key toml found twice.
        let message = match toml.get(span.clone()) {
            Some(key) if message == "duplicate key" && !key.is_empty() => format!("duplicate key `{}`", key.trim()),
            _ => message,
        };
        cx.at(span, format!("TOML syntax error: {message}"));
    }
    None
}

/// The entries of a table in the order they appear in the file.
pub(crate) fn entries<'t, 'i>(table: &'t DeTable<'i>) -> Vec<(&'t Key<'i>, &'t Val<'i>)> {
    let mut all: Vec<_> = table.iter().collect();
    all.sort_by_key(|(k, _)| k.span().start);
    all
}

fn a_type(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a TOML date",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

/// Reports keys of `table` not in `allowed`, suggesting the closest one.
/// `prefix` names the enclosing table (`"settings."`) in messages.
pub(crate) fn unknown_keys(cx: &mut FileCx<'_>, table: &DeTable<'_>, allowed: &[&str], prefix: &str) {
    for (k, _) in entries(table) {
        let name = k.get_ref().as_ref();
        if allowed.contains(&name) {
            continue;
        }
        let hint = match allowed.iter().map(|a| (distance(a, name), *a)).min() {
            Some((d, a)) if d <= 2 || (d <= 3 && name.len() > 6) => format!("; did you mean `{prefix}{a}`?"),
            _ => format!(" (expected one of: {})", allowed.join(", ")),
        };
        cx.at(k.span(), format!("unknown key `{prefix}{name}`{hint}"));
    }
}

/// Levenshtein distance, for "did you mean" hints.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Reads one key of a table, reporting it when missing and required.
pub(crate) struct Reader<'t, 'i> {
    pub table: &'t DeTable<'i>,
    /// `"settings."` etc., for messages.
    pub prefix: &'static str,
}

impl<'t, 'i> Reader<'t, 'i> {
    pub fn new(table: &'t DeTable<'i>) -> Self {
        Reader { table, prefix: "" }
    }

    fn get(&self, cx: &mut FileCx<'_>, key: &str, required: bool) -> Option<(&'t Key<'i>, &'t Val<'i>)> {
        let found = self.table.get_key_value(key);
        if found.is_none() && required {
            cx.file(format!("missing required key `{}{key}`", self.prefix));
        }
        found
    }

    fn wrong_type(&self, cx: &mut FileCx<'_>, key: &Key<'_>, v: &Val<'_>, want: &str) {
        cx.at(key.span(), format!("`{}{}` must be {want}, not {}", self.prefix, key.get_ref(), a_type(v.get_ref())));
    }

    /// A string value and its span.
    pub fn string(&self, cx: &mut FileCx<'_>, key: &str, required: bool) -> Option<Spanned<String>> {
        let (k, v) = self.get(cx, key, required)?;
        match v.get_ref() {
            DeValue::String(s) => Some(Spanned::new(k.span(), s.to_string())),
            _ => {
                self.wrong_type(cx, k, v, "a string");
                None
            }
        }
    }

    /// A string that must not be empty or blank; returned trimmed.
    pub fn text(&self, cx: &mut FileCx<'_>, key: &str, required: bool) -> Option<Spanned<String>> {
        let s = self.string(cx, key, required)?;
        let trimmed = s.get_ref().trim();
        if trimmed.is_empty() {
            cx.at(s.span(), format!("`{}{key}` must not be empty", self.prefix));
            return None;
        }
        Some(Spanned::new(s.span(), trimmed.to_string()))
    }

    pub fn boolean(&self, cx: &mut FileCx<'_>, key: &str) -> Option<bool> {
        let (k, v) = self.get(cx, key, false)?;
        match v.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            _ => {
                self.wrong_type(cx, k, v, "`true` or `false`");
                None
            }
        }
    }

    /// A non-negative integer that fits a `u32`.
    pub fn count(&self, cx: &mut FileCx<'_>, key: &str) -> Option<Spanned<u32>> {
        let (k, v) = self.get(cx, key, false)?;
        match v.get_ref() {
            DeValue::Integer(i) => {
                match i64::from_str_radix(i.as_str(), i.radix()).ok().and_then(|n| u32::try_from(n).ok()) {
                    Some(n) => Some(Spanned::new(k.span(), n)),
                    None => {
                        cx.at(k.span(), format!("`{}{key}` must be a whole number from 0 up, not {i}", self.prefix));
                        None
                    }
                }
            }
            _ => {
                self.wrong_type(cx, k, v, "a whole number");
                None
            }
        }
    }

    /// An array of strings; each element keeps its own span so problems
    /// about one entry land on its line.
    pub fn strings(&self, cx: &mut FileCx<'_>, key: &str, required: bool) -> Option<Spanned<Vec<Spanned<String>>>> {
        let (k, v) = self.get(cx, key, required)?;
        let DeValue::Array(items) = v.get_ref() else {
            self.wrong_type(cx, k, v, "an array of strings");
            return None;
        };
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for item in items.iter() {
            match item.get_ref() {
                DeValue::String(s) => out.push(Spanned::new(item.span(), s.to_string())),
                other => {
                    cx.at(
                        item.span(),
                        format!("`{}{key}` entries must be strings, not {}", self.prefix, a_type(other)),
                    );
                    ok = false;
                }
            }
        }
        ok.then(|| Spanned::new(k.span(), out))
    }

    /// A sub-table and the span of its key.
    pub fn table(&self, cx: &mut FileCx<'_>, key: &str) -> Option<(std::ops::Range<usize>, &'t DeTable<'i>)> {
        let (k, v) = self.get(cx, key, false)?;
        match v.get_ref() {
            DeValue::Table(t) => Some((k.span(), t)),
            _ => {
                self.wrong_type(cx, k, v, "a table");
                None
            }
        }
    }

    /// An RFC 3339 date-time with offset, written as a string or as a bare
    /// TOML offset date-time.
    pub fn datetime(&self, cx: &mut FileCx<'_>, key: &str, required: bool) -> Option<DateTime<FixedOffset>> {
        let (k, v) = self.get(cx, key, required)?;
        let written = match v.get_ref() {
            DeValue::String(s) => s.to_string(),
            DeValue::Datetime(d) => d.to_string(),
            _ => {
                self.wrong_type(cx, k, v, "a date string like \"2025-03-14T09:30:00+01:00\"");
                return None;
            }
        };
        match DateTime::parse_from_rfc3339(written.trim()) {
            Ok(d) => Some(d),
            Err(_) => {
                cx.at(
                    k.span(),
                    format!(
                        "bad date `{written}` in `{}{key}`: expected RFC 3339 with an offset, like \"2025-03-14T09:30:00+01:00\"",
                        self.prefix
                    ),
                );
                None
            }
        }
    }
}

/// Reads an optional `[social]` table: known networks only, http(s) URLs only,
/// one link per network (`twitter` is `x`).
/// `parent_keys` are the keys of the enclosing table, to explain a key
/// written below `[social]` that was meant for the table above it.
pub(crate) fn social(cx: &mut FileCx<'_>, table: &DeTable<'_>, parent_keys: &[&str]) -> SocialLinks {
    let mut links = SocialLinks::default();
    let Some((_, social)) = Reader::new(table).table(cx, "social") else {
        return links;
    };
    let mut seen: Vec<(SocialKind, String)> = Vec::new();
    for (k, v) in entries(social) {
        let name = k.get_ref().as_ref();
        let Some(kind) = SocialKind::from_key(name) else {
            let message = if parent_keys.contains(&name) {
                format!("unknown social network `social.{name}`: keys after `[social]` belong to it; move `{name}` above `[social]`")
            } else {
                let known: Vec<&str> = SocialKind::ALL.iter().map(|k| k.key()).collect();
                format!("unknown social network `social.{name}` (known: {}; `twitter` means `x`)", known.join(", "))
            };
            cx.at(k.span(), message);
            continue;
        };
        let DeValue::String(url) = v.get_ref() else {
            cx.at(k.span(), format!("`social.{name}` must be a URL string, not {}", a_type(v.get_ref())));
            continue;
        };
        let url = url.trim();
        if !is_safe_profile_url(url) {
            cx.at(k.span(), format!("`social.{name}` must be an http:// or https:// URL, not `{url}`"));
            continue;
        }
        if let Some((_, other)) = seen.iter().find(|(kd, _)| *kd == kind) {
            cx.at(k.span(), format!("`social.{name}` and `social.{other}` are the same network; keep one"));
            continue;
        }
        seen.push((kind, name.to_string()));
        links.set(kind, url.to_string());
    }
    links
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance() {
        assert_eq!(distance("title", "titel"), 2);
        assert_eq!(distance("image_alt", "image_alt"), 0);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("kitten", "sitting"), 3);
    }
}
