//! The pages of a site and the context each template gets: one job per
//! note page, and the list pages (home, actors, statements, timeline, who
//! said what, 404, feed, sitemap).

use rayon::prelude::*;
use tera::{Context, Value};

use super::context::{cards, map};
use super::highlight::{marked_html, term_id};
use super::markdown::{self, to_html};
use super::{Shared, base_path, graph, root_of, theme_id};
use crate::analysis::themes::find_themes;
use crate::analysis::wording::{Wording, compare};
use crate::model::{NoteId, Site};
use crate::note::{Kind, Meta};

/// A page to render: where it goes, with which template, with what.
pub(super) struct Job {
    pub(super) url: String,
    pub(super) template: &'static str,
    pub(super) context: Context,
}

fn base_context(site: &Site, shared: &Shared, url: &str, title: &str) -> Context {
    let mut c = Context::new();
    c.insert_value("site", shared.site.clone());
    c.insert_value("root", root_of(url).into());
    c.insert_value(
        "page",
        map([
            ("url", url.into()),
            ("title", title.into()),
            ("canonical", format!("{}{}", site.config.base_url, url).into()),
        ]),
    );
    c
}

pub(super) fn note_job(site: &Site, shared: &Shared, id: NoteId) -> Job {
    let note = &site.notes[id];
    let url = site.urls[id].to_string();
    let mut c = base_context(site, shared, &url, &note.title);
    c.insert_value("note", shared.cards[id].clone());
    c.insert_value("body", shared.body(site, id));
    c.insert_value(
        "headings",
        Value::from(
            note.headings
                .iter()
                .map(|h| {
                    map([("level", h.level.into()), ("text", h.text.as_str().into()), ("id", h.id.as_str().into())])
                })
                .collect::<Vec<_>>(),
        ),
    );
    c.insert_value("backlinks", backlinks(site, shared, id, &[]));
    let list = |ids: &[NoteId]| cards(&shared.cards, ids);
    let template = match &note.meta {
        Meta::Actor(a) => {
            let rel = &site.actors[id];
            c.insert_value("said", list(&rel.said));
            c.insert_value("addressed", list(&rel.addressed));
            c.insert_value("about", list(&rel.about));
            c.insert_value("events", list(&rel.events));
            c.insert_value("comparisons", list(&rel.comparisons));
            c.insert_value("members", list(&rel.members));
            c.insert("aliases", &a.aliases);
            // "Mentioned in" leaves out the notes the lists above show.
            let above = [&rel.said, &rel.addressed, &rel.about, &rel.events, &rel.comparisons, &rel.members];
            let above: Vec<NoteId> = above.into_iter().flatten().copied().collect();
            c.insert_value("backlinks", backlinks(site, shared, id, &above));
            "actor.html"
        }
        Meta::Statement(s) => {
            let ids = |refs: &[crate::note::SlugRef]| refs.iter().filter_map(|r| site.id(&r.value)).collect::<Vec<_>>();
            c.insert_value("addressed_to", list(&ids(&s.addressed_to)));
            c.insert_value("about", list(&ids(&s.about)));
            c.insert_value(
                "event",
                s.event.as_ref().and_then(|r| site.id(&r.value)).map_or_else(Value::none, |e| shared.cards[e].clone()),
            );
            c.insert_value(
                "source",
                s.source.as_ref().and_then(|r| site.id(&r.value)).map_or_else(Value::none, |e| shared.cards[e].clone()),
            );
            c.insert_value("comparisons", list(&site.compared_in[id]));
            c.insert("external_url", &s.url);
            c.insert_value("jsonld", Value::safe_string(&quotation_jsonld(site, id)));
            "statement.html"
        }
        Meta::Event(e) => {
            let actors: Vec<NoteId> = e.actors.iter().filter_map(|r| site.id(&r.value)).collect();
            c.insert_value("actors", list(&actors));
            c.insert_value("statements", list(&site.event_statements[id]));
            "event.html"
        }
        Meta::Comparison(cmp) => {
            let words = |slug: &str| -> Vec<String> {
                site.note(slug).map_or_else(Vec::new, |n| {
                    n.quotations.iter().filter(|q| q.block).map(|q| q.text.clone()).collect()
                })
            };
            let (left_words, right_words) = (words(&cmp.left.value), words(&cmp.right.value));
            let wording = compare(&left_words, &right_words, &shared.language);
            let side = |slug: &str, texts: &[String], left: bool| -> Value {
                let Some(sid) = site.id(slug) else {
                    return Value::none();
                };
                let (marks, only, n) = if left {
                    (&wording.left_marks, &wording.left_only, 1)
                } else {
                    (&wording.right_marks, &wording.right_only, 2)
                };
                let words_html = if texts.is_empty() { String::new() } else { marked_html(texts, marks, n) };
                let only = only
                    .iter()
                    .enumerate()
                    .map(|(i, t)| map([("text", t.text.as_str().into()), ("id", term_id(n, i).into())]))
                    .collect::<Vec<_>>();
                map([
                    ("note", shared.cards[sid].clone()),
                    ("body", shared.body(site, sid)),
                    ("words", Value::safe_string(&words_html)),
                    ("only", Value::from(only)),
                ])
            };
            c.insert_value("left", side(&cmp.left.value, &left_words, true));
            c.insert_value("right", side(&cmp.right.value, &right_words, false));
            c.insert_value("shared", shared_list(&wording));
            let points: Vec<Value> = cmp
                .points
                .iter()
                .map(|p| {
                    let html = |t: &str| Value::safe_string(&markdown::inline_html(t, &note.path, "../../", site));
                    map([("topic", html(&p.topic)), ("left", html(&p.left)), ("right", html(&p.right))])
                })
                .collect();
            c.insert_value("points", Value::from(points));
            "comparison.html"
        }
        Meta::Source(s) => {
            c.insert_value("statements", list(&site.cited_by[id]));
            c.insert("external_url", &s.url);
            "source.html"
        }
    };
    Job { url, template, context: c }
}

