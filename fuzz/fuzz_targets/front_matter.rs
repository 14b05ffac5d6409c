//! Front-matter splitting and TOML/YAML parsing, then typed field reading.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use readout::note::Kind;

fuzz_target!(|text: &str| {
    let _ = readout::parse::frontmatter::parse(Path::new("x.md"), text);
    for kind in Kind::ALL {
        let _ = readout::parse::parse_note(kind, "x", Path::new("content/x/x.md"), text.into());
    }
    let _ = readout::SiteConfig::parse(Path::new("site.toml"), text);
});
