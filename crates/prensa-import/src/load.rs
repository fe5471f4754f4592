//! Reading each kind of content file and putting the import set together.

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};

use prensa_core::slug::{is_reserved_article_slug, is_valid_slug, slugify};
use prensa_core::social::is_safe_profile_url;
use prensa_core::{
    ImportSet, NewArticle, NewAuthor, NewHeroImage, NewPublication, NewSection, PublicationSettings, Status,
};
use toml::de::DeTable;
use toml::Spanned;

use crate::fields::{self, Reader};
use crate::media::Media;
use crate::problem::{FileCx, Problem, Problems};
use crate::text::{decode, split_front_matter, FrontMatter};
use crate::{Prepared, Step, TranslationLink};

const PUBLICATION_KEYS: &[&str] =
    &["slug", "name", "tagline", "language", "base_url", "timezone", "social", "settings", "api"];
const SETTINGS_KEYS: &[&str] = &["more_from_section", "most_recent", "page_size", "from_sister_sites", "feed_content"];
/// The settings that are counts (the others are read one by one).
const COUNT_KEYS: &[&str] = &["more_from_section", "most_recent", "page_size", "from_sister_sites"];
const API_KEYS: &[&str] = &["cors_origins"];
const AUTHOR_KEYS: &[&str] = &["name", "avatar", "social"];
const SECTION_KEYS: &[&str] = &["name", "description", "order"];
const ARTICLE_KEYS: &[&str] = &[
    "title",
    "standfirst",
    "authors",
    "section",
    "tags",
    "date",
    "status",
    "image",
    "image_alt",
    "image_caption",
    "toc",
    "updated",
    "translation_group",
    "translation_of",
    "slug",
];

/// A content file found in one of the folders.
struct Entry {
    /// Relative to the content directory.
    rel: PathBuf,
    /// File name without extension: the slug, unless overridden.
    stem: String,
}

struct Progress<'a> {
    report: &'a dyn Fn(Step),
    done: usize,
    total: usize,
}

impl Progress<'_> {
    fn step(&mut self, file: &Path) {
        self.done += 1;
        (self.report)(Step { done: self.done, total: self.total, file: file.to_path_buf() });
    }
}

/// Reads and validates the directory at `root`. With `spool`, each
/// article's body goes to the spool as the body of set `spool.1` as soon as
/// its file is read, and the article keeps an empty `body`.
pub(crate) fn load(
    root: &Path,
    progress: &dyn Fn(Step),
    mut spool: Option<(&mut crate::Spool, usize)>,
) -> Result<Prepared, Problems> {
    if !root.is_dir() {
        let message = format!("`{}` is not a directory", root.display());
        return Err(Problems(vec![Problem::new("", 0, message)]));
    }
    let mut problems = Vec::new();
    let author_files = list(root, "authors", "md", &mut problems);
    let section_files = list(root, "sections", "toml", &mut problems);
    let article_files = list(root, "articles", "md", &mut problems);
    let mut progress = Progress {
        report: progress,
        done: 0,
        total: 1 + author_files.len() + section_files.len() + article_files.len(),
    };
    let mut media = Media::new(root);

    let publication = publication(root, &mut problems);
    progress.step(Path::new("publication.toml"));

    let mut authors = Vec::new();
    for entry in &author_files {
        authors.extend(author(root, entry, &mut media, &mut problems));
        progress.step(&entry.rel);
    }
    // Sections carry an optional `order` for the navigation; without one
    // they follow the ordered ones, alphabetically by slug.
    let mut sections: Vec<(u32, NewSection)> = Vec::new();
    for entry in &section_files {
        sections.extend(section(root, entry, &mut problems));
        progress.step(&entry.rel);
    }

    // A file that exists but is broken is reported on its own; articles
    // naming it are not reported again.
    let known = Known {
        authors: author_files.iter().map(|e| e.stem.clone()).collect(),
        sections: section_files.iter().map(|e| e.stem.clone()).collect(),
    };
    let mut articles = Vec::new();
    let mut slugs: BTreeMap<String, Vec<(PathBuf, usize)>> = BTreeMap::new();
    let mut links = Vec::new();
    for entry in &article_files {
        let (slug, mut article, link) = article(root, entry, &known, &mut media, &mut problems);
        if let (Some(a), Some((spool, set))) = (article.as_mut(), spool.as_mut()) {
            if let Err(e) = spool.take_body(*set, a) {
                problems.push(Problem::new(entry.rel.clone(), 0, format!("cannot set the body aside on disk: {e}")));
            }
        }
        if let Some((slug, line)) = slug {
            slugs.entry(slug).or_default().push((entry.rel.clone(), line));
        }
        if let (Some(article), Some((language, slug, line))) = (&article, link) {
            links.push(TranslationLink {
                article: article.slug.clone(),
                language,
                slug,
                file: entry.rel.clone(),
                line,
            });
        }
        articles.extend(article);
        progress.step(&entry.rel);
    }
    duplicate_slugs(&slugs, &mut problems);

    let Some(publication) = publication.filter(|_| problems.is_empty()) else {
        return Err(Problems::sorted(problems));
    };
    authors.sort_by(|a, b| a.slug.cmp(&b.slug));
    sections.sort_by(|(oa, a), (ob, b)| oa.cmp(ob).then_with(|| a.slug.cmp(&b.slug)));
    let sections = sections.into_iter().map(|(_, s)| s).collect();
    articles.sort_by(|a, b| a.slug.cmp(&b.slug));
    let (media, files) = media.finish();
    Ok(Prepared { set: ImportSet { publication, media, authors, sections, articles }, files, links })
}

