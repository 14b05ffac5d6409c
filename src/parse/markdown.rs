//! Reading a Markdown body for what the site model needs: the links to
//! other notes (wikilinks and relative `.md` links) with the sentence around
//! each, the headings with their anchor ids, and the quoted passages.
//!
//! When asked, the same reading also makes the body's HTML with its
//! internal links left open ([`PreparedHtml`]), so that a page that marks
//! nothing in the body needs no second reading; `render::markdown` fills
//! the links in, or renders the body anew (with the same parser options,
//! so ids and links agree) when it marks passages.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd, html};

use crate::analysis::normalize::normalize_space;
use crate::diagnostic::{LineIndex, Position};
use crate::note::{Heading, Hole, Kind, Link, LinkPart, LinkStyle, PreparedHtml, Quotation, QuotationPlace};
use crate::parse::slug::heading_id;

/// In a backlink sentence, `TITLE_MARK` + slug + `TITLE_END` stands for link
/// text that comes from the target's title (known only once all notes are read).
pub const TITLE_MARK: char = '\u{1}';
pub const TITLE_END: char = '\u{2}';

/// The parser options every body is read and rendered with.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_WIKILINKS
}

/// What a body holds that the model needs.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct BodyScan {
    pub links: Vec<Link>,
    pub headings: Vec<Heading>,
    pub quotations: Vec<Quotation>,
    /// The body's HTML, when asked for and the body allows it.
    pub html: Option<PreparedHtml>,
}

/// Where an internal link points, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkTarget {
    pub style: LinkStyle,
    pub slug: String,
    pub kind: Option<Kind>,
    pub heading: Option<String>,
}

/// Classifies a link destination: `Some` for links to notes, `None` for
/// external links, same-page anchors and links to static files.
/// `note_path` is the linking note's path relative to the site root.
pub fn link_target(link_type: LinkType, dest: &str, note_path: &Path) -> Option<LinkTarget> {
    if let LinkType::WikiLink { .. } = link_type {
        let (slug, heading) = split_heading(dest.trim());
        return Some(LinkTarget { style: LinkStyle::Wiki, slug: slug.to_string(), kind: None, heading });
    }
    if dest.contains(':') || dest.starts_with('/') || dest.starts_with('#') {
        return None;
    }
    let (file, heading) = split_heading(dest);
    if !file.ends_with(".md") {
        return None;
    }
    let joined = note_path.parent().unwrap_or(Path::new("")).join(file);
    let mut parts: Vec<String> = Vec::new();
    for component in joined.components() {
        match component {
            Component::Normal(c) => parts.push(c.to_string_lossy().into_owned()),
            Component::ParentDir => {
                parts.pop();
            }
            _ => {}
        }
    }
    // content/<folder>/<slug>.md
    let (kind, slug) = match parts.as_slice() {
        [content, folder, file] if content == "content" => {
            (Kind::from_folder(folder), file.trim_end_matches(".md").to_string())
        }
        _ => (None, PathBuf::from(parts.join("/")).display().to_string()),
    };
    Some(LinkTarget { style: LinkStyle::Markdown, slug, kind, heading })
}

fn split_heading(dest: &str) -> (&str, Option<String>) {
    match dest.split_once('#') {
        Some((slug, heading)) => (slug, Some(heading.to_string())),
        None => (dest, None),
    }
}

