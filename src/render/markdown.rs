//! Markdown to HTML, with links to notes turned into relative page URLs and
//! headings given the ids the parser computed.

use std::path::Path;

use pulldown_cmark::{CowStr, Event, LinkType, Parser, Tag, TagEnd, html};

use crate::note::Heading;
use crate::parse::markdown::{link_target, options};

/// Resolves a link to a note into `(url from the site root, title)`.
pub trait LinkResolver {
    fn resolve(&self, slug: &str, kind: Option<crate::note::Kind>) -> Option<(String, String)>;
}

/// Renders `body` to HTML. Links to notes become `root` + the page URL;
/// `note_path` is the file the body is from (for relative `.md` links).
pub fn to_html(
    body: &str,
    note_path: &Path,
    headings: &[Heading],
    root: &str,
    links: &dyn LinkResolver,
) -> String {
    let mut events: Vec<Event<'_>> = Vec::new();
    let mut heading_index = 0;
    // Inside a wikilink written without text: its text is dropped, the title stands in.
    let mut replacing = 0usize;
    for event in Parser::new_ext(body, options()) {
        match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                let id = headings
                    .get(heading_index)
                    .map(|h| CowStr::from(h.id.clone()))
                    .or(id);
                heading_index += 1;
                events.push(Event::Start(Tag::Heading {
                    level,
                    id,
                    classes,
                    attrs,
                }));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let resolved = link_target(link_type, &dest_url, note_path)
                    .and_then(|t| links.resolve(&t.slug, t.kind).map(|r| (t, r)));
                let Some((target, (url, note_title))) = resolved else {
                    events.push(Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }));
                    continue;
                };
                let href = match &target.heading {
                    Some(h) => format!("{root}{url}#{h}"),
                    None => format!("{root}{url}"),
                };
                events.push(Event::Start(Tag::Link {
                    link_type: LinkType::Inline,
                    dest_url: href.into(),
                    title,
                    id,
                }));
                if let LinkType::WikiLink { has_pothole: false } = link_type {
                    replacing += 1;
                    events.push(Event::Text(note_title.into()));
                }
            }
            Event::End(TagEnd::Link) if replacing > 0 => {
                replacing -= 1;
                events.push(Event::End(TagEnd::Link));
            }
            Event::Text(_) | Event::Code(_) if replacing > 0 => {}
            other => events.push(other),
        }
    }
    let mut out = String::with_capacity(body.len() * 3 / 2);
    html::push_html(&mut out, events.into_iter());
    out
}

/// Renders a short piece of Markdown (a comparison point) without the
/// wrapping paragraph when it is a single one.
pub fn inline_html(text: &str, note_path: &Path, root: &str, links: &dyn LinkResolver) -> String {
    let html = to_html(text, note_path, &[], root, links);
    let trimmed = html.trim_end();
    match trimmed
        .strip_prefix("<p>")
        .and_then(|s| s.strip_suffix("</p>"))
    {
        Some(inner) if !inner.contains("<p>") => inner.to_string(),
        _ => html,
    }
}
