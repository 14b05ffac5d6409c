//! What gets highlighted in rendered text: theme words in a statement's
//! own words, passages of a source that statements quote, and shared
//! wording in the columns of a comparison.

use std::collections::HashSet;

use crate::analysis::normalize::{Needle, Normalized, normalize};
use crate::analysis::themes::find_themes;
use crate::analysis::wording::{Mark, MarkKind};
use crate::config::Theme;
use crate::model::NoteId;
use crate::parse::markdown::quoted_ranges;
use crate::render::markdown::{Highlight, Highlighter, escape_into};
use crate::render::reads::SiteReads;
use crate::render::theme_id;

/// Marks theme words in a statement's own words (blockquotes and passages
/// in quotation marks); the first word of each theme gets
/// the anchor that the "who said what" matrix links to.
pub struct ThemeHighlighter<'a> {
    themes: &'a [Theme],
    anchored: HashSet<usize>,
}

impl<'a> ThemeHighlighter<'a> {
    pub fn new(themes: &'a [Theme]) -> Self {
        ThemeHighlighter { themes, anchored: HashSet::new() }
    }
}

impl Highlighter for ThemeHighlighter<'_> {
    fn highlight(&mut self, text: &str, in_quote: bool) -> Vec<Highlight> {
        // A blockquote is own words whole; elsewhere only what stands in quotation marks.
        let spans = if in_quote { std::iter::once(0..text.len()).collect() } else { quoted_ranges(text) };
        let hits = spans.into_iter().flat_map(|span| {
            find_themes(self.themes, &text[span.clone()]).into_iter().map(move |mut hit| {
                hit.start += span.start;
                hit.end += span.start;
                hit
            })
        });
        hits.collect::<Vec<_>>()
            .into_iter()
            .map(|hit| {
                let name = &self.themes[hit.theme].name;
                let mut title = String::new();
                escape_into(&mut title, name);
                let id =
                    if self.anchored.insert(hit.theme) { format!(" id=\"{}\"", theme_id(name)) } else { String::new() };
                Highlight {
                    start: hit.start,
                    end: hit.end,
                    open: format!("<mark class=\"theme theme-{}\"{id} title=\"Theme: {title}\">", hit.theme),
                    close: "</mark>",
                }
            })
            .collect()
    }
}

/// Marks the passages of a source that statements quote, each a link to
/// the statement.
pub struct PassageHighlighter {
    /// (the normalised passage, statement URL, statement title)
    passages: Vec<(Needle, String, String)>,
    /// The way from the source's page to the site's root.
    root: String,
    /// The passages' anchors given so far (each once, at its first place).
    anchored: HashSet<String>,
}

/// A quotation as its source page and its statement page both name it:
/// normalised, its closing full stop or comma and straight quotes left out.
fn passage_key(text: &str) -> String {
    normalize(text.trim_end_matches(['.', ','])).trim_matches('"').to_string()
}

/// The stable anchor of quotation `text`, the same on its statement's
/// page and at its place in the source: `q-` and the start of the
/// SHA-256 of its words, so it lasts while the words do.
pub fn quotation_id(text: &str) -> String {
    id_of_key(&passage_key(text))
}

fn id_of_key(key: &str) -> String {
    use sha2::{Digest, Sha256};
    let hash = Sha256::digest(key.as_bytes());
    let hex: String = hash.iter().take(5).map(|b| format!("{b:02x}")).collect();
    format!("q-{hex}")
}

impl PassageHighlighter {
    pub fn for_source(reads: &SiteReads, source: NoteId) -> Self {
        let mut passages: Vec<(String, String, String)> = reads
            .related(source)
            .cited_by
            .iter()
            .flat_map(|&id: &NoteId| {
                let name = reads.name(id);
                reads
                    .words(id)
                    .iter()
                    .map(move |q| (passage_key(&q.text), name.url.to_string(), name.title.to_string()))
            })
            .filter(|(p, _, _)| !p.is_empty())
            .collect();
        // Longer passages first, so they win over the phrases inside them.
        passages.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.1.cmp(&b.1)));
        passages.dedup_by(|a, b| a.0 == b.0);
        let passages = passages.into_iter().map(|(p, url, title)| (Needle::new(p), url, title)).collect();
        PassageHighlighter { passages, root: crate::urls::root_of(reads.name(source).url), anchored: HashSet::new() }
    }
}

impl Highlighter for PassageHighlighter {
    fn highlight(&mut self, text: &str, _: bool) -> Vec<Highlight> {
        let n = Normalized::new(text);
        let mut marks: Vec<Highlight> = Vec::new();
        for (passage, url, title) in &self.passages {
            for (start, end) in n.find_words_with(passage, text) {
                if let Some(within) = marks.iter_mut().find(|m| start < m.end && m.start < end) {
                    // Inside a longer passage's mark: its anchor goes just before that mark.
                    let anchor = id_of_key(passage.as_str());
                    if self.anchored.insert(anchor.clone()) {
                        within.open.insert_str(0, &format!("<span id=\"{anchor}\"></span>"));
                    }
                    continue;
                }
                let mut t = String::new();
                escape_into(&mut t, title);
                let anchor = id_of_key(passage.as_str());
                let id = if self.anchored.insert(anchor.clone()) { format!(" id=\"{anchor}\"") } else { String::new() };
                marks.push(Highlight {
                    start,
                    end,
                    open: format!(
                        "<mark class=\"quoted\"{id}><a href=\"{root}{url}#{anchor}\" title=\"Quoted in: {t}\">",
                        root = self.root
                    ),
                    close: "</a></mark>",
                });
            }
        }
        marks.sort_by_key(|m| m.start);
        marks
    }
}

/// The id of the place of term `term` of side `side` (1 or 2) of a
/// comparison, which its entry in the side's list links to.
pub fn term_id(side: usize, term: usize) -> String {
    format!("side-{side}-term-{}", term + 1)
}

/// The texts of side `side` (1 or 2) of a comparison as blockquotes, shared
/// wording and the side's own terms marked.
pub fn marked_html(texts: &[String], marks: &[Mark], side: usize) -> String {
    let mut html = String::new();
    for (i, text) in texts.iter().enumerate() {
        html.push_str("<blockquote><p>");
        let mut at = 0;
        for m in marks.iter().filter(|m| m.text == i) {
            if m.start < at {
                continue;
            }
            escape_into(&mut html, &text[at..m.start]);
            match m.kind {
                MarkKind::Phrase(p) => {
                    html.push_str(&format!("<mark class=\"shared shared-{}\" data-phrase=\"{p}\">", p % 6))
                }
                MarkKind::Word => html.push_str("<mark class=\"shared-word\">"),
                MarkKind::Term(t) => html.push_str(&format!("<mark class=\"own\" id=\"{}\">", term_id(side, t))),
            }
            escape_into(&mut html, &text[m.start..m.end]);
            html.push_str("</mark>");
            at = m.end;
        }
        escape_into(&mut html, &text[at..]);
        html.push_str("</p></blockquote>\n");
    }
    html
}
