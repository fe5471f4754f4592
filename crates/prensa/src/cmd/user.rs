//! `prensa user add|reset|deactivate|reactivate`: staff accounts from the
//! command line — how the first administrator gets in. An account is network-wide (its role holds
//! on every publication) unless `--publication SLUG` gives it its role on
//! that publication only.

use std::process::ExitCode;

use anyhow::Context;
use prensa_core::permissions::Role;
use prensa_core::{normalize_email, NewUser, TokenKind};
use prensa_store::{AnyStore, NewProfile, Newsroom, Staffing, Store};

use crate::config::{FileConfig, StoreArgs};

#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Create a staff account and print its one-time invite link (valid 72 hours).
    Add(AddArgs),
    /// Print a one-time link for an account to choose a new password (or a new invite link).
    Reset(ResetArgs),
    /// Sign an account out everywhere and refuse its sign-in; its articles stay, its e-mail stays taken.
    Deactivate(ResetArgs),
    /// Let a deactivated account sign in again (with its old password).
    Reactivate(ResetArgs),
}

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// The person's e-mail address (their sign-in name)
    pub email: String,
    /// contributor, author, editor or administrator
    #[arg(long)]
    pub role: String,
    /// Display name [default: the part of the e-mail before the @]
    #[arg(long)]
    pub name: Option<String>,
    /// Slug of the author profile the account writes as
    #[arg(long, conflicts_with = "new_author")]
    pub author: Option<String>,
    /// Create a new author profile with this slug (named as the account) for the account to write as
    #[arg(long)]
    pub new_author: Option<String>,
    /// Give the role on this publication (its slug) only [default: network-wide, on every publication]
    #[arg(long)]
    pub publication: Option<String>,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, clap::Args)]
pub struct ResetArgs {
    /// The account's e-mail address
    pub email: String,
    #[command(flatten)]
    pub store: StoreArgs,
}

pub async fn run(action: Action, file: &FileConfig) -> anyhow::Result<ExitCode> {
    match action {
        Action::Add(args) => {
            let store = open(&args.store, file).await?;
            let who = Who {
                name: args.name.as_deref(),
                author: args.author.as_deref(),
                new_author: args.new_author.as_deref(),
                publication: args.publication.as_deref(),
            };
            let link = add(&store, &args.email, &args.role, who).await?;
            println!("{link}");
            eprintln!("Send this link to {}; it works once, for 72 hours.", args.email.trim());
        }
        Action::Reset(args) => {
            let store = open(&args.store, file).await?;
            let email = normalize_email(&args.email).map_err(|e| anyhow::anyhow!("{e}"))?;
            let (user, _) =
                store.user_for_login(&email).await?.with_context(|| format!("no account has the e-mail {email}"))?;
            let kind = if user.has_password { TokenKind::Reset } else { TokenKind::Invite };
            println!(
                "{}",
                prensa_web::admin::users::issue_link(&store, &base_url(&store).await?, kind, user.id).await?
            );
        }
        Action::Deactivate(args) => set_active(&args, false, file).await?,
        Action::Reactivate(args) => set_active(&args, true, file).await?,
    }
    Ok(ExitCode::SUCCESS)
}

/// `prensa user deactivate|reactivate EMAIL`.
async fn set_active(args: &ResetArgs, active: bool, file: &FileConfig) -> anyhow::Result<()> {
    let store = open(&args.store, file).await?;
    let email = normalize_email(&args.email).map_err(|e| anyhow::anyhow!("{e}"))?;
    let (user, _) =
        store.user_for_login(&email).await?.with_context(|| format!("no account has the e-mail {email}"))?;
    store.set_user_active(user.id, active, chrono::Utc::now()).await?;
    tracing::info!(user = user.id, active, "account (de)activated from the command line");
    eprintln!("{email} is {}.", if active { "active again" } else { "deactivated and signed out everywhere" });
    Ok(())
}

async fn open(args: &StoreArgs, file: &FileConfig) -> anyhow::Result<AnyStore> {
    let database = args.database(file);
    AnyStore::open(&database).await.with_context(|| format!("opening {}", prensa_store::redact_url(&database)))
}

/// Links point at the first publication's address.
async fn base_url(store: &AnyStore) -> anyhow::Result<String> {
    let publications = store.publications().await?;
    let first = publications.first().context("the database holds no publication yet; import content first")?;
    Ok(first.base_url.clone())
}

/// The optional parts of a new account.
#[derive(Debug, Default, Clone, Copy)]
pub struct Who<'a> {
    /// Display name (default: the e-mail's local part).
    pub name: Option<&'a str>,
    /// Slug of the author profile the account writes as.
    pub author: Option<&'a str>,
    /// Slug of a new author profile, named as the account, to write as.
    pub new_author: Option<&'a str>,
    /// Slug of the one publication the role holds on (`None`: network-wide).
    pub publication: Option<&'a str>,
}

/// Creates the account and returns its invite link (on the publication it
/// works on, else the first one).
pub async fn add(store: &AnyStore, email: &str, role: &str, who: Who<'_>) -> anyhow::Result<String> {
    let email = normalize_email(email).map_err(|e| anyhow::anyhow!("{e}"))?;
    let role = Role::parse(role)
        .with_context(|| format!("unknown role `{role}`; use contributor, author, editor or administrator"))?;
    let publications = store.publications().await?;
    let first = publications.first().context("the database holds no publication yet; import content first")?;
    let home = match who.publication {
        Some(slug) => Some(publications.iter().find(|p| p.slug == slug).with_context(|| {
            let known: Vec<&str> = publications.iter().map(|p| p.slug.as_str()).collect();
            format!("no publication has the slug `{slug}` (there are: {})", known.join(", "))
        })?),
        None => None,
    };
    let author_id = match who.author {
        Some(slug) => Some(
            store
                .author_by_slug(home.unwrap_or(first).id, slug)
                .await?
                .with_context(|| format!("no author profile has the slug `{slug}`"))?
                .id,
        ),
        None => None,
    };
    let name = who.name.map(str::to_owned).unwrap_or_else(|| email.split('@').next().unwrap_or("").to_owned());
    let profile = who.new_author.map(|slug| NewProfile { name: name.clone(), slug: slug.to_owned() });
    let new = NewUser { email, name, role, author_id, publication: home.map(|p| p.id) };
    let user = store.invite_user(&new, profile.as_ref(), home.unwrap_or(first).id, chrono::Utc::now()).await?;
    let base_url = &home.unwrap_or(first).base_url;
    Ok(prensa_web::admin::users::issue_link(store, base_url, TokenKind::Invite, user.id).await?)
}

/// The demo's administrator account.
pub const DEMO_ADMIN: &str = "editor@meridian.example";

/// A link into the demo's admin: an invite for a new demo database, a
/// reset link for one reused with `--dir`.
pub async fn demo_admin_link(store: &AnyStore) -> anyhow::Result<String> {
    if let Some((user, _)) = store.user_for_login(DEMO_ADMIN).await? {
        let kind = if user.has_password { TokenKind::Reset } else { TokenKind::Invite };
        return Ok(prensa_web::admin::users::issue_link(store, &base_url(store).await?, kind, user.id).await?);
    }
    add(store, DEMO_ADMIN, "administrator", Who { name: Some("Demo Editor"), ..Who::default() }).await
}
