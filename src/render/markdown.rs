//! Markdown to HTML, with links to notes turned into relative page URLs and
//! headings given the ids the parser computed.

use std::path::Path;

use pulldown_cmark::{CowStr, Event, LinkType, Parser, Tag, TagEnd, html};

use crate::model::NoteId;
use crate::note::{Heading, Link, LinkPart, PreparedHtml};
use crate::parse::markdown::{heading_anchor, link_target, options};
use crate::render::reads::SiteReads;

/// Finds the note a link names: its page's URL from the site root and
/// its title (`None` when there is no note of that slug and kind).
pub trait LinkResolver {
    fn resolve(&self, slug: &str, kind: Option<crate::note::Kind>) -> Option<(&str, &str)>;

    /// What a page needs of the site's image at `output` (its output
    /// path), when the site sizes it; `None` writes the image as it is.
    fn image(&self, _output: &str) -> Option<&crate::images::Responsive> {
        None
    }
}

/// A highlight to put around part of a run of text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Highlight {
    pub start: usize,
    pub end: usize,
    pub open: String,
    pub close: &'static str,
}

/// Decides what to highlight in each run of plain text of a body.
pub trait Highlighter {
    /// Highlights for `text` (sorted, not overlapping); `in_quote` is true
    /// inside a blockquote.
    fn highlight(&mut self, text: &str, in_quote: bool) -> Vec<Highlight>;
}

/// Highlights nothing.
pub struct NoHighlights;

impl Highlighter for NoHighlights {
    fn highlight(&mut self, _: &str, _: bool) -> Vec<Highlight> {
        Vec::new()
    }
}

/// Renders `body` to HTML. Links to notes become `root` + the page URL;
/// `note_path` is the file the body is from (for relative `.md` links).
pub fn to_html<'a>(
    body: &'a str,
    note_path: &Path,
    headings: &[Heading],
    root: &str,
    links: &'a dyn LinkResolver,
) -> String {
    to_html_highlighted(body, note_path, headings, root, links, &mut NoHighlights)
}

/// [`to_html`], with `highlighter` marking parts of the text.
pub fn to_html_highlighted<'a>(
    body: &'a str,
    note_path: &Path,
    headings: &[Heading],
    root: &str,
    links: &'a dyn LinkResolver,
    highlighter: &mut dyn Highlighter,
) -> String {
    let mut events: Vec<Event<'a>> = Vec::new();
    let mut heading_index = 0;
    // Inside a wikilink written without text: its text is dropped, the title stands in.
    let mut replacing = 0usize;
    let mut quote_depth = 0usize;
    let mut link_depth = 0usize;
    let mut run = String::new();
    // A sized image being read: what it is, its title, and its alt text so far.
    let mut image: Option<(&crate::images::Responsive, CowStr<'a>, String)> = None;
    let flush = |run: &mut String, events: &mut Vec<Event<'a>>, highlighter: &mut dyn Highlighter, in_quote: bool| {
        if let Some(event) = marked_run(run, highlighter, in_quote) {
            events.push(event);
        }
    };
    for event in Parser::new_ext(body, options()) {
        if let Some(open) = &mut image {
            if let Some(tag) = read_image(open, event, root) {
                events.push(Event::InlineHtml(tag.into()));
                image = None;
            }
            continue;
        }
        match event {
            Event::Text(text) if replacing == 0 && link_depth == 0 => {
                run.push_str(&text);
                continue;
            }
            Event::SoftBreak if !run.is_empty() => {
                run.push('\n');
                continue;
            }
            _ => flush(&mut run, &mut events, highlighter, quote_depth > 0),
        }
        match event {
            Event::Start(Tag::BlockQuote(kind)) => {
                quote_depth += 1;
                events.push(Event::Start(Tag::BlockQuote(kind)));
            }
            Event::End(TagEnd::BlockQuote(kind)) => {
                quote_depth -= 1;
                events.push(Event::End(TagEnd::BlockQuote(kind)));
            }
            Event::Start(Tag::Heading { level, id, classes, attrs }) => {
                let id = heading_anchor(headings, heading_index, id);
                heading_index += 1;
                events.push(Event::Start(Tag::Heading { level, id, classes, attrs }));
            }
            Event::Start(tag @ Tag::Link { .. }) => {
                link_depth += 1;
                replacing += usize::from(link_start(tag, note_path, root, links, &mut events));
            }
            Event::Start(tag @ Tag::Image { .. }) => match image_start(tag, note_path, root, links) {
                Ok(open) => image = Some(open),
                Err(event) => events.push(event),
            },
            Event::End(TagEnd::Link) => {
                link_depth = link_depth.saturating_sub(1);
                replacing = replacing.saturating_sub(1);
                events.push(Event::End(TagEnd::Link));
            }
            Event::Text(_) | Event::Code(_) if replacing > 0 => {}
            other => events.push(other),
        }
    }
    flush(&mut run, &mut events, highlighter, quote_depth > 0);
    let mut out = String::with_capacity(body.len() * 3 / 2);
    html::push_html(&mut out, events.into_iter());
    out
}

