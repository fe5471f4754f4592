//! The cost of finding a request's publication (`Sites::resolve`), done
//! once per request by `network::NetworkLayer`, for networks of 1, 3 and
//! 50 publications: one hash lookup by host, then a scan of that host's
//! prefixes, longest first. `50_prefixes_one_host` is the worst shape: 49
//! prefixes on one host, and a request for its root publication compares
//! the path with each of them.
//!
//! Run: cargo bench -p prensa-web --bench resolve

use std::hint::black_box;
use std::sync::Arc;

use criterion::{criterion_group, Criterion};
use prensa_core::{Publication, PublicationSettings, SocialLinks};
use prensa_render::i18n;
use prensa_render::view::SiteView;
use prensa_web::state::{Resolved, Site, Sites};

fn site(id: i64, base_url: &str) -> Arc<Site> {
    let publication = Publication {
        id,
        slug: format!("p{id}"),
        name: format!("Publication {id}"),
        tagline: String::new(),
        language: "en".into(),
        base_url: base_url.into(),
        timezone: "UTC".into(),
        social: SocialLinks::default(),
        settings: PublicationSettings::default(),
        api_cors_origins: Vec::new(),
    };
    let view = SiteView {
        name: publication.name.clone(),
        tagline: String::new(),
        language: "en".into(),
        base_url: base_url.into(),
        root: String::new(),
        sections: Vec::new(),
        social: Vec::new(),
        css_url: String::new(),
        year: 2026,
        logo: None,
        favicon: "/favicon.ico".into(),
    };
    let locale = i18n::locale("en");
    Arc::new(Site::new(publication, Vec::new(), locale, Default::default(), view))
}

fn sites(urls: &[String]) -> Sites {
    let list = urls.iter().enumerate().map(|(i, u)| site(i as i64 + 1, u)).collect();
    Sites::new(list, None)
}

fn bench(c: &mut Criterion) {
    let one = sites(&["http://localhost:8080".to_owned()]);
    let three =
        sites(&["http://example.org".to_owned(), "http://example.org/de".to_owned(), "http://example.net".to_owned()]);
    let hosts: Vec<String> = (0..50).map(|i| format!("http://site{i}.example")).collect();
    let fifty_hosts = sites(&hosts);
    let mut prefixes = vec!["http://example.org".to_owned()];
    prefixes.extend((1..50).map(|i| format!("http://example.org/p{i:02}")));
    let fifty_prefixes = sites(&prefixes);

    let cases: [(&str, &Sites, &str, &str); 7] = [
        ("1_publication", &one, "localhost:8080", "/some-article/"),
        ("3_publications/root", &three, "example.org", "/some-article/"),
        ("3_publications/prefix", &three, "example.org", "/de/some-article/"),
        ("3_publications/own_host", &three, "example.net", "/some-article/"),
        ("50_hosts", &fifty_hosts, "site49.example", "/some-article/"),
        ("50_prefixes_one_host/prefix", &fifty_prefixes, "example.org", "/p49/some-article/"),
        ("50_prefixes_one_host/root", &fifty_prefixes, "example.org", "/some-article/"),
    ];
    let mut group = c.benchmark_group("resolve");
    for (name, sites, host, path) in cases {
        assert!(matches!(sites.resolve(Some(host), path), Resolved::Site { .. }), "{name}");
        group.bench_function(name, |b| {
            b.iter(|| matches!(sites.resolve(black_box(Some(host)), black_box(path)), Resolved::Site { .. }))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
