//! The external check's answers kept for a day in
//! `.readout-cache/external-links.json`, so a second run asks only for the
//! URLs that are new or whose answer is old. A dead link's answer is kept
//! too, but never counts as fresh: a link that is back is seen at once.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::Outcome;

/// The cache's file, relative to the site root.
pub(super) const FILE: &str = ".readout-cache/external-links.json";

/// How long an answer is kept.
pub(super) const MAX_AGE: Duration = Duration::from_secs(24 * 60 * 60);

/// Seconds since the Unix epoch.
pub(super) fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct Cache {
    /// By URL: when it was asked for (Unix seconds) and what it answered.
    links: BTreeMap<String, Entry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    checked: u64,
    #[serde(flatten)]
    outcome: Outcome,
}

impl Cache {
    /// The cache at `path`; empty if there is none or it cannot be read.
    pub(super) fn read(path: &Path) -> Cache {
        std::fs::read_to_string(path).ok().and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default()
    }

    /// Writes the cache to `path` (through a file beside it, renamed over it).
    pub(super) fn write(&self, path: &Path) -> std::io::Result<()> {
        let text = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
        crate::cache::write_whole(path, text.as_bytes())
    }

    /// Whether `url`'s answer is younger than `max_age` and not a dead link's.
    pub(super) fn fresh(&self, url: &str, now: u64, max_age: Duration) -> bool {
        self.links.get(url).is_some_and(|e| {
            !matches!(e.outcome, Outcome::Dead { .. }) && now.saturating_sub(e.checked) < max_age.as_secs()
        })
    }

    pub(super) fn get(&self, url: &str) -> Option<&Outcome> {
        self.links.get(url).map(|e| &e.outcome)
    }

    pub(super) fn insert(&mut self, url: String, outcome: Outcome, now: u64) {
        self.links.insert(url, Entry { checked: now, outcome });
    }

    /// Forgets URLs the site no longer has (`urls` is sorted).
    pub(super) fn keep_only(&mut self, urls: &[String]) {
        self.links.retain(|u, _| urls.binary_search(u).is_ok());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_fresh_for_a_day_except_a_dead_links() {
        let mut cache = Cache::default();
        cache.insert("https://a.example/".into(), Outcome::Alive, 1_000_000);
        cache.insert(
            "https://b.example/".into(),
            Outcome::Dead { status: Some(404), reason: "Not Found".into() },
            1_000_000,
        );
        assert!(cache.fresh("https://a.example/", 1_000_000 + 3600, MAX_AGE));
        assert!(!cache.fresh("https://a.example/", 1_000_000 + 90_000, MAX_AGE));
        assert!(!cache.fresh("https://b.example/", 1_000_000 + 1, MAX_AGE));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE);
        cache.write(&path).unwrap();
        let back = Cache::read(&path);
        assert_eq!(back.get("https://b.example/"), cache.get("https://b.example/"));
    }
}
