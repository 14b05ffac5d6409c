//! Rendering again after a change: the pages whose inputs changed, and no
//! others.
//!
//! A [`Memo`] keeps the last site it rendered, each note's card and body,
//! and the [`Record`] of what every card, body and page read (the
//! [`Input`]s that `reads.rs` noted while they were made), indexed both
//! ways: what each one read, and who read each input. After a change it
//! finds which inputs differ between the last site and the new one, makes
//! again the cards and bodies that read one of them (a card or body that
//! comes out the same changes nothing further), and renders again the
//! pages that read a changed input, the pages whose templates changed, and
//! the pages that are new. The work is in proportion to what changed, not
//! to the size of the site. Nothing here knows what any page shows: it
//! follows the record. The property tests in
//! `tests/integration/incremental.rs` hold this to account: after any
//! sequence of edits, the pages a memo keeps are byte for byte those of a
//! full build.

mod later;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use tera::Value;

use super::context::{all_cards, card};
use super::reads::{Input, group_of, slug_hash};
use super::routes::{self, PageRef, ROUTES};
use super::{Page, RenderOptions, Shared, Templates, body_with_inputs, collect, render_pages};
use crate::StageClock;
use crate::diagnostic::Diagnostics;
use crate::model::{Backlink, NoteId, Site};
use crate::note::{Kind, Note};
use crate::urls;
use later::{Check, Checking};
pub use later::{CheckEnd, give_way};

/// How many notes' pages a render in `serve` renders at once; when more
/// read a change (a template of every statement's page), they are all left
/// to be rendered when asked for, as are the lists (each shows many notes).
const NOW_LIMIT: usize = 256;

/// A note's name that lasts from one build to the next (ids shift when
/// notes come and go; a slug keeps its key for the memo's life).
type NoteKey = u32;

/// An input as the record keeps it.
type Read = Input<NoteKey>;

/// A page as the record keeps it: its route and, for a note's page, the note.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct PageKey {
    route: u32,
    note: Option<NoteKey>,
}

/// What one card, body or page read, as the record takes it.
type Made = (Reader, Arc<[Read]>);

/// Every note's card, every note's body (by id).
type Cards = Arc<Vec<Value>>;
type Bodies = Arc<Vec<Option<Value>>>;

/// Every note's body as the memo keeps it: the HTML of those that more
/// than one page shows (`shown_twice`; the others are made when their page
/// is rendered, as a build makes them), and a digest of each body, which
/// tells a rebuild whether it changed. Keeping every body's HTML held some
/// 47 MB more at 10,000 statements, beside the prepared HTML they are made from.
#[derive(Clone, Default)]
struct KeptBodies {
    shown: Bodies,
    digests: Arc<Vec<u64>>,
}

impl KeptBodies {
    /// The bodies of `site` kept of `made` (each note's body, by id).
    fn of(site: &Site, made: Vec<Value>) -> KeptBodies {
        let digests = made.par_iter().map(digest).collect();
        let mut shown: Vec<Option<Value>> = made.into_iter().map(Some).collect();
        only_shown_twice(site, &mut shown);
        KeptBodies { shown: Arc::new(shown), digests: Arc::new(digests) }
    }
}

/// Drops the bodies of `site`'s notes that one page at most shows (a body
/// shown twice only since the last render is made as its pages are
/// rendered until it is made again).
fn only_shown_twice(site: &Site, bodies: &mut [Option<Value>]) {
    for (body, twice) in bodies.iter_mut().zip(super::shown_twice(site)) {
        if !twice {
            *body = None;
        }
    }
}

/// A digest of a body's HTML (SipHash of its length and bytes): equal
/// bodies have equal digests, and two bodies that differ the same one
/// once in 2^64.
fn digest(body: &Value) -> u64 {
    use std::hash::{Hash, Hasher};
    let html = body.as_str().unwrap_or_default();
    let mut hasher = std::hash::DefaultHasher::new();
    (html.len(), html).hash(&mut hasher);
    hasher.finish()
}

/// What reads inputs: a note's card, a note's body, or a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Reader {
    Card(NoteKey),
    Body(NoteKey),
    Page(PageKey),
}

/// What changed besides the notes, as the caller knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Only notes (the memo finds which, and what of them).
    Notes,
    /// Notes, and the text of these templates (none added or removed).
    Templates(Vec<String>),
    /// Something every page depends on (configuration, options, the set
    /// of templates): every page is rendered.
    Everything,
}

/// What the last render made, kept for the next.
#[derive(Default)]
pub struct Memo {
    last: Option<Last>,
    /// Slug → key, for the memo's life.
    keys: FxHashMap<Box<str>, NoteKey>,
    /// Its renders leave pages to be rendered when asked for
    /// ([`Memo::pages`]): one that renders everything (the first, or after
    /// a change of configuration), every page; the others, the lists and
    /// large numbers of notes' pages. A check on a thread of its own
    /// records what those read ([`Memo::on_request`]).
    on_request: bool,
    /// A check found errors: the next render renders every page, so that
    /// it fails with them (and the last good site stays served).
    full_next: bool,
}

