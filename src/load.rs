//! Load: find and read the files of a site — `site.toml`, the notes under
//! `content/`, the templates, and the list of static files — and nothing
//! else. Editor leftovers and hidden files are skipped; symlinks that leave
//! the site or loop are reported, not followed.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::diagnostic::{Diagnostic, closest};
use crate::note::Kind;
use crate::parse::slug::check_slug_syntax;

/// A note file, read.
#[derive(Debug, Clone)]
pub struct NoteFile {
    pub kind: Kind,
    pub slug: String,
    /// Relative to the site root.
    pub path: PathBuf,
    pub text: Arc<str>,
}

/// A template file, read. Its name is its path under `templates/`.
#[derive(Debug, Clone)]
pub struct TemplateFile {
    pub name: String,
    pub path: PathBuf,
    pub text: String,
}

/// A static file: where it is and where it goes in the output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaticFile {
    /// Absolute (or root-joined) path to read from.
    pub source: PathBuf,
    /// Path in the output, `/`-separated.
    pub output: String,
}

/// Everything a build reads from disk.
#[derive(Debug, Default)]
pub struct SiteFiles {
    pub config: Option<(PathBuf, String)>,
    pub home: Option<(PathBuf, Arc<str>)>,
    pub notes: Vec<NoteFile>,
    /// The slugs that notes in the wrong place or with a bad file name
    /// would have: each got its one error, and links to it get none.
    pub misplaced: Vec<String>,
    pub templates: Vec<TemplateFile>,
    pub statics: Vec<StaticFile>,
}

/// True for files no writer means to publish: hidden files and the
/// leftovers of editors (`.#x`, `x~`, `.x.swp`, `4913`, `x___jb_tmp___`).
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".swo")
        || name.ends_with(".tmp")
        || name.ends_with(".bak")
        || name.ends_with(".crswap")
        || name.contains("___jb_tmp___")
        || name.contains("___jb_old___")
        || (name.chars().all(|c| c.is_ascii_digit()) && !name.is_empty())
}

/// Reads a file as UTF-8 text, dropping a BOM and turning CRLF into LF.
pub fn read_text(path: &Path, shown: &Path) -> Result<String, Diagnostic> {
    let bytes = fs::read(path).map_err(|e| Diagnostic::file_error(shown, format!("cannot read the file: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let valid = String::from_utf8_lossy(valid);
        let pos = crate::diagnostic::Position::of_offset(&valid, valid.len());
        Diagnostic::error(shown, None, pos, "the file is not valid UTF-8 text")
            .with_help("save the file with UTF-8 encoding")
    })?;
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    };
    Ok(if text.contains('\r') { text.replace("\r\n", "\n") } else { text })
}

/// Reads the site at `root`. Problems are collected, not fatal.
pub fn load(root: &Path) -> (SiteFiles, Vec<Diagnostic>) {
    let loaded = Loaded::new(root);
    let errors = loaded.errors();
    (loaded.files, errors)
}

/// The parts of a site that are read separately, so that a change to one
/// is read again without the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Part {
    Config,
    Content,
    Templates,
    Statics,
}

/// A loaded site that can be brought up to date with the paths that
/// changed, reading only those (`serve` keeps one).
#[derive(Debug, Default)]
pub struct Loaded {
    pub files: SiteFiles,
    /// The problems found, per part.
    errors: [Vec<Diagnostic>; 4],
}

/// Whether `rel` (relative to the site root) is a file copied into the
/// output rather than read as a note: anything in `static/`, and a file
/// with an extension other than `.md` in `content/` (an image beside a note).
pub fn is_asset_path(rel: &Path) -> bool {
    let in_content = rel.starts_with("content") && rel.components().count() > 1;
    rel.starts_with("static") || (in_content && rel.extension().is_some_and(|e| e != "md"))
}

impl Loaded {
    /// Reads the whole site at `root`.
    pub fn new(root: &Path) -> Loaded {
        let mut loaded = Loaded::default();
        for part in [Part::Config, Part::Content, Part::Templates, Part::Statics] {
            loaded.read(root, part);
        }
        loaded
    }

