//! Previews of linked notes: what a reader sees on hovering or focusing a
//! link to a note (a statement's speaker, date and own words; an actor's
//! name, role and country; a comparison's two sides; an event's date,
//! place and actors).
//!
//! A preview is fetched only when a reader asks for one, so it must be
//! small, and the files must be few, since every build writes them. One
//! file per note would be 10,000 more files at 10,000 statements; one file
//! for all would make every preview cost the whole site's. So the
//! previews are put in [`BUCKETS`] files by a hash of the note's URL
//! (FNV-1a, which `static/search.js` computes the same way): at 10,000
//! notes about ten previews share a file of one or two kilobytes
//! compressed, and a small site writes one file per note at most.

use serde_json::{Value, json};

use crate::model::NoteId;
use crate::note::Meta;
use crate::render::Page;
use crate::render::reads::SiteReads;

/// How many preview files a site has at most.
pub(super) const BUCKETS: u32 = 1024;

/// How many characters of a statement's own words a preview shows.
const WORDS_CHARS: usize = 280;

/// The bucket of the note at `url` (from the site root): FNV-1a of its bytes.
pub(super) fn bucket(url: &str) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in url.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash % BUCKETS
}

/// Note `id`'s preview, as JSON: `kind`, `title`, `lines` (what it is: a
/// speaker and date, a role, …) and, for a statement, `words`.
pub(super) fn preview(reads: &SiteReads, id: NoteId) -> String {
    let head = reads.head(id);
    let mut lines: Vec<String> = Vec::new();
    let mut words = None;
    let mut paraphrase = false;
    let name_of = |slug: &str| reads.find(slug).map(|sid| reads.name(sid).title.to_string());
    let date = head.date_display();
    match head.meta() {
        Meta::Statement(s) => {
            let by: Vec<String> = name_of(&s.speaker.value).into_iter().chain(date).collect();
            lines.push(format!("{} · {}", by.join(", "), s.medium.label()));
            let own = crate::render::describe::own_passages(reads, id).join(" … ");
            words = (!own.is_empty()).then(|| cut(&own));
            paraphrase = s.paraphrase;
        }
        Meta::Actor(a) => {
            lines.extend(a.role.clone());
            lines.extend(a.country.as_ref().and_then(|c| name_of(&c.value)));
        }
        Meta::Event(e) => {
            lines.push([date, e.place.clone()].into_iter().flatten().collect::<Vec<_>>().join(" · "));
            let actors: Vec<String> = e.actors.iter().filter_map(|a| name_of(&a.value)).collect();
            if !actors.is_empty() {
                lines.push(actors.join(", "));
            }
        }
        Meta::Comparison(c) => {
            for side in [&c.left, &c.right] {
                lines.extend(reads.find(&side.value).map(|sid| side_line(reads, sid)));
            }
        }
        Meta::Source(s) => lines.extend(s.publisher.clone()),
    }
    lines.retain(|l| !l.is_empty());
    let mut value = json!({ "kind": head.kind().name(), "title": head.title(), "lines": lines });
    if let Some(words) = words {
        value["words"] = Value::from(words);
    }
    if paraphrase {
        value["paraphrase"] = Value::from(true);
    }
    value.to_string()
}

/// One side of a comparison in a line: the statement's title, its speaker and date.
fn side_line(reads: &SiteReads, id: NoteId) -> String {
    let head = reads.head(id);
    let mut by = Vec::new();
    if let Meta::Statement(s) = head.meta()
        && let Some(speaker) = reads.find(&s.speaker.value)
    {
        by.push(reads.name(speaker).title.to_string());
    }
    by.extend(head.date_display());
    if by.is_empty() { head.title().to_string() } else { format!("{} ({})", head.title(), by.join(", ")) }
}

/// `text` cut to at most [`WORDS_CHARS`] characters after a whole word.
fn cut(text: &str) -> String {
    if text.chars().count() <= WORDS_CHARS {
        return text.to_string();
    }
    let end = text.char_indices().nth(WORDS_CHARS).map_or(text.len(), |(i, _)| i);
    let at = text[..end].rfind(' ').unwrap_or(end);
    format!("{}…", text[..at].trim_end_matches([',', ';', ':', ' ']))
}

/// The preview files: each bucket's previews as one JSON object by URL.
pub(super) fn files(previews: &[(String, String)]) -> Vec<Page> {
    let mut buckets: std::collections::BTreeMap<u32, Vec<(&str, &str)>> = std::collections::BTreeMap::new();
    for (url, json) in previews {
        buckets.entry(bucket(url)).or_default().push((url, json));
    }
    buckets
        .into_iter()
        .map(|(bucket, mut entries)| {
            entries.sort();
            let body: Vec<String> = entries.iter().map(|(url, json)| format!("{}:{json}", Value::from(*url))).collect();
            Page::new(format!("{}{bucket}.json", super::PREVIEWS_DIR), format!("{{{}}}", body.join(",")))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_fnv_1a_as_the_script_computes_them() {
        // FNV-1a 32 of "a" is 0xe40c292c.
        assert_eq!(bucket("a"), 0xe40c_292c % BUCKETS);
        assert!(bucket("statements/rubio-jaishankar-readout/") < BUCKETS);
    }

    #[test]
    fn long_words_are_cut_whole() {
        let long = "word ".repeat(100);
        let cut = cut(long.trim());
        assert!(cut.ends_with("word…") && cut.chars().count() <= WORDS_CHARS + 1, "{cut}");
    }
}
