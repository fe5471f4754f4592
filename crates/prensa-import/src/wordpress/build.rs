//! What was read from a WordPress export → a [`ForeignImport`] for the
//! publications the caller chose: articles, authors, sections, tags, media,
//! source ids, old addresses and Polylang translation links.
//!
//! Decisions, each also in the README:
//!
//! - **Pages** are articles in a section "Pages" (`pages`): Prensa has one
//!   kind of content, and an "About" page reads as an article without a
//!   date shown prominently. They keep their slugs, so `/about/` stays.
//! - **Sections** come from the primary category (Yoast's
//!   `_yoast_wp_primary_category`), else the first; the other categories
//!   become tags, as Prensa's articles have one section.
//! - **Status**: `publish` and `future` are published (a future date is
//!   scheduled); `draft`, `pending` and `private` are drafts, and so is a
//!   password-protected post (Prensa has no passwords; publishing it would
//!   show what the old site hid). Trash, auto-drafts and revisions are
//!   skipped.
//! - **Slugs** an earlier import of the same site gave (matched by
//!   WordPress ids) are kept; new ones come from `post_name`, else the
//!   title, made unique in the publication, never a path the site itself
//!   uses (`/tag/`, `/feed/`…).

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;

use chrono::{DateTime, Utc};
use prensa_core::foreign::{legacy_path, ForeignImport, LegacyTarget, LegacyUrl, Platform, SourceKind, SourceLink};
use prensa_core::slug::{is_reserved_article_slug, is_valid_slug, slugify};
use prensa_core::{
    ImportSet, NetworkImport, NewArticle, NewAuthor, NewHeroImage, NewPublication, NewSection, NewTranslation, Status,
};

use super::{percent_decode, Export, Kind, Post, WpAuthor, WpTerm};
use crate::{Media, MediaFile, Spool, Spooled};

/// A publication to import into, with what earlier imports stored.
#[derive(Debug, Clone)]
pub struct Target {
    pub publication: NewPublication,
    /// `(kind, WordPress id)` → slug, from `import_sources`.
    pub known: HashMap<(SourceKind, String), String>,
    /// Article slugs the publication already uses for articles no earlier
    /// WordPress import brought (hand-written, or from another platform),
    /// and old slugs its redirects answer for: a new post never takes one
    /// (it becomes `slug-2`), so nothing written here is overwritten.
    pub occupied: HashSet<String>,
}

/// Where each language's items go.
#[derive(Debug, Clone)]
pub struct Plan {
    pub main: Target,
    /// Polylang's language slug of the main publication (`en`): items in
    /// that language, or in none, go to `main`.
    pub main_language: String,
    /// Sister publications by Polylang language slug (`de`).
    pub sisters: BTreeMap<String, Target>,
}

/// The import and what the report says about it.
#[derive(Debug)]
pub struct Built {
    pub import: ForeignImport,
    pub files: Vec<MediaFile>,
    pub missing_media: Vec<String>,
    pub unknown: BTreeMap<String, usize>,
    pub skipped: Vec<String>,
}

/// The languages of the export's items (Polylang `language` terms), sorted.
pub fn languages(export: &Export) -> BTreeSet<String> {
    export.posts.iter().filter_map(|p| p.language.clone()).collect()
}

/// `en-US` → `en`: how Polylang names a language, from a language tag.
pub fn primary_language(tag: &str) -> String {
    tag.split(['-', '_']).next().unwrap_or_default().trim().to_ascii_lowercase()
}

/// [`build`] for an export read with [`super::read_spooled`]: every
/// article's body (its images pointed at the media store) is read from
/// `spool` and goes back there, the articles keeping an empty `body`; the
/// import is then written with the spool as its body source.
pub fn build_spooled(
    export: Export,
    plan: &Plan,
    media: Option<&Path>,
    now: DateTime<Utc>,
    spool: &mut Spool,
) -> std::io::Result<Built> {
    build_into(export, plan, media, now, Some(spool))
}

