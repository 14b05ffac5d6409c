//! Diagnostics: errors and warnings that point at a place in a file.
//!
//! Every problem readout finds in a site is a [`Diagnostic`] carrying the
//! file it came from, a 1-based line and column, a message, and optionally a
//! hint on how to fix it. A build collects all of them into [`Diagnostics`]
//! and reports them together, in the `path:line:col: error: message` form
//! that editors and terminals turn into links.

use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Stops the build.
    Error,
    /// Printed, but the build goes on.
    Warning,
}

/// A 1-based line and column in a file (columns count characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Position {
    pub line: usize,
    pub col: usize,
}

impl Position {
    pub const START: Position = Position { line: 1, col: 1 };

    /// The position of byte `offset` in `text`.
    pub fn of_offset(text: &str, offset: usize) -> Position {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = before[line_start..].chars().count() + 1;
        Position { line, col }
    }
}

/// Line starts of a text, for turning many byte offsets into positions
/// without rescanning the text each time (columns on ASCII lines cost
/// nothing, so a one-line note with 100,000 links stays linear).
#[derive(Debug, Clone)]
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
    ascii: Vec<bool>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let starts: Vec<usize> = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        let ascii = starts
            .iter()
            .enumerate()
            .map(|(i, &start)| text[start..starts.get(i + 1).copied().unwrap_or(text.len())].is_ascii())
            .collect();
        LineIndex { text, starts, ascii }
    }

    pub fn position(&self, offset: usize) -> Position {
        let offset = floor_char_boundary(self.text, offset.min(self.text.len()));
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        let col = if self.ascii[line - 1] { offset - start } else { self.text[start..offset].chars().count() };
        Position { line, col: col + 1 }
    }
}

impl LineIndex<'_> {
    /// The byte offset of `pos` (the end of its line when the column is past it).
    pub fn offset(&self, pos: Position) -> usize {
        let Some(&start) = self.starts.get(pos.line.saturating_sub(1)) else {
            return self.text.len();
        };
        let line_end = self.text[start..].find('\n').map_or(self.text.len(), |i| start + i);
        let line = &self.text[start..line_end];
        start + line.char_indices().nth(pos.col.saturating_sub(1)).map_or(line.len(), |(i, _)| i)
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// One problem found in a site, tied to a place in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The file, relative to the site root where possible.
    pub path: PathBuf,
    pub pos: Option<Position>,
    pub message: String,
    /// How to fix it, when readout can tell.
    pub help: Option<String>,
    /// The offending line of the file, shown under the message with a caret.
    pub source_line: Option<String>,
}

impl Diagnostic {
    /// An error at `pos` in `path`; `text` is the file's text, used to show the line.
    pub fn error(path: &Path, text: Option<&str>, pos: Position, message: impl Into<String>) -> Self {
        let source_line = text.and_then(|t| t.lines().nth(pos.line.saturating_sub(1))).map(str::to_owned);
        Diagnostic {
            severity: Severity::Error,
            path: path.to_path_buf(),
            pos: Some(pos),
            message: message.into(),
            help: None,
            source_line,
        }
    }

