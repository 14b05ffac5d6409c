//! The pages a render in `serve` leaves for later: each is rendered when
//! it is asked for, and meanwhile all of them are rendered once more on a
//! thread of their own, one core's worth, only to record what they read.
//! The next render stops that check where it is and keeps what it found:
//! a page that read nothing that changed since is recorded, the others
//! stay left for later.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;

use super::{Bodies, Cards, Made, NoteKey, recorded};
use crate::diagnostic::Diagnostics;
use crate::model::Site;
use crate::render::routes::PageRef;
use crate::render::{RenderError, RenderOptions, Shared, Templates};

/// How many pages the check renders between two looks at whether to stop
/// (a rebuild waits for that many: with 16, at a lower priority beside the
/// search index, 8–81 ms at 10,000 statements; with 4, 5–23 ms).
const CHUNK: usize = 4;

/// What a check of pages needs: the render's site, templates, options,
/// cards and bodies, and its notes' keys.
pub(super) struct Check {
    pub(super) site: Arc<Site>,
    pub(super) templates: Arc<Templates>,
    pub(super) options: RenderOptions,
    pub(super) values: (Cards, Bodies),
    pub(super) keys: Vec<NoteKey>,
}

/// What a check found: what each page it rendered read (every page, or
/// those before it was stopped), or the errors of a page.
pub(super) type Checked = Result<Vec<Made>, Diagnostics>;

/// A check under way.
pub(super) struct Checking {
    stop: Arc<AtomicBool>,
    end: CheckEnd,
    /// (Taken when joined.)
    thread: Option<JoinHandle<Checked>>,
}

impl Check {
    /// Starts rendering `pages` on a thread of its own, keeping of each
    /// only what it read.
    pub(super) fn start(self, pages: Vec<PageRef>) -> Checking {
        let stop = Arc::new(AtomicBool::new(false));
        let end = CheckEnd::default();
        let (stopped, ends) = (Arc::clone(&stop), Ends(end.clone()));
        let thread = std::thread::Builder::new()
            .name("readout-check".into())
            .spawn(move || {
                give_way();
                let _ends = ends;
                self.run(&pages, &stopped)
            })
            .expect("the system lets readout start a thread");
        Checking { stop, end, thread: Some(thread) }
    }

    /// Renders `pages` a few at a time until they are done or `stop` is set.
    fn run(self, pages: &[PageRef], stop: &AtomicBool) -> Checked {
        let Check { site, templates, mut options, values: (cards, bodies), keys } = self;
        options.defer_search = true;
        let shared = Shared::new(&site, cards, bodies);
        // One core: the other answers the pages asked for meanwhile.
        // (Its thread takes this thread's lower priority.)
        let one_core = rayon::ThreadPoolBuilder::new().num_threads(1).build();
        let keep_nothing = |_| Ok(());
        let mut made = Vec::with_capacity(pages.len());
        for chunk in pages.chunks(CHUNK) {
            if stop.load(Ordering::Relaxed) {
                break;
            }
            let render = || recorded(&site, &templates, &options, &shared, chunk, &keys, &keep_nothing);
            let read = match &one_core {
                Ok(pool) => pool.install(render),
                Err(_) => render(),
            };
            match read {
                Ok(read) => made.extend(read),
                Err(RenderError::Content(errors)) => return Err(errors),
                Err(RenderError::Sink(e)) => unreachable!("a sink that keeps nothing cannot fail: {e}"),
            }
        }
        Ok(made)
    }
}

/// Lowers the calling thread's priority by 10 nice levels (on Linux;
/// elsewhere it keeps its own): work behind a served site (the check,
/// `serve`'s search index) gives way to the next rebuild and to the pages
/// asked for, also in a `serve` started under `nice`.
pub fn give_way() {
    #[cfg(target_os = "linux")]
    {
        use rustix::process::{getpriority_process, setpriority_process};
        let thread = Some(rustix::thread::gettid());
        if let Ok(now) = getpriority_process(thread) {
            let _ = setpriority_process(thread, (now + 10).min(19));
        }
    }
}

impl Checking {
    /// What the check found, once it has ended; `stop` ends it where it is.
    pub(super) fn join(mut self, stop: bool) -> Checked {
        if stop {
            self.stop.store(true, Ordering::Relaxed);
        }
        let thread = self.thread.take().expect("a check is joined once");
        thread.join().unwrap_or_else(|_| Err(Diagnostics::default()))
    }

    /// Its end, to wait for.
    pub(super) fn end(&self) -> &CheckEnd {
        &self.end
    }
}

impl Drop for Checking {
    /// A check no one will join stops where it is.
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Says when a check of the pages left for later has ended (done, stopped
/// or failed), for a caller to wait for it without holding the memo.
#[derive(Clone, Default)]
pub struct CheckEnd(Arc<(Mutex<bool>, Condvar)>);

impl CheckEnd {
    /// Waits for the check's end.
    pub fn wait(&self) {
        let (ended, signal) = &*self.0;
        let Ok(mut done) = ended.lock() else { return };
        while !*done {
            match signal.wait(done) {
                Ok(now) => done = now,
                Err(_) => return,
            }
        }
    }

    /// Whether the check has ended.
    pub fn has_ended(&self) -> bool {
        self.0.0.lock().map(|done| *done).unwrap_or(true)
    }

    /// Whether `other` is the end of the same check.
    pub fn is(&self, other: &CheckEnd) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl std::fmt::Debug for CheckEnd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CheckEnd").field("ended", &self.has_ended()).finish()
    }
}

/// Marks a check's end when its thread ends, even by a panic.
struct Ends(CheckEnd);

impl Drop for Ends {
    fn drop(&mut self) {
        let (ended, signal) = &*(self.0).0;
        if let Ok(mut done) = ended.lock() {
            *done = true;
        }
        signal.notify_all();
    }
}
