//! Configuration: the site's own settings from `site.toml`, and the options
//! of one build (where from, where to, drafts or not, live reload or not).

use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Position};
use crate::parse::fields::FieldReader;
use crate::parse::frontmatter::{self, ValueKind};

/// A usage error (exit code 2) when `root` has no `site.toml`: the folder
/// is not a site, so nothing in it is checked.
pub fn missing_site_toml(root: &Path) -> Option<crate::BuildError> {
    let path = root.join("site.toml");
    (!path.exists()).then(|| crate::BuildError::Io {
        path,
        error: std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "no site.toml here, so this is not a readout site: run readout in the site's folder, \
             pass --root DIR, or create site.toml with `title = \"…\"`",
        ),
    })
}

/// What to do when a quotation is not found in its source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QuotationCheck {
    /// Report it and fail the build (the default: what a site puts in
    /// quotation marks must have been said).
    #[default]
    Error,
    /// Report it and go on.
    Warn,
    /// Do not check.
    Off,
}

/// A theme of the "who said what" matrix: a name and the words that show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    pub name: String,
    pub terms: Vec<String>,
}

/// `[wording]` in `site.toml`: the site's own words and phrases to keep
/// among a comparison's terms, or to drop from them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WordingRules {
    pub keep: Vec<String>,
    pub drop: Vec<String>,
}

/// `site.toml`.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteConfig {
    pub title: String,
    pub description: String,
    /// Always ends with `/`.
    pub base_url: String,
    pub language: String,
    pub output_dir: Option<PathBuf>,
    pub themes: Vec<Theme>,
    pub quotations: QuotationCheck,
    /// How many statements the Atom feed holds, newest first; 0 for all.
    pub feed_limit: usize,
    /// Write a `.gz` and a `.br` beside each text file of the output.
    pub compress: bool,
    /// `[wording]`: the site's own terms to keep or drop in comparisons.
    pub wording: WordingRules,
    /// Write the search index and put a search box in every page (`search = false` leaves both out).
    pub search: bool,
    /// `social_cards`: which pages get a card for sharing (all unless set).
    pub social_cards: crate::cards::CardKinds,
    /// `card_cache`: the folder cards are kept in, relative to the site's
    /// folder (`.readout-cache/cards` unless set).
    pub card_cache: Option<PathBuf>,
}

/// The feed's length unless `feed_limit` says otherwise: what a reader
/// catches up on, not the whole archive.
pub const FEED_LIMIT: usize = 50;

impl Default for SiteConfig {
    fn default() -> Self {
        SiteConfig {
            title: "Explainer".into(),
            description: String::new(),
            base_url: "/".into(),
            language: "en".into(),
            output_dir: None,
            themes: Vec::new(),
            quotations: QuotationCheck::default(),
            feed_limit: FEED_LIMIT,
            compress: false,
            wording: WordingRules::default(),
            search: true,
            social_cards: crate::cards::CardKinds::default(),
            card_cache: None,
        }
    }
}

/// Every setting `site.toml` may hold.
pub const SITE_FIELDS: &[&str] = &[
    "title",
    "description",
    "base_url",
    "language",
    "output_dir",
    "themes",
    "quotations",
    "feed_limit",
    "compress",
    "wording",
    "search",
    "social_cards",
    "card_cache",
];

impl SiteConfig {
    /// Reads `site.toml` from its text; `path` names it in diagnostics.
    pub fn parse(path: &Path, text: &str) -> Result<SiteConfig, Vec<Diagnostic>> {
        let fields = frontmatter::toml_document(path, text)?;
        let mut r = FieldReader::new(path, text, &fields, Position::START, SITE_FIELDS);
        let defaults = SiteConfig::default();
        let title = r.required_string("title").map(|s| s.value);
        let description = r.string("description").map_or(defaults.description, |s| s.value);
        let base_url = r.string("base_url").map_or(defaults.base_url, |s| normalize_base_url(&s.value));
        let language = r.string("language").map_or(defaults.language, |s| s.value);
        let output_dir = r.string("output_dir").map(|s| PathBuf::from(s.value));
        let feed_limit = r.count("feed_limit").unwrap_or(defaults.feed_limit);
        let compress = r.bool("compress");
        let search = r.bool_or("search", true);
        let quotations = match r.string("quotations") {
            None => QuotationCheck::default(),
            Some(s) => match s.value.as_str() {
                "error" => QuotationCheck::Error,
                "warn" => QuotationCheck::Warn,
                "off" => QuotationCheck::Off,
                other => {
                    r.errors.push(
                        Diagnostic::error(
                            path,
                            Some(text),
                            s.pos,
                            format!("`quotations` must be \"error\", \"warn\" or \"off\", not `{other}`"),
                        )
                        .with_help(
                            "use \"error\" to fail the build when a quotation is not word for word from its source",
                        ),
                    );
                    QuotationCheck::default()
                }
            },
        };
        let themes = fields
            .iter()
            .find(|f| f.key == "themes")
            .map_or_else(Vec::new, |f| read_themes(path, text, &f.value, &mut r.errors));
        let wording = fields
            .iter()
            .find(|f| f.key == "wording")
            .map_or_else(WordingRules::default, |f| read_wording(path, text, &f.value, &mut r.errors));
        let social_cards = fields
            .iter()
            .find(|f| f.key == "social_cards")
            .map_or_else(Default::default, |f| read_social_cards(path, text, &f.value, &mut r.errors));
        let card_cache = r.string("card_cache").map(|s| PathBuf::from(s.value));
        let errors = std::mem::take(&mut r.errors);
        match title {
            Some(title) if errors.is_empty() => Ok(SiteConfig {
                title,
                description,
                base_url,
                language,
                output_dir,
                themes,
                quotations,
                feed_limit,
                compress,
                wording,
                search,
                social_cards,
                card_cache,
            }),
            _ => Err(errors),
        }
    }
}

