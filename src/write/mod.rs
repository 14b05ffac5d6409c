//! Write: the rendered pages and static files into the output folder,
//! atomically. Everything goes to a staging folder beside the output,
//! which trades places with the output only once complete; a lock file
//! keeps two builds from writing the same output at once. A failed or
//! killed build leaves the previous output as it was. The staging folder
//! keeps the output before the last, which the next build brings up to
//! date, writing only the files that changed (`staging`).

mod staging;

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::render::Page;
use staging::Staging;

/// The file readout leaves in every output folder, so that it knows the
/// folder is its own to replace.
pub const MARKER: &str = ".readout-output";

/// A static file to put in the output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Asset {
    /// Copied from this file.
    Copy(PathBuf),
    /// Written from text built into readout.
    Builtin(&'static str),
}

/// Why the output folder was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusedOutput {
    pub output: PathBuf,
    pub reason: String,
}

impl std::fmt::Display for RefusedOutput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "refusing to write to {}: {}", self.output.display(), self.reason)
    }
}

fn absolute(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    // Resolve what exists, keep the rest as written.
    let mut existing = abs.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut resolved = existing.canonicalize().unwrap_or(existing);
    for name in rest.into_iter().rev() {
        resolved.push(name);
    }
    resolved
}

/// Refuses output folders that would destroy the writer's work.
pub fn check_output(root: &Path, output: &Path) -> Result<(), RefusedOutput> {
    let refuse = |reason: &str| Err(RefusedOutput { output: output.to_path_buf(), reason: reason.to_string() });
    let out = absolute(output);
    let root = absolute(root);
    if out.parent().is_none() {
        return refuse("it is the file system's root");
    }
    if root.starts_with(&out) {
        return refuse("it is the site folder or holds it; choose a folder such as `public/`");
    }
    for dir in ["content", "templates", "static"] {
        if out.starts_with(root.join(dir)) {
            return refuse(&format!("it is inside the site's `{dir}/` folder; choose a folder such as `public/`"));
        }
    }
    if let Some(home) = std::env::var_os("HOME")
        && out == absolute(Path::new(&home))
    {
        return refuse("it is your home folder");
    }
    if out.exists() {
        if !out.is_dir() {
            return refuse("it is a file, not a folder");
        }
        let empty = fs::read_dir(&out).map(|mut d| d.next().is_none()).unwrap_or(false);
        if !empty && !out.join(MARKER).exists() {
            return refuse("it is a folder with files that readout did not write; empty it or choose another folder");
        }
    }
    Ok(())
}

/// Holds the output's lock for as long as it lives.
pub struct OutputLock {
    file: File,
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        let _ = self.file.unlock();
    }
}

fn sibling(output: &Path, suffix: &str) -> PathBuf {
    let name = output.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "public".into());
    output.with_file_name(format!(".{name}.{suffix}"))
}

/// The lock file a build of `output` holds, beside it.
pub fn lock_path(output: &Path) -> PathBuf {
    sibling(output, "lock")
}

/// The folder a build of `output` writes into before swapping it in.
pub fn staging_path(output: &Path) -> PathBuf {
    sibling(output, "new")
}

/// Takes the output's lock, waiting (and saying so) while another build has it.
pub fn lock(output: &Path, on_wait: impl FnOnce()) -> io::Result<OutputLock> {
    let output = absolute(output);
    if let Some(parent) = output.parent() {
        fs::create_dir_all(parent)?;
    }
    let file = File::options().create(true).truncate(false).write(true).open(sibling(&output, "lock"))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            on_wait();
            file.lock()?;
        }
        Err(std::fs::TryLockError::Error(e)) => return Err(e),
    }
    recover(&output)?;
    Ok(OutputLock { file })
}

/// Cleans up after a build that was killed: restores an output that was
/// moved aside but not replaced. A staging folder it left stays, to be
/// brought up to date by the next build like any other.
fn recover(output: &Path) -> io::Result<()> {
    let old = sibling(output, "old");
    let staging = sibling(output, "new");
    if old.exists() {
        if !output.exists() {
            fs::rename(&old, output)?;
        } else if !staging.exists() {
            fs::rename(&old, &staging)?;
        } else {
            remove_tree(&old)?;
        }
    }
    Ok(())
}

/// Writes the output through `fill`, which gets a sink for pages and
/// returns how many it wrote; then adds `assets`, and swaps the result in
/// as the new `output`. Call with the lock held. On any error the output
/// is left as it was and nothing is left behind.
pub fn write_with(
    output: &Path,
    assets: &[(String, Asset)],
    fill: impl FnOnce(&(dyn Fn(Page) -> io::Result<()> + Sync)) -> io::Result<usize>,
) -> io::Result<Written> {
    write_with_options(output, assets, WriteOptions::default(), fill)
}

