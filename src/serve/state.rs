//! What the preview serves: the last good site, held in memory, and the
//! status that open pages are told about (new version, stylesheet only,
//! or errors).

use std::collections::HashMap;
use std::sync::Arc;

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

/// A complete site in memory.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// By path; the keys are shared, so that copying the map for a rebuild is cheap.
    pub files: HashMap<Arc<str>, File>,
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

impl Snapshot {
    /// This site with a rebuild's changes: its pages put in, the pages it
    /// no longer has taken out, and the static files read again if
    /// `statics_changed` (serving never touches the disk). The search
    /// index's files stay until a new index replaces them (`new_index`:
    /// one is on its way), or go with a full rebuild that has none.
    pub fn updated(&self, rebuilt: Rebuilt, statics_changed: bool, new_index: bool) -> std::io::Result<Snapshot> {
        let mut files = if rebuilt.update.full { HashMap::new() } else { self.files.clone() };
        if rebuilt.update.full && new_index {
            // The last index stays served until the new one is made.
            for (path, file) in self.files.iter().filter(|(path, _)| crate::search::is_index_path(path)) {
                files.insert(Arc::clone(path), file.clone());
            }
        }
        let read = |path: &str, asset: &Asset| -> std::io::Result<File> {
            let bytes = match asset {
                Asset::Builtin(text) => Bytes::from_static(text.as_bytes()),
                Asset::Copy(from) => Bytes::from(std::fs::read(from)?),
            };
            Ok(File { bytes, content_type: content_type(path), card: None })
        };
        if statics_changed || rebuilt.update.full {
            for path in &self.statics {
                files.remove(path.as_str());
            }
            for (path, asset) in &rebuilt.assets {
                files.insert(Arc::from(path.as_str()), read(path, asset)?);
            }
        } else {
            // No static file changed, but a note may have just started to
            // show one (an image saved a moment before the note): that one is read.
            for (path, asset) in &rebuilt.assets {
                match self.files.get_key_value(path.as_str()) {
                    Some((key, file)) => files.insert(Arc::clone(key), file.clone()),
                    None => files.insert(Arc::from(path.as_str()), read(path, asset)?),
                };
            }
        }
        for path in &rebuilt.update.removed {
            files.remove(path.as_str());
        }
        let cache = Arc::new(crate::cards::CardCache::new(rebuilt.card_cache.clone()));
        for page in rebuilt.update.pages {
            let content_type = content_type(&page.path);
            let file = if crate::cards::is_card(&page.path) {
                let card = LazyCard {
                    key: page.card.unwrap_or_default(),
                    svg: String::from_utf8(page.content)
                        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
                    cache: Arc::clone(&cache),
                    png: Default::default(),
                };
                File { bytes: Bytes::new(), content_type, card: Some(Arc::new(card)) }
            } else {
                File { bytes: Bytes::from(page.content), content_type, card: None }
            };
            files.insert(Arc::from(page.path), file);
        }
        let statics = rebuilt.assets.into_iter().map(|(path, _)| path).collect();
        Ok(Snapshot { files, statics, index_number: self.index_number, index_waiting: self.index_waiting })
    }

    /// This site with `index` (the search index's files) in place of the
    /// index it had.
    pub fn with_index(&self, index: Vec<crate::render::Page>) -> Snapshot {
        let mut files: HashMap<Arc<str>, File> = self
            .files
            .iter()
            .filter(|(path, _)| !crate::search::is_index_path(path))
            .map(|(p, f)| (Arc::clone(p), f.clone()))
            .collect();
        for page in index {
            let content_type = content_type(&page.path);
            files.insert(Arc::from(page.path), File { bytes: Bytes::from(page.content), content_type, card: None });
        }
        Snapshot { files, statics: self.statics.clone(), index_number: self.index_number, index_waiting: false }
    }

    /// This site with the search index's files of `other` in place of its own.
    pub fn index_of(&self, other: &Snapshot) -> Snapshot {
        let index = other.files.iter().filter(|(path, _)| crate::search::is_index_path(path));
        let mut files: HashMap<Arc<str>, File> = self
            .files
            .iter()
            .filter(|(path, _)| !crate::search::is_index_path(path))
            .chain(index)
            .map(|(p, f)| (Arc::clone(p), f.clone()))
            .collect();
        files.shrink_to_fit();
        Snapshot { files, statics: self.statics.clone(), index_number: other.index_number, index_waiting: false }
    }

    /// This site, no longer waiting for an index that could not be made.
    pub fn index_given_up(&self) -> Snapshot {
        Snapshot { index_waiting: false, ..self.clone() }
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
