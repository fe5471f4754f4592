//! Full-text search for Prensa's public sites.
//!
//! One [tantivy] index per publication, stemmed in the publication's
//! language (Snowball stemmers and stop words for the eighteen languages
//! tantivy ships; any other language is still lowercased and folded, just
//! not stemmed). Every node builds its own index from the store
//! ([`SearchIndex::rebuild`]) and then follows the store's change feed
//! ([`SearchIndex::refresh`]), so all nodes of a site answer alike within
//! one watcher tick of a publish, whatever node took it, and nothing but
//! the database is shared.
//!
//! Where the index lives: in files under a temporary directory of the
//! node's own (`TMPDIR`, `prensa-search-*`, removed when the index is
//! dropped, and swept by the next process when one was left behind:
//! [`sweep_stale_dirs`]), read through tantivy's memory-mapped directory. Held in the
//! heap, as it was first, an archive's index cost its whole size in
//! resident memory: the stored plain text for snippets alone is about the
//! archive's size (1.4 GB at 100,000 articles of 600–3,000 words), where a
//! node must stay under 400 MB. Mapped files are the kernel's page cache:
//! what searches touch stays resident, the rest can be dropped under
//! pressure. The files are rebuilt at every start rather than kept: a
//! magazine's archive is small for a search engine (see BENCHMARKS.md for
//! the build time at 100,000 articles), and keeping nothing between runs
//! means nothing to back up, lock, or check for staleness against a
//! database other nodes write. The price, a build per start, is paid in
//! the background: a rebuild fills *new* indexes while
//! the old ones (or, at start, empty ones that say so through
//! [`SearchIndex::is_built`]) keep answering, then swaps them in, so a
//! node serves from its first second and no rebuild ever holds up the
//! change feed. Writes seen while a build runs are applied to it after
//! the swap, so none is lost.
//!
//! What a reader finds: published articles whose publish date has come.
//! Scheduled articles are indexed in advance and filtered by date when the
//! query runs, so one turns up at its time without anyone telling the index.

use std::collections::HashMap;
use std::ops::{Bound, Range};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use chrono::{DateTime, FixedOffset, Utc};
use prensa_core::{AuthorRef, Id, SearchDocument, SectionRef};
use prensa_store::{DocScope, SearchSource, StoreError};
use serde::{Deserialize, Serialize};
use tantivy::collector::{Count, TopDocs};
use tantivy::directory::{Advice, MmapDirectory};
use tantivy::query::{BooleanQuery, Occur, Query, QueryParser, RangeQuery};
use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, Value, STORED,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, StopWordFilter, TextAnalyzer,
};
use tantivy::{doc, Index, IndexReader, IndexSettings, IndexWriter, Order, ReloadPolicy, TantivyDocument, Term};

/// Longest query looked at, in characters; the rest is ignored.
pub const MAX_QUERY_CHARS: usize = 256;

/// Longest snippet of body text shown under a result, in bytes (tantivy's
/// `set_max_num_chars` measures fragments by their byte offsets).
const SNIPPET_BYTES: usize = 220;

/// How much of a body, in bytes, is scanned for a result's snippet. The
/// scan runs the stemming analyzer over the text, the largest cost of a
/// query; a match further in shows the standfirst instead.
const SNIPPET_SCAN_BYTES: usize = 6_000;

/// Articles read from the store per batch while building an index.
const BATCH: u32 = 500;

/// Documents the new indexes take (all publications together) between
/// commits while they are built. Adding a document only queues it for the writer's indexing
/// thread (tantivy's queue holds up to 10,000), and the store reads faster
/// than text is indexed, so without a commit now and then every
/// publication's queue filled with whole bodies: 1.6 GB of heap while
/// 100,000 articles were indexed. A commit waits for the queue to drain.
const BUILD_COMMIT_DOCS: usize = 2_000;

/// The memory each indexing thread of a publication's writer may use
/// before it flushes a segment. Enough for its share of
/// [`BUILD_COMMIT_DOCS`] long articles, so a build's segments end at its
/// commits: at tantivy's smallest budget (15 MB) a thread flushed every
/// ~150 long articles, and 100,000 articles made ~670 segments, 5,300
/// files, each of which kept its first pages mapped and resident (130 MB
/// of RSS) and each of which a query had to visit.
const WRITER_BYTES: usize = 40_000_000;

/// Segments with more documents than this are never merged. A build
/// writes its segments at [`BUILD_COMMIT_DOCS`] a commit (split among the
/// indexing threads), and merging them afterwards read every one of them
/// whole through the memory map: 150 MB of index pages resident (counted
/// in the node's RSS) at 100,000 articles, held until the reader let the
/// merged-away segments go. Left as they are, a query opens ten-odd
/// segments per publication instead of one (measured in BENCHMARKS.md);
/// the small segments refreshes add are still merged among themselves.
const MERGE_MAX_DOCS: usize = 500;

/// Indexing threads per publication's writer: the machine's cores, up to
/// four. An archive imported one publication after another is built one
/// publication at a time, so a single thread left every other core idle.
fn indexing_threads() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get).clamp(1, 4)
}

/// The merge policy outside a build (see [`MERGE_MAX_DOCS`]).
fn merge_policy() -> Box<tantivy::merge_policy::LogMergePolicy> {
    let mut policy = tantivy::merge_policy::LogMergePolicy::default();
    policy.set_max_docs_before_merge(MERGE_MAX_DOCS);
    Box::new(policy)
}

const ANALYZER: &str = "prensa";

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("no search index for publication {0}")]
    NotFound(Id),
}

