//! Quotations: every passage a note quotes must stand word for word in its
//! source (a statement's `source`; for a statement without one and for
//! other notes, any source of the site).

use std::sync::Arc;

use rayon::prelude::*;

use super::{NoteId, Site};
use crate::analysis::normalize::{Needle, Normalized, normalize, normalize_space};
use crate::config::QuotationCheck;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::note::{Kind, Meta, Note, Quotation};

/// What the last check found, kept for the next: the sources' index, and
/// each note's quotations not found. A note's result stands while the note
/// and every source are the same (the parse cache hands back the same
/// note for an unchanged file).
#[derive(Default)]
pub struct QuotationMemo {
    sources: Vec<Arc<Note>>,
    normalized: Vec<Normalized>,
    index: PassageIndex,
    /// Per note, by id: the note checked, and for a note that quotes, the
    /// source position it was checked against and its misses.
    by_id: Vec<(Arc<Note>, Checked)>,
    nearest: NearestMemo,
}

/// A note's quotations not found: each one's index and normalised text.
type Misses = Arc<[(usize, String)]>;

/// What the check of one note found: nothing to check, or the position of
/// the source it must stand in (`None`: any) and the misses.
type Checked = Option<(Option<usize>, Misses)>;

/// In warn mode only the first few misses are shown in full, then a count.
const SHOWN_WARNINGS: usize = 5;

/// Checks that every quotation stands word for word in the note's source
/// (a statement's `source`; for other notes, any source of the site).
pub(super) fn check_quotations(site: &Site, memo: &mut QuotationMemo, diags: &mut Diagnostics) {
    let mode = site.config.quotations;
    if mode == QuotationCheck::Off {
        return;
    }
    // Sources are contiguous in the site's (kind, slug) order; positions in this list index the memo.
    let source_ids: Vec<NoteId> = site.of_kind(Kind::Source).collect();
    if source_ids.is_empty() {
        return;
    }
    refresh_sources(site, &source_ids, memo);
    let (normalized, index) = (&memo.normalized, &memo.index);
    let position = |id: NoteId| source_ids.binary_search(&id).ok();
    let found = |wanted: &str, source: Option<usize>| {
        let needle = Needle::new(wanted);
        match source {
            // One known source: searching it directly is cheaper than the index.
            Some(pos) => needle.is_in(&normalized[pos].text),
            None => index.candidates(wanted).any(|pos| needle.is_in(&normalized[pos].text)),
        }
    };
    let misses_of = |quotations: &[Quotation], source: Option<usize>| -> Misses {
        quotations
            .iter()
            .enumerate()
            .filter_map(|(i, q)| {
                let wanted = normalize(q.text.trim_end_matches(['.', ',']));
                let wanted = wanted.trim_matches('"').to_string();
                (!wanted.is_empty() && !found(&wanted, source)).then_some((i, wanted))
            })
            .collect()
    };
    // Each note's misses, in note order: kept from the last check when the
    // note is the same one (ids stay put while the sources do), found
    // again otherwise.
    let check = |note: &Note| -> Checked {
        let source = match &note.meta {
            // A statement naming no source is held to all of them, as other notes are.
            Meta::Statement(s) => match &s.source {
                Some(r) => Some(position(site.id(&r.value)?)?),
                None => None,
            },
            Meta::Source(_) => return None,
            _ => None,
        };
        (!note.quotations.is_empty()).then(|| (source, misses_of(&note.quotations, source)))
    };
    let n = site.notes.len();
    if memo.by_id.len() == n {
        let stale: Vec<NoteId> =
            NoteId::all(n).filter(|&id| !Arc::ptr_eq(&memo.by_id[id].0, &site.notes[id])).collect();
        let fresh: Vec<Checked> = stale.par_iter().map(|&id| check(&site.notes[id])).collect();
        for (id, checked) in stale.into_iter().zip(fresh) {
            memo.by_id[id] = (Arc::clone(&site.notes[id]), checked);
        }
    } else {
        memo.by_id = site.notes.par_iter().map(|note| (Arc::clone(note), check(note))).collect();
    }
    let home_misses = site.home.as_ref().map(|h| misses_of(&h.quotations, None));
    report_misses(site, &source_ids, memo, home_misses.as_ref(), diags);
}

/// The memo's sources, their normalised text and index made again when
/// the site's sources are not the ones it holds (which also forgets every
/// note's result).
fn refresh_sources(site: &Site, source_ids: &[NoteId], memo: &mut QuotationMemo) {
    let same_sources = memo.sources.len() == source_ids.len()
        && memo.sources.iter().zip(source_ids).all(|(a, &id)| Arc::ptr_eq(a, &site.notes[id]));
    if !same_sources {
        memo.sources = source_ids.iter().map(|&id| Arc::clone(&site.notes[id])).collect();
        memo.normalized = memo.sources.par_iter().map(|n| Normalized::new(n.body())).collect();
        memo.index = PassageIndex::new(&memo.normalized);
        memo.by_id.clear();
        memo.nearest.clear();
    }
}

