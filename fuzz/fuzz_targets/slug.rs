//! Slug validation and suggestion: a suggestion is always a valid slug.
#![no_main]

use libfuzzer_sys::fuzz_target;
use readout::parse::slug::{check_slug_syntax, heading_id};

fuzz_target!(|text: &str| {
    if let Err(suggestion) = check_slug_syntax(text) {
        assert_eq!(check_slug_syntax(&suggestion), Ok(()), "{text:?} → {suggestion:?}");
    }
    let _ = heading_id(text);
});
