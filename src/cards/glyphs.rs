//! A card's text drawn from glyphs rasterised once: each glyph of a face,
//! at one size and one of a few sub-pixel places, is filled into a small
//! coverage mask the first time a thread draws it and laid onto every
//! later card from there, where resvg would fill its outline again on
//! every card (two thirds of a card's time went into filling glyphs).
//!
//! A mask depends only on what it is made from (the glyph, its scale, its
//! place within a pixel), never on which cards came before, so a card's
//! pixels are the same whatever the cache holds. A glyph is placed within
//! an eighth of a pixel of where its outline would be; text that is not
//! plain (a stroke, a gradient, a decoration, rotated or skewed, set with
//! `text-rendering="optimizeSpeed"`) is left to resvg, as is everything
//! that is not text.

use std::cell::RefCell;
use std::sync::Arc;

use resvg::tiny_skia::{FillRule, Mask, PathBuilder, PixmapMut, Transform};
use resvg::usvg::{self, fontdb};
use rustc_hash::{FxHashMap, FxHashSet};
use skrifa::MetadataProvider;
use skrifa::outline::{DrawSettings, OutlinePen};

/// The places within a pixel a glyph is rasterised at, along each axis.
const PLACES: f32 = 4.0;

/// How many masks a thread keeps before it starts again (some 4,000 on a
/// site of Latin and Devanagari text at the default card's six sizes):
/// the bound on what a long `serve` holds, some tens of megabytes at most.
const MOST_MASKS: usize = 50_000;

/// What a mask is made from: the font, the glyph, the scale it is drawn
/// at and its place within a pixel (in quarters).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct GlyphKey {
    font: fontdb::ID,
    glyph: u32,
    scale: (u32, u32),
    place: (u8, u8),
}

/// A glyph's coverage (0–255 a pixel), `left`/`top` from the pixel its
/// origin falls in.
struct GlyphMask {
    left: i32,
    top: i32,
    width: usize,
    coverage: Vec<u8>,
}

thread_local! {
    static MASKS: RefCell<FxHashMap<GlyphKey, Option<GlyphMask>>> = RefCell::new(FxHashMap::default());
}

/// The fonts cards are drawn with, and which of them have no variation
/// axes (the weight usvg asks of every span then means nothing, and a
/// glyph's outline is the same at any): found once, when they are loaded.
pub(super) struct Faces {
    db: Arc<fontdb::Database>,
    without_axes: FxHashSet<fontdb::ID>,
}

impl Faces {
    pub(super) fn new(db: Arc<fontdb::Database>) -> Faces {
        let without_axes = db
            .faces()
            .filter(|face| {
                db.with_face_data(face.id, |data, index| {
                    skrifa::FontRef::from_index(data, index).is_ok_and(|f| f.axes().is_empty())
                }) == Some(true)
            })
            .map(|face| face.id)
            .collect();
        Faces { db, without_axes }
    }
}

/// Draws `text` onto `pixmap` under `transform` (the canvas's scale and
/// the text's parents'), or returns `false`, drawing nothing, when the
/// text is not one this module draws.
pub(super) fn draw_text(text: &usvg::Text, faces: &Faces, transform: Transform, pixmap: &mut PixmapMut) -> bool {
    let transform = transform.pre_concat(text.flattened().transform());
    let Some(spans) = plain_spans(text, faces, transform) else { return false };
    MASKS.with_borrow_mut(|masks| {
        if masks.len() > MOST_MASKS {
            masks.clear();
        }
        for (span, ink) in spans {
            for glyph in &span.positioned_glyphs {
                let ts = transform.pre_concat(glyph.outline_transform());
                let (ix, fx) = split(ts.tx);
                let (iy, fy) = split(ts.ty);
                let key = GlyphKey {
                    font: glyph.font,
                    glyph: glyph.id.0,
                    scale: (ts.sx.to_bits(), ts.sy.to_bits()),
                    place: (fx, fy),
                };
                let mask = masks.entry(key).or_insert_with(|| rasterise(&faces.db, &key));
                if let Some(mask) = mask {
                    lay(mask, ix, iy, ink, pixmap);
                }
            }
        }
    });
    true
}

/// The spans of `text` with the ink each is filled with, if every span is
/// plain: filled with one colour, no stroke, no decoration, set in fonts
/// without variation axes, and the whole text drawn unrotated, unskewed
/// and anti-aliased. (The bundled fonts are outline fonts without colour
/// glyphs, as every font a card can name is.)
fn plain_spans<'t>(
    text: &'t usvg::Text,
    faces: &Faces,
    transform: Transform,
) -> Option<Vec<(&'t usvg::layout::Span, Ink)>> {
    if transform.kx != 0.0 || transform.ky != 0.0 || text.rendering_mode() == usvg::TextRendering::OptimizeSpeed {
        return None;
    }
    let mut spans = Vec::with_capacity(text.layouted().len());
    for span in text.layouted() {
        let plain = span.stroke.is_none()
            && span.underline.is_none()
            && span.overline.is_none()
            && span.line_through.is_none()
            && span.positioned_glyphs.iter().all(|g| faces.without_axes.contains(&g.font));
        if !plain {
            return None;
        }
        if !span.visible {
            continue;
        }
        let Some(fill) = &span.fill else { continue };
        let usvg::Paint::Color(colour) = fill.paint() else { return None };
        spans.push((span, Ink { rgb: [colour.red, colour.green, colour.blue], opacity: fill.opacity().get() }));
    }
    Some(spans)
}