/// Every note's misses in note order, then home's, reported (in warn mode
/// the first few, then a count).
fn report_misses(
    site: &Site,
    source_ids: &[NoteId],
    memo: &mut QuotationMemo,
    home_misses: Option<&Misses>,
    diags: &mut Diagnostics,
) {
    let mode = site.config.quotations;
    // Every note's misses in note order, then home's: (path, text, quotations, source, misses).
    let notes = memo.by_id.iter().filter_map(|(note, checked)| {
        let (source, found) = checked.as_ref()?;
        Some((note.path.as_path(), &*note.text, &note.quotations, *source, found))
    });
    let home =
        site.home.as_ref().zip(home_misses).map(|(h, found)| (h.path.as_path(), &*h.text, &h.quotations, None, found));
    let mut shown: Vec<Miss<'_>> = Vec::new();
    let mut count = 0;
    for (path, text, quotations, source, found) in notes.chain(home) {
        for (i, wanted) in found.iter() {
            count += 1;
            if mode != QuotationCheck::Warn || shown.len() < SHOWN_WARNINGS {
                shown.push(Miss { path, text, quotation: &quotations[*i], source, wanted });
            }
        }
    }
    diags.extend(report(site, source_ids, &memo.normalized, &mut memo.nearest, &shown, mode));
    if count > shown.len() {
        diags.push(
            Diagnostic::file_error(
                std::path::Path::new("site.toml"),
                format!("{} more quotations are not found in their sources", count - shown.len()),
            )
            .with_help("set `quotations = \"error\"` in site.toml to list them all and fail the build")
            .warning(),
        );
    }
}

/// A quotation not found, to be shown: where it is written, and the
/// position of the source it must stand in (`None`: any).
struct Miss<'a> {
    path: &'a std::path::Path,
    text: &'a str,
    quotation: &'a Quotation,
    source: Option<usize>,
    /// The quotation, normalised.
    wanted: &'a str,
}

/// The nearest passage found for a quotation (normalised) in a source (by
/// position) or in any, and whether it is near enough to show.
type NearestMemo = rustc_hash::FxHashMap<(String, Option<usize>), (Option<String>, bool)>;

/// One diagnostic per miss, each with the nearest passage of its source as
/// help (found in parallel, and kept in `nearest` for the next check).
/// `ids` are the sources' notes and `normalized` their bodies, by position.
fn report(
    site: &Site,
    ids: &[NoteId],
    normalized: &[Normalized],
    nearest: &mut NearestMemo,
    misses: &[Miss<'_>],
    mode: QuotationCheck,
) -> Vec<Diagnostic> {
    let body = |pos: usize| site.notes[ids[pos]].body();
    let found: Vec<(Option<String>, bool)> = misses
        .par_iter()
        .map(|miss| {
            if let Some(known) = nearest.get(&(miss.wanted.to_string(), miss.source)) {
                return known.clone();
            }
            let candidates: Vec<(&Normalized, &str)> = match miss.source {
                Some(pos) => vec![(&normalized[pos], body(pos))],
                None => (0..ids.len()).map(|pos| (&normalized[pos], body(pos))).collect(),
            };
            nearest_passage(miss.wanted, candidates)
        })
        .collect();
    for (miss, near) in misses.iter().zip(&found) {
        nearest.entry((miss.wanted.to_string(), miss.source)).or_insert_with(|| near.clone());
    }
    let mut diags = Vec::with_capacity(misses.len());
    for (miss, (near, in_source)) in misses.iter().zip(found) {
        let source_name = miss
            .source
            .map_or_else(|| "any source note".to_string(), |pos| format!("its source `{}`", site.notes[ids[pos]].slug));
        let mut d = Diagnostic::error(
            miss.path,
            Some(miss.text),
            miss.quotation.pos,
            format!("quotation not found word for word in {source_name}: “{}”", miss.quotation.text),
        );
        d = match near {
            Some(near) if in_source => d.with_help(format!("the nearest passage in the source is: “{near}”")),
            _ => d.with_help("quote the source exactly, or drop the quotation marks and mark it as a paraphrase"),
        };
        if mode == QuotationCheck::Warn {
            d = d.warning();
        }
        diags.push(d);
    }
    diags
}

/// Which sources hold which runs of three words, so that a quotation is
/// looked for only in the sources that could hold it.
#[derive(Default)]
struct PassageIndex {
    /// Hash of three words → the sources holding them (a hash collision
    /// only adds a candidate; `contains` decides).
    trigrams: rustc_hash::FxHashMap<u64, Vec<usize>>,
    all: Vec<usize>,
}

fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty())
}

