//! `serve` answers what `build` writes, seen from outside: a running
//! `readout serve` on a copy of the default site, random edits made
//! through the file system (seeded), and after each one every file a
//! fresh `readout build` writes fetched over HTTP and compared byte for
//! byte (less the live-reload script). After an edit that breaks the site,
//! `serve` must go on answering the last good build exactly.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::common::*;
use crate::serve::{Server, next_message};

/// A small, seeded random number generator (xorshift), so that a failing
/// sequence of edits can be run again.
struct Seeded(u64);

impl Seeded {
    fn next(&mut self) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.next() % items.len()]
    }
}

/// Every file of the site under `dir`, by `/`-separated path (less the
/// marker a build leaves to know the folder as its own).
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file() && !e.file_name().to_string_lossy().starts_with(".readout"))
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
            (rel, fs::read(e.path()).unwrap())
        })
        .collect()
}

/// The site at `root` as a fresh `readout build` writes it, or `None` when the build fails.
fn fresh_build(root: &Path) -> Option<BTreeMap<String, Vec<u8>>> {
    let out = tempfile::tempdir().unwrap();
    let result = readout(&["build", "-q", "--root", root.to_str().unwrap(), "--output", out.path().to_str().unwrap()]);
    result.status.success().then(|| files(out.path()))
}

/// A page as served, without the live-reload script `serve` puts before `</body>`.
fn without_reload_script(body: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(body);
    let Some(end) = text.rfind("</body>") else {
        return body.to_vec();
    };
    match text[..end].rfind("<script>") {
        Some(start) if text[start..end].contains("__readout") => {
            format!("{}{}", &text[..start], &text[end..]).into_bytes()
        }
        _ => body.to_vec(),
    }
}

/// The bytes of a GET, as a browser reads them: asked for with gzip
/// taken, decoded if they came gzipped.
fn get_bytes(server: &Server, path: &str) -> (u16, Vec<u8>) {
    let (status, _, body, _) = crate::serve::get_encoded(&server.addr, &format!("/{path}"), "gzip");
    (status, body)
}

/// The files that differ between what `serve` answers and `expected`.
fn differences(server: &Server, expected: &BTreeMap<String, Vec<u8>>, gone: &[String]) -> Vec<String> {
    let mut differ = Vec::new();
    for (path, bytes) in expected {
        let (status, body) = get_bytes(server, path);
        let body = if path.ends_with(".html") { without_reload_script(&body) } else { body };
        if status != 200 || &body != bytes {
            differ.push(format!("{path} ({status})"));
        }
    }
    for path in gone {
        let (status, _) = get_bytes(server, path);
        if status == 200 {
            differ.push(format!("{path} is still served after its page went"));
        }
    }
    differ
}

/// One random edit of the site at `root`; returns what it did.
fn edit(root: &Path, rng: &mut Seeded, step: usize) -> String {
    let notes: Vec<PathBuf> = walkdir::WalkDir::new(root.join("content"))
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "md") && !p.ends_with("_index.md"))
        .collect();
    let slug = |p: &PathBuf| p.file_stem().unwrap().to_string_lossy().into_owned();
    let note = rng.pick(&notes).clone();
    let other = slug(rng.pick(&notes));
    let text = fs::read_to_string(&note).unwrap_or_default();
    let write = |path: &Path, text: &str| fs::write(path, text).unwrap();
    let kind = rng.next() % 12;
    const KINDS: [&str; 12] = [
        "a link added",
        "a link added",
        "an actor renamed",
        "a note retitled",
        "a new event",
        "a delete or a broken link",
        "site.toml",
        "a template",
        "the stylesheet",
        "an unknown field",
        "a heading added",
        "a heading added",
    ];
    match kind {
        0 | 1 => write(&note, &format!("{text}\nMore on [[{other}]], step {step}.\n")),
        2 => write(&note, &text.replacen("name = \"", &format!("name = \"Renamed {step} "), 1)),
        3 => write(&note, &text.replacen("title = \"", &format!("title = \"Retitled {step} "), 1)),
        4 => {
            let actor = slug(rng.pick(
                &notes.iter().filter(|p| p.starts_with(root.join("content/actors"))).cloned().collect::<Vec<_>>(),
            ));
            let new = root.join(format!("content/events/new-event-{step}.md"));
            write(
                &new,
                &format!(
                    "+++\ntitle = \"A new event {step}\"\ndate = 2025-05-0{}\nactors = [\"{actor}\"]\n+++\nIt names [[{actor}]].\n",
                    1 + step % 9
                ),
            );
        }
        5 => {
            // Only a note nothing else names can go without breaking the site; the rest are broken and restored below.
            if note.starts_with(root.join("content/events")) && slug(&note).starts_with("new-event-") {
                fs::remove_file(&note).unwrap();
            } else {
                write(&note, &format!("{text}\nA broken link to [[no-such-note-{step}]].\n"));
            }
        }
        6 => {
            let config = root.join("site.toml");
            let toml = fs::read_to_string(&config).unwrap();
            write(&config, &toml.replacen("title = \"", &format!("title = \"Edition {step}: "), 1));
        }
        7 => {
            let template = root.join("templates/event.html");
            let builtin = fs::read_to_string(repo_root().join("templates/event.html")).unwrap();
            write(
                &template,
                &format!("{builtin}\n{{# edit {step} #}}\n")
                    .replace("</article>", &format!("<p>Edition {step}</p></article>")),
            );
        }
        8 => {
            let css = root.join("static/style.css");
            let style = fs::read_to_string(&css).unwrap();
            write(&css, &format!("{style}\n/* {step} */\n"));
        }
        9 => write(&note, &text.replacen("+++\n", "+++\nno_such_field = 1\n", 1)),
        _ => write(&note, &format!("{text}\n## Part {step}\n\nWith [[{other}]] in it.\n")),
    }
    format!("step {step}: {} (note {})", KINDS[kind], note.strip_prefix(root).unwrap().display())
}

