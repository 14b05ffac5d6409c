//! Building good sites: pages, links, backlinks, drafts, feed, sitemap,
//! determinism and atomic output.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use crate::common::*;

#[test]
fn actor_page_lists_what_was_said_by_to_and_about_them() {
    let site = fixture("basic");
    let out = build(site.path());
    let alice = page(&out, "actors/alice/");
    assert_eq!(texts(&alice, "h1"), ["Alice Example"]);
    let said = texts(&alice, "#said-h + ul li a");
    assert_eq!(said, ["Alice's call readout"], "drafts are left out");
    assert_eq!(texts(&alice, "#about-h + ul li a"), ["Bob's post"]);
    let bob = page(&out, "actors/bob/");
    assert_eq!(texts(&bob, "#addressed-h + ul li a"), ["Alice's call readout"]);
    assert!(texts(&bob, "#events-h + ul li a").contains(&"The call".to_string()));
    assert!(texts(&alice, "#comparisons-h + ul li a").contains(&"Alice's readout and Bob's post".to_string()));
}

#[test]
fn statement_links_speaker_source_event_and_comparisons() {
    let site = fixture("basic");
    let out = build(site.path());
    let alpha = page(&out, "statements/alpha/");
    let hrefs = attrs(&alpha, ".facts a", "href");
    for expected in ["../../actors/alice/", "../../actors/bob/", "../../events/the-call/", "../../sources/wire-story/"]
    {
        assert!(hrefs.iter().any(|h| h == expected), "{expected} not in {hrefs:?}");
    }
    assert_eq!(attrs(&alpha, "#comparisons-h + ul a", "href"), ["../../compare/alpha-vs-beta/"]);
    // JSON-LD Quotation with speaker and date.
    let ld = texts(&alpha, "script[type='application/ld+json']").join("");
    let json: serde_json::Value = serde_json::from_str(&ld).expect("valid JSON-LD");
    assert_eq!(json["@type"], "Quotation");
    assert_eq!(json["spokenByCharacter"]["name"], "Alice Example");
    assert_eq!(json["dateCreated"], "2025-04-30");
}

#[test]
fn backlinks_show_the_sentence_around_the_link() {
    let site = fixture("basic");
    let out = build(site.path());
    let alice = page(&out, "actors/alice/");
    let mentions = texts(&alice, ".backlinks li");
    assert!(
        mentions.iter().any(|m| m.contains("Bob Sample") && m.contains("He answered the minister once.")),
        "{mentions:?}"
    );
    assert!(mentions.iter().any(|m| m.contains("A country whose minister is Alice Example.")), "{mentions:?}");
}

#[test]
fn wikilinks_and_md_links_become_relative_page_urls() {
    let site = fixture("basic");
    let out = build(site.path());
    let beta = page(&out, "statements/beta/");
    assert!(attrs(&beta, ".body a", "href").contains(&"../../actors/alice/#career".to_string()));
    let bob = page(&out, "actors/bob/");
    let links: Vec<_> = texts(&bob, ".body a");
    assert!(links.contains(&"Sylvania".to_string()), "wikilink text defaults to the name: {links:?}");
    assert!(links.contains(&"the minister".to_string()));
    let alice = page(&out, "actors/alice/");
    assert_eq!(attrs(&alice, "h2#career", "id"), ["career"], "headings get stable ids");
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let site = fixture("basic");
    let out = build(site.path());
    assert!(!out.join("statements/gamma-draft").exists());
    let out2 = site.path().join("with-drafts");
    let r =
        readout(&["build", "--root", site.path().to_str().unwrap(), "--output", out2.to_str().unwrap(), "--drafts"]);
    assert!(r.status.success(), "{}", stderr(&r));
    assert!(out2.join("statements/gamma-draft/index.html").exists());
}

#[test]
fn editor_leftovers_hidden_files_crlf_and_bom_are_handled() {
    let site = fixture("basic");
    let out = build(site.path());
    // freedonia.md has a BOM and CRLF line endings.
    assert_eq!(texts(&page(&out, "actors/freedonia/"), "h1"), ["Freedonia"]);
    // .#alpha.md, alpha.md~, .alpha.md.swp and 4913 are not notes.
    let statements: Vec<_> =
        fs::read_dir(out.join("statements")).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    let mut statements = statements;
    statements.sort();
    assert_eq!(statements, ["alpha", "beta", "index.html"]);
}

