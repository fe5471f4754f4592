//! Reads a Ghost JSON export (Ghost's *Settings → Labs → Export*) and turns
//! it into a [`ForeignImport`] for `prensa import ghost`.
//!
//! The export is one JSON document, `{"db":[{"meta":…,"data":{…}}]}` (older
//! tools write `{"meta":…,"data":{…}}` without the `db` wrapper; both are
//! read). It is parsed with `serde_json::from_reader` over a buffered reader
//! into typed structs that name only the fields an import uses: every other
//! field, and every other table of `data` (members, emails, newsletters…),
//! is skipped by serde as it streams past without being kept, so memory is
//! the size of the posts' own text, never of the whole document. That is
//! "streaming enough": a post must be held whole anyway (its `html` is
//! converted at once), and a newsroom's archive of posts fits in memory many
//! times over (BENCHMARKS.md: 10,000 posts). A streaming visitor over
//! `posts` would save only the posts' text, at the cost of not knowing the
//! tags and authors (which follow the posts) while reading them.
//!
//! Bad input is refused before anything is written: a truncated or
//! malformed file or a wrong type (`"title": {…}`) is a [`ParseError`] with
//! its line and column; nesting deeper than serde_json's recursion limit
//! (128) is refused the same way, so no file can overflow the stack; a
//! post's Lexical or Mobiledoc body, itself a JSON string, is parsed with
//! the same limit.
//!
//! How Ghost's model becomes Prensa's (README, *Moving from Ghost*):
//!
//! - posts and pages become articles (pages have no primary tag usually:
//!   they go to a section "Pages"); the body is the post's `html`, converted
//!   to Markdown by [`crate::html::to_markdown`], or, where `html` is null,
//!   its `lexical` or `mobiledoc` document rendered (paragraphs, headings,
//!   lists, quotes, links, emphasis, and the markdown, html, image, gallery,
//!   embed, bookmark, code and divider cards; other cards are counted);
//! - `status`: `published` is published, `scheduled` is published with its
//!   future date (Prensa shows it from then on); `draft`, `sent` (a
//!   newsletter that was emailed but never on the site) and anything else
//!   are drafts. A post for members or paying members only (`visibility`
//!   other than `public`) is imported as a draft, since Prensa has no
//!   paywall: publishing it would give away what was sold; it is reported;
//! - the primary tag (the first public tag of a post in `posts_tags` order)
//!   is the article's section; every public tag, the primary one included,
//!   stays a tag, so Ghost's `/tag/x/` pages keep answering as Prensa's tag
//!   pages. Internal tags (`#name`, visibility `internal`) are left out;
//! - users who wrote an imported post become authors (name, slug, bio,
//!   profile image), in `posts_authors` order as the byline;
//! - `custom_excerpt` is the standfirst; `feature_image` with its alt and
//!   caption (on the post or in `posts_meta`) the hero image;
//! - images under `__GHOST_URL__/content/images/…` (also Ghost's resized
//!   `size/w600/…` copies) are read from `--media` (a copy of Ghost's
//!   `content/images`) into the media library; a missing one is reported and
//!   the body keeps its URL;
//! - old addresses: Ghost serves posts at `/slug/`, tags at `/tag/slug/`
//!   and authors at `/author/slug/`, as Prensa does, so an old address is
//!   recorded only where the Prensa address differs: an article or author
//!   whose slug had to change, a tag whose Prensa slug (derived from its
//!   name) is not Ghost's.
//!
//! Re-importing a newer export updates what the first run created: Ghost's
//! ids are remembered as source ids, and a known id keeps the slug it was
//! given even if Ghost's slug changed since (the new Ghost slug then becomes
//! an old address of the article).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;
use std::io::Read;
use std::path::Path;

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone, Utc};
use prensa_core::foreign::{ForeignImport, LegacyTarget, LegacyUrl, Platform, SourceKind, SourceLink};
use prensa_core::slug::{is_valid_slug, slugify, RESERVED_ARTICLE_SLUGS};
use prensa_core::{
    ImportSet, NetworkImport, NewArticle, NewAuthor, NewHeroImage, NewPublication, NewSection, SocialLinks, Status,
};
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use serde_json::Value;

use crate::html;
use crate::media::Media;
use crate::MediaFile;

// --- the export, as read --------------------------------------------------

/// The parts of a Ghost export an import uses.
#[derive(Debug, Default)]
pub struct Export {
    /// Ghost's version (`meta.version`), for messages.
    pub version: Option<String>,
    /// When the export was made, the date of last resort for a draft that has none.
    pub exported_on: Option<DateTime<FixedOffset>>,
    pub data: Data,
}

#[derive(Debug, Deserialize)]
struct RawFile {
    #[serde(default)]
    db: Option<Vec<RawDb>>,
    #[serde(default)]
    meta: Option<Meta>,
    #[serde(default)]
    data: Option<Data>,
}

#[derive(Debug, Deserialize)]
struct RawDb {
    #[serde(default)]
    meta: Option<Meta>,
    #[serde(default)]
    data: Option<Data>,
}

#[derive(Debug, Default, Deserialize)]
struct Meta {
    #[serde(default, deserialize_with = "text")]
    version: Option<String>,
    #[serde(default, deserialize_with = "text")]
    exported_on: Option<String>,
}

/// The tables of `data` an import reads.
#[derive(Debug, Default, Deserialize)]
pub struct Data {
    #[serde(default)]
    pub posts: Vec<Post>,
    #[serde(default)]
    pub tags: Vec<Tag>,
    #[serde(default)]
    pub users: Vec<User>,
    #[serde(default)]
    pub posts_tags: Vec<PostTag>,
    #[serde(default)]
    pub posts_authors: Vec<PostAuthor>,
    #[serde(default)]
    pub posts_meta: Vec<PostMeta>,
    #[serde(default)]
    pub settings: Vec<Setting>,
}

