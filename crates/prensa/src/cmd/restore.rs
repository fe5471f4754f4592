//! `prensa restore FILE --database URL`: loads a backup made by `prensa
//! backup` into a store, SQLite or PostgreSQL.
//!
//! The target must hold no content or staff accounts (or `--force` replaces
//! all of it, in the same transaction as the restore: a failed restore
//! leaves it as it was). The backup file itself is never changed: it is
//! copied to a temporary folder first, since opening a store migrates it to
//! this version's schema, so a backup from an older Prensa restores into a
//! newer one. The copy is verified like `migrate-store`'s (counts and
//! checksum).

use std::process::ExitCode;

use anyhow::Context;
use prensa_store::{redact_url, AnyStore};

use super::migrate_store::{copy, report_media, spinner, Copied};
use crate::config::{media_beside, media_store, sqlite_file, FileConfig, StoreArgs};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The backup file (made by `prensa backup`)
    pub file: std::path::PathBuf,
    #[command(flatten)]
    pub store: StoreArgs,
    /// Replace whatever content the target store holds (all of it, in the same transaction)
    #[arg(long)]
    pub force: bool,
}

pub async fn run(args: Args, file: &FileConfig) -> anyhow::Result<ExitCode> {
    let database = args.store.database(file);
    let name = redact_url(&database);
    let shown = args.file.display().to_string();
    let header = std::fs::read(&args.file)
        .map(|b| b.get(..16).map(<[u8]>::to_vec).unwrap_or_default())
        .with_context(|| format!("reading {shown}"))?;
    // Said plainly here rather than as SQLite's "file is not a database"
    // (or, worse, a fresh empty store opened in its place).
    if header != b"SQLite format 3\0" {
        anyhow::bail!("{shown} is not a Prensa backup (a backup is a SQLite database file made by `prensa backup`)");
    }
    if sqlite_file(&database).is_some_and(|db| db == args.file.as_path()) {
        anyhow::bail!("{shown} is the database to restore into; restore into another one");
    }
    let scratch = tempfile::tempdir().context("making a temporary folder")?;
    let copy_path = scratch.path().join("backup.db");
    std::fs::copy(&args.file, &copy_path).with_context(|| format!("copying {shown}"))?;
    let bar = spinner();
    bar.set_message(format!("opening {shown} and {name}"));
    let source = AnyStore::open(&format!("sqlite://{}", copy_path.display()))
        .await
        .with_context(|| format!("opening {shown}"))?;
    let target = AnyStore::open(&database).await.with_context(|| format!("opening {name}"))?;
    let copied = copy(&source, &target, args.force, (&shown, &name), &bar).await;
    source.close().await;
    target.close().await;
    let snapshot = match copied? {
        Copied::Verified(snapshot) => snapshot,
        Copied::TargetNotEmpty(what) => {
            eprintln!("{name} already holds content ({what}); nothing was written.");
            eprintln!("A backup restores into an empty store; pass --force to replace all of it with the backup.");
            return Ok(ExitCode::FAILURE);
        }
    };
    let rows: usize = snapshot.counts().iter().map(|(_, n)| n).sum();
    println!("restored {rows} rows from {shown} into {name}");
    println!("staff sign in again (sessions are not in a backup); running servers of {name} reload everything");
    let media =
        media_store(args.store.media_dir.as_ref(), args.store.media_url.as_ref(), file, || media_beside(&database))?;
    report_media(&snapshot, &media).await?;
    Ok(ExitCode::SUCCESS)
}
