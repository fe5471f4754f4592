//! The curated front page and the publication's logo and favicon in the
//! store, on every backend (see `newsroom.rs` for the environment the
//! PostgreSQL half needs): pins keep the editors' order (the first is the
//! lead), only published articles can be pinned, a pin stops showing at
//! its expiry without anyone acting (and is the site's next change by
//! itself), unpublishing drops it, a refused pin writes nothing, and every
//! pin write names `home` in the change feed.

use chrono::Duration;
use prensa_core::front::{Slot, MAX_PINS};
use prensa_core::{ArticleDraft, EditableArticle, Id, MediaAsset, Transition};
use prensa_store::{AnyStore, Front, Newsroom, Store, StoreError, CHANGE_ALL, CHANGE_HOME};

#[macro_use]
mod common;
use common::*;

on_every_backend!(
    pins_lead_the_home_in_order,
    only_published_articles_are_pinned,
    pins_expire_and_unpublishing_drops_them,
    brands_are_stored
);

async fn feed_keys(store: &AnyStore, version: i64) -> Result<Vec<String>, StoreError> {
    Ok(store.changes_since(version).await?.into_iter().flat_map(|c| c.keys).collect())
}

/// A new article by `user`, published at `at` (a future `at` schedules it).
async fn published(
    store: &AnyStore,
    fx: &Seeded,
    user: Id,
    slug: &str,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<EditableArticle, Box<dyn std::error::Error>> {
    let a = store.create_article(fx.publication, &draft(fx, slug), user, now()).await?;
    let done =
        saved(store.transition(a.id, a.version, Transition::Publish { at: at.fixed_offset() }, user, now()).await?);
    Ok(done)
}

async fn home_ids(store: &AnyStore, fx: &Seeded, at: chrono::DateTime<chrono::Utc>) -> Result<Vec<Id>, StoreError> {
    Ok(store.home_pins(fx.publication, at).await?.into_iter().map(|a| a.id).collect())
}

async fn pins_lead_the_home_in_order(store: AnyStore) -> TestResult {
    let fx = setup(&store).await?;
    let ana = staff(&store, &fx).await?;
    let mut ids = Vec::new();
    for n in 0..6 {
        ids.push(published(&store, &fx, ana.id, &format!("story-{n}"), now() - Duration::hours(10 - n)).await?.id);
    }
    assert!(home_ids(&store, &fx, now()).await?.is_empty(), "nothing pinned yet");

    let v0 = store.content_version().await?;
    store.pin_article(fx.publication, ids[0], Slot::Featured, None, now()).await?;
    store.pin_article(fx.publication, ids[1], Slot::Featured, None, now()).await?;
    store.pin_article(fx.publication, ids[2], Slot::Lead, None, now()).await?;
    assert_eq!(
        home_ids(&store, &fx, now()).await?,
        [ids[2], ids[0], ids[1]],
        "the lead first, then the featured in order"
    );
    let keys = feed_keys(&store, v0).await?;
    assert_eq!(keys, [CHANGE_HOME, CHANGE_HOME, CHANGE_HOME], "each pin purges the home pages, nothing else");

    // Reordering: up and down, and nothing past the ends.
    store.move_pin(fx.publication, ids[1], true).await?;
    assert_eq!(home_ids(&store, &fx, now()).await?, [ids[2], ids[1], ids[0]]);
    store.move_pin(fx.publication, ids[2], false).await?;
    assert_eq!(
        home_ids(&store, &fx, now()).await?,
        [ids[1], ids[2], ids[0]],
        "moving the lead down makes the next one lead"
    );
    let v1 = store.content_version().await?;
    store.move_pin(fx.publication, ids[1], true).await?;
    store.move_pin(fx.publication, ids[0], false).await?;
    assert_eq!(home_ids(&store, &fx, now()).await?, [ids[1], ids[2], ids[0]]);
    assert_eq!(store.content_version().await?, v1, "a move past an end changes nothing");
    // Pinning an already pinned article as lead moves it to the top.
    store.pin_article(fx.publication, ids[0], Slot::Lead, None, now()).await?;
    assert_eq!(home_ids(&store, &fx, now()).await?, [ids[0], ids[1], ids[2]]);

    let pins = store.front_pins(fx.publication, now()).await?;
    assert_eq!(
        pins.iter().map(|p| (p.article, p.position)).collect::<Vec<_>>(),
        [(ids[0], 0), (ids[1], 1), (ids[2], 2)]
    );
    assert!(pins.iter().all(|p| p.live && !p.has_image && p.expires_at.is_none()));
    assert_eq!(pins[0].headline, "Headline story-0");

    // At most MAX_PINS: the next one is refused, nothing written.
    store.pin_article(fx.publication, ids[3], Slot::Featured, None, now()).await?;
    store.pin_article(fx.publication, ids[4], Slot::Featured, None, now()).await?;
    assert_eq!(home_ids(&store, &fx, now()).await?.len(), MAX_PINS);
    let v2 = store.content_version().await?;
    let full = store.pin_article(fx.publication, ids[5], Slot::Lead, None, now()).await;
    assert!(matches!(&full, Err(StoreError::Invalid(why)) if why.contains("unpin one first")), "{full:?}");
    assert_eq!(store.content_version().await?, v2, "a refused pin writes nothing");
    assert_eq!(home_ids(&store, &fx, now()).await?[0], ids[0]);

    // Unpinning closes the gap.
    store.unpin_article(fx.publication, ids[1]).await?;
    assert_eq!(home_ids(&store, &fx, now()).await?, [ids[0], ids[2], ids[3], ids[4]]);
    assert!(matches!(store.unpin_article(fx.publication, ids[1]).await, Err(StoreError::NotFound)));
    assert!(matches!(store.move_pin(fx.publication, ids[5], true).await, Err(StoreError::NotFound)));
    Ok(())
}

async fn only_published_articles_are_pinned(store: AnyStore) -> TestResult {
    let fx = setup(&store).await?;
    let ana = staff(&store, &fx).await?;
    let draft_only = store.create_article(fx.publication, &draft(&fx, "a-draft"), ana.id, now()).await?;
    let scheduled = published(&store, &fx, ana.id, "later", now() + Duration::hours(2)).await?;
    let v0 = store.content_version().await?;
    for (id, what) in [(draft_only.id, "a draft"), (scheduled.id, "a scheduled article")] {
        let refused = store.pin_article(fx.publication, id, Slot::Lead, None, now()).await;
        assert!(
            matches!(&refused, Err(StoreError::Invalid(why)) if why.contains("only published")),
            "{what}: {refused:?}"
        );
    }
    // Another publication's article, an unknown one, an expiry in the past.
    let unknown = store.pin_article(fx.publication + 1000, fx.old_news, Slot::Lead, None, now()).await;
    assert!(matches!(&unknown, Err(StoreError::Invalid(why)) if why.contains("no such article")), "{unknown:?}");
    let unknown = store.pin_article(fx.publication, 999_999, Slot::Lead, None, now()).await;
    assert!(matches!(unknown, Err(StoreError::Invalid(_))));
    let past = store.pin_article(fx.publication, fx.old_news, Slot::Lead, Some(now()), now()).await;
    assert!(matches!(&past, Err(StoreError::Invalid(why)) if why.contains("already passed")), "{past:?}");
    assert_eq!(store.content_version().await?, v0, "nothing written");
    assert!(store.front_pins(fx.publication, now()).await?.is_empty());
    Ok(())
}

async fn pins_expire_and_unpublishing_drops_them(store: AnyStore) -> TestResult {
    let fx = setup(&store).await?;
    let ana = staff(&store, &fx).await?;
    let a = published(&store, &fx, ana.id, "briefly", now() - Duration::hours(1)).await?;
    let b = published(&store, &fx, ana.id, "for-good", now() - Duration::hours(2)).await?;
    let until = now() + Duration::hours(3);
    store.pin_article(fx.publication, a.id, Slot::Lead, Some(until), now()).await?;
    store.pin_article(fx.publication, b.id, Slot::Featured, None, now()).await?;
    assert_eq!(home_ids(&store, &fx, now()).await?, [a.id, b.id]);
    // The expiry is when the site next changes by itself.
    assert_eq!(store.next_scheduled(now()).await?, Some(until));
    assert_eq!(home_ids(&store, &fx, until - Duration::seconds(1)).await?, [a.id, b.id]);
    assert_eq!(home_ids(&store, &fx, until).await?, [b.id], "expired: gone without a write");
    let pins = store.front_pins(fx.publication, until).await?;
    assert_eq!(
        pins.iter().map(|p| (p.article, p.live)).collect::<Vec<_>>(),
        [(a.id, false), (b.id, true)],
        "the admin still sees it, not live"
    );
    assert_eq!(store.next_scheduled(until).await?, None);
    // A scheduled article due earlier is still the next change.
    let soon = published(&store, &fx, ana.id, "soon", now() + Duration::hours(1)).await?;
    assert_eq!(store.next_scheduled(now()).await?, Some(now() + Duration::hours(1)));
    let _ = soon;

    // Unpublishing drops the pin for good (republishing does not bring it back).
    let v0 = store.content_version().await?;
    let off = saved(store.transition(b.id, b.version, Transition::Unpublish, ana.id, now()).await?);
    assert_eq!(home_ids(&store, &fx, now()).await?, [a.id]);
    assert!(!store.front_pins(fx.publication, now()).await?.iter().any(|p| p.article == b.id));
    assert!(
        feed_keys(&store, v0).await?.iter().any(|k| k == "recent"),
        "the unpublish purges the lists, the home page among them"
    );
    let again = ArticleDraft { ..off.draft.clone() };
    saved(
        store
            .save_and_transition(
                b.id,
                off.version,
                &again,
                Some(Transition::Publish { at: now().fixed_offset() }),
                ana.id,
                now(),
            )
            .await?,
    );
    assert_eq!(home_ids(&store, &fx, now()).await?, [a.id], "a republished article is not pinned again by itself");
    Ok(())
}

async fn brands_are_stored(store: AnyStore) -> TestResult {
    let fx = setup(&store).await?;
    store
        .add_media(&MediaAsset {
            key: "icon.png".into(),
            content_type: "image/png".into(),
            width: 64,
            height: 64,
            bytes: 300,
        })
        .await?;
    assert!(store.brands().await?.is_empty());
    let v0 = store.content_version().await?;
    store.set_brand(fx.publication, Some("abc.jpg"), Some("icon.png")).await?;
    assert_eq!(feed_keys(&store, v0).await?, [CHANGE_ALL], "the header of every page changes");
    let brands = store.brands().await?;
    assert_eq!(brands.len(), 1);
    assert_eq!(brands[0].publication, fx.publication);
    assert_eq!(brands[0].logo.as_ref().map(|l| (l.key.as_str(), l.width, l.height)), Some(("abc.jpg", 1200, 675)));
    assert_eq!(
        brands[0].favicon.as_ref().map(|f| (f.key.as_str(), f.content_type.as_str())),
        Some(("icon.png", "image/png"))
    );

    // An unknown image is refused, nothing written; clearing keeps the other.
    let v1 = store.content_version().await?;
    let bad = store.set_brand(fx.publication, Some("nope.jpg"), None).await;
    assert!(matches!(&bad, Err(StoreError::Invalid(why)) if why.contains("nope.jpg")), "{bad:?}");
    assert_eq!(store.content_version().await?, v1);
    assert_eq!(store.brands().await?, brands);
    store.set_brand(fx.publication, None, Some("icon.png")).await?;
    let brands = store.brands().await?;
    assert_eq!((brands[0].logo.is_none(), brands[0].favicon.is_some()), (true, true));
    Ok(())
}
