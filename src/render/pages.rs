//! The context each page's template gets, one function per kind of page
//! (the route table in `routes.rs` names them). Each sees the site only
//! through [`PageReads`], so what it reads is noted as it reads it.

use rayon::prelude::*;
use tera::{Context, Value};

use super::context::map;
use super::highlight::{marked_html, term_id};
use super::markdown::{self, to_html};
use super::reads::{PageReads, SiteReads};
use super::{graph, theme_id};
use crate::analysis::themes::find_themes;
use crate::analysis::wording::{Wording, compare};
use crate::model::NoteId;
use crate::note::{Kind, Meta};
use crate::urls;

/// The context every page gets: the site, the way back to its root, and
/// the page's own address and title.
fn base_context(reads: &PageReads, url: &str, title: &str) -> Context {
    let mut c = Context::new();
    c.insert_value("site", reads.shared().site.clone());
    c.insert_value("root", urls::root_of(url).into());
    let base = &reads.config().base_url;
    let mut page: std::collections::BTreeMap<&'static str, Value> = std::collections::BTreeMap::new();
    page.insert("url", url.into());
    page.insert("title", title.into());
    page.insert("canonical", urls::absolute(base, url).into());
    let kind = urls::note_of(url).map(|(kind, _)| kind);
    if let Some(card) = crate::cards::card_url(reads.config(), url) {
        let alt = crate::cards::alt(kind, if url.is_empty() { &reads.config().title } else { title });
        page.insert("card", map([("url", urls::absolute(base, &card).into()), ("alt", alt.into())]));
    }
    if matches!(kind, Some(Kind::Comparison | Kind::Statement)) {
        page.insert("oembed", urls::absolute(base, &urls::note_file_url(urls::NoteFile::OEmbed, url)).into());
    }
    c.insert_value("page", Value::from(page));
    c
}

/// What every note's page gets: the note's card and body, its headings and
/// the notes that link to it, with their sentences.
fn note_context(reads: &PageReads, id: NoteId) -> Context {
    let note = reads.note(id);
    let url = reads.name(id).url;
    let mut c = base_context(reads, url, &note.title);
    c.insert_value("note", reads.card(id));
    c.insert_value("body", reads.body(id));
    let headings = note
        .headings
        .iter()
        .map(|h| map([("level", h.level.into()), ("text", h.text.as_str().into()), ("id", h.id.as_str().into())]));
    c.insert_value("headings", Value::from(headings.collect::<Vec<_>>()));
    c.insert_value("backlinks", backlinks(reads, id, &[]));
    c
}

/// The notes that link to note `id`, each with the sentence it does so in,
/// but for those in `listed` (already shown on the page).
fn backlinks(reads: &PageReads, id: NoteId, listed: &[NoteId]) -> Value {
    let backlinks: Vec<Value> = reads
        .backlinks(id)
        .iter()
        .filter(|b| b.from.is_none_or(|f| !listed.contains(&f)))
        .map(|b| {
            let from = match b.from {
                Some(f) => reads.card(f),
                None => map([("title", "Home".into()), ("url", "".into()), ("kind", "home".into())]),
            };
            map([("from", from), ("sentence", (&*b.sentence).into())])
        })
        .collect();
    Value::from(backlinks)
}

/// The cards of the notes that `slugs` name (those that are there).
fn named_cards<'a>(reads: &PageReads, slugs: impl IntoIterator<Item = &'a String>) -> Value {
    let ids: Vec<NoteId> = slugs.into_iter().filter_map(|slug| reads.find(slug)).collect();
    reads.cards(&ids)
}

/// The card of the note `slug` names, or none.
fn named_card(reads: &PageReads, slug: Option<&String>) -> Value {
    slug.and_then(|s| reads.find(s)).map_or_else(Value::none, |id| reads.card(id))
}

