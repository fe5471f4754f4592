//! The editorial half of the store's contract (review notes, scheduled
//! changes run exactly once), on every backend: each test runs once on
//! SQLite (in memory) and once on PostgreSQL in a schema of its own, as in
//! `newsroom.rs`. The PostgreSQL half needs
//! `PRENSA_TEST_POSTGRES_URL` (e.g. `postgres://postgres@127.0.0.1:5432/test`);
//! without it, it says so on stderr and passes, or fails when
//! `PRENSA_TEST_REQUIRE` names `postgres` (`prensa_test_support::gate`).

use prensa_core::permissions::Stage;
use prensa_core::{ArticleDraft, EditableArticle, Id, Transition};
use prensa_store::{AnyStore, ChangeKind, Editorial, Newsroom, Store, StoreError, MAX_NOTE_CHARS};

#[macro_use]
mod common;
use common::*;

on_every_backend!(
    notes_are_added_listed_resolved_and_counted,
    scheduled_update_runs_once_at_its_time,
    scheduled_unpublish_runs_and_can_be_cancelled,
    a_change_that_cannot_apply_is_marked_failed,
    a_scheduled_update_never_overwrites_a_later_edit,
);

async fn notes_are_added_listed_resolved_and_counted(store: AnyStore) -> TestResult {
    let fx = setup(&store).await?;
    let ana = staff(&store, &fx).await?;
    let a = store.create_article(fx.publication, &draft(&fx, "story"), ana.id, now()).await?;
    assert_eq!(store.open_note_count(a.id).await?, 0);
    let first = store.add_note(a.id, ana.id, "  Check the <b>figures</b>\r\nplease ", mins(1)).await?;
    let second = store.add_note(a.id, ana.id, "Second", mins(2)).await?;
    assert_eq!(first.body, "Check the <b>figures</b>\nplease");
    assert_eq!((first.user_id, first.user_name.as_str(), first.created_at), (Some(ana.id), "Ana A.", mins(1)));
    assert!(first.is_open());
    assert_eq!(store.open_note_count(a.id).await?, 2);
    assert_eq!(
        store.notes(a.id).await?.iter().map(|n| n.id).collect::<Vec<_>>(),
        [first.id, second.id],
        "oldest first"
    );
    assert_eq!(store.notes(fx.old_news).await?, []);

    let resolved = store.resolve_note(first.id, ana.id, mins(3)).await?;
    assert_eq!((resolved.resolved_at, resolved.resolved_by), (Some(mins(3)), Some(ana.id)));
    // Resolving again is harmless and keeps the first resolution.
    let again = store.resolve_note(first.id, ana.id, mins(9)).await?;
    assert_eq!(again.resolved_at, Some(mins(3)));
    assert_eq!(store.open_note_count(a.id).await?, 1);
    assert!(matches!(store.resolve_note(999_999, ana.id, mins(3)).await, Err(StoreError::NotFound)));

    assert!(matches!(store.add_note(999_999, ana.id, "x", now()).await, Err(StoreError::NotFound)));
    assert!(matches!(store.add_note(a.id, ana.id, "   ", now()).await, Err(StoreError::Invalid(_))));
    let long = "x".repeat(MAX_NOTE_CHARS + 1);
    assert!(
        matches!(store.add_note(a.id, ana.id, &long, now()).await, Err(StoreError::Invalid(m)) if m.contains("5000"))
    );
    assert_eq!(store.notes(a.id).await?.len(), 2, "refused notes write nothing");
    // Notes are no content: the change feed does not hear of them.
    let version = store.content_version().await?;
    store.add_note(a.id, ana.id, "Third", now()).await?;
    assert_eq!(store.content_version().await?, version);
    Ok(())
}

/// Publishes a new article `slug` (visible from a minute ago).
async fn published(
    store: &AnyStore,
    fx: &Seeded,
    user: Id,
    slug: &str,
) -> Result<EditableArticle, Box<dyn std::error::Error>> {
    let a = store.create_article(fx.publication, &draft(fx, slug), user, mins(-2)).await?;
    Ok(saved(
        store.transition(a.id, a.version, Transition::Publish { at: mins(-1).fixed_offset() }, user, mins(-2)).await?,
    ))
}

