//! Template contexts. Each note becomes a small [`Value`] "card" once; page
//! contexts are made of cards (cheap to clone: tera values share their
//! data), never of the whole site.

use std::collections::BTreeMap;

use tera::Value;

use super::reads::{Input, Name, SiteReads};
use crate::model::{NoteId, Site};
use crate::note::Meta;

/// A map value from `(key, value)` pairs.
pub fn map<const N: usize>(entries: [(&'static str, Value); N]) -> Value {
    let m: BTreeMap<&'static str, Value> = entries.into_iter().collect();
    Value::from(m)
}

/// What a card shows of a note it names (a statement's speaker, an
/// actor's country, …): its slug, title, URL and colour group.
pub fn link_map(name: Name<'_>) -> Value {
    map([
        ("slug", name.slug.into()),
        ("title", name.title.into()),
        ("url", name.url.into()),
        ("group", name.group.into()),
    ])
}

/// The card of note `id`: the small value that stands for it wherever it
/// is listed, and what it read.
pub fn card(site: &Site, id: NoteId) -> (Value, Vec<Input<NoteId>>) {
    let reads = SiteReads::new(site);
    let card = card_linking(&reads, id, &|id| link_map(reads.name(id)));
    (card, reads.into_inputs())
}

/// Every note's card, and what each read. Each note's link map is made
/// once, for all the cards that name the note.
pub fn all_cards(site: &Site) -> Vec<(Value, Vec<Input<NoteId>>)> {
    use rayon::prelude::*;
    let links: Vec<Value> =
        NoteId::par_all(site.notes.len()).map(|id| link_map(SiteReads::new(site).name(id))).collect();
    NoteId::par_all(site.notes.len())
        .map(|id| {
            let reads = SiteReads::new(site);
            let card = card_linking(&reads, id, &|other| {
                reads.name(other);
                links[other].clone()
            });
            (card, reads.into_inputs())
        })
        .collect()
}

/// [`card`], with `link` giving the link map of a named note (noting
/// that it read the note's name).
///
/// A field the note does not set is left out, and a flag is there only
/// when it is true: `{% if n.draft %}` reads an absent key as false. This
/// keeps a statement's card small (13 keys at most for a statement with a
/// source and its own words, 12 or fewer without): Tera finds a key of a
/// map of 12 or fewer by a short scan, of a bigger one by hashing the name.
fn card_linking(reads: &SiteReads, id: NoteId, link: &dyn Fn(NoteId) -> Value) -> Value {
    let note = reads.head(id);
    let own = reads.name(id);
    let link = |slug: &str| reads.find(slug).map_or_else(Value::none, link);
    let mut m: BTreeMap<&'static str, Value> = BTreeMap::new();
    let mut put = |key: &'static str, value: Option<Value>| {
        if let Some(value) = value {
            m.insert(key, value);
        }
    };
    let (date, _) = note.date_key();
    put("slug", Some(own.slug.into()));
    put("kind", Some(note.kind().name().into()));
    put("title", Some(own.title.into()));
    put("url", Some(own.url.into()));
    put("date", date.map(|d| note.date_precision().iso(d).into()));
    put("date_display", note.date_display().map(Value::from));
    put("date_note", note.date_note().map(Value::from));
    put("draft", note.draft().then(|| true.into()));
    if matches!(note.meta(), Meta::Actor(_) | Meta::Statement(_)) {
        put("group", Some(own.group.into()));
    }
    match note.meta() {
        Meta::Actor(a) => {
            put("name", Some(a.name.as_str().into()));
            put("actor_kind", Some(a.kind.as_str().into()));
            put("role", a.role.as_deref().map(Value::from));
            put("country", a.country.as_ref().map(|c| link(&c.value)));
            put("portrait", a.image.as_ref().and_then(|image| small_portrait(reads, note.path(), &image.value)));
        }
        Meta::Statement(s) => {
            put("speaker", Some(link(&s.speaker.value)));
            put("medium", Some(s.medium.as_str().into()));
            put("medium_label", Some(s.medium.label().into()));
            put("paraphrase", s.paraphrase.then(|| true.into()));
            put("addressed_to", Some(s.addressed_to.iter().map(|r| link(&r.value)).collect::<Vec<_>>().into()));
            put("source", s.source.as_ref().map(|r| link(&r.value)));
            put("words", super::excerpt::first_words(first_own_words(reads, id)).map(Value::from));
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

/// The words a list shows for a statement: its first blockquote, else
/// its first passage in quotation marks.
fn first_own_words<'a>(reads: &SiteReads<'a>, id: NoteId) -> Option<&'a str> {
    let mut words = reads.words(id).iter().filter(|q| q.in_body());
    let block = words.clone().find(|q| q.place == crate::note::QuotationPlace::Block);
    block.or_else(|| words.next()).map(|q| q.text.as_str())
}

/// The card's portrait: the narrowest copy of the actor's image (or the
/// image itself), as `src` from the site root, `width` and `height`.
fn small_portrait(reads: &SiteReads, note_path: &std::path::Path, dest: &str) -> Option<Value> {
    let file = crate::images::image_file(dest, note_path)?;
    let mut m: BTreeMap<&'static str, Value> = BTreeMap::new();
    let (src, size) = match reads.image(&file.output) {
        Some(image) => image.smallest(0),
        None => (file.output.as_str(), None),
    };
    m.insert("src", src.into());
    if let Some((width, height)) = size {
        m.insert("width", width.into());
        m.insert("height", height.into());
    }
    Some(Value::from(m))
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
        let card = |slug| &cards[site.id(slug).unwrap()].0;
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
