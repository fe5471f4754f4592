//! Prensa behind a real Varnish with vmod xkey, configured by the VCL we
//! ship (`deploy/varnish/prensa.vcl`): public pages are kept by Varnish,
//! and a publish through the admin purges exactly the pages it touches
//! (the node sends `PURGE` with the surrogate keys to `--purge-url`),
//! while an unrelated page stays cached, its `Age` growing.
//!
//! The test starts its own `varnishd` (`PRENSA_TEST_VARNISHD`, on a free
//! port, with its own `-n` work directory, in the foreground, killed at the
//! end); `.ci/run` installs Varnish and requires it.

mod common;

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::admin::{self, accept_invite, at, first_choices, invite, save_as};
use common::*;

/// A running `varnishd`, killed on drop.
struct Varnish {
    child: Child,
    base: String,
}

impl Drop for Varnish {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port nobody listens on right now (the OS's choice for port 0).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port()
}

/// Starts `varnishd` on `port` in front of the Prensa at `backend` with the
/// shipped VCL, its backend pointed at that Prensa.
fn start_varnish(varnishd: &str, dir: &Path, port: u16, backend: &str) -> Varnish {
    let backend_port = backend.rsplit(':').next().expect("a port in the base URL");
    let vcl = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../deploy/varnish/prensa.vcl"))
        .expect("deploy/varnish/prensa.vcl");
    assert!(vcl.contains(".port = \"8080\";"), "the shipped VCL's backend port moved; update this test");
    let vcl = vcl.replace(".port = \"8080\";", &format!(".port = \"{backend_port}\";"));
    let vcl_path = dir.join("prensa.vcl");
    std::fs::write(&vcl_path, vcl).expect("write vcl");
    let workdir = dir.join("varnish");
    std::fs::create_dir_all(&workdir).expect("varnish workdir");
    let child = Command::new(varnishd)
        .arg("-F")
        .args(["-n", workdir.to_str().expect("utf-8 path")])
        .args(["-a", &format!("127.0.0.1:{port}")])
        .args(["-f", vcl_path.to_str().expect("utf-8 path")])
        .args(["-T", "127.0.0.1:0"])
        .args(["-s", "malloc,32m"])
        // No privilege separation: the test's files belong to whoever runs it.
        .args(["-j", "none"])
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| panic!("starting {varnishd}: {e}"));
    let varnish = Varnish { child, base: format!("http://127.0.0.1:{port}") };
    assert!(
        eventually(Duration::from_secs(20), || { std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() }),
        "varnishd listens on {port} within 20 s"
    );
    varnish
}

/// `Age` in seconds (0 when absent).
fn age(r: &Response) -> u64 {
    r.header("age").and_then(|a| a.trim().parse().ok()).unwrap_or(0)
}

/// Varnish answered from its cache: `X-Varnish` names this request and
/// the one that filled the object.
fn is_hit(r: &Response) -> bool {
    r.header("x-varnish").is_some_and(|v| v.split_whitespace().count() == 2)
}

fn publish_through_varnish_purges_exactly_its_pages(backend: Backend) {
    let Some(varnishd) = prensa_test_support::gate::server_url(prensa_test_support::gate::Server::Varnish) else {
        return;
    };
    let root = tempfile::tempdir().expect("tempdir");
    let content = root.path().join("content");
    write_site(&content, 3, 12);
    let Some(db) = Database::fresh(backend, root.path()) else { return };
    db.import(&content);
    let link = invite(&db.args(), "ed@example.org", "editor");

    let varnish_port = free_port();
    let purge_url = format!("http://127.0.0.1:{varnish_port}/");
    let prensa = Server::serve_db_with(db, &["--purge-url", &purge_url]);
    let varnish = start_varnish(&varnishd, root.path(), varnish_port, &prensa.base);
    let via = |path: &str| get_with(&format!("{}{path}", varnish.base), &[]);

    // An article made and published through the admin.
    let editor = accept_invite(&at(&prensa.base, &link));
    let (section, author) = first_choices(&editor);
    let made = save_as(&editor, 0, 0, "First headline", "watched", &section, &author, "save").expect("create");
    assert_eq!(made.status, 303, "{}", made.text);
    let id: i64 = made.location.split('/').nth(3).expect("id").parse().expect("number");
    let published =
        save_as(&editor, id, 1, "First headline", "watched", &section, &author, "publish").expect("publish");
    assert_eq!(published.status, 303, "{}", published.text);

    // Prensa marks public pages for the shared cache, with their keys …
    let direct = prensa.get("/watched/");
    assert_eq!(direct.status, 200);
    let keys = direct.header("xkey").expect("xkey header on a public page").to_owned();
    assert!(keys.split(' ').any(|k| k == format!("article:{id}")), "{keys}");
    assert!(keys.split(' ').any(|k| k == "all"), "{keys}");
    let cc = direct.header("cache-control").expect("cache-control");
    assert!(cc.contains("s-maxage="), "{cc}");
    // … and never the admin or a search.
    let dashboard = admin::get(&format!("{}/admin/", prensa.base), &editor.cookie).expect("dashboard");
    assert_eq!(dashboard.status, 200);
    let search = prensa.get("/search/?q=headline");
    for (what, cc) in [("search", search.header("cache-control")), ("admin", None)] {
        assert!(!cc.unwrap_or("").contains("s-maxage"), "{what}: {cc:?}");
    }
    assert!(search.header("xkey").is_none());

    // Both pages through Varnish, twice: the second is a hit.
    let tag = "/tag/strikes/"; // the imported articles' tag; the watched article has none
    for path in ["/watched/", "/", tag] {
        let first = via(path);
        assert_eq!(first.status, 200, "{path} through Varnish");
        assert!(first.header("xkey").is_none(), "Varnish keeps the keys to itself");
        let cc = first.header("cache-control").unwrap_or("");
        assert!(!cc.contains("s-maxage"), "browsers get no s-maxage: {cc}");
    }
    std::thread::sleep(Duration::from_millis(1100));
    for path in ["/watched/", "/", tag] {
        let second = via(path);
        assert!(is_hit(&second) && age(&second) >= 1, "{path}: a hit, Age {:?}", second.header("age"));
    }
    let tag_age = age(&via(tag));
    assert!(via("/watched/").text().contains("First headline"));

    // An edit of the live article, through the admin.
    let edited = save_as(&editor, id, 2, "Second headline", "watched", &section, &author, "publish").expect("edit");
    assert_eq!(edited.status, 303, "{}", edited.text);
    assert!(
        eventually(Duration::from_secs(3), || via("/watched/").text().contains("Second headline")),
        "Varnish serves the edit within 3 s (purged by key)"
    );
    let fresh = via("/watched/");
    assert!(age(&fresh) <= 1, "refetched after the purge: Age {:?}", fresh.header("age"));
    let home = via("/");
    assert!(home.text().contains("Second headline") && age(&home) <= 1, "the home page was purged too");

    // The unrelated page stayed in Varnish: still a hit, older than before.
    std::thread::sleep(Duration::from_millis(1100));
    let later = via(tag);
    assert!(is_hit(&later), "{tag} still cached: X-Varnish {:?}", later.header("x-varnish"));
    assert!(age(&later) > tag_age, "its Age keeps growing: {} then {}", tag_age, age(&later));
    drop(varnish);
    drop(prensa);
}

mod varnish_purges_by_key {
    #[test]
    fn sqlite() {
        super::publish_through_varnish_purges_exactly_its_pages(super::Backend::Sqlite)
    }

    #[test]
    fn postgres() {
        super::publish_through_varnish_purges_exactly_its_pages(super::Backend::Postgres)
    }
}
