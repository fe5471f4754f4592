//! WebP: a RIFF chunk walker.
//!
//! A WebP file is "RIFF", a 4-byte little-endian size, "WEBP", then chunks:
//! 4-byte tag, 4-byte little-endian size, data, one padding byte if the size
//! is odd. Simple files hold one VP8 (lossy) or VP8L (lossless) chunk. The
//! extended format starts with VP8X, whose first byte has flags announcing
//! an ICC profile (0x20), alpha (0x10), EXIF (0x08), XMP (0x04) and
//! animation (0x02). We keep VP8X, ICCP, ANIM, ANMF, ALPH, VP8 and VP8L,
//! drop EXIF, XMP and unknown chunks, clear the flags of what we dropped and
//! rewrite the RIFF size.

use super::{corrupt, truncated, Stripped};
use crate::{exif, MediaError};

const FLAG_ICC: u8 = 0x20;
const FLAG_ALPHA: u8 = 0x10;
const FLAG_EXIF: u8 = 0x08;
const FLAG_XMP: u8 = 0x04;
const FLAG_ANIMATION: u8 = 0x02;

/// One chunk of a well-formed file.
struct Chunk<'a> {
    tag: [u8; 4],
    data: &'a [u8],
}

/// The chunks of a WebP file, checked against the RIFF size.
fn chunks(b: &[u8]) -> Result<Vec<Chunk<'_>>, MediaError> {
    if b.len() < 12 || !b.starts_with(b"RIFF") || &b[8..12] != b"WEBP" {
        return Err(corrupt("no WebP header"));
    }
    let riff_size = u32::from_le_bytes([b[4], b[5], b[6], b[7]]) as usize;
    // Bytes after the RIFF container are not part of the image.
    let Some(body) = b.get(12..8 + riff_size) else {
        return Err(truncated("the WebP (shorter than its RIFF header says)"));
    };
    let mut chunks = Vec::new();
    let mut pos = 0;
    while pos < body.len() {
        let Some(header) = body.get(pos..pos + 8) else {
            return Err(truncated("a WebP chunk header"));
        };
        let tag = [header[0], header[1], header[2], header[3]];
        let size = u32::from_le_bytes([header[4], header[5], header[6], header[7]]) as usize;
        let Some(data) = body.get(pos + 8..pos + 8 + size) else {
            return Err(truncated("a WebP chunk"));
        };
        chunks.push(Chunk { tag, data });
        // Odd sizes are padded; tolerate a missing pad on the last chunk.
        pos = (pos + 8 + size + (size & 1)).min(body.len());
    }
    if !chunks.iter().any(|c| matches!(&c.tag, b"VP8 " | b"VP8L" | b"ANMF")) {
        return Err(corrupt("WebP: no image data"));
    }
    Ok(chunks)
}

fn assemble(chunks: &[Chunk<'_>]) -> Vec<u8> {
    let size: usize = chunks.iter().map(|c| 8 + c.data.len() + (c.data.len() & 1)).sum();
    let mut out = Vec::with_capacity(12 + size);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&((4 + size) as u32).to_le_bytes());
    out.extend_from_slice(b"WEBP");
    for c in chunks {
        out.extend_from_slice(&c.tag);
        out.extend_from_slice(&(c.data.len() as u32).to_le_bytes());
        out.extend_from_slice(c.data);
        if c.data.len() & 1 == 1 {
            out.push(0);
        }
    }
    out
}