/// Builds the import for `plan`, bodies in memory. `media` is the copy of
/// `wp-content/uploads`; `now` dates drafts that WordPress left undated.
pub fn build(export: Export, plan: &Plan, media: Option<&Path>, now: DateTime<Utc>) -> Built {
    match build_into(export, plan, media, now, None) {
        Ok(built) => built,
        // Only a spool reads or writes files.
        Err(e) => unreachable!("a build without a spool did I/O: {e}"),
    }
}

fn build_into(
    mut export: Export,
    plan: &Plan,
    media: Option<&Path>,
    now: DateTime<Utc>,
    mut spool: Option<&mut Spool>,
) -> std::io::Result<Built> {
    let mut images = Images::new(media);
    images.attachments = std::mem::take(&mut export.attachments.by_id);
    let mut unknown = BTreeMap::new();
    let mut skipped = export.skipped.clone();
    let categories_by_id: HashMap<&str, &WpTerm> = export.categories.iter().map(|c| (c.id.as_str(), c)).collect();
    let categories_by_slug: HashMap<&str, &WpTerm> = export.categories.iter().map(|c| (c.slug.as_str(), c)).collect();
    let authors_by_login: HashMap<&str, &WpAuthor> = export.authors.iter().map(|a| (a.login.as_str(), a)).collect();
    let base_path = legacy_path(&export.channel.base_url)
        .or_else(|| legacy_path(&export.channel.link))
        .map(|p| p.split('?').next().unwrap_or_default().trim_end_matches('/').to_owned())
        .unwrap_or_default();

    let main_language = plan.main_language.clone();
    let mut targets: Vec<&Target> = vec![&plan.main];
    let mut index_of: HashMap<&str, usize> = HashMap::new();
    for (lang, target) in &plan.sisters {
        index_of.insert(lang.as_str(), targets.len());
        targets.push(target);
    }
    let mut sets: Vec<SetBuilder> = targets.iter().map(|t| SetBuilder::new(t)).collect();

    // Posts in id order, so slugs and reports do not depend on file order.
    let mut posts = export.posts;
    posts.sort_by_key(|p| p.id);
    // Known slugs first: a new post must not take a slug an earlier run
    // gave another post that is still in this export.
    let mut order: Vec<usize> = (0..posts.len()).collect();
    let which_set = |p: &Post| -> Option<usize> {
        match p.language.as_deref() {
            None => Some(0),
            Some(l) if primary_language(l) == main_language => Some(0),
            Some(l) => index_of.get(l).copied(),
        }
    };
    order.sort_by_key(|&i| {
        let p = &posts[i];
        let known =
            which_set(p).is_some_and(|s| sets[s].target.known.contains_key(&(SourceKind::Article, p.id.to_string())));
        (!known, p.id)
    });
    let mut slugs: Vec<Option<String>> = vec![None; posts.len()];
    for &i in &order {
        let p = &posts[i];
        let Some(s) = which_set(p) else {
            continue;
        };
        slugs[i] = Some(sets[s].article_slug(p));
    }

    let mut translation_groups: BTreeMap<String, Vec<(usize, u64, String)>> = BTreeMap::new();
    for (i, p) in posts.into_iter().enumerate() {
        let (Some(s), Some(slug)) = (which_set(&p), slugs[i].take()) else {
            let lang = p.language.as_deref().unwrap_or_default();
            skipped.push(format!("{} {}: language `{lang}` has no publication", kind_name(p.kind), p.id));
            continue;
        };
        for (k, v) in &p.body.unknown {
            *unknown.entry(k.clone()).or_default() += v;
        }
        if let Some(group) = &p.translation_group {
            translation_groups.entry(group.clone()).or_default().push((s, p.id, slug.clone()));
        }
        let set = &mut sets[s];
        set.add_post(
            p,
            slug,
            &mut images,
            &categories_by_id,
            &categories_by_slug,
            &authors_by_login,
            &base_path,
            now,
            &mut skipped,
            spool.as_deref_mut(),
        )?;
    }

    // Polylang: the main publication's article is the original, else the
    // oldest of the group.
    let mut translations = Vec::new();
    for (group, mut members) in translation_groups {
        members.sort_by_key(|(s, id, _)| (*s != 0, *id));
        let Some((first_set, first_id, first_slug)) = members.first().cloned() else { continue };
        let mut seen = HashSet::from([first_set]);
        for (s, id, slug) in members.into_iter().skip(1) {
            if !seen.insert(s) {
                skipped.push(format!("post {id}: a second translation in one language in {group}; not linked"));
                continue;
            }
            translations.push(NewTranslation {
                publication: sets[s].target.publication.slug.clone(),
                article: slug,
                original_language: sets[first_set].target.publication.language.clone(),
                original_slug: first_slug.clone(),
                source: format!("post {id} (translation of post {first_id}, {group})"),
            });
        }
    }

    let (assets, files) = images.media.map(Media::finish).unwrap_or_default();
    let mut import_sets = Vec::new();
    let mut sources = Vec::new();
    let mut legacy = Vec::new();
    for set in sets {
        if set.articles.is_empty() && !std::ptr::eq(set.target, &plan.main) {
            continue;
        }
        // The spool knows bodies by set number and slug; a sister set
        // without articles is left out above, so number them here.
        if let Some(spool) = spool.as_deref_mut() {
            for (slug, at) in &set.bodies {
                spool.place(import_sets.len(), slug, *at);
            }
        }
        let (import_set, mut s, mut l) = set.finish(&assets);
        import_sets.push(import_set);
        sources.append(&mut s);
        legacy.append(&mut l);
    }
    let used: HashSet<&str> = import_sets.iter().flat_map(|s| s.media.iter().map(|m| m.key.as_str())).collect();
    let files = files.into_iter().filter(|f| used.contains(f.key.as_str())).collect();
    Ok(Built {
        import: ForeignImport {
            platform: Platform::WordPress,
            network: NetworkImport { sets: import_sets, translations },
            sources,
            legacy,
        },
        files,
        missing_media: images.missing,
        unknown,
        skipped,
    })
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Post => "post",
        Kind::Page => "page",
    }
}

