//! A card's words laid out in lines before the SVG is made: SVG text does
//! not wrap, so each line is measured here with the bundled fonts' own
//! advance widths and cut where a word ends.
//!
//! A width is the sum of the characters' advances (a Devanagari cluster
//! that shapes narrower than its letters only makes the measure safe), so
//! a line laid out here never runs past the width it was given. Words
//! that do not fit in the lines allowed are left out whole and the last
//! line ends with "…"; only a single word wider than a whole line is cut
//! inside, as nothing else could show it.

use std::sync::LazyLock;

use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

use super::fonts;

/// The faces cards set text in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Face {
    Serif,
    SerifBold,
    Sans,
    SansBold,
}

/// One face's advances, in ems.
struct Metrics {
    /// Characters below U+0180, looked up at once.
    latin: Vec<f32>,
    /// The Latin face and the Devanagari one of the same weight.
    faces: [FontRef<'static>; 2],
}

/// How many characters each face's quick table holds.
const LATIN: usize = 0x180;

/// The advance of a character no bundled font has (what usvg draws in its
/// place is about this wide).
const MISSING: f32 = 0.7;

impl Metrics {
    fn new(latin: &'static [u8], devanagari: &'static [u8]) -> Metrics {
        let faces = [FontRef::new(latin).expect("bundled font"), FontRef::new(devanagari).expect("bundled font")];
        let mut m = Metrics { latin: Vec::new(), faces };
        m.latin = (0..LATIN as u32).map(|c| char::from_u32(c).map_or(MISSING, |c| m.lookup(c))).collect();
        m
    }

    /// A character's advance from the first face that has it.
    fn lookup(&self, c: char) -> f32 {
        for face in &self.faces {
            if let Some(glyph) = face.charmap().map(c) {
                let upem = f32::from(face.metrics(Size::unscaled(), LocationRef::default()).units_per_em);
                let metrics = face.glyph_metrics(Size::unscaled(), LocationRef::default());
                return metrics.advance_width(glyph).unwrap_or(0.0) / upem;
            }
        }
        if c.is_control() || matches!(c, '\u{200b}'..='\u{200d}') { 0.0 } else { MISSING }
    }

    fn advance(&self, c: char) -> f32 {
        self.latin.get(c as usize).copied().unwrap_or_else(|| self.lookup(c))
    }
}

static METRICS: LazyLock<[Metrics; 4]> = LazyLock::new(|| {
    [
        Metrics::new(fonts::SERIF, fonts::DEVANAGARI),
        Metrics::new(fonts::SERIF_BOLD, fonts::DEVANAGARI_BOLD),
        Metrics::new(fonts::SANS, fonts::DEVANAGARI),
        Metrics::new(fonts::SANS_BOLD, fonts::DEVANAGARI_BOLD),
    ]
});

/// How text is set: its face, its size in pixels, and how wide a line may be.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub face: Face,
    pub size: f32,
    pub width: f32,
}

impl Style {
    /// The width of `text` set in this style, in pixels.
    pub fn measure(&self, text: &str) -> f32 {
        self.ems_after(0.0, text) * self.size
    }

    /// A width of `ems` (unscaled) with `text`'s advances added, one
    /// character after another: the sum `measure` makes of the whole.
    fn ems_after(&self, ems: f32, text: &str) -> f32 {
        let m = &METRICS[self.face as usize];
        text.chars().fold(ems, |sum, c| sum + m.advance(c))
    }

    fn fits(&self, text: &str) -> bool {
        self.measure(text) <= self.width
    }
}

