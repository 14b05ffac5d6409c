//! Model: the notes of a site linked into one graph. It resolves every slug
//! in front matter and every link in bodies, and computes, for each note,
//! who links to it (with the sentence of the link) and, for each actor,
//! what they said, what was said to and about them, and where they appear.
//!
//! The model does no I/O; it takes parsed notes and returns the linked site
//! and the problems found.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::analysis::normalize::{Normalized, normalize};
use crate::config::SiteConfig;
use crate::diagnostic::{Diagnostic, Diagnostics, closest};
use crate::note::{ActorKind, HomeNote, Kind, Link, Meta, Note, Quotation, SlugRef};
use crate::parse::markdown::{TITLE_END, TITLE_MARK};

/// Index of a note in [`Site::notes`].
pub type NoteId = usize;

/// A link into a note, seen from the note it is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backlink {
    /// `None` for the home page.
    pub from: Option<NoteId>,
    /// The sentence around the link, as plain text.
    pub sentence: String,
}

/// Everything that concerns one actor.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActorRelations {
    pub said: Vec<NoteId>,
    pub addressed: Vec<NoteId>,
    pub about: Vec<NoteId>,
    pub events: Vec<NoteId>,
    pub comparisons: Vec<NoteId>,
    /// Actors whose `country` is this one.
    pub members: Vec<NoteId>,
}

/// The linked site.
#[derive(Debug, Clone)]
pub struct Site {
    pub config: SiteConfig,
    pub home: Option<HomeNote>,
    /// Sorted by kind, then slug.
    pub notes: Vec<Note>,
    pub by_slug: HashMap<String, NoteId>,
    /// Per note: the notes that link to it.
    pub backlinks: Vec<Vec<Backlink>>,
    /// Per actor note (empty for others).
    pub actors: Vec<ActorRelations>,
    /// Per statement: the comparisons that use it.
    pub compared_in: Vec<Vec<NoteId>>,
    /// Per event: statements that name it.
    pub event_statements: Vec<Vec<NoteId>>,
    /// Per source: statements that cite it.
    pub cited_by: Vec<Vec<NoteId>>,
}

impl Site {
    pub fn note(&self, slug: &str) -> Option<&Note> {
        self.by_slug.get(slug).map(|&id| &self.notes[id])
    }

    pub fn id(&self, slug: &str) -> Option<NoteId> {
        self.by_slug.get(slug).copied()
    }

    /// Ids of the notes of one kind, in slug order.
    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = NoteId> + '_ {
        self.notes.iter().enumerate().filter(move |(_, n)| n.kind() == kind).map(|(i, _)| i)
    }

    /// Statements and events, by date then title.
    pub fn timeline(&self) -> Vec<NoteId> {
        let mut ids: Vec<NoteId> = self
            .notes
            .iter()
            .enumerate()
            .filter(|(_, n)| matches!(n.kind(), Kind::Statement | Kind::Event) && n.date.is_some())
            .map(|(i, _)| i)
            .collect();
        ids.sort_by(|&a, &b| {
            let (na, nb) = (&self.notes[a], &self.notes[b]);
            (na.date.as_ref().map(|d| d.value), na.kind() == Kind::Statement, &na.slug).cmp(&(
                nb.date.as_ref().map(|d| d.value),
                nb.kind() == Kind::Statement,
                &nb.slug,
            ))
        });
        ids
    }

    /// The text to show for a link to `id` written without its own text.
    pub fn link_title(&self, id: NoteId) -> &str {
        &self.notes[id].title
    }
}