pub(super) fn strip(b: &[u8]) -> Result<Stripped, MediaError> {
    let chunks = chunks(b)?;

    // First pass: flags, and the orientation from the first EXIF chunk. A
    // simple-format file (no VP8X) cannot announce EXIF, so readers ignore
    // any EXIF chunk in it, and so do we.
    let mut vp8x = None;
    let mut orientation = None;
    for chunk in &chunks {
        match &chunk.tag {
            b"VP8X" if vp8x.is_none() => {
                if chunk.data.len() < 10 {
                    return Err(corrupt("WebP: short VP8X chunk"));
                }
                vp8x = Some(chunk.data.to_vec());
            }
            b"EXIF" if vp8x.is_some() => {
                orientation = exif::orientation(chunk.data);
                break;
            }
            _ => {}
        }
    }
    let animated = vp8x.as_ref().is_some_and(|v| v[0] & FLAG_ANIMATION != 0);
    if let Some(v) = vp8x.as_mut() {
        v[0] &= !(FLAG_EXIF | FLAG_XMP);
        if orientation.is_some() {
            v[0] |= FLAG_EXIF;
        }
    }
    let minimal_exif = orientation.map(exif::minimal).unwrap_or_default();

    // Second pass: what stays, in the original order.
    let mut kept = Vec::with_capacity(chunks.len());
    let mut exif_written = false;
    for chunk in &chunks {
        match &chunk.tag {
            b"VP8X" => kept.push(Chunk { tag: chunk.tag, data: vp8x.as_deref().unwrap_or(chunk.data) }),
            b"EXIF" if orientation.is_some() && !exif_written => {
                exif_written = true;
                kept.push(Chunk { tag: chunk.tag, data: &minimal_exif });
            }
            b"ICCP" | b"ANIM" | b"ANMF" | b"ALPH" | b"VP8 " | b"VP8L" => {
                kept.push(Chunk { tag: chunk.tag, data: chunk.data })
            }
            _ => {} // EXIF, XMP, unknown: dropped
        }
    }
    Ok(Stripped { bytes: assemble(&kept), orientation, animated })
}

/// Adds an ICC profile to a simple or extended still WebP from libwebp
/// (which cannot embed one itself): a VP8X chunk announcing it, then the
/// ICCP chunk, then the image chunks, in the order the spec requires.
pub(crate) fn with_icc_profile(webp: &[u8], width: u32, height: u32, icc: &[u8]) -> Result<Vec<u8>, MediaError> {
    let chunks = chunks(webp)?;
    let mut vp8x = match chunks.first() {
        Some(c) if &c.tag == b"VP8X" => c.data.to_vec(),
        _ => {
            // Flags, 3 reserved bytes, canvas width - 1 and height - 1 in
            // 24 bits each.
            let mut data = vec![0; 10];
            data[4..7].copy_from_slice(&(width - 1).to_le_bytes()[..3]);
            data[7..10].copy_from_slice(&(height - 1).to_le_bytes()[..3]);
            data
        }
    };
    vp8x[0] |= FLAG_ICC;
    if chunks.iter().any(|c| &c.tag == b"ALPH") {
        vp8x[0] |= FLAG_ALPHA;
    }
    let mut all = vec![Chunk { tag: *b"VP8X", data: &vp8x }, Chunk { tag: *b"ICCP", data: icc }];
    all.extend(chunks.into_iter().filter(|c| !matches!(&c.tag, b"VP8X" | b"ICCP")));
    Ok(assemble(&all))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(chunks: &[(&[u8; 4], &[u8])]) -> Vec<u8> {
        assemble(&chunks.iter().map(|(tag, data)| Chunk { tag: **tag, data }).collect::<Vec<_>>())
    }

    #[test]
    fn drops_metadata_and_clears_flags() -> Result<(), MediaError> {
        let vp8x = [FLAG_ICC | FLAG_EXIF | FLAG_XMP, 0, 0, 0, 9, 0, 0, 9, 0, 0];
        let mut upload = file(&[
            (b"VP8X", &vp8x),
            (b"ICCP", b"profile"),
            (b"VP8 ", b"lossy data"),
            (b"EXIF", b"MM\0*\0\0\0\x08\0\0"),
            (b"XMP ", b"<x:xmpmeta/>"),
        ]);
        upload.extend(b"trailing");
        let stripped = strip(&upload)?;
        let cleared = [FLAG_ICC, 0, 0, 0, 9, 0, 0, 9, 0, 0];
        assert_eq!(stripped.bytes, file(&[(b"VP8X", &cleared), (b"ICCP", b"profile"), (b"VP8 ", b"lossy data")]));
        assert!(matches!(strip(&upload[..20]), Err(MediaError::Corrupt(_))));
        Ok(())
    }

    #[test]
    fn adds_icc_profile() -> Result<(), MediaError> {
        let simple = file(&[(b"VP8 ", b"lossy data")]);
        let with = with_icc_profile(&simple, 320, 200, b"icc")?;
        let vp8x = [FLAG_ICC, 0, 0, 0, 63, 1, 0, 199, 0, 0];
        assert_eq!(with, file(&[(b"VP8X", &vp8x), (b"ICCP", b"icc"), (b"VP8 ", b"lossy data")]));
        Ok(())
    }
}
