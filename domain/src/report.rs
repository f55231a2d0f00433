//! Impact reports: what a report is grouped by, over which period, and the figures it gives,
//! with small numbers suppressed as health statistics practise it, so that no person can be
//! singled out from a report.

use chrono::{Datelike, NaiveDate};

use crate::vocabulary::{Vocabulary, vocabulary_enum};

#[cfg(test)]
mod tests;

vocabulary_enum! {
    /// What a report's figures are grouped by.
    Dimension {
        Programme = "programme": "Programme",
        Theme = "theme": "Theme",
        Level = "level": "System level",
        /// A cohort's strategic workforce priorities: a cohort serving two counts in both.
        Priority = "priority": "Strategic workforce priority",
        /// The learner's organisation when they enrolled.
        Organisation = "organisation": "Organisation",
        OrganisationKind = "organisation_kind": "Kind of organisation",
        Cohort = "cohort": "Cohort",
        /// The month a cohort starts.
        Month = "month": "Month",
        /// The quarter a cohort starts (`2026-Q4`).
        Quarter = "quarter": "Quarter",
    }
}

impl Dimension {
    /// True for dimensions of the learners rather than of the cohorts: cohort figures (seats
    /// offered) cannot be split by them.
    pub fn of_learners(self) -> bool {
        matches!(self, Self::Organisation | Self::OrganisationKind)
    }
}

/// The most dimensions a report is grouped by.
pub const MAX_GROUP_BY: usize = 2;

/// Parses `group_by`: one or two distinct dimensions, comma-separated.
pub fn parse_group_by(raw: &str) -> Result<Vec<Dimension>, String> {
    let mut dims = Vec::new();
    for part in raw.split(',').map(str::trim) {
        let d = Dimension::parse(part).map_err(|e| e.to_string())?;
        if dims.contains(&d) {
            return Err(format!("'{part}' is given twice"));
        }
        dims.push(d);
    }
    if dims.len() > MAX_GROUP_BY {
        return Err(format!(
            "at most {MAX_GROUP_BY} dimensions, comma-separated"
        ));
    }
    Ok(dims)
}

/// The quarter of a date, as reports name it: `2026-Q4`.
pub fn quarter_of(d: NaiveDate) -> String {
    format!("{}-Q{}", d.year(), d.month0() / 3 + 1)
}

/// What the database counted for one group.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Distinct people who held a seat (enrolled, completed or not completed).
    pub learners: i64,
    /// Every enrolment: seats, waiting places, withdrawals, outcomes.
    pub enrolments: i64,
    pub waitlisted: i64,
    pub withdrawn: i64,
    pub completed: i64,
    pub not_completed: i64,
    /// Seats taken: enrolled, completed or not completed.
    pub seated: i64,
    /// Attendance marks: present, and absent (excused absences are neither).
    pub present: i64,
    pub absent: i64,
    pub cohorts: i64,
    /// The capacity of the group's cohorts, when the grouping and the caller allow it.
    pub seats_offered: Option<i64>,
}

/// A group's figures as reported: a count below the threshold is `None` and named in
/// `suppressed`, and so is every rate built on one.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Figures {
    pub learners: Option<i64>,
    pub enrolments: Option<i64>,
    pub waitlisted: Option<i64>,
    pub withdrawn: Option<i64>,
    pub completed: Option<i64>,
    pub not_completed: Option<i64>,
    /// Completed of those who finished (completed or not completed).
    pub completion_rate: Option<f64>,
    /// Present of the attendance marks recorded (present or absent).
    pub attendance_rate: Option<f64>,
    pub cohorts_run: i64,
    pub seats_offered: Option<i64>,
    /// Seats taken of seats offered.
    pub seat_fill_rate: Option<f64>,
    /// The figures withheld, by name.
    pub suppressed: Vec<&'static str>,
}

/// The figure names, in the order reports give them.
pub const FIGURES: [&str; 11] = [
    "learners",
    "enrolments",
    "waitlisted",
    "withdrawn",
    "completed",
    "not_completed",
    "completion_rate",
    "attendance_rate",
    "cohorts_run",
    "seats_offered",
    "seat_fill_rate",
];

/// A rate rounded to four decimal places, `None` when there is nothing to divide by.
pub fn rate(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 / whole as f64 * 10_000.0).round() / 10_000.0)
}

/// Withholds small counts of people and the rates built on them, and remembers which.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppressor {
    threshold: i64,
    /// The figures withheld so far, by name, in the order they were given.
    pub withheld: Vec<&'static str>,
}

impl Suppressor {
    /// Counts of people from 1 to `threshold - 1` are withheld: 0 singles nobody out, and a
    /// threshold of 0 (or 1) withholds nothing.
    pub fn new(threshold: i64) -> Self {
        Self {
            threshold,
            withheld: Vec::new(),
        }
    }