/// Links parsed notes into a site. Drafts are dropped unless `drafts`.
/// `unreadable` names the slugs of notes that failed to parse: their own
/// errors are reported already, so links to them are not reported again.
pub fn link(
    config: SiteConfig,
    home: Option<HomeNote>,
    mut notes: Vec<Note>,
    drafts: bool,
    unreadable: &HashSet<String>,
) -> (Site, Diagnostics) {
    let mut diags = Diagnostics::default();
    notes.sort_by(|a, b| (a.kind(), &a.slug).cmp(&(b.kind(), &b.slug)));

    // Duplicate slugs across kinds.
    let mut first_path: HashMap<&str, &std::path::Path> = HashMap::new();
    let mut duplicate = vec![false; notes.len()];
    let mut order: Vec<usize> = (0..notes.len()).collect();
    order.sort_by(|&a, &b| notes[a].path.cmp(&notes[b].path));
    for i in order {
        let note = &notes[i];
        if let Some(other) = first_path.get(note.slug.as_str()) {
            diags.push(
                Diagnostic::file_error(
                    &note.path,
                    format!("the slug `{}` is already used by {}", note.slug, other.display()),
                )
                .with_help("slugs name notes across all kinds; rename one of the two files"),
            );
            duplicate[i] = true;
        } else {
            first_path.insert(&note.slug, &note.path);
        }
    }
    let draft_slugs: HashSet<String> =
        if drafts { HashSet::new() } else { notes.iter().filter(|n| n.draft).map(|n| n.slug.clone()).collect() };
    let notes: Vec<Note> =
        notes.into_iter().zip(duplicate).filter(|(n, dup)| !dup && (drafts || !n.draft)).map(|(n, _)| n).collect();
    let by_slug: HashMap<String, NoteId> = notes.iter().enumerate().map(|(i, n)| (n.slug.clone(), i)).collect();

    let n = notes.len();
    let mut site = Site {
        config,
        home,
        notes,
        by_slug,
        backlinks: vec![Vec::new(); n],
        actors: vec![ActorRelations::default(); n],
        compared_in: vec![Vec::new(); n],
        event_statements: vec![Vec::new(); n],
        cited_by: vec![Vec::new(); n],
    };

    let checker = RefChecker { site: &site, drafts: &draft_slugs, unreadable };
    let mut relations = Relations::default();
    for (id, note) in site.notes.iter().enumerate() {
        checker.front_matter(id, note, &mut diags, &mut relations);
        for link in &note.links {
            if let Some(target) = checker.body_link(note.path.as_path(), &note.text, link, &mut diags) {
                relations.backlinks.push((target, Some(id), link.sentence.clone()));
            }
        }
    }
    if let Some(home) = &site.home {
        for link in &home.links {
            if let Some(target) = checker.body_link(&home.path, &home.text, link, &mut diags) {
                relations.backlinks.push((target, None, link.sentence.clone()));
            }
        }
    }
    relations.apply(&mut site);
    check_quotations(&site, &mut diags);
    (site, diags)
}

/// Relations found while checking, applied once checking is done.
#[derive(Default)]
struct Relations {
    backlinks: Vec<(NoteId, Option<NoteId>, String)>,
    said: Vec<(NoteId, NoteId)>,
    addressed: Vec<(NoteId, NoteId)>,
    about: Vec<(NoteId, NoteId)>,
    events: Vec<(NoteId, NoteId)>,
    members: Vec<(NoteId, NoteId)>,
    compared: Vec<(NoteId, NoteId)>,
    event_statements: Vec<(NoteId, NoteId)>,
    cited: Vec<(NoteId, NoteId)>,
}

impl Relations {
    fn apply(self, site: &mut Site) {
        let mut seen = HashSet::new();
        for (target, from, sentence) in self.backlinks {
            let sentence = fill_titles(&sentence, site);
            if seen.insert((target, from, sentence.clone())) {
                site.backlinks[target].push(Backlink { from, sentence });
            }
        }
        for (actor, statement) in self.said {
            site.actors[actor].said.push(statement);
        }
        for (actor, statement) in self.addressed {
            site.actors[actor].addressed.push(statement);
        }
        for (actor, statement) in self.about {
            site.actors[actor].about.push(statement);
        }
        for (actor, event) in self.events {
            site.actors[actor].events.push(event);
        }
        for (country, member) in self.members {
            site.actors[country].members.push(member);
        }
        for (statement, comparison) in self.compared {
            site.compared_in[statement].push(comparison);
            let speaker = match &site.notes[statement].meta {
                Meta::Statement(s) => site.id(&s.speaker.value),
                _ => None,
            };
            if let Some(speaker) = speaker {
                site.actors[speaker].comparisons.push(comparison);
            }
        }
        for (event, statement) in self.event_statements {
            site.event_statements[event].push(statement);
        }
        for (source, statement) in self.cited {
            site.cited_by[source].push(statement);
        }
        let notes = &site.notes;
        let by_date = |ids: &mut Vec<NoteId>| {
            ids.sort_by(|&a, &b| {
                (notes[a].date.as_ref().map(|d| d.value), &notes[a].slug)
                    .cmp(&(notes[b].date.as_ref().map(|d| d.value), &notes[b].slug))
            });
            ids.dedup();
        };
        for rel in &mut site.actors {
            for list in [
                &mut rel.said,
                &mut rel.addressed,
                &mut rel.about,
                &mut rel.events,
                &mut rel.comparisons,
                &mut rel.members,
            ] {
                by_date(list);
            }
        }
        for list in site.compared_in.iter_mut().chain(&mut site.event_statements).chain(&mut site.cited_by) {
            by_date(list);
        }
        for list in &mut site.backlinks {
            list.sort_by(|a, b| {
                (a.from.map(|f| (notes[f].kind(), &notes[f].slug)))
                    .cmp(&b.from.map(|f| (notes[f].kind(), &notes[f].slug)))
            });
        }
    }
}

