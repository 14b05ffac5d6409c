//! Drawing a card: its SVG (from `card.svg`) through usvg and resvg into a
//! 1200×630 PNG, and the cache that keeps each PNG by the SHA-256 of what
//! its SVG is made from (`key`), so that a card is drawn again, and its
//! SVG even rendered, only when what it shows changed.
//!
//! Only the bundled fonts are loaded (never the system's), the PNG
//! encoder's settings are fixed and no time goes into the file: the same
//! SVG gives the same bytes on every machine.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Mutex};

use rustc_hash::FxHashSet;

use resvg::{tiny_skia, usvg};
use sha2::{Digest, Sha256};

use super::{fonts, glyphs};

/// A card's size in pixels (what `og:image:width` and `og:image:height` say).
pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 630;

/// Part of every cached card's key: changed with the renderer, the fonts,
/// the encoder's settings or the kinds of the values readout gives the
/// card template, so that cards drawn otherwise are not taken.
const DRAWING: &str = "resvg 0.49, glyph masks in quarters 1, noto subsets 1, png palette fast or rgb balanced";

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

/// The bundled fonts as [`glyphs`] draws with them.
static FACES: LazyLock<glyphs::Faces> = LazyLock::new(|| glyphs::Faces::new(OPTIONS.fontdb.clone()));

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
    PIXMAP.with_borrow_mut(|pixmap| {
        pixmap.fill(tiny_skia::Color::WHITE);
        let size = tree.size();
        let scale = tiny_skia::Transform::from_scale(WIDTH as f32 / size.width(), HEIGHT as f32 / size.height());
        paint(tree.root(), &FACES, scale, &mut pixmap.as_mut());
        encode(pixmap.data()).map_err(|e| DrawError(e.to_string()))
    })
}

/// `group`'s children drawn onto `pixmap` under `transform`, as
/// `resvg::render` draws them, but for plain text, whose glyphs come from
/// [`glyphs`]. A group that needs a layer of its own (opacity, a clip, a
/// mask, a filter) is drawn whole by resvg.
fn paint(
    group: &usvg::Group,
    faces: &glyphs::Faces,
    transform: tiny_skia::Transform,
    pixmap: &mut tiny_skia::PixmapMut,
) {
    for node in group.children() {
        match node {
            usvg::Node::Group(g) if !g.should_isolate() => paint(g, faces, transform.pre_concat(g.transform()), pixmap),
            usvg::Node::Text(text) if glyphs::draw_text(text, faces, transform, pixmap) => {}
            usvg::Node::Text(text) => {
                let flat = text.flattened();
                paint(flat, faces, transform.pre_concat(flat.transform()), pixmap);
            }
            node => {
                // resvg draws a node at its bounding box's corner: moved
                // back there, it lands where the whole tree would put it.
                if let Some(bbox) = node.abs_layer_bounding_box() {
                    resvg::render_node(node, transform.pre_translate(bbox.x(), bbox.y()), pixmap);
                }
            }
        }
    }
}

thread_local! {
    /// Each thread's canvas, drawn over for every card: a new one would
    /// cost its 3 MB's first touch each time.
    static PIXMAP: std::cell::RefCell<tiny_skia::Pixmap> =
        std::cell::RefCell::new(tiny_skia::Pixmap::new(WIDTH, HEIGHT).expect("a card's size is not zero"));
}