fn trigram_key(a: &str, b: &str, c: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    (a, b, c).hash(&mut h);
    h.finish()
}

impl PassageIndex {
    /// Indexes the normalised sources; a source is known by its position.
    fn new(sources: &[Normalized]) -> Self {
        // Each source's runs, found in parallel; then gathered in source order.
        let keys: Vec<Vec<u64>> = sources
            .par_iter()
            .map(|normalized| {
                let w: Vec<&str> = words(&normalized.text).collect();
                w.windows(3).map(|t| trigram_key(t[0], t[1], t[2])).collect()
            })
            .collect();
        let mut trigrams: rustc_hash::FxHashMap<u64, Vec<usize>> = rustc_hash::FxHashMap::default();
        for (pos, keys) in keys.into_iter().enumerate() {
            for key in keys {
                let list = trigrams.entry(key).or_default();
                if list.last() != Some(&pos) {
                    list.push(pos);
                }
            }
        }
        PassageIndex { trigrams, all: (0..sources.len()).collect() }
    }

    /// The sources that may hold `wanted` (normalised): those holding the
    /// rarest run of three of its words. The first and last words may be
    /// cut, so runs inside them are used (a four-word quotation uses its
    /// last three); short quotations go everywhere.
    fn candidates(&self, wanted: &str) -> Box<dyn Iterator<Item = usize> + '_> {
        let w: Vec<&str> = words(wanted).collect();
        if w.len() < 4 {
            return Box::new(self.all.iter().copied());
        }
        let last_start = if w.len() == 4 { 1 } else { w.len() - 4 };
        let rarest = (1..=last_start)
            .map(|i| self.trigrams.get(&trigram_key(w[i], w[i + 1], w[i + 2])).map_or(&[][..], Vec::as_slice))
            .min_by_key(|list| list.len())
            .unwrap_or(&[]);
        Box::new(rarest.iter().copied())
    }
}

/// The passage of the sources (as written there) with the most words in
/// common with `wanted`, when at least half of its words are the same.
fn nearest_passage(wanted: &str, sources: Vec<(&Normalized, &str)>) -> (Option<String>, bool) {
    let words: Vec<&str> = wanted.split(' ').collect();
    let n = words.len().max(1);
    // A passage is near when at least half its words are the same, so one
    // of them is among the first `anchors` words: only the windows that
    // line up one of those words are looked at.
    let need = n - n / 2;
    let anchors = (n - need + 1).min(words.len());
    let mut anchor_at: rustc_hash::FxHashMap<&str, Vec<usize>> = rustc_hash::FxHashMap::default();
    for (k, word) in words.iter().enumerate().take(anchors) {
        anchor_at.entry(word).or_default().push(k);
    }
    // Each source's best window (the first with the most words the same),
    // then the best of all (the first source's on a tie).
    let best_in = |normalized: &Normalized| -> Option<(usize, usize)> {
        let spans = word_spans(normalized);
        if spans.len() < n {
            return None;
        }
        let mut starts: Vec<usize> = Vec::new();
        for (j, span) in spans.iter().enumerate() {
            for &k in anchor_at.get(span.0).map_or(&[][..], Vec::as_slice) {
                if j >= k && j - k + n <= spans.len() {
                    starts.push(j - k);
                }
            }
        }
        starts.sort_unstable();
        starts.dedup();
        let mut best: Option<(usize, usize)> = None;
        for start in starts {
            let same = spans[start..start + n].iter().zip(&words).filter(|(a, b)| a.0 == **b).count();
            if best.is_none_or(|(s, _)| same > s) {
                best = Some((same, start));
            }
        }
        best
    };
    let best = sources
        .par_iter()
        .enumerate()
        .filter_map(|(i, (normalized, _))| best_in(normalized).map(|(same, start)| (same, i, start)))
        .reduce_with(|a, b| if b.0 > a.0 || (b.0 == a.0 && b.1 < a.1) { b } else { a });
    match best {
        Some((same, i, start)) if same * 2 >= n => {
            let (normalized, original) = sources[i];
            let spans = word_spans(normalized);
            (Some(passage(normalized, original, &spans[start..start + n])), true)
        }
        _ => (None, false),
    }
}

