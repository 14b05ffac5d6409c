//! Model: the notes of a site linked into one graph. It resolves every slug
//! in front matter and every link in bodies, and computes, for each note,
//! who links to it (with the sentence of the link) and, for each actor,
//! what they said, what was said to and about them, and where they appear.
//!
//! The model does no I/O; it takes parsed notes and returns the linked site
//! and the problems found.

use std::collections::HashSet;
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::SiteConfig;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::note::{HomeNote, Kind, Meta, Note, Relation};
use crate::parse::markdown::{TITLE_END, TITLE_MARK};
pub use quotations::QuotationMemo;
use quotations::check_quotations;
use references::RefChecker;

mod quotations;
mod references;

/// A note of the site: its place in [`Site::notes`] (and in every list
/// kept beside it, which it indexes directly).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NoteId(u32);

impl NoteId {
    /// The note at `index` in [`Site::notes`].
    ///
    /// # Panics
    /// If `index` does not fit in 32 bits (four billion notes).
    #[must_use]
    pub fn new(index: usize) -> NoteId {
        NoteId(u32::try_from(index).expect("a site has fewer than four billion notes"))
    }

    /// Its place in [`Site::notes`].
    #[must_use]
    pub fn index(self) -> usize {
        self.0 as usize
    }

    /// Every note id of a site of `count` notes, in order.
    pub fn all(count: usize) -> impl DoubleEndedIterator<Item = NoteId> + ExactSizeIterator + Clone {
        (0..count).map(NoteId::new)
    }

    /// [`NoteId::all`], for rayon.
    pub fn par_all(count: usize) -> impl IndexedParallelIterator<Item = NoteId> {
        (0..count).into_par_iter().map(NoteId::new)
    }
}

impl<T> std::ops::Index<NoteId> for [T] {
    type Output = T;
    fn index(&self, id: NoteId) -> &T {
        &self[id.index()]
    }
}

impl<T> std::ops::IndexMut<NoteId> for [T] {
    fn index_mut(&mut self, id: NoteId) -> &mut T {
        &mut self[id.index()]
    }
}

impl<T> std::ops::Index<NoteId> for Vec<T> {
    type Output = T;
    fn index(&self, id: NoteId) -> &T {
        &self[id.index()]
    }
}

impl<T> std::ops::IndexMut<NoteId> for Vec<T> {
    fn index_mut(&mut self, id: NoteId) -> &mut T {
        &mut self[id.index()]
    }
}

/// The notes a body's links go to, in the order of its links (`None` when
/// a link names no note).
pub type LinkTargets = Arc<[Option<NoteId>]>;

/// A link into a note, seen from the note it is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backlink {
    /// `None` for the home page.
    pub from: Option<NoteId>,
    /// The sentence around the link, as plain text.
    pub sentence: Arc<str>,
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

impl ActorRelations {
    /// Its lists, in the order of the fields.
    pub fn lists(&self) -> [&Vec<NoteId>; 6] {
        [&self.said, &self.addressed, &self.about, &self.events, &self.comparisons, &self.members]
    }

    fn lists_mut(&mut self) -> [&mut Vec<NoteId>; 6] {
        [
            &mut self.said,
            &mut self.addressed,
            &mut self.about,
            &mut self.events,
            &mut self.comparisons,
            &mut self.members,
        ]
    }
}

/// The linked site.
#[derive(Debug, Clone)]
pub struct Site {
    pub config: SiteConfig,
    pub home: Option<HomeNote>,
    /// Sorted by kind, then slug.
    /// Shared with the parse cache: a rebuild keeps the notes that did not change.
    pub notes: Vec<Arc<Note>>,
    /// Slug → note (a fast hash: slugs are looked up for every link, on every build).
    pub by_slug: Arc<rustc_hash::FxHashMap<String, NoteId>>,
    /// Per note: its page's URL from the site root (`statements/x/`), made
    /// one after another so that they lie together. The render reads every
    /// page address from this small table (a body's links too), not from
    /// each note.
    pub urls: Arc<Vec<Box<str>>>,
    /// Per note: where the links in its body go.
    pub link_targets: Vec<LinkTargets>,
    /// Per note: the notes that link to it.
    /// (Each list shared: a rebuild copies the site and replaces only the lists that changed.)
    pub backlinks: Vec<Arc<Vec<Backlink>>>,
    /// Per actor note (empty for others).
    pub actors: Vec<ActorRelations>,
    /// Per statement: the comparisons that use it.
    pub compared_in: Vec<Vec<NoteId>>,
    /// Per event: statements that name it.
    pub event_statements: Vec<Vec<NoteId>>,
    /// Per source: statements that cite it.
    pub cited_by: Vec<Vec<NoteId>>,
    /// What pages need of each image the site shows (its size, its resized
    /// copies), by output path. The model leaves it empty: the prepare
    /// stage, which reads the image files, fills it in.
    pub images: Arc<crate::images::ImageTable>,
}

