//! Localization: the one place that knows every word the theme prints and
//! how dates and numbers are written.
//!
//! # Words: Fluent
//!
//! Each language is one [Fluent](https://projectfluent.org) file,
//! `crates/prensa-render/locales/<lang>.ftl`, embedded into the binary at
//! compile time; adding a language means adding its file (see
//! `locales/README.md`). `en.ftl` is the reference: every other file defines
//! exactly its messages and terms (a test enforces it), and a message still
//! missing at run time falls back to English, then to its id.
//!
//! Fluent rather than a key/value format because languages disagree on
//! plurals ("1 Minute", "5 Minuten"; French's *one* covers 0 and 1): a
//! message selects its own variant from a count. The crate is
//! `fluent-bundle`, used directly, not `fluent-templates`: we already embed
//! the files with `include_dir` and resolve `de-AT` → `de` → `en` ourselves,
//! and `fluent-templates` would add a loader, a second embedding macro and
//! their dependencies for nothing we use.
//!
//! Conventions the files follow:
//! - Message ids are the keys callers pass (`most_recent`,
//!   `page_n_of_total`); two terms carry the language's own name
//!   (`-language-name`, e.g. "Deutsch") and its writing direction
//!   (`-language-direction`, `ltr` or `rtl`).
//! - [`Locale::t_with`] passes every argument as text. A message wraps a count
//!   in `NUMBER($n)`: that makes it a number, so it selects a plural variant
//!   and prints with the language's digit grouping (1,234 / 1.234). Anything
//!   not wrapped — a search query that happens to be `2019` — prints as typed.
//! - Bidi isolation marks (U+2068/U+2069 around each argument) are turned
//!   off: every page carries `dir` on `<html>`, and the marks would end up,
//!   invisible, in titles, `aria-label`s and copied text.
//!
//! Everything is parsed and every message without arguments is formatted once,
//! on first use (a `LazyLock`), so [`Locale::t`] hands out a `&str` and a
//! request does no parsing and no I/O.
//!
//! # Dates and numbers: ICU4X
//!
//! [`Locale::format_date`] prints CLDR's long date for the language
//! ("September 11, 2019", "11. September 2019", "11 de septiembre de 2019")
//! and [`Locale::format_number`] groups digits its way, both through ICU4X
//! with its compiled-in data, so no month name or separator is written here.
//! We depend on the component crates (`icu_datetime`, `icu_decimal`,
//! `icu_calendar`) rather than the `icu` umbrella, with default features off:
//! `icu` also builds collation, segmentation, properties and more that Prensa
//! does not use, and `icu_datetime`'s default `ixdtf` (a date-string parser)
//! is not needed either. The Gregorian-only formatter
//! (`FixedCalendarDateTimeFormatter<Gregorian, _>`) keeps the other
//! calendars' code and data out of the binary: every shipped language dates
//! its articles in the Gregorian calendar.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::sync::LazyLock;

use chrono::Datelike;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::types::FluentNumber;
use fluent_bundle::{FluentArgs, FluentError, FluentResource, FluentValue};
use fluent_syntax::ast;
use icu_calendar::{Date, Gregorian};
use icu_datetime::fieldsets::YMD;
use icu_datetime::FixedCalendarDateTimeFormatter;
use icu_decimal::input::Decimal;
use icu_decimal::DecimalFormatter;
use include_dir::{include_dir, Dir};
use intl_memoizer::concurrent::IntlLangMemoizer;
use intl_memoizer::Memoizable;
use unic_langid::LanguageIdentifier;

static LOCALE_FILES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/locales");

/// The language every lookup finally falls back to.
const FALLBACK_LANG: &str = "en";

/// The term holding the language's name in itself.
const NAME_TERM: &str = "language-name";
/// The term holding the writing direction.
const DIRECTION_TERM: &str = "language-direction";

