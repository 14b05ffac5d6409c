//! The staging folder a build writes into, beside the output. After a
//! swap it holds the build before; the next build brings it up to date
//! instead of making every file anew: it writes a file only where the
//! folder holds other bytes, and removes the files and folders the new
//! build does not have. Nothing is taken on trust: a build that was killed
//! may have left the folder half updated, so every file is compared with
//! the bytes the folder really holds (by size, then byte for byte).
//!
//! A file shared with another path (a hard link, as `cp -al` makes) is
//! never written in place: it is replaced by a new file, so the other copy
//! keeps its bytes. Symlinks and special files found in the folder are
//! removed, never followed.

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use rayon::prelude::*;

/// The staging folder while a build brings it up to date.
pub(super) struct Staging {
    folder: Folder,
    /// The files it held when the build began, by `/`-separated path;
    /// true once this build has put the file (or kept it as it was).
    held: HashMap<String, AtomicBool>,
    /// The folders it held that had no file of their own, which may hold
    /// nothing the new build wants.
    bare: Vec<String>,
    written: AtomicUsize,
}

/// What a build did to the staging folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Changes {
    /// Files whose bytes were written (new files, and files that changed).
    pub(super) written: usize,
    /// Files removed, since the new build does not have them.
    pub(super) removed: usize,
}

/// What was at a path the folder held as a file when it was opened again.
enum Held {
    /// The same bytes.
    Same,
    /// Other bytes, now replaced in place.
    Written,
    /// Nothing that can be written in place: to be made anew.
    Gone,
}

