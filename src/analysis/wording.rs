//! The wording of two statements compared: the phrases they share (runs
//! of stemmed words, stop words ignored, each with a word that says
//! something) and each side's own terms that the other lacks
//! ([`crate::analysis::terms`]).

use std::collections::HashMap;

use crate::analysis::Language;
use crate::analysis::terms::{Role, Term, own_terms, read_roles};
use crate::analysis::tokens::{Token, tokenize};

/// The tokens of one side, each read for its role, with the stem it is
/// compared by.
struct Side {
    tokens: Vec<Token>,
    roles: Vec<Role>,
    stems: Vec<String>,
}

impl Side {
    fn read(texts: &[String], language: &Language) -> Side {
        let tokens = tokenize(texts);
        let roles = read_roles(texts, &tokens, language);
        // Words come back again and again: each one is stemmed once.
        let mut cache: rustc_hash::FxHashMap<&str, String> = rustc_hash::FxHashMap::default();
        let stems = tokens
            .iter()
            .map(|t| cache.entry(t.plain.as_str()).or_insert_with(|| language.stem(&t.plain)).clone())
            .collect();
        Side { tokens, roles, stems }
    }
}

/// A highlighted range in one text of a side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    pub text: usize,
    pub start: usize,
    pub end: usize,
    pub kind: MarkKind,
}

/// What a mark marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkKind {
    /// A shared phrase, numbered alike on both sides.
    Phrase(usize),
    /// A single shared word.
    Word,
    /// The side's own term of this number in its list.
    Term(usize),
}

/// The comparison of two sides' wording.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Wording {
    /// The shared phrases, as written on the left.
    pub shared: Vec<String>,
    pub left_marks: Vec<Mark>,
    pub right_marks: Vec<Mark>,
    /// Key terms of each side that the other lacks, heaviest first.
    pub left_only: Vec<Term>,
    pub right_only: Vec<Term>,
}

/// Compares the texts of two sides.
pub fn compare(left: &[String], right: &[String], language: &Language) -> Wording {
    let (l, r) = (Side::read(left, language), Side::read(right, language));
    // Content words only, in order.
    let content = |s: &Side| -> Vec<usize> { (0..s.tokens.len()).filter(|&i| s.roles[i] != Role::Function).collect() };
    let (lc, rc) = (content(&l), content(&r));
    let same = |a: usize, b: usize| l.stems[lc[a]] == r.stems[rc[b]];
    let continues = |s: &Side, c: &[usize], k: usize| k > 0 && s.tokens[c[k]].text == s.tokens[c[k - 1]].text;

    // Where each right-side content word occurs, so runs start only at real matches.
    let mut right_at: HashMap<&str, Vec<usize>> = HashMap::new();
    for (k, &i) in rc.iter().enumerate() {
        right_at.entry(r.stems[i].as_str()).or_default().push(k);
    }
    let mut phrase_ids: HashMap<String, usize> = HashMap::new();
    let mut wording = Wording::default();
    let mut left_shared = vec![false; l.tokens.len()];
    let mut right_shared = vec![false; r.tokens.len()];
    for a in 0..lc.len() {
        for &b in right_at.get(l.stems[lc[a]].as_str()).map(Vec::as_slice).unwrap_or(&[]) {
            left_shared[lc[a]] = true;
            right_shared[rc[b]] = true;
            // Only start a run where the previous words do not also match.
            if a > 0 && b > 0 && continues(&l, &lc, a) && continues(&r, &rc, b) && same(a - 1, b - 1) {
                continue;
            }
            let mut n = 1;
            while a + n < lc.len()
                && b + n < rc.len()
                && continues(&l, &lc, a + n)
                && continues(&r, &rc, b + n)
                && same(a + n, b + n)
            {
                n += 1;
            }
            // A phrase of two words or more, one of which says something
            // (not only common verbs and words of time).
            if n < 2 || !(a..a + n).any(|k| l.roles[lc[k]].says_something()) {
                continue;
            }
            let (ls, le) = (&l.tokens[lc[a]], &l.tokens[lc[a + n - 1]]);
            let (rs, re) = (&r.tokens[rc[b]], &r.tokens[rc[b + n - 1]]);
            let key: String = (a..a + n).map(|k| l.stems[lc[k]].as_str()).collect::<Vec<_>>().join(" ");
            let next = phrase_ids.len();
            let id = *phrase_ids.entry(key).or_insert_with(|| {
                wording.shared.push(left[ls.text][ls.start..le.end].to_string());
                next
            });
            let kind = MarkKind::Phrase(id);
            wording.left_marks.push(Mark { text: ls.text, start: ls.start, end: le.end, kind });
            wording.right_marks.push(Mark { text: rs.text, start: rs.start, end: re.end, kind });
        }
    }
    let own = |shared: &[bool]| shared.iter().map(|s| !s).collect::<Vec<bool>>();
    wording.left_only = own_terms(left, &l.tokens, &l.roles, &own(&left_shared), language);
    wording.right_only = own_terms(right, &r.tokens, &r.roles, &own(&right_shared), language);
    for (terms, marks) in
        [(&wording.left_only, &mut wording.left_marks), (&wording.right_only, &mut wording.right_marks)]
    {
        marks.extend(terms.iter().enumerate().map(|(i, t)| Mark {
            text: t.at,
            start: t.start,
            end: t.end,
            kind: MarkKind::Term(i),
        }));
    }
    add_word_marks(&l.tokens, &left_shared, &mut wording.left_marks);
    add_word_marks(&r.tokens, &right_shared, &mut wording.right_marks);
    wording
}

