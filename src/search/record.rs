//! One note as the search index holds it: what a reader may type to find
//! it (its title, a statement's own words and context, actors' names and
//! aliases, a comparison's points), what a result shows, and its filters.
//! Everything comes from the model through `SiteReads`, never from the
//! HTML the pages were rendered to.

use std::collections::BTreeMap;

use crate::model::NoteId;
use crate::note::{Kind, Meta, SlugRef};
use crate::render::reads::SiteReads;

/// One note in the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Its page's URL from the site root (`statements/x/`).
    pub url: String,
    /// The words searched: title first, then the rest, in plain text.
    pub content: String,
    /// What a result shows: `title`, `kind`, and where the note has them
    /// `speaker`, `date` (as pages show it), `date_key` (`YYYY-MM-DD`) and
    /// `words` (a statement's own words).
    pub meta: BTreeMap<String, String>,
    /// `kind`, `speaker`, `actor`, `country`, `medium`, `year`, `month`.
    pub filters: BTreeMap<String, Vec<String>>,
    /// `date` (`YYYY-MM-DD`), for sorting by date.
    pub sort: BTreeMap<String, String>,
}

/// The record of note `id`.
pub(super) fn record(reads: &SiteReads, id: NoteId) -> Record {
    let head = reads.head(id);
    let name = reads.name(id);
    let mut r = Recording::default();
    r.text(head.title());
    r.meta("title", head.title());
    r.meta("kind", head.kind().name());
    r.filter("kind", kind_label(head.kind()));
    if let (Some(date), _) = head.date_key() {
        r.filter("year", &date.year().to_string());
        r.filter("month", &format!("{:04}-{:02}", date.year(), date.month()));
        r.sort.insert("date".into(), date.to_string());
        r.meta("date_key", &date.to_string());
    }
    if let Some(shown) = head.date_display() {
        r.meta("date", &shown);
    }
    if let Meta::Statement(s) = head.meta() {
        statement(reads, id, s, &mut r);
    }
    if head.kind() != Kind::Source {
        r.text(&super::plain::body_text(reads, id));
    }
    match head.meta() {
        Meta::Statement(_) => {}
        Meta::Actor(a) => {
            r.names.extend(a.aliases.iter().cloned());
            if let Some(role) = &a.role {
                r.text(role);
                r.meta("role", role);
            }
            r.actor_filters(reads, a);
        }
        Meta::Event(e) => {
            if let Some(place) = &e.place {
                r.text(place);
            }
            for actor in &e.actors {
                r.actor(reads, actor);
            }
        }
        Meta::Comparison(c) => {
            for side in [&c.left, &c.right] {
                r.side(reads, side);
            }
            for point in &c.points {
                r.text(&format!("{}: {} / {}", point.topic, point.left, point.right));
            }
        }
        Meta::Source(s) => {
            if let Some(publisher) = &s.publisher {
                r.text(publisher);
            }
        }
    }
    r.finish(name.url)
}

/// A statement's own words, speaker, the actors it names and its medium.
fn statement(reads: &SiteReads, id: NoteId, s: &crate::note::StatementMeta, r: &mut Recording) {
    let words = crate::render::describe::own_passages(reads, id).join(" … ");
    if !words.is_empty() {
        r.text(&words);
        r.meta("words", &words);
    }
    if let Some(speaker) = reads.find(&s.speaker.value).map(|sid| reads.name(sid).title) {
        r.meta("speaker", speaker);
        r.filter("speaker", speaker);
    }
    r.actor(reads, &s.speaker);
    for actor in s.addressed_to.iter().chain(&s.about) {
        r.actor(reads, actor);
    }
    r.filter("medium", s.medium.label());
}

/// What a kind of note is called in the filters.
fn kind_label(kind: Kind) -> &'static str {
    match kind {
        Kind::Actor => "Actor",
        Kind::Statement => "Statement",
        Kind::Event => "Event",
        Kind::Comparison => "Comparison",
        Kind::Source => "Source",
    }
}

/// A record as it is put together.
#[derive(Default)]
struct Recording {
    content: String,
    /// The names and aliases of the actors it involves, put after the
    /// words (so that an excerpt shows the words, not a list of names).
    names: Vec<String>,
    meta: BTreeMap<String, String>,
    filters: BTreeMap<String, Vec<String>>,
    sort: BTreeMap<String, String>,
}

impl Recording {
    fn text(&mut self, text: &str) {
        let text = text.trim();
        if text.is_empty() {
            return;
        }
        if !self.content.is_empty() {
            self.content.push_str(if self.content.ends_with(['.', '!', '?', ':']) { " " } else { ". " });
        }
        self.content.push_str(text);
    }

    fn meta(&mut self, key: &str, value: &str) {
        self.meta.insert(key.into(), value.into());
    }

    fn filter(&mut self, key: &str, value: &str) {
        let values = self.filters.entry(key.into()).or_default();
        if !values.iter().any(|v| v == value) {
            values.push(value.into());
        }
    }

    /// An actor the note involves: a filter by name (and its country's),
    /// and its name and aliases among the words.
    fn actor(&mut self, reads: &SiteReads, slug: &SlugRef) {
        let Some(id) = reads.find(&slug.value) else { return };
        let head = reads.head(id);
        let Meta::Actor(a) = head.meta() else { return };
        self.names.push(a.name.clone());
        self.names.extend(a.aliases.iter().cloned());
        self.actor_filters(reads, a);
    }

    /// An actor's filters: its name, and its country's (a country is its own).
    fn actor_filters(&mut self, reads: &SiteReads, a: &crate::note::ActorMeta) {
        self.filter("actor", &a.name);
        match (&a.country, a.kind) {
            (_, crate::note::ActorKind::Country) => self.filter("country", &a.name),
            (Some(country), _) => self.country(reads, country),
            (None, _) => {}
        }
    }

    fn country(&mut self, reads: &SiteReads, slug: &SlugRef) {
        if let Some(id) = reads.find(&slug.value) {
            let name = reads.name(id).title;
            self.filter("country", name);
        }
    }

    /// A comparison's side: its title, and its speaker's name as a filter.
    fn side(&mut self, reads: &SiteReads, slug: &SlugRef) {
        let Some(id) = reads.find(&slug.value) else { return };
        let head = reads.head(id);
        self.text(head.title());
        if let Meta::Statement(s) = head.meta() {
            if let Some(speaker) = reads.find(&s.speaker.value).map(|sid| reads.name(sid).title) {
                self.filter("speaker", speaker);
            }
            self.actor(reads, &s.speaker);
        }
    }

    fn finish(mut self, url: &str) -> Record {
        let mut names = std::mem::take(&mut self.names);
        let mut seen = std::collections::HashSet::new();
        names.retain(|n| seen.insert(n.clone()));
        if !names.is_empty() {
            self.text(&names.join(", "));
        }
        Record { url: url.to_string(), content: self.content, meta: self.meta, filters: self.filters, sort: self.sort }
    }
}
