//! `readout new`: a new note with every front-matter field, each explained.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::note::Kind;

/// The text of a new note of `kind` named `slug`.
pub fn note_text(kind: Kind, slug: &str) -> String {
    let title = slug.replace('-', " ");
    let fields = match kind {
        Kind::Actor => format!(
            "name = \"{title}\"          # required: the name readers see\n\
             kind = \"person\"           # required: person, institution or country\n\
             role = \"\"                 # e.g. \"US Secretary of State\"\n\
             country = \"\"              # slug of a country actor, e.g. \"united-states\"\n\
             aliases = []              # other names, e.g. [\"Rubio\"]\n\
             draft = false             # true keeps it out of builds without --drafts\n"
        ),
        Kind::Statement => format!(
            "title = \"{title}\"         # required: what the statement is\n\
             speaker = \"\"              # required: slug of the actor who said it\n\
             date = 2025-01-01         # required: YYYY-MM-DD\n\
             medium = \"statement\"      # required: readout, post, statement, remark, report or other\n\
             addressed_to = []         # slugs of the actors it was said to\n\
             about = []                # slugs of the actors it is about\n\
             event = \"\"                # slug of the event it belongs to\n\
             source = \"\"               # slug of the source note that reports it\n\
             url = \"\"                  # where the original can be read\n\
             date_note = \"\"            # when the source gives no exact date, say so here\n\
             paraphrase = false        # true when the source reports it in its own words\n\
             draft = false             # true keeps it out of builds without --drafts\n"
        ),
        Kind::Event => format!(
            "title = \"{title}\"         # required: what happened\n\
             date = 2025-01-01         # required: YYYY-MM-DD, or \"2025-01\" or 2025 when only the month or year is known\n\
             date_note = \"\"            # when the source gives no exact date, say so here\n\
             actors = []               # slugs of the actors involved\n\
             place = \"\"                # where it happened\n\
             draft = false             # true keeps it out of builds without --drafts\n"
        ),
        Kind::Comparison => format!(
            "title = \"{title}\"         # required: what is compared\n\
             left = \"\"                 # required: slug of the first statement\n\
             right = \"\"                # required: slug of the second statement\n\
             draft = false             # true keeps it out of builds without --drafts\n\
             \n\
             # One [[points]] table per topic, each side in a few words of Markdown.\n\
             [[points]]\n\
             topic = \"\"                # e.g. \"Terrorism\"\n\
             left = \"\"                 # what the left statement says of it\n\
             right = \"\"                # what the right statement says of it\n"
        ),
        Kind::Source => format!(
            "title = \"{title}\"         # required: the source's title\n\
             publisher = \"\"            # who published it\n\
             date = 2025-01-01         # YYYY-MM-DD, when it was published\n\
             url = \"\"                  # where it can be read\n\
             draft = false             # true keeps it out of builds without --drafts\n"
        ),
    };
    let body = match kind {
        Kind::Actor => "Who they are, in a few sentences. Link other notes with `[[slug]]`.\n",
        Kind::Statement => "Context in paragraphs. The statement's own words in a blockquote:\n\n> …\n",
        Kind::Event => "What happened. Link the actors with `[[slug]]`.\n",
        Kind::Comparison => "The analysis: where the two statements agree and where they do not.\n",
        Kind::Source => "The full text of the source, unchanged.\n",
    };
    format!("+++\n{fields}+++\n\n{body}")
}

/// Writes a new note under `root`; refuses to overwrite one.
pub fn create(root: &Path, kind: Kind, slug: &str) -> io::Result<PathBuf> {
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
    io::Write::write_all(&mut file, note_text(kind, slug).as_bytes())?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_of_every_kind_is_in_the_scaffold() {
        for kind in Kind::ALL {
            let text = note_text(kind, "a-note");
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
