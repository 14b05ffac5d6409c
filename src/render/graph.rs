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

/// The diagram, with links relative to `root`: a circle of actors for wide
/// screens, an arc diagram (one actor a row) for phones, CSS showing one of
/// them, and the same relations as a list. Empty when no statement is
/// addressed to anyone.
pub fn speaker_graph(reads: &SiteReads, root: &str, groups: &BTreeMap<String, usize>) -> String {
    let edges = edges(reads);
    if edges.is_empty() {
        return String::new();
    }
    let nodes = nodes(reads, &edges);
    let mut html = wide_svg(reads, root, groups, &edges, &nodes);
    html.push_str(&narrow_svg(reads, root, groups, &edges, &nodes));
    html.push_str(&relation_list(reads, root, &edges));
    html
}

type Edges = BTreeMap<(NoteId, NoteId), Edge>;

/// One edge per speaker and addressee, with the statements of each (by date).
fn edges(reads: &SiteReads) -> Edges {
    let mut edges: Edges = BTreeMap::new();
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
    let date = |id: NoteId| reads.head(id).date_key().0;
    for e in edges.values_mut() {
        e.statements.sort_by_key(|&s| (date(s), s));
    }
    edges
}

/// The actors the edges join, grouped by country (so that colours
/// cluster), then by name.
fn nodes(reads: &SiteReads, edges: &Edges) -> Vec<NoteId> {
    let mut nodes: Vec<NoteId> = edges.values().flat_map(|e| [e.from, e.to]).collect();
    nodes.sort_by(|&a, &b| {
        let (a, b) = (reads.name(a), reads.name(b));
        (a.group, a.title).cmp(&(b.group, b.title))
    });
    nodes.dedup();
    nodes
}

/// What an edge's link says: who spoke to whom, in which statements.
fn edge_label(reads: &SiteReads, e: &Edge) -> String {
    let titles: Vec<&str> = e.statements.iter().map(|&s| reads.name(s).title).collect();
    format!("{} to {}: {}", reads.name(e.from).title, reads.name(e.to).title, titles.join("; "))
}

/// The colour class of a node's group, if it has one.
fn colour_class(reads: &SiteReads, groups: &BTreeMap<String, usize>, id: NoteId) -> String {
    groups.get(reads.name(id).group).map_or(String::new(), |i| format!(" colour-{i}"))
}

/// Actors around a circle, arrows between them (for wide screens).
fn wide_svg(
    reads: &SiteReads,
    root: &str,
    groups: &BTreeMap<String, usize>,
    edges: &Edges,
    nodes: &[NoteId],
) -> String {
    // An ellipse, wider than high, as the space of a desktop column is.
    let (width, height, cx, cy) = (1000.0_f64, 560.0_f64, 500.0_f64, 280.0_f64);
    let (rx, ry) = (280.0_f64, 200.0_f64);
    let n = nodes.len() as f64;
    let place = |i: usize| {
        let angle = -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * i as f64 / n;
        (cx + rx * angle.cos(), cy + ry * angle.sin(), angle)
    };
    let at: BTreeMap<NoteId, (f64, f64, f64)> = nodes.iter().enumerate().map(|(i, &id)| (id, place(i))).collect();
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="speaker-graph wide" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg" aria-labelledby="speaker-graph-title"><title id="speaker-graph-title">Who spoke to whom: each arrow goes from a speaker to the actor a statement was addressed to</title><defs><marker id="arrowhead" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="arrowhead"/></marker></defs>"#
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
        let label = edge_label(reads, e);
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
    for &id in nodes {
        wide_node(&mut svg, reads, root, groups, id, at[&id]);
    }
    svg.push_str("</svg>");
    svg
}

