//! What the renderer produces for well-meaning Markdown.

use prensa_render::markdown::{render, toc_html, Options, Rendered, TocEntry};

fn html(markdown: &str) -> String {
    render(markdown, &Options::default()).html
}

fn with_toc(markdown: &str) -> Rendered {
    render(markdown, &Options { toc: true, ..Options::default() })
}

/// The same document through the sanitizer path: a raw HTML comment forces
/// it, and is itself stripped.
fn html_sanitized(markdown: &str) -> String {
    html(&format!("{markdown}\n\n<!-- raw -->\n"))
}

#[test]
fn footnotes_are_numbered_by_first_reference_and_collected_at_the_end() {
    let source = "\
[^z]: Zed, defined first.

Alpha[^a] then zed[^z] then alpha again[^a].

[^a]: Alpha, defined last.

After the definitions.
";
    let out = html(source);
    assert!(out.contains(
        "Alpha<sup class=\"fn-ref\" id=\"fnref-1\"><a href=\"#fn-1\">1</a></sup> then zed\
         <sup class=\"fn-ref\" id=\"fnref-2\"><a href=\"#fn-2\">2</a></sup> then alpha again\
         <sup class=\"fn-ref\" id=\"fnref-1-2\"><a href=\"#fn-1\">1</a></sup>."
    ));
    // Definitions leave the body and come after everything, in number order.
    let section =
        out.find("<section class=\"footnotes\" aria-label=\"Footnotes\">\n<ol>\n").expect("footnotes section");
    assert!(out.find("After the definitions.").expect("body") < section);
    let alpha = out.find("<li id=\"fn-1\">\n<p>Alpha, defined last.").expect("fn-1");
    let zed = out.find("<li id=\"fn-2\">\n<p>Zed, defined first.").expect("fn-2");
    assert!(section < alpha && alpha < zed);
    assert!(out.trim_end().ends_with("</ol>\n</section>"));
    // One back link per reference.
    assert!(out.contains(
        "Alpha, defined last. <a href=\"#fnref-1\" class=\"fn-back\" aria-label=\"Back to reference 1\">↩\u{FE0E}</a> \
         <a href=\"#fnref-1-2\" class=\"fn-back\" aria-label=\"Back to reference 1 (2)\">↩\u{FE0E}<sup>2</sup></a></p>"
    ));
    assert!(out.contains(
        "Zed, defined first. <a href=\"#fnref-2\" class=\"fn-back\" aria-label=\"Back to reference 2\">↩\u{FE0E}</a></p>"
    ));
}

#[test]
fn footnote_edge_cases() {
    // Undefined references stay as typed; unreferenced definitions vanish;
    // a footnote referenced only from another footnote gets the next number.
    let out = html("See[^nope] and[^one].\n\n[^one]: One, see[^two].\n[^two]: Two.\n[^unused]: Never shown.\n");
    assert!(out.contains("See[^nope] and<sup"));
    assert!(!out.contains("Never shown"));
    assert!(out.contains("<li id=\"fn-2\">\n<p>Two."));
    assert!(out.contains("One, see<sup class=\"fn-ref\" id=\"fnref-2\"><a href=\"#fn-2\">2</a></sup>"));
    // No footnotes, no section.
    assert!(!html("Plain.").contains("footnotes"));
}

#[test]
fn footnote_with_several_blocks_gets_back_link_in_last_paragraph() {
    let out = html("x[^n]\n\n[^n]: First para.\n\n    Second para.\n");
    assert!(out.contains("<p>First para.</p>\n<p>Second para. <a href=\"#fnref-1\""));
    let list = html("x[^n]\n\n[^n]: Items:\n\n    - a\n    - b\n");
    assert!(list.contains("</ul>\n<p><a href=\"#fnref-1\" class=\"fn-back\""));
}

