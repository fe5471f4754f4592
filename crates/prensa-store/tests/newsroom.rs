//! The newsroom half of the store's contract, on every backend: each test
//! runs once on SQLite (in memory) and once on PostgreSQL in a schema of its
//! own, as in `store.rs`. The PostgreSQL half needs
//! `PRENSA_TEST_POSTGRES_URL` (e.g. `postgres://postgres@127.0.0.1:5432/test`);
//! without it, it says so on stderr and passes, or fails when
//! `PRENSA_TEST_REQUIRE` names `postgres` (`prensa_test_support::gate`).

use prensa_core::permissions::{Role, Stage};
use prensa_core::{
    AdminQuery, ArticleDraft, DraftImage, Id, MediaAsset, NewAuthor, NewSection, NewUser, PublicationSettings,
    SaveOutcome, SocialLinks, Status, TokenKind, Transition, User,
};
use prensa_store::newsroom::LoginGate;
use prensa_store::{AnyStore, ChangeKind, Desk, Editorial, Newsroom, Store, StoreError, CHANGE_ALL};
use sqlx::Connection;

#[macro_use]
mod common;
use common::*;

on_every_backend!(
    accounts_and_login,
    links_are_single_use,
    sessions_expire_and_end,
    articles_round_trip,
    saves_bump_the_version_and_keep_revisions,
    stale_saves_conflict_and_write_nothing,
    invalid_writes_leave_the_store_unchanged,
    renamed_published_articles_redirect,
    transitions_and_admin_list_filters,
    change_feed_names_what_a_write_touched,
    media_uploads_list_newest_first,
    desk_edits_sections_tags_authors_and_settings,
    sign_in_throttle_counts_failures_per_key,
    sessions_end_when_idle,
    save_and_transition_is_one_write,
    preview_links_keep_only_a_digest,
);

async fn accounts_and_login(store: AnyStore) -> TestResult {
    let fx = setup(&store).await?;
    let ana = staff(&store, &fx).await?;
    assert_eq!(
        (ana.email.as_str(), ana.role, ana.author_id, ana.has_password),
        ("ana@example.org", Role::Editor, Some(fx.ana), false)
    );
    assert_eq!(ana.created_at, now());
    assert_eq!(store.user(ana.id).await?, Some(ana.clone()));

    let err = staff(&store, &fx).await.expect_err("taken e-mail");
    assert!(matches!(err, StoreError::Invalid(ref m) if m == "an account with that e-mail already exists"), "{err}");
    let ghost = NewUser {
        email: "g@example.org".into(),
        name: "G".into(),
        role: Role::Author,
        author_id: Some(9999),
        publication: None,
    };
    assert!(matches!(store.create_user(&ghost, now()).await, Err(StoreError::Invalid(_))));

    assert_eq!(store.user_for_login("ana@example.org").await?, Some((ana.clone(), None)));
    assert_eq!(store.user_for_login("nobody@example.org").await?, None);
    store.set_password(ana.id, "argon-hash").await?;
    let (user, hash) = store.user_for_login("ana@example.org").await?.expect("account");
    assert!(user.has_password);
    assert_eq!(hash.as_deref(), Some("argon-hash"));

    store.set_role(ana.id, Role::Administrator).await?;
    assert_eq!(store.user(ana.id).await?.map(|u| u.role), Some(Role::Administrator));
    assert!(matches!(store.set_role(9999, Role::Author).await, Err(StoreError::NotFound)));

    let bob = NewUser {
        email: "bob@example.org".into(),
        name: "Bob".into(),
        role: Role::Contributor,
        author_id: None,
        publication: None,
    };
    store.create_user(&bob, now()).await?;
    let aaron = NewUser { email: "aaron@example.org".into(), ..bob };
    store.create_user(&aaron, now()).await?;
    let emails: Vec<String> = store.users().await?.into_iter().map(|u| u.email).collect();
    assert_eq!(emails, ["aaron@example.org", "ana@example.org", "bob@example.org"]);
    Ok(())
}

async fn links_are_single_use(store: AnyStore) -> TestResult {
    let fx = setup(&store).await?;
    let ana = staff(&store, &fx).await?;
    store.create_token(TokenKind::Invite, "d1", ana.id, mins(60)).await?;
    assert_eq!(store.token_user(TokenKind::Invite, "d1", now()).await?.map(|u| u.id), Some(ana.id));
    assert_eq!(store.token_user(TokenKind::Reset, "d1", now()).await?, None, "kind must match");
    assert_eq!(store.token_user(TokenKind::Invite, "d1", mins(61)).await?, None, "expired");

    // A new link of the same kind retires the old one.
    store.create_token(TokenKind::Invite, "d2", ana.id, mins(60)).await?;
    assert_eq!(store.token_user(TokenKind::Invite, "d1", now()).await?, None);
    assert!(store.redeem_token(TokenKind::Invite, "d1", "h0", now()).await?.is_none());

    store.create_session("s1", ana.id, now(), mins(60)).await?;
    let user = store.redeem_token(TokenKind::Invite, "d2", "h1", now()).await?.expect("redeemed");
    assert!(user.has_password);
    assert_eq!(store.user_for_login(&ana.email).await?.and_then(|(_, h)| h).as_deref(), Some("h1"));
    assert_eq!(store.session_user("s1", now(), IDLE).await?, None, "redeeming ends sessions");
    assert!(store.redeem_token(TokenKind::Invite, "d2", "h2", now()).await?.is_none(), "second redeem");
    assert_eq!(store.token_user(TokenKind::Invite, "d2", now()).await?, None);
    assert_eq!(store.user_for_login(&ana.email).await?.and_then(|(_, h)| h).as_deref(), Some("h1"));

    store.create_token(TokenKind::Reset, "r1", ana.id, mins(60)).await?;
    assert!(store.redeem_token(TokenKind::Reset, "r1", "h3", mins(61)).await?.is_none(), "expired");
    assert!(store.redeem_token(TokenKind::Invite, "r1", "h3", now()).await?.is_none(), "wrong kind");
    assert!(store.redeem_token(TokenKind::Reset, "r1", "h3", now()).await?.is_some());
    assert!(store.redeem_token(TokenKind::Reset, "unknown", "h3", now()).await?.is_none());
    Ok(())
}

async fn sessions_expire_and_end(store: AnyStore) -> TestResult {
    let fx = setup(&store).await?;
    let ana = staff(&store, &fx).await?;
    store.create_session("s1", ana.id, now(), mins(60)).await?;
    assert_eq!(store.session_user("s1", now(), IDLE).await?.map(|u| u.id), Some(ana.id));
    assert_eq!(store.session_user("s1", mins(60), IDLE).await?, None, "expired");
    assert_eq!(store.session_user("nope", now(), IDLE).await?, None);

    store.create_session("s2", ana.id, now(), mins(60)).await?;
    store.delete_session("s1").await?;
    assert_eq!(store.session_user("s1", now(), IDLE).await?, None);
    assert!(store.session_user("s2", now(), IDLE).await?.is_some());
    assert_eq!(store.delete_sessions_of(ana.id).await?, 1);
    assert_eq!(store.session_user("s2", now(), IDLE).await?, None);

    store.create_session("s3", ana.id, now(), mins(60)).await?;
    store.set_password(ana.id, "new-hash").await?;
    assert_eq!(store.session_user("s3", now(), IDLE).await?, None, "a new password signs out");

    // Expired sessions go when the next one is made.
    store.create_session("s4", ana.id, now(), mins(1)).await?;
    store.create_session("s5", ana.id, mins(2), mins(60)).await?;
    assert_eq!(store.delete_sessions_of(ana.id).await?, 1);
    Ok(())
}

