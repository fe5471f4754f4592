//! Markdown → HTML for article bodies.
//!
//! Built on pulldown-cmark (CommonMark plus tables, footnotes, heading
//! attributes and strikethrough). Its event stream is rewritten before the
//! stock HTML writer sees it:
//!
//! * headings get unique slug ids and a self-link, and feed the table of
//!   contents;
//! * footnotes are numbered in order of first reference and their
//!   definitions gathered at the end of the article, wherever they were
//!   written;
//! * a block quote ending in "— Name" becomes a `<figure>` with a caption;
//! * tables are wrapped for horizontal scrolling, images load lazily;
//! * link and image destinations are restricted to safe schemes;
//! * a paragraph that starts with images is a figure (one image) or a
//!   gallery (several), and one that is a single URL of a known provider
//!   is an embed card (see *Figures, galleries and embeds* below).
//!
//! # Figures, galleries and embeds
//!
//! The stored format stays plain Markdown that any renderer shows sensibly:
//!
//! ```text
//! ![A crowd fills the plaza](/media/3f2a9c.jpg)
//! The plaza on the morning of the strike.
//! — Photo: Ana Ribeiro
//! ```
//!
//! A paragraph whose first lines hold nothing but images is a `<figure>`;
//! the lines after them are its `<figcaption>`, and a last line starting
//! with a dash (`—`, `―` or `--`, as a quote's attribution) is the credit,
//! `<small class="credit">`. Two or more images make a gallery, `<figure
//! class="gallery">`, with one caption. Why lines of one paragraph and not
//! the image's title: another renderer shows the title only on hover, where
//! a line after the image stays visible (image, then "The plaza … — Photo:
//! Ana Ribeiro"), the alt text stays the image's own, and the editor keeps
//! the paragraph's bytes as written, so it round-trips unchanged. A
//! paragraph with images *after* other text keeps them inline, as before.
//!
//! Images of the site's media library (`/media/<hash>.<ext>`, under the
//! publication's prefix too) get `width`, `height`, `srcset` and `sizes`
//! from a [`MediaMap`] the web layer fills in one query per body
//! ([`media_keys`] lists what to ask for); other images render as written.
//!
//! A paragraph that is only a URL (bare, or `<…>`) of YouTube, Vimeo,
//! PeerTube, Mastodon, Bluesky, X, SoundCloud, Spotify or Bandcamp becomes
//! `<figure class="embed">`: a card that *links* to the provider, rebuilt
//! from the URL's validated parts ([`crate::embed`] says why a link and not
//! a player: the public CSP and readers' privacy). Elsewhere the URL is a
//! link or text, which is the fallback by construction.
//!
//! # Security
//!
//! Article bodies come from authors and from imports, so they are untrusted.
//! Without raw HTML, pulldown-cmark escapes every piece of text and attribute
//! it writes, and the only attacker-controlled values that could carry script
//! are URLs, which [`is_safe_url`] filters; heading attributes other than the
//! id are dropped, since `{onclick=…}` would otherwise reach the output. So
//! such documents skip the (comparatively slow) HTML sanitizer. A document
//! with any raw HTML — block or inline, even a comment — has its whole output
//! run through ammonia with an allow-list that keeps exactly the markup this
//! module emits.
//!
//! # Limits
//!
//! Bodies and bios are rendered on every cache miss, so no input may crash
//! a render or make it slow. Block quotes and lists nested deeper than
//! [`MAX_NESTING`] are flattened, which bounds the recursion of the
//! rewrite below (one level per quote) and the work per event; raw HTML
//! goes through the `nesting` module before the sanitizer, whose parser is
//! quadratic in nesting depth. Everything else here is a single pass.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::sync::LazyLock;

use pulldown_cmark::{
    Alignment, CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Parser, Tag, TagEnd, TextMergeStream,
};
use serde::Serialize;

use crate::embed::{self, Embed};
use crate::i18n::{self, Locale};
use crate::nesting;

/// How to render one document.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Collect h2/h3 headings into [`Rendered::toc`].
    pub toc: bool,
    /// Added to every heading level, capped at h6. With the article title as
    /// the page's `<h1>`, an offset of 1 turns `# Intro` into `<h2>`.
    pub heading_offset: u8,
    /// The highest level a heading may render at, after the offset. The
    /// page's own title is its one `<h1>`, so by default a `# Heading` in a
    /// body renders as `<h2>` (as `## Heading` does) rather than a second h1.
    pub min_heading_level: u8,
    /// Language of the few words the renderer itself writes (aria labels).
    pub locale: &'static Locale,
}

impl Default for Options {
    fn default() -> Self {
        Self { toc: false, heading_offset: 0, min_heading_level: 2, locale: i18n::locale("en") }
    }
}

/// One heading in the table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TocEntry {
    /// Rendered level (after [`Options::heading_offset`]): 2 or 3.
    pub level: u8,
    /// The heading's `id`, to link to as `#id`.
    pub id: String,
    /// The heading's plain text.
    pub text: String,
}

/// A rendered document.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Rendered {
    pub html: String,
    /// Empty unless [`Options::toc`] was set.
    pub toc: Vec<TocEntry>,
    /// Words of readable text (body and footnotes, not markup or alt text),
    /// for reading-time estimates.
    pub words: usize,
    /// Whether the document has a figure, gallery or embed, whose styles
    /// live in the theme's extra stylesheet (linked only then).
    pub figures: bool,
}

/// What the web layer knows of one image of the site's media library: its
/// size and its `srcset` (empty when there is nothing smaller to offer).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MediaInfo {
    pub width: u32,
    pub height: u32,
    pub srcset: String,
}

/// Media library images by key (`<hash>.<ext>`), see [`media_keys`].
pub type MediaMap = HashMap<String, MediaInfo>;

/// At most this many media keys are looked up for one body.
pub const MAX_MEDIA_KEYS: usize = 500;

/// `sizes` of a figure's image (the article column, as the hero image) and
/// of a gallery's (two to a row).
const FIGURE_SIZES: &str = "(min-width:44rem) 42rem,100vw";
const GALLERY_SIZES: &str = "(min-width:44rem) 21rem,50vw";

/// The media key of an image of the site's library: a root-relative URL
/// whose last two segments are `media/<hex>.<ext>` (`/media/3f2a.jpg`,
/// `/de/media/3f2a.jpg`), with no query or fragment.
pub fn media_key(url: &str) -> Option<&str> {
    if !url.starts_with('/') || url.starts_with("//") || url.contains(['?', '#']) {
        return None;
    }
    let (dir, key) = url.rsplit_once('/')?;
    if !(dir == "/media" || dir.ends_with("/media")) {
        return None;
    }
    let (hash, ext) = key.split_once('.')?;
    let valid = !hash.is_empty()
        && hash.len() <= 64
        && hash.bytes().all(|b| b.is_ascii_hexdigit())
        && !ext.is_empty()
        && ext.len() <= 5
        && ext.bytes().all(|b| b.is_ascii_alphanumeric());
    valid.then_some(key)
}

