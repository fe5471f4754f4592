//! What the workspace's test suites share, in one place instead of a copy
//! per test file: [`on_every_backend!`], which runs a test once on SQLite
//! and once on PostgreSQL; [`PgSchema`], the PostgreSQL schema each test
//! gets to itself; the small publications most tests import
//! ([`fixture`]); a fresh S3 bucket ([`s3::test_bucket`]); and, with the `web` feature, a site served by the real
//! router with its staff signed in (`web`, with variants taking a
//! `WebConfig`, a store of either backend's type or a media store).
//!
//! A dev-dependency only (`publish = false`): no library crate depends on
//! it, so nothing here reaches a build of Prensa. That is why the
//! skip-or-fail gate ([`gate`]) lives here and not in `prensa-store`.
//!
//! Every half of a test that needs a server besides SQLite and the local
//! disk (PostgreSQL, S3, Python, Varnish) goes through [`gate`], the
//! skip-or-fail gate: the PostgreSQL half runs when
//! `PRENSA_TEST_POSTGRES_URL` is set, says it skipped (and passes) when it
//! is not, and fails when `PRENSA_TEST_REQUIRE` names `postgres` but the
//! variable is missing.

pub mod fixture;
pub mod gate;
mod postgres;
pub mod s3;
#[cfg(feature = "web")]
pub mod web;

pub use postgres::{unique_schema_name, PgSchema};
use prensa_store::{AnyStore, StoreError};

/// For [`on_every_backend!`]'s expansion, which runs in the caller's crate.
#[doc(hidden)]
pub use tempfile;

/// What a test returns: `?` works on any error.
pub type TestResult = Result<(), Box<dyn std::error::Error>>;

/// Which database a test runs on; tests that make their database
/// themselves (the `prensa` binary's, with `--database URL`) take this.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A fresh database for one test that opens its stores itself: SQLite in
/// memory (a new, empty database at each [`TestDb::store`]), or a
/// PostgreSQL schema of its own, dropped with this value.
pub enum TestDb {
    Sqlite,
    Postgres(PgSchema),
}

impl TestDb {
    /// The URL a store opens.
    pub fn url(&self) -> String {
        match self {
            TestDb::Sqlite => "sqlite::memory:".to_owned(),
            TestDb::Postgres(schema) => schema.url(),
        }
    }

    /// A store over this database, migrated.
    pub async fn store(&self) -> Result<AnyStore, StoreError> {
        AnyStore::open(&self.url()).await
    }
}

/// A new, empty SQLite store in memory, migrated.
pub async fn sqlite() -> Result<AnyStore, StoreError> {
    AnyStore::open("sqlite::memory:").await
}

/// The URL of a SQLite file `site.db` in `dir`: for tests whose store is
/// opened more than once (every open of `sqlite::memory:` is a new
/// database).
pub fn sqlite_file_url(dir: &std::path::Path) -> String {
    format!("sqlite://{}", dir.join("site.db").display())
}

/// Runs each named test function as two tests, `NAME::sqlite` and
/// `NAME::postgres`. The PostgreSQL one gets a schema of its own, dropped
/// when it ends (even when it fails), and skips or fails as the module's
/// documentation says when no PostgreSQL is configured.
///
/// What the functions take decides the form:
///
/// - `on_every_backend!(a, b)`: `async fn(AnyStore) -> TestResult`, a
///   migrated store (SQLite in memory), closed after the test.
/// - `on_every_backend!(url: a, b)`: `async fn(&str) -> TestResult`, the
///   URL of an empty database (SQLite: a file in a temporary directory),
///   for tests that open it themselves, maybe more than once.
/// - `on_every_backend!(db: a, b)`: `async fn(TestDb) -> TestResult`, for
///   tests that open their stores themselves ([`TestDb::store`]; on
///   SQLite each open is a new, empty database).
///   `db_multi_thread:` is the same on a two-thread runtime, for tests
///   that call blocking clients from the runtime's blocking pool.
/// - `on_every_backend!(blocking: a, b)`: `fn(Backend)`, a plain
///   `#[test]`, for tests that make their database themselves.
///
/// The async forms need `tokio` (with `macros`) in the calling crate.
#[macro_export]
macro_rules! on_every_backend {
    (url: $($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn sqlite() -> $crate::TestResult {
                let dir = $crate::tempfile::tempdir()?;
                super::$name(&$crate::sqlite_file_url(dir.path())).await
            }

            #[tokio::test]
            async fn postgres() -> $crate::TestResult {
                let Some(schema) = $crate::PgSchema::create().await? else { return Ok(()) };
                super::$name(&schema.url()).await
            }
        }
    )*};
    (db: $($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn sqlite() -> $crate::TestResult {
                super::$name($crate::TestDb::Sqlite).await
            }

            #[tokio::test]
            async fn postgres() -> $crate::TestResult {
                let Some(schema) = $crate::PgSchema::create().await? else { return Ok(()) };
                super::$name($crate::TestDb::Postgres(schema)).await
            }
        }
    )*};
    (db_multi_thread: $($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() -> $crate::TestResult {
                super::$name($crate::TestDb::Sqlite).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() -> $crate::TestResult {
                let Some(schema) = $crate::PgSchema::create().await? else { return Ok(()) };
                super::$name($crate::TestDb::Postgres(schema)).await
            }
        }
    )*};
    (blocking: $($name:ident),* $(,)?) => {$(
        mod $name {
            #[test]
            fn sqlite() {
                super::$name($crate::Backend::Sqlite)
            }

            #[test]
            fn postgres() {
                super::$name($crate::Backend::Postgres)
            }
        }
    )*};
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn sqlite() -> $crate::TestResult {
                super::$name($crate::sqlite().await?).await
            }

            #[tokio::test]
            async fn postgres() -> $crate::TestResult {
                let Some(schema) = $crate::PgSchema::create().await? else { return Ok(()) };
                // Closed before the schema is dropped: a connection still
                // open in the pool would hold locks the DROP waits for.
                let store = schema.store().await?;
                let result = super::$name(store.clone()).await;
                store.close().await;
                result
            }
        }
    )*};
}
