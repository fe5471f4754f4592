//! The media directory: content-addressed image files beside the database.
//!
//! A file's key is the hash of its bytes plus its extension, so writing the
//! same image twice is a no-op, a key never points at different bytes, and
//! URLs built from keys can be cached forever. Files are written before the
//! database transaction that refers to them; if that transaction fails, an
//! unreferenced file is left behind, which is harmless.

use std::io;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct MediaDir {
    root: PathBuf,
}

impl MediaDir {
    pub fn new(root: impl Into<PathBuf>) -> MediaDir {
        MediaDir { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Whether `key` is a well-formed media key (`<hex>.<ext>`, or a
    /// resized variant `<hex>-<width>.<ext>`); anything else is refused
    /// before touching the file system, so a request path can never walk
    /// out of the directory.
    pub fn is_valid_key(key: &str) -> bool {
        let Some((name, ext)) = key.split_once('.') else { return false };
        let (hash, width) = match name.split_once('-') {
            Some((h, w)) => (h, Some(w)),
            None => (name, None),
        };
        !hash.is_empty()
            && hash.len() <= 64
            && hash.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
            && width.is_none_or(|w| !w.is_empty() && w.len() <= 5 && w.bytes().all(|b| b.is_ascii_digit()))
            && matches!(ext, "jpg" | "png" | "webp" | "gif")
    }

    /// The original a variant key was made from (`ab12-640.webp` →
    /// `ab12`), or `None` for an original's key.
    pub fn variant_base(key: &str) -> Option<&str> {
        let (name, _) = key.split_once('.')?;
        name.split_once('-').map(|(hash, _)| hash)
    }

    /// Writes `bytes` under `key` unless it is already there (temporary
    /// name, then rename, like [`MediaDir::put_file`]).
    pub fn put_bytes(&self, key: &str, bytes: &[u8]) -> io::Result<bool> {
        let target = self.path(key)?;
        if target.exists() {
            return Ok(false);
        }
        std::fs::create_dir_all(&self.root)?;
        let tmp = self.root.join(format!(".{key}.{}.tmp", std::process::id()));
        std::fs::write(&tmp, bytes)?;
        std::fs::rename(&tmp, &target)?;
        Ok(true)
    }

    pub fn path(&self, key: &str) -> io::Result<PathBuf> {
        if !Self::is_valid_key(key) {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("invalid media key `{key}`")));
        }
        Ok(self.root.join(key))
    }

    /// Copies `source` into the directory under `key` unless it is already
    /// there. Writes to a temporary name and renames, so a crash never
    /// leaves a half-written file under a real key.
    pub fn put_file(&self, key: &str, source: &Path) -> io::Result<bool> {
        let target = self.path(key)?;
        if target.exists() {
            return Ok(false);
        }
        std::fs::create_dir_all(&self.root)?;
        let tmp = self.root.join(format!(".{key}.{}.tmp", std::process::id()));
        std::fs::copy(source, &tmp)?;
        std::fs::rename(&tmp, &target)?;
        Ok(true)
    }

    pub async fn read(&self, key: &str) -> io::Result<Vec<u8>> {
        tokio::fs::read(self.path(key)?).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        assert!(MediaDir::is_valid_key("0a1b2c.jpg"));
        assert!(MediaDir::is_valid_key("0a1b2c-640.webp"));
        assert_eq!(MediaDir::variant_base("0a1b2c-640.webp"), Some("0a1b2c"));
        assert_eq!(MediaDir::variant_base("0a1b2c.webp"), None);
        for bad in ["../etc/passwd", "0a1b.exe", "0A1B.jpg", ".jpg", "ab", "ab.jpg/x", "ab.jpg.png", "ab-.jpg", "ab-x1.jpg", "ab-1-2.jpg"] {
            assert!(!MediaDir::is_valid_key(bad), "{bad}");
        }
    }

    #[test]
    fn put_is_idempotent() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let src = dir.path().join("in.jpg");
        std::fs::write(&src, b"bytes")?;
        let media = MediaDir::new(dir.path().join("media"));
        assert!(media.put_file("abc.jpg", &src)?);
        assert!(!media.put_file("abc.jpg", &src)?);
        assert_eq!(std::fs::read(media.path("abc.jpg")?)?, b"bytes");
        assert!(media.put_file("../x.jpg", &src).is_err());
        Ok(())
    }
}
