//! Analysis of wording, done at build time and without I/O: normalised text
//! matching (quotations, theme words), and the comparison of two statements'
//! words (shared phrases, each side's own key terms).

pub mod lexicon;
pub mod normalize;
pub mod terms;
pub mod themes;
pub mod tokens;
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
    /// Whether the site writes English, for which readout knows how common
    /// each word is and what it can be ([`lexicon`]).
    pub english: bool,
    /// The site's own words to keep and to drop (`[wording]`).
    pub rules: WordRules,
}

/// The words and phrases a site keeps among its terms or drops from them
/// (`[wording] keep = […]`, `drop = […]`), each as its words' stems.
#[derive(Debug, Clone, Default)]
pub struct WordRules {
    keep: Vec<Vec<String>>,
    drop: Vec<Vec<String>>,
}

impl WordRules {
    /// Whether the site keeps this one word (a stem).
    pub fn keeps_word(&self, stem: &str) -> bool {
        self.keep.iter().any(|k| k.len() == 1 && k[0] == stem)
    }

    /// Whether the site drops this one word (a stem).
    pub fn drops(&self, stem: &str) -> bool {
        self.drop.iter().any(|k| k.len() == 1 && k[0] == stem)
    }

    /// Every phrase (and word) the site keeps, as stems.
    pub fn keep_phrases(&self) -> impl Iterator<Item = &[String]> {
        self.keep.iter().map(Vec::as_slice).filter(|k| !k.is_empty())
    }

    /// Whether the site drops this phrase, given as stems.
    pub fn drops_phrase(&self, stems: &[String]) -> bool {
        self.drop.iter().any(|d| d.as_slice() == stems)
    }
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
        Language {
            stops: stop_words(code),
            stemmer: algorithm.map(Stemmer::create),
            english: short == "en",
            rules: WordRules::default(),
        }
    }

    /// The language of a site: its `language`, and its `[wording]` rules.
    pub fn for_site(config: &crate::config::SiteConfig) -> Self {
        let mut language = Language::new(&config.language);
        language.rules =
            WordRules { keep: language.stems(&config.wording.keep), drop: language.stems(&config.wording.drop) };
        language
    }

    /// Each phrase as the stems of its words.
    pub fn stems(&self, phrases: &[String]) -> Vec<Vec<String>> {
        phrases
            .iter()
            .map(|p| tokens::tokenize(std::slice::from_ref(p)).iter().map(|t| self.stem(&t.plain)).collect())
            .collect()
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