/// Beside the 14-day expiry, a session unused for longer than the idle
/// limit is refused (and removed); using it slides the limit, but its last
/// use is written at most once a minute.
async fn sessions_end_when_idle(store: AnyStore) -> TestResult {
    let fx = setup(&store).await?;
    let ana = staff(&store, &fx).await?;
    let idle = std::time::Duration::from_secs(30 * 60);
    let secs = |n: i64| now() + chrono::Duration::seconds(n);
    store.create_session("busy", ana.id, now(), mins(14 * 24 * 60)).await?;
    store.create_session("idle", ana.id, now(), mins(14 * 24 * 60)).await?;
    store.create_session("quick", ana.id, now(), mins(14 * 24 * 60)).await?;
    // Used every 20 minutes: alive long after 30 minutes.
    for n in 1..=6 {
        assert!(store.session_user("busy", mins(20 * n), idle).await?.is_some(), "used at minute {}", 20 * n);
    }
    // Unused for 31 minutes: refused, and gone for good.
    assert_eq!(store.session_user("idle", mins(31), idle).await?, None, "idle past the limit");
    assert_eq!(store.session_user("idle", mins(32), IDLE).await?, None, "deleted, not just hidden");
    // Used 30 seconds in: too soon to write the last use again, so the
    // idle time still counts from the start.
    assert!(store.session_user("quick", secs(30), idle).await?.is_some());
    assert_eq!(
        store.session_user("quick", secs(30 * 60 + 15), idle).await?,
        None,
        "last use written at most once a minute"
    );
    Ok(())
}

async fn articles_round_trip(store: AnyStore) -> TestResult {
    let fx = setup(&store).await?;
    let ana = staff(&store, &fx).await?;
    let d = ArticleDraft {
        author_ids: vec![fx.ben, fx.ana],
        tags: vec!["Labor".into(), "New Thing".into()],
        image: Some(DraftImage { key: "abc.jpg".into(), alt: "A quay".into(), caption: Some("Cap".into()) }),
        ..draft(&fx, "first")
    };
    let a = store.create_article(fx.publication, &d, ana.id, now()).await?;
    assert_eq!((a.version, a.status, a.in_review, a.ever_published), (1, Status::Draft, false, false));
    assert_eq!(a.draft, d);
    assert_eq!((a.publication_id, a.updated_at, a.updated_by), (fx.publication, now(), Some(ana.id)));
    assert_eq!(a.published_at, now().fixed_offset());
    assert_eq!(a.stage(now()), Stage::Draft);
    assert_eq!(store.editable_article(a.id).await?, Some(a.clone()));
    assert_eq!(store.editable_article(9999).await?, None);

    let tags = store.tags(fx.publication).await?;
    assert_eq!(
        tags.iter().map(|t| (t.slug.as_str(), t.name.as_str())).collect::<Vec<_>>(),
        [("labor", "Labor"), ("new-thing", "New Thing")]
    );
    assert_eq!(tags[0].id, fx.labor_tag, "an existing tag is reused");

    // The same tag spelt differently is the same tag, shown as first named.
    let b = store
        .create_article(
            fx.publication,
            &ArticleDraft { tags: vec!["new thing".into(), "NEW-THING".into()], ..draft(&fx, "second") },
            ana.id,
            now(),
        )
        .await?;
    assert_eq!(b.draft.tags, ["New Thing"]);
    assert_eq!(store.tags(fx.publication).await?.len(), 2);

    let revs = store.revisions(a.id).await?;
    assert_eq!(revs.len(), 1);
    assert_eq!(
        (revs[0].version, revs[0].user_id, revs[0].user_name.as_str(), revs[0].saved_at),
        (1, Some(ana.id), "Ana A.", now())
    );
    assert_eq!(revs[0].draft, d);

    let names: Vec<String> = store.authors(fx.publication).await?.into_iter().map(|a| a.name).collect();
    assert_eq!(names, ["Ana", "Ben"]);
    Ok(())
}

async fn saves_bump_the_version_and_keep_revisions(store: AnyStore) -> TestResult {
    let fx = setup(&store).await?;
    let ana = staff(&store, &fx).await?;
    let a = store.create_article(fx.publication, &draft(&fx, "story"), ana.id, now()).await?;
    let d2 = ArticleDraft {
        headline: "Changed".into(),
        section_id: fx.culture,
        author_ids: vec![fx.ben],
        tags: vec!["Fresh".into()],
        image: Some(DraftImage { key: "abc.jpg".into(), alt: "Alt".into(), caption: None }),
        ..a.draft.clone()
    };
    let s = saved(store.save_article(a.id, 1, &d2, ana.id, mins(5)).await?);
    assert_eq!((s.version, s.updated_at, s.updated_by), (2, mins(5), Some(ana.id)));
    assert_eq!(s.draft, d2);
    assert_eq!(store.editable_article(a.id).await?, Some(s.clone()));

    let revs = store.revisions(a.id).await?;
    assert_eq!(revs.iter().map(|r| r.version).collect::<Vec<_>>(), [2, 1], "newest first");
    assert_eq!(revs[0].draft, d2);
    assert_eq!(store.revision(revs[1].id).await?.map(|r| r.draft), Some(draft(&fx, "story")));
    assert_eq!(store.revision(9999).await?, None);
    assert!(matches!(store.save_article(9999, 1, &d2, ana.id, now()).await, Err(StoreError::NotFound)));
    Ok(())
}

async fn stale_saves_conflict_and_write_nothing(store: AnyStore) -> TestResult {
    let fx = setup(&store).await?;
    let ana = staff(&store, &fx).await?;
    let a = store.create_article(fx.publication, &draft(&fx, "story"), ana.id, now()).await?;
    let first = ArticleDraft { headline: "First editor".into(), ..a.draft.clone() };
    let s = saved(store.save_article(a.id, 1, &first, ana.id, mins(1)).await?);
    let v = store.content_version().await?;

    let second = ArticleDraft { headline: "Second editor".into(), tags: vec!["Stale".into()], ..a.draft.clone() };
    match store.save_article(a.id, 1, &second, ana.id, mins(2)).await? {
        SaveOutcome::Conflict(current) => assert_eq!(current, s),
        SaveOutcome::Saved(_) => panic!("a stale save must conflict"),
    }
    assert!(matches!(
        store.transition(a.id, 1, Transition::SubmitForReview, ana.id, mins(2)).await?,
        SaveOutcome::Conflict(_)
    ));
    assert_eq!(store.editable_article(a.id).await?, Some(s));
    assert_eq!(store.revisions(a.id).await?.len(), 2);
    assert_eq!(store.content_version().await?, v);
    assert!(store.tags(fx.publication).await?.iter().all(|t| t.name != "Stale"));
    Ok(())
}

