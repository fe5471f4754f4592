//! The pipeline end to end, on images generated here (no fixtures).

use std::io::Cursor;

use image::codecs::gif::GifEncoder;
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::codecs::webp::WebPEncoder;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageEncoder, ImageFormat, ImageReader, RgbImage, RgbaImage};
use prensa_media::{process, Encoded, Format, Limits, MediaError, Processed};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const W: u32 = 2000;
const H: u32 = 1200;

/// A smooth gradient with a little texture: red grows to the right, green
/// downwards, so orientation is visible in any corner.
fn gradient(w: u32, h: u32) -> RgbImage {
    RgbImage::from_fn(w, h, |x, y| {
        let r = (x * 255 / w) as u8;
        let g = (y * 255 / h) as u8;
        let b = ((x / 8 + y / 8) % 2 * 40 + 60) as u8;
        image::Rgb([r, g, b])
    })
}

fn jpeg(img: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 90)
        .write_image(img, img.width(), img.height(), image::ExtendedColorType::Rgb8)
        .expect("encode JPEG");
    out
}

fn png(img: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    PngEncoder::new(&mut out)
        .write_image(img, img.width(), img.height(), image::ExtendedColorType::Rgb8)
        .expect("encode PNG");
    out
}

fn png_rgba(img: &RgbaImage) -> Vec<u8> {
    let mut out = Vec::new();
    PngEncoder::new(&mut out)
        .write_image(img, img.width(), img.height(), image::ExtendedColorType::Rgba8)
        .expect("encode PNG");
    out
}

fn webp(img: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    WebPEncoder::new_lossless(&mut out)
        .write_image(img, img.width(), img.height(), image::ExtendedColorType::Rgb8)
        .expect("encode WebP");
    out
}

fn gif(frames: &[RgbImage]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = GifEncoder::new_with_speed(&mut out, 30);
        for f in frames {
            let rgba = DynamicImage::ImageRgb8(f.clone()).into_rgba8();
            encoder.encode_frame(image::Frame::new(rgba)).expect("encode GIF frame");
        }
    }
    out
}