/// The media keys of the images `markdown` shows, each once, in order, at
/// most [`MAX_MEDIA_KEYS`]: what the web layer looks up (one query) to
/// fill the [`MediaMap`] for [`render_with_media`].
pub fn media_keys(markdown: &str) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    let mut seen = HashSet::new();
    for event in Parser::new_ext(markdown, parser_options()) {
        if let Event::Start(Tag::Image { dest_url, .. }) = event {
            if let Some(key) = media_key(&dest_url) {
                if seen.insert(key.to_owned()) {
                    keys.push(key.to_owned());
                    if keys.len() == MAX_MEDIA_KEYS {
                        break;
                    }
                }
            }
        }
    }
    keys
}

/// Schemes a link or image may use. Everything else with a scheme —
/// `javascript:`, `vbscript:`, `data:`, `file:`, … — is refused.
const ALLOWED_SCHEMES: [&str; 4] = ["http", "https", "mailto", "tel"];

/// Classes this module emits; the only ones raw HTML may keep.
const OUR_CLASSES: [&str; 13] = [
    "align-center",
    "align-left",
    "align-right",
    "anchor",
    "credit",
    "embed",
    "gallery",
    "fn-ref",
    "fn-back",
    "footnotes",
    "quote",
    "table-wrap",
    "toc",
];

/// Deepest nesting of block containers (quotes, lists, list items) that
/// keeps its markup; see [`render`].
pub const MAX_NESTING: usize = 32;

/// Deepest element nesting of a document with raw HTML after sanitizing;
/// deeper start tags are dropped.
pub const MAX_HTML_DEPTH: usize = nesting::MAX_DEPTH;

fn parser_options() -> pulldown_cmark::Options {
    use pulldown_cmark::Options as O;
    O::ENABLE_TABLES | O::ENABLE_FOOTNOTES | O::ENABLE_HEADING_ATTRIBUTES | O::ENABLE_STRIKETHROUGH
}

/// Renders Markdown to HTML that is safe to embed in a page as is.
///
/// Any input renders, in time linear in its length and stack depth
/// independent of it: block containers nested deeper than
/// [`MAX_NESTING`] are flattened into the deepest one kept, and raw HTML
/// nested deeper than [`MAX_HTML_DEPTH`] loses the deeper start tags.
pub fn render(markdown: &str, opts: &Options) -> Rendered {
    static NO_MEDIA: LazyLock<MediaMap> = LazyLock::new(MediaMap::new);
    render_with_media(markdown, opts, &NO_MEDIA)
}

/// [`render`], with the size and `srcset` of the media library images the
/// document shows (keyed by [`media_key`]; keys `media` lacks render as
/// other images do).
pub fn render_with_media(markdown: &str, opts: &Options, media: &MediaMap) -> Rendered {
    // Merged text runs make heading slugs, attribution detection and word
    // counts see "— Name" as one piece even when entities split it up.
    let events: Vec<Event<'_>> = TextMergeStream::new(Parser::new_ext(markdown, parser_options())).collect();
    let has_raw_html = events.iter().any(|event| matches!(event, Event::Html(_) | Event::InlineHtml(_)));

    let (body, definitions) = split_footnote_definitions(flatten_deep(events));
    let mut renderer = Renderer {
        opts,
        out: Vec::with_capacity(body.len() + 16),
        ids: HashSet::new(),
        suffixes: HashMap::new(),
        toc: Vec::new(),
        words: WordCount::default(),
        notes: Footnotes { definitions, numbers: HashMap::new(), order: Vec::new(), references: Vec::new() },
        table: TableState::default(),
        media,
        figures: false,
    };
    renderer.emit(&body);
    renderer.footnotes();

    let mut html = String::with_capacity(markdown.len() + markdown.len() / 2);
    pulldown_cmark::html::push_html(&mut html, renderer.out.into_iter());
    if has_raw_html {
        // Bounded first: the sanitizer's parser is quadratic in nesting.
        html = SANITIZER.clean(&nesting::bound(&html)).to_string();
    }
    Rendered { html, toc: renderer.toc, words: renderer.words.count, figures: renderer.figures }
}

/// A table of contents as a nested list, in English. See [`toc_html_in`].
pub fn toc_html(entries: &[TocEntry]) -> String {
    toc_html_in(entries, i18n::locale("en"))
}

/// A table of contents as `<nav class="toc">` with nested `<ol>`s following
/// the heading levels; empty when there are no entries.
pub fn toc_html_in(entries: &[TocEntry], locale: &Locale) -> String {
    if entries.is_empty() {
        return String::new();
    }
    let mut out = String::with_capacity(64 + entries.len() * 64);
    out.push_str("<nav class=\"toc\" aria-label=\"");
    escape_into(&mut out, locale.t("contents"));
    out.push_str("\">\n");
    // Levels of the lists currently open; a deeper heading opens one nested
    // list however many levels it skips, a shallower one closes lists down to
    // its own depth (never the outermost one).
    let mut open: Vec<u8> = Vec::new();
    for entry in entries {
        while open.len() > 1 && open.last().is_some_and(|&top| entry.level < top) {
            out.push_str("</li>\n</ol>\n");
            open.pop();
        }
        match open.last() {
            None => out.push_str("<ol>\n<li>"),
            Some(&top) if entry.level > top => out.push_str("\n<ol>\n<li>"),
            Some(_) => out.push_str("</li>\n<li>"),
        }
        if open.last().is_none_or(|&top| entry.level > top) {
            open.push(entry.level);
        }
        out.push_str("<a href=\"#");
        escape_into(&mut out, &entry.id);
        out.push_str("\">");
        escape_into(&mut out, &entry.text);
        out.push_str("</a>");
    }
    for _ in open {
        out.push_str("</li>\n</ol>\n");
    }
    out.push_str("</nav>\n");
    out
}

struct Renderer<'i, 'o> {
    opts: &'o Options,
    out: Vec<Event<'i>>,
    /// Element ids handed out so far, to keep heading ids unique.
    ids: HashSet<String>,
    /// The last suffix tried for each base id, so a thousand headings
    /// of the same name do not each try every suffix from 2 again.
    suffixes: HashMap<String, usize>,
    toc: Vec<TocEntry>,
    words: WordCount,
    notes: Footnotes<'i>,
    /// The table being written, for its cells' alignment classes.
    table: TableState,
    media: &'o MediaMap,
    /// A figure, gallery or embed was written.
    figures: bool,
}

