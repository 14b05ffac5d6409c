//! Built-in search: the index a reader's browser searches, made from the
//! model as the site is rendered, and the previews of linked notes.
//!
//! The route table declares the index as one route (`routes.rs`, "search
//! index"): its function, [`records`], reads every note with a page
//! through `PageReads` (so a rebuild knows when the index is out of date)
//! and turns each into a [`Record`] (`record.rs`) and a preview
//! (`previews.rs`). [`files`] hands the records to Pagefind, used as a
//! library (`pagefind::api`, without its server or its own interface),
//! and returns the files of the index: its script, its WebAssembly, its
//! index, filter and fragment chunks, under [`INDEX_DIR`]; and the preview
//! files under [`PREVIEWS_DIR`]. A build makes them at once; `serve` makes
//! them after the pages are served (`serve/index.rs`), so that a reload
//! never waits for the index.
//!
//! The search box, its results and the previews are readout's own small
//! script, `static/search.js`.

mod plain;
mod previews;
mod record;

use std::collections::BTreeMap;

pub use record::Record;

use crate::note::Kind;
use crate::render::Page;
use crate::render::reads::PageReads;

/// The folder the index is written to, from the site root.
pub const INDEX_DIR: &str = "pagefind/";

/// The folder of the preview files, from the site root.
pub const PREVIEWS_DIR: &str = "pagefind/previews/";

/// Pagefind's files a reader's browser never asks for: its own
/// interfaces, its worker (readout's script runs the search in the page)
/// and its playground.
const UNUSED: &[&str] = &[
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
    "pagefind-worker.js",
];

/// What the index is made of: one record and one preview per note with a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Records {
    /// The site's `language`, for stemming (`en`, `hi`, …).
    pub language: String,
    pub records: Vec<Record>,
    /// Each note's preview as JSON, by URL.
    pub previews: Vec<(String, String)>,
}

/// The records of every note that has a page, in the site's order.
pub fn records(reads: &PageReads) -> Records {
    let mut records = Vec::new();
    let mut shown = Vec::new();
    for kind in Kind::ALL {
        if crate::render::routes::note_route(kind).is_none() {
            continue;
        }
        for id in reads.of_kind(kind) {
            records.push(record::record(reads, id));
            shown.push((reads.name(id).url.to_string(), previews::preview(reads, id)));
        }
    }
    Records { language: reads.config().language.to_lowercase(), records, previews: shown }
}

/// Why the index could not be made.
#[derive(Debug)]
pub struct IndexError(pub String);

impl std::fmt::Display for IndexError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the search index could not be made: {}", self.0)
    }
}

/// Held while an index is made: one at a time in a process.
static INDEXING: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// The files of the index and the previews, sorted by path.
pub fn files(records: &Records) -> Result<Vec<Page>, IndexError> {
    // On a thread of its own, one index at a time, with Pagefind's parallel
    // work on a pool of its own: the caller may be a worker of the pool the
    // pages render on, and with every such worker waiting for an index, an
    // index that needed them would never be made; and a worker waiting
    // inside Pagefind could take up another index's job inside this one's
    // runtime.
    let made = std::thread::scope(|scope| {
        scope
            .spawn(|| {
                let _one_at_a_time = INDEXING.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                let pool = rayon::ThreadPoolBuilder::new()
                    .thread_name(|i| format!("readout-search-{i}"))
                    .build()
                    .map_err(|e| IndexError(format!("starting Pagefind's workers: {e}")))?;
                pool.install(|| {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .build()
                        .map_err(|e| IndexError(format!("starting Pagefind: {e}")))?;
                    runtime.block_on(index(records))
                })
            })
            .join()
            .map_err(|_| IndexError("Pagefind crashed".into()))?
    })?;
    let mut pages: Vec<Page> = made
        .into_iter()
        .filter_map(|file| {
            let name = file.filename.to_string_lossy().replace('\\', "/");
            let unused = UNUSED.contains(&name.as_str()) || name.starts_with("playground/");
            (!unused).then(|| Page::new(format!("{INDEX_DIR}{name}"), file.contents))
        })
        .collect();
    pages.extend(previews::files(&records.previews));
    pages.sort_by(|a, b| a.path.cmp(&b.path));
    drop_unused_wasm(&mut pages);
    Ok(pages)
}

/// The records through Pagefind: the index's files, as Pagefind names them.
async fn index(records: &Records) -> Result<Vec<pagefind::api::SyntheticFile>, IndexError> {
    let config = pagefind::options::PagefindServiceConfig::builder()
        .force_language(records.language.clone())
        .keep_index_url(false)
        .build();
    let mut index = pagefind::api::PagefindIndex::new(Some(config)).map_err(|e| IndexError(e.to_string()))?;
    for r in &records.records {
        let filters: BTreeMap<String, Vec<String>> = r.filters.clone();
        index
            .add_custom_record(
                r.url.clone(),
                r.content.clone(),
                records.language.clone(),
                Some(r.meta.clone()),
                Some(filters),
                Some(r.sort.clone()),
            )
            .await
            .map_err(|e| IndexError(format!("{}: {e}", r.url)))?;
    }
    index.get_files().await.map_err(|e| IndexError(e.to_string()))
}

/// The WebAssembly for languages Pagefind has no stemmer for is needed
/// only when the entry names no language's own.
fn drop_unused_wasm(pages: &mut Vec<Page>) {
    let generic = format!("{INDEX_DIR}wasm.unknown.pagefind");
    let own = pages.iter().any(|p| p.path.starts_with(&format!("{INDEX_DIR}wasm.")) && p.path != generic);
    if own {
        pages.retain(|p| p.path != generic);
    }
}

/// Whether output path `path` is one of the index's files.
pub fn is_index_path(path: &str) -> bool {
    path.starts_with(INDEX_DIR)
}

/// How many files and bytes of the index a build wrote, counted as they
/// go by (from several threads).
#[derive(Debug, Default)]
pub struct IndexSize {
    files: std::sync::atomic::AtomicUsize,
    bytes: std::sync::atomic::AtomicUsize,
}

impl IndexSize {
    /// Counts `page` if it is one of the index's files.
    pub fn count(&self, page: &Page) {
        if is_index_path(&page.path) {
            self.files.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            self.bytes.fetch_add(page.content.len(), std::sync::atomic::Ordering::Relaxed);
        }
    }

    /// The files and bytes counted.
    pub fn get(&self) -> (usize, usize) {
        let files = self.files.load(std::sync::atomic::Ordering::Relaxed);
        (files, self.bytes.load(std::sync::atomic::Ordering::Relaxed))
    }
}
