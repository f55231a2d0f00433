//! Cohort sessions and their attendance registers.

use chrono::NaiveDateTime;
use diesel::dsl::count_star;
use diesel::prelude::*;
use domain::cohort_session::CohortSession;
use domain::{AttendanceStatus, EnrolmentStatus, Vocabulary};
use uuid::Uuid;

use super::{cohorts, seats};
use crate::access::audit::{self, AuditEntry};
use crate::clock::now;
use crate::db::DbConnection;
use crate::error::{StoreError, StoreResult};
use crate::schema::{attendance, cohort_sessions, enrolments};
use crate::sql_types::DbUuid;
use crate::visibility::Visibility;

#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct SessionRow {
    pub id: DbUuid,
    pub cohort_id: DbUuid,
    pub title: String,
    pub starts_at: NaiveDateTime,
    pub duration_minutes: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn create(
    conn: &mut DbConnection,
    cohort_id: Uuid,
    session: &CohortSession,
    audit: &AuditEntry,
) -> StoreResult<SessionRow> {
    conn.transaction(|conn| {
        cohorts::get(conn, cohort_id)?;
        let id = DbUuid(Uuid::now_v7());
        let at = now();
        diesel::insert_into(cohort_sessions::table)
            .values((
                cohort_sessions::id.eq(id),
                cohort_sessions::cohort_id.eq(DbUuid(cohort_id)),
                cohort_sessions::title.eq(&session.title),
                cohort_sessions::starts_at.eq(session.starts_at),
                cohort_sessions::duration_minutes.eq(session.duration_minutes),
                cohort_sessions::created_at.eq(at),
                cohort_sessions::updated_at.eq(at),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            &audit.succeeded("session.create", "session", Some(id.0.to_string()), 201),
        )?;
        get(conn, cohort_id, id.0)
    })
}

pub fn get(conn: &mut DbConnection, cohort_id: Uuid, id: Uuid) -> StoreResult<SessionRow> {
    Ok(cohort_sessions::table
        .filter(cohort_sessions::id.eq(DbUuid(id)))
        .filter(cohort_sessions::cohort_id.eq(DbUuid(cohort_id)))
        .select(cohort_sessions::all_columns)
        .first(conn)?)
}

pub fn of_cohort(conn: &mut DbConnection, cohort_id: Uuid) -> StoreResult<Vec<SessionRow>> {
    cohorts::get(conn, cohort_id)?;
    Ok(cohort_sessions::table
        .filter(cohort_sessions::cohort_id.eq(DbUuid(cohort_id)))
        .order((cohort_sessions::starts_at.asc(), cohort_sessions::id.asc()))
        .select(cohort_sessions::all_columns)
        .load(conn)?)
}

/// The register of a session: `(enrolment id, status)`, visible rows only.
pub fn register(
    conn: &mut DbConnection,
    cohort_id: Uuid,
    session_id: Uuid,
    visibility: Visibility,
) -> StoreResult<Vec<(Uuid, AttendanceStatus)>> {
    get(conn, cohort_id, session_id)?;
    let rows: Vec<(DbUuid, String, Option<DbUuid>)> = attendance::table
        .inner_join(enrolments::table)
        .filter(attendance::session_id.eq(DbUuid(session_id)))
        .select((
            attendance::enrolment_id,
            attendance::status,
            enrolments::organisation_id,
        ))
        .order(attendance::enrolment_id)
        .load(conn)?;
    rows.into_iter()
        .filter(|(_, _, org)| visibility.sees(org.map(|o| o.0)))
        .map(|(id, s, _)| {
            Ok((
                id.0,
                AttendanceStatus::parse(&s).map_err(|e| StoreError::Corrupt(e.to_string()))?,
            ))
        })
        .collect()
}

/// Records (replaces) the attendance of the given enrolments at a session, all or nothing,
/// and refreshes each enrolment's counts. Every enrolment must belong to the cohort, hold a
/// seat (or have held one to the end) and be visible to the caller.
pub fn record(
    conn: &mut DbConnection,
    cohort_id: Uuid,
    session_id: Uuid,
    marks: &[(Uuid, AttendanceStatus)],
    visibility: Visibility,
    audit: &AuditEntry,
) -> StoreResult<Vec<(Uuid, AttendanceStatus)>> {
    conn.transaction(|conn| {
        // The cohort's lock orders this with enrolment changes; rows are then updated in id
        // order, so two registers at once cannot deadlock.
        seats::lock(conn, cohort_id)?;
        get(conn, cohort_id, session_id)?;
        let at = now();
        let mut ordered: Vec<(usize, &(Uuid, AttendanceStatus))> = marks.iter().enumerate().collect();
        ordered.sort_by_key(|(_, (id, _))| *id);
        if let Some(w) = ordered.windows(2).find(|w| w[0].1.0 == w[1].1.0) {
            return Err(StoreError::StateConflict(format!("records[{}]: enrolment {} is listed twice", w[1].0, w[1].1.0)));
        }
        for (i, (enrolment_id, status)) in ordered {
            let row: Option<(DbUuid, String, Option<DbUuid>)> = enrolments::table
                .filter(enrolments::id.eq(DbUuid(*enrolment_id)))
                .select((enrolments::cohort_id, enrolments::status, enrolments::organisation_id))
                .first(conn)
                .optional()?;
            let attends = [EnrolmentStatus::Enrolled, EnrolmentStatus::Completed, EnrolmentStatus::NotCompleted]
                .map(|s| s.value());
            match row {
                Some((c, s, org)) if c.0 == cohort_id && visibility.sees(org.map(|o| o.0)) && attends.contains(&s.as_str()) => {}
                Some((c, s, org)) if c.0 == cohort_id && visibility.sees(org.map(|o| o.0)) => {
                    return Err(StoreError::StateConflict(format!(
                        "records[{i}]: enrolment {enrolment_id} is {s}: only people holding a seat attend"
                    )));
                }
                // Another organisation's enrolment is, to this caller, not on this cohort: the
                // same answer as for an unknown one, so the register confirms nothing.
                _ => {
                    return Err(StoreError::StateConflict(format!(
                        "records[{i}]: enrolment {enrolment_id} is not on this cohort"
                    )));
                }
            }
            diesel::delete(
                attendance::table
                    .filter(attendance::session_id.eq(DbUuid(session_id)))
                    .filter(attendance::enrolment_id.eq(DbUuid(*enrolment_id))),
            )
            .execute(conn)?;
            diesel::insert_into(attendance::table)
                .values((
                    attendance::session_id.eq(DbUuid(session_id)),
                    attendance::enrolment_id.eq(DbUuid(*enrolment_id)),
                    attendance::status.eq(status.value()),
                    attendance::recorded_at.eq(at),
                ))
                .execute(conn)?;
            refresh_counts(conn, *enrolment_id, at)?;
        }
        audit::record(conn, &audit.succeeded("session.attendance", "session", Some(session_id.to_string()), 200))?;
        register(conn, cohort_id, session_id, visibility)
    })
}

fn refresh_counts(
    conn: &mut DbConnection,
    enrolment_id: Uuid,
    at: NaiveDateTime,
) -> StoreResult<()> {
    let counts: Vec<(String, i64)> = attendance::table
        .filter(attendance::enrolment_id.eq(DbUuid(enrolment_id)))
        .group_by(attendance::status)
        .select((attendance::status, count_star()))
        .load(conn)?;
    let n = |s: AttendanceStatus| {
        counts
            .iter()
            .find(|(k, _)| k == s.value())
            .map_or(0, |(_, n)| i32::try_from(*n).unwrap_or(i32::MAX))
    };
    diesel::update(enrolments::table.filter(enrolments::id.eq(DbUuid(enrolment_id))))
        .set((
            enrolments::present_count.eq(n(AttendanceStatus::Present)),
            enrolments::absent_count.eq(n(AttendanceStatus::Absent)),
            enrolments::excused_count.eq(n(AttendanceStatus::Excused)),
            enrolments::updated_at.eq(at),
            enrolments::version.eq(enrolments::version + 1),
        ))
        .execute(conn)?;
    Ok(())
}
