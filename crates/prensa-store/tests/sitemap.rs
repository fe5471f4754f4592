//! The sitemaps' reads ([`SitemapSource`]) on SQLite and PostgreSQL: only
//! visible articles (never drafts, never scheduled ones before their
//! time), months in UTC with counts and lastmod, a month's range in
//! pieces, each article's visible translation group, the list pages with
//! visible articles; and the plan of a month's read uses `articles_by_date`
//! rather than scanning the archive.

#[macro_use]
mod common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use common::*;
use prensa_core::{ImportSet, NetworkImport, NewArticle, NewTranslation, Status};
use prensa_store::{AnyStore, SitemapRange, SitemapSource, Store};
use sqlx::Connection;

fn art(slug: &str, published: &str, status: Status, tags: &[&str]) -> NewArticle {
    NewArticle {
        slug: slug.into(),
        headline: format!("Headline {slug}"),
        standfirst: String::new(),
        body: "Body".into(),
        toc: false,
        authors: vec!["ana".into()],
        section: "labor".into(),
        tags: tags.iter().map(|t| (*t).to_owned()).collect(),
        image: None,
        status,
        published_at: date(published),
        updated_at: None,
        translation_group: None,
    }
}

/// English (`meridian`) and German (`meridian-de`) sisters; `chile` is
/// translated into German.
fn network() -> NetworkImport {
    let mut en = fixture();
    en.articles = vec![
        // 23:30 at -05:00 is December 1st in UTC: the month is UTC's.
        art("chile", "2026-11-30T23:30:00-05:00", Status::Published, &["Ports"]),
        art("other", "2026-11-05T10:00:00+01:00", Status::Published, &[]),
        art("draft", "2026-11-06T10:00:00+00:00", Status::Draft, &["Drafts"]),
        // Scheduled at `now()` (2026-06-01 12:00 UTC): due half an hour later.
        art("soon", "2026-06-01T12:30:00+00:00", Status::Published, &["Soon"]),
        art("june", "2026-06-01T11:00:00+00:00", Status::Published, &[]),
    ];
    en.articles[1].updated_at = Some(date("2026-11-20T08:00:00+01:00"));
    let mut de: ImportSet = fixture();
    de.publication.slug = "meridian-de".into();
    de.publication.language = "de".into();
    de.publication.base_url = "http://localhost:8080/de".into();
    de.media.clear();
    de.articles = vec![art("chile-de", "2026-12-02T10:00:00+01:00", Status::Published, &[])];
    NetworkImport {
        sets: vec![en, de],
        translations: vec![NewTranslation {
            publication: "meridian-de".into(),
            article: "chile-de".into(),
            original_language: "en".into(),
            original_slug: "chile".into(),
            source: "de/articles/chile-de.md:3".into(),
        }],
    }
}

/// `now()` of the common fixture is 2026-06-01; these reads look later.
fn later() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 31, 0, 0, 0).single().expect("valid")
}

fn month(y: i32, m: u32, from_offset: u64, limit: u32) -> SitemapRange {
    let from = Utc.with_ymd_and_hms(y, m, 1, 0, 0, 0).single().expect("valid");
    let to =
        if m == 12 { Utc.with_ymd_and_hms(y + 1, 1, 1, 0, 0, 0) } else { Utc.with_ymd_and_hms(y, m + 1, 1, 0, 0, 0) };
    SitemapRange { from, to: to.single().expect("valid"), offset: from_offset, limit, newest_first: false }
}

async fn publication(store: &AnyStore, slug: &str) -> Result<i64, Box<dyn std::error::Error>> {
    Ok(store.publications().await?.into_iter().find(|p| p.slug == slug).ok_or("publication")?.id)
}

