//! Reads shared between pages: made once when every page of a site is
//! rendered in one go (`prensa export static`), and, on a server, once per
//! page cache generation for what every article page shows alike.
//!
//! A server renders a page on a cache miss and asks the store for what is
//! its own (the article, its media, its SEO fields). What every article
//! page of a publication shows alike ("most recent", the sister sites'
//! articles, the custom field definitions, a section's newest for "more
//! from this section") is read once and shared by every page rendered
//! until the cache's next purge ([`FreshReads`]): a purge is what every
//! write and every scheduled article coming due makes, and it moves the
//! cache's generation, which empties these reads as it drops the pages
//! made from them. On an archive most traffic is cold article pages, and
//! this takes four of a cold page's seven statements away. An export
//! renders every page of an archive that does not change meanwhile, and
//! most of what a page reads is the same for thousands of pages: "most
//! recent", the sister sites' articles and the custom fields on every
//! article page; a section's, author's or tag's articles on each of the
//! list's pages, its feeds, the home page's section blocks and "more from
//! this section"; a feed item on the three feeds of each list it is in.
//! With [`crate::state::AppState::keep_shared_reads`] the functions here
//! read each of those once and keep it for the state's life; without it
//! (a server: nothing would purge them) they are the store's calls.
//!
//! A list (section, author, tag) is kept whole, newest first, and its pages
//! are cut from it as the store cuts them (`LIMIT`/`OFFSET`, the same
//! totals), so a page is the same whichever way it was read. The
//! publication's whole list is not kept (it is the whole archive): its few
//! distinct queries (the home page, "most recent", the feed) are kept as
//! asked. Memory: one summary per (list, article) — at 10,000 articles with
//! three tags and two authors each, ~60,000 summaries — plus one feed item
//! per article that is in a feed.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Utc};
use prensa_core::{ArticleExtras, ArticleQuery, ArticleSummary, Author, CustomField, Id, Page, SisterArticle, Tag};
use prensa_render::feed::FeedItem;
use prensa_store::{Result, Store};
use tokio::sync::OnceCell;

use crate::state::AppState;

/// Values by key, each read at most once: pages asking for the same key
/// while it is being read wait for that read instead of repeating it.
struct Memo<K, V>(Mutex<HashMap<K, Arc<OnceCell<V>>>>);

impl<K, V> Default for Memo<K, V> {
    fn default() -> Self {
        Memo(Mutex::new(HashMap::new()))
    }
}

impl<K: Eq + Hash, V: Clone> Memo<K, V> {
    /// Forgets every value (a read in flight still finishes for its caller).
    fn clear(&self) {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).clear();
    }

    async fn get_or_read<E, F: Future<Output = Result<V, E>>>(&self, key: K, read: impl FnOnce() -> F) -> Result<V, E> {
        let cell = self.0.lock().unwrap_or_else(PoisonError::into_inner).entry(key).or_default().clone();
        // A failed read is not kept: the next page asking reads again.
        cell.get_or_try_init(read).await.cloned()
    }
}

/// Which list: the filters of an [`ArticleQuery`] without its window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct ListKey {
    publication: Id,
    section: Option<Id>,
    author: Option<Id>,
    tag: Option<Id>,
}

/// A publication-wide query as asked: (publication, exclude, limit,
/// offset, with_total).
type LatestKey = (Id, Option<Id>, u32, u32, bool);

/// The reads kept (see the module's doc).
#[derive(Default)]
pub struct RenderMemo {
    lists: Memo<ListKey, Arc<Vec<ArticleSummary>>>,
    latest: Memo<LatestKey, Page<ArticleSummary>>,
    sister: Memo<(Id, u32), Vec<SisterArticle>>,
    fields: Memo<Id, Vec<CustomField>>,
    tags: Memo<(Id, String), Option<Tag>>,
    authors: Memo<(Id, String), Option<Author>>,
    writes_for: Memo<Id, Vec<Id>>,
    feed_items: Memo<(Id, Id), Option<FeedItem>>,
    /// SEO and custom field values of the articles of the sections read so
    /// far, each taken out by its article's page (which is rendered once).
    extras: Mutex<HashMap<Id, ArticleExtras>>,
}

