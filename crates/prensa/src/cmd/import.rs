//! `prensa import dir PATH…`: load content directories into the store, in
//! one transaction. Several directories (sister publications) are read as
//! one run, so `translation_of` links between them resolve in any order.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use prensa_import::{Network, Problems, Spool};
use prensa_store::{redact_url, AnyStore, MediaStore, Store, StoreError};

use crate::config::{FileConfig, StoreArgs};

#[derive(Debug, clap::Subcommand)]
pub enum Source {
    /// Import content directories: publication.toml, authors/, sections/, articles/, media/.
    ///
    /// Several directories (sister publications, e.g. `./en ./de ./es`) are imported
    /// together; `translation_of = "LANG:SLUG"` links between them resolve in any order,
    /// and against publications already in the database.
    /// Re-importing updates by slug and removes nothing unless --prune is given.
    /// Everything is validated first; on any problem nothing is written.
    Dir(DirArgs),
    /// Import a folder written by `prensa export json` into an empty store (ids, revisions,
    /// translation links and staff accounts as exported; media files into the media store).
    Json(super::json::ImportArgs),
    /// Import a Ghost JSON export: posts and pages, tags (the primary tag becomes the section),
    /// authors, co-author order, feature images, excerpts, status and dates.
    ///
    /// Images under __GHOST_URL__/content/images are read from --media (a copy of Ghost's
    /// content/images). Re-running with a newer export updates what the first run created,
    /// matched on Ghost's ids. Everything is written in one transaction, or nothing.
    Ghost(super::ghost::GhostArgs),
    /// Import a WordPress export (WXR 1.1/1.2 from Tools → Export): posts, pages, authors,
    /// categories (sections), tags, featured images and old URLs (answered with 301s).
    ///
    /// Re-running updates what the last run created (matched by WordPress ids). Polylang
    /// translations go to the sister publication of each language, which must exist.
    /// Everything is read and checked first; the import is one transaction.
    Wordpress(super::wordpress::WordpressArgs),
}

#[derive(Debug, clap::Args)]
pub struct DirArgs {
    /// The content directories (one per publication)
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub store: StoreArgs,
    /// Also delete the publication's articles, sections and tags that the directory no longer has
    #[arg(long)]
    pub prune: bool,
}

/// Reads and validates several directories as one run (links resolved
/// across them), drawing a progress bar on a terminal. With `spool`, the
/// articles' bodies go there as they are read (see [`prensa_import::Spool`]).
pub fn load_all(paths: &[PathBuf], spool: Option<&mut Spool>) -> Result<Network, Problems> {
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{msg:>10} [{bar:30}] {pos}/{len} files")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message("reading");
    let progress = |_: &std::path::Path, step: prensa_import::Step| {
        bar.set_length(step.total as u64);
        bar.set_position(step.done as u64);
    };
    let result = match spool {
        Some(spool) => prensa_import::load_dirs_spooled(paths, &progress, spool),
        None => prensa_import::load_dirs(paths, &progress),
    };
    bar.finish_and_clear();
    result
}

/// Problems of [`load_all`], whose files already start with their directory.
pub fn report_all(problems: &Problems) {
    for p in &problems.0 {
        eprintln!("{p}");
    }
    eprintln!("{} problem(s) found; nothing was written.", problems.0.len());
}

pub async fn run(source: Source, file: &FileConfig) -> anyhow::Result<ExitCode> {
    let args = match source {
        Source::Dir(args) => args,
        Source::Json(args) => return super::json::import(args, file).await,
        Source::Ghost(args) => return super::ghost::run(args, file).await,
        Source::Wordpress(args) => return super::wordpress::run(args, file).await,
    };
    let database = args.store.database(file);
    let media = args.store.media(file)?;
    // The bodies wait on disk, not in memory, until the store writes them.
    let mut spool = Spool::new().context("making a temporary file for the articles' bodies")?;
    let network = match load_all(&args.paths, Some(&mut spool)) {
        Ok(n) => n,
        Err(problems) => {
            report_all(&problems);
            return Ok(ExitCode::FAILURE);
        }
    };
    let store = AnyStore::open(&database).await.with_context(|| format!("opening {}", redact_url(&database)))?;
    media.check().await?;
    let counts = match apply_network(&store, &media, &network, args.prune, &spool).await {
        Ok(counts) => counts,
        Err(e) => match e.downcast_ref::<StoreError>() {
            // A link only the database could check (`file:line: …`).
            Some(StoreError::Invalid(why)) => {
                eprintln!("{why}");
                eprintln!("1 problem found; nothing was written.");
                store.close().await;
                return Ok(ExitCode::FAILURE);
            }
            _ => return Err(e),
        },
    };
    for (set, counts) in network.import.sets.iter().zip(&counts) {
        println!(
            "Imported {}: {} articles, {} authors, {} sections, {} tags, {} media files{}",
            set.publication.slug,
            counts.articles,
            counts.authors,
            counts.sections,
            counts.tags,
            counts.media,
            if args.prune { format!(", {} pruned", counts.pruned) } else { String::new() }
        );
    }
    if !network.import.translations.is_empty() {
        println!("Linked {} translations.", network.import.translations.len());
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

/// Copies media into place, then writes every directory of the run and
/// their translation links in one transaction.
pub async fn apply_network(
    store: &impl Store,
    media: &MediaStore,
    network: &Network,
    prune: bool,
    bodies: &dyn prensa_core::BodySource,
) -> anyhow::Result<Vec<prensa_core::ImportCounts>> {
    copy_files(media, &network.files).await?;
    Ok(store.apply_network_from(&network.import, prune, bodies).await?)
}

/// Copies an import's image files into the media store, a few at a time,
/// with a progress bar (also `prensa import wordpress` and `ghost`).
pub async fn copy_files(media: &MediaStore, files: &[prensa_import::MediaFile]) -> anyhow::Result<()> {
    let bar = ProgressBar::new(files.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{msg:>10} [{bar:30}] {pos}/{len} media files")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message("copying");
    // A few at a time: into a bucket each copy is a round trip or two.
    let mut copies = tokio::task::JoinSet::new();
    for f in files {
        if copies.len() >= 8 {
            finish_copy(copies.join_next().await, media)?;
            bar.inc(1);
        }
        let (media, key, source) = (media.clone(), f.key.clone(), f.source.clone());
        copies.spawn(async move { media.put_file(&key, &source).await.map_err(|e| (source, e)) });
    }
    while !copies.is_empty() {
        finish_copy(copies.join_next().await, media)?;
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok(())
}

type Copied = Result<Result<bool, (PathBuf, std::io::Error)>, tokio::task::JoinError>;

fn finish_copy(copied: Option<Copied>, media: &MediaStore) -> anyhow::Result<()> {
    match copied {
        Some(Ok(Ok(_))) | None => Ok(()),
        Some(Ok(Err((source, e)))) => {
            Err(anyhow::Error::new(e).context(format!("copying {} into {media}", source.display())))
        }
        Some(Err(e)) => Err(e.into()),
    }
}
