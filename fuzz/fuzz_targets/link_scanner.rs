//! The body scanner: wikilinks, relative `.md` links, headings, quotations,
//! and the body's HTML with its links left as holes.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use readout::diagnostic::{LineIndex, Position};

fuzz_target!(|text: &str| {
    let lines = LineIndex::new(text);
    let scan = readout::parse::markdown::scan(text, 0, &lines, Path::new("content/statements/x.md"), true);
    for link in &scan.links {
        // Every position is inside the text.
        assert!(link.pos.line >= 1 && link.pos.line <= text.lines().count().max(1) + 1);
        assert_eq!(lines.position(text.len()).line >= link.pos.line, true);
    }
    if let Some(prepared) = &scan.html {
        // Holes in order, inside the HTML, each naming one of the links.
        assert!(prepared.holes.windows(2).all(|w| w[0].at <= w[1].at));
        assert!(prepared.holes.iter().all(|h| h.at <= prepared.html.len() && h.link < scan.links.len()));
        assert!(prepared.holes.iter().all(|h| prepared.html.is_char_boundary(h.at)));
    }
    let _ = Position::of_offset(text, text.len() / 2);
});
