//! End-to-end: `prensa export static` on SQLite and PostgreSQL. The demo
//! network (three publications on one host, two under path prefixes, with
//! images) is exported with `--base-url` pointing at a local static file
//! server (`python3 -m http.server`, which serves a folder the way a
//! static host does); the expected files must be there, and `linkchecker`
//! (PyPI, from `tests/python-requirements.txt` in `PRENSA_TEST_PYTHON`'s
//! environment) crawling the served folder must find no broken link.

mod common;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::*;

on_every_backend!(blocking: the_demo_network_exports_with_every_link_working);

/// A process killed on drop.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// The demo network copied into `root`, the English publication with
/// three articles a page so that its lists have several pages.
fn demo_copy(root: &Path) -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    for (i, dir) in demo_network().iter().enumerate() {
        let to = root.join(format!("pub{i}"));
        copy_dir(dir, &to);
        dirs.push(to);
    }
    let toml = dirs[0].join("publication.toml");
    let text = std::fs::read_to_string(&toml).expect("publication.toml");
    // `[settings]` is the file's last table.
    assert!(text.contains("[settings]") && !text[text.find("[settings]").unwrap_or(0)..].contains("\n["));
    std::fs::write(&toml, format!("{text}page_size = 3\n")).expect("write");
    dirs
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

fn the_demo_network_exports_with_every_link_working(backend: Backend) {
    // The checker is the point of the test: without it the test fails
    // rather than passing unchecked.
    let python = prensa_test_support::gate::server_url(prensa_test_support::gate::Server::Python).unwrap_or_else(|| {
        panic!("export_static needs PRENSA_TEST_PYTHON: a Python with tests/python-requirements.txt (linkchecker) installed")
    });
    let tmp = tempfile::tempdir().expect("tempdir");
    let Some(db) = Database::fresh(backend, tmp.path()) else { return };
    db.import_all(&demo_copy(&tmp.path().join("content")));

    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let out = tmp.path().join("site");
    let mut args = vec![
        "export".to_owned(),
        "static".to_owned(),
        out.display().to_string(),
        "--base-url".to_owned(),
        base.clone(),
    ];
    args.extend(db.args());
    let run_out = run(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let stdout = String::from_utf8_lossy(&run_out.stdout);
    let stderr = String::from_utf8_lossy(&run_out.stderr);
    assert!(run_out.status.success(), "export failed:\n{stdout}\n{stderr}");
    assert!(stdout.contains("exported 3 publication(s)"), "{stdout}");
    assert!(!stderr.contains("have no page"), "the export found broken links:\n{stderr}");

    // The files a reader, a feed reader and a crawler ask for.
    for file in [
        "index.html",
        "404.html",
        "robots.txt",
        "favicon.ico",
        "sitemap.xml",
        "sitemap/pages.xml",
        "sitemap/news.xml",
        "a-coast-in-retreat/index.html",
        "section/labor/index.html",
        "section/labor/page/2/index.html",
        "author/ana-ribeiro/index.html",
        "feed/index.html",
        "feed/atom.xml",
        "feed/feed.json",
        "section/labor/feed/index.html",
        "section/labor/feed/atom.xml",
        "author/ana-ribeiro/feed/feed.json",
        "de/index.html",
        "de/404.html",
        "es/index.html",
        "search/index.html",
    ] {
        assert!(out.join(file).is_file(), "{file} missing; exported:\n{}", listing(&out));
    }
    let home = std::fs::read_to_string(out.join("index.html")).expect("home");
    assert!(home.contains(&format!("<link rel=\"canonical\" href=\"{base}/\">")), "canonical on the new base URL");
    let not_found = std::fs::read_to_string(out.join("404.html")).expect("404");
    assert!(not_found.contains("noindex"), "the 404 page is the theme's");
    let sitemap = std::fs::read_to_string(out.join("sitemap/pages.xml")).expect("sitemap");
    assert!(sitemap.contains(&format!("<loc>{base}/section/labor/</loc>")), "{sitemap}");
    // Pages are written as the server renders them, uncompressed.
    assert!(
        home.starts_with("<!doctype html>") || home.starts_with("<!DOCTYPE html>"),
        "{}",
        &home[..40.min(home.len())]
    );
    let media: Vec<String> = std::fs::read_dir(out.join("media"))
        .expect("media folder")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    let variant = media.iter().find(|m| m.contains('-') && m.ends_with(".webp")).expect("a resized variant");
    let article = std::fs::read_to_string(out.join("a-coast-in-retreat/index.html")).expect("article");
    assert!(
        article.contains(&format!("/media/{variant}"))
            || home.contains(&format!("/media/{variant}"))
            || media.len() > 10
    );
    assert!(media.iter().any(|m| m.ends_with(".jpg")), "originals too");

    // Served the way a static host serves it, crawled by linkchecker.
    let server = Killed(
        Command::new(&python)
            .args(["-m", "http.server", &port.to_string(), "--bind", "127.0.0.1", "--directory"])
            .arg(&out)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start http.server"),
    );
    assert!(
        eventually(Duration::from_secs(10), || std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()),
        "http.server did not start"
    );
    let linkchecker = Path::new(&python).with_file_name("linkchecker");
    let checked = Command::new(&linkchecker)
        .args(["--no-status", "--threads", "4", "--timeout", "30"])
        .arg(format!("{base}/"))
        .output()
        .unwrap_or_else(|e| panic!("running {}: {e}", linkchecker.display()));
    drop(server);
    let report = String::from_utf8_lossy(&checked.stdout);
    assert!(
        checked.status.success(),
        "linkchecker found broken links:\n{report}\n{}",
        String::from_utf8_lossy(&checked.stderr)
    );
    assert!(report.contains(" 0 errors found"), "{report}");
    // It crawled the site, not one page: the three homes, every article,
    // list page, feed and image.
    let urls: usize = report
        .split_once(" links in ")
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no URL count in:\n{report}"));
    assert!(urls > 300, "only {urls} URLs checked:\n{report}");
}

fn listing(dir: &Path) -> String {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            if e.path().is_dir() {
                stack.push(e.path());
            } else {
                out.push(e.path().strip_prefix(dir).map(|p| p.display().to_string()).unwrap_or_default());
            }
        }
    }
    out.sort();
    out.truncate(200);
    out.join("\n")
}
