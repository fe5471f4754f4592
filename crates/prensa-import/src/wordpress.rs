//! Reads a WordPress export (WXR 1.0–1.2, the RSS file of Tools → Export)
//! for `prensa import wordpress`.
//!
//! The file is read twice, streaming, with quick-xml, holding one item's
//! fields at a time: the first pass checks the whole file is well-formed
//! and collects what items refer to by id (authors, categories, tags and
//! attachments: the URL, alt text and caption of each image), the second
//! converts posts and pages. Two passes because an item may name an
//! attachment (`_thumbnail_id`, `[gallery ids=…]`) that comes after it in the
//! file, and a second read of a file on disk costs far less than keeping
//! every body in memory until the end. Bodies are converted in batches on
//! every core ([`content`]) and only the Markdown is kept.
//!
//! Untrusted input: there is no DTD processing at all. A `<!DOCTYPE` is
//! refused as soon as it is read (billion-laughs and external-entity files
//! stop there), an entity other than XML's five and character references
//! is an error, nesting deeper than [`MAX_DEPTH`] is an error, no single
//! piece of markup (a tag with its attributes, a text run) may exceed
//! [`MAX_EVENT`] bytes, and a file that ends inside an element is refused as
//! truncated. The reader reports these as [`ReadError`] before anything is
//! written.
//!
//! [`build`] turns what was read into a [`prensa_core::foreign::ForeignImport`]
//! for the publications the caller chose.

pub mod build;
pub mod content;
pub mod shortcodes;

use std::collections::HashMap;
use std::fmt;
use std::io::{BufRead, BufReader};
use std::path::Path;

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

/// Deepest element nesting accepted (a WXR file needs 5).
pub const MAX_DEPTH: usize = 64;
/// Largest single piece of markup accepted: a start tag with its
/// attributes, or a run of text or CDATA (a post body is one), in bytes.
pub const MAX_EVENT: usize = 64 << 20;
/// Longest attachment URL kept (longer ones are ignored).
const MAX_URL: usize = 2048;
/// Longest attachment alt text or caption kept (longer ones are cut).
const MAX_ALT: usize = 1000;
/// Largest text gathered for one field, across several pieces of markup.
const MAX_FIELD: usize = 64 << 20;

/// Why an export cannot be read; nothing is imported.
#[derive(Debug)]
pub struct ReadError {
    /// Byte offset in the file where reading stopped.
    pub offset: u64,
    pub message: String,
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "byte {}: {}", self.offset, self.message)
    }
}

impl std::error::Error for ReadError {}

/// The site as the channel describes it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Channel {
    pub title: String,
    pub link: String,
    pub description: String,
    /// As written (`en-US`).
    pub language: String,
    /// `wp:base_blog_url`, else `link`.
    pub base_url: String,
    pub wxr_version: String,
}

/// A `wp:author` of the channel.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WpAuthor {
    pub id: String,
    pub login: String,
    pub display_name: String,
    pub first_name: String,
    pub last_name: String,
    /// `wp:author_description`, where an export plugin adds it.
    pub description: String,
}

/// A category or tag of the channel (`wp:category`, `wp:tag`, `wp:term`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WpTerm {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub parent: String,
    pub description: String,
}

/// What a post refers to when it names an attachment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attachment {
    pub url: String,
    pub alt: String,
    /// The attachment's excerpt, which WordPress shows as the caption.
    pub caption: String,
    pub parent: u64,
    pub menu_order: i64,
}

/// The export's attachments, by id and by the post they belong to.
#[derive(Debug, Clone, Default)]
pub struct Library {
    pub by_id: HashMap<u64, Attachment>,
    /// Attachment ids per parent post, in WordPress's gallery order
    /// (menu order, then id).
    pub children: HashMap<u64, Vec<u64>>,
}

impl Library {
    pub fn new(by_id: HashMap<u64, Attachment>) -> Library {
        let mut children: HashMap<u64, Vec<(i64, u64)>> = HashMap::new();
        for (id, a) in &by_id {
            if a.parent != 0 {
                children.entry(a.parent).or_default().push((a.menu_order, *id));
            }
        }
        let children = children
            .into_iter()
            .map(|(parent, mut ids)| {
                ids.sort_unstable();
                (parent, ids.into_iter().map(|(_, id)| id).collect())
            })
            .collect();
        Library { by_id, children }
    }
}

