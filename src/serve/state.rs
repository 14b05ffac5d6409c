//! What the preview serves: the last good site, held in memory, and the
//! status that open pages are told about (new version, stylesheet only,
//! or errors).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;

use crate::diagnostic::Diagnostics;
use crate::write::Asset;
use crate::{BuildError, Rebuilt};

/// Stands in the reload script for the version of the site a page came from.
pub const VERSION_MARK: &str = "__READOUT_VERSION__";

/// One file of the site, ready to send.
#[derive(Debug, Clone)]
pub struct File {
    pub bytes: Bytes,
    pub content_type: &'static str,
    /// `bytes` are gzip-compressed: the search index's files are held so
    /// (tens of megabytes at 10,000 statements, a third of that
    /// compressed), and sent so to a browser that takes gzip.
    pub gzipped: bool,
    /// A social card, drawn the first time it is asked for (`bytes` is
    /// then empty): a rebuild never waits for cards.
    pub card: Option<Arc<LazyCard>>,
}

/// A card's SVG and its name in the cache, and its PNG once drawn (from
/// the cache when it is there).
#[derive(Debug)]
pub struct LazyCard {
    svg: String,
    key: String,
    cache: Arc<crate::cards::CardCache>,
    png: std::sync::OnceLock<Result<Bytes, String>>,
}

impl LazyCard {
    /// The card's PNG, drawn now if it was not yet.
    pub fn png(&self) -> Result<Bytes, String> {
        self.png
            .get_or_init(|| self.cache.png(&self.key, &self.svg).map(Bytes::from).map_err(|e| e.to_string()))
            .clone()
    }
}

/// A complete site in memory: the files made, and the pages left to be
/// rendered the first time they are asked for.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// By path; the keys are shared, so that copying the map for a rebuild is cheap.
    pub files: HashMap<Arc<str>, File>,
    /// The pages not rendered yet (or rendered for no one): [`Snapshot::file`]
    /// renders one when it is first asked for. Shared with the last
    /// snapshot until a rebuild changes it (tens of thousands of paths).
    pending: Arc<HashSet<Arc<str>>>,
    /// What renders this site's pending pages.
    pages: Option<crate::render::PageMaker>,
    /// The pending pages rendered since this site was made (its copies share them).
    made: Arc<Mutex<HashMap<Arc<str>, File>>>,
    /// Where its cards are drawn and kept.
    cards: Option<Arc<crate::cards::CardCache>>,
    /// The paths of the static files among them.
    statics: Vec<String>,
    /// Which index this site's pages go with (`index.rs`).
    pub index_number: u64,
    /// Its files are being made: a request for one waits for them.
    pub index_waiting: bool,
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("xml") => "application/xml; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("txt") => "text/plain; charset=utf-8",
        _ => mime_guess::from_path(path).first_raw().unwrap_or("application/octet-stream"),
    }
}

/// A page as served: a card's SVG waits to be drawn.
fn served(page: crate::render::Page, cards: &Arc<crate::cards::CardCache>) -> (Arc<str>, File) {
    let content_type = content_type(&page.path);
    let file = if crate::cards::is_card(&page.path) {
        let svg =
            String::from_utf8(page.content).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        let key = page.card.unwrap_or_default();
        let card = LazyCard { key, svg, cache: Arc::clone(cards), png: Default::default() };
        File { bytes: Bytes::new(), content_type, gzipped: false, card: Some(Arc::new(card)) }
    } else {
        File { bytes: Bytes::from(page.content), content_type, gzipped: false, card: None }
    };
    (Arc::from(page.path), file)
}