/// Parsed once, on first use. A file that fails to parse is left out (and the
/// language falls back to English) rather than taking the server down; the
/// `every_locale_file_parses` test keeps that from ever shipping.
static LOCALES: LazyLock<HashMap<String, Locale>> = LazyLock::new(|| {
    locale_files()
        .filter_map(|(lang, text)| parse_locale(&lang, text?).ok())
        .map(|locale| (locale.lang.clone(), locale))
        .collect()
});

/// Used only if `en.ftl` itself were missing: lookups then return the keys.
static EMPTY: LazyLock<Locale> = LazyLock::new(|| Locale::empty(FALLBACK_LANG));

/// Returns the locale for a language tag such as `de-AT`, `pt_BR` or `en`.
///
/// Falls back from the full tag to shorter prefixes (`de-at` → `de`) and
/// finally to English. Never fails.
pub fn locale(lang: &str) -> &'static Locale {
    if let Some(found) = LOCALES.get(lang) {
        return found;
    }
    let mut tag = normalize_tag(lang);
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

/// Ids of every message of the reference locale (English), in file order:
/// the keys every locale answers [`Locale::t`] for.
pub fn message_ids() -> &'static [String] {
    &english().ids
}

fn english() -> &'static Locale {
    LOCALES.get(FALLBACK_LANG).unwrap_or(&EMPTY)
}

fn normalize_tag(tag: &str) -> String {
    tag.trim().to_ascii_lowercase().replace('_', "-")
}

/// Every embedded `.ftl` file as (language tag, text); the text is `None` for
/// a file that is not UTF-8. Other files (the README) are skipped.
fn locale_files() -> impl Iterator<Item = (String, Option<&'static str>)> {
    LOCALE_FILES.files().filter_map(|file| {
        let path = file.path();
        if path.extension().and_then(|s| s.to_str()) != Some("ftl") {
            return None;
        }
        let stem = path.file_stem().and_then(|s| s.to_str())?;
        Some((normalize_tag(stem), file.contents_utf8()))
    })
}

/// Writing direction, for `<html dir="…">`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
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

/// One language: its messages, its name and direction, and its date and
/// number formatters.
pub struct Locale {
    lang: String,
    name: String,
    dir: TextDirection,
    bundle: FluentBundle<FluentResource>,
    /// Message ids in file order.
    ids: Vec<String>,
    /// Every message formatted without arguments, by id: what [`Locale::t`]
    /// hands out.
    strings: HashMap<String, String>,
    /// `None` only if ICU4X had no data at all for the language (it falls
    /// back to its root locale, so in practice always `Some`).
    dates: Option<FixedCalendarDateTimeFormatter<Gregorian, YMD>>,
    numbers: Option<DecimalFormatter>,
}

impl fmt::Debug for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Locale")
            .field("lang", &self.lang)
            .field("name", &self.name)
            .field("dir", &self.dir)
            .field("messages", &self.ids.len())
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
enum LocaleError {
    #[error("locale file {0}.ftl: `{0}` is not a language tag")]
    BadTag(String),
    #[error("locale file {lang}.ftl: {errors}")]
    Syntax { lang: String, errors: String },
    #[error("locale file {lang}.ftl: {errors}")]
    Bundle { lang: String, errors: String },
    #[error("locale file {lang}.ftl: -{DIRECTION_TERM} must be `ltr` or `rtl`, not `{found}`")]
    BadDirection { lang: String, found: String },
}

/// Builds a bundle for `lang` with our `NUMBER` and number formatting.
fn new_bundle(langid: LanguageIdentifier) -> FluentBundle<FluentResource> {
    let mut bundle = FluentBundle::new_concurrent(vec![langid]);
    bundle.set_use_isolating(false);
    bundle.set_formatter(Some(format_value));
    // Fresh bundle: the name cannot be taken yet, so this cannot fail.
    let _ = bundle.add_function("NUMBER", number);
    bundle
}