/// What a server's pages share until the page cache's next purge (see
/// the module's doc). Bounded by the store's shape, not by traffic: one
/// entry per publication and list length asked for (settings), and per
/// section.
#[derive(Default)]
pub struct FreshReads {
    /// The page cache generation the reads below were made in.
    generation: Mutex<u64>,
    /// A publication's newest articles: (publication, limit).
    latest: Memo<(Id, u32), Page<ArticleSummary>>,
    /// A section's newest articles: (publication, section, limit).
    sections: Memo<(Id, Id, u32), Page<ArticleSummary>>,
    sister: Memo<(Id, u32), Vec<SisterArticle>>,
    fields: Memo<Id, Vec<CustomField>>,
}

impl FreshReads {
    /// These reads as of the cache's `generation`: emptied first if it
    /// moved since they were made (under the lock, so no page takes a read
    /// while they are being emptied). Generations only grow, so a page
    /// rendering from a generation before a purge gets reads made after it
    /// (fresher than its own, and its page is not stored).
    fn at(&self, generation: u64) -> &FreshReads {
        let mut made_in = self.generation.lock().unwrap_or_else(PoisonError::into_inner);
        if *made_in != generation {
            *made_in = generation;
            self.latest.clear();
            self.sections.clear();
            self.sister.clear();
            self.fields.clear();
        }
        self
    }
}

/// A server's [`published_articles`]: a publication's or a section's
/// newest (the first page, no count) from [`FreshReads`], the rest from
/// the store. "More from this section" leaves the article out: the
/// section's newest are read one longer without leaving anything out and
/// the article is dropped here, so every article of a section shares one
/// read.
async fn fresh_published_articles<S: Store>(
    state: &AppState<S>,
    publication: Id,
    query: &ArticleQuery,
    now: DateTime<Utc>,
) -> Result<Page<ArticleSummary>> {
    let newest =
        query.offset == 0 && query.limit > 0 && !query.with_total && query.author.is_none() && query.tag.is_none();
    if !newest {
        return state.store.published_articles(publication, query, now).await;
    }
    let fresh = state.fresh.at(state.cache.generation());
    match query.section {
        None if query.exclude.is_none() => {
            fresh
                .latest
                .get_or_read((publication, query.limit), || state.store.published_articles(publication, query, now))
                .await
        }
        None => state.store.published_articles(publication, query, now).await,
        Some(section) => {
            let wide = ArticleQuery {
                exclude: None,
                limit: query.limit.saturating_add(u32::from(query.exclude.is_some())),
                ..query.clone()
            };
            let page = fresh
                .sections
                .get_or_read((publication, section, wide.limit), || {
                    state.store.published_articles(publication, &wide, now)
                })
                .await?;
            Ok(page_of(&page.items, query))
        }
    }
}

