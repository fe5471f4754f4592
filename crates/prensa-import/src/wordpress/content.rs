//! A WordPress body → Prensa Markdown.
//!
//! WordPress stores a post's content in one of two shapes, and renders it
//! through filters; the import does what those filters do, then converts
//! the HTML with [`crate::html::to_markdown`]:
//!
//! 1. **Block editor (Gutenberg)** content is HTML between block comments
//!    (`<!-- wp:image {"id":12} -->…<!-- /wp:image -->`). Images, galleries,
//!    quotes, headings and lists already are the HTML they show; the
//!    comments are dropped. Embeds (`wp:embed`, the older
//!    `core-embed/youtube`…) hold only a URL, and `wp:video`/`wp:audio` a
//!    player: each becomes a paragraph holding the URL, which Prensa shows
//!    as an embed card (providers it knows) or a link. Blocks of plugins
//!    Prensa does not know are counted by name (`block:jetpack/slideshow`);
//!    their HTML still converts.
//! 2. **Shortcodes** (`[caption]`, `[gallery]`, `[embed]`, `[video]`,
//!    `[audio]`) expand as [`super::shortcodes`] says.
//! 3. **Classic editor** content has no paragraphs: WordPress's `wpautop`
//!    makes a blank line a paragraph break and a single newline a `<br>` at
//!    display time. [`autop`] does that for content without blocks (as
//!    WordPress skips it for block content).
//!
//! Embed URLs travel through the HTML conversion as tokens
//! ([`embed_token`]): placed in the Markdown afterwards, they are written
//! exactly, never escaped like text.

use std::collections::BTreeMap;

use super::shortcodes::{self, Context};
use super::Library;

/// A converted body: Markdown, the image URLs it holds (to map onto media
/// files), and what could not be converted, by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Body {
    pub markdown: String,
    pub images: Vec<String>,
    pub unknown: BTreeMap<String, usize>,
}

/// Core blocks whose HTML converts as it is (or that hold nothing to show).
const KNOWN_BLOCKS: &[&str] = &[
    "paragraph",
    "heading",
    "image",
    "gallery",
    "quote",
    "pullquote",
    "list",
    "list-item",
    "separator",
    "spacer",
    "html",
    "preformatted",
    "code",
    "table",
    "columns",
    "column",
    "group",
    "more",
    "nextpage",
    "shortcode",
    "verse",
    "freeform",
    "classic",
    "cover",
    "media-text",
    "buttons",
    "button",
    "file",
    "embed",
    "video",
    "audio",
    "row",
    "stack",
    "details",
    "footnotes",
];

/// Converts a body as WordPress stored it.
pub fn convert(raw: &str, post_id: u64, library: &Library) -> Body {
    let raw = raw.replace("\r\n", "\n");
    let has_blocks = raw.contains("<!-- wp:");
    let mut unknown = BTreeMap::new();
    let mut embeds = Vec::new();
    let html = if has_blocks { blocks(&raw, &mut embeds, &mut unknown) } else { raw };
    let expanded = shortcodes::expand(&html, &Context { post_id, library }, embeds);
    for (k, v) in expanded.unknown {
        *unknown.entry(k).or_default() += v;
    }
    let mut embeds = expanded.embeds;
    let html = if has_blocks { expanded.html } else { autop(&expanded.html, &mut embeds) };
    let converted = crate::html::to_markdown(&html);
    for (k, v) in converted.kept {
        *unknown.entry(format!("<{k}>")).or_default() += v;
    }
    let mut markdown = converted.markdown;
    if !embeds.is_empty() {
        markdown = place_embeds(&markdown, &embeds);
    }
    // Every body of the export is held until the one transaction: no
    // spare capacity from building it (up to half of a String's size).
    markdown.shrink_to_fit();
    Body { markdown, images: converted.images, unknown }
}

/// The placeholder for the `n`th embed of a body: letters and digits only,
/// which the HTML conversion passes through unchanged.
pub fn embed_token(n: usize) -> String {
    format!("PRENSAWPEMBED{n}X")
}