/// Whether an item is a post or a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Post,
    Page,
}

/// A post or page, its body already converted.
#[derive(Debug, Clone, PartialEq)]
pub struct Post {
    pub id: u64,
    pub kind: Kind,
    pub title: String,
    pub link: String,
    /// `wp:post_name` as written: percent-encoded where not ASCII, as in
    /// the old URLs (empty for most drafts).
    pub name: String,
    /// `wp:status` as written: publish, future, draft, pending, private.
    pub status: String,
    pub has_password: bool,
    pub date: Option<DateTime<Utc>>,
    /// `wp:post_date`: the site's local time, which date-based permalinks use.
    pub local_date: Option<NaiveDateTime>,
    pub modified: Option<DateTime<Utc>>,
    /// The author's login (`dc:creator`).
    pub creator: String,
    /// Plain text.
    pub excerpt: String,
    pub body: content::Body,
    /// Where [`read_spooled`] put the converted Markdown (then
    /// `body.markdown` is empty).
    pub spooled: Option<crate::Spooled>,
    /// `(nicename, name)` in the order written, nicenames as in URLs.
    pub categories: Vec<(String, String)>,
    pub tags: Vec<(String, String)>,
    /// `_yoast_wp_primary_category`: a category's term id.
    pub primary_category: Option<String>,
    pub thumbnail: Option<u64>,
    /// Polylang: the `language` term and the `post_translations` group.
    pub language: Option<String>,
    pub translation_group: Option<String>,
}

/// Everything read from an export.
#[derive(Debug, Clone, Default)]
pub struct Export {
    pub channel: Channel,
    pub authors: Vec<WpAuthor>,
    pub categories: Vec<WpTerm>,
    pub tags: Vec<WpTerm>,
    pub attachments: Library,
    pub posts: Vec<Post>,
    /// Items left out, each with why.
    pub skipped: Vec<String>,
}

/// Progress of [`read`]: items seen in the pass, and in all (0 during the
/// first pass, which counts them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub pass: u8,
    pub items: usize,
    pub total: usize,
}

/// Reads the export at `path`.
pub fn read(path: &Path, progress: &dyn Fn(Progress)) -> Result<Export, ReadError> {
    let open = || {
        std::fs::File::open(path)
            .map_err(|e| ReadError { offset: 0, message: format!("cannot open {}: {e}", path.display()) })
    };
    read_from(&open, progress)
}

/// [`read`], moving each converted body into `spool` as soon as its batch
/// is converted (the posts' `spooled` says where): the read then holds the
/// export's metadata only, whatever the length of its posts.
pub fn read_spooled(path: &Path, progress: &dyn Fn(Progress), spool: &mut crate::Spool) -> Result<Export, ReadError> {
    let open = || {
        std::fs::File::open(path)
            .map_err(|e| ReadError { offset: 0, message: format!("cannot open {}: {e}", path.display()) })
    };
    read_into(&open, progress, Some(spool))
}

/// [`read`] over anything that can be opened twice (tests read strings).
pub fn read_from<R: std::io::Read>(
    open: &dyn Fn() -> Result<R, ReadError>,
    progress: &dyn Fn(Progress),
) -> Result<Export, ReadError> {
    read_into(open, progress, None)
}

fn read_into<R: std::io::Read>(
    open: &dyn Fn() -> Result<R, ReadError>,
    progress: &dyn Fn(Progress),
    spool: Option<&mut crate::Spool>,
) -> Result<Export, ReadError> {
    let mut export = Export::default();
    let mut first = FirstPass::default();
    let total =
        walk(BufReader::with_capacity(1 << 16, open()?), &mut |item| first.item(item), &mut export, progress, 1, 0)?;
    export.attachments = Library::new(first.attachments);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8);
    let mut second =
        SecondPass { batch: Vec::new(), posts: Vec::new(), skipped: Vec::new(), threads, spool, spool_error: None };
    let mut channel_again = Export::default();
    {
        let attachments = &export.attachments;
        walk(
            BufReader::with_capacity(1 << 16, open()?),
            &mut |item| second.item(item, attachments),
            &mut channel_again,
            progress,
            2,
            total,
        )?;
        second.flush(attachments);
    }
    if let Some(e) = second.spool_error {
        return Err(ReadError { offset: 0, message: format!("cannot set the converted bodies aside on disk: {e}") });
    }
    export.posts = second.posts;
    export.skipped = second.skipped;
    Ok(export)
}