/// One actor of the wide diagram at `(x, y)`, `angle` round the ellipse:
/// its dot and its name, placed outside the ellipse (a long name in two
/// lines, the second below the first; above the dot, the first above it).
fn wide_node(
    svg: &mut String,
    reads: &SiteReads,
    root: &str,
    groups: &BTreeMap<String, usize>,
    id: NoteId,
    (x, y, angle): (f64, f64, f64),
) {
    let note = reads.name(id);
    let (group, colour) = (note.group, colour_class(reads, groups, id));
    let lx = x + 16.0 * angle.cos();
    let ly = y + 16.0 * angle.sin() + 4.0;
    let anchor = match angle.cos() {
        c if c > 0.3 => "start",
        c if c < -0.3 => "end",
        _ => "middle",
    };
    let ly = match angle.sin() {
        s if s > 0.5 => ly + 8.0,
        s if s < -0.5 => ly - 4.0,
        _ => ly,
    };
    let _ = write!(
        svg,
        r#"<a class="node group-{group}{colour}" href="{root}{url}" data-slug="{slug}"><circle cx="{x:.1}" cy="{y:.1}" r="9"/><text x="{lx:.1}" y="{ly:.1}" text-anchor="{anchor}">"#,
        url = note.url,
        slug = note.slug,
    );
    let lines = wrap(note.title, 22);
    let first_dy = if angle.sin() < -0.5 { -18.0 * (lines.len() as f64 - 1.0) } else { 0.0 };
    for (i, line) in lines.iter().enumerate() {
        let dy = if i == 0 { first_dy } else { 18.0 };
        let _ = write!(svg, r#"<tspan x="{lx:.1}" dy="{dy}">{}</tspan>"#, esc(line));
    }
    svg.push_str("</text></a>");
}

/// Each row an actor, each arrow an arc on the left from the speaker's row
/// to the addressee's (for phones: the labels keep their size). Arcs whose
/// rows overlap get lanes of their own, so no two run along each other.
fn narrow_svg(
    reads: &SiteReads,
    root: &str,
    groups: &BTreeMap<String, usize>,
    edges: &Edges,
    nodes: &[NoteId],
) -> String {
    const ROW: f64 = 44.0;
    const DOT_X: f64 = 136.0;
    const LANE: f64 = 11.0;
    let row: BTreeMap<NoteId, usize> = nodes.iter().enumerate().map(|(i, &id)| (id, i)).collect();
    let y = |id: NoteId| 26.0 + ROW * row[&id] as f64;
    // Shortest arcs first, each in the first lane free over its rows.
    let mut order: Vec<&Edge> = edges.values().collect();
    order.sort_by_key(|e| (row[&e.from].abs_diff(row[&e.to]), row[&e.from].min(row[&e.to])));
    let mut lanes: Vec<Vec<(usize, usize)>> = Vec::new();
    let mut arcs: Vec<(&Edge, usize)> = Vec::new();
    for e in order {
        let span = (row[&e.from].min(row[&e.to]), row[&e.from].max(row[&e.to]));
        let free = |lane: &Vec<(usize, usize)>| lane.iter().all(|&(a, b)| b < span.0 || a > span.1);
        let lane = lanes.iter().position(free).unwrap_or_else(|| {
            lanes.push(Vec::new());
            lanes.len() - 1
        });
        lanes[lane].push(span);
        arcs.push((e, lane));
    }
    let height = 26.0 + ROW * nodes.len() as f64;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="speaker-graph narrow" viewBox="0 0 340 {height}" xmlns="http://www.w3.org/2000/svg" aria-labelledby="speaker-graph-narrow-title"><title id="speaker-graph-narrow-title">Who spoke to whom: each arc runs from a speaker's row to the row of the actor a statement was addressed to</title><defs><marker id="arrowhead-narrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="arrowhead"/></marker></defs>"#
    );
    for (e, lane) in arcs {
        let (y1, y2) = (y(e.from) + if y(e.to) > y(e.from) { 5.0 } else { -5.0 }, y(e.to));
        let depth = 18.0 + LANE * lane as f64;
        let x = (DOT_X - depth).max(4.0);
        let _ = write!(
            svg,
            r#"<a class="edge group-{g}" href="{root}{url}" data-from="{f}" data-to="{t}"><title>{label}</title><path d="M{DOT_X},{y1:.1} C{x:.1},{y1:.1} {x:.1},{y2:.1} {end:.1},{y2:.1}" marker-end="url(#arrowhead-narrow)"/></a>"#,
            g = reads.name(e.from).group,
            url = reads.name(e.statements[0]).url,
            f = reads.name(e.from).slug,
            t = reads.name(e.to).slug,
            label = esc(&edge_label(reads, e)),
            end = DOT_X - 10.0,
        );
    }
    for &id in nodes {
        let note = reads.name(id);
        let (group, colour, cy) = (note.group, colour_class(reads, groups, id), y(id));
        let _ = write!(
            svg,
            r#"<a class="node group-{group}{colour}" href="{root}{url}" data-slug="{slug}"><circle cx="{DOT_X}" cy="{cy:.1}" r="7"/>"#,
            url = note.url,
            slug = note.slug,
        );
        let lines = wrap(note.title, 24);
        let top = cy + 5.0 - 8.5 * (lines.len() as f64 - 1.0);
        for (i, line) in lines.iter().enumerate() {
            let _ = write!(
                svg,
                r#"<text x="{x}" y="{ly:.1}">{t}</text>"#,
                x = DOT_X + 14.0,
                ly = top + 17.0 * i as f64,
                t = esc(line)
            );
        }
        svg.push_str("</a>");
    }
    svg.push_str("</svg>");
    svg
}

/// `text` in lines of at most `width` characters where it has spaces (two at most).
fn wrap(text: &str, width: usize) -> Vec<String> {
    if text.chars().count() <= width {
        return vec![text.to_string()];
    }
    let cut = text
        .char_indices()
        .filter(|&(i, c)| c == ' ' && text[..i].chars().count() <= width)
        .map(|(i, _)| i)
        .next_back();
    match cut {
        Some(i) => vec![text[..i].to_string(), text[i + 1..].to_string()],
        None => vec![text.to_string()],
    }
}

/// The same relations in words: who spoke to whom, with each statement.
fn relation_list(reads: &SiteReads, root: &str, edges: &Edges) -> String {
    let mut html = String::from(r#"<details class="graph-list" open><summary>The same, as a list</summary><ul>"#);
    let link = |id: NoteId| {
        let name = reads.name(id);
        format!(r#"<a href="{root}{}">{}</a>"#, name.url, esc(name.title))
    };
    for e in edges.values() {
        let statements: Vec<String> = e.statements.iter().map(|&s| link(s)).collect();
        let _ = write!(
            html,
            r#"<li class="group-{g}">{from} <span aria-hidden="true">→</span><span class="visually-hidden">to</span> {to}: {list}</li>"#,
            g = reads.name(e.from).group,
            from = link(e.from),
            to = link(e.to),
            list = statements.join("; "),
        );
    }
    html.push_str("</ul></details>");
    html
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn long_names_wrap_into_two_lines_at_a_space() {
        assert_eq!(wrap("Ministry of External Affairs of India", 24), ["Ministry of External", "Affairs of India"]);
        assert_eq!(wrap("Marco Rubio", 24), ["Marco Rubio"]);
    }
}
