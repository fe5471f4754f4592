//! A PostgreSQL schema per test: tests run in parallel on one test
//! database, each in a schema of its own that is dropped when it ends.

use crate::gate::{server_url, Server};
use prensa_store::{AnyStore, StoreError};
use sqlx::Connection;

/// A schema of the test PostgreSQL, created for one test and dropped when
/// this value is, even when the test fails.
pub struct PgSchema {
    base: String,
    name: String,
}

impl PgSchema {
    /// A fresh schema, or `None` when the test is to skip its PostgreSQL
    /// half ([`crate::gate`] decides, says so, or fails the test
    /// when `PRENSA_TEST_REQUIRE` names `postgres`).
    pub async fn create() -> Result<Option<PgSchema>, Box<dyn std::error::Error>> {
        let Some(base) = server_url(Server::Postgres) else {
            return Ok(None);
        };
        let name = unique_schema_name();
        let mut admin = sqlx::PgConnection::connect(&base).await.map_err(|e| {
            format!(
                "the test PostgreSQL (PRENSA_TEST_POSTGRES_URL={}) is unreachable: {e}",
                prensa_store::redact_url(&base)
            )
        })?;
        sqlx::query(&format!("CREATE SCHEMA {name}")).execute(&mut admin).await?;
        admin.close().await?;
        Ok(Some(PgSchema { base, name }))
    }

    /// [`PgSchema::create`] for a test without a runtime; panics, failing
    /// the test, when the schema cannot be made.
    pub fn create_blocking() -> Option<PgSchema> {
        let base = server_url(Server::Postgres)?;
        let name = unique_schema_name();
        if let Err(e) = admin_sql(&base, &format!("CREATE SCHEMA {name}")) {
            panic!(
                "creating a test schema on the test PostgreSQL (PRENSA_TEST_POSTGRES_URL={}): {e}",
                prensa_store::redact_url(&base)
            );
        }
        Some(PgSchema { base, name })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The URL of the test database with this schema first in the search
    /// path, so the store's tables land (and are found) there.
    pub fn url(&self) -> String {
        let sep = if self.base.contains('?') { '&' } else { '?' };
        format!("{}{sep}options[search_path]={}", self.base, self.name)
    }

    /// A store in this schema, migrated.
    pub async fn store(&self) -> Result<AnyStore, StoreError> {
        AnyStore::open(&self.url()).await
    }
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        // A session of the test's own pools can still be inside a
        // transaction here: a task stopped between two statements, whose
        // ROLLBACK waits for the test's runtime, which this drop blocks.
        // DROP SCHEMA would wait for its locks forever (seen: a CI run hung
        // 38 minutes). Nobody else uses this schema, so end the sessions
        // holding locks in it first, and never wait on a lock for long.
        let end_holders = format!(
            "SELECT pg_terminate_backend(l.pid) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation \
             JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '{}' AND l.pid <> pg_backend_pid()",
            self.name
        );
        if let Err(e) = admin_sql(&self.base, &end_holders) {
            eprintln!("warning: could not end the sessions of test schema {}: {e}", self.name);
        }
        let drop = format!("SET lock_timeout = '30s'; DROP SCHEMA IF EXISTS {} CASCADE", self.name);
        if let Err(e) = admin_sql(&self.base, &drop) {
            eprintln!("warning: could not drop test schema {}: {e}", self.name);
        }
    }
}

/// `t_<pid>_<counter>_<nanos>`: unique across parallel tests and test
/// binaries.
pub fn unique_schema_name() -> String {
    static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    format!("t_{}_{n}_{nanos}", std::process::id())
}

/// Runs one statement on the test server, from async tests and plain ones
/// alike: a runtime cannot block on its own futures (a schema is often
/// dropped inside the test's runtime), so a short-lived thread with a
/// runtime of its own does it.
fn admin_sql(url: &str, sql: &str) -> Result<(), String> {
    let (url, sql) = (url.to_owned(), sql.to_owned());
    let ran = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        rt.block_on(async {
            let mut conn = sqlx::PgConnection::connect(&url).await?;
            // Several statements in one string (`SET …; DROP …`).
            sqlx::raw_sql(&sql).execute(&mut conn).await?;
            conn.close().await
        })
        .map_err(std::io::Error::other)
    })
    .join();
    match ran {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err("the thread running it panicked".to_owned()),
    }
}