/// A card's pixels (RGBA, drawn over white, so every one opaque and its
/// premultiplied colour its plain one) as a PNG. A card has few colours
/// (its inks, their blends with the paper along the letters' edges: some
/// 80 to 110 on readout's own cards), so it is written as a palette of
/// them and one byte a pixel, which deflates in a quarter of the time to
/// two thirds of the size; a card of more than 256 colours (a site's own
/// `card.svg` with a gradient or a photo) is written as RGB.
fn encode(rgba: &[u8]) -> Result<Vec<u8>, png::EncodingError> {
    let mut png = Vec::with_capacity(64 * 1024);
    let mut encoder = png::Encoder::new(&mut png, WIDTH, HEIGHT);
    encoder.set_depth(png::BitDepth::Eight);
    let pixels = match Palette::of(rgba) {
        Some((palette, indices)) => {
            encoder.set_color(png::ColorType::Indexed);
            encoder.set_palette(palette);
            // The fast deflater: within a fifth of `Balanced`'s size on
            // palette cards, in a tenth of its time.
            encoder.set_compression(png::Compression::Fast);
            indices
        }
        None => {
            encoder.set_color(png::ColorType::Rgb);
            encoder.set_compression(png::Compression::Balanced);
            rgba.chunks_exact(4).flat_map(|p| [p[0], p[1], p[2]]).collect()
        }
    };
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&pixels)?;
    writer.finish()?;
    Ok(png)
}

/// A card's colours in the order they first appear (so the same pixels
/// give the same palette), found through a small open-addressed table.
struct Palette {
    /// Each slot: a colour (RGBA as one number) and its index, or empty.
    slots: [(u32, u8, bool); Palette::SLOTS],
    rgb: Vec<u8>,
}

impl Palette {
    /// Four times the most colours a palette holds, so that a look-up
    /// rarely goes past its first slot.
    const SLOTS: usize = 1024;

    /// The palette (RGB, three bytes a colour) and each pixel's index in
    /// it, or `None` for pixels of more than 256 colours.
    fn of(rgba: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
        let mut palette = Palette { slots: [(0, 0, false); Palette::SLOTS], rgb: Vec::with_capacity(3 * 256) };
        let mut indices = Vec::with_capacity(rgba.len() / 4);
        let mut above = None;
        for pixels in rgba.chunks_exact(4 * WIDTH as usize) {
            // Most of a card's rows are the row above again (paper
            // between the lines): its indices are copied, not looked up.
            if above == Some(pixels) {
                indices.extend_from_within(indices.len() - WIDTH as usize..);
            } else {
                palette.row(pixels, &mut indices)?;
            }
            above = Some(pixels);
        }
        Some((palette.rgb, indices))
    }

    /// The indices of one row's `pixels`, pushed onto `indices`.
    fn row(&mut self, pixels: &[u8], indices: &mut Vec<u8>) -> Option<()> {
        let mut last = None;
        for pixel in pixels.chunks_exact(4) {
            let colour = u32::from_le_bytes([pixel[0], pixel[1], pixel[2], pixel[3]]);
            // Cards are mostly runs of one colour: the last one first.
            let index = match last {
                Some((c, i)) if c == colour => i,
                _ => self.index(colour)?,
            };
            last = Some((colour, index));
            indices.push(index);
        }
        Some(())
    }

    /// The index of `colour`, given it now if it is new; `None` once a
    /// 257th colour comes.
    fn index(&mut self, colour: u32) -> Option<u8> {
        let mut slot = (colour.wrapping_mul(0x9e37_79b1) >> 22) as usize;
        loop {
            match self.slots[slot] {
                (c, i, true) if c == colour => return Some(i),
                (_, _, true) => slot = (slot + 1) % Palette::SLOTS,
                (_, _, false) => {
                    let index = u8::try_from(self.rgb.len() / 3).ok()?;
                    self.slots[slot] = (colour, index, true);
                    self.rgb.extend_from_slice(&colour.to_le_bytes()[..3]);
                    return Some(index);
                }
            }
        }
    }
}

/// Cards drawn before, by the hash of what their SVG is made from ([`key`]),
/// in a folder of the site (`.readout-cache/cards/` unless `card_cache`
/// says otherwise). Safe to delete: a card not found there is drawn again.
#[derive(Debug)]
pub struct CardCache {
    dir: PathBuf,
    drawn: AtomicUsize,
    cached: AtomicUsize,
    /// The keys of the cards asked for, for [`CardCache::prune`].
    used: Mutex<FxHashSet<String>>,
    /// The folder's lock file, held shared while this cache is in use
    /// (when the folder was there when it was made).
    lock: Option<std::fs::File>,
}

