//! `readout templates list` and `readout templates eject`: the built-in
//! templates and stylesheet (compiled into readout) named, and copied into
//! a site to change. A site's file of the same name overrides the built-in
//! one, so an ejected copy builds the same site until it is edited. Nothing
//! the site already has is overwritten.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::render::templates::{BUILTIN, BUILTIN_STATIC};

/// One built-in file a site can override.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Builtin {
    /// Its name: a template's name, or a static file's output path.
    pub name: &'static str,
    /// Where the site's own copy goes, relative to the site root.
    pub folder: &'static str,
    pub text: &'static str,
}

impl Builtin {
    /// The site's own copy's path, relative to the site root.
    pub fn site_path(&self) -> PathBuf {
        Path::new(self.folder).join(self.name)
    }
}

/// Every built-in template (into `templates/`) and static file (into `static/`).
pub fn builtins() -> Vec<Builtin> {
    let templates = BUILTIN.iter().map(|&(name, text)| Builtin { name, folder: "templates", text });
    let statics = BUILTIN_STATIC.iter().map(|&(name, text)| Builtin { name, folder: "static", text });
    templates.chain(statics).collect()
}

/// What eject did with one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ejected {
    /// Written to this path.
    Written(PathBuf),
    /// The site already has this file; it was left as it is.
    Kept(PathBuf),
}

/// Why nothing was ejected.
#[derive(Debug)]
pub enum EjectError {
    /// A name that is no built-in file, with the closest one.
    Unknown {
        name: String,
        closest: Option<&'static str>,
    },
    Io {
        path: PathBuf,
        error: io::Error,
    },
}

impl std::fmt::Display for EjectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EjectError::Unknown { name, closest } => {
                write!(f, "`{name}` is not a built-in template or stylesheet")?;
                match closest {
                    Some(c) => write!(f, "; did you mean `{c}`? (`readout templates list` names them all)"),
                    None => write!(f, "; `readout templates list` names them all"),
                }
            }
            EjectError::Io { path, error } => write!(f, "{}: {error}", path.display()),
        }
    }
}

impl std::error::Error for EjectError {}

/// Copies the built-in files named in `names` (all of them when empty)
/// into the site at `root`, never overwriting. Every name is checked
/// before anything is written.
pub fn eject(root: &Path, names: &[String]) -> Result<Vec<Ejected>, EjectError> {
    let all = builtins();
    let chosen: Vec<Builtin> = if names.is_empty() {
        all.clone()
    } else {
        names.iter().map(|name| find(&all, name)).collect::<Result<_, _>>()?
    };
    let mut done = Vec::new();
    for builtin in chosen {
        let rel = builtin.site_path();
        let path = root.join(&rel);
        let io_error = |error| EjectError::Io { path: path.clone(), error };
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(io_error)?;
        }
        match fs::File::options().write(true).create_new(true).open(&path) {
            Ok(mut file) => {
                io::Write::write_all(&mut file, builtin.text.as_bytes()).map_err(io_error)?;
                done.push(Ejected::Written(rel));
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => done.push(Ejected::Kept(rel)),
            Err(e) => return Err(io_error(e)),
        }
    }
    Ok(done)
}

/// The built-in file `name` names: `statement.html`, `style.css`, or
/// either with its folder (`templates/statement.html`).
fn find(all: &[Builtin], name: &str) -> Result<Builtin, EjectError> {
    let bare = name.strip_prefix("templates/").or_else(|| name.strip_prefix("static/")).unwrap_or(name);
    all.iter().find(|b| b.name == bare).copied().ok_or_else(|| EjectError::Unknown {
        name: name.to_string(),
        closest: crate::diagnostic::closest(bare, all.iter().map(|b| b.name)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eject_writes_what_is_missing_and_keeps_what_the_site_has() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("templates")).unwrap();
        fs::write(dir.path().join("templates/base.html"), "mine").unwrap();
        let done = eject(dir.path(), &["base.html".into(), "static/style.css".into()]).unwrap();
        assert_eq!(done, [Ejected::Kept("templates/base.html".into()), Ejected::Written("static/style.css".into())]);
        assert_eq!(fs::read_to_string(dir.path().join("templates/base.html")).unwrap(), "mine");
        assert_eq!(fs::read_to_string(dir.path().join("static/style.css")).unwrap(), BUILTIN_STATIC[0].1);
    }

    #[test]
    fn an_unknown_name_writes_nothing_and_suggests_the_closest() {
        let dir = tempfile::tempdir().unwrap();
        let err = eject(dir.path(), &["base.html".into(), "statment.html".into()]).unwrap_err();
        assert!(err.to_string().contains("did you mean `statement.html`?"), "{err}");
        assert!(!dir.path().join("templates").exists());
    }
}
