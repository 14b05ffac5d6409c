//! `readout serve`: started on port 0 in a copy of a fixture site, driven
//! over HTTP and its live-reload WebSocket.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use std::{fs, thread};

use tempfile::TempDir;
use tungstenite::Message;

use crate::common::*;

/// A running `readout serve`, stopped when dropped.
pub struct Server {
    child: Child,
    pub addr: String,
    pub site: TempDir,
    pub output: Arc<Mutex<Vec<String>>>,
}

impl Server {
    pub fn start(site: TempDir) -> Server {
        Self::start_with(site, &[])
    }

    pub fn start_with(site: TempDir, extra: &[&str]) -> Server {
        // A benchmark may run another build of readout (a release one).
        let binary = std::env::var_os("READOUT_BENCH_BIN").unwrap_or_else(|| env!("CARGO_BIN_EXE_readout").into());
        let mut child = Command::new(binary)
            .args(["serve", "--root", site.path().to_str().unwrap(), "--port", "0"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start readout serve");
        let output = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        let out = Arc::clone(&output);
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(at) = line.find("http://") {
                    let _ = tx.send(line[at + 7..].split('/').next().unwrap_or("").to_string());
                }
                out.lock().unwrap().push(line);
            }
        });
        let stderr = child.stderr.take().unwrap();
        let err = Arc::clone(&output);
        thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                err.lock().unwrap().push(line);
            }
        });
        let addr = rx.recv_timeout(Duration::from_secs(30)).expect("serve printed its URL");
        Server { child, addr, site, output }
    }

    pub fn root(&self) -> &Path {
        self.site.path()
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// A raw HTTP/1.1 request; returns (status, headers, body).
    pub fn request(&self, method: &str, path: &str) -> (u16, String, String) {
        raw_request(
            &self.addr,
            &format!("{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", self.addr),
        )
    }

    pub fn get(&self, path: &str) -> (u16, String) {
        let (status, _, body) = self.request("GET", path);
        (status, body)
    }

    /// A live-reload client, after its first message.
    pub fn socket(
        &self,
    ) -> (tungstenite::WebSocket<tungstenite::stream::MaybeTlsStream<TcpStream>>, serde_json::Value) {
        let (mut ws, _) = tungstenite::connect(format!("ws://{}/__readout/ws", self.addr)).expect("websocket");
        if let tungstenite::stream::MaybeTlsStream::Plain(s) = ws.get_ref() {
            s.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
        }
        let first = next_message(&mut ws);
        (ws, first)
    }

    pub fn log(&self) -> Vec<String> {
        self.output.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn raw_request(addr: &str, request: &str) -> (u16, String, String) {
    let (status, head, body) = raw_bytes_request(addr, request);
    (status, head, String::from_utf8_lossy(&body).into_owned())
}

/// A raw HTTP/1.1 request; returns (status, headers, body as bytes).
pub fn raw_bytes_request(addr: &str, request: &str) -> (u16, String, Vec<u8>) {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let split = response.windows(4).position(|w| w == b"\r\n\r\n").unwrap_or(response.len());
    let head = String::from_utf8_lossy(&response[..split]).into_owned();
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, head, response.get(split + 4..).unwrap_or_default().to_vec())
}

/// A GET of `path` with `accept` as its `Accept-Encoding` (none if empty):
/// (status, headers, body decoded if it came gzip-encoded, whether it did).
pub fn get_encoded(addr: &str, path: &str, accept: &str) -> (u16, String, Vec<u8>, bool) {
    let accept = if accept.is_empty() { String::new() } else { format!("Accept-Encoding: {accept}\r\n") };
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n{accept}Connection: close\r\n\r\n");
    let (status, head, body) = raw_bytes_request(addr, &request);
    if !head.to_ascii_lowercase().contains("content-encoding: gzip") {
        return (status, head, body, false);
    }
    let mut plain = Vec::new();
    let decoded = flate2::read::GzDecoder::new(&body[..]).read_to_end(&mut plain);
    assert!(decoded.is_ok(), "{path} came gzipped but does not decode");
    (status, head, plain, true)
}

pub fn next_message(
    ws: &mut tungstenite::WebSocket<tungstenite::stream::MaybeTlsStream<TcpStream>>,
) -> serde_json::Value {
    loop {
        match ws.read().expect("a live-reload message in time") {
            Message::Text(t) => return serde_json::from_str(&t).expect("JSON message"),
            Message::Close(_) => panic!("socket closed"),
            _ => continue,
        }
    }
}

/// Waits until `check` passes, or fails after 15 s.
pub fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(15) {
        if check() {
            return;
        }
        thread::sleep(Duration::from_millis(50));
    }
    panic!("timed out waiting for {what}");
}