struct Last {
    site: Arc<Site>,
    /// Per note (by id): its key, its card and its body.
    keys: Vec<NoteKey>,
    cards: Cards,
    bodies: KeptBodies,
    /// What every page gets as `site` (the legend's country cards among it).
    site_value: Value,
    record: Record,
    /// The output paths of the search index's files it made, sorted.
    index_files: Vec<String>,
    /// The pages left to be rendered when asked for, whose reads the
    /// record lacks (or has from before a change they read).
    unrecorded: FxHashSet<PageKey>,
    /// The check of the `unrecorded` pages, while it runs.
    checking: Option<Checking>,
    /// Each page by output path, made when a page is first asked for.
    paths: Arc<std::sync::OnceLock<FxHashMap<String, PageRef>>>,
}

/// What every card, body and page read, and who read each input.
#[derive(Default)]
struct Record {
    reads: Arc<FxHashMap<Reader, Arc<[Read]>>>,
    readers: Readers,
}

/// Who read each input: made on a thread of its own after a full render
/// (a preview need not wait for it to serve the first page), and waited
/// for only when first needed.
enum Readers {
    Ready(FxHashMap<Read, Vec<Reader>>),
    Making(std::thread::JoinHandle<FxHashMap<Read, Vec<Reader>>>),
}

impl Default for Readers {
    fn default() -> Self {
        Readers::Ready(FxHashMap::default())
    }
}

/// The pages of one render.
#[derive(Debug, Default)]
pub struct Update {
    /// The pages rendered, sorted by path: every page, or only those that changed.
    pub pages: Vec<Page>,
    /// Pages of the last site that this one no longer has.
    pub removed: Vec<String>,
    /// How many pages the site has.
    pub total: usize,
    /// True when every page was rendered (nothing was kept).
    pub full: bool,
    /// The output paths of the pages left to be rendered when asked for
    /// ([`Memo::page`]): every page of a first render on request.
    pub pending: Vec<String>,
    /// How long each step of the render took (shown by `serve -v`).
    pub stages: Vec<(&'static str, Duration)>,
    /// The search index's records, when the index changed and its files
    /// were left to be made later (`RenderOptions::defer_search`).
    pub search: Option<crate::search::Records>,
    /// The search index is out of date, and left to be made later from
    /// the rebuild's `PageMaker` (`PageMaker::search_files`): with
    /// `RenderOptions::defer_search`, a rebuild does not make its records,
    /// so that an edit's pages never wait for them.
    pub search_later: bool,
}

impl Memo {
    /// The site of the last render, if any.
    pub fn site(&self) -> Option<&Site> {
        self.last.as_ref().map(|last| &*last.site)
    }

    /// Renders `site`: only the pages whose inputs differ from the last
    /// render's (and those `change` names), or every page when `change` is
    /// [`Change::Everything`] or there is no last render. On success the
    /// memo keeps `site`; after a failure the next render renders every page.
    pub fn render(
        &mut self,
        site: Site,
        templates: &Arc<Templates>,
        options: &RenderOptions,
        change: &Change,
    ) -> Result<Update, Diagnostics> {
        let mut clock = StageClock::new();
        // A check still running is stopped where it is; if it found
        // errors, nothing of the last render is kept and every page is rendered.
        let _ = self.join_check(true);
        clock.lap("check stopped");
        let keys = self.keys_of(&site);
        let last = match change {
            Change::Everything => None,
            Change::Notes | Change::Templates(_) => self.last.take(),
        };
        let Some(mut last) = last else {
            return self.render_everything(site, keys, templates, options, clock);
        };
        let old_id = old_ids(&last, &keys);
        let mut changed = changed_inputs(&last, &site, &keys, &old_id);
        let routes = routes_using(templates, change);
        let same_notes = same_notes(&last, &site, &keys);
        clock.lap("changes");
        if changed.is_empty() && routes.is_empty() {
            // Nothing any page, card or body read differs: the last render
            // stands, and so do the pages made of it on request.
            let total = routes::page_count(&site);
            crate::drop_later(std::mem::replace(&mut last.site, Arc::new(site)));
            last.paths = Arc::default();
            self.last = Some(last);
            self.check_later(templates, options);
            return Ok(Update { total, stages: clock.laps(), ..Update::default() });
        }
        let (cards, bodies, mut made) = remake(&mut last, &site, &keys, &old_id, &mut changed);
        clock.lap("cards and bodies");
        let shared = Shared::new(&site, Arc::clone(&cards), Arc::clone(&bodies.shown));
        if last.site_value != shared.site {
            // Every page shows the site's legend: when it changed, every page is rendered.
            drop(shared);
            return self.render_everything(site, keys, templates, options, clock);
        }
        let (gone, mut removed) = if same_notes { (Vec::new(), Vec::new()) } else { gone_pages(&last, &site, &keys) };
        let mut wanted = wanted_pages(&mut last.record, &site, &keys, &changed, &routes, same_notes);
        let search_later = options.defer_search && leave_search(&mut wanted, &site, &changed);
        let later = if self.on_request { leave_for_later(&mut wanted, &routes) } else { Vec::new() };
        clock.lap("wanted");
        let (pages, read) = render_recorded(&site, templates, options, &shared, &wanted, &keys)?;
        clock.lap("pages");
        made.extend(read);
        let index_files = index_files(&last.index_files, &pages, &wanted, &mut removed);
        let mut record = std::mem::take(&mut last.record);
        record.update(made, &gone);
        let total = routes::page_count(&site);
        let site_value = shared.site.clone();
        drop(shared);
        let unrecorded = still_unrecorded(std::mem::take(&mut last.unrecorded), &gone, &wanted, &later, &keys);
        crate::drop_later(std::mem::replace(&mut last.site, Arc::new(site)));
        let mut now = Last::new(last.site, keys, (cards, bodies), site_value, record, index_files);
        now.unrecorded = unrecorded;
        self.last = Some(now);
        let checked = self.check_later(templates, options);
        let pending = self.pending_paths(&checked);
        clock.lap("record");
        Ok(Update { pages, removed, total, pending, stages: clock.laps(), search_later, ..Update::default() })
    }

