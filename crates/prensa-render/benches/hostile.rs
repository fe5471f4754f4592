//! Rendering cost of hostile nesting, which must stay linear in the input:
//! block quotes nested 3,000 and 10,000 deep (deeper than `MAX_NESTING`
//! is flattened) and 50,000 nested raw `<div>`s (bounded to
//! `MAX_HTML_DEPTH` before the sanitizer parses them). Before the bounds,
//! the quotes overflowed the stack and the divs took 7.6 s in release.
//!
//! `cargo bench -p prensa-render --bench hostile` (release profile).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use prensa_render::markdown::{render, Options};

fn bench(c: &mut Criterion) {
    let options = Options::default();
    let mut group = c.benchmark_group("hostile");
    group.sample_size(10);
    for depth in [3_000, 10_000] {
        let quotes = format!("{} deep", ">".repeat(depth));
        group.bench_function(format!("{depth} nested quotes"), |b| b.iter(|| render(black_box(&quotes), &options)));
    }
    let divs = format!("{}deep{}", "<div>".repeat(50_000), "</div>".repeat(50_000));
    group.bench_function("50000 nested divs", |b| b.iter(|| render(black_box(&divs), &options)));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