fn note(root: &Path) -> PathBuf {
    root.join("content/actors/alice.md")
}

/// The basic fixture with a template of its own (`name` under `templates/`).
fn fixture_with_template(name: &str, text: &str) -> tempfile::TempDir {
    let site = fixture("basic");
    fs::create_dir_all(site.path().join("templates")).unwrap();
    fs::write(site.path().join("templates").join(name), text).unwrap();
    site
}

/// The fixture's note with its last sentence replaced by `marker`.
fn edited(marker: &str) -> String {
    let original = fs::read_to_string(fixtures().join("basic/content/actors/alice.md")).unwrap();
    assert!(original.contains("She became minister in 2020."));
    original.replace("She became minister in 2020.", marker)
}

/// Applies one editor's way of saving `text` to `path`.
fn save(pattern: &str, path: &Path, text: &str) {
    let dir = path.parent().unwrap();
    let name = path.file_name().unwrap().to_str().unwrap();
    match pattern {
        "in place" => fs::write(path, text).unwrap(),
        "temp then rename" => {
            let tmp = dir.join(format!(".{name}.tmp1234"));
            fs::write(&tmp, text).unwrap();
            fs::rename(&tmp, path).unwrap();
        }
        "delete then create" => {
            fs::remove_file(path).unwrap();
            thread::sleep(Duration::from_millis(5));
            fs::write(path, text).unwrap();
        }
        "jetbrains safe write" => {
            let tmp = dir.join(format!("{name}___jb_tmp___"));
            let old = dir.join(format!("{name}___jb_old___"));
            fs::write(&tmp, text).unwrap();
            fs::rename(path, &old).unwrap();
            fs::rename(&tmp, path).unwrap();
            fs::remove_file(&old).unwrap();
        }
        "vim backup" => {
            let backup = dir.join(format!("{name}~"));
            fs::rename(path, &backup).unwrap();
            fs::write(path, text).unwrap();
            fs::remove_file(&backup).unwrap();
        }
        other => panic!("unknown save pattern {other}"),
    }
}

#[test]
fn every_editor_save_pattern_rebuilds_and_reloads() {
    let server = Server::start(fixture("basic"));
    let (status, body) = server.get("/actors/alice/");
    assert_eq!(status, 200);
    assert!(body.contains("__readout/ws"), "pages carry the reload script");
    for (i, pattern) in
        ["in place", "temp then rename", "delete then create", "jetbrains safe write", "vim backup"].iter().enumerate()
    {
        let (mut ws, hello) = server.socket();
        assert_eq!(hello["kind"], "hello");
        let marker = format!("Saved by pattern {i}.");
        save(pattern, &note(server.root()), &edited(&marker));
        // A rebuild still due from the previous save may come first.
        let start = Instant::now();
        loop {
            let message = next_message(&mut ws);
            assert_eq!(message["kind"], "reload", "{pattern}: {message}");
            let (status, body) = server.get("/actors/alice/");
            assert_eq!(status, 200, "{pattern}");
            if body.contains(&marker) {
                break;
            }
            assert!(start.elapsed() < Duration::from_secs(15), "{pattern}: new text never served");
        }
    }
}