    /// Renders every page of `site`: at once, or (on request, unless a
    /// check just failed) when each is asked for.
    fn render_everything(
        &mut self,
        site: Site,
        keys: Vec<NoteKey>,
        templates: &Arc<Templates>,
        options: &RenderOptions,
        clock: StageClock,
    ) -> Result<Update, Diagnostics> {
        if self.on_request && !self.full_next {
            return Ok(self.render_on_request(site, keys, templates, options, clock));
        }
        let update = self.render_all(site, keys, templates, options, clock)?;
        self.full_next = false;
        Ok(update)
    }

    /// Renders every page of `site`, and records what every card, body
    /// and page read.
    fn render_all(
        &mut self,
        site: Site,
        keys: Vec<NoteKey>,
        templates: &Templates,
        options: &RenderOptions,
        mut clock: StageClock,
    ) -> Result<Update, Diagnostics> {
        crate::drop_later(self.last.take());
        let (cards, bodies, mut made) = cards_and_bodies(&site, &keys);
        clock.lap("cards and bodies");
        let shared = Shared::new(&site, Arc::clone(&cards), Arc::clone(&bodies.shown));
        let all = routes::all_pages(&site);
        let (pages, read) = render_recorded(&site, templates, options, &shared, &all, &keys)?;
        clock.lap("pages");
        made.extend(read);
        let record = Record::of(made);
        let index_files = index_files(&[], &pages, &all, &mut Vec::new());
        let Shared { site: site_value, deferred, .. } = shared;
        let search = deferred.into_inner().ok().flatten();
        let total = all.len();
        self.last = Some(Last::new(Arc::new(site), keys, (cards, bodies), site_value, record, index_files));
        clock.lap("record");
        let stages = clock.laps();
        Ok(Update {
            pages,
            removed: Vec::new(),
            total,
            full: true,
            pending: Vec::new(),
            stages,
            search,
            search_later: false,
        })
    }

    /// A memo whose first render renders no page: each is rendered when
    /// asked for ([`Memo::pages`]), while every page is rendered on a
    /// thread of its own to check it and record what it read
    /// ([`Memo::settle`] waits for that). Its next renders render the
    /// notes' pages that a change shows on, and leave the rest so (the
    /// lists, and more than a few hundred notes' pages). `serve` works
    /// so: its first page does not wait for every page of the site, nor
    /// an edit's page for the lists that show it too.
    pub fn on_request() -> Memo {
        Memo { on_request: true, ..Memo::default() }
    }

    /// What renders any page of the last render, when asked for.
    pub fn pages(&self, templates: &Arc<Templates>, options: &RenderOptions) -> Option<PageMaker> {
        let last = self.last.as_ref()?;
        Some(PageMaker {
            site: Arc::clone(&last.site),
            templates: Arc::clone(templates),
            options: options.clone(),
            cards: Arc::clone(&last.cards),
            bodies: Arc::clone(&last.bodies.shown),
            paths: Arc::clone(&last.paths),
        })
    }

    /// Waits for the end of the check of the pages left for later, if one
    /// runs, and keeps what they read; or gives the errors it found (and
    /// then nothing of the last render is kept: the next renders every page).
    pub fn settle(&mut self) -> Result<(), Diagnostics> {
        self.join_check(false)
    }

