//! Prensa's image pipeline, as a pure library: bytes in, validated and
//! processed images out. No HTTP, no database, no files — the caller stores
//! what [`process`] returns (for instance in `prensa_store::MediaDir`).
//!
//! What [`process`] does with an upload, in order, stopping at the first
//! problem (nothing is returned on any error):
//!
//! 1. **Size**: more than [`Limits::max_bytes`] is refused before anything
//!    else is looked at.
//! 2. **Format**, sniffed from the bytes, never from a file name: JPEG, PNG,
//!    WebP or GIF. Other image formats that editors commonly try (HEIC, AVIF,
//!    SVG, TIFF, PSD, …) get a message naming them.
//! 3. **Dimensions**, read from the header alone, and refused above
//!    [`Limits::max_pixels`] *before* any pixel is decoded: a 50 KB PNG can
//!    claim 100000 × 100000 pixels (30 GB once decoded) — a decompression
//!    bomb. The decoder also gets `image::Limits` (no bigger than the header
//!    said, a memory ceiling) in case a file's header lies.
//! 4. **Metadata** is stripped from the original *without re-encoding*:
//!    JPEG (segment walker: APP1 EXIF/XMP, APP13 IPTC, COM, … go; the
//!    compressed image data is copied bit for bit), PNG (text, time and EXIF
//!    chunks go), WebP (EXIF and XMP chunks go, the VP8X flags are cleared),
//!    GIF (comment and unknown application extensions go). Colour profiles,
//!    transparency and animation stay; bytes after the image's end marker
//!    go. The walkers keep an allow-list of blocks, so unknown (possibly
//!    private) blocks go too; each file's module docs list it.
//! 5. **Full decode**: a truncated or corrupt file is refused here.
//! 6. **Variants** for each of [`Limits::widths`] narrower than the image
//!    (never upscaled): one in the original's format and one WebP
//!    (see [`Processed`] for GIF, WebP and animated images), carrying the
//!    original's colour profile when it is an RGB one.
//!
//! **Orientation.** Phones store a portrait photo as landscape pixels plus
//! an EXIF "rotate 90°" tag. Stripping EXIF would make such a photo display
//! on its side, and rotating the pixels of a JPEG would mean re-encoding it.
//! So the stripped original keeps a *minimal* EXIF block holding that one
//! tag and nothing else (no GPS, camera, dates), which browsers honour; the
//! variants are made from the rotated pixels and carry no tag. Every width
//! and height reported ([`Encoded`]) is as displayed, i.e. after rotation.
//!
//! ```no_run
//! let upload: Vec<u8> = std::fs::read("photo.jpg")?;
//! let processed = prensa_media::process(&upload, &prensa_media::Limits::default())?;
//! for image in std::iter::once(&processed.original).chain(&processed.variants) {
//!     println!("{}x{} {} ({} bytes)", image.width, image.height, image.format.content_type(), image.bytes.len());
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod container;
mod error;
mod exif;
mod sniff;
mod variants;

use std::io::Cursor;

pub use error::MediaError;

/// What [`process`] accepts, and which variants it makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// The largest upload, in bytes. Default: 20 MB (20,000,000 bytes).
    pub max_bytes: u64,
    /// The most pixels (width × height) an image may have. This is the guard
    /// against decompression bombs: it is checked against the header before
    /// decoding, and decoding needs up to 8 bytes per pixel (16-bit RGBA
    /// PNG). Default: 50 megapixels (a 48 MP phone photo passes).
    pub max_pixels: u64,
    /// The widths of the resized variants, in pixels. Only those narrower
    /// than the image are made. Default: 320, 640, 1024, 1600.
    pub widths: Vec<u32>,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits { max_bytes: 20_000_000, max_pixels: 50_000_000, widths: vec![320, 640, 1024, 1600] }
    }
}

/// The image formats Prensa accepts and produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Jpeg,
    Png,
    Webp,
    Gif,
}

impl Format {
    /// The file extension, without the dot; the same set
    /// `prensa_store::MediaDir` accepts in a media key.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            Format::Png => "png",
            Format::Webp => "webp",
            Format::Gif => "gif",
        }
    }

    /// The MIME type, for `Content-Type`.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
            Format::Webp => "image/webp",
            Format::Gif => "image/gif",
        }
    }

    /// The name to show an editor.
    pub fn name(self) -> &'static str {
        match self {
            Format::Jpeg => "JPEG",
            Format::Png => "PNG",
            Format::Webp => "WebP",
            Format::Gif => "GIF",
        }
    }

    fn image_format(self) -> image::ImageFormat {
        match self {
            Format::Jpeg => image::ImageFormat::Jpeg,
            Format::Png => image::ImageFormat::Png,
            Format::Webp => image::ImageFormat::WebP,
            Format::Gif => image::ImageFormat::Gif,
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One encoded image: the stripped original or a variant.
#[derive(Clone, PartialEq, Eq)]
pub struct Encoded {
    pub format: Format,
    /// Width and height as displayed, i.e. after any EXIF orientation.
    pub width: u32,
    pub height: u32,
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for Encoded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Encoded")
            .field("format", &self.format)
            .field("width", &self.width)
            .field("height", &self.height)
            .field("bytes", &format_args!("<{} bytes>", self.bytes.len()))
            .finish()
    }
}

/// What [`process`] made of an upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Processed {
    /// The upload with its metadata removed, otherwise unchanged: same
    /// format, and the same compressed image data byte for byte (no quality
    /// is lost). Keeps colour profiles, and a minimal orientation tag where
    /// the upload had one (see the crate docs).
    pub original: Encoded,
    /// Resized copies, narrowest first: for each of [`Limits::widths`] that
    /// is narrower than the original, one in the original's format and one
    /// lossy WebP (quality 75), in that order. Never upscaled; aspect ratio
    /// kept (height rounded to the nearest pixel). Exceptions:
    /// - a WebP original gets one WebP per width (not two identical ones);
    /// - a GIF original gets PNG + WebP: a resized GIF would have to be
    ///   re-quantized to 256 colours, slowly and visibly worse;
    /// - an animated image (GIF, APNG, animated WebP) gets no variants:
    ///   a still copy would silently stop the animation, so the caller
    ///   serves the original at every size.
    pub variants: Vec<Encoded>,
}