/// The events that start a link: to a note, with its address made
/// relative to the page (and for a wikilink written without text, the
/// note's title as its text: then true, its own text is dropped); to
/// anything else, as written.
fn link_start<'a>(
    tag: Tag<'a>,
    note_path: &Path,
    root: &str,
    links: &'a dyn LinkResolver,
    events: &mut Vec<Event<'a>>,
) -> bool {
    let Tag::Link { link_type, dest_url, title, id } = tag else {
        events.push(Event::Start(tag));
        return false;
    };
    let resolved =
        link_target(link_type, &dest_url, note_path).and_then(|t| links.resolve(&t.slug, t.kind).map(|r| (t, r)));
    let Some((target, (url, note_title))) = resolved else {
        events.push(Event::Start(Tag::Link { link_type, dest_url, title, id }));
        return false;
    };
    let mut href = String::new();
    push_href(url, root, target.heading.as_deref(), &mut href);
    events.push(Event::Start(Tag::Link { link_type: LinkType::Inline, dest_url: href.into(), title, id }));
    let replaced = matches!(link_type, LinkType::WikiLink { has_pothole: false });
    if replaced {
        events.push(Event::Text(CowStr::Borrowed(note_title)));
    }
    replaced
}

/// An image's start: a sized image, opened (its `<img>` is written at its
/// end); any other, its address made relative to the page (see `images`).
#[allow(clippy::type_complexity)]
fn image_start<'a>(
    tag: Tag<'a>,
    note_path: &Path,
    root: &str,
    links: &'a dyn LinkResolver,
) -> Result<(&'a crate::images::Responsive, CowStr<'a>, String), Event<'a>> {
    let Tag::Image { link_type, dest_url, title, id } = tag else { return Err(Event::Start(tag)) };
    if let Some(sized) = crate::images::image_file(&dest_url, note_path).and_then(|f| links.image(&f.output)) {
        return Ok((sized, title, String::new()));
    }
    let dest_url = crate::images::page_src(&dest_url, note_path, root).map_or(dest_url, CowStr::from);
    Err(Event::Start(Tag::Image { link_type, dest_url, title, id }))
}

/// Reads one event inside a sized image (its alt text); at its end, its `<img>`.
fn read_image(open: &mut (&crate::images::Responsive, CowStr, String), event: Event, root: &str) -> Option<String> {
    let (sized, title, alt) = open;
    match event {
        Event::Text(t) | Event::Code(t) => alt.push_str(&t),
        Event::End(TagEnd::Image) => return Some(crate::images::img_tag(sized, root, alt, title)),
        _ => {}
    }
    None
}

/// A run of plain text as one event, with what `highlighter` marks in
/// it; the run is emptied (`None` when it was empty).
fn marked_run(run: &mut String, highlighter: &mut dyn Highlighter, in_quote: bool) -> Option<Event<'static>> {
    if run.is_empty() {
        return None;
    }
    let marks = highlighter.highlight(run, in_quote);
    if marks.is_empty() {
        return Some(Event::Text(CowStr::from(std::mem::take(run))));
    }
    let mut html = String::with_capacity(run.len() + marks.len() * 40);
    let mut at = 0;
    for m in &marks {
        if m.start < at || m.end > run.len() || m.start >= m.end {
            continue;
        }
        escape_into(&mut html, &run[at..m.start]);
        html.push_str(&m.open);
        escape_into(&mut html, &run[m.start..m.end]);
        html.push_str(m.close);
        at = m.end;
    }
    escape_into(&mut html, &run[at..]);
    run.clear();
    Some(Event::InlineHtml(html.into()))
}

/// The HTML of a body prepared at parse time, its links filled in as
/// [`to_html`] writes them: the same HTML. `targets` are the notes the
/// links go to, as the model resolved them. `None` when a link names no
/// note (the body is then rendered anew, links as written).
pub fn fill(
    prepared: &PreparedHtml,
    links: &[Link],
    targets: &[Option<NoteId>],
    root: &str,
    reads: &SiteReads,
) -> Option<String> {
    use pulldown_cmark_escape::{escape_href, escape_html, escape_html_body_text};
    let mut out = String::with_capacity(prepared.html.len() + prepared.holes.len() * 64);
    let mut href = String::new();
    let mut at = 0;
    for hole in &prepared.holes {
        out.push_str(&prepared.html[at..hole.at]);
        at = hole.at;
        let target = reads.name((*targets.get(hole.link)?)?);
        // Written as pulldown-cmark's HTML writer writes a link's opening
        // tag and a run of text (a property test in `render` holds it to that).
        match &hole.part {
            LinkPart::Start { title } => {
                href.clear();
                href.push_str(root);
                href.push_str(target.url);
                if let Some(heading) = &links.get(hole.link)?.heading {
                    href.push('#');
                    href.push_str(heading);
                }
                out.push_str("<a href=\"");
                escape_href(&mut out, &href).ok()?;
                if !title.is_empty() {
                    out.push_str("\" title=\"");
                    escape_html(&mut out, title).ok()?;
                }
                out.push_str("\">");
            }
            LinkPart::Title => escape_html_body_text(&mut out, target.title).ok()?,
        }
    }
    out.push_str(&prepared.html[at..]);
    Some(out)
}

/// Appends the address a link to the page at `url` goes to: the page
/// after `root`, and the `#heading` the link names.
fn push_href(url: &str, root: &str, heading: Option<&str>, out: &mut String) {
    out.push_str(root);
    out.push_str(url);
    if let Some(h) = heading {
        out.push('#');
        out.push_str(h);
    }
}

/// Escapes `text` for HTML into `out`.
pub fn escape_into(out: &mut String, text: &str) {
    pulldown_cmark_escape::escape_html(out, text).ok();
}

/// Renders a short piece of Markdown (a comparison point) without the
/// wrapping paragraph when it is a single one.
pub fn inline_html<'a>(text: &'a str, note_path: &Path, root: &str, links: &'a dyn LinkResolver) -> String {
    let html = to_html(text, note_path, &[], root, links);
    let trimmed = html.trim_end();
    match trimmed.strip_prefix("<p>").and_then(|s| s.strip_suffix("</p>")) {
        Some(inner) if !inner.contains("<p>") => inner.to_string(),
        _ => html,
    }
}
