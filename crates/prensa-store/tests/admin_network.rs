//! The network's half of the admin store (issue 10), on every backend:
//! staff roles per publication, "Translate into…", the translation queue
//! and "the original changed". Each test runs on SQLite (in memory) and on
//! PostgreSQL in a schema of its own, as in `newsroom.rs`.

use prensa_core::permissions::{role_on, Role};
use prensa_core::{
    DraftImage, EditableArticle, Id, ImportSet, NewArticle, NewAuthor, NewPublication, NewSection, NewUser,
    PublicationSettings, SocialLinks, Status, Transition,
};
use prensa_store::{AnyStore, Editorial, Newsroom, Store, StoreError};

#[macro_use]
mod common;
use common::*;

on_every_backend!(
    roles_are_given_per_publication,
    translate_into_copies_and_maps,
    translate_into_refuses_a_language_the_group_has,
    the_queue_lists_what_is_not_yet_translated,
    a_translation_knows_when_its_original_changed,
    roles_per_publication_survive_a_copy,
);

/// `migrate-store`'s copy keeps who works where: an account of one
/// publication must not come out network-wide (the column's default).
async fn roles_per_publication_survive_a_copy(store: AnyStore) -> TestResult {
    let (fx, de, fr) = network(&store).await?;
    staff(&store, &fx).await?;
    let new = NewUser {
        email: "dora@example.org".into(),
        name: "Dora".into(),
        role: Role::Editor,
        author_id: None,
        publication: Some(de),
    };
    let dora = store.create_user(&new, now()).await?;
    store.set_publication_role(dora.id, fr, Some(Role::Contributor)).await?;
    let snap = store.export_all().await?;
    assert_eq!(snap.publication_roles.len(), 2);
    assert!(snap.users.iter().any(|u| u.id == dora.id && !u.network_wide));
    let copy = AnyStore::open("sqlite::memory:").await?;
    copy.import_snapshot(&snap, false).await?;
    assert_eq!(copy.export_all().await?, snap);
    let copied = copy.user(dora.id).await?.ok_or("copied")?;
    assert!(!copied.network_wide);
    assert_eq!(copy.publication_role(dora.id, de).await?, Some(Role::Editor));
    assert_eq!(copy.publication_role(dora.id, fr).await?, Some(Role::Contributor));
    assert_eq!(copy.publication_role(dora.id, fx.publication).await?, None);
    Ok(())
}

/// A sister publication in `language`: sections `politik` (first) and
/// `culture`, author `dora`, and one published article `shared-slug`
/// tagged `Labor`.
fn sister(slug: &str, language: &str, host: &str) -> ImportSet {
    ImportSet {
        publication: NewPublication {
            slug: slug.into(),
            name: format!("Sister {slug}"),
            tagline: "Tag".into(),
            language: language.into(),
            base_url: format!("http://{host}"),
            timezone: "UTC".into(),
            social: SocialLinks::default(),
            settings: PublicationSettings::default(),
            api_cors_origins: Vec::new(),
        },
        media: vec![],
        authors: vec![NewAuthor {
            slug: format!("dora-{slug}"),
            name: "Dora".into(),
            bio: "Bio".into(),
            avatar: None,
            social: SocialLinks::default(),
        }],
        sections: vec![
            NewSection { slug: "politik".into(), name: "Politik".into(), description: "P".into() },
            NewSection { slug: "culture".into(), name: "Kultur".into(), description: "K".into() },
        ],
        articles: vec![NewArticle {
            slug: "shared-slug".into(),
            headline: format!("{slug} own"),
            standfirst: String::new(),
            body: "Body".into(),
            toc: false,
            authors: vec![format!("dora-{slug}")],
            section: "politik".into(),
            tags: vec!["Labor".into()],
            image: None,
            status: Status::Published,
            published_at: date("2026-01-03T10:00:00+00:00"),
            updated_at: None,
            translation_group: None,
        }],
    }
}

/// The fixture's publication (English) plus a German and a French sister.
async fn network(store: &AnyStore) -> Result<(Seeded, Id, Id), Box<dyn std::error::Error>> {
    let fx = setup(store).await?;
    store.apply_import(&sister("zeitung", "de", "de.example"), false).await?;
    store.apply_import(&sister("journal", "fr", "fr.example"), false).await?;
    let pubs = store.publications().await?;
    let id = |slug: &str| pubs.iter().find(|p| p.slug == slug).map(|p| p.id).expect("imported");
    Ok((fx, id("zeitung"), id("journal")))
}

