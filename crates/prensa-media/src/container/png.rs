//! PNG: a chunk walker.
//!
//! After the 8-byte signature a PNG is a list of chunks: 4-byte big-endian
//! data length, 4-byte type, data, CRC-32 of type and data. Chunks whose
//! type starts with an upper-case letter are critical (IHDR, PLTE, IDAT,
//! IEND) and always kept. Ancillary ones are kept only if they change how
//! the image looks — transparency, gamma and colour space, physical size,
//! APNG animation. Everything else goes: text (tEXt, zTXt, iTXt: author,
//! software, often a full XMP packet), tIME, eXIf, and private chunks. An
//! eXIf that asked for a rotation is replaced by a minimal one.

use super::{corrupt, truncated, Stripped};
use crate::{exif, MediaError};

const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// Ancillary chunks that affect rendering, and so are kept.
const KEEP: &[&[u8; 4]] = &[
    b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"cICP", b"mDCV", b"cLLI", b"sBIT", b"bKGD", b"pHYs", b"sPLT",
    b"hIST", // palette and colour information
    b"acTL", b"fcTL", b"fdAT", // APNG animation
];

pub(super) fn strip(b: &[u8]) -> Result<Stripped, MediaError> {
    if !b.starts_with(SIGNATURE) {
        return Err(corrupt("no PNG signature"));
    }
    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(SIGNATURE);
    let mut pos = SIGNATURE.len();
    let mut orientation = None;
    let mut exif_seen = false;
    let mut animated = false;

    loop {
        let Some(header) = b.get(pos..pos + 8) else {
            return Err(truncated("the PNG (no IEND chunk)"));
        };
        let len = u32::from_be_bytes([header[0], header[1], header[2], header[3]]);
        let kind: [u8; 4] = [header[4], header[5], header[6], header[7]];
        if len > i32::MAX as u32 {
            return Err(corrupt(format!("PNG: chunk length {len}")));
        }
        if pos == SIGNATURE.len() && &kind != b"IHDR" {
            return Err(corrupt("PNG: the first chunk is not IHDR"));
        }
        let end = pos + 12 + len as usize;
        let Some(chunk) = b.get(pos..end) else {
            return Err(truncated("a PNG chunk"));
        };
        let data = &chunk[8..chunk.len() - 4];
        pos = end;

        match &kind {
            b"IEND" => {
                out.extend_from_slice(chunk);
                break; // whatever follows is not part of this image
            }
            // A second eXIf falls through to the catch-all and is dropped.
            b"eXIf" if !exif_seen => {
                exif_seen = true;
                orientation = exif::orientation(data);
                if let Some(o) = orientation {
                    write_chunk(&mut out, b"eXIf", &exif::minimal(o));
                }
            }
            b"acTL" => {
                // An APNG's frame count; a one-frame APNG is a still image.
                animated = data.get(..4).is_some_and(|n| u32::from_be_bytes([n[0], n[1], n[2], n[3]]) > 1);
                out.extend_from_slice(chunk);
            }
            _ if kind[0].is_ascii_uppercase() || KEEP.contains(&&kind) => out.extend_from_slice(chunk),
            _ => {} // metadata or unknown: dropped
        }
    }

    Ok(Stripped { bytes: out, orientation, animated })
}

/// Appends a chunk with its length and CRC.
pub(crate) fn write_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    // Chunks we write are small (a 26-byte EXIF block).
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    out.extend_from_slice(&crc.finalize().to_be_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        write_chunk(&mut out, kind, data);
        out
    }

    #[test]
    fn keeps_image_chunks_and_drops_metadata() -> Result<(), MediaError> {
        let ihdr = chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
        let idat = chunk(b"IDAT", b"compressed");
        let iend = chunk(b"IEND", b"");
        let mut file = SIGNATURE.to_vec();
        file.extend(&ihdr);
        file.extend(chunk(b"gAMA", &[0, 0, 0xB1, 0x8F]));
        file.extend(chunk(b"tEXt", b"Author\0Someone"));
        file.extend(chunk(b"eXIf", b"MM\0*\0\0\0\x08\0\0"));
        file.extend(chunk(b"tIME", &[7, 0xE8, 1, 1, 0, 0, 0]));
        file.extend(chunk(b"prVt", b"private"));
        file.extend(&idat);
        file.extend(chunk(b"zTXt", b"Comment\0\0x"));
        file.extend(&iend);
        file.extend(b"trailing");

        let stripped = strip(&file)?;
        let mut want = SIGNATURE.to_vec();
        want.extend(&ihdr);
        want.extend(chunk(b"gAMA", &[0, 0, 0xB1, 0x8F]));
        want.extend(&idat);
        want.extend(&iend);
        assert_eq!(stripped.bytes, want);
        assert!(!stripped.animated);
        assert!(matches!(strip(&file[..file.len() - 30]), Err(MediaError::Corrupt(_))));
        Ok(())
    }
}