#[test]
fn tables_are_wrapped_for_scrolling() {
    let out = html("| a | b | c |\n|:--|--:|:-:|\n| 1 | 2 | 3 |\n| 4 |\n");
    assert!(out.starts_with(
        "<div class=\"table-wrap\"><table><thead><tr><th class=\"align-left\">a</th><th class=\"align-right\">b</th><th class=\"align-center\">c</th></tr></thead>"
    ), "{out}");
    assert!(out.contains(
        "<tbody>\n<tr><td class=\"align-left\">1</td><td class=\"align-right\">2</td><td class=\"align-center\">3</td></tr>\n<tr><td class=\"align-left\">4</td><td class=\"align-right\"></td><td class=\"align-center\"></td></tr>"
    ), "{out}");
    // The site's CSP blocks inline styles: alignment is never one.
    assert!(!out.contains("style="), "{out}");
    let unaligned = html("| a |\n|---|\n| 1 |\n");
    assert!(unaligned.contains("<th>a</th>") && unaligned.contains("<td>1</td>"), "{unaligned}");
    // Raw HTML keeps the alignment classes through the sanitizer, and loses styles.
    let mixed = html_sanitized("<p>x</p>\n\n| a |\n|--:|\n| 1 |\n\n<table><tr><td style=\"text-align: right\" class=\"align-right evil\">2</td></tr></table>\n");
    assert!(mixed.contains("<th class=\"align-right\">a</th>"), "{mixed}");
    assert!(mixed.contains("<td class=\"align-right\">2</td>") && !mixed.contains("style"), "{mixed}");
    assert!(out.trim_end().ends_with("</tbody></table>\n</div>"));
    assert!(html_sanitized("| a |\n|:-:|\n| 1 |\n").contains("<div class=\"table-wrap\"><table>"));
}

#[test]
fn headings_get_unique_ids_and_self_links() {
    let out = html("# Intro\n\n## Intro\n\n## Intro {#intro-2}\n\n## ¿Qué pasó?\n\n## !!!\n\n## Fn 1\n");
    assert!(out.contains(
        "<h2 id=\"intro\">Intro <a class=\"anchor\" href=\"#intro\" aria-label=\"Link to this section\">#</a></h2>"
    ));
    assert!(out.contains("<h2 id=\"intro-2\">"));
    // The explicit id asked for a taken slug, so it moves on too.
    assert!(out.contains("<h2 id=\"intro-2-2\">"));
    assert!(out.contains("<h2 id=\"qué-pasó\">"));
    assert!(out.contains("<h2 id=\"section\">"));
    // Footnote ids are reserved.
    assert!(out.contains("<h2 id=\"section-fn-1\">"));
}

#[test]
fn heading_attributes_other_than_id_are_dropped() {
    let out = html("## Title {#my-id .fancy data-x=1}\n");
    assert_eq!(
        out,
        "<h2 id=\"my-id\">Title <a class=\"anchor\" href=\"#my-id\" aria-label=\"Link to this section\">#</a></h2>\n"
    );
}

#[test]
fn heading_offset_shifts_levels() {
    let rendered =
        render("# One\n\n## Two\n\n###### Six\n", &Options { toc: true, heading_offset: 1, ..Options::default() });
    assert!(rendered.html.contains("<h2 id=\"one\">"));
    assert!(rendered.html.contains("<h3 id=\"two\">"));
    assert!(rendered.html.contains("<h6 id=\"six\">"));
    assert_eq!(rendered.toc.iter().map(|e| e.level).collect::<Vec<_>>(), [2, 3]);
}

#[test]
fn body_headings_never_become_a_second_h1() {
    let rendered = render("# One\n\n## Two\n", &Options::default());
    assert!(!rendered.html.contains("<h1"), "{}", rendered.html);
    assert!(rendered.html.contains("<h2 id=\"one\">") && rendered.html.contains("<h2 id=\"two\">"));
    let kept = render("# One\n", &Options { min_heading_level: 1, ..Options::default() });
    assert!(kept.html.contains("<h1 id=\"one\">"));
}