/// One `<item>`'s fields, as text.
#[derive(Debug, Default)]
struct RawItem {
    offset: u64,
    title: String,
    link: String,
    creator: String,
    content: String,
    excerpt: String,
    id: String,
    date: String,
    date_gmt: String,
    modified_gmt: String,
    name: String,
    status: String,
    parent: String,
    menu_order: String,
    post_type: String,
    password: String,
    attachment_url: String,
    /// `(domain, nicename, text)`.
    terms: Vec<(String, String, String)>,
    meta: Vec<(String, String)>,
}

/// Postmeta keys kept (the rest, often large plugin data, is dropped as read).
const META_KEYS: &[&str] = &["_thumbnail_id", "_yoast_wp_primary_category", "_wp_attachment_image_alt"];

impl RawItem {
    fn meta(&self, key: &str) -> Option<&str> {
        self.meta.iter().find(|(k, _)| k == key).map(|(_, v)| v.trim())
    }
}

#[derive(Default)]
struct FirstPass {
    attachments: HashMap<u64, Attachment>,
}

impl FirstPass {
    fn item(&mut self, item: RawItem) {
        if item.post_type.trim() != "attachment" {
            return;
        }
        let Ok(id) = item.id.trim().parse::<u64>() else { return };
        let url = if item.attachment_url.trim().is_empty() { item.link.trim() } else { item.attachment_url.trim() };
        // Galleries repeat these in bodies: no URL or alt text is that long
        // unless the file means harm.
        if url.len() > MAX_URL {
            return;
        }
        self.attachments.insert(
            id,
            Attachment {
                url: url.to_owned(),
                alt: item.meta("_wp_attachment_image_alt").unwrap_or_default().chars().take(MAX_ALT).collect(),
                caption: content::plain_text(&item.excerpt).chars().take(MAX_ALT).collect(),
                parent: item.parent.trim().parse().unwrap_or(0),
                menu_order: item.menu_order.trim().parse().unwrap_or(0),
            },
        );
    }
}

/// Bodies converted per batch, each batch split over the cores.
const BATCH: usize = 256;

struct SecondPass<'s> {
    batch: Vec<RawItem>,
    posts: Vec<Post>,
    skipped: Vec<String>,
    threads: usize,
    spool: Option<&'s mut crate::Spool>,
    /// The first failed write to the spool, reported when the pass ends.
    spool_error: Option<std::io::Error>,
}

impl SecondPass<'_> {
    fn item(&mut self, item: RawItem, attachments: &Library) {
        let kind = item.post_type.trim();
        let status = item.status.trim();
        let id = item.id.trim();
        if kind == "attachment" {
            return;
        }
        if kind != "post" && kind != "page" {
            let kind = if kind.is_empty() { "item" } else { kind };
            self.skipped.push(format!("{kind} {id}: not a post or page"));
            return;
        }
        if id.parse::<u64>().is_err() {
            self.skipped.push(format!("{kind} at byte {}: no numeric wp:post_id", item.offset));
            return;
        }
        if matches!(status, "trash" | "auto-draft" | "inherit") {
            self.skipped.push(format!("{kind} {id}: status {status}"));
            return;
        }
        self.batch.push(item);
        if self.batch.len() >= BATCH * self.threads {
            self.flush(attachments);
        }
    }

    fn flush(&mut self, attachments: &Library) {
        if self.batch.is_empty() {
            return;
        }
        let batch = std::mem::take(&mut self.batch);
        let chunk = batch.len().div_ceil(self.threads).max(1);
        let converted: Vec<Vec<Post>> = std::thread::scope(|s| {
            let handles: Vec<_> = batch
                .chunks(chunk)
                .map(|items| s.spawn(move || items.iter().map(|i| to_post(i, attachments)).collect::<Vec<_>>()))
                .collect();
            // A panic in a conversion thread is a bug; keep its items out
            // rather than lose the run's other items silently: re-raise.
            handles.into_iter().map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).collect()
        });
        for mut posts in converted {
            if let Some(spool) = self.spool.as_deref_mut() {
                for p in &mut posts {
                    match spool.put(&p.body.markdown) {
                        Ok(at) => {
                            p.spooled = Some(at);
                            p.body.markdown = String::new();
                        }
                        Err(e) => {
                            self.spool_error.get_or_insert(e);
                        }
                    }
                }
            }
            self.posts.extend(posts);
        }
    }
}

