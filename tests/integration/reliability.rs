//! Reliability: killed and concurrent builds, hostile files, pathological
//! Markdown, and properties that must hold for any input.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use proptest::prelude::*;

use crate::common::*;

/// A digest of every file under `dir`: path → (length, a cheap hash).
fn digest(dir: &Path) -> BTreeMap<String, (usize, u64)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let bytes = fs::read(e.path()).unwrap();
            let hash = bytes.iter().fold(0xcbf29ce484222325u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x100000001b3));
            (e.path().strip_prefix(dir).unwrap().display().to_string(), (bytes.len(), hash))
        })
        .collect()
}

/// A site with `n` statements, written by the test itself.
fn synthetic_site(n: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for kind in ["actors", "statements"] {
        fs::create_dir_all(root.join("content").join(kind)).unwrap();
    }
    // No social cards: these sites test killed and repeated builds, and
    // drawing 600 cards in a debug build would take most of their time
    // (cards, their cache and their bytes are tested in sharing.rs).
    fs::write(root.join("site.toml"), "title = \"Synthetic\"\nsocial_cards = false\n").unwrap();
    for a in 0..20 {
        fs::write(
            root.join(format!("content/actors/actor-{a}.md")),
            format!("+++\nname = \"Actor {a}\"\nkind = \"person\"\n+++\nActor {a}.\n"),
        )
        .unwrap();
    }
    write_statements(root, n, "");
    dir
}

/// Writes the `n` statements of a synthetic site, each title ending in `mark`.
fn write_statements(root: &Path, n: usize, mark: &str) {
    for s in 0..n {
        let body = format!("Said by [[actor-{}]] to [[actor-{}]]. ", s % 20, (s + 1) % 20).repeat(20);
        fs::write(
            root.join(format!("content/statements/statement-{s}.md")),
            format!("+++\ntitle = \"Statement {s}{mark}\"\nspeaker = \"actor-{}\"\ndate = 2025-01-{:02}\nmedium = \"post\"\n+++\n{body}\n", s % 20, 1 + s % 28),
        )
        .unwrap();
    }
}

