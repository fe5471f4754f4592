//! For `prensa-web`'s tests (the `web` feature): a store with a fixture
//! imported, served by the real router over an empty media directory,
//! and staff accounts signed in to it.

use std::sync::Arc;

use axum::Router;
use chrono::{Duration, Utc};
use prensa_core::permissions::Role;
use prensa_core::{ImportSet, NewUser};
use prensa_store::{AnyStore, ContentApi, Desk, Editorial, MediaDir, Newsroom, Store};
use prensa_web::{AppState, WebConfig};

type Res<T> = Result<T, Box<dyn std::error::Error>>;

/// A site served by the real router, as [`site`] makes it.
pub struct Site {
    pub store: AnyStore,
    pub state: Arc<AppState<AnyStore>>,
    pub router: Router,
    /// The id of the first publication.
    pub pid: i64,
    /// The media directory, removed when this is dropped.
    pub media: tempfile::TempDir,
}

/// Opens the store at `url`, imports `set` into it and serves it with the
/// default configuration and an empty media directory.
pub async fn site(url: &str, set: &ImportSet) -> Res<Site> {
    let store = AnyStore::open(url).await?;
    store.apply_import(set, false).await?;
    let pid = store.publications().await?.first().ok_or("the imported publication")?.id;
    let (state, router, media) = serve(store.clone()).await?;
    Ok(Site { store, state, router, pid, media })
}

/// Serves `store` (of either backend's type, or `AnyStore`) with the
/// default configuration and an empty media directory (removed when the
/// returned one is dropped).
pub async fn serve<S: Desk + Editorial + ContentApi>(store: S) -> Res<(Arc<AppState<S>>, Router, tempfile::TempDir)> {
    let media = tempfile::tempdir()?;
    let state = AppState::new(store, MediaDir::new(media.path()), WebConfig::default()).await?;
    Ok((state.clone(), prensa_web::router(state), media))
}

/// A new staff account with `role` on every publication (named by its
/// `email`, without an author profile), signed in for a day: the secret of
/// its session cookie.
pub async fn sign_in<S: Newsroom>(store: &S, role: Role, email: &str) -> Res<String> {
    let new = NewUser { email: email.into(), name: email.into(), role, author_id: None, publication: None };
    let user = store.create_user(&new, Utc::now()).await?;
    let token = prensa_auth::new_token();
    store.create_session(&token.digest, user.id, Utc::now(), Utc::now() + Duration::days(1)).await?;
    Ok(token.secret)
}
