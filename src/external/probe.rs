//! Asking for URLs over HTTP (ureq, TLS by rustls): a GET whose body is
//! never read, redirects followed by hand (so the first hop's status is
//! known), a timeout per request and one retry of an answer that may pass
//! (no answer, or a 5xx). Many hosts at once, a few requests per host.

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// What asking for a URL found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// It answers 2xx.
    Alive,
    /// It redirects (`status` is the first hop's) to `to`, which answers 2xx.
    Moved { status: u16, to: String },
    /// It answers an error status, or nothing (`status` is `None`).
    Dead { status: Option<u16>, reason: String },
    /// It turns checkers away (401, 403, 429): not known to be dead.
    Refused { status: u16 },
}

/// How URLs are asked for.
#[derive(Debug, Clone)]
pub struct ProbeOptions {
    /// For one request, from connecting to the answer's headers.
    pub timeout: Duration,
    /// The wait before the one retry.
    pub retry_after: Duration,
    /// Requests at once to one host.
    pub per_host: usize,
    /// Requests at once in all.
    pub workers: usize,
}

impl Default for ProbeOptions {
    fn default() -> Self {
        ProbeOptions { timeout: Duration::from_secs(10), retry_after: Duration::from_secs(1), per_host: 2, workers: 16 }
    }
}

/// Redirects followed before giving up.
const MAX_HOPS: usize = 10;

/// Asks for every URL in `urls`, returning each one's outcome (in no set order).
pub(super) fn probe_all(urls: Vec<String>, options: &ProbeOptions) -> Vec<(String, Outcome)> {
    if urls.is_empty() {
        return Vec::new();
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(options.timeout))
        .max_redirects(0)
        .http_status_as_error(false)
        .user_agent(concat!("readout/", env!("CARGO_PKG_VERSION"), " (link check)"))
        .build()
        .into();
    let queue = HostQueue::new(urls, options.per_host.max(1));
    let workers = options.workers.clamp(1, queue.len());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                while let Some((host, url)) = queue.take() {
                    let outcome = probe_with_retry(&agent, &url, options);
                    queue.done(host, url, outcome);
                }
            });
        }
    });
    queue.into_results()
}

fn probe_with_retry(agent: &ureq::Agent, url: &str, options: &ProbeOptions) -> Outcome {
    let first = probe(agent, url, options.timeout);
    let passing = matches!(&first, Outcome::Dead { status: None, .. })
        || matches!(&first, Outcome::Dead { status: Some(s), .. } if *s >= 500);
    if !passing {
        return first;
    }
    std::thread::sleep(options.retry_after);
    probe(agent, url, options.timeout)
}

/// One try at `url`, following redirects.
fn probe(agent: &ureq::Agent, url: &str, timeout: Duration) -> Outcome {
    let dead = |status, reason: String| Outcome::Dead { status, reason };
    let Ok(mut current) = url::Url::parse(url) else {
        return dead(None, "is not a valid URL".into());
    };
    // A fragment names a place in the page, which the server never sees.
    current.set_fragment(None);
    let mut first_redirect = None;
    for _ in 0..MAX_HOPS {
        let response = match agent.get(current.as_str()).call() {
            Ok(r) => r,
            Err(ureq::Error::Timeout(_)) => {
                return dead(None, format!("gives no answer within {} s", timeout.as_secs_f64()));
            }
            Err(e) => return dead(None, format!("cannot be reached ({e})")),
        };
        let status = response.status();
        let code = status.as_u16();
        if status.is_redirection() {
            let location = response.headers().get("location").and_then(|l| l.to_str().ok());
            match location.and_then(|l| current.join(l).ok()) {
                Some(next) => {
                    first_redirect.get_or_insert(code);
                    current = next;
                    continue;
                }
                None => return dead(Some(code), "redirects without saying where".into()),
            }
        }
        let reason = status.canonical_reason().unwrap_or("").to_string();
        return match (code, first_redirect) {
            (200..=299, None) => Outcome::Alive,
            (200..=299, Some(first)) => Outcome::Moved { status: first, to: current.to_string() },
            (401 | 403 | 429, _) => Outcome::Refused { status: code },
            (_, None) => dead(Some(code), reason),
            (_, Some(_)) => dead(Some(code), format!("{reason}, after redirecting to {current}")),
        };
    }
    dead(None, format!("redirects more than {MAX_HOPS} times"))
}

/// The URLs still to ask for, by host, and the answers so far: a worker
/// takes a URL of a host with fewer than `per_host` requests running.
struct HostQueue {
    state: Mutex<QueueState>,
    wake: Condvar,
    per_host: usize,
}

struct QueueState {
    /// Per host: its name, its URLs waiting, its requests running.
    hosts: Vec<(String, VecDeque<String>, usize)>,
    results: Vec<(String, Outcome)>,
}

impl HostQueue {
    fn new(urls: Vec<String>, per_host: usize) -> HostQueue {
        let mut hosts: Vec<(String, VecDeque<String>, usize)> = Vec::new();
        for url in urls {
            let host = url::Url::parse(&url)
                .ok()
                .and_then(|u| u.host_str().map(|h| format!("{h}:{}", u.port_or_known_default().unwrap_or(0))))
                .unwrap_or_default();
            match hosts.iter_mut().find(|(h, _, _)| *h == host) {
                Some((_, waiting, _)) => waiting.push_back(url),
                None => hosts.push((host, VecDeque::from([url]), 0)),
            }
        }
        HostQueue { state: Mutex::new(QueueState { hosts, results: Vec::new() }), wake: Condvar::new(), per_host }
    }

    fn len(&self) -> usize {
        self.state.lock().unwrap().hosts.iter().map(|(_, w, _)| w.len()).sum()
    }

    /// The next URL a worker may ask for, with its host's index; `None` when none is left.
    fn take(&self) -> Option<(usize, String)> {
        let mut state = self.state.lock().unwrap();
        loop {
            if state.hosts.iter().all(|(_, waiting, _)| waiting.is_empty()) {
                return None;
            }
            let free =
                state.hosts.iter().position(|(_, waiting, running)| !waiting.is_empty() && *running < self.per_host);
            if let Some(i) = free {
                let host = &mut state.hosts[i];
                host.2 += 1;
                return host.1.pop_front().map(|url| (i, url));
            }
            state = self.wake.wait(state).unwrap();
        }
    }

    fn done(&self, host: usize, url: String, outcome: Outcome) {
        let mut state = self.state.lock().unwrap();
        state.hosts[host].2 -= 1;
        state.results.push((url, outcome));
        self.wake.notify_all();
    }

    fn into_results(self) -> Vec<(String, Outcome)> {
        self.state.into_inner().unwrap().results
    }
}
