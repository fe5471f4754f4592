//! `prensa import dir PATH`: load a content directory into the store.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use prensa_import::{Prepared, Problems};
use prensa_store::{redact_url, AnyStore, MediaStore, Store};

use crate::config::{FileConfig, StoreArgs};

#[derive(Debug, clap::Subcommand)]
pub enum Source {
    /// Import a content directory: publication.toml, authors/, sections/, articles/, media/.
    ///
    /// Re-importing updates by slug and removes nothing unless --prune is given.
    /// Everything is validated first; on any problem nothing is written.
    Dir(DirArgs),
}

#[derive(Debug, clap::Args)]
pub struct DirArgs {
    /// The content directory
    pub path: PathBuf,
    #[command(flatten)]
    pub store: StoreArgs,
    /// Also delete the publication's articles, sections and tags that the directory no longer has
    #[arg(long)]
    pub prune: bool,
}

/// Reads and validates a directory, drawing a progress bar on a terminal.
pub fn load(path: &Path) -> Result<Prepared, Problems> {
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{msg:>10} [{bar:30}] {pos}/{len} files")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message("reading");
    let result = prensa_import::load_dir_with_progress(path, &|step| {
        bar.set_length(step.total as u64);
        bar.set_position(step.done as u64);
    });
    bar.finish_and_clear();
    result
}

pub fn report(path: &Path, problems: &Problems) {
    for p in &problems.0 {
        eprintln!("{}/{p}", path.display());
    }
    eprintln!("{} problem(s) found; nothing was written.", problems.0.len());
}

pub async fn run(source: Source, file: &FileConfig) -> anyhow::Result<ExitCode> {
    let Source::Dir(args) = source;
    let database = args.store.database(file);
    let media = args.store.media(file)?;
    let prepared = match load(&args.path) {
        Ok(p) => p,
        Err(problems) => {
            report(&args.path, &problems);
            return Ok(ExitCode::FAILURE);
        }
    };
    let store = AnyStore::open(&database).await.with_context(|| format!("opening {}", redact_url(&database)))?;
    media.check().await?;
    let counts = apply(&store, &media, &prepared, args.prune).await?;
    println!(
        "Imported {}: {} articles, {} authors, {} sections, {} tags, {} media files{}",
        prepared.set.publication.slug,
        counts.articles,
        counts.authors,
        counts.sections,
        counts.tags,
        counts.media,
        if args.prune { format!(", {} pruned", counts.pruned) } else { String::new() }
    );
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

/// Copies media into place, then writes everything in one transaction.
pub async fn apply(
    store: &impl Store,
    media: &MediaStore,
    prepared: &Prepared,
    prune: bool,
) -> anyhow::Result<prensa_core::ImportCounts> {
    let bar = ProgressBar::new(prepared.files.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{msg:>10} [{bar:30}] {pos}/{len} media files")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message("copying");
    // A few at a time: into a bucket each copy is a round trip or two.
    let mut copies = tokio::task::JoinSet::new();
    for f in &prepared.files {
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
    Ok(store.apply_import(&prepared.set, prune).await?)
}

type Copied = Result<Result<bool, (PathBuf, std::io::Error)>, tokio::task::JoinError>;

fn finish_copy(copied: Option<Copied>, media: &MediaStore) -> anyhow::Result<()> {
    match copied {
        Some(Ok(Ok(_))) | None => Ok(()),
        Some(Ok(Err((source, e)))) => Err(anyhow::Error::new(e).context(format!("copying {} into {media}", source.display()))),
        Some(Err(e)) => Err(e.into()),
    }
}
