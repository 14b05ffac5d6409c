//! Social cards: the 1200×630 image a link to a page shows when it is
//! shared (`og:image`), one for every comparison, statement and actor and
//! one for home.
//!
//! A card is a route of its own (`render/routes.rs`): its context is made
//! here from what it reads through `PageReads` (so the render memo makes
//! it again exactly when what it shows changed), the text laid out in
//! lines by `layout.rs`, and the `card.svg` template (which a site can
//! override) turns that into an SVG. The write stage, or `serve` when the
//! card is asked for, draws the SVG into a PNG through `draw.rs`, which
//! keeps every PNG in a cache folder by the hash of what its SVG is made
//! from (the template and the context), so that a build finds a card
//! drawn before without rendering its SVG, and the output links to the
//! cache's file instead of holding a copy.
//!
//! - `layout.rs` — `lines`: words in lines that fit, cut at a word with "…".
//! - `draw.rs` — `draw` (SVG → PNG, bundled fonts only) and `CardCache`.
//! - `fonts.rs` — the bundled fonts.

mod draw;
mod fonts;
mod glyphs;
pub mod layout;

use std::path::{Path, PathBuf};

use tera::{Context, Value};

pub use draw::{CardCache, DrawError, HEIGHT, WIDTH, cached, draw, key};
use layout::{Face, Style, lines};

use crate::config::SiteConfig;
use crate::model::NoteId;
use crate::note::{Kind, Meta};
use crate::render::context::map;
use crate::render::reads::PageReads;
use crate::urls;

/// Which pages get a card (`social_cards` in `site.toml`: `true`, the
/// default, for all; `false` for none; or a list of kinds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CardKinds {
    pub comparison: bool,
    pub statement: bool,
    pub actor: bool,
    pub home: bool,
}

impl Default for CardKinds {
    fn default() -> Self {
        CardKinds::all(true)
    }
}

/// The names `social_cards = [...]` takes.
pub const KIND_NAMES: [&str; 4] = ["comparison", "statement", "actor", "home"];

impl CardKinds {
    pub fn all(on: bool) -> CardKinds {
        CardKinds { comparison: on, statement: on, actor: on, home: on }
    }

    /// The kinds named (each one of [`KIND_NAMES`]).
    pub fn named<'a>(names: impl IntoIterator<Item = &'a str>) -> CardKinds {
        let mut kinds = CardKinds::all(false);
        for name in names {
            match name {
                "comparison" => kinds.comparison = true,
                "statement" => kinds.statement = true,
                "actor" => kinds.actor = true,
                "home" => kinds.home = true,
                _ => {}
            }
        }
        kinds
    }

    /// Whether the pages of notes of `kind` (`None`: home) get a card.
    pub fn shows(&self, kind: Option<Kind>) -> bool {
        match kind {
            None => self.home,
            Some(Kind::Comparison) => self.comparison,
            Some(Kind::Statement) => self.statement,
            Some(Kind::Actor) => self.actor,
            Some(_) => false,
        }
    }
}

/// The card's file in a page's folder.
pub const FILE: &str = "card.png";

/// The URL of the card of the page at `url`, if the site gives it one.
pub fn card_url(config: &SiteConfig, url: &str) -> Option<String> {
    let kind = if url.is_empty() { None } else { Some(urls::note_of(url)?.0) };
    config.social_cards.shows(kind).then(|| format!("{url}{FILE}"))
}

/// Whether the output file `path` is a card (drawn from the SVG the render made).
pub fn is_card(path: &str) -> bool {
    path.rsplit('/').next() == Some(FILE)
}

/// Where the site's cards are kept: `card_cache` in `site.toml`, relative
/// to the site's folder, or `.readout-cache/cards`.
pub fn cache_dir(root: &Path, config: &SiteConfig) -> PathBuf {
    root.join(config.card_cache.as_deref().unwrap_or(Path::new(DEFAULT_CACHE)))
}

/// The cache folder unless `card_cache` names another.
pub const DEFAULT_CACHE: &str = ".readout-cache/cards";

// Where text goes on the built-in card (docs/templates.md gives these
// for a site's own `card.svg`): 72 px margins, a title across the card,
// a comparison's two columns 504 px wide.
const INNER: f32 = 1056.0;
const COLUMN: f32 = 476.0;

/// What every card's template gets: the card's size and kind and the site's title.
fn base(reads: &PageReads, kind: &str) -> Context {
    let mut c = Context::new();
    c.insert_value(
        "card",
        map([
            ("kind", kind.into()),
            ("width", WIDTH.into()),
            ("height", HEIGHT.into()),
            ("site", reads.config().title.as_str().into()),
        ]),
    );
    c
}

