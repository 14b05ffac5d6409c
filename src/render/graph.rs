//! The "who spoke to whom" diagram: speakers and the actors their
//! statements were addressed to, drawn at build time as inline SVG in which
//! every node and every edge is a link. No JavaScript.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::model::NoteId;
use crate::note::{Kind, Meta};
use crate::render::markdown::escape_into;
use crate::render::reads::SiteReads;

/// One arrow: `from` spoke to `to` in `statements` (by date).
struct Edge {
    from: NoteId,
    to: NoteId,
    statements: Vec<NoteId>,
}

fn esc(text: &str) -> String {
    let mut s = String::new();
    escape_into(&mut s, text);
    s
}

/// One edge per speaker and addressee, with the statements of each.
fn edges(reads: &SiteReads) -> BTreeMap<(NoteId, NoteId), Edge> {
    let mut edges: BTreeMap<(NoteId, NoteId), Edge> = BTreeMap::new();
    for id in reads.of_kind(Kind::Statement) {
        let Meta::Statement(s) = reads.head(id).meta() else {
            continue;
        };
        let Some(from) = reads.find(&s.speaker.value) else {
            continue;
        };
        for to in s.addressed_to.iter().filter_map(|r| reads.find(&r.value)) {
            if to != from {
                edges
                    .entry((from, to))
                    .or_insert_with(|| Edge { from, to, statements: Vec::new() })
                    .statements
                    .push(id);
            }
        }
    }
    edges
}

/// The actors the edges join, grouped by country (so that colours
/// cluster around the circle), then by name.
fn nodes(reads: &SiteReads, edges: &BTreeMap<(NoteId, NoteId), Edge>) -> Vec<NoteId> {
    let mut nodes: Vec<NoteId> = edges.values().flat_map(|e| [e.from, e.to]).collect();
    nodes.sort_by(|&a, &b| {
        let (a, b) = (reads.name(a), reads.name(b));
        (a.group, a.title).cmp(&(b.group, b.title))
    });
    nodes.dedup();
    nodes
}

/// The SVG, with links relative to `root`; empty when no statement is addressed to anyone.
pub fn speaker_graph(reads: &SiteReads, root: &str, groups: &BTreeMap<String, usize>) -> String {
    let edges = edges(reads);
    if edges.is_empty() {
        return String::new();
    }
    let nodes = nodes(reads, &edges);
    let (width, height, cx, cy) = (900.0_f64, 560.0_f64, 450.0_f64, 280.0_f64);
    let radius = 190.0_f64;
    let n = nodes.len() as f64;
    let place = |i: usize| {
        let angle = -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * i as f64 / n;
        (cx + radius * angle.cos(), cy + radius * angle.sin(), angle)
    };
    let at: BTreeMap<NoteId, (f64, f64, f64)> = nodes.iter().enumerate().map(|(i, &id)| (id, place(i))).collect();

    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="speaker-graph" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg" aria-labelledby="speaker-graph-title"><title id="speaker-graph-title">Who spoke to whom: each arrow goes from a speaker to the actor a statement was addressed to</title><defs><marker id="arrowhead" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="arrowhead"/></marker></defs>"#
    );
    for e in edges.values() {
        let (x1, y1, _) = at[&e.from];
        let (x2, y2, _) = at[&e.to];
        let (dx, dy) = (x2 - x1, y2 - y1);
        let len = (dx * dx + dy * dy).sqrt().max(1.0);
        let (ux, uy) = (dx / len, dy / len);
        // Two-way pairs bend apart so both arrows show.
        let bend = if edges.contains_key(&(e.to, e.from)) { 24.0 } else { 0.0 };
        let (sx, sy) = (x1 + ux * 12.0, y1 + uy * 12.0);
        let (tx, ty) = (x2 - ux * 14.0, y2 - uy * 14.0);
        let (mx, my) = ((sx + tx) / 2.0 - uy * bend, (sy + ty) / 2.0 + ux * bend);
        let first = e.statements[0];
        let (from, to) = (reads.name(e.from), reads.name(e.to));
        let label = format!(
            "{} to {}: {}",
            from.title,
            to.title,
            e.statements.iter().map(|&s| reads.name(s).title).collect::<Vec<_>>().join("; ")
        );
        let _ = write!(
            svg,
            r#"<a class="edge group-{g}" href="{root}{url}" data-from="{f}" data-to="{t}"><title>{label}</title><path d="M{sx:.1},{sy:.1} Q{mx:.1},{my:.1} {tx:.1},{ty:.1}" marker-end="url(#arrowhead)"/></a>"#,
            g = from.group,
            url = reads.name(first).url,
            f = from.slug,
            t = to.slug,
            label = esc(&label),
        );
    }
    for &id in &nodes {
        let (x, y, angle) = at[&id];
        let note = reads.name(id);
        let group = note.group;
        let colour = groups.get(group).map_or(String::new(), |i| format!(" colour-{i}"));
        let (lx, ly) = (x + 16.0 * angle.cos(), y + 16.0 * angle.sin() + 4.0);
        let anchor = if angle.cos() > 0.3 {
            "start"
        } else if angle.cos() < -0.3 {
            "end"
        } else {
            "middle"
        };
        let ly = if angle.sin() > 0.5 {
            ly + 8.0
        } else if angle.sin() < -0.5 {
            ly - 4.0
        } else {
            ly
        };
        let _ = write!(
            svg,
            r#"<a class="node group-{group}{colour}" href="{root}{url}" data-slug="{slug}"><circle cx="{x:.1}" cy="{y:.1}" r="9"/><text x="{lx:.1}" y="{ly:.1}" text-anchor="{anchor}">{name}</text></a>"#,
            url = note.url,
            slug = note.slug,
            name = esc(note.title),
        );
    }
    svg.push_str("</svg>");
    svg
}
