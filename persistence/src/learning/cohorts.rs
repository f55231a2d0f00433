//! Cohorts of a programme, their seats and their life cycle.

use std::collections::BTreeSet;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use domain::cohort::check_capacity;
use domain::webhook::EventType;
use domain::{CohortInput, CohortSpec, CohortStatus, Priority, Vocabulary};
use uuid::Uuid;

use crate::webhooks::{self, Event};

use super::seats::{self, SeatCounts};
use crate::access::audit::{self, AuditEntry};
use crate::clock::now;
use crate::db::{DbConnection, MultiBackend};
use crate::error::{StoreError, StoreResult};
use crate::page::{Cursor, CursorError, Page};
use crate::schema::{cohort_priorities, cohorts};
use crate::sql_types::DbUuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CohortRecord {
    pub id: Uuid,
    pub programme_id: Uuid,
    pub spec: CohortSpec,
    pub commissioning_organisation_id: Option<Uuid>,
    pub priorities: BTreeSet<Priority>,
    pub status: CohortStatus,
    pub seats: SeatCounts,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable)]
pub struct CohortRow {
    id: DbUuid,
    programme_id: DbUuid,
    label: String,
    start_date: NaiveDate,
    end_date: NaiveDate,
    capacity: i32,
    waitlist_enabled: bool,
    delivery_mode: String,
    location: Option<String>,
    joining_link: Option<String>,
    commissioning_organisation_id: Option<DbUuid>,
    status: String,
    _next_queue_seq: i32,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    enrolled_count: i32,
    waitlisted_count: i32,
    finished_count: i32,
}

fn records(conn: &mut DbConnection, rows: Vec<CohortRow>) -> StoreResult<Vec<CohortRecord>> {
    let ids: Vec<DbUuid> = rows.iter().map(|r| r.id).collect();
    let priorities: Vec<(DbUuid, i32)> = cohort_priorities::table
        .filter(cohort_priorities::cohort_id.eq_any(&ids))
        .select((
            cohort_priorities::cohort_id,
            cohort_priorities::priority_code,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|r| {
            let corrupt = |what: &str| StoreError::Corrupt(format!("cohort {}: {what}", r.id.0));
            let spec = CohortSpec::parse(CohortInput {
                label: Some(r.label.clone()),
                start_date: Some(r.start_date),
                end_date: Some(r.end_date),
                capacity: Some(i64::from(r.capacity)),
                waitlist_enabled: Some(r.waitlist_enabled),
                delivery_mode: Some(r.delivery_mode.clone()),
                location: r.location.clone(),
                joining_link: r.joining_link.clone(),
            })
            .map_err(|e| corrupt(&e.to_string()))?;
            let status = CohortStatus::parse(&r.status).map_err(|e| corrupt(&e.to_string()))?;
            let priorities = priorities
                .iter()
                .filter(|(id, _)| *id == r.id)
                .map(|(_, code)| {
                    Priority::from_code(i64::from(*code)).ok_or_else(|| corrupt("priority"))
                })
                .collect::<StoreResult<BTreeSet<_>>>()?;
            Ok(CohortRecord {
                id: r.id.0,
                programme_id: r.programme_id.0,
                spec,
                commissioning_organisation_id: r.commissioning_organisation_id.map(|o| o.0),
                priorities,
                status,
                seats: SeatCounts {
                    enrolled: i64::from(r.enrolled_count),
                    waitlisted: i64::from(r.waitlisted_count),
                    finished: i64::from(r.finished_count),
                },
                version: r.version,
                created_at: r.created_at,
                updated_at: r.updated_at,
            })
        })
        .collect()
}

fn write_priorities(
    conn: &mut DbConnection,
    id: DbUuid,
    priorities: &BTreeSet<Priority>,
) -> StoreResult<()> {
    diesel::delete(cohort_priorities::table.filter(cohort_priorities::cohort_id.eq(id)))
        .execute(conn)?;
    for p in priorities {
        diesel::insert_into(cohort_priorities::table)
            .values((
                cohort_priorities::cohort_id.eq(id),
                cohort_priorities::priority_code.eq(i32::from(p.code())),
            ))
            .execute(conn)?;
    }
    Ok(())
}

fn check_organisation(conn: &mut DbConnection, organisation: Option<Uuid>) -> StoreResult<()> {
    match organisation {
        Some(o) if !crate::access::organisations::exists(conn, o)? => Err(StoreError::Invalid(
            "commissioning_organisation_id".into(),
            "no organisation has this id".into(),
        )),
        _ => Ok(()),
    }
}

fn capacity_i32(spec: &CohortSpec) -> i32 {
    i32::try_from(spec.capacity()).unwrap_or(i32::MAX)
}

/// What a cohort is made of, besides its programme.
pub struct CohortWrite<'a> {
    pub spec: &'a CohortSpec,
    pub commissioning_organisation_id: Option<Uuid>,
    pub priorities: &'a BTreeSet<Priority>,
}

