//! Normalised text: lowercase, straight quotes and apostrophes, one kind of
//! dash, single spaces — with a map back to the original, so that a match
//! in the normalised text can be marked in the original.

/// A normalised copy of a text and where each of its bytes came from.
#[derive(Debug, Clone)]
pub struct Normalized {
    pub text: String,
    /// For each byte of `text`, the byte of the original it came from.
    origin: Vec<usize>,
    original_len: usize,
}

fn fold(c: char) -> Option<char> {
    Some(match c {
        '“' | '”' | '„' | '″' | '«' | '»' => '"',
        '‘' | '’' | '′' => '\'',
        '–' | '—' | '‑' | '‐' => '-',
        _ => return None,
    })
}

impl Normalized {
    pub fn new(original: &str) -> Self {
        let mut text = String::with_capacity(original.len());
        let mut origin = Vec::with_capacity(original.len());
        fold_into(original, &mut text, Some(&mut origin));
        Normalized { text, origin, original_len: original.len() }
    }

    /// The original byte range of normalised range `start..end`.
    pub fn original_range(&self, start: usize, end: usize, original: &str) -> (usize, usize) {
        let from = self.origin.get(start).copied().unwrap_or(self.original_len);
        let to = if end == 0 {
            from
        } else {
            let last = self.origin.get(end - 1).copied().unwrap_or(self.original_len);
            // The end of the original char that the last byte came from.
            last + original[last..].chars().next().map_or(0, char::len_utf8)
        };
        (from, to.max(from))
    }

    /// Every match of `needle` (already normalised) at word boundaries, as
    /// original byte ranges.
    pub fn find_words(&self, needle: &str, original: &str) -> Vec<(usize, usize)> {
        self.find_words_by(needle, original, |haystack| haystack.find(needle))
    }

    /// [`find_words`](Self::find_words) with a [`Needle`] made once (for
    /// a passage looked for in many texts).
    pub fn find_words_with(&self, needle: &Needle, original: &str) -> Vec<(usize, usize)> {
        self.find_words_by(needle.as_str(), original, |haystack| needle.find(haystack))
    }

    fn find_words_by(&self, needle: &str, original: &str, find: impl Fn(&str) -> Option<usize>) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        if needle.is_empty() {
            return out;
        }
        let is_word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
        let mut from = 0;
        while let Some(at) = find(&self.text[from..]) {
            let start = from + at;
            let end = start + needle.len();
            let before = self.text[..start].chars().next_back();
            let after = self.text[end..].chars().next();
            let starts_word = !is_word(needle.chars().next()) || !is_word(before);
            let ends_word = !is_word(needle.chars().next_back()) || !is_word(after);
            if starts_word && ends_word {
                out.push(self.original_range(start, end, original));
            }
            from = start + needle.chars().next().map_or(1, char::len_utf8);
        }
        out
    }
}

/// A normalised passage to look for. The searcher is made for the
/// passage's first bytes only — making one for a whole passage costs more
/// than most searches, and most passages are looked for in one or a few
/// texts — and each place those bytes stand is checked for the rest.
pub struct Needle {
    whole: String,
    head: memchr::memmem::Finder<'static>,
}

impl Needle {
    /// How many bytes of the passage the searcher is made for.
    const HEAD: usize = 16;

    pub fn new(whole: impl Into<String>) -> Self {
        let whole = whole.into();
        let head = memchr::memmem::Finder::new(&whole.as_bytes()[..whole.len().min(Self::HEAD)]).into_owned();
        Needle { whole, head }
    }

    pub fn as_str(&self) -> &str {
        &self.whole
    }

    /// The byte offset of the passage's first place in `text`.
    pub fn find(&self, text: &str) -> Option<usize> {
        let bytes = text.as_bytes();
        self.head.find_iter(bytes).find(|&at| bytes[at..].starts_with(self.whole.as_bytes()))
    }

    pub fn is_in(&self, text: &str) -> bool {
        self.find(text).is_some()
    }
}

/// `text` with its runs of white space collapsed to one space, and none at
/// either end (case and punctuation as they are).
pub fn normalize_space(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    if text.is_ascii() {
        collapse_ascii_into(text, &mut out, None);
        return out;
    }
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Appends `piece` to `out` with its white space collapsed as
/// [`normalize_space`] does, so that text put together piece by piece
/// and then [`end_spaced`] equals `normalize_space` of the pieces joined,
/// without a second copy of the whole. `out` must be made by these two
/// alone.
pub fn push_spaced(out: &mut String, piece: &str) {
    let space = |out: &mut String| {
        if !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
    };
    let inner = piece.trim();
    if inner.is_empty() {
        if !piece.is_empty() {
            space(out);
        }
        return;
    }
    if piece.starts_with(char::is_whitespace) {
        space(out);
    }
    if single_spaced_ascii(inner) {
        out.push_str(inner);
    } else {
        for (i, word) in inner.split_whitespace().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(word);
        }
    }
    if piece.ends_with(char::is_whitespace) {
        space(out);
    }
}

