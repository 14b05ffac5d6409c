//! The default site: the Pahalgam explainer builds, its pages hold what
//! readers need, and every quotation is the source's own words.

use std::fs;

use crate::common::*;

const ACTORS: &[&str] = &[
    "Marco Rubio",
    "Pete Hegseth",
    "Tammy Bruce",
    "S. Jaishankar",
    "Rajnath Singh",
    "Narendra Modi",
    "Shehbaz Sharif",
    "US State Department",
    "Ministry of External Affairs of India",
    "Foreign Ministry of Pakistan",
    "Indian Armed Forces",
    "BJP",
    "UN Security Council",
    "United States",
    "India",
    "Pakistan",
    "China",
    "South Korea",
];

fn built() -> (tempfile::TempDir, std::path::PathBuf) {
    let site = default_site();
    let out = build(site.path());
    (site, out)
}

#[test]
fn every_actor_the_report_names_has_a_page() {
    let (_site, out) = built();
    let index = page(&out, "actors/");
    let listed = texts(&index, ".actor-list a");
    for name in ACTORS {
        assert!(listed.iter().any(|l| l == name), "{name} not on /actors/: {listed:?}");
        let href = attrs(&index, ".actor-list a", "href").into_iter().zip(&listed).find(|(_, l)| l == name).unwrap().0;
        let actor = page(&out.join("actors"), &href);
        assert_eq!(texts(&actor, "h1"), [name.to_string()]);
    }
}

#[test]
fn the_source_is_the_report_unchanged() {
    let source = fs::read_to_string(repo_root().join("../shared/source/us-nudges-india-pakistan.txt"));
    let Ok(source) = source else {
        eprintln!("skipped: ../shared/source/ is not beside this checkout");
        return;
    };
    let note = fs::read_to_string(repo_root().join("content/sources/news-report.md")).unwrap();
    let body = note.splitn(3, "+++\n").nth(2).unwrap().trim();
    assert_eq!(body, source.trim());
}

#[test]
fn centrepiece_sets_the_readout_beside_jaishankars_post() {
    let (_site, out) = built();
    let doc = page(&out, "compare/readout-vs-jaishankar/");
    let sides = texts(&doc, ".columns > .side h2");
    assert_eq!(sides.len(), 2);
    assert!(sides[0].contains("readout"), "{sides:?}");
    assert!(sides[1].contains("Jaishankar"), "{sides:?}");
    let left_words = texts(&doc, ".side-1 .words blockquote").join(" ");
    let right_words = texts(&doc, ".side-2 .words blockquote").join(" ");
    assert!(left_words.contains("to work with Pakistan to de-escalate tensions"), "{left_words}");
    assert!(right_words.contains("Its perpetrators, backers and planners must be brought to justice"), "{right_words}");
    let left_only = texts(&doc, ".side-1 .only li");
    let right_only = texts(&doc, ".side-2 .only li");
    assert!(left_only.iter().any(|t| t.contains("de-escalate")), "{left_only:?}");
    assert!(left_only.iter().any(|t| t.contains("peace and security")), "{left_only:?}");
    assert!(right_only.iter().any(|t| t == "perpetrators, backers and planners"), "{right_only:?}");
    // Speakers linked.
    let speakers = attrs(&doc, ".side .facts a.actor", "href");
    assert_eq!(speakers, ["../../actors/marco-rubio/", "../../actors/s-jaishankar/"]);
    assert!(texts(&doc, ".points tbody tr").len() >= 5);
}

#[test]
fn shared_phrases_are_highlighted_alike_in_both_columns() {
    let (_site, out) = built();
    let doc = page(&out, "compare/rubio-new-delhi-vs-islamabad/");
    let left: Vec<_> = texts(&doc, ".side-1 mark.shared");
    let right: Vec<_> = texts(&doc, ".side-2 mark.shared");
    assert!(left.iter().any(|t| t.contains("maintain peace and security in South Asia")), "{left:?}");
    assert!(right.iter().any(|t| t.contains("maintain peace and security in South Asia")), "{right:?}");
    let l_ids = attrs(&doc, ".side-1 mark.shared", "data-phrase");
    let r_ids = attrs(&doc, ".side-2 mark.shared", "data-phrase");
    for id in &l_ids {
        assert!(r_ids.contains(id), "phrase {id} marked on the left only");
    }
}

