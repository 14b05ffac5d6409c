//! Write: the rendered pages and static files into the output folder,
//! atomically. Everything goes to a temporary folder beside the output,
//! which replaces the output only once complete; a lock file keeps two
//! builds from writing the same output at once. A failed or killed build
//! leaves the previous output as it was.

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::render::Page;

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
/// moved aside but not replaced, and removes half-written folders.
fn recover(output: &Path) -> io::Result<()> {
    let old = sibling(output, "old");
    if old.exists() {
        if output.exists() {
            fs::remove_dir_all(&old)?;
        } else {
            fs::rename(&old, output)?;
        }
    }
    let staging = sibling(output, "new");
    if staging.exists() {
        fs::remove_dir_all(&staging)?;
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
) -> io::Result<usize> {
    write_with_options(output, assets, WriteOptions::default(), fill)
}

/// What a build writes besides its pages and static files.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteOptions {
    /// A `.gz` and a `.br` beside each text file (`compress = true`; see [`crate::compress`]).
    pub compress: bool,
}

/// [`write_with`], with the extra files `options` asks for. The count
/// returned leaves those out.
pub fn write_with_options(
    output: &Path,
    assets: &[(String, Asset)],
    options: WriteOptions,
    fill: impl FnOnce(&(dyn Fn(Page) -> io::Result<()> + Sync)) -> io::Result<usize>,
) -> io::Result<usize> {
    let output = absolute(output);
    let staging = sibling(&output, "new");
    let result = (|| {
        fs::create_dir_all(&staging)?;
        let folder = Folder::open(&staging)?;
        let pages = fill(&|page: Page| {
            folder.write(&page.path, page.content.as_bytes())?;
            if options.compress {
                crate::compress::write_variants(&page.path, page.content.as_bytes(), |p, b| folder.write(p, b))?;
            }
            Ok(())
        })?;
        let files = write_assets(&staging, assets)?;
        if options.compress {
            compress_assets(&staging, assets)?;
        }
        swap(&staging, &output)?;
        Ok(pages + files)
    })();
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    result
}

/// The folder pages are written into. On Linux files are made relative to
/// the open folder, which spares each page a walk of the whole path and a
/// look at whether its folder exists.
struct Folder {
    path: PathBuf,
    #[cfg(target_os = "linux")]
    fd: std::os::fd::OwnedFd,
}

impl Folder {
    fn open(path: &Path) -> io::Result<Folder> {
        Ok(Folder {
            path: path.to_path_buf(),
            #[cfg(target_os = "linux")]
            fd: rustix::fs::open(path, rustix::fs::OFlags::DIRECTORY | rustix::fs::OFlags::CLOEXEC, 0.into())?,
        })
    }

    /// Writes `content` to `rel` (`/`-separated), making its folder first.
    #[cfg(target_os = "linux")]
    fn write(&self, rel: &str, content: &[u8]) -> io::Result<()> {
        use rustix::fs::{Mode, OFlags, mkdirat, openat};
        use rustix::io::Errno;
        use std::io::Write;
        if let Some((parent, _)) = rel.rsplit_once('/') {
            match mkdirat(&self.fd, parent, Mode::from_bits_truncate(0o777)) {
                Ok(()) | Err(Errno::EXIST) => {}
                // A folder above it is missing too: make them all.
                Err(Errno::NOENT) => fs::create_dir_all(self.path.join(parent))?,
                Err(e) => return Err(e.into()),
            }
        }
        let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::TRUNC | OFlags::CLOEXEC;
        let fd = openat(&self.fd, rel, flags, Mode::from_bits_truncate(0o666))?;
        File::from(fd).write_all(content)
    }

    #[cfg(not(target_os = "linux"))]
    fn write(&self, rel: &str, content: &[u8]) -> io::Result<()> {
        let path = self.path.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(path, content)
    }
}

/// Copies the static files into `dir` and marks it as readout's.
fn write_assets(dir: &Path, assets: &[(String, Asset)]) -> io::Result<usize> {
    let mut folders: Vec<PathBuf> =
        assets.iter().filter_map(|(p, _)| Path::new(p).parent().map(|d| dir.join(d))).collect();
    folders.sort();
    folders.dedup();
    for folder in &folders {
        fs::create_dir_all(folder)?;
    }
    assets.par_iter().try_for_each(|(path, asset)| match asset {
        Asset::Copy(from) => fs::copy(from, dir.join(path)).map(|_| ()),
        Asset::Builtin(text) => fs::write(dir.join(path), text),
    })?;
    fs::write(dir.join(MARKER), "This folder is written by readout; each build replaces it whole.\n")?;
    Ok(assets.len())
}

/// Writes the compressed copies of the static files already copied into `dir`.
fn compress_assets(dir: &Path, assets: &[(String, Asset)]) -> io::Result<()> {
    assets.par_iter().filter(|(path, _)| crate::compress::wanted(path)).try_for_each(|(path, _)| {
        let content = fs::read(dir.join(path))?;
        crate::compress::write_variants(path, &content, |p, b| fs::write(dir.join(p), b))
    })
}

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
            Ok(()) => return remove_tree(staging),
            // Old kernels and some file systems cannot exchange: rename twice.
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
    remove_tree(&old)
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

    #[test]
    fn write_replaces_output_whole() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let page = |path: &str, content: &str| Page { path: path.into(), content: content.into() };
        let write = |pages: Vec<Page>| {
            write_with(&out, &[], |sink| {
                let n = pages.len();
                pages.into_iter().try_for_each(sink)?;
                Ok(n)
            })
        };
        let _lock = lock(&out, || {}).unwrap();
        write(vec![page("index.html", "one"), page("a/index.html", "a")]).unwrap();
        write(vec![page("index.html", "two")]).unwrap();
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "two");
        assert!(!out.join("a").exists());
        assert!(out.join(MARKER).exists());
        let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(leftovers.len(), 2, "{leftovers:?}"); // public and its lock file
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
        let write = |content: &str| {
            write_with(&out, &[], |sink| sink(Page { path: "index.html".into(), content: content.into() }).map(|()| 1))
        };
        write("one").unwrap();
        std::os::unix::fs::symlink(&elsewhere, out.join("linked-folder")).unwrap();
        std::os::unix::fs::symlink(elsewhere.join("inner/keep.txt"), out.join("linked-file")).unwrap();
        write("two").unwrap();
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "two");
        assert!(!out.join("linked-folder").exists() && !out.join("linked-file").exists());
        assert_eq!(fs::read_to_string(elsewhere.join("inner/keep.txt")).unwrap(), "mine");
    }

    #[test]
    fn killed_build_between_renames_is_recovered() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        fs::create_dir_all(sibling(&out, "old")).unwrap();
        fs::write(sibling(&out, "old").join("index.html"), "previous").unwrap();
        fs::create_dir_all(sibling(&out, "new")).unwrap();
        let _lock = lock(&out, || {}).unwrap();
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "previous");
        assert!(!sibling(&out, "new").exists());
    }
}
