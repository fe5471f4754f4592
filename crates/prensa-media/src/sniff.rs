//! The format, from the file's first bytes (never its name).
//!
//! Besides the four accepted formats this recognises the image formats an
//! editor is likely to try — HEIC from a phone, SVG, TIFF or PSD from a
//! designer — so the refusal can name them. Deliberately stricter than
//! `image::guess_format`, which takes any text starting with "BM" or "P1"
//! for a BMP or PNM image.

use crate::{Format, MediaError};

pub(crate) fn sniff(b: &[u8]) -> Result<Format, MediaError> {
    if b.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(Format::Jpeg);
    }
    if b.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(Format::Png);
    }
    if b.starts_with(b"GIF87a") || b.starts_with(b"GIF89a") {
        return Ok(Format::Gif);
    }
    if b.len() >= 12 && b.starts_with(b"RIFF") && &b[8..12] == b"WEBP" {
        return Ok(Format::Webp);
    }
    match other_image(b) {
        Some(name) => Err(MediaError::Unsupported(name.to_owned())),
        None => Err(MediaError::NotAnImage),
    }
}

fn other_image(b: &[u8]) -> Option<&'static str> {
    // ISO base media files ("....ftyp<brand>"): HEIF/HEIC and AVIF.
    if b.len() >= 12 && &b[4..8] == b"ftyp" {
        return match &b[8..12] {
            b"avif" | b"avis" => Some("AVIF"),
            b"heic" | b"heix" | b"hevc" | b"hevx" | b"heim" | b"heis" | b"mif1" | b"msf1" => Some("HEIC"),
            _ => None,
        };
    }
    let magic: &[(&[u8], &str)] = &[
        (b"II*\0", "TIFF"),
        (b"MM\0*", "TIFF"),
        (b"8BPS", "Photoshop (PSD)"),
        (&[0xFF, 0x0A], "JPEG XL"),
        (b"\0\0\0\x0cJXL \r\n\x87\n", "JPEG XL"),
        (b"qoif", "QOI"),
        (b"DDS ", "DDS"),
        (b"#?RADIANCE", "HDR"),
        (&[0x76, 0x2f, 0x31, 0x01], "OpenEXR"),
        (&[0x00, 0x00, 0x01, 0x00], "ICO"),
    ];
    if let Some((_, name)) = magic.iter().find(|(m, _)| b.starts_with(m)) {
        return Some(name);
    }
    // BMP: "BM", then a header size only a real bitmap has.
    if b.len() >= 18
        && b.starts_with(b"BM")
        && [12, 40, 52, 56, 64, 108, 124].contains(&u32::from_le_bytes([b[14], b[15], b[16], b[17]]))
    {
        return Some("BMP");
    }
    // SVG: XML text whose start mentions an <svg> element.
    let head = &b[..b.len().min(4096)];
    let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let text = text.trim_ascii_start();
    if (text.starts_with(b"<?xml") || text.starts_with(b"<svg") || text.starts_with(b"<!DOCTYPE svg"))
        && head.windows(4).any(|w| w == b"<svg")
    {
        return Some("SVG");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0rest"), Ok(Format::Jpeg));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nrest"), Ok(Format::Png));
        assert_eq!(sniff(b"GIF89a..."), Ok(Format::Gif));
        assert_eq!(sniff(b"RIFF\x10\0\0\0WEBPVP8 "), Ok(Format::Webp));
        assert_eq!(sniff(b"\0\0\0\x18ftypheic\0\0\0\0"), Err(MediaError::Unsupported("HEIC".into())));
        assert_eq!(sniff(b"\0\0\0\x1cftypavif\0\0\0\0"), Err(MediaError::Unsupported("AVIF".into())));
        assert_eq!(sniff(b"\0\0\0\x18ftypisom\0\0\0\0"), Err(MediaError::NotAnImage));
        assert_eq!(
            sniff(b"  <?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
            Err(MediaError::Unsupported("SVG".into()))
        );
        assert_eq!(sniff(b"II*\0\x08\0\0\0"), Err(MediaError::Unsupported("TIFF".into())));
        assert_eq!(sniff(b"BM Report: quarterly numbers follow"), Err(MediaError::NotAnImage));
        assert_eq!(sniff(b"P1 notes"), Err(MediaError::NotAnImage));
        assert_eq!(sniff(b"%PDF-1.7\n"), Err(MediaError::NotAnImage));
        assert_eq!(sniff(b""), Err(MediaError::NotAnImage));
        assert_eq!(sniff(b"RIFF\x10\0\0\0WAVEfmt "), Err(MediaError::NotAnImage));
    }
}
