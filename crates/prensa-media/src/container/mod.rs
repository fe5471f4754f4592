//! Lossless metadata removal: each format's container is walked block by
//! block and copied, leaving out the blocks that carry metadata, without
//! touching the compressed image data.
//!
//! Why not decode and re-encode? Re-encoding a JPEG or lossy WebP loses
//! quality a second time (and makes the file larger at equal quality), and
//! the stored original is the best copy we will ever have. Copying blocks is
//! also much faster.
//!
//! The walkers are allow-lists: they keep what affects how the image looks
//! (image data, colour profile, transparency, gamma, animation control) and
//! drop everything else — named metadata (EXIF with GPS, XMP, IPTC,
//! comments, text, timestamps, embedded thumbnails, which can show an
//! uncropped picture) and blocks they do not know, which could be anything.
//! Bytes after the end of the image are dropped too (phones append depth
//! maps and other pictures there).
//!
//! Each walker also insists on the format's end marker, so a file cut short
//! is refused even where the decoder would paint the missing part grey.

mod gif;
mod jpeg;
mod png;
mod webp;

pub(crate) use webp::with_icc_profile as webp_with_icc_profile;

use image::metadata::Orientation;

use crate::{Format, MediaError};

/// The upload without its metadata.
pub(crate) struct Stripped {
    pub bytes: Vec<u8>,
    /// The EXIF orientation, when it asks for a rotation or flip. The
    /// stripped bytes keep it as a minimal EXIF block (see `exif::minimal`).
    pub orientation: Option<Orientation>,
    /// More than one frame (animated GIF, APNG, animated WebP).
    pub animated: bool,
}

pub(crate) fn strip(format: Format, bytes: &[u8]) -> Result<Stripped, MediaError> {
    match format {
        Format::Jpeg => jpeg::strip(bytes),
        Format::Png => png::strip(bytes),
        Format::Webp => webp::strip(bytes),
        Format::Gif => gif::strip(bytes),
    }
}

fn truncated(what: &str) -> MediaError {
    MediaError::Corrupt(format!("the file ends inside {what}"))
}

fn corrupt(what: impl Into<String>) -> MediaError {
    MediaError::Corrupt(what.into())
}
