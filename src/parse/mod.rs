//! Parse: each loaded file becomes a typed [`Note`] (front matter checked
//! field by field, body scanned for links, headings and quotations). Each
//! file is parsed on its own, so this stage runs in parallel and knows
//! nothing of other notes.

pub mod fields;
pub mod frontmatter;
pub mod markdown;
mod quotations;
pub mod slug;

use std::path::Path;
use std::sync::Arc;

use jiff::civil::Date;

use crate::diagnostic::{Diagnostic, LineIndex, Position};
use crate::note::{
    ActorKind, ActorMeta, ComparisonMeta, DatePrecision, EventMeta, HomeNote, Kind, Medium, Meta, Note, Point,
    SourceMeta, Spanned, StatementMeta,
};
use fields::FieldReader;

const ACTOR_FIELDS: &[&str] = &["name", "kind", "role", "country", "aliases", "image", "draft"];
const STATEMENT_FIELDS: &[&str] = &[
    "title",
    "speaker",
    "date",
    "medium",
    "addressed_to",
    "about",
    "event",
    "source",
    "url",
    "date_note",
    "paraphrase",
    "draft",
];
const EVENT_FIELDS: &[&str] = &["title", "date", "date_note", "actors", "place", "draft"];
const COMPARISON_FIELDS: &[&str] = &["title", "left", "right", "points", "draft"];
const POINT_FIELDS: &[&str] = &["topic", "left", "right"];
const SOURCE_FIELDS: &[&str] = &["title", "publisher", "date", "url", "draft"];
const HOME_FIELDS: &[&str] = &["title"];

/// The front-matter fields a note of `kind` may have.
pub fn fields_of(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Actor => ACTOR_FIELDS,
        Kind::Statement => STATEMENT_FIELDS,
        Kind::Event => EVENT_FIELDS,
        Kind::Comparison => COMPARISON_FIELDS,
        Kind::Source => SOURCE_FIELDS,
    }
}

/// Whether parsing a note also makes its body's HTML ([`crate::note::PreparedHtml`]):
/// worth it only when its page shows the body with nothing marked in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyHtml {
    Make,
    Skip,
}

/// Parses the note at `path` (relative to the site root) of the given
/// kind, making its body's HTML too.
pub fn parse_note(kind: Kind, slug: &str, path: &Path, text: Arc<str>) -> Result<Note, Vec<Diagnostic>> {
    parse_note_with(kind, slug, path, text, BodyHtml::Make)
}

/// For tests: a note parsed as if read from its place in `content/`.
#[cfg(test)]
pub(crate) fn note_in_content(kind: Kind, slug: &str, text: &str) -> Note {
    let path = format!("content/{}/{slug}.md", kind.folder());
    parse_note(kind, slug, Path::new(&path), Arc::from(text)).expect("the note parses")
}

/// A note's title, date and typed front matter, as far as they could be read.
type Front = (Option<Spanned<String>>, Option<(Spanned<Date>, DatePrecision)>, Option<Meta>);

fn read_actor(r: &mut FieldReader) -> Front {
    let name = r.required_string("name");
    let actor_kind = r.choice("kind", &ActorKind::NAMES).and_then(|k| ActorKind::parse(&k.value));
    let role = r.string("role").map(|s| s.value);
    let country = r.slug("country");
    let aliases = r.string_list("aliases").into_iter().map(|s| s.value).collect();
    // `image = ""` (as `readout new` writes it) is no portrait.
    let image = r.string("image").filter(|s| !s.value.trim().is_empty());
    let meta =
        actor_kind.map(|kind| Meta::Actor(ActorMeta { name: String::new(), kind, role, country, aliases, image }));
    (name, None, meta)
}

