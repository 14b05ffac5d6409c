//! Drawing a card: its SVG (from `card.svg`) through usvg and resvg into a
//! 1200×630 PNG, and the cache that keeps each PNG by the SHA-256 of the
//! SVG it was drawn from, so that a card is drawn again only when what it
//! shows changed.
//!
//! Only the bundled fonts are loaded (never the system's), the PNG
//! encoder's settings are fixed and no time goes into the file: the same
//! SVG gives the same bytes on every machine.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock};

use resvg::{tiny_skia, usvg};
use sha2::{Digest, Sha256};

use super::fonts;

/// A card's size in pixels (what `og:image:width` and `og:image:height` say).
pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 630;

/// Part of every cached card's key: changed with the renderer, the fonts
/// or the encoder's settings, so that cards drawn otherwise are not taken.
const DRAWING: &str = "resvg 0.49, noto subsets 1, png rgba balanced";

/// The parse options every card is drawn with: the bundled fonts only.
static OPTIONS: LazyLock<usvg::Options<'static>> = LazyLock::new(|| {
    let mut db = usvg::fontdb::Database::new();
    for font in fonts::ALL {
        db.load_font_data(font.to_vec());
    }
    usvg::Options {
        font_family: "Noto Sans".into(),
        languages: vec!["en".into(), "hi".into()],
        fontdb: Arc::new(db),
        ..usvg::Options::default()
    }
});

/// Why a card could not be drawn: its SVG is not one usvg reads.
#[derive(Debug)]
pub struct DrawError(pub String);

impl std::fmt::Display for DrawError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the card's SVG could not be read: {} (check templates/card.svg)", self.0)
    }
}

/// `svg` drawn at [`WIDTH`]×[`HEIGHT`] and encoded as a PNG.
pub fn draw(svg: &str) -> Result<Vec<u8>, DrawError> {
    let tree = usvg::Tree::from_str(svg, &OPTIONS).map_err(|e| DrawError(e.to_string()))?;
    let mut pixmap = tiny_skia::Pixmap::new(WIDTH, HEIGHT).expect("a card's size is not zero");
    pixmap.fill(tiny_skia::Color::WHITE);
    let size = tree.size();
    let scale = tiny_skia::Transform::from_scale(WIDTH as f32 / size.width(), HEIGHT as f32 / size.height());
    resvg::render(&tree, scale, &mut pixmap.as_mut());
    // Drawn over white, every pixel is opaque, so premultiplied is plain
    // RGBA. Its alpha costs 4% in size and saves a copy of every pixel;
    // `Balanced` is within 0.2% of `High`'s size in half the time.
    let mut png = Vec::with_capacity(96 * 1024);
    let mut encoder = png::Encoder::new(&mut png, WIDTH, HEIGHT);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Balanced);
    let mut writer = encoder.write_header().map_err(|e| DrawError(e.to_string()))?;
    writer.write_image_data(pixmap.data()).map_err(|e| DrawError(e.to_string()))?;
    writer.finish().map_err(|e| DrawError(e.to_string()))?;
    Ok(png)
}

/// Cards drawn before, by the hash of their SVG, in a folder of the site
/// (`.readout-cache/cards/` unless `card_cache` says otherwise). Safe to
/// delete: a card not found there is drawn again.
#[derive(Debug)]
pub struct CardCache {
    dir: PathBuf,
    drawn: AtomicUsize,
    cached: AtomicUsize,
}

impl CardCache {
    pub fn new(dir: PathBuf) -> CardCache {
        CardCache { dir, drawn: AtomicUsize::new(0), cached: AtomicUsize::new(0) }
    }

    /// The folder it keeps cards in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The PNG of the card `svg`: from the cache, or drawn and kept there
    /// (a cache that cannot be written to only means drawing again).
    pub fn png(&self, svg: &str) -> Result<Vec<u8>, DrawError> {
        let path = self.dir.join(format!("{}.png", key(svg)));
        if let Ok(bytes) = std::fs::read(&path) {
            self.cached.fetch_add(1, Ordering::Relaxed);
            return Ok(bytes);
        }
        let png = draw(svg)?;
        self.drawn.fetch_add(1, Ordering::Relaxed);
        let _ = crate::cache::write_whole(&path, &png);
        Ok(png)
    }

    /// A social card's page with its PNG in place of its SVG: taken from
    /// the cache, or drawn (other pages as they are).
    pub fn draw(&self, mut page: crate::render::Page) -> std::io::Result<crate::render::Page> {
        if crate::cards::is_card(&page.path) {
            let png = self.png(&page.text()).map_err(|e| std::io::Error::other(format!("/{}: {e}", page.path)))?;
            page.content = png;
        }
        Ok(page)
    }

    /// How many cards it drew, and how many it found drawn.
    pub fn counts(&self) -> (usize, usize) {
        (self.drawn.load(Ordering::Relaxed), self.cached.load(Ordering::Relaxed))
    }
}

/// The cache's name for the card drawn from `svg`.
fn key(svg: &str) -> String {
    let mut hash = Sha256::new();
    hash.update(DRAWING.as_bytes());
    hash.update([0]);
    hash.update(svg.as_bytes());
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="630" viewBox="0 0 1200 630">
<rect width="1200" height="630" fill="#fdfcf8"/><text x="60" y="200" font-family="Noto Serif" font-size="60">Words</text></svg>"##;

    #[test]
    fn a_card_is_a_1200_by_630_png_and_the_same_twice() {
        let png = draw(SVG).expect("drawn");
        let decoder = png::Decoder::new(std::io::Cursor::new(&png));
        let reader = decoder.read_info().expect("a PNG");
        assert_eq!((reader.info().width, reader.info().height), (WIDTH, HEIGHT));
        assert_eq!(png, draw(SVG).expect("drawn again"));
    }

    #[test]
    fn the_cache_draws_a_card_once() {
        let dir = tempfile::tempdir().expect("a folder");
        let cache = CardCache::new(dir.path().join("cards"));
        let first = cache.png(SVG).expect("drawn");
        let second = cache.png(SVG).expect("from the cache");
        assert_eq!(first, second);
        assert_eq!(cache.counts(), (1, 1));
        cache.png(&SVG.replace("Words", "Other words")).expect("drawn");
        assert_eq!(cache.counts(), (2, 1));
    }

    #[test]
    fn a_broken_svg_says_where_to_look() {
        let e = draw("<svg").expect_err("not an SVG");
        assert!(e.to_string().contains("card.svg"), "{e}");
    }
}