/// Replaces each token with its URL (`<…>` so Markdown reads it whole).
fn place_embeds(markdown: &str, embeds: &[String]) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut rest = markdown;
    while let Some(at) = rest.find("PRENSAWPEMBED") {
        out.push_str(&rest[..at]);
        let after = &rest[at + "PRENSAWPEMBED".len()..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let index = after[..digits].parse::<usize>().ok();
        match (index.and_then(|i| embeds.get(i)), after.as_bytes().get(digits)) {
            (Some(url), Some(b'X')) => {
                out.push_str(&autolink(url));
                rest = &after[digits + 1..];
            }
            _ => {
                out.push_str("PRENSAWPEMBED");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// `<url>` when Markdown can read it that way, else the URL's text escaped.
fn autolink(url: &str) -> String {
    if url.chars().all(|c| !c.is_whitespace() && !c.is_control() && c != '<' && c != '>') {
        format!("<{url}>")
    } else {
        url.chars().filter(|c| !c.is_control()).collect::<String>().replace('<', "%3C").replace('>', "%3E")
    }
}

/// Block comments dropped, embed, video and audio blocks replaced by
/// tokens; unknown blocks counted.
fn blocks(raw: &str, embeds: &mut Vec<String>, unknown: &mut BTreeMap<String, usize>) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    // Inside an embed-like block: its content is dropped until it closes.
    let mut skipping = false;
    while let Some(at) = rest.find("<!--") {
        let before = &rest[..at];
        if !skipping {
            out.push_str(before);
        }
        let Some(end) = rest[at..].find("-->").map(|e| at + e + 3) else {
            // An unclosed comment: the rest is the comment (as in HTML).
            rest = "";
            break;
        };
        let comment = rest[at + 4..end - 3].trim();
        rest = &rest[end..];
        let (closing, spec) = match comment.strip_prefix("/wp:") {
            Some(s) => (true, s),
            None => match comment.strip_prefix("wp:") {
                Some(s) => (false, s),
                None => {
                    continue;
                }
            },
        };
        let (name, json) = match spec.find(|c: char| c.is_whitespace()) {
            Some(p) => (&spec[..p], spec[p..].trim()),
            None => (spec, ""),
        };
        let name = name.strip_prefix("core/").unwrap_or(name).trim_end_matches('/');
        let embed_like = name == "embed" || name.starts_with("core-embed/") || name == "video" || name == "audio";
        if closing {
            if embed_like {
                skipping = false;
            }
            continue;
        }
        if !embed_like {
            if !KNOWN_BLOCKS.contains(&name) {
                *unknown.entry(format!("block:{name}")).or_default() += 1;
            }
            continue;
        }
        let self_closing = json.ends_with('/');
        // The URL: the block's `url` attribute, else the first `src` of its
        // content (a `wp:video` holds `<video src=…>`).
        let url = json_string(json, "url").or_else(|| {
            // Within the block's first 64 KiB: a body of unclosed blocks
            // must not be rescanned to its end for each of them.
            let mut window = rest.len().min(1 << 16);
            while !rest.is_char_boundary(window) {
                window -= 1;
            }
            let head = &rest[..window];
            html_src(&head[..head.find("<!-- /wp:").unwrap_or(head.len())])
        });
        if let Some(url) = url.filter(|u| u.starts_with("http://") || u.starts_with("https://")) {
            out.push_str(&format!("\n\n<p>{}</p>\n\n", embed_token(embeds.len())));
            embeds.push(url);
        }
        skipping = !self_closing;
    }
    if !skipping {
        out.push_str(rest);
    }
    out
}

/// A string member of a block's attributes (`{"url":"https:\/\/…"}`),
/// found without a JSON parser: the attributes are one flat object here.
fn json_string(json: &str, key: &str) -> Option<String> {
    let needle = format!("\"{key}\":\"");
    let at = json.find(&needle)? + needle.len();
    let mut out = String::new();
    let mut chars = json[at..].chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(out),
            '\\' => match chars.next()? {
                'u' => {
                    let hex: String = chars.by_ref().take(4).collect();
                    out.push(u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32)?);
                }
                'n' => out.push('\n'),
                other => out.push(other),
            },
            c => out.push(c),
        }
    }
    None
}