/// One publication's part of the import, gathered post by post.
struct SetBuilder<'a> {
    target: &'a Target,
    /// Article slugs taken (known ones included).
    taken: HashSet<String>,
    articles: Vec<NewArticle>,
    article_ids: Vec<u64>,
    /// By WordPress login.
    authors: BTreeMap<String, (String, NewAuthor)>,
    author_slugs: HashSet<String>,
    /// By category nicename: source id and section.
    sections: BTreeMap<String, (String, NewSection)>,
    section_slugs: HashSet<String>,
    media_keys: BTreeSet<String>,
    legacy: Vec<LegacyUrl>,
    legacy_paths: HashSet<String>,
    /// Old paths of categories, tags and authors, resolved once every
    /// post is in (a category is a section if any post made it one).
    term_paths: BTreeMap<String, TermRef>,
    /// Each article's body in the spool, by slug.
    bodies: Vec<(String, Spooled)>,
}

impl<'a> SetBuilder<'a> {
    fn new(target: &'a Target) -> SetBuilder<'a> {
        let mut taken = target.occupied.clone();
        let mut author_slugs = HashSet::new();
        let mut section_slugs = HashSet::new();
        for ((kind, _), slug) in &target.known {
            match kind {
                SourceKind::Article => taken.insert(slug.clone()),
                SourceKind::Author => author_slugs.insert(slug.clone()),
                SourceKind::Section => section_slugs.insert(slug.clone()),
            };
        }
        SetBuilder {
            target,
            taken,
            articles: Vec::new(),
            article_ids: Vec::new(),
            authors: BTreeMap::new(),
            author_slugs,
            sections: BTreeMap::new(),
            section_slugs,
            media_keys: BTreeSet::new(),
            legacy: Vec::new(),
            legacy_paths: HashSet::new(),
            term_paths: BTreeMap::new(),
            bodies: Vec::new(),
        }
    }

    fn pub_slug(&self) -> &str {
        &self.target.publication.slug
    }

    fn article_slug(&mut self, p: &Post) -> String {
        if let Some(slug) = self.target.known.get(&(SourceKind::Article, p.id.to_string())) {
            return slug.clone();
        }
        let base = [slugify(&percent_decode(&p.name)), slugify(&p.title)]
            .into_iter()
            .find(|s| !s.is_empty())
            .unwrap_or_else(|| format!("{}-{}", kind_name(p.kind), p.id));
        let slug = unique(&base, &self.taken, true);
        self.taken.insert(slug.clone());
        slug
    }

    fn author(&mut self, login: &str, authors: &HashMap<&str, &WpAuthor>) -> String {
        if let Some((_, author)) = self.authors.get(login) {
            return author.slug.clone();
        }
        let wp = authors.get(login);
        let source_id =
            wp.map(|a| a.id.clone()).filter(|id| !id.is_empty()).unwrap_or_else(|| format!("login:{login}"));
        let slug = match self.target.known.get(&(SourceKind::Author, source_id.clone())) {
            Some(slug) => slug.clone(),
            None => {
                let base = Some(slugify(login)).filter(|s| !s.is_empty()).unwrap_or_else(|| "author".to_owned());
                let slug = unique(&base, &self.author_slugs, false);
                self.author_slugs.insert(slug.clone());
                slug
            }
        };
        let name = wp
            .map(|a| {
                if !a.display_name.is_empty() {
                    a.display_name.clone()
                } else {
                    format!("{} {}", a.first_name, a.last_name).trim().to_owned()
                }
            })
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| login.to_owned());
        let author = NewAuthor {
            slug: slug.clone(),
            name: super::content::plain_text(&name),
            bio: wp.map(|a| super::content::plain_text(&a.description)).unwrap_or_default(),
            avatar: None,
            social: Default::default(),
        };
        self.authors.insert(login.to_owned(), (source_id, author));
        slug
    }

