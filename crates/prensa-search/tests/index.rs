//! The search index over a real store (SQLite in memory): what it finds,
//! in which language, and how it follows changes.

use chrono::{DateTime, FixedOffset, Utc};
use prensa_core::{
    AdminQuery, ImportSet, NewArticle, NewAuthor, NewPublication, NewSection, PublicationSettings, SocialLinks, Status,
};
use prensa_search::{SearchIndex, SearchQuery, Sort};
use prensa_store::{Newsroom, SqliteStore, Store};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn date(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).expect("valid test date")
}

fn article(slug: &str, headline: &str, body: &str, published: &str) -> NewArticle {
    NewArticle {
        slug: slug.into(),
        headline: headline.into(),
        standfirst: format!("Standfirst of {slug}"),
        body: body.into(),
        toc: false,
        authors: vec!["ana".into()],
        section: "politics".into(),
        tags: vec!["Labour".into()],
        image: None,
        status: Status::Published,
        published_at: date(published),
        updated_at: None,
        translation_group: None,
    }
}

// Not the shared Meridian: its section, author and two languages are what these searches find.
fn publication(slug: &str, language: &str, articles: Vec<NewArticle>) -> ImportSet {
    ImportSet {
        publication: NewPublication {
            slug: slug.into(),
            name: slug.into(),
            tagline: String::new(),
            language: language.into(),
            base_url: format!("http://{slug}.example"),
            timezone: "UTC".into(),
            social: SocialLinks::default(),
            settings: PublicationSettings::default(),
            api_cors_origins: Vec::new(),
        },
        media: vec![],
        authors: vec![NewAuthor {
            slug: "ana".into(),
            name: "Ana Ribeiro".into(),
            bio: String::new(),
            avatar: None,
            social: SocialLinks::default(),
        }],
        sections: vec![NewSection { slug: "politics".into(), name: "Politics".into(), description: String::new() }],
        articles,
    }
}

fn query(text: &str) -> SearchQuery<'_> {
    SearchQuery { text, sort: Sort::Relevance, limit: 10, offset: 0 }
}

fn slugs(index: &SearchIndex, publication: i64, text: &str, now: DateTime<Utc>) -> Vec<String> {
    index.search(publication, &query(text), now).expect("search").hits.into_iter().map(|h| h.slug).collect()
}

struct World {
    store: SqliteStore,
    index: SearchIndex,
    en: i64,
    de: i64,
}

async fn world() -> Result<World, Box<dyn std::error::Error>> {
    let store = SqliteStore::open("sqlite::memory:").await?;
    store
        .apply_import(
            &publication(
                "meridian",
                "en",
                vec![
                    article(
                        "strike",
                        "Nurses strike for safe staffing",
                        "The nurses **walked out** at dawn. Elections follow.",
                        "2026-01-05T09:00:00Z",
                    ),
                    article(
                        "vote",
                        "An election in the provinces",
                        "Voters queued for hours to elect a new council.",
                        "2026-02-01T09:00:00Z",
                    ),
                    article(
                        "orchards",
                        "Fire season in the orchards",
                        "Smoke over the valley; the <script>alert(1)</script> farmers wait.",
                        "2026-03-01T09:00:00Z",
                    ),
                    article("future", "A scheduled piece on elections", "Not out yet.", "2030-01-01T09:00:00Z"),
                    NewArticle {
                        status: Status::Draft,
                        ..article("draft", "Draft about elections", "Unfinished.", "2026-01-01T09:00:00Z")
                    },
                ],
            ),
            false,
        )
        .await?;
    store
        .apply_import(
            &publication(
                "meridiano",
                "de",
                vec![article(
                    "wahl",
                    "Die Wahlen in München",
                    "Die Arbeiter wählten neue Räte.",
                    "2026-01-10T09:00:00Z",
                )],
            ),
            false,
        )
        .await?;
    let pubs = store.publications().await?;
    let id = |slug: &str| pubs.iter().find(|p| p.slug == slug).map(|p| p.id).expect("publication");
    let (en, de) = (id("meridian"), id("meridiano"));
    let index = SearchIndex::new();
    let langs: Vec<(i64, &str)> = pubs.iter().map(|p| (p.id, p.language.as_str())).collect();
    assert!(index.set_publications(&langs)?, "new indexes need a build");
    let mut seen = Vec::new();
    let done = index.rebuild(&store, |n| seen.push(n)).await?;
    assert_eq!(done.added, 5, "four published English articles (one scheduled) and one German");
    assert_eq!(seen.last(), Some(&5));
    Ok(World { store, index, en, de })
}

fn now() -> DateTime<Utc> {
    date("2026-06-01T00:00:00Z").with_timezone(&Utc)
}

