//! Enrolments: admission under the cohort's lock (so capacity holds across processes),
//! transitions, waitlist promotion in the same transaction, and the HR view.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use domain::enrolment::admit;
use domain::webhook::EventType;
use domain::{Admission, EnrolmentStatus, Refusal, Vocabulary};
use uuid::Uuid;

use crate::webhooks::{self, Event};

use super::admission;
use super::people;
use super::seats;
use crate::access::audit::{self, AuditEntry};
use crate::clock::now;
use crate::db::{DbConnection, MultiBackend};
use crate::error::{Refused, StoreError, StoreResult};
use crate::schema::enrolments;
use crate::sql_types::DbUuid;
use crate::visibility::Visibility;

#[derive(Debug, Clone, PartialEq)]
pub struct EnrolmentRecord {
    pub id: Uuid,
    pub cohort_id: Uuid,
    pub person_id: Uuid,
    pub organisation_id: Option<Uuid>,
    pub status: EnrolmentStatus,
    /// 1-based place in the waitlist, for waitlisted enrolments.
    pub waitlist_position: Option<i64>,
    pub enrolled_at: Option<NaiveDateTime>,
    pub ended_at: Option<NaiveDateTime>,
    pub outcome_date: Option<NaiveDate>,
    pub present: i64,
    pub absent: i64,
    pub excused: i64,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable)]
pub struct EnrolmentRow {
    pub(super) id: DbUuid,
    pub(super) cohort_id: DbUuid,
    pub(super) person_id: DbUuid,
    pub(super) organisation_id: Option<DbUuid>,
    pub(super) status: String,
    pub(super) queue_seq: Option<i32>,
    pub(super) enrolled_at: Option<NaiveDateTime>,
    pub(super) ended_at: Option<NaiveDateTime>,
    pub(super) outcome_date: Option<NaiveDate>,
    pub(super) present_count: i32,
    pub(super) absent_count: i32,
    pub(super) excused_count: i32,
    pub(super) version: i32,
    pub(super) created_at: NaiveDateTime,
    pub(super) updated_at: NaiveDateTime,
}