/// The `*.{ext}` files of `root/dir`, sorted by name. Dotfiles are skipped;
/// anything else that does not belong is reported.
fn list(root: &Path, dir: &str, ext: &str, problems: &mut Vec<Problem>) -> Vec<Entry> {
    let read = match std::fs::read_dir(root.join(dir)) {
        Ok(read) => read,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Vec::new(),
        Err(e) => {
            problems.push(Problem::new(dir, 0, format!("cannot be read as a folder: {e}")));
            return Vec::new();
        }
    };
    let mut names = Vec::new();
    for item in read {
        match item {
            Ok(item) => names.push(item.file_name()),
            Err(e) => problems.push(Problem::new(dir, 0, format!("cannot be listed: {e}"))),
        }
    }
    names.sort();
    let suffix = format!(".{ext}");
    let mut entries = Vec::new();
    for name in names {
        let rel = Path::new(dir).join(&name);
        let Some(name) = name.to_str() else {
            problems.push(Problem::new(rel, 0, "file name is not valid UTF-8"));
            continue;
        };
        if name.starts_with('.') {
            continue;
        }
        if root.join(&rel).is_dir() {
            let message =
                format!("unexpected folder: only `*.{ext}` files belong in `{dir}/`, and sub-folders are not read");
            problems.push(Problem::new(rel, 0, message));
            continue;
        }
        let Some(stem) = name.strip_suffix(&suffix) else {
            let message = format!("unexpected file: only `*.{ext}` files belong in `{dir}/` (dotfiles are ignored)");
            problems.push(Problem::new(rel, 0, message));
            continue;
        };
        entries.push(Entry { rel, stem: stem.to_string() });
    }
    entries
}

/// A file's text, or `None` with the problem reported.
fn read_text(root: &Path, rel: &Path, problems: &mut Vec<Problem>) -> Option<String> {
    let bytes = match std::fs::read(root.join(rel)) {
        Ok(bytes) => bytes,
        Err(e) => {
            problems.push(Problem::new(rel, 0, format!("cannot be read: {e}")));
            return None;
        }
    };
    match decode(&bytes) {
        Ok(text) => Some(text.to_string()),
        Err((line, message)) => {
            problems.push(Problem::new(rel, line, message));
            None
        }
    }
}

