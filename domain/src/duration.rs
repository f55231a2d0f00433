//! How long a programme lasts and how often it meets, as the prospectus states it:
//! "1 day a month for 6–12 months", "12 weeks / 3 months", "5 days", "Monthly 1 hour",
//! "annually". A length (min–max in a unit), a cadence, or both.

use serde::Deserialize;

use crate::validation::ValidationErrors;
use crate::vocabulary::{Vocabulary, vocabulary_enum};

pub const MAX_CADENCE_CHARS: usize = 100;
pub const MAX_LENGTH: u32 = 1000;
vocabulary_enum! {
    /// Unit of a programme's length.
    DurationUnit {
        Hours = "hours": "hours",
        Days = "days": "days",
        Weeks = "weeks": "weeks",
        Months = "months": "months",
        Years = "years": "years",
    }
}

impl DurationUnit {
    fn singular(self) -> &'static str {
        match self {
            Self::Hours => "hour",
            Self::Days => "day",
            Self::Weeks => "week",
            Self::Months => "month",
            Self::Years => "year",
        }
    }
}

/// Raw duration as a client or the seed file gives it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct DurationInput {
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub unit: Option<String>,
    pub cadence: Option<String>,
}

/// A valid duration: a length, a cadence, or both; `min ≤ max`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duration {
    length: Option<(u32, u32, DurationUnit)>,
    cadence: Option<String>,
}

impl Duration {
    pub fn parse(input: DurationInput) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let unit = match input.unit.as_deref() {
            Some(u) => errors.check("unit", DurationUnit::parse(u)),
            None => None,
        };
        let bound = |errors: &mut ValidationErrors, field: &str, v: i64| -> Option<u32> {
            match u32::try_from(v) {
                Ok(n) if (1..=MAX_LENGTH).contains(&n) => Some(n),
                _ => {
                    errors.add(
                        field,
                        format!("must be a whole number from 1 to {MAX_LENGTH}"),
                    );
                    None
                }
            }
        };
        let min = input.min.and_then(|v| bound(&mut errors, "min", v));
        let max = input.max.and_then(|v| bound(&mut errors, "max", v));

        let length = match (input.min, input.max, input.unit.as_deref()) {
            (None, None, None) => None,
            (None, _, _) => {
                errors.add("min", "is required when max or unit is given");
                None
            }
            (Some(_), _, None) => {
                errors.add("unit", "is required when min is given");
                None
            }
            (Some(_), _, Some(_)) => match (min, input.max.map_or(min, |_| max), unit) {
                (Some(min), Some(max), Some(unit)) if max >= min => Some((min, max, unit)),
                (Some(_), Some(_), Some(_)) => {
                    errors.add("max", "must not be less than min");
                    None
                }
                _ => None,
            },
        };

        let cadence = match input.cadence {
            None => None,
            Some(c) => {
                let sent = c.chars().count();
                let c = c.trim().to_owned();
                if c.is_empty() {
                    errors.add("cadence", "must not be blank; leave it out instead");
                } else if sent > MAX_CADENCE_CHARS {
                    errors.add(
                        "cadence",
                        format!("must be at most {MAX_CADENCE_CHARS} characters"),
                    );
                }
                Some(c)
            }
        };

