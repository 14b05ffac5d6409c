//! The tokeniser of wording comparison: words as a reader sees them. It
//! starts from Unicode word boundaries (so any script, Devanagari included,
//! comes through whole) and then keeps together what those boundaries
//! would cut: @handles and #hashtags, abbreviations with their dots (U.S.,
//! U.N.), hyphenated words (any hyphen), plural possessives (officials'),
//! numbers and dates ("30 April 2025"). Curly and straight quotes, and every
//! kind of hyphen, are one to the comparison: each token's `norm` is folded.

use unicode_segmentation::UnicodeSegmentation;

use crate::analysis::normalize::normalize;

/// What a token is, beyond a plain word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Word,
    /// `@SecRubio`
    Handle,
    /// `#Pahalgam`
    Hashtag,
    /// `U.S.`, `U.N.`
    Abbreviation,
    /// `2025`, `1,000`, `3.5`
    Number,
    /// `30 April 2025`, `April 30, 2025`, `2025-04-30`
    Date,
}

/// A token of one text: where it is and how it compares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Which text of the side it is in.
    pub text: usize,
    /// Byte range in that text.
    pub start: usize,
    pub end: usize,
    /// Lowercased, quotes and hyphens folded (not stemmed).
    pub plain: String,
    pub shape: Shape,
    /// Whether it starts a sentence (the text's start, or after `.`, `!`,
    /// `?` or `:`), where a capital letter says nothing of a name.
    pub sentence_start: bool,
}

impl Token {
    /// The token as written.
    pub fn as_written<'a>(&self, texts: &'a [String]) -> &'a str {
        &texts[self.text][self.start..self.end]
    }
}

const HYPHENS: [char; 3] = ['-', '\u{2010}', '\u{2011}'];

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

fn is_month(word: &str) -> bool {
    MONTHS.contains(&word.to_lowercase().as_str())
}

fn is_number(word: &str) -> bool {
    word.chars().next().is_some_and(|c| c.is_ascii_digit())
        && word.chars().all(|c| c.is_ascii_digit() || matches!(c, ',' | '.'))
}

/// Letters with dots between them, as Unicode word boundaries leave them:
/// `U.S` of `U.S.`.
fn is_dotted(word: &str) -> bool {
    word.contains('.') && word.split('.').all(|part| (1..=2).contains(&part.chars().count()))
}

/// Splits each text into tokens.
pub fn tokenize(texts: &[String]) -> Vec<Token> {
    let mut tokens = Vec::new();
    for (t, text) in texts.iter().enumerate() {
        tokenize_into(t, text, &mut tokens);
    }
    tokens
}

fn tokenize_into(t: usize, text: &str, tokens: &mut Vec<Token>) {
    let first = tokens.len();
    for (mut start, word) in text.unicode_word_indices() {
        let mut end = start + word.len();
        let before = text[..start].chars().next_back();
        let before_that = text[..start].chars().rev().nth(1);
        let mut shape = if is_number(word) { Shape::Number } else { Shape::Word };
        if let Some(sigil @ ('@' | '#')) = before
            && !before_that.is_some_and(char::is_alphanumeric)
        {
            start -= 1;
            shape = if sigil == '@' { Shape::Handle } else { Shape::Hashtag };
        } else if is_dotted(word) && shape == Shape::Word && text[end..].starts_with('.') {
            end += 1;
            shape = Shape::Abbreviation;
        } else if word.ends_with(['s', 'S'])
            && !matches!(before, Some('\'' | '‘'))
            && let Some(rest) = text[end..].strip_prefix(['\'', '’'])
            && rest.starts_with(' ')
            && rest.trim_start().starts_with(char::is_lowercase)
        {
            // "officials' cooperation": the apostrophe is the word's.
            end += text[end..].chars().next().map_or(0, char::len_utf8);
        }
        // A word inside what the last token took (an abbreviation's dot
        // with a mark on it) is part of that token.
        if tokens.len() > first && tokens.last().is_some_and(|p| start < p.end) {
            continue;
        }
        let gap = tokens.last().filter(|_| tokens.len() > first).map(|p: &Token| &text[p.end..start]);
        if let Some(gap) = gap
            && let Some(joined) = join(tokens.last().expect("a previous token"), gap, word, text)
        {
            let prev = tokens.last_mut().expect("a previous token");
            prev.end = end;
            prev.plain = normalize(&text[prev.start..end]);
            prev.shape = joined;
            continue;
        }
        let sentence_start = tokens.len() == first
            || text[tokens.last().expect("a previous token").end..start].trim_end().ends_with(['.', '!', '?', ':']);
        tokens.push(Token { text: t, start, end, plain: normalize(&text[start..end]), shape, sentence_start });
    }
}