fn decode(bytes: &[u8]) -> DynamicImage {
    image::load_from_memory(bytes).expect("decodes")
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Every variant decodes, is in the promised format, has the reported
/// size, and keeps the original's aspect ratio within a pixel.
fn check_variants(p: &Processed, formats_per_width: &[Format], widths: &[u32]) {
    let expected: Vec<(Format, u32)> =
        widths.iter().flat_map(|&w| formats_per_width.iter().map(move |&f| (f, w))).collect();
    let got: Vec<(Format, u32)> = p.variants.iter().map(|v| (v.format, v.width)).collect();
    assert_eq!(got, expected);
    for v in &p.variants {
        check_encoded(v);
        let exact = f64::from(p.original.height) * f64::from(v.width) / f64::from(p.original.width);
        assert!((f64::from(v.height) - exact).abs() <= 1.0, "{v:?}: height {} vs {exact}", v.height);
    }
}

/// The variants show the same picture: red and green (the gradients) at a
/// few points match the original's within a small tolerance, which also
/// catches swapped channels. The original is averaged over the area one
/// variant pixel covers (a dithered GIF differs pixel to pixel).
fn check_colours(p: &Processed) {
    let original = decode(&p.original.bytes).into_rgb8();
    for v in &p.variants {
        let img = decode(&v.bytes).into_rgb8();
        let scale = original.width() / img.width() + 1;
        for (fx, fy) in [(0.25, 0.25), (0.5, 0.5), (0.75, 0.6)] {
            let point = |i: &RgbImage| ((f64::from(i.width()) * fx) as u32, (f64::from(i.height()) * fy) as u32);
            let (x, y) = point(&original);
            let mut sum = [0u32; 3];
            for dy in 0..scale {
                for dx in 0..scale {
                    let px = original.get_pixel(x - scale / 2 + dx, y - scale / 2 + dy);
                    (0..3).for_each(|c| sum[c] += u32::from(px[c]));
                }
            }
            let a = sum.map(|s| (s / (scale * scale)) as u8);
            let (vx, vy) = point(&img);
            let b = img.get_pixel(vx, vy).0;
            for c in 0..2 {
                assert!(a[c].abs_diff(b[c]) <= 12, "{v:?} at {fx},{fy}: {a:?} vs {b:?}");
            }
        }
    }
}

fn check_encoded(e: &Encoded) {
    let format = match e.format {
        Format::Jpeg => ImageFormat::Jpeg,
        Format::Png => ImageFormat::Png,
        Format::Webp => ImageFormat::WebP,
        Format::Gif => ImageFormat::Gif,
    };
    assert_eq!(image::guess_format(&e.bytes).expect("known format"), format, "{e:?}");
    let img = decode(&e.bytes);
    assert_eq!((img.width(), img.height()), (e.width, e.height), "{e:?}");
}

#[test]
fn jpeg_processes() -> TestResult {
    let upload = jpeg(&gradient(W, H));
    let p = process(&upload, &Limits::default())?;
    assert_eq!((p.original.format, p.original.width, p.original.height), (Format::Jpeg, W, H));
    assert_eq!(p.original.bytes, upload, "a JPEG without metadata is stored as uploaded");
    check_variants(&p, &[Format::Jpeg, Format::Webp], &[320, 640, 1024, 1600]);
    check_colours(&p);
    Ok(())
}

#[test]
fn png_processes() -> TestResult {
    let upload = png(&gradient(W, H));
    let p = process(&upload, &Limits::default())?;
    assert_eq!((p.original.format, p.original.width, p.original.height), (Format::Png, W, H));
    check_encoded(&p.original);
    check_variants(&p, &[Format::Png, Format::Webp], &[320, 640, 1024, 1600]);
    check_colours(&p);
    Ok(())
}

#[test]
fn transparent_png_keeps_its_alpha() -> TestResult {
    let img = RgbaImage::from_fn(900, 600, |x, y| {
        image::Rgba([200, 30, 30, if (x / 100 + y / 100) % 2 == 0 { 255 } else { 0 }])
    });
    let p = process(&png_rgba(&img), &Limits::default())?;
    check_variants(&p, &[Format::Png, Format::Webp], &[320, 640]);
    for v in &p.variants {
        assert!(decode(&v.bytes).color().has_alpha(), "{v:?}");
    }
    Ok(())
}

#[test]
fn webp_processes() -> TestResult {
    let upload = webp(&gradient(W, H));
    let p = process(&upload, &Limits::default())?;
    assert_eq!((p.original.format, p.original.width, p.original.height), (Format::Webp, W, H));
    check_encoded(&p.original);
    // One WebP per width, not two identical ones.
    check_variants(&p, &[Format::Webp], &[320, 640, 1024, 1600]);
    check_colours(&p);
    Ok(())
}

#[test]
fn gif_processes() -> TestResult {
    let upload = gif(&[gradient(W, H)]);
    let p = process(&upload, &Limits::default())?;
    assert_eq!((p.original.format, p.original.width, p.original.height), (Format::Gif, W, H));
    check_encoded(&p.original);
    // Variants of a GIF are PNG + WebP.
    check_variants(&p, &[Format::Png, Format::Webp], &[320, 640, 1024, 1600]);
    check_colours(&p);
    Ok(())
}

#[test]
fn animated_gif_keeps_only_the_original() -> TestResult {
    let frames = [gradient(400, 300), image::imageops::flip_horizontal(&gradient(400, 300))];
    let upload = gif(&frames);
    let p = process(&upload, &Limits::default())?;
    assert_eq!((p.original.width, p.original.height), (400, 300));
    assert!(p.variants.is_empty());
    let decoder = image::codecs::gif::GifDecoder::new(Cursor::new(&p.original.bytes))?;
    assert_eq!(image::AnimationDecoder::into_frames(decoder).count(), 2, "both frames kept");
    Ok(())
}

#[test]
fn narrow_images_are_never_upscaled() -> TestResult {
    let p = process(&jpeg(&gradient(700, 500)), &Limits::default())?;
    check_variants(&p, &[Format::Jpeg, Format::Webp], &[320, 640]);

    let p = process(&png(&gradient(320, 200)), &Limits::default())?;
    assert!(p.variants.is_empty(), "320 is not narrower than 320");

    // Widths are taken in order, without duplicates.
    let limits = Limits { widths: vec![500, 100, 500, 0], ..Limits::default() };
    let p = process(&webp(&gradient(700, 500)), &limits)?;
    check_variants(&p, &[Format::Webp], &[100, 500]);
    Ok(())
}

/// TIFF structure of an EXIF block as a camera writes it: IFD0 with Make,
/// (optionally) Orientation and a pointer to a GPS IFD holding latitude
/// and longitude. Little-endian, offsets from the start of the TIFF header.
fn exif_with_gps(orientation: Option<u16>) -> Vec<u8> {
    let mut entries: Vec<(u16, u16, u32, [u8; 4])> = Vec::new(); // tag, type, count, value/offset
    let ifd0_count = if orientation.is_some() { 3 } else { 2 };
    let ifd0_len = 2 + 12 * ifd0_count + 4;
    let make_at = 8 + ifd0_len as u32; // "PrensaTestCam\0", 14 bytes
    let gps_at = make_at + 14;
    entries.push((0x010F, 2, 14, make_at.to_le_bytes())); // Make, ASCII
    if let Some(o) = orientation {
        let mut v = [0; 4];
        v[..2].copy_from_slice(&o.to_le_bytes());
        entries.push((0x0112, 3, 1, v)); // Orientation, SHORT
    }
    entries.push((0x8825, 4, 1, gps_at.to_le_bytes())); // GPSInfo IFD pointer, LONG

    let mut tiff = b"II\x2a\0".to_vec();
    tiff.extend(8u32.to_le_bytes());
    tiff.extend((entries.len() as u16).to_le_bytes());
    for (tag, kind, count, value) in &entries {
        tiff.extend(tag.to_le_bytes());
        tiff.extend(kind.to_le_bytes());
        tiff.extend(count.to_le_bytes());
        tiff.extend(value);
    }
    tiff.extend(0u32.to_le_bytes());
    tiff.extend(b"PrensaTestCam\0");
    assert_eq!(tiff.len() as u32, gps_at);

    // GPS IFD: LatitudeRef "N", Latitude 52/1 31/1 1234/100, LongitudeRef
    // "E", Longitude 13/1 24/1 5678/100 (rationals after the IFD).
    let gps_ifd_len = 2 + 12 * 4 + 4;
    let lat_at = gps_at + gps_ifd_len;
    let lon_at = lat_at + 24;
    tiff.extend(4u16.to_le_bytes());
    for (tag, kind, count, value) in [
        (1u16, 2u16, 2u32, *b"N\0\0\0"),
        (2, 5, 3, lat_at.to_le_bytes()),
        (3, 2, 2, *b"E\0\0\0"),
        (4, 5, 3, lon_at.to_le_bytes()),
    ] {
        tiff.extend(tag.to_le_bytes());
        tiff.extend(kind.to_le_bytes());
        tiff.extend(count.to_le_bytes());
        tiff.extend(value);
    }
    tiff.extend(0u32.to_le_bytes());
    for (num, den) in [(52u32, 1u32), (31, 1), (1234, 100), (13, 1), (24, 1), (5678, 100)] {
        tiff.extend(num.to_le_bytes());
        tiff.extend(den.to_le_bytes());
    }
    tiff
}

/// `jpeg` with an APP1 EXIF segment right after SOI.
fn with_exif(jpeg: &[u8], tiff: &[u8]) -> Vec<u8> {
    let mut app1 = vec![0xFF, 0xE1];
    app1.extend(((2 + 6 + tiff.len()) as u16).to_be_bytes());
    app1.extend(b"Exif\0\0");
    app1.extend(tiff);
    [&jpeg[..2], &app1, &jpeg[2..]].concat()
}

const GPS_LATITUDE: [u8; 8] = [52, 0, 0, 0, 1, 0, 0, 0];

#[test]
fn jpeg_exif_and_gps_are_removed_losslessly() -> TestResult {
    let plain = jpeg(&gradient(1000, 600));
    let upload = with_exif(&plain, &exif_with_gps(None));
    // The upload really carries what we want gone.
    assert!(contains(&upload, b"Exif\0\0") && contains(&upload, b"PrensaTestCam") && contains(&upload, &GPS_LATITUDE));
    let decoder = image::codecs::jpeg::JpegDecoder::new(Cursor::new(&upload))?;
    let mut decoder = decoder;
    assert!(decoder.exif_metadata()?.is_some());

    let p = process(&upload, &Limits::default())?;
    let stored = &p.original.bytes;
    assert!(!contains(stored, b"Exif\0\0"), "no EXIF block");
    assert!(!contains(stored, b"PrensaTestCam"), "no camera");
    assert!(!contains(stored, &[0x25, 0x88]), "no GPS IFD pointer tag");
    assert!(!contains(stored, &GPS_LATITUDE), "no GPS coordinates");
    // Exactly the segment was removed; the image data is untouched.
    assert_eq!(stored, &plain);
    assert_eq!(decode(stored).as_bytes(), decode(&upload).as_bytes(), "same pixels");
    check_variants(&p, &[Format::Jpeg, Format::Webp], &[320, 640]);
    for v in &p.variants {
        assert!(!contains(&v.bytes, b"Exif") && !contains(&v.bytes, &GPS_LATITUDE), "{v:?}");
    }
    Ok(())
}

#[test]
fn jpeg_orientation_survives_as_a_minimal_tag() -> TestResult {
    // Stored landscape, tagged "rotate 90° clockwise": a portrait photo.
    let upload = with_exif(&jpeg(&gradient(1000, 600)), &exif_with_gps(Some(6)));
    let p = process(&upload, &Limits::default())?;
    let stored = &p.original.bytes;

    assert!(!contains(stored, b"PrensaTestCam") && !contains(stored, &GPS_LATITUDE), "metadata gone");
    let mut decoder = image::codecs::jpeg::JpegDecoder::new(Cursor::new(stored))?;
    assert_eq!(decoder.orientation()?, Orientation::Rotate90, "orientation kept");
    assert_eq!(decoder.exif_metadata()?.map(|e| e.len()), Some(26), "and nothing else");
    assert_eq!(decode(stored).as_bytes(), decode(&upload).as_bytes(), "same pixels");

    // Reported and resized as displayed: 600 wide, 1000 high.
    assert_eq!((p.original.width, p.original.height), (600, 1000));
    check_variants(&p, &[Format::Jpeg, Format::Webp], &[320]);
    // Rotated pixels: the displayed top-left is the stored bottom-left
    // (no red, full green), the displayed top-right the stored top-left.
    let v = decode(&p.variants[0].bytes).into_rgb8();
    let top_left = v.get_pixel(2, 2);
    let top_right = v.get_pixel(v.width() - 3, 2);
    assert!(top_left[0] < 30 && top_left[1] > 220, "{top_left:?}");
    assert!(top_right[0] < 30 && top_right[1] < 30, "{top_right:?}");
    Ok(())
}

fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    [&(data.len() as u32).to_be_bytes()[..], kind, data, &crc.finalize().to_be_bytes()].concat()
}

