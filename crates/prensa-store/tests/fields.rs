//! SEO fields and custom fields in the store, on every backend (SQLite in
//! memory, PostgreSQL in a schema of its own; see `newsroom.rs` for the
//! environment the PostgreSQL half needs): definitions are made, listed in
//! order, changed and deleted (with their values) per publication; an
//! article's SEO fields and values are saved and read back; every bad
//! input is refused with nothing written.

use prensa_core::{ArticleExtras, ArticleSeo, CustomFieldDraft, CustomValues, FieldKind};
use prensa_store::{AnyStore, ArticleFields, Newsroom, Store, StoreError};

#[macro_use]
mod common;
use common::*;

on_every_backend!(
    definitions_are_made_ordered_changed_and_deleted,
    seo_and_values_are_saved_and_read,
    bad_input_writes_nothing
);

fn text_field(key: &str, label: &str, position: i64) -> CustomFieldDraft {
    CustomFieldDraft {
        key: key.into(),
        label: label.into(),
        kind: FieldKind::Text,
        options: vec![],
        help: String::new(),
        position,
    }
}

fn warning_field() -> CustomFieldDraft {
    CustomFieldDraft {
        key: "content-warning".into(),
        label: "Content warning".into(),
        kind: FieldKind::Choice,
        options: vec!["Violence".into(), "Grief".into()],
        help: "Shown above the text".into(),
        position: 1,
    }
}