/// `text` in at most `max` lines of `style`: words whole, the last line
/// ending in "…" when words were left out. `quoted` puts the text in
/// quotation marks (“ and ”, the closing one after the "…").
pub fn lines(text: &str, style: Style, max: usize, quoted: bool) -> Vec<String> {
    let mut words: Vec<String> = text.split_whitespace().map(str::to_string).collect();
    if words.is_empty() || max == 0 {
        return Vec::new();
    }
    if quoted {
        words[0].insert(0, '“');
        if let Some(last) = words.last_mut() {
            last.push('”');
        }
    }
    let mut out: Vec<String> = Vec::new();
    let mut rest = words.iter().map(String::as_str).peekable();
    while out.len() < max {
        let Some(first) = rest.next() else { break };
        if !style.fits(first) {
            // Nothing after a word cut inside it could be read as what follows.
            out.push(cut_word(first, style));
            return out;
        }
        // The line's width grows a word at a time (no line measured again).
        let mut line = first.to_string();
        let mut ems = style.ems_after(0.0, first);
        while let Some(next) = rest.peek() {
            let longer = style.ems_after(style.ems_after(ems, " "), next);
            if longer * style.size > style.width {
                break;
            }
            line.push(' ');
            line.push_str(next);
            ems = longer;
            rest.next();
        }
        out.push(line);
    }
    if rest.peek().is_some()
        && let Some(last) = out.pop()
    {
        out.push(ended(&last, style, quoted));
    }
    out
}

/// A last line with words after it: words taken off its end until it
/// fits with "…" (and the closing mark) after it.
fn ended(line: &str, style: Style, quoted: bool) -> String {
    let tail = if quoted { "…”" } else { "…" };
    let mut words: Vec<&str> = line.split(' ').collect();
    loop {
        let kept = words.join(" ");
        let kept = kept.trim_end_matches([',', ';', ':', '–', '—', '-', '.', '”']);
        let candidate = format!("{kept}{tail}");
        if style.fits(&candidate) || words.len() == 1 {
            return if style.fits(&candidate) { candidate } else { cut_word(&candidate, style) };
        }
        words.pop();
    }
}

/// A word wider than a whole line, cut inside (at a character) with "…".
fn cut_word(word: &str, style: Style) -> String {
    let mut kept = String::new();
    for c in word.chars() {
        let next = format!("{kept}{c}…");
        if !style.fits(&next) {
            break;
        }
        kept.push(c);
    }
    kept.push('…');
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    const WORDS: Style = Style { face: Face::Serif, size: 30.0, width: 300.0 };

    #[test]
    fn a_long_quotation_is_cut_where_a_word_ends() {
        let text = "We will work with India to bring the perpetrators of this heinous attack to justice, \
                    and we urge Pakistan to cooperate fully with the investigation into it.";
        let lines = lines(text, WORDS, 3, true);
        assert_eq!(lines.len(), 3, "{lines:?}");
        let last = lines.last().expect("three lines");
        assert!(last.ends_with("…”"), "{last}");
        let shown = lines.join(" ");
        let shown = shown.trim_start_matches('“').trim_end_matches("…”");
        assert!(text.starts_with(shown), "{shown:?} is not the start of the text");
        let next = text[shown.len()..].chars().next();
        assert!(next.is_none_or(|c| c == ' ' || c.is_ascii_punctuation()), "cut inside a word: {shown:?}");
        for line in &lines {
            assert!(WORDS.measure(line) <= WORDS.width, "{line} overflows");
        }
    }

    #[test]
    fn text_that_fits_is_kept_whole() {
        assert_eq!(lines("short words", WORDS, 2, false), ["short words"]);
        assert_eq!(lines("short words", WORDS, 2, true), ["“short words”"]);
    }

    #[test]
    fn devanagari_is_measured_by_its_own_font() {
        let style = Style { face: Face::SerifBold, size: 40.0, width: 1000.0 };
        let hindi = style.measure("भारत और पाकिस्तान");
        assert!(hindi > 200.0 && hindi < 600.0, "{hindi}");
        let lines = lines("भारत और पाकिस्तान के बीच बातचीत फिर से शुरू होगी", Style { width: 300.0, ..style }, 2, false);
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(lines[1].ends_with('…'), "{lines:?}");
    }

    #[test]
    fn a_word_wider_than_a_line_is_cut_inside_it() {
        let narrow = Style { width: 120.0, ..WORDS };
        let lines = lines("https://example.org/a-very-long-address-indeed", narrow, 1, false);
        assert!(lines[0].ends_with('…') && narrow.measure(&lines[0]) <= 120.0, "{lines:?}");
    }
}