/// Where the renderer is in a table: cells are written by hand (see
/// [`Renderer::emit`]), so it keeps the column count the HTML writer would.
#[derive(Default)]
struct TableState {
    alignments: Vec<Alignment>,
    in_head: bool,
    column: usize,
}

struct Footnotes<'i> {
    /// Definitions not yet rendered, by normalized label.
    definitions: HashMap<String, Vec<Event<'i>>>,
    /// Number of each referenced footnote (1-based), by normalized label.
    numbers: HashMap<String, usize>,
    /// Labels in order of first reference: `order[n - 1]` is footnote n.
    order: Vec<String>,
    /// How many times footnote n has been referenced so far: `references[n - 1]`.
    references: Vec<usize>,
}

impl<'i> Renderer<'i, '_> {
    /// Rewrites `events` into `self.out`.
    fn emit(&mut self, events: &[Event<'i>]) {
        let mut index = 0;
        while index < events.len() {
            let event = &events[index];
            match event {
                Event::Start(Tag::Heading { level, id, .. }) => {
                    let end = matching_end(events, index);
                    self.heading(*level, id.as_deref(), &events[index + 1..end]);
                    index = end;
                }
                Event::Start(Tag::Image { dest_url, title, .. }) => {
                    let end = matching_end(events, index);
                    self.image(dest_url, title, &events[index + 1..end]);
                    index = end;
                }
                Event::Start(Tag::BlockQuote(_)) => {
                    let end = matching_end(events, index);
                    self.blockquote(&events[index..=end]);
                    index = end;
                }
                Event::Start(Tag::Paragraph) => {
                    // Paragraphs do not nest, so this scan is linear overall.
                    let end = matching_end(events, index);
                    if self.special_paragraph(&events[index + 1..end]) {
                        index = end;
                    } else {
                        self.words.boundary();
                        self.out.push(event.clone());
                    }
                }
                Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                    // The writer prefixes e-mail autolinks with `mailto:`
                    // itself, and their grammar admits no other scheme.
                    let safe = *link_type == LinkType::Email || is_safe_url(dest_url);
                    self.out.push(Event::Start(Tag::Link {
                        link_type: *link_type,
                        dest_url: if safe { dest_url.clone() } else { CowStr::Borrowed("#") },
                        title: title.clone(),
                        id: id.clone(),
                    }));
                }
                Event::Start(Tag::Table(alignments)) => {
                    self.words.boundary();
                    self.out.push(Event::Html(CowStr::Borrowed("<div class=\"table-wrap\">")));
                    // The HTML writer would print a column's alignment as an
                    // inline `style`, which the site's CSP (`style-src
                    // 'self'`) blocks: the cells are written here instead,
                    // with a class, and the table itself without alignments.
                    // The theme styles `align-center` and `align-right`;
                    // `align-left` is the cells' default (`start`), which
                    // saves the article page's byte budget its rule.
                    // (In a right-to-left publication such a column starts on the right.)
                    self.table = TableState { alignments: alignments.clone(), in_head: false, column: 0 };
                    self.out.push(Event::Start(Tag::Table(Vec::new())));
                }
                Event::End(TagEnd::Table) => {
                    self.words.boundary();
                    self.out.push(event.clone());
                    self.out.push(Event::Html(CowStr::Borrowed("</div>\n")));
                }
                Event::Start(Tag::TableHead) => {
                    self.words.boundary();
                    self.table.in_head = true;
                    self.table.column = 0;
                    self.out.push(event.clone());
                }
                Event::End(TagEnd::TableHead) => {
                    self.words.boundary();
                    self.table.in_head = false;
                    self.out.push(event.clone());
                }
                Event::Start(Tag::TableRow) => {
                    self.words.boundary();
                    self.table.column = 0;
                    self.out.push(event.clone());
                }
                Event::Start(Tag::TableCell) => {
                    self.words.boundary();
                    let cell = if self.table.in_head { "th" } else { "td" };
                    let class = match self.table.alignments.get(self.table.column) {
                        Some(Alignment::Left) => " class=\"align-left\"",
                        Some(Alignment::Center) => " class=\"align-center\"",
                        Some(Alignment::Right) => " class=\"align-right\"",
                        Some(Alignment::None) | None => "",
                    };
                    self.out.push(Event::Html(CowStr::from(format!("<{cell}{class}>"))));
                }
                Event::End(TagEnd::TableCell) => {
                    self.words.boundary();
                    let cell = if self.table.in_head { "th" } else { "td" };
                    self.out.push(Event::Html(CowStr::from(format!("</{cell}>"))));
                    self.table.column += 1;
                }
                Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                    self.words.boundary();
                    self.out.push(Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(code_language(info)))));
                }
                Event::FootnoteReference(label) => self.footnote_reference(label),
                Event::Text(text) | Event::Code(text) => {
                    self.words.add(text);
                    self.out.push(event.clone());
                }
                Event::Start(tag) if is_inline(&tag.to_end()) => self.out.push(event.clone()),
                Event::End(tag) if is_inline(tag) => self.out.push(event.clone()),
                _ => {
                    // Block starts and ends, line breaks and rules all
                    // separate words.
                    self.words.boundary();
                    self.out.push(event.clone());
                }
            }
            index += 1;
        }
    }

    fn heading(&mut self, level: HeadingLevel, custom_id: Option<&str>, inner: &[Event<'i>]) {
        let level = (level as usize + usize::from(self.opts.heading_offset))
            .max(usize::from(self.opts.min_heading_level))
            .min(6);
        let text = plain_text(inner);
        let base = custom_id.map(slugify).filter(|slug| !slug.is_empty()).unwrap_or_else(|| slugify(&text));
        let id = self.unique_id(base);

        self.words.boundary();
        self.out.push(Event::Html(format!("<h{level} id=\"{id}\">").into()));
        self.emit(inner);
        let mut close = format!(" <a class=\"anchor\" href=\"#{id}\" aria-label=\"");
        escape_into(&mut close, self.opts.locale.t("link_to_section"));
        let _ = writeln!(close, "\">#</a></h{level}>");
        self.out.push(Event::Html(close.into()));
        self.words.boundary();

        if self.opts.toc && (2..=3).contains(&level) {
            self.toc.push(TocEntry { level: level as u8, id, text });
        }
    }

    /// Turns a slug into an id no other element has: "x", "x-2", "x-3", …
    fn unique_id(&mut self, mut base: String) -> String {
        if base.is_empty() {
            base.push_str("section");
        }
        // Footnote ids are ours; a heading called "fn 1" must not take one.
        if base.starts_with("fn-") || base.starts_with("fnref-") {
            base.insert_str(0, "section-");
        }
        // Ids are never given back, so suffixes below the last one tried
        // for this base are still taken: starting there gives the same id.
        let mut id = base.clone();
        let mut n = self.suffixes.get(&base).copied().unwrap_or(1);
        if n > 1 {
            id = format!("{base}-{n}");
        }
        while self.ids.contains(&id) {
            n += 1;
            id = format!("{base}-{n}");
        }
        self.suffixes.insert(base, n);
        self.ids.insert(id.clone());
        id
    }

    fn image(&mut self, src: &str, title: &str, alt: &[Event<'i>]) {
        // An image whose source is refused is dropped whole: there is nothing
        // meaningful to show in its place.
        if !is_safe_url(src) {
            return;
        }
        let html = self.img_html(src, title, alt, FIGURE_SIZES);
        self.out.push(Event::Html(html.into()));
    }

    /// `<img>` for a safe `src`: with size and `srcset` when it is an
    /// image of the media library the [`MediaMap`] knows.
    fn img_html(&self, src: &str, title: &str, alt: &[Event<'i>], sizes: &str) -> String {
        let mut html = String::with_capacity(src.len() + 64);
        html.push_str("<img src=\"");
        escape_into(&mut html, src);
        let info = media_key(src).and_then(|key| self.media.get(key));
        if let Some(info) = info.filter(|info| !info.srcset.is_empty()) {
            html.push_str("\" srcset=\"");
            escape_into(&mut html, &info.srcset);
            html.push_str("\" sizes=\"");
            html.push_str(sizes);
        }
        html.push_str("\" alt=\"");
        escape_into(&mut html, &plain_text(alt));
        if !title.is_empty() {
            html.push_str("\" title=\"");
            escape_into(&mut html, title);
        }
        if let Some(info) = info {
            let _ = write!(html, "\" width=\"{}\" height=\"{}", info.width, info.height);
        }
        html.push_str("\" loading=\"lazy\">");
        html
    }

    /// Writes a paragraph that is an embed or a figure and says so; leaves
    /// any other paragraph to the caller.
    fn special_paragraph(&mut self, inner: &[Event<'i>]) -> bool {
        if let Some(embed) = embed_of(inner) {
            self.embed(&embed);
            return true;
        }
        let Some(figure) = figure_of(inner) else {
            return false;
        };
        self.figures = true;
        self.words.boundary();
        let gallery = figure.images.len() > 1;
        self.out.push(Event::Html(CowStr::Borrowed(if gallery {
            "<figure class=\"gallery\">\n"
        } else {
            "<figure>\n"
        })));
        let sizes = if gallery { GALLERY_SIZES } else { FIGURE_SIZES };
        for image in &figure.images {
            let mut html = self.img_html(image.src, image.title, image.alt, sizes);
            html.push('\n');
            self.out.push(Event::Html(html.into()));
        }
        if !figure.caption.is_empty() || !figure.credit.is_empty() {
            self.out.push(Event::Html(CowStr::Borrowed("<figcaption>")));
            self.emit(&figure.caption);
            if !figure.credit.is_empty() {
                let open =
                    if figure.caption.is_empty() { "<small class=\"credit\">" } else { " <small class=\"credit\">" };
                self.out.push(Event::Html(CowStr::Borrowed(open)));
                self.words.boundary();
                self.emit(&figure.credit);
                self.out.push(Event::Html(CowStr::Borrowed("</small>")));
            }
            self.out.push(Event::Html(CowStr::Borrowed("</figcaption>\n")));
        }
        self.out.push(Event::Html(CowStr::Borrowed("</figure>\n")));
        self.words.boundary();
        true
    }

    /// The card of an embed: a link to the provider, nothing loaded from it.
    fn embed(&mut self, embed: &Embed) {
        self.figures = true;
        self.words.boundary();
        let mut html = String::from("<figure class=\"embed\">\n<a href=\"");
        escape_into(&mut html, &embed.url);
        html.push_str("\"><strong>");
        escape_into(&mut html, embed.provider.name());
        html.push_str("</strong> ");
        escape_into(&mut html, &embed.url);
        html.push_str("</a>\n</figure>\n");
        self.out.push(Event::Html(html.into()));
    }

    /// `events` runs from the block quote's start to its end, inclusive.
    fn blockquote(&mut self, events: &[Event<'i>]) {
        let (Some(start), Some(end)) = (events.first(), events.last()) else {
            return;
        };
        let inner = &events[1..events.len() - 1];
        self.words.boundary();
        match split_attribution(inner) {
            Some((quote, attribution)) => {
                self.out.push(Event::Html(CowStr::Borrowed("<figure class=\"quote\">\n")));
                self.out.push(start.clone());
                self.emit(&quote);
                self.out.push(end.clone());
                self.out.push(Event::Html(CowStr::Borrowed("<figcaption>— ")));
                self.emit(&attribution);
                self.out.push(Event::Html(CowStr::Borrowed("</figcaption>\n</figure>\n")));
            }
            None => {
                self.out.push(start.clone());
                self.emit(inner);
                self.out.push(end.clone());
            }
        }
        self.words.boundary();
    }

    fn footnote_reference(&mut self, label: &str) {
        let key = normalize_label(label);
        let number = match self.notes.numbers.get(&key) {
            Some(&number) => number,
            None if self.notes.definitions.contains_key(&key) => {
                self.notes.order.push(key.clone());
                self.notes.references.push(0);
                let number = self.notes.order.len();
                self.notes.numbers.insert(key, number);
                number
            }
            None => {
                // No such footnote: show what the author wrote.
                self.out.push(Event::Text(format!("[^{label}]").into()));
                return;
            }
        };
        let Some(count) = self.notes.references.get_mut(number - 1) else {
            return;
        };
        *count += 1;
        let id = reference_id(number, *count);
        self.out.push(Event::Html(
            format!("<sup class=\"fn-ref\" id=\"{id}\"><a href=\"#fn-{number}\">{number}</a></sup>").into(),
        ));
    }

    /// Appends the referenced footnotes' definitions, in number order.
    fn footnotes(&mut self) {
        // Rendering a definition can reference a footnote not seen before,
        // which appends to `order`; hence the index loop. Definitions never
        // referenced are left out, as nothing points at them.
        let mut bodies = Vec::new();
        while let Some(label) = self.notes.order.get(bodies.len()) {
            let definition = self.notes.definitions.remove(label).unwrap_or_default();
            let start = self.out.len();
            self.words.boundary();
            self.emit(&definition);
            bodies.push(self.out.split_off(start));
        }
        if bodies.is_empty() {
            return;
        }

        let mut open = String::from("<section class=\"footnotes\" aria-label=\"");
        escape_into(&mut open, self.opts.locale.t("footnotes"));
        open.push_str("\">\n<ol>\n");
        self.out.push(Event::Html(open.into()));
        for (index, mut body) in bodies.into_iter().enumerate() {
            let number = index + 1;
            let back_links = self.back_links(number);
            self.out.push(Event::Html(format!("<li id=\"fn-{number}\">\n").into()));
            // Back links go inside the last paragraph, as in most renderers,
            // so they do not dangle on a line of their own.
            if matches!(body.last(), Some(Event::End(TagEnd::Paragraph))) {
                body.insert(body.len() - 1, Event::Html(back_links.into()));
            } else {
                body.push(Event::Html(format!("<p>{}</p>\n", back_links.trim_start()).into()));
            }
            self.out.extend(body);
            self.out.push(Event::Html(CowStr::Borrowed("</li>\n")));
        }
        self.out.push(Event::Html(CowStr::Borrowed("</ol>\n</section>\n")));
    }

    /// One "↩" link per reference to footnote `number`.
    fn back_links(&self, number: usize) -> String {
        let references = self.notes.references.get(number - 1).copied().unwrap_or(0);
        let mut out = String::new();
        for nth in 1..=references {
            let which = if nth == 1 { number.to_string() } else { format!("{number} ({nth})") };
            let label = self.opts.locale.t_with("back_to_reference", &[("n", &which)]);
            let _ = write!(out, " <a href=\"#{}\" class=\"fn-back\" aria-label=\"", reference_id(number, nth));
            escape_into(&mut out, &label);
            // U+FE0E asks for the text glyph; iOS otherwise draws an emoji.
            out.push_str("\">↩\u{FE0E}");
            if nth > 1 {
                let _ = write!(out, "<sup>{nth}</sup>");
            }
            out.push_str("</a>");
        }
        out
    }
}

/// Id of the `nth` reference to footnote `number`: `fnref-3`, `fnref-3-2`, …
fn reference_id(number: usize, nth: usize) -> String {
    if nth == 1 {
        format!("fnref-{number}")
    } else {
        format!("fnref-{number}-{nth}")
    }
}

/// Footnote labels match case-insensitively, like link reference labels.
fn normalize_label(label: &str) -> String {
    label.to_lowercase()
}

/// Block containers (quotes, lists, list items) nested deeper than
/// [`MAX_NESTING`] lose their markup; their content stays, inside the
/// deepest container kept. This bounds the rendering's recursion and the
/// HTML's depth whatever the input (10,000 `>` would otherwise overflow
/// the stack), and no document written for people nests that deep.
fn flatten_deep(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    fn is_container(event: &Event<'_>) -> bool {
        matches!(
            event,
            Event::Start(Tag::BlockQuote(_) | Tag::List(_) | Tag::Item)
                | Event::End(TagEnd::BlockQuote(_) | TagEnd::List(_) | TagEnd::Item)
        )
    }
    // Containers nest properly: while any is dropped, every new start is
    // deeper still, and the next ends are the dropped ones'. A dropped tag
    // leaves a line break, so the words of flattened items stay apart.
    let (mut kept, mut dropped) = (0usize, 0usize);
    let mut out = Vec::with_capacity(events.len());
    for event in events {
        if !is_container(&event) {
            out.push(event);
        } else if matches!(event, Event::Start(_)) {
            if kept < MAX_NESTING {
                kept += 1;
                out.push(event);
            } else {
                dropped += 1;
                out.push(Event::SoftBreak);
            }
        } else if dropped > 0 {
            dropped -= 1;
            out.push(Event::SoftBreak);
        } else {
            kept = kept.saturating_sub(1);
            out.push(event);
        }
    }
    out
}

/// Moves footnote definitions out of the event stream so they can be
/// rendered at the end. The first definition of a label wins.
fn split_footnote_definitions(events: Vec<Event<'_>>) -> (Vec<Event<'_>>, HashMap<String, Vec<Event<'_>>>) {
    let mut body = Vec::with_capacity(events.len());
    let mut definitions = HashMap::new();
    // Label, events and nesting depth of the definition being collected.
    let mut current: Option<(String, Vec<Event<'_>>, usize)> = None;
    for event in events {
        if let Some((_, definition, depth)) = &mut current {
            match event {
                Event::Start(_) => *depth += 1,
                Event::End(_) => *depth -= 1,
                _ => {}
            }
            if *depth > 0 {
                definition.push(event);
            } else if let Some((label, definition, _)) = current.take() {
                definitions.entry(label).or_insert(definition);
            }
            continue;
        }
        match event {
            Event::Start(Tag::FootnoteDefinition(label)) => {
                current = Some((normalize_label(&label), Vec::new(), 1));
            }
            other => body.push(other),
        }
    }
    (body, definitions)
}

/// One image of a figure: its destination (already checked safe), title
/// and alt text's events.
struct FigureImage<'a, 'i> {
    src: &'a str,
    title: &'a str,
    alt: &'a [Event<'i>],
}

struct Figure<'a, 'i> {
    images: Vec<FigureImage<'a, 'i>>,
    caption: Vec<Event<'i>>,
    credit: Vec<Event<'i>>,
}

/// A paragraph's inline events as a figure: lines (split at top-level line
/// breaks) holding only images and spaces, then caption lines without
/// images, the last of them the credit if it starts with a dash. `None`
/// for any other paragraph, or if no image of it has a safe source.
fn figure_of<'a, 'i>(inner: &'a [Event<'i>]) -> Option<Figure<'a, 'i>> {
    // Lines as index ranges into `inner`.
    let mut lines: Vec<std::ops::Range<usize>> = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (index, event) in inner.iter().enumerate() {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::SoftBreak | Event::HardBreak if depth == 0 => {
                lines.push(start..index);
                start = index + 1;
            }
            _ => {}
        }
    }
    lines.push(start..inner.len());

    let mut images = Vec::new();
    let mut caption_from = None;
    for (number, line) in lines.iter().enumerate() {
        let events = &inner[line.clone()];
        if caption_from.is_some() {
            if events.iter().any(|e| matches!(e, Event::Start(Tag::Image { .. }))) {
                return None;
            }
            continue;
        }
        match image_line(events) {
            Some(found) if !found.is_empty() => images.extend(found),
            _ => caption_from = Some(number),
        }
    }
    if images.is_empty() {
        return None;
    }
    images.retain(|image| is_safe_url(image.src));
    if images.is_empty() {
        return None;
    }
    let (mut caption, mut credit) = (Vec::new(), Vec::new());
    if let Some(first) = caption_from {
        let last = lines.len() - 1;
        let last_line = &inner[lines[last].clone()];
        let dash = last_line.first().and_then(strip_dash);
        let caption_end = match dash {
            Some(stripped) => {
                credit.push(stripped);
                credit.extend(last_line[1..].iter().cloned());
                if has_text(&credit) {
                    // Up to the line break before the credit.
                    lines[last].start.saturating_sub(1)
                } else {
                    credit.clear();
                    inner.len()
                }
            }
            None => inner.len(),
        };
        let caption_start = lines[first].start;
        if caption_start < caption_end {
            caption = inner[caption_start..caption_end].to_vec();
        }
    }
    Some(Figure { images, caption, credit })
}

/// The images of a line holding nothing else (spaces aside); `None` if it
/// holds anything else.
fn image_line<'a, 'i>(events: &'a [Event<'i>]) -> Option<Vec<FigureImage<'a, 'i>>> {
    let mut images = Vec::new();
    let mut index = 0;
    while index < events.len() {
        match &events[index] {
            Event::Start(Tag::Image { dest_url, title, .. }) => {
                let end = matching_end(events, index);
                images.push(FigureImage { src: dest_url, title, alt: &events[index + 1..end] });
                index = end;
            }
            Event::Text(text) if text.trim().is_empty() => {}
            _ => return None,
        }
        index += 1;
    }
    Some(images)
}

/// A paragraph that is one URL of a known provider, bare or as a link
/// whose text is its destination.
fn embed_of(inner: &[Event<'_>]) -> Option<Embed> {
    match inner {
        [Event::Text(text)] => embed::recognize(text),
        [Event::Start(Tag::Link { dest_url, .. }), Event::Text(text), Event::End(TagEnd::Link)]
            if text.trim() == dest_url.trim() =>
        {
            embed::recognize(dest_url)
        }
        _ => None,
    }
}

/// If the last paragraph of a block quote starts with a dash ("— Name",
/// "-- Name"), or its last line does, splits the quote into the quoted
/// blocks and the attribution's inline events (dash removed).
#[allow(clippy::type_complexity)]
fn split_attribution<'i>(inner: &[Event<'i>]) -> Option<(Vec<Event<'i>>, Vec<Event<'i>>)> {
    let Some((Event::End(TagEnd::Paragraph), before_end)) = inner.split_last() else {
        return None;
    };
    // Paragraphs do not nest, so the last paragraph start is this one's.
    let start = before_end.iter().rposition(|event| matches!(event, Event::Start(Tag::Paragraph)))?;
    let paragraph = &before_end[start + 1..];

    // The whole last paragraph is the attribution.
    if let Some(first) = paragraph.first().and_then(strip_dash) {
        let attribution: Vec<Event<'i>> = std::iter::once(first).chain(paragraph[1..].iter().cloned()).collect();
        if start == 0 || !has_text(&attribution) {
            return None;
        }
        return Some((inner[..start].to_vec(), attribution));
    }

    // Only the last line is: "Quote…\n— Name" without a blank line between.
    let mut depth = 0usize;
    let mut last_break = None;
    for (index, event) in paragraph.iter().enumerate() {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::SoftBreak | Event::HardBreak if depth == 0 => last_break = Some(index),
            _ => {}
        }
    }
    let line = last_break?;
    let first = paragraph.get(line + 1).and_then(strip_dash)?;
    let attribution: Vec<Event<'i>> = std::iter::once(first).chain(paragraph[line + 2..].iter().cloned()).collect();
    if !has_text(&attribution) {
        return None;
    }
    let mut quote = inner[..=start + line].to_vec();
    quote.push(Event::End(TagEnd::Paragraph));
    Some((quote, attribution))
}

