//! WordPress shortcodes (`[caption …]…[/caption]`, `[gallery ids="…"]`,
//! `[embed]URL[/embed]`, `[video]`, `[audio]`) turned into the HTML that
//! [`crate::html`] converts to Prensa's figure, gallery and embed markup.
//!
//! Written as one forward scan, not with regular expressions: bodies are
//! untrusted, and a backtracking pattern over `[[[[…` or thousands of
//! unterminated `[caption` would take quadratic time. Here every byte is
//! looked at a bounded number of times: an opening tag's attributes end
//! within [`MAX_TAG`] bytes or the bracket is text, and the search for each
//! known closing tag (`[/caption]`) remembers where it found the next one,
//! so unclosed openings never rescan the rest of the body. Nothing
//! recurses, so nesting cannot overflow the stack.
//!
//! A shortcode Prensa does not know is left in the text as written (the
//! reader sees what the old site would have shown without its plugin) and
//! counted by name for the import's summary.

use std::collections::{BTreeMap, HashMap};

use super::Library;

/// Longest opening tag (name and attributes) read as a shortcode.
pub const MAX_TAG: usize = 4096;
/// Most gallery images one body may expand to: a gallery repeats URLs of
/// the export, so without a bound a small body could expand to a huge one.
const MAX_GALLERY_IMAGES: usize = 1000;
/// Longest shortcode name.
const MAX_NAME: usize = 64;

/// Shortcodes converted here; they may enclose content.
const ENCLOSING: &[&str] = &["caption", "wp_caption", "embed", "video", "audio"];

/// What a body needs from the rest of the export.
pub struct Context<'a> {
    pub post_id: u64,
    pub library: &'a Library,
}

/// The output of [`expand`]: HTML, the URLs that stand for embeds (see
/// [`super::content::embed_token`]), and unknown shortcodes by name.
#[derive(Debug, Default)]
pub struct Expanded {
    pub html: String,
    pub embeds: Vec<String>,
    pub unknown: BTreeMap<String, usize>,
}

/// Remembers, per closing tag, where the next one is (see the module doc).
#[derive(Default)]
struct Closings {
    next: HashMap<&'static str, Option<usize>>,
}

impl Closings {
    /// Position of the first `[/name]` at or after `from`.
    fn find(&mut self, body: &str, name: &'static str, from: usize) -> Option<usize> {
        match self.next.get(name) {
            Some(None) => return None,
            Some(Some(at)) if *at >= from => return Some(*at),
            _ => {}
        }
        let needle = format!("[/{name}]");
        let found = body.get(from..).and_then(|rest| rest.find(&needle)).map(|at| at + from);
        self.next.insert(name, found);
        found
    }
}

/// Expands the shortcodes of `body` (with `embeds` already holding the
/// embeds found earlier in the body, so tokens stay unique).
pub fn expand(body: &str, cx: &Context<'_>, embeds: Vec<String>) -> Expanded {
    let mut out = Expanded { html: String::with_capacity(body.len()), embeds, unknown: BTreeMap::new() };
    if !body.contains('[') {
        out.html.push_str(body);
        return out;
    }
    let bytes = body.as_bytes();
    let mut closings = Closings::default();
    let mut gallery_budget = MAX_GALLERY_IMAGES;
    let mut i = 0;
    let mut copied = 0;
    while let Some(off) = body[i..].find('[') {
        let start = i + off;
        i = start + 1;
        // `[[name]]` is WordPress's way of writing a shortcode as text.
        if bytes.get(start + 1) == Some(&b'[') {
            i = start + 2;
            continue;
        }
        let Some(tag) = opening(body, start) else { continue };
        let name = tag.name.to_ascii_lowercase();
        let known = ENCLOSING.iter().copied().find(|k| *k == name).or((name == "gallery").then_some("gallery"));
        let Some(known) = known else {
            if looks_like_shortcode(&tag) {
                *out.unknown.entry(format!("[{name}]")).or_default() += 1;
            }
            continue;
        };
        // Enclosed content, where the shortcode has a closing tag.
        let (inner, end) = if known == "gallery" || tag.self_closing {
            ("", tag.end)
        } else {
            match closings.find(body, known, tag.end) {
                Some(close) => (&body[tag.end..close], close + known.len() + 3),
                None => ("", tag.end),
            }
        };
        out.html.push_str(&body[copied..start]);
        let html = match known {
            "caption" | "wp_caption" => caption(&tag, inner),
            "gallery" => gallery(&tag, cx, &mut gallery_budget),
            _ => {
                let url = media_url(known, &tag, inner);
                match url {
                    Some(url) => {
                        let token = super::content::embed_token(out.embeds.len());
                        out.embeds.push(url);
                        format!("\n\n<p>{token}</p>\n\n")
                    }
                    None => String::new(),
                }
            }
        };
        out.html.push_str(&html);
        copied = end;
        i = end;
    }
    out.html.push_str(&body[copied..]);
    out
}

