//! The feeds of a publication and of each section, author and tag (RSS,
//! Atom, JSON Feed): the store's newest articles turned into a
//! [`prensa_render::feed::FeedView`] and written by `prensa-render`.
//!
//! A feed is a page like any other for the rest of the site: the route
//! parser gives its one canonical URL, [`crate::public::render`] calls
//! [`render`] on a cache miss, and the page cache keeps it with its
//! surrogate keys — the list's own key (`Recent` for the publication's
//! feed, else `Section`/`Author`/`Tag`), as on the list's HTML page, plus
//! `Article(id)` of each item — so a publish, edit or unpublish purges
//! exactly the feeds that list (or will list) the article. A scheduled
//! article comes due by the watcher's purge of everything.

use chrono::Utc;
use http::StatusCode;
use prensa_core::{ArticleQuery, FeedContent};
use prensa_render::feed::{self, FeedCategory, FeedFormat, FeedImage, FeedItem, FeedPerson, FeedView};
use prensa_render::markdown;
use prensa_store::Store;

use crate::cache::SurrogateKey;
use crate::error::AppError;
use crate::memo;
use crate::public::RenderedPage;
use crate::route::FeedOf;
use crate::state::{AppState, Site};
use crate::views;

/// Items per feed: a constant, not a setting. Twenty is what most feed
/// readers poll for and covers more than a day of a busy magazine; the
/// full archive is on the site's list pages and in the sitemaps.
pub const FEED_ITEMS: u32 = 20;

/// What differs between the four kinds of feed.
struct Spec {
    title: String,
    description: String,
    page_path: String,
    query: ArticleQuery,
    key: SurrogateKey,
}

async fn spec<S: Store>(state: &AppState<S>, site: &Site, of: &FeedOf) -> Result<Spec, AppError> {
    let p = &site.publication;
    let titled = |heading: &str| format!("{heading} — {}", p.name);
    Ok(match of {
        FeedOf::Publication => Spec {
            title: p.name.clone(),
            description: p.tagline.clone(),
            page_path: "/".to_owned(),
            query: ArticleQuery::default(),
            key: SurrogateKey::Recent,
        },
        FeedOf::Section(slug) => {
            let s = site.sections.iter().find(|s| &s.slug == slug).ok_or(AppError::NotFound)?;
            Spec {
                title: titled(&s.name),
                description: if s.description.is_empty() { s.name.clone() } else { s.description.clone() },
                page_path: views::section_path(&s.slug, 1),
                query: ArticleQuery { section: Some(s.id), ..Default::default() },
                key: SurrogateKey::Section(s.id),
            }
        }
        FeedOf::Author(slug) => {
            let a = memo::author_by_slug(state, p.id, slug).await?.ok_or(AppError::NotFound)?;
            Spec {
                title: titled(&a.name),
                description: crate::public::plain_summary(&a.bio),
                page_path: views::author_path(&a.slug, 1),
                query: ArticleQuery { author: Some(a.id), ..Default::default() },
                key: SurrogateKey::Author(a.id),
            }
        }
        FeedOf::Tag(slug) => {
            let t = memo::tag_by_slug(state, p.id, slug).await?.ok_or(AppError::NotFound)?;
            Spec {
                title: titled(&t.name),
                description: site.locale.t_with("articles_tagged", &[("tag", &t.name)]),
                page_path: views::tag_path(&t.slug, 1),
                query: ArticleQuery { tag: Some(t.id), ..Default::default() },
                key: SurrogateKey::Tag(t.id),
            }
        }
    })
}

