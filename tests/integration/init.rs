//! `readout init`: a new site builds and checks at once, `--bare` too;
//! a folder with files is refused; `--ci github` adds the workflow.

use std::fs;

use crate::common::*;

fn init(args: &[&str]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("my-site");
    let mut all = vec!["init", site.to_str().unwrap()];
    all.extend_from_slice(args);
    let r = readout(&all);
    assert!(r.status.success(), "init failed: {}", stderr(&r));
    assert!(stdout(&r).contains("readout serve --open"), "{}", stdout(&r));
    (dir, site)
}

#[test]
fn a_new_site_checks_and_builds_at_once_with_a_note_of_each_kind() {
    let (_dir, site) = init(&[]);
    let r = readout(&["check", "--root", site.to_str().unwrap()]);
    assert!(r.status.success(), "{}", stderr(&r));
    assert!(stdout(&r).contains("1 actor, 2 statements, 1 event, 1 comparison, 1 source"), "{}", stdout(&r));
    assert!(stderr(&r).is_empty(), "no warnings in the starter site: {}", stderr(&r));
    let out = build(&site);
    let doc = page(&out, "compare/ruiz-statement-vs-radio/");
    assert_eq!(texts(&doc, "h1"), ["The mayor's statement and her radio remark"]);
    let gitignore = fs::read_to_string(site.join(".gitignore")).unwrap();
    for line in ["/public/", "/.public.lock", "/.readout-cache/"] {
        assert!(gitignore.lines().any(|l| l == line), "{line} missing from .gitignore");
    }
    assert!(site.join("README.md").is_file());
    assert!(!site.join(".github").exists(), "no workflow unless --ci asks for one");
}

#[test]
fn the_starter_sites_quotations_are_checked_against_its_source() {
    let (_dir, site) = init(&[]);
    let file = site.join("content/statements/ruiz-statement.md");
    let text = fs::read_to_string(&file).unwrap().replace("every day of the year", "every day of the week");
    fs::write(&file, text).unwrap();
    let r = readout(&["check", "--root", site.to_str().unwrap()]);
    assert_eq!(r.status.code(), Some(1), "{}", stderr(&r));
    assert!(stderr(&r).contains("content/statements/ruiz-statement.md:"), "{}", stderr(&r));
}

#[test]
fn a_bare_site_has_no_notes_and_builds() {
    let (_dir, site) = init(&["--bare"]);
    assert!(!site.join("content/actors").exists());
    assert!(site.join("site.toml").is_file() && site.join("content/_index.md").is_file());
    let r = readout(&["check", "--root", site.to_str().unwrap()]);
    assert!(r.status.success(), "{}", stderr(&r));
    build(&site);
}

#[test]
fn init_refuses_a_folder_with_files_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    let r = readout(&["init", dir.path().to_str().unwrap()]);
    assert_eq!(r.status.code(), Some(2));
    assert!(stderr(&r).contains("is not empty (it holds notes.txt)"), "{}", stderr(&r));
    let entries: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(entries.len(), 1, "nothing written beside the writer's file");
}

#[test]
fn init_takes_a_folder_holding_only_a_git_repository() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join(".git")).unwrap();
    let r = readout(&["init", dir.path().to_str().unwrap(), "--bare"]);
    assert!(r.status.success(), "{}", stderr(&r));
    assert!(dir.path().join("site.toml").is_file());
}

#[test]
fn init_with_ci_github_writes_the_pages_workflow() {
    let (_dir, site) = init(&["--ci", "github"]);
    let workflow = fs::read_to_string(site.join(".github/workflows/readout.yml")).unwrap();
    assert_eq!(workflow, readout::init::GITHUB_WORKFLOW);
    build(&site);
}

#[test]
fn the_starter_sites_pages_pass_the_nu_html_checker() {
    let jar = repo_root().join("node_modules/vnu-jar/build/dist/vnu.jar");
    if !jar.exists() || std::process::Command::new("java").arg("-version").output().is_err() {
        eprintln!("skipped: the Nu HTML checker or java is missing (run npm ci)");
        return;
    }
    let (_dir, site) = init(&[]);
    let out = build(&site);
    let r = std::process::Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args(["--errors-only", "--skip-non-html"])
        .arg(&out)
        .output()
        .expect("run vnu");
    let report = String::from_utf8_lossy(&r.stderr);
    assert!(r.status.success() && report.trim().is_empty(), "Nu HTML checker errors:\n{report}");
}
