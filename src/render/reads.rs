//! What a page reads of the site, written down as it reads it.
//!
//! A page's context, a card and a body are made from a [`SiteReads`] (or a
//! [`PageReads`], which adds the cards and bodies): it is the only way
//! they can see the site, and every look-up through it notes an
//! [`Input`]. What a page read is what decides, after a change, whether it
//! is rendered again (`memo/`); no list of what depends on what is kept
//! by hand anywhere.
//!
//! Each accessor hands out no more than the input it notes covers: the
//! front matter of a note through [`Head`] (never its body), what a link to
//! a note shows through [`Name`], and so on.

use std::cell::RefCell;
use std::hash::{Hash, Hasher};

use tera::Value;

use super::Shared;
use crate::config::SiteConfig;
use crate::images::Responsive;
use crate::model::{ActorRelations, Backlink, NoteId, Site};
use crate::note::{HomeNote, Kind, Meta, Note, Quotation};

/// One thing a page, card or body read. `N` names a note: its id while a
/// site is rendered, a key that lasts from one build to the next in the
/// record (`memo/`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Input<N> {
    /// All of a note: its text, body, headings and front matter.
    Note(N),
    /// Its front matter: title, date, draft and fields.
    Meta(N),
    /// What a link to it shows: its kind, title, URL and colour group.
    Name(N),
    /// The passages it quotes.
    Words(N),
    /// Its relation lists: what an actor said, the comparisons a statement
    /// is in, an event's statements, a source's citations.
    Relations(N),
    /// The notes that link to it, with their sentences.
    Backlinks(N),
    /// Its card.
    Card(N),
    /// Its body as HTML.
    Body(N),
    /// Which notes of a kind the site has, in order.
    Members(Kind),
    /// That no note has the slug of this hash (read for a link to none).
    Absent(u64),
    /// The home page's note.
    Home,
    /// An image's size and resized copies (by the hash of its output path).
    Image(u64),
}

/// The hash a slug that names no note is noted by (and an image, by its output path).
pub fn slug_hash(slug: &str) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    slug.hash(&mut h);
    h.finish()
}

/// A note's front matter, as [`SiteReads::head`] hands it out.
#[derive(Clone, Copy)]
pub struct Head<'a>(&'a Note);

impl<'a> Head<'a> {
    pub fn title(&self) -> &'a str {
        &self.0.title
    }
    pub fn slug(&self) -> &'a str {
        &self.0.slug
    }
    pub fn kind(&self) -> Kind {
        self.0.kind()
    }
    pub fn meta(&self) -> &'a Meta {
        &self.0.meta
    }
    pub fn date_key(&self) -> (Option<jiff::civil::Date>, &'a str) {
        self.0.date_key()
    }
    pub fn has_date(&self) -> bool {
        self.0.date.is_some()
    }
    pub fn draft(&self) -> bool {
        self.0.draft
    }
    pub fn date_precision(&self) -> crate::note::DatePrecision {
        self.0.date_precision
    }
    pub fn date_display(&self) -> Option<String> {
        self.0.date_display()
    }
    pub fn date_note(&self) -> Option<&'a str> {
        self.0.date_note()
    }
    /// The note's file, relative to the site root (where its images are found from).
    pub fn path(&self) -> &'a std::path::Path {
        &self.0.path
    }
}

/// What a link to a note shows.
#[derive(Clone, Copy)]
pub struct Name<'a> {
    pub slug: &'a str,
    pub kind: Kind,
    pub title: &'a str,
    /// Its page's URL from the site root.
    pub url: &'a str,
    /// The slug of its colour group (a country), or `""`.
    pub group: &'a str,
}

/// A note's relation lists.
pub struct Related<'a> {
    pub actor: &'a ActorRelations,
    pub compared_in: &'a [NoteId],
    pub event_statements: &'a [NoteId],
    pub cited_by: &'a [NoteId],
}

/// The site, seen through the inputs it notes.
pub struct SiteReads<'a> {
    site: &'a Site,
    log: RefCell<Vec<Input<NoteId>>>,
}

impl<'a> SiteReads<'a> {
    pub fn new(site: &'a Site) -> Self {
        SiteReads { site, log: RefCell::new(Vec::new()) }
    }