/// Reads `body` (which starts at `body_offset` of the file indexed by `lines`).
/// With `with_html`, the body's HTML is made too (see [`PreparedHtml`]).
pub fn scan(body: &str, body_offset: usize, lines: &LineIndex<'_>, note_path: &Path, with_html: bool) -> BodyScan {
    let events: Vec<(Event<'_>, std::ops::Range<usize>)> =
        Parser::new_ext(body, options()).into_offset_iter().collect();
    let (mut scan, link_starts) = read_events(&events, body_offset, lines, note_path);
    if with_html {
        scan.html = prepare_html(body, events.into_iter().map(|(e, _)| e), &link_starts, &scan.headings);
    }
    scan
}

/// A heading with its id: the slug of its text, numbered after the first
/// heading with the same one.
fn new_heading(ids: &mut HashMap<String, usize>, level: u8, text: &str) -> Heading {
    let base = heading_id(text);
    let n = ids.entry(base.clone()).or_insert(0);
    let id = if *n == 0 { base.clone() } else { format!("{base}-{n}") };
    *n += 1;
    Heading { level, text: text.trim().to_string(), id }
}

/// The quotations of a block of text (a paragraph, an item, a cell): the
/// whole of it in a blockquote, else each passage in quotation marks.
/// `texts` maps offsets in `block` to offsets in the body, where the
/// block starts at `block_start`; `at` makes a body offset a position.
fn block_quotations(
    block: &str,
    texts: &[(usize, usize)],
    block_start: usize,
    in_quote: bool,
    at: impl Fn(usize) -> Position,
) -> Vec<Quotation> {
    if in_quote {
        let text = normalize_space(block);
        return if text.is_empty() {
            Vec::new()
        } else {
            vec![Quotation { text, pos: at(block_start), place: QuotationPlace::Block }]
        };
    }
    quoted_passages(block)
        .into_iter()
        .map(|(mark, text)| {
            // The opening mark's place in the file, from the text it is in.
            let i = texts.partition_point(|&(b, _)| b <= mark).saturating_sub(1);
            let offset = texts.get(i).map_or(block_start, |&(b, src)| src + (mark - b));
            Quotation { text, pos: at(offset), place: QuotationPlace::Marks }
        })
        .collect()
}

/// The links, headings and quotations of a body's events, and which events
/// start those links (their indices, in the links' order).
fn read_events(
    events: &[(Event<'_>, std::ops::Range<usize>)],
    body_offset: usize,
    lines: &LineIndex<'_>,
    note_path: &Path,
) -> (BodyScan, Vec<usize>) {
    let mut scan = BodyScan::default();
    let mut link_starts = Vec::new();
    let mut ids: HashMap<String, usize> = HashMap::new();
    let mut block = String::new();
    // (index into scan.links, byte offset in block)
    let mut pending: Vec<(usize, usize)> = Vec::new();
    let mut heading: Option<(u8, String)> = None;
    let mut quote_depth = 0usize;
    let mut block_start = 0usize;
    // Inside a wikilink whose text is the slug: its text comes from the title.
    let mut skip_text = 0usize;

    // Where each text of the block came from: (offset in block, offset in body).
    let mut texts: Vec<(usize, usize)> = Vec::new();
    // A block ends: each link in it gets its sentence.
    let flush = |block: &mut String,
                 texts: &mut Vec<(usize, usize)>,
                 pending: &mut Vec<(usize, usize)>,
                 links: &mut Vec<Link>| {
        for (index, at) in pending.drain(..) {
            links[index].sentence = Arc::from(sentence_around(block, at));
        }
        block.clear();
        texts.clear();
    };

    for (i, (event, range)) in events.iter().enumerate() {
        match event {
            Event::Start(Tag::Paragraph | Tag::Item | Tag::TableCell) => {
                flush(&mut block, &mut texts, &mut pending, &mut scan.links);
                block_start = range.start;
            }
            Event::Start(Tag::Heading { level, .. }) => {
                flush(&mut block, &mut texts, &mut pending, &mut scan.links);
                heading = Some((*level as u8, String::new()));
            }
            Event::Start(Tag::BlockQuote(_)) => quote_depth += 1,
            Event::End(TagEnd::BlockQuote(_)) => quote_depth -= 1,
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, text)) = heading.take() {
                    scan.headings.push(new_heading(&mut ids, level, &text));
                }
                flush(&mut block, &mut texts, &mut pending, &mut scan.links);
            }
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell) => {
                let at = |offset: usize| lines.position(body_offset + offset);
                scan.quotations.extend(block_quotations(&block, &texts, block_start, quote_depth > 0, at));
                flush(&mut block, &mut texts, &mut pending, &mut scan.links);
            }
            Event::Start(Tag::Link { link_type, dest_url, .. }) => {
                if let Some(target) = link_target(*link_type, dest_url, note_path) {
                    link_starts.push(i);
                    pending.push((scan.links.len(), block.len()));
                    skip_text += usize::from(mark_title(*link_type, &target.slug, &mut block));
                    scan.links.push(link_of(target, lines.position(body_offset + range.start)));
                }
            }
            Event::End(TagEnd::Link) if skip_text > 0 => skip_text -= 1,
            Event::Text(text) | Event::Code(text) => {
                if let Some((_, h)) = heading.as_mut() {
                    h.push_str(text);
                }
                if skip_text == 0 {
                    texts.push((block.len(), range.start));
                    block.push_str(text);
                }
            }
            Event::SoftBreak | Event::HardBreak => block.push(' '),
            _ => {}
        }
    }
    flush(&mut block, &mut texts, &mut pending, &mut scan.links);
    (scan, link_starts)
}

