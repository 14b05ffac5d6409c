//! Render: the linked site through the Tera templates into pages, each
//! handed to a sink as it is done. Rendering never writes files; `write`
//! provides the sink that does.

pub mod context;
mod excerpt;
pub mod graph;
pub mod highlight;
pub mod markdown;
mod memo;
mod method;
mod pages;
pub mod templates;

use std::collections::BTreeMap;

use rayon::prelude::*;
use tera::Value;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::{NoteId, Site};
use crate::note::{Kind, Meta};
use context::{all_cards, card, map};
use highlight::{PassageHighlighter, ThemeHighlighter};
use markdown::{LinkResolver, to_html};
pub use memo::{Memo, Update};
use pages::{Job, list_jobs, note_job};
pub use templates::Templates;

/// One rendered output file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// Path in the output folder, `/`-separated, e.g. `actors/marco-rubio/index.html`.
    pub path: String,
    pub content: String,
}

/// What rendering needs besides the site.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RenderOptions {
    /// Put this script before `</body>` of every HTML page (live reload).
    pub live_reload: Option<String>,
}

/// The relative prefix from a page at `url` (e.g. `actors/x/`) to the root.
pub fn root_of(url: &str) -> String {
    "../".repeat(url.matches('/').count())
}

impl LinkResolver for Site {
    fn resolve(&self, slug: &str, kind: Option<Kind>) -> Option<&crate::note::Note> {
        self.note(slug).filter(|note| kind.is_none_or(|k| k == note.kind()))
    }
}

/// Values computed once per note and shared by every page that shows it.
struct Shared {
    cards: Vec<Value>,
    /// Bodies made ahead of time: all of them (for `Memo`), or in a build
    /// only those shown on more than one page; the others are made as
    /// their page is rendered, so that a build never holds every body.
    bodies: Vec<Option<Value>>,
    site: Value,
    /// Country slug → colour number.
    groups: BTreeMap<String, usize>,
    language: crate::analysis::Language,
    /// The feed's statements, found once when first asked for.
    feed: std::sync::OnceLock<Vec<NoteId>>,
}

/// How many colours the built-in style has for countries.
pub const COLOURS: usize = 8;

/// Each country actor's colour number, by slug order.
fn country_colours(site: &Site) -> BTreeMap<String, usize> {
    site.of_kind(Kind::Actor)
        .filter(|&id| matches!(&site.notes[id].meta, Meta::Actor(a) if a.kind == crate::note::ActorKind::Country))
        .enumerate()
        .map(|(i, id)| (site.notes[id].slug.clone(), i % COLOURS))
        .collect()
}

/// The body of note `id` as HTML: statements get their themes marked,
/// sources the passages that statements quote.
fn body_html(site: &Site, id: NoteId) -> String {
    let n = &site.notes[id];
    match n.kind() {
        Kind::Statement if !site.config.themes.is_empty() => {
            let mut h = ThemeHighlighter::new(&site.config.themes);
            markdown::to_html_highlighted(n.body(), &n.path, &n.headings, "../../", site, &mut h)
        }
        Kind::Source if !site.cited_by[id].is_empty() => {
            let mut h = PassageHighlighter::for_source(site, id);
            markdown::to_html_highlighted(n.body(), &n.path, &n.headings, "../../", site, &mut h)
        }
        _ => n
            .html
            .as_ref()
            .and_then(|prepared| markdown::fill(prepared, &n.links, &site.link_targets[id], "../../", site))
            .unwrap_or_else(|| to_html(n.body(), &n.path, &n.headings, "../../", site)),
    }
}

/// Why rendering stopped.
#[derive(Debug)]
pub enum RenderError {
    /// Template errors, one per template and place.
    Content(Diagnostics),
    /// The page sink failed (writing a page).
    Sink(std::io::Error),
}

/// The pages every site has besides its notes' pages, as output paths.
pub const FIXED_PAGES: [&str; 10] = [
    "index.html",
    "actors/index.html",
    "statements/index.html",
    "timeline/index.html",
    "who-said-what/index.html",
    "404.html",
    "atom.xml",
    "sitemap.xml",
    "groups.css",
    "how-we-read-the-words/index.html",
];

/// The output path of every page `render` makes, without rendering.
pub fn page_paths(site: &Site) -> Vec<String> {
    let mut paths: Vec<String> = FIXED_PAGES.iter().map(|p| p.to_string()).collect();
    paths.extend(site.urls.iter().map(|url| format!("{url}index.html")));
    paths.sort();
    paths
}

