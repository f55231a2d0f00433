//! Admission on PostgreSQL in one statement: the cohort's seat counters decide, the seat (or
//! waitlist ticket) is taken, the enrolment and its audit event are written, all in one
//! conditional `UPDATE … RETURNING` with data-modifying CTEs (the webhook outbox's
//! `enrolment.created` among them), committed on its own. The
//! cohort's row lock is held only while that statement runs and commits: no round trip
//! happens under it, which is what makes a storm of enrolments into one cohort fast.
//!
//! READ COMMITTED re-evaluates an `UPDATE`'s `WHERE` on the row's latest version once the lock
//! is granted, so the counters read are never stale; a count of enrolments in the same
//! statement would be (it sees the snapshot from before the wait) — hence the counters,
//! which every other write of enrolment statuses keeps by `seats::recount`.
//!
//! The two statements below mirror `domain::enrolment::admit`: open and a seat left →
//! enrolled; open, full and a waitlist → waitlisted. When neither inserts, the caller reads
//! the cohort and asks the domain why (or tries again, should seats have changed).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Integer, Nullable, Text, Timestamp};
use domain::webhook::EventType;
use domain::{EnrolmentStatus, Vocabulary};
use uuid::Uuid;

use super::enrolments::{EnrolmentRecord, EnrolmentRow};
use crate::access::audit::AuditEntry;
use crate::db::DbConnection;
use crate::error::StoreResult;
use crate::sql_types::{DbUuid, PortableUuid};
use crate::webhooks::Event;

/// Which conditional admission to try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Try {
    Seat,
    Waitlist,
}

impl Try {
    /// (the cohort's update and its condition, the enrolment's status, ticket and position).
    fn parts(self) -> (&'static str, &'static str, &'static str, &'static str) {
        match self {
            Self::Seat => (
                "enrolled_count = enrolled_count + 1 \
                 WHERE id = $1 AND status = 'open' AND enrolled_count + finished_count < capacity",
                "'enrolled'",
                "NULL::integer",
                "NULL::bigint",
            ),
            Self::Waitlist => (
                "waitlisted_count = waitlisted_count + 1, next_queue_seq = next_queue_seq + 1 \
                 WHERE id = $1 AND status = 'open' AND enrolled_count + finished_count >= capacity \
                 AND waitlist_enabled",
                "'waitlisted'",
                "cohort.next_queue_seq - 1",
                // The newcomer is last: its place is the waitlist's new length.
                "cohort.waitlisted_count::bigint",
            ),
        }
    }

    fn sql(self) -> String {
        let (update, status, ticket, position) = self.parts();
        let enrolled_at = if self == Self::Seat { "$5" } else { "NULL" };
        format!(
            "WITH person AS ( \
                 SELECT organisation_id FROM people \
                 WHERE id = $2 AND erased_at IS NULL \
                 AND ($3::uuid IS NULL OR organisation_id = $3::uuid) \
             ), cohort AS ( \
                 UPDATE cohorts SET {update} AND EXISTS (SELECT 1 FROM person) \
                 RETURNING id, next_queue_seq, waitlisted_count \
             ), enrolment AS ( \
                 INSERT INTO enrolments (id, cohort_id, person_id, organisation_id, status, \
                     queue_seq, enrolled_at, created_at, updated_at) \
                 SELECT $4, cohort.id, $2, person.organisation_id, {status}, {ticket}, \
                     {enrolled_at}, $5, $5 \
                 FROM cohort, person \
                 RETURNING * \
             ), audit AS ( \
                 INSERT INTO audit_events (id, occurred_at, client_id, organisation_id, action, \
                     resource_type, resource_id, request_id, outcome, status) \
                 SELECT $6, $5, $7, $8, 'enrolment.create', 'enrolment', $9, $10, $11, 201 \
                 FROM enrolment \
             ), event AS ( \
                 INSERT INTO webhook_events (id, event_type, occurred_at, audience, \
                     organisation_id, person_id, data) \
                 SELECT $12, 'enrolment.created', $5, \
                     CASE WHEN enrolment.organisation_id IS NULL THEN 'academy' ELSE 'organisation' END, \
                     enrolment.organisation_id, enrolment.person_id, \
                     jsonb_set($13::jsonb, '{{organisation_id}}', COALESCE(to_jsonb(enrolment.organisation_id), 'null'::jsonb))::text \
                 FROM enrolment \
             ) \
             SELECT enrolment.id, enrolment.cohort_id, enrolment.person_id, \
                 enrolment.organisation_id, enrolment.status, enrolment.queue_seq, \
                 enrolment.enrolled_at, enrolment.ended_at, enrolment.outcome_date, \
                 enrolment.present_count, enrolment.absent_count, enrolment.excused_count, \
                 enrolment.version, enrolment.created_at, enrolment.updated_at, \
                 {position} AS waitlist_position \
             FROM enrolment, cohort"
        )
    }
}