impl Site {
    pub fn note(&self, slug: &str) -> Option<&Note> {
        self.by_slug.get(slug).map(|&id| &*self.notes[id])
    }

    /// Every note's id, in order.
    pub fn ids(&self) -> impl DoubleEndedIterator<Item = NoteId> + ExactSizeIterator + Clone + use<> {
        NoteId::all(self.notes.len())
    }

    pub fn id(&self, slug: &str) -> Option<NoteId> {
        self.by_slug.get(slug).copied()
    }

    /// Ids of the notes of one kind, in slug order.
    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = NoteId> + '_ {
        self.ids().filter(move |&id| self.notes[id].kind() == kind)
    }

    /// Statements and events, by date then title.
    pub fn timeline(&self) -> Vec<NoteId> {
        let mut ids: Vec<NoteId> = self
            .ids()
            .filter(|&id| {
                matches!(self.notes[id].kind(), Kind::Statement | Kind::Event) && self.notes[id].date.is_some()
            })
            .collect();
        // Each note's key found once, not twice per comparison.
        ids.sort_by_cached_key(|&id| {
            let n = &self.notes[id];
            let (date, slug) = n.date_key();
            (date, n.kind() == Kind::Statement, slug)
        });
        ids
    }

    /// Every relation list of note `id` (those of an actor, then the
    /// comparisons, statements and citations that name it): the one
    /// enumeration of them.
    pub fn relation_lists(&self, id: NoteId) -> impl Iterator<Item = &[NoteId]> {
        let actor = self.actors[id].lists().into_iter().map(Vec::as_slice);
        actor.chain([&*self.compared_in[id], &*self.event_statements[id], &*self.cited_by[id]])
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
    notes: Vec<Arc<Note>>,
    drafts: bool,
    unreadable: &HashSet<String>,
) -> (Site, Diagnostics) {
    link_with(config, home, notes, drafts, unreadable, &mut QuotationMemo::default())
}

/// [`link`], keeping the quotation check's results in `memo` for the next
/// call: only the notes that changed are checked again.
pub fn link_with(
    config: SiteConfig,
    home: Option<HomeNote>,
    mut notes: Vec<Arc<Note>>,
    drafts: bool,
    unreadable: &HashSet<String>,
    memo: &mut QuotationMemo,
) -> (Site, Diagnostics) {
    let mut diags = Diagnostics::default();
    notes.sort_by(|a, b| (a.kind(), &a.slug).cmp(&(b.kind(), &b.slug)));
    let duplicate = duplicate_slugs(&notes, &mut diags);
    let draft_slugs: HashSet<String> =
        if drafts { HashSet::new() } else { notes.iter().filter(|n| n.draft).map(|n| n.slug.clone()).collect() };
    let notes: Vec<Arc<Note>> =
        notes.into_iter().zip(duplicate).filter(|(n, dup)| !dup && (drafts || !n.draft)).map(|(n, _)| n).collect();
    let mut site = Site::unlinked(config, home, notes);
    let checker = RefChecker { site: &site, drafts: &draft_slugs, unreadable };
    let (relations, link_targets) = check_references(&checker, &mut diags);
    site.link_targets = link_targets;
    relations.apply(&mut site);
    check_quotations(&site, memo, &mut diags);
    (site, diags)
}