/// Whether `render` makes a page at output path `path`.
pub fn is_page_path(site: &Site, path: &str) -> bool {
    if FIXED_PAGES.contains(&path) {
        return true;
    }
    let mut parts = path.split('/');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(segment), Some(slug), Some("index.html"), None) => {
            site.note(slug).is_some_and(|n| n.kind().url_segment() == segment)
        }
        _ => false,
    }
}

/// Renders every page of `site` into memory, sorted by path.
pub fn render(site: &Site, templates: &Templates, options: &RenderOptions) -> Result<Vec<Page>, Diagnostics> {
    collect(|sink| render_each(site, templates, options, sink))
}

/// The pages that `render` hands to a sink, collected in memory and sorted by path.
fn collect(
    render: impl FnOnce(&(dyn Fn(Page) -> std::io::Result<()> + Sync)) -> Result<usize, RenderError>,
) -> Result<Vec<Page>, Diagnostics> {
    let pages = std::sync::Mutex::new(Vec::new());
    let result = render(&|page| {
        pages.lock().map_err(|_| std::io::Error::other("a render thread panicked"))?.push(page);
        Ok(())
    });
    match result {
        Ok(_) => {}
        Err(RenderError::Content(d)) => return Err(d),
        Err(RenderError::Sink(e)) => unreachable!("collecting pages in memory cannot fail: {e}"),
    }
    let mut pages = pages.into_inner().unwrap_or_default();
    pages.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(pages)
}

/// Renders every page of `site`, handing each to `sink` as soon as it is
/// done (in any order, from several threads), so that no more than a few
/// pages are held at once. Returns the number of pages.
pub fn render_each(
    site: &Site,
    templates: &Templates,
    options: &RenderOptions,
    sink: &(dyn Fn(Page) -> std::io::Result<()> + Sync),
) -> Result<usize, RenderError> {
    // A statement's body is also shown by the comparisons that use it and,
    // when recent, by the feed; every other body only on its note's page.
    let mut shown_twice = vec![false; site.notes.len()];
    for id in site.of_kind(Kind::Comparison) {
        if let Meta::Comparison(c) = &site.notes[id].meta {
            for side in [&c.left.value, &c.right.value] {
                if let Some(sid) = site.id(side) {
                    shown_twice[sid] = true;
                }
            }
        }
    }
    let feed = pages::feed_ids(site);
    for &id in &feed {
        shown_twice[id] = true;
    }
    let bodies = (0..site.notes.len())
        .into_par_iter()
        .map(|id| shown_twice[id].then(|| Value::safe_string(&body_html(site, id))))
        .collect();
    let shared = Shared::new(site, all_cards(site), bodies);
    shared.feed.get_or_init(|| feed);
    let notes: Vec<NoteId> = (0..site.notes.len()).collect();
    render_pages(site, templates, options, &shared, &Selection { notes: &notes, lists: &|_| true, groups: true }, sink)
}

/// Every note's body as HTML.
fn all_bodies(site: &Site) -> Vec<Value> {
    (0..site.notes.len()).into_par_iter().map(|id| Value::safe_string(&body_html(site, id))).collect()
}

impl Shared {
    fn new(site: &Site, cards: Vec<Value>, bodies: Vec<Option<Value>>) -> Shared {
        let groups = country_colours(site);
        let legend: Vec<Value> = groups
            .iter()
            .filter_map(|(slug, colour)| {
                let id = site.id(slug)?;
                Some(map([("card", cards[id].clone()), ("colour", (*colour).into())]))
            })
            .collect();
        Shared {
            cards,
            bodies,
            site: map([
                ("title", site.config.title.as_str().into()),
                ("description", site.config.description.as_str().into()),
                ("language", site.config.language.as_str().into()),
                ("base_url", site.config.base_url.as_str().into()),
                ("countries", Value::from(legend)),
                ("has_themes", (!site.config.themes.is_empty()).into()),
            ]),
            groups,
            language: crate::analysis::Language::for_site(&site.config),
            feed: std::sync::OnceLock::new(),
        }
    }
}

impl Shared {
    /// The body of note `id` as HTML: made ahead, or made now.
    fn body(&self, site: &Site, id: NoteId) -> Value {
        match &self.bodies[id] {
            Some(body) => body.clone(),
            None => Value::safe_string(&body_html(site, id)),
        }
    }

