//! What the site claims: every quotation is a checked quotation, a
//! paraphrase is never in quotation marks, and every date says what is
//! known about it.

use std::fs;
use std::path::Path;

use crate::common::*;

fn edit(root: &Path, file: &str, from: &str, to: &str) {
    let path = root.join(file);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{from:?} not in {file}");
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// The `<meta property="og:description">` of a page.
fn og_description(doc: &scraper::Html) -> String {
    attrs(doc, "meta[property='og:description']", "content").concat()
}

/// The JSON-LD of a page, parsed.
fn jsonld(doc: &scraper::Html) -> serde_json::Value {
    let text = texts(doc, "script[type='application/ld+json']").concat();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[test]
fn words_in_quotation_marks_in_a_statement_body_are_its_own_words() {
    let site = fixture("basic");
    // No blockquote left: the only own words are in quotation marks.
    edit(
        site.path(),
        "content/statements/beta.md",
        "> Those behind it must be brought to justice",
        "He wrote: “Those behind it must be brought to justice”.",
    );
    let out = build(site.path());
    let matrix = page(&out, "who-said-what/");
    let row = texts(&matrix, "tr[data-slug='beta'] td.hit a");
    assert_eq!(row, ["“justice”"]);
    // The cell's link lands on the marked word of the statement's page.
    let statement = page(&out, "statements/beta/");
    assert_eq!(texts(&statement, "#theme-justice"), ["justice"]);
    // The comparison shows them as Bob's words.
    let cmp = page(&out, "compare/alpha-vs-beta/");
    assert!(texts(&cmp, ".side").concat().contains("Those behind it must be brought to justice"));
    assert_eq!(og_description(&statement), "Bob Sample: “Those behind it must be brought to justice”");
    assert_eq!(jsonld(&statement)["text"], "Those behind it must be brought to justice");
}

#[test]
fn a_paraphrase_is_never_shown_in_quotation_marks() {
    let site = default_site();
    let out = build(site.path());
    let matrix = page(&out, "who-said-what/");
    let china = texts(&matrix, "tr[data-slug='china-position'] td.hit a");
    assert_eq!(china, ["de-escalation"], "the report's words, not China's: no quotation marks");
    let readout = texts(&matrix, "tr[data-slug='rubio-jaishankar-readout'] td.hit a");
    assert!(readout.contains(&"“de-escalate”".to_string()), "{readout:?}");
    for slug in ["china-position", "modi-hunted-down", "talks-and-terror", "mea-no-response"] {
        let doc = page(&out, &format!("statements/{slug}/"));
        let description = og_description(&doc);
        assert!(!description.contains('“') && !description.is_empty(), "{slug}: {description}");
        assert!(jsonld(&doc).get("text").is_none(), "{slug}: a paraphrase's Quotation carries no text");
    }
}

#[test]
fn a_statement_page_describes_itself_by_its_own_words() {
    let site = default_site();
    let out = build(site.path());
    let doc = page(&out, "statements/rubio-jaishankar-readout/");
    assert_eq!(
        og_description(&doc),
        "Marco Rubio: “to work with Pakistan to de-escalate tensions and maintain peace and security in South Asia”"
    );
    let quotation = jsonld(&doc);
    assert_eq!(quotation["@type"], "Quotation");
    assert_eq!(
        quotation["text"],
        "to work with Pakistan to de-escalate tensions and maintain peace and security in South Asia"
    );
}

#[test]
fn the_matrix_tells_readers_what_a_theme_is_not_where_it_is_set() {
    let site = default_site();
    let out = build(site.path());
    let text = fs::read_to_string(out.join("who-said-what/index.html")).unwrap();
    assert!(!text.contains("site.toml"), "readers are not writers");
}

#[test]
fn date_note_is_shown_wherever_the_date_is() {
    let site = default_site();
    let out = build(site.path());
    const NOTE: &str = "the report does not date it";
    // China's position: its own page, the lists, China's page, the timeline, home.
    for path in ["statements/china-position/", "statements/", "actors/china/", "timeline/", "", "who-said-what/"] {
        let doc = page(&out, path);
        let dates = texts(&doc, "time[datetime='2025-05-01'] + .date-note");
        assert!(dates.iter().any(|d| d.contains(NOTE)), "/{path}: {dates:?}");
    }
    let feed = fs::read_to_string(out.join("atom.xml")).unwrap();
    assert!(feed.contains(&format!("1 May 2025 ({NOTE})")), "the feed says it too");
    // An event's note: the Uri attack.
    let uri = page(&out, "events/uri-attack/");
    assert!(texts(&uri, ".date-note").concat().contains("close to a decade before Pahalgam"));
}

#[test]
fn approximate_dates_show_as_a_month_or_a_year_and_sort_at_their_start() {
    let site = fixture("basic");
    edit(site.path(), "content/statements/beta.md", "date = 2025-05-01", "date = \"2025-04\"");
    edit(
        site.path(),
        "content/events/the-call.md",
        "date = 2025-04-30",
        "date = 2025\ndate_note = \"the wire gives only the year\"",
    );
    let out = build(site.path());
    let beta = page(&out, "statements/beta/");
    assert_eq!(texts(&beta, ".facts time"), ["April 2025"]);
    assert_eq!(attrs(&beta, ".facts time", "datetime"), ["2025-04"]);
    let call = page(&out, "events/the-call/");
    assert_eq!(texts(&call, ".facts time"), ["2025"]);
    assert!(texts(&call, ".date-note").concat().contains("the wire gives only the year"));
    // The year sorts at its start, the month at its first day: before the day in April.
    let timeline = texts(&page(&out, "timeline/"), "main li time");
    let (year, month, day) = (
        timeline.iter().position(|t| t == "2025").unwrap(),
        timeline.iter().position(|t| t == "April 2025").unwrap(),
        timeline.iter().position(|t| t == "30 April 2025").unwrap(),
    );
    let ascending = year < month && month < day;
    assert!(ascending || (year > month && month > day), "in date order either way: {timeline:?}");
}

#[test]
fn an_event_and_a_statement_with_one_title_are_told_apart_on_the_timeline() {
    let site = fixture("basic");
    edit(site.path(), "content/events/the-call.md", "title = \"The call\"", "title = \"Alice's call readout\"");
    let out = build(site.path());
    for path in ["timeline/", ""] {
        let entries: Vec<String> = texts(&page(&out, path), ".timeline li")
            .into_iter()
            .filter(|e| e.contains("Alice's call readout"))
            .collect();
        assert_eq!(entries.len(), 2, "/{path}: {entries:?}");
        assert_ne!(entries[0], entries[1], "/{path}: the two entries read alike");
        assert!(entries.iter().any(|e| e.contains("Event")), "/{path}: {entries:?}");
        assert!(entries.iter().any(|e| e.contains("Call readout") && e.contains("Alice")), "/{path}: {entries:?}");
    }
}

#[test]
fn every_page_that_colours_countries_has_the_legend() {
    let site = default_site();
    let out = build(site.path());
    for path in [
        "",
        "actors/",
        "statements/",
        "timeline/",
        "who-said-what/",
        "actors/marco-rubio/",
        "statements/china-position/",
        "compare/readout-vs-jaishankar/",
        "events/uri-attack/",
    ] {
        let legend = texts(&page(&out, path), ".legend li");
        assert_eq!(legend, ["China", "India", "Pakistan", "South Korea", "United States"], "/{path}");
    }
}
