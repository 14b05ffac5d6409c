//! The Tera templates of a site: the built-in ones (shipped in the binary,
//! the same as the repository's `templates/`) overridden by the site's own.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Position};
use crate::load::TemplateFile;

/// The built-in templates, by name.
pub const BUILTIN: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("components.html", include_str!("../../templates/components.html")),
    ("home.html", include_str!("../../templates/home.html")),
    ("actor.html", include_str!("../../templates/actor.html")),
    ("statement.html", include_str!("../../templates/statement.html")),
    ("event.html", include_str!("../../templates/event.html")),
    ("comparison.html", include_str!("../../templates/comparison.html")),
    ("source.html", include_str!("../../templates/source.html")),
    ("actors.html", include_str!("../../templates/actors.html")),
    ("statements.html", include_str!("../../templates/statements.html")),
    ("timeline.html", include_str!("../../templates/timeline.html")),
    ("who-said-what.html", include_str!("../../templates/who-said-what.html")),
    ("404.html", include_str!("../../templates/404.html")),
    ("search.html", include_str!("../../templates/search.html")),
    ("how-we-read-the-words.html", include_str!("../../templates/how-we-read-the-words.html")),
    ("atom.xml", include_str!("../../templates/atom.xml")),
    ("sitemap.xml", include_str!("../../templates/sitemap.xml")),
    ("card.svg", include_str!("../../templates/card.svg")),
    ("embed.html", include_str!("../../templates/embed.html")),
];

/// The built-in static files, by output path; a site's own file of the same
/// name replaces one. `extra.css` (empty) is every page's second stylesheet,
/// the place for a site's own rules on top of `style.css`.
pub const BUILTIN_STATIC: &[(&str, &str)] = &[
    ("style.css", include_str!("../../static/style.css")),
    ("extra.css", include_str!("../../static/extra.css")),
    ("favicon.svg", include_str!("../../static/favicon.svg")),
    ("search.js", include_str!("../../static/search.js")),
];

/// The built-in files a site is meant to replace; replacing any other is
/// warned about.
const REPLACEABLE: &[&str] = &["extra.css", "favicon.svg"];

/// A warning for each of the site's static files (`output path`, file to
/// read) that replaces a built-in one other than [`REPLACEABLE`] with
/// something else, saying how to add to it instead.
pub fn shadowed_builtins<'a>(statics: impl IntoIterator<Item = (&'a str, &'a Path)>) -> Vec<Diagnostic> {
    statics
        .into_iter()
        .filter_map(|(output, source)| {
            let (_, builtin) = BUILTIN_STATIC.iter().find(|(name, _)| *name == output)?;
            if REPLACEABLE.contains(&output) || std::fs::read(source).is_ok_and(|b| b == builtin.as_bytes()) {
                return None;
            }
            let shown = Path::new("static").join(output);
            Some(
                Diagnostic::file_error(&shown, format!("static/{output} replaces readout's whole built-in {output}"))
                    .with_help(
                        "to add rules on top of the built-in style, put them in static/extra.css (loaded after \
                         it) and remove this file; keep it only to replace the style entirely",
                    )
                    .warning(),
            )
        })
        .collect()
}

/// A template's text and the file it came from, for error messages.
struct Source {
    path: PathBuf,
    text: String,
}

/// The compiled templates and where each came from.
pub struct Templates {
    pub tera: tera::Tera,
    sources: BTreeMap<String, Source>,
    /// Per template, the templates its render can read (see [`Templates::uses`]).
    uses: BTreeMap<String, BTreeSet<String>>,
    /// [`Templates::digest`] of each template asked for, made once.
    digests: std::sync::Mutex<BTreeMap<String, Digest>>,
}

/// The SHA-256 of the text of every template a render reads (see [`Templates::digest`]).
pub type Digest = [u8; 32];