/// A Markdown file's text and front matter, or `None` with the problem reported.
fn read_markdown(root: &Path, rel: &Path, problems: &mut Vec<Problem>) -> Option<String> {
    let text = read_text(root, rel, problems)?;
    if let Err((line, message)) = split_front_matter(&text) {
        problems.push(Problem::new(rel, line, message));
        return None;
    }
    Some(text)
}

/// Reports an invalid slug with the slugified form as a hint. `span` is
/// where it is written; `None` when it is the file name.
fn check_slug(cx: &mut FileCx<'_>, slug: &str, span: Option<Range<usize>>) -> bool {
    if is_valid_slug(slug) {
        return true;
    }
    let hint = slugify(slug);
    let what = if span.is_some() { "`slug`" } else { "file name" };
    let message = if is_valid_slug(&hint) && hint != slug {
        format!("invalid slug `{slug}` ({what}); slugs use a-z, 0-9 and single hyphens: try `{hint}`")
    } else {
        format!("invalid slug `{slug}` ({what}); slugs use a-z, 0-9 and single hyphens, at most 200 characters")
    };
    match span {
        Some(span) => cx.at(span, message),
        None => cx.file(message),
    }
    false
}

/// The key of the image at `path`, or `None` with the problem reported.
fn image(cx: &mut FileCx<'_>, media: &mut Media, field: &str, path: &Spanned<String>) -> Option<String> {
    match media.resolve(path.get_ref()) {
        Ok(key) => Some(key),
        Err(why) => {
            cx.at(path.span(), format!("{field} `{}` {why}", path.get_ref()));
            None
        }
    }
}

// --- publication.toml -------------------------------------------------------

fn publication(root: &Path, problems: &mut Vec<Problem>) -> Option<NewPublication> {
    let rel = Path::new("publication.toml");
    if !root.join(rel).exists() {
        let message = "missing: the directory needs a publication.toml (slug, name, tagline, language, base_url)";
        problems.push(Problem::new(rel, 0, message));
        return None;
    }
    let text = read_text(root, rel, problems)?;
    let mut cx = FileCx::new(rel, &text, 0);
    let out = publication_fields(&mut cx, &text);
    problems.append(&mut cx.problems);
    out
}

fn publication_fields(cx: &mut FileCx<'_>, text: &str) -> Option<NewPublication> {
    let table = fields::parse(cx, text)?;
    fields::unknown_keys(cx, &table, PUBLICATION_KEYS, "");
    let r = Reader::new(&table);
    let slug = r.string(cx, "slug", true);
    if let Some(slug) = &slug {
        check_slug(cx, slug.get_ref(), Some(slug.span()));
    }
    let name = r.text(cx, "name", true);
    let tagline = r.string(cx, "tagline", true);
    let language = r.string(cx, "language", true);
    if let Some(language) = &language {
        if !plausible_language(language.get_ref()) {
            let message = format!(
                "`language` must be a BCP 47 tag such as `en`, `pt-BR` or `de-CH`, not `{}`",
                language.get_ref()
            );
            cx.at(language.span(), message);
        }
    }
    let base_url = r.string(cx, "base_url", true).and_then(|url| match normalize_base_url(url.get_ref()) {
        Some(url) => Some(url),
        None => {
            let message = format!(
                "`base_url` must be an http:// or https:// URL such as `https://example.com`, not `{}`",
                url.get_ref()
            );
            cx.at(url.span(), message);
            None
        }
    });
    let timezone = match r.string(cx, "timezone", false) {
        Some(tz) if plausible_timezone(tz.get_ref().trim()) => tz.get_ref().trim().to_string(),
        Some(tz) => {
            let message = format!(
                "`timezone` must be an IANA time zone name such as `Europe/Lisbon` or `UTC`, not `{}`",
                tz.get_ref()
            );
            cx.at(tz.span(), message);
            String::new()
        }
        None => "UTC".to_string(),
    };
    let social = fields::social(cx, &table, PUBLICATION_KEYS);
    let settings = settings(cx, &table);
    let api_cors_origins = api(cx, &table);
    if !cx.is_clean() {
        return None;
    }
    Some(NewPublication {
        slug: slug?.into_inner(),
        name: name?.into_inner(),
        tagline: tagline?.into_inner().trim().to_string(),
        language: language?.into_inner(),
        base_url: base_url?,
        timezone,
        social,
        settings,
        api_cors_origins,
    })
}

