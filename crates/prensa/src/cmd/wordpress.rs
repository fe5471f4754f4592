//! `prensa import wordpress FILE.xml`: a WordPress export (WXR) into the
//! store, through `prensa_import::wordpress` (reading and converting) and
//! [`super::foreign::finish`] (report, media, one transaction).
//!
//! Which publication receives what: without `--publication`, the one the
//! channel describes (slug from the site's name; created, or updated on a
//! second run); with it, that existing publication, whose settings are
//! kept. Items Polylang marks with another language go to the publication
//! of that language, which must already exist (the report names the
//! missing ones; nothing is written).

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use prensa_core::slug::{is_valid_slug, slugify};
use prensa_core::{NewPublication, Publication};
use prensa_import::wordpress::build::{self, Plan, Target};
use prensa_import::wordpress::{self, Export};
use prensa_import::Spool;
use prensa_store::{redact_url, AnyStore, ForeignImports, Store};

use super::foreign::Prepared;
use crate::config::{FileConfig, StoreArgs};

#[derive(Debug, clap::Args)]
pub struct WordpressArgs {
    /// The export file (Tools → Export → All content in WordPress), WXR 1.1 or 1.2
    pub file: PathBuf,
    /// A copy of the old site's wp-content/uploads folder: image URLs
    /// …/wp-content/uploads/2019/09/a.jpg are read from DIR/2019/09/a.jpg
    #[arg(long, value_name = "DIR")]
    pub media: Option<PathBuf>,
    /// Import into this existing publication (its settings are kept) instead of the one the export describes
    #[arg(long, value_name = "SLUG")]
    pub publication: Option<String>,
    /// Read and convert everything, print what would be created, updated and skipped, write nothing
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub store: StoreArgs,
}

pub async fn run(args: WordpressArgs, file: &FileConfig) -> anyhow::Result<ExitCode> {
    let database = args.store.database(file);
    let media = args.store.media(file)?;
    if let Some(dir) = &args.media {
        if !dir.is_dir() {
            eprintln!("--media {}: not a folder (give a copy of the old site's wp-content/uploads)", dir.display());
            return Ok(ExitCode::FAILURE);
        }
    }
    // Converted bodies wait on disk, not in memory, until the store writes
    // them (100,000 posts held ~1.2 GB in memory before).
    let mut spool = Spool::new().context("making a temporary file for the posts' bodies")?;
    let export = match read(&args.file, &mut spool) {
        Ok(export) => export,
        Err(e) => {
            eprintln!("{}: {e}", args.file.display());
            eprintln!("1 problem found; nothing was written.");
            return Ok(ExitCode::FAILURE);
        }
    };
    let store = AnyStore::open(&database).await.with_context(|| format!("opening {}", redact_url(&database)))?;
    let result = import(&store, &media, &args, export, &mut spool).await;
    store.close().await;
    result
}

/// Reads the export with a progress bar (items of each pass).
fn read(path: &std::path::Path, spool: &mut Spool) -> Result<Export, wordpress::ReadError> {
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{msg:>10} [{bar:30}] {pos}/{len} items")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let result = wordpress::read_spooled(
        path,
        &|p| {
            if p.pass == 1 {
                bar.set_message("checking");
                bar.set_length(p.items as u64);
            } else {
                bar.set_message("converting");
                bar.set_length(p.total as u64);
            }
            bar.set_position(p.items as u64);
        },
        spool,
    );
    bar.finish_and_clear();
    result
}

