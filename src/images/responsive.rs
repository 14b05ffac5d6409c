//! Responsive images: each local PNG, JPEG or WebP resized to a few
//! widths (never wider than the original), the copies written with
//! content-hashed names, and what a page needs to show it (its size, the
//! copies' paths) in one [`Responsive`] per image.
//!
//! Resized copies are kept in `.readout-cache/images/`, named by the hash
//! of the original's bytes and the width, so a rebuild encodes only images
//! that changed. Encoding is deterministic (Lanczos3, fixed settings), so
//! two builds write the same bytes. A GIF keeps its frames only at its
//! own size, so it is shown as it is, with its size; an SVG too, with the
//! `width` and `height` its root element gives.

use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use image::{DynamicImage, ImageFormat, ImageReader};
use sha2::{Digest, Sha256};

use super::ImageFile;
use crate::write::Asset;

/// The widths images are resized to (those narrower than the original).
pub const WIDTHS: [u32; 3] = [480, 960, 1600];

/// Where resized copies are kept, under the site's root.
pub const CACHE_DIR: &str = ".readout-cache/images";

/// Part of each cached copy's name: changed with the encoders' settings,
/// so that copies made with other settings are not taken.
const SETTINGS: &str = "q82";

/// JPEG quality of resized copies.
const JPEG_QUALITY: u8 = 82;

/// What a page needs of one image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Responsive {
    /// The original's path in the output (`img/map.png`): the `src`.
    pub original: String,
    /// Its width and height in pixels (`None` for an SVG that gives none).
    pub size: Option<(u32, u32)>,
    /// The resized copies, narrowest first (the original not among them).
    pub variants: Vec<Variant>,
}

/// One resized copy of an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    pub width: u32,
    pub height: u32,
    /// Its path in the output (`_images/map-3f…-480.png`).
    pub path: String,
}

impl Responsive {
    /// The `srcset` value for a page at `root`: each copy and the original
    /// by width; `None` when there are no copies.
    pub fn srcset(&self, root: &str) -> Option<String> {
        let (width, _) = self.size?;
        if self.variants.is_empty() {
            return None;
        }
        let mut out = String::new();
        for v in &self.variants {
            out.push_str(&format!("{root}{} {}w, ", v.path, v.width));
        }
        out.push_str(&format!("{root}{} {width}w", self.original));
        Some(out)
    }

    /// The narrowest copy at least `min` pixels wide (or the original), as
    /// (path, width, height).
    pub fn smallest(&self, min: u32) -> (&str, Option<(u32, u32)>) {
        match self.variants.iter().find(|v| v.width >= min) {
            Some(v) => (&v.path, Some((v.width, v.height))),
            None => (&self.original, self.size),
        }
    }
}

/// The images of a site by their output path.
pub type ImageTable = BTreeMap<String, Arc<Responsive>>;

/// How many resized copies a build encoded and how many it took from the cache.
#[derive(Debug, Default)]
pub struct ImageCount {
    pub encoded: AtomicUsize,
    pub cached: AtomicUsize,
}

impl ImageCount {
    pub fn encoded(&self) -> usize {
        self.encoded.load(Ordering::Relaxed)
    }
    pub fn cached(&self) -> usize {
        self.cached.load(Ordering::Relaxed)
    }
}

/// An image made responsive: what pages need of it, and the copies to write.
pub struct Made {
    pub image: Responsive,
    pub assets: Vec<(String, Asset)>,
}

