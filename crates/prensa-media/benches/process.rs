//! Processing cost of a typical upload: a 2000 × 1200 photo-like JPEG (a
//! gradient with noise, quality 90, ~0.9 MB), and the resize step alone with
//! the candidate libraries (`resize` group), which is how the resizer was
//! chosen.
//!
//! `cargo bench -p prensa-media --bench process`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use image::{ImageEncoder, RgbImage};
use prensa_media::{process, Limits};

/// A gradient with per-pixel noise, so the JPEG costs about what a photo
/// of that size costs to decode and re-encode.
fn photo(w: u32, h: u32) -> RgbImage {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    RgbImage::from_fn(w, h, |x, y| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let noise = (state % 24) as u32;
        let r = (x * 230 / w + noise) as u8;
        let g = (y * 230 / h + noise) as u8;
        let b = ((x + y) * 200 / (w + h) + noise) as u8;
        image::Rgb([r, g, b])
    })
}

fn jpeg(img: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .write_image(img, img.width(), img.height(), image::ExtendedColorType::Rgb8)
        .expect("encode");
    out
}

fn bench_process(c: &mut Criterion) {
    let upload = jpeg(&photo(2000, 1200));
    let limits = Limits::default();
    let processed = process(&upload, &limits).expect("processes");
    let total: usize = processed.variants.iter().map(|v| v.bytes.len()).sum();
    eprintln!(
        "upload {} bytes; {} variants, {} bytes in all: {}",
        upload.len(),
        processed.variants.len(),
        total,
        processed
            .variants
            .iter()
            .map(|v| format!("{}w {} {}", v.width, v.format.extension(), v.bytes.len()))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut group = c.benchmark_group("process");
    group.sample_size(10);
    group.bench_function("jpeg_2000x1200", |b| b.iter(|| process(black_box(&upload), &limits).expect("processes")));
    group.finish();
}

fn bench_resize(c: &mut Criterion) {
    use fast_image_resize as fr;
    let img = photo(2000, 1200);
    let mut group = c.benchmark_group("resize");
    group.sample_size(10);
    group.bench_function("fast_image_resize_lanczos3_to_1024", |b| {
        let mut resizer = fr::Resizer::new();
        let options = fr::ResizeOptions::new().resize_alg(fr::ResizeAlg::Convolution(fr::FilterType::Lanczos3));
        b.iter(|| {
            let src = fr::images::ImageRef::new(2000, 1200, img.as_raw(), fr::PixelType::U8x3).expect("buffer");
            let mut dst = fr::images::Image::new(1024, 614, fr::PixelType::U8x3);
            resizer.resize(&src, &mut dst, &options).expect("resize");
            dst
        })
    });
    for (name, filter) in [
        ("image_lanczos3_to_1024", image::imageops::Lanczos3),
        ("image_catmullrom_to_1024", image::imageops::CatmullRom),
    ] {
        group.bench_function(name, |b| b.iter(|| image::imageops::resize(black_box(&img), 1024, 614, filter)));
    }
    group.finish();
}

criterion_group!(benches, bench_process, bench_resize);
criterion_main!(benches);
