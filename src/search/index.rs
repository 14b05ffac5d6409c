//! readout's search index: the records made into the files a reader's
//! browser searches, all JSON, few of which any one query needs.
//!
//! Each note is a numbered document: notes without a date first, then the
//! dated ones from oldest to newest (so a higher number is a newer note,
//! and a note added today takes the next number, leaving the others'
//! files as they were). The files, under [`super::INDEX_DIR`]:
//! - `index.json`, read first: how many documents, and the first key of
//!   each chunk of the dictionary;
//! - `index/N.json`, chunk N of the dictionary, keys in order: a stem with
//!   its documents, each with a weight (BM25's share of the term, on a
//!   scale of 1 to 31, so that a title word or a word said often weighs
//!   more), and a word as written with the stem it belongs to;
//! - `phrase/N.json`, the positions of chunk N's words in each document,
//!   read only for a phrase in quotation marks;
//! - `filters.json`, each filter's values and how many notes have each,
//!   and `filter/KEY.json`, the documents of each value, read when a
//!   reader filters;
//! - `fragment/N.json`, what document N's result shows (its URL, title,
//!   speaker, date, a statement's own words and the text the excerpt is
//!   cut from), read for the few results on screen.
//!
//! The index is made in one pass over the records, with each word's forms
//! and positions written as text as they come (`code.rs`), so it holds
//! little more than the records themselves.

use std::collections::BTreeMap;

use std::hash::BuildHasher as _;

use hashbrown::HashTable;
use rustc_hash::{FxBuildHasher, FxHashMap};
use serde_json::Value;

use super::Record;
use super::code::{Gaps, numbers, push};
use super::words::{Stems, each_word};
use crate::render::Page;

/// How many characters of documents and weights a chunk of the
/// dictionary holds before the next begins (a stem with more has one to itself).
const CHUNK_CHARS: usize = 12_000;

/// How much more a word of the title counts than a word of the text.
const TITLE_WEIGHT: u32 = 3;

/// BM25's saturation (k1) and length normalisation (b).
const K1: f32 = 1.2;
const B: f32 = 0.75;

/// The index's files for `records` in a site written in `language`, by
/// path under the index's folder. Each record is dropped once it is indexed.
pub(super) fn files(records: Vec<Record>, language: &str) -> Vec<Page> {
    let mut records: Vec<Option<Record>> = records.into_iter().map(Some).collect();
    let mut order: Vec<usize> = (0..records.len()).collect();
    order.sort_by_cached_key(|&r| {
        records[r].as_ref().map(|r| document_key(r.sort.get("date").map(String::as_str), &r.url))
    });
    let mut index = Building::new(language);
    let mut pages = Vec::with_capacity(records.len() * 2);
    for r in order {
        if let Some(record) = records[r].take() {
            pages.push(index.add(record));
        }
    }
    pages.extend(index.finish());
    pages
}

/// Where a note goes in document order: undated notes by URL, then dated
/// ones by date (`YYYY-MM-DD`) and URL.
pub(super) fn document_key(date: Option<&str>, url: &str) -> (Option<String>, String) {
    (date.map(str::to_string), url.to_string())
}

/// The index as it is made, one record at a time in document order.
pub(super) struct Building {
    language: String,
    index: Indexing,
    /// Each filter's values and their documents.
    filters: BTreeMap<String, BTreeMap<String, Vec<u32>>>,
}

impl Building {
    pub(super) fn new(language: &str) -> Building {
        Building { language: language.to_string(), index: Indexing::new(language), filters: BTreeMap::new() }
    }

    /// Adds `record` as the next document; returns its fragment.
    pub(super) fn add(&mut self, record: Record) -> Page {
        let doc = self.next_doc();
        self.add_read(&record.filters, &Words::of(&record));
        fragment(doc, record)
    }

    /// The number the next document added gets.
    pub(super) fn next_doc(&self) -> usize {
        self.index.lengths.len()
    }

    /// Adds the next document, by its filters and its words (read
    /// beforehand, on any thread); its fragment is made apart ([`fragment`]).
    pub(super) fn add_read(&mut self, filters: &BTreeMap<String, Vec<String>>, words: &Words) {
        let doc = self.next_doc() as u32;
        self.index.add(doc, words);
        for (key, values) in filters {
            let of_key = self.filters.entry(key.clone()).or_default();
            for value in values {
                of_key.entry(value.clone()).or_default().push(doc);
            }
        }
    }