/// The notes that link to note `id`, each with the sentence it does so in,
/// but for those in `listed` (already shown on the page).
fn backlinks(site: &Site, shared: &Shared, id: NoteId, listed: &[NoteId]) -> Value {
    let backlinks: Vec<Value> = site.backlinks[id]
        .iter()
        .filter(|b| b.from.is_none_or(|f| !listed.contains(&f)))
        .map(|b| {
            let from = match b.from {
                Some(f) => shared.cards[f].clone(),
                None => map([("title", "Home".into()), ("url", "".into()), ("kind", "home".into())]),
            };
            map([("from", from), ("sentence", (&*b.sentence).into())])
        })
        .collect();
    Value::from(backlinks)
}

/// The statements in the feed: the newest first, at most `feed_limit` (0: all).
pub(super) fn feed_ids(site: &Site) -> Vec<NoteId> {
    let mut ids: Vec<NoteId> = site.of_kind(Kind::Statement).collect();
    // Newest first, then by slug; each note's key found once.
    ids.sort_by_cached_key(|&id| {
        let (date, slug) = site.notes[id].date_key();
        (std::cmp::Reverse(date), slug)
    });
    if site.config.feed_limit > 0 {
        ids.truncate(site.config.feed_limit);
    }
    ids
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
fn quotation_jsonld(site: &Site, id: NoteId) -> String {
    let note = &site.notes[id];
    let Meta::Statement(s) = &note.meta else {
        return String::new();
    };
    let speaker = site.note(&s.speaker.value);
    let mut value = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "Quotation",
        "name": note.title,
        "url": format!("{}{}", site.config.base_url, site.urls[id]),
        "spokenByCharacter": speaker.map(|a| serde_json::json!({
            "@type": match &a.meta { Meta::Actor(m) if m.kind == crate::note::ActorKind::Person => "Person", _ => "Organization" },
            "name": a.title,
            "url": format!("{}{}", site.config.base_url, a.url()),
        })),
    });
    if let Some(d) = &note.date {
        value["dateCreated"] = d.value.to_string().into();
    }
    if let Some(src) = s.source.as_ref().and_then(|r| site.note(&r.value)) {
        value["isBasedOn"] = serde_json::json!({ "@type": "CreativeWork", "name": src.title, "url": format!("{}{}", site.config.base_url, src.url()) });
    }
    // `<` never appears raw, so the JSON cannot close its script element.
    value.to_string().replace('<', "\\u003c")
}

