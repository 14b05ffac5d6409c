//! The notes of a site as data: kinds, typed front matter, and what the
//! parser found in each body (links, headings, quotations).
//!
//! These types are plain data; parsing fills them, the model links them,
//! rendering reads them.

use std::path::PathBuf;
use std::sync::Arc;

use jiff::civil::Date;

use crate::diagnostic::Position;

/// What a note is about; the folder under `content/` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Actor,
    Statement,
    Event,
    Comparison,
    Source,
}

impl Kind {
    pub const ALL: [Kind; 5] = [Kind::Actor, Kind::Statement, Kind::Event, Kind::Comparison, Kind::Source];

    /// The folder under `content/` that holds notes of this kind.
    pub fn folder(self) -> &'static str {
        match self {
            Kind::Actor => "actors",
            Kind::Statement => "statements",
            Kind::Event => "events",
            Kind::Comparison => "comparisons",
            Kind::Source => "sources",
        }
    }

    pub fn from_folder(folder: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.folder() == folder)
    }

    /// The word for one note of this kind.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Actor => "actor",
            Kind::Statement => "statement",
            Kind::Event => "event",
            Kind::Comparison => "comparison",
            Kind::Source => "source",
        }
    }

    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// How much of a date is known: the day, or only the month or the year
/// (`2025-05`, `2025`). An approximate date is kept as its first day, so it
/// sorts there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum DatePrecision {
    #[default]
    Day,
    Month,
    Year,
}

impl DatePrecision {
    /// The date as a reader reads it: `1 May 2025`, `May 2025` or `2025`.
    pub fn display(self, date: Date) -> String {
        let format = match self {
            DatePrecision::Day => "%-d %B %Y",
            DatePrecision::Month => "%B %Y",
            DatePrecision::Year => "%Y",
        };
        date.strftime(format).to_string()
    }

    /// The date as written in HTML's `datetime` and ISO 8601: `2025-05-01`, `2025-05` or `2025`.
    pub fn iso(self, date: Date) -> String {
        let full = date.to_string();
        let len = match self {
            DatePrecision::Day => full.len(),
            DatePrecision::Month => full.len() - 3,
            DatePrecision::Year => full.len() - 6,
        };
        full[..len].to_string()
    }
}

/// A value and where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub pos: Position,
}

/// A slug reference written in front matter.
pub type SlugRef = Spanned<String>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ActorKind {
    Person,
    Institution,
    Country,
}