/// Ends text made by [`push_spaced`]: no space at its end.
pub fn end_spaced(out: &mut String) {
    if out.ends_with(' ') {
        out.pop();
    }
}

/// The normalised form of `text`.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    fold_into(text, &mut out, None);
    out
}

/// Appends the normalised form of `original` to `text` and, when asked,
/// the original byte of each byte appended to `origin`.
fn fold_into(original: &str, text: &mut String, origin: Option<&mut Vec<usize>>) {
    if original.is_ascii() {
        fold_ascii_into(original, text, origin);
    } else {
        fold_chars_into(original, text, origin);
    }
}

/// The byte ranges of the words of ASCII `text`: the runs between the
/// characters `char::is_whitespace` takes for space (vertical tab too).
fn ascii_words(text: &str) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    let is_space = |b: &u8| b.is_ascii_whitespace() || *b == 0x0B;
    let bytes = text.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        let start = at + bytes[at..].iter().position(|b| !is_space(b))?;
        let end = bytes[start..].iter().position(is_space).map_or(bytes.len(), |n| start + n);
        at = end;
        Some(start..end)
    })
}

/// Whether `text` is ASCII with its words already one space apart: no
/// other white space, no space at either end, no two spaces together.
/// Most sentences are; collapsing their space changes nothing.
fn single_spaced_ascii(text: &str) -> bool {
    let bytes = text.as_bytes();
    // No early exit: the loop is one vector pass.
    let odd = bytes.iter().fold(false, |odd, &b| odd | (b >= 0x80) | (b.wrapping_sub(0x09) < 5));
    !odd && bytes.first() != Some(&b' ') && bytes.last() != Some(&b' ') && memchr::memmem::find(bytes, b"  ").is_none()
}

/// Appends ASCII `original` to `text` with its white space collapsed, a
/// word at a time (the whole text when it is single-spaced already), and
/// when asked the original byte of each byte appended: a space comes from
/// the first space after the word before it.
fn collapse_ascii_into(original: &str, text: &mut String, mut origin: Option<&mut Vec<usize>>) {
    if single_spaced_ascii(original) {
        text.push_str(original);
        if let Some(o) = origin {
            o.extend(0..original.len());
        }
        return;
    }
    let mut after_word = None;
    for word in ascii_words(original) {
        if let Some(space) = after_word {
            text.push(' ');
            if let Some(o) = origin.as_deref_mut() {
                o.push(space);
            }
        }
        text.push_str(&original[word.clone()]);
        if let Some(o) = origin.as_deref_mut() {
            o.extend(word.clone());
        }
        after_word = Some(word.end);
    }
}

/// [`fold_into`] for ASCII text: its space collapsed, then lowercased.
fn fold_ascii_into(original: &str, text: &mut String, origin: Option<&mut Vec<usize>>) {
    let from = text.len();
    collapse_ascii_into(original, text, origin);
    text[from..].make_ascii_lowercase();
}