/// Which notes lose their slug to another note (of any kind): the note
/// with the first path keeps it, the others are errors.
fn duplicate_slugs(notes: &[Arc<Note>], diags: &mut Diagnostics) -> Vec<bool> {
    let mut first: rustc_hash::FxHashMap<&str, usize> = rustc_hash::FxHashMap::default();
    let mut duplicates: Vec<usize> = Vec::new();
    for (i, note) in notes.iter().enumerate() {
        match first.entry(note.slug.as_str()) {
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(i);
            }
            std::collections::hash_map::Entry::Occupied(mut e) => {
                if note.path < notes[*e.get()].path {
                    duplicates.push(e.insert(i));
                } else {
                    duplicates.push(i);
                }
            }
        }
    }
    duplicates.sort_by(|&a, &b| notes[a].path.cmp(&notes[b].path));
    let mut duplicate = vec![false; notes.len()];
    for &i in &duplicates {
        let note = &notes[i];
        let other = &notes[first[note.slug.as_str()]].path;
        diags.push(
            Diagnostic::file_error(
                &note.path,
                format!("the slug `{}` is already used by {}", note.slug, other.display()),
            )
            .with_help("slugs name notes across all kinds; rename one of the two files"),
        );
        duplicate[i] = true;
    }
    duplicate
}

impl Site {
    /// The notes (sorted) in a site with no relations yet.
    fn unlinked(config: SiteConfig, home: Option<HomeNote>, notes: Vec<Arc<Note>>) -> Site {
        let by_slug: rustc_hash::FxHashMap<String, NoteId> =
            notes.iter().enumerate().map(|(i, n)| (n.slug.clone(), NoteId::new(i))).collect();
        let urls: Vec<Box<str>> =
            notes.iter().map(|n| crate::urls::note_url(n.kind(), &n.slug).into_boxed_str()).collect();
        let n = notes.len();
        Site {
            config,
            home,
            notes,
            by_slug: Arc::new(by_slug),
            urls: Arc::new(urls),
            link_targets: Vec::new(),
            backlinks: vec![Arc::default(); n],
            actors: vec![ActorRelations::default(); n],
            compared_in: vec![Vec::new(); n],
            event_statements: vec![Vec::new(); n],
            cited_by: vec![Vec::new(); n],
            images: Arc::default(),
        }
    }
}

/// Every front-matter reference and body link checked: the relations
/// found and where each note's links go.
fn check_references(checker: &RefChecker, diags: &mut Diagnostics) -> (Relations, Vec<LinkTargets>) {
    let site = checker.site;
    let mut relations = Relations::default();
    // Home's links first, then each note's in the site's order: every
    // backlink list comes out in the order it is shown (home, then by the
    // linking note's kind and slug), with no sorting.
    if let Some(home) = &site.home {
        for (i, link) in home.links.iter().enumerate() {
            if let Some(target) = checker.body_link(&home.path, &home.text, link, diags) {
                relations.backlinks.push((target, None, i));
            }
        }
    }
    // Notes are checked in parallel; their findings are then appended in
    // the site's order, so the result is the same as one pass in order.
    let found: Vec<(Diagnostics, Relations, LinkTargets)> = site
        .notes
        .par_iter()
        .enumerate()
        .map(|(i, note)| {
            let id = NoteId::new(i);
            let (mut diags, mut relations) = (Diagnostics::default(), Relations::default());
            checker.front_matter(id, note, &mut diags, &mut relations);
            let targets = note
                .links
                .iter()
                .enumerate()
                .map(|(i, link)| {
                    let target = checker.body_link(note.path.as_path(), &note.text, link, &mut diags);
                    if let Some(target) = target {
                        relations.backlinks.push((target, Some(id), i));
                    }
                    target
                })
                .collect();
            (diags, relations, targets)
        })
        .collect();
    relations.backlinks.reserve(found.iter().map(|(_, r, _)| r.backlinks.len()).sum());
    let mut link_targets = Vec::with_capacity(found.len());
    for (note_diags, note_relations, targets) in found {
        diags.extend(note_diags.0);
        relations.append(note_relations);
        link_targets.push(targets);
    }
    (relations, link_targets)
}

