//! The wording of two statements compared: the phrases they share (word
//! n-grams after normalising, stop words ignored) and each side's key terms
//! that the other lacks.

use std::collections::{HashMap, HashSet};

use unicode_segmentation::UnicodeSegmentation;

use crate::analysis::Language;
use crate::analysis::normalize::normalize;

/// A word of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Which text of the side it is in.
    pub text: usize,
    /// Byte range in that text.
    pub start: usize,
    pub end: usize,
    /// Lowercased, quotes straightened, stemmed.
    pub norm: String,
    pub stop: bool,
}

/// Splits texts into words; hyphenated words stay one word.
pub fn tokenize(texts: &[String], language: &Language) -> Vec<Token> {
    let mut tokens: Vec<Token> = Vec::new();
    // Words come back again and again: each one is stemmed once.
    let mut stems: rustc_hash::FxHashMap<String, String> = rustc_hash::FxHashMap::default();
    for (t, text) in texts.iter().enumerate() {
        let first = tokens.len();
        for (start, word) in text.unicode_word_indices() {
            let end = start + word.len();
            if tokens.len() > first
                && let Some(prev) = tokens.last_mut()
                && matches!(&text[prev.end..start], "-" | "‑" | "‐")
            {
                prev.end = end;
                prev.norm = language.stem(&normalize(&text[prev.start..end]));
                prev.stop = false;
                continue;
            }
            let plain = normalize(word);
            let stop = language.stops.contains(plain.as_str()) || plain.chars().all(|c| c.is_ascii_digit());
            let norm = if stop { plain } else { stems.entry(plain).or_insert_with_key(|p| language.stem(p)).clone() };
            tokens.push(Token { text: t, start, end, norm, stop });
        }
    }
    tokens
}

/// A highlighted range in one text of a side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    pub text: usize,
    pub start: usize,
    pub end: usize,
    /// Shared phrases are numbered alike on both sides; single shared words are `None`.
    pub phrase: Option<usize>,
}

/// The comparison of two sides' wording.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Wording {
    /// The shared phrases, as written on the left.
    pub shared: Vec<String>,
    pub left_marks: Vec<Mark>,
    pub right_marks: Vec<Mark>,
    /// Key terms of each side that the other lacks, as written.
    pub left_only: Vec<String>,
    pub right_only: Vec<String>,
}

/// Compares the texts of two sides.
pub fn compare(left: &[String], right: &[String], language: &Language) -> Wording {
    let lt = tokenize(left, language);
    let rt = tokenize(right, language);
    // Content words only, in order, with a break between texts.
    let content = |tokens: &[Token]| -> Vec<usize> { (0..tokens.len()).filter(|&i| !tokens[i].stop).collect() };
    let (lc, rc) = (content(&lt), content(&rt));
    let same = |a: usize, b: usize| {
        let (x, y) = (&lt[lc[a]], &rt[rc[b]]);
        x.norm == y.norm
    };
    let continues = |tokens: &[Token], c: &[usize], k: usize| k > 0 && tokens[c[k]].text == tokens[c[k - 1]].text;

    // Where each right-side content word occurs, so runs start only at real matches.
    let mut right_at: HashMap<&str, Vec<usize>> = HashMap::new();
    for (k, &i) in rc.iter().enumerate() {
        right_at.entry(rt[i].norm.as_str()).or_default().push(k);
    }
    let mut phrase_ids: HashMap<String, usize> = HashMap::new();
    let mut wording = Wording::default();
    let mut left_shared = vec![false; lt.len()];
    let mut right_shared = vec![false; rt.len()];
    for a in 0..lc.len() {
        for &b in right_at.get(lt[lc[a]].norm.as_str()).map(Vec::as_slice).unwrap_or(&[]) {
            left_shared[lc[a]] = true;
            right_shared[rc[b]] = true;
            // Only start a run where the previous words do not also match.
            if a > 0 && b > 0 && continues(&lt, &lc, a) && continues(&rt, &rc, b) && same(a - 1, b - 1) {
                continue;
            }
            let mut n = 1;
            while a + n < lc.len()
                && b + n < rc.len()
                && continues(&lt, &lc, a + n)
                && continues(&rt, &rc, b + n)
                && same(a + n, b + n)
            {
                n += 1;
            }
            if n < 2 {
                continue;
            }
            let (ls, le) = (&lt[lc[a]], &lt[lc[a + n - 1]]);
            let (rs, re) = (&rt[rc[b]], &rt[rc[b + n - 1]]);
            let key: String = (a..a + n).map(|k| lt[lc[k]].norm.as_str()).collect::<Vec<_>>().join(" ");
            let next = phrase_ids.len();
            let id = *phrase_ids.entry(key).or_insert_with(|| {
                wording.shared.push(left[ls.text][ls.start..le.end].to_string());
                next
            });
            wording.left_marks.push(Mark { text: ls.text, start: ls.start, end: le.end, phrase: Some(id) });
            wording.right_marks.push(Mark { text: rs.text, start: rs.start, end: re.end, phrase: Some(id) });
        }
    }
    add_word_marks(&lt, &left_shared, &mut wording.left_marks);
    add_word_marks(&rt, &right_shared, &mut wording.right_marks);
    wording.left_only = own_terms(left, &lt, &left_shared);
    wording.right_only = own_terms(right, &rt, &right_shared);
    wording
}

