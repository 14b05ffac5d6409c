//! Normalised matching of quotations and theme words in a source.
#![no_main]

use libfuzzer_sys::fuzz_target;
use readout::analysis::normalize::{Normalized, normalize};

fuzz_target!(|input: (&str, &str)| {
    let (source, quote) = input;
    let n = Normalized::new(source);
    let wanted = normalize(quote);
    for (start, end) in n.find_words(&wanted, source) {
        // Ranges map back onto char boundaries of the original.
        assert!(start <= end && end <= source.len());
        assert!(source.is_char_boundary(start) && source.is_char_boundary(end));
    }
    let language = readout::analysis::Language::new("en");
    let w = readout::analysis::wording::compare(&[source.to_string()], &[quote.to_string()], &language);
    for m in w.left_marks {
        assert!(source.is_char_boundary(m.start) && source.is_char_boundary(m.end));
    }
});