/// `social_cards`: `true` or `false`, or a list of the kinds of pages
/// that get a card.
fn read_social_cards(
    path: &Path,
    text: &str,
    value: &frontmatter::Value,
    errors: &mut Vec<Diagnostic>,
) -> crate::cards::CardKinds {
    use crate::cards::{CardKinds, KIND_NAMES};
    let help = "write `social_cards = false` for none, or list the kinds: `social_cards = [\"comparison\", \"statement\"]` \
                (comparison, statement, actor, home)";
    let mut error =
        |pos, message: String| errors.push(Diagnostic::error(path, Some(text), pos, message).with_help(help));
    match &value.kind {
        ValueKind::Bool(on) => CardKinds::all(*on),
        ValueKind::Array(items) => {
            let mut names = Vec::new();
            for item in items {
                match &item.kind {
                    ValueKind::String(s) if KIND_NAMES.contains(&s.as_str()) => names.push(s.as_str()),
                    ValueKind::String(s) => {
                        let hint = crate::diagnostic::closest(s, KIND_NAMES)
                            .map_or_else(String::new, |k| format!(" (did you mean \"{k}\"?)"));
                        error(item.pos, format!("`social_cards` has no kind of page `{s}`{hint}"));
                    }
                    other => {
                        error(item.pos, format!("`social_cards` lists kinds of pages, not a {}", other.type_name()))
                    }
                }
            }
            CardKinds::named(names)
        }
        other => {
            error(value.pos, format!("`social_cards` must be true, false or a list, not a {}", other.type_name()));
            CardKinds::default()
        }
    }
}

/// `[themes]`: each theme's name and its list of words.
fn read_themes(path: &Path, text: &str, value: &frontmatter::Value, errors: &mut Vec<Diagnostic>) -> Vec<Theme> {
    let ValueKind::Table(entries) = &value.kind else {
        errors.push(
            Diagnostic::error(path, Some(text), value.pos, "`themes` must be a table")
                .with_help("write `[themes]` on a line, then one `name = [\"word\", …]` per theme"),
        );
        return Vec::new();
    };
    let mut themes = Vec::new();
    for entry in entries {
        let terms = match &entry.value.kind {
            ValueKind::Array(items) => items
                .iter()
                .filter_map(|i| match &i.kind {
                    ValueKind::String(s) => Some(s.clone()),
                    _ => None,
                })
                .collect::<Vec<_>>(),
            _ => Vec::new(),
        };
        if terms.is_empty() {
            errors.push(
                Diagnostic::error(
                    path,
                    Some(text),
                    entry.value.pos,
                    format!("theme `{}` needs a list of words", entry.key),
                )
                .with_help(format!("write it as `{} = [\"word\", \"other words\"]`", entry.key)),
            );
        }
        themes.push(Theme { name: entry.key.clone(), terms });
    }
    themes
}