/// For a wikilink whose text is its slug, puts a mark for the note's title
/// into the block (filled in when the sentence is shown); true then, and
/// the link's own text is skipped.
fn mark_title(link_type: LinkType, slug: &str, block: &mut String) -> bool {
    let marked = matches!(link_type, LinkType::WikiLink { has_pothole: false });
    if marked {
        block.push(TITLE_MARK);
        block.push_str(slug);
        block.push(TITLE_END);
    }
    marked
}

/// The link to `target` at `pos` (its sentence is filled in when its block ends).
fn link_of(target: LinkTarget, pos: Position) -> Link {
    Link {
        style: target.style,
        target: target.slug,
        target_kind: target.kind,
        heading: target.heading,
        pos,
        sentence: Arc::from(""),
    }
}

/// The id of a body's `index`-th heading in HTML: the one the scan gave it
/// (see [`BodyScan::headings`]), or the one written, if any.
pub fn heading_anchor<'a>(headings: &[Heading], index: usize, written: Option<CowStr<'a>>) -> Option<CowStr<'a>> {
    headings.get(index).map(|h| CowStr::from(h.id.clone())).or(written)
}

/// The HTML of a body's events as `render::markdown` makes it for a page
/// that marks nothing, with each internal link's opening tag (and, for a
/// wikilink without text, its text) left as a hole. `None` when the body
/// holds an image (its text is written raw, where a hole would be lost)
/// or a NUL character (which marks the holes while writing). `link_starts`
/// are the events that start an internal link, as [`read_events`] found them.
fn prepare_html<'a>(
    body: &str,
    events: impl Iterator<Item = Event<'a>>,
    link_starts: &[usize],
    headings: &[Heading],
) -> Option<PreparedHtml> {
    const HOLE: char = '\0';
    if body.contains(HOLE) {
        return None;
    }
    let mut parts: Vec<(usize, LinkPart)> = Vec::new();
    let mut kept: Vec<Event<'a>> = Vec::new();
    let (mut heading_index, mut links, mut replacing) = (0, 0, 0usize);
    for (i, event) in events.enumerate() {
        match event {
            Event::Start(Tag::Image { .. }) => return None,
            Event::Start(Tag::Heading { level, id, classes, attrs }) => {
                let id = heading_anchor(headings, heading_index, id);
                heading_index += 1;
                kept.push(Event::Start(Tag::Heading { level, id, classes, attrs }));
            }
            Event::Start(Tag::Link { link_type, title, .. }) if link_starts.get(links) == Some(&i) => {
                kept.push(Event::InlineHtml(CowStr::Borrowed("\0")));
                parts.push((links, LinkPart::Start { title: title.to_string() }));
                if let LinkType::WikiLink { has_pothole: false } = link_type {
                    replacing += 1;
                    kept.push(Event::InlineHtml(CowStr::Borrowed("\0")));
                    parts.push((links, LinkPart::Title));
                }
                links += 1;
            }
            Event::End(TagEnd::Link) => {
                replacing = replacing.saturating_sub(1);
                kept.push(Event::End(TagEnd::Link));
            }
            Event::Text(_) | Event::Code(_) if replacing > 0 => {}
            other => kept.push(other),
        }
    }
    let mut written = String::with_capacity(body.len() * 3 / 2);
    html::push_html(&mut written, kept.into_iter());
    // Take the holes' marks out, noting where each was.
    let mut html = String::with_capacity(written.len());
    let mut holes = Vec::with_capacity(parts.len());
    let mut parts = parts.into_iter();
    for (i, piece) in written.split(HOLE).enumerate() {
        if i > 0 {
            let (link, part) = parts.next()?;
            holes.push(Hole { at: html.len(), link, part });
        }
        html.push_str(piece);
    }
    parts.next().is_none().then_some(PreparedHtml { html, holes })
}

/// How far a backlink sentence reaches each way, in characters.
const REACH: usize = 300;

/// The sentence of `block` around byte offset `at`: back to the end of the
/// previous sentence and on to the end of this one, at most 300 characters
/// each way (so that a paragraph of many links stays linear).
fn sentence_around(block: &str, at: usize) -> String {
    let at = at.min(block.len());
    let (start, cut_start, end, cut_end) = match sentence_bounds_ascii(block, at) {
        Some(bounds) => bounds,
        None => sentence_bounds(block, at),
    };
    let mut text = normalize_space(&block[start..end]);
    if cut_start {
        text.insert_str(0, "… ");
    }
    if cut_end && end < block.len() {
        text.push_str(" …");
    }
    text
}

/// Whether the character at byte `i` of `block` ends a sentence: a `.`, `!`
/// or `?` followed by white space or by nothing.
fn ends_sentence_at(block: &str, i: usize) -> bool {
    matches!(block.as_bytes()[i], b'.' | b'!' | b'?') && block[i + 1..].chars().next().is_none_or(char::is_whitespace)
}

