//! Localization: the one place that knows every word the theme prints and
//! how dates are written.
//!
//! Locales are data, not code: each language is a TOML file in
//! `crates/prensa-render/locales/<lang>.toml`, embedded into the binary at
//! compile time. Adding German means adding `de.toml`. `en.toml` is the
//! reference: every key it defines must exist in every other file (a test
//! enforces it), and any key still missing at run time falls back to English.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::LazyLock;

use chrono::Datelike;
use include_dir::{include_dir, Dir};
use serde::Deserialize;

static LOCALE_FILES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/locales");

/// The language every lookup finally falls back to.
const FALLBACK_LANG: &str = "en";

/// Parsed once, on first use. A file that fails to parse is left out (and the
/// language falls back to English) rather than taking the server down; the
/// `every_locale_file_parses` test keeps that from ever shipping.
static LOCALES: LazyLock<HashMap<String, Locale>> = LazyLock::new(|| {
    LOCALE_FILES
        .files()
        .filter_map(|file| parse_file(file).ok())
        .map(|locale| (locale.lang.clone(), locale))
        .collect()
});

/// Used only if `en.toml` itself were missing: lookups then return the keys.
static EMPTY: LazyLock<Locale> = LazyLock::new(|| Locale {
    lang: FALLBACK_LANG.to_owned(),
    name: String::new(),
    dir: TextDirection::Ltr,
    date: DateFormat::default(),
    strings: HashMap::new(),
});

/// Returns the locale for a language tag such as `de-AT`, `pt_BR` or `en`.
///
/// Falls back from the full tag to shorter prefixes (`de-at` → `de`) and
/// finally to English. Never fails.
pub fn locale(lang: &str) -> &'static Locale {
    if let Some(found) = LOCALES.get(lang) {
        return found;
    }
    let mut tag = lang.trim().to_ascii_lowercase().replace('_', "-");
    loop {
        if let Some(found) = LOCALES.get(&tag) {
            return found;
        }
        match tag.rfind('-') {
            Some(cut) => tag.truncate(cut),
            None => return english(),
        }
    }
}

/// Language tags of every embedded locale, sorted.
pub fn available() -> Vec<&'static str> {
    let mut langs: Vec<&'static str> = LOCALES.keys().map(String::as_str).collect();
    langs.sort_unstable();
    langs
}

fn english() -> &'static Locale {
    LOCALES.get(FALLBACK_LANG).unwrap_or(&EMPTY)
}

/// Writing direction, for `<html dir="…">`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TextDirection {
    #[default]
    Ltr,
    Rtl,
}

impl TextDirection {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ltr => "ltr",
            Self::Rtl => "rtl",
        }
    }
}

/// One language: its strings and its date format.
#[derive(Debug)]
pub struct Locale {
    lang: String,
    name: String,
    dir: TextDirection,
    date: DateFormat,
    strings: HashMap<String, String>,
}

/// Date section of a locale file. Every field is optional so that a partial
/// locale still formats dates (with English names) instead of failing.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct DateFormat {
    months: Option<Vec<String>>,
    months_short: Option<Vec<String>>,
    weekdays: Option<Vec<String>>,
    pattern: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LocaleFile {
    name: Option<String>,
    #[serde(default)]
    dir: TextDirection,
    #[serde(default)]
    date: DateFormat,
    #[serde(default)]
    strings: HashMap<String, String>,
}

#[derive(Debug, thiserror::Error)]
enum LocaleError {
    #[error("locale file {0} is not named <lang>.toml")]
    BadName(String),
    #[error("locale file {0} is not UTF-8")]
    NotUtf8(String),
    #[error("locale file {file}: {source}")]
    Parse {
        file: String,
        source: toml::de::Error,
    },
    #[error("locale file {file}: `{field}` needs {expected} entries, found {found}")]
    WrongLength {
        file: String,
        field: &'static str,
        expected: usize,
        found: usize,
    },
}

fn parse_file(file: &include_dir::File<'_>) -> Result<Locale, LocaleError> {
    let path = file.path().display().to_string();
    let lang = match (
        file.path().file_stem().and_then(|s| s.to_str()),
        file.path().extension().and_then(|s| s.to_str()),
    ) {
        (Some(stem), Some("toml")) => stem.to_ascii_lowercase().replace('_', "-"),
        _ => return Err(LocaleError::BadName(path)),
    };
    let text = file
        .contents_utf8()
        .ok_or_else(|| LocaleError::NotUtf8(path.clone()))?;
    parse_locale(&lang, text).map_err(|err| match err {
        LocaleError::Parse { source, .. } => LocaleError::Parse { file: path, source },
        LocaleError::WrongLength {
            field,
            expected,
            found,
            ..
        } => LocaleError::WrongLength {
            file: path,
            field,
            expected,
            found,
        },
        other => other,
    })
}