/// `[wording]`: `keep` and `drop`, each a list of words or phrases.
fn read_wording(path: &Path, text: &str, value: &frontmatter::Value, errors: &mut Vec<Diagnostic>) -> WordingRules {
    let mut rules = WordingRules::default();
    let ValueKind::Table(entries) = &value.kind else {
        errors.push(
            Diagnostic::error(path, Some(text), value.pos, "`wording` must be a table")
                .with_help("write `[wording]` on a line, then `keep = [\"word\", …]` and `drop = [\"word\", …]`"),
        );
        return rules;
    };
    for entry in entries {
        let list = match entry.key.as_str() {
            "keep" => &mut rules.keep,
            "drop" => &mut rules.drop,
            other => {
                let hint = crate::diagnostic::closest(other, ["keep", "drop"])
                    .map_or("`[wording]` takes `keep` and `drop`".to_string(), |s| format!("did you mean `{s}`?"));
                errors.push(
                    Diagnostic::error(path, Some(text), entry.key_pos, format!("unknown setting `wording.{other}`"))
                        .with_help(hint),
                );
                continue;
            }
        };
        let items = match &entry.value.kind {
            ValueKind::Array(items) => items.as_slice(),
            _ => std::slice::from_ref(&entry.value),
        };
        for item in items {
            match &item.kind {
                ValueKind::String(s) if !s.trim().is_empty() => list.push(s.trim().to_string()),
                _ => errors.push(
                    Diagnostic::error(
                        path,
                        Some(text),
                        item.pos,
                        format!("`wording.{}` must be a list of words or phrases in quotation marks", entry.key),
                    )
                    .with_help(format!("write it as `{} = [\"word\", \"a phrase\"]`", entry.key)),
                ),
            }
        }
    }
    rules
}

/// Makes sure the base URL ends with exactly one `/`.
pub fn normalize_base_url(url: &str) -> String {
    format!("{}/", url.trim().trim_end_matches('/'))
}

/// How one build runs.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The site folder (holding `site.toml`, `content/`, …).
    pub root: PathBuf,
    /// Where to write; `None` means `output_dir` from `site.toml`, or `public/`.
    pub output: Option<PathBuf>,
    /// Overrides `base_url` from `site.toml`.
    pub base_url: Option<String>,
    /// Include notes marked `draft = true`.
    pub drafts: bool,
    /// A script to put at the end of every HTML page (live reload in `serve`).
    pub live_reload: Option<String>,
    /// Leave the search index to be made after the pages (`serve`: a
    /// reload never waits for it); `Rebuilt::update.search` has its records.
    pub defer_search: bool,
}

impl BuildOptions {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        BuildOptions { root: root.into(), ..BuildOptions::default() }
    }

    /// The output folder for this site.
    pub fn output_dir(&self, config: &SiteConfig) -> PathBuf {
        match (&self.output, &config.output_dir) {
            (Some(out), _) => out.clone(),
            (None, Some(dir)) => self.root.join(dir),
            (None, None) => self.root.join("public"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_themes_in_order() {
        let text = "title = \"T\"\nbase_url = \"https://example.org/x\"\n[themes]\nterrorism = [\"terror\"]\nde-escalation = [\"de-escalate\", \"ease tensions\"]\n";
        let config = SiteConfig::parse(Path::new("site.toml"), text).unwrap();
        assert_eq!(config.base_url, "https://example.org/x/");
        assert_eq!(config.themes[0].name, "terrorism");
        assert_eq!(config.themes[1].terms, ["de-escalate", "ease tensions"]);
    }

    #[test]
    fn unknown_setting_is_an_error_with_suggestion() {
        let errs = SiteConfig::parse(Path::new("site.toml"), "title = \"T\"\nbaseurl = \"/\"\n").unwrap_err();
        assert_eq!(errs[0].pos.unwrap().line, 2);
        assert_eq!(errs[0].help.as_deref(), Some("did you mean `base_url`?"));
    }

    #[test]
    fn reads_the_wording_to_keep_and_to_drop() {
        let text = "title = \"T\"\n[wording]\nkeep = [\"brought to justice\"]\ndrop = [\"Pakistan\", \"peace\"]\n";
        let config = SiteConfig::parse(Path::new("site.toml"), text).unwrap();
        assert_eq!(config.wording.keep, ["brought to justice"]);
        assert_eq!(config.wording.drop, ["Pakistan", "peace"]);
    }

    #[test]
    fn bad_wording_names_the_line_and_the_fix() {
        let errs =
            SiteConfig::parse(Path::new("site.toml"), "title = \"T\"\n[wording]\nkeeps = [\"x\"]\n").unwrap_err();
        assert_eq!(errs[0].pos.unwrap().line, 3);
        assert_eq!(errs[0].help.as_deref(), Some("did you mean `keep`?"));
        let errs =
            SiteConfig::parse(Path::new("site.toml"), "title = \"T\"\n[wording]\ndrop = [\"x\", 3]\n").unwrap_err();
        assert_eq!((errs[0].pos.unwrap().line, errs[0].pos.unwrap().col), (3, 14));
        assert!(errs[0].message.contains("`wording.drop` must be a list"), "{}", errs[0].message);
    }
}
