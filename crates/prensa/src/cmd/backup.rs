//! `prensa backup FILE --database URL`: a consistent copy of the whole
//! store, taken while servers keep serving and writing, in one file.
//!
//! Whatever the backend, the backup is a SQLite database file: the store is
//! read in one snapshot (one read transaction, so a write that lands
//! meanwhile is either wholly in the backup or wholly out of it), written
//! into a fresh SQLite file beside FILE, read back and compared (counts and
//! checksum), and only then renamed to FILE. A logical copy rather than
//! `VACUUM INTO` or `pg_dump`, so that one format restores into either
//! backend (`prensa restore`), and it holds exactly what `migrate-store`
//! carries: content, staff accounts (with password hashes), API key digests,
//! revisions, notes and scheduled changes; not sessions, invite/reset links
//! or the change feed. A SQLite backup file is also a working database:
//! `prensa serve --database sqlite://FILE` serves it as it was.
//!
//! Media files are not in the file (they can be many gigabytes, and they
//! never change once written: their names are content hashes); copy the
//! media folder or bucket alongside. The command checks they are there.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use prensa_store::{redact_url, AnyStore};

use super::migrate_store::{copy, report_media, spinner, Copied};
use crate::config::{media_beside, media_store, sqlite_file, FileConfig, StoreArgs};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The backup file to write (a SQLite database); refused if it exists, unless --force
    pub file: PathBuf,
    #[command(flatten)]
    pub store: StoreArgs,
    /// Replace FILE if it exists (only once the new backup is complete and verified)
    #[arg(long)]
    pub force: bool,
}

pub async fn run(args: Args, file: &FileConfig) -> anyhow::Result<ExitCode> {
    let database = args.store.database(file);
    let name = redact_url(&database);
    if args.file.exists() && !args.force {
        eprintln!("{} already exists; nothing was written. Pass --force to replace it.", args.file.display());
        return Ok(ExitCode::FAILURE);
    }
    if sqlite_file(&database).is_some_and(|db| same_file(db, &args.file)) {
        anyhow::bail!("{} is the database itself; choose another file for the backup", args.file.display());
    }
    // Written beside FILE (so the final rename stays on one file system)
    // and renamed only when verified: FILE is never a half backup.
    let partial = partial_path(&args.file);
    remove_sqlite(&partial)?;
    let bar = spinner();
    bar.set_message(format!("opening {name}"));
    let source = AnyStore::open(&database).await.with_context(|| format!("opening {name}"))?;
    let target_url = format!("sqlite://{}", partial.display());
    let target = AnyStore::open(&target_url).await.with_context(|| format!("creating {}", partial.display()))?;
    let copied = copy(&source, &target, false, (&name, &args.file.display().to_string()), &bar).await;
    source.close().await;
    target.close().await;
    let snapshot = match copied {
        Ok(Copied::Verified(snapshot)) => snapshot,
        Ok(Copied::TargetNotEmpty(what)) => {
            remove_sqlite(&partial)?;
            anyhow::bail!("the new backup file already held {what}; nothing was written")
        }
        Err(e) => {
            remove_sqlite(&partial)?;
            return Err(e);
        }
    };
    remove_sqlite(&args.file)?;
    std::fs::rename(&partial, &args.file)
        .with_context(|| format!("renaming {} to {}", partial.display(), args.file.display()))?;
    let bytes = std::fs::metadata(&args.file).map(|m| m.len()).unwrap_or(0);
    let rows: usize = snapshot.counts().iter().map(|(_, n)| n).sum();
    println!("backup of {name} written to {}: {rows} rows, {bytes} bytes", args.file.display());
    let media =
        media_store(args.store.media_dir.as_ref(), args.store.media_url.as_ref(), file, || media_beside(&database))?;
    report_media(&snapshot, &media).await?;
    println!("media files are not in the backup: copy the {media} alongside it");
    println!("restore with: prensa restore {} --database URL", args.file.display());
    Ok(ExitCode::SUCCESS)
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

fn partial_path(file: &Path) -> PathBuf {
    let mut name = file.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".partial");
    file.with_file_name(name)
}

/// Removes a SQLite file and the journal files SQLite may leave beside it.
pub(crate) fn remove_sqlite(path: &Path) -> anyhow::Result<()> {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut name = path.as_os_str().to_os_string();
        name.push(suffix);
        match std::fs::remove_file(&name) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("removing {}", PathBuf::from(name).display())),
        }
    }
    Ok(())
}