#[test]
fn png_text_and_exif_are_removed() -> TestResult {
    let plain = png(&gradient(1000, 600));
    let ihdr_end = 8 + 25;
    let upload = [
        &plain[..ihdr_end],
        &png_chunk(b"tEXt", b"Author\0Jane Doe, 12 Secret Street"),
        &png_chunk(b"eXIf", &exif_with_gps(None)),
        &plain[ihdr_end..],
    ]
    .concat();
    assert_eq!(decode(&upload).width(), 1000, "a valid PNG");

    let p = process(&upload, &Limits::default())?;
    let stored = &p.original.bytes;
    for gone in [&b"tEXt"[..], b"eXIf", b"Secret Street", b"PrensaTestCam", &GPS_LATITUDE] {
        assert!(!contains(stored, gone), "{}", String::from_utf8_lossy(gone));
    }
    assert_eq!(stored, &plain);
    assert_eq!(decode(stored).as_bytes(), decode(&upload).as_bytes());
    Ok(())
}

/// An ICC profile header (128 bytes) for the colour space `space`, and a
/// recognisable body. Not a usable profile: the pipeline treats it as
/// opaque bytes and only reads the header's colour space.
fn icc_profile(space: &[u8; 4]) -> Vec<u8> {
    let mut icc = vec![0; 128];
    icc[16..20].copy_from_slice(space);
    icc[36..40].copy_from_slice(b"acsp");
    icc.extend(b"test profile body ".repeat(20));
    let len = (icc.len() as u32).to_be_bytes();
    icc[..4].copy_from_slice(&len);
    icc
}