/// [`sentence_bounds`] for the common case of plain ASCII around `at`, where
/// a character is a byte: sentence ends are found with `memchr` instead of
/// character by character. `None` when the text there is not ASCII.
fn sentence_bounds_ascii(block: &str, at: usize) -> Option<(usize, bool, usize, bool)> {
    let bytes = block.as_bytes();
    // Backwards, the character at REACH (one past the reach) is looked at too.
    let lo = at.saturating_sub(REACH + 1);
    let hi = (at + REACH).min(bytes.len());
    if !bytes[lo..hi].is_ascii() {
        return None;
    }
    let (start, cut_start) =
        match memchr::memrchr3_iter(b'.', b'!', b'?', &bytes[lo..at]).find(|&i| ends_sentence_at(block, lo + i)) {
            Some(i) => (lo + i + 1, false),
            None if at > REACH => (at - REACH, true),
            None => (0, false),
        };
    let (end, cut_end) =
        match memchr::memchr3_iter(b'.', b'!', b'?', &bytes[at..hi]).find(|&i| ends_sentence_at(block, at + i)) {
            Some(i) => (at + i + 1, false),
            None if bytes.len() - at > REACH => (at + REACH, true),
            None => (bytes.len(), false),
        };
    Some((start, cut_start, end, cut_end))
}

/// The bounds of the sentence around `at`, character by character: (start,
/// whether the reach cut it there, end, whether the reach cut it there).
fn sentence_bounds(block: &str, at: usize) -> (usize, bool, usize, bool) {
    // Backwards: stop after a sentence end.
    let mut start = at;
    let mut cut_start = false;
    for (n, (i, _)) in block[..at].char_indices().rev().enumerate() {
        if ends_sentence_at(block, i) {
            break;
        }
        if n == REACH {
            cut_start = true;
            break;
        }
        start = i;
    }
    // Forwards: stop at (and keep) a sentence end.
    let mut end = at;
    let mut cut_end = false;
    for (n, (i, c)) in block[at..].char_indices().enumerate() {
        if n == REACH {
            cut_end = true;
            break;
        }
        end = at + i + c.len_utf8();
        if ends_sentence_at(block, at + i) {
            break;
        }
    }
    (start, cut_start, end, cut_end)
}

/// Passages between curly or straight double quotation marks, each with
/// the byte offset of its opening mark in `text`.
pub fn quoted_passages(text: &str) -> Vec<(usize, String)> {
    quoted_ranges(text)
        .into_iter()
        .filter_map(|inner| {
            let passage = normalize_space(&text[inner.clone()]);
            // The opening mark is one character before the passage.
            let open = text[..inner.start].char_indices().next_back().map_or(0, |(i, _)| i);
            (!passage.is_empty()).then_some((open, passage))
        })
        .collect()
}

/// The byte ranges of the text between curly or straight double quotation
/// marks (the marks left out).
pub fn quoted_ranges(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some((open, open_char)) = find_open_quote(&text[from..]) {
        let close_char = if open_char == '“' { '”' } else { '"' };
        let inner = from + open + open_char.len_utf8();
        let Some(close) = text[inner..].find(close_char) else {
            break;
        };
        out.push(inner..inner + close);
        from = inner + close + close_char.len_utf8();
    }
    out
}