/// Each word of a normalised text with its byte range.
fn word_spans(normalized: &Normalized) -> Vec<(&str, usize, usize)> {
    let text = &normalized.text;
    let mut spans = Vec::with_capacity(text.len() / 4);
    let mut at = 0;
    for space in memchr::memchr_iter(b' ', text.as_bytes()).chain([text.len()]) {
        spans.push((&text[at..space], at, space));
        at = space + 1;
    }
    spans
}

/// The original text of a run of words, without the quotation marks and
/// punctuation around it, on one line.
fn passage(normalized: &Normalized, original: &str, window: &[(&str, usize, usize)]) -> String {
    let (start, end) = normalized.original_range(window[0].1, window[window.len() - 1].2, original);
    normalize_space(original[start..end].trim_matches(['“', '”', '"', ',', '.']))
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::config::{QuotationCheck, SiteConfig};
    use crate::parse::note_in_content as note;

    fn check(quote: &str, mode: QuotationCheck) -> Diagnostics {
        let notes = vec![
            note(Kind::Actor, "a", "+++\nname = \"A\"\nkind = \"person\"\n+++\n"),
            note(
                Kind::Source,
                "report",
                "+++\ntitle = \"Report\"\n+++\nHe said “the two sides must de-escalate tensions” on Wednesday. Other text follows here.",
            ),
            note(
                Kind::Statement,
                "s",
                &format!(
                    "+++\ntitle = \"S\"\nspeaker = \"a\"\ndate = 2025-01-01\nmedium = \"post\"\nsource = \"report\"\n+++\n> {quote}\n"
                ),
            ),
        ];
        let config = SiteConfig { quotations: mode, ..SiteConfig::default() };
        super::super::link(config, None, notes.into_iter().map(std::sync::Arc::new).collect(), false, &HashSet::new()).1
    }

    #[test]
    fn word_for_word_quotations_pass_whatever_the_quote_marks_and_spacing() {
        assert!(!check("the two  sides must de-escalate tensions", QuotationCheck::Error).has_errors());
        assert!(!check("The Two Sides must de‑escalate tensions.", QuotationCheck::Error).has_errors());
    }

    #[test]
    fn a_changed_word_fails_and_shows_the_nearest_passage() {
        let diags = check("the two sides must ease tensions", QuotationCheck::Error);
        let d = diags.iter().next().expect("an error");
        assert!(d.message.contains("not found word for word in its source `report`"), "{d}");
        assert_eq!(
            d.help.as_deref(),
            Some("the nearest passage in the source is: “the two sides must de-escalate tensions”")
        );
        assert_eq!(d.pos.unwrap().line, 8);
    }

    #[test]
    fn warn_mode_reports_without_failing_and_off_mode_is_silent() {
        let warned = check("words the report never had at all", QuotationCheck::Warn);
        assert!(!warned.has_errors() && !warned.is_empty());
        assert!(check("words the report never had at all", QuotationCheck::Off).is_empty());
    }

    /// Every window of every source, as the nearest passage was first found.
    fn nearest_everywhere(wanted: &str, sources: &[(&Normalized, &str)]) -> (Option<String>, bool) {
        let words: Vec<&str> = wanted.split(' ').collect();
        let n = words.len().max(1);
        let mut best: Option<(usize, String)> = None;
        for &(normalized, original) in sources {
            for window in word_spans(normalized).windows(n) {
                let same = window.iter().zip(&words).filter(|(a, b)| a.0 == **b).count();
                if best.as_ref().is_none_or(|(s, _)| same > *s) {
                    best = Some((same, passage(normalized, original, window)));
                }
            }
        }
        match best {
            Some((same, passage)) if same * 2 >= n => (Some(passage), true),
            _ => (None, false),
        }
    }

    proptest::proptest! {
        /// Looking only where a word lines up finds what looking everywhere finds.
        #[test]
        fn nearest_passage_is_the_one_a_full_scan_finds(
            sources in proptest::collection::vec(proptest::collection::vec(0..6usize, 0..40), 1..4),
            wanted in proptest::collection::vec(0..6usize, 1..9),
        ) {
            const WORDS: [&str; 6] = ["the", "peace", "must", "hold", "and", "talks"];
            let texts: Vec<String> =
                sources.iter().map(|s| s.iter().map(|&w| WORDS[w]).collect::<Vec<_>>().join(" ")).collect();
            let normalized: Vec<Normalized> = texts.iter().map(|t| Normalized::new(t)).collect();
            let pairs: Vec<(&Normalized, &str)> = normalized.iter().zip(&texts).map(|(n, t)| (n, t.as_str())).collect();
            let wanted = wanted.iter().map(|&w| WORDS[w]).collect::<Vec<_>>().join(" ");
            proptest::prop_assert_eq!(nearest_passage(&wanted, pairs.clone()), nearest_everywhere(&wanted, &pairs));
        }
    }
}
