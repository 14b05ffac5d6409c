//! The external URLs of a site and where each is written: a statement's or
//! a source's `url`, and every `http:` or `https:` link or image in a
//! body (the home page's too).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use pulldown_cmark::{Event, Parser, Tag};

use crate::diagnostic::{LineIndex, Position};
use crate::note::Meta;

/// One place an external URL is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkUse {
    pub url: String,
    /// The note's file, relative to the site root.
    pub path: PathBuf,
    /// The note's text, to show the line.
    pub text: Arc<str>,
    pub pos: Position,
}

/// Whether `url` is one to ask for over the network.
fn is_external(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// Every external URL written in the notes of the site at `root`, in the
/// order of the files and of their text. Notes that do not parse are
/// skipped (the ordinary check reports them).
pub fn find_links(root: &Path) -> Vec<LinkUse> {
    let (files, _) = crate::load::load(root);
    let mut uses = Vec::new();
    if let Some((path, text)) = &files.home
        && let Ok(home) = crate::parse::parse_home(path, Arc::clone(text))
    {
        in_body(path, text, home.body_offset, &mut uses);
    }
    for file in &files.notes {
        let Ok(note) = crate::parse::parse_note(file.kind, &file.slug, &file.path, Arc::clone(&file.text)) else {
            continue;
        };
        let field_url = match &note.meta {
            Meta::Statement(s) => s.url.as_deref(),
            Meta::Source(s) => s.url.as_deref(),
            _ => None,
        };
        if let Some(url) = field_url.filter(|u| is_external(u)) {
            // The field's value as written: its first place in the front matter.
            let offset = note.text[..note.body_offset].find(url).unwrap_or(0);
            let pos = Position::of_offset(&note.text, offset);
            uses.push(LinkUse { url: url.to_string(), path: note.path.clone(), text: Arc::clone(&note.text), pos });
        }
        in_body(&note.path, &note.text, note.body_offset, &mut uses);
    }
    uses
}

/// The external links and images of the body starting at `body_offset` in `text`.
fn in_body(path: &Path, text: &Arc<str>, body_offset: usize, uses: &mut Vec<LinkUse>) {
    let body = &text[body_offset..];
    if !body.contains("http") {
        return;
    }
    let lines = LineIndex::new(text);
    for (event, range) in Parser::new_ext(body, crate::parse::markdown::options()).into_offset_iter() {
        let url = match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => dest_url,
            _ => continue,
        };
        if is_external(&url) {
            let pos = lines.position(body_offset + range.start);
            uses.push(LinkUse { url: url.into_string(), path: path.to_path_buf(), text: Arc::clone(text), pos });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn finds_field_and_body_urls_at_their_places() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("content/sources")).unwrap();
        fs::write(root.join("site.toml"), "title = \"T\"\n").unwrap();
        fs::write(
            root.join("content/sources/wire.md"),
            "+++\ntitle = \"Wire\"\nurl = \"https://example.org/wire\"\n+++\n\nSee [the story](https://example.org/story) and <http://example.org/auto>, not [[other]] or [a page](../actors/x.md).\n",
        )
        .unwrap();
        let found: Vec<(String, usize, usize)> =
            find_links(root).into_iter().map(|u| (u.url, u.pos.line, u.pos.col)).collect();
        assert_eq!(
            found,
            [
                ("https://example.org/wire".to_string(), 3, 8),
                ("https://example.org/story".to_string(), 6, 5),
                ("http://example.org/auto".to_string(), 6, 48),
            ]
        );
    }
}
