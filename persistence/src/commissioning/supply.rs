//! Supply and demand for a year: the headcount organisations say needs learning, per
//! priority and per programme named, against the seats offered in that year's cohorts
//! (every cohort starting in the year but the cancelled) and the people seated in them.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use diesel::dsl::count;
use diesel::prelude::*;
use domain::{CohortStatus, EnrolmentStatus, Vocabulary};
use uuid::Uuid;

use crate::db::DbConnection;
use crate::error::StoreResult;
use crate::schema::{cohort_priorities as cp, cohorts as c, enrolments as e, learning_needs as n};
use crate::sql_types::DbUuid;
use crate::visibility::Visibility;

/// One line of the comparison.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SupplyCounts {
    /// Needs recorded.
    pub needs: i64,
    /// Their headcount.
    pub headcount: i64,
    /// The year's cohorts.
    pub cohorts: i64,
    pub seats_offered: i64,
    /// Distinct people seated (enrolled, completed or not completed) in them.
    pub learners: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Supply {
    /// By priority code.
    pub priorities: BTreeMap<i32, SupplyCounts>,
    /// By programme, for the programmes the needs name.
    pub programmes: BTreeMap<Uuid, SupplyCounts>,
}

/// The year's counts: the caller's own needs and learners (an organisation's client), and
/// every cohort's seats (public). Four statements.
pub fn counts(conn: &mut DbConnection, year: i32, visibility: Visibility) -> StoreResult<Supply> {
    let mut supply = Supply::default();
    let mut needs = n::table
        .filter(n::year.eq(year))
        .select((n::priority_code, n::programme_id, n::headcount))
        .into_boxed::<crate::db::MultiBackend>();
    if let Visibility::Organisation(own) = visibility {
        needs = needs.filter(n::organisation_id.eq(DbUuid(own)));
    }
    for (code, programme, headcount) in needs.load::<(i32, Option<DbUuid>, i32)>(conn)? {
        let lines = [
            Some(supply.priorities.entry(code).or_default()),
            programme.map(|p| supply.programmes.entry(p.0).or_default()),
        ];
        for line in lines.into_iter().flatten() {
            line.needs += 1;
            line.headcount += i64::from(headcount);
        }
    }
    let first = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
    let last = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default();
    let of_year = c::start_date
        .ge(first)
        .and(c::start_date.le(last))
        .and(c::status.ne(CohortStatus::Cancelled.value()));
    let cohorts: Vec<(DbUuid, DbUuid, i32)> = c::table
        .filter(of_year)
        .select((c::id, c::programme_id, c::capacity))
        .load(conn)?;
    let ids: Vec<DbUuid> = cohorts.iter().map(|(id, ..)| *id).collect();
    let served: Vec<(DbUuid, i32)> = cp::table
        .filter(cp::cohort_id.eq_any(&ids))
        .select((cp::cohort_id, cp::priority_code))
        .load(conn)?;
    for (id, programme, capacity) in &cohorts {
        let offer = |line: &mut SupplyCounts| {
            line.cohorts += 1;
            line.seats_offered += i64::from(*capacity);
        };
        if let Some(line) = supply.programmes.get_mut(&programme.0) {
            offer(line);
        }
        for (_, code) in served.iter().filter(|(cohort, _)| cohort == id) {
            offer(supply.priorities.entry(*code).or_default());
        }
    }
    let seated = [
        EnrolmentStatus::Enrolled.value(),
        EnrolmentStatus::Completed.value(),
        EnrolmentStatus::NotCompleted.value(),
    ];
    let own = match visibility {
        Visibility::Organisation(o) => Some(DbUuid(o)),
        Visibility::All => None,
    };
    let mut by_priority = e::table
        .inner_join(c::table.inner_join(cp::table))
        .filter(of_year)
        .filter(e::status.eq_any(seated))
        .group_by(cp::priority_code)
        .select((cp::priority_code, count(e::person_id).aggregate_distinct()))
        .into_boxed::<crate::db::MultiBackend>();
    let mut by_programme = e::table
        .inner_join(c::table)
        .filter(of_year)
        .filter(e::status.eq_any(seated))
        .group_by(c::programme_id)
        .select((c::programme_id, count(e::person_id).aggregate_distinct()))
        .into_boxed::<crate::db::MultiBackend>();
    if let Some(o) = own {
        by_priority = by_priority.filter(e::organisation_id.eq(o));
        by_programme = by_programme.filter(e::organisation_id.eq(o));
    }
    for (code, learners) in by_priority.load::<(i32, i64)>(conn)? {
        supply.priorities.entry(code).or_default().learners = learners;
    }
    for (programme, learners) in by_programme.load::<(DbUuid, i64)>(conn)? {
        if let Some(line) = supply.programmes.get_mut(&programme.0) {
            line.learners = learners;
        }
    }
    Ok(supply)
}
