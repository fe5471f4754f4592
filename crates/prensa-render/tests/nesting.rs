//! Hostile nesting: no input may overflow the stack or take more than
//! linear time. Renders run on a thread with a small stack (256 KiB), so a
//! recursion that grows with the input fails here instead of in a server.

use prensa_render::markdown::{render, Options, Rendered, MAX_HTML_DEPTH, MAX_NESTING};
use proptest::prelude::*;

const SMALL_STACK: usize = 256 * 1024;

/// Renders on a 256 KiB stack. A stack overflow aborts the whole test
/// binary (Rust cannot unwind from it), which fails the run just as well.
fn render_small(markdown: String) -> Rendered {
    std::thread::Builder::new()
        .stack_size(SMALL_STACK)
        .spawn(move || render(&markdown, &Options::default()))
        .expect("spawn a render thread")
        .join()
        .expect("the render thread finished")
}

/// Deepest element nesting in sanitized or generated HTML (both are
/// well-formed: every element but the void ones is closed; attribute
/// values are double-quoted).
fn depth(html: &str) -> usize {
    const VOID: [&str; 6] = ["br", "hr", "img", "input", "col", "wbr"];
    let bytes = html.as_bytes();
    let (mut depth, mut deepest, mut at) = (0usize, 0usize, 0usize);
    while let Some(offset) = bytes[at..].iter().position(|&b| b == b'<') {
        at += offset + 1;
        match bytes.get(at) {
            Some(b'/') => depth = depth.saturating_sub(1),
            Some(b'!') => {}
            _ => {
                let name: String = html[at..].chars().take_while(char::is_ascii_alphanumeric).collect();
                if !VOID.contains(&name.as_str()) {
                    depth += 1;
                    deepest = deepest.max(depth);
                }
            }
        }
        let mut quoted = false;
        while let Some(&b) = bytes.get(at) {
            at += 1;
            match b {
                b'"' => quoted = !quoted,
                b'>' if !quoted => break,
                _ => {}
            }
        }
    }
    deepest
}

#[test]
fn ten_thousand_nested_quotes_render_on_a_small_stack() {
    let out = render_small(format!("{} deep", ">".repeat(10_000)));
    assert!(out.html.contains("deep"), "{}", &out.html[..out.html.len().min(300)]);
    assert_eq!(out.words, 1);
    let quotes = out.html.matches("<blockquote>").count();
    assert_eq!(quotes, MAX_NESTING, "deeper quotes are flattened");
    // The quotes and the paragraph inside the last one.
    assert_eq!(depth(&out.html), MAX_NESTING + 1);
}

#[test]
fn fifty_thousand_nested_divs_are_flattened_before_sanitizing() {
    let out = render_small(format!("{}deep{}", "<div>".repeat(50_000), "</div>".repeat(50_000)));
    assert!(out.html.contains("deep"));
    assert_eq!(depth(&out.html), MAX_HTML_DEPTH);
}

/// Deepest nesting of block quotes and lists in rendered HTML.
fn container_depth(html: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    for (at, _) in html.match_indices('<') {
        let tag = &html[at + 1..];
        let (closing, name) = match tag.strip_prefix('/') {
            Some(name) => (true, name),
            None => (false, tag),
        };
        let name: String = name.chars().take_while(char::is_ascii_alphanumeric).collect();
        if !matches!(name.as_str(), "blockquote" | "ul" | "ol" | "li") {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
        } else {
            depth += 1;
            deepest = deepest.max(depth);
        }
    }
    deepest
}

#[test]
fn other_deep_structures_render_on_a_small_stack() {
    for (unit, times) in [
        ("- ", 10_000),
        ("1. ", 10_000),
        ("> - ", 5_000),
        ("* ", 10_000),
        ("[", 20_000),
        ("![", 20_000),
        ("*", 20_000),
        ("_a", 20_000),
        ("`", 20_000),
        ("[^1]", 5_000),
        ("<", 20_000),
        ("(", 20_000),
        ("[x](", 10_000),
    ] {
        let markdown = format!("{}x\n\n[^1]: {}", unit.repeat(times), unit.repeat(times));
        let out = render_small(markdown);
        assert!(container_depth(&out.html) <= MAX_NESTING + 2, "{unit:?}");
    }
}

#[test]
fn a_thousand_headings_of_one_name_get_distinct_ids() {
    let out = render_small("## Same\n\n".repeat(1_000));
    assert!(out.html.contains("id=\"same\"") && out.html.contains("id=\"same-1000\""));
    let ids: std::collections::HashSet<&str> =
        out.html.split("id=\"").skip(1).filter_map(|rest| rest.split('"').next()).collect();
    assert_eq!(ids.len(), 1_000);
}

/// Pieces of Markdown (and raw HTML) that nest, open or break something.
const PIECES: [&str; 64] = [
    ">",
    "> ",
    "- ",
    "* ",
    "+ ",
    "1. ",
    "    ",
    "\t",
    "\n",
    "\n\n",
    "# ",
    "## ",
    "[",
    "]",
    "(",
    ")",
    "![",
    "](",
    "*",
    "**",
    "_",
    "__",
    "~~",
    "`",
    "```",
    "~~~",
    "[^1]",
    "\n[^1]: ",
    "[^a]",
    "\n[^a]: note ",
    "|",
    "\n| --- |\n",
    "<div>",
    "</div>",
    "<b>",
    "</p>",
    "<!-- c -->",
    "&amp;",
    "&#0;",
    "\\",
    "word",
    "\n— Name",
    "\u{0}",
    "\u{7}",
    "\u{1b}",
    "\u{200b}",
    "\u{feff}",
    "é",
    "日本",
    "<http://x.y>",
    "[x]: /y\n",
    "***",
    "---",
    "===",
    "{#id}",
    "\r",
    "\r\n",
    "javascript:x",
    "<svg>",
    "<table>",
    // Figures, galleries and embeds.
    "![a](/media/ab12.jpg)",
    "![](/media/ab12.jpg \"t\")\n",
    "\n— Photo: X",
    "https://youtu.be/dQw4w9WgXcQ",
];

/// Renders on a small stack and checks what must hold for any input.
fn check(markdown: String) -> Result<(), TestCaseError> {
    let raw_html = markdown.contains('<');
    let out = render_small(markdown);
    prop_assert!(container_depth(&out.html) <= MAX_NESTING + 2, "container depth {}", container_depth(&out.html));
    if raw_html {
        prop_assert!(depth(&out.html) <= MAX_HTML_DEPTH + 2, "depth {}", depth(&out.html));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_text_renders(markdown in any::<String>()) {
        check(markdown)?;
    }

    #[test]
    fn any_mix_of_markdown_pieces_renders(pieces in prop::collection::vec(prop::sample::select(&PIECES[..]), 0..300)) {
        check(pieces.concat())?;
    }

    /// Long runs of one piece: the deep nesting and long lines attackers
    /// send.
    #[test]
    fn long_runs_render(runs in prop::collection::vec((prop::sample::select(&PIECES[..]), 1..3_000usize), 1..6)) {
        check(runs.iter().map(|(piece, times)| piece.repeat(*times)).collect())?;
    }
}