    /// The index's files but the fragments.
    pub(super) fn finish(self) -> Vec<Page> {
        let mut pages = filters(&self.filters);
        pages.extend(self.index.finish(&self.language));
        pages
    }
}

/// A record's words as the index takes them, read on any thread: each
/// distinct form (as written, lower-cased) with its weight in the
/// document and its positions already written as the index writes them,
/// so that adding the document to the index is one look-up a form.
#[derive(Default)]
pub(super) struct Words {
    /// The forms' text, one after another.
    text: String,
    /// Each distinct form, in order: where it is in `text`, its count (its
    /// positions, and a title word's extra weight), where its positions
    /// are in `positions`.
    forms: Vec<Form>,
    /// Each form's positions: how many less one, then their gaps.
    positions: String,
    /// How many positions the content has.
    length: u32,
}

/// No place: the end of a chain of places.
const NONE: u32 = u32::MAX;

#[derive(Clone, Copy)]
struct Form {
    text: (u32, u32),
    count: u32,
    positions: (u32, u32),
}

/// The forms a document's words were met as, while they are read: each
/// distinct form found by its hash and its text (in the text the words
/// are put into), and its places chained as they come.
struct Met {
    numbers: HashTable<u32>,
    forms: Vec<Seen>,
    /// Each place met: its position.
    places: Vec<u32>,
    /// After each place, the next place of its form (or [`NONE`]).
    next: Vec<u32>,
}

/// A distinct form of a document: where it is in the text, its first and
/// last place, how many places it has and how often the title has it.
struct Seen {
    text: (u32, u32),
    first: u32,
    last: u32,
    count: u32,
    in_title: u32,
}

impl Met {
    /// Room for a text's words (one in some seven bytes) and forms, so that few grow.
    fn sized_for(text: &str) -> Met {
        let (words, forms) = (text.len() / 6 + 8, text.len() / 24 + 8);
        Met {
            numbers: HashTable::with_capacity(forms),
            forms: Vec::with_capacity(forms),
            places: Vec::with_capacity(words),
            next: Vec::with_capacity(words),
        }
    }

    /// The number of `form`, if it was met; `text` holds the forms met.
    fn find(&self, text: &str, form: &str) -> Option<usize> {
        let hash = FxBuildHasher.hash_one(form);
        self.numbers.find(hash, |&n| form_at(text, self.forms[n as usize].text) == form).map(|&n| n as usize)
    }

    /// Notes `form` at `position`, putting it into `text` when it is new.
    /// A form twice at one place (a compound's part) is there once.
    fn place(&mut self, text: &mut String, form: &str, position: u32) {
        let at = self.places.len() as u32;
        let hash = FxBuildHasher.hash_one(form);
        let forms = &mut self.forms;
        match self.numbers.find(hash, |&n| form_at(text, forms[n as usize].text) == form) {
            Some(&n) => {
                let seen = &mut forms[n as usize];
                if self.places[seen.last as usize] == position {
                    return;
                }
                self.next[seen.last as usize] = at;
                seen.last = at;
                seen.count += 1;
            }
            None => {
                forms.push(Seen {
                    text: (text.len() as u32, form.len() as u32),
                    first: at,
                    last: at,
                    count: 1,
                    in_title: 0,
                });
                text.push_str(form);
                self.numbers.insert_unique(hash, forms.len() as u32 - 1, |&n| {
                    FxBuildHasher.hash_one(form_at(text, forms[n as usize].text))
                });
            }
        }
        self.places.push(position);
        self.next.push(NONE);
    }
}

/// The form at `start` in `text`, `len` bytes long.
fn form_at(text: &str, (start, len): (u32, u32)) -> &str {
    &text[start as usize..(start + len) as usize]
}

impl Words {
    pub(super) fn of(record: &Record) -> Words {
        let mut words = Words::default();
        let mut met = Met::sized_for(&record.content);
        words.length = each_word(&record.content, |position, form| met.place(&mut words.text, form, position));
        // A title's words weigh more where the content has them (a
        // record's content begins with its title); any other adds nothing.
        if let Some(shown) = record.meta.get("title") {
            each_word(shown, |_, form| {
                if let Some(n) = met.find(&words.text, form) {
                    met.forms[n].in_title += 1;
                }
            });
        }
        words.positions.reserve(met.places.len() * 2);
        for seen in &met.forms {
            let from = words.positions.len() as u32;
            push(&mut words.positions, seen.count - 1);
            let mut gaps = Gaps::default();
            let chain =
                std::iter::successors(Some(seen.first), |&at| Some(met.next[at as usize]).filter(|&n| n != NONE));
            chain.for_each(|at| gaps.push(&mut words.positions, met.places[at as usize]));
            words.forms.push(Form {
                text: seen.text,
                count: seen.count + seen.in_title * (TITLE_WEIGHT - 1),
                positions: (from, words.positions.len() as u32 - from),
            });
        }
        words
    }