/// Puts each linked note's title where a link's text comes from it.
fn fill_titles(sentence: &str, site: &Site) -> String {
    let mut out = String::with_capacity(sentence.len());
    let mut rest = sentence;
    while let Some(start) = rest.find(TITLE_MARK) {
        out.push_str(&rest[..start]);
        let after = &rest[start + TITLE_MARK.len_utf8()..];
        let end = after.find(TITLE_END).unwrap_or(after.len());
        let slug = &after[..end];
        out.push_str(site.id(slug).map_or(slug, |id| site.link_title(id)));
        rest = after.get(end + TITLE_END.len_utf8()..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

struct RefChecker<'a> {
    site: &'a Site,
    drafts: &'a HashSet<String>,
    unreadable: &'a HashSet<String>,
}

impl RefChecker<'_> {
    /// Resolves a front-matter reference that must name a note of `kind`.
    fn reference(&self, note: &Note, field: &str, r: &SlugRef, kind: Kind, diags: &mut Diagnostics) -> Option<NoteId> {
        let err = |message: String| Diagnostic::error(&note.path, Some(&note.text), r.pos, message);
        match self.site.by_slug.get(&r.value) {
            Some(&id) if self.site.notes[id].kind() == kind => Some(id),
            Some(&id) => {
                let other = self.site.notes[id].kind();
                let mut d = err(format!(
                    "`{}` in `{field}` is {} {}, but `{field}` must name {} {}",
                    r.value,
                    article(other.name()),
                    other.name(),
                    article(kind.name()),
                    kind.name()
                ));
                if let Some(near) = self.closest_of_kind(&r.value, kind) {
                    d = d.with_help(format!("did you mean `{near}`?"));
                }
                diags.push(d);
                None
            }
            None if self.unreadable.contains(&r.value) => None,
            None if self.drafts.contains(&r.value) => {
                diags.push(
                    err(format!("`{}` in `{field}` is a draft, left out of this build", r.value))
                        .with_help("build with --drafts, or remove `draft = true` from that note"),
                );
                None
            }
            None => {
                let mut d = err(format!("no {} named `{}` (in `{field}`)", kind.name(), r.value));
                d = match self.closest_of_kind(&r.value, kind) {
                    Some(near) => d.with_help(format!("did you mean `{near}`?")),
                    None => d.with_help(format!("create content/{}/{}.md, or fix the slug", kind.folder(), r.value)),
                };
                diags.push(d);
                None
            }
        }
    }

    fn closest_of_kind(&self, slug: &str, kind: Kind) -> Option<&str> {
        closest(slug, self.site.notes.iter().filter(|n| n.kind() == kind).map(|n| n.slug.as_str()))
    }

    fn front_matter(&self, id: NoteId, note: &Note, diags: &mut Diagnostics, rel: &mut Relations) {
        match &note.meta {
            Meta::Actor(a) => {
                if let Some(country) = &a.country
                    && let Some(c) = self.reference(note, "country", country, Kind::Actor, diags)
                {
                    match &self.site.notes[c].meta {
                        Meta::Actor(ca) if ca.kind == ActorKind::Country => rel.members.push((c, id)),
                        _ => diags.push(
                            Diagnostic::error(
                                &note.path,
                                Some(&note.text),
                                country.pos,
                                format!("`{}` in `country` is not an actor of kind country", country.value),
                            )
                            .with_help("`country` must name an actor with `kind = \"country\"`"),
                        ),
                    }
                }
            }
            Meta::Statement(s) => {
                if let Some(a) = self.reference(note, "speaker", &s.speaker, Kind::Actor, diags) {
                    rel.said.push((a, id));
                }
                for r in &s.addressed_to {
                    if let Some(a) = self.reference(note, "addressed_to", r, Kind::Actor, diags) {
                        rel.addressed.push((a, id));
                    }
                }
                for r in &s.about {
                    if let Some(a) = self.reference(note, "about", r, Kind::Actor, diags) {
                        rel.about.push((a, id));
                    }
                }
                if let Some(r) = &s.event
                    && let Some(e) = self.reference(note, "event", r, Kind::Event, diags)
                {
                    rel.event_statements.push((e, id));
                }
                if let Some(r) = &s.source
                    && let Some(src) = self.reference(note, "source", r, Kind::Source, diags)
                {
                    rel.cited.push((src, id));
                }
            }
            Meta::Event(e) => {
                for r in &e.actors {
                    if let Some(a) = self.reference(note, "actors", r, Kind::Actor, diags) {
                        rel.events.push((a, id));
                    }
                }
            }
            Meta::Comparison(c) => {
                for (field, r) in [("left", &c.left), ("right", &c.right)] {
                    if let Some(s) = self.reference(note, field, r, Kind::Statement, diags) {
                        rel.compared.push((s, id));
                    }
                }
            }
            Meta::Source(_) => {}
        }
    }

    /// Resolves a link in a body; reports it when broken.
    fn body_link(&self, path: &std::path::Path, text: &str, link: &Link, diags: &mut Diagnostics) -> Option<NoteId> {
        let err = |message: String| Diagnostic::error(path, Some(text), link.pos, message);
        let found = self
            .site
            .by_slug
            .get(&link.target)
            .copied()
            .filter(|&id| link.target_kind.is_none_or(|k| self.site.notes[id].kind() == k));
        let Some(id) = found else {
            if self.unreadable.contains(&link.target) {
                return None;
            }
            let written = match link.style {
                crate::note::LinkStyle::Wiki => format!("[[{}]]", link.target),
                crate::note::LinkStyle::Markdown => format!("a link to `{}`", link.target),
            };
            let mut d = if self.drafts.contains(&link.target) {
                err(format!("{written} links to a draft, left out of this build"))
                    .with_help("build with --drafts, or remove the link")
            } else {
                err(format!("{written} links to a note that does not exist"))
            };
            if d.help.is_none() {
                let candidates = self
                    .site
                    .notes
                    .iter()
                    .filter(|n| link.target_kind.is_none_or(|k| n.kind() == k))
                    .map(|n| n.slug.as_str());
                d = match closest(&link.target, candidates) {
                    Some(near) => d.with_help(format!("did you mean `{near}`?")),
                    None => d.with_help("check the slug: it is the note's file name without `.md`"),
                };
            }
            diags.push(d);
            return None;
        };
        if let Some(heading) = &link.heading {
            let target = &self.site.notes[id];
            if !target.headings.iter().any(|h| &h.id == heading) {
                let mut d = err(format!("`{}` has no heading `#{heading}`", link.target));
                d = match closest(heading, target.headings.iter().map(|h| h.id.as_str())) {
                    Some(near) => d.with_help(format!("did you mean `#{near}`?")),
                    None if target.headings.is_empty() => d.with_help(format!("`{}` has no headings", link.target)),
                    None => d.with_help(format!(
                        "its headings are: {}",
                        target.headings.iter().map(|h| format!("#{}", h.id)).collect::<Vec<_>>().join(", ")
                    )),
                };
                diags.push(d);
            }
        }
        Some(id)
    }
}

fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" }
}