fn parse_locale(lang: &str, text: &str) -> Result<Locale, LocaleError> {
    let langid: LanguageIdentifier = lang.parse().map_err(|_| LocaleError::BadTag(lang.to_owned()))?;
    let resource = FluentResource::try_new(text.to_owned()).map_err(|(_, errors)| LocaleError::Syntax {
        lang: lang.to_owned(),
        errors: join_errors(errors.iter().map(|e| describe_syntax_error(text, e))),
    })?;

    let mut ids = Vec::new();
    let mut name = None;
    let mut dir = None;
    for entry in resource.entries() {
        match entry {
            ast::Entry::Message(message) => ids.push(message.id.name.to_owned()),
            ast::Entry::Term(term) if term.id.name == NAME_TERM => name = plain_text(&term.value),
            ast::Entry::Term(term) if term.id.name == DIRECTION_TERM => {
                dir = Some(match plain_text(&term.value).as_deref() {
                    Some("ltr") => TextDirection::Ltr,
                    Some("rtl") => TextDirection::Rtl,
                    other => {
                        return Err(LocaleError::BadDirection {
                            lang: lang.to_owned(),
                            found: other.unwrap_or_default().to_owned(),
                        })
                    }
                })
            }
            _ => {}
        }
    }

    let mut bundle = new_bundle(langid);
    bundle.add_resource(resource).map_err(|errors| LocaleError::Bundle {
        lang: lang.to_owned(),
        errors: join_errors(errors.iter().map(ToString::to_string)),
    })?;

    // Formatted once here so that `t` can lend a `&str`. A message that takes
    // arguments is formatted with each one standing for itself (`{$n}`), so
    // it reads "{$n} min read" rather than losing the count; its callers use
    // `t_with`.
    let strings = ids
        .iter()
        .filter_map(|id| {
            let pattern = bundle.get_message(id)?.value()?;
            let mut variables = BTreeSet::new();
            variables_in(pattern, &mut variables);
            let mut args = FluentArgs::with_capacity(variables.len());
            for name in variables {
                args.set(name, format!("{{${name}}}"));
            }
            let mut errors = Vec::new();
            let text = bundle.format_pattern(pattern, Some(&args), &mut errors);
            Some((id.clone(), text.into_owned()))
        })
        .collect();

    let icu_locale: Option<icu_locale_core::Locale> = lang.parse().ok();
    let dates =
        icu_locale.as_ref().and_then(|locale| FixedCalendarDateTimeFormatter::try_new(locale.into(), YMD::long()).ok());
    let numbers =
        icu_locale.as_ref().and_then(|locale| DecimalFormatter::try_new(locale.into(), Default::default()).ok());

    Ok(Locale {
        lang: lang.to_owned(),
        name: name.unwrap_or_else(|| lang.to_owned()),
        dir: dir.unwrap_or_default(),
        bundle,
        ids,
        strings,
        dates,
        numbers,
    })
}

/// The text of a pattern made only of text (and quoted literals, which is
/// how Fluent keeps leading or trailing spaces); `None` if it has anything
/// that needs resolving.
fn plain_text(pattern: &ast::Pattern<&str>) -> Option<String> {
    let mut out = String::new();
    for element in &pattern.elements {
        match element {
            ast::PatternElement::TextElement { value } => out.push_str(value),
            ast::PatternElement::Placeable {
                expression: ast::Expression::Inline(ast::InlineExpression::StringLiteral { value }),
            } => out.push_str(value),
            ast::PatternElement::Placeable { .. } => return None,
        }
    }
    Some(out)
}

fn describe_syntax_error(text: &str, error: &fluent_syntax::parser::ParserError) -> String {
    // The start of the broken entry (`slice`) names the line a translator
    // looks for; `pos` is where the parser gave up, often the next line.
    let at = error.slice.as_ref().map_or(error.pos.start, |slice| slice.start);
    let line = text.get(..at).map_or(0, |before| before.matches('\n').count()) + 1;
    format!("line {line}: {}", error.kind)
}

fn join_errors(errors: impl Iterator<Item = String>) -> String {
    errors.collect::<Vec<_>>().join("; ")
}