    fn form(&self, form: &Form) -> &str {
        form_at(&self.text, form.text)
    }

    fn positions(&self, form: &Form) -> &str {
        &self.positions[form.positions.0 as usize..(form.positions.0 + form.positions.1) as usize]
    }
}

/// The words seen so far: each form as written (lower-cased) and its stem.
#[derive(Default)]
struct Vocabulary {
    forms: FxHashMap<String, u32>,
    form_names: Vec<String>,
    form_stem: Vec<u32>,
    stems: FxHashMap<String, u32>,
    stem_names: Vec<String>,
}

impl Vocabulary {
    /// The number of form `word` (and its stem's), numbering it if it is new.
    fn form(&mut self, word: &str, stems: &Stems) -> u32 {
        if let Some(&id) = self.forms.get(word) {
            return id;
        }
        let stem = stems.of(word);
        let stem_id = match self.stems.get(stem.as_ref()) {
            Some(&id) => id,
            None => {
                let id = self.stem_names.len() as u32;
                self.stems.insert(stem.to_string(), id);
                self.stem_names.push(stem.into_owned());
                id
            }
        };
        let id = self.form_names.len() as u32;
        self.forms.insert(word.to_string(), id);
        self.form_names.push(word.to_string());
        self.form_stem.push(stem_id);
        id
    }
}

/// A key of the dictionary: the stem it names (with documents) and the form it names (with positions).
type Key = (Option<u32>, Option<u32>);

/// The index as it is made, document by document.
struct Indexing {
    stems: Stems,
    words: Vocabulary,
    /// Each stem's documents, with the term's count in each, written as
    /// they come (a document's gap from the last, then the count), as
    /// positions are: a character or two a document, not a pair of numbers.
    postings: Vec<(Gaps, String)>,
    /// Each form's positions, written as they come: per document its gap
    /// from the last, how many positions less one, and their gaps.
    positions: Vec<(Gaps, String)>,
    /// Each document's length in positions.
    lengths: Vec<u32>,
}

impl Indexing {
    fn new(language: &str) -> Indexing {
        Indexing {
            stems: Stems::new(language),
            words: Vocabulary::default(),
            postings: Vec::new(),
            positions: Vec::new(),
            lengths: Vec::new(),
        }
    }

    /// Adds document `doc`, the one after the last added, by its words.
    fn add(&mut self, doc: u32, read: &Words) {
        let (stems, words) = (&self.stems, &mut self.words);
        let mut counts: Vec<(u32, u32)> = Vec::with_capacity(read.forms.len());
        self.lengths.push(read.length);
        for form in &read.forms {
            let id = words.form(read.form(form), stems) as usize;
            // The vocabulary numbers forms only here, one at a time.
            if id >= self.positions.len() {
                self.positions.resize_with(id + 1, Default::default);
            }
            let (gaps, text) = &mut self.positions[id];
            gaps.push(text, doc);
            text.push_str(read.positions(form));
            counts.push((words.form_stem[id], form.count));
        }
        self.postings.resize_with(self.words.stem_names.len(), Default::default);
        counts.sort_unstable_by_key(|&(stem, _)| stem);
        for group in counts.chunk_by(|a, b| a.0 == b.0) {
            let (gaps, text) = &mut self.postings[group[0].0 as usize];
            gaps.push(text, doc);
            push(text, group.iter().map(|&(_, c)| c).sum());
        }
    }

    /// Each stem's documents and weights, written as text.
    fn weighed(&self) -> Vec<String> {
        let docs = self.lengths.len().max(1) as f32;
        let average = (self.lengths.iter().map(|&l| l as f32).sum::<f32>() / docs).max(1.0);
        self.postings
            .iter()
            .map(|(_, list)| {
                let mut text = String::with_capacity(list.len());
                let (mut gaps, mut docs) = (Gaps::default(), Gaps::default());
                let mut numbers = numbers(list);
                while let (Some(gap), Some(count)) = (numbers.next(), numbers.next()) {
                    let doc = docs.take(gap);
                    let count = count as f32;
                    let norm = K1 * (1.0 - B + B * self.lengths[doc as usize] as f32 / average);
                    let share = count * (K1 + 1.0) / (count + norm) / (K1 + 1.0);
                    gaps.push(&mut text, doc);
                    push(&mut text, (share * 31.0).round().clamp(1.0, 31.0) as u32);
                }
                text
            })
            .collect()
    }

