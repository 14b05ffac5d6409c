//! The words of a record as the index holds them, and their stems.
//!
//! A word is a run of letters, digits and combining marks (so that Hindi's
//! vowel signs stay inside their word); words joined by a hyphen or an
//! apostrophe (`de-escalate`, `Pakistan's`) are one compound, found as a
//! whole and by each part, all at one position. Words are lower-cased, and
//! `’` is read as `'`. `static/search.js` splits a reader's query by the
//! very same rules (`wordChar`, `words`), so the two must change together.

use std::borrow::Cow;

use pagefind_stem::{Algorithm, Stemmer};

/// Whether `c` is part of a word: a letter, a digit, or any other character
/// outside ASCII that is not a space, a punctuation mark or a symbol.
pub(super) fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    if c.is_alphanumeric() {
        return true;
    }
    let u = u32::from(c);
    let not_words: &[(u32, u32)] = &[
        (0x00A0, 0x00BF),   // Latin-1 spaces, signs and punctuation
        (0x00D7, 0x00D7),   // ×
        (0x00F7, 0x00F7),   // ÷
        (0x060C, 0x060C),   // Arabic comma
        (0x061F, 0x061F),   // Arabic question mark
        (0x06D4, 0x06D4),   // Arabic full stop
        (0x0964, 0x0965),   // Devanagari danda and double danda
        (0x2000, 0x2BFF),   // general punctuation, currency, arrows, mathematics, shapes
        (0x3000, 0x303F),   // CJK punctuation
        (0xFE30, 0xFE4F),   // CJK compatibility forms
        (0xFF00, 0xFF0F),   // full-width punctuation
        (0xFF1A, 0xFF20),   // full-width punctuation
        (0x1F000, 0x1FAFF), // emoji and pictographs
    ];
    !c.is_whitespace() && !not_words.iter().any(|&(from, to)| (from..=to).contains(&u))
}

/// What joins two words into a compound.
fn is_joiner(c: char) -> bool {
    matches!(c, '-' | '\'' | '’')
}

/// Calls `word(position, form)` for each word of `text`, in order: a
/// compound's whole form first, then each of its parts, at one position.
/// Returns how many positions the text has. (ASCII text, most of any
/// site's, is lower-cased at once and read byte by byte, its words handed
/// on as slices of it; other text a character at a time where it is not ASCII.)
pub(super) fn each_word(text: &str, word: impl FnMut(u32, &str)) -> u32 {
    if text.is_ascii() { each_ascii_word(&text.to_ascii_lowercase(), word) } else { each_word_of_any(text, word) }
}

/// Which bytes are ASCII letters and digits, looked up rather than compared three ways.
static ALNUM: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    table
};

/// [`each_word`] of lower-case ASCII text.
fn each_ascii_word(lower: &str, mut word: impl FnMut(u32, &str)) -> u32 {
    let bytes = lower.as_bytes();
    let run_end = |from: usize| {
        let mut end = from;
        while end < bytes.len() && ALNUM[usize::from(bytes[end])] {
            end += 1;
        }
        end
    };
    let mut position = 0;
    let mut at = 0;
    while at < bytes.len() {
        if !ALNUM[usize::from(bytes[at])] {
            at += 1;
            continue;
        }
        let mut end = run_end(at);
        let mut joined = false;
        while end + 1 < bytes.len() && matches!(bytes[end], b'-' | b'\'') && ALNUM[usize::from(bytes[end + 1])] {
            end = run_end(end + 1);
            joined = true;
        }
        let compound = &lower[at..end];
        word(position, compound);
        if joined {
            compound.split(['-', '\'']).for_each(|part| word(position, part));
        }
        position += 1;
        at = end;
    }
    position
}

/// [`each_word`] of any text.
fn each_word_of_any(text: &str, mut word: impl FnMut(u32, &str)) -> u32 {
    let bytes = text.as_bytes();
    let mut position = 0;
    let mut compound = String::new();
    let mut at = 0;
    while at < bytes.len() {
        let b = bytes[at];
        if b.is_ascii() {
            if !b.is_ascii_alphanumeric() {
                at += 1;
                continue;
            }
        } else {
            let c = char_at(text, at);
            if !is_word_char(c) {
                at += c.len_utf8();
                continue;
            }
        }
        let end = at + compound_end(&text[at..]);
        let written = &text[at..end];
        compound.clear();
        if written.is_ascii() {
            compound.push_str(written);
            compound.make_ascii_lowercase();
        } else {
            compound.push_str(&written.replace('’', "'").to_lowercase());
        }
        word(position, &compound);
        if compound.contains(is_joiner) {
            for part in compound.split(is_joiner) {
                word(position, part);
            }
        }
        position += 1;
        at = end;
    }
    position
}

/// The character at byte `at` of `text` (a character boundary).
fn char_at(text: &str, at: usize) -> char {
    text[at..].chars().next().unwrap_or_default()
}

/// Where the compound at the start of `text` ends (in bytes): word
/// characters, and a joiner between two of them.
fn compound_end(text: &str) -> usize {
    let bytes = text.as_bytes();
    let word_follows = |at: usize| text[at..].chars().next().is_some_and(is_word_char);
    let mut end = 0;
    let mut at = 0;
    while at < bytes.len() {
        let b = bytes[at];
        if b.is_ascii_alphanumeric() {
            at += 1;
            end = at;
        } else if b.is_ascii() {
            if !(matches!(b, b'-' | b'\'') && end == at && word_follows(at + 1)) {
                break;
            }
            at += 1;
        } else {
            let c = char_at(text, at);
            let next = at + c.len_utf8();
            if is_word_char(c) {
                end = next;
            } else if !(is_joiner(c) && end == at && word_follows(next)) {
                break;
            }
            at = next;
        }
    }
    end
}