fn parse_locale(lang: &str, text: &str) -> Result<Locale, LocaleError> {
    let parsed: LocaleFile = toml::from_str(text).map_err(|source| LocaleError::Parse {
        file: lang.to_owned(),
        source,
    })?;
    let check = |field: &'static str, list: &Option<Vec<String>>, expected: usize| match list {
        Some(list) if list.len() != expected => Err(LocaleError::WrongLength {
            file: lang.to_owned(),
            field,
            expected,
            found: list.len(),
        }),
        _ => Ok(()),
    };
    check("date.months", &parsed.date.months, 12)?;
    check("date.months_short", &parsed.date.months_short, 12)?;
    check("date.weekdays", &parsed.date.weekdays, 7)?;
    Ok(Locale {
        lang: lang.to_owned(),
        name: parsed.name.unwrap_or_else(|| lang.to_owned()),
        dir: parsed.dir,
        date: parsed.date,
        strings: parsed.strings,
    })
}

impl Locale {
    /// The language tag, e.g. `en` (as named by the file, lowercased).
    pub fn lang(&self) -> &str {
        &self.lang
    }

    /// The language's own name for itself, e.g. "English".
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn dir(&self) -> TextDirection {
        self.dir
    }

    /// Translates `key`; a key this locale lacks comes from English, and a key
    /// English lacks too is returned as is (visible, so it gets noticed).
    pub fn t<'a>(&'a self, key: &'a str) -> &'a str {
        self.strings
            .get(key)
            .or_else(|| english().strings.get(key))
            .map_or(key, String::as_str)
    }

    /// Translates `key` and fills its `{placeholder}`s from `args`.
    ///
    /// Values are inserted verbatim, not HTML-escaped: the template engine
    /// that prints the result escapes it. Unknown placeholders stay as written.
    pub fn t_with(&self, key: &str, args: &[(&str, &str)]) -> String {
        fill(self.t(key), |name, out| {
            match args.iter().find(|(arg, _)| *arg == name) {
                Some((_, value)) => {
                    out.push_str(value);
                    true
                }
                None => false,
            }
        })
    }

    /// Formats a calendar date with the locale's pattern, e.g.
    /// "September 11, 2019". Takes anything with a date — `DateTime` in any
    /// time zone (the date is the one in that zone), `NaiveDate`, … — so an
    /// article dated in its own offset shows the date its readers saw.
    pub fn format_date<D: Datelike>(&self, date: &D) -> String {
        let en = &english().date;
        let pattern = self
            .date
            .pattern
            .as_deref()
            .or(en.pattern.as_deref())
            .unwrap_or("{year}-{month_num}-{day2}");
        let month = date.month0() as usize;
        let weekday = date.weekday().num_days_from_monday() as usize;
        fill(pattern, |placeholder, out| match placeholder {
            "year" => write!(out, "{}", date.year()).is_ok(),
            "month_num" => write!(out, "{:02}", date.month()).is_ok(),
            "day" => write!(out, "{}", date.day()).is_ok(),
            "day2" => write!(out, "{:02}", date.day()).is_ok(),
            "month" => push(out, nth(&self.date.months, &en.months, month)),
            "month_short" => push(out, nth(&self.date.months_short, &en.months_short, month)),
            "weekday" => push(out, nth(&self.date.weekdays, &en.weekdays, weekday)),
            _ => false,
        })
    }

    /// Joins names the way a byline reads: "A", "A and B", "A, B and C".
    pub fn join_names<S: AsRef<str>>(&self, names: &[S]) -> String {
        let separator = self.t("list_separator");
        let last_separator = self.t("list_last_separator");
        let mut out = String::new();
        for (index, name) in names.iter().enumerate() {
            if index > 0 {
                out.push_str(if index + 1 == names.len() {
                    last_separator
                } else {
                    separator
                });
            }
            out.push_str(name.as_ref());
        }
        out
    }
}

/// The `index`th name from this locale's list, else from English's.
fn nth<'a>(
    ours: &'a Option<Vec<String>>,
    english: &'a Option<Vec<String>>,
    index: usize,
) -> Option<&'a str> {
    let pick = |list: &'a Option<Vec<String>>| list.as_deref()?.get(index).map(String::as_str);
    pick(ours).or_else(|| pick(english))
}

fn push(out: &mut String, text: Option<&str>) -> bool {
    text.map(|text| out.push_str(text)).is_some()
}