    /// What was read, in the order it was read (repeats included).
    pub fn into_inputs(self) -> Vec<Input<NoteId>> {
        self.log.into_inner()
    }

    fn note_read(&self, input: Input<NoteId>) {
        self.log.borrow_mut().push(input);
    }

    /// The site's configuration. Not noted: a change to it renders every page.
    pub fn config(&self) -> &'a SiteConfig {
        &self.site.config
    }

    /// The number of notes (ids are `0..count`). Not noted: a page that
    /// goes through all notes reads each one it uses.
    pub fn count(&self) -> usize {
        self.site.notes.len()
    }

    /// The whole note.
    pub fn note(&self, id: NoteId) -> &'a Note {
        self.note_read(Input::Note(id));
        &self.site.notes[id]
    }

    /// The note's front matter.
    pub fn head(&self, id: NoteId) -> Head<'a> {
        self.note_read(Input::Meta(id));
        Head(&self.site.notes[id])
    }

    /// What a link to the note shows.
    pub fn name(&self, id: NoteId) -> Name<'a> {
        self.note_read(Input::Name(id));
        self.name_unnoted(id)
    }

    fn name_unnoted(&self, id: NoteId) -> Name<'a> {
        let note = &self.site.notes[id];
        Name {
            slug: &note.slug,
            kind: note.kind(),
            title: &note.title,
            url: &self.site.urls[id],
            group: group_of(self.site, note),
        }
    }

    /// The URL of the note's page, from the site root. Noted as which notes
    /// of its kind there are: a URL is made of the kind and the slug, so it
    /// changes only when notes come or go.
    pub fn url(&self, id: NoteId) -> &'a str {
        let note = &self.site.notes[id];
        self.note_read(Input::Members(note.kind()));
        &self.site.urls[id]
    }

    /// The note with this slug, if any.
    pub fn find(&self, slug: &str) -> Option<NoteId> {
        let id = self.site.id(slug);
        self.note_read(match id {
            Some(id) => Input::Name(id),
            None => Input::Absent(slug_hash(slug)),
        });
        id
    }

    /// The passages the note quotes.
    pub fn words(&self, id: NoteId) -> &'a [Quotation] {
        self.note_read(Input::Words(id));
        &self.site.notes[id].quotations
    }

    /// A statement's own words: the passages its body quotes (none for
    /// other kinds).
    pub fn own_words(&self, id: NoteId) -> Vec<&'a str> {
        let statement = self.head(id).kind() == Kind::Statement;
        let words = self.words(id).iter().filter(|q| statement && q.in_body());
        words.map(|q| q.text.as_str()).collect()
    }

    /// The note's relation lists.
    pub fn related(&self, id: NoteId) -> Related<'a> {
        self.note_read(Input::Relations(id));
        Related {
            actor: &self.site.actors[id],
            compared_in: &self.site.compared_in[id],
            event_statements: &self.site.event_statements[id],
            cited_by: &self.site.cited_by[id],
        }
    }

    /// The notes that link to this one.
    pub fn backlinks(&self, id: NoteId) -> &'a [Backlink] {
        self.note_read(Input::Backlinks(id));
        &self.site.backlinks[id]
    }

    /// Where the links of the note's body go (part of the note; each
    /// target's name is read where it is shown).
    pub fn link_targets(&self, id: NoteId) -> &'a [Option<NoteId>] {
        self.note_read(Input::Note(id));
        &self.site.link_targets[id]
    }

    /// The notes of a kind, in slug order.
    pub fn of_kind(&self, kind: Kind) -> Vec<NoteId> {
        self.note_read(Input::Members(kind));
        self.site.of_kind(kind).collect()
    }

    /// The notes of a kind sorted by their date key (undated first, then by slug).
    pub fn by_date(&self, kind: Kind) -> Vec<NoteId> {
        let mut ids = self.of_kind(kind);
        ids.sort_by_cached_key(|&id| self.head(id).date_key());
        ids
    }

    /// Statements and events that have a date, by date then title.
    pub fn timeline(&self) -> Vec<NoteId> {
        let mut ids = self.of_kind(Kind::Statement);
        ids.extend(self.of_kind(Kind::Event));
        ids.retain(|&id| self.head(id).has_date());
        ids.sort_by_cached_key(|&id| {
            let head = self.head(id);
            let (date, slug) = head.date_key();
            (date, head.kind() == Kind::Statement, slug)
        });
        ids
    }

    /// What a page needs of the image at `output` (its path in the
    /// output), if the site sizes it.
    pub fn image(&self, output: &str) -> Option<&'a Responsive> {
        self.note_read(Input::Image(slug_hash(output)));
        self.site.images.get(output).map(|image| &**image)
    }

    /// The home page's note.
    pub fn home(&self) -> Option<&'a HomeNote> {
        self.note_read(Input::Home);
        self.site.home.as_ref()
    }
}