/// The stemmer of a site's `language` (`en`, `hi`, `pt-BR`, …), where
/// there is one; words in other languages are indexed as they are.
pub(super) struct Stems(Option<Stemmer>);

impl Stems {
    pub(super) fn new(language: &str) -> Stems {
        Stems(algorithm(language).map(Stemmer::create))
    }

    /// The stem of `form`.
    pub(super) fn of<'a>(&self, form: &'a str) -> Cow<'a, str> {
        match &self.0 {
            Some(stemmer) => stemmer.stem(form),
            None => Cow::Borrowed(form),
        }
    }
}

/// The Snowball algorithm for an ISO 639-1 language code.
fn algorithm(language: &str) -> Option<Algorithm> {
    let code = language.split(['-', '_']).next().unwrap_or_default().to_lowercase();
    let table = [
        ("ar", Algorithm::Arabic),
        ("hy", Algorithm::Armenian),
        ("eu", Algorithm::Basque),
        ("ca", Algorithm::Catalan),
        ("da", Algorithm::Danish),
        ("nl", Algorithm::Dutch),
        ("en", Algorithm::English),
        ("eo", Algorithm::Esperanto),
        ("et", Algorithm::Estonian),
        ("fi", Algorithm::Finnish),
        ("fr", Algorithm::French),
        ("de", Algorithm::German),
        ("el", Algorithm::Greek),
        ("hi", Algorithm::Hindi),
        ("hu", Algorithm::Hungarian),
        ("id", Algorithm::Indonesian),
        ("ga", Algorithm::Irish),
        ("it", Algorithm::Italian),
        ("lt", Algorithm::Lithuanian),
        ("ne", Algorithm::Nepali),
        ("nb", Algorithm::Norwegian),
        ("nn", Algorithm::Norwegian),
        ("no", Algorithm::Norwegian),
        ("pl", Algorithm::Polish),
        ("pt", Algorithm::Portuguese),
        ("ro", Algorithm::Romanian),
        ("ru", Algorithm::Russian),
        ("sr", Algorithm::Serbian),
        ("es", Algorithm::Spanish),
        ("sv", Algorithm::Swedish),
        ("ta", Algorithm::Tamil),
        ("tr", Algorithm::Turkish),
        ("yi", Algorithm::Yiddish),
    ];
    table.into_iter().find(|(c, _)| *c == code).map(|(_, a)| a)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<(u32, String)> {
        let mut out = Vec::new();
        each_word(text, |p, w| out.push((p, w.to_string())));
        out
    }

    #[test]
    fn compounds_are_found_whole_and_by_their_parts_at_one_position() {
        let found = words("We urge them to de-escalate; Pakistan’s role.");
        let at = |p: u32| found.iter().filter(|(q, _)| *q == p).map(|(_, w)| w.as_str()).collect::<Vec<_>>();
        assert_eq!(at(4), ["de-escalate", "de", "escalate"]);
        assert_eq!(at(5), ["pakistan's", "pakistan", "s"]);
        assert_eq!(at(6), ["role"]);
        assert_eq!(words("a - b -c d-").iter().map(|(_, w)| w.as_str()).collect::<Vec<_>>(), ["a", "b", "c", "d"]);
    }

    #[test]
    fn hindi_words_keep_their_vowel_signs_and_the_danda_ends_them() {
        let found = words("भारत और पाकिस्तान। शांति");
        let forms: Vec<&str> = found.iter().map(|(_, w)| w.as_str()).collect();
        assert_eq!(forms, ["भारत", "और", "पाकिस्तान", "शांति"]);
    }

    /// The words of `text` by the rules as first written, one character at a time.
    fn words_by_chars(text: &str) -> Vec<(u32, String)> {
        let mut out = Vec::new();
        let mut position = 0;
        let mut rest = text;
        while let Some(start) = rest.find(is_word_char) {
            rest = &rest[start..];
            let mut end = 0;
            let mut chars = rest.char_indices().peekable();
            while let Some((i, c)) = chars.next() {
                if is_word_char(c) {
                    end = i + c.len_utf8();
                } else if is_joiner(c) && end == i && chars.peek().is_some_and(|&(_, next)| is_word_char(next)) {
                    continue;
                } else {
                    break;
                }
            }
            let compound = rest[..end].replace('’', "'").to_lowercase();
            out.push((position, compound.clone()));
            if compound.contains(is_joiner) {
                out.extend(compound.split(is_joiner).map(|part| (position, part.to_string())));
            }
            position += 1;
            rest = &rest[end..];
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn the_byte_reader_finds_the_words_the_character_rules_do(
            text in "([a-zA-Z0-9 .,;'’-]|é|ß|İ|भारत|ि|।|—|\u{00A0}|😀|\t|\n){0,40}"
        ) {
            proptest::prop_assert_eq!(words(&text), words_by_chars(&text));
        }
    }

    proptest::proptest! {
        #[test]
        fn ascii_text_is_read_as_the_character_rules_read_it(text in "[a-zA-Z0-9 .,;'-]{0,40}") {
            proptest::prop_assert_eq!(words(&text), words_by_chars(&text));
        }
    }

    #[test]
    fn english_stems_join_a_words_forms_and_unknown_languages_keep_them() {
        let en = Stems::new("en-GB");
        assert_eq!(en.of("tensions"), en.of("tension"));
        assert_eq!(Stems::new("xx").of("tensions"), "tensions");
        assert!(algorithm("hi").is_some());
    }
}
