//! Staff from invite to departure, the trash and review-note threads
//! (issue 14), on every backend (see `newsroom.rs` for how the PostgreSQL
//! half runs).

use chrono::Duration;
use prensa_core::permissions::{Role, Stage};
use prensa_core::{AdminQuery, NewUser, Status, TokenKind};
use prensa_store::{AnyStore, Editorial, NewProfile, Newsroom, Staffing, Store, StoreError, PURGE_EVERY};

#[macro_use]
mod common;
use common::*;

on_every_backend!(
    invites_create_the_profile_atomically,
    profiles_are_linked_later,
    deactivation_signs_out_and_refuses,
    the_last_administrator_stays_active,
    trash_restore_and_delete_forever,
    the_purge_waits_thirty_days,
    the_purge_is_claimed_once,
    review_notes_have_reply_threads,
);

fn contributor(email: &str, publication: Option<i64>) -> NewUser {
    NewUser { email: email.into(), name: "Cora Writer".into(), role: Role::Contributor, author_id: None, publication }
}

fn profile(name: &str, slug: &str) -> NewProfile {
    NewProfile { name: name.into(), slug: slug.into() }
}

async fn invites_create_the_profile_atomically(store: AnyStore) -> TestResult {
    let fx = setup(&store).await?;
    let new = contributor("cora@example.org", Some(fx.publication));
    let cora = store.invite_user(&new, Some(&profile("Cora Writer", "cora-writer")), fx.publication, now()).await?;
    let author =
        store.author_by_slug(fx.publication, "cora-writer").await?.expect("profile made, writing for the publication");
    assert_eq!((author.name.as_str(), cora.author_id), ("Cora Writer", Some(author.id)));
    assert!(cora.is_active());

    // The account can write at once: a draft under its own byline saves.
    let mut d = draft(&fx, "coras-first");
    d.author_ids = vec![author.id];
    let article = store.create_article(fx.publication, &d, cora.id, now()).await?;
    assert_eq!(article.draft.author_ids, vec![author.id]);

    // Refused invitations write nothing: not the account, not the profile.
    let authors_before = store.authors(fx.publication).await?.len();
    for (email, p, why) in [
        ("bad@example.org", profile("Bad", "Not A Slug"), "cannot be a profile's slug"),
        ("bad@example.org", profile("Ana Again", "ana"), "already has the slug `ana`"),
        ("bad@example.org", profile("  ", "blank"), "needs a name"),
        ("cora@example.org", profile("Cora Twice", "cora-twice"), "e-mail already exists"),
    ] {
        let err = store
            .invite_user(&contributor(email, Some(fx.publication)), Some(&p), fx.publication, now())
            .await
            .expect_err(why);
        assert!(matches!(err, StoreError::Invalid(ref m) if m.contains(why)), "{err}");
    }
    assert_eq!(store.user_for_login("bad@example.org").await?, None);
    assert_eq!(
        store.author_by_slug(fx.publication, "cora-twice").await?,
        None,
        "the profile rolled back with the account"
    );
    assert_eq!(store.authors(fx.publication).await?.len(), authors_before);

    // Without a new profile it is create_user, existing profile or none.
    let ben = store
        .invite_user(
            &NewUser { author_id: Some(fx.ben), ..contributor("ben@example.org", None) },
            None,
            fx.publication,
            now(),
        )
        .await?;
    assert_eq!(ben.author_id, Some(fx.ben));
    Ok(())
}

async fn profiles_are_linked_later(store: AnyStore) -> TestResult {
    let fx = setup(&store).await?;
    let cora = store.create_user(&contributor("cora@example.org", Some(fx.publication)), now()).await?;
    assert_eq!(cora.author_id, None);
    assert_eq!(store.set_user_author(cora.id, Some(fx.ben)).await?.author_id, Some(fx.ben));
    assert_eq!(store.user(cora.id).await?.and_then(|u| u.author_id), Some(fx.ben));
    assert!(matches!(store.set_user_author(cora.id, Some(9999)).await, Err(StoreError::Invalid(_))));
    assert_eq!(store.user(cora.id).await?.and_then(|u| u.author_id), Some(fx.ben), "unchanged by the refusal");
    assert!(matches!(store.set_user_author(9999, Some(fx.ben)).await, Err(StoreError::NotFound)));
    assert_eq!(store.set_user_author(cora.id, None).await?.author_id, None);
    Ok(())
}

