//! The writer's tools around a build: `--version`, shell completions, the
//! man page, `templates list`/`eject`, `compress = true`, the install
//! profile and the GitHub Pages workflow.

use std::fs;
use std::io::Read;
use std::path::Path;

use walkdir::WalkDir;

use crate::common::*;

/// A new site from `readout init` in a temp folder.
fn new_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let r = readout(&["init", dir.path().to_str().unwrap()]);
    assert!(r.status.success(), "{}", stderr(&r));
    dir
}

/// Every file under `out` and its bytes, by path.
fn files(out: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = WalkDir::new(out)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().strip_prefix(out).unwrap().to_string_lossy().into_owned(), fs::read(e.path()).unwrap()))
        .collect();
    files.sort();
    files
}

#[test]
fn version_names_the_packages_version() {
    let r = readout(&["--version"]);
    assert_eq!(stdout(&r).trim(), format!("readout {}", env!("CARGO_PKG_VERSION")));
}

#[test]
fn bash_completions_parse_and_name_every_command() {
    let r = readout(&["completions", "bash"]);
    assert!(r.status.success());
    let script = tempfile::NamedTempFile::new().unwrap();
    fs::write(script.path(), &r.stdout).unwrap();
    let check = std::process::Command::new("bash").arg("-n").arg(script.path()).output().expect("run bash");
    assert!(check.status.success(), "bash -n: {}", stderr(&check));
    let text = stdout(&r);
    for command in ["build", "check", "new", "init", "serve", "templates", "completions", "man"] {
        assert!(text.contains(command), "{command} missing from the completions");
    }
    for shell in ["zsh", "fish", "powershell"] {
        let r = readout(&["completions", shell]);
        assert!(r.status.success() && stdout(&r).contains("--external"), "{shell}");
    }
}

#[test]
fn the_man_page_is_roff_naming_the_commands() {
    let r = readout(&["man"]);
    assert!(r.status.success());
    let text = stdout(&r);
    assert!(text.contains(".TH readout 1"), "{}", &text[..200.min(text.len())]);
    assert!(text.contains("templates") && text.contains("completions"));
}

#[test]
fn a_site_with_every_template_ejected_builds_byte_identical() {
    let (plain, ejected) = (new_site(), new_site());
    let r = readout(&["templates", "eject", "--root", ejected.path().to_str().unwrap()]);
    assert!(r.status.success(), "{}", stderr(&r));
    let written = fs::read_dir(ejected.path().join("templates")).unwrap().count();
    assert_eq!(written, readout::render::templates::BUILTIN.len());
    assert!(ejected.path().join("static/style.css").is_file());
    let listed = stdout(&readout(&["templates", "list", "--root", ejected.path().to_str().unwrap()]));
    assert!(listed.lines().all(|l| l.ends_with("overridden by the site")), "{listed}");
    let (a, b) = (files(&build(plain.path())), files(&build(ejected.path())));
    assert_eq!(a.len(), b.len());
    for ((pa, ca), (pb, cb)) in a.iter().zip(&b) {
        assert_eq!(pa, pb);
        assert!(ca == cb, "{pa} differs");
    }
}

#[test]
fn eject_never_overwrites_the_sites_own_template() {
    let site = new_site();
    fs::create_dir_all(site.path().join("templates")).unwrap();
    fs::write(site.path().join("templates/base.html"), "mine").unwrap();
    let r = readout(&["templates", "eject", "base.html", "home.html", "--root", site.path().to_str().unwrap()]);
    assert!(r.status.success(), "{}", stderr(&r));
    assert!(stderr(&r).contains("kept templates/base.html"), "{}", stderr(&r));
    assert_eq!(fs::read_to_string(site.path().join("templates/base.html")).unwrap(), "mine");
    assert!(site.path().join("templates/home.html").is_file());
}

#[test]
fn compressed_copies_decompress_to_the_originals() {
    let site = new_site();
    let config =
        fs::read_to_string(site.path().join("site.toml")).unwrap().replace("compress = false", "compress = true");
    fs::write(site.path().join("site.toml"), config).unwrap();
    let out = build(site.path());
    let all = files(&out);
    let originals: Vec<&(String, Vec<u8>)> =
        all.iter().filter(|(p, _)| [".html", ".css", ".xml"].iter().any(|x| p.ends_with(x))).collect();
    assert!(originals.len() > 10 && originals.iter().any(|(p, _)| p == "style.css"));
    let find = |path: String| all.iter().find(|(p, _)| *p == path).map(|(_, c)| c).unwrap_or_else(|| panic!("{path}"));
    for (path, content) in originals {
        let mut back = Vec::new();
        flate2::read::GzDecoder::new(&find(format!("{path}.gz"))[..]).read_to_end(&mut back).unwrap();
        assert!(back == *content, "{path}.gz");
        let mut back = Vec::new();
        brotli::Decompressor::new(&find(format!("{path}.br"))[..], 4096).read_to_end(&mut back).unwrap();
        assert!(back == *content, "{path}.br");
    }
    assert!(!all.iter().any(|(p, _)| p.ends_with(".readout-output.gz") || p.ends_with(".gz.gz")));
    let again = files(&build(site.path()));
    assert!(again == all, "two builds write the same compressed bytes");
}

#[test]
fn the_installed_binary_leaves_debug_info_out() {
    // `cargo install` builds the release profile.
    let manifest: toml::Table = fs::read_to_string(repo_root().join("Cargo.toml")).unwrap().parse().unwrap();
    let release = &manifest["profile"]["release"];
    assert_eq!(release.get("debug").and_then(|d| d.as_bool()), Some(false));
    assert_eq!(release.get("strip").and_then(|d| d.as_str()), Some("debuginfo"));
}

/// The workflow `readout init --ci github` writes, as parsed YAML.
fn workflow() -> serde_json::Value {
    serde_saphyr::from_str(readout::init::GITHUB_WORKFLOW).expect("the workflow is YAML")
}

#[test]
fn the_pages_workflow_builds_with_the_pages_address_and_deploys_the_output() {
    let w = workflow();
    assert_eq!(w["on"]["push"]["branches"][0], "main");
    assert_eq!(w["permissions"]["pages"], "write");
    assert_eq!(w["permissions"]["id-token"], "write");
    let steps = w["jobs"]["build"]["steps"].as_array().unwrap();
    let runs: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    let build = runs.iter().find(|r| r.starts_with("readout build")).expect("a build step");
    assert!(build.contains("--base-url \"${{ steps.pages.outputs.base_url }}/\"") && build.contains("--output public"));
    assert!(
        steps.iter().any(|s| s["id"] == "pages" && s["uses"].as_str().unwrap().starts_with("actions/configure-pages@"))
    );
    let upload =
        steps.iter().find(|s| s["uses"].as_str().is_some_and(|u| u.starts_with("actions/upload-pages-artifact@")));
    assert_eq!(upload.unwrap()["with"]["path"], "public");
    let deploy = &w["jobs"]["deploy"];
    assert_eq!(deploy["needs"], "build");
    assert!(deploy["steps"][0]["uses"].as_str().unwrap().starts_with("actions/deploy-pages@"));
}

#[test]
fn docs_hosting_shows_the_workflow_init_writes() {
    let docs = fs::read_to_string(repo_root().join("docs/hosting.md")).unwrap();
    assert!(
        docs.contains(readout::init::GITHUB_WORKFLOW),
        "docs/hosting.md's workflow differs from the one init writes"
    );
}
