//! The media library's rows (issue 14) on every backend: names kept,
//! metadata edited, search with `%` and `_`, what uses an image, and
//! deletion refused while a published article uses it (writing nothing).

use prensa_core::{DraftImage, MediaAsset, MediaMeta, MediaUseKind, NewAuthor, SaveOutcome, SocialLinks, Transition};
use prensa_store::{AnyStore, Desk, MediaLibrary, Newsroom, Store, StoreError};

#[macro_use]
mod common;
use common::*;

on_every_backend!(
    uploads_keep_their_names_and_metadata,
    search_takes_wildcards_literally,
    usage_is_found_by_hero_portrait_and_body,
    delete_is_refused_while_published,
    metadata_survives_a_copy,
);

fn png(key: &str) -> MediaAsset {
    MediaAsset { key: key.into(), content_type: "image/png".into(), width: 800, height: 600, bytes: 4000 }
}

fn named(name: &str) -> MediaMeta {
    MediaMeta { name: name.into(), ..MediaMeta::default() }
}

async fn uploads_keep_their_names_and_metadata(store: AnyStore) -> TestResult {
    setup(&store).await?;
    let info = store.add_upload(&png("0a1b.png"), &named("Harbour at dawn.png"), mins(1)).await?;
    assert_eq!(
        (info.asset.key.as_str(), info.meta.name.as_str(), info.created_at),
        ("0a1b.png", "Harbour at dawn.png", mins(1).timestamp())
    );
    assert_eq!(info.label(), "Harbour at dawn.png");
    // The imported image has no name: its key is shown.
    let old = store.media_info("abc.jpg").await?.ok_or("imported")?;
    assert_eq!((old.meta.name.as_str(), old.label()), ("", "abc.jpg"));

    let meta = MediaMeta {
        name: "harbour.png".into(),
        alt: " Boats at a quay ".into(),
        caption: "Dawn <b>".into(),
        credit: "Ana Ruiz".into(),
    };
    store.update_media("0a1b.png", &meta).await?;
    let got = store.media_info("0a1b.png").await?.ok_or("row")?;
    assert_eq!(got.meta, MediaMeta { alt: "Boats at a quay".into(), ..meta.clone() }, "trimmed, stored as text");
    // The same bytes uploaded again keep the row and what was written on it.
    let again = store.add_upload(&png("0a1b.png"), &named("copy.png"), mins(2)).await?;
    assert_eq!(
        (again.meta.name.as_str(), again.meta.credit.as_str(), again.created_at),
        ("harbour.png", "Ana Ruiz", mins(1).timestamp())
    );
    // …while an image imported without a name gets one.
    let imported = store.add_upload(&store.media("abc.jpg").await?.ok_or("abc")?, &named("Quay.jpg"), mins(3)).await?;
    assert_eq!(imported.meta.name, "Quay.jpg");

    // Refused: too long, or an unknown key; nothing changes.
    let long = MediaMeta { alt: "x".repeat(prensa_core::media::MAX_ALT_CHARS + 1), ..meta.clone() };
    assert!(
        matches!(store.update_media("0a1b.png", &long).await, Err(StoreError::Invalid(m)) if m.contains("alt text"))
    );
    assert!(matches!(store.add_upload(&png("ffff.png"), &long, mins(4)).await, Err(StoreError::Invalid(_))));
    assert_eq!(store.media_info("ffff.png").await?, None, "a refused upload writes no row");
    assert_eq!(store.media_info("0a1b.png").await?.ok_or("row")?.meta.alt, "Boats at a quay");
    assert!(matches!(store.update_media("dead.png", &meta).await, Err(StoreError::NotFound)));
    Ok(())
}