/// A post or page. Every field may be missing or null in some Ghost
/// version; ids and dates are read as text whether written as strings or
/// numbers (Ghost 0.x used numeric ids and epoch milliseconds).
#[derive(Debug, Default, Deserialize)]
pub struct Post {
    #[serde(default, deserialize_with = "text")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub slug: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub html: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub lexical: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub mobiledoc: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub feature_image: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub feature_image_alt: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub feature_image_caption: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub custom_excerpt: Option<String>,
    #[serde(default, rename = "type", deserialize_with = "text")]
    pub kind: Option<String>,
    /// Ghost 0.x: `page: true` instead of `type: "page"`.
    #[serde(default, deserialize_with = "text")]
    pub page: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub visibility: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub published_at: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub created_at: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub updated_at: Option<String>,
    /// Ghost before 1.22: one author per post, no `posts_authors`.
    #[serde(default, deserialize_with = "text")]
    pub author_id: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Tag {
    #[serde(default, deserialize_with = "text")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub slug: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub visibility: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct User {
    #[serde(default, deserialize_with = "text")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub slug: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub bio: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub profile_image: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub website: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct PostTag {
    #[serde(default, deserialize_with = "text")]
    pub post_id: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub tag_id: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub sort_order: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct PostAuthor {
    #[serde(default, deserialize_with = "text")]
    pub post_id: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub author_id: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub sort_order: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct PostMeta {
    #[serde(default, deserialize_with = "text")]
    pub post_id: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub feature_image_alt: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub feature_image_caption: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Setting {
    #[serde(default, deserialize_with = "text")]
    pub key: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub value: Option<String>,
}

/// A string, number or boolean as text; null as `None`. Objects and
/// arrays are a type error (a hostile or foreign file), not silently empty.
fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    struct TextVisitor;
    impl<'de> Visitor<'de> for TextVisitor {
        type Value = Option<String>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a string, a number, a boolean or null")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(v.to_owned()))
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            d.deserialize_any(TextVisitor)
        }
    }
    d.deserialize_option(TextVisitor)
}

/// Why an export cannot be read.
#[derive(Debug)]
pub struct ParseError(pub String);

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ParseError {}

/// Reads a whole export. `reader` should be buffered (a `BufReader` over
/// the file): serde_json reads byte by byte.
pub fn parse(reader: impl Read) -> Result<Export, ParseError> {
    let raw: RawFile = serde_json::from_reader(reader).map_err(|e| {
        let what = match e.classify() {
            serde_json::error::Category::Eof => "the file ends too early (truncated?)",
            serde_json::error::Category::Syntax => "it is not valid JSON",
            serde_json::error::Category::Data => "it is not a Ghost export",
            serde_json::error::Category::Io => "it cannot be read",
        };
        ParseError(format!("cannot read the Ghost export: {what}: {e}"))
    })?;
    let (meta, data) = match raw.db {
        Some(dbs) => {
            let mut found = None;
            for db in dbs {
                if db.data.is_some() {
                    found = Some((db.meta, db.data));
                    break;
                }
            }
            found.unwrap_or((None, None))
        }
        None => (raw.meta, raw.data),
    };
    let Some(data) = data else {
        return Err(ParseError(
            "cannot read the Ghost export: it has no `data` (expected {\"db\":[{\"meta\":…,\"data\":{\"posts\":…}}]})"
                .into(),
        ));
    };
    let meta = meta.unwrap_or_default();
    Ok(Export { version: meta.version, exported_on: meta.exported_on.as_deref().and_then(parse_date), data })
}

impl Export {
    /// A setting's value (`title`, `description`, `locale`, `timezone`).
    pub fn setting(&self, key: &str) -> Option<&str> {
        self.data
            .settings
            .iter()
            .find(|s| s.key.as_deref() == Some(key))
            .and_then(|s| s.value.as_deref())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    }

    /// The publication's slug when `--publication` is not given: from the
    /// site's title, else `ghost`.
    pub fn default_slug(&self) -> String {
        let slug = self.setting("title").map(slugify).unwrap_or_default();
        if is_valid_slug(&slug) {
            slug
        } else {
            "ghost".to_owned()
        }
    }

    /// A new publication from the export's settings (title, description,
    /// locale, timezone) for an import into a publication the store does
    /// not hold yet.
    pub fn publication(&self, slug: &str, base_url: &str) -> NewPublication {
        let language = self
            .setting("locale")
            .or_else(|| self.setting("lang"))
            .filter(|l| plausible_language(l))
            .unwrap_or("en")
            .to_owned();
        let timezone = self.setting("timezone").filter(|t| plausible_timezone(t)).unwrap_or("UTC").to_owned();
        NewPublication {
            slug: slug.to_owned(),
            name: self.setting("title").unwrap_or(slug).to_owned(),
            tagline: self.setting("description").unwrap_or_default().to_owned(),
            language,
            base_url: base_url.to_owned(),
            timezone,
            social: SocialLinks::default(),
            settings: Default::default(),
            api_cors_origins: Vec::new(),
        }
    }
}

fn plausible_language(l: &str) -> bool {
    let mut parts = l.split(['-', '_']);
    let first = parts.next().unwrap_or_default();
    (2..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_lowercase())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

fn plausible_timezone(tz: &str) -> bool {
    tz.len() <= 64
        && tz.split('/').all(|part| {
            part.starts_with(|c: char| c.is_ascii_alphabetic())
                && part.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+'))
        })
}

/// A Ghost date: RFC 3339 (`2023-05-01T10:00:00.000Z`), the SQL form
/// older exports use (`2014-01-01 10:00:00`, UTC), or epoch milliseconds.
pub fn parse_date(s: &str) -> Option<DateTime<FixedOffset>> {
    let s = s.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d);
    }
    for format in ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f"] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(s, format) {
            return Some(Utc.from_utc_datetime(&naive).fixed_offset());
        }
    }
    let millis: i64 = s.parse::<f64>().ok().filter(|m| m.is_finite() && m.abs() < 1e15).map(|m| m as i64)?;
    Utc.timestamp_millis_opt(millis).single().map(|d| d.fixed_offset())
}

// --- conversion ------------------------------------------------------------

/// What [`convert`] needs besides the export.
pub struct Options<'a> {
    /// The publication the import goes into (from the store when it holds
    /// it already, so its settings are kept; else [`Export::publication`]).
    pub publication: NewPublication,
    /// Ghost's `content/images`, copied locally (`--media`).
    pub media: Option<&'a Path>,
    /// What an earlier Ghost import into this publication remembered.
    pub known: &'a [SourceLink],
    /// Article slugs the publication already uses for articles no earlier
    /// Ghost import brought (hand-written, or from another platform), and
    /// old slugs its redirects answer for: a new post never takes one (it
    /// becomes `slug-2`), so nothing written here is overwritten.
    pub occupied: &'a HashSet<String>,
    /// "Now", to tell scheduled posts from published ones in the report.
    pub now: DateTime<Utc>,
}

/// An export converted, with what the run should report.
#[derive(Debug)]
pub struct Converted {
    pub import: ForeignImport,
    pub files: Vec<MediaFile>,
    pub missing_media: Vec<String>,
    pub unknown: BTreeMap<String, usize>,
    pub skipped: Vec<String>,
    /// Facts worth a line of their own in the summary (members-only posts
    /// kept as drafts, scheduled posts).
    pub notes: Vec<String>,
}

/// Slug of the section posts without a public tag go to.
pub const DEFAULT_SECTION: &str = "general";
/// Slug of the section pages without a public tag go to.
pub const PAGES_SECTION: &str = "pages";