/// The editor's save with a status change is one transaction: both happen
/// or neither.
async fn save_and_transition_is_one_write(store: AnyStore) -> TestResult {
    let fx = setup(&store).await?;
    let ana = staff(&store, &fx).await?;
    let a = store.create_article(fx.publication, &draft(&fx, "story"), ana.id, now()).await?;
    let publish = Some(Transition::Publish { at: mins(1).fixed_offset() });
    let text = ArticleDraft { headline: "Saved and published".into(), ..a.draft.clone() };
    let done = saved(store.save_and_transition(a.id, a.version, &text, publish, ana.id, mins(1)).await?);
    assert_eq!((done.draft.headline.as_str(), done.stage(mins(1))), ("Saved and published", Stage::Published));
    assert_eq!(done.version, a.version + 2, "a save and a status change");
    let revisions = store.revisions(a.id).await?;
    assert_eq!(revisions.len(), 2, "the save made one revision");

    // A stale version: nothing of either.
    let v = store.content_version().await?;
    let later = ArticleDraft { headline: "Stale".into(), ..text.clone() };
    assert!(matches!(
        store.save_and_transition(a.id, a.version, &later, Some(Transition::Unpublish), ana.id, mins(2)).await?,
        SaveOutcome::Conflict(current) if current == done
    ));
    // A save that is refused: the status change does not happen either.
    let taken = ArticleDraft { slug: "old-news".into(), ..text.clone() };
    assert!(matches!(
        store.save_and_transition(a.id, done.version, &taken, Some(Transition::Unpublish), ana.id, mins(2)).await,
        Err(StoreError::Invalid(_))
    ));
    assert_eq!(store.editable_article(a.id).await?, Some(done.clone()));
    assert_eq!(store.content_version().await?, v);
    assert_eq!(store.revisions(a.id).await?.len(), 2);

    // The text unchanged: a bare status change, no revision.
    let off = saved(
        store.save_and_transition(a.id, done.version, &text, Some(Transition::Unpublish), ana.id, mins(3)).await?,
    );
    assert_eq!((off.version, off.stage(mins(3))), (done.version + 1, Stage::Unpublished));
    assert_eq!(store.revisions(a.id).await?.len(), 2);
    // No status change: a plain save (a revision even when unchanged, as
    // `save_article`).
    let again = saved(store.save_and_transition(a.id, off.version, &text, None, ana.id, mins(4)).await?);
    assert_eq!((again.version, store.revisions(a.id).await?.len()), (off.version + 1, 3));
    Ok(())
}

/// Preview links: the store keeps the token's digest and when it was made,
/// finds the article by the digest, and forgets both on revoking.
async fn preview_links_keep_only_a_digest(store: AnyStore) -> TestResult {
    let fx = setup(&store).await?;
    let ana = staff(&store, &fx).await?;
    let a = store.create_article(fx.publication, &draft(&fx, "story"), ana.id, now()).await?;
    assert_eq!(store.preview_link(a.id).await?, None);
    let token = prensa_auth::new_token();
    store.set_preview_digest(a.id, Some(&token.digest), mins(5)).await?;
    assert_eq!(store.preview_link(a.id).await?, Some(prensa_store::PreviewLink { created_at: Some(mins(5)) }));
    assert_eq!(store.article_by_preview_digest(&token.digest).await?, Some(a.id));
    assert_eq!(store.article_by_preview_digest(&token.secret).await?, None, "the token itself opens nothing");
    store.set_preview_digest(a.id, None, mins(6)).await?;
    assert_eq!(store.preview_link(a.id).await?, None);
    assert_eq!(store.article_by_preview_digest(&token.digest).await?, None);
    assert!(matches!(store.preview_link(9999).await, Err(StoreError::NotFound)));
    assert!(matches!(store.set_preview_digest(9999, None, now()).await, Err(StoreError::NotFound)));
    Ok(())
}

async fn invalid_writes_leave_the_store_unchanged(store: AnyStore) -> TestResult {
    let fx = setup(&store).await?;
    let ana = staff(&store, &fx).await?;
    let a = store.create_article(fx.publication, &draft(&fx, "story"), ana.id, now()).await?;
    let v = store.content_version().await?;
    let all = AdminQuery { limit: 50, ..Default::default() };
    let before = store.admin_articles(fx.publication, &all, now()).await?;
    let tags_before = store.tags(fx.publication).await?;

    let with_tag = |d: ArticleDraft| ArticleDraft { tags: vec!["Zebra".into()], ..d };
    let cases = [
        (with_tag(draft(&fx, "old-news")), "the slug `old-news` is already used by another article"),
        (with_tag(ArticleDraft { section_id: 9999, ..draft(&fx, "x1") }), "section"),
        (with_tag(ArticleDraft { author_ids: vec![fx.ana, 9999], ..draft(&fx, "x2") }), "author"),
        (
            with_tag(ArticleDraft {
                image: Some(DraftImage { key: "fff.jpg".into(), alt: "Alt".into(), caption: None }),
                ..draft(&fx, "x3")
            }),
            "fff.jpg",
        ),
    ];
    for (d, message) in &cases {
        let err = store.create_article(fx.publication, d, ana.id, now()).await.expect_err("invalid");
        assert!(matches!(err, StoreError::Invalid(ref m) if m.contains(message)), "{err}");
        let err = store.save_article(a.id, 1, d, ana.id, now()).await.expect_err("invalid");
        assert!(matches!(err, StoreError::Invalid(ref m) if m.contains(message)), "{err}");
    }
    assert_eq!(store.content_version().await?, v);
    assert_eq!(store.admin_articles(fx.publication, &all, now()).await?, before);
    assert_eq!(store.tags(fx.publication).await?, tags_before);
    assert_eq!(store.editable_article(a.id).await?, Some(a.clone()));
    assert_eq!(store.revisions(a.id).await?.len(), 1);
    Ok(())
}

async fn renamed_published_articles_redirect(store: AnyStore) -> TestResult {
    let fx = setup(&store).await?;
    let ana = staff(&store, &fx).await?;
    let p = fx.publication;
    // A draft never published keeps no former slugs.
    let d = store.create_article(p, &draft(&fx, "draft-slug"), ana.id, now()).await?;
    saved(store.save_article(d.id, 1, &draft(&fx, "draft-renamed"), ana.id, now()).await?);
    assert_eq!(store.slug_redirect(p, "draft-slug").await?, None);

    let a = store.create_article(p, &draft(&fx, "first"), ana.id, now()).await?;
    let a =
        saved(store.transition(a.id, 1, Transition::Publish { at: mins(-10).fixed_offset() }, ana.id, now()).await?);
    let a = saved(store.save_article(a.id, a.version, &draft(&fx, "second"), ana.id, now()).await?);
    assert_eq!(store.slug_redirect(p, "first").await?.as_deref(), Some("second"));
    assert!(store.published_article(p, "second", now()).await?.is_some());
    let a = saved(store.save_article(a.id, a.version, &draft(&fx, "third"), ana.id, now()).await?);
    assert_eq!(store.slug_redirect(p, "first").await?.as_deref(), Some("third"));
    assert_eq!(store.slug_redirect(p, "second").await?.as_deref(), Some("third"));

    // Unpublished, it still redirects (the web layer decides what to show);
    // taking a former slug back removes that redirect.
    let a = saved(store.transition(a.id, a.version, Transition::Unpublish, ana.id, now()).await?);
    saved(store.save_article(a.id, a.version, &draft(&fx, "first"), ana.id, now()).await?);
    assert_eq!(store.slug_redirect(p, "first").await?, None);
    assert_eq!(store.slug_redirect(p, "third").await?.as_deref(), Some("first"));
    assert_eq!(store.slug_redirect(p + 1, "third").await?, None);
    Ok(())
}

