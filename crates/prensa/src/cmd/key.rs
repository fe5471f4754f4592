//! `prensa key add|list|revoke`: Content API keys from the command line.
//! `add` prints the new key alone on its last line of stdout (so a script
//! can take it with `tail -n 1`); the database keeps only its SHA-256.
//! A revocation reaches every running node within its watcher's poll.

use std::process::ExitCode;

use anyhow::Context;
use prensa_core::{Id, Publication, RevokeOutcome};
use prensa_store::{AnyStore, ApiKeys, Store};

use crate::config::{FileConfig, StoreArgs};

#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Make a key for a publication and print it (shown this once; the database keeps only its digest).
    Add(AddArgs),
    /// List a publication's keys: id, name, prefix, created, revoked.
    List(ListArgs),
    /// Revoke a key by id; every running server refuses it within a second.
    Revoke(RevokeArgs),
}

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// Who or what uses the key (a name for the list)
    pub name: String,
    /// The publication's slug
    #[arg(long)]
    pub publication: String,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// The publication's slug
    #[arg(long)]
    pub publication: String,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, clap::Args)]
pub struct RevokeArgs {
    /// The key's id (see `prensa key list`)
    pub id: Id,
    /// The publication's slug
    #[arg(long)]
    pub publication: String,
    #[command(flatten)]
    pub store: StoreArgs,
}

pub async fn run(action: Action, file: &FileConfig) -> anyhow::Result<ExitCode> {
    match action {
        Action::Add(args) => {
            let store = open(&args.store, file).await?;
            let publication = publication(&store, &args.publication).await?;
            let (id, key) = prensa_web::api_keys::issue_key(&store, publication.id, &args.name, None).await.map_err(
                |e| match e {
                    prensa_store::StoreError::Invalid(why) => anyhow::anyhow!("{why}"),
                    other => anyhow::Error::new(other),
                },
            )?;
            eprintln!(
                "Key {id} for {} made. It is shown this once; send it as `Authorization: Bearer KEY` or `?key=KEY`.",
                publication.slug
            );
            println!("{}", key.key);
        }
        Action::List(args) => {
            let store = open(&args.store, file).await?;
            let publication = publication(&store, &args.publication).await?;
            let keys = store.api_keys(publication.id).await?;
            if keys.is_empty() {
                eprintln!("{} has no API keys.", publication.slug);
            } else {
                println!("{:>6}  {:<32}  {:<14}  {:<20}  revoked", "id", "name", "prefix", "created");
            }
            for k in keys {
                let revoked =
                    k.revoked_at.map_or_else(|| "-".to_owned(), |t| t.format("%Y-%m-%d %H:%M UTC").to_string());
                println!(
                    "{:>6}  {:<32}  {:<14}  {:<20}  {revoked}",
                    k.id,
                    k.name,
                    format!("{}…", k.prefix),
                    k.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
                );
            }
        }
        Action::Revoke(args) => {
            let store = open(&args.store, file).await?;
            let publication = publication(&store, &args.publication).await?;
            match store.revoke_api_key(publication.id, args.id, chrono::Utc::now()).await? {
                RevokeOutcome::Revoked => eprintln!("Key {} of {} revoked.", args.id, publication.slug),
                RevokeOutcome::AlreadyRevoked => {
                    eprintln!("Key {} of {} was already revoked.", args.id, publication.slug)
                }
                RevokeOutcome::NotFound => {
                    anyhow::bail!("{} has no API key with the id {} (see `prensa key list`)", publication.slug, args.id)
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn open(args: &StoreArgs, file: &FileConfig) -> anyhow::Result<AnyStore> {
    let database = args.database(file);
    AnyStore::open(&database).await.with_context(|| format!("opening {}", prensa_store::redact_url(&database)))
}

/// The publication with this slug, or an error naming the ones there are.
async fn publication(store: &AnyStore, slug: &str) -> anyhow::Result<Publication> {
    let publications = store.publications().await?;
    let known: Vec<&str> = publications.iter().map(|p| p.slug.as_str()).collect();
    let message = if known.is_empty() {
        format!("no publication has the slug `{slug}`: the database holds none yet; import content first")
    } else {
        format!("no publication has the slug `{slug}` (there are: {})", known.join(", "))
    };
    publications.iter().find(|p| p.slug == slug).cloned().ok_or_else(|| anyhow::anyhow!(message))
}