    /// The dictionary in chunks, its phrase files and `index.json`.
    fn finish(self, language: &str) -> Vec<Page> {
        let weighed = self.weighed();
        let words = &self.words;
        // Every key: a stem (with documents), a form (with its stem and positions), or both.
        let mut keys: BTreeMap<&str, Key> = BTreeMap::new();
        for (stem, name) in words.stem_names.iter().enumerate() {
            keys.entry(name).or_default().0 = Some(stem as u32);
        }
        for (form, name) in words.form_names.iter().enumerate() {
            keys.entry(name).or_default().1 = Some(form as u32);
        }
        let mut chunks: Vec<Vec<(&str, Key)>> = vec![Vec::new()];
        let mut size = 0;
        for (key, entry) in keys {
            let grows = entry.0.map_or(0, |s| weighed[s as usize].len()) + key.len() + 8;
            if size + grows > CHUNK_CHARS && !chunks.last().is_some_and(Vec::is_empty) {
                chunks.push(Vec::new());
                size = 0;
            }
            size += grows;
            if let Some(chunk) = chunks.last_mut() {
                chunk.push((key, entry));
            }
        }
        let mut pages = Vec::new();
        let mut firsts = Vec::new();
        for (n, chunk) in chunks.iter().enumerate().filter(|(_, c)| !c.is_empty()) {
            firsts.push(Value::from(chunk[0].0));
            let mut entries = Vec::new();
            let mut phrase = Vec::new();
            for &(key, (stem, form)) in chunk {
                let mut fields = Vec::new();
                if let Some(s) = stem {
                    fields.push(format!("\"d\":\"{}\"", weighed[s as usize]));
                }
                if let Some(f) = form {
                    let of = words.form_stem[f as usize];
                    if stem != Some(of) {
                        fields.push(format!("\"s\":{}", Value::from(words.stem_names[of as usize].as_str())));
                    }
                    phrase.push(format!("{}:\"{}\"", Value::from(key), self.positions[f as usize].1));
                }
                entries.push(format!("{}:{{{}}}", Value::from(key), fields.join(",")));
            }
            pages.push(page(&format!("index/{n}.json"), format!("{{{}}}", entries.join(","))));
            pages.push(page(&format!("phrase/{n}.json"), format!("{{{}}}", phrase.join(","))));
        }
        let entry = serde_json::json!({
            "version": 1, "language": language, "docs": self.lengths.len(), "chunks": firsts,
        });
        pages.push(page("index.json", entry.to_string()));
        pages
    }
}

/// A file of the index at `path` under its folder.
fn page(path: &str, content: impl Into<Vec<u8>>) -> Page {
    Page::new(format!("{}{path}", super::INDEX_DIR), content)
}

/// `filters.json` (each filter's values and counts) and a file per filter of each value's documents.
fn filters(all: &BTreeMap<String, BTreeMap<String, Vec<u32>>>) -> Vec<Page> {
    let mut counts = serde_json::Map::new();
    let mut pages = Vec::new();
    for (key, values) in all {
        let mut entries = Vec::new();
        let mut count = serde_json::Map::new();
        for (value, docs) in values {
            let mut text = String::with_capacity(docs.len() * 2);
            let mut gaps = Gaps::default();
            docs.iter().for_each(|&d| gaps.push(&mut text, d));
            entries.push(format!("{}:\"{text}\"", Value::from(value.as_str())));
            count.insert(value.clone(), Value::from(docs.len()));
        }
        counts.insert(key.clone(), Value::Object(count));
        pages.push(page(&format!("filter/{key}.json"), format!("{{{}}}", entries.join(","))));
    }
    pages.push(page("filters.json", sorted_json(&Value::Object(counts))));
    pages
}

/// `value` as JSON with every object's keys in order, whatever order the map keeps them in.
fn sorted_json(value: &Value) -> String {
    match value {
        Value::Object(map) => {
            let sorted: BTreeMap<&String, &Value> = map.iter().collect();
            let fields: Vec<String> =
                sorted.into_iter().map(|(k, v)| format!("{}:{}", Value::from(k.as_str()), sorted_json(v))).collect();
            format!("{{{}}}", fields.join(","))
        }
        other => other.to_string(),
    }
}