async fn transitions_and_admin_list_filters(store: AnyStore) -> TestResult {
    let fx = setup(&store).await?;
    let ana = staff(&store, &fx).await?;
    let p = fx.publication;
    let mk = |slug: &'static str, headline: &'static str, at: i64| {
        let store = store.clone();
        let d = ArticleDraft { headline: headline.into(), ..draft(&fx, slug) };
        async move { store.create_article(p, &d, ana.id, mins(at)).await }
    };
    let plain = mk("plain", "Plain draft", 1).await?;
    let review = mk("review", "Rates up 50% today", 2).await?;
    let review = saved(store.transition(review.id, 1, Transition::SubmitForReview, ana.id, mins(3)).await?);
    assert_eq!((review.status, review.in_review, review.version, review.updated_at), (Status::Draft, true, 2, mins(3)));
    let back = mk("back", "Rates up 500 today", 4).await?;
    let back = saved(store.transition(back.id, 1, Transition::SubmitForReview, ana.id, mins(4)).await?);
    let back = saved(store.transition(back.id, 2, Transition::ReturnToDraft, ana.id, mins(5)).await?);
    assert_eq!((back.in_review, back.stage(now())), (false, Stage::Draft));

    let at = date("2026-06-01T09:00:00+02:00");
    let live = mk("live", "a_b live", 6).await?;
    let live = saved(store.transition(live.id, 1, Transition::Publish { at }, ana.id, mins(7)).await?);
    assert_eq!(
        (live.status, live.ever_published, live.published_at, live.updated_by),
        (Status::Published, true, at, Some(ana.id))
    );
    assert_eq!(live.published_at.offset().local_minus_utc(), 7200, "the offset is kept");
    let soon = ArticleDraft { section_id: fx.culture, author_ids: vec![fx.ben, fx.ana], ..draft(&fx, "soon") };
    let soon = store.create_article(p, &soon, ana.id, mins(8)).await?;
    let soon = saved(
        store.transition(soon.id, 1, Transition::Publish { at: mins(60).fixed_offset() }, ana.id, mins(9)).await?,
    );
    assert_eq!(soon.stage(now()), Stage::Scheduled);
    let gone = mk("gone", "Gone", 10).await?;
    let gone =
        saved(store.transition(gone.id, 1, Transition::Publish { at: now().fixed_offset() }, ana.id, mins(10)).await?);
    let gone = saved(store.transition(gone.id, 2, Transition::Unpublish, ana.id, mins(11)).await?);
    assert_eq!((gone.status, gone.ever_published, gone.stage(now())), (Status::Draft, true, Stage::Unpublished));

    let list = |query: AdminQuery| {
        let store = store.clone();
        async move {
            let page = store
                .admin_articles(
                    p,
                    &AdminQuery { limit: if query.limit == 0 { 50 } else { query.limit }, ..query },
                    now(),
                )
                .await?;
            Ok::<_, StoreError>((page.items.iter().map(|r| r.slug.clone()).collect::<Vec<_>>(), page.total))
        }
    };
    assert_eq!(
        list(AdminQuery::default()).await?.0,
        ["gone", "soon", "live", "back", "review", "plain", "old-news"],
        "newest change first"
    );
    let stage = |s| AdminQuery { stage: Some(s), ..Default::default() };
    assert_eq!(list(stage(Stage::Draft)).await?.0, ["back", "plain"]);
    assert_eq!(list(stage(Stage::InReview)).await?.0, ["review"]);
    assert_eq!(list(stage(Stage::Scheduled)).await?.0, ["soon"]);
    assert_eq!(list(stage(Stage::Published)).await?.0, ["live", "old-news"]);
    assert_eq!(list(stage(Stage::Unpublished)).await?.0, ["gone"]);
    assert_eq!(list(AdminQuery { section: Some(fx.culture), ..Default::default() }).await?.0, ["soon"]);
    assert_eq!(list(AdminQuery { author: Some(fx.ben), ..Default::default() }).await?.0, ["soon"]);
    let search = |s: &str| AdminQuery { search: Some(s.into()), ..Default::default() };
    assert_eq!(list(search("50%")).await?.0, ["review"], "% is literal");
    assert_eq!(list(search("RATES up 50")).await?.0, ["back", "review"], "case-insensitive");
    assert_eq!(list(search("a_b")).await?.0, ["live"], "_ is literal");
    assert_eq!(list(search("a_")).await?.0, ["live"]);
    assert_eq!(list(search("  ")).await?.1, 7, "a blank search is no filter");
    assert_eq!(
        list(AdminQuery { stage: Some(Stage::Draft), search: Some("plain".into()), ..Default::default() }).await?.0,
        ["plain"]
    );

    let page = store.admin_articles(p, &AdminQuery { limit: 2, offset: 2, ..Default::default() }, now()).await?;
    assert_eq!((page.items.len(), page.total), (2, 7));
    assert_eq!(page.items[0].slug, "live");
    let past = store.admin_articles(p, &AdminQuery { limit: 2, offset: 20, ..Default::default() }, now()).await?;
    assert_eq!((past.items.len(), past.total), (0, 7));
    let count = store.admin_articles(p, &AdminQuery { limit: 0, ..Default::default() }, now()).await?;
    assert_eq!((count.items.len(), count.total), (0, 7));

    let soon_row = store.admin_articles(p, &stage(Stage::Scheduled).with_limit(5), now()).await?.items.remove(0);
    assert_eq!(
        (soon_row.section.as_str(), soon_row.authors.clone(), soon_row.author_ids.clone()),
        ("Culture", vec!["Ben".to_owned(), "Ana".to_owned()], vec![fx.ben, fx.ana])
    );
    assert_eq!((soon_row.stage(now()), soon_row.updated_at, soon_row.in_review), (Stage::Scheduled, mins(9), false));
    assert_eq!(soon_row.published_at, mins(60).fixed_offset());
    let review_row = store.admin_articles(p, &stage(Stage::InReview).with_limit(5), now()).await?.items.remove(0);
    assert_eq!(review_row.id, review.id);
    assert!(review_row.in_review && !review_row.ever_published);
    // Issue 14: the search reads standfirsts and bodies too, not only headlines.
    let back_draft = store.editable_article(back.id).await?.ok_or("back")?;
    let with_phrase = ArticleDraft { body: "Notes on the Harbour Ledger, page 4.".into(), ..back_draft.draft.clone() };
    saved(store.save_article(back.id, back_draft.version, &with_phrase, ana.id, mins(12)).await?);
    assert_eq!(list(search("harbour ledger")).await?.0, ["back"], "a phrase of the body");
    assert_eq!(list(search("STANDFIRST")).await?.1, 6, "the standfirst of every article made here");
    let _ = plain;
    Ok(())
}

trait WithLimit {
    fn with_limit(self, limit: u32) -> Self;
}

impl WithLimit for AdminQuery {
    fn with_limit(self, limit: u32) -> Self {
        AdminQuery { limit, ..self }
    }
}