fn read_statement(r: &mut FieldReader) -> Front {
    let title = r.required_string("title");
    let speaker = r.required_slug("speaker");
    let date = r.approximate_date("date", true);
    let medium = r.choice("medium", &Medium::NAMES).and_then(|m| Medium::parse(&m.value));
    let addressed_to = r.slug_list("addressed_to");
    let about = r.slug_list("about");
    let event = r.slug("event");
    let source = r.slug("source");
    let url = r.string("url").map(|s| s.value);
    let date_note = r.string("date_note").map(|s| s.value);
    let paraphrase = r.bool("paraphrase");
    let meta = match (speaker, medium) {
        (Some(speaker), Some(medium)) => Some(Meta::Statement(StatementMeta {
            speaker,
            medium,
            addressed_to,
            about,
            event,
            source,
            url,
            date_note,
            paraphrase,
        })),
        _ => None,
    };
    (title, date, meta)
}

fn read_comparison(r: &mut FieldReader, path: &Path, text: &str) -> Front {
    let title = r.required_string("title");
    let left = r.required_slug("left");
    let right = r.required_slug("right");
    let points = r.tables("points", POINT_FIELDS, |p| {
        let topic = p.required_string("topic");
        let left = p.required_string("left");
        let right = p.required_string("right");
        let pos = p.pos_of("topic");
        let (left, right) = (left?, right?);
        Some(Point {
            topic: topic?.value,
            left: left.value,
            right: right.value,
            pos,
            left_pos: left.pos,
            right_pos: right.pos,
        })
    });
    let meta = match (left, right) {
        (Some(left), Some(right)) if left.value == right.value => {
            let message = format!(
                "a comparison needs two different statements, but `left` and `right` are both `{}`",
                right.value
            );
            let err = Diagnostic::error(path, Some(text), right.pos, message)
                .with_help("set `right` to the statement to compare with");
            r.errors.push(err);
            None
        }
        (Some(left), Some(right)) => Some(Meta::Comparison(ComparisonMeta { left, right, points })),
        _ => None,
    };
    (title, None, meta)
}

/// Parses a note, making its body's HTML when `html` says so.
pub fn parse_note_with(
    kind: Kind,
    slug: &str,
    path: &Path,
    text: Arc<str>,
    html: BodyHtml,
) -> Result<Note, Vec<Diagnostic>> {
    let fm = frontmatter::parse(path, &text)?;
    if fm.format.is_none() {
        let help = match kind {
            Kind::Actor => "start the file with `+++`, then `name = \"…\"` and `kind = \"person\"`, then `+++`",
            _ => "start the file with `+++`, then `title = \"…\"` and the other fields, then `+++`",
        };
        let message = if text.trim().is_empty() { "the note is empty" } else { "the note has no front matter" };
        return Err(vec![Diagnostic::error(path, Some(&text), Position::START, message).with_help(help)]);
    }
    let mut r = FieldReader::new(path, &text, &fm.fields, fm.start, fields_of(kind));
    let draft = r.bool("draft");
    let (title, date, meta) = match kind {
        Kind::Actor => read_actor(&mut r),
        Kind::Statement => read_statement(&mut r),
        Kind::Event => {
            let title = r.required_string("title");
            let date = r.approximate_date("date", true);
            let actors = r.slug_list("actors");
            let place = r.string("place").map(|s| s.value);
            let date_note = r.string("date_note").map(|s| s.value);
            (title, date, Some(Meta::Event(EventMeta { actors, place, date_note })))
        }
        Kind::Comparison => read_comparison(&mut r, path, &text),
        Kind::Source => {
            let title = r.required_string("title");
            let publisher = r.string("publisher").map(|s| s.value);
            let date = r.approximate_date("date", false);
            let url = r.string("url").map(|s| s.value);
            (title, date, Some(Meta::Source(SourceMeta { publisher, url })))
        }
    };
    let errors = std::mem::take(&mut r.errors);
    let (Some(title), Some(mut meta), true) = (title, meta, errors.is_empty()) else {
        return Err(errors);
    };
    if let Meta::Actor(actor) = &mut meta {
        actor.name = title.value.clone();
    }
    let lines = LineIndex::new(&text);
    let mut scan = markdown::scan(&text[fm.body_offset..], fm.body_offset, &lines, path, html == BodyHtml::Make);
    scan.quotations.extend(quotations::in_front_matter(&text, &lines, &title, &meta));
    Ok(Note {
        slug: slug.to_string(),
        path: path.to_path_buf(),
        body_offset: fm.body_offset,
        title: title.value,
        date_precision: date.as_ref().map_or_else(DatePrecision::default, |d| d.1),
        date: date.map(|d| d.0),
        draft,
        meta,
        links: scan.links,
        headings: scan.headings,
        quotations: scan.quotations,
        html: scan.html,
        may_show_images: memchr::memmem::find(&text.as_bytes()[fm.body_offset..], b"![").is_some(),
        text,
    })
}

