//! People, cohorts, enrolments, sessions and attendance.

mod admission;
pub mod cohort_sessions;
pub mod cohorts;
pub mod enrolment_sync;
pub mod enrolments;
pub mod export_copy;
pub mod imports;
pub mod people;
pub mod seats;
