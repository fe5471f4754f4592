//! End-to-end: `prensa migrate-store` copies a SQLite site into PostgreSQL
//! (and back), and the copy serves byte-identical pages. Needs
//! `PRENSA_TEST_POSTGRES_URL`; without it the tests say so and pass, or
//! fail when `PRENSA_TEST_REQUIRE` names `postgres`.

mod common;

use std::collections::BTreeSet;

use common::*;

/// Every site path linked from the home page and from each section page.
fn site_paths(server: &Server) -> BTreeSet<String> {
    let mut paths = BTreeSet::from(["/".to_owned()]);
    let links = |html: &str| -> Vec<String> {
        html.split("href=\"/")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .filter(|p| p.ends_with('/') && !p.starts_with("share/"))
            .map(|p| format!("/{p}"))
            .collect()
    };
    let home = server.get("/").text();
    for link in links(&home) {
        if link.starts_with("/section/") {
            paths.extend(links(&server.get(&link).text()));
        }
        paths.insert(link);
    }
    paths
}

fn migrate(args: &[&str]) -> std::process::Output {
    let mut all = vec!["migrate-store"];
    all.extend_from_slice(args);
    run(&all)
}

#[test]
fn demo_copied_to_postgres_serves_identical_pages() {
    let root = tempfile::tempdir().expect("tempdir");
    let lite = Database::fresh(Backend::Sqlite, root.path()).expect("sqlite");
    lite.import_all(&demo_network());
    let Some(pg) = Database::fresh(Backend::Postgres, root.path()) else { return };
    // A staff account, which must come along.
    let added = run(&["user", "add", "desk@example.org", "--role", "editor", "--database", &lite.url]);
    assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
    // A Content API key, which must come along too (as its digest).
    let key = run(&["key", "add", "Newsletter", "--publication", "meridian", "--database", &lite.url]);
    assert!(key.status.success(), "{}", String::from_utf8_lossy(&key.stderr));

    let out = migrate(&["--from", &lite.url, "--to", &pg.url]);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("checksums match"), "{stdout}");
    for table in [
        "publications",
        "media",
        "authors",
        "sections",
        "tags",
        "articles",
        "article_authors",
        "article_tags",
        "translations",
        "author_bios",
        "users",
        "api_keys",
    ] {
        let line = stdout.lines().find(|l| l.split_whitespace().next() == Some(table)).expect(table);
        let n: Vec<&str> = line.split_whitespace().skip(1).collect();
        assert!(n.len() == 2 && n[0] == n[1] && n[0] != "0", "{line}");
    }
    assert!(stdout.contains("45 of 45 present"), "media files are shared, not copied: {stdout}");
    assert!(stdout.contains("not copied: sessions"), "{stdout}");
    // The account is in the copy: a sign-in link can be issued from it.
    let reset = run(&["user", "reset", "desk@example.org", "--database", &pg.url]);
    let link = String::from_utf8_lossy(&reset.stdout).into_owned();
    assert!(reset.status.success() && link.contains("/admin/"), "{link}\n{}", String::from_utf8_lossy(&reset.stderr));
    // And the key: listed on the copy under the same prefix.
    let made = String::from_utf8_lossy(&key.stdout).lines().last().unwrap_or("").to_owned();
    let listed = run(&["key", "list", "--publication", "meridian", "--database", &pg.url]);
    let listed = String::from_utf8_lossy(&listed.stdout).into_owned();
    assert!(made.len() > 12 && listed.contains("Newsletter") && listed.contains(&made[..12]), "{listed}");

    // Once copied, the target is not overwritten by accident.
    let again = migrate(&["--from", &lite.url, "--to", &pg.url]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
    assert!(migrate(&["--from", &lite.url, "--to", &pg.url, "--force"]).status.success());

    // And back: PostgreSQL into a fresh SQLite file.
    let back = format!("sqlite://{}", root.path().join("back.db").display());
    let out = migrate(&["--from", &pg.url, "--to", &back]);
    let said = format!("{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success() && said.contains("checksums match"), "{said}");

    // The same pages, byte for byte, from either database: the English
    // publication's (its hreflang and "Also in" read the copied links),
    // answering the test's address as the default publication.
    let from_sqlite = Server::serve_db_with(lite, &["--default-publication", "meridian"]);
    let from_postgres = Server::serve_db_with(pg, &["--default-publication", "meridian"]);
    let paths = site_paths(&from_sqlite);
    assert!(paths.len() > 40, "crawled {} pages", paths.len());
    assert_eq!(paths, site_paths(&from_postgres));
    let article =
        paths.iter().find(|p| p.matches('/').count() == 2 && !p.starts_with("/section/")).expect("an article");
    let html = from_postgres.get(article).text();
    assert!(html.contains("<article") && html.contains("/media/"), "{article} renders with its image");
    assert!(
        paths.iter().any(|p| from_postgres.get(p).text().contains(r#"<link rel="alternate" hreflang="de""#)),
        "the copied translation links are on the pages"
    );
    for path in &paths {
        let (a, b) = (from_sqlite.get(path), from_postgres.get(path));
        assert_eq!(a.status, 200, "{path}");
        assert_eq!((a.status, a.header("etag")), (b.status, b.header("etag")), "{path}");
        assert!(a.body == b.body, "{path} differs between SQLite and PostgreSQL");
    }
    let img = &html[html.find("/media/").expect("image")..];
    let img = &img[..img.find('"').expect("end")];
    assert_eq!(from_postgres.get(img).status, 200, "the copy serves media from the shared folder");
    assert_eq!(from_sqlite.get(img).body, from_postgres.get(img).body);
}

#[test]
fn migrate_store_refuses_nonsense() {
    let root = tempfile::tempdir().expect("tempdir");
    let db = format!("sqlite://{}", root.path().join("a.db").display());
    let same = migrate(&["--from", &db, "--to", &db]);
    assert!(!same.status.success() && String::from_utf8_lossy(&same.stderr).contains("same database"));
    let other = migrate(&["--from", &db, "--to", "mysql://u:hunter2@h/db"]);
    let err = String::from_utf8_lossy(&other.stderr).into_owned();
    assert!(!other.status.success() && err.contains("postgres://") && !err.contains("hunter2"), "{err}");
    let help = String::from_utf8_lossy(&migrate(&["--help"]).stdout).into_owned();
    assert!(help.contains("--from") && help.contains("--to") && help.contains("--force"), "{help}");
}
