//! Helpers for end-to-end tests: run the real `prensa` binary on a free
//! port and talk HTTP to it.
#![allow(dead_code)]

pub mod admin;

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub const BIN: &str = env!("CARGO_BIN_EXE_prensa");

/// A running `prensa` process, killed on drop.
pub struct Server {
    child: Child,
    pub base: String,
    /// The database it serves, when the test handed it over; dropped (a
    /// PostgreSQL schema: removed) only after the process is gone.
    pub db: Option<Database>,
}

impl Server {
    /// Starts `prensa ARGS… --bind 127.0.0.1:0` and waits for its
    /// "serving at URL" line.
    pub fn start(args: &[&str]) -> Server {
        let mut child = Command::new(BIN)
            .args(args)
            .args(["--bind", "127.0.0.1:0"])
            .env("PRENSA_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start prensa");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let base = loop {
            let line = lines.next().expect("prensa exited before serving").expect("read stdout");
            if let Some(url) = line.strip_prefix("Prensa is serving at ") {
                break url.trim_end_matches('/').to_owned();
            }
        };
        // Keep draining stdout so the child never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Server { child, base, db: None }
    }

    pub fn demo(dir: &Path) -> Server {
        Server::start(&["demo", "--dir", dir.to_str().expect("utf-8 path")])
    }

    pub fn serve(db: &Path) -> Server {
        let url = format!("sqlite://{}", db.display());
        Server::start(&["serve", "--database", &url])
    }

    /// `prensa serve` on `db`, which the server keeps until it is dropped.
    pub fn serve_db(db: Database) -> Server {
        Server::serve_db_with(db, &[])
    }

    /// [`Server::serve_db`] with more flags for `prensa serve`.
    pub fn serve_db_with(db: Database, extra: &[&str]) -> Server {
        let mut args = vec!["serve".to_owned()];
        args.extend(db.args());
        args.extend(extra.iter().map(|a| (*a).to_owned()));
        let mut server = Server::start(&args.iter().map(String::as_str).collect::<Vec<_>>());
        server.db = Some(db);
        server
    }

    /// The database handed over in [`Server::serve_db`].
    pub fn database(&self) -> &Database {
        self.db.as_ref().expect("server started with serve_db")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn get(&self, path: &str) -> Response {
        get_with(&self.url(path), &[])
    }

    pub fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Response {
        get_with(&self.url(path), headers)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("utf-8 body")
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .into()
}

/// GET without following redirects or decoding bodies.
pub fn get_with(url: &str, headers: &[(&str, &str)]) -> Response {
    let mut req = agent().get(url);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let mut resp = req.call().expect("request");
    let status = resp.status().as_u16();
    let headers =
        resp.headers().iter().map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned())).collect();
    let mut body = Vec::new();
    resp.body_mut().as_reader().read_to_end(&mut body).expect("body");
    Response { status, headers, body }
}

/// Runs `prensa ARGS…` to completion.
pub fn run(args: &[&str]) -> std::process::Output {
    Command::new(BIN).args(args).env("PRENSA_LOG", "warn").output().expect("run prensa")
}

/// Polls `check` until it holds or `within` passes.
pub fn eventually(within: Duration, mut check: impl FnMut() -> bool) -> bool {
    let start = std::time::Instant::now();
    while start.elapsed() < within {
        if check() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    check()
}

/// The repository's demo content directory (the English publication).
pub fn demo_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../demo")
}

/// The demo network: the English publication and its sisters under
/// `demo/sisters/`, which translate one another (import them in one run).
pub fn demo_network() -> Vec<PathBuf> {
    let mut dirs = vec![demo_dir()];
    let mut sisters: Vec<PathBuf> = std::fs::read_dir(demo_dir().join("sisters"))
        .expect("demo/sisters")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("publication.toml").is_file())
        .collect();
    sisters.sort();
    dirs.extend(sisters);
    dirs
}

