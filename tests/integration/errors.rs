//! Bad input: each kind of mistake gets an error naming the file, the line,
//! what is wrong and how to fix it; nothing is written.

use std::fs;
use std::path::Path;

use crate::common::*;

/// Applies `change` to a fresh copy of the basic fixture, runs `readout
/// check`, and asserts that it fails with an error at `file:line` whose text
/// contains each of `messages`. `marker` finds the line: the first line of
/// the changed file that contains it (or line 1 when empty).
fn assert_error(change: impl FnOnce(&Path), file: &str, marker: &str, messages: &[&str]) {
    let site = fixture("basic");
    change(site.path());
    let r = readout(&["check", "--root", site.path().to_str().unwrap()]);
    let err = stderr(&r);
    assert_eq!(r.status.code(), Some(1), "expected exit 1 for {file}:\n{err}");
    let line = if marker.is_empty() {
        1
    } else {
        let text =
            fs::read(site.path().join(file)).map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default();
        text.lines().position(|l| l.contains(marker)).unwrap_or_else(|| panic!("marker {marker:?} not in {file}")) + 1
    };
    let location = format!("{file}:{line}:");
    let found = err.lines().any(|l| l.starts_with(&location) && l.contains("error:"));
    assert!(found, "no error at {location} in:\n{err}");
    for m in messages {
        assert!(err.contains(m), "{m:?} not in:\n{err}");
    }
    assert!(err.trim_end().ends_with("error") || err.trim_end().ends_with("errors"), "ends with the count:\n{err}");
}