#[test]
fn table_of_contents() {
    let rendered = with_toc("## First *part*\n\n### Detail `code`\n\n#### Deep\n\n## Second\n");
    assert_eq!(
        rendered.toc,
        vec![
            TocEntry { level: 2, id: "first-part".into(), text: "First part".into() },
            TocEntry { level: 3, id: "detail-code".into(), text: "Detail code".into() },
            TocEntry { level: 2, id: "second".into(), text: "Second".into() },
        ]
    );
    assert_eq!(
        toc_html(&rendered.toc),
        "<nav class=\"toc\" aria-label=\"Contents\">\n<ol>\n\
         <li><a href=\"#first-part\">First part</a>\n<ol>\n\
         <li><a href=\"#detail-code\">Detail code</a></li>\n</ol>\n</li>\n\
         <li><a href=\"#second\">Second</a></li>\n</ol>\n</nav>\n"
    );
    assert!(render("## A\n", &Options::default()).toc.is_empty());
    assert_eq!(toc_html(&[]), "");
}

#[test]
fn toc_html_escapes_and_handles_odd_nesting() {
    let entry = |level, text: &str| TocEntry { level, id: "x".into(), text: text.into() };
    let out = toc_html(&[entry(3, "<b>"), entry(2, "a"), entry(3, "b"), entry(2, "c")]);
    assert!(out.contains("&lt;b&gt;"));
    assert_eq!(out.matches("<ol>").count(), out.matches("</ol>").count());
    assert_eq!(out.matches("<li>").count(), out.matches("</li>").count());
}

#[test]
fn quote_with_attribution_becomes_a_figure() {
    let expected = "<figure class=\"quote\">\n<blockquote>\n<p>To be or not to be.</p>\n</blockquote>\n\
                    <figcaption>— William <em>Shakespeare</em></figcaption>\n</figure>\n";
    assert_eq!(html("> To be or not to be.\n>\n> — William *Shakespeare*\n"), expected);
    assert_eq!(html("> To be or not to be.\n>\n> -- William *Shakespeare*\n"), expected);
    // Attribution on the last line of the same paragraph.
    assert_eq!(html("> To be or not to be.\n> — William *Shakespeare*\n"), expected);
    assert_eq!(html_sanitized("> To be or not to be.\n>\n> — William *Shakespeare*\n").trim_end(), expected.trim_end());
}

#[test]
fn quotes_without_attribution_stay_plain() {
    assert_eq!(html("> Just words.\n"), "<blockquote>\n<p>Just words.</p>\n</blockquote>\n");
    // A dash alone, or a quote that is only an attribution, is not one.
    assert!(!html("> Words.\n>\n> —\n").contains("figure"));
    assert!(!html("> — Nobody\n").contains("figure"));
    // The dash must start the paragraph, and the last block must be it.
    assert!(!html("> Words — not attribution.\n").contains("figure"));
    assert!(!html("> — Name\n>\n> Then more.\n").contains("figure"));
    // Nested quotes are judged on their own.
    let nested = html("> Outer.\n>\n> > Inner.\n> >\n> > — Inner author\n");
    assert_eq!(nested.matches("<figure").count(), 1);
    assert!(nested.contains("<figcaption>— Inner author</figcaption>"));
}

#[test]
fn safe_links_are_kept() {
    let out = html(
        "[a](https://example.com/x?y=1&z=2) [b](http://example.com) [c](mailto:ed@example.com) \
         [d](tel:+1555) [e](/about) [f](#notes) [g](../up) <https://auto.example> <ed@example.com>",
    );
    for href in [
        "href=\"https://example.com/x?y=1&amp;z=2\"",
        "href=\"http://example.com\"",
        "href=\"mailto:ed@example.com\"",
        "href=\"tel:+1555\"",
        "href=\"/about\"",
        "href=\"#notes\"",
        "href=\"../up\"",
        "href=\"https://auto.example\"",
    ] {
        assert!(out.contains(href), "{href} missing from {out}");
    }
    assert_eq!(out.matches("href=\"mailto:ed@example.com\"").count(), 2);
}

#[test]
fn unsafe_links_point_nowhere_and_unsafe_images_vanish() {
    assert_eq!(html("[x](javascript:alert(1))"), "<p><a href=\"#\">x</a></p>\n");
    assert_eq!(html("a ![x](javascript:alert(1)) b"), "<p>a  b</p>\n");
}