/// Marks single shared words not already inside a shared phrase, then
/// sorts the marks and drops overlaps.
fn add_word_marks(tokens: &[Token], shared: &[bool], marks: &mut Vec<Mark>) {
    for (i, t) in tokens.iter().enumerate() {
        if shared[i] && !marks.iter().any(|m| m.text == t.text && m.start <= t.start && t.end <= m.end) {
            marks.push(Mark { text: t.text, start: t.start, end: t.end, phrase: None });
        }
    }
    marks.sort_by_key(|m| (m.text, m.start, std::cmp::Reverse(m.end)));
    let mut kept: Vec<Mark> = Vec::with_capacity(marks.len());
    for m in marks.drain(..) {
        if kept.last().is_some_and(|k| k.text == m.text && m.start < k.end) {
            continue;
        }
        kept.push(m);
    }
    *marks = kept;
}

/// Runs of content words the other side lacks. A run joins single words
/// across "and", "of" and commas ("perpetrators, backers and planners",
/// "peace and security"); it never joins longer phrases that way.
fn own_terms(texts: &[String], tokens: &[Token], shared: &[bool]) -> Vec<String> {
    let own = |i: usize| !tokens[i].stop && !shared[i];
    let same_text = |a: usize, b: usize| b < tokens.len() && tokens[a].text == tokens[b].text;
    let gap = |a: usize, b: usize| &texts[tokens[a].text][tokens[a].end..tokens[b].start];
    let adjacent = |a: usize, b: usize| same_text(a, b) && own(b) && gap(a, b).trim().is_empty();
    let mut terms = Vec::new();
    let mut seen = HashSet::new();
    let mut push = |first: usize, last: usize| {
        let term = texts[tokens[first].text][tokens[first].start..tokens[last].end].to_string();
        if term.chars().count() > 2 && seen.insert(normalize(&term)) {
            terms.push(term);
        }
    };
    let mut i = 0;
    while i < tokens.len() {
        if !own(i) {
            i += 1;
            continue;
        }
        let (mut first, mut last, mut segment) = (i, i, i);
        loop {
            let j = last + 1;
            if adjacent(last, j) {
                last = j;
                continue;
            }
            if !same_text(last, j) {
                break;
            }
            // The next single word across a comma, "and" or "of".
            let next = if own(j) && gap(last, j).trim() == "," {
                Some(j)
            } else if tokens[j].stop
                && matches!(tokens[j].norm.as_str(), "and" | "of")
                && matches!(gap(last, j).trim(), "" | ",")
                && adjacent(j, j + 1)
            {
                Some(j + 1)
            } else {
                None
            };
            let Some(k) = next.filter(|&k| !adjacent(k, k + 1)) else {
                break;
            };
            if last > segment {
                // "maintain peace and security": the list starts at "peace".
                push(first, last - 1);
                first = last;
            }
            segment = k;
            last = k;
        }
        push(first, last);
        i = last + 1;
    }
    terms
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stops() -> Language {
        Language::new("en")
    }

    fn texts(s: &[&str]) -> Vec<String> {
        s.iter().map(|t| t.to_string()).collect()
    }

    #[test]
    fn shared_phrases_ignore_stop_words_and_are_marked_on_both_sides() {
        let left =
            texts(&["to work with Pakistan to de-escalate tensions and maintain peace and security in South Asia"]);
        let right = texts(&[
            "work with India to de-escalate tensions, re-establish direct communications, and maintain peace and security in South Asia",
        ]);
        let w = compare(&left, &right, &stops());
        assert_eq!(w.shared, ["de-escalate tensions", "maintain peace and security in South Asia"]);
        let l = &w.left_marks.iter().find(|m| m.phrase == Some(1)).unwrap();
        assert_eq!(&left[0][l.start..l.end], "maintain peace and security in South Asia");
        let r = &w.right_marks.iter().find(|m| m.phrase == Some(0)).unwrap();
        assert_eq!(&right[0][r.start..r.end], "de-escalate tensions");
        assert_eq!(w.right_only, ["India", "re-establish direct communications"]);
        // "work" is a shared single word.
        assert!(w.left_marks.iter().any(|m| m.phrase.is_none() && &left[0][m.start..m.end] == "work"));
    }

    #[test]
    fn each_side_lists_what_the_other_lacks() {
        let left =
            texts(&["to work with Pakistan to de-escalate tensions and maintain peace and security in South Asia"]);
        let right = texts(&[
            "Discussed the Pahalgam terrorist attack with U.S. @SecRubio yesterday. Its perpetrators, backers and planners must be brought to justice",
        ]);
        let w = compare(&left, &right, &stops());
        assert!(w.shared.is_empty());
        assert_eq!(
            w.left_only,
            ["work", "Pakistan", "de-escalate tensions", "maintain", "peace and security", "South Asia"]
        );
        assert!(w.right_only.iter().any(|t| t == "perpetrators, backers and planners"), "{:?}", w.right_only);
        assert!(w.right_only.iter().any(|t| t == "justice"), "{:?}", w.right_only);
    }

    #[test]
    fn word_forms_match_by_stem() {
        let w = compare(&texts(&["ease the tensions"]), &texts(&["easing tension"]), &stops());
        assert_eq!(w.shared, ["ease the tensions"]);
    }

    #[test]
    fn runs_do_not_cross_from_one_text_to_the_next() {
        let left = texts(&["peace", "security"]);
        let right = texts(&["peace security"]);
        let w = compare(&left, &right, &stops());
        assert!(w.shared.is_empty());
    }
}
