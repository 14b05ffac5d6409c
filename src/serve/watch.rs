//! Watching the site for changes: which files count, what a change means,
//! and the `notify` watcher (native events, or polling with `--poll`).

use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use notify::{EventKind, PollWatcher, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, NoCache, RecommendedCache, new_debouncer_opt};

use crate::load::is_ignored;

/// What a changed file is, which decides what the browser is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// A note under `content/`.
    Content,
    /// A template.
    Template,
    /// A stylesheet under `static/`: the page can swap it without reloading.
    Style,
    /// Any other static file, or a file beside a note (an image).
    Static,
    /// `site.toml`.
    Config,
}

/// The folders under the site root that are watched recursively.
pub const WATCHED_DIRS: [&str; 3] = ["content", "templates", "static"];

/// What a change to `path` means for the site at `root`, if anything.
/// Editor leftovers, hidden files and everything outside the site's own
/// folders (the output, `target/`, `.git/`) mean nothing.
pub fn classify(root: &Path, path: &Path) -> Option<Change> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Vec<&str> = rel
        .components()
        .map(|c| match c {
            Component::Normal(s) => s.to_str(),
            _ => None,
        })
        .collect::<Option<_>>()?;
    let (first, last) = (*parts.first()?, *parts.last()?);
    if parts.iter().any(|p| is_ignored(p)) {
        return None;
    }
    match first {
        "site.toml" if parts.len() == 1 => Some(Change::Config),
        "content" if parts.len() == 1 || last.ends_with(".md") || !last.contains('.') => Some(Change::Content),
        // A file beside a note (an image it shows) is copied like a static file.
        "content" => Some(Change::Static),
        "templates" => Some(Change::Template),
        "static" if last.ends_with(".css") => Some(Change::Style),
        "static" => Some(Change::Static),
        _ => None,
    }
}

/// Everything, as changes: what a watcher that lost track of events
/// reports, so that the whole site is read again.
pub fn everything() -> Vec<(Change, PathBuf)> {
    vec![
        (Change::Content, PathBuf::from("content")),
        (Change::Template, PathBuf::from("templates")),
        (Change::Static, PathBuf::from("static")),
        (Change::Config, PathBuf::from("site.toml")),
    ]
}