async fn search_takes_wildcards_literally(store: AnyStore) -> TestResult {
    setup(&store).await?;
    store.add_upload(&png("01.png"), &named("100% cotton.png"), mins(1)).await?;
    store.add_upload(&png("02.png"), &named("1000 cotton.png"), mins(2)).await?;
    store.add_upload(&png("03.png"), &named("snake_case.png"), mins(3)).await?;
    store.add_upload(&png("04.png"), &named("snakeXcase.png"), mins(4)).await?;
    store
        .update_media(
            "04.png",
            &MediaMeta {
                name: "snakeXcase.png".into(),
                alt: "A Heron".into(),
                caption: "By the river".into(),
                credit: String::new(),
            },
        )
        .await?;
    let names = |page: prensa_core::Page<prensa_core::MediaInfo>| {
        page.items.into_iter().map(|i| i.meta.name).collect::<Vec<_>>()
    };
    assert_eq!(names(store.search_media("100%", 10, 0).await?), ["100% cotton.png"]);
    assert_eq!(names(store.search_media("e_c", 10, 0).await?), ["snake_case.png"]);
    assert_eq!(
        names(store.search_media("COTTON", 10, 0).await?),
        ["1000 cotton.png", "100% cotton.png"],
        "newest first, any case"
    );
    assert_eq!(names(store.search_media("heron", 10, 0).await?), ["snakeXcase.png"], "by alt text");
    assert_eq!(names(store.search_media("river", 10, 0).await?), ["snakeXcase.png"], "by caption");
    assert_eq!(names(store.search_media("\\", 10, 0).await?), Vec::<String>::new());
    // Paginated, with the total of the whole search.
    let all = store.search_media("", 2, 0).await?;
    assert_eq!((all.total, all.items.len()), (5, 2));
    let page = store.search_media("png", 1, 1).await?;
    assert_eq!((page.total, names(page)), (4, vec!["snake_case.png".to_owned()]));
    let past = store.search_media("png", 10, 10).await?;
    assert_eq!((past.total, past.items.len()), (4, 0));
    Ok(())
}

/// A fixture: `hero.png` the hero of a draft, `face.png` Ben's portrait
/// (Ben writes a draft), `inline.png` in a draft's body by a variant URL.
async fn used_images(store: &AnyStore, fx: &Seeded) -> Result<(i64, i64, i64), Box<dyn std::error::Error>> {
    let ana = staff(store, fx).await?;
    for key in ["aaa1.png", "bbb2.png", "ccc3.png"] {
        store.add_upload(&png(key), &named(key), mins(1)).await?;
    }
    let mut hero = draft(fx, "hero-story");
    hero.image = Some(DraftImage { key: "aaa1.png".into(), alt: "Alt".into(), caption: None });
    let hero = store.create_article(fx.publication, &hero, ana.id, now()).await?;
    let ben = store
        .save_author(
            fx.publication,
            Some(fx.ben),
            &NewAuthor {
                slug: "ben".into(),
                name: "Ben".into(),
                bio: "Bio".into(),
                avatar: Some("bbb2.png".into()),
                social: SocialLinks::default(),
            },
        )
        .await?;
    assert_eq!(ben.avatar.map(|a| a.key).as_deref(), Some("bbb2.png"));
    let mut by_ben = draft(fx, "ben-story");
    by_ben.author_ids = vec![fx.ben];
    let by_ben = store.create_article(fx.publication, &by_ben, ana.id, now()).await?;
    let mut inline = draft(fx, "inline-story");
    inline.body = "Text.\n\n![A gull](/media/ccc3-640.webp)\n".into();
    let inline = store.create_article(fx.publication, &inline, ana.id, now()).await?;
    Ok((hero.id, by_ben.id, inline.id))
}

async fn usage_is_found_by_hero_portrait_and_body(store: AnyStore) -> TestResult {
    let fx = setup(&store).await?;
    let (hero, by_ben, inline) = used_images(&store, &fx).await?;
    let uses = |key: &'static str| {
        let store = store.clone();
        async move {
            let u = store.media_usage(key).await?;
            Ok::<_, StoreError>((
                u.articles.iter().map(|a| (a.article, a.kind, a.published)).collect::<Vec<_>>(),
                u.authors,
            ))
        }
    };
    assert_eq!(uses("aaa1.png").await?, (vec![(hero, MediaUseKind::Hero, false)], vec![]));
    assert_eq!(
        uses("bbb2.png").await?,
        (vec![(by_ben, MediaUseKind::Portrait, false)], vec![(fx.ben, "Ben".to_owned())])
    );
    assert_eq!(uses("ccc3.png").await?, (vec![(inline, MediaUseKind::Body, false)], vec![]));
    assert_eq!(uses("abc.jpg").await?, (vec![], vec![]));
    let u = store.media_usage("aaa1.png").await?;
    assert_eq!((u.articles[0].headline.as_str(), u.articles[0].publication), ("Headline hero-story", fx.publication));
    Ok(())
}

