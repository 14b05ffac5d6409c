//! A whole note: parse, then render its body to HTML.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use readout::note::Kind;
use readout::render::markdown::{LinkResolver, to_html};

struct Everything;

impl LinkResolver for Everything {
    fn resolve(&self, slug: &str, _: Option<Kind>) -> Option<(String, String)> {
        (!slug.is_empty()).then(|| (format!("actors/{slug}/"), format!("<readout-title>{slug}")))
    }
}

fuzz_target!(|text: &str| {
    let path = Path::new("content/statements/x.md");
    if let Ok(note) = readout::parse::parse_note(Kind::Statement, "x", path, text.into()) {
        let html = to_html(note.body(), path, &note.headings, "../../", &Everything);
        if !text.contains("readout-title") {
            assert!(!html.contains("<readout-title>"), "a title reached the HTML unescaped");
        }
    }
    let _ = to_html(text, path, &[], "../../", &Everything);
});