    /// The statements in the feed, newest first.
    fn feed(&self, site: &Site) -> &[NoteId] {
        self.feed.get_or_init(|| pages::feed_ids(site))
    }
}

/// Which pages to render.
struct Selection<'a> {
    /// The notes whose pages to render.
    notes: &'a [NoteId],
    /// Whether to render the list page at this URL (`""` is home).
    lists: &'a (dyn Fn(&str) -> bool + Sync),
    /// Whether to write `groups.css`.
    groups: bool,
}

/// Renders the selected pages, each to `sink` as it is done. Returns the
/// number of pages rendered.
fn render_pages(
    site: &Site,
    templates: &Templates,
    options: &RenderOptions,
    shared: &Shared,
    selection: &Selection,
    sink: &(dyn Fn(Page) -> std::io::Result<()> + Sync),
) -> Result<usize, RenderError> {
    let sink_error: std::sync::Mutex<Option<std::io::Error>> = std::sync::Mutex::new(None);
    let give = |page: Page| {
        if let Err(e) = sink(page)
            && let Ok(mut slot) = sink_error.lock()
        {
            slot.get_or_insert(e);
        }
    };
    let render_job = |job: Job| -> Option<Diagnostic> {
        let mut content = match templates.tera.render(job.template, &job.context) {
            Ok(c) => c,
            Err(e) => return Some(templates.render_error(&e, &job.url)),
        };
        if let Some(script) = &options.live_reload
            && job.template.ends_with(".html")
        {
            inject_before_body_end(&mut content, script);
        }
        let path =
            if job.url.is_empty() || job.url.ends_with('/') { format!("{}index.html", job.url) } else { job.url };
        give(Page { path, content });
        None
    };
    // Note pages are made and rendered one at a time per thread: their
    // contexts are never all held at once. The list pages, few but large,
    // are made alongside, so that neither waits for the other.
    let (mut errors, (list_errors, lists)) = rayon::join(
        || selection.notes.par_iter().filter_map(|&id| render_job(note_job(site, shared, id))).collect::<Vec<_>>(),
        || {
            let lists = list_jobs(site, shared, selection.lists);
            let count = lists.len();
            (lists.into_par_iter().filter_map(render_job).collect::<Vec<_>>(), count)
        },
    );
    errors.extend(list_errors);
    let mut count = selection.notes.len() + lists;
    if selection.groups {
        give(Page { path: "groups.css".into(), content: groups_css(&shared.groups) });
        count += 1;
    }
    if !errors.is_empty() {
        // One broken template breaks many pages: report each place once.
        let mut diags = Diagnostics(errors);
        diags.0.sort_by(|a, b| (&a.path, a.pos).cmp(&(&b.path, b.pos)));
        diags.0.dedup_by(|a, b| a.path == b.path && a.pos == b.pos);
        return Err(RenderError::Content(diags));
    }
    if let Some(e) = sink_error.into_inner().ok().flatten() {
        return Err(RenderError::Sink(e));
    }
    Ok(count)
}

/// The id of a theme's anchor: `theme-` and the theme's name as a slug.
pub fn theme_id(name: &str) -> String {
    format!("theme-{}", crate::parse::slug::heading_id(name))
}

/// The stylesheet that gives each country (and what belongs to it) its colour.
fn groups_css(groups: &BTreeMap<String, usize>) -> String {
    let mut css = String::from("/* Country colours, written by readout from the site's country actors. */\n");
    for (slug, colour) in groups {
        css.push_str(&format!(".group-{slug} {{ --group: var(--colour-{colour}); }}\n"));
    }
    css
}

fn inject_before_body_end(html: &mut String, script: &str) {
    match html.rfind("</body>") {
        Some(at) => html.insert_str(at, script),
        None => html.push_str(script),
    }
}

