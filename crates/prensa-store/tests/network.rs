//! Sister publications on both backends: translation links written by an
//! import (in one run or several), the reads behind "Also in", author bios
//! per language and "From our sister sites", the change feed's group keys,
//! and the network's rows in a snapshot.

#[macro_use]
mod common;

use common::*;
use prensa_core::{
    AdminQuery, ImportSet, NetworkImport, NewArticle, NewAuthor, NewPublication, NewSection, NewTranslation,
    PublicationSettings, SocialLinks, Status, Transition,
};
use prensa_store::{AnyStore, Newsroom, Store, StoreError};

on_every_backend!(
    links_show_only_visible_translations,
    runs_in_any_order_and_reimport_is_idempotent,
    removing_the_key_unlinks,
    links_the_database_cannot_resolve_write_nothing,
    one_language_twice_in_a_group_is_refused_against_the_database,
    an_author_has_a_bio_per_language,
    sister_articles_are_the_other_publications_latest,
    publishing_a_translation_names_its_group_in_the_change_feed,
    the_network_survives_a_snapshot,
);

fn publication(slug: &str, language: &str) -> NewPublication {
    NewPublication {
        slug: slug.into(),
        name: format!("The {slug}"),
        tagline: "Tag".into(),
        language: language.into(),
        base_url: format!("https://{slug}.example"),
        timezone: "UTC".into(),
        social: SocialLinks::default(),
        settings: PublicationSettings { from_sister_sites: 2, ..PublicationSettings::default() },
        api_cors_origins: Vec::new(),
    }
}

fn article(slug: &str, status: Status, at: &str) -> NewArticle {
    NewArticle {
        slug: slug.into(),
        headline: format!("Headline {slug}"),
        standfirst: String::new(),
        body: "Body".into(),
        toc: false,
        authors: vec!["ana".into()],
        section: "labor".into(),
        tags: vec![],
        image: None,
        status,
        published_at: date(at),
        updated_at: None,
        translation_group: None,
    }
}

/// A publication whose author `ana` has a bio in its language, one section
/// and `articles`.
fn set(slug: &str, language: &str, articles: Vec<NewArticle>) -> ImportSet {
    ImportSet {
        publication: publication(slug, language),
        media: vec![],
        authors: vec![NewAuthor {
            slug: "ana".into(),
            name: "Ana".into(),
            bio: format!("Ana in {language}"),
            avatar: None,
            social: SocialLinks::default(),
        }],
        sections: vec![NewSection { slug: "labor".into(), name: "Labor".into(), description: String::new() }],
        articles,
    }
}

/// en: `chile` (published); de: `chile-de` (published), `news-de`; es:
/// `chile-es` (a draft) and `later-es` (scheduled, far ahead).
fn sets() -> Vec<ImportSet> {
    vec![
        set("meridian", "en", vec![article("chile", Status::Published, "2026-01-01T10:00:00+00:00")]),
        set(
            "meridian-de",
            "de",
            vec![
                article("chile-de", Status::Published, "2026-01-02T10:00:00+00:00"),
                article("news-de", Status::Published, "2026-01-05T10:00:00+00:00"),
            ],
        ),
        set(
            "meridiano",
            "es",
            vec![
                article("chile-es", Status::Draft, "2026-01-03T10:00:00+00:00"),
                article("later-es", Status::Published, "2099-01-01T10:00:00+00:00"),
            ],
        ),
    ]
}

fn link(publication: &str, article: &str, original: &str) -> NewTranslation {
    let (language, slug) = original.split_once(':').expect("LANG:SLUG");
    NewTranslation {
        publication: publication.into(),
        article: article.into(),
        original_language: language.into(),
        original_slug: slug.into(),
        source: format!("{publication}/articles/{article}.md:8"),
    }
}

fn links() -> Vec<NewTranslation> {
    vec![link("meridian-de", "chile-de", "en:chile"), link("meridiano", "chile-es", "en:chile")]
}

async fn ids(
    store: &AnyStore,
) -> Result<std::collections::HashMap<String, prensa_core::Id>, Box<dyn std::error::Error>> {
    let mut out = std::collections::HashMap::new();
    for p in store.publications().await? {
        out.insert(p.slug.clone(), p.id);
        let all = AdminQuery { limit: 100, ..Default::default() };
        for a in store.admin_articles(p.id, &all, now()).await?.items {
            out.insert(format!("{}/{}", p.slug, a.slug), a.id);
        }
    }
    Ok(out)
}