/// Links the site again after edits that left its relations as they were
/// (bodies, titles, names, roles, …), by patching `last` (the last good
/// site) instead of linking every note: the backlinks of the edited notes,
/// and of the notes whose link sentences show an edited title, are redone,
/// and the quotations checked. It applies only when the notes are the same
/// as `last`'s (no note came, went or failed to parse; home and
/// configuration unchanged) and every edited note names the same notes in
/// the same fields, with the same date; it gives up (`None`) on anything
/// else, and on any broken link, so that errors always come from [`link`].
pub fn relink(
    last: &Site,
    config: &SiteConfig,
    home: &Option<HomeNote>,
    notes: &[Arc<Note>],
    drafts: bool,
    memo: &mut QuotationMemo,
) -> Option<(Site, Diagnostics)> {
    if *config != last.config || *home != last.home {
        return None;
    }
    let notes = placed_as_before(last, notes, drafts)?;
    let edited: Vec<NoteId> =
        NoteId::all(notes.len()).filter(|&id| !Arc::ptr_eq(&notes[id], &last.notes[id])).collect();
    let rewire = to_rewire(last, home, &notes, &edited)?;
    let mut site = Site { notes, ..last.clone_relations() };
    let no_drafts = HashSet::new();
    let checker = RefChecker { site: &site, drafts: &no_drafts, unreadable: &no_drafts };
    let mut diags = Diagnostics::default();
    let (added, retargeted) = rewired_links(&checker, &rewire, &mut diags)?;
    headings_still_found(&checker, last, home, &edited, &mut diags)?;
    if !diags.is_empty() {
        return None;
    }
    for (id, targets) in retargeted {
        site.link_targets[id] = targets;
    }
    replace_backlinks(&mut site, last, &rewire, added);
    check_quotations(&site, memo, &mut diags);
    Some((site, diags))
}

/// The notes in the last site's order, each where the last site had it;
/// `None` when a note came, went or changed kind.
fn placed_as_before(last: &Site, notes: &[Arc<Note>], drafts: bool) -> Option<Vec<Arc<Note>>> {
    let mut placed: Vec<Option<Arc<Note>>> = vec![None; last.notes.len()];
    for note in notes {
        if note.draft && !drafts {
            match last.id(&note.slug) {
                None => continue,
                Some(_) => return None,
            }
        }
        let id = last.id(&note.slug)?;
        let slot = &mut placed[id];
        if slot.is_some() || last.notes[id].kind() != note.kind() {
            return None;
        }
        *slot = Some(Arc::clone(note));
    }
    placed.into_iter().collect()
}

/// The notes whose backlinks are redone: the edited ones, and those whose
/// link sentences show an edited note's title. `None` when an edit
/// changed the relations (or a title that home's links show).
fn to_rewire(last: &Site, home: &Option<HomeNote>, notes: &[Arc<Note>], edited: &[NoteId]) -> Option<Vec<NoteId>> {
    let mut rewire = edited.to_vec();
    for &id in edited {
        let (old, new) = (&last.notes[id], &notes[id]);
        if relations_of(old) != relations_of(new) {
            return None;
        }
        if old.title != new.title {
            if home.as_ref().is_some_and(|h| h.links.iter().any(|l| l.target == new.slug)) {
                return None;
            }
            rewire.extend(last.backlinks[id].iter().filter_map(|b| b.from));
        }
    }
    rewire.sort_unstable();
    rewire.dedup();
    Some(rewire)
}

/// Backlinks to add (target, linking note, sentence) and where the
/// rewired notes' links now go; `None` on a broken link.
#[allow(clippy::type_complexity)]
fn rewired_links(
    checker: &RefChecker,
    rewire: &[NoteId],
    diags: &mut Diagnostics,
) -> Option<(Vec<(NoteId, NoteId, Arc<str>)>, Vec<(NoteId, LinkTargets)>)> {
    let site = checker.site;
    let mut added = Vec::new();
    let mut retargeted = Vec::new();
    for &id in rewire {
        let note = &site.notes[id];
        let mut targets = Vec::with_capacity(note.links.len());
        for link in &note.links {
            let target = checker.body_link(note.path.as_path(), &note.text, link, diags)?;
            added.push((target, id, fill_titles(&link.sentence, site)));
            targets.push(Some(target));
        }
        retargeted.push((id, targets.into()));
    }
    Some((added, retargeted))
}

