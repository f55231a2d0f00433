//! People, cohorts, enrolments, sessions and attendance.

pub mod cohorts;
pub mod enrolments;
pub mod imports;
pub mod people;
pub mod sessions;
