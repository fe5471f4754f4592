//! The query strings of the Content API, read strictly: a parameter the
//! operation does not take, or one given twice, is a 400 naming it (a typo
//! in a filter must not silently return the whole archive). Each
//! operation's parameters are a struct that is both what the handler
//! reads and, through `IntoParams`, what the OpenAPI description lists.
//!
//! Parsed parameters also give the answer's cache key: the canonical query
//! ([`ArticleListQuery::canonical`]), made from the parsed values in a fixed
//! order, so `?limit=5&section=x` and `?section=x&limit=05` share an entry,
//! and the key (`key=`) never enters it.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use prensa_core::Id;
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

use super::error::{ApiError, ErrorCode};

/// The parameter that carries the key, allowed on every operation and
/// never part of a cache key.
pub const KEY_PARAM: &str = "key";

/// Most articles (or results) one answer holds.
pub const MAX_LIMIT: u32 = 100;
/// Articles per answer when `limit` is not given.
pub const DEFAULT_LIMIT: u32 = 20;

/// The query's pairs, each allowed by `allowed` and given once; `key` is
/// left out.
pub fn pairs(query: Option<&str>, allowed: &[&str]) -> Result<BTreeMap<String, String>, ApiError> {
    let mut out = BTreeMap::new();
    for (name, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        if name == KEY_PARAM {
            continue;
        }
        if !allowed.contains(&&*name) {
            let shown: String = name.chars().take(64).collect();
            let expected = if allowed.is_empty() { "none".to_owned() } else { allowed.join(", ") };
            return Err(ApiError::new(
                ErrorCode::UnknownParameter,
                format!("Unknown parameter `{shown}`; this operation takes: {expected}."),
            ));
        }
        if out.insert(name.to_string(), value.into_owned()).is_some() {
            return Err(ApiError::new(ErrorCode::DuplicateParameter, format!("Parameter `{name}` is given twice.")));
        }
    }
    Ok(out)
}

/// The fields an article may show (`fields=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ArticleField {
    Id,
    Slug,
    Url,
    Language,
    Headline,
    Standfirst,
    BodyHtml,
    PublishedAt,
    UpdatedAt,
    Section,
    Authors,
    Tags,
    Image,
    ReadingTimeMinutes,
    Translations,
    Seo,
    CustomFields,
}

impl ArticleField {
    pub const ALL: [ArticleField; 17] = [
        ArticleField::Id,
        ArticleField::Slug,
        ArticleField::Url,
        ArticleField::Language,
        ArticleField::Headline,
        ArticleField::Standfirst,
        ArticleField::BodyHtml,
        ArticleField::PublishedAt,
        ArticleField::UpdatedAt,
        ArticleField::Section,
        ArticleField::Authors,
        ArticleField::Tags,
        ArticleField::Image,
        ArticleField::ReadingTimeMinutes,
        ArticleField::Translations,
        ArticleField::Seo,
        ArticleField::CustomFields,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ArticleField::Id => "id",
            ArticleField::Slug => "slug",
            ArticleField::Url => "url",
            ArticleField::Language => "language",
            ArticleField::Headline => "headline",
            ArticleField::Standfirst => "standfirst",
            ArticleField::BodyHtml => "body_html",
            ArticleField::PublishedAt => "published_at",
            ArticleField::UpdatedAt => "updated_at",
            ArticleField::Section => "section",
            ArticleField::Authors => "authors",
            ArticleField::Tags => "tags",
            ArticleField::Image => "image",
            ArticleField::ReadingTimeMinutes => "reading_time_minutes",
            ArticleField::Translations => "translations",
            ArticleField::Seo => "seo",
            ArticleField::CustomFields => "custom_fields",
        }
    }

    fn parse(s: &str) -> Option<ArticleField> {
        ArticleField::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

/// What `include=` may add beside the articles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Include {
    Authors,
    Tags,
    Section,
}

impl Include {
    pub fn as_str(self) -> &'static str {
        match self {
            Include::Authors => "authors",
            Include::Tags => "tags",
            Include::Section => "section",
        }
    }

    fn parse(s: &str) -> Option<Include> {
        [Include::Authors, Include::Tags, Include::Section].into_iter().find(|i| i.as_str() == s)
    }
}