fn to_post(item: &RawItem, attachments: &Library) -> Post {
    let id: u64 = item.id.trim().parse().unwrap_or(0);
    let kind = if item.post_type.trim() == "page" { Kind::Page } else { Kind::Post };
    let mut categories = Vec::new();
    let mut tags = Vec::new();
    let mut language = None;
    let mut translation_group = None;
    for (domain, nicename, text) in &item.terms {
        let pair = (nicename.trim().to_owned(), content::plain_text(text));
        match domain.as_str() {
            "category" => categories.push(pair),
            "post_tag" => tags.push(pair),
            "language" => language = Some(pair.0),
            "post_translations" => translation_group = Some(pair.0),
            _ => {}
        }
    }
    let date = wp_date(&item.date_gmt).or_else(|| wp_date(&item.date));
    Post {
        id,
        kind,
        title: content::plain_text(&item.title),
        link: item.link.trim().to_owned(),
        name: item.name.trim().to_owned(),
        status: item.status.trim().to_owned(),
        has_password: !item.password.trim().is_empty(),
        date,
        local_date: wp_date(&item.date).map(|d| d.naive_utc()),
        modified: wp_date(&item.modified_gmt),
        creator: item.creator.trim().to_owned(),
        excerpt: content::plain_text(&item.excerpt),
        body: content::convert(&item.content, id, attachments),
        spooled: None,
        categories,
        tags,
        primary_category: item.meta("_yoast_wp_primary_category").filter(|v| !v.is_empty()).map(str::to_owned),
        thumbnail: item.meta("_thumbnail_id").and_then(|v| v.parse().ok()),
        language,
        translation_group,
    }
}

/// `2019-09-11 08:30:00` as UTC; `None` for WordPress's `0000-00-00 00:00:00`.
pub fn wp_date(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if s.is_empty() || s.starts_with("0000") {
        return None;
    }
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").ok().map(|d| Utc.from_utc_datetime(&d))
}

/// `%e2%80%99` → `’` (WordPress stores non-ASCII slugs encoded).
pub fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// Where the walk is, for the fields it keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Channel,
    Item,
    Author,
    Category,
    Tag,
    Term,
    Meta,
    /// Inside something whose content is not kept (`wp:comment`…).
    Ignored,
}

/// A `BufRead` that refuses to hand out more than [`MAX_EVENT`] bytes
/// between two calls of [`Limited::reset`]: quick-xml gathers a whole tag or
/// text run in memory, so this bounds what one piece of markup can cost.
struct Limited<R> {
    inner: R,
    since_reset: usize,
}

impl<R: std::io::Read> std::io::Read for Limited<BufReader<R>> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count(n)?;
        Ok(n)
    }
}

impl<R: std::io::Read> BufRead for Limited<BufReader<R>> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        if self.since_reset > MAX_EVENT {
            return Err(std::io::Error::other(format!("a single tag or text is larger than {} MB", MAX_EVENT >> 20)));
        }
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        self.since_reset += amt;
        self.inner.consume(amt);
    }
}

impl<R> Limited<R> {
    fn count(&mut self, n: usize) -> std::io::Result<()> {
        self.since_reset += n;
        if self.since_reset > MAX_EVENT {
            return Err(std::io::Error::other(format!("a single tag or text is larger than {} MB", MAX_EVENT >> 20)));
        }
        Ok(())
    }

    fn reset(&mut self) {
        self.since_reset = 0;
    }
}