/// Converts a parsed export, calling `progress(done, total)` after each post.
pub fn convert(export: &Export, opts: &Options<'_>, progress: &dyn Fn(usize, usize)) -> Converted {
    let data = &export.data;
    let pub_slug = opts.publication.slug.clone();
    let mut media = opts.media.map(Media::new);
    let mut missing: BTreeSet<String> = BTreeSet::new();
    let mut unknown: BTreeMap<String, usize> = BTreeMap::new();
    let mut skipped = Vec::new();
    let mut legacy: Vec<LegacyUrl> = Vec::new();
    let mut sources: Vec<SourceLink> = Vec::new();
    let (mut members_only, mut scheduled) = (0usize, 0usize);

    let known_by_kind: HashMap<(SourceKind, &str), &str> =
        opts.known.iter().map(|l| ((l.kind, l.source_id.as_str()), l.slug.as_str())).collect();

    // Tags by id; internal ones and those whose name gives no slug are left out.
    let mut tags: HashMap<&str, &Tag> = HashMap::new();
    for t in &data.tags {
        let (Some(id), Some(name)) = (t.id.as_deref(), t.name.as_deref()) else { continue };
        let name = name.trim();
        if name.starts_with('#') || t.visibility.as_deref() == Some("internal") {
            continue;
        }
        if !is_valid_slug(&slugify(name)) {
            skipped.push(format!("tag {name:?}: its name gives no usable slug in Prensa"));
            continue;
        }
        tags.insert(id, t);
    }
    // Each post's public tags, in Ghost's order (stable for equal sort_order).
    let mut post_tags: HashMap<&str, Vec<(i64, usize, &Tag)>> = HashMap::new();
    for (i, pt) in data.posts_tags.iter().enumerate() {
        let (Some(post), Some(tag)) = (pt.post_id.as_deref(), pt.tag_id.as_deref()) else { continue };
        if let Some(tag) = tags.get(tag) {
            post_tags.entry(post).or_default().push((order(&pt.sort_order), i, tag));
        }
    }
    for list in post_tags.values_mut() {
        list.sort_by_key(|(o, i, _)| (*o, *i));
    }
    let mut post_authors: HashMap<&str, Vec<(i64, usize, &str)>> = HashMap::new();
    for (i, pa) in data.posts_authors.iter().enumerate() {
        let (Some(post), Some(author)) = (pa.post_id.as_deref(), pa.author_id.as_deref()) else { continue };
        post_authors.entry(post).or_default().push((order(&pa.sort_order), i, author));
    }
    for list in post_authors.values_mut() {
        list.sort_by_key(|(o, i, _)| (*o, *i));
    }
    let metas: HashMap<&str, &PostMeta> =
        data.posts_meta.iter().filter_map(|m| Some((m.post_id.as_deref()?, m))).collect();
    let users: HashMap<&str, &User> = data.users.iter().filter_map(|u| Some((u.id.as_deref()?, u))).collect();

    // Slugs taken: every remembered one (an article keeps it), every one
    // the publication's own articles use, then each new one.
    let mut taken_articles: HashSet<String> = opts
        .known
        .iter()
        .filter(|l| l.kind == SourceKind::Article)
        .map(|l| l.slug.clone())
        .chain(opts.occupied.iter().cloned())
        .collect();
    let mut author_slugs: HashMap<&str, String> = HashMap::new();
    let mut taken_authors: HashSet<String> =
        opts.known.iter().filter(|l| l.kind == SourceKind::Author).map(|l| l.slug.clone()).collect();
    let mut section_slugs: HashMap<&str, String> = HashMap::new();
    let mut taken_sections: HashSet<String> =
        opts.known.iter().filter(|l| l.kind == SourceKind::Section).map(|l| l.slug.clone()).collect();
    taken_sections.insert(DEFAULT_SECTION.to_owned());
    taken_sections.insert(PAGES_SECTION.to_owned());

    let mut authors: Vec<NewAuthor> = Vec::new();
    let mut sections: BTreeMap<String, NewSection> = BTreeMap::new();
    let mut articles: Vec<NewArticle> = Vec::new();
    let mut seen_posts: HashSet<&str> = HashSet::new();
    let mut tag_legacy: BTreeMap<String, String> = BTreeMap::new();
    let total = data.posts.len();

    for (n, post) in data.posts.iter().enumerate() {
        progress(n + 1, total);
        let Some(id) = post.id.as_deref().filter(|id| !id.trim().is_empty()) else {
            skipped.push(format!("post {:?}: it has no id", post.title.as_deref().unwrap_or_default()));
            continue;
        };
        if !seen_posts.insert(id) {
            skipped.push(format!("post {id}: its id appears twice; the first is imported"));
            continue;
        }
        let is_page = post.kind.as_deref() == Some("page") || post.page.as_deref() == Some("true");
        let ghost_slug = post.slug.as_deref().unwrap_or_default().trim();

        // The article's slug: remembered, else Ghost's, else made from the title.
        let slug = match known_by_kind.get(&(SourceKind::Article, id)) {
            Some(s) => (*s).to_owned(),
            None => {
                let mut base = if is_valid_slug(ghost_slug) {
                    ghost_slug.to_owned()
                } else {
                    let s = slugify(if ghost_slug.is_empty() {
                        post.title.as_deref().unwrap_or_default()
                    } else {
                        ghost_slug
                    });
                    let s: String = s.chars().take(180).collect();
                    let s = s.trim_end_matches('-').to_owned();
                    if s.is_empty() {
                        format!("post-{}", slugify(id))
                    } else {
                        s
                    }
                };
                if RESERVED_ARTICLE_SLUGS.contains(&base.as_str()) {
                    base = format!("{base}-{}", if is_page { "page" } else { "post" });
                }
                unique(&base, &mut taken_articles)
            }
        };
        sources.push(SourceLink {
            publication: pub_slug.clone(),
            kind: SourceKind::Article,
            source_id: id.to_owned(),
            slug: slug.clone(),
        });
        // Ghost's address, unless an article of the publication's own answers there.
        if !ghost_slug.is_empty() && ghost_slug != slug && !opts.occupied.contains(ghost_slug) {
            if let Some(path) = prensa_core::foreign::legacy_path(&format!("/{ghost_slug}/")) {
                legacy.push(LegacyUrl {
                    publication: pub_slug.clone(),
                    path,
                    target: LegacyTarget::Article(slug.clone()),
                });
            }
        }

        // Tags and section.
        let ptags = post_tags.get(id).map(Vec::as_slice).unwrap_or_default();
        let tag_names: Vec<String> =
            ptags.iter().filter_map(|(_, _, t)| t.name.as_deref().map(|n| n.trim().to_owned())).collect();
        for (_, _, t) in ptags {
            let (Some(name), Some(gslug)) = (t.name.as_deref(), t.slug.as_deref()) else { continue };
            let prensa = slugify(name.trim());
            if gslug != prensa && is_valid_slug(gslug) {
                tag_legacy.insert(gslug.to_owned(), prensa);
            }
        }
        let section = match ptags.first() {
            Some((_, _, t)) => {
                let tag_id = t.id.as_deref().unwrap_or_default();
                let slug = match section_slugs.get(tag_id) {
                    Some(s) => s.clone(),
                    None => {
                        let s = match known_by_kind.get(&(SourceKind::Section, tag_id)) {
                            Some(s) => (*s).to_owned(),
                            None => {
                                let g = t.slug.as_deref().unwrap_or_default();
                                let base = if is_valid_slug(g) {
                                    g.to_owned()
                                } else {
                                    slugify(t.name.as_deref().unwrap_or_default())
                                };
                                unique(&base, &mut taken_sections)
                            }
                        };
                        section_slugs.insert(tag_id, s.clone());
                        sources.push(SourceLink {
                            publication: pub_slug.clone(),
                            kind: SourceKind::Section,
                            source_id: tag_id.to_owned(),
                            slug: s.clone(),
                        });
                        sections.insert(
                            s.clone(),
                            NewSection {
                                slug: s.clone(),
                                name: t.name.as_deref().unwrap_or_default().trim().to_owned(),
                                description: t.description.as_deref().unwrap_or_default().trim().to_owned(),
                            },
                        );
                        s
                    }
                };
                slug
            }
            None => {
                let (s, name) = if is_page { (PAGES_SECTION, "Pages") } else { (DEFAULT_SECTION, "General") };
                sections.entry(s.to_owned()).or_insert_with(|| NewSection {
                    slug: s.to_owned(),
                    name: name.to_owned(),
                    description: String::new(),
                });
                s.to_owned()
            }
        };

        // Authors, in byline order.
        let mut byline: Vec<&str> =
            post_authors.get(id).map(|l| l.iter().map(|(_, _, a)| *a).collect()).unwrap_or_default();
        if byline.is_empty() {
            byline.extend(post.author_id.as_deref());
        }
        let mut author_list = Vec::new();
        for user_id in byline {
            let Some(user) = users.get(user_id) else {
                skipped.push(format!("post {id}: author {user_id} is not among the export's users"));
                continue;
            };
            let slug = match author_slugs.get(user_id) {
                Some(s) => s.clone(),
                None => {
                    let s = match known_by_kind.get(&(SourceKind::Author, user_id)) {
                        Some(s) => (*s).to_owned(),
                        None => {
                            let g = user.slug.as_deref().unwrap_or_default();
                            let base = if is_valid_slug(g) {
                                g.to_owned()
                            } else {
                                slugify(user.name.as_deref().unwrap_or(g))
                            };
                            let base = if base.is_empty() { format!("author-{}", slugify(user_id)) } else { base };
                            unique(&base, &mut taken_authors)
                        }
                    };
                    if let Some(g) = user.slug.as_deref().filter(|g| !g.is_empty() && *g != s) {
                        if let Some(path) = prensa_core::foreign::legacy_path(&format!("/author/{g}/")) {
                            legacy.push(LegacyUrl {
                                publication: pub_slug.clone(),
                                path,
                                target: LegacyTarget::Author(s.clone()),
                            });
                        }
                    }
                    let avatar = user.profile_image.as_deref().and_then(|url| {
                        image_key(url, media.as_mut(), &mut missing, &format!("profile image of {}", s))
                    });
                    authors.push(NewAuthor {
                        slug: s.clone(),
                        name: user.name.as_deref().map(str::trim).filter(|n| !n.is_empty()).unwrap_or(&s).to_owned(),
                        bio: user.bio.as_deref().unwrap_or_default().trim().to_owned(),
                        avatar,
                        social: SocialLinks::default(),
                    });
                    sources.push(SourceLink {
                        publication: pub_slug.clone(),
                        kind: SourceKind::Author,
                        source_id: user_id.to_owned(),
                        slug: s.clone(),
                    });
                    author_slugs.insert(user_id, s.clone());
                    s
                }
            };
            if !author_list.contains(&slug) {
                author_list.push(slug);
            }
        }

        // Status and dates.
        let published = post.published_at.as_deref().and_then(parse_date);
        let date = published
            .or_else(|| post.created_at.as_deref().and_then(parse_date))
            .or_else(|| post.updated_at.as_deref().and_then(parse_date))
            .or(export.exported_on);
        let Some(date) = date else {
            skipped.push(format!("post {id} ({slug}): it has no date"));
            continue;
        };
        let mut status = match post.status.as_deref() {
            Some("published") | Some("scheduled") if published.is_some() => Status::Published,
            _ => Status::Draft,
        };
        let visibility = post.visibility.as_deref().unwrap_or("public");
        if status == Status::Published && visibility != "public" {
            status = Status::Draft;
            members_only += 1;
        }
        if status == Status::Published && date > opts.now {
            scheduled += 1;
        }
        let updated = post.updated_at.as_deref().and_then(parse_date).filter(|u| *u >= date);

        // Body.
        let body = body(post, &mut unknown);
        let body = rewrite_urls(&body, media.as_mut(), &mut missing, &slug);

        // Hero image.
        let meta = metas.get(id);
        let image = post.feature_image.as_deref().filter(|u| !u.trim().is_empty()).and_then(|url| {
            let key = image_key(url, media.as_mut(), &mut missing, &format!("feature image of {slug}"))?;
            let alt = post
                .feature_image_alt
                .as_deref()
                .or_else(|| meta.and_then(|m| m.feature_image_alt.as_deref()))
                .unwrap_or_default();
            let caption = post
                .feature_image_caption
                .as_deref()
                .or_else(|| meta.and_then(|m| m.feature_image_caption.as_deref()))
                .map(html::to_text)
                .filter(|c| !c.is_empty());
            Some(NewHeroImage { key, alt: alt.trim().to_owned(), caption })
        });

        articles.push(NewArticle {
            slug,
            headline: post.title.as_deref().map(str::trim).filter(|t| !t.is_empty()).unwrap_or("(untitled)").to_owned(),
            standfirst: post.custom_excerpt.as_deref().unwrap_or_default().trim().to_owned(),
            body,
            toc: false,
            authors: author_list,
            section,
            tags: tag_names,
            image,
            status,
            published_at: date,
            updated_at: updated,
            translation_group: None,
        });
    }

    for (ghost, prensa) in tag_legacy {
        if let Some(path) = prensa_core::foreign::legacy_path(&format!("/tag/{ghost}/")) {
            legacy.push(LegacyUrl { publication: pub_slug.clone(), path, target: LegacyTarget::Tag(prensa) });
        }
    }
    // One old address, one target: the last one named wins, as the store would.
    let mut seen_paths = HashSet::new();
    legacy.reverse();
    legacy.retain(|l| seen_paths.insert(l.path.clone()));
    legacy.reverse();

    let mut notes = Vec::new();
    if members_only > 0 {
        notes.push(format!(
            "{members_only} post(s) for members only in Ghost were imported as drafts (Prensa has no paywall)"
        ));
    }
    if scheduled > 0 {
        notes.push(format!("{scheduled} post(s) are scheduled: they appear on their publication date"));
    }
    let (media_assets, files) = media.map(Media::finish).unwrap_or_default();
    authors.sort_by(|a, b| a.slug.cmp(&b.slug));
    articles.sort_by(|a, b| a.slug.cmp(&b.slug));
    let set = ImportSet {
        publication: opts.publication.clone(),
        media: media_assets,
        authors,
        sections: sections.into_values().collect(),
        articles,
    };
    Converted {
        import: ForeignImport {
            platform: Platform::Ghost,
            network: NetworkImport { sets: vec![set], translations: Vec::new() },
            sources,
            legacy,
        },
        files,
        missing_media: missing.into_iter().collect(),
        unknown,
        skipped,
        notes,
    }
}