/// Validates an upload, strips its metadata and makes the resized variants.
/// See the crate documentation for the steps. Nothing is returned on error.
pub fn process(bytes: &[u8], limits: &Limits) -> Result<Processed, MediaError> {
    // 1. Size, before anything else.
    let size = bytes.len() as u64;
    if size > limits.max_bytes {
        return Err(MediaError::TooLarge { size, limit: limits.max_bytes });
    }

    // 2. Format, from the bytes.
    let format = sniff::sniff(bytes)?;

    // 3. Dimensions from the header, checked before decoding.
    let header = imagesize::blob_size(bytes).map_err(|e| MediaError::Corrupt(format!("header: {e}")))?;
    let (width, height) = (header.width as u64, header.height as u64);
    if width == 0 || height == 0 {
        return Err(MediaError::Corrupt(format!("the header says {width}x{height} pixels")));
    }
    if width.saturating_mul(height) > limits.max_pixels {
        return Err(MediaError::TooManyPixels { width, height, limit: limits.max_pixels });
    }
    // None of the four formats can say more than 2^31 on one side; the
    // else branch only matters with an absurd max_pixels.
    let (Ok(width), Ok(height)) = (u32::try_from(width), u32::try_from(height)) else {
        return Err(MediaError::TooManyPixels { width, height, limit: limits.max_pixels });
    };

    // 4. Metadata stripped, losslessly; also checks the file is whole.
    let stripped = container::strip(format, bytes)?;

    // 5. Full decode, of the bytes we will store.
    let decoded = decode(format, &stripped.bytes, width, height, limits)?;
    let mut pixels = decoded.image;
    if let Some(orientation) = stripped.orientation {
        pixels.apply_orientation(orientation);
    }

    let original = Encoded { format, width: pixels.width(), height: pixels.height(), bytes: stripped.bytes };

    // 6. Variants.
    let variants = if stripped.animated {
        Vec::new()
    } else {
        variants::make(format, pixels, decoded.icc_profile.as_deref(), &limits.widths)?
    };

    Ok(Processed { original, variants })
}

struct Decoded {
    image: image::DynamicImage,
    icc_profile: Option<Vec<u8>>,
}

fn decode(format: Format, bytes: &[u8], width: u32, height: u32, limits: &Limits) -> Result<Decoded, MediaError> {
    use image::ImageDecoder;

    let mut decoder_limits = image::Limits::default();
    // Never more pixels than the header we checked promised…
    decoder_limits.max_image_width = Some(width);
    decoder_limits.max_image_height = Some(height);
    // …and a memory ceiling: 8 bytes a pixel (16-bit RGBA) plus room for
    // the decoders' own tables, profiles and text chunks.
    let max_alloc = limits.max_pixels.saturating_mul(8).saturating_add(64 << 20);
    decoder_limits.max_alloc = Some(max_alloc);

    let mut reader = image::ImageReader::with_format(Cursor::new(bytes), format.image_format());
    reader.limits(decoder_limits);
    let mut decoder = reader.into_decoder().map_err(|e| decode_error(format, e))?;
    if decoder.total_bytes() > max_alloc {
        return Err(MediaError::TooComplex);
    }
    // A profile we cannot read is no reason to refuse the image.
    let icc_profile = decoder.icc_profile().ok().flatten().filter(|p| !p.is_empty());
    let image = image::DynamicImage::from_decoder(decoder).map_err(|e| decode_error(format, e))?;
    Ok(Decoded { image, icc_profile })
}

fn decode_error(format: Format, error: image::ImageError) -> MediaError {
    use image::error::{ImageError, LimitErrorKind};
    match error {
        ImageError::Limits(e) => match e.kind() {
            LimitErrorKind::InsufficientMemory => MediaError::TooComplex,
            // Bigger than its header said: the file contradicts itself.
            _ => MediaError::Corrupt(e.to_string()),
        },
        ImageError::Unsupported(e) => MediaError::UnsupportedFeature { format, detail: e.to_string() },
        other => MediaError::Corrupt(other.to_string()),
    }
}
