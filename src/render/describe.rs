//! What a statement's page says of it to other sites: the `og:description`
//! and the JSON-LD `Quotation`'s text. A statement's own words are quoted;
//! a paraphrase is never put in quotation marks, so its description is the
//! writer's context (the body's first paragraph of prose).

use pulldown_cmark::{Event, LinkType, Parser, Tag, TagEnd};

use super::reads::SiteReads;
use crate::model::NoteId;
use crate::note::{Meta, Note};

/// The longest description, in characters (search engines cut at about 160).
const MAX_CHARS: usize = 200;

/// The statement's own words, one passage after the other, `…` between
/// them (empty for a
/// paraphrase: those words are the source's).
pub(crate) fn own_text(reads: &SiteReads, id: NoteId) -> String {
    shown_passages(reads, id).join(" … ")
}

/// The passages [`own_text`] joins: none for a paraphrase.
pub(crate) fn shown_passages<'a>(reads: &SiteReads<'a>, id: NoteId) -> Vec<&'a str> {
    if is_paraphrase(reads.head(id).meta()) {
        return Vec::new();
    }
    own_passages(reads, id)
}

/// A paraphrase's (or a statement without own words') context: its
/// body's first paragraph of prose, never in quotation marks.
pub(crate) fn context_text(reads: &SiteReads, id: NoteId) -> String {
    first_paragraph(reads, reads.note(id))
}

/// The own words, leaving out a passage that stands inside another (a
/// phrase the body quotes from its own blockquote).
pub(crate) fn own_passages<'a>(reads: &SiteReads<'a>, id: NoteId) -> Vec<&'a str> {
    let all: Vec<&str> = reads.own_words(id);
    let inside = |i: usize, p: &str| all.iter().enumerate().any(|(j, q)| j != i && q.len() > p.len() && q.contains(p));
    all.iter().enumerate().filter(|&(i, p)| !inside(i, p)).map(|(_, p)| *p).collect()
}

/// The page's description: `Speaker: “own words”` (cut to length), for a
/// paraphrase or a statement without own words its context; `None` when
/// there is neither, for the template to say what it can.
pub(super) fn statement_description(reads: &SiteReads, id: NoteId) -> Option<String> {
    let Meta::Statement(s) = reads.head(id).meta() else {
        return None;
    };
    let words = own_text(reads, id);
    if words.is_empty() {
        let context = first_paragraph(reads, reads.note(id));
        return (!context.is_empty()).then(|| shorten(&context, MAX_CHARS));
    }
    let speaker = reads.find(&s.speaker.value).map_or(s.speaker.value.as_str(), |a| reads.name(a).title);
    let budget = MAX_CHARS.saturating_sub(speaker.chars().count() + 4);
    Some(format!("{speaker}: “{}”", shorten(&words, budget)))
}

/// Short names for a comparison's two sides, for where the titles are too
/// long (the points table on a phone): the speakers, and when both sides
/// have the same speaker, whom each was addressed to, or else its medium
/// and date.
pub(super) fn side_labels(reads: &SiteReads, left: &str, right: &str) -> [String; 2] {
    let title = |slug: &str| reads.find(slug).map_or(slug.to_string(), |id| reads.name(id).title.to_string());
    let facts = |slug: &str| -> (String, String, String) {
        let Some(id) = reads.find(slug) else { return (slug.to_string(), String::new(), String::new()) };
        let head = reads.head(id);
        let Meta::Statement(s) = head.meta() else { return (head.title().to_string(), String::new(), String::new()) };
        let to = s.addressed_to.first().map(|r| format!("to {}", title(&r.value))).unwrap_or_default();
        let when = format!("{}{}", s.medium.label(), head.date_display().map(|d| format!(", {d}")).unwrap_or_default());
        (title(&s.speaker.value), to, when)
    };
    let (l, r) = (facts(left), facts(right));
    if l.0 != r.0 {
        [l.0, r.0]
    } else if l.1 != r.1 && !l.1.is_empty() && !r.1.is_empty() {
        [format!("{} {}", l.0, l.1), format!("{} {}", r.0, r.1)]
    } else {
        [format!("{} ({})", l.0, l.2), format!("{} ({})", r.0, r.2)]
    }
}

fn is_paraphrase(meta: &Meta) -> bool {
    matches!(meta, Meta::Statement(s) if s.paraphrase)
}

/// The plain text of the body's first paragraph outside blockquotes, a
/// wikilink written without text standing for its note's title.
fn first_paragraph(reads: &SiteReads, note: &Note) -> String {
    let mut text = String::new();
    let (mut depth, mut in_paragraph, mut replacing) = (0usize, false, 0usize);
    for event in Parser::new_ext(note.body(), crate::parse::markdown::options()) {
        match event {
            Event::Start(Tag::BlockQuote(_)) => depth += 1,
            Event::End(TagEnd::BlockQuote(_)) => depth = depth.saturating_sub(1),
            Event::Start(Tag::Paragraph) if depth == 0 => in_paragraph = true,
            Event::End(TagEnd::Paragraph) if in_paragraph => break,
            Event::Start(Tag::Link { link_type: LinkType::WikiLink { has_pothole: false }, dest_url, .. })
                if in_paragraph =>
            {
                let slug = dest_url.split(['#', '|']).next().unwrap_or_default();
                text.push_str(reads.find(slug).map_or(slug, |n| reads.name(n).title));
                replacing += 1;
            }
            Event::End(TagEnd::Link) if replacing > 0 => replacing -= 1,
            Event::Text(t) | Event::Code(t) if in_paragraph && replacing == 0 => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak if in_paragraph => text.push(' '),
            _ => {}
        }
    }
    crate::analysis::normalize::normalize_space(&text)
}

/// `text` cut at a word boundary to at most `max` characters, with `…`.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    // One character more than fits: a space there means the cut ends a word.
    let cut: String = text.chars().take(max).collect();
    let cut = cut.rfind(' ').map_or(cut.as_str(), |i| &cut[..i]);
    format!("{}…", cut.trim_end_matches([',', ';', ':', '.', ' ']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_at_a_word() {
        assert_eq!(shorten("the two sides must de-escalate", 14), "the two sides…");
        assert_eq!(shorten("short", 14), "short");
    }
}
