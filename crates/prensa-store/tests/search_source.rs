//! The search index's view of the store, on both backends.

#[macro_use]
mod common;

use common::*;
use prensa_core::{AuthorRef, SectionRef, Transition};
use prensa_store::{AnyStore, DocScope, Newsroom, SearchSource};

on_every_backend!(documents_come_by_page_and_by_id);

async fn documents_come_by_page_and_by_id(store: AnyStore) -> TestResult {
    let fx = setup(&store).await?;
    let ana = staff(&store, &fx).await?;
    let mut d = draft(&fx, "wages");
    d.body = "Nurses *struck* for [better pay](https://example.org).".into();
    d.author_ids = vec![fx.ben, fx.ana];
    d.tags = vec!["Health".into(), "Labor".into()];
    let wages = store.create_article(fx.publication, &d, ana.id, now()).await?;
    let draft_only = store.create_article(fx.publication, &draft(&fx, "unfinished"), ana.id, now()).await?;

    // A draft is not a document; the published fixture article is.
    let all = store.search_documents(&DocScope::After { after: 0, limit: 10 }).await?;
    assert_eq!(all.iter().map(|d| d.slug.as_str()).collect::<Vec<_>>(), ["old-news"]);
    assert_eq!(all[0].tags, ["Labor"]);
    assert_eq!(all[0].authors, [AuthorRef { slug: "ana".into(), name: "Ana".into() }]);

    // Published (even dated in the future) it is, with byline order, tags
    // in order, section and Markdown body.
    let at = mins(60).fixed_offset();
    saved(store.transition(wages.id, wages.version, Transition::Publish { at }, ana.id, now()).await?);
    let docs = store.search_documents(&DocScope::Ids(vec![wages.id, draft_only.id, 999_999])).await?;
    assert_eq!(docs.len(), 1, "only the published one of the three ids");
    let doc = &docs[0];
    assert_eq!((doc.id, doc.publication, doc.slug.as_str()), (wages.id, fx.publication, "wages"));
    assert_eq!(doc.body, d.body);
    assert_eq!(doc.authors.iter().map(|a| a.slug.as_str()).collect::<Vec<_>>(), ["ben", "ana"]);
    assert_eq!(doc.tags, ["Health", "Labor"]);
    assert_eq!(doc.section, SectionRef { slug: "labor".into(), name: "Labor".into() });
    assert_eq!(doc.published_at, at);

    // Paging walks by id.
    let first = store.search_documents(&DocScope::After { after: 0, limit: 1 }).await?;
    assert_eq!(first.len(), 1);
    let rest = store.search_documents(&DocScope::After { after: first[0].id, limit: 10 }).await?;
    assert_eq!(rest.len(), 1);
    assert!(rest[0].id > first[0].id);
    assert!(store.search_documents(&DocScope::After { after: rest[0].id, limit: 10 }).await?.is_empty());
    assert!(store.search_documents(&DocScope::Ids(vec![])).await?.is_empty());

    // Unpublished, it is gone.
    let current = store.search_documents(&DocScope::Ids(vec![wages.id])).await?;
    assert_eq!(current.len(), 1);
    let version = store.editable_article(wages.id).await?.expect("article").version;
    saved(store.transition(wages.id, version, Transition::Unpublish, ana.id, now()).await?);
    assert!(store.search_documents(&DocScope::Ids(vec![wages.id])).await?.is_empty());
    Ok(())
}
