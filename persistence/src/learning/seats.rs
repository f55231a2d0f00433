//! Seats of a cohort: the lock every seat decision takes, the counts, handing free seats to
//! the waitlist and cancelling every place. Cohorts and enrolments both call it; it calls
//! neither, so there is no cycle between them.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::dsl::count_star;
use diesel::prelude::*;
use domain::webhook::EventType;
use domain::{CohortStatus, EnrolmentStatus, Seats, Vocabulary};
use uuid::Uuid;

use crate::webhooks::{self, Event};

use crate::clock::now;
use crate::db::DbConnection;
use crate::error::{StoreError, StoreResult};
use crate::schema::{cohorts, enrolments};
use crate::sql_types::DbUuid;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SeatCounts {
    pub enrolled: i64,
    pub waitlisted: i64,
    /// Completed or not completed: their seats stay used, nobody else takes them.
    pub finished: i64,
}

impl SeatCounts {
    /// Seats in use: enrolled, completed and not completed.
    pub fn taken(&self) -> i64 {
        self.enrolled + self.finished
    }
}

/// The statuses that hold a seat.
pub const SEATED: [EnrolmentStatus; 3] = [
    EnrolmentStatus::Enrolled,
    EnrolmentStatus::Completed,
    EnrolmentStatus::NotCompleted,
];

/// Takes the cohort's row lock for the rest of the transaction (PostgreSQL), or the
/// database's write lock (SQLite): seat decisions made after it cannot race. The no-op
/// UPDATE does both portably. `NotFound` when there is no such cohort.
pub fn lock(conn: &mut DbConnection, id: Uuid) -> StoreResult<()> {
    let n = diesel::update(cohorts::table.filter(cohorts::id.eq(DbUuid(id))))
        .set(cohorts::next_queue_seq.eq(cohorts::next_queue_seq))
        .execute(conn)?;
    if n == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

/// What an admission needs of the cohort, read under its lock, and the waitlist ticket the
/// next waitlisted person takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdmissionLock {
    /// Status, capacity, seats taken and waitlist of the cohort.
    pub seats: Seats,
    pub next_ticket: i32,
}

type SeatRow = (String, i32, bool, i32, i32, i32);

fn seats_of(
    (status, capacity, waitlist_enabled, next, enrolled, finished): SeatRow,
) -> StoreResult<AdmissionLock> {
    let status = CohortStatus::parse(&status).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Ok(AdmissionLock {
        seats: Seats {
            status,
            capacity: i64::from(capacity),
            enrolled: i64::from(enrolled) + i64::from(finished),
            waitlist_enabled,
        },
        next_ticket: next,
    })
}

/// The admission variant of [`lock`]: one `UPDATE … RETURNING` takes the cohort's lock and
/// reads what the seat decision needs, from the cohort's counters. `NotFound` when there is
/// no such cohort.
pub fn lock_for_admission(conn: &mut DbConnection, cohort_id: Uuid) -> StoreResult<AdmissionLock> {
    let row: Option<SeatRow> =
        diesel::update(cohorts::table.filter(cohorts::id.eq(DbUuid(cohort_id))))
            .set(cohorts::next_queue_seq.eq(cohorts::next_queue_seq))
            .returning(SEAT_COLUMNS)
            .get_result(conn)
            .optional()?;
    seats_of(row.ok_or(StoreError::NotFound)?)
}

const SEAT_COLUMNS: (
    cohorts::status,
    cohorts::capacity,
    cohorts::waitlist_enabled,
    cohorts::next_queue_seq,
    cohorts::enrolled_count,
    cohorts::finished_count,
) = (
    cohorts::status,
    cohorts::capacity,
    cohorts::waitlist_enabled,
    cohorts::next_queue_seq,
    cohorts::enrolled_count,
    cohorts::finished_count,
);

/// The cohort's seats as its counters have them now (no lock). `NotFound` when there is no
/// such cohort.
pub fn of(conn: &mut DbConnection, cohort_id: Uuid) -> StoreResult<Seats> {
    let row: Option<SeatRow> = cohorts::table
        .filter(cohorts::id.eq(DbUuid(cohort_id)))
        .select(SEAT_COLUMNS)
        .first(conn)
        .optional()?;
    Ok(seats_of(row.ok_or(StoreError::NotFound)?)?.seats)
}

/// Counts one new enrolment of `status` on the (locked) cohort; a waitlisted one takes the
/// next ticket.
pub fn taken_one(
    conn: &mut DbConnection,
    cohort_id: Uuid,
    status: EnrolmentStatus,
) -> StoreResult<()> {
    let cohort = cohorts::table.filter(cohorts::id.eq(DbUuid(cohort_id)));
    if status == EnrolmentStatus::Waitlisted {
        diesel::update(cohort)
            .set((
                cohorts::waitlisted_count.eq(cohorts::waitlisted_count + 1),
                cohorts::next_queue_seq.eq(cohorts::next_queue_seq + 1),
            ))
            .execute(conn)?;
    } else {
        diesel::update(cohort)
            .set(cohorts::enrolled_count.eq(cohorts::enrolled_count + 1))
            .execute(conn)?;
    }
    Ok(())
}