/// An actor's page: what they said, what was said to and about them.
pub(super) fn actor(reads: &PageReads, id: NoteId) -> Context {
    let mut c = note_context(reads, id);
    let rel = reads.related(id).actor;
    c.insert_value("said", reads.cards(&rel.said));
    c.insert_value("addressed", reads.cards(&rel.addressed));
    c.insert_value("about", reads.cards(&rel.about));
    c.insert_value("events", reads.cards(&rel.events));
    c.insert_value("comparisons", reads.cards(&rel.comparisons));
    c.insert_value("members", reads.cards(&rel.members));
    if let Meta::Actor(a) = reads.head(id).meta() {
        c.insert("aliases", &a.aliases);
        let root = urls::root_of(reads.name(id).url);
        let portrait = a.image.as_ref().and_then(|image| portrait(reads, id, &image.value, &a.name, &root));
        c.insert_value("portrait", portrait.unwrap_or_else(Value::none));
    }
    // "Mentioned in" leaves out the notes the lists above show.
    let above: Vec<NoteId> = rel.lists().into_iter().flatten().copied().collect();
    c.insert_value("backlinks", backlinks(reads, id, &above));
    c
}

/// An actor's portrait on their page: `src`, `alt` (their name),
/// `width` and `height`, and `srcset` and `sizes` when it has copies.
fn portrait(reads: &PageReads, id: NoteId, dest: &str, name: &str, root: &str) -> Option<Value> {
    let file = crate::images::image_file(dest, reads.head(id).path())?;
    let mut m: std::collections::BTreeMap<&'static str, Value> = std::collections::BTreeMap::new();
    m.insert("src", format!("{root}{}", file.output).into());
    m.insert("alt", name.into());
    if let Some(image) = reads.image(&file.output) {
        if let Some((width, height)) = image.size {
            m.insert("width", width.into());
            m.insert("height", height.into());
        }
        if let Some(srcset) = image.srcset(root) {
            m.insert("srcset", srcset.into());
            m.insert("sizes", crate::images::PORTRAIT_SIZES.into());
        }
    }
    Some(Value::from(m))
}

/// A statement's page: whom it was addressed to and about, its event and
/// source, the comparisons it is in, and its JSON-LD.
pub(super) fn statement(reads: &PageReads, id: NoteId) -> Context {
    let mut c = note_context(reads, id);
    if let Meta::Statement(s) = reads.head(id).meta() {
        c.insert_value("addressed_to", named_cards(reads, s.addressed_to.iter().map(|r| &r.value)));
        c.insert_value("about", named_cards(reads, s.about.iter().map(|r| &r.value)));
        c.insert_value("event", named_card(reads, s.event.as_ref().map(|r| &r.value)));
        c.insert_value("source", named_card(reads, s.source.as_ref().map(|r| &r.value)));
        c.insert("external_url", &s.url);
    }
    c.insert_value("comparisons", reads.cards(reads.related(id).compared_in));
    c.insert_value("quotations", quotations(reads, id));
    c.insert("embed_code", &super::embed::code(reads, id));
    c.insert_value("jsonld", Value::safe_string(&quotation_jsonld(reads, id)));
    c.insert("summary", &super::describe::statement_description(reads, id));
    c
}

/// A statement's quotations (its own words, or a paraphrase's words of
/// the source), each with its anchor and, when the statement names its
/// source, the address of its place there.
fn quotations(reads: &PageReads, id: NoteId) -> Value {
    let source = match reads.head(id).meta() {
        Meta::Statement(s) => s.source.as_ref().and_then(|r| reads.find(&r.value)).map(|s| reads.name(s).url),
        _ => None,
    };
    let mut seen = std::collections::HashSet::new();
    let list = reads.words(id).iter().filter(|q| q.in_body()).filter_map(|q| {
        let anchor = super::highlight::quotation_id(&q.text);
        seen.insert(anchor.clone()).then(|| {
            let place = source.map_or_else(Value::none, |url| format!("{url}#{anchor}").into());
            map([("text", q.text.as_str().into()), ("id", anchor.into()), ("source_url", place)])
        })
    });
    Value::from(list.collect::<Vec<_>>())
}

/// An event's page: its actors and the statements that name it.
pub(super) fn event(reads: &PageReads, id: NoteId) -> Context {
    let mut c = note_context(reads, id);
    if let Meta::Event(e) = reads.head(id).meta() {
        c.insert_value("actors", named_cards(reads, e.actors.iter().map(|r| &r.value)));
    }
    c.insert_value("statements", reads.cards(reads.related(id).event_statements));
    c
}