    /// The end of the check of the pages left for later, if one runs.
    pub fn check_end(&self) -> Option<CheckEnd> {
        self.last.as_ref()?.checking.as_ref().map(|c| c.end().clone())
    }

    /// [`Memo::settle`], if the check running is the one that `end` ends
    /// and it has ended (else nothing: a later render has taken it over).
    pub fn settle_ended(&mut self, end: &CheckEnd) -> Result<(), Diagnostics> {
        match self.check_end() {
            Some(running) if running.is(end) && running.has_ended() => self.join_check(false),
            _ => Ok(()),
        }
    }

    /// Ends the check running (stopping it where it is, or waiting for
    /// it), and keeps what the pages it rendered read.
    fn join_check(&mut self, stop: bool) -> Result<(), Diagnostics> {
        let Some(checking) = self.last.as_mut().and_then(|last| last.checking.take()) else { return Ok(()) };
        match checking.join(stop) {
            Ok(made) => {
                if let Some(last) = self.last.as_mut() {
                    for reader in &made {
                        if let (Reader::Page(key), _) = reader {
                            last.unrecorded.remove(key);
                        }
                    }
                    last.record.update(made, &[]);
                }
                Ok(())
            }
            Err(errors) => {
                crate::drop_later(self.last.take());
                self.full_next = true;
                Err(errors)
            }
        }
    }

    /// Starts the check of the pages left for later, and gives them.
    fn check_later(&mut self, templates: &Arc<Templates>, options: &RenderOptions) -> Vec<PageRef> {
        let Some(last) = self.last.as_mut().filter(|last| !last.unrecorded.is_empty()) else { return Vec::new() };
        let id_of = ids_by_key(&last.keys);
        let mut pages: Vec<PageRef> = last.unrecorded.iter().filter_map(|&key| page_ref(key, &id_of)).collect();
        pages.sort_by_key(|p| (p.note.is_none(), p.route, p.note));
        let check = Check {
            site: Arc::clone(&last.site),
            templates: Arc::clone(templates),
            options: options.clone(),
            values: (Arc::clone(&last.cards), Arc::clone(&last.bodies.shown)),
            keys: last.keys.clone(),
        };
        last.checking = Some(check.start(pages.clone()));
        pages
    }

    /// The output paths of `pages` of the last render's site.
    fn pending_paths(&self, pages: &[PageRef]) -> Vec<String> {
        let Some(last) = &self.last else { return Vec::new() };
        pages.iter().map(|p| urls::output_path(&p.url(&last.site))).collect()
    }

    /// The first render on request: every note's card and body, and no
    /// page; every page is rendered on a thread of its own, only to check
    /// it and record what it read.
    fn render_on_request(
        &mut self,
        site: Site,
        keys: Vec<NoteKey>,
        templates: &Arc<Templates>,
        options: &RenderOptions,
        mut clock: StageClock,
    ) -> Update {
        crate::drop_later(self.last.take());
        let (cards, bodies, made) = cards_and_bodies(&site, &keys);
        clock.lap("cards and bodies");
        let site_value = Shared::new(&site, Arc::clone(&cards), Arc::clone(&bodies.shown)).site;
        let all = routes::all_pages(&site);
        let total = all.len();
        let search_later = site.config.search;
        let mut last = Last::new(Arc::new(site), keys, (cards, bodies), site_value, Record::of(made), Vec::new());
        let pages = all.into_iter().filter(|p| !matches!(p.route().pages, routes::Pages::Folder(_)));
        last.unrecorded = pages.map(|p| page_key(p, &last.keys)).collect();
        self.last = Some(last);
        let checked = self.check_later(templates, options);
        let pending = self.pending_paths(&checked);
        clock.lap("pages left for when asked for");
        Update { total, full: true, pending, stages: clock.laps(), search_later, ..Update::default() }
    }

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

/// Every note's card and body, and what each read.
fn cards_and_bodies(site: &Site, keys: &[NoteKey]) -> (Cards, KeptBodies, Vec<Made>) {
    let (cards, card_reads): (Vec<Value>, Vec<_>) = all_cards(site).into_iter().unzip();
    let (bodies, body_reads): (Vec<Value>, Vec<_>) =
        NoteId::par_all(site.notes.len()).map(|id| body_with_inputs(site, id)).unzip();
    let keyed_by = |reader: fn(NoteKey) -> Reader, reads: Vec<Vec<Input<NoteId>>>| {
        reads.into_iter().enumerate().map(move |(id, reads)| (reader(keys[id]), keyed(&reads, keys)))
    };
    let made = keyed_by(Reader::Card, card_reads).chain(keyed_by(Reader::Body, body_reads)).collect();
    (Arc::new(cards), KeptBodies::of(site, bodies), made)
}

impl Last {
    fn new(
        site: Arc<Site>,
        keys: Vec<NoteKey>,
        (cards, bodies): (Cards, KeptBodies),
        site_value: Value,
        record: Record,
        index_files: Vec<String>,
    ) -> Last {
        Last {
            site,
            keys,
            cards,
            bodies,
            site_value,
            record,
            index_files,
            unrecorded: FxHashSet::default(),
            checking: None,
            paths: Arc::default(),
        }
    }
}

/// What renders any page of one render when it is asked for (`serve`'s
/// pages on request): the site, its templates, cards and bodies as that
/// render left them. A page it makes is the page that render would have made.
#[derive(Clone)]
pub struct PageMaker {
    site: Arc<Site>,
    templates: Arc<Templates>,
    options: RenderOptions,
    cards: Cards,
    bodies: Bodies,
    paths: Arc<std::sync::OnceLock<FxHashMap<String, PageRef>>>,
}

impl std::fmt::Debug for PageMaker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageMaker").field("notes", &self.site.notes.len()).finish_non_exhaustive()
    }
}