        if input.min.is_none() && input.max.is_none() && input.unit.is_none() && cadence.is_none() {
            errors.add(
                "duration",
                "needs a length (min and unit) or a cadence; leave duration out when neither is known",
            );
        }
        errors.into_result(|| Duration { length, cadence })
    }

    pub fn to_input(&self) -> DurationInput {
        DurationInput {
            min: self.min().map(i64::from),
            max: self.max().map(i64::from),
            unit: self.unit().map(|u| u.value().to_owned()),
            cadence: self.cadence.clone(),
        }
    }

    pub fn min(&self) -> Option<u32> {
        self.length.map(|l| l.0)
    }
    pub fn max(&self) -> Option<u32> {
        self.length.map(|l| l.1)
    }
    pub fn unit(&self) -> Option<DurationUnit> {
        self.length.map(|l| l.2)
    }
    pub fn cadence(&self) -> Option<&str> {
        self.cadence.as_deref()
    }

    /// A human summary: "6–12 months, 1 day a month", "5 days", "annually".
    pub fn summary(&self) -> String {
        let length = self.length.map(|(min, max, unit)| {
            let unit_name = if max == 1 {
                unit.singular()
            } else {
                unit.label()
            };
            if min == max {
                format!("{min} {unit_name}")
            } else {
                format!("{min}–{max} {unit_name}")
            }
        });
        match (length, &self.cadence) {
            (Some(l), Some(c)) => format!("{l}, {c}"),
            (Some(l), None) => l,
            (None, Some(c)) => c.clone(),
            (None, None) => String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(
        min: Option<i64>,
        max: Option<i64>,
        unit: Option<&str>,
        cadence: Option<&str>,
    ) -> DurationInput {
        DurationInput {
            min,
            max,
            unit: unit.map(str::to_owned),
            cadence: cadence.map(str::to_owned),
        }
    }

    #[test]
    fn represents_the_prospectus_durations() {
        let venus = Duration::parse(input(
            Some(6),
            Some(12),
            Some("months"),
            Some("1 day a month"),
        ))
        .unwrap();
        assert_eq!(venus.summary(), "6–12 months, 1 day a month");
        let evaluating = Duration::parse(input(Some(12), Some(12), Some("weeks"), None)).unwrap();
        assert_eq!(evaluating.summary(), "12 weeks");
        let spheres = Duration::parse(input(Some(5), None, Some("days"), None)).unwrap();
        assert_eq!((spheres.min(), spheres.max()), (Some(5), Some(5)));
        assert_eq!(spheres.summary(), "5 days");
        let ipdc = Duration::parse(input(None, None, None, Some("annually"))).unwrap();
        assert_eq!(ipdc.summary(), "annually");
        assert_eq!(ipdc.unit(), None);
        let one = Duration::parse(input(Some(1), Some(1), Some("months"), None)).unwrap();
        assert_eq!(one.summary(), "1 month");
    }

    #[test]
    fn rejects_inconsistent_lengths() {
        let err = Duration::parse(input(Some(12), Some(6), Some("months"), None)).unwrap_err();
        assert_eq!(err.errors()[0].field, "max");
        let err = Duration::parse(input(Some(6), None, None, None)).unwrap_err();
        assert_eq!(err.errors()[0].field, "unit");
        let err = Duration::parse(input(None, Some(6), Some("days"), None)).unwrap_err();
        assert_eq!(err.errors()[0].field, "min");
        let err = Duration::parse(input(Some(0), None, Some("days"), None)).unwrap_err();
        assert_eq!(err.errors()[0].field, "min");
        let err = Duration::parse(input(Some(2), None, Some("fortnights"), None)).unwrap_err();
        assert!(
            err.errors()[0]
                .message
                .contains("hours, days, weeks, months, years")
        );
    }

    #[test]
    fn a_cadence_is_kept_trimmed_and_bounded_as_sent() {
        let d = Duration::parse(input(None, None, None, Some(" 1 day a month "))).unwrap();
        assert_eq!(d.cadence(), Some("1 day a month"));
        let at_most = "x".repeat(MAX_CADENCE_CHARS);
        assert!(Duration::parse(input(None, None, None, Some(&at_most))).is_ok());
        let over = format!("{at_most}x");
        let err = Duration::parse(input(None, None, None, Some(&over))).unwrap_err();
        assert_eq!(err.errors()[0].field, "cadence");
        assert_eq!(
            Duration::parse(input(Some(3), None, Some("months"), None))
                .unwrap()
                .cadence(),
            None
        );
    }

    #[test]
    fn rejects_empty_or_blank() {
        let err = Duration::parse(DurationInput::default()).unwrap_err();
        assert_eq!(err.errors()[0].field, "duration");
        assert!(Duration::parse(input(None, None, None, Some("  "))).is_err());
        let long = "x".repeat(MAX_CADENCE_CHARS + 1);
        assert!(Duration::parse(input(None, None, None, Some(&long))).is_err());
    }
}