async fn months_articles_and_groups(store: AnyStore) -> TestResult {
    store.apply_network(&network(), false).await?;
    let en = publication(&store, "meridian").await?;
    let de = publication(&store, "meridian-de").await?;

    // At `now()` the scheduled `soon` is not visible; later it is.
    let months = store.sitemap_months(en, now()).await?;
    let summary: Vec<(i32, u32, u64)> = months.iter().map(|m| (m.year, m.month, m.articles)).collect();
    assert_eq!(summary, [(2026, 6, 1)], "only `june` is visible on June 1st at noon");
    let months = store.sitemap_months(en, later()).await?;
    let summary: Vec<(i32, u32, u64)> = months.iter().map(|m| (m.year, m.month, m.articles)).collect();
    assert_eq!(summary, [(2026, 12, 1), (2026, 11, 1), (2026, 6, 2)], "newest first, drafts never, UTC months");
    // November's lastmod is `other`'s update, not its publication.
    assert_eq!(months[1].lastmod, date("2026-11-20T08:00:00+01:00").with_timezone(&Utc));
    assert_eq!(months[0].lastmod, date("2026-11-30T23:30:00-05:00").with_timezone(&Utc));

    // A month's articles, oldest first, in pieces.
    let june = store.sitemap_articles(en, &month(2026, 6, 0, 10), later()).await?;
    let slugs: Vec<&str> = june.iter().map(|a| a.slug.as_str()).collect();
    assert_eq!(slugs, ["june", "soon"]);
    let second = store.sitemap_articles(en, &month(2026, 6, 1, 1), later()).await?;
    assert_eq!(second.iter().map(|a| a.slug.as_str()).collect::<Vec<_>>(), ["soon"]);
    assert!(store.sitemap_articles(en, &month(2026, 6, 2, 1), later()).await?.is_empty(), "a piece past the end");
    let at_noon = store.sitemap_articles(en, &month(2026, 6, 0, 10), now()).await?;
    assert_eq!(at_noon.iter().map(|a| a.slug.as_str()).collect::<Vec<_>>(), ["june"], "scheduled: absent until due");
    let nov = store.sitemap_articles(en, &month(2026, 11, 0, 10), later()).await?;
    assert_eq!(nov.iter().map(|a| a.slug.as_str()).collect::<Vec<_>>(), ["other"], "the draft is never listed");
    assert_eq!(nov[0].published_at, date("2026-11-05T10:00:00+01:00"));
    assert_eq!(nov[0].published_at.offset().local_minus_utc(), 3600, "offsets are kept");
    assert_eq!(nov[0].updated_at, date("2026-11-20T08:00:00+01:00"));
    assert!(nov[0].alternates.is_empty(), "no translations, no alternates");

    // `chile` and its German translation, each with the whole group.
    let dec = store.sitemap_articles(en, &month(2026, 12, 0, 10), later()).await?;
    assert_eq!(dec.len(), 1);
    let group: Vec<(&str, &str, bool)> =
        dec[0].alternates.iter().map(|t| (t.language.as_str(), t.slug.as_str(), t.original)).collect();
    assert_eq!(group, [("de", "chile-de", false), ("en", "chile", true)]);
    assert_eq!(dec[0].alternates[0].base_url, "http://localhost:8080/de");
    let de_dec = store.sitemap_articles(de, &month(2026, 12, 0, 10), later()).await?;
    assert_eq!(de_dec[0].slug, "chile-de");
    assert_eq!(de_dec[0].alternates, dec[0].alternates, "the same group from either side");
    // Before the German one is out, neither lists alternates.
    let early = Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).single().ok_or("date")?;
    let alone = store.sitemap_articles(en, &month(2026, 12, 0, 10), early).await?;
    assert!(alone[0].alternates.is_empty(), "{:?}", alone[0].alternates);

    // The news window: newest first, bounded.
    let window =
        SitemapRange { from: later() - Duration::days(400), to: later(), offset: 0, limit: 2, newest_first: true };
    let news = store.sitemap_articles(en, &window, later()).await?;
    assert_eq!(news.iter().map(|a| a.slug.as_str()).collect::<Vec<_>>(), ["chile", "other"]);
    assert_eq!(news[0].headline, "Headline chile");

    // List pages with visible articles only (no `Drafts`, no `Soon` yet).
    let lists = store.sitemap_lists(en, now()).await?;
    let slugs = |l: &[prensa_store::SitemapListing]| l.iter().map(|x| x.slug.clone()).collect::<Vec<_>>();
    assert_eq!(slugs(&lists.sections), ["labor"]);
    assert_eq!(slugs(&lists.authors), ["ana"]);
    assert!(lists.tags.is_empty(), "{:?}", lists.tags);
    let lists = store.sitemap_lists(en, later()).await?;
    assert_eq!(slugs(&lists.tags), ["ports", "soon"]);
    assert_eq!(lists.sections[0].lastmod, date("2026-11-30T23:30:00-05:00").with_timezone(&Utc));
    assert!(store.sitemap_lists(de, now()).await?.sections.is_empty(), "nothing of the German one is out in June");
    Ok(())
}