/// Our `NUMBER()`: Fluent's takes only numbers, but `t_with` passes every
/// argument as text, so this one also reads a number from text. Text that is
/// not a number is passed through unchanged (shown as is rather than lost).
fn number<'a>(positional: &[FluentValue<'a>], named: &FluentArgs) -> FluentValue<'a> {
    let mut value = match positional.first() {
        Some(FluentValue::Number(number)) => number.clone(),
        Some(FluentValue::String(text)) => match text.parse::<FluentNumber>() {
            Ok(number) => number,
            Err(_) => return FluentValue::String(text.clone()),
        },
        _ => return FluentValue::Error,
    };
    value.options.merge(named);
    FluentValue::Number(value)
}

/// Prints a Fluent number the bundle's language's way ("1,234", "1.234",
/// "1 234"); other values are left to Fluent.
fn format_value(value: &FluentValue<'_>, intls: &IntlLangMemoizer) -> Option<String> {
    let FluentValue::Number(number) = value else {
        return None;
    };
    let decimal: Decimal = number.as_string().parse().ok()?;
    intls.with_try_get::<Grouping, _, _>((), |grouping| grouping.0.format(&decimal).to_string()).ok()
}

/// A decimal formatter for the bundle's language, made once per bundle by
/// Fluent's memoizer (the formatter hook gets no other handle on the
/// language).
struct Grouping(DecimalFormatter);

impl Memoizable for Grouping {
    type Args = ();
    type Error = ();

    fn construct(lang: LanguageIdentifier, _: ()) -> Result<Self, ()> {
        let locale: icu_locale_core::Locale = lang.to_string().parse().map_err(|_| ())?;
        DecimalFormatter::try_new((&locale).into(), Default::default()).map(Grouping).map_err(|_| ())
    }
}

impl Locale {
    /// A locale without messages, named by its tag: every lookup falls back.
    fn empty(lang: &str) -> Self {
        let langid = lang.parse().unwrap_or_default();
        Self {
            lang: lang.to_owned(),
            name: String::new(),
            dir: TextDirection::Ltr,
            bundle: new_bundle(langid),
            ids: Vec::new(),
            strings: HashMap::new(),
            dates: None,
            numbers: None,
        }
    }

    /// The language tag, e.g. `en` (as named by the file, lowercased).
    pub fn lang(&self) -> &str {
        &self.lang
    }

    /// The language's own name for itself, e.g. "Deutsch".
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn dir(&self) -> TextDirection {
        self.dir
    }

    /// Translates `key`; a key this locale lacks comes from English, and a key
    /// English lacks too is returned as is (visible, so it gets noticed).
    ///
    /// For a message that takes arguments this is its text with Fluent's
    /// placeholders left in (`{$n}`); use [`Locale::t_with`] for those.
    pub fn t<'a>(&'a self, key: &'a str) -> &'a str {
        self.strings.get(key).or_else(|| english().strings.get(key)).map_or(key, String::as_str)
    }

    /// Translates `key` with its arguments, e.g.
    /// `t_with("page_n_of_total", &[("n", "2"), ("total", "10")])`.
    ///
    /// Values are inserted verbatim, not HTML-escaped: the template engine
    /// that prints the result escapes it. A count goes in as its plain digits
    /// (`&n.to_string()`); the message formats it (see the module doc). A
    /// missing argument shows as `{$name}`; an unknown key as the key.
    pub fn t_with(&self, key: &str, args: &[(&str, &str)]) -> String {
        let Some((bundle, pattern)) = self.pattern(key).or_else(|| english().pattern(key)) else {
            return key.to_owned();
        };
        let mut fluent_args = FluentArgs::with_capacity(args.len());
        for &(name, value) in args {
            fluent_args.set(name, value);
        }
        let mut errors: Vec<FluentError> = Vec::new();
        bundle.format_pattern(pattern, Some(&fluent_args), &mut errors).into_owned()
    }