impl CardCache {
    pub fn new(dir: PathBuf) -> CardCache {
        CardCache {
            drawn: AtomicUsize::new(0),
            cached: AtomicUsize::new(0),
            used: Mutex::default(),
            lock: open_lock(&dir),
            dir,
        }
    }

    /// The folder it keeps cards in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The PNG of the card `key` drawn from `svg`: from the cache, or
    /// drawn and kept there (a cache that cannot be written to only
    /// means drawing again).
    pub fn png(&self, key: &str, svg: &str) -> Result<Vec<u8>, DrawError> {
        if let Ok(bytes) = std::fs::read(file(&self.dir, key)) {
            self.cached.fetch_add(1, Ordering::Relaxed);
            return Ok(bytes);
        }
        let png = draw(svg)?;
        self.drawn.fetch_add(1, Ordering::Relaxed);
        let _ = crate::cache::write_whole(&file(&self.dir, key), &png);
        Ok(png)
    }

    /// A social card's page as the output takes it: the cache's file,
    /// drawn into it now if the render found none there (its SVG in
    /// place of the file), or the PNG itself when the cache cannot be
    /// written to. Other pages as they are.
    pub fn draw(&self, mut page: crate::render::Page) -> std::io::Result<crate::render::Page> {
        let Some(key) = &page.card else { return Ok(page) };
        self.used.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(key.clone());
        if page.linked.is_some() {
            self.cached.fetch_add(1, Ordering::Relaxed);
            return Ok(page);
        }
        let path = file(&self.dir, key);
        if path.is_file() {
            self.cached.fetch_add(1, Ordering::Relaxed);
        } else {
            let png = draw(&page.text()).map_err(|e| std::io::Error::other(format!("/{}: {e}", page.path)))?;
            self.drawn.fetch_add(1, Ordering::Relaxed);
            if crate::cache::write_whole(&path, &png).is_err() {
                page.content = png;
                return Ok(page);
            }
        }
        page.content = Vec::new();
        page.linked = Some(path);
        Ok(page)
    }

    /// Removes the cards no page asked this cache for (a card of a page
    /// since edited or deleted), so that the folder holds what the last
    /// build shows rather than every card ever drawn; returns how many
    /// files it removed. Only readout's own files are touched (a card's
    /// name, or the temporary name `cache::write_whole` gives one, left by
    /// a killed build), and nothing at all while another build or `serve`
    /// has the folder open, since they may be taking cards this build does
    /// not show: [`CardCache::new`] takes a shared lock on the folder's
    /// lock file, this an exclusive one or it removes nothing, and a build
    /// that opens the cache meanwhile waits the few milliseconds it takes.
    /// Called once a whole build succeeded, never by `serve`, which draws
    /// cards as they are asked for.
    pub fn prune(&self) -> std::io::Result<usize> {
        let Some(lock) = &self.lock else { return Ok(0) };
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => return Ok(0),
            Err(std::fs::TryLockError::Error(e)) => return Err(e),
        }
        let used = self.used.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut removed = 0;
        for entry in std::fs::read_dir(&self.dir)? {
            let Ok(entry) = entry else { continue };
            let name = entry.file_name();
            let stale = name.to_str().is_some_and(|name| match card_key(name) {
                Some(key) => !used.contains(key),
                None => crate::cache::left_by_write(name).and_then(card_key).is_some(),
            });
            // A file gone meanwhile is one less to remove.
            if stale && entry.file_type().is_ok_and(|t| t.is_file()) {
                match std::fs::remove_file(entry.path()) {
                    Ok(()) => removed += 1,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(removed)
    }

    /// How many cards it drew, and how many it found drawn.
    pub fn counts(&self) -> (usize, usize) {
        (self.drawn.load(Ordering::Relaxed), self.cached.load(Ordering::Relaxed))
    }
}

/// The cache's name for a card: the SHA-256 of everything its PNG is
/// drawn from, the drawing's settings ([`DRAWING`]), the card template's
/// text and what it uses (`digest`) and the values it gets (`context`,
/// whole: its `Debug` text shows every value and its kind). The same
/// name means the same SVG, so a build can take the card without
/// rendering it; any change to what the card shows changes the name.
/// (`Debug` does not show whether a string is marked safe from escaping;
/// that is readout's code's doing, never a site's, and no card's value
/// is: change [`DRAWING`] if one ever is.)
pub fn key(digest: &crate::render::templates::Digest, context: &tera::Context) -> String {
    use std::fmt::Write as _;
    let mut hash = Hashing(Sha256::new());
    hash.0.update(DRAWING.as_bytes());
    hash.0.update([0]);
    hash.0.update(digest);
    let _ = write!(hash, "{context:?}");
    hash.0.finalize().iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// A hash that text can be written into, as it is formatted.
struct Hashing(Sha256);

impl std::fmt::Write for Hashing {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.update(s.as_bytes());
        Ok(())
    }
}

/// The card `key`'s file in the cache folder `dir`, if it is there.
pub fn cached(dir: &Path, key: &str) -> Option<PathBuf> {
    let path = file(dir, key);
    path.is_file().then_some(path)
}

fn file(dir: &Path, key: &str) -> PathBuf {
    dir.join(format!("{key}.png"))
}

/// The lock file of the cache folder `dir`, locked shared, if the folder
/// is there (a cache that cannot be locked is only never pruned).
fn open_lock(dir: &Path) -> Option<std::fs::File> {
    let file = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(dir.join(LOCK)).ok()?;
    file.lock_shared().ok()?;
    Some(file)
}

/// The name of a cache folder's lock file.
const LOCK: &str = ".lock";

/// The key of a card's file name in the cache (`KEY.png`), if it is one.
fn card_key(name: &str) -> Option<&str> {
    let key = name.strip_suffix(".png")?;
    (key.len() == 64 && key.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))).then_some(key)
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

