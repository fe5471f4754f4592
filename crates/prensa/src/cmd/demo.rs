//! `prensa demo`: the demo network, ready to browse.
//!
//! The demo content (original writing, generated images) is compiled into
//! the binary, so the command works from any directory: the English
//! magazine in `demo/` and its sister publications, one directory each
//! under `demo/sisters/` (`de`, `es` …), imported as one run so their
//! translation links resolve. All share the one port: English at the root,
//! each sister under a path prefix named after its directory
//! (`http://ADDR/de/`).

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

    let (dirs, prefixes) = demo_dirs(&content)?;
    let mut network =
        super::import::load_all(&dirs, None).map_err(|p| anyhow::anyhow!("demo content is invalid:\n{p}"))?;
    // Canonical URLs, share links and the links between the sisters should
    // point where the demo runs.
    for (set, prefix) in network.import.sets.iter_mut().zip(&prefixes) {
        set.publication.base_url = format!("http://{host}{prefix}");
    }
    let database = format!("sqlite://{}", root.join("demo.db").display());
    // The demo is always SQLite: it must run with nothing else installed.
    let store = AnyStore::Sqlite(SqliteStore::open(&database).await.with_context(|| format!("opening {database}"))?);
    let media = MediaStore::dir(root.join("media"));
    let counts = super::import::apply_network(&store, &media, &network, false, &prensa_core::InMemory).await?;
    for (set, counts) in network.import.sets.iter().zip(&counts) {
        eprintln!(
            "{} ({}) at {}: {} articles, {} authors, {} sections.",
            set.publication.name,
            set.publication.language,
            set.publication.base_url,
            counts.articles,
            counts.authors,
            counts.sections
        );
    }
    eprintln!("Demo loaded into {}: {} translations linked.", root.display(), network.import.translations.len());
    let link = super::user::demo_admin_link(&store).await?;
    println!("Newsroom admin: open {link} to choose a password for {}.", super::user::DEMO_ADMIN);
    super::serve::serve_on(listener, store, media, args.web.resolve(&crate::config::FileConfig::default())?).await?;
    Ok(ExitCode::SUCCESS)
}

/// The demo's content directories and the path prefix each is served
/// under: `content` itself at the root, then every directory of
/// `content/sisters/` in name order, under `/NAME`.
fn demo_dirs(content: &std::path::Path) -> anyhow::Result<(Vec<PathBuf>, Vec<String>)> {
    let mut dirs = vec![content.to_path_buf()];
    let mut prefixes = vec![String::new()];
    let sisters = content.join("sisters");
    if sisters.is_dir() {
        let mut names: Vec<String> = std::fs::read_dir(&sisters)
            .with_context(|| format!("reading {}", sisters.display()))?
            .filter_map(|e| e.ok())
            .filter(|e| e.path().is_dir())
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|name| !name.starts_with('.'))
            .collect();
        names.sort();
        for name in names {
            dirs.push(sisters.join(&name));
            prefixes.push(format!("/{name}"));
        }
    }
    Ok((dirs, prefixes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sisters_are_served_under_their_directory_names() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let content = tmp.path().join("content");
        for dir in ["sisters/es", "sisters/de", "sisters/.hidden"] {
            std::fs::create_dir_all(content.join(dir)).expect("mkdir");
        }
        std::fs::write(content.join("sisters/README.md"), "not a publication").expect("write");
        let (dirs, prefixes) = demo_dirs(&content).expect("dirs");
        assert_eq!(dirs, [content.clone(), content.join("sisters/de"), content.join("sisters/es")]);
        assert_eq!(prefixes, ["", "/de", "/es"]);
        // Without sisters: the English magazine alone, at the root.
        let (dirs, prefixes) = demo_dirs(&tmp.path().join("nothing")).expect("dirs");
        assert_eq!((dirs.len(), prefixes), (1, vec![String::new()]));
    }
}
