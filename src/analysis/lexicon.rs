//! What readout knows of English words: how common each is in general
//! English (its Zipf value: the log10 of its uses per billion words) and
//! which parts of speech it can be. The list (`english-words.txt`, about
//! 29,000 words met at least once in a million) is written by
//! `scripts/english-words.py` from two MIT-licensed packages: symspellpy's
//! word counts (Google Books Ngram, SCOWL) and lemminflect's lexicon.

use std::sync::OnceLock;

use rustc_hash::FxHashMap;

/// The list's Zipf value for every word it leaves out: rarer than once in a
/// million words, or not a dictionary word at all (a name, a handle).
pub const RARE: f32 = 2.5;

/// One word of the list.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Entry {
    pub zipf: f32,
    pub noun: bool,
    pub verb: bool,
    pub adjective: bool,
    pub adverb: bool,
}

impl Entry {
    /// A word the list does not know: rare, and read as a name.
    pub const UNKNOWN: Entry = Entry { zipf: RARE, noun: true, verb: false, adjective: false, adverb: false };

    /// Whether the list says nothing of its part of speech (function words).
    pub fn untagged(&self) -> bool {
        !(self.noun || self.verb || self.adjective || self.adverb)
    }
}

static WORDS: &str = include_str!("english-words.txt");

fn table() -> &'static FxHashMap<&'static str, Entry> {
    static TABLE: OnceLock<FxHashMap<&'static str, Entry>> = OnceLock::new();
    TABLE.get_or_init(|| {
        WORDS
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|line| {
                let mut parts = line.split(' ');
                let (word, zipf, pos) = (parts.next()?, parts.next()?.parse().ok()?, parts.next()?);
                let has = |c| pos.contains(c);
                Some((word, Entry { zipf, noun: has('n'), verb: has('v'), adjective: has('a'), adverb: has('r') }))
            })
            .collect()
    })
}

/// The entry of a lowercased word: the word itself, or without a possessive
/// (`india's`, `officials'`); a hyphenated word the list lacks is as rare
/// as a word it lacks, with the parts of speech of its last part
/// (`de-escalate` is a verb).
pub fn lookup(plain: &str) -> Entry {
    let table = table();
    let base = plain.strip_suffix("'s").or_else(|| plain.strip_suffix("s'").map(|_| &plain[..plain.len() - 1]));
    if let Some(e) = table.get(plain).or_else(|| base.and_then(|b| table.get(b))) {
        return *e;
    }
    match plain.rsplit_once('-').and_then(|(_, last)| table.get(last)) {
        Some(last) => Entry { zipf: RARE, ..*last },
        None => Entry::UNKNOWN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_common_words_and_what_they_can_be() {
        let work = lookup("work");
        assert!(work.zipf > 5.5 && work.noun && work.verb);
        assert!(lookup("maintain").verb && !lookup("maintain").noun);
        assert!(lookup("justice").noun && !lookup("justice").verb);
        assert!(lookup("perpetrators").zipf < lookup("justice").zipf);
        assert!(lookup("india's").noun);
    }

    #[test]
    fn unknown_and_hyphenated_words_are_rare() {
        assert_eq!(lookup("pahalgam"), Entry::UNKNOWN);
        let de = lookup("de-escalate");
        assert!(de.verb && de.zipf == RARE);
    }
}