    /// Every problem found, in part order.
    pub fn errors(&self) -> Vec<Diagnostic> {
        self.errors.iter().flatten().cloned().collect()
    }

    /// Reads again what `changed` (paths relative to `root`) touches: a
    /// changed or deleted note alone, anything else its whole part.
    pub fn update(&mut self, root: &Path, changed: &[PathBuf]) {
        let mut parts = std::collections::BTreeSet::new();
        for rel in changed {
            let part = match rel.components().next().and_then(|c| c.as_os_str().to_str()) {
                Some("site.toml") => Part::Config,
                Some("templates") => Part::Templates,
                Some("static") => Part::Statics,
                Some("content") => Part::Content,
                _ => continue,
            };
            // A file beside a note (an image) is none of the files loaded:
            // the images stage reads it where a note shows it.
            if part == Part::Content && is_asset_path(rel) {
                continue;
            }
            if part == Part::Content && !parts.contains(&Part::Content) && self.update_note(root, rel) {
                continue;
            }
            parts.insert(part);
        }
        for part in parts {
            self.read(root, part);
        }
    }

    /// Reads one changed note file again, or says it cannot (then the
    /// whole of `content/` is read).
    fn update_note(&mut self, root: &Path, rel: &Path) -> bool {
        if !self.errors[Part::Content as usize].is_empty() {
            return false; // Errors are only ever recomputed as a whole.
        }
        let parts: Vec<&str> = rel.iter().filter_map(|p| p.to_str()).collect();
        let path = root.join(rel);
        let exists = match fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_file() => true,
            Ok(_) => return false,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
            Err(_) => return false,
        };
        match parts.as_slice() {
            ["content", "_index.md"] => {
                self.files.home = match exists {
                    true => match read_text(&path, rel) {
                        Ok(text) => Some((rel.to_path_buf(), Arc::from(text))),
                        Err(_) => return false,
                    },
                    false => None,
                };
                true
            }
            ["content", folder, file] if file.ends_with(".md") => {
                let (Some(kind), slug) = (Kind::from_folder(folder), file.trim_end_matches(".md")) else {
                    return false;
                };
                if check_slug_syntax(slug).is_err() || is_ignored(file) {
                    return false;
                }
                let at = self.files.notes.binary_search_by(|n| n.path.as_path().cmp(rel));
                match (exists, at) {
                    (true, at) => {
                        let Ok(text) = read_text(&path, rel) else { return false };
                        let note =
                            NoteFile { kind, slug: slug.to_string(), path: rel.to_path_buf(), text: Arc::from(text) };
                        match at {
                            Ok(i) => self.files.notes[i] = note,
                            Err(i) => self.files.notes.insert(i, note),
                        }
                    }
                    (false, Ok(i)) => {
                        self.files.notes.remove(i);
                    }
                    (false, Err(_)) => {}
                }
                true
            }
            _ => false,
        }
    }

    fn read(&mut self, root: &Path, part: Part) {
        let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        let mut errors = Vec::new();
        let files = &mut self.files;
        match part {
            Part::Config => {
                files.config = None;
                let config_path = root.join("site.toml");
                if config_path.exists() {
                    match read_text(&config_path, Path::new("site.toml")) {
                        Ok(text) => files.config = Some((PathBuf::from("site.toml"), text)),
                        Err(e) => errors.push(e),
                    }
                }
            }
            Part::Content => {
                let (home, notes, misplaced) = read_content(root, &canonical_root, &mut errors);
                files.home = home;
                files.notes = notes;
                files.misplaced = misplaced;
            }
            Part::Templates => {
                files.templates.clear();
                for (path, rel) in walk(root, "templates", &canonical_root, &mut errors) {
                    let name = rel.strip_prefix("templates").unwrap_or(&rel).to_string_lossy().replace('\\', "/");
                    match read_text(&path, &rel) {
                        Ok(text) => files.templates.push(TemplateFile { name, path: rel, text }),
                        Err(e) => errors.push(e),
                    }
                }
                files.templates.sort_by(|a, b| a.name.cmp(&b.name));
            }
            Part::Statics => {
                files.statics.clear();
                for (path, rel) in walk(root, "static", &canonical_root, &mut errors) {
                    let output = rel.strip_prefix("static").unwrap_or(&rel).to_string_lossy().replace('\\', "/");
                    files.statics.push(StaticFile { source: path, output });
                }
                files.statics.sort_by(|a, b| a.output.cmp(&b.output));
            }
        }
        self.errors[part as usize] = errors;
    }
}