/// The first `src="…"` of some HTML.
fn html_src(html: &str) -> Option<String> {
    let at = html.find("src=\"")? + 5;
    let end = html[at..].find('"')? + at;
    Some(decode_entities(&html[at..end]))
}

/// Block-level tags: a chunk starting with one is not wrapped in `<p>`.
const BLOCK_START: &[&str] = &[
    "p",
    "div",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "blockquote",
    "pre",
    "table",
    "thead",
    "tbody",
    "tr",
    "td",
    "th",
    "hr",
    "dl",
    "dd",
    "dt",
    "form",
    "section",
    "article",
    "aside",
    "header",
    "footer",
    "nav",
    "address",
    "style",
    "script",
    "iframe",
    "figcaption",
    "details",
    "summary",
    "!--",
    "object",
    "video",
    "audio",
    "math",
    "svg",
    "select",
    "fieldset",
    "legend",
    "caption",
    "colgroup",
];

/// WordPress's `wpautop`, simplified: blank lines separate paragraphs,
/// single newlines inside a paragraph are line breaks; chunks that start
/// with a block tag are left as they are, and `<pre>` keeps its newlines.
/// A chunk that is only a URL is an embed, as WordPress's auto-embeds are.
pub fn autop(html: &str, embeds: &mut Vec<String>) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    let mut in_pre = false;
    for chunk in html.split("\n\n") {
        if in_pre {
            out.push_str("\n\n");
            out.push_str(chunk);
            in_pre = chunk.rfind("<pre").is_none_or(|open| chunk.rfind("</pre").is_none_or(|close| open > close));
            continue;
        }
        let trimmed = chunk.trim();
        if trimmed.is_empty() {
            continue;
        }
        let lower_start: String = trimmed.chars().take(12).collect::<String>().to_ascii_lowercase();
        let opens_pre = trimmed.contains("<pre") || trimmed.contains("<PRE");
        if opens_pre {
            in_pre = trimmed.rfind("<pre").is_some_and(|open| trimmed.rfind("</pre").is_none_or(|close| open > close));
        }
        let block = lower_start.strip_prefix('<').is_some_and(|tag| {
            let name: String =
                tag.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '!' || *c == '-').collect();
            BLOCK_START.contains(&name.as_str())
        });
        if block || opens_pre {
            out.push_str("\n\n");
            out.push_str(trimmed);
            continue;
        }
        if !trimmed.contains(char::is_whitespace) && (trimmed.starts_with("https://") || trimmed.starts_with("http://"))
        {
            out.push_str(&format!("\n\n<p>{}</p>", embed_token(embeds.len())));
            embeds.push(decode_entities(trimmed));
            continue;
        }
        out.push_str("\n\n<p>");
        out.push_str(&trimmed.replace('\n', "<br />\n"));
        out.push_str("</p>");
    }
    out
}

/// Text of a title, excerpt or caption: tags dropped, entities decoded,
/// whitespace collapsed. One pass.
pub fn plain_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' if !in_tag => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            _ if in_tag => {}
            c => text.push(c),
        }
    }
    decode_entities(&text).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `&amp;`, `&#8217;`, `&#x2019;`, `&nbsp;` and a few other named