async fn delete_is_refused_while_published(store: AnyStore) -> TestResult {
    let fx = setup(&store).await?;
    let (hero, _, inline) = used_images(&store, &fx).await?;
    let ana = store.user_for_login("ana@example.org").await?.ok_or("ana")?.0;
    let publish = |id: i64, version: i64| {
        let store = store.clone();
        async move { store.transition(id, version, Transition::Publish { at: now().fixed_offset() }, ana.id, mins(5)).await }
    };
    let SaveOutcome::Saved(live) = publish(hero, 1).await? else { return Err("conflict".into()) };
    let SaveOutcome::Saved(_) = publish(inline, 1).await? else { return Err("conflict".into()) };

    // Refused while published, whichever way it is used; nothing written.
    let before = store.content_version().await?;
    for key in ["aaa1.png", "ccc3.png"] {
        match store.delete_media(key).await {
            Err(StoreError::Invalid(why)) => {
                assert!(why.contains("published article") && why.contains("Headline"), "{why}")
            }
            other => return Err(format!("{key}: expected a refusal, got {other:?}").into()),
        }
        assert!(store.media_info(key).await?.is_some(), "{key} kept");
    }
    assert_eq!(store.content_version().await?, before, "nothing written on refusal");
    assert_eq!(
        store.editable_article(hero).await?.ok_or("hero")?.draft.image.map(|i| i.key).as_deref(),
        Some("aaa1.png")
    );

    // Once unpublished it may go: the draft loses its hero, the feed names it.
    let SaveOutcome::Saved(_) = store.transition(hero, live.version, Transition::Unpublish, ana.id, mins(6)).await?
    else {
        return Err("conflict".into());
    };
    let version = store.content_version().await?;
    let usage = store.delete_media("aaa1.png").await?;
    assert_eq!(usage.articles.len(), 1);
    assert_eq!(store.media_info("aaa1.png").await?, None);
    assert_eq!(store.editable_article(hero).await?.ok_or("hero")?.draft.image, None);
    let changes = store.changes_since(version).await?;
    assert!(changes.iter().any(|c| c.keys.contains(&format!("article:{hero}"))), "{changes:?}");

    // A portrait of an author with only drafts: the profile loses it.
    store.delete_media("bbb2.png").await?;
    let ben = store.authors(fx.publication).await?.into_iter().find(|a| a.id == fx.ben).ok_or("ben")?;
    assert_eq!(ben.avatar, None);
    // An unused image simply goes; an unknown one is not found.
    store.delete_media("abc.jpg").await?;
    assert!(matches!(store.delete_media("abc.jpg").await, Err(StoreError::NotFound)));
    assert_eq!(store.search_media("", 10, 0).await?.total, 1, "only the published body's image left");
    Ok(())
}

/// `prensa migrate-store` copies names, alt text, captions and credits.
async fn metadata_survives_a_copy(store: AnyStore) -> TestResult {
    setup(&store).await?;
    let meta =
        MediaMeta { name: "quay.png".into(), alt: "A quay".into(), caption: "Dawn".into(), credit: "Ana".into() };
    store.add_upload(&png("0a1b.png"), &meta, mins(1)).await?;
    let snap = store.export_all().await?;
    assert_eq!(snap.media.iter().find(|m| m.asset.key == "0a1b.png").map(|m| &m.meta), Some(&meta));
    let copy = sqlite().await?;
    copy.import_snapshot(&snap, false).await?;
    assert_eq!(copy.media_info("0a1b.png").await?, store.media_info("0a1b.png").await?);
    assert_eq!(copy.export_all().await?, snap);
    Ok(())
}
