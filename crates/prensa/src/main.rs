//! The `prensa` command: serve a magazine, import content, check a content
//! directory, start the demo, copy a database to another backend, or back
//! it up, restore and export it. Each subcommand lives in `cmd/`; this file
//! only parses arguments and sets up logging.

use clap::{Parser, Subcommand};

mod cmd;
mod config;

#[derive(Debug, Parser)]
#[command(name = "prensa", version, about = "A fast, self-hosted publishing platform for independent magazines.")]
struct Cli {
    /// Configuration file (TOML). Defaults to ./prensa.toml when it exists.
    #[arg(long, global = true, env = "PRENSA_CONFIG")]
    config: Option<std::path::PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the public site of every publication in the database.
    Serve(cmd::serve::Args),
    /// Load content into the database.
    #[command(subcommand)]
    Import(cmd::import::Source),
    /// Validate a content directory without writing anything.
    Check(cmd::check::Args),
    /// Start the demo magazine: a fresh database with demo content, served at a printed URL.
    Demo(cmd::demo::Args),
    /// Copy all content from one database to another (SQLite ⇄ PostgreSQL), then verify the copy.
    MigrateStore(cmd::migrate_store::Args),
    /// Write a consistent backup of the whole store to a file, while servers keep running.
    Backup(cmd::backup::Args),
    /// Load a backup made by `prensa backup` into an empty store (SQLite or PostgreSQL).
    Restore(cmd::restore::Args),
    /// Write the whole store out: `export json DIR` (read back by `import json DIR`), or the public site as files: `export static DIR`.
    #[command(subcommand)]
    Export(cmd::export::Target),
    /// Media files: copy a local media folder into an S3-compatible bucket.
    #[command(subcommand)]
    Media(cmd::media::Action),
    /// Staff accounts: create one (printing its invite link) or issue a password-reset link.
    #[command(subcommand)]
    User(cmd::user::Action),
    /// Content API keys: make one (printing it alone on the last line), list or revoke them.
    #[command(subcommand)]
    Key(cmd::key::Action),
}

fn main() -> std::process::ExitCode {
    // Before any thread starts (see prensa_web::memory).
    prensa_web::memory::limit_arenas();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("PRENSA_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let config = match config::FileConfig::load(cli.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e:#}");
            return std::process::ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Serve(args) => cmd::serve::run(args, &config).await,
            Command::Import(source) => cmd::import::run(source, &config).await,
            Command::Check(args) => cmd::check::run(args),
            Command::Demo(args) => cmd::demo::run(args).await,
            Command::MigrateStore(args) => cmd::migrate_store::run(args, &config).await,
            Command::Backup(args) => cmd::backup::run(args, &config).await,
            Command::Restore(args) => cmd::restore::run(args, &config).await,
            Command::Export(target) => cmd::export::run(target, &config).await,
            Command::Media(action) => cmd::media::run(action, &config).await,
            Command::User(action) => cmd::user::run(action, &config).await,
            Command::Key(action) => cmd::key::run(action, &config).await,
        }
    });
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