    fn section(&mut self, nicename: &str, name: &str, term: Option<&WpTerm>) -> String {
        if let Some((_, s)) = self.sections.get(nicename) {
            return s.slug.clone();
        }
        let source_id =
            term.map(|t| t.id.clone()).filter(|id| !id.is_empty()).unwrap_or_else(|| format!("slug:{nicename}"));
        let slug = match self.target.known.get(&(SourceKind::Section, source_id.clone())) {
            Some(slug) => slug.clone(),
            None => {
                let base = Some(slugify(&percent_decode(nicename)))
                    .filter(|s| !s.is_empty())
                    .or_else(|| Some(slugify(name)).filter(|s| !s.is_empty()))
                    .unwrap_or_else(|| "section".to_owned());
                let slug = unique(&base, &self.section_slugs, false);
                self.section_slugs.insert(slug.clone());
                slug
            }
        };
        let name = term.map(|t| t.name.clone()).filter(|n| !n.is_empty()).unwrap_or_else(|| name.to_owned());
        let section = NewSection {
            slug: slug.clone(),
            name: if name.is_empty() { slug.clone() } else { name },
            description: term.map(|t| super::content::plain_text(&t.description)).unwrap_or_default(),
        };
        self.sections.insert(nicename.to_owned(), (source_id, section));
        slug
    }

    fn add_legacy(&mut self, path: Option<String>, target: LegacyTarget) {
        let Some(path) = path else { return };
        // The new address itself (`/about/`, `/tag/strike/`) is served as
        // it is; as an old one it would redirect to itself once the page
        // is gone.
        if !prensa_core::foreign::is_legacy_path(&path)
            || path == "/"
            || path == target.path()
            || !self.legacy_paths.insert(path.clone())
        {
            return;
        }
        self.legacy.push(LegacyUrl { publication: self.pub_slug().to_owned(), path, target });
    }

