//! A side's own terms: the phrases and words of one text that the other
//! lacks, as a journalist would list them. Each word is read for what it
//! does (a name or noun, a modifier, a common verb, a function word), runs
//! of nouns and modifiers become noun phrases ("Pahalgam terrorist
//! attack"), lists and "of" join them ("perpetrators, backers and
//! planners", "loss of tourists' lives"), and each phrase weighs what its
//! words say: the rarer a word in general English, the more
//! ([`crate::analysis::lexicon`]). The heaviest come first.

use std::collections::HashSet;

use crate::analysis::Language;
use crate::analysis::lexicon::{self, Entry};
use crate::analysis::normalize::normalize;
use crate::analysis::tokens::{Shape, Token};

/// What a word does in a term.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A stop word: inside a phrase at most ("peace and security").
    Function,
    /// A common verb, an adverb, a word the site drops: never in a term.
    Break,
    /// A time word ("yesterday"): inside a phrase only, never its head.
    Time,
    /// An adjective or a rare verb ("de-escalate"): starts a phrase, never ends one.
    Modifier,
    /// A noun or a name: what a phrase ends in.
    Head,
}

impl Role {
    /// Whether a word of this role can make a shared phrase worth listing.
    pub fn says_something(self) -> bool {
        matches!(self, Role::Modifier | Role::Head)
    }
}

/// Verbs at least this common (Zipf: 3.5 is about one in 300,000 words)
/// say nothing of their own: "work", "maintain", "discussed", "brought".
pub const COMMON_VERB: f32 = 3.5;

/// How many terms a side lists at most.
pub const MAX_TERMS: usize = 8;

