//! Enrolments: a person's place (or place in the queue) on a cohort, and what became of it.

use crate::cohort::CohortStatus;
use crate::vocabulary::{Vocabulary, vocabulary_enum};

vocabulary_enum! {
    /// `waitlisted → enrolled`; `enrolled | waitlisted → withdrawn`;
    /// `enrolled → completed | not_completed`; any live state → `cancelled` with its cohort.
    EnrolmentStatus {
        /// In the queue for a seat.
        Waitlisted = "waitlisted": "Waitlisted",
        /// Holds a seat.
        Enrolled = "enrolled": "Enrolled",
        /// Left, by choice.
        Withdrawn = "withdrawn": "Withdrawn",
        /// Finished the programme.
        Completed = "completed": "Completed",
        /// Took part but did not complete.
        NotCompleted = "not_completed": "Not completed",
        /// The cohort was cancelled.
        Cancelled = "cancelled": "Cancelled",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("an enrolment that is {from} cannot become {to}")]
pub struct EnrolmentTransitionError {
    pub from: &'static str,
    pub to: &'static str,
}

impl EnrolmentStatus {
    /// Holds a seat or a place in the queue.
    pub fn is_live(self) -> bool {
        matches!(self, Self::Waitlisted | Self::Enrolled)
    }

    pub fn transition(
        self,
        to: EnrolmentStatus,
    ) -> Result<EnrolmentStatus, EnrolmentTransitionError> {
        use EnrolmentStatus::*;
        let allowed = matches!(
            (self, to),
            (Waitlisted, Enrolled)
                | (Enrolled | Waitlisted, Withdrawn)
                | (Enrolled, Completed | NotCompleted)
                | (Enrolled | Waitlisted, Cancelled)
        );
        if allowed {
            Ok(to)
        } else {
            Err(EnrolmentTransitionError {
                from: self.value(),
                to: to.value(),
            })
        }
    }
}

/// Where a new enrolment lands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    Enrolled,
    Waitlisted,
}

/// Why a new enrolment is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the cohort is {0}, not open for enrolment")]
    CohortNotOpen(&'static str),
    #[error("the cohort is full and has no waitlist")]
    Full,
    #[error("the person is already {0} on this cohort")]
    AlreadyOn(&'static str),
}

/// What the cohort looks like when someone asks to join it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seats {
    pub status: CohortStatus,
    pub capacity: i64,
    pub enrolled: i64,
    pub waitlist_enabled: bool,
}

/// The rule for a new enrolment: a seat while seats remain, else the waitlist, else refused.
pub fn admit(seats: Seats, existing: Option<EnrolmentStatus>) -> Result<Admission, Refusal> {
    if seats.status != CohortStatus::Open {
        return Err(Refusal::CohortNotOpen(seats.status.value()));
    }
    if let Some(s) = existing.filter(|s| s.is_live()) {
        return Err(Refusal::AlreadyOn(s.value()));
    }
    if seats.enrolled < seats.capacity {
        Ok(Admission::Enrolled)
    } else if seats.waitlist_enabled {
        Ok(Admission::Waitlisted)
    } else {
        Err(Refusal::Full)
    }
}

vocabulary_enum! {
    /// A person's attendance at one session.
    AttendanceStatus {
        Present = "present": "Present",
        Absent = "absent": "Absent",
        /// Absent with a reason agreed in advance: not counted against the rate.
        Excused = "excused": "Excused",
    }
}

/// Share of counted sessions attended: present ÷ (present + absent). Excused sessions are not
/// counted; `None` until something is counted.
pub fn attendance_rate(present: i64, absent: i64) -> Option<f64> {
    let counted = present + absent;
    (counted > 0).then(|| present as f64 / counted as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seats(status: CohortStatus, enrolled: i64, waitlist_enabled: bool) -> Seats {
        Seats {
            status,
            capacity: 2,
            enrolled,
            waitlist_enabled,
        }
    }

    #[test]
    fn seats_then_waitlist_then_refusal() {
        assert_eq!(
            admit(seats(CohortStatus::Open, 0, true), None),
            Ok(Admission::Enrolled)
        );
        assert_eq!(
            admit(seats(CohortStatus::Open, 1, false), None),
            Ok(Admission::Enrolled)
        );
        assert_eq!(
            admit(seats(CohortStatus::Open, 2, true), None),
            Ok(Admission::Waitlisted)
        );
        assert_eq!(
            admit(seats(CohortStatus::Open, 2, false), None),
            Err(Refusal::Full)
        );
        assert_eq!(
            admit(seats(CohortStatus::Planned, 0, true), None),
            Err(Refusal::CohortNotOpen("planned"))
        );
        assert_eq!(
            admit(
                seats(CohortStatus::Open, 0, true),
                Some(EnrolmentStatus::Waitlisted)
            ),
            Err(Refusal::AlreadyOn("waitlisted"))
        );
        assert_eq!(
            admit(
                seats(CohortStatus::Open, 0, true),
                Some(EnrolmentStatus::Withdrawn)
            ),
            Ok(Admission::Enrolled),
            "may rejoin"
        );
    }

    #[test]
    fn the_enrolment_state_machine() {
        use EnrolmentStatus::*;
        let allowed = [
            (Waitlisted, Enrolled),
            (Waitlisted, Withdrawn),
            (Enrolled, Withdrawn),
            (Enrolled, Completed),
            (Enrolled, NotCompleted),
            (Enrolled, Cancelled),
            (Waitlisted, Cancelled),
        ];
        for from in EnrolmentStatus::all() {
            for to in EnrolmentStatus::all() {
                let ok = from.transition(*to).is_ok();
                assert_eq!(ok, allowed.contains(&(*from, *to)), "{from:?} → {to:?}");
            }
        }
        assert_eq!(
            Completed.transition(Withdrawn).unwrap_err().to_string(),
            "an enrolment that is completed cannot become withdrawn"
        );
    }

    #[test]
    fn attendance_rate_ignores_excused() {
        assert_eq!(attendance_rate(0, 0), None);
        assert_eq!(attendance_rate(3, 1), Some(0.75));
        assert_eq!(attendance_rate(2, 0), Some(1.0));
    }
}
