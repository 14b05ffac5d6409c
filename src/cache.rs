//! `.readout-cache/`, the folder in a site where readout keeps what it can
//! make again (resized images, drawn cards, external links' answers):
//! safe to delete, and written so that a reader never sees half a file.

use std::io;
use std::path::Path;

/// Writes `bytes` to `path` whole or not at all: to a file beside it named
/// for this process and thread (another build, or another thread of this
/// one, may write the same file at the same time), then renamed over it.
pub fn write_whole(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let thread = format!("{:?}", std::thread::current().id()).replace(|c: char| !c.is_ascii_digit(), "");
    let name = path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.{thread}.tmp", std::process::id()));
    debug_assert_eq!(left_by_write(&tmp.file_name().unwrap_or_default().to_string_lossy()), Some(&*name));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// The name of the file a temporary file of [`write_whole`] named `name`
/// was to become (`.NAME.PROCESS.THREAD.tmp`), if it is one: a build
/// killed between writing and renaming leaves it behind.
pub fn left_by_write(name: &str) -> Option<&str> {
    let rest = name.strip_prefix('.')?.strip_suffix(".tmp")?;
    let (rest, thread) = rest.rsplit_once('.')?;
    let (written, process) = rest.rsplit_once('.')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (digits(process) && digits(thread) && !written.is_empty()).then_some(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_written_whole_and_no_temporary_file_stays() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/card.png");
        write_whole(&path, b"one").unwrap();
        write_whole(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        let names: Vec<_> =
            std::fs::read_dir(path.parent().unwrap()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["card.png"]);
    }
}
