//! GIF: a block walker.
//!
//! GIF has no EXIF. A file is a header, the logical screen descriptor and
//! an optional global colour table, then blocks: image descriptors (0x2C,
//! with an optional local colour table and LZW data), extensions (0x21,
//! a label, then data sub-blocks, each a length byte and that many bytes,
//! ended by a zero length), and the trailer (0x3B). We drop comment
//! extensions and application extensions other than animation looping
//! (NETSCAPE2.0, ANIMEXTS1.0) and ICC profiles — XMP travels in one — and
//! keep the rest byte for byte. Counting image descriptors tells an
//! animation from a still.

use super::{corrupt, truncated, Stripped};
use crate::MediaError;

const IMAGE: u8 = 0x2C;
const EXTENSION: u8 = 0x21;
const TRAILER: u8 = 0x3B;
const COMMENT: u8 = 0xFE;
const APPLICATION: u8 = 0xFF;

/// Application extensions that matter for display.
const KEEP_APPLICATIONS: &[&[u8]] = &[b"NETSCAPE2.0", b"ANIMEXTS1.0", b"ICCRGBG1012"];

pub(super) fn strip(b: &[u8]) -> Result<Stripped, MediaError> {
    let Some(screen) = b.get(..13) else {
        return Err(truncated("the GIF header"));
    };
    let mut pos = 13 + color_table_len(screen[10]);
    let Some(head) = b.get(..pos) else {
        return Err(truncated("the GIF colour table"));
    };
    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(head);
    let mut frames = 0u32;

    loop {
        let start = pos;
        match b.get(pos) {
            None => return Err(truncated("the GIF (no trailer)")),
            Some(&TRAILER) => {
                out.push(TRAILER);
                break; // whatever follows is not part of this image
            }
            Some(&IMAGE) => {
                // Separator, position and size (8 bytes), flags.
                let Some(&flags) = b.get(pos + 9) else {
                    return Err(truncated("a GIF image descriptor"));
                };
                // Then the local colour table and the LZW minimum code size.
                pos += 10 + color_table_len(flags) + 1;
                pos = skip_sub_blocks(b, pos)?;
                frames += 1;
                out.extend_from_slice(&b[start..pos]);
            }
            Some(&EXTENSION) => {
                let Some(&label) = b.get(pos + 1) else {
                    return Err(truncated("a GIF extension"));
                };
                pos = skip_sub_blocks(b, pos + 2)?;
                let keep = match label {
                    COMMENT => false,
                    // The first sub-block of an application extension is
                    // its 11-byte identifier.
                    APPLICATION => {
                        b.get(start + 2) == Some(&11)
                            && b.get(start + 3..start + 14).is_some_and(|id| KEEP_APPLICATIONS.contains(&id))
                    }
                    _ => true, // graphic control, plain text
                };
                if keep {
                    out.extend_from_slice(&b[start..pos]);
                }
            }
            Some(&other) => return Err(corrupt(format!("GIF: unknown block 0x{other:02x} at byte {pos}"))),
        }
    }

    if frames == 0 {
        return Err(corrupt("GIF: no image"));
    }
    Ok(Stripped { bytes: out, orientation: None, animated: frames > 1 })
}

/// Size in bytes of the colour table announced by a flags byte.
fn color_table_len(flags: u8) -> usize {
    if flags & 0x80 != 0 {
        3 << ((flags & 0x07) + 1)
    } else {
        0
    }
}

/// The position after the sub-blocks starting at `pos`.
fn skip_sub_blocks(b: &[u8], mut pos: usize) -> Result<usize, MediaError> {
    loop {
        let Some(&len) = b.get(pos) else {
            return Err(truncated("GIF data"));
        };
        pos += 1 + usize::from(len);
        if len == 0 {
            return Ok(pos);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_comments_and_counts_frames() -> Result<(), MediaError> {
        let head: &[u8] = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff"; // 2-colour table
        let loop_ext: &[u8] = b"\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00";
        let xmp_ext: &[u8] = b"\x21\xff\x0bXMP DataXMP\x05<xmp>\x00";
        let comment: &[u8] = b"\x21\xfe\x05hello\x00";
        let gce: &[u8] = b"\x21\xf9\x04\x00\x0a\x00\x00\x00";
        let frame: &[u8] = b"\x2c\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00";
        let file = [head, loop_ext, xmp_ext, comment, gce, frame, gce, frame, b"\x3btrailing"].concat();
        let stripped = strip(&file)?;
        assert_eq!(stripped.bytes, [head, loop_ext, gce, frame, gce, frame, b"\x3b"].concat());
        assert!(stripped.animated);
        assert!(matches!(strip(&file[..file.len() - 12]), Err(MediaError::Corrupt(_))));
        Ok(())
    }
}