/// The changes in a batch of debounced events, with the paths they concern.
/// Events the system dropped (a rescan) count as [`everything`]: a rebuild
/// then reads the whole site rather than miss a change.
pub fn changes(root: &Path, events: &DebounceEventResult) -> Vec<(Change, PathBuf)> {
    let Ok(events) = events else { return Vec::new() };
    if events.iter().any(|e| e.event.need_rescan()) {
        return everything();
    }
    let mut out = Vec::new();
    for e in events {
        if matches!(e.event.kind, EventKind::Access(_)) {
            continue;
        }
        for path in &e.event.paths {
            if let Some(change) = classify(root, path) {
                let rel = path.strip_prefix(root).unwrap_or(path).to_path_buf();
                out.push((change, rel));
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// A running watcher; dropping it stops watching.
pub enum Watcher {
    Native(Debouncer<RecommendedWatcher, RecommendedCache>),
    Poll(Debouncer<PollWatcher, NoCache>),
}

impl Watcher {
    /// Watches `root` (for `site.toml`, which editors may replace by
    /// renaming) and its site folders; events go to `on_event`.
    pub fn start(
        root: &Path,
        poll: bool,
        debounce: Duration,
        on_event: impl FnMut(DebounceEventResult) + Send + 'static,
    ) -> notify::Result<Watcher> {
        let mut watcher = if poll {
            let config =
                notify::Config::default().with_poll_interval(Duration::from_millis(300)).with_compare_contents(true);
            Watcher::Poll(
                new_debouncer_opt(debounce, None, on_event, NoCache, config)
                    .map_err(|e| notify::Error::generic(&e.to_string()))?,
            )
        } else {
            Watcher::Native(
                new_debouncer_opt(debounce, None, on_event, RecommendedCache::new(), notify::Config::default())
                    .map_err(|e| notify::Error::generic(&e.to_string()))?,
            )
        };
        watcher.watch(root, RecursiveMode::NonRecursive)?;
        for dir in WATCHED_DIRS {
            let path = root.join(dir);
            if path.is_dir() {
                watcher.watch(&path, RecursiveMode::Recursive)?;
            }
        }
        Ok(watcher)
    }

    /// Starts watching a site folder that did not exist at start.
    pub fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        match self {
            Watcher::Native(d) => d.watch(path, mode),
            Watcher::Poll(d) => d.watch(path, mode),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(path: &str) -> Option<Change> {
        classify(Path::new("/site"), &Path::new("/site").join(path))
    }

    #[test]
    fn notes_templates_styles_and_config_are_changes() {
        assert_eq!(c("content/actors/marco-rubio.md"), Some(Change::Content));
        assert_eq!(c("content/_index.md"), Some(Change::Content));
        assert_eq!(c("content/actors"), Some(Change::Content), "a folder renamed or removed");
        assert_eq!(c("templates/actor.html"), Some(Change::Template));
        assert_eq!(c("static/style.css"), Some(Change::Style));
        assert_eq!(c("static/img/map.png"), Some(Change::Static));
        assert_eq!(c("content/events/scan.png"), Some(Change::Static), "an image beside a note");
        assert_eq!(c("site.toml"), Some(Change::Config));
    }

    fn event(kind: EventKind, paths: &[&str]) -> notify_debouncer_full::DebouncedEvent {
        let mut e = notify::Event::new(kind);
        for p in paths {
            e = e.add_path(Path::new("/site").join(p));
        }
        notify_debouncer_full::DebouncedEvent::new(e, std::time::Instant::now())
    }

    #[test]
    fn event_kinds_that_change_files_count_and_reads_do_not() {
        use notify::event::{AccessKind, AccessMode, CreateKind, ModifyKind, RemoveKind, RenameMode};
        let root = Path::new("/site");
        let events = Ok(vec![
            event(EventKind::Access(AccessKind::Open(AccessMode::Any)), &["content/actors/a.md"]),
            event(EventKind::Access(AccessKind::Close(AccessMode::Write)), &["content/actors/b.md"]),
            event(EventKind::Create(CreateKind::File), &["content/actors/c.md"]),
            event(EventKind::Modify(ModifyKind::Any), &["static/style.css"]),
            event(EventKind::Remove(RemoveKind::File), &["templates/event.html"]),
            // An editor's safe write: temp file renamed over the note.
            event(
                EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
                &["content/actors/.d.md.tmp", "content/actors/d.md"],
            ),
            event(EventKind::Create(CreateKind::File), &["content/actors/d.md.swp", "public/index.html"]),
        ]);
        let found: Vec<(Change, String)> =
            changes(root, &events).into_iter().map(|(c, p)| (c, p.display().to_string())).collect();
        assert_eq!(
            found,
            [
                (Change::Content, "content/actors/c.md".to_string()),
                (Change::Content, "content/actors/d.md".to_string()),
                (Change::Template, "templates/event.html".to_string()),
                (Change::Style, "static/style.css".to_string()),
            ]
        );
        assert!(changes(root, &Err(vec![notify::Error::generic("gone")])).is_empty());
    }

    #[test]
    fn events_dropped_by_the_system_mean_reading_everything_again() {
        let rescan = notify::Event::new(EventKind::Other).set_flag(notify::event::Flag::Rescan);
        let events = Ok(vec![notify_debouncer_full::DebouncedEvent::new(rescan, std::time::Instant::now())]);
        let found = changes(Path::new("/site"), &events);
        assert_eq!(found, everything());
        let mut loaded = crate::load::Loaded::default();
        let site = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(site.path().join("content/actors")).unwrap();
        std::fs::write(site.path().join("content/actors/a.md"), "+++\nname = \"A\"\nkind = \"person\"\n+++\n").unwrap();
        let paths: Vec<PathBuf> = found.into_iter().map(|(_, p)| p).collect();
        loaded.update(site.path(), &paths);
        assert_eq!(loaded.files.notes.len(), 1, "the whole of content/ is read");
    }

    #[test]
    fn editor_leftovers_and_other_folders_are_not() {
        for path in [
            "content/actors/.marco-rubio.md.swp",
            "content/actors/marco-rubio.md~",
            "content/actors/.#marco-rubio.md",
            "content/actors/4913",
            "content/actors/marco-rubio.md___jb_tmp___",
            "templates/.base.html.swp",
            "public/index.html",
            "target/debug/readout",
            ".git/index",
            "README.md",
            "site.toml.tmp",
        ] {
            assert_eq!(c(path), None, "{path}");
        }
        // An image beside a note is copied into the site: a change to it is a static one.
        assert_eq!(c("content/actors/photo.jpg"), Some(Change::Static));
        assert_eq!(classify(Path::new("/site"), Path::new("/elsewhere/site.toml")), None);
    }
}
