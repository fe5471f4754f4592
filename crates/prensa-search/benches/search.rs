//! Index build and query time over a synthetic archive in a real store
//! (SQLite in memory): `cargo bench -p prensa-search`. ARTICLES sets the
//! archive size (default 5,000; each article ~600 words).

use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use criterion::{criterion_group, criterion_main, Criterion};
use prensa_core::{
    ImportSet, NewArticle, NewAuthor, NewPublication, NewSection, PublicationSettings, SocialLinks, Status,
};
use prensa_search::{SearchIndex, SearchQuery, Sort};
use prensa_store::{SqliteStore, Store};

/// A small deterministic generator (xorshift), so every run indexes the
/// same archive.
struct Words(u64);

impl Words {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A word with a roughly Zipfian frequency: a few very common words,
    /// a long tail of rare ones.
    fn word(&mut self) -> String {
        const COMMON: &[&str] = &[
            "the",
            "of",
            "and",
            "workers",
            "city",
            "government",
            "strike",
            "election",
            "housing",
            "rent",
            "union",
            "council",
            "river",
            "climate",
            "wages",
            "coast",
            "market",
            "factory",
            "school",
            "hospital",
            "minister",
        ];
        let r = self.next();
        if r.is_multiple_of(3) {
            COMMON[(r / 3) as usize % COMMON.len()].to_owned()
        } else {
            let rank = 1 + (self.next() % 20_000) * (self.next() % 20_000) / 20_000;
            format!("w{rank:x}")
        }
    }

    fn sentence(&mut self, words: usize) -> String {
        (0..words).map(|_| self.word()).collect::<Vec<_>>().join(" ")
    }
}

fn archive(n: usize) -> ImportSet {
    let mut w = Words(0x9e37_79b9_7f4a_7c15);
    let start: DateTime<Utc> = DateTime::parse_from_rfc3339("2020-01-01T08:00:00Z").expect("date").with_timezone(&Utc);
    let articles = (0..n)
        .map(|i| NewArticle {
            slug: format!("article-{i}"),
            headline: w.sentence(8),
            standfirst: w.sentence(25),
            body: (0..6).map(|_| w.sentence(95)).collect::<Vec<_>>().join(".\n\n"),
            toc: false,
            authors: vec![format!("author-{}", i % 40)],
            section: format!("section-{}", i % 8),
            tags: vec![format!("Tag {}", i % 60)],
            image: None,
            status: Status::Published,
            published_at: (start + Duration::hours(i as i64 * 6)).fixed_offset(),
            updated_at: None,
            translation_group: None,
        })
        .collect();
    ImportSet {
        publication: NewPublication {
            slug: "bench".into(),
            name: "Bench".into(),
            tagline: String::new(),
            language: "en".into(),
            base_url: "http://localhost".into(),
            timezone: "UTC".into(),
            social: SocialLinks::default(),
            settings: PublicationSettings::default(),
            api_cors_origins: Vec::new(),
        },
        media: vec![],
        authors: (0..40)
            .map(|i| NewAuthor {
                slug: format!("author-{i}"),
                name: format!("Author {i}"),
                bio: String::new(),
                avatar: None,
                social: SocialLinks::default(),
            })
            .collect(),
        sections: (0..8)
            .map(|i| NewSection {
                slug: format!("section-{i}"),
                name: format!("Section {i}"),
                description: String::new(),
            })
            .collect(),
        articles,
    }
}

fn bench(c: &mut Criterion) {
    let n: usize = std::env::var("ARTICLES").ok().and_then(|v| v.parse().ok()).unwrap_or(5_000);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let (store, publication) = rt.block_on(async {
        let store = SqliteStore::open("sqlite::memory:").await.expect("store");
        store.apply_import(&archive(n), false).await.expect("import");
        let id = store.publications().await.expect("publications")[0].id;
        (store, id)
    });
    let index = SearchIndex::new();
    index.set_publications(&[(publication, "en")]).expect("index");
    let started = Instant::now();
    let built = rt.block_on(index.rebuild(&store, |_| {})).expect("rebuild");
    eprintln!("built an index of {} articles in {:.2?} (store reads included)", built.added, started.elapsed());

    let mut group = c.benchmark_group("search");
    group.sample_size(10);
    group.bench_function(format!("rebuild {n} articles"), |b| {
        b.iter(|| rt.block_on(index.rebuild(&store, |_| {})).expect("rebuild"))
    });
    group.bench_function("refresh one article", |b| {
        b.iter(|| rt.block_on(index.refresh(&store, &[publication])).expect("refresh"))
    });
    group.sample_size(100);
    let now = Utc::now();
    for (name, text, sort) in [
        ("one common word", "workers", Sort::Relevance),
        ("two words", "housing strike", Sort::Relevance),
        ("rare word", "w1f3", Sort::Relevance),
        ("phrase", "\"city council\"", Sort::Relevance),
        ("two words newest first", "housing strike", Sort::Newest),
    ] {
        let q = SearchQuery { text, sort, limit: 10, offset: 0 };
        let found = index.search(publication, &q, now).expect("search").total;
        eprintln!("{name}: {found} matches");
        group.bench_function(format!("query: {name}"), |b| {
            b.iter(|| index.search(publication, &q, now).expect("search"))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
