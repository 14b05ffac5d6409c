//! `readout serve`: a live-reload preview while writing.
//!
//! It builds the site into memory, serves it over HTTP, watches the site's
//! files, rebuilds on every save and tells open pages to reload (or only
//! to swap a stylesheet, or to show the errors of a failed rebuild while
//! the last good site stays served). Only this module knows about HTTP,
//! sockets and file watching; the library's one part in it is
//! `BuildOptions::live_reload`, the script each page carries.

pub mod http;
pub mod index;
mod memory;
pub mod state;
pub mod watch;

use std::collections::HashSet;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use notify::RecursiveMode;
use tokio::sync::{mpsc, watch as channel};

use crate::config::BuildOptions;
use state::{Snapshot, Status, error_views};
use watch::{Batch, Change, Watcher, changes};

/// The live-reload script put in every served page.
pub const RELOAD_SCRIPT: &str = include_str!("reload.js");

/// How long the rebuild loop waits for a save to end (its file closed
/// after writing, or renamed into place) when it has only seen it begin.
/// A save that ends starts the rebuild at once; changes that arrive while
/// it runs make the next one (a `git checkout` of fifty files ends in one
/// consistent site).
const SETTLE: Duration = Duration::from_millis(30);

/// How `serve` runs.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub build: BuildOptions,
    pub port: u16,
    pub bind: IpAddr,
    pub open: bool,
    pub poll: bool,
    /// 0 quiet, 1 normal, 2 verbose.
    pub verbosity: u8,
}

/// Builds, serves, watches and rebuilds until Ctrl-C.
pub fn run(options: ServeOptions) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("starting the server")?;
    let served = runtime.block_on(serve(options));
    // A first build's check still running is not waited for.
    runtime.shutdown_background();
    served
}

fn say(verbosity: u8, line: impl AsRef<str>) {
    if verbosity > 0 {
        println!("{}", line.as_ref());
    }
}

async fn serve(mut options: ServeOptions) -> anyhow::Result<()> {
    options.build.live_reload = Some(format!("<script>{RELOAD_SCRIPT}</script>"));
    options.build.defer_search = true;
    let root = std::path::absolute(&options.build.root).unwrap_or_else(|_| options.build.root.clone());
    options.build.root = root.clone();
    if !root.join("site.toml").exists() && !root.join("content").is_dir() {
        anyhow::bail!("{} is not a readout site (no site.toml or content/); pass --root", root.display());
    }
    let listener = listen(&options).await?;
    let address = listener.local_addr()?;

    let (site_tx, site_rx) = channel::channel(Arc::new(Snapshot::default()));
    let (status_tx, status_rx) = channel::channel(Status::default());
    // The first build renders no page: each is rendered when first asked for.
    let keep = Arc::new(Mutex::new(crate::Rebuilder::on_request()));
    let indexer = Arc::new(index::Indexer::start(site_tx.clone(), options.verbosity));
    first_build(&options, &keep, &site_tx, &status_tx, &indexer).await;
    memory::purge_at_once();

    let url = format!("http://{address}/");
    println!("serving {} at {url} (Ctrl-C to stop)", root.display());
    if options.open
        && let Err(e) = opener::open(&url)
    {
        eprintln!("warning: could not open a browser: {e}");
    }

    // Only changes that matter reach the rebuild loop: the reads of a
    // rebuild itself, and editor leftovers, never do.
    let (events_tx, events_rx) = mpsc::unbounded_channel::<Batch>();
    let watcher = start_watcher(&root, &options, events_tx)?;
    let (shutdown_tx, shutdown_rx) = channel::channel(false);
    let app = http::App {
        site: site_rx,
        status: status_rx,
        shutdown: shutdown_rx.clone(),
        served: Arc::new(Mutex::new(HashSet::new())),
    };
    let mut server_shutdown = shutdown_rx;
    let server = tokio::spawn(async move {
        axum::serve(listener, http::router(app))
            .with_graceful_shutdown(async move {
                let _ = server_shutdown.wait_for(|stop| *stop).await;
            })
            .await
    });
    let loop_state =
        Loop { options: &options, root: &root, keep: &keep, site: &site_tx, status: &status_tx, indexer: &indexer };
    tokio::select! {
        _ = loop_state.run(events_rx, watcher) => {}
        _ = stop_signal() => {}
    }
    let _ = shutdown_tx.send(true);
    drop(status_tx);
    match tokio::time::timeout(Duration::from_secs(3), server).await {
        Ok(Ok(Ok(()))) | Err(_) => {}
        Ok(Ok(Err(e))) => return Err(e).context("serving"),
        Ok(Err(e)) => return Err(e).context("serving"),
    }
    say(options.verbosity, "stopped");
    Ok(())
}