/// A source's page: its text, and the statements that quote it.
pub(super) fn source(reads: &PageReads, id: NoteId) -> Context {
    let mut c = note_context(reads, id);
    c.insert_value("statements", reads.cards(reads.related(id).cited_by));
    if let Meta::Source(s) = reads.head(id).meta() {
        c.insert("external_url", &s.url);
    }
    c
}

/// A comparison's page: the two statements side by side, their shared
/// wording marked, each side's own terms, and the points.
pub(super) fn comparison(reads: &PageReads, id: NoteId) -> Context {
    let mut c = note_context(reads, id);
    let Meta::Comparison(cmp) = reads.head(id).meta() else {
        return c;
    };
    let (left, right) = (reads.find(&cmp.left.value), reads.find(&cmp.right.value));
    let own_words = |side: Option<NoteId>| -> Vec<String> {
        side.map_or_else(Vec::new, |sid| reads.own_words(sid).into_iter().map(str::to_string).collect())
    };
    let (left_words, right_words) = (own_words(left), own_words(right));
    let wording = compare(&left_words, &right_words, &reads.shared().language);
    let side = |sid: Option<NoteId>, texts: &[String], left: bool| -> Value {
        let Some(sid) = sid else {
            return Value::none();
        };
        let (marks, only, n) = if left {
            (&wording.left_marks, &wording.left_only, 1)
        } else {
            (&wording.right_marks, &wording.right_only, 2)
        };
        let words_html = if texts.is_empty() { String::new() } else { marked_html(texts, marks, n) };
        let only =
            only.iter().enumerate().map(|(i, t)| map([("text", t.text.as_str().into()), ("id", term_id(n, i).into())]));
        map([
            ("note", reads.card(sid)),
            ("body", reads.body(sid)),
            ("words", Value::safe_string(&words_html)),
            ("only", Value::from(only.collect::<Vec<_>>())),
        ])
    };
    c.insert_value("left", side(left, &left_words, true));
    c.insert_value("right", side(right, &right_words, false));
    c.insert("labels", &super::describe::side_labels(reads, &cmp.left.value, &cmp.right.value));
    c.insert_value("shared", shared_list(&wording));
    c.insert_value("points", points(reads, id, &cmp.points));
    c.insert("embed_code", &super::embed::code(reads, id));
    c
}

/// A comparison's points, each part's Markdown as HTML.
fn points(reads: &PageReads, id: NoteId, points: &[crate::note::Point]) -> Value {
    let path = &reads.note(id).path;
    let root = urls::root_of(reads.name(id).url);
    let html = |t: &str| Value::safe_string(&markdown::inline_html(t, path, &root, &**reads));
    let points =
        points.iter().map(|p| map([("topic", html(&p.topic)), ("left", html(&p.left)), ("right", html(&p.right))]));
    Value::from(points.collect::<Vec<_>>())
}

fn shared_list(w: &Wording) -> Value {
    Value::from(
        w.shared
            .iter()
            .enumerate()
            .map(|(i, p)| map([("text", p.as_str().into()), ("id", i.into())]))
            .collect::<Vec<_>>(),
    )
}

/// JSON-LD for a statement page: a schema.org `Quotation`.
fn quotation_jsonld(reads: &PageReads, id: NoteId) -> String {
    let head = reads.head(id);
    let Meta::Statement(s) = head.meta() else {
        return String::new();
    };
    let base = &reads.config().base_url;
    let speaker = reads.find(&s.speaker.value).map(|a| {
        let person = matches!(reads.head(a).meta(), Meta::Actor(m) if m.kind == crate::note::ActorKind::Person);
        let name = reads.name(a);
        serde_json::json!({
            "@type": if person { "Person" } else { "Organization" },
            "name": name.title,
            "url": urls::absolute(base, name.url),
        })
    });
    let mut value = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "Quotation",
        "name": head.title(),
        "url": urls::absolute(base, reads.name(id).url),
        "spokenByCharacter": speaker,
    });
    if let (Some(d), _) = head.date_key() {
        value["dateCreated"] = head.date_precision().iso(d).into();
    }
    let words = super::describe::own_text(reads, id);
    if !words.is_empty() {
        value["text"] = words.into();
    }
    if let Some(src) = s.source.as_ref().and_then(|r| reads.find(&r.value)) {
        let name = reads.name(src);
        value["isBasedOn"] =
            serde_json::json!({ "@type": "CreativeWork", "name": name.title, "url": urls::absolute(base, name.url) });
    }
    // `<` never appears raw, so the JSON cannot close its script element.
    value.to_string().replace('<', "\\u003c")
}

