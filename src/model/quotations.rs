//! Quotations: every passage a note quotes must stand word for word in its
//! source (a statement's `source`; for other notes, any source of the site).

use std::collections::{BTreeMap, HashMap};

use super::{NoteId, Site};
use crate::analysis::normalize::{Normalized, normalize};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::note::{Kind, Meta, Quotation};

/// Checks that every quotation stands word for word in the note's source
/// (a statement's `source`; for other notes, any source of the site).
pub(super) fn check_quotations(site: &Site, diags: &mut Diagnostics) {
    use crate::config::QuotationCheck;
    use rayon::prelude::*;
    let mode = site.config.quotations;
    if mode == QuotationCheck::Off {
        return;
    }
    let sources: BTreeMap<NoteId, (Normalized, &str)> = site
        .of_kind(Kind::Source)
        .map(|id| (id, (Normalized::new(site.notes[id].body()), site.notes[id].body())))
        .collect();
    if sources.is_empty() {
        return;
    }
    let index = PassageIndex::new(&sources);
    let found = |wanted: &str, source: Option<NoteId>| match source {
        Some(id) => {
            index.candidates(wanted).any(|c| c == id) && sources.get(&id).is_some_and(|s| s.0.text.contains(wanted))
        }
        None => index.candidates(wanted).any(|id| sources[&id].0.text.contains(wanted)),
    };
    // Each note's quotations, and the source they must stand in.
    let mut quoting: Vec<(&std::path::Path, &str, &[Quotation], Option<NoteId>)> = site
        .notes
        .iter()
        .filter_map(|note| {
            let source = match &note.meta {
                Meta::Statement(s) => Some(site.id(&s.source.as_ref()?.value)?),
                Meta::Source(_) => return None,
                _ => None,
            };
            Some((note.path.as_path(), &*note.text, note.quotations.as_slice(), source))
        })
        .collect();
    if let Some(home) = &site.home {
        quoting.push((&home.path, &home.text, &home.quotations, None));
    }
    // Every quotation not found, in note order (checked in parallel).
    let misses: Vec<(&std::path::Path, &str, &Quotation, Option<NoteId>, String)> = quoting
        .par_iter()
        .flat_map_iter(|&(path, text, quotations, source)| {
            quotations.iter().filter_map(move |q| {
                let wanted = normalize(q.text.trim_end_matches(['.', ',']));
                let wanted = wanted.trim_matches('"').to_string();
                (!wanted.is_empty() && !found(&wanted, source)).then_some((path, text, q, source, wanted))
            })
        })
        .collect();
    // In warn mode only the first few are shown in full, then a count.
    const SHOWN_WARNINGS: usize = 5;
    let shown = if mode == QuotationCheck::Warn { SHOWN_WARNINGS.min(misses.len()) } else { misses.len() };
    for (path, text, q, source, wanted) in &misses[..shown] {
        let (near, in_source) = nearest_passage(
            wanted,
            source.map_or_else(|| sources.values().collect(), |id| sources.get(&id).into_iter().collect()),
        );
        let source_name =
            source.map_or_else(|| "any source note".to_string(), |id| format!("its source `{}`", site.notes[id].slug));
        let mut d = Diagnostic::error(
            path,
            Some(text),
            q.pos,
            format!("quotation not found word for word in {source_name}: “{}”", q.text),
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
    if misses.len() > shown {
        diags.push(
            Diagnostic::file_error(
                std::path::Path::new("site.toml"),
                format!("{} more quotations are not found in their sources", misses.len() - shown),
            )
            .with_help("set `quotations = \"error\"` in site.toml to list them all and fail the build")
            .warning(),
        );
    }
}

/// Which sources hold which runs of three words, so that a quotation is
/// looked for only in the sources that could hold it.
struct PassageIndex {
    /// Hash of three words → the sources holding them (a hash collision
    /// only adds a candidate; `contains` decides).
    trigrams: HashMap<u64, Vec<NoteId>>,
    all: Vec<NoteId>,
}

fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty())
}

fn trigram_key(a: &str, b: &str, c: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (a, b, c).hash(&mut h);
    h.finish()
}

impl PassageIndex {
    fn new(sources: &BTreeMap<NoteId, (Normalized, &str)>) -> Self {
        let mut trigrams: HashMap<u64, Vec<NoteId>> = HashMap::new();
        for (&id, (normalized, _)) in sources {
            let w: Vec<&str> = words(&normalized.text).collect();
            for t in w.windows(3) {
                let list = trigrams.entry(trigram_key(t[0], t[1], t[2])).or_default();
                if list.last() != Some(&id) {
                    list.push(id);
                }
            }
        }
        PassageIndex { trigrams, all: sources.keys().copied().collect() }
    }

    /// The sources that may hold `wanted` (normalised). The first word may
    /// be cut, so the run after it is used; short quotations go everywhere.
    fn candidates(&self, wanted: &str) -> Box<dyn Iterator<Item = NoteId> + '_> {
        let w: Vec<&str> = words(wanted).take(4).collect();
        if w.len() < 4 {
            return Box::new(self.all.iter().copied());
        }
        Box::new(self.trigrams.get(&trigram_key(w[1], w[2], w[3])).into_iter().flatten().copied())
    }
}

/// The passage of the sources (as written there) with the most words in
/// common with `wanted`, when at least half of its words are the same.
fn nearest_passage(wanted: &str, sources: Vec<&(Normalized, &str)>) -> (Option<String>, bool) {
    let words: Vec<&str> = wanted.split(' ').collect();
    let n = words.len().max(1);
    let mut best: Option<(usize, String)> = None;
    for (normalized, original) in sources {
        // Each word of the normalised source with its byte range.
        let mut spans = Vec::new();
        let mut at = 0;
        for word in normalized.text.split(' ') {
            spans.push((word, at, at + word.len()));
            at += word.len() + 1;
        }
        if spans.len() < n {
            continue;
        }
        for window in spans.windows(n) {
            let same = window.iter().zip(&words).filter(|(a, b)| a.0 == **b).count();
            if best.as_ref().is_none_or(|(s, _)| same > *s) {
                let (start, end) = normalized.original_range(window[0].1, window[n - 1].2, original);
                let passage = original[start..end].trim_matches(['“', '”', '"', ',', '.']);
                best = Some((same, passage.split_whitespace().collect::<Vec<_>>().join(" ")));
            }
        }
    }
    match best {
        Some((same, passage)) if same * 2 >= n => (Some(passage), true),
        _ => (None, false),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::path::Path;
    use std::sync::Arc;

    use super::*;
    use crate::config::{QuotationCheck, SiteConfig};
    use crate::note::Note;

    fn note(kind: Kind, slug: &str, text: &str) -> Note {
        let path = format!("content/{}/{slug}.md", kind.folder());
        crate::parse::parse_note(kind, slug, Path::new(&path), Arc::from(text)).expect("parses")
    }

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
}