/// [`fold_into`] a character at a time.
fn fold_chars_into(original: &str, text: &mut String, mut origin: Option<&mut Vec<usize>>) {
    let mut last_space = true;
    for (i, c) in original.char_indices() {
        if c.is_whitespace() {
            if !last_space {
                text.push(' ');
                if let Some(o) = origin.as_deref_mut() {
                    o.push(i);
                }
                last_space = true;
            }
            continue;
        }
        last_space = false;
        // Most text is ASCII: one byte in, one byte out.
        if c.is_ascii() {
            text.push(c.to_ascii_lowercase());
            if let Some(o) = origin.as_deref_mut() {
                o.push(i);
            }
            continue;
        }
        let before = text.len();
        match fold(c) {
            Some(f) => text.push(f),
            None => text.extend(c.to_lowercase()),
        }
        if let Some(o) = origin.as_deref_mut() {
            o.extend(std::iter::repeat_n(i, text.len() - before));
        }
    }
    if text.ends_with(' ') {
        text.pop();
        if let Some(o) = origin {
            o.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_quotes_case_and_space() {
        assert_eq!(normalize("  India’s  “Right”\n to—act "), "india's \"right\" to-act");
    }

    #[test]
    fn maps_matches_back_to_the_original() {
        let original = "We said “De-escalate  tensions” now";
        let n = Normalized::new(original);
        let found = n.find_words("de-escalate tensions", original);
        assert_eq!(found.len(), 1);
        let (s, e) = found[0];
        assert_eq!(&original[s..e], "De-escalate  tensions");
    }

    proptest::proptest! {
        #[test]
        fn text_spaced_piece_by_piece_is_the_pieces_joined_and_spaced(
            pieces in proptest::collection::vec("[ ab.\t\n\u{a0}é\u{2003}]{0,6}", 0..8)
        ) {
            let mut out = String::new();
            pieces.iter().for_each(|p| push_spaced(&mut out, p));
            end_spaced(&mut out);
            proptest::prop_assert_eq!(out, normalize_space(&pieces.concat()));
        }

        /// Searching by the first bytes and checking the rest finds the
        /// place a whole-passage search finds (a short alphabet: many near misses).
        #[test]
        fn a_needle_is_found_where_a_whole_search_finds_it(
            text in "[ab ]{0,80}",
            start in 0..80usize,
            len in 0..40usize,
            changed in proptest::option::of(0..40usize),
        ) {
            // A piece of the text, or a piece with one byte changed: found, or nearly.
            let start = start.min(text.len());
            let mut wanted = text.as_bytes()[start..(start + len).min(text.len())].to_vec();
            if let Some(at) = changed.filter(|&at| at < wanted.len()) {
                wanted[at] = if wanted[at] == b'a' { b'b' } else { b'a' };
            }
            let wanted = String::from_utf8(wanted).expect("ASCII");
            let whole = memchr::memmem::find(text.as_bytes(), wanted.as_bytes());
            proptest::prop_assert_eq!(Needle::new(wanted.as_str()).find(&text), whole);
        }

        /// Word by word in ASCII text is what splitting at any white space gives.
        #[test]
        fn ascii_space_is_collapsed_as_any_white_space_is(
            s in proptest::prop_oneof!["[ ab.\t\n\r\x0b\x0c]{0,40}", "[ab.]{1,4}( [ab.]{1,4}){0,8}"],
        ) {
            proptest::prop_assert_eq!(normalize_space(&s), s.split_whitespace().collect::<Vec<_>>().join(" "));
        }

        /// Word by word in ASCII text is character by character.
        #[test]
        fn ascii_text_folds_as_it_does_char_by_char(
            s in proptest::prop_oneof!["[ a-zA-Z.\t\n\r\x0b\x0c]{0,40}", "[a-zA-Z.]{1,4}( [a-zA-Z.]{1,4}){0,8}"],
        ) {
            let (mut fast, mut fast_origin) = (String::new(), Vec::new());
            fold_ascii_into(&s, &mut fast, Some(&mut fast_origin));
            let (mut slow, mut slow_origin) = (String::new(), Vec::new());
            fold_chars_into(&s, &mut slow, Some(&mut slow_origin));
            proptest::prop_assert_eq!(fast, slow);
            proptest::prop_assert_eq!(fast_origin, slow_origin);
        }

        #[test]
        fn text_alone_and_with_origins_agree(s in "[ a-zA-Z’“”—\u{a0}\u{130}\n]{0,40}") {
            let n = Normalized::new(&s);
            proptest::prop_assert_eq!(&n.text, &normalize(&s));
            proptest::prop_assert_eq!(n.origin.len(), n.text.len());
            proptest::prop_assert!(n.origin.windows(2).all(|w| w[0] <= w[1]));
            proptest::prop_assert!(n.origin.iter().all(|&i| s.is_char_boundary(i)));
            proptest::prop_assert!(!n.text.starts_with(' ') && !n.text.ends_with(' ') && !n.text.contains("  "));
        }
    }

    #[test]
    fn single_spaced_ascii_is_told_apart() {
        assert!(single_spaced_ascii("one two three."));
        assert!(single_spaced_ascii(""));
        for odd in [" one", "one ", "one  two", "one\ttwo", "one\ntwo", "one\u{b}two", "naïve"] {
            assert!(!single_spaced_ascii(odd), "{odd:?}");
        }
    }

    #[test]
    fn matches_only_whole_words() {
        let original = "terrorist terror terrorism";
        let n = Normalized::new(original);
        let found: Vec<_> = n.find_words("terror", original).into_iter().map(|(s, e)| &original[s..e]).collect();
        assert_eq!(found, ["terror"]);
    }
}