#[test]
fn many_files_at_once_are_one_rebuild() {
    let server = Server::start(fixture("basic"));
    let (mut ws, _) = server.socket();
    let before = server.log().iter().filter(|l| l.contains("rebuilt")).count();
    for i in 0..50 {
        fs::write(
            server.root().join(format!("content/events/bulk-{i:02}.md")),
            format!("+++\ntitle = \"Bulk {i}\"\ndate = 2025-01-01\n+++\nBody.\n"),
        )
        .unwrap();
    }
    assert_eq!(next_message(&mut ws)["kind"], "reload");
    eventually("all fifty pages", || server.get("/events/bulk-49/").0 == 200);
    thread::sleep(Duration::from_millis(500));
    let rebuilds = server.log().iter().filter(|l| l.contains("rebuilt")).count() - before;
    assert!(rebuilds <= 2, "{rebuilds} rebuilds for one checkout: {:?}", server.log());
}

#[test]
fn broken_note_shows_errors_and_keeps_the_last_good_site() {
    let server = Server::start(fixture("basic"));
    let (mut ws, _) = server.socket();
    let good = fs::read_to_string(note(server.root())).unwrap();
    fs::write(note(server.root()), good.replace("kind = \"person\"", "kind = \"persn\"")).unwrap();
    let message = next_message(&mut ws);
    assert_eq!(message["kind"], "errors", "{message}");
    let first = &message["errors"][0];
    assert!(first["location"].as_str().unwrap().starts_with("content/actors/alice.md:3:"), "{message}");
    assert!(first["message"].as_str().unwrap().contains("must be one of"), "{message}");
    assert_eq!(first["line"], "kind = \"persn\"");
    // The last good site is still served.
    let (status, body) = server.get("/actors/alice/");
    assert_eq!(status, 200);
    assert!(body.contains("Alice Example"));
    // A page opened now gets the errors at once.
    let (_ws2, first_message) = server.socket();
    assert_eq!(first_message["kind"], "errors");
    // Fixing it reloads.
    fs::write(note(server.root()), &good).unwrap();
    assert_eq!(next_message(&mut ws)["kind"], "reload");
    assert!(server.log().iter().any(|l| l.contains("content/actors/alice.md:3:")), "terminal shows the error");
}

#[test]
fn css_change_swaps_the_stylesheet_without_reload() {
    let server = Server::start(fixture("basic"));
    let (mut ws, _) = server.socket();
    fs::write(server.root().join("static/extra.css"), "body { color: rebeccapurple; }\n").unwrap();
    assert_eq!(next_message(&mut ws)["kind"], "css");
    let (status, body) = server.get("/extra.css");
    assert_eq!(status, 200);
    assert!(body.contains("rebeccapurple"));
}

#[test]
fn deleted_note_lands_on_a_page_that_says_so() {
    let server = Server::start(fixture("basic"));
    assert_eq!(server.get("/events/the-call/").0, 200);
    let (mut ws, _) = server.socket();
    let text = fs::read_to_string(server.root().join(ALPHA)).unwrap();
    fs::write(server.root().join(ALPHA), text.replace("event = \"the-call\"\n", "")).unwrap();
    fs::remove_file(server.root().join("content/events/the-call.md")).unwrap();
    // The alpha edit and the removal may come as one rebuild or two.
    loop {
        let m = next_message(&mut ws);
        if m["kind"] == "reload" && server.get("/events/the-call/").0 == 404 {
            break;
        }
    }
    let (status, body) = server.get("/events/the-call/");
    assert_eq!(status, 404);
    assert!(body.contains("renamed or deleted"), "{body}");
    assert!(body.contains("href=\"/\""), "links home");
    let (never, body) = server.get("/never/was/");
    assert_eq!(never, 404);
    assert!(body.contains("Page not found"), "the site's own 404 page");
}

const ALPHA: &str = "content/statements/alpha.md";

