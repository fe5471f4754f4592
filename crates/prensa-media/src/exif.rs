//! The two things this crate does with EXIF: read the orientation tag, and
//! write a minimal EXIF block that holds nothing else.

use image::metadata::Orientation;

/// The orientation in an EXIF block (a TIFF structure, optionally behind the
/// "Exif\0\0" prefix JPEG uses), if it asks for any transformation.
pub(crate) fn orientation(exif: &[u8]) -> Option<Orientation> {
    let tiff = exif.strip_prefix(b"Exif\0\0").unwrap_or(exif);
    Orientation::from_exif_chunk(tiff).filter(|o| *o != Orientation::NoTransforms)
}

/// A complete EXIF block (TIFF structure, no "Exif\0\0" prefix) whose only
/// entry is the orientation tag: 26 bytes, and no GPS, camera, date or
/// thumbnail left to leak.
pub(crate) fn minimal(orientation: Orientation) -> Vec<u8> {
    let mut tiff = Vec::with_capacity(26);
    tiff.extend_from_slice(b"MM\0\x2a"); // big-endian TIFF
    tiff.extend_from_slice(&8u32.to_be_bytes()); // IFD0 right after the header
    tiff.extend_from_slice(&1u16.to_be_bytes()); // one entry:
    tiff.extend_from_slice(&0x0112u16.to_be_bytes()); //   Orientation,
    tiff.extend_from_slice(&3u16.to_be_bytes()); //   type SHORT,
    tiff.extend_from_slice(&1u32.to_be_bytes()); //   count 1,
    tiff.extend_from_slice(&u16::from(orientation.to_exif()).to_be_bytes()); // value,
    tiff.extend_from_slice(&[0, 0]); //   padded to 4 bytes
    tiff.extend_from_slice(&0u32.to_be_bytes()); // no further IFD
    tiff
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        for o in [Orientation::Rotate90, Orientation::Rotate180, Orientation::Rotate270FlipH] {
            let block = minimal(o);
            assert_eq!(block.len(), 26);
            assert_eq!(orientation(&block), Some(o));
        }
        assert_eq!(orientation(&minimal(Orientation::NoTransforms)), None);
        assert_eq!(orientation(b"not exif"), None);
    }
}