/// Marks single shared words not already inside a shared phrase, then
/// sorts the marks and drops overlaps.
fn add_word_marks(tokens: &[Token], shared: &[bool], marks: &mut Vec<Mark>) {
    for (i, t) in tokens.iter().enumerate() {
        if shared[i] && !marks.iter().any(|m| m.text == t.text && m.start <= t.start && t.end <= m.end) {
            marks.push(Mark { text: t.text, start: t.start, end: t.end, kind: MarkKind::Word });
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

#[cfg(test)]
mod tests {
    use super::*;

    fn english() -> Language {
        Language::new("en")
    }

    fn texts(s: &[&str]) -> Vec<String> {
        s.iter().map(|t| t.to_string()).collect()
    }

    fn listed(terms: &[Term]) -> Vec<&str> {
        terms.iter().map(|t| t.text.as_str()).collect()
    }

    const READOUT: &str = "to work with Pakistan to de-escalate tensions and maintain peace and security in South Asia";
    const POST: &str = "Discussed the Pahalgam terrorist attack with U.S. @SecRubio yesterday. Its perpetrators, backers and planners must be brought to justice";

    #[test]
    fn shared_phrases_ignore_stop_words_and_are_marked_on_both_sides() {
        let left = texts(&[READOUT]);
        let right = texts(&[
            "work with India to de-escalate tensions, re-establish direct communications, and maintain peace and security in South Asia",
        ]);
        let w = compare(&left, &right, &english());
        assert_eq!(w.shared, ["de-escalate tensions", "maintain peace and security in South Asia"]);
        let l = &w.left_marks.iter().find(|m| m.kind == MarkKind::Phrase(1)).unwrap();
        assert_eq!(&left[0][l.start..l.end], "maintain peace and security in South Asia");
        let r = &w.right_marks.iter().find(|m| m.kind == MarkKind::Phrase(0)).unwrap();
        assert_eq!(&right[0][r.start..r.end], "de-escalate tensions");
        assert_eq!(listed(&w.right_only), ["re-establish direct communications", "India"]);
        // "work" is a shared single word.
        assert!(w.left_marks.iter().any(|m| m.kind == MarkKind::Word && &left[0][m.start..m.end] == "work"));
    }

    #[test]
    fn each_side_lists_its_own_terms_without_common_verbs_or_time_words() {
        let (left, right) = (texts(&[READOUT]), texts(&[POST]));
        let w = compare(&left, &right, &english());
        assert!(w.shared.is_empty());
        let (l, r) = (listed(&w.left_only), listed(&w.right_only));
        // Heaviest first; a name of two words ("South Asia") weighs what its words do.
        assert_eq!(l, ["de-escalate tensions", "peace and security", "South Asia", "Pakistan"]);
        assert_eq!(r, ["perpetrators, backers and planners", "Pahalgam terrorist attack", "U.S. @SecRubio", "justice"]);
        let all = [l, r].concat().join(" | ");
        for word in ["work", "maintain", "Discussed", "brought", "yesterday"] {
            assert!(!all.split([' ', '|']).any(|w| w == word), "{word} in {all}");
        }
    }

    #[test]
    fn each_term_is_marked_where_it_stands() {
        let (left, right) = (texts(&[READOUT]), texts(&[POST]));
        let w = compare(&left, &right, &english());
        for (i, term) in w.right_only.iter().enumerate() {
            let mark = w.right_marks.iter().find(|m| m.kind == MarkKind::Term(i)).expect("a mark");
            assert_eq!(&right[mark.text][mark.start..mark.end], term.text);
        }
    }

    #[test]
    fn a_shared_phrase_is_more_than_common_verbs_and_time_words() {
        let w = compare(&texts(&["We discussed it yesterday"]), &texts(&["They discussed yesterday"]), &english());
        assert!(w.shared.is_empty(), "{:?}", w.shared);
        let w = compare(&texts(&["discussed the attack"]), &texts(&["discussed an attack"]), &english());
        assert_eq!(w.shared, ["discussed the attack"]);
    }

    #[test]
    fn word_forms_match_by_stem() {
        let w = compare(&texts(&["ease the tensions"]), &texts(&["easing tension"]), &english());
        assert_eq!(w.shared, ["ease the tensions"]);
    }

    #[test]
    fn runs_do_not_cross_from_one_text_to_the_next() {
        let left = texts(&["peace", "security"]);
        let right = texts(&["peace security"]);
        let w = compare(&left, &right, &english());
        assert!(w.shared.is_empty());
    }
}

#[cfg(test)]
mod properties {
    use super::*;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
        /// Any two texts compare without a panic, every mark and term on
        /// the char boundaries of its own text.
        #[test]
        fn any_texts_compare_with_marks_on_char_boundaries(
            left in "[a-zA-Z@#.,'’‑– 0-9\u{915}-\u{94d}]{0,60}",
            right in "[a-zA-Z@#.,'’‑– 0-9\u{915}-\u{94d}]{0,60}",
        ) {
            let (left, right) = (vec![left], vec![right]);
            let w = compare(&left, &right, &Language::new("en"));
            for (texts, marks, terms) in [(&left, &w.left_marks, &w.left_only), (&right, &w.right_marks, &w.right_only)] {
                for m in marks {
                    proptest::prop_assert!(m.start <= m.end && texts[m.text].is_char_boundary(m.start) && texts[m.text].is_char_boundary(m.end));
                }
                for t in terms {
                    proptest::prop_assert_eq!(&texts[t.at][t.start..t.end], t.text.as_str());
                }
            }
        }
    }
}