#[test]
fn requests_cannot_leave_the_site() {
    let server = Server::start(fixture("basic"));
    for path in [
        "/../../../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        "/..%5c..%5cetc%5cpasswd",
        "/actors/..%2f..%2f..%2fetc/passwd",
        "/%00",
        "/index.html%00.css",
        "//etc/passwd",
    ] {
        let (status, _, body) = server.request("GET", path);
        assert!(status == 400 || status == 404, "{path}: {status}");
        assert!(!body.contains("root:"), "{path} leaked a file");
    }
    let long = format!("/{}", "a/".repeat(3000));
    let (status, _, _) = server.request("GET", &long);
    assert!((400..500).contains(&status), "over-long path: {status}");
    let (status, head, _) = server.request("POST", "/");
    assert_eq!(status, 405);
    assert!(head.to_lowercase().contains("allow: get, head"));
    let (status, head, body) = server.request("HEAD", "/actors/alice/");
    assert_eq!(status, 200);
    assert!(body.is_empty());
    let head = head.to_lowercase();
    assert!(head.contains("content-type: text/html; charset=utf-8"), "{head}");
    assert!(head.contains("cache-control: no-store"), "{head}");
    let (_, head, _) = server.request("GET", "/style.css");
    assert!(head.to_lowercase().contains("content-type: text/css"), "{head}");
    let (_, head, _) = server.request("GET", "/atom.xml");
    assert!(head.to_lowercase().contains("content-type: application/xml"), "{head}");
    let (status, head, _) = server.request("GET", "/actors/alice");
    assert_eq!(status, 308);
    assert!(head.to_lowercase().contains("location: /actors/alice/"), "{head}");
}

#[test]
fn serve_writes_nothing_to_public() {
    let server = Server::start(fixture("basic"));
    assert!(server.addr.starts_with("127.0.0.1:"), "listens on loopback by default: {}", server.addr);
    assert!(!server.log().iter().any(|l| l.contains("reachable from the network")));
    assert_eq!(server.get("/").0, 200);
    assert!(!server.root().join("public").exists());
}

#[test]
fn port_in_use_is_a_clear_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let site = fixture("basic");
    let r = readout(&["serve", "--root", site.path().to_str().unwrap(), "--port", &port]);
    assert_eq!(r.status.code(), Some(2));
    let err = stderr(&r);
    assert!(err.contains(&format!("port {port} is already in use")) && err.contains("--port 0"), "{err}");
}

#[test]
fn binding_beyond_loopback_warns() {
    let server = Server::start_with(fixture("basic"), &["--bind", "0.0.0.0"]);
    eventually("the warning", || server.log().iter().any(|l| l.contains("reachable from the network")));
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_cleanly() {
    let mut server = Server::start(fixture("basic"));
    let (_ws, _) = server.socket();
    let pid = server.child.id().to_string();
    let status = Command::new("kill").args(["-INT", &pid]).status().unwrap();
    assert!(status.success());
    let start = Instant::now();
    loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            assert_eq!(status.code(), Some(0), "{:?}", server.log());
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "serve did not stop");
        thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn polling_sees_saves_too() {
    let server = Server::start_with(fixture("basic"), &["--poll"]);
    let (mut ws, _) = server.socket();
    fs::write(note(server.root()), edited("Seen by polling.")).unwrap();
    let start = Instant::now();
    loop {
        assert_eq!(next_message(&mut ws)["kind"], "reload");
        if server.get("/actors/alice/").1.contains("Seen by polling.") {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(15));
    }
}

/// The server's resident memory in KiB (Linux only).
fn rss_kib(pid: u32) -> Option<u64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status.lines().find(|l| l.starts_with("VmRSS:"))?.split_whitespace().nth(1)?.parse().ok()
}