/// Follows every relative link of every page as a browser would, with the
/// site served under `prefix`, and returns the links that lead nowhere.
fn broken_links(out: &Path, prefix: &str) -> Vec<String> {
    let mut broken = Vec::new();
    let base = url::Url::parse(&format!("http://127.0.0.1{prefix}")).unwrap();
    for file in html_files(out) {
        if file == "404.html" {
            continue;
        }
        let page_url = base.join(file.trim_end_matches("index.html")).unwrap();
        let doc = page(out, &file);
        let links = attrs(&doc, "a[href]", "href").into_iter().chain(attrs(&doc, "link[href]", "href"));
        for href in links {
            if href.starts_with("http") && !href.starts_with("http://127.0.0.1") {
                continue;
            }
            let target = page_url.join(&href).unwrap();
            let Some(path) = target.path().strip_prefix(prefix) else {
                broken.push(format!("{file}: {href} leaves the site"));
                continue;
            };
            let mut local = out.join(path);
            if path.is_empty() || path.ends_with('/') {
                local = local.join("index.html");
            }
            if !local.exists() {
                broken.push(format!("{file}: {href} → {path}"));
            } else if let Some(fragment) = target.fragment()
                && local.extension().is_some_and(|e| e == "html")
            {
                let text = fs::read_to_string(&local).unwrap();
                if !text.contains(&format!("id=\"{fragment}\"")) {
                    broken.push(format!("{file}: {href} has no #{fragment}"));
                }
            }
        }
    }
    broken
}

#[test]
fn relative_links_resolve_under_any_sub_path() {
    for (name, site) in [("basic", fixture("basic")), ("default", default_site())] {
        let out = build(site.path());
        for prefix in ["/", "/explainers/pahalgam/", "/a/b/c/"] {
            let broken = broken_links(&out, prefix);
            assert!(broken.is_empty(), "{name} under {prefix}: {broken:#?}");
        }
    }
}

#[test]
fn feed_holds_the_newest_statements_up_to_feed_limit() {
    let site = fixture("basic");
    let config = site.path().join("site.toml");
    let text = fs::read_to_string(&config).unwrap();
    fs::write(&config, text.replace("quotations = \"error\"", "quotations = \"error\"\nfeed_limit = 1")).unwrap();
    let out = build(site.path());
    let feed = fs::read_to_string(out.join("atom.xml")).unwrap();
    let doc = roxmltree::Document::parse(&feed).expect("atom.xml is XML");
    let titles: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("entry"))
        .filter_map(|e| e.children().find(|n| n.has_tag_name("title"))?.text())
        .collect();
    assert_eq!(titles, ["Bob's post"], "only the newest");
    let statements = fs::read_to_string(out.join("statements/index.html")).unwrap();
    assert!(statements.contains("call readout"), "the statements page still lists every statement");

    fs::write(&config, text.replace("quotations = \"error\"", "quotations = \"error\"\nfeed_limit = -1")).unwrap();
    let out = readout(&["build", "--root", site.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("site.toml:6:"), "{}", stderr(&out));
}

#[test]
fn home_shows_the_latest_timeline_entries_and_the_timeline_page_all() {
    let site = fixture("basic");
    let events = site.path().join("content/events");
    for day in 1..=45 {
        fs::write(
            events.join(format!("day-{day:02}.md")),
            format!("+++\ntitle = \"Day {day}\"\ndate = 2025-05-{:02}\n+++\n", (day - 1) % 28 + 1),
        )
        .unwrap();
    }
    let out = build(site.path());
    let all = texts(&page(&out, "timeline/"), "ol.timeline > li").len();
    assert!(all >= 46, "the timeline page lists every dated note: {all}");
    let home = page(&out, "");
    let shown = texts(&home, "ol.timeline.compact > li");
    assert_eq!(shown.len(), 40);
    assert_eq!(texts(&home, "#timeline-h + p.meta"), [format!("The latest 40 of {all} entries.")]);
    assert!(shown.last().unwrap().contains("Day 28"), "the latest come last, in date order: {shown:?}");
    assert!(!shown.iter().any(|e| e.contains("The call")), "the oldest is left out: {shown:?}");

    // A small site's home page shows its whole timeline, and says nothing of it.
    let small = fixture("basic");
    let out = build(small.path());
    assert!(texts(&page(&out, ""), "#timeline-h + p.meta").is_empty());
}

