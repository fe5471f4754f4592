//! TLS to PostgreSQL, against a server that accepts only TLS connections
//! (`hostssl` lines in `pg_hba.conf`, plain text rejected) with a
//! certificate for `localhost` signed by a CA of its own: `.ci/run` makes
//! both and exports `PRENSA_TEST_POSTGRES_TLS_URL` (without any `ssl*`
//! parameters) and `PRENSA_TEST_POSTGRES_TLS_CA` (the CA's PEM file).
//! Without them these tests say they skipped, or fail when
//! `PRENSA_TEST_REQUIRE` names `postgres-tls` (`prensa_test_support::gate`).
//!
//! The store takes `sslmode` and `sslrootcert` from the URL, beside
//! `options[search_path]`, as libpq does.

use chrono::{DateTime, Utc};
use prensa_core::{ImportSet, NewArticle};
use prensa_store::{AnyStore, Store};
use prensa_test_support::fixture::{article, meridian};
use prensa_test_support::gate::{server_url, Server};
use prensa_test_support::unique_schema_name;
use sqlx::Connection;

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// A self-signed CA that signed nothing (made once with openssl, valid
/// until 2126, its key thrown away): the wrong CA for any server.
const UNRELATED_CA: &str = "-----BEGIN CERTIFICATE-----
MIIBxzCCAW2gAwIBAgIUGbUYhhO6UYF5CBIs9qmfvNl5H90wCgYIKoZIzj0EAwIw
MDEuMCwGA1UEAwwlUHJlbnNhIHRlc3Q6IGEgQ0EgdGhhdCBzaWduZWQgbm90aGlu
ZzAgFw0yNjEyMDYyMzExMzZaGA8yMTI2MTExMjIzMTEzNlowMDEuMCwGA1UEAwwl
UHJlbnNhIHRlc3Q6IGEgQ0EgdGhhdCBzaWduZWQgbm90aGluZzBZMBMGByqGSM49
AgEGCCqGSM49AwEHA0IABPcsddilNUAWM8J47bfH1bJiSGBBdEn2UkczeU2Zk3C+
jCVA1rqvNq35cWXkH8LaWU0DQpZb/4jPfi9C6JGPDz2jYzBhMB0GA1UdDgQWBBSZ
op8moEYG7sFSxndQ6bsMI1rGQzAfBgNVHSMEGDAWgBSZop8moEYG7sFSxndQ6bsM
I1rGQzAPBgNVHRMBAf8EBTADAQH/MA4GA1UdDwEB/wQEAwIBBjAKBggqhkjOPQQD
AgNIADBFAiBn2aZe4XRltk8fdR3I4Ev+MVZTYrsQbkmjmo3p5ZaWtQIhAKiWG0LK
wvKLEewGmCNu1BO6F8FzXh3YoFECttv0kuGF
-----END CERTIFICATE-----
";

/// The TLS test server's URL and its CA's PEM file, or `None` to skip.
fn tls_server() -> Option<(String, String)> {
    let url = server_url(Server::PostgresTls)?;
    let ca = std::env::var("PRENSA_TEST_POSTGRES_TLS_CA")
        .expect("PRENSA_TEST_POSTGRES_TLS_CA: the PEM file of the CA that signed the TLS test server's certificate");
    Some((url, ca))
}

/// `url` with `params` (`k=v&k=v`) added to its query.
fn with(url: &str, params: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}{params}")
}

/// The Meridian over TLS: its tagline and article are what the round trip
/// reads back.
fn fixture() -> ImportSet {
    let published_at = DateTime::parse_from_rfc3339("2026-01-05T10:00:00+01:00").expect("valid date");
    let mut set = meridian(vec![NewArticle {
        headline: "Sent sealed".into(),
        standfirst: "S".into(),
        body: "Every byte of this went through TLS.".into(),
        tags: vec![],
        published_at,
        ..article("sealed")
    }]);
    set.publication.tagline = "Over TLS".into();
    set.publication.base_url = "https://meridian.example".into();
    set.publication.timezone = "Europe/Berlin".into();
    set
}

