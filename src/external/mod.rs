//! `readout check --external`: every external URL of a site — statements'
//! and sources' `url` fields and the links and images in bodies — asked
//! for over HTTP, and each dead or moved one reported at its file, line and
//! column. It never runs in a build: it needs the network and the answers
//! change by the day.
//!
//! - `links.rs` finds the URLs and where each is written.
//! - `probe.rs` asks for them: concurrently, a few at a time per host,
//!   with a timeout, one retry and redirects followed by hand so each hop
//!   is known.
//! - `cache.rs` keeps the answers for a day in `.readout-cache/`.

mod cache;
mod links;
mod probe;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::diagnostic::{Diagnostic, Diagnostics};

pub use links::{LinkUse, find_links};
pub use probe::{Outcome, ProbeOptions};

/// How `check --external` runs.
#[derive(Debug, Clone)]
pub struct ExternalOptions {
    /// The site folder; the cache goes in its `.readout-cache/`.
    pub root: PathBuf,
    pub probe: ProbeOptions,
    /// How long an answer is kept (a dead link's is never kept: it is asked again each run).
    pub max_age: Duration,
}

impl ExternalOptions {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        ExternalOptions { root: root.into(), probe: ProbeOptions::default(), max_age: cache::MAX_AGE }
    }
}

/// What the external check found.
#[derive(Debug)]
pub struct ExternalReport {
    /// Dead links as errors, moved and refused ones as warnings, each at its place.
    pub diagnostics: Diagnostics,
    /// Distinct URLs, and the places they are written.
    pub urls: usize,
    pub uses: usize,
    /// URLs asked for in this run (the others came from the cache).
    pub asked: usize,
    pub dead: usize,
    pub moved: usize,
    pub elapsed: Duration,
}

impl ExternalReport {
    pub fn has_dead_links(&self) -> bool {
        self.dead > 0
    }

    /// One line: how many URLs, from where, and what was found.
    pub fn summary(&self) -> String {
        format!(
            "external links: {} URLs in {} places ({} asked, {} from the cache) in {:.1} s: {} dead, {} moved",
            self.urls,
            self.uses,
            self.asked,
            self.urls - self.asked,
            self.elapsed.as_secs_f64(),
            self.dead,
            self.moved
        )
    }
}

/// Checks every external URL of the site at `options.root`.
pub fn check_links(options: &ExternalOptions) -> ExternalReport {
    let started = Instant::now();
    let uses = find_links(&options.root);
    let mut urls: Vec<String> = uses.iter().map(|u| u.url.clone()).collect();
    urls.sort();
    urls.dedup();
    let cache_path = options.root.join(cache::FILE);
    let mut cache = cache::Cache::read(&cache_path);
    let now = cache::now();
    let unknown: Vec<String> = urls.iter().filter(|u| !cache.fresh(u, now, options.max_age)).cloned().collect();
    let asked = unknown.len();
    for (url, outcome) in probe::probe_all(unknown, &options.probe) {
        cache.insert(url, outcome, now);
    }
    cache.keep_only(&urls);
    // The cache only saves time: a failure to write it changes no result.
    let _ = cache.write(&cache_path);
    let outcome_of = |url: &str| cache.get(url).cloned().unwrap_or(Outcome::Alive);
    let mut diagnostics = Diagnostics::default();
    let (mut dead, mut moved) = (0, 0);
    for url in &urls {
        match outcome_of(url) {
            Outcome::Dead { .. } => dead += 1,
            Outcome::Moved { .. } => moved += 1,
            _ => {}
        }
    }
    for u in &uses {
        if let Some(d) = diagnostic(u, &outcome_of(&u.url)) {
            diagnostics.push(d);
        }
    }
    diagnostics.sort();
    ExternalReport { diagnostics, urls: urls.len(), uses: uses.len(), asked, dead, moved, elapsed: started.elapsed() }
}

/// The address at which the web archive offers its copies of `url`.
pub fn archive_url(url: &str) -> String {
    format!("https://web.archive.org/web/{url}")
}

/// What to tell the writer about one place a URL is written, if anything.
fn diagnostic(u: &LinkUse, outcome: &Outcome) -> Option<Diagnostic> {
    let at = |message: String| Diagnostic::error(Path::new(&u.path), Some(&u.text), u.pos, message);
    match outcome {
        Outcome::Alive => None,
        Outcome::Dead { status, reason } => {
            let what = match status {
                Some(s) => format!("answers {s} {reason}"),
                None => reason.clone(),
            };
            Some(at(format!("dead link: {} {what}", u.url)).with_help(format!(
                "if the page has moved, link to its new address; otherwise try the web archive's copy: {}",
                archive_url(&u.url)
            )))
        }
        Outcome::Moved { status, to } => Some(
            at(format!("moved link: {} redirects ({status}) to {to}", u.url))
                .with_help(format!("link to {to} instead"))
                .warning(),
        ),
        Outcome::Refused { status } => Some(
            at(format!("link not checked: {} answers {status} to readout's check", u.url))
                .with_help("the server turns away automatic checks; open the link in a browser to see that it works")
                .warning(),
        ),
    }
}