/// Links into an edited note that name one of its headings must still
/// find it: from the unedited notes that link to it, and from home.
fn headings_still_found(
    checker: &RefChecker,
    last: &Site,
    home: &Option<HomeNote>,
    edited: &[NoteId],
    diags: &mut Diagnostics,
) -> Option<()> {
    let site = checker.site;
    for &id in edited {
        let note = &site.notes[id];
        let linking = last.backlinks[id]
            .iter()
            .filter_map(|b| b.from)
            .filter(|from| edited.binary_search(from).is_err())
            .map(|from| (site.notes[from].path.as_path(), &*site.notes[from].text, &site.notes[from].links))
            .chain(home.iter().map(|h| (h.path.as_path(), &*h.text, &h.links)));
        for (path, text, links) in linking {
            for link in links.iter().filter(|l| l.target == note.slug && l.heading.is_some()) {
                checker.body_link(path, text, link, diags)?;
            }
        }
    }
    Some(())
}

/// Out with the rewired notes' old backlinks, in with the new, each list
/// kept in the order `link` gives it (by the linking note's kind and slug).
fn replace_backlinks(site: &mut Site, last: &Site, rewire: &[NoteId], added: Vec<(NoteId, NoteId, Arc<str>)>) {
    let mut targets: Vec<NoteId> = rewire
        .iter()
        .flat_map(|&id| last.notes[id].links.iter().chain(&site.notes[id].links))
        .filter_map(|l| site.id(&l.target))
        .collect();
    targets.sort_unstable();
    targets.dedup();
    let is_rewired = |from: Option<NoteId>| from.is_some_and(|f| rewire.binary_search(&f).is_ok());
    for &t in &targets {
        Arc::make_mut(&mut site.backlinks[t]).retain(|b| !is_rewired(b.from));
    }
    let first = first_of_each(added.iter().map(|(target, from, sentence)| (*target, *from, &**sentence)));
    for ((target, from, sentence), first) in added.into_iter().zip(first) {
        if !first {
            continue;
        }
        let key = |f: NoteId| (site.notes[f].kind(), site.notes[f].slug.as_str());
        let list = &site.backlinks[target];
        let at = list.partition_point(|b| b.from.is_none_or(|f| key(f) <= key(from)));
        Arc::make_mut(&mut site.backlinks[target]).insert(at, Backlink { from: Some(from), sentence });
    }
}

/// See [`relations_of`].
type RelationKey<'a> = (Option<jiff::civil::Date>, bool, Option<crate::note::ActorKind>, Vec<(Relation, &'a str)>);

/// What of a note's front matter decides the site's relations and their
/// order: its date, whether it is a draft, an actor's kind, and each slug
/// it names with the relation that names it.
fn relations_of(note: &Note) -> RelationKey<'_> {
    let actor_kind = match &note.meta {
        Meta::Actor(a) => Some(a.kind),
        _ => None,
    };
    let refs = note.meta.relations().into_iter().map(|(rel, r)| (rel, r.value.as_str())).collect();
    (note.date.as_ref().map(|d| d.value), note.draft, actor_kind, refs)
}

impl Site {
    /// A copy of everything but the notes (which a relink puts in).
    fn clone_relations(&self) -> Site {
        Site {
            config: self.config.clone(),
            home: self.home.clone(),
            notes: Vec::new(),
            by_slug: self.by_slug.clone(),
            urls: self.urls.clone(),
            link_targets: self.link_targets.clone(),
            backlinks: self.backlinks.clone(),
            actors: self.actors.clone(),
            compared_in: self.compared_in.clone(),
            event_statements: self.event_statements.clone(),
            cited_by: self.cited_by.clone(),
            images: self.images.clone(),
        }
    }
}

/// Relations found while checking, applied once checking is done.
#[derive(Default)]
struct Relations {
    /// (target, linking note (`None`: home), the link's index in its note's links).
    backlinks: Vec<(NoteId, Option<NoteId>, usize)>,
    /// (relation, the note it names, the note whose front matter sets it).
    set: Vec<(Relation, NoteId, NoteId)>,
}

impl Relations {
    /// Appends `other`'s relations after these.
    fn append(&mut self, mut other: Relations) {
        self.backlinks.append(&mut other.backlinks);
        self.set.append(&mut other.set);
    }