/// A comma-separated list of names, each known to `parse`, sorted and
/// without repeats. An empty value or item is refused, as a name no
/// operation knows.
fn list<T: Ord + Copy>(name: &str, value: &str, parse: fn(&str) -> Option<T>) -> Result<Vec<T>, ApiError> {
    let mut out = Vec::new();
    for item in value.split(',') {
        let Some(v) = parse(item) else {
            let shown: String = item.chars().take(64).collect();
            return Err(ApiError::invalid(format!("`{name}` does not know `{shown}`.")));
        };
        out.push(v);
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

fn limit(value: Option<&String>) -> Result<u32, ApiError> {
    let Some(v) = value else { return Ok(DEFAULT_LIMIT) };
    match v.parse::<u32>() {
        Ok(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        _ => Err(ApiError::invalid(format!("`limit` must be a whole number from 1 to {MAX_LIMIT}."))),
    }
}

/// An instant from RFC 3339, or a date (its midnight in the publication's
/// time zone `tz`).
fn instant(name: &str, value: &str, tz: chrono_tz::Tz) -> Result<i64, ApiError> {
    if let Ok(t) = DateTime::parse_from_rfc3339(value) {
        return Ok(t.timestamp());
    }
    if let Ok(d) = NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        if let Some(t) = d.and_hms_opt(0, 0, 0).and_then(|t| tz.from_local_datetime(&t).earliest()) {
            return Ok(t.with_timezone(&Utc).timestamp());
        }
    }
    Err(ApiError::invalid(format!(
        "`{name}` must be an RFC 3339 date-time (2026-01-31T09:00:00+01:00) or a date (2026-01-31)."
    )))
}

/// A slug filter: any text is taken (an unknown slug matches nothing), but
/// not an empty one or one longer than any slug.
fn slug(name: &str, value: Option<&String>) -> Result<Option<String>, ApiError> {
    match value {
        None => Ok(None),
        Some(v) if v.is_empty() || v.chars().count() > 200 => {
            Err(ApiError::invalid(format!("`{name}` must be a slug of 1 to 200 characters.")))
        }
        Some(v) => Ok(Some(v.clone())),
    }
}

/// The cursor's spelling: `PUBLISHED_AT.ID` (UTC seconds and the last
/// article's id). Clients treat it as opaque; its pattern is in the OpenAPI
/// description so that any string matching it is a valid position.
pub const CURSOR_PATTERN: &str = r"^-?[0-9]{1,12}\.[0-9]{1,18}$";

pub fn cursor_of(published_at: i64, id: Id) -> String {
    format!("{published_at}.{id}")
}

fn parse_cursor(value: &str) -> Result<(i64, Id), ApiError> {
    let bad = || ApiError::new(ErrorCode::InvalidCursor, "`cursor` must be a `next_cursor` of an earlier answer.");
    let (at, id) = value.split_once('.').ok_or_else(bad)?;
    let digits = |s: &str, max: usize| !s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit());
    let at_digits = at.strip_prefix('-').unwrap_or(at);
    if !digits(at_digits, 12) || !digits(id, 18) {
        return Err(bad());
    }
    Ok((at.parse().map_err(|_| bad())?, id.parse().map_err(|_| bad())?))
}

/// `articles/`'s parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ArticleListQuery {
    /// Only this section's articles (its slug). An unknown slug matches
    /// nothing.
    #[param(min_length = 1, max_length = 200)]
    pub section: Option<String>,
    /// Only articles with this tag (its slug).
    #[param(min_length = 1, max_length = 200)]
    pub tag: Option<String>,
    /// Only articles by this author (their slug).
    #[param(min_length = 1, max_length = 200)]
    pub author: Option<String>,
    /// Only articles readable in this language (BCP 47, any case): written
    /// in it — the publication's own language, so every article — or with a
    /// published translation in it.
    #[param(min_length = 1, max_length = 35, pattern = r"^[A-Za-z0-9-]{1,35}$")]
    pub language: Option<String>,
    /// Published at or after this instant: RFC 3339, or a date meaning its
    /// midnight in the publication's time zone.
    #[param(value_type = Option<String>, format = DateTime)]
    pub published_after: Option<i64>,
    /// Published before this instant (same forms).
    #[param(value_type = Option<String>, format = DateTime)]
    pub published_before: Option<i64>,
    /// Articles per answer, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous answer.
    #[param(value_type = Option<String>, pattern = r"^-?[0-9]{1,12}\.[0-9]{1,18}$")]
    pub cursor: Option<(i64, Id)>,
    /// The article properties to return, comma-separated (`id` and `slug`
    /// always come). Default: all but `body_html`.
    #[param(value_type = Option<Vec<ArticleField>>, style = Form, explode = false, min_items = 1)]
    pub fields: Option<Vec<ArticleField>>,
    /// Add the articles' `authors`, `tags` and/or `section`, once each,
    /// under `included`.
    #[param(value_type = Option<Vec<Include>>, style = Form, explode = false, min_items = 1)]
    pub include: Option<Vec<Include>>,
}

