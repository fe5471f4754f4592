//! Images referenced by content files: path checks, type sniffing and
//! content-addressed keys. Public for the importers of other platforms'
//! exports (`prensa import ghost` and `wordpress`), which resolve image URLs
//! onto a local copy of the old site's images the same way.

use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path, PathBuf};

use prensa_core::MediaAsset;
use xxhash_rust::xxh3::xxh3_64;

use crate::MediaFile;

/// Resolves image paths once each and collects the distinct files.
pub struct Media {
    root: PathBuf,
    /// `None` when the root itself cannot be resolved (then every image is
    /// reported as missing).
    canonical_root: Option<PathBuf>,
    /// By canonical path: the key, or why the file cannot be used.
    resolved: HashMap<PathBuf, Result<String, String>>,
    /// By key: the asset and the first file with that content.
    assets: BTreeMap<String, (MediaAsset, PathBuf)>,
}

impl Media {
    pub fn new(root: &Path) -> Media {
        Media {
            root: root.to_path_buf(),
            canonical_root: std::fs::canonicalize(root).ok(),
            resolved: HashMap::new(),
            assets: BTreeMap::new(),
        }
    }

    /// The media key of the image at `written` (a path relative to the
    /// root: the content directory, or the uploads copy), or a description of what is wrong with it, to be
    /// put after the path in a message (`does not exist`).
    pub fn resolve(&mut self, written: &str) -> Result<String, String> {
        let rel = Path::new(written);
        if written.trim().is_empty() {
            return Err("is empty".into());
        }
        if rel.is_absolute() || rel.has_root() {
            return Err(
                "is an absolute path; write it relative to the publication directory (e.g. `media/photo.jpg`)".into()
            );
        }
        if rel.components().any(|c| matches!(c, Component::ParentDir | Component::Prefix(_) | Component::RootDir)) {
            return Err("uses `..`; image paths must stay inside the publication directory".into());
        }
        let Some(root) = &self.canonical_root else {
            return Err("does not exist".into());
        };
        let canonical = match std::fs::canonicalize(self.root.join(rel)) {
            Ok(p) => p,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err("does not exist".into()),
            Err(e) => return Err(format!("cannot be read: {e}")),
        };
        if !canonical.starts_with(root) {
            return Err("leads (through a symbolic link) outside the publication directory".into());
        }
        if let Some(known) = self.resolved.get(&canonical) {
            return known.clone();
        }
        let result = self.sniff(&canonical);
        self.resolved.insert(canonical, result.clone());
        result
    }

    fn sniff(&mut self, path: &Path) -> Result<String, String> {
        if !path.is_file() {
            return Err("is not a file".into());
        }
        let bytes = std::fs::read(path).map_err(|e| format!("cannot be read: {e}"))?;
        let (ext, content_type) = match imagesize::image_type(&bytes) {
            Ok(imagesize::ImageType::Jpeg) => ("jpg", "image/jpeg"),
            Ok(imagesize::ImageType::Png) => ("png", "image/png"),
            Ok(imagesize::ImageType::Webp) => ("webp", "image/webp"),
            Ok(imagesize::ImageType::Gif) => ("gif", "image/gif"),
            _ => return Err("is not a JPEG, PNG, WebP or GIF image".into()),
        };
        let size = imagesize::blob_size(&bytes).map_err(|_| "is damaged: its dimensions cannot be read".to_string())?;
        let (Ok(width), Ok(height)) = (u32::try_from(size.width), u32::try_from(size.height)) else {
            return Err("is too large".into());
        };
        if width == 0 || height == 0 {
            return Err(format!("has a zero dimension ({width}x{height})"));
        }
        let key = format!("{:016x}.{ext}", xxh3_64(&bytes));
        self.assets.entry(key.clone()).or_insert_with(|| {
            let asset = MediaAsset {
                key: key.clone(),
                content_type: content_type.into(),
                width,
                height,
                bytes: bytes.len() as u64,
            };
            (asset, path.to_path_buf())
        });
        Ok(key)
    }

    /// The distinct assets, sorted by key, and the files to copy for them.
    pub fn finish(self) -> (Vec<MediaAsset>, Vec<MediaFile>) {
        self.assets
            .into_values()
            .map(|(asset, source)| {
                let file = MediaFile { key: asset.key.clone(), source };
                (asset, file)
            })
            .unzip()
    }
}
