//! Images in bodies: found in `static/` or beside the note, linked
//! relative to each page (so a sub-path works), missing ones an error at
//! their place, missing alt text a warning.

use std::fs;
use std::path::{Component, Path, PathBuf};

use crate::common::*;

/// A bare site with one event whose body is `body`.
fn site_with_event(body: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let r = readout(&["init", "--bare", dir.path().to_str().unwrap()]);
    assert!(r.status.success(), "{}", stderr(&r));
    fs::create_dir_all(dir.path().join("content/events")).unwrap();
    fs::create_dir_all(dir.path().join("static/img")).unwrap();
    fs::write(dir.path().join("static/img/map.png"), b"map").unwrap();
    fs::write(dir.path().join("content/events/scan.png"), b"scan").unwrap();
    let text = format!("+++\ntitle = \"The vote\"\ndate = 2025-03-04\n+++\n\n{body}\n");
    fs::write(dir.path().join("content/events/vote.md"), text).unwrap();
    dir
}

/// `src` of a page at `page_dir` (relative to `out`), as a path under `out`.
fn target_of(out: &Path, page_dir: &str, src: &str) -> PathBuf {
    let mut parts: Vec<String> = page_dir.split('/').filter(|p| !p.is_empty()).map(str::to_owned).collect();
    for c in Path::new(src).components() {
        match c {
            Component::ParentDir => assert!(parts.pop().is_some(), "{src} leaves the site"),
            Component::Normal(n) => parts.push(n.to_string_lossy().into_owned()),
            _ => panic!("{src} is not relative"),
        }
    }
    out.join(parts.join("/"))
}

#[test]
fn images_in_static_and_beside_the_note_are_linked_relative_to_the_page() {
    let site = site_with_event("![A map of the harbour](/img/map.png)\n\n![The council's minutes](scan.png)");
    let out = build(site.path());
    let srcs = attrs(&page(&out, "events/vote/"), "main img", "src");
    assert_eq!(srcs, ["../../img/map.png", "../../events/scan.png"]);
    assert_eq!(fs::read(target_of(&out, "events/vote", &srcs[0])).unwrap(), b"map");
    assert_eq!(fs::read(target_of(&out, "events/vote", &srcs[1])).unwrap(), b"scan");
    // Served under a sub-path, the page's images load.
    let addr = serve_dir_under(&out, "/explainers/ferry/");
    for src in &srcs {
        let page_dir = "/explainers/ferry/events/vote/";
        let url = url::Url::parse(&format!("http://{addr}{page_dir}")).unwrap().join(src).unwrap();
        let status = http_status(&addr, url.path());
        assert_eq!(status, "200", "{url}");
    }
}

/// The status code a GET of `path` gets from the server at `addr`.
fn http_status(addr: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer.split_whitespace().nth(1).unwrap_or("").to_string()
}

#[test]
fn a_missing_image_is_an_error_at_its_position() {
    let site = site_with_event("The minutes:\n\nSee ![the minutes](minutes.png) and ![a map](/img/nowhere.png).");
    let r = readout(&["check", "--root", site.path().to_str().unwrap()]);
    assert_eq!(r.status.code(), Some(1));
    let err = stderr(&r);
    assert!(err.contains("content/events/vote.md:8:5: error: image `minutes.png` not found"), "{err}");
    assert!(err.contains("put the file at content/events/minutes.png"), "{err}");
    assert!(err.contains("content/events/vote.md:8:37: error: image `/img/nowhere.png` not found"), "{err}");
}

#[test]
fn an_image_without_alt_text_is_a_warning() {
    let site = site_with_event("![](/img/map.png)");
    let r = readout(&["build", "--root", site.path().to_str().unwrap()]);
    assert!(r.status.success(), "{}", stderr(&r));
    assert!(
        stderr(&r).contains("content/events/vote.md:6:1: warning: image `/img/map.png` has no alt text"),
        "{}",
        stderr(&r)
    );
}
