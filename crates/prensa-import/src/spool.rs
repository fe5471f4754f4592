//! Article bodies parked on disk between reading an import and writing it.
//!
//! An import is checked whole before anything is written (one transaction,
//! nothing written on any problem), so every article of the run is known
//! before the first row goes in. Held in memory, the bodies are most of an
//! import's size: 100,000 WordPress posts came to ~1.2 GB of peak RSS, a
//! 100,000-article archive of content directories to its 1.4 GB of
//! Markdown. A [`Spool`] appends each body to an unnamed temporary file as
//! it is read and keeps only where it lies (16 bytes); the store reads the
//! bodies back a batch at a time while it writes ([`BodySource`]), so the
//! import's memory no longer grows with the length of its articles.
//!
//! The file is made with `tempfile::tempfile` (already unlinked on Unix, so
//! nothing is left behind even if the process is killed) in the system's
//! temporary directory (`TMPDIR`).

use std::borrow::Cow;
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::sync::Mutex;

use prensa_core::{BodySource, NewArticle};

/// Where one text lies in the spool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spooled {
    offset: u64,
    len: u64,
}

/// Texts on disk, and which article of which set each body belongs to.
#[derive(Debug)]
pub struct Spool {
    /// Writes go through the buffer; a read flushes it first.
    file: Mutex<BufWriter<File>>,
    end: u64,
    /// Per set of the import: article slug → its body.
    bodies: Vec<HashMap<String, Spooled>>,
}

impl Spool {
    /// An empty spool over a new temporary file.
    pub fn new() -> std::io::Result<Spool> {
        Ok(Spool {
            file: Mutex::new(BufWriter::with_capacity(1 << 20, tempfile::tempfile()?)),
            end: 0,
            bodies: Vec::new(),
        })
    }

    /// Appends `text`; [`Self::get`] reads it back.
    pub fn put(&mut self, text: &str) -> std::io::Result<Spooled> {
        let file = self.file.get_mut().map_err(|_| poisoned())?;
        file.write_all(text.as_bytes())?;
        let at = Spooled { offset: self.end, len: text.len() as u64 };
        self.end += at.len;
        Ok(at)
    }

    /// The text [`Self::put`] wrote at `at`.
    pub fn get(&self, at: Spooled) -> std::io::Result<String> {
        let mut file = self.file.lock().map_err(|_| poisoned())?;
        file.flush()?;
        let inner = file.get_mut();
        inner.seek(SeekFrom::Start(at.offset))?;
        let mut bytes = Vec::with_capacity(at.len as usize);
        Read::by_ref(inner).take(at.len).read_to_end(&mut bytes)?;
        // Appends go on at the end whatever was read.
        inner.seek(SeekFrom::End(0))?;
        if bytes.len() as u64 != at.len {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "the spool file is shorter than written",
            ));
        }
        String::from_utf8(bytes).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
    }

    /// Moves `article`'s body into the spool as the body of the article
    /// with its slug in the `set`-th set, leaving `article.body` empty.
    pub fn take_body(&mut self, set: usize, article: &mut NewArticle) -> std::io::Result<()> {
        let at = self.put(&article.body)?;
        article.body = String::new();
        self.place(set, &article.slug, at);
        Ok(())
    }

    /// Records `at` as the body of the article `slug` of the `set`-th set.
    pub fn place(&mut self, set: usize, slug: &str, at: Spooled) {
        if self.bodies.len() <= set {
            self.bodies.resize_with(set + 1, HashMap::new);
        }
        self.bodies[set].insert(slug.to_owned(), at);
    }

    /// Bytes written so far.
    pub fn len(&self) -> u64 {
        self.end
    }

    pub fn is_empty(&self) -> bool {
        self.end == 0
    }
}

fn poisoned() -> std::io::Error {
    std::io::Error::other("the spool's lock was poisoned by a panic")
}

impl BodySource for Spool {
    /// An article the spool holds no body for keeps its own (`body` as set).
    fn body<'a>(&'a self, set: usize, article: &'a NewArticle) -> std::io::Result<Cow<'a, str>> {
        match self.bodies.get(set).and_then(|bodies| bodies.get(&article.slug)) {
            Some(at) => self.get(*at).map(Cow::Owned),
            None => Ok(Cow::Borrowed(&article.body)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(slug: &str, body: &str) -> NewArticle {
        NewArticle {
            slug: slug.into(),
            headline: "H".into(),
            standfirst: String::new(),
            body: body.into(),
            toc: false,
            authors: vec![],
            section: "s".into(),
            tags: vec![],
            image: None,
            status: prensa_core::Status::Published,
            published_at: chrono::DateTime::parse_from_rfc3339("2026-01-02T03:04:05Z").expect("a valid date"),
            updated_at: None,
            translation_group: None,
        }
    }

    #[test]
    fn bodies_come_back_per_set_and_slug_between_appends() {
        let mut spool = Spool::new().expect("a temporary file");
        let mut a = article("a", "first body, ünïcode ✓");
        let mut b = article("a", "the same slug in another set");
        spool.take_body(0, &mut a).expect("the spool reads and writes");
        assert_eq!(a.body, "");
        assert_eq!(spool.body(0, &a).expect("the spool reads and writes"), "first body, ünïcode ✓");
        // A write after a read lands at the end, not where the read stopped.
        spool.take_body(1, &mut b).expect("the spool reads and writes");
        assert_eq!(spool.body(1, &b).expect("the spool reads and writes"), "the same slug in another set");
        assert_eq!(spool.body(0, &a).expect("the spool reads and writes"), "first body, ünïcode ✓");
        assert_eq!(spool.len(), ("first body, ünïcode ✓".len() + "the same slug in another set".len()) as u64);
        // Not spooled: the article's own body.
        let c = article("c", "kept in memory");
        assert_eq!(spool.body(0, &c).expect("the spool reads and writes"), "kept in memory");
        assert!(matches!(spool.body(0, &c).expect("the spool reads and writes"), Cow::Borrowed(_)));
    }

    #[test]
    fn an_empty_body_round_trips() {
        let mut spool = Spool::new().expect("a temporary file");
        let mut a = article("a", "");
        spool.take_body(0, &mut a).expect("the spool reads and writes");
        assert!(spool.is_empty());
        assert_eq!(spool.body(0, &a).expect("the spool reads and writes"), "");
    }
}