    /// True when `n` people are too few to report.
    pub fn small(&self, n: i64) -> bool {
        n > 0 && n < self.threshold
    }

    /// A count of people as reported: `None` (and named) when small.
    pub fn count(&mut self, name: &'static str, n: i64) -> Option<i64> {
        if self.small(n) {
            self.withheld.push(name);
            None
        } else {
            Some(n)
        }
    }

    /// A figure derived from counts, withheld (and named) when `hidden` says a count it is
    /// built on is; a figure with no value is not named.
    pub fn derived<T>(&mut self, name: &'static str, hidden: bool, value: Option<T>) -> Option<T> {
        if hidden && value.is_some() {
            self.withheld.push(name);
            None
        } else {
            value
        }
    }
}

impl Counts {
    /// The reported figures: a count of people from 1 to `threshold - 1` is suppressed (0
    /// singles nobody out, and 0 as threshold turns suppression off), and a rate is
    /// suppressed when a count it is built on is.
    pub fn figures(&self, threshold: i64) -> Figures {
        let mut s = Suppressor::new(threshold);
        let learners = s.count("learners", self.learners);
        let enrolments = s.count("enrolments", self.enrolments);
        let waitlisted = s.count("waitlisted", self.waitlisted);
        let withdrawn = s.count("withdrawn", self.withdrawn);
        let completed = s.count("completed", self.completed);
        let not_completed = s.count("not_completed", self.not_completed);
        let finished = self.completed + self.not_completed;
        let hidden = completed.is_none() || not_completed.is_none() || s.small(finished);
        let completion_rate = s.derived("completion_rate", hidden, rate(self.completed, finished));
        // Marks belong to every enrolment (a withdrawn one too): withheld with either count.
        let attendance_rate = s.derived(
            "attendance_rate",
            learners.is_none() || enrolments.is_none(),
            rate(self.present, self.present + self.absent),
        );
        let fill = self.seats_offered.and_then(|o| rate(self.seated, o));
        let seat_fill_rate = s.derived("seat_fill_rate", s.small(self.seated), fill);
        Figures {
            learners,
            enrolments,
            waitlisted,
            withdrawn,
            completed,
            not_completed,
            completion_rate,
            attendance_rate,
            cohorts_run: self.cohorts,
            seats_offered: self.seats_offered,
            seat_fill_rate,
            suppressed: s.withheld,
        }
    }
}

/// A community's members and the attendance of its period's sessions, as counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AttendanceCounts {
    pub members: i64,
    /// Marks, and the distinct people behind them.
    pub present: i64,
    pub absent: i64,
    pub present_people: i64,
    pub absent_people: i64,
    /// Minutes of the sessions attended, summed over the people present.
    pub minutes_given: i64,
}

/// What the communities report shows of them.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct AttendanceFigures {
    pub members: Option<i64>,
    pub attendance_rate: Option<f64>,
    /// Hours, to 2 decimals.
    pub commitment_hours: Option<f64>,
    pub hours_per_member: Option<f64>,
}

/// Minutes as hours, to 2 decimals.
fn hours(minutes: f64) -> f64 {
    (minutes / 60.0 * 100.0).round() / 100.0
}

impl AttendanceCounts {
    /// The figures, withheld by the people marked rather than the marks (one person at six
    /// sessions is six marks): the rate with either the present or the absent people, or the
    /// members; the hours with the present people; hours per member with either.
    pub fn figures(&self, s: &mut Suppressor) -> AttendanceFigures {
        let members = s.count("members", self.members);
        let marks_small = s.small(self.present_people) || s.small(self.absent_people);
        let rate = rate(self.present, self.present + self.absent);
        let attendance_rate = s.derived("attendance_rate", marks_small || members.is_none(), rate);
        let given = Some(hours(self.minutes_given as f64));
        let commitment_hours = s.derived("commitment_hours", s.small(self.present_people), given);
        let per_member =
            (self.members > 0).then(|| hours(self.minutes_given as f64 / self.members as f64));
        let hidden = members.is_none() || commitment_hours.is_none();
        AttendanceFigures {
            members,
            attendance_rate,
            commitment_hours,
            hours_per_member: s.derived("hours_per_member", hidden, per_member),
        }
    }
}

/// The label of a vocabulary dimension's value (theme, level, kind, priority), or the
/// value itself when it is not one.
pub fn label_of(dimension: Dimension, value: &str) -> String {
    let label = match dimension {
        Dimension::Theme => crate::Theme::parse(value).ok().map(|t| t.label()),
        Dimension::Level => crate::SystemLevel::parse(value).ok().map(|t| t.label()),
        Dimension::OrganisationKind => crate::OrganisationKind::parse(value)
            .ok()
            .map(|t| t.label()),
        Dimension::Priority => crate::Priority::parse(value).ok().map(|p| p.title()),
        _ => None,
    };
    label.map_or_else(|| value.to_owned(), str::to_owned)
}
