//! Watching the site for changes: which files count, what a change means,
//! and the `notify` watcher (native events, or polling with `--poll`).

use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use notify::event::{AccessKind, AccessMode, ModifyKind, RenameMode};
use notify::{Event, EventKind, PollWatcher, RecommendedWatcher, RecursiveMode, Watcher as _};

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

/// The changes that one or more file events bring, and whether one of
/// them ends a save.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Batch {
    /// What changed, with the paths (relative to the site root), each once.
    pub changes: Vec<(Change, PathBuf)>,
    /// A file was closed after writing, or renamed into place: the change
    /// is whole, and a rebuild need not wait for more.
    pub complete: bool,
}

impl Batch {
    /// Adds the changes of `other`.
    pub fn extend(&mut self, other: Batch) {
        self.changes.extend(other.changes);
        self.changes.sort();
        self.changes.dedup();
        self.complete |= other.complete;
    }
}

/// The changes in `events`. Events the system dropped (a rescan) count as
/// [`everything`]: a rebuild then reads the whole site rather than miss a change.
pub fn changes(root: &Path, events: &[Event]) -> Batch {
    if events.iter().any(Event::need_rescan) {
        return Batch { changes: everything(), complete: true };
    }
    let mut batch = Batch::default();
    for e in events {
        // (A file renamed away or removed is often put back at once, as
        // some editors save: that waits for the file's return.)
        let ends_a_save = matches!(
            e.kind,
            EventKind::Access(AccessKind::Close(AccessMode::Write))
                | EventKind::Modify(ModifyKind::Name(RenameMode::To | RenameMode::Both))
        );
        if matches!(e.kind, EventKind::Access(_)) && !ends_a_save {
            continue;
        }
        for path in &e.paths {
            if let Some(change) = classify(root, path) {
                let rel = path.strip_prefix(root).unwrap_or(path).to_path_buf();
                batch.changes.push((change, rel));
                batch.complete |= ends_a_save;
            }
        }
    }
    batch.changes.sort();
    batch.changes.dedup();
    batch
}

/// A running watcher; dropping it stops watching.
pub enum Watcher {
    Native(RecommendedWatcher),
    Poll(PollWatcher),
}

impl Watcher {
    /// Watches `root` (for `site.toml`, which editors may replace by
    /// renaming) and its site folders; each event goes to `on_event` as
    /// it happens (the rebuild loop decides what makes one rebuild).
    pub fn start(
        root: &Path,
        poll: bool,
        on_event: impl FnMut(notify::Result<Event>) + Send + 'static,
    ) -> notify::Result<Watcher> {
        let mut watcher = if poll {
            let config =
                notify::Config::default().with_poll_interval(Duration::from_millis(300)).with_compare_contents(true);
            Watcher::Poll(PollWatcher::new(on_event, config)?)
        } else {
            Watcher::Native(RecommendedWatcher::new(on_event, notify::Config::default())?)
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
            Watcher::Native(w) => w.watch(path, mode),
            Watcher::Poll(w) => w.watch(path, mode),
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

    fn event(kind: EventKind, paths: &[&str]) -> Event {
        let mut e = Event::new(kind);
        for p in paths {
            e = e.add_path(Path::new("/site").join(p));
        }
        e
    }

    #[test]
    fn event_kinds_that_change_files_count_and_reads_do_not() {
        use notify::event::{CreateKind, RemoveKind};
        let root = Path::new("/site");
        let events = [
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
        ];
        let found: Vec<(Change, String)> =
            changes(root, &events).changes.into_iter().map(|(c, p)| (c, p.display().to_string())).collect();
        assert_eq!(
            found,
            [
                (Change::Content, "content/actors/b.md".to_string()),
                (Change::Content, "content/actors/c.md".to_string()),
                (Change::Content, "content/actors/d.md".to_string()),
                (Change::Template, "templates/event.html".to_string()),
                (Change::Style, "static/style.css".to_string()),
            ]
        );
    }

    #[test]
    fn a_save_is_whole_when_its_file_is_closed_or_renamed_not_while_it_is_written() {
        let root = Path::new("/site");
        let writing = [event(EventKind::Modify(ModifyKind::Any), &["content/actors/a.md"])];
        assert!(!changes(root, &writing).complete, "a write may be followed by more");
        let closed = [event(EventKind::Access(AccessKind::Close(AccessMode::Write)), &["content/actors/a.md"])];
        assert!(changes(root, &closed).complete);
        let renamed = [event(EventKind::Modify(ModifyKind::Name(RenameMode::To)), &["content/a.md"])];
        assert!(changes(root, &renamed).complete);
        let removed = [event(EventKind::Remove(notify::event::RemoveKind::File), &["content/a.md"])];
        assert!(!changes(root, &removed).complete, "a removed file may come back at once");
        let leftover = [event(EventKind::Access(AccessKind::Close(AccessMode::Write)), &["content/.a.md.swp"])];
        assert!(!changes(root, &leftover).complete, "an editor's own files end nothing");
        let mut batch = changes(root, &writing);
        batch.extend(changes(root, &closed));
        assert!(batch.complete);
        assert_eq!(batch.changes.len(), 1);
    }

    #[test]
    fn events_dropped_by_the_system_mean_reading_everything_again() {
        let rescan = Event::new(EventKind::Other).set_flag(notify::event::Flag::Rescan);
        let found = changes(Path::new("/site"), &[rescan]).changes;
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