/// Makes `file` (in the site at `root`) responsive; `None` for a file
/// readout does not size (not an image it knows), an error (why it
/// cannot be read) for a broken one.
pub fn make(root: &Path, file: &ImageFile, count: &ImageCount) -> Result<Option<Made>, String> {
    let ext = file.source.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    let path = root.join(&file.source);
    if ext == "svg" {
        let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot be read: {e}"))?;
        let image = Responsive { original: file.output.clone(), size: svg_size(&text), variants: Vec::new() };
        return Ok(Some(Made { image, assets: Vec::new() }));
    }
    if !matches!(ext.as_str(), "png" | "jpg" | "jpeg" | "webp" | "gif") {
        return Ok(None);
    }
    let bytes = std::fs::read(&path).map_err(|e| format!("cannot be read: {e}"))?;
    let reader = ImageReader::new(Cursor::new(&bytes[..])).with_guessed_format().map_err(|e| e.to_string())?;
    let format = reader
        .format()
        .filter(|f| matches!(f, ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::WebP | ImageFormat::Gif));
    let Some(format) = format else {
        return Err("is not a PNG, JPEG, WebP or GIF image".into());
    };
    let (width, height) = reader.into_dimensions().map_err(|e| format!("cannot be read: {e}"))?;
    let mut image = Responsive { original: file.output.clone(), size: Some((width, height)), variants: Vec::new() };
    if format == ImageFormat::Gif {
        return Ok(Some(Made { image, assets: Vec::new() }));
    }
    let hash = content_hash(&bytes);
    let ext = format.extensions_str()[0];
    let mut decoded: Option<DynamicImage> = None;
    let mut assets = Vec::new();
    for w in WIDTHS.into_iter().filter(|&w| w < width) {
        let h = ((u64::from(height) * u64::from(w) + u64::from(width) / 2) / u64::from(width)).max(1) as u32;
        let cached = root.join(CACHE_DIR).join(format!("{hash}-{SETTINGS}-{w}.{ext}"));
        if cached.is_file() {
            count.cached.fetch_add(1, Ordering::Relaxed);
        } else {
            if decoded.is_none() {
                decoded = Some(
                    image::load_from_memory_with_format(&bytes, format).map_err(|e| format!("cannot be read: {e}"))?,
                );
            }
            let resized =
                decoded.as_ref().expect("decoded above").resize_exact(w, h, image::imageops::FilterType::Lanczos3);
            let encoded = encode(&resized, format).map_err(|e| format!("cannot be resized: {e}"))?;
            crate::cache::write_whole(&cached, &encoded)
                .map_err(|e| format!("cannot be cached in {CACHE_DIR}: {e}"))?;
            count.encoded.fetch_add(1, Ordering::Relaxed);
        }
        let out = crate::urls::image_variant(&file.output, &hash, w, ext);
        assets.push((out.clone(), Asset::Copy(cached)));
        image.variants.push(Variant { width: w, height: h, path: out });
    }
    Ok(Some(Made { image, assets }))
}

/// The first 16 hex digits of the SHA-256 of `bytes`.
fn content_hash(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// `image` encoded in `format` with fixed settings.
fn encode(image: &DynamicImage, format: ImageFormat) -> image::ImageResult<Vec<u8>> {
    use image::codecs::{jpeg::JpegEncoder, png, webp::WebPEncoder};
    let mut out = Vec::new();
    match format {
        ImageFormat::Jpeg => DynamicImage::from(image.to_rgb8())
            .write_with_encoder(JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY))?,
        ImageFormat::WebP if image.color().has_alpha() => {
            DynamicImage::from(image.to_rgba8()).write_with_encoder(WebPEncoder::new_lossless(&mut out))?
        }
        ImageFormat::WebP => {
            DynamicImage::from(image.to_rgb8()).write_with_encoder(WebPEncoder::new_lossless(&mut out))?
        }
        _ => image.write_with_encoder(png::PngEncoder::new_with_quality(
            &mut out,
            png::CompressionType::Best,
            png::FilterType::Adaptive,
        ))?,
    }
    Ok(out)
}

/// The width and height an SVG's root element gives (in pixels, or unitless).
fn svg_size(text: &str) -> Option<(u32, u32)> {
    let doc = roxmltree::Document::parse(text).ok()?;
    let root = doc.root_element();
    let length = |name: &str| -> Option<u32> {
        let v = root.attribute(name)?.trim();
        let n: f64 = v.strip_suffix("px").unwrap_or(v).trim().parse().ok()?;
        (n.is_finite() && n >= 1.0).then(|| n.round() as u32)
    };
    Some((length("width")?, length("height")?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_svg_gives_its_size_in_pixels_or_none() {
        assert_eq!(svg_size(r#"<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40px"/>"#), Some((120, 40)));
        assert_eq!(svg_size(r#"<svg xmlns="http://www.w3.org/2000/svg" width="50%" height="40"/>"#), None);
        assert_eq!(svg_size(r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>"#), None);
    }
}
