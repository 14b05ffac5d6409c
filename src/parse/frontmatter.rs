//! Front matter: splitting a note into its metadata block and its body, and
//! reading TOML (`+++`) or YAML (`---`) metadata into [`Field`]s that keep
//! the line and column of every key and value in the file.
//!
//! Positions are always of the whole file, never of the block, so that an
//! error in line 3 of the front matter is reported at line 4 of the note.

use std::path::Path;

use serde_json::Value as Json;

use crate::diagnostic::{Diagnostic, Position};

/// Which language the front matter is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Toml,
    Yaml,
}

/// One `key = value` of the front matter.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub key: String,
    pub key_pos: Position,
    pub value: Value,
}

/// A front-matter value with where it stands in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    pub pos: Position,
    pub kind: ValueKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ValueKind {
    String(String),
    Integer(i64),
    Float(f64),
    Bool(bool),
    /// A TOML date or date-time literal, as written.
    Datetime(String),
    Array(Vec<Value>),
    Table(Vec<Field>),
    Null,
}

impl ValueKind {
    /// The name of the type, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            ValueKind::String(_) => "a string",
            ValueKind::Integer(_) => "an integer",
            ValueKind::Float(_) => "a number",
            ValueKind::Bool(_) => "a boolean",
            ValueKind::Datetime(_) => "a date",
            ValueKind::Array(_) => "a list",
            ValueKind::Table(_) => "a table",
            ValueKind::Null => "nothing",
        }
    }
}

/// A note split into front matter and body.
#[derive(Debug, Clone, PartialEq)]
pub struct FrontMatter {
    pub format: Option<Format>,
    /// Where the opening delimiter is (line 1 unless the file is empty).
    pub start: Position,
    pub fields: Vec<Field>,
    /// Byte offset of the body in the file.
    pub body_offset: usize,
}

/// Splits `text` into front matter and body and parses the front matter.
/// `path` is only used in diagnostics.
pub fn parse(path: &Path, text: &str) -> Result<FrontMatter, Vec<Diagnostic>> {
    let (format, delimiter) = if text.starts_with("+++") {
        (Format::Toml, "+++")
    } else if text.starts_with("---") {
        (Format::Yaml, "---")
    } else {
        return Ok(FrontMatter { format: None, start: Position::START, fields: Vec::new(), body_offset: 0 });
    };
    let first_line_end = text.find('\n').unwrap_or(text.len());
    if text[..first_line_end].trim_end() != delimiter {
        let err = Diagnostic::error(
            path,
            Some(text),
            Position::START,
            format!("the front matter must open with `{delimiter}` alone on the first line"),
        )
        .with_help(format!("put `{delimiter}` on a line of its own, then the fields, then `{delimiter}` again"));
        return Err(vec![err]);
    }
    let block_start = (first_line_end + 1).min(text.len());
    let mut offset = block_start;
    let mut close = None;
    for line in text[block_start..].split_inclusive('\n') {
        if line.trim_end() == delimiter {
            close = Some((offset, offset + line.len()));
            break;
        }
        offset += line.len();
    }
    let Some((block_end, body_offset)) = close else {
        let err = Diagnostic::error(path, Some(text), Position::START, "the front matter opened here is never closed")
            .with_help(format!("add a line with `{delimiter}` alone after the last field"));
        return Err(vec![err]);
    };
    let block = &text[block_start..block_end];
    let fields = match format {
        Format::Toml => toml_fields(path, text, block, block_start)?,
        Format::Yaml => yaml_fields(path, text, block, block_start)?,
    };
    Ok(FrontMatter { format: Some(format), start: Position::START, fields, body_offset })
}

/// Reads a whole TOML file (such as `site.toml`) into fields.
pub fn toml_document(path: &Path, text: &str) -> Result<Vec<Field>, Vec<Diagnostic>> {
    toml_fields(path, text, text, 0)
}

