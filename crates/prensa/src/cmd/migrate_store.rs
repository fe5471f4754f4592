//! `prensa migrate-store --from URL --to URL`: copy a whole database to
//! another one, in either direction between SQLite and PostgreSQL.
//!
//! The source is read in one consistent snapshot (every row, ids included,
//! drafts and scheduled articles too) and written to the target in one
//! transaction; then the target is read back and compared table by table
//! and by a checksum over both snapshots' canonical serialization. Row ids
//! are kept, so the two must match exactly.
//!
//! The newsroom comes along: staff accounts (password hashes included, so
//! people sign in as before), each article's version, review state and
//! history, revisions, former slugs, review notes and scheduled changes.
//! Sessions, invite/reset links, the sign-in throttle's recent failures and
//! the change feed are not copied: people sign in again, pending links are
//! sent again, the throttle starts afresh, and the new store starts its own
//! feed (running servers of the target reload everything).
//!
//! Media files are not copied: they live in the media directory or bucket,
//! which both databases use alike. Serve the copy with the same
//! `--media-dir` (by default the `media` folder beside the SQLite file) or
//! `--media-url`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use prensa_core::Snapshot;
use prensa_store::{redact_url, AnyStore, MediaStore, Store, StoreError};

use crate::config::{media_beside, media_store, FileConfig};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Database to copy from, e.g. sqlite://prensa.db
    #[arg(long)]
    pub from: String,
    /// Database to copy into, e.g. postgres://prensa@localhost/prensa; must hold no content or staff accounts
    #[arg(long)]
    pub to: String,
    /// Replace whatever content the target holds (all of it, in the same transaction)
    #[arg(long)]
    pub force: bool,
    /// Media folder to check the copied media rows against [default: beside the SQLite database]
    #[arg(long, env = "PRENSA_MEDIA_DIR")]
    pub media_dir: Option<PathBuf>,
    /// Media bucket (s3://BUCKET[/PREFIX]) to check them against instead
    #[arg(long, env = "PRENSA_MEDIA_URL", conflicts_with = "media_dir")]
    pub media_url: Option<String>,
}

pub async fn run(args: Args, file: &FileConfig) -> anyhow::Result<ExitCode> {
    let (from_name, to_name) = (redact_url(&args.from), redact_url(&args.to));
    if args.from == args.to {
        anyhow::bail!("--from and --to name the same database ({from_name})");
    }
    let bar = spinner();

    bar.set_message(format!("opening {from_name} and {to_name}"));
    let source = AnyStore::open(&args.from).await.with_context(|| format!("opening {from_name}"))?;
    let target = AnyStore::open(&args.to).await.with_context(|| format!("opening {to_name}"))?;
    let snapshot = match copy(&source, &target, args.force, (&from_name, &to_name), &bar).await? {
        Copied::Verified(snapshot) => snapshot,
        Copied::TargetNotEmpty(what) => {
            eprintln!("{to_name} already holds content ({what}); nothing was written.");
            eprintln!("Pass --force to replace all of it with the content of {from_name}.");
            return Ok(ExitCode::FAILURE);
        }
    };
    source.close().await;
    target.close().await;
    println!(
        "not copied: sessions and invite/reset links (staff sign in again on the new store; \
         send pending invites and resets again) and the change feed (the new store starts its own)"
    );

    let media = media_store(args.media_dir.as_ref(), args.media_url.as_ref(), file, || {
        if args.from.starts_with("sqlite:") {
            media_beside(&args.from)
        } else {
            media_beside(&args.to)
        }
    })?;
    report_media(&snapshot, &media).await?;
    Ok(ExitCode::SUCCESS)
}

/// How a [`copy`] ended.
pub(crate) enum Copied {
    /// Written and read back: counts and checksums match.
    Verified(Box<Snapshot>),
    /// The target holds content (what, as the store names it) and no
    /// `force` was given: nothing was written.
    TargetNotEmpty(String),
}

/// Reads `source` in one consistent snapshot, writes it to `target` in one
/// transaction, reads the target back and compares counts (printed as a
/// table) and checksums. `names` are the two stores as they may be shown
/// (passwords redacted). Shared by `migrate-store`, `backup` and `restore`.
pub(crate) async fn copy(
    source: &AnyStore,
    target: &AnyStore,
    force: bool,
    (from_name, to_name): (&str, &str),
    bar: &ProgressBar,
) -> anyhow::Result<Copied> {
    bar.set_message(format!("reading {from_name}"));
    let snapshot = source.export_all().await.with_context(|| format!("reading {from_name}"))?;

    bar.set_message(format!("writing {} rows to {to_name}", rows(&snapshot)));
    match target.import_snapshot(&snapshot, force).await {
        Ok(()) => {}
        Err(StoreError::NotEmpty(what)) => {
            bar.finish_and_clear();
            return Ok(Copied::TargetNotEmpty(what));
        }
        Err(e) => return Err(e).with_context(|| format!("writing to {to_name} (nothing was written)")),
    }

    bar.set_message(format!("verifying {to_name}"));
    let copy = target.export_all().await.with_context(|| format!("reading back {to_name}"))?;
    bar.finish_and_clear();

    println!("{:<20} {:>10} {:>10}", "table", "source", "target");
    let mut counts_match = true;
    for ((table, from), (_, to)) in snapshot.counts().into_iter().zip(copy.counts()) {
        counts_match &= from == to;
        println!("{table:<20} {from:>10} {to:>10}{}", if from == to { "" } else { "  MISMATCH" });
    }
    let (want, got) = (checksum(&snapshot)?, checksum(&copy)?);
    if !counts_match || want != got {
        anyhow::bail!(
            "the copy in {to_name} differs from {from_name} (checksums {want:032x} and {got:032x}); \
             it was committed, so run again with --force once the cause is fixed"
        );
    }
    println!("checksums match (xxh3-128 {want:032x})");
    Ok(Copied::Verified(Box::new(snapshot)))
}

/// A spinner for the copy's steps (reading, writing, verifying).
pub(crate) fn spinner() -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    bar.set_style(ProgressStyle::with_template("{spinner} {msg}").unwrap_or_else(|_| ProgressStyle::default_spinner()));
    bar.enable_steady_tick(Duration::from_millis(100));
    bar
}

fn rows(snapshot: &Snapshot) -> usize {
    snapshot.counts().iter().map(|(_, n)| n).sum()
}

/// xxh3-128 of the snapshot's JSON. Field order is fixed by the types and
/// row order by the store (ids, keys), so equal content hashes equally
/// whichever backend it came from.
fn checksum(snapshot: &Snapshot) -> anyhow::Result<u128> {
    let bytes = serde_json::to_vec(snapshot).context("serializing the snapshot")?;
    Ok(xxhash_rust::xxh3::xxh3_128(&bytes))
}

/// Media rows travel with the database, files stay where they are: say
/// where they are expected, so that the copy gets served with them.
pub(crate) async fn report_media(snapshot: &Snapshot, media: &MediaStore) -> anyhow::Result<()> {
    let total = snapshot.media.len();
    if total == 0 {
        return Ok(());
    }
    media.check().await?;
    let mut present = 0;
    for m in &snapshot.media {
        present += usize::from(media.exists(&m.asset.key).await.unwrap_or(false));
    }
    let serve_with = match media.local_dir() {
        Some(dir) => format!("--media-dir {}", dir.root().display()),
        None => "the same --media-url".to_owned(),
    };
    println!("media files: {present} of {total} present in the {media} (files are not copied; serve the copy with {serve_with})");
    if present < total {
        eprintln!("warning: {} media files are missing from the {media}", total - present);
    }
    Ok(())
}
