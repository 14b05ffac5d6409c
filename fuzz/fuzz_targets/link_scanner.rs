//! The body scanner: wikilinks, relative `.md` links, headings, quotations.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use readout::diagnostic::{LineIndex, Position};

fuzz_target!(|text: &str| {
    let lines = LineIndex::new(text);
    let scan = readout::parse::markdown::scan(text, 0, &lines, Path::new("content/statements/x.md"));
    for link in &scan.links {
        // Every position is inside the text.
        assert!(link.pos.line >= 1 && link.pos.line <= text.lines().count().max(1) + 1);
        assert_eq!(lines.position(text.len()).line >= link.pos.line, true);
    }
    let _ = Position::of_offset(text, text.len() / 2);
});