/// The `[api]` table: `cors_origins`, the origins allowed to call the
/// Content API from a browser (each checked by the core's origin rule and
/// reported on its own line).
fn api(cx: &mut FileCx<'_>, table: &DeTable<'_>) -> Vec<String> {
    let Some((_, table)) = Reader::new(table).table(cx, "api") else {
        return Vec::new();
    };
    fields::unknown_keys(cx, table, API_KEYS, "api.");
    let r = Reader { table, prefix: "api." };
    let Some(list) = r.strings(cx, "cors_origins", false) else {
        return Vec::new();
    };
    let mut origins = Vec::new();
    for item in list.get_ref() {
        match prensa_core::content_api::parse_cors_origin(item.get_ref()) {
            Ok(origin) if !origins.contains(&origin) => origins.push(origin),
            Ok(_) => {}
            Err(message) => cx.at(item.span(), format!("`api.cors_origins`: {message}")),
        }
    }
    if origins.len() > prensa_core::content_api::MAX_CORS_ORIGINS {
        cx.at(
            list.span(),
            format!("`api.cors_origins` may list at most {} origins", prensa_core::content_api::MAX_CORS_ORIGINS),
        );
    }
    origins
}

fn settings(cx: &mut FileCx<'_>, table: &DeTable<'_>) -> PublicationSettings {
    let mut settings = PublicationSettings::default();
    let Some((header, table)) = Reader::new(table).table(cx, "settings") else {
        return settings;
    };
    fields::unknown_keys(cx, table, SETTINGS_KEYS, "settings.");
    let r = Reader { table, prefix: "settings." };
    let mut spans = Vec::new();
    if let Some(value) = r.string(cx, "feed_content", false) {
        match prensa_core::FeedContent::parse(value.get_ref()) {
            Some(content) => settings.feed_content = content,
            None => cx.at(
                value.span(),
                format!("`settings.feed_content` must be \"full\" or \"summary\", not {:?}", value.get_ref()),
            ),
        }
    }
    for key in COUNT_KEYS {
        let Some(value) = r.count(cx, key) else { continue };
        let slot = match *key {
            "more_from_section" => &mut settings.more_from_section,
            "most_recent" => &mut settings.most_recent,
            "from_sister_sites" => &mut settings.from_sister_sites,
            _ => &mut settings.page_size,
        };
        *slot = *value.get_ref();
        spans.push((*key, value.span()));
    }
    if let Err(message) = settings.validate() {
        // Put it on the line of the key the message is about.
        let at = spans
            .iter()
            .find(|(key, _)| message.contains(&format!("settings.{key} ")))
            .map_or(header, |(_, span)| span.clone());
        cx.at(at, message);
    }
    settings
}

