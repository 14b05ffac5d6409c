//! Analysis of wording, done at build time and without I/O: normalised text
//! matching (quotations, theme words), and the comparison of two statements'
//! words (shared phrases, each side's own key terms).

pub mod normalize;
pub mod themes;
pub mod wording;

use std::collections::HashSet;

/// English modal verbs, which the NLTK list leaves out but which carry no
/// meaning of their own when comparing wording.
const ENGLISH_MODALS: &[&str] = &[
    "must", "would", "could", "should", "shall", "may", "might", "will", "can",
];

/// The stop words of a site's language (`en`, `en-GB`, `fr`, …), English
/// when the language is unknown.
pub fn stop_words(language: &str) -> HashSet<&'static str> {
    let code = language
        .split(['-', '_'])
        .next()
        .unwrap_or("en")
        .to_ascii_lowercase();
    let (list, english) = match stop_words::lookup(&code) {
        Some(list) => (list, code == "en"),
        None => (stop_words::lookup("en").unwrap_or(&[]), true),
    };
    let mut words: HashSet<&'static str> = list.iter().copied().collect();
    if english {
        words.extend(ENGLISH_MODALS);
    }
    words
}
