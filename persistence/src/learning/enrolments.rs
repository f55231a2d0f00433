//! Enrolments: admission under the cohort's lock (so capacity holds across processes),
//! transitions, waitlist promotion in the same transaction, and the HR view.

use std::collections::{BTreeSet, HashMap};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::count_star;
use diesel::prelude::*;
use domain::enrolment::{Seats, admit};
use domain::{Admission, CohortStatus, EnrolmentStatus, Priority, Refusal, Vocabulary};
use uuid::Uuid;

use super::people;
use super::seats;
use crate::access::audit::{self, AuditEntry};
use crate::clock::now;
use crate::db::{DbConnection, MultiBackend};
use crate::error::{Refused, StoreError, StoreResult};
use crate::page::{self, Cursor, CursorError, Page, timestamp_key};
use crate::schema::{
    cohort_priorities, cohorts as cohorts_t, enrolments, people as people_t, programmes,
};
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
    id: DbUuid,
    cohort_id: DbUuid,
    person_id: DbUuid,
    organisation_id: Option<DbUuid>,
    status: String,
    queue_seq: Option<i32>,
    enrolled_at: Option<NaiveDateTime>,
    ended_at: Option<NaiveDateTime>,
    outcome_date: Option<NaiveDate>,
    present_count: i32,
    absent_count: i32,
    excused_count: i32,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl EnrolmentRow {
    fn record(self, waitlist_position: Option<i64>) -> StoreResult<EnrolmentRecord> {
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
/// `StateConflict` saying why. The seat count and the insert happen under the cohort's lock,
/// held for as few statements as possible (every enrolment of the cohort waits for it): lock,
/// read and take a waitlist ticket in one statement; count the seats; insert; audit.
/// "Already on the cohort" is enforced by the unique index on live enrolments.
pub fn enrol(
    conn: &mut DbConnection,
    cohort_id: Uuid,
    person_id: Uuid,
    visibility: Visibility,
    audit: &AuditEntry,
) -> StoreResult<EnrolmentRecord> {
    // On SQLite the lock must come first: a read before the first write could find its
    // snapshot stale when it comes to write. On PostgreSQL reading first shortens the lock.
    let read_person_first = matches!(conn, DbConnection::Postgresql(_));
    let result = conn.transaction(|conn| {
        let person_of = |conn: &mut DbConnection| -> StoreResult<Option<Uuid>> {
            let person = people::get(conn, person_id, visibility)?;
            if person.erased_at.is_some() {
                Err(StoreError::NotFound)
            } else {
                Ok(person.organisation_id)
            }
        };
        let early = if read_person_first {
            Some(person_of(conn)?)
        } else {
            None
        };
        let cohort: Option<(String, i32, bool, i32)> =
            diesel::update(cohorts_t::table.filter(cohorts_t::id.eq(DbUuid(cohort_id))))
                .set(cohorts_t::next_queue_seq.eq(cohorts_t::next_queue_seq + 1))
                .returning((
                    cohorts_t::status,
                    cohorts_t::capacity,
                    cohorts_t::waitlist_enabled,
                    cohorts_t::next_queue_seq,
                ))
                .get_result(conn)
                .optional()?;
        let (status, capacity, waitlist_enabled, next_ticket) =
            cohort.ok_or(StoreError::NotFound)?;
        let organisation = match early {
            Some(o) => o,
            None => person_of(conn)?,
        };
        let status =
            CohortStatus::parse(&status).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let taken: i64 = enrolments::table
            .filter(enrolments::cohort_id.eq(DbUuid(cohort_id)))
            .filter(enrolments::status.eq_any(seats::SEATED.map(|s| s.value())))
            .count()
            .get_result(conn)?;
        let seats = Seats {
            status,
            capacity: i64::from(capacity),
            enrolled: taken,
            waitlist_enabled,
        };
        let admission = admit(seats, None).map_err(StoreError::refused)?;
        let at = now();
        let id = DbUuid(Uuid::now_v7());
        let (status, queue_seq, enrolled_at) = match admission {
            Admission::Enrolled => (EnrolmentStatus::Enrolled, None, Some(at)),
            // Tickets are only ever compared, so the ones enrolled people leave unused are no gap.
            Admission::Waitlisted => (EnrolmentStatus::Waitlisted, Some(next_ticket - 1), None),
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
        audit::record(
            conn,
            &audit.succeeded("enrolment.create", "enrolment", Some(id.0.to_string()), 201),
        )?;
        Ok(id.0)
    });
    let id = match result {
        Ok(id) => id,
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
            return Err(match (existing, e) {
                (_, e @ StoreError::Refused(Refused::Admission(Refusal::CohortNotOpen(_)))) => e,
                (Some(s), _) => match EnrolmentStatus::parse(&s) {
                    Ok(s) => StoreError::refused(Refusal::AlreadyOn(s.value())),
                    Err(e) => StoreError::Corrupt(e.to_string()),
                },
                (None, StoreError::Conflict(_)) => StoreError::StateConflict(
                    "the person was just enrolled or waitlisted by another request; retry to see which".into(),
                ),
                (None, e) => e,
            });
        }
        Err(e) => return Err(e),
    };
    // Read back after the commit, outside the lock.
    get(conn, id, Visibility::All)
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

/// One row of the HR pull: an enrolment with what an HR system needs about it.
#[derive(Debug, Clone, PartialEq)]
pub struct EnrolmentView {
    pub enrolment: EnrolmentRecord,
    /// `None` when the person has no reference or has been erased.
    pub person_external_ref: Option<String>,
    pub person_erased: bool,
    pub programme_id: Uuid,
    pub programme_slug: String,
    pub programme_title: String,
    pub cohort_label: String,
    pub cohort_start_date: NaiveDate,
    pub cohort_end_date: NaiveDate,
    pub priorities: Vec<Priority>,
}

#[derive(Debug, Clone, Default)]
pub struct EnrolmentFilter {
    pub organisation_id: Option<Uuid>,
    pub cohort_id: Option<Uuid>,
    pub programme_id: Option<Uuid>,
    pub statuses: Vec<EnrolmentStatus>,
    pub person_external_ref: Option<String>,
    pub updated_since: Option<NaiveDateTime>,
    /// Rows changed at or after this instant are left for the next call: writes still in
    /// flight could commit with an earlier `updated_at` and would otherwise be skipped.
    pub settled_before: Option<NaiveDateTime>,
}

pub const SORT: &str = "updated_at";

pub fn decode_cursor(raw: &str) -> Result<Cursor, CursorError> {
    page::decode_timestamp_cursor(raw, SORT)
}

type ViewRow = (EnrolmentRow, Option<String>, Option<NaiveDateTime>);

/// What the HR view shows of a cohort and its programme.
#[derive(Clone)]
struct CohortInfo {
    programme_id: Uuid,
    programme_slug: String,
    programme_title: String,
    label: String,
    start: NaiveDate,
    end: NaiveDate,
}

fn cohort_info(
    conn: &mut DbConnection,
    ids: &[DbUuid],
) -> StoreResult<HashMap<DbUuid, CohortInfo>> {
    let rows: Vec<(DbUuid, DbUuid, String, String, String, NaiveDate, NaiveDate)> =
        cohorts_t::table
            .inner_join(programmes::table)
            .filter(cohorts_t::id.eq_any(ids))
            .select((
                cohorts_t::id,
                programmes::id,
                programmes::slug,
                programmes::title,
                cohorts_t::label,
                cohorts_t::start_date,
                cohorts_t::end_date,
            ))
            .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, programme_id, programme_slug, programme_title, label, start, end)| {
                (
                    id,
                    CohortInfo {
                        programme_id: programme_id.0,
                        programme_slug,
                        programme_title,
                        label,
                        start,
                        end,
                    },
                )
            },
        )
        .collect())
}