/// Letters, digits and hyphens; a primary subtag of 2–3 letters; subtags of
/// 1–8 characters.
fn plausible_language(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let primary = parts.next().unwrap_or("");
    (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// An absolute http(s) URL with a host, without the trailing slash.
fn normalize_base_url(url: &str) -> Option<String> {
    let url = url.trim();
    let lower = url.to_ascii_lowercase();
    let rest = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://"))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    (!host.is_empty() && is_safe_profile_url(url)).then(|| url.trim_end_matches('/').to_string())
}

/// `UTC` or an `Area/Location` name. Without a time zone database this can
/// only catch what is clearly not a zone name.
fn plausible_timezone(tz: &str) -> bool {
    !tz.is_empty()
        && tz.len() <= 64
        && tz.split('/').all(|part| {
            part.starts_with(|c: char| c.is_ascii_alphabetic())
                && part.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+'))
        })
}

// --- authors/<slug>.md ------------------------------------------------------

fn author(root: &Path, entry: &Entry, media: &mut Media, problems: &mut Vec<Problem>) -> Option<NewAuthor> {
    let text = read_markdown(root, &entry.rel, problems)?;
    let fm = split_front_matter(&text).ok()?;
    let mut cx = FileCx::new(&entry.rel, &text, fm.base);
    let out = author_fields(&mut cx, entry, &fm, media);
    problems.append(&mut cx.problems);
    out
}

fn author_fields(cx: &mut FileCx<'_>, entry: &Entry, fm: &FrontMatter<'_>, media: &mut Media) -> Option<NewAuthor> {
    check_slug(cx, &entry.stem, None);
    let table = fields::parse(cx, fm.toml)?;
    fields::unknown_keys(cx, &table, AUTHOR_KEYS, "");
    let r = Reader::new(&table);
    let name = r.text(cx, "name", true);
    let avatar = r.string(cx, "avatar", false).and_then(|path| image(cx, media, "avatar", &path));
    let social = fields::social(cx, &table, AUTHOR_KEYS);
    if !cx.is_clean() {
        return None;
    }
    Some(NewAuthor { slug: entry.stem.clone(), name: name?.into_inner(), bio: fm.body.to_string(), avatar, social })
}

// --- sections/<slug>.toml ---------------------------------------------------

fn section(root: &Path, entry: &Entry, problems: &mut Vec<Problem>) -> Option<(u32, NewSection)> {
    let text = read_text(root, &entry.rel, problems)?;
    let mut cx = FileCx::new(&entry.rel, &text, 0);
    let out = section_fields(&mut cx, entry, &text);
    problems.append(&mut cx.problems);
    out
}

fn section_fields(cx: &mut FileCx<'_>, entry: &Entry, text: &str) -> Option<(u32, NewSection)> {
    check_slug(cx, &entry.stem, None);
    let table = fields::parse(cx, text)?;
    fields::unknown_keys(cx, &table, SECTION_KEYS, "");
    let r = Reader::new(&table);
    let name = r.text(cx, "name", true);
    let description = r.string(cx, "description", false).map(|d| d.get_ref().trim().to_string());
    let order = r.count(cx, "order").map_or(u32::MAX, Spanned::into_inner);
    if !cx.is_clean() {
        return None;
    }
    Some((
        order,
        NewSection { slug: entry.stem.clone(), name: name?.into_inner(), description: description.unwrap_or_default() },
    ))
}

// --- articles/<slug>.md -----------------------------------------------------

/// Slugs of the author and section files present.
struct Known {
    authors: HashSet<String>,
    sections: HashSet<String>,
}

/// The article's slug with the line it is written on (0 for the file name),
/// when it could be read, the article when it has no problems, and its
/// `translation_of` (language, slug, line) when it has one.
type ArticleRead = (Option<(String, usize)>, Option<NewArticle>, Option<(String, String, usize)>);

fn article(root: &Path, entry: &Entry, known: &Known, media: &mut Media, problems: &mut Vec<Problem>) -> ArticleRead {
    let Some(text) = read_markdown(root, &entry.rel, problems) else {
        return (None, None, None);
    };
    let Ok(fm) = split_front_matter(&text) else {
        return (None, None, None);
    };
    let mut cx = FileCx::new(&entry.rel, &text, fm.base);
    let out = article_fields(&mut cx, entry, &fm, known, media);
    problems.append(&mut cx.problems);
    out
}

fn article_fields(
    cx: &mut FileCx<'_>,
    entry: &Entry,
    fm: &FrontMatter<'_>,
    known: &Known,
    media: &mut Media,
) -> ArticleRead {
    let Some(table) = fields::parse(cx, fm.toml) else {
        return (None, None, None);
    };
    fields::unknown_keys(cx, &table, ARTICLE_KEYS, "");
    let r = Reader::new(&table);

    let slug = match r.string(cx, "slug", false) {
        Some(s) => check_slug(cx, s.get_ref(), Some(s.span())).then(|| (s.get_ref().clone(), cx.line(s.span().start))),
        None if table.contains_key("slug") => None,
        None => check_slug(cx, &entry.stem, None).then(|| (entry.stem.clone(), 0)),
    };
    let slug = slug.filter(|(slug, line)| {
        let reserved = is_reserved_article_slug(slug);
        if reserved {
            let message = format!("slug `{slug}` is reserved for the site's own URLs (/{slug}/…); choose another");
            if *line > 0 {
                cx.at_line(*line, message)
            } else {
                cx.file(message)
            }
        }
        !reserved
    });

    let title = r.text(cx, "title", true);
    let standfirst = r.text(cx, "standfirst", true);

    let authors = r.strings(cx, "authors", true).map(|list| {
        if list.get_ref().is_empty() {
            cx.at(list.span(), "`authors` must name at least one author");
        }
        let mut out: Vec<String> = Vec::new();
        for author in list.into_inner() {
            let slug = author.get_ref();
            if out.contains(slug) {
                cx.at(author.span(), format!("author `{slug}` is listed twice"));
            } else if !known.authors.contains(slug) {
                cx.at(author.span(), format!("unknown author `{slug}`"));
            }
            out.push(slug.clone());
        }
        out
    });

    let section = r.string(cx, "section", true);
    if let Some(section) = &section {
        if !known.sections.contains(section.get_ref()) {
            cx.at(section.span(), format!("unknown section `{}`", section.get_ref()));
        }
    }

    let tags = r.strings(cx, "tags", false).map(|list| {
        let mut slugs = HashSet::new();
        let mut out = Vec::new();
        for tag in list.into_inner() {
            let name = tag.get_ref().trim();
            let slug = slugify(name);
            if name.is_empty() {
                cx.at(tag.span(), "empty tag name in `tags`");
            } else if slug.is_empty() {
                cx.at(tag.span(), format!("tag `{name}` has no letters or digits to make a slug from"));
            } else if !is_valid_slug(&slug) {
                cx.at(tag.span(), format!("tag `{name}` is too long"));
            } else if slugs.insert(slug) {
                out.push(name.to_string());
            }
        }
        out
    });

    let date = r.datetime(cx, "date", true);
    let updated = r.datetime(cx, "updated", false);
    let status = r.string(cx, "status", true).and_then(|s| {
        let status = Status::parse(s.get_ref());
        if status.is_none() {
            cx.at(s.span(), format!("`status` must be \"published\" or \"draft\", not `{}`", s.get_ref()));
        }
        status
    });
    let hero = hero_image(cx, &table, media);
    let toc = r.boolean(cx, "toc").unwrap_or(false);
    let translation_group = r.text(cx, "translation_group", false).map(Spanned::into_inner);
    let translation_of = r.string(cx, "translation_of", false).and_then(|value| {
        let line = cx.line(value.span().start);
        match parse_translation_of(value.get_ref()) {
            Some((language, slug)) => Some((language, slug, line)),
            None => {
                let message = format!(
                    "`translation_of` must be \"LANG:SLUG\", the language of a sister publication and the slug of \
                     the original there (e.g. \"en:september-11-in-chile\"), not `{}`",
                    value.get_ref()
                );
                cx.at(value.span(), message);
                None
            }
        }
    });

    if !cx.is_clean() {
        return (slug, None, None);
    }
    let article = (|| {
        Some(NewArticle {
            slug: slug.clone()?.0,
            headline: title?.into_inner(),
            standfirst: standfirst?.into_inner(),
            body: fm.body.to_string(),
            toc,
            authors: authors?,
            section: section?.into_inner(),
            tags: tags.unwrap_or_default(),
            image: hero,
            status: status?,
            published_at: date?,
            updated_at: updated,
            translation_group,
        })
    })();
    (slug, article, translation_of)
}

/// `"en:september-11-in-chile"` → `("en", "september-11-in-chile")`.
fn parse_translation_of(value: &str) -> Option<(String, String)> {
    let (language, slug) = value.trim().split_once(':')?;
    (plausible_language(language) && is_valid_slug(slug)).then(|| (language.to_string(), slug.to_string()))
}

/// `image`, `image_alt` and `image_caption`: alt text is required with an
/// image, and neither alt nor caption means anything without one.
fn hero_image(cx: &mut FileCx<'_>, table: &DeTable<'_>, media: &mut Media) -> Option<NewHeroImage> {
    let r = Reader::new(table);
    let path = r.string(cx, "image", false);
    let alt = r.string(cx, "image_alt", false);
    let caption = r.string(cx, "image_caption", false);
    let Some(path) = path else {
        if !table.contains_key("image") {
            for (key, value) in [("image_alt", &alt), ("image_caption", &caption)] {
                if let Some(value) = value {
                    cx.at(value.span(), format!("`{key}` is set but there is no `image`"));
                }
            }
        }
        return None;
    };
    let key = image(cx, media, "image", &path);
    let alt = match alt {
        Some(alt) if !alt.get_ref().trim().is_empty() => Some(alt.get_ref().trim().to_string()),
        Some(alt) => {
            cx.at(alt.span(), "`image_alt` must not be empty: describe the image for readers who cannot see it");
            None
        }
        None => {
            if !table.contains_key("image_alt") {
                cx.at(path.span(), "`image` needs `image_alt`: describe the image for readers who cannot see it");
            }
            None
        }
    };
    let caption = caption.map(|c| c.get_ref().trim().to_string()).filter(|c| !c.is_empty());
    Some(NewHeroImage { key: key?, alt: alt?, caption })
}

/// Reports every place an article slug is used more than once.
fn duplicate_slugs(slugs: &BTreeMap<String, Vec<(PathBuf, usize)>>, problems: &mut Vec<Problem>) {
    let place = |(file, line): &(PathBuf, usize)| {
        if *line == 0 {
            file.display().to_string()
        } else {
            format!("{}:{line}", file.display())
        }
    };
    for (slug, places) in slugs.iter().filter(|(_, places)| places.len() > 1) {
        for (i, (file, line)) in places.iter().enumerate() {
            let others: Vec<String> =
                places.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, p)| place(p)).collect();
            let message = format!("duplicate article slug `{slug}`: also used by {}", others.join(", "));
            problems.push(Problem::new(file, *line, message));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages() {
        for ok in ["en", "pt-BR", "de-CH", "zh-Hant-TW", "es-419", "fil"] {
            assert!(plausible_language(ok), "{ok}");
        }
        for bad in ["", "e", "english", "en_GB", "en-", "1a", "en-toolongsubtag", "pt BR"] {
            assert!(!plausible_language(bad), "{bad}");
        }
    }

    #[test]
    fn base_urls() {
        assert_eq!(normalize_base_url("https://meridian.example/").as_deref(), Some("https://meridian.example"));
        assert_eq!(normalize_base_url("http://localhost:8080").as_deref(), Some("http://localhost:8080"));
        for bad in
            ["meridian.example", "ftp://x.example", "https://", "https:///x", "javascript:alert(1)", "https://a b"]
        {
            assert_eq!(normalize_base_url(bad), None, "{bad}");
        }
    }

    #[test]
    fn timezones() {
        for ok in ["UTC", "Europe/London", "America/Argentina/Buenos_Aires", "Etc/GMT+3"] {
            assert!(plausible_timezone(ok), "{ok}");
        }
        for bad in ["", "Europe/", "/UTC", "Europe London", "+01:00"] {
            assert!(!plausible_timezone(bad), "{bad}");
        }
    }
}

/// Property tests: any bytes as an article, author, section or publication
/// file are read without a panic or a stack overflow, answering either a
/// value or problems.
#[cfg(test)]
mod proptests {
    use proptest::prelude::*;

    use super::*;

    /// Reads `bytes` as each kind of file, on a 256 KiB stack so that a
    /// parser recursing once per nesting level fails here.
    fn read_all(bytes: Vec<u8>) {
        let done = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || {
                let Ok(text) = decode(&bytes) else { return };
                // A content directory that does not exist: images resolve
                // to "does not exist".
                let root = Path::new("/nonexistent/prensa-proptest");
                let mut media = Media::new(root);
                let known = Known {
                    authors: HashSet::from(["ana".to_owned()]),
                    sections: HashSet::from(["politics".to_owned()]),
                };
                let entry = Entry { rel: PathBuf::from("articles/x.md"), stem: "x".into() };
                let mut cx = FileCx::new(&entry.rel, text, 0);
                let _ = section_fields(&mut cx, &entry, text);
                let _ = publication_fields(&mut cx, text);
                if let Ok(fm) = split_front_matter(text) {
                    let mut cx = FileCx::new(&entry.rel, text, fm.base);
                    let _ = article_fields(&mut cx, &entry, &fm, &known, &mut media);
                    let _ = author_fields(&mut cx, &entry, &fm, &mut media);
                    // Every problem points into the file.
                    let lines = text.lines().count().max(1);
                    assert!(cx.problems.iter().all(|p| p.line <= lines + 1), "{:?}", cx.problems);
                }
            })
            .expect("spawn")
            .join();
        assert!(done.is_ok(), "reading panicked");
    }

    /// TOML and front matter pieces that nest or break.
    const PIECES: [&str; 40] = [
        "+++\n",
        "+++",
        "\n",
        "\r\n",
        "title = ",
        "\"x\"",
        "'x'",
        "\"\"\"",
        "'''",
        "[",
        "]",
        "{",
        "}",
        "[[a]]\n",
        "[a.b]\n",
        "a.b.c = 1\n",
        "date = 2026-01-01T10:00:00+01:00\n",
        "date = 1979-05-27\n",
        "tags = [",
        "authors = [\"ana\"]\n",
        "section = \"politics\"\n",
        "status = \"published\"\n",
        "toc = true\n",
        "image = \"../x.png\"\n",
        "slug = \"a b\"\n",
        "= ",
        ",",
        "#",
        "\\",
        "\\u{0}",
        "\u{0}",
        "\u{feff}",
        "é",
        "1e999",
        "0x",
        "inf",
        "nan",
        "x = {a = {b = ",
        "\t",
        "\u{7}",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn any_bytes_are_read(bytes in prop::collection::vec(any::<u8>(), 0..2_000)) {
            read_all(bytes);
        }

        #[test]
        fn any_mix_of_front_matter_is_read(pieces in prop::collection::vec(prop::sample::select(&PIECES[..]), 0..200)) {
            read_all(format!("+++\n{}", pieces.concat()).into_bytes());
        }

        /// Deep nesting of arrays and tables, long lines, thousands of
        /// problems (one per duplicate key).
        #[test]
        fn long_runs_are_read(runs in prop::collection::vec((prop::sample::select(&PIECES[..]), 1..3_000usize), 1..5)) {
            let body: String = runs.iter().map(|(piece, times)| piece.repeat(*times)).collect();
            read_all(format!("+++\n{body}\n+++\nbody").into_bytes());
        }
    }

    #[test]
    fn ten_thousand_nested_arrays_and_tables_are_problems() {
        for value in [format!("{}1{}", "[".repeat(10_000), "]".repeat(10_000)), "{a = ".repeat(10_000)] {
            read_all(format!("+++\ntitle = {value}\n+++\nbody").into_bytes());
        }
    }
}