async fn change_feed_names_what_a_write_touched(store: AnyStore) -> TestResult {
    let fx = setup(&store).await?;
    let ana = staff(&store, &fx).await?;
    let v0 = store.content_version().await?;
    assert_eq!(v0, 1);
    let feed = store.changes_since(0).await?;
    assert_eq!(feed.len(), 1);
    assert_eq!(
        (feed[0].version, feed[0].keys.clone()),
        (1, vec![CHANGE_ALL.to_owned()]),
        "an import touches everything"
    );

    let d = ArticleDraft { tags: vec!["Labor".into()], ..draft(&fx, "story") };
    let a = store.create_article(fx.publication, &d, ana.id, now()).await?;
    let a = saved(
        store.save_article(a.id, 1, &ArticleDraft { headline: "Edited".into(), ..d.clone() }, ana.id, now()).await?,
    );
    let own = vec![format!("article:{}", a.id)];
    let feed = store.changes_since(v0).await?;
    assert_eq!(
        feed.iter().map(|c| (c.version, c.keys.clone())).collect::<Vec<_>>(),
        [(2, own.clone()), (3, own.clone())],
        "a draft touches only its page"
    );

    let a = saved(
        store.transition(a.id, a.version, Transition::Publish { at: mins(-1).fixed_offset() }, ana.id, now()).await?,
    );
    let feed = store.changes_since(3).await?;
    assert_eq!(feed.len(), 1);
    let public = |section: &[Id], authors: &[Id]| {
        let mut keys = own.clone();
        keys.extend(section.iter().map(|s| format!("section:{s}")));
        keys.extend(authors.iter().map(|a| format!("author:{a}")));
        keys.extend([format!("tag:{}", fx.labor_tag), "home".into(), "recent".into()]);
        keys
    };
    assert_eq!(feed[0].keys, public(&[fx.labor], &[fx.ana]));
    assert_eq!(feed[0].version, store.content_version().await?);

    // Moving a published article touches both sections and both bylines.
    let moved = ArticleDraft { section_id: fx.culture, author_ids: vec![fx.ben], ..d.clone() };
    let a = saved(store.save_article(a.id, a.version, &moved, ana.id, now()).await?);
    let feed = store.changes_since(4).await?;
    assert_eq!(feed[0].keys, public(&[fx.labor, fx.culture], &[fx.ana, fx.ben]));

    // Unpublishing a visible article still reaches its pages.
    saved(store.transition(a.id, a.version, Transition::Unpublish, ana.id, now()).await?);
    assert_eq!(store.changes_since(5).await?[0].keys, public(&[fx.culture], &[fx.ben]));

    // A re-import says "all" and moves the articles it rewrote on.
    let before = store.editable_article(fx.old_news).await?.expect("imported").version;
    store.apply_import(&fixture(), false).await?;
    assert_eq!(store.editable_article(fx.old_news).await?.map(|a| a.version), Some(before + 1));
    let last = store.changes_since(6).await?;
    assert_eq!(
        last.iter().map(|c| (c.version, c.keys.clone())).collect::<Vec<_>>(),
        [(7, vec![CHANGE_ALL.to_owned()])]
    );
    assert_eq!(store.changes_since(7).await?, []);
    assert_eq!(store.changes_since(0).await?.len(), 7, "nothing trimmed yet");
    Ok(())
}

async fn media_uploads_list_newest_first(store: AnyStore) -> TestResult {
    setup(&store).await?;
    let upload =
        MediaAsset { key: "def.png".into(), content_type: "image/png".into(), width: 10, height: 20, bytes: 300 };
    store.add_media(&upload).await?;
    store.add_media(&upload).await?;
    let page = store.media_list(10, 0).await?;
    assert_eq!(page.total, 2);
    assert_eq!(page.items.iter().map(|m| m.key.as_str()).collect::<Vec<_>>(), ["def.png", "abc.jpg"]);
    assert_eq!(page.items[0], upload);
    let second = store.media_list(1, 1).await?;
    assert_eq!((second.items.len(), second.items[0].key.as_str(), second.total), (1, "abc.jpg", 2));
    assert_eq!(store.media_list(5, 10).await?.total, 2);
    assert_eq!(store.media("def.png").await?, Some(upload));
    Ok(())
}

/// The feed keeps only recent writes; trimming is simulated by deleting its
/// oldest rows directly, on a database the test can also reach.
async fn feed_gap_starts_with_all(store: AnyStore, raw: impl AsyncFn(&str) -> TestResult) -> TestResult {
    let fx = setup(&store).await?;
    let ana = staff(&store, &fx).await?;
    let a = store.create_article(fx.publication, &draft(&fx, "story"), ana.id, now()).await?;
    let a = saved(store.save_article(a.id, 1, &a.draft, ana.id, now()).await?);
    saved(store.save_article(a.id, 2, &a.draft, ana.id, now()).await?);
    assert_eq!(store.content_version().await?, 4);
    raw("DELETE FROM content_changes WHERE version <= 2").await?;
    let versions =
        |feed: Vec<prensa_core::Change>| feed.into_iter().map(|c| (c.version, c.keys[0].clone())).collect::<Vec<_>>();
    let own = format!("article:{}", a.id);
    let all = CHANGE_ALL.to_owned();
    assert_eq!(versions(store.changes_since(0).await?), [(2, all.clone()), (3, own.clone()), (4, own.clone())]);
    assert_eq!(versions(store.changes_since(1).await?), [(2, all.clone()), (3, own.clone()), (4, own.clone())]);
    assert_eq!(versions(store.changes_since(2).await?), [(3, own.clone()), (4, own.clone())]);
    assert_eq!(versions(store.changes_since(4).await?), []);
    raw("DELETE FROM content_changes").await?;
    assert_eq!(versions(store.changes_since(1).await?), [(4, all.clone())]);
    assert_eq!(versions(store.changes_since(4).await?), []);
    Ok(())
}

#[tokio::test]
async fn feed_gap_starts_with_all_sqlite() -> TestResult {
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}", dir.path().join("feed.db").display());
    let store = AnyStore::open(&url).await?;
    feed_gap_starts_with_all(store, async |sql: &str| {
        let mut conn = sqlx::SqliteConnection::connect(&url).await?;
        sqlx::query(sql).execute(&mut conn).await?;
        conn.close().await?;
        Ok(())
    })
    .await
}

#[tokio::test]
async fn feed_gap_starts_with_all_postgres() -> TestResult {
    let Some(schema) = PgSchema::create().await? else { return Ok(()) };
    let url = schema.url();
    let store = schema.store().await?;
    let result = feed_gap_starts_with_all(store.clone(), async |sql: &str| {
        let mut conn = sqlx::PgConnection::connect(&url).await?;
        sqlx::query(sql).execute(&mut conn).await?;
        conn.close().await?;
        Ok(())
    })
    .await;
    store.close().await;
    result
}

