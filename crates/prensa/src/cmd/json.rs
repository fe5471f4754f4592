//! The JSON export format: `prensa export json DIR` writes it, `prensa
//! import json DIR` reads it back into an empty store. Documented for
//! people and other tools in `docs/export-format.md`.
//!
//! ```text
//! DIR/prensa-export.json     format, version, with_secrets, row counts per table
//! DIR/tables/<name>.json     one JSON array per table of the store's snapshot, rows in key order
//!                            (or an object of arrays for a feature's group of tables)
//! DIR/media/<key>            each media row's original file (variants are made again on request)
//! ```
//!
//! The tables are the store snapshot that `migrate-store` and `backup` copy
//! (ids kept, so links between rows hold), serialized with sorted keys and
//! two-space indentation: the same content always gives the same bytes,
//! whichever backend it came from, which the round-trip test relies on.
//! Staff accounts are written without password hashes unless
//! `--with-secrets` (then keep the folder private); sessions and sign-in
//! links are never written.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use prensa_core::Snapshot;
use prensa_store::{redact_url, AnyStore, MediaDir, Store, StoreError};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::migrate_store::spinner;
use crate::config::{FileConfig, StoreArgs};

/// The manifest's `format`; anything else is not ours.
const FORMAT: &str = "prensa-export";
/// Bumped when a reader of version N could misread what is written.
const VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
struct Manifest {
    format: String,
    version: u32,
    with_secrets: bool,
    /// Rows per file of `tables/` (a table, or a group of a feature's
    /// tables), by name.
    tables: Vec<(String, usize)>,
    media_files: usize,
}

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// The folder to write (created; must be empty if it exists)
    pub dir: PathBuf,
    #[command(flatten)]
    pub store: StoreArgs,
    /// Include staff password hashes (keep the folder private)
    #[arg(long)]
    pub with_secrets: bool,
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// A folder written by `prensa export json`
    pub dir: PathBuf,
    #[command(flatten)]
    pub store: StoreArgs,
    /// Replace whatever content the store holds (all of it, in the same transaction)
    #[arg(long)]
    pub force: bool,
}

fn files_bar(len: usize, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(len as u64);
    bar.set_style(
        ProgressStyle::with_template("{msg:>10} [{bar:30}] {pos}/{len} files")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message(what.to_owned());
    bar
}

/// Rows in one file: an array's length, or for a group of tables (an
/// object of arrays, e.g. `fields`: `article_seo`, `custom_fields`,
/// `values`) the sum of theirs.
fn rows_in(value: &Value) -> usize {
    match value {
        Value::Array(rows) => rows.len(),
        Value::Object(group) => group.values().map(rows_in).sum(),
        _ => 0,
    }
}

/// The snapshot as one JSON value per top-level key (sorted keys): a table,
/// or a group of a feature's tables.
fn tables_of(snapshot: &Snapshot) -> anyhow::Result<serde_json::Map<String, Value>> {
    match serde_json::to_value(snapshot).context("serializing the snapshot")? {
        Value::Object(map) => Ok(map),
        _ => anyhow::bail!("a snapshot serializes to an object"),
    }
}

fn write_json(path: &Path, value: &impl Serialize) -> anyhow::Result<()> {
    let mut bytes = serde_json::to_vec_pretty(value).context("serializing")?;
    bytes.push(b'\n');
    std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))
}