fn values(pairs: &[(&str, &str)]) -> CustomValues {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

async fn definitions_are_made_ordered_changed_and_deleted(store: AnyStore) -> TestResult {
    let fx = setup(&store).await?;
    let warning = store.create_custom_field(fx.publication, &warning_field()).await?;
    let by = store.create_custom_field(fx.publication, &text_field("translated-by", "Translated by", 0)).await?;
    let list = store.custom_fields(fx.publication).await?;
    assert_eq!(
        list.iter().map(|f| f.key.as_str()).collect::<Vec<_>>(),
        ["translated-by", "content-warning"],
        "by position"
    );
    assert_eq!(list[1].options, ["Violence", "Grief"]);
    assert_eq!(list[1].kind, FieldKind::Choice);
    assert_eq!(list[1].help, "Shown above the text");

    // A key is unique per publication.
    let dup = store.create_custom_field(fx.publication, &text_field("translated-by", "Again", 3)).await;
    assert!(matches!(dup, Err(StoreError::Invalid(ref m)) if m.contains("already used")), "{dup:?}");

    // An option in use cannot go; label, options and order can change,
    // key and kind cannot.
    let extras = ArticleExtras { custom: values(&[("content-warning", "Grief")]), ..Default::default() };
    store.save_article_extras(fx.old_news, &extras).await?;
    let drop_grief = CustomFieldDraft { options: vec!["Violence".into()], ..warning_field() };
    let refused = store.update_custom_field(fx.publication, warning.id, &drop_grief).await;
    assert!(matches!(refused, Err(StoreError::Invalid(ref m)) if m.contains("\"Grief\"")), "{refused:?}");
    assert_eq!(store.custom_fields(fx.publication).await?[1].options, ["Violence", "Grief"], "nothing written");
    let changed = CustomFieldDraft {
        key: "other-key".into(),
        kind: FieldKind::Text,
        label: "Warning".into(),
        options: vec!["Grief".into(), "Violence".into(), "War".into()],
        position: -1,
        ..warning_field()
    };
    let after = store.update_custom_field(fx.publication, warning.id, &changed).await?;
    assert_eq!(
        (after.key.as_str(), after.kind, after.label.as_str()),
        ("content-warning", FieldKind::Choice, "Warning")
    );
    assert_eq!(store.custom_fields(fx.publication).await?[0].id, warning.id, "moved first");

    // Another publication's field is not found.
    assert!(matches!(
        store.update_custom_field(fx.publication + 1000, by.id, &text_field("x", "X", 0)).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(store.delete_custom_field(fx.publication + 1000, by.id).await, Err(StoreError::NotFound)));

    // Usage counts, and a delete takes the values with it.
    let usage = store.custom_field_usage(fx.publication).await?;
    assert!(usage.contains(&(warning.id, 1)) && usage.contains(&(by.id, 0)), "{usage:?}");
    let v0 = store.content_version().await?;
    assert_eq!(store.delete_custom_field(fx.publication, warning.id).await?, 1);
    assert!(store.content_version().await? > v0);
    assert!(store.article_extras(fx.old_news).await?.custom.is_empty(), "no orphaned value");
    assert_eq!(store.custom_fields(fx.publication).await?.len(), 1);
    Ok(())
}

async fn seo_and_values_are_saved_and_read(store: AnyStore) -> TestResult {
    let fx = setup(&store).await?;
    store.create_custom_field(fx.publication, &text_field("translated-by", "Translated by", 0)).await?;
    store.create_custom_field(fx.publication, &warning_field()).await?;
    store
        .create_custom_field(
            fx.publication,
            &CustomFieldDraft { kind: FieldKind::Url, ..text_field("original", "Originally published in", 2) },
        )
        .await?;
    store
        .create_custom_field(
            fx.publication,
            &CustomFieldDraft { kind: FieldKind::Date, ..text_field("first", "First published", 3) },
        )
        .await?;
    assert_eq!(store.article_extras(fx.old_news).await?, ArticleExtras::default(), "none yet");

    let extras = ArticleExtras {
        seo: ArticleSeo {
            meta_title: "Meta <title> & \"quotes\"".into(),
            meta_description: "A description".into(),
            social_title: "Social".into(),
            social_description: "Social description".into(),
            social_image: "abc.jpg".into(),
            canonical_url: "https://elsewhere.example/original".into(),
        },
        custom: values(&[
            ("translated-by", "  María <b>López</b> "),
            ("content-warning", "Violence"),
            ("original", "https://elsewhere.example/x"),
            ("first", "2025-02-28"),
        ]),
    };
    let v0 = store.content_version().await?;
    store.save_article_extras(fx.old_news, &extras).await?;
    let keys: Vec<String> = store.changes_since(v0).await?.into_iter().flat_map(|c| c.keys).collect();
    assert_eq!(keys, [format!("article:{}", fx.old_news)], "purges the article's page and API answers");
    let back = store.article_extras(fx.old_news).await?;
    assert_eq!(back.seo, extras.seo);
    assert_eq!(
        back.custom.get("translated-by").map(String::as_str),
        Some("María <b>López</b>"),
        "trimmed, kept verbatim"
    );
    assert_eq!(back.custom.len(), 4);
    let many = store.articles_extras(&[fx.old_news, 999_999]).await?;
    assert_eq!(many.len(), 1, "articles without any are left out");
    assert_eq!(many.get(&fx.old_news), Some(&back));

    // Saving the same again writes nothing; clearing removes everything.
    let v1 = store.content_version().await?;
    store.save_article_extras(fx.old_news, &back).await?;
    assert_eq!(store.content_version().await?, v1, "unchanged: no write");
    let cleared =
        ArticleExtras { custom: values(&[("translated-by", ""), ("content-warning", "")]), ..Default::default() };
    store.save_article_extras(fx.old_news, &cleared).await?;
    assert_eq!(store.article_extras(fx.old_news).await?, ArticleExtras::default());
    assert!(matches!(store.save_article_extras(999_999, &extras).await, Err(StoreError::NotFound)));
    Ok(())
}

async fn bad_input_writes_nothing(store: AnyStore) -> TestResult {
    let fx = setup(&store).await?;
    store.create_custom_field(fx.publication, &warning_field()).await?;
    store
        .create_custom_field(
            fx.publication,
            &CustomFieldDraft { kind: FieldKind::Url, ..text_field("source", "Source", 2) },
        )
        .await?;
    store
        .create_custom_field(
            fx.publication,
            &CustomFieldDraft { kind: FieldKind::Date, ..text_field("first", "First", 3) },
        )
        .await?;
    let good = ArticleExtras {
        seo: ArticleSeo { meta_title: "Kept".into(), ..Default::default() },
        custom: values(&[("content-warning", "Grief")]),
    };
    store.save_article_extras(fx.old_news, &good).await?;
    let v0 = store.content_version().await?;

    let bad_seo = |seo: ArticleSeo| ArticleExtras { seo, custom: values(&[("content-warning", "Violence")]) };
    let cases = [
        bad_seo(ArticleSeo { canonical_url: "javascript:alert(1)".into(), ..Default::default() }),
        bad_seo(ArticleSeo { canonical_url: "/relative".into(), ..Default::default() }),
        bad_seo(ArticleSeo { social_image: "missing.jpg".into(), ..Default::default() }),
        bad_seo(ArticleSeo { meta_title: "x".repeat(301), ..Default::default() }),
        ArticleExtras { custom: values(&[("content-warning", "Not an option")]), ..Default::default() },
        ArticleExtras { custom: values(&[("source", "javascript:alert(1)")]), ..Default::default() },
        ArticleExtras { custom: values(&[("first", "2026-13-01")]), ..Default::default() },
        ArticleExtras { custom: values(&[("no-such-field", "x")]), ..Default::default() },
    ];
    for bad in cases {
        let r = store.save_article_extras(fx.old_news, &bad).await;
        assert!(matches!(r, Err(StoreError::Invalid(_))), "{bad:?} → {r:?}");
    }
    assert_eq!(store.article_extras(fx.old_news).await?, good, "nothing written");
    assert_eq!(store.content_version().await?, v0);

    for bad in [
        text_field("Bad Key", "Label", 0),
        text_field("ok", " ", 0),
        CustomFieldDraft { options: vec![], ..warning_field() },
        CustomFieldDraft { key: "dupe".into(), options: vec!["A".into(), "A".into()], ..warning_field() },
        CustomFieldDraft { options: vec!["A".into()], ..text_field("opts", "Text with options", 0) },
    ] {
        let r = store.create_custom_field(fx.publication, &bad).await;
        assert!(matches!(r, Err(StoreError::Invalid(_))), "{bad:?} → {r:?}");
    }
    assert_eq!(store.custom_fields(fx.publication).await?.len(), 3, "no definition written");
    assert_eq!(store.content_version().await?, v0);
    Ok(())
}