/// How many of the latest timeline entries the home page shows.
const HOME_TIMELINE: usize = 40;

/// The home page: the introduction, the comparisons and actors, the
/// latest entries of the timeline and the "who spoke to whom" graph.
pub(super) fn home(reads: &PageReads, url: &str) -> Context {
    let home = reads.home();
    let title = home.map(|h| h.title.as_str()).filter(|t| !t.is_empty()).unwrap_or(&reads.config().title);
    let mut c = base_context(reads, url, title);
    let root = urls::root_of(url);
    let intro = home.map_or_else(String::new, |h| to_html(h.body(), &h.path, &h.headings, &root, &**reads));
    c.insert_value("intro", Value::safe_string(&intro));
    c.insert_value("comparisons", reads.cards(&reads.of_kind(Kind::Comparison)));
    c.insert_value("actors", reads.cards(&reads.of_kind(Kind::Actor)));
    // The home page shows the latest entries; /timeline/ has them all.
    let timeline = reads.timeline();
    let latest = &timeline[timeline.len().saturating_sub(HOME_TIMELINE)..];
    c.insert_value("timeline", reads.cards(latest));
    c.insert_value("timeline_count", timeline.len().into());
    c.insert_value("statements", reads.cards(&reads.by_date(Kind::Statement)));
    c.insert_value("graph", Value::safe_string(&graph::speaker_graph(reads, &root, &reads.shared().groups)));
    c
}

/// Who said what: a row per statement (by date), a cell per theme.
pub(super) fn who_said_what(reads: &PageReads, url: &str) -> Context {
    let mut c = base_context(reads, url, "Who said what");
    let themes = &reads.config().themes;
    let theme_values = themes.iter().map(|t| {
        map([
            ("name", t.name.as_str().into()),
            ("id", theme_id(&t.name).into()),
            ("terms", Value::from(t.terms.clone())),
        ])
    });
    c.insert_value("themes", Value::from(theme_values.collect::<Vec<_>>()));
    let statements = reads.by_date(Kind::Statement);
    let words: Vec<String> = statements.iter().map(|&id| reads.own_words(id).join("\n")).collect();
    // Each statement's term of each theme, if any (found in parallel).
    let terms: Vec<Vec<Option<String>>> = words
        .par_iter()
        .map(|words| {
            let hits = find_themes(themes, words);
            (0..themes.len()).map(|i| hits.iter().find(|h| h.theme == i).map(|h| h.term.clone())).collect()
        })
        .collect();
    let rows: Vec<Value> = statements
        .iter()
        .zip(terms)
        .map(|(&id, terms)| {
            let at = reads.name(id).url;
            let cells = terms.into_iter().zip(themes).map(|(term, t)| match term {
                Some(term) => map([("term", term.into()), ("href", format!("{at}#{}", theme_id(&t.name)).into())]),
                None => Value::none(),
            });
            map([("note", reads.card(id)), ("cells", Value::from(cells.collect::<Vec<_>>()))])
        })
        .collect();
    c.insert_value("rows", Value::from(rows));
    c
}

