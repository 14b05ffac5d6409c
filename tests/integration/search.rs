//! Built-in search and previews of linked notes: the index's files (there,
//! the same from build to build, absent with `search = false`), and in
//! headless Chromium the search box, its filters, quoted phrases, the
//! keyboard, the page without JavaScript, previews on hover and focus,
//! and search in `serve` finding what was just saved. Browser tests skip,
//! saying why, where Chromium is not installed.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::time::Duration;

use fantoccini::Locator;
use fantoccini::actions::{InputSource, KeyAction, KeyActions, MouseActions, PointerAction};
use serde_json::{Value, json};

use crate::browser::Browser;
use crate::common::*;
use crate::serve::{Server, get_encoded};

const DOWN: &str = "\u{E015}";
const UP: &str = "\u{E013}";
const ESCAPE: &str = "\u{E00C}";
const ENTER: &str = "\u{E007}";

/// Every file under `dir`, by path relative to it, with its bytes.
fn files_under(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let path = e.path().strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
            (path, fs::read(e.path()).unwrap())
        })
        .collect()
}

#[test]
fn the_index_files_are_there_and_the_same_from_build_to_build() {
    let site = default_site();
    let first = files_under(&build(site.path()).join("search-index"));
    let again = default_site();
    let second = files_under(&build(again.path()).join("search-index"));
    assert!(first == second, "two builds wrote different index files");
    for name in ["index.json", "filters.json", "index/0.json", "phrase/0.json", "filter/speaker.json"] {
        assert!(first.contains_key(name), "no search-index/{name} in {:?}", first.keys().collect::<Vec<_>>());
    }
    // Every file of the index is JSON, which a host compresses as it does the pages.
    for (path, bytes) in &first {
        assert!(path.ends_with(".json"), "search-index/{path} is not JSON");
        serde_json::from_slice::<Value>(bytes).unwrap_or_else(|e| panic!("search-index/{path}: {e}"));
    }
    // One fragment per note with a page: a result's URL, title and the text its excerpt is cut from.
    let fragments: Vec<Value> = first
        .iter()
        .filter(|(p, _)| p.starts_with("fragment/"))
        .map(|(_, bytes)| serde_json::from_slice(bytes).unwrap())
        .collect();
    assert_eq!(fragments.len(), 42, "one fragment per note");
    let readout = fragments.iter().find(|f| f["url"] == "statements/rubio-jaishankar-readout/").expect("its fragment");
    assert_eq!(readout["meta"]["speaker"], "Marco Rubio", "{readout}");
    assert!(readout["text"].as_str().unwrap().contains("de-escalate tensions"), "{readout}");
    // Every note with a page has a preview, with a statement's own words.
    let previews: Vec<Value> = first
        .iter()
        .filter(|(p, _)| p.starts_with("previews/"))
        .map(|(_, bytes)| serde_json::from_slice(bytes).unwrap())
        .collect();
    let count: usize = previews.iter().map(|v| v.as_object().unwrap().len()).sum();
    assert_eq!(count, 42, "one preview per note");
    let readout = previews.iter().find_map(|v| v.get("statements/rubio-jaishankar-readout/")).expect("its preview");
    assert!(readout["words"].as_str().unwrap().contains("to de-escalate tensions"), "{readout}");
    assert!(readout["lines"][0].as_str().unwrap().contains("Marco Rubio"), "{readout}");
    // The search page is there for readers without JavaScript.
    let out = build(site.path());
    let home = page(&out, "index.html");
    assert_eq!(attrs(&home, "form.site-search", "action"), ["search/"]);
    let search = page(&out, "search/index.html");
    let links = attrs(&search, ".search-needs-js a", "href");
    for list in ["../statements/", "../actors/", "../timeline/"] {
        assert!(links.iter().any(|l| l == list), "the search page links {list}: {links:?}");
    }
    assert!(texts(&search, ".search-needs-js")[0].contains("needs JavaScript"));
}

