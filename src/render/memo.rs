//! Rendering again after a change: the pages whose inputs changed, and no
//! others.
//!
//! A [`Memo`] keeps the last site it rendered, each note's card and body,
//! and the record of what every card, body and page read (the [`Input`]s
//! that `reads.rs` noted while they were made). After a change it finds
//! which inputs differ between the last site and the new one, makes again
//! the cards and bodies that read one of them (a card or body that comes
//! out the same changes nothing further), and renders again the pages that
//! read a changed input, and the pages that are new. Nothing here knows
//! what any page shows: it follows the record. The property tests in
//! `tests/integration/incremental.rs` hold this to account: after any
//! sequence of edits, the pages a memo keeps are byte for byte those of a
//! full build.

use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use tera::Value;

use super::context::{all_cards, card};
use super::reads::{Input, group_of, slug_hash};
use super::routes::{self, PageRef};
use super::{Page, RenderOptions, Shared, Templates, body_with_inputs, collect, render_pages};
use crate::diagnostic::Diagnostics;
use crate::model::{Backlink, NoteId, Site};
use crate::note::{Kind, Note};
use crate::urls;

/// A note's name that lasts from one build to the next (ids shift when
/// notes come and go; a slug keeps its key for the memo's life).
type NoteKey = u32;

/// An input as the record keeps it.
type Read = Input<NoteKey>;

/// A page as the record keeps it: its route and, for a note's page, the note.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct PageKey {
    route: usize,
    note: Option<NoteKey>,
}

/// What the last render made, kept for the next.
#[derive(Default)]
pub struct Memo {
    last: Option<Last>,
    /// Slug → key, for the memo's life.
    keys: FxHashMap<Box<str>, NoteKey>,
}

/// A value made once per note (its card or its body), and what it read.
#[derive(Clone)]
struct Made {
    value: Value,
    reads: Arc<[Read]>,
}

struct Last {
    site: Site,
    /// Per note (by id): its key, its card and its body.
    keys: Vec<NoteKey>,
    cards: Vec<Made>,
    bodies: Vec<Made>,
    /// What every page gets as `site` (the legend's country cards among it).
    site_value: Value,
    /// What each page read.
    pages: FxHashMap<PageKey, Arc<[Read]>>,
    /// The output paths of the search index's files it made, sorted.
    index_files: Vec<String>,
}

/// The pages of one render.
#[derive(Debug)]
pub struct Update {
    /// The pages rendered, sorted by path: every page, or only those that changed.
    pub pages: Vec<Page>,
    /// Pages of the last site that this one no longer has.
    pub removed: Vec<String>,
    /// How many pages the site has.
    pub total: usize,
    /// True when every page was rendered (nothing was kept).
    pub full: bool,
    /// The search index's records, when the index changed and its files
    /// were left to be made later (`RenderOptions::defer_search`).
    pub search: Option<crate::search::Records>,
}

impl Memo {
    /// The site of the last render, if any.
    pub fn site(&self) -> Option<&Site> {
        self.last.as_ref().map(|last| &last.site)
    }