/// The actors, all of them and grouped by kind.
pub(super) fn actors(reads: &PageReads, url: &str) -> Context {
    let mut c = base_context(reads, url, "Actors");
    let actors = reads.of_kind(Kind::Actor);
    for (key, kind) in [("people", "person"), ("institutions", "institution"), ("countries", "country")] {
        let ids: Vec<NoteId> = actors
            .iter()
            .copied()
            .filter(|&id| matches!(reads.head(id).meta(), Meta::Actor(a) if a.kind.as_str() == kind))
            .collect();
        c.insert_value(key, reads.cards(&ids));
    }
    c.insert_value("actors", reads.cards(&actors));
    c
}

/// Every statement, by date.
pub(super) fn statements(reads: &PageReads, url: &str) -> Context {
    let mut c = base_context(reads, url, "Statements");
    c.insert_value("statements", reads.cards(&reads.by_date(Kind::Statement)));
    c
}

/// Statements and events, by date.
pub(super) fn timeline(reads: &PageReads, url: &str) -> Context {
    let mut c = base_context(reads, url, "Timeline");
    c.insert_value("entries", reads.cards(&reads.timeline()));
    c
}

/// How this site's comparison pages read the words, for readers.
pub(super) fn method(reads: &PageReads, url: &str) -> Context {
    let mut c = base_context(reads, url, "How this page reads the words");
    let rules = &reads.config().wording;
    c.insert_value("wording", super::method::wording_context(rules, &reads.shared().language));
    c
}

/// The page for an address the site does not have.
pub(super) fn not_found(reads: &PageReads, url: &str) -> Context {
    // The 404 page is served at any depth, so its links start from the base URL's path.
    let mut c = base_context(reads, url, "Page not found");
    c.insert("root", &urls::base_path(&reads.config().base_url));
    c
}

/// The search page: where the search box goes without JavaScript (with
/// it, the page shows the results of the query in its address).
pub(super) fn search(reads: &PageReads, url: &str) -> Context {
    base_context(reads, url, "Search")
}

/// The notes in the feed: those of the kinds whose routes are in it, the
/// newest first, at most `feed_limit` (0: all).
pub(super) fn feed_ids(reads: &SiteReads) -> Vec<NoteId> {
    let mut ids: Vec<NoteId> = super::routes::feed_kinds().flat_map(|kind| reads.of_kind(kind)).collect();
    // Newest first, then by slug; each note's key found once.
    ids.sort_by_cached_key(|&id| {
        let (date, slug) = reads.head(id).date_key();
        (std::cmp::Reverse(date), slug)
    });
    let limit = reads.config().feed_limit;
    if limit > 0 {
        ids.truncate(limit);
    }
    ids
}

/// The Atom feed: the newest statements, each with its body.
pub(super) fn feed(reads: &PageReads, url: &str) -> Context {
    let feed_ids = feed_ids(reads);
    // An Atom time: the note's day at midnight UTC (the epoch without one).
    let stamp = |id: Option<NoteId>| {
        let date = id.and_then(|id| reads.head(id).date_key().0);
        format!("{}T00:00:00Z", date.map_or_else(|| "1970-01-01".to_string(), |d| d.to_string()))
    };
    let mut c = base_context(reads, url, &reads.config().title);
    c.insert("updated", &stamp(feed_ids.first().copied()));
    let entries = feed_ids
        .iter()
        .map(|&id| map([("note", reads.card(id)), ("updated", stamp(Some(id)).into()), ("body", reads.body(id))]));
    c.insert_value("entries", Value::from(entries.collect::<Vec<_>>()));
    c
}

/// The sitemap: the address of every page the route table puts in it.
pub(super) fn sitemap(reads: &PageReads, url: &str) -> Context {
    let base = &reads.config().base_url;
    let mut c = base_context(reads, url, "Sitemap");
    let urls: Vec<String> = super::routes::sitemap_urls(reads).iter().map(|u| urls::absolute(base, u)).collect();
    c.insert("urls", &urls);
    c
}

/// The stylesheet that gives each country (and what belongs to it) its colour.
pub(super) fn groups_css(reads: &PageReads) -> String {
    let mut css = String::from("/* Country colours, written by readout from the site's country actors. */\n");
    for (slug, colour) in &reads.shared().groups {
        css.push_str(&format!(".group-{slug} {{ --group: var(--colour-{colour}); }}\n"));
    }
    css
}
