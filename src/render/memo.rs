//! Rendering again after a change: the pages whose HTML can change, and no
//! others. A [`Memo`] keeps the last site it rendered and what it made of
//! each note (its card, its body's HTML); the next site is compared with it
//! note by note to find what changed, and a page is rendered again only if
//! it shows something that changed.
//!
//! What a page shows is read off the model: a note's page shows the note,
//! the notes it names (front matter, body links, links in comparison
//! points), the notes that link to it and the notes in its relation lists
//! (what an actor said, the statements of an event, …). List pages show
//! cards. The property test in `tests/integration/reliability.rs` holds
//! this to account: after any sequence of edits, the pages a memo keeps and
//! renders are byte for byte those of a full build.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashSet;
use tera::Value;

use super::markdown::{LinkResolver, inline_html};
use super::{
    Page, RenderOptions, Selection, Shared, Templates, all_bodies, all_cards, body_html, card, collect,
    country_colours, page_paths, render_pages,
};
use crate::diagnostic::Diagnostics;
use crate::model::{NoteId, Site};
use crate::note::{Kind, Meta};

/// What the last render made, kept for the next.
#[derive(Default)]
pub struct Memo {
    last: Option<Last>,
}

struct Last {
    site: Site,
    cards: Vec<Value>,
    bodies: Vec<Value>,
    groups: BTreeMap<String, usize>,
    /// Per note: the slugs its comparison points link to.
    point_links: Vec<Vec<String>>,
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
}

/// The notes and list pages to render again, and the values to render them with.
struct Plan {
    cards: Vec<Value>,
    bodies: Vec<Value>,
    point_links: Vec<Vec<String>>,
    notes: Vec<NoteId>,
    lists: HashSet<&'static str>,
    structural: bool,
}

impl Memo {
    /// The site of the last render, if any.
    pub fn site(&self) -> Option<&Site> {
        self.last.as_ref().map(|last| &last.site)
    }

    /// Renders `site`: only the pages that differ from the last render's,
    /// unless `everything` (templates, configuration or options changed)
    /// or there is no last render. On success the memo keeps `site`; on
    /// failure it keeps what it had.
    pub fn render(
        &mut self,
        site: Site,
        templates: &Templates,
        options: &RenderOptions,
        everything: bool,
    ) -> Result<Update, Diagnostics> {
        let groups = country_colours(&site);
        let plan = match &self.last {
            Some(last) if !everything && last.groups == groups => plan(last, &site),
            _ => None,
        };
        let full = plan.is_none();
        let plan = plan.unwrap_or_else(|| Plan {
            cards: all_cards(&site),
            bodies: all_bodies(&site),
            point_links: (0..site.notes.len()).into_par_iter().map(|id| point_links(&site, id)).collect(),
            notes: (0..site.notes.len()).collect(),
            lists: super::pages::LIST_URLS.into_iter().collect(),
            structural: true,
        });
        let shared = Shared::new(&site, plan.cards, plan.bodies.into_iter().map(Some).collect());
        let selection = Selection { notes: &plan.notes, lists: &|url| plan.lists.contains(url), groups: full };
        let pages = collect(|sink| render_pages(&site, templates, options, &shared, &selection, sink))?;
        let new_paths = (plan.structural).then(|| page_paths(&site));
        let removed = match (&self.last, &new_paths) {
            (Some(last), Some(new_paths)) => {
                let new_paths: HashSet<&String> = new_paths.iter().collect();
                page_paths(&last.site).into_iter().filter(|p| !new_paths.contains(p)).collect()
            }
            _ => Vec::new(),
        };
        let total = super::FIXED_PAGES.len() + site.notes.len();
        let before = self.last.replace(Last {
            cards: shared.cards,
            bodies: shared.bodies.into_iter().map(|b| b.expect("a memo makes every body ahead")).collect(),
            groups: shared.groups,
            point_links: plan.point_links,
            site,
        });
        crate::drop_later(before);
        Ok(Update { pages, removed, total, full })
    }
}

/// Compares `site` with the last one. `None` when every page must be
/// rendered (a country's card is in every page's legend).
fn plan(last: &Last, site: &Site) -> Option<Plan> {
    let old = &last.site;
    let same_notes = old.notes.len() == site.notes.len()
        && old
            .notes
            .iter()
            .zip(&site.notes)
            .all(|(a, b)| Arc::ptr_eq(a, b) || (a.slug == b.slug && a.kind() == b.kind()));
    if same_notes { plan_in_place(last, site) } else { plan_anew(last, site) }
}

