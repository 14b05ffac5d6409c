//! The default site's reading of the words: each comparison's "Only here"
//! terms (no common verbs or words of time, phrases whole, handles and
//! abbreviations as written, each linked to its place), the page that
//! explains the method, and actor pages that show what each actor said.

use std::collections::HashSet;

use crate::common::*;

fn built() -> (tempfile::TempDir, std::path::PathBuf) {
    let site = default_site();
    let out = build(site.path());
    (site, out)
}

const COMPARISONS: [&str; 4] = [
    "readout-vs-jaishankar",
    "rubio-new-delhi-vs-islamabad",
    "sharif-readout-vs-pakistan-statement",
    "state-department-vs-pentagon",
];

#[test]
fn centrepiece_lists_terms_not_common_verbs_or_time_words() {
    let (_site, out) = built();
    let doc = page(&out, "compare/readout-vs-jaishankar/");
    let terms = [texts(&doc, ".side-1 .only li"), texts(&doc, ".side-2 .only li")].concat();
    let words: Vec<&str> = terms.iter().flat_map(|t| t.split([' ', ','])).collect();
    for left_out in ["work", "maintain", "Discussed", "brought", "yesterday"] {
        assert!(!words.iter().any(|w| w.eq_ignore_ascii_case(left_out)), "{left_out} listed: {terms:?}");
    }
    for kept in ["de-escalate tensions", "peace and security", "perpetrators, backers and planners", "justice"] {
        assert!(terms.iter().any(|t| t == kept), "{kept} not listed: {terms:?}");
    }
    // A handle and an abbreviation appear whole or not at all.
    for t in &terms {
        assert!(!t.contains("U.S") || t.contains("U.S."), "{t}");
        assert!(!t.contains("SecRubio") || t.contains("@SecRubio"), "{t}");
    }
}

#[test]
fn every_term_links_to_its_place_in_that_sides_words() {
    let (_site, out) = built();
    for slug in COMPARISONS {
        let doc = page(&out, &format!("compare/{slug}/"));
        for side in ["side-1", "side-2"] {
            let terms = texts(&doc, &format!(".{side} .only li a"));
            let hrefs = attrs(&doc, &format!(".{side} .only li a"), "href");
            assert!(terms.len() <= 8, "{slug} {side}: {terms:?}");
            for (term, href) in terms.iter().zip(&hrefs) {
                let id = href.strip_prefix('#').expect("a link within the page");
                let marked = texts(&doc, &format!(".{side} .words mark.own[id='{id}']"));
                assert_eq!(marked, std::slice::from_ref(term), "{slug}: {term} at #{id}");
            }
        }
    }
}

#[test]
fn every_comparison_links_how_this_page_reads_the_words() {
    let (_site, out) = built();
    for slug in COMPARISONS {
        let doc = page(&out, &format!("compare/{slug}/"));
        assert_eq!(attrs(&doc, ".method a", "href"), ["../../how-we-read-the-words/"], "{slug}");
    }
    let method = page(&out, "how-we-read-the-words/");
    assert_eq!(texts(&method, "h1"), ["How this page reads the words"]);
    let text = texts(&method, "main p").join(" ");
    assert!(text.contains("common verbs") && text.contains("general English"), "{text}");
    let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(sitemap.contains("how-we-read-the-words/</loc>"), "{sitemap}");
}

#[test]
fn an_actor_page_shows_what_each_statement_said() {
    let (_site, out) = built();
    let doc = page(&out, "actors/s-jaishankar/");
    let said = texts(&doc, "section[aria-labelledby='said-h'] .said-words q");
    assert!(
        said.iter().any(|q| q.starts_with("Discussed the Pahalgam terrorist attack with U.S. @SecRubio")),
        "{said:?}"
    );
    // A paraphrase is shown as the source's account, never in quotation marks.
    let modi = page(&out, "actors/narendra-modi/");
    assert!(
        texts(&modi, "section[aria-labelledby='said-h'] .said-words q")
            .iter()
            .all(|q| !q.contains("operational freedom"))
    );
    let paraphrases = texts(&modi, "section[aria-labelledby='said-h'] .said-paraphrase");
    assert!(paraphrases.iter().any(|p| p.contains("full operational freedom")), "{paraphrases:?}");
}

#[test]
fn mentioned_in_repeats_no_note_listed_above_it() {
    let (_site, out) = built();
    let mut checked = 0;
    for entry in std::fs::read_dir(out.join("actors")).unwrap() {
        let dir = entry.unwrap().path();
        if !dir.join("index.html").exists() {
            continue;
        }
        let doc = page(&dir, "");
        let listed: HashSet<String> = attrs(&doc, "section:not(.backlinks) .note-list a", "href").into_iter().collect();
        let mentioned = attrs(&doc, ".backlinks > ul > li > a", "href");
        for href in &mentioned {
            assert!(!listed.contains(href), "{}: {href} listed above and in Mentioned in", dir.display());
        }
        let unique: HashSet<&String> = mentioned.iter().collect();
        assert_eq!(unique.len(), mentioned.len(), "{}: {mentioned:?}", dir.display());
        checked += mentioned.len();
    }
    assert!(checked > 0, "no actor page has a Mentioned in list");
}

#[test]
fn a_backlinks_sentence_is_not_dressed_as_a_quotation() {
    let (_site, out) = built();
    let doc = page(&out, "actors/marco-rubio/");
    assert!(texts(&doc, ".backlinks blockquote, .backlinks q").is_empty());
    let sentences = texts(&doc, ".backlinks p.context");
    assert!(sentences.iter().any(|s| s.starts_with("From the note:")), "{sentences:?}");
}