/// Words of time that place a statement but say nothing of it.
const TIME_WORDS: &[&str] = &[
    "yesterday",
    "today",
    "tomorrow",
    "tonight",
    "now",
    "ago",
    "soon",
    "later",
    "earlier",
    "recently",
    "currently",
    "meanwhile",
    "morning",
    "afternoon",
    "evening",
    "night",
    "day",
    "days",
    "week",
    "weeks",
    "weekend",
    "month",
    "months",
    "year",
    "years",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// Words after which a noun-or-verb ("work", "attack") reads as a verb.
const VERB_CUES: &[&str] = &[
    "to", "must", "will", "would", "shall", "should", "can", "could", "may", "might", "be", "is", "are", "was", "were",
    "been", "being", "am", "has", "have", "had", "do", "does", "did", "we", "they", "i", "you", "he", "she", "not",
];

/// Words that open a noun phrase: after one, a word that can be a verb is
/// a noun ("their acts") or, in -ed or -ing, its adjective ("their
/// continued commitment"); before one, it is a verb ("wish the injured").
const DETERMINERS: &[&str] = &[
    "the", "a", "an", "this", "that", "these", "those", "its", "their", "our", "his", "her", "my", "your", "whose",
    "each", "every", "no", "any", "some", "both", "all",
];

/// Endings of adjectives, for words the list does not know ("heinous",
/// "unconscionable").
const ADJECTIVE_ENDINGS: &[&str] = &["ous", "ful", "ive", "able", "ible", "al", "ic", "less", "ish", "ary"];

/// Reads each token of one side for its role.
pub fn read_roles(texts: &[String], tokens: &[Token], language: &Language) -> Vec<Role> {
    let mut roles: Vec<Role> = Vec::with_capacity(tokens.len());
    for (i, t) in tokens.iter().enumerate() {
        let prev = (i > 0 && tokens[i - 1].text == t.text)
            .then(|| (&tokens[i - 1], tokens[i - 1].as_written(texts), roles[i - 1]));
        let next = tokens.get(i + 1).filter(|n| n.text == t.text);
        roles.push(read_role(texts, t, prev, next, language));
    }
    roles
}

/// Whether a token opens a noun phrase: a determiner or a possessive.
fn is_determiner(t: &Token) -> bool {
    DETERMINERS.contains(&t.plain.as_str()) || t.plain.ends_with("'s") || t.plain.ends_with("s'")
}

fn read_role(
    texts: &[String],
    t: &Token,
    prev: Option<(&Token, &str, Role)>,
    next: Option<&Token>,
    language: &Language,
) -> Role {
    let stem = language.stem(&t.plain);
    if language.rules.keeps_word(&stem) {
        return Role::Head;
    }
    if language.rules.drops(&stem) {
        return Role::Break;
    }
    if t.shape != Shape::Word {
        return Role::Head;
    }
    if language.stops.contains(t.plain.as_str()) {
        return Role::Function;
    }
    if !language.english {
        return Role::Head;
    }
    if TIME_WORDS.contains(&t.plain.as_str()) {
        return Role::Time;
    }
    let written = t.as_written(texts);
    let capital = written.starts_with(char::is_uppercase);
    if capital && !t.sentence_start {
        return Role::Head;
    }
    let e = lexicon::lookup(&t.plain);
    if e == Entry::UNKNOWN && t.plain.ends_with("ly") {
        return Role::Break;
    }
    if e == Entry::UNKNOWN && ADJECTIVE_ENDINGS.iter().any(|end| t.plain.ends_with(end)) {
        return Role::Modifier;
    }
    if e.untagged() {
        return Role::Head;
    }
    let after_determiner = prev.is_some_and(|(p, _, _)| is_determiner(p));
    if e.verb && after_determiner && !e.noun && (t.plain.ends_with("ed") || t.plain.ends_with("ing")) {
        return Role::Modifier;
    }
    let verb_here = !after_determiner
        && (reads_as_verb(&e, written, prev) || ((e.noun || e.adjective) && next.is_some_and(is_determiner)));
    if e.verb && verb_here {
        return if e.zipf >= COMMON_VERB { Role::Break } else { Role::Modifier };
    }
    if e.verb && !e.noun && !e.adjective {
        // A verb form where a noun stands ("their acts").
        return Role::Head;
    }
    if e.noun {
        Role::Head
    } else if e.adjective {
        Role::Modifier
    } else {
        Role::Break
    }
}

/// Whether a word that can be a verb is one here: it can be nothing else,
/// or it follows "to", a modal, a form of "be", "have" or "do" or a
/// pronoun, or it is an -s form after a name ("the US stands"). Right
/// after a verb (as its object) it is a noun.
fn reads_as_verb(e: &Entry, written: &str, prev: Option<(&Token, &str, Role)>) -> bool {
    let prev_entry = prev.map(|(p, _, _)| lexicon::lookup(&p.plain));
    if let (Some((_, _, Role::Modifier)), Some(p)) = (prev, prev_entry) {
        // After an adjective a noun ("heinous acts"), after a verb its
        // object ("de-escalate tensions").
        if !p.verb || e.noun || e.adjective {
            return false;
        }
    }
    if !(e.noun || e.adjective) {
        return true;
    }
    let Some((p, p_written, role)) = prev else {
        return false;
    };
    let name = p.shape == Shape::Abbreviation
        || (role == Role::Head && !p.sentence_start && p_written.starts_with(char::is_uppercase));
    VERB_CUES.contains(&p.plain.as_str()) || (name && written.ends_with('s'))
}

/// One of a side's own terms.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    /// As written.
    pub text: String,
    /// Where it stands: which text of the side, and the byte range there.
    pub at: usize,
    pub start: usize,
    pub end: usize,
    /// What it says: the sum of its words' weights.
    pub weight: f32,
}

/// How much a word says: the log10 of how many words of general English
/// there are to each use of it ("justice" 4.1: one in 12,000 words;
/// "perpetrators" 5.7: one in 500,000). Outside English every word is 1.
pub fn word_weight(t: &Token, language: &Language) -> f32 {
    if !language.english {
        return 1.0;
    }
    let zipf = if t.shape == Shape::Word { lexicon::lookup(&t.plain).zipf } else { lexicon::RARE };
    9.0 - zipf
}

/// Whether a token is (part of) a name: a handle, an abbreviation, a
/// number or date, or a capitalised word inside a sentence.
fn is_name(t: &Token, written: &str) -> bool {
    t.shape != Shape::Word || (!t.sentence_start && written.starts_with(char::is_uppercase))
}

/// The least a name weighs ("India", "South Asia", "U.S. @SecRubio"): as
/// much as a word met once in a million, since a name says who or where.
pub const NAME_WEIGHT: f32 = 6.0;

/// What the words of `first..=last` weigh together: each word its
/// [`word_weight`], each run of names at least [`NAME_WEIGHT`]; function
/// words and breaks nothing.
fn span_weight(texts: &[String], tokens: &[Token], roles: &[Role], s: Span, language: &Language) -> f32 {
    let (mut total, mut names) = (0.0, None::<f32>);
    let floor = if language.english { NAME_WEIGHT } else { 0.0 };
    for k in s.first..=s.last {
        if matches!(roles[k], Role::Function | Role::Break) {
            total += names.take().map_or(0.0, |n| n.max(floor));
            continue;
        }
        let w = word_weight(&tokens[k], language);
        if is_name(&tokens[k], tokens[k].as_written(texts)) {
            names = Some(names.unwrap_or(0.0) + w);
        } else {
            total += names.take().map_or(0.0, |n| n.max(floor)) + w;
        }
    }
    total + names.map_or(0.0, |n| n.max(floor))
}