async fn deactivation_signs_out_and_refuses(store: AnyStore) -> TestResult {
    let fx = setup(&store).await?;
    let ana = staff(&store, &fx).await?;
    store.set_password(ana.id, "ana-hash").await?;
    for digest in ["s1", "s2"] {
        store.create_session(digest, ana.id, now(), mins(600)).await?;
    }
    store.create_token(TokenKind::Reset, "r1", ana.id, mins(600)).await?;
    let off = store.set_user_active(ana.id, false, mins(1)).await?;
    assert_eq!(off.deactivated_at, Some(mins(1)));
    for digest in ["s1", "s2"] {
        assert_eq!(store.session_user(digest, mins(2), IDLE).await?, None, "signed out everywhere");
    }
    assert_eq!(store.token_user(TokenKind::Reset, "r1", mins(2)).await?, None, "its links are gone");
    // The login sees a deactivated account (to say so); its address stays taken.
    let (user, hash) = store.user_for_login("ana@example.org").await?.expect("kept");
    assert!(!user.is_active());
    assert_eq!(hash.as_deref(), Some("ana-hash"));
    assert!(
        matches!(store.create_user(&NewUser { role: Role::Author, ..contributor("ana@example.org", None) }, now()).await,
        Err(StoreError::Invalid(ref m)) if m.contains("already exists"))
    );
    // A session made anyway (a node that raced) opens nothing.
    store.create_session("s3", ana.id, mins(3), mins(600)).await?;
    assert_eq!(store.session_user("s3", mins(3), IDLE).await?, None);
    // Its articles keep their byline and revisions.
    assert_eq!(store.editable_article(fx.old_news).await?.map(|a| a.draft.author_ids), Some(vec![fx.ana]));

    let on = store.set_user_active(ana.id, true, mins(4)).await?;
    assert!(on.is_active());
    assert_eq!(
        store.user_for_login("ana@example.org").await?.and_then(|(_, h)| h).as_deref(),
        Some("ana-hash"),
        "password kept"
    );
    store.create_session("s4", ana.id, mins(5), mins(600)).await?;
    assert_eq!(store.session_user("s4", mins(5), IDLE).await?.map(|u| u.id), Some(ana.id));
    assert!(matches!(store.set_user_active(9999, false, now()).await, Err(StoreError::NotFound)));
    Ok(())
}

async fn the_last_administrator_stays_active(store: AnyStore) -> TestResult {
    let fx = setup(&store).await?;
    let admin = |email: &str, publication| NewUser { role: Role::Administrator, ..contributor(email, publication) };
    // A publication's only administrator.
    let pa = store.create_user(&admin("pa@example.org", Some(fx.publication)), now()).await?;
    let err = store.set_user_active(pa.id, false, now()).await.expect_err("last of the publication");
    assert!(
        matches!(err, StoreError::Invalid(ref m) if m.contains("last active administrator of The Meridian")),
        "{err}"
    );
    assert!(store.user(pa.id).await?.is_some_and(|u| u.is_active()), "nothing written");
    // A network-wide administrator administers it too.
    let na = store.create_user(&admin("na@example.org", None), now()).await?;
    store.set_user_active(pa.id, false, now()).await?;
    let err = store.set_user_active(na.id, false, now()).await.expect_err("last network-wide");
    assert!(matches!(err, StoreError::Invalid(ref m) if m.contains("last active network-wide administrator")), "{err}");
    let nb = store.create_user(&admin("nb@example.org", None), now()).await?;
    store.set_user_active(na.id, false, now()).await?;
    assert!(store.set_user_active(nb.id, false, now()).await.is_err(), "na is deactivated, so nb is the last");
    // Deactivating a deactivated account changes nothing and is allowed.
    assert_eq!(store.set_user_active(na.id, false, mins(9)).await?.deactivated_at, Some(now()));
    Ok(())
}