    /// The PNG's colour type and its pixels, decoded to RGB.
    fn decoded(png: &[u8]) -> (png::ColorType, Vec<u8>) {
        let mut decoder = png::Decoder::new(std::io::Cursor::new(png));
        decoder.set_transformations(png::Transformations::EXPAND);
        let mut reader = decoder.read_info().expect("a PNG");
        assert_eq!((reader.info().width, reader.info().height), (WIDTH, HEIGHT));
        let colour = reader.info().color_type;
        let mut pixels = vec![0; reader.output_buffer_size().expect("a size")];
        reader.next_frame(&mut pixels).expect("the PNG decodes");
        (colour, pixels)
    }

    /// Opaque pixels of `colours` colours, in bands, as RGBA.
    fn bands(colours: u32) -> Vec<u8> {
        let rows = (0..WIDTH * HEIGHT).map(|i| (i / WIDTH) * colours / HEIGHT);
        rows.flat_map(|c| [(c % 256) as u8, (c / 256) as u8, 7, 255]).collect()
    }

    fn rgb(rgba: &[u8]) -> Vec<u8> {
        rgba.chunks_exact(4).flat_map(|p| [p[0], p[1], p[2]]).collect()
    }

    #[test]
    fn a_card_of_few_colours_is_a_palette_png_of_its_very_pixels() {
        let (colour, _) = decoded(&draw(SVG).expect("drawn"));
        assert_eq!(colour, png::ColorType::Indexed);
        for colours in [1, 2, 256] {
            let pixels = bands(colours);
            let (colour, back) = decoded(&encode(&pixels).expect("encoded"));
            assert_eq!(colour, png::ColorType::Indexed, "{colours} colours");
            assert!(back == rgb(&pixels), "{colours} colours: other pixels came back");
        }
    }

    #[test]
    fn a_card_of_more_than_256_colours_is_an_rgb_png_of_its_very_pixels() {
        let pixels = bands(257);
        let (colour, back) = decoded(&encode(&pixels).expect("encoded"));
        assert_eq!(colour, png::ColorType::Rgb);
        assert!(back == rgb(&pixels), "other pixels came back");
    }

    fn context(words: &str) -> tera::Context {
        let mut c = tera::Context::new();
        c.insert_value("words", words.into());
        c
    }

