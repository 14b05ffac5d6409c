//! Template contexts. Each note becomes a small [`Value`] "card" once; page
//! contexts are made of cards (cheap to clone: tera values share their
//! data), never of the whole site.

use std::collections::BTreeMap;

use tera::Value;

use crate::model::{NoteId, Site};
use crate::note::{Kind, Meta, Note};

/// A map value from `(key, value)` pairs.
pub fn map<const N: usize>(entries: [(&'static str, Value); N]) -> Value {
    let m: BTreeMap<&'static str, Value> = entries.into_iter().collect();
    Value::from(m)
}

/// A list value of cards.
pub fn cards(all: &[Value], ids: &[NoteId]) -> Value {
    Value::from(ids.iter().map(|&id| all[id].clone()).collect::<Vec<_>>())
}

fn opt(s: Option<&str>) -> Value {
    s.map_or_else(Value::none, Value::from)
}

/// "30 April 2025".
pub fn display_date(date: jiff::civil::Date) -> String {
    date.strftime("%-d %B %Y").to_string()
}

/// What a card shows of another note it names (a statement's speaker, an
/// actor's country, …): its slug, title, URL and colour group.
pub fn link_map(site: &Site, n: &Note) -> Value {
    map([
        ("slug", n.slug.as_str().into()),
        ("title", n.title.as_str().into()),
        ("url", n.url().into()),
        ("group", group_of(site, n).into()),
    ])
}

/// The small value that stands for note `id` wherever it is listed.
pub fn card(site: &Site, id: NoteId) -> Value {
    card_linking(site, id, &|slug| site.note(slug).map_or_else(Value::none, |n| link_map(site, n)))
}

/// Every note's card. Each note's link map is made once, for all the
/// cards that name the note.
pub fn all_cards(site: &Site) -> Vec<Value> {
    use rayon::prelude::*;
    let links: Vec<Value> = site.notes.par_iter().map(|n| link_map(site, n)).collect();
    let link = |slug: &str| site.id(slug).map_or_else(Value::none, |id| links[id].clone());
    (0..site.notes.len()).into_par_iter().map(|id| card_linking(site, id, &link)).collect()
}

/// [`card`], with `link` giving the link map of a named note (or none).
fn card_linking(site: &Site, id: NoteId, link: &(dyn Fn(&str) -> Value + Sync)) -> Value {
    let note = &site.notes[id];
    let date = note.date.as_ref().map(|d| d.value);
    let mut m: BTreeMap<&'static str, Value> = BTreeMap::new();
    m.insert("slug", note.slug.as_str().into());
    m.insert("kind", note.kind().name().into());
    m.insert("title", note.title.as_str().into());
    m.insert("url", note.url().into());
    m.insert("date", opt(date.map(|d| d.to_string()).as_deref()));
    m.insert("date_display", opt(date.map(display_date).as_deref()));
    m.insert("draft", note.draft.into());
    match &note.meta {
        Meta::Actor(a) => {
            m.insert("name", a.name.as_str().into());
            m.insert("actor_kind", a.kind.as_str().into());
            m.insert("role", opt(a.role.as_deref()));
            m.insert("country", a.country.as_ref().map_or_else(Value::none, |c| link(&c.value)));
            m.insert("group", group_of(site, note).into());
        }
        Meta::Statement(s) => {
            m.insert("speaker", link(&s.speaker.value));
            m.insert("medium", s.medium.as_str().into());
            m.insert("medium_label", s.medium.label().into());
            m.insert("paraphrase", s.paraphrase.into());
            m.insert("date_note", opt(s.date_note.as_deref()));
            m.insert("addressed_to", Value::from(s.addressed_to.iter().map(|r| link(&r.value)).collect::<Vec<_>>()));
            m.insert("source", s.source.as_ref().map_or_else(Value::none, |r| link(&r.value)));
            m.insert("group", site.note(&s.speaker.value).map_or("", |n| group_of(site, n)).into());
        }
        Meta::Event(e) => {
            m.insert("place", opt(e.place.as_deref()));
        }
        Meta::Comparison(c) => {
            m.insert("left", link(&c.left.value));
            m.insert("right", link(&c.right.value));
        }
        Meta::Source(s) => {
            m.insert("publisher", opt(s.publisher.as_deref()));
        }
    }
    Value::from(m)
}

/// The colour group of a note: the slug of the country an actor belongs to
/// (a country is its own group), for consistent colour-coding.
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