    #[allow(clippy::too_many_arguments)]
    fn add_post(
        &mut self,
        p: Post,
        slug: String,
        images: &mut Images,
        categories_by_id: &HashMap<&str, &WpTerm>,
        categories_by_slug: &HashMap<&str, &WpTerm>,
        authors: &HashMap<&str, &WpAuthor>,
        base_path: &str,
        now: DateTime<Utc>,
        notes: &mut Vec<String>,
        spool: Option<&mut Spool>,
    ) -> std::io::Result<()> {
        let what = kind_name(p.kind);
        // Section and tags.
        let mut tags: Vec<String> = Vec::new();
        let section = match p.kind {
            Kind::Page => self.section("pages", "Pages", None),
            Kind::Post => {
                let primary = p
                    .primary_category
                    .as_deref()
                    .and_then(|id| categories_by_id.get(id))
                    .map(|t| t.slug.clone())
                    .filter(|slug| p.categories.iter().any(|(c, _)| c == slug));
                let primary = primary.or_else(|| p.categories.first().map(|(c, _)| c.clone()));
                match primary {
                    Some(nicename) => {
                        let name = p
                            .categories
                            .iter()
                            .find(|(c, _)| *c == nicename)
                            .map(|(_, n)| n.clone())
                            .unwrap_or_default();
                        for (c, n) in &p.categories {
                            if *c != nicename && !slugify(n).is_empty() {
                                tags.push(n.clone());
                            }
                        }
                        self.section(&nicename, &name, categories_by_slug.get(nicename.as_str()).copied())
                    }
                    None => {
                        self.section("uncategorized", "Uncategorized", categories_by_slug.get("uncategorized").copied())
                    }
                }
            }
        };
        for (_, name) in &p.tags {
            if !slugify(name).is_empty() {
                tags.push(name.clone());
            }
        }
        let mut seen = HashSet::new();
        tags.retain(|t| seen.insert(slugify(t)));

        let login = if p.creator.is_empty() { "wordpress" } else { p.creator.as_str() };
        let author = self.author(login, authors);

        // Images: in the body, and the featured one.
        let markdown = match (p.spooled, spool.as_deref()) {
            (Some(at), Some(spool)) => Cow::Owned(spool.get(at)?),
            _ => Cow::Borrowed(p.body.markdown.as_str()),
        };
        let mut body = rewrite_images(&markdown, &p.body.images, images, &mut self.media_keys);
        drop(markdown);
        if let Some(spool) = spool {
            self.bodies.push((slug.clone(), spool.put(&body)?));
            body = String::new();
        }
        let image = p.thumbnail.and_then(|id| {
            let Some(a) = images.attachments.get(&id).cloned() else {
                notes.push(format!("{what} {}: featured image {id} is not among the export's attachments", p.id));
                return None;
            };
            let key = images.key(&a.url)?;
            self.media_keys.insert(key.clone());
            let caption = (!a.caption.is_empty()).then(|| a.caption.clone());
            Some(NewHeroImage { key, alt: a.alt.clone(), caption })
        });

        let published_status = matches!(p.status.as_str(), "publish" | "future");
        let status = if published_status && !p.has_password { Status::Published } else { Status::Draft };
        if published_status && p.has_password {
            notes.push(format!("{what} {}: password-protected, imported as a draft", p.id));
        }
        let date = p.date.or(p.modified).unwrap_or(now);
        let headline = if p.title.is_empty() { format!("({what} {} without a title)", p.id) } else { p.title.clone() };
        self.articles.push(NewArticle {
            slug: slug.clone(),
            headline,
            standfirst: p.excerpt.clone(),
            body,
            toc: false,
            authors: vec![author.clone()],
            section: section.clone(),
            tags: tags.clone(),
            image,
            status,
            published_at: date.fixed_offset(),
            updated_at: p.modified.map(|m| m.fixed_offset()),
            translation_group: None,
        });
        self.article_ids.push(p.id);

        // Old addresses: only what readers could reach.
        if status != Status::Published {
            return Ok(());
        }
        let article = LegacyTarget::Article(slug.clone());
        self.add_legacy(legacy_path(&p.link), article.clone());
        match p.kind {
            Kind::Post => self.add_legacy(Some(format!("{base_path}/?p={}", p.id)), article.clone()),
            Kind::Page => {
                self.add_legacy(Some(format!("{base_path}/?page_id={}", p.id)), article.clone());
                self.add_legacy(Some(format!("{base_path}/?p={}", p.id)), article.clone());
            }
        }
        if let (Kind::Post, Some(d), false) = (p.kind, p.local_date, p.name.is_empty()) {
            let name = &p.name;
            self.add_legacy(Some(format!("{base_path}/{}/{name}/", d.format("%Y/%m/%d"))), article.clone());
            self.add_legacy(Some(format!("{base_path}/{}/{name}/", d.format("%Y/%m"))), article.clone());
        }
        if p.kind == Kind::Post {
            for (nicename, name) in &p.categories {
                let path = format!("{base_path}/category/{}/", category_path(nicename, categories_by_slug));
                let target = TermRef::Category { nicename: nicename.clone(), name: name.clone() };
                self.term_paths.entry(path).or_insert(target);
            }
            for (nicename, name) in &p.tags {
                if !slugify(name).is_empty() {
                    let target = TermRef::Other(LegacyTarget::Tag(slugify(name)));
                    self.term_paths.entry(format!("{base_path}/tag/{nicename}/")).or_insert(target);
                }
            }
            let target = TermRef::Other(LegacyTarget::Author(author.clone()));
            self.term_paths.entry(format!("{base_path}/author/{author}/")).or_insert(target);
        }
        Ok(())
    }