fn jpeg_with_icc(img: &RgbImage, icc: &[u8]) -> Result<Vec<u8>, image::ImageError> {
    let mut out = Vec::new();
    let mut encoder = JpegEncoder::new_with_quality(&mut out, 90);
    encoder.set_icc_profile(icc.to_vec()).map_err(image::ImageError::Unsupported)?;
    encoder.write_image(img, img.width(), img.height(), image::ExtendedColorType::Rgb8)?;
    Ok(out)
}

fn icc_of(bytes: &[u8]) -> Result<Option<Vec<u8>>, Box<dyn std::error::Error>> {
    Ok(ImageReader::new(Cursor::new(bytes)).with_guessed_format()?.into_decoder()?.icc_profile()?)
}

#[test]
fn rgb_colour_profile_is_kept_and_carried_into_variants() -> TestResult {
    let icc = icc_profile(b"RGB ");
    let upload = jpeg_with_icc(&gradient(800, 600), &icc)?;
    let p = process(&upload, &Limits::default())?;
    assert_eq!(p.original.bytes, upload);
    check_variants(&p, &[Format::Jpeg, Format::Webp], &[320, 640]);
    for v in &p.variants {
        assert_eq!(icc_of(&v.bytes)?, Some(icc.clone()), "{v:?}");
    }

    // A CMYK profile does not describe the variants' RGB pixels.
    let upload = jpeg_with_icc(&gradient(800, 600), &icc_profile(b"CMYK"))?;
    let p = process(&upload, &Limits::default())?;
    assert_eq!(p.original.bytes, upload, "the original keeps it");
    for v in &p.variants {
        assert_eq!(icc_of(&v.bytes)?, None, "{v:?}");
    }
    Ok(())
}

