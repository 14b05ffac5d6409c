//! The "How this page reads the words" page: what a reader is told of how
//! the comparisons pick shared wording and each side's own terms, with the
//! numbers the analysis uses and the site's own `[wording]` choices.

use tera::Value;

use super::context::map;
use crate::analysis::Language;
use crate::analysis::terms::{COMMON_VERB, MAX_TERMS};
use crate::config::WordingRules;

/// Where the page is, from the site's root; every comparison links to it.
pub(super) const METHOD_URL: &str = "how-we-read-the-words/";

/// What the page's template gets as `wording`.
pub(super) fn wording_context(rules: &WordingRules, language: &Language) -> Value {
    // Zipf 3.5 is 10^3.5 uses per billion words: one in 10^(9 - 3.5).
    let one_in = 10f64.powf(9.0 - f64::from(COMMON_VERB));
    let rounded = (one_in / 10_000.0).round() * 10_000.0;
    map([
        ("max_terms", MAX_TERMS.into()),
        ("common_verb_in", group_thousands(rounded as u64).into()),
        ("english", language.english.into()),
        ("keep", Value::from(rules.keep.clone())),
        ("drop", Value::from(rules.drop.clone())),
    ])
}

/// `300000` → `300,000`.
fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_are_grouped() {
        assert_eq!(super::group_thousands(320_000), "320,000");
        assert_eq!(super::group_thousands(999), "999");
    }
}