    fn apply(self, site: &mut Site) {
        apply_backlinks(&self.backlinks, site);
        for (relation, target, from) in self.set {
            match relation {
                Relation::Country => site.actors[target].members.push(from),
                Relation::Speaker => site.actors[target].said.push(from),
                Relation::AddressedTo => site.actors[target].addressed.push(from),
                Relation::About => site.actors[target].about.push(from),
                Relation::EventActor => site.actors[target].events.push(from),
                Relation::Event => site.event_statements[target].push(from),
                Relation::Source => site.cited_by[target].push(from),
                Relation::Left | Relation::Right => {
                    site.compared_in[target].push(from);
                    let speaker = match &site.notes[target].meta {
                        Meta::Statement(s) => site.id(&s.speaker.value),
                        _ => None,
                    };
                    if let Some(speaker) = speaker {
                        site.actors[speaker].comparisons.push(from);
                    }
                }
            }
        }
        sort_relation_lists(site);
    }
}

/// Each target's backlinks, with their sentences' titles filled in, in the
/// order they are shown.
fn apply_backlinks(found: &[(NoteId, Option<NoteId>, usize)], site: &mut Site) {
    let site_ref = &*site;
    let backlinks: Vec<(NoteId, Option<NoteId>, Arc<str>)> = found
        .par_iter()
        .map(|&(target, from, i)| {
            let links = match (from, &site_ref.home) {
                (Some(from), _) => &site_ref.notes[from].links,
                (None, Some(home)) => &home.links,
                (None, None) => unreachable!("a link from home without a home note"),
            };
            (target, from, fill_titles(&links[i].sentence, site_ref))
        })
        .collect();
    let first = first_of_each(backlinks.iter().map(|(target, from, sentence)| (*target, *from, &**sentence)));
    let mut kept: Vec<(NoteId, Backlink)> = backlinks
        .into_iter()
        .zip(first)
        .filter_map(|((target, from, sentence), first)| first.then_some((target, Backlink { from, sentence })))
        .collect();
    // Grouped by target; the sort is stable, so each target's backlinks
    // stay in the order they are shown. Then one list per target.
    kept.par_sort_by_key(|(target, _)| *target);
    let mut kept = kept.into_iter().peekable();
    while let Some((target, first)) = kept.next() {
        let mut list = vec![first];
        while let Some((_, b)) = kept.next_if(|(t, _)| *t == target) {
            list.push(b);
        }
        site.backlinks[target] = Arc::new(list);
    }
}

/// Every relation list in date order, each note once.
fn sort_relation_lists(site: &mut Site) {
    let notes = &site.notes;
    let by_date = |ids: &mut Vec<NoteId>| {
        ids.sort_by_key(|&id| notes[id].date_key());
        ids.dedup();
    };
    site.actors.par_iter_mut().for_each(|rel| rel.lists_mut().into_iter().for_each(by_date));
    site.compared_in.par_iter_mut().chain(&mut site.event_statements).chain(&mut site.cited_by).for_each(by_date);
}

/// For each backlink (target, linking note, sentence), whether it is the
/// first of its kind: the same sentence linking the same note twice from
/// one note is shown once. A note's links come next to each other, so each
/// note's are compared only among themselves.
fn first_of_each<'a, F: PartialEq + Copy>(backlinks: impl Iterator<Item = (NoteId, F, &'a str)>) -> Vec<bool> {
    // A note has few links: its earlier ones are looked through (a sentence
    // compared only when the target is the same) until there are so many
    // that a set of them is cheaper.
    const LOOK_THROUGH: usize = 32;
    let mut seen: rustc_hash::FxHashSet<(NoteId, &str)> = rustc_hash::FxHashSet::default();
    let mut earlier: Vec<(NoteId, &str)> = Vec::new();
    let mut note = None;
    backlinks
        .map(|(target, from, sentence)| {
            if note != Some(from) {
                seen.clear();
                earlier.clear();
                note = Some(from);
            }
            if earlier.len() < LOOK_THROUGH {
                let first = !earlier.iter().any(|&(t, s)| t == target && s == sentence);
                earlier.push((target, sentence));
                if earlier.len() == LOOK_THROUGH {
                    seen.extend(earlier.iter().copied());
                }
                first
            } else {
                seen.insert((target, sentence))
            }
        })
        .collect()
}