#[test]
fn matrix_marks_de_escalation_for_the_readout_and_not_for_jaishankar() {
    let (_site, out) = built();
    let doc = page(&out, "who-said-what/");
    let themes = texts(&doc, "thead th");
    let col = themes.iter().position(|t| t == "de-escalation").expect("de-escalation column");
    let cell = |slug: &str| -> String {
        let row = scraper::Selector::parse(&format!("tr[data-slug='{slug}'] > *")).unwrap();
        doc.select(&row).nth(col).map(|e| e.inner_html()).unwrap_or_default()
    };
    let readout = cell("rubio-jaishankar-readout");
    assert!(readout.contains("de-escalate") && readout.contains("href"), "{readout}");
    assert!(readout.contains("statements/rubio-jaishankar-readout/#theme-de-escalation"), "{readout}");
    let post = cell("jaishankar-post");
    assert!(!post.contains("href"), "{post}");
    // The link lands on the marked words.
    let statement = page(&out, "statements/rubio-jaishankar-readout/");
    assert_eq!(texts(&statement, "#theme-de-escalation"), ["de-escalate"]);
}

#[test]
fn graph_links_rubio_to_jaishankar_and_to_sharif() {
    let (_site, out) = built();
    let doc = page(&out, "");
    let edges: Vec<(String, String)> =
        attrs(&doc, "svg a.edge", "data-from").into_iter().zip(attrs(&doc, "svg a.edge", "data-to")).collect();
    assert!(edges.contains(&("marco-rubio".into(), "s-jaishankar".into())), "{edges:?}");
    assert!(edges.contains(&("marco-rubio".into(), "shehbaz-sharif".into())), "{edges:?}");
    let nodes = attrs(&doc, "svg a.node", "href");
    assert!(nodes.contains(&"actors/marco-rubio/".to_string()), "{nodes:?}");
    let edge_links = attrs(&doc, "svg a.edge", "href");
    assert!(edge_links.iter().all(|h| h.starts_with("statements/")), "{edge_links:?}");
}

#[test]
fn source_page_marks_quoted_passages_with_links_back() {
    let (_site, out) = built();
    let doc = page(&out, "sources/news-report/");
    let quoted = texts(&doc, ".source-text mark.quoted");
    assert!(
        quoted.iter().any(|q| q.contains("Its perpetrators, backers and planners must be brought to justice")),
        "{quoted:?}"
    );
    let links = attrs(&doc, ".source-text mark.quoted a", "href");
    // Each links to the very quotation on the statement's page.
    assert!(links.iter().any(|l| l.starts_with("../../statements/jaishankar-post/#q-")), "{links:?}");
}

#[test]
fn paraphrases_are_marked_as_such() {
    let (_site, out) = built();
    for slug in ["modi-hunted-down", "china-position", "talks-and-terror"] {
        let doc = page(&out, &format!("statements/{slug}/"));
        assert!(texts(&doc, ".paraphrase-tag").iter().any(|t| t.contains("paraphrase")), "{slug}");
    }
}

#[test]
fn changed_quotation_fails_the_check_with_the_nearest_passage() {
    let site = default_site();
    let file = site.path().join("content/statements/jaishankar-post.md");
    let text = fs::read_to_string(&file).unwrap().replace("must be brought to justice", "must be brought to book");
    fs::write(&file, text).unwrap();
    let r = readout(&["check", "--root", site.path().to_str().unwrap()]);
    assert_eq!(r.status.code(), Some(1));
    let err = stderr(&r);
    assert!(err.contains("content/statements/jaishankar-post.md:"), "{err}");
    assert!(err.contains("quotation not found word for word"), "{err}");
    assert!(err.contains("brought to justice"), "nearest passage shown: {err}");
}

#[test]
fn every_page_passes_the_nu_html_checker() {
    let jar = repo_root().join("node_modules/vnu-jar/build/dist/vnu.jar");
    if !jar.exists() {
        eprintln!("skipped: the Nu HTML checker is not installed (run npm ci)");
        return;
    }
    if std::process::Command::new("java").arg("-version").output().is_err() {
        eprintln!("skipped: no java on PATH for the Nu HTML checker");
        return;
    }
    let (default, fixture_site) = (default_site(), fixture("basic"));
    let outputs = [build(default.path()), build(fixture_site.path())];
    let r = std::process::Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args(["--errors-only", "--skip-non-html"])
        .args(&outputs)
        .output()
        .expect("run vnu");
    let report = String::from_utf8_lossy(&r.stderr);
    assert!(r.status.success() && report.trim().is_empty(), "Nu HTML checker errors:\n{report}");
}