/// [`Store::published_articles`], from the kept lists when there are.
pub async fn published_articles<S: Store>(
    state: &AppState<S>,
    publication: Id,
    query: &ArticleQuery,
    now: DateTime<Utc>,
) -> Result<Page<ArticleSummary>> {
    let Some(memo) = state.memo() else { return fresh_published_articles(state, publication, query, now).await };
    if query.section.is_none() && query.author.is_none() && query.tag.is_none() {
        let key = (publication, query.exclude, query.limit, query.offset, query.with_total);
        return memo.latest.get_or_read(key, || state.store.published_articles(publication, query, now)).await;
    }
    let key = ListKey { publication, section: query.section, author: query.author, tag: query.tag };
    let all = memo
        .lists
        .get_or_read(key, || async {
            let whole = ArticleQuery {
                section: key.section,
                author: key.author,
                tag: key.tag,
                limit: u32::MAX,
                ..Default::default()
            };
            let page = state.store.published_articles(publication, &whole, now).await?;
            if key.section.is_some() {
                // Every article is in one section: its page's SEO and field
                // values are read with its section's, 500 articles a
                // statement, instead of two statements per article page.
                let ids: Vec<Id> = page.items.iter().map(|a| a.id).collect();
                let mut found = state.store.articles_extras(&ids).await?;
                let mut kept = memo.extras.lock().unwrap_or_else(PoisonError::into_inner);
                for id in ids {
                    kept.insert(id, found.remove(&id).unwrap_or_default());
                }
            }
            Ok::<_, prensa_store::StoreError>(Arc::new(page.items))
        })
        .await?;
    Ok(page_of(&all, query))
}

/// The page `query` asks for of a whole list, with the total the store
/// would give: without `with_total` (or with no rows) the rows' count; a
/// short page's total is its offset plus its rows; else the whole count.
fn page_of(all: &[ArticleSummary], query: &ArticleQuery) -> Page<ArticleSummary> {
    let matching = || all.iter().filter(|a| Some(a.id) != query.exclude);
    if query.limit == 0 {
        return Page { items: Vec::new(), total: matching().count() as u64 };
    }
    let items: Vec<ArticleSummary> =
        matching().skip(query.offset as usize).take(query.limit as usize).cloned().collect();
    let total = if !query.with_total || items.is_empty() {
        items.len() as u64
    } else if items.len() < query.limit as usize {
        u64::from(query.offset) + items.len() as u64
    } else {
        matching().count() as u64
    };
    Page { items, total }
}

/// [`Store::sister_articles`], read once per publication when kept (on a
/// server: until the next purge).
pub async fn sister_articles<S: Store>(
    state: &AppState<S>,
    publication: Id,
    limit: u32,
    now: DateTime<Utc>,
) -> Result<Vec<SisterArticle>> {
    let read = || state.store.sister_articles(publication, limit, now);
    match state.memo() {
        Some(memo) => memo.sister.get_or_read((publication, limit), read).await,
        None => state.fresh.at(state.cache.generation()).sister.get_or_read((publication, limit), read).await,
    }
}

/// [`prensa_store::ArticleFields::custom_fields`], read once when kept (on
/// a server: until the next purge).
pub async fn custom_fields<S: Store>(state: &AppState<S>, publication: Id) -> Result<Vec<CustomField>> {
    let read = || state.store.custom_fields(publication);
    match state.memo() {
        Some(memo) => memo.fields.get_or_read(publication, read).await,
        None => state.fresh.at(state.cache.generation()).fields.get_or_read(publication, read).await,
    }
}

/// [`Store::tag_by_slug`], read once per tag when kept.
pub async fn tag_by_slug<S: Store>(state: &AppState<S>, publication: Id, slug: &str) -> Result<Option<Tag>> {
    match state.memo() {
        Some(memo) => {
            memo.tags.get_or_read((publication, slug.to_owned()), || state.store.tag_by_slug(publication, slug)).await
        }
        None => state.store.tag_by_slug(publication, slug).await,
    }
}

/// [`Store::author_by_slug`], read once per author when kept.
pub async fn author_by_slug<S: Store>(state: &AppState<S>, publication: Id, slug: &str) -> Result<Option<Author>> {
    match state.memo() {
        Some(memo) => {
            memo.authors
                .get_or_read((publication, slug.to_owned()), || state.store.author_by_slug(publication, slug))
                .await
        }
        None => state.store.author_by_slug(publication, slug).await,
    }
}

/// [`Store::author_publications`], read once per author when kept.
pub async fn author_publications<S: Store>(state: &AppState<S>, author: Id) -> Result<Vec<Id>> {
    match state.memo() {
        Some(memo) => memo.writes_for.get_or_read(author, || state.store.author_publications(author)).await,
        None => state.store.author_publications(author).await,
    }
}