#[test]
fn feed_and_sitemap_parse_and_use_absolute_urls() {
    let site = fixture("basic");
    let out = build(site.path());
    let feed = fs::read_to_string(out.join("atom.xml")).unwrap();
    let doc = roxmltree::Document::parse(&feed).expect("atom.xml is XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "feed");
    assert_eq!(root.tag_name().namespace(), Some("http://www.w3.org/2005/Atom"));
    let entries: Vec<_> = root.children().filter(|n| n.has_tag_name("entry")).collect();
    assert_eq!(entries.len(), 2);
    let first_title = entries[0].children().find(|n| n.has_tag_name("title")).unwrap().text();
    assert_eq!(first_title, Some("Bob's post"), "newest first");
    let id = entries[0].children().find(|n| n.has_tag_name("id")).unwrap().text().unwrap();
    assert_eq!(id, "https://example.org/fixture/statements/beta/");
    for required in ["id", "title", "updated"] {
        assert!(root.children().any(|n| n.has_tag_name(required)), "feed lacks {required}");
    }

    let sitemap = fs::read_to_string(out.join("sitemap.xml")).unwrap();
    let doc = roxmltree::Document::parse(&sitemap).expect("sitemap.xml is XML");
    let locs: BTreeSet<&str> = doc.descendants().filter(|n| n.has_tag_name("loc")).filter_map(|n| n.text()).collect();
    assert!(locs.contains("https://example.org/fixture/actors/alice/"));
    assert!(locs.contains("https://example.org/fixture/"));
    assert!(!locs.iter().any(|l| l.contains("gamma-draft")));
}

#[test]
fn base_url_flag_overrides_site_toml() {
    let site = fixture("basic");
    let out = site.path().join("out");
    let r = readout(&[
        "build",
        "--root",
        site.path().to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
        "--base-url",
        "https://news.example.com/x",
    ]);
    assert!(r.status.success(), "{}", stderr(&r));
    let alice = page(&out, "actors/alice/");
    assert_eq!(attrs(&alice, "link[rel=canonical]", "href"), ["https://news.example.com/x/actors/alice/"]);
}

#[test]
fn two_builds_are_byte_identical() {
    let site = fixture("basic");
    let a = site.path().join("a");
    let b = site.path().join("b");
    for out in [&a, &b] {
        let r = readout(&["build", "--root", site.path().to_str().unwrap(), "--output", out.to_str().unwrap()]);
        assert!(r.status.success(), "{}", stderr(&r));
    }
    let files = |dir: &Path| -> Vec<(String, Vec<u8>)> {
        let mut v: Vec<_> = walkdir::WalkDir::new(dir)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| (e.path().strip_prefix(dir).unwrap().display().to_string(), fs::read(e.path()).unwrap()))
            .collect();
        v.sort();
        v
    };
    let (fa, fb) = (files(&a), files(&b));
    assert_eq!(fa.len(), fb.len());
    for ((pa, ca), (pb, cb)) in fa.iter().zip(&fb) {
        assert_eq!(pa, pb);
        assert!(ca == cb, "{pa} differs between two builds");
    }
}

#[test]
fn a_template_looping_over_a_note_gets_its_fields_in_one_order() {
    // A map's entries come out in the order they were put in (by name), not
    // in a hash order that changes from one run to the next.
    let site = fixture("basic");
    fs::create_dir_all(site.path().join("templates")).unwrap();
    fs::write(
        site.path().join("templates/event.html"),
        "{% extends \"base.html\" %}{% block main %}<p id=\"fields\">{% for k, v in note %}{{ k }} {% endfor %}</p>{% endblock main %}",
    )
    .unwrap();
    let out = build(site.path());
    let fields = texts(&page(&out, "events/the-call/"), "#fields").join("");
    let fields: Vec<&str> = fields.split_whitespace().collect();
    let mut sorted = fields.clone();
    sorted.sort_unstable();
    assert!(fields.len() > 5, "{fields:?}");
    assert_eq!(fields, sorted);
}