/// `Text("— Name")` → `Text("Name")`; `None` if the text starts otherwise.
fn strip_dash<'i>(event: &Event<'i>) -> Option<Event<'i>> {
    let Event::Text(text) = event else {
        return None;
    };
    let rest = ["—", "―", "--"].iter().find_map(|dash| text.strip_prefix(dash))?;
    if rest.starts_with('-') {
        return None;
    }
    let trimmed = rest.trim_start();
    let skip = text.len() - trimmed.len();
    Some(Event::Text(match text {
        CowStr::Borrowed(text) => CowStr::Borrowed(&text[skip..]),
        other => CowStr::from(other[skip..].to_owned()),
    }))
}

fn has_text(events: &[Event<'_>]) -> bool {
    !plain_text(events).trim().is_empty()
}

/// The language of a fenced code block, for its `language-*` class: the
/// info string's first word, or nothing if that is not a plausible language
/// name. (The writer would escape anything, but a class full of entities
/// helps no highlighter.)
fn code_language<'i>(info: &CowStr<'i>) -> CowStr<'i> {
    fn first_word(info: &str) -> &str {
        info.split_whitespace().next().unwrap_or("")
    }
    let word = first_word(info);
    let plausible = word.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+' | '#' | '.'));
    match info {
        _ if !plausible => CowStr::Borrowed(""),
        // Keep borrowing from the source where possible.
        CowStr::Borrowed(info) => CowStr::Borrowed(first_word(info)),
        _ => CowStr::from(word.to_owned()),
    }
}

