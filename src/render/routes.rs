//! The route table: every kind of page a site has, declared once.
//!
//! A [`Route`] owns which pages it makes (one at a fixed URL, or one per
//! note of a kind, at the URL `urls::note_url` gives), how each is made
//! (a template and the function that makes its context, or a function
//! that makes the file's text), and whether its pages are in the sitemap
//! and the feed. The render, the sitemap, the list of output paths,
//! `is_page_path` and the pages `serve` holds are all read off [`ROUTES`];
//! there is no other list of pages. Adding a kind of page is one entry
//! here and the function that makes its context.

use tera::Context;

use super::reads::PageReads;
use super::{embed, pages};
use crate::cards;
use crate::model::{NoteId, Site};
use crate::note::Kind;
use crate::urls::{self, NoteFile};

/// Which pages a route makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pages {
    /// One page at this URL.
    One(&'static str),
    /// A page for each note of this kind.
    EachNote(Kind),
    /// Files under this folder, named as they are made (the search index).
    Folder(&'static str),
    /// A file for each note of this kind besides its page (its card, its
    /// embed), at the URL `urls::note_file_url` gives.
    EachNoteFile(Kind, NoteFile),
}

/// How a route's pages are made.
#[derive(Clone, Copy)]
pub enum Make {
    /// A page at a fixed URL: its template, and its context from the URL.
    Fixed(&'static str, fn(&PageReads, &str) -> Context),
    /// A note's page: its template, and its context from the note.
    Note(&'static str, fn(&PageReads, NoteId) -> Context),
    /// A file made by code, without a template.
    Text(fn(&PageReads) -> String),
    /// The search index: what it is made of, read through `PageReads`
    /// (its files are made from that by `search::files`).
    Search(fn(&PageReads) -> crate::search::Records),
    /// A note's file made by code, without a template.
    NoteText(fn(&PageReads, NoteId) -> String),
    /// A social card: `card.svg` with this context (the note's, or home's
    /// for `None`), drawn into a PNG when it is written or served.
    Card(fn(&PageReads, Option<NoteId>) -> Context),
}

/// One kind of page.
#[derive(Clone, Copy)]
pub struct Route {
    pub name: &'static str,
    pub pages: Pages,
    pub make: Make,
    /// Whether its pages are listed in `sitemap.xml`.
    pub sitemap: bool,
    /// Whether its pages are entries of the Atom feed.
    pub feed: bool,
    /// Whether it is part of search, made only when `search` is on in `site.toml`.
    pub search: bool,
}

impl Route {
    /// The template its pages are rendered through, if any.
    pub fn template(&self) -> Option<&'static str> {
        match self.make {
            Make::Fixed(template, _) | Make::Note(template, _) => Some(template),
            Make::Card(_) => Some(super::CARD_TEMPLATE),
            Make::Text(_) | Make::NoteText(_) | Make::Search(_) => None,
        }
    }
}

const fn fixed(
    name: &'static str,
    url: &'static str,
    template: &'static str,
    make: fn(&PageReads, &str) -> Context,
    sitemap: bool,
) -> Route {
    Route { name, pages: Pages::One(url), make: Make::Fixed(template, make), sitemap, feed: false, search: false }
}

const fn each(
    name: &'static str,
    kind: Kind,
    template: &'static str,
    make: fn(&PageReads, NoteId) -> Context,
    feed: bool,
) -> Route {
    Route { name, pages: Pages::EachNote(kind), make: Make::Note(template, make), sitemap: true, feed, search: false }
}

const fn note_file(name: &'static str, kind: Kind, file: NoteFile, make: Make) -> Route {
    Route { name, pages: Pages::EachNoteFile(kind, file), make, sitemap: false, feed: false, search: false }
}

/// The URL of the page a host serves for an address the site does not have.
pub const NOT_FOUND_URL: &str = "404.html";

/// Every kind of page. The sitemap lists pages in this order.
pub const ROUTES: [Route; 25] = [
    fixed("home", "", "home.html", pages::home, true),
    fixed("actors", "actors/", "actors.html", pages::actors, true),
    fixed("statements", "statements/", "statements.html", pages::statements, true),
    fixed("timeline", "timeline/", "timeline.html", pages::timeline, true),
    fixed("who said what", "who-said-what/", "who-said-what.html", pages::who_said_what, true),
    fixed("how we read the words", super::method::METHOD_URL, "how-we-read-the-words.html", pages::method, true),
    fixed("not found", NOT_FOUND_URL, "404.html", pages::not_found, false),
    fixed("feed", "atom.xml", "atom.xml", pages::feed, false),
    fixed("sitemap", "sitemap.xml", "sitemap.xml", pages::sitemap, false),
    Route {
        name: "country colours",
        pages: Pages::One("groups.css"),
        make: Make::Text(pages::groups_css),
        sitemap: false,
        feed: false,
        search: false,
    },
    Route { search: true, ..fixed("search", "search/", "search.html", pages::search, false) },
    Route {
        name: "search index",
        pages: Pages::Folder(crate::search::INDEX_DIR),
        make: Make::Search(crate::search::records),
        sitemap: false,
        feed: false,
        search: true,
    },
    each("actor", Kind::Actor, "actor.html", pages::actor, false),
    each("statement", Kind::Statement, "statement.html", pages::statement, true),
    each("event", Kind::Event, "event.html", pages::event, false),
    each("comparison", Kind::Comparison, "comparison.html", pages::comparison, false),
    each("source", Kind::Source, "source.html", pages::source, false),
    Route {
        name: "home card",
        pages: Pages::One(HOME_CARD_URL),
        make: Make::Card(cards::home),
        sitemap: false,
        feed: false,
        search: false,
    },
    note_file("comparison card", Kind::Comparison, NoteFile::Card, Make::Card(cards::comparison)),
    note_file("statement card", Kind::Statement, NoteFile::Card, Make::Card(cards::statement)),
    note_file("actor card", Kind::Actor, NoteFile::Card, Make::Card(cards::actor)),
    note_file("comparison embed", Kind::Comparison, NoteFile::Embed, Make::Note("embed.html", embed::comparison)),
    note_file("statement embed", Kind::Statement, NoteFile::Embed, Make::Note("embed.html", embed::statement)),
    note_file("comparison oembed", Kind::Comparison, NoteFile::OEmbed, Make::NoteText(embed::oembed)),
    note_file("statement oembed", Kind::Statement, NoteFile::OEmbed, Make::NoteText(embed::oembed)),
];

/// Home's card.
const HOME_CARD_URL: &str = crate::cards::FILE;

/// Whether route `r` makes pages for this site: search's only while
/// `search` is on, a card only where `social_cards` asks for one.
fn route_on(r: &Route, config: &crate::SiteConfig) -> bool {
    (config.search || !r.search)
        && match (r.make, r.pages) {
            (Make::Card(_), Pages::One(_)) => config.social_cards.shows(None),
            (Make::Card(_), Pages::EachNote(kind) | Pages::EachNoteFile(kind, _)) => {
                config.social_cards.shows(Some(kind))
            }
            _ => true,
        }
}

/// One page of a site: a route, and for a note's page the note.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PageRef {
    /// Index into [`ROUTES`].
    pub route: usize,
    pub note: Option<NoteId>,
}

impl PageRef {
    pub fn route(self) -> &'static Route {
        &ROUTES[self.route]
    }

    /// The page's URL.
    pub fn url(self, site: &Site) -> String {
        match (self.route().pages, self.note) {
            (Pages::One(url) | Pages::Folder(url), _) => url.to_string(),
            (Pages::EachNote(_), Some(id)) => site.urls[id].to_string(),
            (Pages::EachNoteFile(_, file), Some(id)) => urls::note_file_url(file, &site.urls[id]),
            (Pages::EachNote(_) | Pages::EachNoteFile(..), None) => unreachable!("a note's page names its note"),
        }
    }
}

