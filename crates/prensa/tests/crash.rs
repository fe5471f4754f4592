//! Nothing acknowledged is lost: the real server is killed with SIGKILL at
//! random moments while an editor's browser streams saves and publishes;
//! after each restart every save the server acknowledged (answered with
//! its redirect) is in the database, the session still works, and SQLite's
//! `PRAGMA integrity_check` passes. Each trial kills the server only after
//! it has acknowledged [`MIN_ACKED`] saves, and fails if it does not: a
//! server that hangs or refuses every save loses nothing, and must not
//! pass for it.
//!
//! The suite runs a few trials; `bench/crash.sh` runs many
//! (`PRENSA_CRASH_TRIALS`) against the release binary and reports them in
//! BENCHMARKS.md.

mod common;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use common::admin::*;
use common::*;
use sqlx::Connection;

/// A small deterministic generator (xorshift): the seed is printed, so a
/// failing run can be replayed with `PRENSA_CRASH_SEED`.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

async fn check_database(db: &str, acknowledged: &BTreeSet<String>, id: i64, min_version: i64) {
    let mut conn = sqlx::SqliteConnection::connect(db).await.expect("open database");
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check").fetch_one(&mut conn).await.expect("integrity");
    assert_eq!(integrity, "ok");
    let drafts: Vec<String> = sqlx::query_scalar("SELECT draft FROM article_revisions WHERE article_id = ?")
        .bind(id)
        .fetch_all(&mut conn)
        .await
        .expect("revisions");
    let kept: BTreeSet<String> = drafts
        .iter()
        .filter_map(|d| serde_json::from_str::<serde_json::Value>(d).ok())
        .filter_map(|v| v.get("headline").and_then(|h| h.as_str()).map(str::to_owned))
        .collect();
    let lost: Vec<_> = acknowledged.difference(&kept).collect();
    assert!(lost.is_empty(), "acknowledged saves lost: {lost:?}");
    let version: i64 = sqlx::query_scalar("SELECT version FROM articles WHERE id = ?")
        .bind(id)
        .fetch_one(&mut conn)
        .await
        .expect("version");
    assert!(version >= min_version, "version {version} < acknowledged {min_version}");
    conn.close().await.expect("close");
}

/// Saves each trial must see acknowledged before the kill.
const MIN_ACKED: usize = 5;

/// How long a trial waits for those: a hang detector, far above the
/// milliseconds a save takes.
const ACK_DEADLINE: Duration = Duration::from_secs(60);

fn trials() -> u32 {
    std::env::var("PRENSA_CRASH_TRIALS").ok().and_then(|t| t.parse().ok()).unwrap_or(4)
}

#[tokio::test(flavor = "current_thread")]
async fn acknowledged_saves_survive_sigkill() {
    let root = tempfile::tempdir().expect("tempdir");
    let content = root.path().join("content");
    write_site(&content, 3, 12);
    let db = Database::fresh(Backend::Sqlite, root.path()).expect("sqlite");
    db.import(&content);
    let link = invite(&db.args(), "ed@example.org", "editor");
    let start = || Server::start(&["serve", "--database", &db.url]);
    let mut server = start();
    // Links carry the publication's base URL; talk to where the server is.
    let editor = accept_invite(&at(&server.base, &link));
    let (section, author) = first_choices(&editor);
    let created = save(&editor, 0, 0, "crash start", &section, &author, "save").expect("created");
    assert_eq!(created.status, 303, "{}", created.text);
    let id: i64 = created.location.split('/').nth(3).expect("id").parse().expect("number");

    let seed = std::env::var("PRENSA_CRASH_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64 | 1).unwrap_or(7)
    });
    eprintln!("crash test seed {seed} (replay with PRENSA_CRASH_SEED={seed})");
    let mut rng = Rng(seed);
    let mut acknowledged = BTreeSet::from(["crash start".to_owned()]);
    let mut min_version = 1;
    let mut saves = 0u64;
    let mut fewest = usize::MAX;
    for trial in 0..trials() {
        let mut editor = Editor { base: server.base.clone(), cookie: editor.cookie.clone(), csrf: editor.csrf.clone() };
        let mut version = version_of(&editor, id);
        assert!(version >= min_version);
        // A trial starts where the last one was killed, live or not: a
        // publish of a live article is only a save (one version, and its
        // date stays), so the stream must know which it is.
        let was_live = is_live(&editor, id);
        // Saves stream from another thread; this one kills the server at
        // a random moment once MIN_ACKED of them were acknowledged.
        let kill_after = Duration::from_millis(rng.below(400));
        let acked_so_far = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let intents: Vec<&'static str> = (0..10_000)
            .map(|_| match rng.below(10) {
                0 => "publish",
                1 => "unpublish",
                _ => "save",
            })
            .collect();
        let streaming = {
            let editor = Editor { base: editor.base.clone(), cookie: editor.cookie.clone(), csrf: editor.csrf.clone() };
            let section = section.clone();
            let author = author.clone();
            let acked_so_far = acked_so_far.clone();
            std::thread::spawn(move || {
                let mut acked = Vec::new();
                let mut version = version;
                let mut live = was_live;
                for (n, intent) in intents.into_iter().enumerate() {
                    let intent = match intent {
                        "publish" if live => "save",
                        "unpublish" if !live => "save",
                        i => i,
                    };
                    let headline = format!("trial {trial} save {n}");
                    match save(&editor, id, version, &headline, &section, &author, intent) {
                        Some(r) if r.status == 303 => {
                            // Acknowledged: one version for the save, one
                            // more for a status change.
                            version += if intent == "save" { 1 } else { 2 };
                            live = match intent {
                                "publish" => true,
                                "unpublish" => false,
                                _ => live,
                            };
                            acked.push((headline, version));
                            acked_so_far.store(acked.len(), std::sync::atomic::Ordering::Release);
                        }
                        Some(r) if r.status == 409 => panic!("unexpected conflict at version {version}: {}", r.text),
                        Some(r) => panic!("save answered {}: {}", r.status, r.text),
                        None => return acked, // the server is gone
                    }
                }
                acked
            })
        };
        let begun = Instant::now();
        let count = || acked_so_far.load(std::sync::atomic::Ordering::Acquire);
        while count() < MIN_ACKED && begun.elapsed() < ACK_DEADLINE && !streaming.is_finished() {
            std::thread::sleep(Duration::from_millis(5));
        }
        let ready = count();
        if ready >= MIN_ACKED {
            std::thread::sleep(kill_after);
        }
        drop(server); // SIGKILL
        let acked = streaming.join().expect("stream thread");
        assert!(
            ready >= MIN_ACKED && acked.len() >= MIN_ACKED,
            "trial {trial}: the server acknowledged {} saves (at least {MIN_ACKED} expected within {ACK_DEADLINE:?})",
            acked.len()
        );
        let acked_now = acked.len();
        saves += acked_now as u64;
        if let Some((_, v)) = acked.last() {
            min_version = *v;
        }
        acknowledged.extend(acked.into_iter().map(|(h, _)| h));
        check_database(&db.url, &acknowledged, id, min_version).await;
        server = start();
        editor.base = server.base.clone();
        // The request in flight at the kill may or may not have landed;
        // either is allowed, as it was never acknowledged.
        version = version_of(&editor, id);
        fewest = fewest.min(acked_now);
        eprintln!(
            "trial {trial}: killed after {:?}, {acked_now} saves acknowledged in this trial, {saves} so far, version {version}",
            begun.elapsed()
        );
    }
    eprintln!(
        "crash summary: {} trials, {saves} acknowledged saves (at least {fewest} per trial), 0 lost, integrity ok",
        trials()
    );
}
