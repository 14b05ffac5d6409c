//! Tests in headless Chromium, driven over WebDriver (chromedriver). They
//! skip, saying why, where Chromium or chromedriver is not installed;
//! `.ci/run` installs both.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use std::{fs, thread};

use fantoccini::{Client, ClientBuilder};
use serde_json::{Value, json};

use crate::common::*;
use crate::serve::Server;

pub fn find(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    names.iter().find_map(|name| std::env::split_paths(&path).map(|dir| dir.join(name)).find(|p| p.is_file()))
}

/// A headless Chromium session; the driver stops when this is dropped.
pub struct Browser {
    pub client: Client,
    driver: Child,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Browser {
    /// `None`, with the reason printed, where Chromium cannot run here.
    pub async fn start(width: u32, height: u32) -> Option<Browser> {
        Self::start_with(width, height, &[]).await
    }

    /// [`Browser::start`] with more Chromium arguments.
    pub async fn start_with(width: u32, height: u32, extra: &[&str]) -> Option<Browser> {
        let Some(chromium) = find(&["chromium", "chromium-browser", "google-chrome"]) else {
            eprintln!("skipped: no chromium on PATH (apt-get install chromium chromium-driver)");
            return None;
        };
        let Some(chromedriver) = find(&["chromedriver"]) else {
            eprintln!("skipped: no chromedriver on PATH (apt-get install chromium-driver)");
            return None;
        };
        let port = TcpListener::bind("127.0.0.1:0").ok()?.local_addr().ok()?.port();
        let driver = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let profile = tempfile::tempdir().ok()?;
        let caps = json!({
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--hide-scrollbars", "--force-device-scale-factor=1",
                    format!("--user-data-dir={}", profile.path().display()),
                    format!("--window-size={width},{height}"),
                ]
            }
        });
        let mut caps = caps.as_object().cloned().unwrap();
        if width < 500 {
            // Headless windows are at least 500 px wide; narrower means emulating a phone.
            caps["goog:chromeOptions"]["mobileEmulation"] =
                json!({ "deviceMetrics": { "width": width, "height": height, "pixelRatio": 1.0, "mobile": true } });
        }
        if let Some(args) = caps["goog:chromeOptions"]["args"].as_array_mut() {
            args.extend(extra.iter().map(|a| Value::from(*a)));
        }
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let start = Instant::now();
        let client = loop {
            match ClientBuilder::new(connector.clone())
                .capabilities(caps.clone())
                .connect(&format!("http://127.0.0.1:{port}"))
                .await
            {
                Ok(c) => break c,
                Err(e) if start.elapsed() > Duration::from_secs(20) => panic!("chromedriver did not start: {e}"),
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        };
        std::mem::forget(profile);
        Some(Browser { client, driver })
    }

    pub async fn eval(&self, script: &str) -> Value {
        self.client.execute(script, vec![]).await.unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Waits (up to 15 s) for `script` to return true.
    pub async fn wait_for(&self, what: &str, script: &str) -> Duration {
        let start = Instant::now();
        loop {
            if self.client.execute(script, vec![]).await.ok().and_then(|v| v.as_bool()) == Some(true) {
                return start.elapsed();
            }
            assert!(start.elapsed() < Duration::from_secs(15), "timed out waiting for {what}");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let dir = repo_root().join("target/screenshots");
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{name}.png"));
        fs::write(&path, self.client.screenshot().await.unwrap()).unwrap();
        path
    }

    /// Runs axe-core on the page; returns the violations (empty when clean),
    /// or `None` where axe-core is not installed (`npm ci`).
    pub async fn axe(&self) -> Option<Vec<Value>> {
        let axe = fs::read_to_string(repo_root().join("node_modules/axe-core/axe.min.js")).ok()?;
        self.client.execute(&axe, vec![]).await.unwrap();
        let result = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, { resultTypes: ['violations'] }).then(r => done(r.violations.map(v => ({
                   id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)
                 })))).catch(e => done([{ id: 'axe-error', help: String(e) }]));",
                vec![],
            )
            .await
            .unwrap();
        Some(result.as_array().cloned().unwrap_or_default())
    }
}