/// `content/_index.md`: its path and text.
type HomeFile = (PathBuf, Arc<str>);

/// The home note, the notes under `content/` (sorted by path) and the
/// slugs of the notes in the wrong place.
fn read_content(
    root: &Path,
    canonical_root: &Path,
    errors: &mut Vec<Diagnostic>,
) -> (Option<HomeFile>, Vec<NoteFile>, Vec<String>) {
    let mut home = None;
    let mut misplaced = Vec::new();
    // Notes: find them, then read them in parallel.
    let mut found: Vec<(Kind, String, PathBuf)> = Vec::new();
    for (path, rel) in walk(root, "content", canonical_root, errors) {
        let parts: Vec<&str> = rel.iter().filter_map(|p| p.to_str()).collect();
        match parts.as_slice() {
            ["content", "_index.md"] => match read_text(&path, &rel) {
                Ok(text) => home = Some((rel.clone(), Arc::from(text))),
                Err(e) => errors.push(e),
            },
            ["content", folder, file] if file.ends_with(".md") => {
                let Some(kind) = Kind::from_folder(folder) else {
                    errors.push(unknown_folder(&rel, folder));
                    continue;
                };
                let slug = file.trim_end_matches(".md");
                if let Err(suggestion) = check_slug_syntax(slug) {
                    errors.push(
                        Diagnostic::file_error(
                            &rel,
                            format!("`{slug}` is not a valid slug: file names are lowercase letters, digits and `-`"),
                        )
                        .with_help(format!(
                            "rename the file to `content/{folder}/{suggestion}.md`; notes that link to it use `{suggestion}`"
                        )),
                    );
                    misplaced.extend([slug.to_string(), suggestion]);
                    continue;
                }
                found.push((kind, slug.to_string(), rel));
            }
            ["content", folder, .., file] if parts.len() > 3 && Kind::from_folder(folder).is_some() => {
                if !file.ends_with(".md") {
                    continue; // an image beside the notes
                }
                let slug = file.trim_end_matches(".md");
                errors.push(
                    Diagnostic::file_error(
                        &rel,
                        format!("notes go directly in `content/{folder}/`, not in a sub-folder of it"),
                    )
                    .with_help(format!(
                        "move it to `content/{folder}/{slug}.md` (its slug is the file name, `{slug}`, whatever the folder)"
                    )),
                );
                misplaced.push(slug.to_string());
            }
            ["content", folder, _] if Kind::from_folder(folder).is_none() => errors.push(unknown_folder(&rel, folder)),
            _ if rel.extension().is_some_and(|e| e == "md") => errors.push(
                Diagnostic::file_error(&rel, "this note is not in a kind's folder")
                    .with_help("put notes in content/actors/, statements/, events/, comparisons/ or sources/"),
            ),
            _ => {} // images and other files beside the notes are not pages
        }
    }
    let read: Vec<Result<NoteFile, Diagnostic>> = found
        .into_par_iter()
        .map(|(kind, slug, rel)| {
            let text = read_text(&root.join(&rel), &rel)?;
            Ok(NoteFile { kind, slug, path: rel, text: Arc::from(text) })
        })
        .collect();
    let mut notes = Vec::with_capacity(read.len());
    for r in read {
        match r {
            Ok(note) => notes.push(note),
            Err(e) => errors.push(e),
        }
    }
    notes.sort_by(|a, b| a.path.cmp(&b.path));
    (home, notes, misplaced)
}