/// Index of the `End` matching the `Start` at `start`.
fn matching_end(events: &[Event<'_>], start: usize) -> usize {
    let mut depth = 0usize;
    for (index, event) in events.iter().enumerate().skip(start) {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return index;
                }
            }
            _ => {}
        }
    }
    // pulldown-cmark guarantees balanced events; stay in bounds regardless.
    events.len().saturating_sub(1)
}

fn is_inline(tag: &TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image
    )
}

/// The text of inline events, without markup: heading text, alt text.
fn plain_text(events: &[Event<'_>]) -> String {
    let mut text = String::new();
    for event in events {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    let trimmed = text.trim();
    if trimmed.len() == text.len() {
        text
    } else {
        trimmed.to_owned()
    }
}

/// A heading id from its text: lowercase letters and digits of any script,
/// words joined by single dashes, other punctuation dropped
/// ("What's new in 2.0?" → "whats-new-in-20", "Über uns" → "über-uns").
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    let mut pending_dash = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if pending_dash && !slug.is_empty() {
                slug.push('-');
            }
            pending_dash = false;
            slug.extend(c.to_lowercase());
        } else if c.is_whitespace() || c == '-' || c == '_' {
            pending_dash = true;
        }
    }
    slug
}

/// Whether a link or image destination is safe to put in `href`/`src`.
///
/// Mirrors how browsers find a URL's scheme (WHATWG URL standard): leading
/// and trailing C0 controls and spaces are stripped, tabs and newlines
/// anywhere are ignored, and schemes compare case-insensitively — so
/// " \tJaVa\nScRiPt:" is seen as `javascript:`. Entities were already decoded
/// by the Markdown parser (`&#106;avascript:` arrives as `javascript:`).
/// Then only the allowed schemes pass, plus URLs without a scheme (relative
/// paths, `//host/…`, `?query`, `#fragment`). Any colon before the first `/`,
/// `?` or `#` counts as a scheme, valid or not, to err on the safe side.
pub fn is_safe_url(url: &str) -> bool {
    const LONGEST: usize = 6; // "mailto"
    let mut scheme = [0u8; LONGEST];
    let mut len = 0;
    let mut too_long = false;
    for c in url.trim_matches(|c: char| c <= ' ').chars() {
        match c {
            '\t' | '\n' | '\r' => {}
            ':' => {
                let scheme = &scheme[..len];
                return !too_long
                    && ALLOWED_SCHEMES.iter().any(|allowed| allowed.as_bytes().eq_ignore_ascii_case(scheme));
            }
            '/' | '?' | '#' => return true,
            c if c.is_ascii() && len < LONGEST => {
                scheme[len] = c as u8;
                len += 1;
            }
            _ => too_long = true,
        }
    }
    true
}