/// How many of the latest timeline entries the home page shows.
const HOME_TIMELINE: usize = 40;

/// The URLs of the list pages (`""` is home).
pub(super) const LIST_URLS: [&str; 9] = [
    "",
    "who-said-what/",
    "actors/",
    "statements/",
    "timeline/",
    "404.html",
    "atom.xml",
    "sitemap.xml",
    super::method::METHOD_URL,
];

/// The list pages that `wanted` selects by URL (`""` is home).
pub(super) fn list_jobs(site: &Site, shared: &Shared, wanted: &(dyn Fn(&str) -> bool + Sync)) -> Vec<Job> {
    // (Sorted only when a page that shows them is wanted.)
    let statements_by_date = if ["", "who-said-what/", "statements/"].into_iter().any(wanted) {
        let mut ids: Vec<NoteId> = site.of_kind(Kind::Statement).collect();
        // Each note's key found once, not twice per comparison.
        ids.sort_by_cached_key(|&id| site.notes[id].date_key());
        ids
    } else {
        Vec::new()
    };
    let timeline = if wanted("") || wanted("timeline/") { site.timeline() } else { Vec::new() };
    let mut jobs = Vec::new();
    if wanted("") {
        jobs.push(home_job(site, shared, &timeline, &statements_by_date));
    }
    if wanted("who-said-what/") {
        jobs.push(who_said_what_job(site, shared, &statements_by_date));
    }
    if wanted("actors/") {
        jobs.push(actors_job(site, shared));
    }
    if wanted("statements/") {
        let mut c = base_context(site, shared, "statements/", "Statements");
        c.insert_value("statements", cards(&shared.cards, &statements_by_date));
        jobs.push(Job { url: "statements/".into(), template: "statements.html", context: c });
    }
    if wanted("timeline/") {
        let mut c = base_context(site, shared, "timeline/", "Timeline");
        c.insert_value("entries", cards(&shared.cards, &timeline));
        jobs.push(Job { url: "timeline/".into(), template: "timeline.html", context: c });
    }
    if wanted("404.html") {
        // The 404 page is served at any depth, so its links start from the base URL's path.
        let mut c = base_context(site, shared, "404.html", "Page not found");
        c.insert("root", &base_path(&site.config.base_url));
        jobs.push(Job { url: "404.html".into(), template: "404.html", context: c });
    }
    if wanted("atom.xml") {
        jobs.push(feed_job(site, shared));
    }
    if wanted("sitemap.xml") {
        jobs.push(sitemap_job(site, shared));
    }
    if wanted(super::method::METHOD_URL) {
        let url = super::method::METHOD_URL;
        let mut c = base_context(site, shared, url, "How this page reads the words");
        c.insert_value("wording", super::method::wording_context(site, &shared.language));
        jobs.push(Job { url: url.into(), template: "how-we-read-the-words.html", context: c });
    }
    jobs
}

/// The home page: the introduction, the comparisons and actors, the
/// latest entries of the timeline and the "who spoke to whom" graph.
fn home_job(site: &Site, shared: &Shared, timeline: &[NoteId], statements_by_date: &[NoteId]) -> Job {
    let all = |kind: Kind| site.of_kind(kind).collect::<Vec<_>>();
    let title = site.home.as_ref().map(|h| h.title.as_str()).filter(|t| !t.is_empty()).unwrap_or(&site.config.title);
    let mut c = base_context(site, shared, "", title);
    let intro = site.home.as_ref().map_or_else(String::new, |h| to_html(h.body(), &h.path, &h.headings, "", site));
    c.insert_value("intro", Value::safe_string(&intro));
    c.insert_value("comparisons", cards(&shared.cards, &all(Kind::Comparison)));
    c.insert_value("actors", cards(&shared.cards, &all(Kind::Actor)));
    // The home page shows the latest entries; /timeline/ has them all.
    let latest = &timeline[timeline.len().saturating_sub(HOME_TIMELINE)..];
    c.insert_value("timeline", cards(&shared.cards, latest));
    c.insert_value("timeline_count", timeline.len().into());
    c.insert_value("statements", cards(&shared.cards, statements_by_date));
    c.insert_value("graph", Value::safe_string(&graph::speaker_graph(site, "", &shared.groups)));
    Job { url: String::new(), template: "home.html", context: c }
}