/// Walks the whole file, filling `export`'s channel fields and handing each
/// `<item>` to `on_item`. Returns the number of items.
fn walk<R: std::io::Read>(
    source: BufReader<R>,
    on_item: &mut dyn FnMut(RawItem),
    export: &mut Export,
    progress: &dyn Fn(Progress),
    pass: u8,
    total: usize,
) -> Result<usize, ReadError> {
    let mut reader = Reader::from_reader(Limited { inner: source, since_reset: 0 });
    {
        let config = reader.config_mut();
        config.trim_text(false);
        config.check_end_names = true;
        config.expand_empty_elements = false;
    }
    let mut buf = Vec::with_capacity(1 << 16);
    // Element names from the root down, and the scope each opened.
    let mut stack: Vec<(Vec<u8>, Scope)> = Vec::new();
    let mut text = String::new();
    let mut item = RawItem::default();
    let mut author = WpAuthor::default();
    let mut term = WpTerm::default();
    let mut term_taxonomy = String::new();
    let mut meta: (String, String) = Default::default();
    let mut category_attrs: Option<(String, String)> = None;
    let mut items = 0usize;
    let mut seen_rss = false;
    let mut closed_rss = false;
    loop {
        reader.get_mut().reset();
        let offset = reader.buffer_position();
        let err = |message: String| ReadError { offset, message };
        let event = match reader.read_event_into(&mut buf) {
            Ok(e) => e,
            Err(e) => {
                let at = reader.error_position();
                return Err(ReadError { offset: at, message: explain(&e) });
            }
        };
        let scope = stack.last().map_or(Scope::Ignored, |s| s.1);
        match event {
            Event::DocType(_) => {
                return Err(err("the file has a DOCTYPE declaration; WordPress exports have none, and DTDs (entity \
                     definitions, external entities) are not processed: refusing the file"
                    .into()));
            }
            Event::Start(e) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(err(format!("elements nested deeper than {MAX_DEPTH} levels: not a WordPress export")));
                }
                let name = e.name().as_ref().to_vec();
                if stack.is_empty() {
                    if name != b"rss" {
                        return Err(err(format!(
                            "the root element is <{}>, not <rss>: not a WordPress export (WXR) file",
                            String::from_utf8_lossy(&name)
                        )));
                    }
                    seen_rss = true;
                }
                let next = match (scope, name.as_slice()) {
                    (_, b"rss") if stack.is_empty() => Scope::Ignored,
                    (Scope::Ignored, b"channel") if stack.len() == 1 => Scope::Channel,
                    (Scope::Channel, b"item") => {
                        item = RawItem { offset, ..RawItem::default() };
                        Scope::Item
                    }
                    (Scope::Channel, b"wp:author") => {
                        author = WpAuthor::default();
                        Scope::Author
                    }
                    (Scope::Channel, b"wp:category") => {
                        term = WpTerm::default();
                        Scope::Category
                    }
                    (Scope::Channel, b"wp:tag") => {
                        term = WpTerm::default();
                        Scope::Tag
                    }
                    (Scope::Channel, b"wp:term") => {
                        term = WpTerm::default();
                        term_taxonomy.clear();
                        Scope::Term
                    }
                    (Scope::Item, b"wp:postmeta") => {
                        meta = Default::default();
                        Scope::Meta
                    }
                    (Scope::Item, b"category") => {
                        category_attrs = Some(term_attrs(&e));
                        Scope::Item
                    }
                    (
                        Scope::Channel
                        | Scope::Item
                        | Scope::Author
                        | Scope::Category
                        | Scope::Tag
                        | Scope::Term
                        | Scope::Meta,
                        _,
                    ) if stack.last().is_some_and(|(n, _)| is_container(n)) => scope,
                    _ => Scope::Ignored,
                };
                text.clear();
                stack.push((name, next));
            }
            Event::Empty(e) => {
                if stack.is_empty() {
                    return Err(err("the file has no <rss> element: not a WordPress export (WXR) file".into()));
                }
                // `<category domain="post_tag" nicename="x"/>`: a term without a name.
                if scope == Scope::Item && e.name().as_ref() == b"category" {
                    let (domain, nicename) = term_attrs(&e);
                    item.terms.push((domain, nicename, String::new()));
                }
            }
            Event::Text(t) => {
                if stack.is_empty() {
                    if !t.iter().all(u8::is_ascii_whitespace) {
                        return Err(err("text outside the <rss> element: not a WordPress export (WXR) file".into()));
                    }
                    continue;
                }
                if keeps_text(scope) {
                    let s = t.decode().map_err(|e| err(format!("invalid text: {e}")))?;
                    push_text(&mut text, &s).map_err(err)?;
                }
            }
            Event::CData(t) => {
                if keeps_text(scope) {
                    let s = t.decode().map_err(|e| err(format!("invalid text: {e}")))?;
                    push_text(&mut text, &s).map_err(err)?;
                }
            }
            Event::GeneralRef(r) => {
                let resolved = if r.is_char_ref() {
                    match r.resolve_char_ref() {
                        Ok(Some(c)) => c,
                        _ => return Err(err("an invalid character reference".into())),
                    }
                } else {
                    let name: &[u8] = &r;
                    match name {
                        b"amp" => '&',
                        b"lt" => '<',
                        b"gt" => '>',
                        b"quot" => '"',
                        b"apos" => '\'',
                        other => {
                            return Err(err(format!(
                                "the entity &{}; is not defined: entities other than XML's five are not \
                                 expanded, refusing the file",
                                String::from_utf8_lossy(other)
                            )))
                        }
                    }
                };
                if keeps_text(scope) {
                    let mut tmp = [0u8; 4];
                    push_text(&mut text, resolved.encode_utf8(&mut tmp)).map_err(err)?;
                }
            }
            Event::End(e) => {
                let Some((name, closing)) = stack.pop() else {
                    return Err(err("an end tag without a start tag".into()));
                };
                let parent = stack.last().map_or(Scope::Ignored, |s| s.1);
                let value = std::mem::take(&mut text);
                debug_assert_eq!(name.as_slice(), e.name().as_ref());
                match (closing, name.as_slice()) {
                    (Scope::Item, b"item") if parent == Scope::Channel => {
                        items += 1;
                        on_item(std::mem::take(&mut item));
                        if items.is_multiple_of(1000) {
                            progress(Progress { pass, items, total });
                        }
                    }
                    (Scope::Author, b"wp:author") if parent == Scope::Channel => {
                        export.authors.push(std::mem::take(&mut author))
                    }
                    (Scope::Category, b"wp:category") if parent == Scope::Channel => {
                        export.categories.push(std::mem::take(&mut term))
                    }
                    (Scope::Tag, b"wp:tag") if parent == Scope::Channel => export.tags.push(std::mem::take(&mut term)),
                    (Scope::Term, b"wp:term") if parent == Scope::Channel => {
                        let t = std::mem::take(&mut term);
                        match term_taxonomy.trim() {
                            "category" => export.categories.push(t),
                            "post_tag" => export.tags.push(t),
                            _ => {}
                        }
                    }
                    (Scope::Meta, b"wp:postmeta") => {
                        let (k, v) = std::mem::take(&mut meta);
                        if META_KEYS.contains(&k.trim()) {
                            item.meta.push((k.trim().to_owned(), v));
                        }
                    }
                    (Scope::Channel, field) => channel_field(&mut export.channel, field, value),
                    (Scope::Item, b"category") => {
                        let (domain, nicename) = category_attrs.take().unwrap_or_default();
                        item.terms.push((domain, nicename, value));
                    }
                    (Scope::Item, field) => item_field(&mut item, field, value),
                    (Scope::Author, field) => author_field(&mut author, field, value),
                    (Scope::Category | Scope::Tag | Scope::Term, field) => {
                        if field == b"wp:term_taxonomy" {
                            term_taxonomy = value;
                        } else {
                            term_field(&mut term, field, value);
                        }
                    }
                    (Scope::Meta, b"wp:meta_key") => meta.0 = value,
                    (Scope::Meta, b"wp:meta_value") if META_KEYS.contains(&meta.0.trim()) => meta.1 = value,
                    _ => {}
                }
                if stack.is_empty() && name == b"rss" {
                    closed_rss = true;
                }
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
        }
        buf.clear();
    }
    if !stack.is_empty() || !seen_rss || !closed_rss {
        let inside: Vec<String> = stack.iter().map(|(n, _)| format!("<{}>", String::from_utf8_lossy(n))).collect();
        let message = if seen_rss {
            format!("the file ends inside {}: it is truncated (an incomplete export or copy)", inside.join(" "))
        } else {
            "the file has no <rss> element: not a WordPress export (WXR) file".to_owned()
        };
        return Err(ReadError { offset: reader.buffer_position(), message });
    }
    Ok(items)
}