async fn publish(
    store: &AnyStore,
    a: &EditableArticle,
    user: Id,
    at: i64,
) -> Result<EditableArticle, Box<dyn std::error::Error>> {
    let t = Transition::Publish { at: mins(at).fixed_offset() };
    Ok(saved(store.transition(a.id, a.version, t, user, mins(at)).await?))
}

async fn roles_are_given_per_publication(store: AnyStore) -> TestResult {
    let (fx, de, fr) = network(&store).await?;
    let everywhere = staff(&store, &fx).await?;
    assert!(everywhere.network_wide, "accounts are network-wide by default");
    let new = NewUser {
        email: "dora@example.org".into(),
        name: "Dora".into(),
        role: Role::Editor,
        author_id: None,
        publication: Some(de),
    };
    let dora = store.create_user(&new, now()).await?;
    assert!(!dora.network_wide);
    assert_eq!(store.publication_role(dora.id, de).await?, Some(Role::Editor));
    assert_eq!(store.publication_role(dora.id, fr).await?, None);
    // The rule: her row decides where she is not network-wide.
    for (p, role) in [(de, Some(Role::Editor)), (fr, None), (fx.publication, None)] {
        assert_eq!(role_on(dora.role, dora.network_wide, store.publication_role(dora.id, p).await?), role, "on {p}");
    }
    // The session carries the flag the rule needs.
    store.create_session("d1", dora.id, now(), mins(60)).await?;
    let session = store.session_user("d1", now(), IDLE).await?.ok_or("session")?;
    assert!(!session.network_wide);

    store.set_publication_role(dora.id, fr, Some(Role::Author)).await?;
    store.set_publication_role(dora.id, de, Some(Role::Administrator)).await?;
    assert_eq!(store.publication_role(dora.id, fr).await?, Some(Role::Author));
    assert_eq!(store.publication_role(dora.id, de).await?, Some(Role::Administrator));
    let rows = store.publication_roles().await?;
    assert_eq!(rows, vec![(dora.id, de, Role::Administrator), (dora.id, fr, Role::Author)]);
    store.set_publication_role(dora.id, fr, None).await?;
    assert_eq!(store.publication_role(dora.id, fr).await?, None);

    // Refused, nothing written.
    let bad = store.set_publication_role(everywhere.id, de, Some(Role::Author)).await;
    assert!(matches!(bad, Err(StoreError::Invalid(m)) if m.contains("network-wide")));
    assert_eq!(store.publication_role(everywhere.id, de).await?, None);
    assert!(matches!(store.set_publication_role(dora.id, 9999, Some(Role::Author)).await, Err(StoreError::Invalid(_))));
    assert!(matches!(store.set_publication_role(9999, de, Some(Role::Author)).await, Err(StoreError::NotFound)));
    let nowhere = NewUser { email: "x@example.org".into(), publication: Some(9999), ..new };
    assert!(matches!(store.create_user(&nowhere, now()).await, Err(StoreError::Invalid(_))));
    assert!(store.user_for_login("x@example.org").await?.is_none(), "no account without its role");
    Ok(())
}