/// The shape of token `prev` continued by `word` after `gap`, if `word`
/// continues it: a hyphenated word or number, or a date ("30 April",
/// "April 30, 2025", "30 April 2025", "2025-04-30").
fn join(prev: &Token, gap: &str, word: &str, text: &str) -> Option<Shape> {
    let written = &text[prev.start..prev.end];
    let digits =
        |w: &str, n: std::ops::RangeInclusive<usize>| n.contains(&w.len()) && w.bytes().all(|b| b.is_ascii_digit());
    let last_word = written.rsplit([' ', ',']).next().unwrap_or(written);
    match gap {
        _ if matches!(prev.shape, Shape::Handle | Shape::Hashtag) => None,
        _ if gap.chars().count() == 1 && gap.starts_with(HYPHENS) => Some(match prev.shape {
            // 2025-04-30
            Shape::Number | Shape::Date if digits(word, 2..=2) && written.len() >= 4 => Shape::Date,
            shape => shape,
        }),
        " " if digits(written, 1..=2) && is_month(word) => Some(Shape::Date),
        " " if is_month(written) && digits(word, 1..=4) => Some(Shape::Date),
        " " if prev.shape == Shape::Date && is_month(last_word) && digits(word, 4..=4) => Some(Shape::Date),
        ", " if prev.shape == Shape::Date && digits(last_word, 1..=2) && digits(word, 4..=4) => Some(Shape::Date),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<(String, Shape)> {
        let texts = [text.to_string()];
        tokenize(&texts).iter().map(|t| (t.as_written(&texts).to_string(), t.shape)).collect()
    }

    fn written(text: &str) -> Vec<String> {
        words(text).into_iter().map(|(w, _)| w).collect()
    }

    #[test]
    fn handles_and_hashtags_stay_whole() {
        assert_eq!(
            words("with U.S. @SecRubio yesterday #Pahalgam"),
            [
                ("with".into(), Shape::Word),
                ("U.S.".into(), Shape::Abbreviation),
                ("@SecRubio".into(), Shape::Handle),
                ("yesterday".into(), Shape::Word),
                ("#Pahalgam".into(), Shape::Hashtag),
            ]
        );
        // An address is not a handle.
        assert_eq!(written("mail press@state.gov"), ["mail", "press", "state.gov"]);
    }

    #[test]
    fn abbreviations_keep_their_dots() {
        assert_eq!(written("the U.N. and the U.S. said"), ["the", "U.N.", "and", "the", "U.S.", "said"]);
        // A sentence's full stop after an ordinary word is not the word's.
        assert_eq!(written("They met. Then"), ["They", "met", "Then"]);
    }

    #[test]
    fn any_hyphen_joins_a_word_and_a_dash_does_not() {
        assert_eq!(written("de-escalate and re‑establish"), ["de-escalate", "and", "re‑establish"]);
        let texts = ["de‑escalate".to_string(), "de-escalate".to_string()];
        let t = tokenize(&texts);
        assert_eq!(t[0].plain, t[1].plain);
        assert_eq!(written("peace — and security – now"), ["peace", "and", "security", "now"]);
    }

    #[test]
    fn curly_and_straight_quotes_compare_alike() {
        let texts = ["India’s right".to_string(), "India's right".to_string()];
        let t = tokenize(&texts);
        assert_eq!(t[0].plain, "india's");
        assert_eq!(t[0].plain, t[2].plain);
        assert_eq!(written("Pakistani officials’ cooperation"), ["Pakistani", "officials’", "cooperation"]);
        assert_eq!(written("the word 'attacks' here"), ["the", "word", "attacks", "here"]);
    }

    #[test]
    fn numbers_and_dates_stay_whole() {
        assert_eq!(
            words("On 30 April 2025, 1,000 people; April 30, 2025 and 2025-04-30"),
            [
                ("On".into(), Shape::Word),
                ("30 April 2025".into(), Shape::Date),
                ("1,000".into(), Shape::Number),
                ("people".into(), Shape::Word),
                ("April 30, 2025".into(), Shape::Date),
                ("and".into(), Shape::Word),
                ("2025-04-30".into(), Shape::Date),
            ]
        );
    }

    #[test]
    fn devanagari_passes_through_intact() {
        let text = "भारत और पाकिस्तान के बीच तनाव";
        let tokens = written(text);
        assert_eq!(tokens, ["भारत", "और", "पाकिस्तान", "के", "बीच", "तनाव"]);
        assert_eq!(tokens.join(" "), text);
    }

    #[test]
    fn sentence_starts_are_known() {
        let texts = ["Discussed it. Then India: Rubio".to_string()];
        let starts: Vec<bool> = tokenize(&texts).iter().map(|t| t.sentence_start).collect();
        assert_eq!(starts, [true, false, true, false, true]);
    }
}
