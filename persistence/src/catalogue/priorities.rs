//! The seven Leeds priorities with how many published programmes serve each.

use diesel::dsl::count_star;
use diesel::prelude::*;
use domain::{Priority, ProgrammeStatus, Vocabulary};

use crate::db::DbConnection;
use crate::error::{StoreError, StoreResult};
use crate::schema::{priorities, programme_priorities, programmes};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriorityUsage {
    pub priority: Priority,
    pub published_programmes: i64,
}

/// Every priority, in code order, with its published programme count.
pub fn list(conn: &mut DbConnection) -> StoreResult<Vec<PriorityUsage>> {
    let codes: Vec<i32> = priorities::table
        .select(priorities::code)
        .order(priorities::code.asc())
        .load(conn)?;
    let counts: Vec<(i32, i64)> = programme_priorities::table
        .inner_join(programmes::table)
        .filter(programmes::status.eq(ProgrammeStatus::Published.value()))
        .group_by(programme_priorities::priority_code)
        .select((programme_priorities::priority_code, count_star()))
        .load(conn)?;
    codes
        .into_iter()
        .map(|code| {
            let priority = Priority::from_code(i64::from(code))
                .ok_or_else(|| StoreError::Corrupt(format!("priority code {code}")))?;
            let published_programmes = counts
                .iter()
                .find(|(c, _)| *c == code)
                .map_or(0, |(_, n)| *n);
            Ok(PriorityUsage {
                priority,
                published_programmes,
            })
        })
        .collect()
}

pub fn get(conn: &mut DbConnection, priority: Priority) -> StoreResult<PriorityUsage> {
    list(conn)?
        .into_iter()
        .find(|u| u.priority == priority)
        .ok_or(StoreError::NotFound)
}