/// The boxes of the two comparison columns: [left, top, right, bottom] each.
async fn column_boxes(b: &Browser) -> Vec<Vec<f64>> {
    let v = b
        .eval("return [...document.querySelectorAll('.columns > .side')].map(e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; });")
        .await;
    serde_json::from_value(v).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn default_site_lays_out_at_desktop_and_phone_widths_and_passes_axe() {
    let site = default_site();
    let out = build(site.path());
    let addr = serve_dir(&out);
    for (width, label) in [(1280, "desktop"), (375, "phone"), (360, "small-phone")] {
        let Some(b) = Browser::start(width, 900).await else { return };
        for (path, name) in [
            ("/", "home"),
            ("/compare/readout-vs-jaishankar/", "comparison"),
            ("/who-said-what/", "matrix"),
            ("/actors/s-jaishankar/", "actor"),
            ("/how-we-read-the-words/", "method"),
        ] {
            b.client.goto(&format!("http://{addr}{path}")).await.unwrap();
            b.screenshot(&format!("{name}-{label}")).await;
            assert_eq!(b.eval("return window.innerWidth;").await, json!(width), "viewport width");
            let scroll = b.eval("return document.documentElement.scrollWidth - window.innerWidth;").await;
            assert!(scroll.as_f64().unwrap() <= 0.0, "{name} scrolls sideways at {width}px by {scroll}");
            if name == "comparison" {
                let boxes = column_boxes(&b).await;
                assert_eq!(boxes.len(), 2);
                let (l, r) = (&boxes[0], &boxes[1]);
                if width >= 768 {
                    assert!(
                        r[0] >= l[2] - 1.0 && (r[1] - l[1]).abs() < 1.0,
                        "columns side by side at {width}px: {boxes:?}"
                    );
                } else {
                    assert!(r[1] >= l[3] - 1.0, "columns stacked at {width}px: {boxes:?}");
                }
            }
            match b.axe().await {
                Some(violations) => assert!(violations.is_empty(), "axe on {path} at {width}px: {violations:#?}"),
                None => eprintln!("skipped axe-core: node_modules/axe-core is missing (run npm ci)"),
            }
        }
        let _ = b.client.clone().close().await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn dark_mode_passes_axe_too() {
    let site = default_site();
    let out = build(site.path());
    let addr = serve_dir(&out);
    let Some(b) = Browser::start_with(1280, 900, &["--blink-settings=preferredColorScheme=0"]).await else { return };
    for path in [
        "/",
        "/compare/readout-vs-jaishankar/",
        "/who-said-what/",
        "/statements/rubio-jaishankar-readout/",
        "/actors/s-jaishankar/",
        "/how-we-read-the-words/",
    ] {
        b.client.goto(&format!("http://{addr}{path}")).await.unwrap();
        if b.eval("return matchMedia('(prefers-color-scheme: dark)').matches;").await != Value::Bool(true) {
            eprintln!("skipped: this Chromium does not take the dark-mode setting");
            return;
        }
        if path == "/compare/readout-vs-jaishankar/" {
            b.screenshot("comparison-dark").await;
        }
        match b.axe().await {
            Some(violations) => assert!(violations.is_empty(), "axe on {path} in dark mode: {violations:#?}"),
            None => eprintln!("skipped axe-core: node_modules/axe-core is missing (run npm ci)"),
        }
    }
    let _ = b.client.clone().close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn serve_updates_the_page_without_a_manual_reload() {
    let server = Server::start(fixture("basic"));
    let Some(b) = Browser::start(1280, 900).await else { return };
    b.client.goto(&server.url("/actors/alice/")).await.unwrap();
    b.wait_for("the reload socket", "return !!document.querySelector('h1');").await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    // A content edit shows up by itself, patched into the open page: the
    // document is the same (a value set on window survives) and the
    // reader's focus stays where it was.
    b.eval(
        "window.__readoutPatched = 7; const a = document.querySelector('main a'); a.focus(); \
         a.__readoutFocused = true; return true;",
    )
    .await;
    let note = server.root().join("content/actors/alice.md");
    let good = fs::read_to_string(&note).unwrap();
    fs::write(&note, good.replace("She became minister in 2020.", "She became minister in 2021, the page says."))
        .unwrap();
    b.wait_for("the edited text", "return document.body.innerText.includes('minister in 2021, the page says');").await;
    assert_eq!(b.eval("return window.__readoutPatched === 7;").await, Value::Bool(true), "the page was reloaded");
    // The very element focused before (its attributes may change: a preview shown on focus sets one).
    assert_eq!(
        b.eval("return document.activeElement.__readoutFocused === true;").await,
        Value::Bool(true),
        "the focus moved"
    );

    // The reload keeps the reader's place on the page.
    let long = good.replace("She became minister in 2020.", &"A long paragraph that makes the page tall. ".repeat(400));
    fs::write(&note, &long).unwrap();
    b.wait_for("the long page", "return document.body.scrollHeight > 3 * window.innerHeight;").await;
    b.eval("window.scrollTo(0, 1500); return true;").await;
    fs::write(&note, long.replace("A long paragraph", "A tall paragraph")).unwrap();
    b.wait_for(
        "the second edit",
        "return document.body.innerText.includes('A tall paragraph') && document.readyState === 'complete';",
    )
    .await;
    b.wait_for("the scroll position to come back", "return Math.abs(window.scrollY - 1500) < 5;").await;
    fs::write(&note, good.replace("She became minister in 2020.", "She became minister in 2021, the page says."))
        .unwrap();
    b.wait_for("the page back", "return document.body.innerText.includes('minister in 2021, the page says');").await;

    // A CSS change applies without a reload: a value set on window survives.
    b.eval("window.__readoutKept = 42; return true;").await;
    fs::write(server.root().join("static/style.css"), "h1 { color: rgb(200, 0, 100); }\n").unwrap();
    b.wait_for("the new style", "return getComputedStyle(document.querySelector('h1')).color === 'rgb(200, 0, 100)';")
        .await;
    assert_eq!(b.eval("return window.__readoutKept === 42;").await, Value::Bool(true), "page was reloaded for CSS");

    // A broken note shows the overlay over the last good page; fixing it removes it.
    let now = fs::read_to_string(&note).unwrap();
    fs::write(&note, now.replace("kind = \"person\"", "kind = \"persn\"")).unwrap();
    b.wait_for("the error overlay", "return !!document.getElementById('readout-errors');").await;
    let overlay = b.eval("return document.getElementById('readout-errors').innerText;").await;
    let overlay = overlay.as_str().unwrap().to_string();
    assert!(overlay.contains("content/actors/alice.md:3:"), "{overlay}");
    assert!(overlay.contains("kind = \"persn\""), "{overlay}");
    b.screenshot("serve-error-overlay").await;
    fs::write(&note, now).unwrap();
    b.wait_for(
        "the overlay to go",
        "return !document.getElementById('readout-errors') && document.readyState === 'complete';",
    )
    .await;
    let _ = b.client.clone().close().await;
}

/// Save-to-screen latency: from a save until the open page shows the new
/// text, timed in the page itself (a MutationObserver notes when the text
/// arrives, on the page's own clock; a page that reloaded instead gives
/// its navigation timing), against the wall-clock time of the save. A
/// benchmark, not a test of speed: it prints the numbers.
/// `cargo test --test integration save_to_dom -- --ignored --nocapture`
/// with READOUT_BENCH_BIN naming a release build of readout
/// (set READOUT_BENCH_SITE to a site folder to measure that site instead).
#[tokio::test(flavor = "multi_thread")]
#[ignore]
async fn save_to_dom_latency() {
    let site = match std::env::var("READOUT_BENCH_SITE") {
        Ok(dir) => copy_tree(Path::new(&dir)),
        Err(_) => default_site(),
    };
    let note = walkdir::WalkDir::new(site.path().join("content/statements"))
        .into_iter()
        .filter_map(Result::ok)
        .find(|e| e.path().extension().is_some_and(|x| x == "md"))
        .expect("a statement")
        .into_path();
    let slug = note.file_stem().unwrap().to_str().unwrap().to_string();
    let server = Server::start(site);
    let Some(b) = Browser::start(1280, 900).await else { return };
    b.client.goto(&server.url(&format!("/statements/{slug}/"))).await.unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let original = fs::read_to_string(&note).unwrap();
    let (mut times, mut reloads, mut phases) = (Vec::new(), 0, Vec::new());
    for i in 0..20 {
        let marker = format!("Latency probe number {i}.");
        b.eval(&format!("{WATCH_FOR_TEXT} watchFor('{marker}'); return true;")).await;
        let saved = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs_f64() * 1000.0;
        fs::write(&note, format!("{}\n{marker}\n", original.trim_end())).unwrap();
        // Only to collect the page's own figure; the time is the page's.
        let seen = format!(
            "return window.__seen && window.__seen['{marker}'] || (document.body.textContent.includes('{marker}') && \
             performance.timeOrigin + performance.getEntriesByType('navigation')[0].domInteractive) || null;"
        );
        b.wait_for(
            "the probe",
            &format!("return ({}) !== null;", seen.trim_start_matches("return ").trim_end_matches(';')),
        )
        .await;
        if b.eval("return !window.__seen;").await == Value::Bool(true) {
            reloads += 1;
        }
        let at = b.eval(&seen).await.as_f64().expect("a time");
        times.push(at - saved);
        // Where the time went: until the page asked for its new HTML, and that answer's own time.
        let fetched = b
            .eval(
                "const r = performance.getEntriesByType('resource').filter(e => e.name === location.href).pop(); \
                 return r ? [performance.timeOrigin + r.startTime, r.responseEnd - r.startTime] : null;",
            )
            .await;
        if let Some([asked, took]) = fetched.as_array().map(|a| [a[0].as_f64(), a[1].as_f64()]) {
            phases.push((asked.unwrap_or(at) - saved, took.unwrap_or(0.0), at - asked.unwrap_or(at)));
        }
        thread::sleep(Duration::from_millis(200));
    }
    times.sort_by(f64::total_cmp);
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
    };
    println!(
        "medians over {} patched saves: {:.0} ms until the page asked for its new HTML, {:.0} ms for the answer, {:.0} ms from asking to the text on screen",
        phases.len(),
        median(phases.iter().map(|p| p.0).collect()),
        median(phases.iter().map(|p| p.1).collect()),
        median(phases.iter().map(|p| p.2).collect())
    );
    println!(
        "save-to-screen over {} saves ({reloads} by a reload, the rest patched): median {:.0} ms, worst {:.0} ms, best {:.0} ms",
        times.len(),
        times[times.len() / 2],
        times[times.len() - 1],
        times[0]
    );
}

/// Installs `watchFor(text)`: notes in `window.__seen[text]` the page's
/// clock (as wall-clock milliseconds) when `text` first appears in it.
const WATCH_FOR_TEXT: &str = "window.__seen = window.__seen || {}; \
    window.watchFor = window.watchFor || function (text) { \
      const look = () => { if (!(text in window.__seen) && document.body.textContent.includes(text)) { \
        window.__seen[text] = performance.timeOrigin + performance.now(); } }; \
      new MutationObserver(look).observe(document.body, { subtree: true, childList: true, characterData: true }); \
    };";

#[tokio::test(flavor = "multi_thread")]
async fn each_comparison_prints_on_one_landscape_page() {
    use fantoccini::wd::{PrintConfiguration, PrintOrientation};
    let site = default_site();
    let out = build(site.path());
    let addr = serve_dir(&out);
    let Some(b) = Browser::start(1280, 900).await else { return };
    for entry in fs::read_dir(out.join("compare")).unwrap() {
        let slug = entry.unwrap().file_name().into_string().unwrap();
        b.client.goto(&format!("http://{addr}/compare/{slug}/")).await.unwrap();
        let config = PrintConfiguration::builder().orientation(PrintOrientation::Landscape).build().unwrap();
        let pdf = b.client.print(config).await.unwrap();
        let pages = pdf_pages(&pdf);
        assert_eq!(pages, 1, "{slug} prints on {pages} pages");
    }
    let _ = b.client.clone().close().await;
}

/// The number of pages of a PDF: its `/Type /Page` objects (not `/Pages`).
fn pdf_pages(pdf: &[u8]) -> usize {
    let mut count = 0;
    for marker in [&b"/Type /Page"[..], &b"/Type/Page"[..]] {
        count += pdf
            .windows(marker.len() + 1)
            .filter(|w| w.starts_with(marker) && !w[marker.len()].is_ascii_alphabetic())
            .count();
    }
    count
}