    /// An error about a whole file; it points at the file's start.
    pub fn file_error(path: &Path, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            path: path.to_path_buf(),
            pos: Some(Position::START),
            message: message.into(),
            help: None,
            source_line: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `path:line:col`, or `path` when there is no position.
    pub fn location(&self) -> String {
        match self.pos {
            Some(p) => format!("{}:{}:{}", self.path.display(), p.line, p.col),
            None => self.path.display().to_string(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{}: {label}: {}", self.location(), self.message)?;
        if let (Some(line), Some(pos)) = (&self.source_line, self.pos) {
            let number = pos.line.to_string();
            let pad = " ".repeat(number.len());
            let line = line.trim_end_matches('\r');
            let caret_pad: String =
                line.chars().take(pos.col.saturating_sub(1)).map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
            write!(f, "\n{pad} |\n{number} | {line}\n{pad} | {caret_pad}^")?;
        }
        if let Some(help) = &self.help {
            write!(f, "\n  = help: {help}")?;
        }
        Ok(())
    }
}

/// All the diagnostics of one build, in a stable order.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(other);
    }

    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| d.is_error()).count()
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Sorts by file, then position, then message, and drops exact repeats.
    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| (&a.path, a.pos, &a.message, a.severity).cmp(&(&b.path, b.pos, &b.message, b.severity)));
        self.0.dedup();
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}\n")?;
        }
        let errors = self.error_count();
        let warnings = self.0.len() - errors;
        match (errors, warnings) {
            (0, w) => write!(f, "{w} warning{}", plural(w)),
            (e, 0) => write!(f, "{e} error{}", plural(e)),
            (e, w) => write!(f, "{e} error{}, {w} warning{}", plural(e), plural(w)),
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The closest of `candidates` to `word`, if any is close enough to suggest.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let candidates: Vec<&'a str> = candidates.into_iter().collect();
    candidates
        .iter()
        .map(|&c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
        .or_else(|| containing(word, &candidates))
}

/// The candidate that holds `word` whole, or that `word` holds, between
/// `-`s (`trade-minister` and `visiting-trade-minister`): the one nearest
/// in length, then the first in order.
fn containing<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    fn holds(outer: &str, inner: &str) -> bool {
        inner.len() >= 3
            && outer.match_indices(inner).any(|(at, _)| {
                let end = at + inner.len();
                (at == 0 || outer[..at].ends_with('-')) && (end == outer.len() || outer[end..].starts_with('-'))
            })
    }
    candidates
        .iter()
        .filter(|&&c| c != word && (holds(c, word) || holds(word, c)))
        .min_by_key(|&&c| (c.len().abs_diff(word.len()), c))
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slug_inside_another_is_suggested() {
        let slugs = ["visiting-trade-minister", "marco-rubio", "india"];
        assert_eq!(closest("trade-minister", slugs), Some("visiting-trade-minister"));
        assert_eq!(closest("rubio", slugs), Some("marco-rubio"));
        assert_eq!(closest("india-mea", slugs), Some("india"));
        assert_eq!(closest("ade-min", slugs), None, "only whole parts between `-`s");
        assert_eq!(closest("pakistan", slugs), None);
    }

    #[test]
    fn position_counts_lines_and_chars() {
        let text = "ab\ncdé\nfg";
        assert_eq!(Position::of_offset(text, 0), Position { line: 1, col: 1 });
        assert_eq!(Position::of_offset(text, 3), Position { line: 2, col: 1 });
        assert_eq!(Position::of_offset(text, 7), Position { line: 2, col: 4 });
        assert_eq!(Position::of_offset(text, 8), Position { line: 3, col: 1 });
    }

    #[test]
    fn line_index_agrees_with_of_offset() {
        let text = "ab\ncdé\n\nfg";
        let index = LineIndex::new(text);
        for offset in 0..=text.len() {
            assert_eq!(index.position(offset), Position::of_offset(text, offset), "offset {offset}");
        }
    }

    #[test]
    fn column_numbers_on_a_very_long_line_count_characters() {
        // Regression: columns were counted from the line start for every
        // position, quadratic on a one-line note with many links.
        let ascii = "x".repeat(100_000);
        let index = LineIndex::new(&ascii);
        assert_eq!(index.position(99_999), Position { line: 1, col: 100_000 });
        let wide = format!("é{}", "x".repeat(10));
        assert_eq!(LineIndex::new(&wide).position(3), Position { line: 1, col: 3 });
    }

    #[test]
    fn display_shows_line_and_caret() {
        let d =
            Diagnostic::error(Path::new("content/a.md"), Some("one\ntwo words\n"), Position { line: 2, col: 5 }, "bad")
                .with_help("fix it");
        let s = d.to_string();
        assert!(s.starts_with("content/a.md:2:5: error: bad"), "{s}");
        assert!(s.contains("2 | two words\n  |     ^"), "{s}");
        assert!(s.contains("help: fix it"));
    }

    #[test]
    fn closest_suggests_near_names_only() {
        assert_eq!(closest("marco-rubo", ["marco-rubio", "s-jaishankar"]), Some("marco-rubio"));
        assert_eq!(closest("zzz", ["marco-rubio"]), None);
    }
}
