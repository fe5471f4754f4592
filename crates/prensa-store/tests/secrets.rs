//! `server_secrets` (migration 0007) on every backend: a secret is stored
//! by its first caller and every later one — any node on the database —
//! reads that same value.

use prensa_store::{AnyStore, Newsroom};

#[macro_use]
mod common;
use common::*;

on_every_backend!(server_secrets_are_made_once_and_shared);

async fn server_secrets_are_made_once_and_shared(store: AnyStore) -> TestResult {
    let first = store.server_secret("form-signing", "first-candidate").await?;
    assert_eq!(first, "first-candidate");
    // A second node starting later offers its own candidate and gets the first.
    assert_eq!(store.server_secret("form-signing", "second-candidate").await?, "first-candidate");
    // Names are independent.
    assert_eq!(store.server_secret("other", "x").await?, "x");
    assert_eq!(store.server_secret("form-signing", "third").await?, "first-candidate");
    Ok(())
}