pub async fn export(args: ExportArgs, file: &FileConfig) -> anyhow::Result<ExitCode> {
    let database = args.store.database(file);
    let name = redact_url(&database);
    let media = args.store.media(file)?;
    if args.dir.exists()
        && std::fs::read_dir(&args.dir).with_context(|| format!("reading {}", args.dir.display()))?.next().is_some()
    {
        eprintln!("{} is not empty; nothing was written. Export into a new or empty folder.", args.dir.display());
        return Ok(ExitCode::FAILURE);
    }
    let bar = spinner();
    bar.set_message(format!("reading {name}"));
    let store = AnyStore::open(&database).await.with_context(|| format!("opening {name}"))?;
    let mut snapshot = store.export_all().await.with_context(|| format!("reading {name}"))?;
    store.close().await;
    bar.finish_and_clear();
    if !args.with_secrets {
        for user in &mut snapshot.users {
            user.password_hash = None;
        }
    }
    let tables_dir = args.dir.join("tables");
    let media_dir = args.dir.join("media");
    std::fs::create_dir_all(&tables_dir).with_context(|| format!("creating {}", tables_dir.display()))?;
    std::fs::create_dir_all(&media_dir).with_context(|| format!("creating {}", media_dir.display()))?;
    let mut tables = Vec::new();
    for (table, rows) in tables_of(&snapshot)? {
        tables.push((table.clone(), rows_in(&rows)));
        write_json(&tables_dir.join(format!("{table}.json")), &rows)?;
    }
    let bar = files_bar(snapshot.media.len(), "media");
    let (mut copied, mut missing) = (0, Vec::new());
    for row in &snapshot.media {
        let key = &row.asset.key;
        match media.read(key).await {
            Ok(bytes) => {
                std::fs::write(media_dir.join(key), &bytes).with_context(|| format!("writing media/{key}"))?;
                copied += 1;
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => missing.push(key.clone()),
            Err(e) => return Err(e).with_context(|| format!("reading {key} from the {media}")),
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    let manifest = Manifest {
        format: FORMAT.to_owned(),
        version: VERSION,
        with_secrets: args.with_secrets,
        tables,
        media_files: copied,
    };
    write_json(&args.dir.join("prensa-export.json"), &manifest)?;
    print_counts(&manifest);
    println!("media files: {copied} written to {}", media_dir.display());
    for key in &missing {
        eprintln!("warning: media file {key} is missing from the {media}; its row is exported without it");
    }
    if args.with_secrets {
        println!("password hashes included: keep {} private", args.dir.display());
    } else {
        println!("password hashes left out: staff set a password again after an import (prensa user reset)");
    }
    println!("exported {name} to {}", args.dir.display());
    Ok(ExitCode::SUCCESS)
}

fn print_counts(manifest: &Manifest) {
    println!("{:<20} {:>10}", "table", "rows");
    for (table, n) in &manifest.tables {
        println!("{table:<20} {n:>10}");
    }
}

/// Reads an export folder back into a snapshot, checking the manifest and
/// that each table holds the rows it announces.
fn read_export(dir: &Path) -> anyhow::Result<(Manifest, Snapshot)> {
    let path = dir.join("prensa-export.json");
    let text = std::fs::read_to_string(&path).with_context(|| {
        format!("reading {} (is {} a folder written by `prensa export json`?)", path.display(), dir.display())
    })?;
    let manifest: Manifest = serde_json::from_str(&text).with_context(|| format!("reading {}", path.display()))?;
    anyhow::ensure!(
        manifest.format == FORMAT,
        "{} is not a Prensa export (format {:?})",
        path.display(),
        manifest.format
    );
    anyhow::ensure!(
        manifest.version <= VERSION,
        "{} is version {} of the export format; this Prensa reads up to {VERSION}",
        path.display(),
        manifest.version
    );
    let mut tables = serde_json::Map::new();
    for (table, count) in &manifest.tables {
        anyhow::ensure!(
            !table.is_empty() && table.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
            "{} names a table {table:?}",
            path.display()
        );
        let file = dir.join("tables").join(format!("{table}.json"));
        let text = std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
        let rows: Value = serde_json::from_str(&text).with_context(|| format!("reading {}", file.display()))?;
        let len = rows_in(&rows);
        anyhow::ensure!(len == *count, "{} holds {len} rows; the manifest says {count}", file.display());
        tables.insert(table.clone(), rows);
    }
    let snapshot: Snapshot = serde_json::from_value(Value::Object(tables))
        .with_context(|| format!("reading the tables of {}", dir.display()))?;
    Ok((manifest, snapshot))
}

pub async fn import(args: ImportArgs, file: &FileConfig) -> anyhow::Result<ExitCode> {
    let database = args.store.database(file);
    let name = redact_url(&database);
    let media = args.store.media(file)?;
    let (manifest, snapshot) = read_export(&args.dir)?;
    // Media keys become file names: only the store's own shape of key.
    if let Some(bad) = snapshot.media.iter().find(|m| !MediaDir::is_valid_key(&m.asset.key)) {
        anyhow::bail!(
            "{} names a media file {:?}, which is no media key; nothing was written",
            args.dir.display(),
            bad.asset.key
        );
    }
    let bar = spinner();
    bar.set_message(format!("writing to {name}"));
    let store = AnyStore::open(&database).await.with_context(|| format!("opening {name}"))?;
    let written = store.import_snapshot(&snapshot, args.force).await;
    store.close().await;
    bar.finish_and_clear();
    match written {
        Ok(()) => {}
        Err(StoreError::NotEmpty(what)) => {
            eprintln!("{name} already holds content ({what}); nothing was written.");
            eprintln!("An export imports into an empty store; pass --force to replace all of it.");
            return Ok(ExitCode::FAILURE);
        }
        Err(e) => return Err(e).with_context(|| format!("writing to {name} (nothing was written)")),
    }
    let bar = files_bar(snapshot.media.len(), "media");
    let (mut stored, mut missing) = (0, 0);
    for row in &snapshot.media {
        let key = &row.asset.key;
        match std::fs::read(args.dir.join("media").join(key)) {
            Ok(bytes) => {
                media.put(key, bytes.into()).await.with_context(|| format!("storing {key} in the {media}"))?;
                stored += 1;
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                missing += 1;
                eprintln!("warning: media/{key} is not in the export; its row was imported without a file");
            }
            Err(e) => return Err(e).with_context(|| format!("reading media/{key}")),
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    print_counts(&manifest);
    println!(
        "media files: {stored} stored in the {media}{}",
        if missing > 0 { format!(", {missing} missing") } else { String::new() }
    );
    if !manifest.with_secrets && !snapshot.users.is_empty() {
        println!("the export holds no password hashes: give staff a sign-in link with `prensa user reset EMAIL`");
    }
    println!("imported {} into {name}", args.dir.display());
    Ok(ExitCode::SUCCESS)
}
