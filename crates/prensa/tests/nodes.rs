//! Several `prensa serve` processes on one database, as behind a load
//! balancer: a change made anywhere shows on every node within a second,
//! scheduled articles appear on all of them, and losing one node leaves
//! the others serving.

mod common;

use std::time::{Duration, Instant};

use common::*;

fn two_nodes_share_one_database(backend: Backend) {
    let root = tempfile::tempdir().expect("tempdir");
    let content = root.path().join("content");
    write_site(&content, 3, 12);
    let due = chrono::Utc::now() + chrono::Duration::seconds(5);
    write_article(&content, "at-five", &due.to_rfc3339_opts(chrono::SecondsFormat::Secs, true), "published");
    let Some(db) = Database::fresh(backend, root.path()) else { return };
    db.import(&content);

    let start = |db: &Database| {
        let mut args = vec!["serve".to_owned()];
        args.extend(db.args());
        Server::start(&args.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let a = start(&db);
    let b = start(&db);

    // Both nodes cache the page and the scheduled article's 404.
    for node in [&a, &b] {
        assert!(node.get("/story-01/").text().contains("Body of story-01."));
        assert_eq!(node.get("/at-five/").status, 404);
    }

    // A change written by anyone (here: an import from a third process).
    let path = content.join("articles/story-01.md");
    let text = std::fs::read_to_string(&path).expect("read").replace("Body of story-01.", "Corrected everywhere.");
    std::fs::write(&path, text).expect("write");
    db.import(&content);
    let written = Instant::now();
    for (name, node) in [("A", &a), ("B", &b)] {
        assert!(
            eventually(Duration::from_millis(1000).saturating_sub(written.elapsed()), || node
                .get("/story-01/")
                .text()
                .contains("Corrected everywhere.")),
            "node {name} shows the change within 1 s of the write"
        );
    }

    // The scheduled article appears on both nodes at its time.
    let wait = (due - chrono::Utc::now()).to_std().unwrap_or_default();
    std::thread::sleep(wait);
    for (name, node) in [("A", &a), ("B", &b)] {
        assert!(
            eventually(Duration::from_millis(1000), || node.get("/at-five/").status == 200),
            "node {name} publishes the scheduled article within 1 s of its time"
        );
    }

    // Losing a node does not take the site down.
    drop(a);
    assert_eq!(b.get("/story-01/").status, 200);
    assert_eq!(b.get("/").status, 200);
}

mod two_nodes {
    #[test]
    fn sqlite() {
        super::two_nodes_share_one_database(super::Backend::Sqlite)
    }

    #[test]
    fn postgres() {
        super::two_nodes_share_one_database(super::Backend::Postgres)
    }
}
