//! A statement's own words in a line: its first quotation (its first
//! blockquote), cut at a word boundary, for the lists that name the
//! statement (an actor's "said" list).

use crate::analysis::normalize::normalize_space;
use crate::note::Note;

/// How many characters of the words a list shows at most.
pub const EXCERPT_CHARS: usize = 160;

/// The first of the note's own words (its first blockquote), on one line
/// and at most [`EXCERPT_CHARS`] long, cut after a whole word with "…".
pub fn first_words(note: &Note) -> Option<String> {
    let words = note.quotations.iter().find(|q| q.block)?;
    let line = normalize_space(&words.text);
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
