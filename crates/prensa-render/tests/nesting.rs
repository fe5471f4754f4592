//! Hostile nesting: no input may overflow the stack or take more than
//! linear time. Renders run on a thread with a small stack (256 KiB), so a
//! recursion that grows with the input fails here instead of in a server.

use prensa_render::markdown::{render, Options, Rendered, MAX_HTML_DEPTH, MAX_NESTING};

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
/// well-formed: every element but the void ones is closed).
fn depth(html: &str) -> usize {
    const VOID: [&str; 6] = ["br", "hr", "img", "input", "col", "wbr"];
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        rest = &rest[lt + 1..];
        let end = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[..end];
        if let Some(name) = tag.strip_prefix('/') {
            let _ = name;
            depth = depth.saturating_sub(1);
        } else if !tag.starts_with('!') {
            let name: String = tag.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
            if !VOID.contains(&name.as_str()) && !tag.ends_with('/') {
                depth += 1;
                deepest = deepest.max(depth);
            }
        }
        rest = &rest[end.min(rest.len())..];
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