/// Escapes text for an HTML attribute value or element content. The one
/// HTML escaper of the crate: the theme's template formatter uses it too.
pub(crate) fn write_escaped<W: std::fmt::Write + ?Sized>(out: &mut W, text: &str) -> std::fmt::Result {
    let mut last = 0;
    for (index, byte) in text.bytes().enumerate() {
        let entity = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        // `index` is an ASCII byte, so both slices end on character boundaries.
        out.write_str(text.get(last..index).unwrap_or_default())?;
        out.write_str(entity)?;
        last = index + 1;
    }
    out.write_str(text.get(last..).unwrap_or_default())
}

fn escape_into(out: &mut String, text: &str) {
    // Writing into a String cannot fail.
    let _ = write_escaped(out, text);
}

/// `text` escaped for HTML element content or a quoted attribute, for
/// the few strings built outside templates.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text);
    out
}

/// Plain `text` as HTML with the byte ranges `marks` (in order, not
/// overlapping) wrapped in `<mark>`: a search result's snippet. A range
/// off a character boundary is left unmarked rather than split.
pub fn highlight_html(text: &str, marks: &[std::ops::Range<usize>]) -> String {
    let mut html = String::with_capacity(text.len() + marks.len() * 13);
    let mut at = 0;
    for mark in marks {
        let (Some(before), Some(marked)) = (text.get(at..mark.start), text.get(mark.clone())) else {
            continue;
        };
        escape_into(&mut html, before);
        html.push_str("<mark>");
        escape_into(&mut html, marked);
        html.push_str("</mark>");
        at = mark.end;
    }
    escape_into(&mut html, text.get(at..).unwrap_or_default());
    html
}

