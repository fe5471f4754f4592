//! `prensa check PATH`: the import's validation, without writing.

use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Content directory (publication.toml, authors/, sections/, articles/, media/)
    pub path: PathBuf,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match super::import::load(&args.path) {
        Ok(prepared) => {
            let set = &prepared.set;
            println!(
                "{}: ok — {} articles, {} authors, {} sections, {} media files",
                args.path.display(),
                set.articles.len(),
                set.authors.len(),
                set.sections.len(),
                set.media.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(problems) => {
            super::import::report(&args.path, &problems);
            Ok(ExitCode::FAILURE)
        }
    }
}
