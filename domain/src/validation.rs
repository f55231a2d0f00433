//! Field-by-field validation errors, collected rather than returned at the first problem,
//! so a client can fix every field in one round trip.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::vocabulary::Vocabulary;

/// The first year a date or an instant may fall in: every date this academy records (a
/// cohort, a session, an outcome, a sync cursor) is between 1900 and 2200, which both
/// databases store exactly.
pub const FIRST_YEAR: i32 = 1900;
/// The last year a date or an instant may fall in.
pub const LAST_YEAR: i32 = 2200;

/// True when `date` is within [`FIRST_YEAR`]..=[`LAST_YEAR`].
pub fn date_in_range(date: NaiveDate) -> bool {
    (FIRST_YEAR..=LAST_YEAR).contains(&date.year())
}

/// Why a date is refused, for a field error.
pub fn date_range_message() -> String {
    format!("must be a date from {FIRST_YEAR} to {LAST_YEAR}")
}

/// The first control character of `s` that no text may hold: NUL and the rest of the C0 set,
/// but for tab, line feed and carriage return (PostgreSQL cannot store NUL at all; the others
/// are never meant). `None` when `s` is clean.
pub fn control_character(s: &str) -> Option<char> {
    s.chars()
        .find(|c| matches!(c, '\0'..='\x1f') && !matches!(c, '\t' | '\n' | '\r'))
}

/// Why text with a control character is refused, for a field error.
pub fn control_character_message(c: char) -> String {
    format!(
        "must not contain control characters (found U+{:04X}); tab and line breaks are allowed",
        c as u32
    )
}

/// One problem with one field. `field` is a JSON-pointer-like path such as
/// `duration.max` or `stems[2]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// Every problem found with an input.
#[derive(Debug, Clone, Default, PartialEq, Eq, thiserror::Error)]
pub struct ValidationErrors(Vec<FieldError>);

impl ValidationErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.into(),
            message: message.into(),
        });
    }

    /// Records the error of `result` (if any) under `field` and returns its value.
    pub fn check<T, E: fmt::Display>(
        &mut self,
        field: impl Into<String>,
        result: Result<T, E>,
    ) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.add(field, e.to_string());
                None
            }
        }
    }

    /// Adds every error of `other`, as it is.
    pub fn extend(&mut self, other: &ValidationErrors) {
        self.0.extend(other.0.iter().cloned());
    }

    /// Adds every error of `other`, prefixing each field with `prefix.`.
    pub fn nest(&mut self, prefix: &str, other: ValidationErrors) {
        for e in other.0 {
            self.add(format!("{prefix}.{}", e.field), e.message);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn errors(&self) -> &[FieldError] {
        &self.0
    }

    pub fn into_errors(self) -> Vec<FieldError> {
        self.0
    }

    /// `Ok(value)` when nothing was recorded.
    pub fn into_result<T>(self, value: impl FnOnce() -> T) -> Result<T, ValidationErrors> {
        if self.is_empty() {
            Ok(value())
        } else {
            Err(self)
        }
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect();
        f.write_str(&parts.join("; "))
    }
}

/// Records "is required" under `field` when the value is absent.
pub(crate) fn required<T>(
    errors: &mut ValidationErrors,
    field: &str,
    value: Option<T>,
) -> Option<T> {
    if value.is_none() {
        errors.add(field, "is required");
    }
    value
}

pub(crate) fn vocabulary<T: Vocabulary>(
    errors: &mut ValidationErrors,
    field: &str,
    raw: Option<String>,
) -> Option<T> {
    let raw = required(errors, field, raw)?;
    errors.check(field, T::parse(&raw))
}

/// Trims; rejects blank and over-long text.
pub(crate) fn text(
    errors: &mut ValidationErrors,
    field: &str,
    raw: String,
    chars: std::ops::RangeInclusive<usize>,
) -> Option<String> {
    // At most `end` characters as sent, at least `start` once trimmed: the contract's
    // `maxLength` and `pattern` say exactly this.
    let sent = raw.chars().count();
    let t = raw.trim();
    let n = t.chars().count();
    if n == 0 {
        errors.add(field, "must not be blank");
        None
    } else if n < *chars.start() || sent > *chars.end() {
        errors.add(
            field,
            format!(
                "must be {} to {} characters (got {sent})",
                chars.start(),
                chars.end()
            ),
        );
        None
    } else {
        Some(t.to_owned())
    }
}

/// The first characters that make a spreadsheet read a cell as a formula (OWASP's CSV
/// injection guidance): `=`, `+`, `-`, `@`, tab and carriage return.
pub const FORMULA_PREFIXES: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A CSV cell as exported: one a spreadsheet would take for a formula is prefixed with `'`.
/// (JSON and NDJSON carry the value as stored.)
pub fn neutralised(cell: String) -> String {
    if cell.starts_with(FORMULA_PREFIXES) {
        format!("'{cell}")
    } else {
        cell
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_run_from_1900_to_2200_and_the_message_says_so() {
        let on = |y| NaiveDate::from_ymd_opt(y, 6, 1).unwrap_or_default();
        assert!(date_in_range(on(FIRST_YEAR)) && date_in_range(on(LAST_YEAR)));
        assert!(!date_in_range(on(FIRST_YEAR - 1)) && !date_in_range(on(LAST_YEAR + 1)));
        assert_eq!(date_range_message(), "must be a date from 1900 to 2200");
    }

    #[test]
    fn errors_are_kept_in_order_and_printed_field_by_field() {
        let mut e = ValidationErrors::new();
        e.add("title", "is required");
        e.add("capacity", "must be at least 1");
        assert_eq!(
            e.to_string(),
            "title: is required; capacity: must be at least 1"
        );
        let fields: Vec<String> = e.into_errors().into_iter().map(|f| f.field).collect();
        assert_eq!(fields, ["title", "capacity"]);
    }

    #[test]
    fn text_is_bounded_as_sent_and_required_once_trimmed() {
        let run = |raw: &str| {
            let mut e = ValidationErrors::new();
            (text(&mut e, "t", raw.to_owned(), 2..=5), e.is_empty())
        };
        assert_eq!(run("  ab  "), (None, false), "six as sent");
        assert_eq!(run(" ab"), (Some("ab".into()), true));
        assert_eq!(run("abcde"), (Some("abcde".into()), true));
        assert_eq!(run("abcdef"), (None, false));
        assert_eq!(run("a"), (None, false));
        assert_eq!(run("   "), (None, false));
    }

    #[test]
    fn control_characters_but_tab_and_line_breaks_are_refused() {
        assert_eq!(control_character("plain text"), None);
        assert_eq!(control_character("line\nbreak\r\n\ttab"), None);
        assert_eq!(control_character("a\0b"), Some('\0'));
        assert_eq!(control_character("bell\x07"), Some('\x07'));
        assert_eq!(control_character("unit\x1f"), Some('\x1f'));
        assert_eq!(control_character("del\x7f and é"), None);
        assert!(control_character_message('\0').contains("U+0000"));
    }

    #[test]
    fn dates_run_from_1900_to_2200_inclusive() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert!(date_in_range(d(1900, 1, 1)));
        assert!(date_in_range(d(2200, 12, 31)));
        assert!(!date_in_range(d(1899, 12, 31)));
        assert!(!date_in_range(d(2201, 1, 1)));
        assert!(!date_in_range(d(-5000, 1, 1)));
    }
}
