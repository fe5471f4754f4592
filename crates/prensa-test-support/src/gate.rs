//! The one gate every test with a PostgreSQL, S3, Python or Varnish half
//! goes through, so that a run cannot look green while those halves never
//! ran. It lives here, in the dev-only crate, so that no library ships it.
//!
//! Each server is configured by one environment variable
//! ([`Server::variable`]). `PRENSA_TEST_REQUIRE`, a comma list of server
//! names (`postgres`, `postgres-tls`, `s3`, `python`, `varnish`), says which ones a run must
//! have: a test whose required server is not configured panics, naming the
//! variable, and fails (and one that is configured but unreachable fails on
//! connecting, as before). `.ci/run` requires all five.
//!
//! A server neither configured nor required is skipped: the test passes
//! without its half and says so in one line,
//! `prensa-test: skipped NAME: no PostgreSQL (PRENSA_TEST_POSTGRES_URL unset)`.
//! The line is written to the process's stderr directly rather than with
//! `eprintln!`, because libtest captures only the `print!`/`eprint!` macros
//! (and shows what they wrote only for failures): so a plain `cargo test`
//! shows every skip, with `--nocapture` or without. When
//! `PRENSA_TEST_SKIP_LOG` names a file the line is appended there too, for
//! a script to count (`.ci/run` prints the count).

use std::io::Write;

/// A server some tests need besides SQLite and the local disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Server {
    /// `PRENSA_TEST_POSTGRES_URL`, e.g. `postgres://postgres@127.0.0.1:5432/test`.
    Postgres,
    /// `PRENSA_TEST_POSTGRES_TLS_URL`: a PostgreSQL that accepts only TLS
    /// connections, with a certificate signed by the CA whose PEM file is
    /// `PRENSA_TEST_POSTGRES_TLS_CA`.
    PostgresTls,
    /// `PRENSA_TEST_S3_URL`: an S3-compatible endpoint (a moto server).
    S3,
    /// `PRENSA_TEST_PYTHON`: a Python interpreter with the packages of
    /// `tests/python-requirements.txt` (feedparser, lxml, schemathesis), the
    /// other people's parsers that check what Prensa emits.
    Python,
    /// `PRENSA_TEST_VARNISHD`: the `varnishd` binary (with vmod xkey
    /// installed beside it), which a test starts on its own ports.
    Varnish,
}

impl Server {
    pub const ALL: [Server; 5] = [Server::Postgres, Server::PostgresTls, Server::S3, Server::Python, Server::Varnish];

    /// Its name in `PRENSA_TEST_REQUIRE`.
    pub fn name(self) -> &'static str {
        match self {
            Server::Postgres => "postgres",
            Server::PostgresTls => "postgres-tls",
            Server::S3 => "s3",
            Server::Python => "python",
            Server::Varnish => "varnish",
        }
    }

    /// The environment variable that locates it.
    pub fn variable(self) -> &'static str {
        match self {
            Server::Postgres => "PRENSA_TEST_POSTGRES_URL",
            Server::PostgresTls => "PRENSA_TEST_POSTGRES_TLS_URL",
            Server::S3 => "PRENSA_TEST_S3_URL",
            Server::Python => "PRENSA_TEST_PYTHON",
            Server::Varnish => "PRENSA_TEST_VARNISHD",
        }
    }

    fn what(self) -> &'static str {
        match self {
            Server::Postgres => "PostgreSQL",
            Server::PostgresTls => "PostgreSQL over TLS",
            Server::S3 => "S3-compatible storage",
            Server::Python => "Python with the test tools",
            Server::Varnish => "Varnish with vmod xkey",
        }
    }
}

/// The servers `require` (the value of `PRENSA_TEST_REQUIRE`) names, or the
/// first name that is not a server: a typo must not quietly require nothing.
pub fn parse_require(require: &str) -> Result<Vec<Server>, String> {
    require
        .split(',')
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map(|name| Server::ALL.into_iter().find(|s| s.name() == name).ok_or_else(|| name.to_owned()))
        .collect()
}

/// The URL of `server` for the calling test, or `None` when the test is to
/// skip that half (after saying so). Panics, failing the test, when the
/// server is required but not configured, or `PRENSA_TEST_REQUIRE` names
/// an unknown server.
pub fn server_url(server: Server) -> Option<String> {
    let require = std::env::var("PRENSA_TEST_REQUIRE").unwrap_or_default();
    let required = match parse_require(&require) {
        Ok(servers) => servers.contains(&server),
        Err(unknown) => panic!(
            "PRENSA_TEST_REQUIRE={require}: `{unknown}` is not a test server (known: {})",
            Server::ALL.map(Server::name).join(", ")
        ),
    };
    // Empty counts as unset: `VAR= cargo test` is how one turns a server off.
    if let Some(url) = std::env::var(server.variable()).ok().filter(|v| !v.trim().is_empty()) {
        return Some(url);
    }
    let test = std::thread::current().name().unwrap_or("a test").to_owned();
    if required {
        panic!(
            "{test}: PRENSA_TEST_REQUIRE={require} requires {} but {} is not set; start the server and set it \
             (.ci/run does both), or leave `{}` out of PRENSA_TEST_REQUIRE to skip",
            server.what(),
            server.variable(),
            server.name()
        );
    }
    report_skip(&format!("prensa-test: skipped {test}: no {} ({} unset)\n", server.what(), server.variable()));
    None
}

fn report_skip(line: &str) {
    // Straight to the file descriptor, past libtest's capture (see the
    // module's documentation). Failing to report must not fail the test.
    let _ = std::io::stderr().write_all(line.as_bytes());
    if let Some(path) = std::env::var_os("PRENSA_TEST_SKIP_LOG").filter(|p| !p.is_empty()) {
        // Appends of one short line are atomic, so parallel tests and test
        // binaries do not interleave.
        if let Ok(mut log) = std::fs::OpenOptions::new().create(true).append(true).open(path) {
            let _ = log.write_all(line.as_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn require_lists_are_parsed_strictly() {
        assert_eq!(parse_require(""), Ok(vec![]));
        assert_eq!(parse_require("postgres, s3,"), Ok(vec![Server::Postgres, Server::S3]));
        assert_eq!(parse_require("postgres-tls"), Ok(vec![Server::PostgresTls]));
        assert_eq!(parse_require("python"), Ok(vec![Server::Python]));
        assert_eq!(parse_require("postgres,pg"), Err("pg".to_owned()));
    }
}