/// A colour and its opacity.
#[derive(Clone, Copy)]
struct Ink {
    rgb: [u8; 3],
    opacity: f32,
}

/// A coordinate as its whole pixel and its place within it, in quarters
/// (a place of four is the next pixel's first).
fn split(v: f32) -> (i32, u8) {
    let whole = v.floor();
    let place = ((v - whole) * PLACES).round();
    if place >= PLACES { (whole as i32 + 1, 0) } else { (whole as i32, place as u8) }
}

/// The mask of `key`'s glyph: its outline, from the font's own data,
/// filled as resvg fills a path. `None` for a glyph with no outline (a
/// space).
fn rasterise(fontdb: &fontdb::Database, key: &GlyphKey) -> Option<GlyphMask> {
    let outline = fontdb.with_face_data(key.font, |data, index| {
        let font = skrifa::FontRef::from_index(data, index).ok()?;
        let glyph = font.outline_glyphs().get(skrifa::GlyphId::new(key.glyph))?;
        let mut pen = Pen(PathBuilder::new());
        glyph
            .draw(
                DrawSettings::unhinted(skrifa::instance::Size::unscaled(), skrifa::instance::LocationRef::default()),
                &mut pen,
            )
            .ok()?;
        pen.0.finish()
    })??;
    let (sx, sy) = (f32::from_bits(key.scale.0), f32::from_bits(key.scale.1));
    let place = Transform::from_row(sx, 0.0, 0.0, sy, f32::from(key.place.0) / PLACES, f32::from(key.place.1) / PLACES);
    let bounds = outline.bounds().transform(place)?;
    let (left, top) = (bounds.left().floor() as i32 - 1, bounds.top().floor() as i32 - 1);
    let width = (bounds.right().ceil() as i32 + 1 - left) as u32;
    let height = (bounds.bottom().ceil() as i32 + 1 - top) as u32;
    let mut mask = Mask::new(width, height)?;
    mask.fill_path(&outline, FillRule::Winding, true, place.post_translate(-left as f32, -top as f32));
    Some(GlyphMask { left, top, width: width as usize, coverage: mask.data().to_vec() })
}

/// A pen that builds a tiny-skia path.
struct Pen(PathBuilder);

impl OutlinePen for Pen {
    fn move_to(&mut self, x: f32, y: f32) {
        self.0.move_to(x, y);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.0.line_to(x, y);
    }
    fn quad_to(&mut self, cx0: f32, cy0: f32, x: f32, y: f32) {
        self.0.quad_to(cx0, cy0, x, y);
    }
    fn curve_to(&mut self, cx0: f32, cy0: f32, cx1: f32, cy1: f32, x: f32, y: f32) {
        self.0.cubic_to(cx0, cy0, cx1, cy1, x, y);
    }
    fn close(&mut self) {
        self.0.close();
    }
}

/// `mask` laid in `ink` over the premultiplied pixels of `pixmap`, its
/// origin in pixel (`x`, `y`); what falls outside the pixmap is cut off.
fn lay(mask: &GlyphMask, x: i32, y: i32, ink: Ink, pixmap: &mut PixmapMut) {
    let (canvas_w, canvas_h) = (pixmap.width() as i32, pixmap.height() as i32);
    let (left, top) = (x + mask.left, y + mask.top);
    // The mask's columns that fall on the canvas, the same on every row.
    let first = (-left).clamp(0, mask.width as i32) as usize;
    let end = (canvas_w - left).clamp(0, mask.width as i32) as usize;
    if first >= end {
        return;
    }
    let opacity = (ink.opacity * 255.0).round() as u32;
    let data = pixmap.data_mut();
    for (row, coverage) in mask.coverage.chunks_exact(mask.width).enumerate() {
        let py = top + row as i32;
        if !(0..canvas_h).contains(&py) {
            continue;
        }
        let at = 4 * (py * canvas_w + left + first as i32) as usize;
        let pixels = data[at..at + 4 * (end - first)].chunks_exact_mut(4);
        for (pixel, &c) in pixels.zip(&coverage[first..end]) {
            let a = div255(u32::from(c) * opacity);
            match a {
                0 => {}
                // Inside the letter: the ink itself.
                255 => pixel.copy_from_slice(&[ink.rgb[0], ink.rgb[1], ink.rgb[2], 255]),
                _ => {
                    for (d, s) in pixel.iter_mut().zip(ink.rgb.iter().chain([&255])) {
                        *d = div255(u32::from(*s) * a + u32::from(*d) * (255 - a)) as u8;
                    }
                }
            }
        }
    }
}

/// `v / 255`, rounded, for `v` up to 255 × 255.
fn div255(v: u32) -> u32 {
    (v + 128 + ((v + 128) >> 8)) >> 8
}

/// How many glyph masks this thread keeps.
#[cfg(test)]
pub(super) fn masks_kept() -> usize {
    MASKS.with_borrow(FxHashMap::len)
}