/// The first `"` or `“` of `text`, by bytes: `“` is the only opening
/// quote that starts with byte E2, so only those places are looked at twice.
fn find_open_quote(text: &str) -> Option<(usize, char)> {
    const CURLY: &[u8] = "“".as_bytes();
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(i) = memchr::memchr2(b'"', CURLY[0], &bytes[from..]) {
        let at = from + i;
        if bytes[at] == b'"' {
            return Some((at, '"'));
        }
        if bytes[at..].starts_with(CURLY) {
            return Some((at, '“'));
        }
        from = at + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan_str(body: &str) -> BodyScan {
        let index = LineIndex::new(body);
        scan(body, 0, &index, Path::new("content/statements/a.md"), false)
    }

    #[test]
    fn finds_wikilinks_with_positions_and_sentences() {
        let s = scan_str(
            "Intro line.\n\nFirst sentence. Then [[marco-rubio]] called [[s-jaishankar|the minister]] today. Last.\n",
        );
        assert_eq!(s.links.len(), 2);
        assert_eq!(s.links[0].target, "marco-rubio");
        assert_eq!(s.links[0].pos.line, 3);
        assert_eq!(s.links[0].pos.col, 22);
        assert_eq!(&*s.links[0].sentence, "Then \u{1}marco-rubio\u{2} called the minister today.");
        assert_eq!(s.links[1].target, "s-jaishankar");
    }

    #[test]
    fn many_links_in_one_paragraph_each_get_their_own_sentence() {
        // Regression: each link's sentence was cut from the whole paragraph,
        // quadratic in the number of links (100,000 links took seconds).
        let body = "See [[a]]. ".repeat(20_000);
        let s = scan_str(&body);
        assert_eq!(s.links.len(), 20_000);
        assert!(s.links.iter().all(|l| &*l.sentence == "See \u{1}a\u{2}."), "{:?}", &s.links[0].sentence);
        assert_eq!(s.links[19_999].pos.col, 19_999 * 11 + 5);
    }

    #[test]
    fn a_sentence_longer_than_the_reach_is_cut_with_ellipses() {
        let body = format!("{} [[a]] {}", "word ".repeat(200), "more ".repeat(200));
        let s = scan_str(&body);
        assert!(s.links[0].sentence.starts_with("… ") && s.links[0].sentence.ends_with(" …"));
        assert!(s.links[0].sentence.chars().count() < 700);
    }

    proptest::proptest! {
        /// Looking for opening quotes by bytes finds what a search by
        /// characters finds, among other characters that start with E2.
        #[test]
        fn an_opening_quote_is_found_by_bytes_as_by_chars(
            parts in proptest::collection::vec(proptest::sample::select(vec!["a", " ", "\"", "“", "”", "’", "—", "é"]), 0..30),
        ) {
            let text = parts.concat();
            let by_chars = text.find(['“', '"']).map(|at| (at, text[at..].chars().next().unwrap_or('"')));
            proptest::prop_assert_eq!(find_open_quote(&text), by_chars);
        }

        #[test]
        fn sentence_bounds_in_ascii_are_those_found_char_by_char(
            // Sentences long enough to be cut, and now and then a character
            // that is not ASCII, where the fast way gives up.
            words in proptest::collection::vec(
                proptest::prop_oneof![300 => "[a-z]{1,6}", 4 => "[a-z]{1,6}[.!?,]", 1 => "é|\u{a0}"],
                0..400,
            ),
            at in 0usize..4000,
        ) {
            let block = words.join(" ");
            let mut at = at.min(block.len());
            while !block.is_char_boundary(at) {
                at -= 1;
            }
            if let Some(fast) = sentence_bounds_ascii(&block, at) {
                proptest::prop_assert_eq!(fast, sentence_bounds(&block, at));
            }
        }
    }

    #[test]
    fn wikilink_heading_is_split() {
        let s = scan_str("See [[rubio-call#what-it-says]].");
        assert_eq!(s.links[0].target, "rubio-call");
        assert_eq!(s.links[0].heading.as_deref(), Some("what-it-says"));
    }

    #[test]
    fn relative_md_links_name_kind_and_slug() {
        let s = scan_str("See [the post](../actors/s-jaishankar.md#x) and [web](https://example.org/a.md).");
        assert_eq!(s.links.len(), 1);
        assert_eq!(s.links[0].target, "s-jaishankar");
        assert_eq!(s.links[0].target_kind, Some(Kind::Actor));
        assert_eq!(s.links[0].style, LinkStyle::Markdown);
    }

    #[test]
    fn links_in_code_are_not_links() {
        let s = scan_str("`[[not-a-link]]`\n\n```\n[[nor-this]]\n```\n");
        assert!(s.links.is_empty());
    }

    #[test]
    fn headings_get_unique_ids() {
        let s = scan_str("# Points\n\n## Points\n\n## What *each* says\n");
        let ids: Vec<_> = s.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["points", "points-1", "what-each-says"]);
    }

    #[test]
    fn quotations_from_blockquotes_and_quote_marks() {
        let s = scan_str(
            "He said \"brought to justice\" and “de-escalate tensions”.\n\n> Its perpetrators,\n> backers and planners\n",
        );
        let texts: Vec<_> = s.quotations.iter().map(|q| q.text.as_str()).collect();
        assert_eq!(texts, ["brought to justice", "de-escalate tensions", "Its perpetrators, backers and planners"]);
        assert_eq!(s.quotations[2].pos.line, 3);
    }

    #[test]
    fn a_quotation_in_marks_is_placed_at_its_opening_mark() {
        let s = scan_str("Intro.\n\nThen *she* said “brought to justice” and [[x]] \"ease tensions\".\n");
        let at: Vec<_> = s.quotations.iter().map(|q| (q.pos.line, q.pos.col)).collect();
        assert_eq!(at, [(3, 17), (3, 48)]);
    }
}
