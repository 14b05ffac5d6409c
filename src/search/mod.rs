//! Built-in search: the index a reader's browser searches, made from the
//! model as the site is rendered, and the previews of linked notes.
//!
//! The route table declares the index as one route (`routes.rs`, "search
//! index"): its function, [`records`], reads every note with a page
//! through `PageReads` (so a rebuild knows when the index is out of date)
//! and turns each into a [`Record`] (`record.rs`) and a preview
//! (`previews.rs`). [`files`] makes readout's own index of the records
//! (`index.rs`: their words by `words.rs`, written by `code.rs`), JSON
//! files under [`INDEX_DIR`] of which a query reads only the few it needs,
//! and the preview files under [`PREVIEWS_DIR`]. A build makes them at
//! once; `serve` makes them after the pages are served (`serve/index.rs`),
//! so that a reload never waits for the index.
//!
//! The search box, its results and the previews are readout's own small
//! script, `static/search.js`.

mod code;
mod index;
mod plain;
mod previews;
mod record;
mod words;

pub use record::Record;

use rayon::prelude::*;

use crate::note::Kind;
use crate::render::Page;
use crate::render::reads::PageReads;

/// How many notes a build reads at once, in parallel, before indexing
/// them in order (what it holds of them at a time).
const BATCH: usize = 256;

/// The folder the index is written to, from the site root.
pub const INDEX_DIR: &str = "search-index/";

/// The folder of the preview files, from the site root.
pub const PREVIEWS_DIR: &str = "search-index/previews/";

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
    for id in indexed(reads) {
        records.push(record::record(reads, id));
        shown.push((reads.name(id).url.to_string(), previews::preview(reads, id)));
    }
    Records { language: reads.config().language.to_lowercase(), records, previews: shown }
}

/// Every note that has a page, in the site's order.
fn indexed(reads: &PageReads) -> Vec<crate::model::NoteId> {
    let kinds = Kind::ALL.into_iter().filter(|&kind| crate::render::routes::note_route(kind).is_some());
    kinds.flat_map(|kind| reads.of_kind(kind)).collect()
}

/// The files of the index and the previews made note by note, as a build
/// makes them, each handed to `out` once made (a fragment as soon as its
/// note is read, on the thread that read it): the records and fragments
/// of the whole site are never held at once. The same files as [`files`]
/// of [`records`].
pub fn files_of(reads: &PageReads, out: &(dyn Fn(Page) + Sync)) {
    let mut ids = indexed(reads);
    ids.sort_by_cached_key(|&id| {
        let date = reads.head(id).date_key().0.map(|d| d.to_string());
        index::document_key(date.as_deref(), reads.name(id).url)
    });
    let language = reads.config().language.to_lowercase();
    let mut index = index::Building::new(&language);
    let mut shown = Vec::with_capacity(ids.len());
    let seed = reads.seed();
    for batch in ids.chunks(BATCH) {
        let first = index.next_doc();
        let read: Vec<_> = batch
            .par_iter()
            .enumerate()
            .map(|(i, &id)| {
                let view = seed.reads();
                let mut record = record::record(&view, id);
                let (words, filters) = (index::Words::of(&record), std::mem::take(&mut record.filters));
                let preview = (view.name(id).url.to_string(), previews::preview(&view, id));
                out(index::fragment(first + i, record));
                (words, filters, preview, view)
            })
            .collect();
        for (words, filters, preview, view) in read {
            reads.join(view);
            index.add_read(&filters, &words);
            shown.push(preview);
        }
    }
    previews::files(&shown).into_iter().for_each(out);
    drop(shown);
    index.finish().into_iter().for_each(out);
}

/// Why the index could not be made.
#[derive(Debug)]
pub struct IndexError(pub String);

impl std::fmt::Display for IndexError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the search index could not be made: {}", self.0)
    }
}

/// The files of the index and the previews, sorted by path. The records
/// are used up as they are indexed, so that a build never holds both all
/// of them and all of the index.
pub fn files(records: Records) -> Result<Vec<Page>, IndexError> {
    let Records { language, records, previews } = records;
    let mut pages = previews::files(&previews);
    drop(previews);
    pages.extend(index::files(records, &language));
    pages.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(pages)
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