async fn import(
    store: &AnyStore,
    media: &prensa_store::MediaStore,
    args: &WordpressArgs,
    export: Export,
    spool: &mut Spool,
) -> anyhow::Result<ExitCode> {
    let publications = store.publications().await?;
    let main = match &args.publication {
        Some(slug) => match publications.iter().find(|p| &p.slug == slug) {
            Some(p) => new_publication(p),
            None => {
                eprintln!("--publication {slug}: no such publication in the store");
                eprintln!("1 problem found; nothing was written.");
                return Ok(ExitCode::FAILURE);
            }
        },
        None => match from_channel(&export, &publications) {
            Ok(p) => p,
            Err(why) => {
                eprintln!("{why}");
                eprintln!("1 problem found; nothing was written.");
                return Ok(ExitCode::FAILURE);
            }
        },
    };
    let main_language = build::primary_language(&main.language);
    let mut sisters = BTreeMap::new();
    let mut missing = Vec::new();
    for lang in build::languages(&export) {
        if build::primary_language(&lang) == main_language {
            continue;
        }
        match publications
            .iter()
            .find(|p| p.slug != main.slug && build::primary_language(&p.language) == build::primary_language(&lang))
        {
            Some(p) => {
                let target = target(store, new_publication(p)).await?;
                sisters.insert(lang, target);
            }
            None => missing.push(lang),
        }
    }
    if !missing.is_empty() {
        for lang in &missing {
            eprintln!(
                "Polylang language `{lang}`: no publication with language {lang} in the store; create it first \
                 (a content directory with `prensa import dir`, or the admin), then run the import again"
            );
        }
        eprintln!("{} problem(s) found; nothing was written.", missing.len());
        return Ok(ExitCode::FAILURE);
    }
    let plan = Plan { main: target(store, main).await?, main_language, sisters };
    let built = build::build_spooled(export, &plan, args.media.as_deref(), chrono::Utc::now(), spool)
        .context("setting the converted bodies aside on disk")?;
    let prepared = Prepared {
        import: built.import,
        files: built.files,
        missing_media: built.missing_media,
        unknown: built.unknown,
        skipped: built.skipped,
    };
    media.check().await?;
    super::foreign::finish(store, media, &prepared, args.dry_run, spool).await
}

/// A publication with the slugs an earlier import gave its WordPress ids.
async fn target(store: &AnyStore, publication: NewPublication) -> anyhow::Result<Target> {
    let mut known = HashMap::new();
    for link in store.import_sources(&publication.slug, prensa_core::foreign::Platform::WordPress).await? {
        known.insert((link.kind, link.source_id), link.slug);
    }
    let own =
        known.iter().filter(|((kind, _), _)| *kind == prensa_core::foreign::SourceKind::Article).map(|(_, slug)| slug);
    let occupied = super::foreign::occupied_slugs(store, &publication.slug, own).await?;
    Ok(Target { publication, known, occupied })
}

/// A stored publication as an import writes it back: unchanged.
fn new_publication(p: &Publication) -> NewPublication {
    NewPublication {
        slug: p.slug.clone(),
        name: p.name.clone(),
        tagline: p.tagline.clone(),
        language: p.language.clone(),
        base_url: p.base_url.clone(),
        timezone: p.timezone.clone(),
        social: p.social.clone(),
        settings: p.settings,
        api_cors_origins: p.api_cors_origins.clone(),
    }
}

/// The publication the channel describes. On a second run the stored one
/// with that slug is updated: name, tagline, language and address from the
/// export, its settings as they are.
fn from_channel(export: &Export, publications: &[Publication]) -> Result<NewPublication, String> {
    let c = &export.channel;
    let name = wordpress::content::plain_text(&c.title);
    let slug = Some(slugify(&name)).filter(|s| is_valid_slug(s)).unwrap_or_else(|| "wordpress".to_owned());
    let language =
        Some(c.language.trim().to_owned()).filter(|l| plausible_language(l)).unwrap_or_else(|| "en".to_owned());
    let base_url = c.link.trim().trim_end_matches('/').to_owned();
    if !(base_url.starts_with("https://") || base_url.starts_with("http://")) {
        return Err(format!(
            "the export's <link> `{}` is not a site address; import into an existing publication with --publication SLUG",
            c.link.trim()
        ));
    }
    let stored = publications.iter().find(|p| p.slug == slug);
    Ok(NewPublication {
        slug,
        name: if name.is_empty() { "WordPress".to_owned() } else { name },
        tagline: wordpress::content::plain_text(&c.description),
        language,
        base_url,
        timezone: stored.map_or_else(|| "UTC".to_owned(), |p| p.timezone.clone()),
        social: stored.map(|p| p.social.clone()).unwrap_or_default(),
        settings: stored.map(|p| p.settings).unwrap_or_default(),
        api_cors_origins: stored.map(|p| p.api_cors_origins.clone()).unwrap_or_default(),
    })
}

/// `en-US`, `de`: what a publication's language may be.
fn plausible_language(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let primary = parts.next().unwrap_or("");
    (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}