impl ArticleListQuery {
    pub const NAMES: [&'static str; 10] = [
        "section",
        "tag",
        "author",
        "language",
        "published_after",
        "published_before",
        "limit",
        "cursor",
        "fields",
        "include",
    ];

    pub fn parse(query: Option<&str>, tz: chrono_tz::Tz) -> Result<ArticleListQuery, ApiError> {
        let p = pairs(query, &Self::NAMES)?;
        let language = match p.get("language") {
            None => None,
            Some(v) if !v.is_empty() && v.len() <= 35 && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') => {
                Some(v.to_ascii_lowercase())
            }
            Some(_) => return Err(ApiError::invalid("`language` must be a BCP 47 language tag (en, pt-BR).")),
        };
        let q = ArticleListQuery {
            section: slug("section", p.get("section"))?,
            tag: slug("tag", p.get("tag"))?,
            author: slug("author", p.get("author"))?,
            language,
            published_after: p.get("published_after").map(|v| instant("published_after", v, tz)).transpose()?,
            published_before: p.get("published_before").map(|v| instant("published_before", v, tz)).transpose()?,
            limit: p.contains_key("limit").then(|| limit(p.get("limit"))).transpose()?,
            cursor: p.get("cursor").map(|v| parse_cursor(v)).transpose()?,
            fields: p.get("fields").map(|v| list("fields", v, ArticleField::parse)).transpose()?,
            include: p.get("include").map(|v| list("include", v, Include::parse)).transpose()?,
        };
        Ok(q)
    }

    /// The query in one spelling: parsed values, fixed order, no key.
    pub fn canonical(&self) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (name, value) in
            [("section", &self.section), ("tag", &self.tag), ("author", &self.author), ("language", &self.language)]
        {
            if let Some(v) = value {
                s.append_pair(name, v);
            }
        }
        if let Some(v) = self.published_after {
            s.append_pair("published_after", &v.to_string());
        }
        if let Some(v) = self.published_before {
            s.append_pair("published_before", &v.to_string());
        }
        s.append_pair("limit", &self.limit.unwrap_or(DEFAULT_LIMIT).to_string());
        if let Some((at, id)) = self.cursor {
            s.append_pair("cursor", &cursor_of(at, id));
        }
        append_shape(&mut s, self.fields.as_deref(), self.include.as_deref());
        s.finish()
    }
}

fn append_shape(
    s: &mut form_urlencoded::Serializer<'_, String>,
    fields: Option<&[ArticleField]>,
    include: Option<&[Include]>,
) {
    if let Some(f) = fields {
        s.append_pair("fields", &f.iter().map(|f| f.as_str()).collect::<Vec<_>>().join(","));
    }
    if let Some(i) = include {
        s.append_pair("include", &i.iter().map(|i| i.as_str()).collect::<Vec<_>>().join(","));
    }
}

/// `articles/{slug}/`'s parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ArticleQuery {
    /// The article properties to return, comma-separated (`id` and `slug`
    /// always come). Default: all.
    #[param(value_type = Option<Vec<ArticleField>>, style = Form, explode = false, min_items = 1)]
    pub fields: Option<Vec<ArticleField>>,
    /// Add the article's `authors`, `tags` and/or `section` under
    /// `included`.
    #[param(value_type = Option<Vec<Include>>, style = Form, explode = false, min_items = 1)]
    pub include: Option<Vec<Include>>,
}

impl ArticleQuery {
    pub fn parse(query: Option<&str>) -> Result<ArticleQuery, ApiError> {
        let p = pairs(query, &["fields", "include"])?;
        Ok(ArticleQuery {
            fields: p.get("fields").map(|v| list("fields", v, ArticleField::parse)).transpose()?,
            include: p.get("include").map(|v| list("include", v, Include::parse)).transpose()?,
        })
    }

    pub fn canonical(&self) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        append_shape(&mut s, self.fields.as_deref(), self.include.as_deref());
        s.finish()
    }
}