/// Starts `readout build` of `site` into `out`, and kills it after `after`
/// with SIGKILL or, if `interrupt`, SIGINT.
fn kill_build(site: &Path, out: &Path, after: Duration, interrupt: bool) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_readout"))
        .args(["build", "-q", "--root", site.to_str().unwrap(), "--output", out.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(after);
    let signal = if interrupt { "-INT" } else { "-KILL" };
    let _ = Command::new("kill").args([signal, &child.id().to_string()]).status();
    let _ = child.wait();
}

#[test]
fn killed_builds_leave_the_previous_output_whole() {
    let site = synthetic_site(600);
    let out = build(site.path());
    let before = digest(&out);
    let started = Instant::now();
    build(site.path());
    let full = started.elapsed().max(Duration::from_millis(20));
    // Kill builds at spread-out moments of their run, with SIGKILL and SIGINT.
    for i in 0..24u64 {
        kill_build(site.path(), &out, full.mul_f64((i % 12) as f64 / 11.0), i % 2 == 1);
        assert!(out.join("index.html").exists(), "output missing after kill {i}");
        assert_eq!(digest(&out), before, "output changed after kill {i}");
    }
    build(site.path());
    assert_eq!(digest(&out), before);
    // Only the staging folder stays: the output before, for the next build to update.
    let leftovers = build_leftovers(site.path());
    assert_eq!(leftovers, [".public.new"], "{leftovers:?}");
}

/// A build killed while it brings the staging folder up to date leaves
/// that folder half old, half new; the next build starts from it and must
/// still write exactly the site a build into a new folder writes.
#[test]
fn a_build_after_a_killed_update_writes_the_exact_site() {
    let site = synthetic_site(600);
    let fresh = tempfile::tempdir().unwrap();
    let mut expected = Vec::new();
    for (v, mark) in ["", " (revised)"].iter().enumerate() {
        write_statements(site.path(), 600, mark);
        let out = fresh.path().join(format!("v{v}"));
        let r = readout(&["build", "-q", "--root", site.path().to_str().unwrap(), "--output", out.to_str().unwrap()]);
        assert!(r.status.success(), "{}", stderr(&r));
        expected.push(digest(&out));
    }
    // Every title changes between the two versions, so every page does.
    assert!(expected[0].iter().zip(&expected[1]).filter(|(a, b)| a != b).count() > 600);
    let out = build(site.path());
    build(site.path());
    let started = Instant::now();
    build(site.path());
    let full = started.elapsed().max(Duration::from_millis(20));
    for i in 0..12u64 {
        let v = (i % 2) as usize;
        write_statements(site.path(), 600, ["", " (revised)"][v]);
        kill_build(site.path(), &out, full.mul_f64((i % 6) as f64 / 5.0 + 0.1), i % 4 == 3);
        let now = digest(&out);
        assert!(now == expected[v] || now == expected[1 - v], "after kill {i} the output is neither version whole");
        build(site.path());
        assert_eq!(digest(&out), expected[v], "the build after kill {i} differs from a build into a new folder");
    }
}

#[test]
fn a_second_build_of_the_same_output_waits_for_the_first() {
    let site = fixture("basic");
    let out = site.path().join("public");
    let lock = readout::write::lock(&out, || {}).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_readout"))
        .args(["build", "--root", site.path().to_str().unwrap(), "--output", out.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    assert!(child.try_wait().unwrap().is_none(), "the second build did not wait");
    assert!(!out.exists(), "the second build wrote while the first held the lock");
    drop(lock);
    let result = child.wait_with_output().unwrap();
    assert!(result.status.success());
    assert!(String::from_utf8_lossy(&result.stderr).contains("waiting for another build"));
    assert!(out.join("index.html").exists());
}

#[cfg(unix)]
#[test]
fn symlinks_that_leave_the_site_or_loop_are_reported_not_followed() {
    use std::os::unix::fs::symlink;
    let site = fixture("basic");
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("secret.md"), "+++\nname = \"Secret\"\nkind = \"person\"\n+++\n").unwrap();
    symlink(outside.path().join("secret.md"), site.path().join("content/actors/secret.md")).unwrap();
    symlink(site.path().join("static/loop"), site.path().join("static/loop")).unwrap();
    // A pipe would block a read forever: neither it nor a link to it is read.
    let fifo = site.path().join("content/pipe");
    if Command::new("mkfifo").arg(&fifo).status().is_ok_and(|s| s.success()) {
        symlink(&fifo, site.path().join("content/actors/piped.md")).unwrap();
    }
    let r = readout(&["check", "--root", site.path().to_str().unwrap()]);
    let err = stderr(&r);
    assert_eq!(r.status.code(), Some(1), "{err}");
    assert!(err.contains("content/actors/secret.md:1:1: error: symlink points outside the site"), "{err}");
    assert!(err.contains("static/loop:1:1: error: broken or looping symlink"), "{err}");
    if site.path().join("content/pipe").exists() {
        assert!(err.contains("content/actors/piped.md:1:1: error: symlink to something that is not a file"), "{err}");
    }
}

#[test]
fn unreadable_note_is_a_clear_error() {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let site = fixture("basic");
        let note = site.path().join("content/actors/bob.md");
        fs::set_permissions(&note, fs::Permissions::from_mode(0o000)).unwrap();
        if fs::read(&note).is_ok() {
            eprintln!("skipped: this user can read any file (root), so no file is unreadable");
            return;
        }
        let r = readout(&["check", "--root", site.path().to_str().unwrap()]);
        assert_eq!(r.status.code(), Some(1));
        assert!(stderr(&r).contains("content/actors/bob.md:1:1: error: cannot read the file"), "{}", stderr(&r));
    }
}

#[test]
fn pathological_markdown_renders() {
    let site = fixture("basic");
    let cases = [
        ("deep-lists", (0..2000).map(|i| format!("{}- level {i}\n", "  ".repeat(i))).collect::<String>()),
        ("deep-quotes", format!("{} keep the peace\n", ">".repeat(5000))),
        ("unclosed-emphasis", "*a _b ".repeat(10_000)),
        ("long-line", "word ".repeat(200_000)),
        ("many-links", "[[alice]] ".repeat(20_000)),
        ("brackets", "[[".repeat(20_000)),
    ];
    for (name, body) in &cases {
        fs::write(
            site.path().join(format!("content/events/{name}.md")),
            format!("+++\ntitle = \"{name}\"\ndate = 2025-01-01\n+++\n{body}\n"),
        )
        .unwrap();
    }
    let started = Instant::now();
    let out = build(site.path());
    eprintln!("pathological notes built in {} ms", started.elapsed().as_millis());
    for (name, _) in &cases {
        assert!(out.join(format!("events/{name}/index.html")).exists(), "{name}");
    }
}

#[test]
fn huge_front_matter_and_many_links() {
    let site = fixture("basic");
    let aliases: String = (0..2000).map(|i| format!("  \"Alias {i}\",\n")).collect();
    fs::write(
        site.path().join("content/actors/many.md"),
        format!(
            "+++\nname = \"Many\"\nkind = \"person\"\naliases = [\n{aliases}]\n+++\n{}\n",
            "See [[alice]]. ".repeat(100_000)
        ),
    )
    .unwrap();
    let out = build(site.path());
    assert!(out.join("actors/many/index.html").exists());
    let alice = fs::read_to_string(out.join("actors/alice/index.html")).unwrap();
    assert!(alice.contains("actors/many/"), "backlink from the note with many links");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn rendering_never_panics(body in "\\PC{0,400}") {
        let path = Path::new("content/statements/x.md");
        let _ = readout::parse::parse_note(readout::note::Kind::Statement, "x", path, body.as_str().into());
        struct None_;
        impl readout::render::markdown::LinkResolver for None_ {
            fn resolve(&self, _: &str, _: Option<readout::note::Kind>) -> Option<(&str, &str)> { None }
        }
        let _ = readout::render::markdown::to_html(&body, path, &[], "../../", &None_);
    }

    #[test]
    fn slug_suggestions_are_valid_slugs(name in "\\PC{0,40}") {
        if let Err(s) = readout::parse::slug::check_slug_syntax(&name) {
            prop_assert_eq!(readout::parse::slug::check_slug_syntax(&s), Ok(()));
        }
    }

    #[test]
    fn valid_slugs_round_trip_to_urls(slug in "[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,3}") {
        prop_assert_eq!(readout::parse::slug::check_slug_syntax(&slug), Ok(()));
        let url = format!("actors/{slug}/");
        let parsed = url::Url::parse("http://h/").unwrap().join(&url).unwrap();
        prop_assert_eq!(parsed.path(), format!("/actors/{slug}/"));
    }
}

/// No title, name or front-matter string reaches a page unescaped.
#[test]
fn markup_in_front_matter_is_escaped_everywhere() {
    let site = fixture("basic");
    let evil = "<script>alert(1)</script>\\\" onmouseover=\\\"x";
    let edit = |file: &str, from: &str, to: &str| {
        let path = site.path().join(file);
        let text = fs::read_to_string(&path).unwrap();
        fs::write(&path, text.replacen(from, to, 1)).unwrap();
    };
    edit("content/actors/alice.md", "name = \"Alice Example\"", &format!("name = \"Alice {evil}\""));
    edit("content/actors/alice.md", "role = \"Foreign minister\"", &format!("role = \"Minister {evil}\""));
    edit("content/statements/alpha.md", "title = \"Alice's call readout\"", &format!("title = \"Readout {evil}\""));
    edit("content/events/the-call.md", "place = \"By telephone\"", &format!("place = \"Phone {evil}\""));
    edit("site.toml", "title = \"Fixture explainer\"", &format!("title = \"Site {evil}\""));
    // The title's `" onmouseover="` reads as a quotation, not in the source: this test is about escaping.
    edit("site.toml", "quotations = \"error\"", "quotations = \"off\"");
    let out = build(site.path());
    let any = scraper::Selector::parse("*").unwrap();
    for file in html_files(&out) {
        let text = fs::read_to_string(out.join(&file)).unwrap();
        assert!(!text.contains("<script>alert(1)"), "{file} has an unescaped script");
        let doc = scraper::Html::parse_document(&text);
        for element in doc.select(&any) {
            assert!(element.value().attr("onmouseover").is_none(), "{file}: an attribute was injected");
            if element.value().name() == "script" && file == "404.html" && element.value().attr("data-base").is_some() {
                // The 404 page's own script (its links, wherever it is served): no text of the site in it.
                assert!(!element.inner_html().contains("alert"), "{file}: the site's text in its script");
            } else if element.value().name() == "script" && element.value().attr("src").is_some() {
                // The search box's script, from a file: nothing of the site's text in the page.
                assert!(element.value().attr("src").is_some_and(|src| src.ends_with("search.js")), "{file}: a script");
                assert_eq!(element.inner_html(), "", "{file}: text in the search script's element");
            } else if element.value().name() == "script"
                && file.starts_with("embed/")
                && element.value().attr("data-readout-resize").is_some()
            {
                // An embed page's own script (it tells the frame around it its height): no text of the site in it.
                assert!(!element.inner_html().contains("alert"), "{file}: the site's text in its script");
            } else if element.value().name() == "script" {
                assert_eq!(element.value().attr("type"), Some("application/ld+json"), "{file}: a script element");
                let json: serde_json::Value = serde_json::from_str(&element.inner_html()).expect("JSON-LD stays JSON");
                assert!(json.is_object());
            }
        }
    }
}

/// A small tmpfs mounted for the test, unmounted when dropped; `None` where
/// this user cannot mount (the test then says so and skips).
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(size: &str) -> Option<Tmpfs> {
        let dir = tempfile::tempdir().ok()?;
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs", dir.path().to_str()?])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            eprintln!("skipped: cannot mount a tmpfs here (needs root and mount rights)");
            return None;
        }
        Some(Tmpfs { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn read_only(&self) -> bool {
        Command::new("mount")
            .args(["-o", "remount,ro", self.dir.path().to_str().unwrap()])
            .status()
            .is_ok_and(|s| s.success())
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

fn build_into(site: &Path, out: &Path) -> std::process::Output {
    readout(&["build", "--root", site.to_str().unwrap(), "--output", out.to_str().unwrap()])
}

#[test]
fn full_disk_fails_cleanly_and_keeps_the_previous_output() {
    let Some(disk) = Tmpfs::mount("1200k") else { return };
    let site = fixture("basic");
    let out = disk.path().join("public");
    let first = build_into(site.path(), &out);
    assert!(first.status.success(), "{}", stderr(&first));
    let before = digest(&out);
    fs::write(
        site.path().join("content/events/big.md"),
        format!(
            "+++\ntitle = \"Big\"\ndate = 2025-01-01\n+++\n{}\n",
            "A long line of text that fills the disk. ".repeat(30_000)
        ),
    )
    .unwrap();
    let second = build_into(site.path(), &out);
    assert_eq!(second.status.code(), Some(2), "{}", stderr(&second));
    assert!(stderr(&second).to_lowercase().contains("no space"), "{}", stderr(&second));
    assert_eq!(digest(&out), before, "previous output changed");
    let left: Vec<_> = fs::read_dir(disk.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n != "public" && !n.ends_with(".lock"))
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

#[test]
fn read_only_output_fails_cleanly() {
    let Some(disk) = Tmpfs::mount("2m") else { return };
    let site = fixture("basic");
    let out = disk.path().join("public");
    assert!(build_into(site.path(), &out).status.success());
    let before = digest(&out);
    if !disk.read_only() {
        eprintln!("skipped: cannot remount the tmpfs read-only");
        return;
    }
    let r = build_into(site.path(), &out);
    assert_eq!(r.status.code(), Some(2), "{}", stderr(&r));
    assert!(stderr(&r).contains("public"), "the error names the output: {}", stderr(&r));
    assert_eq!(digest(&out), before);
}
