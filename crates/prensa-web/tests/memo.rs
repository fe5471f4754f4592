//! The reads a static export keeps (`AppState::keep_shared_reads`, see
//! `prensa_web::memo`) change nothing in what is rendered: every page and
//! feed of the demo, each list page one past its last too, rendered by a
//! state that keeps them and by one that asks the store every time, over the
//! same store, is the same bytes and status (or the same "no such page").

use prensa_render::feed::FeedFormat;
use prensa_store::{MediaDir, Newsroom, SqliteStore, Store};
use prensa_web::public::render;
use prensa_web::route::{FeedOf, Route};
use prensa_web::{AppError, AppState, WebConfig};

type Res<T> = Result<T, Box<dyn std::error::Error>>;

/// Every page route of the publication `id` with the demo's content: the
/// home, each article, each list's pages (and the one past the end), and
/// every feed in every format.
async fn routes(store: &SqliteStore, id: prensa_core::Id) -> Res<Vec<Route>> {
    let now = chrono::Utc::now();
    let all = prensa_core::ArticleQuery { limit: 10_000, ..Default::default() };
    let articles = store.published_articles(id, &all, now).await?.items;
    assert!(articles.len() > 12, "the demo has more than a page of articles");
    let mut out = vec![Route::Home];
    out.extend(articles.iter().map(|a| Route::Article(a.slug.clone())));
    let mut feeds = vec![FeedOf::Publication];
    for s in store.sections(id).await? {
        out.extend((1..=4).map(|n| Route::Section(s.slug.clone(), n)));
        feeds.push(FeedOf::Section(s.slug));
    }
    for a in store.authors(id).await? {
        out.extend((1..=3).map(|n| Route::Author(a.slug.clone(), n)));
        feeds.push(FeedOf::Author(a.slug));
    }
    for t in store.tags(id).await? {
        out.extend((1..=2).map(|n| Route::Tag(t.slug.clone(), n)));
        feeds.push(FeedOf::Tag(t.slug));
    }
    // Asked for but not there: a 404 both ways.
    out.push(Route::Article("no-such-article".into()));
    out.push(Route::Tag("no-such-tag".into(), 1));
    for of in feeds {
        out.extend([FeedFormat::Rss, FeedFormat::Atom, FeedFormat::Json].map(|f| Route::Feed(of.clone(), f)));
    }
    Ok(out)
}

#[tokio::test]
async fn kept_reads_render_the_same_pages_as_the_store() -> Res<()> {
    let demo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../demo");
    let prepared = prensa_import::load_dir(&demo)?;
    let dir = tempfile::tempdir()?;
    let media = MediaDir::new(dir.path());
    for f in &prepared.files {
        media.put_file(&f.key, &f.source)?;
    }
    let store = SqliteStore::open("sqlite::memory:").await?;
    store.apply_import(&prepared.set, false).await?;
    let config = || WebConfig { search_index: false, ..WebConfig::default() };
    let asking = AppState::new(store.clone(), MediaDir::new(dir.path()), config()).await?;
    let keeping = AppState::new(store.clone(), media, config()).await?;
    keeping.keep_shared_reads();

    let mut compared = 0;
    for site in asking.sites().list.iter() {
        // Twice on the keeping side: the second time from what it kept.
        for round in 0..2 {
            for route in routes(&store, site.publication.id).await? {
                let label = format!("{route:?} (round {round})");
                let want = render(&asking, site, route.clone()).await;
                let got = render(&keeping, site, route).await;
                match (want, got) {
                    (Ok(want), Ok(got)) => {
                        assert_eq!(want.status, got.status, "{label}");
                        assert_eq!(want.content_type, got.content_type, "{label}");
                        assert!(want.html == got.html, "{label} differs:\n{}\n---\n{}", want.html, got.html);
                        compared += 1;
                    }
                    (Err(AppError::NotFound), Err(AppError::NotFound)) => {}
                    (want, got) => panic!("{label}: {:?} vs {:?}", want.map(|p| p.status), got.map(|p| p.status)),
                }
            }
        }
    }
    assert!(compared > 100, "only {compared} pages compared");
    Ok(())
}