/// A small site written into `dir`: 2 sections, 2 authors, `n` articles in
/// section `labor` (a minimal valid PNG as the only image).
pub fn write_site(dir: &Path, n: usize, page_size: u32) {
    let w = |rel: &str, text: &str| {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    };
    w(
        "publication.toml",
        &format!(
            "slug = \"test\"\nname = \"Test Gazette\"\ntagline = \"Tests\"\nlanguage = \"en\"\nbase_url = \"http://gazette.example\"\n\n[settings]\npage_size = {page_size}\n"
        ),
    );
    w("sections/labor.toml", "name = \"Labor\"\ndescription = \"Work and workers\"\n");
    w("sections/culture.toml", "name = \"Culture\"\n");
    w("authors/ana.md", "+++\nname = \"Ana Test\"\navatar = \"media/dot.png\"\n\n[social]\nmastodon = \"https://mastodon.example/@ana\"\n+++\nAna writes *tests*.\n");
    w("authors/ben.md", "+++\nname = \"Ben Test\"\n+++\nBen too.\n");
    std::fs::create_dir_all(dir.join("media")).expect("mkdir");
    std::fs::write(dir.join("media/dot.png"), PNG_1X1).expect("png");
    for i in 1..=n {
        write_article(
            dir,
            &format!("story-{i:02}"),
            &format!("2025-01-{:02}T10:00:00+00:00", (i % 28) + 1),
            "published",
        );
    }
}

pub fn write_article(dir: &Path, slug: &str, date: &str, status: &str) {
    let p = dir.join("articles").join(format!("{slug}.md"));
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(
        p,
        format!(
            "+++\ntitle = \"Headline of {slug}\"\nstandfirst = \"Standfirst of {slug}\"\nauthors = [\"ana\"]\nsection = \"labor\"\ntags = [\"Strikes\"]\ndate = \"{date}\"\nstatus = \"{status}\"\n+++\nBody of {slug}.\n"
        ),
    )
    .expect("write article");
}

/// A valid 1×1 PNG.
pub const PNG_1X1: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0D, 0x49,
    0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xF0, 0x1F, 0x00, 0x05, 0x00, 0x01, 0xFF, 0x89, 0x99, 0x3D,
    0x1D, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

/// Byte position of `needle` in `haystack` at or after `from`.
pub fn find_from(haystack: &str, needle: &str, from: usize) -> Option<usize> {
    haystack[from..].find(needle).map(|i| i + from)
}

/// Runs `prensa ARGS…` in `dir` with extra environment variables.
pub fn run_in(dir: &Path, args: &[&str], envs: &[(&str, &str)]) -> std::process::Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env("PRENSA_LOG", "warn")
        .env_remove("PRENSA_DATABASE")
        .envs(envs.iter().copied())
        .output()
        .expect("run prensa")
}

// The backends, the PostgreSQL schema per test and the macro that runs a
// test on each are shared with the other crates' tests. Not every test
// file runs the macro (as with the `dead_code` above).
#[allow(unused_imports)]
pub use prensa_test_support::{on_every_backend, Backend, PgSchema};

/// A fresh database for one test: a SQLite file in the test's folder, or a
/// PostgreSQL schema of its own (dropped when the test ends).
pub struct Database {
    pub url: String,
    /// Passed as `--media-dir` to PostgreSQL (SQLite finds it by default).
    pub media: PathBuf,
    pub backend: Backend,
    _schema: Option<PgSchema>,
}

impl Database {
    /// A new database under `root`, or `None` for PostgreSQL when
    /// `PRENSA_TEST_POSTGRES_URL` is not set and not required (the test then
    /// passes, and says it skipped).
    pub fn fresh(backend: Backend, root: &Path) -> Option<Database> {
        let media = root.join("media");
        match backend {
            Backend::Sqlite => Some(Database {
                url: format!("sqlite://{}", root.join("site.db").display()),
                media,
                backend,
                _schema: None,
            }),
            Backend::Postgres => {
                let schema = PgSchema::create_blocking()?;
                Some(Database { url: schema.url(), media, backend, _schema: Some(schema) })
            }
        }
    }

    /// The store flags every command takes: `--database URL [--media-dir DIR]`.
    pub fn args(&self) -> Vec<String> {
        let mut args = vec!["--database".to_owned(), self.url.clone()];
        if self.backend == Backend::Postgres {
            args.extend(["--media-dir".to_owned(), self.media.display().to_string()]);
        }
        args
    }

    /// `prensa import dir CONTENT` into this database; panics on failure.
    pub fn import(&self, content: &Path) {
        self.import_all(&[content.to_path_buf()]);
    }

    /// `prensa import dir DIR...` (one run, as a network) into this
    /// database; panics on failure.
    pub fn import_all(&self, dirs: &[PathBuf]) {
        let mut args = vec!["import".to_owned(), "dir".to_owned()];
        args.extend(dirs.iter().map(|d| d.display().to_string()));
        args.extend(self.args());
        let out = run(&args.iter().map(String::as_str).collect::<Vec<_>>());
        assert!(out.status.success(), "import failed: {}", String::from_utf8_lossy(&out.stderr));
    }
}