async fn scheduled_update_runs_once_at_its_time(store: AnyStore) -> TestResult {
    let fx = setup(&store).await?;
    let ana = staff(&store, &fx).await?;
    let a = published(&store, &fx, ana.id, "story").await?;
    let update = ArticleDraft { headline: "Updated later".into(), tags: vec!["Labor".into()], ..a.draft.clone() };
    let change =
        store.schedule_change(a.id, &ChangeKind::Update(update.clone()), a.version, mins(10), ana.id, now()).await?;
    assert_eq!((change.article_id, change.run_at, change.created_by), (a.id, mins(10), Some(ana.id)));
    assert_eq!(store.pending_changes(a.id).await?, std::slice::from_ref(&change));
    let revisions = store.revisions(a.id).await?.len();
    let version = store.content_version().await?;

    assert_eq!(store.run_due_changes(mins(9)).await?, [], "not before its time");
    assert_eq!(store.editable_article(a.id).await?.ok_or("article")?.version, a.version);

    let done = store.run_due_changes(mins(10)).await?;
    assert_eq!(done.len(), 1);
    assert_eq!((done[0].change, done[0].article, done[0].kind, done[0].ok), (change.id, a.id, "update", true));
    assert_eq!(done[0].outcome, "applied");
    let after = store.editable_article(a.id).await?.ok_or("article")?;
    assert_eq!(after.version, a.version + 1);
    assert_eq!(after.draft, update);
    assert_eq!(after.updated_by, Some(ana.id));
    assert_eq!(after.stage(mins(10)), Stage::Published, "still live");
    let revs = store.revisions(a.id).await?;
    assert_eq!(revs.len(), revisions + 1);
    assert_eq!(
        (revs[0].version, revs[0].user_id, revs[0].saved_at, &revs[0].draft),
        (after.version, Some(ana.id), mins(10), &update)
    );
    let feed = store.changes_since(version).await?;
    assert_eq!(feed.len(), 1);
    for key in
        [format!("article:{}", a.id), format!("section:{}", fx.labor), "home".into(), format!("tag:{}", fx.labor_tag)]
    {
        assert!(feed[0].keys.contains(&key), "{key} in {:?}", feed[0].keys);
    }
    let public = store.published_article(fx.publication, "story", mins(10)).await?.ok_or("public")?;
    assert_eq!(public.headline, "Updated later");

    assert_eq!(store.run_due_changes(mins(60)).await?, [], "run once");
    assert_eq!(store.pending_changes(a.id).await?, []);
    assert!(!store.cancel_change(change.id).await?, "a change that ran cannot be cancelled");
    assert_eq!(store.revisions(a.id).await?.len(), revisions + 1);
    assert!(matches!(
        store.schedule_change(999_999, &ChangeKind::Unpublish, 1, mins(10), ana.id, now()).await,
        Err(StoreError::NotFound)
    ));
    Ok(())
}

async fn scheduled_unpublish_runs_and_can_be_cancelled(store: AnyStore) -> TestResult {
    let fx = setup(&store).await?;
    let ana = staff(&store, &fx).await?;
    let a = published(&store, &fx, ana.id, "story").await?;
    let cancelled = store.schedule_change(a.id, &ChangeKind::Unpublish, a.version, mins(5), ana.id, now()).await?;
    let change = store.schedule_change(a.id, &ChangeKind::Unpublish, a.version, mins(20), ana.id, now()).await?;
    assert_eq!(store.pending_changes(a.id).await?.iter().map(|c| c.id).collect::<Vec<_>>(), [cancelled.id, change.id]);
    assert!(store.cancel_change(cancelled.id).await?);
    assert!(!store.cancel_change(cancelled.id).await?);
    assert_eq!(store.run_due_changes(mins(10)).await?, [], "the cancelled one does not run");
    assert!(store.published_article(fx.publication, "story", mins(10)).await?.is_some());

    let done = store.run_due_changes(mins(20)).await?;
    assert_eq!(done.iter().map(|d| (d.change, d.kind, d.ok)).collect::<Vec<_>>(), [(change.id, "unpublish", true)]);
    let after = store.editable_article(a.id).await?.ok_or("article")?;
    assert_eq!((after.version, after.stage(mins(20))), (a.version + 1, Stage::Unpublished));
    assert!(store.published_article(fx.publication, "story", mins(20)).await?.is_none());

    // Unpublishing what is no longer published is skipped, not an error.
    let again = store.schedule_change(a.id, &ChangeKind::Unpublish, after.version, mins(30), ana.id, now()).await?;
    let done = store.run_due_changes(mins(30)).await?;
    assert_eq!(done.iter().map(|d| (d.change, d.ok)).collect::<Vec<_>>(), [(again.id, false)]);
    assert!(done[0].outcome.starts_with("skipped:"), "{}", done[0].outcome);
    assert_eq!(store.editable_article(a.id).await?.ok_or("article")?.version, after.version);
    Ok(())
}