    fn finish(mut self, assets: &[prensa_core::MediaAsset]) -> (ImportSet, Vec<SourceLink>, Vec<LegacyUrl>) {
        // A demoted category's path goes to the section if another post
        // made it one.
        let term_paths = std::mem::take(&mut self.term_paths);
        for (path, term) in term_paths {
            let target = match term {
                TermRef::Category { nicename, name } => match self.sections.get(&nicename) {
                    Some((_, s)) => LegacyTarget::Section(s.slug.clone()),
                    None if !slugify(&name).is_empty() => LegacyTarget::Tag(slugify(&name)),
                    None => continue,
                },
                TermRef::Other(target) => target,
            };
            self.add_legacy(Some(path), target);
        }
        let publication = self.pub_slug().to_owned();
        let link = |kind, source_id: String, slug: String| SourceLink {
            publication: publication.clone(),
            kind,
            source_id,
            slug,
        };
        let mut sources = Vec::new();
        for (id, a) in self.article_ids.iter().zip(&self.articles) {
            sources.push(link(SourceKind::Article, id.to_string(), a.slug.clone()));
        }
        let mut authors = Vec::new();
        for (_, (source_id, author)) in self.authors {
            sources.push(link(SourceKind::Author, source_id, author.slug.clone()));
            authors.push(author);
        }
        let mut sections = Vec::new();
        for (_, (source_id, section)) in self.sections {
            sources.push(link(SourceKind::Section, source_id, section.slug.clone()));
            sections.push(section);
        }
        let media = assets.iter().filter(|a| self.media_keys.contains(&a.key)).cloned().collect();
        let set = ImportSet {
            publication: self.target.publication.clone(),
            media,
            authors,
            sections,
            articles: self.articles,
        };
        (set, sources, self.legacy)
    }
}

/// What an old list page's address leads to.
enum TermRef {
    Category { nicename: String, name: String },
    Other(LegacyTarget),
}

/// `parent/child` for a child category, as WordPress's category URLs
/// nest (at most 16 levels; a loop in the parents stops there).
fn category_path(nicename: &str, by_slug: &HashMap<&str, &WpTerm>) -> String {
    let mut parts = vec![nicename.to_owned()];
    let mut current = nicename;
    for _ in 0..16 {
        match by_slug.get(current) {
            Some(t) if !t.parent.is_empty() && t.parent != current => {
                parts.push(t.parent.clone());
                current = by_slug.get(t.parent.as_str()).map_or("", |p| p.slug.as_str());
                if current.is_empty() {
                    break;
                }
            }
            _ => break,
        }
    }
    parts.reverse();
    parts.join("/")
}

/// `base`, else `base-2`, `base-3`…: a valid slug not in `taken` (and no
/// path of the site itself, for articles).
fn unique(base: &str, taken: &HashSet<String>, article: bool) -> String {
    let mut base: String = base.chars().take(180).collect::<String>().trim_end_matches('-').to_owned();
    if !is_valid_slug(&base) {
        base = slugify(&base);
    }
    if base.is_empty() {
        base = "item".to_owned();
    }
    let free = |s: &str| !taken.contains(s) && (!article || !is_reserved_article_slug(s));
    if free(&base) {
        return base;
    }
    (2..).map(|n| format!("{base}-{n}")).find(|s| free(s)).unwrap_or(base)
}