/// The listening socket, or an error that says what to do.
async fn listen(options: &ServeOptions) -> anyhow::Result<tokio::net::TcpListener> {
    let listener = tokio::net::TcpListener::bind(SocketAddr::new(options.bind, options.port)).await.map_err(|e| {
        if e.kind() == std::io::ErrorKind::AddrInUse {
            anyhow::anyhow!(
                "port {} is already in use on {}; pass --port with another number, or --port 0 for any free port",
                options.port,
                options.bind
            )
        } else {
            anyhow::anyhow!("cannot listen on {}:{}: {e}", options.bind, options.port)
        }
    })?;
    if !options.bind.is_loopback() {
        eprintln!(
            "warning: listening on {}: the preview, drafts included, is reachable from the network",
            options.bind
        );
    }
    Ok(listener)
}

/// The first build: the site to serve, or the errors to show until a save fixes them.
async fn first_build(
    options: &ServeOptions,
    keep: &Arc<Mutex<crate::Rebuilder>>,
    site: &channel::Sender<Arc<Snapshot>>,
    status: &channel::Sender<Status>,
    indexer: &index::Indexer,
) {
    let started = Instant::now();
    match rebuild(&options.build, keep, Arc::default(), None).await {
        Ok(done) => {
            publish(done.snapshot, done.search, site, indexer);
            if let Some(end) = done.check {
                tokio::spawn(check_later(end, Arc::clone(keep), status.clone(), None));
            }
            let ms = started.elapsed().as_millis();
            let line = if done.rendered == 0 && done.total > 0 {
                format!("ready in {ms} ms: {} pages, each rendered when first asked for", done.total)
            } else {
                format!("built {} pages in {ms} ms", done.total)
            };
            say(options.verbosity, line);
            if options.verbosity > 1 {
                println!("stages: {}", done.stages);
            }
        }
        Err(errors) => {
            status.send_modify(|s| s.errors = Some(Arc::new(errors.views)));
            eprintln!("{}", errors.text);
        }
    }
}

/// Waits, off the async threads, for the check of the pages a build left
/// to be rendered when asked for (`Rebuilder::check_end`), and shows the
/// errors it found, if no build since has taken it over; then the site
/// served before that build (`good`, none for the first) is served again,
/// as after any failed rebuild. A rebuild meanwhile stops the check where
/// it is.
async fn check_later(
    end: crate::render::CheckEnd,
    keep: Arc<Mutex<crate::Rebuilder>>,
    status: channel::Sender<Status>,
    good: Option<(channel::Sender<Arc<Snapshot>>, Arc<Snapshot>)>,
) {
    let _ = tokio::task::spawn_blocking(move || {
        end.wait();
        let Ok(mut kept) = keep.lock() else { return };
        if let Err(error) = kept.settle_ended(&end) {
            if let Some((site, good)) = good {
                site.send_replace(good);
            }
            status.send_modify(|s| s.errors = Some(Arc::new(error_views(&error))));
            eprintln!("{error}");
        }
        drop(kept);
        memory::give_back();
    })
    .await;
}