/// A stretch of tokens `first..=last` being made into a term.
#[derive(Debug, Clone, Copy)]
struct Span {
    first: usize,
    last: usize,
}

/// The side's own terms, heaviest first, at most [`MAX_TERMS`]: `own[i]`
/// says whether token `i` is the side's alone (not shared with the other).
pub fn own_terms(texts: &[String], tokens: &[Token], roles: &[Role], own: &[bool], language: &Language) -> Vec<Term> {
    let gap = |a: usize, b: usize| -> Option<&str> {
        (tokens[a].text == tokens[b].text).then(|| &texts[tokens[a].text][tokens[a].end..tokens[b].start])
    };
    let (kept, consumed) = kept_spans(tokens, own, language);
    let usable = |i: usize| own[i] && !consumed[i] && matches!(roles[i], Role::Modifier | Role::Head | Role::Time);
    // Runs of nouns and modifiers, cut to end in a noun.
    let mut chunks: Vec<Span> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if !usable(i) {
            i += 1;
            continue;
        }
        let mut last = i;
        while last + 1 < tokens.len() && usable(last + 1) && gap(last, last + 1).is_some_and(|g| g.trim().is_empty()) {
            last += 1;
        }
        let first = (i..=last).find(|&k| roles[k] != Role::Time);
        let end = (i..=last).rev().find(|&k| roles[k] == Role::Head);
        if let (Some(first), Some(end)) = (first, end)
            && first <= end
        {
            chunks.push(Span { first, last: end });
        }
        i = last + 1;
    }
    let joined = join_lists(chunks, &gap);
    let mut spans: Vec<(Span, f32)> = kept.into_iter().map(|s| (s, f32::MAX)).collect();
    for s in joined {
        spans.push((s, span_weight(texts, tokens, roles, s, language)));
    }
    rank(texts, tokens, roles, language, spans)
}

/// Joins chunks into lists ("perpetrators, backers and planners": single
/// words, commas, then "and", "or" or "&") and across "of" ("acts of
/// violence").
fn join_lists<'a>(chunks: Vec<Span>, gap: &dyn Fn(usize, usize) -> Option<&'a str>) -> Vec<Span> {
    let single = |s: &Span| s.first == s.last;
    let mut listed: Vec<Span> = Vec::new();
    let mut k = 0;
    while k < chunks.len() {
        let mut end = k;
        if single(&chunks[k]) {
            let mut j = k;
            while j + 1 < chunks.len() && single(&chunks[j + 1]) {
                match gap(chunks[j].last, chunks[j + 1].first) {
                    Some(", ") => j += 1,
                    Some(" and " | ", and " | " or " | ", or " | " & ") => {
                        end = j + 1;
                        break;
                    }
                    _ => break,
                }
            }
        }
        listed.push(Span { first: chunks[k].first, last: chunks[end].last });
        k = end + 1;
    }
    let mut out: Vec<Span> = Vec::new();
    for s in listed {
        match out.last_mut() {
            Some(prev) if gap(prev.last, s.first) == Some(" of ") => prev.last = s.last,
            _ => out.push(s),
        }
    }
    out
}

/// The site's `keep` phrases found in the side, all their words its own;
/// and which tokens they take.
fn kept_spans(tokens: &[Token], own: &[bool], language: &Language) -> (Vec<Span>, Vec<bool>) {
    let mut consumed = vec![false; tokens.len()];
    let mut spans = Vec::new();
    let stems: Vec<String> = tokens.iter().map(|t| language.stem(&t.plain)).collect();
    for phrase in language.rules.keep_phrases() {
        let n = phrase.len();
        for first in 0..tokens.len().saturating_sub(n - 1) {
            let last = first + n - 1;
            let fits = (first..=last).all(|k| stems[k] == phrase[k - first] && own[k] && !consumed[k])
                && tokens[first].text == tokens[last].text;
            if fits {
                consumed[first..=last].iter_mut().for_each(|c| *c = true);
                spans.push(Span { first, last });
            }
        }
    }
    (spans, consumed)
}

