//! Supply and demand for a year: the headcount organisations say needs learning, per
//! priority and per programme named, against the seats offered in that year's cohorts
//! (every cohort starting in the year but the cancelled) and the people seated in them.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use diesel::dsl::{count, count_star, sum};
use diesel::prelude::*;
use domain::{CohortStatus, EnrolmentStatus, Vocabulary};
use uuid::Uuid;

use crate::db::DbConnection;
use crate::error::StoreResult;
use crate::schema::{
    cohort_priorities as cp, cohorts as c, enrolments as e, learning_needs as n, programmes as p,
};
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

/// A programme a need names, and its line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProgrammeSupply {
    pub slug: String,
    pub title: String,
    pub counts: SupplyCounts,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Supply {
    /// By priority code.
    pub priorities: BTreeMap<i32, SupplyCounts>,
    /// By programme, for the programmes the needs name.
    pub programmes: BTreeMap<Uuid, ProgrammeSupply>,
}

/// The year's counts: the caller's own needs and learners (an organisation's client), and
/// every cohort's seats (public). The learners only when `count_learners`: they take a scan
/// of the year's enrolments, which a view of needs against seats can spare. Two statements,
/// one more when a need names a programme, and as many again for the learners. Call inside
/// a read snapshot.
pub fn counts(
    conn: &mut DbConnection,
    year: i32,
    visibility: Visibility,
    count_learners: bool,
) -> StoreResult<Supply> {
    let mut supply = Supply::default();
    let mut needs = n::table
        .left_join(p::table)
        .filter(n::year.eq(year))
        .filter(n::deleted_at.is_null())
        .select((
            n::priority_code,
            (p::id, p::slug, p::title).nullable(),
            n::headcount,
        ))
        .into_boxed::<crate::db::MultiBackend>();
    if let Visibility::Organisation(own) = visibility {
        needs = needs.filter(n::organisation_id.eq(DbUuid(own)));
    }
    type Named = Option<(DbUuid, String, String)>;
    for (code, programme, headcount) in needs.load::<(i32, Named, i32)>(conn)? {
        let lines = [
            Some(supply.priorities.entry(code).or_default()),
            programme.map(|(id, slug, title)| {
                &mut supply
                    .programmes
                    .entry(id.0)
                    .or_insert(ProgrammeSupply {
                        slug,
                        title,
                        counts: SupplyCounts::default(),
                    })
                    .counts
            }),
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
    // Seats: every cohort of the year serving the priority, or of the programme named.
    let seats_by_priority: Vec<(i32, i64, Option<i64>)> = cp::table
        .inner_join(c::table)
        .filter(of_year)
        .group_by(cp::priority_code)
        .select((cp::priority_code, count_star(), sum(c::capacity)))
        .load(conn)?;
    for (code, cohorts, seats) in seats_by_priority {
        let line = supply.priorities.entry(code).or_default();
        (line.cohorts, line.seats_offered) = (cohorts, seats.unwrap_or(0));
    }
    let named: Vec<DbUuid> = supply.programmes.keys().map(|id| DbUuid(*id)).collect();
    if !named.is_empty() {
        let seats: Vec<(DbUuid, i64, Option<i64>)> = c::table
            .filter(of_year)
            .filter(c::programme_id.eq_any(&named))
            .group_by(c::programme_id)
            .select((c::programme_id, count_star(), sum(c::capacity)))
            .load(conn)?;
        for (programme, cohorts, seats) in seats {
            if let Some(line) = supply.programmes.get_mut(&programme.0) {
                let line = &mut line.counts;
                (line.cohorts, line.seats_offered) = (cohorts, seats.unwrap_or(0));
            }
        }
    }
    if !count_learners {
        return Ok(supply);
    }
    // Learners: distinct people seated in those cohorts (the caller's own staff).
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
    if let Some(o) = own {
        by_priority = by_priority.filter(e::organisation_id.eq(o));
    }
    for (code, learners) in by_priority.load::<(i32, i64)>(conn)? {
        supply.priorities.entry(code).or_default().learners = learners;
    }
    if named.is_empty() {
        return Ok(supply);
    }
    let mut by_programme = e::table
        .inner_join(c::table)
        .filter(of_year)
        .filter(c::programme_id.eq_any(&named))
        .filter(e::status.eq_any(seated))
        .group_by(c::programme_id)
        .select((c::programme_id, count(e::person_id).aggregate_distinct()))
        .into_boxed::<crate::db::MultiBackend>();
    if let Some(o) = own {
        by_programme = by_programme.filter(e::organisation_id.eq(o));
    }
    for (programme, learners) in by_programme.load::<(DbUuid, i64)>(conn)? {
        if let Some(line) = supply.programmes.get_mut(&programme.0) {
            line.counts.learners = learners;
        }
    }
    Ok(supply)
}