/// What document `doc`'s result shows: its URL, its meta (title, kind,
/// speaker, dates), the text its excerpt is cut from, and for a statement
/// where in that text its own words are (`own`, from and to in UTF-16
/// units, as the script counts), rather than the words a second time.
pub(super) fn fragment(doc: usize, mut record: Record) -> Page {
    let own = record.meta.remove("words").and_then(|words| {
        let start = record.content.find(&words)?;
        let utf16 = |text: &str| if text.is_ascii() { text.len() } else { text.encode_utf16().count() };
        let from = utf16(&record.content[..start]);
        Some((from, from + utf16(&words)))
    });
    let mut out = Vec::with_capacity(record.content.len() + 256);
    out.extend_from_slice(b"{\"meta\":{");
    for (i, (key, value)) in record.meta.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        push_json_str(&mut out, key);
        out.push(b':');
        push_json_str(&mut out, value);
    }
    out.push(b'}');
    if let Some((from, to)) = own {
        out.extend_from_slice(format!(",\"own\":[{from},{to}]").as_bytes());
    }
    out.extend_from_slice(b",\"text\":");
    push_json_str(&mut out, &record.content);
    out.extend_from_slice(b",\"url\":");
    push_json_str(&mut out, &record.url);
    out.push(b'}');
    page(&format!("fragment/{doc}.json"), out)
}