/// Checks that every quotation stands word for word in the note's source
/// (a statement's `source`; for other notes, any source of the site).
fn check_quotations(site: &Site, diags: &mut Diagnostics) {
    use crate::config::QuotationCheck;
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
    // In warn mode only the first few are shown in full, then a count.
    const SHOWN_WARNINGS: usize = 5;
    let mut missing = 0usize;
    let mut check = |path: &std::path::Path, text: &str, quotations: &[Quotation], source: Option<NoteId>| {
        for q in quotations {
            let wanted = normalize(q.text.trim_end_matches(['.', ',']));
            let wanted = wanted.trim_matches('"');
            if wanted.is_empty() {
                continue;
            }
            let found = match source {
                Some(id) => {
                    index.candidates(wanted).any(|c| c == id)
                        && sources.get(&id).is_some_and(|s| s.0.text.contains(wanted))
                }
                None => index.candidates(wanted).any(|id| sources[&id].0.text.contains(wanted)),
            };
            if found {
                continue;
            }
            missing += 1;
            if mode == QuotationCheck::Warn && missing > SHOWN_WARNINGS {
                continue;
            }
            let (near, in_source) = nearest_passage(
                wanted,
                source.map_or_else(|| sources.values().collect(), |id| sources.get(&id).into_iter().collect()),
            );
            let source_name = source
                .map_or_else(|| "any source note".to_string(), |id| format!("its source `{}`", site.notes[id].slug));
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
    };
    for note in &site.notes {
        let source = match &note.meta {
            Meta::Statement(s) => match &s.source {
                Some(r) => site.id(&r.value),
                None => continue,
            },
            Meta::Source(_) => continue,
            _ => None,
        };
        check(&note.path, &note.text, &note.quotations, source);
    }
    if let Some(home) = &site.home {
        check(&home.path, &home.text, &home.quotations, None);
    }
    if mode == QuotationCheck::Warn && missing > SHOWN_WARNINGS {
        diags.push(
            Diagnostic::file_error(
                std::path::Path::new("site.toml"),
                format!("{} more quotations are not found in their sources", missing - SHOWN_WARNINGS),
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