/// 100 live-reload clients stay connected while `saves` saves land over
/// `seconds` and a load generator requests pages; afterwards every client
/// got the final reload, no request failed, and memory is back near where
/// it started. Returns (requests made, memory before, memory after) in KiB.
fn soak(saves: usize, seconds: u64) -> (usize, Option<u64>, Option<u64>) {
    let server = Server::start(fixture("basic"));
    let pid = server.child.id();
    // Warm up: one save, one rebuild, the pages served once.
    let (mut first, _) = server.socket();
    fs::write(note(server.root()), edited("Warm-up.")).unwrap();
    assert_eq!(next_message(&mut first)["kind"], "reload");
    for path in ["/", "/actors/alice/", "/statements/alpha/", "/style.css"] {
        assert_eq!(server.get(path).0, 200);
    }
    let before = rss_kib(pid);

    let mut tabs: Vec<_> = (0..100).map(|_| server.socket().0).collect();
    // A client that goes away in the middle of things.
    let (rude, _) = server.socket();
    drop(rude);
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let loaders: Vec<_> = (0..4)
        .map(|i| {
            let (addr, stop) = (server.addr.clone(), Arc::clone(&stop));
            thread::spawn(move || {
                let paths =
                    ["/", "/actors/alice/", "/statements/alpha/", "/compare/alpha-vs-beta/", "/style.css", "/atom.xml"];
                let mut n = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let path = paths[(n + i) % paths.len()];
                    let (status, _, _) =
                        raw_request(&addr, &format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
                    assert_eq!(status, 200, "{path}");
                    n += 1;
                }
                n
            })
        })
        .collect();
    let gap = Duration::from_millis(seconds * 1000 / saves as u64);
    for i in 0..saves {
        fs::write(note(server.root()), edited(&format!("Save number {i}."))).unwrap();
        thread::sleep(gap);
    }
    fs::write(note(server.root()), edited("The final save.")).unwrap();
    eventually("the final save to be served", || server.get("/actors/alice/").1.contains("The final save."));
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let requests: usize = loaders.into_iter().map(|l| l.join().expect("no request failed")).sum();
    // Every tab is told to reload (their messages coalesce to the latest;
    // a save caught half-written may show errors on the way).
    for tab in &mut tabs {
        while next_message(tab)["kind"] != "reload" {}
    }
    drop(tabs);
    thread::sleep(Duration::from_millis(500));
    assert_eq!(server.get("/").0, 200, "still serving");
    (requests, before, rss_kib(pid))
}

#[test]
fn a_hundred_tabs_and_hundreds_of_saves_leave_the_server_steady() {
    let (requests, before, after) = soak(300, 3);
    if let (Some(before), Some(after)) = (before, after) {
        eprintln!("soak: 100 tabs, 301 saves in 3 s, {requests} page requests; memory {before} → {after} KiB");
        assert!(after < before * 2, "memory grew from {before} KiB to {after} KiB");
    }
}

/// The full soak: a thousand saves over a minute.
/// `cargo test --release --test integration soak_for_a_minute -- --ignored --nocapture`
#[test]
#[ignore]
fn soak_for_a_minute() {
    let (requests, before, after) = soak(1000, 60);
    if let (Some(before), Some(after)) = (before, after) {
        println!(
            "soak: 100 tabs, 1,001 saves over 60 s, {requests} page requests, none failed; memory {before} → {after} KiB"
        );
        assert!(after * 10 <= before * 11, "memory not back within 10%: {before} → {after} KiB");
    }
}

/// A small deterministic generator, so that a failing request can be replayed.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.next() as usize % items.len()]
    }
}

/// Sends raw bytes; returns the status (0 when the server closed without one).
fn raw_bytes(addr: &str, bytes: &[u8]) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let _ = stream.write_all(bytes);
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, text)
}

