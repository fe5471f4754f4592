//! Resized variants.
//!
//! Resizing: `fast_image_resize`, Lanczos3 convolution. It is several
//! times faster than `image::imageops::resize` with the same filter (SIMD;
//! see `benches/process.rs`, group `resize`), and it premultiplies alpha
//! before filtering, so transparent PNG edges do not get dark fringes — the
//! `image` crate's resize does not. It costs ~4 s of a clean debug build.
//!
//! Encoding: JPEG (quality 80) and PNG with the `image` crate; lossy WebP
//! (quality 75) with libwebp through the `webp` crate, since the `image`
//! crate only writes lossless WebP, which is several times larger for
//! photos. libwebp only ever sees pixels we decoded ourselves; untrusted
//! uploads are parsed by the pure-Rust decoders.
//!
//! An RGB colour profile (ICC) from the original is embedded in every
//! variant, so a Display P3 photo does not come out washed out. Other
//! profiles (CMYK, grey) describe a colour space the variants are not in,
//! and are left out.

use fast_image_resize as fr;
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{DynamicImage, ExtendedColorType, ImageEncoder};

use crate::{container, Encoded, Format, MediaError};

pub(crate) const JPEG_QUALITY: u8 = 80;
pub(crate) const WEBP_QUALITY: f32 = 75.0;

/// The variants of `image` (already upright) for each width narrower than
/// it, narrowest first; see [`crate::Processed::variants`].
pub(crate) fn make(
    format: Format,
    image: DynamicImage,
    icc: Option<&[u8]>,
    widths: &[u32],
) -> Result<Vec<Encoded>, MediaError> {
    let (width, height) = (image.width(), image.height());
    let icc = icc.filter(|p| is_rgb_profile(p));
    let mut widths: Vec<u32> = widths.iter().copied().filter(|&w| w > 0 && w < width).collect();
    widths.sort_unstable();
    widths.dedup();
    if widths.is_empty() {
        return Ok(Vec::new());
    }

    // 8-bit RGB, or RGBA where there is transparency (never for JPEG).
    let alpha = image.color().has_alpha() && format != Format::Jpeg;
    let (pixels, pixel_type, color, layout) = if alpha {
        (image.into_rgba8().into_raw(), fr::PixelType::U8x4, ExtendedColorType::Rgba8, webp::PixelLayout::Rgba)
    } else {
        (image.into_rgb8().into_raw(), fr::PixelType::U8x3, ExtendedColorType::Rgb8, webp::PixelLayout::Rgb)
    };
    let source = fr::images::ImageRef::new(width, height, &pixels, pixel_type).map_err(encode_error)?;
    let mut resizer = fr::Resizer::new();
    let options = fr::ResizeOptions::new().resize_alg(fr::ResizeAlg::Convolution(fr::FilterType::Lanczos3));

    let mut variants = Vec::with_capacity(widths.len() * 2);
    for w in widths {
        let h = scaled_height(width, height, w);
        let mut resized = fr::images::Image::new(w, h, pixel_type);
        resizer.resize(&source, &mut resized, &options).map_err(encode_error)?;
        let buffer = resized.buffer();

        match format {
            Format::Jpeg => {
                variants.push(Encoded { format: Format::Jpeg, width: w, height: h, bytes: jpeg(buffer, w, h, icc)? })
            }
            Format::Png | Format::Gif => variants.push(Encoded {
                format: Format::Png,
                width: w,
                height: h,
                bytes: png(buffer, w, h, color, icc)?,
            }),
            Format::Webp => {}
        }
        variants.push(Encoded { format: Format::Webp, width: w, height: h, bytes: webp(buffer, w, h, layout, icc)? });
    }
    Ok(variants)
}

/// Whether an ICC profile describes an RGB colour space: header
/// signature "acsp" at byte 36, data colour space "RGB " at byte 16.
fn is_rgb_profile(icc: &[u8]) -> bool {
    icc.len() >= 128 && &icc[16..20] == b"RGB " && &icc[36..40] == b"acsp"
}

/// The height that keeps the aspect ratio at width `w`, to the nearest
/// pixel, at least 1.
fn scaled_height(width: u32, height: u32, w: u32) -> u32 {
    let h = (u64::from(height) * u64::from(w) + u64::from(width) / 2) / u64::from(width);
    u32::try_from(h.max(1)).unwrap_or(u32::MAX)
}

fn jpeg(pixels: &[u8], w: u32, h: u32, icc: Option<&[u8]>) -> Result<Vec<u8>, MediaError> {
    let mut out = Vec::new();
    let mut encoder = JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY);
    if let Some(icc) = icc {
        encoder.set_icc_profile(icc.to_vec()).map_err(encode_error)?;
    }
    encoder.write_image(pixels, w, h, ExtendedColorType::Rgb8).map_err(encode_error)?;
    Ok(out)
}

fn png(pixels: &[u8], w: u32, h: u32, color: ExtendedColorType, icc: Option<&[u8]>) -> Result<Vec<u8>, MediaError> {
    let mut out = Vec::new();
    let mut encoder = PngEncoder::new_with_quality(&mut out, CompressionType::Default, FilterType::Adaptive);
    if let Some(icc) = icc {
        encoder.set_icc_profile(icc.to_vec()).map_err(encode_error)?;
    }
    encoder.write_image(pixels, w, h, color).map_err(encode_error)?;
    Ok(out)
}

fn webp(pixels: &[u8], w: u32, h: u32, layout: webp::PixelLayout, icc: Option<&[u8]>) -> Result<Vec<u8>, MediaError> {
    let encoded = webp::Encoder::new(pixels, layout, w, h)
        .encode_simple(false, WEBP_QUALITY)
        .map_err(|e| MediaError::Encode(format!("WebP: {e:?}")))?;
    match icc {
        Some(icc) => container::webp_with_icc_profile(&encoded, w, h, icc),
        None => Ok(encoded.to_vec()),
    }
}

fn encode_error(e: impl std::fmt::Display) -> MediaError {
    MediaError::Encode(e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heights_keep_the_aspect_ratio() {
        assert_eq!(scaled_height(2000, 1200, 320), 192);
        assert_eq!(scaled_height(2000, 1201, 320), 192); // 192.16
        assert_eq!(scaled_height(3, 2, 1), 1); // 0.67 rounds up
        assert_eq!(scaled_height(10_000, 1, 320), 1); // never 0
    }
}
