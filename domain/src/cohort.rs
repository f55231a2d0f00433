//! Cohorts: a programme run for a group of people on given dates, with a number of seats.

use chrono::NaiveDate;

use crate::organisation::name;
use crate::taxonomy::DeliveryMode;
use crate::validation::ValidationErrors;
use crate::vocabulary::{Vocabulary, vocabulary_enum};

pub const MAX_CAPACITY: i64 = 10_000;

vocabulary_enum! {
    /// Where a cohort is in its life. `planned → open → running → completed`; any state but
    /// `completed` and `cancelled` may become `cancelled`.
    CohortStatus {
        /// Announced; not yet taking enrolments.
        Planned = "planned": "Planned",
        /// Taking enrolments.
        Open = "open": "Open for enrolment",
        Running = "running": "Running",
        Completed = "completed": "Completed",
        Cancelled = "cancelled": "Cancelled",
    }
}

/// A change of state the state machine does not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a {from} cohort cannot become {to}")]
pub struct CohortTransitionError {
    pub from: &'static str,
    pub to: &'static str,
}

impl CohortStatus {
    pub fn is_final(self) -> bool {
        matches!(self, Self::Completed | Self::Cancelled)
    }

    /// The state after moving to `to`, if the state machine allows it.
    pub fn transition(self, to: CohortStatus) -> Result<CohortStatus, CohortTransitionError> {
        use CohortStatus::*;
        let allowed = matches!(
            (self, to),
            (Planned, Open) | (Open, Running) | (Running, Completed)
        ) || (to == Cancelled && !self.is_final());
        if allowed {
            Ok(to)
        } else {
            Err(CohortTransitionError {
                from: self.value(),
                to: to.value(),
            })
        }
    }
}

/// Seats cannot be taken away from people who hold them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("capacity {requested} is below the {enrolled} seats already taken")]
pub struct CapacityBelowEnrolled {
    pub requested: i64,
    pub enrolled: i64,
}

pub fn check_capacity(requested: i64, enrolled: i64) -> Result<(), CapacityBelowEnrolled> {
    if requested < enrolled {
        Err(CapacityBelowEnrolled {
            requested,
            enrolled,
        })
    } else {
        Ok(())
    }
}

/// The longest location a cohort records.
pub const LOCATION_CHARS: usize = 300;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CohortInput {
    pub label: Option<String>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub capacity: Option<i64>,
    pub waitlist_enabled: Option<bool>,
    pub delivery_mode: Option<String>,
    pub location: Option<String>,
    pub joining_link: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CohortSpec {
    label: String,
    start_date: NaiveDate,
    end_date: NaiveDate,
    capacity: i64,
    waitlist_enabled: bool,
    delivery_mode: DeliveryMode,
    location: Option<String>,
    joining_link: Option<String>,
}

/// `http://` or `https://` followed by a host (no brackets: a bracket in the authority is
/// an IPv6 literal or a broken URL, and URL parsers refuse the latter).
pub fn is_web_link(s: &str) -> bool {
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"));
    rest.is_some_and(|r| {
        let host = r.split(['/', '?', '#']).next().unwrap_or_default();
        !host.is_empty()
            && !host.contains(['[', ']'])
            && !r.chars().any(|c| c.is_whitespace() || c.is_control())
    }) && s.chars().count() <= 2000
}

impl CohortSpec {
    /// Whether going from `before` to this changes what learners plan around: the dates,
    /// the capacity, or where it meets (its location or joining link). `cohort.updated`
    /// announces those changes, and no other (a label or delivery mode alone, say).
    pub fn moves_for_learners(&self, before: &CohortSpec) -> bool {
        self.start_date != before.start_date
            || self.end_date != before.end_date
            || self.capacity != before.capacity
            || self.location != before.location
            || self.joining_link != before.joining_link
    }

    pub fn parse(input: CohortInput) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let label = name(&mut e, "label", input.label);
        let start = input.start_date;
        let end = input.end_date;
        if start.is_none() {
            e.add("start_date", "is required (YYYY-MM-DD)");
        }
        if end.is_none() {
            e.add("end_date", "is required (YYYY-MM-DD)");
        }
        for (field, date) in [("start_date", start), ("end_date", end)] {
            if date.is_some_and(|d| !crate::validation::date_in_range(d)) {
                e.add(field, crate::validation::date_range_message());
            }
        }
        if let (Some(s), Some(en)) = (start, end)
            && en < s
        {
            e.add("end_date", "must not be before start_date");
        }
        let capacity = match input.capacity {
            None => {
                e.add("capacity", "is required");
                None
            }
            Some(c) if !(1..=MAX_CAPACITY).contains(&c) => {
                e.add(
                    "capacity",
                    format!("must be a whole number from 1 to {MAX_CAPACITY}"),
                );
                None
            }
            Some(c) => Some(c),
        };
        let delivery_mode = match input.delivery_mode {
            None => {
                e.add("delivery_mode", "is required");
                None
            }
            Some(m) => e.check("delivery_mode", DeliveryMode::parse(&m)),
        };
        if input
            .location
            .as_ref()
            .is_some_and(|l| l.chars().count() > LOCATION_CHARS)
        {
            e.add(
                "location",
                format!("must be at most {LOCATION_CHARS} characters"),
            );
        }
        let location = input
            .location
            .map(|l| l.trim().to_owned())
            .filter(|l| !l.is_empty());
        let joining_link = input
            .joining_link
            .map(|l| l.trim().to_owned())
            .filter(|l| !l.is_empty());
        if joining_link.as_ref().is_some_and(|l| !is_web_link(l)) {
            e.add("joining_link", "must be an http:// or https:// link");
        }
        match (label, start, end, capacity, delivery_mode) {
            (
                Some(label),
                Some(start_date),
                Some(end_date),
                Some(capacity),
                Some(delivery_mode),
            ) if e.is_empty() => Ok(Self {
                label,
                start_date,
                end_date,
                capacity,
                waitlist_enabled: input.waitlist_enabled.unwrap_or(true),
                delivery_mode,
                location,
                joining_link,
            }),
            _ => Err(e),
        }
    }

    pub fn label(&self) -> &str {
        &self.label
    }
    pub fn start_date(&self) -> NaiveDate {
        self.start_date
    }
    pub fn end_date(&self) -> NaiveDate {
        self.end_date
    }
    pub fn capacity(&self) -> i64 {
        self.capacity
    }
    pub fn waitlist_enabled(&self) -> bool {
        self.waitlist_enabled
    }
    pub fn delivery_mode(&self) -> DeliveryMode {
        self.delivery_mode
    }
    pub fn location(&self) -> Option<&str> {
        self.location.as_deref()
    }
    pub fn joining_link(&self) -> Option<&str> {
        self.joining_link.as_deref()
    }

    pub fn to_input(&self) -> CohortInput {
        CohortInput {
            label: Some(self.label.clone()),
            start_date: Some(self.start_date),
            end_date: Some(self.end_date),
            capacity: Some(self.capacity),
            waitlist_enabled: Some(self.waitlist_enabled),
            delivery_mode: Some(self.delivery_mode.value().to_owned()),
            location: self.location.clone(),
            joining_link: self.joining_link.clone(),
        }
    }
}

#[cfg(test)]
mod tests;