/// What a build writes besides its pages and static files.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteOptions {
    /// A `.gz` and a `.br` beside each text file (`compress = true`; see [`crate::compress`]).
    pub compress: bool,
}

/// What a write put in the output.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Written {
    /// Pages the output holds.
    pub pages: usize,
    /// Static files it holds.
    pub assets: usize,
    /// Files whose bytes were written: new ones and changed ones, their
    /// compressed copies included. A build with nothing changed writes none.
    pub written: usize,
    /// Files the last output but one held that this one does not, removed.
    pub removed: usize,
}

/// [`write_with`], with the extra files `options` asks for. Pages and
/// static files go into the staging folder, which after the last build
/// holds the output before it: only files whose bytes differ are written,
/// and files the new build lacks are removed. Then the staging folder and
/// the output trade places, and the old output waits there for the next
/// build. So a rebuild that changes nothing writes nothing, and the
/// output and its staging folder take at most twice the output's space.
pub fn write_with_options(
    output: &Path,
    assets: &[(String, Asset)],
    options: WriteOptions,
    fill: impl FnOnce(&(dyn Fn(Page) -> io::Result<()> + Sync)) -> io::Result<usize>,
) -> io::Result<Written> {
    let output = absolute(output);
    let staging_path = sibling(&output, "new");
    let result = (|| {
        let staging = Staging::open(&staging_path)?;
        let pages = fill(&|page: Page| match &page.linked {
            Some(file) => staging.link(&page.path, file).map(|_| ()),
            None => put(&staging, &page.path, &page.content, options).map(|_| ()),
        })?;
        put_assets(&staging, assets, options)?;
        let changes = staging.prune()?;
        swap(&staging_path, &output)?;
        Ok(Written { pages, assets: assets.len(), written: changes.written, removed: changes.removed })
    })();
    if result.is_err() {
        // A failed build may have failed for want of space: free it.
        let _ = remove_tree(&staging_path);
    }
    result
}

/// Puts a file in the staging folder, and its compressed copies when
/// asked. Returns whether the file's own bytes were written. The copies
/// of a file that kept its bytes are kept too, but only once they are
/// found to decompress to the file: a build killed between writing a
/// file and its copies leaves them out of step.
fn put(staging: &Staging, rel: &str, content: &[u8], options: WriteOptions) -> io::Result<bool> {
    let written = staging.put(rel, content)?;
    if options.compress && crate::compress::wanted(rel) && (written || !copies_in_step(staging, rel, content)?) {
        for (suffix, bytes) in crate::compress::variants(content)? {
            staging.put(&format!("{rel}.{suffix}"), &bytes)?;
        }
    }
    Ok(written)
}

/// Whether the staging folder holds both compressed copies of `rel`,
/// each decompressing to `content`.
fn copies_in_step(staging: &Staging, rel: &str, content: &[u8]) -> io::Result<bool> {
    for suffix in crate::compress::SUFFIXES {
        match staging.read_held(&format!("{rel}.{suffix}"))? {
            Some(bytes) if crate::compress::decompresses_to(suffix, &bytes, content) => {}
            _ => return Ok(false),
        }
    }
    Ok(true)
}

/// Puts the static files in the staging folder and marks it as readout's.
fn put_assets(staging: &Staging, assets: &[(String, Asset)], options: WriteOptions) -> io::Result<()> {
    assets.par_iter().try_for_each(|(path, asset)| {
        let content = match asset {
            Asset::Copy(from) => std::borrow::Cow::Owned(fs::read(from)?),
            Asset::Builtin(text) => std::borrow::Cow::Borrowed(text.as_bytes()),
        };
        put(staging, path, &content, options).map(|_| ())
    })?;
    staging.put(MARKER, MARKER_TEXT.as_bytes()).map(|_| ())
}

/// What the marker file says.
const MARKER_TEXT: &str = "This folder is written by readout; each build replaces it whole.\n";

