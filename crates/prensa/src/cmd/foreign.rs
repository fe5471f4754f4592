//! What `prensa import wordpress` and `prensa import ghost` share once their
//! export is read: the summary of what the run found, the `--dry-run` report
//! (created, updated, skipped), copying the image files the import uses, and
//! writing everything in one transaction
//! ([`prensa_store::ForeignImports::apply_foreign`]).

use std::collections::{BTreeMap, HashSet};
use std::process::ExitCode;

use prensa_core::foreign::{ForeignImport, SourceKind};
use prensa_import::MediaFile;
use prensa_store::{ForeignImports, MediaStore, StoreError};

/// An export read and converted, ready to write.
#[derive(Debug)]
pub struct Prepared {
    pub import: ForeignImport,
    /// Image files under `--media` the import uses, to copy into the media store.
    pub files: Vec<MediaFile>,
    /// Image URLs the export names that `--media` does not hold (or no
    /// `--media` given): reported, not fatal; the article keeps the URL.
    pub missing_media: Vec<String>,
    /// Shortcodes, blocks or HTML elements that could not be converted, by
    /// name, with how often each was met (kept visible as text).
    pub unknown: BTreeMap<String, usize>,
    /// Items of the export left out, each with why (`attachment 12`,
    /// `nav_menu_item 40: not content`…).
    pub skipped: Vec<String>,
}

/// The article slugs of publication `publication` that a new imported
/// article must not take: every slug its articles and redirects use
/// ([`ForeignImports::article_slugs`]) except `own`, those this platform's
/// earlier imports gave their articles (a re-run updates them in place).
pub async fn occupied_slugs<'a>(
    store: &impl ForeignImports,
    publication: &str,
    own: impl Iterator<Item = &'a String>,
) -> anyhow::Result<HashSet<String>> {
    let mut occupied: HashSet<String> = store.article_slugs(publication).await?.into_iter().collect();
    for slug in own {
        occupied.remove(slug);
    }
    Ok(occupied)
}

/// How many of a list to print before "and N more".
const SHOWN: usize = 20;

/// Prints what the run found and, unless `dry_run`, writes it. Articles are
/// "updated" when an earlier import of the same platform created them
/// (matched by source id), else "created".
pub async fn finish(
    store: &impl ForeignImports,
    media: &MediaStore,
    prepared: &Prepared,
    dry_run: bool,
    bodies: &dyn prensa_core::BodySource,
) -> anyhow::Result<ExitCode> {
    let import = &prepared.import;
    let platform = import.platform.as_str();
    let verb = if dry_run { "Would import" } else { "Imported" };
    let mut known: HashSet<(String, String)> = HashSet::new();
    for set in &import.network.sets {
        for link in store.import_sources(&set.publication.slug, import.platform).await? {
            if link.kind == SourceKind::Article {
                known.insert((link.publication.clone(), link.slug.clone()));
            }
        }
    }
    if !dry_run {
        super::import::copy_files(media, &prepared.files).await?;
        match store.apply_foreign_from(import, bodies).await {
            Ok(_) => {}
            Err(StoreError::Invalid(why)) => {
                eprintln!("{why}");
                eprintln!("1 problem found; nothing was written.");
                return Ok(ExitCode::FAILURE);
            }
            Err(e) => return Err(e.into()),
        }
    }
    for set in &import.network.sets {
        let slug = &set.publication.slug;
        let updated = set.articles.iter().filter(|a| known.contains(&(slug.clone(), a.slug.clone()))).count();
        let tags: HashSet<&str> = set.articles.iter().flat_map(|a| a.tags.iter().map(String::as_str)).collect();
        let legacy = import.legacy.iter().filter(|l| &l.publication == slug).count();
        println!(
            "{verb} {slug} from {platform}: {} articles ({} new, {updated} updated), {} authors, {} sections, {} tags, {} media files, {legacy} old addresses",
            set.articles.len(),
            set.articles.len() - updated,
            set.authors.len(),
            set.sections.len(),
            tags.len(),
            set.media.len(),
        );
    }
    if !import.network.translations.is_empty() {
        println!(
            "{} {} translation links.",
            if dry_run { "Would link" } else { "Linked" },
            import.network.translations.len()
        );
    }
    report_list("Skipped", &prepared.skipped);
    report_list("Missing media (the articles keep the original URL)", &prepared.missing_media);
    if !prepared.unknown.is_empty() {
        let names: Vec<String> = prepared.unknown.iter().map(|(name, n)| format!("{name} ×{n}")).collect();
        println!("Not converted, kept as text: {}", names.join(", "));
    }
    if dry_run {
        println!("Dry run: nothing was written.");
    }
    Ok(ExitCode::SUCCESS)
}

fn report_list(title: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    println!("{title}: {}", items.len());
    for item in items.iter().take(SHOWN) {
        println!("  {item}");
    }
    if items.len() > SHOWN {
        println!("  and {} more", items.len() - SHOWN);
    }
}
