//! The impact reports' counting, in the database: each report is a few `GROUP BY` queries
//! over one read snapshot, never a scan in Rust, and never a lock an enrolment waits for.

pub mod communities;
pub mod learning;
mod learning_sql;
pub mod priorities;
pub mod together;