/// Makes the staging folder the output. The old output stays where the
/// staging folder was, for the next build to bring up to date.
fn swap(staging: &Path, output: &Path) -> io::Result<()> {
    if !output.exists() {
        return fs::rename(staging, output);
    }
    // On Linux the two folders trade places in one step: there is no moment
    // at which the output is missing, whenever the build is killed.
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        match renameat_with(CWD, staging, CWD, output, RenameFlags::EXCHANGE) {
            Ok(()) => return Ok(()),
            // Old kernels and some file systems cannot exchange: rename three times.
            Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => {}
            Err(e) => return Err(e.into()),
        }
    }
    let old = sibling(output, "old");
    fs::rename(output, &old)?;
    if let Err(e) = fs::rename(staging, output) {
        fs::rename(&old, output)?;
        return Err(e);
    }
    fs::rename(&old, staging)
}

/// Removes a folder tree, its sub-folders in parallel. An entry's type
/// comes with the folder's listing, so nothing is looked up twice; a
/// symlink is removed, never followed.
fn remove_tree(dir: &Path) -> io::Result<()> {
    let entries: Vec<(PathBuf, bool)> = fs::read_dir(dir)?
        .map(|e| e.and_then(|e| Ok((e.path(), e.file_type()?.is_dir()))))
        .collect::<io::Result<_>>()?;
    entries
        .par_iter()
        .try_for_each(|(path, is_dir)| if *is_dir { remove_tree(path) } else { fs::remove_file(path) })?;
    fs::remove_dir(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_dangerous_outputs() {
        let site = tempfile::tempdir().unwrap();
        let root = site.path();
        fs::create_dir_all(root.join("content")).unwrap();
        assert!(check_output(root, root).is_err());
        assert!(check_output(root, &root.join("content")).is_err());
        assert!(check_output(root, &root.join("templates/x")).is_err());
        assert!(check_output(root, Path::new("/")).is_err());
        assert!(check_output(root, &root.join("public")).is_ok());
        fs::create_dir_all(root.join("docs")).unwrap();
        fs::write(root.join("docs/notes.txt"), "mine").unwrap();
        assert!(check_output(root, &root.join("docs")).is_err());
    }

    fn page(path: &str, content: &str) -> Page {
        Page::new(path.into(), content)
    }

    /// Writes `pages` into `out` (with the lock held) and says what it wrote.
    fn write_pages(out: &Path, pages: &[(&str, &str)], options: WriteOptions) -> Written {
        write_with_options(out, &[], options, |sink| {
            pages.iter().try_for_each(|(p, c)| sink(page(p, c)))?;
            Ok(pages.len())
        })
        .unwrap()
    }

    /// Every file and symlink under `dir`, by path: its bytes, or where it points.
    fn tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
        walkdir::WalkDir::new(dir)
            .into_iter()
            .map(Result::unwrap)
            .filter(|e| !e.file_type().is_dir())
            .map(|e| {
                let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                let bytes = if e.path_is_symlink() {
                    format!("-> {}", fs::read_link(e.path()).unwrap().display()).into_bytes()
                } else {
                    fs::read(e.path()).unwrap()
                };
                (rel, bytes)
            })
            .collect()
    }

    /// Every folder under `dir`, by path.
    fn folders(dir: &Path) -> Vec<String> {
        walkdir::WalkDir::new(dir)
            .min_depth(1)
            .into_iter()
            .map(Result::unwrap)
            .filter(|e| e.file_type().is_dir())
            .map(|e| e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn write_replaces_output_whole() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let _lock = lock(&out, || {}).unwrap();
        write_pages(&out, &[("index.html", "one"), ("a/index.html", "a")], WriteOptions::default());
        write_pages(&out, &[("index.html", "two")], WriteOptions::default());
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "two");
        assert!(!out.join("a").exists());
        assert!(out.join(MARKER).exists());
        let mut left: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        left.sort();
        // The output, its lock, and the output before it, kept as the next staging folder.
        assert_eq!(left, [".public.lock", ".public.new", "public"], "{left:?}");
        assert_eq!(fs::read_to_string(staging_path(&out).join("a/index.html")).unwrap(), "a");
    }

    #[test]
    fn a_rebuild_writes_only_the_files_that_changed() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let _lock = lock(&out, || {}).unwrap();
        let site = [("index.html", "home"), ("a/index.html", "a"), ("b/index.html", "b")];
        let options = WriteOptions::default();
        // The first build into a new output and the first beside it write everything.
        assert_eq!(write_pages(&out, &site, options).written, 4);
        assert_eq!(write_pages(&out, &site, options).written, 4);
        let third = write_pages(&out, &site, options);
        assert_eq!((third.pages, third.written, third.removed), (3, 0, 0));
        assert_eq!(write_pages(&out, &site, options).written, 0);
        let edited = [("index.html", "home"), ("a/index.html", "A"), ("c/index.html", "c")];
        let w = write_pages(&out, &edited, options);
        assert_eq!((w.written, w.removed), (2, 1), "a changed, c is new, b is gone");
        // The staging folder held the site before the edit; it catches up in turn.
        let w = write_pages(&out, &edited, options);
        assert_eq!((w.written, w.removed), (2, 1));
        assert_eq!(write_pages(&out, &edited, options).written, 0);
        let expected: Vec<(String, Vec<u8>)> = edited
            .iter()
            .map(|(p, c)| (p.to_string(), c.as_bytes().to_vec()))
            .chain([(MARKER.to_string(), MARKER_TEXT.as_bytes().to_vec())])
            .collect();
        assert_eq!(tree(&out).into_iter().collect::<Vec<_>>(), {
            let mut e = expected;
            e.sort();
            e
        });
        assert!(!staging_path(&out).join("b").exists(), "the folder of a removed page goes too");
    }

    /// A killed build leaves its staging folder in any state: the next one
    /// must still write exactly the new site.
    #[cfg(unix)]
    #[test]
    fn a_damaged_staging_folder_still_gives_the_exact_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let elsewhere = dir.path().join("elsewhere");
        fs::create_dir_all(elsewhere.join("inner")).unwrap();
        fs::write(elsewhere.join("keep.txt"), "mine").unwrap();
        fs::write(elsewhere.join("inner/index.html"), "mine").unwrap();
        let _lock = lock(&out, || {}).unwrap();
        let site = [
            ("index.html", "home page"),
            ("a/index.html", "page a"),
            ("b/index.html", "page b"),
            ("c/index.html", "page c"),
            ("d/index.html", "page d"),
            ("e/index.html", "page e"),
            ("f/index.html", "page f"),
            ("g", "a file where a folder was"),
        ];
        write_pages(&out, &site, WriteOptions::default());
        let staging = staging_path(&out);
        fs::create_dir_all(&staging).unwrap();
        fs::write(staging.join("index.html"), "home").unwrap(); // cut short
        fs::create_dir_all(staging.join("a")).unwrap();
        fs::write(staging.join("a/index.html"), "page A").unwrap(); // same size, other bytes
        fs::write(staging.join("b"), "a file where a folder must go").unwrap();
        fs::create_dir_all(staging.join("c/index.html/deep")).unwrap(); // a folder where a file must go
        std::os::unix::fs::symlink(&elsewhere, staging.join("d")).unwrap(); // a folder that is a link
        fs::create_dir_all(staging.join("e")).unwrap();
        std::os::unix::fs::symlink(elsewhere.join("keep.txt"), staging.join("e/index.html")).unwrap();
        fs::create_dir_all(staging.join("f")).unwrap();
        // A hard link to a file elsewhere, which must keep its bytes.
        fs::hard_link(elsewhere.join("keep.txt"), staging.join("f/index.html")).unwrap();
        fs::create_dir_all(staging.join("g/old/empty")).unwrap();
        fs::create_dir_all(staging.join("stale/empty")).unwrap();
        fs::write(staging.join("stale/index.html"), "gone").unwrap();
        let w = write_pages(&out, &site, WriteOptions::default());
        let mut expected: std::collections::BTreeMap<String, Vec<u8>> =
            site.iter().map(|(p, c)| (p.to_string(), c.as_bytes().to_vec())).collect();
        expected.insert(MARKER.into(), MARKER_TEXT.as_bytes().to_vec());
        assert_eq!(tree(&out), expected);
        let mut dirs = folders(&out);
        dirs.sort();
        assert_eq!(dirs, ["a", "b", "c", "d", "e", "f"]);
        assert_eq!(fs::read_to_string(elsewhere.join("keep.txt")).unwrap(), "mine");
        assert_eq!(fs::read_to_string(elsewhere.join("inner/index.html")).unwrap(), "mine");
        assert!(w.written >= 7 && w.removed >= 1, "{w:?}");
    }

    #[test]
    fn compressed_copies_stay_in_step_with_their_files() {
        use crate::compress::decompresses_to;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let _lock = lock(&out, || {}).unwrap();
        let compress = WriteOptions { compress: true };
        let text = |n: usize| format!("<p>page {n}</p>\n").repeat(40);
        let (one, two, three) = (text(1), text(2), text(3));
        let site = [("a/index.html", one.as_str()), ("b/index.html", two.as_str())];
        for _ in 0..3 {
            write_pages(&out, &site, compress);
        }
        assert_eq!(write_pages(&out, &site, compress).written, 0);
        // A killed build left a copy cut short and another missing beside an unchanged page.
        let staging = staging_path(&out);
        let gz = fs::read(staging.join("a/index.html.gz")).unwrap();
        fs::write(staging.join("a/index.html.gz"), &gz[..gz.len() - 4]).unwrap();
        fs::remove_file(staging.join("b/index.html.br")).unwrap();
        let w = write_pages(&out, &site, compress);
        assert_eq!(w.written, 2, "the two damaged copies, and nothing else");
        // An edited page gets new copies; copies of a page that is gone go too.
        let edited = [("a/index.html", three.as_str())];
        write_pages(&out, &edited, compress);
        let files = tree(&out);
        assert_eq!(files.len(), 4, "{:?}", files.keys());
        for suffix in crate::compress::SUFFIXES {
            assert!(decompresses_to(suffix, &files[&format!("a/index.html.{suffix}")], three.as_bytes()));
        }
        // Without compression the copies go.
        write_pages(&out, &edited, WriteOptions::default());
        assert_eq!(tree(&out).len(), 2);
    }

    #[cfg(unix)]
    #[test]
    fn a_linked_file_is_kept_by_its_identity_and_linked_again_when_it_changes() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let card = dir.path().join("cache/card-one.png");
        crate::cache::write_whole(&card, b"one").unwrap();
        let _lock = lock(&out, || {}).unwrap();
        let build = || {
            write_with(&out, &[], |sink| {
                let mut page = Page::new("compare/a/card.png".into(), Vec::new());
                page.linked = Some(card.clone());
                sink(page).map(|()| 1)
            })
            .unwrap()
            .written
        };
        let ino = |path: &Path| fs::metadata(path).unwrap().ino();
        // The output and its staging folder get a link each, then keep it.
        assert_eq!((build(), build(), build()), (2, 2, 0));
        assert_eq!(ino(&out.join("compare/a/card.png")), ino(&card));
        assert_eq!(ino(&staging_path(&out).join("compare/a/card.png")), ino(&card));
        // The cache's file replaced (never written in place): linked anew.
        crate::cache::write_whole(&card, b"two").unwrap();
        assert_eq!((build(), build(), build()), (1, 1, 0));
        assert_eq!(fs::read(out.join("compare/a/card.png")).unwrap(), b"two");
        // A folder where the file must go is cleared for it.
        fs::remove_file(staging_path(&out).join("compare/a/card.png")).unwrap();
        fs::create_dir_all(staging_path(&out).join("compare/a/card.png/x")).unwrap();
        assert_eq!(build(), 1);
        assert_eq!(ino(&out.join("compare/a/card.png")), ino(&card));
    }

    #[cfg(unix)]
    #[test]
    fn replacing_an_output_removes_its_symlinks_without_following_them() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let elsewhere = dir.path().join("elsewhere");
        fs::create_dir_all(elsewhere.join("inner")).unwrap();
        fs::write(elsewhere.join("inner/keep.txt"), "mine").unwrap();
        let _lock = lock(&out, || {}).unwrap();
        let write =
            |content: &str| write_with(&out, &[], |sink| sink(Page::new("index.html".into(), content)).map(|()| 1));
        write("one").unwrap();
        std::os::unix::fs::symlink(&elsewhere, out.join("linked-folder")).unwrap();
        std::os::unix::fs::symlink(elsewhere.join("inner/keep.txt"), out.join("linked-file")).unwrap();
        write("two").unwrap();
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "two");
        assert!(!out.join("linked-folder").exists() && !out.join("linked-file").exists());
        // The old output, links and all, is now the staging folder: the next
        // build removes them from there, still without following them.
        write("three").unwrap();
        let staging = staging_path(&out);
        assert!(fs::symlink_metadata(staging.join("linked-folder")).is_err());
        assert!(fs::symlink_metadata(staging.join("linked-file")).is_err());
        assert_eq!(fs::read_to_string(elsewhere.join("inner/keep.txt")).unwrap(), "mine");
    }

    #[test]
    fn killed_build_between_renames_is_recovered() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        fs::create_dir_all(sibling(&out, "old")).unwrap();
        fs::write(sibling(&out, "old").join("index.html"), "previous").unwrap();
        fs::create_dir_all(sibling(&out, "new")).unwrap();
        fs::write(sibling(&out, "new").join("index.html"), "half").unwrap();
        let _lock = lock(&out, || {}).unwrap();
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "previous");
        assert!(!sibling(&out, "old").exists());
        // The half-written staging folder stays, and the next build puts it right.
        write_pages(&out, &[("index.html", "next")], WriteOptions::default());
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "next");
    }
}
