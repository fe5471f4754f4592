//! `prensa demo`: the demo magazine, ready to browse.
//!
//! The demo content (original writing, generated images) is compiled into
//! the binary, so the command works from any directory.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use include_dir::{include_dir, Dir};
use prensa_store::{AnyStore, MediaStore, SqliteStore};

static DEMO: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../../demo");

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Folder for the demo's database and media [default: a temporary folder, removed on exit]
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// Address and port to listen on (port 0 picks a free one)
    #[arg(long, env = "PRENSA_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,
    #[command(flatten)]
    pub web: super::serve::WebArgs,
}

pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    let temp;
    let root = match args.dir {
        Some(dir) => dir,
        None => {
            temp = tempfile::tempdir().context("creating a temporary folder")?;
            temp.path().to_path_buf()
        }
    };
    let content = root.join("content");
    std::fs::create_dir_all(&content).with_context(|| format!("creating {}", content.display()))?;
    DEMO.extract(&content).with_context(|| format!("writing demo content to {}", content.display()))?;

    let listener =
        tokio::net::TcpListener::bind(&args.bind).await.with_context(|| format!("listening on {}", args.bind))?;
    let addr = listener.local_addr()?;
    let host = if addr.ip().is_unspecified() { format!("localhost:{}", addr.port()) } else { addr.to_string() };

    let mut prepared = super::import::load(&content).map_err(|p| anyhow::anyhow!("demo content is invalid:\n{p}"))?;
    // Canonical URLs and share links should point where the demo runs.
    prepared.set.publication.base_url = format!("http://{host}");
    let database = format!("sqlite://{}", root.join("demo.db").display());
    // The demo is always SQLite: it must run with nothing else installed.
    let store = AnyStore::Sqlite(SqliteStore::open(&database).await.with_context(|| format!("opening {database}"))?);
    let media = MediaStore::dir(root.join("media"));
    let counts = super::import::apply(&store, &media, &prepared, false).await?;
    eprintln!(
        "Demo magazine loaded into {}: {} articles, {} authors, {} sections.",
        root.display(),
        counts.articles,
        counts.authors,
        counts.sections
    );
    let link = super::user::demo_admin_link(&store).await?;
    println!("Newsroom admin: open {link} to choose a password for {}.", super::user::DEMO_ADMIN);
    super::serve::serve_on(listener, store, media, args.web.resolve(&crate::config::FileConfig::default())?).await?;
    Ok(ExitCode::SUCCESS)
}