#[test]
fn failed_build_leaves_previous_output_untouched() {
    let site = fixture("basic");
    let out = build(site.path());
    let before = fs::read(out.join("actors/alice/index.html")).unwrap();
    fs::write(site.path().join("content/actors/alice.md"), "+++\nname = \"Alice\"\nkind = \"martian\"\n+++\n").unwrap();
    let r = readout(&["build", "--root", site.path().to_str().unwrap(), "--output", out.to_str().unwrap()]);
    assert_eq!(r.status.code(), Some(1));
    assert_eq!(fs::read(out.join("actors/alice/index.html")).unwrap(), before);
    let leftovers = build_leftovers(site.path());
    assert!(leftovers.is_empty(), "temporary folders left: {leftovers:?}");
}

#[test]
fn build_summary_names_pages_files_time_and_folder() {
    let site = fixture("basic");
    let out = site.path().join("public");
    let r = readout(&["build", "--root", site.path().to_str().unwrap(), "--output", out.to_str().unwrap()]);
    let text = stdout(&r);
    assert!(text.contains("4 actors, 2 statements, 1 event, 1 comparison, 1 source"), "{text}");
    assert!(text.contains(" ms "), "{text}");
    assert!(text.contains(&out.display().to_string()), "{text}");
    let quiet = readout(&["build", "-q", "--root", site.path().to_str().unwrap(), "--output", out.to_str().unwrap()]);
    assert!(quiet.status.success());
    assert!(stdout(&quiet).is_empty());
}

/// "— 20 files, 3 written, 1 removed, in …": the files a build's summary
/// says the output holds, and how many it wrote and removed.
fn written_and_removed(summary: &str) -> (usize, usize, usize) {
    let tail = summary.rsplit_once(" — ").map(|(_, t)| t).unwrap_or_else(|| panic!("no counts in {summary:?}"));
    let count = |word: &str| -> usize {
        let before = &tail[..tail.find(word).unwrap_or_else(|| panic!("{word} missing from {tail:?}"))];
        before.split_whitespace().last().unwrap().parse().unwrap()
    };
    (count(" files,"), count(" written,"), count(" removed,"))
}

#[test]
fn a_rebuild_with_no_change_writes_no_page() {
    let site = fixture("basic");
    let out = site.path().join("public");
    let root = site.path().to_str().unwrap();
    let run = || {
        let r = readout(&["build", "--root", root, "--output", out.to_str().unwrap()]);
        assert!(r.status.success(), "{}", stderr(&r));
        written_and_removed(&stdout(&r))
    };
    let (files, first, _) = run();
    assert_eq!(first, files + 1, "the first build writes every page, static file and the marker");
    run(); // the first build beside an output makes its staging folder whole
    assert_eq!(run(), (files, 0, 0), "nothing changed, nothing written");
    assert_eq!(run(), (files, 0, 0));
    let before: Vec<String> = html_files(&out);
    // One event's title: its page, and the pages that list it, change.
    let event = site.path().join("content/events/the-call.md");
    let text = fs::read_to_string(&event).unwrap();
    fs::write(&event, text.replacen("title = \"", "title = \"Renamed: ", 1)).unwrap();
    let (_, written, removed) = run();
    assert!(written > 0 && written < files / 2, "{written} of {files} files written after one title changed");
    // Nothing goes (the search index's files are named by note number, not by content); every page stays.
    assert!(removed < written, "{removed} removed, {written} written");
    assert_eq!(html_files(&out), before);
    assert!(page(&out, "events/the-call/").html().contains("Renamed: "));
    // The staging folder, a build behind, catches up; then nothing is written again.
    assert_eq!(run().1, written);
    assert_eq!(run(), (files, 0, 0));
}

#[test]
fn new_writes_a_note_that_builds_and_never_overwrites() {
    let site = fixture("basic");
    let root = site.path().to_str().unwrap();
    let r = readout(&["new", "actor", "carol", "--root", root]);
    assert!(r.status.success(), "{}", stderr(&r));
    let text = fs::read_to_string(site.path().join("content/actors/carol.md")).unwrap();
    assert!(text.contains("aliases = []") && text.contains('#'), "{text}");
    let check = readout(&["check", "--root", root]);
    assert!(check.status.success(), "a new actor note checks clean: {}", stderr(&check));
    let again = readout(&["new", "actor", "carol", "--root", root]);
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("already exists"));
    let bad = readout(&["new", "statement", "Carol Call", "--root", root]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("carol-call"));
}