async fn trash_restore_and_delete_forever(store: AnyStore) -> TestResult {
    let fx = setup(&store).await?;
    let ana = staff(&store, &fx).await?;
    let id = fx.old_news;
    assert!(store.published_article(fx.publication, "old-news", now()).await?.is_some());
    let before = store.content_version().await?;
    let trashed = store.trash_article(id, ana.id, now()).await?;
    assert_eq!((trashed.status, trashed.stage(now())), (Status::Draft, Stage::Unpublished), "unpublished first");
    assert_eq!(store.trashed_at(id).await?, Some(now()));
    assert_eq!(store.published_article(fx.publication, "old-news", now()).await?, None, "gone from the public site");
    let keys: Vec<String> = store.changes_since(before).await?.into_iter().flat_map(|c| c.keys).collect();
    for key in [format!("article:{id}"), "home".to_owned(), format!("section:{}", fx.labor)] {
        assert!(keys.contains(&key), "{key} purged: {keys:?}");
    }
    let all = AdminQuery { limit: 50, ..Default::default() };
    assert!(store.admin_articles(fx.publication, &all, now()).await?.items.iter().all(|r| r.id != id), "not listed");
    let trash = store.trashed_articles(fx.publication).await?;
    assert_eq!(trash.len(), 1);
    assert_eq!((trash[0].id, trash[0].ever_published, trash[0].trashed_by.as_str()), (id, true, "Ana A."));
    assert_eq!(trash[0].author_ids, vec![fx.ana]);
    assert_eq!(trash[0].purge_at(), now() + Duration::days(30));
    assert!(matches!(store.trash_article(id, ana.id, now()).await, Err(StoreError::Invalid(_))), "already there");
    assert!(matches!(store.trash_article(9999, ana.id, now()).await, Err(StoreError::NotFound)));
    assert!(!store.delete_forever(fx.old_news + 9999).await?);

    let revisions = store.revisions(id).await?.len();
    let restored = store.restore_article(id, ana.id, mins(5)).await?;
    assert_eq!((restored.status, restored.stage(mins(5))), (Status::Draft, Stage::Unpublished));
    assert_eq!(store.trashed_at(id).await?, None);
    assert_eq!(store.revisions(id).await?.len(), revisions, "revisions kept");
    assert!(store.admin_articles(fx.publication, &all, now()).await?.items.iter().any(|r| r.id == id));
    assert!(matches!(store.restore_article(id, ana.id, now()).await, Err(StoreError::NotFound)), "not in the trash");
    assert!(!store.delete_forever(id).await?, "only from the trash");
    assert!(store.editable_article(id).await?.is_some());

    store.add_note(id, ana.id, "Check the date", now()).await?;
    store.trash_article(id, ana.id, mins(6)).await?;
    assert!(store.delete_forever(id).await?);
    assert_eq!(store.editable_article(id).await?, None);
    assert!(store.revisions(id).await?.is_empty() && store.notes(id).await?.is_empty());
    assert!(store.trashed_articles(fx.publication).await?.is_empty());
    Ok(())
}

async fn the_purge_waits_thirty_days(store: AnyStore) -> TestResult {
    let fx = setup(&store).await?;
    let ana = staff(&store, &fx).await?;
    let young = store.create_article(fx.publication, &draft(&fx, "young"), ana.id, now()).await?.id;
    store.trash_article(fx.old_news, ana.id, now()).await?;
    store.trash_article(young, ana.id, now() + Duration::days(10)).await?;
    let day = |n: i64| now() + Duration::days(n);
    assert_eq!(store.purge_trash(day(29), PURGE_EVERY).await?, Some(vec![]), "nothing is 30 days old yet");
    let soon = day(29) + Duration::minutes(30);
    assert_eq!(store.purge_trash(soon, PURGE_EVERY).await?, None, "within the hour another run is not due");
    assert_eq!(store.purge_trash(day(30) + Duration::hours(1), PURGE_EVERY).await?, Some(vec![fx.old_news]));
    assert_eq!(store.editable_article(fx.old_news).await?, None);
    assert!(store.revisions(fx.old_news).await?.is_empty());
    assert_eq!(
        store.trashed_articles(fx.publication).await?.into_iter().map(|t| t.id).collect::<Vec<_>>(),
        vec![young]
    );
    assert_eq!(store.purge_trash(day(40) + Duration::hours(2), PURGE_EVERY).await?, Some(vec![young]));
    Ok(())
}

