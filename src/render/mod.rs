//! Render: the linked site through the Tera templates into pages, each
//! handed to a sink as it is done. Rendering never writes files; `write`
//! provides the sink that does.
//!
//! Which pages there are is declared once, in the route table
//! (`routes.rs`); each page's context is made from what it reads through
//! `reads.rs`, which notes every read, and that record is what decides
//! which pages a rebuild renders again (`memo/`).

pub mod context;
pub(crate) mod describe;
mod embed;
mod excerpt;
pub mod graph;
pub mod highlight;
pub mod markdown;
mod memo;
mod method;
mod pages;
pub mod reads;
pub mod routes;
pub mod templates;

use std::collections::BTreeMap;

use rayon::prelude::*;
use tera::Value;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::{NoteId, Site};
use crate::note::{Kind, Meta};
use crate::urls;
use context::{all_cards, map};
use highlight::{PassageHighlighter, ThemeHighlighter};
use markdown::to_html;
pub use memo::{Change, CheckEnd, Memo, PageMaker, Update, give_way};
use reads::{Input, PageReads, SiteReads};
use routes::{Make, PageRef};
pub use routes::{is_page_path, page_paths};
pub use templates::Templates;

/// One rendered output file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// Path in the output folder, `/`-separated, e.g. `actors/marco-rubio/index.html`.
    pub path: String,
    /// Its bytes: text for every page (for a social card, `cards::is_card`,
    /// the SVG it is drawn from until `cards::CardCache::draw` puts its PNG
    /// in place), binary for some of the search index's files.
    pub content: Vec<u8>,
    /// For a social card: the cache's name for it, the hash of everything
    /// its SVG is made from (`cards::key`).
    pub card: Option<String>,
    /// A file that holds its bytes already (a card drawn before, in the
    /// cache; `content` is then empty): the output links to it rather
    /// than holding a copy written anew.
    pub linked: Option<std::path::PathBuf>,
}

impl Page {
    pub fn new(path: String, content: impl Into<Vec<u8>>) -> Page {
        Page { path, content: content.into(), card: None, linked: None }
    }

    /// Its content as text (lossy for the index's binary files).
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.content)
    }
}

/// The template every social card is made from.
pub const CARD_TEMPLATE: &str = "card.svg";

/// What rendering needs besides the site.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RenderOptions {
    /// Put this script before `</body>` of every HTML page (live reload).
    pub live_reload: Option<String>,
    /// Leave the search index's files to be made later from the records
    /// the render hands out (`Update::search`), so that no page waits for
    /// them (`serve`).
    pub defer_search: bool,
    /// The card cache (a build): a social card it holds is handed over as
    /// that file (`Page::linked`), its SVG not rendered.
    pub card_cache: Option<std::path::PathBuf>,
}