impl Snapshot {
    /// This site with a rebuild's changes: its pages put in, the pages it
    /// no longer has taken out, and the static files read again if
    /// `statics_changed` (serving never touches the disk). A page made
    /// again is kept only if it was asked for; the others are rendered
    /// when they are. The search index's files stay until a new index
    /// replaces them (`new_index`: one is on its way), or go with a full
    /// rebuild that has none.
    pub fn updated(&self, rebuilt: Rebuilt, statics_changed: bool, new_index: bool) -> std::io::Result<Snapshot> {
        let full = rebuilt.update.full;
        let (mut files, mut pending) = if full {
            (self.index_files(new_index), Arc::default())
        } else {
            let mut files = self.files.clone();
            if let Ok(made) = self.made.lock() {
                files.extend(made.iter().map(|(p, f)| (Arc::clone(p), f.clone())));
            }
            (files, Arc::clone(&self.pending))
        };
        self.update_statics(&mut files, &rebuilt, statics_changed || full)?;
        let cards = Arc::new(crate::cards::CardCache::new(rebuilt.card_cache.clone()));
        let update = rebuilt.update;
        for path in update.removed.iter().chain(&update.pending) {
            files.remove(path.as_str());
        }
        // (Copied only if it changes: a rebuild while pages are being
        // checked hands them all out again, most already pending.)
        let changes = update.removed.iter().any(|path| pending.contains(path.as_str()))
            || update.pending.iter().any(|path| !pending.contains(path.as_str()));
        if changes {
            let paths = Arc::make_mut(&mut pending);
            for path in &update.removed {
                paths.remove(path.as_str());
            }
            paths.extend(update.pending.into_iter().map(Arc::from));
        }
        for page in update.pages {
            let asked_for = files.contains_key(page.path.as_str()) || crate::search::is_index_path(&page.path);
            if asked_for || rebuilt.pages.is_none() {
                let (path, file) = served(page, &cards);
                if pending.contains(&path) {
                    Arc::make_mut(&mut pending).remove(&path);
                }
                files.insert(path, file);
            } else if !pending.contains(page.path.as_str()) {
                Arc::make_mut(&mut pending).insert(Arc::from(page.path));
            }
        }
        let statics = rebuilt.assets.into_iter().map(|(path, _)| path).collect();
        Ok(Snapshot {
            files,
            pending,
            pages: rebuilt.pages,
            made: Arc::default(),
            cards: Some(cards),
            statics,
            index_number: self.index_number,
            index_waiting: self.index_waiting,
        })
    }

    /// Its search index's files, if a new index is on its way (the last
    /// index stays served until the new one is made).
    fn index_files(&self, new_index: bool) -> HashMap<Arc<str>, File> {
        if !new_index {
            return HashMap::new();
        }
        let index = self.files.iter().filter(|(path, _)| crate::search::is_index_path(path));
        index.map(|(p, f)| (Arc::clone(p), f.clone())).collect()
    }

    /// Puts `rebuilt`'s static files into `files`: read again if `changed`,
    /// else those newly shown (an image saved a moment before the note
    /// that shows it).
    fn update_statics(
        &self,
        files: &mut HashMap<Arc<str>, File>,
        rebuilt: &Rebuilt,
        changed: bool,
    ) -> std::io::Result<()> {
        let read = |path: &str, asset: &Asset| -> std::io::Result<File> {
            let bytes = match asset {
                Asset::Builtin(text) => Bytes::from_static(text.as_bytes()),
                Asset::Copy(from) => Bytes::from(std::fs::read(from)?),
            };
            Ok(File { bytes, content_type: content_type(path), gzipped: false, card: None })
        };
        if changed {
            for path in &self.statics {
                files.remove(path.as_str());
            }
            for (path, asset) in &rebuilt.assets {
                files.insert(Arc::from(path.as_str()), read(path, asset)?);
            }
            return Ok(());
        }
        for (path, asset) in &rebuilt.assets {
            if !self.files.contains_key(path.as_str()) {
                files.insert(Arc::from(path.as_str()), read(path, asset)?);
            }
        }
        Ok(())
    }

    /// Whether the site has a file at `path` (made, or to be rendered).
    pub fn has(&self, path: &str) -> bool {
        self.files.contains_key(path) || self.pending.contains(path)
    }

    /// The file at `path`: made, or rendered now if it is a pending page
    /// (then kept for the next request); the error of its template if it
    /// cannot be rendered. Rendering can take a while: call it off the
    /// async threads.
    pub fn file(&self, path: &str) -> Option<Result<File, String>> {
        if let Some(file) = self.files.get(path) {
            return Some(Ok(file.clone()));
        }
        if !self.pending.contains(path) {
            return None;
        }
        if let Some(file) = self.made.lock().ok().and_then(|made| made.get(path).cloned()) {
            return Some(Ok(file));
        }
        let (pages, cards) = (self.pages.as_ref()?, self.cards.as_ref()?);
        let made = match pages.page(path)? {
            Ok(made) => made,
            Err(errors) => return Some(Err(errors.to_string())),
        };
        let mut found = None;
        let mut kept = self.made.lock().ok();
        for page in made {
            let (at, file) = served(page, cards);
            if &*at == path {
                found = Some(file.clone());
            }
            if let Some(kept) = kept.as_mut() {
                kept.insert(at, file);
            }
        }
        found.map(Ok)
    }

    /// This site with `index` (the search index's files, [`held_index`])
    /// in place of the index it had.
    pub fn with_index(&self, index: Vec<(Arc<str>, File)>) -> Snapshot {
        self.index_replaced(index.into_iter(), self.index_number)
    }

    /// This site with the search index's files of `other` in place of its own.
    pub fn index_of(&self, other: &Snapshot) -> Snapshot {
        let index = other.files.iter().filter(|(path, _)| crate::search::is_index_path(path));
        self.index_replaced(index.map(|(p, f)| (Arc::clone(p), f.clone())), other.index_number)
    }