/// Puts each linked note's title where a link's text comes from it.
fn fill_titles(sentence: &Arc<str>, site: &Site) -> Arc<str> {
    if !sentence.contains(TITLE_MARK) {
        return Arc::clone(sentence);
    }
    let mut out = String::with_capacity(sentence.len());
    let mut rest: &str = sentence;
    while let Some(start) = rest.find(TITLE_MARK) {
        out.push_str(&rest[..start]);
        let after = &rest[start + TITLE_MARK.len_utf8()..];
        let end = after.find(TITLE_END).unwrap_or(after.len());
        let slug = &after[..end];
        out.push_str(site.id(slug).map_or(slug, |id| site.link_title(id)));
        rest = after.get(end + TITLE_END.len_utf8()..).unwrap_or("");
    }
    out.push_str(rest);
    Arc::from(out)
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::sync::Arc;

    use super::*;
    use crate::config::QuotationCheck;
    use crate::parse::note_in_content as note;

    fn config() -> SiteConfig {
        SiteConfig { quotations: QuotationCheck::Error, ..SiteConfig::default() }
    }

    fn site(notes: Vec<Note>, drafts: bool) -> (Site, Diagnostics) {
        link(config(), None, notes.into_iter().map(Arc::new).collect(), drafts, &HashSet::new())
    }

    fn basic() -> Vec<Note> {
        vec![
            note(
                Kind::Actor,
                "rubio",
                "+++\nname = \"Marco Rubio\"\nkind = \"person\"\ncountry = \"us\"\n+++\nSecretary.",
            ),
            note(Kind::Actor, "us", "+++\nname = \"United States\"\nkind = \"country\"\n+++\n"),
            note(Kind::Actor, "jaishankar", "+++\nname = \"S. Jaishankar\"\nkind = \"person\"\n+++\nMinister."),
            note(
                Kind::Statement,
                "readout",
                "+++\ntitle = \"Readout\"\nspeaker = \"rubio\"\ndate = 2025-04-30\nmedium = \"readout\"\naddressed_to = [\"jaishankar\"]\nabout = [\"us\"]\n+++\nRubio called [[jaishankar]] on Wednesday. Later text.",
            ),
            note(
                Kind::Statement,
                "draft-post",
                "+++\ntitle = \"Post\"\nspeaker = \"jaishankar\"\ndate = 2025-05-01\nmedium = \"post\"\ndraft = true\n+++\n",
            ),
        ]
    }

    #[test]
    fn actors_know_what_they_said_and_what_was_said_to_and_about_them() {
        let (site, diags) = site(basic(), false);
        assert!(!diags.has_errors(), "{diags}");
        let rubio = site.id("rubio").unwrap();
        let jaishankar = site.id("jaishankar").unwrap();
        let us = site.id("us").unwrap();
        let readout = site.id("readout").unwrap();
        assert_eq!(site.actors[rubio].said, [readout]);
        assert_eq!(site.actors[jaishankar].addressed, [readout]);
        assert_eq!(site.actors[us].about, [readout]);
        assert_eq!(site.actors[us].members, [rubio]);
    }

    #[test]
    fn backlinks_carry_the_sentence_with_titles_filled_in() {
        let (site, _) = site(basic(), false);
        let jaishankar = site.id("jaishankar").unwrap();
        let backlinks = &site.backlinks[jaishankar];
        assert_eq!(backlinks.len(), 1);
        assert_eq!(backlinks[0].from, site.id("readout"));
        assert_eq!(&*backlinks[0].sentence, "Rubio called S. Jaishankar on Wednesday.");
    }

    #[test]
    fn each_body_link_knows_the_note_it_goes_to() {
        let (site, _) = site(basic(), false);
        let readout = site.id("readout").unwrap();
        assert_eq!(&*site.link_targets[readout], [site.id("jaishankar")]);
        assert_eq!(&*site.urls[readout], "statements/readout/");
        assert_eq!(&*site.urls[site.id("rubio").unwrap()], "actors/rubio/");
    }

    #[test]
    fn relink_points_an_edited_link_at_its_new_target() {
        let (last, _) = site(basic(), false);
        let notes: Vec<Arc<Note>> = basic()
            .into_iter()
            .filter(|n| !n.draft)
            .map(|n| match n.slug.as_str() {
                "readout" => Arc::new(note(
                    Kind::Statement,
                    "readout",
                    &n.text.replace("called [[jaishankar]]", "called [[us]], then [[jaishankar]]"),
                )),
                _ => Arc::clone(&last.notes[last.id(&n.slug).unwrap()]),
            })
            .collect();
        let (site, diags) =
            relink(&last, &config(), &None, &notes, false, &mut QuotationMemo::default()).expect("a relink applies");
        assert!(!diags.has_errors(), "{diags}");
        let readout = site.id("readout").unwrap();
        assert_eq!(&*site.link_targets[readout], [site.id("us"), site.id("jaishankar")]);
    }

    #[test]
    fn drafts_are_left_out_and_links_to_them_are_errors() {
        let mut notes = basic();
        notes.push(note(Kind::Event, "call", "+++\ntitle = \"Call\"\ndate = 2025-04-30\n+++\nSee [[draft-post]]."));
        let (without, diags) = site(notes.clone(), false);
        assert!(without.id("draft-post").is_none());
        assert!(diags.iter().any(|d| d.message.contains("links to a draft")), "{diags}");
        let (with, diags) = site(notes, true);
        assert!(with.id("draft-post").is_some());
        assert!(!diags.has_errors(), "{diags}");
    }

    #[test]
    fn duplicate_slugs_across_kinds_are_errors() {
        let mut notes = basic();
        notes.push(note(Kind::Event, "rubio", "+++\ntitle = \"Rubio day\"\ndate = 2025-04-30\n+++\n"));
        let (_, diags) = site(notes, false);
        let d = diags.iter().find(|d| d.message.contains("already used")).expect("duplicate reported");
        assert_eq!(d.path, Path::new("content/events/rubio.md"));
    }

    #[test]
    fn references_of_the_wrong_kind_suggest_the_right_one() {
        let mut notes = basic();
        notes.push(note(
            Kind::Statement,
            "other",
            "+++\ntitle = \"Other\"\nspeaker = \"readout\"\ndate = 2025-04-30\nmedium = \"remark\"\naddressed_to = [\"jaishankr\"]\n+++\n",
        ));
        let (_, diags) = site(notes, false);
        assert!(diags.iter().any(|d| d.message.contains("`readout` in `speaker` is a statement")), "{diags}");
        let typo = diags.iter().find(|d| d.message.contains("jaishankr")).unwrap();
        assert_eq!(typo.help.as_deref(), Some("did you mean `jaishankar`?"));
        assert_eq!(typo.pos.unwrap().line, 6);
    }

    #[test]
    fn links_to_unreadable_notes_are_not_reported_twice() {
        let notes: Vec<Note> = basic().into_iter().filter(|n| n.slug != "jaishankar").collect();
        let unreadable: HashSet<String> = ["jaishankar".to_string()].into();
        let (_, diags) = link(config(), None, notes.into_iter().map(Arc::new).collect(), false, &unreadable);
        assert!(!diags.has_errors(), "{diags}");
    }

    #[test]
    fn timeline_is_in_date_order() {
        let (site, _) = site(basic(), true);
        let dates: Vec<_> = site.timeline().iter().map(|&id| site.notes[id].date.as_ref().unwrap().value).collect();
        let mut sorted = dates.clone();
        sorted.sort();
        assert_eq!(dates, sorted);
    }

    proptest::proptest! {
        /// Looking through a note's earlier links (and, past a few dozen,
        /// a set of them) marks the same firsts as one set per note.
        #[test]
        fn first_of_each_is_what_one_set_per_note_gives(
            // Runs of links from the same note, long enough to pass the look-through limit.
            links in proptest::collection::vec((0..3usize, 0..4usize, 0..2usize), 0..200),
        ) {
            const SENTENCES: [&str; 2] = ["one sentence", "another"];
            let mut sorted = links.clone();
            sorted.sort_by_key(|&(from, _, _)| from);
            let items: Vec<(NoteId, usize, &str)> =
                sorted.iter().map(|&(from, target, s)| (NoteId::new(target), from, SENTENCES[s])).collect();
            let mut expected = Vec::new();
            let mut seen = HashSet::new();
            let mut note = None;
            for &(target, from, sentence) in &items {
                if note != Some(from) {
                    seen.clear();
                    note = Some(from);
                }
                expected.push(seen.insert((target, sentence)));
            }
            proptest::prop_assert_eq!(first_of_each(items.iter().copied()), expected);
        }
    }
}