/// `sslmode=verify-full` with the server's CA in `sslrootcert`: the
/// connection is encrypted, the certificate checked against the CA and the
/// host name, and the store works through it (migrations, an import, reads)
/// in a schema picked by `options[search_path]` in the same URL.
#[tokio::test]
async fn verify_full_with_the_servers_ca_connects_and_round_trips() -> TestResult {
    let Some((base, ca)) = tls_server() else { return Ok(()) };
    let tls = with(&base, &format!("sslmode=verify-full&sslrootcert={ca}"));
    let schema = unique_schema_name();
    let mut admin = sqlx::PgConnection::connect(&tls).await?;
    let encrypted: bool =
        sqlx::query_scalar("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").fetch_one(&mut admin).await?;
    assert!(encrypted, "the connection is encrypted");
    sqlx::query(&format!("CREATE SCHEMA {schema}")).execute(&mut admin).await?;

    let outcome = async {
        let store = AnyStore::open(&with(&tls, &format!("options[search_path]={schema}"))).await?;
        store.apply_import(&fixture(), false).await?;
        let publication = store.publications().await?.into_iter().next().ok_or("the publication")?;
        assert_eq!(publication.tagline, "Over TLS");
        let article = store.published_article(publication.id, "sealed", Utc::now()).await?.ok_or("the article")?;
        assert_eq!(article.body, "Every byte of this went through TLS.");
        store.close().await;
        Ok::<_, Box<dyn std::error::Error>>(())
    }
    .await;
    // The tables went into the test's schema, not `public`.
    let tables: i64 = sqlx::query_scalar("SELECT count(*) FROM information_schema.tables WHERE table_schema = $1")
        .bind(&schema)
        .fetch_one(&mut admin)
        .await?;
    sqlx::query(&format!("DROP SCHEMA {schema} CASCADE")).execute(&mut admin).await?;
    admin.close().await?;
    outcome?;
    assert!(tables > 0, "the store's tables are in {schema}");
    Ok(())
}

/// A CA that did not sign the server's certificate: refused, with the
/// certificate named as the reason, under `verify-full` and `verify-ca`.
#[tokio::test]
async fn a_wrong_ca_is_refused() -> TestResult {
    let Some((base, _)) = tls_server() else { return Ok(()) };
    let dir = tempfile::tempdir()?;
    let wrong = dir.path().join("unrelated-ca.crt");
    std::fs::write(&wrong, UNRELATED_CA)?;
    for mode in ["verify-full", "verify-ca"] {
        let url = with(&base, &format!("sslmode={mode}&sslrootcert={}", wrong.display()));
        let err =
            AnyStore::open(&url).await.err().ok_or(format!("{mode} with a wrong CA must be refused"))?.to_string();
        assert!(
            err.contains("TLS certificate was refused") && err.contains("UnknownIssuer") && err.contains("sslrootcert"),
            "{mode}: {err}"
        );
    }
    Ok(())
}

/// `sslmode=disable` against a server that rejects plain-text connections:
/// refused, and the server's reason reaches the message.
#[tokio::test]
async fn plain_text_is_refused() -> TestResult {
    let Some((base, _)) = tls_server() else { return Ok(()) };
    let err = AnyStore::open(&with(&base, "sslmode=disable"))
        .await
        .err()
        .ok_or("a plain-text connection must be refused")?
        .to_string();
    assert!(err.contains("pg_hba.conf") && err.contains("no encryption"), "{err}");
    Ok(())
}

/// `sslmode=require` encrypts without checking the certificate (libpq's
/// meaning); the default, `prefer`, takes TLS when the server offers it.
#[tokio::test]
async fn require_and_prefer_encrypt_without_a_ca() -> TestResult {
    let Some((base, _)) = tls_server() else { return Ok(()) };
    for url in [with(&base, "sslmode=require"), base.clone()] {
        let mut conn = sqlx::PgConnection::connect(&url).await?;
        let encrypted: bool =
            sqlx::query_scalar("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").fetch_one(&mut conn).await?;
        assert!(encrypted, "{url}");
        conn.close().await?;
    }
    Ok(())
}

/// An `sslrootcert` that does not exist is named, before any connection
/// is tried (no server needed).
#[tokio::test]
async fn a_missing_sslrootcert_is_named() -> TestResult {
    let url = "postgres://postgres@127.0.0.1:1/x?sslmode=verify-full&sslrootcert=/nonexistent/prensa-ca.pem";
    let err = AnyStore::open(url).await.err().ok_or("a missing CA file must be refused")?.to_string();
    assert!(err.contains("sslrootcert /nonexistent/prensa-ca.pem") && err.contains("No such file"), "{err}");
    Ok(())
}