/// Who said what: a row per statement (by date), a cell per theme.
fn who_said_what_job(site: &Site, shared: &Shared, statements_by_date: &[NoteId]) -> Job {
    let mut c = base_context(site, shared, "who-said-what/", "Who said what");
    let themes: Vec<Value> = site
        .config
        .themes
        .iter()
        .map(|t| {
            map([
                ("name", t.name.as_str().into()),
                ("id", theme_id(&t.name).into()),
                ("terms", Value::from(t.terms.clone())),
            ])
        })
        .collect();
    c.insert_value("themes", Value::from(themes));
    let rows: Vec<Value> = statements_by_date
        .par_iter()
        .map(|&id| {
            let words: Vec<&str> =
                site.notes[id].quotations.iter().filter(|q| q.block).map(|q| q.text.as_str()).collect();
            let hits = find_themes(&site.config.themes, &words.join("\n"));
            let cells: Vec<Value> = site
                .config
                .themes
                .iter()
                .enumerate()
                .map(|(i, t)| match hits.iter().find(|h| h.theme == i) {
                    Some(h) => map([
                        ("term", h.term.as_str().into()),
                        ("href", format!("{}#{}", site.urls[id], theme_id(&t.name)).into()),
                    ]),
                    None => Value::none(),
                })
                .collect();
            map([("note", shared.cards[id].clone()), ("cells", Value::from(cells))])
        })
        .collect();
    c.insert_value("rows", Value::from(rows));
    Job { url: "who-said-what/".into(), template: "who-said-what.html", context: c }
}

/// The actors, all of them and grouped by kind.
fn actors_job(site: &Site, shared: &Shared) -> Job {
    let mut c = base_context(site, shared, "actors/", "Actors");
    let actors: Vec<NoteId> = site.of_kind(Kind::Actor).collect();
    for (key, kind) in [("people", "person"), ("institutions", "institution"), ("countries", "country")] {
        let ids: Vec<NoteId> = actors
            .iter()
            .copied()
            .filter(|&id| matches!(&site.notes[id].meta, Meta::Actor(a) if a.kind.as_str() == kind))
            .collect();
        c.insert_value(key, cards(&shared.cards, &ids));
    }
    c.insert_value("actors", cards(&shared.cards, &actors));
    Job { url: "actors/".into(), template: "actors.html", context: c }
}

/// The Atom feed: the newest statements, each with its body.
fn feed_job(site: &Site, shared: &Shared) -> Job {
    let feed_ids = shared.feed(site);
    // An Atom time: the note's day at midnight UTC (the epoch without one).
    let stamp = |id: Option<NoteId>| {
        let date = id.and_then(|id| site.notes[id].date.as_ref());
        format!("{}T00:00:00Z", date.map_or_else(|| "1970-01-01".to_string(), |d| d.value.to_string()))
    };
    let mut c = base_context(site, shared, "atom.xml", &site.config.title);
    c.insert("updated", &stamp(feed_ids.first().copied()));
    let entries: Vec<Value> = feed_ids
        .iter()
        .map(|&id| {
            map([
                ("note", shared.cards[id].clone()),
                ("updated", stamp(Some(id)).into()),
                ("body", shared.body(site, id)),
            ])
        })
        .collect();
    c.insert_value("entries", Value::from(entries));
    Job { url: "atom.xml".into(), template: "atom.xml", context: c }
}

/// The sitemap: every page's address.
fn sitemap_job(site: &Site, shared: &Shared) -> Job {
    let lists = ["", "actors/", "statements/", "timeline/", "who-said-what/", super::method::METHOD_URL];
    let urls = lists.into_iter().chain(site.urls.iter().map(|u| &**u));
    let mut c = base_context(site, shared, "sitemap.xml", "Sitemap");
    c.insert("urls", &urls.map(|u| format!("{}{}", site.config.base_url, u)).collect::<Vec<_>>());
    Job { url: "sitemap.xml".into(), template: "sitemap.xml", context: c }
}