    /// Renders `site`: only the pages whose inputs differ from the last
    /// render's, unless `everything` (templates, configuration or options
    /// changed) or there is no last render. On success the memo keeps
    /// `site`; on failure it keeps what it had.
    pub fn render(
        &mut self,
        site: Site,
        templates: &Templates,
        options: &RenderOptions,
        everything: bool,
    ) -> Result<Update, Diagnostics> {
        let keys = self.keys_of(&site);
        let changed = match &self.last {
            Some(last) if !everything => Some(changed_inputs(last, &site, &keys, &old_ids(last, &keys))),
            _ => None,
        };
        if changed.as_ref().is_some_and(FxHashSet::is_empty) {
            // Nothing any page, card or body read differs: the last render stands.
            let total = routes::all_pages(&site).len();
            crate::drop_later(site);
            return Ok(Update { pages: Vec::new(), removed: Vec::new(), total, full: false, search: None });
        }
        let made = match (&self.last, changed) {
            (Some(last), Some(changed)) => Some(again(last, &site, &keys, changed)),
            _ => None,
        };
        let full = made.is_none();
        let (cards, bodies, changed) =
            made.unwrap_or_else(|| (all_made_cards(&site, &keys), all_made_bodies(&site, &keys), None));
        let shared = Shared::new(
            &site,
            cards.iter().map(|m| m.value.clone()).collect(),
            bodies.iter().map(|m| Some(m.value.clone())).collect(),
        );
        // Every page shows the site's legend: when it changed, every page is rendered.
        let changed = changed.filter(|_| self.last.as_ref().is_some_and(|last| last.site_value == shared.site));
        let full = full || changed.is_none();
        let all = routes::all_pages(&site);
        let page_key = |p: PageRef| PageKey { route: p.route, note: p.note.map(|id| keys[id]) };
        let wanted: Vec<PageRef> = match (&self.last, &changed) {
            (Some(last), Some(changed)) => all
                .iter()
                .copied()
                .filter(|&p| last.pages.get(&page_key(p)).is_none_or(|reads| reads.iter().any(|r| changed.contains(r))))
                .collect(),
            _ => all.clone(),
        };
        let read = Mutex::new(Vec::with_capacity(wanted.len()));
        let inputs = |page: PageRef, inputs: Vec<Input<NoteId>>| {
            let reads = keyed(&inputs, &keys);
            if let Ok(mut read) = read.lock() {
                read.push((page_key(page), reads));
            }
        };
        let pages = collect(|sink| {
            render_pages(&site, templates, options, &shared, &wanted, &inputs, sink).map(|()| wanted.len())
        })?;
        // Pages go only with their notes: looked for only when notes came or went.
        let (mut removed, gone) = match &self.last {
            Some(last) if !same_notes(last, &site, &keys) => gone_pages(last, &all, &keys),
            _ => (Vec::new(), Vec::new()),
        };
        let index_files = self.index_files(&pages, &wanted, &mut removed);
        let mut page_reads = match (&mut self.last, full) {
            (Some(last), false) => std::mem::take(&mut last.pages),
            _ => FxHashMap::default(),
        };
        page_reads.extend(read.into_inner().unwrap_or_default());
        for gone in gone {
            page_reads.remove(&gone);
        }
        let search = shared.deferred.lock().ok().and_then(|mut slot| slot.take());
        let last = Last { site, keys, cards, bodies, site_value: shared.site, pages: page_reads, index_files };
        let before = self.last.replace(last);
        crate::drop_later(before);
        Ok(Update { pages, removed, total: all.len(), full, search })
    }

    /// The search index's files after this render: the new ones when the
    /// index was made again (those of the last that it lacks added to
    /// `removed`), else the last render's.
    fn index_files(&self, pages: &[Page], wanted: &[PageRef], removed: &mut Vec<String>) -> Vec<String> {
        let last = self.last.as_ref().map(|last| last.index_files.as_slice()).unwrap_or_default();
        let made_again = wanted.iter().any(|p| matches!(p.route().pages, routes::Pages::Folder(_)));
        if !made_again {
            return last.to_vec();
        }
        let now: Vec<String> =
            pages.iter().filter(|p| crate::search::is_index_path(&p.path)).map(|p| p.path.clone()).collect();
        let kept: FxHashSet<&str> = now.iter().map(String::as_str).collect();
        removed.extend(last.iter().filter(|path| !kept.contains(path.as_str())).cloned());
        removed.sort();
        removed.dedup();
        now
    }
}

impl Memo {
    /// Each note's key: the last render's when the notes have the same
    /// slugs in the same order (the usual edit), else looked up.
    fn keys_of(&mut self, site: &Site) -> Vec<NoteKey> {
        match &self.last {
            Some(last)
                if last.site.notes.len() == site.notes.len()
                    && last.site.notes.iter().zip(&site.notes).all(|(a, b)| a.slug == b.slug) =>
            {
                last.keys.clone()
            }
            _ => site.notes.iter().map(|n| key_of(&mut self.keys, &n.slug)).collect(),
        }
    }
}

/// The key of `slug`, made when it has none yet.
fn key_of(keys: &mut FxHashMap<Box<str>, NoteKey>, slug: &str) -> NoteKey {
    if let Some(&key) = keys.get(slug) {
        return key;
    }
    let key = NoteKey::try_from(keys.len()).expect("fewer than 2^32 slugs");
    keys.insert(slug.into(), key);
    key
}