/// Counts words as runs of text containing a letter or digit, so "—" alone
/// is not a word and "don't" is one. Han, kana and other scripts written
/// without spaces count each character as a word, which is close to how
/// reading speed is measured for them.
#[derive(Default)]
struct WordCount {
    count: usize,
    in_word: bool,
}

impl WordCount {
    fn add(&mut self, text: &str) {
        for c in text.chars() {
            if c.is_whitespace() {
                self.in_word = false;
            } else if is_unspaced_script(c) {
                self.count += 1;
                self.in_word = false;
            } else if c.is_alphanumeric() && !self.in_word {
                self.count += 1;
                self.in_word = true;
            }
        }
    }

    /// Text on either side of a block boundary never forms one word.
    fn boundary(&mut self) {
        self.in_word = false;
    }
}

fn is_unspaced_script(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}' // hiragana, katakana
        | '\u{3400}'..='\u{4DBF}' // CJK extension A
        | '\u{4E00}'..='\u{9FFF}' // CJK unified ideographs
        | '\u{F900}'..='\u{FAFF}' // CJK compatibility ideographs
        | '\u{20000}'..='\u{2FFFF}' // CJK extensions B–F
        | '\u{0E00}'..='\u{0E7F}' // Thai
    )
}

/// Sanitizer for documents with raw HTML: ammonia's defaults (which already
/// drop scripts, styles, event handlers, forms, frames and unknown URL
/// schemes) narrowed to our schemes and widened just enough for the markup
/// this module emits.
pub(crate) static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(sanitizer);

/// A rendered body (this module's output) with every relative link and
/// image — `href="/x/"`, `src="../a.png"`, `#fn-1` — resolved against
/// `base`, the absolute URL of the page it belongs to, as a browser would
/// on that page: for feeds, which readers show away from the site.
/// It runs the same sanitizer as bodies with raw HTML (so it drops nothing
/// this module emits but `srcset` and `sizes`: ammonia does not rewrite the
/// URLs inside a `srcset`, and a feed reader shows the one `src`), with
/// ammonia's own relative-URL rewriting. An unparsable `base` leaves
/// relative URLs out rather than wrong.
pub fn absolute_links(html: &str, base: &str) -> String {
    let mut builder = sanitizer();
    builder.rm_tag_attributes("img", &["srcset", "sizes"]);
    builder.url_relative(match ammonia::Url::parse(base) {
        Ok(url) => ammonia::UrlRelative::RewriteWithBase(url),
        Err(_) => ammonia::UrlRelative::Deny,
    });
    builder.clean(&nesting::bound(html)).to_string()
}

fn sanitizer() -> ammonia::Builder<'static> {
    let attributes = |names: &[&'static str]| names.iter().copied().collect::<HashSet<_>>();
    let heading = attributes(&["id"]);
    // No `style`: the site's CSP would block it; alignment is a class.
    let cell = ["class", "colspan", "rowspan"];
    let tag_attributes: HashMap<&'static str, HashSet<&'static str>> = HashMap::from([
        ("a", attributes(&["href", "hreflang", "class", "aria-label"])),
        ("img", attributes(&["src", "srcset", "sizes", "alt", "width", "height", "loading"])),
        ("h1", heading.clone()),
        ("h2", heading.clone()),
        ("h3", heading.clone()),
        ("h4", heading.clone()),
        ("h5", heading.clone()),
        ("h6", heading),
        ("li", attributes(&["id"])),
        ("sup", attributes(&["id", "class"])),
        ("small", attributes(&["class"])),
        ("section", attributes(&["class", "aria-label"])),
        ("nav", attributes(&["class", "aria-label"])),
        ("figure", attributes(&["class"])),
        ("div", attributes(&["class"])),
        ("code", attributes(&["class"])),
        ("th", attributes(&cell).into_iter().chain(["scope"]).collect()),
        ("td", attributes(&cell)),
        ("ol", attributes(&["start"])),
        ("del", attributes(&["datetime"])),
        ("ins", attributes(&["datetime"])),
        ("time", attributes(&["datetime"])),
    ]);
    let mut builder = ammonia::Builder::default();
    builder
        .add_tags(&["section"])
        // Dropped with everything inside, not just unwrapped: their content
        // is not article text (and SVG/MathML are the usual mXSS carriers).
        .add_clean_content_tags(&[
            "iframe", "object", "embed", "noscript", "template", "textarea", "select", "svg", "math", "title",
            "noembed", "noframes", "xmp",
        ])
        .generic_attributes(attributes(&["lang", "title", "dir"]))
        .tag_attributes(tag_attributes)
        .url_schemes(ALLOWED_SCHEMES.iter().copied().collect())
        .link_rel(Some("noopener noreferrer"))
        .set_tag_attribute_value("img", "loading", "lazy")
        .attribute_filter(|_element, attribute, value| match attribute {
            "class" => allowed_classes(value),
            "srcset" => safe_srcset(value).then_some(Cow::Borrowed(value)),
            "sizes" => safe_sizes(value).then_some(Cow::Borrowed(value)),
            _ => Some(Cow::Borrowed(value)),
        });
    builder
}