/// Undoes edits that break the site: the broken links and unknown fields.
fn repair(root: &Path) {
    for entry in walkdir::WalkDir::new(root.join("content")).into_iter().map(|e| e.unwrap()) {
        if !entry.file_type().is_file() {
            continue;
        }
        let text = fs::read_to_string(entry.path()).unwrap();
        let fixed: String = text
            .lines()
            .filter(|l| !l.contains("[[no-such-note-") && !l.starts_with("no_such_field"))
            .map(|l| format!("{l}\n"))
            .collect();
        if fixed != text && fixed.trim_end() != text.trim_end() {
            fs::write(entry.path(), fixed).unwrap();
        }
    }
}

/// The live-reload socket of a page.
type Socket = tungstenite::WebSocket<tungstenite::stream::MaybeTlsStream<std::net::TcpStream>>;

/// Waits for `serve` to finish the rebuild a save started: the next
/// live-reload message after the last one.
fn wait_for_rebuild(ws: &mut Socket) {
    let _ = next_message(ws);
    // Let the rest of one save's events settle into the same rebuild.
    std::thread::sleep(Duration::from_millis(300));
    let set_timeout = |ws: &Socket, timeout: Duration| {
        if let tungstenite::stream::MaybeTlsStream::Plain(s) = ws.get_ref() {
            s.set_read_timeout(Some(timeout)).unwrap();
        }
    };
    set_timeout(ws, Duration::from_millis(200));
    while ws.read().is_ok() {}
    set_timeout(ws, Duration::from_secs(15));
}

#[test]
fn serve_answers_what_build_writes_after_random_edits() {
    let seed = std::env::var("READOUT_EQUIVALENCE_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x5eed_2025);
    let steps: usize = std::env::var("READOUT_EQUIVALENCE_STEPS").ok().and_then(|s| s.parse().ok()).unwrap_or(14);
    let mut rng = Seeded(seed);
    let server = Server::start(default_site());
    let root = server.root().to_path_buf();
    let (mut ws, _) = server.socket();
    let mut good = fresh_build(&root).expect("the default site builds");
    let mut gone: Vec<String> = Vec::new();
    assert_eq!(differences(&server, &good, &[]), Vec::<String>::new(), "before any edit");
    for step in 0..steps {
        let what = edit(&root, &mut rng, step);
        eprintln!("{what}");
        wait_for_rebuild(&mut ws);
        match fresh_build(&root) {
            Some(now) => {
                gone = good.keys().filter(|p| !now.contains_key(*p)).cloned().collect();
                good = now;
            }
            None => {
                eprintln!("  (the site is broken: the last good build must go on being served)");
                // A broken site: the last good build goes on being served.
                let differ = differences(&server, &good, &gone);
                assert!(differ.is_empty(), "seed {seed}, {what} (a breaking edit): served files differ: {differ:?}");
                repair(&root);
                wait_for_rebuild(&mut ws);
                let now = fresh_build(&root).expect("the repaired site builds");
                gone = good.keys().filter(|p| !now.contains_key(*p)).cloned().collect();
                good = now;
            }
        }
        let differ = differences(&server, &good, &gone);
        assert!(differ.is_empty(), "seed {seed}, {what}: served files differ from a fresh build: {differ:?}");
    }
}

/// An image beside a note, then its file alone replaced with one of
/// another size: `serve` answers each time what a fresh build writes (the
/// page's sizes and `srcset`, the new copies, the original's new bytes).
#[test]
fn serve_answers_what_build_writes_after_an_image_is_replaced() {
    let server = Server::start(default_site());
    let root = server.root().to_path_buf();
    let (mut ws, _) = server.socket();
    let note = walkdir::WalkDir::new(root.join("content/events"))
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .find(|p| p.extension().is_some_and(|e| e == "md"))
        .expect("the default site has an event");
    let image = note.with_file_name("harbour.png");
    crate::images::png(&image, 1100, 600, 1);
    let text = fs::read_to_string(&note).unwrap();
    fs::write(&note, format!("{text}\n![The harbour at dawn](harbour.png)\n")).unwrap();
    wait_for_rebuild(&mut ws);
    let good = fresh_build(&root).expect("the site builds with the image");
    assert_eq!(differences(&server, &good, &[]), Vec::<String>::new(), "after the image was added");
    crate::images::png(&image, 700, 500, 2);
    wait_for_rebuild(&mut ws);
    let now = fresh_build(&root).expect("the site builds with the new image");
    assert_ne!(good, now, "the new image changes the site");
    let gone: Vec<String> = good.keys().filter(|p| !now.contains_key(*p)).cloned().collect();
    assert!(gone.iter().any(|p| p.contains("_images/harbour-")), "the old copies are gone: {gone:?}");
    assert_eq!(differences(&server, &now, &gone), Vec::<String>::new(), "after the image was replaced");
}
