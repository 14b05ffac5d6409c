//! Helpers shared by the integration tests: fixture copies, running the
//! `readout` binary, reading pages.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;
use walkdir::WalkDir;

/// The folder of the fixture sites.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The repository root, which is also the default site.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Copies `src` (files only, skipping `public/` and `target/`) into a new temp folder.
pub fn copy_tree(src: &Path) -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for entry in WalkDir::new(src).into_iter().filter_entry(|e| {
        let name = e.file_name().to_string_lossy();
        e.depth() == 0 || !(name == "target" || name == "public" || name == ".git" || name.starts_with(".public"))
    }) {
        let entry = entry.expect("walk");
        let rel = entry.path().strip_prefix(src).unwrap();
        let to = dir.path().join(rel);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&to).unwrap();
        } else if entry.file_type().is_file() {
            fs::copy(entry.path(), &to).unwrap();
        }
    }
    dir
}

/// A fresh copy of fixture `name`.
pub fn fixture(name: &str) -> TempDir {
    copy_tree(&fixtures().join(name))
}

/// A fresh copy of the default site (content, templates, static, site.toml).
pub fn default_site() -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = repo_root();
    for part in ["content", "templates", "static"] {
        let copy = copy_tree(&root.join(part));
        fs::rename(copy.path(), dir.path().join(part))
            .or_else(|_| copy_dir(copy.path(), &dir.path().join(part)))
            .unwrap();
    }
    fs::copy(root.join("site.toml"), dir.path().join("site.toml")).unwrap();
    dir
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    for entry in WalkDir::new(from) {
        let entry = entry?;
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target)?;
        } else {
            fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// Runs the `readout` binary with `args`.
pub fn readout(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_readout")).args(args).output().expect("run readout")
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Builds `site` into `site/public`, panicking with the errors if it fails.
pub fn build(site: &Path) -> PathBuf {
    let out = site.join("public");
    let result = readout(&["build", "--root", site.to_str().unwrap(), "--output", out.to_str().unwrap()]);
    assert!(result.status.success(), "build failed:\n{}", stderr(&result));
    out
}

/// Parses the page at `path` under `out` (a folder URL gets `index.html`).
pub fn page(out: &Path, path: &str) -> scraper::Html {
    let file = if path.is_empty() || path.ends_with('/') { format!("{path}index.html") } else { path.to_string() };
    let text = fs::read_to_string(out.join(&file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    scraper::Html::parse_document(&text)
}

/// The texts of the elements matching `selector`.
pub fn texts(doc: &scraper::Html, selector: &str) -> Vec<String> {
    let sel = scraper::Selector::parse(selector).unwrap();
    doc.select(&sel).map(|e| e.text().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" ")).collect()
}

/// The values of `attr` on the elements matching `selector`.
pub fn attrs(doc: &scraper::Html, selector: &str, attr: &str) -> Vec<String> {
    let sel = scraper::Selector::parse(selector).unwrap();
    doc.select(&sel).filter_map(|e| e.value().attr(attr).map(str::to_owned)).collect()
}

/// Every HTML file under `out`, as paths relative to it.
pub fn html_files(out: &Path) -> Vec<String> {
    let mut files: Vec<String> = WalkDir::new(out)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| e.path().strip_prefix(out).unwrap().to_string_lossy().replace('\\', "/"))
        .collect();
    files.sort();
    files
}

/// Serves the files under `dir` on 127.0.0.1 (GET only, `index.html` for
/// folders) from a background thread; returns the address. For looking at a
/// build as a static host would show it.
pub fn serve_dir(dir: &Path) -> String {
    serve_dir_under(dir, "/")
}

/// [`serve_dir`], with the site served under the URL path `prefix`
/// (e.g. `/explainers/pahalgam/`); anything outside it is 404.
pub fn serve_dir_under(dir: &Path, prefix: &str) -> String {
    let prefix = prefix.to_string();
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let dir = dir.to_path_buf();
    std::thread::spawn(move || {
        for stream in listener.incoming().map_while(Result::ok) {
            let dir = dir.clone();
            let prefix = prefix.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(&stream);
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    return;
                }
                loop {
                    let mut header = String::new();
                    if reader.read_line(&mut header).map(|n| n == 0).unwrap_or(true) || header == "\r\n" {
                        break;
                    }
                }
                let full = line.split_whitespace().nth(1).unwrap_or("/").split('?').next().unwrap_or("/").to_string();
                let path = full
                    .strip_prefix(prefix.as_str())
                    .map(|p| format!("/{p}"))
                    .unwrap_or_else(|| "/\u{0}outside".into());
                let mut file = dir.join(path.trim_start_matches('/'));
                if path.ends_with('/') {
                    file = file.join("index.html");
                }
                let ok = !path.contains("..") && !path.contains('\u{0}') && file.is_file();
                let body = if ok { fs::read(&file).unwrap_or_default() } else { b"not found".to_vec() };
                let kind = match file.extension().and_then(|e| e.to_str()) {
                    Some("html") => "text/html; charset=utf-8",
                    Some("css") => "text/css",
                    Some("js") => "text/javascript",
                    Some("xml") => "application/xml",
                    Some("svg") => "image/svg+xml",
                    _ => "application/octet-stream",
                };
                let status = if ok { "200 OK" } else { "404 Not Found" };
                let mut out = &stream;
                let _ = write!(
                    out,
                    "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = out.write_all(&body);
            });
        }
    });
    addr
}

/// Files and folders a build left beside its output in `dir` (its lock
/// file aside): there should be none.
pub fn build_leftovers(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with(".public") && !n.ends_with(".lock"))
        .collect()
}