/// [`prensa_store::ArticleFields::article_extras`], from those read with
/// the article's section when kept.
pub async fn article_extras<S: Store>(state: &AppState<S>, article: Id) -> Result<ArticleExtras> {
    let kept = state.memo().and_then(|m| m.extras.lock().unwrap_or_else(PoisonError::into_inner).remove(&article));
    match kept {
        Some(extras) => Ok(extras),
        None => state.store.article_extras(article).await,
    }
}

/// One article's feed item (`None`: not published), made by `make` once
/// per article when kept: it is the same in every feed that lists it.
pub(crate) async fn feed_item<S: Store, E, F: Future<Output = Result<Option<FeedItem>, E>>>(
    state: &AppState<S>,
    publication: Id,
    article: Id,
    make: impl FnOnce() -> F,
) -> Result<Option<FeedItem>, E> {
    match state.memo() {
        Some(memo) => memo.feed_items.get_or_read((publication, article), make).await,
        None => make().await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(n: i64) -> Vec<ArticleSummary> {
        (1..=n)
            .map(|id| ArticleSummary {
                id,
                slug: format!("a{id}"),
                headline: String::new(),
                standfirst: String::new(),
                authors: Vec::new(),
                section: prensa_core::SectionRef { slug: "s".into(), name: "S".into() },
                image: None,
                published_at: DateTime::from_timestamp(1_700_000_000 - id, 0).expect("time").fixed_offset(),
            })
            .collect()
    }

    fn ids(page: &Page<ArticleSummary>) -> Vec<Id> {
        page.items.iter().map(|a| a.id).collect()
    }

    #[test]
    fn pages_are_cut_as_the_store_cuts_them() {
        let all = list(30);
        let q = |limit, offset, with_total, exclude| ArticleQuery {
            limit,
            offset,
            with_total,
            exclude,
            ..Default::default()
        };
        // A full page counts the whole list; a short one adds up; past the
        // end there is nothing and no total.
        let first = page_of(&all, &q(12, 0, true, None));
        assert_eq!((ids(&first), first.total), ((1..=12).collect(), 30));
        let last = page_of(&all, &q(12, 24, true, None));
        assert_eq!((ids(&last), last.total), ((25..=30).collect(), 30));
        let past = page_of(&all, &q(12, 36, true, None));
        assert_eq!((ids(&past), past.total), (Vec::new(), 0));
        // Without `with_total` the total is the rows'.
        let plain = page_of(&all, &q(5, 0, false, None));
        assert_eq!((ids(&plain), plain.total), ((1..=5).collect(), 5));
        // "More from this section": the article itself left out.
        let more = page_of(&all, &q(5, 0, false, Some(3)));
        assert_eq!(ids(&more), [1, 2, 4, 5, 6]);
        let counted = page_of(&all, &q(0, 0, false, Some(3)));
        assert_eq!((ids(&counted), counted.total), (Vec::new(), 29));
    }

    #[tokio::test]
    async fn each_key_is_read_once_and_failures_are_not_kept() {
        let memo: Memo<u32, u32> = Memo::default();
        let reads = std::sync::atomic::AtomicU32::new(0);
        let read = || async {
            reads.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            Ok::<u32, ()>(7)
        };
        let (a, b) = tokio::join!(memo.get_or_read(1, read), memo.get_or_read(1, read));
        assert_eq!((a, b), (Ok(7), Ok(7)));
        assert_eq!(reads.load(std::sync::atomic::Ordering::Relaxed), 1);
        assert_eq!(memo.get_or_read(2, || async { Err::<u32, &str>("down") }).await, Err("down"));
        assert_eq!(memo.get_or_read(2, || async { Ok::<u32, &str>(9) }).await, Ok(9));
    }
}