async fn a_change_that_cannot_apply_is_marked_failed(store: AnyStore) -> TestResult {
    let fx = setup(&store).await?;
    let ana = staff(&store, &fx).await?;
    let a = published(&store, &fx, ana.id, "story").await?;
    // The update wants a slug that another article takes in the meantime.
    let update = ArticleDraft { slug: "wanted".into(), ..a.draft.clone() };
    let change = store.schedule_change(a.id, &ChangeKind::Update(update), a.version, mins(10), ana.id, now()).await?;
    store.create_article(fx.publication, &draft(&fx, "wanted"), ana.id, now()).await?;
    let version = store.content_version().await?;
    let revisions = store.revisions(a.id).await?.len();
    let done = store.run_due_changes(mins(10)).await?;
    assert_eq!(done.len(), 1);
    assert_eq!((done[0].change, done[0].ok), (change.id, false));
    assert!(done[0].outcome.starts_with("failed:") && done[0].outcome.contains("wanted"), "{}", done[0].outcome);
    let after = store.editable_article(a.id).await?.ok_or("article")?;
    assert_eq!((after.version, after.draft.slug.as_str()), (a.version, "story"), "nothing of it written");
    assert_eq!(store.revisions(a.id).await?.len(), revisions);
    assert_eq!(store.content_version().await?, version);
    // Not retried.
    assert_eq!(store.run_due_changes(mins(11)).await?, []);
    assert_eq!(store.pending_changes(a.id).await?, []);
    Ok(())
}

/// The stale-save promise holds for scheduled updates too: an edit saved
/// after the update was scheduled is not overwritten when it comes due.
/// The update is marked failed with the reason, both texts survive (the
/// edit in the article, the update in the change, listed until
/// discarded), and nothing else is written.
async fn a_scheduled_update_never_overwrites_a_later_edit(store: AnyStore) -> TestResult {
    let fx = setup(&store).await?;
    let ana = staff(&store, &fx).await?;
    let a = published(&store, &fx, ana.id, "story").await?;
    let update =
        ArticleDraft { headline: "Scheduled headline".into(), body: "Scheduled body".into(), ..a.draft.clone() };
    let change =
        store.schedule_change(a.id, &ChangeKind::Update(update.clone()), a.version, mins(10), ana.id, now()).await?;
    assert_eq!((change.base_version, change.done_at, change.outcome.as_deref()), (Some(a.version), None, None));

    // Someone fixes a typo in the live article before the update's time.
    let fix = ArticleDraft { body: "Body, with the typo fixed".into(), ..a.draft.clone() };
    let edited = saved(store.save_article(a.id, a.version, &fix, ana.id, mins(5)).await?);
    let revisions = store.revisions(a.id).await?.len();
    let version = store.content_version().await?;

    let done = store.run_due_changes(mins(10)).await?;
    assert_eq!(done.iter().map(|d| (d.change, d.ok)).collect::<Vec<_>>(), [(change.id, false)]);
    let why = &done[0].outcome;
    assert!(why.starts_with("failed:") && why.contains("edited after this update was scheduled"), "{why}");
    assert!(why.contains(&format!("version {} then, {} now", a.version, edited.version)), "{why}");
    // The edit stands, untouched.
    let after = store.editable_article(a.id).await?.ok_or("article")?;
    assert_eq!(after, edited, "the later edit is not overwritten");
    assert_eq!(store.revisions(a.id).await?.len(), revisions, "no revision");
    assert_eq!(store.content_version().await?, version, "nothing written");
    // The scheduled text is kept, with the reason, until discarded.
    let failed = store.failed_changes(a.id).await?;
    assert_eq!(failed.len(), 1);
    assert!(failed[0].failed());
    assert_eq!(
        (failed[0].id, &failed[0].kind, failed[0].outcome.as_ref()),
        (change.id, &ChangeKind::Update(update), Some(why))
    );
    assert_eq!(failed[0].done_at, Some(mins(10)));
    let listed = store.failed_changes_in(fx.publication, 10).await?;
    assert_eq!(
        listed.iter().map(|f| (f.change.id, f.headline.as_str())).collect::<Vec<_>>(),
        [(change.id, "Headline story")]
    );
    assert_eq!(store.pending_changes(a.id).await?, [], "not retried");
    assert_eq!(store.run_due_changes(mins(11)).await?, []);
    assert!(!store.cancel_change(change.id).await?, "no longer pending");
    assert!(store.discard_change(change.id).await?);
    assert!(!store.discard_change(change.id).await?);
    assert_eq!(store.failed_changes(a.id).await?, []);
    assert_eq!(store.failed_changes_in(fx.publication, 10).await?, []);

    // Scheduled on the current version, an update still applies; a
    // pending change cannot be discarded (only cancelled).
    let next = ArticleDraft { headline: "On the current version".into(), ..fix };
    let ok =
        store.schedule_change(a.id, &ChangeKind::Update(next.clone()), edited.version, mins(20), ana.id, now()).await?;
    assert!(!store.discard_change(ok.id).await?);
    let done = store.run_due_changes(mins(20)).await?;
    assert_eq!(
        done.iter().map(|d| (d.change, d.ok, d.outcome.as_str())).collect::<Vec<_>>(),
        [(ok.id, true, "applied")]
    );
    assert_eq!(store.editable_article(a.id).await?.ok_or("article")?.draft, next);
    assert_eq!(store.failed_changes(a.id).await?, [], "an applied change is not listed as failed");
    Ok(())
}

