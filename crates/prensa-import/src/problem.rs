//! What is wrong with a content directory, as `file:line: message`.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// One thing wrong with one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Relative to the content directory (`articles/x.md`); empty when the
    /// problem is about the directory itself.
    pub file: PathBuf,
    /// 1-based; 0 when the problem is not about a particular line.
    pub line: usize,
    pub message: String,
}

impl Problem {
    pub fn new(file: impl Into<PathBuf>, line: usize, message: impl Into<String>) -> Problem {
        Problem { file: file.into(), line, message: message.into() }
    }
}

impl fmt::Display for Problem {
    /// `articles/x.md:3: unknown author `bob``; the line is left out when it
    /// is 0 (`publication.toml: missing …`), the file when it is empty.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.file.as_os_str().is_empty() {
            write!(f, "{}:", self.file.display())?;
            if self.line > 0 {
                write!(f, "{}:", self.line)?;
            }
            f.write_str(" ")?;
        }
        f.write_str(&self.message)
    }
}

/// Every problem found in a content directory, sorted by file then line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problems(pub Vec<Problem>);

impl Problems {
    /// Sorts by file then line, keeping the order in which problems of the
    /// same line were found, and drops exact repeats.
    pub(crate) fn sorted(mut list: Vec<Problem>) -> Problems {
        list.sort_by(|a, b| a.file.cmp(&b.file).then(a.line.cmp(&b.line)));
        list.dedup();
        Problems(list)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Problem> {
        self.0.iter()
    }
}

impl fmt::Display for Problems {
    /// One problem per line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Problems {}

impl<'a> IntoIterator for &'a Problems {
    type Item = &'a Problem;
    type IntoIter = std::slice::Iter<'a, Problem>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// The problems of one file being read, with what is needed to turn byte
/// offsets of its TOML into line numbers of the file.
pub(crate) struct FileCx<'a> {
    pub rel: PathBuf,
    text: &'a str,
    /// Byte offset in `text` at which the TOML being read starts (after the
    /// opening `+++` of front matter; 0 for a plain `.toml` file).
    base: usize,
    /// Offsets of the file's newlines, found on the first problem: counting
    /// them again for each of thousands of problems (a file of duplicate
    /// keys) took quadratic time.
    newlines: std::cell::OnceCell<Vec<usize>>,
    pub problems: Vec<Problem>,
}

impl<'a> FileCx<'a> {
    pub fn new(rel: &Path, text: &'a str, base: usize) -> FileCx<'a> {
        FileCx { rel: rel.to_path_buf(), text, base, newlines: std::cell::OnceCell::new(), problems: Vec::new() }
    }

    /// 1-based line in the file of a byte offset into the TOML.
    pub fn line(&self, toml_offset: usize) -> usize {
        let end = (self.base + toml_offset).min(self.text.len());
        let newlines = self
            .newlines
            .get_or_init(|| self.text.bytes().enumerate().filter(|&(_, b)| b == b'\n').map(|(at, _)| at).collect());
        // Newlines before `end`.
        1 + newlines.partition_point(|&at| at < end)
    }

    /// A problem at the line where `span` (of the TOML) starts.
    pub fn at(&mut self, span: Range<usize>, message: impl Into<String>) {
        let line = self.line(span.start);
        self.problems.push(Problem::new(self.rel.clone(), line, message));
    }

    /// A problem at a line of the file.
    pub fn at_line(&mut self, line: usize, message: impl Into<String>) {
        self.problems.push(Problem::new(self.rel.clone(), line, message));
    }

    /// A problem about the whole file.
    pub fn file(&mut self, message: impl Into<String>) {
        self.at_line(0, message);
    }

    pub fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_leaves_out_line_zero_and_empty_file() {
        assert_eq!(
            Problem::new("articles/a.md", 4, "unknown author `zed`").to_string(),
            "articles/a.md:4: unknown author `zed`"
        );
        assert_eq!(Problem::new("publication.toml", 0, "missing").to_string(), "publication.toml: missing");
        assert_eq!(Problem::new("", 0, "not a directory").to_string(), "not a directory");
    }

    #[test]
    fn sorted_by_file_then_line_one_per_line() {
        let ps = Problems::sorted(vec![
            Problem::new("b.md", 1, "x"),
            Problem::new("a.md", 9, "y"),
            Problem::new("a.md", 2, "z"),
            Problem::new("a.md", 2, "z"),
        ]);
        assert_eq!(ps.to_string(), "a.md:2: z\na.md:9: y\nb.md:1: x");
    }

    #[test]
    fn lines_count_from_the_toml_base() {
        let text = "+++\ntitle = 1\nx = 2\n+++\n";
        let cx = FileCx::new(Path::new("a.md"), text, 4);
        assert_eq!(cx.line(0), 2);
        assert_eq!(cx.line(10), 3);
        assert_eq!(cx.line(1000), 5);
    }
}
