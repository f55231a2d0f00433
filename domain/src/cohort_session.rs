//! What a session of a cohort must be before it is stored: a title, a start within the
//! dates the service accepts, and a length of one minute to a day.

use chrono::NaiveDateTime;

use crate::validation::{ValidationErrors, date_in_range, date_range_message};

/// The longest session, in characters of its title and minutes of its length.
pub const TITLE_MAX: usize = 200;
pub const MINUTES_MAX: i32 = 1440;

/// A cohort session as a caller describes it; every field optional so all errors are
/// reported together.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CohortSessionInput {
    pub title: Option<String>,
    pub starts_at: Option<NaiveDateTime>,
    pub duration_minutes: Option<i32>,
}

/// A well-formed cohort session (title trimmed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CohortSession {
    pub title: String,
    pub starts_at: NaiveDateTime,
    pub duration_minutes: i32,
}

impl CohortSession {
    pub fn parse(input: CohortSessionInput) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let too_long = input
            .title
            .as_ref()
            .is_some_and(|t| t.chars().count() > TITLE_MAX);
        let title = input
            .title
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty());
        if title.is_none() || too_long {
            e.add("title", "is required, at most 200 characters");
        }
        match input.starts_at {
            None => e.add(
                "starts_at",
                "is required (RFC 3339, e.g. 2027-03-01T09:30:00Z)",
            ),
            Some(t) if !date_in_range(t.date()) => e.add("starts_at", date_range_message()),
            Some(_) => {}
        }
        if !input
            .duration_minutes
            .is_some_and(|d| (1..=MINUTES_MAX).contains(&d))
        {
            e.add(
                "duration_minutes",
                "must be a whole number of minutes from 1 to 1440",
            );
        }
        match (title, input.starts_at, input.duration_minutes) {
            (Some(title), Some(starts_at), Some(duration_minutes)) if e.is_empty() => Ok(Self {
                title,
                starts_at,
                duration_minutes,
            }),
            _ => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn at(y: i32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, 3, 1)
            .and_then(|d| d.and_hms_opt(9, 30, 0))
            .unwrap_or_default()
    }

    fn input(title: &str, minutes: i32) -> CohortSessionInput {
        CohortSessionInput {
            title: Some(title.into()),
            starts_at: Some(at(2027)),
            duration_minutes: Some(minutes),
        }
    }

    fn fields(r: Result<CohortSession, ValidationErrors>) -> Vec<String> {
        r.err()
            .map(|e| e.errors().iter().map(|f| f.field.clone()).collect())
            .unwrap_or_default()
    }

    #[test]
    fn a_good_session_is_trimmed() {
        let s = CohortSession::parse(input("  Day one ", 90));
        assert_eq!(
            s,
            Ok(CohortSession {
                title: "Day one".into(),
                starts_at: at(2027),
                duration_minutes: 90
            })
        );
    }

    #[test]
    fn title_is_required_and_bounded_as_sent() {
        assert_eq!(fields(CohortSession::parse(input("   ", 60))), ["title"]);
        let longest = "a".repeat(TITLE_MAX);
        assert!(CohortSession::parse(input(&longest, 60)).is_ok());
        let over = format!("{longest}a");
        assert_eq!(fields(CohortSession::parse(input(&over, 60))), ["title"]);
        // Surrounding spaces count towards the limit as sent.
        let padded = format!(" {longest}");
        assert_eq!(fields(CohortSession::parse(input(&padded, 60))), ["title"]);
    }

    #[test]
    fn minutes_run_from_one_to_a_day() {
        assert!(CohortSession::parse(input("t", 1)).is_ok());
        assert!(CohortSession::parse(input("t", MINUTES_MAX)).is_ok());
        assert_eq!(
            fields(CohortSession::parse(input("t", 0))),
            ["duration_minutes"]
        );
        assert_eq!(
            fields(CohortSession::parse(input("t", MINUTES_MAX + 1))),
            ["duration_minutes"]
        );
    }

    #[test]
    fn start_is_required_and_in_range() {
        let mut i = input("t", 60);
        i.starts_at = Some(at(1899));
        assert_eq!(fields(CohortSession::parse(i.clone())), ["starts_at"]);
        i.starts_at = None;
        assert_eq!(fields(CohortSession::parse(i)), ["starts_at"]);
    }

    #[test]
    fn every_error_is_reported_at_once() {
        let all = CohortSession::parse(CohortSessionInput::default());
        assert_eq!(fields(all), ["title", "starts_at", "duration_minutes"]);
    }
}