/// Recomputes the (locked) cohort's counters from its enrolments: every write that changes
/// enrolment statuses other than an admission calls it before it commits.
pub fn recount(conn: &mut DbConnection, cohort_id: Uuid) -> StoreResult<()> {
    let c = counts(conn, &[DbUuid(cohort_id)])?
        .get(&DbUuid(cohort_id))
        .copied()
        .unwrap_or_default();
    let n = |v: i64| i32::try_from(v).map_err(|e| StoreError::Corrupt(e.to_string()));
    diesel::update(cohorts::table.filter(cohorts::id.eq(DbUuid(cohort_id))))
        .set((
            cohorts::enrolled_count.eq(n(c.enrolled)?),
            cohorts::waitlisted_count.eq(n(c.waitlisted)?),
            cohorts::finished_count.eq(n(c.finished)?),
        ))
        .execute(conn)?;
    Ok(())
}

/// Seat counts of the given cohorts (a cohort nobody joined is absent).
pub fn counts(conn: &mut DbConnection, ids: &[DbUuid]) -> StoreResult<HashMap<DbUuid, SeatCounts>> {
    let rows: Vec<(DbUuid, String, i64)> = enrolments::table
        .filter(enrolments::cohort_id.eq_any(ids))
        .filter(enrolments::status.ne_all([
            EnrolmentStatus::Withdrawn.value(),
            EnrolmentStatus::Cancelled.value(),
        ]))
        .group_by((enrolments::cohort_id, enrolments::status))
        .select((enrolments::cohort_id, enrolments::status, count_star()))
        .load(conn)?;
    let mut counts: HashMap<DbUuid, SeatCounts> = HashMap::new();
    for (id, status, n) in rows {
        let c = counts.entry(id).or_default();
        match EnrolmentStatus::parse(&status) {
            Ok(EnrolmentStatus::Enrolled) => c.enrolled = n,
            Ok(EnrolmentStatus::Waitlisted) => c.waitlisted = n,
            Ok(EnrolmentStatus::Completed | EnrolmentStatus::NotCompleted) => c.finished += n,
            _ => {}
        }
    }
    Ok(counts)
}

/// Gives free seats of a (locked) cohort to the waitlist, first in, first served.
pub fn fill(conn: &mut DbConnection, cohort_id: Uuid) -> StoreResult<usize> {
    let (status, capacity): (String, i32) = cohorts::table
        .filter(cohorts::id.eq(DbUuid(cohort_id)))
        .select((cohorts::status, cohorts::capacity))
        .first(conn)?;
    let status = CohortStatus::parse(&status).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    if !matches!(status, CohortStatus::Open | CohortStatus::Running) {
        return Ok(0);
    }
    let taken = counts(conn, &[DbUuid(cohort_id)])?
        .get(&DbUuid(cohort_id))
        .map_or(0, SeatCounts::taken);
    let free = (i64::from(capacity) - taken).max(0);
    let next: Vec<(DbUuid, DbUuid, Option<DbUuid>)> = enrolments::table
        .filter(enrolments::cohort_id.eq(DbUuid(cohort_id)))
        .filter(enrolments::status.eq(EnrolmentStatus::Waitlisted.value()))
        .order(enrolments::queue_seq.asc())
        .limit(free)
        .select((
            enrolments::id,
            enrolments::person_id,
            enrolments::organisation_id,
        ))
        .load(conn)?;
    if next.is_empty() {
        return Ok(0);
    }
    let at = now();
    let ids: Vec<DbUuid> = next.iter().map(|n| n.0).collect();
    diesel::update(enrolments::table.filter(enrolments::id.eq_any(&ids)))
        .set((
            enrolments::status.eq(EnrolmentStatus::Enrolled.value()),
            enrolments::enrolled_at.eq(Some(at)),
            enrolments::updated_at.eq(at),
            enrolments::version.eq(enrolments::version + 1),
        ))
        .execute(conn)?;
    let events = changed(
        EventType::EnrolmentPromoted,
        cohort_id,
        EnrolmentStatus::Enrolled,
        &next,
        at,
    );
    webhooks::emit(conn, &events)?;
    Ok(next.len())
}

/// Cancels every live enrolment of a cohort (the cohort was cancelled).
pub fn cancel_all(
    conn: &mut DbConnection,
    cohort_id: Uuid,
    at: NaiveDateTime,
) -> StoreResult<usize> {
    let cancelled: Vec<(DbUuid, DbUuid, Option<DbUuid>)> = diesel::update(
        enrolments::table
            .filter(enrolments::cohort_id.eq(DbUuid(cohort_id)))
            .filter(enrolments::status.eq_any([
                EnrolmentStatus::Enrolled.value(),
                EnrolmentStatus::Waitlisted.value(),
            ])),
    )
    .set((
        enrolments::status.eq(EnrolmentStatus::Cancelled.value()),
        enrolments::ended_at.eq(Some(at)),
        enrolments::updated_at.eq(at),
        enrolments::version.eq(enrolments::version + 1),
    ))
    .returning((
        enrolments::id,
        enrolments::person_id,
        enrolments::organisation_id,
    ))
    .get_results(conn)?;
    let events = changed(
        EventType::EnrolmentCancelled,
        cohort_id,
        EnrolmentStatus::Cancelled,
        &cancelled,
        at,
    );
    webhooks::emit(conn, &events)?;
    Ok(cancelled.len())
}

/// One event per enrolment (id, person, organisation) of the cohort that became `status`.
fn changed(
    event_type: EventType,
    cohort_id: Uuid,
    status: EnrolmentStatus,
    rows: &[(DbUuid, DbUuid, Option<DbUuid>)],
    at: NaiveDateTime,
) -> Vec<Event> {
    rows.iter()
        .map(|(id, person, org)| {
            Event::enrolment_parts(
                event_type,
                id.0,
                cohort_id,
                person.0,
                org.map(|o| o.0),
                status.value(),
                at,
            )
        })
        .collect()
}