/// The path part of a base URL: `https://example.org/x/` → `/x/`.
pub fn base_path(base_url: &str) -> String {
    let after_scheme = base_url.split_once("://").map_or(base_url, |(_, rest)| rest);
    let path = if base_url.contains("://") {
        after_scheme.find('/').map_or("/", |i| &after_scheme[i..])
    } else {
        after_scheme
    };
    if path.starts_with('/') { path.to_string() } else { format!("/{path}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_prefix_follows_depth() {
        assert_eq!(root_of(""), "");
        assert_eq!(root_of("actors/"), "../");
        assert_eq!(root_of("actors/marco-rubio/"), "../../");
    }

    #[test]
    fn page_paths_are_known_without_listing_them() {
        let (site, _) = crate::model::link(
            crate::SiteConfig::default(),
            None,
            vec![std::sync::Arc::new(crate::parse::note_in_content(
                Kind::Actor,
                "alice",
                "+++\nname = \"Alice\"\nkind = \"person\"\n+++\n",
            ))],
            false,
            &Default::default(),
        );
        for path in page_paths(&site) {
            assert!(is_page_path(&site, &path), "{path}");
        }
        for path in ["actors/bob/index.html", "events/alice/index.html", "actors/alice/photo.jpg", "style.css"] {
            assert!(!is_page_path(&site, path), "{path}");
        }
    }

    /// Pieces of Markdown that bodies are made of in the test below: links
    /// of each kind in each place, and what the HTML writer keeps state for.
    const PIECES: [&str; 22] = [
        "Text with [[alice]] in it.",
        "[[alice|her own words]]",
        "[[alice#who-she-is]]",
        "[the actor](../actors/alice.md \"A \\\"title\\\" & <more>\")",
        "[anchor](../actors/alice.md#who-she-is)",
        "*em [[alice]] `code` **strong***",
        "## A heading with [[alice]]",
        "## A heading",
        "| a | b |\n|---|---|\n| [[alice]] | x & y |",
        "> Quote with “smart” quotes -- and [[alice]].",
        "Footnote[^1] here.\n\n[^1]: The note, with [[alice]].",
        "[external](https://example.org) and <b>raw</b> html &amp; <>&",
        "[ref link][r]\n\n[r]: ../actors/alice.md",
        "- item [[alice]]\n- item two\n  - nested [[alice|A]]",
        "```\n[[alice]] in code\n```",
        "    indented [[alice]]",
        "1. one\n2. [[alice]]",
        "~~struck [[alice]]~~",
        "[[alice]][[alice]]",
        "Line one\nline two\\\nline three",
        "<div>\n[[alice]] in a block\n</div>",
        "---",
    ];

    fn site_with_statement(body: &str) -> crate::model::Site {
        let note = |kind: Kind, slug: &str, text: String| {
            std::sync::Arc::new(crate::parse::note_in_content(kind, slug, &text))
        };
        // A name with every character the two escapings treat apart.
        let alice = "+++\nname = 'Alice \"Al\" O’Neil & <Bob>'\nkind = \"person\"\n+++\n## Who she is\n".to_string();
        let statement =
            format!("+++\ntitle = \"S\"\nspeaker = \"alice\"\ndate = 2025-01-01\nmedium = \"post\"\n+++\n{body}\n");
        let notes = vec![note(Kind::Actor, "alice", alice), note(Kind::Statement, "s", statement)];
        let (site, diags) = crate::model::link(crate::SiteConfig::default(), None, notes, false, &Default::default());
        assert!(!diags.has_errors(), "{diags:?}");
        site
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// A body's HTML made at parse time, links filled in, is the HTML
        /// of rendering the body anew.
        #[test]
        fn prepared_html_filled_in_is_the_html_of_a_fresh_render(
            picks in proptest::collection::vec((0..PIECES.len(), 0..3usize), 1..8),
        ) {
            let body: String = picks.iter().map(|&(i, sep)| format!("{}{}", PIECES[i], ["\n\n", "\n", " "][sep])).collect();
            let site = site_with_statement(&body);
            let id = site.id("s").expect("the statement");
            let s = &site.notes[id];
            let prepared = s.html.as_ref().expect("HTML made at parse time");
            let filled = markdown::fill(prepared, &s.links, &site.link_targets[id], "../../", &site)
                .expect("every link names a note");
            proptest::prop_assert_eq!(filled, to_html(s.body(), &s.path, &s.headings, "../../", &site));
        }
    }

    #[test]
    fn a_body_with_an_image_is_rendered_anew() {
        let site = site_with_statement("![a *picture*](photo.png) and [[alice]]");
        assert!(site.note("s").expect("the statement").html.is_none());
    }

    #[test]
    fn base_path_of_urls() {
        assert_eq!(base_path("https://example.org/explainers/pahalgam/"), "/explainers/pahalgam/");
        assert_eq!(base_path("https://example.org/"), "/");
        assert_eq!(base_path("/"), "/");
    }

    #[test]
    fn live_reload_goes_before_body_end() {
        let mut html = "<html><body><p>x</p></body></html>".to_string();
        inject_before_body_end(&mut html, "<script></script>");
        assert_eq!(html, "<html><body><p>x</p><script></script></body></html>");
    }
}
