//! Several `prensa serve` processes on one database, as behind a load
//! balancer: a change made anywhere shows on every node within a second,
//! scheduled articles appear on all of them, a scheduled change to a live
//! article is applied by exactly one of them, failed sign-ins count on
//! all of them, and losing one node leaves the others serving.

mod common;

use std::time::{Duration, Instant};

use common::admin::{self, accept_invite, at, first_choices, invite, save_as, version_of};
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

/// An editor signs in on node A and keeps working on node B (sessions live
/// in the database); an article published on B shows on A within a second
/// (A's cache is purged through the store's change feed, by key); node A
/// is killed during a stream of saves and B still has every acknowledged
/// one.
fn an_editor_works_across_nodes(backend: Backend) {
    let root = tempfile::tempdir().expect("tempdir");
    let content = root.path().join("content");
    write_site(&content, 3, 12);
    let Some(db) = Database::fresh(backend, root.path()) else { return };
    db.import(&content);
    let link = invite(&db.args(), "ed@example.org", "editor");
    let start = |db: &Database| {
        let mut args = vec!["serve".to_owned()];
        args.extend(db.args());
        Server::start(&args.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let a = start(&db);
    let b = start(&db);
    let on_a = accept_invite(&at(&a.base, &link));
    let on_b = admin::Editor { base: b.base.clone(), ..on_a.clone() };
    let dashboard = admin::get(&format!("{}/admin/", b.base), &on_b.cookie).expect("dashboard on B");
    assert_eq!(dashboard.status, 200, "the session made on A is valid on B");
    // Failed sign-ins count on every node: five on A, and the sixth try,
    // on B, is refused even with the right password.
    for _ in 0..5 {
        assert_eq!(admin::sign_in(&a.base, "ed@example.org", "not the password"), 401);
    }
    assert_eq!(admin::sign_in(&b.base, "ed@example.org", "a long test password"), 429, "B counts A's failures");

    // A page A has cached, then a publish on B.
    assert_eq!(a.get("/").status, 200);
    let (section, author) = first_choices(&on_b);
    let made = save_as(&on_b, 0, 0, "Published on B", "published-on-b", &section, &author, "save").expect("create");
    assert_eq!(made.status, 303, "{}", made.text);
    let id: i64 = made.location.split('/').nth(3).expect("id").parse().expect("number");
    let published =
        save_as(&on_b, id, 1, "Published on B", "published-on-b", &section, &author, "publish").expect("publish");
    assert_eq!(published.status, 303, "{}", published.text);
    let written = Instant::now();
    assert!(
        eventually(Duration::from_millis(1000).saturating_sub(written.elapsed()), || a
            .get("/")
            .text()
            .contains("Published on B")
            && a.get("/published-on-b/").status == 200),
        "node A shows B's publish within 1 s"
    );
    // A's search index follows the same feed: B's article is found on A.
    assert!(
        eventually(Duration::from_millis(1000).saturating_sub(written.elapsed()), || a
            .get("/search/?q=published")
            .text()
            .contains(r#"<a href="/published-on-b/">Published on B</a>"#)),
        "node A's search finds B's publish within 1 s"
    );

    // Saves stream to A; A dies mid-stream; B has every acknowledged save.
    let stream = {
        let on_a = on_a.clone();
        let (section, author) = (section.clone(), author.clone());
        std::thread::spawn(move || {
            let mut version = version_of(&on_a, id);
            let mut acked = 0;
            for n in 0.. {
                match save_as(&on_a, id, version, &format!("Save {n}"), "published-on-b", &section, &author, "save") {
                    Some(r) if r.status == 303 => {
                        version += 1;
                        acked = version;
                    }
                    _ => return acked,
                }
            }
            acked
        })
    };
    std::thread::sleep(Duration::from_millis(300));
    drop(a);
    let acked = stream.join().expect("stream");
    assert!(acked > 2, "some saves were acknowledged before the kill");
    assert!(version_of(&on_b, id) >= acked, "B has every save A acknowledged");
    assert_eq!(b.get("/published-on-b/").status, 200);
}

/// Runs one statement on the test's database directly; for a query, the
/// first column of its first row (an integer).
fn sql(db: &Database, statement: &str) -> Option<i64> {
    use sqlx::Connection;
    let query = statement.trim_start().starts_with("SELECT");
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    rt.block_on(async {
        macro_rules! run {
            ($conn:ty) => {{
                let mut conn = <$conn>::connect(&db.url).await.expect("connect");
                if query {
                    let (n,): (i64,) = sqlx::query_as(statement).fetch_one(&mut conn).await.expect("query");
                    Some(n)
                } else {
                    sqlx::query(statement).execute(&mut conn).await.expect("statement");
                    None
                }
            }};
        }
        match db.backend {
            Backend::Sqlite => run!(sqlx::SqliteConnection),
            Backend::Postgres => run!(sqlx::PgConnection),
        }
    })
}

/// An update scheduled on node A for a live article comes due while A and
/// B both watch the database: it shows on both, and exactly one of them
/// applied it (one revision, the version one step on).
fn a_scheduled_change_runs_once_across_nodes(backend: Backend) {
    let root = tempfile::tempdir().expect("tempdir");
    let content = root.path().join("content");
    write_site(&content, 3, 12);
    let Some(db) = Database::fresh(backend, root.path()) else { return };
    db.import(&content);
    let link = invite(&db.args(), "ed@example.org", "editor");
    let start = |db: &Database| {
        let mut args = vec!["serve".to_owned()];
        args.extend(db.args());
        Server::start(&args.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let a = start(&db);
    let b = start(&db);
    let on_a = accept_invite(&at(&a.base, &link));
    let (section, author) = first_choices(&on_a);
    let made = save_as(&on_a, 0, 0, "Before", "changes-later", &section, &author, "save").expect("create");
    let id: i64 = made.location.split('/').nth(3).expect("id").parse().expect("number");
    let published = save_as(&on_a, id, 1, "Before", "changes-later", &section, &author, "publish").expect("publish");
    assert_eq!(published.status, 303, "{}", published.text);
    for node in [&a, &b] {
        assert!(eventually(Duration::from_millis(1000), || node.get("/changes-later/").text().contains("Before")));
    }
    let version = version_of(&on_a, id);
    let revisions =
        sql(&db, &format!("SELECT COUNT(*) FROM article_revisions WHERE article_id = {id}")).expect("count");

    // Scheduled through the editor (a minute is the form's resolution), then
    // brought forward to a second from now.
    let path = format!("{}/admin/articles/{id}/", a.base);
    let v = version.to_string();
    let scheduled = admin::post(
        &path,
        &on_a.cookie,
        &[
            ("csrf", &on_a.csrf),
            ("version", &v),
            ("headline", "After"),
            ("standfirst", "Standfirst"),
            ("body", "Changed at its time."),
            ("slug", "changes-later"),
            ("section", &section),
            ("author", &author),
            ("intent", "schedule_update"),
            ("update_at", "2099-01-01T10:00"),
        ],
    )
    .expect("schedule");
    assert_eq!(scheduled.status, 303, "{}", scheduled.text);
    let due = chrono::Utc::now().timestamp() + 1;
    sql(&db, &format!("UPDATE scheduled_changes SET run_at = {due} WHERE article_id = {id}"));
    for (name, node) in [("A", &a), ("B", &b)] {
        assert!(
            eventually(Duration::from_millis(3000), || node.get("/changes-later/").text().contains("After")),
            "node {name} shows the update soon after its time"
        );
    }
    // Both watchers have had several more ticks to (wrongly) run it again.
    std::thread::sleep(Duration::from_millis(1200));
    let after = sql(&db, &format!("SELECT COUNT(*) FROM article_revisions WHERE article_id = {id}")).expect("count");
    assert_eq!(after, revisions + 1, "one revision: applied exactly once");
    assert_eq!(version_of(&on_a, id), version + 1, "the version moved one step");
    let done =
        sql(&db, &format!("SELECT COUNT(*) FROM scheduled_changes WHERE article_id = {id} AND outcome = 'applied'"));
    assert_eq!(done, Some(1));
}

mod scheduled_change_across_nodes {
    #[test]
    fn sqlite() {
        super::a_scheduled_change_runs_once_across_nodes(super::Backend::Sqlite)
    }

    #[test]
    fn postgres() {
        super::a_scheduled_change_runs_once_across_nodes(super::Backend::Postgres)
    }
}

mod editor_across_nodes {
    #[test]
    fn sqlite() {
        super::an_editor_works_across_nodes(super::Backend::Sqlite)
    }

    #[test]
    fn postgres() {
        super::an_editor_works_across_nodes(super::Backend::Postgres)
    }
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
