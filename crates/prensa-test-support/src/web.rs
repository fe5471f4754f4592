//! For `prensa-web`'s tests (the `web` feature): a store with a fixture
//! imported, served by the real router over an empty media directory,
//! and staff accounts signed in to it.
//!
//! The functions come in a default form and a `_with` form taking what a
//! test file genuinely sets differently (a [`WebConfig`], a media store),
//! so that no test file repeats the open / import / `AppState::new` /
//! router block to change one parameter.

use std::sync::Arc;

use axum::Router;
use chrono::{Duration, Utc};
use prensa_core::permissions::Role;
use prensa_core::{ImportSet, NewUser};
use prensa_store::{AnyStore, ContentApi, Desk, Editorial, MediaDir, MediaStore, Newsroom, Store};
use prensa_web::{AppState, WebConfig};

type Res<T> = Result<T, Box<dyn std::error::Error>>;

/// A site served by the real router, as [`site`] makes it: over an
/// [`AnyStore`] unless made by [`site_on`] from a store of another type.
pub struct Site<S: Store = AnyStore> {
    pub store: S,
    pub state: Arc<AppState<S>>,
    pub router: Router,
    /// The id of the first publication.
    pub pid: i64,
    /// The media directory, removed when this is dropped.
    pub media: tempfile::TempDir,
}

/// Opens the store at `url`, imports `set` into it and serves it with the
/// default configuration and an empty media directory.
pub async fn site(url: &str, set: &ImportSet) -> Res<Site> {
    site_with(url, set, WebConfig::default()).await
}

/// [`site`] with the configuration `config`.
pub async fn site_with(url: &str, set: &ImportSet, config: WebConfig) -> Res<Site> {
    site_on(AnyStore::open(url).await?, set, config).await
}

/// [`site_with`] over a store already open, of either backend's type (for
/// tests that call one backend's own methods) or `AnyStore`.
pub async fn site_on<S: Desk + Editorial + ContentApi>(store: S, set: &ImportSet, config: WebConfig) -> Res<Site<S>> {
    store.apply_import(set, false).await?;
    let pid = store.publications().await?.first().ok_or("the imported publication")?.id;
    let (state, router, media) = serve_with(store.clone(), config).await?;
    Ok(Site { store, state, router, pid, media })
}

/// Serves `store` (of either backend's type, or `AnyStore`) with the
/// default configuration and an empty media directory (removed when the
/// returned one is dropped).
pub async fn serve<S: Desk + Editorial + ContentApi>(store: S) -> Res<(Arc<AppState<S>>, Router, tempfile::TempDir)> {
    serve_with(store, WebConfig::default()).await
}

/// [`serve`] with the configuration `config`.
pub async fn serve_with<S: Desk + Editorial + ContentApi>(
    store: S,
    config: WebConfig,
) -> Res<(Arc<AppState<S>>, Router, tempfile::TempDir)> {
    let media = tempfile::tempdir()?;
    let (state, router) = serve_media(store, MediaDir::new(media.path()), config).await?;
    Ok((state, router, media))
}

/// Serves `store` over the media store `media` (a directory the test
/// owns, perhaps shared by two nodes, or an S3 bucket) with `config`.
pub async fn serve_media<S: Desk + Editorial + ContentApi>(
    store: S,
    media: impl Into<MediaStore>,
    config: WebConfig,
) -> Res<(Arc<AppState<S>>, Router)> {
    let state = AppState::new(store, media, config).await?;
    Ok((state.clone(), prensa_web::router(state)))
}

/// A new staff account with `role` on every publication (named by its
/// `email`, without an author profile), signed in for a day: the secret of
/// its session cookie.
pub async fn sign_in<S: Newsroom>(store: &S, role: Role, email: &str) -> Res<String> {
    let new = NewUser { email: email.into(), name: email.into(), role, author_id: None, publication: None };
    Ok(sign_in_as(store, &new).await?.1)
}

/// The account `new` created and signed in for a day: its id and the
/// secret of its session cookie. For staff the default [`sign_in`] does
/// not describe (an author profile, one publication only, a name).
pub async fn sign_in_as<S: Newsroom>(store: &S, new: &NewUser) -> Res<(i64, String)> {
    account(store, new, None).await
}

/// [`sign_in_as`] for an account that also has `password` (for tests that
/// sign in through the form, or confirm a step with the password).
pub async fn sign_in_with_password<S: Newsroom>(store: &S, new: &NewUser, password: &str) -> Res<(i64, String)> {
    account(store, new, Some(password)).await
}

async fn account<S: Newsroom>(store: &S, new: &NewUser, password: Option<&str>) -> Res<(i64, String)> {
    let user = store.create_user(new, Utc::now()).await?;
    // Before the session: setting a password ends the account's sessions.
    if let Some(password) = password {
        store.set_password(user.id, &prensa_auth::hash_password(password)?).await?;
    }
    let token = prensa_auth::new_token();
    store.create_session(&token.digest, user.id, Utc::now(), Utc::now() + Duration::days(1)).await?;
    Ok((user.id, token.secret))
}