pub type Result<T, E = SearchError> = std::result::Result<T, E>;

/// How results are ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Sort {
    /// Best match first (BM25; headline words count most, then the
    /// standfirst, then bylines, section and tags, then the body).
    #[default]
    Relevance,
    /// Newest first, among the matches.
    Newest,
}

#[derive(Debug, Clone)]
pub struct SearchQuery<'a> {
    /// What the reader typed: words (all must match), `"a phrase"`,
    /// `-excluded`; nothing else is syntax (`headline:x`, `word*`,
    /// brackets: just words, see [`plain_query`]).
    pub text: &'a str,
    pub sort: Sort,
    pub limit: usize,
    pub offset: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SearchResults {
    /// Every match, not just this page's.
    pub total: usize,
    pub hits: Vec<Hit>,
}

/// One matching article, with what a result list shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub id: Id,
    pub slug: String,
    pub headline: String,
    pub standfirst: String,
    pub section: SectionRef,
    pub authors: Vec<AuthorRef>,
    pub published_at: DateTime<FixedOffset>,
    /// A passage of the body around the matched words; empty when only
    /// the headline, standfirst or names matched.
    pub snippet: Snippet,
}

/// Plain text with the matched words marked by byte ranges (in order, not
/// overlapping); turning it into HTML, escaped, is the theme's job
/// (`prensa_render::markdown::highlight_html`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snippet {
    pub text: String,
    pub marks: Vec<Range<usize>>,
    /// Whether text of the body comes before / after the passage (so a
    /// page shows an ellipsis there).
    pub cut_before: bool,
    pub cut_after: bool,
}

/// What a counted refresh or rebuild did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Indexed {
    /// Articles written into an index.
    pub added: usize,
    /// Articles asked about that are no longer published (taken out).
    pub removed: usize,
}

/// Everything shown in a result, kept beside the indexed text so a search
/// answers from memory without asking the store.
#[derive(Debug, Serialize, Deserialize)]
struct Stored {
    slug: String,
    headline: String,
    standfirst: String,
    section: (String, String),
    authors: Vec<(String, String)>,
    published_at: DateTime<FixedOffset>,
    /// The start of the body as plain text, for snippets: the
    /// [`SNIPPET_SCAN_BYTES`] a snippet is looked for in, no more (the
    /// whole text cost the index the archive's size again).
    text: String,
    /// Whether the body goes on after `text`.
    #[serde(default)]
    more: bool,
}

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    published: Field,
    headline: Field,
    standfirst: Field,
    body: Field,
    names: Field,
    stored: Field,
}

struct PublicationIndex {
    language: String,
    /// Whether a complete build filled this index (false for the empty
    /// index a publication gets until its first build ends).
    built: bool,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    parser: QueryParser,
    fields: Fields,
    /// The index's files; last, so the reader and writer close first. The
    /// directory is removed when the index is dropped.
    _dir: tempfile::TempDir,
}

/// The search indexes of every publication a node serves.
#[derive(Default)]
pub struct SearchIndex {
    publications: RwLock<HashMap<Id, Arc<PublicationIndex>>>,
    /// While a rebuild runs: the articles refreshed meanwhile, applied
    /// again to the new indexes once they are swapped in (the build may
    /// have read them before the write).
    pending: Mutex<Option<Vec<Id>>>,
    /// Articles written by the running build so far (or the last one).
    build_indexed: AtomicUsize,
    building: AtomicBool,
    builds: AtomicU64,
}

/// How a node's index build stands, for `/metrics`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BuildProgress {
    /// A rebuild is running.
    pub building: bool,
    /// Every publication's index has been built at least once.
    pub complete: bool,
    /// Articles the running build (or the last one) has indexed so far.
    pub indexed: usize,
    /// Articles in the indexes being answered from.
    pub live: u64,
    /// Builds finished since the node started.
    pub builds: u64,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ids: Vec<Id> = self.read().keys().copied().collect();
        f.debug_struct("SearchIndex").field("publications", &ids).finish()
    }
}

/// The Snowball stemmer for a language tag (`de`, `pt-BR`, `nb`), if
/// tantivy has one.
pub fn stemmer_language(tag: &str) -> Option<Language> {
    let primary = tag.split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase();
    Some(match primary.as_str() {
        "ar" => Language::Arabic,
        "da" => Language::Danish,
        "nl" => Language::Dutch,
        "en" => Language::English,
        "fi" => Language::Finnish,
        "fr" => Language::French,
        "de" => Language::German,
        "el" => Language::Greek,
        "hu" => Language::Hungarian,
        "it" => Language::Italian,
        "no" | "nb" | "nn" => Language::Norwegian,
        "pt" => Language::Portuguese,
        "ro" => Language::Romanian,
        "ru" => Language::Russian,
        "es" => Language::Spanish,
        "sv" => Language::Swedish,
        "ta" => Language::Tamil,
        "tr" => Language::Turkish,
        _ => return None,
    })
}

/// Words split on anything but letters and digits, long junk dropped,
/// lowercased, stop words out, stemmed, then accents folded — after the
/// stemmer, which knows its language's accented letters, so `Müller` and
/// `Muller` still meet.
fn analyzer(language: &str) -> TextAnalyzer {
    let builder = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .dynamic();
    let builder = match stemmer_language(language) {
        Some(lang) => {
            let builder = match StopWordFilter::new(lang) {
                Some(stop) => builder.filter_dynamic(stop),
                None => builder,
            };
            builder.filter_dynamic(Stemmer::new(lang))
        }
        None => builder,
    };
    builder.filter_dynamic(AsciiFoldingFilter).build()
}