async fn translate_into_copies_and_maps(store: AnyStore) -> TestResult {
    let (fx, de, _) = network(&store).await?;
    let ana = staff(&store, &fx).await?;
    let mut d = draft(&fx, "shared-slug");
    d.section_id = fx.culture;
    d.tags = vec!["Labor".into(), "Only Here".into()];
    d.body = "The **body**.".into();
    d.image = Some(DraftImage { key: "abc.jpg".into(), alt: "A harbour".into(), caption: Some("Photo: Ana".into()) });
    let original = store.create_article(fx.publication, &d, ana.id, mins(1)).await?;
    let before = store.content_version().await?;

    let t = store.translate_into(original.id, de, ana.id, mins(2)).await?;
    assert_eq!(t.publication_id, de);
    assert_eq!(t.version, 1);
    assert_eq!(t.status, Status::Draft);
    assert_eq!(t.draft.headline, d.headline);
    assert_eq!(t.draft.standfirst, d.standfirst);
    assert_eq!(t.draft.body, d.body);
    assert_eq!(t.draft.toc, d.toc);
    assert_eq!(t.draft.image, d.image, "hero image, alt and caption copied");
    assert_eq!(t.draft.author_ids, vec![fx.ana]);
    assert!(store.authors(de).await?.iter().any(|a| a.id == fx.ana), "the author now writes there too");
    let culture_de = store.section_by_slug(de, "culture").await?.ok_or("section")?.id;
    assert_eq!(t.draft.section_id, culture_de, "section mapped by slug");
    assert_eq!(t.draft.tags, vec!["Labor".to_owned()], "tags the target has; the others dropped");
    assert!(store.tag_by_slug(de, "only-here").await?.is_none(), "no tag made in the target");
    assert_eq!(t.draft.slug, "shared-slug-de", "the original's slug is taken there");
    assert_eq!(store.revisions(t.id).await?.len(), 1);
    let state = store.translation_state(t.id).await?.ok_or("a translation")?;
    assert_eq!(
        (state.original_id, state.language.as_str(), state.original_version),
        (original.id, "de", original.version)
    );
    assert!(!state.original_changed());
    let group = store.translation_group(original.id).await?;
    assert_eq!(
        group.iter().map(|m| (m.article_id, m.original)).collect::<Vec<_>>(),
        vec![(original.id, true), (t.id, false)]
    );
    assert_eq!(store.translation_group(t.id).await?, group, "the same group from either side");
    assert!(store.content_version().await? > before, "the change feed is told");

    // A section the target lacks: its first section; a free slug is kept.
    let mut labor = draft(&fx, "only-in-english");
    labor.section_id = fx.labor;
    let second = store.create_article(fx.publication, &labor, ana.id, mins(3)).await?;
    let t2 = store.translate_into(second.id, de, ana.id, mins(4)).await?;
    assert_eq!(t2.draft.section_id, store.section_by_slug(de, "politik").await?.ok_or("section")?.id);
    assert_eq!(t2.draft.slug, "only-in-english");
    assert!(store.translation_group(fx.old_news).await?.is_empty(), "an article alone is in no group");
    Ok(())
}

async fn translate_into_refuses_a_language_the_group_has(store: AnyStore) -> TestResult {
    let (fx, de, fr) = network(&store).await?;
    let ana = staff(&store, &fx).await?;
    let original = store.create_article(fx.publication, &draft(&fx, "story"), ana.id, mins(1)).await?;
    let t = store.translate_into(original.id, de, ana.id, mins(2)).await?;
    let count = |p: Id| {
        let store = store.clone();
        async move {
            Ok::<_, StoreError>(
                store
                    .admin_articles(p, &prensa_core::AdminQuery { limit: 50, ..Default::default() }, now())
                    .await?
                    .total,
            )
        }
    };
    let (de_before, en_before, version) =
        (count(de).await?, count(fx.publication).await?, store.content_version().await?);
    for (from, into) in [(original.id, de), (t.id, de), (t.id, fx.publication), (original.id, fx.publication)] {
        let refused = store.translate_into(from, into, ana.id, mins(3)).await;
        assert!(
            matches!(&refused, Err(StoreError::Invalid(m)) if m.contains("already has a version")),
            "{from} → {into}: {refused:?}"
        );
    }
    assert_eq!((count(de).await?, count(fx.publication).await?), (de_before, en_before), "nothing written");
    assert_eq!(store.content_version().await?, version, "not even to the change feed");
    assert!(matches!(store.translate_into(9999, de, ana.id, mins(3)).await, Err(StoreError::NotFound)));
    assert!(matches!(store.translate_into(original.id, 9999, ana.id, mins(3)).await, Err(StoreError::NotFound)));

    // From a translation, the new one joins the original's group.
    let t_fr = store.translate_into(t.id, fr, ana.id, mins(4)).await?;
    let state = store.translation_state(t_fr.id).await?.ok_or("a translation")?;
    assert_eq!(state.original_id, original.id, "the row names the group's original");
    assert_eq!(store.translation_group(original.id).await?.len(), 3);
    Ok(())
}