    #[test]
    fn a_cards_key_changes_with_its_values_and_its_templates_only() {
        let (digest, other) = ([1; 32], [2; 32]);
        let one = key(&digest, &context("Words"));
        assert_eq!(one, key(&digest, &context("Words")));
        assert_eq!(one.len(), 64);
        assert_ne!(one, key(&digest, &context("Other words")), "other values");
        assert_ne!(one, key(&other, &context("Words")), "another template");
        let mut number = tera::Context::new();
        number.insert_value("words", 1.into());
        assert_ne!(key(&digest, &context("1")), key(&digest, &number), "a number, not a string");
    }

    #[test]
    fn the_cache_draws_a_card_once() {
        let dir = tempfile::tempdir().expect("a folder");
        let cache = CardCache::new(dir.path().join("cards"));
        let name = key(&[0; 32], &context("Words"));
        let first = cache.png(&name, SVG).expect("drawn");
        let second = cache.png(&name, SVG).expect("from the cache");
        assert_eq!(first, second);
        assert_eq!(cache.counts(), (1, 1));
        assert_eq!(cached(cache.dir(), &name), Some(cache.dir().join(format!("{name}.png"))));
        let other = key(&[0; 32], &context("Other words"));
        assert_eq!(cached(cache.dir(), &other), None);
        cache.png(&other, &SVG.replace("Words", "Other words")).expect("drawn");
        assert_eq!(cache.counts(), (2, 1));
    }

    #[test]
    fn pruning_removes_only_old_cards_no_page_asked_for() {
        let dir = tempfile::tempdir().expect("a folder");
        let cards = dir.path().join("cards");
        let (kept, old) = (key(&[0; 32], &context("Kept")), key(&[0; 32], &context("Old")));
        // A card a build's page asks for, as the write stage asks.
        let ask = |cache: &CardCache, key: &str, svg: &str| {
            let page = crate::render::Page {
                card: Some(key.to_string()),
                ..crate::render::Page::new("c/card.png".into(), svg)
            };
            cache.draw(page).expect("drawn or found");
        };
        let first = CardCache::new(cards.clone());
        ask(&first, &kept, SVG);
        ask(&first, &old, &SVG.replace("Words", "Old"));
        let left = format!(".{old}.png.12.3.tmp");
        let others = ["notes.txt", ".notes.tmp", "ABC.png", left.as_str()];
        for name in others {
            std::fs::write(cards.join(name), b"x").expect("written");
        }
        let next = CardCache::new(cards.clone());
        ask(&next, &kept, SVG);
        // While another build has the cache open, nothing is removed.
        let during = CardCache::new(cards.clone());
        let newer = key(&[0; 32], &context("Newer"));
        ask(&during, &newer, &SVG.replace("Words", "Newer"));
        assert_eq!(next.prune().expect("pruned"), 0, "another build has the cache open");
        drop(during);
        assert_eq!(next.prune().expect("pruned"), 3, "the cards not asked for and the file a killed build left");
        let mut names: Vec<String> =
            std::fs::read_dir(&cards).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        let mut want = vec![format!("{kept}.png"), LOCK.into()];
        want.extend(others[..3].iter().map(|s| s.to_string()));
        want.sort();
        assert_eq!(names, want);
        assert_eq!(CardCache::new(dir.path().join("absent")).prune().expect("nothing to prune"), 0);
    }

    /// `svg` drawn by resvg alone, every glyph filled from its outline.
    fn drawn_by_resvg(svg: &str) -> Vec<u8> {
        let tree = usvg::Tree::from_str(svg, &OPTIONS).expect("parsed");
        let mut pixmap = tiny_skia::Pixmap::new(WIDTH, HEIGHT).expect("a size");
        pixmap.fill(tiny_skia::Color::WHITE);
        resvg::render(&tree, tiny_skia::Transform::identity(), &mut pixmap.as_mut());
        rgb(pixmap.data())
    }

