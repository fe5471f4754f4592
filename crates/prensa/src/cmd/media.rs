//! `prensa media push DIR`: copy a local media folder into the media
//! bucket, for a site moving from `media_dir` to `media_url`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use prensa_store::{MediaDir, MediaStore};

use crate::config::FileConfig;

#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Copy every media file of a local folder into the bucket of --media-url, skipping those already there.
    ///
    /// Safe to run again (keys are content hashes, so a file already in the
    /// bucket is never rewritten) and while servers run.
    Push(PushArgs),
}

#[derive(Debug, clap::Args)]
pub struct PushArgs {
    /// The local media folder, e.g. the `media` folder beside the SQLite file
    pub dir: PathBuf,
    /// The bucket to copy into: s3://BUCKET[/PREFIX] (endpoint and credentials from AWS_*)
    #[arg(long, env = "PRENSA_MEDIA_URL")]
    pub media_url: Option<String>,
}

pub async fn run(action: Action, file: &FileConfig) -> anyhow::Result<ExitCode> {
    let Action::Push(args) = action;
    let url = args
        .media_url
        .or_else(|| file.media_url.clone())
        .context("no bucket to push to: give --media-url s3://BUCKET[/PREFIX]")?;
    let media = MediaStore::open(&url).with_context(|| format!("media_url {url}"))?;
    media.check().await?;
    let entries = std::fs::read_dir(&args.dir).with_context(|| format!("reading {}", args.dir.display()))?;
    let mut keys = Vec::new();
    for entry in entries {
        let name = entry?.file_name();
        // Temporary files of an interrupted write and strangers are skipped.
        if let Some(key) = name.to_str().filter(|k| MediaDir::is_valid_key(k)) {
            keys.push(key.to_owned());
        }
    }
    keys.sort();
    let (mut copied, mut present) = (0usize, 0usize);
    let mut copies = tokio::task::JoinSet::new();
    let mut keys = keys.into_iter();
    loop {
        while copies.len() < 8 {
            let Some(key) = keys.next() else { break };
            let (media, source) = (media.clone(), args.dir.join(&key));
            copies.spawn(async move {
                media.put_file(&key, &source).await.with_context(|| format!("copying {}", source.display()))
            });
        }
        let Some(done) = copies.join_next().await else { break };
        if done?? {
            copied += 1;
        } else {
            present += 1;
        }
    }
    println!("{copied} media files copied into the {media}, {present} already there");
    Ok(ExitCode::SUCCESS)
}
