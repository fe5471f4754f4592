//! Why an upload was refused, in words an editor can act on.

use crate::Format;

/// Why [`process`](crate::process) refused an upload. `Display` is a
/// sentence for the editor who uploaded the file (lower-case, no final
/// full stop, so it can follow "could not add the image: "); technical
/// detail for logs is in the fields and in `Debug`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MediaError {
    /// Over [`Limits::max_bytes`](crate::Limits::max_bytes).
    #[error("{}", too_large(*size, *limit))]
    TooLarge { size: u64, limit: u64 },

    /// Not an image at all (text, PDF, an empty file, …).
    #[error("the file is not an image; upload a JPEG, PNG, WebP or GIF")]
    NotAnImage,

    /// An image in a format Prensa does not take; the field names it
    /// ("HEIC", "SVG", "TIFF", …).
    #[error("{0} images are not supported; upload a JPEG, PNG, WebP or GIF")]
    Unsupported(String),

    /// One of the four formats, using a feature the decoder lacks (for
    /// instance an arithmetic-coded JPEG). `detail` is the decoder's words.
    #[error("this {format} uses a feature that cannot be read; save it again as a standard {format} and upload that")]
    UnsupportedFeature { format: Format, detail: String },

    /// Cut short or damaged. The field is the technical detail, for logs.
    #[error("the image is truncated or corrupt")]
    Corrupt(String),

    /// Over [`Limits::max_pixels`](crate::Limits::max_pixels), judged from
    /// the header before decoding (a decompression bomb, or just a very
    /// large photo).
    #[error("{}", too_many_pixels(*width, *height, *limit))]
    TooManyPixels { width: u64, height: u64, limit: u64 },

    /// Decoding would need more memory than allowed although the header's
    /// dimensions were within the limit.
    #[error("the image needs too much memory to process")]
    TooComplex,

    /// Encoding a variant failed: a bug or resource problem on our side,
    /// not the editor's.
    #[error("the image could not be processed ({0})")]
    Encode(String),
}

fn too_large(size: u64, limit: u64) -> String {
    let (s, l) = (bytes(size), bytes(limit));
    if s == l {
        // 20,000,001 bytes would print as "20 MB; the limit is 20 MB".
        format!("the file is {} bytes; the limit is {} bytes", grouped(size), grouped(limit))
    } else {
        format!("the file is {s}; the limit is {l}")
    }
}

fn too_many_pixels(width: u64, height: u64, limit: u64) -> String {
    let pixels = width.saturating_mul(height);
    let (p, l) = (megapixels(pixels), megapixels(limit));
    if p == l {
        format!(
            "the image is {width} × {height} pixels ({} pixels); the limit is {} pixels",
            grouped(pixels),
            grouped(limit)
        )
    } else {
        format!("the image is {width} × {height} pixels ({p}); the limit is {l}")
    }
}

/// 31_234_567 → "31.2 MB", 20_000_000 → "20 MB", 1_500 → "1.5 kB".
fn bytes(n: u64) -> String {
    if n >= 1_000_000 {
        format!("{} MB", decimal(n as f64 / 1e6))
    } else if n >= 1_000 {
        format!("{} kB", decimal(n as f64 / 1e3))
    } else if n == 1 {
        "1 byte".to_owned()
    } else {
        format!("{n} bytes")
    }
}

/// 10_000_000_000 → "10,000 megapixels", 2_400_000 → "2.4 megapixels".
fn megapixels(n: u64) -> String {
    if n >= 100_000 {
        format!("{} megapixels", decimal(n as f64 / 1e6))
    } else {
        format!("{} pixels", grouped(n))
    }
}

/// One decimal below 100 (without a trailing ".0"), grouped integers above.
fn decimal(x: f64) -> String {
    if x >= 100.0 {
        grouped(x.round() as u64)
    } else {
        let s = format!("{x:.1}");
        s.strip_suffix(".0").map(str::to_owned).unwrap_or(s)
    }
}

fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages() {
        assert_eq!(
            MediaError::TooLarge { size: 31_234_567, limit: 20_000_000 }.to_string(),
            "the file is 31.2 MB; the limit is 20 MB"
        );
        assert_eq!(
            MediaError::TooLarge { size: 20_000_001, limit: 20_000_000 }.to_string(),
            "the file is 20,000,001 bytes; the limit is 20,000,000 bytes"
        );
        assert_eq!(
            MediaError::TooLarge { size: 1_500, limit: 1_000 }.to_string(),
            "the file is 1.5 kB; the limit is 1 kB"
        );
        assert_eq!(
            MediaError::TooManyPixels { width: 100_000, height: 100_000, limit: 50_000_000 }.to_string(),
            "the image is 100000 × 100000 pixels (10,000 megapixels); the limit is 50 megapixels"
        );
        assert_eq!(
            MediaError::TooManyPixels { width: 8_000, height: 6_000, limit: 40_000_000 }.to_string(),
            "the image is 8000 × 6000 pixels (48 megapixels); the limit is 40 megapixels"
        );
        assert_eq!(
            MediaError::TooManyPixels { width: 100, height: 100, limit: 5_000 }.to_string(),
            "the image is 100 × 100 pixels (10,000 pixels); the limit is 5,000 pixels"
        );
        assert_eq!(
            MediaError::UnsupportedFeature { format: Format::Jpeg, detail: String::new() }.to_string(),
            "this JPEG uses a feature that cannot be read; save it again as a standard JPEG and upload that"
        );
    }

    #[test]
    fn numbers() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1_000), "1,000");
        assert_eq!(grouped(1_234_567), "1,234,567");
        assert_eq!(bytes(999), "999 bytes");
        assert_eq!(bytes(1), "1 byte");
        assert_eq!(bytes(150_000_000), "150 MB");
        assert_eq!(megapixels(2_400_000), "2.4 megapixels");
    }
}