    /// This site's files but its index's, and `index`, for the index `number`.
    fn index_replaced(&self, index: impl Iterator<Item = (Arc<str>, File)>, number: u64) -> Snapshot {
        let others = self.files.iter().filter(|(path, _)| !crate::search::is_index_path(path));
        let files = others.map(|(p, f)| (Arc::clone(p), f.clone())).chain(index).collect();
        Snapshot {
            files,
            pending: Arc::clone(&self.pending),
            pages: self.pages.clone(),
            made: Arc::clone(&self.made),
            cards: self.cards.clone(),
            statics: self.statics.clone(),
            index_number: number,
            index_waiting: false,
        }
    }

    /// This site, no longer waiting for an index that could not be made.
    pub fn index_given_up(&self) -> Snapshot {
        Snapshot { index_waiting: false, ..self.clone() }
    }
}

/// The search index's files as the preview holds them: each
/// gzip-compressed (on every core; a file that does not compress is kept
/// as it is).
pub fn held_index(pages: Vec<crate::render::Page>) -> Vec<(Arc<str>, File)> {
    use rayon::prelude::*;
    pages.into_par_iter().map(held_file).collect()
}

/// One file of the search index as the preview holds it ([`held_index`]).
pub fn held_file(page: crate::render::Page) -> (Arc<str>, File) {
    let content_type = content_type(&page.path);
    let file = match crate::compress::gzip_fast(&page.content) {
        // Held as long as the index is served: in a block of its own
        // size, not the encoder's room (a third more, 14 MB at 10,000
        // statements).
        Ok(gz) if gz.len() < page.content.len() => {
            File { bytes: Bytes::copy_from_slice(&gz), content_type, gzipped: true, card: None }
        }
        _ => File { bytes: Bytes::from(page.content), content_type, gzipped: false, card: None },
    };
    (Arc::from(page.path), file)
}

impl File {
    /// Its bytes as they are in the built site: decompressed if held compressed.
    pub fn plain(&self) -> std::io::Result<Bytes> {
        if self.gzipped { crate::compress::gunzip(&self.bytes).map(Bytes::from) } else { Ok(self.bytes.clone()) }
    }
}

/// An error as the page overlay shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ErrorView {
    pub location: String,
    pub message: String,
    pub help: Option<String>,
    pub line: Option<String>,
}

/// The errors of a failed rebuild, for the overlay.
pub fn error_views(error: &BuildError) -> Vec<ErrorView> {
    match error {
        BuildError::Content(diags) => views(diags),
        other => vec![ErrorView { location: String::new(), message: other.to_string(), help: None, line: None }],
    }
}

fn views(diags: &Diagnostics) -> Vec<ErrorView> {
    diags
        .iter()
        .filter(|d| d.is_error())
        .map(|d| ErrorView {
            location: d.location(),
            message: d.message.clone(),
            help: d.help.clone(),
            line: d.source_line.clone(),
        })
        .collect()
}

/// What open pages are told.
#[derive(Debug, Clone, Default)]
pub struct Status {
    /// Goes up with every good rebuild.
    pub version: u64,
    /// The version of the last rebuild that changed more than stylesheets.
    pub page_version: u64,
    /// The last rebuild failed with these errors (the previous site is still served).
    pub errors: Option<Arc<Vec<ErrorView>>>,
}

impl Status {
    /// The message for a page that has seen `seen` (a version).
    pub fn message(&self, seen: Option<u64>) -> serde_json::Value {
        if let Some(errors) = &self.errors {
            return serde_json::json!({ "kind": "errors", "version": self.version, "errors": errors.as_ref() });
        }
        let kind = match seen {
            None => "hello",
            Some(v) if v >= self.version => "ok",
            Some(v) if v >= self.page_version => "css",
            Some(_) => "reload",
        };
        serde_json::json!({ "kind": kind, "version": self.version })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_follow_the_status() {
        let mut s = Status { version: 3, page_version: 3, ..Status::default() };
        assert_eq!(s.message(None)["kind"], "hello");
        assert_eq!(s.message(Some(2))["kind"], "reload");
        s.version = 4; // a stylesheet changed
        assert_eq!(s.message(Some(3))["kind"], "css");
        assert_eq!(s.message(Some(2))["kind"], "reload", "a page that missed a content change reloads");
        assert_eq!(s.message(Some(4))["kind"], "ok");
        s.errors = Some(Arc::new(vec![ErrorView {
            location: "a.md:1:1".into(),
            message: "bad".into(),
            help: None,
            line: None,
        }]));
        let m = s.message(Some(3));
        assert_eq!(m["kind"], "errors");
        assert_eq!(m["errors"][0]["location"], "a.md:1:1");
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("actors/x/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("style.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("img/a.png"), "image/png");
        assert_eq!(content_type("atom.xml"), "application/xml; charset=utf-8");
    }
}