/// Every page of `site`: the fixed ones first (they are the largest, and
/// start first), then the notes' pages in the site's order.
pub fn all_pages(site: &Site) -> Vec<PageRef> {
    let mut pages = Vec::with_capacity(page_count(site));
    let on = |r: &Route| route_on(r, &site.config);
    for (route, r) in ROUTES.iter().enumerate() {
        if let Pages::One(_) | Pages::Folder(_) = r.pages
            && on(r)
        {
            pages.push(PageRef { route, note: None });
        }
    }
    for id in site.ids() {
        if let Some(route) = note_route(site.notes[id].kind()) {
            pages.push(PageRef { route, note: Some(id) });
        }
    }
    // Each note's other files (cards, embeds) after all the pages.
    for (route, r) in ROUTES.iter().enumerate() {
        if let Pages::EachNoteFile(kind, _) = r.pages
            && on(r)
        {
            pages.extend(site.of_kind(kind).map(|id| PageRef { route, note: Some(id) }));
        }
    }
    debug_assert_eq!(pages.len(), page_count(site), "page_count counts what all_pages lists");
    pages
}

/// How many pages [`all_pages`] gives, without listing them.
pub fn page_count(site: &Site) -> usize {
    let on = |r: &Route| route_on(r, &site.config);
    ROUTES
        .iter()
        .filter(|r| on(r))
        .map(|r| match r.pages {
            Pages::One(_) | Pages::Folder(_) => 1,
            Pages::EachNote(kind) | Pages::EachNoteFile(kind, _) => site.of_kind(kind).count(),
        })
        .sum()
}

