//! The cohorts the academy runs for an agreed request: created from it (pre-filled by the
//! API from the request) or linked when they already exist. The request is delivered, in
//! the same transaction, when its last linked cohort completes.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use domain::commissioning::{Actor, RequestStatus};
use uuid::Uuid;

use super::request_rows::{RequestRecord, get, lock};
use super::requests::{linked_statuses, write_status};
use crate::access::audit::{self, AuditEntry};
use crate::clock::now;
use crate::db::DbConnection;
use crate::error::{StoreError, StoreResult};
use crate::learning::cohorts::{self, CohortRecord, CohortWrite};
use crate::schema::commissioning_request_cohorts as links;
use crate::sql_types::DbUuid;
use crate::visibility::Visibility;

/// The agreed request, locked for the rest of the caller's transaction.
fn agreed(conn: &mut DbConnection, id: Uuid) -> StoreResult<RequestRecord> {
    lock(conn, id)?;
    let request = get(conn, id, Visibility::All)?;
    request.status.runs_cohorts().map_err(StoreError::refused)?;
    Ok(request)
}

fn insert_link(
    conn: &mut DbConnection,
    request: &RequestRecord,
    cohort_id: Uuid,
    at: NaiveDateTime,
    audit: &AuditEntry,
) -> StoreResult<()> {
    diesel::insert_into(links::table)
        .values((
            links::cohort_id.eq(DbUuid(cohort_id)),
            links::request_id.eq(DbUuid(request.id)),
            links::linked_at.eq(at),
        ))
        .execute(conn)
        .map_err(|e| match StoreError::from(e) {
            StoreError::Conflict(_) => StoreError::StateConflict(format!(
                "cohort {cohort_id} already runs for another commissioning request"
            )),
            other => other,
        })?;
    audit::record(
        conn,
        &audit.succeeded(
            "commissioning_request.link_cohort",
            "commissioning_request",
            Some(request.id.to_string()),
            200,
        ),
    )
}

/// Creates a cohort of a published programme for the agreed request and links it: one
/// transaction.
pub fn create(
    conn: &mut DbConnection,
    request_id: Uuid,
    programme_id: Uuid,
    w: &CohortWrite,
    audit: &AuditEntry,
) -> StoreResult<CohortRecord> {
    conn.transaction(|conn| {
        let request = agreed(conn, request_id)?;
        super::published_programme(conn, &programme_id.to_string(), "programme")?;
        let cohort = cohorts::create(conn, programme_id, w, audit)?;
        insert_link(conn, &request, cohort.id, cohort.created_at, audit)?;
        Ok(cohort)
    })
}

/// Links an existing cohort, commissioned by the requesting organisation, to the agreed
/// request; linking it again is a no-op. A cohort that has already completed may deliver
/// the request at once.
pub fn link(
    conn: &mut DbConnection,
    request_id: Uuid,
    cohort_id: Uuid,
    audit: &AuditEntry,
) -> StoreResult<RequestRecord> {
    conn.transaction(|conn| {
        // The cohort first, then the request: the order in which a cohort's completion
        // takes them, so that a link and a completion at once see each other.
        crate::learning::seats::lock(conn, cohort_id)?;
        let request = agreed(conn, request_id)?;
        let cohort = cohorts::get(conn, cohort_id)?;
        if request.cohort_ids.contains(&cohort_id) {
            return Ok(request);
        }
        if cohort.commissioning_organisation_id != Some(request.organisation_id) {
            return Err(StoreError::StateConflict(format!(
                "cohort {cohort_id} is not commissioned by the requesting organisation: set its commissioning_organisation_id first"
            )));
        }
        insert_link(conn, &request, cohort_id, now(), audit)?;
        deliver_if_done(conn, request_id, audit)?;
        get(conn, request_id, Visibility::All)
    })
}

/// After a linked cohort completes or is cancelled (in its transaction): delivers the
/// request when the state machine says every linked cohort is done.
pub fn cohort_settled(
    conn: &mut DbConnection,
    cohort_id: Uuid,
    audit: &AuditEntry,
) -> StoreResult<()> {
    let request: Option<DbUuid> = links::table
        .filter(links::cohort_id.eq(DbUuid(cohort_id)))
        .select(links::request_id)
        .first(conn)
        .optional()?;
    match request {
        Some(id) => {
            lock(conn, id.0)?;
            deliver_if_done(conn, id.0, audit)
        }
        None => Ok(()),
    }
}

fn deliver_if_done(conn: &mut DbConnection, id: Uuid, audit: &AuditEntry) -> StoreResult<()> {
    let current = get(conn, id, Visibility::All)?;
    let linked = linked_statuses(conn, id)?;
    // Refused unless the request is agreed and its linked cohorts are done.
    if let Ok(next) = current
        .status
        .transition(RequestStatus::Delivered, Actor::Academy, &linked)
    {
        write_status(conn, &current, next, None, audit)?;
    }
    Ok(())
}