impl Staging {
    /// Opens the staging folder at `path`, making it if it is missing, and
    /// lists what it holds (removing whatever is neither file nor folder).
    pub(super) fn open(path: &Path) -> io::Result<Staging> {
        match fs::symlink_metadata(path) {
            Ok(meta) if meta.is_dir() => {}
            Ok(_) => {
                fs::remove_file(path)?;
                fs::create_dir(path)?;
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => fs::create_dir(path)?,
            Err(e) => return Err(e),
        }
        let listing = list(path, "")?;
        Ok(Staging {
            folder: Folder::open(path)?,
            held: listing.files.into_iter().map(|f| (f, AtomicBool::new(false))).collect(),
            bare: listing.bare,
            written: AtomicUsize::new(0),
        })
    }

    /// Puts `content` at `rel` (`/`-separated), writing it only if the
    /// folder holds other bytes there. Returns whether it wrote.
    pub(super) fn put(&self, rel: &str, content: &[u8]) -> io::Result<bool> {
        if let Some(mark) = self.held.get(rel) {
            mark.store(true, Ordering::Relaxed);
            match self.folder.update(rel, content)? {
                Held::Same => return Ok(false),
                Held::Written => {
                    self.written.fetch_add(1, Ordering::Relaxed);
                    return Ok(true);
                }
                Held::Gone => {}
            }
        }
        self.folder.create(rel, content)?;
        self.written.fetch_add(1, Ordering::Relaxed);
        Ok(true)
    }

    /// Puts at `rel` a hard link to `file` (a card in the cache, never
    /// written in place), unless the folder's file there is that very
    /// file already: a file kept so is known by its identity, without
    /// reading it. Where no link can be made (`file` is on another file
    /// system, or links are not allowed there), its bytes are put.
    /// Returns whether it wrote.
    pub(super) fn link(&self, rel: &str, file: &Path) -> io::Result<bool> {
        if let Some(mark) = self.held.get(rel) {
            mark.store(true, Ordering::Relaxed);
            if self.folder.is_same(rel, &fs::metadata(file)?) {
                return Ok(false);
            }
        }
        match self.folder.link(rel, file) {
            Ok(()) => {
                self.written.fetch_add(1, Ordering::Relaxed);
                Ok(true)
            }
            Err(e) if !gone(&e) => self.put(rel, &fs::read(file)?),
            Err(e) => Err(e),
        }
    }

    /// The bytes of the file at `rel`, if the folder held one there when
    /// the build began; a file read here is kept, as if put.
    pub(super) fn read_held(&self, rel: &str) -> io::Result<Option<Vec<u8>>> {
        let Some(mark) = self.held.get(rel) else { return Ok(None) };
        mark.store(true, Ordering::Relaxed);
        match fs::read(self.folder.path.join(rel)) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if gone(&e) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Removes every file the folder held that this build did not put,
    /// then the folders left with nothing in them.
    pub(super) fn prune(self) -> io::Result<Changes> {
        let stale: Vec<&str> =
            self.held.iter().filter(|(_, kept)| !kept.load(Ordering::Relaxed)).map(|(p, _)| p.as_str()).collect();
        stale.par_iter().try_for_each(|rel| remove_stale(&self.folder.path.join(rel)))?;
        // Only folders that lost a file, or had none of their own, can be empty now.
        let mut folders: Vec<&str> = self.bare.iter().map(String::as_str).collect();
        for rel in &stale {
            let mut rest = *rel;
            while let Some((parent, _)) = rest.rsplit_once('/') {
                folders.push(parent);
                rest = parent;
            }
        }
        // Deepest first: a folder's path is longer than its parent's.
        folders.sort_unstable_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        folders.dedup();
        for rel in folders {
            match fs::remove_dir(self.folder.path.join(rel)) {
                Ok(()) => {}
                Err(e) if gone(&e) || e.kind() == io::ErrorKind::DirectoryNotEmpty => {}
                Err(e) => return Err(e),
            }
        }
        Ok(Changes { written: self.written.into_inner(), removed: stale.len() })
    }
}

/// Whether an error says the path is not (or no longer) what it was:
/// removed, or replaced by a file or folder this build needed there.
fn gone(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::NotFound
            | io::ErrorKind::NotADirectory
            | io::ErrorKind::IsADirectory
            | io::ErrorKind::AlreadyExists
    )
}

/// Removes a file the new build does not have; a folder the new build
/// made at its path since stays.
fn remove_stale(path: &Path) -> io::Result<()> {
    match fs::remove_file(path) {
        Err(e) if !gone(&e) && !fs::symlink_metadata(path).is_ok_and(|m| m.is_dir()) => Err(e),
        _ => Ok(()),
    }
}

/// What a folder holds: its files, and the folders with no file of their own.
#[derive(Default)]
struct Listing {
    files: Vec<String>,
    bare: Vec<String>,
}

/// Lists the tree at `dir`, whose path in the staging folder is `rel`
/// (`""` for the folder itself), sub-folders in parallel. An entry's type
/// comes with the folder's listing, so no file is looked up on its own.
/// Anything but a file or a folder is removed, as is a name that is not
/// UTF-8 (readout never writes one).
fn list(dir: &Path, rel: &str) -> io::Result<Listing> {
    let mut listing = Listing::default();
    let mut folders = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        let name = match entry.file_name().into_string() {
            Ok(name) => name,
            Err(_) if kind.is_dir() => {
                super::remove_tree(&entry.path())?;
                continue;
            }
            Err(_) => {
                fs::remove_file(entry.path())?;
                continue;
            }
        };
        let path = if rel.is_empty() { name } else { format!("{rel}/{name}") };
        if kind.is_dir() {
            folders.push((entry.path(), path));
        } else if kind.is_file() {
            listing.files.push(path);
        } else {
            fs::remove_file(entry.path())?;
        }
    }
    if listing.files.is_empty() && !rel.is_empty() {
        listing.bare.push(rel.to_string());
    }
    let nested: Vec<Listing> = folders.par_iter().map(|(dir, rel)| list(dir, rel)).collect::<io::Result<_>>()?;
    for n in nested {
        listing.files.extend(n.files);
        listing.bare.extend(n.bare);
    }
    Ok(listing)
}