/// The notes that name note `id` (in front matter or body), and the
/// comparisons of the statements an actor made.
fn named_by(site: &Site, id: NoteId) -> impl Iterator<Item = NoteId> + '_ {
    let rel = &site.actors[id];
    [
        &rel.said,
        &rel.addressed,
        &rel.about,
        &rel.events,
        &rel.members,
        &rel.comparisons,
        &site.compared_in[id],
        &site.event_statements[id],
        &site.cited_by[id],
    ]
    .into_iter()
    .flatten()
    .copied()
    .chain(site.backlinks[id].iter().filter_map(|b| b.from))
}

/// The notes that note `id` names (front matter, body and comparison
/// points), and for a comparison the speakers of its two statements
/// (whose pages list it).
fn names<'a>(site: &'a Site, id: NoteId, point_links: &'a [String]) -> impl Iterator<Item = NoteId> + 'a {
    let speakers = match &site.notes[id].meta {
        Meta::Comparison(c) => [&c.left.value, &c.right.value]
            .into_iter()
            .filter_map(|slug| match &site.note(slug)?.meta {
                Meta::Statement(s) => site.id(&s.speaker.value),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    site.notes[id]
        .references()
        .into_iter()
        .chain(point_links.iter().map(String::as_str))
        .filter_map(|slug| site.id(slug))
        .chain(speakers)
}

/// [`plan`] when the site has the same notes as the last (same slugs, same
/// ids; some edited): works outward from the edited notes instead of
/// comparing every note, so that its cost follows the size of the change.
fn plan_in_place(last: &Last, site: &Site) -> Option<Plan> {
    let old = &last.site;
    let n = site.notes.len();
    let changed_ids: Vec<NoteId> = (0..n).filter(|&id| !Arc::ptr_eq(&old.notes[id], &site.notes[id])).collect();
    let mut changed = vec![false; n];
    for &id in &changed_ids {
        changed[id] = true;
    }
    let touched: FxHashSet<&str> = changed_ids.iter().map(|&id| site.notes[id].slug.as_str()).collect();
    let mut point_links = last.point_links.clone();
    for &id in &changed_ids {
        point_links[id] = self::point_links(site, id);
    }
    let pointing_at = |slugs: &dyn Fn(&str) -> bool| -> Vec<NoteId> {
        site.of_kind(Kind::Comparison).filter(|&c| point_links[c].iter().any(|s| slugs(s))).collect()
    };

    // Cards and bodies to make again: of the edited notes, of the notes
    // that name them, and of sources whose quoting statements changed.
    let mut redo = changed.clone();
    for &id in &changed_ids {
        for other in named_by(site, id) {
            redo[other] = true;
        }
    }
    for c in pointing_at(&|s| touched.contains(s)) {
        redo[c] = true;
    }
    let mut redo_body = redo.clone();
    for &id in &changed_ids {
        for s in [site, old] {
            if let Meta::Statement(st) = &s.notes[id].meta
                && let Some(src) = st.source.as_ref().and_then(|r| s.id(&r.value))
            {
                redo_body[src] = true;
            }
        }
    }
    let remake = |keep: &[Value], redo: &[bool], make: &(dyn Fn(NoteId) -> Value + Sync)| {
        let ids: Vec<NoteId> = (0..n).filter(|&id| redo[id]).collect();
        let made: Vec<(NoteId, Value)> = ids.into_par_iter().map(|id| (id, make(id))).collect();
        let mut values = keep.to_vec();
        let mut differs = vec![false; n];
        for (id, value) in made {
            differs[id] = value != keep[id];
            values[id] = value;
        }
        (values, differs)
    };
    let (cards, card_changed) = remake(&last.cards, &redo, &|id| card(site, id));
    let (bodies, body_changed) = remake(&last.bodies, &redo_body, &|id| Value::safe_string(&body_html(site, id)));
    if last.groups.keys().any(|slug| site.id(slug).is_some_and(|id| card_changed[id])) {
        return None;
    }

    let mut render = vec![false; n];
    let mut mark = |id: NoteId| render[id] = true;
    for id in 0..n {
        if changed[id] || card_changed[id] || body_changed[id] {
            mark(id);
        }
    }
    // Pages that show a changed card; comparisons that show a changed body or own words.
    for o in 0..n {
        let card = card_changed[o];
        let words = changed[o] || body_changed[o];
        if !card && !words {
            continue;
        }
        let slug = site.notes[o].slug.as_str();
        let showing = named_by(site, o).chain(names(site, o, &point_links[o])).chain(pointing_at(&|s| s == slug));
        for page in showing {
            if card || site.notes[page].kind() == Kind::Comparison {
                mark(page);
            }
        }
    }
    // Pages whose relation lists or backlinks may differ: what an edited
    // note names now or named before, and — when its title changed — what
    // the notes naming it link to (their link sentences show the title).
    let mut maybe = Vec::new();
    for &id in &changed_ids {
        maybe.extend(names(site, id, &point_links[id]));
        maybe.extend(names(old, id, &last.point_links[id]));
        if old.notes[id].title != site.notes[id].title {
            for other in named_by(site, id).collect::<Vec<_>>() {
                maybe.extend(site.notes[other].links.iter().filter_map(|l| site.id(&l.target)));
            }
        }
    }
    if site.home != old.home {
        for home in [&site.home, &old.home].into_iter().flatten() {
            maybe.extend(home.links.iter().filter_map(|l| site.id(&l.target)));
        }
    }
    maybe.sort_unstable();
    maybe.dedup();
    for id in maybe {
        if !same_relations(site, id, old, id) {
            mark(id);
        }
    }
    let notes: Vec<NoteId> = (0..n).filter(|&id| render[id]).collect();

    let words_changed = changed_ids.iter().any(|&id| words_differ(Some(&old.notes[id]), &site.notes[id]));
    let lists = list_pages(site, old, false, words_changed, &card_changed, &body_changed);
    Some(Plan { cards, bodies, point_links, notes, lists, structural: false })
}

/// Whether `note` is a statement whose own words (its blockquotes) are not
/// those of `before`, the same note as it was (if it was there).
fn words_differ(before: Option<&crate::note::Note>, note: &crate::note::Note) -> bool {
    fn own_words(note: &crate::note::Note) -> Vec<&str> {
        note.own_words().collect()
    }
    note.kind() == Kind::Statement && before.is_none_or(|b| own_words(b) != own_words(note))
}

/// The list pages to render again: all but the 404 page when notes came or
/// went or a card changed (lists are made of cards); home when its own note
/// changed; who said what when a statement's own words did; the feed when
/// a statement's body did.
fn list_pages(
    site: &Site,
    old: &Site,
    structural: bool,
    words_changed: bool,
    card_changed: &[bool],
    body_changed: &[bool],
) -> HashSet<&'static str> {
    let mut lists = HashSet::new();
    if structural || card_changed.iter().any(|&c| c) {
        lists.extend(super::pages::LIST_URLS.into_iter().filter(|&url| url != "404.html"));
    }
    if site.home != old.home {
        lists.insert("");
    }
    if words_changed {
        lists.insert("who-said-what/");
    }
    if (0..site.notes.len()).any(|id| body_changed[id] && site.notes[id].kind() == Kind::Statement) {
        lists.insert("atom.xml");
    }
    lists
}

/// [`plan`] for a site whose notes came or went: every note is compared
/// with the last site's note of the same slug.
fn plan_anew(last: &Last, site: &Site) -> Option<Plan> {
    let old = &last.site;
    let n = site.notes.len();
    // Each note's id in the last site, if it was there as the same kind.
    let old_of: Vec<Option<NoteId>> =
        site.notes.iter().map(|note| old.id(&note.slug).filter(|&o| old.notes[o].kind() == note.kind())).collect();
    // New or edited notes (the parse cache hands back the same note for an unchanged file).
    let changed: Vec<bool> =
        (0..n).map(|id| old_of[id].is_none_or(|o| !Arc::ptr_eq(&old.notes[o], &site.notes[id]))).collect();
    let gone: Vec<&str> = old
        .notes
        .iter()
        .filter(|o| site.id(&o.slug).is_none_or(|id| site.notes[id].kind() != o.kind()))
        .map(|o| o.slug.as_str())
        .collect();
    let structural = !gone.is_empty() || old_of.iter().any(Option::is_none);
    // Slugs whose note is new, edited or gone: whatever names them may change.
    let touched: FxHashSet<&str> =
        (0..n).filter(|&id| changed[id]).map(|id| site.notes[id].slug.as_str()).chain(gone.iter().copied()).collect();

    let point_links: Vec<Vec<String>> = (0..n)
        .into_par_iter()
        .map(|id| match old_of[id] {
            Some(o) if !changed[id] => last.point_links[o].clone(),
            _ => point_links(site, id),
        })
        .collect();
    let names_touched = |id: NoteId| {
        changed[id]
            || site.notes[id].references().iter().any(|s| touched.contains(s))
            || point_links[id].iter().any(|s| touched.contains(s.as_str()))
    };
    // A source's body marks the passages its statements quote.
    let quoted_from_touched = |id: NoteId| {
        site.cited_by[id].iter().any(|&s| changed[s])
            || old_of[id].is_some_and(|o| old.cited_by[o].iter().any(|&s| touched.contains(old.notes[s].slug.as_str())))
    };

    let remade = |id: NoteId, keep: &[Value], make: &(dyn Fn(NoteId) -> Value + Sync), redo: bool| match old_of[id] {
        Some(o) if !redo => (keep[o].clone(), false),
        Some(o) => {
            let value = make(id);
            let differs = value != keep[o];
            (value, differs)
        }
        None => (make(id), true),
    };
    let (cards, card_changed): (Vec<Value>, Vec<bool>) =
        (0..n).into_par_iter().map(|id| remade(id, &last.cards, &|id| card(site, id), names_touched(id))).unzip();
    let (bodies, body_changed): (Vec<Value>, Vec<bool>) = (0..n)
        .into_par_iter()
        .map(|id| {
            let redo = names_touched(id) || (site.notes[id].kind() == Kind::Source && quoted_from_touched(id));
            remade(id, &last.bodies, &|id| Value::safe_string(&body_html(site, id)), redo)
        })
        .unzip();
    // Country cards are in every page's legend.
    if last.groups.keys().any(|slug| site.id(slug).is_some_and(|id| card_changed[id])) {
        return None;
    }

    // A page shows other notes through their cards; only a comparison
    // also shows its two statements' bodies and own words.
    let shown_changed = |id: NoteId, other: NoteId| {
        card_changed[other] || (site.notes[id].kind() == Kind::Comparison && (changed[other] || body_changed[other]))
    };
    let notes: Vec<NoteId> = (0..n)
        .into_par_iter()
        .filter(|&id| match old_of[id] {
            None => true,
            Some(o) => {
                changed[id]
                    || card_changed[id]
                    || body_changed[id]
                    // A point's link to a note that came or went renders differently.
                    || point_links[id].iter().any(|s| touched.contains(s.as_str()))
                    || !same_relations(site, id, old, o)
                    || shown_notes(site, id, &point_links[id]).any(|other| shown_changed(id, other))
            }
        })
        .collect();

    let words_changed =
        (0..n).any(|id| changed[id] && words_differ(old_of[id].map(|o| &*old.notes[o]), &site.notes[id]));
    let lists = list_pages(site, old, structural, words_changed, &card_changed, &body_changed);
    Some(Plan { cards, bodies, point_links, notes, lists, structural })
}

/// The notes whose cards, bodies or words the page of `id` shows: those it
/// names and those that name it (a superset: a comparison's page is also
/// taken to show its statements' speakers).
fn shown_notes<'a>(site: &'a Site, id: NoteId, point_links: &'a [String]) -> impl Iterator<Item = NoteId> + 'a {
    names(site, id, point_links).chain(named_by(site, id))
}

/// True when note `id` of `site` and note `o` of `old` have the same
/// backlinks and relation lists (compared by slug, since ids shift).
fn same_relations(site: &Site, id: NoteId, old: &Site, o: NoteId) -> bool {
    let same = |a: &[NoteId], b: &[NoteId]| {
        a.len() == b.len() && a.iter().zip(b).all(|(&x, &y)| site.notes[x].slug == old.notes[y].slug)
    };
    let (new_rel, old_rel) = (&site.actors[id], &old.actors[o]);
    let backlinks = &site.backlinks[id];
    let old_backlinks = &old.backlinks[o];
    backlinks.len() == old_backlinks.len()
        && backlinks.iter().zip(old_backlinks.iter()).all(|(a, b)| {
            a.sentence == b.sentence
                && match (a.from, b.from) {
                    (Some(x), Some(y)) => site.notes[x].slug == old.notes[y].slug,
                    (None, None) => true,
                    _ => false,
                }
        })
        && same(&new_rel.said, &old_rel.said)
        && same(&new_rel.addressed, &old_rel.addressed)
        && same(&new_rel.about, &old_rel.about)
        && same(&new_rel.events, &old_rel.events)
        && same(&new_rel.comparisons, &old_rel.comparisons)
        && same(&new_rel.members, &old_rel.members)
        && same(&site.compared_in[id], &old.compared_in[o])
        && same(&site.event_statements[id], &old.event_statements[o])
        && same(&site.cited_by[id], &old.cited_by[o])
}

/// The slugs that the points of comparison `id` link to (found or not:
/// a note created later changes how the link renders).
fn point_links(site: &Site, id: NoteId) -> Vec<String> {
    let note = &site.notes[id];
    let Meta::Comparison(c) = &note.meta else {
        return Vec::new();
    };
    let recorder = Recorder { site, slugs: RefCell::new(Vec::new()) };
    for p in &c.points {
        for text in [&p.topic, &p.left, &p.right] {
            inline_html(text, &note.path, "", &recorder);
        }
    }
    let mut slugs = recorder.slugs.into_inner();
    slugs.sort();
    slugs.dedup();
    slugs
}

/// A link resolver that notes every slug it is asked for.
struct Recorder<'a> {
    site: &'a Site,
    slugs: RefCell<Vec<String>>,
}

impl LinkResolver for Recorder<'_> {
    fn resolve(&self, slug: &str, kind: Option<Kind>) -> Option<&crate::note::Note> {
        self.slugs.borrow_mut().push(slug.to_string());
        self.site.resolve(slug, kind)
    }
}