/// entities WordPress writes into titles → characters; others stay as
/// written.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let end = after.char_indices().take(12).find(|(_, c)| *c == ';').map(|(i, _)| i);
        let decoded = end.and_then(|end| {
            let name = &after[..end];
            let c = if let Some(num) = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
                u32::from_str_radix(num, 16).ok().and_then(char::from_u32)
            } else if let Some(num) = name.strip_prefix('#') {
                num.parse::<u32>().ok().and_then(char::from_u32)
            } else {
                Some(match name {
                    "amp" => '&',
                    "lt" => '<',
                    "gt" => '>',
                    "quot" => '"',
                    "apos" => '\'',
                    "nbsp" => '\u{a0}',
                    "ndash" => '–',
                    "mdash" => '—',
                    "hellip" => '…',
                    "lsquo" => '‘',
                    "rsquo" => '’',
                    "ldquo" => '“',
                    "rdquo" => '”',
                    "laquo" => '«',
                    "raquo" => '»',
                    "copy" => '©',
                    _ => return None,
                })
            };
            c.map(|c| (c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &after[end + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn md(body: &str) -> Body {
        convert(body, 1, &Library::new(HashMap::new()))
    }

    #[test]
    fn classic_content_gets_paragraphs_and_breaks() {
        let b = md("First line\nsecond line\n\nNext <em>para</em>.\n\n<pre>a\n\nb</pre>\n\nAfter");
        assert_eq!(b.markdown, "First line\\\nsecond line\n\nNext *para*.\n\n```\na\n\nb\n```\n\nAfter\n");
    }

    #[test]
    fn classic_url_alone_is_an_embed() {
        let b = md("Watch:\n\nhttps://www.youtube.com/watch?v=a_b&amp;t=3\n\nDone.");
        assert_eq!(b.markdown, "Watch:\n\n<https://www.youtube.com/watch?v=a_b&t=3>\n\nDone.\n");
    }

    #[test]
    fn gutenberg_blocks_convert() {
        let body = r#"<!-- wp:paragraph -->
<p>Intro.</p>
<!-- /wp:paragraph -->

<!-- wp:image {"id":5,"sizeSlug":"large"} -->
<figure class="wp-block-image size-large"><img src="https://s.example/wp-content/uploads/2019/09/a.jpg" alt="Crowd" class="wp-image-5"/><figcaption>The square. Photo: Ana</figcaption></figure>
<!-- /wp:image -->

<!-- wp:embed {"url":"https://vimeo.com/12345","type":"video","providerNameSlug":"vimeo"} -->
<figure class="wp-block-embed is-type-video"><div class="wp-block-embed__wrapper">
https://vimeo.com/12345
</div></figure>
<!-- /wp:embed -->

<!-- wp:quote -->
<blockquote class="wp-block-quote"><p>Words.</p><cite>Someone</cite></blockquote>
<!-- /wp:quote -->

<!-- wp:jetpack/slideshow {"ids":[1]} -->
<div class="wp-block-jetpack-slideshow">Slides</div>
<!-- /wp:jetpack/slideshow -->"#;
        let b = md(body);
        assert_eq!(
            b.markdown,
            "Intro.\n\n![Crowd](https://s.example/wp-content/uploads/2019/09/a.jpg)\nThe square.\n— Photo: Ana\n\n<https://vimeo.com/12345>\n\n> Words.\n>\n> *Someone*\n\nSlides\n"
        );
        assert_eq!(b.images, ["https://s.example/wp-content/uploads/2019/09/a.jpg"]);
        assert_eq!(b.unknown.get("block:jetpack/slideshow"), Some(&1));
    }

    #[test]
    fn text_helpers() {
        assert_eq!(plain_text("Tom &amp; Jerry&#8217;s <em>day</em>"), "Tom & Jerry’s day");
        assert_eq!(decode_entities("a &unknown; &#xZZ; &"), "a &unknown; &#xZZ; &");
        assert_eq!(json_string(r#"{"url":"https:\/\/x.example\/a"}"#, "url").as_deref(), Some("https://x.example/a"));
        assert_eq!(place_embeds("PRENSAWPEMBED9X PRENSAWPEMBED0", &["u".into()]), "PRENSAWPEMBED9X PRENSAWPEMBED0");
    }
}