/// Values computed once per note and shared by every page that shows it.
pub struct Shared {
    cards: std::sync::Arc<Vec<Value>>,
    /// Bodies made ahead of time: only those shown on more than one page
    /// (in a build and in `Memo` alike); the others are made as their page
    /// is rendered, so that neither holds every body.
    bodies: std::sync::Arc<Vec<Option<Value>>>,
    /// What every page gets as `site`.
    site: Value,
    /// Country slug → colour number.
    groups: BTreeMap<String, usize>,
    language: crate::analysis::Language,
    /// The search index's records, when `defer_search` left its files to be made later.
    deferred: std::sync::Mutex<Option<crate::search::Records>>,
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
fn body_html(reads: &SiteReads, id: NoteId) -> String {
    let n = reads.note(id);
    let root = urls::root_of(reads.name(id).url);
    match n.kind() {
        Kind::Statement if !reads.config().themes.is_empty() => {
            let mut h = ThemeHighlighter::new(&reads.config().themes);
            markdown::to_html_highlighted(n.body(), &n.path, &n.headings, &root, reads, &mut h)
        }
        Kind::Source if !reads.related(id).cited_by.is_empty() => {
            let mut h = PassageHighlighter::for_source(reads, id);
            markdown::to_html_highlighted(n.body(), &n.path, &n.headings, &root, reads, &mut h)
        }
        _ => n
            .html
            .as_ref()
            .and_then(|prepared| markdown::fill(prepared, &n.links, reads.link_targets(id), &root, reads))
            .unwrap_or_else(|| to_html(n.body(), &n.path, &n.headings, &root, reads)),
    }
}

/// The body of note `id` as HTML, and what it read.
fn body_with_inputs(site: &Site, id: NoteId) -> (Value, Vec<Input<NoteId>>) {
    let reads = SiteReads::new(site);
    let body = Value::safe_string(&body_html(&reads, id));
    (body, reads.into_inputs())
}

/// Why rendering stopped.
#[derive(Debug)]
pub enum RenderError {
    /// Template errors, one per template and place.
    Content(Diagnostics),
    /// The page sink failed (writing a page).
    Sink(std::io::Error),
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

/// The notes whose bodies more than one page shows: a statement's is also
/// shown by the comparisons that use it and, when recent, by the feed.
fn shown_twice(site: &Site) -> Vec<bool> {
    let mut twice = vec![false; site.notes.len()];
    for id in site.of_kind(Kind::Comparison) {
        if let Meta::Comparison(c) = &site.notes[id].meta {
            for side in [&c.left.value, &c.right.value] {
                if let Some(sid) = site.id(side) {
                    twice[sid] = true;
                }
            }
        }
    }
    for id in pages::feed_ids(&SiteReads::new(site)) {
        twice[id] = true;
    }
    twice
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
    let twice = shown_twice(site);
    let bodies = NoteId::par_all(site.notes.len())
        .map(|id| twice[id].then(|| Value::safe_string(&body_html(&SiteReads::new(site), id))))
        .collect();
    let cards = all_cards(site).into_iter().map(|(card, _)| card).collect();
    let shared = Shared::new(site, std::sync::Arc::new(cards), std::sync::Arc::new(bodies));
    let pages = routes::all_pages(site);
    let count = pages.len();
    render_pages(site, templates, options, &shared, &pages, &|_, _| {}, sink)?;
    Ok(count)
}

impl Shared {
    fn new(site: &Site, cards: std::sync::Arc<Vec<Value>>, bodies: std::sync::Arc<Vec<Option<Value>>>) -> Shared {
        let groups = country_colours(site);
        let legend: Vec<Value> = groups
            .iter()
            .filter_map(|(slug, colour)| {
                let card = cards.get(site.id(slug)?.index())?;
                Some(map([("card", card.clone()), ("colour", (*colour).into())]))
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
                ("search", site.config.search.into()),
            ]),
            groups,
            language: crate::analysis::Language::for_site(&site.config),
            deferred: std::sync::Mutex::new(None),
        }
    }

    /// The colour number of a country's group (`""`: none).
    pub(crate) fn colour(&self, group: &str) -> Option<usize> {
        self.groups.get(group).copied()
    }