/// (language, slug, original) of the article's visible translations.
async fn also_in(
    store: &AnyStore,
    publication: prensa_core::Id,
    slug: &str,
) -> Result<Vec<(String, String, bool)>, StoreError> {
    let a = store.published_article(publication, slug, now()).await?.expect("published");
    Ok(a.translations.into_iter().map(|t| (t.language, t.slug, t.original)).collect())
}

fn triple(lang: &str, slug: &str, original: bool) -> (String, String, bool) {
    (lang.into(), slug.into(), original)
}

async fn links_show_only_visible_translations(store: AnyStore) -> TestResult {
    store.apply_network(&NetworkImport { sets: sets(), translations: links() }, false).await?;
    let id = ids(&store).await?;
    // The Spanish translation is a draft: nobody links to it yet.
    assert_eq!(also_in(&store, id["meridian"], "chile").await?, [triple("de", "chile-de", false)]);
    assert_eq!(also_in(&store, id["meridian-de"], "chile-de").await?, [triple("en", "chile", true)]);
    assert!(also_in(&store, id["meridian-de"], "news-de").await?.is_empty());

    let mut published = sets();
    published[2].articles[0].status = Status::Published;
    store.apply_network(&NetworkImport { sets: published, translations: links() }, false).await?;
    assert_eq!(
        also_in(&store, id["meridian"], "chile").await?,
        [triple("de", "chile-de", false), triple("es", "chile-es", false)]
    );
    assert_eq!(
        also_in(&store, id["meridiano"], "chile-es").await?,
        [triple("de", "chile-de", false), triple("en", "chile", true)]
    );

    // A scheduled translation stays out until its time.
    let mut scheduled = sets();
    scheduled[2].articles[0].status = Status::Published;
    scheduled[2].articles[0].published_at = date("2099-01-01T00:00:00+00:00");
    store.apply_network(&NetworkImport { sets: scheduled, translations: links() }, false).await?;
    assert_eq!(also_in(&store, id["meridian"], "chile").await?, [triple("de", "chile-de", false)]);
    Ok(())
}

async fn runs_in_any_order_and_reimport_is_idempotent(store: AnyStore) -> TestResult {
    let all = sets();
    // English today, its sisters in a later run, each linking to it.
    store.apply_network(&NetworkImport { sets: vec![all[0].clone()], translations: vec![] }, false).await?;
    store
        .apply_network(
            &NetworkImport {
                sets: vec![all[1].clone()],
                translations: vec![link("meridian-de", "chile-de", "en:chile")],
            },
            false,
        )
        .await?;
    // The Spanish one names the German translation: stored as a link to the original.
    store
        .apply_network(
            &NetworkImport {
                sets: vec![all[2].clone()],
                translations: vec![link("meridiano", "chile-es", "de:chile-de")],
            },
            false,
        )
        .await?;
    let id = ids(&store).await?;
    let rows = |s: prensa_core::Snapshot| {
        s.translations.into_iter().map(|t| (t.article_id, t.original_id, t.language)).collect::<Vec<_>>()
    };
    let expected = vec![
        (id["meridian-de/chile-de"], id["meridian/chile"], "de".to_owned()),
        (id["meridiano/chile-es"], id["meridian/chile"], "es".to_owned()),
    ];
    let mut first = rows(store.export_all().await?);
    first.sort();
    assert_eq!(first, expected);

    store.apply_network(&NetworkImport { sets: sets(), translations: links() }, false).await?;
    store.apply_network(&NetworkImport { sets: sets(), translations: links() }, false).await?;
    let mut again = rows(store.export_all().await?);
    again.sort();
    assert_eq!(again, expected, "re-importing changes no link");
    Ok(())
}

