//! A commissioning request as stored, and as the store gives it back: with its priorities
//! and the cohorts linked to it.

use std::collections::BTreeSet;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use domain::commissioning::RequestStatus;
use domain::{Priority, Vocabulary};
use uuid::Uuid;

use crate::db::DbConnection;
use crate::error::{StoreError, StoreResult};
use crate::schema::{
    commissioning_request_cohorts as links, commissioning_request_priorities as rp,
    commissioning_requests as r,
};
use crate::sql_types::DbUuid;
use crate::visibility::Visibility;

#[derive(Debug, Clone, Queryable)]
pub struct RequestRow {
    id: DbUuid,
    organisation_id: DbUuid,
    programme_id: Option<DbUuid>,
    title: Option<String>,
    needs: Option<String>,
    system_level: Option<String>,
    expected_learners: Option<i32>,
    staff_groups: String,
    window_from: Option<NaiveDate>,
    window_to: Option<NaiveDate>,
    delivery_mode: Option<String>,
    location: Option<String>,
    workplace_context: Option<String>,
    contact_person_id: Option<DbUuid>,
    status: String,
    status_reason: Option<String>,
    decided_at: Option<NaiveDateTime>,
    _submitted_by: DbUuid,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRecord {
    pub id: Uuid,
    pub organisation_id: Uuid,
    /// `None` for a co-creation brief.
    pub programme_id: Option<Uuid>,
    pub title: Option<String>,
    pub needs: Option<String>,
    pub priorities: BTreeSet<Priority>,
    pub system_level: Option<String>,
    pub expected_learners: Option<i32>,
    pub staff_groups: Vec<String>,
    pub window: Option<(NaiveDate, NaiveDate)>,
    pub delivery_mode: Option<String>,
    pub location: Option<String>,
    pub workplace_context: Option<String>,
    /// `None` when none was named, or once the person was erased.
    pub contact_person_id: Option<Uuid>,
    pub status: RequestStatus,
    pub status_reason: Option<String>,
    pub decided_at: Option<NaiveDateTime>,
    /// The cohorts run for it, oldest link first.
    pub cohort_ids: Vec<Uuid>,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Records of `rows`, with their priorities and linked cohorts (two statements for any
/// number of rows).
pub fn records(conn: &mut DbConnection, rows: Vec<RequestRow>) -> StoreResult<Vec<RequestRecord>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<DbUuid> = rows.iter().map(|r| r.id).collect();
    let priorities: Vec<(DbUuid, i32)> = rp::table
        .filter(rp::request_id.eq_any(&ids))
        .select((rp::request_id, rp::priority_code))
        .load(conn)?;
    let linked: Vec<(DbUuid, DbUuid)> = links::table
        .filter(links::request_id.eq_any(&ids))
        .order((links::linked_at.asc(), links::cohort_id.asc()))
        .select((links::request_id, links::cohort_id))
        .load(conn)?;
    rows.into_iter()
        .map(|row| {
            let corrupt = |what: &str| {
                StoreError::Corrupt(format!("commissioning request {}: {what}", row.id.0))
            };
            let status = RequestStatus::parse(&row.status).map_err(|e| corrupt(&e.to_string()))?;
            let staff_groups: Vec<String> =
                serde_json::from_str(&row.staff_groups).map_err(|e| corrupt(&e.to_string()))?;
            let priorities = priorities
                .iter()
                .filter(|(id, _)| *id == row.id)
                .map(|(_, code)| {
                    Priority::from_code(i64::from(*code)).ok_or_else(|| corrupt("priority"))
                })
                .collect::<StoreResult<BTreeSet<_>>>()?;
            Ok(RequestRecord {
                id: row.id.0,
                organisation_id: row.organisation_id.0,
                programme_id: row.programme_id.map(|p| p.0),
                title: row.title,
                needs: row.needs,
                priorities,
                system_level: row.system_level,
                expected_learners: row.expected_learners,
                staff_groups,
                window: row.window_from.zip(row.window_to),
                delivery_mode: row.delivery_mode,
                location: row.location,
                workplace_context: row.workplace_context,
                contact_person_id: row.contact_person_id.map(|p| p.0),
                status,
                status_reason: row.status_reason,
                decided_at: row.decided_at,
                cohort_ids: linked
                    .iter()
                    .filter(|(request, _)| *request == row.id)
                    .map(|(_, cohort)| cohort.0)
                    .collect(),
                version: row.version,
                created_at: row.created_at,
                updated_at: row.updated_at,
            })
        })
        .collect()
}

/// The request if the caller may see it (its organisation's clients and the academy).
pub fn get(
    conn: &mut DbConnection,
    id: Uuid,
    visibility: Visibility,
) -> StoreResult<RequestRecord> {
    let row: RequestRow = r::table
        .filter(r::id.eq(DbUuid(id)))
        .select(r::all_columns)
        .first(conn)?;
    if !visibility.sees(Some(row.organisation_id.0)) {
        return Err(StoreError::NotFound);
    }
    records(conn, vec![row])?.pop().ok_or(StoreError::NotFound)
}

/// The organisation of a request the caller may see: one statement, for what hangs off a
/// request (its messages) and needs no more of it.
pub fn organisation_of(
    conn: &mut DbConnection,
    id: Uuid,
    visibility: Visibility,
) -> StoreResult<Uuid> {
    let org: DbUuid = r::table
        .filter(r::id.eq(DbUuid(id)))
        .select(r::organisation_id)
        .first(conn)?;
    if !visibility.sees(Some(org.0)) {
        return Err(StoreError::NotFound);
    }
    Ok(org.0)
}

/// Takes the request's row lock (PostgreSQL) or the write lock (SQLite), so that two
/// changes to one request, on any number of processes, happen one after the other.
pub(crate) fn lock(conn: &mut DbConnection, id: Uuid) -> StoreResult<()> {
    diesel::update(r::table.filter(r::id.eq(DbUuid(id))))
        .set(r::version.eq(r::version))
        .execute(conn)?;
    Ok(())
}
