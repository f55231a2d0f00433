//! The seven Leeds priorities with how many published programmes serve each (counted from
//! the catalogue snapshot, see `Snapshot::priority_usage`).

use domain::Priority;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriorityUsage {
    pub priority: Priority,
    pub published_programmes: i64,
}
