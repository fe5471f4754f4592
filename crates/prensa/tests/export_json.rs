//! End-to-end: `prensa export json DIR` → `prensa import json DIR` into an
//! empty store → export again gives byte-identical files, on SQLite and on
//! PostgreSQL (and across them). Needs `PRENSA_TEST_POSTGRES_URL` for the
//! PostgreSQL half; fails without it when `PRENSA_TEST_REQUIRE` names
//! `postgres`.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::*;

fn said(out: &std::process::Output) -> String {
    format!("{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

fn prensa(head: &[&str], db: &Database) -> std::process::Output {
    let mut args: Vec<String> = head.iter().map(|s| (*s).to_owned()).collect();
    args.extend(db.args());
    run(&args.iter().map(String::as_str).collect::<Vec<_>>())
}

/// Every file under `dir` by relative path, with its bytes.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read_dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.insert(path.strip_prefix(dir).expect("under").to_path_buf(), std::fs::read(&path).expect("read"));
            }
        }
    }
    out
}

fn round_trip(backend: Backend) {
    let root = tempfile::tempdir().expect("tempdir");
    let Some(db) = Database::fresh(backend, root.path()) else {
        return;
    };
    db.import_all(&demo_network());
    let added = prensa(&["user", "add", "desk@example.org", "--role", "editor", "--name", "Desk"], &db);
    assert!(added.status.success(), "{}", said(&added));
    let key = prensa(&["key", "add", "Newsletter", "--publication", "meridian"], &db);
    assert!(key.status.success(), "{}", said(&key));

    let first = root.path().join("export-1");
    let out = prensa(&["export", "json", &first.display().to_string()], &db);
    assert!(out.status.success(), "{}", said(&out));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(stdout.contains("password hashes left out"), "{stdout}");
    let exported = tree(&first);
    for table in [
        "publications",
        "articles",
        "article_revisions",
        "translations",
        "users",
        "media",
        "authors",
        "sections",
        "tags",
    ] {
        assert!(exported.contains_key(&PathBuf::from(format!("tables/{table}.json"))), "{table}.json");
    }
    let users = String::from_utf8_lossy(&exported[&PathBuf::from("tables/users.json")]).into_owned();
    assert!(users.contains("desk@example.org") && users.contains("\"password_hash\": null"), "{users}");
    let media_files = exported.keys().filter(|p| p.starts_with("media")).count();
    assert!(media_files > 40, "{media_files} media files");
    let manifest = String::from_utf8_lossy(&exported[&PathBuf::from("prensa-export.json")]).into_owned();
    assert!(
        manifest.contains("\"format\": \"prensa-export\"") && manifest.contains("\"with_secrets\": false"),
        "{manifest}"
    );

    // Into an empty store of each backend, and out again: the same bytes.
    for (n, target_backend) in [Backend::Sqlite, Backend::Postgres].into_iter().enumerate() {
        let dir = root.path().join(format!("target-{n}"));
        std::fs::create_dir_all(&dir).expect("mkdir");
        let Some(target) = Database::fresh(target_backend, &dir) else {
            continue;
        };
        let imported = prensa(&["import", "json", &first.display().to_string()], &target);
        assert!(imported.status.success(), "{}", said(&imported));
        assert!(String::from_utf8_lossy(&imported.stdout).contains("prensa user reset"), "{}", said(&imported));
        let again = dir.join("export-2");
        let out = prensa(&["export", "json", &again.display().to_string()], &target);
        assert!(out.status.success(), "{}", said(&out));
        let second = tree(&again);
        assert_eq!(exported.keys().collect::<Vec<_>>(), second.keys().collect::<Vec<_>>());
        for (path, bytes) in &exported {
            assert!(
                second[path] == *bytes,
                "{} differs after export → import ({target_backend:?}) → export",
                path.display()
            );
        }
        // A store that holds content is not overwritten by accident.
        let refused = prensa(&["import", "json", &first.display().to_string()], &target);
        assert!(!refused.status.success() && said(&refused).contains("--force"), "{}", said(&refused));
        // The imported site serves its pages and media.
        if target_backend == Backend::Sqlite {
            let site = Server::serve_db_with(target, &["--default-publication", "meridian"]);
            let home = site.get("/").text();
            let img = &home[home.find("/media/").expect("an image")..];
            let img = &img[..img.find(['"', ' ']).expect("end")];
            assert_eq!(site.get(img).status, 200, "{img}");
        }
    }

    // Secrets only when asked for.
    let secret = root.path().join("export-secret");
    let out = prensa(&["export", "json", &secret.display().to_string(), "--with-secrets"], &db);
    assert!(out.status.success() && said(&out).contains("keep"), "{}", said(&out));
    let manifest = std::fs::read_to_string(secret.join("prensa-export.json")).expect("manifest");
    assert!(manifest.contains("\"with_secrets\": true"), "{manifest}");
    // Into a folder that is not empty: refused.
    let out = prensa(&["export", "json", &first.display().to_string()], &db);
    assert!(!out.status.success() && said(&out).contains("not empty"), "{}", said(&out));
}

#[test]
fn export_import_export_is_byte_identical_sqlite() {
    round_trip(Backend::Sqlite);
}

#[test]
fn export_import_export_is_byte_identical_postgres() {
    round_trip(Backend::Postgres);
}

#[test]
fn damaged_exports_are_refused_and_nothing_is_written() {
    let root = tempfile::tempdir().expect("tempdir");
    let site = root.path().join("site");
    write_site(&site, 3, 10);
    let db = Database::fresh(Backend::Sqlite, root.path()).expect("sqlite");
    db.import(&site);
    let export = root.path().join("export");
    assert!(prensa(&["export", "json", &export.display().to_string()], &db).status.success());
    let fresh_dir = root.path().join("fresh");
    std::fs::create_dir_all(&fresh_dir).expect("mkdir");
    let fresh = Database::fresh(Backend::Sqlite, &fresh_dir).expect("sqlite");
    let import = |dir: &Path| prensa(&["import", "json", &dir.display().to_string()], &fresh);

    // A row missing from a table: its count no longer matches.
    let articles = export.join("tables/articles.json");
    let original = std::fs::read_to_string(&articles).expect("articles");
    let rows: Vec<serde_json::Value> = serde_json::from_str(&original).expect("json");
    std::fs::write(&articles, serde_json::to_string(&rows[1..]).expect("json")).expect("write");
    let out = import(&export);
    assert!(!out.status.success() && said(&out).contains("the manifest says"), "{}", said(&out));
    // A field of the wrong type.
    std::fs::write(&articles, original.replacen("\"headline\": \"", "\"headline\": 7, \"x\": \"", 1)).expect("write");
    let out = import(&export);
    assert!(!out.status.success() && said(&out).contains("reading the tables"), "{}", said(&out));
    std::fs::write(&articles, &original).expect("write");
    // Not an export at all.
    let out = import(&root.path().join("site"));
    assert!(!out.status.success() && said(&out).contains("prensa export json"), "{}", said(&out));
    // A media key that would escape the folder.
    let media = export.join("tables/media.json");
    let media_json = std::fs::read_to_string(&media).expect("media");
    let key = media_json.split("\"key\": \"").nth(1).expect("a media row").split('"').next().expect("key").to_owned();
    std::fs::write(&media, media_json.replace(&key, "../../etc/passwd")).expect("write");
    let out = import(&export);
    assert!(!out.status.success() && said(&out).contains("no media key"), "{}", said(&out));
    std::fs::write(&media, &media_json).expect("write");
    // Nothing of the refused imports was written: the intact one goes in.
    let out = import(&export);
    assert!(out.status.success(), "{}", said(&out));
}