async fn removing_the_key_unlinks(store: AnyStore) -> TestResult {
    store.apply_network(&NetworkImport { sets: sets(), translations: links() }, false).await?;
    let id = ids(&store).await?;
    assert!(!also_in(&store, id["meridian"], "chile").await?.is_empty());
    // The German directory again, its article no longer saying it translates.
    store.apply_network(&NetworkImport { sets: vec![sets()[1].clone()], translations: vec![] }, false).await?;
    assert!(also_in(&store, id["meridian"], "chile").await?.is_empty());
    assert!(also_in(&store, id["meridian-de"], "chile-de").await?.is_empty());
    assert_eq!(store.export_all().await?.translations.len(), 1, "the Spanish link stays");
    Ok(())
}

async fn links_the_database_cannot_resolve_write_nothing(store: AnyStore) -> TestResult {
    store.apply_network(&NetworkImport { sets: vec![sets()[0].clone()], translations: vec![] }, false).await?;
    let before = store.export_all().await?;
    let de = || vec![sets()[1].clone()];
    for (bad, message) in [
        (
            link("meridian-de", "chile-de", "fr:chili"),
            "meridian-de/articles/chile-de.md:8: `translation_of` names `fr:chili`, but no publication is in `fr`",
        ),
        (
            link("meridian-de", "chile-de", "en:nope"),
            "meridian-de/articles/chile-de.md:8: `translation_of` names `en:nope`, but there is no such article",
        ),
    ] {
        match store.apply_network(&NetworkImport { sets: de(), translations: vec![bad] }, false).await {
            Err(StoreError::Invalid(why)) => assert!(why.starts_with(message), "{why}"),
            other => panic!("expected a refusal, got {other:?}"),
        }
        let after = store.export_all().await?;
        assert_eq!(after.publications.len(), before.publications.len(), "nothing written");
        assert_eq!(after.articles.len(), before.articles.len(), "nothing written");
    }
    Ok(())
}

