//! What the Content API (`/api/content/v1/`) reads beyond [`Store`]:
//! articles filtered and paged by a keyset cursor, complete as the article
//! page reads them, and a publication's authors and tags. The SQL is
//! written once for both backends in `content_api_sql.rs`.

use std::future::Future;

use chrono::{DateTime, Utc};
use prensa_core::{Article, Author, Id, Tag};

use crate::{Result, Store};

/// Which published articles [`ContentApi::api_articles`] returns. All
/// filters combine with AND; the list is newest first, `(published_at, id)`
/// descending, so a position in it is that pair.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArticleFilter {
    pub section: Option<Id>,
    pub tag: Option<Id>,
    pub author: Option<Id>,
    /// A BCP 47 language tag, lowercase: articles readable in it — written
    /// in it (their publication's language) or with a visible translation
    /// in it.
    pub language: Option<String>,
    /// Published at or after this instant (UTC seconds).
    pub published_after: Option<i64>,
    /// Published strictly before this instant (UTC seconds).
    pub published_before: Option<i64>,
    /// Only articles after this position of the list: `(published_at` in UTC
    /// seconds`, id)` of the last one of the previous page. Keyset paging,
    /// so articles published meanwhile neither shift nor repeat a page.
    pub after: Option<(i64, Id)>,
    pub limit: u32,
}

pub trait ContentApi: Store {
    /// Published articles (status published, date come) of `publication`
    /// matching `filter`, newest first, at most `filter.limit`, each as
    /// [`Store::published_article`] gives it (authors, tags, section,
    /// hero image, visible translations).
    fn api_articles(
        &self,
        publication: Id,
        filter: &ArticleFilter,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<Vec<Article>>> + Send;

    /// The authors who write for `publication`, by name, each with the bio
    /// in the publication's language where there is one.
    fn api_authors(&self, publication: Id) -> impl Future<Output = Result<Vec<Author>>> + Send;

    /// The publication's tags that at least one published article carries,
    /// by name, with the number of such articles.
    fn api_tags(&self, publication: Id, now: DateTime<Utc>) -> impl Future<Output = Result<Vec<(Tag, u64)>>> + Send;
}
