//! `prensa import ghost FILE.json`: a Ghost site's JSON export into a
//! publication. Reading and converting the export is
//! `prensa_import::ghost`'s job; this command finds what an earlier run
//! remembered (so a re-run updates), keeps an existing publication's own
//! settings, and hands the result to `cmd::foreign::finish`, which reports,
//! copies the images and writes everything in one transaction.

use std::fs::File;
use std::io::BufReader;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use prensa_core::foreign::Platform;
use prensa_core::NewPublication;
use prensa_import::ghost;
use prensa_store::{redact_url, AnyStore, ForeignImports, Store};

use super::foreign::{finish, Prepared};
use crate::config::{FileConfig, StoreArgs};

#[derive(Debug, clap::Args)]
pub struct GhostArgs {
    /// The Ghost export (Settings → Labs → Export your content)
    pub file: PathBuf,
    /// A copy of the Ghost site's `content/images` folder, for the images the posts use
    #[arg(long)]
    pub media: Option<PathBuf>,
    /// The publication to import into [default: a slug made from the Ghost site's title]
    #[arg(long)]
    pub publication: Option<String>,
    /// Print what would be created, updated and skipped, and write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// The new publication's address, when the import creates it [default: http://localhost:8080]
    #[arg(long)]
    pub base_url: Option<String>,
    #[command(flatten)]
    pub store: StoreArgs,
}

pub async fn run(args: GhostArgs, file: &FileConfig) -> anyhow::Result<ExitCode> {
    let database = args.store.database(file);
    let media = args.store.media(file)?;
    if let Some(dir) = &args.media {
        if !dir.is_dir() {
            eprintln!("--media {}: not a folder (give a copy of Ghost's content/images)", dir.display());
            return Ok(ExitCode::FAILURE);
        }
    }
    if let Some(slug) = &args.publication {
        if !prensa_core::slug::is_valid_slug(slug) {
            eprintln!("--publication {slug}: slugs use a-z, 0-9 and single hyphens");
            return Ok(ExitCode::FAILURE);
        }
    }

    // Read the whole export before opening the store: a broken file is
    // refused with nothing touched.
    let spinner = ProgressBar::new_spinner();
    spinner.set_message(format!("reading {}", args.file.display()));
    spinner.enable_steady_tick(std::time::Duration::from_millis(120));
    let reader = File::open(&args.file).with_context(|| format!("opening {}", args.file.display()))?;
    let export = ghost::parse(BufReader::with_capacity(1 << 16, reader));
    spinner.finish_and_clear();
    let export = match export {
        Ok(e) => e,
        Err(e) => {
            eprintln!("{}: {e}", args.file.display());
            eprintln!("1 problem found; nothing was written.");
            return Ok(ExitCode::FAILURE);
        }
    };

    // A dry run against a SQLite file that does not exist yet compares
    // with an empty store, in memory, rather than creating the file.
    let fresh = args.dry_run && crate::config::sqlite_file(&database).is_some_and(|path| !path.exists());
    let open = if fresh { "sqlite::memory:" } else { database.as_str() };
    let store = AnyStore::open(open).await.with_context(|| format!("opening {}", redact_url(&database)))?;
    let slug = args.publication.clone().unwrap_or_else(|| export.default_slug());
    let publication = match store.publications().await?.into_iter().find(|p| p.slug == slug) {
        // Keep what the newsroom set up; the import brings content.
        Some(p) => NewPublication {
            slug: p.slug,
            name: p.name,
            tagline: p.tagline,
            language: p.language,
            base_url: p.base_url,
            timezone: p.timezone,
            social: p.social,
            settings: p.settings,
            api_cors_origins: p.api_cors_origins,
        },
        None => export.publication(&slug, args.base_url.as_deref().unwrap_or("http://localhost:8080")),
    };
    let known = store.import_sources(&slug, Platform::Ghost).await?;
    let occupied = super::foreign::occupied_slugs(
        &store,
        &slug,
        known.iter().filter(|l| l.kind == prensa_core::foreign::SourceKind::Article).map(|l| &l.slug),
    )
    .await?;

    let bar = ProgressBar::new(export.data.posts.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{msg:>10} [{bar:30}] {pos}/{len} posts")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message("converting");
    let opts = ghost::Options {
        publication,
        media: args.media.as_deref(),
        known: &known,
        occupied: &occupied,
        now: chrono::Utc::now(),
    };
    let converted = ghost::convert(&export, &opts, &|done, _| {
        if done % 64 == 0 {
            bar.set_position(done as u64);
        }
    });
    bar.finish_and_clear();

    if let Some(version) = &export.version {
        println!("Ghost {version} export: {} posts and pages read.", export.data.posts.len());
    }
    for note in &converted.notes {
        println!("{note}.");
    }
    let prepared = Prepared {
        import: converted.import,
        files: converted.files,
        missing_media: converted.missing_media,
        unknown: converted.unknown,
        skipped: converted.skipped,
    };
    if !args.dry_run {
        media.check().await?;
    }
    let code = finish(&store, &media, &prepared, args.dry_run, &prensa_core::InMemory).await;
    store.close().await;
    code
}
