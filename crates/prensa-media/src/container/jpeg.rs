//! JPEG: a segment walker.
//!
//! A JPEG file is a sequence of *markers* (0xFF, then a code byte). Most
//! markers start a segment whose next two bytes are its big-endian length
//! (counting those two bytes, not the marker). Metadata lives in the
//! application segments APP0–APP15 (0xE0–0xEF) and in comments (COM, 0xFE);
//! everything needed to decode — quantization and Huffman tables, the frame
//! header, restart interval — lives in other segments, and the compressed
//! image itself follows each start-of-scan (SOS, 0xDA) segment as
//! entropy-coded data that runs until the next real marker (0xFF followed
//! by 0x00 is an escaped data byte; 0xFF 0xD0–0xD7 are restart markers
//! inside the data). The file ends with EOI (0xFF 0xD9).
//!
//! We copy every segment and all entropy-coded data verbatim, except:
//! - APP0: JFIF is kept (it gives the pixel density), minus its optional
//!   thumbnail; JFXX (thumbnail extension) and anything else goes.
//! - APP1: EXIF (camera, date, GPS, thumbnail) and XMP go. If the EXIF asked
//!   for a rotation, a minimal EXIF block with only that tag takes its place,
//!   so the photo still displays upright.
//! - APP2: an ICC colour profile is kept (photos from recent phones are in
//!   Display P3 and look washed out without it); MPF (multi-picture index)
//!   and FlashPix go.
//! - APP14 "Adobe" is kept: it says how to interpret the colour components.
//! - APP3–APP13 (including APP13, Photoshop/IPTC captions, credits and
//!   keywords), APP15 and COM go.
//! - Anything after EOI goes.
//!
//! So the decoded pixels of the stripped file are identical to those of the
//! upload: the bytes that encode them are the same bytes.

use super::{corrupt, truncated, Stripped};
use crate::{exif, MediaError};

const SOS: u8 = 0xDA;
const EOI: u8 = 0xD9;
const COM: u8 = 0xFE;
const APP0: u8 = 0xE0;
const APP1: u8 = 0xE1;
const APP2: u8 = 0xE2;
const APP14: u8 = 0xEE;
const APP15: u8 = 0xEF;

pub(super) fn strip(b: &[u8]) -> Result<Stripped, MediaError> {
    if !b.starts_with(&[0xFF, 0xD8]) {
        return Err(corrupt("no JPEG start-of-image marker"));
    }
    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(&[0xFF, 0xD8]);
    let mut pos = 2;
    let mut orientation = None;
    let mut exif_seen = false;

    loop {
        // A marker: 0xFF, any number of 0xFF fill bytes, then the code.
        match b.get(pos) {
            None => return Err(truncated("the JPEG headers (no end-of-image marker)")),
            Some(0xFF) => {}
            Some(_) => return Err(corrupt(format!("JPEG: expected a marker at byte {pos}"))),
        }
        while b.get(pos) == Some(&0xFF) {
            pos += 1;
        }
        let Some(&marker) = b.get(pos) else {
            return Err(truncated("a JPEG marker"));
        };
        pos += 1;

        match marker {
            EOI => {
                out.extend_from_slice(&[0xFF, EOI]);
                break; // whatever follows is not part of this image
            }
            // Markers without a segment (restart, TEM).
            0xD0..=0xD7 | 0x01 => {
                out.extend_from_slice(&[0xFF, marker]);
                continue;
            }
            0x00 => return Err(corrupt(format!("JPEG: stray 0xFF00 at byte {pos}"))),
            _ => {}
        }

        // A segment: two-byte length (including itself), then the payload.
        let Some(len) = b.get(pos..pos + 2).map(|l| usize::from(u16::from_be_bytes([l[0], l[1]]))) else {
            return Err(truncated("a JPEG segment"));
        };
        if len < 2 {
            return Err(corrupt(format!("JPEG: segment length {len} at byte {pos}")));
        }
        let end = pos + len;
        let Some(payload) = b.get(pos + 2..end) else {
            return Err(truncated("a JPEG segment"));
        };
        pos = end;

        match marker {
            APP0 if payload.starts_with(b"JFIF\0") && payload.len() >= 14 => {
                // Version, units, densities (12 bytes with the identifier);
                // thumbnail width and height set to 0, thumbnail dropped.
                let mut jfif = payload[..12].to_vec();
                jfif.extend_from_slice(&[0, 0]);
                write_segment(&mut out, APP0, &jfif)?;
            }
            APP1 if payload.starts_with(b"Exif\0\0") => {
                // Only the first EXIF block counts (the second APP1 of a
                // file is usually XMP; a second EXIF would be ignored by
                // readers too).
                if !exif_seen {
                    exif_seen = true;
                    orientation = exif::orientation(&payload[6..]);
                    if let Some(o) = orientation {
                        let mut block = b"Exif\0\0".to_vec();
                        block.extend_from_slice(&exif::minimal(o));
                        write_segment(&mut out, APP1, &block)?;
                    }
                }
            }
            APP2 if payload.starts_with(b"ICC_PROFILE\0") => write_segment(&mut out, APP2, payload)?,
            APP14 if payload.starts_with(b"Adobe") => write_segment(&mut out, APP14, payload)?,
            APP0..=APP15 | COM => {} // metadata: dropped
            _ => write_segment(&mut out, marker, payload)?,
        }

        if marker == SOS {
            // Entropy-coded data runs to the first 0xFF that is not an
            // escaped data byte (0xFF 0x00) or a restart marker (0xFF
            // 0xD0–0xD7). Copied as is.
            let start = pos;
            loop {
                let Some(ff) = b[pos..].iter().position(|&x| x == 0xFF) else {
                    return Err(truncated("the JPEG image data (no end-of-image marker)"));
                };
                pos += ff;
                match b.get(pos + 1) {
                    None => return Err(truncated("the JPEG image data")),
                    Some(0x00 | 0xD0..=0xD7) => pos += 2,
                    Some(_) => break,
                }
            }
            out.extend_from_slice(&b[start..pos]);
        }
    }

    Ok(Stripped { bytes: out, orientation, animated: false })
}