    /// How far two RGB images are apart: the mean difference of a channel,
    /// and the share of pixels that differ by more than a quarter.
    fn apart(a: &[u8], b: &[u8]) -> (f64, f64) {
        let total: u64 = a.iter().zip(b).map(|(x, y)| u64::from(x.abs_diff(*y))).sum();
        let far =
            a.chunks(3).zip(b.chunks(3)).filter(|(p, q)| p.iter().zip(*q).any(|(x, y)| x.abs_diff(*y) > 64)).count();
        (total as f64 / a.len() as f64, far as f64 / (a.len() / 3) as f64)
    }

    const TEXTS: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="630" viewBox="0 0 1200 630">
<rect width="1200" height="630" fill="#fdfcf8"/>
<g transform="translate(13.3 7.6)"><text font-family="Noto Serif" font-weight="700" font-size="40" fill="#1b1b1b"><tspan x="72" y="100">Two accounts of one call: “fi” — 30 April</tspan></text></g>
<text font-family="Noto Sans" font-size="27.5" fill="#cc79a7" fill-opacity="0.6"><tspan x="72.4" y="240.3">Marco Rubio · Jaishankar's post</tspan></text>
<text font-family="Noto Sans Devanagari" font-size="44" fill="#1f4e8c"><tspan x="72" y="400">पहलगाम आतंकी हमला</tspan></text>
<text font-family="Noto Sans" font-size="60" fill="#1b1b1b"><tspan x="1110" y="30">Edge</tspan><tspan x="-25" y="650">Edge</tspan></text>
</svg>"##;

    #[test]
    fn glyphs_laid_from_masks_look_as_resvg_draws_them() {
        let (_, ours) = decoded(&draw(TEXTS).expect("drawn"));
        assert!(glyphs::masks_kept() > 30, "the glyphs were not laid from masks");
        let theirs = drawn_by_resvg(TEXTS);
        let (mean, far) = apart(&ours, &theirs);
        assert!(mean < 0.5 && far < 0.002, "mean difference {mean:.3}, {:.3}% of pixels far apart", far * 100.0);
        // A glyph cut off at the right edge is cut, not carried onto the
        // next row's left end (where nothing else is drawn).
        for y in 0..40 {
            let row = &ours[3 * WIDTH as usize * y..][..3 * 60];
            assert!(row.chunks(3).all(|p| p == [0xfd, 0xfc, 0xf8]), "ink at the left end of row {y}");
        }
        // And the text is there at all: the two differ from a blank card.
        let blank = drawn_by_resvg(&TEXTS.replace("<text", "<text display=\"none\""));
        assert!(apart(&ours, &blank).0 > 2.0, "no text drawn");
    }

    #[test]
    fn text_that_is_not_plain_is_drawn_by_resvg() {
        for (what, svg) in [
            ("a stroke", TEXTS.replace("fill=\"#1f4e8c\"", "fill=\"none\" stroke=\"#1f4e8c\" stroke-width=\"2\"")),
            ("an underline", TEXTS.replace("fill=\"#1f4e8c\"", "fill=\"#1f4e8c\" text-decoration=\"underline\"")),
            ("a rotation", TEXTS.replace("translate(13.3 7.6)", "rotate(3)")),
            ("a gradient", TEXTS.replace("fill=\"#cc79a7\"", "fill=\"url(#g)\"").replace(
                "<rect",
                "<defs><linearGradient id=\"g\"><stop offset=\"0\" stop-color=\"red\"/><stop offset=\"1\" stop-color=\"blue\"/></linearGradient></defs><rect",
            )),
        ] {
            let (_, ours) = decoded(&draw(&svg).expect("drawn"));
            let (mean, far) = apart(&ours, &drawn_by_resvg(&svg));
            assert!(mean < 0.5 && far < 0.002, "{what}: mean difference {mean:.3}, {:.3}% far apart", far * 100.0);
        }
    }

    #[test]
    fn a_broken_svg_says_where_to_look() {
        let e = draw("<svg").expect_err("not an SVG");
        assert!(e.to_string().contains("card.svg"), "{e}");
    }
}
