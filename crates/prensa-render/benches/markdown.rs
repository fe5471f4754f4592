//! Rendering cost of a typical ~1,500-word article, with and without raw
//! HTML (the latter takes the ammonia sanitizer path).

use std::fmt::Write as _;
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use prensa_render::markdown::{render, Options};

const SENTENCES: [&str; 6] = [
    "The council voted on Tuesday to extend the pilot programme for another year, citing strong demand.",
    "Residents who spoke at the meeting were divided, with several raising concerns about [costs](https://example.com/budget) and noise.",
    "According to the *latest figures*, ridership grew by **twelve percent** compared with the same period last year.",
    "Officials said the money would come from the transport fund rather than from `general revenue`.",
    "Critics argued that the decision had been rushed through without proper consultation[^consult].",
    "A final report is expected in the spring, after which the council will decide on a permanent scheme.",
];

/// About 1,500 words: headings, paragraphs with links and emphasis,
/// footnotes, a table, a list and an attributed quote.
fn article() -> String {
    let mut md = String::from("Lead paragraph that sets the scene for the reader[^source].\n\n");
    for section in 1..=6 {
        let _ = writeln!(md, "## Section {section}: what happened next\n");
        for paragraph in 0..3 {
            for sentence in SENTENCES.iter().cycle().skip(paragraph + section).take(5) {
                md.push_str(sentence);
                md.push(' ');
            }
            md.push_str("\n\n");
        }
        if section == 2 {
            md.push_str("| Year | Riders | Change |\n|:-----|-------:|-------:|\n");
            for year in 2015..2025 {
                let _ = writeln!(md, "| {year} | {} | {}% |", 10_000 + year * 3, year % 7);
            }
            md.push('\n');
        }
        if section == 3 {
            md.push_str("### Reactions\n\n- Supporters welcomed it.\n- Opponents [objected](/opinion/objections).\n- Others waited.\n\n");
            md.push_str("> We are proud of what this city has built together.\n>\n> — The Mayor\n\n");
        }
    }
    md.push_str("[^source]: Figures from the [city transport office](https://example.com/data).\n");
    md.push_str("[^consult]: The consultation ran for two weeks in August.\n");
    md
}

fn bench(c: &mut Criterion) {
    let plain = article();
    let raw = format!(
        "{plain}\n<figure><img src=\"/chart.png\" alt=\"Chart\" width=\"800\" height=\"400\">\
         <figcaption>Ridership, 2015–2024</figcaption></figure>\n"
    );
    let options = Options { toc: true, ..Options::default() };
    let words = render(&plain, &options).words;
    assert!((1_300..=1_800).contains(&words), "article has {words} words");

    c.bench_function("render ~1500 words (fast path)", |b| b.iter(|| render(black_box(&plain), &options)));
    c.bench_function("render ~1500 words + raw HTML (ammonia)", |b| b.iter(|| render(black_box(&raw), &options)));
}

criterion_group!(benches, bench);
criterion_main!(benches);
