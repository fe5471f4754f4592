//! Reading text files: UTF-8 checking and `+++` front matter.

/// Decodes a file's bytes as UTF-8, dropping a byte-order mark. On failure
/// returns the 1-based line of the first bad byte and a message.
pub(crate) fn decode(bytes: &[u8]) -> Result<&str, (usize, String)> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let good = &bytes[..e.valid_up_to()];
        let line = 1 + good.iter().filter(|&&b| b == b'\n').count();
        let column = 1 + good.iter().rev().take_while(|&&b| b != b'\n').count();
        (line, format!("file is not valid UTF-8 (bad bytes at column {column}); save it as UTF-8"))
    })
}

/// A Markdown file split into its TOML front matter and its body.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct FrontMatter<'a> {
    pub toml: &'a str,
    /// Byte offset of `toml` in the file's text.
    pub base: usize,
    pub body: &'a str,
}

fn is_fence(line: &str) -> bool {
    line.trim_end() == "+++"
}

/// Splits `+++\nTOML\n+++\nbody`. On failure returns the 1-based line the
/// problem is about and a message.
pub(crate) fn split_front_matter(text: &str) -> Result<FrontMatter<'_>, (usize, String)> {
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if !is_fence(first) {
        return Err((
            1,
            "missing front matter: the file must start with a `+++` line, then TOML, then a closing `+++` line".into(),
        ));
    }
    let base = first.len();
    let mut offset = base;
    for line in lines {
        if is_fence(line) {
            let body = &text[offset + line.len()..];
            let body = body.trim_start_matches(['\r', '\n']).trim_end();
            return Ok(FrontMatter { toml: &text[base..offset], base, body });
        }
        offset += line.len();
    }
    Err((1, "unterminated front matter: the `+++` on line 1 has no closing `+++` line".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_body() {
        let text = "+++\r\ntitle = \"x\"\r\n+++\r\n\r\nHello\n\nworld\n";
        let fm = split_front_matter(text).expect("front matter");
        assert_eq!(fm.toml, "title = \"x\"\r\n");
        assert_eq!(fm.base, 5);
        assert_eq!(fm.body, "Hello\n\nworld");
        let fm = split_front_matter("+++\n+++").expect("empty front matter");
        assert_eq!((fm.toml, fm.body), ("", ""));
    }

    #[test]
    fn reports_missing_and_unterminated() {
        assert_eq!(split_front_matter("title = 1\n").map_err(|e| e.0), Err(1));
        assert_eq!(split_front_matter("").map_err(|e| e.0), Err(1));
        let err = split_front_matter("+++\ntitle = 1\n").map_err(|e| e.1);
        assert!(err.is_err_and(|m| m.starts_with("unterminated")));
        // `++++` is not a fence.
        assert!(split_front_matter("+++\na = 1\n++++\n").is_err());
    }

    #[test]
    fn finds_the_line_of_bad_utf8() {
        assert_eq!(decode(b"\xEF\xBB\xBFok"), Ok("ok"));
        let err = decode(b"a\nbc\nd\xFFe\n").map_err(|e| e.0);
        assert_eq!(err, Err(3));
        let msg = decode(b"a\nbc\nd\xFFe\n").map_err(|e| e.1);
        assert!(msg.is_err_and(|m| m.contains("column 2")));
    }
}