/// An opening tag: `[name attr="v" flag]`.
#[derive(Debug)]
struct Tag<'a> {
    name: &'a str,
    attrs: Vec<(String, String)>,
    /// Positional values (`[embed https://…]`).
    bare: Vec<String>,
    self_closing: bool,
    /// Just past the `]`.
    end: usize,
}

impl Tag<'_> {
    fn attr(&self, key: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
}

/// Reads the opening tag at `start` (a `[`), or `None` when it is not one.
fn opening(body: &str, start: usize) -> Option<Tag<'_>> {
    let bytes = body.as_bytes();
    let name_start = start + 1;
    let mut j = name_start;
    while j < bytes.len()
        && j - name_start < MAX_NAME
        && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_' || bytes[j] == b'-')
    {
        j += 1;
    }
    if j == name_start || !bytes[name_start].is_ascii_alphabetic() {
        return None;
    }
    let name = &body[name_start..j];
    match bytes.get(j) {
        Some(b']' | b'/') => {}
        Some(c) if c.is_ascii_whitespace() => {}
        _ => return None,
    }
    // The closing bracket, within MAX_TAG bytes, not after another `[`.
    let limit = (start + MAX_TAG).min(bytes.len());
    // Quotes do not hide brackets (as in WordPress): so each scan stops at
    // the next `[` at the latest, and all scans together read the body once.
    let mut k = j;
    let close = loop {
        match bytes.get(k) {
            _ if k >= limit => return None,
            Some(b']') => break k,
            Some(b'[') | None => return None,
            Some(_) => k += 1,
        }
    };
    let mut inside = &body[j..close];
    let self_closing = inside.trim_end().ends_with('/');
    if self_closing {
        inside = inside.trim_end().trim_end_matches('/');
    }
    let (attrs, bare) = parse_attrs(inside);
    Some(Tag { name, attrs, bare, self_closing, end: close + 1 })
}

/// `a="x" b='y' c=z flag` → named pairs and positional values.
fn parse_attrs(s: &str) -> (Vec<(String, String)>, Vec<String>) {
    let mut attrs = Vec::new();
    let mut bare = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= b.len() {
            break;
        }
        let key_start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'=' {
            i += 1;
        }
        let key = &s[key_start..i];
        if i < b.len() && b[i] == b'=' {
            i += 1;
            let value = if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                let q = b[i];
                let v_start = i + 1;
                let v_end = s[v_start..].find(q as char).map_or(s.len(), |p| p + v_start);
                i = (v_end + 1).min(s.len());
                &s[v_start..v_end]
            } else {
                let v_start = i;
                while i < b.len() && !b[i].is_ascii_whitespace() {
                    i += 1;
                }
                &s[v_start..i]
            };
            attrs.push((key.to_ascii_lowercase(), value.to_owned()));
        } else {
            bare.push(key.trim_matches(['"', '\'']).to_owned());
        }
    }
    (attrs, bare)
}

/// Whether an unknown `[name …]` is a shortcode and not bracketed prose
/// (`[sic]`, `[1]`, `[Editor's note]`): it has attributes, or a name no
/// one writes in prose (with `_` or `-`), or closes itself.
fn looks_like_shortcode(tag: &Tag<'_>) -> bool {
    !tag.attrs.is_empty() || tag.name.contains(['_', '-']) || tag.self_closing
}

/// `[caption]<a><img></a> The text[/caption]` → `<figure>` with a caption.
fn caption(tag: &Tag<'_>, inner: &str) -> String {
    // The image (possibly linked) comes first; the rest is the caption.
    let lower = inner.to_ascii_lowercase();
    let split = if lower.trim_start().starts_with("<a") {
        lower.find("</a>").map(|p| p + 4)
    } else {
        lower.find("<img").and_then(|p| lower[p..].find('>').map(|q| p + q + 1))
    };
    let (image, text) = match split {
        Some(at) if inner.is_char_boundary(at) => (&inner[..at], inner[at..].trim()),
        _ => (inner, ""),
    };
    let text = tag.attr("caption").filter(|c| !c.trim().is_empty()).unwrap_or(text);
    if image.trim().is_empty() && text.is_empty() {
        return String::new();
    }
    if text.is_empty() {
        format!("\n\n<figure>{image}</figure>\n\n")
    } else {
        format!("\n\n<figure>{image}<figcaption>{text}</figcaption></figure>\n\n")
    }
}