/// Whether text under an element of `scope` is kept at all.
fn keeps_text(scope: Scope) -> bool {
    !matches!(scope, Scope::Ignored)
}

/// Elements whose direct children are kept as fields (the scope's own
/// element); anything below a field (`<a><b>`) is ignored.
fn is_container(name: &[u8]) -> bool {
    matches!(name, b"channel" | b"item" | b"wp:author" | b"wp:category" | b"wp:tag" | b"wp:term" | b"wp:postmeta")
}

fn push_text(text: &mut String, s: &str) -> Result<(), String> {
    if text.len() + s.len() > MAX_FIELD {
        return Err(format!("a field longer than {} MB", MAX_FIELD >> 20));
    }
    text.push_str(s);
    Ok(())
}

fn term_attrs(e: &BytesStart<'_>) -> (String, String) {
    let mut domain = String::new();
    let mut nicename = String::new();
    for a in e.attributes().flatten() {
        let value = a.unescape_value().map(|v| v.into_owned()).unwrap_or_default();
        match a.key.as_ref() {
            b"domain" => domain = value,
            b"nicename" => nicename = value,
            _ => {}
        }
    }
    (domain, nicename)
}

fn channel_field(c: &mut Channel, field: &[u8], value: String) {
    match field {
        b"title" => c.title = value,
        b"link" => c.link = value,
        b"description" => c.description = value,
        b"language" => c.language = value,
        b"wp:base_blog_url" => c.base_url = value,
        b"wp:wxr_version" => c.wxr_version = value,
        _ => {}
    }
}

