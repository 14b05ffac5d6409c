//! A statement's own words in a line: its first quotation (its first
//! blockquote), cut at a word boundary, for the lists that name the
//! statement (an actor's "said" list).

use crate::analysis::normalize::normalize_space;

/// How many characters of the words a list shows at most.
pub(super) const EXCERPT_CHARS: usize = 160;

/// A statement's first own words, on one line and at most
/// [`EXCERPT_CHARS`] long, cut after a whole word with "…".
pub(super) fn first_words(words: Option<&str>) -> Option<String> {
    let line = normalize_space(words?);
    let line = line.trim();
    (!line.is_empty()).then(|| cut(line, EXCERPT_CHARS))
}

/// `text` cut to at most `max` characters at a word boundary, "…" added
/// when anything was cut (punctuation before the cut left out).
fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let end = text.char_indices().nth(max).map_or(text.len(), |(i, _)| i);
    let head = &text[..end];
    // Cut where a word ends: before the last space (or at the space right after).
    let at = if text[end..].starts_with(' ') { end } else { head.rfind(' ').unwrap_or(end) };
    let kept =
        text[..at].trim_end_matches(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':' | '–' | '—' | '-'));
    format!("{kept}…")
}

#[cfg(test)]
mod tests {
    use super::cut;

    #[test]
    fn words_are_cut_whole() {
        assert_eq!(cut("short words", 40), "short words");
        assert_eq!(cut("work with India to de-escalate tensions", 22), "work with India to…");
        assert_eq!(cut("peace and security, in South Asia", 19), "peace and security…");
        assert_eq!(cut("भारत और पाकिस्तान के बीच", 10), "भारत और…");
    }
}
