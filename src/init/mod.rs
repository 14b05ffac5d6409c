//! `readout init`: a new site that builds at once. It writes `site.toml`
//! with every setting explained, a `.gitignore` for what builds leave
//! behind, a short README for the writer and, unless `--bare`, one small
//! working note of each kind (the files in `src/init/starter/`, compiled in).

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The files every new site gets, by path in the site.
const SITE_FILES: &[(&str, &str)] = &[
    ("site.toml", include_str!("starter/site.toml")),
    (".gitignore", include_str!("starter/gitignore")),
    ("README.md", include_str!("starter/README.md")),
];

/// The home page of a `--bare` site.
const BARE_HOME: &str = "+++\ntitle = \"The ferry question\"\n+++\n\nWhat the site is about, in a paragraph or two. Link notes with `[[slug]]`.\n";

/// The example notes, one of each kind, and the home page.
const STARTER_NOTES: &[(&str, &str)] = &[
    ("content/_index.md", include_str!("starter/content/_index.md")),
    ("content/actors/ana-ruiz.md", include_str!("starter/content/actors/ana-ruiz.md")),
    ("content/statements/ruiz-statement.md", include_str!("starter/content/statements/ruiz-statement.md")),
    ("content/statements/ruiz-radio.md", include_str!("starter/content/statements/ruiz-radio.md")),
    ("content/events/council-vote.md", include_str!("starter/content/events/council-vote.md")),
    (
        "content/comparisons/ruiz-statement-vs-radio.md",
        include_str!("starter/content/comparisons/ruiz-statement-vs-radio.md"),
    ),
    ("content/sources/harbour-gazette.md", include_str!("starter/content/sources/harbour-gazette.md")),
];

/// A continuous-integration service `--ci` can write a publishing workflow for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ci {
    /// GitHub Actions, publishing to GitHub Pages.
    Github,
}

/// The GitHub Actions workflow that builds the site and publishes it to
/// GitHub Pages (docs/hosting.md explains it).
pub const GITHUB_WORKFLOW: &str = include_str!("starter/github-pages.yml");

/// Where `--ci github` writes its workflow, in the site.
pub const GITHUB_WORKFLOW_PATH: &str = ".github/workflows/readout.yml";

/// What `readout init` is asked to make.
#[derive(Debug, Clone)]
pub struct InitOptions {
    /// The new site's folder; made if missing, refused if it holds files.
    pub dir: PathBuf,
    /// Only the settings, the `.gitignore`, the README and an empty home page.
    pub bare: bool,
    /// A publishing workflow to add.
    pub ci: Option<Ci>,
}

/// Why `readout init` made nothing.
#[derive(Debug)]
pub enum InitError {
    /// The folder already holds these entries (a few of them).
    NotEmpty {
        dir: PathBuf,
        entries: Vec<String>,
    },
    Io {
        path: PathBuf,
        error: io::Error,
    },
}

impl std::fmt::Display for InitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InitError::NotEmpty { dir, entries } => write!(
                f,
                "{} is not empty (it holds {}); readout init only writes into an empty or new folder: \
                 give it a new folder's name, e.g. `readout init my-site`",
                dir.display(),
                entries.join(", ")
            ),
            InitError::Io { path, error } => write!(f, "{}: {error}", path.display()),
        }
    }
}

impl std::error::Error for InitError {}

/// The files a new site gets, by path in the site, in the order written.
pub fn files(options: &InitOptions) -> Vec<(&'static str, &'static str)> {
    let mut files = SITE_FILES.to_vec();
    if options.bare {
        files.push(("content/_index.md", BARE_HOME));
    } else {
        files.extend_from_slice(STARTER_NOTES);
    }
    if options.ci == Some(Ci::Github) {
        files.push((GITHUB_WORKFLOW_PATH, GITHUB_WORKFLOW));
    }
    files
}

/// Makes a new site in `options.dir`, returning the files written. A
/// folder that holds anything but an empty `.git` repository's folder is
/// refused before anything is written.
pub fn init(options: &InitOptions) -> Result<Vec<PathBuf>, InitError> {
    let dir = &options.dir;
    let io_error = |path: &Path| {
        let path = path.to_path_buf();
        move |error| InitError::Io { path, error }
    };
    if dir.exists() {
        let entries = occupants(dir).map_err(io_error(dir))?;
        if !entries.is_empty() {
            return Err(InitError::NotEmpty { dir: dir.clone(), entries });
        }
    }
    let mut written = Vec::new();
    for (rel, text) in files(options) {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(io_error(parent))?;
        }
        fs::File::options()
            .write(true)
            .create_new(true)
            .open(&path)
            .and_then(|mut f| io::Write::write_all(&mut f, text.as_bytes()))
            .map_err(io_error(&path))?;
        written.push(path);
    }
    Ok(written)
}

/// The first few entries of `dir` that make it not empty: anything but
/// `.git` (so `git init && readout init` works).
fn occupants(dir: &Path) -> io::Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in fs::read_dir(dir)? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if name != ".git" {
            names.push(name);
        }
    }
    names.sort();
    names.truncate(3);
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_setting_of_site_toml_is_in_the_starter_with_a_comment_above() {
        let text = include_str!("starter/site.toml");
        for field in crate::config::SITE_FIELDS {
            let line =
                if matches!(*field, "themes" | "wording") { format!("[{field}]") } else { format!("{field} = ") };
            let at = text.find(&format!("\n{line}")).unwrap_or_else(|| panic!("site.toml lacks {field}"));
            let before = text[..at].lines().last().unwrap_or("");
            assert!(before.starts_with('#'), "{field} has no comment above it");
        }
    }

    #[test]
    fn the_gitignore_names_what_builds_leave_behind() {
        let text = include_str!("starter/gitignore");
        let output = Path::new("public");
        for path in [crate::write::lock_path(output), crate::write::staging_path(output)] {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            assert!(text.lines().any(|l| l.trim_matches('/') == name), "{name} missing");
        }
        assert!(text.contains("/.readout-cache/"));
    }
}
