//! `prensa check PATH…`: the import's validation, without writing.

use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Content directories (publication.toml, authors/, sections/, articles/, media/), one per publication;
    /// `translation_of` links between them are checked as an import would
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match super::import::load_all(&args.paths, None) {
        Ok(network) => {
            for (path, set) in args.paths.iter().zip(&network.import.sets) {
                println!(
                    "{}: ok — {} articles, {} authors, {} sections, {} media files",
                    path.display(),
                    set.articles.len(),
                    set.authors.len(),
                    set.sections.len(),
                    set.media.len()
                );
            }
            // Links to a language none of these directories has can only
            // be checked against a database, by `prensa import`.
            let languages: Vec<String> =
                network.import.sets.iter().map(|s| s.publication.language.to_ascii_lowercase()).collect();
            for t in network
                .import
                .translations
                .iter()
                .filter(|t| !languages.contains(&t.original_language.to_ascii_lowercase()))
            {
                println!(
                    "{}: not checked: `{}:{}` is in no directory given here (import checks it against the database)",
                    t.source, t.original_language, t.original_slug
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(problems) => {
            super::import::report_all(&problems);
            Ok(ExitCode::FAILURE)
        }
    }
}