/// A TOML error on a `date = …` line whose value is not TOML: a date
/// written another way (`22/11/2025`, `2025-05`), which gets the date's
/// message rather than TOML's.
fn unquoted_date(path: &Path, text: &str, pos: Position) -> Option<Diagnostic> {
    let line = text.lines().nth(pos.line.checked_sub(1)?)?;
    let (key, value) = line.split_once('=')?;
    if key.trim() != "date" {
        return None;
    }
    let value = value.trim();
    let start = line.len() - line.split_once('=')?.1.trim_start().len();
    let pos = Position { line: pos.line, col: line[..start].chars().count() + 1 };
    let message = match crate::parse::fields::parse_approximate_date(value) {
        Ok(_) => format!("field `date`: write `{value}` in quotation marks, `\"{value}\"`"),
        Err(why) => format!("field `date`: `{value}` is not a valid date: {why}"),
    };
    Some(Diagnostic::error(path, Some(text), pos, message).with_help(crate::parse::fields::DATE_HELP))
}

fn toml_fields(path: &Path, text: &str, block: &str, base: usize) -> Result<Vec<Field>, Vec<Diagnostic>> {
    // Lines of the text up to the block's end: every field's position, one scan.
    let lines = crate::diagnostic::LineIndex::new(&text[..base + block.len()]);
    let at = |offset: usize| lines.position(base + offset);
    let table = toml::de::DeTable::parse(block).map_err(|e| {
        let pos = at(e.span().map_or(0, |s| s.start));
        if let Some(date) = unquoted_date(path, text, pos) {
            return vec![date];
        }
        let message = e.message().trim().trim_end_matches('.').to_string();
        vec![
            Diagnostic::error(path, Some(text), pos, format!("invalid TOML front matter: {message}"))
                .with_help("check the quoting and the `key = value` form of this line"),
        ]
    })?;
    let mut entries: Vec<_> = table.get_ref().iter().collect();
    entries.sort_by_key(|(k, _)| k.span().start);
    Ok(entries.into_iter().map(|(k, v)| toml_field(k, v, &at)).collect())
}

fn toml_field(
    key: &toml::Spanned<toml::de::DeString<'_>>,
    value: &toml::Spanned<toml::de::DeValue<'_>>,
    at: &impl Fn(usize) -> Position,
) -> Field {
    Field { key: key.get_ref().to_string(), key_pos: at(key.span().start), value: toml_value(value, at) }
}

fn toml_value(value: &toml::Spanned<toml::de::DeValue<'_>>, at: &impl Fn(usize) -> Position) -> Value {
    use toml::de::DeValue;
    let kind = match value.get_ref() {
        DeValue::String(s) => ValueKind::String(s.to_string()),
        DeValue::Integer(i) => match i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()) {
            Ok(n) => ValueKind::Integer(n),
            Err(_) => ValueKind::String(i.as_str().to_string()),
        },
        DeValue::Float(f) => ValueKind::Float(f.as_str().replace('_', "").parse().unwrap_or(f64::NAN)),
        DeValue::Boolean(b) => ValueKind::Bool(*b),
        DeValue::Datetime(d) => ValueKind::Datetime(d.to_string()),
        DeValue::Array(items) => ValueKind::Array(items.iter().map(|v| toml_value(v, at)).collect()),
        DeValue::Table(t) => {
            let mut entries: Vec<_> = t.iter().collect();
            entries.sort_by_key(|(k, _)| k.span().start);
            ValueKind::Table(entries.into_iter().map(|(k, v)| toml_field(k, v, at)).collect())
        }
    };
    Value { pos: at(value.span().start), kind }
}

fn yaml_fields(path: &Path, text: &str, block: &str, base: usize) -> Result<Vec<Field>, Vec<Diagnostic>> {
    let block_line = Position::of_offset(text, base).line;
    if block.trim().is_empty() {
        return Ok(Vec::new());
    }
    type Entries = Vec<(String, serde_saphyr::Spanned<Json>)>;
    let map: std::collections::BTreeMap<String, serde_saphyr::Spanned<Json>> =
        serde_saphyr::from_str(block).map_err(|e| {
            let pos = e
                .location()
                .map(|l| Position { line: block_line + l.line() as usize - 1, col: l.column() as usize })
                .unwrap_or(Position { line: block_line, col: 1 });
            let message = e.to_string();
            let message = message.lines().next().unwrap_or("").trim().to_string();
            vec![
                Diagnostic::error(path, Some(text), pos, format!("invalid YAML front matter: {message}"))
                    .with_help("write each field as `key: value` starting at the beginning of its line"),
            ]
        })?;
    let mut entries: Entries = map.into_iter().collect();
    let lines: Vec<&str> = block.lines().collect();
    let mut fields: Vec<Field> = entries
        .drain(..)
        .map(|(key, spanned)| {
            let line = (spanned.referenced.line() as usize).max(1);
            let pos = Position { line: block_line + line - 1, col: spanned.referenced.column() as usize };
            // The key stands on the value's line or, for block values, above it.
            let key_line = (0..line.min(lines.len()))
                .rev()
                .find(|&i| yaml_key_of(lines[i]) == Some(key.as_str()))
                .unwrap_or(line - 1);
            let key_pos = Position { line: block_line + key_line, col: 1 };
            Field { key, key_pos, value: json_value(spanned.value, pos) }
        })
        .collect();
    fields.sort_by_key(|f| f.key_pos);
    Ok(fields)
}