fn error(bytes: &[u8], limits: &Limits) -> MediaError {
    match process(bytes, limits) {
        Ok(p) => panic!("accepted: {:?}", p.original),
        Err(e) => e,
    }
}

#[test]
fn text_is_not_an_image() {
    let e = error(b"Dear editor,\nplease find the photo attached.\n", &Limits::default());
    assert_eq!(e, MediaError::NotAnImage);
    assert_eq!(e.to_string(), "the file is not an image; upload a JPEG, PNG, WebP or GIF");
}

#[test]
fn pdf_is_not_an_image() {
    let e = error(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", &Limits::default());
    assert_eq!(e.to_string(), "the file is not an image; upload a JPEG, PNG, WebP or GIF");
}

#[test]
fn other_image_formats_are_named() {
    let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic";
    assert_eq!(
        error(heic, &Limits::default()).to_string(),
        "HEIC images are not supported; upload a JPEG, PNG, WebP or GIF"
    );
    let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>";
    assert_eq!(
        error(svg, &Limits::default()).to_string(),
        "SVG images are not supported; upload a JPEG, PNG, WebP or GIF"
    );
}

#[test]
fn truncated_files_are_refused() {
    let message = "the image is truncated or corrupt";
    let jpeg = jpeg(&gradient(W, H));
    let e = error(&jpeg[..jpeg.len() / 2], &Limits::default());
    assert!(matches!(e, MediaError::Corrupt(_)), "{e:?}");
    assert_eq!(e.to_string(), message);
    // Cut anywhere, even just before the end marker.
    assert_eq!(error(&jpeg[..jpeg.len() - 2], &Limits::default()).to_string(), message);
    assert_eq!(error(&jpeg[..100], &Limits::default()).to_string(), message);

    for upload in [png(&gradient(800, 480)), webp(&gradient(800, 480)), gif(&[gradient(300, 200)])] {
        assert_eq!(error(&upload[..upload.len() / 2], &Limits::default()).to_string(), message);
    }
}

#[test]
fn corrupt_image_data_is_refused() {
    // Structure intact, compressed data garbled: the decoder catches it.
    let mut upload = png(&gradient(600, 400));
    let idat = upload.windows(4).position(|w| w == b"IDAT").expect("IDAT");
    for b in &mut upload[idat + 8..idat + 200] {
        *b = 0x55;
    }
    let e = error(&upload, &Limits::default());
    assert!(matches!(e, MediaError::Corrupt(_)), "{e:?}");
}

/// A PNG whose header claims 100000 × 100000 pixels (30 GB of RGB once
/// decoded) in a file of a few dozen bytes.
fn png_bomb() -> Vec<u8> {
    let mut ihdr = Vec::new();
    ihdr.extend(100_000u32.to_be_bytes());
    ihdr.extend(100_000u32.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]); // 8-bit RGB, deflate, adaptive filter, no interlace
    [
        &b"\x89PNG\r\n\x1a\n"[..],
        &png_chunk(b"IHDR", &ihdr),
        &png_chunk(b"IDAT", &[0x78, 0x9c, 0x03, 0x00, 0, 0, 0, 1]),
        &png_chunk(b"IEND", b""),
    ]
    .concat()
}