impl EnrolmentRow {
    pub(super) fn record(self, waitlist_position: Option<i64>) -> StoreResult<EnrolmentRecord> {
        let status = EnrolmentStatus::parse(&self.status)
            .map_err(|e| StoreError::Corrupt(format!("enrolment {}: {e}", self.id.0)))?;
        Ok(EnrolmentRecord {
            id: self.id.0,
            cohort_id: self.cohort_id.0,
            person_id: self.person_id.0,
            organisation_id: self.organisation_id.map(|o| o.0),
            status,
            waitlist_position: if status == EnrolmentStatus::Waitlisted {
                waitlist_position
            } else {
                None
            },
            enrolled_at: self.enrolled_at,
            ended_at: self.ended_at,
            outcome_date: self.outcome_date,
            present: i64::from(self.present_count),
            absent: i64::from(self.absent_count),
            excused: i64::from(self.excused_count),
            version: self.version,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

fn position(
    conn: &mut DbConnection,
    cohort_id: DbUuid,
    queue_seq: Option<i32>,
) -> StoreResult<Option<i64>> {
    let Some(seq) = queue_seq else {
        return Ok(None);
    };
    let ahead: i64 = enrolments::table
        .filter(enrolments::cohort_id.eq(cohort_id))
        .filter(enrolments::status.eq(EnrolmentStatus::Waitlisted.value()))
        .filter(enrolments::queue_seq.le(seq))
        .count()
        .get_result(conn)?;
    Ok(Some(ahead))
}

pub fn get(
    conn: &mut DbConnection,
    id: Uuid,
    visibility: Visibility,
) -> StoreResult<EnrolmentRecord> {
    let row: EnrolmentRow = enrolments::table
        .filter(enrolments::id.eq(DbUuid(id)))
        .select(enrolments::all_columns)
        .first(conn)?;
    if !visibility.sees(row.organisation_id.map(|o| o.0)) {
        return Err(StoreError::NotFound);
    }
    let pos = position(conn, row.cohort_id, row.queue_seq)?;
    row.record(pos)
}

/// Enrols `person_id` on the cohort: a seat while seats remain, else the waitlist, else a
/// `StateConflict` saying why. "Already on the cohort" is enforced by the unique index on
/// live enrolments. On PostgreSQL the decision and the writes are one statement
/// ([`admission`]); on SQLite, one transaction under the database's write lock.
pub fn enrol(
    conn: &mut DbConnection,
    cohort_id: Uuid,
    person_id: Uuid,
    visibility: Visibility,
    audit: &AuditEntry,
) -> StoreResult<EnrolmentRecord> {
    let result = if matches!(conn, DbConnection::Postgresql(_)) {
        admit_on_postgres(conn, cohort_id, person_id, visibility, audit)
    } else {
        admit_in_transaction(conn, cohort_id, person_id, visibility, audit)
    };
    match result {
        Ok(record) => Ok(record),
        // The unique index refused a second live place, or the cohort is full: if the person
        // is already on it, say so (the domain's order of reasons).
        Err(e @ (StoreError::Conflict(_) | StoreError::Refused(_))) => {
            let existing: Option<String> = enrolments::table
                .filter(enrolments::cohort_id.eq(DbUuid(cohort_id)))
                .filter(enrolments::person_id.eq(DbUuid(person_id)))
                .filter(enrolments::status.eq_any([
                    EnrolmentStatus::Enrolled.value(),
                    EnrolmentStatus::Waitlisted.value(),
                ]))
                .select(enrolments::status)
                .first(conn)
                .optional()?;
            Err(match (existing, e) {
                (_, e @ StoreError::Refused(Refused::Admission(Refusal::CohortNotOpen(_)))) => e,
                (Some(s), _) => match EnrolmentStatus::parse(&s) {
                    Ok(s) => StoreError::refused(Refusal::AlreadyOn(s.value())),
                    Err(e) => StoreError::Corrupt(e.to_string()),
                },
                (None, StoreError::Conflict(_)) => StoreError::StateConflict(
                    "the person was just enrolled or waitlisted by another request; retry to see which".into(),
                ),
                (None, e) => e,
            })
        }
        Err(e) => Err(e),
    }
}

/// The person's organisation, if the caller may enrol them (not erased, and visible).
fn enrollable(
    conn: &mut DbConnection,
    person_id: Uuid,
    visibility: Visibility,
) -> StoreResult<Option<Uuid>> {
    let person = people::get(conn, person_id, visibility)?;
    if person.erased_at.is_some() {
        Err(StoreError::NotFound)
    } else {
        Ok(person.organisation_id)
    }
}

/// One statement when a seat or a ticket can be had. Otherwise the person and the cohort are
/// read and the domain says why not; should the seats have changed meanwhile, the admission
/// runs again.
fn admit_on_postgres(
    conn: &mut DbConnection,
    cohort_id: Uuid,
    person_id: Uuid,
    visibility: Visibility,
    audit: &AuditEntry,
) -> StoreResult<EnrolmentRecord> {
    let attempt = admission::Attempt {
        cohort_id,
        person_id,
        organisation: match visibility {
            Visibility::All => None,
            Visibility::Organisation(own) => Some(own),
        },
        id: Uuid::now_v7(),
        at: now(),
        audit,
    };
    for _ in 0..3 {
        for how in [admission::Try::Seat, admission::Try::Waitlist] {
            if let Some(record) = admission::attempt(conn, how, &attempt)? {
                return Ok(record);
            }
        }
        why_not(conn, cohort_id, person_id, visibility)?;
    }
    Err(StoreError::StateConflict(
        "the cohort's seats kept changing while this enrolment was decided; retry".into(),
    ))
}

/// Moves an enrolment to `to` (withdrawn, completed, not_completed). Withdrawing a seat
/// hands it to the first person waiting, in the same transaction.
pub fn transition(
    conn: &mut DbConnection,
    id: Uuid,
    to: EnrolmentStatus,
    outcome_date: Option<NaiveDate>,
    visibility: Visibility,
    audit: &AuditEntry,
) -> StoreResult<EnrolmentRecord> {
    conn.transaction(|conn| {
        let before = get(conn, id, visibility)?;
        seats::lock(conn, before.cohort_id)?;
        let current = get(conn, id, visibility)?;
        let next = current.status.transition(to).map_err(StoreError::refused)?;
        let at = now();
        let outcome = match next {
            EnrolmentStatus::Completed | EnrolmentStatus::NotCompleted => {
                Some(outcome_date.unwrap_or_else(|| at.date()))
            }
            _ => None,
        };
        diesel::update(enrolments::table.filter(enrolments::id.eq(DbUuid(id))))
            .set((
                enrolments::status.eq(next.value()),
                enrolments::ended_at.eq(Some(at)),
                enrolments::outcome_date.eq(outcome),
                enrolments::updated_at.eq(at),
                enrolments::version.eq(enrolments::version + 1),
            ))
            .execute(conn)?;
        if current.status == EnrolmentStatus::Enrolled && next == EnrolmentStatus::Withdrawn {
            seats::fill(conn, current.cohort_id)?;
        }
        seats::recount(conn, current.cohort_id)?;
        let event = match next {
            EnrolmentStatus::Withdrawn => EventType::EnrolmentWithdrawn,
            EnrolmentStatus::Completed => EventType::EnrolmentCompleted,
            _ => EventType::EnrolmentNotCompleted,
        };
        webhooks::emit_one(
            conn,
            Event::enrolment_parts(
                event,
                id,
                current.cohort_id,
                current.person_id,
                current.organisation_id,
                next.value(),
                at,
            ),
        )?;
        let verb = match next {
            EnrolmentStatus::Withdrawn => "withdraw",
            EnrolmentStatus::Completed => "complete",
            EnrolmentStatus::NotCompleted => "not_complete",
            _ => "update",
        };
        audit::record(
            conn,
            &audit.succeeded(
                &format!("enrolment.{verb}"),
                "enrolment",
                Some(id.to_string()),
                200,
            ),
        )?;
        get(conn, id, Visibility::All)
    })
}

/// Enrolments of a cohort: enrolled first, then the waitlist in order.
pub fn of_cohort(
    conn: &mut DbConnection,
    cohort_id: Uuid,
    visibility: Visibility,
) -> StoreResult<Vec<EnrolmentRecord>> {
    let mut q = enrolments::table
        .filter(enrolments::cohort_id.eq(DbUuid(cohort_id)))
        .select(enrolments::all_columns)
        .into_boxed::<MultiBackend>();
    if let Visibility::Organisation(own) = visibility {
        q = q.filter(enrolments::organisation_id.eq(DbUuid(own)));
    }
    let rows: Vec<EnrolmentRow> = q
        .order((enrolments::created_at.asc(), enrolments::id.asc()))
        .load(conn)?;
    let mut waitlist: Vec<i32> = rows
        .iter()
        .filter(|r| r.status == EnrolmentStatus::Waitlisted.value())
        .filter_map(|r| r.queue_seq)
        .collect();
    waitlist.sort_unstable();
    // Positions among the whole waitlist, not only the visible part of it.
    let all_waiting: Vec<i32> = enrolments::table
        .filter(enrolments::cohort_id.eq(DbUuid(cohort_id)))
        .filter(enrolments::status.eq(EnrolmentStatus::Waitlisted.value()))
        .select(enrolments::queue_seq.assume_not_null())
        .order(enrolments::queue_seq.asc())
        .load(conn)?;
    rows.into_iter()
        .map(|r| {
            let pos = r
                .queue_seq
                .and_then(|s| all_waiting.binary_search(&s).ok())
                .map(|p| p as i64 + 1);
            r.record(pos)
        })
        .collect()
}

/// Why neither conditional admission took: the person may not be enrolled (`NotFound`), or
/// the domain's refusal given the cohort as it is now. `Ok` when it would admit now (the
/// seats changed since): try again.
fn why_not(
    conn: &mut DbConnection,
    cohort_id: Uuid,
    person_id: Uuid,
    visibility: Visibility,
) -> StoreResult<()> {
    enrollable(conn, person_id, visibility)?;
    let seats = seats::of(conn, cohort_id)?;
    admit(seats, None).map(|_| ()).map_err(StoreError::refused)
}

/// SQLite: the lock first (a read before the first write could find its snapshot stale when
/// it comes to write), then the person, the seats, the insert, the audit and the counters.
fn admit_in_transaction(
    conn: &mut DbConnection,
    cohort_id: Uuid,
    person_id: Uuid,
    visibility: Visibility,
    audit: &AuditEntry,
) -> StoreResult<EnrolmentRecord> {
    let id = conn.transaction(|conn| -> StoreResult<Uuid> {
        let ticket = seats::lock_for_admission(conn, cohort_id)?;
        let organisation = enrollable(conn, person_id, visibility)?;
        let admission = admit(ticket.seats, None).map_err(StoreError::refused)?;
        let at = now();
        let id = DbUuid(Uuid::now_v7());
        let (status, queue_seq, enrolled_at) = match admission {
            Admission::Enrolled => (EnrolmentStatus::Enrolled, None, Some(at)),
            Admission::Waitlisted => (EnrolmentStatus::Waitlisted, Some(ticket.next_ticket), None),
        };
        diesel::insert_into(enrolments::table)
            .values((
                enrolments::id.eq(id),
                enrolments::cohort_id.eq(DbUuid(cohort_id)),
                enrolments::person_id.eq(DbUuid(person_id)),
                enrolments::organisation_id.eq(organisation.map(DbUuid)),
                enrolments::status.eq(status.value()),
                enrolments::queue_seq.eq(queue_seq),
                enrolments::enrolled_at.eq(enrolled_at),
                enrolments::created_at.eq(at),
                enrolments::updated_at.eq(at),
            ))
            .execute(conn)?;
        seats::taken_one(conn, cohort_id, status)?;
        webhooks::emit_one(
            conn,
            Event::enrolment_parts(
                EventType::EnrolmentCreated,
                id.0,
                cohort_id,
                person_id,
                organisation,
                status.value(),
                at,
            ),
        )?;
        audit::record(
            conn,
            &audit.succeeded("enrolment.create", "enrolment", Some(id.0.to_string()), 201),
        )?;
        Ok(id.0)
    })?;
    get(conn, id, Visibility::All)
}
