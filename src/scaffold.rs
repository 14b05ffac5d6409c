//! `readout new`: a new note with every front-matter field, each explained.
//! The required fields can be given on the command line, so that the note
//! builds as written; whatever is not given is listed for the writer to fill.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::note::{Kind, Medium};
use crate::parse::fields::parse_approximate_date;

/// Values for a new note's fields, from the command line.
#[derive(Debug, Clone, Default)]
pub struct Fields {
    pub title: Option<String>,
    pub speaker: Option<String>,
    pub date: Option<String>,
    pub medium: Option<String>,
    pub left: Option<String>,
    pub right: Option<String>,
    pub source: Option<String>,
}

/// A note written: where, and the required fields left for the writer.
#[derive(Debug)]
pub struct Created {
    pub path: PathBuf,
    pub to_fill: Vec<&'static str>,
}

/// A TOML string.
fn quoted(s: &str) -> String {
    // A JSON string is a TOML basic string: the same quotes and escapes.
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// The required fields of `kind` that `fields` leaves unset.
fn missing(kind: Kind, fields: &Fields) -> Vec<&'static str> {
    let wanted: &[(&'static str, &Option<String>)] = match kind {
        Kind::Statement => &[("speaker", &fields.speaker), ("date", &fields.date), ("medium", &fields.medium)],
        Kind::Event => &[("date", &fields.date)],
        Kind::Comparison => &[("left", &fields.left), ("right", &fields.right)],
        Kind::Actor | Kind::Source => &[],
    };
    wanted.iter().filter(|(_, v)| v.is_none()).map(|(name, _)| *name).collect()
}

/// The text of a new note of `kind` named `slug`, with `fields` filled in.
pub fn note_text(kind: Kind, slug: &str, fields: &Fields) -> String {
    let title = quoted(&fields.title.clone().unwrap_or_else(|| slug.replace('-', " ")));
    let text = |v: &Option<String>| quoted(v.as_deref().unwrap_or(""));
    let date = match &fields.date {
        // A day or a year is a TOML value as written; a month is a string.
        Some(d) if d.len() == 7 => quoted(d),
        Some(d) => d.clone(),
        None => "2025-01-01".into(),
    };
    let medium = quoted(fields.medium.as_deref().unwrap_or("statement"));
    let (speaker, left, right, source) =
        (text(&fields.speaker), text(&fields.left), text(&fields.right), text(&fields.source));
    let fields = match kind {
        Kind::Actor => format!(
            "name = {title}          # required: the name readers see\n\
             kind = \"person\"           # required: person, institution or country\n\
             role = \"\"                 # e.g. \"US Secretary of State\"\n\
             country = \"\"              # slug of a country actor, e.g. \"united-states\"\n\
             aliases = []              # other names, e.g. [\"Rubio\"]\n\
             image = \"\"                # a portrait: a file beside this note, or /x.jpg in static/\n\
             draft = false             # true keeps it out of builds without --drafts\n"
        ),
        Kind::Statement => format!(
            "title = {title}         # required: what the statement is\n\
             speaker = {speaker}              # required: slug of the actor who said it\n\
             date = {date}         # required: YYYY-MM-DD, or \"2025-01\" or 2025 when only the month or year is known\n\
             medium = {medium}      # required: readout, post, statement, remark, report or other\n\
             addressed_to = []         # slugs of the actors it was said to\n\
             about = []                # slugs of the actors it is about\n\
             event = \"\"                # slug of the event it belongs to\n\
             source = {source}               # slug of the source note that reports it; its quotations must be word for word from it\n\
             url = \"\"                  # where the original can be read\n\
             date_note = \"\"            # when the source gives no exact date, say so here\n\
             paraphrase = false        # true when the source reports it in its own words\n\
             draft = false             # true keeps it out of builds without --drafts\n"
        ),
        Kind::Event => format!(
            "title = {title}         # required: what happened\n\
             date = {date}         # required: YYYY-MM-DD, or \"2025-01\" or 2025 when only the month or year is known\n\
             date_note = \"\"            # when the source gives no exact date, say so here\n\
             actors = []               # slugs of the actors involved\n\
             place = \"\"                # where it happened\n\
             draft = false             # true keeps it out of builds without --drafts\n"
        ),
        Kind::Comparison => format!(
            "title = {title}         # required: what is compared\n\
             left = {left}                 # required: slug of the first statement\n\
             right = {right}                # required: slug of the second statement\n\
             draft = false             # true keeps it out of builds without --drafts\n\
             \n\
             # One [[points]] table per topic, each side in a few words of Markdown.\n\
             # Words in quotation marks are checked against the sources like any quotation.\n\
             [[points]]\n\
             topic = \"\"                # e.g. \"Terrorism\"\n\
             left = \"\"                 # what the left statement says of it\n\
             right = \"\"                # what the right statement says of it\n"
        ),
        Kind::Source => format!(
            "title = {title}         # required: the source's title\n\
             publisher = \"\"            # who published it\n\
             date = {date}         # YYYY-MM-DD, when it was published\n\
             url = \"\"                  # where it can be read\n\
             draft = false             # true keeps it out of builds without --drafts\n"
        ),
    };
    let body = match kind {
        Kind::Actor => "Who they are, in a few sentences. Link other notes with `[[slug]]`.\n",
        Kind::Statement => {
            "Context in paragraphs. Then the statement's own words in a blockquote (lines that start\n\
             with `> `) or in quotation marks, word for word from its source: by default a changed\n\
             word fails the build (set `quotations` in site.toml to warn or off to change that).\n"
        }
        Kind::Event => "What happened. Link the actors with `[[slug]]`.\n",
        Kind::Comparison => "The analysis: where the two statements agree and where they do not.\n",
        Kind::Source => "The full text of the source, unchanged.\n",
    };
    format!("+++\n{fields}+++\n\n{body}")
}

fn refuse(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message)
}

