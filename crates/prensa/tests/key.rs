//! End-to-end: `prensa key add|list|revoke`, the real binary on SQLite and
//! PostgreSQL. `add` prints the key alone on its last line, the database
//! keeps only its digest, and unknown publications and ids are clear
//! errors that change nothing.

mod common;

use common::*;

on_every_backend!(blocking: keys_are_made_listed_and_revoked_from_the_command_line);

/// `prensa key ARGS… --database URL`: (success, stdout, stderr).
fn key(db: &Database, args: &[&str]) -> (bool, String, String) {
    let mut all: Vec<String> = vec!["key".into()];
    all.extend(args.iter().map(|a| (*a).to_owned()));
    all.extend(db.args());
    let out = run(&all.iter().map(String::as_str).collect::<Vec<_>>());
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn keys_are_made_listed_and_revoked_from_the_command_line(backend: Backend) {
    let root = tempfile::tempdir().expect("tempdir");
    let content = root.path().join("content");
    write_site(&content, 1, 10);
    let Some(db) = Database::fresh(backend, root.path()) else { return };
    db.import(&content);

    let (ok, out, err) = key(&db, &["add", "Weekly newsletter", "--publication", "test"]);
    assert!(ok, "{err}");
    let made = out.lines().last().expect("a last line").to_owned();
    assert!(
        made.starts_with("prensa_") && made.len() == "prensa_".len() + 43,
        "the key alone on the last line: {out:?}"
    );
    assert!(made.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'), "URL-safe: {made}");
    assert!(err.contains("shown this once"), "{err}");
    let (ok, second, _) = key(&db, &["add", "App", "--publication", "test"]);
    assert!(ok);
    assert_ne!(second.lines().last(), Some(made.as_str()), "every key is new");

    let (ok, list, err) = key(&db, &["list", "--publication", "test"]);
    assert!(ok, "{err}");
    let row = list.lines().find(|l| l.contains("Weekly newsletter")).expect("the key is listed");
    assert!(row.contains(&made[..12]), "its prefix is shown: {row}");
    assert!(!list.contains(&made), "never the key itself: {list}");
    assert!(row.trim_end().ends_with('-'), "not revoked: {row}");
    let id = row.split_whitespace().next().expect("id").to_owned();

    // Clear errors, nothing changed.
    let (ok, _, err) = key(&db, &["add", "X", "--publication", "nope"]);
    assert!(!ok && err.contains("no publication has the slug `nope` (there are: test)"), "{err}");
    let (ok, _, err) = key(&db, &["add", "  ", "--publication", "test"]);
    assert!(!ok && err.contains("needs a name"), "{err}");
    let (ok, _, err) = key(&db, &["revoke", "999999", "--publication", "test"]);
    assert!(!ok && err.contains("test has no API key with the id 999999"), "{err}");
    let (ok, _, err) = key(&db, &["revoke", &id, "--publication", "nope"]);
    assert!(!ok && err.contains("no publication has the slug `nope`"), "{err}");
    let (_, unchanged, _) = key(&db, &["list", "--publication", "test"]);
    assert_eq!(unchanged, list);

    let (ok, _, err) = key(&db, &["revoke", &id, "--publication", "test"]);
    assert!(ok && err.contains("revoked"), "{err}");
    let (ok, _, err) = key(&db, &["revoke", &id, "--publication", "test"]);
    assert!(ok && err.contains("already revoked"), "{err}");
    let (_, list, _) = key(&db, &["list", "--publication", "test"]);
    let row = list.lines().find(|l| l.contains("Weekly newsletter")).expect("still listed");
    assert!(row.trim_end().ends_with("UTC"), "revoked, with its time: {row}");
    let other = list.lines().find(|l| l.contains("App")).expect("the other key");
    assert!(other.trim_end().ends_with('-'), "the other key stays live: {other}");

    if backend == Backend::Sqlite {
        let mut stored = Vec::new();
        for entry in std::fs::read_dir(root.path()).expect("dir") {
            let path = entry.expect("entry").path();
            if path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("site.db")) {
                stored.extend(std::fs::read(&path).expect("read"));
            }
        }
        let holds = |needle: &str| stored.windows(needle.len()).any(|w| w == needle.as_bytes());
        assert!(!holds(&made), "the key is not in the database");
        assert!(!holds(&made[12..]), "nor its secret part");
        assert!(holds(&made[..12]), "its display prefix is (so the search above reads the right files)");
    }
}