#[test]
fn a_thousand_hostile_requests_get_4xx_or_a_closed_socket() {
    let server = Server::start(fixture("basic"));
    // Half-open sockets that never finish their request stay open meanwhile.
    let mut idle: Vec<TcpStream> = (0..20)
        .map(|_| {
            let mut s = TcpStream::connect(&server.addr).unwrap();
            let _ = s.write_all(b"GET /actors/alice/ HTTP/1.1\r\nHost: x\r\n");
            s
        })
        .collect();
    let methods =
        ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "TRACE", "CONNECT", "PATCH", "G\0ET", "", "GET GET"];
    let paths = [
        "/../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/..%2f..%2fetc/passwd",
        "/%252e%252e/etc/passwd",
        "/.%2e/.%2e/etc/passwd",
        "/..\\..\\etc\\passwd",
        "/%5c..%5c..%5cetc%5cpasswd",
        "/%00",
        "/a%00.html",
        "/%c0%ae%c0%ae/etc/passwd",
        "//etc/passwd",
        "/actors/alice/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "*",
        "http://evil.example/",
        "/index.html?x=../../etc/passwd",
        "/\u{7f}",
        "/ /",
        "/%",
    ];
    let versions = ["HTTP/1.1", "HTTP/1.0", "HTTP/9.9", "HTTP/1.1 extra", "", "HTTP/2.0"];
    let headers = [
        "Host: x",
        "Host:",
        "Content-Length: -1",
        "Content-Length: 99999999999",
        "Transfer-Encoding: chunked",
        "X: \0",
        ": empty",
    ];
    let mut rng = Lcg(0x5eed);
    let mut statuses = std::collections::BTreeMap::new();
    for i in 0..1000 {
        let request: Vec<u8> = match i % 4 {
            // Random bytes.
            0 => (0..(rng.next() % 300)).map(|_| rng.next() as u8).collect(),
            // Over-long lines.
            1 if i % 40 == 1 => {
                format!("GET /{} HTTP/1.1\r\nHost: x\r\n\r\n", "a".repeat(20_000 + (rng.next() % 50_000) as usize))
                    .into_bytes()
            }
            // Hostile combinations.
            _ => format!(
                "{} {} {}\r\n{}\r\n{}\r\n\r\n",
                rng.pick(&methods),
                rng.pick(&paths),
                rng.pick(&versions),
                rng.pick(&headers),
                rng.pick(&headers)
            )
            .into_bytes(),
        };
        let (status, text) = raw_bytes(&server.addr, &request);
        assert!(!text.contains("root:x:0:0"), "request {i} returned /etc/passwd");
        assert!(status == 0 || (400..500).contains(&status) || status == 200 || status == 308, "request {i}: {status}");
        if status == 200 {
            // Only files of the site itself: it is an HTML page of the fixture or one of its assets.
            assert!(
                text.contains("Fixture explainer")
                    || text.contains("text/css")
                    || text.contains("xml")
                    || text.contains("content-length"),
                "request {i}: {}",
                &text[..text.len().min(400)]
            );
        }
        *statuses.entry(status).or_insert(0) += 1;
    }
    eprintln!("statuses for 1,000 hostile requests: {statuses:?}");
    // Oversized and malformed WebSocket frames close that socket only.
    let (mut ws, _) = server.socket();
    let _ = ws.send(tungstenite::Message::Text("x".repeat(100_000).into()));
    let _ = ws.read();
    let mut bad = TcpStream::connect(&server.addr).unwrap();
    let _ = bad.write_all(b"GET /__readout/ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
    let _ = bad.write_all(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    drop(bad);
    idle.clear();
    // The server still serves everyone else.
    let (status, body) = server.get("/actors/alice/");
    assert_eq!(status, 200);
    assert!(body.contains("Alice Example"));
    let (_ws2, hello) = server.socket();
    assert_eq!(hello["kind"], "hello");
}

#[test]
fn starting_with_errors_serves_an_error_page_until_fixed() {
    let site = fixture("basic");
    let good = fs::read_to_string(note(site.path())).unwrap();
    fs::write(note(site.path()), good.replace("kind = \"person\"", "kind = \"persn\"")).unwrap();
    let server = Server::start(site);
    let (status, body) = server.get("/actors/alice/");
    assert_eq!(status, 404);
    assert!(body.contains("The site has errors") && body.contains("__readout/ws"), "{body}");
    let (mut ws, first) = server.socket();
    assert_eq!(first["kind"], "errors");
    fs::write(note(server.root()), &good).unwrap();
    assert_eq!(next_message(&mut ws)["kind"], "reload");
    let (status, body) = server.get("/actors/alice/");
    assert_eq!(status, 200);
    assert!(body.contains("Alice Example"));
}

/// `serve` starts without rendering its pages (each is rendered when first
/// asked for, while every page is checked behind it): a template that fails
/// on one kind of page still shows its error, on that page and in the
/// overlay, and the other pages are served.
#[test]
fn a_template_that_fails_on_some_pages_at_start_shows_its_error() {
    let site = fixture_with_template("event.html", "<p>{{ no_such_value.deeper }}</p>\n");
    let broken = site.path().join("templates/event.html");
    let server = Server::start(site);
    let (status, body) = server.get("/events/the-call/");
    assert_eq!(status, 500, "{body}");
    assert!(body.contains("event.html"), "the error names the template: {body}");
    let (status, body) = server.get("/actors/alice/");
    assert_eq!(status, 200, "{body}");
    eventually("the check's errors in the overlay", || {
        let (_ws, first) = server.socket();
        first["kind"] == "errors" && first["errors"][0]["location"].as_str().is_some_and(|l| l.contains("event.html"))
    });
    fs::remove_file(&broken).unwrap();
    eventually("the fixed page", || server.get("/events/the-call/").0 == 200);
    let (_ws, first) = server.socket();
    assert_eq!(first["kind"], "hello", "{first}");
}

/// A rebuild renders the notes' pages an edit shows on and leaves the
/// lists to be rendered when asked for, checked behind the reload: a list
/// whose template fails on the edit shows its error in the overlay, and
/// the last good site is served again, as after any failed rebuild.
#[test]
fn an_edit_that_breaks_a_list_left_for_later_shows_its_error() {
    let list = "{% for s in statements %}{% if \"Boom\" in s.title %}\
                {{ throw(message=\"a statement's title says Boom\") }}{% endif %}{% endfor %}<p>Listed</p>\n";
    let server = Server::start(fixture_with_template("statements.html", list));
    let (status, body) = server.get("/statements/");
    assert_eq!(status, 200, "{body}");
    let statement = server.root().join("content/statements/beta.md");
    let good = fs::read_to_string(&statement).unwrap();
    let (mut ws, _) = server.socket();
    fs::write(&statement, good.replace("title = \"Bob's post\"", "title = \"Boom post\"")).unwrap();
    assert_eq!(next_message(&mut ws)["kind"], "reload", "the edited note's page is rendered before the reload");
    eventually("the check's errors in the overlay", || {
        let (_ws, first) = server.socket();
        first["kind"] == "errors" && first["errors"].to_string().contains("Boom")
    });
    let (status, body) = server.get("/statements/");
    assert_eq!((status, body.contains("Listed")), (200, true), "the last good list: {body}");
    let (_, body) = server.get("/statements/beta/");
    assert!(body.contains("Bob&#x27;s post") || body.contains("Bob's post"), "the last good page: {body}");
    fs::write(&statement, &good).unwrap();
    eventually("the errors gone", || server.socket().1["kind"] == "hello");
    let (status, body) = server.get("/statements/");
    assert_eq!((status, body.contains("Listed")), (200, true), "{body}");
}

/// Regression: once rebuilds left the lists to be rendered when asked
/// for, a list's template edited into one that fails on every page was
/// served (the page answered its error) instead of failing the rebuild. A
/// template edit renders the first page of each route it changes, so the
/// rebuild fails and the last good site stays served.
#[test]
fn a_list_template_broken_by_an_edit_keeps_the_last_good_site() {
    let server = Server::start(fixture_with_template("statements.html", "<p>Listed {{ statements | length }}</p>\n"));
    let (status, good) = server.get("/statements/");
    assert_eq!(status, 200, "{good}");
    let (mut ws, _) = server.socket();
    fs::write(server.root().join("templates/statements.html"), "<p>{{ no_such_value.deeper }}</p>\n").unwrap();
    let message = next_message(&mut ws);
    assert_eq!(message["kind"], "errors", "{message}");
    assert!(message["errors"].to_string().contains("statements.html"), "{message}");
    assert_eq!(server.get("/statements/"), (200, good), "the last good list");
}