#[test]
fn new_with_the_required_fields_writes_a_statement_that_builds_as_is() {
    let site = fixture("basic");
    let root = site.path().to_str().unwrap();
    let args = [
        "new",
        "statement",
        "alice-post",
        "--speaker",
        "alice",
        "--date",
        "2025-04-30",
        "--medium",
        "post",
        "--source",
        "wire-story",
    ];
    let r = readout(&[&args[..], &["--root", root]].concat());
    assert!(r.status.success(), "{}", stderr(&r));
    assert!(!stderr(&r).contains("fill in"), "nothing left to fill: {}", stderr(&r));
    let check = readout(&["check", "--root", root]);
    assert!(check.status.success(), "the new statement builds as written: {}", stderr(&check));
}

#[test]
fn new_without_the_required_fields_says_which_to_fill() {
    let site = fixture("basic");
    let root = site.path().to_str().unwrap();
    let r = readout(&["new", "statement", "bob-remark", "--root", root]);
    assert!(r.status.success(), "{}", stderr(&r));
    let err = stderr(&r);
    assert!(err.contains("fill in `speaker`, `date`, `medium`"), "{err}");
    assert!(err.contains("--speaker … --date … --medium …"), "{err}");
    let r = readout(&["new", "comparison", "alpha-and-beta", "--left", "alpha", "--root", root]);
    assert!(stderr(&r).contains("fill in `right`"), "{}", stderr(&r));
}

#[test]
fn new_refuses_a_slug_another_kind_has_and_values_that_would_not_build() {
    let site = fixture("basic");
    let root = site.path().to_str().unwrap();
    let r = readout(&["new", "event", "alice", "--root", root]);
    assert_eq!(r.status.code(), Some(2));
    assert!(stderr(&r).contains("`alice` is taken: content/actors/alice.md has it"), "{}", stderr(&r));
    assert!(!site.path().join("content/events/alice.md").exists());
    for (option, value, says) in [
        ("--speaker", "alicia", "there is no content/actors/alicia.md"),
        ("--date", "2025-11-22T14:30:00", "a date has no time"),
        ("--medium", "tweet", "must be one of readout, post"),
    ] {
        let r = readout(&["new", "statement", "carol-post", option, value, "--root", root]);
        assert_eq!(r.status.code(), Some(2), "{option}");
        assert!(stderr(&r).contains(says), "{option}: {}", stderr(&r));
    }
    assert!(!site.path().join("content/statements/carol-post.md").exists());
}

#[test]
fn check_writes_nothing() {
    let site = fixture("basic");
    let r = readout(&["check", "--root", site.path().to_str().unwrap()]);
    assert!(r.status.success(), "{}", stderr(&r));
    assert!(!site.path().join("public").exists());
}

#[test]
fn static_files_are_copied_and_builtin_style_is_provided() {
    let site = fixture("basic");
    let out = build(site.path());
    assert_eq!(fs::read_to_string(out.join("extra.css")).unwrap(), "body { color: black; }\n");
    assert!(out.join("style.css").exists());
}

#[test]
fn a_sites_extra_css_is_loaded_after_the_built_in_style() {
    let site = fixture("basic");
    let out = build(site.path());
    let home = page(&out, "");
    let sheets = attrs(&home, "link[rel=stylesheet]", "href");
    assert_eq!(sheets, ["style.css", "groups.css", "extra.css"], "the site's rules come last, so they win");
    let built_in = fs::read_to_string(out.join("style.css")).unwrap();
    assert!(built_in.len() > 1000, "the built-in style is still there");
}

#[test]
fn a_static_file_replacing_the_built_in_style_is_warned_about() {
    let site = fixture("basic");
    fs::write(site.path().join("static/style.css"), "body { margin: 0; }\n").unwrap();
    let r = readout(&["build", "--root", site.path().to_str().unwrap()]);
    assert!(r.status.success(), "{}", stderr(&r));
    let err = stderr(&r);
    assert!(
        err.contains("static/style.css:1:1: warning: static/style.css replaces readout's whole built-in style.css"),
        "{err}"
    );
    assert!(err.contains("put them in static/extra.css"), "{err}");
    // The default site's copy of the built-in style is the same file: no warning.
    let default = default_site();
    let r = readout(&["build", "--root", default.path().to_str().unwrap()]);
    assert!(!stderr(&r).contains("replaces readout's"), "{}", stderr(&r));
}

