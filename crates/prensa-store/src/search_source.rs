//! What the search index reads from the store: published articles with
//! their bylines, section and tags, either a page at a time (to build an
//! index from nothing) or by id (to follow the change feed).

use std::future::Future;

use prensa_core::{Id, SearchDocument};

use crate::{Result, Store};

/// Which articles [`SearchSource::search_documents`] returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocScope {
    /// Up to `limit` articles with an id above `after`, in id order: walk
    /// the whole store by passing the last id seen, without ever holding
    /// every body in memory at once.
    After { after: Id, limit: u32 },
    /// These articles, those of them that are published (an id missing
    /// from the answer was deleted or unpublished).
    Ids(Vec<Id>),
}

pub trait SearchSource: Store {
    /// Published articles of every publication (future-dated ones
    /// included), in id order, authors in byline order, tags in their
    /// order on the article.
    fn search_documents(&self, scope: &DocScope) -> impl Future<Output = Result<Vec<SearchDocument>>> + Send;
}