impl ActorKind {
    pub const NAMES: [&'static str; 3] = ["person", "institution", "country"];
    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }
    pub fn parse(s: &str) -> Option<Self> {
        [ActorKind::Person, ActorKind::Institution, ActorKind::Country].into_iter().find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Medium {
    Readout,
    Post,
    Statement,
    Remark,
    Report,
    Other,
}

impl Medium {
    pub const NAMES: [&'static str; 6] = ["readout", "post", "statement", "remark", "report", "other"];
    const ALL: [Medium; 6] =
        [Medium::Readout, Medium::Post, Medium::Statement, Medium::Remark, Medium::Report, Medium::Other];
    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }
    /// How a reader would name it.
    pub fn label(self) -> &'static str {
        match self {
            Medium::Readout => "Call readout",
            Medium::Post => "Post",
            Medium::Statement => "Official statement",
            Medium::Remark => "Remark",
            Medium::Report => "Report",
            Medium::Other => "Other",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ActorMeta {
    pub name: String,
    pub kind: ActorKind,
    pub role: Option<String>,
    pub country: Option<SlugRef>,
    pub aliases: Vec<String>,
    /// A portrait (`image = "…"`): a file in `static/` (`/x.jpg`) or beside the note.
    pub image: Option<Spanned<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StatementMeta {
    pub speaker: SlugRef,
    pub medium: Medium,
    pub addressed_to: Vec<SlugRef>,
    pub about: Vec<SlugRef>,
    pub event: Option<SlugRef>,
    pub source: Option<SlugRef>,
    pub url: Option<String>,
    /// Says how sure the date is, when the source does not give it.
    pub date_note: Option<String>,
    /// Marks the statement as the report's paraphrase, not the speaker's words.
    pub paraphrase: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EventMeta {
    pub actors: Vec<SlugRef>,
    pub place: Option<String>,
    /// Says how sure the date is.
    pub date_note: Option<String>,
}

/// One aligned point of a comparison: a topic and what each side says of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub topic: String,
    pub left: String,
    pub right: String,
    pub pos: Position,
    /// Where `left` and `right` are written.
    pub left_pos: Position,
    pub right_pos: Position,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ComparisonMeta {
    pub left: SlugRef,
    pub right: SlugRef,
    pub points: Vec<Point>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SourceMeta {
    pub publisher: Option<String>,
    pub url: Option<String>,
}

/// The front matter particular to each kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Meta {
    Actor(ActorMeta),
    Statement(StatementMeta),
    Event(EventMeta),
    Comparison(ComparisonMeta),
    Source(SourceMeta),
}

impl Meta {
    pub fn kind(&self) -> Kind {
        match self {
            Meta::Actor(_) => Kind::Actor,
            Meta::Statement(_) => Kind::Statement,
            Meta::Event(_) => Kind::Event,
            Meta::Comparison(_) => Kind::Comparison,
            Meta::Source(_) => Kind::Source,
        }
    }
}

/// A relation that a note's front matter sets to another note: the one
/// table of them. Checking references, the model's relation lists, the
/// backlinks and what a rebuild compares all go through it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Relation {
    /// An actor's country (an actor of kind country).
    Country,
    /// Who made a statement.
    Speaker,
    /// Whom a statement was addressed to.
    AddressedTo,
    /// Whom a statement was about.
    About,
    /// The event a statement belongs to.
    Event,
    /// The source a statement is from.
    Source,
    /// The actors of an event.
    EventActor,
    /// A comparison's left statement.
    Left,
    /// A comparison's right statement.
    Right,
}

impl Relation {
    /// The front-matter field that sets it.
    pub fn field(self) -> &'static str {
        match self {
            Relation::Country => "country",
            Relation::Speaker => "speaker",
            Relation::AddressedTo => "addressed_to",
            Relation::About => "about",
            Relation::Event => "event",
            Relation::Source => "source",
            Relation::EventActor => "actors",
            Relation::Left => "left",
            Relation::Right => "right",
        }
    }

    /// The kind of note it must name.
    pub fn target(self) -> Kind {
        match self {
            Relation::Event => Kind::Event,
            Relation::Source => Kind::Source,
            Relation::Left | Relation::Right => Kind::Statement,
            Relation::Country | Relation::Speaker | Relation::AddressedTo | Relation::About | Relation::EventActor => {
                Kind::Actor
            }
        }
    }
}

impl Meta {
    /// Every reference the front matter makes, with its relation, in the
    /// order of the fields.
    pub fn relations(&self) -> Vec<(Relation, &SlugRef)> {
        fn tag<'a>(rel: Relation, refs: impl IntoIterator<Item = &'a SlugRef>) -> Vec<(Relation, &'a SlugRef)> {
            refs.into_iter().map(|r| (rel, r)).collect()
        }
        match self {
            Meta::Actor(a) => tag(Relation::Country, &a.country),
            Meta::Statement(s) => {
                let mut all = tag(Relation::Speaker, [&s.speaker]);
                all.extend(tag(Relation::AddressedTo, &s.addressed_to));
                all.extend(tag(Relation::About, &s.about));
                all.extend(tag(Relation::Event, &s.event));
                all.extend(tag(Relation::Source, &s.source));
                all
            }
            Meta::Event(e) => tag(Relation::EventActor, &e.actors),
            Meta::Comparison(c) => vec![(Relation::Left, &c.left), (Relation::Right, &c.right)],
            Meta::Source(_) => Vec::new(),
        }
    }
}

/// How a link was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkStyle {
    /// `[[slug]]`, `[[slug|text]]`, `[[slug#heading]]`
    Wiki,
    /// `[text](../actors/slug.md)`
    Markdown,
}

/// A link from a body to another note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub style: LinkStyle,
    /// The target's slug.
    pub target: String,
    /// For Markdown links, the kind the path names.
    pub target_kind: Option<Kind>,
    pub heading: Option<String>,
    pub pos: Position,
    /// The sentence the link stands in, as plain text; link text that must
    /// come from a title is marked (see `parse::markdown::TITLE_MARK`).
    pub sentence: Arc<str>,
}

/// A heading in a body, with the id its anchor gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub text: String,
    pub id: String,
}