fn text_lines(text: &str, face: Face, size: f32, width: f32, max: usize, quoted: bool) -> Value {
    Value::from(lines(text, Style { face, size, width }, max, quoted))
}

/// A statement as a card shows it: speaker, date and medium, colour and
/// its own words in `max` lines of `size` px set `width` wide (a
/// paraphrase's context, not in quotation marks).
fn statement_value(reads: &PageReads, id: NoteId, size: f32, width: f32, max: usize) -> Value {
    let head = reads.head(id);
    let Meta::Statement(s) = head.meta() else { return Value::none() };
    let speaker = reads.find(&s.speaker.value).map_or(s.speaker.value.as_str(), |a| reads.name(a).title);
    let when = [head.date_display(), Some(s.medium.label().to_string())].into_iter().flatten();
    let when: Vec<String> = when.collect();
    let words = crate::render::describe::own_text(reads, id);
    let (text, quoted) =
        if words.is_empty() { (crate::render::describe::context_text(reads, id), false) } else { (words, true) };
    let group = reads.name(id).group;
    let colour = reads.shared().colour(group).map_or_else(Value::none, Value::from);
    map([
        ("speaker", text_lines(speaker, Face::SansBold, size * 0.9, width, 1, false)),
        ("when", when.join(" · ").into()),
        ("colour", colour),
        ("words", text_lines(&text, Face::Serif, size, width, max, quoted)),
        ("quoted", quoted.into()),
    ])
}

/// A comparison's card: its title, and each side's words beside the other's.
pub(crate) fn comparison(reads: &PageReads, id: Option<NoteId>) -> Context {
    let mut c = base(reads, "comparison");
    let Some(id) = id else { return c };
    let head = reads.head(id);
    let title = lines(head.title(), Style { face: Face::SerifBold, size: 40.0, width: INNER }, 2, false);
    // Each title line takes a line from the words (the columns end where they would).
    let max = 7 - title.len();
    c.insert_value("title", Value::from(title));
    if let Meta::Comparison(cmp) = head.meta() {
        for (name, side) in [("left", &cmp.left.value), ("right", &cmp.right.value)] {
            let value = reads.find(side).map_or_else(Value::none, |sid| statement_value(reads, sid, 30.0, COLUMN, max));
            c.insert_value(name, value);
        }
    }
    c
}

/// A statement's card: who said it, when, and its own words.
pub(crate) fn statement(reads: &PageReads, id: Option<NoteId>) -> Context {
    let mut c = base(reads, "statement");
    if let Some(id) = id {
        c.insert_value("statement", statement_value(reads, id, 44.0, INNER - 38.0, 6));
    }
    c
}

/// An actor's card: their name, role and country.
pub(crate) fn actor(reads: &PageReads, id: Option<NoteId>) -> Context {
    let mut c = base(reads, "actor");
    let Some(id) = id else { return c };
    if let Meta::Actor(a) = reads.head(id).meta() {
        c.insert_value("name", text_lines(&a.name, Face::SerifBold, 72.0, INNER, 2, false));
        c.insert_value("role", text_lines(a.role.as_deref().unwrap_or(""), Face::Sans, 34.0, INNER, 2, false));
        let country = a.country.as_ref().and_then(|c| reads.find(&c.value)).map(|c| reads.name(c).title);
        let country = country.or((a.kind == crate::note::ActorKind::Country).then_some(a.name.as_str()));
        c.insert_value("country", text_lines(country.unwrap_or(""), Face::Sans, 30.0, INNER - 40.0, 1, false));
        let group = reads.name(id).group;
        c.insert_value("colour", reads.shared().colour(group).map_or_else(Value::none, Value::from));
    }
    c
}

/// Home's card: the site's title and description.
pub(crate) fn home(reads: &PageReads, _: Option<NoteId>) -> Context {
    let mut c = base(reads, "home");
    let config = reads.config();
    c.insert_value("title", text_lines(&config.title, Face::SerifBold, 68.0, INNER, 3, false));
    c.insert_value("description", text_lines(&config.description, Face::Sans, 34.0, INNER, 4, false));
    c
}

/// The text a card shows, for its `og:image:alt`: the page's title and
/// what the card sets under it.
pub(crate) fn alt(kind: Option<Kind>, title: &str) -> String {
    match kind {
        Some(Kind::Comparison) => format!("{title}: the two statements' own words side by side"),
        Some(Kind::Statement) => format!("{title}: who said it, when, and their words"),
        Some(Kind::Actor) => format!("{title}: their role and country"),
        _ => title.to_string(),
    }
}