/// Sections, tags, author profiles and settings as the admin edits them:
/// each write is whole or nothing and tells every node to purge everything.
async fn desk_edits_sections_tags_authors_and_settings(store: AnyStore) -> TestResult {
    let fx = setup(&store).await?;
    let p = fx.publication;
    let version = store.content_version().await?;
    let new = NewSection { slug: "world".into(), name: "World".into(), description: "Abroad".into() };
    let world = store.save_section(p, None, &new, None).await?;
    assert_eq!(store.sections(p).await?.last().map(|s| s.slug.as_str()), Some("world"), "placed last");
    let feed = store.changes_since(version).await?;
    assert_eq!(feed.last().map(|c| c.keys.clone()), Some(vec![CHANGE_ALL.to_owned()]));
    // Moved to first, then second place, renamed; a taken slug is refused
    // and changes nothing.
    let renamed = NewSection { slug: "world".into(), name: "The World".into(), description: "".into() };
    store.save_section(p, Some(world.id), &renamed, Some(1)).await?;
    let order = |v: Vec<prensa_core::Section>| v.into_iter().map(|s| s.slug).collect::<Vec<_>>();
    assert_eq!(order(store.sections(p).await?), ["world", "labor", "culture"]);
    store.save_section(p, Some(world.id), &renamed, Some(2)).await?;
    assert_eq!(order(store.sections(p).await?), ["labor", "world", "culture"]);
    store.save_section(p, Some(world.id), &renamed, Some(-5)).await?;
    assert_eq!(order(store.sections(p).await?), ["world", "labor", "culture"], "clamped");
    assert_eq!(store.sections(p).await?[0].name, "The World");
    let clash = NewSection { slug: "labor".into(), ..renamed.clone() };
    let err = store.save_section(p, Some(world.id), &clash, None).await.expect_err("taken");
    assert!(matches!(err, StoreError::Invalid(ref m) if m.contains("labor")), "{err}");
    assert_eq!(store.sections(p).await?[0].slug, "world");
    // A section with articles cannot go; an empty one can.
    let err = store.delete_section(p, fx.labor).await.expect_err("has articles");
    // The store says how many; the admin words it ("1 article is still …").
    assert!(matches!(err, StoreError::SectionNotEmpty { articles: 1 }), "{err}");
    store.delete_section(p, world.id).await?;
    assert!(store.section_by_slug(p, "world").await?.is_none());
    assert!(matches!(store.delete_section(p, world.id).await, Err(StoreError::NotFound)));

    // Tags: renamed (with a new slug), then deleted from every article.
    let tag = store.rename_tag(p, fx.labor_tag, "Work & Labour", "work-labour").await?;
    assert_eq!(tag.slug, "work-labour");
    assert!(store.tag_by_slug(p, "labor").await?.is_none());
    store.delete_tag(p, fx.labor_tag).await?;
    let article = store.editable_article(fx.old_news).await?.expect("article");
    assert!(article.draft.tags.is_empty());

    // Author profiles: a new one writes for the publication; a taken slug
    // or an unknown avatar is refused.
    let mut social = SocialLinks::default();
    social.set(prensa_core::SocialKind::Mastodon, "https://mastodon.example/@cy".into());
    let cy = NewAuthor {
        slug: "cy".into(),
        name: "Cy".into(),
        bio: "**Bio**".into(),
        avatar: Some("abc.jpg".into()),
        social,
    };
    let made = store.save_author(p, None, &cy).await?;
    assert_eq!(store.author_by_slug(p, "cy").await?.as_ref(), Some(&made));
    assert_eq!(made.avatar.as_ref().map(|a| a.width), Some(1200));
    let taken = NewAuthor { slug: "ana".into(), ..cy.clone() };
    assert!(matches!(store.save_author(p, Some(made.id), &taken).await, Err(StoreError::Invalid(_))));
    let ghost = NewAuthor { avatar: Some("nope.jpg".into()), ..cy.clone() };
    assert!(matches!(store.save_author(p, Some(made.id), &ghost).await, Err(StoreError::Invalid(_))));
    let renamed = store.save_author(p, Some(made.id), &NewAuthor { name: "Cy Twombly".into(), ..cy }).await?;
    assert_eq!(renamed.name, "Cy Twombly");

    // Publication settings.
    let edit = prensa_core::PublicationEdit {
        name: "The New Meridian".into(),
        tagline: "Still here".into(),
        social: SocialLinks::default(),
        settings: PublicationSettings {
            more_from_section: 2,
            most_recent: 6,
            page_size: 20,
            from_sister_sites: 3,
            feed_content: prensa_core::FeedContent::Summary,
        },
    };
    store.update_publication(p, &edit).await?;
    let after = store.publications().await?.remove(0);
    assert_eq!(
        (after.name.as_str(), after.tagline.as_str(), after.settings.page_size),
        ("The New Meridian", "Still here", 20)
    );
    assert_eq!(after.settings, edit.settings, "every setting is stored, feed_content too");
    assert!(matches!(store.update_publication(9999, &edit).await, Err(StoreError::NotFound)));
    Ok(())
}

// --- whole-store copies ----------------------------------------------------

/// A newsroom in full swing: accounts (one with a password), an article in
/// review at version 3 with notes (one resolved), a published one renamed
/// (a redirect) with a pending update and a cancelled unpublish, a session.
async fn busy_newsroom(store: &AnyStore) -> Result<(Seeded, User), Box<dyn std::error::Error>> {
    let fx = setup(store).await?;
    let ana = staff(store, &fx).await?;
    store.set_password(ana.id, "$argon2id$v=19$m=19456,t=2,p=1$c2VjcmV0LXNhbHQ$SECRET-HASH").await?;
    let ben = NewUser {
        email: "ben@example.org".into(),
        name: "Ben".into(),
        role: Role::Contributor,
        author_id: Some(fx.ben),
        publication: None,
    };
    store.create_user(&ben, now()).await?;

    let a = store.create_article(fx.publication, &draft(&fx, "story"), ana.id, now()).await?;
    let a = saved(store.save_article(a.id, a.version, &draft(&fx, "story-2"), ana.id, mins(1)).await?);
    let a = saved(store.transition(a.id, a.version, Transition::SubmitForReview, ana.id, mins(2)).await?);
    assert!(a.in_review && a.version > 2, "version {}", a.version);
    let note = store.add_note(a.id, ana.id, "Check the figures", mins(3)).await?;
    store.add_note(a.id, ana.id, "And the quote", mins(4)).await?;
    store.resolve_note(note.id, ana.id, mins(5)).await?;

    let b = store.create_article(fx.publication, &draft(&fx, "first"), ana.id, now()).await?;
    let b = saved(
        store.transition(b.id, b.version, Transition::Publish { at: mins(-10).fixed_offset() }, ana.id, now()).await?,
    );
    let b = saved(store.save_article(b.id, b.version, &draft(&fx, "second"), ana.id, mins(1)).await?);
    let update = ArticleDraft { headline: "Later".into(), ..b.draft.clone() };
    store.schedule_change(b.id, &ChangeKind::Update(update), b.version, mins(60), ana.id, now()).await?;
    let gone = store.schedule_change(b.id, &ChangeKind::Unpublish, b.version, mins(90), ana.id, now()).await?;
    assert!(store.cancel_change(gone.id).await?);
    store.schedule_change(b.id, &ChangeKind::Unpublish, b.version, mins(120), ana.id, now()).await?;
    store
        .add_media(&MediaAsset {
            key: "new.png".into(),
            content_type: "image/png".into(),
            width: 1,
            height: 1,
            bytes: 9,
        })
        .await?;
    store.create_session("digest-of-a-session", ana.id, now(), mins(60)).await?;
    Ok((fx, ana))
}