impl Templates {
    /// Compiles the built-in templates overridden by `site`.
    pub fn compile(site: &[TemplateFile]) -> Result<Templates, Vec<Diagnostic>> {
        let mut sources: BTreeMap<String, Source> = BUILTIN
            .iter()
            .map(|(name, text)| {
                (name.to_string(), Source { path: Path::new("(built-in)").join(name), text: text.to_string() })
            })
            .collect();
        for t in site {
            sources.insert(t.name.clone(), Source { path: t.path.clone(), text: t.text.clone() });
        }
        let mut errors = Vec::new();
        // Check each template alone first, so that every syntax error is reported.
        for (name, source) in &sources {
            let mut alone = tera::Tera::new();
            if let Err(e) = alone.add_raw_template(name, &source.text)
                && matches!(e.kind(), tera::ErrorKind::SyntaxError(_))
            {
                errors.push(diagnostic_of(&e, &sources, None));
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut tera = tera::Tera::new();
        tera.autoescape_on([".html", ".xml", ".svg"]);
        tera.add_raw_templates(sources.iter().map(|(n, s)| (n.as_str(), s.text.as_str())))
            .map_err(|e| vec![diagnostic_of(&e, &sources, None)])?;
        let uses = template_uses(&sources);
        Ok(Templates { tera, sources, uses, digests: Default::default() })
    }

    /// The templates that rendering `name` can read: itself, every
    /// template its text names in quotes (`extends`, `include`), and every
    /// template that defines a component (components can be called from
    /// any template), and so on through those.
    pub fn uses(&self, name: &str) -> impl Iterator<Item = &str> {
        self.uses.get(name).into_iter().flatten().map(String::as_str)
    }

    /// The SHA-256 of the names and texts of the templates that rendering
    /// `name` can read ([`Templates::uses`]): what a render of `name` makes
    /// depends on its context and this alone (readout's templates call no
    /// function that reads anything else).
    pub fn digest(&self, name: &str) -> Digest {
        use sha2::Digest as _;
        let mut made = self.digests.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(digest) = made.get(name) {
            return *digest;
        }
        let mut hash = sha2::Sha256::new();
        for used in self.uses(name) {
            let text = self.sources.get(used).map_or("", |s| s.text.as_str());
            for part in [used, text] {
                hash.update((part.len() as u64).to_le_bytes());
                hash.update(part.as_bytes());
            }
        }
        let digest: Digest = hash.finalize().into();
        made.insert(name.to_string(), digest);
        digest
    }

    /// The templates whose text differs from `before`'s, or `None` when
    /// the two do not have the same templates (one was added or removed).
    pub fn changed_since(&self, before: &Templates) -> Option<Vec<String>> {
        if !self.sources.keys().eq(before.sources.keys()) {
            return None;
        }
        let changed = self.sources.iter().zip(before.sources.values()).filter(|((_, a), b)| a.text != b.text);
        Some(changed.map(|((name, _), _)| name.clone()).collect())
    }

    /// A diagnostic for an error that happened while rendering `page`.
    pub fn render_error(&self, e: &tera::Error, page: &str) -> Diagnostic {
        diagnostic_of(e, &self.sources, Some(page))
    }
}

/// [`Templates::uses`] for every template.
fn template_uses(sources: &BTreeMap<String, Source>) -> BTreeMap<String, BTreeSet<String>> {
    let everywhere: Vec<&String> =
        sources.iter().filter(|(_, s)| defines_components(&s.text)).map(|(n, _)| n).collect();
    let direct: BTreeMap<&String, Vec<&String>> = sources
        .iter()
        .map(|(name, source)| {
            let named = sources.keys().filter(|n| names(&source.text, n));
            (name, named.chain(everywhere.iter().copied()).collect())
        })
        .collect();
    sources.keys().map(|name| (name.clone(), reachable(&direct, name))).collect()
}

/// Whether `text` names the template `name` in quotes (as `extends`,
/// `include` and `import` do).
fn names(text: &str, name: &str) -> bool {
    text.contains(&format!("\"{name}\"")) || text.contains(&format!("'{name}'"))
}

/// The tags that open a component's definition.
const COMPONENT_TAGS: [&str; 2] = ["{% component", "{%- component"];

/// Whether `text` defines a component (which any template can call).
fn defines_components(text: &str) -> bool {
    COMPONENT_TAGS.iter().any(|tag| text.contains(tag))
}

/// `start` and every template reachable from it through `direct`.
fn reachable(direct: &BTreeMap<&String, Vec<&String>>, start: &String) -> BTreeSet<String> {
    let mut seen = BTreeSet::from([start.clone()]);
    let mut todo = vec![start];
    while let Some(name) = todo.pop() {
        for next in direct.get(name).into_iter().flatten() {
            if seen.insert((*next).clone()) {
                todo.push(next);
            }
        }
    }
    seen
}

fn diagnostic_of(e: &tera::Error, sources: &BTreeMap<String, Source>, page: Option<&str>) -> Diagnostic {
    let context = page.map(|p| format!(" (while rendering /{p})")).unwrap_or_default();
    match e.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
            let source = sources.get(report.filename());
            let path = source.map_or_else(|| PathBuf::from("templates").join(report.filename()), |s| s.path.clone());
            let span = report.span();
            let pos = Position { line: span.start_line.max(1), col: span.start_col + 1 };
            let kind = if matches!(e.kind(), tera::ErrorKind::SyntaxError(_)) {
                "template syntax error"
            } else {
                "template error"
            };
            Diagnostic::error(
                &path,
                source.map(|s| s.text.as_str()),
                pos,
                format!("{kind}: {}{context}", report.message()),
            )
            .with_help(help_for(report.message()))
        }
        tera::ErrorKind::MissingParent { current, parent } => {
            let path =
                sources.get(current).map_or_else(|| PathBuf::from("templates").join(current), |s| s.path.clone());
            Diagnostic::file_error(
                &path,
                format!("template `{current}` extends `{parent}`, which does not exist{context}"),
            )
            .with_help("check the name in `{% extends %}`")
        }
        _ => {
            let mut message = e.to_string();
            let mut source = std::error::Error::source(e);
            while let Some(s) = source {
                message.push_str(&format!(": {s}"));
                source = s.source();
            }
            Diagnostic::file_error(Path::new("templates"), format!("{message}{context}"))
        }
    }
}