#[test]
fn decompression_bomb_is_refused_before_decoding() {
    let bomb = png_bomb();
    assert!(bomb.len() < 100);
    let e = error(&bomb, &Limits::default());
    assert_eq!(e, MediaError::TooManyPixels { width: 100_000, height: 100_000, limit: 50_000_000 });
    assert_eq!(e.to_string(), "the image is 100000 × 100000 pixels (10,000 megapixels); the limit is 50 megapixels");

    // A lower limit applies to ordinary photos too.
    let limits = Limits { max_pixels: 2_000_000, ..Limits::default() };
    assert_eq!(
        error(&jpeg(&gradient(W, H)), &limits).to_string(),
        "the image is 2000 × 1200 pixels (2.4 megapixels); the limit is 2 megapixels"
    );
}

#[test]
fn oversized_file_is_refused_before_anything_else() {
    // 31.2 MB of zeros: not an image either, but size is checked first.
    let e = error(&vec![0; 31_234_567], &Limits::default());
    assert_eq!(e, MediaError::TooLarge { size: 31_234_567, limit: 20_000_000 });
    assert_eq!(e.to_string(), "the file is 31.2 MB; the limit is 20 MB");

    let upload = jpeg(&gradient(W, H));
    let limits = Limits { max_bytes: 100_000, ..Limits::default() };
    let e = error(&upload, &limits);
    assert!(matches!(e, MediaError::TooLarge { limit: 100_000, .. }), "{e:?}");
    assert!(e.to_string().ends_with("; the limit is 100 kB"), "{e}");
}
