//! The search index in `serve`: made after the pages it goes with are
//! served, never before, so that a reload never waits for it.
//!
//! A rebuild whose index changed hands its records here ([`Indexer::want`])
//! and marks the snapshot it serves as waiting for its index; a task
//! makes the index's files off the async threads and puts them into the
//! snapshot served, if that is still the one they were made for (a newer
//! rebuild's records replace older ones still waiting, which are never
//! made). A request for one of the index's files meanwhile waits for them
//! (`http.rs`), so a search finds what was just saved. A failed rebuild
//! hands nothing over: the last index stays.

use std::sync::Arc;

use tokio::sync::watch;

use super::state::Snapshot;
use crate::search::Records;

/// What an index is made from: records made already, or the rebuild's
/// site, whose files are made here note by note (a rebuild leaves them:
/// they read every note, and an edit's pages never wait for them).
pub enum Work {
    Records(Records),
    Later(crate::render::PageMaker),
}

impl Work {
    /// The index's files as the preview holds them. From the rebuild's
    /// site, each is compressed as soon as it is made: the records of
    /// every note and the whole index uncompressed are never held at once.
    fn files(self) -> Result<HeldIndex, crate::search::IndexError> {
        match self {
            Work::Records(records) => crate::search::files(records).map(super::state::held_index),
            Work::Later(pages) => {
                let held = std::sync::Mutex::new(Vec::new());
                pages.search_files(&|page| {
                    let file = super::state::held_file(page);
                    held.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(file);
                });
                Ok(held.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner))
            }
        }
    }
}

/// Records waiting to be made into an index: the snapshot's index number,
/// and them. Taken out by the task that makes the index, so that nothing
/// keeps them (and the site they were read from) once it is made.
type Wanted = std::sync::Mutex<Option<(u64, Work)>>;

/// Hands records to the task that makes the index.
pub struct Indexer {
    wanted: Arc<Wanted>,
    ready: Arc<tokio::sync::Notify>,
    next: std::sync::atomic::AtomicU64,
}

impl Indexer {
    /// Starts the task that makes each index wanted into `site`.
    pub fn start(site: watch::Sender<Arc<Snapshot>>, verbosity: u8) -> Indexer {
        let (wanted, ready) = (Arc::new(Wanted::default()), Arc::new(tokio::sync::Notify::new()));
        let (slot, wake) = (Arc::clone(&wanted), Arc::clone(&ready));
        // Threads of its own (started with the first index), which give
        // way: the index's batches never queue before the next rebuild's
        // work or a page asked for (on two cores a body edit's rebuild took
        // 29-105 ms behind them, 12-32 ms now), yet take every idle core.
        let threads: Arc<std::sync::OnceLock<Option<rayon::ThreadPool>>> = Arc::default();
        tokio::spawn(async move {
            loop {
                wake.notified().await;
                let Some((number, work)) = slot.lock().ok().and_then(|mut w| w.take()) else { continue };
                let threads = Arc::clone(&threads);
                let made = tokio::task::spawn_blocking(move || {
                    let pool = threads.get_or_init(|| {
                        let pool = rayon::ThreadPoolBuilder::new().thread_name(|_| "readout-search".into());
                        pool.start_handler(|_| crate::render::give_way()).build().ok()
                    });
                    let made = match pool {
                        Some(pool) => pool.install(|| work.files()),
                        None => work.files(),
                    };
                    super::memory::give_back();
                    made
                });
                let made = made.await;
                settle(&site, number, made, verbosity);
            }
        });
        Indexer { wanted, ready, next: std::sync::atomic::AtomicU64::new(1) }
    }

    /// The number for the next snapshot's index.
    pub fn number(&self) -> u64 {
        self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    }

    /// Makes the index of `work` for the snapshot marked `number`.
    pub fn want(&self, number: u64, work: Work) {
        if let Ok(mut wanted) = self.wanted.lock() {
            *wanted = Some((number, work));
        }
        self.ready.notify_one();
    }
}

/// An index's files by path, as the preview holds them (`state::held_index`).
type HeldIndex = Vec<(Arc<str>, super::state::File)>;

/// Puts the index made for the snapshot marked `number` into the site
/// served, if that snapshot is still the one served; a failure leaves the
/// last index served.
fn settle(
    site: &watch::Sender<Arc<Snapshot>>,
    number: u64,
    made: Result<Result<HeldIndex, crate::search::IndexError>, tokio::task::JoinError>,
    verbosity: u8,
) {
    match made {
        Ok(Ok(files)) => {
            site.send_if_modified(|snapshot| {
                if snapshot.index_number != number {
                    return false;
                }
                *snapshot = Arc::new(snapshot.with_index(files));
                true
            });
        }
        Ok(Err(e)) => {
            eprintln!("warning: {e}; search serves the last index");
            site.send_if_modified(|snapshot| {
                let waited = snapshot.index_number == number && snapshot.index_waiting;
                if waited {
                    *snapshot = Arc::new(snapshot.index_given_up());
                }
                waited
            });
        }
        Err(panic) if verbosity > 0 => eprintln!("warning: making the search index crashed: {panic}"),
        Err(_) => {}
    }
}
