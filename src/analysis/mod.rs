//! Analysis of wording, done at build time and without I/O: normalised text
//! matching (quotations, theme words), and the comparison of two statements'
//! words (shared phrases, each side's own key terms).

pub mod normalize;
pub mod themes;
pub mod wording;

use std::collections::HashSet;

/// English modal verbs, which the NLTK list leaves out but which carry no
/// meaning of their own when comparing wording.
const ENGLISH_MODALS: &[&str] = &["must", "would", "could", "should", "shall", "may", "might", "will", "can"];

/// What wording comparison needs to know of a language: its stop words
/// and, where one exists, its stemmer ("tensions" and "tension" are one word).
pub struct Language {
    pub stops: HashSet<&'static str>,
    stemmer: Option<rust_stemmers::Stemmer>,
}

impl Language {
    /// The language of a site's `language` setting (`en`, `en-GB`, `fr`, …).
    pub fn new(code: &str) -> Self {
        use rust_stemmers::{Algorithm, Stemmer};
        let short = code.split(['-', '_']).next().unwrap_or("en").to_ascii_lowercase();
        let algorithm = match short.as_str() {
            "en" => Some(Algorithm::English),
            "fr" => Some(Algorithm::French),
            "de" => Some(Algorithm::German),
            "es" => Some(Algorithm::Spanish),
            "it" => Some(Algorithm::Italian),
            "pt" => Some(Algorithm::Portuguese),
            "nl" => Some(Algorithm::Dutch),
            "ru" => Some(Algorithm::Russian),
            "sv" => Some(Algorithm::Swedish),
            "tr" => Some(Algorithm::Turkish),
            "ar" => Some(Algorithm::Arabic),
            _ => None,
        };
        Language { stops: stop_words(code), stemmer: algorithm.map(Stemmer::create) }
    }

    /// The form a normalised word is compared by.
    pub fn stem(&self, word: &str) -> String {
        match &self.stemmer {
            Some(s) => s.stem(word).into_owned(),
            None => word.to_string(),
        }
    }
}

/// The stop words of a site's language (`en`, `en-GB`, `fr`, …), English
/// when the language is unknown.
pub fn stop_words(language: &str) -> HashSet<&'static str> {
    let code = language.split(['-', '_']).next().unwrap_or("en").to_ascii_lowercase();
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