/// A passage the note quotes: text in quotation marks or a blockquote, in
/// its body, its title or a comparison's points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quotation {
    pub text: String,
    /// Where the quotation starts (its opening quotation mark, or the
    /// blockquote's first paragraph).
    pub pos: Position,
    pub place: QuotationPlace,
}

/// Where in a note a [`Quotation`] is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuotationPlace {
    /// A blockquote in the body.
    Block,
    /// Quotation marks in the body.
    Marks,
    /// Quotation marks in the title.
    Title,
    /// Quotation marks in a comparison's `[[points]]` (the point's index).
    Point(usize),
}

impl Quotation {
    /// Whether it is in the body (a blockquote or quotation marks), where a
    /// statement's quotations are the statement's own words.
    pub fn in_body(&self) -> bool {
        matches!(self.place, QuotationPlace::Block | QuotationPlace::Marks)
    }
}

/// A body's HTML, made while the body was parsed (so that its Markdown is
/// read once), for pages that mark nothing in it. Each internal link is
/// left as a hole: its URL and, for a wikilink without text, its text are
/// known only once every note is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedHtml {
    /// The HTML, holes taken out.
    pub html: String,
    /// The holes, in order of their place in `html`.
    pub holes: Vec<Hole>,
}

/// A place in [`PreparedHtml`] where a link's part goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hole {
    /// The byte offset in the HTML.
    pub at: usize,
    /// The link, as an index into the note's `links`.
    pub link: usize,
    pub part: LinkPart,
}

/// What fills a [`Hole`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkPart {
    /// The link's opening tag, with the title it was written with (often empty).
    Start { title: String },
    /// The linked note's title, as the text of a wikilink written without any.
    Title,
}

/// One parsed note.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub slug: String,
    /// The file, relative to the site root.
    pub path: PathBuf,
    /// The whole file (BOM removed, line endings made `\n`).
    pub text: Arc<str>,
    pub body_offset: usize,
    /// The title, or the actor's name.
    pub title: String,
    pub date: Option<Spanned<Date>>,
    /// How much of `date` is known.
    pub date_precision: DatePrecision,
    pub draft: bool,
    pub meta: Meta,
    pub links: Vec<Link>,
    pub headings: Vec<Heading>,
    pub quotations: Vec<Quotation>,
    /// The body's HTML made at parse time, when it was asked for and the
    /// body allows it (see [`PreparedHtml`]).
    pub html: Option<PreparedHtml>,
    /// The body has `![`, so it may show images (`images::check_site`
    /// reads only such bodies, and every rebuild does).
    pub may_show_images: bool,
}

impl Note {
    pub fn kind(&self) -> Kind {
        self.meta.kind()
    }

    pub fn body(&self) -> &str {
        &self.text[self.body_offset..]
    }

    /// A statement's own words: the passages its body quotes, in
    /// blockquotes or in quotation marks (none for other kinds).
    pub fn own_words(&self) -> impl Iterator<Item = &str> {
        let statement = self.kind() == Kind::Statement;
        self.quotations.iter().filter(move |q| statement && q.in_body()).map(|q| q.text.as_str())
    }

    /// What the note says of how sure its date is (statements and events).
    pub fn date_note(&self) -> Option<&str> {
        match &self.meta {
            Meta::Statement(s) => s.date_note.as_deref(),
            Meta::Event(e) => e.date_note.as_deref(),
            _ => None,
        }
    }

    /// The date as a reader reads it (`1 May 2025`, `May 2025`, `2025`).
    pub fn date_display(&self) -> Option<String> {
        self.date.as_ref().map(|d| self.date_precision.display(d.value))
    }

    /// What notes listed by date are sorted by: the date (undated first),
    /// then the slug.
    pub fn date_key(&self) -> (Option<Date>, &str) {
        (self.date.as_ref().map(|d| d.value), &self.slug)
    }
}

/// The home page's note, `content/_index.md`.
#[derive(Debug, Clone, PartialEq)]
pub struct HomeNote {
    pub path: PathBuf,
    pub text: Arc<str>,
    pub body_offset: usize,
    pub title: String,
    pub links: Vec<Link>,
    pub headings: Vec<Heading>,
    pub quotations: Vec<Quotation>,
}

impl HomeNote {
    pub fn body(&self) -> &str {
        &self.text[self.body_offset..]
    }
}
