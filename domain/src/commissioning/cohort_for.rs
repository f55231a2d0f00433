//! The cohorts the academy runs for an agreed request: what the academy leaves out of one
//! comes from the request.

use std::collections::BTreeSet;

use chrono::NaiveDate;

use crate::Priority;
use crate::cohort::CohortInput;
use crate::validation::ValidationErrors;

/// What a request says of the cohorts run for it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestedCohort {
    /// A co-creation brief's title.
    pub title: Option<String>,
    pub window: Option<(NaiveDate, NaiveDate)>,
    pub expected_learners: Option<i32>,
    pub delivery_mode: Option<String>,
    pub location: Option<String>,
    pub priorities: BTreeSet<Priority>,
}

impl RequestedCohort {
    /// The cohort as the academy gives it, each field it leaves out taken from the request:
    /// the label from the brief's title (else the programme's, commissioned), the capacity
    /// from the expected learners, the dates from the window, the delivery mode and the
    /// location; and the request's priorities, else the programme's.
    pub fn fill(
        self,
        given: CohortInput,
        programme_title: &str,
        programme_priorities: &BTreeSet<Priority>,
    ) -> (CohortInput, BTreeSet<Priority>) {
        let label = given
            .label
            .or(self.title)
            .unwrap_or_else(|| format!("{programme_title} (commissioned)"));
        let cohort = CohortInput {
            label: Some(label),
            start_date: given.start_date.or(self.window.map(|w| w.0)),
            end_date: given.end_date.or(self.window.map(|w| w.1)),
            capacity: given.capacity.or(self.expected_learners.map(i64::from)),
            waitlist_enabled: given.waitlist_enabled,
            delivery_mode: given.delivery_mode.or(self.delivery_mode),
            location: given.location.or(self.location),
            joining_link: given.joining_link,
        };
        let priorities = if self.priorities.is_empty() {
            programme_priorities.clone()
        } else {
            self.priorities
        };
        (cohort, priorities)
    }
}

/// The programme a cohort for a request runs (an id or slug): the one the academy names,
/// else the request's. A co-creation brief names none, so the academy must: the programme
/// made for it.
pub fn cohort_programme(
    named: Option<String>,
    requested: Option<String>,
) -> Result<String, ValidationErrors> {
    named.or(requested).ok_or_else(|| {
        let mut e = ValidationErrors::new();
        e.add(
            "programme",
            "is required: a co-creation brief names no programme",
        );
        e
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2027, m, d).unwrap()
    }

    #[test]
    fn what_the_academy_leaves_out_comes_from_the_request() {
        let requested = RequestedCohort {
            title: None,
            window: Some((day(4, 1), day(6, 30))),
            expected_learners: Some(12),
            delivery_mode: Some("blended".into()),
            location: Some("St James's".into()),
            priorities: BTreeSet::new(),
        };
        let of_programme = BTreeSet::from([Priority::LearningTogether]);
        let given = CohortInput {
            end_date: Some(day(7, 15)),
            ..CohortInput::default()
        };
        let (c, priorities) = requested.fill(given, "VITAL Signs", &of_programme);
        assert_eq!(c.label.as_deref(), Some("VITAL Signs (commissioned)"));
        assert_eq!(
            (c.start_date, c.end_date),
            (Some(day(4, 1)), Some(day(7, 15)))
        );
        assert_eq!(c.capacity, Some(12));
        assert_eq!(
            (c.delivery_mode.as_deref(), c.location.as_deref()),
            (Some("blended"), Some("St James's"))
        );
        assert_eq!(
            priorities, of_programme,
            "the programme's, when the request names none"
        );
        let brief = RequestedCohort {
            title: Some("Ward handovers".into()),
            priorities: BTreeSet::from([Priority::parse("3").unwrap()]),
            ..RequestedCohort::default()
        };
        let (c, priorities) = brief.fill(CohortInput::default(), "VITAL Signs", &of_programme);
        assert_eq!(c.label.as_deref(), Some("Ward handovers"));
        assert_eq!(priorities.len(), 1);
        assert_eq!(priorities.first().map(|p| p.code()), Some(3));
    }

    #[test]
    fn a_co_creation_brief_needs_the_programme_made_for_it() {
        assert_eq!(cohort_programme(None, Some("p".into())).unwrap(), "p");
        assert_eq!(
            cohort_programme(Some("q".into()), Some("p".into())).unwrap(),
            "q"
        );
        let e = cohort_programme(None, None).unwrap_err();
        assert_eq!(e.errors()[0].field, "programme");
    }
}