    /// The body of note `id` as HTML: made ahead, or made now.
    fn body(&self, site: &Site, id: NoteId) -> Value {
        match &self.bodies[id] {
            Some(body) => body.clone(),
            None => Value::safe_string(&body_html(&SiteReads::new(site), id)),
        }
    }
}

/// What each rendered page read, handed over as it is rendered.
type InputsSink<'a> = dyn Fn(PageRef, Vec<Input<NoteId>>) + Sync + 'a;

/// One page made: rendered through its template (or made by code), the
/// live-reload script put in, with what it read. The search index is
/// several files, handed to `sink` as each is made (or none yet, when deferred).
fn render_page(
    site: &Site,
    templates: &Templates,
    options: &RenderOptions,
    shared: &Shared,
    page: PageRef,
    sink: &(dyn Fn(Page) -> std::io::Result<()> + Sync),
) -> Result<(Vec<Page>, Vec<Input<NoteId>>), Diagnostic> {
    let reads = PageReads::new(site, shared);
    let url = page.url(site);
    let (template, context) = match (page.route().make, page.note) {
        (Make::Fixed(template, make), _) => (template, make(&reads, &url)),
        (Make::Note(template, make), Some(id)) => (template, make(&reads, id)),
        (Make::Card(make), note) => {
            let card = render_card(templates, options, make(&reads, note), urls::output_path(&url))?;
            return Ok((vec![card], reads.into_inputs()));
        }
        (Make::Note(..) | Make::NoteText(_), None) => unreachable!("a note's page names its note"),
        (Make::Text(make), _) => {
            let content = make(&reads);
            return Ok((vec![Page::new(urls::output_path(&url), content)], reads.into_inputs()));
        }
        (Make::NoteText(make), Some(id)) => {
            let content = make(&reads, id);
            return Ok((vec![Page::new(urls::output_path(&url), content)], reads.into_inputs()));
        }
        (Make::Search(make), _) => {
            if options.defer_search {
                let records = make(&reads);
                if let Ok(mut slot) = shared.deferred.lock() {
                    *slot = Some(records);
                }
                return Ok((Vec::new(), reads.into_inputs()));
            }
            // Made note by note and handed on as made: a build never holds every record or fragment.
            let failed = std::sync::OnceLock::new();
            crate::search::files_of(&reads, &|file| {
                if failed.get().is_none()
                    && let Err(e) = sink(file)
                {
                    let _ = failed.set(e);
                }
            });
            if let Some(e) = failed.into_inner() {
                return Err(Diagnostic::file_error(std::path::Path::new(&url), e.to_string()));
            }
            return Ok((Vec::new(), reads.into_inputs()));
        }
    };
    let mut content = templates.tera.render(template, &context).map_err(|e| templates.render_error(&e, &url))?;
    if let Some(script) = &options.live_reload
        && template.ends_with(".html")
    {
        inject_before_body_end(&mut content, script);
    }
    Ok((vec![Page::new(urls::output_path(&url), content)], reads.into_inputs()))
}

/// A social card's page, its SVG rendered from `context` unless the
/// card cache holds the card already.
fn render_card(
    templates: &Templates,
    options: &RenderOptions,
    context: tera::Context,
    path: String,
) -> Result<Page, Diagnostic> {
    let key = crate::cards::key(&templates.digest(CARD_TEMPLATE), &context);
    if let Some(file) = options.card_cache.as_deref().and_then(|dir| crate::cards::cached(dir, &key)) {
        return Ok(Page { path, content: Vec::new(), card: Some(key), linked: Some(file) });
    }
    let svg = templates.tera.render(CARD_TEMPLATE, &context).map_err(|e| templates.render_error(&e, &path))?;
    Ok(Page { path, content: svg.into_bytes(), card: Some(key), linked: None })
}

/// Renders `pages`, each to `sink` as it is done, and what each read to
/// `inputs`.
fn render_pages(
    site: &Site,
    templates: &Templates,
    options: &RenderOptions,
    shared: &Shared,
    pages: &[PageRef],
    inputs: &InputsSink,
    sink: &(dyn Fn(Page) -> std::io::Result<()> + Sync),
) -> Result<(), RenderError> {
    let sink_error: std::sync::Mutex<Option<std::io::Error>> = std::sync::Mutex::new(None);
    // The first failure to write is kept, also one met while a route
    // writes its own files (the search index's).
    let sink = |page: Page| {
        sink(page).inspect_err(|e| {
            if let Ok(mut slot) = sink_error.lock() {
                slot.get_or_insert(std::io::Error::new(e.kind(), e.to_string()));
            }
        })
    };
    // Each page is made and rendered on its own: contexts are never all held at once.
    let errors: Vec<Diagnostic> = pages
        .par_iter()
        .filter_map(|&page| match render_page(site, templates, options, shared, page, &sink) {
            Ok((made, read)) => {
                inputs(page, read);
                for made in made {
                    let _ = sink(made);
                }
                None
            }
            Err(e) => Some(e),
        })
        .collect();
    // A write that failed is the error (a full disk), not what it caused.
    if let Some(e) = sink_error.into_inner().ok().flatten() {
        return Err(RenderError::Sink(e));
    }
    if !errors.is_empty() {
        // One broken template breaks many pages: report each place once.
        let mut diags = Diagnostics(errors);
        diags.0.sort_by(|a, b| (&a.path, a.pos).cmp(&(&b.path, b.pos)));
        diags.0.dedup_by(|a, b| a.path == b.path && a.pos == b.pos);
        return Err(RenderError::Content(diags));
    }
    Ok(())
}

/// The id of a theme's anchor: `theme-` and the theme's name as a slug.
pub fn theme_id(name: &str) -> String {
    format!("theme-{}", crate::parse::slug::heading_id(name))
}

fn inject_before_body_end(html: &mut String, script: &str) {
    match html.rfind("</body>") {
        Some(at) => html.insert_str(at, script),
        None => html.push_str(script),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            let reads = SiteReads::new(&site);
            let filled = markdown::fill(prepared, &s.links, &site.link_targets[id], "../../", &reads)
                .expect("every link names a note");
            proptest::prop_assert_eq!(filled, to_html(s.body(), &s.path, &s.headings, "../../", &reads));
        }
    }

    #[test]
    fn a_body_with_an_image_is_rendered_anew() {
        let site = site_with_statement("![a *picture*](photo.png) and [[alice]]");
        assert!(site.note("s").expect("the statement").html.is_none());
    }

    #[test]
    fn live_reload_goes_before_body_end() {
        let mut html = "<html><body><p>x</p></body></html>".to_string();
        inject_before_body_end(&mut html, "<script></script>");
        assert_eq!(html, "<html><body><p>x</p><script></script></body></html>");
    }
}