/// Image URLs → media keys, through the `--media` copy of the uploads.
struct Images {
    media: Option<Media>,
    attachments: HashMap<u64, super::Attachment>,
    by_url: HashMap<String, Option<String>>,
    missing: Vec<String>,
}

impl Images {
    fn new(root: Option<&Path>) -> Images {
        Images { media: root.map(Media::new), attachments: HashMap::new(), by_url: HashMap::new(), missing: Vec::new() }
    }

    /// The key of the file an image URL names, or `None` (reported once).
    fn key(&mut self, url: &str) -> Option<String> {
        if let Some(known) = self.by_url.get(url) {
            return known.clone();
        }
        let key = self.media.as_mut().and_then(|media| {
            let rel = upload_path(url)?;
            match media.resolve(&rel) {
                Ok(key) => Some(key),
                // `a-300x200.jpg` is a size WordPress made of `a.jpg`.
                Err(_) => media.resolve(&without_size(&rel)?).ok(),
            }
        });
        if key.is_none() {
            self.missing.push(url.to_owned());
        }
        self.by_url.insert(url.to_owned(), key.clone());
        key
    }
}

/// The path under `wp-content/uploads/` of an image URL (any host: sites
/// move and use CDNs), percent-decoded, without query.
fn upload_path(url: &str) -> Option<String> {
    let url = url.split(['?', '#']).next()?;
    let at = url.find("/wp-content/uploads/")? + "/wp-content/uploads/".len();
    let rel = percent_decode(&url[at..]);
    (!rel.is_empty()).then_some(rel)
}

/// `2019/09/a-300x200.jpg` → `2019/09/a.jpg`.
fn without_size(rel: &str) -> Option<String> {
    let dot = rel.rfind('.')?;
    let (stem, ext) = rel.split_at(dot);
    let dash = stem.rfind('-')?;
    let size = &stem[dash + 1..];
    let (w, h) = size.split_once('x')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (digits(w) && digits(h)).then(|| format!("{}{ext}", &stem[..dash]))
}

/// Replaces image destinations (`](url)`) that resolve with `/media/key`,
/// in one pass over the Markdown.
fn rewrite_images(markdown: &str, urls: &[String], images: &mut Images, used: &mut BTreeSet<String>) -> String {
    if urls.is_empty() {
        return markdown.to_owned();
    }
    let mut keys: HashMap<&str, Option<String>> = HashMap::new();
    for url in urls {
        if !keys.contains_key(url.as_str()) {
            let key = images.key(url);
            keys.insert(url.as_str(), key);
        }
    }
    let mut out = String::with_capacity(markdown.len());
    let mut rest = markdown;
    while let Some(at) = rest.find("](") {
        let dest_start = at + 2;
        out.push_str(&rest[..dest_start]);
        let after = &rest[dest_start..];
        let end = after.find(')').unwrap_or(after.len());
        let dest = &after[..end];
        match keys.get(dest) {
            Some(Some(key)) => {
                used.insert(key.clone());
                out.push_str("/media/");
                out.push_str(key);
            }
            _ => out.push_str(dest),
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uploads_and_sizes() {
        assert_eq!(
            upload_path("https://old.example/wp-content/uploads/2019/09/a%20b.jpg?w=3").as_deref(),
            Some("2019/09/a b.jpg")
        );
        assert_eq!(upload_path("https://cdn.example/x.jpg"), None);
        assert_eq!(without_size("2019/09/a-b-300x200.jpg").as_deref(), Some("2019/09/a-b.jpg"));
        assert_eq!(without_size("2019/09/a-b.jpg"), None);
    }

    #[test]
    fn slugs_are_unique_and_never_site_paths() {
        let taken: HashSet<String> = ["news".to_owned(), "news-2".to_owned()].into();
        assert_eq!(unique("news", &taken, true), "news-3");
        assert_eq!(unique("tag", &HashSet::new(), true), "tag-2");
        assert_eq!(unique("tag", &HashSet::new(), false), "tag");
    }
}