/// After a copy, the target goes on: versions, redirects, notes and
/// schedules are there, and new rows of every kind get fresh ids.
async fn carries_on_after_the_copy(store: &AnyStore, snap: &prensa_core::Snapshot, fx: &Seeded) -> TestResult {
    let ana = snap.users.iter().find(|u| u.email == "ana@example.org").ok_or("ana")?;
    let (user, hash) = store.user_for_login("ana@example.org").await?.ok_or("account copied")?;
    assert_eq!((user.id, user.role, user.created_at), (ana.id, Role::Editor, now()));
    assert_eq!(hash, ana.password_hash, "people sign in with the same password");
    assert_eq!(store.session_user("digest-of-a-session", now(), IDLE).await?, None, "sessions are not copied");

    let story = snap.articles.iter().find(|a| a.slug == "story-2").ok_or("story")?;
    let e = store.editable_article(story.id).await?.ok_or("editable")?;
    assert_eq!((e.version, e.in_review, e.updated_by), (story.version, true, Some(ana.id)));
    assert_eq!(store.revisions(story.id).await?.len(), 2);
    assert_eq!(store.open_note_count(story.id).await?, 1);
    assert_eq!(store.slug_redirect(fx.publication, "first").await?.as_deref(), Some("second"));
    let second = snap.articles.iter().find(|a| a.slug == "second").ok_or("second")?;
    assert!(second.ever_published);
    assert_eq!(store.pending_changes(second.id).await?.len(), 2);

    // Saving names the copied version; new rows do not collide with copied ids.
    let max = |ids: &mut dyn Iterator<Item = Id>| ids.max().unwrap_or(0);
    let e = saved(store.save_article(story.id, story.version, &draft(fx, "story-3"), ana.id, mins(6)).await?);
    assert_eq!(e.version, story.version + 1);
    let revs = store.revisions(story.id).await?;
    assert!(revs[0].id > max(&mut snap.article_revisions.iter().map(|r| r.id)));
    let c = store.create_article(fx.publication, &draft(fx, "after-the-move"), ana.id, mins(7)).await?;
    assert!(c.id > max(&mut snap.articles.iter().map(|a| a.id)));
    let new = NewUser {
        email: "cy@example.org".into(),
        name: "Cy".into(),
        role: Role::Author,
        author_id: None,
        publication: None,
    };
    assert!(store.create_user(&new, now()).await?.id > max(&mut snap.users.iter().map(|u| u.id)));
    let n = store.add_note(c.id, ana.id, "New", mins(8)).await?;
    assert!(n.id > max(&mut snap.review_notes.iter().map(|n| n.id)));
    let ch = store.schedule_change(second.id, &ChangeKind::Unpublish, second.version, mins(200), ana.id, now()).await?;
    assert!(ch.id > max(&mut snap.scheduled_changes.iter().map(|c| c.id)));
    Ok(())
}

/// A store's newsroom → `dst` → `back`: identical snapshots each way, and
/// both copies carry on.
async fn newsroom_crosses_over(src: AnyStore, dst: AnyStore, back: AnyStore) -> TestResult {
    let (fx, _) = busy_newsroom(&src).await?;
    let snap = src.export_all().await?;
    let counts: Vec<(&str, usize)> = snap.counts().into_iter().skip(9).take(6).collect();
    assert_eq!(
        counts,
        [
            ("users", 2),
            ("publication_roles", 0),
            ("article_revisions", 4),
            ("slug_redirects", 1),
            ("review_notes", 2),
            ("scheduled_changes", 2)
        ]
    );
    assert!(snap.users[0].password_hash.is_some() && snap.users[1].password_hash.is_none());
    let new_png = snap.media.iter().find(|m| m.asset.key == "new.png").ok_or("media row")?;
    assert!(new_png.created_at > 0, "upload dates are kept");
    let debug = format!("{snap:?}");
    assert!(!debug.contains("SECRET-HASH") && debug.contains("<redacted>"), "Debug never shows a hash");
    let only_users = prensa_core::Snapshot { users: snap.users.clone(), ..Default::default() };
    assert!(!only_users.is_empty(), "accounts alone are something to copy");

    dst.import_snapshot(&snap, false).await?;
    assert_eq!(dst.export_all().await?, snap);
    back.import_snapshot(&dst.export_all().await?, false).await?;
    assert_eq!(back.export_all().await?, snap);
    carries_on_after_the_copy(&dst, &snap, &fx).await?;
    carries_on_after_the_copy(&back, &snap, &fx).await?;

    // A target with accounts only is not empty; replacing clears it all,
    // sessions included.
    let fresh = AnyStore::open("sqlite::memory:").await?;
    fresh
        .create_user(
            &NewUser {
                email: "x@example.org".into(),
                name: "X".into(),
                role: Role::Author,
                author_id: None,
                publication: None,
            },
            now(),
        )
        .await?;
    assert!(matches!(fresh.import_snapshot(&snap, false).await, Err(StoreError::NotEmpty(_))));
    dst.create_session("a-later-session", snap.users[0].id, now(), mins(60)).await?;
    dst.import_snapshot(&snap, true).await?;
    assert_eq!(dst.export_all().await?, snap, "replacing restores the copy exactly");
    assert_eq!(dst.session_user("a-later-session", now(), IDLE).await?, None);
    Ok(())
}

#[tokio::test]
async fn newsroom_crosses_over_sqlite() -> TestResult {
    newsroom_crosses_over(sqlite().await?, sqlite().await?, sqlite().await?).await
}

#[tokio::test]
async fn newsroom_crosses_over_postgres() -> TestResult {
    let Some(one) = PgSchema::create().await? else { return Ok(()) };
    let (two, three) = (PgSchema::create().await?.ok_or("configured")?, PgSchema::create().await?.ok_or("configured")?);
    let (pg1, pg2, pg3) = (one.store().await?, two.store().await?, three.store().await?);
    // SQLite → PostgreSQL → SQLite, then PostgreSQL → SQLite → PostgreSQL.
    let result = async {
        newsroom_crosses_over(sqlite().await?, pg1.clone(), sqlite().await?).await?;
        newsroom_crosses_over(pg2.clone(), sqlite().await?, pg3.clone()).await
    }
    .await;
    for store in [pg1, pg2, pg3] {
        store.close().await;
    }
    result
}

// --- the sign-in throttle ---------------------------------------------------

const LOGIN_WINDOW: std::time::Duration = std::time::Duration::from_secs(15 * 60);

fn secs(n: i64) -> chrono::DateTime<chrono::Utc> {
    now() + chrono::Duration::seconds(n)
}

fn is_open(gate: &LoginGate) -> bool {
    matches!(gate, LoginGate::Open(_))
}