impl PublicationIndex {
    fn new(language: &str, built: bool) -> Result<PublicationIndex> {
        let mut schema = Schema::builder();
        let text = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(ANALYZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        let fields = Fields {
            id: schema.add_u64_field("id", NumericOptions::default().set_indexed().set_stored()),
            published: schema.add_i64_field("published", NumericOptions::default().set_indexed().set_fast()),
            headline: schema.add_text_field("headline", text.clone()),
            standfirst: schema.add_text_field("standfirst", text.clone()),
            body: schema.add_text_field("body", text.clone()),
            names: schema.add_text_field("names", text),
            stored: schema.add_text_field("stored", STORED),
        };
        let dir = tempfile::Builder::new()
            .prefix(DIR_PREFIX)
            .tempdir()
            .map_err(|e| tantivy::TantivyError::InternalError(format!("making the index's directory: {e}")))?;
        // Random access: a query reads a few postings and stored blocks,
        // and the kernel's default read-ahead (128 KB around each page
        // touched) kept whole neighbourhoods of the files resident.
        let directory = MmapDirectory::open_with_madvice(dir.path(), Advice::Random)
            .map_err(|e| tantivy::TantivyError::InternalError(format!("opening the index's directory: {e}")))?;
        let index = Index::create(directory, schema.build(), IndexSettings::default())?;
        index.tokenizers().register(ANALYZER, analyzer(language));
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        let threads = indexing_threads();
        let writer = index.writer_with_num_threads(threads, threads * WRITER_BYTES)?;
        writer.set_merge_policy(merge_policy());
        let mut parser =
            QueryParser::for_index(&index, vec![fields.headline, fields.standfirst, fields.names, fields.body]);
        // Readers type a few words and expect pages holding all of them.
        parser.set_conjunction_by_default();
        parser.set_field_boost(fields.headline, 3.0);
        parser.set_field_boost(fields.standfirst, 2.0);
        parser.set_field_boost(fields.names, 1.5);
        Ok(PublicationIndex {
            language: language.to_owned(),
            built,
            reader,
            writer: Mutex::new(writer),
            parser,
            fields,
            _dir: dir,
        })
    }

    fn writer(&self) -> std::sync::MutexGuard<'_, IndexWriter> {
        self.writer.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn document(&self, d: &SearchDocument) -> Result<TantivyDocument> {
        let f = &self.fields;
        let text = plain_text(&d.body);
        let stored = Stored {
            slug: d.slug.clone(),
            headline: d.headline.clone(),
            standfirst: d.standfirst.clone(),
            section: (d.section.slug.clone(), d.section.name.clone()),
            authors: d.authors.iter().map(|a| (a.slug.clone(), a.name.clone())).collect(),
            published_at: d.published_at,
            text: prefix(&text, SNIPPET_SCAN_BYTES).to_owned(),
            more: text.len() > SNIPPET_SCAN_BYTES,
        };
        let stored = serde_json::to_string(&stored).map_err(|e| tantivy::TantivyError::InternalError(e.to_string()))?;
        let mut doc = doc!(
            f.id => id_term(d.id),
            f.published => d.published_at.timestamp(),
            f.headline => d.headline.as_str(),
            f.standfirst => d.standfirst.as_str(),
            f.body => text,
            f.names => d.section.name.as_str(),
            f.stored => stored,
        );
        for name in d.authors.iter().map(|a| a.name.as_str()).chain(d.tags.iter().map(String::as_str)) {
            doc.add_text(f.names, name);
        }
        Ok(doc)
    }

    fn commit(&self, writer: &mut IndexWriter) -> Result<()> {
        writer.commit()?;
        self.reader.reload()?;
        Ok(())
    }

    fn search(&self, query: &SearchQuery<'_>, now: DateTime<Utc>) -> Result<SearchResults> {
        let text = clip_query(query.text);
        if text.is_empty() || query.limit == 0 {
            return Ok(SearchResults { total: 0, hits: Vec::new() });
        }
        // Only quoted words reach tantivy's query grammar, so nothing the
        // reader types is read as a field, range, wildcard or operator.
        let (words, _) = self.parser.parse_query_lenient(&plain_query(text));
        let published = Term::from_field_i64(self.fields.published, now.timestamp());
        let due: Box<dyn Query> = Box::new(RangeQuery::new(Bound::Unbounded, Bound::Included(published)));
        let searcher = self.reader.searcher();
        let snippets = SnippetGenerator::create(&searcher, &*words, self.fields.body).map(|mut g| {
            g.set_max_num_chars(SNIPPET_BYTES);
            g
        });
        let combined = BooleanQuery::new(vec![(Occur::Must, words), (Occur::Must, due)]);
        let top = TopDocs::with_limit(query.limit).and_offset(query.offset);
        let (total, addresses) = match query.sort {
            Sort::Relevance => {
                let (total, top) = searcher.search(&combined, &(Count, top.order_by_score()))?;
                (total, top.into_iter().map(|(_, a)| a).collect::<Vec<_>>())
            }
            Sort::Newest => {
                let (total, top) =
                    searcher.search(&combined, &(Count, top.order_by_fast_field::<i64>("published", Order::Desc)))?;
                (total, top.into_iter().map(|(_, a)| a).collect())
            }
        };
        let mut hits = Vec::with_capacity(addresses.len());
        for address in addresses {
            let doc: TantivyDocument = searcher.doc(address)?;
            let Some(json) = doc.get_first(self.fields.stored).and_then(|v| v.as_str()) else { continue };
            let Some(id) = doc.get_first(self.fields.id).and_then(|v| v.as_u64()) else { continue };
            let s: Stored = match serde_json::from_str(json) {
                Ok(s) => s,
                Err(e) => {
                    tracing::warn!(error = %e, "unreadable search document skipped");
                    continue;
                }
            };
            let snippet = match &snippets {
                Ok(g) => snippet_of(g, &s.text, s.more),
                Err(_) => Snippet::default(),
            };
            hits.push(Hit {
                id: Id::try_from(id).unwrap_or_default(),
                slug: s.slug,
                headline: s.headline,
                standfirst: s.standfirst,
                section: SectionRef { slug: s.section.0, name: s.section.1 },
                authors: s.authors.into_iter().map(|(slug, name)| AuthorRef { slug, name }).collect(),
                published_at: s.published_at,
                snippet,
            });
        }
        Ok(SearchResults { total, hits })
    }
}

/// A query cut to [`MAX_QUERY_CHARS`], at a space when it is longer, so no
/// half word (which would match nothing and, all words being required,
/// sink the whole query) is searched for.
pub fn clip_query(text: &str) -> &str {
    let text = text.trim();
    match text.char_indices().nth(MAX_QUERY_CHARS) {
        None => text,
        Some((cut, _)) => {
            let head = &text[..cut];
            head.rfind(char::is_whitespace).map_or(head, |space| &head[..space]).trim_end()
        }
    }
}

/// What a reader typed, as tantivy query syntax that says only "these
/// words, these phrases, not those". Characters of the grammar's syntax
/// (`:`, `*`, brackets, `^`, `~`, …) separate words like spaces do, every
/// word and every quoted phrase becomes one quoted phrase (so a word the
/// analyzer splits, like `e-mail`, matches as a phrase, as a bare word
/// did), and `-` before one excludes it. `headline:*` once asked tantivy
/// for a field query it cannot answer (a 500); now it is the word
/// "headline".
pub fn plain_query(text: &str) -> String {
    const SYNTAX: &[char] = &['+', '^', '`', ':', '{', '}', '[', ']', '(', ')', '!', '\\', '*', '~', '<', '>', '='];
    let mut out = String::with_capacity(text.len() + 16);
    let mut push = |phrase: &str, excluded: bool| {
        if !phrase.chars().any(char::is_alphanumeric) {
            return;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        if excluded {
            out.push('-');
        }
        out.push('"');
        // Inside quotes only `"` and `\\` mean anything to the grammar.
        let phrase: String = phrase.chars().map(|c| if c == '"' || c == '\\' { ' ' } else { c }).collect();
        out.push_str(phrase.trim());
        out.push('"');
    };
    let mut rest = text.trim_start();
    while !rest.is_empty() {
        let end = rest.find(|c: char| c.is_whitespace() || c == '"').unwrap_or(rest.len());
        let (word, after) = rest.split_at(end);
        let (excluded, word) = match word.strip_prefix('-') {
            Some(word) => (true, word),
            None => (false, word),
        };
        if let Some(phrase) = after.strip_prefix('"').filter(|_| word.is_empty()) {
            // `"a phrase"`, or `-"a phrase"`; an unclosed quote runs to
            // the end.
            let close = phrase.find('"').unwrap_or(phrase.len());
            push(&phrase[..close], excluded);
            rest = phrase.get(close + 1..).unwrap_or_default();
        } else {
            for part in word.split(SYNTAX) {
                push(part, excluded);
            }
            // A quote right after a word starts a phrase on the next round.
            rest = after;
        }
        rest = rest.trim_start();
    }
    out
}

fn id_term(id: Id) -> u64 {
    u64::try_from(id).unwrap_or_default()
}

/// The snippet for one result: the first paragraph (of the first
/// [`SNIPPET_SCAN_BYTES`]) holding a match, trimmed by tantivy to its best
/// passage. Paragraph by paragraph because the scan runs the stemming
/// analyzer over the text — the largest cost of a query — and most
/// matches come early; the fragment then runs on to the end of its last
/// word's punctuation (tantivy stops at the last token, which drops the
/// full stop), and says whether text was left out either side.
fn snippet_of(generator: &SnippetGenerator, text: &str, more: bool) -> Snippet {
    let head = prefix(text, SNIPPET_SCAN_BYTES);
    let whole = text.trim_end().len();
    let mut offset = 0;
    for paragraph in head.split_inclusive('\n') {
        let found = generator.snippet(paragraph);
        if !found.is_empty() {
            let range = found.fragment_range();
            let tail = paragraph.get(range.end..).unwrap_or_default();
            let extra: usize =
                tail.chars().take_while(|c| !c.is_whitespace() && !c.is_alphanumeric()).map(char::len_utf8).sum();
            let end = range.end + extra;
            return Snippet {
                text: paragraph.get(range.start..end).unwrap_or(found.fragment()).to_owned(),
                marks: found.highlighted().to_vec(),
                cut_before: offset + range.start > 0,
                cut_after: more || offset + end < whole,
            };
        }
        offset += paragraph.len();
    }
    Snippet::default()
}

/// At most `max` bytes of `text`, cut at a character boundary.
fn prefix(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The words of a Markdown body, as a reader sees them: no markup, no raw
/// HTML, link targets and image addresses left out, blocks apart.
pub fn plain_text(markdown: &str) -> String {
    use pulldown_cmark::{Event, Parser, TagEnd};
    let mut text = String::with_capacity(markdown.len());
    for event in Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::BlockQuote(_) | TagEnd::CodeBlock,
            ) => text.push('\n'),
            _ => {}
        }
    }
    text.truncate(text.trim_end().len());
    text
}