async fn one_language_twice_in_a_group_is_refused_against_the_database(store: AnyStore) -> TestResult {
    let mut es = sets()[2].clone();
    es.articles[1].status = Status::Published;
    store
        .apply_network(
            &NetworkImport {
                sets: sets()[..2].to_vec(),
                translations: vec![link("meridian-de", "chile-de", "en:chile")],
            },
            false,
        )
        .await?;
    // Two Spanish articles in the English article's group, one through the
    // German translation: only the database knows they meet.
    let both = vec![link("meridiano", "chile-es", "de:chile-de"), link("meridiano", "later-es", "en:chile")];
    match store.apply_network(&NetworkImport { sets: vec![es], translations: both }, false).await {
        Err(StoreError::Invalid(why)) => {
            assert!(why.starts_with("meridiano/articles/later-es.md:8: the translation group of `en:chile` already has an article in `es` (`chile-es`)"), "{why}")
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert!(store.publications().await?.iter().all(|p| p.slug != "meridiano"), "nothing written");
    Ok(())
}

async fn an_author_has_a_bio_per_language(store: AnyStore) -> TestResult {
    let mut all = sets();
    all[0].media.push(prensa_core::MediaAsset {
        key: "ana.jpg".into(),
        content_type: "image/jpeg".into(),
        width: 10,
        height: 10,
        bytes: 1,
    });
    all[0].authors[0].avatar = Some("ana.jpg".into());
    store.apply_network(&NetworkImport { sets: all, translations: links() }, false).await?;
    let id = ids(&store).await?;
    let bio = |p: &'static str| {
        let store = store.clone();
        let pid = id[p];
        async move { store.author_by_slug(pid, "ana").await.map(|a| a.expect("author").bio) }
    };
    assert_eq!(bio("meridian").await?, "Ana in en");
    assert_eq!(bio("meridian-de").await?, "Ana in de");
    assert_eq!(bio("meridiano").await?, "Ana in es");
    // The article's author box too.
    let a = store.published_article(id["meridian-de"], "chile-de", now()).await?.expect("article");
    assert_eq!(a.authors[0].bio, "Ana in de");
    let a = store.published_article(id["meridian"], "chile", now()).await?.expect("article");
    assert_eq!(a.authors[0].bio, "Ana in en");
    // One person: the sister files gave no avatar, which stays.
    let de = store.author_by_slug(id["meridian-de"], "ana").await?.expect("author");
    assert_eq!(de.avatar.map(|i| i.key).as_deref(), Some("ana.jpg"));
    let snapshot = store.export_all().await?;
    assert_eq!(snapshot.authors.len(), 1);
    assert_eq!(snapshot.authors[0].bio, "Ana in en", "the first language's bio is the fallback");
    let mut bios: Vec<(String, String)> = snapshot.author_bios.into_iter().map(|b| (b.language, b.bio)).collect();
    bios.sort();
    assert_eq!(bios, [("de".to_owned(), "Ana in de".to_owned()), ("es".to_owned(), "Ana in es".to_owned())]);
    let mut writes_for = store.author_publications(de.id).await?;
    writes_for.sort();
    let mut expected = vec![id["meridian"], id["meridian-de"], id["meridiano"]];
    expected.sort();
    assert_eq!(writes_for, expected);
    Ok(())
}

async fn sister_articles_are_the_other_publications_latest(store: AnyStore) -> TestResult {
    store.apply_network(&NetworkImport { sets: sets(), translations: links() }, false).await?;
    let id = ids(&store).await?;
    let list = store.sister_articles(id["meridian"], 10, now()).await?;
    let got: Vec<(prensa_core::Id, String)> = list.into_iter().map(|s| (s.publication, s.summary.slug)).collect();
    // Newest first; the draft and the scheduled article never.
    assert_eq!(got, [(id["meridian-de"], "news-de".to_owned()), (id["meridian-de"], "chile-de".to_owned())]);
    assert_eq!(store.sister_articles(id["meridian"], 1, now()).await?.len(), 1);
    assert!(store.sister_articles(id["meridian"], 0, now()).await?.is_empty());
    let from_de: Vec<String> =
        store.sister_articles(id["meridian-de"], 10, now()).await?.into_iter().map(|s| s.summary.slug).collect();
    assert_eq!(from_de, ["chile"]);
    let settings = store.publications().await?.into_iter().map(|p| p.settings.from_sister_sites).collect::<Vec<_>>();
    assert_eq!(settings, [2, 2, 2], "the setting is stored");
    Ok(())
}

async fn publishing_a_translation_names_its_group_in_the_change_feed(store: AnyStore) -> TestResult {
    store.apply_network(&NetworkImport { sets: sets(), translations: links() }, false).await?;
    let id = ids(&store).await?;
    let user = store
        .create_user(
            &prensa_core::NewUser {
                email: "e@example.org".into(),
                name: "E".into(),
                role: prensa_core::permissions::Role::Editor,
                author_id: None,
                publication: None,
            },
            now(),
        )
        .await?;
    let es = store.editable_article(id["meridiano/chile-es"]).await?.expect("article");
    let v = store.content_version().await?;
    let publish = Transition::Publish { at: mins(-1).fixed_offset() };
    saved(store.transition(es.id, es.version, publish, user.id, now()).await?);
    let feed = store.changes_since(v).await?;
    let keys = &feed.last().expect("a change").keys;
    for member in [id["meridian/chile"], id["meridian-de/chile-de"]] {
        assert!(keys.contains(&format!("translations:{member}")), "{keys:?}");
    }
    assert!(!keys.contains(&format!("translations:{}", es.id)), "{keys:?}");
    // A draft nobody sees touches no other page.
    let v = store.content_version().await?;
    let draft = store.editable_article(id["meridiano/later-es"]).await?.expect("article");
    saved(store.save_article(draft.id, draft.version, &draft.draft, user.id, now()).await?);
    let feed = store.changes_since(v).await?;
    assert!(feed.iter().all(|c| c.keys.iter().all(|k| !k.starts_with("translations:"))), "{feed:?}");
    Ok(())
}

async fn the_network_survives_a_snapshot(store: AnyStore) -> TestResult {
    store.apply_network(&NetworkImport { sets: sets(), translations: links() }, false).await?;
    let snapshot = store.export_all().await?;
    assert_eq!(snapshot.translations.len(), 2);
    assert_eq!(snapshot.author_bios.len(), 2);
    let copy = sqlite().await?;
    copy.import_snapshot(&snapshot, false).await?;
    assert_eq!(copy.export_all().await?, snapshot);
    let id = ids(&copy).await?;
    assert_eq!(also_in(&copy, id["meridian-de"], "chile-de").await?, [triple("en", "chile", true)]);
    Ok(())
}