impl crate::render::markdown::LinkResolver for SiteReads<'_> {
    fn resolve(&self, slug: &str, kind: Option<Kind>) -> Option<(&str, &str)> {
        let name = self.name(self.find(slug)?);
        kind.is_none_or(|k| k == name.kind).then_some((name.url, name.title))
    }

    fn image(&self, output: &str) -> Option<&Responsive> {
        SiteReads::image(self, output)
    }
}

/// The colour group of a note: the slug of the country an actor belongs to
/// (a country is its own group), a statement's speaker's; `""` for none.
pub fn group_of<'a>(site: &'a Site, note: &'a Note) -> &'a str {
    match &note.meta {
        Meta::Actor(a) => match (&a.country, a.kind) {
            (_, crate::note::ActorKind::Country) => &note.slug,
            (Some(c), _) => site.note(&c.value).map_or("", |n| n.slug.as_str()),
            (None, _) => "",
        },
        Meta::Statement(s) => {
            site.note(&s.speaker.value).filter(|n| n.kind() == Kind::Actor).map_or("", |n| group_of(site, n))
        }
        _ => "",
    }
}

/// What a [`PageReads`] is made of, to make more of them on other threads
/// (each joined back with [`PageReads::join`]).
#[derive(Clone, Copy)]
pub struct ReadsSeed<'a> {
    site: &'a Site,
    shared: &'a Shared,
}

impl<'a> ReadsSeed<'a> {
    /// A new view of the page, that has read nothing yet.
    pub fn reads(self) -> PageReads<'a> {
        PageReads::new(self.site, self.shared)
    }
}

/// A page's view of the site: [`SiteReads`] and the values every page
/// shares (cards, bodies), each noted as it is read.
pub struct PageReads<'a> {
    reads: SiteReads<'a>,
    shared: &'a Shared,
}

impl<'a> std::ops::Deref for PageReads<'a> {
    type Target = SiteReads<'a>;
    fn deref(&self) -> &SiteReads<'a> {
        &self.reads
    }
}

impl<'a> PageReads<'a> {
    pub(super) fn new(site: &'a Site, shared: &'a Shared) -> Self {
        PageReads { reads: SiteReads::new(site), shared }
    }

    pub fn into_inputs(self) -> Vec<Input<NoteId>> {
        self.reads.into_inputs()
    }

    /// What makes more views of the same page on other threads (this one
    /// is not shared between threads: it notes what it reads as it goes).
    pub fn seed(&self) -> ReadsSeed<'a> {
        ReadsSeed { site: self.reads.site, shared: self.shared }
    }

    /// Notes what another view of this page, made from its [`ReadsSeed`], read.
    pub fn join(&self, other: PageReads<'a>) {
        self.reads.log.borrow_mut().extend(other.into_inputs());
    }

    /// The note's card.
    pub fn card(&self, id: NoteId) -> Value {
        self.note_read(Input::Card(id));
        self.shared.cards[id].clone()
    }

    /// A list of the notes' cards.
    pub fn cards(&self, ids: &[NoteId]) -> Value {
        Value::from(ids.iter().map(|&id| self.card(id)).collect::<Vec<_>>())
    }

    /// The note's body as HTML.
    pub fn body(&self, id: NoteId) -> Value {
        self.note_read(Input::Body(id));
        self.shared.body(self.reads.site, id)
    }

    /// The values about the site every page gets (title, legend, …). Not
    /// noted: they change only with the configuration or the country
    /// colours, and then every page is rendered.
    pub fn shared(&self) -> &'a Shared {
        self.shared
    }
}