/// Checks the values given: each slug names a note of the right kind, the
/// date and medium are valid, and `slug` is not taken by a note of any kind.
fn check(root: &Path, kind: Kind, slug: &str, fields: &Fields) -> io::Result<()> {
    let content = root.join("content");
    let file = |k: Kind| content.join(k.folder()).join(format!("{slug}.md"));
    if let Some(other) = Kind::ALL.into_iter().find(|&k| k != kind && file(k).exists()) {
        return Err(refuse(format!(
            "`{slug}` is taken: content/{}/{slug}.md has it, and slugs are unique across all kinds; choose another",
            other.folder()
        )));
    }
    let refs = [
        ("speaker", &fields.speaker, Kind::Actor),
        ("left", &fields.left, Kind::Statement),
        ("right", &fields.right, Kind::Statement),
        ("source", &fields.source, Kind::Source),
    ];
    for (name, value, kind) in refs {
        if let Some(value) = value
            && !content.join(kind.folder()).join(format!("{value}.md")).is_file()
        {
            return Err(refuse(format!(
                "--{name} {value}: there is no content/{}/{value}.md; name {} {} that exists",
                kind.folder(),
                if kind == Kind::Actor { "an" } else { "a" },
                kind.name()
            )));
        }
    }
    if let Some(date) = &fields.date {
        parse_approximate_date(date).map_err(|why| refuse(format!("--date {date}: {why}; write e.g. 2025-04-30")))?;
    }
    if let Some(medium) = &fields.medium
        && Medium::parse(medium).is_none()
    {
        return Err(refuse(format!("--medium {medium}: must be one of {}", Medium::NAMES.join(", "))));
    }
    Ok(())
}

/// Writes a new note under `root`; refuses to overwrite one, to reuse a
/// slug any kind has, or values that would not build.
pub fn create(root: &Path, kind: Kind, slug: &str, fields: &Fields) -> io::Result<Created> {
    check(root, kind, slug, fields)?;
    let dir = root.join("content").join(kind.folder());
    fs::create_dir_all(&dir)?;
    let path = dir.join(format!("{slug}.md"));
    let mut file = fs::File::options().write(true).create_new(true).open(&path).map_err(|e| {
        if e.kind() == io::ErrorKind::AlreadyExists {
            io::Error::new(e.kind(), format!("{} already exists; readout new never overwrites a note", path.display()))
        } else {
            e
        }
    })?;
    io::Write::write_all(&mut file, note_text(kind, slug, fields).as_bytes())?;
    Ok(Created { path, to_fill: missing(kind, fields) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_of_every_kind_is_in_the_scaffold() {
        for kind in Kind::ALL {
            let text = note_text(kind, "a-note", &Fields::default());
            for field in crate::parse::fields_of(kind) {
                if *field == "points" {
                    assert!(text.contains("[[points]]"));
                } else {
                    assert!(text.contains(&format!("\n{field} = ")), "{kind:?} lacks {field}");
                }
            }
        }
    }
}