pub fn create(
    conn: &mut DbConnection,
    programme_id: Uuid,
    w: &CohortWrite,
    audit: &AuditEntry,
) -> StoreResult<CohortRecord> {
    conn.transaction(|conn| {
        check_organisation(conn, w.commissioning_organisation_id)?;
        let id = DbUuid(Uuid::now_v7());
        let at = now();
        let s = w.spec;
        diesel::insert_into(cohorts::table)
            .values((
                cohorts::id.eq(id),
                cohorts::programme_id.eq(DbUuid(programme_id)),
                cohorts::label.eq(s.label()),
                cohorts::start_date.eq(s.start_date()),
                cohorts::end_date.eq(s.end_date()),
                cohorts::capacity.eq(capacity_i32(s)),
                cohorts::waitlist_enabled.eq(s.waitlist_enabled()),
                cohorts::delivery_mode.eq(s.delivery_mode().value()),
                cohorts::location.eq(s.location()),
                cohorts::joining_link.eq(s.joining_link()),
                cohorts::commissioning_organisation_id
                    .eq(w.commissioning_organisation_id.map(DbUuid)),
                cohorts::status.eq(CohortStatus::Planned.value()),
                cohorts::created_at.eq(at),
                cohorts::updated_at.eq(at),
            ))
            .execute(conn)?;
        write_priorities(conn, id, w.priorities)?;
        audit::record(
            conn,
            &audit.succeeded("cohort.create", "cohort", Some(id.0.to_string()), 201),
        )?;
        get(conn, id.0)
    })
}

/// Replaces the cohort's fields if still at `expected_version`. Capacity may not drop
/// below the number enrolled; extra seats go to the waitlist, first come first served.
pub fn update(
    conn: &mut DbConnection,
    id: Uuid,
    expected_version: i32,
    w: &CohortWrite,
    audit: &AuditEntry,
) -> StoreResult<CohortRecord> {
    conn.transaction(|conn| {
        seats::lock(conn, id)?;
        let current = get(conn, id)?;
        if current.version != expected_version {
            return Err(StoreError::Stale);
        }
        check_capacity(w.spec.capacity(), current.seats.taken()).map_err(StoreError::refused)?;
        check_organisation(conn, w.commissioning_organisation_id)?;
        let s = w.spec;
        diesel::update(cohorts::table.filter(cohorts::id.eq(DbUuid(id))))
            .set((
                cohorts::label.eq(s.label()),
                cohorts::start_date.eq(s.start_date()),
                cohorts::end_date.eq(s.end_date()),
                cohorts::capacity.eq(capacity_i32(s)),
                cohorts::waitlist_enabled.eq(s.waitlist_enabled()),
                cohorts::delivery_mode.eq(s.delivery_mode().value()),
                cohorts::location.eq(s.location()),
                cohorts::joining_link.eq(s.joining_link()),
                cohorts::commissioning_organisation_id
                    .eq(w.commissioning_organisation_id.map(DbUuid)),
                cohorts::updated_at.eq(now()),
                cohorts::version.eq(cohorts::version + 1),
            ))
            .execute(conn)?;
        write_priorities(conn, DbUuid(id), w.priorities)?;
        seats::fill(conn, id)?;
        seats::recount(conn, id)?;
        audit::record(
            conn,
            &audit.succeeded("cohort.update", "cohort", Some(id.to_string()), 200),
        )?;
        let cohort = get(conn, id)?;
        if cohort.spec.moves_for_learners(&current.spec) {
            webhooks::emit_one(conn, Event::cohort(EventType::CohortUpdated, &cohort))?;
        }
        Ok(cohort)
    })
}

/// Moves the cohort along its life cycle; cancelling cancels every live enrolment with it.
pub fn transition(
    conn: &mut DbConnection,
    id: Uuid,
    to: CohortStatus,
    audit: &AuditEntry,
) -> StoreResult<CohortRecord> {
    conn.transaction(|conn| {
        seats::lock(conn, id)?;
        let current = get(conn, id)?;
        let next = current.status.transition(to).map_err(StoreError::refused)?;
        let at = now();
        diesel::update(cohorts::table.filter(cohorts::id.eq(DbUuid(id))))
            .set((
                cohorts::status.eq(next.value()),
                cohorts::updated_at.eq(at),
                cohorts::version.eq(cohorts::version + 1),
            ))
            .execute(conn)?;
        if next == CohortStatus::Cancelled {
            seats::cancel_all(conn, id, at)?;
            seats::recount(conn, id)?;
        }
        if matches!(next, CohortStatus::Completed | CohortStatus::Cancelled) {
            crate::commissioning::cohorts::cohort_settled(conn, id, audit)?;
        }
        let event = match next {
            CohortStatus::Open => Some(EventType::CohortOpened),
            CohortStatus::Running => Some(EventType::CohortStarted),
            CohortStatus::Completed => Some(EventType::CohortCompleted),
            CohortStatus::Cancelled => Some(EventType::CohortCancelled),
            CohortStatus::Planned => None,
        };
        if let Some(event) = event {
            let cohort = get(conn, id)?;
            webhooks::emit_one(conn, Event::cohort(event, &cohort))?;
        }
        let action = format!(
            "cohort.{}",
            match next {
                CohortStatus::Open => "open",
                CohortStatus::Running => "start",
                CohortStatus::Completed => "complete",
                CohortStatus::Cancelled => "cancel",
                CohortStatus::Planned => "plan",
            }
        );
        audit::record(
            conn,
            &audit.succeeded(&action, "cohort", Some(id.to_string()), 200),
        )?;
        get(conn, id)
    })
}