/// How search results are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SearchSort {
    #[default]
    Relevance,
    Newest,
}

/// `search/`'s parameters.
#[derive(Debug, Clone, PartialEq, Eq, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// What to search for: every word must appear (stemmed in the
    /// publication's language); a phrase in double quotes.
    pub q: String,
    /// Results per answer, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `relevance` (default) or `newest`.
    #[param(value_type = Option<SearchSort>)]
    pub sort: Option<SearchSort>,
}

impl SearchQuery {
    pub fn parse(query: Option<&str>) -> Result<SearchQuery, ApiError> {
        let p = pairs(query, &["q", "limit", "sort"])?;
        let Some(q) = p.get("q") else {
            return Err(ApiError::new(ErrorCode::MissingParameter, "`q`, what to search for, is required."));
        };
        let sort = match p.get("sort").map(String::as_str) {
            None => None,
            Some("relevance") => Some(SearchSort::Relevance),
            Some("newest") => Some(SearchSort::Newest),
            Some(_) => return Err(ApiError::invalid("`sort` must be `relevance` or `newest`.")),
        };
        Ok(SearchQuery {
            q: prensa_search::clip_query(q).to_owned(),
            limit: p.contains_key("limit").then(|| limit(p.get("limit"))).transpose()?,
            sort,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list_q(q: &str) -> Result<ArticleListQuery, ApiError> {
        ArticleListQuery::parse(Some(q), chrono_tz::Europe::Berlin)
    }

    #[test]
    fn unknown_and_repeated_parameters_are_refused() {
        assert_eq!(list_q("sectoin=x").map_err(|e| e.code), Err(ErrorCode::UnknownParameter));
        assert_eq!(list_q("limit=1&limit=2").map_err(|e| e.code), Err(ErrorCode::DuplicateParameter));
        assert_eq!(ArticleQuery::parse(Some("limit=1")).map_err(|e| e.code), Err(ErrorCode::UnknownParameter));
        assert!(list_q("key=secret&limit=3").is_ok(), "the key is every operation's");
    }

    #[test]
    fn values_are_checked() {
        for bad in [
            "limit=0",
            "limit=101",
            "limit=x",
            "limit=-1",
            "fields=id,nope",
            "include=body",
            "include=",
            "fields=id,",
            "language=e n",
            "language=",
        ] {
            assert_eq!(list_q(bad).map_err(|e| e.code), Err(ErrorCode::InvalidParameter), "{bad}");
        }
        for bad in ["published_after=yesterday", "published_before=2026-13-01", "published_after=2026-01-01T25:00:00Z"]
        {
            assert_eq!(list_q(bad).map_err(|e| e.code), Err(ErrorCode::InvalidParameter), "{bad}");
        }
        for bad in ["cursor=abc", "cursor=1.", "cursor=.1", "cursor=1.2.3", "cursor=1234567890123.1", "cursor=%2B1.2"] {
            assert_eq!(list_q(bad).map_err(|e| e.code), Err(ErrorCode::InvalidCursor), "{bad}");
        }
        assert_eq!(SearchQuery::parse(Some("limit=3")).map_err(|e| e.code), Err(ErrorCode::MissingParameter));
        assert_eq!(SearchQuery::parse(Some("q=x&sort=oldest")).map_err(|e| e.code), Err(ErrorCode::InvalidParameter));
    }

    #[test]
    fn dates_are_instants_or_local_midnights() -> Result<(), ApiError> {
        let q = list_q("published_after=2026-01-31T09:00:00%2B01:00&published_before=2026-02-01")?;
        assert_eq!(q.published_after, Some(1_769_846_400));
        // Midnight in Berlin is 23:00 UTC the day before.
        assert_eq!(q.published_before, Some(1_769_900_400));
        Ok(())
    }

    #[test]
    fn canonical_queries_ignore_order_spelling_and_the_key() -> Result<(), ApiError> {
        let a = list_q("limit=05&section=x&fields=slug,headline,headline&key=k1")?;
        let b = list_q("section=x&fields=headline,slug&limit=5")?;
        assert_eq!(a.canonical(), b.canonical());
        assert_eq!(a.canonical(), "section=x&limit=5&fields=slug%2Cheadline");
        let c = list_q("cursor=-5.12&language=PT-br")?;
        assert_eq!(c.cursor, Some((-5, 12)));
        assert_eq!(c.canonical(), "language=pt-br&limit=20&cursor=-5.12");
        Ok(())
    }
}