#[test]
fn images_load_lazily() {
    assert_eq!(
        html("Look: ![A *cat*](/cat.jpg \"Title\")"),
        "<p>Look: <img src=\"/cat.jpg\" alt=\"A cat\" title=\"Title\" loading=\"lazy\"></p>\n"
    );
    assert!(html_sanitized("![cat](/cat.jpg)").contains("<img src=\"/cat.jpg\" alt=\"cat\" loading=\"lazy\">"));
    // Raw images get it too, and keep their dimensions.
    let raw = html("<img src=\"/a.png\" alt=\"a\" width=\"10\" height=\"20\" onload=\"x()\">");
    assert!(raw.contains("loading=\"lazy\""));
    assert!(raw.contains("width=\"10\""));
    assert!(!raw.contains("onload"));
}

#[test]
fn text_is_escaped() {
    assert_eq!(html("1 < 2 & 3 > 2"), "<p>1 &lt; 2 &amp; 3 &gt; 2</p>\n");
    assert_eq!(html("`<b>`"), "<p><code>&lt;b&gt;</code></p>\n");
    assert_eq!(html("```html\n<script>\n```"), "<pre><code class=\"language-html\">&lt;script&gt;\n</code></pre>\n");
}

#[test]
fn code_block_languages() {
    assert!(html("```rust ignore\nfn x() {}\n```").starts_with("<pre><code class=\"language-rust\">"));
    assert!(html("```c++\nx\n```").starts_with("<pre><code class=\"language-c++\">"));
    assert!(html("```\nx\n```").starts_with("<pre><code>"));
    assert!(html("```js\"><b>\nx\n```").starts_with("<pre><code>"));
}

#[test]
fn raw_html_is_sanitized_but_our_markup_survives() {
    let source = "\
## Heading

<div class=\"evil\" style=\"color:red\">raw <b>bold</b><script>x()</script></div>

Text[^1] with [a link](https://example.com).

```rust
fn main() {}
```

[^1]: Note.
";
    let out = with_toc(source).html;
    assert!(out.contains(
        "<h2 id=\"heading\">Heading <a class=\"anchor\" href=\"#heading\" aria-label=\"Link to this section\" rel=\"noopener noreferrer\">#</a></h2>"
    ));
    assert!(out.contains("<div>raw <b>bold</b></div>"));
    assert!(
        out.contains("<sup class=\"fn-ref\" id=\"fnref-1\"><a href=\"#fn-1\" rel=\"noopener noreferrer\">1</a></sup>")
    );
    assert!(out.contains("<a href=\"https://example.com\" rel=\"noopener noreferrer\">a link</a>"));
    assert!(out.contains("<code class=\"language-rust\">"));
    assert!(out.contains("<section class=\"footnotes\" aria-label=\"Footnotes\">"));
    assert!(out.contains("<li id=\"fn-1\">"));
    assert!(out.contains("class=\"fn-back\" aria-label=\"Back to reference 1\""));
    assert!(!out.contains("script") && !out.contains("evil") && !out.contains("style"));
}

#[test]
fn raw_html_keeps_harmless_formatting() {
    let out = html("Press <kbd>Ctrl</kbd> and <abbr title=\"HyperText\">HTML</abbr><br>next<sub>2</sub>");
    assert!(out.contains("<kbd>Ctrl</kbd>"));
    assert!(out.contains("<abbr title=\"HyperText\">HTML</abbr>"));
    assert!(out.contains("<br>"));
    assert!(out.contains("<sub>2</sub>"));
}

#[test]
fn word_count() {
    let rendered = render(
        "# Title here\n\nOne *two* three—four. Don't count `code`? Yes.\n\n| a | b |\n|---|---|\n| c | d |\n\n> Quote\n> — Someone\n\nNote[^n].\n\n[^n]: Foot note.\n",
        &Options::default(),
    );
    // Title here (2) + One two three—four Don't count code Yes (7) + a b c d (4)
    // + Quote Someone (2) + Note (1) + Foot note (2).
    assert_eq!(rendered.words, 18);
    assert_eq!(render("", &Options::default()).words, 0);
    assert_eq!(render("", &Options::default()).html, "");
}