fn help_for(message: &str) -> String {
    if message.contains("not found in context") || message.contains("undefined") || message.contains("Undefined") {
        "the variables each template gets are listed in docs/templates.md; use `| default(value=…)` for optional ones"
            .into()
    } else {
        "see docs/templates.md for the template syntax and context".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_template_uses_what_it_extends_includes_and_every_component() {
        let t = Templates::compile(&[]).unwrap();
        let uses: Vec<&str> = t.uses("event.html").collect();
        assert_eq!(uses, ["base.html", "components.html", "event.html"]);
        let site = [
            TemplateFile {
                name: "event.html".into(),
                path: "templates/event.html".into(),
                text: "{% extends \"base.html\" %}{% block main %}{% include \"part.html\" %}{% endblock main %}"
                    .into(),
            },
            TemplateFile { name: "part.html".into(), path: "templates/part.html".into(), text: "x".into() },
        ];
        let t = Templates::compile(&site).unwrap();
        assert!(t.uses("event.html").any(|n| n == "part.html"));
        assert!(!t.uses("actor.html").any(|n| n == "part.html"));
    }

    #[test]
    fn every_template_in_the_repository_is_built_in() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let mut files: Vec<String> =
            std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        files.sort();
        let mut builtin: Vec<String> = BUILTIN.iter().map(|(n, _)| n.to_string()).collect();
        builtin.sort();
        assert_eq!(files, builtin);
    }
}