/// The rules prensa-auth's in-memory throttle had, now in the store: five
/// failures in fifteen minutes for any key refuse the next attempt until
/// the oldest that counts ages out; keys are independent; a success clears
/// the account's failures but not the address's.
async fn sign_in_throttle_counts_failures_per_key(store: AnyStore) -> TestResult {
    let keys = ["account:ana", "addr:192.0.2.1"];
    for i in 0..5 {
        assert!(is_open(&store.begin_login(&keys, 5, LOGIN_WINDOW, secs(i)).await?), "attempt {i}");
    }
    // The first failure (at 0 s) leaves the window at 900 s.
    assert_eq!(
        store.begin_login(&keys, 5, LOGIN_WINDOW, secs(10)).await?,
        LoginGate::Throttled { retry_after_secs: 890 }
    );
    // A refused attempt is not counted: the wait still ends at 900 s.
    assert_eq!(
        store.begin_login(&keys, 5, LOGIN_WINDOW, secs(20)).await?,
        LoginGate::Throttled { retry_after_secs: 880 }
    );
    assert_eq!(
        store.begin_login(&["addr:192.0.2.1"], 5, LOGIN_WINDOW, secs(899)).await?,
        LoginGate::Throttled { retry_after_secs: 1 }
    );
    assert!(is_open(&store.begin_login(&keys, 5, LOGIN_WINDOW, secs(900)).await?), "free once the first ages out");
    assert_eq!(
        store.begin_login(&keys, 5, LOGIN_WINDOW, secs(900)).await?,
        LoginGate::Throttled { retry_after_secs: 1 }
    );

    // Keys are independent.
    for _ in 0..2 {
        assert!(is_open(&store.begin_login(&["account:a", "addr:1"], 2, LOGIN_WINDOW, secs(0)).await?));
    }
    assert!(!is_open(&store.begin_login(&["account:a"], 2, LOGIN_WINDOW, secs(1)).await?));
    assert!(!is_open(&store.begin_login(&["addr:1"], 2, LOGIN_WINDOW, secs(1)).await?));
    assert!(
        !is_open(&store.begin_login(&["account:b", "addr:1"], 2, LOGIN_WINDOW, secs(1)).await?),
        "either key refuses"
    );
    assert!(is_open(&store.begin_login(&["account:b", "addr:2"], 2, LOGIN_WINDOW, secs(1)).await?));

    // One failure, then a success: the account starts afresh; the address
    // keeps the failure but not the successful attempt.
    let (account, addr) = ("account:c", "addr:3");
    assert!(is_open(&store.begin_login(&[account, addr], 2, LOGIN_WINDOW, secs(0)).await?));
    let LoginGate::Open(attempt) = store.begin_login(&[account, addr], 2, LOGIN_WINDOW, secs(1)).await? else {
        return Err("second attempt refused".into());
    };
    store.login_succeeded(&attempt, account).await?;
    assert!(is_open(&store.begin_login(&[account], 2, LOGIN_WINDOW, secs(2)).await?));
    assert!(is_open(&store.begin_login(&[account], 2, LOGIN_WINDOW, secs(2)).await?));
    assert!(!is_open(&store.begin_login(&[account], 2, LOGIN_WINDOW, secs(2)).await?), "two fresh failures");
    assert!(is_open(&store.begin_login(&[addr], 2, LOGIN_WINDOW, secs(2)).await?), "one failure left on the address");
    assert!(!is_open(&store.begin_login(&[addr], 2, LOGIN_WINDOW, secs(2)).await?));

    // The throttle is transient: not part of a snapshot.
    let snapshot = store.export_all().await?;
    let copy = sqlite().await?;
    copy.import_snapshot(&snapshot, false).await?;
    assert!(is_open(&copy.begin_login(&keys, 5, LOGIN_WINDOW, secs(900)).await?), "nothing copied");
    Ok(())
}

/// Twelve attempts at once for one account, over two connection pools (two
/// nodes), with room for five: exactly five get through. Then the rows
/// that left the window are gone after the next recorded attempt.
async fn sign_in_throttle_race(
    a: AnyStore,
    b: AnyStore,
    count_rows: impl AsyncFn() -> Result<i64, Box<dyn std::error::Error>>,
) -> TestResult {
    let mut tasks = Vec::new();
    for i in 0..12 {
        let store = if i % 2 == 0 { a.clone() } else { b.clone() };
        tasks.push(tokio::spawn(async move {
            let addr = format!("addr:10.0.0.{i}");
            store.begin_login(&["account:ana", &addr], 5, LOGIN_WINDOW, secs(0)).await
        }));
    }
    let mut open = 0;
    for t in tasks {
        open += usize::from(is_open(&t.await??));
    }
    assert_eq!(open, 5, "exactly the limit gets through");
    assert_eq!(count_rows().await?, 10, "two rows (account, address) per open attempt");
    assert!(is_open(&b.begin_login(&["addr:elsewhere"], 5, LOGIN_WINDOW, secs(900)).await?));
    assert_eq!(count_rows().await?, 1, "expired failures pruned");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sign_in_throttle_race_sqlite() -> TestResult {
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}", dir.path().join("throttle.db").display());
    let a = AnyStore::open(&url).await?;
    let b = AnyStore::open(&url).await?;
    sign_in_throttle_race(a, b, async || {
        let mut conn = sqlx::SqliteConnection::connect(&url).await?;
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM login_failures").fetch_one(&mut conn).await?;
        conn.close().await?;
        Ok(n)
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sign_in_throttle_race_postgres() -> TestResult {
    let Some(schema) = PgSchema::create().await? else { return Ok(()) };
    let url = schema.url();
    let a = schema.store().await?;
    let b = schema.store().await?;
    let result = sign_in_throttle_race(a.clone(), b.clone(), async || {
        let mut conn = sqlx::PgConnection::connect(&url).await?;
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM login_failures").fetch_one(&mut conn).await?;
        conn.close().await?;
        Ok(n)
    })
    .await;
    a.close().await;
    b.close().await;
    result
}

/// Preview tokens stored in plain text by versions before migration 0006
/// are hashed when the store next opens: the link keeps working and the
/// database no longer holds the token. `url` is a database already
/// migrated and holding the fixture.
async fn legacy_preview_tokens_are_hashed_on_open(url: &str) -> TestResult {
    let store = AnyStore::open(url).await?;
    let fx = setup(&store).await?;
    store.close().await;
    let token = prensa_auth::new_token();
    // What 0004–0005 wrote: the token itself.
    if url.starts_with("sqlite:") {
        let mut conn = sqlx::SqliteConnection::connect(url).await?;
        sqlx::query("UPDATE articles SET preview_digest = ? WHERE id = ?")
            .bind(&token.secret)
            .bind(fx.old_news)
            .execute(&mut conn)
            .await?;
        conn.close().await?;
    } else {
        let mut conn = sqlx::PgConnection::connect(url).await?;
        sqlx::query("UPDATE articles SET preview_digest = $1 WHERE id = $2")
            .bind(&token.secret)
            .bind(fx.old_news)
            .execute(&mut conn)
            .await?;
        conn.close().await?;
    }
    let store = AnyStore::open(url).await?;
    let found = store.article_by_preview_digest(&prensa_auth::token_digest(&token.secret)).await?;
    assert_eq!(found, Some(fx.old_news), "the old link still opens its article");
    assert_eq!(store.article_by_preview_digest(&token.secret).await?, None, "the plain token is gone");
    assert_eq!(store.preview_link(fx.old_news).await?, Some(prensa_store::PreviewLink { created_at: None }));
    store.close().await;
    // Opening again changes nothing (the digest is not hashed twice).
    let store = AnyStore::open(url).await?;
    assert_eq!(store.article_by_preview_digest(&token.digest).await?, Some(fx.old_news));
    store.close().await;
    Ok(())
}

#[tokio::test]
async fn legacy_preview_tokens_are_hashed_on_open_sqlite() -> TestResult {
    let dir = tempfile::tempdir()?;
    legacy_preview_tokens_are_hashed_on_open(&format!("sqlite://{}", dir.path().join("legacy.db").display())).await
}

#[tokio::test]
async fn legacy_preview_tokens_are_hashed_on_open_postgres() -> TestResult {
    let Some(schema) = PgSchema::create().await? else { return Ok(()) };
    legacy_preview_tokens_are_hashed_on_open(&schema.url()).await
}
