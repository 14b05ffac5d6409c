//! Typed reading of front-matter fields, with one diagnostic per problem:
//! unknown fields (with a did-you-mean), missing required fields, values of
//! the wrong type, bad dates, slugs and choices.

use std::path::Path;

use jiff::civil::Date;

use crate::diagnostic::{Diagnostic, Position, closest};
use crate::note::{DatePrecision, SlugRef, Spanned};
use crate::parse::frontmatter::{Field, Value, ValueKind};
use crate::parse::slug::check_slug_syntax;

/// Reads the fields of one table (the front matter, or one `[[points]]`
/// entry), collecting every problem into `errors`.
pub struct FieldReader<'a> {
    path: &'a Path,
    text: &'a str,
    fields: &'a [Field],
    /// Where to point when a required field is missing.
    anchor: Position,
    pub errors: Vec<Diagnostic>,
}

impl<'a> FieldReader<'a> {
    /// A reader over `fields`, which may only use the names in `known`.
    pub fn new(path: &'a Path, text: &'a str, fields: &'a [Field], anchor: Position, known: &[&str]) -> Self {
        let mut reader = FieldReader { path, text, fields, anchor, errors: Vec::new() };
        for field in fields {
            if !known.contains(&field.key.as_str()) {
                let mut err = reader.error(field.key_pos, format!("unknown field `{}`", field.key));
                err = match closest(&field.key, known.iter().copied()) {
                    Some(near) => err.with_help(format!("did you mean `{near}`?")),
                    None => err.with_help(format!("the fields here are: {}", known.join(", "))),
                };
                reader.errors.push(err);
            }
        }
        reader
    }

    fn error(&self, pos: Position, message: String) -> Diagnostic {
        Diagnostic::error(self.path, Some(self.text), pos, message)
    }