/// A `srcset` as this module writes it: candidates `URL 640w` (or `2x`)
/// separated by commas, every URL one [`is_safe_url`] allows.
fn safe_srcset(value: &str) -> bool {
    value.split(',').all(|candidate| {
        let mut parts = candidate.split_ascii_whitespace();
        let (Some(url), descriptor, None) = (parts.next(), parts.next(), parts.next()) else {
            return false;
        };
        let descriptor_ok = descriptor.is_none_or(|d| {
            d.strip_suffix(['w', 'x'])
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
        });
        descriptor_ok && is_safe_url(url) && !url.contains(['"', '\'', '<', '>'])
    })
}

/// A `sizes` of media conditions and lengths, nothing else.
fn safe_sizes(value: &str) -> bool {
    value.len() <= 200
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'(' | b')' | b',' | b':' | b'.' | b'-' | b' '))
}

/// Keeps our own classes and `language-*` (code blocks); drops the rest.
fn allowed_classes(value: &str) -> Option<Cow<'_, str>> {
    let kept: Vec<&str> = value
        .split_ascii_whitespace()
        .filter(|class| OUR_CLASSES.contains(class) || class.starts_with("language-"))
        .collect();
    (!kept.is_empty()).then(|| Cow::Owned(kept.join(" ")))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::single_range_in_vec_init)]
    fn snippets_escape_text_and_mark_matches() {
        assert_eq!(escape_html("a <b> & \"c\" 'd'"), "a &lt;b&gt; &amp; &quot;c&quot; &#39;d&#39;");
        let text = "a <b> & \"strike\" 'now'";
        assert_eq!(highlight_html(text, &[9..15]), "a &lt;b&gt; &amp; &quot;<mark>strike</mark>&quot; &#39;now&#39;");
        assert_eq!(highlight_html("x y x", &[0..1, 4..5]), "<mark>x</mark> y <mark>x</mark>");
        // A range off a character boundary is dropped, not a panic.
        assert_eq!(highlight_html("ñandú", &[1..2]), "ñandú");
    }

    #[test]
    fn links_become_absolute_against_the_page() {
        let html = render(
            "[a](/other/) [b](next/) [c](https://x.example/y) [d](mailto:a@b.example)[^1]\n\n![i](/media/k.png)\n\n[^1]: Note.",
            &Options::default(),
        )
        .html;
        let out = absolute_links(&html, "https://m.example/de/story/");
        assert!(out.contains(r#"href="https://m.example/other/""#), "{out}");
        assert!(out.contains(r#"href="https://m.example/de/story/next/""#), "{out}");
        assert!(out.contains(r#"href="https://x.example/y""#), "{out}");
        assert!(out.contains(r#"href="mailto:a@b.example""#), "{out}");
        assert!(out.contains(r#"src="https://m.example/media/k.png""#), "{out}");
        assert!(
            out.contains(r#"href="https://m.example/de/story/#fn-1""#)
                || out.contains(r##"href="https://m.example/de/story/#"##),
            "{out}"
        );
        assert!(!out.contains(r#"="/"#) && !out.contains(r##"="#"##), "no relative URL left: {out}");
        // Raw HTML an author typed goes through the sanitizer as well.
        let hostile =
            render("<a href=\"/x\" onclick=\"alert(1)\">x</a><script>alert(1)</script>", &Options::default()).html;
        let out = absolute_links(&hostile, "https://m.example/s/");
        assert_eq!(out, r#"<p><a href="https://m.example/x" rel="noopener noreferrer">x</a></p>"#.to_owned() + "\n");
    }

    #[test]
    fn url_filter() {
        for ok in [
            "https://example.com",
            "HTTP://example.com",
            "mailto:a@b.c",
            "tel:+123",
            "/relative/path",
            "relative",
            "../up",
            "#fragment",
            "?q=1",
            "//cdn.example.com/x.png",
            "path/with:colon",
            "",
        ] {
            assert!(is_safe_url(ok), "{ok:?} should be allowed");
        }
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            " \t\njavascript:alert(1)",
            "\u{1}javascript:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
            "vbscript:msgbox",
            "data:text/html,<script>",
            "data:image/png;base64,AAAA",
            "file:///etc/passwd",
            "java\u{0}script:alert(1)",
            "\u{a0}javascript:alert(1)",
            "ftp://example.com",
        ] {
            assert!(!is_safe_url(bad), "{bad:?} should be refused");
        }
    }

    #[test]
    fn slugs() {
        assert_eq!(slugify("Hello, World!"), "hello-world");
        assert_eq!(slugify("What's new in 2.0?"), "whats-new-in-20");
        assert_eq!(slugify("  Über   uns  "), "über-uns");
        assert_eq!(slugify("snake_case and kebab-case"), "snake-case-and-kebab-case");
        assert_eq!(slugify("日本語 テキスト"), "日本語-テキスト");
        assert_eq!(slugify("!!!"), "");
    }

    #[test]
    fn escaping() {
        let mut out = String::new();
        escape_into(&mut out, r#"a<b>&"c"'d"#);
        assert_eq!(out, "a&lt;b&gt;&amp;&quot;c&quot;&#39;d");
    }

    #[test]
    fn word_count() {
        let mut words = WordCount::default();
        words.add("Don't stop — it's 3.14 well-known words");
        assert_eq!(words.count, 6);
        words.boundary();
        words.add("日本語");
        assert_eq!(words.count, 9);
    }

    #[test]
    fn classes_filter() {
        assert_eq!(allowed_classes("anchor evil"), Some(Cow::Owned("anchor".to_owned())));
        assert_eq!(allowed_classes("language-rust"), Some(Cow::Owned("language-rust".to_owned())));
        assert_eq!(allowed_classes("evil"), None);
    }
}