#[derive(QueryableByName)]
struct Admitted {
    #[diesel(sql_type = PortableUuid)]
    id: DbUuid,
    #[diesel(sql_type = PortableUuid)]
    cohort_id: DbUuid,
    #[diesel(sql_type = PortableUuid)]
    person_id: DbUuid,
    #[diesel(sql_type = Nullable<PortableUuid>)]
    organisation_id: Option<DbUuid>,
    #[diesel(sql_type = Text)]
    status: String,
    #[diesel(sql_type = Nullable<Integer>)]
    queue_seq: Option<i32>,
    #[diesel(sql_type = Nullable<Timestamp>)]
    enrolled_at: Option<NaiveDateTime>,
    #[diesel(sql_type = Nullable<Timestamp>)]
    ended_at: Option<NaiveDateTime>,
    #[diesel(sql_type = Nullable<Date>)]
    outcome_date: Option<NaiveDate>,
    #[diesel(sql_type = Integer)]
    present_count: i32,
    #[diesel(sql_type = Integer)]
    absent_count: i32,
    #[diesel(sql_type = Integer)]
    excused_count: i32,
    #[diesel(sql_type = Integer)]
    version: i32,
    #[diesel(sql_type = Timestamp)]
    created_at: NaiveDateTime,
    #[diesel(sql_type = Timestamp)]
    updated_at: NaiveDateTime,
    #[diesel(sql_type = Nullable<BigInt>)]
    waitlist_position: Option<i64>,
}

/// What one admission writes.
pub struct Attempt<'a> {
    pub cohort_id: Uuid,
    pub person_id: Uuid,
    /// `Some(own)`: only a person of that organisation may be enrolled.
    pub organisation: Option<Uuid>,
    pub id: Uuid,
    pub at: NaiveDateTime,
    pub audit: &'a AuditEntry,
}

/// Runs one conditional admission (PostgreSQL only); `None` when its condition did not hold
/// (or there is no such cohort, or no such person the caller may enrol).
pub fn attempt(
    conn: &mut DbConnection,
    how: Try,
    a: &Attempt<'_>,
) -> StoreResult<Option<EnrolmentRecord>> {
    let audit = a
        .audit
        .succeeded("enrolment.create", "enrolment", Some(a.id.to_string()), 201);
    // The event's data but the person's organisation, which the statement fills in.
    let status = if how == Try::Seat {
        EnrolmentStatus::Enrolled
    } else {
        EnrolmentStatus::Waitlisted
    };
    let event = Event::enrolment_parts(
        EventType::EnrolmentCreated,
        a.id,
        a.cohort_id,
        a.person_id,
        None,
        status.value(),
        a.at,
    );
    let row: Option<Admitted> = diesel::sql_query(how.sql())
        .bind::<PortableUuid, _>(DbUuid(a.cohort_id))
        .bind::<PortableUuid, _>(DbUuid(a.person_id))
        .bind::<Nullable<PortableUuid>, _>(a.organisation.map(DbUuid))
        .bind::<PortableUuid, _>(DbUuid(a.id))
        .bind::<Timestamp, _>(a.at)
        .bind::<PortableUuid, _>(DbUuid(Uuid::now_v7()))
        .bind::<Nullable<PortableUuid>, _>(audit.client_id.map(DbUuid))
        .bind::<Nullable<PortableUuid>, _>(audit.organisation_id.map(DbUuid))
        .bind::<Nullable<Text>, _>(audit.resource_id.clone())
        .bind::<Text, _>(audit.request_id.clone())
        .bind::<Text, _>(audit.outcome.as_str())
        .bind::<PortableUuid, _>(DbUuid(Uuid::now_v7()))
        .bind::<Text, _>(event.data.to_string())
        .get_result(conn)
        .optional()?;
    row.map(|r| {
        EnrolmentRow {
            id: r.id,
            cohort_id: r.cohort_id,
            person_id: r.person_id,
            organisation_id: r.organisation_id,
            status: r.status,
            queue_seq: r.queue_seq,
            enrolled_at: r.enrolled_at,
            ended_at: r.ended_at,
            outcome_date: r.outcome_date,
            present_count: r.present_count,
            absent_count: r.absent_count,
            excused_count: r.excused_count,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
        .record(r.waitlist_position)
    })
    .transpose()
}
