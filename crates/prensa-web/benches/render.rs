//! P2: an uncached render of the demo's ~1,500-word feature — store reads,
//! Markdown, template — against a database loaded with the demo magazine:
//! a SQLite file always, and PostgreSQL too when `PRENSA_BENCH_POSTGRES_URL`
//! names a server (a schema of its own is created and dropped with `psql`).
//! Criterion gives means; a second pass of 5,000 timed renders gives the
//! percentiles the issues ask for (p50, p99).
//!
//! Run: cargo bench -p prensa-web --bench render
//!      PRENSA_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test cargo bench -p prensa-web --bench render

use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{criterion_group, Criterion};
use prensa_store::{AnyStore, MediaDir, Store};
use prensa_web::public::render;
use prensa_web::route::Route;
use prensa_web::{AppState, WebConfig};

const SLUG: &str = "long-read-benchmark-feature";

fn setup(rt: &tokio::runtime::Runtime, dir: &std::path::Path, url: &str) -> Arc<AppState<AnyStore>> {
    rt.block_on(async {
        let demo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../demo");
        let prepared = prensa_import::load_dir(&demo).expect("demo content is valid");
        let media = MediaDir::new(dir.join("media"));
        for f in &prepared.files {
            media.put_file(&f.key, &f.source).expect("copy media");
        }
        let store = AnyStore::open(url).await.expect("open");
        store.apply_import(&prepared.set, false).await.expect("import");
        AppState::new(store, media, WebConfig::default()).await.expect("state")
    })
}

fn psql(url: &str, sql: &str) {
    let ok = std::process::Command::new("psql").args(["-q", url, "-c", sql]).status().is_ok_and(|s| s.success());
    assert!(ok, "psql failed: {sql}");
}

fn measure(c: &mut Criterion, rt: &tokio::runtime::Runtime, backend: &str, state: &Arc<AppState<AnyStore>>) {
    let sites = state.sites();
    let site = sites.list.first().expect("demo publication").clone();
    let once = || rt.block_on(render(state, &site, Route::Article(SLUG.into()))).expect("render");
    eprintln!("{backend}: page of {} bytes of HTML", once().html.len());

    // The parts, to see where the time goes.
    let publication = site.publication.id;
    let now = chrono::Utc::now();
    c.bench_function(&format!("{backend}/part_store_article"), |b| {
        b.iter(|| rt.block_on(state.store.published_article(publication, SLUG, now)).expect("article"))
    });
    let recent = prensa_core::ArticleQuery { limit: 4, ..Default::default() };
    c.bench_function(&format!("{backend}/part_store_list_of_4"), |b| {
        b.iter(|| rt.block_on(state.store.published_articles(publication, &recent, now)).expect("list"))
    });
    let article = rt.block_on(state.store.published_article(publication, SLUG, now)).expect("ok").expect("article");
    c.bench_function(&format!("{backend}/part_markdown"), |b| {
        b.iter(|| prensa_render::markdown::render(&article.body, &prensa_render::markdown::Options::default()))
    });
    let lists = prensa_web::views::ArticleLists {
        more_from_section: rt.block_on(state.store.published_articles(publication, &recent, now)).expect("l").items,
        most_recent: rt.block_on(state.store.published_articles(publication, &recent, now)).expect("l").items,
        body_media: Default::default(),
    };
    c.bench_function(&format!("{backend}/part_views"), |b| {
        b.iter(|| prensa_web::views::article(&site, &article, &lists))
    });
    let (meta, view) = prensa_web::views::article(&site, &article, &lists);
    let page_view = prensa_render::view::PageView { site: &site.view, meta, t: &site.strings, page: view };
    c.bench_function(&format!("{backend}/part_template"), |b| {
        b.iter(|| state.theme.render(prensa_render::theme::Template::Article, &page_view).expect("render"))
    });
    c.bench_function(&format!("{backend}/render_article_uncached"), |b| b.iter(once));
    // A cache fill: render, then compress at the fill's fast level in the
    // encoding a browser asks for (brotli; what a miss costs now), and in
    // both at the best levels (what it cost before; now paid in the
    // background for pages that stay hot).
    let browser = prensa_web::cache::Encoding::Brotli;
    c.bench_function(&format!("{backend}/render_and_compress_article"), |b| b.iter(|| once().into_cached(browser)));
    c.bench_function(&format!("{backend}/render_and_compress_best_article"), |b| {
        b.iter(|| {
            let page = once();
            prensa_web::cache::CachedPage::new(page.status, page.content_type, page.html.into_bytes(), page.keys)
        })
    });

    // Percentiles: criterion reports means and medians only.
    let samples: Vec<Duration> = (0..5_000)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(once());
            start.elapsed()
        })
        .collect();
    report(backend, "render_article_uncached", samples);
    let fills: Vec<Duration> = (0..2_000)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(once().into_cached(browser));
            start.elapsed()
        })
        .collect();
    report(backend, "cache_fill (render + fast brotli)", fills);
}

fn report(backend: &str, what: &str, mut samples: Vec<Duration>) {
    samples.sort_unstable();
    let pct = |p: f64| samples[((samples.len() as f64 * p) as usize).min(samples.len() - 1)];
    println!(
        "{backend}/{what} percentiles over {} runs: p50 {:?}  p90 {:?}  p99 {:?}  max {:?}",
        samples.len(),
        pct(0.50),
        pct(0.90),
        pct(0.99),
        samples[samples.len() - 1]
    );
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let dir = tempfile::tempdir().expect("tempdir");
    let sqlite = setup(&rt, dir.path(), &format!("sqlite://{}", dir.path().join("bench.db").display()));
    measure(c, &rt, "sqlite", &sqlite);

    if let Ok(base) = std::env::var("PRENSA_BENCH_POSTGRES_URL") {
        let schema = format!("bench_render_{}", std::process::id());
        psql(&base, &format!("CREATE SCHEMA {schema}"));
        let sep = if base.contains('?') { '&' } else { '?' };
        let postgres = setup(&rt, dir.path(), &format!("{base}{sep}options[search_path]={schema}"));
        measure(c, &rt, "postgres", &postgres);
        drop(postgres);
        psql(&base, &format!("DROP SCHEMA {schema} CASCADE"));
    } else {
        eprintln!("postgres: skipped (PRENSA_BENCH_POSTGRES_URL not set)");
    }
}

criterion_group!(benches, bench);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
