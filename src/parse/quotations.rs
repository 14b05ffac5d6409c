//! Quotations written in front matter: in quotation marks in a title or in
//! a comparison's `[[points]]`. They are checked against the sources like
//! the body's (an actor's name is not looked at: quotation marks there
//! hold a nickname), so each is placed at its opening quotation mark in the file.

use crate::diagnostic::{LineIndex, Position};
use crate::note::{Meta, Quotation, QuotationPlace, Spanned};
use crate::parse::markdown::quoted_passages;

/// The quotations of a note's title and, for a comparison, its points.
pub(super) fn in_front_matter(
    text: &str,
    lines: &LineIndex<'_>,
    title: &Spanned<String>,
    meta: &Meta,
) -> Vec<Quotation> {
    // An actor's name in quotation marks holds a nickname, not a quotation.
    let mut out = match meta {
        Meta::Actor(_) => Vec::new(),
        _ => quoted_in(text, lines, &title.value, title.pos, QuotationPlace::Title),
    };
    if let Meta::Comparison(c) = meta {
        for (i, point) in c.points.iter().enumerate() {
            for (value, pos) in [(&point.left, point.left_pos), (&point.right, point.right_pos)] {
                out.extend(quoted_in(text, lines, value, pos, QuotationPlace::Point(i)));
            }
        }
    }
    out
}

/// The passages in quotation marks of one front-matter string `value`,
/// written in the file at `pos`.
fn quoted_in(text: &str, lines: &LineIndex<'_>, value: &str, pos: Position, place: QuotationPlace) -> Vec<Quotation> {
    let from = lines.offset(pos);
    quoted_passages(value)
        .into_iter()
        .map(|(_, passage)| {
            let pos = opening_mark(text, from, &passage).map_or(pos, |at| lines.position(at));
            Quotation { text: passage, pos, place }
        })
        .collect()
}

/// Where the opening quotation mark of `passage` stands in the file, looking
/// from byte `from` (the string's start) for its first word: the mark is
/// what comes just before it, written as `“`, `"`, `\"` or `\u201C`.
fn opening_mark(text: &str, from: usize, passage: &str) -> Option<usize> {
    let first = passage.split(' ').next().filter(|w| !w.is_empty())?;
    let rest = text.get(from..)?;
    // Not past the end of the value's line and a few more (multi-line strings).
    let window = rest.match_indices('\n').nth(8).map_or(rest, |(i, _)| &rest[..i]);
    let at = from + window.find(first)?;
    // `“ the two sides”`: a space may stand between the mark and the first word.
    let before = text[..at].trim_end_matches([' ', '\t']);
    let at = before.len();
    let mark = ["\\u201C", "\\u201c", "\\\"", "“", "\""].into_iter().find(|m| before.ends_with(m))?;
    Some(at - mark.len())
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::sync::Arc;

    use crate::note::{Kind, QuotationPlace};
    use crate::parse::parse_note;

    #[test]
    fn a_point_quotation_is_placed_at_its_opening_mark() {
        let text = "+++\ntitle = \"Rubio and “the two sides”\"\nleft = \"a\"\nright = \"b\"\n\n[[points]]\ntopic = \"Ties\"\nleft = \"nothing\"\nright = \"\\\"agreed to deepen ties\\\"\"\n+++\n";
        let note = parse_note(Kind::Comparison, "c", Path::new("content/comparisons/c.md"), Arc::from(text)).unwrap();
        let found: Vec<_> = note.quotations.iter().map(|q| (q.text.as_str(), q.place, q.pos.line, q.pos.col)).collect();
        assert_eq!(
            found,
            [
                ("the two sides", QuotationPlace::Title, 2, 20),
                ("agreed to deepen ties", QuotationPlace::Point(0), 9, 10),
            ]
        );
    }
}
