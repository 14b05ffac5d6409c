//! Template contexts. Each note becomes a small [`Value`] "card" once; page
//! contexts are made of cards (cheap to clone: tera values share their
//! data), never of the whole site.

use std::collections::BTreeMap;

use tera::Value;
use tera::value::Key;

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

/// "30 April 2025".
pub fn display_date(date: jiff::civil::Date) -> String {
    date.strftime("%-d %B %Y").to_string()
}

/// What a card shows of another note it names (a statement's speaker, an
/// actor's country, …): its slug, title, URL and colour group.
pub fn link_map(site: &Site, id: NoteId) -> Value {
    let n = &site.notes[id];
    map([
        ("slug", n.slug.as_str().into()),
        ("title", n.title.as_str().into()),
        ("url", (*site.urls[id]).into()),
        ("group", group_of(site, n).into()),
    ])
}

/// The small value that stands for note `id` wherever it is listed.
pub fn card(site: &Site, id: NoteId) -> Value {
    let own = link_map(site, id);
    card_linking(site, id, &own, &|slug| site.id(slug).map_or_else(Value::none, |id| link_map(site, id)))
}

/// Every note's card. Each note's link map is made once, for all the
/// cards that name the note.
pub fn all_cards(site: &Site) -> Vec<Value> {
    use rayon::prelude::*;
    let links: Vec<Value> = (0..site.notes.len()).into_par_iter().map(|id| link_map(site, id)).collect();
    let link = |slug: &str| site.id(slug).map_or_else(Value::none, |id| links[id].clone());
    (0..site.notes.len()).into_par_iter().map(|id| card_linking(site, id, &links[id], &link)).collect()
}

/// [`card`], with `own` the note's own link map (its slug, title, URL and
/// colour group are the card's too) and `link` giving the link map of a
/// named note (or none).
///
/// A field the note does not set is left out, and a flag is there only
/// when it is true: `{% if n.draft %}` reads an absent key as false. This
/// keeps a statement's card small (13 keys at most for a statement with a
/// source and its own words, 12 or fewer without): Tera finds a key of a
/// map of 12 or fewer by a short scan, of a bigger one by hashing the name.
fn card_linking(site: &Site, id: NoteId, own: &Value, link: &(dyn Fn(&str) -> Value + Sync)) -> Value {
    let note = &site.notes[id];
    let mut m: BTreeMap<&'static str, Value> = BTreeMap::new();
    let mut put = |key: &'static str, value: Option<Value>| {
        if let Some(value) = value {
            m.insert(key, value);
        }
    };
    let shared = |key: &'static str| own.as_map().and_then(|fields| fields.get(&Key::Str(key))).cloned();
    let date = note.date.as_ref().map(|d| d.value);
    put("slug", shared("slug"));
    put("kind", Some(note.kind().name().into()));
    put("title", shared("title"));
    put("url", shared("url"));
    put("date", date.map(|d| d.to_string().into()));
    put("date_display", date.map(|d| display_date(d).into()));
    put("draft", note.draft.then(|| true.into()));
    if matches!(note.meta, Meta::Actor(_) | Meta::Statement(_)) {
        put("group", shared("group"));
    }
    match &note.meta {
        Meta::Actor(a) => {
            put("name", Some(a.name.as_str().into()));
            put("actor_kind", Some(a.kind.as_str().into()));
            put("role", a.role.as_deref().map(Value::from));
            put("country", a.country.as_ref().map(|c| link(&c.value)));
        }
        Meta::Statement(s) => {
            put("speaker", Some(link(&s.speaker.value)));
            put("medium", Some(s.medium.as_str().into()));
            put("medium_label", Some(s.medium.label().into()));
            put("paraphrase", s.paraphrase.then(|| true.into()));
            put("date_note", s.date_note.as_deref().map(Value::from));
            put("addressed_to", Some(s.addressed_to.iter().map(|r| link(&r.value)).collect::<Vec<_>>().into()));
            put("source", s.source.as_ref().map(|r| link(&r.value)));
            put("words", super::excerpt::first_words(note).map(Value::from));
        }
        Meta::Event(e) => put("place", e.place.as_deref().map(Value::from)),
        Meta::Comparison(c) => {
            put("left", Some(link(&c.left.value)));
            put("right", Some(link(&c.right.value)));
        }
        Meta::Source(s) => put("publisher", s.publisher.as_deref().map(Value::from)),
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

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::note::Kind;

    fn site(notes: &[(Kind, &str, &str)]) -> Site {
        let parsed =
            notes.iter().map(|&(kind, slug, text)| Arc::new(crate::parse::note_in_content(kind, slug, text))).collect();
        crate::model::link(crate::SiteConfig::default(), None, parsed, true, &Default::default()).0
    }

    fn keys(card: &Value) -> Vec<String> {
        card.as_map().unwrap().keys().map(|k| k.as_str().unwrap().to_owned()).collect()
    }

    #[test]
    fn a_card_leaves_out_what_its_note_does_not_set() {
        let site = site(&[
            (Kind::Actor, "alice", "+++\nname = \"Alice\"\nkind = \"person\"\n+++\n"),
            (
                Kind::Statement,
                "plain",
                "+++\ntitle = \"Plain\"\nspeaker = \"alice\"\ndate = 2025-04-30\nmedium = \"post\"\n+++\n",
            ),
            (
                Kind::Statement,
                "flagged",
                "+++\ntitle = \"Flagged\"\nspeaker = \"alice\"\ndate = 2025-04-30\nmedium = \"remark\"\n\
                 paraphrase = true\ndraft = true\ndate_note = \"reported a day later\"\n+++\n",
            ),
        ]);
        let cards = all_cards(&site);
        let card = |slug| &cards[site.id(slug).unwrap()];
        assert_eq!(keys(card("alice")), ["actor_kind", "group", "kind", "name", "slug", "title", "url"]);
        let plain = keys(card("plain"));
        assert_eq!(
            plain,
            [
                "addressed_to",
                "date",
                "date_display",
                "group",
                "kind",
                "medium",
                "medium_label",
                "slug",
                "speaker",
                "title",
                "url"
            ]
        );
        let flagged = card("flagged").as_map().unwrap();
        for (key, value) in
            [("draft", Value::from(true)), ("paraphrase", true.into()), ("date_note", "reported a day later".into())]
        {
            assert_eq!(flagged.get(&tera::value::Key::from(key)), Some(&value), "{key}");
        }
    }
}