/// The staging folder's files, by `/`-separated path. On Linux files are
/// opened relative to the open folder, which spares each a walk of the
/// whole path.
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

    /// Makes the file `rel` with `content`, and the folders above it. A
    /// file where a folder must go, or a folder where the file must go, is
    /// removed first.
    fn create(&self, rel: &str, content: &[u8]) -> io::Result<()> {
        match self.try_create(rel, content) {
            Err(e) if gone(&e) => {
                self.clear_way(rel)?;
                self.try_create(rel, content)
            }
            result => result,
        }
    }

    /// Removes what stands where `rel` or a folder above it must go.
    fn clear_way(&self, rel: &str) -> io::Result<()> {
        let mut at = 0;
        while let Some(i) = rel[at..].find('/') {
            let folder = self.path.join(&rel[..at + i]);
            match fs::symlink_metadata(&folder) {
                Ok(meta) if !meta.is_dir() => remove_stale(&folder)?,
                Ok(_) => {}
                Err(_) => return Ok(()),
            }
            at += i + 1;
        }
        let path = self.path.join(rel);
        match fs::symlink_metadata(&path) {
            Ok(meta) if meta.is_dir() => match super::remove_tree(&path) {
                Err(e) if !gone(&e) => Err(e),
                _ => Ok(()),
            },
            _ => Ok(()),
        }
    }

    #[cfg(target_os = "linux")]
    fn try_create(&self, rel: &str, content: &[u8]) -> io::Result<()> {
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
        let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::TRUNC | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        let fd = openat(&self.fd, rel, flags, Mode::from_bits_truncate(0o666))?;
        fs::File::from(fd).write_all(content)
    }

    /// Brings the file `rel`, which the folder held, to `content`.
    #[cfg(target_os = "linux")]
    fn update(&self, rel: &str, content: &[u8]) -> io::Result<Held> {
        use rustix::fs::{AtFlags, Mode, OFlags, openat, unlinkat};
        use rustix::io::Errno;
        use std::os::unix::fs::MetadataExt;
        let flags = OFlags::RDWR | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        let file = match openat(&self.fd, rel, flags, Mode::empty()) {
            Ok(fd) => fs::File::from(fd),
            Err(Errno::NOENT | Errno::NOTDIR | Errno::ISDIR | Errno::LOOP) => return Ok(Held::Gone),
            // A file this user may not write (made read-only by hand): made anew.
            Err(Errno::ACCESS | Errno::PERM) => {
                unlinkat(&self.fd, rel, AtFlags::empty())?;
                return Ok(Held::Gone);
            }
            Err(e) => return Err(e.into()),
        };
        let meta = file.metadata()?;
        if meta.nlink() > 1 {
            drop(file);
            unlinkat(&self.fd, rel, AtFlags::empty())?;
            return Ok(Held::Gone);
        }
        overwrite(file, meta.len(), content)
    }

    /// Whether the file at `rel` is the file `meta` describes (a link to it).
    fn is_same(&self, rel: &str, meta: &fs::Metadata) -> bool {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            fs::symlink_metadata(self.path.join(rel)).is_ok_and(|m| m.ino() == meta.ino() && m.dev() == meta.dev())
        }
        #[cfg(not(unix))]
        {
            let _ = (rel, meta);
            false
        }
    }

    /// Makes `rel` a hard link to `file`, replacing what is there and
    /// making the folders above it.
    fn link(&self, rel: &str, file: &Path) -> io::Result<()> {
        let path = self.path.join(rel);
        let mut tried_again = false;
        loop {
            match fs::hard_link(file, &path) {
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && !tried_again => {
                    // A folder where the file must go is cleared, a file removed.
                    if fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) {
                        super::remove_tree(&path)?;
                    } else {
                        fs::remove_file(&path)?;
                    }
                }
                Err(e) if (gone(&e) || e.kind() == io::ErrorKind::NotFound) && !tried_again => {
                    self.clear_way(rel)?;
                    if let Some(parent) = path.parent() {
                        fs::create_dir_all(parent)?;
                    }
                }
                result => return result,
            }
            tried_again = true;
        }
    }

    #[cfg(not(target_os = "linux"))]
    fn try_create(&self, rel: &str, content: &[u8]) -> io::Result<()> {
        let path = self.path.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(path, content)
    }

    #[cfg(not(target_os = "linux"))]
    fn update(&self, rel: &str, content: &[u8]) -> io::Result<Held> {
        let path = self.path.join(rel);
        let meta = match fs::symlink_metadata(&path) {
            Ok(meta) if meta.is_file() => meta,
            _ => return Ok(Held::Gone),
        };
        #[cfg(unix)]
        let shared = std::os::unix::fs::MetadataExt::nlink(&meta) > 1;
        #[cfg(not(unix))]
        let shared = false;
        if shared || meta.permissions().readonly() {
            fs::remove_file(&path)?;
            return Ok(Held::Gone);
        }
        overwrite(fs::File::options().read(true).write(true).open(&path)?, meta.len(), content)
    }
}

/// Writes `content` over `file` (of `len` bytes) unless it holds those
/// bytes already. The file is emptied before it is written, so a build
/// killed meanwhile leaves a short file, never new bytes followed by old.
fn overwrite(mut file: fs::File, len: u64, content: &[u8]) -> io::Result<Held> {
    use std::io::{Read, Seek, Write};
    if len == content.len() as u64 {
        let mut held = vec![0; content.len()];
        file.read_exact(&mut held)?;
        if held == content {
            return Ok(Held::Same);
        }
        file.rewind()?;
    }
    file.set_len(0)?;
    file.write_all(content)?;
    Ok(Held::Written)
}