/// Watches the site's files, sending the changes of each event that matters
/// as it happens.
fn start_watcher(
    root: &std::path::Path,
    options: &ServeOptions,
    events: mpsc::UnboundedSender<Batch>,
) -> anyhow::Result<Watcher> {
    let verbosity = options.verbosity;
    let watch_root = root.to_path_buf();
    Watcher::start(root, options.poll, move |found: notify::Result<notify::Event>| {
        let event = match found {
            Ok(event) => event,
            Err(error) => {
                eprintln!("watch error: {error}");
                return;
            }
        };
        if verbosity > 1 {
            println!("event: {:?} {:?}", event.kind, event.paths);
        }
        let found = changes(&watch_root, std::slice::from_ref(&event));
        if !found.changes.is_empty() {
            let _ = events.send(found);
        }
    })
    .with_context(|| format!("watching {}", root.display()))
}

/// What the rebuild loop works with.
struct Loop<'a> {
    options: &'a ServeOptions,
    root: &'a std::path::Path,
    keep: &'a Arc<Mutex<crate::Rebuilder>>,
    site: &'a channel::Sender<Arc<Snapshot>>,
    status: &'a channel::Sender<Status>,
    indexer: &'a index::Indexer,
}

impl Loop<'_> {
    /// Rebuilds on every batch of changes until the watcher stops.
    async fn run(&self, mut events: mpsc::UnboundedReceiver<Batch>, mut watcher: Watcher) {
        while let Some(mut batch) = events.recv().await {
            // What is already queued joins this rebuild. A save that ended
            // starts it at once; one only begun waits a moment for its end.
            loop {
                while let Ok(more) = events.try_recv() {
                    batch.extend(more);
                }
                if batch.complete {
                    break;
                }
                match tokio::time::timeout(SETTLE, events.recv()).await {
                    Ok(Some(more)) => batch.extend(more),
                    _ => break,
                }
            }
            let batch = batch.changes;
            for dir in watch::WATCHED_DIRS {
                let path = self.root.join(dir);
                if batch.iter().any(|(_, p)| p.as_path() == std::path::Path::new(dir)) && path.is_dir() {
                    let _ = watcher.watch(&path, RecursiveMode::Recursive);
                }
            }
            self.rebuild_for(&batch, &events).await;
        }
    }

    /// One rebuild for a batch of changes (`events` holds those that came
    /// while it ran).
    async fn rebuild_for(&self, batch: &[(Change, PathBuf)], events: &mpsc::UnboundedReceiver<Batch>) {
        let started = Instant::now();
        let what = describe(batch);
        let paths: Vec<PathBuf> = batch.iter().map(|(_, p)| p.clone()).collect();
        // (The served site is cloned out of the channel first: holding it borrowed would block the send.)
        let last = self.site.borrow().clone();
        let good = Arc::clone(&last);
        match rebuild(&self.options.build, self.keep, last, Some(paths)).await {
            Ok(done) => {
                publish(done.snapshot, done.search, self.site, self.indexer);
                let css_only = batch.iter().all(|(c, _)| *c == Change::Style);
                self.status.send_modify(|s| {
                    s.version += 1;
                    if !css_only {
                        s.page_version = s.version;
                    }
                    s.errors = None;
                });
                if let Some(end) = done.check {
                    let good = Some((self.site.clone(), good));
                    tokio::spawn(check_later(end, Arc::clone(self.keep), self.status.clone(), good));
                }
                if self.options.verbosity > 1 {
                    println!("stages: {}", done.stages);
                }
                let ms = started.elapsed().as_millis();
                let later = match done.pending {
                    0 => String::new(),
                    n => format!(" ({n} more when asked for)"),
                };
                say(
                    self.options.verbosity,
                    format!("{what}: rebuilt {} of {} pages in {ms} ms{later}", done.rendered, done.total),
                );
            }
            // Files changed again while this rebuild read them (an editor
            // still writing): the errors may be of a half-written file, so
            // they are not shown; the next rebuild decides.
            Err(_) if !events.is_empty() => {}
            Err(errors) => {
                let count = errors.views.len();
                self.status.send_modify(|s| s.errors = Some(Arc::new(errors.views)));
                eprintln!(
                    "{what}: {count} error{} — still serving the last good site\n{}",
                    if count == 1 { "" } else { "s" },
                    errors.text
                );
            }
        }
    }
}