/// Parses `content/_index.md`.
pub fn parse_home(path: &Path, text: Arc<str>) -> Result<HomeNote, Vec<Diagnostic>> {
    let fm = frontmatter::parse(path, &text)?;
    let mut r = FieldReader::new(path, &text, &fm.fields, fm.start, HOME_FIELDS);
    let title = r.string("title").map(|s| s.value).unwrap_or_default();
    if !r.errors.is_empty() {
        return Err(r.errors);
    }
    let lines = LineIndex::new(&text);
    let scan = markdown::scan(&text[fm.body_offset..], fm.body_offset, &lines, path, false);
    Ok(HomeNote {
        path: path.to_path_buf(),
        body_offset: fm.body_offset,
        title,
        links: scan.links,
        headings: scan.headings,
        quotations: scan.quotations,
        text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(kind: Kind, text: &str) -> Result<Note, Vec<Diagnostic>> {
        parse_note(kind, "x", Path::new("content/x.md"), Arc::from(text))
    }

    #[test]
    fn statement_parses_all_fields() {
        let note = parse(
            Kind::Statement,
            "+++\ntitle = \"Readout\"\nspeaker = \"us\"\ndate = 2025-04-30\nmedium = \"readout\"\naddressed_to = [\"in\"]\n+++\nBody [[in]].",
        )
        .unwrap();
        assert_eq!(note.title, "Readout");
        let Meta::Statement(s) = &note.meta else { panic!() };
        assert_eq!(s.speaker.value, "us");
        assert_eq!(s.addressed_to[0].value, "in");
        assert_eq!(note.links[0].target, "in");
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let errs = parse(
            Kind::Statement,
            "+++\ntitle = \"T\"\nspeakr = \"us\"\ndate = \"2025-13-01\"\nmedium = \"tweet\"\n+++\n",
        )
        .unwrap_err();
        let messages: Vec<_> = errs.iter().map(|e| (e.pos.unwrap().line, e.message.as_str())).collect();
        assert!(messages.iter().any(|(l, m)| *l == 3 && m.contains("unknown field `speakr`")), "{messages:?}");
        assert!(messages.iter().any(|(_, m)| m.contains("missing required field `speaker`")), "{messages:?}");
        assert!(messages.iter().any(|(l, m)| *l == 4 && m.contains("not a valid date")), "{messages:?}");
        assert!(messages.iter().any(|(l, m)| *l == 5 && m.contains("must be one of")), "{messages:?}");
        let unknown = errs.iter().find(|e| e.message.contains("speakr")).unwrap();
        assert_eq!(unknown.help.as_deref(), Some("did you mean `speaker`?"));
    }

    #[test]
    fn comparison_of_a_statement_with_itself_is_refused() {
        let errs = parse(Kind::Comparison, "+++\ntitle = \"C\"\nleft = \"a\"\nright = \"a\"\n+++\n").unwrap_err();
        assert!(errs[0].message.contains("two different statements"));
        assert_eq!(errs[0].pos.unwrap().line, 4);
    }

    #[test]
    fn empty_note_is_an_error() {
        let errs = parse(Kind::Actor, "").unwrap_err();
        assert!(errs[0].message.contains("empty"));
    }

    #[test]
    fn yaml_front_matter_works_too() {
        let note = parse(Kind::Actor, "---\nname: Marco Rubio\nkind: person\naliases: [Rubio]\n---\nBio.").unwrap();
        assert_eq!(note.title, "Marco Rubio");
        let Meta::Actor(a) = &note.meta else { panic!() };
        assert_eq!(a.aliases, ["Rubio"]);
    }
}