    fn pattern<'a>(&'a self, key: &str) -> Option<(&'a FluentBundle<FluentResource>, &'a ast::Pattern<&'a str>)> {
        let pattern = self.bundle.get_message(key)?.value()?;
        Some((&self.bundle, pattern))
    }

    /// Formats a calendar date as the language's long date, e.g.
    /// "September 11, 2019" or "11. September 2019". Takes anything with a
    /// date — `DateTime` in any time zone (the date is the one in that zone),
    /// `NaiveDate`, … — so an article dated in its own offset shows the date
    /// its readers saw. A date ICU4X cannot represent prints as `YYYY-MM-DD`.
    pub fn format_date<D: Datelike>(&self, date: &D) -> String {
        let formatter = self.dates.as_ref().or(english().dates.as_ref());
        let icu_date = u8::try_from(date.month())
            .ok()
            .zip(u8::try_from(date.day()).ok())
            .and_then(|(month, day)| Date::try_new_gregorian(date.year(), month, day).ok());
        match (formatter, icu_date) {
            (Some(formatter), Some(icu_date)) => formatter.format(&icu_date).to_string(),
            _ => format!("{:04}-{:02}-{:02}", date.year(), date.month(), date.day()),
        }
    }

    /// Formats a whole number with the language's digit grouping:
    /// `1234567` is "1,234,567" in English, "1.234.567" in German and
    /// "1 234 567" in French (narrow no-break spaces).
    pub fn format_number(&self, number: i64) -> String {
        match self.numbers.as_ref().or(english().numbers.as_ref()) {
            Some(formatter) => formatter.format(&Decimal::from(number)).to_string(),
            None => number.to_string(),
        }
    }

    /// Joins names the way a byline reads: "A", "A and B", "A, B and C".
    pub fn join_names<S: AsRef<str>>(&self, names: &[S]) -> String {
        let separator = self.t("list_separator");
        let last_separator = self.t("list_last_separator");
        let mut out = String::new();
        for (index, name) in names.iter().enumerate() {
            if index > 0 {
                out.push_str(if index + 1 == names.len() { last_separator } else { separator });
            }
            out.push_str(name.as_ref());
        }
        out
    }
}