#[tokio::test]
async fn finds_stemmed_words_in_the_publications_language() -> TestResult {
    let w = world().await?;
    // "elections" finds "election" and "elect" (English stemming); the
    // draft never, the scheduled piece not before its date.
    let mut found = slugs(&w.index, w.en, "elections", now());
    found.sort();
    assert_eq!(found, ["strike", "vote"]);
    let later = date("2030-06-01T00:00:00Z").with_timezone(&Utc);
    assert!(slugs(&w.index, w.en, "elections", later).contains(&"future".to_owned()));
    // The headline weighs most.
    assert_eq!(slugs(&w.index, w.en, "election", now())[0], "vote");
    // German: "Wahl" finds "Wahlen", "Munchen" finds "München"; the English
    // site knows nothing of it.
    assert_eq!(slugs(&w.index, w.de, "wahl munchen", now()), ["wahl"]);
    assert!(slugs(&w.index, w.en, "wahl", now()).is_empty());
    // Bylines, sections and tags are searchable too.
    assert_eq!(slugs(&w.index, w.en, "ribeiro orchards", now()), ["orchards"]);
    // All words must match; a phrase must match in order.
    assert!(slugs(&w.index, w.en, "nurses orchards", now()).is_empty());
    assert_eq!(slugs(&w.index, w.en, "\"walked out\"", now()), ["strike"]);
    assert!(slugs(&w.index, w.en, "\"out walked\"", now()).is_empty());
    Ok(())
}

#[tokio::test]
async fn results_carry_a_card_and_a_marked_snippet() -> TestResult {
    let w = world().await?;
    let results = w.index.search(w.en, &query("walked"), now())?;
    assert_eq!(results.total, 1);
    let hit = &results.hits[0];
    assert_eq!((hit.headline.as_str(), hit.section.name.as_str()), ("Nurses strike for safe staffing", "Politics"));
    assert_eq!(hit.authors[0].name, "Ana Ribeiro");
    assert_eq!(hit.published_at, date("2026-01-05T09:00:00Z"));
    assert_eq!(hit.snippet.text, "The nurses walked out at dawn. Elections follow.");
    assert_eq!(hit.snippet.marks.iter().map(|m| &hit.snippet.text[m.clone()]).collect::<Vec<_>>(), ["walked"]);
    assert!(!hit.snippet.cut_before && !hit.snippet.cut_after, "the whole body fits");
    // Raw HTML in a body is neither indexed nor part of a snippet.
    assert!(slugs(&w.index, w.en, "script", now()).is_empty());
    let smoke = w.index.search(w.en, &query("farmers"), now())?;
    assert!(!smoke.hits[0].snippet.text.contains("script"), "{:?}", smoke.hits[0].snippet);
    Ok(())
}

#[tokio::test]
async fn hostile_or_empty_queries_answer_quietly() -> TestResult {
    let w = world().await?;
    for text in [
        "",
        "   ",
        "\"",
        "(((",
        "headline:",
        "a:b:c",
        "*",
        "[0 TO *]",
        "-",
        "+-+",
        "published:[0 TO 99999999999]",
        "\u{0}",
    ] {
        let r = w.index.search(w.en, &query(text), now())?;
        assert!(r.hits.iter().all(|h| h.slug != "future" && h.slug != "draft"), "{text:?} reached hidden articles");
    }
    let long = "election ".repeat(1000);
    assert_eq!(w.index.search(w.en, &query(&long), now())?.total, 2, "only the first 256 characters count");
    assert!(w.index.search(999, &query("x"), now()).is_err(), "unknown publication");
    Ok(())
}

#[tokio::test]
async fn sorts_by_date_and_pages() -> TestResult {
    let w = world().await?;
    let newest = SearchQuery { text: "standfirst", sort: Sort::Newest, limit: 2, offset: 0 };
    let page1 = w.index.search(w.en, &newest, now())?;
    assert_eq!(page1.total, 3);
    assert_eq!(page1.hits.iter().map(|h| h.slug.as_str()).collect::<Vec<_>>(), ["orchards", "vote"]);
    let page2 = w.index.search(w.en, &SearchQuery { offset: 2, ..newest }, now())?;
    assert_eq!(page2.hits.iter().map(|h| h.slug.as_str()).collect::<Vec<_>>(), ["strike"]);
    Ok(())
}

#[tokio::test]
async fn refresh_follows_unpublishing_and_edits() -> TestResult {
    let w = world().await?;
    let mut set = publication(
        "meridian",
        "en",
        vec![
            article("strike", "Nurses strike for safe staffing", "Rewritten: a picket line.", "2026-01-05T09:00:00Z"),
            NewArticle {
                status: Status::Draft,
                ..article("vote", "An election in the provinces", "x", "2026-02-01T09:00:00Z")
            },
        ],
    );
    set.articles[0].updated_at = Some(date("2026-01-06T09:00:00Z"));
    w.store.apply_import(&set, false).await?;
    let all = AdminQuery { limit: 50, ..Default::default() };
    let ids: Vec<i64> = w.store.admin_articles(w.en, &all, Utc::now()).await?.items.iter().map(|a| a.id).collect();
    assert_eq!(ids.len(), 5);
    let done = w.index.refresh(&w.store, &ids).await?;
    assert_eq!(done.removed, 2, "the unpublished vote and the draft are out: {done:?}");
    assert_eq!(slugs(&w.index, w.en, "picket", now()), ["strike"]);
    assert!(slugs(&w.index, w.en, "dawn", now()).is_empty(), "old text gone");
    assert!(slugs(&w.index, w.en, "voters", now()).is_empty(), "unpublished article gone");
    assert_eq!(w.index.len(w.de), 1, "other publications untouched");
    Ok(())
}