/// The HR pull: enrolments matching `f`, in change order `(updated_at, id)`. Each row joins
/// only its person; cohort and programme details come from one query per page.
pub fn list(
    conn: &mut DbConnection,
    f: &EnrolmentFilter,
    visibility: Visibility,
    limit: i64,
    after: Option<&Cursor>,
) -> StoreResult<Page<EnrolmentView>> {
    let mut q = enrolments::table
        .inner_join(people_t::table)
        .select((
            enrolments::all_columns,
            people_t::external_ref,
            people_t::erased_at,
        ))
        .into_boxed::<MultiBackend>();
    if let Visibility::Organisation(own) = visibility {
        q = q.filter(enrolments::organisation_id.eq(DbUuid(own)));
    }
    if let Some(o) = f.organisation_id {
        q = q.filter(enrolments::organisation_id.eq(DbUuid(o)));
    }
    if let Some(c) = f.cohort_id {
        q = q.filter(enrolments::cohort_id.eq(DbUuid(c)));
    }
    if let Some(p) = f.programme_id {
        q = q.filter(
            enrolments::cohort_id.eq_any(
                cohorts_t::table
                    .filter(cohorts_t::programme_id.eq(DbUuid(p)))
                    .select(cohorts_t::id),
            ),
        );
    }
    if !f.statuses.is_empty() {
        q = q.filter(
            enrolments::status.eq_any(f.statuses.iter().map(|s| s.value()).collect::<Vec<_>>()),
        );
    }
    if let Some(r) = &f.person_external_ref {
        q = q.filter(people_t::external_ref.eq(r.clone()));
    }
    if let Some(s) = f.updated_since {
        q = q.filter(enrolments::updated_at.ge(s));
    }
    if let Some(s) = f.settled_before {
        q = q.filter(enrolments::updated_at.lt(s));
    }
    if let Some(c) = after {
        let key = c.timestamp()?;
        q = q.filter(
            enrolments::updated_at.gt(key).or(enrolments::updated_at
                .eq(key)
                .and(enrolments::id.gt(DbUuid(c.id)))),
        );
    }
    let rows: Vec<ViewRow> = q
        .order((enrolments::updated_at.asc(), enrolments::id.asc()))
        .limit(limit + 1)
        .load(conn)?;
    let cohort_ids: Vec<DbUuid> = rows
        .iter()
        .map(|r| r.0.cohort_id)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let info = cohort_info(conn, &cohort_ids)?;
    let priorities = priorities_of(conn, &cohort_ids)?;
    let items = rows
        .into_iter()
        .map(|(row, external_ref, erased_at)| {
            let cohort = row.cohort_id;
            let c = info
                .get(&cohort)
                .cloned()
                .ok_or_else(|| StoreError::Corrupt(format!("cohort {}", cohort.0)))?;
            // The HR view carries no waitlist position (it would cost a query per row).
            Ok(EnrolmentView {
                enrolment: row.record(None)?,
                person_external_ref: external_ref,
                person_erased: erased_at.is_some(),
                programme_id: c.programme_id,
                programme_slug: c.programme_slug,
                programme_title: c.programme_title,
                cohort_label: c.label,
                cohort_start_date: c.start,
                cohort_end_date: c.end,
                priorities: priorities.get(&cohort).cloned().unwrap_or_default(),
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(Page::from_overfetch(items, limit, |last| Cursor {
        sort: SORT.into(),
        key: timestamp_key(last.enrolment.updated_at),
        id: last.enrolment.id,
    }))
}

fn priorities_of(
    conn: &mut DbConnection,
    cohort_ids: &[DbUuid],
) -> StoreResult<HashMap<DbUuid, Vec<Priority>>> {
    let rows: Vec<(DbUuid, i32)> = cohort_priorities::table
        .filter(cohort_priorities::cohort_id.eq_any(cohort_ids))
        .order((
            cohort_priorities::cohort_id,
            cohort_priorities::priority_code,
        ))
        .select((
            cohort_priorities::cohort_id,
            cohort_priorities::priority_code,
        ))
        .load(conn)?;
    let mut map: HashMap<DbUuid, Vec<Priority>> = HashMap::new();
    for (id, code) in rows {
        if let Some(p) = Priority::from_code(i64::from(code)) {
            map.entry(id).or_default().push(p);
        }
    }
    Ok(map)
}

/// Seat counts of one cohort right now (for tests and reports).
pub fn counts(conn: &mut DbConnection, cohort_id: Uuid) -> StoreResult<Vec<(String, i64)>> {
    Ok(enrolments::table
        .filter(enrolments::cohort_id.eq(DbUuid(cohort_id)))
        .group_by(enrolments::status)
        .select((enrolments::status, count_star()))
        .load(conn)?)
}