async fn the_queue_lists_what_is_not_yet_translated(store: AnyStore) -> TestResult {
    let (fx, de, fr) = network(&store).await?;
    let ana = staff(&store, &fx).await?;
    let old = publish(
        &store,
        &store.create_article(fx.publication, &draft(&fx, "older"), ana.id, mins(-30)).await?,
        ana.id,
        -20,
    )
    .await?;
    let new = publish(
        &store,
        &store.create_article(fx.publication, &draft(&fx, "newer"), ana.id, mins(-30)).await?,
        ana.id,
        -10,
    )
    .await?;
    store.create_article(fx.publication, &draft(&fx, "a-draft"), ana.id, mins(-5)).await?;
    let later = store.create_article(fx.publication, &draft(&fx, "later"), ana.id, mins(-5)).await?;
    publish(&store, &later, ana.id, 60).await?;
    let slugs = |page: &prensa_core::Page<prensa_core::UntranslatedRow>| {
        page.items.iter().map(|r| r.slug.clone()).collect::<Vec<_>>()
    };

    // For the German site: the English and French published articles,
    // newest first; not its own, not drafts, not the scheduled one.
    let queue = store.untranslated(de, "de", None, 10, 0, now()).await?;
    assert_eq!(slugs(&queue), ["newer", "older", "shared-slug", "old-news"], "{queue:?}");
    assert_eq!(queue.total, 4);
    assert_eq!(queue.items[2].publication_id, fr);
    assert_eq!(queue.items[0].language, "en");
    let french = store.untranslated(de, "de", Some("fr"), 10, 0, now()).await?;
    assert_eq!(slugs(&french), ["shared-slug"]);
    let paged = store.untranslated(de, "de", None, 2, 2, now()).await?;
    assert_eq!((slugs(&paged), paged.total), (vec!["shared-slug".to_owned(), "old-news".to_owned()], 4));
    let past_end = store.untranslated(de, "de", None, 2, 10, now()).await?;
    assert_eq!((past_end.items.len(), past_end.total), (0, 4));

    // Translated into German: gone from the German queue, still in the
    // French one — where the German translation, once published, is not
    // listed (its original stands for it).
    let t = store.translate_into(old.id, de, ana.id, mins(-1)).await?;
    assert_eq!(slugs(&store.untranslated(de, "de", None, 10, 0, now()).await?), ["newer", "shared-slug", "old-news"]);
    publish(&store, &t, ana.id, -1).await?;
    let for_french = store.untranslated(fr, "fr", None, 10, 0, now()).await?;
    assert_eq!(slugs(&for_french), ["newer", "older", "shared-slug", "old-news"], "{for_french:?}");
    assert!(for_french.items.iter().all(|r| r.id != t.id));
    assert_eq!(for_french.items[1].id, old.id);
    let _ = new;
    Ok(())
}

async fn a_translation_knows_when_its_original_changed(store: AnyStore) -> TestResult {
    let (fx, de, _) = network(&store).await?;
    let ana = staff(&store, &fx).await?;
    let original = store.create_article(fx.publication, &draft(&fx, "story"), ana.id, mins(1)).await?;
    let t = store.translate_into(original.id, de, ana.id, mins(2)).await?;
    assert!(!store.translation_state(t.id).await?.ok_or("state")?.original_changed());
    // Saving the translation changes nothing about the original.
    saved(store.save_article(t.id, t.version, &t.draft, ana.id, mins(3)).await?);
    assert!(!store.translation_state(t.id).await?.ok_or("state")?.original_changed());

    let mut changed = original.draft.clone();
    changed.body = "A new paragraph.".into();
    let updated = saved(store.save_article(original.id, original.version, &changed, ana.id, mins(4)).await?);
    let state = store.translation_state(t.id).await?.ok_or("state")?;
    assert!(state.original_changed());
    assert_eq!((state.original_version, state.original_current_version), (original.version, updated.version));
    // The revision to diff from is there.
    let revisions = store.revisions(original.id).await?;
    assert!(revisions.iter().any(|r| r.version == state.original_version && r.draft.body == "Body"));

    let marked = store.mark_translation_current(t.id).await?.ok_or("a translation")?;
    assert_eq!(marked.original_version, updated.version);
    assert!(!store.translation_state(t.id).await?.ok_or("state")?.original_changed());
    assert_eq!(store.mark_translation_current(original.id).await?, None, "the original is no translation");
    assert_eq!(store.translation_state(original.id).await?, None);
    Ok(())
}