/// Several callers on two separate handles (two pools) of one database run
/// the same due changes at the same moment: each is applied exactly once.
async fn due_changes_run_exactly_once(a: AnyStore, b: AnyStore) -> TestResult {
    let fx = setup(&a).await?;
    let ana = staff(&a, &fx).await?;
    let story = published(&a, &fx, ana.id, "story").await?;
    let other = published(&a, &fx, ana.id, "other").await?;
    let update = ArticleDraft { headline: "Once".into(), ..story.draft.clone() };
    a.schedule_change(story.id, &ChangeKind::Update(update), story.version, mins(10), ana.id, now()).await?;
    b.schedule_change(other.id, &ChangeKind::Unpublish, other.version, mins(10), ana.id, now()).await?;
    let revisions = a.revisions(story.id).await?.len();
    let version = a.content_version().await?;

    let callers = 6;
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(callers));
    let mut tasks = Vec::new();
    for i in 0..callers {
        let store = if i % 2 == 0 { a.clone() } else { b.clone() };
        let barrier = barrier.clone();
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            store.run_due_changes(mins(10)).await
        }));
    }
    let mut applied = Vec::new();
    for t in tasks {
        applied.extend(t.await??);
    }
    applied.sort_by_key(|d| d.change);
    assert_eq!(
        applied.iter().map(|d| (d.article, d.kind, d.ok)).collect::<Vec<_>>(),
        [(story.id, "update", true), (other.id, "unpublish", true)]
    );
    let after = b.editable_article(story.id).await?.ok_or("article")?;
    assert_eq!((after.version, after.draft.headline.as_str()), (story.version + 1, "Once"));
    assert_eq!(b.revisions(story.id).await?.len(), revisions + 1, "one revision");
    assert_eq!(b.editable_article(other.id).await?.ok_or("article")?.version, other.version + 1);
    assert_eq!(b.content_version().await?, version + 2, "two writes in all");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn due_changes_run_exactly_once_sqlite() -> TestResult {
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}", dir.path().join("once.db").display());
    let a = AnyStore::open(&url).await?;
    let b = AnyStore::open(&url).await?;
    due_changes_run_exactly_once(a, b).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn due_changes_run_exactly_once_postgres() -> TestResult {
    let Some(schema) = PgSchema::create().await? else { return Ok(()) };
    let a = schema.store().await?;
    let b = schema.store().await?;
    let result = due_changes_run_exactly_once(a.clone(), b.clone()).await;
    a.close().await;
    b.close().await;
    result
}