fn item_field(i: &mut RawItem, field: &[u8], value: String) {
    match field {
        b"title" => i.title = value,
        b"link" => i.link = value,
        b"dc:creator" => i.creator = value,
        b"content:encoded" => i.content = value,
        b"excerpt:encoded" => i.excerpt = value,
        b"wp:post_id" => i.id = value,
        b"wp:post_date" => i.date = value,
        b"wp:post_date_gmt" => i.date_gmt = value,
        b"wp:post_modified_gmt" => i.modified_gmt = value,
        b"wp:post_name" => i.name = value,
        b"wp:status" => i.status = value,
        b"wp:post_parent" => i.parent = value,
        b"wp:menu_order" => i.menu_order = value,
        b"wp:post_type" => i.post_type = value,
        b"wp:post_password" => i.password = value,
        b"wp:attachment_url" => i.attachment_url = value,
        _ => {}
    }
}

fn author_field(a: &mut WpAuthor, field: &[u8], value: String) {
    match field {
        b"wp:author_id" => a.id = value.trim().to_owned(),
        b"wp:author_login" => a.login = value.trim().to_owned(),
        b"wp:author_display_name" => a.display_name = value.trim().to_owned(),
        b"wp:author_first_name" => a.first_name = value.trim().to_owned(),
        b"wp:author_last_name" => a.last_name = value.trim().to_owned(),
        b"wp:author_description" => a.description = value.trim().to_owned(),
        _ => {}
    }
}

fn term_field(t: &mut WpTerm, field: &[u8], value: String) {
    match field {
        b"wp:term_id" => t.id = value.trim().to_owned(),
        b"wp:category_nicename" | b"wp:tag_slug" | b"wp:term_slug" => t.slug = value.trim().to_owned(),
        b"wp:cat_name" | b"wp:tag_name" | b"wp:term_name" => t.name = content::plain_text(&value),
        b"wp:category_parent" | b"wp:term_parent" => t.parent = value.trim().to_owned(),
        b"wp:category_description" | b"wp:tag_description" | b"wp:term_description" => t.description = value,
        _ => {}
    }
}

/// quick-xml's errors, as a person reading the import's output needs them.
fn explain(e: &quick_xml::Error) -> String {
    match e {
        quick_xml::Error::Io(io) => format!("cannot read the file: {io}"),
        quick_xml::Error::Syntax(s) => {
            format!("the file is not well-formed XML ({s}); a truncated or damaged export is refused")
        }
        quick_xml::Error::IllFormed(s) => {
            format!("the file is not well-formed XML ({s}); a truncated or damaged export is refused")
        }
        other => format!("the file is not well-formed XML: {other}"),
    }
}