/// Renders the feed of `of` in `format` from the store.
pub async fn render<S: Store>(
    state: &AppState<S>,
    site: &Site,
    of: &FeedOf,
    format: FeedFormat,
) -> Result<RenderedPage, AppError> {
    let now = Utc::now();
    let p = &site.publication;
    let spec = spec(state, site, of).await?;
    let query = ArticleQuery { limit: FEED_ITEMS, ..spec.query };
    let list = memo::published_articles(state, p.id, &query, now).await?.items;
    let mut keys = Vec::with_capacity(list.len() + 1);
    keys.push(spec.key);
    let mut items = Vec::with_capacity(list.len());
    // The list gives the items; each article's body, tags and update time
    // come from the article's own statement (the one its page uses), read
    // one after another: a feed is rendered on a cache miss only, at most
    // `FEED_ITEMS` small indexed reads. (An export makes each item once for
    // all the feeds that list it: see `memo`.)
    for summary in &list {
        keys.push(SurrogateKey::Article(summary.id));
        // Unpublished between the two reads: left out (the write that did
        // it purges this feed anyway).
        let made = memo::feed_item(state, p.id, summary.id, || read_item(state, site, &summary.slug, now)).await?;
        if let Some(item) = made {
            items.push(item);
        }
    }
    let updated = items.iter().map(|i| i.updated).max();
    let view = FeedView {
        title: spec.title,
        description: spec.description,
        language: p.language.clone(),
        page_url: p.absolute(&spec.page_path),
        self_url: p.absolute(&views::feed_path(of, format)),
        updated,
        generator: "Prensa",
        generator_version: env!("CARGO_PKG_VERSION"),
        items,
    };
    Ok(RenderedPage {
        status: StatusCode::OK,
        html: feed::render(format, &view),
        keys,
        content_type: format.content_type(),
        last_modified: updated.map(std::time::SystemTime::from),
    })
}

/// The feed item of the published article `slug` (`None`: not published
/// now), with its hero image's type and size for the enclosure.
async fn read_item<S: Store>(
    state: &AppState<S>,
    site: &Site,
    slug: &str,
    now: chrono::DateTime<Utc>,
) -> Result<Option<FeedItem>, AppError> {
    let p = &site.publication;
    let Some(a) = state.store.published_article(p.id, slug, now).await? else { return Ok(None) };
    let image = match &a.image {
        Some(hero) => state.store.media(&hero.image.key).await?.map(|m| FeedImage {
            url: p.absolute(&hero.image.url()),
            media_type: m.content_type,
            bytes: m.bytes,
            width: hero.image.width,
            height: hero.image.height,
            alt: hero.alt.clone(),
        }),
        None => None,
    };
    Ok(Some(item(site, &a, image)))
}

/// One article as a feed item: absolute URLs, its publish date in its own
/// offset and its update on the publication's clock (as its page shows
/// them), the body with absolute links unless the publication's feeds
/// carry summaries.
fn item(site: &Site, a: &prensa_core::Article, image: Option<FeedImage>) -> FeedItem {
    let p = &site.publication;
    let url = p.absolute(&views::article_path(&a.slug));
    let content_html = match p.settings.feed_content {
        FeedContent::Full => {
            let body = markdown::render(&a.body, &markdown::Options { locale: site.locale, ..Default::default() }).html;
            Some(markdown::absolute_links(&body, &url))
        }
        FeedContent::Summary => None,
    };
    let updated = if a.updated_at > a.published_at { views::in_zone(site, a.updated_at) } else { a.published_at };
    let mut categories = Vec::with_capacity(1 + a.tags.len());
    categories
        .push(FeedCategory { name: a.section.name.clone(), url: p.absolute(&views::section_path(&a.section.slug, 1)) });
    categories.extend(
        a.tags.iter().map(|t| FeedCategory { name: t.name.clone(), url: p.absolute(&views::tag_path(&t.slug, 1)) }),
    );
    FeedItem {
        title: a.headline.clone(),
        summary: a.standfirst.clone(),
        content_html,
        published: a.published_at,
        updated,
        authors: a
            .authors
            .iter()
            .map(|x| FeedPerson { name: x.name.clone(), url: p.absolute(&views::author_path(&x.slug, 1)) })
            .collect(),
        categories,
        image,
        url,
    }
}
