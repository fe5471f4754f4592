//! `Store::media_many`: the media rows an article body's images name, in
//! one query, on every backend.

use prensa_core::MediaAsset;
use prensa_store::Store;

#[macro_use]
mod common;
use common::*;

on_every_backend!(media_rows_of_many_keys_in_one_read);

async fn media_rows_of_many_keys_in_one_read(store: prensa_store::AnyStore) -> TestResult {
    let mut set = fixture();
    set.media.push(MediaAsset {
        key: "def.png".into(),
        content_type: "image/png".into(),
        width: 300,
        height: 200,
        bytes: 10,
    });
    store.apply_import(&set, false).await?;

    assert_eq!(store.media_many(&[]).await?, Vec::new());
    let mut rows =
        store.media_many(&["def.png".into(), "missing.jpg".into(), "abc.jpg".into(), "x' OR '1'='1".into()]).await?;
    rows.sort_by(|a, b| a.key.cmp(&b.key));
    let keys: Vec<(&str, u32, u32)> = rows.iter().map(|m| (m.key.as_str(), m.width, m.height)).collect();
    assert_eq!(keys, [("abc.jpg", 1200, 675), ("def.png", 300, 200)]);
    // Many keys are still one statement (no bound-parameter limit).
    let many: Vec<String> = (0..2_000).map(|n| format!("{n:x}.jpg")).chain(["abc.jpg".to_owned()]).collect();
    assert_eq!(store.media_many(&many).await?.len(), 1);
    Ok(())
}