/// Appends `text` as a JSON string, as serde_json writes it. Most text
/// has no control character, so only its quotation marks and backslashes
/// are looked for (a vector pass tells), and the runs between are copied whole.
fn push_json_str(out: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    // No early exit: the fold is one vector pass.
    if bytes.iter().fold(false, |control, &b| control | (b < 0x20)) {
        // A vector never fails to be written to.
        let _ = serde_json::to_writer(&mut *out, text);
        return;
    }
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut from = 0;
    for at in memchr::memchr2_iter(b'"', b'\\', bytes) {
        out.extend_from_slice(&bytes[from..at]);
        out.extend_from_slice(&[b'\\', bytes[at]]);
        from = at + 1;
    }
    out.extend_from_slice(&bytes[from..]);
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::code::read;

    proptest::proptest! {
        #[test]
        fn json_strings_are_written_as_serde_json_writes_them(text in "[a\"\\\\\u{0}-\u{1f}é \u{2028}]{0,12}") {
            let mut out = Vec::new();
            push_json_str(&mut out, &text);
            proptest::prop_assert_eq!(String::from_utf8(out).unwrap(), serde_json::to_string(&text).unwrap());
        }
    }

    fn record(url: &str, title: &str, content: &str, date: Option<&str>) -> Record {
        let mut r = Record {
            url: url.into(),
            content: content.into(),
            meta: BTreeMap::from([("title".to_string(), title.to_string())]),
            filters: BTreeMap::from([("kind".to_string(), vec!["Statement".to_string()])]),
            sort: BTreeMap::new(),
        };
        if let Some(date) = date {
            r.sort.insert("date".into(), date.into());
            r.filters.insert("year".into(), vec![date[..4].to_string()]);
        }
        r
    }

    fn site() -> Vec<Page> {
        files(
            vec![
                record("s/new/", "New", "New. Calls to de-escalate tensions.", Some("2025-05-02")),
                record("a/actor/", "Actor", "Actor. A minister.", None),
                record("s/old/", "Old", "Old. Tension rose; talks on tensions.", Some("2024-01-09")),
            ],
            "en",
        )
    }

    fn json(pages: &[Page], path: &str) -> Value {
        let page = pages.iter().find(|p| p.path == format!("{}{path}", crate::search::INDEX_DIR)).expect(path);
        serde_json::from_slice(&page.content).unwrap()
    }

    /// Every key of the dictionary, from all its chunks.
    fn dictionary(pages: &[Page]) -> serde_json::Map<String, Value> {
        let chunks = json(pages, "index.json")["chunks"].as_array().unwrap().len();
        (0..chunks).flat_map(|n| json(pages, &format!("index/{n}.json")).as_object().unwrap().clone()).collect()
    }

    #[test]
    fn undated_notes_come_first_then_the_dated_from_oldest_to_newest() {
        let pages = site();
        let urls: Vec<Value> = (0..3).map(|n| json(&pages, &format!("fragment/{n}.json"))["url"].clone()).collect();
        assert_eq!(urls, ["a/actor/", "s/old/", "s/new/"]);
        assert_eq!(json(&pages, "index.json")["docs"], 3);
    }

    #[test]
    fn a_words_forms_point_to_its_stem_which_holds_the_documents() {
        let words = dictionary(&site());
        assert_eq!(words["tensions"]["s"], "tension", "{words:?}");
        // "tension" in document 1 (twice), in document 2 once: gaps 1 and 0, each with a weight.
        let docs = read(words["tension"]["d"].as_str().unwrap());
        assert_eq!((docs[0], docs[2]), (1, 0), "{docs:?}");
        assert!(docs[1] > docs[3], "said twice weighs more than once: {docs:?}");
        assert!(words.contains_key("de-escalate") && words.contains_key("escal"), "{words:?}");
    }

    #[test]
    fn a_title_word_weighs_more_than_the_same_word_in_the_text() {
        let pages = files(
            vec![record("a/", "Peace", "Peace. Talks.", None), record("b/", "Talks", "Talks. Peace.", None)],
            "en",
        );
        let docs = read(dictionary(&pages)["peac"]["d"].as_str().unwrap());
        assert!(docs[1] > docs[3], "{docs:?}");
    }

    #[test]
    fn positions_say_where_each_form_is_in_each_document() {
        let pages = site();
        let chunks = json(&pages, "index.json")["chunks"].as_array().unwrap().len();
        let phrase: serde_json::Map<String, Value> =
            (0..chunks).flat_map(|n| json(&pages, &format!("phrase/{n}.json")).as_object().unwrap().clone()).collect();
        // "tensions": document 1 at position 5, document 2 at position 4 (gap 0).
        assert_eq!(read(phrase["tensions"].as_str().unwrap()), [1, 0, 5, 0, 0, 4]);
        // The compound and its parts share a position.
        assert_eq!(read(phrase["de-escalate"].as_str().unwrap()), read(phrase["escalate"].as_str().unwrap()));
    }

    #[test]
    fn each_filter_value_lists_its_documents_and_counts_them() {
        let pages = site();
        assert_eq!(json(&pages, "filters.json")["year"], serde_json::json!({ "2024": 1, "2025": 1 }));
        assert_eq!(read(json(&pages, "filter/year.json")["2025"].as_str().unwrap()), [2]);
        assert_eq!(read(json(&pages, "filter/kind.json")["Statement"].as_str().unwrap()), [0, 0, 0]);
    }

    #[test]
    fn the_chunks_first_keys_ascend_and_each_key_is_in_the_chunk_they_name() {
        let words: String = (0..3000).map(|i| format!("w{i:05} ")).collect();
        let pages = files(vec![record("a/", "A", &words, None), record("b/", "B", &words, None)], "xx");
        let firsts: Vec<String> = serde_json::from_value(json(&pages, "index.json")["chunks"].clone()).unwrap();
        assert!(firsts.len() > 1 && firsts.windows(2).all(|w| w[0] < w[1]), "{firsts:?}");
        for (n, chunk) in firsts.iter().enumerate() {
            for key in json(&pages, &format!("index/{n}.json")).as_object().unwrap().keys() {
                let at = firsts.iter().rposition(|f| f.as_str() <= key.as_str()).unwrap();
                assert_eq!(at, n, "{key} in chunk {n}, which begins {chunk}");
            }
        }
    }
}

#[cfg(test)]
mod fragment_tests {
    use super::*;

    #[test]
    fn a_fragment_says_where_a_statements_own_words_are_instead_of_repeating_them() {
        let record = Record {
            url: "statements/x/".into(),
            content: "Über “x”. We urge calm. Context.".into(),
            meta: BTreeMap::from([("title".into(), "Über “x”".into()), ("words".into(), "We urge calm.".into())]),
            filters: BTreeMap::new(),
            sort: BTreeMap::new(),
        };
        let value: Value = serde_json::from_slice(&fragment(0, record).content).unwrap();
        assert_eq!(value["own"], serde_json::json!([10, 23]), "{value}");
        let text: Vec<u16> = value["text"].as_str().unwrap().encode_utf16().collect();
        assert_eq!(String::from_utf16(&text[10..23]).unwrap(), "We urge calm.");
        assert!(value["meta"].get("words").is_none() && value["meta"]["title"] == "Über “x”", "{value}");
    }
}