fn edit(root: &Path, file: &str, from: &str, to: &str) {
    let path = root.join(file);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{from:?} not in {file}");
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

const ALPHA: &str = "content/statements/alpha.md";
const ALICE: &str = "content/actors/alice.md";

#[test]
fn broken_toml() {
    assert_error(
        |r| edit(r, ALICE, "role = \"Foreign minister\"", "role = \"Foreign minister"),
        ALICE,
        "role =",
        &["invalid TOML"],
    );
}

#[test]
fn broken_yaml() {
    assert_error(
        |r| edit(r, "content/actors/bob.md", "role: Prime minister", "role: [Prime minister"),
        "content/actors/bob.md",
        "country: sylvania",
        &["invalid YAML"],
    );
}

#[test]
fn missing_required_field() {
    assert_error(
        |r| edit(r, ALPHA, "medium = \"readout\"\n", ""),
        ALPHA,
        "",
        &["missing required field `medium`", "add `medium = "],
    );
}

#[test]
fn unknown_field_suggests_the_right_one() {
    assert_error(
        |r| edit(r, ALPHA, "medium = \"readout\"", "medium = \"readout\"\nspeakr = \"alice\""),
        ALPHA,
        "speakr",
        &["unknown field `speakr`", "did you mean `speaker`?"],
    );
}

#[test]
fn wrong_type() {
    assert_error(
        |r| edit(r, ALPHA, "about = [\"sylvania\"]", "about = 3"),
        ALPHA,
        "about = 3",
        &["field `about` must be a list of strings, not an integer"],
    );
}

#[test]
fn bad_date() {
    assert_error(
        |r| edit(r, ALPHA, "date = 2025-04-30", "date = \"2025-02-30\""),
        ALPHA,
        "date =",
        &["not a valid date", "YYYY-MM-DD"],
    );
}

#[test]
fn unknown_slug_suggests_the_closest() {
    assert_error(
        |r| edit(r, ALPHA, "speaker = \"alice\"", "speaker = \"alicia\""),
        ALPHA,
        "speaker",
        &["no actor named `alicia`", "did you mean `alice`?"],
    );
}

#[test]
fn slug_of_the_wrong_kind() {
    assert_error(
        |r| edit(r, ALPHA, "speaker = \"alice\"", "speaker = \"the-call\""),
        ALPHA,
        "speaker",
        &["`the-call` in `speaker` is an event, but `speaker` must name an actor"],
    );
}

#[test]
fn duplicate_slug() {
    assert_error(
        |r| {
            fs::write(r.join("content/events/alice.md"), "+++\ntitle = \"Alice day\"\ndate = 2025-01-01\n+++\n")
                .unwrap()
        },
        "content/events/alice.md",
        "",
        &["the slug `alice` is already used by content/actors/alice.md"],
    );
}

#[test]
fn broken_wikilink() {
    assert_error(
        |r| edit(r, ALPHA, "as [[bob]] had", "as [[bobb]] had"),
        ALPHA,
        "[[bobb]]",
        &["[[bobb]] links to a note that does not exist", "did you mean `bob`?"],
    );
}

#[test]
fn broken_heading_link() {
    assert_error(
        |r| edit(r, ALPHA, "as [[bob]] had", "as [[alice#carer]] had"),
        ALPHA,
        "[[alice#carer]]",
        &["`alice` has no heading `#carer`", "did you mean `#career`?"],
    );
}

#[test]
fn broken_relative_md_link() {
    assert_error(
        |r| edit(r, "content/statements/beta.md", "../actors/alice.md#career", "../actors/alise.md"),
        "content/statements/beta.md",
        "alise.md",
        &["links to a note that does not exist", "did you mean `alice`?"],
    );
}

#[test]
fn link_to_a_draft() {
    assert_error(
        |r| edit(r, ALPHA, "as [[bob]] had", "as [[gamma-draft]] had"),
        ALPHA,
        "[[gamma-draft]]",
        &["links to a draft", "--drafts"],
    );
}

#[test]
fn invalid_slug_in_file_name() {
    assert_error(
        |r| {
            fs::write(r.join("content/actors/Carol Smith.md"), "+++\nname = \"Carol\"\nkind = \"person\"\n+++\n")
                .unwrap()
        },
        "content/actors/Carol Smith.md",
        "",
        &["not a valid slug", "rename the file to `content/actors/carol-smith.md`"],
    );
}

#[test]
fn comparison_of_a_statement_with_itself() {
    let file = "content/comparisons/alpha-vs-beta.md";
    assert_error(
        |r| edit(r, file, "right = \"beta\"", "right = \"alpha\""),
        file,
        "right = \"alpha\"",
        &["two different statements"],
    );
}

#[test]
fn non_utf8_file() {
    assert_error(
        |r| fs::write(r.join("content/actors/latin.md"), b"+++\nname = \"Jos\xe9\"\nkind = \"person\"\n+++\n").unwrap(),
        "content/actors/latin.md",
        "name",
        &["not valid UTF-8", "save the file with UTF-8"],
    );
}

#[test]
fn empty_file() {
    assert_error(
        |r| fs::write(r.join("content/actors/empty.md"), "").unwrap(),
        "content/actors/empty.md",
        "",
        &["the note is empty"],
    );
}

#[test]
fn template_syntax_error() {
    assert_error(
        |r| {
            fs::create_dir_all(r.join("templates")).unwrap();
            fs::write(
                r.join("templates/event.html"),
                "{% extends \"base.html\" %}\n{% block main %}\n{% if %}\n{% endblock main %}\n",
            )
            .unwrap();
        },
        "templates/event.html",
        "{% if %}",
        &["template syntax error"],
    );
}

#[test]
fn template_using_a_missing_variable() {
    assert_error(
        |r| {
            fs::create_dir_all(r.join("templates")).unwrap();
            fs::write(
                r.join("templates/event.html"),
                "{% extends \"base.html\" %}\n{% block main %}\n<p>{{ note.venue.name }}</p>\n{% endblock main %}\n",
            )
            .unwrap();
        },
        "templates/event.html",
        "note.venue",
        &["template error", "while rendering /events/the-call/"],
    );
}

#[test]
fn static_file_colliding_with_a_page() {
    assert_error(
        |r| {
            fs::create_dir_all(r.join("static/actors/alice")).unwrap();
            fs::write(r.join("static/actors/alice/index.html"), "<p>mine</p>").unwrap();
        },
        "static/actors/alice/index.html",
        "",
        &["would overwrite the page /actors/alice/index.html"],
    );
}

#[test]
fn unknown_kind_folder() {
    assert_error(
        |r| {
            fs::create_dir_all(r.join("content/actor")).unwrap();
            fs::write(r.join("content/actor/dan.md"), "+++\nname = \"Dan\"\nkind = \"person\"\n+++\n").unwrap();
        },
        "content/actor/dan.md",
        "",
        &["did you mean `content/actors/`?"],
    );
}

#[test]
fn choice_outside_the_list() {
    assert_error(
        |r| edit(r, ALPHA, "medium = \"readout\"", "medium = \"tweet\""),
        ALPHA,
        "medium",
        &["must be one of readout, post, statement, remark, report, other"],
    );
}

#[test]
fn country_that_is_not_a_country() {
    assert_error(
        |r| edit(r, ALICE, "country = \"freedonia\"", "country = \"bob\""),
        ALICE,
        "country",
        &["not an actor of kind country"],
    );
}

#[test]
fn unknown_site_setting() {
    assert_error(
        |r| edit(r, "site.toml", "language = \"en\"", "langauge = \"en\""),
        "site.toml",
        "langauge",
        &["unknown field `langauge`", "did you mean `language`?"],
    );
}

#[test]
fn quotation_not_word_for_word() {
    assert_error(
        |r| {
            edit(
                r,
                "content/statements/beta.md",
                "> Those behind it must be brought to justice",
                "> Those behind it must be brought to court",
            )
        },
        "content/statements/beta.md",
        "brought to court",
        &["quotation not found word for word", "brought to justice"],
    );
}

/// A point of a comparison once published words nobody said: it is checked
/// like a body, and the error points at the quotation's own column.
#[test]
fn misquoted_comparison_point_fails_the_build_at_its_column() {
    const CMP: &str = "content/comparisons/alpha-vs-beta.md";
    let site = fixture("basic");
    edit(site.path(), CMP, "right = \"Not mentioned.\"", "right = \"Speaks of \\\"agreed to deepen ties\\\".\"");
    let r = readout(&["check", "--root", site.path().to_str().unwrap()]);
    let err = stderr(&r);
    assert_eq!(r.status.code(), Some(1), "{err}");
    // `right = "Speaks of \"agreed…`: the quotation's `\"` is at column 20.
    assert!(err.contains(&format!("{CMP}:9:20: error: quotation not found word for word")), "{err}");
    assert!(err.contains("agreed to deepen ties"), "{err}");
}

#[test]
fn misquoted_title_fails_the_build() {
    assert_error(
        |r| edit(r, ALPHA, "title = \"Alice's call readout\"", "title = \"Alice: “the two sides must fight”\""),
        ALPHA,
        "title =",
        &["quotation not found word for word in its source `wire-story`", "the two sides must"],
    );
}

#[test]
fn a_misquote_in_quotation_marks_is_reported_at_the_opening_mark() {
    let site = fixture("basic");
    edit(site.path(), ALPHA, "She said the two sides", "She said “the two sides must calm tensions” and the two sides");
    let err = stderr(&readout(&["check", "--root", site.path().to_str().unwrap()]));
    assert!(err.contains(&format!("{ALPHA}:12:35: error: quotation not found")), "{err}");
    assert!(err.contains("the nearest passage in the source is: “the two sides must de-escalate tensions”"), "{err}");
}

#[test]
fn quotations_fail_the_build_unless_site_toml_says_otherwise() {
    let site = fixture("basic");
    edit(site.path(), "site.toml", "quotations = \"error\"\n", "");
    edit(site.path(), "content/statements/beta.md", "brought to justice", "brought to court");
    let r = readout(&["check", "--root", site.path().to_str().unwrap()]);
    assert_eq!(r.status.code(), Some(1), "the default is `error`: {}", stderr(&r));
    let toml = site.path().join("site.toml");
    fs::write(&toml, format!("quotations = \"warn\"\n{}", fs::read_to_string(&toml).unwrap())).unwrap();
    let r = readout(&["check", "--root", site.path().to_str().unwrap()]);
    assert_eq!(r.status.code(), Some(0), "{}", stderr(&r));
    assert!(stderr(&r).contains("warning: quotation not found"), "{}", stderr(&r));
}

#[test]
fn every_error_is_reported_at_once() {
    let site = fixture("basic");
    edit(site.path(), ALPHA, "speaker = \"alice\"", "speaker = \"alicia\"");
    edit(site.path(), "content/statements/beta.md", "speaker = \"bob\"", "speaker = \"bobb\"");
    edit(site.path(), "content/events/the-call.md", "[[alpha]]", "[[alpah]]");
    let r = readout(&["check", "--root", site.path().to_str().unwrap()]);
    let err = stderr(&r);
    assert!(err.contains("alpha.md:") && err.contains("beta.md:") && err.contains("the-call.md:"), "{err}");
    assert!(err.trim_end().ends_with("3 errors"), "{err}");
}

#[test]
fn error_shows_the_line_and_a_caret() {
    let site = fixture("basic");
    edit(site.path(), ALPHA, "speaker = \"alice\"", "speaker = \"alicia\"");
    let err = stderr(&readout(&["check", "--root", site.path().to_str().unwrap()]));
    assert!(err.contains("3 | speaker = \"alicia\"\n  |           ^"), "{err}");
}

#[test]
fn dangerous_output_folders_are_refused() {
    let site = fixture("basic");
    let root = site.path();
    for out in [root.to_path_buf(), root.join("content"), root.join("templates"), root.join("static"), "/".into()] {
        let r = readout(&["build", "--root", root.to_str().unwrap(), "--output", out.to_str().unwrap()]);
        assert_eq!(r.status.code(), Some(2), "{}: {}", out.display(), stderr(&r));
        assert!(stderr(&r).contains("refusing to write"), "{}", stderr(&r));
    }
    let mine = root.join("mine");
    fs::create_dir_all(&mine).unwrap();
    fs::write(mine.join("notes.txt"), "keep me").unwrap();
    let r = readout(&["build", "--root", root.to_str().unwrap(), "--output", mine.to_str().unwrap()]);
    assert_eq!(r.status.code(), Some(2));
    assert_eq!(fs::read_to_string(mine.join("notes.txt")).unwrap(), "keep me");
    assert!(root.join("content/actors/alice.md").exists());
}

#[test]
fn missing_site_toml() {
    let site = fixture("basic");
    fs::remove_file(site.path().join("site.toml")).unwrap();
    for command in ["check", "build"] {
        let r = readout(&[command, "--root", site.path().to_str().unwrap()]);
        assert_eq!(r.status.code(), Some(2), "a usage error");
        assert!(stderr(&r).contains("no site.toml here"), "{}", stderr(&r));
    }
    let r = readout(&["check", "--root", site.path().join("nowhere").to_str().unwrap()]);
    assert_eq!(r.status.code(), Some(2), "{}", stderr(&r));
}

#[test]
fn a_broken_note_does_not_make_every_link_to_it_an_error() {
    let site = fixture("basic");
    edit(site.path(), ALICE, "kind = \"person\"", "kind = \"persn\"");
    let r = readout(&["check", "--root", site.path().to_str().unwrap()]);
    let err = stderr(&r);
    assert!(err.trim_end().ends_with("1 error"), "only the broken field is reported:\n{err}");
}

#[test]
fn a_date_with_a_time_is_an_error_not_cut_off() {
    assert_error(
        |r| edit(r, ALPHA, "date = 2025-04-30", "date = 2025-11-22T14:30:00"),
        ALPHA,
        "date =",
        &["a date has no time", "2025-11-22"],
    );
}

#[test]
fn an_unquoted_day_month_year_date_gets_the_date_message() {
    let site = fixture("basic");
    edit(site.path(), ALPHA, "date = 2025-04-30", "date = 22/11/2025");
    let err = stderr(&readout(&["check", "--root", site.path().to_str().unwrap()]));
    assert!(err.contains(&format!("{ALPHA}:4:8: error: field `date`: `22/11/2025` is not a valid date")), "{err}");
    assert!(err.contains("write dates as YYYY-MM-DD") && !err.contains("check the quoting"), "{err}");
}

#[test]
fn a_note_in_a_sub_folder_gets_one_error_and_the_links_to_it_none() {
    let site = fixture("basic");
    fs::create_dir_all(site.path().join("content/actors/people")).unwrap();
    fs::rename(site.path().join(ALICE), site.path().join("content/actors/people/alice.md")).unwrap();
    let r = readout(&["check", "--root", site.path().to_str().unwrap()]);
    let err = stderr(&r);
    assert_eq!(r.status.code(), Some(1), "{err}");
    assert!(err.contains("content/actors/people/alice.md:1:1: error: notes go directly in `content/actors/`"), "{err}");
    assert!(err.contains("move it to `content/actors/alice.md`"), "{err}");
    assert!(err.trim_end().ends_with("\n1 error"), "one error, no cascade of did-you-means:\n{err}");
}

#[test]
fn a_note_with_a_bad_file_name_gets_one_error() {
    let site = fixture("basic");
    fs::rename(site.path().join(ALICE), site.path().join("content/actors/Alice.md")).unwrap();
    let r = readout(&["check", "--root", site.path().to_str().unwrap()]);
    let err = stderr(&r);
    assert!(err.contains("content/actors/Alice.md:1:1: error: `Alice` is not a valid slug"), "{err}");
    assert!(err.contains("rename the file to `content/actors/alice.md`"), "{err}");
    assert!(err.trim_end().ends_with("\n1 error"), "{err}");
}

#[test]
fn an_unknown_slug_suggests_the_slug_that_holds_it() {
    let site = fixture("basic");
    fs::rename(site.path().join(ALICE), site.path().join("content/actors/alice-visiting-minister.md")).unwrap();
    edit(site.path(), "content/actors/freedonia.md", "[[alice]]", "[[visiting-minister]]");
    let err = stderr(&readout(&["check", "--root", site.path().to_str().unwrap()]));
    assert!(err.contains("[[visiting-minister]] links to a note that does not exist"), "{err}");
    assert!(err.contains("did you mean `alice-visiting-minister`?"), "{err}");
}

#[test]
fn a_statement_without_a_source_is_held_to_every_source() {
    let site = fixture("basic");
    edit(site.path(), "content/statements/beta.md", "source = \"wire-story\"\n", "");
    edit(site.path(), "content/statements/beta.md", "brought to justice", "brought to court");
    let err = stderr(&readout(&["check", "--root", site.path().to_str().unwrap()]));
    assert!(
        err.contains("content/statements/beta.md:11:3: error: quotation not found word for word in any source note"),
        "{err}"
    );
}
