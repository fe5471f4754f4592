//! The page-weight budget, measured on the page readers get: the demo's
//! long read (~1,500 words, a table of contents, footnotes, its hero image
//! with variants, its author box, six tags, four cards "more from" its
//! section and four "most recent") served by the real router to a browser
//! that accepts brotli, plus the stylesheet it links, as served too. Views
//! built by hand would miss whatever the web layer adds.

use axum::body::Body;
use axum::Router;
use http::{header, Request, StatusCode};
use prensa_store::{MediaDir, SqliteStore, Store};
use prensa_test_support::web;
use prensa_web::WebConfig;
use tower::ServiceExt;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

/// Readers' browsers all accept brotli; pages are cached compressed with it.
const BUDGET: usize = 8 * 1024;

/// The status, `Content-Encoding` and body bytes (as sent, not decoded) of
/// a GET with a browser's `Accept-Encoding`.
async fn fetch(router: &Router, path: &str) -> Res<(StatusCode, String, Vec<u8>)> {
    let req = Request::builder()
        .uri(path)
        .header(header::HOST, "localhost:8080")
        .header(header::ACCEPT_ENCODING, "gzip, deflate, br, zstd")
        .body(Body::empty())?;
    let res = router.clone().oneshot(req).await?;
    let status = res.status();
    let encoding = res.headers().get(header::CONTENT_ENCODING).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let body = axum::body::to_bytes(res.into_body(), usize::MAX).await?.to_vec();
    Ok((status, encoding, body))
}

/// The demo content (its media files too) behind the real router, on an
/// in-memory store; the media directory lives as long as the second half.
async fn demo_router() -> Res<(Router, tempfile::TempDir)> {
    let demo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../demo");
    let prepared = prensa_import::load_dir(&demo)?;
    let dir = tempfile::tempdir()?;
    let media = MediaDir::new(dir.path());
    for f in &prepared.files {
        media.put_file(&f.key, &f.source)?;
    }
    let store = SqliteStore::open("sqlite::memory:").await?;
    store.apply_import(&prepared.set, false).await?;
    let (_, router) = web::serve_media(store, media, WebConfig::default()).await?;
    Ok((router, dir))
}

/// The address of the stylesheet a page links.
fn stylesheet_url(html: &str) -> Res<&str> {
    let at = html.find("<link rel=\"stylesheet\" href=\"").ok_or("stylesheet link")? + 29;
    Ok(&html[at..at + html[at..].find('"').ok_or("end of link")?])
}

fn unbrotli(bytes: &[u8]) -> Res<String> {
    let mut out = Vec::new();
    std::io::Read::read_to_end(&mut brotli::Decompressor::new(bytes, 4096), &mut out)?;
    Ok(String::from_utf8(out)?)
}

#[tokio::test]
async fn the_served_long_read_and_its_stylesheet_fit_the_budget() -> Res<()> {
    let (router, _media) = demo_router().await?;

    // A miss is filled at fast compression levels and a page asked for
    // again is recompressed at the best ones in the background (see
    // `PageCache::note_hit`): the budget is about the page readers get
    // once it is hot, so ask until the smaller bytes are served.
    let (status, encoding, first) = fetch(&router, "/long-read-benchmark-feature/").await?;
    assert_eq!((status, encoding.as_str()), (StatusCode::OK, "br"));
    let mut page = first.clone();
    for _ in 0..200 {
        let (_, _, again) = fetch(&router, "/long-read-benchmark-feature/").await?;
        if again.len() < first.len() {
            page = again;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert!(page.len() < first.len(), "the hot page was recompressed ({} bytes at the fast levels)", first.len());
    let html = unbrotli(&page)?;
    assert_eq!(html, unbrotli(&first)?, "the same page either way");
    // The page is the one the budget is about.
    for part in [
        "<nav class=\"toc\"",
        "<section class=\"footnotes\"",
        " srcset=\"/media/",
        "class=\"author-box\"",
        "class=\"more-from-section\"",
        "class=\"most-recent\"",
    ] {
        assert!(html.contains(part), "the long read's page has {part}");
    }
    assert_eq!(html.matches("<article class=\"card\">").count(), 8, "four cards from its section, four most recent");
    let css_url = stylesheet_url(&html)?;
    let (status, encoding, css) = fetch(&router, css_url).await?;
    assert_eq!((status, encoding.as_str()), (StatusCode::OK, "br"), "{css_url}");
    assert!(unbrotli(&css)?.contains('{'), "{css_url} is the stylesheet");

    assert!(
        page.len() + css.len() < BUDGET,
        "the long read as served is {} bytes brotli ({} bytes of HTML) and its stylesheet {} bytes: {} in all, \
         not under the budget of {BUDGET}",
        page.len(),
        html.len(),
        css.len(),
        page.len() + css.len()
    );
    eprintln!(
        "long read {} + stylesheet {} = {} bytes brotli (budget {BUDGET})",
        page.len(),
        css.len(),
        page.len() + css.len()
    );
    Ok(())
}

/// Issue 14: aligned table columns (`---:`) came out as inline `style=`,
/// which the site's CSP (`style-src 'self'`) blocks — numbers lost their
/// alignment and each page logged console errors. They are classes now,
/// styled by the theme's stylesheet.
#[tokio::test]
async fn the_demos_aligned_tables_use_classes_the_stylesheet_styles() -> Res<()> {
    let (router, _media) = demo_router().await?;
    let (status, _, page) = fetch(&router, "/the-heat-pump-paradox/").await?;
    assert_eq!(status, StatusCode::OK);
    let html = unbrotli(&page)?;
    assert!(html.contains("<th class=\"align-right\">") && html.contains("<td class=\"align-right\">"), "{html}");
    assert!(!html.contains("style="), "no inline style anywhere on the page");
    let css_url = stylesheet_url(&html)?;
    let css = unbrotli(&fetch(&router, css_url).await?.2)?;
    assert!(
        css.contains(".align-right{text-align:right}") && css.contains(".align-center{text-align:center}"),
        "{css}"
    );
    Ok(())
}

/// Issue 14: the author page printed the bio twice — as the list's
/// standfirst and in the author box. Once now (the summary stays the meta
/// description).
#[tokio::test]
async fn the_author_page_prints_the_bio_once() -> Res<()> {
    let (router, _media) = demo_router().await?;
    let (status, _, page) = fetch(&router, "/author/ana-ribeiro/").await?;
    assert_eq!(status, StatusCode::OK);
    let html = unbrotli(&page)?;
    let body = &html[html.find("<body").ok_or("body")?..];
    let phrase = "a small bilingual news agency out of a rented room above a bakery";
    assert_eq!(body.matches(phrase).count(), 1, "{body}");
    assert!(
        html[..html.find("<body").ok_or("body")?].contains("<meta name=\"description\" content=\"Ana Ribeiro is"),
        "{html}"
    );
    Ok(())
}