fn order(s: &Option<String>) -> i64 {
    s.as_deref().and_then(|s| s.trim().parse::<f64>().ok()).filter(|f| f.is_finite()).map_or(0, |f| f as i64)
}

/// `base`, or `base-2`, `base-3`… whichever is not taken yet; marks it taken.
fn unique(base: &str, taken: &mut HashSet<String>) -> String {
    if taken.insert(base.to_owned()) {
        return base.to_owned();
    }
    let mut n = 2usize;
    loop {
        let candidate = format!("{base}-{n}");
        if taken.insert(candidate.clone()) {
            return candidate;
        }
        n += 1;
    }
}

/// The path under `content/images` of a Ghost image URL, if it is one:
/// `__GHOST_URL__/content/images/2023/05/a.jpg` or `/content/images/…`
/// → `2023/05/a.jpg`; Ghost's resized copies (`size/w600/`,
/// `format/webp/`) lead to the original.
pub fn ghost_image_path(url: &str) -> Option<String> {
    let url = url.trim();
    let rest = url.strip_prefix("__GHOST_URL__").unwrap_or(url);
    let mut rest = rest.strip_prefix("/content/images/")?;
    loop {
        let mut parts = rest.splitn(3, '/');
        match (parts.next(), parts.next(), parts.next()) {
            (Some("size"), Some(_), Some(tail)) | (Some("format"), Some(_), Some(tail)) => rest = tail,
            _ => break,
        }
    }
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    let decoded = percent_decode(rest)?;
    (!decoded.is_empty()).then_some(decoded)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The media key of a Ghost image, or `None` with the URL reported as
/// missing (a Ghost image not under `--media`, or an outside URL where a
/// key is needed).
fn image_key(url: &str, media: Option<&mut Media>, missing: &mut BTreeSet<String>, what: &str) -> Option<String> {
    let path = ghost_image_path(url);
    match (path, media) {
        (Some(path), Some(media)) => match media.resolve(&path) {
            Ok(key) => Some(key),
            Err(why) => {
                missing.insert(format!("{url} ({what}): {why}"));
                None
            }
        },
        (Some(_), None) => {
            missing.insert(format!("{url} ({what}): no --media folder given"));
            None
        }
        (None, _) => {
            missing.insert(format!("{url} ({what}): not an image of the Ghost site, left out"));
            None
        }
    }
}

/// Rewrites the link and image destinations of a converted body in one
/// pass: Ghost images found under `--media` become `/media/<key>`, and
/// every other `__GHOST_URL__` prefix is dropped, leaving a root-relative
/// link that answers on the new site (posts keep their `/slug/`).
fn rewrite_urls(body: &str, mut media: Option<&mut Media>, missing: &mut BTreeSet<String>, slug: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(at) = rest.find("](") {
        let (head, tail) = rest.split_at(at + 2);
        out.push_str(head);
        if head.ends_with("\\](") {
            // Escaped text, not a destination.
            rest = tail;
            continue;
        }
        let end = tail.find([')', ' ', '\n']).unwrap_or(tail.len());
        let dest = &tail[..end];
        let new = if ghost_image_path(dest).is_some() && is_image_name(dest) {
            match image_key(dest, media.as_deref_mut(), missing, &format!("in {slug}")) {
                Some(key) => format!("/media/{key}"),
                None => dest.replace("__GHOST_URL__", ""),
            }
        } else {
            dest.replacen("__GHOST_URL__", "", 1)
        };
        out.push_str(if new.is_empty() { "/" } else { &new });
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

fn is_image_name(url: &str) -> bool {
    let path = url.split(['?', '#']).next().unwrap_or_default().to_ascii_lowercase();
    [".jpg", ".jpeg", ".png", ".webp", ".gif"].iter().any(|e| path.ends_with(e))
}

// --- bodies ----------------------------------------------------------------

/// A piece of a body rendered from Lexical or Mobiledoc: HTML to convert,
/// or Markdown as a markdown card holds it.
enum Piece {
    Html(String),
    Markdown(String),
}

/// The post's body as Prensa Markdown: from `html`, else `lexical`, else
/// `mobiledoc`. What cannot be converted is counted in `unknown`.
fn body(post: &Post, unknown: &mut BTreeMap<String, usize>) -> String {
    let mut pieces = Vec::new();
    if let Some(h) = post.html.as_deref().filter(|h| !h.trim().is_empty()) {
        pieces.push(Piece::Html(h.to_owned()));
    } else if let Some(doc) = post.lexical.as_deref().filter(|d| !d.trim().is_empty()) {
        match serde_json::from_str::<Value>(doc) {
            Ok(v) => lexical(&v, &mut pieces, unknown),
            Err(_) => *unknown.entry("unreadable lexical document".into()).or_default() += 1,
        }
    } else if let Some(doc) = post.mobiledoc.as_deref().filter(|d| !d.trim().is_empty()) {
        match serde_json::from_str::<Value>(doc) {
            Ok(v) => mobiledoc(&v, &mut pieces, unknown),
            Err(_) => *unknown.entry("unreadable mobiledoc document".into()).or_default() += 1,
        }
    }
    let mut blocks: Vec<String> = Vec::new();
    let mut html_run = String::new();
    let flush = |run: &mut String, blocks: &mut Vec<String>, unknown: &mut BTreeMap<String, usize>| {
        if run.is_empty() {
            return;
        }
        let c = html::to_markdown(run);
        for (tag, n) in c.kept {
            *unknown.entry(format!("<{tag}>")).or_default() += n;
        }
        let md = c.markdown.trim().to_owned();
        if !md.is_empty() {
            blocks.push(md);
        }
        run.clear();
    };
    for p in pieces {
        match p {
            Piece::Html(h) => html_run.push_str(&h),
            Piece::Markdown(m) => {
                flush(&mut html_run, &mut blocks, unknown);
                let m = m.trim();
                if !m.is_empty() {
                    blocks.push(m.to_owned());
                }
            }
        }
    }
    flush(&mut html_run, &mut blocks, unknown);
    let mut out = blocks.join("\n\n");
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

fn s<'v>(v: &'v Value, key: &str) -> &'v str {
    v.get(key).and_then(Value::as_str).unwrap_or_default()
}

fn list<'v>(v: &'v Value, key: &str) -> &'v [Value] {
    v.get(key).and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default()
}