    fn get(&self, name: &str) -> Option<&'a Field> {
        self.fields.iter().find(|f| f.key == name)
    }

    fn missing(&mut self, name: &str, example: &str) {
        let err = self
            .error(self.anchor, format!("missing required field `{name}`"))
            .with_help(format!("add `{name} = {example}` to the front matter"));
        self.errors.push(err);
    }

    fn wrong_type(&mut self, name: &str, value: &Value, expected: &str) {
        let err = self.error(value.pos, format!("field `{name}` must be {expected}, not {}", value.kind.type_name()));
        self.errors.push(err);
    }

    /// An optional string; an empty one counts as not set.
    pub fn string(&mut self, name: &str) -> Option<Spanned<String>> {
        self.raw_string(name).filter(|s| !s.value.trim().is_empty())
    }

    fn raw_string(&mut self, name: &str) -> Option<Spanned<String>> {
        let field = self.get(name)?;
        match &field.value.kind {
            ValueKind::String(s) => Some(Spanned { value: s.clone(), pos: field.value.pos }),
            _ => {
                self.wrong_type(name, &field.value, "a string");
                None
            }
        }
    }

    /// A required string; missing or empty is an error.
    pub fn required_string(&mut self, name: &str) -> Option<Spanned<String>> {
        match self.raw_string(name) {
            Some(s) if s.value.trim().is_empty() => {
                let err = self.error(s.pos, format!("field `{name}` is empty"));
                self.errors.push(err);
                None
            }
            Some(s) => Some(s),
            None if self.get(name).is_none() => {
                self.missing(name, "\"…\"");
                None
            }
            None => None,
        }
    }

    pub fn bool(&mut self, name: &str) -> bool {
        let Some(field) = self.get(name) else {
            return false;
        };
        match field.value.kind {
            ValueKind::Bool(b) => b,
            _ => {
                self.wrong_type(name, &field.value, "`true` or `false`");
                false
            }
        }
    }

    /// A `true` or `false`, `default` when the field is absent.
    pub fn bool_or(&mut self, name: &str, default: bool) -> bool {
        if self.get(name).is_none() {
            return default;
        }
        self.bool(name)
    }

    /// A whole number of at least 0.
    pub fn count(&mut self, name: &str) -> Option<usize> {
        let field = self.get(name)?;
        match field.value.kind {
            ValueKind::Integer(n) if n >= 0 => usize::try_from(n).ok(),
            _ => {
                self.wrong_type(name, &field.value, "a whole number, 0 or more");
                None
            }
        }
    }

    /// A `YYYY-MM-DD` date, written as a TOML date or a string.
    pub fn date(&mut self, name: &str, required: bool) -> Option<Spanned<Date>> {
        let Some(field) = self.get(name) else {
            if required {
                self.missing(name, "2025-04-30");
            }
            return None;
        };
        let written = match &field.value.kind {
            ValueKind::String(s) | ValueKind::Datetime(s) => s.as_str(),
            _ => {
                self.wrong_type(name, &field.value, "a date such as 2025-04-30");
                return None;
            }
        };
        match parse_date(written) {
            Ok(date) => Some(Spanned { value: date, pos: field.value.pos }),
            Err(why) => {
                let err = self
                    .error(field.value.pos, format!("field `{name}`: `{written}` is not a valid date: {why}"))
                    .with_help(DATE_HELP);
                self.errors.push(err);
                None
            }
        }
    }

    /// A date that may be approximate: `YYYY-MM-DD`, a month `YYYY-MM` (a
    /// string) or a year (`2025` or `"2025"`), with how much of it is known.
    pub fn approximate_date(&mut self, name: &str, required: bool) -> Option<(Spanned<Date>, DatePrecision)> {
        let Some(field) = self.get(name) else {
            if required {
                self.missing(name, "2025-04-30");
            }
            return None;
        };
        let year;
        let written = match &field.value.kind {
            ValueKind::String(s) | ValueKind::Datetime(s) => s.as_str(),
            ValueKind::Integer(n) => {
                year = n.to_string();
                year.as_str()
            }
            _ => {
                self.wrong_type(name, &field.value, "a date such as 2025-04-30");
                return None;
            }
        };
        match parse_approximate_date(written) {
            Ok((date, precision)) => Some((Spanned { value: date, pos: field.value.pos }, precision)),
            Err(why) => {
                let err = self
                    .error(field.value.pos, format!("field `{name}`: `{written}` is not a valid date: {why}"))
                    .with_help(DATE_HELP);
                self.errors.push(err);
                None
            }
        }
    }

    /// One of `choices`, required.
    pub fn choice(&mut self, name: &str, choices: &[&str]) -> Option<Spanned<String>> {
        let value = self.required_string(name)?;
        if choices.contains(&value.value.as_str()) {
            return Some(value);
        }
        let mut err = self
            .error(value.pos, format!("field `{name}` must be one of {}, not `{}`", choices.join(", "), value.value));
        if let Some(near) = closest(&value.value, choices.iter().copied()) {
            err = err.with_help(format!("did you mean `{near}`?"));
        }
        self.errors.push(err);
        None
    }

    /// An optional slug reference.
    pub fn slug(&mut self, name: &str) -> Option<SlugRef> {
        let value = self.string(name)?;
        self.checked_slug(name, value)
    }

    /// A required slug reference.
    pub fn required_slug(&mut self, name: &str) -> Option<SlugRef> {
        let value = self.required_string(name)?;
        self.checked_slug(name, value)
    }

    fn checked_slug(&mut self, name: &str, value: Spanned<String>) -> Option<SlugRef> {
        match check_slug_syntax(&value.value) {
            Ok(()) => Some(value),
            Err(suggestion) => {
                let err = self
                    .error(value.pos, format!("field `{name}`: `{}` is not a valid slug", value.value))
                    .with_help(format!("slugs are lowercase letters, digits and `-`; did you mean `{suggestion}`?"));
                self.errors.push(err);
                None
            }
        }
    }

    /// A list of strings; a single string counts as a list of one.
    pub fn string_list(&mut self, name: &str) -> Vec<Spanned<String>> {
        let Some(field) = self.get(name) else {
            return Vec::new();
        };
        match &field.value.kind {
            ValueKind::String(s) => vec![Spanned { value: s.clone(), pos: field.value.pos }],
            ValueKind::Array(items) => {
                let mut out = Vec::new();
                for item in items {
                    match &item.kind {
                        ValueKind::String(s) => out.push(Spanned { value: s.clone(), pos: item.pos }),
                        _ => self.wrong_type(&format!("{name}[]"), item, "a string"),
                    }
                }
                out
            }
            _ => {
                self.wrong_type(name, &field.value, "a list of strings");
                Vec::new()
            }
        }
    }

    /// A list of slug references.
    pub fn slug_list(&mut self, name: &str) -> Vec<SlugRef> {
        self.string_list(name).into_iter().filter_map(|s| self.checked_slug(name, s)).collect()
    }

    /// A list of tables (`[[points]]`), each read by `read`.
    pub fn tables<T>(
        &mut self,
        name: &str,
        known: &[&str],
        mut read: impl FnMut(&mut FieldReader<'a>) -> Option<T>,
    ) -> Vec<T> {
        let Some(field) = self.get(name) else {
            return Vec::new();
        };
        let ValueKind::Array(items) = &field.value.kind else {
            self.wrong_type(name, &field.value, "a list of tables (`[[points]]`)");
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items {
            let ValueKind::Table(fields) = &item.kind else {
                self.wrong_type(name, item, "a table");
                continue;
            };
            let mut inner = FieldReader::new(self.path, self.text, fields, item.pos, known);
            let value = read(&mut inner);
            self.errors.append(&mut inner.errors);
            out.extend(value);
        }
        out
    }

    /// The position of the value of `name`, or the anchor.
    pub fn pos_of(&self, name: &str) -> Position {
        self.get(name).map_or(self.anchor, |f| f.value.pos)
    }
}

/// How to write a date, said wherever one is wrong.
pub const DATE_HELP: &str =
    "write dates as YYYY-MM-DD, e.g. 2025-04-30; when only the month or year is known, \"2025-04\" or 2025";

/// Parses a strict `YYYY-MM-DD` date. A time is refused rather than cut
/// off: a note's date is a day.
pub fn parse_date(written: &str) -> Result<Date, String> {
    if written.len() > 10 && written.as_bytes().get(10).is_some_and(|b| matches!(b, b'T' | b't' | b' ')) {
        return Err(format!("a date has no time; write the day alone, `{}`", &written[..10]));
    }
    let shape_ok = written.len() == 10
        && written.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    if !shape_ok {
        return Err("expected the form YYYY-MM-DD".into());
    }
    written.parse::<Date>().map_err(|e| e.to_string())
}

/// Parses a day (`2025-04-30`), a month (`2025-04`) or a year (`2025`).
pub fn parse_approximate_date(written: &str) -> Result<(Date, DatePrecision), String> {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let number = |s: &str, what: &str| s.parse::<i16>().map_err(|_| format!("{s} is not a {what}"));
    match written.split('-').collect::<Vec<_>>()[..] {
        [y] if y.len() == 4 && digits(y) => {
            let date = Date::new(number(y, "year")?, 1, 1).map_err(|e| e.to_string())?;
            Ok((date, DatePrecision::Year))
        }
        [y, m] if y.len() == 4 && m.len() == 2 && digits(y) && digits(m) => {
            let month = i8::try_from(number(m, "month")?).map_err(|_| format!("{m} is not a month"))?;
            let date = Date::new(number(y, "year")?, month, 1).map_err(|e| e.to_string())?;
            Ok((date, DatePrecision::Month))
        }
        _ => parse_date(written).map(|d| (d, DatePrecision::Day)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_strict() {
        assert!(parse_date("2025-04-30").is_ok());
        assert!(parse_date("2025-11-22T14:30:00").unwrap_err().contains("no time"));
        assert!(parse_date("2025-11-22 14:30").is_err());
        assert!(parse_date("2025-02-30").is_err());
        assert!(parse_date("30 April 2025").is_err());
        assert!(parse_date("2025-4-30").is_err());
    }

    #[test]
    fn a_month_or_a_year_is_an_approximate_date() {
        let month = parse_approximate_date("2025-05").unwrap();
        assert_eq!((month.0.to_string().as_str(), month.1), ("2025-05-01", DatePrecision::Month));
        assert_eq!(parse_approximate_date("2025").unwrap().1, DatePrecision::Year);
        assert_eq!(parse_approximate_date("2025-05-02").unwrap().1, DatePrecision::Day);
        assert!(parse_approximate_date("2025-13").is_err());
        assert!(parse_approximate_date("22/11/2025").is_err());
        assert!(parse_approximate_date("25").is_err());
    }
}