/// `[gallery ids="1,2"]` (or, without ids, the post's attached images, as
/// WordPress shows them) → a `<figure>` holding every image.
fn gallery(tag: &Tag<'_>, cx: &Context<'_>, budget: &mut usize) -> String {
    let ids: Vec<u64> = match tag.attr("ids").or_else(|| tag.attr("include")) {
        Some(list) => list.split(',').filter_map(|id| id.trim().parse().ok()).take(1000).collect(),
        None => {
            cx.library.children.get(&cx.post_id).map(|c| c.iter().copied().take(1000).collect()).unwrap_or_default()
        }
    };
    let mut html = String::from("\n\n<figure class=\"gallery\">");
    let mut any = false;
    let mut seen = std::collections::HashSet::new();
    for id in ids {
        let Some(a) = cx.library.by_id.get(&id) else { continue };
        if a.url.is_empty() || *budget == 0 || !seen.insert(id) {
            continue;
        }
        *budget -= 1;
        any = true;
        html.push_str(&format!("<img src=\"{}\" alt=\"{}\">", attr_escape(&a.url), attr_escape(&a.alt)));
    }
    html.push_str("</figure>\n\n");
    if any {
        html
    } else {
        String::new()
    }
}

/// The URL an `[embed]`, `[video]` or `[audio]` stands for.
fn media_url(name: &str, tag: &Tag<'_>, inner: &str) -> Option<String> {
    let keys: &[&str] = match name {
        "video" => &["src", "mp4", "m4v", "webm", "ogv", "flv"],
        "audio" => &["src", "mp3", "ogg", "m4a", "wav"],
        _ => &["src", "url"],
    };
    let from_attr = keys.iter().find_map(|k| tag.attr(k)).map(str::to_owned);
    let url = from_attr.or_else(|| {
        let inner = inner.trim();
        (!inner.is_empty()).then(|| inner.to_owned())
    });
    let url = url.or_else(|| tag.bare.first().cloned())?;
    let url = url.trim().to_owned();
    (url.starts_with("http://") || url.starts_with("https://")).then_some(url)
}

fn attr_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wordpress::Attachment;

    fn run(body: &str, attachments: &HashMap<u64, Attachment>) -> Expanded {
        let library = Library::new(attachments.clone());
        expand(body, &Context { post_id: 10, library: &library }, Vec::new())
    }

    #[test]
    fn captions_become_figures() {
        let none = HashMap::new();
        let out = run(
            r#"[caption id="attachment_5" align="aligncenter" width="640"]<a href="/x.jpg"><img src="/x.jpg" alt="A"></a> The square. Photo: Ana[/caption]"#,
            &none,
        );
        assert_eq!(
            out.html.trim(),
            r#"<figure><a href="/x.jpg"><img src="/x.jpg" alt="A"></a><figcaption>The square. Photo: Ana</figcaption></figure>"#
        );
        let old = run(r#"[caption caption="Old style"]<img src="/y.jpg" />[/caption]"#, &none);
        assert!(old.html.contains("<figcaption>Old style</figcaption>"), "{}", old.html);
    }

    #[test]
    fn galleries_embeds_and_unknown() {
        let mut att = HashMap::new();
        att.insert(1, Attachment { url: "https://s.example/a.jpg".into(), alt: "One".into(), ..Default::default() });
        att.insert(
            2,
            Attachment { url: "https://s.example/b.jpg".into(), alt: "Two".into(), parent: 10, ..Default::default() },
        );
        let out = run("[gallery ids=\"2,1,99\"]", &att);
        assert!(
            out.html.contains(
                r#"<img src="https://s.example/b.jpg" alt="Two"><img src="https://s.example/a.jpg" alt="One">"#
            ),
            "{}",
            out.html
        );
        let attached = run("[gallery]", &att);
        assert!(attached.html.contains("b.jpg") && !attached.html.contains("a.jpg"));
        let e = run("x [embed]https://www.youtube.com/watch?v=abc[/embed] [video src=\"https://v.example/a.mp4\"][/video] [audio mp3=\"https://a.example/a.mp3\"]", &att);
        assert_eq!(
            e.embeds,
            ["https://www.youtube.com/watch?v=abc", "https://v.example/a.mp4", "https://a.example/a.mp3"]
        );
        let u = run("[contact-form-7 id=\"3\"] and [sic] and [[gallery]] and [button style=x]Go[/button]", &att);
        assert_eq!(u.unknown.get("[contact-form-7]"), Some(&1));
        assert_eq!(u.unknown.get("[button]"), Some(&1));
        assert_eq!(u.unknown.len(), 2);
        assert!(u.html.contains("[sic]") && u.html.contains("[[gallery]]") && u.html.contains("Go[/button]"));
    }

    #[test]
    fn hostile_bodies_take_linear_time() {
        let mut none = HashMap::new();
        none.insert(1, Attachment { url: "https://s.example/a.jpg".into(), parent: 10, ..Default::default() });
        for body in [
            "[caption ".repeat(200_000),
            "[caption]".repeat(200_000),
            "[".repeat(1_000_000),
            format!("[gallery ids=\"{}", "1,".repeat(500_000)),
            "[video]".repeat(100_000) + &"[/video]".repeat(10),
            "[gallery] ".repeat(100_000),
        ] {
            let started = std::time::Instant::now();
            let out = run(&body, &none);
            assert!(started.elapsed().as_secs() < 5, "too slow on {}…", &body[..20]);
            assert!(out.html.len() <= body.len() * 2 + 64);
        }
    }
}