fn write_segment(out: &mut Vec<u8>, marker: u8, payload: &[u8]) -> Result<(), MediaError> {
    let len = u16::try_from(payload.len() + 2).map_err(|_| corrupt("JPEG: segment too long"))?;
    out.extend_from_slice(&[0xFF, marker]);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(payload);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
        let mut s = vec![0xFF, marker];
        s.extend_from_slice(&u16::try_from(payload.len() + 2).expect("short").to_be_bytes());
        s.extend_from_slice(payload);
        s
    }

    /// Not a decodable JPEG, but every structural case the walker handles.
    #[test]
    fn keeps_image_segments_and_drops_metadata() -> Result<(), MediaError> {
        let dqt = segment(0xDB, &[0; 65]);
        let sos = segment(SOS, &[1, 1, 0, 0, 63, 0]);
        let scan = [0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56]; // stuffed byte, restart marker
        let mut file = vec![0xFF, 0xD8];
        file.extend(segment(APP0, b"JFIF\0\x01\x02\x00\x00\x48\x00\x48\x01\x01\xAB\xCD\xEF"));
        file.extend(segment(APP1, b"Exif\0\0MM\0*\0\0\0\x08\0\0"));
        file.extend(segment(APP1, b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta/>"));
        file.extend(segment(APP2, b"ICC_PROFILE\0\x01\x01profile"));
        file.extend(segment(0xED, b"Photoshop 3.0\0IPTC"));
        file.extend(segment(COM, b"shot at home"));
        file.extend(&dqt);
        file.extend(&sos);
        file.extend(scan);
        file.extend([0xFF, 0xFF, 0xD9]); // fill byte, EOI
        file.extend(b"trailing depth map");

        let stripped = strip(&file)?;
        let mut want = vec![0xFF, 0xD8];
        want.extend(segment(APP0, b"JFIF\0\x01\x02\x00\x00\x48\x00\x48\x00\x00"));
        want.extend(segment(APP2, b"ICC_PROFILE\0\x01\x01profile"));
        want.extend(&dqt);
        want.extend(&sos);
        want.extend(scan);
        want.extend([0xFF, 0xD9]);
        assert_eq!(stripped.bytes, want);
        assert_eq!(stripped.orientation, None);
        Ok(())
    }

    #[test]
    fn truncation() {
        let mut file = vec![0xFF, 0xD8];
        file.extend(segment(0xDB, &[0; 65]));
        file.extend(segment(SOS, &[1, 1, 0, 0, 63, 0]));
        file.extend([0x12, 0x34]);
        assert!(matches!(strip(&file), Err(MediaError::Corrupt(_))));
        assert!(matches!(strip(&file[..10]), Err(MediaError::Corrupt(_))));
        assert!(matches!(strip(&[0xFF, 0xD8, 0xFF]), Err(MediaError::Corrupt(_))));
        assert!(matches!(strip(&[0xFF, 0xD8, 0xFF, 0xDB, 0x00]), Err(MediaError::Corrupt(_))));
        assert!(matches!(strip(&[0xFF, 0xD8, 0xFF, 0xDB, 0x00, 0x01]), Err(MediaError::Corrupt(_))));
    }
}