/// A URL as a line of its own (an embed card in Prensa's Markdown), when it
/// is an http(s) URL without characters that would end it early.
fn url_line(url: &str) -> Option<String> {
    let url = url.trim();
    let lower = url.to_ascii_lowercase();
    ((lower.starts_with("https://") || lower.starts_with("http://"))
        && !url.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>')))
    .then(|| format!("<{url}>"))
}

/// A card of either editor; `false` if its kind is not one Prensa converts.
fn card(name: &str, payload: &Value, pieces: &mut Vec<Piece>) -> bool {
    match name {
        "markdown" | "card-markdown" => pieces.push(Piece::Markdown(s(payload, "markdown").to_owned())),
        "html" => pieces.push(Piece::Html(s(payload, "html").to_owned())),
        "hr" | "horizontalrule" => pieces.push(Piece::Html("<hr>".into())),
        "image" => {
            let alt = if s(payload, "alt").is_empty() { s(payload, "altText") } else { s(payload, "alt") };
            let caption = s(payload, "caption");
            let mut h = format!("<figure><img src=\"{}\" alt=\"{}\">", esc(s(payload, "src")), esc(alt));
            if !caption.is_empty() {
                // Captions are HTML in both editors.
                h.push_str(&format!("<figcaption>{caption}</figcaption>"));
            }
            h.push_str("</figure>");
            pieces.push(Piece::Html(h));
        }
        "gallery" => {
            let mut h = String::from("<figure>");
            for img in list(payload, "images") {
                h.push_str(&format!("<img src=\"{}\" alt=\"{}\">", esc(s(img, "src")), esc(s(img, "alt"))));
            }
            let caption = s(payload, "caption");
            if !caption.is_empty() {
                h.push_str(&format!("<figcaption>{caption}</figcaption>"));
            }
            h.push_str("</figure>");
            pieces.push(Piece::Html(h));
        }
        "embed" => {
            match url_line(s(payload, "url")) {
                Some(line) => pieces.push(Piece::Markdown(line)),
                None => pieces.push(Piece::Html(s(payload, "html").to_owned())),
            }
            let caption = s(payload, "caption");
            if !caption.is_empty() {
                pieces.push(Piece::Html(format!("<p>{caption}</p>")));
            }
        }
        "bookmark" => {
            let meta = payload.get("metadata").unwrap_or(&Value::Null);
            let url = s(payload, "url");
            let title = if s(meta, "title").is_empty() { url } else { s(meta, "title") };
            let mut h = format!("<p><a href=\"{}\">{}</a>", esc(url), esc(title));
            if !s(meta, "description").is_empty() {
                h.push_str(&format!(": {}", esc(s(meta, "description"))));
            }
            h.push_str("</p>");
            pieces.push(Piece::Html(h));
        }
        "code" | "codeblock" => {
            pieces.push(Piece::Html(format!("<pre><code>{}</code></pre>", esc(s(payload, "code")))));
        }
        _ => return false,
    }
    true
}

/// Renders a Lexical document (Ghost 5's editor) as pieces.
fn lexical(doc: &Value, pieces: &mut Vec<Piece>, unknown: &mut BTreeMap<String, usize>) {
    let root = doc.get("root").unwrap_or(doc);
    for node in list(root, "children") {
        lexical_block(node, pieces, unknown);
    }
}

fn lexical_type(node: &Value) -> &str {
    let t = s(node, "type");
    t.strip_prefix("extended-").unwrap_or(t)
}

fn lexical_block(node: &Value, pieces: &mut Vec<Piece>, unknown: &mut BTreeMap<String, usize>) {
    let t = lexical_type(node);
    let mut h = String::new();
    match t {
        "paragraph" => {
            h.push_str("<p>");
            lexical_inline(list(node, "children"), &mut h, unknown);
            h.push_str("</p>");
        }
        "heading" => {
            let tag = match s(node, "tag") {
                tag @ ("h1" | "h2" | "h3" | "h4" | "h5" | "h6") => tag,
                _ => "h2",
            };
            h.push_str(&format!("<{tag}>"));
            lexical_inline(list(node, "children"), &mut h, unknown);
            h.push_str(&format!("</{tag}>"));
        }
        "quote" | "aside" => {
            h.push_str("<blockquote><p>");
            lexical_inline(list(node, "children"), &mut h, unknown);
            h.push_str("</p></blockquote>");
        }
        "list" => lexical_list(node, &mut h, unknown),
        "text" | "link" | "linebreak" => {
            h.push_str("<p>");
            lexical_inline(std::slice::from_ref(node), &mut h, unknown);
            h.push_str("</p>");
        }
        _ => {
            if !card(t, node, pieces) {
                *unknown.entry(format!("lexical {t} card")).or_default() += 1;
                if node.get("children").is_some() {
                    h.push_str("<p>");
                    lexical_inline(list(node, "children"), &mut h, unknown);
                    h.push_str("</p>");
                }
            }
        }
    }
    if !h.is_empty() {
        pieces.push(Piece::Html(h));
    }
}

fn lexical_list(node: &Value, h: &mut String, unknown: &mut BTreeMap<String, usize>) {
    let tag = if s(node, "listType") == "number" { "ol" } else { "ul" };
    h.push_str(&format!("<{tag}>"));
    for item in list(node, "children") {
        h.push_str("<li>");
        lexical_inline(list(item, "children"), h, unknown);
        h.push_str("</li>");
    }
    h.push_str(&format!("</{tag}>"));
}

/// Inline Lexical nodes as HTML. Recursion is bounded by serde_json's
/// nesting limit on the document.
fn lexical_inline(nodes: &[Value], h: &mut String, unknown: &mut BTreeMap<String, usize>) {
    for node in nodes {
        match lexical_type(node) {
            "text" | "hashtag" | "tab" => {
                let format = node.get("format").and_then(Value::as_u64).unwrap_or(0);
                let marks: Vec<&str> = [(16, "code"), (1, "strong"), (2, "em"), (4, "s"), (32, "sub"), (64, "sup")]
                    .iter()
                    .filter(|(bit, _)| format & bit != 0)
                    .map(|(_, tag)| *tag)
                    .collect();
                for m in &marks {
                    h.push_str(&format!("<{m}>"));
                }
                h.push_str(&esc(s(node, "text")));
                for m in marks.iter().rev() {
                    h.push_str(&format!("</{m}>"));
                }
            }
            "link" | "autolink" => {
                h.push_str(&format!("<a href=\"{}\">", esc(s(node, "url"))));
                lexical_inline(list(node, "children"), h, unknown);
                h.push_str("</a>");
            }
            "linebreak" => h.push_str("<br>"),
            "list" => lexical_list(node, h, unknown),
            other => {
                *unknown.entry(format!("lexical {other} node")).or_default() += 1;
                lexical_inline(list(node, "children"), h, unknown);
            }
        }
    }
}

/// Renders a Mobiledoc document (Ghost 1–4's editor) as pieces.
fn mobiledoc(doc: &Value, pieces: &mut Vec<Piece>, unknown: &mut BTreeMap<String, usize>) {
    let markups = list(doc, "markups");
    let atoms = list(doc, "atoms");
    let cards = list(doc, "cards");
    for section in list(doc, "sections") {
        let Some(parts) = section.as_array() else { continue };
        match parts.first().and_then(Value::as_u64) {
            Some(1) => {
                let tag = match parts.get(1).and_then(Value::as_str).map(str::to_ascii_lowercase).as_deref() {
                    Some(t @ ("h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "blockquote")) => t.to_owned(),
                    Some("aside" | "pull-quote") => "blockquote".to_owned(),
                    _ => "p".to_owned(),
                };
                let mut h = format!("<{tag}>");
                markers(parts.get(2), markups, atoms, &mut h);
                h.push_str(&format!("</{tag}>"));
                pieces.push(Piece::Html(h));
            }
            Some(2) => {
                let src = parts.get(1).and_then(Value::as_str).unwrap_or_default();
                pieces.push(Piece::Html(format!("<figure><img src=\"{}\" alt=\"\"></figure>", esc(src))));
            }
            Some(3) => {
                let tag = if parts.get(1).and_then(Value::as_str) == Some("ol") { "ol" } else { "ul" };
                let mut h = format!("<{tag}>");
                for item in parts.get(2).and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default() {
                    h.push_str("<li>");
                    markers(Some(item), markups, atoms, &mut h);
                    h.push_str("</li>");
                }
                h.push_str(&format!("</{tag}>"));
                pieces.push(Piece::Html(h));
            }
            Some(10) => {
                let c = parts.get(1).and_then(Value::as_u64).and_then(|i| cards.get(usize::try_from(i).ok()?));
                let name = c.and_then(|c| c.get(0)).and_then(Value::as_str).unwrap_or("?");
                let payload = c.and_then(|c| c.get(1)).unwrap_or(&Value::Null);
                if !card(name, payload, pieces) {
                    *unknown.entry(format!("mobiledoc {name} card")).or_default() += 1;
                }
            }
            other => {
                *unknown.entry(format!("mobiledoc section {}", other.unwrap_or(0))).or_default() += 1;
            }
        }
    }
}

/// A Mobiledoc section's markers as HTML: each opens some markups, holds
/// text (or an atom) and closes some of the open ones.
fn markers(markers: Option<&Value>, markups: &[Value], atoms: &[Value], h: &mut String) {
    let mut open: Vec<&'static str> = Vec::new();
    for m in markers.and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default() {
        let Some(m) = m.as_array() else { continue };
        for idx in m.get(1).and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default() {
            let markup = idx.as_u64().and_then(|i| markups.get(usize::try_from(i).ok()?));
            let tag = markup.and_then(|mk| mk.get(0)).and_then(Value::as_str).unwrap_or("span").to_ascii_lowercase();
            let tag: &'static str = match tag.as_str() {
                "a" => "a",
                "b" | "strong" => "strong",
                "i" | "em" => "em",
                "s" | "del" | "strike" => "s",
                "code" => "code",
                "sup" => "sup",
                "sub" => "sub",
                "u" => "u",
                _ => "span",
            };
            if tag == "a" {
                // Attributes are a flat list: ["href", "https://…", "rel", …].
                let attrs =
                    markup.and_then(|mk| mk.get(1)).and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
                let href = attrs
                    .chunks(2)
                    .find(|kv| kv.first().and_then(Value::as_str) == Some("href"))
                    .and_then(|kv| kv.get(1))
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                h.push_str(&format!("<a href=\"{}\">", esc(href)));
            } else {
                h.push_str(&format!("<{tag}>"));
            }
            open.push(tag);
        }
        match m.first().and_then(Value::as_u64) {
            Some(1) => {
                let atom = m.get(3).and_then(Value::as_u64).and_then(|i| atoms.get(usize::try_from(i).ok()?));
                let name = atom.and_then(|a| a.get(0)).and_then(Value::as_str).unwrap_or_default();
                if name == "soft-return" {
                    h.push_str("<br>");
                } else {
                    h.push_str(&esc(atom.and_then(|a| a.get(1)).and_then(Value::as_str).unwrap_or_default()));
                }
            }
            _ => h.push_str(&esc(m.get(3).and_then(Value::as_str).unwrap_or_default())),
        }
        let closed = m.get(2).and_then(Value::as_u64).unwrap_or(0);
        for _ in 0..closed {
            match open.pop() {
                Some(tag) => h.push_str(&format!("</{tag}>")),
                None => break,
            }
        }
    }
    while let Some(tag) = open.pop() {
        h.push_str(&format!("</{tag}>"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(json: &str) -> Result<Export, ParseError> {
        parse(json.as_bytes())
    }

    #[test]
    fn dates_in_every_ghost_form() {
        assert_eq!(parse_date("2023-05-01T10:00:00.000Z").map(|d| d.timestamp()), Some(1_682_935_200));
        assert_eq!(parse_date("2023-05-01 10:00:00").map(|d| d.timestamp()), Some(1_682_935_200));
        assert_eq!(parse_date("1682935200000").map(|d| d.timestamp()), Some(1_682_935_200));
        assert_eq!(parse_date("soon"), None);
    }

    #[test]
    fn image_paths_lead_to_the_original() {
        assert_eq!(ghost_image_path("__GHOST_URL__/content/images/2023/05/a.jpg").as_deref(), Some("2023/05/a.jpg"));
        assert_eq!(
            ghost_image_path("__GHOST_URL__/content/images/size/w600/format/webp/2023/05/a%20b.jpg").as_deref(),
            Some("2023/05/a b.jpg")
        );
        assert_eq!(ghost_image_path("/content/images/x.png?v=1").as_deref(), Some("x.png"));
        assert_eq!(ghost_image_path("https://images.unsplash.com/photo.jpg"), None);
        assert_eq!(ghost_image_path("__GHOST_URL__/content/images/%ZZ.jpg"), None);
        assert_eq!(ghost_image_path("__GHOST_URL__/content/images/%2"), Some("%2".to_owned()));
    }

    #[test]
    fn both_shapes_are_read_and_wrong_ones_refused() {
        let wrapped = read(r#"{"db":[{"meta":{"version":"5.80.0"},"data":{"posts":[{"id":"a","title":"T"}]}}]}"#);
        let wrapped = wrapped.unwrap_or_default();
        assert_eq!(wrapped.version.as_deref(), Some("5.80.0"));
        assert_eq!(wrapped.data.posts.len(), 1);
        let bare = read(r#"{"meta":{"version":"4.0.0"},"data":{"posts":[],"tags":[{"id":1,"name":"N"}]}}"#);
        assert_eq!(bare.map(|e| e.data.tags.len()).ok(), Some(1));
        let err = read(r#"{"db":[{"data":{"posts":[{"id":"a","title":{"x":1}}]}}]}"#).err().map(|e| e.0);
        assert!(err.as_deref().is_some_and(|e| e.contains("not a Ghost export") && e.contains("line 1")), "{err:?}");
        let err = read(r#"{"db":[{"data":{"posts":[{"id":"a""#).err().map(|e| e.0);
        assert!(err.as_deref().is_some_and(|e| e.contains("ends too early")), "{err:?}");
        let err = read(r#"{"something":"else"}"#).err().map(|e| e.0);
        assert!(err.as_deref().is_some_and(|e| e.contains("no `data`")), "{err:?}");
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        // In a table or field the import does not read: skipped by serde_json
        // without recursion, so it is harmless.
        let deep =
            format!(r#"{{"db":[{{"data":{{"posts":[],"x":{}{}}}}}]}}"#, "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(read(&deep).map(|e| e.data.posts.len()).ok(), Some(0));
        let deep = format!(
            r#"{{"db":[{{"data":{{"posts":[],"x":{}1{}}}}}]}}"#,
            "{\"a\":".repeat(100_000),
            "}".repeat(100_000)
        );
        assert_eq!(read(&deep).map(|e| e.data.posts.len()).ok(), Some(0));
        // Where a post or a field is expected: refused at once.
        let deep = format!(r#"{{"db":[{{"data":{{"posts":{}{}}}}}]}}"#, "[".repeat(100_000), "]".repeat(100_000));
        let err = read(&deep).err().map(|e| e.0);
        assert!(err.as_deref().is_some_and(|e| e.contains("not a Ghost export")), "{err:?}");
        let deep = format!(
            r#"{{"db":[{{"data":{{"posts":[{{"title":{}{}}}]}}}}]}}"#,
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let err = read(&deep).err().map(|e| e.0);
        assert!(err.as_deref().is_some_and(|e| e.contains("line 1 column")), "{err:?}");
        // A deep Lexical document inside a string: counted as unreadable.
        let post = Post {
            lexical: Some(format!(r#"{{"root":{{"children":{}{}}}}}"#, "[".repeat(50_000), "]".repeat(50_000))),
            ..Post::default()
        };
        let mut unknown = BTreeMap::new();
        assert_eq!(body(&post, &mut unknown), "");
        assert_eq!(unknown.get("unreadable lexical document"), Some(&1));
    }

    #[test]
    fn lexical_renders_text_lists_and_cards() {
        let doc = r###"{"root":{"children":[
            {"type":"heading","tag":"h2","children":[{"type":"text","text":"Title","format":0}]},
            {"type":"paragraph","children":[{"type":"text","text":"Bold","format":1},{"type":"text","text":" and ","format":0},
              {"type":"link","url":"https://x.example/","children":[{"type":"text","text":"a link","format":2}]}]},
            {"type":"list","listType":"number","children":[{"type":"listitem","children":[{"type":"text","text":"one"}]},
              {"type":"listitem","children":[{"type":"text","text":"two"}]}]},
            {"type":"markdown","markdown":"Some *markdown* here"},
            {"type":"image","src":"__GHOST_URL__/content/images/a.jpg","alt":"Alt","caption":"Cap"},
            {"type":"callout","calloutText":"Hi"}
        ]}}"###;
        let post = Post { lexical: Some(doc.into()), ..Post::default() };
        let mut unknown = BTreeMap::new();
        assert_eq!(
            body(&post, &mut unknown),
            "## Title\n\n**Bold** and [*a link*](https://x.example/)\n\n1. one\n2. two\n\nSome *markdown* here\n\n\
             ![Alt](__GHOST_URL__/content/images/a.jpg)\nCap\n"
        );
        assert_eq!(unknown.get("lexical callout card"), Some(&1));
    }

    #[test]
    fn mobiledoc_renders_markers_and_cards() {
        let doc = r#"{"version":"0.3.1","atoms":[["soft-return","",{}]],
            "cards":[["markdown",{"markdown":"From **markdown**"}],["hr",{}],["toggle",{}]],
            "markups":[["strong"],["a",["href","https://x.example/","rel","noopener"]]],
            "sections":[[1,"p",[[0,[0],1,"Strong"],[0,[],0," then "],[0,[1],1,"link"],[1,[],0,0],[0,[],0,"after"]]],
              [10,0],[3,"ul",[[[0,[],0,"item"]]]],[10,1],[10,2]]}"#;
        let post = Post { mobiledoc: Some(doc.into()), ..Post::default() };
        let mut unknown = BTreeMap::new();
        assert_eq!(
            body(&post, &mut unknown),
            "**Strong** then [link](https://x.example/)\\\nafter\n\nFrom **markdown**\n\n- item\n\n---\n"
        );
        assert_eq!(unknown.get("mobiledoc toggle card"), Some(&1));
    }

    #[test]
    fn html_is_preferred_and_urls_rewritten() {
        let post = Post {
            html: Some("<p>See <a href=\"__GHOST_URL__/other/\">other</a>.</p>".into()),
            lexical: Some("{}".into()),
            ..Post::default()
        };
        let mut unknown = BTreeMap::new();
        let md = body(&post, &mut unknown);
        let mut missing = BTreeSet::new();
        assert_eq!(rewrite_urls(&md, None, &mut missing, "x"), "See [other](/other/).\n");
        let with_image = "![a](__GHOST_URL__/content/images/a.jpg)\n";
        assert_eq!(rewrite_urls(with_image, None, &mut missing, "x"), "![a](/content/images/a.jpg)\n");
        assert_eq!(missing.len(), 1);
    }
}