pub fn get(conn: &mut DbConnection, id: Uuid) -> StoreResult<CohortRecord> {
    let row: CohortRow = cohorts::table
        .filter(cohorts::id.eq(DbUuid(id)))
        .select(cohorts::all_columns)
        .first(conn)?;
    records(conn, vec![row])?.pop().ok_or(StoreError::NotFound)
}

/// Every planned or open cohort, by programme and start date, with its seats: the
/// catalogue snapshot's "next cohorts".
pub fn upcoming(conn: &mut DbConnection) -> StoreResult<Vec<CohortRecord>> {
    let rows: Vec<CohortRow> = cohorts::table
        .filter(cohorts::status.eq_any([CohortStatus::Planned.value(), CohortStatus::Open.value()]))
        .order((cohorts::programme_id, cohorts::start_date, cohorts::id))
        .select(cohorts::all_columns)
        .load(conn)?;
    records(conn, rows)
}

pub fn programme_has_cohorts(conn: &mut DbConnection, programme_id: Uuid) -> StoreResult<bool> {
    Ok(cohorts::table
        .filter(cohorts::programme_id.eq(DbUuid(programme_id)))
        .count()
        .get_result::<i64>(conn)?
        > 0)
}

#[derive(Debug, Clone, Default)]
pub struct CohortFilter {
    pub programme_ids: Vec<Uuid>,
    pub statuses: Vec<CohortStatus>,
    pub starts_after: Option<NaiveDate>,
    pub organisation_id: Option<Uuid>,
    pub priorities: Vec<Priority>,
}

pub const SORT: &str = "start_date";

pub fn decode_cursor(raw: &str) -> Result<Cursor, CursorError> {
    let c = Cursor::decode(raw, SORT)?;
    NaiveDate::parse_from_str(&c.key, "%Y-%m-%d").map_err(|_| CursorError::Malformed)?;
    Ok(c)
}

/// Cohorts matching `f`, by start date.
pub fn list(
    conn: &mut DbConnection,
    f: &CohortFilter,
    limit: i64,
    after: Option<&Cursor>,
) -> StoreResult<Page<CohortRecord>> {
    let mut q = cohorts::table
        .select(cohorts::all_columns)
        .into_boxed::<MultiBackend>();
    if !f.programme_ids.is_empty() {
        q = q.filter(
            cohorts::programme_id.eq_any(
                f.programme_ids
                    .iter()
                    .copied()
                    .map(DbUuid)
                    .collect::<Vec<_>>(),
            ),
        );
    }
    if !f.statuses.is_empty() {
        q = q.filter(
            cohorts::status.eq_any(f.statuses.iter().map(|s| s.value()).collect::<Vec<_>>()),
        );
    }
    if let Some(d) = f.starts_after {
        q = q.filter(cohorts::start_date.gt(d));
    }
    if let Some(o) = f.organisation_id {
        q = q.filter(cohorts::commissioning_organisation_id.eq(DbUuid(o)));
    }
    if !f.priorities.is_empty() {
        let codes: Vec<i32> = f.priorities.iter().map(|p| i32::from(p.code())).collect();
        q = q.filter(
            cohorts::id.eq_any(
                cohort_priorities::table
                    .filter(cohort_priorities::priority_code.eq_any(codes))
                    .select(cohort_priorities::cohort_id),
            ),
        );
    }
    if let Some(c) = after {
        let key = NaiveDate::parse_from_str(&c.key, "%Y-%m-%d")
            .map_err(|_| StoreError::Corrupt("cursor".into()))?;
        q = q.filter(crate::after_cursor!(
            cohorts::start_date,
            cohorts::id,
            key,
            c
        ));
    }
    let rows: Vec<CohortRow> = q
        .order((cohorts::start_date.asc(), cohorts::id.asc()))
        .limit(limit + 1)
        .load(conn)?;
    let items = records(conn, rows)?;
    Ok(Page::from_overfetch(items, limit, |last| Cursor {
        sort: SORT.into(),
        key: last.spec.start_date().format("%Y-%m-%d").to_string(),
        id: last.id,
    }))
}