on_every_backend!(months_articles_and_groups);

/// Many articles of one publication over many months, so that a planner
/// has a reason to prefer the index.
fn archive(n: usize) -> ImportSet {
    let mut set = fixture();
    let start = Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).single().expect("valid");
    set.articles = (0..n)
        .map(|i| {
            let at = (start + Duration::hours(7 * i as i64)).fixed_offset();
            let mut a = art(&format!("a-{i}"), &at.to_rfc3339(), Status::Published, &[]);
            a.published_at = at;
            a
        })
        .collect();
    set
}

fn plan_text(lines: &[String]) -> String {
    lines.join("\n")
}

#[tokio::test]
async fn a_month_reads_its_index_range_on_sqlite() -> TestResult {
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}", dir.path().join("plan.db").display());
    let store = AnyStore::open(&url).await?;
    store.apply_import(&archive(3_000), false).await?;
    let mut conn = sqlx::SqliteConnection::connect(&url).await?;
    sqlx::query("ANALYZE").execute(&mut conn).await?;
    let sql = format!("EXPLAIN QUERY PLAN {}", prensa_store::sitemap::articles_statement(false));
    let rows: Vec<(i64, i64, i64, String)> = sqlx::query_as(&sql)
        .bind(1_i64)
        .bind(later().timestamp())
        .bind(Utc.with_ymd_and_hms(2021, 3, 1, 0, 0, 0).single().ok_or("date")?.timestamp())
        .bind(Utc.with_ymd_and_hms(2021, 4, 1, 0, 0, 0).single().ok_or("date")?.timestamp())
        .bind(50_000_i64)
        .bind(0_i64)
        .fetch_all(&mut conn)
        .await?;
    let plan = plan_text(&rows.into_iter().map(|r| r.3).collect::<Vec<_>>());
    assert!(
        plan.contains("SEARCH a USING INDEX articles_by_date (publication_id=? AND status=? AND published_at>"),
        "{plan}"
    );
    assert!(!plan.contains("SCAN a"), "{plan}");
    conn.close().await?;
    Ok(())
}

#[tokio::test]
async fn a_month_reads_its_index_range_on_postgres() -> TestResult {
    let Some(schema) = PgSchema::create().await? else { return Ok(()) };
    let store = schema.store().await?;
    store.apply_import(&archive(3_000), false).await?;
    store.close().await;
    let mut conn = sqlx::PgConnection::connect(&schema.url()).await?;
    sqlx::query("ANALYZE articles").execute(&mut conn).await?;
    let statement = prensa_store::sitemap::articles_statement(false);
    let mut n = 0;
    let numbered: String = statement
        .chars()
        .map(|c| {
            if c == '?' {
                n += 1;
                format!("${n}")
            } else {
                c.to_string()
            }
        })
        .collect();
    let rows: Vec<(String,)> = sqlx::query_as(&format!("EXPLAIN {numbered}"))
        .bind(1_i64)
        .bind(later().timestamp())
        .bind(Utc.with_ymd_and_hms(2021, 3, 1, 0, 0, 0).single().ok_or("date")?.timestamp())
        .bind(Utc.with_ymd_and_hms(2021, 4, 1, 0, 0, 0).single().ok_or("date")?.timestamp())
        .bind(50_000_i64)
        .bind(0_i64)
        .fetch_all(&mut conn)
        .await?;
    let plan = plan_text(&rows.into_iter().map(|r| r.0).collect::<Vec<_>>());
    assert!(plan.contains("articles_by_date"), "{plan}");
    assert!(!plan.contains("Seq Scan on articles"), "{plan}");
    conn.close().await?;
    Ok(())
}
