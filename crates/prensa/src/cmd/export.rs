//! `prensa export json DIR`: the whole store as documented JSON files plus
//! media, which `prensa import json DIR` reads back (format in `json.rs`
//! and `docs/export-format.md`); `prensa export static DIR`: the public
//! site as files for a static host (`static_site.rs`).

use std::process::ExitCode;

use crate::config::FileConfig;

#[derive(Debug, clap::Subcommand)]
pub enum Target {
    /// Every publication, author, section, tag, article (with revisions and translation links),
    /// staff account (without password hashes unless --with-secrets) and media file, as JSON
    /// files in DIR that `prensa import json DIR` reads back.
    Json(super::json::ExportArgs),
    /// The whole public site as files in DIR (pages, pagination, feeds, sitemaps, media and their
    /// variants, 404 page, assets), ready for any static host or CDN and as a permanent archive.
    Static(super::static_site::Args),
}

pub async fn run(target: Target, file: &FileConfig) -> anyhow::Result<ExitCode> {
    match target {
        Target::Json(args) => super::json::export(args, file).await,
        Target::Static(args) => super::static_site::run(args, file).await,
    }
}
