//! A whole note: parse, then render its body to HTML.
#![no_main]

use std::path::Path;
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use readout::note::{Kind, Note};
use readout::render::markdown::{LinkResolver, to_html};

/// Every link names this actor, whose title must reach the HTML escaped.
struct Everything(Note);

impl LinkResolver for Everything {
    fn resolve(&self, slug: &str, _: Option<Kind>) -> Option<(&str, &str)> {
        (!slug.is_empty()).then_some(("actors/x/", &self.0.title))
    }
}

static EVERYTHING: LazyLock<Everything> = LazyLock::new(|| {
    let text = "+++\nname = \"<readout-title>\"\nkind = \"person\"\n+++\n";
    let path = Path::new("content/actors/x.md");
    Everything(readout::parse::parse_note(Kind::Actor, "x", path, text.into()).expect("the actor parses"))
});

fuzz_target!(|text: &str| {
    let path = Path::new("content/statements/x.md");
    if let Ok(note) = readout::parse::parse_note(Kind::Statement, "x", path, text.into()) {
        let html = to_html(note.body(), path, &note.headings, "../../", &*EVERYTHING);
        if !text.contains("readout-title") {
            assert!(!html.contains("<readout-title>"), "a title reached the HTML unescaped");
        }
    }
    let _ = to_html(text, path, &[], "../../", &*EVERYTHING);
});