/// The route of the pages of notes of `kind`, if they have pages.
pub fn note_route(kind: Kind) -> Option<usize> {
    ROUTES.iter().position(|r| r.pages == Pages::EachNote(kind))
}

/// The output path of every page, sorted, without rendering (a folder's
/// files are named as they are made, and left out).
pub fn page_paths(site: &Site) -> Vec<String> {
    let mut paths: Vec<String> = all_pages(site)
        .into_iter()
        .filter(|p| !matches!(p.route().pages, Pages::Folder(_)))
        .map(|p| urls::output_path(&p.url(site)))
        .collect();
    paths.sort();
    paths
}

/// Whether a page is written at output path `path`.
pub fn is_page_path(site: &Site, path: &str) -> bool {
    let url = urls::url_of_output(path);
    let note_is = |kind: Kind, slug: &str| site.note(slug).is_some_and(|n| n.kind() == kind);
    ROUTES.iter().filter(|r| route_on(r, &site.config)).any(|r| match r.pages {
        Pages::One(fixed) => fixed == url && urls::output_path(fixed) == path,
        Pages::Folder(folder) => path.starts_with(folder),
        Pages::EachNoteFile(kind, file) => {
            urls::note_file_of(url).is_some_and(|(f, k, slug)| f == file && k == kind && note_is(kind, slug))
                && urls::output_path(url) == path
        }
        Pages::EachNote(kind) => {
            urls::note_of(url).is_some_and(|(k, slug)| k == kind && site.note(slug).is_some_and(|n| n.kind() == kind))
                && urls::output_path(url) == path
        }
    })
}

/// The kinds of notes whose pages are entries of the feed.
pub fn feed_kinds() -> impl Iterator<Item = Kind> {
    ROUTES.iter().filter(|r| r.feed).filter_map(|r| match r.pages {
        Pages::EachNote(kind) => Some(kind),
        Pages::One(_) | Pages::Folder(_) | Pages::EachNoteFile(..) => None,
    })
}

/// The URLs the sitemap lists, in the table's order.
pub fn sitemap_urls(reads: &PageReads) -> Vec<String> {
    let mut out = Vec::new();
    for r in ROUTES.iter().filter(|r| r.sitemap) {
        match r.pages {
            Pages::One(url) | Pages::Folder(url) => out.push(url.to_string()),
            Pages::EachNote(kind) => out.extend(reads.of_kind(kind).into_iter().map(|id| reads.url(id).to_string())),
            Pages::EachNoteFile(..) => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_of_note_has_one_route_and_each_url_one_page() {
        for kind in Kind::ALL {
            assert_eq!(ROUTES.iter().filter(|r| r.pages == Pages::EachNote(kind)).count(), 1, "{kind:?}");
        }
        let mut fixed: Vec<&str> = ROUTES
            .iter()
            .filter_map(|r| match r.pages {
                Pages::One(url) | Pages::Folder(url) => Some(url),
                Pages::EachNote(_) | Pages::EachNoteFile(..) => None,
            })
            .collect();
        let count = fixed.len();
        fixed.sort();
        fixed.dedup();
        assert_eq!(fixed.len(), count, "two routes at one URL");
        for url in fixed {
            assert_eq!(urls::note_of(url), None, "{url} looks like a note's page");
        }
    }
}