/// Inputs noted by note id, as the record keeps them: by key, each once.
fn keyed(inputs: &[Input<NoteId>], keys: &[NoteKey]) -> Arc<[Read]> {
    let k = |id: NoteId| keys[id];
    let mut out: Vec<Read> = inputs
        .iter()
        .map(|input| match *input {
            Input::Note(id) => Input::Note(k(id)),
            Input::Meta(id) => Input::Meta(k(id)),
            Input::Name(id) => Input::Name(k(id)),
            Input::Words(id) => Input::Words(k(id)),
            Input::Relations(id) => Input::Relations(k(id)),
            Input::Backlinks(id) => Input::Backlinks(k(id)),
            Input::Card(id) => Input::Card(k(id)),
            Input::Body(id) => Input::Body(k(id)),
            Input::Members(kind) => Input::Members(kind),
            Input::Absent(hash) => Input::Absent(hash),
            Input::Home => Input::Home,
            Input::Image(hash) => Input::Image(hash),
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out.into()
}

fn all_made_cards(site: &Site, keys: &[NoteKey]) -> Vec<Made> {
    all_cards(site).into_iter().map(|(value, reads)| Made { value, reads: keyed(&reads, keys) }).collect()
}

fn all_made_bodies(site: &Site, keys: &[NoteKey]) -> Vec<Made> {
    (0..site.notes.len())
        .into_par_iter()
        .map(|id| {
            let (value, reads) = body_with_inputs(site, id);
            Made { value, reads: keyed(&reads, keys) }
        })
        .collect()
}

/// The cards and bodies of `site`, made again where what they read
/// changed (`changed`: the inputs that differ from the last render's),
/// and those inputs with the changed cards and bodies added.
#[allow(clippy::type_complexity)]
fn again(
    last: &Last,
    site: &Site,
    keys: &[NoteKey],
    mut changed: FxHashSet<Read>,
) -> (Vec<Made>, Vec<Made>, Option<FxHashSet<Read>>) {
    let old_id = old_ids(last, keys);
    let redo = |made: &[Made], make: &(dyn Fn(NoteId) -> (Value, Vec<Input<NoteId>>) + Sync)| -> Vec<(Made, bool)> {
        (0..site.notes.len())
            .into_par_iter()
            .map(|id| match old_id[id] {
                Some(o) if !made[o].reads.iter().any(|r| changed.contains(r)) => (made[o].clone(), false),
                o => {
                    let (value, reads) = make(id);
                    let differs = o.is_none_or(|o| made[o].value != value);
                    (Made { value, reads: keyed(&reads, keys) }, differs)
                }
            })
            .collect()
    };
    let cards = redo(&last.cards, &|id| card(site, id));
    let bodies = redo(&last.bodies, &|id| body_with_inputs(site, id));
    let mut unzip = |made: Vec<(Made, bool)>, input: fn(NoteKey) -> Read| -> Vec<Made> {
        made.into_iter()
            .enumerate()
            .map(|(id, (m, differs))| {
                if differs {
                    changed.insert(input(keys[id]));
                }
                m
            })
            .collect()
    };
    let cards = unzip(cards, Input::Card);
    let bodies = unzip(bodies, Input::Body);
    (cards, bodies, Some(changed))
}

/// Per note of the new site, its id in the last one (by key).
fn old_ids(last: &Last, keys: &[NoteKey]) -> Vec<Option<NoteId>> {
    if last.keys == keys {
        return (0..keys.len()).map(Some).collect();
    }
    let by_key: FxHashMap<NoteKey, NoteId> = last.keys.iter().enumerate().map(|(id, &k)| (k, id)).collect();
    keys.iter().map(|k| by_key.get(k).copied()).collect()
}

/// Every input whose value differs between the last site and `site`.
///
/// A note whose parse is the same `Arc` as before is unchanged in itself;
/// what others make of it (its name's colour group, its relation lists)
/// can change only when some note's front matter changed or notes came or
/// went, and only then is every note compared; its backlinks are compared
/// wherever their list is not the same `Arc`.
fn changed_inputs(last: &Last, site: &Site, keys: &[NoteKey], old_id: &[Option<NoteId>]) -> FxHashSet<Read> {
    let old = &last.site;
    let mut changed = FxHashSet::default();
    let same_notes = same_notes(last, site, keys);
    if !same_notes {
        let now: FxHashSet<NoteKey> = keys.iter().copied().collect();
        for (o, note) in old.notes.iter().enumerate().filter(|(o, _)| !now.contains(&last.keys[*o])) {
            everything_of(last.keys[o], note, &mut changed);
        }
        for (id, note) in site.notes.iter().enumerate().filter(|(id, _)| old_id[*id].is_none()) {
            everything_of(keys[id], note, &mut changed);
        }
    }
    let edited: Vec<(NoteId, NoteId)> = (0..site.notes.len())
        .filter_map(|id| old_id[id].filter(|&o| !Arc::ptr_eq(&old.notes[o], &site.notes[id])).map(|o| (id, o)))
        .collect();
    for &(id, o) in &edited {
        note_changes(&old.notes[o], &site.notes[id], keys[id], &mut changed);
    }
    let fronts_changed = !same_notes || changed.iter().any(|r| matches!(r, Input::Meta(_)));
    let to_compare: Vec<(NoteId, NoteId)> = if fronts_changed {
        (0..site.notes.len()).filter_map(|id| old_id[id].map(|o| (id, o))).collect()
    } else {
        edited
    };
    let same_ids =
        |a: &[NoteId], b: &[NoteId]| a.len() == b.len() && a.iter().zip(b).all(|(&x, &y)| keys[x] == last.keys[y]);
    let differs: Vec<Read> = to_compare
        .par_iter()
        .flat_map_iter(|&(id, o)| {
            let key = keys[id];
            let name = (name_of(old, o) != name_of(site, id)).then_some(Input::Name(key));
            let relations = old.relation_lists(o).zip(site.relation_lists(id)).any(|(a, b)| !same_ids(b, a));
            name.into_iter().chain(relations.then_some(Input::Relations(key)))
        })
        .collect();
    changed.extend(differs);
    let backlinks: Vec<Read> = (0..site.notes.len())
        .into_par_iter()
        .filter_map(|id| {
            let o = old_id[id]?;
            let (was, now) = (&old.backlinks[o], &site.backlinks[id]);
            let same = (same_notes && Arc::ptr_eq(was, now)) || same_backlinks(was, now, &last.keys, keys);
            (!same).then_some(Input::Backlinks(keys[id]))
        })
        .collect();
    changed.extend(backlinks);
    if old.home != site.home {
        changed.insert(Input::Home);
    }
    changed.extend(changed_images(old, site));
    changed
}

/// The images whose size or copies differ between `old` and `site` (or
/// that one of them has and the other not).
fn changed_images(old: &Site, site: &Site) -> Vec<Read> {
    if Arc::ptr_eq(&old.images, &site.images) {
        return Vec::new();
    }
    let (a, b) = (&*old.images, &*site.images);
    let gone_or_changed = a.iter().filter(|(path, image)| b.get(*path) != Some(*image)).map(|(path, _)| path);
    let added = b.keys().filter(|path| !a.contains_key(*path));
    gone_or_changed.chain(added).map(|path| Input::Image(slug_hash(path))).collect()
}

/// Whether `site` has the notes of the last render (the same slugs and
/// kinds, in the same order): then ids are the same, and no page came or went.
fn same_notes(last: &Last, site: &Site, keys: &[NoteKey]) -> bool {
    last.keys == keys && last.site.notes.iter().zip(&site.notes).all(|(a, b)| a.kind() == b.kind())
}

/// Every input of a note that came or went.
fn everything_of(key: NoteKey, note: &Note, changed: &mut FxHashSet<Read>) {
    changed.extend([
        Input::Note(key),
        Input::Meta(key),
        Input::Name(key),
        Input::Words(key),
        Input::Relations(key),
        Input::Backlinks(key),
        Input::Card(key),
        Input::Body(key),
        Input::Members(note.kind()),
        Input::Absent(slug_hash(&note.slug)),
    ]);
}

/// What differs of an edited note in itself: the note, and its front
/// matter, words and kind when they do.
fn note_changes(was: &Note, now: &Note, key: NoteKey, changed: &mut FxHashSet<Read>) {
    changed.insert(Input::Note(key));
    if was.title != now.title || was.date != now.date || was.draft != now.draft || was.meta != now.meta {
        changed.insert(Input::Meta(key));
    }
    if !was.quotations.iter().map(|q| (&q.text, q.place)).eq(now.quotations.iter().map(|q| (&q.text, q.place))) {
        changed.insert(Input::Words(key));
    }
    if was.kind() != now.kind() {
        changed.extend([Input::Members(was.kind()), Input::Members(now.kind())]);
    }
}

/// What a link to note `id` of `site` shows (see [`Input::Name`]).
fn name_of(site: &Site, id: NoteId) -> (Kind, &str, &str, &str) {
    let n = &site.notes[id];
    (n.kind(), n.title.as_str(), &*site.urls[id], group_of(site, n))
}

/// Whether two backlink lists say the same (linking notes by key).
fn same_backlinks(a: &[Backlink], b: &[Backlink], a_keys: &[NoteKey], b_keys: &[NoteKey]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            x.sentence == y.sentence
                && match (x.from, y.from) {
                    (Some(f), Some(g)) => a_keys[f] == b_keys[g],
                    (None, None) => true,
                    _ => false,
                }
        })
}

/// The last render's pages that `site` no longer has: their output paths
/// (sorted) and their keys.
fn gone_pages(last: &Last, all: &[PageRef], keys: &[NoteKey]) -> (Vec<String>, Vec<PageKey>) {
    let now: FxHashSet<PageKey> =
        all.iter().map(|p| PageKey { route: p.route, note: p.note.map(|id| keys[id]) }).collect();
    let mut gone: Vec<(String, PageKey)> = routes::all_pages(&last.site)
        .into_iter()
        .filter(|p| !matches!(p.route().pages, routes::Pages::Folder(_)))
        .map(|p| (p, PageKey { route: p.route, note: p.note.map(|id| last.keys[id]) }))
        .filter(|(_, key)| !now.contains(key))
        .map(|(p, key)| (urls::output_path(&p.url(&last.site)), key))
        .collect();
    gone.sort_by(|a, b| a.0.cmp(&b.0));
    gone.into_iter().unzip()
}