impl PageMaker {
    /// The search index's files of this render's site, each handed to
    /// `out` as it is made (`search::files_of`, as a build makes them): the
    /// records of every note are never held at once.
    pub fn search_files(&self, out: &(dyn Fn(Page) + Sync)) {
        let shared = Shared::new(&self.site, Arc::clone(&self.cards), Arc::clone(&self.bodies));
        crate::search::files_of(&super::reads::PageReads::new(&self.site, &shared), out);
    }

    /// The page at output path `path` (with the search index's, several
    /// files; none for a path that is no page of the site), or the errors
    /// of its template.
    pub fn page(&self, path: &str) -> Option<Result<Vec<Page>, Diagnostics>> {
        let site = &*self.site;
        let paths = self.paths.get_or_init(|| {
            routes::all_pages(site).into_iter().map(|p| (urls::output_path(&p.url(site)), p)).collect()
        });
        let page = *paths.get(path)?;
        let shared = Shared::new(site, Arc::clone(&self.cards), Arc::clone(&self.bodies));
        let made = super::render_page(site, &self.templates, &self.options, &shared, page, &|_| Ok(()));
        Some(made.map(|(pages, _)| pages).map_err(|e| Diagnostics(vec![e])))
    }
}

impl Record {
    /// The record of `reads`; its index is made on another thread.
    fn of(reads: Vec<Made>) -> Record {
        let reads: Arc<FxHashMap<Reader, Arc<[Read]>>> = Arc::new(reads.into_iter().collect());
        let all = Arc::clone(&reads);
        let making = std::thread::Builder::new().name("readout-index".into()).spawn(move || index(&all));
        let readers = match making {
            Ok(handle) => Readers::Making(handle),
            Err(_) => Readers::Ready(index(&reads)),
        };
        Record { reads, readers }
    }

    /// Who read each input (waiting for the index if it is being made).
    fn readers(&mut self) -> &mut FxHashMap<Read, Vec<Reader>> {
        if let Readers::Making(_) = self.readers {
            let Readers::Making(handle) = std::mem::take(&mut self.readers) else { unreachable!() };
            let made = handle.join().unwrap_or_else(|_| index(&self.reads));
            self.readers = Readers::Ready(made);
        }
        match &mut self.readers {
            Readers::Ready(readers) => readers,
            Readers::Making(_) => unreachable!("the index was just made"),
        }
    }

    /// Everything that read one of `inputs`.
    fn readers_of(&mut self, inputs: &FxHashSet<Read>) -> FxHashSet<Reader> {
        let readers = self.readers();
        inputs.iter().filter_map(|input| readers.get(input)).flatten().copied().collect()
    }

    /// Puts in what `made` read now, and forgets `gone`. When much
    /// changed, the index is made anew rather than patched.
    fn update(&mut self, made: Vec<Made>, gone: &[Reader]) {
        let anew = (made.len() + gone.len()) * 8 > self.reads.len();
        self.readers();
        let Readers::Ready(readers) = &mut self.readers else { unreachable!("the index is ready") };
        let reads = Arc::make_mut(&mut self.reads);
        for reader in gone {
            if let Some(was) = reads.remove(reader)
                && !anew
            {
                unindex(readers, *reader, &was);
            }
        }
        for (reader, now) in made {
            let was = reads.insert(reader, Arc::clone(&now));
            if anew {
                continue;
            }
            if let Some(was) = was {
                if *was == *now {
                    // Made again from the same inputs (the usual case): the index holds.
                    continue;
                }
                unindex(readers, reader, &was);
            }
            for read in now.iter() {
                readers.entry(*read).or_default().push(reader);
            }
        }
        if anew {
            *readers = index(reads);
        }
    }
}