/// The heaviest spans as terms, each once; a span whose words all stand in
/// a heavier term already listed is left out.
fn rank(
    texts: &[String],
    tokens: &[Token],
    roles: &[Role],
    language: &Language,
    mut spans: Vec<(Span, f32)>,
) -> Vec<Term> {
    // Heaviest first; on a tie the first in the text (a stable order).
    spans.sort_by(|(a, wa), (b, wb)| wb.total_cmp(wa).then(a.first.cmp(&b.first)));
    let mut seen: HashSet<String> = HashSet::new();
    let mut words_listed: HashSet<String> = HashSet::new();
    let mut terms = Vec::new();
    for (s, weight) in spans {
        let (a, b) = (&tokens[s.first], &tokens[s.last]);
        let text = texts[a.text][a.start..b.end].to_string();
        let stems: Vec<String> = (s.first..=s.last).map(|k| language.stem(&tokens[k].plain)).collect();
        let words: Vec<String> =
            (s.first..=s.last).filter(|&k| roles[k].says_something()).map(|k| stems[k - s.first].clone()).collect();
        if language.rules.drops_phrase(&stems) || !seen.insert(normalize(&text)) {
            continue;
        }
        if !words.is_empty() && words.iter().all(|w| words_listed.contains(w)) {
            continue;
        }
        words_listed.extend(words);
        terms.push(Term { text, at: a.text, start: a.start, end: b.end, weight });
        if terms.len() == MAX_TERMS {
            break;
        }
    }
    terms
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::tokens::tokenize;

    fn terms_of(text: &str, language: &Language) -> Vec<(String, f32)> {
        let texts = [text.to_string()];
        let tokens = tokenize(&texts);
        let roles = read_roles(&texts, &tokens, language);
        own_terms(&texts, &tokens, &roles, &vec![true; tokens.len()], language)
            .into_iter()
            .map(|t| (t.text, t.weight))
            .collect()
    }

    fn listed(text: &str, language: &Language) -> Vec<String> {
        terms_of(text, language).into_iter().map(|(t, _)| t).collect()
    }

    #[test]
    fn common_verbs_are_out_and_rare_ones_keep_their_object() {
        let terms = listed("to work with Pakistan to de-escalate tensions and maintain peace", &Language::new("en"));
        assert_eq!(terms, ["de-escalate tensions", "Pakistan", "peace"]);
    }

    #[test]
    fn noun_phrases_lists_and_of_are_kept_whole() {
        let en = Language::new("en");
        let terms = listed(
            "their heinous acts of violence. Its perpetrators, backers and planners must be brought to justice",
            &en,
        );
        assert_eq!(terms, ["perpetrators, backers and planners", "heinous acts of violence", "justice"]);
        // A word inside a heavier phrase is not listed again.
        assert_eq!(listed("the Pahalgam attack, and the attack", &en), ["Pahalgam attack"]);
    }

    #[test]
    fn the_order_is_by_weight_then_by_place_and_stable() {
        let en = Language::new("en");
        let text = "peace and security, justice, tensions and solidarity in South Asia";
        let first = terms_of(text, &en);
        assert!(first.windows(2).all(|w| w[0].1 >= w[1].1), "{first:?}");
        for _ in 0..5 {
            assert_eq!(terms_of(text, &en), first);
        }
        // Equal weights keep the order of the text.
        assert_eq!(listed("Alpha; Beta", &Language::new("xx")), ["Alpha", "Beta"]);
    }

    #[test]
    fn at_most_eight_terms() {
        let text = "apples; pears; plums; grapes; melons; lemons; limes; kiwis; figs; dates";
        assert_eq!(listed(text, &Language::new("en")).len(), MAX_TERMS);
    }

    #[test]
    fn a_site_keeps_and_drops_its_own_words() {
        let mut config = crate::config::SiteConfig::default();
        config.wording.keep = vec!["brought to justice".into()];
        config.wording.drop = vec!["Pakistan".into(), "peace and security".into()];
        let language = Language::for_site(&config);
        let terms = listed("to work with Pakistan to maintain peace and security; brought to justice", &language);
        assert_eq!(terms, ["brought to justice"]);
    }

    #[test]
    fn other_languages_list_their_words_as_written() {
        let text = "भारत और पाकिस्तान; तनाव";
        let terms = listed(text, &Language::new("hi"));
        assert_eq!(terms, ["भारत और पाकिस्तान", "तनाव"]);
    }
}