fn yaml_key_of(line: &str) -> Option<&str> {
    let (key, _) = line.split_once(':')?;
    let key = key.trim_end();
    (!key.is_empty() && !key.starts_with([' ', '-', '#'])).then(|| key.trim_matches(['"', '\'']))
}

fn json_value(json: Json, pos: Position) -> Value {
    let kind = match json {
        Json::Null => ValueKind::Null,
        Json::Bool(b) => ValueKind::Bool(b),
        Json::Number(n) => match n.as_i64() {
            Some(i) => ValueKind::Integer(i),
            None => ValueKind::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Json::String(s) => ValueKind::String(s),
        Json::Array(items) => ValueKind::Array(items.into_iter().map(|v| json_value(v, pos)).collect()),
        Json::Object(map) => ValueKind::Table(
            map.into_iter().map(|(key, v)| Field { key, key_pos: pos, value: json_value(v, pos) }).collect(),
        ),
    };
    Value { pos, kind }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> FrontMatter {
        parse(Path::new("x.md"), text).expect("parses")
    }

    #[test]
    fn toml_positions_are_lines_of_the_file() {
        let fm = parse_ok("+++\ntitle = \"A\"\n\nspeaker = \"b\"\n+++\nBody");
        assert_eq!(fm.format, Some(Format::Toml));
        assert_eq!(fm.fields[0].key, "title");
        assert_eq!(fm.fields[0].key_pos, Position { line: 2, col: 1 });
        assert_eq!(fm.fields[1].key_pos, Position { line: 4, col: 1 });
        assert_eq!(fm.fields[1].value.pos, Position { line: 4, col: 11 });
        assert_eq!(&"+++\ntitle = \"A\"\n\nspeaker = \"b\"\n+++\nBody"[fm.body_offset..], "Body");
    }

    #[test]
    fn toml_dates_and_tables() {
        let fm = parse_ok("+++\ndate = 2025-04-30\n[[points]]\ntopic = \"T\"\n+++\n");
        assert_eq!(fm.fields[0].value.kind, ValueKind::Datetime("2025-04-30".into()));
        let ValueKind::Array(points) = &fm.fields[1].value.kind else { panic!() };
        let ValueKind::Table(fields) = &points[0].kind else { panic!() };
        assert_eq!(fields[0].key_pos, Position { line: 4, col: 1 });
    }

    #[test]
    fn toml_error_points_into_the_file() {
        let errs = parse(Path::new("x.md"), "+++\ntitle = \"A\"\nspeaker = \n+++\n").unwrap_err();
        assert_eq!(errs[0].pos.unwrap().line, 3);
    }

    #[test]
    fn yaml_positions_are_lines_of_the_file() {
        let fm = parse_ok("---\ntitle: A\nabout:\n  - b\n  - c\n---\nBody");
        assert_eq!(fm.format, Some(Format::Yaml));
        assert_eq!(fm.fields[0].key, "title");
        assert_eq!(fm.fields[0].key_pos.line, 2);
        assert_eq!(fm.fields[1].key, "about");
        assert_eq!(fm.fields[1].key_pos.line, 3);
    }

    #[test]
    fn yaml_error_points_into_the_file() {
        let errs = parse(Path::new("x.md"), "---\ntitle: A\nbad: [1, 2\n---\n").unwrap_err();
        assert!(errs[0].pos.unwrap().line >= 3, "{:?}", errs[0]);
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        let errs = parse(Path::new("x.md"), "+++\ntitle = \"A\"\n").unwrap_err();
        assert!(errs[0].message.contains("never closed"));
    }

    #[test]
    fn no_front_matter_is_all_body() {
        let fm = parse_ok("Just text");
        assert_eq!(fm.format, None);
        assert_eq!(fm.body_offset, 0);
    }
}
