//! A note's body as plain text for the search index: its Markdown read
//! again for its words alone (a wikilink without a label stands for the
//! title of the note it names, as it does on the page).

use pulldown_cmark::{Event, LinkType, Parser, Tag, TagEnd};

use crate::analysis::normalize::{end_spaced, push_spaced};
use crate::model::NoteId;
use crate::render::reads::SiteReads;

/// The words of note `id`'s body, on one line.
pub(super) fn body_text(reads: &SiteReads, id: NoteId) -> String {
    let note = reads.note(id);
    let mut out = String::with_capacity(note.body().len());
    // Inside a wikilink that shows its target's title: its own text (the slug) is left out.
    let mut titled = 0usize;
    for event in Parser::new_ext(note.body(), crate::parse::markdown::options()) {
        match event {
            Event::Start(Tag::Link { link_type: LinkType::WikiLink { has_pothole: false }, dest_url, .. }) => {
                let slug = dest_url.split('#').next().unwrap_or_default().trim();
                if let Some(target) = reads.find(slug) {
                    push_spaced(&mut out, reads.name(target).title);
                }
                titled += 1;
            }
            Event::End(TagEnd::Link) if titled > 0 => titled -= 1,
            Event::Text(text) | Event::Code(text) if titled == 0 => push_spaced(&mut out, &text),
            Event::SoftBreak | Event::HardBreak => push_spaced(&mut out, " "),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell) => {
                push_spaced(&mut out, " ");
            }
            _ => {}
        }
    }
    end_spaced(&mut out);
    out
}