/// The name every index directory starts with, in the temporary directory.
const DIR_PREFIX: &str = "prensa-search-";

/// How old an index directory without a live writer must be before a
/// sweep removes it: one being made (directory first, then its writer's
/// lock) is never that old.
const STALE_AFTER: Duration = Duration::from_secs(60);

/// Removes the index directories under `root` that no process uses any
/// more: older than `min_age`, and whose writer lock (`.tantivy-writer.lock`,
/// an advisory lock its `IndexWriter` holds as long as it lives, released
/// by the kernel when the process ends) is free. A node stopped by a signal,
/// or a test process, leaves its directories behind; without this each
/// restart would leave a copy of the index in the temporary directory.
/// Returns how many were removed.
pub fn sweep_stale_dirs(root: &std::path::Path, min_age: Duration) -> usize {
    let Ok(entries) = std::fs::read_dir(root) else { return 0 };
    let mut removed = 0;
    for entry in entries.flatten() {
        if !entry.file_name().to_string_lossy().starts_with(DIR_PREFIX) {
            continue;
        }
        let old_enough =
            entry.metadata().and_then(|m| m.modified()).is_ok_and(|t| t.elapsed().is_ok_and(|age| age >= min_age));
        if !old_enough || !entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let lock = entry.path().join(".tantivy-writer.lock");
        let in_use = match std::fs::File::open(&lock) {
            // Held by a live writer (of this process or another); an
            // error says nothing, so the directory is kept.
            Ok(file) => !matches!(fs4::fs_std::FileExt::try_lock_exclusive(&file), Ok(true)),
            Err(_) => false,
        };
        if !in_use && std::fs::remove_dir_all(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

impl SearchIndex {
    /// Also sweeps, once per process and in the background, the index
    /// directories earlier processes left in the temporary directory
    /// ([`sweep_stale_dirs`]).
    pub fn new() -> SearchIndex {
        static SWEEP: std::sync::Once = std::sync::Once::new();
        SWEEP.call_once(|| {
            let root = std::env::temp_dir();
            let spawned = std::thread::Builder::new().name("prensa-search-sweep".into()).spawn(move || {
                let removed = sweep_stale_dirs(&root, STALE_AFTER);
                if removed > 0 {
                    tracing::info!(removed, "removed search index directories no process uses");
                }
            });
            if let Err(e) = spawned {
                tracing::warn!(error = %e, "could not start the sweep of old search index directories");
            }
        });
        SearchIndex::default()
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<Id, Arc<PublicationIndex>>> {
        self.publications.read().unwrap_or_else(|e| e.into_inner())
    }

    fn all(&self) -> Vec<Arc<PublicationIndex>> {
        self.read().values().cloned().collect()
    }

    /// Makes sure each publication (id, language tag) has an index in its
    /// language, and drops those of publications gone. An index whose
    /// publication changed language starts empty; it returns `true` then
    /// (or when any index is new), meaning a [`SearchIndex::rebuild`] is
    /// due.
    pub fn set_publications(&self, publications: &[(Id, &str)]) -> Result<bool> {
        let mut map = self.publications.write().unwrap_or_else(|e| e.into_inner());
        let mut fresh = false;
        map.retain(|id, _| publications.iter().any(|(p, _)| p == id));
        for (id, language) in publications {
            if map.get(id).is_none_or(|p| p.language != *language) {
                map.insert(*id, Arc::new(PublicationIndex::new(language, false)?));
                fresh = true;
            }
        }
        Ok(fresh)
    }

    /// Searches one publication's published articles.
    pub fn search(&self, publication: Id, query: &SearchQuery<'_>, now: DateTime<Utc>) -> Result<SearchResults> {
        let index = self.read().get(&publication).cloned().ok_or(SearchError::NotFound(publication))?;
        index.search(query, now)
    }

    /// Whether a publication's index has been built (else it is empty
    /// until the build running in the background ends).
    pub fn is_built(&self, publication: Id) -> bool {
        self.read().get(&publication).is_some_and(|p| p.built)
    }

    /// Whether every publication's index has been built.
    pub fn is_complete(&self) -> bool {
        self.read().values().all(|p| p.built)
    }

    /// Where the build stands (see [`BuildProgress`]).
    pub fn progress(&self) -> BuildProgress {
        let all = self.all();
        BuildProgress {
            building: self.building.load(Ordering::Relaxed),
            complete: all.iter().all(|p| p.built),
            indexed: self.build_indexed.load(Ordering::Relaxed),
            live: all.iter().map(|p| p.reader.searcher().num_docs()).sum(),
            builds: self.builds.load(Ordering::Relaxed),
        }
    }

    /// Articles in a publication's index (scheduled ones included).
    pub fn len(&self, publication: Id) -> u64 {
        self.read().get(&publication).map_or(0, |p| p.reader.searcher().num_docs())
    }

    /// Whether no publication's index holds anything.
    pub fn is_empty(&self) -> bool {
        self.all().iter().all(|p| p.reader.searcher().num_docs() == 0)
    }

    /// Re-reads these articles from the store: each one still published is
    /// written anew, the others are taken out. This is how the index
    /// follows the change feed.
    pub async fn refresh<S: SearchSource>(&self, store: &S, ids: &[Id]) -> Result<Indexed> {
        if ids.is_empty() {
            return Ok(Indexed::default());
        }
        // Noted before the store is read: a build swapping its indexes in
        // after this point re-reads these articles itself.
        if let Some(pending) = self.pending.lock().unwrap_or_else(|e| e.into_inner()).as_mut() {
            pending.extend_from_slice(ids);
        }
        let docs = store.search_documents(&DocScope::Ids(ids.to_vec())).await?;
        let indexes = self.read().clone();
        let mut added = 0;
        for (publication, index) in &indexes {
            let mut writer = index.writer();
            for id in ids {
                writer.delete_term(Term::from_field_u64(index.fields.id, id_term(*id)));
            }
            for doc in docs.iter().filter(|d| d.publication == *publication) {
                writer.add_document(index.document(doc)?)?;
                added += 1;
            }
            index.commit(&mut writer)?;
        }
        Ok(Indexed { added, removed: ids.len().saturating_sub(docs.len()) })
    }

    /// Builds every publication's index from the store, reading it in
    /// batches; `progress` hears the running count. The build fills new
    /// indexes while searches keep seeing the old contents, then swaps
    /// them in whole; articles refreshed meanwhile are then refreshed
    /// again, so a rebuild may run beside [`SearchIndex::refresh`]. Two
    /// rebuilds must not run at once (the web layer runs one at a time).
    pub async fn rebuild<S: SearchSource>(&self, store: &S, progress: impl FnMut(usize)) -> Result<Indexed> {
        self.rebuild_paced(store, Duration::ZERO, progress).await
    }

    /// [`SearchIndex::rebuild`], waiting `pause` before each batch: a test
    /// hook that stands in for an archive too large to build at once.
    pub async fn rebuild_paced<S: SearchSource>(
        &self,
        store: &S,
        pause: Duration,
        progress: impl FnMut(usize),
    ) -> Result<Indexed> {
        *self.pending.lock().unwrap_or_else(|e| e.into_inner()) = Some(Vec::new());
        self.build_indexed.store(0, Ordering::Relaxed);
        self.building.store(true, Ordering::Relaxed);
        let built = self.build(store, pause, progress).await;
        self.building.store(false, Ordering::Relaxed);
        let (fresh, added) = match built {
            Ok(built) => built,
            Err(e) => {
                self.pending.lock().unwrap_or_else(|e| e.into_inner()).take();
                return Err(e);
            }
        };
        let again = {
            let mut map = self.publications.write().unwrap_or_else(|e| e.into_inner());
            for (id, index) in fresh {
                // A publication dropped (or given a new language) while
                // the build ran keeps what `set_publications` made it.
                if map.get(&id).is_some_and(|old| old.language == index.language) {
                    map.insert(id, Arc::new(index));
                }
            }
            self.pending.lock().unwrap_or_else(|e| e.into_inner()).take().unwrap_or_default()
        };
        self.builds.fetch_add(1, Ordering::Relaxed);
        let mut again = again;
        again.sort_unstable();
        again.dedup();
        self.refresh(store, &again).await?;
        Ok(Indexed { added, removed: 0 })
    }

    /// Fills a new index for each publication from the store.
    async fn build<S: SearchSource>(
        &self,
        store: &S,
        pause: Duration,
        mut progress: impl FnMut(usize),
    ) -> Result<(Vec<(Id, PublicationIndex)>, usize)> {
        let languages: Vec<(Id, String)> = self.read().iter().map(|(id, p)| (*id, p.language.clone())).collect();
        let mut fresh = Vec::with_capacity(languages.len());
        for (id, language) in languages {
            let index = PublicationIndex::new(&language, true)?;
            // No merges while the build runs: a merge reads its segments
            // through the memory map, and those pages stayed resident (and
            // counted in the node's RSS, 600 MB at 100,000 articles) while
            // a reader still held the merged-away segments. Nor after it
            // (see MERGE_MAX_DOCS).
            index.writer().set_merge_policy(Box::new(tantivy::merge_policy::NoMergePolicy));
            fresh.push((id, index));
        }
        let mut after = 0;
        let mut added = 0;
        let mut uncommitted = vec![0usize; fresh.len()];
        loop {
            if !pause.is_zero() {
                tokio::time::sleep(pause).await;
            }
            let batch = store.search_documents(&DocScope::After { after, limit: BATCH }).await?;
            let Some(last) = batch.last() else { break };
            after = last.id;
            for ((publication, index), uncommitted) in fresh.iter().zip(&mut uncommitted) {
                let writer = index.writer();
                for doc in batch.iter().filter(|d| d.publication == *publication) {
                    writer.add_document(index.document(doc)?)?;
                    added += 1;
                    *uncommitted += 1;
                }
            }
            // Counted over every publication, so the documents held in
            // queues and writers' buffers stay bounded however the
            // archive's publications interleave.
            if uncommitted.iter().sum::<usize>() >= BUILD_COMMIT_DOCS {
                for ((_, index), uncommitted) in fresh.iter().zip(&mut uncommitted) {
                    if *uncommitted > 0 {
                        // Not yet searched by anyone: no reader to reload.
                        index.writer().commit()?;
                        *uncommitted = 0;
                    }
                }
            }
            self.build_indexed.store(added, Ordering::Relaxed);
            progress(added);
        }
        for (_, index) in &fresh {
            let mut writer = index.writer();
            index.commit(&mut writer)?;
            writer.set_merge_policy(merge_policy());
        }
        Ok((fresh, added))
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn markdown_becomes_the_words_a_reader_sees() {
        let md = "# Strike\n\nNurses *walked out* on [Monday](https://example.org/x).\n\n<script>alert(1)</script>\n\n- one\n- two `code`";
        let text = plain_text(md);
        assert_eq!(text, "Strike\nNurses walked out on Monday.\none\ntwo code");
    }

    #[test]
    fn long_queries_are_cut_between_words() {
        assert_eq!(clip_query("  strike  "), "strike");
        let long = "election ".repeat(100);
        let cut = clip_query(&long);
        assert!(cut.chars().count() <= MAX_QUERY_CHARS && cut.ends_with("election"), "{cut}");
        let one_word = "x".repeat(1000);
        assert_eq!(clip_query(&one_word).chars().count(), MAX_QUERY_CHARS);
    }

    #[test]
    fn prefixes_end_on_character_boundaries() {
        assert_eq!(prefix("abc", 10), "abc");
        assert_eq!(prefix("añb", 2), "a");
        assert_eq!(prefix("añb", 3), "añ");
    }

    /// An English index holding one published article (id 1) and one
    /// scheduled for 2030 (id 2), which no search may find yet.
    fn one_article_index() -> PublicationIndex {
        let index = PublicationIndex::new("en", true).expect("index");
        let article = |id: Id, published: &str| SearchDocument {
            id,
            publication: 1,
            slug: format!("strike-{id}"),
            headline: "Nurses strike for safe staffing".into(),
            standfirst: "A picket line at dawn.".into(),
            body: "The nurses walked out at dawn.".into(),
            authors: vec![AuthorRef { slug: "ana".into(), name: "Ana Ribeiro".into() }],
            section: SectionRef { slug: "politics".into(), name: "Politics".into() },
            tags: vec!["Labour".into()],
            published_at: DateTime::parse_from_rfc3339(published).expect("date"),
        };
        let mut writer = index.writer();
        for doc in [article(1, "2026-01-05T09:00:00Z"), article(2, "2030-01-05T09:00:00Z")] {
            writer.add_document(index.document(&doc).expect("document")).expect("add");
        }
        index.commit(&mut writer).expect("commit");
        drop(writer);
        index
    }

    /// Only the part of a body a snippet is looked for in is stored; a
    /// passage from a longer body still says the body goes on.
    #[test]
    fn a_long_body_stores_its_start_and_its_snippet_says_more_follows() {
        let index = PublicationIndex::new("en", true).expect("index");
        let words = "harbour ".repeat(2_000);
        let body = format!("The cranes stood still.\n\n{words}\n\nThe last line names the lighthouse.");
        let doc = SearchDocument {
            id: 1,
            publication: 1,
            slug: "long".into(),
            headline: "A long night".into(),
            standfirst: String::new(),
            body,
            authors: vec![],
            section: SectionRef { slug: "port".into(), name: "Port".into() },
            tags: vec![],
            published_at: DateTime::parse_from_rfc3339("2026-01-05T09:00:00Z").expect("date"),
        };
        let mut writer = index.writer();
        writer.add_document(index.document(&doc).expect("document")).expect("add");
        index.commit(&mut writer).expect("commit");
        drop(writer);
        let searcher = index.reader.searcher();
        let stored: TantivyDocument = searcher.doc(tantivy::DocAddress::new(0, 0)).expect("stored");
        let json = stored.get_first(index.fields.stored).and_then(|v| v.as_str()).expect("stored json");
        let stored: Stored = serde_json::from_str(json).expect("parses");
        assert!(stored.text.len() <= SNIPPET_SCAN_BYTES && stored.more, "{} bytes", stored.text.len());
        let found = search(&index, "cranes").expect("search");
        let snippet = &found.hits[0].snippet;
        assert!(snippet.text.contains("cranes") && snippet.cut_after && !snippet.cut_before, "{snippet:?}");
        // Found by a word past the stored start: the body is indexed whole.
        assert_eq!(search(&index, "lighthouse").expect("search").hits.len(), 1);
    }

    /// A directory whose writer is alive is kept; one whose writer is gone
    /// (its lock free, as after the process ended) or that never got one is
    /// removed; other files are not touched.
    #[test]
    fn a_sweep_removes_only_directories_no_writer_holds() {
        let root = tempfile::tempdir().expect("root");
        let live = one_article_index();
        // The live index's directory, as another process would see it.
        let live_dir = root.path().join("prensa-search-live");
        std::fs::create_dir(&live_dir).expect("mkdir");
        let held = std::fs::File::create(live_dir.join(".tantivy-writer.lock")).expect("lock file");
        fs4::fs_std::FileExt::lock_exclusive(&held).expect("lock");
        let dead = root.path().join("prensa-search-dead");
        std::fs::create_dir(&dead).expect("mkdir");
        std::fs::write(dead.join(".tantivy-writer.lock"), "").expect("lock file");
        std::fs::write(dead.join("segment.idx"), "x").expect("segment");
        let unfinished = root.path().join("prensa-search-unfinished");
        std::fs::create_dir(&unfinished).expect("mkdir");
        let other = root.path().join("someone-else");
        std::fs::create_dir(&other).expect("mkdir");

        assert_eq!(sweep_stale_dirs(root.path(), Duration::from_secs(3600)), 0, "too young to be stale");
        assert_eq!(sweep_stale_dirs(root.path(), Duration::ZERO), 2);
        assert!(live_dir.exists() && other.exists());
        assert!(!dead.exists() && !unfinished.exists());
        // The real index's own directory is locked by its writer.
        assert!(live._dir.path().join(".tantivy-writer.lock").exists());
        let lock = std::fs::File::open(live._dir.path().join(".tantivy-writer.lock")).expect("open");
        assert!(!fs4::fs_std::FileExt::try_lock_exclusive(&lock).expect("try"), "tantivy holds its writer lock");
        drop(held);
    }

    fn search(index: &PublicationIndex, text: &str) -> Result<SearchResults> {
        let now = DateTime::parse_from_rfc3339("2026-06-01T00:00:00Z").expect("date").with_timezone(&Utc);
        index.search(&SearchQuery { text, sort: Sort::Relevance, limit: 10, offset: 0 }, now)
    }

    #[test]
    fn queries_become_quoted_words() {
        assert_eq!(plain_query("headline:* body"), r#""headline" "body""#);
        assert_eq!(plain_query(r#"-x "a b" -"c d" e\ +f e-mail"#), r#"-"x" "a b" -"c d" "e" "f" "e-mail""#);
        assert_eq!(plain_query(r#"AND (x OR y)^2 a"b" "unclosed \"#), r#""AND" "x" "OR" "y" "2" "a" "b" "unclosed""#);
        assert_eq!(plain_query(r#"" - "" \ * -"#), "");
    }

    #[test]
    fn field_syntax_is_read_as_words() {
        let index = one_article_index();
        // Field names, wildcards and ranges are not query syntax to a
        // reader: each of these once failed with a 500.
        for text in ["headline:*", "body:*", "x:*", "standfirst:*", "names:*", "published:*", "id:*", "stored:*", "*:*"]
        {
            let found = search(&index, text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
            assert_eq!(found.total, 0, "{text:?} is no word of the article");
        }
        // A field name is just a word (all words must match), and so is
        // what follows the colon.
        for (text, hits) in [("headline:nurses", 0), ("strike:nurses", 1), ("nurses:", 1), ("dawn:*", 1), ("x:(", 0)] {
            let found = search(&index, text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
            assert_eq!(found.hits.len(), hits, "{text:?}");
        }
    }

    /// Query pieces tantivy's grammar gives meaning to, and junk.
    const PIECES: [&str; 36] = [
        "headline", "body", "x", ":", "*", "?", "\"", "'", "(", ")", "[", "]", "{", "}", "TO", "AND", "OR", "NOT",
        "IN", "+", "-", "^", "~", "2", "\\", "/", "<", ">", "=", "!", " ", "nurses", "dawn", "é", "\u{0}", "\n",
    ];

    /// Searches on a 256 KiB stack, so a parser recursing once per
    /// parenthesis fails here; every query is answered, never an error, and
    /// never with the scheduled article.
    fn check(index: &'static PublicationIndex, text: String) -> std::result::Result<(), TestCaseError> {
        let plain = plain_query(&text);
        prop_assert!(only_quoted_units(&plain), "{text:?} → {plain:?}");
        let answer = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || search(index, &text).map_err(|e| format!("{text:?}: {e}")))
            .expect("spawn")
            .join();
        let Ok(answer) = answer else { return Err(TestCaseError::fail("search panicked")) };
        let found = answer.map_err(TestCaseError::fail)?;
        prop_assert!(found.hits.iter().all(|hit| hit.id == 1), "the scheduled article was found");
        Ok(())
    }

    /// `-"…" "…" …`: quoted units, without `"` or `\\` inside, one space
    /// apart — all the grammar can see.
    fn only_quoted_units(plain: &str) -> bool {
        let mut rest = plain;
        while !rest.is_empty() {
            rest = rest.strip_prefix('-').unwrap_or(rest);
            let Some(inner) = rest.strip_prefix('"') else { return false };
            let Some(close) = inner.find('"') else { return false };
            if inner[..close].contains('\\') || !inner[..close].chars().any(char::is_alphanumeric) {
                return false;
            }
            rest = &inner[close + 1..];
            if !rest.is_empty() {
                let Some(next) = rest.strip_prefix(' ') else { return false };
                rest = next;
            }
        }
        true
    }

    static INDEX: std::sync::LazyLock<PublicationIndex> = std::sync::LazyLock::new(one_article_index);

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn any_text_is_answered(text in any::<String>()) {
            check(&INDEX, text)?;
        }

        #[test]
        fn any_mix_of_query_syntax_is_answered(pieces in prop::collection::vec(prop::sample::select(&PIECES[..]), 0..80)) {
            check(&INDEX, pieces.concat())?;
        }

        /// Deep parentheses and long runs (cut to 256 characters first).
        #[test]
        fn long_runs_are_answered(runs in prop::collection::vec((prop::sample::select(&PIECES[..]), 1..2_000usize), 1..5)) {
            check(&INDEX, runs.iter().map(|(piece, times)| piece.repeat(*times)).collect())?;
        }
    }

    #[test]
    fn languages_pick_their_stemmer() {
        assert_eq!(stemmer_language("de-AT"), Some(Language::German));
        assert_eq!(stemmer_language("pt_BR"), Some(Language::Portuguese));
        assert_eq!(stemmer_language("nb"), Some(Language::Norwegian));
        assert_eq!(stemmer_language("ja"), None);
    }

    fn tokens(language: &str, text: &str) -> Vec<String> {
        let mut a = analyzer(language);
        let mut stream = a.token_stream(text);
        let mut out = Vec::new();
        while let Some(t) = stream.next() {
            out.push(t.text.clone());
        }
        out
    }

    #[test]
    fn analysis_is_per_language() {
        assert_eq!(tokens("en", "The Elections of Workers"), ["elect", "worker"]);
        assert_eq!(tokens("de", "Die Wahlen der Arbeiter in München"), tokens("de", "Wahl Arbeiter Munchen"));
        assert_eq!(tokens("fr", "Les élections présidentielles"), tokens("fr", "élection présidentielle"));
        assert_eq!(tokens("es", "las huelgas"), tokens("es", "huelga"));
        // No stemmer: still lowercased and folded, nothing dropped.
        assert_eq!(tokens("ja", "The Ñandú"), ["the", "nandu"]);
    }
}
