//! Themes: which of the site's themes a statement's own words touch, and
//! with which words.

use crate::analysis::normalize::{Normalized, normalize};
use crate::config::Theme;

/// A theme found in a text: the theme's index, the word that matched, and
/// where (original byte range).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThemeHit {
    pub theme: usize,
    pub term: String,
    pub start: usize,
    pub end: usize,
}

/// Every occurrence of every theme's words in `text`, in text order.
pub fn find_themes(themes: &[Theme], text: &str) -> Vec<ThemeHit> {
    if themes.is_empty() {
        return Vec::new();
    }
    let n = Normalized::new(text);
    let mut hits = Vec::new();
    for (index, theme) in themes.iter().enumerate() {
        for term in &theme.terms {
            for (start, end) in n.find_words(&normalize(term), text) {
                hits.push(ThemeHit { theme: index, term: text[start..end].to_string(), start, end });
            }
        }
    }
    hits.sort_by_key(|h| (h.start, std::cmp::Reverse(h.end), h.theme));
    // Overlaps (e.g. "peace" inside "peace and security") keep the longer match.
    let mut kept: Vec<ThemeHit> = Vec::with_capacity(hits.len());
    for h in hits {
        if kept.last().is_some_and(|k| h.start < k.end) {
            continue;
        }
        kept.push(h);
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn theme(name: &str, terms: &[&str]) -> Theme {
        Theme { name: name.into(), terms: terms.iter().map(|t| t.to_string()).collect() }
    }

    #[test]
    fn finds_terms_by_whole_words() {
        let themes = [theme("de-escalation", &["de-escalate"]), theme("terrorism", &["terror", "terrorist"])];
        let hits = find_themes(&themes, "Discussed the Pahalgam terrorist attack; we must de-escalate tensions");
        let found: Vec<_> = hits.iter().map(|h| (h.theme, h.term.as_str())).collect();
        assert_eq!(found, [(1, "terrorist"), (0, "de-escalate")]);
    }

    #[test]
    fn longer_terms_win_over_words_inside_them() {
        let themes = [theme("peace", &["peace"]), theme("security", &["peace and security"])];
        let hits = find_themes(&themes, "maintain peace and security");
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].term, "peace and security");
    }
}
