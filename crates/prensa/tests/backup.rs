//! End-to-end: `prensa backup` while another process keeps writing, then
//! `prensa restore` of that file into empty stores of both backends, which
//! then serve the same pages. On SQLite and PostgreSQL (needs
//! `PRENSA_TEST_POSTGRES_URL`; fails without it when `PRENSA_TEST_REQUIRE`
//! names `postgres`).

mod common;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::*;

fn said(out: &std::process::Output) -> String {
    format!("{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// The count a copy table printed for `table` (source column).
fn count(stdout: &str, table: &str) -> usize {
    let line = stdout
        .lines()
        .find(|l| l.split_whitespace().next() == Some(table))
        .unwrap_or_else(|| panic!("{table} in {stdout}"));
    line.split_whitespace().nth(1).and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("{line}"))
}

fn with_args(head: &[&str], db: &Database) -> Vec<String> {
    let mut args: Vec<String> = head.iter().map(|s| (*s).to_owned()).collect();
    args.extend(db.args());
    args
}

fn run_owned(args: &[String]) -> std::process::Output {
    run(&args.iter().map(String::as_str).collect::<Vec<_>>())
}

fn backup_while_writing(backend: Backend) {
    let root = tempfile::tempdir().expect("tempdir");
    let Some(db) = Database::fresh(backend, root.path()) else {
        return;
    };
    db.import_all(&demo_network());

    // A writer in another process: staff accounts added one transaction
    // at a time for as long as the backup runs.
    let stop = Arc::new(AtomicBool::new(false));
    let added = Arc::new(AtomicUsize::new(0));
    let writer = {
        let (stop, added, args) = (stop.clone(), added.clone(), db.args());
        std::thread::spawn(move || {
            let mut n = 0;
            while !stop.load(Ordering::SeqCst) {
                n += 1;
                let email = format!("writer{n}@example.org");
                let mut all =
                    vec!["user".to_owned(), "add".to_owned(), email, "--role".to_owned(), "contributor".to_owned()];
                all.extend(args.iter().cloned());
                let out = run_owned(&all);
                assert!(out.status.success(), "{}", said(&out));
                added.fetch_add(1, Ordering::SeqCst);
            }
        })
    };
    assert!(eventually(Duration::from_secs(60), || added.load(Ordering::SeqCst) >= 2), "the writer writes");
    let before = added.load(Ordering::SeqCst);
    let file = root.path().join("backups").join("site.backup");
    std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
    let file_arg = file.display().to_string();
    let out = run_owned(&with_args(&["backup", &file_arg], &db));
    let after_backup = added.load(Ordering::SeqCst);
    // And it goes on writing after the backup.
    assert!(eventually(Duration::from_secs(60), || added.load(Ordering::SeqCst) >= after_backup + 2), "still writing");
    stop.store(true, Ordering::SeqCst);
    writer.join().expect("writer");
    let backup_said = said(&out);
    assert!(out.status.success(), "{backup_said}");
    assert!(backup_said.contains("checksums match") && backup_said.contains("written to"), "{backup_said}");
    assert!(backup_said.contains("media files are not in the backup"), "{backup_said}");
    assert!(!backup_said.contains("hunter2") && file.exists());
    assert!(!root.path().join("backups").join("site.backup.partial").exists(), "no partial file left");
    // The backup holds the writer's accounts as of one moment during it.
    let users = count(&String::from_utf8_lossy(&out.stdout), "users");
    assert!(
        (before..=after_backup).contains(&users),
        "{users} accounts, written {before} before and {after_backup} by the end"
    );
    let articles = count(&String::from_utf8_lossy(&out.stdout), "articles");
    assert!(articles > 60, "{articles} articles");

    // A second backup to the same file is refused, unless --force.
    let again = run_owned(&with_args(&["backup", &file_arg], &db));
    assert!(!again.status.success() && said(&again).contains("--force"), "{}", said(&again));
    let forced = run_owned(&with_args(&["backup", &file_arg, "--force"], &db));
    assert!(forced.status.success(), "{}", said(&forced));

    // Restored into an empty store of each backend: the same rows.
    for target_backend in [Backend::Sqlite, Backend::Postgres] {
        let dir = root.path().join(format!("restore-{target_backend:?}"));
        std::fs::create_dir_all(&dir).expect("mkdir");
        let Some(target) = Database::fresh(target_backend, &dir) else {
            continue;
        };
        let restored = run_owned(&with_args(&["restore", &file_arg], &target));
        let restored_said = said(&restored);
        assert!(restored.status.success() && restored_said.contains("checksums match"), "{restored_said}");
        let stdout = String::from_utf8_lossy(&restored.stdout).into_owned();
        assert_eq!(count(&stdout, "articles"), articles, "{stdout}");
        assert!(stdout.contains("restored "), "{stdout}");
        // Into a store that now holds content: refused, nothing written.
        let refused = run_owned(&with_args(&["restore", &file_arg], &target));
        assert!(!refused.status.success() && said(&refused).contains("--force"), "{}", said(&refused));
        // A restored account can be given a sign-in link.
        let reset = run_owned(&with_args(&["user", "reset", "writer1@example.org"], &target));
        assert!(reset.status.success(), "{}", said(&reset));
        // The file was not changed by being restored from.
        if target_backend == Backend::Sqlite {
            let site = Server::serve_db_with(
                target,
                &["--default-publication", "meridian", "--media-dir", &db.media.display().to_string()],
            );
            let home = site.get("/");
            assert_eq!(home.status, 200);
            assert!(home.text().contains("The Meridian Review"));
        }
    }
    let bytes_before = std::fs::read(&file).expect("backup");
    let scratch = root.path().join("scratch");
    std::fs::create_dir_all(&scratch).expect("mkdir");
    let lite = Database::fresh(Backend::Sqlite, &scratch).expect("sqlite");
    assert!(run_owned(&with_args(&["restore", &file_arg], &lite)).status.success());
    assert!(std::fs::read(&file).expect("backup") == bytes_before, "restoring leaves the backup file as it was");
}

#[test]
fn backup_while_writing_sqlite() {
    backup_while_writing(Backend::Sqlite);
}

#[test]
fn backup_while_writing_postgres() {
    backup_while_writing(Backend::Postgres);
}

#[test]
fn backup_and_restore_refuse_nonsense() {
    let root = tempfile::tempdir().expect("tempdir");
    let db = format!("sqlite://{}", root.path().join("a.db").display());
    // Not a backup: refused before anything is opened or written.
    let junk = root.path().join("junk.backup");
    std::fs::write(&junk, b"<?xml version=\"1.0\"?><rss/>").expect("write");
    let out = run(&["restore", &junk.display().to_string(), "--database", &db]);
    assert!(!out.status.success() && said(&out).contains("is not a Prensa backup"), "{}", said(&out));
    assert!(!root.path().join("a.db").exists(), "nothing created");
    let missing = run(&["restore", &root.path().join("nope").display().to_string(), "--database", &db]);
    assert!(!missing.status.success() && said(&missing).contains("reading"), "{}", said(&missing));
    // The database itself is no place for its backup.
    let site = root.path().join("site");
    write_site(&site, 3, 10);
    let imported = run(&["import", "dir", &site.display().to_string(), "--database", &db]);
    assert!(imported.status.success(), "{}", said(&imported));
    let onto = run(&["backup", &root.path().join("a.db").display().to_string(), "--database", &db, "--force"]);
    assert!(!onto.status.success() && said(&onto).contains("the database itself"), "{}", said(&onto));
    let help = String::from_utf8_lossy(&run(&["backup", "--help"]).stdout).into_owned();
    assert!(help.contains("--database") && help.contains("--force"), "{help}");
}