/// The variables (`$name`) a pattern uses, wherever they are: in text, in a
/// selector, in a function's arguments or in a variant.
fn variables_in<'s>(pattern: &ast::Pattern<&'s str>, out: &mut BTreeSet<&'s str>) {
    fn inline<'s>(expression: &ast::InlineExpression<&'s str>, out: &mut BTreeSet<&'s str>) {
        match expression {
            ast::InlineExpression::VariableReference { id } => {
                out.insert(id.name);
            }
            ast::InlineExpression::FunctionReference { arguments, .. }
            | ast::InlineExpression::TermReference { arguments: Some(arguments), .. } => {
                for argument in &arguments.positional {
                    inline(argument, out);
                }
                for argument in &arguments.named {
                    inline(&argument.value, out);
                }
            }
            ast::InlineExpression::Placeable { expression } => any(expression, out),
            _ => {}
        }
    }
    fn any<'s>(expression: &ast::Expression<&'s str>, out: &mut BTreeSet<&'s str>) {
        match expression {
            ast::Expression::Inline(expression) => inline(expression, out),
            ast::Expression::Select { selector, variants } => {
                inline(selector, out);
                for variant in variants {
                    variables_in(&variant.value, out);
                }
            }
        }
    }
    for element in &pattern.elements {
        if let ast::PatternElement::Placeable { expression } = element {
            any(expression, out);
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use chrono::{DateTime, NaiveDate};

    /// Each shipped language; the tests below check each one.
    const SHIPPED: [&str; 6] = ["de", "en", "es", "fr", "it", "pt"];

    /// Every entry of a file: messages by id, terms as `-id`, each with the
    /// variables its value uses.
    fn entries(text: &str) -> Vec<(String, BTreeSet<String>)> {
        let resource = fluent_syntax::parser::parse(text).unwrap();
        resource
            .body
            .iter()
            .filter_map(|entry| {
                let (id, pattern) = match entry {
                    ast::Entry::Message(m) => (m.id.name.to_owned(), m.value.as_ref()?),
                    ast::Entry::Term(t) => (format!("-{}", t.id.name), &t.value),
                    _ => return None,
                };
                let mut vars = BTreeSet::new();
                variables_in(pattern, &mut vars);
                Some((id, vars.into_iter().map(str::to_owned).collect()))
            })
            .collect()
    }

    fn file(lang: &str) -> &'static str {
        locale_files().find(|(tag, _)| tag == lang).and_then(|(_, text)| text).unwrap()
    }

    #[test]
    fn every_locale_file_parses() {
        let mut count = 0;
        for (lang, text) in locale_files() {
            let text = text.unwrap_or_else(|| panic!("{lang}.ftl is not UTF-8"));
            if let Err(err) = parse_locale(&lang, text) {
                panic!("{err}");
            }
            // Stricter than the bundle: no junk at all, not even a comment
            // in the wrong place.
            if let Err((_, errors)) = fluent_syntax::parser::parse(text) {
                panic!("{lang}.ftl: {errors:?}");
            }
            count += 1;
        }
        assert_eq!(available(), SHIPPED);
        assert_eq!(count, SHIPPED.len());
    }

    #[test]
    fn every_locale_has_exactly_the_english_messages_and_their_arguments() {
        let english = entries(file("en"));
        assert!(english.len() > 60, "en.ftl looks truncated");
        for lang in SHIPPED {
            let ours = entries(file(lang));
            let ids = |list: &[(String, BTreeSet<String>)]| -> BTreeSet<String> {
                list.iter().map(|(id, _)| id.clone()).collect()
            };
            let missing: Vec<_> = ids(&english).difference(&ids(&ours)).cloned().collect();
            let extra: Vec<_> = ids(&ours).difference(&ids(&english)).cloned().collect();
            assert!(missing.is_empty(), "{lang}.ftl lacks {missing:?}");
            assert!(extra.is_empty(), "{lang}.ftl has extra {extra:?}");
            // A translation that drops `$query` would silently lose it.
            for (id, vars) in &english {
                let (_, theirs) = ours.iter().find(|(other, _)| other == id).unwrap();
                assert_eq!(theirs, vars, "{lang}.ftl: {id} uses other arguments than en");
            }
        }
    }

    #[test]
    fn every_message_formats_with_its_arguments_without_errors() {
        let english = entries(file("en"));
        for lang in SHIPPED {
            let locale = locale(lang);
            assert_eq!(locale.lang(), lang);
            for (id, vars) in english.iter().filter(|(id, _)| !id.starts_with('-')) {
                for count in ["1", "2", "5", "1234"] {
                    let args: Vec<(&str, &str)> = vars.iter().map(|var| (var.as_str(), count)).collect();
                    let mut fluent_args = FluentArgs::new();
                    for (name, value) in &args {
                        fluent_args.set(*name, *value);
                    }
                    let (bundle, pattern) = locale.pattern(id).unwrap();
                    let mut errors = Vec::new();
                    let text = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
                    assert!(errors.is_empty(), "{lang} {id}: {errors:?}");
                    assert!(!text.trim().is_empty(), "{lang} {id} is empty");
                    assert!(!text.contains('{'), "{lang} {id}: {text}");
                    assert_eq!(locale.t_with(id, &args), text);
                    if vars.is_empty() {
                        assert_eq!(locale.t(id), text);
                    }
                }
            }
        }
    }

    #[test]
    fn every_language_names_itself() {
        let names: Vec<(&str, &str, TextDirection)> =
            SHIPPED.iter().map(|lang| (*lang, locale(lang).name(), locale(lang).dir())).collect();
        assert_eq!(
            names,
            [
                ("de", "Deutsch", TextDirection::Ltr),
                ("en", "English", TextDirection::Ltr),
                ("es", "Español", TextDirection::Ltr),
                ("fr", "Français", TextDirection::Ltr),
                ("it", "Italiano", TextDirection::Ltr),
                ("pt", "Português", TextDirection::Ltr),
            ]
        );
    }

    #[test]
    fn long_dates_in_every_language() {
        let date = NaiveDate::from_ymd_opt(2019, 9, 11).unwrap();
        for (lang, expected) in [
            ("en", "September 11, 2019"),
            ("de", "11. September 2019"),
            ("es", "11 de septiembre de 2019"),
            ("fr", "11 septembre 2019"),
            ("pt", "11 de setembro de 2019"),
            ("it", "11 settembre 2019"),
        ] {
            assert_eq!(locale(lang).format_date(&date), expected, "{lang}");
        }
        // Regional tags get their language's format, unknown ones English's.
        assert_eq!(locale("de-AT").format_date(&date), "11. September 2019");
        assert_eq!(locale("zz").format_date(&date), "September 11, 2019");
    }

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
        assert_eq!(locale("de").format_date(&date), "29. Februar 2024");
    }

    #[test]
    fn numbers_in_every_language() {
        for (lang, expected) in [
            ("en", "1,234,567"),
            ("de", "1.234.567"),
            ("es", "1.234.567"),
            // CLDR's French groups with a narrow no-break space.
            ("fr", "1\u{202f}234\u{202f}567"),
            ("pt", "1.234.567"),
            ("it", "1.234.567"),
        ] {
            assert_eq!(locale(lang).format_number(1_234_567), expected, "{lang}");
        }
        assert_eq!(locale("en").format_number(-1_234), "-1,234");
        assert_eq!(locale("en").format_number(7), "7");
        assert_eq!(locale("zz").format_number(1_234_567), "1,234,567");
    }

    #[test]
    fn counts_select_plurals_and_print_grouped() {
        let search = |lang: &str, n: &str| locale(lang).t_with("search_results", &[("n", n), ("query", "2019")]);
        assert_eq!(search("en", "1"), "1 result for “2019”");
        assert_eq!(search("en", "12"), "12 results for “2019”");
        // The count is grouped, the query (digits too) printed as typed.
        assert_eq!(search("en", "1234"), "1,234 results for “2019”");
        assert_eq!(search("de", "1"), "1 Ergebnis für „2019“");
        assert_eq!(search("de", "1234"), "1.234 Ergebnisse für „2019“");

        let reading = |lang: &str, n: &str| locale(lang).t_with("reading_time", &[("n", n)]);
        assert_eq!(reading("en", "7"), "7 min read");
        assert_eq!(reading("de", "1"), "1 Minute Lesezeit");
        assert_eq!(reading("de", "7"), "7 Minuten Lesezeit");
        assert_eq!(reading("es", "1"), "1 minuto de lectura");
        assert_eq!(reading("it", "2"), "2 minuti di lettura");
        // French's "one" is 0 and 1, so a count of 0 stays singular.
        assert_eq!(reading("fr", "0"), "0 minute de lecture");
        assert_eq!(reading("fr", "2"), "2 minutes de lecture");
        // A count that is not a number is shown, not lost.
        assert_eq!(reading("en", "a few"), "a few min read");

        assert_eq!(locale("fr").t_with("page_n_of_total", &[("n", "2"), ("total", "1500")]), "Page 2 sur 1\u{202f}500");
    }

    #[test]
    fn lang_fallback() {
        assert_eq!(locale("en").lang(), "en");
        assert_eq!(locale("en-GB").lang(), "en");
        assert_eq!(locale("EN_us").lang(), "en");
        assert_eq!(locale("de-AT").lang(), "de");
        assert_eq!(locale("pt_BR").lang(), "pt");
        assert_eq!(locale("").lang(), "en");
        assert_eq!(locale("zh-Hant-TW").lang(), "en");
        assert_eq!(locale("zh-Hant-TW").t("most_recent"), "Most recent");
    }

    #[test]
    fn key_fallback() {
        let partial = parse_locale("xx", "share = Teilen\n").unwrap();
        assert_eq!(partial.t("share"), "Teilen");
        assert_eq!(partial.t("copy_link"), "Copy link");
        assert_eq!(partial.t("no_such_key"), "no_such_key");
        assert_eq!(partial.t_with("more_from_section", &[("section", "Sport")]), "More from Sport");
        assert_eq!(partial.t_with("no_such_key", &[]), "no_such_key");
        // No name term: the tag stands in; no direction term: left to right.
        assert_eq!(partial.name(), "xx");
        assert_eq!(partial.dir(), TextDirection::Ltr);
        assert_eq!(locale("en").t("most_recent"), "Most recent");
        assert_eq!(locale("de").t("most_recent"), "Neueste Artikel");
    }

    #[test]
    fn placeholders() {
        let en = locale("en");
        assert_eq!(en.t_with("more_from_section", &[("section", "Sports")]), "More from Sports");
        assert_eq!(en.t_with("page_n_of_total", &[("n", "2"), ("total", "10")]), "Page 2 of 10");
        assert_eq!(locale("de").t_with("page_n_of_total", &[("n", "2"), ("total", "10")]), "Seite 2 von 10");
        // Missing argument: Fluent's placeholder stays visible, in `t` too.
        assert_eq!(en.t_with("articles_by", &[]), "Articles by {$name}");
        assert_eq!(en.t("articles_by"), "Articles by {$name}");
        assert_eq!(en.t("reading_time"), "{$n} min read");
        assert_eq!(locale("de").t("reading_time"), "{$n} Minuten Lesezeit");
        // Values are inserted as they are, markup included (escaping is the
        // template's job), and without bidi isolation marks.
        assert_eq!(en.t_with("articles_tagged", &[("tag", "<b>")]), "Articles tagged <b>");
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
        // The separators' spaces survive Fluent's trimming of values.
        assert_eq!(locale("es").join_names(&["Ana", "Ben", "Cleo"]), "Ana, Ben y Cleo");
        assert_eq!(locale("de").join_names(&["Ana", "Ben", "Cleo"]), "Ana, Ben und Cleo");
    }

    #[test]
    fn bad_locale_files_are_rejected() {
        let err = parse_locale("xx", "ok = fine\nbroken = { $n\n").unwrap_err();
        assert!(err.to_string().contains("line 2"), "{err}");
        assert!(parse_locale("xx", "dup = a\ndup = b\n").is_err());
        assert!(parse_locale("xx", "-language-direction = sideways\n").is_err());
        assert!(parse_locale("not a tag!", "a = b\n").is_err());
        let rtl = parse_locale("xx", "-language-direction = rtl\n").unwrap();
        assert_eq!(rtl.dir(), TextDirection::Rtl);
    }

    #[test]
    fn message_ids_are_the_english_messages() {
        let ids = message_ids();
        assert_eq!(ids.first().map(String::as_str), Some("most_recent"));
        for id in ["also_in", "from_sister_sites", "also_writes_for", "translated_from"] {
            assert!(ids.iter().any(|known| known == id), "{id}");
        }
        assert!(ids.iter().all(|id| !id.starts_with('-')));
    }

    #[test]
    fn network_words() {
        let de = locale("de");
        assert_eq!(locale("en").t("also_in"), "Also in");
        assert_eq!(locale("en").t("from_sister_sites"), "From our sister sites");
        assert_eq!(locale("en").t("also_writes_for"), "Also writes for");
        assert_eq!(locale("en").t_with("translated_from", &[("language", "Deutsch")]), "Translated from Deutsch");
        assert_eq!(de.t_with("translated_from", &[("language", "English")]), "Aus dem Original übersetzt (English)");
    }

    #[test]
    fn english_has_the_strings_the_theme_needs() {
        let en = locale("en");
        for (key, text) in [
            ("most_recent", "Most recent"),
            ("by", "By"),
            ("and", "and"),
            ("share_on_x", "Share on X"),
            ("not_found_message", "The page you were looking for does not exist."),
            ("back_to_front_page", "Back to the front page"),
            ("skip_to_content", "Skip to content"),
            ("min_read", "min read"),
            ("list_separator", ", "),
            ("list_last_separator", " and "),
        ] {
            assert_eq!(en.t(key), text);
        }
        assert_eq!(en.dir(), TextDirection::Ltr);
        assert_eq!(en.name(), "English");
    }

    #[test]
    fn locales_can_be_shared_between_threads() {
        fn shareable<T: Send + Sync>() {}
        shareable::<Locale>();
    }
}