fn unknown_folder(rel: &Path, folder: &str) -> Diagnostic {
    let folders = Kind::ALL.map(Kind::folder);
    let d = Diagnostic::file_error(rel, format!("`content/{folder}/` is not a kind of note"));
    match closest(folder, folders) {
        Some(near) => d.with_help(format!("did you mean `content/{near}/`?")),
        None => d.with_help(format!("the folders are: {}", folders.join(", "))),
    }
}

/// The files under `root/dir`, sorted, as (path to read, path relative to root).
fn walk(root: &Path, dir: &str, canonical_root: &Path, errors: &mut Vec<Diagnostic>) -> Vec<(PathBuf, PathBuf)> {
    let base = root.join(dir);
    if !base.is_dir() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let walker = WalkDir::new(&base)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_str().is_none_or(is_ignored));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let shown = e
                    .path()
                    .map(|p| p.strip_prefix(root).unwrap_or(p).to_path_buf())
                    .unwrap_or_else(|| PathBuf::from(dir));
                errors.push(Diagnostic::file_error(&shown, format!("cannot read: {e}")));
                continue;
            }
        };
        let rel = entry.path().strip_prefix(root).unwrap_or(entry.path()).to_path_buf();
        if entry.path_is_symlink() {
            match entry.path().canonicalize() {
                Err(e) => {
                    errors.push(Diagnostic::file_error(&rel, format!("broken or looping symlink, not followed: {e}")));
                    continue;
                }
                Ok(target) if !target.starts_with(canonical_root) => {
                    errors.push(
                        Diagnostic::file_error(
                            &rel,
                            format!("symlink points outside the site ({}), not followed", target.display()),
                        )
                        .with_help("copy the file into the site instead of linking to it"),
                    );
                    continue;
                }
                Ok(target) if target.is_dir() => {
                    errors.push(Diagnostic::file_error(&rel, "symlinked folders are not followed").warning());
                    continue;
                }
                Ok(target) if !target.is_file() => {
                    errors.push(Diagnostic::file_error(
                        &rel,
                        "symlink to something that is not a file (a pipe or a device), not followed",
                    ));
                    continue;
                }
                Ok(_) => {}
            }
        } else if !entry.file_type().is_file() {
            continue;
        }
        out.push((entry.path().to_path_buf(), rel));
    }
    // Sorted once at the end, by path component: the order a walk sorted
    // by file name gives, without the walk's repeated file-name lookups.
    out.sort_unstable_by(|a, b| a.1.cmp(&b.1));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_leftovers_are_ignored() {
        for name in [".#x.md", "x.md~", ".x.md.swp", "4913", "x.md___jb_tmp___", ".hidden", "#x.md#"] {
            assert!(is_ignored(name), "{name}");
        }
        for name in ["x.md", "style.css", "2025-report.md"] {
            assert!(!is_ignored(name), "{name}");
        }
    }

    #[test]
    fn a_walk_lists_files_by_path_component_not_by_bytes() {
        // By bytes `a-b/x.md` comes before `a/y.md` ('-' < '/'); a folder's
        // files come right after the folder's own name, as in a sorted walk.
        let root = tempfile::tempdir().expect("temp dir");
        for file in ["content/a.md", "content/a-b/x.md", "content/a/y.md", "content/a/b/z.md"] {
            let path = root.path().join(file);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("folder");
            std::fs::write(&path, "").expect("file");
        }
        let canonical = root.path().canonicalize().expect("canonical");
        let mut errors = Vec::new();
        let found: Vec<PathBuf> =
            walk(root.path(), "content", &canonical, &mut errors).into_iter().map(|(_, rel)| rel).collect();
        assert!(errors.is_empty());
        let expected: Vec<PathBuf> = ["content/a/b/z.md", "content/a/y.md", "content/a-b/x.md", "content/a.md"]
            .iter()
            .map(PathBuf::from)
            .collect();
        assert_eq!(found, expected);
    }
}