/// Replaces each `{name}` in `template` by whatever `write` appends for it;
/// when `write` returns false (unknown name) the placeholder is kept as is.
fn fill(template: &str, mut write: impl FnMut(&str, &mut String) -> bool) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                if !write(name, &mut out) {
                    out.push('{');
                    out.push_str(name);
                    out.push('}');
                }
                rest = &after[close + 1..];
            }
            None => {
                rest = &rest[open..];
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use chrono::{DateTime, NaiveDate};

    #[test]
    fn english_date() {
        let dt = DateTime::parse_from_rfc3339("2019-09-11T08:30:00-04:00").unwrap();
        assert_eq!(locale("en").format_date(&dt), "September 11, 2019");
    }

    #[test]
    fn date_uses_the_datetimes_own_offset() {
        // 23:30 in New York is already the 12th in UTC; the reader's date wins.
        let dt = DateTime::parse_from_rfc3339("2019-09-11T23:30:00-04:00").unwrap();
        assert_eq!(locale("en").format_date(&dt), "September 11, 2019");
        let date = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
        assert_eq!(locale("en").format_date(&date), "February 29, 2024");
    }

    #[test]
    fn date_pattern_placeholders() {
        let custom = parse_locale(
            "xx",
            r#"
            [date]
            pattern = "{weekday} {day2}.{month_num}.{year} ({month_short}) {nope}"
            "#,
        )
        .unwrap();
        let date = NaiveDate::from_ymd_opt(2019, 9, 1).unwrap();
        // Names missing from the locale come from English.
        assert_eq!(custom.format_date(&date), "Sunday 01.09.2019 (Sep) {nope}");
    }

    #[test]
    fn lang_fallback() {
        assert_eq!(locale("en").lang(), "en");
        assert_eq!(locale("en-GB").lang(), "en");
        assert_eq!(locale("EN_us").lang(), "en");
        // No German yet: de-AT → de → en.
        assert_eq!(locale("de-AT").lang(), "en");
        assert_eq!(locale("").lang(), "en");
        assert_eq!(locale("zh-Hant-TW").lang(), "en");
    }

    #[test]
    fn key_fallback() {
        let partial = parse_locale(
            "xx",
            r#"
            [strings]
            share = "Teilen"
            "#,
        )
        .unwrap();
        assert_eq!(partial.t("share"), "Teilen");
        assert_eq!(partial.t("copy_link"), "Copy link");
        assert_eq!(partial.t("no_such_key"), "no_such_key");
        assert_eq!(locale("en").t("most_recent"), "Most recent");
    }

    #[test]
    fn placeholders() {
        let en = locale("en");
        assert_eq!(
            en.t_with("more_from_section", &[("section", "Sports")]),
            "More from Sports"
        );
        assert_eq!(
            en.t_with("page_n_of_total", &[("n", "2"), ("total", "10")]),
            "Page 2 of 10"
        );
        // Missing argument: placeholder stays visible; unbalanced brace survives.
        assert_eq!(en.t_with("articles_by", &[]), "Articles by {name}");
        assert_eq!(fill("a {b", |_, _| true), "a {b");
    }

    #[test]
    fn join_names() {
        let en = locale("en");
        assert_eq!(en.join_names::<&str>(&[]), "");
        assert_eq!(en.join_names(&["Ana"]), "Ana");
        assert_eq!(en.join_names(&["Ana", "Ben"]), "Ana and Ben");
        assert_eq!(en.join_names(&["Ana", "Ben", "Cleo"]), "Ana, Ben and Cleo");
        let owned = vec!["Ana".to_owned(), "Ben".to_owned()];
        assert_eq!(en.join_names(&owned), "Ana and Ben");
    }

    #[test]
    fn every_locale_file_parses() {
        let mut count = 0;
        for file in LOCALE_FILES.files() {
            if let Err(err) = parse_file(file) {
                panic!("{err}");
            }
            count += 1;
        }
        assert!(count >= 1);
        assert_eq!(available().len(), count);
        assert!(available().contains(&"en"));
    }

    #[test]
    fn bad_locale_files_are_rejected() {
        assert!(parse_locale("xx", "[date]\nmonths = [\"Jan\"]").is_err());
        assert!(parse_locale("xx", "typo = 1").is_err());
        assert!(parse_locale("xx", "[strings]\nkey = ").is_err());
    }

    /// Every key path (`strings.share`, `date.months`, …) in a TOML table.
    fn key_paths(table: &toml::Table, prefix: &str, out: &mut Vec<String>) {
        for (key, value) in table {
            let path = format!("{prefix}{key}");
            match value {
                toml::Value::Table(inner) => key_paths(inner, &format!("{path}."), out),
                _ => out.push(path),
            }
        }
    }

    #[test]
    fn every_locale_has_every_english_key() {
        let parse = |file: &include_dir::File<'_>| -> toml::Table {
            toml::from_str(file.contents_utf8().unwrap()).unwrap()
        };
        let en_file = LOCALE_FILES.get_file("en.toml").unwrap();
        let mut en_keys = Vec::new();
        key_paths(&parse(en_file), "", &mut en_keys);
        assert!(en_keys.len() > 40, "en.toml looks truncated");
        for file in LOCALE_FILES.files() {
            let mut keys = Vec::new();
            key_paths(&parse(file), "", &mut keys);
            let missing: Vec<&String> = en_keys.iter().filter(|k| !keys.contains(k)).collect();
            assert!(
                missing.is_empty(),
                "{} lacks keys {missing:?}",
                file.path().display()
            );
        }
    }

    #[test]
    fn english_has_the_strings_the_theme_needs() {
        let en = locale("en");
        for (key, text) in [
            ("most_recent", "Most recent"),
            ("by", "By"),
            ("and", "and"),
            ("share_on_x", "Share on X"),
            (
                "not_found_message",
                "The page you were looking for does not exist.",
            ),
            ("back_to_front_page", "Back to the front page"),
            ("skip_to_content", "Skip to content"),
            ("min_read", "min read"),
        ] {
            assert_eq!(en.t(key), text);
        }
        assert_eq!(en.dir(), TextDirection::Ltr);
        assert_eq!(en.name(), "English");
    }
}