#[test]
fn search_false_writes_no_index_no_box_and_no_search_page() {
    let site = default_site();
    let toml = site.path().join("site.toml");
    let text = fs::read_to_string(&toml).unwrap();
    fs::write(&toml, text.replacen("[themes]", "search = false\n\n[themes]", 1)).unwrap();
    let out = build(site.path());
    assert!(!out.join("search-index").exists(), "search-index/ written with search = false");
    assert!(!out.join("search").exists(), "search/ written with search = false");
    let home = fs::read_to_string(out.join("index.html")).unwrap();
    assert!(!home.contains("site-search") && !home.contains("search.js"), "the box is on the page");
}

/// The default site built and served as a static host would.
async fn open_default_site(width: u32) -> Option<(Browser, String, tempfile::TempDir)> {
    let site = default_site();
    let out = build(site.path());
    let addr = serve_dir(&out);
    let b = Browser::start(width, 900).await?;
    b.client.goto(&format!("http://{addr}/")).await.unwrap();
    Some((b, addr, site))
}

/// Types `query` into the search box and waits for the results to be shown for it.
async fn search(b: &Browser, query: &str) -> Vec<Value> {
    let input = b.client.find(Locator::Css("#site-search-q")).await.unwrap();
    input.clear().await.unwrap();
    input.send_keys(query).await.unwrap();
    results(b, query).await
}

/// The results shown for `query`: each one's URL, title, line and excerpt.
async fn results(b: &Browser, query: &str) -> Vec<Value> {
    let shown = query.trim_matches('"');
    b.wait_for(
        &format!("results for {query}"),
        &format!(
            "const s = document.querySelector('#site-search-status');
             return !!s && s.textContent.includes({}) && !document.querySelector('#site-search-panel').hidden;",
            json!(format!("“{shown}”"))
        ),
    )
    .await;
    let found = b
        .eval(
            "return [...document.querySelectorAll('.search-result')].map(li => ({
               url: new URL(li.querySelector('a').href).pathname, title: li.querySelector('a').textContent,
               meta: li.querySelector('.search-result-meta').textContent,
               excerpt: li.querySelector('.search-result-excerpt').innerHTML }));",
        )
        .await;
    found.as_array().cloned().unwrap_or_default()
}