/// Serves `snapshot`; when its search index changed (`search`), marks it
/// as waiting for the index, which is made after it is served.
fn publish(
    mut snapshot: Snapshot,
    search: Option<index::Work>,
    site: &channel::Sender<Arc<Snapshot>>,
    indexer: &index::Indexer,
) {
    let Some(records) = search else {
        // The index this site waits for may have been made into the site
        // served while this rebuild ran: it is taken from there.
        site.send_modify(|served| {
            let made = snapshot.index_waiting && !served.index_waiting && served.index_number == snapshot.index_number;
            *served = Arc::new(if made { snapshot.index_of(served) } else { std::mem::take(&mut snapshot) });
        });
        return;
    };
    snapshot.index_number = indexer.number();
    snapshot.index_waiting = true;
    let number = snapshot.index_number;
    site.send_replace(Arc::new(snapshot));
    indexer.want(number, records);
}

/// "content/statements/x.md changed" or "3 files changed".
fn describe(batch: &[(Change, PathBuf)]) -> String {
    match batch {
        [(_, one)] => format!("{} changed", one.display()),
        many => format!("{} and {} more changed", many[0].1.display(), many.len() - 1),
    }
}

/// A failed rebuild: the errors for the overlay and for the terminal.
struct Failure {
    views: Vec<state::ErrorView>,
    text: String,
}

/// A good rebuild: the site to serve, and how many pages were rendered of how many.
struct Rebuild {
    snapshot: Snapshot,
    rendered: usize,
    total: usize,
    /// Each stage's time, for `-v`.
    stages: String,
    /// What the search index is made from, when it changed: made after the pages are served.
    search: Option<index::Work>,
    /// How many pages are left to be rendered when asked for.
    pending: usize,
    /// The end of the check of those pages.
    check: Option<crate::render::CheckEnd>,
}

/// Brings the site up to date with the `changed` paths (`None`: read
/// everything), off the async threads, and makes the snapshot to serve
/// from the last one and the pages that changed.
async fn rebuild(
    options: &BuildOptions,
    keep: &Arc<Mutex<crate::Rebuilder>>,
    last: Arc<Snapshot>,
    changed: Option<Vec<PathBuf>>,
) -> Result<Rebuild, Failure> {
    let options = options.clone();
    let keep = Arc::clone(keep);
    let result = tokio::task::spawn_blocking(move || {
        let mut keep = keep.lock().unwrap_or_else(|poisoned| {
            // A rebuild crashed while holding it: start again from nothing.
            keep.clear_poison();
            let mut keep = poisoned.into_inner();
            *keep = crate::Rebuilder::default();
            keep
        });
        let mut rebuilt = keep.rebuild(&options, changed.as_deref())?;
        let later = rebuilt.update.search_later.then(|| rebuilt.pages.clone()).flatten().map(index::Work::Later);
        let search = rebuilt.update.search.take().map(index::Work::Records).or(later);
        let (rendered, total) = (rebuilt.update.pages.len(), rebuilt.update.total);
        let stages = crate::stage_times(&rebuilt.stages);
        let (pending, check) = (rebuilt.update.pending.len(), keep.check_end());
        let statics_changed = changed.as_ref().is_none_or(|paths| paths.iter().any(|p| crate::load::is_asset_path(p)));
        let snapshot = last.updated(rebuilt, statics_changed, search.is_some()).map_err(|error| {
            // The rebuilder is ahead of the site served: the next rebuild renders everything.
            *keep = crate::Rebuilder::default();
            crate::BuildError::Io { path: options.root.join("static"), error }
        })?;
        Ok::<_, crate::BuildError>(Rebuild { snapshot, rendered, total, stages, search, pending, check })
    })
    .await;
    match result {
        Ok(Ok(done)) => Ok(done),
        Ok(Err(e)) => Err(Failure { views: error_views(&e), text: e.to_string() }),
        Err(panic) => Err(Failure {
            views: vec![state::ErrorView {
                location: String::new(),
                message: format!("the build crashed: {panic}"),
                help: Some("this is a bug in readout; please report it with the file you saved".into()),
                line: None,
            }],
            text: format!("error: the build crashed: {panic}"),
        }),
    }
}

/// Ctrl-C, or SIGTERM where there is one.
async fn stop_signal() {
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
                return;
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