/// Two nodes' ticks at the same moment: one purges, the other does nothing.
async fn the_purge_is_claimed_once(store: AnyStore) -> TestResult {
    let fx = setup(&store).await?;
    let ana = staff(&store, &fx).await?;
    store.trash_article(fx.old_news, ana.id, now()).await?;
    let at = now() + Duration::days(31);
    let (a, b) = tokio::join!(store.purge_trash(at, PURGE_EVERY), store.purge_trash(at, PURGE_EVERY));
    let (a, b) = (a?, b?);
    let winners: Vec<_> = [&a, &b].into_iter().flatten().collect();
    assert_eq!(winners, vec![&vec![fx.old_news]], "exactly one claims: {a:?} {b:?}");
    Ok(())
}

async fn review_notes_have_reply_threads(store: AnyStore) -> TestResult {
    let fx = setup(&store).await?;
    let ed = store.create_user(&NewUser { role: Role::Editor, ..contributor("ed@example.org", None) }, now()).await?;
    let ana = staff(&store, &fx).await?;
    let article = store.create_article(fx.publication, &draft(&fx, "noted"), ana.id, now()).await?.id;
    let other = store.create_article(fx.publication, &draft(&fx, "other"), ana.id, now()).await?.id;
    let root = store.add_note(article, ed.id, "Source for the figure?", now()).await?;
    assert_eq!(root.reply_to, None);
    let waiting = store.notes_waiting(fx.publication, fx.ana).await?;
    assert_eq!(waiting.len(), 1);
    assert_eq!((waiting[0].article_id, waiting[0].open, waiting[0].headline.as_str()), (article, 1, "Headline noted"));
    assert!(store.notes_waiting(fx.publication, fx.ben).await?.is_empty(), "only the byline's");

    let reply = store.reply_to_note(article, root.id, ana.id, "  The 2024 census.  ", mins(1)).await?;
    assert_eq!(
        (reply.reply_to, reply.body.as_str(), reply.user_name.as_str()),
        (Some(root.id), "The 2024 census.", "Ana A.")
    );
    let again = store.reply_to_note(article, reply.id, ed.id, "Link it, please.", mins(2)).await?;
    assert_eq!(again.reply_to, Some(root.id), "a reply to a reply joins the thread");
    assert_eq!(store.open_note_count(article).await?, 1, "replies are not notes of their own");
    assert_eq!(store.notes(article).await?.len(), 3);
    assert!(matches!(store.reply_to_note(other, root.id, ana.id, "x", now()).await, Err(StoreError::NotFound)));
    assert!(matches!(store.reply_to_note(article, root.id, ana.id, "   ", now()).await, Err(StoreError::Invalid(_))));

    store.resolve_note(root.id, ed.id, mins(3)).await?;
    assert!(store.notes(article).await?.iter().all(|n| !n.is_open()), "the thread is resolved as one");
    assert_eq!(store.open_note_count(article).await?, 0);
    assert!(store.notes_waiting(fx.publication, fx.ana).await?.is_empty());
    let err = store.reply_to_note(article, root.id, ana.id, "One more", mins(4)).await.expect_err("resolved");
    assert!(matches!(err, StoreError::Invalid(ref m) if m.contains("resolved")), "{err}");
    assert_eq!(store.notes(article).await?.len(), 3, "nothing written");

    // A trashed article's notes leave the dashboard.
    store.add_note(article, ed.id, "New point", mins(5)).await?;
    assert_eq!(store.notes_waiting(fx.publication, fx.ana).await?.len(), 1);
    store.trash_article(article, ed.id, mins(6)).await?;
    assert!(store.notes_waiting(fx.publication, fx.ana).await?.is_empty());
    Ok(())
}
