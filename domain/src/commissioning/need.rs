//! Learning needs: an organisation's, per year, for the place-based Learning Needs Analysis
//! the Leeds report plans "to identify collective priorities".

use super::STAFF_GROUP_CHARS;
use crate::validation::{ValidationErrors, text};
use crate::{Priority, SystemLevel, Vocabulary};

/// Bounds of a learning need.
pub const NEED_YEARS: std::ops::RangeInclusive<i32> = 2020..=2100;
pub const HEADCOUNT: std::ops::RangeInclusive<i64> = 1..=100_000;
pub const NOTES_CHARS: std::ops::RangeInclusive<usize> = 1..=2000;

/// A learning need as sent: an organisation's, for a year (the Leeds report's place-based
/// Learning Needs Analysis).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NeedInput {
    pub year: Option<i32>,
    /// A Leeds priority's code or slug.
    pub priority: Option<String>,
    pub system_level: Option<String>,
    pub staff_group: Option<String>,
    pub headcount: Option<i64>,
    pub notes: Option<String>,
}

/// A need's checked fields (the programme it names is checked against the catalogue).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Need {
    pub year: i32,
    pub priority: Priority,
    pub system_level: SystemLevel,
    pub staff_group: String,
    pub headcount: i64,
    pub notes: Option<String>,
}

impl Need {
    pub fn parse(input: NeedInput) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::new();
        match input.year {
            None => e.add("year", "is required"),
            Some(y) if !NEED_YEARS.contains(&y) => e.add(
                "year",
                format!("must be {} to {}", NEED_YEARS.start(), NEED_YEARS.end()),
            ),
            Some(_) => {}
        }
        let priority = required(&mut e, "priority", input.priority, Priority::parse);
        let system_level = required(
            &mut e,
            "system_level",
            input.system_level,
            SystemLevel::parse,
        );
        let staff_group = match input.staff_group {
            None => {
                e.add("staff_group", "is required");
                None
            }
            Some(g) => text(&mut e, "staff_group", g, STAFF_GROUP_CHARS),
        };
        match input.headcount {
            None => e.add("headcount", "is required"),
            Some(n) if !HEADCOUNT.contains(&n) => e.add(
                "headcount",
                format!("must be {} to {}", HEADCOUNT.start(), HEADCOUNT.end()),
            ),
            Some(_) => {}
        }
        let notes = input
            .notes
            .and_then(|t| text(&mut e, "notes", t, NOTES_CHARS));
        match (priority, system_level) {
            (Some(priority), Some(system_level)) if e.is_empty() => Ok(Need {
                year: input.year.unwrap_or_default(),
                priority,
                system_level,
                staff_group: staff_group.unwrap_or_default(),
                headcount: input.headcount.unwrap_or_default(),
                notes,
            }),
            _ => Err(e),
        }
    }
}

/// A required value of a vocabulary: "is required" when absent, the allowed values when not
/// one of them.
fn required<T>(
    e: &mut ValidationErrors,
    field: &str,
    raw: Option<String>,
    parse: impl FnOnce(&str) -> Result<T, crate::UnknownValue>,
) -> Option<T> {
    match raw {
        None => {
            e.add(field, "is required");
            None
        }
        Some(raw) => e.check(field, parse(&raw)),
    }
}

/// The staff needing learning beyond the seats offered: the gap the academy must close
/// (none when the seats cover the headcount).
pub fn gap(headcount: i64, seats_offered: i64) -> i64 {
    (headcount - seats_offered).max(0)
}