/// Who read each input, from what each reader read.
fn index(reads: &FxHashMap<Reader, Arc<[Read]>>) -> FxHashMap<Read, Vec<Reader>> {
    let mut readers: FxHashMap<Read, Vec<Reader>> = FxHashMap::default();
    for (reader, read) in reads {
        for input in read.iter() {
            readers.entry(*input).or_default().push(*reader);
        }
    }
    readers
}

fn unindex(readers: &mut FxHashMap<Read, Vec<Reader>>, reader: Reader, reads: &[Read]) {
    for read in reads {
        if let Some(list) = readers.get_mut(read) {
            list.retain(|r| *r != reader);
            if list.is_empty() {
                readers.remove(read);
            }
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

fn page_key(page: PageRef, keys: &[NoteKey]) -> PageKey {
    let route = u32::try_from(page.route).expect("a route's index fits");
    PageKey { route, note: page.note.map(|id| keys[id]) }
}

/// The page `key` names, by the ids of `id_of` (none for a note it lacks).
fn page_ref(key: PageKey, id_of: &FxHashMap<NoteKey, NoteId>) -> Option<PageRef> {
    let note = match key.note {
        Some(k) => Some(*id_of.get(&k)?),
        None => None,
    };
    Some(PageRef { route: key.route as usize, note })
}

/// Each note's id by its key.
fn ids_by_key(keys: &[NoteKey]) -> FxHashMap<NoteKey, NoteId> {
    keys.iter().enumerate().map(|(id, &k)| (k, NoteId::new(id))).collect()
}

/// Takes out of `wanted` the pages `serve` leaves to be rendered when
/// asked for: the lists, and the notes' pages too when more than
/// [`NOW_LIMIT`] of them read a change. Of the `routes` whose templates
/// changed, the first page of each is rendered all the same, so that a
/// template that fails on every page fails the rebuild (and the last good
/// site stays served); one that fails on some pages only is found by the
/// check behind the reload.
fn leave_for_later(wanted: &mut Vec<PageRef>, routes: &[usize]) -> Vec<PageRef> {
    let notes = wanted.iter().filter(|p| p.note.is_some()).count();
    let mut tried: FxHashSet<usize> = FxHashSet::default();
    let mut now = |p: &PageRef| match p.route().pages {
        routes::Pages::Folder(_) => true,
        _ if p.note.is_some() && notes <= NOW_LIMIT => true,
        _ => routes.contains(&p.route) && tried.insert(p.route),
    };
    let (now, later) = std::mem::take(wanted).into_iter().partition(|p| now(p));
    *wanted = now;
    later
}

/// The pages left for later after a render: those before it that it did
/// not render and that are still pages of the site, and those it left.
fn still_unrecorded(
    mut unrecorded: FxHashSet<PageKey>,
    gone: &[Reader],
    rendered: &[PageRef],
    later: &[PageRef],
    keys: &[NoteKey],
) -> FxHashSet<PageKey> {
    for reader in gone {
        if let Reader::Page(key) = reader {
            unrecorded.remove(key);
        }
    }
    for &page in rendered {
        unrecorded.remove(&page_key(page, keys));
    }
    unrecorded.extend(later.iter().map(|&p| page_key(p, keys)));
    unrecorded
}

/// Renders `pages`, and what each read, as the record keeps it.
fn render_recorded(
    site: &Site,
    templates: &Templates,
    options: &RenderOptions,
    shared: &Shared,
    pages: &[PageRef],
    keys: &[NoteKey],
) -> Result<(Vec<Page>, Vec<Made>), Diagnostics> {
    let mut read = Vec::new();
    let rendered = collect(|sink| {
        read = recorded(site, templates, options, shared, pages, keys, sink)?;
        Ok(pages.len())
    })?;
    Ok((rendered, read))
}

/// Renders `pages` into `sink`, and returns what each read, as the record keeps it.
fn recorded(
    site: &Site,
    templates: &Templates,
    options: &RenderOptions,
    shared: &Shared,
    pages: &[PageRef],
    keys: &[NoteKey],
    sink: &(dyn Fn(Page) -> std::io::Result<()> + Sync),
) -> Result<Vec<Made>, super::RenderError> {
    let read = Mutex::new(Vec::with_capacity(pages.len()));
    let inputs = |page: PageRef, inputs: Vec<Input<NoteId>>| {
        let reads = keyed(&inputs, keys);
        if let Ok(mut read) = read.lock() {
            read.push((Reader::Page(page_key(page, keys)), reads));
        }
    };
    render_pages(site, templates, options, shared, pages, &inputs, sink)?;
    Ok(read.into_inner().unwrap_or_default())
}

/// Takes the search index's route out of `wanted`, to be made after the
/// pages are served (`RenderOptions::defer_search`), and says whether the
/// index is out of date. It reads every note with a page, so it is out of
/// date on any change of an input, and only then: whether it was wanted
/// says nothing, since an index made later has no record of its reads
/// (every template edit wanted it for want of one, and made it again).
fn leave_search(wanted: &mut Vec<PageRef>, site: &Site, changed: &FxHashSet<Read>) -> bool {
    wanted.retain(|p| !matches!(p.route().pages, routes::Pages::Folder(_)));
    site.config.search && !changed.is_empty()
}

/// The routes whose pages are rendered through a template that `change`
/// names (or one that uses it).
fn routes_using(templates: &Templates, change: &Change) -> Vec<usize> {
    let Change::Templates(changed) = change else { return Vec::new() };
    ROUTES
        .iter()
        .enumerate()
        .filter(|(_, route)| {
            route.template().is_some_and(|t| templates.uses(t).any(|used| changed.iter().any(|c| c == used)))
        })
        .map(|(i, _)| i)
        .collect()
}

/// The pages to render again: those that read a changed input, those of
/// `routes`, and (when notes came or went) those that have no record.
fn wanted_pages(
    record: &mut Record,
    site: &Site,
    keys: &[NoteKey],
    changed: &FxHashSet<Read>,
    routes: &[usize],
    same_notes: bool,
) -> Vec<PageRef> {
    let stale = record.readers_of(changed);
    if same_notes && routes.is_empty() {
        let id_of = ids_by_key(keys);
        let mut wanted: Vec<PageRef> = stale
            .iter()
            .filter_map(|reader| match *reader {
                Reader::Page(key) => page_ref(key, &id_of),
                Reader::Card(_) | Reader::Body(_) => None,
            })
            .collect();
        wanted.sort_by_key(|p| (p.route, p.note));
        return wanted;
    }
    routes::all_pages(site)
        .into_iter()
        .filter(|&p| {
            let key = Reader::Page(page_key(p, keys));
            routes.contains(&p.route) || stale.contains(&key) || !record.reads.contains_key(&key)
        })
        .collect()
}

/// The cards and bodies of `site`: the last ones where what they read is
/// unchanged, made again where not (or where the note is new). Adds to
/// `changed` the cards and bodies that came out different, and returns
/// what those made again read.
fn remake(
    last: &mut Last,
    site: &Site,
    keys: &[NoteKey],
    old_id: &[Option<NoteId>],
    changed: &mut FxHashSet<Read>,
) -> (Cards, KeptBodies, Vec<Made>) {
    let stale = last.record.readers_of(changed);
    let redo = |reader: fn(NoteKey) -> Reader| -> Vec<NoteId> {
        site.ids().filter(|&id| old_id[id].is_none() || stale.contains(&reader(keys[id]))).collect()
    };
    let (card_ids, body_ids) = (redo(Reader::Card), redo(Reader::Body));
    let new_cards: Vec<(Value, Vec<Input<NoteId>>)> = card_ids.par_iter().map(|&id| card(site, id)).collect();
    let new_bodies: Vec<(Value, Vec<Input<NoteId>>)> =
        body_ids.par_iter().map(|&id| body_with_inputs(site, id)).collect();
    let mut cards = carried(std::mem::take(&mut last.cards), old_id, Value::none());
    let KeptBodies { shown, digests } = std::mem::take(&mut last.bodies);
    let (mut bodies, mut digests) = (carried(shown, old_id, None), carried(digests, old_id, 0));
    let mut made = Vec::with_capacity(card_ids.len() + body_ids.len());
    let slots = Arc::make_mut(&mut cards);
    for (&id, (value, reads)) in card_ids.iter().zip(new_cards) {
        if old_id[id].is_none() || slots[id] != value {
            changed.insert(Input::Card(keys[id]));
        }
        slots[id] = value;
        made.push((Reader::Card(keys[id]), keyed(&reads, keys)));
    }
    let (slots, sums) = (Arc::make_mut(&mut bodies), Arc::make_mut(&mut digests));
    for (&id, (value, reads)) in body_ids.iter().zip(new_bodies) {
        let sum = digest(&value);
        if old_id[id].is_none() || sums[id] != sum {
            changed.insert(Input::Body(keys[id]));
        }
        sums[id] = sum;
        slots[id] = Some(value);
        made.push((Reader::Body(keys[id]), keyed(&reads, keys)));
    }
    only_shown_twice(site, slots);
    (cards, KeptBodies { shown: bodies, digests }, made)
}

/// The search index's files after this render: the new ones when the
/// index was made again (those of the `last` that it lacks added to
/// `removed`), else the last render's.
fn index_files(last: &[String], pages: &[Page], wanted: &[PageRef], removed: &mut Vec<String>) -> Vec<String> {
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

/// The last render's values, placed by the new ids (`empty` where a note is new).
fn carried<T: Clone>(mut values: Arc<Vec<T>>, old_id: &[Option<NoteId>], empty: T) -> Arc<Vec<T>> {
    if old_id.len() == values.len() && old_id.iter().enumerate().all(|(id, o)| *o == Some(NoteId::new(id))) {
        return values;
    }
    let old = Arc::make_mut(&mut values);
    let placed =
        old_id.iter().map(|o| o.map_or_else(|| empty.clone(), |o| std::mem::replace(&mut old[o], empty.clone())));
    Arc::new(placed.collect())
}

/// Per note of the new site, its id in the last one (by key).
fn old_ids(last: &Last, keys: &[NoteKey]) -> Vec<Option<NoteId>> {
    if last.keys == keys {
        return NoteId::all(keys.len()).map(Some).collect();
    }
    let by_key: FxHashMap<NoteKey, NoteId> =
        last.keys.iter().enumerate().map(|(id, &k)| (k, NoteId::new(id))).collect();
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
        for id in site.ids().filter(|&id| old_id[id].is_none()) {
            everything_of(keys[id], &site.notes[id], &mut changed);
        }
    }
    let edited: Vec<(NoteId, NoteId)> = site
        .ids()
        .filter_map(|id| old_id[id].filter(|&o| !Arc::ptr_eq(&old.notes[o], &site.notes[id])).map(|o| (id, o)))
        .collect();
    for &(id, o) in &edited {
        note_changes(&old.notes[o], &site.notes[id], keys[id], &mut changed);
    }
    let fronts_changed = !same_notes || changed.iter().any(|r| matches!(r, Input::Meta(_)));
    let to_compare: Vec<(NoteId, NoteId)> =
        if fronts_changed { site.ids().filter_map(|id| old_id[id].map(|o| (id, o))).collect() } else { edited };
    changed.extend(names_and_relations(last, site, keys, &to_compare));
    changed.extend(changed_backlinks(last, site, keys, old_id, same_notes));
    if old.home != site.home {
        changed.insert(Input::Home);
    }
    changed.extend(changed_images(old, site));
    changed
}

/// Of the notes `to_compare` (new id, old id), those whose name or
/// relation lists differ.
fn names_and_relations(last: &Last, site: &Site, keys: &[NoteKey], to_compare: &[(NoteId, NoteId)]) -> Vec<Read> {
    let old = &last.site;
    let same_ids =
        |a: &[NoteId], b: &[NoteId]| a.len() == b.len() && a.iter().zip(b).all(|(&x, &y)| keys[x] == last.keys[y]);
    to_compare
        .par_iter()
        .flat_map_iter(|&(id, o)| {
            let key = keys[id];
            let name = (name_of(old, o) != name_of(site, id)).then_some(Input::Name(key));
            let relations = old.relation_lists(o).zip(site.relation_lists(id)).any(|(a, b)| !same_ids(b, a));
            name.into_iter().chain(relations.then_some(Input::Relations(key)))
        })
        .collect()
}

/// The notes whose backlinks differ.
fn changed_backlinks(
    last: &Last,
    site: &Site,
    keys: &[NoteKey],
    old_id: &[Option<NoteId>],
    same_notes: bool,
) -> Vec<Read> {
    let old = &last.site;
    (0..site.notes.len())
        .into_par_iter()
        .filter_map(|id| {
            let o = old_id[id]?;
            let (was, now) = (&old.backlinks[o], &site.backlinks[id]);
            let same = (same_notes && Arc::ptr_eq(was, now)) || same_backlinks(was, now, &last.keys, keys);
            (!same).then_some(Input::Backlinks(keys[id]))
        })
        .collect()
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

/// What the last render made that `site` no longer has: the readers to
/// forget (the cards, bodies and pages of notes that went) and the output
/// paths of the pages gone (sorted).
fn gone_pages(last: &Last, site: &Site, keys: &[NoteKey]) -> (Vec<Reader>, Vec<String>) {
    let now_keys: FxHashSet<NoteKey> = keys.iter().copied().collect();
    let now_pages: FxHashSet<PageKey> = routes::all_pages(site).into_iter().map(|p| page_key(p, keys)).collect();
    let mut gone: Vec<Reader> =
        last.keys.iter().filter(|k| !now_keys.contains(k)).flat_map(|&k| [Reader::Card(k), Reader::Body(k)]).collect();
    let mut paths = Vec::new();
    let pages = routes::all_pages(&last.site).into_iter();
    for page in pages.filter(|p| !matches!(p.route().pages, routes::Pages::Folder(_))) {
        let key = page_key(page, &last.keys);
        if !now_pages.contains(&key) {
            paths.push(urls::output_path(&page.url(&last.site)));
            gone.push(Reader::Page(key));
        }
    }
    paths.sort();
    (gone, paths)
}