#[test]
fn every_page_has_a_favicon_and_a_site_can_bring_its_own() {
    let site = fixture("basic");
    let out = build(site.path());
    for path in ["", "actors/alice/", "404.html"] {
        assert_eq!(attrs(&page(&out, path), "link[rel=icon]", "href").len(), 1, "{path}");
    }
    assert!(fs::read_to_string(out.join("favicon.svg")).unwrap().starts_with("<svg"));
    fs::write(site.path().join("static/favicon.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>").unwrap();
    let r = readout(&["build", "--root", site.path().to_str().unwrap()]);
    assert!(!stderr(&r).contains("warning"), "replacing the favicon is expected: {}", stderr(&r));
    assert_eq!(
        fs::read_to_string(site.path().join("public/favicon.svg")).unwrap(),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"
    );
}

#[test]
fn built_pages_never_carry_the_live_reload_script() {
    let site = fixture("basic");
    let out = build(site.path());
    for file in html_files(&out) {
        let text = fs::read_to_string(out.join(&file)).unwrap();
        assert!(!text.contains("__readout") && !text.contains("WebSocket"), "{file} has the reload script");
    }
}

#[test]
fn template_error_while_rendering_leaves_previous_output_untouched() {
    let site = fixture("basic");
    let out = build(site.path());
    let before = fs::read(out.join("events/the-call/index.html")).unwrap();
    fs::create_dir_all(site.path().join("templates")).unwrap();
    fs::write(
        site.path().join("templates/event.html"),
        "{% extends \"base.html\" %}{% block main %}{{ note.nothing.here }}{% endblock main %}",
    )
    .unwrap();
    let r = readout(&["build", "--root", site.path().to_str().unwrap(), "--output", out.to_str().unwrap()]);
    assert_eq!(r.status.code(), Some(1), "{}", stderr(&r));
    assert!(stderr(&r).contains("templates/event.html:1:"), "{}", stderr(&r));
    assert_eq!(fs::read(out.join("events/the-call/index.html")).unwrap(), before);
    let leftovers = build_leftovers(site.path());
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// Fetches `url` over HTTP/1.1; returns the status and body.
pub fn fetch(url: &url::Url) -> (u16, String) {
    use std::io::{Read, Write};
    let addr = format!("{}:{}", url.host_str().unwrap(), url.port().unwrap());
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(stream, "GET {} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", url.path()).unwrap();
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    let status = response.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = response.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    (status, body)
}

#[test]
fn one_build_served_under_two_sub_paths_follows_every_link() {
    let site = default_site();
    let out = build(site.path());
    for prefix in ["/explainers/pahalgam/", "/a/b/"] {
        let addr = serve_dir_under(&out, prefix);
        let start = url::Url::parse(&format!("http://{addr}{prefix}")).unwrap();
        let mut seen = BTreeSet::new();
        let mut queue = vec![start.clone()];
        while let Some(url) = queue.pop() {
            let mut key = url.clone();
            key.set_fragment(None);
            if !seen.insert(key.to_string()) {
                continue;
            }
            let (status, body) = fetch(&key);
            assert_eq!(status, 200, "{key} (under {prefix})");
            if !key.path().ends_with('/') && !key.path().ends_with(".html") {
                continue;
            }
            let doc = scraper::Html::parse_document(&body);
            for href in attrs(&doc, "a[href]", "href").into_iter().chain(attrs(&doc, "link[href]", "href")) {
                let next = key.join(&href).unwrap();
                if next.host_str() == start.host_str() && next.port() == start.port() {
                    assert!(next.path().starts_with(prefix), "{href} on {key} leaves {prefix}");
                    queue.push(next);
                }
            }
        }
        // Every page but the 404 page is reachable from the home page.
        let reached: BTreeSet<String> = seen
            .iter()
            .map(|u| url::Url::parse(u).unwrap().path().strip_prefix(prefix).unwrap().to_string())
            .map(|p| if p.is_empty() || p.ends_with('/') { format!("{p}index.html") } else { p })
            .filter(|p| p.ends_with(".html"))
            .collect();
        let pages: BTreeSet<String> = html_files(&out).into_iter().filter(|f| f != "404.html").collect();
        assert_eq!(reached, pages, "under {prefix}");
    }
}
