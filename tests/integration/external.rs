//! `readout check --external` against a server on 127.0.0.1 that answers
//! 200, 301, 404 and 500, and one path that never answers.

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::*;

/// What the test server saw: requests per path, and the most at once.
#[derive(Default)]
struct Seen {
    hits: Mutex<std::collections::BTreeMap<String, usize>>,
    running: AtomicUsize,
    most_at_once: AtomicUsize,
}

impl Seen {
    fn hits(&self, path: &str) -> usize {
        self.hits.lock().unwrap().get(path).copied().unwrap_or(0)
    }
}

/// Starts the server; returns its base address (`http://127.0.0.1:PORT`).
fn start_server() -> (String, Arc<Seen>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Seen::default());
    let shared = Arc::clone(&seen);
    std::thread::spawn(move || {
        for stream in listener.incoming().map_while(Result::ok) {
            let seen = Arc::clone(&shared);
            std::thread::spawn(move || {
                let mut reader = BufReader::new(&stream);
                let mut line = String::new();
                let _ = reader.read_line(&mut line);
                loop {
                    let mut header = String::new();
                    if reader.read_line(&mut header).map(|n| n == 0).unwrap_or(true) || header == "\r\n" {
                        break;
                    }
                }
                let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
                *seen.hits.lock().unwrap().entry(path.clone()).or_insert(0) += 1;
                let now = seen.running.fetch_add(1, Ordering::SeqCst) + 1;
                seen.most_at_once.fetch_max(now, Ordering::SeqCst);
                let (status, extra) = match path.split('?').next().unwrap() {
                    "/ok" => ("200 OK", String::new()),
                    "/moved" => ("301 Moved Permanently", "Location: /ok\r\n".to_string()),
                    "/gone" => ("404 Not Found", String::new()),
                    "/broken" => ("500 Internal Server Error", String::new()),
                    "/slow" => {
                        std::thread::sleep(Duration::from_millis(300));
                        ("200 OK", String::new())
                    }
                    _ => {
                        // /hang: never answers.
                        std::thread::sleep(Duration::from_secs(30));
                        return;
                    }
                };
                seen.running.fetch_sub(1, Ordering::SeqCst);
                let mut out = &stream;
                let _ = write!(out, "HTTP/1.1 {status}\r\n{extra}Content-Length: 2\r\nConnection: close\r\n\r\nok");
            });
        }
    });
    (base, seen)
}

/// A new bare site with a source whose `url` and body link to `paths` on `base`.
fn site_linking(base: &str, field: &str, body: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let r = readout(&["init", "--bare", dir.path().to_str().unwrap()]);
    assert!(r.status.success(), "{}", stderr(&r));
    fs::create_dir_all(dir.path().join("content/sources")).unwrap();
    let links: Vec<String> = body.iter().map(|p| format!("- [{p}]({base}{p})")).collect();
    let text = format!(
        "+++\ntitle = \"Wire\"\nurl = \"{base}{field}\"\n+++\n\nThe story, and more:\n\n{}\n",
        links.join("\n")
    );
    fs::write(dir.path().join("content/sources/wire.md"), text).unwrap();
    dir
}

fn check_external(site: &std::path::Path) -> (std::process::Output, Duration) {
    let started = Instant::now();
    let r = readout(&["check", "--root", site.to_str().unwrap(), "--external", "--timeout", "0.5"]);
    (r, started.elapsed())
}

#[test]
fn dead_and_moved_links_are_reported_at_their_places_and_answers_are_cached() {
    let (base, seen) = start_server();
    let site = site_linking(&base, "/gone", &["/ok", "/moved", "/broken", "/hang"]);
    let (r, took) = check_external(site.path());
    let err = stderr(&r);
    assert_eq!(r.status.code(), Some(1), "{err}");
    let file = "content/sources/wire.md";
    assert!(err.contains(&format!("{file}:3:8: error: dead link: {base}/gone answers 404 Not Found")), "{err}");
    assert!(err.contains(&format!("try the web archive's copy: https://web.archive.org/web/{base}/gone")), "{err}");
    assert!(
        err.contains(&format!("{file}:9:3: warning: moved link: {base}/moved redirects (301) to {base}/ok")),
        "{err}"
    );
    assert!(
        err.contains(&format!("{file}:10:3: error: dead link: {base}/broken answers 500 Internal Server Error")),
        "{err}"
    );
    assert!(err.contains(&format!("{file}:11:3: error: dead link: {base}/hang gives no answer within 0.5 s")), "{err}");
    assert!(!err.contains(&format!("{file}:8:")), "the live link is not reported: {err}");
    assert_eq!(seen.hits("/broken"), 2, "a 500 is asked for once more");
    assert_eq!(seen.hits("/hang"), 2, "no answer is asked for once more");
    assert_eq!(seen.hits("/gone"), 1, "a 404 is not asked again");
    assert!(stdout(&r).contains("5 URLs in 5 places (5 asked, 0 from the cache)"), "{}", stdout(&r));
    eprintln!("first run: {took:?}");

    // The second run asks again only for the dead links.
    let (r, took) = check_external(site.path());
    assert_eq!(r.status.code(), Some(1));
    assert!(stdout(&r).contains("(3 asked, 2 from the cache)"), "{}", stdout(&r));
    assert_eq!((seen.hits("/ok"), seen.hits("/moved")), (2, 1), "/ok once itself and once after /moved");
    assert!(site.path().join(".readout-cache/external-links.json").is_file());
    eprintln!("second run: {took:?}");
}

#[test]
fn live_and_moved_links_pass_and_a_build_asks_for_nothing() {
    let (base, seen) = start_server();
    // A fragment stays in the browser: the server is asked for /ok.
    let site = site_linking(&base, "/ok", &["/moved", "/ok#the-vote"]);
    build(site.path());
    let r = readout(&["check", "--root", site.path().to_str().unwrap()]);
    assert!(r.status.success(), "{}", stderr(&r));
    assert_eq!(seen.hits("/ok") + seen.hits("/moved"), 0, "build and plain check stay off the network");
    let (r, _) = check_external(site.path());
    assert!(r.status.success(), "{}", stderr(&r));
    assert!(stderr(&r).contains("moved link"), "{}", stderr(&r));
}

#[test]
fn no_more_than_two_requests_at_once_go_to_one_host() {
    let (base, seen) = start_server();
    let slow: Vec<String> = (1..=6).map(|i| format!("/slow?{i}")).collect();
    let slow: Vec<&str> = slow.iter().map(String::as_str).collect();
    let site = site_linking(&base, "/ok", &slow);
    let (r, _) = check_external(site.path());
    assert!(r.status.success(), "{}", stderr(&r));
    assert_eq!(seen.most_at_once.load(Ordering::SeqCst), 2, "two at once, never more");
}