fn urls(found: &[Value]) -> Vec<&str> {
    found.iter().map(|r| r["url"].as_str().unwrap()).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn typing_de_escalate_finds_both_state_department_readouts_and_the_comparisons_quoting_them() {
    let Some((b, _addr, _site)) = open_default_site(1280).await else { return };
    let found = search(&b, "de-escalate").await;
    let urls = urls(&found);
    for wanted in [
        "/statements/rubio-jaishankar-readout/",
        "/statements/rubio-sharif-readout/",
        "/compare/readout-vs-jaishankar/",
        "/compare/rubio-new-delhi-vs-islamabad/",
    ] {
        assert!(urls.contains(&wanted), "{wanted} not among {urls:?}");
    }
    let readout = found.iter().find(|r| r["url"] == "/statements/rubio-jaishankar-readout/").unwrap();
    assert!(readout["meta"].as_str().unwrap().contains("Marco Rubio"), "speaker shown: {readout}");
    assert!(readout["meta"].as_str().unwrap().contains("2025"), "date shown: {readout}");
    assert!(readout["excerpt"].as_str().unwrap().contains("<mark>"), "the match marked: {readout}");
    let count = b.eval("return document.querySelector('#site-search-status').textContent;").await;
    assert!(count.as_str().unwrap().contains("results"), "the live region says how many: {count}");
    let ms = b.eval("return document.querySelector('.site-search').dataset.searchMs;").await;
    eprintln!("results on screen {ms} ms after the keystroke (first query, index loading included)");
    match b.axe().await {
        Some(violations) => assert!(violations.is_empty(), "axe with the results open: {violations:#?}"),
        None => eprintln!("skipped axe-core: node_modules/axe-core is missing (run npm ci)"),
    }
    b.screenshot("search-1280").await;
    let _ = b.client.clone().close().await;

    let Some((phone, _addr, _site)) = open_default_site(360).await else { return };
    search(&phone, "de-escalate").await;
    let scroll = phone.eval("return document.documentElement.scrollWidth - window.innerWidth;").await;
    assert!(scroll.as_f64().unwrap() <= 0.0, "the open search scrolls sideways at 360 px by {scroll}");
    match phone.axe().await {
        Some(violations) => assert!(violations.is_empty(), "axe with the results open at 360 px: {violations:#?}"),
        None => eprintln!("skipped axe-core: node_modules/axe-core is missing (run npm ci)"),
    }
    phone.screenshot("search-360").await;
    let _ = phone.client.clone().close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_speaker_filter_keeps_that_speakers_statements() {
    let Some((b, _addr, _site)) = open_default_site(1280).await else { return };
    let all = search(&b, "terrorism").await;
    let by_others = |found: &[Value]| {
        found.iter().any(|r| {
            let meta = r["meta"].as_str().unwrap();
            meta.contains("Statement") && !meta.contains("Marco Rubio")
        })
    };
    assert!(by_others(&all), "other speakers' statements first: {all:?}");
    b.client.find(Locator::Css(".search-filters-button")).await.unwrap().click().await.unwrap();
    b.wait_for(
        "the speaker filter",
        "return !!document.querySelector('select[name=speaker] option[value=\"Marco Rubio\"]');",
    )
    .await;
    b.eval(
        "const s = document.querySelector('select[name=speaker]'); s.value = 'Marco Rubio';
         s.dispatchEvent(new Event('change')); return true;",
    )
    .await;
    b.wait_for(
        "the filtered results",
        "return [...document.querySelectorAll('.search-result-meta')].every(m => !m.textContent.includes('Statement') || m.textContent.includes('Marco Rubio'));",
    )
    .await;
    let filtered = results(&b, "terrorism").await;
    assert!(!filtered.is_empty(), "Rubio's statements on terrorism");
    for r in &filtered {
        let meta = r["meta"].as_str().unwrap();
        assert!(!meta.contains("Statement") || meta.contains("Marco Rubio"), "another speaker's statement: {r}");
    }
    let _ = b.client.clone().close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_quoted_phrase_matches_exactly_with_the_statements_that_say_it_first() {
    let Some((b, _addr, _site)) = open_default_site(1280).await else { return };
    let loose = search(&b, "work with pakistan").await;
    let exact = search(&b, "\"work with Pakistan\"").await;
    assert!(!exact.is_empty() && exact.len() <= loose.len(), "exact {exact:?}\nloose {loose:?}");
    // Statements whose own words hold the phrase rank above notes that only mention it.
    let first = &exact[0];
    assert_eq!(first["url"], "/statements/rubio-jaishankar-readout/", "first: {first}");
    let mut past_own = false;
    for r in &exact {
        let own = r["url"] == "/statements/rubio-jaishankar-readout/";
        assert!(!(own && past_own), "a statement saying it after one that does not: {exact:?}");
        past_own |= !own;
        assert!(r["excerpt"].as_str().unwrap().to_lowercase().contains("pakistan"), "{r}");
    }
    let none = search(&b, "\"Pakistan with work\"").await;
    assert!(none.is_empty(), "words out of order matched a quoted phrase: {none:?}");
    let _ = b.client.clone().close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_keyboard_reaches_the_box_and_every_result() {
    let Some((b, addr, _site)) = open_default_site(1280).await else { return };
    b.client.goto(&format!("http://{addr}/actors/")).await.unwrap();
    let slash = KeyActions::new("keys".into()).then(KeyAction::Down { value: '/' }).then(KeyAction::Up { value: '/' });
    b.client.perform_actions(slash).await.unwrap();
    assert_eq!(b.eval("return document.activeElement.id;").await, json!("site-search-q"), "/ focuses the box");
    assert_eq!(b.eval("return document.activeElement.value;").await, json!(""), "/ is not typed into it");
    let found = search(&b, "Rubio").await;
    assert!(found.len() >= 2, "{found:?}");
    let focused = "return document.activeElement.closest('.search-result') ? new URL(document.activeElement.href).pathname : document.activeElement.id;";
    let active = || async { b.client.active_element().await.unwrap() };
    active().await.send_keys(DOWN).await.unwrap();
    assert_eq!(b.eval(focused).await, found[0]["url"], "down goes to the first result");
    active().await.send_keys(DOWN).await.unwrap();
    assert_eq!(b.eval(focused).await, found[1]["url"], "down again to the second");
    active().await.send_keys(UP).await.unwrap();
    active().await.send_keys(UP).await.unwrap();
    assert_eq!(b.eval(focused).await, json!("site-search-q"), "up from the first goes back to the box");
    active().await.send_keys(ESCAPE).await.unwrap();
    assert_eq!(
        b.eval("return document.querySelector('#site-search-panel').hidden;").await,
        json!(true),
        "Escape closes"
    );
    assert_eq!(b.eval("return document.activeElement.id;").await, json!("site-search-q"));
    let found = search(&b, "Jaishankar").await;
    active().await.send_keys(ENTER).await.unwrap();
    let first = found[0]["url"].as_str().unwrap().to_string();
    b.wait_for("the first result's page", &format!("return location.pathname === {};", json!(first))).await;
    let _ = b.client.clone().close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_search_page_without_javascript_links_the_lists_and_with_it_searches_its_query() {
    let site = default_site();
    let out = build(site.path());
    let addr = serve_dir(&out);
    let Some(b) = Browser::start_with(1280, 900, &["--blink-settings=scriptEnabled=false"]).await else { return };
    b.client.goto(&format!("http://{addr}/")).await.unwrap();
    let input = b.client.find(Locator::Css("#site-search-q")).await.unwrap();
    input.send_keys("de-escalate").await.unwrap();
    input.send_keys(ENTER).await.unwrap();
    b.wait_for("the search page", "return location.pathname === '/search/';").await;
    let text = b.eval("return document.querySelector('main').innerText;").await;
    assert!(text.as_str().unwrap().contains("needs JavaScript"), "{text}");
    assert_eq!(b.eval("return document.querySelectorAll('.search-needs-js a').length;").await, json!(4));
    let _ = b.client.clone().close().await;

    // With JavaScript the same address shows the results of its query.
    let Some(b) = Browser::start(1280, 900).await else { return };
    b.client.goto(&format!("http://{addr}/search/?q=de-escalate")).await.unwrap();
    let found = results(&b, "de-escalate").await;
    assert!(urls(&found).contains(&"/statements/rubio-sharif-readout/"), "{found:?}");
    let _ = b.client.clone().close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_preview_shows_on_hover_and_on_focus_with_the_statements_own_words() {
    let Some((b, addr, _site)) = open_default_site(1280).await else { return };
    b.client.goto(&format!("http://{addr}/events/rubio-jaishankar-call/")).await.unwrap();
    let link = "main a[href$='statements/rubio-jaishankar-readout/']";
    let a = b.client.find(Locator::Css(link)).await.unwrap();
    let before = b.eval("return document.documentElement.scrollHeight;").await;
    let hover = MouseActions::new("mouse".into()).then(PointerAction::MoveToElement {
        element: a.clone(),
        duration: None,
        x: 0.0,
        y: 0.0,
    });
    b.client.perform_actions(hover).await.unwrap();
    let visible = "const t = document.querySelector('.note-preview'); return !!t && !t.hidden && t.textContent.includes('to de-escalate tensions');";
    b.wait_for("the preview on hover", visible).await;
    let tip = b.eval("return document.querySelector('.note-preview').textContent;").await;
    assert!(tip.as_str().unwrap().contains("Marco Rubio"), "the speaker in the preview: {tip}");
    assert_eq!(b.eval("return document.documentElement.scrollHeight;").await, before, "the preview moved the page");
    match b.axe().await {
        Some(violations) => assert!(violations.is_empty(), "axe with a preview shown: {violations:#?}"),
        None => eprintln!("skipped axe-core: node_modules/axe-core is missing (run npm ci)"),
    }
    b.client.active_element().await.unwrap().send_keys(ESCAPE).await.unwrap();
    b.wait_for("Escape to hide it", "return document.querySelector('.note-preview').hidden;").await;
    let away = MouseActions::new("mouse".into()).then(PointerAction::MoveTo { duration: None, x: 5.0, y: 5.0 });
    b.client.perform_actions(away).await.unwrap();

    // Keyboard focus shows it too, and leaving the link hides it.
    b.eval(&format!("document.querySelector({}).focus(); return true;", json!(link))).await;
    b.wait_for("the preview on focus", visible).await;
    b.eval("document.activeElement.blur(); return true;").await;
    b.wait_for("blur to hide it", "return document.querySelector('.note-preview').hidden;").await;
    let fetched = b
        .eval("return performance.getEntriesByType('resource').filter(e => e.name.includes('/previews/')).map(e => e.transferSize);")
        .await;
    let sizes = fetched.as_array().unwrap();
    assert_eq!(sizes.len(), 1, "the preview was fetched once: {fetched}");
    let _ = b.client.clone().close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn search_in_serve_finds_a_word_just_saved() {
    let server = Server::start(default_site());
    let Some(b) = Browser::start(1280, 900).await else { return };
    b.client.goto(&server.url("/")).await.unwrap();
    assert!(search(&b, "de-escalate").await.len() >= 2);
    let note = server.root().join("content/statements/china-position.md");
    let text = fs::read_to_string(&note).unwrap();
    fs::write(&note, format!("{text}\nThe ministry's spokesman later called it zephyrine diplomacy.\n")).unwrap();
    let start = std::time::Instant::now();
    let found = loop {
        b.client.goto(&server.url("/")).await.unwrap();
        let found = search(&b, "zephyrine").await;
        if !found.is_empty() || start.elapsed() > Duration::from_secs(15) {
            break found;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    eprintln!("found {:.1} s after the save", start.elapsed().as_secs_f64());
    assert_eq!(urls(&found), ["/statements/china-position/"], "the new word found in the note just saved");
    let _ = b.client.clone().close().await;
}

/// The body of a GET to `server` with `accept` as its `Accept-Encoding`
/// (none if empty), decoded if it came gzip-encoded; and whether it did.
fn get_with_encoding(server: &Server, path: &str, accept: &str) -> (Vec<u8>, bool) {
    let (status, head, body, gzipped) = get_encoded(&server.addr, path, accept);
    assert_eq!(status, 200, "GET {path}: {head}");
    let head = head.to_ascii_lowercase();
    assert!(head.contains("vary: accept-encoding"), "GET {path} says it varies by encoding: {head}");
    (body, gzipped)
}

#[test]
fn serve_sends_the_index_gzipped_to_a_client_that_takes_it_and_plain_to_one_that_does_not() {
    let site = default_site();
    let built = files_under(&build(site.path()).join("search-index"));
    let server = Server::start(default_site());
    // The larger files (a few hundred bytes up) are held compressed; a
    // tiny one, which gzip would only make longer, is sent as it is.
    let large: Vec<&String> = built.keys().filter(|name| built[*name].len() > 1000).collect();
    assert!(large.len() >= 10, "the default site's index has files worth compressing: {large:?}");
    for name in large.iter().step_by(large.len() / 8).copied().chain([&"index/0.json".to_string()]) {
        let path = format!("/search-index/{name}");
        let (plain, gzipped) = get_with_encoding(&server, &path, "");
        assert!(!gzipped && plain == built[name], "{path} without Accept-Encoding is what build writes");
        for refused in ["gzip;q=0", "br", "identity"] {
            let (plain, gzipped) = get_with_encoding(&server, &path, refused);
            assert!(!gzipped && plain == built[name], "{path} with Accept-Encoding {refused:?} comes plain");
        }
        for taken in ["gzip, deflate, br, zstd", "GZIP", "br;q=1.0, gzip;q=0.5", "*"] {
            let (plain, gzipped) = get_with_encoding(&server, &path, taken);
            assert!(gzipped, "{path} with Accept-Encoding {taken:?} comes gzipped");
            assert!(plain == built[name], "{path} decoded is what build writes");
        }
    }
    let (status, head, body, _) = get_encoded(&server.addr, "/search-index/index.json", "gzip");
    let head = head.to_ascii_lowercase();
    assert!(status == 200 && !head.contains("content-encoding") && body == built["index.json"], "{head}");
    // Pages are sent as they are (the reload script goes into them).
    let (status, head, _, _) = get_encoded(&server.addr, "/", "gzip");
    assert!(status == 200 && !head.to_ascii_lowercase().contains("content-encoding"), "a page is sent plain: {head}");
}

/// What a reader's browser downloads of the index, as a host that
/// compresses text sends it: gzip for the script and the index's JSON.
fn sent_bytes(out: &Path, url_path: &str) -> usize {
    let path = url_path.trim_start_matches('/');
    let bytes = fs::read(out.join(path)).unwrap_or_default();
    if readout::compress::wanted(path) {
        readout::compress::variants(&bytes).map(|[(_, gz), _]| gz.len()).unwrap_or(bytes.len())
    } else {
        bytes.len()
    }
}

/// The search budgets measured in Chromium, for `scripts/bench.py`
/// (`search_budgets`): on the built site in `READOUT_SEARCH_OUT` (else the
/// default site), what a reader's first query downloads, and how long
/// results take to be on screen after each keystroke once the index is
/// loaded. Prints the numbers; asserts nothing about time.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "a measurement: scripts/bench.py runs it"]
async fn search_budget_in_chromium() {
    let site = default_site();
    let out = match std::env::var_os("READOUT_SEARCH_OUT") {
        Some(dir) => std::path::PathBuf::from(dir),
        None => build(site.path()),
    };
    let queries: Vec<String> = std::env::var("READOUT_SEARCH_QUERIES")
        .unwrap_or_else(|_| "de-escalate|terrorism|\"work with Pakistan\"|Rubio|peace and security".into())
        .split('|')
        .map(str::to_string)
        .collect();
    let addr = serve_dir(&out);
    let Some(b) = Browser::start(1280, 900).await else { return };
    b.client.goto(&format!("http://{addr}/")).await.unwrap();
    let first = search(&b, &queries[0]).await;
    let fetched = b
        .eval("return performance.getEntriesByType('resource').map(e => new URL(e.name).pathname).filter(p => p.startsWith('/search-index/') || p.endsWith('/search.js'));")
        .await;
    let fetched: Vec<String> = serde_json::from_value(fetched).unwrap();
    let total: usize = fetched.iter().map(|p| sent_bytes(&out, p)).sum();
    println!(
        "first query {:?}: {} results shown, {} files fetched, {:.1} kB sent compressed",
        queries[0],
        first.len(),
        fetched.len(),
        total as f64 / 1000.0
    );
    for p in &fetched {
        println!("  {p}: {:.1} kB", sent_bytes(&out, p) as f64 / 1000.0);
    }
    // Once loaded: each keystroke of each query, timed by the page from the input event to the results drawn.
    let mut times = Vec::new();
    let input = b.client.find(Locator::Css("#site-search-q")).await.unwrap();
    for query in &queries {
        input.clear().await.unwrap();
        for (i, c) in query.chars().enumerate() {
            b.eval("document.querySelector('.site-search').removeAttribute('data-search-ms'); return true;").await;
            input.send_keys(&c.to_string()).await.unwrap();
            if i < 2 {
                continue;
            }
            b.wait_for("the results", "return !!document.querySelector('.site-search').dataset.searchMs;").await;
            let ms = b.eval("return Number(document.querySelector('.site-search').dataset.searchMs);").await;
            times.push(ms.as_f64().unwrap());
        }
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    let p95 = times[(times.len() * 95 / 100).min(times.len() - 1)];
    println!(
        "keystroke to results on screen, {} keystrokes: median {median:.0} ms, 95th percentile {p95:.0} ms, max {:.0} ms",
        times.len(),
        times[times.len() - 1]
    );
    let _ = b.client.clone().close().await;
}

/// Regression: a word in a form no note uses ("condemned", where the
/// notes say "condemn") found nothing, though the index has its stem; it
/// finds the notes with the stem, marked in their excerpts.
#[tokio::test(flavor = "multi_thread")]
async fn a_form_no_note_uses_finds_the_notes_with_its_stem() {
    let Some((b, _addr, _site)) = open_default_site(1280).await else { return };
    let found = search(&b, "condemned").await;
    assert!(!found.is_empty(), "the notes that say condemn");
    assert!(
        found.iter().any(|r| r["excerpt"].as_str().unwrap().to_lowercase().contains("<mark>condemn")),
        "condemn is marked: {found:?}"
    );
    let _ = b.client.clone().close().await;
}
